//! TypeScript bindings for the façade's DTOs, generated from the Rust types.
//!
//! `ui/src/ipc/bindings.ts` is committed; the test `bindings_are_current` fails when it drifts, and
//! `every_dto_is_bound` when a type deriving `TS` is missing from the list below or lives outside
//! `dto/` (and `error.rs`). Regenerate with `UPDATE_BINDINGS=1 cargo test -p sr-api bindings`.

use ts_rs::{Config, TS};

use crate::dto::account::{AccountLimits, ImagekitAccountInput, KeyStorage, RemoteInfo};
use crate::dto::delivery::UrlRequest;
use crate::dto::organise as org;
use crate::dto::presets as ps;
use crate::dto::preview as pv;
use crate::dto::shop as sh;
use crate::dto::sync as sy;
use crate::dto::uploads as up;
use crate::dto::watch as wt;
use crate::dto::*;
use crate::error::{ApiError, ErrorCode};

/// The whole bindings file.
pub fn typescript() -> String {
    let cfg = Config::new().with_large_int("number");
    let decls = [
        ErrorCode::decl(&cfg),
        ApiError::decl(&cfg),
        AssetKind::decl(&cfg),
        AssetStatus::decl(&cfg),
        Asset::decl(&cfg),
        Skipped::decl(&cfg),
        ImportReport::decl(&cfg),
        ImportEvent::decl(&cfg),
        AssetPage::decl(&cfg),
        LibraryInfo::decl(&cfg),
        <serde_json::Value as TS>::decl(&cfg),
        org::AssetOrganisation::decl(&cfg),
        org::EditResult::decl(&cfg),
        org::TagCount::decl(&cfg),
        org::FieldType::decl(&cfg),
        org::MetadataField::decl(&cfg),
        org::SummaryValue::decl(&cfg),
        org::FieldSummary::decl(&cfg),
        org::FieldProblem::decl(&cfg),
        org::Folder::decl(&cfg),
        org::RemoteOpKind::decl(&cfg),
        org::RemoteOpState::decl(&cfg),
        org::RemoteOp::decl(&cfg),
        org::FolderChange::decl(&cfg),
        org::SortKey::decl(&cfg),
        org::SearchSort::decl(&cfg),
        org::SearchFilters::decl(&cfg),
        org::SearchRequest::decl(&cfg),
        org::SearchHit::decl(&cfg),
        org::SearchPage::decl(&cfg),
        org::SavedSearch::decl(&cfg),
        org::UndoResult::decl(&cfg),
        org::CatalogueRefresh::decl(&cfg),
        AccountLimits::decl(&cfg),
        KeyStorage::decl(&cfg),
        RemoteInfo::decl(&cfg),
        ImagekitAccountInput::decl(&cfg),
        UrlRequest::decl(&cfg),
        up::UploadJobState::decl(&cfg),
        up::PostTransformation::decl(&cfg),
        up::RemoteCopy::decl(&cfg),
        up::UploadJob::decl(&cfg),
        up::UploadTotals::decl(&cfg),
        up::UploadSettings::decl(&cfg),
        up::UploadQueue::decl(&cfg),
        up::UploadsStopped::decl(&cfg),
        up::QueueAddRequest::decl(&cfg),
        up::UploadProgress::decl(&cfg),
        up::UploadEvent::decl(&cfg),
        up::UploadRunSummary::decl(&cfg),
        up::RunUploadsOptions::decl(&cfg),
        wt::WatchFolderRequest::decl(&cfg),
        wt::WatchMode::decl(&cfg),
        wt::RootHealth::decl(&cfg),
        wt::ScanProgress::decl(&cfg),
        wt::WatchFolder::decl(&cfg),
        wt::LedgerReason::decl(&cfg),
        wt::LedgerState::decl(&cfg),
        wt::LedgerAction::decl(&cfg),
        wt::LedgerEntry::decl(&cfg),
        wt::WatchStatus::decl(&cfg),
        wt::WatchSettings::decl(&cfg),
        wt::WatchEvent::decl(&cfg),
        wt::LibraryChange::decl(&cfg),
        pv::PreviewSource::decl(&cfg),
        pv::AssetSource::decl(&cfg),
        pv::PreviewMode::decl(&cfg),
        pv::PreviewKind::decl(&cfg),
        pv::NotPreviewable::decl(&cfg),
        pv::PreviewPlan::decl(&cfg),
        pv::PreviewResult::decl(&cfg),
        pv::PreviewEvent::decl(&cfg),
        pv::LadderFormat::decl(&cfg),
        pv::LadderRung::decl(&cfg),
        pv::LadderPlan::decl(&cfg),
        pv::LadderTr::decl(&cfg),
        pv::LadderResult::decl(&cfg),
        pv::LadderEvent::decl(&cfg),
        pv::RungCost::decl(&cfg),
        sh::DerivedState::decl(&cfg),
        sh::DerivedOutput::decl(&cfg),
        sh::MediaFacts::decl(&cfg),
        sh::FrameScore::decl(&cfg),
        sh::CompareReport::decl(&cfg),
        sh::CompareEvent::decl(&cfg),
        ps::Preset::decl(&cfg),
        ps::PresetApplied::decl(&cfg),
        ps::AssetUrl::decl(&cfg),
        sy::SyncStatus::decl(&cfg),
        sy::SyncSide::decl(&cfg),
        sy::SyncOpKind::decl(&cfg),
        sy::SyncOp::decl(&cfg),
        sy::SyncItemError::decl(&cfg),
        sy::SyncReport::decl(&cfg),
        sy::SyncRequest::decl(&cfg),
        sy::SyncProgress::decl(&cfg),
        sy::SyncOverview::decl(&cfg),
        sy::ConflictField::decl(&cfg),
        sy::Conflict::decl(&cfg),
        sy::ConflictResolution::decl(&cfg),
        sy::ResolveConflicts::decl(&cfg),
        sy::SyncRun::decl(&cfg),
        sy::SyncSettings::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from crates/sr-api/src/dto/ by `UPDATE_BINDINGS=1 cargo test -p sr-api bindings`.\n// Do not edit by hand.\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// Path of the committed bindings file.
pub fn committed_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/ipc/bindings.ts")
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    /// `(file, type name)` of every type in `src/` whose derive list names `TS`.
    fn ts_types(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                ts_types(&path, out);
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            let mut derives_ts = false;
            for line in source.lines().map(str::trim) {
                if line.starts_with("#[derive(") {
                    derives_ts = line.split(|c: char| !c.is_alphanumeric() && c != '_').any(|w| w == "TS");
                } else if derives_ts
                    && let Some(rest) = line.strip_prefix("pub struct ").or(line.strip_prefix("pub enum "))
                {
                    let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    out.push((path.clone(), name));
                    derives_ts = false;
                }
            }
        }
    }

    #[test]
    fn every_dto_is_bound() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        ts_types(&src, &mut found);
        assert!(found.len() > 50, "the scan found only {} types; has the derive style changed?", found.len());
        let bound = super::typescript();
        for (path, name) in found {
            let file = path.strip_prefix(&src).unwrap();
            assert!(
                file.starts_with("dto") || file == Path::new("error.rs"),
                "{name} derives TS in {}; wire types live in src/dto/",
                file.display()
            );
            assert!(
                bound.contains(&format!("export type {name} =")),
                "{name} ({}) derives TS but is not in the list in bindings.rs",
                file.display()
            );
        }
    }

    #[test]
    fn bindings_are_current() {
        let fresh = super::typescript();
        let path = super::committed_path();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/ipc/bindings.ts is out of date with the Rust DTOs; run `UPDATE_BINDINGS=1 cargo test -p sr-api bindings` and commit it"
        );
    }
}

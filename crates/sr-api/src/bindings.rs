//! TypeScript bindings for the façade's DTOs, generated from the Rust types.
//!
//! `ui/src/ipc/bindings.ts` is committed; the test `bindings_are_current` fails when it drifts.
//! Regenerate with `UPDATE_BINDINGS=1 cargo test -p sr-api bindings`.

use ts_rs::{Config, TS};

use crate::delivery::UrlRequest;
use crate::dto::*;
use crate::dto_organise as org;
use crate::dto_presets as ps;
use crate::dto_preview as pv;
use crate::dto_uploads as up;
use crate::error::{ApiError, ErrorCode};
use crate::remote::{AccountLimits, ImagekitAccountInput, KeyStorage, RemoteInfo};

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
        ps::Preset::decl(&cfg),
        ps::PresetApplied::decl(&cfg),
        ps::AssetUrl::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from crates/sr-api/src/dto.rs by `UPDATE_BINDINGS=1 cargo test -p sr-api bindings`.\n// Do not edit by hand.\n\n",
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

//! The seeded randomized harness: interleavings of tag, metadata, rename, move and delete edits
//! on two libraries and through the API, with syncs "killed" at random points (the run's future
//! dropped where it hangs, the library reopened from disk: for SQLite the same as `kill -9`).
//!
//! Invariants, per interleaving: no operation applied twice (the emulator's request log), no
//! delete that was not asked for and confirmed, no resurrection, every dry run lists what the
//! real run right after it applies, and at the end every field no conflict holds converged on
//! all three and equals the last edit made to it (no edit lost).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use sr_library::sync::ConflictField;
use sr_sync::{KillPoint, OpKind, PlanOptions, SyncOptions};

use crate::support::*;

const INTERLEAVINGS: u64 = 300;
const FILES: usize = 3;
/// Interleavings sharing one emulator and pair of libraries.
const PER_RIG: u64 = 25;
const SEED: u64 = 0x5EED_2026;

#[derive(Default, Debug)]
struct Truth {
    name: Option<String>,
    folder: Option<String>,
    season: Option<Option<Value>>,
    /// Each tag's last edit: added (true) or removed.
    tags: BTreeMap<String, bool>,
    remote_deleted: bool,
    delete_asked: bool,
}

/// The request a mutating call makes, as the log shows it: kind and identity.
fn mutations(log: &[sr_emulator::LoggedRequest]) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for l in log.iter().filter(|l| l.succeeded()) {
        let b = &l.body;
        let ids: Vec<String> = b["fileIds"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        let tags: Vec<String> = b["tags"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        match (l.method.as_str(), l.path.as_str()) {
            ("POST", "/v1/files/addTags") | ("POST", "/v1/files/removeTags") => {
                for f in &ids {
                    for t in &tags {
                        out.push((l.path.clone(), f.clone(), t.clone()));
                    }
                }
            }
            ("POST", "/v1/files/batch/deleteByFileIds") => {
                for f in &ids {
                    out.push(("delete".into(), f.clone(), String::new()));
                }
            }
            ("PATCH", p) if p.ends_with("/details") => {
                if let Some(m) = b["customMetadata"].as_object() {
                    for (k, v) in m {
                        out.push(("meta".into(), p.to_owned(), format!("{k}={v}")));
                    }
                }
            }
            ("PUT", "/v1/files/rename") => {
                out.push(("rename".into(), b["filePath"].to_string(), b["newFileName"].to_string()))
            }
            ("POST", "/v1/files/move") => {
                out.push(("move".into(), b["sourceFilePath"].to_string(), b["destinationPath"].to_string()))
            }
            _ => {}
        }
    }
    out
}

/// After a kill: the run's memory is gone with its future (no library transaction spans an
/// await), so the library is reopened from disk every third kill only (an open costs ~0.1 s).
fn reopen(rig: &Rig, side: &mut Side, kills: u64) {
    if kills.is_multiple_of(3) {
        let taken = std::mem::replace(side, rig.side_at(side.lib.clone(), side.path.clone()));
        *side = rig.reopen(taken);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_interleavings_with_kills_lose_nothing_and_apply_nothing_twice() {
    let mut rig = rig().await;
    let mut a = rig.side("lib-a");
    let mut b = rig.side("lib-b");
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut u = 0u64;
    let mut uniq = |p: &str| {
        u += 1;
        format!("{p}-{u}")
    };
    let mut kills = 0u64;
    // Deletes asked for here stay asked across interleavings (a later run may confirm them).
    let mut asked_ever: HashSet<String> = HashSet::new();
    let mut dry_checked = 0u64;
    for n in 0..INTERLEAVINGS {
        // A fresh remote and libraries now and then keeps each run's inputs small.
        if n > 0 && n % PER_RIG == 0 {
            drop((a, b));
            rig = crate::support::rig().await;
            a = rig.side("lib-a");
            b = rig.side("lib-b");
        }
        let ctx = format!("interleaving {n} (seed {SEED:#x})");
        let paths: Vec<String> = (0..FILES).map(|i| format!("/h{n}/f{i}.jpg")).collect();
        let seeds: Vec<(&str, &[&str], Value)> =
            paths.iter().map(|p| (p.as_str(), &["seed"][..], json!({"season": "spring"}))).collect();
        let ids = rig.seed(&seeds);
        let mut truth: HashMap<String, Truth> = ids
            .iter()
            .map(|id| (id.clone(), Truth { tags: [("seed".to_owned(), true)].into(), ..Truth::default() }))
            .collect();
        rig.emu.clear_request_log();
        let mut api_sent: Vec<(String, String, String)> = Vec::new();
        a.sync().await;
        b.sync().await;
        let steps = rng.random_range(3..=6);
        for _ in 0..steps {
            let id = ids[rng.random_range(0..FILES)].clone();
            let t = truth.get_mut(&id).unwrap();
            match rng.random_range(0..10) {
                // A local edit on one library.
                0..=4 => {
                    let side = if rng.random_bool(0.5) { &a } else { &b };
                    let prefix = if std::ptr::eq(side, &a) { "a" } else { "b" };
                    if t.remote_deleted || !side.assets().contains_key(&id) {
                        continue;
                    }
                    let asset = side.asset(&id);
                    match rng.random_range(0..6) {
                        0 => {
                            let tag = uniq(prefix);
                            side.tag(&id, &tag);
                            t.tags.insert(tag, true);
                        }
                        1 => {
                            let have = side.fields(asset).tags;
                            if let Some(tag) = have.get(rng.random_range(0..have.len().max(1))).cloned() {
                                side.untag(&id, &tag);
                                t.tags.insert(tag, false);
                            }
                        }
                        2 => {
                            let v = json!(uniq(prefix));
                            side.set_meta(&id, "season", v.clone());
                            t.season = Some(Some(v));
                        }
                        3 => {
                            let name = format!("{}.jpg", uniq(prefix));
                            side.rename(&id, &name);
                            t.name = Some(name);
                        }
                        4 => {
                            let folder = format!("/h{n}/{}/", uniq(prefix));
                            side.move_to(&id, &folder);
                            t.folder = Some(folder);
                        }
                        _ => {
                            if side.lib.request_remote_delete(&[asset], now()).is_ok() {
                                t.delete_asked = true;
                                asked_ever.insert(id.clone());
                            }
                        }
                    }
                }
                // A direct API edit.
                5..=6 => {
                    if t.remote_deleted {
                        continue;
                    }
                    let Ok(f) = rig.api.get_file_details(&id).await else { continue };
                    match rng.random_range(0..6) {
                        0 => {
                            let tag = uniq("api");
                            rig.api.add_tags(std::slice::from_ref(&id), std::slice::from_ref(&tag)).await.unwrap();
                            api_sent.push(("/v1/files/addTags".into(), id.clone(), tag.clone()));
                            t.tags.insert(tag, true);
                        }
                        1 => {
                            let have = f.tags.clone().unwrap_or_default();
                            if let Some(tag) = have.get(rng.random_range(0..have.len().max(1))).cloned() {
                                rig.api
                                    .remove_tags(std::slice::from_ref(&id), std::slice::from_ref(&tag))
                                    .await
                                    .unwrap();
                                api_sent.push(("/v1/files/removeTags".into(), id.clone(), tag.clone()));
                                t.tags.insert(tag, false);
                            }
                        }
                        2 => {
                            let v = json!(uniq("api"));
                            let mut m = serde_json::Map::new();
                            m.insert("season".into(), v.clone());
                            rig.api
                                .update_file_details(
                                    &id,
                                    sr_remote::UpdateFile { custom_metadata: m, ..Default::default() },
                                )
                                .await
                                .unwrap();
                            api_sent.push(("meta".into(), format!("/v1/files/{id}/details"), format!("season={v}")));
                            t.season = Some(Some(v));
                        }
                        3 => {
                            let name = format!("{}.jpg", uniq("api"));
                            rig.api.rename_file(&f.file_path, &name, false).await.unwrap();
                            api_sent.push(("rename".into(), json!(f.file_path).to_string(), json!(name).to_string()));
                            t.name = Some(name);
                        }
                        4 => {
                            let folder = format!("/h{n}/{}/", uniq("api"));
                            rig.api.move_file(&f.file_path, &folder).await.unwrap();
                            api_sent.push(("move".into(), json!(f.file_path).to_string(), json!(folder).to_string()));
                            t.folder = Some(folder);
                        }
                        _ => {
                            rig.api.bulk_delete(std::slice::from_ref(&id)).await.unwrap();
                            api_sent.push(("delete".into(), id.clone(), String::new()));
                            t.remote_deleted = true;
                        }
                    }
                }
                // A sync of one library: dry run then the real one, or a run killed somewhere.
                _ => {
                    let which_a = rng.random_bool(0.5);
                    let confirm = rng.random_bool(0.3);
                    let o = SyncOptions {
                        dry_run: false,
                        plan: PlanOptions { confirm_deletes: confirm, ..PlanOptions::default() },
                        full_listing: rng.random_bool(0.5),
                    };
                    let side = if which_a { &mut a } else { &mut b };
                    if rng.random_bool(0.5) {
                        let kill = KillPoint::new(rng.random_range(1..=12));
                        if side.sync_killed(&o, &kill).await.is_none() {
                            kills += 1;
                            reopen(&rig, side, kills);
                        }
                    } else {
                        let dry = side.sync_with(&SyncOptions { dry_run: true, ..o.clone() }).await;
                        let real = side.sync_with(&o).await;
                        if real.errors.is_empty() {
                            assert_eq!(dry.plan.operations, real.applied, "{ctx}: applied = previewed");
                            dry_checked += 1;
                        }
                        if !confirm {
                            assert!(
                                !real.applied.iter().any(|o| o.kind == OpKind::Delete),
                                "{ctx}: unconfirmed delete"
                            );
                        }
                    }
                    for (id, t) in truth.iter_mut() {
                        if rig.remote_fields(id).await.is_none() {
                            t.remote_deleted = true;
                        }
                    }
                }
            }
        }
        // One more run killed somewhere, then full syncs on both until quiet.
        {
            let side = if rng.random_bool(0.5) { &mut a } else { &mut b };
            let kill = KillPoint::new(rng.random_range(1..=16));
            if side.sync_killed(&SyncOptions { full_listing: rng.random_bool(0.5), ..opts() }, &kill).await.is_none() {
                kills += 1;
                reopen(&rig, side, kills);
            }
        }
        for side in [&a, &b, &a] {
            side.sync_with(&SyncOptions { full_listing: true, ..opts() }).await;
        }

        // No operation applied twice (what the API client sent itself is not sync's).
        let mut counts: BTreeMap<(String, String, String), i64> = BTreeMap::new();
        for m in mutations(&rig.emu.request_log()) {
            *counts.entry(m).or_default() += 1;
        }
        for m in api_sent {
            *counts.entry(m).or_default() -= 1;
        }
        for (m, c) in &counts {
            assert!(*c <= 1, "{ctx}: {m:?} applied {c} times");
        }
        // Deletes: only those asked for; nothing comes back.
        assert!(!rig.emu.request_log().iter().any(|l| l.path.contains("/upload")), "{ctx}: something was re-uploaded");
        for ((kind, f, _), c) in &counts {
            if kind == "delete" && *c > 0 {
                assert!(asked_ever.contains(f), "{ctx}: {f} deleted without being asked");
            }
        }
        // Convergence and no edit lost, field by field, where no conflict holds it.
        let mut held: HashSet<(String, ConflictField)> = HashSet::new();
        for side in [&a, &b] {
            let by_asset: HashMap<i64, String> = side.assets().into_iter().map(|(f, a)| (a, f)).collect();
            for c in side.conflicts() {
                if let Some(f) = by_asset.get(&c.asset_id) {
                    held.insert((f.clone(), c.field.clone()));
                }
            }
        }
        for id in &ids {
            let t = &truth[id];
            let remote = rig.remote_fields(id).await;
            if t.remote_deleted {
                assert!(remote.is_none(), "{ctx}: {id} came back");
                continue;
            }
            let Some(remote) = remote else {
                assert!(t.delete_asked, "{ctx}: {id} gone without a confirmed delete");
                continue;
            };
            if t.delete_asked || held.contains(&(id.clone(), ConflictField::Existence)) {
                continue;
            }
            let sides: Vec<_> =
                [&a, &b].into_iter().filter_map(|s| s.assets().get(id).map(|asset| s.fields(*asset))).collect();
            assert_eq!(sides.len(), 2, "{ctx}: {id} linked in both libraries");
            let free = |f: ConflictField| !held.contains(&(id.clone(), f));
            if free(ConflictField::Name) {
                for s in &sides {
                    assert_eq!(s.name, remote.name, "{ctx}: {id} name converged");
                }
                if let Some(n) = &t.name {
                    assert_eq!(&remote.name, n, "{ctx}: {id} last rename kept");
                }
            }
            if free(ConflictField::Folder) {
                for s in &sides {
                    assert_eq!(s.folder, remote.folder, "{ctx}: {id} folder converged");
                }
                if let Some(f) = &t.folder {
                    assert_eq!(&remote.folder, f, "{ctx}: {id} last move kept");
                }
            }
            if free(ConflictField::Metadata("season".into())) {
                for s in &sides {
                    assert_eq!(s.metadata.get("season"), remote.metadata.get("season"), "{ctx}: {id} season converged");
                }
                if let Some(v) = &t.season {
                    assert_eq!(remote.metadata.get("season"), v.as_ref(), "{ctx}: {id} last season kept");
                }
            }
            let rt: BTreeSet<&String> = remote.tags.iter().collect();
            for s in &sides {
                assert_eq!(s.tags.iter().collect::<BTreeSet<_>>(), rt, "{ctx}: {id} tags converged");
            }
            for (tag, added) in &t.tags {
                assert_eq!(rt.contains(tag), *added, "{ctx}: {id} tag {tag} last edit kept ({rt:?})");
            }
        }
    }
    assert!(kills >= INTERLEAVINGS / 4, "kills really happened: {kills}");
    assert!(dry_checked >= INTERLEAVINGS / 4, "dry runs compared: {dry_checked}");
}

//! What two-way sync relies on: the seeding hook, the request log, `updatedAt` moving on every
//! change, incremental listing by `updatedAt` with `sort=ASC_UPDATED`, deep paging, folder listing.

use serde_json::{Map, Value, json};
use sr_emulator::SeedFile;

use crate::common::*;

fn seed(path: &str, tags: &[&str]) -> SeedFile {
    SeedFile {
        path: path.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        metadata: Map::new(),
        bytes: path.as_bytes().to_vec(),
    }
}

impl Emu {
    async fn details(&self, id: &str) -> Value {
        let (st, d) = self.json(self.get(&format!("/v1/files/{id}/details"))).await;
        assert_eq!(st, 200, "{d}");
        d
    }
    async fn updated_at(&self, id: &str) -> String {
        self.details(id).await["updatedAt"].as_str().unwrap().to_string()
    }
    /// Every item of a listing, paging with skip/limit until an empty page.
    async fn list_all(&self, params: &[(&str, &str)], limit: usize) -> Vec<Value> {
        let mut out = Vec::new();
        loop {
            let mut q: Vec<(String, String)> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            q.push(("skip".into(), out.len().to_string()));
            q.push(("limit".into(), limit.to_string()));
            let (st, page) = self.json(self.get("/v1/files").query(&q)).await;
            assert_eq!(st, 200, "{page}");
            let page = page.as_array().unwrap().clone();
            if page.is_empty() {
                return out;
            }
            out.extend(page);
        }
    }
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(|i| i["fileId"].as_str().unwrap_or_else(|| i["folderId"].as_str().unwrap()).to_string()).collect()
}

#[tokio::test]
async fn seeded_files_are_served_like_uploads_and_a_clash_seeds_nothing() {
    let emu = Emu::start().await;
    let mut meta = Map::new();
    meta.insert("season".into(), json!("summer"));
    let files = vec![
        SeedFile { metadata: meta, ..seed("/shop/a/shirt.png", &["red", "sale"]) },
        SeedFile { bytes: png(12, 8), ..seed("shop/hat.png", &[]) },
    ];
    let ids = emu.handle.seed_files(&files).unwrap();
    assert_eq!(ids.len(), 2);
    let d = emu.details(&ids[0]).await;
    assert_eq!(d["filePath"], "/shop/a/shirt.png");
    assert_eq!(d["tags"], json!(["red", "sale"]));
    assert_eq!(d["customMetadata"], json!({"season": "summer"}));
    assert_eq!(d["size"], json!("/shop/a/shirt.png".len()));
    let hat = emu.details(&ids[1]).await;
    assert_eq!((hat["filePath"].as_str(), hat["tags"].clone()), (Some("/shop/hat.png"), Value::Null));
    assert_eq!(
        (hat["mime"].as_str(), hat["width"].as_u64(), hat["height"].as_u64()),
        (Some("image/png"), Some(12), Some(8))
    );
    let bytes = emu.http.get(d["url"].as_str().unwrap()).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(&bytes[..], b"/shop/a/shirt.png", "the delivery URL serves the seeded bytes");
    let folders = emu.list_all(&[("type", "folder")], 1000).await;
    let mut paths: Vec<&str> = folders.iter().map(|f| f["folderPath"].as_str().unwrap()).collect();
    paths.sort();
    assert_eq!(paths, ["/shop", "/shop/a"]);

    let clash = emu.handle.seed_files(&[seed("/new/one.bin", &[]), seed("/shop/hat.png", &[])]);
    assert!(clash.unwrap_err().to_string().contains("/shop/hat.png already holds a file"));
    assert_eq!(emu.list_all(&[], 1000).await.len(), 2, "the batch with a clash wrote nothing");
}

#[tokio::test]
async fn the_request_log_holds_what_was_asked_and_answered_and_can_be_cleared() {
    let emu = Emu::start().await;
    let ids = emu.handle.seed_files(&[seed("/a.bin", &[])]).unwrap();
    assert!(emu.handle.request_log().is_empty(), "seeding is not a request");
    let r = emu.post("/v1/files/addTags").json(&json!({"fileIds": ids, "tags": ["sale"]})).send().await.unwrap();
    let rid = r.headers()["x-ik-requestId"].to_str().unwrap().to_string();
    assert_eq!(r.status(), 200);
    let (st, _) =
        emu.json(emu.get("/v1/files/").query(&[("searchQuery", r#"tags IN ["sale"]"#), ("limit", "5")])).await;
    assert_eq!(st, 200);
    let (st, _) = emu
        .json(emu.post("/v1/files/addTags").json(&json!({"fileIds": ["000000000000000000000000"], "tags": ["x"]})))
        .await;
    assert_eq!(st, 404);

    let log = emu.handle.request_log();
    assert_eq!(log.len(), 3, "{log:?}");
    assert_eq!((log[0].method.as_str(), log[0].path.as_str(), log[0].status), ("POST", "/v1/files/addTags", 200));
    assert_eq!(log[0].body, json!({"fileIds": ids, "tags": ["sale"]}));
    assert_eq!(log[0].request_id, rid);
    assert!(log[0].succeeded() && !log[2].succeeded());
    assert_eq!(
        (log[1].path.as_str(), log[1].param("searchQuery"), log[1].param("limit")),
        ("/v1/files", Some(r#"tags IN ["sale"]"#), Some("5"))
    );
    assert_eq!(log[1].body, Value::Null);
    assert!(log[0].seq < log[1].seq && log[1].seq < log[2].seq);

    emu.handle.clear_request_log();
    assert!(emu.handle.request_log().is_empty());
    let _ = emu.get(&format!("/v1/files/{}/details", ids[0])).send().await.unwrap();
    let log = emu.handle.request_log();
    assert_eq!(log.len(), 1);
    assert!(log[0].seq > 3, "sequence numbers go on after a clear");
}

/// Runs `change` and checks the file's `updatedAt` moved forward.
async fn bumps(emu: &Emu, id: &str, what: &str, change: impl std::future::Future<Output = (u16, Value)>) {
    let before = emu.updated_at(id).await;
    let (st, body) = change.await;
    assert!((200..300).contains(&st), "{what}: {st} {body}");
    let after = emu.updated_at(id).await;
    assert!(after > before, "{what} must bump updatedAt ({before} -> {after})");
}

#[tokio::test]
async fn every_change_of_a_file_bumps_its_updated_at() {
    let emu = Emu::start().await;
    let (st, _) = emu
        .json(
            emu.post("/v1/customMetadataFields")
                .json(&json!({"name": "season", "label": "Season", "schema": {"type": "Text"}})),
        )
        .await;
    assert_eq!(st, 201);
    let ids = emu.handle.seed_files(&[seed("/f/a.bin", &["old"]), seed("/f/sub/b.bin", &[])]).unwrap();
    let (a, b) = (ids[0].as_str(), ids[1].as_str());

    bumps(&emu, a, "addTags", emu.json(emu.post("/v1/files/addTags").json(&json!({"fileIds": [a], "tags": ["sale"]}))))
        .await;
    bumps(
        &emu,
        a,
        "removeTags",
        emu.json(emu.post("/v1/files/removeTags").json(&json!({"fileIds": [a], "tags": ["old"]}))),
    )
    .await;
    let path = format!("/v1/files/{a}/details");
    bumps(
        &emu,
        a,
        "PATCH customMetadata",
        emu.json(emu.patch(&path).json(&json!({"customMetadata": {"season": "winter"}}))),
    )
    .await;
    bumps(
        &emu,
        a,
        "PATCH customMetadata null",
        emu.json(emu.patch(&path).json(&json!({"customMetadata": {"season": null}}))),
    )
    .await;
    bumps(&emu, a, "PATCH tags", emu.json(emu.patch(&path).json(&json!({"tags": ["x"]})))).await;
    bumps(
        &emu,
        a,
        "move",
        emu.json(emu.post("/v1/files/move").json(&json!({"sourceFilePath": "/f/a.bin", "destinationPath": "/g/"}))),
    )
    .await;
    assert_eq!(emu.details(a).await["filePath"], "/g/a.bin");
    bumps(
        &emu,
        a,
        "rename",
        emu.json(emu.put("/v1/files/rename").json(&json!({"filePath": "/g/a.bin", "newFileName": "c.bin"}))),
    )
    .await;
    assert_eq!(emu.details(a).await["name"], "c.bin");

    bumps(
        &emu,
        b,
        "folder rename",
        emu.json(emu.post("/v1/bulkJobs/renameFolder").json(&json!({"folderPath": "/f/sub", "newFolderName": "deep"}))),
    )
    .await;
    assert_eq!(emu.details(b).await["filePath"], "/f/deep/b.bin");
    bumps(
        &emu,
        b,
        "folder move",
        emu.json(
            emu.post("/v1/bulkJobs/moveFolder").json(&json!({"sourceFolderPath": "/f/deep", "destinationPath": "/g"})),
        ),
    )
    .await;
    assert_eq!(emu.details(b).await["filePath"], "/g/deep/b.bin");

    // A second version, then restoring the first.
    let up = emu
        .upload(
            "c.bin",
            b"second".to_vec(),
            &[("folder", "/g"), ("useUniqueFileName", "false"), ("overwriteFile", "true")],
        )
        .await;
    assert_eq!(up["fileId"], json!(a), "an overwrite is a new version of the same file");
    bumps(&emu, a, "version restore", emu.json(emu.put(&format!("/v1/files/{a}/versions/{a}/restore")))).await;

    // Nothing else moved b's stamp: a change of one file is not a change of another.
    let b_now = emu.updated_at(b).await;
    let (st, _) = emu.json(emu.post("/v1/files/addTags").json(&json!({"fileIds": [a], "tags": ["z"]}))).await;
    assert_eq!(st, 200);
    assert_eq!(emu.updated_at(b).await, b_now);
}

#[tokio::test]
async fn changes_in_one_millisecond_still_get_increasing_stamps() {
    let emu = Emu::start().await;
    let ids = emu.handle.seed_files(&[seed("/a.bin", &[])]).unwrap();
    let mut seen = vec![emu.updated_at(&ids[0]).await];
    for i in 0..20 {
        let (st, d) = emu
            .json(emu.patch(&format!("/v1/files/{}/details", ids[0])).json(&json!({"tags": [format!("t{i}")]})))
            .await;
        assert_eq!(st, 200);
        seen.push(d["updatedAt"].as_str().unwrap().to_string());
    }
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
}

#[tokio::test]
async fn incremental_listing_by_updated_at_ascending_with_paging() {
    let emu = Emu::start().await;
    let paths: Vec<String> = (0..25).map(|i| format!("/p/{}/f{i:02}.bin", i % 3)).collect();
    let seeded = emu.handle.seed_files(&paths.iter().map(|p| seed(p, &[])).collect::<Vec<_>>()).unwrap();
    let checkpoint = emu.updated_at(&seeded[24]).await;
    // Touch five files in a known order: they come back last, in that order.
    let touched = [&seeded[7], &seeded[3], &seeded[20], &seeded[11], &seeded[0]];
    for id in touched {
        let (st, _) = emu.json(emu.post("/v1/files/addTags").json(&json!({"fileIds": [id], "tags": ["t"]}))).await;
        assert_eq!(st, 200);
    }
    let all = emu.list_all(&[("sort", "ASC_UPDATED")], 4).await;
    assert_eq!(all.len(), 25, "seven pages of four; the last one short, then an empty page");
    assert_eq!(ids(&all[..20]), seeded.iter().filter(|id| !touched.contains(id)).cloned().collect::<Vec<_>>());
    let stamps: Vec<&str> = all.iter().map(|f| f["updatedAt"].as_str().unwrap()).collect();
    assert!(stamps.windows(2).all(|w| w[0] <= w[1]), "ASC_UPDATED: {stamps:?}");
    assert_eq!(ids(&all[20..]), touched.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    let mut unique = ids(&all);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 25, "no file twice across pages");

    let after = emu.updated_at(&seeded[7]).await;
    let q = format!(r#"updatedAt >= "{after}""#);
    let changed = emu.list_all(&[("searchQuery", &q), ("sort", "ASC_UPDATED")], 2).await;
    assert_eq!(
        ids(&changed),
        touched.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        ">= includes the stamp itself"
    );
    let q = format!(r#"updatedAt > "{checkpoint}""#);
    assert_eq!(emu.list_all(&[("searchQuery", &q), ("sort", "ASC_UPDATED")], 1000).await.len(), 5);
    let q = r#"updatedAt >= "2999-01-01T00:00:00.000Z""#;
    assert!(emu.list_all(&[("searchQuery", q), ("sort", "ASC_UPDATED")], 1000).await.is_empty());
}

#[tokio::test]
async fn pages_of_a_thousand_reach_deep_offsets_and_folders_list_in_full() {
    let emu = Emu::start().await;
    let files: Vec<SeedFile> = (0..2_345).map(|i| seed(&format!("/bulk/d{}/f{i}.bin", i % 120), &[])).collect();
    let seeded = emu.handle.seed_files(&files).unwrap();
    let all = emu.list_all(&[("sort", "ASC_UPDATED")], 1000).await;
    assert_eq!(all.len(), 2_345);
    assert_eq!(ids(&all), seeded, "seeded in order (ties keep it), so pages never overlap");
    let (st, deep) = emu.json(emu.get("/v1/files?skip=2000&limit=1000")).await;
    assert_eq!((st, deep.as_array().unwrap().len()), (200, 345));
    let (st, past) = emu.json(emu.get("/v1/files?skip=100000")).await;
    assert_eq!((st, past), (200, json!([])));

    let folders = emu.list_all(&[("type", "folder")], 50).await;
    assert_eq!(folders.len(), 121, "/bulk and its 120 subfolders, paged");
    assert!(folders.iter().all(|f| f["type"] == "folder" && !f["folderPath"].as_str().unwrap().ends_with('/')));
}

/// What the log says is what was applied: an injected 500 before the route is logged as 500 and
/// changed nothing; an answer cut after the route ran is logged as 200 and did change the file.
#[tokio::test]
async fn the_request_log_tells_applied_from_refused_under_faults() {
    use sr_emulator::{FaultAction, FaultRule};
    let emu = Emu::start().await;
    let ids = emu.handle.seed_files(&[seed("/a.bin", &[])]).unwrap();
    let add = |tag: &str| emu.post("/v1/files/addTags").json(&json!({"fileIds": ids, "tags": [tag]})).send();
    emu.handle.faults().add(FaultRule::new("tags", FaultAction::Status { status: 500 }).times(1));
    assert_eq!(add("refused").await.unwrap().status(), 500);
    emu.handle.faults().add(FaultRule::new("tags", FaultAction::ResetResponse { after_bytes: 0 }).times(1));
    let cut = match add("applied").await {
        Ok(r) => r.bytes().await.is_err(),
        Err(_) => true,
    };
    assert!(cut, "the answer never arrived whole");
    assert_eq!(emu.details(&ids[0]).await["tags"], json!(["applied"]));
    let log: Vec<(u16, Value)> = emu
        .handle
        .request_log()
        .into_iter()
        .filter(|r| r.path == "/v1/files/addTags")
        .map(|r| (r.status, r.body["tags"].clone()))
        .collect();
    assert_eq!(log, [(500, json!(["refused"])), (200, json!(["applied"]))]);
}

#[tokio::test]
async fn an_upload_is_logged_with_its_form_fields_but_not_the_file() {
    let emu = Emu::start().await;
    let up =
        emu.upload("u.png", png(4, 4), &[("folder", "/in"), ("tags", "a,b"), ("useUniqueFileName", "false")]).await;
    let (st, _) = emu
        .upload_raw(
            "u.png",
            png(4, 4),
            &[("folder", "/in"), ("useUniqueFileName", "false"), ("overwriteFile", "false")],
        )
        .await;
    assert_eq!(st, 400, "the name is taken");
    let log = emu.handle.request_log();
    assert_eq!(log.len(), 2);
    assert_eq!((log[0].path.as_str(), log[0].status), ("/api/v1/files/upload", 200));
    assert_eq!(log[0].body, json!({"fileName": "u.png", "folder": "/in", "tags": "a,b", "useUniqueFileName": "false"}));
    assert_eq!((log[1].status, log[1].body["fileName"].as_str()), (400, Some("u.png")));
    assert!(up["fileId"].is_string());
}

#[tokio::test]
async fn seeded_files_are_stamped_in_order_up_to_now_never_later() {
    let emu = Emu::start().await;
    let first =
        emu.handle.seed_files(&(0..3_000).map(|i| seed(&format!("/s/a{i}.bin"), &[])).collect::<Vec<_>>()).unwrap();
    let second =
        emu.handle.seed_files(&(0..3_000).map(|i| seed(&format!("/s/b{i}.bin"), &[])).collect::<Vec<_>>()).unwrap();
    // Other tests' emulators share the process's clock, so only a bound is certain here.
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(1)).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    let all = emu.list_all(&[("sort", "ASC_UPDATED")], 1000).await;
    assert_eq!(ids(&all), [first, second].concat(), "in the order seeded");
    let stamps: Vec<&str> = all.iter().map(|f| f["updatedAt"].as_str().unwrap()).collect();
    assert!(stamps.windows(2).all(|w| w[0] <= w[1]));
    assert!(stamps[2_999] < stamps[3_000], "a later call is stamped after the earlier one");
    assert!(*stamps.last().unwrap() <= soon.as_str(), "not in the future");
}

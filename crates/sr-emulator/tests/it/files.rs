use serde_json::{Value, json};

use crate::common::*;

#[tokio::test]
async fn list_search_sort_and_paginate() {
    let emu = Emu::start().await;
    let a = emu.upload("a.png", png(10, 10), &[("folder", "/shop"), ("tags", "red")]).await;
    let b = emu.upload("b.png", png(30, 30), &[("folder", "/shop"), ("tags", "blue")]).await;
    let _c = emu.upload("c.txt", b"hello".to_vec(), &[("folder", "/shop/deep")]).await;
    let (st, all) = emu.json(emu.get("/v1/files")).await;
    assert_eq!(st, 200);
    assert_eq!(all.as_array().unwrap().len(), 3);
    assert_eq!(all[0]["fileId"], a["fileId"], "ASC_CREATED by default");
    let (_, one_level) = emu.json(emu.get("/v1/files/?path=/shop/")).await;
    assert_eq!(one_level.as_array().unwrap().len(), 2, "path is one level only; trailing slash accepted");
    let (_, imgs) = emu.json(emu.get("/v1/files?fileType=non-image")).await;
    assert_eq!(imgs.as_array().unwrap().len(), 1);
    let (_, sorted) = emu.json(emu.get("/v1/files?sort=DESC_WIDTH&limit=1&skip=0")).await;
    assert_eq!(sorted.as_array().unwrap().len(), 1);
    assert_eq!(sorted[0]["fileId"], b["fileId"]);
    let (_, page2) = emu.json(emu.get("/v1/files?sort=DESC_WIDTH&limit=1&skip=1")).await;
    assert_eq!(page2[0]["fileId"], a["fileId"]);
    let (_, tagged) = emu.json(emu.get("/v1/files?tags=blue")).await;
    assert_eq!(tagged.as_array().unwrap().len(), 1);
    let q = "tags IN [\"red\"] AND width < 20 AND path : \"/shop\"";
    let (st, found) = emu.json(emu.get("/v1/files").query(&[("searchQuery", q)])).await;
    assert_eq!(st, 200, "{found}");
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["fileId"], a["fileId"]);
    let (st, err) = emu.json(emu.get("/v1/files").query(&[("searchQuery", "createdAt > 5")])).await;
    assert_eq!(st, 400);
    assert!(err["message"].as_str().unwrap().starts_with("Invalid search query"), "{err}");
    let (st, _) = emu.json(emu.get("/v1/files?limit=1001")).await;
    assert_eq!(st, 400);
    let (_, all_types) = emu.json(emu.get("/v1/files?type=all")).await;
    assert!(all_types.as_array().unwrap().iter().any(|x| x["type"] == "folder"));
}

#[tokio::test]
async fn details_update_and_delete() {
    let emu = Emu::start().await;
    let f = emu.upload("u.png", png(5, 5), &[]).await;
    let id = f["fileId"].as_str().unwrap();
    let (st, d) = emu.json(emu.get(&format!("/v1/files/{id}/details"))).await;
    assert_eq!(st, 200);
    assert_eq!(d["type"], "file");
    assert_eq!(d["mime"], "image/png");
    assert_eq!(d["customMetadata"], json!({}));
    let (st, e) = emu.json(emu.get("/v1/files/xyz/details")).await;
    assert_eq!((st, e["message"].as_str()), (400, Some("Your request contains invalid fileId parameter.")));
    let (st, e) = emu.json(emu.get("/v1/files/000000000000000000000000/details")).await;
    assert_eq!((st, e["message"].as_str()), (404, Some("The requested file does not exist.")));

    let (st, u) = emu
        .json(
            emu.patch(&format!("/v1/files/{id}/details"))
                .json(&json!({"tags": ["x", "y"], "customCoordinates": "1,1,2,2", "description": "d"})),
        )
        .await;
    assert_eq!(st, 200, "{u}");
    assert_eq!(u["tags"], json!(["x", "y"]));
    assert_eq!(u["customCoordinates"], "1,1,2,2");
    let (st, u) = emu.json(emu.patch(&format!("/v1/files/{id}/details")).json(&json!({"tags": null}))).await;
    assert_eq!((st, &u["tags"]), (200, &Value::Null));
    let (st, u) =
        emu.json(emu.patch(&format!("/v1/files/{id}/details")).json(&json!({"publish": {"isPublished": false}}))).await;
    assert_eq!((st, &u["isPublished"]), (200, &json!(false)));
    let (st, _) = emu
        .json(
            emu.patch(&format!("/v1/files/{id}/details"))
                .json(&json!({"publish": {"isPublished": true}, "tags": ["a"]})),
        )
        .await;
    assert_eq!(st, 400);

    let r = emu.delete(&format!("/v1/files/{id}")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let r = emu.delete(&format!("/v1/files/{id}")).send().await.unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn bulk_delete_is_all_or_nothing() {
    let emu = Emu::start().await;
    let a = emu.upload("a.png", png(2, 2), &[]).await["fileId"].as_str().unwrap().to_string();
    let b = emu.upload("b.png", png(2, 2), &[]).await["fileId"].as_str().unwrap().to_string();
    let ghost = "aaaaaaaaaaaaaaaaaaaaaaaa";
    let (st, e) = emu.json(emu.post("/v1/files/batch/deleteByFileIds").json(&json!({"fileIds": [a, ghost]}))).await;
    assert_eq!(st, 404);
    assert_eq!(e["message"], "The requested file(s) does not exist.");
    assert_eq!(e["missingFileIds"], json!([ghost]));
    let (_, still) = emu.json(emu.get("/v1/files")).await;
    assert_eq!(still.as_array().unwrap().len(), 2);
    let (st, ok) = emu.json(emu.post("/v1/files/batch/deleteByFileIds").json(&json!({"fileIds": [a, b]}))).await;
    assert_eq!(st, 200);
    assert_eq!(ok["successfullyDeletedFileIds"], json!([a, b]));
}

#[tokio::test]
async fn copy_move_rename() {
    let emu = Emu::start().await;
    emu.upload("m.png", png(2, 2), &[("useUniqueFileName", "false"), ("folder", "/src")]).await;
    let r = emu
        .post("/v1/files/copy")
        .json(&json!({"sourceFilePath": "/src/m.png", "destinationPath": "/dst/"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    // Copy again: appended as a version of the destination.
    emu.post("/v1/files/copy")
        .json(&json!({"sourceFilePath": "/src/m.png", "destinationPath": "/dst"}))
        .send()
        .await
        .unwrap();
    let (_, dst) = emu.json(emu.get("/v1/files?path=/dst/")).await;
    assert_eq!(dst[0]["versionInfo"]["name"], "Version 2");
    let (st, e) = emu
        .json(emu.post("/v1/files/copy").json(&json!({"sourceFilePath": "/nope.png", "destinationPath": "/dst"})))
        .await;
    assert_eq!((st, e["reason"].as_str()), (404, Some("SOURCE_FILE_MISSING")));
    assert_eq!(e["message"], "No file found with filePath /nope.png");

    let r = emu
        .post("/v1/files/move")
        .json(&json!({"sourceFilePath": "/src/m.png", "destinationPath": "/moved"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (_, moved) = emu.json(emu.get("/v1/files?path=/moved")).await;
    assert_eq!(moved[0]["filePath"], "/moved/m.png");

    emu.upload("other.png", png(2, 2), &[("useUniqueFileName", "false"), ("folder", "/moved")]).await;
    let (st, e) = emu
        .json(emu.put("/v1/files/rename").json(&json!({"filePath": "/moved/m.png", "newFileName": "other.png"})))
        .await;
    assert_eq!((st, e["reason"].as_str()), (409, Some("FILE_ALREADY_EXISTS")));
    assert_eq!(e["message"], "File with name other.png already exists at the same location.");
    let (st, ok) = emu
        .json(
            emu.put("/v1/files/rename")
                .json(&json!({"filePath": "/moved/m.png", "newFileName": "new name.png", "purgeCache": true})),
        )
        .await;
    assert_eq!(st, 200);
    let rid = ok["purgeRequestId"].as_str().unwrap();
    let (st, p) = emu.json(emu.get(&format!("/v1/files/purge/{rid}"))).await;
    assert_eq!((st, p["status"].as_str()), (200, Some("Completed")));
    let (_, renamed) = emu.json(emu.get("/v1/files").query(&[("searchQuery", "name = \"new_name.png\"")])).await;
    assert_eq!(renamed.as_array().unwrap().len(), 1);
    let (st, e) =
        emu.json(emu.put("/v1/files/rename").json(&json!({"filePath": "/gone.png", "newFileName": "x.png"}))).await;
    assert_eq!((st, e["reason"].as_str()), (404, Some("FILE_MISSING")));
}

#[tokio::test]
async fn bulk_tags() {
    let emu = Emu::start().await;
    let a = emu.upload("a.png", png(2, 2), &[("tags", "keep")]).await["fileId"].as_str().unwrap().to_string();
    let (st, ok) =
        emu.json(emu.post("/v1/files/addTags").json(&json!({"fileIds": [a], "tags": ["new", "keep"]}))).await;
    assert_eq!(st, 200);
    assert_eq!(ok["successfullyUpdatedFileIds"], json!([a]));
    let (_, d) = emu.json(emu.get(&format!("/v1/files/{a}/details"))).await;
    assert_eq!(d["tags"], json!(["keep", "new"]));
    emu.post("/v1/files/removeTags").json(&json!({"fileIds": [a], "tags": ["keep"]})).send().await.unwrap();
    let (_, d) = emu.json(emu.get(&format!("/v1/files/{a}/details"))).await;
    assert_eq!(d["tags"], json!(["new"]));
    let (st, e) = emu
        .json(emu.post("/v1/files/addTags").json(&json!({"fileIds": [a, "bbbbbbbbbbbbbbbbbbbbbbbb"], "tags": ["z"]})))
        .await;
    assert_eq!((st, &e["missingFileIds"]), (404, &json!(["bbbbbbbbbbbbbbbbbbbbbbbb"])));
    let (st, ok) = emu.json(emu.post("/v1/files/removeAITags").json(&json!({"fileIds": [a], "AITags": ["Car"]}))).await;
    assert_eq!((st, &ok["successfullyUpdatedFileIds"]), (200, &json!([a])));
    let many: Vec<String> = (0..51).map(|_| a.clone()).collect();
    let (st, _) = emu.json(emu.post("/v1/files/addTags").json(&json!({"fileIds": many, "tags": ["z"]}))).await;
    assert_eq!(st, 400);
}

#[tokio::test]
async fn versions_list_get_delete_restore() {
    let emu = Emu::start().await;
    let v1 = emu.upload("v.png", png(1, 1), &[("useUniqueFileName", "false")]).await;
    let id = v1["fileId"].as_str().unwrap();
    let v2 = emu.upload("v.png", png(2, 2), &[("useUniqueFileName", "false")]).await;
    let v2id = v2["versionInfo"]["id"].as_str().unwrap();
    let (st, list) = emu.json(emu.get(&format!("/v1/files/{id}/versions"))).await;
    assert_eq!(st, 200);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["type"], "file-version");
    assert!(list[0]["url"].as_str().unwrap().contains("ik-obj-version="));
    // The old version is still delivered.
    let old = emu.http.get(list[0]["url"].as_str().unwrap()).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(old.to_vec(), png(1, 1));
    let (st, e) = emu.json(emu.delete(&format!("/v1/files/{id}/versions/{v2id}"))).await;
    assert_eq!((st, e["message"].as_str()), (400, Some("You cannot delete current version of a file.")));
    let (st, restored) = emu.json(emu.put(&format!("/v1/files/{id}/versions/{id}/restore"))).await;
    assert_eq!(st, 200);
    assert_eq!(restored["versionInfo"]["id"], id);
    assert_eq!(restored["width"], 1);
    let (st, one) = emu.json(emu.get(&format!("/v1/files/{id}/versions/{v2id}"))).await;
    assert_eq!((st, &one["type"]), (200, &json!("file-version")));
    let r = emu.delete(&format!("/v1/files/{id}/versions/{v2id}")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let (st, e) = emu.json(emu.get(&format!("/v1/files/{id}/versions/{v2id}"))).await;
    assert_eq!((st, e["message"].as_str()), (404, Some("The requested asset does not exist.")));
}

#[tokio::test]
async fn metadata_and_purge() {
    let emu = Emu::start().await;
    let f = emu.upload("m.png", png(7, 9), &[]).await;
    let id = f["fileId"].as_str().unwrap();
    let (st, m) = emu.json(emu.get(&format!("/v1/files/{id}/metadata"))).await;
    assert_eq!((st, m["width"].as_u64(), m["height"].as_u64()), (200, Some(7), Some(9)));
    let (st, m) = emu.json(emu.get("/v1/metadata").query(&[("url", f["url"].as_str().unwrap())])).await;
    assert_eq!((st, m["format"].as_str()), (200, Some("png")));
    let (st, e) = emu.json(emu.get("/v1/metadata").query(&[("url", "https://example.com/x.png")])).await;
    assert_eq!(st, 400);
    assert_eq!(e["message"], "https://example.com/x.png should be accessible using your ImageKit.io account.");
    let (st, p) = emu.json(emu.post("/v1/files/purge").json(&json!({"url": f["url"]}))).await;
    assert_eq!(st, 201);
    let rid = p["requestId"].as_str().unwrap();
    assert_eq!(rid.len(), 24);
    emu.handle.faults().set_first_poll_pending(true);
    let (_, s1) = emu.json(emu.get(&format!("/v1/files/purge/{rid}"))).await;
    assert_eq!(s1["status"], "Pending");
    let (_, s2) = emu.json(emu.get(&format!("/v1/files/purge/{rid}"))).await;
    assert_eq!(s2["status"], "Completed");
    let (st, e) = emu.json(emu.post("/v1/files/purge").json(&json!({"url": "not a url"}))).await;
    assert_eq!((st, e["message"].as_str()), (400, Some("Invalid url")));
    let (st, _) = emu.json(emu.post("/v1/files/purge").json(&json!({"url": "https://x/*a"}))).await;
    assert_eq!(st, 400);
    let (st, e) = emu.json(emu.get("/v1/files/purge/cccccccccccccccccccccccc")).await;
    assert_eq!((st, e["message"].as_str()), (400, Some("No request found for this requestId.")));
}

#[tokio::test]
async fn library_survives_a_restart() {
    let emu = Emu::start().await;
    let f = emu.upload("keep.png", png(6, 6), &[("tags", "persist"), ("folder", "/kept")]).await;
    let url_path = f["filePath"].as_str().unwrap().to_string();
    let dir = emu.dir;
    emu.handle.shutdown().await;
    let emu = Emu::start_in(dir).await;
    let (_, list) = emu.json(emu.get("/v1/files")).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["tags"], json!(["persist"]));
    let bytes =
        emu.http.get(format!("{}{}", emu.handle.url_endpoint().trim_end_matches('/'), url_path)).send().await.unwrap();
    assert_eq!(bytes.status(), 200);
    assert_eq!(bytes.bytes().await.unwrap().to_vec(), png(6, 6));
}

#[tokio::test]
async fn concurrent_uploads_all_land() {
    let emu = std::sync::Arc::new(Emu::start().await);
    let mut tasks = Vec::new();
    for i in 0..16 {
        let emu = emu.clone();
        tasks.push(tokio::spawn(
            async move { emu.upload(&format!("c{i}.png"), png(3, 3), &[("folder", "/many")]).await },
        ));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let (_, list) = emu.json(emu.get("/v1/files?path=/many")).await;
    assert_eq!(list.as_array().unwrap().len(), 16);
}

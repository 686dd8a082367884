use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn folder_lifecycle_and_jobs() {
    let emu = Emu::start().await;
    let (st, _) =
        emu.json(emu.post("/v1/folder/").json(&json!({"folderName": "new folder", "parentFolderPath": "/a/b/"}))).await;
    assert_eq!(st, 201);
    let (_, f) = emu.json(emu.get("/v1/files?type=folder&path=/a/b/")).await;
    assert_eq!(f[0]["folderPath"], "/a/b/new_folder");
    assert_eq!(f[0]["name"], "new_folder");
    let (st, e) = emu.json(emu.post("/v1/folder").json(&json!({"folderName": "x/y"}))).await;
    assert_eq!((st, e["message"].as_str()), (400, Some("folderName parameter cannot have a slash.")));

    emu.upload("f.png", png(2, 2), &[("folder", "/a/b/new_folder"), ("useUniqueFileName", "false")]).await;
    let (st, job) = emu
        .json(
            emu.post("/v1/bulkJobs/copyFolder").json(
                &json!({"sourceFolderPath": "/a/b/new_folder", "destinationPath": "/c", "includeVersions": true}),
            ),
        )
        .await;
    assert_eq!(st, 200);
    let jid = job["jobId"].as_str().unwrap();
    let (st, status) = emu.json(emu.get(&format!("/v1/bulkJobs/{jid}"))).await;
    assert_eq!(st, 200);
    assert_eq!(status, json!({"jobId": jid, "type": "COPY_FOLDER", "status": "Completed"}));
    let (_, copied) = emu.json(emu.get("/v1/files?path=/c/new_folder/")).await;
    assert_eq!(copied[0]["filePath"], "/c/new_folder/f.png");

    let (st, e) = emu
        .json(emu.post("/v1/bulkJobs/copyFolder").json(&json!({"sourceFolderPath": "/c", "destinationPath": "/c"})))
        .await;
    assert_eq!((st, e["message"].as_str()), (400, Some("sourceFolderPath and destinationPath cannot be same.")));
    let (st, e) = emu
        .json(emu.post("/v1/bulkJobs/moveFolder").json(&json!({"sourceFolderPath": "/nope", "destinationPath": "/c"})))
        .await;
    assert_eq!((st, e["reason"].as_str()), (404, Some("NO_FILES_FOLDER")));

    let (st, _) = emu
        .json(
            emu.post("/v1/bulkJobs/moveFolder")
                .json(&json!({"sourceFolderPath": "/c/new_folder", "destinationPath": "/d"})),
        )
        .await;
    assert_eq!(st, 200);
    let (_, moved) = emu.json(emu.get("/v1/files?path=/d/new_folder")).await;
    assert_eq!(moved.as_array().unwrap().len(), 1);
    let (_, gone) = emu.json(emu.get("/v1/files?path=/c/new_folder")).await;
    assert_eq!(gone.as_array().unwrap().len(), 0);

    let (st, job) = emu
        .json(
            emu.post("/v1/bulkJobs/renameFolder")
                .json(&json!({"folderPath": "/d/new_folder", "newFolderName": "renamed-1", "purgeCache": true})),
        )
        .await;
    assert_eq!(st, 200);
    let (_, status) = emu.json(emu.get(&format!("/v1/bulkJobs/{}", job["jobId"].as_str().unwrap()))).await;
    assert_eq!(status["type"], "RENAME_FOLDER");
    assert!(status["purgeRequestId"].is_string());
    let (_, renamed) = emu.json(emu.get("/v1/files?path=/d/renamed-1")).await;
    assert_eq!(renamed[0]["filePath"], "/d/renamed-1/f.png");

    let r = emu.delete("/v1/folder").json(&json!({"folderPath": "/d/"})).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let (_, left) = emu.json(emu.get("/v1/files").query(&[("searchQuery", "path : \"/d\"")])).await;
    assert_eq!(left.as_array().unwrap().len(), 0);
    let (st, e) = emu.json(emu.delete("/v1/folder").json(&json!({"folderPath": "/d"}))).await;
    assert_eq!((st, e["reason"].as_str()), (404, Some("FOLDER_NOT_FOUND")));
    assert_eq!(e["message"], "No folder found with folderPath /d");
}

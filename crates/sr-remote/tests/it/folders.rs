//! Folders: create, delete, and the copy/move/rename bulk jobs with their status.

use sr_remote::*;

use crate::support::{env, put};

async fn folder_names(c: &Client, path: &str) -> Vec<String> {
    let mut n: Vec<String> = c
        .list_files(&ListQuery { path: Some(path.into()), type_: Some(ItemTypeFilter::Folder), ..Default::default() })
        .await
        .unwrap()
        .iter()
        .filter_map(Item::as_folder)
        .map(|f| f.name.clone())
        .collect();
    n.sort();
    n
}

#[tokio::test]
async fn create_copy_move_rename_and_delete_folders() {
    let env = env().await;
    let c = &env.client;
    c.create_folder("summer", "/catalog/").await.unwrap();
    c.create_folder("winter", "/catalog").await.unwrap();
    assert_eq!(folder_names(c, "/catalog/").await, ["summer", "winter"]);
    put(c, "/catalog/summer/", "dress.bin", b"d").await;

    let job = c.copy_folder("/catalog/summer", "/archive", true).await.unwrap();
    let status = c.bulk_job_status(&job).await.unwrap();
    assert_eq!(status.job_id, job);
    assert_eq!(status.kind, BulkJobType::CopyFolder);
    assert_eq!(status.status, JobStatus::Completed);
    assert_eq!(folder_names(c, "/archive/").await, ["summer"]);

    let job = c.move_folder("/catalog/winter", "/archive").await.unwrap();
    assert_eq!(c.bulk_job_status(&job).await.unwrap().kind, BulkJobType::MoveFolder);
    assert_eq!(folder_names(c, "/catalog/").await, ["summer"]);

    let job = c.rename_folder("/archive/summer", "summer-2025", false).await.unwrap();
    let status = c.bulk_job_status(&job).await.unwrap();
    assert_eq!(status.kind, BulkJobType::RenameFolder);
    assert!(status.status.is_terminal());
    assert_eq!(folder_names(c, "/archive/").await, ["summer-2025", "winter"]);

    let err = c.rename_folder("/archive/winter", "summer-2025", false).await.unwrap_err();
    assert!(matches!(err, RemoteError::Conflict { .. }), "{err:?}");

    let err = c.copy_folder("/nowhere", "/archive", false).await.unwrap_err();
    assert!(
        matches!(&err, RemoteError::NotFound { reason, .. } if reason.as_deref() == Some("NO_FILES_FOLDER")),
        "{err:?}"
    );

    c.delete_folder("/archive/").await.unwrap();
    assert!(folder_names(c, "/archive/").await.is_empty());
    let err = c.delete_folder("/archive/").await.unwrap_err();
    assert!(
        matches!(&err, RemoteError::NotFound { reason, .. } if reason.as_deref() == Some("FOLDER_NOT_FOUND")),
        "{err:?}"
    );
    assert!(matches!(
        c.bulk_job_status("0123456789abcdef01234567").await,
        Err(RemoteError::NotFound { .. } | RemoteError::Validation { .. })
    ));
    env.shutdown().await;
}

#[tokio::test]
async fn a_job_may_report_pending_before_it_completes() {
    let env = env().await;
    let c = &env.client;
    c.create_folder("a", "/").await.unwrap();
    put(c, "/a/", "x.bin", b"x").await;
    env.emu.faults().set_first_poll_pending(true);
    let job = c.copy_folder("/a", "/b", false).await.unwrap();
    assert_eq!(c.bulk_job_status(&job).await.unwrap().status, JobStatus::Pending);
    assert_eq!(c.bulk_job_status(&job).await.unwrap().status, JobStatus::Completed);
    env.shutdown().await;
}

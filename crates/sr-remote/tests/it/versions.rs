//! File versions: an overwrite makes a new version; list, get, restore, delete.

use sr_remote::*;

use crate::support::{env, put};

#[tokio::test]
async fn overwrite_list_get_restore_and_delete_versions() {
    let env = env().await;
    let c = &env.client;
    let v1 = put(c, "/", "ad.bin", b"first cut").await;
    let v2 = put(c, "/", "ad.bin", b"second cut, longer").await;
    assert_eq!(v1.file_id, v2.file_id, "same path, same file");
    let v2_id = v2.version_info.as_ref().unwrap().id.clone();
    assert_ne!(v2_id, v1.file_id);
    assert_eq!(v2.version_info.as_ref().unwrap().name, "Version 2");

    let versions = c.list_versions(&v1.file_id).await.unwrap();
    assert_eq!(versions.len(), 2);
    let old = versions.iter().find(|f| f.version_info.id == v1.file_id).unwrap();
    assert_eq!(old.kind, FileKind::FileVersion);
    assert_eq!(old.size, 9);

    let got = c.get_version(&v1.file_id, &v1.file_id).await.unwrap();
    assert_eq!(got.version_info.name, "Version 1");

    let restored = c.restore_version(&v1.file_id, &v1.file_id).await.unwrap();
    assert_eq!(restored.size, 9);
    assert_eq!(c.get_file_details(&v1.file_id).await.unwrap().size, 9);

    // The current version cannot be deleted; an old one can.
    let current = c.get_file_details(&v1.file_id).await.unwrap().version_info.id;
    let err = c.delete_version(&v1.file_id, &current).await.unwrap_err();
    assert!(matches!(&err, RemoteError::Validation { message, .. } if message.contains("current version")), "{err:?}");
    let other = c.list_versions(&v1.file_id).await.unwrap().into_iter().find(|f| f.version_info.id != current).unwrap();
    c.delete_version(&v1.file_id, &other.version_info.id).await.unwrap();
    assert_eq!(c.list_versions(&v1.file_id).await.unwrap().len(), 1);
    assert!(matches!(c.get_version(&v1.file_id, &other.version_info.id).await, Err(RemoteError::NotFound { .. })));
    assert!(matches!(c.list_versions("0123456789abcdef01234567").await, Err(RemoteError::NotFound { .. })));
    env.shutdown().await;
}

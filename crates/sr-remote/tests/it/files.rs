//! Files: list/search, details, update, delete, bulk delete, copy, move, rename, tags, metadata.

use serde_json::{Value, json};
use sr_imagekit::metadata::{FieldSchema, FieldType, NewField};
use sr_remote::*;

use crate::support::{bytes, env, png, put};

fn names(items: &[Item]) -> Vec<String> {
    let mut n: Vec<String> = items
        .iter()
        .map(|i| match i {
            Item::File(f) => f.name.clone(),
            Item::Folder(f) => format!("{}/", f.name),
            Item::Other(v) => v.to_string(),
        })
        .collect();
    n.sort();
    n
}

#[tokio::test]
async fn list_filters_by_folder_type_and_search_and_pages_through_everything() {
    let env = env().await;
    for i in 0..5 {
        put(&env.client, "/shop/", &format!("item{i}.bin"), &bytes(10 + i, i as u64)).await;
    }
    put(&env.client, "/shop/sub/", "deep.bin", b"deep").await;
    put(&env.client, "/other/", "elsewhere.bin", b"x").await;

    let c = &env.client;
    let shop = ListQuery { path: Some("/shop/".into()), ..Default::default() };
    let files = c.list_files(&shop).await.unwrap();
    assert_eq!(names(&files), ["item0.bin", "item1.bin", "item2.bin", "item3.bin", "item4.bin"]);

    let all = c.list_files(&ListQuery { type_: Some(ItemTypeFilter::All), ..shop.clone() }).await.unwrap();
    assert!(names(&all).contains(&"sub/".to_owned()), "{:?}", names(&all));
    let folder = all.iter().find_map(Item::as_folder).unwrap();
    assert_eq!(folder.folder_path.trim_end_matches('/'), "/shop/sub");

    let page = c
        .list_files(&ListQuery { limit: Some(2), skip: Some(4), sort: Some(Sort::AscName), ..shop.clone() })
        .await
        .unwrap();
    assert_eq!(names(&page), ["item4.bin"]);

    let everything =
        c.list_all(&ListQuery { limit: Some(2), sort: Some(Sort::AscName), ..shop.clone() }).await.unwrap();
    assert_eq!(names(&everything), names(&files), "list_all pages with skip/limit until an empty page");

    let searched = c
        .list_files(&ListQuery { search_query: Some(r#"name = "elsewhere.bin""#.into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(names(&searched), ["elsewhere.bin"]);

    let err = c
        .list_files(&ListQuery { search_query: Some("createdAt >= yesterday-ish".into()), ..Default::default() })
        .await
        .unwrap_err();
    assert!(matches!(err, RemoteError::Validation { .. }), "{err:?}");
    env.shutdown().await;
}

#[tokio::test]
async fn details_update_and_publish() {
    let env = env().await;
    let c = &env.client;
    c.create_custom_metadata_field(&NewField {
        name: "color".into(),
        label: "Color".into(),
        schema: FieldSchema::of_type(FieldType::Text),
        description: None,
    })
    .await
    .unwrap();
    let image = png(env.dir.path(), "shoe.png", 40, 30);
    let up = c
        .upload(
            UploadRequest {
                use_unique_file_name: Some(false),
                ..UploadRequest::new(UploadSource::Path(image), "shoe.png")
            },
            |_| {},
            None,
        )
        .await
        .unwrap();

    let file = c.get_file_details(&up.file_id).await.unwrap();
    assert_eq!(file.kind, FileKind::File);
    assert_eq!(file.file_path, "/shoe.png");
    assert_eq!((file.width, file.height), (Some(40), Some(30)));
    assert!(file.is_published);
    assert!(file.thumbnail.is_some());

    let mut meta = serde_json::Map::new();
    meta.insert("color".into(), json!("red"));
    let updated = c
        .update_file_details(
            &up.file_id,
            UpdateFile {
                tags: Some(vec!["shoe".into(), "new".into()]),
                custom_metadata: meta,
                custom_coordinates: Some(Some("0,0,10,10".into())),
                description: Some("A shoe".into()),
                remove_ai_tags: Some(RemoveAiTags::All),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.tags.as_deref(), Some(&["shoe".to_owned(), "new".to_owned()][..]));
    assert_eq!(updated.custom_metadata["color"], "red");
    assert_eq!(updated.custom_coordinates.as_deref(), Some("0,0,10,10"));
    assert_eq!(updated.description.as_deref(), Some("A shoe"));

    // null unsets a metadata key and the coordinates.
    let mut unset = serde_json::Map::new();
    unset.insert("color".into(), Value::Null);
    let updated = c
        .update_file_details(
            &up.file_id,
            UpdateFile { custom_metadata: unset, custom_coordinates: Some(None), ..Default::default() },
        )
        .await
        .unwrap();
    assert!(!updated.custom_metadata.contains_key("color"));
    assert_eq!(updated.custom_coordinates, None);
    assert_eq!(updated.tags.as_deref().map(<[String]>::len), Some(2), "fields not sent stay as they were");

    let unpublished =
        c.update_file_details(&up.file_id, Publish { is_published: false, include_file_versions: true }).await.unwrap();
    assert!(!unpublished.is_published);

    // A metadata key with no field behind it is refused.
    let mut unknown = serde_json::Map::new();
    unknown.insert("nope".into(), json!(1));
    let err = c
        .update_file_details(&up.file_id, UpdateFile { custom_metadata: unknown, ..Default::default() })
        .await
        .unwrap_err();
    assert!(matches!(err, RemoteError::Validation { .. }), "{err:?}");

    let err = c.get_file_details("0123456789abcdef01234567").await.unwrap_err();
    assert!(matches!(err, RemoteError::NotFound { .. }), "{err:?}");
    env.shutdown().await;
}

#[tokio::test]
async fn delete_and_bulk_delete() {
    let env = env().await;
    let c = &env.client;
    let a = put(c, "/", "a.bin", b"a").await;
    let b = put(c, "/", "b.bin", b"b").await;
    let d = put(c, "/", "d.bin", b"d").await;

    c.delete_file(&a.file_id).await.unwrap();
    assert!(matches!(c.get_file_details(&a.file_id).await, Err(RemoteError::NotFound { .. })));
    assert!(matches!(c.delete_file(&a.file_id).await, Err(RemoteError::NotFound { .. })));

    // A missing id fails the whole batch and deletes nothing.
    let err = c.bulk_delete(&[b.file_id.clone(), a.file_id.clone()]).await.unwrap_err();
    match &err {
        RemoteError::NotFound { missing_file_ids, .. } => assert_eq!(missing_file_ids, &vec![a.file_id.clone()]),
        other => panic!("{other:?}"),
    }
    c.get_file_details(&b.file_id).await.unwrap();

    let out = c.bulk_delete(&[b.file_id.clone(), d.file_id.clone()]).await.unwrap();
    assert!(out.is_complete());
    let mut deleted = out.succeeded.clone();
    deleted.sort();
    let mut expected = vec![b.file_id.clone(), d.file_id.clone()];
    expected.sort();
    assert_eq!(deleted, expected);
    assert!(c.list_files(&ListQuery::default()).await.unwrap().is_empty());
    env.shutdown().await;
}

#[tokio::test]
async fn copy_move_and_rename() {
    let env = env().await;
    let c = &env.client;
    let up = put(c, "/src/", "dress.bin", b"dress").await;
    put(c, "/src/", "taken.bin", b"taken").await;

    c.copy_file("/src/dress.bin", "/copies/", false).await.unwrap();
    let copies = c.list_files(&ListQuery { path: Some("/copies/".into()), ..Default::default() }).await.unwrap();
    assert_eq!(names(&copies), ["dress.bin"]);

    c.move_file("/copies/dress.bin", "/moved/").await.unwrap();
    let moved = c.list_files(&ListQuery { path: Some("/moved/".into()), ..Default::default() }).await.unwrap();
    assert_eq!(names(&moved), ["dress.bin"]);
    assert!(c.list_files(&ListQuery { path: Some("/copies/".into()), ..Default::default() }).await.unwrap().is_empty());

    let err = c.copy_file("/src/none.bin", "/copies/", false).await.unwrap_err();
    match &err {
        RemoteError::NotFound { reason, .. } => {
            assert_eq!(reason.as_deref(), Some("SOURCE_FILE_MISSING"))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(c.move_file("/src/none.bin", "/x/").await, Err(RemoteError::NotFound { .. })));

    assert_eq!(
        c.rename_file("/src/dress.bin", "gown.bin", false).await.unwrap(),
        RenameOutcome::Renamed { purge_request_id: None }
    );
    assert_eq!(c.get_file_details(&up.file_id).await.unwrap().file_path, "/src/gown.bin");
    match c.rename_file("/src/gown.bin", "robe.bin", true).await.unwrap() {
        RenameOutcome::Renamed { purge_request_id: Some(id) } => {
            let status = c.purge_status(&id).await.unwrap();
            assert!(matches!(status, JobStatus::Pending | JobStatus::Completed));
        }
        other => panic!("{other:?}"),
    }

    let err =
        with_retry(&RetryPolicy::default(), || c.rename_file("/src/robe.bin", "taken.bin", false)).await.unwrap_err();
    assert!(matches!(err, RemoteError::Conflict { .. }), "{err:?}");
    assert!(err.to_string().contains("Choose another name"), "{err}");
    match c.rename_file("/src/none.bin", "x.bin", false).await.unwrap_err() {
        RemoteError::NotFound { reason, .. } => assert_eq!(reason.as_deref(), Some("FILE_MISSING")),
        other => panic!("{other:?}"),
    }
    env.shutdown().await;
}

#[tokio::test]
async fn bulk_tags_with_full_and_partial_success() {
    let env = env().await;
    let c = &env.client;
    let a = put(c, "/", "a.bin", b"a").await;
    let b = put(c, "/", "b.bin", b"b").await;
    let ids = vec![a.file_id.clone(), b.file_id.clone()];

    let out = c.add_tags(&ids, &["sale".into(), "red".into()]).await.unwrap();
    assert!(out.is_complete());
    assert_eq!(out.succeeded.len(), 2);
    let tags = c.get_file_details(&a.file_id).await.unwrap().tags.unwrap();
    assert!(tags.contains(&"sale".to_owned()) && tags.contains(&"red".to_owned()));

    c.remove_tags(&ids, &["sale".into()]).await.unwrap();
    assert_eq!(c.get_file_details(&b.file_id).await.unwrap().tags, Some(vec!["red".to_owned()]));

    let out = c.remove_ai_tags(&ids, &["Car".into()]).await.unwrap();
    assert_eq!(out.succeeded.len(), 2);

    // File a gets close to the 500-character tag budget; adding one more long tag fails for a only (207).
    let long: Vec<String> = (0..9).map(|i| format!("{i}{}", "x".repeat(49))).collect();
    c.add_tags(std::slice::from_ref(&a.file_id), &long).await.unwrap();
    let out = c.add_tags(&ids, &["y".repeat(60)]).await.unwrap();
    assert!(!out.is_complete());
    assert_eq!(out.succeeded, vec![b.file_id.clone()]);
    assert_eq!(out.errors.len(), 1);
    assert_eq!(out.errors[0].file_id, a.file_id);

    let err = c.add_tags(&["0123456789abcdef01234567".into()], &["t".into()]).await.unwrap_err();
    assert!(
        matches!(&err, RemoteError::NotFound { missing_file_ids, .. } if missing_file_ids == &["0123456789abcdef01234567"]),
        "{err:?}"
    );
    env.shutdown().await;
}

#[tokio::test]
async fn technical_metadata_and_purge() {
    let env = env().await;
    let c = &env.client;
    let image = png(env.dir.path(), "m.png", 20, 10);
    let up = c
        .upload(
            UploadRequest {
                use_unique_file_name: Some(false),
                ..UploadRequest::new(UploadSource::Path(image), "m.png")
            },
            |_| {},
            None,
        )
        .await
        .unwrap();
    let meta = c.file_metadata(&up.file_id).await.unwrap();
    assert_eq!((meta.width, meta.height), (Some(20), Some(10)));
    assert_eq!(meta.format.as_deref(), Some("png"));
    assert_eq!(meta.size, Some(up.size));

    let by_url = c.url_metadata(&up.url).await.unwrap();
    assert_eq!(by_url.width, Some(20));

    let request_id = c.purge(&up.url).await.unwrap();
    assert!(!request_id.is_empty());
    let status = c.purge_status(&request_id).await.unwrap();
    assert!(matches!(status, JobStatus::Pending | JobStatus::Completed));
    assert!(matches!(c.purge_status("0123456789abcdef01234567").await, Err(RemoteError::Validation { .. })));
    assert!(matches!(c.purge("not a url").await, Err(RemoteError::Validation { .. })));
    env.shutdown().await;
}

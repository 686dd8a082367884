//! The organisation façade end to end: real import, then tags, metadata, search and undo as the
//! UI and the CLI call them.

use serde_json::json;
use sr_api::dto_organise::{SearchFilters, SearchRequest, SummaryValue};
use sr_api::{ErrorCode, OpenOptions, Stockroom};
use sr_media::fixtures::{ImageFormat, image};

fn app_with_three_photos() -> (tempfile::TempDir, Stockroom, Vec<i64>) {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("media");
    std::fs::create_dir_all(&media).unwrap();
    for (i, name) in ["dress-red.jpg", "dress-navy.jpg", "shirt.jpg"].iter().enumerate() {
        image(&media, name, 64 + 16 * i as u32, 64, ImageFormat::Jpeg);
    }
    let app = Stockroom::open(OpenOptions { library_dir: Some(dir.path().join("lib")) }).unwrap();
    let report = app.import(&[media], false, &|_| {}).unwrap();
    assert_eq!(report.imported.len(), 3, "{:?}", report.skipped);
    let mut ids: Vec<i64> = report.imported.iter().map(|a| a.id).collect();
    ids.sort();
    (dir, app, ids)
}

#[test]
fn select_three_tag_them_set_a_select_field_and_see_the_badges() {
    let (_d, app, ids) = app_with_three_photos();
    let r = app.add_tags(&ids, &["summer".into()]).unwrap();
    assert_eq!((r.assets, r.description.as_str()), (3, "Added tag \"summer\" to 3 assets"));
    app.set_metadata(&ids, json!({"colour": "red"}).as_object().unwrap()).unwrap();

    for id in &ids {
        let o = app.organisation(*id).unwrap();
        assert_eq!(o.tags, ["summer"]);
        assert_eq!(o.metadata.get("colour"), Some(&json!("red")));
        assert_eq!(o.folder, "/media/");
    }
    let page = app.search(&SearchRequest { text: Some("dress".into()), ..Default::default() }).unwrap();
    assert_eq!(page.total, 2);
    assert!(page.hits.iter().all(|h| h.tags == ["summer"]));
    let summary = app.metadata_summary(&ids).unwrap();
    let colour = summary.iter().find(|s| s.field.name == "colour").unwrap();
    assert_eq!(colour.value, SummaryValue::Same { value: json!("red") });
    assert_eq!(colour.field.select_options.as_ref().map(Vec::len), Some(7));
}

#[test]
fn out_of_range_number_is_refused_with_its_message_and_not_saved() {
    let (_d, app, ids) = app_with_three_photos();
    let values = json!({"price": 100001}).as_object().unwrap().clone();
    let problems = app.check_metadata(&ids, &values).unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].key, "price");
    assert_eq!(problems[0].message, "Price must be between 0 and 100000; you entered 100001.");
    let err = app.set_metadata(&ids, &values).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("Price must be between 0 and 100000"), "{}", err.message);
    assert!(ids.iter().all(|id| app.organisation(*id).unwrap().metadata.is_empty()));

    let err = app.add_tags(&ids[..1], &["50% off".into()]).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert_eq!(app.undo_last().unwrap_err().code, ErrorCode::NotFound);
}

#[test]
fn search_query_saved_searches_and_undo_through_the_facade() {
    let (_d, app, ids) = app_with_three_photos();
    app.add_tags(&ids[..1], &["sale".into()]).unwrap();
    let req = SearchRequest {
        remote_query: Some(r#"tags IN ["sale"] AND format = "jpg" AND width < 100"#.into()),
        filters: SearchFilters { folder: Some("/media/".into()), ..Default::default() },
        ..Default::default()
    };
    assert_eq!(app.search(&req).unwrap().total, 1);
    let err =
        app.search(&SearchRequest { remote_query: Some("published = true".into()), ..Default::default() }).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);

    app.save_search("On sale", &req).unwrap();
    let saved = app.saved_searches().unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].request, req);
    // The UI may send a partial request: everything missing takes its default.
    let partial: SearchRequest = serde_json::from_str(r#"{"text":"shirt"}"#).unwrap();
    assert_eq!(app.search(&partial).unwrap().total, 1);

    app.create_folder("/", "Summer 26").unwrap();
    let ops = app.pending_remote_ops().unwrap();
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].args, json!({"folderName": "Summer_26", "parentFolderPath": "/"}));
    assert_eq!(app.undo_last().unwrap().description, "Created folder /Summer_26/");
    assert!(app.pending_remote_ops().unwrap().is_empty());
    assert_eq!(app.undo_last().unwrap().description, "Added tag \"sale\" to 1 asset");
    assert_eq!(app.search(&req).unwrap().total, 0);
}

#[test]
fn a_search_after_an_edit_sees_the_edit() {
    // The grid searches, the user tags, the grid searches again: the second search must not read
    // the library as it was before the edit.
    let (_d, app, ids) = app_with_three_photos();
    let all = SearchRequest { limit: 50, ..Default::default() };
    assert!(app.search(&all).unwrap().hits.iter().all(|h| h.tags.is_empty()));
    app.add_tags(&ids, &["summer-sale".into()]).unwrap();
    for _ in 0..3 {
        let page = app.search(&all).unwrap();
        assert_eq!(page.hits.len(), 3);
        assert!(page.hits.iter().all(|h| h.tags == ["summer-sale"]), "{:?}", page.hits);
    }
    let tagged = SearchRequest {
        filters: SearchFilters { tags: vec!["summer-sale".into()], ..Default::default() },
        limit: 50,
        ..Default::default()
    };
    assert_eq!(app.search(&tagged).unwrap().total, 3);
}

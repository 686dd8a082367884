use serde_json::json;
use sr_library::{Library, OrganiseError, RemoteOpOutcome, SANDBOX_ACCOUNT, SearchRequest};

use crate::organise_support::*;

#[test]
fn undo_reverses_batches_newest_first_then_says_nothing_is_left() {
    let (_d, lib) = open();
    let ids = three(&lib);
    lib.add_tags(&ids, &strings(&["summer"]), T0).unwrap();
    lib.set_metadata(SANDBOX_ACCOUNT, &ids[..2], json!({"colour": "red"}).as_object().unwrap(), T0 + 1).unwrap();
    lib.set_metadata(SANDBOX_ACCOUNT, &ids[..1], json!({"colour": "navy", "price": 10}).as_object().unwrap(), T0 + 2)
        .unwrap();
    lib.add_tags(&ids[..1], &strings(&["sale"]), T0 + 3).unwrap();
    assert_eq!(lib.undo_stack(10).unwrap().len(), 4);

    assert_eq!(lib.undo_last(T0 + 4).unwrap(), "Added tag \"sale\" to 1 asset");
    assert_eq!(lib.tags_of(ids[0]).unwrap(), strings(&["summer"]));

    assert_eq!(lib.undo_last(T0 + 5).unwrap(), "Set Colour, Price on 1 asset");
    let m = lib.metadata_of(ids[0]).unwrap();
    assert_eq!((m.get("colour"), m.get("price")), (Some(&json!("red")), None));
    // The search index follows undo too.
    let q = |q: &str| {
        let req = SearchRequest {
            remote_query: Some(q.into()),
            account: SANDBOX_ACCOUNT.into(),
            limit: 10,
            ..Default::default()
        };
        lib.search(&req).unwrap().total
    };
    assert_eq!(q(r#""customMetadata.colour" = "navy""#), 0);
    assert_eq!(q(r#""customMetadata.colour" = "red""#), 2);

    assert_eq!(lib.undo_last(T0 + 6).unwrap(), "Set Colour on 2 assets");
    assert!(lib.metadata_of(ids[1]).unwrap().is_empty(), "asset had no metadata before");
    assert_eq!(lib.undo_last(T0 + 7).unwrap(), "Added tag \"summer\" to 3 assets");
    assert!(lib.tags_of(ids[2]).unwrap().is_empty());
    assert!(lib.tag_suggestions("sum", 5).unwrap().is_empty());
    assert!(
        matches!(lib.undo_last(T0 + 8).unwrap_err(), OrganiseError::NotFound(ref m) if m.contains("nothing to undo"))
    );
}

#[test]
fn undo_puts_folders_back_and_withdraws_pending_remote_ops() {
    let (_d, lib) = open();
    let ids = insert(&lib, &[Spec { folder: "/a/", ..Spec::video("x.mp4") }, Spec::video("y.mp4")]);
    lib.set_folder(&ids[1..], "/b/", T0).unwrap();
    lib.rename_folder(SANDBOX_ACCOUNT, "/a/", "c", T0 + 1).unwrap();
    assert_eq!(lib.asset(ids[0]).unwrap().unwrap().remote_folder, "/c/");
    assert_eq!(lib.remote_ops(SANDBOX_ACCOUNT, true).unwrap().len(), 1);

    assert_eq!(lib.undo_last(T0 + 2).unwrap(), "Renamed folder /a/ to /c/");
    assert_eq!(lib.asset(ids[0]).unwrap().unwrap().remote_folder, "/a/");
    assert!(lib.remote_ops(SANDBOX_ACCOUNT, false).unwrap().is_empty());
    assert_eq!(lib.undo_last(T0 + 3).unwrap(), "Moved 1 asset to /b/");
    assert_eq!(lib.asset(ids[1]).unwrap().unwrap().remote_folder, "/");

    // Once sync has applied an operation, undo refuses and changes nothing.
    lib.create_folder(SANDBOX_ACCOUNT, "/", "new", T0 + 4).unwrap();
    let op = lib.remote_ops(SANDBOX_ACCOUNT, true).unwrap()[0].id;
    lib.mark_remote_op(op, &RemoteOpOutcome::Applied, T0 + 5).unwrap();
    let msg = invalid(lib.undo_last(T0 + 6).unwrap_err());
    assert!(msg.contains("already been sent to the remote"), "{msg}");
    assert!(lib.folders(SANDBOX_ACCOUNT).unwrap().iter().any(|f| f.path == "/new/"));
}

/// Undo of tag batches over many assets puts every list back exactly, in order, and search
/// follows: an undone add (only the added tags go), an undone removal and an undone merge (whole
/// lists rewritten). A tag added after a removal goes last, so lists keep the order tags came in.
#[test]
fn undo_of_large_tag_batches_restores_every_list_in_order() {
    let (_d, lib) = open();
    let specs: Vec<Spec> = (0..1500).map(|_| Spec::image("look.jpg")).collect();
    let ids = insert(&lib, &specs);
    lib.add_tags(&ids, &strings(&["a", "b", "c"]), T0).unwrap();
    lib.remove_tags(&ids[..500], &strings(&["b"]), T0 + 1).unwrap();
    lib.add_tags(&ids[..500], &strings(&["d"]), T0 + 2).unwrap();
    assert_eq!(lib.tags_of(ids[0]).unwrap(), strings(&["a", "c", "d"]), "added after a removal goes last");
    let lists = |lib: &Library| ids.iter().map(|&id| lib.tags_of(id).unwrap()).collect::<Vec<_>>();
    let total = |lib: &Library, tag: &str| {
        let filters = sr_library::SearchFilters { tags: strings(&[tag]), ..Default::default() };
        lib.search(&SearchRequest { filters, limit: 1, ..Default::default() }).unwrap().total
    };
    let before = lists(&lib);

    lib.add_tags(&ids[250..], &strings(&["sale", "d"]), T0 + 3).unwrap();
    assert_eq!(total(&lib, "sale"), 1250);
    lib.undo_last(T0 + 4).unwrap();
    assert_eq!(lists(&lib), before);
    assert_eq!(total(&lib, "sale"), 0);
    assert!(lib.tag_suggestions("sal", 5).unwrap().is_empty());

    lib.remove_tags(&ids, &strings(&["a"]), T0 + 5).unwrap();
    lib.rename_tag("c", "d", T0 + 6).unwrap();
    lib.undo_last(T0 + 7).unwrap();
    lib.undo_last(T0 + 8).unwrap();
    assert_eq!(lists(&lib), before);
    assert_eq!((total(&lib, "a"), total(&lib, "c"), total(&lib, "d")), (1500, 1500, 500));
    let text = lib.search(&SearchRequest { text: Some("d".into()), limit: 1, ..Default::default() }).unwrap();
    assert_eq!(text.total, 500, "the search index has the lists back too");
}

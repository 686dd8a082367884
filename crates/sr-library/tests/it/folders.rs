use serde_json::json;
use sr_library::{Library, OrganiseError, RemoteOpKind, RemoteOpOutcome, RemoteOpState, SANDBOX_ACCOUNT};

use crate::organise_support::*;

const A: &str = SANDBOX_ACCOUNT;

fn paths(lib: &Library) -> Vec<(String, bool, u64)> {
    lib.folders(A).unwrap().into_iter().map(|f| (f.path, f.on_remote, f.asset_count)).collect()
}

#[test]
fn remote_tree_is_mirrored_with_ancestors_and_assets_placed_normalised() {
    let (_d, lib) = open();
    let ids = three(&lib);
    lib.replace_remote_folders(A, &strings(&["/products/dresses", "campaigns/"])).unwrap();
    let s = lib.set_folder(&ids[..2], "products//dresses/summer 2026", T0).unwrap();
    assert_eq!(s.assets, 2);
    assert_eq!(lib.asset(ids[0]).unwrap().unwrap().remote_folder, "/products/dresses/summer_2026/");
    assert_eq!(
        paths(&lib),
        vec![
            ("/".into(), false, 1),
            ("/campaigns/".into(), true, 0),
            ("/products/".into(), true, 0),
            ("/products/dresses/".into(), true, 0),
            ("/products/dresses/summer_2026/".into(), false, 2),
        ]
    );
    let too_deep = "/a".repeat(51);
    assert!(invalid(lib.set_folder(&ids, &too_deep, T0).unwrap_err()).contains("at most 50"));
}

#[test]
fn offline_folder_changes_are_pending_ops_that_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let ids;
    {
        let lib = Library::open(dir.path()).unwrap();
        ids = insert(
            &lib,
            &[
                Spec { folder: "/products/dresses/", ..Spec::video("a.mp4") },
                Spec { folder: "/products/dresses/red/", ..Spec::video("b.mp4") },
            ],
        );
        lib.replace_remote_folders(A, &strings(&["/products/dresses/red/", "/archive/"])).unwrap();
        let (p, _) = lib.create_folder(A, "/products/", "Summer sale!", T0).unwrap();
        assert_eq!(p, "/products/Summer_sale_/");
        let (p, s) = lib.rename_folder(A, "/products/dresses", "gowns & dresses", T0 + 1).unwrap();
        assert_eq!(p, "/products/gowns___dresses/");
        assert_eq!(s.assets, 2);
        let (p, _) = lib.move_folder(A, "/products/gowns___dresses/", "/archive/", T0 + 2).unwrap();
        assert_eq!(p, "/archive/gowns___dresses/");
    }
    let lib = Library::open(dir.path()).unwrap();
    assert_eq!(lib.asset(ids[1]).unwrap().unwrap().remote_folder, "/archive/gowns___dresses/red/");
    let ops = lib.remote_ops(A, true).unwrap();
    let kinds: Vec<RemoteOpKind> = ops.iter().map(|o| o.kind).collect();
    assert_eq!(kinds, [RemoteOpKind::CreateFolder, RemoteOpKind::RenameFolder, RemoteOpKind::MoveFolder]);
    assert_eq!(ops[0].args, json!({"folderName": "Summer_sale_", "parentFolderPath": "/products/"}));
    assert_eq!(
        ops[1].args,
        json!({"folderPath": "/products/dresses", "newFolderName": "gowns___dresses", "purgeCache": false})
    );
    assert_eq!(ops[2].args, json!({"sourceFolderPath": "/products/gowns___dresses", "destinationPath": "/archive/"}));
    assert!(ops.iter().all(|o| o.state == RemoteOpState::Pending && o.attempts == 0 && o.created_at >= T0));
    assert!(paths(&lib).iter().any(|(p, remote, _)| p == "/archive/gowns___dresses/red/" && !remote));

    // Sync applies them in order.
    lib.mark_remote_op(ops[0].id, &RemoteOpOutcome::Applied, T0 + 10).unwrap();
    lib.mark_remote_op(ops[1].id, &RemoteOpOutcome::Retry("The remote did not answer.".into()), T0 + 10).unwrap();
    lib.mark_remote_op(ops[2].id, &RemoteOpOutcome::Failed("No files & folder found".into()), T0 + 10).unwrap();
    let all = lib.remote_ops(A, false).unwrap();
    assert_eq!(all[0].state, RemoteOpState::Applied);
    assert!(all[0].state.is_terminal());
    assert_eq!(
        (all[1].state, all[1].attempts, all[1].last_error.as_deref()),
        (RemoteOpState::Pending, 1, Some("The remote did not answer."))
    );
    assert_eq!(all[2].state, RemoteOpState::Failed);
    assert_eq!(lib.remote_ops(A, true).unwrap().len(), 1);
    // Marking an applied one applied again (a run that finds sync already settled it) is no
    // change; any other outcome for a finished one is refused.
    lib.mark_remote_op(ops[0].id, &RemoteOpOutcome::Applied, T0).unwrap();
    assert_eq!(lib.remote_ops(A, false).unwrap()[0].attempts, 1);
    assert!(matches!(
        lib.mark_remote_op(ops[0].id, &RemoteOpOutcome::Failed("x".into()), T0).unwrap_err(),
        OrganiseError::NotFound(_)
    ));
}

#[test]
fn folder_conflicts_and_impossible_moves_are_refused() {
    let (_d, lib) = open();
    lib.replace_remote_folders(A, &strings(&["/a/b/", "/c/"])).unwrap();
    assert!(invalid(lib.create_folder(A, "/a/", "b", T0).unwrap_err()).contains("already a folder /a/b/"));
    assert!(invalid(lib.move_folder(A, "/a/", "/a/b/", T0).unwrap_err()).contains("into itself"));
    assert!(matches!(lib.rename_folder(A, "/zzz/", "y", T0).unwrap_err(), OrganiseError::NotFound(_)));
    assert!(invalid(lib.rename_folder(A, "/", "y", T0).unwrap_err()).contains("cannot be renamed"));
    assert!(lib.remote_ops(A, false).unwrap().is_empty(), "refused changes queue nothing");
}

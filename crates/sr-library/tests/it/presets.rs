//! Channel presets: saved with a checked `tr`, applied to a selection, listed per asset, removed
//! with the preset or the asset.

use sr_library::{OrganiseError, check_preset_tr};

use crate::organise_support::*;

#[test]
fn save_apply_and_list_presets_per_asset() {
    let (_d, lib) = open();
    let ids = insert(&lib, &[Spec::video("dress.mp4"), Spec::image("shoe.jpg"), Spec::image("bag.jpg")]);

    let grid = lib.save_preset("Shop grid 1:1", " w-1080,h-1080 ", T0).unwrap();
    assert_eq!((grid.name.as_str(), grid.tr.as_str(), grid.asset_count), ("Shop grid 1:1", "w-1080,h-1080", 0));
    lib.save_preset("Story 9:16", "w-1080,h-1920:l-text,i-SALE,fs-60,co-FFFFFF,lfo-bottom,l-end", T0).unwrap();
    let names: Vec<String> = lib.presets().unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["Shop grid 1:1", "Story 9:16"]);

    let (p, added) = lib.apply_preset("Shop grid 1:1", &ids, T0 + 1).unwrap();
    assert_eq!((p.asset_count, added), (3, 3));
    // Re-applying (with a duplicate id) records nothing new.
    let (p, added) = lib.apply_preset("shop GRID 1:1", &[ids[0], ids[0]], T0 + 2).unwrap();
    assert_eq!((p.asset_count, added), (3, 0));
    lib.apply_preset("Story 9:16", &ids[..1], T0 + 3).unwrap();

    let of = lib.presets_of(&ids).unwrap();
    let pairs: Vec<(i64, &str)> = of.iter().map(|(id, p)| (*id, p.name.as_str())).collect();
    assert_eq!(
        pairs,
        [(ids[0], "Shop grid 1:1"), (ids[0], "Story 9:16"), (ids[1], "Shop grid 1:1"), (ids[2], "Shop grid 1:1")]
    );

    // Saving under the same name (any case) replaces the transformation; the assets keep it.
    let again = lib.save_preset("shop grid 1:1", "w-1200,h-1200", T0 + 4).unwrap();
    assert_eq!((again.id, again.tr.as_str(), again.asset_count), (grid.id, "w-1200,h-1200", 3));
    assert_eq!(lib.presets().unwrap().len(), 2);

    assert_eq!(lib.unapply_preset("Shop grid 1:1", &ids[1..]).unwrap(), 2);
    assert_eq!(lib.preset("Shop grid 1:1").unwrap().asset_count, 1);

    lib.delete_preset("Story 9:16").unwrap();
    let of = lib.presets_of(&ids).unwrap();
    assert_eq!(of.len(), 1);
    assert_eq!(of[0].1.tr, "w-1200,h-1200");
}

#[test]
fn a_transformation_the_remote_would_refuse_is_not_saved() {
    let (_d, lib) = open();
    let err = lib.save_preset("Broken", "w-abc,h-100", T0).unwrap_err();
    let OrganiseError::Invalid { message, .. } = err else { panic!("expected a refusal, got {err:?}") };
    assert!(message.contains("step 1") && message.contains("`w`"), "{message}");
    assert!(lib.presets().unwrap().is_empty());

    for (tr, says) in [("", "no transformation"), ("tr:w-100", "without the \"tr\" prefix")] {
        let e = check_preset_tr(tr).unwrap_err().to_string();
        assert!(e.contains(says), "{tr:?}: {e}");
    }
    let e = lib.save_preset("  ", "w-100", T0).unwrap_err().to_string();
    assert!(e.contains("Give the preset a name"), "{e}");
    // Parameters the parser does not know are kept: the remote knows more than the preview.
    let p = lib.save_preset("Sharp", "w-800,e-sharpen-10,zz-unknown", T0).unwrap();
    assert_eq!(p.tr, "w-800,e-sharpen-10,zz-unknown");
}

#[test]
fn applying_to_an_unknown_asset_records_nothing_and_unknown_presets_are_named() {
    let (_d, lib) = open();
    let ids = insert(&lib, &[Spec::video("dress.mp4")]);
    lib.save_preset("Grid", "w-1080,h-1080", T0).unwrap();
    let err = lib.apply_preset("Grid", &[ids[0], 9999], T0).unwrap_err();
    assert!(matches!(err, OrganiseError::NotFound(ref m) if m.contains("#9999")), "{err:?}");
    assert!(lib.presets_of(&ids).unwrap().is_empty());

    let err = lib.apply_preset("Nope", &ids, T0).unwrap_err();
    assert!(matches!(err, OrganiseError::NotFound(ref m) if m.contains("\"Nope\"")), "{err:?}");
    let err = lib.apply_preset("Grid", &[], T0).unwrap_err();
    assert!(err.to_string().contains("Select at least one asset"), "{err}");
    assert!(matches!(lib.delete_preset("Nope"), Err(OrganiseError::NotFound(_))));
}

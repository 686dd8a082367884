use sr_library::OrganiseError;

use crate::organise_support::*;

#[test]
fn tags_are_added_in_order_once_and_removed() {
    let (_d, lib) = open();
    let ids = three(&lib);
    let s = lib.add_tags(&ids[..2], &strings(&["summer", " sale ", "summer"]), T0 + 1).unwrap();
    assert_eq!(s.assets, 2);
    assert!(s.batch_id.is_some());
    assert_eq!(lib.tags_of(ids[0]).unwrap(), strings(&["summer", "sale"]));
    // Adding a tag an asset already has changes nothing on it.
    let s = lib.add_tags(&ids, &strings(&["sale"]), T0 + 2).unwrap();
    assert_eq!(s.assets, 1);
    assert_eq!(lib.tags_of(ids[2]).unwrap(), strings(&["sale"]));
    assert_eq!(lib.asset(ids[2]).unwrap().unwrap().updated_at, T0 + 2);

    let s = lib.remove_tags(&ids, &strings(&["summer"]), T0 + 3).unwrap();
    assert_eq!(s.assets, 2);
    assert_eq!(lib.tags_of(ids[0]).unwrap(), strings(&["sale"]));
    let s = lib.remove_tags(&ids, &strings(&["nothing-has-this"]), T0 + 4).unwrap();
    assert_eq!((s.assets, s.batch_id), (0, None));
}

#[test]
fn percent_sign_is_refused_naming_the_tag() {
    let (_d, lib) = open();
    let ids = three(&lib);
    let msg = invalid(lib.add_tags(&ids, &strings(&["ok", "50%off"]), T0).unwrap_err());
    assert!(msg.contains("\"50%off\"") && msg.contains('%'), "{msg}");
    assert!(lib.tags_of(ids[0]).unwrap().is_empty(), "nothing saved");
    let msg = invalid(lib.add_tags(&ids, &strings(&["  "]), T0).unwrap_err());
    assert!(msg.contains("Type a tag"), "{msg}");
}

#[test]
fn batch_over_500_characters_on_one_asset_saves_nothing_and_names_it() {
    let (_d, lib) = open();
    let ids = three(&lib);
    // shirt.mp4 already carries 480 characters of tags.
    let long: Vec<String> = (0..4).map(|i| format!("{i}{}", "x".repeat(119))).collect();
    lib.add_tags(&ids[2..], &long, T0).unwrap();
    let err = lib.add_tags(&ids, &strings(&["a-twenty-one-chars-xx"]), T0 + 1).unwrap_err();
    let msg = invalid(err);
    assert!(msg.contains("\"shirt.mp4\"") && msg.contains(&format!("#{}", ids[2])), "{msg}");
    assert!(msg.contains("501") && msg.contains("500"), "{msg}");
    assert!(msg.contains("\"a-twenty-one-chars-xx\""), "{msg}");
    // All or nothing: the first two assets were not tagged either.
    assert!(lib.tags_of(ids[0]).unwrap().is_empty());
    assert!(lib.tags_of(ids[1]).unwrap().is_empty());
    // Exactly 500 is allowed.
    lib.add_tags(&ids[2..], &strings(&["y".repeat(20).as_str()]), T0 + 2).unwrap();
}

#[test]
fn unknown_asset_refuses_the_whole_batch() {
    let (_d, lib) = open();
    let ids = three(&lib);
    let err = lib.add_tags(&[ids[0], 999], &strings(&["sale"]), T0).unwrap_err();
    assert!(matches!(err, OrganiseError::NotFound(ref m) if m.contains("#999")), "{err:?}");
    assert!(lib.tags_of(ids[0]).unwrap().is_empty());
}

#[test]
fn suggestions_match_prefix_case_insensitively_most_used_first() {
    let (_d, lib) = open();
    let ids = three(&lib);
    lib.add_tags(&ids, &strings(&["Summer"]), T0).unwrap();
    lib.add_tags(&ids[..1], &strings(&["summer-sale", "sum_total", "winter"]), T0).unwrap();
    let got = lib.tag_suggestions("sum", 10).unwrap();
    let names: Vec<(&str, u64)> = got.iter().map(|t| (t.tag.as_str(), t.count)).collect();
    assert_eq!(names, vec![("Summer", 3), ("sum_total", 1), ("summer-sale", 1)]);
    // `_` is literal, not a LIKE wildcard.
    assert_eq!(lib.tag_suggestions("sum_", 10).unwrap().len(), 1);
    assert_eq!(lib.tag_suggestions("", 2).unwrap().len(), 2);
    // Removed everywhere: no longer suggested.
    lib.remove_tags(&ids[..1], &strings(&["winter"]), T0).unwrap();
    assert!(lib.tag_suggestions("win", 10).unwrap().is_empty());
}

#[test]
fn rename_and_merge_across_the_library() {
    let (_d, lib) = open();
    let ids = three(&lib);
    lib.add_tags(&ids[..2], &strings(&["summr", "dress"]), T0).unwrap();
    lib.add_tags(&ids[1..], &strings(&["summer"]), T0).unwrap();
    let s = lib.rename_tag("summr", "summer", T0 + 1).unwrap();
    assert!(s.description.starts_with("Merged tag \"summr\" into \"summer\""), "{}", s.description);
    assert_eq!(lib.tags_of(ids[0]).unwrap(), strings(&["summer", "dress"]));
    // The asset that had both keeps one, in the first one's place.
    assert_eq!(lib.tags_of(ids[1]).unwrap(), strings(&["summer", "dress"]));
    let counts = lib.tag_suggestions("summ", 10).unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!(counts[0].count, 3);

    let s = lib.rename_tag("dress", "Dresses", T0 + 2).unwrap();
    assert!(s.description.starts_with("Renamed"), "{}", s.description);
    assert_eq!(lib.tags_of(ids[0]).unwrap(), strings(&["summer", "Dresses"]));
    assert!(matches!(lib.rename_tag("nope", "x", T0).unwrap_err(), OrganiseError::NotFound(_)));
    assert!(invalid(lib.rename_tag("summer", "100%", T0).unwrap_err()).contains('%'));
}

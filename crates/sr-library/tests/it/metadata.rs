use serde_json::{Map, Value, json};
use sr_imagekit::metadata::{Expect, FieldDef, validate_value, validation_cases};
use sr_library::{OrganiseError, SANDBOX_ACCOUNT, SummaryValue};

use crate::organise_support::*;

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

#[test]
fn sandbox_demo_fields_are_there_offline_on_first_open() {
    let (_d, lib) = open();
    let fields = lib.metadata_fields(SANDBOX_ACCOUNT).unwrap();
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["sku", "price", "size", "colour", "season", "launch_date", "on_sale", "description"]);
    assert!(lib.metadata_fields("someone-else").unwrap().is_empty());
}

/// The offline half of the agreement test: the emulator runs the same table over HTTP.
#[test]
fn shared_validation_cases_agree_offline() {
    let (_d, lib) = open();
    let cases = validation_cases();
    let mut defs: Vec<FieldDef> = Vec::new();
    for c in &cases {
        if !defs.iter().any(|d| d.name == c.field.name) {
            defs.push(c.field.clone().with_id(format!("id-{}", c.field.name)));
        }
    }
    lib.replace_metadata_fields("cases", &defs).unwrap();
    let id = three(&lib)[0];
    for (i, c) in cases.iter().enumerate() {
        let before = lib.metadata_of(id).unwrap();
        let mut values = Map::new();
        values.insert(c.field.name.clone(), c.value.clone());
        let got = lib.set_metadata("cases", &[id], &values, T0 + i as i64);
        match &c.expect {
            Expect::Accept(stored) => {
                got.unwrap_or_else(|e| panic!("case {:?} should be accepted: {e}", c.title));
                assert_eq!(lib.metadata_of(id).unwrap().get(&c.field.name), Some(stored), "case {:?}", c.title);
            }
            Expect::Reject(kind) => {
                let def = defs.iter().find(|d| d.name == c.field.name).unwrap();
                let expected = validate_value(def, &c.value).unwrap_err();
                assert_eq!(expected.problem.kind(), *kind, "case {:?}", c.title);
                match got {
                    Err(OrganiseError::Invalid { message, problems }) => {
                        assert_eq!(problems.len(), 1, "case {:?}", c.title);
                        assert_eq!(problems[0].key, c.field.name);
                        assert_eq!(problems[0].message, expected.message(), "case {:?}", c.title);
                        assert!(message.contains(&c.field.label), "case {:?}: {message}", c.title);
                    }
                    other => panic!("case {:?} should be refused, got {other:?}", c.title),
                }
                assert_eq!(lib.metadata_of(id).unwrap(), before, "case {:?}: nothing saved", c.title);
            }
        }
    }
}

#[test]
fn out_of_range_number_is_explained_and_not_saved_on_any_asset() {
    let (_d, lib) = open();
    let ids = three(&lib);
    let err =
        lib.set_metadata(SANDBOX_ACCOUNT, &ids, &obj(json!({"sku": "DRS-0412", "price": 250000})), T0).unwrap_err();
    let msg = invalid(err);
    assert!(msg.contains("Price must be between 0 and 100000; you entered 250000."), "{msg}");
    for id in &ids {
        assert!(lib.metadata_of(*id).unwrap().is_empty());
    }
    let problems = lib.check_metadata(SANDBOX_ACCOUNT, &ids, &obj(json!({"price": -1, "colour": "purple"}))).unwrap();
    let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["price", "colour"]);
    assert!(lib.check_metadata(SANDBOX_ACCOUNT, &ids, &obj(json!({"price": 10}))).unwrap().is_empty());
    let msg = invalid(lib.set_metadata(SANDBOX_ACCOUNT, &ids, &obj(json!({"brand": "x"})), T0).unwrap_err());
    assert!(msg.contains("no custom metadata field called \"brand\""), "{msg}");
}

#[test]
fn set_fills_required_defaults_normalises_and_unset_respects_required() {
    let (_d, lib) = open();
    let ids = three(&lib);
    let s = lib
        .set_metadata(SANDBOX_ACCOUNT, &ids[..2], &obj(json!({"colour": "red", "launch_date": "2026-03-01"})), T0)
        .unwrap();
    assert_eq!(s.assets, 2);
    let m = lib.metadata_of(ids[0]).unwrap();
    assert_eq!(m.get("colour"), Some(&json!("red")));
    assert_eq!(m.get("launch_date"), Some(&json!("2026-03-01T00:00:00.000Z")));
    // Required `size` got its default, as the remote does.
    assert_eq!(m.get("size"), Some(&json!("M")));

    lib.unset_metadata(SANDBOX_ACCOUNT, &ids[..1], &strings(&["colour"]), T0 + 1).unwrap();
    assert_eq!(lib.metadata_of(ids[0]).unwrap().get("colour"), None);
    let msg = invalid(lib.unset_metadata(SANDBOX_ACCOUNT, &ids[..1], &strings(&["size"]), T0 + 2).unwrap_err());
    assert!(msg.contains("Size is required"), "{msg}");
    assert_eq!(lib.metadata_of(ids[0]).unwrap().get("size"), Some(&json!("M")));
}

#[test]
fn summary_shows_shared_values_and_mixed() {
    let (_d, lib) = open();
    let ids = three(&lib);
    lib.set_metadata(SANDBOX_ACCOUNT, &ids, &obj(json!({"season": "SS26", "colour": "red"})), T0).unwrap();
    lib.set_metadata(SANDBOX_ACCOUNT, &ids[2..], &obj(json!({"colour": "navy", "price": 49.5})), T0).unwrap();
    let summary = lib.metadata_summary(SANDBOX_ACCOUNT, &ids).unwrap();
    let get = |name: &str| summary.iter().find(|s| s.field.name == name).unwrap();
    assert_eq!(get("season").value, SummaryValue::Same(json!("SS26")));
    assert_eq!(get("season").set_on, 3);
    assert_eq!(get("colour").value, SummaryValue::Mixed);
    assert_eq!(get("price").value, SummaryValue::Mixed, "set on one of three");
    assert_eq!(get("price").set_on, 1);
    assert_eq!(get("sku").value, SummaryValue::Unset);
    let one = lib.metadata_summary(SANDBOX_ACCOUNT, &ids[2..]).unwrap();
    assert_eq!(one.iter().find(|s| s.field.name == "price").unwrap().value, SummaryValue::Same(json!(49.5)));
}

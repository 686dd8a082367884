use serde_json::{Map, Value, json};
use sr_imagekit::metadata::*;

fn field(name: &str, label: &str, schema: Value) -> FieldDef {
    let t = FieldType::parse(schema["type"].as_str().unwrap()).unwrap();
    let schema = validate_schema(t, &schema).unwrap_or_else(|e| panic!("{name}: {e}"));
    NewField { name: name.into(), label: label.into(), schema, description: None }.with_id(format!("id_{name}"))
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

// --- the shared table ------------------------------------------------------------------------

#[test]
fn shared_validation_table_holds_eight_cases_per_type() {
    let cases = validation_cases();
    for t in FieldType::ALL {
        let of_type: Vec<_> = cases.iter().filter(|c| c.field.schema.field_type == t).collect();
        assert!(of_type.len() >= 8, "{t}: only {} cases", of_type.len());
        assert!(of_type.iter().any(|c| matches!(c.expect, Expect::Accept(_))), "{t}: no valid case");
        assert!(of_type.iter().any(|c| matches!(c.expect, Expect::Reject(_))), "{t}: no invalid case");
    }
}

#[test]
fn shared_validation_table() {
    for case in validation_cases() {
        let def = case.field.clone().with_id("x");
        let got = validate_value(&def, &case.value);
        match (&case.expect, got) {
            (Expect::Accept(stored), Ok(v)) => assert_eq!(&v, stored, "{}", case.title),
            (Expect::Reject(kind), Err(e)) => {
                assert_eq!(e.problem.kind(), *kind, "{}: {e}", case.title);
                let msg = e.to_string();
                assert!(msg.starts_with(&def.label), "{}: message does not name the field: {msg}", case.title);
                assert!(msg.contains("you entered"), "{}: message does not echo the value: {msg}", case.title);
            }
            (want, got) => panic!("{}: expected {want:?}, got {got:?}", case.title),
        }
    }
}

#[test]
fn shared_table_fields_have_unique_names_per_schema() {
    let cases = validation_cases();
    for a in &cases {
        for b in &cases {
            if a.field.name == b.field.name {
                assert_eq!(a.field, b.field, "two different fields share the name {}", a.field.name);
            }
        }
    }
}

// --- messages --------------------------------------------------------------------------------

#[test]
fn messages_name_the_label_and_say_what_is_allowed() {
    let price = field("price", "Price", json!({"type": "Number", "minValue": 1000, "maxValue": 3000}));
    let e = validate_value(&price, &json!(900)).unwrap_err();
    assert_eq!(e.to_string(), "Price must be between 1000 and 3000; you entered 900.");
    assert_eq!(e.name, "price");

    let e = validate_value(&price, &json!("cheap")).unwrap_err();
    assert_eq!(e.to_string(), "Price must be a number; you entered the text \"cheap\".");

    let min_only = field("discount", "Discount", json!({"type": "Number", "minValue": 0}));
    assert_eq!(
        validate_value(&min_only, &json!(-5)).unwrap_err().to_string(),
        "Discount must be at least 0; you entered -5."
    );

    let sku = field("sku", "SKU", json!({"type": "Text", "minLength": 3, "maxLength": 12}));
    assert_eq!(
        validate_value(&sku, &json!(5682342234u64)).unwrap_err().to_string(),
        "SKU must be text; you entered the number 5682342234."
    );
    assert_eq!(
        validate_value(&sku, &json!("ab")).unwrap_err().to_string(),
        "SKU must be between 3 and 12 characters long; you entered 2 characters."
    );

    let size = field(
        "size",
        "Size",
        json!({"type": "SingleSelect", "selectOptions": ["XS", "S", "M"], "isValueRequired": true, "defaultValue": "M"}),
    );
    assert_eq!(
        validate_value(&size, &json!("XXXL")).unwrap_err().to_string(),
        "Size must be one of: XS, S, M; you entered \"XXXL\"."
    );

    let launch = field("launch", "Launch date", json!({"type": "Date", "minValue": "2026-01-01"}));
    assert_eq!(
        validate_value(&launch, &json!("2025-06-01")).unwrap_err().to_string(),
        "Launch date must be on or after 2026-01-01; you entered 2025-06-01."
    );
    assert!(validate_value(&launch, &json!("soon")).unwrap_err().to_string().contains("2026-03-01"));

    let on_sale = field("on_sale", "On sale", json!({"type": "Boolean"}));
    assert_eq!(
        validate_value(&on_sale, &json!("yes")).unwrap_err().to_string(),
        "On sale must be true or false; you entered the text \"yes\"."
    );
}

// --- schemas ---------------------------------------------------------------------------------

fn schema_errors(t: FieldType, schema: Value) -> Vec<(String, String)> {
    validate_schema(t, &schema).unwrap_err().errors.into_iter().collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn docs_example_of_an_invalid_schema() {
    // §7.1: minValue of the wrong type and maxLength on a Number.
    let errs =
        validate_schema(FieldType::Number, &json!({"type": "Number", "minValue": "1", "maxLength": 5})).unwrap_err();
    assert_eq!(
        errs.to_json(),
        json!({"minValue": "should be of type number", "maxLength": "not allowed for this type"})
    );
    assert_eq!(SchemaErrors::MESSAGE, "Invalid field object");
}

#[test]
fn properties_not_allowed_for_the_type() {
    assert_eq!(
        schema_errors(FieldType::Text, json!({"minValue": 1, "selectOptions": ["a"]})),
        pairs(&[("minValue", "not allowed for this type"), ("selectOptions", "not allowed for this type")])
    );
    assert_eq!(
        schema_errors(FieldType::Boolean, json!({"minLength": 1, "maxValue": 2})),
        pairs(&[("maxValue", "not allowed for this type"), ("minLength", "not allowed for this type")])
    );
    assert_eq!(
        schema_errors(FieldType::Date, json!({"colour": "red"})),
        pairs(&[("colour", "not allowed for this type")])
    );
}

#[test]
fn default_is_required_when_value_is_required() {
    assert_eq!(
        schema_errors(FieldType::Text, json!({"isValueRequired": true})),
        pairs(&[("defaultValue", "is required when isValueRequired is true")])
    );
    assert!(validate_schema(FieldType::Text, &json!({"isValueRequired": true, "defaultValue": "n/a"})).is_ok());
    assert!(validate_schema(FieldType::Text, &json!({"isValueRequired": false})).is_ok());
}

#[test]
fn default_must_satisfy_the_schema() {
    let cases = [
        (FieldType::Number, json!({"minValue": 0, "maxValue": 60, "defaultValue": 80})),
        (FieldType::Number, json!({"defaultValue": "20"})),
        (FieldType::Text, json!({"maxLength": 3, "defaultValue": "long"})),
        (FieldType::Date, json!({"maxValue": "2026-01-01", "defaultValue": "2027-01-01"})),
        (FieldType::Boolean, json!({"defaultValue": "false"})),
        (FieldType::SingleSelect, json!({"selectOptions": ["a", "b"], "defaultValue": "c"})),
        (FieldType::MultiSelect, json!({"selectOptions": ["a", "b"], "defaultValue": "a"})),
        (FieldType::MultiSelect, json!({"selectOptions": ["a", "b"], "defaultValue": ["a", "c"]})),
    ];
    for (t, schema) in cases {
        let errs = schema_errors(t, schema.clone());
        assert_eq!(errs.len(), 1, "{t} {schema}: {errs:?}");
        assert_eq!(errs[0].0, "defaultValue", "{t} {schema}");
        assert!(errs[0].1.starts_with("should satisfy the schema"), "{t} {schema}: {}", errs[0].1);
    }
    let ok =
        validate_schema(FieldType::MultiSelect, &json!({"selectOptions": ["a", "b"], "defaultValue": ["b"]})).unwrap();
    assert_eq!(ok.default_value, Some(json!(["b"])));
}

#[test]
fn selects_need_options() {
    assert_eq!(
        schema_errors(FieldType::SingleSelect, json!({})),
        pairs(&[("selectOptions", "is required for this type")])
    );
    assert_eq!(
        schema_errors(FieldType::MultiSelect, json!({"selectOptions": []})),
        pairs(&[("selectOptions", "should have at least 1 item")])
    );
    assert_eq!(
        schema_errors(FieldType::SingleSelect, json!({"selectOptions": "a,b"})),
        pairs(&[("selectOptions", "should be of type array")])
    );
    assert_eq!(schema_errors(FieldType::SingleSelect, json!({"selectOptions": ["a", {"b": 1}]}))[0].0, "selectOptions");
    assert_eq!(schema_errors(FieldType::SingleSelect, json!({"selectOptions": ["a", "a"]}))[0].0, "selectOptions");
    // Mixed scalar types are fine: "1" and 1 are different options.
    assert!(validate_schema(FieldType::SingleSelect, &json!({"selectOptions": ["1", 1, true]})).is_ok());
}

#[test]
fn bounds_must_be_ordered_and_well_typed() {
    assert_eq!(
        schema_errors(FieldType::Number, json!({"minValue": 10, "maxValue": 5})),
        pairs(&[("minValue", "should be less than or equal to maxValue")])
    );
    assert_eq!(
        schema_errors(FieldType::Date, json!({"minValue": "2026-02-01", "maxValue": "2026-01-01"})),
        pairs(&[("minValue", "should be less than or equal to maxValue")])
    );
    assert_eq!(
        schema_errors(FieldType::Textarea, json!({"minLength": 10, "maxLength": 5})),
        pairs(&[("minLength", "should be less than or equal to maxLength")])
    );
    assert_eq!(schema_errors(FieldType::Date, json!({"minValue": 5}))[0].0, "minValue");
    assert_eq!(
        schema_errors(FieldType::Text, json!({"maxLength": "5"})),
        pairs(&[("maxLength", "should be of type number")])
    );
    assert_eq!(schema_errors(FieldType::Text, json!({"maxLength": -1}))[0].0, "maxLength");
    assert_eq!(
        schema_errors(FieldType::Text, json!({"isValueRequired": "yes"})),
        pairs(&[("isValueRequired", "should be of type boolean")])
    );
}

#[test]
fn schema_type_key_is_ignored_so_patch_cannot_change_the_type() {
    let s = validate_schema(FieldType::Number, &json!({"type": "Text", "minValue": 1})).unwrap();
    assert_eq!(s.field_type, FieldType::Number);
}

#[test]
fn schemas_round_trip_on_the_wire_with_absent_fields_omitted() {
    let wire = json!({"id": "598821f949c0a938d57563dd", "name": "price", "label": "price",
                      "schema": {"type": "Number", "minValue": 1000, "maxValue": 3000}});
    let def: FieldDef = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(def.schema.field_type, FieldType::Number);
    assert_eq!(serde_json::to_value(&def).unwrap(), wire);

    let size = json!({"name": "size", "label": "Size", "description": "Garment size",
        "schema": {"type": "SingleSelect", "selectOptions": ["XS","S","M","L","XL","XXL"],
                   "isValueRequired": true, "defaultValue": "M"}});
    let nf: NewField = serde_json::from_value(size.clone()).unwrap();
    assert_eq!(serde_json::to_value(&nf).unwrap(), size);
}

#[test]
fn new_field_bodies_are_checked_whole() {
    let ok = validate_new_field(&json!({"name": "discount", "label": "Discount",
        "schema": {"type": "Number", "minValue": 0, "maxValue": 60, "defaultValue": 20}}))
    .unwrap();
    assert_eq!(ok.schema.default_value, Some(json!(20)));
    assert_eq!(ok.description, None);

    let errs = validate_new_field(&json!({"label": "", "schema": {"type": "Colour"}})).unwrap_err();
    let keys: Vec<&str> = errs.errors.keys().map(String::as_str).collect();
    assert_eq!(keys, ["label", "name", "schema.type"]);

    let errs = validate_new_field(&json!({"name": "n", "label": "N", "description": "d".repeat(501),
        "schema": {"type": "Number", "minValue": "1"}}))
    .unwrap_err();
    assert_eq!(
        errs.to_json(),
        json!({
            "description": "should be at most 500 characters long",
            "schema.minValue": "should be of type number"
        })
    );
    assert!(errs.to_string().contains("schema.minValue should be of type number"), "{errs}");
}

#[test]
fn dates_are_parsed_strictly() {
    for ok in [
        "2020-01-01",
        "2020-01-01T12:12:12",
        "2020-01-01T12:12",
        "2020-01-01T12:12:12.5Z",
        "2020-01-01T12:12:12+05:30",
        "2020-01-01T12:12Z",
        "2024-02-29",
    ] {
        assert!(parse_iso_date(ok).is_some(), "{ok}");
    }
    for bad in ["2020-1-1", "2023-02-29", "2020-13-01", "01/02/2020", "2020-01-01T25:00", "", "7d", "2020-01-01Tnoon"] {
        assert!(parse_iso_date(bad).is_none(), "{bad}");
    }
    let d = parse_iso_date("2020-01-01T12:12:12+01:00").unwrap();
    assert_eq!(d.to_iso_string(), "2020-01-01T11:12:12.000Z");
    assert_eq!(d.precision, DatePrecision::Second);
    let day = parse_iso_date("2020-01-01").unwrap();
    assert_eq!((day.unix_ms, day.end_ms()), (1_577_836_800_000, 1_577_923_200_000));
}

// --- applying metadata -----------------------------------------------------------------------

fn demo() -> Vec<FieldDef> {
    demo_fields().into_iter().enumerate().map(|(i, f)| f.with_id(format!("{i:024x}"))).collect()
}

#[test]
fn demo_fields_cover_a_merchandisers_needs() {
    let fields = demo();
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["sku", "price", "size", "colour", "season", "launch_date", "on_sale", "description"]);
    let size = &fields[2];
    assert!(size.schema.required());
    assert_eq!(size.schema.default_value, Some(json!("M")));
    // Each is a valid creation body for the remote.
    for f in demo_fields() {
        let body = serde_json::to_value(&f).unwrap();
        assert_eq!(validate_new_field(&body).unwrap(), f);
    }
}

#[test]
fn upload_fills_required_fields_from_their_default() {
    let fields = demo();
    let out = apply_metadata(&fields, &Map::new(), &obj(json!({"sku": "DRS-0412", "price": 79.5})), ApplyMode::Upload)
        .unwrap();
    assert_eq!(Value::Object(out), json!({"sku": "DRS-0412", "price": 79.5, "size": "M"}));
}

#[test]
fn upload_normalises_dates_and_keeps_given_required_values() {
    let fields = demo();
    let out = apply_metadata(
        &fields,
        &Map::new(),
        &obj(json!({"size": "XL", "launch_date": "2026-03-01", "colour": null})),
        ApplyMode::Upload,
    )
    .unwrap();
    assert_eq!(Value::Object(out), json!({"size": "XL", "launch_date": "2026-03-01T00:00:00.000Z"}));
}

#[test]
fn unknown_keys_and_bad_values_are_all_reported() {
    let fields = demo();
    let err = apply_metadata(
        &fields,
        &Map::new(),
        &obj(json!({"brand": "Nike", "price": -1, "season": "SS24"})),
        ApplyMode::Upload,
    )
    .unwrap_err();
    assert_eq!(err.errors.len(), 3, "{err}");
    assert_eq!(err.errors[0], MetadataError::UnknownField { key: "brand".into() });
    assert!(matches!(&err.errors[1], MetadataError::Invalid(e) if e.name == "price"));
    assert!(matches!(&err.errors[2], MetadataError::Invalid(e) if e.name == "season"));
    let msg = err.to_string();
    assert!(msg.contains("no custom metadata field called \"brand\""), "{msg}");
    assert!(msg.contains("Price must be between 0 and 100000; you entered -1."), "{msg}");
    assert!(msg.contains("Season must be one of: SS25, AW25, SS26, AW26, SS27; you entered \"SS24\"."), "{msg}");
    let by_key = err.errors_json();
    assert_eq!(by_key.as_object().unwrap().len(), 3);
    assert_eq!(by_key["price"], json!("Price must be between 0 and 100000; you entered -1."));
    assert!(by_key["brand"].as_str().unwrap().contains("\"brand\""));
}

#[test]
fn update_merges_and_null_unsets() {
    let fields = demo();
    let current = obj(json!({"sku": "DRS-0412", "price": 80, "size": "S"}));
    let out =
        apply_metadata(&fields, &current, &obj(json!({"price": null, "on_sale": true})), ApplyMode::Update).unwrap();
    assert_eq!(Value::Object(out), json!({"sku": "DRS-0412", "size": "S", "on_sale": true}));
}

#[test]
fn update_cannot_clear_a_required_field() {
    let fields = demo();
    let current = obj(json!({"size": "S"}));
    let err = apply_metadata(&fields, &current, &obj(json!({"size": null})), ApplyMode::Update).unwrap_err();
    assert_eq!(err.errors, vec![MetadataError::CannotClearRequired { name: "size".into(), label: "Size".into() }]);
    assert!(err.to_string().starts_with("Size is required"), "{err}");
}

#[test]
fn update_fills_a_required_field_an_older_file_lacks() {
    let fields = demo();
    let out = apply_metadata(&fields, &obj(json!({"sku": "A-1"})), &obj(json!({"on_sale": false})), ApplyMode::Update)
        .unwrap();
    assert_eq!(Value::Object(out), json!({"sku": "A-1", "on_sale": false, "size": "M"}));
}

#[test]
fn required_field_without_default_is_an_error() {
    // A definition that did not come through validate_schema (e.g. an older remote record).
    let mut schema = FieldSchema::of_type(FieldType::Text);
    schema.is_value_required = Some(true);
    let fields = vec![NewField { name: "sku".into(), label: "SKU".into(), schema, description: None }.with_id("1")];
    let err = apply_metadata(&fields, &Map::new(), &Map::new(), ApplyMode::Upload).unwrap_err();
    assert_eq!(err.errors, vec![MetadataError::Required { name: "sku".into(), label: "SKU".into() }]);
    assert_eq!(err.to_string(), "SKU is required; give it a value.");
}

#[test]
fn nothing_is_applied_when_anything_fails() {
    let fields = demo();
    let current = obj(json!({"sku": "A-1"}));
    let res = apply_metadata(&fields, &current, &obj(json!({"sku": "B-2", "price": "free"})), ApplyMode::Update);
    assert!(res.is_err());
    // The caller's map is untouched; the result carries no partial merge.
    assert_eq!(current["sku"], json!("A-1"));
}

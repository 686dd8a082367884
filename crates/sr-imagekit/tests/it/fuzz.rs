//! Fuzz targets on stable Rust (proptest): the parsers never panic on any input. 256 cases each in
//! the suite (proptest's default); `scripts/fuzz.sh` runs many more through `PROPTEST_CASES`.

use proptest::prelude::*;
use serde_json::Value;
use sr_imagekit::metadata::parse_iso_date;
use sr_imagekit::search::Query;
use sr_imagekit::transform::Transformation;

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
        "(width|height|overlay|type|input|text|raw|aspectRatio|quality)".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                "(width|height|overlay|type|input|text|raw|aspectRatio|quality|position|x|y|[a-z]{1,6})",
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn transformation_parse_and_validate_never_panic(s in "\\PC{0,60}") {
        let t = Transformation::parse(&s);
        let _ = t.validate();
    }

    #[test]
    fn search_query_parse_never_panics(s in "(name|createdAt|size|tags|customMetadata\\.[a-z]+|=|!=|>|<|>=|IN|NOT|AND|OR|\\(|\\)|\"|\\[|\\]|,| |[0-9]{1,4}|[a-z]{1,5}|-|d|h|\\PC){0,30}") {
        let _ = Query::parse(&s);
    }

    #[test]
    fn parse_iso_date_never_panics(s in "([0-9]{1,5}|-|:|T|Z|\\+|\\.|\\PC){0,30}") {
        if let Some(d) = parse_iso_date(&s) {
            let _ = d.end_ms();
            let _ = d.to_iso_string();
        }
    }

    #[test]
    fn sdk_json_reader_never_panics(v in json()) {
        let _ = Transformation::from_sdk_json(&v);
    }
}

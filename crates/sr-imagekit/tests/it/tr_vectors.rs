//! The `tr` vectors shared with the studio's own parser (`ui/src/preview/tr.ts`, whose Vitest test
//! reads the same file): `tests/vectors/tr.json`. Both parsers must print every vector back byte
//! for byte, split the well-formed ones into the same steps, and split parameters at the same dash.

use serde::Deserialize;
use serde_json::{Value, json};
use sr_imagekit::transform::{Item, Param, Step, Transformation};

#[derive(Deserialize)]
struct Vectors {
    /// Well-formed strings and their steps: items are `{"key", "value"}` or `{"layer", "steps"}`.
    well_formed: Vec<WellFormed>,
    /// Not well formed (an unclosed layer, an empty step, ...): still printed back as written.
    malformed: Vec<String>,
    params: Vec<ParamVector>,
}

#[derive(Deserialize)]
struct WellFormed {
    tr: String,
    steps: Value,
}

#[derive(Deserialize)]
struct ParamVector {
    written: String,
    key: String,
    value: Option<String>,
}

fn vectors() -> Vectors {
    serde_json::from_str(include_str!("../vectors/tr.json")).expect("tests/vectors/tr.json parses")
}

/// Steps in the vectors' shape (a layer by its opener without `l-`, so `l-subtitle` stays itself).
fn shape(steps: &[Step]) -> Value {
    steps
        .iter()
        .map(|s| {
            s.items()
                .iter()
                .map(|i| match i {
                    Item::Param(p) => json!({ "key": p.key(), "value": p.value() }),
                    Item::Layer(l) => json!({ "layer": &l.opener()[2..], "steps": shape(l.steps()) }),
                })
                .collect::<Value>()
        })
        .collect()
}

#[test]
fn every_vector_prints_back_byte_for_byte() {
    let v = vectors();
    assert!(v.well_formed.len() >= 30 && v.malformed.len() >= 10);
    for s in v.well_formed.iter().map(|w| &w.tr).chain(&v.malformed) {
        assert_eq!(Transformation::parse(s).to_string(), *s);
        assert_eq!(s.parse::<Transformation>().unwrap().to_string(), *s);
    }
}

#[test]
fn well_formed_vectors_parse_to_their_steps() {
    for w in vectors().well_formed {
        assert_eq!(shape(Transformation::parse(&w.tr).steps()), w.steps, "{}", w.tr);
    }
}

#[test]
fn keys_split_at_the_first_dash_except_effects() {
    for p in vectors().params {
        let expected = match &p.value {
            Some(v) => Param::new(&p.key, v),
            None => Param::flag(&p.key),
        };
        assert_eq!(Param::parse(&p.written), expected, "{}", p.written);
        assert_eq!(Param::parse(&p.written).to_string(), p.written);
    }
}

use std::collections::HashMap;

use serde_json::json;
use sr_imagekit::metadata::{FieldDef, NewField, demo_fields, parse_iso_date};
use sr_imagekit::search::*;

// 2026-03-01T00:00:00Z
const NOW: i64 = 1_772_323_200;

/// An asset for the evaluator: a map from field to value.
#[derive(Default, Clone)]
struct Asset(HashMap<FieldRef, FieldValue>);

impl Asset {
    fn with(mut self, f: FieldRef, v: FieldValue) -> Self {
        self.0.insert(f, v);
        self
    }
}

impl SearchRecord for Asset {
    fn field(&self, field: &FieldRef) -> FieldValue {
        self.0.get(field).cloned().unwrap_or(FieldValue::Missing)
    }
}

fn text(s: &str) -> FieldValue {
    FieldValue::Text(s.into())
}

fn time(iso: &str) -> FieldValue {
    FieldValue::Time(parse_iso_date(iso).unwrap().unix_ms)
}

fn list(items: &[&str]) -> FieldValue {
    FieldValue::List(items.iter().map(|s| text(s)).collect())
}

/// A red dress photo: the fixture most queries run against.
fn dress() -> Asset {
    Asset::default()
        .with(FieldRef::Name, text("Red-Dress_front.jpg"))
        .with(FieldRef::Id, text("61b3f7bf75889b0b19970117"))
        .with(FieldRef::Type, text("file"))
        .with(FieldRef::Path, text("/products/dresses/"))
        .with(FieldRef::Tags, list(&["summer", "dress", "Car"]))
        .with(FieldRef::Format, text("jpg"))
        .with(FieldRef::CreatedAt, time("2026-02-26T10:00:00Z"))
        .with(FieldRef::UpdatedAt, time("2026-02-28T10:00:00Z"))
        .with(FieldRef::Width, FieldValue::Number(1342.0))
        .with(FieldRef::Height, FieldValue::Number(638.0))
        .with(FieldRef::Size, FieldValue::Number(3.0 * 1024.0 * 1024.0))
        .with(FieldRef::Private, FieldValue::Bool(false))
        .with(FieldRef::Published, FieldValue::Bool(true))
        .with(FieldRef::Transparency, FieldValue::Bool(false))
        .with(FieldRef::CreatedBy, text("merch@example.com"))
        .with(FieldRef::Custom("price".into()), FieldValue::from_json(&json!(1200)))
        .with(FieldRef::Custom("category".into()), FieldValue::from_json(&json!("clothing")))
        .with(FieldRef::Custom("colours".into()), FieldValue::from_json(&json!(["red", "navy"])))
        .with(FieldRef::Custom("launch_date".into()), FieldValue::from_json(&json!("2026-03-15T00:00:00.000Z")))
        .with(FieldRef::Custom("description".into()), text("Linen summer dress with a square neckline"))
        .with(FieldRef::Embedded("Keywords".into()), list(&["linen", "summer"]))
        .with(FieldRef::Embedded("DateTimeOriginal".into()), text("2026-01-10T08:00:00"))
}

fn matches(q: &str, a: &Asset) -> bool {
    Query::parse(q).unwrap_or_else(|e| panic!("{q}: {e}")).matches(a, NOW)
}

/// Each query must match (`true`) or not match (`false`) the dress.
fn check_dress(cases: &[(&str, bool)]) {
    let d = dress();
    for (q, want) in cases {
        assert_eq!(matches(q, &d), *want, "{q}");
    }
}

fn parse_err(q: &str) -> String {
    match Query::parse(q) {
        Ok(parsed) => panic!("{q} parsed as {parsed:?}"),
        Err(e) => e.to_string(),
    }
}

// --- errors ----------------------------------------------------------------------------------

#[test]
fn the_remotes_date_error_word_for_word() {
    assert_eq!(
        parse_err("createdAt > 7d"),
        "Invalid search query - createdAt field must have a valid date value. Make sure the value is \
         enclosed within quotes. Please refer to the documentation for syntax specification."
    );
    assert_eq!(parse_err("createdAt > 5"), parse_err("createdAt > 7d"));
    assert_eq!(parse_err("createdAt > \"yesterday\""), parse_err("createdAt > 7d"));
    assert!(parse_err("\"customMetadata.x\" = 7d").contains("7d must be enclosed within quotes"));
    assert!(
        parse_err("updatedAt IN [\"2020-01-01\", \"soon\"]").contains("updatedAt field must have a valid date value")
    );
}

#[test]
fn syntax_errors_say_what_is_wrong() {
    let cases = [
        ("", "the query is empty"),
        ("name = ", "the query ends after =; add a value"),
        ("name", "the query ends after name; add an operator"),
        ("name = \"a", "has no closing quote"),
        ("(name = \"a\"", "is never closed"),
        ("name = \"a\")", "\")\" without a matching \"(\""),
        ("name = \"a\" AND", "the query ends after AND"),
        ("name = \"a\" OR", "the query ends after OR"),
        ("name = \"a\" name = \"b\"", "expected AND or OR before"),
        ("name != \"a\"", "write NOT = to exclude"),
        ("name NOT LIKE \"a\"", "NOT must be followed by =, IN or EXISTS"),
        ("tags IN \"a\"", "IN needs a list of values in square brackets"),
        ("tags IN []", "the list after IN is empty"),
        ("tags IN [\"a\" \"b\"]", "expected \",\" or \"]\""),
        ("tags IN [\"a\"", "never closed with \"]\""),
        ("name = [\"a\"]", "a list of values needs IN or NOT IN"),
        ("()", "empty parentheses"),
        ("AND name = \"a\"", "expected a field name but found AND"),
        ("name ~ \"a\"", "unexpected character \"~\""),
        ("name = shirt", "must have a text value enclosed within quotes"),
    ];
    for (q, want) in cases {
        let msg = parse_err(q);
        assert!(msg.starts_with("Invalid search query - "), "{q}: {msg}");
        assert!(msg.ends_with("Please refer to the documentation for syntax specification."), "{q}: {msg}");
        assert!(msg.contains(want), "{q}: {msg}");
    }
}

#[test]
fn fields_refuse_operators_they_do_not_support() {
    let cases = [
        ("name > \"a\"", "name field does not support the > operator"),
        ("tags = \"a\"", "tags field does not support the = operator"),
        ("format : \"jp\"", "format field does not support the : operator"),
        ("private IN [true]", "private field does not support the IN operator"),
        ("type HAS \"file\"", "type field does not support the HAS operator"),
        ("width EXISTS", "width field does not support the EXISTS operator"),
        ("\"embeddedMetadata.Keywords\" = \"x\"", "embeddedMetadata.Keywords field does not support the = operator"),
    ];
    for (q, want) in cases {
        let msg = parse_err(q);
        assert!(msg.contains(want), "{q}: {msg}");
        assert!(msg.contains("it supports"), "{q}: {msg}");
    }
    assert!(parse_err("colour = \"red\"").contains("colour is not a searchable field"));
}

#[test]
fn values_must_fit_the_field() {
    assert!(parse_err("width > \"wide\"").contains("width field must have a numeric value"));
    assert!(parse_err("private = \"true\"").contains("private field must have a boolean value"));
    assert!(parse_err("size > \"huge\"").contains("size field must have a size in bytes"));
    assert!(parse_err("name = 5").contains("name field must have a text value"));
    assert!(parse_err("\"customMetadata.x\" : 5").contains("for the : operator"));
}

// --- parsing ---------------------------------------------------------------------------------

fn cond(field: FieldRef, op: Op, operand: Operand) -> Expr {
    Expr::Cond(Condition { field, op, operand })
}

fn s(v: &str) -> Value {
    Value::Str(v.into())
}

#[test]
fn and_binds_tighter_than_or() {
    let q = Query::parse("name = \"a\" OR name = \"b\" AND format = \"png\"").unwrap();
    assert_eq!(
        q.expr,
        Expr::Or(vec![
            cond(FieldRef::Name, Op::Eq, Operand::One(s("a"))),
            Expr::And(vec![
                cond(FieldRef::Name, Op::Eq, Operand::One(s("b"))),
                cond(FieldRef::Format, Op::Eq, Operand::One(s("png"))),
            ]),
        ])
    );
}

#[test]
fn parentheses_override_precedence_and_chains_flatten() {
    let q = Query::parse("(name = \"a\" OR name = \"b\") and format = \"png\" AND width > 10").unwrap();
    assert_eq!(
        q.expr,
        Expr::And(vec![
            Expr::Or(vec![
                cond(FieldRef::Name, Op::Eq, Operand::One(s("a"))),
                cond(FieldRef::Name, Op::Eq, Operand::One(s("b"))),
            ]),
            cond(FieldRef::Format, Op::Eq, Operand::One(s("png"))),
            cond(FieldRef::Width, Op::Gt, Operand::One(Value::Num(10.0))),
        ])
    );
    // Behaviour follows: "b.jpg" is not a png so fails the AND.
    let a = Asset::default()
        .with(FieldRef::Name, text("b"))
        .with(FieldRef::Format, text("jpg"))
        .with(FieldRef::Width, FieldValue::Number(20.0));
    assert!(!matches("(name = \"a\" OR name = \"b\") AND format = \"png\"", &a));
    assert!(matches("name = \"a\" OR name = \"b\" AND format = \"jpg\"", &a));
    assert!(matches("name = \"zzz\" AND format = \"png\" OR width > 10", &a));
    assert!(!matches("name = \"zzz\" AND (format = \"png\" OR width > 10)", &a));
}

#[test]
fn keywords_are_case_insensitive_and_all_operators_parse() {
    let q = Query::parse(
        "tags not in [\"a\"] and tags Not Exists or name not = \"x\" Or tags has \"su\" AND private = TRUE",
    )
    .unwrap();
    let Expr::Or(parts) = q.expr else { panic!("{q:?}") };
    assert_eq!(parts.len(), 3);
    assert_eq!(
        parts[0],
        Expr::And(vec![
            cond(FieldRef::Tags, Op::NotIn, Operand::List(vec![s("a")])),
            cond(FieldRef::Tags, Op::NotExists, Operand::None),
        ])
    );
    assert_eq!(parts[1], cond(FieldRef::Name, Op::NotEq, Operand::One(s("x"))));
    assert_eq!(
        parts[2],
        Expr::And(vec![
            cond(FieldRef::Tags, Op::Has, Operand::One(s("su"))),
            cond(FieldRef::Private, Op::Eq, Operand::One(Value::Bool(true))),
        ])
    );
}

#[test]
fn values_are_coerced_to_their_field() {
    let q =
        Query::parse("size > \"2mb\" AND size <= 1024 AND createdAt >= \"7d\" AND updatedAt < \"2020-01-01T12:12:12\"")
            .unwrap();
    let Expr::And(c) = q.expr else { panic!() };
    assert_eq!(c[0], cond(FieldRef::Size, Op::Gt, Operand::One(Value::Num(2.0 * 1024.0 * 1024.0))));
    assert_eq!(c[1], cond(FieldRef::Size, Op::Le, Operand::One(Value::Num(1024.0))));
    assert_eq!(
        c[2],
        cond(FieldRef::CreatedAt, Op::Ge, Operand::One(Value::Time(TimeValue::Ago { amount: 7, unit: AgoUnit::Days })))
    );
    let Expr::Cond(Condition { operand: Operand::One(Value::Time(TimeValue::Absolute(d))), .. }) = &c[3] else {
        panic!("{:?}", c[3])
    };
    assert_eq!(d.to_iso_string(), "2020-01-01T12:12:12.000Z");
    assert_eq!(parse_size("10kb"), Some(10240.0));
    assert_eq!(parse_size("1.5MB"), Some(1.5 * 1024.0 * 1024.0));
    assert_eq!(parse_size("1gb"), Some(1024.0 * 1024.0 * 1024.0));
    assert_eq!(parse_size("500"), Some(500.0));
    assert_eq!(parse_size("-1kb"), None);
}

#[test]
fn quoted_metadata_fields_and_single_quotes() {
    let q = Query::parse("\"customMetadata.category\" IN ['clothing', \"acc \\\"x\\\"\"]").unwrap();
    assert_eq!(
        q.expr,
        cond(FieldRef::Custom("category".into()), Op::In, Operand::List(vec![s("clothing"), s("acc \"x\"")]))
    );
    let q = Query::parse("\"embeddedMetadata.Make\" = \"Canon\"").unwrap();
    assert_eq!(q.expr, cond(FieldRef::Embedded("Make".into()), Op::Eq, Operand::One(s("Canon"))));
    assert_eq!(FieldRef::Custom("price".into()).to_string(), "customMetadata.price");
}

#[test]
fn relative_times_resolve_against_now() {
    let span = |u, n| TimeValue::Ago { amount: n, unit: u }.resolve(NOW).start_ms;
    let now_ms = NOW * 1000;
    assert_eq!(span(AgoUnit::Hours, 1), now_ms - 3_600_000);
    assert_eq!(span(AgoUnit::Days, 2), now_ms - 2 * 86_400_000);
    assert_eq!(span(AgoUnit::Weeks, 3), now_ms - 21 * 86_400_000);
    // Calendar months and years: 2026-03-01 minus 4 months is 2025-11-01.
    assert_eq!(span(AgoUnit::Months, 4), parse_iso_date("2025-11-01").unwrap().unix_ms);
    assert_eq!(span(AgoUnit::Years, 1), parse_iso_date("2025-03-01").unwrap().unix_ms);
}

// --- evaluation ------------------------------------------------------------------------------

#[test]
fn spec_examples() {
    // §5.1.1: size is 3 MB, created 3 days before NOW, path is a subfolder of /products/.
    check_dress(&[
        ("createdAt >= \"7d\" AND size > \"2mb\"", true),
        ("createdAt >= \"2d\" AND size > \"2mb\"", false),
        ("\"customMetadata.category\" IN [\"clothing\", \"accessories\"]", true),
        ("\"customMetadata.category\" IN [\"shoes\", \"accessories\"]", false),
        ("format = \"jpg\" AND path : \"/products/\"", true),
        ("format = \"png\" AND path : \"/products/\"", false),
    ]);
}

#[test]
fn name_operators() {
    check_dress(&[
        ("name = \"Red-Dress_front.jpg\"", true),
        ("name = \"red-dress_front.jpg\"", false), // = is case-sensitive
        ("name : \"Red-Dress\"", true),
        ("name : \"red\"", false),
        ("name IN [\"x.jpg\", \"Red-Dress_front.jpg\"]", true),
        ("name NOT IN [\"x.jpg\"]", true),
        ("name NOT = \"Red-Dress_front.jpg\"", false),
        ("name HAS \"red dress\"", true),  // case-insensitive tokens
        ("name HAS \"dress fro\"", true),  // last token is a prefix
        ("name HAS \"dre front\"", false), // only the last token is a prefix
        ("name HAS \"blue\"", false),
    ]);
}

#[test]
fn tags_match_tags_or_ai_tags() {
    // "Car" stands for an AITag name the record reports alongside tags.
    check_dress(&[
        ("tags IN [\"summer\"]", true),
        ("tags IN [\"Car\"]", true),
        ("tags IN [\"winter\", \"dress\"]", true),
        ("tags IN [\"Summer\"]", false),
        ("tags NOT IN [\"winter\"]", true),
        ("tags NOT IN [\"dress\"]", false),
        ("tags HAS \"summ\"", true),
        ("tags EXISTS", true),
        ("tags NOT EXISTS", false),
    ]);
    let bare = Asset::default().with(FieldRef::Tags, FieldValue::List(vec![]));
    assert!(matches("tags NOT EXISTS", &bare));
    assert!(matches("tags NOT IN [\"x\"]", &bare));
    assert!(!matches("tags IN [\"x\"]", &Asset::default()));
}

#[test]
fn path_is_a_folder_with_or_without_subfolders() {
    check_dress(&[
        ("path = \"/products/dresses/\"", true),
        ("path = \"/products/dresses\"", true),
        ("path = \"/products/\"", false),
        ("path : \"/products/\"", true),
        ("path : \"/products\"", true),
        ("path : \"/prod\"", false), // a folder, not a string prefix
        ("path : \"/\"", true),
        ("path NOT = \"/products/\"", true),
        ("path IN [\"/a/\", \"/products/dresses/\"]", true),
        ("path NOT IN [\"/products/dresses/\"]", false),
    ]);
}

#[test]
fn type_id_format_created_by() {
    check_dress(&[
        ("type = \"file\"", true),
        ("type IN [\"folder\", \"file-version\"]", false),
        ("type NOT = \"folder\"", true),
        ("id = \"61b3f7bf75889b0b19970117\"", true),
        ("id NOT IN [\"61b3f7bf75889b0b19970117\"]", false),
        ("format = \"JPG\"", true),
        ("format IN [\"png\", \"webp\"]", false),
        ("createdBy = \"merch@example.com\"", true),
        ("createdBy NOT IN [\"merch@example.com\"]", false),
    ]);
}

#[test]
fn dates_compare_as_spans() {
    // Created 2026-02-26T10:00:00Z.
    check_dress(&[
        ("createdAt = \"2026-02-26\"", true),
        ("createdAt = \"2026-02-27\"", false),
        ("createdAt NOT = \"2026-02-26\"", false),
        ("createdAt > \"2026-02-25\"", true),
        ("createdAt > \"2026-02-26\"", false),
        ("createdAt >= \"2026-02-26\"", true),
        ("createdAt < \"2026-02-26\"", false),
        ("createdAt <= \"2026-02-26\"", true),
        ("createdAt < \"2026-02-26T10:00:00\"", false),
        ("createdAt < \"2026-02-26T10:00:01\"", true),
        ("createdAt <= \"2026-02-26T10:00:00\"", true),
        ("createdAt = \"2026-02-26T10:00:00Z\"", true),
        ("createdAt IN [\"2026-01-01\", \"2026-02-26\"]", true),
        ("createdAt NOT IN [\"2026-02-26\"]", false),
        ("createdAt >= \"1w\"", true),
        ("createdAt >= \"3d\"", true),
        ("createdAt >= \"2d\"", false),
        ("createdAt < \"1m\"", false),
        ("updatedAt >= \"1d\"", true),
        ("updatedAt > \"2026-02-28T09:59\"", true),
    ]);
}

#[test]
fn numbers_and_sizes() {
    check_dress(&[
        ("width > 1000", true),
        ("width = 1342", true),
        ("width NOT = 1342", false),
        ("height < 638", false),
        ("height <= 638", true),
        ("height >= 600 AND height < 700", true),
        ("width IN [100, 1342]", true),
        ("width NOT IN [1342]", false),
        ("size > \"2mb\"", true),
        ("size > \"3mb\"", false),
        ("size >= \"3mb\"", true),
        ("size < 4000000", true),
        ("size = \"3072kb\"", true),
    ]);
    // A folder has no size: comparisons do not match, NOT = does.
    let folder = Asset::default().with(FieldRef::Type, text("folder"));
    assert!(!matches("size > 0", &folder));
    assert!(!matches("size < 1", &folder));
    assert!(matches("size NOT = 5", &folder));
}

#[test]
fn booleans() {
    check_dress(&[
        ("private = false", true),
        ("private = true", false),
        ("published = true", true),
        ("transparency = false", true),
    ]);
}

#[test]
fn custom_metadata_without_known_types() {
    check_dress(&[
        ("\"customMetadata.price\" >= 1000 AND \"customMetadata.price\" <= 3000", true),
        ("\"customMetadata.price\" = 1200", true),
        ("\"customMetadata.price\" > 1200", false),
        ("\"customMetadata.price\" IN [1200, 1300]", true),
        ("\"customMetadata.price\" = \"1200\"", false), // type-exact
        ("\"customMetadata.category\" = \"clothing\"", true),
        ("\"customMetadata.category\" : \"cloth\"", true),
        ("\"customMetadata.category\" NOT = \"clothing\"", false),
        ("\"customMetadata.colours\" IN [\"navy\"]", true),
        ("\"customMetadata.colours\" NOT IN [\"red\"]", false),
        ("\"customMetadata.colours\" IN [\"green\"]", false),
        ("\"customMetadata.description\" HAS \"square neck\"", true),
        ("\"customMetadata.launch_date\" > \"2026-03-01\"", true),
        ("\"customMetadata.launch_date\" = \"2026-03-15\"", true),
        ("\"customMetadata.missing\" EXISTS", false),
        ("\"customMetadata.missing\" NOT EXISTS", true),
        ("\"customMetadata.price\" EXISTS", true),
    ]);
}

#[test]
fn embedded_metadata() {
    check_dress(&[
        ("\"embeddedMetadata.Keywords\" IN [\"linen\"]", true),
        ("\"embeddedMetadata.Keywords\" NOT IN [\"linen\"]", false),
        ("\"embeddedMetadata.DateTimeOriginal\" < \"2026-02-01\"", true),
        ("\"embeddedMetadata.DateTimeOriginal\" >= \"30d\"", false),
        ("\"embeddedMetadata.Make\" NOT EXISTS", true),
    ]);
}

fn account_fields() -> Vec<FieldDef> {
    let mut fs: Vec<FieldDef> = demo_fields().into_iter().enumerate().map(|(i, f)| f.with_id(i.to_string())).collect();
    let multi: NewField = serde_json::from_value(json!({"name": "colours", "label": "Colours",
        "schema": {"type": "MultiSelect", "selectOptions": ["red", "navy"]}}))
    .unwrap();
    fs.push(multi.with_id("m"));
    fs
}

#[test]
fn known_custom_fields_get_their_types_rules() {
    let fields = account_fields();
    let ok = |q: &str| Query::parse_with_fields(q, &fields).unwrap_or_else(|e| panic!("{q}: {e}"));
    let err = |q: &str| Query::parse_with_fields(q, &fields).unwrap_err().to_string();

    // Date fields take dates like createdAt, and compare as dates.
    let q = ok("\"customMetadata.launch_date\" >= \"2026-03-15\"");
    assert!(q.matches(&dress(), NOW));
    assert!(
        err("\"customMetadata.launch_date\" > 5")
            .contains("customMetadata.launch_date field must have a valid date value")
    );
    // Number fields: ordered operators and numbers only.
    assert!(ok("\"customMetadata.price\" < 2000").matches(&dress(), NOW));
    assert!(err("\"customMetadata.price\" : \"1\"").contains("does not support the : operator"));
    assert!(err("\"customMetadata.price\" > \"cheap\"").contains("numeric value"));
    // Boolean: = only.
    assert!(err("\"customMetadata.on_sale\" IN [true]").contains("does not support the IN operator"));
    ok("\"customMetadata.on_sale\" = true");
    // MultiSelect: IN / NOT IN.
    assert!(err("\"customMetadata.colours\" = \"red\"").contains("does not support the = operator"));
    assert!(ok("\"customMetadata.colours\" IN [\"red\"]").matches(&dress(), NOW));
    // SingleSelect allows comparisons.
    ok("\"customMetadata.size\" >= 3");
    // Text allows HAS and prefix.
    ok("\"customMetadata.sku\" : \"DRS\" OR \"customMetadata.description\" HAS \"linen\"");
    // Unknown custom fields are refused when the fields are known.
    assert!(err("\"customMetadata.brand\" = \"Nike\"").contains("customMetadata.brand is not a searchable field"));
    // Built-in fields behave the same with or without the list.
    assert_eq!(ok("createdAt >= \"7d\""), Query::parse("createdAt >= \"7d\"").unwrap());
}

#[test]
fn conditions_are_listed_and_mentions_finds_a_field() {
    let q = Query::parse("(type = \"folder\" OR name : \"a\") AND tags IN [\"x\"]").unwrap();
    let fields: Vec<&FieldRef> = q.expr.conditions().iter().map(|c| &c.field).collect();
    assert_eq!(fields, [&FieldRef::Type, &FieldRef::Name, &FieldRef::Tags]);
    assert!(q.mentions(&FieldRef::Type));
    assert!(!q.mentions(&FieldRef::Path));
}

#[test]
fn from_str_parses() {
    let q: Query = "format = \"png\"".parse().unwrap();
    assert_eq!(q, Query::parse("format = \"png\"").unwrap());
    assert!("format =".parse::<Query>().is_err());
}

#[test]
fn hostile_input_never_panics() {
    let inputs = [
        "\"",
        "'",
        "(",
        ")",
        "[",
        "]",
        "((((((((((",
        "name = \"\\",
        "-",
        "-.",
        "1e999",
        "name = 1e999",
        "é = \"x\"",
        "\"customMetadata.\" = 1",
        "createdAt = \"2020-01-01T\"",
        "createdAt = \"ÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿ\"",
        "createdAt > \"99999999999y\"",
        "size > \"1e300gb\"",
        "tags IN [",
        "NOT",
        "name NOT",
        "a:b:c",
        "🙂",
    ];
    for q in inputs {
        let _ = Query::parse(q).map(|p| p.matches(&dress(), NOW));
    }
    let deep = format!("{}name = \"a\"{}", "(".repeat(200), ")".repeat(200));
    assert!(Query::parse(&deep).unwrap().matches(&Asset::default().with(FieldRef::Name, text("a")), NOW));
    let too_deep = format!("{}name = \"a\"{}", "(".repeat(100_000), ")".repeat(100_000));
    assert!(parse_err(&too_deep).contains("nested more than 256 deep"));
}

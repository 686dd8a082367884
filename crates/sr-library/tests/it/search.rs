use serde_json::{Value, json};
use sr_library::{AssetKind, Library, SANDBOX_ACCOUNT, SearchFilters, SearchRequest, Sort, SortKey};

use crate::organise_support::*;

const DAY: i64 = 86_400;
const NOW: i64 = T0 + 20 * DAY;

/// Four assets with tags, metadata and folders; returns the library.
fn library() -> (tempfile::TempDir, Library) {
    let (d, lib) = open();
    let ids = insert(
        &lib,
        &[
            Spec { folder: "/products/dresses/", size: 5 << 20, ..Spec::video("dress-red-front.mp4") },
            Spec {
                folder: "/products/dresses/navy/",
                size: 300_000,
                imported_at: T0 + DAY,
                ..Spec::image("dress-navy-back.jpg")
            },
            Spec {
                folder: "/products/shirts/",
                size: 50 << 20,
                dims: Some((3840, 2160)),
                duration_s: Some(60.0),
                imported_at: T0 + 10 * DAY,
                ..Spec::video("shirt-white.mov")
            },
            Spec {
                kind: AssetKind::Audio,
                size: 2 << 20,
                dims: None,
                duration_s: Some(5.0),
                imported_at: T0 - 30 * DAY,
                ..Spec::video("jingle.wav")
            },
        ],
    );
    lib.add_tags(&ids[..2], &strings(&["summer"]), T0).unwrap();
    lib.add_tags(&ids[..1], &strings(&["sale"]), T0).unwrap();
    lib.add_tags(&ids[2..3], &strings(&["basics"]), T0).unwrap();
    let set = |i: usize, v: Value| lib.set_metadata(SANDBOX_ACCOUNT, &[ids[i]], v.as_object().unwrap(), T0).unwrap();
    set(0, json!({"colour": "red", "price": 59, "launch_date": "2026-03-01", "sku": "DRS-0412-RED"}));
    set(1, json!({"colour": "navy", "price": 79.5, "on_sale": true}));
    set(2, json!({"colour": "white", "description": "Crisp cotton shirt"}));
    (d, lib)
}

fn names(lib: &Library, req: SearchRequest) -> Vec<String> {
    let req = SearchRequest { account: SANDBOX_ACCOUNT.into(), now: NOW, limit: 100, ..req };
    let mut out: Vec<String> = lib.search(&req).unwrap().hits.into_iter().map(|h| h.asset.name).collect();
    out.sort();
    out
}

fn text(lib: &Library, t: &str) -> Vec<String> {
    names(lib, SearchRequest { text: Some(t.into()), ..Default::default() })
}

fn filtered(lib: &Library, f: SearchFilters) -> Vec<String> {
    names(lib, SearchRequest { filters: f, ..Default::default() })
}

fn query(lib: &Library, q: &str) -> Vec<String> {
    let req = SearchRequest {
        remote_query: Some(q.into()),
        account: SANDBOX_ACCOUNT.into(),
        now: NOW,
        limit: 100,
        ..Default::default()
    };
    let mut out: Vec<String> =
        lib.search(&req).unwrap_or_else(|e| panic!("{q}: {e}")).hits.into_iter().map(|h| h.asset.name).collect();
    out.sort();
    out
}

fn query_err(lib: &Library, q: &str) -> String {
    let req = SearchRequest {
        remote_query: Some(q.into()),
        account: SANDBOX_ACCOUNT.into(),
        now: NOW,
        limit: 10,
        ..Default::default()
    };
    invalid(lib.search(&req).unwrap_err())
}

const RED: &str = "dress-red-front.mp4";
const NAVY: &str = "dress-navy-back.jpg";
const SHIRT: &str = "shirt-white.mov";
const JINGLE: &str = "jingle.wav";

fn set(v: &[&str]) -> Vec<String> {
    let mut v = strings(v);
    v.sort();
    v
}

#[test]
fn free_text_covers_name_tags_metadata_and_folder_with_prefixes() {
    let (_d, lib) = library();
    assert_eq!(text(&lib, "dress"), set(&[RED, NAVY]));
    assert_eq!(text(&lib, "dre"), set(&[RED, NAVY]), "last word is a prefix");
    assert_eq!(text(&lib, "navy"), set(&[NAVY]));
    assert_eq!(text(&lib, "summer"), set(&[RED, NAVY]), "tags");
    assert_eq!(text(&lib, "cotton"), set(&[SHIRT]), "metadata values");
    assert_eq!(text(&lib, "shirts"), set(&[SHIRT]), "folder");
    assert_eq!(text(&lib, "DRS-0412"), set(&[RED]), "punctuation splits words");
    assert_eq!(text(&lib, "dress summer sale"), set(&[RED]), "every word must match");
    assert!(text(&lib, "gown").is_empty());
    assert_eq!(text(&lib, "  ~~ "), set(&[RED, NAVY, SHIRT, JINGLE]), "no words: no text condition");
}

#[test]
fn filters_each_narrow_the_results() {
    let (_d, lib) = library();
    assert_eq!(
        filtered(&lib, SearchFilters { kinds: vec![AssetKind::Video], ..Default::default() }),
        set(&[RED, SHIRT])
    );
    assert_eq!(filtered(&lib, SearchFilters { tags: strings(&["summer", "sale"]), ..Default::default() }), set(&[RED]));
    let folder =
        |sub| SearchFilters { folder: Some("products/dresses".into()), include_subfolders: sub, ..Default::default() };
    assert_eq!(filtered(&lib, folder(false)), set(&[RED]));
    assert_eq!(filtered(&lib, folder(true)), set(&[RED, NAVY]));
    assert_eq!(filtered(&lib, SearchFilters { min_duration_s: Some(10.0), ..Default::default() }), set(&[RED, SHIRT]));
    assert_eq!(filtered(&lib, SearchFilters { max_duration_s: Some(10.0), ..Default::default() }), set(&[JINGLE]));
    assert_eq!(
        filtered(&lib, SearchFilters { min_size: Some(1 << 20), max_size: Some(10 << 20), ..Default::default() }),
        set(&[RED, JINGLE])
    );
    assert_eq!(filtered(&lib, SearchFilters { min_width: Some(1000), ..Default::default() }), set(&[RED, SHIRT]));
    assert_eq!(filtered(&lib, SearchFilters { max_height: Some(1080), ..Default::default() }), set(&[RED]));
    assert_eq!(
        filtered(&lib, SearchFilters { statuses: vec![sr_library::AssetStatus::Missing], ..Default::default() }),
        Vec::<String>::new()
    );
}

#[test]
fn search_query_compiles_every_offline_field_and_operator() {
    let (_d, lib) = library();
    let cases: &[(&str, &[&str])] = &[
        (r#"name = "shirt-white.mov""#, &[SHIRT]),
        (r#"name : "dress""#, &[RED, NAVY]),
        (r#"name : "Dress""#, &[]),
        (r#"name IN ["jingle.wav", "shirt-white.mov"]"#, &[SHIRT, JINGLE]),
        (r#"name NOT = "jingle.wav""#, &[RED, NAVY, SHIRT]),
        (r#"name NOT IN ["jingle.wav", "shirt-white.mov"]"#, &[RED, NAVY]),
        (r#"name HAS "NAVY ba""#, &[NAVY]),
        (r#"tags IN ["sale", "basics"]"#, &[RED, SHIRT]),
        (r#"tags NOT IN ["summer"]"#, &[SHIRT, JINGLE]),
        (r#"tags HAS "summ""#, &[RED, NAVY]),
        ("tags EXISTS", &[RED, NAVY, SHIRT]),
        ("tags NOT EXISTS", &[JINGLE]),
        (r#"type = "file""#, &[RED, NAVY, SHIRT, JINGLE]),
        (r#"type = "folder""#, &[]),
        (r#"type NOT = "file""#, &[]),
        (r#"type IN ["file-version", "file"]"#, &[RED, NAVY, SHIRT, JINGLE]),
        (r#"createdAt >= "15d""#, &[SHIRT]),
        (r#"createdAt = "2026-01-02""#, &[NAVY]),
        (r#"createdAt < "2026-01-01""#, &[JINGLE]),
        (r#"createdAt <= "2026-01-01""#, &[RED, JINGLE]),
        (r#"createdAt > "2026-01-01""#, &[NAVY, SHIRT]),
        (r#"createdAt IN ["2026-01-02", "2026-01-11"]"#, &[NAVY, SHIRT]),
        (r#"createdAt NOT = "2026-01-01""#, &[NAVY, SHIRT, JINGLE]),
        (r#"updatedAt >= "2026-01-01T00:00:00""#, &[RED, NAVY, SHIRT]),
        ("width > 1000", &[RED, SHIRT]),
        ("height <= 1080", &[RED]),
        ("width NOT = 1920", &[NAVY, SHIRT, JINGLE]),
        ("width IN [800, 3840]", &[NAVY, SHIRT]),
        ("width NOT IN [800]", &[RED, SHIRT, JINGLE]),
        ("height >= 1200", &[NAVY, SHIRT]),
        ("width < 1000", &[NAVY]),
        (r#"size > "10mb""#, &[SHIRT]),
        ("size < 1000000", &[NAVY]),
        (r#"size = "2mb""#, &[JINGLE]),
        (r#"format = "jpg""#, &[NAVY]),
        (r#"format IN ["mp4", "MOV"]"#, &[RED, SHIRT]),
        (r#"path = "/products/dresses/""#, &[RED]),
        (r#"path : "/products""#, &[RED, NAVY, SHIRT]),
        (r#"path IN ["products/shirts"]"#, &[SHIRT]),
        (r#"path NOT = "/""#, &[RED, NAVY, SHIRT]),
        (r#"path NOT IN ["/", "/products/shirts/"]"#, &[RED, NAVY]),
        (r#""customMetadata.price" > 60"#, &[NAVY]),
        (r#""customMetadata.price" <= 59"#, &[RED]),
        (r#""customMetadata.price" IN [59, 100]"#, &[RED]),
        (r#""customMetadata.price" NOT = 59"#, &[NAVY, SHIRT, JINGLE]),
        (r#""customMetadata.colour" IN ["red", "white"]"#, &[RED, SHIRT]),
        (r#""customMetadata.colour" NOT = "red""#, &[NAVY, SHIRT, JINGLE]),
        (r#""customMetadata.colour" : "wh""#, &[SHIRT]),
        (r#""customMetadata.on_sale" = true"#, &[NAVY]),
        (r#""customMetadata.launch_date" < "2026-03-02""#, &[RED]),
        (r#""customMetadata.launch_date" = "2026-03-01""#, &[RED]),
        (r#""customMetadata.launch_date" > "2026-03-01""#, &[]),
        (r#""customMetadata.sku" : "DRS""#, &[RED]),
        (r#""customMetadata.description" HAS "COTT""#, &[SHIRT]),
        (r#""customMetadata.description" HAS "shirt crisp""#, &[SHIRT]),
        (r#""customMetadata.price" EXISTS"#, &[RED, NAVY]),
        (r#""customMetadata.price" NOT EXISTS"#, &[SHIRT, JINGLE]),
        (r#""customMetadata.size" = "M""#, &[RED, NAVY, SHIRT]),
        (r#"(tags IN ["summer"] OR format = "mov") AND size > "1mb""#, &[RED, SHIRT]),
    ];
    for (q, want) in cases {
        assert_eq!(query(&lib, q), set(want), "{q}");
    }
}

#[test]
fn remote_only_fields_and_bad_queries_are_refused_clearly() {
    let (_d, lib) = library();
    let msg = query_err(&lib, r#""embeddedMetadata.Keywords" IN ["x"]"#);
    assert!(msg.contains("embeddedMetadata.Keywords is only known to the remote library"), "{msg}");
    assert!(query_err(&lib, "private = true").contains("private is only known to the remote"));
    assert!(query_err(&lib, r#"createdBy = "a@b.c""#).contains("only known to the remote"));
    assert_eq!(
        query_err(&lib, "createdAt > 2020"),
        "Invalid search query - createdAt field must have a valid date value. Make sure the value is enclosed within quotes. Please refer to the documentation for syntax specification."
    );
    assert!(query_err(&lib, r#""customMetadata.brand" = "x""#).contains("customMetadata.brand"));
    assert!(query_err(&lib, r#""customMetadata.on_sale" > true"#).contains("does not support"));
    assert!(query_err(&lib, r#"name = "x" AND"#).starts_with("Invalid search query"));
}

#[test]
fn text_filters_and_query_combine_sort_and_page_with_total() {
    let (_d, lib) = library();
    let req = SearchRequest {
        sort: Sort { key: SortKey::Size, descending: true },
        offset: 1,
        limit: 2,
        account: SANDBOX_ACCOUNT.into(),
        now: NOW,
        ..Default::default()
    };
    let page = lib.search(&req).unwrap();
    assert_eq!(page.total, 4);
    let got: Vec<&str> = page.hits.iter().map(|h| h.asset.name.as_str()).collect();
    assert_eq!(got, [RED, JINGLE]);
    assert_eq!(page.hits[0].tags, strings(&["summer", "sale"]));

    let req = SearchRequest {
        text: Some("dress".into()),
        filters: SearchFilters { kinds: vec![AssetKind::Image, AssetKind::Video], ..Default::default() },
        remote_query: Some(r#""customMetadata.price" > 50"#.into()),
        sort: Sort { key: SortKey::Relevance, descending: false },
        account: SANDBOX_ACCOUNT.into(),
        now: NOW,
        limit: 1,
        ..Default::default()
    };
    let page = lib.search(&req).unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.hits.len(), 1);
}

#[test]
fn search_index_follows_tag_renames_and_metadata_edits() {
    let (_d, lib) = library();
    lib.rename_tag("summer", "resort", T0 + 1).unwrap();
    assert!(text(&lib, "summer").is_empty());
    assert_eq!(text(&lib, "resort"), set(&[RED, NAVY]));
    assert_eq!(query(&lib, r#"tags IN ["resort"]"#), set(&[RED, NAVY]));
    let id = lib.search(&SearchRequest { text: Some("jingle".into()), limit: 1, ..Default::default() }).unwrap().hits
        [0]
    .asset
    .id;
    lib.set_metadata(SANDBOX_ACCOUNT, &[id], json!({"sku": "SND-001"}).as_object().unwrap(), T0).unwrap();
    assert_eq!(text(&lib, "snd"), set(&[JINGLE]));
    assert_eq!(query(&lib, r#""customMetadata.sku" = "SND-001""#), set(&[JINGLE]));
}

#[test]
fn saved_searches_round_trip() {
    let (_d, lib) = open();
    lib.save_search("Summer videos", r#"{"text":"summer"}"#, T0).unwrap();
    lib.save_search("Summer videos", r#"{"text":"summer","kinds":["video"]}"#, T0).unwrap();
    lib.save_search("Big", r#"{"remote_query":"size > \"10mb\""}"#, T0).unwrap();
    let all = lib.saved_searches().unwrap();
    assert_eq!(all.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["Big", "Summer videos"]);
    assert_eq!(lib.saved_search("Summer videos").unwrap(), r#"{"text":"summer","kinds":["video"]}"#);
    lib.delete_saved_search("Big").unwrap();
    assert!(matches!(lib.saved_search("Big").unwrap_err(), sr_library::OrganiseError::NotFound(_)));
    assert!(invalid(lib.save_search("  ", "{}", T0).unwrap_err()).contains("name"));
}

#[path = "../support/rng.rs"]
mod rng;
use rng::Rng;

const PRODUCTS: &[&str] = &["dress", "shirt", "jeans", "skirt", "jacket", "sneaker", "boot", "scarf", "hat", "bag"];
const COLOURS: &[&str] = &["black", "white", "red", "navy", "green", "beige", "multi"];
const CAMPAIGNS: &[&str] = &["summer", "winter", "sale", "new-in", "bestseller", "editorial"];
const SEASONS: &[&str] = &["SS25", "AW25", "SS26", "AW26", "SS27"];
const CHANNELS: &[&str] = &["shop", "app", "social"];

/// 3,000 assets with tags, metadata (a list field among them) and folders: enough for every plan
/// the search planner chooses between (sets listed or tested per asset, row conditions driving,
/// pages read in index order or collected and sorted).
fn planner_library() -> (tempfile::TempDir, Library) {
    let (d, lib) = open();
    let mut defs = lib.metadata_fields(SANDBOX_ACCOUNT).unwrap();
    let mut channels = serde_json::to_value(&defs[3]).unwrap();
    channels["id"] = "planner-channels".into();
    channels["name"] = "channels".into();
    channels["label"] = "Channels".into();
    channels["schema"]["type"] = "MultiSelect".into();
    channels["schema"]["selectOptions"] = json!(CHANNELS);
    defs.push(serde_json::from_value(channels).unwrap());
    lib.replace_metadata_fields("planner", &defs).unwrap();

    let mut rng = Rng(7);
    let mut assets = Vec::new();
    for i in 0..3000usize {
        let product = rng.pick(PRODUCTS);
        let colour = rng.pick(COLOURS);
        let video = rng.below(3) == 0;
        let ext = if video { ["mp4", "MOV"][rng.below(2)] } else { ["jpg", "PNG", "jpeg"][rng.below(3)] };
        let mut a = Spec {
            name: "x",
            kind: if video { AssetKind::Video } else { AssetKind::Image },
            folder: "/",
            size: if video { 2_000_000 + rng.next() % 200_000_000 } else { 100_000 + rng.next() % 8_000_000 },
            dims: [Some((1920, 1080)), Some((1080, 1920)), Some((800, 1200)), None][rng.below(4)],
            duration_s: (video && rng.below(5) > 0).then(|| 3.0 + (rng.next() % 1200) as f64 / 10.0),
            imported_at: T0 - (rng.next() % (400 * DAY as u64)) as i64,
            container: None,
        }
        .asset(i);
        a.name = format!("{product}-{colour}-{:04}.{ext}", i % 700);
        a.remote_folder = format!("/products/{product}/{}/", rng.pick(SEASONS));
        assets.push(a);
    }
    let ids = lib.insert_assets_for_tests(&assets).unwrap();
    let mut by_tags: std::collections::BTreeMap<Vec<String>, Vec<i64>> = Default::default();
    let mut by_meta: std::collections::BTreeMap<String, Vec<i64>> = Default::default();
    for (a, &id) in assets.iter().zip(&ids) {
        let product = a.name.split('-').next().unwrap().to_owned();
        let mut tags = vec![rng.pick(CAMPAIGNS).to_owned()];
        if rng.below(3) > 0 {
            tags.push(product.clone());
        }
        if rng.below(4) == 0 {
            tags.push(rng.pick(CAMPAIGNS).to_owned());
        }
        tags.dedup();
        by_tags.entry(tags).or_default().push(id);
        if rng.below(10) < 8 {
            let mut meta = json!({
                "price": (rng.below(40) * 5 + 9) as f64 + 0.99,
                "colour": a.name.split('-').nth(1).unwrap(),
                "season": rng.pick(SEASONS),
            });
            if rng.below(2) == 0 {
                let n = 1 + rng.below(3);
                meta["channels"] = json!(CHANNELS[..n]);
            }
            if rng.below(4) == 0 {
                meta["description"] = json!(format!("Crisp {product} in organic cotton"));
            }
            by_meta.entry(meta.to_string()).or_default().push(id);
        }
    }
    for (tags, ids) in by_tags {
        lib.add_tags(&ids, &tags, T0).unwrap();
    }
    for (meta, ids) in by_meta {
        let m: serde_json::Map<String, Value> = serde_json::from_str(&meta).unwrap();
        lib.set_metadata("planner", &ids, &m, T0).unwrap();
    }
    (d, lib)
}

#[test]
fn planned_search_returns_exactly_what_one_plain_query_returns() {
    let (_d, lib) = planner_library();
    let base = SearchRequest { account: "planner".into(), now: NOW, limit: 20, ..Default::default() };
    let tags = |t: &[&str]| SearchFilters { tags: strings(t), ..Default::default() };
    let mut requests: Vec<SearchRequest> = vec![
        SearchRequest { ..base.clone() },
        SearchRequest { text: Some("dress".into()), ..base.clone() },
        SearchRequest { text: Some("dre".into()), ..base.clone() },
        SearchRequest { text: Some("red dress".into()), ..base.clone() },
        SearchRequest { text: Some("navy".into()), filters: tags(&["sale"]), ..base.clone() },
        SearchRequest { text: Some("cotton".into()), remote_query: Some("width >= 1000".into()), ..base.clone() },
        SearchRequest { filters: tags(&["sale"]), ..base.clone() },
        SearchRequest { filters: tags(&["summer", "dress"]), ..base.clone() },
        SearchRequest { filters: tags(&["no-such-tag"]), ..base.clone() },
        SearchRequest {
            filters: SearchFilters {
                folder: Some("/products/dress".into()),
                include_subfolders: true,
                kinds: vec![AssetKind::Video],
                ..Default::default()
            },
            ..base.clone()
        },
        SearchRequest {
            filters: SearchFilters {
                folder: Some("/products/hat/SS26".into()),
                tags: strings(&["winter"]),
                ..Default::default()
            },
            ..base.clone()
        },
        SearchRequest {
            filters: SearchFilters {
                min_duration_s: Some(10.0),
                max_duration_s: Some(60.0),
                min_size: Some(5_000_000),
                tags: strings(&["bestseller"]),
                ..Default::default()
            },
            ..base.clone()
        },
    ];
    let queries = [
        r#"tags IN ["sale"] AND format = "mp4""#,
        r#"tags IN ["sale", "summer"]"#,
        r#"tags IN ["sale", "summer"] AND tags IN ["dress"]"#,
        r#"tags NOT IN ["sale"] AND "customMetadata.colour" = "red""#,
        r#""customMetadata.price" > 60 AND "customMetadata.colour" = "navy""#,
        r#""customMetadata.price" > 150"#,
        r#""customMetadata.price" <= 20 AND width >= 1920"#,
        r#""customMetadata.season" IN ["SS26", "AW26"] AND path : "/products/dress""#,
        r#""customMetadata.season" IN ["SS26", "AW26"] AND "customMetadata.channels" IN ["app", "social"]"#,
        r#""customMetadata.channels" IN ["social"]"#,
        r#""customMetadata.channels" IN ["shop"] AND tags IN ["editorial"]"#,
        r#""customMetadata.description" HAS "cott" AND tags IN ["sale"]"#,
        r#""customMetadata.channels" EXISTS AND "customMetadata.price" < 100"#,
        r#"("customMetadata.colour" = "red" OR tags IN ["winter"]) AND size > "5mb""#,
        r#"createdAt >= "60d" AND size > "5mb""#,
        r#"name : "dress-red" AND width >= 1920"#,
        r#"name HAS "jacket" AND tags IN ["sale"]"#,
        r#"tags HAS "best" AND format IN ["jpg", "png"]"#,
        r#"tags EXISTS AND height < 1500"#,
    ];
    for q in queries {
        requests.push(SearchRequest { remote_query: Some(q.into()), ..base.clone() });
        requests.push(SearchRequest { remote_query: Some(q.into()), text: Some("black".into()), ..base.clone() });
    }
    let sorts = [
        Sort::default(),
        Sort { key: SortKey::Relevance, descending: false },
        Sort { key: SortKey::Name, descending: false },
        Sort { key: SortKey::Size, descending: true },
        Sort { key: SortKey::Duration, descending: false },
        Sort { key: SortKey::Duration, descending: true },
        Sort { key: SortKey::Width, descending: true },
        Sort { key: SortKey::UpdatedAt, descending: false },
    ];
    let mut checked = 0;
    let mut seen_totals = std::collections::BTreeSet::new();
    for req in &requests {
        for (i, sort) in sorts.iter().enumerate() {
            for (offset, limit) in [(0, 20), (35, 7), (0, 1), (400, 100), (5000, 10)] {
                if i > 1 && offset != 0 && limit != 7 {
                    continue;
                }
                let req = SearchRequest { sort: *sort, offset, limit, ..req.clone() };
                let planned = lib.search(&req).unwrap();
                let plain = lib.search_unplanned(&req).unwrap();
                assert_eq!(planned.total, plain.total, "{req:?}");
                let ids = |p: &sr_library::SearchPage| {
                    p.hits.iter().map(|h| (h.asset.id, h.tags.clone())).collect::<Vec<_>>()
                };
                assert_eq!(ids(&planned), ids(&plain), "{req:?}");
                seen_totals.insert(planned.total);
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "{checked}");
    // The library exercises small, middling and large results.
    assert!(seen_totals.iter().any(|&t| t == 0) && seen_totals.iter().any(|&t| t > 1000), "{seen_totals:?}");
}

//! Organisation benchmark on a generated 100,000-asset library (direct inserts, realistic names,
//! tags, metadata and folders): search latency p50/p95 over a mix of ~200 queries (text, tag
//! filter, folder, ranges, searchQuery) and the time to tag 10,000 assets in one batch, printed
//! next to a naive `LIKE '%x%'` scan of the same table measured in the same run.
//!
//! Run: `cargo bench -p sr-library --bench organise` (ASSETS=20000 for a quicker run).
//! Targets (issue 5): search p95 <= 20 ms, tagging 10,000 assets <= 1 s.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use sr_library::{
    Asset, AssetKind, AssetStatus, Library, SANDBOX_ACCOUNT, SearchFilters, SearchRequest, Sort, SortKey,
};

const PRODUCTS: &[&str] = &[
    "dress", "shirt", "blouse", "jeans", "skirt", "jacket", "coat", "sneaker", "boot", "sandal", "scarf", "hat", "bag",
    "belt", "sweater", "hoodie", "shorts", "trousers", "blazer", "cardigan",
];
const COLOURS: &[&str] = &["black", "white", "red", "navy", "green", "beige", "multi"];
const VIEWS: &[&str] = &["front", "back", "side", "detail", "model", "flatlay", "360", "walk"];
const SEASONS: &[&str] = &["SS25", "AW25", "SS26", "AW26", "SS27"];
const SIZES: &[&str] = &["XS", "S", "M", "L", "XL", "XXL"];
const CAMPAIGNS: &[&str] = &["summer", "winter", "sale", "new-in", "bestseller", "editorial", "lookbook", "clearance"];

#[path = "../tests/support/rng.rs"]
mod rng;
use rng::Rng;

const T0: i64 = 1_767_225_600;

fn generate(lib: &Library, n: usize) -> Vec<i64> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut assets = Vec::with_capacity(n);
    for i in 0..n {
        let product = rng.pick(PRODUCTS);
        let colour = rng.pick(COLOURS);
        let view = rng.pick(VIEWS);
        let video = rng.below(3) == 0;
        let ext = if video {
            "mp4"
        } else if rng.below(4) == 0 {
            "png"
        } else {
            "jpg"
        };
        let season = rng.pick(SEASONS);
        let (w, h) = if video {
            [(1920, 1080), (1080, 1920), (3840, 2160)][rng.below(3)]
        } else {
            [(2000, 3000), (1200, 1200), (800, 1200)][rng.below(3)]
        };
        assets.push(Asset {
            id: 0,
            path: PathBuf::from(format!("/photos/{season}/{product}/{i}.{ext}")),
            name: format!("{product}-{colour}-{view}-{:05}.{ext}", i % 100_000),
            size: if video { 2_000_000 + rng.next() % 200_000_000 } else { 100_000 + rng.next() % 8_000_000 },
            mtime_ns: 0,
            sample_hash: format!("s{i}"),
            full_hash: format!("{i:064x}"),
            kind: if video { AssetKind::Video } else { AssetKind::Image },
            container: Some(if video { "mov,mp4,m4a,3gp,3g2,mj2" } else { "image2" }.into()),
            video_codec: None,
            audio_codec: None,
            width: Some(w),
            height: Some(h),
            rotation: 0,
            duration_s: video.then(|| 3.0 + (rng.next() % 1200) as f64 / 10.0),
            frame_rate: None,
            bit_rate: None,
            thumb_path: None,
            status: AssetStatus::Local,
            status_detail: None,
            remote_folder: format!("/products/{product}/{season}/"),
            imported_at: T0 - (rng.next() % (400 * 86_400)) as i64,
            updated_at: T0,
        });
    }
    let ids = lib.insert_assets_for_tests(&assets).unwrap();

    // Tags and metadata are written through the real batch APIs, grouped so each call shares values.
    let mut by_tags: std::collections::HashMap<Vec<String>, Vec<i64>> = Default::default();
    let mut by_meta: std::collections::HashMap<String, Vec<i64>> = Default::default();
    for (a, &id) in assets.iter().zip(&ids) {
        let product = a.name.split('-').next().unwrap().to_owned();
        let colour = a.name.split('-').nth(1).unwrap().to_owned();
        let mut tags = vec![product.clone(), rng.pick(CAMPAIGNS).to_owned()];
        if rng.below(2) == 0 {
            tags.push(format!("{}-{colour}", rng.pick(CAMPAIGNS)));
        }
        by_tags.entry(tags).or_default().push(id);
        if rng.below(10) < 7 {
            let season = a.remote_folder.split('/').nth(3).unwrap_or("SS26");
            let meta = json!({
                "sku": format!("{}-{:04}-{}", &product[..3].to_uppercase(), rng.below(200), &colour[..3].to_uppercase()),
                "price": (rng.below(40) * 5 + 9) as f64 + 0.99,
                "colour": colour,
                "season": season,
                "size": rng.pick(SIZES),
            });
            by_meta.entry(meta.to_string()).or_default().push(id);
        }
    }
    for (tags, ids) in by_tags {
        lib.add_tags(&ids, &tags, T0).unwrap();
    }
    for (meta, ids) in by_meta {
        let m: Map<String, Value> = serde_json::from_str(&meta).unwrap();
        lib.set_metadata(SANDBOX_ACCOUNT, &ids, &m, T0).unwrap();
    }
    ids
}

fn queries() -> Vec<(&'static str, SearchRequest)> {
    let mut rng = Rng(42);
    let base = SearchRequest { limit: 100, account: SANDBOX_ACCOUNT.into(), now: T0, ..Default::default() };
    let mut out = Vec::new();
    for i in 0..200 {
        let product = rng.pick(PRODUCTS);
        let colour = rng.pick(COLOURS);
        let req = match i % 10 {
            0 => (
                "text",
                SearchRequest {
                    text: Some(format!("{product} {colour}")),
                    sort: Sort { key: SortKey::Relevance, descending: false },
                    ..base.clone()
                },
            ),
            1 => ("text prefix", SearchRequest { text: Some(product[..3].to_owned()), ..base.clone() }),
            2 => (
                "tag filter",
                SearchRequest {
                    filters: SearchFilters { tags: vec![rng.pick(CAMPAIGNS).into()], ..Default::default() },
                    ..base.clone()
                },
            ),
            3 => (
                "folder+kind",
                SearchRequest {
                    filters: SearchFilters {
                        folder: Some(format!("/products/{product}/")),
                        include_subfolders: true,
                        kinds: vec![AssetKind::Video],
                        ..Default::default()
                    },
                    ..base.clone()
                },
            ),
            4 => (
                "ranges",
                SearchRequest {
                    filters: SearchFilters {
                        min_duration_s: Some(10.0),
                        max_duration_s: Some(30.0),
                        min_size: Some(5_000_000),
                        ..Default::default()
                    },
                    sort: Sort { key: SortKey::Size, descending: true },
                    ..base.clone()
                },
            ),
            5 => (
                "query tags",
                SearchRequest {
                    remote_query: Some(format!(r#"tags IN ["{}"] AND format = "mp4""#, rng.pick(CAMPAIGNS))),
                    ..base.clone()
                },
            ),
            6 => (
                "query metadata",
                SearchRequest {
                    remote_query: Some(format!(
                        r#""customMetadata.price" > {} AND "customMetadata.colour" = "{colour}""#,
                        rng.below(150)
                    )),
                    ..base.clone()
                },
            ),
            7 => (
                "query dates+size",
                SearchRequest { remote_query: Some(r#"createdAt >= "30d" AND size > "5mb""#.into()), ..base.clone() },
            ),
            8 => (
                "query name",
                SearchRequest {
                    remote_query: Some(format!(r#"name : "{product}-{colour}" AND width >= 1920"#)),
                    ..base.clone()
                },
            ),
            _ => (
                "text+filter+query",
                SearchRequest {
                    text: Some(colour.into()),
                    filters: SearchFilters { kinds: vec![AssetKind::Image], ..Default::default() },
                    remote_query: Some(format!(
                        r#""customMetadata.season" IN ["SS26", "AW26"] AND path : "/products/{product}""#
                    )),
                    ..base.clone()
                },
            ),
        };
        out.push(req);
    }
    out
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let n: usize = std::env::var("ASSETS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(dir.path()).unwrap();
    let t = Instant::now();
    let ids = generate(&lib, n);
    println!("generated {n} assets with tags and metadata in {:.1} s", t.elapsed().as_secs_f64());

    let qs = queries();
    // Warm up page cache and statement caches once.
    for (_, q) in &qs {
        lib.search(q).unwrap();
    }
    let mut all = Vec::new();
    let mut per_kind: std::collections::BTreeMap<&str, Vec<Duration>> = Default::default();
    let mut hits = 0u64;
    for (kind, q) in &qs {
        let t = Instant::now();
        let page = lib.search(q).unwrap();
        let d = t.elapsed();
        hits += page.total;
        all.push(d);
        per_kind.entry(kind).or_default().push(d);
    }
    all.sort();

    // Reference: a naive scan of the same table, as a search box without an index would run it.
    let conn = rusqlite::Connection::open(dir.path().join("library.db")).unwrap();
    let mut naive = Vec::new();
    let mut rng = Rng(42);
    for _ in 0..qs.len() {
        let word = format!("%{}%", rng.pick(PRODUCTS));
        let _ = rng.pick(COLOURS);
        let t = Instant::now();
        let total: i64 =
            conn.query_row("SELECT COUNT(*) FROM assets WHERE name LIKE ?1", [&word], |r| r.get(0)).unwrap();
        let mut stmt = conn
            .prepare_cached("SELECT id FROM assets WHERE name LIKE ?1 ORDER BY imported_at DESC LIMIT 100")
            .unwrap();
        let page: Vec<i64> = stmt.query_map([&word], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        naive.push(t.elapsed());
        assert!(total as usize >= page.len());
    }
    naive.sort();

    println!("\nsearch over {n} assets, {} queries (mean {} matches per query):", all.len(), hits / all.len() as u64);
    println!(
        "  library search        p50 {:>10}   p95 {:>10}   max {:>10}   target p95 <= 20 ms",
        ms(pct(&all, 0.5)),
        ms(pct(&all, 0.95)),
        ms(*all.last().unwrap())
    );
    println!(
        "  naive LIKE '%x%' scan p50 {:>10}   p95 {:>10}   (reference, same run)",
        ms(pct(&naive, 0.5)),
        ms(pct(&naive, 0.95))
    );
    for (kind, mut v) in per_kind {
        v.sort();
        println!("    {kind:<18} p50 {:>10}   p95 {:>10}", ms(pct(&v, 0.5)), ms(pct(&v, 0.95)));
    }

    let batch: Vec<i64> = ids.iter().step_by((n / 10_000).max(1)).take(10_000).copied().collect();
    let t = Instant::now();
    let s = lib.add_tags(&batch, &["bench-batch".to_owned()], T0 + 1).unwrap();
    let tag_time = t.elapsed();
    let t = Instant::now();
    lib.undo_last(T0 + 2).unwrap();
    let undo_time = t.elapsed();
    println!(
        "\ntag {} assets in one batch: {}   (target <= 1000 ms); undo it: {}",
        s.assets,
        ms(tag_time),
        ms(undo_time)
    );
    let t = Instant::now();
    let sugg = lib.tag_suggestions("s", 10).unwrap();
    println!("tag autocomplete \"s\": {} ({} suggestions)", ms(t.elapsed()), sugg.len());
}

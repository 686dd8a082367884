//! The schema: every migration, in order. Each table's DDL lives beside its module (a
//! `MIGRATION_<n>` constant there); this list only orders it, and is the one place a migration is
//! told apart from the next. Entries are never edited once released: what migration N does to a
//! database is fixed (`migrations_are_unchanged` holds every migration's text to its hash).

use std::sync::LazyLock;

use rusqlite_migration::{M, Migrations};

use crate::{assets, folders, history, index, jobs, metadata, presets, search, sync, tags, watch};

/// Migration 2, offline organisation, in the order it was released: tags, custom metadata,
/// folders, the search index and the assets' sort indexes, saved searches, undo. One statement
/// list, so the upgrade is atomic; its hook seeds the sandbox's demo metadata fields.
static MIGRATION_2: LazyLock<String> = LazyLock::new(|| {
    [
        tags::MIGRATION_2,
        metadata::MIGRATION_2,
        folders::MIGRATION_2,
        index::MIGRATION_2,
        assets::MIGRATION_2,
        search::saved::MIGRATION_2,
        history::MIGRATION_2,
    ]
    .concat()
});

/// Migration 7, watched folders: remote operations may move a file, and the watch tables.
static MIGRATION_7: LazyLock<String> = LazyLock::new(|| [folders::MIGRATION_7, watch::MIGRATION_7].concat());

/// Migration 8, two-way sync: what an upload request added (kept apart from its snapshot), the push log generalised (intents naming their asset, `sending`),
/// then the sync tables, with the finished uploads linked.
static MIGRATION_8: LazyLock<String> =
    LazyLock::new(|| [jobs::MIGRATION_8, folders::MIGRATION_8, sync::MIGRATION_8].concat());

/// Every schema change is a new entry appended here.
pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(assets::MIGRATION_1),
        // Offline organisation: tags, custom metadata, folders, search, history (seeds sandbox fields).
        M::up_with_hook(MIGRATION_2.as_str(), metadata::migration_2_hook),
        // Upload queue (sr-uploads). Meant as index 3, after organisation's; appended here first.
        M::up(jobs::MIGRATION_3),
        // Channel presets (presets.rs): named transformations and the assets they were applied to.
        M::up(presets::MIGRATION_4),
        // Search probes one asset's metadata values by key (metadata.rs).
        M::up(metadata::MIGRATION_5),
        // Search counts a folder's assets by type from an index alone (assets.rs).
        M::up(assets::MIGRATION_6),
        // Watched folders (watch.rs), and remote operations that move one file (folders.rs).
        M::up(MIGRATION_7.as_str()),
        // Two-way sync (sync.rs): remote tree, links with their base, conflicts, runs, state; the
        // push log (folders.rs) carries intents.
        M::up_with_hook(MIGRATION_8.as_str(), sync::migration_8_hook),
    ])
}

pub(crate) fn migrations_count() -> i64 {
    // Keep in step with `migrations()`; checked by `migrations_count_matches`.
    8
}

#[cfg(test)]
mod tests {
    /// The SQL of every released migration, as released: moving a table's DDL to its module must
    /// not change a byte of what an existing library was (or will be) upgraded with.
    #[test]
    fn migrations_are_unchanged() {
        let texts = [
            crate::assets::MIGRATION_1,
            super::MIGRATION_2.as_str(),
            crate::jobs::MIGRATION_3,
            crate::presets::MIGRATION_4,
            crate::metadata::MIGRATION_5,
            crate::assets::MIGRATION_6,
            super::MIGRATION_7.as_str(),
            super::MIGRATION_8.as_str(),
        ];
        let hashes: Vec<String> = texts.iter().map(|t| blake3::hash(t.as_bytes()).to_hex().to_string()).collect();
        // BLAKE3 of each text as released (migration 2 as it was when `organise.rs` held it whole).
        let released = [
            "b468afa5a2f72d6dc12e48a179146e7bc282513e319e8148ea98ee2f1b6c5330",
            "d32d97259e1cd076bf47f9b36d180cb948e58f67493620509a33b24ea76c3fe1",
            "afed3a9d783ca28a21502136850f838f17006f400089c8301c29da78df461957",
            "72fd5302e8e243b83a71e4fc1a14ec519794b71887a92130f5c8418795d7e69c",
            "c5826dc32fc0f42a3c0f431c5f7c87f4597350b002311f59561319079340a809",
            "a9d0a967accd28c818f2418bcd70484d9e750c84142bab7b9160488140a45dd8",
            "349b43721cde894eebfe99c858bc00a25d34a50f76dca6c92cd5f778073741b1",
            "df430773a26f26ff5dd4e24da9af6e76421cd8e8bfb0dc70d3d4847373c2a4ea",
        ];
        assert_eq!(hashes, released);
    }
}

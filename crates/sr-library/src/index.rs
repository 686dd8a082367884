//! The search index `asset_fts` (FTS5 over name, tags, metadata values and folder) and its
//! upkeep. Name and folder follow `assets` by trigger; tags and metadata are written by edits, so
//! every edit batch refreshes what it changed here (through `edit`, the only commit path).

use rusqlite::{Connection, params};

use crate::metadata::{asset_metadata, searchable_text};
use crate::organise::{OrganiseError, ids_json};

/// Migration 2, the search index's part: the table, filled from the assets already there, and
/// the triggers that keep name and folder in step.
pub(crate) const MIGRATION_2: &str = r#"
-- Search (search.rs): full text over name, tags, metadata values and folder, kept in step with
-- assets by triggers (name, folder) and by the edit code (tags, metadata).
CREATE VIRTUAL TABLE asset_fts USING fts5(
    name, tags, meta, folder,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO asset_fts(rowid, name, tags, meta, folder) SELECT id, name, '', '', remote_folder FROM assets;
CREATE TRIGGER assets_fts_ins AFTER INSERT ON assets BEGIN
    INSERT INTO asset_fts(rowid, name, tags, meta, folder) VALUES (new.id, new.name, '', '', new.remote_folder);
END;
CREATE TRIGGER assets_fts_upd AFTER UPDATE OF name, remote_folder ON assets BEGIN
    UPDATE asset_fts SET name = new.name, folder = new.remote_folder WHERE rowid = new.id;
END;
CREATE TRIGGER assets_fts_del AFTER DELETE ON assets BEGIN
    DELETE FROM asset_fts WHERE rowid = old.id;
END;
"#;

/// Which column of the search index an edit changed (name and folder follow `assets` by trigger).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Indexed {
    Tags,
    Metadata,
    /// Both tags and metadata (a watched folder's defaults on a new asset).
    TagsAndMetadata,
    Nothing,
}

/// Keeps the tags or metadata column of the search index in step with the tables.
pub(crate) fn refresh_fts(tx: &Connection, ids: &[i64], what: Indexed) -> Result<(), OrganiseError> {
    if ids.is_empty() {
        return Ok(());
    }
    match what {
        Indexed::Nothing => {}
        Indexed::TagsAndMetadata => {
            refresh_fts(tx, ids, Indexed::Tags)?;
            refresh_fts(tx, ids, Indexed::Metadata)?;
        }
        // One statement for the whole batch: the lists are assembled in SQL, in tag order.
        Indexed::Tags => {
            tx.prepare_cached(
                "UPDATE asset_fts SET tags = ifnull((SELECT group_concat(t.name, ' ' ORDER BY at.position)
                     FROM asset_tags at JOIN tags t ON t.id = at.tag_id WHERE at.asset_id = asset_fts.rowid), '')
                 WHERE rowid IN (SELECT value FROM json_each(?1))",
            )?
            .execute([ids_json(ids)])?;
        }
        Indexed::Metadata => {
            let mut upd = tx.prepare_cached("UPDATE asset_fts SET meta = ?1 WHERE rowid = ?2")?;
            for &id in ids {
                upd.execute(params![searchable_text(&asset_metadata(tx, id)?), id])?;
            }
        }
    }
    Ok(())
}

//! Opening the library database: pragmas on every open, migrations to the latest schema.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{M, Migrations};

use crate::LibraryError;

/// Every schema change is a new entry appended here; entries are never edited once released.
/// Table modules own their SQL; this list only orders it.
fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(crate::assets::MIGRATION_1),
        // Offline organisation: tags, custom metadata, folders, search, history (seeds sandbox fields).
        M::up_with_hook(crate::organise::MIGRATION_2, crate::organise::migration_2_hook),
        // Upload queue (sr-uploads). Meant as index 3, after organisation's; appended here first.
        M::up(crate::jobs::MIGRATION_3),
        // Channel presets (presets.rs): named transformations and the assets they were applied to.
        M::up(crate::presets::MIGRATION_4),
    ])
}

pub(crate) fn open(path: &Path) -> Result<Connection, LibraryError> {
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| LibraryError::Open { path: path.to_owned(), source: e })?;
    configure(&mut conn)?;
    migrations().to_latest(&mut conn).map_err(|e| LibraryError::Migration(e.to_string()))?;
    Ok(conn)
}

pub(crate) fn open_reader(path: &Path) -> Result<Connection, LibraryError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| LibraryError::Open { path: path.to_owned(), source: e })?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

fn configure(conn: &mut Connection) -> Result<(), LibraryError> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // In WAL mode NORMAL cannot corrupt the database; a power cut may lose the last commits only.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        super::migrations().validate().unwrap();
    }
}

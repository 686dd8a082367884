//! Saved searches: `saved_searches`, a name and the caller's JSON form of a request.

use rusqlite::{OptionalExtension, params};

use crate::Library;
use crate::organise::OrganiseError;

/// Migration 2, saved searches' part.
pub(crate) const MIGRATION_2: &str = r#"CREATE TABLE saved_searches (
    name       TEXT    PRIMARY KEY,
    query      TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
"#;

impl Library {
    /// Saves (or replaces) a named search; `query` is the caller's JSON form of the request.
    pub fn save_search(&self, name: &str, query: &str, now: i64) -> Result<(), OrganiseError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(OrganiseError::invalid("Give the search a name."));
        }
        self.edit(|tx| {
            tx.execute(
                "INSERT INTO saved_searches (name, query, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(name) DO UPDATE SET query = excluded.query",
                params![name, query, now],
            )?;
            Ok(())
        })
    }

    /// Saved searches `(name, query JSON)`, by name.
    pub fn saved_searches(&self) -> Result<Vec<(String, String)>, OrganiseError> {
        self.look(|c| {
            let mut stmt = c.prepare("SELECT name, query FROM saved_searches ORDER BY name")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// One saved search's query JSON.
    pub fn saved_search(&self, name: &str) -> Result<String, OrganiseError> {
        self.look(|c| {
            c.query_row("SELECT query FROM saved_searches WHERE name = ?1", [name], |r| r.get(0))
                .optional()?
                .ok_or_else(|| OrganiseError::NotFound(format!("There is no saved search called \"{name}\".")))
        })
    }

    pub fn delete_saved_search(&self, name: &str) -> Result<(), OrganiseError> {
        self.edit(|tx| {
            if tx.execute("DELETE FROM saved_searches WHERE name = ?1", [name])? == 0 {
                return Err(OrganiseError::NotFound(format!("There is no saved search called \"{name}\".")));
            }
            Ok(())
        })
    }
}

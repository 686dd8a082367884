//! The local library: SQLite schema and migrations, assets, content identity, import.

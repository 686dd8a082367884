//! Folder requests: placing assets in a folder, and creating, renaming and moving folders
//! offline (each queued as a remote operation for two-way sync). Rows are the `folders` table's;
//! each request is one batch, committed by `edit`.

use rusqlite::{Transaction, params};
use serde_json::{Value, json};
use sr_imagekit::names::{sanitize_folder_name, sanitize_rename_folder_name};

use crate::Library;
use crate::edit::{Batch, Push};
use crate::folders::{RemoteOpKind, ancestors, folder, folder_known, move_rows, parent_and_name, prefix_end, queue};
use crate::history::Inverse;
use crate::index::Indexed;
use crate::organise::{EditSummary, OrganiseError, asset_names, distinct_ids};

/// Rewrites every folder row and asset folder under `old` to sit under `new`, recording inverses.
fn relocate(
    tx: &Transaction<'_>,
    account: &str,
    old: &str,
    new: &str,
    inverse: &mut Vec<Inverse>,
) -> Result<Vec<i64>, OrganiseError> {
    let (rows, added) = move_rows(tx, account, old, new)?;
    let end = prefix_end(old);
    let assets: Vec<(i64, String)> = {
        let mut stmt =
            tx.prepare("SELECT id, remote_folder FROM assets WHERE remote_folder >= ?1 AND remote_folder < ?2")?;
        stmt.query_map(params![old, end], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?
    };
    let mut upd = tx.prepare_cached("UPDATE assets SET remote_folder = ?1 WHERE id = ?2")?;
    for (id, f) in &assets {
        upd.execute(params![format!("{new}{}", &f[old.len()..]), id])?;
        inverse.push(Inverse::SetFolder { asset_id: *id, folder: f.clone() });
    }
    inverse.push(Inverse::Folders { account: account.to_owned(), added, removed: rows });
    Ok(assets.into_iter().map(|(id, _)| id).collect())
}

impl Library {
    /// Places assets in a remote folder (created on the remote by their upload if missing).
    pub fn set_folder(&self, ids: &[i64], folder_path: &str, now: i64) -> Result<EditSummary, OrganiseError> {
        let ids = distinct_ids(ids)?;
        let target = folder(folder_path)?;
        self.batch(now, |tx| {
            asset_names(tx, &ids)?;
            let mut get = tx.prepare_cached("SELECT remote_folder FROM assets WHERE id = ?1")?;
            let mut upd = tx.prepare_cached("UPDATE assets SET remote_folder = ?1 WHERE id = ?2")?;
            let mut inverse = Vec::new();
            let mut changed = Vec::new();
            for &id in &ids {
                let cur: String = get.query_row([id], |r| r.get(0))?;
                if cur == target {
                    continue;
                }
                upd.execute(params![target, id])?;
                inverse.push(Inverse::SetFolder { asset_id: id, folder: cur });
                changed.push(id);
            }
            let n = changed.len();
            let description =
                format!("Moved {} to {target}", if n == 1 { "1 asset".to_owned() } else { format!("{n} assets") });
            // The folder column of the search index follows assets.remote_folder by trigger.
            Ok(Batch { changed, inverse, description, indexed: Indexed::Nothing, push: Push::Derive })
        })
    }

    /// Creates a folder offline; the remote gets it at the next sync. Returns the new path.
    pub fn create_folder(
        &self,
        account: &str,
        parent: &str,
        name: &str,
        now: i64,
    ) -> Result<(String, EditSummary), OrganiseError> {
        let parent = folder(parent)?;
        let name = sanitize_folder_name(name.trim());
        if name.is_empty() {
            return Err(OrganiseError::invalid("Type a name for the new folder."));
        }
        let path = folder(&format!("{parent}{name}"))?;
        let summary = self.batch(now, |tx| {
            if folder_known(tx, account, &path)? {
                return Err(OrganiseError::invalid(format!("There is already a folder {path}. Choose another name.")));
            }
            let mut added = Vec::new();
            for a in ancestors(&path) {
                let n = tx.execute(
                    "INSERT OR IGNORE INTO folders (account, path, origin) VALUES (?1, ?2, 'local')",
                    params![account, a],
                )?;
                if n > 0 {
                    added.push(a);
                }
            }
            let op = queue(
                tx,
                account,
                RemoteOpKind::CreateFolder,
                &json!({"folderName": name, "parentFolderPath": parent}),
                now,
            )?;
            let inverse = vec![
                Inverse::Folders { account: account.to_owned(), added, removed: Vec::new() },
                Inverse::CancelRemoteOp { id: op },
            ];
            Ok(Batch {
                changed: Vec::new(),
                inverse,
                description: format!("Created folder {path}"),
                indexed: Indexed::Nothing,
                push: Push::FolderOp,
            })
        })?;
        Ok((path, summary))
    }

    /// Renames a folder offline (its subfolders and assets follow); the remote gets it at sync.
    pub fn rename_folder(
        &self,
        account: &str,
        path: &str,
        new_name: &str,
        now: i64,
    ) -> Result<(String, EditSummary), OrganiseError> {
        let old = folder(path)?;
        let Some((parent, old_name)) = parent_and_name(&old) else {
            return Err(OrganiseError::invalid("The top folder (/) cannot be renamed."));
        };
        let name = sanitize_rename_folder_name(new_name.trim());
        if name.is_empty() {
            return Err(OrganiseError::invalid("Type the folder's new name."));
        }
        let new = folder(&format!("{parent}{name}"))?;
        if new == old {
            return Err(OrganiseError::invalid(format!("The folder is already called \"{old_name}\".")));
        }
        let args = json!({"folderPath": old.trim_end_matches('/'), "newFolderName": name, "purgeCache": false});
        self.relocate_folder(
            account,
            &old,
            &new,
            RemoteOpKind::RenameFolder,
            args,
            format!("Renamed folder {old} to {new}"),
            now,
        )
        .map(|s| (new, s))
    }

    /// Moves a folder into another offline (`/a/b/` into `/c/` gives `/c/b/`).
    pub fn move_folder(
        &self,
        account: &str,
        source: &str,
        destination: &str,
        now: i64,
    ) -> Result<(String, EditSummary), OrganiseError> {
        let old = folder(source)?;
        let dest = folder(destination)?;
        let Some((parent, name)) = parent_and_name(&old) else {
            return Err(OrganiseError::invalid("The top folder (/) cannot be moved."));
        };
        if dest.starts_with(&old) {
            return Err(OrganiseError::invalid(format!("{old} cannot be moved into itself or one of its subfolders.")));
        }
        if dest == parent {
            return Err(OrganiseError::invalid(format!("{old} is already in {dest}.")));
        }
        let new = folder(&format!("{dest}{name}"))?;
        let args = json!({"sourceFolderPath": old.trim_end_matches('/'), "destinationPath": dest});
        self.relocate_folder(
            account,
            &old,
            &new,
            RemoteOpKind::MoveFolder,
            args,
            format!("Moved folder {old} into {dest}"),
            now,
        )
        .map(|s| (new, s))
    }

    #[allow(clippy::too_many_arguments)]
    fn relocate_folder(
        &self,
        account: &str,
        old: &str,
        new: &str,
        kind: RemoteOpKind,
        args: Value,
        description: String,
        now: i64,
    ) -> Result<EditSummary, OrganiseError> {
        self.batch(now, |tx| {
            if !folder_known(tx, account, old)? {
                return Err(OrganiseError::NotFound(format!("There is no folder {old} in this library.")));
            }
            if folder_known(tx, account, new)? {
                return Err(OrganiseError::invalid(format!("There is already a folder {new}. Choose another name.")));
            }
            let mut inverse = Vec::new();
            let moved = relocate(tx, account, old, new, &mut inverse)?;
            let op = queue(tx, account, kind, &args, now)?;
            inverse.push(Inverse::CancelRemoteOp { id: op });
            // The folder column of the search index follows assets.remote_folder by trigger.
            Ok(Batch { changed: moved, inverse, description, indexed: Indexed::Nothing, push: Push::FolderOp })
        })
    }
}

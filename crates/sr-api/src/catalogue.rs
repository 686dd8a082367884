//! The remote's catalogue kept offline: the active account's custom metadata field definitions and
//! its folder tree, fetched when online and on demand and stored in the library, so tagging,
//! metadata edits and folder placement on a train obey the same rules the remote will apply.
//!
//! A failed refresh changes nothing: the last fetched catalogue stays in use. Folders made offline
//! (pending remote operations) are never touched by a refresh.

use sr_remote::{ItemTypeFilter, ListQuery};

use crate::dto_organise::CatalogueRefresh;
use crate::{ApiError, ErrorCode, Stockroom};

impl Stockroom {
    /// Fetches the active account's custom metadata fields and folder tree and keeps them in the
    /// library (replacing the previous copy). Offline: `ErrorCode::Offline`, nothing changed.
    pub async fn refresh_catalogue(&self) -> Result<CatalogueRefresh, ApiError> {
        let remote = self.remote().await?;
        // The client reads `FieldDef`s off the wire; a field it cannot read fails the refresh, naming it.
        let defs = remote.client.list_custom_metadata_fields(false).await.map_err(ApiError::from)?;
        // Every folder at every depth: `path` would restrict the listing to one level.
        let query = ListQuery {
            type_: Some(ItemTypeFilter::Folder),
            search_query: Some(r#"type = "folder""#.to_owned()),
            ..Default::default()
        };
        let items = remote.client.list_all(&query).await.map_err(ApiError::from)?;
        let mut folders: Vec<String> = items.iter().filter_map(|i| i.as_folder()).map(folder_path).collect();
        folders.sort();
        folders.dedup();

        let library = self.library.clone();
        let account = remote.account.clone();
        let (nf, nd) = (defs.len() as u64, folders.len() as u64);
        tokio::task::spawn_blocking(move || -> Result<(), ApiError> {
            library.replace_metadata_fields(&account, &defs)?;
            library.replace_remote_folders(&account, &folders)?;
            Ok(())
        })
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("Saving the fetched fields stopped: {e}")))??;
        Ok(CatalogueRefresh { account: remote.account, fields: nf, folders: nd })
    }
}

/// `/a/b/`: the remote's `folderPath` is the folder's own path, with or without a trailing slash.
fn folder_path(f: &sr_remote::Folder) -> String {
    format!("/{}/", f.folder_path.trim_matches('/'))
}

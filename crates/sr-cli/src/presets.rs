//! `stockroom preset list|save|delete|apply|remove|urls`: channel presets (named transformations
//! applied to assets) and the delivery URLs they give, each a thin adapter over the façade.

use clap::Subcommand;
use sr_api::{ApiError, Stockroom};

use crate::common::{emit, runtime};

#[derive(Subcommand)]
pub enum PresetCommand {
    /// Every preset: name, assets it is applied to, transformation.
    List,
    /// Save a preset, or replace the transformation of the one with that name.
    Save {
        name: String,
        /// The transformation, e.g. 'w-1080,h-1080' (checked before saving).
        #[arg(long)]
        tr: String,
    },
    /// Delete a preset (its assets lose it).
    Delete { name: String },
    /// Record a preset on assets (all or nothing).
    Apply {
        name: String,
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Take a preset off assets.
    Remove {
        name: String,
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// The delivery URL of every preset on these assets, one per line, on the active account.
    Urls {
        #[arg(required = true)]
        ids: Vec<i64>,
        /// Sign the URLs with the account's private key.
        #[arg(long)]
        sign: bool,
    },
}

pub fn preset(app: &Stockroom, command: PresetCommand, json: bool) -> Result<(), ApiError> {
    match command {
        PresetCommand::List => emit(json, &app.presets()?, |presets| {
            if presets.is_empty() {
                println!("no presets yet: stockroom preset save 'Shop grid 1:1' --tr w-1080,h-1080");
            }
            for p in presets {
                println!("{:<28} {:>6} assets  {}", p.name, p.asset_count, p.tr);
            }
        }),
        PresetCommand::Save { name, tr } => {
            emit(json, &app.save_preset(&name, &tr)?, |p| println!("saved \"{}\": {}", p.name, p.tr))
        }
        PresetCommand::Delete { name } => {
            app.delete_preset(&name)?;
            let name = name.trim();
            emit(json, &serde_json::json!({ "deleted": name }), |_| println!("deleted \"{name}\""))
        }
        PresetCommand::Apply { name, ids } => emit(json, &app.apply_preset(&name, &ids)?, |r| {
            println!(
                "applied \"{}\" to {} assets ({} new); {} assets have it",
                r.preset.name, r.assets, r.added, r.preset.asset_count
            )
        }),
        PresetCommand::Remove { name, ids } => {
            let n = app.remove_preset(&name, &ids)?;
            emit(json, &serde_json::json!({ "removed": n }), |_| {
                println!("removed \"{}\" from {n} assets", name.trim())
            })
        }
        PresetCommand::Urls { ids, sign } => emit(json, &runtime()?.block_on(app.preset_urls(&ids, sign))?, |urls| {
            for u in urls {
                println!("{}", u.url);
            }
        }),
    }
}

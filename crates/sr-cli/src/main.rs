//! `stockroom`: the command line over the same façade the app uses.
//!
//! Exit codes: 0 success, 1 the operation failed (the message says why), 2 bad arguments.

mod common;
mod organise;
mod presets;
mod preview;
mod remote;
mod shop;
mod sync;
mod uploads;
mod watch;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use common::emit;
use sr_api::{ApiError, OpenOptions, Stockroom, dto};

#[derive(Parser)]
#[command(name = "stockroom", version, about = "Stockroom: your product videos and photos, ready for the shop.")]
struct Cli {
    /// Library folder (default: $STOCKROOM_LIBRARY, else the app-data directory).
    #[arg(long, global = true, value_name = "DIR")]
    library: Option<PathBuf>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import files and folders into the library (folders keep their structure as remote folders).
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Skip writing thumbnails.
        #[arg(long)]
        no_thumbnails: bool,
    },
    /// Look at the assets in the library.
    Assets {
        #[command(subcommand)]
        command: AssetsCommand,
    },
    /// Add, remove, rename and suggest tags.
    Tag {
        #[command(subcommand)]
        command: organise::TagCommand,
    },
    /// Set, clear and show custom metadata.
    Meta {
        #[command(subcommand)]
        command: organise::MetaCommand,
    },
    /// The custom metadata fields and their rules.
    Fields {
        #[command(subcommand)]
        command: organise::FieldsCommand,
    },
    /// Remote folders: place assets, create/rename/move folders offline.
    Folder {
        #[command(subcommand)]
        command: organise::FolderCommand,
    },
    /// Channel presets: named transformations applied to assets, and their delivery URLs.
    Preset {
        #[command(subcommand)]
        command: presets::PresetCommand,
    },
    /// Search by words, filters and the remote's searchQuery syntax.
    Search(organise::SearchArgs),
    /// Undo the last tag, metadata or folder edit.
    Undo,
    /// The upload queue: add, list, pause, resume, cancel, retry.
    Queue {
        #[command(subcommand)]
        command: uploads::QueueCommand,
    },
    /// Upload everything queued for the active account, until nothing is left.
    Upload(uploads::UploadArgs),
    /// Watched folders: add, list, remove, pause, resume, run (foreground), status (the ledger).
    Watch {
        #[command(subcommand)]
        command: watch::WatchCommand,
    },
    /// Two-way sync with the active account: `sync [--dry-run] [--confirm-deletes] [--full]`, `sync log`,
    /// `sync settings`.
    Sync(sync::SyncArgs),
    /// Conflicts sync found: `conflicts list`, `conflicts resolve ID… --mine|--theirs|--value JSON`.
    Conflicts {
        #[command(subcommand)]
        command: sync::ConflictsCommand,
    },
    /// Rename an asset (its name on the remote; sent at the next sync, undoable).
    Rename { id: i64, name: String },
    /// Ask for assets to be deleted from the remote library (the next `sync --confirm-deletes` does it;
    /// files here stay).
    DeleteRemote {
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Download a remote-only asset's original into the library, making it a local asset.
    Download { id: i64 },
    /// Run a local emulator of the remote media library API until Ctrl-C (prints its base URL).
    Emulator(remote::EmulatorArgs),
    /// The remote media library account: `remote use sandbox`, `remote use imagekit ...`, `remote show`.
    Remote {
        #[command(subcommand)]
        command: remote::RemoteCommand,
    },
    /// Build (and sign) the delivery URL for a transformation, exactly as the official SDKs do.
    Url(remote::UrlArgs),
    /// Print client-side upload parameters {token, expire, signature}.
    AuthParams(remote::AuthParamsArgs),
    /// Render a transformation locally and print {width, height, duration_s, video_codec, audio_codec, size}.
    Preview(preview::PreviewArgs),
    /// Write a video's thumbnail (ik-thumbnail.jpg semantics; so picks the moment).
    Thumbnail(preview::ThumbnailArgs),
    /// The derived outputs a published asset's upload asked for (streaming ladder, versions,
    /// thumbnails): URL and state (requested, building, ready, failed with the reason).
    Derived { id: i64 },
    /// Compare the shop's delivery of a transformation with the local preview of it (SSIM on sampled
    /// frames, size, duration, codecs); exits 1 when they differ.
    Compare {
        id: i64,
        /// The transformation, as in the delivery URL's `tr=` (e.g. `w-400,h-400`).
        #[arg(long, default_value = "")]
        tr: String,
    },
}

#[derive(Subcommand)]
enum AssetsCommand {
    /// List assets, newest first.
    List {
        #[arg(long, default_value_t = 0)]
        offset: u64,
        #[arg(long, default_value_t = 1000)]
        limit: u64,
        /// Only assets matching the remote's searchQuery syntax, e.g. 'tags IN ["sale"]'.
        #[arg(long)]
        query: Option<String>,
    },
    /// Show one asset.
    Show { id: i64 },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    // The terminal gets the command's own output; the log file gets the details and any panic.
    let _log = sr_api::logging::init("cli", &sr_api::logging::default_log_dir(), false);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if json {
                println!("{}", serde_json::json!({"error": {"code": e.code, "message": e.message}}));
            } else {
                eprintln!("stockroom: {}", e.message);
            }
            ExitCode::from(1)
        }
    }
}

fn describe(a: &dto::Asset) -> String {
    let dims = match (a.width, a.height) {
        (Some(w), Some(h)) => format!("{w}×{h}"),
        _ => "-".into(),
    };
    let dur = a.duration_s.map(|d| format!("{d:.2}s")).unwrap_or_else(|| "-".into());
    format!(
        "#{:<6} {:<6} {:>10} {:>9} {:>8}  {}",
        a.id,
        format!("{:?}", a.kind).to_lowercase(),
        a.size,
        dims,
        dur,
        a.name
    )
}

fn run(cli: Cli) -> Result<(), ApiError> {
    // The emulator is its own server: it needs no library.
    let command = match cli.command {
        Command::Emulator(args) => return remote::emulator(args),
        Command::Preview(args) => return preview::preview(cli.library.clone(), args),
        Command::Thumbnail(args) => return preview::thumbnail(cli.library.clone(), args),
        other => other,
    };
    let cli = Cli { command, ..cli };
    let app = Stockroom::open(OpenOptions { library_dir: cli.library })?;
    match cli.command {
        Command::Import { paths, no_thumbnails } => {
            let json = cli.json;
            let on_event = |e: dto::ImportEvent| {
                if json {
                    return;
                }
                let mut err = std::io::stderr().lock();
                match e {
                    dto::ImportEvent::Progress { done, total } => {
                        let _ = write!(err, "\rindexed {done}/{total}");
                    }
                    dto::ImportEvent::Skipped { skipped } => {
                        let _ = writeln!(err, "\rskipped {}: {}", skipped.path, skipped.reason);
                    }
                    dto::ImportEvent::Finished { imported, skipped, .. } => {
                        let _ = writeln!(err, "\rimported {imported}, skipped {skipped}");
                    }
                    _ => {}
                }
            };
            emit(cli.json, &app.import(&paths, !no_thumbnails, &on_event)?, |report| {
                for a in &report.imported {
                    println!("{}", describe(a));
                }
            })?;
        }
        Command::Assets { command: AssetsCommand::List { offset, limit, query: Some(query) } } => {
            organise::assets_query(&app, query, offset, limit, cli.json)?;
        }
        Command::Assets { command: AssetsCommand::List { offset, limit, query: None } } => {
            let page = app.list_assets(offset, limit)?;
            emit(cli.json, &page.assets, |assets| {
                for a in assets {
                    println!("{}", describe(a));
                }
                println!("{} of {} assets", assets.len(), page.total);
            })?;
        }
        Command::Assets { command: AssetsCommand::Show { id } } => {
            emit(cli.json, &app.asset(id)?, |a| {
                println!("{}", describe(a));
                println!("path:    {}", a.path);
                println!("hash:    {}", a.hash);
                println!(
                    "codecs:  {} / {}",
                    a.video_codec.as_deref().unwrap_or("-"),
                    a.audio_codec.as_deref().unwrap_or("-")
                );
                println!("folder:  {}", a.remote_folder);
                if let Some(s) = a.sync {
                    let word = serde_json::to_value(s).ok().and_then(|v| v.as_str().map(|w| w.replace('_', " ")));
                    println!("sync:    {}", word.unwrap_or_default());
                }
            })?;
        }
        Command::Remote { command } => remote::remote(&app, command, cli.json)?,
        Command::Url(args) => remote::url(&app, args, cli.json)?,
        Command::AuthParams(args) => remote::auth_params(&app, args)?,
        Command::Emulator(_) | Command::Preview(_) | Command::Thumbnail(_) => {
            unreachable!("handled before the library opens")
        }
        Command::Tag { command } => organise::tag(&app, command, cli.json)?,
        Command::Meta { command } => organise::meta(&app, command, cli.json)?,
        Command::Fields { command } => organise::fields(&app, command, cli.json)?,
        Command::Folder { command } => organise::folder(&app, command, cli.json)?,
        Command::Search(args) => organise::search(&app, args, cli.json)?,
        Command::Undo => organise::undo(&app, cli.json)?,
        Command::Preset { command } => presets::preset(&app, command, cli.json)?,
        Command::Queue { command } => uploads::queue(&app, command, cli.json)?,
        Command::Upload(args) => uploads::upload(&app, args, cli.json)?,
        Command::Watch { command } => watch::watch(&app, command, cli.json)?,
        Command::Sync(args) => sync::sync(&app, args, cli.json)?,
        Command::Conflicts { command } => sync::conflicts(&app, command, cli.json)?,
        Command::Rename { id, name } => sync::rename(&app, id, &name, cli.json)?,
        Command::DeleteRemote { ids } => sync::delete_remote(&app, &ids, cli.json)?,
        Command::Download { id } => sync::download(&app, id, cli.json)?,
        Command::Derived { id } => shop::derived(&app, id, cli.json)?,
        Command::Compare { id, tr } => shop::compare(&app, id, &tr, cli.json)?,
    }
    Ok(())
}

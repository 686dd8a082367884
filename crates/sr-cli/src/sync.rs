//! `stockroom sync ...`, `conflicts ...`, `rename`, `delete-remote`, `download`: two-way sync with
//! the active account from the terminal. `sync --json` prints the façade's `SyncReport` (its
//! `operations` are the same list for a dry run and the run after it).

use std::io::{IsTerminal, Write};

use clap::{ArgGroup, Args, Subcommand};
use sr_api::dto_sync as d;
use sr_api::{ApiError, Stockroom};

use crate::common::{emit, runtime};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SyncArgs {
    #[command(subcommand)]
    pub command: Option<SyncCommand>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Args)]
pub struct RunArgs {
    /// List every change the run would make, on each side, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Let deletes held by the fuse go ahead (and a run that stopped to ask).
    #[arg(long)]
    pub confirm_deletes: bool,
    /// Check every remote file for deletes now (otherwise it happens when due).
    #[arg(long)]
    pub full: bool,
}

#[derive(Subcommand)]
pub enum SyncCommand {
    /// Past runs, newest first: when, outcome, counts, request ids.
    Log {
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Show or change the sync settings.
    Settings {
        /// Minutes between the app's periodic runs (0: only when asked).
        #[arg(long, value_name = "N")]
        interval_minutes: Option<u32>,
        /// Deletes from the remote above this many files wait for --confirm-deletes.
        #[arg(long, value_name = "N")]
        delete_fuse: Option<u32>,
        /// Hours between full checks for deletes on the remote.
        #[arg(long, value_name = "N")]
        full_listing_hours: Option<u32>,
    },
}

#[derive(Subcommand)]
pub enum ConflictsCommand {
    /// The open conflicts: per asset and field, base, mine and theirs.
    List {
        /// Settled ones too.
        #[arg(long)]
        all: bool,
    },
    /// Settle conflicts, all the same way.
    #[command(group(ArgGroup::new("how").required(true).args(["mine", "theirs", "value"])))]
    Resolve {
        #[arg(required = true)]
        ids: Vec<i64>,
        /// Keep this computer's value (sent to the remote at the next sync).
        #[arg(long)]
        mine: bool,
        /// Take the remote's value here.
        #[arg(long)]
        theirs: bool,
        /// A new value (JSON; text that is not JSON is taken as text), sent at the next sync.
        #[arg(long, value_name = "JSON")]
        value: Option<String>,
    },
}

fn side(s: d::SyncSide) -> &'static str {
    match s {
        d::SyncSide::Local => "here",
        d::SyncSide::Remote => "remote",
    }
}

fn print_report(r: &d::SyncReport) {
    for op in &r.operations {
        println!("{:<7} {}", side(op.side), op.summary);
    }
    if !r.held.is_empty() {
        println!("held until confirmed (--confirm-deletes):");
        for op in &r.held {
            println!("  {:<7} {}", side(op.side), op.summary);
        }
        if let Some(why) = &r.held_reason {
            println!("  {why}");
        }
    }
    for n in &r.notes {
        println!("note    {n}");
    }
    for e in &r.errors {
        let retry = if e.will_retry { "retried at the next sync" } else { "not retried" };
        let id = e.request_id.as_deref().map(|i| format!(", request {i}")).unwrap_or_default();
        println!("error   {} ({retry}{id})", e.message);
    }
    if let Some(s) = &r.stopped {
        println!("stopped {s}");
    }
    let changes = r.operations.len();
    if r.dry_run {
        println!("dry run: {changes} change(s) would be made; nothing was changed");
    } else {
        println!(
            "{} of {changes} change(s) made, {} conflict(s) opened, {} request(s)",
            r.applied, r.conflicts_opened, r.requests
        );
    }
    if r.conflicts_opened > 0 {
        println!("see them with `stockroom conflicts list`");
    }
}

/// Unix seconds as `2026-12-04 04:39 UTC`.
fn utc(secs: i64) -> String {
    // Days to a civil date (H. Hinnant's algorithm), proleptic Gregorian.
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02} UTC", rem / 3600, rem % 3600 / 60)
}

fn value_text(v: &Option<serde_json::Value>) -> String {
    match v {
        None => "(none)".into(),
        Some(v) => v.to_string(),
    }
}

fn print_conflict(c: &d::Conflict) {
    let when = c.theirs_at.as_deref().map(|t| format!(" (at {t})")).unwrap_or_default();
    println!("#{:<5} #{:<6} {}  {}", c.id, c.asset_id, c.asset_name, c.label);
    println!(
        "       base {}  mine {}  theirs {}{when}",
        value_text(&c.base),
        value_text(&c.mine),
        value_text(&c.theirs)
    );
    if c.resolved_at.is_some() {
        println!("       settled");
    }
}

pub fn sync(app: &Stockroom, args: SyncArgs, json: bool) -> Result<(), ApiError> {
    match args.command {
        None => {
            let RunArgs { dry_run, confirm_deletes, full } = args.run;
            let req = d::SyncRequest { dry_run, confirm_deletes, full_listing: full };
            // One line on a terminal, rewritten in place and cleared at the end.
            let show = !json && std::io::stderr().is_terminal();
            let on_progress = move |p: d::SyncProgress| {
                if !show {
                    return;
                }
                let mut err = std::io::stderr().lock();
                let line = match (p.phase.as_str(), p.total) {
                    ("done", _) => String::new(),
                    (phase, 0) => format!("{phase}…"),
                    (phase, total) => format!("{phase} {}/{total}", p.done),
                };
                let _ = write!(err, "\r{line:<40}\r{line}");
                if p.phase == "done" {
                    let _ = write!(err, "\r");
                }
                let _ = err.flush();
            };
            let report = runtime()?.block_on(app.sync(req, None, on_progress))?;
            emit(json, &report, print_report)
        }
        Some(SyncCommand::Log { limit }) => {
            let runs = runtime()?.block_on(app.sync_log(limit))?;
            emit(json, &runs, |runs| {
                for r in runs {
                    let kind = if r.dry_run { "dry run" } else { "run" };
                    println!(
                        "#{:<5} {}  {kind:<7} {:<8} {} change(s), {} applied, {} error(s), {} conflict(s)",
                        r.id,
                        utc(r.started_at),
                        r.outcome,
                        r.report.operations.len(),
                        r.report.applied,
                        r.report.errors.len(),
                        r.report.conflicts_opened
                    );
                    if !r.report.request_ids.is_empty() {
                        println!("       requests: {}", r.report.request_ids.join(" "));
                    }
                }
                if runs.is_empty() {
                    println!("no sync yet; run `stockroom sync --dry-run` to see what the first one would do");
                }
            })
        }
        Some(SyncCommand::Settings { interval_minutes, delete_fuse, full_listing_hours }) => {
            let mut s = app.sync_settings()?;
            if interval_minutes.is_some() || delete_fuse.is_some() || full_listing_hours.is_some() {
                s.interval_minutes = interval_minutes.unwrap_or(s.interval_minutes);
                s.delete_fuse_files = delete_fuse.unwrap_or(s.delete_fuse_files);
                s.full_listing_hours = full_listing_hours.unwrap_or(s.full_listing_hours);
                s = app.set_sync_settings(s)?;
            }
            emit(json, &s, |s| {
                println!("interval:           {} min (0: only when asked)", s.interval_minutes);
                println!("delete fuse:        {} files", s.delete_fuse_files);
                println!("full listing every: {} h", s.full_listing_hours);
            })
        }
    }
}

pub fn conflicts(app: &Stockroom, cmd: ConflictsCommand, json: bool) -> Result<(), ApiError> {
    let rt = runtime()?;
    match cmd {
        ConflictsCommand::List { all } => {
            let list = rt.block_on(app.conflicts(!all))?;
            emit(json, &list, |list| {
                for c in list {
                    print_conflict(c);
                }
                if list.is_empty() {
                    println!("no open conflicts");
                } else {
                    println!("settle with `stockroom conflicts resolve ID… --mine|--theirs|--value JSON`");
                }
            })
        }
        ConflictsCommand::Resolve { ids, mine, theirs, value } => {
            let resolution = match (mine, theirs, value) {
                (true, _, _) => d::ConflictResolution::Mine,
                (_, true, _) => d::ConflictResolution::Theirs,
                (_, _, Some(v)) => d::ConflictResolution::Value(
                    serde_json::from_str(&v).unwrap_or_else(|_| serde_json::Value::String(v.clone())),
                ),
                (false, false, None) => unreachable!("clap requires one of --mine, --theirs, --value"),
            };
            let settled = rt.block_on(app.resolve_conflicts(d::ResolveConflicts { ids, resolution }))?;
            emit(json, &settled, |settled| {
                for c in settled {
                    print_conflict(c);
                }
                println!("{} conflict(s) settled; the next sync sends what changed", settled.len());
            })
        }
    }
}

pub fn rename(app: &Stockroom, id: i64, name: &str, json: bool) -> Result<(), ApiError> {
    emit(json, &app.rename_asset(id, name)?, |r| println!("{} (sent at the next sync)", r.description))
}

pub fn delete_remote(app: &Stockroom, ids: &[i64], json: bool) -> Result<(), ApiError> {
    emit(json, &app.delete_from_remote(ids)?, |r| {
        println!("{}", r.description);
        println!("the next `stockroom sync --confirm-deletes` deletes them there; files here stay");
    })
}

pub fn download(app: &Stockroom, id: i64, json: bool) -> Result<(), ApiError> {
    let a = runtime()?.block_on(app.download_original(id))?;
    emit(json, &a, |a| println!("#{} {} is on this computer now: {}", a.id, a.name, a.path))
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_print_as_utc_dates() {
        assert_eq!(super::utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::utc(1_796_359_206), "2026-12-04 04:40 UTC");
        assert_eq!(super::utc(951_782_400), "2000-02-29 00:00 UTC");
    }
}

//! The log a merchandiser can send: a daily-rotating file (the last 7 days kept) under the OS's
//! local data folder, plus stderr, and a panic hook that writes what broke, where, into it before the
//! process goes. Secrets never reach it: every key travels as `sr_remote::Secret`, whose `Debug` and
//! `Display` are redacted, and errors strip query strings (signatures) before they are logged.

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// How many daily files are kept.
const KEEP_DAYS: usize = 7;

/// Where logs go: `$STOCKROOM_LOG_DIR`, else `logs` in the OS local data folder
/// (`~/.local/share/stockroom/logs` on Linux), never inside a library that may sit on a NAS.
pub fn default_log_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("STOCKROOM_LOG_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("io", "Stockroom", "stockroom")
        .map(|d| d.data_local_dir().join("logs"))
        .unwrap_or_else(|| PathBuf::from(".stockroom-logs"))
}

/// Keeps the file writer flushing; drop it last (at the end of `main`).
#[must_use = "dropping the guard stops the log file"]
pub struct LogGuard {
    _file: Option<WorkerGuard>,
    pub dir: PathBuf,
}

/// Installs the subscriber (files named `<name>.YYYY-MM-DD.log` in `dir`, plus stderr when asked) and
/// the panic hook. `RUST_LOG` overrides the level (default `info`). If the folder cannot be written
/// the log goes to stderr only and says so; it never stops Stockroom from starting.
pub fn init(name: &str, dir: &Path, stderr: bool) -> LogGuard {
    let filter = || EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let file = std::fs::create_dir_all(dir).ok().and_then(|()| {
        tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix(name)
            .filename_suffix("log")
            .max_log_files(KEEP_DAYS)
            .build(dir)
            .ok()
    });
    let (file_layer, guard) = match file {
        Some(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let layer = tracing_subscriber::fmt::layer().with_writer(writer).with_ansi(false);
            (Some(layer.with_filter(filter())), Some(guard))
        }
        None => (None, None),
    };
    let stderr_layer =
        stderr.then(|| tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_filter(filter()));
    let ok = tracing_subscriber::registry().with(file_layer).with(stderr_layer).try_init().is_ok();
    if ok && guard.is_none() {
        tracing::warn!(dir = %dir.display(), "the log folder cannot be written; logging to the terminal only");
    }
    install_panic_hook();
    LogGuard { _file: guard, dir: dir.to_owned() }
}

use tracing_subscriber::Layer as _;

/// Writes every panic (message, file:line, thread) to the log, then runs the previous hook (which
/// prints it to stderr as usual).
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".into());
            let location = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
            let thread = std::thread::current().name().unwrap_or("unnamed").to_string();
            tracing::error!(%location, %thread, "Stockroom crashed: {message}");
            previous(info);
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_written_to_the_log_file_with_where_it_happened() {
        let dir = tempfile::tempdir().unwrap();
        let guard = init("test", dir.path(), false);
        let r = std::thread::Builder::new()
            .name("importer".into())
            .spawn(|| panic!("the thumbnail cache is gone: 4711"))
            .unwrap()
            .join();
        assert!(r.is_err());
        tracing::info!("after the panic");
        drop(guard);
        let logs: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(logs.len(), 1, "{logs:?}");
        let name = logs[0].file_name().unwrap().to_string_lossy().to_string();
        assert!(name.starts_with("test.") && name.ends_with(".log"), "{name}");
        let text = std::fs::read_to_string(&logs[0]).unwrap();
        assert!(text.contains("Stockroom crashed: the thumbnail cache is gone: 4711"), "{text}");
        assert!(text.contains("logging.rs:") && text.contains("importer"), "{text}");
        assert!(text.contains("after the panic"), "the log goes on after a thread's panic");
    }
}

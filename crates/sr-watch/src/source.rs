//! Where observations come from (layer: source): notify's inotify watcher behind
//! notify-debouncer-full (which pairs renames), or notify's `PollWatcher` for roots inotify cannot
//! serve. Both translate to [`Observation`]s handed to a callback, the same one tests call directly.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind, RenameMode};
use notify::{Event, PollWatcher, RecursiveMode, Watcher as _};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::Observation;

/// Where the observations go.
pub type Feed = Arc<dyn Fn(Observation) + Send + Sync>;

/// A live source for one root; dropping it stops watching.
pub enum Source {
    Native(Debouncer<notify::RecommendedWatcher, RecommendedCache>),
    Polling(PollWatcher),
}

/// Why a native watch could not start, in words.
#[derive(Debug)]
pub struct StartError {
    /// The OS limit of watches was hit.
    pub limit: bool,
    pub message: String,
}

/// inotify on `root`, recursively; `debounce` is how long the debouncer gathers a path's events.
pub fn native(root: &Path, root_id: i64, debounce: Duration, feed: Feed) -> Result<Source, StartError> {
    let handler = move |res: DebounceEventResult| match res {
        Ok(events) => {
            for e in events {
                for o in translate(&e.event, root_id) {
                    feed(o);
                }
            }
        }
        Err(errors) => {
            for e in errors {
                tracing::warn!("watch error: {e}");
            }
            feed(Observation::Rescan { root_id });
        }
    };
    let mut d = new_debouncer(debounce, None, handler).map_err(start_error)?;
    d.watch(root, RecursiveMode::Recursive).map_err(start_error)?;
    Ok(Source::Native(d))
}

/// Polling of `root` every `interval` (stat of every file; no contents compared).
pub fn polling(root: &Path, root_id: i64, interval: Duration, feed: Feed) -> Result<Source, StartError> {
    let handler = move |res: notify::Result<Event>| match res {
        Ok(e) => {
            for o in translate(&e, root_id) {
                feed(o);
            }
        }
        Err(e) => tracing::warn!("poll error: {e}"),
    };
    let mut w =
        PollWatcher::new(handler, notify::Config::default().with_poll_interval(interval)).map_err(start_error)?;
    w.watch(root, RecursiveMode::Recursive).map_err(start_error)?;
    Ok(Source::Polling(w))
}

fn start_error(e: notify::Error) -> StartError {
    let limit = matches!(e.kind, notify::ErrorKind::MaxFilesWatch)
        || matches!(&e.kind, notify::ErrorKind::Io(io) if io.raw_os_error() == Some(libc::ENOSPC));
    StartError { limit, message: e.to_string() }
}

/// One notify event as observations.
pub fn translate(e: &Event, root_id: i64) -> Vec<Observation> {
    if e.need_rescan() {
        return vec![Observation::Rescan { root_id }];
    }
    let p = |i: usize| e.paths.get(i).cloned();
    let one = |f: fn(std::path::PathBuf) -> Observation| e.paths.iter().cloned().map(f).collect();
    match e.kind {
        EventKind::Create(_) => one(Observation::Written),
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => one(Observation::Written),
        EventKind::Access(_) => vec![],
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => match (p(0), p(1)) {
            (Some(from), Some(to)) => vec![Observation::Renamed { from: Some(from), to }],
            _ => vec![],
        },
        EventKind::Modify(ModifyKind::Name(RenameMode::To)) => {
            e.paths.iter().cloned().map(|to| Observation::Renamed { from: None, to }).collect()
        }
        EventKind::Modify(ModifyKind::Name(RenameMode::From)) => one(Observation::Removed),
        EventKind::Modify(ModifyKind::Name(_)) => e
            .paths
            .iter()
            .cloned()
            .map(|x| if x.exists() { Observation::Renamed { from: None, to: x } } else { Observation::Removed(x) })
            .collect(),
        EventKind::Modify(_) => one(Observation::Written),
        EventKind::Remove(_) => one(Observation::Removed),
        EventKind::Any | EventKind::Other => vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, Flag, RemoveKind};
    use std::path::PathBuf;

    fn ev(kind: EventKind, paths: &[&str]) -> Event {
        let mut e = Event::new(kind);
        for p in paths {
            e = e.add_path(PathBuf::from(p));
        }
        e
    }

    #[test]
    fn translation() {
        let w = |p: &str| Observation::Written(p.into());
        assert_eq!(translate(&ev(EventKind::Create(CreateKind::File), &["/w/a"]), 1), vec![w("/w/a")]);
        assert_eq!(
            translate(&ev(EventKind::Access(AccessKind::Close(AccessMode::Write)), &["/w/a"]), 1),
            vec![w("/w/a")]
        );
        assert!(translate(&ev(EventKind::Access(AccessKind::Open(AccessMode::Any)), &["/w/a"]), 1).is_empty());
        assert_eq!(translate(&ev(EventKind::Modify(ModifyKind::Data(DataChange::Any)), &["/w/a"]), 1), vec![w("/w/a")]);
        assert_eq!(
            translate(&ev(EventKind::Modify(ModifyKind::Name(RenameMode::Both)), &["/w/a", "/w/b"]), 1),
            vec![Observation::Renamed { from: Some("/w/a".into()), to: "/w/b".into() }]
        );
        assert_eq!(
            translate(&ev(EventKind::Modify(ModifyKind::Name(RenameMode::To)), &["/w/b"]), 1),
            vec![Observation::Renamed { from: None, to: "/w/b".into() }]
        );
        assert_eq!(
            translate(&ev(EventKind::Modify(ModifyKind::Name(RenameMode::From)), &["/w/a"]), 1),
            vec![Observation::Removed("/w/a".into())]
        );
        assert_eq!(
            translate(&ev(EventKind::Remove(RemoveKind::File), &["/w/a"]), 1),
            vec![Observation::Removed("/w/a".into())]
        );
        let overflow = ev(EventKind::Other, &[]).set_flag(Flag::Rescan);
        assert_eq!(translate(&overflow, 3), vec![Observation::Rescan { root_id: 3 }]);
    }
}

//! Running previews by view: each preview pane of the UI has an id, and a new render for that id
//! cancels the one still running for it (the user changed the transformation; the old result is
//! no longer wanted). The shell keeps one [`PreviewJobs`] for the window.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

type Running = Arc<Mutex<HashMap<String, (u64, Arc<AtomicBool>)>>>;

/// The cancel flags of the renders running now, one per view id.
#[derive(Default)]
pub struct PreviewJobs {
    running: Running,
    next: AtomicU64,
}

/// A registered render: its cancel flag (pass it to [`crate::Stockroom::render_preview`]).
/// Dropping the ticket unregisters it, unless a newer render of the same view took its place.
pub struct PreviewTicket {
    running: Running,
    view: String,
    generation: u64,
    cancel: Arc<AtomicBool>,
}

impl PreviewTicket {
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.cancel.clone()
    }
}

impl Drop for PreviewTicket {
    fn drop(&mut self) {
        let mut map = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if map.get(&self.view).is_some_and(|(g, _)| *g == self.generation) {
            map.remove(&self.view);
        }
    }
}

impl PreviewJobs {
    /// Registers a new render for `view`, cancelling the one running for it.
    pub fn start(&self, view: &str) -> PreviewTicket {
        let generation = self.next.fetch_add(1, Ordering::Relaxed);
        let cancel = Arc::new(AtomicBool::new(false));
        let old = self
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(view.to_owned(), (generation, cancel.clone()));
        if let Some((_, flag)) = old {
            flag.store(true, Ordering::Relaxed);
        }
        PreviewTicket { running: self.running.clone(), view: view.to_owned(), generation, cancel }
    }

    /// Cancels the render running for `view`; `false` when none was.
    pub fn cancel(&self, view: &str) -> bool {
        match self.running.lock().unwrap_or_else(|p| p.into_inner()).remove(view) {
            Some((_, flag)) => {
                flag.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// Whether a render is running for `view`.
    pub fn is_running(&self, view: &str) -> bool {
        self.running.lock().unwrap_or_else(|p| p.into_inner()).contains_key(view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_render_of_the_same_view_cancels_the_old_one_only() {
        let jobs = PreviewJobs::default();
        let first = jobs.start("studio");
        let other = jobs.start("grid");
        let second = jobs.start("studio");
        assert!(first.cancel_flag().load(Ordering::Relaxed), "the older studio render is cancelled");
        assert!(!second.cancel_flag().load(Ordering::Relaxed));
        assert!(!other.cancel_flag().load(Ordering::Relaxed), "another view is left alone");
        // The old ticket finishing does not unregister the newer render.
        drop(first);
        assert!(jobs.is_running("studio"));
        assert!(jobs.cancel("studio"));
        assert!(second.cancel_flag().load(Ordering::Relaxed));
        assert!(!jobs.cancel("studio"), "nothing left to cancel");
        drop(other);
        assert!(!jobs.is_running("grid"));
    }
}

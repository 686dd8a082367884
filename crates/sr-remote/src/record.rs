//! The request ids of the answers a [`crate::Client::recording`] client received: every answer's
//! `x-ik-requestId` (successes as well as failures), for a run's history ("which calls did this
//! sync make?" is what the remote's support asks first).

use std::sync::{Arc, Mutex};

/// A shared, capped list of request ids. Cheap to clone (clones record into the same list).
#[derive(Clone, Debug)]
pub struct RequestIds {
    inner: Arc<Mutex<Recorded>>,
}

#[derive(Debug)]
struct Recorded {
    cap: usize,
    ids: Vec<String>,
    /// Answers with an id, kept or not.
    seen: u64,
}

impl RequestIds {
    /// Keeps the first `cap` ids (and counts the rest).
    pub fn new(cap: usize) -> RequestIds {
        RequestIds { inner: Arc::new(Mutex::new(Recorded { cap, ids: Vec::new(), seen: 0 })) }
    }

    /// The ids kept, in the order the answers came.
    pub fn ids(&self) -> Vec<String> {
        self.lock().ids.clone()
    }

    /// How many answers carried an id (more than [`RequestIds::ids`] holds once the cap is reached).
    pub fn seen(&self) -> u64 {
        self.lock().seen
    }

    pub(crate) fn record(&self, id: Option<String>) {
        let Some(id) = id else { return };
        let mut r = self.lock();
        r.seen += 1;
        if r.ids.len() < r.cap {
            r.ids.push(id);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Recorded> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_ids_up_to_the_cap_and_counts_every_one() {
        let ids = RequestIds::new(2);
        let other = ids.clone();
        ids.record(Some("a".into()));
        ids.record(None);
        other.record(Some("b".into()));
        ids.record(Some("c".into()));
        assert_eq!(ids.ids(), vec!["a".to_owned(), "b".to_owned()]);
        assert_eq!(other.seen(), 3);
    }
}

//! A stop signal a background thread sleeps on: `stop()` wakes it at once.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

#[derive(Default)]
struct State {
    stopped: bool,
}

/// Stops a background loop (a change feed); shared by its JS handle and the
/// database, which stops every feed when it closes.
#[derive(Clone)]
pub struct StopHandle(Arc<(Mutex<State>, Condvar)>);

impl StopHandle {
    pub fn new() -> Self {
        StopHandle(Arc::new((Mutex::new(State::default()), Condvar::new())))
    }

    pub fn stop(&self) {
        let (lock, cv) = &*self.0;
        lock.lock().unwrap_or_else(|p| p.into_inner()).stopped = true;
        cv.notify_all();
    }

    pub fn is_stopped(&self) -> bool {
        self.0 .0.lock().unwrap_or_else(|p| p.into_inner()).stopped
    }

    /// Sleeps up to `d`; false once stopped.
    pub fn sleep(&self, d: Duration) -> bool {
        let (lock, cv) = &*self.0;
        let guard = lock.lock().unwrap_or_else(|p| p.into_inner());
        if guard.stopped {
            return false;
        }
        let (guard, _) = cv
            .wait_timeout_while(guard, d, |s| !s.stopped)
            .unwrap_or_else(|p| p.into_inner());
        !guard.stopped
    }
}

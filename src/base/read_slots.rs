//! How many async reads run SQLite at once, process-wide: one fewer than the
//! machine's cores (at least one), so the JS thread always has a core to pump
//! the window's events. libuv's pool has four threads; on a 2-core machine four
//! CPU-bound queries plus the JS thread and V8's GC helpers made the OS
//! deschedule the JS thread (measured: worst frame 25–37 ms with four at once,
//! 11–14 ms with one; see benchmark/ANALYSIS.md). Sync forms run on the JS
//! thread itself and take no slot.

use std::sync::{Condvar, Mutex, OnceLock};
use std::time::Duration;

use crate::base::cancel::Cancel;

struct Slots {
    free: Mutex<usize>,
    freed: Condvar,
}

fn slots() -> &'static Slots {
    static SLOTS: OnceLock<Slots> = OnceLock::new();
    SLOTS.get_or_init(|| Slots {
        free: Mutex::new(capacity()),
        freed: Condvar::new(),
    })
}

/// `TAKTIK_DB_READ_THREADS` overrides (1..=64), e.g. for a server-class host.
pub fn capacity() -> usize {
    static CAP: OnceLock<usize> = OnceLock::new();
    *CAP.get_or_init(|| {
        std::env::var("TAKTIK_DB_READ_THREADS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|n| (1..=64).contains(n))
            .unwrap_or_else(|| {
                std::thread::available_parallelism()
                    .map_or(1, |n| n.get().saturating_sub(1))
                    .max(1)
            })
    })
}

/// A held slot; given back on drop (also when the query panicked).
pub struct Slot(());

impl Drop for Slot {
    fn drop(&mut self) {
        let s = slots();
        *s.free.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        s.freed.notify_one();
    }
}

/// Waits for a slot. Returns None (without one) as soon as `cancel` fires, so
/// an aborted or timed-out call queued behind a long read settles promptly.
pub fn acquire(cancel: Option<&Cancel>) -> Option<Slot> {
    let s = slots();
    let mut free = s.free.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        if cancel.is_some_and(|c| c.reason().is_some()) {
            return None;
        }
        if *free > 0 {
            *free -= 1;
            return Some(Slot(()));
        }
        // A bounded wait: cancellation is polled, not signalled.
        free = s
            .freed
            .wait_timeout(free, Duration::from_millis(20))
            .unwrap_or_else(|p| p.into_inner())
            .0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_bounded_and_given_back() {
        let cap = capacity();
        let held: Vec<Slot> = (0..cap).map(|_| acquire(None).expect("slot")).collect();
        // All taken: a cancelled waiter gives up instead of blocking.
        let cancel = Cancel::new(None);
        cancel.abort();
        assert!(acquire(Some(&cancel)).is_none());
        drop(held);
        assert!(acquire(None).is_some());
    }
}

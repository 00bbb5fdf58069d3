//! The cancellation token of one call: aborted by the caller, or past its
//! deadline. The SQLite work itself is stopped, not just the promise: the read connection
//! gets a progress handler that interrupts the statement once the signal fired
//! or the deadline passed (checked every few thousand VM steps), the statement
//! fails with SQLITE_INTERRUPT, and the call rejects with ABORTED or TIMEOUT.
//! The connection is reset and goes back to the pool usable.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::base::error::{DbError, ErrorCode};

/// What the worker thread sees: a flag the JS thread sets, and a deadline.
#[derive(Debug, Clone)]
pub struct Cancel {
    aborted: Arc<AtomicBool>,
    deadline: Option<Instant>,
    timeout_ms: u32,
}

impl Cancel {
    pub fn new(timeout_ms: Option<u32>) -> Self {
        Cancel {
            aborted: Arc::new(AtomicBool::new(false)),
            deadline: timeout_ms.map(|ms| Instant::now() + Duration::from_millis(u64::from(ms))),
            timeout_ms: timeout_ms.unwrap_or(0),
        }
    }

    pub fn abort(&self) {
        self.aborted.store(true, Ordering::Release);
    }

    /// Why the work must stop now, if it must.
    pub fn reason(&self) -> Option<ErrorCode> {
        if self.aborted.load(Ordering::Acquire) {
            Some(ErrorCode::Aborted)
        } else if self.deadline.is_some_and(|d| Instant::now() >= d) {
            Some(ErrorCode::Timeout)
        } else {
            None
        }
    }

    /// The error a cancelled call rejects with.
    pub fn error(&self, code: ErrorCode, what: &str) -> DbError {
        match code {
            ErrorCode::Timeout => DbError::new(
                code,
                format!("{what} timed out after {} ms (timeoutMs)", self.timeout_ms),
            ),
            _ => DbError::new(
                ErrorCode::Aborted,
                format!("{what} was aborted (AbortSignal)"),
            ),
        }
    }
}

//! The WAL guard: Python's auto-checkpoint never shrinks the WAL and cannot
//! finish while a reader is active, so past `walLimitBytes` the addon runs a
//! TRUNCATE checkpoint that does not wait.

use std::time::Duration;

use rusqlite::Connection;

use super::database::{lock, AutoCheckpoint, Database};

impl Database {
    fn wal_size(&self) -> u64 {
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        std::fs::metadata(wal).map(|m| m.len()).unwrap_or(0)
    }

    /// The WAL guard: past `wal_limit_bytes`, a TRUNCATE checkpoint that does
    /// not wait (busy timeout 0 for its duration): if a reader or Python holds
    /// it up, it is retried after the next commit instead.
    pub(super) fn guard_wal(&self, conn: &Connection) {
        if self.wal_limit_bytes == 0 {
            return;
        }
        let before = self.wal_size();
        if before <= self.wal_limit_bytes {
            return;
        }
        let _ = conn.busy_timeout(Duration::ZERO);
        let busy = conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|b| b != 0)
            .unwrap_or(true);
        let _ = conn.busy_timeout(Duration::from_millis(u64::from(self.busy_timeout_ms)));
        *lock(&self.last_auto_checkpoint) = Some(AutoCheckpoint {
            at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            wal_bytes_before: before,
            wal_bytes_after: self.wal_size(),
            busy,
        });
    }

    /// The WAL guard from outside a write (the change feed sees Python's
    /// commits grow the WAL): skipped if the writer is busy with an app write.
    pub fn guard_wal_now(&self) {
        if self.readonly || self.wal_limit_bytes == 0 || self.wal_size() <= self.wal_limit_bytes {
            return;
        }
        if let Ok(guard) = self.writer.try_lock() {
            if let Some(conn) = guard.as_ref() {
                self.guard_wal(conn);
            }
        }
    }
}

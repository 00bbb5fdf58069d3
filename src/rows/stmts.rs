//! Prepared statements kept by each pooled read connection, found by the
//! address of their SQL text.
//!
//! rusqlite's `prepare_cached` costs ~0.25 µs a call for the ~500-byte texts
//! here: it trims and hashes the text, allocates and copies it into a new key
//! for the statement, and hashes it again, with an LRU node freed and
//! allocated, when the statement goes back. A read's SQL texts are `'static`
//! (domain::sql builds each once), so their address names them: the lookup is
//! one integer hash. Texts that are not (`prepare` callers other than the read
//! pool's, or a connection that is not pooled) take rusqlite's cache.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::ops::{Deref, DerefMut};

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::{CachedStatement, Connection, PrepFlags, Statement};

use crate::base::cancel::Cancel;

/// How many statements one connection keeps (rusqlite's cache is sized alike).
const KEPT: usize = 64;

/// The statements of one read connection, by the address of their SQL text.
/// Owned beside the connection, and dropped before it (see [`Kept`]).
#[derive(Default)]
pub(crate) struct Statements {
    map: RefCell<HashMap<usize, Statement<'static>, BuildHasherDefault<AddressHasher>>>,
}

// Statements and their connection are moved between threads together and used
// by one thread at a time (the read pool hands a connection out exclusively).
unsafe impl Send for Statements {}

/// A pooled read connection with its statements. The connection is boxed, so
/// the statements' reference to it stays valid when the pair moves (in and
/// out of the pool), and never borrowed mutably once it has statements;
/// field order drops the statements first.
pub(crate) struct Kept {
    statements: Statements,
    /// The cancellation token of the read running on it, if any.
    cancel: Arc<Interrupt>,
    conn: Box<Connection>,
}

/// What the connection's progress handler looks at.
#[derive(Default)]
struct Interrupt {
    /// Whether `token` may be set: the handler locks nothing otherwise.
    armed: AtomicBool,
    token: Mutex<Option<Cancel>>,
}

impl Kept {
    /// Installs the progress handler that stops a cancelled read (every ~4k
    /// VM steps: a few microseconds apart; without a token it reads one flag).
    pub fn new(mut conn: Connection) -> Self {
        let cancel = Arc::new(Interrupt::default());
        let seen = cancel.clone();
        // It fails only on a closed connection; the read then fails anyway.
        let _ = conn.progress_handler(
            4096,
            Some(move || {
                seen.armed.load(Ordering::Acquire)
                    && seen
                        .token
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .as_ref()
                        .is_some_and(|c| c.reason().is_some())
            }),
        );
        Kept {
            statements: Statements::default(),
            cancel,
            conn: Box::new(conn),
        }
    }

    /// Runs `f` with this connection's statements used by [`prepare`] on
    /// this thread (restoring whatever was used before, for nested reads),
    /// and `cancel` interrupting its statements.
    pub fn scope<T>(&self, cancel: Option<&Cancel>, f: impl FnOnce(&Connection) -> T) -> T {
        struct Disarm<'a>(Option<&'a Interrupt>);
        impl Drop for Disarm<'_> {
            fn drop(&mut self) {
                if let Some(i) = self.0 {
                    i.armed.store(false, Ordering::Release);
                    *i.token.lock().unwrap_or_else(|p| p.into_inner()) = None;
                }
            }
        }
        let _disarm = Disarm(cancel.map(|c| {
            *self.cancel.token.lock().unwrap_or_else(|p| p.into_inner()) = Some(c.clone());
            self.cancel.armed.store(true, Ordering::Release);
            &*self.cancel
        }));
        struct Restore((*const Connection, *const Statements));
        impl Drop for Restore {
            fn drop(&mut self) {
                CURRENT.with(|c| c.set(self.0));
            }
        }
        let conn: &Connection = &self.conn;
        let _restore = Restore(
            CURRENT.with(|c| c.replace((conn as *const Connection, &self.statements as *const _))),
        );
        f(conn)
    }
}

thread_local! {
    /// The connection whose statements `prepare` uses on this thread, and
    /// those statements (null: none).
    static CURRENT: Cell<(*const Connection, *const Statements)> =
        const { Cell::new((std::ptr::null(), std::ptr::null())) };
}

/// A statement prepared for one call: it goes back to its connection's
/// statements (reset) or rusqlite's cache when dropped.
pub(crate) enum Prepared<'c> {
    Kept {
        stmt: Option<Statement<'c>>,
        home: *const Statements,
        key: usize,
    },
    Cached(CachedStatement<'c>),
}

/// The statement for `sql` on `conn`: from the connection's statements when
/// `conn` is the pooled connection of the current read, else from rusqlite's
/// cache.
pub(crate) fn prepare<'c>(
    conn: &'c Connection,
    sql: &'static str,
) -> rusqlite::Result<Prepared<'c>> {
    let (current, home) = CURRENT.with(Cell::get);
    if !std::ptr::eq(current, conn) || home.is_null() {
        return conn.prepare_cached(sql).map(Prepared::Cached);
    }
    let key = sql.as_ptr() as usize;
    // SAFETY: CURRENT names `conn`'s statements while `Kept::scope` runs, and
    // `conn` is borrowed for 'c, so they are alive.
    let kept = unsafe { &*home }.map.borrow_mut().remove(&key);
    let stmt = match kept {
        // SAFETY: prepared on `conn` (only its statements are kept here), which
        // outlives 'c.
        Some(stmt) => unsafe { std::mem::transmute::<Statement<'static>, Statement<'c>>(stmt) },
        None => conn.prepare_with_flags(sql, PrepFlags::SQLITE_PREPARE_PERSISTENT)?,
    };
    Ok(Prepared::Kept {
        stmt: Some(stmt),
        home,
        key,
    })
}

impl<'c> Deref for Prepared<'c> {
    type Target = Statement<'c>;
    fn deref(&self) -> &Statement<'c> {
        match self {
            Prepared::Kept { stmt, .. } => stmt.as_ref().expect("kept until dropped"),
            Prepared::Cached(stmt) => stmt,
        }
    }
}

impl<'c> DerefMut for Prepared<'c> {
    fn deref_mut(&mut self) -> &mut Statement<'c> {
        match self {
            Prepared::Kept { stmt, .. } => stmt.as_mut().expect("kept until dropped"),
            Prepared::Cached(stmt) => stmt,
        }
    }
}

impl Drop for Prepared<'_> {
    fn drop(&mut self) {
        let Prepared::Kept { stmt, home, key } = self else {
            return;
        };
        let Some(mut stmt) = stmt.take() else {
            return;
        };
        // Reset (ends its read transaction: no pinned WAL snapshot); a Rows
        // being dropped resets too, this covers a statement stepped otherwise.
        drop(stmt.raw_query());
        // Back to its connection only while that connection's read is still
        // the current one (a statement kept past it is finalized instead).
        let (_, current) = CURRENT.with(Cell::get);
        if !std::ptr::eq(current, *home) {
            return;
        }
        // SAFETY: `home` is the current read's statements, alive (see prepare).
        let mut map = unsafe { &**home }.map.borrow_mut();
        if map.len() < KEPT {
            // SAFETY: the statement's connection outlives its statements (Kept).
            map.insert(*key, unsafe {
                std::mem::transmute::<Statement<'_>, Statement<'static>>(stmt)
            });
        }
    }
}

/// A multiply-rotate hasher for the text addresses (usize keys).
#[derive(Default)]
pub(crate) struct AddressHasher(u64);

impl std::hash::Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

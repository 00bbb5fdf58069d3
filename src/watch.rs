//! The change feed: tells JS which tables another connection (Python's, or the
//! addon's own writer) committed to. SQLite's update hook only sees its own
//! connection, so this polls, cheaply:
//! - every `intervalMs`, `PRAGMA data_version` on a dedicated read connection:
//!   one read of the WAL index, no table touched. Idle, that is all it does;
//! - only when it moved, a fingerprint per watched table (see `fingerprint`),
//!   compared with the previous one; the callback fires with the tables whose
//!   fingerprint changed, and never when none did.
//!
//! The thread sleeps on a condvar, so close() (or the database's close()) stops
//! it at once. The JS callback is a weak ThreadsafeFunction: a live feed does
//! not keep Node (or Electron's main process) from exiting.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use napi::bindgen_prelude::Function;
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi::{Env, Status, Unknown};
use napi_derive::napi;
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde::Deserialize;

use crate::api::to_napi;
use crate::args;
use crate::database::TaktikDatabase;
use crate::error::{DbError, Result};
use crate::layout::{FileSchema, Table};

/// Tables up to this many rows are fingerprinted whole (every cell hashed): an
/// UPDATE anywhere in them (daily_stats counters, a session ending) is seen.
const SMALL_TABLE_ROWS: i64 = 20_000;
/// Larger tables: row count, highest rowid, and the cells of their newest rows
/// (where the bot appends and then updates).
const RECENT_ROWS: i64 = 1_000;

#[derive(Default)]
struct State {
    stopped: bool,
}

/// Stops a feed; shared by its JS handle and the database.
#[derive(Clone)]
pub struct StopHandle(Arc<(Mutex<State>, Condvar)>);

impl StopHandle {
    fn new() -> Self {
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
    fn sleep(&self, d: Duration) -> bool {
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

/// Options of `watch`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WatchOptions {
    /// How often to look for commits, in ms (10..=60000). Default 250.
    pub interval_ms: Option<f64>,
    /// Only these API tables (`'sessions'`, `'interactions'`, `'dailyStats'`,
    /// ...: the same names on every layout). Default: every one the file keeps.
    #[napi(ts_type = "ApiTable[]")]
    pub tables: Option<Vec<String>>,
}

/// A running change feed.
#[napi]
pub struct WatchHandle {
    stop: StopHandle,
}

#[napi]
impl WatchHandle {
    /// Handles come from `db.watch()`; `new WatchHandle()` fails with a code
    /// (napi-rs's default is an uncoded Error).
    #[napi(constructor, skip_typescript)]
    pub fn new(env: Env) -> napi::Result<Self> {
        Err(to_napi(
            &env,
            crate::error::DbError::invalid(
                "WatchHandle cannot be constructed: call db.watch(callback)",
            ),
        ))
    }

    /// Stops the feed: no callback runs after this returns. Idempotent.
    #[napi]
    pub fn close(&self) {
        self.stop.stop();
    }

    /// True once closed (by close() or by the database's close()).
    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.stop.is_stopped()
    }
}

/// What the callback receives.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ChangeEvent {
    /// API tables whose rows changed.
    tables: Vec<&'static str>,
    data_version: i64,
    /// The file's layout now.
    layout: &'static str,
    /// The bot changed the file's layout (migrated it) since the last event:
    /// every watched table is listed, reread them all.
    layout_changed: bool,
}

fn hash_value(h: &mut impl Hasher, v: ValueRef<'_>) {
    match v {
        ValueRef::Null => 0u8.hash(h),
        ValueRef::Integer(i) => (1u8, i).hash(h),
        ValueRef::Real(f) => (2u8, f.to_bits()).hash(h),
        ValueRef::Text(t) => (3u8, t).hash(h),
        ValueRef::Blob(b) => (4u8, b).hash(h),
    }
}

/// A number that changes when the rows of `table` (of `platform` only, on a
/// unified table) change (see the constants).
fn fingerprint(conn: &Connection, table: &str, platform: Option<&str>) -> rusqlite::Result<u64> {
    let t = format!("main.{}", crate::schema::quote_ident(table));
    // The platform is one of the addon's own constants, never caller text.
    let only = platform
        .map(|p| format!(" WHERE platform = '{p}'"))
        .unwrap_or_default();
    let and = if platform.is_some() { " AND" } else { " WHERE" };
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let (count, max): (i64, Option<i64>) = conn
        .query_row(
            &format!("SELECT count(*), max(rowid) FROM {t}{only}"),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .or_else(|_| {
            conn.query_row(&format!("SELECT count(*) FROM {t}{only}"), [], |r| {
                Ok((r.get(0)?, None))
            })
        })?;
    (count, max).hash(&mut h);
    let recent_from = max
        .filter(|_| count > SMALL_TABLE_ROWS)
        .map(|m| m - RECENT_ROWS);
    let mut stmt = conn.prepare_cached(&match recent_from {
        None => format!("SELECT * FROM {t}{only}"),
        Some(_) => format!("SELECT * FROM {t}{only}{and} rowid > ?1"),
    })?;
    let n = stmt.column_count();
    let mut rows = match recent_from {
        None => stmt.query([])?,
        Some(from) => stmt.query([from])?,
    };
    while let Some(row) = rows.next()? {
        for i in 0..n {
            hash_value(&mut h, row.get_ref(i)?);
        }
    }
    Ok(h.finish())
}

/// One print per API table. A table that cannot be read this time (dropped,
/// locked) gets no print; it reads as changed once it can be read again.
fn fingerprints(conn: &Connection, file: &FileSchema, tables: &[Table]) -> HashMap<Table, u64> {
    tables
        .iter()
        .filter_map(|t| {
            let print = match file.physical(*t) {
                Some((table, platform)) => fingerprint(conn, table, platform).ok()?,
                // Not in this file, or no table yet: a constant.
                None => 0,
            };
            Some((*t, print))
        })
        .collect()
}

fn data_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA data_version", [], |r| r.get(0))
}

fn start(
    tdb: &TaktikDatabase,
    env: &Env,
    callback: Function<'_, serde_json::Value, ()>,
    options: Option<&Unknown<'_>>,
) -> Result<WatchHandle> {
    const F: &str = "watch";
    tdb.db.ensure_open()?;
    let o: WatchOptions = args::options(env, F, options)?;
    let interval = match o.interval_ms {
        Some(ms) => args::integer(F, "intervalMs", ms, 10, 60_000)? as u64,
        None => 250,
    };
    let conn = tdb.db.open_reader()?;
    let mut file = tdb.db.refresh(&conn).map_err(tdb.db.sqlite_err(F))?;
    let tables: Vec<Table> = match o.tables {
        None => file.supported(),
        Some(list) => {
            let mut wanted = Vec::new();
            for name in &list {
                let Some(t) = Table::parse(name) else {
                    let names: Vec<&str> = Table::ALL.iter().map(|t| t.api_name()).collect();
                    // The legacy layout's table names were the feed's names
                    // before it spoke both layouts: say what they became.
                    let hint = Table::ALL
                        .iter()
                        .find(|t| t.name() == name)
                        .map(|t| format!(" (the legacy table {name:?} is {:?})", t.api_name()))
                        .unwrap_or_default();
                    return Err(DbError::invalid(format!(
                        "{F}: unknown table {name:?}{hint}; tables takes: {}",
                        names.join(", ")
                    )));
                };
                if !file.supports(t) {
                    return Err(tdb.db.not_in_file(F, &file, t));
                }
                if !wanted.contains(&t) {
                    wanted.push(t);
                }
            }
            wanted
        }
    };
    let stop = StopHandle::new();
    let thread_stop = stop.clone();
    // An event queued for the JS thread just before close() would still be
    // delivered: the callback is wrapped in a function that checks the stop
    // flag on the JS thread, right before calling it.
    let internal = |e: napi::Error| DbError::internal(format!("{F}: {}", e.reason));
    let user = callback.create_ref().map_err(internal)?;
    let gate = stop.clone();
    let tsfn = env
        .create_function_from_closure::<serde_json::Value, (), _>("taktikWatch", move |ctx| {
            if gate.is_stopped() {
                return Ok(());
            }
            let event: serde_json::Value = ctx.get(0)?;
            user.borrow_back(ctx.env)?.call(event)
        })
        .map_err(internal)?
        .build_threadsafe_function::<serde_json::Value>()
        .weak::<true>()
        .callee_handled::<false>()
        .build()
        .map_err(internal)?;
    // The baseline is taken before returning, so a commit made right after
    // watch() returns is reported.
    let mut version = data_version(&conn).map_err(tdb.db.sqlite_err(F))?;
    let mut prints = fingerprints(&conn, &file, &tables);
    let db = tdb.db.clone();
    std::thread::Builder::new()
        .name("taktik-db-watch".into())
        .spawn(move || {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                while thread_stop.sleep(Duration::from_millis(interval)) {
                    let Ok(now) = data_version(&conn) else {
                        continue;
                    };
                    if now == version {
                        continue;
                    }
                    version = now;
                    db.guard_wal_now();
                    // The bot may have migrated the file: the feed is often the
                    // first to see it, and tells the reads too (Database::refresh).
                    let Ok(fresh) = db.refresh(&conn) else {
                        continue;
                    };
                    let layout_changed = fresh.id != file.id;
                    file = fresh;
                    let next = fingerprints(&conn, &file, &tables);
                    let changed: Vec<&'static str> = tables
                        .iter()
                        .filter(|t| layout_changed || next.get(*t) != prints.get(*t))
                        .map(|t| t.api_name())
                        .collect();
                    prints = next;
                    if changed.is_empty() || thread_stop.is_stopped() {
                        continue;
                    }
                    let event = ChangeEvent {
                        tables: changed,
                        data_version: version,
                        layout: file.layout.as_str(),
                        layout_changed,
                    };
                    let Ok(value) = serde_json::to_value(&event) else {
                        continue;
                    };
                    if tsfn.call(value, ThreadsafeFunctionCallMode::NonBlocking) == Status::Closing
                    {
                        break; // the JS environment is going away
                    }
                }
            }));
        })
        .map_err(|e| DbError::internal(format!("{F}: cannot start the watch thread: {e}")))?;
    tdb.db.add_watcher(stop.clone());
    Ok(WatchHandle { stop })
}

#[napi]
impl TaktikDatabase {
    /// Calls `callback` on the JS thread whenever a commit (by Python or anyone
    /// else) changed rows of the watched datasets, with their names (the same
    /// on every layout), and when the bot changes the file's layout.
    /// Cheap when idle; never fires without a change; does not keep the process
    /// alive. Stop it with the handle's close() (or the database's close()).
    #[napi(ts_args_type = "callback: (event: ChangeEvent) => void, options?: WatchOptions")]
    pub fn watch(
        &self,
        env: Env,
        callback: Unknown,
        options: Option<Unknown>,
    ) -> napi::Result<WatchHandle> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            // Checked here: napi-rs would only notice a non-function when
            // creating the threadsafe function, as an uncoded internal error.
            if !matches!(callback.get_type(), Ok(napi::ValueType::Function)) {
                return Err(crate::error::DbError::invalid(
                    "watch: callback must be a function",
                ));
            }
            // SAFETY: the value was just checked to be a function.
            let callback: Function<'_, serde_json::Value, ()> = unsafe { callback.cast() }
                .map_err(|e| crate::error::DbError::internal(format!("watch: {e}")))?;
            start(self, &env, callback, options.as_ref())
        }))
        .unwrap_or_else(|p| Err(crate::error::from_panic(p, "watch")))
        .map_err(|e| to_napi(&env, e))
    }
}

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
//! it at once. The JS callback (node/watch.rs) is a weak ThreadsafeFunction: a live feed does
//! not keep Node (or Electron's main process) from exiting.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde::Deserialize;

use crate::base::error::{DbError, Result};
use crate::base::stop::StopHandle;
use crate::db::database::Database;
use crate::db::layout::{FileSchema, Table};
use crate::query::args;

/// Tables up to this many rows are fingerprinted whole (every cell hashed): an
/// UPDATE anywhere in them (daily_stats counters, a session ending) is seen.
const SMALL_TABLE_ROWS: i64 = 20_000;
/// Larger tables: row count, highest rowid, and the cells of their newest rows
/// (where the bot appends and then updates).
const RECENT_ROWS: i64 = 1_000;

/// Options of `watch`.
#[derive(ts_rs::TS)]
#[ts(optional_fields)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WatchOptions {
    /// How often to look for commits, in ms (10..=60000). Default 250.
    pub interval_ms: Option<f64>,
    /// Only these API tables (`'sessions'`, `'interactions'`, `'dailyStats'`,
    /// ...: the same names on every layout), at least one (`[]` is INVALID_ARGUMENT).
    /// Default (left out): every one the file keeps.
    #[ts(optional, type = "ApiTable[]")]
    pub tables: Option<Vec<String>>,
    // lib/watch.js wraps the callback with it; declared here for its type and
    // so that `deny_unknown_fields` lets it through (a function is not JSON).
    /// Called with what `callback` threw; the feed keeps running. Without it, a
    /// throw is an `uncaughtException`, as from an event listener.
    #[ts(optional, type = "(error: unknown) => void")]
    #[allow(dead_code)]
    pub on_error: Option<serde::de::IgnoredAny>,
}

/// What a change-feed callback receives.
#[derive(serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ChangeEvent {
    /// API tables whose rows changed since the last event (every watched one when `layoutChanged`).
    #[ts(type = "ApiTable[]")]
    tables: Vec<&'static str>,
    /// SQLite's PRAGMA data_version when the change was seen.
    data_version: i64,
    /// The file's layout now.
    #[ts(type = "Layout")]
    layout: &'static str,
    /// The bot migrated the file to another layout (or revision of it) since the last event: reread everything.
    layout_changed: bool,
    /// Rows in each table of `tables` now (counted by the feed anyway, so
    /// "interactions +3" costs the listener no query).
    #[ts(type = "Partial<Record<ApiTable, number>>")]
    rows: RowCounts,
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

/// A print of a table's rows: a number that changes when the rows of `table`
/// (of `platform` only, on a unified table) change (see the constants), and
/// how many rows it has.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Print {
    hash: u64,
    rows: i64,
}

fn fingerprint(conn: &Connection, table: &str, platform: Option<&str>) -> rusqlite::Result<Print> {
    let t = format!("main.{}", crate::db::schema::quote_ident(table));
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
    Ok(Print {
        hash: h.finish(),
        rows: count,
    })
}

/// One print per API table. A table that cannot be read this time (dropped,
/// locked) gets no print; it reads as changed once it can be read again.
fn fingerprints(conn: &Connection, file: &FileSchema, tables: &[Table]) -> HashMap<Table, Print> {
    tables
        .iter()
        .filter_map(|t| {
            let print = match file.physical(*t) {
                Some((table, platform)) => fingerprint(conn, table, platform).ok()?,
                // Not in this file, or no table yet: a constant, no rows.
                None => Print { hash: 0, rows: 0 },
            };
            Some((*t, print))
        })
        .collect()
}

fn data_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA data_version", [], |r| r.get(0))
}

/// Rows per API table, by API name.
pub(crate) type RowCounts = std::collections::BTreeMap<&'static str, i64>;

/// Starts a feed: `send` gets each event (as JSON) on the feed's thread, and
/// returns false once the receiver is gone (the feed then ends). Stopped by
/// `stop`, or by the database's close(). Returns the rows of each watched
/// table at the start (the baseline the first event is compared with).
pub(crate) fn start(
    db: &Arc<Database>,
    o: WatchOptions,
    send: impl Fn(serde_json::Value) -> bool + Send + 'static,
    stop: StopHandle,
) -> Result<RowCounts> {
    const F: &str = "watch";
    db.ensure_open()?;
    let interval = match o.interval_ms {
        Some(ms) => args::integer(F, "intervalMs", ms, 10, 60_000)? as u64,
        None => 250,
    };
    // An empty list would watch nothing and never call back: most likely a
    // filter that came out empty, so it is refused rather than taken as "all".
    if o.tables.as_ref().is_some_and(|t| t.is_empty()) {
        return Err(DbError::invalid(format!(
            "{F}: tables must name at least one table (leave it out to watch every table the file keeps)"
        )));
    }
    let conn = db.open_reader()?;
    let mut file = db.refresh(&conn).map_err(db.sqlite_err(F))?;
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
                        "{F}: tables must list API tables ({}); got the unknown {name:?}{hint}",
                        names.join(", ")
                    )));
                };
                if !file.supports(t) {
                    return Err(db.not_in_file(F, &file, t));
                }
                if !wanted.contains(&t) {
                    wanted.push(t);
                }
            }
            wanted
        }
    };
    let thread_stop = stop.clone();
    // The baseline is taken before returning, so a commit made right after
    // watch() returns is reported.
    let mut version = data_version(&conn).map_err(db.sqlite_err(F))?;
    let mut prints = fingerprints(&conn, &file, &tables);
    let baseline = prints.iter().map(|(t, p)| (t.api_name(), p.rows)).collect();
    let owner = db.clone();
    let db = db.clone();
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
                    let changed: Vec<Table> = tables
                        .iter()
                        .filter(|t| layout_changed || next.get(*t) != prints.get(*t))
                        .copied()
                        .collect();
                    prints = next;
                    if changed.is_empty() || thread_stop.is_stopped() {
                        continue;
                    }
                    // A table that could not be read this time has no count.
                    let rows = changed
                        .iter()
                        .filter_map(|t| prints.get(t).map(|p| (t.api_name(), p.rows)))
                        .collect();
                    let event = ChangeEvent {
                        tables: changed.iter().map(|t| t.api_name()).collect(),
                        rows,
                        data_version: version,
                        layout: file.layout.as_str(),
                        layout_changed,
                    };
                    let Ok(value) = serde_json::to_value(&event) else {
                        continue;
                    };
                    if !send(value) {
                        break; // the JS environment is going away
                    }
                }
            }));
        })
        .map_err(|e| DbError::internal(format!("{F}: cannot start the watch thread: {e}")))?;
    owner.add_watcher(stop);
    Ok(baseline)
}

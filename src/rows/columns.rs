//! One statement's result columns: their camelCase keys and kinds, worked out
//! once per SQL text, and how a row of them is written.

use rusqlite::{Row, Statement};

use super::json::{write_str, write_value};
use super::kind::{camel_case, classify, classify_sql, Kind};

/// How one statement's columns are written: the JSON key (with its quotes and
/// colon) and the kind, worked out once per statement, not per row.
pub(crate) struct Columns {
    /// Unique per shape in the process: JS caches the object constructor under
    /// it, instead of re-deriving a cache key from the key names on each call.
    pub(super) id: u32,
    /// `["sessionId","accountId",...]`: the keys, written once per result.
    pub(super) keys_json: String,
    pub(super) kinds: Vec<Kind>,
    /// Trailing result columns that are not written: a listing's sort key,
    /// read for its cursor (write_page).
    pub(super) hidden: usize,
}

pub(super) static NEXT_SHAPE_ID: std::sync::atomic::AtomicU32 =
    std::sync::atomic::AtomicU32::new(1);

impl Columns {
    /// The shape of a statement, worked out once per SQL text for the process.
    /// SQL texts are `'static` (built once, see domain::sql), so their address
    /// identifies them; a statement's columns and declared types do not change.
    /// The id must be the same on every thread: JS keeps one object
    /// constructor per id, and a streamed Sync read runs on a new thread each
    /// call (a per-thread cache gave it a new id, so a new constructor, on
    /// every call). Each thread keeps its own map in front of the shared one,
    /// so a call takes no lock once its thread has met the statement.
    pub fn cached(sql: &'static str, stmt: &Statement<'_>) -> std::sync::Arc<Columns> {
        Self::cached_with(sql, stmt, 0)
    }

    /// `cached`, the last `hidden` columns left out of the keys and values (a
    /// SQL text always has the same number).
    pub fn cached_with(
        sql: &'static str,
        stmt: &Statement<'_>,
        hidden: usize,
    ) -> std::sync::Arc<Columns> {
        use std::collections::HashMap;
        use std::sync::{Arc, Mutex, OnceLock};
        type Shapes = std::cell::RefCell<HashMap<usize, Arc<Columns>>>;
        thread_local! {
            static SHAPES: Shapes = Default::default();
        }
        static SHARED: OnceLock<Mutex<HashMap<usize, Arc<Columns>>>> = OnceLock::new();
        let key = sql.as_ptr() as usize;
        SHAPES.with(|cache| {
            if let Some(columns) = cache.borrow().get(&key) {
                return columns.clone();
            }
            let columns = SHARED
                .get_or_init(Default::default)
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .entry(key)
                .or_insert_with(|| Arc::new(Columns::of(stmt, hidden)))
                .clone();
            cache.borrow_mut().insert(key, columns.clone());
            columns
        })
    }

    pub fn of(stmt: &Statement<'_>, hidden: usize) -> Self {
        let id = NEXT_SHAPE_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Self::with_kinds(stmt, id, hidden, classify)
    }

    /// The shape of a statement the app wrote (db.query()), for this call
    /// only: nothing is cached per SQL text, so any number of distinct
    /// statements costs no memory after their call. Its id is 0, which tells
    /// lib/deliver.js the shape has no lasting id (it keeps a bounded cache
    /// of object factories by key list instead).
    pub fn uncached(stmt: &Statement<'_>) -> Self {
        Self::with_kinds(stmt, 0, 0, classify_sql)
    }

    fn with_kinds(
        stmt: &Statement<'_>,
        id: u32,
        hidden: usize,
        classify: fn(&str, Option<&str>) -> Kind,
    ) -> Self {
        let shown = stmt.column_count().saturating_sub(hidden);
        let keys: Vec<String> = stmt
            .columns()
            .take(shown)
            .map(|c| camel_case(c.name()))
            .collect();
        let kinds = stmt
            .columns()
            .take(shown)
            .map(|c| classify(c.name(), c.decl_type()))
            .collect();
        let mut keys_json = Vec::new();
        keys_json.push(b'[');
        for (i, k) in keys.iter().enumerate() {
            if i > 0 {
                keys_json.push(b',');
            }
            write_str(&mut keys_json, k);
        }
        keys_json.push(b']');
        Columns {
            id,
            keys_json: String::from_utf8_lossy(&keys_json).into_owned(),
            kinds,
            hidden,
        }
    }

    /// The values of a day without data: the date first, every counter 0.
    pub fn write_zero(&self, date: &str, out: &mut Vec<u8>) {
        out.push(b'[');
        write_str(out, date);
        for _ in 1..self.kinds.len() {
            out.extend_from_slice(b",0");
        }
        out.push(b']');
    }

    /// One row's values, in column order.
    pub fn write(&self, row: &Row<'_>, out: &mut Vec<u8>) -> rusqlite::Result<()> {
        out.push(b'[');
        for (i, kind) in self.kinds.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_value(out, row.get_ref(i)?, *kind);
        }
        out.push(b']');
        Ok(())
    }
}

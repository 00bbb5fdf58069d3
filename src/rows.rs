//! The one row mapper every query uses. A column's kind comes from its declared type
//! and its name (the rules below), never from a per-table mapper, and rows are
//! written straight to JSON text: camelCase keys, 0/1 flags as booleans, JSON text
//! parsed (invalid -> null), timestamps as ISO-8601 UTC, NULL as null.
//!
//! JSON text is what crosses into JavaScript, as the key list followed by the
//! values, `[keys][[values], [values], ...]`: building it here runs off the main
//! thread for async calls, and V8 parses the arrays and builds same-shaped
//! objects (api.rs, DELIVERY_JS) faster than per-property Node-API calls, or
//! JSON.parse of repeated keys, can. JS parses the keys only the first time it
//! sees a shape (it slices them off after that).

use rusqlite::types::ValueRef;
use rusqlite::{Connection, Params, Row, Statement};
use serde_json::value::RawValue;

use crate::time;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// INTEGER column: number, or null when NULL or not numeric.
    Int,
    /// An aggregate or zero-filled counter: number, never null (missing -> 0).
    Count,
    /// REAL column: number or null.
    Real,
    /// 0/1 flag: boolean or null.
    Bool,
    /// TEXT: any non-NULL value as a string.
    Text,
    /// `YYYY-MM-DD` local date, passed through as text.
    Date,
    /// TEXT holding JSON: parsed value, null when NULL, empty or invalid.
    Json,
    /// TEXT timestamp: ISO-8601 UTC with `Z`, unparseable text unchanged.
    Timestamp,
}

/// Flag columns that do not start with `is_`.
const FLAG_COLUMNS: &[&str] = &[
    "success",
    "synced_to_api",
    "export_csv",
    "save_to_db",
    "ai_qualified",
];

/// TEXT columns holding JSON, as listed by the python-side contract.
const JSON_COLUMNS: &[&str] = &[
    "config_used",
    "niche_keywords",
    "target_hashtags",
    "target_accounts",
    "target_post_urls",
    "last_scroll_position",
    "media_urls",
    "hashtags",
    "mentions",
    "tagged_users",
    "location_data",
    "coauthors",
    "dimensions",
    "ai_analysis",
    "qualification_criteria",
];

/// The kind of a result column. `decl_type` is SQLite's declared type when the
/// column is a plain table column, `None` for expressions (aggregates, COALESCE),
/// which queries name after what they compute (`interaction_count`,
/// `last_interaction_at`, `total_likes`).
pub fn classify(name: &str, decl_type: Option<&str>) -> Kind {
    let decl = decl_type.map(|d| d.to_ascii_uppercase());
    if name == "date" {
        return Kind::Date;
    }
    if name.starts_with("is_") || FLAG_COLUMNS.contains(&name) {
        return Kind::Bool;
    }
    if JSON_COLUMNS.contains(&name) {
        return Kind::Json;
    }
    let text_like = matches!(decl.as_deref(), None | Some("TEXT"));
    if text_like && (name.ends_with("_at") || name.ends_with("_time") || name == "scheduled_for") {
        return Kind::Timestamp;
    }
    match decl.as_deref() {
        Some("INTEGER") => Kind::Int,
        Some("REAL") => Kind::Real,
        Some(_) => Kind::Text,
        None if name.ends_with("_count")
            || name.ends_with("_seconds")
            || name.ends_with("_sessions")
            || name.starts_with("total_")
            || name.starts_with("successful_") =>
        {
            Kind::Count
        }
        None if name.ends_with("_id") => Kind::Int,
        None => Kind::Text,
    }
}

pub fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// How one statement's columns are written: the JSON key (with its quotes and
/// colon) and the kind, worked out once per statement, not per row.
pub struct RowShape {
    /// Unique per shape in the process: JS caches the object constructor under
    /// it, instead of re-deriving a cache key from the key names on each call.
    id: u32,
    /// `["sessionId","accountId",...]`: the keys, written once per result.
    keys_json: String,
    kinds: Vec<Kind>,
}

static NEXT_SHAPE_ID: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);

/// How the JSON a query wrote becomes JS values (see api.rs, MATERIALIZE_JS).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Shape {
    /// Any JSON value, parsed as is (counts).
    #[default]
    Plain = 0,
    /// `[keys][[values], [values], ...]`: an array of row objects.
    Rows = 1,
    /// `[keys][values]` or `null`: one row object or null.
    Row = 2,
}

/// What a query writes: JSON text, and its shape. Rows go out as arrays of
/// values under one list of keys: half the bytes of repeated keys, and V8 parses
/// arrays and builds same-shaped objects faster than it parses objects.
#[derive(Debug, Default)]
pub struct Out {
    pub buf: Vec<u8>,
    pub shape: Shape,
    /// The RowShape id of Rows/Row output (0 otherwise).
    pub shape_id: u32,
    /// Bytes of key list at the start of `buf` (0: none, the text is one value).
    pub keys_len: u32,
    /// Rows output longer than SEGMENT_BYTES is written as consecutive arrays,
    /// `[keys][row, ...][row, ...]...`: the end of every one but the last.
    pub segments: Vec<u32>,
    /// A streamed Sync read (api.rs): each row array goes to the JS thread as
    /// soon as it is complete, instead of being recorded in `segments`.
    sink: Option<Sink>,
}

/// A piece of a streamed result.
#[derive(Debug)]
pub enum Part {
    /// Text as Out would hold it: `[keys][rows]` for the first piece of Rows
    /// output (`keys_len` > 0), `[rows]` for the next ones; or a whole
    /// Plain/Row result.
    Text {
        bytes: Vec<u8>,
        shape: Shape,
        shape_id: u32,
        keys_len: u32,
    },
    /// Forget the rows sent so far: the query started its result over.
    Restart,
}

#[derive(Debug)]
struct Sink {
    tx: std::sync::mpsc::SyncSender<Part>,
    /// Whether a piece went out since the result (re)started.
    sent: bool,
}

/// Rows per JSON array are cut about this often (at a row boundary). JS parses
/// each array from its own string: under V8's large-object threshold (128 KiB)
/// a string is a bump allocation in the young generation, where one multi-MB
/// string costs an mmap and a page fault per 4 KiB on every Sync call (~6% of a
/// getSessions(500)). Async results stay one string and are parsed an array or
/// a few per event-loop turn (api.rs).
pub const SEGMENT_BYTES: usize = 64 << 10;

impl Out {
    pub fn new(buf: Vec<u8>) -> Self {
        Out {
            buf,
            shape: Shape::Plain,
            shape_id: 0,
            keys_len: 0,
            segments: Vec::new(),
            sink: None,
        }
    }

    /// Output whose row arrays are sent through `tx` as they complete.
    pub fn streaming(buf: Vec<u8>, tx: std::sync::mpsc::SyncSender<Part>) -> Self {
        Out {
            sink: Some(Sink { tx, sent: false }),
            ..Out::new(buf)
        }
    }

    /// Sends what is left of a streamed result (all of it, for Plain/Row
    /// output). A receiver that is gone (the JS side failed) is not an error
    /// here: its own failure is what the caller reports.
    pub fn finish(mut self) {
        if let Some(sink) = self.sink.take() {
            let bytes = std::mem::take(&mut self.buf);
            let _ = sink.tx.send(Part::Text {
                bytes,
                shape: self.shape,
                shape_id: self.shape_id,
                keys_len: self.keys_len,
            });
        }
    }

    pub fn clear(&mut self) {
        self.restart();
        self.buf.clear();
        self.shape = Shape::Plain;
        self.shape_id = 0;
        self.keys_len = 0;
        self.segments.clear();
    }

    /// Drops what was written after `len` (a result being replaced). Streamed
    /// output that already went out is dropped whole: a query only starts its
    /// result over from the beginning.
    pub fn truncate(&mut self, len: usize) {
        if self.restart() {
            self.clear();
            return;
        }
        self.buf.truncate(len);
        self.segments.retain(|&end| (end as usize) < len);
    }

    /// Tells the receiver to forget what was sent; whether anything was.
    fn restart(&mut self) -> bool {
        match &mut self.sink {
            Some(sink) if sink.sent => {
                sink.sent = false;
                let _ = sink.tx.send(Part::Restart);
                true
            }
            _ => false,
        }
    }

    /// The row arrays of Rows output, in order (one unless it was segmented).
    pub fn row_arrays(&self) -> impl Iterator<Item = &[u8]> {
        let starts = std::iter::once(self.keys_len).chain(self.segments.iter().copied());
        let ends = self.segments.iter().copied().map(|e| e as usize);
        let ends = ends.chain(std::iter::once(self.buf.len()));
        starts.zip(ends).map(|(a, b)| &self.buf[a as usize..b])
    }

    /// Between two rows: a comma, or `][` once the current array holds
    /// SEGMENT_BYTES.
    fn next_row(&mut self) {
        let start = self.segments.last().copied().unwrap_or(self.keys_len) as usize;
        if self.buf.len() - start >= SEGMENT_BYTES {
            if let Some(sink) = &mut self.sink {
                self.buf.push(b']');
                let bytes = std::mem::replace(&mut self.buf, crate::api::take_buffer());
                let _ = sink.tx.send(Part::Text {
                    bytes,
                    shape: self.shape,
                    shape_id: self.shape_id,
                    keys_len: self.keys_len,
                });
                sink.sent = true;
                self.keys_len = 0;
                self.buf.push(b'[');
                return;
            }
            if let Ok(end) = u32::try_from(self.buf.len() + 1) {
                self.buf.push(b']');
                self.segments.push(end);
                self.buf.push(b'[');
                return;
            }
        }
        self.buf.push(b',');
    }

    /// A whole result that is one plain value (writes and maintenance report
    /// small serde structs).
    pub fn set_value<T: serde::Serialize>(&mut self, value: &T) -> crate::error::Result<()> {
        self.clear();
        serde_json::to_writer(&mut self.buf, value)
            .map_err(|e| crate::error::DbError::internal(format!("serializing a result: {e}")))
    }

    /// Starts Rows/Row output of `shape`: its key list.
    fn keys(&mut self, kind: Shape, shape: &RowShape) {
        self.shape = kind;
        self.shape_id = shape.id;
        self.buf.extend_from_slice(shape.keys_json.as_bytes());
        self.keys_len = shape.keys_json.len() as u32;
    }
}

impl RowShape {
    /// The shape of a statement, worked out once per SQL text for the process.
    /// SQL texts are `'static` (built once, see domain::sql), so their address
    /// identifies them; a statement's columns and declared types do not change.
    /// The id must be the same on every thread: JS keeps one object
    /// constructor per id, and a streamed Sync read runs on a new thread each
    /// call (a per-thread cache gave it a new id, so a new constructor, on
    /// every call). Each thread keeps its own map in front of the shared one,
    /// so a call takes no lock once its thread has met the statement.
    pub fn cached(sql: &'static str, stmt: &Statement<'_>) -> std::sync::Arc<RowShape> {
        use std::collections::HashMap;
        use std::sync::{Arc, Mutex, OnceLock};
        type Shapes = std::cell::RefCell<HashMap<usize, Arc<RowShape>>>;
        thread_local! {
            static SHAPES: Shapes = Default::default();
        }
        static SHARED: OnceLock<Mutex<HashMap<usize, Arc<RowShape>>>> = OnceLock::new();
        let key = sql.as_ptr() as usize;
        SHAPES.with(|shapes| {
            if let Some(shape) = shapes.borrow().get(&key) {
                return shape.clone();
            }
            let shape = SHARED
                .get_or_init(Default::default)
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .entry(key)
                .or_insert_with(|| Arc::new(RowShape::of(stmt)))
                .clone();
            shapes.borrow_mut().insert(key, shape.clone());
            shape
        })
    }

    pub fn of(stmt: &Statement<'_>) -> Self {
        let keys: Vec<String> = stmt.columns().map(|c| camel_case(c.name())).collect();
        let kinds = stmt
            .columns()
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
        RowShape {
            id: NEXT_SHAPE_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            keys_json: String::from_utf8_lossy(&keys_json).into_owned(),
            kinds,
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

/// Text as stored; invalid UTF-8 (possible in hostile rows) gets U+FFFD. The
/// strict check first: it is much faster than the lossy scan on valid text.
pub fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `\uXXXX` for one UTF-16 unit, without allocating.
fn write_u_escape(out: &mut Vec<u8>, unit: u16) {
    out.extend_from_slice(&[
        b'\\',
        b'u',
        HEX[usize::from(unit >> 12)],
        HEX[usize::from((unit >> 8) & 0xf)],
        HEX[usize::from((unit >> 4) & 0xf)],
        HEX[usize::from(unit & 0xf)],
    ]);
}

/// `\uXXXX` for a char outside ASCII (a surrogate pair above the BMP).
fn write_unicode_escape(out: &mut Vec<u8>, c: char) {
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units) {
        write_u_escape(out, *unit);
    }
}

/// Bytes copied into a JSON string literal as they are: printable ASCII but the
/// quote and the backslash.
const PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0x20;
    while b < 0x7f {
        t[b] = b != b'"' as usize && b != b'\\' as usize;
        b += 1;
    }
    t
};

/// A JSON string literal in pure ASCII: quotes, backslashes and control
/// characters escaped as usual, and every non-ASCII char as `\uXXXX`. An ASCII
/// result reaches V8 as a one-byte string (a copy, no UTF-8 decoding) that
/// JSON.parse reads on its fast path; the parsed strings are the same.
fn write_str(out: &mut Vec<u8>, s: &str) {
    // Valid UTF-8 is always written whole.
    write_escaped(out, s.as_bytes());
}

/// A stored text value as a JSON string (see write_str). One pass: runs of
/// plain bytes are copied whole and UTF-8 is decoded as it goes, so valid text
/// (nearly all of it) is never scanned twice. Invalid UTF-8 (hostile rows) is
/// written again from the lossy conversion: U+FFFD, as everywhere else.
fn write_text(out: &mut Vec<u8>, bytes: &[u8]) {
    let mark = out.len();
    if !write_escaped(out, bytes) {
        out.truncate(mark);
        write_escaped(out, String::from_utf8_lossy(bytes).as_bytes());
    }
}

/// write_str over bytes; false (with a partial literal written) at the first
/// invalid UTF-8 sequence.
fn write_escaped(out: &mut Vec<u8>, bytes: &[u8]) -> bool {
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if PLAIN[usize::from(b)] {
            i += 1;
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x7f => out.push(0x7f),
            0..=0x1f => write_u_escape(out, u16::from(b)),
            _ => {
                // A multi-byte char: its length from the lead byte, validated
                // by the standard decoder (overlongs, surrogates, truncation).
                let width = match b {
                    0xc2..=0xdf => 2,
                    0xe0..=0xef => 3,
                    0xf0..=0xf4 => 4,
                    _ => return false,
                };
                let Some(c) = bytes
                    .get(i..i + width)
                    .and_then(|seq| std::str::from_utf8(seq).ok())
                    .and_then(|seq| seq.chars().next())
                else {
                    return false;
                };
                write_unicode_escape(out, c);
                i += width;
                start = i;
                continue;
            }
        }
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
    true
}

/// Where a byte of valid JSON text is: inside a string literal or not (for the
/// compacting copy below).
#[derive(Debug, Default)]
struct JsonScan {
    in_string: bool,
    escaped: bool,
}

impl JsonScan {
    /// Feeds one byte; true when it is structural (outside every string,
    /// quotes themselves excluded).
    fn outside(&mut self, b: u8) -> bool {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            false
        } else if b == b'"' {
            self.in_string = true;
            false
        } else {
            true
        }
    }
}

/// Valid JSON text copied through as ASCII. Plain ASCII text (the usual case) is
/// copied as is: a word-at-a-time check and one memcpy, where the byte-by-byte
/// compaction below cost ~20% of a getSessions(500); V8 skips the whitespace
/// Python's `json.dumps` writes (`", "`, `": "`) about as fast as it would
/// skip nothing. Otherwise whitespace outside strings is dropped, and non-ASCII
/// chars (which valid JSON only has inside strings) become `\uXXXX` so the
/// output stays ASCII. Runs of plain bytes are copied whole.
fn write_json_ascii(out: &mut Vec<u8>, json: &str) {
    let bytes = json.as_bytes();
    if bytes.is_ascii() {
        out.extend_from_slice(bytes);
        return;
    }
    let (mut start, mut i) = (0, 0);
    let mut scan = JsonScan::default();
    while i < bytes.len() {
        let b = bytes[i];
        if b >= 0x80 {
            // Only inside strings in valid JSON; a char, never an escape's target.
            out.extend_from_slice(&bytes[start..i]);
            let c = json[i..].chars().next().unwrap_or('\u{fffd}');
            write_unicode_escape(out, c);
            i += c.len_utf8();
            start = i;
            scan.escaped = false;
            continue;
        }
        if scan.outside(b) && matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            out.extend_from_slice(&bytes[start..i]);
            start = i + 1;
        }
        i += 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

pub fn write_i64(out: &mut Vec<u8>, v: i64) {
    // Digits backwards into a stack buffer: cheaper than the serde machinery
    // for the many small ids and counters of a listing.
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = v.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[i..]);
}

fn write_f64(out: &mut Vec<u8>, v: f64) {
    if v.is_finite() {
        let _ = serde_json::to_writer(&mut *out, &v);
    } else {
        out.extend_from_slice(b"null");
    }
}

/// A number read leniently from whatever storage class holds it.
fn number(v: ValueRef<'_>) -> Option<f64> {
    match v {
        ValueRef::Integer(i) => Some(i as f64),
        ValueRef::Real(f) if f.is_finite() => Some(f),
        ValueRef::Text(t) => std::str::from_utf8(t)
            .ok()
            .map(str::trim)
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|f| f.is_finite()),
        _ => None,
    }
}

fn write_number(out: &mut Vec<u8>, v: ValueRef<'_>, null_as_zero: bool) {
    match v {
        ValueRef::Integer(i) => write_i64(out, i),
        ValueRef::Text(t)
            if std::str::from_utf8(t).is_ok_and(|s| s.trim().parse::<i64>().is_ok()) =>
        {
            let s = std::str::from_utf8(t).unwrap_or_default();
            write_i64(out, s.trim().parse::<i64>().unwrap_or_default());
        }
        other => match number(other) {
            Some(f) => write_f64(out, f),
            None if null_as_zero => out.push(b'0'),
            None => out.extend_from_slice(b"null"),
        },
    }
}

pub fn bool_of(v: ValueRef<'_>) -> Option<bool> {
    match v {
        ValueRef::Integer(i) => Some(i != 0),
        ValueRef::Real(f) => Some(f != 0.0),
        ValueRef::Text(t) => {
            let s = std::str::from_utf8(t).ok()?.trim();
            if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("yes") {
                Some(true)
            } else if s.eq_ignore_ascii_case("false") || s.eq_ignore_ascii_case("no") {
                Some(false)
            } else {
                s.parse::<f64>().ok().map(|f| f != 0.0)
            }
        }
        _ => None,
    }
}

fn write_value(out: &mut Vec<u8>, v: ValueRef<'_>, kind: Kind) {
    if matches!(v, ValueRef::Null) {
        out.extend_from_slice(if kind == Kind::Count { b"0" } else { b"null" });
        return;
    }
    match kind {
        Kind::Int => write_number(out, v, false),
        Kind::Count => write_number(out, v, true),
        Kind::Real => match number(v) {
            Some(f) => write_f64(out, f),
            None => out.extend_from_slice(b"null"),
        },
        Kind::Bool => match bool_of(v) {
            Some(true) => out.extend_from_slice(b"true"),
            Some(false) => out.extend_from_slice(b"false"),
            None => out.extend_from_slice(b"null"),
        },
        Kind::Text | Kind::Date => match v {
            ValueRef::Text(t) | ValueRef::Blob(t) => write_text(out, t),
            ValueRef::Integer(i) => write_str(out, &i.to_string()),
            ValueRef::Real(f) => write_str(out, &f.to_string()),
            ValueRef::Null => out.extend_from_slice(b"null"),
        },
        Kind::Json => match v {
            ValueRef::Text(t) | ValueRef::Blob(t) => {
                match serde_json::from_str::<&RawValue>(lossy(t).trim()) {
                    Ok(raw) => write_json_ascii(out, raw.get()),
                    Err(_) => out.extend_from_slice(b"null"),
                }
            }
            other => write_number(out, other, false),
        },
        Kind::Timestamp => match v {
            ValueRef::Text(t) | ValueRef::Blob(t) => {
                let text = lossy(t);
                match time::instant(&text) {
                    // The common case goes straight into the buffer: no String.
                    Some(instant) => match time::iso_bytes(instant) {
                        Some(b) => {
                            out.push(b'"');
                            out.extend_from_slice(&b);
                            out.push(b'"');
                        }
                        None => write_str(out, &time::format_utc(instant)),
                    },
                    None => write_str(out, &text),
                }
            }
            other => match number(other).and_then(time::from_unix_seconds) {
                Some(iso) => write_str(out, &iso),
                None => out.extend_from_slice(b"null"),
            },
        },
    }
}

/// Runs `sql` and writes every row: `[keys][[values], ...]` (Shape::Rows).
/// Returns how many rows.
pub fn write_rows<P: Params>(
    conn: &Connection,
    sql: &'static str,
    params: P,
    out: &mut Out,
) -> rusqlite::Result<usize> {
    let mut stmt = conn.prepare_cached(sql)?;
    let shape = RowShape::cached(sql, &stmt);
    let reprepares = crate::layout::reprepares(&stmt);
    let mut rows = stmt.query(params)?;
    let mut n = 0;
    out.keys(Shape::Rows, &shape);
    out.buf.push(b'[');
    while let Some(row) = rows.next()? {
        if n > 0 {
            out.next_row();
        }
        shape.write(row, &mut out.buf)?;
        n += 1;
    }
    out.buf.push(b']');
    drop(rows);
    crate::layout::note_reprepares(&stmt, reprepares);
    Ok(n)
}

/// `write_rows` for a statement whose last `N` result columns are placeholders
/// (`NULL AS interaction_count`): their values come from Rust, `tail(row, i)` for
/// the i-th row, which returns None to stop when a row is not the one expected.
/// Returns how many rows, or None when stopped (`out` then holds a partial result).
pub fn write_rows_with<'a, P: Params, const N: usize>(
    conn: &Connection,
    sql: &'static str,
    params: P,
    out: &mut Out,
    mut tail: impl FnMut(&Row<'_>, usize) -> rusqlite::Result<Option<[ValueRef<'a>; N]>>,
) -> rusqlite::Result<Option<usize>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let shape = RowShape::cached(sql, &stmt);
    let head = shape.kinds.len() - N;
    let reprepares = crate::layout::reprepares(&stmt);
    let mut rows = stmt.query(params)?;
    let mut n = 0;
    out.keys(Shape::Rows, &shape);
    out.buf.push(b'[');
    while let Some(row) = rows.next()? {
        let Some(values) = tail(row, n)? else {
            return Ok(None);
        };
        if n > 0 {
            out.next_row();
        }
        out.buf.push(b'[');
        for (i, kind) in shape.kinds[..head].iter().enumerate() {
            if i > 0 {
                out.buf.push(b',');
            }
            write_value(&mut out.buf, row.get_ref(i)?, *kind);
        }
        for (j, (value, kind)) in values.into_iter().zip(&shape.kinds[head..]).enumerate() {
            if head + j > 0 {
                out.buf.push(b',');
            }
            write_value(&mut out.buf, value, *kind);
        }
        out.buf.push(b']');
        n += 1;
    }
    out.buf.push(b']');
    drop(rows);
    crate::layout::note_reprepares(&stmt, reprepares);
    Ok(Some(n))
}

/// Runs `sql` and writes its first row, `[keys][values]`, or `null` when there is
/// none (Shape::Row). Returns whether there was a row.
pub fn write_row<P: Params>(
    conn: &Connection,
    sql: &'static str,
    params: P,
    out: &mut Out,
) -> rusqlite::Result<bool> {
    let mut stmt = conn.prepare_cached(sql)?;
    let shape = RowShape::cached(sql, &stmt);
    let reprepares = crate::layout::reprepares(&stmt);
    let mut rows = stmt.query(params)?;
    let found = match rows.next()? {
        Some(row) => {
            out.keys(Shape::Row, &shape);
            shape.write(row, &mut out.buf)?;
            true
        }
        None => {
            out.shape = Shape::Row;
            out.shape_id = shape.id;
            out.buf.extend_from_slice(b"null");
            false
        }
    };
    drop(rows);
    crate::layout::note_reprepares(&stmt, reprepares);
    Ok(found)
}

/// One row per date in `dates` (ascending): the query's row for that date, or a
/// zero-filled one (Shape::Rows). The query must return `date` first, then
/// counters, ordered by date; rows whose date is not in `dates` (malformed text)
/// are skipped.
pub fn write_days<P: Params>(
    conn: &Connection,
    sql: &'static str,
    params: P,
    dates: &[String],
    out: &mut Out,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(sql)?;
    let shape = RowShape::cached(sql, &stmt);
    let reprepares = crate::layout::reprepares(&stmt);
    let mut rows = stmt.query(params)?;
    let mut row = rows.next()?;
    out.keys(Shape::Rows, &shape);
    out.buf.push(b'[');
    fn row_date<'r>(r: &'r Row<'_>) -> &'r [u8] {
        match r.get_ref(0) {
            Ok(ValueRef::Text(t)) => t,
            _ => b"",
        }
    }
    for (i, date) in dates.iter().enumerate() {
        if i > 0 {
            out.next_row();
        }
        while let Some(r) = row {
            if row_date(r) >= date.as_bytes() {
                break;
            }
            row = rows.next()?;
        }
        match row {
            Some(r) if row_date(r) == date.as_bytes() => {
                shape.write(r, &mut out.buf)?;
                row = rows.next()?;
            }
            _ => shape.write_zero(date, &mut out.buf),
        }
    }
    out.buf.push(b']');
    drop(rows);
    crate::layout::note_reprepares(&stmt, reprepares);
    Ok(())
}

/// A single integer result (COUNT(*)), written as a JSON number (Shape::Plain).
pub fn write_count<P: Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    out: &mut Out,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(sql)?;
    let reprepares = crate::layout::reprepares(&stmt);
    let n: i64 = stmt.query_row(params, |r| r.get(0))?;
    crate::layout::note_reprepares(&stmt, reprepares);
    out.shape = Shape::Plain;
    write_i64(&mut out.buf, n);
    Ok(())
}

/// The objects JavaScript builds from `out` (what MATERIALIZE_JS does), for tests.
#[cfg(test)]
pub fn materialize(out: &Out) -> serde_json::Value {
    use serde_json::{Map, Value};
    let keys_len = out.keys_len as usize;
    let keys: Value = serde_json::from_slice(&out.buf[..keys_len]).unwrap_or(Value::Null);
    let v: Value = if out.shape == Shape::Rows {
        let arrays = out
            .row_arrays()
            .map(|a| serde_json::from_slice::<Vec<Value>>(a).unwrap());
        Value::Array(arrays.flatten().collect())
    } else {
        serde_json::from_slice(&out.buf[keys_len..]).unwrap()
    };
    let object = |keys: &Value, values: &Value| {
        let (Value::Array(k), Value::Array(v)) = (keys, values) else {
            panic!("not a table row")
        };
        Value::Object(
            k.iter()
                .zip(v)
                .map(|(k, v)| (k.as_str().unwrap().to_string(), v.clone()))
                .collect::<Map<_, _>>(),
        )
    };
    match (out.shape, &v) {
        (Shape::Plain, _) | (Shape::Row, Value::Null) => v,
        (Shape::Row, Value::Array(_)) => object(&keys, &v),
        (Shape::Rows, Value::Array(a)) => {
            Value::Array(a.iter().map(|r| object(&keys, r)).collect())
        }
        _ => panic!("unexpected output"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// JS keeps one object constructor per shape id: the same statement must
    /// have the same id on every thread (a streamed Sync read runs on a new
    /// thread each call; a new id per call compiled and kept a new constructor
    /// per call, a leak).
    #[test]
    fn a_statement_has_one_shape_id_on_every_thread() {
        const SQL: &str = "SELECT 1 AS a, 'x' AS b";
        let id_here = || {
            let conn = Connection::open_in_memory().unwrap();
            let stmt = conn.prepare(SQL).unwrap();
            RowShape::cached(SQL, &stmt).id
        };
        let first = id_here();
        assert_eq!(id_here(), first);
        let others: Vec<u32> = (0..4)
            .map(|_| std::thread::spawn(id_here))
            .map(|t| t.join().unwrap())
            .collect();
        assert_eq!(others, vec![first; 4]);
    }

    /// A SQL text of its own for one test's table: shapes are cached by the
    /// text's address, which in the addon names one statement over one
    /// layout's tables (the tests below read different tables named `t`).
    fn own(sql: &str) -> &'static str {
        Box::leak(sql.to_string().into_boxed_str())
    }

    fn map(sql: &str) -> serde_json::Value {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, account_id INTEGER, followers_count INTEGER,
               is_private INTEGER, success INTEGER, config_used TEXT, created_at TEXT,
               date TEXT, ai_score REAL, full_name TEXT);",
        )
        .unwrap();
        conn.execute_batch(sql).unwrap();
        let mut out = Out::default();
        write_rows(&conn, own("SELECT * FROM t ORDER BY id"), [], &mut out).unwrap();
        materialize(&out)
    }

    /// A long listing is cut into row arrays of about SEGMENT_BYTES at row
    /// boundaries (text full of `,`, `]` and `[` included): every array parses,
    /// no row is lost or split, and truncating drops the cuts past the end.
    #[test]
    fn long_listings_are_written_as_whole_row_arrays() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, full_name TEXT);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
             INSERT INTO t SELECT i, 'a],[b' || i || ',\"x\"][' FROM n;",
        )
        .unwrap();
        let mut out = Out::default();
        let n = write_rows(&conn, own("SELECT * FROM t ORDER BY id"), [], &mut out).unwrap();
        assert_eq!(n, 20000);
        assert!(out.segments.len() >= 5, "{} cuts", out.segments.len());
        let mut ids = Vec::new();
        for array in out.row_arrays() {
            assert!(array.len() < SEGMENT_BYTES + 100);
            let rows: Vec<(i64, String)> = serde_json::from_slice(array).unwrap();
            ids.extend(rows.iter().map(|r| r.0));
            assert!(rows
                .iter()
                .all(|r| r.1.starts_with("a],[b") && r.1.ends_with(",\"x\"][")));
        }
        assert_eq!(ids, (1..=20000).collect::<Vec<i64>>());
        assert_eq!(materialize(&out).as_array().unwrap().len(), 20000);

        let cut = out.segments[1] as usize;
        out.truncate(cut);
        assert_eq!(out.segments.len(), 1);
        out.truncate(0);
        assert!(out.segments.is_empty());
        // A short listing stays one array.
        out.clear();
        write_rows(&conn, own("SELECT * FROM t WHERE id < 100"), [], &mut out).unwrap();
        assert!(out.segments.is_empty());
    }

    /// write_text's one-pass decoder against the standard library: for every
    /// byte string, ASCII output that JSON-parses back to exactly the lossy text
    /// (invalid sequences as U+FFFD, the same replacement everywhere).
    #[test]
    fn text_is_escaped_to_ascii_and_lossy_exactly() {
        let mut cases: Vec<Vec<u8>> = vec![
            b"plain".to_vec(),
            b"quote \" back\\slash \n\r\t\x00\x1f\x7f".to_vec(),
            "é ü ✓ 🐶 Fernández ⬇️".as_bytes().to_vec(),
            vec![0xc0, 0x80],             // overlong NUL
            vec![0xed, 0xa0, 0x80],       // surrogate
            vec![0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
            vec![0xf5, 0x80],
            vec![b'a', 0x80, b'b'],       // lone continuation
            vec![b'a', 0xe2, 0x82],       // truncated at the end
            vec![0xe2, 0x82, b'x', 0xac], // interrupted
            vec![0xff; 3],
        ];
        // Every 1..=3-byte string over bytes that matter to the decoder.
        let interesting = [
            0x00, 0x22, 0x41, 0x5c, 0x7f, 0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xf0, 0xf4, 0xff,
        ];
        for &a in &interesting {
            cases.push(vec![a]);
            for &b in &interesting {
                cases.push(vec![a, b]);
                for &c in &interesting {
                    cases.push(vec![a, b, c]);
                }
            }
        }
        for bytes in cases {
            let mut out = b"x".to_vec();
            write_text(&mut out, &bytes);
            assert!(out.is_ascii(), "{bytes:?}");
            let back: String = serde_json::from_slice(&out[1..]).expect("a JSON string");
            assert_eq!(back, String::from_utf8_lossy(&bytes), "{bytes:?}");
        }
    }

    #[test]
    fn kinds_follow_names_and_declared_types() {
        assert_eq!(classify("is_private", Some("INTEGER")), Kind::Bool);
        assert_eq!(classify("synced_to_api", Some("INTEGER")), Kind::Bool);
        assert_eq!(classify("config_used", Some("TEXT")), Kind::Json);
        assert_eq!(classify("interaction_time", Some("TEXT")), Kind::Timestamp);
        assert_eq!(classify("last_interaction_at", None), Kind::Timestamp);
        assert_eq!(classify("interaction_count", None), Kind::Count);
        assert_eq!(classify("total_likes", None), Kind::Count);
        assert_eq!(classify("total_likes", Some("INTEGER")), Kind::Int);
        assert_eq!(classify("ai_score", Some("REAL")), Kind::Real);
        assert_eq!(classify("date", Some("TEXT")), Kind::Date);
        assert_eq!(classify("username", Some("TEXT")), Kind::Text);
        assert_eq!(camel_case("session_id"), "sessionId");
        assert_eq!(camel_case("is_private"), "isPrivate");
        assert_eq!(camel_case("_x"), "x");
    }

    #[test]
    fn integers_are_written_exactly() {
        for v in [0, 7, -7, 10, 1_700_000_000, i64::MAX, i64::MIN] {
            let mut out = Vec::new();
            write_i64(&mut out, v);
            assert_eq!(String::from_utf8(out).unwrap(), v.to_string());
        }
    }

    #[test]
    fn strings_are_escaped_to_ascii_and_round_trip() {
        for s in [
            "plain",
            "Zoë \"Z\" \\ back",
            "tab\tnl\ncr\r\u{1}\u{7f}",
            "emoji 🎉 and 中文",
            "",
        ] {
            let mut out = Vec::new();
            write_str(&mut out, s);
            assert!(out.is_ascii(), "{s:?}");
            let back: String = serde_json::from_slice(&out).unwrap();
            assert_eq!(back, s);
        }
        let mut out = Vec::new();
        let original = r#"{"name": "José 🎉 \" x ", "n": [1, 2],
            "s": "a  b\\", "t": true}"#;
        write_json_ascii(&mut out, original);
        assert!(out.is_ascii());
        assert!(!out.contains(&b'\n'));
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            v,
            serde_json::from_str::<serde_json::Value>(original).unwrap()
        );
        assert_eq!(v["s"], "a  b\\", "whitespace inside strings is kept");
    }

    #[test]
    fn values_are_mapped_leniently() {
        let rows = map(
            "INSERT INTO t VALUES (1, 7, 120, 1, 0, '{\"a\":[1,2]}', '2026-02-10 14:03:22', '2026-02-10', 87.5, 'Zoë \"Z\"');
             INSERT INTO t VALUES (2, '12', 'abc', 'yes', 2, '{not json', 'garbage', NULL, '3.5', 42);
             INSERT INTO t VALUES (3, NULL, 3.0, NULL, 'x', '', 1700000000, NULL, 'nan?', X'ff41');",
        );
        let r = &rows[0];
        assert_eq!(r["id"], 1);
        assert_eq!(r["accountId"], 7);
        assert_eq!(r["isPrivate"], true);
        assert_eq!(r["success"], false);
        assert_eq!(r["configUsed"]["a"][1], 2);
        assert_eq!(r["createdAt"], "2026-02-10T14:03:22.000Z");
        assert_eq!(r["date"], "2026-02-10");
        assert_eq!(r["aiScore"], 87.5);
        assert_eq!(r["fullName"], "Zoë \"Z\"");
        let r = &rows[1];
        assert_eq!(
            r["accountId"], 12,
            "numeric TEXT in an INTEGER column parses"
        );
        assert!(
            r["followersCount"].is_null(),
            "non-numeric TEXT becomes null"
        );
        assert_eq!(r["isPrivate"], true);
        assert_eq!(r["success"], true);
        assert!(r["configUsed"].is_null(), "invalid JSON becomes null");
        assert_eq!(
            r["createdAt"], "garbage",
            "unparseable timestamps are unchanged"
        );
        assert_eq!(r["aiScore"], 3.5);
        assert_eq!(r["fullName"], "42");
        let r = &rows[2];
        assert!(r["accountId"].is_null());
        assert_eq!(r["followersCount"], 3.0);
        assert!(r["isPrivate"].is_null());
        assert!(r["success"].is_null());
        assert!(r["configUsed"].is_null(), "empty JSON text becomes null");
        // TEXT affinity stores the integer as the text "1700000000": not a timestamp
        // shape, so it is returned unchanged.
        assert_eq!(r["createdAt"], "1700000000");
        assert!(r["date"].is_null());
        assert!(r["aiScore"].is_null());
        assert_eq!(
            r["fullName"], "\u{fffd}A",
            "invalid UTF-8 is replaced, not an error"
        );
    }
}

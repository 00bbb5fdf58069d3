//! How a read query becomes two exports. Each query is written once, as a type
//! implementing [`Query`]; `read_api!` exports it as `name(...)` (a Promise: the
//! SQLite work and the JSON building run on the libuv threadpool via `AsyncTask`)
//! and `nameSync(...)` (the same work on the calling thread). Both return exactly
//! the same data because both call [`execute`].

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use napi::bindgen_prelude::{ToNapiValue, TypeName};
use napi::{sys, Env, JsError, Task, Unknown, ValueType};
use rusqlite::Connection;

use crate::connection::Database;
use crate::error::{from_panic, DbError, Result};
use crate::layout::{FileSchema, Table};
use crate::rows::{Out, Part, Shape};

/// An operation with its arguments already validated: a read query (which
/// implements `run`), or a write / maintenance operation (which overrides
/// `execute` to use the writer or the file system).
pub trait Query: Send + Sized + 'static {
    /// The JS name of the async form, used in error messages.
    const NAME: &'static str;
    /// Validates the JS arguments, in declaration order (missing ones are None).
    fn parse(env: &Env, args: &[Option<&Unknown<'_>>]) -> Result<Self>;
    /// The API tables `run` reads: a file without one of them answers
    /// NOT_IN_THIS_FILE before any SQL runs.
    const READS: &'static [Table] = &[];
    /// Runs the SQL on a read connection, writing the JSON result into `out`;
    /// `file` says where each API table lives in this file.
    fn run(&self, _conn: &Connection, _file: &FileSchema, _out: &mut Out) -> rusqlite::Result<()> {
        Err(rusqlite::Error::InvalidQuery)
    }
    /// Listings: replaces limit/offset (exportCsv pages through every row).
    fn set_page(&mut self, _page: crate::args::Page) -> bool {
        false
    }
    /// Whether the Sync form streams (see `SyncRead`): listings that may be
    /// long, by their limit.
    fn streams(&self) -> bool {
        false
    }
    /// Does the work: by default `run` on a pooled read connection, stopped
    /// early if `cancel` fires (and run again if the bot changed the layout
    /// under it: `out` starts over).
    fn execute(&self, db: &Database, cancel: Option<&Cancel>, out: &mut Out) -> Result<()> {
        db.query(Self::NAME, cancel, Self::READS, |conn, file| {
            out.clear();
            self.run(conn, file, out)
        })
    }
}

pub use crate::cancel::Cancel;

/// Everything done on the JS thread when a call is made: the open check, then
/// validation, with panics caught (a bug in a parser must not abort Electron).
pub fn parse<Q: Query>(db: &Database, env: &Env, args: &[Option<&Unknown<'_>>]) -> Result<Q> {
    db.ensure_open()?;
    catch_unwind(AssertUnwindSafe(|| {
        panic_probe(Q::NAME, "parse");
        Q::parse(env, args)
    }))
    .unwrap_or_else(|panic| Err(from_panic(panic, Q::NAME)))
}

/// Proof that no panic reaches Node, on the shipped binary: with
/// `TAKTIK_DB_PANIC_PROBE=<function>:<parse|execute>` in the environment at
/// load time, that function panics at that stage (the JS thread, or the worker
/// for an async call). The reliability suite runs it in a child process, which
/// would abort if the panic escaped. Unset, this is one atomic load per call.
pub fn panic_probe(name: &str, stage: &str) {
    static PROBE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let probe = PROBE.get_or_init(|| std::env::var("TAKTIK_DB_PANIC_PROBE").ok());
    if let Some((f, s)) = probe.as_deref().and_then(|p| p.split_once(':')) {
        if f == name && s == stage {
            panic!("TAKTIK_DB_PANIC_PROBE: {name} panicked during {stage}");
        }
    }
}

/// The shared body of both forms.
pub fn execute<Q: Query>(db: &Database, query: &Q, cancel: Option<&Cancel>) -> Result<JsonText> {
    let mut out = Out::new(take_buffer());
    let result = catch_unwind(AssertUnwindSafe(|| {
        panic_probe(Q::NAME, "execute");
        query.execute(db, cancel, &mut out)
    }))
    .unwrap_or_else(|panic| Err(from_panic(panic, Q::NAME)));
    let Out {
        buf,
        shape,
        shape_id,
        keys_len,
        segments,
        ..
    } = out;
    match result {
        Ok(()) => JsonText::checked(Q::NAME, buf, shape, shape_id, keys_len, segments),
        Err(e) => {
            give_back(buf);
            Err(e)
        }
    }
}

/// Result buffers, reused: a listing's JSON is often megabytes, and allocating
/// that afresh on every call costs an mmap and a page fault per page touched.
static BUFFERS: std::sync::Mutex<Vec<Vec<u8>>> = std::sync::Mutex::new(Vec::new());
const POOLED_BUFFERS: usize = 8;
/// Larger buffers are freed rather than kept, bounding what the pool holds.
const MAX_POOLED_BYTES: usize = 16 << 20;

thread_local! {
    /// One buffer kept by each thread first: a call on the JS thread takes and
    /// gives back the same one without touching the shared pool's lock.
    static OWN_BUFFER: std::cell::Cell<Option<Vec<u8>>> = const { std::cell::Cell::new(None) };
}

pub(crate) fn take_buffer() -> Vec<u8> {
    if let Some(own) = OWN_BUFFER.with(|b| b.take()) {
        return own;
    }
    let pooled = BUFFERS.lock().unwrap_or_else(|p| p.into_inner()).pop();
    pooled.unwrap_or_else(|| Vec::with_capacity(64 << 10))
}

pub(crate) fn give_back(mut buffer: Vec<u8>) {
    if buffer.capacity() > MAX_POOLED_BYTES {
        return;
    }
    buffer.clear();
    let Some(buffer) = OWN_BUFFER.with(|b| match b.take() {
        None => {
            b.set(Some(buffer));
            None
        }
        own => {
            b.set(own);
            Some(buffer)
        }
    }) else {
        return;
    };
    let mut pool = BUFFERS.lock().unwrap_or_else(|p| p.into_inner());
    if pool.len() < POOLED_BUFFERS {
        pool.push(buffer);
    }
}

/// A JS Error with our `code`, wrapped so napi-rs throws or rejects with it as is.
pub fn to_napi(env: &Env, err: DbError) -> napi::Error {
    let js = JsError::from(napi::Error::new(err.code, err.message)).into_unknown(*env);
    napi::Error::from(js)
}

/// JSON text that becomes a JS value through V8's JSON.parse when handed to JS.
/// Valid UTF-8 (in practice ASCII) JSON text from the row mapper, in a pooled
/// buffer that goes back to the pool once V8 has copied it, and its shape.
pub struct JsonText {
    bytes: Vec<u8>,
    ascii: bool,
    shape: Shape,
    shape_id: u32,
    keys_len: u32,
    /// Out::segments: where the row arrays of a long listing end (not the last).
    segments: Vec<u32>,
}

impl JsonText {
    /// The row mapper writes ASCII (valid UTF-8 at the very least); checked,
    /// not assumed, and the answer decides how V8 gets the string.
    fn checked(
        name: &str,
        bytes: Vec<u8>,
        shape: Shape,
        shape_id: u32,
        keys_len: u32,
        segments: Vec<u32>,
    ) -> Result<Self> {
        let ascii = bytes.is_ascii();
        if !ascii && std::str::from_utf8(&bytes).is_err() {
            give_back(bytes);
            return Err(DbError::internal(format!("{name}: result was not UTF-8")));
        }
        Ok(JsonText {
            bytes,
            ascii,
            shape,
            shape_id,
            keys_len,
            segments,
        })
    }

    /// How JS tells the shapes apart: `2 * shape id + 1` for one row,
    /// `2 * shape id` for rows, 0 for a plain value (one number, not two).
    fn tag(&self) -> f64 {
        match self.shape {
            Shape::Plain => 0.0,
            Shape::Rows => 2.0 * f64::from(self.shape_id),
            Shape::Row => 2.0 * f64::from(self.shape_id) + 1.0,
        }
    }
}

impl TypeName for JsonText {
    fn type_name() -> &'static str {
        "unknown"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

fn check(status: sys::napi_status, what: &str) -> napi::Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(napi::Error::from_reason(format!(
            "handing a result to JavaScript failed at {what} ({status})"
        )))
    }
}

/// The JSON text as a JS string. The row mapper escapes every non-ASCII char, so
/// results are ASCII: a one-byte V8 string is a plain copy and JSON.parse's fast
/// path. Anything else still takes the UTF-8 route. The buffer goes back to the
/// pool either way.
unsafe fn js_string(env: sys::napi_env, text: JsonText) -> napi::Result<sys::napi_value> {
    let value = unsafe { js_substring(env, &text, 0, text.bytes.len()) };
    give_back(text.bytes);
    value
}

/// `text.bytes[from..to]` as a JS string (cut at ASCII bytes, so whole chars).
unsafe fn js_substring(
    env: sys::napi_env,
    text: &JsonText,
    from: usize,
    to: usize,
) -> napi::Result<sys::napi_value> {
    let bytes = &text.bytes[from..to];
    let (ptr, len) = (bytes.as_ptr().cast(), bytes.len() as isize);
    let mut value = std::ptr::null_mut();
    let status = unsafe {
        if text.ascii {
            sys::napi_create_string_latin1(env, ptr, len, &mut value)
        } else {
            sys::napi_create_string_utf8(env, ptr, len, &mut value)
        }
    };
    check(status, "string").map(|()| value)
}

/// A segmented listing for a Sync call: one JS string per row array (the key
/// list rides with the first), so none is a large-object allocation.
unsafe fn js_strings(env: sys::napi_env, text: JsonText) -> napi::Result<sys::napi_value> {
    let ends: Vec<usize> = text.segments.iter().map(|&e| e as usize).collect();
    let mut parts = std::ptr::null_mut();
    let result = (|| unsafe {
        check(
            sys::napi_create_array_with_length(env, ends.len() + 1, &mut parts),
            "parts",
        )?;
        let mut from = 0;
        let bounds = ends
            .iter()
            .copied()
            .chain(std::iter::once(text.bytes.len()));
        for (i, to) in bounds.enumerate() {
            let part = js_substring(env, &text, from, to)?;
            check(sys::napi_set_element(env, parts, i as u32, part), "part")?;
            from = to;
        }
        Ok(parts)
    })();
    give_back(text.bytes);
    result
}

unsafe fn js_uint(env: sys::napi_env, n: u32) -> napi::Result<sys::napi_value> {
    let mut value = std::ptr::null_mut();
    check(
        unsafe { sys::napi_create_uint32(env, n, &mut value) },
        "number",
    )
    .map(|()| value)
}

unsafe fn js_number(env: sys::napi_env, n: f64) -> napi::Result<sys::napi_value> {
    let mut value = std::ptr::null_mut();
    check(
        unsafe { sys::napi_create_double(env, n, &mut value) },
        "number",
    )
    .map(|()| value)
}

/// Sync results: materialized right away (DELIVERY_JS's `materialize`, compiled
/// once per JS thread, so later monkey-patching of JSON cannot interfere).
impl ToNapiValue for JsonText {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let mut undefined = std::ptr::null_mut();
        let mut result = std::ptr::null_mut();
        unsafe {
            let materialize = cached_function(env, &MATERIALIZE, "materialize")?;
            let tag = js_number(env, val.tag())?;
            let keys_end = js_uint(env, val.keys_len)?;
            let text = if val.segments.is_empty() {
                js_string(env, val)?
            } else {
                js_strings(env, val)?
            };
            check(sys::napi_get_undefined(env, &mut undefined), "undefined")?;
            let args = [text, tag, keys_end];
            check(
                sys::napi_call_function(env, undefined, materialize, 3, args.as_ptr(), &mut result),
                "materialize",
            )?;
        }
        Ok(result)
    }
}

/// Listings with a limit of at least this many rows stream their Sync form.
const STREAM_MIN_LIMIT: i64 = 500;

/// Whether a listing with this page streams its Sync form.
pub fn long(page: crate::args::Page) -> bool {
    page.limit >= STREAM_MIN_LIMIT
}

/// What a Sync method returns: the JSON text of the result, or for a long
/// listing the query itself, run while the JS side takes its result (`stream`).
pub enum SyncRead<Q> {
    Text(JsonText),
    Stream(Arc<Database>, Q),
}

pub fn sync_read<Q: Query>(db: &Arc<Database>, query: Q) -> Result<SyncRead<Q>> {
    if query.streams() {
        Ok(SyncRead::Stream(db.clone(), query))
    } else {
        execute(db, &query, None).map(SyncRead::Text)
    }
}

impl<Q> TypeName for SyncRead<Q> {
    fn type_name() -> &'static str {
        "unknown"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl<Q: Query + Sync> ToNapiValue for SyncRead<Q> {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        match val {
            SyncRead::Text(text) => unsafe { JsonText::to_napi_value(env, text) },
            SyncRead::Stream(db, query) => unsafe { stream(env, &db, &query) },
        }
    }
}

/// A long listing read for a Sync call on two threads: a helper thread runs
/// the query and sends each ~64 KiB row array as soon as it is written, while
/// this (the JS) thread parses the arrays already there. The call lasts about
/// as long as the longer half (usually V8's parsing) instead of their sum.
/// Panics on the helper are caught there, like on an async worker.
unsafe fn stream<Q: Query + Sync>(
    env: sys::napi_env,
    db: &Database,
    query: &Q,
) -> napi::Result<sys::napi_value> {
    // A few arrays in flight: the helper runs ahead of the parser, bounded.
    let (tx, rx) = std::sync::mpsc::sync_channel(4);
    std::thread::scope(|scope| {
        // Builder, not scope.spawn: that panics (here, on the JS thread, an abort)
        // when the OS refuses a thread.
        let spawned = std::thread::Builder::new().spawn_scoped(scope, move || {
            let mut out = Out::streaming(take_buffer(), tx);
            let result = catch_unwind(AssertUnwindSafe(|| {
                panic_probe(Q::NAME, "execute");
                query.execute(db, None, &mut out)
            }))
            .unwrap_or_else(|panic| Err(from_panic(panic, Q::NAME)));
            if result.is_ok() {
                out.finish();
            }
            result
        });
        let helper = match spawned {
            Ok(helper) => helper,
            // No thread to be had (a process limit): the same read, not streamed.
            Err(_) => {
                return match execute(db, query, None) {
                    Ok(text) => unsafe { JsonText::to_napi_value(env, text) },
                    Err(e) => Err(to_napi(&Env::from_raw(env), e)),
                }
            }
        };
        // `rx` is dropped when receive returns, early or not: a helper still
        // sending then stops waiting and finishes.
        let received = unsafe { receive(env, Q::NAME, rx) };
        let produced = helper
            .join()
            .unwrap_or_else(|panic| Err(from_panic(panic, Q::NAME)));
        match produced {
            Err(e) => Err(to_napi(&Env::from_raw(env), e)),
            Ok(()) => received,
        }
    })
}

/// The JS side of `stream`: rows parsed into one array as their pieces arrive.
unsafe fn receive(
    env: sys::napi_env,
    name: &str,
    rx: std::sync::mpsc::Receiver<Part>,
) -> napi::Result<sys::napi_value> {
    let new_array = || {
        let mut rows = std::ptr::null_mut();
        check(unsafe { sys::napi_create_array(env, &mut rows) }, "rows").map(|()| rows)
    };
    let mut rows = new_array()?;
    let mut whole = None;
    for part in rx {
        let (bytes, shape, shape_id, keys_len) = match part {
            Part::Restart => {
                rows = new_array()?;
                continue;
            }
            Part::Text {
                bytes,
                shape,
                shape_id,
                keys_len,
            } => (bytes, shape, shape_id, keys_len),
        };
        let text = JsonText::checked(name, bytes, shape, shape_id, keys_len, Vec::new())
            .map_err(|e| to_napi(&Env::from_raw(env), e))?;
        if shape != Shape::Rows {
            whole = Some(unsafe { JsonText::to_napi_value(env, text) }?);
            continue;
        }
        unsafe {
            let parse_into = cached_function(env, &PARSE_INTO, "parseInto")?;
            let tag = js_number(env, text.tag())?;
            let keys_end = js_uint(env, text.keys_len)?;
            let string = js_string(env, text)?;
            let mut undefined = std::ptr::null_mut();
            check(sys::napi_get_undefined(env, &mut undefined), "undefined")?;
            let args = [rows, string, tag, keys_end];
            let mut ignored = std::ptr::null_mut();
            check(
                sys::napi_call_function(env, undefined, parse_into, 4, args.as_ptr(), &mut ignored),
                "parseInto",
            )?;
        }
    }
    Ok(whole.unwrap_or(rows))
}

/// The JS side of result delivery, compiled once per JS thread (see `script`).
/// Rows arrive as `[keys][[values], ...]` (one row: `[keys][values]`); each key
/// list gets a constructor (`new Function`, cached by shape id), so objects are
/// built with one fixed shape; if code generation is disallowed, a plain loop
/// does the same. Once a shape's constructor exists the keys are not parsed
/// again: `text.slice(keysEnd)` is a V8 sliced string, no copy. For a one-row
/// read that halves the parsing.
///
/// `tag` is 0 for a plain value, else 2 * shape id, plus 1 for a single row.
/// `materialize(text, tag, keysEnd)` turns a Sync result into values; `text` is
/// an array of strings for a segmented listing (rows::SEGMENT_BYTES).
/// `deliver(text, tag, keysEnd, ends)` does it for async results, ~256 KB of
/// row arrays per event-loop turn: libuv runs the completions of work that
/// finished together in one go, and eight 10,000-row results materialized there
/// froze the main thread for ~150 ms. Each turn's share is behind
/// `setImmediate`, so timers, I/O and painting get in between.
const DELIVERY_JS: &str = r#"
  var parse = JSON.parse;
  var later = typeof setImmediate === 'function' ? setImmediate : function (f) { setTimeout(f, 0); };
  var constructors = [];
  function constructorFor(id, keys) {
    var make = constructors[id];
    if (make === undefined) {
      try {
        make = new Function('v', 'return {' + keys.map(function (k, i) {
          return JSON.stringify(k) + ':v[' + i + ']';
        }).join(',') + '};');
      } catch (e) {
        make = function (v) {
          var o = {};
          for (var i = 0; i < keys.length; i++) o[keys[i]] = v[i];
          return o;
        };
      }
      constructors[id] = make;
    }
    return make;
  }
  function rowsInto(into, table, make) {
    for (var i = 0; i < table.length; i++) into.push(make(table[i]));
  }
  function makerFor(tag, text, keysEnd) {
    var id = (tag - tag % 2) / 2;
    var make = constructors[id];
    return make !== undefined ? make : constructorFor(id, parse(text.slice(0, keysEnd)));
  }
  function materialize(text, tag, keysEnd) {
    if (typeof text !== 'string') return materializeParts(text, tag, keysEnd);
    if (keysEnd === 0) return parse(text);
    var v = parse(text.slice(keysEnd));
    var make = makerFor(tag, text, keysEnd);
    if (tag % 2 === 1) return make(v);
    var rows = [];
    rowsInto(rows, v, make);
    return rows;
  }
  function materializeParts(parts, tag, keysEnd) {
    var make = makerFor(tag, parts[0], keysEnd);
    var rows = [];
    rowsInto(rows, parse(parts[0].slice(keysEnd)), make);
    for (var i = 1; i < parts.length; i++) rowsInto(rows, parse(parts[i]), make);
    return rows;
  }
  function parseInto(rows, text, tag, keysEnd) {
    rowsInto(rows, parse(keysEnd === 0 ? text : text.slice(keysEnd)), makerFor(tag, text, keysEnd));
  }
  var queue = [];
  var scheduled = false;
  // Bytes of row arrays parsed per event-loop turn (at least one array).
  var TURN = 262144;
  function step() {
    var job = queue[0];
    try {
      if (job.ends === null) {
        queue.shift();
        job.resolve(materialize(job.text, job.tag, job.keysEnd));
      } else {
        if (job.make === null) job.make = makerFor(job.tag, job.text, job.keysEnd);
        var turn = job.from;
        do {
          var end = job.ends[job.i];
          rowsInto(job.rows, parse(job.text.slice(job.from, end)), job.make);
          job.from = end;
          job.i += 1;
        } while (job.i < job.ends.length && job.ends[job.i] - turn <= TURN);
        if (job.i === job.ends.length) {
          queue.shift();
          job.resolve(job.rows);
        }
      }
    } catch (e) {
      if (queue[0] === job) queue.shift();
      job.reject(e);
    }
    if (queue.length > 0) later(step); else scheduled = false;
  }
  function deliver(text, tag, keysEnd, ends) {
    return new Promise(function (resolve, reject) {
      queue.push({ text: text, tag: tag, keysEnd: keysEnd, ends: ends, resolve: resolve,
                   reject: reject, rows: [], make: null, from: keysEnd, i: 0 });
      if (!scheduled) { scheduled = true; later(step); }
    });
  }
"#;

/// A script evaluating to one of DELIVERY_JS's functions.
fn script(function: &str) -> String {
    format!("(function () {{ 'use strict'; {DELIVERY_JS} return {function}; }})()")
}

type FunctionSlot = std::thread::LocalKey<std::cell::Cell<Option<(sys::napi_env, sys::napi_ref)>>>;

thread_local! {
    /// Functions compiled once per JS thread's env (main thread or a worker;
    /// each has its own): `deliver`, `materialize` and `parseInto`.
    static DELIVER: std::cell::Cell<Option<(sys::napi_env, sys::napi_ref)>> =
        const { std::cell::Cell::new(None) };
    static MATERIALIZE: std::cell::Cell<Option<(sys::napi_env, sys::napi_ref)>> =
        const { std::cell::Cell::new(None) };
    static PARSE_INTO: std::cell::Cell<Option<(sys::napi_env, sys::napi_ref)>> =
        const { std::cell::Cell::new(None) };
}

/// DELIVERY_JS's function `name`, compiled on first use in this env and kept by
/// reference afterwards (the source is only built on that first use).
unsafe fn cached_function(
    env: sys::napi_env,
    slot: &'static FunctionSlot,
    name: &str,
) -> napi::Result<sys::napi_value> {
    let mut value = std::ptr::null_mut();
    if let Some((cached_env, reference)) = slot.with(|d| d.get()) {
        if cached_env == env {
            check(
                unsafe { sys::napi_get_reference_value(env, reference, &mut value) },
                "function",
            )?;
            if !value.is_null() {
                return Ok(value);
            }
        }
    }
    let source = script(name);
    let mut script = std::ptr::null_mut();
    let mut reference = std::ptr::null_mut();
    unsafe {
        check(
            sys::napi_create_string_utf8(
                env,
                source.as_ptr().cast(),
                source.len() as isize,
                &mut script,
            ),
            "function source",
        )?;
        check(
            sys::napi_run_script(env, script, &mut value),
            "function compile",
        )?;
        check(
            sys::napi_create_reference(env, value, 1, &mut reference),
            "function reference",
        )?;
    }
    slot.with(|d| d.set(Some((env, reference))));
    Ok(value)
}

/// An async result: JSON text, and for a large array the end offsets of the
/// consecutive arrays it was split into. Resolves the task's promise with a
/// promise that the `deliver` scheduler fulfils with the parsed value.
pub struct QueuedJson {
    text: JsonText,
    ends: Option<Vec<u32>>,
}

impl QueuedJson {
    /// A segmented listing is delivered an array or a few per turn: `ends` are
    /// the offsets where its row arrays end (written that way by the row
    /// mapper, so nothing is scanned or copied here).
    fn new(mut text: JsonText) -> Self {
        if text.segments.is_empty() || !matches!(text.shape, Shape::Rows) {
            return QueuedJson { text, ends: None };
        }
        let mut ends = std::mem::take(&mut text.segments);
        ends.push(text.bytes.len() as u32);
        QueuedJson {
            text,
            ends: Some(ends),
        }
    }
}

impl TypeName for QueuedJson {
    fn type_name() -> &'static str {
        "Promise"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for QueuedJson {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let mut undefined = std::ptr::null_mut();
        let mut ends = std::ptr::null_mut();
        let mut promise = std::ptr::null_mut();
        unsafe {
            let deliver = cached_function(env, &DELIVER, "deliver")?;
            let tag = js_number(env, val.text.tag())?;
            let keys_end = js_uint(env, val.text.keys_len)?;
            match &val.ends {
                None => check(sys::napi_get_null(env, &mut ends), "null")?,
                Some(points) => {
                    check(
                        sys::napi_create_array_with_length(env, points.len(), &mut ends),
                        "ends",
                    )?;
                    for (i, p) in points.iter().enumerate() {
                        let mut n = std::ptr::null_mut();
                        check(sys::napi_create_uint32(env, *p, &mut n), "end")?;
                        check(sys::napi_set_element(env, ends, i as u32, n), "end")?;
                    }
                }
            }
            let text = js_string(env, val.text)?;
            check(sys::napi_get_undefined(env, &mut undefined), "undefined")?;
            let args = [text, tag, keys_end, ends];
            check(
                sys::napi_call_function(env, undefined, deliver, 4, args.as_ptr(), &mut promise),
                "deliver",
            )?;
        }
        Ok(promise)
    }
}

/// The async form of a query or an operation: validated on the JS thread, run
/// on the threadpool.
/// A validation error is delivered as a rejection, never a synchronous throw.
pub struct ReadTask<Q: Query> {
    db: Arc<Database>,
    query: Option<Result<Q>>,
    /// The caller's AbortSignal / timeoutMs, if any.
    cancel: Option<crate::cancel::CallCancel>,
    /// Reads take a CPU slot (slots.rs); writes and maintenance do not: a write
    /// waiting out Python's lock must not hold up the dashboard's reads.
    throttled: bool,
}

impl<Q: Query> ReadTask<Q> {
    pub fn new(db: Arc<Database>, query: Result<Q>) -> Self {
        ReadTask {
            db,
            query: Some(query),
            cancel: None,
            throttled: false,
        }
    }

    /// With the trailing `{ signal, timeoutMs }` argument of an async call.
    pub fn with_call(
        db: Arc<Database>,
        env: &Env,
        query: Result<Q>,
        call: Option<&Unknown<'_>>,
    ) -> Self {
        match crate::cancel::CallCancel::from_js(env, Q::NAME, call) {
            Ok(cancel) => ReadTask {
                db,
                query: Some(query),
                cancel,
                throttled: true,
            },
            Err(e) => ReadTask {
                db,
                query: Some(query.and(Err(e))),
                cancel: None,
                throttled: true,
            },
        }
    }
}

impl<Q: Query> Task for ReadTask<Q> {
    type Output = Result<QueuedJson>;
    type JsValue = QueuedJson;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let query = self
            .query
            .take()
            .unwrap_or_else(|| Err(DbError::internal(format!("{}: task ran twice", Q::NAME))));
        let cancel = self.cancel.as_ref().map(|c| c.token());
        // At most cores-1 reads run SQLite at once (see slots.rs); a call
        // cancelled while it waits fails in `execute` without touching SQLite.
        let _slot = if self.throttled {
            crate::slots::acquire(cancel)
        } else {
            None
        };
        // Slicing is worked out here, on the worker thread, not at delivery.
        Ok(query
            .and_then(|q| execute(&self.db, &q, cancel))
            .map(QueuedJson::new))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<QueuedJson> {
        output.map_err(|e| to_napi(&env, e))
    }

    fn finally(mut self, env: Env) -> napi::Result<()> {
        // Stop listening to the caller's AbortSignal (it may outlive the call).
        if let Some(cancel) = self.cancel.take() {
            cancel.release(&env);
        }
        Ok(())
    }
}

/// Declares queries as exported methods of `TaktikDatabase`, async and Sync:
///
/// ```text
/// /// doc comment
/// QueryType => async_name, sync_name, "TsType", "Promise<TsType>",
///     (required_arg: "ts type", ...), (optional_arg: "ts type", ...);
/// ```
///
/// The async form of a read takes one more argument, `{ signal, timeoutMs }`.
#[macro_export]
macro_rules! read_api {
    ($(
        $(#[$meta:meta])*
        $query:ty => $async_fn:ident, $sync_fn:ident, $ts:literal, $ts_promise:literal,
            ($($req:ident : $req_ts:literal),*), ($($opt:ident : $opt_ts:literal),*);
    )*) => {
        use $crate::database::TaktikDatabase;

        #[napi_derive::napi]
        impl TaktikDatabase {
            $(
                $(#[$meta])*
                #[napi(ts_return_type = $ts_promise)]
                pub fn $async_fn(
                    &self,
                    env: napi::Env,
                    $(#[napi(ts_arg_type = $req_ts)] $req: napi::Unknown,)*
                    $(#[napi(ts_arg_type = $opt_ts)] $opt: Option<napi::Unknown>,)*
                    #[napi(ts_arg_type = "CallOptions")] call: Option<napi::Unknown>,
                ) -> napi::bindgen_prelude::AsyncTask<$crate::api::ReadTask<$query>> {
                    let query = $crate::api::parse::<$query>(&self.db, &env, &[$(Some(&$req),)* $($opt.as_ref(),)*]);
                    napi::bindgen_prelude::AsyncTask::new($crate::api::ReadTask::with_call(self.db.clone(), &env, query, call.as_ref()))
                }
            )*
        }
        $crate::sync_api! { $( $(#[$meta])* $query => $sync_fn, $ts, ($($req : $req_ts),*), ($($opt : $opt_ts),*); )* }
    };
}

/// `read_api!` for writes and maintenance: the same two forms, without the
/// trailing `{ signal, timeoutMs }` (a write is never cut off halfway: it
/// commits or rolls back as a whole).
#[macro_export]
macro_rules! op_api {
    ($(
        $(#[$meta:meta])*
        $query:ty => $async_fn:ident, $sync_fn:ident, $ts:literal, $ts_promise:literal,
            ($($req:ident : $req_ts:literal),*), ($($opt:ident : $opt_ts:literal),*);
    )*) => {
        use $crate::database::TaktikDatabase;

        #[napi_derive::napi]
        impl TaktikDatabase {
            $(
                $(#[$meta])*
                #[napi(ts_return_type = $ts_promise)]
                pub fn $async_fn(
                    &self,
                    env: napi::Env,
                    $(#[napi(ts_arg_type = $req_ts)] $req: napi::Unknown,)*
                    $(#[napi(ts_arg_type = $opt_ts)] $opt: Option<napi::Unknown>,)*
                ) -> napi::bindgen_prelude::AsyncTask<$crate::api::ReadTask<$query>> {
                    let query = $crate::api::parse::<$query>(&self.db, &env, &[$(Some(&$req),)* $($opt.as_ref(),)*]);
                    napi::bindgen_prelude::AsyncTask::new($crate::api::ReadTask::new(self.db.clone(), query))
                }
            )*
        }
        $crate::sync_api! { $( $(#[$meta])* $query => $sync_fn, $ts, ($($req : $req_ts),*), ($($opt : $opt_ts),*); )* }
    };
}

/// The `…Sync` forms both macros above export: `sync_read` on the calling thread.
#[macro_export]
macro_rules! sync_api {
    ($(
        $(#[$meta:meta])*
        $query:ty => $sync_fn:ident, $ts:literal,
            ($($req:ident : $req_ts:literal),*), ($($opt:ident : $opt_ts:literal),*);
    )*) => {
        // `TaktikDatabase` is in scope: read_api!/op_api! imported it.
        #[napi_derive::napi]
        impl TaktikDatabase {
            $(
                $(#[$meta])*
                #[napi(ts_return_type = $ts)]
                pub fn $sync_fn(
                    &self,
                    env: napi::Env,
                    $(#[napi(ts_arg_type = $req_ts)] $req: napi::Unknown,)*
                    $(#[napi(ts_arg_type = $opt_ts)] $opt: Option<napi::Unknown>,)*
                ) -> napi::Result<$crate::api::SyncRead<$query>> {
                    $crate::api::parse::<$query>(&self.db, &env, &[$(Some(&$req),)* $($opt.as_ref(),)*])
                        .and_then(|q| $crate::api::sync_read(&self.db, q))
                        .map_err(|e| $crate::api::to_napi(&env, e))
                }
            )*
        }
    };
}

//! Results handed to JavaScript. A call's [`Answer`] (JSON text and its form)
//! becomes a JS string that the functions of `lib/deliver.js` parse into
//! values: `materialize` for a Sync call, `deliver` (a few hundred KB per
//! event-loop turn) for an async one, `parseInto` while a long Sync listing
//! streams in from the thread that runs it. index.js hands those functions to
//! [`initialize`] once per environment (main thread or worker); they are kept
//! by reference for that environment's thread. A call in an environment that
//! was never initialized fails with INTERNAL, never with a crash.

use std::cell::RefCell;
use std::sync::Arc;

use napi::bindgen_prelude::{Function, JsObjectValue, Object, ToNapiValue, TypeName};
use napi::{sys, Env, JsValue, Unknown, ValueType};
use napi_derive::napi;

use super::error::to_napi;
use crate::base::error::DbError;
use crate::db::database::Database;
use crate::query::{answer, run_caught, Answer, Job};
use crate::rows::pool::{give_back, take_buffer};
use crate::rows::{Form, Next, Out, Part};

/// The functions of lib/deliver.js.
#[derive(Clone, Copy)]
enum Helper {
    Deliver = 0,
    Materialize = 1,
    ParseInto = 2,
}

const HELPER_NAMES: [&str; 3] = ["deliver", "materialize", "parseInto"];

/// What one environment's lib/deliver.js handed over: its helpers, and the
/// `meta` array of the Sync reads' fast path (node/fast.rs).
struct Helpers {
    env: sys::napi_env,
    /// The helpers, then `meta`'s ArrayBuffer (kept alive with them).
    refs: [sys::napi_ref; 4],
    meta: Meta,
}

thread_local! {
    /// The helpers of each environment on this thread: usually one, but an
    /// embedder (Electron with Node in several frames of one renderer) may run
    /// several on one thread.
    static HELPERS: RefCell<Vec<Helpers>> = const { RefCell::new(Vec::new()) };
}

/// lib/deliver.js's `meta` (a Float64Array of 3, over an ArrayBuffer whose
/// memory never moves): what a Sync read's fast path returned.
#[derive(Clone, Copy)]
pub(crate) struct Meta(*mut f64);

impl Meta {
    /// Text to materialize (a string, or an array of row-array strings).
    pub const TEXT: f64 = 1.0;
    /// A value, ready.
    pub const VALUE: f64 = 0.0;
    /// Not run: `this` is not a database the fast path knows.
    pub const NOT_MINE: f64 = -1.0;

    /// # Safety
    /// On the JS thread of the environment this Meta belongs to.
    pub unsafe fn set(self, kind: f64, tag: f64, keys_end: f64) {
        unsafe {
            *self.0 = tag;
            *self.0.add(1) = keys_end;
            *self.0.add(2) = kind;
        }
    }
}

/// This environment's `meta`, or INTERNAL if index.js did not initialize it.
pub(crate) unsafe fn meta(env: sys::napi_env) -> napi::Result<Meta> {
    HELPERS
        .with(|h| h.borrow().iter().find(|x| x.env == env).map(|x| x.meta))
        .ok_or_else(|| to_napi(&Env::from_raw(env), not_initialized()))
}

fn not_initialized() -> DbError {
    DbError::internal(
        "taktik-db was not initialized in this environment: load it through its package \
         entry (require('taktik-db')), not the native binary or binding.js directly",
    )
}

/// Called once by index.js at load, with `{ deliver, materialize, parseInto,
/// meta }` from lib/deliver.js. Returns the Sync reads' fast path (node/fast.rs):
/// `{ syncRead, syncReads }`, the function and the JS names of the reads by
/// index. Loading the addon again in the same environment (a test runner's
/// fresh module registry) replaces the previous references.
#[napi(skip_typescript)]
pub fn initialize<'env>(env: &'env Env, helpers: Object<'env>) -> napi::Result<Object<'env>> {
    let raw = env.raw();
    let mut refs = [std::ptr::null_mut(); 4];
    for (i, name) in HELPER_NAMES.iter().enumerate() {
        let f: Function<'_, (), ()> = helpers.get(name)?.ok_or_else(|| {
            to_napi(
                env,
                DbError::internal(format!("initialize: {name} is missing")),
            )
        })?;
        check(
            unsafe { sys::napi_create_reference(raw, f.raw(), 1, &mut refs[i]) },
            "helper reference",
        )?;
    }
    let buffer: Unknown<'_> = helpers
        .get("meta")?
        .ok_or_else(|| to_napi(env, DbError::internal("initialize: meta is missing")))?;
    let mut data = std::ptr::null_mut();
    let mut bytes = 0;
    check(
        unsafe { sys::napi_get_arraybuffer_info(raw, buffer.raw(), &mut data, &mut bytes) },
        "meta",
    )?;
    if bytes < 3 * std::mem::size_of::<f64>() || data.is_null() {
        return Err(to_napi(
            env,
            DbError::internal("initialize: meta is too small"),
        ));
    }
    check(
        unsafe { sys::napi_create_reference(raw, buffer.raw(), 1, &mut refs[3]) },
        "meta reference",
    )?;
    let meta = Meta(data.cast());
    let replaced = HELPERS.with(|h| {
        let mut h = h.borrow_mut();
        match h.iter_mut().find(|x| x.env == raw) {
            Some(entry) => {
                entry.meta = meta;
                Some(std::mem::replace(&mut entry.refs, refs))
            }
            None => {
                h.push(Helpers {
                    env: raw,
                    refs,
                    meta,
                });
                None
            }
        }
    });
    match replaced {
        Some(old) => {
            for r in old {
                unsafe { sys::napi_delete_reference(raw, r) };
            }
        }
        // First time in this environment: forget it when it is torn down
        // (its references go with it), so a later environment at the same
        // address is not taken for it.
        None => check(
            unsafe { sys::napi_add_env_cleanup_hook(raw, Some(forget_env), raw.cast()) },
            "cleanup hook",
        )?,
    }
    let mut fast = Object::new(env)?;
    let mut sync_read = std::ptr::null_mut();
    let name = "syncRead";
    check(
        unsafe {
            sys::napi_create_function(
                raw,
                name.as_ptr().cast(),
                name.len() as isize,
                Some(super::fast::sync_read),
                std::ptr::null_mut(),
                &mut sync_read,
            )
        },
        "syncRead",
    )?;
    fast.set_named_property("syncRead", unsafe {
        Unknown::from_raw_unchecked(raw, sync_read)
    })?;
    // By index; null where the entry is not a read.
    let names: Vec<Option<String>> = crate::node::exports::SYNC_READS
        .iter()
        .map(|r| r.map(|(snake, ..)| camel_case(snake)))
        .collect();
    fast.set_named_property("syncReads", names)?;
    Ok(fast)
}

/// napi-rs's JS name of a snake_case method (`get_tik_tok_accounts_sync` ->
/// `getTikTokAccountsSync`).
fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

unsafe extern "C" fn forget_env(env: *mut std::ffi::c_void) {
    let env: sys::napi_env = env.cast();
    // During teardown: never panic across the FFI boundary.
    let _ = HELPERS.try_with(|h| {
        if let Ok(mut h) = h.try_borrow_mut() {
            h.retain(|x| x.env != env);
        }
    });
}

/// A helper of this environment, or INTERNAL if index.js did not initialize it.
unsafe fn helper(env: sys::napi_env, which: Helper) -> napi::Result<sys::napi_value> {
    let mut value = std::ptr::null_mut();
    let reference = HELPERS.with(|h| {
        h.borrow()
            .iter()
            .find(|x| x.env == env)
            .map(|x| x.refs[which as usize])
    });
    if let Some(reference) = reference {
        check(
            unsafe { sys::napi_get_reference_value(env, reference, &mut value) },
            "helper",
        )?;
        if !value.is_null() {
            return Ok(value);
        }
    }
    Err(to_napi(&Env::from_raw(env), not_initialized()))
}

/// How JS tells the forms apart: `2 * columns id + 1` for one row,
/// `2 * columns id` for rows, 0 for a plain value (one number, not two).
fn tag(a: &Answer) -> f64 {
    match a.form {
        Form::Plain => 0.0,
        Form::Rows => 2.0 * f64::from(a.columns_id),
        Form::Row => 2.0 * f64::from(a.columns_id) + 1.0,
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
unsafe fn js_string(env: sys::napi_env, text: Answer) -> napi::Result<sys::napi_value> {
    let value = unsafe { js_substring(env, &text, 0, text.bytes.len()) };
    give_back(text.bytes);
    value
}

/// `text.bytes[from..to]` as a JS string (cut at ASCII bytes, so whole chars).
unsafe fn js_substring(
    env: sys::napi_env,
    text: &Answer,
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
unsafe fn js_strings(env: sys::napi_env, text: Answer) -> napi::Result<sys::napi_value> {
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

/// A Sync result, materialized right away by lib/deliver.js's `materialize`.
unsafe fn materialize(env: sys::napi_env, mut val: Answer) -> napi::Result<sys::napi_value> {
    let mut undefined = std::ptr::null_mut();
    let mut result = std::ptr::null_mut();
    let next = std::mem::take(&mut val.next);
    unsafe {
        let materialize = helper(env, Helper::Materialize)?;
        let tag = js_number(env, tag(&val))?;
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
        set_next(env, result, &next)?;
    }
    Ok(result)
}

/// A listing's cursor as a JS value: a string, or null after the last page
/// (None: not a listing).
unsafe fn js_next(env: sys::napi_env, next: &Next) -> napi::Result<Option<sys::napi_value>> {
    let mut value = std::ptr::null_mut();
    match next {
        Next::None => return Ok(None),
        Next::End => check(unsafe { sys::napi_get_null(env, &mut value) }, "null")?,
        Next::After(c) => check(
            unsafe {
                sys::napi_create_string_latin1(env, c.as_ptr().cast(), c.len() as isize, &mut value)
            },
            "cursor",
        )?,
    }
    Ok(Some(value))
}

/// `rows.nextCursor`, read-only and not enumerable (as lib/deliver.js sets it
/// on async results): rows still compare and serialize as plain arrays.
unsafe fn set_next(env: sys::napi_env, rows: sys::napi_value, next: &Next) -> napi::Result<()> {
    let Some(value) = unsafe { js_next(env, next) }? else {
        return Ok(());
    };
    let property = sys::napi_property_descriptor {
        utf8name: c"nextCursor".as_ptr(),
        name: std::ptr::null_mut(),
        method: None,
        getter: None,
        setter: None,
        value,
        attributes: sys::PropertyAttributes::default,
        data: std::ptr::null_mut(),
    };
    check(
        unsafe { sys::napi_define_properties(env, rows, 1, &property) },
        "nextCursor",
    )
}

/// A Sync read's answer for its fast path (node/fast.rs): text for
/// lib/deliver.js to materialize (said in `meta`, with its tag and key length),
/// or a listing's rows, already values with their `nextCursor`.
pub(crate) unsafe fn fast_value<J: Job>(
    env: sys::napi_env,
    answer: SyncAnswer<J>,
) -> napi::Result<sys::napi_value> {
    let meta = unsafe { meta(env) }?;
    match answer {
        // A listing's page carries its cursor: materialized here, where
        // `nextCursor` is set (a listing is long enough that the call back
        // into JS does not count).
        SyncAnswer::Text(text) if !matches!(text.next, Next::None) => {
            let value = unsafe { materialize(env, text) }?;
            unsafe { meta.set(Meta::VALUE, 0.0, 0.0) };
            Ok(value)
        }
        SyncAnswer::Text(text) => {
            let (tag, keys_end) = (tag(&text), f64::from(text.keys_len));
            let value = if text.segments.is_empty() {
                unsafe { js_string(env, text) }
            } else {
                unsafe { js_strings(env, text) }
            }?;
            unsafe { meta.set(Meta::TEXT, tag, keys_end) };
            Ok(value)
        }
        SyncAnswer::Stream(db, job) => {
            let value = unsafe { stream(env, db, job) }?;
            unsafe { meta.set(Meta::VALUE, 0.0, 0.0) };
            Ok(value)
        }
    }
}

/// What a Sync method returns: the answer, or for a long listing the job
/// itself, run while the JS side takes its result (`stream`).
pub(crate) enum SyncAnswer<J> {
    Text(Answer),
    Stream(Arc<Database>, J),
}

impl<J> TypeName for SyncAnswer<J> {
    fn type_name() -> &'static str {
        "unknown"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl<J: Job> ToNapiValue for SyncAnswer<J> {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        match val {
            SyncAnswer::Text(text) => unsafe { materialize(env, text) },
            SyncAnswer::Stream(db, job) => unsafe { stream(env, db, job) },
        }
    }
}

/// A long listing read for a Sync call on two threads: a helper thread runs
/// the query and sends each row array as soon as it is written (the first
/// ones small, see rows::out), while this (the JS) thread parses the arrays
/// already there. The call lasts about as long as the longer half (usually
/// V8's parsing) instead of their sum. Helpers are kept between calls
/// ([`on_helper_thread`]): spawning and joining a thread cost 40-50 µs per call on the
/// benchmark machine. Panics on the helper are caught there, like on an async
/// worker.
unsafe fn stream<J: Job>(
    env: sys::napi_env,
    db: Arc<Database>,
    job: J,
) -> napi::Result<sys::napi_value> {
    // A few arrays in flight: the helper runs ahead of the parser, bounded.
    let (tx, rx) = std::sync::mpsc::sync_channel(4);
    let (done_tx, done_rx) = std::sync::mpsc::sync_channel(1);
    let shared = Arc::new((db, job));
    let work = shared.clone();
    let task: HelperTask = Box::new(move || {
        let (db, job) = &*work;
        let mut out = Out::streaming(take_buffer(), tx);
        let result = run_caught(db, job, None, &mut out);
        if result.is_ok() {
            out.finish();
        }
        // `out` (and with it the sender of the arrays) is dropped here: the
        // JS thread's receive loop ends; the result follows.
        Box::new(move || {
            let _ = done_tx.send(result);
        })
    });
    if let Err(task) = on_helper_thread(task) {
        drop(task);
        // No thread to be had (a process limit): the same read, not streamed.
        let (db, job) = &*shared;
        return match answer(db, job, None) {
            Ok(text) => unsafe { materialize(env, text) },
            Err(e) => Err(to_napi(&Env::from_raw(env), e)),
        };
    }
    // `rx` is dropped when receive returns, early or not: a helper still
    // sending then stops waiting and finishes.
    let received = unsafe { receive(env, J::NAME, rx) };
    let produced = done_rx.recv().unwrap_or_else(|_| {
        Err(DbError::internal(format!(
            "{}: the helper thread stopped",
            J::NAME
        )))
    });
    match produced {
        Err(e) => Err(to_napi(&Env::from_raw(env), e)),
        Ok(()) => received,
    }
}

/// Work for a kept helper thread: it runs, then returns what to do once the
/// helper is idle again (send the result: so the next call finds the helper
/// idle instead of spawning another).
type HelperTask = Box<dyn FnOnce() -> Box<dyn FnOnce() + Send> + Send>;

/// Helpers waiting for work, at most [`IDLE_HELPERS`].
static IDLE: std::sync::Mutex<Vec<std::sync::mpsc::Sender<HelperTask>>> =
    std::sync::Mutex::new(Vec::new());
/// One per JS thread that streams at the same moment is enough; more are let go.
const IDLE_HELPERS: usize = 2;

/// Runs `task` on an idle helper thread, or a new one; gives it back if no
/// thread can be started.
fn on_helper_thread(task: HelperTask) -> std::result::Result<(), HelperTask> {
    let idle = IDLE.lock().unwrap_or_else(|p| p.into_inner()).pop();
    let task = match idle {
        Some(tx) => match tx.send(task) {
            Ok(()) => return Ok(()),
            Err(std::sync::mpsc::SendError(task)) => task,
        },
        None => task,
    };
    let (tx, rx) = std::sync::mpsc::channel::<HelperTask>();
    let me = tx.clone();
    let spawned = std::thread::Builder::new()
        .name("taktik-db-stream".into())
        .spawn(move || {
            for task in rx {
                // The task catches the query's panics; anything else must not
                // take the helper down silently.
                let then = std::panic::catch_unwind(std::panic::AssertUnwindSafe(task));
                {
                    let mut idle = IDLE.lock().unwrap_or_else(|p| p.into_inner());
                    let keep = idle.len() < IDLE_HELPERS;
                    if keep {
                        idle.push(me.clone());
                    }
                    drop(idle);
                    if let Ok(then) = then {
                        then();
                    }
                    if !keep {
                        return;
                    }
                }
            }
        });
    if spawned.is_err() {
        return Err(task);
    }
    tx.send(task)
        .map_err(|std::sync::mpsc::SendError(task)| task)
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
    let mut next = Next::None;
    for part in rx {
        let (bytes, form, columns_id, keys_len) = match part {
            Part::Restart => {
                rows = new_array()?;
                continue;
            }
            Part::Next(n) => {
                next = n;
                continue;
            }
            Part::Text {
                bytes,
                form,
                columns_id,
                keys_len,
            } => (bytes, form, columns_id, keys_len),
        };
        let text = Answer::checked(name, bytes, form, columns_id, keys_len, Vec::new())
            .map_err(|e| to_napi(&Env::from_raw(env), e))?;
        if form != Form::Rows {
            whole = Some(unsafe { materialize(env, text) }?);
            continue;
        }
        unsafe {
            let parse_into = helper(env, Helper::ParseInto)?;
            let tag = js_number(env, tag(&text))?;
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
    match whole {
        Some(value) => Ok(value),
        None => unsafe { set_next(env, rows, &next) }.map(|()| rows),
    }
}

/// An async result: the answer, and for a large array the end offsets of the
/// consecutive arrays it was split into. Resolves the task's promise with a
/// promise that lib/deliver.js's `deliver` fulfils with the parsed value.
pub(crate) struct AsyncAnswer {
    text: Answer,
    ends: Option<Vec<u32>>,
}

impl AsyncAnswer {
    /// A segmented listing is delivered an array or a few per turn: `ends` are
    /// the offsets where its row arrays end (written that way by the row
    /// mapper, so nothing is scanned or copied here).
    pub(crate) fn new(mut text: Answer) -> Self {
        if text.segments.is_empty() || !matches!(text.form, Form::Rows) {
            return AsyncAnswer { text, ends: None };
        }
        let mut ends = std::mem::take(&mut text.segments);
        ends.push(text.bytes.len() as u32);
        AsyncAnswer {
            text,
            ends: Some(ends),
        }
    }
}

impl TypeName for AsyncAnswer {
    fn type_name() -> &'static str {
        "Promise"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for AsyncAnswer {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let mut undefined = std::ptr::null_mut();
        let mut ends = std::ptr::null_mut();
        let mut promise = std::ptr::null_mut();
        unsafe {
            let deliver = helper(env, Helper::Deliver)?;
            let tag = js_number(env, tag(&val.text))?;
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
            check(sys::napi_get_undefined(env, &mut undefined), "undefined")?;
            let next = js_next(env, &val.text.next)?.unwrap_or(undefined);
            let text = js_string(env, val.text)?;
            let args = [text, tag, keys_end, ends, next];
            check(
                sys::napi_call_function(env, undefined, deliver, 5, args.as_ptr(), &mut promise),
                "deliver",
            )?;
        }
        Ok(promise)
    }
}

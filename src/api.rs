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

/// A read query with its arguments already validated.
pub trait Query: Send + Sized + 'static {
    /// The JS name of the async form, used in error messages.
    const NAME: &'static str;
    /// Validates the JS arguments, in declaration order (missing ones are None).
    fn parse(env: &Env, args: &[Option<&Unknown<'_>>]) -> Result<Self>;
    /// Runs the SQL on a read connection, writing the JSON result into `out`.
    fn run(&self, conn: &Connection, out: &mut Vec<u8>) -> rusqlite::Result<()>;
}

/// Everything done on the JS thread when a call is made: the open check, then
/// validation, with panics caught (a bug in a parser must not abort Electron).
pub fn parse<Q: Query>(db: &Database, env: &Env, args: &[Option<&Unknown<'_>>]) -> Result<Q> {
    db.ensure_open()?;
    catch_unwind(AssertUnwindSafe(|| Q::parse(env, args)))
        .unwrap_or_else(|panic| Err(from_panic(panic, Q::NAME)))
}

/// The shared body of both forms.
pub fn execute<Q: Query>(db: &Database, query: &Q) -> Result<JsonText> {
    let mut out = take_buffer();
    match db.read(Q::NAME, |conn| query.run(conn, &mut out)) {
        // The row mapper only ever writes valid UTF-8; checked, not assumed.
        Ok(()) if std::str::from_utf8(&out).is_ok() => Ok(JsonText(out)),
        Ok(()) => {
            give_back(out);
            Err(DbError::internal(format!(
                "{}: result was not UTF-8",
                Q::NAME
            )))
        }
        Err(e) => {
            give_back(out);
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

fn take_buffer() -> Vec<u8> {
    let pooled = BUFFERS.lock().unwrap_or_else(|p| p.into_inner()).pop();
    pooled.unwrap_or_else(|| Vec::with_capacity(64 << 10))
}

fn give_back(mut buffer: Vec<u8>) {
    if buffer.capacity() > MAX_POOLED_BYTES {
        return;
    }
    buffer.clear();
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
/// buffer that goes back to the pool once V8 has copied it.
pub struct JsonText(Vec<u8>);

impl TypeName for JsonText {
    fn type_name() -> &'static str {
        "unknown"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ToNapiValue for JsonText {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let check = |status: sys::napi_status, what: &str| {
            if status == sys::Status::napi_ok {
                Ok(())
            } else {
                Err(napi::Error::from_reason(format!(
                    "JSON.parse of a result failed at {what} ({status})"
                )))
            }
        };
        let mut global = std::ptr::null_mut();
        let mut json = std::ptr::null_mut();
        let mut parse = std::ptr::null_mut();
        let mut text = std::ptr::null_mut();
        let mut result = std::ptr::null_mut();
        unsafe {
            check(sys::napi_get_global(env, &mut global), "global")?;
            check(
                sys::napi_get_named_property(env, global, c"JSON".as_ptr(), &mut json),
                "JSON",
            )?;
            check(
                sys::napi_get_named_property(env, json, c"parse".as_ptr(), &mut parse),
                "JSON.parse",
            )?;
            // The row mapper escapes every non-ASCII char, so results are ASCII:
            // a one-byte V8 string is a plain copy and JSON.parse's fast path.
            // Anything else still takes the UTF-8 route.
            let text_bytes = &val.0;
            let (ptr, len) = (text_bytes.as_ptr().cast(), text_bytes.len() as isize);
            let status = if text_bytes.is_ascii() {
                sys::napi_create_string_latin1(env, ptr, len, &mut text)
            } else {
                sys::napi_create_string_utf8(env, ptr, len, &mut text)
            };
            let created = check(status, "string");
            give_back(val.0);
            created?;
            check(
                sys::napi_call_function(env, json, parse, 1, &text, &mut result),
                "call",
            )?;
        }
        Ok(result)
    }
}

/// The async form of a query: validated on the JS thread, run on the threadpool.
/// A validation error is delivered as a rejection, never a synchronous throw.
pub struct ReadTask<Q: Query> {
    db: Arc<Database>,
    query: Option<Result<Q>>,
}

impl<Q: Query> ReadTask<Q> {
    pub fn new(db: Arc<Database>, query: Result<Q>) -> Self {
        ReadTask {
            db,
            query: Some(query),
        }
    }
}

impl<Q: Query> Task for ReadTask<Q> {
    type Output = Result<JsonText>;
    type JsValue = JsonText;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let query = self
            .query
            .take()
            .unwrap_or_else(|| Err(DbError::internal(format!("{}: task ran twice", Q::NAME))));
        Ok(query.and_then(|q| execute(&self.db, &q)))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<JsonText> {
        output.map_err(|e| to_napi(&env, e))
    }
}

/// Declares queries as exported methods of `TaktikDatabase`, async and Sync:
///
/// ```text
/// /// doc comment
/// QueryType => async_name, sync_name, "TsType", "Promise<TsType>",
///     (required_arg: "ts type", ...), (optional_arg: "ts type", ...);
/// ```
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
                ) -> napi::bindgen_prelude::AsyncTask<$crate::api::ReadTask<$query>> {
                    let query = $crate::api::parse::<$query>(&self.db, &env, &[$(Some(&$req),)* $($opt.as_ref(),)*]);
                    napi::bindgen_prelude::AsyncTask::new($crate::api::ReadTask::new(self.db.clone(), query))
                }

                $(#[$meta])*
                #[napi(ts_return_type = $ts)]
                pub fn $sync_fn(
                    &self,
                    env: napi::Env,
                    $(#[napi(ts_arg_type = $req_ts)] $req: napi::Unknown,)*
                    $(#[napi(ts_arg_type = $opt_ts)] $opt: Option<napi::Unknown>,)*
                ) -> napi::Result<$crate::api::JsonText> {
                    $crate::api::parse::<$query>(&self.db, &env, &[$(Some(&$req),)* $($opt.as_ref(),)*])
                        .and_then(|q| $crate::api::execute(&self.db, &q))
                        .map_err(|e| $crate::api::to_napi(&env, e))
                }
            )*
        }
    };
}

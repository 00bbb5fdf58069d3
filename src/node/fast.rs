//! The Sync reads' short way in and out. A Sync read through napi-rs's class
//! glue cost ~0.5 µs before any SQL: ~0.15 µs of receiver unwrapping and
//! borrow tracking (global locks and maps, per call) and ~0.15 µs for calling
//! back into lib/deliver.js's `materialize` from native code (a V8
//! Function::Call), on a single-row read of ~4 µs.
//!
//! lib/deliver.js puts, in front of every Sync read on TaktikDatabase's
//! prototype, a JS function that calls [`sync_read`] with the read's index in
//! [`crate::node::exports::SYNC_READS`], and materializes what it returns itself:
//! `sync_read` is a plain Node-API callback that finds the database behind
//! `this` (a TaktikDatabase that napi-rs has already handed to one of its
//! methods, see [`seen`]: index.js reads `isOpen` of every database it opens),
//! runs the read, and says in a shared Float64Array (`meta`) whether it
//! returns text to materialize (and its tag and key length), a value, or
//! nothing because the receiver is not one it knows: the JS function then
//! calls the napi-rs method it replaced, which behaves as before (and marks
//! the database seen). The async forms are unchanged.

use std::collections::HashSet;
use std::hash::BuildHasherDefault;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use napi::{sys, Env, JsError, JsValue, Unknown};

use super::args::JsArgs;
use super::class::TaktikDatabase;
use super::deliver::{fast_value, meta, Meta};
use super::error::to_napi;
use crate::base::error::from_panic;
use crate::db::database::Database;
use crate::query::{Read, Reading};

/// The most arguments a Sync read takes here (lib/deliver.js passes this many);
/// one with more keeps its napi-rs method.
pub(crate) const MAX_ARGS: usize = 3;

/// One Sync read: its JS name (snake case), its arguments' names, how many of
/// them are required, and the function that runs it.
pub(crate) type SyncRead = (&'static str, &'static [&'static str], usize, ReadFn);

pub(crate) type ReadFn = unsafe fn(
    sys::napi_env,
    &Arc<Database>,
    &'static [&'static str],
    usize,
    &[sys::napi_value],
) -> napi::Result<sys::napi_value>;

type Addresses = HashSet<usize, BuildHasherDefault<crate::rows::AddressHasher>>;

/// The TaktikDatabase values napi-rs has handed to a method as `&self`, by
/// address: `napi_unwrap` of `this` is one of them only if `this` is a live
/// TaktikDatabase (napi-rs checked its class; [`gone`] removes it before the
/// memory can be reused).
static SEEN: Mutex<Addresses> = Mutex::new(HashSet::with_hasher(BuildHasherDefault::new()));

fn seen_set() -> std::sync::MutexGuard<'static, Addresses> {
    SEEN.lock().unwrap_or_else(|p| p.into_inner())
}

/// Marks `db` as reachable through [`sync_read`] (called by its Sync reads' napi-rs methods).
pub(crate) fn seen(db: &TaktikDatabase) {
    seen_set().insert(db as *const TaktikDatabase as usize);
}

/// `db` is being dropped.
pub(crate) fn gone(db: &TaktikDatabase) {
    seen_set().remove(&(db as *const TaktikDatabase as usize));
}

/// Runs Sync read `Q` with the call's arguments (`argv`: MAX_ARGS of them,
/// undefined past what the caller passed; `names` says which `Q::parse` asks for, the first
/// `required` always, the others absent when undefined or null, as napi-rs
/// passes an `Option`).
pub(crate) unsafe fn read<Q: Read>(
    env: sys::napi_env,
    db: &Arc<Database>,
    names: &'static [&'static str],
    required: usize,
    argv: &[sys::napi_value],
) -> napi::Result<sys::napi_value> {
    let js = Env::from_raw(env);
    let n = names.len();
    let unknowns: [Unknown<'_>; MAX_ARGS] =
        std::array::from_fn(|i| unsafe { Unknown::from_raw_unchecked(env, argv[i]) });
    let values: [Option<&Unknown<'_>>; MAX_ARGS] = std::array::from_fn(|i| {
        let v = &unknowns[i];
        (i < n && (i < required || !nullish(env, v))).then_some(v)
    });
    let job = super::task::parse(db, || {
        let args = JsArgs::new(&js, Q::NAME, names, &values[..n]);
        Q::parse(&args).map(Reading)
    });
    let answer = super::task::run_sync(&js, db, job)?;
    unsafe { fast_value(env, answer) }
}

fn nullish(env: sys::napi_env, v: &Unknown<'_>) -> bool {
    let mut t = 0;
    let status = unsafe { sys::napi_typeof(env, v.raw(), &mut t) };
    status == sys::Status::napi_ok
        && (t == sys::ValueType::napi_undefined || t == sys::ValueType::napi_null)
}

/// The Node-API callback behind every Sync read's JS function:
/// `syncRead.call(db, index, a, b)`.
pub(crate) unsafe extern "C" fn sync_read(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // Nothing unwinds into Node: a panic becomes INTERNAL, as on every other path.
    let outcome = catch_unwind(AssertUnwindSafe(|| unsafe { sync_read_inner(env, info) }));
    let error = match outcome {
        Ok(Ok(value)) => return value,
        Ok(Err(e)) => e,
        Err(panic) => to_napi(&Env::from_raw(env), from_panic(panic, "a Sync read")),
    };
    unsafe { JsError::from(error).throw_into(env) };
    std::ptr::null_mut()
}

unsafe fn sync_read_inner(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> napi::Result<sys::napi_value> {
    let mut argc = 1 + MAX_ARGS;
    let mut argv = [std::ptr::null_mut(); 1 + MAX_ARGS];
    let mut this = std::ptr::null_mut();
    let status = unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            &mut this,
            std::ptr::null_mut(),
        )
    };
    if status != sys::Status::napi_ok {
        return Err(napi::Error::from_reason(
            "syncRead: reading the call failed",
        ));
    }
    let meta = unsafe { meta(env) }?;
    let mut wrapped = std::ptr::null_mut();
    let unwrapped = unsafe { sys::napi_unwrap(env, this, &mut wrapped) } == sys::Status::napi_ok;
    let mut index = u32::MAX;
    unsafe { sys::napi_get_value_uint32(env, argv[0], &mut index) };
    let read = crate::node::exports::SYNC_READS
        .get(index as usize)
        .copied()
        .flatten();
    let db = (unwrapped && seen_set().contains(&(wrapped as usize))).then(|| {
        // SAFETY: a TaktikDatabase napi-rs handed out, not dropped yet (`gone`).
        unsafe { &*(wrapped as *const TaktikDatabase) }.db.clone()
    });
    let (Some(db), Some((_, names, required, run))) = (db, read.filter(|r| r.1.len() <= MAX_ARGS))
    else {
        unsafe { meta.set(Meta::NOT_MINE, 0.0, 0.0) };
        let mut undefined = std::ptr::null_mut();
        unsafe { sys::napi_get_undefined(env, &mut undefined) };
        return Ok(undefined);
    };
    unsafe { run(env, &db, names, required, &argv[1..]) }
}

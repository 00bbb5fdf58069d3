//! `db.watch(callback, options?)` and the handle it returns: the JS side of
//! the change feed (watch.rs). The callback is a weak threadsafe function, so
//! a live feed does not keep Node (or Electron's main process) from exiting.

use napi::bindgen_prelude::Function;
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi::{Env, Status, Unknown};
use napi_derive::napi;

use super::args::JsArgs;
use super::class::TaktikDatabase;
use super::error::to_napi;
use crate::base::error::{from_panic, DbError, Result};
use crate::base::stop::StopHandle;
use crate::query::args::Args;
use crate::watch::WatchOptions;

/// A running change feed.
#[napi]
pub struct WatchHandle {
    stop: StopHandle,
    baseline: crate::watch::RowCounts,
}

#[napi]
impl WatchHandle {
    /// Handles come from `db.watch()`; `new WatchHandle()` fails with a code
    /// (napi-rs's default is an uncoded Error).
    #[napi(constructor, skip_typescript)]
    pub fn new(env: Env) -> napi::Result<Self> {
        Err(to_napi(
            &env,
            DbError::invalid("WatchHandle cannot be constructed: call db.watch(callback)"),
        ))
    }

    /// Stops the feed: no callback runs after this returns. Idempotent.
    // Carries the declaration's private constructor (see TaktikDatabase::close).
    #[napi(ts_return_type = "void\n/** Handles come from db.watch(). */\nprivate constructor()")]
    pub fn close(&self) {
        self.stop.stop();
    }

    /// True once closed (by close() or by the database's close()).
    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.stop.is_stopped()
    }

    /// Rows in each watched table when the feed started: what the first
    /// event's `rows` follow (a table the feed could not read then is left out).
    #[napi(getter, ts_return_type = "Partial<Record<ApiTable, number>>")]
    pub fn baseline(&self) -> std::collections::HashMap<String, i64> {
        self.baseline
            .iter()
            .map(|(k, v)| ((*k).to_owned(), *v))
            .collect()
    }
}

fn start(
    tdb: &TaktikDatabase,
    env: &Env,
    callback: Function<'_, serde_json::Value, ()>,
    options: Option<&Unknown<'_>>,
) -> Result<WatchHandle> {
    const F: &str = "watch";
    tdb.db.ensure_open()?;
    let values = [options];
    let o: WatchOptions = JsArgs::new(env, F, &["options"], &values).options("options")?;
    let stop = StopHandle::new();
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
    let send =
        move |event| tsfn.call(event, ThreadsafeFunctionCallMode::NonBlocking) != Status::Closing;
    let baseline = crate::watch::start(&tdb.db, o, send, stop.clone())?;
    Ok(WatchHandle { stop, baseline })
}

#[napi]
impl TaktikDatabase {
    /// Calls `callback` on the JS thread whenever a commit (by Python or anyone
    /// else) changed rows of the watched datasets, with their names (the same
    /// on every layout), and when the bot changes the file's layout.
    /// Cheap when idle; never fires without a change; does not keep the process
    /// alive. Stop it with the handle's close() (or the database's close()).
    /// What `callback` throws goes to `options.onError`; without it, it is an
    /// uncaughtException.
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
                return Err(DbError::invalid("watch: callback must be a function"));
            }
            // SAFETY: the value was just checked to be a function.
            let callback: Function<'_, serde_json::Value, ()> =
                unsafe { callback.cast() }.map_err(|e| DbError::internal(format!("watch: {e}")))?;
            start(self, &env, callback, options.as_ref())
        }))
        .unwrap_or_else(|p| Err(from_panic(p, "watch")))
        .map_err(|e| to_napi(&env, e))
    }
}

//! How one exported call runs: its arguments parsed on the JS thread (panics
//! caught), then the job on the calling thread (Sync form) or on the libuv
//! threadpool (async form, settled through lib/deliver.js).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use napi::{Env, Task, Unknown};

use super::cancel::CallCancel;
use super::deliver::{AsyncAnswer, SyncAnswer};
use super::error::{to_napi, CallSite};
use crate::base::error::{from_panic, DbError, Result};
use crate::db::database::Database;
use crate::query::{answer, panic_probe, Job};

/// Everything done on the JS thread when a call is made: the open check, then
/// `parse`, with panics caught (a bug in a parser must not abort Electron).
pub(crate) fn parse<J: Job>(db: &Database, parse: impl FnOnce() -> Result<J>) -> Result<J> {
    db.ensure_open()?;
    catch_unwind(AssertUnwindSafe(|| {
        panic_probe(J::NAME, "parse");
        parse()
    }))
    .unwrap_or_else(|panic| Err(from_panic(panic, J::NAME)))
}

/// The Sync form: the job on this thread, or streamed (long listings).
pub(crate) fn run_sync<J: Job>(
    env: &Env,
    db: &Arc<Database>,
    job: Result<J>,
) -> napi::Result<SyncAnswer<J>> {
    job.and_then(|job| {
        if job.streams() {
            Ok(SyncAnswer::Stream(db.clone(), job))
        } else {
            answer(db, &job, None).map(SyncAnswer::Text)
        }
    })
    .map_err(|e| to_napi(env, e))
}

/// The async form of a call: validated on the JS thread, run on the
/// threadpool. A validation error is delivered as a rejection, never a
/// synchronous throw.
pub(crate) struct CallTask<J: Job> {
    db: Arc<Database>,
    job: Option<Result<J>>,
    /// The caller's AbortSignal / timeoutMs, if any.
    cancel: Option<CallCancel>,
    /// Reads take a CPU slot (base/read_slots.rs); writes and maintenance do
    /// not: a write waiting out Python's lock must not hold up the dashboard's
    /// reads.
    throttled: bool,
    /// The caller's stack, for a rejection (node/error.rs).
    site: Option<CallSite>,
}

impl<J: Job> CallTask<J> {
    /// A write or maintenance operation.
    pub(crate) fn operation(db: Arc<Database>, env: &Env, job: Result<J>) -> Self {
        CallTask {
            db,
            job: Some(job),
            cancel: None,
            throttled: false,
            site: CallSite::here(env),
        }
    }

    /// A read, with the trailing `{ signal, timeoutMs }` argument of the call.
    pub(crate) fn read(
        db: Arc<Database>,
        env: &Env,
        job: Result<J>,
        call: Option<&Unknown<'_>>,
    ) -> Self {
        Self::cancellable(db, env, job, call, &[], true)
    }

    /// An operation that can be cut off (exportCsv: nothing is left behind),
    /// with its trailing `{ signal, timeoutMs, ...extra }` argument.
    pub(crate) fn operation_with(
        db: Arc<Database>,
        env: &Env,
        job: Result<J>,
        call: Option<&Unknown<'_>>,
        extra: &[&str],
    ) -> Self {
        Self::cancellable(db, env, job, call, extra, false)
    }

    fn cancellable(
        db: Arc<Database>,
        env: &Env,
        job: Result<J>,
        call: Option<&Unknown<'_>>,
        extra: &[&str],
        throttled: bool,
    ) -> Self {
        let site = CallSite::here(env);
        match CallCancel::from_js(env, J::NAME, call, extra) {
            Ok(cancel) => CallTask {
                db,
                job: Some(job),
                cancel,
                throttled,
                site,
            },
            Err(e) => CallTask {
                db,
                job: Some(job.and(Err(e))),
                cancel: None,
                throttled,
                site,
            },
        }
    }
}

impl<J: Job> Task for CallTask<J> {
    type Output = Result<AsyncAnswer>;
    type JsValue = AsyncAnswer;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let job = self
            .job
            .take()
            .unwrap_or_else(|| Err(DbError::internal(format!("{}: task ran twice", J::NAME))));
        let cancel = self.cancel.as_ref().map(|c| c.token());
        // At most cores-1 reads run SQLite at once (see read_slots.rs); a call
        // cancelled while it waits fails in `answer` without touching SQLite.
        let _slot = if self.throttled {
            crate::base::read_slots::acquire(cancel)
        } else {
            None
        };
        // Slicing is worked out here, on the worker thread, not at delivery.
        Ok(job
            .and_then(|j| answer(&self.db, &j, cancel))
            .map(AsyncAnswer::new))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<AsyncAnswer> {
        output.map_err(|e| reject(&env, self.site.take(), e))
    }

    fn finally(mut self, env: Env) -> napi::Result<()> {
        // Stop listening to the caller's AbortSignal (it may outlive the call).
        if let Some(cancel) = self.cancel.take() {
            cancel.release(&env);
        }
        if let Some(site) = self.site.take() {
            site.release(&env);
        }
        Ok(())
    }
}

/// An async call's error, with the caller's stack when it was captured.
pub(crate) fn reject(env: &Env, site: Option<CallSite>, e: DbError) -> napi::Error {
    match site {
        Some(site) => site.reject(env, e),
        None => to_napi(env, e),
    }
}

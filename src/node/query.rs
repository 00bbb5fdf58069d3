//! `db.query(sql, params?, options?)` and `db.querySync(sql, params?)`: the
//! escape hatch for SQL the app writes itself (query/sql.rs says what may
//! run). Not in the exports table: it reads no API table of its own, so it
//! is not a read `supports()` or `live()` could reason about. It runs like a
//! read all the same: the async form in a read slot on the threadpool,
//! cancellable with `{ signal, timeoutMs }`, both forms through
//! `query::answer` and lib/deliver.js.

use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Unknown};
use napi_derive::napi;

use super::args::JsArgs;
use super::class::TaktikDatabase;
use super::deliver::SyncAnswer;
use super::task::{parse, run_sync, CallTask};
use crate::base::error::Result;
use crate::db::database::Database;
use crate::query::sql::SqlQuery;

fn parse_call(
    db: &Database,
    env: &Env,
    sql: &Unknown<'_>,
    params: Option<&Unknown<'_>>,
) -> Result<SqlQuery> {
    let values = [Some(sql), params];
    parse(db, || {
        SqlQuery::parse(&JsArgs::new(
            env,
            SqlQuery::NAME,
            &["sql", "params"],
            &values,
        ))
    })
}

#[napi]
impl TaktikDatabase {
    /// Runs one read-only SQL statement of the app's own and returns its rows,
    /// mapped like every read's (camelCase keys, booleans, parsed JSON, ISO
    /// timestamps). `params` binds `?` / `?NNN` (an array) or `:name` /
    /// `@name` / `$name` (an object). Writes, ATTACH, transactions, PRAGMAs
    /// that set a value and several statements are refused (INVALID_ARGUMENT);
    /// SQLite's own errors keep its message (SQLITE_ERROR). For the main
    /// process only: never let a renderer send SQL. The SQL names the file's
    /// own tables, which differ between layouts (`db.layout`).
    #[napi(
        ts_generic_types = "Row = Record<string, unknown>",
        ts_args_type = "sql: string, params?: QueryParams, options?: CallOptions",
        ts_return_type = "Promise<Row[]>"
    )]
    #[allow(private_interfaces)]
    pub fn query(
        &self,
        env: Env,
        sql: Unknown,
        params: Option<Unknown>,
        options: Option<Unknown>,
    ) -> AsyncTask<CallTask<SqlQuery>> {
        let job = parse_call(&self.db, &env, &sql, params.as_ref());
        AsyncTask::new(CallTask::read(self.db.clone(), &env, job, options.as_ref()))
    }

    /// `query` on the calling thread: the same rows, returned.
    #[napi(
        ts_generic_types = "Row = Record<string, unknown>",
        ts_args_type = "sql: string, params?: QueryParams",
        ts_return_type = "Row[]"
    )]
    #[allow(private_interfaces)]
    pub fn query_sync(
        &self,
        env: Env,
        sql: Unknown,
        params: Option<Unknown>,
    ) -> napi::Result<SyncAnswer<SqlQuery>> {
        let job = parse_call(&self.db, &env, &sql, params.as_ref());
        run_sync(&env, &self.db, job)
    }
}

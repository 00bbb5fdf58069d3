//! The `TaktikDatabase` class JavaScript holds, and the functions that open
//! one. Its read, write and maintenance methods are declared in exports.rs;
//! this file has opening, the getters and closing.

use std::path::PathBuf;
use std::sync::Arc;

use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Task, Unknown};
use napi_derive::napi;
use serde::Deserialize;

use super::args::JsArgs;
use super::error::to_napi;
use crate::base::error::Result;
use crate::db::database::{self, Database, DEFAULT_BUSY_TIMEOUT_MS};
use crate::db::layout::Layout;
use crate::query::args::{self, Args};

/// Options of `openDatabase`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenOptions {
    /// The database file. Default: `defaultDatabasePath()`, where the Python bot writes.
    pub path: Option<String>,
    /// Never write and never create: for a file another process owns. Default false.
    pub readonly: Option<bool>,
    /// How long to wait for another connection's lock (Python's) before failing
    /// with SQLITE_BUSY, in milliseconds. Default 30000, like Python's `timeout=30.0`.
    pub busy_timeout_ms: Option<f64>,
    /// WAL size in bytes past which the addon runs a TRUNCATE checkpoint after
    /// its writes and when the change feed sees commits. 0 disables. Default 64 MiB.
    pub wal_limit_bytes: Option<f64>,
    /// The layout a writable open creates when the file is empty (new): "legacy"
    /// (the default; the bot's layout until June 2026) or "unified" (the current
    /// bot's). Ignored for a file that already has tables: it is read as it is.
    #[napi(ts_type = "'legacy' | 'unified'")]
    pub layout: Option<String>,
    /// Fail with SQLITE_CANTOPEN when the file does not exist, instead of
    /// creating it (a mistyped path). Default false.
    pub file_must_exist: Option<bool>,
}

/// An open `taktik-data.db`. Safe to share; every method validates its arguments.
#[napi]
pub struct TaktikDatabase {
    pub(crate) db: Arc<Database>,
}

impl Drop for TaktikDatabase {
    fn drop(&mut self) {
        super::fast::gone(self);
    }
}

/// openDatabase's options, checked (on the JS thread, for both forms).
fn config(
    env: &Env,
    options: Option<&Unknown<'_>>,
    f: &'static str,
) -> Result<database::OpenConfig> {
    let values = [options];
    let o: OpenOptions = JsArgs::new(env, f, &["options"], &values).options("options")?;
    let path = match o.path {
        Some(p) if p.is_empty() => {
            return Err(crate::base::error::DbError::invalid(format!(
                "{f}: path must not be empty"
            )))
        }
        Some(p) if p.contains('\0') => {
            return Err(crate::base::error::DbError::invalid(format!(
                "{f}: path must not contain NUL"
            )))
        }
        Some(p) => PathBuf::from(p),
        None => crate::db::paths::default_path(),
    };
    let busy_timeout_ms = match o.busy_timeout_ms {
        Some(ms) => args::integer(f, "busyTimeoutMs", ms, 0, i64::from(i32::MAX))? as u32,
        None => DEFAULT_BUSY_TIMEOUT_MS,
    };
    let create = match o.layout.as_deref() {
        None | Some("legacy") => Layout::Legacy,
        Some("unified") => Layout::Unified,
        Some(other) => {
            return Err(crate::base::error::DbError::invalid(format!(
                "{f}: layout must be 'legacy' or 'unified', got {other:?}"
            )))
        }
    };
    Ok(database::OpenConfig {
        path,
        readonly: o.readonly.unwrap_or(false),
        busy_timeout_ms,
        wal_limit_bytes: match o.wal_limit_bytes {
            Some(n) => args::integer(f, "walLimitBytes", n, 0, 1 << 50)? as u64,
            None => database::DEFAULT_WAL_LIMIT_BYTES,
        },
        create,
        file_must_exist: o.file_must_exist.unwrap_or(false),
    })
}

/// Opens (and on a writable open of an empty file, creates) the database, on
/// the calling thread: it may wait for the bot's lock and build the addon's
/// indexes (see openDatabaseAsync for an app's main thread).
#[napi]
pub fn open_database(
    env: Env,
    #[napi(ts_arg_type = "OpenOptions")] options: Option<Unknown>,
) -> napi::Result<TaktikDatabase> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let config = config(&env, options.as_ref(), "openDatabase")?;
        Database::open(config).map(|db| TaktikDatabase { db })
    }))
    .unwrap_or_else(|p| Err(crate::base::error::from_panic(p, "openDatabase")))
    .map_err(|e| to_napi(&env, e))
}

/// openDatabaseAsync: everything that touches the file (waiting out the
/// bot's lock, detecting the layout, creating or completing the schema,
/// building indexes) runs on the libuv threadpool.
pub struct OpenTask {
    config: Option<Result<database::OpenConfig>>,
    /// The caller's stack, for a rejection (node/error.rs).
    site: Option<super::error::CallSite>,
}

impl Task for OpenTask {
    type Output = Result<Arc<Database>>;
    type JsValue = TaktikDatabase;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let config = self.config.take().unwrap_or_else(|| {
            Err(crate::base::error::DbError::internal(
                "openDatabaseAsync: task ran twice",
            ))
        });
        Ok(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            config.and_then(Database::open)
        }))
        .unwrap_or_else(|p| Err(crate::base::error::from_panic(p, "openDatabaseAsync"))))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<TaktikDatabase> {
        output
            .map(|db| TaktikDatabase { db })
            .map_err(|e| super::task::reject(&env, self.site.take(), e))
    }

    fn finally(mut self, env: Env) -> napi::Result<()> {
        if let Some(site) = self.site.take() {
            site.release(&env);
        }
        Ok(())
    }
}

/// `openDatabase`, off the JS thread: resolves with the database, or rejects
/// with the same errors (never throws).
#[napi(ts_return_type = "Promise<TaktikDatabase>")]
pub fn open_database_async(
    env: Env,
    #[napi(ts_arg_type = "OpenOptions")] options: Option<Unknown>,
) -> AsyncTask<OpenTask> {
    let config = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        config(&env, options.as_ref(), "openDatabaseAsync")
    }))
    .unwrap_or_else(|p| Err(crate::base::error::from_panic(p, "openDatabaseAsync")));
    AsyncTask::new(OpenTask {
        config: Some(config),
        site: super::error::CallSite::here(&env),
    })
}

/// Where the Python bot keeps `taktik-data.db`: `%APPDATA%/taktik-desktop/` when
/// APPDATA is set, else `~/taktik-desktop/`.
#[napi]
pub fn default_database_path() -> String {
    crate::db::paths::default_path().display().to_string()
}

#[napi]
impl TaktikDatabase {
    /// Databases come from `openDatabase()`; `new TaktikDatabase()` fails with
    /// a code (napi-rs's default is an uncoded Error).
    #[napi(constructor, skip_typescript)]
    pub fn new(env: Env) -> napi::Result<Self> {
        Err(to_napi(
            &env,
            crate::base::error::DbError::invalid(
                "TaktikDatabase cannot be constructed: call openDatabase(options)",
            ),
        ))
    }

    /// The file this database reads.
    #[napi(getter)]
    pub fn path(&self) -> String {
        self.db.path().to_string()
    }

    /// Whether it was opened with `readonly: true`.
    #[napi(getter)]
    pub fn readonly(&self) -> bool {
        self.db.readonly()
    }

    /// False once `close()` has been called.
    #[napi(getter)]
    pub fn is_open(&self) -> bool {
        // index.js reads it right after opening: napi-rs has checked `self`,
        // the Sync reads' fast path may use it from the first call.
        super::fast::seen(self);
        !self.db.is_closed()
    }

    /// The file's layout: "empty", "legacy", "unified" (the transitional June
    /// 2026 revisions included), "foreign" or "unknown". Checked again on each
    /// read: when the bot migrates the file, this follows.
    #[napi(getter, ts_return_type = "Layout")]
    pub fn layout(&self) -> String {
        self.db.current_file().layout.as_str().to_string()
    }

    /// The API tables this file keeps (the names `watch` reports and
    /// `supports` takes), e.g. no "posts" or "discoveryCampaigns" on a
    /// unified file.
    #[napi(getter, ts_return_type = "ApiTable[]")]
    pub fn capabilities(&self) -> Vec<String> {
        self.db
            .current_file()
            .supported()
            .iter()
            .map(|t| t.api_name().to_string())
            .collect()
    }

    /// Closes every connection. Idempotent. Later calls fail with code CLOSED;
    /// async reads already running complete first.
    // The declaration's private constructor rides on this return type: napi-rs
    // declares no constructor for a `skip_typescript` one, and TypeScript would
    // then let `new TaktikDatabase()` compile (it only throws at run time).
    #[napi(
        ts_return_type = "void\n/** Databases come from openDatabase() / openDatabaseAsync(). */\nprivate constructor()"
    )]
    pub fn close(&self) {
        self.db.close();
    }
}

//! The `TaktikDatabase` class JavaScript holds. Its read methods are declared per
//! domain (src/domain/*) through `read_api!`; this file has opening and closing.

use std::path::PathBuf;
use std::sync::Arc;

use napi::{Env, Unknown};
use napi_derive::napi;
use serde::Deserialize;

use crate::api::to_napi;
use crate::args;
use crate::connection::{self, Database, DEFAULT_BUSY_TIMEOUT_MS};
use crate::error::Result;

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
}

/// An open `taktik-data.db`. Safe to share; every method validates its arguments.
#[napi]
pub struct TaktikDatabase {
    pub(crate) db: Arc<Database>,
}

fn open(env: &Env, options: Option<&Unknown<'_>>) -> Result<TaktikDatabase> {
    const F: &str = "openDatabase";
    let o: OpenOptions = args::options(env, F, options)?;
    let path = match o.path {
        Some(p) if p.is_empty() => {
            return Err(crate::error::DbError::invalid(format!(
                "{F}: path must not be empty"
            )))
        }
        Some(p) if p.contains('\0') => {
            return Err(crate::error::DbError::invalid(format!(
                "{F}: path must not contain NUL"
            )))
        }
        Some(p) => PathBuf::from(p),
        None => connection::default_path(),
    };
    let busy_timeout_ms = match o.busy_timeout_ms {
        Some(ms) => args::integer(F, "busyTimeoutMs", ms, 0, i64::from(i32::MAX))? as u32,
        None => DEFAULT_BUSY_TIMEOUT_MS,
    };
    let db = Database::open(connection::OpenConfig {
        path,
        readonly: o.readonly.unwrap_or(false),
        busy_timeout_ms,
        wal_limit_bytes: match o.wal_limit_bytes {
            Some(n) => args::integer(F, "walLimitBytes", n, 0, 1 << 50)? as u64,
            None => connection::DEFAULT_WAL_LIMIT_BYTES,
        },
    })?;
    Ok(TaktikDatabase { db })
}

/// Opens (and on a writable open, creates and migrates) the database.
#[napi]
pub fn open_database(
    env: Env,
    #[napi(ts_arg_type = "OpenOptions")] options: Option<Unknown>,
) -> napi::Result<TaktikDatabase> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        open(&env, options.as_ref())
    }))
    .unwrap_or_else(|p| Err(crate::error::from_panic(p, "openDatabase")))
    .map_err(|e| to_napi(&env, e))
}

/// Where the Python bot keeps `taktik-data.db`: `%APPDATA%/taktik-desktop/` when
/// APPDATA is set, else `~/taktik-desktop/`.
#[napi]
pub fn default_database_path() -> String {
    connection::default_path().display().to_string()
}

#[napi]
impl TaktikDatabase {
    /// Databases come from `openDatabase()`; `new TaktikDatabase()` fails with
    /// a code (napi-rs's default is an uncoded Error).
    #[napi(constructor, skip_typescript)]
    pub fn new(env: Env) -> napi::Result<Self> {
        Err(crate::api::to_napi(
            &env,
            crate::error::DbError::invalid(
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
        !self.db.is_closed()
    }

    /// Closes every connection. Idempotent. Later calls fail with code CLOSED;
    /// async reads already running complete first.
    #[napi]
    pub fn close(&self) {
        self.db.close();
    }
}

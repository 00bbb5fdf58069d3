//! Looking after the file: checkpoints, integrity, facts about the file and
//! optimize (backup.rs and export.rs write files).

use serde::{Deserialize, Serialize};

use crate::base::cancel::Cancel;
use crate::base::error::{DbError, Result};
use crate::db::database::Database;
use crate::query::args::Args;
use crate::query::Operation;
use crate::rows::Out;

// ---------------------------------------------------------------- checkpoint

/// What a checkpoint did.
#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckpointResult {
    /// True when it could not finish because a reader or writer held it up.
    pub busy: bool,
    /// Frames in the WAL.
    pub wal_frames: i64,
    /// Frames copied into the database file.
    pub checkpointed_frames: i64,
}

pub fn checkpoint(db: &Database, what: &str, mode: &str) -> Result<CheckpointResult> {
    db.with_writer(what, |conn| {
        conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
            Ok(CheckpointResult {
                busy: r.get::<_, i64>(0)? != 0,
                wal_frames: r.get(1)?,
                checkpointed_frames: r.get(2)?,
            })
        })
        .map_err(db.sqlite_err(what))
    })
}

pub struct Checkpoint {
    mode: &'static str,
}

impl Operation for Checkpoint {
    const NAME: &'static str = "checkpoint";
    fn parse<A: Args>(a: &A) -> Result<Self> {
        const MODES: [&str; 4] = ["PASSIVE", "FULL", "RESTART", "TRUNCATE"];
        // Not a string or null: a.text says so.
        let mode = match a.nullable_text("mode") {
            Ok(None) => "PASSIVE",
            _ => {
                let given = a.text("mode")?;
                let s = given.to_ascii_uppercase();
                MODES.into_iter().find(|m| *m == s).ok_or_else(|| {
                    DbError::invalid(format!(
                        "{}: mode must be one of {}, got {given:?}",
                        Self::NAME,
                        MODES.join(", ")
                    ))
                })?
            }
        };
        Ok(Checkpoint { mode })
    }
    fn execute(&self, db: &Database, _: Option<&Cancel>, out: &mut Out) -> Result<()> {
        out.set_value(&checkpoint(db, Self::NAME, self.mode)?)
    }
}

// ---------------------------------------------------------------- integrity

/// Options of `integrityCheck`.
#[derive(ts_rs::TS)]
#[ts(optional_fields)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IntegrityOptions {
    /// PRAGMA quick_check instead of integrity_check (skips index contents).
    pub quick: Option<bool>,
}

pub struct Integrity {
    quick: bool,
}

/// What an integrity check found.
#[derive(Serialize, ts_rs::TS)]
pub(crate) struct IntegrityResult {
    ok: bool,
    /// Up to 100 messages from SQLite; empty when ok.
    problems: Vec<String>,
}

impl Operation for Integrity {
    const NAME: &'static str = "integrityCheck";
    fn parse<A: Args>(a: &A) -> Result<Self> {
        let o: IntegrityOptions = a.options("options")?;
        Ok(Integrity {
            quick: o.quick.unwrap_or(false),
        })
    }
    fn execute(&self, db: &Database, cancel: Option<&Cancel>, out: &mut Out) -> Result<()> {
        let pragma = if self.quick {
            "quick_check"
        } else {
            "integrity_check"
        };
        let lines: Vec<String> = db.read_with(Self::NAME, cancel, |conn| {
            let mut stmt = conn.prepare(&format!("PRAGMA {pragma}(100)"))?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect()
        })?;
        let ok = lines.len() == 1 && lines[0] == "ok";
        out.set_value(&IntegrityResult {
            ok,
            problems: if ok { Vec::new() } else { lines },
        })
    }
}

// ---------------------------------------------------------------- info

/// Facts about the open file (getDatabaseInfo).
#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DatabaseInfo {
    path: String,
    readonly: bool,
    file_size_bytes: u64,
    wal_size_bytes: u64,
    /// The WAL guard's threshold (openDatabase's walLimitBytes); 0 = off.
    wal_limit_bytes: u64,
    page_size: i64,
    page_count: i64,
    freelist_count: i64,
    journal_mode: String,
    sqlite_version: String,
    /// The file's layout (as `db.layout`).
    #[ts(type = "Layout")]
    layout: &'static str,
    /// The API tables it keeps (as `db.capabilities`).
    #[ts(type = "ApiTable[]")]
    capabilities: Vec<&'static str>,
    /// Rows per table, as the tables are named in the file.
    #[ts(type = "Record<string, number>")]
    tables: std::collections::BTreeMap<String, i64>,
    last_auto_checkpoint: Option<crate::db::database::AutoCheckpoint>,
}

pub struct Info;

impl Operation for Info {
    const NAME: &'static str = "getDatabaseInfo";
    fn parse<A: Args>(_: &A) -> Result<Self> {
        Ok(Info)
    }
    fn execute(&self, db: &Database, cancel: Option<&Cancel>, out: &mut Out) -> Result<()> {
        let size = |p: &str| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let info = db.read_with(Self::NAME, cancel, |conn| {
            let pragma = |name: &str| -> rusqlite::Result<i64> {
                conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
            };
            let file = db.refresh(conn)?;
            let mut tables = std::collections::BTreeMap::new();
            for name in crate::db::schema::table_names(conn)? {
                let n: i64 = conn.query_row(
                    &format!(
                        "SELECT count(*) FROM {}",
                        crate::db::schema::quote_ident(&name)
                    ),
                    [],
                    |r| r.get(0),
                )?;
                tables.insert(name, n);
            }
            Ok(DatabaseInfo {
                path: db.path().to_string(),
                readonly: db.readonly(),
                file_size_bytes: size(db.path()),
                wal_size_bytes: size(&format!("{}-wal", db.path())),
                wal_limit_bytes: db.wal_limit_bytes(),
                page_size: pragma("page_size")?,
                page_count: pragma("page_count")?,
                freelist_count: pragma("freelist_count")?,
                journal_mode: conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
                sqlite_version: rusqlite::version().to_string(),
                layout: file.layout.as_str(),
                capabilities: file.supported().iter().map(|t| t.api_name()).collect(),
                tables,
                last_auto_checkpoint: db.last_auto_checkpoint(),
            })
        })?;
        out.set_value(&info)
    }
}

// ---------------------------------------------------------------- optimize

/// How long `optimize` took.
#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OptimizeResult {
    duration_ms: f64,
}

pub struct Optimize;

impl Operation for Optimize {
    const NAME: &'static str = "optimize";
    fn parse<A: Args>(_: &A) -> Result<Self> {
        Ok(Optimize)
    }
    fn execute(&self, db: &Database, _: Option<&Cancel>, out: &mut Out) -> Result<()> {
        let start = std::time::Instant::now();
        db.with_writer(Self::NAME, |conn| {
            conn.execute_batch("PRAGMA optimize")
                .map_err(db.sqlite_err(Self::NAME))
        })?;
        out.set_value(&OptimizeResult {
            duration_ms: start.elapsed().as_secs_f64() * 1000.0,
        })
    }
}

//! Looking after the file: online backup, checkpoints, integrity, facts about
//! the file, optimize, and CSV export. Paths from callers are only ever used as
//! destinations, never as SQL, and never allowed to be the live database.

use std::io::Write;
use std::path::{Path, PathBuf};

use napi::bindgen_prelude::{FromNapiValue, Function, Object};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::JsValue;
use napi::{Env, Unknown, ValueType};
use serde::{Deserialize, Serialize};

use crate::api::{Cancel, Query};
use crate::args;
use crate::connection::Database;
use crate::error::{DbError, ErrorCode, Result};
use crate::rows::Out;

fn io_error(what: &str, path: &Path, e: std::io::Error) -> DbError {
    DbError::new(
        ErrorCode::IoError,
        format!("{what} failed on {}: {e}", path.display()),
    )
}

/// A destination path from the caller: absolute, not the live database or its
/// side files, and not existing unless `overwrite`.
fn destination(func: &str, db: &Database, dest: &str, overwrite: bool) -> Result<PathBuf> {
    if dest.is_empty() || dest.contains('\0') {
        return Err(DbError::invalid(format!(
            "{func}: destPath must be a non-empty path without NUL"
        )));
    }
    let dest = std::path::absolute(dest).map_err(|e| io_error(func, Path::new(dest), e))?;
    let live = std::path::absolute(db.path()).unwrap_or_else(|_| PathBuf::from(db.path()));
    let d = resolved(&dest);
    let l = resolved(&live);
    let side = |suffix: &str| {
        let mut s = l.clone().into_os_string();
        s.push(suffix);
        PathBuf::from(s)
    };
    let is_live = [l.clone(), side("-wal"), side("-shm"), side("-journal")]
        .iter()
        .any(|f| same_name(&d, f) || same_file(&dest, f));
    if is_live {
        return Err(DbError::invalid(format!(
            "{func}: refusing to write over the live database {} (destPath {} is it or one of its -wal, -shm, -journal files)",
            db.path(),
            dest.display()
        )));
    }
    if dest.is_dir() {
        return Err(DbError::invalid(format!(
            "{func}: destPath {} is a directory",
            dest.display()
        )));
    }
    if dest.exists() && !overwrite {
        return Err(DbError::new(
            ErrorCode::FileExists,
            format!(
                "{func}: {} exists (pass overwrite: true to replace it)",
                dest.display()
            ),
        ));
    }
    Ok(dest)
}

/// One spelling per file: an existing path canonicalized (which resolves `..`,
/// `/` vs `\\`, the `\\?\` prefix, symbolic links, and on Windows 8.3 short
/// names and the stored case), else its canonical directory joined with its
/// name (the file may not exist yet).
fn resolved(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    match (
        p.parent().and_then(|d| d.canonicalize().ok()),
        p.file_name(),
    ) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => p.to_path_buf(),
    }
}

/// Whether two resolved paths name one file. Windows and macOS file systems
/// ignore case by default, so `TAKTIK-DATA.DB` is `taktik-data.db` there.
fn same_name(a: &Path, b: &Path) -> bool {
    if cfg!(any(windows, target_os = "macos")) {
        a.as_os_str().to_string_lossy().to_lowercase()
            == b.as_os_str().to_string_lossy().to_lowercase()
    } else {
        a == b
    }
}

/// Whether two existing paths are one file (a hard link, or a case-insensitive
/// mount on Linux): same device and inode.
#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// Windows: the file index is not in stable std; `resolved` already gives an
/// existing file its one canonical name.
#[cfg(not(unix))]
fn same_file(_: &Path, _: &Path) -> bool {
    false
}

/// A sibling temp file, renamed over the destination once complete: a failed
/// or interrupted backup/export never leaves a half-written file at destPath.
fn temp_beside(dest: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(format!(
        ".taktik-tmp-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    dest.with_file_name(name)
}

/// Moves the finished temp file over destPath in one step: `rename` replaces
/// an existing file atomically (on Windows it is `MoveFileExW` with
/// `MOVEFILE_REPLACE_EXISTING`), so readers see the old file or the new one,
/// never none. On failure the temp file is removed and the error names the
/// destination, saying when another program holds it open.
fn finish(func: &str, tmp: &Path, dest: &Path) -> Result<()> {
    std::fs::rename(tmp, dest).map_err(|e| {
        let _ = std::fs::remove_file(tmp);
        // ERROR_ACCESS_DENIED / ERROR_SHARING_VIOLATION / ERROR_LOCK_VIOLATION:
        // what Windows says when a program (Excel on a CSV) has the file open
        // without letting others replace it.
        let locked = cfg!(windows) && matches!(e.raw_os_error(), Some(5 | 32 | 33));
        if locked && dest.exists() {
            DbError::new(
                ErrorCode::IoError,
                format!(
                    "{func} could not replace {}: another program has it open ({e}); close it there and try again",
                    dest.display()
                ),
            )
        } else {
            io_error(func, dest, e)
        }
    })
}

// ---------------------------------------------------------------- backup

/// Options of `backup`.
#[napi_derive::napi(object, object_from_js = false, object_to_js = false)]
pub struct BackupOptions {
    /// Replace destPath if it exists. Default false (FILE_EXISTS).
    pub overwrite: Option<bool>,
    /// Called on the JS thread as pages are copied.
    #[napi(ts_type = "(progress: BackupProgress) => void")]
    pub on_progress: Option<()>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BackupProgress {
    pages_copied: i64,
    total_pages: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BackupResult {
    path: String,
    pages: i64,
    bytes: u64,
}

type ProgressFn =
    ThreadsafeFunction<serde_json::Value, (), serde_json::Value, napi::Status, false, true>;

pub struct Backup {
    dest: String,
    overwrite: bool,
    progress: Option<ProgressFn>,
}

impl Query for Backup {
    const NAME: &'static str = "backup";
    fn parse(env: &Env, a: &[Option<&Unknown<'_>>]) -> Result<Self> {
        const F: &str = "backup";
        let dest = args::text(F, "destPath", a[0])?;
        let mut overwrite = false;
        let mut progress = None;
        match a[1].map(|v| (v, v.get_type())) {
            None | Some((_, Ok(ValueType::Undefined | ValueType::Null))) => {}
            Some((v, Ok(ValueType::Object))) => {
                let obj = unsafe { Object::from_napi_value(env.raw(), v.raw()) }
                    .map_err(|e| DbError::invalid(format!("{F}: {}", e.reason)))?;
                for key in Object::keys(&obj).map_err(|e| DbError::invalid(e.reason))? {
                    match key.as_str() {
                        "overwrite" => {
                            overwrite = obj.get::<bool>("overwrite").map_err(|_| {
                                DbError::invalid(format!("{F}: overwrite must be a boolean"))
                            })?.unwrap_or(false)
                        }
                        "onProgress" => {
                            let f: Option<Unknown> = obj.get("onProgress").ok().flatten();
                            match f {
                                Some(f) if f.get_type().ok() == Some(ValueType::Function) => {
                                    let f: Function<'_, serde_json::Value, ()> =
                                        unsafe { Function::from_napi_value(env.raw(), f.raw()) }
                                            .map_err(|e| DbError::invalid(e.reason))?;
                                    progress = Some(
                                        f.build_threadsafe_function::<serde_json::Value>()
                                            .weak::<true>()
                                            .callee_handled::<false>()
                                            .build()
                                            .map_err(|e| DbError::internal(e.reason))?,
                                    );
                                }
                                Some(f) if f.get_type().ok() == Some(ValueType::Undefined) => {}
                                _ => {
                                    return Err(DbError::invalid(format!(
                                        "{F}: onProgress must be a function"
                                    )))
                                }
                            }
                        }
                        other => {
                            return Err(DbError::invalid(format!(
                                "{F}: options: unknown field `{other}`, expected `overwrite` or `onProgress`"
                            )))
                        }
                    }
                }
            }
            _ => return Err(DbError::invalid(format!("{F}: options must be an object"))),
        }
        Ok(Backup {
            dest,
            overwrite,
            progress,
        })
    }

    fn execute(&self, db: &Database, _: Option<&Cancel>, out: &mut Out) -> Result<()> {
        const F: &str = "backup";
        let dest = destination(F, db, &self.dest, self.overwrite)?;
        let tmp = temp_beside(&dest);
        let result = (|| -> Result<i64> {
            let src = db.open_reader()?;
            // One read transaction for the whole copy: every step reads the
            // same snapshot, so Python's commits meanwhile neither restart the
            // backup nor leak half into it (they land in the WAL, after it).
            src.execute_batch("BEGIN")
                .and_then(|()| src.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())))
                .map_err(db.sqlite_err(F))?;
            let mut dst = rusqlite::Connection::open(&tmp).map_err(db.sqlite_err(F))?;
            let total;
            {
                let backup =
                    rusqlite::backup::Backup::new(&src, &mut dst).map_err(db.sqlite_err(F))?;
                loop {
                    let step = backup.step(1024).map_err(db.sqlite_err(F))?;
                    let p = backup.progress();
                    if let Some(f) = &self.progress {
                        let event = BackupProgress {
                            pages_copied: i64::from(p.pagecount - p.remaining),
                            total_pages: i64::from(p.pagecount),
                        };
                        if let Ok(v) = serde_json::to_value(event) {
                            f.call(v, ThreadsafeFunctionCallMode::NonBlocking);
                        }
                    }
                    match step {
                        rusqlite::backup::StepResult::Done => {
                            total = i64::from(p.pagecount);
                            break;
                        }
                        rusqlite::backup::StepResult::More => {}
                        // Our snapshot cannot be busy or locked for long: wait a little.
                        _ => std::thread::sleep(std::time::Duration::from_millis(10)),
                    }
                }
            }
            let _ = src.execute_batch("COMMIT");
            dst.close().map_err(|(_, e)| db.sqlite_err(F)(e))?;
            Ok(total)
        })();
        let pages = match result {
            Ok(p) => p,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        finish(F, &tmp, &dest)?;
        let bytes = std::fs::metadata(&dest).map(|m| m.len()).unwrap_or(0);
        out.set_value(&BackupResult {
            path: dest.display().to_string(),
            pages,
            bytes,
        })
    }
}

// ---------------------------------------------------------------- checkpoint

#[derive(Serialize)]
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

impl Query for Checkpoint {
    const NAME: &'static str = "checkpoint";
    fn parse(_: &Env, a: &[Option<&Unknown<'_>>]) -> Result<Self> {
        const MODES: [&str; 4] = ["PASSIVE", "FULL", "RESTART", "TRUNCATE"];
        let mode = match a[0].map(|v| (v, v.get_type())) {
            None | Some((_, Ok(ValueType::Undefined | ValueType::Null))) => "PASSIVE",
            Some((v, _)) => {
                let s = args::text(Self::NAME, "mode", Some(v))?.to_ascii_uppercase();
                MODES.into_iter().find(|m| *m == s).ok_or_else(|| {
                    DbError::invalid(format!(
                        "{}: mode must be one of {}",
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
#[napi_derive::napi(object, object_from_js = false, object_to_js = false)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IntegrityOptions {
    /// PRAGMA quick_check instead of integrity_check (skips index contents).
    pub quick: Option<bool>,
}

pub struct Integrity {
    quick: bool,
}

#[derive(Serialize)]
struct IntegrityResult {
    ok: bool,
    problems: Vec<String>,
}

impl Query for Integrity {
    const NAME: &'static str = "integrityCheck";
    fn parse(env: &Env, a: &[Option<&Unknown<'_>>]) -> Result<Self> {
        let o: IntegrityOptions = args::options(env, Self::NAME, a[0])?;
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DatabaseInfo {
    path: String,
    readonly: bool,
    file_size_bytes: u64,
    wal_size_bytes: u64,
    wal_limit_bytes: u64,
    page_size: i64,
    page_count: i64,
    freelist_count: i64,
    journal_mode: String,
    sqlite_version: String,
    layout: &'static str,
    capabilities: Vec<&'static str>,
    tables: std::collections::BTreeMap<String, i64>,
    last_auto_checkpoint: Option<crate::connection::AutoCheckpoint>,
}

pub struct Info;

impl Query for Info {
    const NAME: &'static str = "getDatabaseInfo";
    fn parse(_: &Env, _: &[Option<&Unknown<'_>>]) -> Result<Self> {
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
            for name in crate::schema::table_names(conn)? {
                let n: i64 = conn.query_row(
                    &format!("SELECT count(*) FROM {}", crate::schema::quote_ident(&name)),
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

pub struct Optimize;

impl Query for Optimize {
    const NAME: &'static str = "optimize";
    fn parse(_: &Env, _: &[Option<&Unknown<'_>>]) -> Result<Self> {
        Ok(Optimize)
    }
    fn execute(&self, db: &Database, _: Option<&Cancel>, out: &mut Out) -> Result<()> {
        let start = std::time::Instant::now();
        db.with_writer(Self::NAME, |conn| {
            conn.execute_batch("PRAGMA optimize")
                .map_err(db.sqlite_err(Self::NAME))
        })?;
        out.set_value(&serde_json::json!({ "durationMs": start.elapsed().as_secs_f64() * 1000.0 }))
    }
}

// ---------------------------------------------------------------- export

/// Rows per page while exporting: bounded memory whatever the row count.
const EXPORT_PAGE: i64 = 5_000;

enum ExportQuery {
    Profiles(crate::domain::profiles::Profiles),
    Scraped(crate::domain::scraping::ScrapedProfiles),
    Interactions(crate::domain::interactions::Interactions<crate::domain::Instagram>),
}

pub struct Export {
    query: ExportQuery,
    dest: String,
    overwrite: bool,
    bom: bool,
}

/// `filters` without the export's own keys, as a fresh JS object, plus those keys.
fn split_filters<'e>(
    env: &'e Env,
    func: &str,
    v: Option<&Unknown<'_>>,
    id_key: &str,
) -> Result<(Option<Unknown<'e>>, Object<'e>, bool, bool)> {
    let obj = match v.map(|v| (v, v.get_type())) {
        Some((v, Ok(ValueType::Object))) if !v.is_array().unwrap_or(false) => {
            unsafe { Object::from_napi_value(env.raw(), v.raw()) }
                .map_err(|e| DbError::invalid(e.reason))?
        }
        _ => {
            return Err(DbError::invalid(format!(
                "{func}: filters must be an object with {id_key}"
            )))
        }
    };
    let mut rest = Object::new(env).map_err(|e| DbError::internal(e.reason))?;
    let (mut id, mut bom, mut overwrite) = (None, false, false);
    for key in Object::keys(&obj).map_err(|e| DbError::invalid(e.reason))? {
        let value: Unknown = obj
            .get(&key)
            .map_err(|e| DbError::invalid(e.reason))?
            .ok_or_else(|| DbError::invalid(format!("{func}: {key}")))?;
        match key.as_str() {
            k if k == id_key => id = Some(value),
            "bom" | "overwrite" => {
                let b = unsafe { bool::from_napi_value(env.raw(), value.raw()) }
                    .map_err(|_| DbError::invalid(format!("{func}: {key} must be a boolean")))?;
                if key == "bom" {
                    bom = b
                } else {
                    overwrite = b
                }
            }
            "limit" | "offset" => {
                return Err(DbError::invalid(format!(
                    "{func}: {key} does not apply: an export writes every matching row"
                )))
            }
            _ => rest
                .set(&key, value)
                .map_err(|e| DbError::internal(e.reason))?,
        }
    }
    Ok((id, rest, bom, overwrite))
}

impl Query for Export {
    const NAME: &'static str = "exportCsv";
    fn parse(env: &Env, a: &[Option<&Unknown<'_>>]) -> Result<Self> {
        const F: &str = "exportCsv";
        let kind = args::text(F, "kind", a[0])?;
        let dest = args::text(F, "destPath", a[1])?;
        let id_key = match kind.as_str() {
            "profiles" | "interactions" => "accountId",
            "scrapedProfiles" => "scrapingId",
            _ => {
                return Err(DbError::invalid(format!(
                    "{F}: kind must be one of profiles, scrapedProfiles, interactions; got {kind:?}"
                )))
            }
        };
        let (id, rest, bom, overwrite) = split_filters(env, F, a[2], id_key)?;
        let Some(id) = id else {
            return Err(DbError::invalid(format!(
                "{F}: filters.{id_key} is required"
            )));
        };
        let rest = rest.to_unknown();
        let parts = [Some(&id), Some(&rest)];
        // The listing's own parser checks the filters; its errors name it
        // ("getProfiles: options: …"), reworded to name what the caller called.
        let reword = |mut e: DbError| {
            if let Some((_, rest)) = e.message.split_once(": ") {
                let rest = rest.strip_prefix("options: ").unwrap_or(rest);
                e.message = format!("{F}: filters: {rest}");
            }
            e
        };
        let query = match kind.as_str() {
            "profiles" => ExportQuery::Profiles(Query::parse(env, &parts).map_err(reword)?),
            "scrapedProfiles" => ExportQuery::Scraped(Query::parse(env, &parts).map_err(reword)?),
            _ => ExportQuery::Interactions(Query::parse(env, &parts).map_err(reword)?),
        };
        Ok(Export {
            query,
            dest,
            overwrite,
            bom,
        })
    }

    fn execute(&self, db: &Database, cancel: Option<&Cancel>, out: &mut Out) -> Result<()> {
        const F: &str = "exportCsv";
        let dest = destination(F, db, &self.dest, self.overwrite)?;
        let tmp = temp_beside(&dest);
        let result = self.write_csv(db, cancel, &tmp);
        let rows = match result {
            Ok(n) => n,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        finish(F, &tmp, &dest)?;
        out.set_value(&serde_json::json!({ "path": dest.display().to_string(), "rows": rows }))
    }
}

impl Export {
    fn write_csv(&self, db: &Database, cancel: Option<&Cancel>, tmp: &Path) -> Result<u64> {
        const F: &str = "exportCsv";
        let file = std::fs::File::create(tmp).map_err(|e| io_error(F, tmp, e))?;
        let mut w = std::io::BufWriter::with_capacity(256 << 10, file);
        let io = |e: std::io::Error| io_error(F, tmp, e);
        if self.bom {
            w.write_all("\u{feff}".as_bytes()).map_err(io)?;
        }
        let mut rows = 0u64;
        let mut header = false;
        let mut page = Out::default();
        // One read transaction over every page: the export is one snapshot
        // even while Python writes (the layout read inside it, too).
        db.read_with(F, cancel, |conn| {
            conn.execute_batch("BEGIN")?;
            let outcome = (|| -> rusqlite::Result<std::result::Result<(), DbError>> {
                let file = db.refresh(conn)?;
                if let Some(t) = file.missing(self.query.reads()) {
                    return Ok(Err(db.not_in_file(F, &file, t)));
                }
                let mut offset = 0i64;
                loop {
                    page.clear();
                    let page_args = args::Page {
                        limit: EXPORT_PAGE,
                        offset,
                    };
                    match &self.query {
                        ExportQuery::Profiles(q) => run_page(q, page_args, conn, &file, &mut page)?,
                        ExportQuery::Scraped(q) => run_page(q, page_args, conn, &file, &mut page)?,
                        ExportQuery::Interactions(q) => {
                            run_page(q, page_args, conn, &file, &mut page)?
                        }
                    }
                    let keys_len = page.keys_len as usize;
                    let keys: Vec<String> =
                        serde_json::from_slice(&page.buf[..keys_len]).unwrap_or_default();
                    let mut values: Vec<Vec<serde_json::Value>> = Vec::new();
                    for array in page.row_arrays() {
                        match serde_json::from_slice::<Vec<Vec<serde_json::Value>>>(array) {
                            Ok(v) => values.extend(v),
                            Err(e) => return Ok(Err(DbError::internal(format!("{F}: {e}")))),
                        }
                    }
                    if !header {
                        header = true;
                        if let Err(e) = write_record(&mut w, keys.iter().map(|k| k.as_str().into()))
                        {
                            return Ok(Err(io(e)));
                        }
                    }
                    for row in &values {
                        if let Err(e) = write_record(&mut w, row.iter().map(cell)) {
                            return Ok(Err(io(e)));
                        }
                    }
                    rows += values.len() as u64;
                    if (values.len() as i64) < EXPORT_PAGE {
                        return Ok(Ok(()));
                    }
                    offset += EXPORT_PAGE;
                }
            })();
            let _ = conn.execute_batch("COMMIT");
            outcome
        })??;
        w.flush().map_err(io)?;
        w.get_ref().sync_all().map_err(io)?;
        Ok(rows)
    }
}

fn run_page<Q: Query + Clone>(
    q: &Q,
    page: args::Page,
    conn: &rusqlite::Connection,
    file: &crate::layout::FileSchema,
    out: &mut Out,
) -> rusqlite::Result<()> {
    let mut q = q.clone();
    q.set_page(page);
    q.run(conn, file, out)
}

impl ExportQuery {
    /// The API tables the export reads.
    fn reads(&self) -> &'static [crate::layout::Table] {
        match self {
            ExportQuery::Profiles(_) => crate::domain::profiles::Profiles::READS,
            ExportQuery::Scraped(_) => crate::domain::scraping::ScrapedProfiles::READS,
            ExportQuery::Interactions(_) => <crate::domain::interactions::Interactions<
                crate::domain::Instagram,
            > as Query>::READS,
        }
    }
}

/// One CSV cell's text, from the row mapper's JSON value: the same typed
/// values the read API returns (booleans, ISO timestamps, JSON as JSON text).
fn cell(v: &serde_json::Value) -> std::borrow::Cow<'_, str> {
    use serde_json::Value;
    match v {
        Value::Null => "".into(),
        Value::Bool(b) => if *b { "true" } else { "false" }.into(),
        Value::Number(n) => n.to_string().into(),
        Value::String(s) => s.as_str().into(),
        other => other.to_string().into(),
    }
}

/// One RFC 4180 record: fields with `,` `"` CR or LF are quoted (quotes
/// doubled); records end with CRLF.
fn write_record<'a>(
    w: &mut impl Write,
    fields: impl Iterator<Item = std::borrow::Cow<'a, str>>,
) -> std::io::Result<()> {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        if f.contains([',', '"', '\r', '\n']) {
            w.write_all(b"\"")?;
            w.write_all(f.replace('"', "\"\"").as_bytes())?;
            w.write_all(b"\"")?;
        } else {
            w.write_all(f.as_bytes())?;
        }
    }
    w.write_all(b"\r\n")
}

crate::op_api! {
    #[doc = "Copies the database to `destPath` with SQLite's online backup, from one consistent snapshot (correct while Python writes). Refuses the live file; FILE_EXISTS unless `overwrite`."]
    Backup => backup, backup_sync, "BackupResult", "Promise<BackupResult>",
        (dest_path: "string"), (options: "BackupOptions");
    #[doc = "Runs a WAL checkpoint: PASSIVE (default), FULL, RESTART or TRUNCATE."]
    Checkpoint => checkpoint, checkpoint_sync, "CheckpointResult", "Promise<CheckpointResult>",
        (), (mode: "CheckpointMode");
    #[doc = "PRAGMA integrity_check (or quick_check): `ok`, or up to 100 problems."]
    Integrity => integrity_check, integrity_check_sync, "IntegrityResult", "Promise<IntegrityResult>",
        (), (options: "IntegrityOptions");
    #[doc = "Facts about the file: sizes, pages, journal mode, SQLite version, rows per table, the WAL guard."]
    Info => get_database_info, get_database_info_sync, "DatabaseInfo", "Promise<DatabaseInfo>",
        (), ();
    #[doc = "PRAGMA optimize: refreshes the query planner's statistics where useful."]
    Optimize => optimize, optimize_sync, "OptimizeResult", "Promise<OptimizeResult>",
        (), ();
    #[doc = "Writes every row matching `filters` to a CSV file (RFC 4180, CRLF; `bom: true` for Excel), streaming page by page from one snapshot. Returns the rows written."]
    Export => export_csv, export_csv_sync, "ExportResult", "Promise<ExportResult>",
        (kind: "ExportKind", dest_path: "string", filters: "ExportFilters"), ();
}

//! The connection layer, in one place: how every connection is opened and
//! configured, the pool of read connections the queries run on, the single writer
//! (schema bootstrap now, the app's own edits later), and closing.
//!
//! WAL lets any number of readers run beside one writer, in this process or in
//! Python's. Readers are opened read-only, so the read API can never write.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

use super::functions::register_functions;
use super::paths::immutable_uri;
use crate::base::cancel::Cancel;
use crate::base::error::{from_panic, DbError, ErrorCode, Result};
use crate::db::layout::{FileSchema, Layout, Table};
use crate::db::schema;
use crate::rows::Kept;

/// Python's `sqlite3.connect(..., timeout=30.0)`.
pub const DEFAULT_BUSY_TIMEOUT_MS: u32 = 30_000;
/// Idle read connections kept for reuse: one per libuv worker thread by default.
const MAX_IDLE_READERS: usize = 4;
const STATEMENT_CACHE: usize = 64;
/// Per read connection: pages mapped (address space, not memory) and page cache.
const READER_MMAP_BYTES: u64 = 1 << 30;
const READER_CACHE_KIB: u32 = 16 * 1024;

#[derive(Debug, Clone)]
pub struct OpenConfig {
    pub path: PathBuf,
    pub readonly: bool,
    pub busy_timeout_ms: u32,
    /// WAL size that triggers an automatic TRUNCATE checkpoint (0: never).
    pub wal_limit_bytes: u64,
    /// The layout a writable open creates on an empty file.
    pub create: Layout,
    /// Fail instead of creating the file when it does not exist.
    pub file_must_exist: bool,
}

/// Default WAL guard: Python's own auto-checkpoint (PASSIVE, every ~4 MB) never
/// shrinks the file and cannot finish while a reader is active; past this the
/// addon truncates it.
pub const DEFAULT_WAL_LIMIT_BYTES: u64 = 64 << 20;

/// The last automatic checkpoint, for getDatabaseInfo().
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AutoCheckpoint {
    /// ISO time of the checkpoint.
    pub at: String,
    pub wal_bytes_before: u64,
    pub wal_bytes_after: u64,
    pub busy: bool,
}

pub struct Database {
    pub(super) path: PathBuf,
    pub(super) display: String,
    pub(super) readonly: bool,
    pub(super) busy_timeout_ms: u32,
    pub(super) wal_limit_bytes: u64,
    pub(super) last_auto_checkpoint: Mutex<Option<AutoCheckpoint>>,
    pub(super) closed: AtomicBool,
    /// Readonly open in a directory where the WAL side files cannot be made
    /// (see open_reader): readers open the file as immutable.
    pub(super) immutable: AtomicBool,
    /// Idle read connections, each with its prepared statements.
    pub(super) readers: Mutex<Vec<Kept>>,
    /// None for a readonly database and after close().
    pub(super) writer: Mutex<Option<Connection>>,
    /// Change feeds to stop on close().
    pub(super) watchers: Mutex<Vec<crate::base::stop::StopHandle>>,
    /// What the file holds, as last detected (re-detected when the bot changes
    /// the schema under us).
    pub(super) file: Mutex<Arc<FileSchema>>,
    /// A thread is building the addon's index on a new layout.
    pub(super) indexing: Arc<AtomicBool>,
}

pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock is caught at the boundary; the data (a list of
    // connections) is still consistent, so a poisoned lock is simply reused.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whether a failed read may come from a schema that changed under the
/// statement: a table or column the SQL names is gone (SQLITE_ERROR, "no such
/// ..."), or SQLite gave up re-preparing (SQLITE_SCHEMA).
fn schema_error(e: &rusqlite::Error) -> bool {
    match e {
        rusqlite::Error::SqliteFailure(f, msg) => {
            f.code == rusqlite::ErrorCode::SchemaChanged
                || (f.code == rusqlite::ErrorCode::Unknown
                    && msg.as_deref().is_some_and(|m| m.starts_with("no such")))
        }
        _ => false,
    }
}

/// The writable open's schema work on a file detected as `file`: the layout
/// `create` on an empty file, the legacy additive migrations on a legacy one,
/// then the addon's own indexes on the tables the file has. When the bot wins
/// the race for an empty file (its first start at the same moment), `create`
/// finds tables inside the lock and creates nothing: the file is looked at
/// again and completed as what it now is, or the addon's indexes would be
/// missing for good. Returns the file as it is now (the caller refuses a
/// foreign one: nothing here touches a file of neither layout).
fn complete(
    conn: &mut Connection,
    mut file: FileSchema,
    create: Layout,
) -> rusqlite::Result<FileSchema> {
    let mut changed = false;
    if file.layout == Layout::Empty {
        changed = schema::create(conn, create == Layout::Unified)?;
        if !changed {
            file = FileSchema::detect(conn)?;
        }
    }
    if file.layout == Layout::Legacy {
        changed |= schema::ensure(conn)?;
    }
    if changed {
        file = FileSchema::detect(conn)?;
    }
    // Only indexes of the addon's own, on the tables the file has.
    if file.index_work() {
        file.update_indexes(conn)?;
        file = FileSchema::detect(conn)?;
    }
    Ok(file)
}

/// A file caught while the bot's first start creates its tables one
/// statement at a time (FileSchema::in_progress: only the bot's tables, not a
/// whole layout yet) is looked at again until it is a layout, or until its
/// schema has not moved for 1.5 s (10 s at most): a start that stopped half
/// way is then opened as it is, `unknown`, and never written to.
fn settled(conn: &Connection, mut file: FileSchema) -> rusqlite::Result<FileSchema> {
    const STEP: Duration = Duration::from_millis(25);
    // Generous: each of the bot's CREATE TABLEs is its own commit, and a busy
    // or virus-scanned Windows machine can take long between two of them.
    const QUIET: Duration = Duration::from_millis(1500);
    const LIMIT: Duration = Duration::from_secs(10);
    let started = Instant::now();
    let mut quiet_since = Instant::now();
    while file.in_progress && quiet_since.elapsed() < QUIET && started.elapsed() < LIMIT {
        std::thread::sleep(STEP);
        let again = FileSchema::detect(conn)?;
        if again.schema_version != file.schema_version {
            quiet_since = Instant::now();
        }
        file = again;
    }
    Ok(file)
}

impl Database {
    pub fn open(opts: OpenConfig) -> Result<Arc<Database>> {
        let display = opts.path.display().to_string();
        if display.is_empty() {
            return Err(DbError::invalid("openDatabase: path must not be empty"));
        }
        let db = Database {
            path: opts.path.clone(),
            display,
            readonly: opts.readonly,
            busy_timeout_ms: opts.busy_timeout_ms,
            wal_limit_bytes: opts.wal_limit_bytes,
            last_auto_checkpoint: Mutex::new(None),
            closed: AtomicBool::new(false),
            immutable: AtomicBool::new(false),
            readers: Mutex::new(Vec::new()),
            writer: Mutex::new(None),
            watchers: Mutex::new(Vec::new()),
            file: Mutex::new(Arc::new(FileSchema::none())),
            indexing: Arc::new(AtomicBool::new(false)),
        };
        let exists = opts.path.is_file();
        if (opts.readonly || opts.file_must_exist) && !exists {
            let why = if opts.readonly {
                "a readonly open never creates one"
            } else {
                "fileMustExist is set"
            };
            return Err(DbError::new(
                ErrorCode::SqliteCantOpen,
                format!(
                    "openDatabase failed on {}: no database file there ({why})",
                    db.display
                ),
            ));
        }
        if opts.readonly {
            // Open one reader now so a bad file fails here, with its code, and
            // not on the first query.
            let reader = db.open_reader()?;
            let file = FileSchema::detect(&reader).map_err(db.sqlite_err("openDatabase"))?;
            *lock(&db.file) = Arc::new(file);
            lock(&db.readers).push(Kept::new(reader));
        } else {
            if exists {
                // Look before touching: a file that is not TAKTIK's is refused
                // before anything could write to it (its journal mode included).
                let probe = db.open_reader_at(false)?;
                let mut file = FileSchema::detect(&probe).map_err(db.sqlite_err("openDatabase"))?;
                if file.in_progress {
                    file = settled(&probe, file).map_err(db.sqlite_err("openDatabase"))?;
                }
                drop(probe);
                db.refuse_foreign(&file)?;
            }
            let writer = db.open_writer(opts.create)?;
            *lock(&db.writer) = Some(writer);
        }
        Ok(Arc::new(db))
    }

    /// NOT_A_TAKTIK_DATABASE for a writable open of another application's file.
    fn refuse_foreign(&self, file: &FileSchema) -> Result<()> {
        if file.layout != Layout::Foreign {
            return Ok(());
        }
        let mut names: Vec<&str> = file.sample_tables.iter().map(String::as_str).collect();
        if file.table_count > names.len() {
            names.push("...");
        }
        Err(DbError::new(
            ErrorCode::NotATaktikDatabase,
            format!(
                "openDatabase refused {}: it is a SQLite file of another application (tables {}), none of TAKTIK's; it was not changed. Check the path, or open it with readonly: true to inspect it",
                self.display,
                names.join(", ")
            ),
        ))
    }

    /// What the file holds, as last detected.
    pub fn file(&self) -> Arc<FileSchema> {
        lock(&self.file).clone()
    }

    /// What the file holds now: checked against the file's schema version
    /// (one cheap read), for `db.layout` and `db.supports`. The last known
    /// answer after close() or when the file cannot be read.
    pub fn current_file(&self) -> Arc<FileSchema> {
        if self.is_closed() {
            return self.file();
        }
        self.read("layout", |conn| self.refresh(conn))
            .unwrap_or_else(|_| self.file())
    }

    /// The layout as `conn` sees the file (its snapshot, inside a read
    /// transaction): the stored FileSchema when the schema did not change (a
    /// cheap `schema_version` read), else detected again, and stored for the
    /// other connections when it is newer.
    pub fn refresh(&self, conn: &Connection) -> rusqlite::Result<Arc<FileSchema>> {
        let current = self.file();
        let version: i64 = conn.query_row("PRAGMA main.schema_version", [], |r| r.get(0))?;
        if version == current.schema_version {
            return Ok(current);
        }
        let fresh = Arc::new(FileSchema::detect(conn)?);
        {
            let mut slot = lock(&self.file);
            // Another thread may have stored a newer one meanwhile (the schema
            // cookie only grows).
            if fresh.schema_version > slot.schema_version {
                *slot = fresh.clone();
            }
        }
        if fresh.id != current.id && !self.readonly {
            self.index_new_layout(&fresh);
        }
        Ok(fresh)
    }

    /// The addon's indexes on tables the bot has just created (it migrated
    /// the file under us): built on a thread of their own, since on a large
    /// file that takes a few hundred milliseconds under the write lock.
    fn index_new_layout(&self, file: &FileSchema) {
        if !file.index_work() || self.indexing.swap(true, Ordering::AcqRel) {
            return;
        }
        let path = self.path.clone();
        let busy = self.busy_timeout_ms;
        let indexing = self.indexing.clone();
        let spawned = std::thread::Builder::new()
            .name("taktik-db-index".into())
            .spawn(move || {
                // One at a time; the next layout change may start another.
                struct Done(Arc<AtomicBool>);
                impl Drop for Done {
                    fn drop(&mut self) {
                        self.0.store(false, Ordering::Release);
                    }
                }
                let _done = Done(indexing);
                let _ = catch_unwind(AssertUnwindSafe(|| {
                    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                    if let Ok(conn) = Connection::open_with_flags(&path, flags) {
                        let _ = conn.busy_timeout(Duration::from_millis(u64::from(busy)));
                        if let Ok(file) = FileSchema::detect(&conn) {
                            let _ = file.update_indexes(&conn);
                        }
                    }
                }));
            });
        if spawned.is_err() {
            self.indexing.store(false, Ordering::Release);
        }
    }

    /// Runs a query that reads the API tables `reads` on a pooled read
    /// connection, with the file's current FileSchema. The layout is checked
    /// on the way: a table this file does not keep is NOT_IN_THIS_FILE; when a
    /// statement saw the schema change (the bot migrated the file), or failed
    /// on a table or column that is gone, the layout is detected again and the
    /// query rerun once on the new one.
    pub fn query<T>(
        &self,
        what: &str,
        cancel: Option<&Cancel>,
        reads: &[Table],
        mut f: impl FnMut(&Connection, &FileSchema) -> rusqlite::Result<T>,
    ) -> Result<T> {
        self.read_with(what, cancel, |conn| {
            let mut file = self.file();
            // Stand-ins read no table, so SQLite never tells them the bot has
            // since created it: ask.
            if file.stands_in(reads) {
                file = self.refresh(conn)?;
            }
            let mut retried = false;
            loop {
                if let Some(t) = file.missing(reads) {
                    return Ok(Err(self.not_in_file(what, &file, t)));
                }
                crate::rows::take_schema_moved();
                let result = f(conn, &file);
                let moved = crate::rows::take_schema_moved();
                let suspect = match &result {
                    Ok(_) => moved,
                    Err(e) => schema_error(e),
                };
                if suspect && !retried {
                    let fresh = self.refresh(conn)?;
                    if fresh.id != file.id {
                        file = fresh;
                        retried = true;
                        continue;
                    }
                }
                return result.map(Ok);
            }
        })?
    }

    /// NOT_IN_THIS_FILE, naming the function, the layout and what is missing.
    pub fn not_in_file(&self, what: &str, file: &FileSchema, t: Table) -> DbError {
        DbError::new(
            ErrorCode::NotInThisFile,
            format!(
                "{what}: {} (layout {}) has no {} data{}",
                self.display,
                file.layout.as_str(),
                t.api_name(),
                match file.layout {
                    Layout::Unified => ": the bot's unified layout (June 2026 on) does not keep it; db.supports() tells what this file has",
                    Layout::Foreign => ": this is another application's file",
                    Layout::Unknown => ": the file's tables are neither of the bot's layouts",
                    _ => "",
                }
            ),
        )
    }

    pub fn path(&self) -> &str {
        &self.display
    }

    pub fn readonly(&self) -> bool {
        self.readonly
    }

    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Maps a rusqlite error of `what` on this file (for `map_err`; allocates
    /// nothing unless there is an error).
    pub fn sqlite_err<'a>(&'a self, what: &'a str) -> impl FnOnce(rusqlite::Error) -> DbError + 'a {
        move |e| {
            let mut err = DbError::sqlite(e, what, &self.display);
            if let Some(hint) = self.hint(err.code) {
                err.message.push_str(&hint);
            }
            err
        }
    }

    /// What the app (or its user) can do about the errors the real world causes.
    fn hint(&self, code: crate::base::error::ErrorCode) -> Option<String> {
        use crate::base::error::ErrorCode as C;
        Some(match code {
            C::SqliteBusy | C::SqliteLocked => format!(
                " (another connection, usually the Python bot, held the write lock longer than busyTimeoutMs = {} ms; retry later)",
                self.busy_timeout_ms
            ),
            C::SqliteReadonly => " (the file or its directory is not writable, or another process holds it read-only; open with readonly: true to read it)".into(),
            C::SqliteFull => " (the disk is full; the write was rolled back and the file is unchanged)".into(),
            C::SqliteIoErr => " (the operating system refused a read or write: disk error, removed drive, quota or file-size limit; a failed write is rolled back)".into(),
            C::SqliteNotADb => " (this file is not a SQLite database, or it is encrypted)".into(),
            C::SqliteCorrupt => " (the file is damaged: run integrityCheck() and restore from a backup)".into(),
            _ => return None,
        })
    }

    /// Settings every connection gets: the busy timeout (so a Python write lock is
    /// waited for, not reported), foreign keys, and the addon's SQL functions.
    fn configure(&self, conn: &Connection) -> rusqlite::Result<()> {
        conn.busy_timeout(Duration::from_millis(u64::from(self.busy_timeout_ms)))?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.pragma_update(None, "foreign_keys", true)?;
        // SQLite 3.54 marks every `col = ?` and `LIMIT ?` parameter "reprepare on
        // rebind" so the planner can use the value, and sqlite3_clear_bindings
        // (run by rusqlite when a cached statement goes back) then expires the
        // statement: every call re-parsed and re-planned its SQL, ~40% of a
        // single-row read. The query-planner stability guarantee turns that off;
        // the plans here do not depend on parameter values (no LIKE, no STAT4).
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )?;
        register_functions(conn)
    }

    fn open_writer(&self, create: Layout) -> Result<Connection> {
        let what = "openDatabase";
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                DbError::new(
                    ErrorCode::SqliteCantOpen,
                    format!(
                        "{what} failed on {}: cannot create directory {}: {e}",
                        self.display,
                        dir.display()
                    ),
                )
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn =
            Connection::open_with_flags(&self.path, flags).map_err(self.sqlite_err(what))?;
        self.configure(&conn).map_err(self.sqlite_err(what))?;
        let mut file = FileSchema::detect(&conn).map_err(self.sqlite_err(what))?;
        // The probe saw something else a moment ago, or there was no file
        // (a race with the bot's first start, or another writer): look again.
        if file.in_progress {
            file = settled(&conn, file).map_err(self.sqlite_err(what))?;
        }
        self.refuse_foreign(&file)?;
        if file.layout == Layout::Unknown {
            // Neither layout: no DDL and no journal-mode change; reads answer
            // NOT_IN_THIS_FILE.
            *lock(&self.file) = Arc::new(file);
            return Ok(conn);
        }
        // Python sets WAL on every start too; on a fresh file whichever side comes
        // first converts it, the busy timeout covers the other.
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(self.sqlite_err(what))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(DbError::new(
                ErrorCode::SqliteError,
                format!(
                    "{what} failed on {}: could not switch to WAL (journal_mode is {mode})",
                    self.display
                ),
            ));
        }
        let mut file =
            complete(&mut conn, file, create).map_err(self.sqlite_err("schema bootstrap"))?;
        if file.in_progress {
            // The bot's first start took the empty file between our look and
            // our lock: let it finish, then complete what it made.
            file = settled(&conn, file).map_err(self.sqlite_err(what))?;
            file =
                complete(&mut conn, file, create).map_err(self.sqlite_err("schema bootstrap"))?;
        }
        self.refuse_foreign(&file)?;
        *lock(&self.file) = Arc::new(file);
        Ok(conn)
    }

    /// A configured read-only connection; pooled by `read`, or kept by a
    /// change feed or a backup for itself.
    pub fn open_reader(&self) -> Result<Connection> {
        if self.immutable.load(Ordering::Relaxed) {
            return self.open_reader_at(true);
        }
        match self.open_reader_at(false) {
            Err(e) if self.readonly && self.needs_immutable(&e) => {
                let conn = self.open_reader_at(true)?;
                self.immutable.store(true, Ordering::Relaxed);
                Ok(conn)
            }
            other => other,
        }
    }

    /// A WAL reader needs the `-shm` file, and creates it if missing. In a
    /// read-only directory with no `-wal` beside the file, nobody can be
    /// writing it in WAL mode, so SQLite's `immutable` open (no side files, no
    /// locks) reads it. The catch: changes made later by someone who can write
    /// there are not seen (the change feed stays silent).
    fn needs_immutable(&self, e: &DbError) -> bool {
        use crate::base::error::ErrorCode as C;
        let wal = {
            let mut p = self.path.clone().into_os_string();
            p.push("-wal");
            PathBuf::from(p)
        };
        matches!(e.code, C::SqliteReadonly | C::SqliteCantOpen)
            && self.path.is_file()
            && !wal.exists()
    }

    /// A read-only connection. Nothing is created in it: a table or column an
    /// older bot's file lacks is read through a stand-in in the SQL itself
    /// (layout.rs), never through TEMP objects that would shadow what the bot
    /// creates later.
    fn open_reader_at(&self, immutable: bool) -> Result<Connection> {
        let what = "opening a read connection";
        let mut flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = if immutable {
            flags |= OpenFlags::SQLITE_OPEN_URI;
            Connection::open_with_flags(immutable_uri(&self.path), flags)
        } else {
            Connection::open_with_flags(&self.path, flags)
        }
        .map_err(self.sqlite_err(what))?;
        self.configure(&conn).map_err(self.sqlite_err(what))?;
        // Dashboard reads group and sort hundreds of thousands of rows: keep
        // SQLite's temporary b-trees in memory instead of temp files, read pages
        // through mmap rather than pread copies, and cache more of the file.
        // Connection-local settings; nothing is written to the database.
        conn.execute_batch(&format!(
            "PRAGMA temp_store = MEMORY; PRAGMA mmap_size = {READER_MMAP_BYTES}; PRAGMA cache_size = -{READER_CACHE_KIB};"
        ))
        .map_err(self.sqlite_err(what))?;
        // Touch the file now: a non-database or corrupt header fails here with
        // SQLITE_NOTADB / SQLITE_CORRUPT rather than mid-query.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
            .map_err(self.sqlite_err(what))?;
        // Installed once, before any statement is cached (setting an
        // authorizer expires every prepared statement): it does nothing until
        // db.query() arms it around its own prepare (guard.rs).
        conn.authorizer(Some(super::guard::authorize))
            .map_err(self.sqlite_err(what))?;
        Ok(conn)
    }

    /// CLOSED once `close()` has been called: checked when JS makes a call.
    pub fn ensure_open(&self) -> Result<()> {
        if self.is_closed() {
            return Err(DbError::closed(&self.display));
        }
        Ok(())
    }

    /// Runs `f` on a pooled read connection. The caller checked `ensure_open` when
    /// the call was made: an async read accepted before `close()` still completes
    /// (on a connection of its own if the pool is gone). Panics are caught here
    /// and become INTERNAL errors; nothing unwinds into Node.
    pub fn read<T>(
        &self,
        what: &str,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T> {
        self.read_with(what, None, f)
    }

    /// `read`, stopped early when `cancel` fires: a progress handler interrupts
    /// the statement, which then fails with ABORTED or TIMEOUT.
    pub fn read_with<T>(
        &self,
        what: &str,
        cancel: Option<&Cancel>,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T> {
        if let Some(code) = cancel.and_then(Cancel::reason) {
            return Err(cancel.expect("checked").error(code, what));
        }
        let pooled = lock(&self.readers).pop();
        let kept = match pooled {
            Some(c) => c,
            None => Kept::new(self.open_reader()?),
        };
        let result = catch_unwind(AssertUnwindSafe(|| kept.scope(cancel, f)));
        // Statements are reset as they drop inside `f` (an interrupted one too),
        // so a pooled connection holds no read transaction that would pin an
        // old WAL snapshot.
        if !self.is_closed() {
            let mut idle = lock(&self.readers);
            if idle.len() < MAX_IDLE_READERS {
                idle.push(kept);
            }
        }
        match result {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => {
                // SQLITE_INTERRUPT from our progress handler: say why.
                let interrupted =
                    e.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted);
                match cancel.and_then(|c| c.reason().map(|code| c.error(code, what))) {
                    Some(cancelled) if interrupted => Err(cancelled),
                    _ => Err(self.sqlite_err(what)(e)),
                }
            }
            Err(panic) => Err(from_panic(panic, what)),
        }
    }

    /// Runs `f` inside a write transaction on the writer: BEGIN IMMEDIATE takes
    /// the write lock up front (waiting up to busyTimeoutMs for Python's), so
    /// there is no read-to-write upgrade to deadlock on; COMMIT on success,
    /// ROLLBACK on any error. A readonly database fails with SQLITE_READONLY.
    ///
    /// `f` gets the file's layout as it is inside the lock (checked there: the
    /// bot may have migrated the file since the last read).
    pub fn write<T>(
        &self,
        what: &str,
        f: impl FnOnce(&Connection, Arc<FileSchema>) -> Result<T>,
    ) -> Result<T> {
        self.with_writer(what, |conn| {
            conn.execute_batch("BEGIN IMMEDIATE")
                .map_err(self.sqlite_err(what))?;
            let file = match self.refresh(conn) {
                Ok(file) => file,
                Err(e) => {
                    let _ = conn.execute_batch("ROLLBACK");
                    return Err(self.sqlite_err(what)(e));
                }
            };
            match catch_unwind(AssertUnwindSafe(|| f(conn, file))) {
                Ok(Ok(value)) => match conn.execute_batch("COMMIT") {
                    Ok(()) => {
                        self.guard_wal(conn);
                        Ok(value)
                    }
                    Err(e) => {
                        let _ = conn.execute_batch("ROLLBACK");
                        Err(self.sqlite_err(what)(e))
                    }
                },
                Ok(Err(e)) => {
                    let _ = conn.execute_batch("ROLLBACK");
                    Err(e)
                }
                Err(panic) => {
                    let _ = conn.execute_batch("ROLLBACK");
                    Err(from_panic(panic, what))
                }
            }
        })
    }

    /// The writer connection, exclusively, outside any transaction (checkpoint,
    /// optimize). SQLITE_READONLY on a readonly database, CLOSED after close().
    pub fn with_writer<T>(
        &self,
        what: &str,
        f: impl FnOnce(&Connection) -> Result<T>,
    ) -> Result<T> {
        if self.readonly {
            return Err(DbError::new(
                crate::base::error::ErrorCode::SqliteReadonly,
                format!(
                    "{what} failed on {}: the database was opened with readonly: true",
                    self.display
                ),
            ));
        }
        let mut guard = lock(&self.writer);
        let Some(conn) = guard.as_ref() else {
            return Err(DbError::closed(&self.display));
        };
        let result = f(conn);
        if self.is_closed() {
            // close() ran meanwhile and left the connection to us.
            guard.take();
        }
        result
    }

    pub fn wal_limit_bytes(&self) -> u64 {
        self.wal_limit_bytes
    }

    pub fn last_auto_checkpoint(&self) -> Option<AutoCheckpoint> {
        lock(&self.last_auto_checkpoint).clone()
    }

    /// Closes every connection. Calls made afterwards fail with CLOSED; a read
    /// already running finishes on its own connection, which is then dropped.
    /// Change feeds stop.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        lock(&self.readers).clear();
        // Never wait here (the JS thread) for a write in progress: it may be
        // waiting out the bot's lock for busyTimeoutMs. A busy writer is closed
        // by that write when it ends (with_writer), or at the latest when the
        // last task holding this Database drops it.
        match self.writer.try_lock() {
            Ok(mut w) => drop(w.take()),
            Err(std::sync::TryLockError::Poisoned(p)) => drop(p.into_inner().take()),
            Err(std::sync::TryLockError::WouldBlock) => {}
        }
        for w in lock(&self.watchers).drain(..) {
            w.stop();
        }
    }

    /// Registers a change feed so close() stops it.
    pub fn add_watcher(&self, stop: crate::base::stop::StopHandle) {
        let mut list = lock(&self.watchers);
        list.retain(|w| !w.is_stopped());
        list.push(stop);
    }
}

#[cfg(test)]
mod tests {
    use crate::base::cancel::Cancel;
    use crate::base::error::ErrorCode;
    use std::time::Duration;

    /// A query that never ends unless SQLite itself is interrupted: if the
    /// progress handler did not stop the statement, no result would ever come.
    fn endless(db: &Database, cancel: &Cancel) -> Result<i64> {
        db.read_with("endless", Some(cancel), |conn| {
            conn.query_row(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)
                 SELECT count(*) FROM c",
                [],
                |r| r.get(0),
            )
        })
    }

    fn open() -> Arc<Database> {
        let dir = std::env::temp_dir().join(format!("taktik-cancel-{}", std::process::id()));
        Database::open(OpenConfig {
            path: dir.join("t.db"),
            readonly: false,
            busy_timeout_ms: 1000,
            wal_limit_bytes: 0,
            create: crate::db::layout::Layout::Legacy,
            file_must_exist: false,
        })
        .expect("open")
    }

    fn within_10s<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(f()));
        rx.recv_timeout(Duration::from_secs(10))
            .expect("the statement was not interrupted")
    }

    #[test]
    fn abort_and_timeout_interrupt_a_running_statement() {
        let db = open();
        let cancel = Cancel::new(None);
        let (d, c) = (db.clone(), cancel.clone());
        let handle = std::thread::spawn(move || within_10s(move || endless(&d, &c)));
        std::thread::sleep(Duration::from_millis(50));
        cancel.abort();
        let err = handle.join().unwrap().unwrap_err();
        assert_eq!(err.code, ErrorCode::Aborted);

        let d = db.clone();
        let err = within_10s(move || endless(&d, &Cancel::new(Some(30)))).unwrap_err();
        assert_eq!(err.code, ErrorCode::Timeout);
        assert!(err.message.contains("30 ms"));

        // The pooled connection was reset: it reads normally afterwards.
        let n: i64 = db
            .read("after", |c| c.query_row("SELECT 41 + 1", [], |r| r.get(0)))
            .unwrap();
        assert_eq!(n, 42);
        db.close();
    }

    use super::*;

    /// A new empty file in a directory of its own, our connection to it as
    /// it looked at the file, and the bot's.
    fn empty_file(tag: &str) -> (std::path::PathBuf, Connection, FileSchema, Connection) {
        let dir = std::env::temp_dir().join(format!("taktik-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("taktik-data.db");
        let _ = std::fs::remove_file(&path);
        let conn = Connection::open(&path).unwrap();
        let empty = FileSchema::detect(&conn).unwrap();
        assert_eq!(empty.layout, Layout::Empty);
        let bot = Connection::open(&path).unwrap();
        (dir, conn, empty, bot)
    }

    #[test]
    fn the_bot_winning_the_race_for_an_empty_file_still_gets_the_addon_indexes() {
        let (dir, mut conn, empty, bot) = empty_file("race");
        // The bot's first start lands between our look at the file and our lock:
        // it has created all but its last tables so far.
        for t in &schema::TABLES[..schema::TABLES.len() - 3] {
            bot.execute_batch(t.ddl).unwrap();
        }
        let file = complete(&mut conn, empty, Layout::Legacy).unwrap();
        assert_eq!(file.layout, Layout::Legacy);
        assert!(file.missing_indexes.is_empty());
        let indexes: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_taktikdb%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(indexes > 0);
        drop((conn, bot));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_file_caught_with_only_the_bots_first_table_is_waited_for() {
        let (dir, mut conn, empty, bot) = empty_file("first");
        // Between our look and our lock the bot's first start has made its
        // first table, a name other applications use too: not foreign, and
        // not ours to write to yet.
        bot.execute_batch(
            schema::TABLES
                .iter()
                .find(|t| t.name == "daily_stats")
                .unwrap()
                .ddl,
        )
        .unwrap();
        let file = complete(&mut conn, empty, Layout::Legacy).unwrap();
        assert_eq!(file.layout, Layout::Unknown);
        assert!(file.in_progress);
        // The bot goes on 300 ms later; the wait sees it through.
        let rest = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            for t in schema::TABLES {
                bot.execute_batch(t.ddl).unwrap();
            }
        });
        let file = settled(&conn, file).unwrap();
        assert_eq!(file.layout, Layout::Legacy);
        rest.join().unwrap();
        let file = complete(&mut conn, file, Layout::Legacy).unwrap();
        assert!(file.missing_indexes.is_empty());
        drop(conn);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

//! What a call is below the Node boundary. A read implements [`Read`] (its
//! SQL runs on a pooled read connection); a write or maintenance operation
//! implements [`Operation`] (it uses the writer or the file system). Both
//! parse their arguments by name through [`args::Args`]. The node layer runs
//! either as a [`Job`] and hands the [`Answer`] to JavaScript.

pub(crate) mod args;
pub(crate) mod sql;

use std::panic::{catch_unwind, AssertUnwindSafe};

use rusqlite::Connection;

use crate::base::cancel::Cancel;
use crate::base::error::{from_panic, DbError, Result};
use crate::db::database::Database;
use crate::db::layout::{FileSchema, Table};
use crate::rows::pool::{give_back, take_buffer};
use crate::rows::{Form, Next, Out};
use args::{Args, Page};

/// A read query, its arguments already validated.
pub(crate) trait Read: Send + Sync + Sized + 'static {
    /// The JS name of the async form, used in error messages.
    const NAME: &'static str;
    /// The API tables `run` reads: a file without one of them answers
    /// NOT_IN_THIS_FILE before any SQL runs.
    const READS: &'static [Table];
    /// Validates the call's arguments, asked for by name.
    fn parse<A: Args>(a: &A) -> Result<Self>;
    /// Runs the SQL on a read connection, writing the JSON result into `out`;
    /// `file` says where each API table lives in this file.
    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()>;
    /// Listings: replaces limit/offset (exportCsv pages through every row).
    fn set_page(&mut self, _page: Page) -> bool {
        false
    }
    /// Whether the Sync form streams (node/deliver.rs): listings that may be
    /// long, by their limit (see [`is_long_listing`]).
    fn streams(&self) -> bool {
        false
    }
}

/// A write or maintenance operation, its arguments already validated.
pub(crate) trait Operation: Send + Sync + Sized + 'static {
    /// The JS name of the async form, used in error messages.
    const NAME: &'static str;
    /// Validates the call's arguments, asked for by name.
    fn parse<A: Args>(a: &A) -> Result<Self>;
    /// Does the work, writing the JSON result into `out`.
    fn execute(&self, db: &Database, cancel: Option<&Cancel>, out: &mut Out) -> Result<()>;
}

/// What the node layer runs: a parsed read or operation.
pub(crate) trait Job: Send + Sync + 'static {
    const NAME: &'static str;
    fn streams(&self) -> bool;
    fn execute(&self, db: &Database, cancel: Option<&Cancel>, out: &mut Out) -> Result<()>;
}

/// A read as a job: `run` on a pooled read connection, stopped early if
/// `cancel` fires (and run again if the bot changed the layout under it: `out`
/// starts over).
pub(crate) struct Reading<R>(pub R);

impl<R: Read> Job for Reading<R> {
    const NAME: &'static str = R::NAME;
    fn streams(&self) -> bool {
        self.0.streams()
    }
    fn execute(&self, db: &Database, cancel: Option<&Cancel>, out: &mut Out) -> Result<()> {
        db.query(R::NAME, cancel, R::READS, |conn, file| {
            out.clear();
            self.0.run(conn, file, out)
        })
    }
}

/// An operation as a job.
pub(crate) struct Operating<O>(pub O);

impl<O: Operation> Job for Operating<O> {
    const NAME: &'static str = O::NAME;
    fn streams(&self) -> bool {
        false
    }
    fn execute(&self, db: &Database, cancel: Option<&Cancel>, out: &mut Out) -> Result<()> {
        self.0.execute(db, cancel, out)
    }
}

/// Listings with a limit of at least this many rows stream their Sync form.
const STREAM_MIN_LIMIT: i64 = 500;

/// Whether a listing with this page is long enough to stream its Sync form.
pub(crate) fn is_long_listing(page: Page) -> bool {
    page.limit >= STREAM_MIN_LIMIT
}

/// Proof that no panic reaches Node, on the shipped binary: with
/// `TAKTIK_DB_PANIC_PROBE=<function>:<parse|execute>` in the environment at
/// load time, that function panics at that stage (the JS thread, or the worker
/// for an async call). The reliability suite runs it in a child process, which
/// would abort if the panic escaped. Unset, this is one atomic load per call.
pub(crate) fn panic_probe(name: &str, stage: &str) {
    static PROBE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let probe = PROBE.get_or_init(|| std::env::var("TAKTIK_DB_PANIC_PROBE").ok());
    if let Some((f, s)) = probe.as_deref().and_then(|p| p.split_once(':')) {
        if f == name && s == stage {
            panic!("TAKTIK_DB_PANIC_PROBE: {name} panicked during {stage}");
        }
    }
}

/// Runs `execute` with panics caught (a bug in a query must not abort Electron).
pub(crate) fn run_caught<J: Job>(
    db: &Database,
    job: &J,
    cancel: Option<&Cancel>,
    out: &mut Out,
) -> Result<()> {
    catch_unwind(AssertUnwindSafe(|| {
        panic_probe(J::NAME, "execute");
        job.execute(db, cancel, out)
    }))
    .unwrap_or_else(|panic| Err(from_panic(panic, J::NAME)))
}

/// A call's result: JSON text in a pooled buffer, and its form.
pub(crate) struct Answer {
    pub bytes: Vec<u8>,
    /// Whether the text is ASCII (the row mapper escapes every non-ASCII
    /// char, so in practice always): decides how V8 gets the string.
    pub ascii: bool,
    pub form: Form,
    /// The id of the row's column set (JS keeps one object factory per id).
    pub columns_id: u32,
    /// Bytes of the key list at the start of the text (0 for a plain value).
    pub keys_len: u32,
    /// Out::segments: where the row arrays of a long listing end (not the last).
    pub segments: Vec<u32>,
    /// A listing's cursor to its next page.
    pub next: Next,
}

impl Answer {
    /// The row mapper writes ASCII (valid UTF-8 at the very least); checked,
    /// not assumed.
    pub(crate) fn checked(
        name: &str,
        bytes: Vec<u8>,
        form: Form,
        columns_id: u32,
        keys_len: u32,
        segments: Vec<u32>,
    ) -> Result<Self> {
        let ascii = bytes.is_ascii();
        if !ascii && std::str::from_utf8(&bytes).is_err() {
            give_back(bytes);
            return Err(DbError::internal(format!("{name}: result was not UTF-8")));
        }
        Ok(Answer {
            bytes,
            ascii,
            form,
            columns_id,
            keys_len,
            segments,
            next: Next::None,
        })
    }
}

/// The shared body of a call's async and Sync forms.
pub(crate) fn answer<J: Job>(db: &Database, job: &J, cancel: Option<&Cancel>) -> Result<Answer> {
    let mut out = Out::new(take_buffer());
    let result = run_caught(db, job, cancel, &mut out);
    let Out {
        buf,
        form,
        columns_id,
        keys_len,
        segments,
        next,
        ..
    } = out;
    match result {
        Ok(()) => Answer::checked(J::NAME, buf, form, columns_id, keys_len, segments)
            .map(|a| Answer { next, ..a }),
        Err(e) => {
            give_back(buf);
            Err(e)
        }
    }
}

//! `exportCsv`: every row a listing would return, written as CSV from one
//! snapshot. The listing runs once, unpaged, in its own order (no OFFSET:
//! paging by offset re-read every earlier row for each page, so time grew
//! with the square of the rows), its row arrays streamed to a second thread
//! that writes the file as they come: memory stays bounded and the two
//! halves overlap.

use std::io::{Seek, Write};
use std::path::Path;

use serde::Serialize;

use super::files::{create_temp, destination, finish, io_error};
use crate::base::cancel::Cancel;
use crate::base::error::{DbError, Result};
use crate::db::database::Database;
use crate::domain::interactions::Interactions;
use crate::domain::profiles::Profiles;
use crate::domain::scraping::ScrapedProfiles;
use crate::domain::Instagram;
use crate::query::args::{self, Args, Callback, JsonArgs};
use crate::query::{Operation, Read};
use crate::rows::pool::{give_back, take_buffer};
use crate::rows::{Out, Part};

/// What `exportCsv` wrote.
#[derive(Serialize, ts_rs::TS)]
pub(crate) struct ExportResult {
    path: String,
    /// Data rows written (the header not counted).
    rows: u64,
}

/// What `onProgress` receives as rows are written.
#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExportProgress {
    /// Data rows written so far.
    rows_written: u64,
}

/// How often `onProgress` is called at most.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

enum ExportQuery {
    Profiles(Profiles),
    Scraped(ScrapedProfiles),
    Interactions(Interactions<Instagram>),
}

pub struct Export {
    query: ExportQuery,
    dest: String,
    overwrite: bool,
    bom: bool,
    progress: Option<Callback>,
}

/// `filters` without the export's own keys, plus those keys.
fn split_filters<A: Args>(
    a: &A,
    func: &str,
    id_key: &str,
) -> Result<(Option<serde_json::Value>, serde_json::Value, bool, bool)> {
    let not_object =
        || DbError::invalid(format!("{func}: filters must be an object with {id_key}"));
    let Some(serde_json::Value::Object(filters)) = a.json("filters")? else {
        return Err(not_object());
    };
    let mut rest = serde_json::Map::new();
    let (mut id, mut bom, mut overwrite) = (None, false, false);
    for (key, value) in filters {
        match key.as_str() {
            k if k == id_key => id = Some(value),
            "bom" | "overwrite" => {
                let b = value.as_bool().ok_or_else(|| {
                    DbError::invalid(format!(
                        "{func}: filters.{key} must be true or false, got {}",
                        crate::query::args::describe_json(&value)
                    ))
                })?;
                if key == "bom" {
                    bom = b
                } else {
                    overwrite = b
                }
            }
            "limit" | "offset" => {
                return Err(DbError::invalid(format!(
                    "{func}: filters.{key} does not apply: an export writes every matching row"
                )))
            }
            _ => {
                rest.insert(key, value);
            }
        }
    }
    Ok((id, serde_json::Value::Object(rest), bom, overwrite))
}

impl Operation for Export {
    const NAME: &'static str = "exportCsv";
    fn parse<A: Args>(a: &A) -> Result<Self> {
        const F: &str = "exportCsv";
        let kind = a.text("kind")?;
        let dest = a.text("destPath")?;
        let id_key = match kind.as_str() {
            "profiles" | "interactions" => "accountId",
            "scrapedProfiles" => "scrapingId",
            _ => {
                return Err(DbError::invalid(format!(
                    "{F}: kind must be one of profiles, scrapedProfiles, interactions; got {kind:?}"
                )))
            }
        };
        let (id, rest, bom, overwrite) = split_filters(a, F, id_key)?;
        let Some(id) = id else {
            return Err(DbError::invalid(format!(
                "{F}: filters.{id_key} is required"
            )));
        };
        let parts = [(id_key, id), ("options", rest)];
        let listing = |func| JsonArgs {
            func,
            values: &parts,
        };
        // The listing's own parser checks the filters; its errors name it
        // ("getProfiles: search must be …"), reworded to name what the caller
        // called and where the key sits ("exportCsv: filters.search must be …").
        let keys: Vec<String> = match &parts[1].1 {
            serde_json::Value::Object(m) => m.keys().cloned().collect(),
            _ => Vec::new(),
        };
        let reword = |mut e: DbError| {
            if let Some((_, rest)) = e.message.split_once(": ") {
                let rest = rest.strip_prefix("options: ").unwrap_or(rest);
                let keyed = keys.iter().chain([&id_key.to_string()]).any(|k| {
                    rest.strip_prefix(k.as_str())
                        .is_some_and(|r| r.starts_with(' '))
                });
                e.message = if keyed {
                    format!("{F}: filters.{rest}")
                } else {
                    format!("{F}: filters: {rest}")
                };
            }
            e
        };
        let query = match kind.as_str() {
            "profiles" => ExportQuery::Profiles(
                Read::parse(&listing(<Profiles as Read>::NAME)).map_err(reword)?,
            ),
            "scrapedProfiles" => ExportQuery::Scraped(
                Read::parse(&listing(<ScrapedProfiles as Read>::NAME)).map_err(reword)?,
            ),
            _ => ExportQuery::Interactions(
                Read::parse(&listing(<Interactions<Instagram> as Read>::NAME)).map_err(reword)?,
            ),
        };
        Ok(Export {
            query,
            dest,
            overwrite,
            bom,
            progress: a.member_callback("options", "onProgress")?,
        })
    }

    fn execute(&self, db: &Database, cancel: Option<&Cancel>, out: &mut Out) -> Result<()> {
        const F: &str = "exportCsv";
        let dest = destination(F, db, &self.dest, self.overwrite)?;
        let (tmp, file) = create_temp(F, &dest)?;
        let result = self.write_csv(db, cancel, file, &dest);
        let rows = match result {
            Ok(n) => n,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        finish(F, &tmp, &dest)?;
        out.set_value(&ExportResult {
            path: dest.display().to_string(),
            rows,
        })
    }
}

impl Export {
    /// Writes the CSV into `file` (the temp file); errors name `dest`.
    fn write_csv(
        &self,
        db: &Database,
        cancel: Option<&Cancel>,
        mut file: std::fs::File,
        dest: &Path,
    ) -> Result<u64> {
        const F: &str = "exportCsv";
        let io = |e: std::io::Error| io_error(F, dest, e);
        if self.bom {
            file.write_all("\u{feff}".as_bytes()).map_err(io)?;
        }
        // RFC 4180 as the `csv` crate writes it: a field is quoted when it
        // holds `,` `"` CR or LF (quotes doubled), records end with CRLF.
        // Flexible: every record has the header's columns, unchecked.
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .flexible(true)
            .buffer_capacity(256 << 10)
            .from_writer(file);
        // A few row arrays in flight: the reader runs ahead of the writer, bounded.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Part>(4);
        let rows = std::thread::scope(|scope| {
            // Builder, not scope.spawn: that panics when the OS refuses a thread.
            let writer = std::thread::Builder::new()
                .name("taktik-db export".into())
                .spawn_scoped(scope, || self.write_parts(rx, &mut w, dest))
                .map_err(|e| DbError::internal(format!("{F}: no thread to write with: {e}")))?;
            let read = self.read_parts(db, cancel, tx);
            let written = writer
                .join()
                .unwrap_or_else(|panic| Err(crate::base::error::from_panic(panic, F)));
            // The reader's error explains a writer that stopped early.
            read.and(written)
        })?;
        w.flush().map_err(io)?;
        w.get_ref().sync_all().map_err(io)?;
        Ok(rows)
    }

    /// Runs the listing once, unpaged, in one read transaction (one snapshot,
    /// the layout read inside it too), sending its row arrays through `tx`.
    fn read_parts(
        &self,
        db: &Database,
        cancel: Option<&Cancel>,
        tx: std::sync::mpsc::SyncSender<Part>,
    ) -> Result<()> {
        const F: &str = "exportCsv";
        let mut out = Out::streaming(take_buffer(), tx);
        db.read_with(F, cancel, |conn| {
            conn.execute_batch("BEGIN")?;
            let outcome = (|| -> rusqlite::Result<std::result::Result<(), DbError>> {
                let file = db.refresh(conn)?;
                if let Some(t) = file.missing(self.query.reads()) {
                    return Ok(Err(db.not_in_file(F, &file, t)));
                }
                let all = args::Page {
                    limit: i64::MAX,
                    offset: 0,
                };
                match &self.query {
                    ExportQuery::Profiles(q) => run_page(q, all, conn, &file, &mut out)?,
                    ExportQuery::Scraped(q) => run_page(q, all, conn, &file, &mut out)?,
                    ExportQuery::Interactions(q) => run_page(q, all, conn, &file, &mut out)?,
                }
                Ok(Ok(()))
            })();
            let _ = conn.execute_batch("COMMIT");
            outcome
        })??;
        out.finish();
        Ok(())
    }

    /// The writing half: each row array as CSV records, the header first.
    /// Returns the rows written.
    fn write_parts(
        &self,
        rx: std::sync::mpsc::Receiver<Part>,
        w: &mut csv::Writer<std::fs::File>,
        dest: &Path,
    ) -> Result<u64> {
        const F: &str = "exportCsv";
        let io = |e: std::io::Error| io_error(F, dest, e);
        let record = |e: csv::Error| match e.into_kind() {
            csv::ErrorKind::Io(e) => io(e),
            other => DbError::internal(format!("{F}: {other:?}")),
        };
        // Where the header ends: a result started over is written again from there.
        let mut data_start = None;
        let mut rows = 0u64;
        let mut reported = std::time::Instant::now();
        for part in rx {
            let (bytes, keys_len) = match part {
                Part::Text {
                    bytes, keys_len, ..
                } => (bytes, keys_len as usize),
                Part::Restart => {
                    if let Some(start) = data_start {
                        w.flush().map_err(io)?;
                        let mut file = w.get_ref();
                        file.set_len(start).map_err(io)?;
                        file.seek(std::io::SeekFrom::Start(start)).map_err(io)?;
                    }
                    rows = 0;
                    continue;
                }
                Part::Next(_) => continue,
            };
            if data_start.is_none() {
                let keys: Vec<String> =
                    serde_json::from_slice(&bytes[..keys_len]).unwrap_or_default();
                w.write_record(&keys).map_err(record)?;
                w.flush().map_err(io)?;
                let mut file = w.get_ref();
                data_start = Some(file.stream_position().map_err(io)?);
            }
            let values: Vec<Vec<serde_json::Value>> = serde_json::from_slice(&bytes[keys_len..])
                .map_err(|e| DbError::internal(format!("{F}: {e}")))?;
            give_back(bytes);
            for row in &values {
                w.write_record(row.iter().map(cell)).map_err(record)?;
            }
            rows += values.len() as u64;
            if let Some(f) = &self.progress {
                if reported.elapsed() >= PROGRESS_EVERY {
                    reported = std::time::Instant::now();
                    f(serde_json::json!(ExportProgress { rows_written: rows }));
                }
            }
        }
        if let Some(f) = &self.progress {
            f(serde_json::json!(ExportProgress { rows_written: rows }));
        }
        Ok(rows)
    }
}

/// The listing `q` with this page instead of its own.
fn run_page<Q: Read + Clone>(
    q: &Q,
    page: args::Page,
    conn: &rusqlite::Connection,
    file: &crate::db::layout::FileSchema,
    out: &mut Out,
) -> rusqlite::Result<()> {
    let mut q = q.clone();
    q.set_page(page);
    q.run(conn, file, out)
}

impl ExportQuery {
    /// The API tables the export reads.
    fn reads(&self) -> &'static [crate::db::layout::Table] {
        match self {
            ExportQuery::Profiles(_) => crate::domain::profiles::Profiles::READS,
            ExportQuery::Scraped(_) => crate::domain::scraping::ScrapedProfiles::READS,
            ExportQuery::Interactions(_) => {
                <crate::domain::interactions::Interactions<crate::domain::Instagram> as Read>::READS
            }
        }
    }
}

/// One CSV cell's text, from the row mapper's JSON value: the same typed
/// values the read API returns (booleans, ISO timestamps, JSON as JSON text).
fn cell(v: &serde_json::Value) -> std::borrow::Cow<'_, [u8]> {
    use serde_json::Value;
    match v {
        Value::Null => b"".as_slice().into(),
        Value::Bool(true) => b"true".as_slice().into(),
        Value::Bool(false) => b"false".as_slice().into(),
        Value::Number(n) => n.to_string().into_bytes().into(),
        Value::String(s) => s.as_bytes().into(),
        other => other.to_string().into_bytes().into(),
    }
}

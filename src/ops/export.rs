//! `exportCsv`: every row a listing would return, written as CSV page by page
//! from one snapshot.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::files::{destination, finish, io_error, temp_beside};
use crate::base::cancel::Cancel;
use crate::base::error::{DbError, Result};
use crate::db::database::Database;
use crate::domain::interactions::Interactions;
use crate::domain::profiles::Profiles;
use crate::domain::scraping::ScrapedProfiles;
use crate::domain::Instagram;
use crate::query::args::{self, Args, JsonArgs};
use crate::query::{Operation, Read};
use crate::rows::Out;

/// What `exportCsv` wrote.
#[derive(Serialize, ts_rs::TS)]
pub(crate) struct ExportResult {
    path: String,
    /// Data rows written (the header not counted).
    rows: u64,
}

/// Rows per page while exporting: bounded memory whatever the row count.
const EXPORT_PAGE: i64 = 5_000;

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
}

/// `filters` without the export's own keys, plus those keys.
fn split_filters<A: Args>(
    a: &A,
    func: &str,
    id_key: &str,
) -> Result<(Option<serde_json::Value>, serde_json::Value, bool, bool)> {
    let not_object =
        || DbError::invalid(format!("{func}: filters must be an object with {id_key}"));
    let Some(serde_json::Value::Object(filters)) = a.json("filters").map_err(|_| not_object())?
    else {
        return Err(not_object());
    };
    let mut rest = serde_json::Map::new();
    let (mut id, mut bom, mut overwrite) = (None, false, false);
    for (key, value) in filters {
        match key.as_str() {
            k if k == id_key => id = Some(value),
            "bom" | "overwrite" => {
                let b = value
                    .as_bool()
                    .ok_or_else(|| DbError::invalid(format!("{func}: {key} must be a boolean")))?;
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
        // ("getProfiles: options: …"), reworded to name what the caller called.
        let reword = |mut e: DbError| {
            if let Some((_, rest)) = e.message.split_once(": ") {
                let rest = rest.strip_prefix("options: ").unwrap_or(rest);
                e.message = format!("{F}: filters: {rest}");
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
        out.set_value(&ExportResult {
            path: dest.display().to_string(),
            rows,
        })
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

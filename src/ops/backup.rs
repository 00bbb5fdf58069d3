//! `backup`: SQLite's online backup from one consistent snapshot, correct
//! while the bot writes.

use serde::Serialize;

use super::files::{create_temp, destination, finish};
use crate::base::cancel::Cancel;
use crate::base::error::{DbError, ErrorCode, Result};
use crate::db::database::Database;
use crate::query::args::{Args, Callback};
use crate::query::Operation;
use crate::rows::Out;

// Read key by key in `Backup::parse` (a function is not JSON); declared for
// its TypeScript type.
/// Options of `backup`.
#[derive(ts_rs::TS)]
#[ts(optional_fields, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct BackupOptions {
    /// Replace destPath if it exists. Default false (FILE_EXISTS).
    pub overwrite: Option<bool>,
    /// Called on the JS thread as pages are copied.
    #[ts(optional, type = "(progress: BackupProgress) => void")]
    pub on_progress: Option<()>,
}

/// What `onProgress` receives as pages are copied.
#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BackupProgress {
    pages_copied: i64,
    total_pages: i64,
}

/// What `backup` wrote.
#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BackupResult {
    /// The absolute path written.
    path: String,
    pages: i64,
    bytes: u64,
}

pub struct Backup {
    dest: String,
    overwrite: bool,
    progress: Option<Callback>,
}

impl Operation for Backup {
    const NAME: &'static str = "backup";
    fn parse<A: Args>(a: &A) -> Result<Self> {
        const F: &str = "backup";
        let dest = a.text("destPath")?;
        let mut overwrite = false;
        let mut progress = None;
        for key in a.keys("options")?.unwrap_or_default() {
            match key.as_str() {
                "overwrite" => overwrite = a.member_bool("options", "overwrite")?.unwrap_or(false),
                "onProgress" => progress = a.member_callback("options", "onProgress")?,
                other => {
                    return Err(DbError::invalid(format!(
                        "{F}: {other} is not an option (the options are overwrite, onProgress)"
                    )))
                }
            }
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
        // Created here, so a directory the caller cannot write in is an
        // IO_ERROR about the destination; SQLite then opens the empty file.
        let (tmp, file) = create_temp(F, &dest)?;
        drop(file);
        // A failure of the copy's side: IO_ERROR naming the destination, not
        // a SQLite code naming the live file.
        let copy_err = |e: rusqlite::Error| {
            DbError::new(
                ErrorCode::IoError,
                format!("{F} failed on {}: writing the copy: {e}", dest.display()),
            )
        };
        let result = (|| -> Result<i64> {
            let src = db.open_reader()?;
            // One read transaction for the whole copy: every step reads the
            // same snapshot, so Python's commits meanwhile neither restart the
            // backup nor leak half into it (they land in the WAL, after it).
            src.execute_batch("BEGIN")
                .and_then(|()| src.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())))
                .map_err(db.sqlite_err(F))?;
            let mut dst = rusqlite::Connection::open(&tmp).map_err(copy_err)?;
            let total;
            {
                let backup =
                    rusqlite::backup::Backup::new(&src, &mut dst).map_err(db.sqlite_err(F))?;
                loop {
                    let step = backup.step(1024).map_err(|e| {
                        if copy_side(&e) {
                            copy_err(e)
                        } else {
                            db.sqlite_err(F)(e)
                        }
                    })?;
                    let p = backup.progress();
                    if let Some(f) = &self.progress {
                        let event = BackupProgress {
                            pages_copied: i64::from(p.pagecount - p.remaining),
                            total_pages: i64::from(p.pagecount),
                        };
                        if let Ok(v) = serde_json::to_value(event) {
                            f(v);
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
            dst.close().map_err(|(_, e)| copy_err(e))?;
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

/// Whether a backup step failed writing the copy rather than reading the live
/// file: a full disk, a file it cannot open or write, or an I/O error other
/// than a read (the live file is only read, from a snapshot already open).
fn copy_side(e: &rusqlite::Error) -> bool {
    use rusqlite::ffi;
    use rusqlite::ErrorCode as C;
    let rusqlite::Error::SqliteFailure(f, _) = e else {
        return false;
    };
    match f.code {
        C::DiskFull | C::CannotOpen | C::ReadOnly | C::PermissionDenied => true,
        C::SystemIoFailure => !matches!(
            f.extended_code,
            ffi::SQLITE_IOERR_READ | ffi::SQLITE_IOERR_SHORT_READ
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::copy_side;
    use rusqlite::ffi;

    fn failure(code: i32) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(ffi::Error::new(code), None)
    }

    #[test]
    fn a_step_error_is_the_copy_s_when_it_is_about_writing() {
        for code in [
            ffi::SQLITE_FULL,
            ffi::SQLITE_CANTOPEN,
            ffi::SQLITE_READONLY,
            ffi::SQLITE_IOERR_WRITE,
            ffi::SQLITE_IOERR_FSYNC,
        ] {
            assert!(copy_side(&failure(code)), "{code}");
        }
        for code in [
            ffi::SQLITE_BUSY,
            ffi::SQLITE_CORRUPT,
            ffi::SQLITE_NOTADB,
            ffi::SQLITE_IOERR_READ,
            ffi::SQLITE_IOERR_SHORT_READ,
        ] {
            assert!(!copy_side(&failure(code)), "{code}");
        }
    }
}

//! Paths callers give as destinations (backup, export): checked against the
//! live database in any spelling, written beside as a temp file, and moved
//! over the destination whole. Never used as SQL.

use std::path::{Path, PathBuf};

use crate::base::error::{DbError, ErrorCode, Result};
use crate::db::database::Database;

pub(super) fn io_error(what: &str, path: &Path, e: std::io::Error) -> DbError {
    DbError::new(
        ErrorCode::IoError,
        format!("{what} failed on {}: {e}", path.display()),
    )
}

/// A destination path from the caller: absolute, not the live database or its
/// side files, a file in an existing directory, and not existing unless
/// `overwrite`.
pub(super) fn destination(
    func: &str,
    db: &Database,
    dest: &str,
    overwrite: bool,
) -> Result<PathBuf> {
    if dest.is_empty() || dest.contains('\0') {
        return Err(DbError::invalid(format!(
            "{func}: destPath must be a non-empty path without NUL, got {dest:?}"
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
    // What the file system holds at destPath decides these, not the
    // argument's form: IO_ERROR naming the destination (left to SQLite, a
    // missing directory was SQLITE_CANTOPEN about the live file).
    if dest.is_dir() {
        return Err(DbError::new(
            ErrorCode::IoError,
            format!(
                "{func}: cannot write {}: it is a directory (give a file path)",
                dest.display()
            ),
        ));
    }
    if let Some(dir) = dest.parent() {
        let why = match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => None,
            Ok(_) => Some("is not a directory".to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Some("does not exist".to_string())
            }
            Err(e) => Some(format!("cannot be reached ({e})")),
        };
        if let Some(why) = why {
            return Err(DbError::new(
                ErrorCode::IoError,
                format!(
                    "{func}: cannot write {}: its directory {} {why}",
                    dest.display(),
                    dir.display()
                ),
            ));
        }
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

/// The temp file beside `dest`, created now (empty): a directory the caller
/// may not write in fails here, with IO_ERROR naming the destination.
pub(super) fn create_temp(func: &str, dest: &Path) -> Result<(PathBuf, std::fs::File)> {
    let tmp = temp_beside(dest);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(|e| {
            let dir = dest.parent().unwrap_or(Path::new(""));
            DbError::new(
                ErrorCode::IoError,
                format!(
                    "{func}: cannot write {}: creating a file in {} failed: {e}",
                    dest.display(),
                    dir.display()
                ),
            )
        })?;
    Ok((tmp, file))
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
pub(super) fn finish(func: &str, tmp: &Path, dest: &Path) -> Result<()> {
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

//! One error type for the whole addon. Every failure reaching JavaScript carries a
//! stable `code` (the strings below are API: the app switches on them) and a
//! message naming what failed and on which file.

use std::fmt;

use rusqlite::ErrorCode as Sqlite;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    SqliteBusy,
    SqliteLocked,
    SqliteCorrupt,
    SqliteNotADb,
    SqliteCantOpen,
    SqliteReadonly,
    SqliteFull,
    SqliteIoErr,
    SqliteConstraint,
    SqliteInterrupt,
    SqlitePerm,
    SqliteError,
    InvalidArgument,
    Closed,
    /// An async call's AbortSignal fired; the SQLite work was interrupted.
    Aborted,
    /// An async call's timeoutMs passed; the SQLite work was interrupted.
    Timeout,
    /// A destination file exists (backup/export without `overwrite: true`).
    FileExists,
    /// Reading or writing a file other than the database failed.
    IoError,
    /// The open file does not keep what was asked for (its layout has no such
    /// data, e.g. posts or discovery on the unified layout).
    NotInThisFile,
    /// A writable open of a SQLite file with none of TAKTIK's tables.
    NotATaktikDatabase,
    /// upgradeToUnified on a file that is neither the legacy layout nor the
    /// unified one (a June 2026 transitional revision, an unknown shape).
    NotLegacy,
    /// A bug in the addon (including a caught panic), never the caller's fault.
    Internal,
}

impl ErrorCode {
    /// Every code, for the generated `TaktikErrorCode` type.
    #[cfg(test)]
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::SqliteBusy,
        ErrorCode::SqliteLocked,
        ErrorCode::SqliteCorrupt,
        ErrorCode::SqliteNotADb,
        ErrorCode::SqliteCantOpen,
        ErrorCode::SqliteReadonly,
        ErrorCode::SqliteFull,
        ErrorCode::SqliteIoErr,
        ErrorCode::SqliteConstraint,
        ErrorCode::SqliteInterrupt,
        ErrorCode::SqlitePerm,
        ErrorCode::SqliteError,
        ErrorCode::InvalidArgument,
        ErrorCode::Closed,
        ErrorCode::Aborted,
        ErrorCode::Timeout,
        ErrorCode::FileExists,
        ErrorCode::IoError,
        ErrorCode::NotInThisFile,
        ErrorCode::NotATaktikDatabase,
        ErrorCode::NotLegacy,
        ErrorCode::Internal,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::SqliteBusy => "SQLITE_BUSY",
            ErrorCode::SqliteLocked => "SQLITE_LOCKED",
            ErrorCode::SqliteCorrupt => "SQLITE_CORRUPT",
            ErrorCode::SqliteNotADb => "SQLITE_NOTADB",
            ErrorCode::SqliteCantOpen => "SQLITE_CANTOPEN",
            ErrorCode::SqliteReadonly => "SQLITE_READONLY",
            ErrorCode::SqliteFull => "SQLITE_FULL",
            ErrorCode::SqliteIoErr => "SQLITE_IOERR",
            ErrorCode::SqliteConstraint => "SQLITE_CONSTRAINT",
            ErrorCode::SqliteInterrupt => "SQLITE_INTERRUPT",
            ErrorCode::SqlitePerm => "SQLITE_PERM",
            ErrorCode::SqliteError => "SQLITE_ERROR",
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::Closed => "CLOSED",
            ErrorCode::Aborted => "ABORTED",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::FileExists => "FILE_EXISTS",
            ErrorCode::IoError => "IO_ERROR",
            ErrorCode::NotInThisFile => "NOT_IN_THIS_FILE",
            ErrorCode::NotATaktikDatabase => "NOT_A_TAKTIK_DATABASE",
            ErrorCode::NotLegacy => "NOT_LEGACY",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

impl AsRef<str> for ErrorCode {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbError {
    pub code: ErrorCode,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, DbError>;

impl DbError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        DbError {
            code,
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        DbError::new(ErrorCode::InvalidArgument, message)
    }

    pub fn closed(path: &str) -> Self {
        DbError::new(
            ErrorCode::Closed,
            format!("database is closed: {path} (call openDatabase() again)"),
        )
    }

    pub fn internal(message: impl Into<String>) -> Self {
        DbError::new(ErrorCode::Internal, message)
    }

    /// A SQLite failure while doing `what` on the file at `path`.
    pub fn sqlite(err: rusqlite::Error, what: &str, path: &str) -> Self {
        let code = match &err {
            rusqlite::Error::SqliteFailure(e, _) => match e.code {
                Sqlite::DatabaseBusy => ErrorCode::SqliteBusy,
                Sqlite::DatabaseLocked => ErrorCode::SqliteLocked,
                Sqlite::DatabaseCorrupt => ErrorCode::SqliteCorrupt,
                Sqlite::NotADatabase => ErrorCode::SqliteNotADb,
                Sqlite::CannotOpen => ErrorCode::SqliteCantOpen,
                Sqlite::ReadOnly => ErrorCode::SqliteReadonly,
                Sqlite::DiskFull => ErrorCode::SqliteFull,
                Sqlite::SystemIoFailure => ErrorCode::SqliteIoErr,
                Sqlite::ConstraintViolation => ErrorCode::SqliteConstraint,
                Sqlite::OperationInterrupted => ErrorCode::SqliteInterrupt,
                Sqlite::PermissionDenied => ErrorCode::SqlitePerm,
                _ => ErrorCode::SqliteError,
            },
            rusqlite::Error::InvalidPath(_) => ErrorCode::SqliteCantOpen,
            _ => ErrorCode::SqliteError,
        };
        DbError::new(code, format!("{what} failed on {path}: {err}"))
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for DbError {}

/// Turns any panic payload into an INTERNAL error so it can be thrown instead of
/// unwinding into Node (which would abort the whole Electron app).
pub fn from_panic(payload: Box<dyn std::any::Any + Send>, what: &str) -> DbError {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    DbError::internal(format!("{what}: internal error (panic: {detail})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: Sqlite) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error {
                code,
                extended_code: 0,
            },
            Some("boom".into()),
        )
    }

    #[test]
    fn sqlite_codes_are_stable_strings() {
        let cases = [
            (Sqlite::DatabaseBusy, "SQLITE_BUSY"),
            (Sqlite::DatabaseCorrupt, "SQLITE_CORRUPT"),
            (Sqlite::NotADatabase, "SQLITE_NOTADB"),
            (Sqlite::CannotOpen, "SQLITE_CANTOPEN"),
            (Sqlite::ReadOnly, "SQLITE_READONLY"),
        ];
        for (code, expected) in cases {
            let e = DbError::sqlite(failure(code), "getSessions", "/tmp/x.db");
            assert_eq!(e.code.as_str(), expected);
            assert!(e.message.contains("getSessions failed on /tmp/x.db"));
        }
    }

    #[test]
    fn panic_payloads_become_internal_errors() {
        let r = std::panic::catch_unwind(|| panic!("kaboom {}", 1));
        let e = from_panic(r.unwrap_err(), "getProfiles");
        assert_eq!(e.code, ErrorCode::Internal);
        assert!(e.message.contains("kaboom 1"));
    }
}

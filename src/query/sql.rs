//! `db.query(sql, params)`: one read-only statement the app wrote, run on a
//! pooled read connection, its rows written by the same row mapper as every
//! read. What may run is decided by SQLite, never by looking at the text:
//! - `sqlite3_stmt_readonly` (`Statement::readonly`) must say the statement
//!   makes no change to the database file;
//! - the read connections' authorizer (db/guard.rs), armed while the
//!   statement is prepared, refuses what SQLite counts as read-only but would
//!   change the pooled connection for the calls after it (ATTACH, a
//!   transaction left open, a PRAGMA that sets a value, ...);
//! - exactly one statement: rusqlite's `prepare` fails with
//!   `MultipleStatement` when anything but whitespace or comments follows.
//!
//! The read connections are opened read-only, so a statement that slipped
//! through would still fail with SQLITE_READONLY instead of writing.
//!
//! Memory stays bounded whatever SQL the app sends: the statement is prepared
//! uncached (it takes no slot of the reads' statement cache and is finalized
//! when the call ends), its column shape is built for the call only
//! (`Columns::uncached`, id 0), and the SQL text is owned by the call. Nothing
//! is kept per distinct statement.

use rusqlite::{Connection, Statement};

use super::args::{Args, SqlParams, SqlValue};
use super::Job;
use crate::base::cancel::Cancel;
use crate::base::error::{DbError, Result};
use crate::db::database::Database;
use crate::db::guard::prepare_guarded;
use crate::rows::{write_statement_rows, Out};

/// A parsed `db.query()` call.
pub(crate) struct SqlQuery {
    sql: String,
    params: SqlParams,
}

impl SqlQuery {
    pub(crate) const NAME: &'static str = "query";

    pub(crate) fn parse<A: Args>(a: &A) -> Result<Self> {
        let sql = a.text("sql")?;
        if sql.trim().is_empty() {
            return Err(DbError::invalid(format!(
                "{}: sql must be one SQL statement, got an empty string",
                Self::NAME
            )));
        }
        Ok(SqlQuery {
            sql,
            params: a.sql_params("params")?,
        })
    }

    /// Prepares, checks, binds and runs the statement. The outer error is
    /// SQLite's (syntax, no such table, interrupted, ...); the inner one
    /// the caller's (a refused statement, parameters that do not fit).
    fn run(&self, conn: &Connection, out: &mut Out) -> rusqlite::Result<Result<()>> {
        let f = Self::NAME;
        let mut stmt = match prepare_guarded(conn, &self.sql) {
            Ok(Ok(stmt)) => stmt,
            Ok(Err(refused)) => {
                return Ok(Err(DbError::invalid(format!(
                    "{f}: {refused} is not allowed: db.query() runs one read-only statement on a shared read connection"
                ))))
            }
            Err(rusqlite::Error::MultipleStatement) => {
                return Ok(Err(DbError::invalid(format!(
                    "{f}: sql must be exactly one statement; it has more after the first `;`"
                ))))
            }
            Err(rusqlite::Error::Empty) => {
                return Ok(Err(DbError::invalid(format!(
                    "{f}: sql holds no statement, only comments or whitespace"
                ))))
            }
            Err(e) => return Err(e),
        };
        if !stmt.readonly() {
            return Ok(Err(DbError::invalid(format!(
                "{f}: only read-only statements are allowed, and SQLite reports that this one writes (INSERT, UPDATE, DELETE, CREATE, DROP, a PRAGMA that changes the file, ...): {}",
                excerpt(&self.sql)
            ))));
        }
        if let Err(e) = bind(&mut stmt, &self.params) {
            return Ok(Err(e));
        }
        write_statement_rows(&mut stmt, out)?;
        Ok(Ok(()))
    }
}

impl Job for SqlQuery {
    const NAME: &'static str = SqlQuery::NAME;

    fn streams(&self) -> bool {
        false
    }

    fn execute(&self, db: &Database, cancel: Option<&Cancel>, out: &mut Out) -> Result<()> {
        // Reads no API table of its own: whatever the SQL names, on this file.
        db.query(Self::NAME, cancel, &[], |conn, _file| {
            out.clear();
            self.run(conn, out)
        })?
    }
}

/// The start of a statement, for messages.
fn excerpt(sql: &str) -> String {
    let one_line: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(80) {
        Some((i, _)) => format!("{}...", &one_line[..i]),
        None => one_line,
    }
}

/// Whether SQLite's name of a parameter is a named one (`:a`, `@a`, `$a`),
/// not `?NNN`.
fn is_named(name: &str) -> bool {
    name.starts_with([':', '@', '$'])
}

/// Binds `params` to `stmt`'s parameters: an array to `?` / `?NNN` by
/// position, an object to `:name` / `@name` / `$name` by name (the key is the
/// name without its prefix). Every parameter must get a value and every value
/// a parameter: a typo in a key is an error, not a silent NULL.
fn bind(stmt: &mut Statement<'_>, params: &SqlParams) -> Result<()> {
    let f = SqlQuery::NAME;
    let count = stmt.parameter_count();
    // Each parameter's name as SQLite reports it (None for a bare `?`).
    let names: Vec<Option<String>> = (1..=count)
        .map(|i| stmt.parameter_name(i).map(str::to_string))
        .collect();
    let mut set = |i: usize, v: &SqlValue| {
        stmt.raw_bind_parameter(i, v)
            .map_err(|e| DbError::invalid(format!("{f}: binding parameter {i} failed: {e}")))
    };
    match params {
        SqlParams::None if count > 0 => Err(DbError::invalid(format!(
            "{f}: sql has {count} parameter(s) but no params were given"
        ))),
        SqlParams::None => Ok(()),
        SqlParams::Positional(values) => {
            if let Some(n) = names.iter().flatten().find(|n| is_named(n)) {
                return Err(DbError::invalid(format!(
                    "{f}: sql uses the named parameter {n}: pass params as an object, not an array"
                )));
            }
            if values.len() != count {
                return Err(DbError::invalid(format!(
                    "{f}: sql has {count} positional parameter(s), params has {} value(s)",
                    values.len()
                )));
            }
            for (i, v) in values.iter().enumerate() {
                set(i + 1, v)?;
            }
            Ok(())
        }
        SqlParams::Named(values) => {
            for (i, name) in names.iter().enumerate() {
                let Some(name) = name.as_deref().filter(|n| is_named(n)) else {
                    return Err(DbError::invalid(format!(
                        "{f}: sql uses positional parameters (?): pass params as an array, not an object"
                    )));
                };
                let key = &name[1..];
                let Some((_, v)) = values.iter().find(|(k, _)| k == key) else {
                    return Err(DbError::invalid(format!(
                        "{f}: params has no value for {name} (key {key:?})"
                    )));
                };
                set(i + 1, v)?;
            }
            let used = |k: &str| names.iter().flatten().any(|n| &n[1..] == k);
            match values.iter().find(|(k, _)| !used(k)) {
                Some((k, _)) => Err(DbError::invalid(format!(
                    "{f}: params.{k} matches no parameter of sql (:{k}, @{k} or ${k})"
                ))),
                None => Ok(()),
            }
        }
    }
}

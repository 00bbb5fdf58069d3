//! The guard around SQL the app writes (db.query()), on the read connections.
//! SQLite counts some statements as read-only (`sqlite3_stmt_readonly`) that
//! would still change the pooled connection for the calls after them: ATTACH /
//! DETACH, BEGIN / COMMIT / ROLLBACK / SAVEPOINT (a transaction left open
//! would pin an old snapshot), PRAGMAs that set a value (`foreign_keys = OFF`,
//! `query_only`, ...); and REINDEX / ANALYZE, which rebuild what they touch.
//! An authorizer refuses them while a statement is prepared with
//! [`prepare_guarded`].
//!
//! The authorizer is installed once, when a read connection opens, and is
//! armed only on the thread doing a guarded prepare (a connection is used by
//! one thread at a time): setting an authorizer expires every prepared
//! statement of the connection, so installing it around each call would make
//! the reads re-prepare their cached statements after every db.query().
//! Disarmed, it allows everything, so the reads' own statements (and a
//! re-prepare after a schema change) are untouched.

use std::cell::RefCell;

use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::{Connection, Statement};

/// PRAGMAs that take an argument only to say what to report on (a table, an
/// index, a row limit): allowed with one. Every other PRAGMA with a value sets
/// something and is refused.
const QUERY_PRAGMAS: &[&str] = &[
    "table_info",
    "table_xinfo",
    "table_list",
    "index_info",
    "index_xinfo",
    "index_list",
    "foreign_key_list",
    "foreign_key_check",
    "integrity_check",
    "quick_check",
];

thread_local! {
    /// Some while this thread prepares a guarded statement: what was refused
    /// first, if anything.
    static ARMED: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

/// The read connections' authorizer (installed by Database::open_reader).
pub(crate) fn authorize(ctx: AuthContext<'_>) -> Authorization {
    let refused = match ctx.action {
        AuthAction::Attach { .. } => "ATTACH".to_string(),
        AuthAction::Detach { .. } => "DETACH".to_string(),
        AuthAction::Transaction { .. } => {
            "a transaction statement (BEGIN, COMMIT, ROLLBACK)".to_string()
        }
        AuthAction::Savepoint { .. } => "SAVEPOINT / RELEASE".to_string(),
        AuthAction::Reindex { .. } => "REINDEX".to_string(),
        AuthAction::Analyze { .. } => "ANALYZE".to_string(),
        AuthAction::Pragma {
            pragma_name,
            pragma_value: Some(_),
        } if !QUERY_PRAGMAS.contains(&pragma_name.to_ascii_lowercase().as_str()) => {
            format!("PRAGMA {pragma_name} with a value (it sets, not reads)")
        }
        _ => return Authorization::Allow,
    };
    ARMED.with(|armed| match &mut *armed.borrow_mut() {
        None => Authorization::Allow,
        Some(first) => {
            first.get_or_insert(refused);
            Authorization::Deny
        }
    })
}

/// Prepares `sql` on a read connection with the guard armed. Ok(Err(what))
/// when the guard refused part of it (`what` says which); Err for SQLite's
/// own errors (syntax, no such table, several statements).
pub(crate) fn prepare_guarded<'c>(
    conn: &'c Connection,
    sql: &str,
) -> rusqlite::Result<Result<Statement<'c>, String>> {
    /// Disarms on the way out, a panic included: an armed thread would refuse
    /// the PRAGMAs a new read connection sets.
    struct Disarm;
    impl Drop for Disarm {
        fn drop(&mut self) {
            let _ = ARMED.try_with(|armed| armed.borrow_mut().take());
        }
    }
    ARMED.with(|armed| *armed.borrow_mut() = Some(None));
    let disarm = Disarm;
    let prepared = conn.prepare(sql);
    let refused = ARMED.with(|armed| armed.borrow_mut().take()).flatten();
    drop(disarm);
    match (prepared, refused) {
        (Err(_), Some(what)) => Ok(Err(what)),
        (prepared, _) => prepared.map(Ok),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (a INTEGER); CREATE INDEX i ON t (a)")
            .unwrap();
        conn.authorizer(Some(authorize)).unwrap();
        conn
    }

    #[test]
    fn armed_it_refuses_what_changes_the_connection_and_allows_reads() {
        let conn = reader();
        for sql in [
            "ATTACH ':memory:' AS m",
            "DETACH main",
            "BEGIN",
            "COMMIT",
            "SAVEPOINT s",
            "PRAGMA foreign_keys = OFF",
            "PRAGMA query_only(0)",
            "REINDEX",
            "ANALYZE",
        ] {
            assert!(
                matches!(prepare_guarded(&conn, sql), Ok(Err(_))),
                "{sql} was not refused"
            );
        }
        for sql in [
            "SELECT a FROM t",
            "PRAGMA foreign_keys",
            "PRAGMA table_info(t)",
            "SELECT * FROM pragma_table_info('t')",
        ] {
            assert!(
                matches!(prepare_guarded(&conn, sql), Ok(Ok(_))),
                "{sql} was refused"
            );
        }
        // Disarmed again: the connection's own statements pass.
        conn.execute_batch("PRAGMA foreign_keys = ON; BEGIN; COMMIT")
            .unwrap();
    }

    /// The point of installing it once: a guarded prepare does not expire the
    /// connection's cached statements (setting an authorizer would).
    #[test]
    fn a_guarded_prepare_leaves_cached_statements_prepared() {
        let conn = reader();
        let run = || -> i32 {
            let mut stmt = conn.prepare_cached("SELECT count(*) FROM t").unwrap();
            let _: i64 = stmt.query_row([], |r| r.get(0)).unwrap();
            stmt.get_status(rusqlite::StatementStatus::RePrepare)
        };
        let before = run();
        for _ in 0..3 {
            let _ = prepare_guarded(&conn, "SELECT a FROM t").unwrap().unwrap();
            let _ = prepare_guarded(&conn, "ATTACH ':memory:' AS m").unwrap();
        }
        assert_eq!(run(), before);
    }
}

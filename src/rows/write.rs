//! Running a statement and writing its rows, one row, days or a count.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, Params, Row, Rows, Statement};

use super::columns::Columns;
use super::cursor;
use super::json::{write_i64, write_value};
use super::out::{Form, Next, Out};
use super::stmts::prepare;

/// Runs `sql` and writes every row: `[keys][[values], ...]` (Form::Rows).
/// Returns how many rows.
pub(crate) fn write_rows<P: Params>(
    conn: &Connection,
    sql: &'static str,
    params: P,
    out: &mut Out,
) -> rusqlite::Result<usize> {
    rows_into(conn, sql, params, out, None)
}

/// What a listing's page needs to make its `nextCursor`: its limit, its
/// cursor tag (rows/cursor.rs) and how many trailing columns are its sort key.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging {
    pub limit: i64,
    pub tag: u32,
    pub key_columns: usize,
}

/// `write_rows` for a listing's page: the statement's last `key_columns`
/// columns are the sort key, not written; a full page ends with the cursor
/// after its last row (Next::After), a short one with Next::End.
pub(crate) fn write_page<P: Params>(
    conn: &Connection,
    sql: &'static str,
    params: P,
    out: &mut Out,
    paging: Paging,
) -> rusqlite::Result<usize> {
    rows_into(conn, sql, params, out, Some(paging))
}

fn rows_into<P: Params>(
    conn: &Connection,
    sql: &'static str,
    params: P,
    out: &mut Out,
    paging: Option<Paging>,
) -> rusqlite::Result<usize> {
    let mut stmt = prepare(conn, sql)?;
    let hidden = paging.map_or(0, |p| p.key_columns);
    let columns = Columns::cached_with(sql, &stmt, hidden);
    let reprepares = reprepares(&stmt);
    let n = write_all(stmt.query(params)?, &columns, out, paging)?;
    note_reprepares(&stmt, reprepares);
    Ok(n)
}

/// `write_rows` for a statement the caller prepared and bound (SQL the app
/// wrote, db.query()): its shape is worked out for this call only
/// (`Columns::uncached`), never kept per SQL text. Returns how many rows.
pub(crate) fn write_statement_rows(
    stmt: &mut Statement<'_>,
    out: &mut Out,
) -> rusqlite::Result<usize> {
    let columns = Columns::uncached(stmt);
    let reprepares = reprepares(stmt);
    let n = write_all(stmt.raw_query(), &columns, out, None)?;
    note_reprepares(stmt, reprepares);
    Ok(n)
}

fn write_all(
    mut rows: Rows<'_>,
    columns: &Columns,
    out: &mut Out,
    paging: Option<Paging>,
) -> rusqlite::Result<usize> {
    let mut n = 0i64;
    let mut next = Next::End;
    out.keys(Form::Rows, columns);
    out.buf.push(b'[');
    while let Some(row) = rows.next()? {
        if n > 0 {
            out.next_row();
        }
        columns.write(row, &mut out.buf)?;
        n += 1;
        // Only the row that fills the page is worth a cursor.
        if let Some(p) = paging.filter(|p| p.limit == n) {
            let shown = columns.kinds.len();
            let key = (shown..shown + columns.hidden)
                .map(|i| row.get_ref(i))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            next = Next::After(cursor::encode(p.tag, &key));
        }
    }
    out.buf.push(b']');
    if paging.is_some() {
        out.next = next;
    }
    Ok(n as usize)
}

/// `write_rows` for a statement whose last `N` result columns are placeholders
/// (`NULL AS interaction_count`): their values come from Rust, `tail(row, i)` for
/// the i-th row, which returns None to stop when a row is not the one expected.
/// Returns how many rows, or None when stopped (`out` then holds a partial result).
pub(crate) fn write_rows_with<'a, P: Params, const N: usize>(
    conn: &Connection,
    sql: &'static str,
    params: P,
    out: &mut Out,
    mut tail: impl FnMut(&Row<'_>, usize) -> rusqlite::Result<Option<[ValueRef<'a>; N]>>,
) -> rusqlite::Result<Option<usize>> {
    let mut stmt = prepare(conn, sql)?;
    let columns = Columns::cached(sql, &stmt);
    let head = columns.kinds.len() - N;
    let reprepares = reprepares(&stmt);
    let mut rows = stmt.query(params)?;
    let mut n = 0;
    out.keys(Form::Rows, &columns);
    out.buf.push(b'[');
    while let Some(row) = rows.next()? {
        let Some(values) = tail(row, n)? else {
            return Ok(None);
        };
        if n > 0 {
            out.next_row();
        }
        out.buf.push(b'[');
        for (i, kind) in columns.kinds[..head].iter().enumerate() {
            if i > 0 {
                out.buf.push(b',');
            }
            write_value(&mut out.buf, row.get_ref(i)?, *kind);
        }
        for (j, (value, kind)) in values.into_iter().zip(&columns.kinds[head..]).enumerate() {
            if head + j > 0 {
                out.buf.push(b',');
            }
            write_value(&mut out.buf, value, *kind);
        }
        out.buf.push(b']');
        n += 1;
    }
    out.buf.push(b']');
    drop(rows);
    note_reprepares(&stmt, reprepares);
    Ok(Some(n))
}

/// Runs `sql` and writes its first row, `[keys][values]`, or `null` when there is
/// none (Form::Row). Returns whether there was a row.
pub(crate) fn write_row<P: Params>(
    conn: &Connection,
    sql: &'static str,
    params: P,
    out: &mut Out,
) -> rusqlite::Result<bool> {
    let mut stmt = prepare(conn, sql)?;
    let columns = Columns::cached(sql, &stmt);
    let reprepares = reprepares(&stmt);
    let mut rows = stmt.query(params)?;
    let found = match rows.next()? {
        Some(row) => {
            out.keys(Form::Row, &columns);
            columns.write(row, &mut out.buf)?;
            true
        }
        None => {
            out.form = Form::Row;
            out.columns_id = columns.id;
            out.buf.extend_from_slice(b"null");
            false
        }
    };
    drop(rows);
    note_reprepares(&stmt, reprepares);
    Ok(found)
}

/// One row per date in `dates` (ascending): the query's row for that date, or a
/// zero-filled one (Form::Rows). The query must return `date` first, then
/// counters, ordered by date; rows whose date is not in `dates` (malformed text)
/// are skipped.
pub(crate) fn write_days<P: Params>(
    conn: &Connection,
    sql: &'static str,
    params: P,
    dates: &[String],
    out: &mut Out,
) -> rusqlite::Result<()> {
    let mut stmt = prepare(conn, sql)?;
    let columns = Columns::cached(sql, &stmt);
    let reprepares = reprepares(&stmt);
    let mut rows = stmt.query(params)?;
    let mut row = rows.next()?;
    out.keys(Form::Rows, &columns);
    out.buf.push(b'[');
    fn row_date<'r>(r: &'r Row<'_>) -> &'r [u8] {
        match r.get_ref(0) {
            Ok(ValueRef::Text(t)) => t,
            _ => b"",
        }
    }
    for (i, date) in dates.iter().enumerate() {
        if i > 0 {
            out.next_row();
        }
        while let Some(r) = row {
            if row_date(r) >= date.as_bytes() {
                break;
            }
            row = rows.next()?;
        }
        match row {
            Some(r) if row_date(r) == date.as_bytes() => {
                columns.write(r, &mut out.buf)?;
                row = rows.next()?;
            }
            _ => columns.write_zero(date, &mut out.buf),
        }
    }
    out.buf.push(b']');
    drop(rows);
    note_reprepares(&stmt, reprepares);
    Ok(())
}

/// A single integer result (COUNT(*)), written as a JSON number (Form::Plain).
pub(crate) fn write_count<P: Params>(
    conn: &Connection,
    sql: &'static str,
    params: P,
    out: &mut Out,
) -> rusqlite::Result<()> {
    let mut stmt = prepare(conn, sql)?;
    let reprepares = reprepares(&stmt);
    let n: i64 = stmt.query_row(params, |r| r.get(0))?;
    note_reprepares(&stmt, reprepares);
    out.form = Form::Plain;
    write_i64(&mut out.buf, n);
    Ok(())
}

thread_local! {
    /// Set when a statement of the current call was re-prepared by SQLite
    /// because the file's schema changed (Database::query reads and clears it).
    static SCHEMA_MOVED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// How often SQLite has re-prepared `stmt` so far (schema changes only: the
/// connections run with the query-planner stability guarantee).
pub(crate) fn reprepares(stmt: &rusqlite::Statement<'_>) -> i32 {
    stmt.get_status(rusqlite::StatementStatus::RePrepare)
}

/// After running `stmt`: a re-prepare since `before` means another connection
/// (the bot) changed the schema, the cheap signal that the layout may have
/// moved (reading `PRAGMA schema_version` on every call would cost ~40% of a
/// single-row read).
pub(crate) fn note_reprepares(stmt: &rusqlite::Statement<'_>, before: i32) {
    if reprepares(stmt) != before {
        SCHEMA_MOVED.with(|m| m.set(true));
    }
}

/// Whether a re-prepare was noted since the last call, and clears it.
pub(crate) fn take_schema_moved() -> bool {
    SCHEMA_MOVED.with(|m| m.replace(false))
}

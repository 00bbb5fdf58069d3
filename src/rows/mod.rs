//! The one row mapper every query uses. A column's kind comes from its declared type
//! and its name (the rules below), never from a per-table mapper, and rows are
//! written straight to JSON text: camelCase keys, 0/1 flags as booleans, JSON text
//! parsed (invalid -> null), timestamps as ISO-8601 UTC, NULL as null.
//!
//! JSON text is what crosses into JavaScript, as the key list followed by the
//! values, `[keys][[values], [values], ...]`: building it here runs off the main
//! thread for async calls, and V8 parses the arrays and builds same-shaped
//! objects (node/deliver.rs, lib/deliver.js) faster than per-property Node-API calls, or
//! JSON.parse of repeated keys, can. JS parses the keys only the first time it
//! sees a shape (it slices them off after that).

mod columns;
pub(crate) mod cursor;
mod json;
mod kind;
mod out;
pub(crate) mod pool;
mod stmts;
mod write;

pub(crate) use json::{bool_of, write_i64};
#[cfg(test)]
pub(crate) use kind::camel_case;
pub(crate) use kind::{classify, Kind};
pub(crate) use out::{Form, Next, Out, Part};
pub(crate) use stmts::{prepare, AddressHasher, Kept};
pub(crate) use write::{
    note_reprepares, reprepares, take_schema_moved, write_count, write_days, write_page, write_row,
    write_rows, write_rows_with, write_statement_rows, Paging,
};

#[cfg(test)]
use columns::Columns;
#[cfg(test)]
use out::SEGMENT_BYTES;
#[cfg(test)]
use rusqlite::Connection;
/// What a query wrote, as the wire format says it: the key list and every
/// row's values (no objects are built here: that is lib/deliver.js's job, and
/// vitest tests it). For tests.
#[cfg(test)]
pub(crate) fn wire_rows(out: &Out) -> (Vec<String>, Vec<Vec<serde_json::Value>>) {
    let keys_len = out.keys_len as usize;
    let keys = serde_json::from_slice(&out.buf[..keys_len]).unwrap_or_default();
    let rows = out
        .row_arrays()
        .flat_map(|a| serde_json::from_slice::<Vec<Vec<serde_json::Value>>>(a).unwrap())
        .collect();
    (keys, rows)
}

#[cfg(test)]
mod tests {
    use super::json::{write_json_ascii, write_str, write_text};
    use super::*;

    /// JS keeps one object factory per columns id: the same statement must
    /// have the same id on every thread (a streamed Sync read runs on a new
    /// thread each call; a new id per call compiled and kept a new constructor
    /// per call, a leak).
    #[test]
    fn a_statement_has_one_columns_id_on_every_thread() {
        const SQL: &str = "SELECT 1 AS a, 'x' AS b";
        let id_here = || {
            let conn = Connection::open_in_memory().unwrap();
            let stmt = conn.prepare(SQL).unwrap();
            Columns::cached(SQL, &stmt).id
        };
        let first = id_here();
        assert_eq!(id_here(), first);
        let others: Vec<u32> = (0..4)
            .map(|_| std::thread::spawn(id_here))
            .map(|t| t.join().unwrap())
            .collect();
        assert_eq!(others, vec![first; 4]);
    }

    /// A pooled connection keeps its statements by SQL text address: the same
    /// statement runs again, reset when it goes back (no read transaction left
    /// open), and only while its connection's read is the current one.
    #[test]
    fn pooled_connections_keep_their_statements() {
        use rusqlite::StatementStatus::Run;
        static SQL: &str = "SELECT 1 UNION ALL SELECT 2";
        let kept = Kept::new(Connection::open_in_memory().unwrap());
        let runs = |conn: &Connection| {
            let mut stmt = prepare(conn, SQL).unwrap();
            let mut rows = stmt.raw_query();
            // One row of two.
            assert!(rows.next().unwrap().is_some());
            drop(rows);
            stmt.get_status(Run)
        };
        kept.scope(None, |conn| {
            assert_eq!(runs(conn), 1);
            assert_eq!(runs(conn), 2, "the same statement, run again");
            assert!(!conn.is_busy(), "returned reset");
        });
        kept.scope(None, |conn| assert_eq!(runs(conn), 3));
        // Another connection, or none current: rusqlite's cache, its own statements.
        let other = Connection::open_in_memory().unwrap();
        kept.scope(None, |_| assert_eq!(runs(&other), 1));
        assert_eq!(runs(&other), 2);
    }

    /// A SQL text of its own for one test's table: shapes are cached by the
    /// text's address, which in the addon names one statement over one
    /// layout's tables (the tests below read different tables named `t`).
    fn own(sql: &str) -> &'static str {
        Box::leak(sql.to_string().into_boxed_str())
    }

    /// The rows `SELECT * FROM t` writes, and the index of a key among the columns.
    fn map(sql: &str) -> (Vec<Vec<serde_json::Value>>, impl Fn(&str) -> usize) {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, account_id INTEGER, followers_count INTEGER,
               is_private INTEGER, success INTEGER, config_used TEXT, created_at TEXT,
               date TEXT, ai_score REAL, full_name TEXT);",
        )
        .unwrap();
        conn.execute_batch(sql).unwrap();
        let mut out = Out::default();
        write_rows(&conn, own("SELECT * FROM t ORDER BY id"), [], &mut out).unwrap();
        let (keys, rows) = wire_rows(&out);
        let column = move |k: &str| keys.iter().position(|x| x == k).expect("a column");
        (rows, column)
    }

    /// A long listing is cut into row arrays of about SEGMENT_BYTES at row
    /// boundaries (text full of `,`, `]` and `[` included): every array parses,
    /// no row is lost or split, and truncating drops the cuts past the end.
    #[test]
    fn long_listings_are_written_as_whole_row_arrays() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, full_name TEXT);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
             INSERT INTO t SELECT i, 'a],[b' || i || ',\"x\"][' FROM n;",
        )
        .unwrap();
        let mut out = Out::default();
        let n = write_rows(&conn, own("SELECT * FROM t ORDER BY id"), [], &mut out).unwrap();
        assert_eq!(n, 20000);
        assert!(out.segments.len() >= 5, "{} cuts", out.segments.len());
        let mut ids = Vec::new();
        for array in out.row_arrays() {
            assert!(array.len() < SEGMENT_BYTES + 100);
            let rows: Vec<(i64, String)> = serde_json::from_slice(array).unwrap();
            ids.extend(rows.iter().map(|r| r.0));
            assert!(rows
                .iter()
                .all(|r| r.1.starts_with("a],[b") && r.1.ends_with(",\"x\"][")));
        }
        assert_eq!(ids, (1..=20000).collect::<Vec<i64>>());
        assert_eq!(wire_rows(&out).1.len(), 20000);

        let cut = out.segments[1] as usize;
        out.truncate(cut);
        assert_eq!(out.segments.len(), 1);
        out.truncate(0);
        assert!(out.segments.is_empty());
        // A short listing stays one array.
        out.clear();
        write_rows(&conn, own("SELECT * FROM t WHERE id < 100"), [], &mut out).unwrap();
        assert!(out.segments.is_empty());
    }

    /// write_text's one-pass decoder against the standard library: for every
    /// byte string, ASCII output that JSON-parses back to exactly the lossy text
    /// (invalid sequences as U+FFFD, the same replacement everywhere).
    #[test]
    fn text_is_escaped_to_ascii_and_lossy_exactly() {
        let mut cases: Vec<Vec<u8>> = vec![
            b"plain".to_vec(),
            b"quote \" back\\slash \n\r\t\x00\x1f\x7f".to_vec(),
            "é ü ✓ 🐶 Fernández ⬇️".as_bytes().to_vec(),
            vec![0xc0, 0x80],             // overlong NUL
            vec![0xed, 0xa0, 0x80],       // surrogate
            vec![0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
            vec![0xf5, 0x80],
            vec![b'a', 0x80, b'b'],       // lone continuation
            vec![b'a', 0xe2, 0x82],       // truncated at the end
            vec![0xe2, 0x82, b'x', 0xac], // interrupted
            vec![0xff; 3],
        ];
        // Every 1..=3-byte string over bytes that matter to the decoder.
        let interesting = [
            0x00, 0x22, 0x41, 0x5c, 0x7f, 0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xf0, 0xf4, 0xff,
        ];
        for &a in &interesting {
            cases.push(vec![a]);
            for &b in &interesting {
                cases.push(vec![a, b]);
                for &c in &interesting {
                    cases.push(vec![a, b, c]);
                }
            }
        }
        for bytes in cases {
            let mut out = b"x".to_vec();
            write_text(&mut out, &bytes);
            assert!(out.is_ascii(), "{bytes:?}");
            let back: String = serde_json::from_slice(&out[1..]).expect("a JSON string");
            assert_eq!(back, String::from_utf8_lossy(&bytes), "{bytes:?}");
        }
    }

    #[test]
    fn kinds_follow_names_and_declared_types() {
        assert_eq!(classify("is_private", Some("INTEGER")), Kind::Bool);
        assert_eq!(classify("synced_to_api", Some("INTEGER")), Kind::Bool);
        assert_eq!(classify("config_used", Some("TEXT")), Kind::Json);
        assert_eq!(classify("interaction_time", Some("TEXT")), Kind::Timestamp);
        assert_eq!(classify("last_interaction_at", None), Kind::Timestamp);
        assert_eq!(classify("interaction_count", None), Kind::Count);
        assert_eq!(classify("total_likes", None), Kind::Count);
        assert_eq!(classify("total_likes", Some("INTEGER")), Kind::Int);
        assert_eq!(classify("ai_score", Some("REAL")), Kind::Real);
        assert_eq!(classify("date", Some("TEXT")), Kind::Date);
        assert_eq!(classify("username", Some("TEXT")), Kind::Text);
        assert_eq!(camel_case("session_id"), "sessionId");
        assert_eq!(camel_case("is_private"), "isPrivate");
        assert_eq!(camel_case("_x"), "x");
        // db.query() aliases: leading underscores go, so no key is ever `__proto__`.
        assert_eq!(camel_case("__proto__"), "proto");
    }

    /// db.query()'s columns: the same rules, but what they would only call
    /// TEXT for lack of knowledge keeps its stored type.
    #[test]
    fn sql_kinds_keep_the_stored_type_of_unknown_columns() {
        use super::kind::classify_sql;
        assert_eq!(classify_sql("n", None), Kind::Value);
        assert_eq!(classify_sql("label", Some("BLOB")), Kind::Value);
        assert_eq!(classify_sql("label", Some("NUMERIC")), Kind::Value);
        assert_eq!(classify_sql("username", Some("TEXT")), Kind::Text);
        assert_eq!(classify_sql("username", Some("VARCHAR(30)")), Kind::Text);
        assert_eq!(classify_sql("is_shown", None), Kind::Bool);
        assert_eq!(classify_sql("config_used", None), Kind::Json);
        assert_eq!(classify_sql("created_at", None), Kind::Timestamp);
        assert_eq!(classify_sql("total", None), Kind::Value);
        assert_eq!(classify_sql("total_likes", None), Kind::Count);
        let conn = Connection::open_in_memory().unwrap();
        let stmt = conn.prepare("SELECT 1 AS a, 'x' AS b").unwrap();
        // No lasting id: nothing is cached for it.
        assert_eq!(Columns::uncached(&stmt).id, 0);
        assert_ne!(Columns::of(&stmt, 0).id, 0);
    }

    #[test]
    fn integers_are_written_exactly() {
        for v in [0, 7, -7, 10, 1_700_000_000, i64::MAX, i64::MIN] {
            let mut out = Vec::new();
            write_i64(&mut out, v);
            assert_eq!(String::from_utf8(out).unwrap(), v.to_string());
        }
    }

    #[test]
    fn strings_are_escaped_to_ascii_and_round_trip() {
        for s in [
            "plain",
            "Zoë \"Z\" \\ back",
            "tab\tnl\ncr\r\u{1}\u{7f}",
            "emoji 🎉 and 中文",
            "",
        ] {
            let mut out = Vec::new();
            write_str(&mut out, s);
            assert!(out.is_ascii(), "{s:?}");
            let back: String = serde_json::from_slice(&out).unwrap();
            assert_eq!(back, s);
        }
        let mut out = Vec::new();
        let original = r#"{"name": "José 🎉 \" x ", "n": [1, 2],
            "s": "a  b\\", "t": true}"#;
        write_json_ascii(&mut out, original);
        assert!(out.is_ascii());
        assert!(!out.contains(&b'\n'));
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            v,
            serde_json::from_str::<serde_json::Value>(original).unwrap()
        );
        assert_eq!(v["s"], "a  b\\", "whitespace inside strings is kept");
    }

    #[test]
    fn values_are_mapped_leniently() {
        let (rows, c) = map(
            "INSERT INTO t VALUES (1, 7, 120, 1, 0, '{\"a\":[1,2]}', '2026-02-10 14:03:22', '2026-02-10', 87.5, 'Zoë \"Z\"');
             INSERT INTO t VALUES (2, '12', 'abc', 'yes', 2, '{not json', 'garbage', NULL, '3.5', 42);
             INSERT INTO t VALUES (3, NULL, 3.0, NULL, 'x', '', 1700000000, NULL, 'nan?', X'ff41');",
        );
        let r = &rows[0];
        assert_eq!(r[c("id")], 1);
        assert_eq!(r[c("accountId")], 7);
        assert_eq!(r[c("isPrivate")], true);
        assert_eq!(r[c("success")], false);
        assert_eq!(r[c("configUsed")]["a"][1], 2);
        assert_eq!(r[c("createdAt")], "2026-02-10T14:03:22.000Z");
        assert_eq!(r[c("date")], "2026-02-10");
        assert_eq!(r[c("aiScore")], 87.5);
        assert_eq!(r[c("fullName")], "Zoë \"Z\"");
        let r = &rows[1];
        assert_eq!(
            r[c("accountId")],
            12,
            "numeric TEXT in an INTEGER column parses"
        );
        assert!(
            r[c("followersCount")].is_null(),
            "non-numeric TEXT becomes null"
        );
        assert_eq!(r[c("isPrivate")], true);
        assert_eq!(r[c("success")], true);
        assert!(r[c("configUsed")].is_null(), "invalid JSON becomes null");
        assert_eq!(
            r[c("createdAt")],
            "garbage",
            "unparseable timestamps are unchanged"
        );
        assert_eq!(r[c("aiScore")], 3.5);
        assert_eq!(r[c("fullName")], "42");
        let r = &rows[2];
        assert!(r[c("accountId")].is_null());
        assert_eq!(r[c("followersCount")], 3.0);
        assert!(r[c("isPrivate")].is_null());
        assert!(r[c("success")].is_null());
        assert!(r[c("configUsed")].is_null(), "empty JSON text becomes null");
        // TEXT affinity stores the integer as the text "1700000000": not a timestamp
        // shape, so it is returned unchanged.
        assert_eq!(r[c("createdAt")], "1700000000");
        assert!(r[c("date")].is_null());
        assert!(r[c("aiScore")].is_null());
        assert_eq!(
            r[c("fullName")],
            "\u{fffd}A",
            "invalid UTF-8 is replaced, not an error"
        );
    }
}

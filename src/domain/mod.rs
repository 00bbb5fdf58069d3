//! The reads, one module per area of the data. Each query is a type that
//! implements `query::Read`; node/exports.rs exports it.

pub mod accounts;
pub mod activity;
pub mod discovery;
pub mod interactions;
pub mod profiles;
pub mod scraping;
pub mod sessions;
pub mod stats;
pub mod tiktok;

use crate::db::layout::{FileSchema, Source, Table};
use crate::db::schema;

/// `a.col1, a.col2, ...` for every column of API table `t` (its legacy
/// table's columns), so a query returns exactly the documented shape, even
/// from a file a newer bot extended with columns of its own. Where `a` is a
/// subquery (a unified file, an older legacy table completed with defaults)
/// each column gets an explicit `AS`: SQLite may otherwise name a flattened
/// column after the underlying one. A real table keeps the short text: the
/// statement cache hashes and copies the whole text on every call.
pub fn columns(file: &FileSchema, t: Table, alias: &str) -> String {
    let plain = matches!(file.source(t), Source::Table);
    schema::expected().columns[t.name()]
        .iter()
        .map(|c| {
            if plain {
                format!("{alias}.{}", c.name)
            } else {
                format!("{alias}.{0} AS {0}", c.name)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Instagram and TikTok keep the same kinds of rows in parallel tables (legacy)
/// or in one table by platform (unified); queries that exist for both are
/// written once over this trait.
pub trait Platform: Send + Sync + 'static {
    const ACCOUNTS: Table;
    const PROFILES: Table;
    const SESSIONS: Table;
    const INTERACTIONS: Table;
    const DAILY_STATS: Table;
    const FILTERED: Table;
    // JS names of the shared queries, for error messages.
    const ACCOUNTS_FN: &'static str;
    const ACCOUNT_FN: &'static str;
    const SESSIONS_FN: &'static str;
    const SESSION_FN: &'static str;
    const COUNT_SESSIONS_FN: &'static str;
    const COUNT_INTERACTIONS_FN: &'static str;
    const ACTIVITY_FN: &'static str;
    const DAILY_STATS_FN: &'static str;
    const INTERACTIONS_FN: &'static str;
    const FILTERED_FN: &'static str;
}

#[derive(Clone, Copy)]
pub struct Instagram;
#[derive(Clone, Copy)]
pub struct TikTok;

impl Platform for Instagram {
    const ACCOUNTS: Table = Table::IgAccounts;
    const PROFILES: Table = Table::IgProfiles;
    const SESSIONS: Table = Table::IgSessions;
    const INTERACTIONS: Table = Table::IgInteractions;
    const DAILY_STATS: Table = Table::IgDailyStats;
    const FILTERED: Table = Table::IgFiltered;
    const ACCOUNTS_FN: &'static str = "getAccounts";
    const ACCOUNT_FN: &'static str = "getAccount";
    const SESSIONS_FN: &'static str = "getSessions";
    const SESSION_FN: &'static str = "getSession";
    const COUNT_SESSIONS_FN: &'static str = "countSessions";
    const COUNT_INTERACTIONS_FN: &'static str = "countInteractions";
    const ACTIVITY_FN: &'static str = "getActivity";
    const DAILY_STATS_FN: &'static str = "getDailyStats";
    const INTERACTIONS_FN: &'static str = "getInteractions";
    const FILTERED_FN: &'static str = "getFilteredProfiles";
}

impl Platform for TikTok {
    const ACCOUNTS: Table = Table::TtAccounts;
    const PROFILES: Table = Table::TtProfiles;
    const SESSIONS: Table = Table::TtSessions;
    const INTERACTIONS: Table = Table::TtInteractions;
    const DAILY_STATS: Table = Table::TtDailyStats;
    const FILTERED: Table = Table::TtFiltered;
    const ACCOUNTS_FN: &'static str = "getTikTokAccounts";
    const ACCOUNT_FN: &'static str = "getTikTokAccount";
    const SESSIONS_FN: &'static str = "getTikTokSessions";
    const SESSION_FN: &'static str = "getTikTokSession";
    const COUNT_SESSIONS_FN: &'static str = "countTikTokSessions";
    const COUNT_INTERACTIONS_FN: &'static str = "countTikTokInteractions";
    const ACTIVITY_FN: &'static str = "getTikTokActivity";
    const DAILY_STATS_FN: &'static str = "getTikTokDailyStats";
    const INTERACTIONS_FN: &'static str = "getTikTokInteractions";
    const FILTERED_FN: &'static str = "getTikTokFilteredProfiles";
}

/// Options of the listings that only page: `{ limit?, offset? }`.
#[derive(ts_rs::TS)]
#[ts(optional_fields)]
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PageQuery {
    /// Rows to return: 0..=10000, default 50.
    pub limit: Option<f64>,
    /// Rows to skip, default 0. Not with `after`.
    pub offset: Option<f64>,
    /// Continue after the page that returned this `nextCursor`: no row repeated or skipped while the bot writes.
    pub after: Option<String>,
}

/// The SQL of a query, built on first use and kept for the process. Keyed by the
/// query's JS name (unique per platform), a variant number (which filters are
/// set, which sort) and the file's shape (`FileSchema::id`: which tables the
/// API reads in it), so each call neither formats SQL nor changes the text
/// `prepare_cached` looks up. Variants and file shapes are few, so the leaked
/// strings are bounded.
pub fn sql(
    key: (&'static str, u32),
    file: &FileSchema,
    build: impl FnOnce() -> String,
) -> &'static str {
    use std::collections::HashMap;
    use std::hash::BuildHasherDefault;
    use std::sync::{Mutex, OnceLock};
    // The name by address: hashing its text on every call showed up in the
    // profile of single-row reads. Equal names at two addresses just make two
    // entries for the same text.
    type Key = (usize, usize, u32, u32);
    type Cache = Mutex<HashMap<Key, &'static str, BuildHasherDefault<crate::base::IntHasher>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
    let (name, variant) = key;
    map.entry((name.as_ptr() as usize, name.len(), variant, file.id))
        .or_insert_with(|| {
            // One space for every run of whitespace: the statement cache hashes the
            // whole text on each call, and indentation is most of it.
            Box::leak(collapse_whitespace(&build()).into_boxed_str())
        })
}

/// SQL with each run of whitespace outside '...' literals turned into one space.
fn collapse_whitespace(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut in_literal = false;
    let mut pending_space = false;
    for c in sql.trim().chars() {
        if !in_literal && c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        if c == '\'' {
            in_literal = !in_literal;
        }
        out.push(c);
    }
    out
}

/// `after` of a listing, decoded: the sort key of the row to continue after
/// (rows/cursor.rs), bound as the listing's last parameters.
pub type After = Option<Vec<rusqlite::types::Value>>;

/// The `i`-th value of the cursor, or NULL without one.
pub fn after_value(after: &After, i: usize) -> &rusqlite::types::Value {
    static NULL: rusqlite::types::Value = rusqlite::types::Value::Null;
    after.as_ref().and_then(|k| k.get(i)).unwrap_or(&NULL)
}

/// The cursor tag of a listing with one order (by its id).
pub fn tag(name: &str) -> u32 {
    crate::rows::cursor::tag(name, 0)
}

/// What `write_page` needs of a listing: its cursor tag, its page, and how
/// many columns its sort key takes at the end of each row.
pub fn paging(tag: u32, page: crate::query::args::Page, key_columns: usize) -> crate::rows::Paging {
    crate::rows::Paging {
        limit: page.limit,
        tag,
        key_columns,
    }
}

/// The WHERE term of keyset paging: only rows strictly after the cursor in
/// the listing's order, `ORDER BY keys[0] dir[, keys[1] dir]`, where the last
/// key is unique and never NULL (the row id) and the first of two may be NULL
/// (SQLite sorts NULL first, so last when descending). The cursor's values
/// are bound as `?first`, `?first + 1`. Without a cursor (`set` false) the
/// term is true and names no column, like `filter`.
pub fn after_term(set: bool, keys: &[&str], descending: bool, first: u8) -> String {
    let (a, b) = (first, first + 1);
    match (set, keys) {
        (false, [_]) => format!("?{a} IS NULL"),
        (false, _) => format!("(?{a} IS NULL AND ?{b} IS NULL)"),
        (true, [id]) if descending => format!("{id} < ?{a}"),
        (true, [id]) => format!("{id} > ?{a}"),
        (true, [k, id, ..]) if descending => format!(
            "((?{a} IS NOT NULL AND ({k} < ?{a} OR ({k} = ?{a} AND {id} < ?{b}) OR {k} IS NULL))
              OR (?{a} IS NULL AND {k} IS NULL AND {id} < ?{b}))"
        ),
        (true, [k, id, ..]) => format!(
            "((?{a} IS NULL AND ({k} IS NOT NULL OR {id} > ?{b}))
              OR {k} > ?{a} OR ({k} = ?{a} AND {id} > ?{b}))"
        ),
        (true, []) => "1".into(),
    }
}

/// A WHERE term for an optional filter bound as `?n`: the condition when the
/// filter is set, else `?n IS NULL` (bound to NULL, so true). An unset filter
/// then names no column, which keeps covering indexes usable.
pub fn filter(set: bool, condition: &str, n: u8) -> String {
    if set {
        condition.to_string()
    } else {
        format!("?{n} IS NULL")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn whitespace_collapses_outside_literals_only() {
        assert_eq!(
            super::collapse_whitespace(
                "  SELECT a,\n       b  FROM t\n WHERE x = '  two  spaces ' "
            ),
            "SELECT a, b FROM t WHERE x = '  two  spaces '"
        );
    }
}

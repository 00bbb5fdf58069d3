//! The reads, one module per area of the data. Each query is a type that
//! implements `query::Read`; node/exports.rs exports it.

pub mod accounts;
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
    const SESSIONS_FN: &'static str;
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
    const SESSIONS_FN: &'static str = "getSessions";
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
    const SESSIONS_FN: &'static str = "getTikTokSessions";
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
    /// Rows to skip, default 0.
    pub offset: Option<f64>,
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
    type Cache = Mutex<HashMap<Key, &'static str, BuildHasherDefault<IntHasher>>>;
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

/// A multiply-xor hasher for sql()'s integer keys.
#[derive(Default)]
struct IntHasher(u64);

impl std::hash::Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
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

//! Instagram profiles: the ones an account interacted with (with filters, sort and
//! count for pagination), single lookups, filtered profiles, stats history, posts.

use std::marker::PhantomData;

use rusqlite::types::{ToSql, Value, ValueRef};
use rusqlite::Connection;
use serde::Deserialize;

use super::{after_term, after_value, columns, filter, paging, tag, After, PageQuery, Platform};
use crate::base::error::{DbError, Result};
use crate::db::layout::{FileSchema, Table};
use crate::query::args::Args;
use crate::query::args::{self, InstantArg, Page, ProfileKey};
use crate::query::Read;
use crate::rows::cursor;
use crate::rows::{
    write_count, write_i64, write_page, write_row, write_rows, write_rows_with, Next, Out,
};

/// Options of getProfiles and countProfiles (which ignores paging and sorting).
#[derive(ts_rs::TS)]
#[ts(optional_fields)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileQuery {
    /// Case-insensitive substring of username or full name; `%` and `_` are literal.
    pub search: Option<String>,
    /// One of ProfileSortBy. Default "lastInteractionAt".
    #[ts(optional, type = "ProfileSortBy")]
    pub sort_by: Option<String>,
    /// "asc" or "desc". Default "desc".
    #[ts(optional, type = "'asc' | 'desc'")]
    pub order: Option<String>,
    /// Rows to return: 0..=10000, default 50.
    pub limit: Option<f64>,
    /// Rows to skip, default 0. Not with `after`.
    pub offset: Option<f64>,
    /// Continue after the page that returned this `nextCursor` (same sortBy and order): no row repeated or skipped while the bot writes.
    pub after: Option<String>,
    /// Only interactions at or after this instant count (ISO-8601 text, Unix milliseconds,
    /// a Date or a local `YYYY-MM-DD`, from its start): profiles interacted with in the range, their count and latest in it.
    #[ts(optional, type = "string | number | Date")]
    pub since: Option<InstantArg>,
    /// Only interactions at or before this instant count (see `since`; a date runs through its end).
    #[ts(optional, type = "string | number | Date")]
    pub until: Option<InstantArg>,
    pub min_followers: Option<f64>,
    pub max_followers: Option<f64>,
    pub is_private: Option<bool>,
    pub is_verified: Option<bool>,
    pub is_business: Option<bool>,
}

/// sortBy values, the SQL they order by and its collation: a whitelist, never
/// caller text.
pub const SORTS: &[(&str, &str, &str)] = &[
    ("lastInteractionAt", "agg.last_ms", ""),
    ("interactionCount", "agg.interaction_count", ""),
    ("username", "p.username", " COLLATE NOCASE"),
    ("fullName", "p.full_name", " COLLATE NOCASE"),
    ("followersCount", "p.followers_count", ""),
    ("followingCount", "p.following_count", ""),
    ("postsCount", "p.posts_count", ""),
    ("createdAt", "p.profile_id", ""),
    ("updatedAt", "p.updated_at", ""),
    ("profileId", "p.profile_id", ""),
];

/// The filters both getProfiles and countProfiles apply, bound as ?1..?7.
#[derive(Clone, Debug)]
struct ProfileFilter {
    account_id: i64,
    search: Option<String>,
    min_followers: Option<i64>,
    max_followers: Option<i64>,
    is_private: Option<bool>,
    is_verified: Option<bool>,
    is_business: Option<bool>,
    /// The interactions counted: since/until as Unix ms.
    since_ms: Option<i64>,
    until_ms: Option<i64>,
}

/// The account's interactions per profile, read from the addon's covering index.
/// `interaction_time` beside MAX(...) is SQLite's bare-column rule: the text of
/// the latest interaction, latest by instant (the column mixes UTC, local and
/// offset shapes). The time range, if any, is bound as `?since` and `?since + 1`.
fn interacted(file: &FileSchema, f: &ProfileFilter, since: u8) -> String {
    format!(
        "SELECT i.profile_id AS profile_id, COUNT(*) AS interaction_count,
            MAX(taktik_epoch_ms(i.interaction_time)) AS last_ms, i.interaction_time AS last_interaction_at
        FROM {} AS i WHERE i.account_id = ?1 AND {} GROUP BY i.profile_id",
        file.rel(Table::IgInteractions),
        f.range_sql(since)
    )
}

impl ProfileFilter {
    fn parse(func: &str, account_id: i64, o: &ProfileQuery) -> Result<Self> {
        Ok(ProfileFilter {
            account_id,
            search: args::search(o.search.clone()),
            min_followers: args::optional_integer(func, "minFollowers", o.min_followers)?,
            max_followers: args::optional_integer(func, "maxFollowers", o.max_followers)?,
            is_private: o.is_private,
            is_verified: o.is_verified,
            is_business: o.is_business,
            since_ms: args::since(func, o.since.clone())?,
            until_ms: args::until(func, o.until.clone())?,
        })
    }

    /// Which ends of the time range are set: selects the SQL variant.
    fn range_variant(&self) -> u32 {
        u32::from(self.since_ms.is_some()) | u32::from(self.until_ms.is_some()) << 1
    }

    /// The time range over `i`, binding `?n` and `?n + 1`.
    fn range_sql(&self, n: u8) -> String {
        format!(
            "{} AND {}",
            filter(
                self.since_ms.is_some(),
                &format!("taktik_epoch_ms(i.interaction_time) >= ?{n}"),
                n
            ),
            filter(
                self.until_ms.is_some(),
                &format!("taktik_epoch_ms(i.interaction_time) <= ?{}", n + 1),
                n + 1
            ),
        )
    }

    /// Which filters are set, one bit each: selects the cached SQL variant.
    fn variant(&self) -> u32 {
        [
            self.search.is_some(),
            self.min_followers.is_some(),
            self.max_followers.is_some(),
            self.is_private.is_some(),
            self.is_verified.is_some(),
            self.is_business.is_some(),
        ]
        .iter()
        .enumerate()
        .map(|(i, set)| u32::from(*set) << i)
        .sum()
    }

    /// The WHERE clause over `p` (instagram_profiles), binding ?2..?7.
    fn where_sql(&self) -> String {
        let numeric = "typeof(p.followers_count) IN ('integer', 'real')";
        [
            filter(
                self.search.is_some(),
                "(taktik_icontains(p.username, ?2) OR taktik_icontains(p.full_name, ?2))",
                2,
            ),
            filter(
                self.min_followers.is_some(),
                &format!("({numeric} AND p.followers_count >= ?3)"),
                3,
            ),
            filter(
                self.max_followers.is_some(),
                &format!("({numeric} AND p.followers_count <= ?4)"),
                4,
            ),
            filter(
                self.is_private.is_some(),
                "COALESCE(taktik_bool(p.is_private), 0) = ?5",
                5,
            ),
            filter(
                self.is_verified.is_some(),
                "COALESCE(taktik_bool(p.is_verified), 0) = ?6",
                6,
            ),
            filter(
                self.is_business.is_some(),
                "COALESCE(taktik_bool(p.is_business), 0) = ?7",
                7,
            ),
        ]
        .join(" AND ")
    }

    fn params(&self) -> [&dyn ToSql; 7] {
        [
            &self.account_id,
            &self.search,
            &self.min_followers,
            &self.max_followers,
            &self.is_private,
            &self.is_verified,
            &self.is_business,
        ]
    }
}

fn parse_filter<A: Args>(func: &str, a: &A) -> Result<(ProfileFilter, ProfileQuery)> {
    let account_id = a.id("accountId")?;
    let o: ProfileQuery = a.options("options")?;
    Ok((ProfileFilter::parse(func, account_id, &o)?, o))
}

#[derive(Clone)]
pub struct Profiles {
    filter: ProfileFilter,
    /// Index into SORTS.
    sort: usize,
    descending: bool,
    page: Page,
    after: After,
}

/// The cursor tag of getProfiles in one order: a cursor is only good for the
/// sortBy and order that made it.
fn order_tag(sort: usize, descending: bool) -> u32 {
    cursor::tag("getProfiles", (sort as u32) << 1 | u32::from(descending))
}

/// The index of a sortBy value in SORTS, or INVALID_ARGUMENT.
fn sort_index(func: &str, sort_by: Option<&str>) -> Result<usize> {
    match sort_by {
        None => Ok(0),
        Some(s) => SORTS.iter().position(|(k, _, _)| *k == s).ok_or_else(|| {
            let allowed: Vec<&str> = SORTS.iter().map(|(k, _, _)| *k).collect();
            DbError::invalid(format!(
                "{func}: sortBy must be one of {}; got {}",
                allowed.join(", "),
                args::describe_text(s)
            ))
        }),
    }
}

impl Read for Profiles {
    const NAME: &'static str = "getProfiles";

    fn streams(&self) -> bool {
        crate::query::is_long_listing(self.page)
    }

    fn set_page(&mut self, page: crate::query::args::Page) -> bool {
        self.page = page;
        true
    }

    fn parse<A: Args>(a: &A) -> Result<Self> {
        let (filter, o) = parse_filter(Self::NAME, a)?;
        let sort = sort_index(Self::NAME, o.sort_by.as_deref())?;
        let descending = args::descending(Self::NAME, o.order.as_deref())?;
        Ok(Profiles {
            filter,
            sort,
            descending,
            page: args::page(Self::NAME, o.limit, o.offset)?,
            after: args::after(
                Self::NAME,
                o.after,
                o.offset,
                order_tag(sort, descending),
                2,
            )?,
        })
    }

    const READS: &'static [Table] = &[Table::IgInteractions, Table::IgProfiles];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        // Sorted by an aggregate with no profile filter (the dashboard default),
        // the page can be cut from the aggregate alone, before reading profiles.
        let cursor_fits = match self.after.as_deref() {
            None => true,
            // The Rust page picker compares integer (or NULL) keys only.
            Some([k, Value::Integer(_)]) => matches!(k, Value::Integer(_) | Value::Null),
            Some(_) => false,
        };
        if self.filter.variant() == 0 && !SORTS[self.sort].1.starts_with("p.") && cursor_fits {
            let start = out.buf.len();
            if self.page_from_aggregate(conn, file, out)? {
                return Ok(());
            }
            out.truncate(start);
        }
        let variant = (self.filter.variant() << 5)
            | ((self.sort as u32) << 1)
            | u32::from(self.descending)
            | self.filter.range_variant() << 11
            | u32::from(self.after.is_some()) << 13;
        let sql = super::sql((Self::NAME, variant), file, || self.sql(file));
        let paging = paging(order_tag(self.sort, self.descending), self.page, 2);
        write_page(conn, sql, self.params().as_slice(), out, paging).map(drop)
    }
}

/// Variant keys of page_from_aggregate's two statements (above every variant
/// of the join-first SQL).
const AGGREGATE: u32 = 1 << 20;
const PAGE_PROFILES: u32 = 1 << 19;

/// One row of the account's aggregate, held in Rust while the page is picked.
struct Interacted {
    profile_id: i64,
    count: i64,
    last_ms: Option<i64>,
    /// The latest interaction_time as stored, any storage class (hostile rows
    /// included), its bytes in the shared arena.
    last: Stored,
}

#[derive(Clone, Copy)]
enum Stored {
    Null,
    Integer(i64),
    Real(f64),
    Text(usize, usize),
    Blob(usize, usize),
}

impl Stored {
    fn keep(v: ValueRef<'_>, arena: &mut Vec<u8>) -> Self {
        let mut push = |b: &[u8]| {
            arena.extend_from_slice(b);
            (arena.len() - b.len(), arena.len())
        };
        match v {
            ValueRef::Null => Stored::Null,
            ValueRef::Integer(i) => Stored::Integer(i),
            ValueRef::Real(f) => Stored::Real(f),
            ValueRef::Text(t) => {
                let (a, b) = push(t);
                Stored::Text(a, b)
            }
            ValueRef::Blob(t) => {
                let (a, b) = push(t);
                Stored::Blob(a, b)
            }
        }
    }

    fn get(self, arena: &[u8]) -> ValueRef<'_> {
        match self {
            Stored::Null => ValueRef::Null,
            Stored::Integer(i) => ValueRef::Integer(i),
            Stored::Real(f) => ValueRef::Real(f),
            Stored::Text(a, b) => ValueRef::Text(&arena[a..b]),
            Stored::Blob(a, b) => ValueRef::Blob(&arena[a..b]),
        }
    }
}

impl Profiles {
    /// The page of a listing sorted by interactionCount or lastInteractionAt, with
    /// no profile filter (the dashboard default). The aggregate (one row per
    /// profile, ~50k for a busy account) is read into Rust and the page picked
    /// there with a partial sort: SQLite's `ORDER BY ... LIMIT` keeps a bounded
    /// temp b-tree instead, ~15% of the whole call. Then only the page's profiles
    /// are read, by primary key, in page order (`json_each` outer loop). Both
    /// statements read one snapshot.
    ///
    /// Returns false when the join-first SQL must answer instead: a profile id
    /// that is not an integer, or a page profile with no instagram_profiles row
    /// (the join would drop it; a foreign-key-enforcing writer never leaves one).
    fn page_from_aggregate(
        &self,
        conn: &Connection,
        file: &FileSchema,
        out: &mut Out,
    ) -> rusqlite::Result<bool> {
        // One snapshot for both statements; a caller's transaction (exportCsv
        // pages inside one) already is one.
        let _snapshot = conn
            .is_autocommit()
            .then(|| conn.unchecked_transaction())
            .transpose()?;
        let aggregate = super::sql(
            (Self::NAME, AGGREGATE | self.filter.range_variant()),
            file,
            || interacted(file, &self.filter, 2),
        );
        let mut arena = Vec::new();
        let mut all = Vec::new();
        {
            let mut stmt = crate::rows::prepare(conn, aggregate)?;
            let reprepares = crate::rows::reprepares(&stmt);
            let f = &self.filter;
            let mut rows = stmt.query((f.account_id, f.since_ms, f.until_ms))?;
            while let Some(row) = rows.next()? {
                let ValueRef::Integer(profile_id) = row.get_ref(0)? else {
                    return Ok(false);
                };
                all.push(Interacted {
                    profile_id,
                    count: row.get(1)?,
                    last_ms: row.get(2)?,
                    last: Stored::keep(row.get_ref(3)?, &mut arena),
                });
            }
            drop(rows);
            crate::rows::note_reprepares(&stmt, reprepares);
        }
        // ORDER BY key, profile_id, both in the requested direction; NULL sorts
        // first ascending, as in SQLite.
        let by_count = SORTS[self.sort].1 == "agg.interaction_count";
        let descending = self.descending;
        // The sort key as SQLite compares it: Option's None sorts first, as NULL does.
        let key = |a: &Interacted| {
            let k = if by_count { Some(a.count) } else { a.last_ms };
            (k, a.profile_id)
        };
        let order = |a: &Interacted, b: &Interacted| {
            let o = key(a).cmp(&key(b));
            if descending {
                o.reverse()
            } else {
                o
            }
        };
        // Keyset paging: only rows strictly after the cursor in this order.
        if let Some([k, Value::Integer(id)]) = self.after.as_deref() {
            let at = (
                if let Value::Integer(k) = k {
                    Some(*k)
                } else {
                    None
                },
                *id,
            );
            all.retain(|a| {
                let o = key(a).cmp(&at);
                if descending {
                    o.is_lt()
                } else {
                    o.is_gt()
                }
            });
        }
        let clamp = |n: i64| usize::try_from(n).unwrap_or(0).min(all.len());
        let from = clamp(self.page.offset);
        let to = clamp(self.page.offset.saturating_add(self.page.limit));
        if to < all.len() {
            all.select_nth_unstable_by(to, order);
        }
        all[..to].sort_unstable_by(order);
        let page = &all[from..to];

        let mut ids = Vec::with_capacity(page.len() * 8 + 2);
        ids.push(b'[');
        for (i, p) in page.iter().enumerate() {
            if i > 0 {
                ids.push(b',');
            }
            write_i64(&mut ids, p.profile_id);
        }
        ids.push(b']');
        // ASCII digits, commas and brackets only.
        let ids = String::from_utf8(ids).unwrap_or_default();
        let sql = super::sql((Self::NAME, PAGE_PROFILES), file, || {
            format!(
                "SELECT {}, NULL AS interaction_count, NULL AS last_interaction_at
                 FROM json_each(?1) AS j CROSS JOIN {} AS p
                     ON p.profile_id = j.value",
                columns(file, Table::IgProfiles, "p"),
                file.rel(Table::IgProfiles)
            )
        });
        let arena = &arena;
        let next = match page.last() {
            Some(last) if page.len() as i64 == self.page.limit => {
                let (k, id) = key(last);
                let k = k.map_or(ValueRef::Null, ValueRef::Integer);
                let tag = order_tag(self.sort, self.descending);
                Next::After(cursor::encode(tag, &[k, ValueRef::Integer(id)]))
            }
            _ => Next::End,
        };
        let written = write_rows_with(conn, sql, [&ids], out, |row, i| {
            // Rows come in page order (profile_id is the first column); a
            // missing profile shifts them.
            Ok(match page.get(i) {
                Some(p) if row.get_ref(0)? == ValueRef::Integer(p.profile_id) => {
                    Some([ValueRef::Integer(p.count), p.last.get(arena)])
                }
                _ => None,
            })
        })?;
        out.next = next;
        Ok(written == Some(page.len()))
    }

    /// ?1..?13 of `sql()`: the filters, limit and offset, the cursor, the time range.
    fn params(&self) -> Vec<&dyn ToSql> {
        let mut params = self.filter.params().to_vec();
        params.push(&self.page.limit);
        params.push(&self.page.offset);
        params.push(after_value(&self.after, 0));
        params.push(after_value(&self.after, 1));
        params.push(&self.filter.since_ms);
        params.push(&self.filter.until_ms);
        params
    }

    /// Two phases: the page is chosen over narrow rows (id, counts, sort key),
    /// joined with profiles first because filters or the sort key need their
    /// columns; then only the page's profiles are read whole.
    fn sql(&self, file: &FileSchema) -> String {
        let (_, key, collate) = SORTS[self.sort];
        let dir = if self.descending { "DESC" } else { "ASC" };
        let profiles = file.rel(Table::IgProfiles);
        format!(
            "WITH agg AS ({}),
             page AS (
                 SELECT agg.profile_id AS profile_id, agg.interaction_count AS interaction_count,
                        agg.last_interaction_at AS last_interaction_at, {key} AS k
                 FROM agg JOIN {profiles} AS p ON p.profile_id = agg.profile_id
                 WHERE {} AND {}
                 ORDER BY k{collate} {dir}, agg.profile_id {dir} LIMIT ?8 OFFSET ?9)
             SELECT {}, page.interaction_count AS interaction_count,
                    page.last_interaction_at AS last_interaction_at, page.k, page.profile_id
             FROM page JOIN {profiles} AS p ON p.profile_id = page.profile_id
             ORDER BY page.k{collate} {dir}, page.profile_id {dir}",
            interacted(file, &self.filter, 12),
            self.filter.where_sql(),
            after_term(
                self.after.is_some(),
                &[&format!("{key}{collate}"), "agg.profile_id"],
                self.descending,
                10
            ),
            columns(file, Table::IgProfiles, "p"),
        )
    }
}

pub struct CountProfiles {
    filter: ProfileFilter,
}

impl Read for CountProfiles {
    const NAME: &'static str = "countProfiles";

    fn parse<A: Args>(a: &A) -> Result<Self> {
        let (filter, o) = parse_filter(Self::NAME, a)?;
        // Same options object as getProfiles: its sort keys are checked too.
        let descending = args::descending(Self::NAME, o.order.as_deref())?;
        let sort = sort_index(Self::NAME, o.sort_by.as_deref())?;
        let tag = order_tag(sort, descending);
        args::ignored_paging(Self::NAME, o.limit, o.offset, o.after, tag, 2)?;
        Ok(CountProfiles { filter })
    }

    const READS: &'static [Table] = &[Table::IgInteractions, Table::IgProfiles];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        // Counting needs no timestamps: group the covering index by profile only.
        let f = &self.filter;
        let variant = f.variant() | f.range_variant() << 6;
        let sql = super::sql((Self::NAME, variant), file, || {
            format!(
                "SELECT COUNT(*) FROM (SELECT i.profile_id AS profile_id FROM {} AS i
                     WHERE i.account_id = ?1 AND {} GROUP BY i.profile_id) AS agg
                 JOIN {} AS p ON p.profile_id = agg.profile_id
                 WHERE {}",
                file.rel(Table::IgInteractions),
                f.range_sql(8),
                file.rel(Table::IgProfiles),
                f.where_sql()
            )
        });
        let mut p = f.params().to_vec();
        p.extend_from_slice(&[&f.since_ms as &dyn ToSql, &f.until_ms]);
        write_count(conn, sql, p.as_slice(), out)
    }
}

pub struct ProfileLookup {
    key: ProfileKey,
}

impl Read for ProfileLookup {
    const NAME: &'static str = "getProfile";

    fn parse<A: Args>(a: &A) -> Result<Self> {
        Ok(ProfileLookup {
            key: a.profile_key("usernameOrId")?,
        })
    }

    const READS: &'static [Table] = &[Table::IgProfiles];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let select = |variant: u32, condition: &'static str| {
            super::sql((Self::NAME, variant), file, || {
                format!(
                    "SELECT {} FROM {} AS p WHERE {condition}",
                    columns(file, Table::IgProfiles, "p"),
                    file.rel(Table::IgProfiles)
                )
            })
        };
        match &self.key {
            ProfileKey::Id(id) => {
                write_row(conn, select(0, "p.profile_id = ?1"), [id], out).map(drop)
            }
            ProfileKey::Username(name) => {
                // Exact match uses the unique index; a case-insensitive retry covers
                // "MixedCase" typed in lower case.
                let exact = select(1, "p.username = ?1");
                if write_row(conn, exact, [name], out)? {
                    return Ok(());
                }
                out.clear();
                let nocase = select(
                    2,
                    "p.username = ?1 COLLATE NOCASE ORDER BY p.profile_id LIMIT 1",
                );
                write_row(conn, nocase, [name], out).map(drop)
            }
        }
    }
}

pub struct FilteredProfiles<P> {
    account_id: i64,
    page: Page,
    after: After,
    platform: PhantomData<P>,
}

impl<P: Platform> Read for FilteredProfiles<P> {
    const NAME: &'static str = P::FILTERED_FN;

    fn streams(&self) -> bool {
        crate::query::is_long_listing(self.page)
    }

    fn parse<A: Args>(a: &A) -> Result<Self> {
        let account_id = a.id("accountId")?;
        let o: PageQuery = a.options("options")?;
        Ok(FilteredProfiles {
            account_id,
            page: args::page(Self::NAME, o.limit, o.offset)?,
            after: args::after(Self::NAME, o.after, o.offset, tag(Self::NAME), 1)?,
            platform: PhantomData,
        })
    }

    const READS: &'static [Table] = &[P::FILTERED];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let keyed = self.after.is_some();
        let sql = super::sql((Self::NAME, u32::from(keyed)), file, || {
            format!(
                "SELECT {}, f.id FROM {} AS f WHERE f.account_id = ?1 AND {}
                 ORDER BY f.id DESC LIMIT ?2 OFFSET ?3",
                columns(file, P::FILTERED, "f"),
                file.rel(P::FILTERED),
                after_term(keyed, &["f.id"], true, 4),
            )
        });
        let p = (
            self.account_id,
            self.page.limit,
            self.page.offset,
            after_value(&self.after, 0),
        );
        write_page(conn, sql, p, out, paging(tag(Self::NAME), self.page, 1)).map(drop)
    }
}

pub struct StatsHistory {
    profile_id: i64,
}

impl Read for StatsHistory {
    const NAME: &'static str = "getProfileStatsHistory";

    fn parse<A: Args>(a: &A) -> Result<Self> {
        Ok(StatsHistory {
            profile_id: a.id("profileId")?,
        })
    }

    const READS: &'static [Table] = &[Table::ProfileStatsHistory];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let sql = super::sql((Self::NAME, 0), file, || {
            format!(
                "SELECT {} FROM {} AS h WHERE h.profile_id = ?1 ORDER BY h.id",
                columns(file, Table::ProfileStatsHistory, "h"),
                file.rel(Table::ProfileStatsHistory)
            )
        });
        write_rows(conn, sql, [self.profile_id], out).map(drop)
    }
}

/// Options of getPosts.
#[derive(ts_rs::TS)]
#[ts(optional_fields)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PostQuery {
    pub profile_id: Option<f64>,
    pub account_id: Option<f64>,
    /// DRAFT, SCHEDULED, PUBLISHED, ... (case-insensitive).
    pub status: Option<String>,
    /// Rows to return: 0..=10000, default 50.
    pub limit: Option<f64>,
    /// Rows to skip, default 0.
    pub offset: Option<f64>,
    /// Continue after the page that returned this `nextCursor`: no row repeated or skipped while the bot writes.
    pub after: Option<String>,
}

pub struct Posts {
    profile_id: Option<i64>,
    account_id: Option<i64>,
    status: Option<String>,
    page: Page,
    after: After,
}

impl Read for Posts {
    const NAME: &'static str = "getPosts";

    fn streams(&self) -> bool {
        crate::query::is_long_listing(self.page)
    }

    fn parse<A: Args>(a: &A) -> Result<Self> {
        let o: PostQuery = a.options("options")?;
        Ok(Posts {
            profile_id: args::optional_integer(Self::NAME, "profileId", o.profile_id)?,
            account_id: args::optional_integer(Self::NAME, "accountId", o.account_id)?,
            status: args::optional_text(Self::NAME, "status", o.status)?,
            page: args::page(Self::NAME, o.limit, o.offset)?,
            after: args::after(Self::NAME, o.after, o.offset, tag(Self::NAME), 1)?,
        })
    }

    const READS: &'static [Table] = &[Table::Posts];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let keyed = self.after.is_some();
        let sql = super::sql((Self::NAME, u32::from(keyed)), file, || {
            format!(
                "SELECT {}, po.post_id FROM {} AS po
             WHERE (?1 IS NULL OR po.profile_id = ?1) AND (?2 IS NULL OR po.account_id = ?2)
               AND (?3 IS NULL OR po.status = ?3 COLLATE NOCASE) AND {}
             ORDER BY po.post_id DESC LIMIT ?4 OFFSET ?5",
                columns(file, Table::Posts, "po"),
                file.rel(Table::Posts),
                after_term(keyed, &["po.post_id"], true, 6),
            )
        });
        let p = (
            self.profile_id,
            self.account_id,
            &self.status,
            self.page.limit,
            self.page.offset,
            after_value(&self.after, 0),
        );
        write_page(conn, sql, p, out, paging(tag(Self::NAME), self.page, 1)).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::database::{Database, OpenConfig};
    use crate::rows::wire_rows;

    /// getProfiles with no profile filter: the listings the fast path serves.
    fn listing(
        account_id: i64,
        sort: usize,
        descending: bool,
        limit: i64,
        offset: i64,
    ) -> Profiles {
        Profiles {
            filter: ProfileFilter {
                account_id,
                search: None,
                min_followers: None,
                max_followers: None,
                is_private: None,
                is_verified: None,
                is_business: None,
                since_ms: None,
                until_ms: None,
            },
            sort,
            descending,
            page: Page { limit, offset },
            after: None,
        }
    }

    /// The page-from-the-aggregate path must return exactly what the join-first
    /// SQL returns: ties on both sort keys, NULL and unparseable timestamps, every
    /// storage class in interaction_time, non-integer profile ids (fall back) and
    /// interactions whose profile row is gone (fall back), over many pages.
    #[test]
    fn page_from_aggregate_matches_the_join_first_sql() {
        let dir = std::env::temp_dir().join(format!("taktik-profiles-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("t.db");
        let db = Database::open(OpenConfig {
            path: path.clone(),
            readonly: false,
            busy_timeout_ms: 1000,
            wal_limit_bytes: 0,
            create: crate::db::layout::Layout::Legacy,
            file_must_exist: false,
        })
        .expect("open");
        let raw = Connection::open(&path).unwrap();
        raw.execute_batch(
            "PRAGMA foreign_keys = OFF; BEGIN;
             INSERT INTO instagram_accounts (account_id, username) VALUES (1, 'a'), (2, 'b'), (3, 'c');
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
             INSERT INTO instagram_profiles (profile_id, username) SELECT i, 'u' || i FROM n;
             -- Account 1: counts 1..4 and a handful of instants, so both keys tie.
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 900)
             INSERT INTO interaction_history (account_id, profile_id, interaction_type, interaction_time)
             SELECT 1, 1 + (i * 7) % 250, 'like',
                    CASE i % 9 WHEN 0 THEN NULL WHEN 1 THEN 'garbage' WHEN 2 THEN x'ff00'
                               WHEN 3 THEN 1700000000 WHEN 4 THEN 1700000000.5
                               WHEN 5 THEN '2025-03-01T10:00:00+02:00'
                               ELSE '2025-01-0' || (1 + i % 5) || ' 10:00:00' END
             FROM n;
             -- Account 2: one profile row missing (fallback), and NULL instants only.
             INSERT INTO interaction_history (account_id, profile_id, interaction_type, interaction_time)
             VALUES (2, 5, 'like', NULL), (2, 999, 'like', NULL), (2, 6, 'like', 'x'), (2, 6, 'like', NULL);
             -- Account 3: a text profile id (fallback).
             INSERT INTO interaction_history (account_id, profile_id, interaction_type, interaction_time)
             VALUES (3, 7, 'like', '2025-01-01 00:00:00'), (3, '8', 'like', '2025-01-02 00:00:00');
             COMMIT;",
        )
        .unwrap();
        let mut checked = 0;
        for account_id in 1..=3 {
            for sort in [0, 1] {
                for descending in [true, false] {
                    // Offsets, then continuing after a cursor (from an offset page).
                    let mut after: Vec<(i64, After)> = Vec::new();
                    let pages = [
                        (10000, 0),
                        (1, 0),
                        (7, 3),
                        (50, 200),
                        (5, 249),
                        (5, 400),
                        (0, 0),
                    ];
                    let mut i = 0;
                    while i < pages.len() + after.len() {
                        let (limit, offset, cursor) = match pages.get(i) {
                            Some(&(l, o)) => (l, o, None),
                            None => {
                                let (l, c) = after[i - pages.len()].clone();
                                (l, 0, c)
                            }
                        };
                        i += 1;
                        let mut q = listing(account_id, sort, descending, limit, offset);
                        q.after = cursor.clone();
                        let file = db.file();
                        let (fast, sql) = db
                            .read("test", |conn| {
                                let mut fast = Out::default();
                                q.run(conn, &file, &mut fast)?;
                                let mut sql = Out::default();
                                let text: &'static str = Box::leak(q.sql(&file).into_boxed_str());
                                let paging = paging(order_tag(sort, descending), q.page, 2);
                                write_page(conn, text, q.params().as_slice(), &mut sql, paging)?;
                                Ok((fast, sql))
                            })
                            .unwrap();
                        let case = format!(
                            "account {account_id} sort {sort} desc {descending} limit {limit} offset {offset} after {cursor:?}"
                        );
                        assert_eq!(wire_rows(&fast), wire_rows(&sql), "{case}");
                        // The same cursor either way: a page from one path continues on the other.
                        assert_eq!(fast.next, sql.next, "{case}");
                        if let (Next::After(c), None) = (&fast.next, &cursor) {
                            let key =
                                cursor::decode("t", c, order_tag(sort, descending), 2).unwrap();
                            after.push((3, Some(key.clone())));
                            after.push((10000, Some(key)));
                        }
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 84, "{checked}");
        // The fast path really answered account 1 (it is not just the fallback).
        let q = |descending| listing(1, 0, descending, 10000, 0);
        let answered = db
            .read("test", |conn| {
                q(true).page_from_aggregate(conn, &db.file(), &mut Out::default())
            })
            .unwrap();
        assert!(answered);
        db.close();
        let _ = std::fs::remove_dir_all(&dir);
    }
}

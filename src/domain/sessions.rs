//! Bot sessions (Instagram and TikTok) and per-session interaction totals.

use std::marker::PhantomData;

use rusqlite::types::ToSql;
use rusqlite::Connection;
use serde::Deserialize;

use super::{after_term, after_value, columns, filter, paging, After, Platform};
use crate::base::error::Result;
use crate::db::layout::{FileSchema, Table};
use crate::query::args::Args;
use crate::query::args::{self, InstantArg, Page};
use crate::query::Read;
use crate::rows::{write_count, write_page, write_row, Out};

/// Options of getSessions / getTikTokSessions and their counts (which ignore
/// paging).
#[derive(ts_rs::TS)]
#[ts(optional_fields)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionQuery {
    /// Rows to return: 0..=10000, default 50.
    pub limit: Option<f64>,
    /// Rows to skip, default 0. Not with `after`.
    pub offset: Option<f64>,
    /// Continue after the page that returned this `nextCursor`: no row repeated or skipped while the bot writes.
    pub after: Option<String>,
    /// Only this status (ACTIVE, COMPLETED, FAILED, ERROR, ...; case-insensitive).
    pub status: Option<String>,
    /// Only sessions started at or after this instant: ISO-8601 text, Unix milliseconds, a Date, or a local `YYYY-MM-DD` (from its start).
    #[ts(optional, type = "string | number | Date")]
    pub since: Option<InstantArg>,
    /// Only sessions started at or before this instant: ISO-8601 text, Unix milliseconds, a Date, or a local `YYYY-MM-DD` (through its end).
    #[ts(optional, type = "string | number | Date")]
    pub until: Option<InstantArg>,
}

/// The filters getSessions and countSessions share, bound as ?1, ?2, ?5, ?6.
struct SessionFilter {
    account_id: i64,
    status: Option<String>,
    since_ms: Option<i64>,
    until_ms: Option<i64>,
}

impl SessionFilter {
    fn parse(func: &str, account_id: i64, o: &SessionQuery) -> Result<Self> {
        Ok(SessionFilter {
            account_id,
            status: args::optional_text(func, "status", o.status.clone())?,
            since_ms: args::since(func, o.since.clone())?,
            until_ms: args::until(func, o.until.clone())?,
        })
    }

    fn variant(&self) -> u32 {
        u32::from(self.since_ms.is_some()) | u32::from(self.until_ms.is_some()) << 1
    }

    /// Over `s`; an unset time filter names no column.
    fn where_sql(&self) -> String {
        format!(
            "s.account_id = ?1 AND (?2 IS NULL OR s.status = ?2 COLLATE NOCASE) AND {} AND {}",
            filter(
                self.since_ms.is_some(),
                "taktik_epoch_ms(s.start_time) >= ?5",
                5
            ),
            filter(
                self.until_ms.is_some(),
                "taktik_epoch_ms(s.start_time) <= ?6",
                6
            ),
        )
    }
}

pub struct Sessions<P> {
    filter: SessionFilter,
    page: Page,
    after: After,
    platform: PhantomData<P>,
}

impl<P: Platform> Sessions<P> {
    /// Newest first by start instant, then id: the only order.
    fn tag() -> u32 {
        crate::rows::cursor::tag(P::SESSIONS_FN, 0)
    }
}

impl<P: Platform> Read for Sessions<P> {
    const NAME: &'static str = P::SESSIONS_FN;

    fn streams(&self) -> bool {
        crate::query::is_long_listing(self.page)
    }

    fn parse<A: Args>(a: &A) -> Result<Self> {
        let account_id = a.id("accountId")?;
        let o: SessionQuery = a.options("options")?;
        Ok(Sessions {
            filter: SessionFilter::parse(Self::NAME, account_id, &o)?,
            page: args::page(Self::NAME, o.limit, o.offset)?,
            after: args::after(Self::NAME, o.after, o.offset, Self::tag(), 2)?,
            platform: PhantomData,
        })
    }

    const READS: &'static [Table] = &[P::SESSIONS];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        // Newest first by the instant of start_time (its text mixes shapes), ties
        // and unparseable times by id. Two phases: the page is sorted as narrow
        // (id, instant) rows, then only its sessions, JSON configs and all, are read.
        let variant = self.filter.variant() | u32::from(self.after.is_some()) << 2;
        let sql = super::sql((Self::NAME, variant), file, || {
            format!(
                "WITH page AS (
                     SELECT s.session_id AS id, taktik_epoch_ms(s.start_time) AS ms FROM {table} AS s
                     WHERE {} AND {}
                     ORDER BY ms DESC, s.session_id DESC LIMIT ?3 OFFSET ?4)
                 SELECT {}, page.ms, page.id FROM page JOIN {table} AS s ON s.session_id = page.id
                 ORDER BY page.ms DESC, page.id DESC",
                self.filter.where_sql(),
                after_term(
                    self.after.is_some(),
                    &["taktik_epoch_ms(s.start_time)", "s.session_id"],
                    true,
                    7
                ),
                columns(file, P::SESSIONS, "s"),
                table = file.rel(P::SESSIONS)
            )
        });
        let f = &self.filter;
        let p: [&dyn ToSql; 8] = [
            &f.account_id,
            &f.status,
            &self.page.limit,
            &self.page.offset,
            &f.since_ms,
            &f.until_ms,
            after_value(&self.after, 0),
            after_value(&self.after, 1),
        ];
        write_page(
            conn,
            sql,
            p.as_slice(),
            out,
            paging(Self::tag(), self.page, 2),
        )
        .map(drop)
    }
}

/// How many sessions getSessions / getTikTokSessions would return without
/// limit/offset.
pub struct CountSessions<P> {
    filter: SessionFilter,
    platform: PhantomData<P>,
}

impl<P: Platform> Read for CountSessions<P> {
    const NAME: &'static str = P::COUNT_SESSIONS_FN;

    fn parse<A: Args>(a: &A) -> Result<Self> {
        let account_id = a.id("accountId")?;
        let o: SessionQuery = a.options("options")?;
        let tag = Sessions::<P>::tag();
        args::ignored_paging(Self::NAME, o.limit, o.offset, o.after.clone(), tag, 2)?;
        Ok(CountSessions {
            filter: SessionFilter::parse(Self::NAME, account_id, &o)?,
            platform: PhantomData,
        })
    }

    const READS: &'static [Table] = &[P::SESSIONS];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let sql = super::sql((Self::NAME, self.filter.variant()), file, || {
            format!(
                "SELECT COUNT(*) FROM {} AS s WHERE {} AND ?3 IS NULL AND ?4 IS NULL",
                file.rel(P::SESSIONS),
                self.filter.where_sql()
            )
        });
        let f = &self.filter;
        let none: Option<i64> = None;
        let p: [&dyn ToSql; 6] = [
            &f.account_id,
            &f.status,
            &none,
            &none,
            &f.since_ms,
            &f.until_ms,
        ];
        write_count(conn, sql, p.as_slice(), out)
    }
}

/// One session by id, or null.
pub struct SessionById<P> {
    id: i64,
    platform: PhantomData<P>,
}

impl<P: Platform> Read for SessionById<P> {
    const NAME: &'static str = P::SESSION_FN;

    fn parse<A: Args>(a: &A) -> Result<Self> {
        Ok(SessionById {
            id: a.id("sessionId")?,
            platform: PhantomData,
        })
    }

    const READS: &'static [Table] = &[P::SESSIONS];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let sql = super::sql((Self::NAME, 0), file, || {
            format!(
                "SELECT {} FROM {} AS s WHERE s.session_id = ?1",
                columns(file, P::SESSIONS, "s"),
                file.rel(P::SESSIONS)
            )
        });
        write_row(conn, sql, [self.id], out).map(drop)
    }
}

pub struct SessionStats {
    session_id: i64,
}

impl Read for SessionStats {
    const NAME: &'static str = "getSessionStats";

    fn parse<A: Args>(a: &A) -> Result<Self> {
        Ok(SessionStats {
            session_id: a.id("sessionId")?,
        })
    }

    const READS: &'static [Table] = &[Table::IgInteractions];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        // Types are matched case-insensitively; unknown types count only in the total.
        let sql = super::sql((Self::NAME, 0), file, || {
            format!(
                "SELECT COUNT(*) AS total_interactions,
                SUM(t = 'LIKE') AS total_likes,
                SUM(t = 'FOLLOW') AS total_follows,
                SUM(t = 'UNFOLLOW') AS total_unfollows,
                SUM(t = 'COMMENT') AS total_comments,
                SUM(t = 'STORY_WATCH') AS total_story_views,
                SUM(t = 'STORY_LIKE') AS total_story_likes,
                SUM(t = 'PROFILE_VISIT') AS total_profile_visits,
                SUM(COALESCE(taktik_bool(success), 0)) AS successful_interactions
            FROM (SELECT upper(i.interaction_type) AS t, i.success AS success
                  FROM {} AS i WHERE i.session_id = ?1)",
                file.rel(Table::IgInteractions)
            )
        });
        crate::rows::write_row(conn, sql, [self.session_id], out).map(drop)
    }
}

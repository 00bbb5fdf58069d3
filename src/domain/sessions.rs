//! Bot sessions (Instagram and TikTok) and per-session interaction totals.

use std::marker::PhantomData;

use rusqlite::Connection;
use serde::Deserialize;

use super::{columns, Platform};
use crate::base::error::Result;
use crate::db::layout::{FileSchema, Table};
use crate::query::args::Args;
use crate::query::args::{self, Page};
use crate::query::Read;
use crate::rows::{write_rows, Out};

/// Options of getSessions / getTikTokSessions.
#[derive(ts_rs::TS)]
#[ts(optional_fields)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionQuery {
    /// Rows to return: 0..=10000, default 50.
    pub limit: Option<f64>,
    /// Rows to skip, default 0.
    pub offset: Option<f64>,
    /// Only this status (ACTIVE, COMPLETED, FAILED, ERROR, ...; case-insensitive).
    pub status: Option<String>,
}

pub struct Sessions<P> {
    account_id: i64,
    page: Page,
    status: Option<String>,
    platform: PhantomData<P>,
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
            account_id,
            page: args::page(Self::NAME, o.limit, o.offset)?,
            status: args::optional_text(Self::NAME, "status", o.status)?,
            platform: PhantomData,
        })
    }

    const READS: &'static [Table] = &[P::SESSIONS];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        // Newest first by the instant of start_time (its text mixes shapes), ties
        // and unparseable times by id. Two phases: the page is sorted as narrow
        // (id, instant) rows, then only its sessions, JSON configs and all, are read.
        let sql = super::sql((Self::NAME, 0), file, || {
            format!(
                "WITH page AS (
                     SELECT s.session_id AS id, taktik_epoch_ms(s.start_time) AS ms FROM {table} AS s
                     WHERE s.account_id = ?1 AND (?2 IS NULL OR s.status = ?2 COLLATE NOCASE)
                     ORDER BY ms DESC, s.session_id DESC LIMIT ?3 OFFSET ?4)
                 SELECT {} FROM page JOIN {table} AS s ON s.session_id = page.id
                 ORDER BY page.ms DESC, page.id DESC",
                columns(file, P::SESSIONS, "s"),
                table = file.rel(P::SESSIONS)
            )
        });
        let p = (
            self.account_id,
            &self.status,
            self.page.limit,
            self.page.offset,
        );
        write_rows(conn, sql, p, out).map(drop)
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

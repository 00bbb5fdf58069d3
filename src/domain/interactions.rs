//! Interaction history (Instagram and TikTok), newest first, with filters.

use std::marker::PhantomData;

use rusqlite::types::ToSql;
use rusqlite::Connection;
use serde::Deserialize;

use super::{columns, filter, Platform};
use crate::base::error::Result;
use crate::db::layout::{FileSchema, Table};
use crate::query::args::Args;
use crate::query::args::{self, InstantArg, Page};
use crate::query::Read;
use crate::rows::{write_rows, Out};

/// Options of getInteractions / getTikTokInteractions.
#[derive(ts_rs::TS)]
#[ts(optional_fields)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InteractionQuery {
    /// Rows to return: 0..=10000, default 50.
    pub limit: Option<f64>,
    /// Rows to skip, default 0.
    pub offset: Option<f64>,
    /// Interaction type (LIKE, FOLLOW, ...; case-insensitive; any string, the set is open).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub session_id: Option<f64>,
    pub profile_id: Option<f64>,
    /// Only interactions at or after this instant: ISO-8601 text or Unix milliseconds.
    #[ts(optional, type = "string | number")]
    pub since: Option<InstantArg>,
    /// Only interactions at or before this instant: ISO-8601 text or Unix milliseconds.
    #[ts(optional, type = "string | number")]
    pub until: Option<InstantArg>,
}

#[derive(Clone)]
pub struct Interactions<P> {
    account_id: i64,
    kind: Option<String>,
    session_id: Option<i64>,
    profile_id: Option<i64>,
    since_ms: Option<i64>,
    until_ms: Option<i64>,
    page: Page,
    platform: PhantomData<P>,
}

impl<P: Platform> Read for Interactions<P> {
    const NAME: &'static str = P::INTERACTIONS_FN;

    fn streams(&self) -> bool {
        crate::query::is_long_listing(self.page)
    }

    fn set_page(&mut self, page: crate::query::args::Page) -> bool {
        self.page = page;
        true
    }

    fn parse<A: Args>(a: &A) -> Result<Self> {
        let f = Self::NAME;
        let account_id = a.id("accountId")?;
        let o: InteractionQuery = a.options("options")?;
        Ok(Interactions {
            account_id,
            kind: args::optional_text(f, "type", o.kind)?,
            session_id: args::optional_integer(f, "sessionId", o.session_id)?,
            profile_id: args::optional_integer(f, "profileId", o.profile_id)?,
            since_ms: args::instant(f, "since", o.since)?,
            until_ms: args::instant(f, "until", o.until)?,
            page: args::page(f, o.limit, o.offset)?,
            platform: PhantomData,
        })
    }

    const READS: &'static [Table] = &[P::INTERACTIONS, P::PROFILES];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        // Order and time filters use instants (taktik_epoch_ms reads every
        // timestamp shape Python writes, naive local ones included), not raw text,
        // which would misorder `...T15:00` (local) against `... 14:00` (UTC).
        // Two phases: the page's ids are chosen from the addon's covering index
        // (no table reads, a narrow sort), then only those rows are read whole.
        let set = [
            self.kind.is_some(),
            self.session_id.is_some(),
            self.profile_id.is_some(),
            self.since_ms.is_some(),
            self.until_ms.is_some(),
        ];
        let variant = set
            .iter()
            .enumerate()
            .map(|(i, s)| u32::from(*s) << i)
            .sum();
        let sql = super::sql((Self::NAME, variant), file, || {
            format!(
                "WITH page AS (
                     SELECT i.id AS id, taktik_epoch_ms(i.interaction_time) AS ms FROM {table} AS i
                     WHERE i.account_id = ?1 AND {} AND {} AND {} AND {} AND {}
                     ORDER BY ms DESC, i.id DESC LIMIT ?7 OFFSET ?8)
                 SELECT {}, p.username AS username
                 FROM page JOIN {table} AS i ON i.id = page.id
                 LEFT JOIN {} AS p ON p.profile_id = i.profile_id
                 ORDER BY page.ms DESC, page.id DESC",
                filter(set[0], "i.interaction_type = ?2 COLLATE NOCASE", 2),
                filter(set[1], "i.session_id = ?3", 3),
                filter(set[2], "i.profile_id = ?4", 4),
                filter(set[3], "taktik_epoch_ms(i.interaction_time) >= ?5", 5),
                filter(set[4], "taktik_epoch_ms(i.interaction_time) <= ?6", 6),
                columns(file, P::INTERACTIONS, "i"),
                file.rel(P::PROFILES),
                table = file.rel(P::INTERACTIONS),
            )
        });
        let p: [&dyn ToSql; 8] = [
            &self.account_id,
            &self.kind,
            &self.session_id,
            &self.profile_id,
            &self.since_ms,
            &self.until_ms,
            &self.page.limit,
            &self.page.offset,
        ];
        write_rows(conn, sql, p.as_slice(), out).map(drop)
    }
}

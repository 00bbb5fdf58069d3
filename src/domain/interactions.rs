//! Interaction history (Instagram and TikTok), newest first, with filters.

use std::marker::PhantomData;

use rusqlite::types::ToSql;
use rusqlite::Connection;
use serde::Deserialize;

use super::{after_term, after_value, columns, filter, paging, After, Platform};
use crate::base::error::{DbError, Result};
use crate::db::layout::{FileSchema, Table};
use crate::query::args::Args;
use crate::query::args::{self, InstantArg, Page};
use crate::query::Read;
use crate::rows::{write_count, write_page, Out};

/// Options of getInteractions / getTikTokInteractions and their counts (which
/// ignore paging).
#[derive(ts_rs::TS)]
#[ts(optional_fields)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InteractionQuery {
    /// Rows to return: 0..=10000, default 50.
    pub limit: Option<f64>,
    /// Rows to skip, default 0. Not with `after`.
    pub offset: Option<f64>,
    /// Continue after the page that returned this `nextCursor`: no row repeated or skipped while the bot writes.
    pub after: Option<String>,
    /// Interaction type or types (LIKE, FOLLOW, ...; case-insensitive; any string, the set is open).
    #[serde(rename = "type")]
    #[ts(optional, type = "string | string[]")]
    pub kind: Option<Types>,
    pub session_id: Option<f64>,
    pub profile_id: Option<f64>,
    /// Only interactions at or after this instant: ISO-8601 text, Unix milliseconds, a Date, or a local `YYYY-MM-DD` (from its start).
    #[ts(optional, type = "string | number | Date")]
    pub since: Option<InstantArg>,
    /// Only interactions at or before this instant: ISO-8601 text, Unix milliseconds, a Date, or a local `YYYY-MM-DD` (through its end).
    #[ts(optional, type = "string | number | Date")]
    pub until: Option<InstantArg>,
}

/// `type`: one interaction type or several.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Types {
    One(String),
    Many(Vec<String>),
}

/// A `type` filter, checked: one type is compared directly (`= ?`), several
/// are bound as one JSON array (never spliced into the SQL).
#[derive(Debug, Clone, PartialEq)]
pub enum TypeFilter {
    One(String),
    Many(String),
}

impl TypeFilter {
    pub fn parse(func: &str, v: Option<Types>) -> Result<Option<Self>> {
        let types = match v {
            None => return Ok(None),
            Some(Types::One(t)) => vec![t],
            Some(Types::Many(ts)) => ts,
        };
        if types.is_empty() || types.iter().any(String::is_empty) {
            return Err(DbError::invalid(format!(
                "{func}: type must be a non-empty string or a non-empty array of them"
            )));
        }
        Ok(Some(match <[String; 1]>::try_from(types) {
            Ok([one]) => TypeFilter::One(one),
            Err(many) => TypeFilter::Many(serde_json::Value::from(many).to_string()),
        }))
    }

    /// The condition on column `col`, binding `?n`.
    pub fn sql(filter: Option<&Self>, col: &str, n: u8) -> String {
        match filter {
            None => format!("?{n} IS NULL"),
            Some(TypeFilter::One(_)) => format!("{col} = ?{n} COLLATE NOCASE"),
            Some(TypeFilter::Many(_)) => {
                format!("{col} COLLATE NOCASE IN (SELECT value FROM json_each(?{n}))")
            }
        }
    }

    /// 0 unset, 1 one, 2 several: part of a SQL variant key.
    pub fn variant(filter: Option<&Self>) -> u32 {
        match filter {
            None => 0,
            Some(TypeFilter::One(_)) => 1,
            Some(TypeFilter::Many(_)) => 2,
        }
    }
}

impl ToSql for TypeFilter {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            TypeFilter::One(s) | TypeFilter::Many(s) => s.to_sql(),
        }
    }
}

/// The filters getInteractions and countInteractions share, bound as ?1..?6.
#[derive(Clone)]
struct InteractionFilter {
    /// None: every account (a session's interactions need no account id).
    account_id: Option<i64>,
    kind: Option<TypeFilter>,
    session_id: Option<i64>,
    profile_id: Option<i64>,
    since_ms: Option<i64>,
    until_ms: Option<i64>,
}

impl InteractionFilter {
    fn parse<A: Args>(func: &str, a: &A, o: InteractionQuery) -> Result<Self> {
        Ok(InteractionFilter {
            account_id: a.optional_id("accountId")?,
            kind: TypeFilter::parse(func, o.kind)?,
            session_id: args::optional_integer(func, "sessionId", o.session_id)?,
            profile_id: args::optional_integer(func, "profileId", o.profile_id)?,
            since_ms: args::since(func, o.since)?,
            until_ms: args::until(func, o.until)?,
        })
    }

    fn variant(&self) -> u32 {
        [
            self.account_id.is_some(),
            self.session_id.is_some(),
            self.profile_id.is_some(),
            self.since_ms.is_some(),
            self.until_ms.is_some(),
        ]
        .iter()
        .enumerate()
        .map(|(i, s)| u32::from(*s) << i)
        .sum::<u32>()
            | TypeFilter::variant(self.kind.as_ref()) << 5
    }

    fn where_sql(&self) -> String {
        [
            filter(self.account_id.is_some(), "i.account_id = ?1", 1),
            TypeFilter::sql(self.kind.as_ref(), "i.interaction_type", 2),
            filter(self.session_id.is_some(), "i.session_id = ?3", 3),
            filter(self.profile_id.is_some(), "i.profile_id = ?4", 4),
            filter(
                self.since_ms.is_some(),
                "taktik_epoch_ms(i.interaction_time) >= ?5",
                5,
            ),
            filter(
                self.until_ms.is_some(),
                "taktik_epoch_ms(i.interaction_time) <= ?6",
                6,
            ),
        ]
        .join(" AND ")
    }

    fn params(&self) -> [&dyn ToSql; 6] {
        [
            &self.account_id,
            &self.kind,
            &self.session_id,
            &self.profile_id,
            &self.since_ms,
            &self.until_ms,
        ]
    }
}

#[derive(Clone)]
pub struct Interactions<P> {
    filter: InteractionFilter,
    page: Page,
    after: After,
    platform: PhantomData<P>,
}

impl<P: Platform> Interactions<P> {
    /// Newest first by instant, then id: the only order.
    fn tag() -> u32 {
        crate::rows::cursor::tag(P::INTERACTIONS_FN, 0)
    }
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
        let o: InteractionQuery = a.options("options")?;
        let page = args::page(f, o.limit, o.offset)?;
        let after = args::after(f, o.after.clone(), o.offset, Self::tag(), 2)?;
        Ok(Interactions {
            filter: InteractionFilter::parse(f, a, o)?,
            page,
            after,
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
        let variant = self.filter.variant() | u32::from(self.after.is_some()) << 8;
        let sql = super::sql((Self::NAME, variant), file, || {
            format!(
                "WITH page AS (
                     SELECT i.id AS id, taktik_epoch_ms(i.interaction_time) AS ms FROM {table} AS i
                     WHERE {} AND {}
                     ORDER BY ms DESC, i.id DESC LIMIT ?7 OFFSET ?8)
                 SELECT {}, p.username AS username, page.ms, page.id
                 FROM page JOIN {table} AS i ON i.id = page.id
                 LEFT JOIN {} AS p ON p.profile_id = i.profile_id
                 ORDER BY page.ms DESC, page.id DESC",
                self.filter.where_sql(),
                after_term(
                    self.after.is_some(),
                    &["taktik_epoch_ms(i.interaction_time)", "i.id"],
                    true,
                    9
                ),
                columns(file, P::INTERACTIONS, "i"),
                file.rel(P::PROFILES),
                table = file.rel(P::INTERACTIONS),
            )
        });
        let mut p: Vec<&dyn ToSql> = self.filter.params().to_vec();
        p.extend_from_slice(&[
            &self.page.limit,
            &self.page.offset,
            after_value(&self.after, 0),
            after_value(&self.after, 1),
        ]);
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

/// How many interactions getInteractions / getTikTokInteractions would return
/// without limit/offset.
pub struct CountInteractions<P> {
    filter: InteractionFilter,
    platform: PhantomData<P>,
}

impl<P: Platform> Read for CountInteractions<P> {
    const NAME: &'static str = P::COUNT_INTERACTIONS_FN;

    fn parse<A: Args>(a: &A) -> Result<Self> {
        let f = Self::NAME;
        let o: InteractionQuery = a.options("options")?;
        let tag = Interactions::<P>::tag();
        args::ignored_paging(f, o.limit, o.offset, o.after.clone(), tag, 2)?;
        Ok(CountInteractions {
            filter: InteractionFilter::parse(f, a, o)?,
            platform: PhantomData,
        })
    }

    const READS: &'static [Table] = &[P::INTERACTIONS];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let sql = super::sql((Self::NAME, self.filter.variant()), file, || {
            format!(
                "SELECT COUNT(*) FROM {} AS i WHERE {}",
                file.rel(P::INTERACTIONS),
                self.filter.where_sql()
            )
        });
        write_count(conn, sql, self.filter.params().as_slice(), out)
    }
}

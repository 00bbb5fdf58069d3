//! Daily statistics: one row per LOCAL calendar day, zero-filled.

use std::marker::PhantomData;

use rusqlite::Connection;
use serde::Deserialize;

use super::Platform;
use crate::base::error::{DbError, Result};
use crate::base::time;
use crate::db::layout::{FileSchema, Table};
use crate::db::schema;
use crate::query::args::{Args, MAX_DAYS};
use crate::query::Read;
use crate::rows::{classify, write_days, Kind, Out};

/// The counters of a daily stats table: its INTEGER columns defaulting to 0 that
/// are not flags (`synced_to_api`), read from the schema, not listed again here.
pub fn counters(table: Table) -> Vec<&'static str> {
    schema::expected().columns[table.name()]
        .iter()
        .filter(|c| c.default.as_deref() == Some("0"))
        .filter(|c| classify(&c.name, Some(&c.decl_type)) == Kind::Int)
        .map(|c| c.name.as_str())
        .collect()
}

/// The second argument of getDailyStats / getTikTokDailyStats as a range.
#[derive(ts_rs::TS, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DayRange {
    /// First local date, `YYYY-MM-DD`.
    pub from: String,
    /// Last local date, `YYYY-MM-DD` (inclusive).
    pub to: String,
}

pub struct DailyStats<P> {
    account_id: i64,
    /// The local dates reported, oldest first; None: the last `days` ending
    /// today, worked out when the read runs (a Live query spans midnight).
    range: Option<Vec<String>>,
    days: u32,
    platform: PhantomData<P>,
}

/// `{ from, to }`, checked: real dates, in order, at most MAX_DAYS of them.
fn day_range(func: &str, r: DayRange) -> Result<Vec<String>> {
    let date = |name: &str, s: &str| {
        time::parse_date(s).ok_or_else(|| {
            DbError::invalid(format!(
                "{func}: {name} must be a local date written YYYY-MM-DD, got {s:?}"
            ))
        })
    };
    let (from, to) = (date("from", &r.from)?, date("to", &r.to)?);
    if from > to {
        return Err(DbError::invalid(format!(
            "{func}: from ({from}) must not be after to ({to})"
        )));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(DbError::invalid(format!(
            "{func}: from..to spans more than {MAX_DAYS} days"
        )));
    }
    Ok(time::local_days(from, to))
}

impl<P: Platform> Read for DailyStats<P> {
    const NAME: &'static str = P::DAILY_STATS_FN;

    fn parse<A: Args>(a: &A) -> Result<Self> {
        let account_id = a.id("accountId")?;
        // A number of days ending today, or an explicit range of local dates.
        let (range, days) = if a.is_object("days") {
            let r: DayRange = a.options("days")?;
            (Some(day_range(Self::NAME, r)?), 0)
        } else {
            (None, a.days("days")?)
        };
        Ok(DailyStats {
            account_id,
            range,
            days,
            platform: PhantomData,
        })
    }

    const READS: &'static [Table] = &[P::DAILY_STATS];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        // Python writes `date.today()`: the machine's LOCAL date. The window is
        // computed the same way here; one index range scan reads the days that
        // have rows and the rest are zero-filled while writing.
        let dates = match &self.range {
            Some(r) => r.clone(),
            None => time::last_local_days(self.days),
        };
        let (first, last) = (dates.first(), dates.last());
        let sql = super::sql((Self::NAME, 0), file, || {
            let counters: Vec<String> = counters(P::DAILY_STATS)
                .iter()
                .map(|c| format!("COALESCE(s.{c}, 0) AS {c}"))
                .collect();
            format!(
                "SELECT s.date AS date, {} FROM {} AS s
                 WHERE s.account_id = ?1 AND s.date >= ?2 AND s.date <= ?3 ORDER BY s.date",
                counters.join(", "),
                file.rel(P::DAILY_STATS)
            )
        });
        write_days(conn, sql, (self.account_id, first, last), &dates, out)
    }
}

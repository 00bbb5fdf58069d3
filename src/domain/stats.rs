//! Daily statistics: one row per LOCAL calendar day, zero-filled.

use std::marker::PhantomData;

use napi::{Env, Unknown};
use rusqlite::Connection;

use super::{Instagram, Platform};
use crate::api::Query;
use crate::args;
use crate::error::Result;
use crate::layout::{FileSchema, Table};
use crate::rows::{classify, write_days, Kind, Out};
use crate::{schema, time};

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

pub struct DailyStats<P> {
    account_id: i64,
    days: u32,
    platform: PhantomData<P>,
}

impl<P: Platform> Query for DailyStats<P> {
    const NAME: &'static str = P::DAILY_STATS_FN;

    fn parse(_: &Env, a: &[Option<&Unknown<'_>>]) -> Result<Self> {
        Ok(DailyStats {
            account_id: args::id(Self::NAME, "accountId", a[0].expect("required"))?,
            days: args::days(Self::NAME, a[1].expect("required"))?,
            platform: PhantomData,
        })
    }

    const READS: &'static [Table] = &[P::DAILY_STATS];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        // Python writes `date.today()`: the machine's LOCAL date. The window is
        // computed the same way here; one index range scan reads the days that
        // have rows and the rest are zero-filled while writing.
        let dates = time::last_local_days(self.days);
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

crate::read_api! {
    #[doc = "Exactly `days` rows (1..=3650), one per local calendar day ending today,"]
    #[doc = "oldest first; days without a row are zero-filled."]
    DailyStats<Instagram> => get_daily_stats, get_daily_stats_sync, "DailyStatsDay[]", "Promise<DailyStatsDay[]>",
        (account_id: "number", days: "number"), ();
}

//! Daily statistics: one row per LOCAL calendar day, zero-filled.

use std::marker::PhantomData;

use rusqlite::Connection;

use super::Platform;
use crate::base::error::Result;
use crate::base::time;
use crate::db::layout::{FileSchema, Table};
use crate::db::schema;
use crate::query::args::Args;
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

pub struct DailyStats<P> {
    account_id: i64,
    days: u32,
    platform: PhantomData<P>,
}

impl<P: Platform> Read for DailyStats<P> {
    const NAME: &'static str = P::DAILY_STATS_FN;

    fn parse<A: Args>(a: &A) -> Result<Self> {
        Ok(DailyStats {
            account_id: a.id("accountId")?,
            days: a.days("days")?,
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

//! Discovery campaigns, their resume state and the profiles they found.

use rusqlite::Connection;
use serde::Deserialize;

use super::{after_term, after_value, columns, paging, tag, After};
use crate::base::error::Result;
use crate::db::layout::{FileSchema, Table};
use crate::query::args::Args;
use crate::query::args::{self, Page};
use crate::query::Read;
use crate::rows::{write_page, write_rows, Out};

pub struct Campaigns {
    account_id: Option<i64>,
}

impl Read for Campaigns {
    const NAME: &'static str = "getDiscoveryCampaigns";

    fn parse<A: Args>(a: &A) -> Result<Self> {
        Ok(Campaigns {
            account_id: a.optional_id("accountId")?,
        })
    }

    const READS: &'static [Table] = &[Table::DiscoveryCampaigns];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let sql = super::sql((Self::NAME, 0), file, || {
            format!(
                "SELECT {} FROM {} AS c WHERE (?1 IS NULL OR c.account_id = ?1)
             ORDER BY c.campaign_id DESC",
                columns(file, Table::DiscoveryCampaigns, "c"),
                file.rel(Table::DiscoveryCampaigns)
            )
        });
        write_rows(conn, sql, [self.account_id], out).map(drop)
    }
}

pub struct Progress {
    campaign_id: i64,
}

impl Read for Progress {
    const NAME: &'static str = "getDiscoveryProgress";

    fn parse<A: Args>(a: &A) -> Result<Self> {
        Ok(Progress {
            campaign_id: a.id("campaignId")?,
        })
    }

    const READS: &'static [Table] = &[Table::DiscoveryProgress];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let sql = super::sql((Self::NAME, 0), file, || {
            format!(
                "SELECT {} FROM {} AS g WHERE g.campaign_id = ?1 ORDER BY g.progress_id",
                columns(file, Table::DiscoveryProgress, "g"),
                file.rel(Table::DiscoveryProgress)
            )
        });
        write_rows(conn, sql, [self.campaign_id], out).map(drop)
    }
}

/// Options of getDiscoveredProfiles.
#[derive(ts_rs::TS)]
#[ts(optional_fields)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DiscoveredProfileQuery {
    /// new, qualified, rejected, ... (case-insensitive).
    pub status: Option<String>,
    /// Only profiles whose AI score is at least this.
    pub min_score: Option<f64>,
    /// Rows to return: 0..=10000, default 50.
    pub limit: Option<f64>,
    /// Rows to skip, default 0.
    pub offset: Option<f64>,
    /// Continue after the page that returned this `nextCursor`: no row repeated or skipped while the bot writes.
    pub after: Option<String>,
}

pub struct Discovered {
    campaign_id: i64,
    status: Option<String>,
    min_score: Option<f64>,
    page: Page,
    after: After,
}

impl Read for Discovered {
    const NAME: &'static str = "getDiscoveredProfiles";

    fn streams(&self) -> bool {
        crate::query::is_long_listing(self.page)
    }

    fn parse<A: Args>(a: &A) -> Result<Self> {
        let campaign_id = a.id("campaignId")?;
        let o: DiscoveredProfileQuery = a.options("options")?;
        Ok(Discovered {
            campaign_id,
            status: args::optional_text(Self::NAME, "status", o.status)?,
            min_score: args::optional_number(Self::NAME, "minScore", o.min_score)?,
            page: args::page(Self::NAME, o.limit, o.offset)?,
            after: args::after(Self::NAME, o.after, o.offset, tag(Self::NAME), 1)?,
        })
    }

    const READS: &'static [Table] = &[Table::DiscoveredProfiles];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let keyed = self.after.is_some();
        let sql = super::sql((Self::NAME, u32::from(keyed)), file, || {
            format!(
                "SELECT {}, d.profile_id FROM {} AS d
             WHERE d.campaign_id = ?1 AND (?2 IS NULL OR d.status = ?2 COLLATE NOCASE)
               AND (?3 IS NULL OR (typeof(d.ai_score) IN ('integer', 'real') AND d.ai_score >= ?3))
               AND {}
             ORDER BY d.profile_id LIMIT ?4 OFFSET ?5",
                columns(file, Table::DiscoveredProfiles, "d"),
                file.rel(Table::DiscoveredProfiles),
                after_term(keyed, &["d.profile_id"], false, 6),
            )
        });
        let p = (
            self.campaign_id,
            &self.status,
            self.min_score,
            self.page.limit,
            self.page.offset,
            after_value(&self.after, 0),
        );
        write_page(conn, sql, p, out, paging(tag(Self::NAME), self.page, 1)).map(drop)
    }
}

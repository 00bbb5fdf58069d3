//! Discovery campaigns, their resume state and the profiles they found.

use napi::{Env, Unknown};
use rusqlite::Connection;
use serde::Deserialize;

use super::columns;
use crate::api::Query;
use crate::args::{self, Page};
use crate::error::Result;
use crate::layout::{FileSchema, Table};
use crate::rows::{write_rows, Out};

pub struct Campaigns {
    account_id: Option<i64>,
}

impl Query for Campaigns {
    const NAME: &'static str = "getDiscoveryCampaigns";

    fn parse(_: &Env, a: &[Option<&Unknown<'_>>]) -> Result<Self> {
        Ok(Campaigns {
            account_id: args::optional_id(Self::NAME, "accountId", a[0])?,
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

impl Query for Progress {
    const NAME: &'static str = "getDiscoveryProgress";

    fn parse(_: &Env, a: &[Option<&Unknown<'_>>]) -> Result<Self> {
        Ok(Progress {
            campaign_id: args::id(Self::NAME, "campaignId", a[0].expect("required"))?,
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
#[napi_derive::napi(object, object_from_js = false, object_to_js = false)]
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
}

pub struct Discovered {
    campaign_id: i64,
    status: Option<String>,
    min_score: Option<f64>,
    page: Page,
}

impl Query for Discovered {
    const NAME: &'static str = "getDiscoveredProfiles";

    fn streams(&self) -> bool {
        crate::api::long(self.page)
    }

    fn parse(env: &Env, a: &[Option<&Unknown<'_>>]) -> Result<Self> {
        let campaign_id = args::id(Self::NAME, "campaignId", a[0].expect("required"))?;
        let o: DiscoveredProfileQuery = args::options(env, Self::NAME, a[1])?;
        Ok(Discovered {
            campaign_id,
            status: args::optional_text(Self::NAME, "status", o.status)?,
            min_score: args::optional_number(Self::NAME, "minScore", o.min_score)?,
            page: args::page(Self::NAME, o.limit, o.offset)?,
        })
    }

    const READS: &'static [Table] = &[Table::DiscoveredProfiles];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let sql = super::sql((Self::NAME, 0), file, || {
            format!(
                "SELECT {} FROM {} AS d
             WHERE d.campaign_id = ?1 AND (?2 IS NULL OR d.status = ?2 COLLATE NOCASE)
               AND (?3 IS NULL OR (typeof(d.ai_score) IN ('integer', 'real') AND d.ai_score >= ?3))
             ORDER BY d.profile_id LIMIT ?4 OFFSET ?5",
                columns(file, Table::DiscoveredProfiles, "d"),
                file.rel(Table::DiscoveredProfiles)
            )
        });
        let p = (
            self.campaign_id,
            &self.status,
            self.min_score,
            self.page.limit,
            self.page.offset,
        );
        write_rows(conn, sql, p, out).map(drop)
    }
}

crate::read_api! {
    #[doc = "Discovery campaigns, newest first; all of them, or one account's."]
    Campaigns => get_discovery_campaigns, get_discovery_campaigns_sync, "DiscoveryCampaign[]", "Promise<DiscoveryCampaign[]>",
        (), (account_id: "number | null");
    #[doc = "Resume state of a campaign, one row per source."]
    Progress => get_discovery_progress, get_discovery_progress_sync, "DiscoveryProgress[]", "Promise<DiscoveryProgress[]>",
        (campaign_id: "number"), ();
    #[doc = "Profiles a campaign discovered, in discovery order."]
    Discovered => get_discovered_profiles, get_discovered_profiles_sync, "DiscoveredProfile[]", "Promise<DiscoveredProfile[]>",
        (campaign_id: "number"), (options: "DiscoveredProfileQuery");
}

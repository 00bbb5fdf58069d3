//! TikTok: the Instagram queries over the `tiktok_*` tables, plus the profile list.

use napi::{Env, Unknown};
use rusqlite::Connection;
use serde::Deserialize;

use super::accounts::Accounts;
use super::interactions::Interactions;
use super::profiles::FilteredProfiles;
use super::sessions::Sessions;
use super::stats::DailyStats;
use super::{columns, TikTok};
use crate::api::Query;
use crate::args::{self, Page};
use crate::error::Result;
use crate::layout::{FileSchema, Table};
use crate::rows::{write_rows, Out};

/// Options of getTikTokProfiles.
#[napi_derive::napi(object, object_from_js = false, object_to_js = false)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TikTokProfileQuery {
    /// Case-insensitive substring of username or display name; `%` and `_` are literal.
    pub search: Option<String>,
    /// Rows to return: 0..=10000, default 50.
    pub limit: Option<f64>,
    /// Rows to skip, default 0.
    pub offset: Option<f64>,
}

pub struct TikTokProfiles {
    search: Option<String>,
    page: Page,
}

impl Query for TikTokProfiles {
    const NAME: &'static str = "getTikTokProfiles";

    fn streams(&self) -> bool {
        crate::api::long(self.page)
    }

    fn parse(env: &Env, a: &[Option<&Unknown<'_>>]) -> Result<Self> {
        let o: TikTokProfileQuery = args::options(env, Self::NAME, a[0])?;
        Ok(TikTokProfiles {
            search: args::search(o.search),
            page: args::page(Self::NAME, o.limit, o.offset)?,
        })
    }

    const READS: &'static [Table] = &[Table::TtProfiles];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let sql = super::sql((Self::NAME, 0), file, || {
            format!(
            "SELECT {} FROM {} AS p
             WHERE ?1 IS NULL OR taktik_icontains(p.username, ?1) OR taktik_icontains(p.display_name, ?1)
             ORDER BY p.profile_id DESC LIMIT ?2 OFFSET ?3",
            columns(file, Table::TtProfiles, "p"),
            file.rel(Table::TtProfiles)
        )
        });
        write_rows(
            conn,
            sql,
            (&self.search, self.page.limit, self.page.offset),
            out,
        )
        .map(drop)
    }
}

crate::read_api! {
    #[doc = "Every TikTok account in the file, by id."]
    Accounts<TikTok> => get_tik_tok_accounts, get_tik_tok_accounts_sync, "TikTokAccount[]", "Promise<TikTokAccount[]>",
        (), ();
    #[doc = "Sessions of a TikTok account, newest first."]
    Sessions<TikTok> => get_tik_tok_sessions, get_tik_tok_sessions_sync, "TikTokSession[]", "Promise<TikTokSession[]>",
        (account_id: "number"), (options: "SessionQuery");
    #[doc = "Exactly `days` rows (1..=3650), one per local calendar day ending today,"]
    #[doc = "oldest first; days without a row are zero-filled."]
    DailyStats<TikTok> => get_tik_tok_daily_stats, get_tik_tok_daily_stats_sync, "TikTokDailyStatsDay[]", "Promise<TikTokDailyStatsDay[]>",
        (account_id: "number", days: "number"), ();
    #[doc = "TikTok profiles, newest first."]
    TikTokProfiles => get_tik_tok_profiles, get_tik_tok_profiles_sync, "TikTokProfile[]", "Promise<TikTokProfile[]>",
        (), (options: "TikTokProfileQuery");
    #[doc = "Interactions of a TikTok account, newest first, with the profile's username."]
    Interactions<TikTok> => get_tik_tok_interactions, get_tik_tok_interactions_sync, "TikTokInteractionWithUsername[]", "Promise<TikTokInteractionWithUsername[]>",
        (account_id: "number"), (options: "InteractionQuery");
    #[doc = "Profiles the bot filtered out for this TikTok account, newest first."]
    FilteredProfiles<TikTok> => get_tik_tok_filtered_profiles, get_tik_tok_filtered_profiles_sync, "TikTokFilteredProfile[]", "Promise<TikTokFilteredProfile[]>",
        (account_id: "number"), (options: "PageQuery");
}

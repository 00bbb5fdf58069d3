//! TikTok's own read, the profile list. Its accounts, sessions, daily stats,
//! interactions and filtered profiles are the shared queries of the other
//! modules with `TikTok` for their platform (node/exports.rs lists them).

use rusqlite::Connection;
use serde::Deserialize;

use super::{after_term, after_value, columns, paging, tag, After};
use crate::base::error::Result;
use crate::db::layout::{FileSchema, Table};
use crate::query::args::Args;
use crate::query::args::{self, Page};
use crate::query::Read;
use crate::rows::{write_page, Out};

/// Options of getTikTokProfiles.
#[derive(ts_rs::TS)]
#[ts(optional_fields)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TikTokProfileQuery {
    /// Case-insensitive substring of username or display name; `%` and `_` are literal.
    pub search: Option<String>,
    /// Rows to return: 0..=10000, default 50.
    pub limit: Option<f64>,
    /// Rows to skip, default 0.
    pub offset: Option<f64>,
    /// Continue after the page that returned this `nextCursor`: no row repeated or skipped while the bot writes.
    pub after: Option<String>,
}

pub struct TikTokProfiles {
    search: Option<String>,
    page: Page,
    after: After,
}

impl Read for TikTokProfiles {
    const NAME: &'static str = "getTikTokProfiles";

    fn streams(&self) -> bool {
        crate::query::is_long_listing(self.page)
    }

    fn parse<A: Args>(a: &A) -> Result<Self> {
        let o: TikTokProfileQuery = a.options("options")?;
        Ok(TikTokProfiles {
            search: args::search(o.search),
            page: args::page(Self::NAME, o.limit, o.offset)?,
            after: args::after(Self::NAME, o.after, o.offset, tag(Self::NAME), 1)?,
        })
    }

    const READS: &'static [Table] = &[Table::TtProfiles];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let keyed = self.after.is_some();
        let sql = super::sql((Self::NAME, u32::from(keyed)), file, || {
            format!(
            "SELECT {}, p.profile_id FROM {} AS p
             WHERE (?1 IS NULL OR taktik_icontains(p.username, ?1) OR taktik_icontains(p.display_name, ?1))
               AND {}
             ORDER BY p.profile_id DESC LIMIT ?2 OFFSET ?3",
            columns(file, Table::TtProfiles, "p"),
            file.rel(Table::TtProfiles),
            after_term(keyed, &["p.profile_id"], true, 4),
        )
        });
        let p = (
            &self.search,
            self.page.limit,
            self.page.offset,
            after_value(&self.after, 0),
        );
        write_page(conn, sql, p, out, paging(tag(Self::NAME), self.page, 1)).map(drop)
    }
}

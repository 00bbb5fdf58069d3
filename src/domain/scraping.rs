//! Scraping runs and what they collected: profiles, comments, hashtag posts.

use rusqlite::types::ToSql;
use rusqlite::Connection;
use serde::Deserialize;

use super::{after_term, after_value, columns, paging, tag, After};
use crate::base::error::Result;
use crate::db::layout::{FileSchema, Table};
use crate::query::args::Args;
use crate::query::args::{self, Page};
use crate::query::Read;
use crate::rows::{write_page, write_row, Out};

/// Options of getScrapingSessions.
#[derive(ts_rs::TS)]
#[ts(optional_fields)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScrapingSessionQuery {
    /// Rows to return: 0..=10000, default 50.
    pub limit: Option<f64>,
    /// Rows to skip, default 0.
    pub offset: Option<f64>,
    /// Continue after the page that returned this `nextCursor`: no row repeated or skipped while the bot writes.
    pub after: Option<String>,
    /// RUNNING, IN_PROGRESS, COMPLETED, ERROR, CANCELLED, INTERRUPTED, ... (case-insensitive).
    pub status: Option<String>,
    /// e.g. "followers", "hashtag" (case-insensitive).
    pub scraping_type: Option<String>,
}

pub struct ScrapingSessions {
    status: Option<String>,
    scraping_type: Option<String>,
    page: Page,
    after: After,
}

impl Read for ScrapingSessions {
    const NAME: &'static str = "getScrapingSessions";

    fn streams(&self) -> bool {
        crate::query::is_long_listing(self.page)
    }

    fn parse<A: Args>(a: &A) -> Result<Self> {
        let o: ScrapingSessionQuery = a.options("options")?;
        Ok(ScrapingSessions {
            status: args::optional_text(Self::NAME, "status", o.status)?,
            scraping_type: args::optional_text(Self::NAME, "scrapingType", o.scraping_type)?,
            page: args::page(Self::NAME, o.limit, o.offset)?,
            after: args::after(Self::NAME, o.after, o.offset, tag(Self::NAME), 1)?,
        })
    }

    const READS: &'static [Table] = &[Table::ScrapingSessions];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let keyed = self.after.is_some();
        let sql = super::sql((Self::NAME, u32::from(keyed)), file, || {
            format!(
                "SELECT {}, s.scraping_id FROM {} AS s
             WHERE (?1 IS NULL OR s.status = ?1 COLLATE NOCASE)
               AND (?2 IS NULL OR s.scraping_type = ?2 COLLATE NOCASE) AND {}
             ORDER BY s.scraping_id DESC LIMIT ?3 OFFSET ?4",
                columns(file, Table::ScrapingSessions, "s"),
                file.rel(Table::ScrapingSessions),
                after_term(keyed, &["s.scraping_id"], true, 5),
            )
        });
        let p = (
            &self.status,
            &self.scraping_type,
            self.page.limit,
            self.page.offset,
            after_value(&self.after, 0),
        );
        write_page(conn, sql, p, out, paging(tag(Self::NAME), self.page, 1)).map(drop)
    }
}

pub struct ScrapingSession {
    id: i64,
}

impl Read for ScrapingSession {
    const NAME: &'static str = "getScrapingSession";

    fn parse<A: Args>(a: &A) -> Result<Self> {
        Ok(ScrapingSession { id: a.id("id")? })
    }

    const READS: &'static [Table] = &[Table::ScrapingSessions];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let sql = super::sql((Self::NAME, 0), file, || {
            format!(
                "SELECT {} FROM {} AS s WHERE s.scraping_id = ?1",
                columns(file, Table::ScrapingSessions, "s"),
                file.rel(Table::ScrapingSessions)
            )
        });
        write_row(conn, sql, [self.id], out).map(drop)
    }
}

/// Options of getScrapedProfiles.
#[derive(ts_rs::TS)]
#[ts(optional_fields)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScrapedProfileQuery {
    /// Only profiles whose AI score is at least this (0-100).
    pub min_score: Option<f64>,
    /// Only profiles the AI qualified.
    pub qualified_only: Option<bool>,
    /// Rows to return: 0..=10000, default 50.
    pub limit: Option<f64>,
    /// Rows to skip, default 0.
    pub offset: Option<f64>,
    /// Continue after the page that returned this `nextCursor`: no row repeated or skipped while the bot writes.
    pub after: Option<String>,
}

#[derive(Clone)]
pub struct ScrapedProfiles {
    scraping_id: i64,
    min_score: Option<f64>,
    qualified_only: bool,
    page: Page,
    after: After,
}

/// Profile columns shown beside each scraped row (the full profile is getProfile).
pub const PROFILE_SUMMARY: &[&str] = &[
    "username",
    "full_name",
    "followers_count",
    "following_count",
    "posts_count",
    "is_private",
    "is_verified",
    "is_business",
    "biography",
];

impl Read for ScrapedProfiles {
    const NAME: &'static str = "getScrapedProfiles";

    fn streams(&self) -> bool {
        crate::query::is_long_listing(self.page)
    }

    fn set_page(&mut self, page: crate::query::args::Page) -> bool {
        self.page = page;
        true
    }

    fn parse<A: Args>(a: &A) -> Result<Self> {
        let scraping_id = a.id("scrapingId")?;
        let o: ScrapedProfileQuery = a.options("options")?;
        Ok(ScrapedProfiles {
            scraping_id,
            min_score: args::optional_number(Self::NAME, "minScore", o.min_score)?,
            qualified_only: o.qualified_only.unwrap_or(false),
            page: args::page(Self::NAME, o.limit, o.offset)?,
            after: args::after(Self::NAME, o.after, o.offset, tag(Self::NAME), 1)?,
        })
    }

    const READS: &'static [Table] = &[Table::ScrapedProfiles, Table::IgProfiles];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let keyed = self.after.is_some();
        let sql = super::sql((Self::NAME, u32::from(keyed)), file, || {
            let summary: Vec<String> = PROFILE_SUMMARY
                .iter()
                .map(|c| format!("p.{c} AS {c}"))
                .collect();
            // Whose profile a scraped row names: an Instagram profile on the
            // legacy layout; on the unified one, the profile of the row's own
            // platform (ids are per platform there).
            let owner = if file.is_unified(Table::ScrapedProfiles) {
                format!(
                    "{} AS p ON p.platform = sp.platform AND p.profile_id = sp.profile_id",
                    file.profiles_by_platform()
                )
            } else {
                format!(
                    "{} AS p ON p.profile_id = sp.profile_id",
                    file.rel(Table::IgProfiles)
                )
            };
            format!(
            "SELECT {}, {}, sp.id
             FROM {} AS sp LEFT JOIN {owner}
             WHERE sp.scraping_id = ?1
               AND (?2 IS NULL OR (typeof(sp.ai_score) IN ('integer', 'real') AND sp.ai_score >= ?2))
               AND (?3 = 0 OR taktik_bool(sp.ai_qualified) = 1) AND {}
             ORDER BY sp.id LIMIT ?4 OFFSET ?5",
            columns(file, Table::ScrapedProfiles, "sp"),
            summary.join(", "),
            file.rel(Table::ScrapedProfiles),
            after_term(keyed, &["sp.id"], false, 6),
            )
        });
        let p = (
            self.scraping_id,
            self.min_score,
            self.qualified_only,
            self.page.limit,
            self.page.offset,
            after_value(&self.after, 0),
        );
        write_page(conn, sql, p, out, paging(tag(Self::NAME), self.page, 1)).map(drop)
    }
}

/// Options of getScrapedComments.
#[derive(ts_rs::TS)]
#[ts(optional_fields)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScrapedCommentQuery {
    pub scraping_session_id: Option<f64>,
    /// The commenter (case-insensitive).
    pub username: Option<String>,
    /// The owner of the post commented on (case-insensitive).
    pub target_username: Option<String>,
    /// Rows to return: 0..=10000, default 50.
    pub limit: Option<f64>,
    /// Rows to skip, default 0.
    pub offset: Option<f64>,
    /// Continue after the page that returned this `nextCursor`: no row repeated or skipped while the bot writes.
    pub after: Option<String>,
}

pub struct ScrapedComments {
    scraping_session_id: Option<i64>,
    username: Option<String>,
    target_username: Option<String>,
    page: Page,
    after: After,
}

impl Read for ScrapedComments {
    const NAME: &'static str = "getScrapedComments";

    fn streams(&self) -> bool {
        crate::query::is_long_listing(self.page)
    }

    fn parse<A: Args>(a: &A) -> Result<Self> {
        let f = Self::NAME;
        let o: ScrapedCommentQuery = a.options("options")?;
        Ok(ScrapedComments {
            scraping_session_id: args::optional_integer(
                f,
                "scrapingSessionId",
                o.scraping_session_id,
            )?,
            username: args::optional_text(f, "username", o.username)?,
            target_username: args::optional_text(f, "targetUsername", o.target_username)?,
            page: args::page(f, o.limit, o.offset)?,
            after: args::after(f, o.after, o.offset, tag(f), 1)?,
        })
    }

    const READS: &'static [Table] = &[Table::ScrapedComments];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let keyed = self.after.is_some();
        let sql = super::sql((Self::NAME, u32::from(keyed)), file, || {
            format!(
                "SELECT {}, c.comment_id FROM {} AS c
             WHERE (?1 IS NULL OR c.scraping_session_id = ?1)
               AND (?2 IS NULL OR c.username = ?2 COLLATE NOCASE)
               AND (?3 IS NULL OR c.target_username = ?3 COLLATE NOCASE) AND {}
             ORDER BY c.comment_id DESC LIMIT ?4 OFFSET ?5",
                columns(file, Table::ScrapedComments, "c"),
                file.rel(Table::ScrapedComments),
                after_term(keyed, &["c.comment_id"], true, 6),
            )
        });
        let p: [&dyn ToSql; 6] = [
            &self.scraping_session_id,
            &self.username,
            &self.target_username,
            &self.page.limit,
            &self.page.offset,
            after_value(&self.after, 0),
        ];
        write_page(
            conn,
            sql,
            p.as_slice(),
            out,
            paging(tag(Self::NAME), self.page, 1),
        )
        .map(drop)
    }
}

/// Options of getProcessedHashtagPosts.
#[derive(ts_rs::TS)]
#[ts(optional_fields)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HashtagPostQuery {
    /// With or without `#`, case-insensitive.
    pub hashtag: Option<String>,
    /// Rows to return: 0..=10000, default 50.
    pub limit: Option<f64>,
    /// Rows to skip, default 0.
    pub offset: Option<f64>,
    /// Continue after the page that returned this `nextCursor`: no row repeated or skipped while the bot writes.
    pub after: Option<String>,
}

pub struct HashtagPosts {
    account_id: i64,
    hashtag: Option<String>,
    page: Page,
    after: After,
}

impl Read for HashtagPosts {
    const NAME: &'static str = "getProcessedHashtagPosts";

    fn streams(&self) -> bool {
        crate::query::is_long_listing(self.page)
    }

    fn parse<A: Args>(a: &A) -> Result<Self> {
        let account_id = a.id("accountId")?;
        let o: HashtagPostQuery = a.options("options")?;
        let hashtag = o.hashtag.map(|h| h.trim_start_matches('#').to_string());
        Ok(HashtagPosts {
            account_id,
            hashtag: args::optional_text(Self::NAME, "hashtag", hashtag)?,
            page: args::page(Self::NAME, o.limit, o.offset)?,
            after: args::after(Self::NAME, o.after, o.offset, tag(Self::NAME), 1)?,
        })
    }

    const READS: &'static [Table] = &[Table::HashtagPosts];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let keyed = self.after.is_some();
        let sql = super::sql((Self::NAME, u32::from(keyed)), file, || {
            format!(
                "SELECT {}, h.id FROM {} AS h
             WHERE h.account_id = ?1 AND (?2 IS NULL OR ltrim(h.hashtag, '#') = ?2 COLLATE NOCASE)
               AND {}
             ORDER BY h.id DESC LIMIT ?3 OFFSET ?4",
                columns(file, Table::HashtagPosts, "h"),
                file.rel(Table::HashtagPosts),
                after_term(keyed, &["h.id"], true, 5),
            )
        });
        let p = (
            self.account_id,
            &self.hashtag,
            self.page.limit,
            self.page.offset,
            after_value(&self.after, 0),
        );
        write_page(conn, sql, p, out, paging(tag(Self::NAME), self.page, 1)).map(drop)
    }
}

//! What kind of file this is, and where each of the API's tables lives in it.
//!
//! The bot has written two layouts: the *legacy* one (per-platform tables, until
//! June 2026; the API's row types are named after its tables) and the *unified*
//! one (`accounts`, `social_profiles`, `sessions_unified`, `interactions`, ...
//! with a `platform` column), with transitional files in between where some
//! legacy tables were already dropped and others not yet. The API reads every
//! layout through the same SQL: each query names its tables through
//! [`FileSchema::rel`], which gives, per file, either the legacy table itself or a
//! subquery that presents the file's own table with the legacy columns (ids as
//! the bot uses them, the platform filtered). SQLite flattens those subqueries,
//! so the indexes of the real table are used.
//!
//! Detection reads `sqlite_master` and a few `table_info`s only; it never writes.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use crate::db::schema;

/// What a file is, as `db.layout` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// No tables yet (a new file, or one nobody has bootstrapped).
    Empty,
    /// The bot's layout until June 2026 (older files without its additive columns included).
    Legacy,
    /// The bot's layout since June 2026, the transitional June revisions included.
    Unified,
    /// A SQLite file with tables, none of them TAKTIK's.
    Foreign,
    /// Some TAKTIK tables, but neither layout.
    Unknown,
}

impl Layout {
    /// Every layout, for the generated `Layout` type.
    #[cfg(test)]
    pub const ALL: [Layout; 5] = [
        Layout::Empty,
        Layout::Legacy,
        Layout::Unified,
        Layout::Foreign,
        Layout::Unknown,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Layout::Empty => "empty",
            Layout::Legacy => "legacy",
            Layout::Unified => "unified",
            Layout::Foreign => "foreign",
            Layout::Unknown => "unknown",
        }
    }
}

/// The API's tables, named after the legacy table whose row type they return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    IgAccounts,
    IgProfiles,
    IgSessions,
    IgInteractions,
    IgDailyStats,
    IgFiltered,
    ProfileStatsHistory,
    Posts,
    HashtagPosts,
    ScrapingSessions,
    ScrapedProfiles,
    ScrapedComments,
    DiscoveryCampaigns,
    DiscoveryProgress,
    DiscoveredProfiles,
    TtAccounts,
    TtProfiles,
    TtSessions,
    TtInteractions,
    TtDailyStats,
    TtFiltered,
}

impl Table {
    pub const ALL: [Table; 21] = [
        Table::IgAccounts,
        Table::IgProfiles,
        Table::IgSessions,
        Table::IgInteractions,
        Table::IgDailyStats,
        Table::IgFiltered,
        Table::ProfileStatsHistory,
        Table::Posts,
        Table::HashtagPosts,
        Table::ScrapingSessions,
        Table::ScrapedProfiles,
        Table::ScrapedComments,
        Table::DiscoveryCampaigns,
        Table::DiscoveryProgress,
        Table::DiscoveredProfiles,
        Table::TtAccounts,
        Table::TtProfiles,
        Table::TtSessions,
        Table::TtInteractions,
        Table::TtDailyStats,
        Table::TtFiltered,
    ];

    /// The legacy table: its name, its columns (the row type) in schema.rs.
    pub const fn name(self) -> &'static str {
        match self {
            Table::IgAccounts => "instagram_accounts",
            Table::IgProfiles => "instagram_profiles",
            Table::IgSessions => "sessions",
            Table::IgInteractions => "interaction_history",
            Table::IgDailyStats => "daily_stats",
            Table::IgFiltered => "filtered_profiles",
            Table::ProfileStatsHistory => "profile_stats_history",
            Table::Posts => "instagram_posts",
            Table::HashtagPosts => "processed_hashtag_posts",
            Table::ScrapingSessions => "scraping_sessions",
            Table::ScrapedProfiles => "scraped_profiles",
            Table::ScrapedComments => "scraped_comments",
            Table::DiscoveryCampaigns => "discovery_campaigns",
            Table::DiscoveryProgress => "discovery_progress",
            Table::DiscoveredProfiles => "discovered_profiles",
            Table::TtAccounts => "tiktok_accounts",
            Table::TtProfiles => "tiktok_profiles",
            Table::TtSessions => "tiktok_sessions",
            Table::TtInteractions => "tiktok_interaction_history",
            Table::TtDailyStats => "tiktok_daily_stats",
            Table::TtFiltered => "tiktok_filtered_profiles",
        }
    }

    /// Its name in the API (`watch`, `WriteResult`, `db.supports`): the same
    /// on every layout, after the read method (`getDailyStats` reads
    /// `dailyStats`).
    pub const fn api_name(self) -> &'static str {
        match self {
            Table::IgAccounts => "accounts",
            Table::IgProfiles => "profiles",
            Table::IgSessions => "sessions",
            Table::IgInteractions => "interactions",
            Table::IgDailyStats => "dailyStats",
            Table::IgFiltered => "filteredProfiles",
            Table::ProfileStatsHistory => "profileStatsHistory",
            Table::Posts => "posts",
            Table::HashtagPosts => "processedHashtagPosts",
            Table::ScrapingSessions => "scrapingSessions",
            Table::ScrapedProfiles => "scrapedProfiles",
            Table::ScrapedComments => "scrapedComments",
            Table::DiscoveryCampaigns => "discoveryCampaigns",
            Table::DiscoveryProgress => "discoveryProgress",
            Table::DiscoveredProfiles => "discoveredProfiles",
            Table::TtAccounts => "tiktokAccounts",
            Table::TtProfiles => "tiktokProfiles",
            Table::TtSessions => "tiktokSessions",
            Table::TtInteractions => "tiktokInteractions",
            Table::TtDailyStats => "tiktokDailyStats",
            Table::TtFiltered => "tiktokFilteredProfiles",
        }
    }

    /// The table of an API name.
    pub fn parse(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.api_name() == name)
    }

    /// Where legacy column `column` of this table comes from on a unified
    /// file: (table, column), the column None when the layout has none.
    #[cfg(test)]
    pub fn unified_column(self, column: &str) -> Option<(&'static str, Option<&'static str>)> {
        let u = self.unified()?;
        let physical = expected_column_name(column);
        Some(
            match u.renames.iter().find(|(legacy, _)| *legacy == column) {
                Some((_, to)) => (u.table, *to),
                None => (u.table, Some(physical)),
            },
        )
    }

    fn index(self) -> usize {
        self as usize
    }

    /// Where its rows live on a unified file: the table, the platform of its
    /// rows, and the legacy columns that have another name (or none) there.
    fn unified(self) -> Option<Unified> {
        const ACCOUNT_ID: Renames = &[("account_id", Some("legacy_account_id"))];
        const SESSION_ID: Renames = &[("session_id", Some("legacy_session_id"))];
        let (table, platform, renames): (&str, &str, Renames) = match self {
            Table::IgAccounts => ("accounts", "instagram", ACCOUNT_ID),
            Table::TtAccounts => ("accounts", "tiktok", ACCOUNT_ID),
            Table::IgProfiles => (
                "social_profiles",
                "instagram",
                &[
                    ("profile_id", Some("legacy_profile_id")),
                    ("full_name", Some("display_name")),
                    // Not kept by the unified layout (the bot's own view gives NULL).
                    ("linked_accounts", None),
                ],
            ),
            Table::TtProfiles => (
                "social_profiles",
                "tiktok",
                &[
                    ("profile_id", Some("legacy_profile_id")),
                    ("videos_count", Some("posts_count")),
                ],
            ),
            Table::IgSessions => ("sessions_unified", "instagram", SESSION_ID),
            Table::TtSessions => ("sessions_unified", "tiktok", SESSION_ID),
            Table::IgInteractions => ("interactions", "instagram", &[]),
            Table::TtInteractions => ("interactions", "tiktok", &[]),
            Table::IgDailyStats => ("daily_stats_unified", "instagram", &[]),
            Table::TtDailyStats => ("daily_stats_unified", "tiktok", &[]),
            Table::IgFiltered => ("filtered_profiles", "instagram", &[]),
            Table::TtFiltered => ("filtered_profiles", "tiktok", &[]),
            _ => return None,
        };
        Some(Unified {
            table,
            platform,
            renames,
        })
    }
}

type Renames = &'static [(&'static str, Option<&'static str>)];

struct Unified {
    table: &'static str,
    platform: &'static str,
    renames: Renames,
}

/// Where one API table's rows come from in this file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The legacy table with every column: read by its name.
    Table,
    /// A subquery presenting `physical` with the legacy columns (renamed,
    /// missing ones as their default), rows of `platform` only when set.
    Mapped {
        sql: String,
        physical: String,
        platform: Option<&'static str>,
        /// The unified layout's table (ids are its `legacy_*` columns).
        unified: bool,
    },
    /// No table yet, on an empty or legacy file: no rows, as the bot's own
    /// start would create it.
    Empty(String),
    /// The file does not keep this (NOT_IN_THIS_FILE).
    Missing,
}

/// What a file holds, as detected at one schema version. Small: what many
/// files share (the sources and the SQL derived from them) is interned once
/// per process.
#[derive(Debug)]
pub struct FileSchema {
    pub layout: Layout,
    /// `PRAGMA schema_version` when detected.
    pub schema_version: i64,
    /// The same for every file whose sources are the same: part of the key of
    /// the SQL cache (domain::sql), since the SQL text depends on them.
    pub id: u32,
    shape: Arc<Shape>,
    /// The addon's indexes this file lacks, as (name, table, columns).
    pub missing_indexes: Vec<(&'static str, &'static str, &'static str)>,
    /// The addon's retired indexes this file still has (dropped once the
    /// missing ones are built).
    pub retired_indexes: Vec<&'static str>,
    /// A few of the file's table and view names (to say what a file that is
    /// not TAKTIK's holds), and how many there are.
    pub sample_tables: Vec<String>,
    pub table_count: usize,
    /// Every table is one the bot creates, with the bot's columns, but not
    /// yet a whole layout: most likely the bot's first start, caught while
    /// it creates its tables one statement at a time (`Layout::Unknown`).
    pub in_progress: bool,
}

/// Where each API table lives, and the SQL derived from it.
#[derive(Debug, PartialEq, Eq)]
struct Shape {
    layout: Layout,
    sources: Vec<Source>,
    /// See FileSchema::profiles_by_platform.
    profiles_by_platform: String,
}

fn rel_of(sources: &[Source], t: Table) -> &str {
    match &sources[t.index()] {
        Source::Table | Source::Missing => t.name(),
        Source::Mapped { sql, .. } | Source::Empty(sql) => sql,
    }
}

impl FileSchema {
    /// Before the first detection: nothing is known to be there.
    pub fn none() -> FileSchema {
        FileSchema {
            layout: Layout::Empty,
            schema_version: -1,
            id: u32::MAX,
            shape: Arc::new(Shape {
                layout: Layout::Empty,
                sources: vec![Source::Missing; Table::ALL.len()],
                profiles_by_platform: String::new(),
            }),
            missing_indexes: Vec::new(),
            retired_indexes: Vec::new(),
            sample_tables: Vec::new(),
            table_count: 0,
            in_progress: false,
        }
    }

    /// The FROM-clause text of `t` in this file (its legacy name, or a subquery).
    /// Missing tables give their name: queries check `missing` first.
    pub fn rel(&self, t: Table) -> &str {
        rel_of(&self.shape.sources, t)
    }

    pub fn source(&self, t: Table) -> &Source {
        &self.shape.sources[t.index()]
    }

    /// Every profile with its platform, in the columns the scraped-profile
    /// summary shows (an Instagram profile's names): the owner of a unified
    /// scraped_profiles row, joined on (platform, profile_id).
    pub fn profiles_by_platform(&self) -> &str {
        &self.shape.profiles_by_platform
    }

    /// Whether `t` is read from a unified table (its rows carry a platform and
    /// `legacy_*` ids).
    pub fn is_unified(&self, t: Table) -> bool {
        matches!(self.source(t), Source::Mapped { unified: true, .. })
    }

    /// The first of `tables` this file does not keep.
    pub fn missing(&self, tables: &[Table]) -> Option<Table> {
        tables
            .iter()
            .copied()
            .find(|t| matches!(self.source(*t), Source::Missing))
    }

    /// Whether any of `tables` has no rows to read yet (an empty stand-in) or
    /// is missing: then a later bot start may create it, which SQLite does not
    /// signal to statements that read no table.
    pub fn stands_in(&self, tables: &[Table]) -> bool {
        tables
            .iter()
            .any(|t| matches!(self.source(*t), Source::Missing | Source::Empty(_)))
    }

    /// The physical table of `t` and the platform of its rows there, if any.
    pub fn physical(&self, t: Table) -> Option<(&str, Option<&'static str>)> {
        match self.source(t) {
            Source::Table => Some((t.name(), None)),
            Source::Mapped {
                physical, platform, ..
            } => Some((physical, *platform)),
            Source::Empty(_) | Source::Missing => None,
        }
    }

    /// Whether this file keeps API table `t` (it may be empty).
    pub fn supports(&self, t: Table) -> bool {
        !matches!(self.source(t), Source::Missing)
    }

    /// The API tables this file keeps.
    pub fn supported(&self) -> Vec<Table> {
        Table::ALL
            .into_iter()
            .filter(|t| self.supports(*t))
            .collect()
    }

    /// The addon's indexes (schema::ADDON_INDEXES, UNIFIED_ADDON_INDEX) this
    /// file should have and lacks (`present`: the file's index names): each
    /// only on a table the API reads its rows from (never on a table of the
    /// other layout).
    fn addon_indexes_missing(
        &self,
        present: &BTreeSet<String>,
    ) -> Vec<(&'static str, &'static str, &'static str)> {
        let reads = |t: Table, table: &str| self.physical(t).is_some_and(|(p, _)| p == table);
        let mut wanted = Vec::new();
        for &(name, table, cols) in schema::ADDON_INDEXES {
            let Some(api) = addon_index_serves(table) else {
                continue; // never: a cargo test checks every ADDON_INDEXES table
            };
            if reads(api, table) {
                wanted.push((name, table, cols));
            }
        }
        let (name, table, cols) = schema::UNIFIED_ADDON_INDEX;
        if reads(Table::IgInteractions, table) || reads(Table::TtInteractions, table) {
            wanted.push((name, table, cols));
        }
        wanted.retain(|(name, _, _)| !present.contains(*name));
        wanted
    }

    /// Whether the addon's indexes need a write: some missing, or a retired
    /// one still there.
    pub fn index_work(&self) -> bool {
        !self.missing_indexes.is_empty() || !self.retired_indexes.is_empty()
    }

    /// Creates what `missing_indexes` lists, then drops what
    /// `retired_indexes` lists (each its own short write): in that order, so
    /// the queries a retired index served always have an index to use.
    pub fn update_indexes(&self, conn: &Connection) -> rusqlite::Result<()> {
        for &(name, table, cols) in &self.missing_indexes {
            conn.execute_batch(&format!(
                "CREATE INDEX IF NOT EXISTS {name} ON {}({cols})",
                schema::quote_ident(table)
            ))?;
        }
        for name in &self.retired_indexes {
            conn.execute_batch(&format!("DROP INDEX IF EXISTS {name}"))?;
        }
        Ok(())
    }

    /// Reads the catalog of `conn`'s main database and works out the layout and
    /// where each API table lives. Read-only.
    pub fn detect(conn: &Connection) -> rusqlite::Result<FileSchema> {
        let catalog = Catalog::read(conn)?;
        let layout = catalog.layout();
        let sources: Vec<Source> = Table::ALL
            .iter()
            .map(|t| catalog.source(*t, layout, conn))
            .collect::<rusqlite::Result<_>>()?;
        let profiles_by_platform = catalog.profiles_by_platform(&sources);
        let (id, shape) = intern(Shape {
            layout,
            sources,
            profiles_by_platform,
        });
        let mut file = FileSchema {
            layout,
            schema_version: catalog.schema_version,
            id,
            shape,
            missing_indexes: Vec::new(),
            retired_indexes: Vec::new(),
            sample_tables: catalog.objects.keys().take(5).cloned().collect(),
            table_count: catalog.objects.len(),
            in_progress: layout == Layout::Unknown && catalog.bot_tables_only(),
        };
        file.missing_indexes = file.addon_indexes_missing(&catalog.indexes);
        file.retired_indexes = schema::RETIRED_ADDON_INDEXES
            .iter()
            .copied()
            .filter(|name| catalog.indexes.contains(*name))
            .collect();
        Ok(file)
    }
}

/// The API table an index of schema::ADDON_INDEXES serves: the one whose
/// legacy table it indexes (the index is only made where the API reads it).
fn addon_index_serves(table: &str) -> Option<Table> {
    Table::ALL.into_iter().find(|t| t.name() == table)
}

/// One shared Shape per distinct (layout, sources), numbered: how many file
/// shapes one process has met, so the SQL cache stays bounded.
fn intern(shape: Shape) -> (u32, Arc<Shape>) {
    static SEEN: Mutex<Vec<Arc<Shape>>> = Mutex::new(Vec::new());
    let mut seen = SEEN.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(i) = seen.iter().position(|s| **s == shape) {
        return (i as u32, seen[i].clone());
    }
    let shape = Arc::new(shape);
    seen.push(shape.clone());
    ((seen.len() - 1) as u32, shape)
}

/// The file's tables, views and columns.
struct Catalog {
    objects: BTreeMap<String, &'static str>,
    indexes: BTreeSet<String>,
    columns: BTreeMap<String, BTreeSet<String>>,
    schema_version: i64,
}

/// Table names only TAKTIK's files have (generic names such as `sessions`,
/// `accounts` or `notifications` do not make another application's file ours).
const TAKTIK_TABLES: &[&str] = &[
    "instagram_accounts",
    "instagram_profiles",
    "interaction_history",
    "filtered_profiles",
    "profile_stats_history",
    "instagram_posts",
    "processed_hashtag_posts",
    "scraping_sessions",
    "scraped_profiles",
    "scraped_comments",
    "discovery_campaigns",
    "discovery_progress",
    "discovered_profiles",
    "tiktok_accounts",
    "tiktok_profiles",
    "tiktok_sessions",
    "tiktok_interaction_history",
    "tiktok_daily_stats",
    "tiktok_filtered_profiles",
    "tiktok_scraped_profiles",
    "social_profiles",
    "sessions_unified",
    "daily_stats_unified",
    "profile_ai_enrichments",
    "social_graph_sync",
    "profile_following",
    "account_restriction_signals",
    "posted_comments",
    "post_analysis",
    "content_relays",
    "gmail_accounts",
    "account_device_history",
    "profile_qualification",
];

impl Catalog {
    fn read(conn: &Connection) -> rusqlite::Result<Catalog> {
        let mut objects = BTreeMap::new();
        let mut indexes = BTreeSet::new();
        let mut stmt = conn.prepare(
            "SELECT type, name FROM main.sqlite_master
             WHERE type IN ('table', 'view', 'index') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let kind: String = r.get(0)?;
            let name: String = r.get(1)?;
            match kind.as_str() {
                "index" => {
                    indexes.insert(name);
                }
                "view" => {
                    objects.insert(name, "view");
                }
                _ => {
                    objects.insert(name, "table");
                }
            }
        }
        drop(rows);
        drop(stmt);
        // Columns of tables only: a view may not resolve (the bot's
        // gmail_accounts joins a table only the desktop app creates).
        let mut columns: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut stmt = conn.prepare(
            "SELECT m.name, p.name FROM main.sqlite_master AS m, pragma_table_info(m.name, 'main') AS p
             WHERE m.type = 'table'",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            columns.entry(r.get(0)?).or_default().insert(r.get(1)?);
        }
        drop(rows);
        drop(stmt);
        let schema_version = conn.query_row("PRAGMA main.schema_version", [], |r| r.get(0))?;
        Ok(Catalog {
            objects,
            indexes,
            columns,
            schema_version,
        })
    }

    /// FileSchema::profiles_by_platform, from the file's columns.
    fn profiles_by_platform(&self, sources: &[Source]) -> String {
        const SUMMARY: [(&str, &str, &str); 10] = [
            // (output, Instagram column, TikTok column) as the API names them
            ("profile_id", "profile_id", "profile_id"),
            ("username", "username", "username"),
            ("full_name", "full_name", "display_name"),
            ("followers_count", "followers_count", "followers_count"),
            ("following_count", "following_count", "following_count"),
            ("posts_count", "posts_count", "videos_count"),
            ("is_private", "is_private", "is_private"),
            ("is_verified", "is_verified", "is_verified"),
            ("is_business", "is_business", ""),
            ("biography", "biography", "biography"),
        ];
        let social = |t: Table| matches!(&sources[t.index()], Source::Mapped { physical, unified: true, .. } if physical == "social_profiles");
        if social(Table::IgProfiles) && social(Table::TtProfiles) {
            // One table: its own platform column, read through its indexes.
            let cols: Vec<String> = SUMMARY
                .iter()
                .map(|(out, ig, _)| {
                    let physical = match *ig {
                        "profile_id" => "legacy_profile_id",
                        "full_name" => "display_name",
                        other => other,
                    };
                    if self.has_column("social_profiles", physical) {
                        format!("{physical} AS {out}")
                    } else {
                        format!("NULL AS {out}")
                    }
                })
                .collect();
            return format!(
                "(SELECT platform, {} FROM main.social_profiles)",
                cols.join(", ")
            );
        }
        // A transitional file: each platform's profiles where they are.
        type Pick = fn(&(&'static str, &'static str, &'static str)) -> &'static str;
        let arm = |platform: &str, t: Table, pick: Pick| {
            let cols: Vec<String> = SUMMARY
                .iter()
                .map(|c| match pick(c) {
                    "" => format!("NULL AS {}", c.0),
                    col => format!("{col} AS {}", c.0),
                })
                .collect();
            format!(
                "SELECT '{platform}' AS platform, {} FROM {}",
                cols.join(", "),
                rel_of(sources, t)
            )
        };
        let mut arms = vec![arm("instagram", Table::IgProfiles, |c| c.1)];
        if !matches!(sources[Table::TtProfiles.index()], Source::Missing) {
            arms.push(arm("tiktok", Table::TtProfiles, |c| c.2));
        }
        format!("({})", arms.join(" UNION ALL "))
    }

    fn table(&self, name: &str) -> bool {
        self.objects.get(name) == Some(&"table")
    }

    fn view(&self, name: &str) -> bool {
        self.objects.get(name) == Some(&"view")
    }

    fn has_column(&self, table: &str, column: &str) -> bool {
        self.columns.get(table).is_some_and(|c| c.contains(column))
    }

    /// The detection rule (README, "Which bot versions"):
    /// - unified: one of the unified layout's own tables (`accounts` with
    ///   `legacy_account_id`, `social_profiles`, `sessions_unified`,
    ///   `interactions` with `legacy_id`, `daily_stats_unified`), or a legacy
    ///   table the bot rebuilt with a `platform` column, or `instagram_profiles`
    ///   as a view; or a legacy file from which the bot already dropped the
    ///   discovery tables (June 2026), which only bots of June 2026 did;
    /// - legacy: tables `interaction_history` and `instagram_accounts`;
    /// - foreign: tables, none of them TAKTIK's; unknown: anything else.
    fn layout(&self) -> Layout {
        if self.objects.is_empty() {
            return Layout::Empty;
        }
        let unified = (self.table("accounts") && self.has_column("accounts", "legacy_account_id"))
            || self.table("social_profiles")
            || self.table("sessions_unified")
            || (self.table("interactions") && self.has_column("interactions", "legacy_id"))
            || self.table("daily_stats_unified")
            || self.has_column("filtered_profiles", "platform")
            || self.has_column("scraped_profiles", "platform")
            || self.view("instagram_profiles")
            || self.view("tiktok_profiles");
        let legacy_core = self.table("interaction_history") && self.table("instagram_accounts");
        if unified || (legacy_core && self.discovery_dropped()) {
            return Layout::Unified;
        }
        if legacy_core {
            return Layout::Legacy;
        }
        if TAKTIK_TABLES.iter().any(|t| self.objects.contains_key(*t)) || self.bot_tables_only() {
            Layout::Unknown
        } else {
            Layout::Foreign
        }
    }

    /// Whether every object is a table the bot creates, with its columns: a
    /// legacy table may lack the columns later legacy bots add (an older
    /// bot's first start); a unified one has exactly the bot's. `daily_stats`
    /// alone is then the bot's file being created, not another application's.
    fn bot_tables_only(&self) -> bool {
        let legacy = schema::expected();
        let unified = schema::unified_expected();
        let same =
            |catalog: &schema::Catalog, name: &str, have: &BTreeSet<String>, optional: &[&str]| {
                let Some(want) = catalog.columns.get(name) else {
                    return false;
                };
                have.iter().all(|c| want.iter().any(|w| w.name == *c))
                    && want
                        .iter()
                        .all(|w| have.contains(&w.name) || optional.contains(&w.name.as_str()))
            };
        !self.objects.is_empty()
            && self.objects.iter().all(|(name, kind)| {
                let Some(have) = self.columns.get(name).filter(|_| *kind == "table") else {
                    return false;
                };
                let added: Vec<&str> = schema::MIGRATED_COLUMNS
                    .iter()
                    .filter(|(t, _)| t == name)
                    .map(|(_, c)| *c)
                    .collect();
                same(legacy, name, have, &added) || same(unified, name, have, &[])
            })
    }

    /// A legacy-core file without the discovery tables, made or migrated by a
    /// bot of June 2026 (which dropped them), told from a January file made
    /// before discovery existed by the tables only June bots create.
    fn discovery_dropped(&self) -> bool {
        let discovery = [
            "discovery_campaigns",
            "discovery_progress",
            "discovered_profiles",
        ];
        if discovery.iter().any(|t| self.table(t)) {
            return false;
        }
        JUNE_MARKERS.iter().any(|t| self.objects.contains_key(*t))
    }

    /// Where API table `t` is read from, per the layout.
    fn source(&self, t: Table, layout: Layout, conn: &Connection) -> rusqlite::Result<Source> {
        if matches!(layout, Layout::Foreign | Layout::Unknown) {
            return Ok(Source::Missing);
        }
        let name = t.name();
        let legacy_here = self.table(name) && !self.legacy_superseded(t, conn)?;
        if legacy_here {
            return Ok(self.legacy_source(t));
        }
        if let Some(u) = t.unified() {
            if self.table(u.table)
                && self.has_column(u.table, "platform")
                && u.renames
                    .iter()
                    .filter_map(|(_, to)| *to)
                    .filter(|c| c.starts_with("legacy_"))
                    .all(|c| self.has_column(u.table, c))
            {
                return Ok(self.unified_source(t, &u));
            }
        }
        Ok(match layout {
            // Nothing there yet; the bot's start would create it empty.
            Layout::Empty | Layout::Legacy => Source::Empty(empty_relation(t)),
            _ => Source::Missing,
        })
    }

    /// Legacy tables that stay as something else than the source of truth:
    /// `filtered_profiles` rebuilt with a platform column is the unified table
    /// (its Instagram rows); the empty `instagram_accounts` / `tiktok_accounts`
    /// each boot of the current bot creates (and its migration drops again)
    /// beside the unified `accounts`.
    fn legacy_superseded(&self, t: Table, conn: &Connection) -> rusqlite::Result<bool> {
        Ok(match t {
            Table::IgFiltered => self.has_column("filtered_profiles", "platform"),
            Table::IgAccounts | Table::TtAccounts
                if self.table("accounts") && self.has_column("accounts", "legacy_account_id") =>
            {
                let sql = format!(
                    "SELECT NOT EXISTS (SELECT 1 FROM main.{})",
                    schema::quote_ident(t.name())
                );
                conn.query_row(&sql, [], |r| r.get(0))?
            }
            _ => false,
        })
    }

    /// The legacy table itself, or (when it lacks columns an older or newer
    /// bot did not give it) a subquery adding them with their defaults.
    fn legacy_source(&self, t: Table) -> Source {
        let name = t.name();
        let have = &self.columns[name];
        let want = &schema::expected().columns[name];
        let extra = t == Table::ScrapedProfiles && have.contains("platform");
        if !extra && want.iter().all(|c| have.contains(&c.name)) {
            return Source::Table;
        }
        let mut cols: Vec<String> = want
            .iter()
            .map(|c| {
                if have.contains(&c.name) {
                    schema::quote_ident(&c.name)
                } else {
                    format!("{} AS {}", default_of(name, &c.name), c.name)
                }
            })
            .collect();
        // The unified scraped_profiles (rebuilt in place) keeps profiles of
        // both platforms: the platform says whose profile_id it is.
        if extra {
            cols.push("platform".into());
        }
        Source::Mapped {
            sql: format!(
                "(SELECT {} FROM main.{})",
                cols.join(", "),
                schema::quote_ident(name)
            ),
            physical: name.to_string(),
            platform: None,
            unified: extra,
        }
    }

    fn unified_source(&self, t: Table, u: &Unified) -> Source {
        let have = &self.columns[u.table];
        let want = &schema::expected().columns[t.name()];
        let cols: Vec<String> = want
            .iter()
            .map(|c| {
                let from = match u.renames.iter().find(|(legacy, _)| *legacy == c.name) {
                    Some((_, to)) => *to,
                    None => Some(c.name.as_str()),
                };
                match from {
                    Some(f) if have.contains(f) && f == c.name => schema::quote_ident(f),
                    Some(f) if have.contains(f) => {
                        format!("{} AS {}", schema::quote_ident(f), c.name)
                    }
                    // Gone from this layout (linked_accounts), or not yet added
                    // by the revision that wrote the file: the legacy default.
                    None => format!("NULL AS {}", c.name),
                    Some(_) => format!("{} AS {}", default_of(t.name(), &c.name), c.name),
                }
            })
            .collect();
        // A row without the bot's id cannot be named by any call (nor by the
        // bot, which refers to rows by these ids only): not part of the API.
        let id_present = u
            .renames
            .iter()
            .filter_map(|(_, to)| *to)
            .find(|c| c.starts_with("legacy_"))
            .map(|c| format!(" AND {c} IS NOT NULL"))
            .unwrap_or_default();
        Source::Mapped {
            sql: format!(
                "(SELECT {} FROM main.{} WHERE platform = '{}'{id_present})",
                cols.join(", "),
                schema::quote_ident(u.table),
                u.platform
            ),
            physical: u.table.to_string(),
            platform: Some(u.platform),
            unified: true,
        }
    }
}

/// Tables the legacy bot of February 2026 did not create and the bots of June
/// 2026 do (before and after they drop the discovery tables): the sign that a
/// legacy-core file without discovery tables lost them to the bot, not that it
/// predates them (a January file, made before discovery existed, has none).
const JUNE_MARKERS: &[&str] = &[
    "followers_sync",
    "following_sync",
    "profile_following",
    "gmail_accounts",
    "tiktok_scraped_profiles",
    "profile_ai_enrichments",
    "social_graph_sync",
];

/// The `'static` name of a legacy column (the schema's catalog lives for the
/// process).
#[cfg(test)]
fn expected_column_name(column: &str) -> &'static str {
    schema::expected()
        .columns
        .values()
        .flatten()
        .find(|c| c.name == column)
        .map(|c| c.name.as_str())
        .unwrap_or("")
}

/// A missing column's stand-in: its default in the legacy schema (what the
/// bot's migration would have filled in), else NULL. Constants only.
fn default_of(table: &str, column: &str) -> String {
    match schema::expected()
        .column(table, column)
        .and_then(|c| c.default.as_ref())
    {
        Some(d) => format!("({d})"),
        None => "NULL".into(),
    }
}

/// A relation with `t`'s legacy columns and no rows.
fn empty_relation(t: Table) -> String {
    let cols: Vec<String> = schema::expected().columns[t.name()]
        .iter()
        .map(|c| format!("NULL AS {}", c.name))
        .collect();
    format!("(SELECT {} LIMIT 0)", cols.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_addon_index_is_on_a_table_the_api_reads() {
        for &(name, table, _) in schema::ADDON_INDEXES {
            assert!(addon_index_serves(table).is_some(), "{name}: {table}");
        }
    }

    fn detect(ddl: &[&str]) -> FileSchema {
        let conn = Connection::open_in_memory().unwrap();
        for d in ddl {
            conn.execute_batch(d).unwrap();
        }
        FileSchema::detect(&conn).unwrap()
    }

    fn legacy_ddl(name: &str) -> &'static str {
        schema::TABLES.iter().find(|t| t.name == name).unwrap().ddl
    }

    #[test]
    fn the_bots_first_tables_are_not_another_applications_file() {
        // The legacy bot's first table alone, and its first two.
        for ddl in [
            vec![legacy_ddl("daily_stats")],
            vec![legacy_ddl("daily_stats"), legacy_ddl("sessions")],
        ] {
            let f = detect(&ddl);
            assert_eq!((f.layout, f.in_progress), (Layout::Unknown, true));
        }
        // An older bot's table, before the columns later bots add.
        let old = legacy_ddl("instagram_profiles").replace("linked_accounts TEXT,", "");
        assert_ne!(old, legacy_ddl("instagram_profiles"));
        let f = detect(&[&old]);
        assert_eq!((f.layout, f.in_progress), (Layout::Unknown, true));
        // Each of the unified bot's tables alone, verbatim: its own markers
        // make some "unified" at once, none is another application's.
        for ddl in crate::db::unified::DDL
            .iter()
            .filter(|d| d.starts_with("CREATE TABLE"))
        {
            let f = detect(&[ddl]);
            assert_ne!(f.layout, Layout::Foreign, "{ddl}");
            assert_eq!(f.in_progress, f.layout == Layout::Unknown, "{ddl}");
        }
        // The whole legacy layout is a layout, not a start in progress.
        let all: Vec<&str> = schema::TABLES.iter().map(|t| t.ddl).collect();
        let f = detect(&all);
        assert_eq!((f.layout, f.in_progress), (Layout::Legacy, false));
    }

    #[test]
    fn a_generic_table_of_other_columns_or_beside_another_table_is_foreign() {
        for ddl in [
            vec!["CREATE TABLE daily_stats (id INTEGER PRIMARY KEY)"],
            vec!["CREATE TABLE daily_stats (id INTEGER PRIMARY KEY, day TEXT, steps INTEGER)"],
            vec![
                legacy_ddl("daily_stats"),
                "CREATE TABLE notes (id INTEGER PRIMARY KEY)",
            ],
            vec![legacy_ddl("daily_stats"), "CREATE VIEW v AS SELECT 1"],
        ] {
            let f = detect(&ddl);
            assert_eq!(
                (f.layout, f.in_progress),
                (Layout::Foreign, false),
                "{ddl:?}"
            );
        }
        // A TAKTIK name with other columns stays "unknown", and is not waited for.
        let f = detect(&[
            "CREATE TABLE scraped_profiles (id INTEGER PRIMARY KEY, scraping_id INTEGER)",
        ]);
        assert_eq!((f.layout, f.in_progress), (Layout::Unknown, false));
    }
}

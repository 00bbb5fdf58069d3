//! The schema, in one place: the exact DDL the Python bot runs on start
//! (`../shared/python-side/schema.json` is the contract; a test compares the two),
//! Python's additive migrations for files written by older bots, and the few
//! indexes the addon's own queries need.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use rusqlite::{Connection, TransactionBehavior};

pub struct Table {
    pub name: &'static str,
    pub ddl: &'static str,
    /// Named indexes (`CREATE INDEX IF NOT EXISTS name ON table(columns)`).
    pub indexes: &'static [(&'static str, &'static str)],
}

/// Parents before children. Foreign keys are declared in the reverse of the order
/// `PRAGMA foreign_key_list` reports them, which is how SQLite lists them back.
pub const TABLES: &[Table] = &[
    Table {
        name: "instagram_accounts",
        ddl: "CREATE TABLE IF NOT EXISTS instagram_accounts (
            account_id INTEGER PRIMARY KEY AUTOINCREMENT,
            username TEXT NOT NULL,
            is_bot INTEGER DEFAULT 1,
            user_id INTEGER,
            license_id INTEGER,
            created_at TEXT DEFAULT (datetime('now')),
            UNIQUE(username)
        )",
        indexes: &[
            ("idx_accounts_username", "username"),
        ],
    },
    Table {
        name: "instagram_profiles",
        ddl: "CREATE TABLE IF NOT EXISTS instagram_profiles (
            profile_id INTEGER PRIMARY KEY AUTOINCREMENT,
            username TEXT NOT NULL,
            full_name TEXT DEFAULT '',
            biography TEXT,
            followers_count INTEGER DEFAULT 0,
            following_count INTEGER DEFAULT 0,
            posts_count INTEGER DEFAULT 0,
            is_private INTEGER DEFAULT 0,
            is_verified INTEGER DEFAULT 0,
            is_business INTEGER DEFAULT 0,
            business_category TEXT,
            website TEXT,
            linked_accounts TEXT,
            profile_pic_path TEXT,
            notes TEXT,
            created_at TEXT DEFAULT (datetime('now')),
            updated_at TEXT DEFAULT (datetime('now')),
            UNIQUE(username)
        )",
        indexes: &[
            ("idx_profiles_username", "username"),
        ],
    },
    Table {
        name: "sessions",
        ddl: "CREATE TABLE IF NOT EXISTS sessions (
            session_id INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id INTEGER NOT NULL,
            session_name TEXT NOT NULL,
            target_type TEXT NOT NULL,
            target TEXT NOT NULL,
            start_time TEXT DEFAULT (datetime('now')),
            end_time TEXT,
            duration_seconds INTEGER DEFAULT 0,
            config_used TEXT,
            status TEXT DEFAULT 'ACTIVE',
            error_message TEXT,
            synced_to_api INTEGER DEFAULT 0,
            created_at TEXT DEFAULT (datetime('now')),
            updated_at TEXT DEFAULT (datetime('now')),
            FOREIGN KEY (account_id) REFERENCES instagram_accounts(account_id) ON DELETE CASCADE
        )",
        indexes: &[
            ("idx_sessions_account", "account_id"),
            ("idx_sessions_status", "status"),
        ],
    },
    Table {
        name: "interaction_history",
        ddl: "CREATE TABLE IF NOT EXISTS interaction_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id INTEGER,
            account_id INTEGER NOT NULL,
            profile_id INTEGER NOT NULL,
            interaction_type TEXT NOT NULL,
            interaction_time TEXT DEFAULT (datetime('now')),
            success INTEGER DEFAULT 1,
            content TEXT,
            FOREIGN KEY (account_id) REFERENCES instagram_accounts(account_id) ON DELETE CASCADE,
            FOREIGN KEY (profile_id) REFERENCES instagram_profiles(profile_id) ON DELETE CASCADE
        )",
        indexes: &[
            ("idx_interactions_account", "account_id"),
            ("idx_interactions_session", "session_id"),
            ("idx_interactions_time", "interaction_time"),
        ],
    },
    Table {
        name: "daily_stats",
        ddl: "CREATE TABLE IF NOT EXISTS daily_stats (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id INTEGER NOT NULL,
            date TEXT NOT NULL,
            total_likes INTEGER DEFAULT 0,
            total_follows INTEGER DEFAULT 0,
            total_unfollows INTEGER DEFAULT 0,
            total_comments INTEGER DEFAULT 0,
            total_story_views INTEGER DEFAULT 0,
            total_story_likes INTEGER DEFAULT 0,
            total_profile_visits INTEGER DEFAULT 0,
            total_sessions INTEGER DEFAULT 0,
            completed_sessions INTEGER DEFAULT 0,
            failed_sessions INTEGER DEFAULT 0,
            total_duration_seconds INTEGER DEFAULT 0,
            synced_to_api INTEGER DEFAULT 0,
            synced_at TEXT,
            created_at TEXT DEFAULT (datetime('now')),
            updated_at TEXT DEFAULT (datetime('now')),
            UNIQUE(account_id, date),
            FOREIGN KEY (account_id) REFERENCES instagram_accounts(account_id) ON DELETE CASCADE
        )",
        indexes: &[
            ("idx_daily_stats_account_date", "account_id, date"),
        ],
    },
    Table {
        name: "filtered_profiles",
        ddl: "CREATE TABLE IF NOT EXISTS filtered_profiles (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            profile_id INTEGER NOT NULL,
            account_id INTEGER NOT NULL,
            username TEXT NOT NULL,
            filtered_at TEXT DEFAULT (datetime('now')),
            reason TEXT,
            source_type TEXT DEFAULT 'GENERAL',
            source_name TEXT DEFAULT 'unknown',
            session_id INTEGER,
            UNIQUE(profile_id, account_id),
            FOREIGN KEY (profile_id) REFERENCES instagram_profiles(profile_id) ON DELETE CASCADE,
            FOREIGN KEY (account_id) REFERENCES instagram_accounts(account_id) ON DELETE CASCADE
        )",
        indexes: &[
            ("idx_filtered_account", "account_id"),
            ("idx_filtered_username", "username"),
        ],
    },
    Table {
        name: "profile_stats_history",
        ddl: "CREATE TABLE IF NOT EXISTS profile_stats_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            profile_id INTEGER NOT NULL,
            followers_count INTEGER NOT NULL,
            following_count INTEGER NOT NULL,
            posts_count INTEGER NOT NULL,
            engagement_rate REAL,
            is_verified INTEGER,
            biography TEXT,
            external_url TEXT,
            profile_pic_url TEXT,
            recorded_at TEXT DEFAULT (datetime('now')),
            FOREIGN KEY (profile_id) REFERENCES instagram_profiles(profile_id) ON DELETE CASCADE
        )",
        indexes: &[
        ],
    },
    Table {
        name: "instagram_posts",
        ddl: "CREATE TABLE IF NOT EXISTS instagram_posts (
            post_id INTEGER PRIMARY KEY AUTOINCREMENT,
            profile_id INTEGER NOT NULL,
            account_id INTEGER,
            source TEXT DEFAULT 'SCRAPED',
            instagram_post_id TEXT,
            instagram_id TEXT,
            media_type TEXT NOT NULL,
            is_video INTEGER DEFAULT 0,
            caption TEXT,
            media_urls TEXT,
            thumbnail_url TEXT,
            video_url TEXT,
            likes_count INTEGER DEFAULT 0,
            comments_count INTEGER DEFAULT 0,
            views_count INTEGER DEFAULT 0,
            posted_at TEXT,
            scraped_at TEXT,
            hashtags TEXT,
            mentions TEXT,
            tagged_users TEXT,
            location TEXT,
            location_data TEXT,
            coauthors TEXT,
            status TEXT DEFAULT 'DRAFT',
            scheduled_for TEXT,
            published_at TEXT,
            error_message TEXT,
            retry_count INTEGER DEFAULT 0,
            dimensions TEXT,
            product_type TEXT,
            accessibility_caption TEXT,
            created_at TEXT DEFAULT (datetime('now')),
            updated_at TEXT DEFAULT (datetime('now')),
            UNIQUE(instagram_post_id),
            FOREIGN KEY (profile_id) REFERENCES instagram_profiles(profile_id) ON DELETE CASCADE,
            FOREIGN KEY (account_id) REFERENCES instagram_accounts(account_id) ON DELETE CASCADE
        )",
        indexes: &[
        ],
    },
    Table {
        name: "processed_hashtag_posts",
        ddl: "CREATE TABLE IF NOT EXISTS processed_hashtag_posts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id INTEGER NOT NULL,
            hashtag TEXT NOT NULL,
            post_author TEXT NOT NULL,
            post_caption_hash TEXT,
            post_caption_preview TEXT,
            likes_count INTEGER,
            comments_count INTEGER,
            likers_processed INTEGER DEFAULT 0,
            interactions_made INTEGER DEFAULT 0,
            processed_at TEXT DEFAULT (datetime('now')),
            UNIQUE(account_id, hashtag, post_author, post_caption_hash),
            FOREIGN KEY (account_id) REFERENCES instagram_accounts(account_id) ON DELETE CASCADE
        )",
        indexes: &[
            ("idx_processed_hashtag_posts_lookup", "account_id, hashtag, post_author"),
        ],
    },
    Table {
        name: "scraping_sessions",
        ddl: "CREATE TABLE IF NOT EXISTS scraping_sessions (
            scraping_id INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id INTEGER,
            scraping_type TEXT NOT NULL,
            source_type TEXT NOT NULL,
            source_name TEXT NOT NULL,
            total_scraped INTEGER DEFAULT 0,
            max_profiles INTEGER DEFAULT 500,
            export_csv INTEGER DEFAULT 0,
            csv_path TEXT,
            save_to_db INTEGER DEFAULT 1,
            start_time TEXT DEFAULT (datetime('now')),
            end_time TEXT,
            duration_seconds INTEGER DEFAULT 0,
            status TEXT DEFAULT 'RUNNING',
            error_message TEXT,
            config_used TEXT,
            discovery_campaign_id INTEGER,
            created_at TEXT DEFAULT (datetime('now')),
            FOREIGN KEY (account_id) REFERENCES instagram_accounts(account_id) ON DELETE SET NULL,
            FOREIGN KEY (discovery_campaign_id) REFERENCES discovery_campaigns(campaign_id) ON DELETE SET NULL
        )",
        indexes: &[
            ("idx_scraping_sessions_source", "source_type, source_name"),
            ("idx_scraping_sessions_status", "status"),
        ],
    },
    Table {
        name: "scraped_profiles",
        ddl: "CREATE TABLE IF NOT EXISTS scraped_profiles (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            scraping_id INTEGER NOT NULL,
            profile_id INTEGER NOT NULL,
            scraped_at TEXT DEFAULT (datetime('now')),
            ai_score INTEGER,
            ai_qualified INTEGER DEFAULT 0,
            ai_analysis TEXT,
            qualification_criteria TEXT,
            scored_at TEXT,
            UNIQUE(scraping_id, profile_id),
            FOREIGN KEY (scraping_id) REFERENCES scraping_sessions(scraping_id) ON DELETE CASCADE,
            FOREIGN KEY (profile_id) REFERENCES instagram_profiles(profile_id) ON DELETE CASCADE
        )",
        indexes: &[
            ("idx_scraped_profiles_profile", "profile_id"),
            ("idx_scraped_profiles_qualified", "ai_qualified"),
            ("idx_scraped_profiles_score", "ai_score"),
            ("idx_scraped_profiles_session", "scraping_id"),
        ],
    },
    Table {
        name: "scraped_comments",
        ddl: "CREATE TABLE IF NOT EXISTS scraped_comments (
            comment_id INTEGER PRIMARY KEY AUTOINCREMENT,
            scraping_session_id INTEGER,
            profile_id INTEGER,
            target_username TEXT,
            post_url TEXT,
            username TEXT NOT NULL,
            content TEXT,
            likes_count INTEGER DEFAULT 0,
            is_reply INTEGER DEFAULT 0,
            parent_comment_id INTEGER,
            scraped_at TEXT DEFAULT (datetime('now')),
            FOREIGN KEY (scraping_session_id) REFERENCES scraping_sessions(scraping_id) ON DELETE SET NULL,
            FOREIGN KEY (profile_id) REFERENCES instagram_profiles(profile_id) ON DELETE SET NULL
        )",
        indexes: &[
            ("idx_scraped_comments_session", "scraping_session_id"),
            ("idx_scraped_comments_target", "target_username"),
            ("idx_scraped_comments_username", "username"),
        ],
    },
    Table {
        name: "discovery_campaigns",
        ddl: "CREATE TABLE IF NOT EXISTS discovery_campaigns (
            campaign_id INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id INTEGER,
            name TEXT NOT NULL,
            niche_keywords TEXT DEFAULT '[]',
            target_hashtags TEXT DEFAULT '[]',
            target_accounts TEXT DEFAULT '[]',
            target_post_urls TEXT DEFAULT '[]',
            total_discovered INTEGER DEFAULT 0,
            total_qualified INTEGER DEFAULT 0,
            status TEXT DEFAULT 'ACTIVE',
            created_at TEXT DEFAULT (datetime('now')),
            updated_at TEXT DEFAULT (datetime('now')),
            FOREIGN KEY (account_id) REFERENCES instagram_accounts(account_id) ON DELETE SET NULL
        )",
        indexes: &[
        ],
    },
    Table {
        name: "discovery_progress",
        ddl: "CREATE TABLE IF NOT EXISTS discovery_progress (
            progress_id INTEGER PRIMARY KEY AUTOINCREMENT,
            campaign_id INTEGER NOT NULL,
            source_type TEXT NOT NULL,
            source_value TEXT NOT NULL,
            current_post_index INTEGER DEFAULT 0,
            total_posts INTEGER DEFAULT 0,
            current_phase TEXT DEFAULT 'profile',
            likers_scraped INTEGER DEFAULT 0,
            likers_total INTEGER DEFAULT 0,
            comments_scraped INTEGER DEFAULT 0,
            comments_total INTEGER DEFAULT 0,
            last_scroll_position TEXT DEFAULT '{}',
            status TEXT DEFAULT 'pending',
            created_at TEXT DEFAULT (datetime('now')),
            updated_at TEXT DEFAULT (datetime('now')),
            UNIQUE(campaign_id, source_type, source_value),
            FOREIGN KEY (campaign_id) REFERENCES discovery_campaigns(campaign_id) ON DELETE CASCADE
        )",
        indexes: &[
        ],
    },
    Table {
        name: "discovered_profiles",
        ddl: "CREATE TABLE IF NOT EXISTS discovered_profiles (
            profile_id INTEGER PRIMARY KEY AUTOINCREMENT,
            campaign_id INTEGER NOT NULL,
            username TEXT NOT NULL,
            source_type TEXT,
            source_name TEXT,
            biography TEXT,
            followers_count INTEGER DEFAULT 0,
            following_count INTEGER DEFAULT 0,
            posts_count INTEGER DEFAULT 0,
            is_private INTEGER DEFAULT 0,
            is_verified INTEGER DEFAULT 0,
            is_business INTEGER DEFAULT 0,
            category TEXT,
            engagement_score REAL,
            ai_score REAL,
            status TEXT DEFAULT 'new',
            created_at TEXT DEFAULT (datetime('now')),
            FOREIGN KEY (campaign_id) REFERENCES discovery_campaigns(campaign_id) ON DELETE CASCADE
        )",
        indexes: &[
        ],
    },
    Table {
        name: "tiktok_accounts",
        ddl: "CREATE TABLE IF NOT EXISTS tiktok_accounts (
            account_id INTEGER PRIMARY KEY AUTOINCREMENT,
            username TEXT NOT NULL,
            display_name TEXT,
            is_bot INTEGER DEFAULT 1,
            user_id INTEGER,
            license_id INTEGER,
            created_at TEXT DEFAULT (datetime('now')),
            UNIQUE(username)
        )",
        indexes: &[
            ("idx_tiktok_accounts_username", "username"),
        ],
    },
    Table {
        name: "tiktok_profiles",
        ddl: "CREATE TABLE IF NOT EXISTS tiktok_profiles (
            profile_id INTEGER PRIMARY KEY AUTOINCREMENT,
            username TEXT NOT NULL,
            display_name TEXT DEFAULT '',
            followers_count INTEGER DEFAULT 0,
            following_count INTEGER DEFAULT 0,
            likes_count INTEGER DEFAULT 0,
            videos_count INTEGER DEFAULT 0,
            is_private INTEGER DEFAULT 0,
            is_verified INTEGER DEFAULT 0,
            biography TEXT,
            created_at TEXT DEFAULT (datetime('now')),
            updated_at TEXT DEFAULT (datetime('now')),
            UNIQUE(username)
        )",
        indexes: &[
            ("idx_tiktok_profiles_username", "username"),
        ],
    },
    Table {
        name: "tiktok_sessions",
        ddl: "CREATE TABLE IF NOT EXISTS tiktok_sessions (
            session_id INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id INTEGER NOT NULL,
            session_name TEXT NOT NULL,
            workflow_type TEXT NOT NULL,
            target TEXT,
            start_time TEXT DEFAULT (datetime('now')),
            end_time TEXT,
            duration_seconds INTEGER DEFAULT 0,
            config_used TEXT,
            status TEXT DEFAULT 'ACTIVE',
            profiles_visited INTEGER DEFAULT 0,
            posts_watched INTEGER DEFAULT 0,
            likes INTEGER DEFAULT 0,
            follows INTEGER DEFAULT 0,
            favorites INTEGER DEFAULT 0,
            comments INTEGER DEFAULT 0,
            shares INTEGER DEFAULT 0,
            errors INTEGER DEFAULT 0,
            error_message TEXT,
            created_at TEXT DEFAULT (datetime('now')),
            updated_at TEXT DEFAULT (datetime('now')),
            FOREIGN KEY (account_id) REFERENCES tiktok_accounts(account_id) ON DELETE CASCADE
        )",
        indexes: &[
            ("idx_tiktok_sessions_account", "account_id"),
            ("idx_tiktok_sessions_status", "status"),
        ],
    },
    Table {
        name: "tiktok_interaction_history",
        ddl: "CREATE TABLE IF NOT EXISTS tiktok_interaction_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id INTEGER,
            account_id INTEGER NOT NULL,
            profile_id INTEGER NOT NULL,
            interaction_type TEXT NOT NULL,
            interaction_time TEXT DEFAULT (datetime('now')),
            success INTEGER DEFAULT 1,
            content TEXT,
            video_id TEXT,
            FOREIGN KEY (account_id) REFERENCES tiktok_accounts(account_id) ON DELETE CASCADE,
            FOREIGN KEY (profile_id) REFERENCES tiktok_profiles(profile_id) ON DELETE CASCADE
        )",
        indexes: &[
            ("idx_tiktok_interactions_account", "account_id"),
            ("idx_tiktok_interactions_session", "session_id"),
            ("idx_tiktok_interactions_time", "interaction_time"),
        ],
    },
    Table {
        name: "tiktok_daily_stats",
        ddl: "CREATE TABLE IF NOT EXISTS tiktok_daily_stats (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id INTEGER NOT NULL,
            date TEXT NOT NULL,
            total_likes INTEGER DEFAULT 0,
            total_follows INTEGER DEFAULT 0,
            total_favorites INTEGER DEFAULT 0,
            total_comments INTEGER DEFAULT 0,
            total_shares INTEGER DEFAULT 0,
            total_profile_visits INTEGER DEFAULT 0,
            total_posts_watched INTEGER DEFAULT 0,
            total_sessions INTEGER DEFAULT 0,
            completed_sessions INTEGER DEFAULT 0,
            failed_sessions INTEGER DEFAULT 0,
            total_duration_seconds INTEGER DEFAULT 0,
            created_at TEXT DEFAULT (datetime('now')),
            updated_at TEXT DEFAULT (datetime('now')),
            UNIQUE(account_id, date),
            FOREIGN KEY (account_id) REFERENCES tiktok_accounts(account_id) ON DELETE CASCADE
        )",
        indexes: &[
            ("idx_tiktok_daily_stats_account_date", "account_id, date"),
        ],
    },
    Table {
        name: "tiktok_filtered_profiles",
        ddl: "CREATE TABLE IF NOT EXISTS tiktok_filtered_profiles (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            profile_id INTEGER NOT NULL,
            account_id INTEGER NOT NULL,
            username TEXT NOT NULL,
            filtered_at TEXT DEFAULT (datetime('now')),
            reason TEXT,
            source_type TEXT DEFAULT 'GENERAL',
            source_name TEXT DEFAULT 'unknown',
            session_id INTEGER,
            UNIQUE(profile_id, account_id),
            FOREIGN KEY (profile_id) REFERENCES tiktok_profiles(profile_id) ON DELETE CASCADE,
            FOREIGN KEY (account_id) REFERENCES tiktok_accounts(account_id) ON DELETE CASCADE
        )",
        indexes: &[
            ("idx_tiktok_filtered_account", "account_id"),
            ("idx_tiktok_filtered_username", "username"),
        ],
    },
];

/// Columns Python adds with `ALTER TABLE ... ADD COLUMN` when an older bot's file
/// lacks them. The definitions come from the DDL above (see `column_definition`).
/// Their indexes are in `TABLES` and created after the columns exist.
pub const MIGRATED_COLUMNS: &[(&str, &str)] = &[
    ("scraped_comments", "scraping_session_id"),
    ("scraped_comments", "profile_id"),
    ("scraped_comments", "target_username"),
    ("scraped_comments", "is_reply"),
    ("instagram_profiles", "is_verified"),
    ("instagram_profiles", "is_business"),
    ("instagram_profiles", "business_category"),
    ("instagram_profiles", "website"),
    ("instagram_profiles", "linked_accounts"),
    ("scraping_sessions", "discovery_campaign_id"),
    ("scraped_profiles", "ai_score"),
    ("scraped_profiles", "ai_qualified"),
    ("scraped_profiles", "ai_analysis"),
    ("scraped_profiles", "qualification_criteria"),
    ("scraped_profiles", "scored_at"),
];

/// Indexes the addon adds for its own queries; not in Python's schema, harmless to
/// it (Python never names them) and created idempotently.
pub const ADDON_INDEXES: &[(&str, &str, &str)] = &[
    // getProfiles / countProfiles group an account's interactions by profile,
    // getInteractions picks a page of them by time and type, and getActivity
    // counts them with their success flag: with these columns all of them run
    // on the index alone, never reading the 500k-row table.
    (
        "idx_taktikdb_interactions_covering",
        "interaction_history",
        "account_id, profile_id, interaction_time, interaction_type, success",
    ),
    // The same for the TikTok calls.
    (
        "idx_taktikdb_tiktok_interactions_covering",
        "tiktok_interaction_history",
        "account_id, profile_id, interaction_time, interaction_type, success",
    ),
    // getProfileStatsHistory: one profile's snapshots in id order. Neither
    // layout indexes profile_id, so each call scanned the whole table
    // (~7 ms at 50k snapshots). The table has this name in both layouts.
    (
        "idx_taktikdb_profile_stats_history",
        "profile_stats_history",
        "profile_id, id",
    ),
];

/// The addon's earlier indexes, each replaced by one above or by
/// UNIFIED_ADDON_INDEX (the same columns without `success`, which made
/// getActivity read every row from the table). A writable open drops them
/// once their successor exists, so a file never carries both.
pub const RETIRED_ADDON_INDEXES: &[&str] = &[
    "idx_taktikdb_interactions_by_account",
    "idx_taktikdb_tiktok_interactions_by_account",
    "idx_taktikdb_unified_interactions_by_account",
];

/// What a complete file holds: table -> columns, plus every index name. Built once
/// by running the DDL above on an in-memory database, so it cannot drift from it.
pub struct Catalog {
    pub columns: BTreeMap<String, Vec<ColumnInfo>>,
    pub indexes: BTreeSet<String>,
}

impl Catalog {
    pub fn column(&self, table: &str, column: &str) -> Option<&ColumnInfo> {
        self.columns.get(table)?.iter().find(|c| c.name == column)
    }
}

// `not_null` and `pk` are read by the row types' generator (node/typings.rs, a test).
#[derive(Debug, Clone)]
#[cfg_attr(not(test), allow(dead_code))]
pub struct ColumnInfo {
    pub name: String,
    pub decl_type: String,
    pub not_null: bool,
    pub default: Option<String>,
    pub pk: bool,
    /// `REFERENCES parent(col) ON DELETE action`, when the column has a foreign key.
    pub references: Option<String>,
}

/// The unified layout's catalog (src/unified.rs run on an in-memory database):
/// which of its columns may hold NULL, for the row types, and the bot's
/// tables when a file is caught while the bot is creating them.
pub fn unified_expected() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let conn = Connection::open_in_memory().expect("in-memory SQLite");
        for ddl in crate::db::unified::DDL {
            conn.execute_batch(ddl)
                .expect("the unified schema is valid SQL");
        }
        read_catalog(&conn).expect("reading the in-memory catalog")
    })
}

pub fn expected() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let conn = Connection::open_in_memory().expect("in-memory SQLite");
        create_all(&conn).expect("the built-in schema is valid SQL");
        read_catalog(&conn).expect("reading the in-memory catalog")
    })
}

pub fn read_catalog(conn: &Connection) -> rusqlite::Result<Catalog> {
    let mut columns: BTreeMap<String, Vec<ColumnInfo>> = BTreeMap::new();
    let mut stmt = conn.prepare(
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk
         FROM sqlite_master AS m, pragma_table_info(m.name) AS p
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
         ORDER BY m.name, p.cid",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        columns.entry(r.get(0)?).or_default().push(ColumnInfo {
            name: r.get(1)?,
            decl_type: r.get(2)?,
            not_null: r.get::<_, i64>(3)? != 0,
            default: r.get(4)?,
            pk: r.get::<_, i64>(5)? != 0,
            references: None,
        });
    }
    let mut fks = conn.prepare(
        "SELECT m.name, f.\"from\", f.\"table\", f.\"to\", f.on_delete
         FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f
         WHERE m.type = 'table'",
    )?;
    let mut rows = fks.query([])?;
    while let Some(r) = rows.next()? {
        let (table, from): (String, String) = (r.get(0)?, r.get(1)?);
        let reference = format!(
            "REFERENCES {}({}) ON DELETE {}",
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?
        );
        if let Some(c) = columns
            .get_mut(&table)
            .and_then(|cols| cols.iter_mut().find(|c| c.name == from))
        {
            c.references = Some(reference);
        }
    }
    let indexes = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Catalog { columns, indexes })
}

fn create_all(conn: &Connection) -> rusqlite::Result<()> {
    for t in TABLES {
        conn.execute_batch(t.ddl)?;
    }
    create_indexes(conn)
}

fn create_indexes(conn: &Connection) -> rusqlite::Result<()> {
    for t in TABLES {
        for (name, cols) in t.indexes {
            conn.execute_batch(&format!(
                "CREATE INDEX IF NOT EXISTS {name} ON {}({cols})",
                t.name
            ))?;
        }
    }
    for (name, table, cols) in ADDON_INDEXES {
        conn.execute_batch(&format!(
            "CREATE INDEX IF NOT EXISTS {name} ON {table}({cols})"
        ))?;
    }
    Ok(())
}

/// `name TYPE [DEFAULT x] [REFERENCES ...]` for `ALTER TABLE ADD COLUMN`, taken from
/// the built-in DDL so a migrated column is declared exactly like a fresh one.
fn column_definition(table: &str, column: &str) -> Option<String> {
    let col = expected().column(table, column)?;
    let mut def = format!("{} {}", col.name, col.decl_type);
    match &col.default {
        Some(d) if d.contains('(') => def.push_str(&format!(" DEFAULT ({d})")),
        Some(d) => def.push_str(&format!(" DEFAULT {d}")),
        None => {}
    }
    if let Some(r) = &col.references {
        def.push(' ');
        def.push_str(r);
    }
    Some(def)
}

/// What is missing from `actual` relative to the built-in schema.
fn missing(actual: &Catalog) -> (bool, Vec<(&'static str, &'static str)>, bool) {
    let want = expected();
    let tables_missing = want.columns.keys().any(|t| !actual.columns.contains_key(t));
    let columns_missing = MIGRATED_COLUMNS
        .iter()
        .copied()
        .filter(|(t, c)| {
            actual
                .columns
                .get(*t)
                .is_some_and(|cols| !cols.iter().any(|x| x.name == *c))
        })
        .collect();
    let indexes_missing = want.indexes.iter().any(|i| !actual.indexes.contains(i));
    (tables_missing, columns_missing, indexes_missing)
}

/// Brings a writable file up to the built-in schema, as Python's start-up does.
/// A read-only look first keeps the common case (file already complete) free of
/// any lock; otherwise the write lock is taken up front (BEGIN IMMEDIATE, which
/// waits out Python's own bootstrap through the busy timeout instead of failing
/// on a read-to-write upgrade) and the check is repeated inside it.
/// Returns whether anything was changed.
pub fn ensure(conn: &mut Connection) -> rusqlite::Result<bool> {
    let (t, c, i) = missing(&read_catalog(conn)?);
    if !t && c.is_empty() && !i {
        return Ok(false);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (tables_missing, columns_missing, _) = missing(&read_catalog(&tx)?);
    if tables_missing {
        for t in TABLES {
            tx.execute_batch(t.ddl)?;
        }
    }
    for (table, column) in columns_missing {
        let Some(def) = column_definition(table, column) else {
            continue;
        };
        tx.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {def}"))?;
    }
    create_indexes(&tx)?;
    tx.commit()?;
    Ok(true)
}

/// Creates the legacy or the unified layout on an empty file, under BEGIN IMMEDIATE (so a bot
/// starting at the same moment waits, or is waited for). If the file is no
/// longer empty inside the lock (the bot won the race), nothing is created.
/// Returns whether anything was created.
pub fn create(conn: &mut Connection, unified: bool) -> rusqlite::Result<bool> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let objects: i64 = tx.query_row(
        "SELECT count(*) FROM main.sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        [],
        |r| r.get(0),
    )?;
    if objects > 0 {
        return Ok(false);
    }
    if unified {
        for ddl in crate::db::unified::DDL {
            tx.execute_batch(ddl)?;
        }
    } else {
        create_all(&tx)?;
    }
    tx.commit()?;
    Ok(true)
}

/// The addon's index on the unified `interactions` table: the covering index
/// of getProfiles / countProfiles / getInteractions / getActivity, both
/// platforms (platform first, as every unified query filters on it).
pub const UNIFIED_ADDON_INDEX: (&str, &str, &str) = (
    "idx_taktikdb_unified_interactions_covering",
    "interactions",
    "platform, account_id, profile_id, interaction_time, interaction_type, success",
);

/// `"name"`, for identifiers taken from the file's own catalog (table and
/// column names read from sqlite_master / pragmas), never from callers.
pub fn quote_ident(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// Every table in the file, by name (SQLite's own `sqlite_*` tables included).
pub fn table_names(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect()
}

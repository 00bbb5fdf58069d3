//! `upgradeToUnified`: moves a legacy file (the bot before June 2026) to the
//! unified layout, the whole move, as the current bot's own migration steps
//! would have made it (`local/migration_steps/` at 6810e804; the test
//! fixture's `migrate` is the same move, in Python). The current bot cannot
//! do it alone: on a legacy file its start fails before any step, and pushed
//! further it drops parents whose children still point at them (see
//! `../shared/python-side/unified/README.md`, "Migrating a legacy file with
//! HEAD"). After this, the bot's start finds the unified layout and only
//! creates what it always creates.
//!
//! One transaction on the writer (foreign keys off for it, so dropping the
//! old parent tables cascades into nothing), taken with BEGIN IMMEDIATE: the
//! bot's lock is waited out (busyTimeoutMs) and the bot then waits for ours.
//! SQLite rolls a crash back on the next open, so a second call starts again
//! from the legacy file. Before the transaction changes anything, and inside
//! the lock, two files are written beside the database:
//! - the backup (`<file>.before-unified-<local date>`), unless `backup: false`;
//! - the extras (`<file>.legacy-extras-<local date>.db`): what the unified
//!   layout has no home for (posts, scraped comments, discovery, the
//!   Electron-era `account_profiles`, profiles' `linked_accounts`, scraping
//!   sessions' `discovery_campaign_id`), written only when there is any.
//!
//! Every row count is checked inside the transaction before COMMIT: a move
//! that would lose a row rolls back and changes nothing.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};
use serde::Serialize;

use super::files::io_error;
use crate::base::cancel::Cancel;
use crate::base::error::{DbError, ErrorCode, Result};
use crate::db::database::Database;
use crate::db::schema::quote_ident;
use crate::query::args::{Args, Callback};
use crate::query::Operation;
use crate::rows::Out;

const F: &str = "upgradeToUnified";

// Read key by key in `Upgrade::parse` (a function is not JSON); declared for
// its TypeScript type.
/// Options of `upgradeToUnified`.
#[derive(ts_rs::TS)]
#[ts(optional_fields, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct UpgradeOptions {
    /// Take an online backup beside the file first (`<file>.before-unified-<YYYY-MM-DD>`). Default true.
    pub backup: Option<bool>,
    /// Change nothing: say what would move, how many rows, and what would be kept aside. Default false.
    pub dry_run: Option<bool>,
    /// Called as the upgrade goes from step to step.
    #[ts(optional, type = "(progress: UpgradeProgress) => void")]
    pub on_progress: Option<()>,
}

/// One legacy table's rows and where they go.
#[derive(Serialize, ts_rs::TS, Clone, Debug, PartialEq)]
pub(crate) struct UpgradeMove {
    /// The legacy table.
    from: String,
    /// The unified table (one platform's rows of it, for the tables both platforms share).
    to: String,
    rows: i64,
}

/// Rows kept aside in the extras file.
#[derive(Serialize, ts_rs::TS, Clone, Debug, PartialEq)]
pub(crate) struct KeptAside {
    /// The table in the extras file (the legacy table's name, or `<table>_<what>` for columns).
    table: String,
    rows: i64,
}

/// What `upgradeToUnified` did (or, with `dryRun`, would do).
#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpgradeResult {
    /// True when this call moved the file; false in a dry run and when the file was already unified.
    upgraded: bool,
    dry_run: bool,
    /// The file's layout when the call started.
    #[ts(type = "'legacy' | 'unified'")]
    layout_before: &'static str,
    /// The backup written (in a dry run: where it would be); null without one.
    backup_path: Option<String>,
    /// The file holding what the unified layout has no home for (in a dry run: where it would be); null when there is none.
    extras_path: Option<String>,
    /// Each legacy table with rows, where they went.
    moves: Vec<UpgradeMove>,
    /// What went to `extrasPath`.
    kept_aside: Vec<KeptAside>,
    /// The legacy tables dropped (their rows moved or kept aside).
    dropped: Vec<String>,
}

/// What `onProgress` receives.
#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpgradeProgress {
    /// `'backup'`, `'extras'`, `'tables'`, `'copy'`, `'drop'`, `'indexes'`, `'verify'` or `'commit'`.
    #[ts(
        type = "'backup' | 'extras' | 'tables' | 'copy' | 'drop' | 'indexes' | 'verify' | 'commit'"
    )]
    step: &'static str,
    /// The legacy table being copied (step `'copy'`).
    table: Option<String>,
    /// Steps done so far, of `total`.
    done: u32,
    total: u32,
}

pub struct Upgrade {
    backup: bool,
    dry_run: bool,
    progress: Option<Callback>,
}

impl Operation for Upgrade {
    const NAME: &'static str = F;
    fn parse<A: Args>(a: &A) -> Result<Self> {
        let mut o = Upgrade {
            backup: true,
            dry_run: false,
            progress: None,
        };
        for key in a.keys("options")?.unwrap_or_default() {
            match key.as_str() {
                "backup" => o.backup = a.member_bool("options", "backup")?.unwrap_or(true),
                "dryRun" => o.dry_run = a.member_bool("options", "dryRun")?.unwrap_or(false),
                "onProgress" => o.progress = a.member_callback("options", "onProgress")?,
                other => {
                    return Err(DbError::invalid(format!(
                        "{F}: {other} is not an option (the options are backup, dryRun, onProgress)"
                    )))
                }
            }
        }
        Ok(o)
    }

    fn execute(&self, db: &Database, _: Option<&Cancel>, out: &mut Out) -> Result<()> {
        // A first look on a reader: a dry run, a file already unified and one
        // that is neither need no writer, so they work on a readonly open too,
        // which cannot touch the file.
        let (state, plan) = db.read(F, |conn| {
            let cat = Catalog::read(conn)?;
            let state = state(conn, &cat)?;
            let plan = match state {
                State::Legacy if self.dry_run => Some(plan(conn, &cat)?),
                _ => None,
            };
            Ok((state, plan))
        })?;
        let result = match (state, plan) {
            (State::Unified, _) => unchanged(),
            (State::Other(why), _) => return Err(not_legacy(db, &why)),
            (State::Legacy, Some(plan)) => self.dry(db, plan),
            (State::Legacy, None) => db.with_writer(F, |conn| self.run(db, conn))?,
        };
        out.set_value(&result)
    }
}

// ---------------------------------------------------------------------------
// What the file holds
// ---------------------------------------------------------------------------

/// The legacy tables whose rows move into unified tables, and where:
/// (legacy table, unified table, platform of the moved rows).
const MOVES: &[(&str, &str, Option<&str>)] = &[
    ("instagram_accounts", "accounts", Some("instagram")),
    ("tiktok_accounts", "accounts", Some("tiktok")),
    ("instagram_profiles", "social_profiles", Some("instagram")),
    ("tiktok_profiles", "social_profiles", Some("tiktok")),
    ("sessions", "sessions_unified", Some("instagram")),
    ("tiktok_sessions", "sessions_unified", Some("tiktok")),
    ("interaction_history", "interactions", Some("instagram")),
    ("tiktok_interaction_history", "interactions", Some("tiktok")),
    ("daily_stats", "daily_stats_unified", Some("instagram")),
    ("tiktok_daily_stats", "daily_stats_unified", Some("tiktok")),
    ("filtered_profiles", "filtered_profiles", Some("instagram")),
    (
        "tiktok_filtered_profiles",
        "filtered_profiles",
        Some("tiktok"),
    ),
    ("scraping_sessions", "scraping_sessions", None),
    ("scraped_profiles", "scraped_profiles", None),
    ("processed_hashtag_posts", "processed_hashtag_posts", None),
    ("profile_stats_history", "profile_stats_history", None),
];

/// Legacy tables with no unified home: kept aside whole, then dropped (the
/// bot drops them on every start anyway: ms/legacy.py, ms/scraping.py,
/// ms/accounts.py).
const HOMELESS: &[&str] = &[
    "instagram_posts",
    "scraped_comments",
    "discovery_campaigns",
    "discovery_progress",
    "discovered_profiles",
    "discovery_interactions",
    "discovery_templates",
    "account_profiles",
];

/// Tables that exist in both layouts: rebuilt in place (same rows, same ids;
/// the unified definition: + platform, no foreign keys), with what the
/// legacy rows lack set as the bot's migration sets it.
const REBUILT_FIXED: &[(&str, &[(&str, &str)])] = &[
    ("filtered_profiles", &[("platform", "'instagram'")]),
    (
        "scraped_profiles",
        &[("platform", "'instagram'"), ("is_enriched", "0")],
    ),
    ("scraping_sessions", &[("platform", "'instagram'")]),
];

/// The tables every unified file has, and a legacy file never (a failed
/// start of the current bot leaves other unified tables behind, never these).
const UNIFIED_MARKS: &[&str] = &[
    "accounts",
    "social_profiles",
    "sessions_unified",
    "interactions",
    "daily_stats_unified",
];

/// The legacy-only tables a unified file must no longer have as tables (the
/// two account tables excepted: every start of the bot creates them empty
/// and its migration drops them again).
const LEGACY_ONLY: &[&str] = &[
    "instagram_profiles",
    "tiktok_profiles",
    "sessions",
    "tiktok_sessions",
    "interaction_history",
    "tiktok_interaction_history",
    "daily_stats",
    "tiktok_daily_stats",
    "tiktok_filtered_profiles",
];

struct Catalog {
    /// name -> (type, sql)
    objects: BTreeMap<String, (String, Option<String>)>,
}

impl Catalog {
    fn read(conn: &Connection) -> rusqlite::Result<Catalog> {
        let mut stmt = conn.prepare("SELECT name, type, sql FROM main.sqlite_master")?;
        let objects = stmt
            .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Catalog { objects })
    }
    fn is_table(&self, name: &str) -> bool {
        self.objects.get(name).is_some_and(|(t, _)| t == "table")
    }
    fn is_view(&self, name: &str) -> bool {
        self.objects.get(name).is_some_and(|(t, _)| t == "view")
    }
    fn exists(&self, name: &str) -> bool {
        self.objects.contains_key(name)
    }
    fn sql(&self, name: &str) -> Option<&str> {
        self.objects.get(name).and_then(|(_, s)| s.as_deref())
    }
}

enum State {
    Legacy,
    Unified,
    /// Neither: why, in a sentence.
    Other(String),
}

fn rows_in(conn: &Connection, table: &str, filter: &str) -> rusqlite::Result<i64> {
    conn.query_row(
        &format!("SELECT count(*) FROM main.{}{filter}", quote_ident(table)),
        [],
        |r| r.get(0),
    )
}

fn columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    conn.prepare(&format!("PRAGMA main.table_info({})", quote_ident(table)))?
        .query_map([], |r| r.get(1))?
        .collect()
}

fn state(conn: &Connection, cat: &Catalog) -> rusqlite::Result<State> {
    let marks: Vec<&str> = UNIFIED_MARKS
        .iter()
        .copied()
        .filter(|t| cat.is_table(t))
        .collect();
    let legacy_left: Vec<&str> = LEGACY_ONLY
        .iter()
        .copied()
        .filter(|t| cat.is_table(t))
        .collect();
    if marks.len() == UNIFIED_MARKS.len() {
        if legacy_left.is_empty() {
            return Ok(State::Unified);
        }
        return Ok(State::Other(format!(
            "it is a file of a June 2026 transitional bot revision: it has the unified tables and still the legacy {}",
            legacy_left.join(", ")
        )));
    }
    if cat.is_table("interaction_history") && cat.is_table("instagram_accounts") {
        if !marks.is_empty() {
            return Ok(State::Other(format!(
                "it has the legacy tables and already the unified {} (a move begun by another program)",
                marks.join(", ")
            )));
        }
        // Debris of a failed start of the current bot: its rebuild's new
        // table, left empty. One with rows is a move we do not know.
        for t in [
            "scraped_profiles_new",
            "scraping_sessions_new",
            "filtered_profiles_new",
        ] {
            if cat.is_table(t) && rows_in(conn, t, "")? > 0 {
                return Ok(State::Other(format!(
                    "its table {t} (left by an interrupted migration) holds rows"
                )));
            }
        }
        return Ok(State::Legacy);
    }
    Ok(State::Other(if cat.objects.is_empty() {
        "it has no tables yet".to_owned()
    } else {
        "it has neither the legacy tables (interaction_history, instagram_accounts) nor the unified ones".to_owned()
    }))
}

// ---------------------------------------------------------------------------
// The plan
// ---------------------------------------------------------------------------

/// Rows kept aside that are columns of a moved table, not a whole table:
/// (extras table, source table, key columns, the columns kept, filter).
struct ColumnsAside {
    name: String,
    source: &'static str,
    columns: Vec<String>,
    filter: String,
}

struct Plan {
    moves: Vec<UpgradeMove>,
    /// Whole tables kept aside (with their rows).
    homeless: Vec<(String, i64)>,
    columns_aside: Vec<(ColumnsAside, i64)>,
    dropped: Vec<String>,
}

/// The legacy AI columns of instagram_profiles (Electron-added), moved to
/// profile_ai_enrichments by the bot (ms/enrichment.py).
const LEGACY_PROFILE_AI_COLUMNS: &[&str] = &[
    "ai_niche",
    "ai_specific_niche",
    "ai_score",
    "ai_classification",
    "ai_profession",
    "ai_profession_tags",
    "ai_gender",
    "ai_age_group",
    "account_based_in",
    "location_city",
    "location_region",
];

fn non_empty(column: &str) -> String {
    non_empty_in("", column)
}

/// The bot's test for "this legacy AI column holds something" (ms/enrichment.py).
fn non_empty_in(alias: &str, column: &str) -> String {
    let c = format!("{alias}{}", quote_ident(column));
    if column == "ai_score" {
        format!("{c} IS NOT NULL")
    } else {
        format!("({c} IS NOT NULL AND trim(CAST({c} AS TEXT)) != '')")
    }
}

fn plan(conn: &Connection, cat: &Catalog) -> rusqlite::Result<Plan> {
    let mut moves = Vec::new();
    let mut dropped = Vec::new();
    for (from, to, _) in MOVES {
        if !cat.is_table(from) {
            continue;
        }
        moves.push(UpgradeMove {
            from: (*from).to_owned(),
            to: (*to).to_owned(),
            rows: rows_in(conn, from, "")?,
        });
        if from != to {
            dropped.push((*from).to_owned());
        }
    }
    let mut homeless = Vec::new();
    for t in HOMELESS {
        if cat.is_table(t) {
            homeless.push(((*t).to_owned(), rows_in(conn, t, "")?));
            dropped.push((*t).to_owned());
        }
    }
    let mut columns_aside = Vec::new();
    if cat.is_table("instagram_profiles") {
        let have: HashSet<String> = columns(conn, "instagram_profiles")?.into_iter().collect();
        let mut kept: Vec<String> = Vec::new();
        if have.contains("linked_accounts") {
            kept.push("linked_accounts".into());
        }
        // On a desktop file profile_ai_enrichments is a view over the app's
        // own table: the AI columns then have no home the bot fills.
        if cat.is_view("profile_ai_enrichments") {
            kept.extend(
                LEGACY_PROFILE_AI_COLUMNS
                    .iter()
                    .filter(|c| have.contains(**c))
                    .map(|c| (*c).to_owned()),
            );
        }
        if !kept.is_empty() {
            let filter = kept
                .iter()
                .map(|c| non_empty(c))
                .collect::<Vec<_>>()
                .join(" OR ");
            let aside = ColumnsAside {
                name: "instagram_profiles_columns".into(),
                source: "instagram_profiles",
                columns: [vec!["profile_id".to_owned(), "username".to_owned()], kept].concat(),
                filter: format!(" WHERE {filter}"),
            };
            let n = rows_in(conn, aside.source, &aside.filter)?;
            if n > 0 {
                columns_aside.push((aside, n));
            }
        }
    }
    if cat.is_table("scraping_sessions")
        && columns(conn, "scraping_sessions")?
            .iter()
            .any(|c| c == "discovery_campaign_id")
    {
        let aside = ColumnsAside {
            name: "scraping_sessions_discovery".into(),
            source: "scraping_sessions",
            columns: vec!["scraping_id".into(), "discovery_campaign_id".into()],
            filter: " WHERE discovery_campaign_id IS NOT NULL".into(),
        };
        let n = rows_in(conn, aside.source, &aside.filter)?;
        if n > 0 {
            columns_aside.push((aside, n));
        }
    }
    // TikTok's filtered profiles get new row ids in the shared table, which
    // has no column for the old one: each old id with the row's unique key
    // (platform 'tiktok', profile_id, account_id) finds the new row.
    if cat.is_table("tiktok_filtered_profiles") {
        let aside = ColumnsAside {
            name: "tiktok_filtered_profiles_ids".into(),
            source: "tiktok_filtered_profiles",
            columns: vec!["id".into(), "profile_id".into(), "account_id".into()],
            filter: String::new(),
        };
        let n = rows_in(conn, aside.source, &aside.filter)?;
        if n > 0 {
            columns_aside.push((aside, n));
        }
    }
    Ok(Plan {
        moves,
        homeless,
        columns_aside,
        dropped,
    })
}

impl Plan {
    fn kept_aside(&self) -> Vec<KeptAside> {
        self.homeless
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(t, n)| KeptAside {
                table: t.clone(),
                rows: *n,
            })
            .chain(self.columns_aside.iter().map(|(c, n)| KeptAside {
                table: c.name.clone(),
                rows: *n,
            }))
            .collect()
    }
}

// ---------------------------------------------------------------------------
// Files beside the database
// ---------------------------------------------------------------------------

/// `<file><suffix>`, or `<file><suffix>-2`, `-3`, ... if taken: never replaces a file.
fn free_path(db: &Path, suffix: &str, ext: &str) -> PathBuf {
    let base = std::path::absolute(db).unwrap_or_else(|_| db.to_path_buf());
    let mut n = 1;
    loop {
        let mut name = base.file_name().unwrap_or_default().to_os_string();
        name.push(suffix);
        if n > 1 {
            name.push(format!("-{n}"));
        }
        name.push(ext);
        let p = base.with_file_name(name);
        if !p.exists() {
            return p;
        }
        n += 1;
    }
}

/// The online backup, from a reader's snapshot taken inside our write lock
/// (so it is exactly the file this call then changes).
fn write_backup(db: &Database, dest: &Path) -> Result<()> {
    let tmp = with_suffix(dest, ".taktik-tmp");
    let fail = |e: rusqlite::Error| {
        let _ = std::fs::remove_file(&tmp);
        DbError::new(
            ErrorCode::IoError,
            format!("{F}: cannot write the backup {}: {e}", dest.display()),
        )
    };
    let src = db.open_reader()?;
    src.execute_batch("BEGIN")
        .and_then(|()| src.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())))
        .map_err(db.sqlite_err(F))?;
    let mut dst = Connection::open(&tmp).map_err(fail)?;
    {
        let backup = rusqlite::backup::Backup::new(&src, &mut dst).map_err(fail)?;
        backup
            .run_to_completion(1024, std::time::Duration::ZERO, None)
            .map_err(fail)?;
    }
    let _ = src.execute_batch("COMMIT");
    dst.close().map_err(|(_, e)| fail(e))?;
    std::fs::rename(&tmp, dest).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_error(F, dest, e)
    })
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut name = p.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    p.with_file_name(name)
}

/// Copies every row of `select` (run on `conn`) into `table` of `extras`.
fn copy_rows(
    conn: &Connection,
    select: &str,
    extras: &Connection,
    table: &str,
) -> rusqlite::Result<i64> {
    let mut read = conn.prepare(select)?;
    let n = read.column_count();
    let marks = vec!["?"; n].join(", ");
    let mut write = extras.prepare(&format!(
        "INSERT INTO {} VALUES ({marks})",
        quote_ident(table)
    ))?;
    let mut rows = read.query([])?;
    let mut count = 0;
    while let Some(row) = rows.next()? {
        let values = (0..n)
            .map(|i| row.get::<_, Value>(i))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        write.execute(params_from_iter(values))?;
        count += 1;
    }
    Ok(count)
}

/// The extras file: the homeless tables (their own definitions) and the
/// columns kept aside, each count checked. Written whole before anything
/// is dropped; a temp file renamed into place once complete.
fn write_extras(conn: &Connection, cat: &Catalog, plan: &Plan, dest: &Path) -> Result<()> {
    let tmp = with_suffix(dest, ".taktik-tmp");
    let fail = |e: rusqlite::Error| {
        let _ = std::fs::remove_file(&tmp);
        DbError::new(
            ErrorCode::IoError,
            format!("{F}: cannot write the extras file {}: {e}", dest.display()),
        )
    };
    let extras = Connection::open(&tmp).map_err(fail)?;
    let result = (|| -> rusqlite::Result<Option<String>> {
        // The tables keep their definitions, foreign keys to tables this
        // file does not have included: not enforced here.
        extras.execute_batch("PRAGMA foreign_keys = OFF; BEGIN")?;
        for (table, expected) in &plan.homeless {
            if *expected == 0 {
                continue;
            }
            let Some(sql) = cat.sql(table) else { continue };
            extras.execute_batch(sql)?;
            let n = copy_rows(
                conn,
                &format!("SELECT * FROM main.{}", quote_ident(table)),
                &extras,
                table,
            )?;
            if n != *expected {
                return Ok(Some(format!("{table}: {n} rows copied of {expected}")));
            }
        }
        for (aside, expected) in &plan.columns_aside {
            let cols = aside
                .columns
                .iter()
                .map(|c| quote_ident(c))
                .collect::<Vec<_>>()
                .join(", ");
            extras.execute_batch(&format!(
                "CREATE TABLE {} ({cols})",
                quote_ident(&aside.name)
            ))?;
            let n = copy_rows(
                conn,
                &format!(
                    "SELECT {cols} FROM main.{}{}",
                    quote_ident(aside.source),
                    aside.filter
                ),
                &extras,
                &aside.name,
            )?;
            if n != *expected {
                return Ok(Some(format!(
                    "{}: {n} rows copied of {expected}",
                    aside.name
                )));
            }
        }
        extras.execute_batch("COMMIT")?;
        Ok(None)
    })();
    match result {
        Ok(None) => {}
        Ok(Some(short)) => {
            drop(extras);
            let _ = std::fs::remove_file(&tmp);
            return Err(DbError::internal(format!(
                "{F}: the extras file came out short ({short}); nothing was changed"
            )));
        }
        Err(e) => {
            drop(extras);
            return Err(fail(e));
        }
    }
    extras.close().map_err(|(_, e)| fail(e))?;
    std::fs::rename(&tmp, dest).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_error(F, dest, e)
    })
}

// ---------------------------------------------------------------------------
// The move
// ---------------------------------------------------------------------------

/// The name a unified DDL statement creates, and what it is.
fn ddl_object(ddl: &str) -> Option<(&'static str, String, Option<String>)> {
    let words: Vec<&str> = ddl.split_whitespace().collect();
    match words.as_slice() {
        ["CREATE", "TABLE", name, ..] => {
            Some(("table", name.trim_end_matches('(').to_owned(), None))
        }
        ["CREATE", "VIEW", name, ..] => Some(("view", (*name).to_owned(), None)),
        ["CREATE", "INDEX", name, "ON", on, ..]
        | ["CREATE", "UNIQUE", "INDEX", name, "ON", on, ..] => {
            let table = on.split('(').next().unwrap_or(on).to_owned();
            Some(("index", (*name).to_owned(), Some(table)))
        }
        _ => None,
    }
}

/// Copies `from` into the unified `to`: the listed (target, source
/// expression) pairs whose source column exists in `from` (bare names) or
/// that are literals.
fn insert_select(
    conn: &Connection,
    to: &str,
    from: &str,
    pairs: &[(&str, &str)],
    order: &str,
) -> rusqlite::Result<usize> {
    let have: HashSet<String> = columns(conn, from)?.into_iter().collect();
    let is_column = |s: &str| {
        s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !s.chars().all(|c| c.is_ascii_digit())
    };
    let kept: Vec<&(&str, &str)> = pairs
        .iter()
        .filter(|(_, src)| !is_column(src) || have.contains(*src))
        .collect();
    let targets = kept.iter().map(|(t, _)| *t).collect::<Vec<_>>().join(", ");
    let sources = kept.iter().map(|(_, s)| *s).collect::<Vec<_>>().join(", ");
    conn.execute(
        &format!(
            "INSERT INTO main.{to} ({targets}) SELECT {sources} FROM main.{from} ORDER BY {order}"
        ),
        [],
    )
}

const ACCOUNT_COLUMNS: &[&str] = &[
    "username",
    "is_bot",
    "user_id",
    "license_id",
    "display_name",
    "qualification_prompt",
    "niche",
    "product_service",
    "objective",
    "target_audience",
    "tone_personality",
    "preferred_language",
    "website",
    "unique_selling_point",
    "custom_context",
    "created_at",
];
const IG_PROFILE_MAP: &[(&str, &str)] = &[
    ("username", "username"),
    ("display_name", "full_name"),
    ("biography", "biography"),
    ("followers_count", "followers_count"),
    ("following_count", "following_count"),
    ("posts_count", "posts_count"),
    ("is_private", "is_private"),
    ("is_verified", "is_verified"),
    ("is_business", "is_business"),
    ("business_category", "business_category"),
    ("website", "website"),
    ("profile_pic_path", "profile_pic_path"),
    ("notes", "notes"),
    ("account_based_in", "account_based_in"),
    ("date_joined", "date_joined"),
    ("location_city", "location_city"),
    ("location_region", "location_region"),
    ("ai_screenshot_path", "ai_screenshot_path"),
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
];
const TT_PROFILE_MAP: &[(&str, &str)] = &[
    ("username", "username"),
    ("display_name", "display_name"),
    ("biography", "biography"),
    ("followers_count", "followers_count"),
    ("following_count", "following_count"),
    ("posts_count", "videos_count"),
    ("likes_count", "likes_count"),
    ("is_private", "is_private"),
    ("is_verified", "is_verified"),
    ("profile_pic_path", "profile_pic_path"),
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
];
const IG_SESSION_COLUMNS: &[&str] = &[
    "account_id",
    "session_name",
    "target_type",
    "target",
    "start_time",
    "end_time",
    "duration_seconds",
    "config_used",
    "status",
    "error_message",
    "synced_to_api",
    "ai_total_cost_usd",
    "ai_profiles_analyzed",
    "ai_posts_analyzed",
    "ai_comments_generated",
    "stats_total_interactions",
    "stats_likes",
    "stats_follows",
    "stats_unfollows",
    "stats_comments",
    "stats_story_views",
    "stats_story_likes",
    "stats_profile_visits",
    "created_at",
    "updated_at",
    "sync_id",
];
const TT_SESSION_COLUMNS: &[&str] = &[
    "account_id",
    "session_name",
    "workflow_type",
    "target",
    "start_time",
    "end_time",
    "duration_seconds",
    "config_used",
    "status",
    "error_message",
    "profiles_visited",
    "posts_watched",
    "likes",
    "follows",
    "favorites",
    "comments",
    "shares",
    "errors",
    "videos_watched",
    "created_at",
    "updated_at",
    "sync_id",
];

/// A legacy table copied with its platform and its old id in `legacy_*`:
/// (legacy table, unified table, platform, legacy id column, old id, columns).
type Keyed<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a [(&'a str, &'a str)],
);

fn same(cols: &[&'static str]) -> Vec<(&'static str, &'static str)> {
    cols.iter().map(|c| (*c, *c)).collect()
}

/// A random sync id, as the bot makes them (32 hex digits).
const NEW_SYNC_ID: &str = "lower(hex(randomblob(16)))";

/// The rows: each legacy table into its unified place, the legacy ids kept
/// (in `legacy_*` where the unified table has its own row id).
fn copy_data(
    conn: &Connection,
    cat: &Catalog,
    step: &mut dyn FnMut(&'static str, Option<&str>),
) -> rusqlite::Result<()> {
    // Accounts, profiles and sessions: each platform's rows with their
    // platform, the old id kept in `legacy_*` (new row ids), in old-id order.
    let accounts = same(ACCOUNT_COLUMNS);
    let ig_sessions = same(IG_SESSION_COLUMNS);
    let tt_sessions = same(TT_SESSION_COLUMNS);
    #[rustfmt::skip]
    let keyed: [Keyed; 6] = [
        ("instagram_accounts", "accounts", "instagram", "legacy_account_id", "account_id", &accounts),
        ("tiktok_accounts", "accounts", "tiktok", "legacy_account_id", "account_id", &accounts),
        ("instagram_profiles", "social_profiles", "instagram", "legacy_profile_id", "profile_id", IG_PROFILE_MAP),
        ("tiktok_profiles", "social_profiles", "tiktok", "legacy_profile_id", "profile_id", TT_PROFILE_MAP),
        ("sessions", "sessions_unified", "instagram", "legacy_session_id", "session_id", &ig_sessions),
        ("tiktok_sessions", "sessions_unified", "tiktok", "legacy_session_id", "session_id", &tt_sessions),
    ];
    for (table, to, platform, legacy, id, map) in keyed {
        if !cat.is_table(table) {
            continue;
        }
        step("copy", Some(table));
        let platform = format!("'{platform}'");
        let mut pairs = vec![("platform", platform.as_str()), (legacy, id)];
        pairs.extend_from_slice(map);
        insert_select(conn, to, table, &pairs, id)?;
    }
    if cat.is_table("account_profiles")
        && columns(conn, "account_profiles")?
            .iter()
            .any(|c| c == "bio")
    {
        // Its only column `accounts` lacks (ms/accounts.py); the table itself is kept aside.
        conn.execute(
            "UPDATE main.accounts SET bio = (SELECT NULLIF(ap.bio, '') FROM main.account_profiles ap \
             WHERE ap.account_id = accounts.legacy_account_id) WHERE platform = 'instagram' \
             AND EXISTS (SELECT 1 FROM main.account_profiles ap WHERE ap.account_id = accounts.legacy_account_id \
             AND NULLIF(ap.bio, '') IS NOT NULL)",
            [],
        )?;
    }
    if cat.is_table("instagram_profiles") && cat.is_table("profile_ai_enrichments") {
        copy_profile_ai(conn)?;
    }
    conn.execute(
        &format!("UPDATE main.sessions_unified SET sync_id = {NEW_SYNC_ID} WHERE sync_id IS NULL"),
        [],
    )?;
    for (table, platform) in [
        ("interaction_history", "instagram"),
        ("tiktok_interaction_history", "tiktok"),
    ] {
        if !cat.is_table(table) {
            continue;
        }
        step("copy", Some(table));
        // created_at := interaction_time, as ms/interactions.py does. The
        // Instagram rows, copied first into the empty table, keep their ids
        // as row ids too (the ids an app showed stay valid); TikTok's follow.
        let id = if platform == "instagram" {
            "id"
        } else {
            "NULL"
        };
        let pairs = [
            ("id", id),
            (
                "platform",
                if platform == "instagram" {
                    "'instagram'"
                } else {
                    "'tiktok'"
                },
            ),
            ("legacy_id", "id"),
            ("session_id", "session_id"),
            ("account_id", "account_id"),
            ("profile_id", "profile_id"),
            ("interaction_type", "interaction_type"),
            ("success", "success"),
            ("content", "content"),
            ("video_id", "video_id"),
            ("interaction_time", "interaction_time"),
            ("created_at", "interaction_time"),
            ("sync_id", "sync_id"),
        ];
        insert_select(conn, "interactions", table, &pairs, "id")?;
    }
    conn.execute(
        &format!("UPDATE main.interactions SET sync_id = {NEW_SYNC_ID} WHERE sync_id IS NULL"),
        [],
    )?;
    if cat.is_table("daily_stats") {
        step("copy", Some("daily_stats"));
        // The other platform's counters 0 (ms/daily_stats.py); new row ids.
        let mut pairs = vec![("platform", "'instagram'")];
        pairs.extend(
            [
                "account_id",
                "date",
                "total_likes",
                "total_follows",
                "total_unfollows",
                "total_comments",
                "total_profile_visits",
                "total_story_views",
                "total_story_likes",
            ]
            .iter()
            .map(|c| (*c, *c)),
        );
        pairs.extend([
            ("total_favorites", "0"),
            ("total_shares", "0"),
            ("total_posts_watched", "0"),
        ]);
        pairs.extend(
            [
                "total_sessions",
                "completed_sessions",
                "failed_sessions",
                "total_duration_seconds",
                "synced_to_api",
                "synced_at",
                "created_at",
                "updated_at",
            ]
            .iter()
            .map(|c| (*c, *c)),
        );
        insert_select(conn, "daily_stats_unified", "daily_stats", &pairs, "id")?;
    }
    if cat.is_table("tiktok_daily_stats") {
        step("copy", Some("tiktok_daily_stats"));
        let mut pairs = vec![("platform", "'tiktok'")];
        pairs.extend(
            ["account_id", "date", "total_likes", "total_follows"]
                .iter()
                .map(|c| (*c, *c)),
        );
        pairs.push(("total_unfollows", "0"));
        pairs.extend(
            ["total_comments", "total_profile_visits"]
                .iter()
                .map(|c| (*c, *c)),
        );
        pairs.extend([("total_story_views", "0"), ("total_story_likes", "0")]);
        pairs.extend(
            [
                "total_favorites",
                "total_shares",
                "total_posts_watched",
                "total_sessions",
                "completed_sessions",
                "failed_sessions",
                "total_duration_seconds",
            ]
            .iter()
            .map(|c| (*c, *c)),
        );
        pairs.extend([
            ("synced_to_api", "0"),
            ("synced_at", "NULL"),
            ("created_at", "created_at"),
            ("updated_at", "updated_at"),
        ]);
        insert_select(
            conn,
            "daily_stats_unified",
            "tiktok_daily_stats",
            &pairs,
            "id",
        )?;
    }
    if cat.is_table("tiktok_filtered_profiles") {
        step("copy", Some("tiktok_filtered_profiles"));
        let pairs = [
            ("platform", "'tiktok'"),
            ("profile_id", "profile_id"),
            ("account_id", "account_id"),
            ("username", "username"),
            ("filtered_at", "filtered_at"),
            ("reason", "reason"),
            ("source_type", "source_type"),
            ("source_name", "source_name"),
            ("session_id", "session_id"),
            ("sync_id", NEW_SYNC_ID),
        ];
        insert_select(
            conn,
            "filtered_profiles",
            "tiktok_filtered_profiles",
            &pairs,
            "id",
        )?;
    }
    Ok(())
}

/// instagram_profiles' legacy AI columns into profile_ai_enrichments,
/// provider `legacy` (ms/enrichment.py), for the profiles that have any.
fn copy_profile_ai(conn: &Connection) -> rusqlite::Result<()> {
    let have: HashSet<String> = columns(conn, "instagram_profiles")?.into_iter().collect();
    let present: Vec<&str> = LEGACY_PROFILE_AI_COLUMNS
        .iter()
        .copied()
        .filter(|c| have.contains(*c))
        .collect();
    if present.is_empty() {
        return Ok(());
    }
    let col = |c: &str| {
        if have.contains(c) {
            format!("ip.{c}")
        } else {
            "NULL".to_owned()
        }
    };
    let predicates = present
        .iter()
        .map(|c| non_empty_in("ip.", c))
        .collect::<Vec<_>>()
        .join(" OR ");
    conn.execute(
        &format!(
            "INSERT INTO main.profile_ai_enrichments (platform, profile_id, username, provider, model, criteria_hash, \
             ai_niche, ai_specific_niche, ai_score, ai_classification, ai_profession, ai_profession_tags, ai_gender, \
             ai_age_group, ai_account_based_in, location_city, location_region, source, created_at, updated_at) \
             SELECT 'instagram', ip.profile_id, ip.username, 'legacy', 'legacy', 'legacy_profile_ai', {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, \
             'legacy_backfill', COALESCE({}, datetime('now')), COALESCE({}, {}, datetime('now')) \
             FROM main.instagram_profiles ip WHERE ip.username IS NOT NULL AND trim(ip.username) != '' AND ({predicates}) \
             ORDER BY ip.profile_id",
            col("ai_niche"),
            col("ai_specific_niche"),
            col("ai_score"),
            col("ai_classification"),
            col("ai_profession"),
            col("ai_profession_tags"),
            col("ai_gender"),
            col("ai_age_group"),
            col("account_based_in"),
            col("location_city"),
            col("location_region"),
            col("created_at"),
            col("ai_classified_at"),
            col("updated_at"),
        ),
        [],
    )?;
    Ok(())
}

/// Row counts after the copy, against the plan: (what, expected, found).
fn shortfalls(conn: &Connection, plan: &Plan) -> rusqlite::Result<Vec<String>> {
    let mut expected: BTreeMap<(String, Option<&str>), i64> = BTreeMap::new();
    for m in &plan.moves {
        let platform = MOVES
            .iter()
            .find(|(f, _, _)| *f == m.from)
            .and_then(|(_, _, p)| *p);
        // A rebuilt table shared by both platforms is counted per platform;
        // the others (scraping, processed posts, stats history) whole.
        *expected.entry((m.to.clone(), platform)).or_default() += m.rows;
    }
    let mut short = Vec::new();
    for ((table, platform), want) in expected {
        let filter = platform
            .map(|p| format!(" WHERE platform = '{p}'"))
            .unwrap_or_default();
        let got = rows_in(conn, &table, &filter)?;
        if got != want {
            let which = platform.map(|p| format!(" ({p})")).unwrap_or_default();
            short.push(format!("{table}{which}: {got} rows, {want} expected"));
        }
    }
    Ok(short)
}

impl Upgrade {
    /// What a dry run says: `plan`, and where the files would go.
    fn dry(&self, db: &Database, plan: Plan) -> UpgradeResult {
        let path = Path::new(db.path());
        let kept_aside = plan.kept_aside();
        UpgradeResult {
            upgraded: false,
            dry_run: true,
            layout_before: "legacy",
            backup_path: self.backup.then(|| {
                free_path(path, &format!(".before-unified-{}", today()), "")
                    .display()
                    .to_string()
            }),
            extras_path: (!kept_aside.is_empty()).then(|| {
                free_path(path, &format!(".legacy-extras-{}", today()), ".db")
                    .display()
                    .to_string()
            }),
            moves: plan.moves,
            kept_aside,
            dropped: plan.dropped,
        }
    }

    fn run(&self, db: &Database, conn: &Connection) -> Result<UpgradeResult> {
        let path = Path::new(db.path());
        let backup_path = free_path(path, &format!(".before-unified-{}", today()), "");
        let extras_path = free_path(path, &format!(".legacy-extras-{}", today()), ".db");
        // Looked at again on the writer before taking the lock: the file may have changed since.
        let cat = Catalog::read(conn).map_err(db.sqlite_err(F))?;
        match state(conn, &cat).map_err(db.sqlite_err(F))? {
            State::Unified => return Ok(unchanged()),
            State::Other(why) => return Err(not_legacy(db, &why)),
            State::Legacy => {}
        }
        // Foreign keys off while the old parents go (nothing may cascade);
        // the legacy ALTER TABLE rules so a rename does not re-check views
        // that name tables this move is about to replace. Both can only be
        // set outside a transaction, and are set back whatever happens.
        conn.execute_batch("PRAGMA foreign_keys = OFF; PRAGMA legacy_alter_table = ON")
            .map_err(db.sqlite_err(F))?;
        let result = self.locked(db, conn, &backup_path, &extras_path);
        let _ = conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA legacy_alter_table = OFF");
        if result.as_ref().is_ok_and(|r| r.upgraded) {
            // The reads learn the new layout now (and the addon's unified index is built).
            let _ = db.refresh(conn);
        }
        result
    }

    fn locked(
        &self,
        db: &Database,
        conn: &Connection,
        backup_path: &Path,
        extras_path: &Path,
    ) -> Result<UpgradeResult> {
        conn.execute_batch("BEGIN IMMEDIATE")
            .map_err(db.sqlite_err(F))?;
        match self.inside(db, conn, backup_path, extras_path) {
            Ok(r) if r.upgraded => match conn.execute_batch("COMMIT") {
                Ok(()) => Ok(r),
                Err(e) => {
                    let _ = conn.execute_batch("ROLLBACK");
                    Err(db.sqlite_err(F)(e))
                }
            },
            Ok(r) => {
                let _ = conn.execute_batch("ROLLBACK");
                Ok(r)
            }
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    fn inside(
        &self,
        db: &Database,
        conn: &Connection,
        backup_path: &Path,
        extras_path: &Path,
    ) -> Result<UpgradeResult> {
        let sq = |e| db.sqlite_err(F)(e);
        // Again inside the lock: the bot may have moved the file meanwhile.
        let cat = Catalog::read(conn).map_err(sq)?;
        match state(conn, &cat).map_err(sq)? {
            State::Unified => return Ok(unchanged()),
            State::Other(why) => return Err(not_legacy(db, &why)),
            State::Legacy => {}
        }
        let plan = plan(conn, &cat).map_err(sq)?;
        let kept_aside = plan.kept_aside();
        let copies = plan.moves.iter().filter(|m| m.from != m.to).count() as u32;
        let total = u32::from(self.backup) + u32::from(!kept_aside.is_empty()) + copies + 5;
        let mut done = 0u32;
        let mut step = |name: &'static str, table: Option<&str>| {
            done += 1;
            if let Some(f) = &self.progress {
                let p = UpgradeProgress {
                    step: name,
                    table: table.map(str::to_owned),
                    done: done.min(total),
                    total,
                };
                if let Ok(v) = serde_json::to_value(p) {
                    f(v);
                }
            }
        };
        if self.backup {
            write_backup(db, backup_path)?;
            step("backup", None);
        }
        if !kept_aside.is_empty() {
            write_extras(conn, &cat, &plan, extras_path)?;
            step("extras", None);
        }
        self.move_rows(conn, &cat, &plan, &mut step).map_err(sq)?;
        let short = shortfalls(conn, &plan).map_err(sq)?;
        step("verify", None);
        if !short.is_empty() {
            return Err(DbError::internal(format!(
                "{F}: rows would be lost ({}); nothing was changed",
                short.join("; ")
            )));
        }
        step("commit", None);
        Ok(UpgradeResult {
            upgraded: true,
            dry_run: false,
            layout_before: "legacy",
            backup_path: self.backup.then(|| backup_path.display().to_string()),
            extras_path: (!kept_aside.is_empty()).then(|| extras_path.display().to_string()),
            moves: plan.moves,
            kept_aside,
            dropped: plan.dropped,
        })
    }

    fn move_rows(
        &self,
        conn: &Connection,
        cat: &Catalog,
        plan: &Plan,
        step: &mut dyn FnMut(&'static str, Option<&str>),
    ) -> rusqlite::Result<()> {
        // The empty new tables of an interrupted start of the current bot.
        for t in [
            "scraped_profiles_new",
            "scraping_sessions_new",
            "filtered_profiles_new",
        ] {
            if cat.is_table(t) {
                conn.execute_batch(&format!("DROP TABLE main.{}", quote_ident(t)))?;
            }
        }
        // 1. The unified tables, verbatim (sqlite_master keeps the text as
        // written: the same as on a file the bot made). A table of both
        // layouts is renamed aside first, and its rows copied back below.
        let mut aside: Vec<(String, String)> = Vec::new();
        for ddl in crate::db::unified::DDL {
            let Some(("table", name, _)) = ddl_object(ddl) else {
                continue;
            };
            if cat.is_view(&name) {
                continue; // profile_ai_enrichments of a desktop file: the app's own view
            }
            if cat.is_table(&name) {
                if cat.sql(&name) == Some(*ddl) {
                    continue; // already as the bot makes it (a failed start's empty table)
                }
                let old = format!("{name}__taktik_legacy");
                conn.execute_batch(&format!(
                    "ALTER TABLE main.{} RENAME TO {}",
                    quote_ident(&name),
                    quote_ident(&old)
                ))?;
                aside.push((name.clone(), old));
            }
            conn.execute_batch(ddl)?;
        }
        step("tables", None);
        // 2. The rebuilt tables' rows, same ids.
        for (name, old) in &aside {
            let fixed = REBUILT_FIXED
                .iter()
                .find(|(t, _)| t == name)
                .map(|(_, f)| *f)
                .unwrap_or(&[]);
            let have: HashSet<String> = columns(conn, old)?.into_iter().collect();
            let mut targets = Vec::new();
            let mut sources = Vec::new();
            for c in columns(conn, name)? {
                if let Some((_, v)) = fixed.iter().find(|(f, _)| *f == c) {
                    targets.push(quote_ident(&c));
                    sources.push((*v).to_owned());
                } else if have.contains(&c) {
                    targets.push(quote_ident(&c));
                    sources.push(quote_ident(&c));
                }
            }
            conn.execute(
                &format!(
                    "INSERT INTO main.{} ({}) SELECT {} FROM main.{} ORDER BY rowid",
                    quote_ident(name),
                    targets.join(", "),
                    sources.join(", "),
                    quote_ident(old)
                ),
                [],
            )?;
        }
        // 3. The legacy tables' rows into their unified places.
        copy_data(conn, cat, step)?;
        // 4. The legacy tables go (their rows moved, or kept aside above).
        for t in plan.dropped.iter().chain(aside.iter().map(|(_, old)| old)) {
            conn.execute_batch(&format!("DROP TABLE IF EXISTS main.{}", quote_ident(t)))?;
        }
        step("drop", None);
        // 5. The unified indexes and views, verbatim. A name the file already
        // uses is left alone: a desktop file's gmail_accounts table (the bot
        // folds it into accounts on its start, ms/gmail.py) or an index of
        // the app's.
        let now = Catalog::read(conn)?;
        for ddl in crate::db::unified::DDL {
            let wanted = match ddl_object(ddl) {
                Some(("index", name, Some(table))) => !now.exists(&name) && !now.is_view(&table),
                Some(("view", name, _)) => !now.exists(&name),
                _ => false,
            };
            if wanted {
                conn.execute_batch(ddl)?;
            }
        }
        step("indexes", None);
        Ok(())
    }
}

fn unchanged() -> UpgradeResult {
    UpgradeResult {
        upgraded: false,
        dry_run: false,
        layout_before: "unified",
        backup_path: None,
        extras_path: None,
        moves: Vec::new(),
        kept_aside: Vec::new(),
        dropped: Vec::new(),
    }
}

fn not_legacy(db: &Database, why: &str) -> DbError {
    DbError::new(
        ErrorCode::NotLegacy,
        format!(
            "{F} refused {}: {why}. It moves legacy files (the bot before June 2026) only; the file was not changed",
            db.path()
        ),
    )
}

/// The local date, for the names of the files written beside the database.
fn today() -> String {
    chrono::Local::now().format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unified_statement_is_understood() {
        for ddl in crate::db::unified::DDL {
            let (kind, name, table) = ddl_object(ddl).unwrap_or_else(|| panic!("{ddl}"));
            assert!(!name.is_empty() && !name.contains('('), "{ddl}");
            assert_eq!(kind == "index", table.is_some(), "{ddl}");
        }
    }

    #[test]
    fn the_rebuilt_tables_exist_in_both_layouts() {
        let unified: Vec<String> = crate::db::unified::DDL
            .iter()
            .filter_map(|d| ddl_object(d))
            .filter(|(k, _, _)| *k == "table")
            .map(|(_, n, _)| n)
            .collect();
        for (t, _) in REBUILT_FIXED {
            assert!(unified.iter().any(|n| n == t), "{t}");
        }
        for (from, to, _) in MOVES {
            assert!(unified.iter().any(|n| n == to), "{from} -> {to}");
        }
    }
}

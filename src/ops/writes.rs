//! The app's own edits. Each is one short transaction on the writer, taken with
//! BEGIN IMMEDIATE (Connection::write), and returns what changed, cascades
//! included, named by the API's tables (`sessions`, `interactions`, ...) so a
//! result reads the same on every layout.
//!
//! On a legacy file, deletes rely on the schema's foreign keys (the writer
//! runs with `foreign_keys = ON`, like Python); what they will cascade to is
//! counted first from `pragma_foreign_key_list`, so the report follows the
//! file's real schema. On a unified file (no foreign keys) each write names the
//! rows it removes, by platform and the bot's ids; a write whose meaning is not
//! clear there (deleteAccount, discovery) is NOT_IN_THIS_FILE.

use std::collections::BTreeMap;
use std::sync::Arc;

use rusqlite::types::ToSql;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::base::cancel::Cancel;
use crate::base::error::{DbError, ErrorCode, Result};
use crate::db::database::Database;
use crate::db::layout::{FileSchema, Source, Table};
use crate::db::schema::quote_ident;
use crate::domain::columns;
use crate::query::args;
use crate::query::args::Args;
use crate::query::Operation;
use crate::rows::{write_row, Out};

/// What a write changed, per API table, cascades through foreign keys included.
#[derive(Debug, Default, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "WriteResult")]
pub struct Changes {
    /// Rows deleted plus rows updated, in total.
    pub changes: i64,
    /// Rows deleted per API table (only those with deletions). A cascade into a table outside the API
    /// (another program's, through its own foreign key) is counted under that table's name.
    #[ts(type = "Partial<Record<ApiTable | (string & {}), number>>")]
    pub deleted: BTreeMap<String, i64>,
    /// Rows updated per API table, e.g. foreign keys set to NULL by a cascade.
    #[ts(type = "Partial<Record<ApiTable | (string & {}), number>>")]
    pub updated: BTreeMap<String, i64>,
    /// pruneHistory with dryRun: counted, nothing written.
    pub dry_run: bool,
}

impl Changes {
    fn add(map: &mut BTreeMap<String, i64>, key: &str, n: i64) {
        if n > 0 {
            *map.entry(key.to_string()).or_insert(0) += n;
        }
    }
    fn delete(&mut self, key: &str, n: i64) {
        Self::add(&mut self.deleted, key, n);
        self.changes += n.max(0);
    }
    fn update(&mut self, key: &str, n: i64) {
        Self::add(&mut self.updated, key, n);
        self.changes += n.max(0);
    }
}

/// The API table a physical table's rows belong to, for a cascade through a
/// legacy file's foreign keys (a table outside the API keeps its own name).
fn api_table_of(file: &FileSchema, physical: &str) -> String {
    Table::ALL
        .iter()
        .find(|t| file.physical(**t) == Some((physical, None)))
        .map(|t| t.api_name().to_string())
        .unwrap_or_else(|| physical.to_string())
}

/// Where a write to API table `t` lands in this file.
struct Target {
    /// The physical table, quoted.
    table: String,
    /// `platform = '...' AND ` on a unified table, else empty.
    only: String,
    unified: bool,
    api_name: &'static str,
}

impl Target {
    /// The column holding `t`'s id as the API names it (`session_id`): on a
    /// unified table the bot's per-platform `legacy_*` id.
    fn id(&self, legacy: &'static str) -> &'static str {
        match (self.unified, legacy) {
            (true, "account_id") => "legacy_account_id",
            (true, "profile_id") => "legacy_profile_id",
            (true, "session_id") => "legacy_session_id",
            _ => legacy,
        }
    }
}

/// One write transaction in progress: the writer connection, the file's
/// layout, and what it has changed so far (the write's result).
struct Edit<'a> {
    db: &'a Database,
    what: &'a str,
    conn: &'a Connection,
    file: Arc<FileSchema>,
    changes: Changes,
}

/// Runs `f` in a write transaction (Database::write); its Changes are the result.
fn edit(
    db: &Database,
    what: &str,
    out: &mut Out,
    f: impl FnOnce(&mut Edit<'_>) -> Result<()>,
) -> Result<()> {
    let changes = db.write(what, |conn, file| {
        let mut e = Edit {
            db,
            what,
            conn,
            file,
            changes: Changes::default(),
        };
        f(&mut e)?;
        Ok(e.changes)
    })?;
    out.set_value(&changes)
}

impl Edit<'_> {
    /// Where `t`'s rows are in this file, or NOT_IN_THIS_FILE.
    fn target(&self, t: Table) -> Result<Target> {
        let api_name = t.api_name();
        match self.file.source(t) {
            Source::Table => Ok(Target {
                table: quote_ident(t.name()),
                only: String::new(),
                unified: false,
                api_name,
            }),
            Source::Mapped {
                physical,
                platform,
                unified,
                ..
            } => Ok(Target {
                table: quote_ident(physical),
                only: platform
                    .map(|p| format!("platform = '{p}' AND "))
                    .unwrap_or_default(),
                unified: *unified,
                api_name,
            }),
            Source::Empty(_) | Source::Missing => {
                Err(self.db.not_in_file(self.what, &self.file, t))
            }
        }
    }

    /// NOT_IN_THIS_FILE for a write whose meaning on this layout is not clear.
    fn unclear(&self, why: &str) -> DbError {
        DbError::new(
            ErrorCode::NotInThisFile,
            format!(
                "{}: {} (layout {}): {why}",
                self.what,
                self.db.path(),
                self.file.layout.as_str()
            ),
        )
    }

    /// Runs an UPDATE and counts the rows it changed under `key`.
    fn update(&mut self, key: &str, sql: &str, params: &[&dyn ToSql]) -> Result<()> {
        let n = self
            .conn
            .execute(sql, params)
            .map_err(self.db.sqlite_err(self.what))?;
        self.changes.update(key, n as i64);
        Ok(())
    }

    /// Counts what deleting the rows of `table` matching `cond` would remove.
    fn count_delete(
        &mut self,
        key: &str,
        table: &str,
        cond: &str,
        params: &[&dyn ToSql],
    ) -> Result<()> {
        let file = self.file.clone();
        count_cascade(
            self.conn,
            &file,
            key,
            table,
            cond,
            params,
            &mut self.changes,
            0,
        )
        .map_err(self.db.sqlite_err(self.what))
    }

    /// Deletes the rows of `table` (quoted) matching `cond`, counting the
    /// cascades first; `key` names its rows in the result.
    fn delete(&mut self, key: &str, table: &str, cond: &str, params: &[&dyn ToSql]) -> Result<()> {
        self.count_delete(key, table, cond, params)?;
        self.conn
            .execute(&format!("DELETE FROM {table} WHERE {cond}"), params)
            .map_err(self.db.sqlite_err(self.what))?;
        Ok(())
    }
}

/// Counts what deleting the rows of `table` (quoted) matching `cond` (SQL over
/// that table, bound to `params`) will remove or null out through foreign keys,
/// recursively. Identifiers come from the schema, never from callers.
#[allow(clippy::too_many_arguments)]
fn count_cascade(
    conn: &Connection,
    file: &FileSchema,
    key: &str,
    table: &str,
    cond: &str,
    params: &[&dyn ToSql],
    changes: &mut Changes,
    depth: u32,
) -> rusqlite::Result<()> {
    let n: i64 = conn.query_row(
        &format!("SELECT count(*) FROM {table} WHERE {cond}"),
        params,
        |r| r.get(0),
    )?;
    changes.delete(key, n);
    if n == 0 || depth > 8 {
        return Ok(());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT m.name, f.\"from\", f.\"to\", upper(f.on_delete) FROM sqlite_master AS m,
                pragma_foreign_key_list(m.name) AS f
         WHERE m.type = 'table' AND f.\"table\" = ?1 COLLATE NOCASE",
    )?;
    let bare = table.trim_matches('"').replace("\"\"", "\"");
    let children: Vec<(String, String, Option<String>, String)> = stmt
        .query_map([&bare], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    drop(stmt);
    for (child, from, to, action) in children {
        let to = to.unwrap_or_else(|| "rowid".to_string());
        let child_cond = format!(
            "{} IN (SELECT {} FROM {table} WHERE {cond})",
            quote_ident(&from),
            quote_ident(&to),
        );
        let child_key = api_table_of(file, &child);
        let child_table = quote_ident(&child);
        match action.as_str() {
            "CASCADE" => count_cascade(
                conn,
                file,
                &child_key,
                &child_table,
                &child_cond,
                params,
                changes,
                depth + 1,
            )?,
            "SET NULL" | "SET DEFAULT" => {
                let n: i64 = conn.query_row(
                    &format!("SELECT count(*) FROM {child_table} WHERE {child_cond}"),
                    params,
                    |r| r.get(0),
                )?;
                changes.update(&child_key, n);
            }
            _ => {}
        }
    }
    Ok(())
}

/// updateProfileNotes(profileId, notes)
pub struct ProfileNotes {
    profile_id: i64,
    notes: Option<String>,
}

impl Operation for ProfileNotes {
    const NAME: &'static str = "updateProfileNotes";
    fn parse<A: Args>(a: &A) -> Result<Self> {
        let profile_id = a.id("profileId")?;
        // `notes` is required but may be null (clears them).
        if a.is_undefined("notes") {
            return Err(DbError::invalid(format!(
                "{}: notes must be a string, or null to clear them",
                Self::NAME
            )));
        }
        Ok(ProfileNotes {
            profile_id,
            notes: a.nullable_text("notes")?,
        })
    }
    fn execute(&self, db: &Database, _: Option<&Cancel>, out: &mut Out) -> Result<()> {
        edit(db, Self::NAME, out, |e| {
            let t = e.target(Table::IgProfiles)?;
            let sql = format!(
                "UPDATE {} SET notes = ?2 WHERE {}{} = ?1",
                t.table,
                t.only,
                t.id("profile_id")
            );
            e.update(t.api_name, &sql, params![self.profile_id, self.notes])
        })
    }
}

/// removeFilteredProfile(accountId, profileId)
pub struct RemoveFiltered {
    account_id: i64,
    profile_id: i64,
}

impl Operation for RemoveFiltered {
    const NAME: &'static str = "removeFilteredProfile";
    fn parse<A: Args>(a: &A) -> Result<Self> {
        Ok(RemoveFiltered {
            account_id: a.id("accountId")?,
            profile_id: a.id("profileId")?,
        })
    }
    fn execute(&self, db: &Database, _: Option<&Cancel>, out: &mut Out) -> Result<()> {
        edit(db, Self::NAME, out, |e| {
            let t = e.target(Table::IgFiltered)?;
            let cond = format!("{}account_id = ?1 AND profile_id = ?2", t.only);
            e.delete(
                t.api_name,
                &t.table,
                &cond,
                &[&self.account_id, &self.profile_id],
            )
        })
    }
}

/// Options of deleteSession.
#[derive(ts_rs::TS)]
#[ts(optional_fields)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeleteSessionOptions {
    /// Also delete the interactions recorded in this session. Default false.
    pub with_interactions: Option<bool>,
}

/// deleteSession(sessionId, { withInteractions })
pub struct DeleteSession {
    session_id: i64,
    with_interactions: bool,
}

impl Operation for DeleteSession {
    const NAME: &'static str = "deleteSession";
    fn parse<A: Args>(a: &A) -> Result<Self> {
        let session_id = a.id("sessionId")?;
        let o: DeleteSessionOptions = a.options("options")?;
        Ok(DeleteSession {
            session_id,
            with_interactions: o.with_interactions.unwrap_or(false),
        })
    }
    fn execute(&self, db: &Database, _: Option<&Cancel>, out: &mut Out) -> Result<()> {
        edit(db, Self::NAME, out, |e| {
            let t = e.target(Table::IgSessions)?;
            let cond = format!("{}{} = ?1", t.only, t.id("session_id"));
            e.delete(t.api_name, &t.table, &cond, &[&self.session_id])?;
            if self.with_interactions {
                // An interaction's session_id has no foreign key: explicit.
                let i = e.target(Table::IgInteractions)?;
                let cond = format!("{}session_id = ?1", i.only);
                e.delete(i.api_name, &i.table, &cond, &[&self.session_id])?;
            }
            Ok(())
        })
    }
}

/// deleteAccount(accountId): the account and everything its foreign keys cascade to.
pub struct DeleteAccount {
    account_id: i64,
}

impl Operation for DeleteAccount {
    const NAME: &'static str = "deleteAccount";
    fn parse<A: Args>(a: &A) -> Result<Self> {
        Ok(DeleteAccount {
            account_id: a.id("accountId")?,
        })
    }
    fn execute(&self, db: &Database, _: Option<&Cancel>, out: &mut Out) -> Result<()> {
        edit(db, Self::NAME, out, |e| {
            let t = e.target(Table::IgAccounts)?;
            if t.unified {
                // No foreign keys say what an account's data is on this layout,
                // and its ids are reused (the next account gets MAX + 1): rows
                // left behind in any of the bot's many per-account tables would
                // pass to the next account. Not the addon's call.
                return Err(e.unclear(
                    "deleting an account is not supported on the unified layout: its rows span tables the bot owns (DMs, notifications, comments, ...) with no foreign keys to say what goes with it, and the bot reuses a deleted account's id",
                ));
            }
            e.delete(t.api_name, &t.table, "account_id = ?1", &[&self.account_id])
        })
    }
}

/// Fields of a discovery campaign the app sets (createDiscoveryCampaign; updateDiscoveryCampaign
/// takes any of them, as DiscoveryCampaignPatch).
#[derive(ts_rs::TS, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DiscoveryCampaignInput {
    /// Non-empty.
    #[ts(type = "string")]
    pub name: Option<String>,
    /// The Instagram account it belongs to. null: none (on update, detaches it); left out: none
    /// on create, unchanged on update.
    #[ts(optional, type = "number | null")]
    pub account_id: Option<f64>,
    /// `accountId: null` itself (serde reads null and undefined alike): set by `parse`.
    #[serde(skip)]
    #[ts(skip)]
    pub account_null: bool,
    #[ts(optional)]
    pub niche_keywords: Option<Vec<String>>,
    #[ts(optional)]
    pub target_hashtags: Option<Vec<String>>,
    #[ts(optional)]
    pub target_accounts: Option<Vec<String>>,
    #[ts(optional)]
    pub target_post_urls: Option<Vec<String>>,
    /// Default "ACTIVE".
    #[ts(optional)]
    pub status: Option<String>,
}

impl DiscoveryCampaignInput {
    /// Argument `name` as a campaign's fields, `accountId: null` told apart
    /// from `accountId` left out or undefined.
    fn parse<A: Args>(a: &A, name: &str) -> Result<Self> {
        let mut input: DiscoveryCampaignInput = a.options(name)?;
        input.account_null = input.account_id.is_none() && a.member_is_null(name, "accountId");
        Ok(input)
    }
}

/// The settable columns, with their values as SQL parameters.
fn campaign_fields(
    func: &str,
    c: &DiscoveryCampaignInput,
) -> Result<Vec<(&'static str, rusqlite::types::Value)>> {
    use rusqlite::types::Value;
    let mut fields = Vec::new();
    if let Some(name) = &c.name {
        if name.trim().is_empty() {
            return Err(DbError::invalid(format!("{func}: name must not be empty")));
        }
        fields.push(("name", Value::Text(name.clone())));
    }
    if let Some(id) = c.account_id {
        let id = args::integer(func, "accountId", id, 0, 1 << 53)?;
        fields.push(("account_id", Value::Integer(id)));
    } else if c.account_null {
        fields.push(("account_id", Value::Null));
    }
    let lists = [
        ("niche_keywords", &c.niche_keywords),
        ("target_hashtags", &c.target_hashtags),
        ("target_accounts", &c.target_accounts),
        ("target_post_urls", &c.target_post_urls),
    ];
    for (col, list) in lists {
        if let Some(list) = list {
            // Stored as JSON text, the way Python writes these columns.
            let json = serde_json::to_string(list).map_err(|e| DbError::internal(e.to_string()))?;
            fields.push((col, Value::Text(json)));
        }
    }
    if let Some(status) = &c.status {
        if status.trim().is_empty() {
            return Err(DbError::invalid(format!(
                "{func}: status must not be empty"
            )));
        }
        fields.push(("status", Value::Text(status.clone())));
    }
    Ok(fields)
}

fn campaign_row_sql(file: &FileSchema) -> &'static str {
    crate::domain::sql(("discoveryCampaignRow", 0), file, || {
        format!(
            "SELECT {} FROM {} AS c WHERE c.campaign_id = ?1",
            columns(file, Table::DiscoveryCampaigns, "c"),
            file.rel(Table::DiscoveryCampaigns)
        )
    })
}

/// The discovery tables are where the legacy layout keeps them, or the write
/// is NOT_IN_THIS_FILE (the unified layout has no discovery).
fn discovery_here(db: &Database, what: &str, file: &FileSchema) -> Result<()> {
    let tables = [
        Table::DiscoveryCampaigns,
        Table::DiscoveryProgress,
        Table::DiscoveredProfiles,
    ];
    match tables
        .into_iter()
        .find(|t| !matches!(file.source(*t), Source::Table))
    {
        Some(t) => Err(db.not_in_file(what, file, t)),
        None => Ok(()),
    }
}

/// createDiscoveryCampaign(input): returns the new campaign row.
pub struct CreateCampaign {
    fields: Vec<(&'static str, rusqlite::types::Value)>,
}

impl Operation for CreateCampaign {
    const NAME: &'static str = "createDiscoveryCampaign";
    fn parse<A: Args>(a: &A) -> Result<Self> {
        let input = DiscoveryCampaignInput::parse(a, "input")?;
        if input.name.is_none() {
            return Err(DbError::invalid(format!(
                "{}: name is required",
                Self::NAME
            )));
        }
        Ok(CreateCampaign {
            fields: campaign_fields(Self::NAME, &input)?,
        })
    }
    fn execute(&self, db: &Database, _: Option<&Cancel>, out: &mut Out) -> Result<()> {
        db.write(Self::NAME, |conn, file| {
            discovery_here(db, Self::NAME, &file)?;
            let cols: Vec<&str> = self.fields.iter().map(|(c, _)| *c).collect();
            let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
            let values: Vec<&dyn ToSql> =
                self.fields.iter().map(|(_, v)| v as &dyn ToSql).collect();
            conn.execute(
                &format!(
                    "INSERT INTO discovery_campaigns ({}) VALUES ({})",
                    cols.join(", "),
                    marks.join(", ")
                ),
                values.as_slice(),
            )
            .map_err(db.sqlite_err(Self::NAME))?;
            let id = conn.last_insert_rowid();
            write_row(conn, campaign_row_sql(&file), [id], out)
                .map_err(db.sqlite_err(Self::NAME))?;
            Ok(())
        })
    }
}

/// updateDiscoveryCampaign(id, patch): the updated row, or null if there is none.
pub struct UpdateCampaign {
    campaign_id: i64,
    fields: Vec<(&'static str, rusqlite::types::Value)>,
}

impl Operation for UpdateCampaign {
    const NAME: &'static str = "updateDiscoveryCampaign";
    fn parse<A: Args>(a: &A) -> Result<Self> {
        let campaign_id = a.id("campaignId")?;
        let patch = DiscoveryCampaignInput::parse(a, "patch")?;
        let fields = campaign_fields(Self::NAME, &patch)?;
        if fields.is_empty() {
            return Err(DbError::invalid(format!(
                "{}: patch must set at least one field",
                Self::NAME
            )));
        }
        Ok(UpdateCampaign {
            campaign_id,
            fields,
        })
    }
    fn execute(&self, db: &Database, _: Option<&Cancel>, out: &mut Out) -> Result<()> {
        db.write(Self::NAME, |conn, file| {
            discovery_here(db, Self::NAME, &file)?;
            let sets: Vec<String> = self
                .fields
                .iter()
                .enumerate()
                .map(|(i, (c, _))| format!("{c} = ?{}", i + 2))
                .collect();
            let mut values: Vec<&dyn ToSql> = vec![&self.campaign_id];
            values.extend(self.fields.iter().map(|(_, v)| v as &dyn ToSql));
            conn.execute(
                &format!(
                    "UPDATE discovery_campaigns SET {}, updated_at = datetime('now') WHERE campaign_id = ?1",
                    sets.join(", ")
                ),
                values.as_slice(),
            )
            .map_err(db.sqlite_err(Self::NAME))?;
            write_row(conn, campaign_row_sql(&file), [self.campaign_id], out)
                .map_err(db.sqlite_err(Self::NAME))?;
            Ok(())
        })
    }
}

/// deleteDiscoveryCampaign(id): the campaign, its progress and found profiles.
pub struct DeleteCampaign {
    campaign_id: i64,
}

impl Operation for DeleteCampaign {
    const NAME: &'static str = "deleteDiscoveryCampaign";
    fn parse<A: Args>(a: &A) -> Result<Self> {
        Ok(DeleteCampaign {
            campaign_id: a.id("campaignId")?,
        })
    }
    fn execute(&self, db: &Database, _: Option<&Cancel>, out: &mut Out) -> Result<()> {
        edit(db, Self::NAME, out, |e| {
            discovery_here(e.db, Self::NAME, &e.file)?;
            let t = e.target(Table::DiscoveryCampaigns)?;
            e.delete(
                t.api_name,
                &t.table,
                "campaign_id = ?1",
                &[&self.campaign_id],
            )
        })
    }
}

/// setDiscoveredProfileStatus(profileId, status)
pub struct DiscoveredStatus {
    profile_id: i64,
    status: String,
}

impl Operation for DiscoveredStatus {
    const NAME: &'static str = "setDiscoveredProfileStatus";
    fn parse<A: Args>(a: &A) -> Result<Self> {
        Ok(DiscoveredStatus {
            profile_id: a.id("profileId")?,
            status: a.required_text("status")?,
        })
    }
    fn execute(&self, db: &Database, _: Option<&Cancel>, out: &mut Out) -> Result<()> {
        edit(db, Self::NAME, out, |e| {
            discovery_here(e.db, Self::NAME, &e.file)?;
            e.update(
                Table::DiscoveredProfiles.api_name(),
                "UPDATE discovered_profiles SET status = ?2 WHERE profile_id = ?1",
                params![self.profile_id, self.status],
            )
        })
    }
}

/// Options of pruneHistory.
#[derive(ts_rs::TS, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PruneOptions {
    /// Delete rows older than this many days (1..=3650). Required.
    // An Option so that leaving it out is an INVALID_ARGUMENT naming it.
    #[ts(type = "number")]
    pub older_than_days: Option<f64>,
    /// Count what would be deleted, delete nothing. Default false.
    #[ts(optional)]
    pub dry_run: Option<bool>,
}

/// The history pruneHistory trims, with its time column. Rows whose time
/// cannot be read are kept: nothing is deleted on a guess.
const PRUNED: &[(Table, &str)] = &[
    (Table::IgInteractions, "interaction_time"),
    (Table::TtInteractions, "interaction_time"),
    (Table::IgFiltered, "filtered_at"),
    (Table::TtFiltered, "filtered_at"),
];

pub struct Prune {
    cutoff_ms: i64,
    dry_run: bool,
}

impl Operation for Prune {
    const NAME: &'static str = "pruneHistory";
    fn parse<A: Args>(a: &A) -> Result<Self> {
        let o: PruneOptions = a.options("options")?;
        let days = match o.older_than_days {
            Some(d) => args::integer(Self::NAME, "olderThanDays", d, 1, 3650)?,
            None => {
                return Err(DbError::invalid(format!(
                    "{}: olderThanDays is required",
                    Self::NAME
                )))
            }
        };
        let now_ms = chrono::Utc::now().timestamp_millis();
        Ok(Prune {
            cutoff_ms: now_ms - days * 86_400_000,
            dry_run: o.dry_run.unwrap_or(false),
        })
    }
    fn execute(&self, db: &Database, _: Option<&Cancel>, out: &mut Out) -> Result<()> {
        edit(db, Self::NAME, out, |e| {
            e.changes.dry_run = self.dry_run;
            for &(table, col) in PRUNED {
                // What this file does not keep has nothing to prune.
                let Ok(t) = e.target(table) else {
                    continue;
                };
                let cond = format!("{}taktik_epoch_ms({col}) < ?1", t.only);
                if self.dry_run {
                    e.count_delete(t.api_name, &t.table, &cond, &[&self.cutoff_ms])?;
                } else {
                    e.delete(t.api_name, &t.table, &cond, &[&self.cutoff_ms])?;
                }
            }
            Ok(())
        })
    }
}

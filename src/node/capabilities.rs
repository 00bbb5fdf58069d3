//! What an open file supports, by API table or by method name: `db.supports()`.
//! A method is unsupported exactly when calling it fails with NOT_IN_THIS_FILE
//! (a test calls every method on every layout to hold this true).

use super::class::TaktikDatabase;
use super::error::to_napi;
use super::exports::READ_METHODS;
use crate::db::layout::{FileSchema, Source, Table};
use crate::query::args::Args;

/// Methods that work on any file (maintenance; the feed and pruneHistory
/// simply find nothing of what a file does not keep).
const ALWAYS: &[&str] = &[
    "backup",
    "checkpoint",
    "integrityCheck",
    "getDatabaseInfo",
    "optimize",
    "pruneHistory",
    "watch",
    "close",
    "supports",
    "tablesRead",
    // SQL the app writes: whatever it names, on any file.
    "query",
    // JS (lib/live.js): a read, re-run on change; where its read is not
    // supported, its runs report NOT_IN_THIS_FILE.
    "live",
];

/// The API tables read method `name` (its async or Sync name) reads: what
/// `db.tablesRead()` answers and what `db.live()` watches. None for a name
/// that is not a read.
pub(crate) fn tables_read(name: &str) -> Option<&'static [Table]> {
    let method = name.strip_suffix("Sync").unwrap_or(name);
    READ_METHODS
        .iter()
        .flatten()
        .find(|(n, _)| *n == method)
        .map(|(_, reads)| *reads)
}

/// Whether `name` (an API table, or a method with or without `Sync`) is supported
/// by `file`; None for a name that is neither.
pub(crate) fn supports(file: &FileSchema, name: &str) -> Option<bool> {
    if let Some(t) = Table::parse(name) {
        return Some(file.supports(t));
    }
    let method = name.strip_suffix("Sync").unwrap_or(name);
    if let Some(reads) = tables_read(method) {
        return Some(file.missing(reads).is_none());
    }
    let here = |t: Table| !matches!(file.source(t), Source::Missing | Source::Empty(_));
    let legacy = |t: Table| matches!(file.source(t), Source::Table);
    Some(match method {
        "updateProfileNotes" => here(Table::IgProfiles),
        "removeFilteredProfile" => here(Table::IgFiltered),
        "deleteSession" => here(Table::IgSessions),
        // Not on the unified layout (writes.rs says why).
        "deleteAccount" => here(Table::IgAccounts) && !file.is_unified(Table::IgAccounts),
        "createDiscoveryCampaign"
        | "updateDiscoveryCampaign"
        | "deleteDiscoveryCampaign"
        | "setDiscoveredProfileStatus" => [
            Table::DiscoveryCampaigns,
            Table::DiscoveryProgress,
            Table::DiscoveredProfiles,
        ]
        .into_iter()
        .all(legacy),
        // Each kind reads getProfiles', getInteractions' or getScrapedProfiles' tables.
        "exportCsv" => ["getProfiles", "getInteractions", "getScrapedProfiles"]
            .iter()
            .any(|m| supports(file, m) == Some(true)),
        m if ALWAYS.contains(&m) => true,
        _ => return None,
    })
}

#[napi_derive::napi]
impl TaktikDatabase {
    /// Whether this file keeps an API table ("discoveryCampaigns") or supports a method
    /// ("getPosts", "deleteAccount", their Sync forms too): false when calling
    /// it would fail with NOT_IN_THIS_FILE. A panel can hide itself instead of
    /// catching errors.
    #[napi(ts_args_type = "name: ApiTable | TaktikMethod")]
    pub fn supports(&self, env: napi::Env, name: napi::Unknown) -> napi::Result<bool> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.db.ensure_open()?;
            let values = [Some(&name)];
            let name = super::args::JsArgs::new(&env, "supports", &["name"], &values).text("name")?;
            let file = self.db.current_file();
            supports(&file, &name).ok_or_else(|| {
                let tables: Vec<&str> = Table::ALL.iter().map(|t| t.api_name()).collect();
                crate::base::error::DbError::invalid(format!(
                    "supports: {name:?} is neither an API table ({}) nor a method of TaktikDatabase",
                    tables.join(", ")
                ))
            })
        }))
        .unwrap_or_else(|p| Err(crate::base::error::from_panic(p, "supports")))
        .map_err(|e| to_napi(&env, e))
    }
}

#[napi_derive::napi]
impl TaktikDatabase {
    /// The API tables a read method reads ("getProfiles": ["interactions",
    /// "profiles"]), the same names on every layout: what `watch` reports and
    /// what `live` re-runs on. INVALID_ARGUMENT for a name that is not a read.
    #[napi(ts_args_type = "name: ReadMethod", ts_return_type = "ApiTable[]")]
    pub fn tables_read(&self, env: napi::Env, name: napi::Unknown) -> napi::Result<Vec<String>> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            // Like every call after close(), even though the answer is static.
            self.db.ensure_open()?;
            let values = [Some(&name)];
            let name =
                super::args::JsArgs::new(&env, "tablesRead", &["name"], &values).text("name")?;
            tables_read(&name)
                .map(|reads| reads.iter().map(|t| t.api_name().to_string()).collect())
                .ok_or_else(|| {
                    let reads: Vec<&str> = READ_METHODS.iter().flatten().map(|(n, _)| *n).collect();
                    crate::base::error::DbError::invalid(format!(
                        "tablesRead: {name:?} is not a read method of TaktikDatabase ({})",
                        reads.join(", ")
                    ))
                })
        }))
        .unwrap_or_else(|p| Err(crate::base::error::from_panic(p, "tablesRead")))
        .map_err(|e| to_napi(&env, e))
    }
}

//! Every function of `TaktikDatabase`, in one table: its query or operation
//! type (one hop to its SQL), its JS name in both forms, its TypeScript types
//! and its arguments, by the names `parse` asks for them. Instagram and TikTok
//! pairs sit side by side.
//!
//! `read` entries are reads: their async form takes a trailing `{ signal,
//! timeoutMs }` and runs in a read slot. `op` entries are writes and
//! maintenance: never cut off halfway (a write commits or rolls back whole).

use super::class::TaktikDatabase;
use crate::domain::{
    accounts, activity, discovery, interactions, profiles, scraping, sessions, stats, tiktok,
    Instagram, TikTok,
};
use crate::ops::{backup, export, maintenance, upgrade, writes};

/// Declares each entry as two methods of `TaktikDatabase`, `name` (a Promise:
/// the work runs on the libuv threadpool) and `nameSync` (the same work on the
/// calling thread). Both return exactly the same data: both parse with the
/// query's `parse` and run `query::answer`. Each entry expands to its own
/// `#[napi] impl` block: napi-derive reads the methods before inner macros
/// would expand. Methods are `pub` because napi-derive requires it; the
/// crate is private, so the types they name may be `pub(crate)`.
macro_rules! exports {
    ($(
        $(#[$meta:meta])*
        $kind:ident $query:ty => $async_fn:ident, $sync_fn:ident, $ts:literal, $ts_promise:literal $(<$gen:literal>)?,
            ($($req:ident : $req_ts:literal),*), ($($opt:ident : $opt_ts:literal),*)
            $(, async $call:ident : $call_ts:literal [$($extra:literal),*])?;
    )*) => {
        $(
            exports!(@entry $kind [$(#[$meta])*] $query => $async_fn, $sync_fn, $ts, $ts_promise, [$($gen)?],
                ($($req : $req_ts),*), ($($opt : $opt_ts),*) ($($call : $call_ts [$($extra),*])?));
        )*

        /// Every read's JS name and the API tables it reads (for `supports`).
        pub(crate) const READ_METHODS: &[Option<(&str, &[crate::db::layout::Table])>] =
            &[$(exports!(@reads $kind $query)),*];

        /// Every read's Sync form, for its fast path (node/fast.rs); lib/deliver.js
        /// calls them by index.
        pub(crate) const SYNC_READS: &[Option<crate::node::fast::SyncRead>] = &[$(
            exports!(@fast $kind $query => $sync_fn, ($($req),*), ($($opt),*))
        ),*];
    };
    (@fast read $query:ty => $sync_fn:ident, ($($req:ident),*), ($($opt:ident),*)) => {
        Some((
            stringify!($sync_fn),
            &[$(stringify!($req),)* $(stringify!($opt),)*],
            <[&str]>::len(&[$(stringify!($req)),*]),
            crate::node::fast::read::<$query>,
        ))
    };
    (@fast op $query:ty => $sync_fn:ident, ($($req:ident),*), ($($opt:ident),*)) => { None };
    (@reads read $query:ty) => {
        Some((<$query as crate::query::Read>::NAME, <$query as crate::query::Read>::READS))
    };
    (@reads op $query:ty) => { None };
    (@entry read [$($meta:tt)*] $query:ty => $async_fn:ident, $sync_fn:ident, $ts:literal, $ts_promise:literal, [],
        ($($req:ident : $req_ts:literal),*), ($($opt:ident : $opt_ts:literal),*) ()) => {
        #[napi_derive::napi]
        impl TaktikDatabase {
            $($meta)*
            #[napi(ts_return_type = $ts_promise)]
            #[allow(non_snake_case, private_interfaces)]
            pub fn $async_fn(
                &self,
                env: napi::Env,
                $(#[napi(ts_arg_type = $req_ts)] $req: napi::Unknown,)*
                $(#[napi(ts_arg_type = $opt_ts)] $opt: Option<napi::Unknown>,)*
                #[napi(ts_arg_type = "CallOptions")] call: Option<napi::Unknown>,
            ) -> napi::bindgen_prelude::AsyncTask<crate::node::task::CallTask<crate::query::Reading<$query>>> {
                let job = exports!(@parse read self env $query, ($($req),*) ($($opt),*));
                napi::bindgen_prelude::AsyncTask::new(crate::node::task::CallTask::read(self.db.clone(), &env, job, call.as_ref()))
            }

            $($meta)*
            #[napi(ts_return_type = $ts)]
            #[allow(non_snake_case, private_interfaces)]
            pub fn $sync_fn(
                &self,
                env: napi::Env,
                $(#[napi(ts_arg_type = $req_ts)] $req: napi::Unknown,)*
                $(#[napi(ts_arg_type = $opt_ts)] $opt: Option<napi::Unknown>,)*
            ) -> napi::Result<crate::node::deliver::SyncAnswer<crate::query::Reading<$query>>> {
                // napi-rs checked `self`: lib/deliver.js's function for this read
                // may now take the fast path with it.
                crate::node::fast::seen(self);
                let job = exports!(@parse read self env $query, ($($req),*) ($($opt),*));
                crate::node::task::run_sync(&env, &self.db, job)
            }
        }
    };
    // An operation; with `async name: "Type" [extra keys]`, its async form
    // takes a trailing `{ signal, timeoutMs, ...extra }` (the extra keys are
    // the operation's own, read by its `parse` under `name`). With
    // `<"K extends ...">` after its types, both forms are generic in K (an
    // argument's type may then depend on another's).
    (@entry op [$($meta:tt)*] $query:ty => $async_fn:ident, $sync_fn:ident, $ts:literal, $ts_promise:literal, [$($gen:literal)?],
        ($($req:ident : $req_ts:literal),*), ($($opt:ident : $opt_ts:literal),*)
        ($($call:ident : $call_ts:literal [$($extra:literal),*])?)) => {
        #[napi_derive::napi]
        impl TaktikDatabase {
            $($meta)*
            #[napi(ts_return_type = $ts_promise $(, ts_generic_types = $gen)?)]
            #[allow(non_snake_case, private_interfaces)]
            pub fn $async_fn(
                &self,
                env: napi::Env,
                $(#[napi(ts_arg_type = $req_ts)] $req: napi::Unknown,)*
                $(#[napi(ts_arg_type = $opt_ts)] $opt: Option<napi::Unknown>,)*
                $(#[napi(ts_arg_type = $call_ts)] $call: Option<napi::Unknown>,)?
            ) -> napi::bindgen_prelude::AsyncTask<crate::node::task::CallTask<crate::query::Operating<$query>>> {
                let job = exports!(@parse op self env $query, ($($req),*) ($($opt,)* $($call)?));
                let task = exports!(@op_task self env job $($call [$($extra),*])?);
                napi::bindgen_prelude::AsyncTask::new(task)
            }

            $($meta)*
            #[napi(ts_return_type = $ts $(, ts_generic_types = $gen)?)]
            #[allow(non_snake_case, private_interfaces)]
            pub fn $sync_fn(
                &self,
                env: napi::Env,
                $(#[napi(ts_arg_type = $req_ts)] $req: napi::Unknown,)*
                $(#[napi(ts_arg_type = $opt_ts)] $opt: Option<napi::Unknown>,)*
            ) -> napi::Result<crate::node::deliver::SyncAnswer<crate::query::Operating<$query>>> {
                let job = exports!(@parse op self env $query, ($($req),*) ($($opt),*));
                crate::node::task::run_sync(&env, &self.db, job)
            }
        }
    };
    (@op_task $self:ident $env:ident $job:ident) => {
        crate::node::task::CallTask::operation($self.db.clone(), &$env, $job)
    };
    (@op_task $self:ident $env:ident $job:ident $call:ident [$($extra:literal),*]) => {
        crate::node::task::CallTask::operation_with($self.db.clone(), &$env, $job, $call.as_ref(), &[$($extra),*])
    };
    // The arguments by name, then the query's own `parse`, panics caught.
    (@parse $kind:ident $self:ident $env:ident $query:ty, ($($req:ident),*) ($($opt:ident),* $(,)?)) => {{
        let values = [$(Some(&$req),)* $($opt.as_ref(),)*];
        crate::node::task::parse(&$self.db, || {
            let args = crate::node::args::JsArgs::new(
                &$env,
                exports!(@name $kind $query),
                &[$(stringify!($req),)* $(stringify!($opt),)*],
                &values,
            );
            exports!(@wrap $kind $query, &args)
        })
    }};
    (@name read $query:ty) => { <$query as crate::query::Read>::NAME };
    (@name op $query:ty) => { <$query as crate::query::Operation>::NAME };
    (@wrap read $query:ty, $args:expr) => {
        <$query as crate::query::Read>::parse($args).map(crate::query::Reading)
    };
    (@wrap op $query:ty, $args:expr) => {
        <$query as crate::query::Operation>::parse($args).map(crate::query::Operating)
    };
}

exports! {
    // ---- Accounts
    #[doc = "Every Instagram account in the file, by id."]
    read accounts::Accounts<Instagram> => get_accounts, get_accounts_sync, "Account[]", "Promise<Account[]>",
        (), ();
    #[doc = "Every TikTok account in the file, by id."]
    read accounts::Accounts<TikTok> => get_tik_tok_accounts, get_tik_tok_accounts_sync, "TikTokAccount[]", "Promise<TikTokAccount[]>",
        (), ();
    #[doc = "One Instagram account by id, or null (deleted, or never there): the per-account reads answer [] or zeros either way."]
    read accounts::AccountById<Instagram> => get_account, get_account_sync, "Account | null", "Promise<Account | null>",
        (accountId: "number"), ();
    #[doc = "One TikTok account by id, or null (deleted, or never there): the per-account reads answer [] or zeros either way."]
    read accounts::AccountById<TikTok> => get_tik_tok_account, get_tik_tok_account_sync, "TikTokAccount | null", "Promise<TikTokAccount | null>",
        (accountId: "number"), ();
    // ---- Sessions
    #[doc = "Sessions of an Instagram account, newest first."]
    read sessions::Sessions<Instagram> => get_sessions, get_sessions_sync, "Paged<Session>", "Promise<Paged<Session>>",
        (accountId: "number"), (options: "SessionQuery");
    #[doc = "Sessions of a TikTok account, newest first."]
    read sessions::Sessions<TikTok> => get_tik_tok_sessions, get_tik_tok_sessions_sync, "Paged<TikTokSession>", "Promise<Paged<TikTokSession>>",
        (accountId: "number"), (options: "SessionQuery");
    #[doc = "One Instagram session by id, or null."]
    read sessions::SessionById<Instagram> => get_session, get_session_sync, "Session | null", "Promise<Session | null>",
        (sessionId: "number"), ();
    #[doc = "One TikTok session by id, or null."]
    read sessions::SessionById<TikTok> => get_tik_tok_session, get_tik_tok_session_sync, "TikTokSession | null", "Promise<TikTokSession | null>",
        (sessionId: "number"), ();
    #[doc = "How many sessions getSessions would return without limit/offset."]
    read sessions::CountSessions<Instagram> => count_sessions, count_sessions_sync, "number", "Promise<number>",
        (accountId: "number"), (options: "SessionQuery");
    #[doc = "How many sessions getTikTokSessions would return without limit/offset."]
    read sessions::CountSessions<TikTok> => count_tik_tok_sessions, count_tik_tok_sessions_sync, "number", "Promise<number>",
        (accountId: "number"), (options: "SessionQuery");
    #[doc = "Interaction totals of one session, counted from interaction_history."]
    read sessions::SessionStats => get_session_stats, get_session_stats_sync, "SessionStats", "Promise<SessionStats>",
        (sessionId: "number"), ();
    // ---- Daily stats
    #[doc = "One row per local calendar day, oldest first, days without a row zero-filled: `days` (1..=3650)"]
    #[doc = "ending today, or every date of `{ from, to }` (local `YYYY-MM-DD`, inclusive)."]
    read stats::DailyStats<Instagram> => get_daily_stats, get_daily_stats_sync, "DailyStatsDay[]", "Promise<DailyStatsDay[]>",
        (accountId: "number", days: "number | DayRange"), ();
    #[doc = "One row per local calendar day, oldest first, days without a row zero-filled: `days` (1..=3650)"]
    #[doc = "ending today, or every date of `{ from, to }` (local `YYYY-MM-DD`, inclusive)."]
    read stats::DailyStats<TikTok> => get_tik_tok_daily_stats, get_tik_tok_daily_stats_sync, "TikTokDailyStatsDay[]", "Promise<TikTokDailyStatsDay[]>",
        (accountId: "number", days: "number | DayRange"), ();
    #[doc = "Instagram interactions counted by local day, hour, type and/or account, with the success/failure split."]
    read activity::Activity<Instagram> => get_activity, get_activity_sync, "ActivityRow[]", "Promise<ActivityRow[]>",
        (), (options: "ActivityQuery");
    #[doc = "TikTok interactions counted by local day, hour, type and/or account, with the success/failure split."]
    read activity::Activity<TikTok> => get_tik_tok_activity, get_tik_tok_activity_sync, "ActivityRow[]", "Promise<ActivityRow[]>",
        (), (options: "ActivityQuery");
    // ---- Interactions
    #[doc = "Interactions of an Instagram account (null: of every account, e.g. with `sessionId`), newest first, with the profile's username."]
    read interactions::Interactions<Instagram> => get_interactions, get_interactions_sync, "Paged<InteractionWithUsername>", "Promise<Paged<InteractionWithUsername>>",
        (accountId: "number | null"), (options: "InteractionQuery");
    #[doc = "Interactions of a TikTok account (null: of every account, e.g. with `sessionId`), newest first, with the profile's username."]
    read interactions::Interactions<TikTok> => get_tik_tok_interactions, get_tik_tok_interactions_sync, "Paged<TikTokInteractionWithUsername>", "Promise<Paged<TikTokInteractionWithUsername>>",
        (accountId: "number | null"), (options: "InteractionQuery");
    #[doc = "How many interactions getInteractions would return without limit/offset."]
    read interactions::CountInteractions<Instagram> => count_interactions, count_interactions_sync, "number", "Promise<number>",
        (accountId: "number | null"), (options: "InteractionQuery");
    #[doc = "How many interactions getTikTokInteractions would return without limit/offset."]
    read interactions::CountInteractions<TikTok> => count_tik_tok_interactions, count_tik_tok_interactions_sync, "number", "Promise<number>",
        (accountId: "number | null"), (options: "InteractionQuery");
    // ---- Profiles
    #[doc = "Profiles this Instagram account has interacted with: every profile column plus"]
    #[doc = "interactionCount and lastInteractionAt. Default order: latest interaction first."]
    read profiles::Profiles => get_profiles, get_profiles_sync, "Paged<ProfileWithInteractions>", "Promise<Paged<ProfileWithInteractions>>",
        (accountId: "number"), (options: "ProfileQuery");
    #[doc = "TikTok profiles, newest first."]
    read tiktok::TikTokProfiles => get_tik_tok_profiles, get_tik_tok_profiles_sync, "Paged<TikTokProfile>", "Promise<Paged<TikTokProfile>>",
        (), (options: "TikTokProfileQuery");
    #[doc = "How many profiles getProfiles would return without limit/offset."]
    read profiles::CountProfiles => count_profiles, count_profiles_sync, "number", "Promise<number>",
        (accountId: "number"), (options: "ProfileQuery");
    #[doc = "One profile by id (number) or username (string, `@` optional), or null."]
    read profiles::ProfileLookup => get_profile, get_profile_sync, "Profile | null", "Promise<Profile | null>",
        (usernameOrId: "string | number"), ();
    #[doc = "Profiles the bot filtered out for this Instagram account, newest first."]
    read profiles::FilteredProfiles<Instagram> => get_filtered_profiles, get_filtered_profiles_sync, "Paged<FilteredProfile>", "Promise<Paged<FilteredProfile>>",
        (accountId: "number"), (options: "PageQuery");
    #[doc = "Profiles the bot filtered out for this TikTok account, newest first."]
    read profiles::FilteredProfiles<TikTok> => get_tik_tok_filtered_profiles, get_tik_tok_filtered_profiles_sync, "Paged<TikTokFilteredProfile>", "Promise<Paged<TikTokFilteredProfile>>",
        (accountId: "number"), (options: "PageQuery");
    #[doc = "Snapshots of a profile's counters over time, oldest first."]
    read profiles::StatsHistory => get_profile_stats_history, get_profile_stats_history_sync, "ProfileStatsSnapshot[]", "Promise<ProfileStatsSnapshot[]>",
        (profileId: "number"), ();
    #[doc = "Instagram posts (scraped or scheduled), newest first."]
    read profiles::Posts => get_posts, get_posts_sync, "Paged<Post>", "Promise<Paged<Post>>",
        (), (options: "PostQuery");
    // ---- Scraping
    #[doc = "Scraping runs, newest first."]
    read scraping::ScrapingSessions => get_scraping_sessions, get_scraping_sessions_sync, "Paged<ScrapingSession>", "Promise<Paged<ScrapingSession>>",
        (), (options: "ScrapingSessionQuery");
    #[doc = "One scraping run by id, or null."]
    read scraping::ScrapingSession => get_scraping_session, get_scraping_session_sync, "ScrapingSession | null", "Promise<ScrapingSession | null>",
        (id: "number"), ();
    #[doc = "Profiles a scraping run collected, in scrape order, with a summary of each profile."]
    read scraping::ScrapedProfiles => get_scraped_profiles, get_scraped_profiles_sync, "Paged<ScrapedProfileWithProfile>", "Promise<Paged<ScrapedProfileWithProfile>>",
        (scrapingId: "number"), (options: "ScrapedProfileQuery");
    #[doc = "Scraped comments, newest first."]
    read scraping::ScrapedComments => get_scraped_comments, get_scraped_comments_sync, "Paged<ScrapedComment>", "Promise<Paged<ScrapedComment>>",
        (), (options: "ScrapedCommentQuery");
    #[doc = "Hashtag posts this account already processed, newest first."]
    read scraping::HashtagPosts => get_processed_hashtag_posts, get_processed_hashtag_posts_sync, "Paged<ProcessedHashtagPost>", "Promise<Paged<ProcessedHashtagPost>>",
        (accountId: "number"), (options: "HashtagPostQuery");
    // ---- Discovery
    #[doc = "Discovery campaigns, newest first; all of them, or one account's."]
    read discovery::Campaigns => get_discovery_campaigns, get_discovery_campaigns_sync, "DiscoveryCampaign[]", "Promise<DiscoveryCampaign[]>",
        (), (accountId: "number | null");
    #[doc = "Resume state of a campaign, one row per source."]
    read discovery::Progress => get_discovery_progress, get_discovery_progress_sync, "DiscoveryProgress[]", "Promise<DiscoveryProgress[]>",
        (campaignId: "number"), ();
    #[doc = "Profiles a campaign discovered, in discovery order."]
    read discovery::Discovered => get_discovered_profiles, get_discovered_profiles_sync, "Paged<DiscoveredProfile>", "Promise<Paged<DiscoveredProfile>>",
        (campaignId: "number"), (options: "DiscoveredProfileQuery");
    // ---- Writes (ops/writes.rs)
    #[doc = "Sets (or, with null, clears) the app's notes on an Instagram profile."]
    op writes::ProfileNotes => update_profile_notes, update_profile_notes_sync, "WriteResult", "Promise<WriteResult>",
        (profileId: "number", notes: "string | null"), ();
    #[doc = "Removes a profile from an account's filtered list (the bot may then interact with it again)."]
    op writes::RemoveFiltered => remove_filtered_profile, remove_filtered_profile_sync, "WriteResult", "Promise<WriteResult>",
        (accountId: "number", profileId: "number"), ();
    #[doc = "Deletes a session; with `withInteractions`, also the interactions recorded in it. Daily stats are left as they are."]
    op writes::DeleteSession => delete_session, delete_session_sync, "WriteResult", "Promise<WriteResult>",
        (sessionId: "number"), (options: "DeleteSessionOptions");
    #[doc = "Deletes an Instagram account and, through the schema's foreign keys, its sessions, stats, interactions, filtered profiles, posts and processed posts (campaigns and scraping sessions are kept, unlinked)."]
    op writes::DeleteAccount => delete_account, delete_account_sync, "WriteResult", "Promise<WriteResult>",
        (accountId: "number"), ();
    #[doc = "Creates a discovery campaign and returns it."]
    op writes::CreateCampaign => create_discovery_campaign, create_discovery_campaign_sync, "DiscoveryCampaign", "Promise<DiscoveryCampaign>",
        (input: "DiscoveryCampaignInput"), ();
    #[doc = "Changes the given fields of a campaign (and its updatedAt; `accountId: null` detaches it from its account); returns it, or null if there is no such campaign."]
    op writes::UpdateCampaign => update_discovery_campaign, update_discovery_campaign_sync, "DiscoveryCampaign | null", "Promise<DiscoveryCampaign | null>",
        (campaignId: "number", patch: "DiscoveryCampaignPatch"), ();
    #[doc = "Deletes a campaign with its progress and discovered profiles (scraping sessions are kept, unlinked)."]
    op writes::DeleteCampaign => delete_discovery_campaign, delete_discovery_campaign_sync, "WriteResult", "Promise<WriteResult>",
        (campaignId: "number"), ();
    #[doc = "Sets a discovered profile's status (new, qualified, rejected, ...)."]
    op writes::DiscoveredStatus => set_discovered_profile_status, set_discovered_profile_status_sync, "WriteResult", "Promise<WriteResult>",
        (profileId: "number", status: "string"), ();
    #[doc = "Deletes interactions and filtered profiles (Instagram and TikTok) older than `olderThanDays`; `dryRun` only counts. Rows with unreadable times are kept."]
    op writes::Prune => prune_history, prune_history_sync, "WriteResult", "Promise<WriteResult>",
        (options: "PruneOptions"), ();
    // ---- Maintenance (ops/maintenance.rs)
    #[doc = "Copies the database to `destPath` with SQLite's online backup, from one consistent snapshot (correct while Python writes). Refuses the live file; FILE_EXISTS unless `overwrite`."]
    op backup::Backup => backup, backup_sync, "BackupResult", "Promise<BackupResult>",
        (destPath: "string"), (options: "BackupOptions");
    #[doc = "Moves a legacy file (the bot before June 2026) to the unified layout the current bot expects, in one transaction, losing no row: the current bot cannot start on a legacy file by itself. Takes an online backup beside the file first (`backup: false` skips it) and keeps what the unified layout has no home for (posts, scraped comments, discovery) in `extrasPath`. On a file already unified it does nothing (`upgraded: false`); on any other it refuses with NOT_LEGACY. `dryRun` only says what would move."]
    op upgrade::Upgrade => upgrade_to_unified, upgrade_to_unified_sync, "UpgradeResult", "Promise<UpgradeResult>",
        (), (options: "UpgradeOptions");
    #[doc = "Runs a WAL checkpoint: PASSIVE (default), FULL, RESTART or TRUNCATE."]
    op maintenance::Checkpoint => checkpoint, checkpoint_sync, "CheckpointResult", "Promise<CheckpointResult>",
        (), (mode: "CheckpointMode");
    #[doc = "PRAGMA integrity_check (or quick_check): `ok`, or up to 100 problems."]
    op maintenance::Integrity => integrity_check, integrity_check_sync, "IntegrityResult", "Promise<IntegrityResult>",
        (), (options: "IntegrityOptions");
    #[doc = "Facts about the file: sizes, pages, journal mode, SQLite version, rows per table, the WAL guard."]
    op maintenance::Info => get_database_info, get_database_info_sync, "DatabaseInfo", "Promise<DatabaseInfo>",
        (), ();
    #[doc = "PRAGMA optimize: refreshes the query planner's statistics where useful."]
    op maintenance::Optimize => optimize, optimize_sync, "OptimizeResult", "Promise<OptimizeResult>",
        (), ();
    #[doc = "Writes every row matching `filters` to a CSV file (RFC 4180, CRLF; `bom: true` for Excel), in the listing's order from one snapshot, streamed as it is read. Returns the rows written. The async form can be cancelled (`signal`, `timeoutMs`: nothing is left behind) and reports progress (`onProgress`)."]
    op export::Export => export_csv, export_csv_sync, "ExportResult", "Promise<ExportResult>" <"K extends ExportKind">,
        (kind: "K", destPath: "string", filters: "ExportFilters<K>"), (), async options: "ExportOptions" ["onProgress"];
}

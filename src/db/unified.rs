//! The unified layout exactly as the current bot creates it: the `sql` of
//! every table, index and view of a file the bot (revision 6810e804, August
//! 2026) made on an empty file, in creation order, verbatim (`sqlite_master`
//! stores the text as written, so a file made from these statements has the
//! same schema text as the bot's; comments inside the table bodies included).
//! `openDatabase({ layout: 'unified' })` runs them on an empty file; the bot's
//! own start then finds everything in place. `../shared/python-side/unified/
//! schema.json` is the contract (a test compares the two).
//!
//! `gmail_accounts` is a view over `account_device_history`, a table only the
//! desktop app creates: on a file without it the view cannot be read, exactly
//! as on a file the bot made.

/// In creation order: tables before the indexes and views that name them.
pub const DDL: &[&str] = &[
    // table filtered_profiles
    r#"CREATE TABLE filtered_profiles (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            platform TEXT NOT NULL DEFAULT 'instagram',
            profile_id INTEGER NOT NULL,
            account_id INTEGER NOT NULL,
            username TEXT NOT NULL,
            filtered_at TEXT DEFAULT (datetime('now')),
            reason TEXT,
            source_type TEXT DEFAULT 'GENERAL',
            source_name TEXT DEFAULT 'unknown',
            session_id INTEGER,
            sync_id TEXT,
            UNIQUE(platform, profile_id, account_id)
        )"#,
    // table profile_stats_history
    r#"CREATE TABLE profile_stats_history (
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
            recorded_at TEXT DEFAULT (datetime('now'))
            -- profile_id FK to instagram_profiles dropped (Vague B: profiles unified; legacy is a view)
        )"#,
    // table scraping_sessions
    r#"CREATE TABLE scraping_sessions (
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
            platform TEXT DEFAULT 'instagram',
            sync_id TEXT,
            created_at TEXT DEFAULT (datetime('now'))
            -- account_id FK to instagram_accounts dropped (Vague B: accounts unified/legacy dropped)
            -- sync_id = stable cross-device key (Turso); NULL until assigned at row creation.
        )"#,
    // table processed_hashtag_posts
    r#"CREATE TABLE processed_hashtag_posts (
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
            UNIQUE(account_id, hashtag, post_author, post_caption_hash)
        )"#,
    // table scraped_profiles
    r#"CREATE TABLE scraped_profiles (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            platform TEXT NOT NULL DEFAULT 'instagram',
            scraping_id INTEGER NOT NULL,
            profile_id INTEGER NOT NULL,
            scraped_at TEXT DEFAULT (datetime('now')),
            is_enriched INTEGER DEFAULT 0,
            source_post_url TEXT,
            ai_score INTEGER,
            ai_qualified INTEGER DEFAULT 0,
            ai_analysis TEXT,
            qualification_criteria TEXT,
            scored_at TEXT,
            UNIQUE(scraping_id, profile_id)
        )"#,
    // table profile_ai_enrichments
    r#"CREATE TABLE profile_ai_enrichments (
            enrichment_id INTEGER PRIMARY KEY AUTOINCREMENT,
            platform TEXT NOT NULL,
            profile_id INTEGER,
            username TEXT NOT NULL,
            provider TEXT NOT NULL DEFAULT 'legacy',
            model TEXT NOT NULL DEFAULT 'legacy',
            criteria_hash TEXT NOT NULL DEFAULT 'legacy_profile_ai',
            ai_niche TEXT,
            ai_specific_niche TEXT,
            ai_score INTEGER,
            ai_classification TEXT,
            ai_profession TEXT,
            ai_profession_tags TEXT,
            ai_gender TEXT,
            ai_age_group TEXT,
            ai_account_based_in TEXT,
            location_city TEXT,
            location_region TEXT,
            analysis_json TEXT,
            source TEXT NOT NULL DEFAULT 'ai',
            created_at TEXT DEFAULT (datetime('now')),
            updated_at TEXT DEFAULT (datetime('now')),
            UNIQUE(platform, username, criteria_hash, provider, model)
        )"#,
    // index idx_filtered_account
    r#"CREATE INDEX idx_filtered_account ON filtered_profiles(account_id)"#,
    // index idx_filtered_username
    r#"CREATE INDEX idx_filtered_username ON filtered_profiles(username)"#,
    // index idx_filtered_profiles_sync_id
    r#"CREATE UNIQUE INDEX idx_filtered_profiles_sync_id ON filtered_profiles(sync_id)"#,
    // index idx_scraping_sessions_status
    r#"CREATE INDEX idx_scraping_sessions_status ON scraping_sessions(status)"#,
    // index idx_scraping_sessions_source
    r#"CREATE INDEX idx_scraping_sessions_source ON scraping_sessions(source_type, source_name)"#,
    // index idx_scraping_sessions_type
    r#"CREATE INDEX idx_scraping_sessions_type ON scraping_sessions(scraping_type, start_time DESC)"#,
    // index idx_processed_hashtag_posts_lookup
    r#"CREATE INDEX idx_processed_hashtag_posts_lookup ON processed_hashtag_posts(account_id, hashtag, post_author)"#,
    // index idx_scraped_profiles_session
    r#"CREATE INDEX idx_scraped_profiles_session ON scraped_profiles(scraping_id)"#,
    // index idx_scraped_profiles_profile
    r#"CREATE INDEX idx_scraped_profiles_profile ON scraped_profiles(profile_id)"#,
    // index idx_profile_ai_enrichments_lookup
    r#"CREATE INDEX idx_profile_ai_enrichments_lookup ON profile_ai_enrichments(platform, username)"#,
    // index idx_profile_ai_enrichments_profile
    r#"CREATE INDEX idx_profile_ai_enrichments_profile ON profile_ai_enrichments(platform, profile_id)"#,
    // index idx_profile_ai_enrichments_score
    r#"CREATE INDEX idx_profile_ai_enrichments_score ON profile_ai_enrichments(platform, ai_score)"#,
    // index idx_profile_ai_enrichments_updated
    r#"CREATE INDEX idx_profile_ai_enrichments_updated ON profile_ai_enrichments(updated_at)"#,
    // table profile_following
    r#"CREATE TABLE profile_following (
            id                 INTEGER PRIMARY KEY AUTOINCREMENT,
            profile_username   TEXT NOT NULL,
            profile_id         INTEGER,
            following_username TEXT NOT NULL,
            following_id       INTEGER,
            session_id         TEXT,
            discovered_at      TEXT DEFAULT (datetime('now')), niche_category TEXT, niche TEXT, gender TEXT, classified_at TEXT,
            UNIQUE(profile_username, following_username)
        )"#,
    // index idx_profile_following_profile
    r#"CREATE INDEX idx_profile_following_profile ON profile_following(profile_username)"#,
    // index idx_profile_following_following
    r#"CREATE INDEX idx_profile_following_following ON profile_following(following_username)"#,
    // table dm_threads
    r#"CREATE TABLE dm_threads (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            platform TEXT NOT NULL DEFAULT 'instagram',
            account_id INTEGER NOT NULL,            -- accounts.legacy_account_id (our account)
            partner_username TEXT NOT NULL,         -- the interlocutor (= social_profiles.username)
            partner_profile_id INTEGER,             -- social_profiles.legacy_profile_id (nullable)
            external_thread_id TEXT,                -- TikTok conversation id / IG inbox_username
            is_group INTEGER DEFAULT 0,
            can_reply INTEGER DEFAULT 1,
            last_message_text TEXT,
            last_message_at TEXT,
            last_message_is_ours INTEGER DEFAULT 0,
            unread_count INTEGER DEFAULT 0,         -- TikTok; 0 on IG (not detected from the UI)
            message_count INTEGER DEFAULT 0,
            created_at TEXT DEFAULT (datetime('now')),
            updated_at TEXT DEFAULT (datetime('now')),
            sync_id TEXT,
            UNIQUE(platform, account_id, partner_username)
        )"#,
    // table dm_messages
    r#"CREATE TABLE dm_messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            platform TEXT NOT NULL DEFAULT 'instagram',
            thread_sync_id TEXT NOT NULL,           -- link to dm_threads.sync_id (stable cross-device)
            account_id INTEGER,
            partner_username TEXT,
            direction TEXT NOT NULL,                -- 'sent' | 'received'
            msg_type TEXT DEFAULT 'text',           -- text | reel | media | sticker | gif
            text TEXT,
            content_hash TEXT NOT NULL,             -- sha256 of direction + text, for re-read dedup
            seq INTEGER DEFAULT 0,                  -- read-order index within the thread (display)
            sent_at TEXT DEFAULT (datetime('now')), -- sortable insertion datetime (sync delta cursor / fallback)
            displayed_at TEXT,                      -- raw IG date/time label for display (e.g. "Jun 12, 10:29 AM")
            ai_model TEXT,                          -- for our AI-generated replies
            ai_cost_usd REAL,
            sync_id TEXT,
            UNIQUE(platform, thread_sync_id, direction, content_hash)
        )"#,
    // index idx_dm_threads_account
    r#"CREATE INDEX idx_dm_threads_account ON dm_threads(platform, account_id)"#,
    // index idx_dm_threads_partner
    r#"CREATE INDEX idx_dm_threads_partner ON dm_threads(platform, partner_username)"#,
    // index idx_dm_threads_sync_id
    r#"CREATE UNIQUE INDEX idx_dm_threads_sync_id ON dm_threads(sync_id)"#,
    // index idx_dm_messages_thread
    r#"CREATE INDEX idx_dm_messages_thread ON dm_messages(thread_sync_id, seq)"#,
    // index idx_dm_messages_sync_id
    r#"CREATE UNIQUE INDEX idx_dm_messages_sync_id ON dm_messages(sync_id)"#,
    // table notifications
    r#"CREATE TABLE notifications (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            platform TEXT NOT NULL DEFAULT 'instagram',
            account_id INTEGER NOT NULL,            -- accounts.legacy_account_id (our account)
            actor_username TEXT,                    -- who liked/commented/followed (= social_profiles.username)
            actor_profile_id INTEGER,               -- social_profiles.legacy_profile_id (real @handle only, nullable)
            type TEXT,                              -- shared taxonomy (new_follower/comment_mention/...); NULL for TikTok
            raw_category TEXT,                      -- platform-specific (IG fine type, or TikTok activity|system|other)
            label TEXT,                             -- cleaned display label
            body TEXT,                              -- full row text (<=200). NEVER logged.
            relative_time TEXT,                     -- relative token ("2 j") — no absolute timestamp available
            has_action INTEGER DEFAULT 0,
            attributed INTEGER DEFAULT 0,           -- 1 if cross-referenced to one of our outgoing actions
            attribution_type TEXT,                  -- 'follow' | 'dm' | 'like' | 'comment'
            attribution_at TEXT,                    -- when our action happened (if known)
            content_hash TEXT NOT NULL,             -- sha256(platform\naccount_id\ntype\nactor\nbody) — dedup
            first_seen_at TEXT DEFAULT (datetime('now')),
            last_seen_at TEXT DEFAULT (datetime('now')),
            sync_id TEXT,
            UNIQUE(platform, account_id, content_hash)
        )"#,
    // table notification_actions
    r#"CREATE TABLE notification_actions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            platform TEXT NOT NULL DEFAULT 'instagram',
            account_id INTEGER NOT NULL,            -- accounts.legacy_account_id (our account)
            content_hash TEXT,                      -- notifications.content_hash (nullable)
            actor_username TEXT,                    -- who we acted on
            action TEXT NOT NULL,                   -- like | reply | accept | ignore | follow_back
            source TEXT NOT NULL DEFAULT 'manual',  -- manual | batch | autopilot
            success INTEGER NOT NULL DEFAULT 1,
            created_at TEXT DEFAULT (datetime('now'))
        )"#,
    // index idx_notifications_account
    r#"CREATE INDEX idx_notifications_account ON notifications(platform, account_id, last_seen_at)"#,
    // index idx_notifications_actor
    r#"CREATE INDEX idx_notifications_actor ON notifications(platform, actor_username)"#,
    // index idx_notifications_sync_id
    r#"CREATE UNIQUE INDEX idx_notifications_sync_id ON notifications(sync_id)"#,
    // index idx_notification_actions_account
    r#"CREATE INDEX idx_notification_actions_account ON notification_actions(platform, account_id, action, created_at)"#,
    // index idx_notification_actions_hash
    r#"CREATE INDEX idx_notification_actions_hash ON notification_actions(platform, account_id, content_hash)"#,
    // table account_restriction_signals
    r#"CREATE TABLE account_restriction_signals (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            platform TEXT NOT NULL DEFAULT 'instagram',
            account_username TEXT NOT NULL,         -- the operated account, the one being flagged
            detected_at TEXT DEFAULT (datetime('now')),
            signal TEXT NOT NULL DEFAULT 'private_first_ordering',
            source_type TEXT,                       -- FOLLOWERS | HASHTAG | LIKERS
            source_name TEXT,                       -- the list being walked
            source_followers INTEGER,               -- size of that list, when known
            streak INTEGER,                         -- consecutive private profiles that triggered it
            encounter_order INTEGER,                -- how far into the list we were (profiles seen)
            jump_index INTEGER,                     -- 1st, 2nd, 3rd jump of this run
            gestures INTEGER,                       -- flings that actually moved the list
            session_id INTEGER,
            sync_id TEXT
        )"#,
    // index idx_account_restriction_account
    r#"CREATE INDEX idx_account_restriction_account ON account_restriction_signals(platform, account_username, detected_at)"#,
    // index idx_account_restriction_sync_id
    r#"CREATE UNIQUE INDEX idx_account_restriction_sync_id ON account_restriction_signals(sync_id)"#,
    // table posted_comments
    r#"CREATE TABLE posted_comments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            platform TEXT NOT NULL DEFAULT 'instagram',
            -- Who posted, under which run
            account_id INTEGER,                     -- accounts.legacy_account_id (our account)
            session_id INTEGER,                     -- the automation session that posted it
            -- Where it landed
            target_username TEXT NOT NULL,          -- the profile we commented on
            post_author TEXT,                       -- usually == target_username (differs on a feed post)
            -- Post reference. `post_ref` is the CHEAP, always-available identity (author +
            -- the moment we were on it): enough to tie several comments to the same post
            -- without any extra UI gesture. `post_url` is the real shareable link and stays
            -- NULL unless the (opt-in, best-effort) capture succeeded — grabbing it costs a
            -- share-sheet round trip, so a failure must never cost us the comment record.
            post_ref TEXT,
            post_url TEXT,
            post_caption TEXT,                      -- author's own words, as read at comment time
            post_description TEXT,                  -- vision analysis of the post, when one was run
            -- What we said. `kind` separates the two shapes a published comment can take:
            --   'comment' — left ON someone's post (engagement module);
            --   'reply'   — answering someone's COMMENT under a post, which also records
            --               WHOM we answered and what they had written.
            -- For a reply, `target_username` is the COMMENTER (the person we address) while
            -- `post_author` stays the owner of the post — they differ, unlike for a comment.
            kind TEXT NOT NULL DEFAULT 'comment',
            reply_to_username TEXT,
            reply_to_text TEXT,
            comment_text TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT 'ai',      -- 'ai' | 'template' | 'custom' (operator list)
            -- How it was produced (NULL for non-AI comments)
            ai_model TEXT,
            ai_cost_usd REAL,
            ai_reasoning TEXT,                      -- the model's short "why this comment"
            language TEXT,
            posted_at TEXT DEFAULT (datetime('now')),
            created_at TEXT DEFAULT (datetime('now')),
            sync_id TEXT
        )"#,
    // index idx_posted_comments_session
    r#"CREATE INDEX idx_posted_comments_session ON posted_comments(platform, session_id)"#,
    // index idx_posted_comments_target
    r#"CREATE INDEX idx_posted_comments_target ON posted_comments(platform, target_username)"#,
    // index idx_posted_comments_account
    r#"CREATE INDEX idx_posted_comments_account ON posted_comments(platform, account_id, posted_at)"#,
    // index idx_posted_comments_sync_id
    r#"CREATE UNIQUE INDEX idx_posted_comments_sync_id ON posted_comments(sync_id)"#,
    // table post_analysis
    r#"CREATE TABLE post_analysis (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            platform TEXT NOT NULL DEFAULT 'instagram',
            -- Identity of the analysed post (author + short caption hash).
            post_ref TEXT NOT NULL,
            post_author TEXT,
            post_caption TEXT,
            -- The FACTS, reusable by any account.
            description TEXT,                       -- vision analysis of the post
            post_language TEXT,                     -- language the post is written in
            -- What producing them cost, so a reuse can be shown as a saving.
            ai_model TEXT,
            ai_cost_usd REAL,
            -- Reuse bookkeeping.
            hit_count INTEGER DEFAULT 0,            -- how many times this analysis was reused
            analyzed_at TEXT DEFAULT (datetime('now')),
            last_used_at TEXT,
            created_at TEXT DEFAULT (datetime('now')),
            sync_id TEXT,
            UNIQUE(platform, post_ref)
        )"#,
    // index idx_post_analysis_author
    r#"CREATE INDEX idx_post_analysis_author ON post_analysis(platform, post_author)"#,
    // index idx_post_analysis_sync_id
    r#"CREATE UNIQUE INDEX idx_post_analysis_sync_id ON post_analysis(sync_id)"#,
    // index idx_scraped_profiles_qualified
    r#"CREATE INDEX idx_scraped_profiles_qualified ON scraped_profiles(ai_qualified)"#,
    // index idx_scraped_profiles_score
    r#"CREATE INDEX idx_scraped_profiles_score ON scraped_profiles(ai_score)"#,
    // index idx_scraped_profiles_post_url
    r#"CREATE INDEX idx_scraped_profiles_post_url ON scraped_profiles(source_post_url)"#,
    // index idx_profile_following_niche_category
    r#"CREATE INDEX idx_profile_following_niche_category ON profile_following(niche_category)"#,
    // table social_graph_sync
    r#"CREATE TABLE social_graph_sync (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            platform TEXT NOT NULL DEFAULT 'instagram',
            account_id INTEGER NOT NULL,
            username TEXT NOT NULL COLLATE NOCASE,
            direction TEXT NOT NULL,
            display_name TEXT DEFAULT '',
            is_reciprocal INTEGER DEFAULT NULL,
            followed_by_bot INTEGER DEFAULT 0,
            unfollowed_at TEXT DEFAULT NULL,
            first_seen_at TEXT DEFAULT (datetime('now')),
            last_seen_at TEXT DEFAULT (datetime('now')),
            source TEXT DEFAULT 'sync',
            UNIQUE(platform, account_id, username, direction)
        )"#,
    // index idx_social_graph_sync_account
    r#"CREATE INDEX idx_social_graph_sync_account ON social_graph_sync(account_id, direction)"#,
    // index idx_social_graph_sync_username
    r#"CREATE INDEX idx_social_graph_sync_username ON social_graph_sync(account_id, username)"#,
    // table device_identity
    r#"CREATE TABLE device_identity (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            device_id TEXT NOT NULL,
            created_at TEXT DEFAULT (datetime('now'))
        )"#,
    // table interactions
    r#"CREATE TABLE interactions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            platform TEXT NOT NULL DEFAULT 'instagram',
            legacy_id INTEGER,
            session_id INTEGER,
            account_id INTEGER,
            profile_id INTEGER,
            interaction_type TEXT NOT NULL,
            success INTEGER DEFAULT 1,
            content TEXT,
            video_id TEXT,
            interaction_time TEXT DEFAULT (datetime('now')),
            created_at TEXT DEFAULT (datetime('now')),
            sync_id TEXT,
            origin_device_id TEXT,
            UNIQUE(platform, legacy_id)
        )"#,
    // index idx_interactions_account
    r#"CREATE INDEX idx_interactions_account ON interactions(platform, account_id, interaction_type)"#,
    // index idx_interactions_profile
    r#"CREATE INDEX idx_interactions_profile ON interactions(platform, profile_id)"#,
    // index idx_interactions_time
    r#"CREATE INDEX idx_interactions_time ON interactions(interaction_time)"#,
    // index idx_interactions_session
    r#"CREATE INDEX idx_interactions_session ON interactions(platform, session_id)"#,
    // index idx_interactions_sync_id
    r#"CREATE UNIQUE INDEX idx_interactions_sync_id ON interactions(sync_id)"#,
    // table daily_stats_unified
    r#"CREATE TABLE daily_stats_unified (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            platform TEXT NOT NULL DEFAULT 'instagram',
            account_id INTEGER NOT NULL,
            date TEXT NOT NULL,
            total_likes INTEGER DEFAULT 0,
            total_follows INTEGER DEFAULT 0,
            total_unfollows INTEGER DEFAULT 0,
            total_comments INTEGER DEFAULT 0,
            total_profile_visits INTEGER DEFAULT 0,
            total_story_views INTEGER DEFAULT 0,
            total_story_likes INTEGER DEFAULT 0,
            total_favorites INTEGER DEFAULT 0,
            total_shares INTEGER DEFAULT 0,
            total_posts_watched INTEGER DEFAULT 0,
            total_sessions INTEGER DEFAULT 0,
            completed_sessions INTEGER DEFAULT 0,
            failed_sessions INTEGER DEFAULT 0,
            total_duration_seconds INTEGER DEFAULT 0,
            synced_to_api INTEGER DEFAULT 0,
            synced_at TEXT,
            created_at TEXT DEFAULT (datetime('now')),
            updated_at TEXT DEFAULT (datetime('now')),
            UNIQUE(platform, account_id, date)
        )"#,
    // index idx_daily_stats_unified_account
    r#"CREATE INDEX idx_daily_stats_unified_account ON daily_stats_unified(platform, account_id, date)"#,
    // table sessions_unified
    r#"CREATE TABLE sessions_unified (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            platform TEXT NOT NULL DEFAULT 'instagram',
            legacy_session_id INTEGER,
            account_id INTEGER,
            session_name TEXT,
            target_type TEXT,
            workflow_type TEXT,
            target TEXT,
            start_time TEXT,
            end_time TEXT,
            duration_seconds INTEGER,
            config_used TEXT,
            status TEXT,
            error_message TEXT,
            synced_to_api INTEGER DEFAULT 0,
            ai_total_cost_usd REAL DEFAULT 0,
            ai_profiles_analyzed INTEGER DEFAULT 0,
            ai_posts_analyzed INTEGER DEFAULT 0,
            ai_comments_generated INTEGER DEFAULT 0,
            stats_total_interactions INTEGER DEFAULT 0,
            stats_likes INTEGER DEFAULT 0,
            stats_follows INTEGER DEFAULT 0,
            stats_unfollows INTEGER DEFAULT 0,
            stats_comments INTEGER DEFAULT 0,
            stats_story_views INTEGER DEFAULT 0,
            stats_story_likes INTEGER DEFAULT 0,
            stats_profile_visits INTEGER DEFAULT 0,
            profiles_visited INTEGER DEFAULT 0,
            posts_watched INTEGER DEFAULT 0,
            likes INTEGER DEFAULT 0,
            follows INTEGER DEFAULT 0,
            favorites INTEGER DEFAULT 0,
            comments INTEGER DEFAULT 0,
            shares INTEGER DEFAULT 0,
            errors INTEGER DEFAULT 0,
            videos_watched INTEGER DEFAULT 0,
            ai_cost_by_kind TEXT,
            created_at TEXT DEFAULT (datetime('now')),
            updated_at TEXT DEFAULT (datetime('now')),
            sync_id TEXT,
            UNIQUE(platform, legacy_session_id)
        )"#,
    // index idx_sessions_unified_account
    r#"CREATE INDEX idx_sessions_unified_account ON sessions_unified(platform, account_id)"#,
    // index idx_sessions_unified_sync_id
    r#"CREATE UNIQUE INDEX idx_sessions_unified_sync_id ON sessions_unified(sync_id)"#,
    // table accounts
    r#"CREATE TABLE accounts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            platform TEXT NOT NULL DEFAULT 'instagram',
            legacy_account_id INTEGER,
            username TEXT NOT NULL,
            is_bot INTEGER DEFAULT 1,
            user_id INTEGER,
            license_id INTEGER,
            display_name TEXT,
            qualification_prompt TEXT,
            bio TEXT,
            niche TEXT,
            product_service TEXT,
            objective TEXT,
            target_audience TEXT,
            tone_personality TEXT,
            preferred_language TEXT,
            website TEXT,
            unique_selling_point TEXT,
            custom_context TEXT,
            created_at TEXT DEFAULT (datetime('now')),
            updated_at TEXT DEFAULT (datetime('now')),
            sync_id TEXT,
            UNIQUE(platform, legacy_account_id)
        )"#,
    // index idx_accounts_unified_username
    r#"CREATE UNIQUE INDEX idx_accounts_unified_username ON accounts(platform, username)"#,
    // table social_profiles
    r#"CREATE TABLE social_profiles (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            platform TEXT NOT NULL DEFAULT 'instagram',
            legacy_profile_id INTEGER,
            username TEXT NOT NULL,
            display_name TEXT DEFAULT '',
            biography TEXT,
            followers_count INTEGER DEFAULT 0,
            following_count INTEGER DEFAULT 0,
            posts_count INTEGER DEFAULT 0,
            likes_count INTEGER DEFAULT 0,
            is_private INTEGER DEFAULT 0,
            is_verified INTEGER DEFAULT 0,
            is_business INTEGER DEFAULT 0,
            business_category TEXT,
            website TEXT,
            profile_pic_path TEXT,
            ai_screenshot_path TEXT,
            notes TEXT,
            account_based_in TEXT,
            date_joined TEXT,
            location_city TEXT,
            location_region TEXT,
            created_at TEXT DEFAULT (datetime('now')),
            updated_at TEXT DEFAULT (datetime('now')),
            sync_id TEXT,
            UNIQUE(platform, legacy_profile_id)
        )"#,
    // index idx_social_profiles_username
    r#"CREATE UNIQUE INDEX idx_social_profiles_username ON social_profiles(platform, username)"#,
    // index idx_social_profiles_platform_created
    r#"CREATE INDEX idx_social_profiles_platform_created ON social_profiles(platform, created_at)"#,
    // view instagram_profiles
    r#"CREATE VIEW instagram_profiles AS SELECT
                legacy_profile_id AS profile_id, username, display_name AS full_name, biography,
                followers_count, following_count, posts_count, is_private, profile_pic_path, notes,
                created_at, updated_at, is_verified, is_business, business_category, website,
                NULL AS linked_accounts, NULL AS ai_niche, NULL AS ai_score, NULL AS ai_classification,
                NULL AS ai_classified_at, ai_screenshot_path, account_based_in, date_joined, location_city,
                NULL AS ai_specific_niche, NULL AS ai_profession, NULL AS ai_profession_tags,
                NULL AS ai_gender, NULL AS ai_age_group, location_region
            FROM social_profiles WHERE platform='instagram'"#,
    // view tiktok_profiles
    r#"CREATE VIEW tiktok_profiles AS SELECT
                legacy_profile_id AS profile_id, username, display_name, followers_count, following_count,
                likes_count, posts_count AS videos_count, is_private, is_verified, biography,
                created_at, updated_at, profile_pic_path
            FROM social_profiles WHERE platform='tiktok'"#,
    // view gmail_accounts
    r#"CREATE VIEW gmail_accounts AS
    SELECT a.legacy_account_id AS account_id,
           a.username          AS email,
           adh.device_id       AS device_id,
           adh.last_seen_at    AS last_used_at,
           a.created_at        AS created_at
    FROM accounts a
    LEFT JOIN account_device_history adh
      ON adh.platform = 'gmail' AND adh.username = a.username
    WHERE a.platform = 'gmail'"#,
    // index idx_posted_comments_kind
    r#"CREATE INDEX idx_posted_comments_kind ON posted_comments(platform, kind)"#,
    // table feed_ads
    r#"CREATE TABLE feed_ads (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            -- Perceptual hash of the creative: the dedup key. Two encounters of the same
            -- visual collapse onto one row whatever the caption says.
            creative_hash TEXT NOT NULL UNIQUE,
            advertiser TEXT,
            account_id INTEGER,
            platform TEXT NOT NULL DEFAULT 'instagram',
            screenshot BLOB,
            ocr_text TEXT,
            -- Filled later, out of the run: the phone must never wait on an AI call.
            ai_analysis TEXT,
            ai_analyzed_at TEXT,
            times_seen INTEGER NOT NULL DEFAULT 1,
            first_seen_at TEXT DEFAULT (datetime('now')),
            last_seen_at TEXT DEFAULT (datetime('now'))
        )"#,
    // index idx_feed_ads_times_seen
    r#"CREATE INDEX idx_feed_ads_times_seen ON feed_ads(times_seen DESC)"#,
    // index idx_feed_ads_advertiser
    r#"CREATE INDEX idx_feed_ads_advertiser ON feed_ads(advertiser)"#,
    // index idx_feed_ads_pending_ai
    r#"CREATE INDEX idx_feed_ads_pending_ai ON feed_ads(ai_analyzed_at) WHERE ai_analyzed_at IS NULL"#,
    // table content_relays
    r#"CREATE TABLE content_relays (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            -- The account doing the re-sharing, never the one being re-shared.
            account_id INTEGER,
            platform TEXT NOT NULL DEFAULT 'instagram',
            source_username TEXT NOT NULL,
            -- Author + posted hour, as read from the story viewer. See module docstring.
            media_signature TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'story',
            -- 'relayed' | 'skipped' | 'unavailable' | 'failed'
            status TEXT NOT NULL,
            reason TEXT,
            created_at TEXT DEFAULT (datetime('now')),
            updated_at TEXT DEFAULT (datetime('now'))
        )"#,
    // index idx_content_relays_signature
    r#"CREATE UNIQUE INDEX idx_content_relays_signature ON content_relays(account_id, platform, source_username, media_signature)"#,
    // index idx_content_relays_recent
    r#"CREATE INDEX idx_content_relays_recent ON content_relays(account_id, created_at DESC)"#,
];

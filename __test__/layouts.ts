// The two layouts the bot writes, for suites that run over both: the fixture's
// switch, and, for checking a file with Python's own sqlite3 (independently of
// the addon), each API table as a relation with the legacy table's columns.
export const LAYOUTS = ['legacy', 'unified'] as const
export type Layout = (typeof LAYOUTS)[number]

/** Fixture arguments that make it write `layout` (pyside.py's `--layout`). */
export const layoutArgs = (layout: Layout): string[] => ['--layout', layout]

/**
 * SQL relations over the file's own tables, named after the legacy tables, with their
 * columns. On a unified file: the platform's rows, the bot's per-platform ids under the
 * legacy names (written here by hand, not taken from the addon).
 */
export const REL: Record<Layout, Record<'profiles' | 'filtered' | 'sessions' | 'interactions' | 'dailyStats' | 'tiktokInteractions', string>> = {
  legacy: {
    profiles: 'instagram_profiles',
    filtered: 'filtered_profiles',
    sessions: 'sessions',
    interactions: 'interaction_history',
    dailyStats: 'daily_stats',
    tiktokInteractions: 'tiktok_interaction_history',
  },
  unified: {
    profiles: "(SELECT legacy_profile_id AS profile_id, * FROM social_profiles WHERE platform = 'instagram')",
    filtered: "(SELECT * FROM filtered_profiles WHERE platform = 'instagram')",
    sessions: "(SELECT legacy_session_id AS session_id, * FROM sessions_unified WHERE platform = 'instagram')",
    interactions: "(SELECT * FROM interactions WHERE platform = 'instagram')",
    dailyStats: "(SELECT * FROM daily_stats_unified WHERE platform = 'instagram')",
    tiktokInteractions: "(SELECT * FROM interactions WHERE platform = 'tiktok')",
  },
}

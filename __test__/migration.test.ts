// The bot migrating the file under an open app: the fixture moves a legacy file to the
// unified layout (one transaction, as the bot would have) while the addon reads in a loop,
// writable and readonly, Sync and async. No error but SQLITE_BUSY, no read going backwards,
// the same dashboard before and after, the change feed saying so, and the addon's index
// built on the new layout without reopening.
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { openDatabase, type ChangeEvent, type TaktikDatabase } from '../index.js'
import { finished, PYTHON, py, spawnPy, tempDb, waitForStderr } from './helpers'

interface Seed {
  accounts: Record<string, number>
  tiktokAccounts: Record<string, number>
  sessions: { sessionId: number }[]
}

/**
 * What a dashboard shows, without row ids that a migration renumbers (interactions, TikTok
 * filtered rows) and without what the unified layout does not keep (linkedAccounts,
 * discoveryCampaignId).
 */
function dashboard(db: TaktikDatabase, seed: Seed) {
  const strip = <T extends object>(rows: T[], ...keys: string[]) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !keys.includes(k))))
  const out: Record<string, unknown> = { accounts: db.getAccountsSync(), tiktokAccounts: db.getTikTokAccountsSync() }
  for (const acc of Object.values(seed.accounts)) {
    out[`sessions ${acc}`] = db.getSessionsSync(acc, { limit: 10_000 })
    out[`daily ${acc}`] = db.getDailyStatsSync(acc, 60)
    // linkedAccounts: the unified layout does not keep it (the bot's migration drops it).
    out[`profiles ${acc}`] = strip(db.getProfilesSync(acc, { limit: 10_000 }), 'linkedAccounts')
    out[`profileCount ${acc}`] = db.countProfilesSync(acc)
    out[`interactions ${acc}`] = strip(db.getInteractionsSync(acc, { limit: 10_000 }), 'id')
    out[`filtered ${acc}`] = db.getFilteredProfilesSync(acc, { limit: 10_000 })
    out[`hashtags ${acc}`] = db.getProcessedHashtagPostsSync(acc, { limit: 10_000 })
  }
  for (const s of seed.sessions) out[`stats ${s.sessionId}`] = db.getSessionStatsSync(s.sessionId)
  for (const acc of Object.values(seed.tiktokAccounts)) {
    out[`tt sessions ${acc}`] = db.getTikTokSessionsSync(acc, { limit: 10_000 })
    out[`tt daily ${acc}`] = db.getTikTokDailyStatsSync(acc, 60)
    out[`tt interactions ${acc}`] = strip(db.getTikTokInteractionsSync(acc, { limit: 10_000 }), 'id')
    out[`tt filtered ${acc}`] = strip(db.getTikTokFilteredProfilesSync(acc, { limit: 10_000 }), 'id')
  }
  out.tiktokProfiles = db.getTikTokProfilesSync({ limit: 10_000 })
  out.scraping = db.getScrapingSessionsSync({ limit: 10_000 }).map(({ discoveryCampaignId: _d, ...s }) => s)
  return out
}

const indexes = (file: string): string[] =>
  JSON.parse(
    execFileSync(PYTHON, ['-c', 'import sqlite3, sys, json\nc = sqlite3.connect(sys.argv[1])\nprint(json.dumps([r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = \'index\' AND name LIKE \'idx_taktikdb%\' ORDER BY 1")]))', file], { encoding: 'utf8' }),
  ) as string[]
/** The addon's index of getProfileStatsHistory: the table has this name in both layouts. */
const STATS_INDEX = 'idx_taktikdb_profile_stats_history'

describe('the bot migrates the file while the app reads it', () => {
  it('legacy -> unified under a loop of reads: nothing but BUSY, nothing backwards, the same dashboard, the feed says so', async () => {
    const file = tempDb()
    const seed = py<Seed>(['seed', file])
    const rw = openDatabase({ path: file })
    const ro = openDatabase({ path: file, readonly: true })
    expect([rw.layout, ro.layout]).toEqual(['legacy', 'legacy'])
    expect(indexes(file)).toEqual(['idx_taktikdb_interactions_covering', STATS_INDEX, 'idx_taktikdb_tiktok_interactions_covering'])
    const before = dashboard(ro, seed)
    const alice = seed.accounts.alice_bot!
    const beforeJson = JSON.stringify(before)
    const events: ChangeEvent[] = []
    const feed = rw.watch((e) => events.push(e), { intervalMs: 20, tables: ['sessions', 'interactions', 'dailyStats'] })

    const child = spawnPy(['migrate', file, '--hold-ms', '600'])
    const done = finished<{ ok: boolean }>(child)
    let running = true
    void done.finally(() => (running = false))
    const failures: string[] = []
    let reads = 0
    let busy = 0
    const seen = new Set<string>()
    while (running) {
      for (const db of [rw, ro]) {
        try {
          // Every snapshot is the file before or after: the same dashboard either way.
          const now = JSON.stringify(dashboard(db, seed))
          if (now !== beforeJson) failures.push(`${db === rw ? 'rw' : 'ro'} read differs (layout ${db.layout})`)
          const rows = await db.getInteractions(alice, { limit: 10_000 })
          if (rows.length !== (before[`interactions ${alice}`] as unknown[]).length) failures.push('async count differs')
          seen.add(db.layout)
          reads++
        } catch (e) {
          const code = (e as { code?: string }).code
          if (code === 'SQLITE_BUSY') busy++
          else failures.push(`${code}: ${(e as Error).message}`)
        }
      }
      await new Promise((r) => setImmediate(r))
    }
    expect((await done).ok).toBe(true)
    expect(failures.slice(0, 5)).toEqual([])
    expect(reads).toBeGreaterThan(4)
    // The loop really read the file while the migration's transaction was open.
    expect(seen.has('legacy')).toBe(true)
    expect(busy).toBe(0) // WAL readers are never refused; BUSY would be allowed, and counted
    // Both connections now read the unified layout, without reopening.
    expect([rw.layout, ro.layout]).toEqual(['unified', 'unified'])
    expect(JSON.stringify(dashboard(rw, seed))).toBe(beforeJson)
    expect(JSON.stringify(dashboard(ro, seed))).toBe(beforeJson)
    expect(rw.capabilities).not.toContain('posts')
    expect(rw.supports('getScrapedComments')).toBe(false)
    // The feed reported the move.
    await new Promise((r) => setTimeout(r, 200))
    const moved = events.find((e) => e.layoutChanged)
    expect(moved, JSON.stringify(events)).toMatchObject({ layout: 'unified', layoutChanged: true, tables: ['sessions', 'interactions', 'dailyStats'] })
    feed.close()
    // The writable database indexes the new layout by itself.
    for (let i = 0; i < 50 && !indexes(file).includes('idx_taktikdb_unified_interactions_covering'); i++) {
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(indexes(file)).toEqual([STATS_INDEX, 'idx_taktikdb_unified_interactions_covering'])
    // The app's writes now land in the unified tables, and the bot keeps writing.
    expect(rw.updateProfileNotesSync(1, 'after the move').updated).toEqual({ profiles: 1 })
    const writer = spawnPy(['--layout', 'unified', 'writer', file, '--count', '20'])
    await waitForStderr(writer, 'READY')
    expect((await finished<{ written: number }>(writer)).written).toBe(20)
    expect(rw.getInteractionsSync(alice, { limit: 10_000 }).length).toBe((before[`interactions ${alice}`] as unknown[]).length)
    rw.close()
    ro.close()
  })
})

describe('a legacy file the bot upgraded itself, as far as it could (through e9867062)', () => {
  interface Upgraded {
    layout: string
    seed: Omit<Seed, 'sessions'> & {
      today: string
      interactionsPerAccount: Record<string, number>
      profileInteractionCounts: Record<string, Record<string, number>>
      tiktokInteractionsPerAccount: Record<string, number>
      sessions: { sessionId: number; accountId: number }[]
      dailyStats: Record<string, Record<string, Record<string, number | string | null>>>
    }
  }
  it('reads each API table where it is now (interactions, daily stats: unified; sessions, profiles: still legacy), with the seeded numbers', () => {
    const file = tempDb()
    const up = py<Upgraded>(['bootstrap', file, '--revision', 'upgraded-e9867062'])
    const seed = up.seed
    const db = openDatabase({ path: file, readonly: true })
    expect(db.layout).toBe('unified')
    // Discovery went with e3377b9f; posts and comments were still kept at e9867062.
    expect(db.supports('discoveryCampaigns')).toBe(false)
    expect(db.supports('posts')).toBe(true)
    expect(db.supports('scrapedComments')).toBe(true)
    for (const [acc, n] of Object.entries(seed.interactionsPerAccount)) {
      expect(db.getInteractionsSync(Number(acc), { limit: 10_000 }), `account ${acc}`).toHaveLength(n)
      expect(db.countProfilesSync(Number(acc))).toBe(Object.keys(seed.profileInteractionCounts[acc] ?? {}).length)
      const sessions = seed.sessions.filter((s) => s.accountId === Number(acc)).map((s) => s.sessionId).sort((a, b) => a - b)
      expect(db.getSessionsSync(Number(acc), { limit: 10_000 }).map((s) => s.sessionId).sort((a, b) => a - b)).toEqual(sessions)
      // Every stored day's counters, on the day they were stored.
      const days = db.getDailyStatsSync(Number(acc), 60)
      for (const [date, row] of Object.entries(seed.dailyStats[acc] ?? {})) {
        const day = days.find((d) => d.date === date)
        if (!day) continue // older than 60 days
        expect(day.totalLikes, `${acc} ${date}`).toBe(row.total_likes)
        expect(day.totalProfileVisits, `${acc} ${date}`).toBe(row.total_profile_visits)
      }
    }
    for (const [acc, n] of Object.entries(seed.tiktokInteractionsPerAccount)) {
      expect(db.getTikTokInteractionsSync(Number(acc), { limit: 10_000 }), `tiktok ${acc}`).toHaveLength(n)
    }
    db.close()
    // A writable open adds only the addon's indexes (on interactions, where the rows now are).
    const rw = openDatabase({ path: file })
    rw.close()
    expect(indexes(file)).toEqual([STATS_INDEX, 'idx_taktikdb_unified_interactions_covering'])
  })
})

describe("a file with the addon's earlier index (without success)", () => {
  const sql = (file: string, statement: string) => execFileSync(PYTHON, ['-c', 'import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.execute(sys.argv[2])\nc.commit()', file, statement])
  const EARLIER = {
    legacy: [
      'CREATE INDEX idx_taktikdb_interactions_by_account ON interaction_history(account_id, profile_id, interaction_time, interaction_type)',
      'CREATE INDEX idx_taktikdb_tiktok_interactions_by_account ON tiktok_interaction_history(account_id, profile_id, interaction_time, interaction_type)',
    ],
    unified: ['CREATE INDEX idx_taktikdb_unified_interactions_by_account ON interactions(platform, account_id, profile_id, interaction_time, interaction_type)'],
  }
  const NOW = {
    legacy: ['idx_taktikdb_interactions_covering', STATS_INDEX, 'idx_taktikdb_tiktok_interactions_covering'],
    unified: [STATS_INDEX, 'idx_taktikdb_unified_interactions_covering'],
  }
  const COVERING = { legacy: 'idx_taktikdb_interactions_covering', unified: 'idx_taktikdb_unified_interactions_covering' }
  for (const layout of ['legacy', 'unified'] as const) {
    it(`${layout}: a readonly open leaves it and reads through it; a writable open replaces it, with the same answers`, () => {
      const file = tempDb()
      const seed = py<{ accounts: Record<string, number>; profileStatsHistory: Record<string, unknown[]> }>(['--layout', layout, 'seed', file])
      const historyOf = Object.keys(seed.profileStatsHistory).map(Number)
      expect(historyOf.length).toBeGreaterThan(0)
      // The file as an earlier addon left it: its index, none of today's.
      const earlier = EARLIER[layout].map((s) => s.split(' ')[2]!)
      for (const s of EARLIER[layout]) sql(file, s)
      expect(indexes(file)).toEqual([...earlier].sort())
      const acc = Object.values(seed.accounts)[0]!
      const answers = (db: TaktikDatabase) => ({
        activity: db.getActivitySync({ groupBy: ['type', 'account'] }),
        hours: db.getActivitySync({ groupBy: 'hour', accountId: acc }),
        profiles: db.getProfilesSync(acc, { limit: 10_000 }),
        interactions: db.getInteractionsSync(acc, { limit: 10_000 }),
        history: historyOf.map((p) => db.getProfileStatsHistorySync(p)),
      })
      const ro = openDatabase({ path: file, readonly: true })
      const before = answers(ro)
      ro.close()
      expect(indexes(file)).toEqual([...earlier].sort())
      expect(before.activity.length).toBeGreaterThan(0)

      const rw = openDatabase({ path: file })
      expect(indexes(file)).toEqual(NOW[layout])
      expect(answers(rw)).toEqual(before)
      // getActivity now reads the index alone: success is in it.
      const plan = rw.querySync<{ detail: string }>(`EXPLAIN QUERY PLAN SELECT interaction_time, interaction_type, success FROM ${layout === 'legacy' ? 'interaction_history' : 'interactions'} WHERE ${layout === 'legacy' ? '' : "platform = 'instagram' AND "}account_id = ?`, [acc])
      expect(plan.map((p) => p.detail).join('; ')).toContain(`COVERING INDEX ${COVERING[layout]}`)
      // getProfileStatsHistory finds one profile's snapshots, in order, without a scan or a sort.
      const history = rw.querySync<{ detail: string }>('EXPLAIN QUERY PLAN SELECT * FROM profile_stats_history AS h WHERE h.profile_id = ?1 ORDER BY h.id', [historyOf[0]!])
      expect(history.map((p) => p.detail)).toEqual([`SEARCH h USING INDEX ${STATS_INDEX} (profile_id=?)`])
      rw.close()
      // A second writable open has nothing left to do.
      openDatabase({ path: file }).close()
      expect(indexes(file)).toEqual(NOW[layout])
    })
  }
})

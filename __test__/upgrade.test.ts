// upgradeToUnified: a legacy file (the bot before June 2026) moved to the unified layout the
// current bot expects, losing nothing. Checked against what does not depend on the addon: Python's
// stdlib sqlite3 reading the tables, the legacy file's own dashboard as the addon read it before,
// and the unified fixture (written the way the current bot writes) writing to the moved file.
import { execFileSync, spawn } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase, type TaktikDatabase, type UpgradeProgress } from '../index.js'
import { PYTHON, finished, py, pyCount as count, pySql, sha256 as sha, spawnPy, tempDb, waitForStderr } from './helpers'
import { layoutArgs } from './layouts'

/** The files in the database's directory, SQLite's own -wal/-shm left out (they come and go with connections). */
const besides = (file: string) => readdirSync(path.dirname(file)).filter((f) => !/-(wal|shm)$/.test(f)).sort()
const schemaOf = (file: string) => pySql(file, 'SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name')

/** A legacy file seeded the way the legacy bot writes (both platforms, every domain). */
function seededLegacy(): string {
  const file = tempDb()
  py([...layoutArgs('legacy'), 'seed', file])
  return file
}

const RANGE = { from: '2021-01-01', to: '2029-12-31' }

/** Everything a dashboard shows, for every account, as the addon reads it. */
function dashboard(file: string): Record<string, unknown> {
  const db = openDatabase({ path: file, readonly: true })
  try {
    const o: Record<string, unknown> = {}
    const accounts = db.getAccountsSync()
    const tiktok = db.getTikTokAccountsSync()
    o.accounts = accounts
    o.tiktokAccounts = tiktok
    for (const { accountId: id } of accounts) {
      const sessions = db.getSessionsSync(id, { limit: 10_000 })
      o[`sessions ${id}`] = sessions
      o[`countSessions ${id}`] = db.countSessionsSync(id)
      for (const s of sessions) {
        o[`getSession ${s.sessionId}`] = db.getSessionSync(s.sessionId)
        o[`sessionStats ${s.sessionId}`] = db.getSessionStatsSync(s.sessionId)
        o[`sessionInteractions ${s.sessionId}`] = db.getInteractionsSync(null, { sessionId: s.sessionId, limit: 10_000 })
      }
      o[`interactions ${id}`] = db.getInteractionsSync(id, { limit: 10_000 })
      o[`countInteractions ${id}`] = db.countInteractionsSync(id)
      o[`dailyStats ${id}`] = db.getDailyStatsSync(id, RANGE)
      o[`dailyStats30 ${id}`] = db.getDailyStatsSync(id, 30)
      o[`filtered ${id}`] = db.getFilteredProfilesSync(id, { limit: 10_000 })
      o[`profiles ${id}`] = db.getProfilesSync(id, { limit: 10_000 })
      o[`countProfiles ${id}`] = db.countProfilesSync(id)
      o[`processedHashtagPosts ${id}`] = db.getProcessedHashtagPostsSync(id, { limit: 10_000 })
    }
    for (const { accountId: id } of tiktok) {
      o[`tiktokSessions ${id}`] = db.getTikTokSessionsSync(id, { limit: 10_000 })
      o[`countTikTokSessions ${id}`] = db.countTikTokSessionsSync(id)
      o[`tiktokInteractions ${id}`] = db.getTikTokInteractionsSync(id, { limit: 10_000 })
      o[`countTikTokInteractions ${id}`] = db.countTikTokInteractionsSync(id)
      o[`tiktokDailyStats ${id}`] = db.getTikTokDailyStatsSync(id, RANGE)
      o[`tiktokFiltered ${id}`] = db.getTikTokFilteredProfilesSync(id, { limit: 10_000 })
    }
    for (const groupBy of ['day', 'type', 'account', 'hour'] as const) {
      o[`activity ${groupBy}`] = db.getActivitySync({ groupBy: [groupBy, 'type'], ...RANGE })
      o[`tiktokActivity ${groupBy}`] = db.getTikTokActivitySync({ groupBy: [groupBy, 'type'], ...RANGE })
    }
    const scraping = db.getScrapingSessionsSync({ limit: 10_000 })
    o.scraping = scraping
    for (const s of scraping) o[`scraped ${s.scrapingId}`] = db.getScrapedProfilesSync(s.scrapingId, { limit: 10_000 })
    o.tiktokProfiles = db.getTikTokProfilesSync({ limit: 10_000 })
    for (const p of db.getProfilesSync(accounts[0]?.accountId ?? 0, { limit: 10_000 })) {
      o[`profile ${p.profileId}`] = db.getProfileSync(p.profileId)
      o[`statsHistory ${p.profileId}`] = db.getProfileStatsHistorySync(p.profileId)
    }
    return o
  } finally {
    db.close()
  }
}

/**
 * What the unified layout has no column for, and ids it gives anew (as the bot's own migration
 * does; the legacy ids stay in legacy_id / the extras file): left out of the comparison, and
 * checked on their own below.
 */
function comparable(d: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(d, function (this: Record<string, unknown>, key, value: unknown) {
      if (key === 'linkedAccounts' || key === 'discoveryCampaignId') return undefined
      // TikTok interactions and filtered profiles get new row ids (Instagram's are kept).
      if (key === 'id' && ('videoId' in this || ('filteredAt' in this && this.__tiktok === true))) return undefined
      return value
    }),
  ) as Record<string, unknown>
}

/** TikTok rows marked so `comparable` can tell them (filtered profiles look alike on both platforms). */
function markTikTok(d: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(d)) {
    if (k.startsWith('tiktokFiltered') && Array.isArray(v)) for (const r of v) (r as Record<string, unknown>).__tiktok = true
  }
  return d
}

const LEGACY_TO_UNIFIED: [string, string, string | null][] = [
  ['instagram_accounts', 'accounts', 'instagram'],
  ['tiktok_accounts', 'accounts', 'tiktok'],
  ['instagram_profiles', 'social_profiles', 'instagram'],
  ['tiktok_profiles', 'social_profiles', 'tiktok'],
  ['sessions', 'sessions_unified', 'instagram'],
  ['tiktok_sessions', 'sessions_unified', 'tiktok'],
  ['interaction_history', 'interactions', 'instagram'],
  ['tiktok_interaction_history', 'interactions', 'tiktok'],
  ['daily_stats', 'daily_stats_unified', 'instagram'],
  ['tiktok_daily_stats', 'daily_stats_unified', 'tiktok'],
  ['filtered_profiles', 'filtered_profiles', 'instagram'],
  ['tiktok_filtered_profiles', 'filtered_profiles', 'tiktok'],
  ['scraping_sessions', 'scraping_sessions', null],
  ['scraped_profiles', 'scraped_profiles', null],
  ['processed_hashtag_posts', 'processed_hashtag_posts', null],
  ['profile_stats_history', 'profile_stats_history', null],
]
const HOMELESS = ['instagram_posts', 'scraped_comments', 'discovery_campaigns', 'discovery_progress', 'discovered_profiles']

describe('upgradeToUnified', () => {
  it('moves every row into its unified place; the dashboard is the same; what has no home is kept beside the file', async () => {
    const file = seededLegacy()
    const before = markTikTok(dashboard(file))
    const legacyCounts = Object.fromEntries(LEGACY_TO_UNIFIED.map(([t]) => [t, count(file, `SELECT count(*) FROM ${t}`)]))
    const homeless = Object.fromEntries(HOMELESS.map((t) => [t, pySql(file, `SELECT * FROM ${t} ORDER BY rowid`)]))
    const kept = {
      processed: pySql(file, 'SELECT * FROM processed_hashtag_posts ORDER BY id'),
      history: pySql(file, 'SELECT * FROM profile_stats_history ORDER BY id'),
      linked: pySql(file, "SELECT profile_id, username, linked_accounts FROM instagram_profiles WHERE linked_accounts IS NOT NULL AND trim(linked_accounts) != '' ORDER BY profile_id"),
      accountIds: pySql(file, 'SELECT account_id, username FROM instagram_accounts ORDER BY account_id'),
      interactions: pySql(file, 'SELECT id, session_id, account_id, profile_id, interaction_type, interaction_time, success, content FROM interaction_history ORDER BY id'),
      tiktokInteractions: pySql(file, 'SELECT id, session_id, account_id, profile_id, interaction_type, interaction_time, success, content, video_id FROM tiktok_interaction_history ORDER BY id'),
    }
    for (const t of Object.keys(legacyCounts)) expect(legacyCounts[t], t).toBeGreaterThan(0) // the seed covers every table

    const db = openDatabase({ path: file })
    expect(db.layout).toBe('legacy')
    const progress: UpgradeProgress[] = []
    const result = await db.upgradeToUnified({ onProgress: (p) => progress.push(p) })
    expect(db.layout).toBe('unified')
    db.close()

    expect(result).toMatchObject({ upgraded: true, dryRun: false, layoutBefore: 'legacy' })
    expect(Object.fromEntries(result.moves.map((m) => [m.from, m.rows]))).toEqual(legacyCounts)
    for (const m of result.moves) expect(m.to).toBe(LEGACY_TO_UNIFIED.find(([f]) => f === m.from)![1])
    // Progress: each step once, in order, counting up to its total.
    expect(progress.map((p) => p.done)).toEqual(progress.map((_, i) => i + 1))
    expect(progress.at(-1)).toMatchObject({ step: 'commit', done: progress.length, total: progress.length })
    expect(progress.filter((p) => p.step === 'copy').map((p) => p.table)).toContain('interaction_history')

    // Row counts per domain, by Python: every legacy row is in its unified place.
    for (const [from, to, platform] of LEGACY_TO_UNIFIED) {
      const where = platform ? ` WHERE platform = '${platform}'` : ''
      expect(count(file, `SELECT count(*) FROM ${to}${where}`), `${from} -> ${to}`).toBe(legacyCounts[from])
    }
    // Ids, timestamps, values: the FK children unchanged, row for row; legacy ids kept.
    expect(pySql(file, 'SELECT * FROM processed_hashtag_posts ORDER BY id')).toEqual(kept.processed)
    expect(pySql(file, 'SELECT * FROM profile_stats_history ORDER BY id')).toEqual(kept.history)
    expect(pySql(file, "SELECT legacy_account_id, username FROM accounts WHERE platform = 'instagram' ORDER BY legacy_account_id")).toEqual(kept.accountIds)
    expect(pySql(file, "SELECT id, session_id, account_id, profile_id, interaction_type, interaction_time, success, content FROM interactions WHERE platform = 'instagram' ORDER BY id")).toEqual(kept.interactions)
    expect(pySql(file, "SELECT legacy_id, session_id, account_id, profile_id, interaction_type, interaction_time, success, content, video_id FROM interactions WHERE platform = 'tiktok' ORDER BY legacy_id")).toEqual(kept.tiktokInteractions)
    expect(count(file, "SELECT count(*) FROM interactions WHERE legacy_id IS NULL OR sync_id IS NULL")).toBe(0)
    expect(pySql(file, 'PRAGMA integrity_check')).toEqual([['ok']])
    expect(count(file, "SELECT count(*) FROM sqlite_master m, pragma_foreign_key_list(m.name) WHERE m.type = 'table'")).toBe(0)

    // The dashboard: every number the addon showed on the legacy file, the same on the unified one.
    const after = markTikTok(dashboard(file))
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort())
    expect(comparable(after)).toEqual(comparable(before))

    // The backup is the legacy file as it was; the extras file holds what has no unified home.
    expect(result.backupPath).toMatch(/taktik-data\.db\.before-unified-\d{4}-\d\d-\d\d$/)
    expect(count(result.backupPath!, 'SELECT count(*) FROM interaction_history')).toBe(legacyCounts.interaction_history)
    expect(result.extrasPath).toMatch(/taktik-data\.db\.legacy-extras-\d{4}-\d\d-\d\d\.db$/)
    for (const t of HOMELESS) {
      expect(homeless[t]!.length, t).toBeGreaterThan(0)
      expect(pySql(result.extrasPath!, `SELECT * FROM ${t} ORDER BY rowid`), t).toEqual(homeless[t])
      expect(result.keptAside).toContainEqual({ table: t, rows: homeless[t]!.length })
      expect(count(file, `SELECT count(*) FROM sqlite_master WHERE name = '${t}'`), t).toBe(0)
    }
    expect(pySql(result.extrasPath!, 'SELECT profile_id, username, linked_accounts FROM instagram_profiles_columns ORDER BY profile_id')).toEqual(kept.linked)
    // TikTok's filtered profiles got new row ids: the old ones are kept with the key that finds the new row.
    expect(pySql(result.extrasPath!, 'SELECT id, profile_id, account_id FROM tiktok_filtered_profiles_ids ORDER BY id')).toEqual(
      pySql(result.backupPath!, 'SELECT id, profile_id, account_id FROM tiktok_filtered_profiles ORDER BY id'),
    )
    expect(pySql(result.extrasPath!, 'SELECT scraping_id, discovery_campaign_id FROM scraping_sessions_discovery')).toEqual(
      pySql(result.backupPath!, 'SELECT scraping_id, discovery_campaign_id FROM scraping_sessions WHERE discovery_campaign_id IS NOT NULL'),
    )
  })

  it('leaves the file as the unified fixture (the current bot\'s writes) expects: it writes, the addon reads it', async () => {
    const file = seededLegacy()
    const db = openDatabase({ path: file })
    db.upgradeToUnifiedSync({ backup: false })
    const accountsBefore = db.getAccountsSync().length
    const writer = spawnPy([...layoutArgs('unified'), 'writer', file, '--seconds', '1', '--interval-ms', '20'])
    const done = await finished<{ written: number }>(writer)
    expect(done.written).toBeGreaterThan(0)
    // The writer's account: new ids continue after the migrated ones, per platform.
    const accounts = db.getAccountsSync()
    expect(accounts.length).toBe(accountsBefore + 1)
    const writerBot = accounts.find((a) => a.username === 'writer_bot')!
    expect(writerBot.accountId).toBeGreaterThan(Math.max(...accounts.filter((a) => a !== writerBot).map((a) => a.accountId)))
    expect(db.countInteractionsSync(writerBot.accountId)).toBeGreaterThan(0)
    expect(db.integrityCheckSync()).toMatchObject({ ok: true })
    db.close()
  })

  it('is the same move as the bot\'s (the fixture\'s emulation of its steps): same tables, columns and rows', () => {
    const file = seededLegacy()
    const copy = tempDb()
    copyFileSync(file, copy)
    const db = openDatabase({ path: file })
    db.upgradeToUnifiedSync({ backup: false })
    db.close()
    py([...layoutArgs('legacy'), 'migrate', copy])
    const shape = (f: string) =>
      pySql<[string, string]>(f, "SELECT m.name, group_concat(p.name, ',') FROM sqlite_master m, pragma_table_info(m.name) p WHERE (m.type = 'table' OR m.name IN ('instagram_profiles', 'tiktok_profiles')) AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'idx_taktikdb%' GROUP BY m.name ORDER BY m.name")
    expect(shape(file)).toEqual(shape(copy))
    const rows = (f: string) =>
      Object.fromEntries(shape(f).map(([t]) => [t, count(f, `SELECT count(*) FROM "${t}"`)]).filter(([t]) => t !== 'device_identity'))
    expect(rows(file)).toEqual(rows(copy))
  })

  it('a second call, and a call on a unified file, change nothing (upgraded: false)', () => {
    const file = seededLegacy()
    const db = openDatabase({ path: file })
    db.upgradeToUnifiedSync({ backup: false })
    const schema = schemaOf(file)
    const files = besides(file)
    expect(db.upgradeToUnifiedSync()).toEqual({
      upgraded: false, dryRun: false, layoutBefore: 'unified', backupPath: null, extrasPath: null, moves: [], keptAside: [], dropped: [],
    })
    expect(schemaOf(file)).toEqual(schema)
    expect(besides(file)).toEqual(files) // no backup of a file with nothing to do
    db.close()

    const unified = tempDb()
    const u = openDatabase({ path: unified, layout: 'unified' })
    expect(u.upgradeToUnifiedSync()).toMatchObject({ upgraded: false, layoutBefore: 'unified' })
    u.close()
  })

  it('dryRun says what would move and changes nothing, not even a file beside it', () => {
    const file = seededLegacy()
    const db = openDatabase({ path: file })
    db.checkpointSync('TRUNCATE')
    const hash = sha(file)
    const files = besides(file)
    const dry = db.upgradeToUnifiedSync({ dryRun: true })
    expect(dry).toMatchObject({ upgraded: false, dryRun: true, layoutBefore: 'legacy' })
    expect(dry.moves.find((m) => m.from === 'interaction_history')?.rows).toBe(count(file, 'SELECT count(*) FROM interaction_history'))
    expect(dry.dropped).toContain('interaction_history')
    expect(dry.backupPath).toMatch(/before-unified/)
    expect(existsSync(dry.backupPath!)).toBe(false)
    expect(existsSync(dry.extrasPath!)).toBe(false)
    expect(db.layout).toBe('legacy')
    db.checkpointSync('TRUNCATE')
    expect(sha(file)).toBe(hash)
    expect(besides(file)).toEqual(files)
    // The real move then does what the dry run said.
    const real = db.upgradeToUnifiedSync()
    expect(real.moves).toEqual(dry.moves)
    expect(real.keptAside).toEqual(dry.keptAside)
    expect(real.backupPath).toBe(dry.backupPath)
    db.close()
  })

  it('waits out the bot\'s lock off the JS thread, and moves what the bot committed meanwhile', async () => {
    const file = seededLegacy()
    const db = openDatabase({ path: file, busyTimeoutMs: 10_000 })
    const hold = spawnPy([...layoutArgs('legacy'), 'hold', file, '--seconds', '1'])
    const held = finished<{ held: number }>(hold)
    await waitForStderr(hold, 'READY')
    let ticks = 0
    const timer = setInterval(() => ticks++, 10)
    const started = Date.now()
    const result = await db.upgradeToUnified()
    clearInterval(timer)
    expect(Date.now() - started).toBeGreaterThanOrEqual(500)
    expect(ticks).toBeGreaterThan(20) // the JS thread kept running while it waited
    await held
    expect(result.upgraded).toBe(true)
    // The account the bot inserted under its lock was committed before the move, and moved.
    expect(db.getAccountsSync().some((a) => a.username.startsWith('hold_'))).toBe(true)
    expect(count(result.backupPath!, "SELECT count(*) FROM instagram_accounts WHERE username LIKE 'hold_%'")).toBe(1)
    db.close()
  })

  it('refuses a file that is neither legacy nor unified with NOT_LEGACY, and a readonly open, changing nothing', () => {
    const file = seededLegacy()
    // A move begun by someone else: the legacy tables and one unified table.
    pySql(file, 'CREATE TABLE interactions (id INTEGER PRIMARY KEY, platform TEXT)')
    const db = openDatabase({ path: file })
    db.checkpointSync('TRUNCATE')
    const hash = sha(file)
    let error: { code?: string; message: string } | undefined
    try {
      db.upgradeToUnifiedSync()
    } catch (e) {
      error = e as { code?: string; message: string }
    }
    expect(error?.code).toBe('NOT_LEGACY')
    expect(error?.message).toMatch(/^upgradeToUnified refused .*taktik-data\.db: it has the legacy tables and already the unified interactions/)
    db.checkpointSync('TRUNCATE')
    expect(sha(file)).toBe(hash)
    db.close()

    const legacy = seededLegacy()
    const ro = openDatabase({ path: legacy, readonly: true })
    expect(() => ro.upgradeToUnifiedSync()).toThrow(expect.objectContaining({ code: 'SQLITE_READONLY' }))
    ro.close()
    const rw = openDatabase({ path: legacy })
    expect(() => rw.upgradeToUnifiedSync({ dryrun: true } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: 'upgradeToUnified: dryrun is not an option (the options are backup, dryRun, onProgress)' }),
    )
    rw.close()
  })

  it('a process killed in the middle leaves the legacy file (SQLite rolls it back); the next call completes the move', async () => {
    const file = seededLegacy()
    // Enough rows that the copy takes a while.
    pySql(
      file,
      `WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n WHERE value < 300000)
       INSERT INTO interaction_history (session_id, account_id, profile_id, interaction_type, interaction_time, success, content)
       SELECT NULL, (SELECT min(account_id) FROM instagram_accounts), (SELECT min(profile_id) FROM instagram_profiles), 'LIKE',
              datetime('2026-01-01', '+' || value || ' seconds'), 1, NULL
       FROM n`,
    )
    const legacyRows = count(file, 'SELECT count(*) FROM interaction_history')
    const script = `const { openDatabase } = require(${JSON.stringify(path.resolve(__dirname, '..', 'index.js'))})
const db = openDatabase({ path: process.argv[1] })
db.upgradeToUnified({ backup: false, onProgress: (p) => { if (p.step === 'copy') process.kill(process.pid, 'SIGKILL') } })`
    const child = spawn(process.execPath, ['-e', script, file], { stdio: 'ignore' })
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
    // Windows has no signals: Node ends the process with TerminateProcess, exit code 1.
    expect(exit).toEqual(process.platform === 'win32' ? { code: 1, signal: null } : { code: null, signal: 'SIGKILL' })
    const db = openDatabase({ path: file })
    // Killed while copying: nothing of the move is in the file.
    expect(db.layout).toBe('legacy')
    expect(count(file, 'SELECT count(*) FROM interaction_history')).toBe(legacyRows)
    const result = db.upgradeToUnifiedSync({ backup: false })
    expect(result.upgraded).toBe(true)
    expect(count(file, "SELECT count(*) FROM interactions WHERE platform = 'instagram'")).toBe(legacyRows)
    db.close()
  })
})

// Keeps the import used when the suite is type-checked alone.
export type { TaktikDatabase }

// The app's own writes, the change feed, maintenance, CSV export and
// cancellation, each checked against the file as Python's stdlib sqlite3 sees it.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase, type ChangeEvent, type TaktikDatabase, type WriteResult } from '../index.js'
import { codeOf, finished, parseCsv, py, pyCount as count, pySql, PYTHON, rejection, ROOT, spawnPy, tempDb, waitForStderr } from './helpers'
import { LAYOUTS, REL, layoutArgs, type Layout } from './layouts'

interface Seed {
  accounts: Record<string, number>
  profiles: Record<string, number>
  sessions: { sessionId: number; accountId: number }[]
  campaigns: { campaignId: number }[]
  filteredProfiles: { profileId: number; accountId: number }[]
  counts: Record<string, number>
  /** Rows per table of the file (the unified fixture; the legacy one's `counts` are its tables). */
  physicalCounts?: Record<string, number>
}

/** Rows per table of the file, read by Python. */
function rowCounts(file: string): Record<string, number> {
  const code = `import sqlite3, json, sys
c = sqlite3.connect(sys.argv[1])
names = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
print(json.dumps({n: c.execute('SELECT count(*) FROM "%s"' % n.replace('"', '""')).fetchone()[0] for n in names}))`
  return JSON.parse(execFileSync(PYTHON, ['-c', code, file], { encoding: 'utf8' })) as Record<string, number>
}

function seeded(layout: Layout = 'legacy'): { file: string; seed: Seed; db: TaktikDatabase } {
  const file = tempDb()
  const seed = py<Seed>([...layoutArgs(layout), 'seed', file])
  const db = openDatabase({ path: file })
  expect(db.layout).toBe(layout)
  return { file, seed, db }
}


describe.each(LAYOUTS)('app writes (%s layout)', (layout) => {
  const T = REL[layout]
  const seeded_ = () => seeded(layout)
  it('updateProfileNotes sets and clears, Sync and async, and Python reads it back', async () => {
    const { file, seed, db } = seeded_()
    const id = seed.profiles['anna.fit']!
    const r = db.updateProfileNotesSync(id, 'met at the gym, "VIP" 🎉')
    expect(r).toEqual({ changes: 1, deleted: {}, updated: { profiles: 1 }, dryRun: false })
    expect(pySql(file, `SELECT notes FROM ${T.profiles} WHERE profile_id = ?`, [id])).toEqual([
      ['met at the gym, "VIP" 🎉'],
    ])
    expect((await db.updateProfileNotes(id, null)).changes).toBe(1)
    expect(db.getProfileSync(id)?.notes).toBeNull()
    expect(db.updateProfileNotesSync(999_999, 'x').changes).toBe(0)
    expect(codeOf(() => db.updateProfileNotesSync(id, 42 as unknown as string))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => (db.updateProfileNotesSync as (id: number) => unknown)(id))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => db.updateProfileNotesSync(-1, 'x'))).toBe('INVALID_ARGUMENT')
    db.close()
  })

  it('removeFilteredProfile deletes one account/profile pair only', () => {
    const { file, seed, db } = seeded_()
    const f = seed.filteredProfiles[0]!
    const before = count(file, 'SELECT count(*) FROM filtered_profiles')
    expect(db.removeFilteredProfileSync(f.accountId, f.profileId).deleted).toEqual({ filteredProfiles: 1 })
    expect(count(file, 'SELECT count(*) FROM filtered_profiles')).toBe(before - 1)
    expect(count(file, `SELECT count(*) FROM ${T.filtered} WHERE account_id = ? AND profile_id = ?`, [f.accountId, f.profileId])).toBe(0)
    expect(db.removeFilteredProfileSync(f.accountId, f.profileId).changes).toBe(0)
    db.close()
  })

  it('deleteSession keeps interactions unless withInteractions', async () => {
    const { file, seed, db } = seeded_()
    const [a, b] = seed.sessions
    const inA = count(file, `SELECT count(*) FROM ${T.interactions} WHERE session_id = ?`, [a!.sessionId])
    expect(inA).toBeGreaterThan(0)
    expect(db.deleteSessionSync(a!.sessionId)).toMatchObject({ changes: 1, deleted: { sessions: 1 } })
    expect(count(file, `SELECT count(*) FROM ${T.sessions} WHERE session_id = ?`, [a!.sessionId])).toBe(0)
    expect(count(file, `SELECT count(*) FROM ${T.interactions} WHERE session_id = ?`, [a!.sessionId])).toBe(inA)
    const inB = count(file, `SELECT count(*) FROM ${T.interactions} WHERE session_id = ?`, [b!.sessionId])
    const ttBefore = count(file, `SELECT count(*) FROM ${T.tiktokInteractions}`)
    const r = await db.deleteSession(b!.sessionId, { withInteractions: true })
    expect(r.deleted).toEqual({ sessions: 1, interactions: inB })
    expect(count(file, `SELECT count(*) FROM ${T.interactions} WHERE session_id = ?`, [b!.sessionId])).toBe(0)
    // Only the Instagram session's rows: TikTok ids are another platform's.
    expect(count(file, `SELECT count(*) FROM ${T.tiktokInteractions}`)).toBe(ttBefore)
    expect(codeOf(() => db.deleteSessionSync(1, { withInteraction: true } as never))).toBe('INVALID_ARGUMENT')
    db.close()
  })

  it.runIf(layout === 'unified')('deleteAccount is NOT_IN_THIS_FILE and changes nothing', async () => {
    const { file, seed, db } = seeded_()
    const acc = seed.accounts['alice_bot']!
    const before = rowCounts(file)
    expect(codeOf(() => db.deleteAccountSync(acc))).toBe('NOT_IN_THIS_FILE')
    expect((await rejection(db.deleteAccount(acc))).code).toBe('NOT_IN_THIS_FILE')
    expect(db.supports('deleteAccount')).toBe(false)
    expect(rowCounts(file)).toEqual(before)
    expect(db.getAccountsSync().map((a) => a.accountId)).toContain(acc)
    db.close()
  })

  it.runIf(layout === 'unified')('discovery writes are NOT_IN_THIS_FILE', async () => {
    const { db } = seeded_()
    expect(codeOf(() => db.createDiscoveryCampaignSync({ name: 'x' }))).toBe('NOT_IN_THIS_FILE')
    expect((await rejection(db.updateDiscoveryCampaign(1, { status: 'X' }))).code).toBe('NOT_IN_THIS_FILE')
    expect(codeOf(() => db.deleteDiscoveryCampaignSync(1))).toBe('NOT_IN_THIS_FILE')
    expect(codeOf(() => db.setDiscoveredProfileStatusSync(1, 'x'))).toBe('NOT_IN_THIS_FILE')
    db.close()
  })

  it.runIf(layout === 'legacy')('deleteAccount cascades exactly as the foreign keys say, and reports it', async () => {
    const { file, seed, db } = seeded()
    const acc = seed.accounts['alice_bot']!
    // The file's tables and the API names the result reports them by.
    const cascade: [string, string][] = [
      ['sessions', 'sessions'], ['daily_stats', 'dailyStats'], ['interaction_history', 'interactions'],
      ['filtered_profiles', 'filteredProfiles'], ['instagram_posts', 'posts'], ['processed_hashtag_posts', 'processedHashtagPosts'],
    ]
    const expectDeleted: Record<string, number> = {}
    for (const [t, api] of cascade) {
      const n = count(file, `SELECT count(*) FROM ${t} WHERE account_id = ?`, [acc])
      if (n > 0) expectDeleted[api] = n
    }
    expectDeleted['accounts'] = 1
    const expectUpdated: Record<string, number> = {}
    for (const [t, api] of [['discovery_campaigns', 'discoveryCampaigns'], ['scraping_sessions', 'scrapingSessions']] as const) {
      const n = count(file, `SELECT count(*) FROM ${t} WHERE account_id = ?`, [acc])
      if (n > 0) expectUpdated[api] = n
    }
    expect(db.getAccountSync(acc)?.accountId).toBe(acc)
    const r: WriteResult = db.deleteAccountSync(acc)
    expect(r.deleted).toEqual(expectDeleted)
    expect(r.updated).toEqual(expectUpdated)
    for (const t of [...cascade.map(([t]) => t), 'instagram_accounts']) {
      expect(count(file, `SELECT count(*) FROM ${t} WHERE account_id = ?`, [acc])).toBe(0)
    }
    expect(count(file, 'PRAGMA foreign_key_check')).toBe(0)
    expect(db.getAccountsSync().map((a) => a.accountId)).not.toContain(acc)
    // Its per-account reads answer like an idle account's; getAccount tells them apart.
    expect(db.getSessionsSync(acc)).toEqual([])
    expect(db.getAccountSync(acc)).toBeNull()
    expect(await db.getAccount(acc)).toBeNull()
    db.close()
  })

  it.runIf(layout === 'legacy')('discovery campaigns: create, update (patch only), status of found profiles, delete with cascade', async () => {
    const { file, db } = seeded()
    const c = db.createDiscoveryCampaignSync({ name: 'Yoga, "FR"', nicheKeywords: ['yoga', 'méditation'], accountId: 1 })
    expect(c).toMatchObject({ name: 'Yoga, "FR"', nicheKeywords: ['yoga', 'méditation'], targetHashtags: [], status: 'ACTIVE', accountId: 1 })
    const stored = pySql<[string]>(file, 'SELECT niche_keywords FROM discovery_campaigns WHERE campaign_id = ?', [c.campaignId])
    expect(JSON.parse(stored[0]![0])).toEqual(['yoga', 'méditation'])
    const u = await db.updateDiscoveryCampaign(c.campaignId, { status: 'PAUSED', targetHashtags: ['zen'] })
    expect(u).toMatchObject({ name: 'Yoga, "FR"', status: 'PAUSED', targetHashtags: ['zen'], nicheKeywords: ['yoga', 'méditation'] })
    expect(db.updateDiscoveryCampaignSync(999_999, { status: 'X' })).toBeNull()
    // accountId: left out or undefined keeps it, null detaches the campaign from its account.
    expect(db.updateDiscoveryCampaignSync(c.campaignId, { accountId: undefined, status: 'ACTIVE' })).toMatchObject({ accountId: 1 })
    expect(codeOf(() => db.updateDiscoveryCampaignSync(c.campaignId, { accountId: undefined }))).toBe('INVALID_ARGUMENT')
    expect(await db.updateDiscoveryCampaign(c.campaignId, { accountId: null })).toMatchObject({ accountId: null, status: 'ACTIVE', name: 'Yoga, "FR"' })
    expect(pySql(file, 'SELECT account_id FROM discovery_campaigns WHERE campaign_id = ?', [c.campaignId])).toEqual([[null]])
    expect(db.updateDiscoveryCampaignSync(c.campaignId, { accountId: 1 })).toMatchObject({ accountId: 1 })
    expect(db.createDiscoveryCampaignSync({ name: 'unattached', accountId: null })).toMatchObject({ accountId: null })
    expect(codeOf(() => db.updateDiscoveryCampaignSync(c.campaignId, {}))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => db.createDiscoveryCampaignSync({ name: '' }))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => db.createDiscoveryCampaignSync({ name: 'x', bogus: 1 } as never))).toBe('INVALID_ARGUMENT')

    // A seeded campaign with progress and found profiles.
    const [cid, progress, found] = pySql<[number, number, number]>(
      file,
      `SELECT c.campaign_id, (SELECT count(*) FROM discovery_progress WHERE campaign_id = c.campaign_id),
              (SELECT count(*) FROM discovered_profiles WHERE campaign_id = c.campaign_id)
       FROM discovery_campaigns c ORDER BY 3 DESC LIMIT 1`,
    )[0]!
    const pid = pySql<[number]>(file, 'SELECT profile_id FROM discovered_profiles WHERE campaign_id = ? LIMIT 1', [cid])[0]![0]
    expect(db.setDiscoveredProfileStatusSync(pid, 'qualified').updated).toEqual({ discoveredProfiles: 1 })
    expect(pySql(file, 'SELECT status FROM discovered_profiles WHERE profile_id = ?', [pid])).toEqual([['qualified']])
    expect(codeOf(() => db.setDiscoveredProfileStatusSync(pid, ''))).toBe('INVALID_ARGUMENT')
    const linked = count(file, 'SELECT count(*) FROM scraping_sessions WHERE discovery_campaign_id = ?', [cid])
    const r = db.deleteDiscoveryCampaignSync(cid)
    const deleted: Record<string, number> = { discoveryCampaigns: 1 }
    if (progress > 0) deleted['discoveryProgress'] = progress
    if (found > 0) deleted['discoveredProfiles'] = found
    expect(r.deleted).toEqual(deleted)
    expect(r.updated).toEqual(linked > 0 ? { scrapingSessions: linked } : {})
    expect(count(file, 'SELECT count(*) FROM discovered_profiles WHERE campaign_id = ?', [cid])).toBe(0)
    db.close()
  })

  it('pruneHistory: dryRun counts exactly what the real run deletes; undated rows are kept', () => {
    const { file, db } = seeded_()
    // One interaction whose time cannot be read: never pruned.
    pySql(file, `UPDATE ${layout === 'legacy' ? 'interaction_history' : 'interactions'} SET interaction_time = 'garbage' WHERE id = (SELECT min(id) FROM ${T.interactions})`)
    const dry = db.pruneHistorySync({ olderThanDays: 3, dryRun: true })
    expect(dry.dryRun).toBe(true)
    expect(dry.changes).toBeGreaterThan(0)
    const total = count(file, `SELECT count(*) FROM ${T.interactions}`)
    const ttTotal = count(file, `SELECT count(*) FROM ${T.tiktokInteractions}`)
    const real = db.pruneHistorySync({ olderThanDays: 3 })
    expect(real.deleted).toEqual(dry.deleted)
    expect(count(file, `SELECT count(*) FROM ${T.interactions}`)).toBe(total - (real.deleted['interactions'] ?? 0))
    expect(count(file, `SELECT count(*) FROM ${T.tiktokInteractions}`)).toBe(ttTotal - (real.deleted['tiktokInteractions'] ?? 0))
    expect(count(file, `SELECT count(*) FROM ${T.interactions} WHERE interaction_time = 'garbage'`)).toBe(1)
    expect(db.pruneHistorySync({ olderThanDays: 3 }).changes).toBe(0)
    expect(codeOf(() => db.pruneHistorySync({} as never))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => db.pruneHistorySync({ olderThanDays: 0 }))).toBe('INVALID_ARGUMENT')
    db.close()
  })

  it('every write fails with SQLITE_READONLY on a readonly database, and CLOSED after close', async () => {
    const { file, seed, db } = seeded_()
    db.close()
    const ro = openDatabase({ path: file, readonly: true })
    const id = seed.profiles['anna.fit']!
    expect(codeOf(() => ro.updateProfileNotesSync(id, 'x'))).toBe('SQLITE_READONLY')
    expect(codeOf(() => ro.deleteAccountSync(1))).toBe('SQLITE_READONLY')
    expect(codeOf(() => ro.removeFilteredProfileSync(1, 1))).toBe('SQLITE_READONLY')
    expect(codeOf(() => ro.pruneHistorySync({ olderThanDays: 1 }))).toBe('SQLITE_READONLY')
    expect(codeOf(() => ro.checkpointSync())).toBe('SQLITE_READONLY')
    expect((await rejection(ro.deleteSession(1))).code).toBe('SQLITE_READONLY')
    ro.close()
    expect(codeOf(() => ro.updateProfileNotesSync(id, 'x'))).toBe('CLOSED')
  })

  it('after the app wrote, Python still writes to the file without errors', async () => {
    const { file, db } = seeded_()
    db.deleteSessionSync(1, { withInteractions: true })
    db.updateProfileNotesSync(1, 'x')
    db.pruneHistorySync({ olderThanDays: 30 })
    if (layout === 'legacy') db.createDiscoveryCampaignSync({ name: 'x' })
    const writer = spawnPy([...layoutArgs(layout), 'writer', '--seconds', '1', '--interval-ms', '20', file])
    const done = await finished<{ written: number }>(writer)
    expect(done.written).toBeGreaterThan(0)
    expect(pySql(file, 'PRAGMA integrity_check')).toEqual([['ok']])
    db.close()
  })
})

describe.each(LAYOUTS)('change feed (%s layout)', (layout) => {
  const seeded_ = () => seeded(layout)
  it('fires for a Python writer, naming the tables it wrote, and is silent when idle', async () => {
    const { file, db } = seeded_()
    const events: ChangeEvent[] = []
    const before = { interactions: db.countInteractionsSync(null), accounts: db.getAccountsSync().length }
    const handle = db.watch((e) => events.push(e), { intervalMs: 50 })
    // The counts the first event follows: every table the file keeps, as the typed reads count them.
    expect(Object.keys(handle.baseline).sort()).toEqual([...db.capabilities].sort())
    expect(handle.baseline).toMatchObject(before)
    await new Promise((r) => setTimeout(r, 600))
    expect(events).toEqual([]) // idle: nothing committed
    const writer = spawnPy([...layoutArgs(layout), 'writer', '--seconds', '1', '--interval-ms', '50', file])
    await waitForStderr(writer, 'READY')
    await finished(writer)
    await new Promise((r) => setTimeout(r, 400))
    expect(events.length).toBeGreaterThan(0)
    for (const e of events) {
      expect(e).toMatchObject({ layout, layoutChanged: false })
      // Each changed table comes with its row count then (of its platform, on a unified table).
      expect(Object.keys(e.rows).sort()).toEqual([...e.tables].sort())
    }
    const last = events.filter((e) => e.tables.includes('interactions')).at(-1)!
    expect(last.rows.interactions).toBe(db.countInteractionsSync(null))
    expect(last.rows.interactions).toBeGreaterThan(before.interactions)
    const named = new Set(events.flatMap((e) => e.tables))
    expect(named.has('interactions')).toBe(true)
    expect(named.has('dailyStats')).toBe(true)
    expect(named.has('tiktokProfiles')).toBe(false)
    for (const e of events) expect(e.tables.length).toBeGreaterThan(0)
    const seen = events.length
    await new Promise((r) => setTimeout(r, 400))
    expect(events.length).toBe(seen) // idle again
    handle.close()
    expect(handle.closed).toBe(true)
    db.close()
  })

  it('sees the app’s own writes, honours `tables`, and stops on close() and on database close()', async () => {
    const { db } = seeded_()
    const all: ChangeEvent[] = []
    const onlySessions: ChangeEvent[] = []
    const h1 = db.watch((e) => all.push(e), { intervalMs: 20 })
    // The README's own example, on either layout.
    const h2 = db.watch((e) => onlySessions.push(e), { intervalMs: 20, tables: ['sessions'] })
    db.updateProfileNotesSync(1, 'x')
    await new Promise((r) => setTimeout(r, 300))
    expect(all.flatMap((e) => e.tables)).toEqual(['profiles'])
    expect(onlySessions).toEqual([])
    db.deleteSessionSync(1)
    await new Promise((r) => setTimeout(r, 300))
    expect(onlySessions.flatMap((e) => e.tables)).toEqual(['sessions'])
    expect(all.flatMap((e) => e.tables)).toEqual(['profiles', 'sessions'])
    if (layout === 'unified') {
      expect(codeOf(() => db.watch(() => {}, { tables: ['discoveryCampaigns'] }))).toBe('NOT_IN_THIS_FILE')
      // The legacy table names say what they became.
      expect(() => db.watch(() => {}, { tables: ['interaction_history' as never] })).toThrow(/"interactions"/)
    }
    h1.close()
    const before = all.length
    db.updateProfileNotesSync(1, 'y')
    await new Promise((r) => setTimeout(r, 300))
    expect(all.length).toBe(before)
    db.close()
    expect(h2.closed).toBe(true)
    expect(codeOf(() => db.watch(() => {}))).toBe('CLOSED')
  })

  it('no callback runs after close(), not even for an event already queued', async () => {
    const { db } = seeded_()
    let late = 0
    for (let round = 0; round < 10; round++) {
      let closed = false
      const h = db.watch(() => {
        if (closed) late++
      }, { intervalMs: 10 })
      db.updateProfileNotesSync(1, `round ${round}`)
      // Keep the JS thread busy while the feed's thread sees the commit and
      // queues the event, then close before the event can be delivered.
      const until = performance.now() + 60
      while (performance.now() < until);
      h.close()
      closed = true
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(late).toBe(0)
    db.close()
  })

  it('rejects bad options', () => {
    const { db } = seeded_()
    // An empty list would watch nothing: refused, not taken as "every table".
    expect(codeOf(() => db.watch(() => {}, { tables: [] }))).toBe('INVALID_ARGUMENT')
    expect(() => db.watch(() => {}, { tables: [] })).toThrow(/at least one table/)
    expect(codeOf(() => db.watch(() => {}, { onError: 'log' as never }))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => db.watch(() => {}, { tables: ['nope' as never] }))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => db.watch(() => {}, { intervalMs: 1 }))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => db.watch(() => {}, { interval: 5 } as never))).toBe('INVALID_ARGUMENT')
    db.close()
  })

  it('what the callback throws goes to onError, and the feed keeps running', async () => {
    const { db } = seeded_()
    const errors: unknown[] = []
    let calls = 0
    const h = db.watch(() => {
      calls++
      throw new Error(`boom ${calls}`)
    }, { intervalMs: 20, tables: ['profiles'], onError: (e) => errors.push(e) })
    db.updateProfileNotesSync(1, 'x')
    await new Promise((r) => setTimeout(r, 300))
    db.updateProfileNotesSync(1, 'y')
    await new Promise((r) => setTimeout(r, 300))
    expect(calls).toBe(2)
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom 1', 'boom 2'])
    h.close()
    db.close()
  })

  it('without onError, a throw from the callback is an uncaughtException (as documented)', () => {
    const { file } = seeded()
    const script = `const { openDatabase } = require(${JSON.stringify(path.join(ROOT, 'index.js'))})
process.on('uncaughtException', (e) => { console.log('uncaught: ' + e.message); process.exit(0) })
const db = openDatabase({ path: ${JSON.stringify(file)} })
db.watch(() => { throw new Error('from the callback') }, { intervalMs: 20 })
db.updateProfileNotesSync(1, 'x')
setTimeout(() => { console.log('not reported'); process.exit(1) }, 10000)`
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 15_000 })
    expect(out.trim()).toBe('uncaught: from the callback')
  })

  it('does not keep the Node process alive', () => {
    const { file } = seeded()
    const script = `const { openDatabase } = require(${JSON.stringify(path.join(ROOT, 'index.js'))})
const db = openDatabase({ path: ${JSON.stringify(file)} })
db.watch(() => {}, { intervalMs: 20 })
console.log('watching')`
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 15_000 })
    expect(out.trim()).toBe('watching')
  })
})

describe.each(LAYOUTS)('maintenance (%s layout)', (layout) => {
  const T = REL[layout]
  it('backup while Python writes: integrity ok, every row committed before it started', async () => {
    const { file, db } = seeded(layout)
    const writer = spawnPy([...layoutArgs(layout), 'writer', '--seconds', '3', '--interval-ms', '5', file])
    await waitForStderr(writer, 'READY')
    await new Promise((r) => setTimeout(r, 300))
    const committed = count(file, `SELECT max(id) FROM ${T.interactions}`)
    const progress: number[] = []
    const dest = path.join(path.dirname(file), 'copy.db')
    const r = await db.backup(dest, { onProgress: (p) => progress.push(p.pagesCopied) })
    expect(r.pages).toBeGreaterThan(0)
    expect(r.path).toBe(dest)
    await finished(writer)
    await new Promise((r) => setTimeout(r, 50))
    expect(progress.length).toBeGreaterThan(0)
    expect(pySql(dest, 'PRAGMA integrity_check')).toEqual([['ok']])
    expect(count(dest, `SELECT count(*) FROM ${T.interactions} WHERE id <= ?`, [committed])).toBe(
      count(file, `SELECT count(*) FROM ${T.interactions} WHERE id <= ?`, [committed]),
    )
    const copy = openDatabase({ path: dest, readonly: true })
    expect(copy.layout).toBe(layout)
    copy.close()
    expect(existsSync(dest)).toBe(true)
    expect(codeOf(() => db.backupSync(dest))).toBe('FILE_EXISTS')
    expect(db.backupSync(dest, { overwrite: true }).pages).toBeGreaterThan(0)
    expect(codeOf(() => db.backupSync(file, { overwrite: true }))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => db.backupSync(`${file}-wal`, { overwrite: true }))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => db.backupSync(path.dirname(file), { overwrite: true }))).toBe('IO_ERROR')
    expect(codeOf(() => db.backupSync(dest, { overwrite: true, extra: 1 } as never))).toBe('INVALID_ARGUMENT')
    db.close()
  })

  it('checkpoint modes, integrityCheck, getDatabaseInfo, optimize', async () => {
    const { file, seed, db } = seeded(layout)
    for (const mode of ['PASSIVE', 'FULL', 'RESTART', 'TRUNCATE'] as const) {
      const r = db.checkpointSync(mode)
      expect(r.busy).toBe(false)
    }
    expect(codeOf(() => db.checkpointSync('NOPE' as never))).toBe('INVALID_ARGUMENT')
    expect(await db.integrityCheck()).toEqual({ ok: true, problems: [] })
    expect(db.integrityCheckSync({ quick: true }).ok).toBe(true)
    const info = await db.getDatabaseInfo()
    expect(info).toMatchObject({ path: file, readonly: false, journalMode: 'wal', pageSize: 4096 })
    expect(info.sqliteVersion).toMatch(/^3\.\d+\.\d+$/)
    expect(info.fileSizeBytes).toBe(info.pageSize * info.pageCount)
    expect(info.layout).toBe(layout)
    expect(info.capabilities).toEqual(db.capabilities)
    for (const [t, n] of Object.entries(seed.physicalCounts ?? seed.counts)) expect(info.tables[t], t).toBe(n)
    expect(db.optimizeSync().durationMs).toBeGreaterThanOrEqual(0)
    db.close()
  })

  it('the WAL guard truncates a WAL past walLimitBytes and reports it', () => {
    const file = tempDb()
    py([...layoutArgs(layout), 'seed', file])
    const db = openDatabase({ path: file, walLimitBytes: 4096 })
    for (let i = 0; i < 5; i++) db.updateProfileNotesSync(1, 'x'.repeat(5000) + i)
    const info = db.getDatabaseInfoSync()
    expect(info.walLimitBytes).toBe(4096)
    expect(info.lastAutoCheckpoint).not.toBeNull()
    expect(info.lastAutoCheckpoint!.walBytesBefore).toBeGreaterThan(4096)
    expect(info.walSizeBytes).toBeLessThanOrEqual(info.lastAutoCheckpoint!.walBytesBefore)
    db.close()
    const off = openDatabase({ path: file, walLimitBytes: 0 })
    off.updateProfileNotesSync(1, 'y')
    expect(off.getDatabaseInfoSync().lastAutoCheckpoint).toBeNull()
    off.close()
  })
})


describe.each(LAYOUTS)('CSV export (%s layout)', (layout) => {
  const T = REL[layout]
  it('round-trips commas, quotes, newlines and emoji; BOM on request; one row per profile', () => {
    const { file, seed, db } = seeded(layout)
    const acc = seed.accounts['alice_bot']!
    const nasty = 'a, "quoted"\nsecond line\r\nthird 🎉 é'
    const target = db.getProfilesSync(acc, { limit: 1 })[0]!
    db.updateProfileNotesSync(target.profileId, nasty)
    const dest = path.join(path.dirname(file), 'profiles.csv')
    const r = db.exportCsvSync('profiles', dest, { accountId: acc })
    const expected = db.getProfilesSync(acc, { limit: 10_000 })
    expect(r).toEqual({ path: dest, rows: expected.length })
    const text = readFileSync(dest, 'utf8')
    expect(text.charCodeAt(0)).not.toBe(0xfeff)
    // The bytes themselves: a field with `,` `"` CR or LF quoted, quotes doubled, CRLF after every record.
    expect(text).toContain('"a, ""quoted""\nsecond line\r\nthird 🎉 é"')
    expect(text.startsWith(`${Object.keys(db.getProfilesSync(acc, { limit: 1 })[0]!).join(',')}\r\n`)).toBe(true)
    expect(text.endsWith('\r\n')).toBe(true)
    const [header, ...rows] = parseCsv(text)
    expect(header).toEqual(Object.keys(expected[0]!))
    expect(rows.length).toBe(expected.length)
    const cell = (v: unknown): string =>
      v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)
    rows.forEach((row, i) => expect(row).toEqual(Object.values(expected[i]!).map(cell)))
    expect(rows.some((row) => row.includes(nasty))).toBe(true)

    const bom = db.exportCsvSync('profiles', dest, { accountId: acc, bom: true, overwrite: true, isPrivate: false })
    expect(readFileSync(dest, 'utf8').charCodeAt(0)).toBe(0xfeff)
    expect(bom.rows).toBe(db.getProfilesSync(acc, { limit: 10_000, isPrivate: false }).length)
    expect(codeOf(() => db.exportCsvSync('profiles', dest, { accountId: acc }))).toBe('FILE_EXISTS')
    expect(codeOf(() => db.exportCsvSync('profiles', file, { accountId: acc, overwrite: true }))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => db.exportCsvSync('nope' as never, dest, { accountId: acc } as never))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => db.exportCsvSync('profiles', dest, { accountId: acc, limit: 5 } as never))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => db.exportCsvSync('profiles', dest, { overwrite: true } as never))).toBe('INVALID_ARGUMENT')
    db.close()
  })

  it('exports interactions and scraped profiles, and streams 100k rows', async () => {
    const { file, seed, db } = seeded(layout)
    const acc = seed.accounts['bob_bot']!
    const dest = path.join(path.dirname(file), 'i.csv')
    const r = await db.exportCsv('interactions', dest, { accountId: acc })
    expect(r.rows).toBe(count(file, `SELECT count(*) FROM ${T.interactions} WHERE account_id = ?`, [acc]))
    const sid = pySql<[number]>(file, 'SELECT scraping_id FROM scraped_profiles GROUP BY 1 ORDER BY count(*) DESC LIMIT 1')[0]![0]
    const s = db.exportCsvSync('scrapedProfiles', path.join(path.dirname(file), 's.csv'), { scrapingId: sid })
    expect(s.rows).toBe(count(file, 'SELECT count(*) FROM scraped_profiles WHERE scraping_id = ?', [sid]))
    db.close()

    // 100k interactions for one account, exported page by page.
    const [table, platform] = layout === 'legacy' ? ['interaction_history (', ''] : ["interactions (platform, ", "'instagram', "]
    execFileSync(PYTHON, ['-c', `import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executemany("INSERT INTO ${table}session_id, account_id, profile_id, interaction_type, interaction_time, success, content) VALUES (${platform}NULL, ?, 1, 'LIKE', datetime('now', ?), 1, ?)",
  [(${acc}, '-%d seconds' % i, 'row %d, "q"' % i) for i in range(100000)])
c.commit()`, file])
    const big = openDatabase({ path: file })
    const out = path.join(path.dirname(file), 'big.csv')
    const progress: number[] = []
    const rb = await big.exportCsv('interactions', out, { accountId: acc }, { onProgress: (p) => progress.push(p.rowsWritten) })
    expect(rb.rows).toBe(count(file, `SELECT count(*) FROM ${T.interactions} WHERE account_id = ?`, [acc]))
    const lines = readFileSync(out, 'utf8').split('\r\n').filter((l) => l.length > 0)
    expect(lines.length).toBe(rb.rows + 1)
    // In the listing's order (one unpaged pass, not pages by offset).
    const firstIds = lines.slice(1, 10_001).map((l) => Number(l.split(',')[0]))
    expect(firstIds).toEqual(big.getInteractionsSync(acc, { limit: 10_000 }).map((r) => r.id))
    // Progress: rising, the last report the whole count (callbacks may land just after the promise).
    for (let i = 0; i < 100 && progress.at(-1) !== rb.rows; i++) await new Promise((r) => setTimeout(r, 20))
    expect(progress.at(-1)).toBe(rb.rows)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
    // Cancelled: ABORTED / TIMEOUT, and no file left behind.
    const cut = path.join(path.dirname(file), 'cut.csv')
    const aborted = new AbortController()
    aborted.abort()
    await expect(big.exportCsv('interactions', cut, { accountId: acc }, { signal: aborted.signal })).rejects.toMatchObject({ code: 'ABORTED' })
    await expect(big.exportCsv('interactions', cut, { accountId: acc }, { timeoutMs: 1 })).rejects.toMatchObject({ code: 'TIMEOUT' })
    expect(existsSync(cut)).toBe(false)
    expect(readdirSync(path.dirname(file)).filter((f) => f.includes('cut'))).toEqual([])
    await expect(big.exportCsv('interactions', cut, { accountId: acc }, { bogus: 1 } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(big.exportCsv('interactions', cut, { accountId: acc }, { onProgress: 5 } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    big.close()
  })
})

describe('cancellation', () => {
  /** A file where getProfiles(account, 10k) takes long enough to interrupt. */
  function bigFile(): string {
    const file = tempDb()
    py(['bootstrap', file])
    execFileSync(PYTHON, ['-c', `import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("INSERT INTO instagram_accounts (account_id, username) VALUES (1, 'a')")
c.executemany("INSERT INTO instagram_profiles (profile_id, username) VALUES (?, ?)", [(i, 'p%d' % i) for i in range(1, 20001)])
c.executemany("INSERT INTO interaction_history (account_id, profile_id, interaction_type, interaction_time, success) VALUES (1, ?, 'LIKE', datetime('now', ?), 1)",
  [(1 + i % 20000, '-%d minutes' % i) for i in range(300000)])
c.commit()`, file])
    return file
  }

  it('an AbortSignal interrupts the query: ABORTED, and the connection stays usable', async () => {
    const file = bigFile()
    const db = openDatabase({ path: file })
    const ac = new AbortController()
    const p = db.getProfiles(1, { limit: 10_000 }, { signal: ac.signal })
    ac.abort()
    const e = await rejection(p)
    expect(e.code).toBe('ABORTED')
    expect(e.message).toContain('getProfiles')
    // Already aborted before the call.
    expect((await rejection(db.getAccounts({ signal: ac.signal }))).code).toBe('ABORTED')
    // Every pooled connection still works.
    const rows = await Promise.all([1, 2, 3, 4, 5].map(() => db.getProfiles(1, { limit: 10 })))
    for (const r of rows) expect(r.length).toBe(10)
    expect(db.getProfilesSync(1, { limit: 10_000 }).length).toBe(10_000)
    db.close()
  })

  it('timeoutMs interrupts with TIMEOUT; a generous timeout changes nothing', async () => {
    const file = bigFile()
    const db = openDatabase({ path: file })
    const e = await rejection(db.getProfiles(1, { limit: 10_000, sortBy: 'interactionCount' }, { timeoutMs: 1 }))
    expect(e.code).toBe('TIMEOUT')
    expect(e.message).toContain('1 ms')
    const ok = await db.getProfiles(1, { limit: 5 }, { timeoutMs: 60_000 })
    expect(ok.length).toBe(5)
    db.close()
  })

  it('a multi-MB listing arrives whole and identical in both forms (written as many row arrays)', async () => {
    const file = bigFile()
    const db = openDatabase({ path: file })
    for (const o of [{ limit: 10_000 }, { limit: 10_000, sortBy: 'interactionCount' as const, order: 'asc' as const }, { limit: 10_000, offset: 15_000 }]) {
      const sync = db.getProfilesSync(1, o)
      const [a, b] = await Promise.all([db.getProfiles(1, o), db.getProfiles(1, o)])
      expect(a).toStrictEqual(sync)
      expect(b).toStrictEqual(sync)
      expect(JSON.stringify(sync).length).toBeGreaterThan(4 * 64 * 1024)
      expect(new Set(sync.map((p) => p.profileId)).size).toBe(sync.length)
    }
    expect(db.getProfilesSync(1, { limit: 10_000, offset: 15_000 }).length).toBe(5_000)
    // Newest first by instant, ids breaking ties, across the array cuts.
    const rows = db.getProfilesSync(1, { limit: 10_000 })
    for (let i = 1; i < rows.length; i++) {
      const [p, q] = [rows[i - 1]!, rows[i]!]
      const dp = Date.parse(p.lastInteractionAt!)
      const dq = Date.parse(q.lastInteractionAt!)
      expect(dp > dq || (dp === dq && p.profileId > q.profileId)).toBe(true)
    }
    db.close()
  })

  it('a long Sync listing that starts its result over (a profile row gone) returns the fallback rows only', async () => {
    const file = bigFile()
    // Interactions whose profile row is gone (no foreign keys, as an old bot
    // could leave them), deep in the default order: the page-from-aggregate
    // path has already streamed several row arrays when it notices.
    execFileSync(PYTHON, ['-c', `import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("DELETE FROM instagram_profiles WHERE profile_id IN (7000, 7001)")
c.commit()`, file])
    const db = openDatabase({ path: file })
    const sync = db.getProfilesSync(1, { limit: 10_000 })
    expect(sync).toHaveLength(10_000)
    expect(new Set(sync.map((p) => p.profileId)).size).toBe(10_000)
    expect(sync.some((p) => p.profileId === 7000 || p.profileId === 7001)).toBe(false)
    expect(await db.getProfiles(1, { limit: 10_000 })).toStrictEqual(sync)
    // The same listing sorted by a profile column never takes the fast path.
    const byId = db.getProfilesSync(1, { limit: 10_000, sortBy: 'profileId', order: 'asc' })
    expect(byId.map((p) => p.profileId).slice(6997, 7000)).toEqual([6998, 6999, 7002])
    db.close()
  })

  it('rejects malformed call options', async () => {
    const { db } = seeded()
    expect((await rejection(db.getAccounts({ timeout: 5 } as never))).code).toBe('INVALID_ARGUMENT')
    expect((await rejection(db.getAccounts({ timeoutMs: -1 }))).code).toBe('INVALID_ARGUMENT')
    expect((await rejection(db.getAccounts({ signal: {} as AbortSignal }))).code).toBe('INVALID_ARGUMENT')
    expect((await rejection(db.getAccounts(5 as never))).code).toBe('INVALID_ARGUMENT')
    db.close()
  })
})

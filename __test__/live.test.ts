// db.live(name, args, callback, options?): a read that runs again when a commit changes a
// table it reads, and calls back when its result changed. On both layouts, with Python's
// sqlite3 as the other process writing the file (as the bot does). Nothing here asserts
// speed: every wait is for a condition, with a generous timeout. Where a test shows that
// something did NOT happen, it waits for a later event that must come after it (a fence),
// or for the read to have run (`runs`), so a slow machine cannot make it fail.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isTaktikError, openDatabase, type DailyStatsDay, type LiveQuery, type Session, type TaktikDatabase } from '../index.js'
import { PYTHON, ROOT, codeOf, py } from './helpers'
import { LAYOUTS, layoutArgs, type Layout } from './layouts'
import { must, openSeeded, type Seeded } from './read/common'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

/**
 * Runs `statements` in another process (Python's sqlite3, like the bot), each committed on
 * its own, `gapMs` apart.
 */
function pyWrite(file: string, statements: [string, unknown[]][], gapMs = 0): void {
  const code = `import json, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], timeout=30)
for i, (sql, params) in enumerate(json.loads(sys.argv[2])):
    if i and float(sys.argv[3]): time.sleep(float(sys.argv[3]) / 1000)
    c.execute(sql, params)
    c.commit()
c.close()`
  execFileSync(PYTHON, ['-c', code, file, JSON.stringify(statements), String(gapMs)])
}

/** The SQL of the writes below, on each layout's own tables (the API table in the name). */
const WRITES: Record<Layout, { sessionStatus: string; profileNotes: string; dailyLikes: string }> = {
  legacy: {
    sessionStatus: 'UPDATE sessions SET status = ? WHERE session_id = ?',
    profileNotes: 'UPDATE instagram_profiles SET notes = ? WHERE profile_id = ?',
    dailyLikes: 'UPDATE daily_stats SET total_likes = total_likes + ? WHERE account_id = ? AND date = ?',
  },
  unified: {
    sessionStatus: "UPDATE sessions_unified SET status = ? WHERE platform = 'instagram' AND legacy_session_id = ?",
    profileNotes: "UPDATE social_profiles SET notes = ? WHERE platform = 'instagram' AND legacy_profile_id = ?",
    dailyLikes: "UPDATE daily_stats_unified SET total_likes = total_likes + ? WHERE platform = 'instagram' AND account_id = ? AND date = ?",
  },
}

/**
 * Counts the calls of a read on `db` and how many are in flight at once: the read as
 * live() calls it, observed without changing what it returns.
 */
function instrument(db: TaktikDatabase, name: 'getSessions' | 'getDailyStats' | 'getProfiles'): { calls: number; settled: number; maxInFlight: number } {
  const stats = { calls: 0, settled: 0, maxInFlight: 0 }
  let inFlight = 0
  const original = db[name].bind(db) as (...a: unknown[]) => Promise<unknown>
  Object.defineProperty(db, name, {
    configurable: true,
    value: async (...args: unknown[]) => {
      stats.calls++
      inFlight++
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight)
      try {
        return await original(...args)
      } finally {
        inFlight--
        stats.settled++
      }
    },
  })
  return stats
}

describe.each(LAYOUTS)('db.live (%s layout)', (layout: Layout) => {
  let s: Seeded
  let file: string
  const W = WRITES[layout]
  const open: LiveQuery[] = []
  const dbs: TaktikDatabase[] = []
  /** A connection of its own for one test: what it instruments or closes touches no other test. */
  const connect = (): TaktikDatabase => {
    const db = openDatabase({ path: file })
    dbs.push(db)
    return db
  }
  beforeAll(() => {
    s = openSeeded(layout)
    file = s.db.path
  })
  afterAll(() => {
    for (const q of open) q.close()
    for (const db of dbs) db.close()
    s.db.close()
  })
  /** A session of alice's and one of bob's. */
  const sessionOf = (accountId: number): number => must(s.seed.sessions.find((x) => x.accountId === accountId), `a session of ${accountId}`).sessionId

  it('tablesRead names the API tables each read reads, the same on every layout', () => {
    const db = s.db
    expect(db.tablesRead('getProfiles')).toEqual(['interactions', 'profiles'])
    expect(db.tablesRead('getDailyStats')).toEqual(['dailyStats'])
    expect(db.tablesRead('getTikTokSessions')).toEqual(['tiktokSessions'])
    expect(db.tablesRead('getSessionsSync' as never)).toEqual(['sessions'])
    for (const bad of ['deleteAccount', 'watch', 'query', 'sessions', '', 5, null]) {
      expect(codeOf(() => db.tablesRead(bad as never)), String(bad)).toBe('INVALID_ARGUMENT')
    }
  })

  it('calls back with the read’s result, then once per change a separate writer makes', async () => {
    const db = connect()
    const got: Session[][] = []
    const errors: unknown[] = []
    const q = db.live('getSessions', [s.alice, { limit: 100 }], (rows) => got.push(rows), { onError: (e) => errors.push(e) })
    open.push(q)
    await until(() => got.length === 1, 'the first result')
    expect(got[0]).toEqual(await db.getSessions(s.alice, { limit: 100 }))
    expect(q.runs).toBe(1)

    const id = sessionOf(s.alice)
    pyWrite(file, [[W.sessionStatus, ['LIVE_1', id]]])
    await until(() => got.length === 2, 'the result after the write')
    expect(got[1]?.find((x) => x.sessionId === id)?.status).toBe('LIVE_1')
    expect(got[1]).toEqual(await db.getSessions(s.alice, { limit: 100 }))
    // Exactly one new callback for that write: the next change is the next callback.
    pyWrite(file, [[W.sessionStatus, ['LIVE_2', id]]])
    await until(() => got.length >= 3, 'the result after the second write')
    expect(got).toHaveLength(3)
    expect(got[2]?.find((x) => x.sessionId === id)?.status).toBe('LIVE_2')
    expect(errors).toEqual([])
    q.close()
  })

  it('a write to a table the read does not read runs nothing; one that leaves its result as it was calls nothing', async () => {
    const db = connect()
    const sessions: Session[][] = []
    const profiles: unknown[] = []
    const runs = instrument(db, 'getSessions')
    const qs = db.live('getSessions', [s.alice], (r) => sessions.push(r))
    // A second live query on the same database: the shared feed now watches `profiles` too.
    const qp = db.live('getProfiles', [s.alice], (r) => profiles.push(r))
    open.push(qs, qp)
    await until(() => sessions.length === 1 && profiles.length === 1, 'the first results')
    expect(runs.calls).toBe(1)

    // profiles changes: getProfiles re-runs (its callback is the fence), getSessions does not.
    const anna = must(s.seed.profiles['anna.fit'], 'anna.fit')
    pyWrite(file, [[W.profileNotes, [`noted ${layout}`, anna]]])
    await until(() => profiles.length === 2, 'getProfiles to see the notes')
    expect(qp.runs).toBe(2)
    expect(qs.runs).toBe(1)
    expect(runs.calls).toBe(1)

    // sessions changes, but not alice's: getSessions runs again, and has nothing new to say.
    pyWrite(file, [[W.sessionStatus, ['BOB_ONLY', sessionOf(s.bob)]]])
    await until(() => runs.settled === 2, 'getSessions to run again')
    await sleep(0)
    expect(qs.runs).toBe(2)
    expect(sessions).toHaveLength(1)
    qs.close()
    qp.close()
  })

  it('throttles: a burst of commits is one run, after the window; runs never overlap', async () => {
    const db = connect()
    const days: DailyStatsDay[][] = []
    const runs = instrument(db, 'getDailyStats')
    const q = db.live('getDailyStats', [s.alice, 7], (r) => days.push(r), { throttleMs: 4000 })
    open.push(q)
    await until(() => days.length === 1, 'the first result')
    const today = must(days[0]?.at(-1), 'today').date
    const likes = must(days[0]?.at(-1), 'today').totalLikes
    // Ten commits over ~0.3 s: more than one poll of the feed sees them, all within the window.
    const burst: [string, unknown[]][] = Array.from({ length: 10 }, () => [W.dailyLikes, [1, s.alice, today]])
    pyWrite(file, burst, 30)
    await until(() => days.length === 2, 'the result after the burst')
    expect(must(days[1]?.at(-1), 'today').totalLikes).toBe(likes + 10)
    expect(q.runs).toBe(2)
    expect(runs.calls).toBe(2)
    // Whatever the feed saw was in the window: no run is pending (a fence: a later write's run is the third).
    pyWrite(file, [[W.dailyLikes, [1, s.alice, today]]])
    await until(() => days.length === 3, 'the result after one more write')
    expect(q.runs).toBe(3)
    expect(runs.maxInFlight).toBe(1)
    q.close()
  })

  it('never runs the same live query twice at once, with commits arriving all the time', async () => {
    const db = connect()
    const runs = instrument(db, 'getDailyStats')
    const got: unknown[] = []
    const q = db.live('getDailyStats', [s.alice, 3650], (r) => got.push(r), { throttleMs: 0 })
    open.push(q)
    await until(() => got.length === 1, 'the first result')
    const today = must((got[0] as DailyStatsDay[]).at(-1), 'today').date
    pyWrite(file, Array.from({ length: 30 }, (): [string, unknown[]] => [W.dailyLikes, [1, s.alice, today]]), 20)
    await until(() => must((got.at(-1) as DailyStatsDay[]).at(-1), 'today').totalLikes === must((got[0] as DailyStatsDay[]).at(-1), 'today').totalLikes + 30, 'the last commit’s result')
    expect(runs.calls).toBeGreaterThan(1)
    expect(runs.maxInFlight).toBe(1)
    q.close()
  })

  it('close() stops it: no callback after, not even for a run in flight or a pending one', async () => {
    const db = connect()
    const runs = instrument(db, 'getSessions')
    let called = 0
    const q = db.live('getSessions', [s.alice], () => called++)
    expect(runs.calls).toBe(1) // the first run is in flight
    q.close()
    expect(q.closed).toBe(true)
    q.close() // idempotent
    await until(() => runs.settled === 1, 'the run in flight to finish')
    await sleep(0)
    expect(called).toBe(0)

    // A change seen, its run waiting out the window, then close(): the run never happens.
    const q2 = db.live('getSessions', [s.alice], () => called++, { throttleMs: 60_000 })
    // The fence: another live query on the same feed, without a window. Once it has run
    // again, the feed has handed the change to both, and q2's run is waiting.
    const fence = db.live('getSessions', [s.bob], () => {}, { throttleMs: 0 })
    open.push(fence)
    await until(() => called === 1 && fence.runs === 1, 'the first results')
    pyWrite(file, [[W.sessionStatus, ['CLOSING', sessionOf(s.alice)]]])
    await until(() => fence.runs === 2, 'the write to be seen')
    q2.close()
    fence.close()
    await sleep(0)
    expect(q2.runs).toBe(1)
    expect(runs.calls).toBe(4)
    expect(called).toBe(1)
  })

  it('the database’s close() stops its live queries', async () => {
    const db = connect()
    let called = 0
    const q = db.live('getAccounts', [], () => called++)
    await until(() => called === 1, 'the first result')
    db.close()
    expect(q.closed).toBe(true)
    expect(codeOf(() => db.live('getAccounts', [], () => {}))).toBe('CLOSED')
  })

  it('reports the read’s own errors to onError, and a throwing callback too; keeps running', async () => {
    const db = connect()
    const errors: unknown[] = []
    const q = db.live('getDailyStats', [s.alice, 0], () => expect.fail('no result for days = 0'), { onError: (e) => errors.push(e) })
    open.push(q)
    await until(() => errors.length === 1, 'the error')
    expect(isTaktikError(errors[0])).toBe(true)
    expect(errors[0]).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/getDailyStats: days/) })
    // Its stack shows where live() was called (this file), not the timer that ran the read.
    const stack = (errors[0] as Error).stack!
    expect(stack.split('\n')[0]).toBe(`Error: ${(errors[0] as Error).message}`)
    expect(stack.split('\n')[1]).toContain('live.test.ts')
    expect(stack).not.toContain('lib/live.js')
    q.close()

    const thrown = new Error('from the callback')
    const q2 = db.live('getAccounts', [], () => {
      throw thrown
    }, { onError: (e) => errors.push(e) })
    open.push(q2)
    await until(() => errors.length === 2, 'the callback’s error')
    expect(errors[1]).toBe(thrown)
    expect(q2.closed).toBe(false)
    q2.close()

    if (layout === 'unified') {
      const q3 = db.live('getPosts', [], () => expect.fail('no posts on a unified file'), { onError: (e) => errors.push(e) })
      open.push(q3)
      await until(() => errors.length === 3, 'NOT_IN_THIS_FILE')
      expect(errors[2]).toMatchObject({ code: 'NOT_IN_THIS_FILE' })
      q3.close()
    }
  })

  it('checks its own arguments: INVALID_ARGUMENT, thrown at once', () => {
    const db = s.db
    const cb = (): void => {}
    const bad: unknown[][] = [
      ['nope', [], cb],
      ['getSessionsSync', [1], cb],
      ['deleteAccount', [1], cb],
      ['query', ['SELECT 1'], cb],
      [5, [], cb],
      ['getSessions', 1, cb],
      ['getSessions', undefined, cb],
      ['getSessions', [1], 'not a function'],
      ['getSessions', [1], cb, 5],
      ['getSessions', [1], cb, { throttle: 5 }],
      ['getSessions', [1], cb, { throttleMs: -1 }],
      ['getSessions', [1], cb, { throttleMs: 1.5 }],
      ['getSessions', [1], cb, { throttleMs: 60_001 }],
      ['getSessions', [1], cb, { onError: 'x' }],
    ]
    const live = db.live.bind(db) as (...a: unknown[]) => LiveQuery
    for (const args of bad) expect(codeOf(() => live(...args)), JSON.stringify(args)).toBe('INVALID_ARGUMENT')
  })
})

describe('db.live across a migration', () => {
  it('runs again when the bot migrates the file to the unified layout, and reads the new layout', async () => {
    const s = openSeeded('legacy')
    const file = s.db.path
    const db = openDatabase({ path: file })
    try {
      const got: DailyStatsDay[][] = []
      const errors: unknown[] = []
      const q = db.live('getDailyStats', [s.alice, 30], (r) => got.push(r), { onError: (e) => errors.push(e) })
      await until(() => got.length === 1, 'the first result')
      py([...layoutArgs('unified'), 'migrate', file])
      await until(() => q.runs >= 2, 'a run after the migration')
      await until(() => db.layout === 'unified', 'the unified layout')
      expect(errors).toEqual([])
      // The same dashboard: nothing to call back with, or the same data again.
      expect(got.at(-1)).toEqual(await db.getDailyStats(s.alice, 30))
      q.close()
    } finally {
      db.close()
      s.db.close()
    }
  })
})

describe('db.live and the process', () => {
  it('does not keep Node alive: a script with an open live query exits by itself', () => {
    const s = openSeeded('legacy')
    const file = s.db.path
    s.db.close()
    const script = `const { openDatabase } = require(${JSON.stringify(path.join(ROOT, 'index.js'))})
const db = openDatabase({ path: ${JSON.stringify(file)} })
db.live('getDailyStats', [${s.alice}, 7], (days) => console.log('delivered ' + days.length), { throttleMs: 50 })`
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 })
    expect(out.trim()).toBe('delivered 7')
  })
})

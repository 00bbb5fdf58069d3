// Reading while the Python bot writes: a fixture writer commits interactions
// (plus a daily_stats upsert each) as fast as the bot does, while the addon reads
// without pause, sync and async, writable and readonly. Nothing may fail, nothing
// may go backwards, and the end state must be exactly what Python wrote.
import { describe, expect, it } from 'vitest'
import { openDatabase, type DailyStatsDay, type SessionStats, type TaktikDatabase } from '../index.js'
import { finished, py, spawnPy, tempDb, waitForStderr } from './helpers'
import { LAYOUTS, layoutArgs, type Layout } from './layouts'

interface WriterOut {
  written: number
  accountId: number
  sessionId: number
  byType: Record<string, number>
  status: string
  durationSeconds: number
  interrupted: boolean
  today: string
}

const LIMIT = 10_000
const WRITER_SECONDS = '4'
const STAT_KEYS = [
  'totalInteractions',
  'totalLikes',
  'totalFollows',
  'totalUnfollows',
  'totalComments',
  'totalStoryViews',
  'totalStoryLikes',
  'totalProfileVisits',
  'successfulInteractions',
] as const
const DAY_KEYS = [
  'totalLikes',
  'totalFollows',
  'totalUnfollows',
  'totalComments',
  'totalStoryViews',
  'totalStoryLikes',
  'totalProfileVisits',
  'totalSessions',
  'completedSessions',
  'failedSessions',
  'totalDurationSeconds',
] as const

/** Starts the writer and resolves once it is READY, with its ids looked up through the addon. */
async function startWriter(file: string, account: string, layout: Layout) {
  const child = spawnPy([...layoutArgs(layout), 'writer', file, '--seconds', WRITER_SECONDS, '--account', account])
  const done = finished<WriterOut>(child)
  let exited = false
  child.on('exit', () => (exited = true))
  await waitForStderr(child, 'READY')
  return { child, done, isRunning: () => !exited }
}

/** The writer's account and its ACTIVE session, as the addon sees them. */
function writerIds(db: TaktikDatabase, account: string): { accountId: number; sessionId: number } {
  const acc = db.getAccountsSync().find((a) => a.username === account)
  expect(acc, `account ${account}`).toBeDefined()
  const sessions = db.getSessionsSync(acc!.accountId)
  expect(sessions).toHaveLength(1)
  return { accountId: acc!.accountId, sessionId: sessions[0]!.sessionId }
}

/** Tracks that every observed quantity only ever grows. */
class Monotonic {
  private last = new Map<string, number>()
  see(key: string, value: number, where: string): void {
    const prev = this.last.get(key)
    if (prev !== undefined) expect(value, `${key} went backwards (${where}): ${prev} -> ${value}`).toBeGreaterThanOrEqual(prev)
    this.last.set(key, value)
  }
  get(key: string): number {
    return this.last.get(key) ?? 0
  }
}

function checkStats(s: SessionStats, mono: Monotonic, where: string): void {
  for (const k of STAT_KEYS) {
    expect(Number.isInteger(s[k])).toBe(true)
    mono.see(`stats.${k}`, s[k], where)
  }
  // One snapshot: every writer interaction has one of the 7 counted types.
  const byType =
    s.totalLikes +
    s.totalFollows +
    s.totalUnfollows +
    s.totalComments +
    s.totalStoryViews +
    s.totalStoryLikes +
    s.totalProfileVisits
  expect(byType, `${where}: per-type totals add up`).toBe(s.totalInteractions)
  expect(s.successfulInteractions).toBeLessThanOrEqual(s.totalInteractions)
}

function checkDays(days: DailyStatsDay[], mono: Monotonic, where: string): void {
  expect(days).toHaveLength(2)
  expect(days[0]!.date < days[1]!.date).toBe(true)
  for (const d of days) {
    expect(d.date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    for (const k of DAY_KEYS) mono.see(`day.${d.date}.${k}`, d[k], where)
  }
}

function checkInteractions(rows: { id: number }[], mono: Monotonic, where: string): number {
  expect(rows.length, 'limit must not saturate').toBeLessThan(LIMIT)
  // newest first, no duplicates
  for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.id).toBeGreaterThan(rows[i]!.id)
  mono.see('interactions', rows.length, where)
  return rows.length
}

describe.each(LAYOUTS)('reading while the Python writer writes (%s layout)', (layout) => {
  it(
    'sync and async reads never fail, never go backwards, and end equal to what Python wrote',
    async () => {
      const file = tempDb()
      const account = 'writer_bot'
      const writer = await startWriter(file, account, layout)
      const db = openDatabase({ path: file })
      expect(db.layout).toBe(layout)
      const { accountId, sessionId } = writerIds(db, account)
      const mono = new Monotonic()
      let iterations = 0
      let bursts = 0
      const errors: unknown[] = []
      const grew: number[] = []

      try {
        while (writer.isRunning()) {
          iterations++
          try {
            // sync, then async back to back: async sees at least what sync saw
            const syncRows = db.getInteractionsSync(accountId, { limit: LIMIT })
            const syncCount = checkInteractions(syncRows, mono, 'sync')
            const asyncRows = await db.getInteractions(accountId, { limit: LIMIT })
            const asyncCount = checkInteractions(asyncRows, mono, 'async')
            expect(asyncCount).toBeGreaterThanOrEqual(syncCount)
            // and the next sync read sees at least what async saw
            const syncAgain = db.getInteractionsSync(accountId, { limit: LIMIT }).length
            expect(syncAgain).toBeGreaterThanOrEqual(asyncCount)
            mono.see('interactions', syncAgain, 'sync again')
            grew.push(syncAgain)

            const profiles = db.countProfilesSync(accountId)
            expect(profiles).toBeLessThanOrEqual(20)
            mono.see('profiles', profiles, 'countProfilesSync')

            checkStats(await db.getSessionStats(sessionId), mono, 'getSessionStats')
            checkDays(await db.getDailyStats(accountId, 2), mono, 'getDailyStats')

            if (iterations % 3 === 0) {
              bursts++
              // 8 async reads at once
              const results = await Promise.all([
                db.getInteractions(accountId, { limit: LIMIT }),
                db.getInteractions(accountId, { limit: LIMIT, type: 'LIKE' }),
                db.getSessionStats(sessionId),
                db.getDailyStats(accountId, 2),
                db.countProfiles(accountId),
                db.getProfiles(accountId, { limit: 100 }),
                db.getSessions(accountId),
                db.getInteractions(accountId, { limit: LIMIT, sessionId }),
              ])
              const [all, likes, stats, days, count, profs, sessions, bySession] = results
              expect(all.length).toBeGreaterThanOrEqual(syncAgain)
              expect(likes.every((r) => r.interactionType === 'LIKE')).toBe(true)
              expect(stats.totalInteractions).toBeGreaterThanOrEqual(0)
              expect(days).toHaveLength(2)
              expect(count).toBeGreaterThanOrEqual(profiles)
              expect(profs.length).toBeLessThanOrEqual(20)
              expect(profs.every((p) => p.username.startsWith('writer_target_'))).toBe(true)
              expect(sessions.map((s) => s.sessionId)).toContain(sessionId)
              expect(bySession.every((r) => r.sessionId === sessionId)).toBe(true)
            }
          } catch (e) {
            errors.push(e)
            break
          }
        }
        const out = await writer.done
        if (errors.length > 0) throw errors[0]
        expect(out.accountId).toBe(accountId)
        expect(out.sessionId).toBe(sessionId)
        expect(out.written).toBeGreaterThan(0)
        expect(iterations).toBeGreaterThan(1)
        expect(bursts).toBeGreaterThan(0)
        // reads really happened during the writes and saw them grow
        expect(grew[grew.length - 1]!).toBeGreaterThan(grew[0]!)

        const finalSync = db.getInteractionsSync(accountId, { limit: LIMIT }).length
        const finalAsync = (await db.getInteractions(accountId, { limit: LIMIT })).length
        const pyCount = py<{ interactions: number }>([...layoutArgs(layout), 'count', file, '--account-id', String(accountId)])
        expect(finalSync).toBe(out.written)
        expect(finalAsync).toBe(out.written)
        expect(pyCount.interactions).toBe(out.written)
        expect(finalSync).toBeGreaterThanOrEqual(mono.get('interactions'))

        const stats = db.getSessionStatsSync(sessionId)
        expect(stats.totalInteractions).toBe(out.written)
        expect(stats.totalLikes).toBe(out.byType.LIKE ?? 0)
        expect(stats.totalFollows).toBe(out.byType.FOLLOW ?? 0)
        expect(stats.totalUnfollows).toBe(out.byType.UNFOLLOW ?? 0)
        expect(stats.totalComments).toBe(out.byType.COMMENT ?? 0)
        expect(stats.totalStoryViews).toBe(out.byType.STORY_WATCH ?? 0)
        expect(stats.totalStoryLikes).toBe(out.byType.STORY_LIKE ?? 0)
        expect(stats.totalProfileVisits).toBe(out.byType.PROFILE_VISIT ?? 0)
        // every 10th write (index 9, 19, ...) is success=0
        expect(stats.successfulInteractions).toBe(out.written - Math.floor(out.written / 10))

        const session = db.getSessionsSync(accountId)[0]!
        expect(session.status).toBe('COMPLETED')
        expect(session.durationSeconds).toBe(out.durationSeconds)
      } finally {
        if (writer.isRunning()) writer.child.kill('SIGINT')
        db.close()
      }
    },
    60_000,
  )

  it(
    'a readonly open on the file while the writer runs reads fine and sees growing counts',
    async () => {
      const file = tempDb()
      const account = 'writer_ro'
      const writer = await startWriter(file, account, layout)
      // The writer bootstrapped the file before READY; readonly never writes.
      const ro = openDatabase({ path: file, readonly: true })
      expect(ro.readonly).toBe(true)
      const mono = new Monotonic()
      const seen: number[] = []
      const errors: unknown[] = []
      try {
        const { accountId, sessionId } = writerIds(ro, account)
        while (writer.isRunning()) {
          try {
            const a = ro.getInteractionsSync(accountId, { limit: LIMIT })
            checkInteractions(a, mono, 'ro sync')
            const b = await ro.getInteractions(accountId, { limit: LIMIT })
            checkInteractions(b, mono, 'ro async')
            seen.push(b.length)
            checkStats(await ro.getSessionStats(sessionId), mono, 'ro getSessionStats')
            checkDays(ro.getDailyStatsSync(accountId, 2), mono, 'ro getDailyStatsSync')
            const batch = await Promise.all(
              Array.from({ length: 8 }, () => ro.getInteractions(accountId, { limit: LIMIT })),
            )
            for (const rows of batch) expect(rows.length).toBeGreaterThanOrEqual(b.length)
          } catch (e) {
            errors.push(e)
            break
          }
        }
        const out = await writer.done
        if (errors.length > 0) throw errors[0]
        expect(seen.length).toBeGreaterThan(1)
        expect(seen[seen.length - 1]!).toBeGreaterThan(seen[0]!)
        expect(ro.getInteractionsSync(accountId, { limit: LIMIT })).toHaveLength(out.written)
        expect((await ro.getSessionStats(sessionId)).totalInteractions).toBe(out.written)
        expect(py<{ interactions: number }>([...layoutArgs(layout), 'count', file, '--account-id', String(accountId)]).interactions).toBe(
          out.written,
        )
      } finally {
        if (writer.isRunning()) writer.child.kill('SIGINT')
        ro.close()
      }
    },
    60_000,
  )
})

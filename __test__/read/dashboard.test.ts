// A dashboard's every panel through the read API alone, on both layouts: accounts,
// today, 30 days and a chosen range, activity by type and by hour (with the
// success/failure split, for one account, several and all), sessions with their
// total, one session and its interactions, profiles with their total, and paging
// by cursor. getActivity is checked against the interactions it counts, grouped
// here in JavaScript in the process's zone (this folder also runs in UTC+14).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ActivityQuery, ActivityRow, InteractionWithUsername } from '../../index.js'
import { LAYOUTS } from '../layouts'
import { both, must, openSeeded, type Seeded } from './common'

const pad = (n: number): string => String(n).padStart(2, '0')
const localDay = (ms: number): string => {
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** What getActivity should return, counted from the interactions themselves. */
function expectedActivity(rows: readonly InteractionWithUsername[], q: ActivityQuery): ActivityRow[] {
  const groups = q.groupBy === undefined ? ['day'] : Array.isArray(q.groupBy) ? q.groupBy : [q.groupBy]
  const accounts = q.accountId === undefined ? null : new Set(Array.isArray(q.accountId) ? q.accountId : [q.accountId])
  const types = q.type === undefined ? null : new Set((Array.isArray(q.type) ? q.type : [q.type]).map((t) => t.toUpperCase()))
  const counts = new Map<string, ActivityRow>()
  for (const r of rows) {
    if (accounts && !accounts.has(r.accountId as number)) continue
    const type = String(r.interactionType ?? '').toUpperCase()
    if (types && !types.has(type)) continue
    const ms = Date.parse(String(r.interactionTime))
    const timed = groups.includes('day') || groups.includes('hour') || q.from !== undefined || q.to !== undefined
    if (timed && Number.isNaN(ms)) continue
    const day = timed ? localDay(ms) : ''
    if ((q.from !== undefined && day < q.from) || (q.to !== undefined && day > q.to)) continue
    const key: ActivityRow = { total: 0, succeeded: 0, failed: 0 }
    if (groups.includes('day')) key.day = day
    if (groups.includes('hour')) key.hour = new Date(ms).getHours()
    if (groups.includes('type')) key.type = type
    if (groups.includes('account')) key.accountId = r.accountId as number
    const id = JSON.stringify([key.day, key.hour, key.type, key.accountId])
    const row = counts.get(id) ?? { ...key }
    row.total += 1
    if (r.success === true) row.succeeded += 1
    else row.failed += 1
    counts.set(id, row)
  }
  // Order and zero-fill as documented: by day, hour, type, account; a lone day or hour dimension complete.
  if (groups.length === 1 && groups[0] === 'hour') {
    for (let hour = 0; hour < 24; hour++) {
      const id = JSON.stringify([undefined, hour, undefined, undefined])
      if (!counts.has(id)) counts.set(id, { hour, total: 0, succeeded: 0, failed: 0 })
    }
  }
  if (groups.length === 1 && groups[0] === 'day' && q.from !== undefined && q.to !== undefined) {
    for (let d = new Date(`${q.from}T12:00:00`); localDay(d.getTime()) <= q.to; d.setDate(d.getDate() + 1)) {
      const day = localDay(d.getTime())
      const id = JSON.stringify([day, undefined, undefined, undefined])
      if (!counts.has(id)) counts.set(id, { day, total: 0, succeeded: 0, failed: 0 })
    }
  }
  const cmp = (a: ActivityRow, b: ActivityRow): number =>
    (a.day ?? '').localeCompare(b.day ?? '') || (a.hour ?? 0) - (b.hour ?? 0) || (a.type ?? '').localeCompare(b.type ?? '') || (a.accountId ?? 0) - (b.accountId ?? 0)
  return [...counts.values()].sort(cmp)
}

describe.each(LAYOUTS)('dashboard panels (%s)', (layout) => {
  let s: Seeded
  let all: InteractionWithUsername[]
  beforeAll(() => {
    s = openSeeded(layout)
    all = s.db.getInteractionsSync(null, { limit: 10_000 })
  })
  afterAll(() => s?.db.close())

  it('activity: by each grouping, over a range, for one, several and all accounts, with the success split', async () => {
    const { alice, bob, seed } = s
    expect(all.length).toBe(seed.interactions.total)
    const from = seed.today.slice(0, 8) + '01' < seed.today ? seed.today.slice(0, 8) + '01' : seed.today
    const queries: ActivityQuery[] = [
      {}, { groupBy: 'type' }, { groupBy: 'hour' }, { groupBy: 'account' }, { groupBy: ['day', 'type'] },
      { groupBy: ['account', 'type', 'hour'] }, { groupBy: 'type', accountId: alice }, { groupBy: 'day', accountId: [alice, bob] },
      { groupBy: 'day', from, to: seed.today }, { groupBy: 'type', from: '2000-01-01', to: seed.today, type: ['like', 'FOLLOW'] },
      { groupBy: ['hour', 'account'], to: from }, { groupBy: 'type', accountId: s.carol },
    ]
    for (const q of queries) {
      const got = await both(s.db, 'getActivity', q)
      expect(got, JSON.stringify(q)).toStrictEqual(expectedActivity(all, q))
    }
    // The split adds up, and some interactions failed.
    const byType = s.db.getActivitySync({ groupBy: 'type' })
    expect(byType.reduce((n, r) => n + r.failed, 0)).toBe(seed.interactions.failedIds.length)
    expect(byType.every((r) => r.succeeded + r.failed === r.total)).toBe(true)
    // TikTok the same way, from its own interactions.
    const tt = s.db.getTikTokInteractionsSync(null, { limit: 10_000 })
    expect(tt.length).toBeGreaterThan(0)
    for (const q of [{ groupBy: 'type' }, { groupBy: ['day', 'account'] }] satisfies ActivityQuery[]) {
      expect(await both(s.db, 'getTikTokActivity', q)).toStrictEqual(expectedActivity(tt as unknown as InteractionWithUsername[], q))
    }
  })

  it('every panel from the read API alone', async () => {
    const { db, alice, seed } = s
    // Accounts.
    const accounts = await both(db, 'getAccounts')
    expect(accounts.map((a) => a.accountId)).toContain(alice)
    // Today, the last 30 days, and a picked range (zero-filled days).
    const today = await both(db, 'getDailyStats', alice, 1)
    expect(today.map((d) => d.date)).toEqual([seed.today])
    const month = await both(db, 'getDailyStats', alice, 30)
    expect(month).toHaveLength(30)
    const range = await both(db, 'getDailyStats', alice, { from: must(month[0], 'day').date, to: seed.today })
    expect(range).toStrictEqual(month)
    // Activity by type and by hour of the local day, this account.
    const byHour = await both(db, 'getActivity', { groupBy: 'hour', accountId: alice })
    expect(byHour.map((r) => r.hour)).toEqual([...Array(24).keys()])
    expect(byHour.reduce((n, r) => n + r.total, 0)).toBe(seed.interactionsPerAccount[String(alice)])
    const byType = await both(db, 'getActivity', { groupBy: 'type', accountId: alice })
    for (const [type, n] of Object.entries(must(seed.interactionsPerAccountByType[String(alice)], 'by type'))) {
      expect(byType.find((r) => r.type === type.toUpperCase())?.total, type).toBe(n)
    }
    // Sessions with their total, then one session and its interactions.
    const total = await both(db, 'countSessions', alice)
    const first = await both(db, 'getSessions', alice, { limit: 2 })
    expect(total).toBe(seed.sessions.filter((x) => x.accountId === alice).length)
    const session = must(first[0], 'session')
    expect(await both(db, 'getSession', session.sessionId)).toStrictEqual(session)
    const its = await both(db, 'getInteractions', null, { sessionId: session.sessionId, limit: 10_000 })
    expect(its.length).toBe((await both(db, 'getSessionStats', session.sessionId)).totalInteractions)
    expect(await both(db, 'countInteractions', null, { sessionId: session.sessionId })).toBe(its.length)
    // Profiles with their total, the next page by cursor.
    const profileTotal = await both(db, 'countProfiles', alice)
    const page1 = await both(db, 'getProfiles', alice, { limit: 3 })
    const page2 = await both(db, 'getProfiles', alice, { limit: 3, after: must(page1.nextCursor, 'cursor') })
    expect(profileTotal).toBe(Object.keys(must(seed.profileInteractionCounts[String(alice)], 'profiles')).length)
    expect([...page1, ...page2]).toStrictEqual(db.getProfilesSync(alice, { limit: 6 }).slice(0, 6))
  })
})

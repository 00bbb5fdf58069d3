// Argument validation (on an empty file): ids, days, options of every read function
// and openDatabase's own options are rejected with INVALID_ARGUMENT, in both forms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type TaktikDatabase } from '../../index.js'
import { tempDb } from '../helpers'
import { both, expectFailsBoth, method } from './common'

describe('argument validation', () => {
  let db: TaktikDatabase
  let file: string

  beforeAll(() => {
    file = tempDb()
    db = openDatabase({ path: file }) // bootstrapped, empty: validation never needs data
  })
  afterAll(() => db?.close())

  const BAD_IDS: unknown[] = [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1', null, 2 ** 53]
  const ID_FUNCTIONS: [string, (id: unknown) => unknown[]][] = [
    ['getSessions', (x) => [x]], ['getSessionStats', (x) => [x]], ['getDailyStats', (x) => [x, 7]],
    ['getProfiles', (x) => [x]], ['countProfiles', (x) => [x]], ['getInteractions', (x) => [x]],
    ['getFilteredProfiles', (x) => [x]], ['getProfileStatsHistory', (x) => [x]], ['getScrapingSession', (x) => [x]],
    ['getScrapedProfiles', (x) => [x]], ['getProcessedHashtagPosts', (x) => [x]], ['getDiscoveryProgress', (x) => [x]],
    ['getDiscoveredProfiles', (x) => [x]], ['getTikTokSessions', (x) => [x]], ['getTikTokDailyStats', (x) => [x, 7]],
    ['getTikTokInteractions', (x) => [x]], ['getTikTokFilteredProfiles', (x) => [x]],
    ['getSession', (x) => [x]], ['getTikTokSession', (x) => [x]], ['countSessions', (x) => [x]],
    ['countTikTokSessions', (x) => [x]], ['countInteractions', (x) => [x]], ['countTikTokInteractions', (x) => [x]],
    ['getAccount', (x) => [x]], ['getTikTokAccount', (x) => [x]],
  ]
  // Interactions and their counts take null for "every account" (a session's interactions).
  const NULLABLE_ID = new Set(['getInteractions', 'getTikTokInteractions', 'countInteractions', 'countTikTokInteractions'])
  const OPTION_FUNCTIONS: [string, (o: unknown) => unknown[]][] = [
    ['getSessions', (o) => [1, o]], ['getProfiles', (o) => [1, o]], ['countProfiles', (o) => [1, o]],
    ['getInteractions', (o) => [1, o]], ['getFilteredProfiles', (o) => [1, o]], ['getPosts', (o) => [o]],
    ['getScrapingSessions', (o) => [o]], ['getScrapedProfiles', (o) => [1, o]], ['getScrapedComments', (o) => [o]],
    ['getProcessedHashtagPosts', (o) => [1, o]], ['getDiscoveredProfiles', (o) => [1, o]], ['getTikTokSessions', (o) => [1, o]],
    ['getTikTokProfiles', (o) => [o]], ['getTikTokInteractions', (o) => [1, o]], ['getTikTokFilteredProfiles', (o) => [1, o]],
    ['countSessions', (o) => [1, o]], ['countTikTokSessions', (o) => [1, o]], ['countInteractions', (o) => [1, o]],
    ['countTikTokInteractions', (o) => [null, o]],
  ]

  it.each(ID_FUNCTIONS)('%s rejects ids that are not non-negative safe integers', async (name, args) => {
    for (const bad of BAD_IDS) {
      if (bad === null && NULLABLE_ID.has(name)) expect(await both(db, name as 'countInteractions', ...(args(null) as [null]))).toEqual(name.startsWith('count') ? 0 : [])
      else await expectFailsBoth(db, name, args(bad), 'INVALID_ARGUMENT')
    }
    // and accepts a valid one (the failures above are about the id, not the call)
    const ok = method(db, `${name}Sync`)(...args(1))
    expect(ok === null || typeof ok === 'object' || typeof ok === 'number').toBe(true)
    await expect(method(db, name)(...args(1)) as Promise<unknown>).resolves.toStrictEqual(ok)
  })

  it('getProfile needs a non-empty username or an id; getDiscoveryCampaigns takes an optional id', async () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, null, undefined, true, {}, [], '']) {
      await expectFailsBoth(db, 'getProfile', [bad], 'INVALID_ARGUMENT')
    }
    expect(await both(db, 'getProfile', '1')).toBeNull()
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1', {}]) {
      await expectFailsBoth(db, 'getDiscoveryCampaigns', [bad], 'INVALID_ARGUMENT')
    }
    expect(await both(db, 'getDiscoveryCampaigns', null)).toEqual([])
  })

  it('getDailyStats / getTikTokDailyStats take a { from, to } range of real local dates, in order, at most 3650 days', async () => {
    for (const name of ['getDailyStats', 'getTikTokDailyStats']) {
      for (const range of [
        { from: '2026-01-02', to: '2026-01-01' }, { from: '2026-02-30', to: '2026-03-01' }, { from: '2026-1-1', to: '2026-01-02' },
        { from: '2026-01-01' }, { to: '2026-01-01' }, { from: '2000-01-01', to: '2010-01-01' }, { from: 20260101, to: '2026-01-02' },
        { from: '2026-01-01', to: '2026-01-02', days: 3 }, { from: '2026-01-01T00:00:00', to: '2026-01-02' },
      ]) {
        await expectFailsBoth(db, name, [1, range], 'INVALID_ARGUMENT')
      }
      const days = await both(db, name as 'getDailyStats', 1, { from: '2024-02-27', to: '2024-03-01' })
      expect((days as { date: string }[]).map((d) => d.date)).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01'])
      expect(method(db, `${name}Sync`)(1, { from: '2016-01-01', to: '2025-12-28' })).toHaveLength(3650)
    }
  })

  it('getActivity / getTikTokActivity validate groupBy, accountId, from/to and type', async () => {
    for (const name of ['getActivity', 'getTikTokActivity']) {
      for (const o of [
        { groupBy: 'week' }, { groupBy: [] }, { groupBy: ['day', 'minute'] }, { groupBy: 5 },
        { accountId: -1 }, { accountId: [] }, { accountId: ['1'] }, { accountId: 1.5 },
        { from: '2026-13-01' }, { to: 'yesterday' }, { from: '2026-02-01', to: '2026-01-01' }, { groupBy: 'day', from: '1990-01-01', to: '2026-01-01' },
        { type: '' }, { type: [] }, { type: [''] }, { type: 5 }, { limit: 5 }, 'day', [],
      ]) {
        await expectFailsBoth(db, name, [o], 'INVALID_ARGUMENT')
      }
      // Zero-filled on an empty file: every date of the range, every hour of the day.
      expect(await both(db, name as 'getActivity', { groupBy: 'day', from: '2026-01-30', to: '2026-02-02' })).toEqual(
        ['2026-01-30', '2026-01-31', '2026-02-01', '2026-02-02'].map((day) => ({ day, total: 0, succeeded: 0, failed: 0 })),
      )
      expect(await both(db, name as 'getActivity', { groupBy: 'hour' })).toEqual([...Array(24).keys()].map((hour) => ({ hour, total: 0, succeeded: 0, failed: 0 })))
      expect(await both(db, name as 'getActivity', { groupBy: ['type', 'account'], accountId: [1, 2], type: ['LIKE'] })).toEqual([])
    }
  })

  it('after must be a cursor (listings of real rows check which: __test__/read/paging.test.ts)', async () => {
    for (const bad of ['', 'x', 'not base64!', 5, {}, 'WzEsMl0']) {
      await expectFailsBoth(db, 'getSessions', [1, { after: bad }], 'INVALID_ARGUMENT')
    }
  })

  it('getDailyStats / getTikTokDailyStats accept days 1..3650 only', async () => {
    for (const name of ['getDailyStats', 'getTikTokDailyStats']) {
      for (const days of [0, 3651, 2.5, -1, Number.NaN, Number.POSITIVE_INFINITY, '7', null, undefined]) {
        await expectFailsBoth(db, name, [1, days], 'INVALID_ARGUMENT')
      }
      expect(method(db, `${name}Sync`)(1, 1)).toHaveLength(1)
      expect(method(db, `${name}Sync`)(1, 3650)).toHaveLength(3650)
    }
  })

  it.each(OPTION_FUNCTIONS)('%s validates limit / offset, unknown keys and non-object options', async (name, args) => {
    const badOptions: unknown[] = [
      { limit: -1 }, { limit: 10001 }, { limit: 1.5 }, { limit: Number.NaN }, { limit: '5' },
      { offset: -1 }, { offset: 1.5 }, { limt: 5 }, { LIMIT: 5 },
      'x', 5, [], true,
    ]
    for (const o of badOptions) await expectFailsBoth(db, name, args(o), 'INVALID_ARGUMENT')
    for (const o of [{ limit: 0 }, { limit: 10000 }, { offset: 12345 }, {}, undefined]) {
      expect(() => method(db, `${name}Sync`)(...args(o)), JSON.stringify(o)).not.toThrow()
    }
  })

  it('getProfiles / countProfiles reject unknown sortBy and order, and wrong option types', async () => {
    for (const name of ['getProfiles', 'countProfiles']) {
      for (const o of [
        { sortBy: 'nope' }, { sortBy: 'username; DROP TABLE x' }, { sortBy: 'followers_count' }, { sortBy: '' }, { sortBy: 5 },
        { order: 'sideways' }, { order: 1 },
        { isPrivate: 1 }, { isVerified: 'yes' }, { isBusiness: 'no' }, { search: 5 }, { minFollowers: '5' }, { maxFollowers: -1.5 },
      ]) {
        await expectFailsBoth(db, name, [1, o], 'INVALID_ARGUMENT')
      }
    }
    // still intact after the injection attempt
    expect(await both(db, 'getProfiles', 1, { sortBy: 'username', order: 'asc' })).toEqual([])
    expect(await both(db, 'countProfiles', 1, { sortBy: 'interactionCount', order: 'desc' })).toBe(0)
  })

  it('other options reject wrong types', async () => {
    const cases: [string, unknown[]][] = [
      ['getSessions', [1, { status: 5 }]],
      ['getInteractions', [1, { since: 'garbage' }]],
      ['getInteractions', [1, { until: {} }]],
      ['getInteractions', [1, { type: 5 }]],
      ['getInteractions', [1, { sessionId: -1 }]],
      ['getInteractions', [1, { profileId: 1.5 }]],
      ['getPosts', [{ profileId: -1 }]],
      ['getPosts', [{ accountId: '1' }]],
      ['getPosts', [{ status: 1 }]],
      ['getScrapingSessions', [{ scrapingType: 5 }]],
      ['getScrapedProfiles', [1, { minScore: '5' }]],
      ['getScrapedProfiles', [1, { minScore: Number.NaN }]],
      ['getScrapedProfiles', [1, { qualifiedOnly: 'yes' }]],
      ['getScrapedComments', [{ scrapingSessionId: 1.5 }]],
      ['getScrapedComments', [{ username: 5 }]],
      ['getProcessedHashtagPosts', [1, { hashtag: 5 }]],
      ['getDiscoveredProfiles', [1, { minScore: 'x' }]],
      ['getDiscoveredProfiles', [1, { status: 5 }]],
      ['getTikTokProfiles', [{ search: 5 }]],
      ['getTikTokInteractions', [1, { since: 'yesterday' }]],
    ]
    for (const [name, args] of cases) await expectFailsBoth(db, name, args, 'INVALID_ARGUMENT')
  })

  it('openDatabase rejects unknown keys and wrong types', () => {
    for (const o of [{ path: file, bogus: 1 }, { path: 5 }, { path: file, readonly: 'yes' }, { path: file, busyTimeoutMs: -1 }, { path: file, busyTimeoutMs: 1.5 }, 'x']) {
      const open = openDatabase as unknown as (o: unknown) => TaktikDatabase
      expect(() => open(o), JSON.stringify(o)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    }
  })
})

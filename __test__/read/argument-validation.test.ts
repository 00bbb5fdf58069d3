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
  ]
  const OPTION_FUNCTIONS: [string, (o: unknown) => unknown[]][] = [
    ['getSessions', (o) => [1, o]], ['getProfiles', (o) => [1, o]], ['countProfiles', (o) => [1, o]],
    ['getInteractions', (o) => [1, o]], ['getFilteredProfiles', (o) => [1, o]], ['getPosts', (o) => [o]],
    ['getScrapingSessions', (o) => [o]], ['getScrapedProfiles', (o) => [1, o]], ['getScrapedComments', (o) => [o]],
    ['getProcessedHashtagPosts', (o) => [1, o]], ['getDiscoveredProfiles', (o) => [1, o]], ['getTikTokSessions', (o) => [1, o]],
    ['getTikTokProfiles', (o) => [o]], ['getTikTokInteractions', (o) => [1, o]], ['getTikTokFilteredProfiles', (o) => [1, o]],
  ]

  it.each(ID_FUNCTIONS)('%s rejects ids that are not non-negative safe integers', async (name, args) => {
    for (const bad of BAD_IDS) await expectFailsBoth(db, name, args(bad), 'INVALID_ARGUMENT')
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

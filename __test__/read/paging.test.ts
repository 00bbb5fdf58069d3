// Cursor paging (`after` / `nextCursor`) on every listing, on both layouts: walking
// a listing page by page gives exactly its rows in order, never a row twice or
// missed, also while the bot writes between pages (where offset paging repeats
// rows); the totals (countSessions, countInteractions, countProfiles) agree with
// the listings; since/until and type lists filter as documented.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { py } from '../helpers'
import { LAYOUTS, layoutArgs } from '../layouts'
import { both, expectFailsBoth, method, must, openSeeded, type Db, type Seeded } from './common'

type Listing = [name: string, args: (s: Seeded, o: Record<string, unknown>) => unknown[]]

/** Every listing that pages, with arguments that give it rows in the seeded file. */
const LISTINGS: Listing[] = [
  ['getSessions', (s, o) => [s.alice, o]],
  ['getTikTokSessions', (s, o) => [must(s.seed.tiktokAccounts.tt_alpha, 'tt_alpha'), o]],
  ['getInteractions', (s, o) => [s.alice, o]],
  ['getInteractions', (s, o) => [null, { ...o, sessionId: must(s.seed.sessions[0], 'session').sessionId }]],
  ['getInteractions', (s, o) => [null, o]],
  ['getTikTokInteractions', (s, o) => [must(s.seed.tiktokAccounts.tt_alpha, 'tt_alpha'), o]],
  ['getProfiles', (s, o) => [s.alice, o]],
  ['getProfiles', (s, o) => [s.alice, { ...o, sortBy: 'username', order: 'asc' }]],
  ['getProfiles', (s, o) => [s.alice, { ...o, sortBy: 'followersCount', isPrivate: false }]],
  ['getTikTokProfiles', (_s, o) => [o]],
  ['getFilteredProfiles', (s, o) => [s.alice, o]],
  ['getTikTokFilteredProfiles', (s, o) => [must(s.seed.tiktokAccounts.tt_alpha, 'tt_alpha'), o]],
  ['getPosts', (_s, o) => [o]],
  ['getScrapingSessions', (_s, o) => [o]],
  ['getScrapedProfiles', (s, o) => [must(s.seed.scrapingSessions.find((x) => x.profileIds.length > 3), 'scrape').scrapingId, o]],
  ['getScrapedComments', (_s, o) => [o]],
  ['getProcessedHashtagPosts', (s, o) => [s.alice, o]],
  ['getDiscoveredProfiles', (s, o) => [s.seed.campaigns.find((c) => c.discoveredProfileIds.length > 3)?.campaignId ?? 1, o]],
]

type Paged = unknown[] & { nextCursor?: string | null }

/** Every page of a listing by cursor, `size` rows each, in both forms. */
async function walk(db: Db, name: string, args: (o: Record<string, unknown>) => unknown[], size: number): Promise<unknown[]> {
  const rows: unknown[] = []
  let after: string | undefined
  for (let pages = 0; pages < 10_000; pages++) {
    const page = (await both(db, name as 'getSessions', ...(args(after === undefined ? { limit: size } : { limit: size, after }) as [number]))) as Paged
    rows.push(...page)
    expect(page.length).toBeLessThanOrEqual(size)
    if (page.length < size) {
      expect(page.nextCursor).toBeNull()
      return rows
    }
    expect(typeof page.nextCursor).toBe('string')
    after = page.nextCursor as string
  }
  throw new Error(`${name}: no last page`)
}

describe.each(LAYOUTS)('cursor paging (%s)', (layout) => {
  let s: Seeded
  beforeAll(() => {
    s = openSeeded(layout)
  })
  afterAll(() => s?.db.close())

  it.each(LISTINGS)('%s: pages by cursor give exactly the whole listing, in order', async (name, args) => {
    // The unified layout keeps no posts, comments or discovery (NOT_IN_THIS_FILE, tested elsewhere).
    if (!s.db.supports(name as 'getSessions')) return
    const full = method(s.db, `${name}Sync`)(...args(s, { limit: 10_000 })) as Paged
    expect(full.length).toBeGreaterThanOrEqual(2)
    // The cursor is a property of the array, not a row: rows still compare as plain arrays.
    expect(Object.keys(full)).toEqual(full.map((_, i) => String(i)))
    expect(full.nextCursor).toBeNull()
    for (const size of [1, 3, Math.ceil(full.length / 2), full.length, full.length + 1]) {
      expect(await walk(s.db, name, (o) => args(s, o), size), `${name} by ${size}`).toStrictEqual([...full])
    }
  })

  it('a cursor is the listing and order that made it, and does not go with offset', async () => {
    const sessions = s.db.getSessionsSync(s.alice, { limit: 1 })
    const cursor = must(sessions.nextCursor, 'cursor')
    await expectFailsBoth(s.db, 'getInteractions', [s.alice, { after: cursor }], 'INVALID_ARGUMENT')
    await expectFailsBoth(s.db, 'getSessions', [s.alice, { after: cursor, offset: 1 }], 'INVALID_ARGUMENT')
    const byName = must(s.db.getProfilesSync(s.alice, { limit: 1, sortBy: 'username' }).nextCursor, 'cursor')
    await expectFailsBoth(s.db, 'getProfiles', [s.alice, { after: byName, sortBy: 'username', order: 'asc' }], 'INVALID_ARGUMENT')
    await expectFailsBoth(s.db, 'getProfiles', [s.alice, { after: byName }], 'INVALID_ARGUMENT')
    expect(s.db.getProfilesSync(s.alice, { after: byName, sortBy: 'username' }).length).toBeGreaterThan(0)
    // Counts take the listing's options object whole, cursor included (and check it).
    expect(s.db.countSessionsSync(s.alice, { after: cursor })).toBe(s.db.countSessionsSync(s.alice))
    await expectFailsBoth(s.db, 'countSessions', [s.alice, { after: 'nope' }], 'INVALID_ARGUMENT')
  })

  it('while the bot writes between pages, offset paging repeats rows and cursor paging does not', async () => {
    const { db, alice } = s
    const before = db.getInteractionsSync(alice, { limit: 10_000 })
    const page1 = db.getInteractionsSync(alice, { limit: 10 })
    // The bot records four more interactions for this account (the newest rows).
    const username = must(Object.entries(s.seed.accounts).find(([, id]) => id === alice), 'alice')[0]
    py([...layoutArgs(layout), 'writer', s.db.path, '--account', username, '--count', '4', '--interval-ms', '0'])
    const byOffset = db.getInteractionsSync(alice, { limit: 10, offset: 10 })
    const byCursor = await db.getInteractions(alice, { limit: 10, after: must(page1.nextCursor, 'cursor') })
    const seen = new Set(page1.map((r) => r.id))
    expect(byOffset.filter((r) => seen.has(r.id))).toHaveLength(4)
    expect(byCursor).toStrictEqual(before.slice(10, 20))
    // The new rows are there for whoever starts over.
    expect(db.countInteractionsSync(alice)).toBe(before.length + 4)
    // The sessions listing the same way: the writer's session is the newest.
    const sessions = db.getSessionsSync(alice, { limit: 10_000 })
    expect(await walk(db, 'getSessions', (o) => [alice, o], 2)).toStrictEqual([...sessions])
  })
})

describe.each(LAYOUTS)('totals and filters (%s)', (layout) => {
  let s: Seeded
  beforeAll(() => {
    s = openSeeded(layout)
  })
  afterAll(() => s?.db.close())

  it('getSession returns the row getSessions lists, or null', async () => {
    for (const row of s.db.getSessionsSync(s.alice, { limit: 10_000 })) {
      expect(await both(s.db, 'getSession', row.sessionId)).toStrictEqual(row)
    }
    expect(await both(s.db, 'getSession', 987_654_321)).toBeNull()
    const tt = must(s.seed.tiktokAccounts.tt_alpha, 'tt_alpha')
    for (const row of s.db.getTikTokSessionsSync(tt)) expect(await both(s.db, 'getTikTokSession', row.sessionId)).toStrictEqual(row)
    expect(await both(s.db, 'getTikTokSession', 987_654_321)).toBeNull()
  })

  it('countSessions / countInteractions / countProfiles count what their listings list', async () => {
    const { db, alice, bob } = s
    const interaction = must(db.getInteractionsSync(alice, { limit: 1 })[0], 'interaction')
    const sessionFilters = [{}, { status: 'completed' }, { since: '2000-01-01T00:00:00Z' }, { until: Date.now() - 3 * 86_400_000 }]
    for (const account of [alice, bob, s.carol]) {
      for (const o of sessionFilters) {
        expect(await both(db, 'countSessions', account, o), JSON.stringify(o)).toBe(db.getSessionsSync(account, { ...o, limit: 10_000 }).length)
      }
    }
    const interactionFilters = [
      {}, { type: 'like' }, { type: ['LIKE', 'follow', 'nope'] }, { since: interaction.interactionTime as string },
      { until: Date.now() - 86_400_000 }, { profileId: interaction.profileId as number },
    ]
    for (const account of [alice, bob, null]) {
      for (const o of interactionFilters) {
        expect(await both(db, 'countInteractions', account, o), JSON.stringify([account, o])).toBe(
          db.getInteractionsSync(account, { ...o, limit: 10_000 }).length,
        )
      }
    }
    const tt = must(s.seed.tiktokAccounts.tt_alpha, 'tt_alpha')
    expect(await both(db, 'countTikTokInteractions', tt)).toBe(s.seed.tiktokInteractionsPerAccount[String(tt)])
    expect(await both(db, 'countTikTokSessions', tt)).toBe(db.getTikTokSessionsSync(tt, { limit: 10_000 }).length)
    for (const o of [{}, { since: interaction.interactionTime as string }, { until: '2000-01-01T00:00:00Z' }]) {
      expect(await both(db, 'countProfiles', alice, o)).toBe(db.getProfilesSync(alice, { ...o, limit: 10_000 }).length)
    }
  })

  it("a session's interactions need no account id", async () => {
    for (const session of s.seed.sessions.slice(0, 5)) {
      const rows = await both(s.db, 'getInteractions', null, { sessionId: session.sessionId, limit: 10_000 })
      expect(rows.every((r) => r.sessionId === session.sessionId)).toBe(true)
      expect(rows.length).toBe(s.seed.sessionStats[String(session.sessionId)]?.totalInteractions ?? 0)
      if (session.accountId !== null) {
        expect(rows).toStrictEqual(s.db.getInteractionsSync(session.accountId, { sessionId: session.sessionId, limit: 10_000 }))
      }
    }
  })

  it('type takes several values, matched case-insensitively', async () => {
    const { db, alice } = s
    const all = db.getInteractionsSync(alice, { limit: 10_000 })
    const byType = (types: string[]) => all.filter((r) => types.includes(String(r.interactionType).toUpperCase()))
    expect(await both(db, 'getInteractions', alice, { type: ['like', 'FOLLOW'], limit: 10_000 })).toStrictEqual(byType(['LIKE', 'FOLLOW']))
    expect(await both(db, 'getInteractions', alice, { type: ['comment'], limit: 10_000 })).toStrictEqual(byType(['COMMENT']))
    expect(byType(['LIKE', 'FOLLOW']).length).toBeGreaterThan(0)
  })

  it('since / until on sessions and profiles', async () => {
    const { db, alice } = s
    const sessions = db.getSessionsSync(alice, { limit: 10_000 })
    const mid = must(sessions[Math.floor(sessions.length / 2)], 'session')
    const at = Date.parse(mid.startTime as string)
    const since = await both(db, 'getSessions', alice, { since: at, limit: 10_000 })
    const until = await both(db, 'getSessions', alice, { until: at, limit: 10_000 })
    expect(since).toStrictEqual(sessions.filter((x) => Date.parse(x.startTime as string) >= at))
    expect(until).toStrictEqual(sessions.filter((x) => Date.parse(x.startTime as string) <= at))
    // Profiles: the interactions in the range, counted per profile.
    const interactions = db.getInteractionsSync(alice, { limit: 10_000 })
    const cut = Date.parse(must(interactions[Math.floor(interactions.length / 3)], 'interaction').interactionTime as string)
    const recent = interactions.filter((r) => Date.parse(r.interactionTime as string) >= cut)
    const perProfile = new Map<unknown, number>()
    for (const r of recent) perProfile.set(r.profileId, (perProfile.get(r.profileId) ?? 0) + 1)
    const profiles = await both(db, 'getProfiles', alice, { since: cut, limit: 10_000 })
    expect(new Map(profiles.map((p) => [p.profileId, p.interactionCount]))).toEqual(perProfile)
    const newest = profiles.map((p) => Date.parse(p.lastInteractionAt as string))
    expect(newest).toStrictEqual([...newest].sort((a, b) => b - a))
  })
})

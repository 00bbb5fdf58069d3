// Over a seeded file, in both layouts: the opened file itself (its layout, what it
// does not keep, both call forms of every read function, the limit bounds), then
// Instagram's accounts, sessions, daily stats, profiles (getProfiles / countProfiles /
// getProfile, filtered profiles, stats history) and interactions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TaktikDatabase } from '../../index.js'
import { camel } from '../helpers'
import { LAYOUTS } from '../layouts'
import {
  ALL_READ_FUNCTIONS,
  PROFILE_EXTRAS,
  TS_RE,
  addDays,
  both,
  dailyCounters,
  expectColumnTypes,
  expectFailsBoth,
  expectKeySets,
  expectOrdered,
  expectPaging,
  expectWellFormedTimestamps,
  expectedIso,
  ids,
  instant,
  localMidnightMs,
  localNoonIso,
  must,
  openSeeded,
  sortNum,
  type Db,
  type Row,
  type SeedSummary,
} from './common'

describe.each(LAYOUTS)('read API over a seeded file (%s layout)', (layout) => {
  let db: TaktikDatabase
  let seed: SeedSummary
  let alice: number
  let bob: number
  let carol: number
  let usernameOf: Map<number, string>

  beforeAll(() => {
    ({ db, seed, alice, bob, carol, usernameOf } = openSeeded(layout))
  })
  afterAll(() => db?.close())

  // ----------------------------------------------------------------------------- the file

  it('knows the layout it reads, and what it does not keep', async () => {
    expect(db.layout).toBe(layout)
    const gone = ['getPosts', 'getScrapedComments', 'getDiscoveryCampaigns', 'getDiscoveryProgress', 'getDiscoveredProfiles'] as const
    for (const name of gone) {
      expect(db.supports(name), name).toBe(layout === 'legacy')
      if (layout === 'unified') {
        const args = name === 'getDiscoveryProgress' || name === 'getDiscoveredProfiles' ? [1] : []
        await expectFailsBoth(db, name, args, 'NOT_IN_THIS_FILE')
      }
    }
    expect(db.capabilities.length).toBe(layout === 'legacy' ? 21 : 16)
  })

  it('exposes every read function in an async and a Sync form', () => {
    for (const n of ALL_READ_FUNCTIONS) {
      expect(typeof (db as unknown as Row)[n], n).toBe('function')
      expect(typeof (db as unknown as Row)[`${n}Sync`], `${n}Sync`).toBe('function')
    }
    expect(db.path).toMatch(/taktik-data\.db$/)
    expect(db.readonly).toBe(false)
    expect(db.isOpen).toBe(true)
  })

  it('limit accepts the documented bounds 0 and 10000', async () => {
    expect(await both(db, 'getSessions', alice, { limit: 0 })).toEqual([])
    expect(await both(db, 'getInteractions', alice, { limit: 10000 })).toHaveLength(must(seed.interactionsPerAccount[String(alice)], 'n'))
    expect(await both(db, 'getProfiles', alice, { limit: 10000, offset: 0 })).toHaveLength(await both(db, 'countProfiles', alice))
  })

  // ----------------------------------------------------------------------------- accounts

  it('getAccounts: every Instagram account by id, typed', async () => {
    const rows = await both(db, 'getAccounts')
    expect(ids(rows, 'accountId')).toEqual([alice, bob, carol])
    expect(rows.map((r) => r.username)).toEqual(['alice_bot', 'bob_bot', 'carol_idle'])
    rows.forEach((r, i) => {
      expect(r.isBot).toBe(true)
      expect(r.userId).toBe(1000 + i)
      expect(r.licenseId).toBe(77)
    })
    expectKeySets(rows, 'instagram_accounts')
    expectColumnTypes(rows, 'instagram_accounts', true)
    expectWellFormedTimestamps(rows)
  })

  it('getAccount: one account by id, the same row as the listing; null tells an unknown account from an idle one', async () => {
    for (const row of await both(db, 'getAccounts')) {
      expect(await both(db, 'getAccount', row.accountId)).toStrictEqual(row)
    }
    // carol is idle, 987654321 was never there: their sessions and stats look alike...
    for (const acc of [carol, 987_654_321]) {
      expect(await both(db, 'getSessions', acc)).toEqual([])
      expect((await both(db, 'getDailyStats', acc, 3)).every((d) => d.totalLikes === 0 && d.totalSessions === 0)).toBe(true)
    }
    // ...the account itself does not.
    expect(must(await both(db, 'getAccount', carol), 'carol').username).toBe('carol_idle')
    expect(await both(db, 'getAccount', 987_654_321)).toBeNull()
  })

  // ----------------------------------------------------------------------------- sessions

  it('getSessions: every session of the account, newest first, each column converted', async () => {
    for (const acc of [alice, bob]) {
      const rows = await both(db, 'getSessions', acc, { limit: 10000 })
      const expected = seed.sessions.filter((s) => s.accountId === acc)
      expect(sortNum(ids(rows, 'sessionId'))).toEqual(sortNum(ids(expected, 'sessionId')))
      expectOrdered(rows, (r) => instant(r.startTime), 'desc', (r) => `session ${r.sessionId}`, 'getSessions newest first')
      for (const r of rows) {
        const s = must(expected.find((x) => x.sessionId === r.sessionId), `session ${r.sessionId}`)
        expect(r).toStrictEqual({
          sessionId: s.sessionId,
          accountId: acc,
          sessionName: s.sessionName,
          targetType: s.targetType,
          target: s.target,
          startTime: expectedIso(s.startTime),
          endTime: s.endTime === null ? null : expectedIso(s.endTime),
          durationSeconds: s.durationSeconds,
          configUsed: s.configUsed === null ? null : (JSON.parse(s.configUsed) as unknown),
          status: s.status,
          errorMessage: s.errorMessage,
          syncedToApi: false,
          createdAt: r.createdAt,
          updatedAt: r.updatedAt,
        })
      }
      expectKeySets(rows, 'sessions')
      expectColumnTypes(rows, 'sessions', true)
      expectWellFormedTimestamps(rows)
    }
    // A past session was started at local noon 5 days ago (raw SQLite UTC text -> same instant).
    const first = must((await both(db, 'getSessions', alice, { limit: 10000 })).at(-1), 'oldest')
    expect(first.startTime).toBe(localNoonIso(seed.today, 5))
    // NULL config_used is null (not missing); JSON text is parsed.
    const noConfig = seed.sessions.filter((s) => s.accountId === alice && s.configUsed === null)
    expect(noConfig.length).toBeGreaterThan(0)
  })

  it('getSessions: status filter (case-insensitive), paging, idle account', async () => {
    for (const status of ['COMPLETED', 'FAILED', 'ACTIVE', 'ERROR']) {
      for (const acc of [alice, bob]) {
        const want = seed.sessions.filter((s) => s.accountId === acc && s.status === status).map((s) => s.sessionId)
        const got = await both(db, 'getSessions', acc, { status: status.toLowerCase() })
        expect(sortNum(ids(got, 'sessionId')), `${status} of ${acc}`).toEqual(sortNum(want))
        expect(got.every((r) => r.status === status)).toBe(true)
      }
    }
    expect(seed.sessions.filter((s) => s.accountId === alice && s.status === 'COMPLETED').length).toBeGreaterThan(1)
    expect(await both(db, 'getSessions', alice, { status: 'NO_SUCH_STATUS' })).toEqual([])
    const full = await both(db, 'getSessions', alice)
    expect(full).toHaveLength(seed.sessions.filter((s) => s.accountId === alice).length)
    await expectPaging(full, (limit, offset) => both(db, 'getSessions', alice, { limit, offset }))
    expect(await both(db, 'getSessions', carol)).toEqual([])
    expect(await both(db, 'getSessions', 999999)).toEqual([])
  })

  it('getSessionStats: totals per session counted from interaction_history', async () => {
    const entries = Object.entries(seed.sessionStats)
    expect(entries.length).toBe(seed.sessions.length)
    for (const [sid, s] of entries) {
      const got = await both(db, 'getSessionStats', Number(sid))
      expect(got, `session ${sid}`).toStrictEqual({
        totalInteractions: s.totalInteractions,
        totalLikes: s.totalLikes,
        totalFollows: s.totalFollows,
        totalUnfollows: s.totalUnfollows,
        totalComments: s.totalComments,
        totalStoryViews: s.totalStoryViews,
        totalStoryLikes: s.totalStoryLikes,
        totalProfileVisits: s.totalProfileVisits,
        successfulInteractions: s.successfulInteractions,
      })
    }
    // non-trivial: some session has failures, and one has types that touch no counter
    expect(entries.some(([, s]) => s.successfulInteractions < s.totalInteractions)).toBe(true)
    const withUnknown = seed.interactions.rows.find((r) => r[0] === seed.interactions.unknownTypeIds[0])
    const st = must(seed.sessionStats[String(must(withUnknown, 'unknown-type row')[2])], 'its session')
    const known = st.totalLikes + st.totalFollows + st.totalUnfollows + st.totalComments + st.totalStoryViews + st.totalStoryLikes + st.totalProfileVisits
    expect(st.totalInteractions).toBeGreaterThan(known)
  })

  // -------------------------------------------------------------------------- daily stats

  it('getDailyStats: exactly `days` local days ending today, oldest first, zero-filled', async () => {
    const counters = dailyCounters('daily_stats')
    expect(counters).toHaveLength(11)
    const dayKeys = ['date', ...counters.map(camel)].sort()
    for (const [acc, days] of [[alice, 45], [bob, 7], [carol, 10], [alice, 1], [alice, 41], [alice, 40]] as const) {
      const rows = await both(db, 'getDailyStats', acc, days)
      expect(rows, `${acc}/${days}`).toHaveLength(days)
      const table = seed.dailyStats[String(acc)] ?? {}
      rows.forEach((r, i) => {
        expect(Object.keys(r).sort()).toEqual(dayKeys)
        expect(r.date).toBe(addDays(seed.today, i - (days - 1)))
        const src = table[r.date]
        for (const c of counters) {
          expect((r as unknown as Row)[camel(c)], `${r.date}.${c}`).toBe(src ? Number(src[c]) : 0)
        }
      })
      expect(must(rows.at(-1), 'last').date).toBe(seed.today)
    }
    // the window really covers the rows written 40 days ago (41 days) but not with 40 days
    const d40 = addDays(seed.today, -40)
    expect(seed.dailyStats[String(alice)]?.[d40]).toBeDefined()
    const w41 = await both(db, 'getDailyStats', alice, 41)
    expect(must(w41[0], 'first').date).toBe(d40)
    expect(must(w41[0], 'first').totalLikes).toBe(11)
    const w40 = await both(db, 'getDailyStats', alice, 40)
    expect(w40.some((r) => r.date === d40)).toBe(false)
    // days with rows and days without in the same window
    const w7 = await both(db, 'getDailyStats', bob, 7)
    expect(w7.some((r) => r.totalSessions > 0)).toBe(true)
    expect(w7.some((r) => r.totalSessions === 0 && r.totalLikes === 0)).toBe(true)
    // the direct +5 profile visits on bob's row of yesterday
    const yesterday = addDays(seed.today, -1)
    expect(must(w7.find((r) => r.date === yesterday), 'yesterday').totalProfileVisits).toBe(
      Number(seed.dailyStats[String(bob)]?.[yesterday]?.total_profile_visits),
    )
    expect((await both(db, 'getDailyStats', carol, 10)).every((r) => counters.every((c) => (r as unknown as Row)[camel(c)] === 0))).toBe(true)
    expect(await both(db, 'getDailyStats', alice, 3650)).toHaveLength(3650)
  })

  // ----------------------------------------------------------------------------- profiles

  it('getProfiles: the profiles the account interacted with, every profile column + counts', async () => {
    for (const acc of [alice, bob]) {
      const rows = await both(db, 'getProfiles', acc, { limit: 10000 })
      const counts = must(seed.profileInteractionCounts[String(acc)], 'counts')
      expect(sortNum(ids(rows, 'profileId'))).toEqual(sortNum(Object.keys(counts).map(Number)))
      const inter = await both(db, 'getInteractions', acc, { limit: 10000 })
      for (const r of rows) {
        expect(r.interactionCount, r.username).toBe(counts[String(r.profileId)])
        expect(r.username).toBe(usernameOf.get(r.profileId))
        // lastInteractionAt is the instant of this profile's latest interaction
        const mine = inter.filter((i) => i.profileId === r.profileId).map((i) => instant(i.interactionTime))
        expect(instant(r.lastInteractionAt), `${r.username} lastInteractionAt`).toBe(Math.max(...mine))
        // the profile columns are exactly getProfile's row
        const { interactionCount: _c, lastInteractionAt: _l, ...profile } = r
        expect(profile).toStrictEqual(db.getProfileSync(r.profileId))
      }
      expectKeySets(rows, 'instagram_profiles', PROFILE_EXTRAS)
      expectColumnTypes(rows, 'instagram_profiles', true)
      expectWellFormedTimestamps(rows)
    }
    expect(await both(db, 'getProfiles', carol)).toEqual([])
    expect(await both(db, 'countProfiles', carol)).toBe(0)
  })

  it('getProfiles: sortBy / order really sort, and paging follows the sort', async () => {
    const full = await both(db, 'getProfiles', alice, { limit: 10000 })
    expect(full.length).toBeGreaterThan(20)
    const text = (s: string | null): string => (s ?? '').toLowerCase()
    const sorts: [string, (r: (typeof full)[number]) => number | string][] = [
      ['username', (r) => text(r.username)],
      ['fullName', (r) => text(r.fullName)],
      ['followersCount', (r) => must(r.followersCount, 'followers')],
      ['followingCount', (r) => must(r.followingCount, 'following')],
      ['postsCount', (r) => must(r.postsCount, 'posts')],
      ['interactionCount', (r) => r.interactionCount],
      ['profileId', (r) => r.profileId],
      ['createdAt', (r) => instant(r.createdAt)],
      ['updatedAt', (r) => instant(r.updatedAt)],
    ]
    for (const [sortBy, key] of sorts) {
      const sb = sortBy as 'username'
      const asc = await both(db, 'getProfiles', alice, { sortBy: sb, order: 'asc', limit: 10000 })
      const desc = await both(db, 'getProfiles', alice, { sortBy: sb, order: 'desc', limit: 10000 })
      expect(sortNum(ids(asc, 'profileId'))).toEqual(sortNum(ids(full, 'profileId')))
      expect(sortNum(ids(desc, 'profileId'))).toEqual(sortNum(ids(full, 'profileId')))
      expectOrdered(asc, key, 'asc', (r) => r.username, `sortBy ${sortBy} asc`)
      expectOrdered(desc, key, 'desc', (r) => r.username, `sortBy ${sortBy} desc`)
      // default order is desc
      expect(await both(db, 'getProfiles', alice, { sortBy: sb, limit: 10000 })).toStrictEqual(desc)
      const page = await both(db, 'getProfiles', alice, { sortBy: sb, order: 'asc', limit: 5, offset: 5 })
      expect(page).toStrictEqual(asc.slice(5, 10))
    }
    // the order really changes
    const byIdAsc = await both(db, 'getProfiles', alice, { sortBy: 'profileId', order: 'asc', limit: 10000 })
    const byIdDesc = await both(db, 'getProfiles', alice, { sortBy: 'profileId', order: 'desc', limit: 10000 })
    expect(ids(byIdAsc, 'profileId')).toEqual([...ids(byIdDesc, 'profileId')].reverse())
    const byFollowers = await both(db, 'getProfiles', alice, { sortBy: 'followersCount', limit: 10000 })
    const byUsername = await both(db, 'getProfiles', alice, { sortBy: 'username', order: 'asc', limit: 10000 })
    expect(ids(byFollowers, 'profileId')).not.toEqual(ids(byUsername, 'profileId'))
    await expectPaging(byIdAsc, (limit, offset) => both(db, 'getProfiles', alice, { sortBy: 'profileId', order: 'asc', limit, offset }))
  })

  it('getProfiles: the default order is latest interaction first (by lastInteractionAt instant)', async () => {
    const byDefault = await both(db, 'getProfiles', alice, { limit: 10000 })
    expect(await both(db, 'getProfiles', alice, { sortBy: 'lastInteractionAt', order: 'desc', limit: 10000 })).toStrictEqual(byDefault)
    const lbl = (r: (typeof byDefault)[number]): string => `${r.username} (#${r.profileId}, ${r.lastInteractionAt})`
    expectOrdered(byDefault, (r) => instant(r.lastInteractionAt), 'desc', lbl, 'getProfiles default order (lastInteractionAt desc)')
    const asc = await both(db, 'getProfiles', alice, { sortBy: 'lastInteractionAt', order: 'asc', limit: 10000 })
    expectOrdered(asc, (r) => instant(r.lastInteractionAt), 'asc', lbl, 'getProfiles sortBy lastInteractionAt asc')
  })

  it('getProfiles / countProfiles: filters really filter; count equals the unpaged length', async () => {
    const full = await both(db, 'getProfiles', alice, { limit: 10000 })
    expect(await both(db, 'countProfiles', alice)).toBe(full.length)
    expect(await both(db, 'countProfiles', alice, { limit: 1, offset: 3, sortBy: 'username', order: 'asc' })).toBe(full.length)
    const followers = full.map((r) => must(r.followersCount, 'followers')).sort((a, b) => a - b)
    const lo = must(followers[Math.floor(followers.length / 4)], 'q1')
    const hi = must(followers[Math.floor((3 * followers.length) / 4)], 'q3')
    type Q = Parameters<Db['getProfiles']>[1]
    const cases: [Q, (r: (typeof full)[number]) => boolean][] = [
      [{ minFollowers: lo }, (r) => (r.followersCount ?? -1) >= lo],
      [{ maxFollowers: hi }, (r) => r.followersCount !== null && r.followersCount <= hi],
      [{ minFollowers: lo, maxFollowers: hi }, (r) => r.followersCount !== null && r.followersCount >= lo && r.followersCount <= hi],
      [{ isPrivate: true }, (r) => r.isPrivate === true],
      [{ isPrivate: false }, (r) => r.isPrivate !== true],
      [{ isVerified: true }, (r) => r.isVerified === true],
      [{ isVerified: false }, (r) => r.isVerified !== true],
      [{ isBusiness: true }, (r) => r.isBusiness === true],
      [{ isBusiness: false, minFollowers: lo }, (r) => r.isBusiness !== true && (r.followersCount ?? -1) >= lo],
    ]
    for (const [q, pred] of cases) {
      const want = full.filter(pred)
      expect(want.length, JSON.stringify(q)).toBeGreaterThan(0)
      expect(want.length, JSON.stringify(q)).toBeLessThan(full.length)
      const got = await both(db, 'getProfiles', alice, { ...q, limit: 10000 })
      expect(sortNum(ids(got, 'profileId')), JSON.stringify(q)).toEqual(sortNum(ids(want, 'profileId')))
      expect(await both(db, 'countProfiles', alice, q), JSON.stringify(q)).toBe(want.length)
      // paged: a limit smaller than the match count still counts them all
      expect(await both(db, 'getProfiles', alice, { ...q, limit: 1 })).toHaveLength(1)
    }
    expect(await both(db, 'getProfiles', alice, { minFollowers: 10_000_000 })).toEqual([])
    expect(await both(db, 'countProfiles', alice, { minFollowers: 10_000_000 })).toBe(0)
  })

  it('getProfiles / countProfiles: search is a case-insensitive substring with % and _ literal', async () => {
    const full = await both(db, 'getProfiles', alice, { limit: 10000 })
    const names = new Set(full.map((r) => r.username))
    for (const n of ['under_score', 'underxscore', 'per%cent', 'per_cent', 'percent', 'MixedCase', 'mixedcase']) {
      expect(names.has(n), `alice interacted with ${n}`).toBe(true)
    }
    const search = async (q: string): Promise<string[]> => {
      const rows = await both(db, 'getProfiles', alice, { search: q, limit: 10000 })
      expect(await both(db, 'countProfiles', alice, { search: q })).toBe(rows.length)
      return rows.map((r) => r.username).sort()
    }
    expect(await search('under_score')).toEqual(['under_score'])
    expect(await search('%')).toEqual(['per%cent'])
    expect(await search('per%cent')).toEqual(['per%cent'])
    expect(await search('per_cent')).toEqual(['per_cent'])
    expect(await search('MIXEDcase')).toEqual(['MixedCase', 'mixedcase'])
    expect(await search('ÉMOJI🎉')).toEqual(['zoe_émoji🎉'])
    expect(await search('no such profile')).toEqual([])
    // `_` matches only a literal underscore (username or full name), never "any character"
    const underscore = await search('_')
    expect(underscore).toEqual(full.filter((r) => r.username.includes('_') || (r.fullName ?? '').includes('_')).map((r) => r.username).sort())
    expect(underscore).not.toContain('underxscore')
    // full name matches too ("Per Cent" is per_cent's full name)
    expect(await search('PER CENT')).toEqual(full.filter((r) => (r.fullName ?? '').toLowerCase().includes('per cent')).map((r) => r.username).sort())
    // search combines with the other filters
    const combined = await both(db, 'getProfiles', alice, { search: 'e', isBusiness: false, limit: 10000 })
    expect(sortNum(ids(combined, 'profileId'))).toEqual(
      sortNum(ids(full.filter((r) => (r.username.toLowerCase().includes('e') || (r.fullName ?? '').toLowerCase().includes('e')) && r.isBusiness !== true), 'profileId')),
    )
  })

  it('getProfile: by username or id, null when absent, % and _ not wildcards', async () => {
    for (const [name, id] of Object.entries(seed.profiles)) {
      const byName = await both(db, 'getProfile', name)
      const byId = await both(db, 'getProfile', id)
      expect(must(byName, name).profileId).toBe(id)
      expect(byId).toStrictEqual(byName)
    }
    expect(await both(db, 'getProfile', 'per_cent')).toHaveProperty('profileId', seed.profiles.per_cent)
    expect(await both(db, 'getProfile', 'under_score')).toHaveProperty('profileId', seed.profiles.under_score)
    expect(await both(db, 'getProfile', 'per%')).toBeNull()
    expect(await both(db, 'getProfile', 'nobody_here')).toBeNull()
    expect(await both(db, 'getProfile', 999999)).toBeNull()
    const p = must(await both(db, 'getProfile', 'MixedCase'), 'MixedCase')
    expectKeySets([p], 'instagram_profiles')
    expectColumnTypes([p], 'instagram_profiles', true)
    expectWellFormedTimestamps([p])
  })

  it('getProfile: linkedAccounts is the JSON list the bot stored, parsed (null on a unified file)', async () => {
    const lists: unknown[] = []
    for (const [name, id] of Object.entries(seed.profiles)) {
      const linked = must(await both(db, 'getProfile', id), name).linkedAccounts
      if (layout === 'unified') expect(linked, name).toBeNull()
      else if (linked !== null) {
        // The fixture stores json.dumps([f"@{name}_backup"]) or "[]".
        expect([[], [`@${name}_backup`]], name).toContainEqual(linked)
        lists.push(linked)
      }
    }
    if (layout === 'legacy') expect(lists.some((l) => Array.isArray(l) && l.length === 1)).toBe(true)
  })

  it('getFilteredProfiles: the account’s filtered profiles, newest first, INSERT OR REPLACE respected', async () => {
    for (const acc of [alice, bob, carol]) {
      const rows = await both(db, 'getFilteredProfiles', acc)
      const want = seed.filteredProfiles.filter((f) => f.accountId === acc)
      expect(sortNum(ids(rows, 'id'))).toEqual(sortNum(ids(want, 'id')))
      expectOrdered(rows, (r) => instant(r.filteredAt), 'desc', (r) => `#${r.id}`, 'filtered newest first')
      for (const r of rows) {
        const w = must(want.find((x) => x.id === r.id), `filtered ${r.id}`)
        expect(r).toMatchObject({ profileId: w.profileId, accountId: acc, username: w.username, reason: w.reason, sourceType: w.sourceType, sourceName: w.sourceName, sessionId: null })
      }
      expectKeySets(rows, 'filtered_profiles')
      expectColumnTypes(rows, 'filtered_profiles', true)
      expectWellFormedTimestamps(rows)
    }
    const aliceRows = await both(db, 'getFilteredProfiles', alice)
    const david = aliceRows.filter((r) => r.username === 'david.photo')
    expect(david).toHaveLength(1)
    expect(must(david[0], 'david').reason).toBe('blacklisted_keyword')
    await expectPaging(aliceRows, (limit, offset) => both(db, 'getFilteredProfiles', alice, { limit, offset }))
  })

  it('getProfileStatsHistory: snapshots oldest first with converted timestamps', async () => {
    const entries = Object.entries(seed.profileStatsHistory)
    expect(entries.length).toBeGreaterThan(0)
    for (const [pid, want] of entries) {
      const rows = await both(db, 'getProfileStatsHistory', Number(pid))
      expect(ids(rows, 'id')).toEqual(want)
      // The current bot's record_stats_history writes neither engagement_rate nor biography.
      const legacy = layout === 'legacy'
      expect(rows.map((r) => [r.followersCount, r.followingCount, r.postsCount, r.engagementRate, r.isVerified, r.biography])).toEqual([
        [1000, 200, 30, legacy ? 2.5 : null, false, legacy ? 'bio v0' : null],
        [1100, 201, 31, legacy ? 2.8 : null, false, legacy ? 'bio v1' : null],
        [1200, 202, 32, legacy ? 3.1 : null, false, legacy ? 'bio v2' : null],
      ])
      expect(rows[0]?.recordedAt).toBe(localNoonIso(seed.today, 5))
      expect(rows[1]?.recordedAt).toBe(localNoonIso(seed.today, 2))
      expectOrdered(rows, (r) => instant(r.recordedAt), 'asc', (r) => `#${r.id}`, 'stats history oldest first')
      expect(rows.every((r) => r.profileId === Number(pid) && r.externalUrl === null)).toBe(true)
      expectKeySets(rows, 'profile_stats_history')
      expectColumnTypes(rows, 'profile_stats_history', true)
      expectWellFormedTimestamps(rows)
    }
    expect(await both(db, 'getProfileStatsHistory', must(seed.profiles['anna.fit'], 'anna'))).toEqual([])
  })

  // ------------------------------------------------------------------------- interactions

  it('getInteractions: every interaction of the account, with username, converted', async () => {
    const rowById = new Map(seed.interactions.rows.map((r) => [r[0], r]))
    for (const acc of [alice, bob]) {
      const rows = await both(db, 'getInteractions', acc, { limit: 10000 })
      const want = seed.interactions.rows.filter((r) => r[1] === acc)
      expect(rows).toHaveLength(must(seed.interactionsPerAccount[String(acc)], 'per account'))
      expect(sortNum(ids(rows, 'id'))).toEqual(sortNum(want.map((r) => r[0])))
      for (const r of rows) {
        const t = must(rowById.get(r.id), `interaction ${r.id}`)
        expect(r.accountId).toBe(acc)
        expect(r.sessionId).toBe(t[2])
        expect(r.profileId).toBe(t[3])
        expect(r.interactionType).toBe(t[4])
        expect(r.success).toBe(t[5] === 1)
        expect(r.username).toBe(usernameOf.get(t[3]))
        if (t[6] !== null) expect(r.interactionTime, `interaction ${r.id} raw ${t[6]}`).toBe(expectedIso(t[6]))
      }
      expectKeySets(rows, 'interaction_history', ['username'])
      expectColumnTypes(rows, 'interaction_history', true)
      expectWellFormedTimestamps(rows)
    }
    const all = await both(db, 'getInteractions', alice, { limit: 10000 })
    const failed = new Set(seed.interactions.failedIds)
    expect(all.filter((r) => !r.success).map((r) => r.id).sort((a, b) => a - b)).toEqual(
      seed.interactions.rows.filter((r) => r[1] === alice && failed.has(r[0])).map((r) => r[0]).sort((a, b) => a - b),
    )
    for (const id of seed.interactions.withoutSessionIds) {
      expect(must(all.find((r) => r.id === id), `no-session ${id}`).sessionId).toBeNull()
    }
    for (const id of seed.interactions.unknownTypeIds) {
      expect(must(all.find((r) => r.id === id), `unknown ${id}`).content).toBe('hello')
    }
    expect(await both(db, 'getInteractions', carol)).toEqual([])
  })

  it('getInteractions: every stored timestamp shape converts to the right instant', async () => {
    expect(seed.interactions.specialTimes.map((s) => s.shape).sort()).toEqual(['naiveLocalIso', 'offset+02:00', 'utcZ'])
    const rows = await both(db, 'getInteractions', alice, { limit: 10000 })
    for (const s of seed.interactions.specialTimes) {
      const r = must(rows.find((x) => x.id === s.id), `special ${s.shape}`)
      // naive isoformat is LOCAL time (new Date(naive) is local in JS too); Z / offsets keep their instant
      expect(r.interactionTime, `${s.shape} ${s.raw}`).toBe(new Date(s.raw).toISOString())
      expect(r.interactionTime).toMatch(TS_RE)
    }
    const z = must(seed.interactions.specialTimes.find((s) => s.shape === 'utcZ'), 'utcZ')
    expect(must(rows.find((x) => x.id === z.id), 'utcZ row').interactionTime).toBe(z.raw)
    // SQLite UTC shape: same wall-clock digits, marked Z
    const sqliteShaped = must(seed.interactions.rows.find((r) => r[1] === alice && r[6] !== null && / /.test(r[6])), 'sqlite-shaped')
    expect(must(rows.find((x) => x.id === sqliteShaped[0]), 'row').interactionTime).toBe(`${String(sqliteShaped[6]).replace(' ', 'T')}.000Z`)
  })

  it('getInteractions: newest first by interaction instant', async () => {
    const rows = await both(db, 'getInteractions', alice, { limit: 10000 })
    expectOrdered(rows, (r) => instant(r.interactionTime), 'desc', (r) => `interaction #${r.id} at ${r.interactionTime}`, 'getInteractions newest first')
  })

  it('getInteractions: default limit 50, paging, type / session / profile filters', async () => {
    const full = await both(db, 'getInteractions', bob, { limit: 10000 })
    expect(full.length).toBeGreaterThan(50)
    const byDefault = await both(db, 'getInteractions', bob)
    expect(byDefault).toHaveLength(50)
    expect(byDefault).toStrictEqual(full.slice(0, 50))
    expect(await both(db, 'getInteractions', bob, { offset: 50 })).toStrictEqual(full.slice(50))
    await expectPaging(full, (limit, offset) => both(db, 'getInteractions', bob, { limit, offset }))

    for (const acc of [alice, bob]) {
      for (const [type, n] of Object.entries(must(seed.interactionsPerAccountByType[String(acc)], 'by type'))) {
        const got = await both(db, 'getInteractions', acc, { type: type.toLowerCase(), limit: 10000 })
        expect(got, `${acc} ${type}`).toHaveLength(n)
        expect(got.every((r) => r.interactionType === type)).toBe(true)
      }
    }
    expect(ids(await both(db, 'getInteractions', alice, { type: 'DM_SENT' }), 'id')).toEqual(
      seed.interactions.unknownTypeIds.filter((id) => seed.interactions.rows.find((r) => r[0] === id)?.[4] === 'DM_SENT'),
    )
    expect(await both(db, 'getInteractions', alice, { type: 'NOT_A_TYPE' })).toEqual([])
    for (const [sid, s] of Object.entries(seed.sessionStats)) {
      const got = await both(db, 'getInteractions', s.accountId, { sessionId: Number(sid), limit: 10000 })
      expect(got, `session ${sid}`).toHaveLength(s.totalInteractions)
      expect(got.every((r) => r.sessionId === Number(sid))).toBe(true)
      const likes = await both(db, 'getInteractions', s.accountId, { sessionId: Number(sid), type: 'LIKE', limit: 10000 })
      expect(likes).toHaveLength(s.totalLikes)
    }
    // a session of another account yields nothing for this account
    const bobSession = must(seed.sessions.find((s) => s.accountId === bob), 'bob session')
    expect(await both(db, 'getInteractions', alice, { sessionId: bobSession.sessionId })).toEqual([])
    for (const [pid, n] of Object.entries(must(seed.profileInteractionCounts[String(alice)], 'counts'))) {
      const got = await both(db, 'getInteractions', alice, { profileId: Number(pid), limit: 10000 })
      expect(got, `profile ${pid}`).toHaveLength(n)
      expect(got.every((r) => r.profileId === Number(pid) && r.username === usernameOf.get(Number(pid)))).toBe(true)
    }
  })

  it('getInteractions: since / until compare instants (inclusive), as ISO text or Unix ms', async () => {
    const all = await both(db, 'getInteractions', alice, { limit: 10000 })
    // a window over past local days, where every stored time is explicit
    const since = localMidnightMs(seed.today, 2)
    const until = localMidnightMs(seed.today, 0) - 1
    const want = seed.interactions.rows
      .filter((r) => r[1] === alice && r[6] !== null && instant(expectedIso(r[6])) >= since && instant(expectedIso(r[6])) <= until)
      .map((r) => r[0])
    expect(want.length).toBeGreaterThan(0)
    expect(want.length).toBeLessThan(all.length)
    const byMs = await both(db, 'getInteractions', alice, { since, until, limit: 10000 })
    expect(sortNum(ids(byMs, 'id'))).toEqual(sortNum(want))
    const byIso = await both(db, 'getInteractions', alice, { since: new Date(since).toISOString(), until: new Date(until).toISOString(), limit: 10000 })
    expect(byIso).toStrictEqual(byMs)
    // same window written with an offset
    const plus2 = (ms: number): string => new Date(ms + 2 * 3600_000).toISOString().replace('Z', '+02:00')
    expect(await both(db, 'getInteractions', alice, { since: plus2(since), until: plus2(until), limit: 10000 })).toStrictEqual(byMs)

    // bounds are inclusive
    const edge = must(all.find((r) => r.id === want[0]), 'edge row')
    const t = instant(edge.interactionTime)
    expect(ids(await both(db, 'getInteractions', alice, { since: t, until: t, limit: 10000 }), 'id')).toContain(edge.id)
    expect(ids(await both(db, 'getInteractions', alice, { since: t + 1, until: t + 1, limit: 10000 }), 'id')).not.toContain(edge.id)

    // every threshold agrees with the instants the addon reports (incl. naive-local / Z / offset rows)
    const thresholds = [
      ...seed.interactions.specialTimes.map((s) => new Date(s.raw).getTime()),
      localMidnightMs(seed.today, 0),
      localMidnightMs(seed.today, 1),
      instant(localNoonIso(seed.today, 5)),
    ]
    for (const th of thresholds) {
      const s = await both(db, 'getInteractions', alice, { since: th, limit: 10000 })
      expect(sortNum(ids(s, 'id')), `since ${new Date(th).toISOString()}`).toEqual(sortNum(ids(all.filter((r) => instant(r.interactionTime) >= th), 'id')))
      const u = await both(db, 'getInteractions', alice, { until: new Date(th).toISOString(), limit: 10000 })
      expect(sortNum(ids(u, 'id')), `until ${new Date(th).toISOString()}`).toEqual(sortNum(ids(all.filter((r) => instant(r.interactionTime) <= th), 'id')))
    }
    expect(await both(db, 'getInteractions', alice, { since: until, until: since })).toEqual([])
    expect(await both(db, 'getInteractions', alice, { since: Date.now() + 86_400_000 })).toEqual([])
  })
})

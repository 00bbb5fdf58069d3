// Over hostile rows, in both layouts: wrong storage classes, NULLs everywhere, bad
// UTF-8, JSON of every wrong shape, odd timestamps, orphans and huge numbers. Every
// read function answers without throwing, with sane types.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type TaktikDatabase } from '../../index.js'
import { camel, py, tempDb } from '../helpers'
import { LAYOUTS, layoutArgs } from '../layouts'
import {
  PROFILE_EXTRAS,
  SCHEMA,
  SCRAPED_PROFILE_EXTRAS,
  TS_RE,
  addDays,
  asRows,
  both,
  expectColumnTypes,
  expectKeySets,
  ids,
  isTimestampKey,
  must,
  sortNum,
  tableColumns,
  type HostileSummary,
  type Row,
} from './common'

describe.each(LAYOUTS)('read API over hostile rows (%s layout)', (layout) => {
  const legacyOnly = it.runIf(layout === 'legacy')
  let db: TaktikDatabase
  let h: HostileSummary
  let bad: string
  const id = (group: string, label: string): number => must(h.ids[group]?.[label], `${group}.${label}`)
  const find = <T extends object>(rows: readonly T[], key: keyof T, value: number): T => must(rows.find((r) => r[key] === value), `${String(key)}=${value}`)
  const oneOf = (v: unknown, options: readonly unknown[]): void => {
    expect(options, `got ${JSON.stringify(v)}`).toContainEqual(v)
  }
  const unixOrUnchanged = ['1700000000', '2023-11-14T22:13:20.000Z']

  beforeAll(() => {
    const file = tempDb()
    db = openDatabase({ path: file, layout })
    h = py<HostileSummary>([...layoutArgs(layout), 'hostile', file])
    bad = new TextDecoder('utf-8').decode(Buffer.from(h.badUtf8Hex, 'hex'))
    expect(bad).toContain('\uFFFD')
  })
  afterAll(() => db?.close())

  it('flag filters and counts agree with the flags the rows show', () => {
    const all = db.getProfilesSync(h.accountId, { limit: 10000 })
    const ids = (rows: readonly { profileId: number }[]) => rows.map((r) => r.profileId).sort((x, y) => x - y)
    for (const key of ['isPrivate', 'isVerified', 'isBusiness'] as const) {
      const yes = db.getProfilesSync(h.accountId, { limit: 10000, [key]: true })
      const no = db.getProfilesSync(h.accountId, { limit: 10000, [key]: false })
      expect(ids(yes), key).toEqual(ids(all.filter((r) => r[key] === true)))
      // false selects what is not shown as true: false, or NULL/unreadable (null)
      expect(ids(no), key).toEqual(ids(all.filter((r) => r[key] !== true)))
      expect(db.countProfilesSync(h.accountId, { [key]: true }), key).toBe(yes.length)
    }
    const sessions = new Set(db.getInteractionsSync(h.accountId, { limit: 10000 }).map((r) => r.sessionId))
    for (const sessionId of sessions) {
      if (sessionId === null) continue
      const rows = db.getInteractionsSync(h.accountId, { limit: 10000, sessionId })
      const stats = db.getSessionStatsSync(sessionId)
      expect(stats.successfulInteractions, `session ${sessionId}`).toBe(rows.filter((r) => r.success === true).length)
    }
    const scraped = db.getScrapedProfilesSync(h.scrapingId, { limit: 10000 })
    const qualified = db.getScrapedProfilesSync(h.scrapingId, { limit: 10000, qualifiedOnly: true })
    expect(qualified.map((r) => r.id)).toEqual(scraped.filter((r) => r.aiQualified === true).map((r) => r.id))
  })

  it('every read function answers over the hostile ids without throwing, with sane types', async () => {
    const o = { limit: 10000 }
    const checks: [string, () => Promise<object | object[] | null | number>, string | null, readonly string[]][] = [
      ['getAccounts', () => both(db, 'getAccounts'), 'instagram_accounts', []],
      ['getTikTokAccounts', () => both(db, 'getTikTokAccounts'), 'tiktok_accounts', []],
      ['getSessions', () => both(db, 'getSessions', h.accountId, o), 'sessions', []],
      ['getSessions orphan', () => both(db, 'getSessions', h.orphanId, o), 'sessions', []],
      ['getProfiles', () => both(db, 'getProfiles', h.accountId, o), 'instagram_profiles', PROFILE_EXTRAS],
      ['getInteractions', () => both(db, 'getInteractions', h.accountId, o), 'interaction_history', ['username']],
      ['getInteractions orphan', () => both(db, 'getInteractions', h.orphanId, o), 'interaction_history', ['username']],
      ['getFilteredProfiles', () => both(db, 'getFilteredProfiles', h.accountId, o), 'filtered_profiles', []],
      ['getProfileStatsHistory', () => both(db, 'getProfileStatsHistory', h.profileId), 'profile_stats_history', []],
      ['getPosts', () => both(db, 'getPosts', o), 'instagram_posts', []],
      ['getPosts profile', () => both(db, 'getPosts', { profileId: h.profileId, ...o }), 'instagram_posts', []],
      ['getScrapingSessions', () => both(db, 'getScrapingSessions', o), 'scraping_sessions', []],
      ['getScrapedProfiles', () => both(db, 'getScrapedProfiles', h.scrapingId, o), 'scraped_profiles', SCRAPED_PROFILE_EXTRAS],
      ['getScrapedProfiles orphan', () => both(db, 'getScrapedProfiles', h.orphanId, o), 'scraped_profiles', SCRAPED_PROFILE_EXTRAS],
      ['getScrapedComments', () => both(db, 'getScrapedComments', o), 'scraped_comments', []],
      ['getProcessedHashtagPosts', () => both(db, 'getProcessedHashtagPosts', h.accountId, o), 'processed_hashtag_posts', []],
      ['getDiscoveryCampaigns', () => both(db, 'getDiscoveryCampaigns'), 'discovery_campaigns', []],
      ['getDiscoveryProgress', () => both(db, 'getDiscoveryProgress', h.campaignId), 'discovery_progress', []],
      ['getDiscoveryProgress orphan', () => both(db, 'getDiscoveryProgress', h.orphanId), 'discovery_progress', []],
      ['getDiscoveredProfiles', () => both(db, 'getDiscoveredProfiles', h.campaignId, o), 'discovered_profiles', []],
      ['getTikTokSessions', () => both(db, 'getTikTokSessions', h.tiktokAccountId, o), 'tiktok_sessions', []],
      ['getTikTokProfiles', () => both(db, 'getTikTokProfiles', o), 'tiktok_profiles', []],
      ['getTikTokInteractions', () => both(db, 'getTikTokInteractions', h.tiktokAccountId, o), 'tiktok_interaction_history', ['username']],
      ['getTikTokFilteredProfiles', () => both(db, 'getTikTokFilteredProfiles', h.tiktokAccountId, o), 'tiktok_filtered_profiles', []],
    ]
    // The unified layout keeps no posts, scraped comments or discovery (NOT_IN_THIS_FILE, tested elsewhere).
    for (const [label, call, table, extras] of checks.filter(([label]) => db.supports(label.split(' ')[0] as never))) {
      const result = await call()
      const rows = (Array.isArray(result) ? result : [result]) as object[]
      expect(rows.length, `${label} returns rows`).toBeGreaterThan(0)
      if (table) {
        expectKeySets(rows, table, extras)
        expectColumnTypes(rows, table, false)
      }
      // the documented extras (not table columns): username text, summary counts numbers, flags booleans
      const columnKeys = new Set(table ? tableColumns(table).map((c) => camel(c[0])) : [])
      for (const row of asRows(rows)) {
        for (const [k, v] of Object.entries(row)) {
          if (columnKeys.has(k)) continue
          if (isTimestampKey(k) || k === 'username' || k === 'fullName' || k === 'biography') expect(v === null || typeof v === 'string', `${label}.${k}`).toBe(true)
          else if (/^is[A-Z]/.test(k)) expect(v === null || typeof v === 'boolean', `${label}.${k}`).toBe(true)
          else expect(v === null || typeof v === 'number', `${label}.${k} = ${JSON.stringify(v)}`).toBe(true)
        }
      }
    }
    // single-row and aggregate functions over hostile ids
    for (const pid of Object.values(must(h.ids.profiles, 'profiles'))) {
      const p = must(await both(db, 'getProfile', pid), `profile ${pid}`)
      expectKeySets([p], 'instagram_profiles')
      expectColumnTypes([p], 'instagram_profiles', false)
    }
    for (const sid of Object.values(must(h.ids.scrapingSessions, 'scrapings'))) {
      const s = must(await both(db, 'getScrapingSession', sid), `scraping ${sid}`)
      expectColumnTypes([s], 'scraping_sessions', false)
    }
    for (const sid of [...Object.values(must(h.ids.sessions, 'sessions')), h.orphanId]) {
      const st = await both(db, 'getSessionStats', sid)
      expect(Object.values(st).every((v) => typeof v === 'number' && Number.isInteger(v))).toBe(true)
    }
    expect(await both(db, 'countProfiles', h.accountId)).toBe((await both(db, 'getProfiles', h.accountId)).length)
    if (layout === 'legacy') expect(await both(db, 'getDiscoveryCampaigns', h.orphanId)).toHaveLength(1)
  })

  it('rows made entirely of NULLs come back with every key present and null', async () => {
    const n = h.allNullRows
    const o = { limit: 10000 }
    const rowsByTable: Record<string, () => Promise<object>> = {
      instagram_accounts: async () => find(await both(db, 'getAccounts'), 'accountId', must(n.instagram_accounts, 'a')),
      instagram_profiles: async () => must(await both(db, 'getProfile', must(n.instagram_profiles, 'p')), 'profile'),
      sessions: async () => find(await both(db, 'getSessions', h.accountId, o), 'sessionId', must(n.sessions, 's')),
      interaction_history: async () => find(await both(db, 'getInteractions', h.accountId, o), 'id', must(n.interaction_history, 'i')),
      filtered_profiles: async () => find(await both(db, 'getFilteredProfiles', h.accountId, o), 'id', must(n.filtered_profiles, 'f')),
      discovery_campaigns: async () => find(await both(db, 'getDiscoveryCampaigns'), 'campaignId', must(n.discovery_campaigns, 'c')),
      discovery_progress: async () => find(await both(db, 'getDiscoveryProgress', h.campaignId), 'progressId', must(n.discovery_progress, 'dp')),
      discovered_profiles: async () => find(await both(db, 'getDiscoveredProfiles', h.campaignId, o), 'profileId', must(n.discovered_profiles, 'd')),
      scraping_sessions: async () => must(await both(db, 'getScrapingSession', must(n.scraping_sessions, 'sc')), 'scraping'),
      scraped_profiles: async () => find(await both(db, 'getScrapedProfiles', id('scrapingSessions', 'allNull'), o), 'id', must(n.scraped_profiles, 'sp')),
      scraped_comments: async () => find(await both(db, 'getScrapedComments', o), 'commentId', must(n.scraped_comments, 'cm')),
      processed_hashtag_posts: async () => find(await both(db, 'getProcessedHashtagPosts', h.accountId, o), 'id', must(n.processed_hashtag_posts, 'ph')),
      instagram_posts: async () => find(await both(db, 'getPosts', o), 'postId', must(n.instagram_posts, 'po')),
      profile_stats_history: async () => find(await both(db, 'getProfileStatsHistory', h.profileId), 'id', must(n.profile_stats_history, 'psh')),
      tiktok_accounts: async () => find(await both(db, 'getTikTokAccounts'), 'accountId', must(n.tiktok_accounts, 'ta')),
      tiktok_profiles: async () => find(await both(db, 'getTikTokProfiles', o), 'profileId', must(n.tiktok_profiles, 'tp')),
      tiktok_sessions: async () => find(await both(db, 'getTikTokSessions', h.tiktokAccountId, o), 'sessionId', must(n.tiktok_sessions, 'ts')),
      tiktok_interaction_history: async () => find(await both(db, 'getTikTokInteractions', h.tiktokAccountId, o), 'id', must(n.tiktok_interaction_history, 'ti')),
      tiktok_filtered_profiles: async () => find(await both(db, 'getTikTokFilteredProfiles', h.tiktokAccountId, o), 'id', must(n.tiktok_filtered_profiles, 'tf')),
    }
    const gone = layout === 'unified' ? ['discovery_campaigns', 'discovery_progress', 'discovered_profiles', 'scraped_comments', 'instagram_posts'] : []
    for (const t of gone) delete rowsByTable[t]
    for (const [table, get] of Object.entries(rowsByTable)) {
      const row = (await get()) as Row
      for (const [name, , notNull, , pk] of tableColumns(table)) {
        const key = camel(name)
        expect(Object.prototype.hasOwnProperty.call(row, key), `${table}.${key} present`).toBe(true)
        if (pk || notNull) expect(row[key], `${table}.${key}`).not.toBeNull()
        else expect(row[key], `${table}.${key}`).toBeNull()
      }
    }
    // (the unified fixture also fills the bot's tables the API does not read: not compared)
    expect(Object.keys(rowsByTable).sort()).toEqual(Object.keys(n).filter((t) => !t.endsWith('daily_stats') && t in SCHEMA).sort())
  })

  it('accounts and profiles: wrong storage classes converted or null, blobs as strings', async () => {
    const accounts = await both(db, 'getAccounts')
    const weird = find(accounts, 'accountId', id('accounts', 'weirdTypes'))
    expect(weird.username).toBe('12345')
    expect(weird.userId).toBeNull()
    expect(weird.licenseId).toBe(1.5)
    expect(weird.createdAt).toBe('garbage')
    oneOf(weird.isBot, [true, null])
    const blob = find(accounts, 'accountId', id('accounts', 'blobUsername'))
    expect(blob.username).toBe(bad)
    expect(blob.userId).toBeNull()
    oneOf(blob.isBot, [true, null])
    oneOf(blob.createdAt, unixOrUnchanged)
    const empty = find(accounts, 'accountId', id('accounts', 'emptyUsername'))
    expect(empty).toMatchObject({ username: '', isBot: null, createdAt: '2026-13-45 99:99:99' })

    const p = async (label: string) => must(await both(db, 'getProfile', id('profiles', label)), label)
    // linked_accounts is JSON: text that is not JSON reads as null, a BLOB holding JSON text is
    // parsed, like every JSON column's; the unified layout does not keep it at all.
    const linked = (v: unknown) => (layout === 'legacy' ? v : null)
    expect(await p('textCounts')).toMatchObject({
      followersCount: null, followingCount: 12, postsCount: null, isBusiness: null,
      linkedAccounts: null, createdAt: '', updatedAt: 'garbage',
    })
    expect(await p('realCounts')).toMatchObject({ followersCount: 1.5, followingCount: 1e308, postsCount: -1, updatedAt: '2026-13-45 99:99:99' })
    const blobs = await p('blobValues')
    expect(blobs).toMatchObject({ username: bad, fullName: bad, biography: bad, businessCategory: bad, followersCount: null, createdAt: bad, linkedAccounts: linked([1]) })
    oneOf(blobs.website, ['', null])
    const huge = await p('hugeCounts')
    expect(huge.followersCount).toBeCloseTo(9.223372036854776e18, -5)
    expect(huge.followingCount).toBeCloseTo(-9.223372036854776e18, -5)
    expect(typeof huge.postsCount).toBe('number')
    expect(huge.fullName).toHaveLength(5000)
    expect(huge.biography).toBe('\u0000nul inside\u0000 and 🎉')
    const special = await p('textLikeSpecial')
    expect(special).toMatchObject({ followersCount: null, followingCount: null, postsCount: null, isBusiness: true })
    expect(must(await both(db, 'getProfile', 'hostile_12.5k'), 'by name').profileId).toBe(id('profiles', 'textLikeSpecial'))
  })

  it('sessions: bad JSON is null, odd timestamps unchanged or converted, blob text decoded', async () => {
    const rows = await both(db, 'getSessions', h.accountId, { limit: 10000 })
    const s = (label: string) => find(rows, 'sessionId', id('sessions', label))
    expect(s('badJsonLowercase')).toMatchObject({ configUsed: null, startTime: 'garbage', endTime: '', durationSeconds: null, errorMessage: bad, status: 'completed' })
    expect(s('emptyConfigUnknownStatus')).toMatchObject({ sessionName: bad, configUsed: null, startTime: '2026-13-45 99:99:99', durationSeconds: 1.5, status: 'PAUSED' })
    oneOf(s('emptyConfigUnknownStatus').endTime, unixOrUnchanged)
    expect(s('nanConfig')).toMatchObject({ configUsed: null, endTime: new Date('2026-02-10T15:03:22.123456').toISOString(), durationSeconds: -5 })
    oneOf(s('nanConfig').startTime, unixOrUnchanged)
    expect(s('blobConfigZTimes')).toMatchObject({ configUsed: null, startTime: '2026-02-10T14:03:22.000Z', endTime: '2026-02-10T14:03:22.000Z', errorMessage: '' })
    expect(typeof s('blobConfigZTimes').durationSeconds).toBe('number')
    expect(s('jsonNotObject').configUsed).toStrictEqual([1, 2, 3])
    const completed = await both(db, 'getSessions', h.accountId, { status: 'COMPLETED' })
    expect(ids(completed, 'sessionId')).toContain(id('sessions', 'badJsonLowercase'))
    expect(ids(await both(db, 'getSessions', h.orphanId), 'sessionId')).toEqual([id('sessions', 'orphanAccount')])
  })

  it('interactions: flags, timestamps of every shape, orphans and text ids', async () => {
    const rows = await both(db, 'getInteractions', h.accountId, { limit: 10000 })
    const r = (label: string) => find(rows, 'id', id('interactions', label))
    expect(r('successTwo')).toMatchObject({ interactionTime: 'garbage' })
    expect(typeof r('successTwo').success).toBe('boolean')
    expect(r('successYes').interactionTime).toBe('')
    expect(r('successReal')).toMatchObject({ interactionTime: '2026-13-45 99:99:99', content: bad })
    oneOf(r('epochTime').interactionTime, unixOrUnchanged)
    expect(r('zTime').interactionTime).toBe('2026-02-10T14:03:22.500Z')
    expect(r('offsetTime').interactionTime).toBe('2026-02-10T14:03:22.000Z')
    expect(r('naiveIsoTime').interactionTime).toMatch(TS_RE)
    expect(r('emptyType')).toMatchObject({ interactionType: '', success: false })
    expect(r('blobType').interactionType).toBe(bad)
    expect(r('orphanProfile')).toMatchObject({ profileId: h.orphanId, username: null })
    expect(r('orphanProfileText')).toMatchObject({ profileId: null, username: null })
    expect(r('textSessionId').sessionId).toBeNull()
    expect(r('orphanSessionId').sessionId).toBe(h.orphanId)
    expect(ids(await both(db, 'getInteractions', h.orphanId), 'id')).toEqual([id('interactions', 'orphanAccount')])
    const likes = await both(db, 'getInteractions', h.accountId, { type: 'like', limit: 10000 })
    expect(ids(likes, 'id')).toContain(id('interactions', 'lowercaseType'))
    // since/until skip unparseable times and agree with the parseable ones
    const since = Date.parse('2026-02-10T14:03:22.200Z')
    const got = await both(db, 'getInteractions', h.accountId, { since, until: '2026-02-10T23:59:59Z', limit: 10000 })
    expect(sortNum(ids(got, 'id'))).toEqual(sortNum([id('interactions', 'zTime')]))
  })

  it('daily stats: exactly `days` valid local days, garbage dates ignored, counters numbers', async () => {
    for (const [name, days] of [['getDailyStats', 3650], ['getTikTokDailyStats', 3650], ['getDailyStats', 1]] as const) {
      const rows = (await both(db, name, name === 'getDailyStats' ? h.accountId : h.tiktokAccountId, days)) as unknown as Row[]
      expect(rows).toHaveLength(days)
      rows.forEach((r, i) => expect(r.date).toBe(addDays(h.today, i - (days - 1))))
      for (const r of rows) {
        for (const [k, v] of Object.entries(r)) if (k !== 'date') expect(v === null || typeof v === 'number', `${String(r.date)}.${k}`).toBe(true)
      }
    }
    const ig = await both(db, 'getDailyStats', h.accountId, 3650)
    expect(must(ig.find((r) => r.date === '2020-01-02'), '2020-01-02').totalLikes).toBe(12)
    const huge = must(ig.find((r) => r.date === '2020-01-01'), '2020-01-01')
    expect(huge.totalLikes).toBeGreaterThan(9e18)
    expect(huge.totalDurationSeconds).toBe(-1)
    const orphan = await both(db, 'getDailyStats', h.orphanId, 2)
    expect(orphan.map((r) => [r.date, r.totalLikes])).toEqual([[addDays(h.today, -1), 0], [h.today, 4]])
  })

  legacyOnly('posts, campaigns, progress: JSON of every wrong shape parsed or null, never thrown', async () => {
    const posts = await both(db, 'getPosts', { limit: 10000 })
    const p = (label: string) => find(posts, 'postId', id('posts', label))
    expect(p('notJson')).toMatchObject({
      mediaUrls: null, hashtags: null, mentions: null, taggedUsers: null, locationData: null, coauthors: null, dimensions: null,
      likesCount: null, commentsCount: 1.5, viewsCount: 12, status: null, postedAt: 'garbage', retryCount: null,
    })
    oneOf(p('notJson').scrapedAt, unixOrUnchanged)
    expect(p('wrongShapes')).toMatchObject({
      mediaUrls: 'single string', hashtags: { a: 1 }, mentions: [null, 1, 'x'], locationData: [], dimensions: { width: 'wide' },
      status: 'published', scheduledFor: '2026-13-45 99:99:99', publishedAt: '',
    })
    expect(p('blobs')).toMatchObject({ caption: bad, instagramPostId: bad, mediaUrls: null, hashtags: null })
    expect(p('orphanProfile').mediaType).toBe(bad)
    expect(ids(await both(db, 'getPosts', { accountId: h.orphanId }), 'postId')).toEqual([id('posts', 'orphanAccount')])
    expect(ids(await both(db, 'getPosts', { profileId: h.orphanId }), 'postId')).toEqual([id('posts', 'orphanProfile')])

    const campaigns = await both(db, 'getDiscoveryCampaigns')
    const c = (label: string) => find(campaigns, 'campaignId', id('campaigns', label))
    expect(c('notJson')).toMatchObject({ nicheKeywords: null, targetHashtags: null, targetAccounts: null, targetPostUrls: null, totalDiscovered: null, status: 'active' })
    expect(c('wrongJsonShapes')).toMatchObject({
      nicheKeywords: 'just a string', targetHashtags: { a: 1 }, targetAccounts: [1, null, 'x', { y: 2 }], targetPostUrls: null,
      totalQualified: 1.5, updatedAt: 'garbage',
    })
    oneOf(c('wrongJsonShapes').createdAt, unixOrUnchanged)

    const progress = await both(db, 'getDiscoveryProgress', h.campaignId)
    const pos = (label: string): unknown => find(progress, 'progressId', id('discoveryProgress', label)).lastScrollPosition
    expect(pos('notJson')).toBeNull()
    expect(pos('empty')).toBeNull()
    expect(pos('nan')).toBeNull()
    expect(pos('blob')).toBeNull()
    expect(pos('array')).toStrictEqual([1, 2])
    expect(pos('number')).toBe(42)
    const nj = find(progress, 'progressId', id('discoveryProgress', 'notJson'))
    expect(nj).toMatchObject({ currentPostIndex: null, totalPosts: 1.5, currentPhase: bad, createdAt: 'garbage' })
  })

  it('scraping: odd values, orphan profiles summarised as null, qualifiedOnly follows the flag', async () => {
    const all = await both(db, 'getScrapingSessions', { limit: 10000 })
    const s = (label: string) => find(all, 'scrapingId', id('scrapingSessions', label))
    expect(s('badValues')).toMatchObject({ totalScraped: null, maxProfiles: 1.5, configUsed: null, endTime: 'garbage', status: null, discoveryCampaignId: layout === 'legacy' ? h.orphanId : null })
    expect(typeof s('badValues').exportCsv).toBe('boolean')
    oneOf(s('badValues').startTime, unixOrUnchanged)
    expect(s('emptyConfig')).toMatchObject({ configUsed: null, startTime: '', endTime: '2026-13-45 99:99:99' })
    expect(s('nanConfig')).toMatchObject({ configUsed: null, startTime: '2026-02-10T14:03:22.000Z', status: 'WHATEVER' })
    expect(s('nanConfig').endTime).toMatch(TS_RE)
    expect(s('blobs')).toMatchObject({ configUsed: null, csvPath: bad, errorMessage: bad, discoveryCampaignId: null })
    const running = await both(db, 'getScrapingSessions', { status: 'RUNNING' })
    expect(ids(running, 'scrapingId')).toContain(id('scrapingSessions', 'emptyConfig'))

    const sp = await both(db, 'getScrapedProfiles', h.scrapingId, { limit: 10000 })
    const r = (label: string) => find(sp, 'id', id('scrapedProfiles', label))
    expect(r('textScore')).toMatchObject({ aiScore: null, aiAnalysis: null, qualificationCriteria: null, scoredAt: 'garbage' })
    expect(r('realScore')).toMatchObject({ aiScore: 101.5, aiAnalysis: null, qualificationCriteria: null })
    expect(r('negativeScore')).toMatchObject({ aiScore: -5, aiQualified: null, aiAnalysis: null, scrapedAt: '2026-13-45 99:99:99' })
    expect(r('blobAnalysis')).toMatchObject({ aiAnalysis: null, qualificationCriteria: null })
    expect(r('jsonScalars')).toMatchObject({ aiScore: 50, aiQualified: true, aiAnalysis: null, qualificationCriteria: [] })
    const orphan = r('orphans')
    for (const k of SCRAPED_PROFILE_EXTRAS) expect((orphan as unknown as Row)[k], k).toBeNull()
    expect(r('textScore').username).toBe('hostile_real_counts')
    expect(r('realScore').username).toBe(bad)
    const q = await both(db, 'getScrapedProfiles', h.scrapingId, { qualifiedOnly: true, limit: 10000 })
    expect(sortNum(ids(q, 'id'))).toEqual(sortNum(ids(sp.filter((x) => x.aiQualified === true), 'id')))
    expect(ids(await both(db, 'getScrapedProfiles', h.orphanId), 'id')).toEqual([id('scrapedProfiles', 'orphanScraping')])

    if (layout === 'legacy') {
      const comments = await both(db, 'getScrapedComments', { limit: 10000 })
      const cm = (label: string) => find(comments, 'commentId', id('scrapedComments', label))
      expect(cm('weird')).toMatchObject({ username: bad, content: bad, targetUsername: bad, postUrl: '', likesCount: null, parentCommentId: null, scrapedAt: 'garbage' })
      expect(cm('textSession')).toMatchObject({ scrapingSessionId: null, likesCount: 1.5 })
      expect(typeof cm('textSession').isReply).toBe('boolean')
      expect(ids(await both(db, 'getScrapedComments', { scrapingSessionId: h.scrapingId }), 'commentId')).toEqual([id('scrapedComments', 'weird')])
    }

    const php = await both(db, 'getProcessedHashtagPosts', h.accountId)
    expect(find(php, 'id', id('processedHashtagPosts', 'weird'))).toMatchObject({
      hashtag: bad, postAuthor: '', postCaptionHash: '12345', likesCount: null, commentsCount: 1.5, processedAt: 'garbage',
    })
    const hist = await both(db, 'getProfileStatsHistory', h.profileId)
    expect(find(hist, 'id', id('profileStatsHistory', 'weird'))).toMatchObject({
      followersCount: null, followingCount: 1.5, postsCount: null, engagementRate: null, recordedAt: 'garbage',
    })
  })

  // Numeric filters must never match a value the addon itself reports as null
  // (non-numeric storage: TEXT 'abc' / 'high', BLOB). SQLite orders TEXT and BLOB above
  // every number, so a bare `col >= ?` lets them through.
  it('getScrapedProfiles minScore never matches a score reported as null', async () => {
    const sp = await both(db, 'getScrapedProfiles', h.scrapingId, { limit: 10000 })
    expect(sp.some((x) => x.aiScore === null)).toBe(true)
    for (const min of [50, 90]) {
      const got = await both(db, 'getScrapedProfiles', h.scrapingId, { minScore: min, limit: 10000 })
      expect(
        got.map((x) => [x.id, x.aiScore]),
        `getScrapedProfiles(${h.scrapingId}, { minScore: ${min} })`,
      ).toEqual(sp.filter((x) => x.aiScore !== null && x.aiScore >= min).map((x) => [x.id, x.aiScore]))
    }
  })

  legacyOnly('getDiscoveredProfiles minScore never matches a score reported as null', async () => {
    const disc = await both(db, 'getDiscoveredProfiles', h.campaignId, { limit: 10000 })
    expect(disc.some((x) => x.aiScore === null)).toBe(true)
    const got = await both(db, 'getDiscoveredProfiles', h.campaignId, { minScore: 50, limit: 10000 })
    expect(got.map((x) => [x.profileId, x.aiScore]), `getDiscoveredProfiles(${h.campaignId}, { minScore: 50 })`).toEqual(
      disc.filter((x) => x.aiScore !== null && x.aiScore >= 50).map((x) => [x.profileId, x.aiScore]),
    )
  })

  it('getProfiles / countProfiles minFollowers never match a follower count reported as null', async () => {
    const prof = await both(db, 'getProfiles', h.accountId, { limit: 10000 })
    expect(prof.some((x) => x.followersCount === null)).toBe(true)
    const want = prof.filter((x) => x.followersCount !== null && x.followersCount >= 1)
    const got = await both(db, 'getProfiles', h.accountId, { minFollowers: 1, limit: 10000 })
    expect(got.map((x) => [x.profileId, x.followersCount]), `getProfiles(${h.accountId}, { minFollowers: 1 })`).toEqual(want.map((x) => [x.profileId, x.followersCount]))
    expect(await both(db, 'countProfiles', h.accountId, { minFollowers: 1 }), `countProfiles(${h.accountId}, { minFollowers: 1 })`).toBe(want.length)
  })

  it('TikTok: odd counters, huge numbers, text video ids kept exact', async () => {
    const sessions = await both(db, 'getTikTokSessions', h.tiktokAccountId, { limit: 10000 })
    const s = (label: string) => find(sessions, 'sessionId', id('tiktokSessions', label))
    expect(s('textCounters')).toMatchObject({ likes: null, follows: 12, favorites: 1.5, comments: null, shares: null, profilesVisited: null, postsWatched: -3, errors: null, configUsed: null, startTime: 'garbage', endTime: '' })
    expect(s('oddTimes')).toMatchObject({ endTime: '2026-13-45 99:99:99', configUsed: null, durationSeconds: null, status: 'completed' })
    oneOf(s('oddTimes').startTime, unixOrUnchanged)
    expect(s('nanConfig')).toMatchObject({ startTime: '2026-02-10T14:03:22.000Z', configUsed: null, durationSeconds: 1.5 })
    expect(s('nanConfig').likes).toBeGreaterThan(9e18)
    expect(s('nanConfig').endTime).toMatch(TS_RE)
    expect(s('blobs')).toMatchObject({ sessionName: bad, workflowType: bad, target: bad, errorMessage: bad, configUsed: null })
    const completed = await both(db, 'getTikTokSessions', h.tiktokAccountId, { status: 'COMPLETED' })
    expect(ids(completed, 'sessionId')).toEqual([id('tiktokSessions', 'oddTimes')])

    const inter = await both(db, 'getTikTokInteractions', h.tiktokAccountId, { limit: 10000 })
    const i = (label: string) => find(inter, 'id', id('tiktokInteractions', label))
    expect(i('weird')).toMatchObject({ interactionTime: 'garbage', videoId: '7300000000000000123', content: bad, interactionType: 'like' })
    expect(typeof i('weird').success).toBe('boolean')
    expect(i('epoch')).toMatchObject({ interactionType: 'DUET', videoId: bad })
    expect(i('orphanProfile')).toMatchObject({ profileId: h.orphanId, username: null, sessionId: null })

    const profiles = await both(db, 'getTikTokProfiles', { limit: 10000 })
    const wp = find(profiles, 'profileId', id('tiktokProfiles', 'weird'))
    expect(wp).toMatchObject({ username: bad, followersCount: null, displayName: null })
    expect(wp.likesCount).toBeGreaterThan(9e18)
    expect(typeof wp.isPrivate).toBe('boolean')
    const accounts = await both(db, 'getTikTokAccounts')
    expect(find(accounts, 'accountId', id('tiktokAccounts', 'weird'))).toMatchObject({ username: bad, displayName: bad, userId: null, createdAt: 'garbage' })
  })
})

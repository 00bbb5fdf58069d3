// Over a seeded file, in both layouts: posts, scraping sessions, scraped profiles and
// comments, processed hashtag posts, and discovery campaigns / progress / profiles.
// Posts, scraped comments and discovery are kept by the legacy layout only: those
// tests are skipped over the unified one (whose refusal is tested in instagram.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TaktikDatabase } from '../../index.js'
import { LAYOUTS } from '../layouts'
import {
  SCRAPED_PROFILE_EXTRAS,
  TS_RE,
  both,
  expectColumnTypes,
  expectKeySets,
  expectOrdered,
  expectPaging,
  expectWellFormedTimestamps,
  expectedIso,
  ids,
  instant,
  localNoonIso,
  must,
  openSeeded,
  sortNum,
  type Db,
  type Row,
  type SeedSummary,
} from './common'

describe.each(LAYOUTS)('read API over a seeded file (%s layout)', (layout) => {
  /** What only the legacy layout keeps (posts, scraped comments, discovery). */
  const legacyOnly = it.runIf(layout === 'legacy')
  let db: TaktikDatabase
  let seed: SeedSummary
  let alice: number
  let bob: number
  let carol: number

  beforeAll(() => {
    ({ db, seed, alice, bob, carol } = openSeeded(layout))
  })
  afterAll(() => db?.close())

  // -------------------------------------------------------------------------------- posts

  legacyOnly('getPosts: newest first, profile / account / status filters, parsed JSON, converted times', async () => {
    const all = await both(db, 'getPosts', { limit: 10000 })
    expect(sortNum(ids(all, 'postId'))).toEqual(sortNum(ids(seed.posts, 'postId')))
    expect(await both(db, 'getPosts')).toStrictEqual(all)
    expectOrdered(all, (r) => instant(r.createdAt), 'desc', (r) => `post ${r.postId}`, 'posts newest first')
    for (const r of all) {
      const p = must(seed.posts.find((x) => x.postId === r.postId), `post ${r.postId}`)
      expect(r).toMatchObject({ profileId: p.profileId, accountId: p.accountId, source: p.source, instagramPostId: p.instagramPostId, mediaType: p.mediaType, status: p.status })
      expect(r.mediaUrls).toStrictEqual(p.mediaUrls)
      expect(r.hashtags).toStrictEqual(p.hashtags)
    }
    expectKeySets(all, 'instagram_posts')
    expectColumnTypes(all, 'instagram_posts', true)
    expectWellFormedTimestamps(all)

    const mixed = must(seed.profiles.MixedCase, 'MixedCase')
    const carousel = must(all.find((r) => r.mediaType === 'CAROUSEL'), 'carousel')
    expect(carousel).toMatchObject({
      isVideo: false,
      locationData: { lat: 38.72, lng: -9.14, name: 'Lisbon' },
      dimensions: { width: 1080, height: 1350 },
      coauthors: [],
      mentions: ['anna.fit'],
      taggedUsers: ['anna.fit', 'ben_travels'],
      postedAt: localNoonIso(seed.today, 3),
      likesCount: 1520,
    })
    const video = must(all.find((r) => r.mediaType === 'VIDEO'), 'video')
    expect(video.isVideo).toBe(true)
    expect(video.postedAt).toBe(localNoonIso(seed.today, 1)) // naive local isoformat
    expect(video.viewsCount).toBe(12000)
    expect(must(all.find((r) => r.instagramPostId === '3300000000000000004'), 'leg day').postedAt).toBe('2026-01-15T08:30:00.000Z')
    const scheduled = must(all.find((r) => r.status === 'SCHEDULED'), 'scheduled')
    expect(scheduled.scheduledFor).toMatch(TS_RE)
    expect(instant(scheduled.scheduledFor) - instant(scheduled.createdAt)).toBeGreaterThan(86_400_000)
    const nullJson = must(all.find((r) => r.instagramPostId === '3300000000000000003'), 'no-json post')
    for (const k of ['mediaUrls', 'hashtags', 'mentions', 'taggedUsers', 'locationData', 'coauthors', 'dimensions', 'caption', 'accountId'] as const) {
      expect(nullJson).toHaveProperty(k, null)
    }

    const filters: [Parameters<Db['getPosts']>[0], (p: SeedSummary['posts'][number]) => boolean][] = [
      [{ profileId: mixed }, (p) => p.profileId === mixed],
      [{ accountId: alice }, (p) => p.accountId === alice],
      [{ accountId: bob }, (p) => p.accountId === bob],
      [{ status: 'scheduled' }, (p) => p.status === 'SCHEDULED'],
      [{ status: 'Draft' }, (p) => p.status === 'DRAFT'],
      [{ profileId: mixed, status: 'FAILED' }, (p) => p.profileId === mixed && p.status === 'FAILED'],
      [{ profileId: mixed, accountId: bob }, () => false],
    ]
    for (const [q, pred] of filters) {
      const got = await both(db, 'getPosts', { ...q, limit: 10000 })
      expect(sortNum(ids(got, 'postId')), JSON.stringify(q)).toEqual(sortNum(ids(seed.posts.filter(pred), 'postId')))
    }
    await expectPaging(all, (limit, offset) => both(db, 'getPosts', { limit, offset }))
  })

  // ----------------------------------------------------------------------------- scraping

  it('getScrapingSessions / getScrapingSession: rows, naive-local end times, filters, paging', async () => {
    const all = await both(db, 'getScrapingSessions', { limit: 10000 })
    expect(sortNum(ids(all, 'scrapingId'))).toEqual(sortNum(ids(seed.scrapingSessions, 'scrapingId')))
    expectOrdered(all, (r) => instant(r.startTime), 'desc', (r) => `scraping ${r.scrapingId}`, 'scraping newest first')
    for (const r of all) {
      const s = must(seed.scrapingSessions.find((x) => x.scrapingId === r.scrapingId), `scraping ${r.scrapingId}`)
      expect(r).toMatchObject({
        accountId: s.accountId,
        scrapingType: s.scrapingType,
        sourceType: s.sourceType,
        sourceName: s.sourceName,
        status: s.status,
        totalScraped: s.totalScraped,
        maxProfiles: s.maxProfiles,
        durationSeconds: s.durationSeconds,
        errorMessage: s.errorMessage,
        discoveryCampaignId: s.discoveryCampaignId,
        saveToDb: true,
        startTime: expectedIso(s.startTime),
        endTime: s.endTime === null ? null : expectedIso(s.endTime),
      })
      expect(r.configUsed).toStrictEqual(s.configUsed === null ? null : JSON.parse(s.configUsed))
      expect(await both(db, 'getScrapingSession', r.scrapingId)).toStrictEqual(r)
    }
    expect(all.filter((r) => r.exportCsv).map((r) => r.csvPath)).toEqual(['/tmp/mixedcase_followers.csv'])
    // naive local end times exist (the legacy bot's; the current one writes UTC text) and were converted as local time
    if (layout === 'legacy') {
      expect(seed.scrapingSessions.some((s) => s.endTime !== null && s.endTime.includes('T') && !/Z|[+-]\d\d:\d\d$/.test(s.endTime))).toBe(true)
    }
    expectKeySets(all, 'scraping_sessions')
    expectColumnTypes(all, 'scraping_sessions', true)
    expectWellFormedTimestamps(all)
    expect(await both(db, 'getScrapingSession', 999999)).toBeNull()

    const orphan = must(all.find((r) => r.scrapingId === seed.interruptedOnStartup.scrapingId), 'orphan')
    expect(orphan.status).toBe('INTERRUPTED')
    expect(orphan.accountId).toBeNull()

    for (const status of new Set(seed.scrapingSessions.map((s) => s.status))) {
      const got = await both(db, 'getScrapingSessions', { status: status.toLowerCase() })
      expect(sortNum(ids(got, 'scrapingId')), status).toEqual(sortNum(ids(seed.scrapingSessions.filter((s) => s.status === status), 'scrapingId')))
    }
    expect(new Set(seed.scrapingSessions.map((s) => s.status)).size).toBeGreaterThanOrEqual(4)
    const followers = await both(db, 'getScrapingSessions', { scrapingType: 'followers' })
    expect(sortNum(ids(followers, 'scrapingId'))).toEqual(sortNum(ids(seed.scrapingSessions.filter((s) => s.scrapingType === 'FOLLOWERS'), 'scrapingId')))
    expect(followers.length).toBeGreaterThan(1)
    expect(await both(db, 'getScrapingSessions', { scrapingType: 'followers', status: 'completed' })).toHaveLength(
      seed.scrapingSessions.filter((s) => s.scrapingType === 'FOLLOWERS' && s.status === 'COMPLETED').length,
    )
    await expectPaging(all, (limit, offset) => both(db, 'getScrapingSessions', { limit, offset }))
  })

  it('getScrapedProfiles: scrape order, AI fields, profile summary, qualifiedOnly / minScore, paging', async () => {
    const withProfiles = seed.scrapingSessions.filter((s) => s.profileIds.length > 0)
    expect(withProfiles.length).toBeGreaterThan(1)
    for (const s of withProfiles) {
      const rows = await both(db, 'getScrapedProfiles', s.scrapingId, { limit: 10000 })
      expect(ids(rows, 'profileId'), `scraping ${s.scrapingId}`).toEqual(s.profileIds)
      for (const r of rows) {
        const sp = must(seed.scrapedProfiles.find((x) => x.id === r.id), `scraped ${r.id}`)
        expect(r.scrapingId).toBe(s.scrapingId)
        expect(r.aiScore).toBe(sp.aiScore)
        expect(r.aiQualified).toBe(sp.aiQualified === 1)
        expect(r.aiAnalysis).toStrictEqual(sp.aiAnalysis)
        expect(r.scoredAt).toBe(sp.scoredAt === null ? null : expectedIso(sp.scoredAt))
        const p = must(await both(db, 'getProfile', must(r.profileId, 'pid')), 'profile')
        for (const k of SCRAPED_PROFILE_EXTRAS) expect((r as unknown as Row)[k], k).toStrictEqual((p as unknown as Row)[k])
      }
      expectKeySets(rows, 'scraped_profiles', SCRAPED_PROFILE_EXTRAS)
      expectColumnTypes(rows, 'scraped_profiles', true)
      expectWellFormedTimestamps(rows)
      const q = await both(db, 'getScrapedProfiles', s.scrapingId, { qualifiedOnly: true, limit: 10000 })
      expect(ids(q, 'profileId')).toEqual(s.qualifiedProfileIds)
      expect(await both(db, 'getScrapedProfiles', s.scrapingId, { qualifiedOnly: false, limit: 10000 })).toStrictEqual(rows)
    }
    const main = must(seed.scrapingSessions.find((s) => s.profileIds.length >= 8), 'main scraping')
    const mine = seed.scrapedProfiles.filter((x) => x.scrapingId === main.scrapingId)
    expect(mine.some((x) => x.aiScore === null)).toBe(true)
    for (const min of [0, 55, 69, 69.5, 70, 100, 101]) {
      const got = await both(db, 'getScrapedProfiles', main.scrapingId, { minScore: min, limit: 10000 })
      expect(ids(got, 'id'), `minScore ${min}`).toEqual(mine.filter((x) => x.aiScore !== null && x.aiScore >= min).map((x) => x.id))
    }
    const both70 = await both(db, 'getScrapedProfiles', main.scrapingId, { minScore: 70, qualifiedOnly: true, limit: 10000 })
    expect(ids(both70, 'id')).toEqual(mine.filter((x) => x.aiScore !== null && x.aiScore >= 70 && x.aiQualified === 1).map((x) => x.id))
    const full = await both(db, 'getScrapedProfiles', main.scrapingId, { limit: 10000 })
    await expectPaging(full, (limit, offset) => both(db, 'getScrapedProfiles', main.scrapingId, { limit, offset }))
    expect(await both(db, 'getScrapedProfiles', 999999)).toEqual([])
  })

  legacyOnly('getScrapedComments: newest first, session / commenter / target filters (exact, case-insensitive)', async () => {
    const all = await both(db, 'getScrapedComments', { limit: 10000 })
    expect(all).toHaveLength(seed.scrapedComments.total)
    expectOrdered(all, (r) => instant(r.scrapedAt), 'desc', (r) => `comment ${r.commentId}`, 'comments newest first')
    expectKeySets(all, 'scraped_comments')
    expectColumnTypes(all, 'scraped_comments', true)
    expectWellFormedTimestamps(all)
    for (const [sid, cids] of Object.entries(seed.scrapedComments.bySession)) {
      const got = await both(db, 'getScrapedComments', { scrapingSessionId: Number(sid) })
      expect(sortNum(ids(got, 'commentId')), `session ${sid}`).toEqual(sortNum(cids))
    }
    for (const id of seed.scrapedComments.withoutSessionIds) {
      expect(must(all.find((c) => c.commentId === id), `legacy ${id}`)).toMatchObject({ scrapingSessionId: null, profileId: null, targetUsername: null })
    }
    const byUser = async (username: string): Promise<number[]> => sortNum(ids(await both(db, 'getScrapedComments', { username, limit: 10000 }), 'commentId'))
    const annaIds = sortNum(ids(all.filter((c) => c.username === 'anna.fit'), 'commentId'))
    expect(annaIds).toHaveLength(2)
    expect(await byUser('ANNA.FIT')).toEqual(annaIds)
    expect(await byUser('per%cent')).toHaveLength(1)
    expect(await byUser('per_cent')).toEqual([])
    expect(await byUser('anna')).toEqual([])
    for (const [target, n] of Object.entries(seed.scrapedComments.byTargetUsername)) {
      const got = await both(db, 'getScrapedComments', { targetUsername: target.toUpperCase(), limit: 10000 })
      expect(got, target).toHaveLength(n)
      expect(got.every((c) => c.targetUsername === target)).toBe(true)
    }
    const [s1] = Object.keys(seed.scrapedComments.bySession)
    const combined = await both(db, 'getScrapedComments', { scrapingSessionId: Number(s1), username: 'mixedcase' })
    expect(combined).toHaveLength(1)
    const reply = must(combined[0], 'reply')
    expect(reply.isReply).toBe(true)
    const parent = must(all.find((c) => c.commentId === reply.parentCommentId), 'parent comment')
    expect(parent.username).toBe('anna.fit')
    expect(parent.isReply).toBe(false)
    await expectPaging(all, (limit, offset) => both(db, 'getScrapedComments', { limit, offset }))
  })

  it('getProcessedHashtagPosts: per account, newest first, hashtag with or without #', async () => {
    for (const acc of [alice, bob, carol]) {
      const rows = await both(db, 'getProcessedHashtagPosts', acc)
      const want = seed.processedHashtagPostRows.filter((r) => r.accountId === acc)
      expect(sortNum(ids(rows, 'id'))).toEqual(sortNum(ids(want, 'id')))
      expectOrdered(rows, (r) => instant(r.processedAt), 'desc', (r) => `#${r.id}`, 'hashtag posts newest first')
      for (const r of rows) {
        const w = must(want.find((x) => x.id === r.id), `php ${r.id}`)
        expect(r).toMatchObject({ hashtag: w.hashtag, postAuthor: w.postAuthor, postCaptionHash: w.postCaptionHash })
      }
      expectKeySets(rows, 'processed_hashtag_posts')
      expectColumnTypes(rows, 'processed_hashtag_posts', true)
      expectWellFormedTimestamps(rows)
      for (const [tag, n] of Object.entries(seed.processedHashtagPosts[String(acc)] ?? {})) {
        for (const q of [tag, `#${tag}`, `#${tag.toUpperCase()}`]) {
          const got = await both(db, 'getProcessedHashtagPosts', acc, { hashtag: q })
          expect(got, `${acc} ${q}`).toHaveLength(n)
          expect(got.every((r) => r.hashtag === tag)).toBe(true)
        }
      }
    }
    expect(await both(db, 'getProcessedHashtagPosts', alice, { hashtag: 'trav' })).toEqual([])
    const full = await both(db, 'getProcessedHashtagPosts', alice)
    await expectPaging(full, (limit, offset) => both(db, 'getProcessedHashtagPosts', alice, { limit, offset }))
  })

  // ---------------------------------------------------------------------------- discovery

  legacyOnly('getDiscoveryCampaigns: all or one account’s, newest first, JSON lists parsed', async () => {
    const all = await both(db, 'getDiscoveryCampaigns')
    expect(await both(db, 'getDiscoveryCampaigns', null)).toStrictEqual(all)
    expect(sortNum(ids(all, 'campaignId'))).toEqual(sortNum(ids(seed.campaigns, 'campaignId')))
    expectOrdered(all, (r) => instant(r.createdAt), 'desc', (r) => `campaign ${r.campaignId}`, 'campaigns newest first')
    for (const r of all) {
      const c = must(seed.campaigns.find((x) => x.campaignId === r.campaignId), `campaign ${r.campaignId}`)
      expect(r).toStrictEqual({
        campaignId: c.campaignId,
        accountId: c.accountId,
        name: c.name,
        nicheKeywords: c.nicheKeywords,
        targetHashtags: c.targetHashtags,
        targetAccounts: c.targetAccounts,
        targetPostUrls: c.targetPostUrls,
        totalDiscovered: c.totalDiscovered,
        totalQualified: c.totalQualified,
        status: c.status,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      })
    }
    expectKeySets(all, 'discovery_campaigns')
    expectColumnTypes(all, 'discovery_campaigns', true)
    expectWellFormedTimestamps(all)
    for (const acc of [alice, bob, carol]) {
      const got = await both(db, 'getDiscoveryCampaigns', acc)
      expect(sortNum(ids(got, 'campaignId')), `account ${acc}`).toEqual(sortNum(ids(seed.campaigns.filter((c) => c.accountId === acc), 'campaignId')))
    }
    expect(all.some((c) => c.accountId === null)).toBe(true)
  })

  legacyOnly('getDiscoveryProgress: one row per source, resume state parsed', async () => {
    for (const c of seed.campaigns) {
      const rows = await both(db, 'getDiscoveryProgress', c.campaignId)
      expect(sortNum(ids(rows, 'progressId'))).toEqual(sortNum(c.progressIds))
      for (const r of rows) {
        const p = must(seed.discoveryProgress.find((x) => x.progressId === r.progressId), `progress ${r.progressId}`)
        expect(r).toMatchObject({
          campaignId: c.campaignId,
          sourceType: p.sourceType,
          sourceValue: p.sourceValue,
          status: p.status,
          currentPhase: p.currentPhase,
          currentPostIndex: p.currentPostIndex,
        })
        expect(r.lastScrollPosition).toStrictEqual(p.lastScrollPosition)
      }
      expectKeySets(rows, 'discovery_progress')
      expectColumnTypes(rows, 'discovery_progress', true)
      expectWellFormedTimestamps(rows)
    }
    const gym = must(seed.discoveryProgress.find((p) => p.sourceValue === 'gym'), 'gym progress')
    const row = must((await both(db, 'getDiscoveryProgress', gym.campaignId)).find((r) => r.progressId === gym.progressId), 'gym row')
    expect(row).toMatchObject({ currentPostIndex: 13, likersScraped: 180, likersTotal: 420, lastScrollPosition: { index: 13, offset: 0 } })
  })

  legacyOnly('getDiscoveredProfiles: discovery order, status / minScore filters, paging', async () => {
    for (const c of seed.campaigns) {
      const rows = await both(db, 'getDiscoveredProfiles', c.campaignId, { limit: 10000 })
      expect(ids(rows, 'profileId'), c.name).toEqual(c.discoveredProfileIds)
      for (const [status, n] of Object.entries(c.discoveredByStatus)) {
        const got = await both(db, 'getDiscoveredProfiles', c.campaignId, { status: status.toUpperCase() })
        expect(got, `${c.name} ${status}`).toHaveLength(n)
        expect(got.every((r) => r.status === status)).toBe(true)
      }
      expectKeySets(rows, 'discovered_profiles')
      expectColumnTypes(rows, 'discovered_profiles', true)
      expectWellFormedTimestamps(rows)
    }
    const c1 = must(seed.campaigns.find((c) => c.discoveredProfileIds.length >= 5), 'campaign with profiles')
    const rows = await both(db, 'getDiscoveredProfiles', c1.campaignId)
    expect(rows.map((r) => r.aiScore)).toEqual([87.5, 12, null, 91.25, 55.5])
    expect(rows.map((r) => r.isPrivate)).toEqual([false, true, false, true, false])
    for (const min of [0, 12, 55.5, 56, 90, 92]) {
      const got = await both(db, 'getDiscoveredProfiles', c1.campaignId, { minScore: min })
      expect(ids(got, 'profileId'), `minScore ${min}`).toEqual(rows.filter((r) => r.aiScore !== null && r.aiScore >= min).map((r) => r.profileId))
    }
    expect(ids(await both(db, 'getDiscoveredProfiles', c1.campaignId, { status: 'qualified', minScore: 90 }), 'username')).toEqual(['yoga.lu'])
    await expectPaging(rows, (limit, offset) => both(db, 'getDiscoveredProfiles', c1.campaignId, { limit, offset }))
    expect(await both(db, 'getDiscoveredProfiles', 999999)).toEqual([])
  })
})

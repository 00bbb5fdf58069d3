// Over a seeded file, in both layouts: every getTikTok* read function (accounts, daily
// stats, sessions, profiles, interactions, filtered profiles).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TaktikDatabase } from '../../index.js'
import { camel } from '../helpers'
import { LAYOUTS } from '../layouts'
import {
  addDays,
  both,
  dailyCounters,
  expectColumnTypes,
  expectKeySets,
  expectOrdered,
  expectPaging,
  expectWellFormedTimestamps,
  expectedIso,
  ids,
  instant,
  localMidnightMs,
  must,
  openSeeded,
  sortNum,
  type Row,
  type SeedSummary,
} from './common'

describe.each(LAYOUTS)('read API over a seeded file (%s layout)', (layout) => {
  let db: TaktikDatabase
  let seed: SeedSummary

  beforeAll(() => {
    ({ db, seed } = openSeeded(layout))
  })
  afterAll(() => db?.close())

  // ----------------------------------------------------------------------------- accounts

  it('getTikTokAccounts: every TikTok account by id, NULL display name as null', async () => {
    const rows = await both(db, 'getTikTokAccounts')
    expect(ids(rows, 'accountId')).toEqual([seed.tiktokAccounts.tt_alpha, seed.tiktokAccounts.tt_beta])
    expect(rows.map((r) => [r.username, r.displayName, r.isBot])).toEqual([
      ['tt_alpha', 'Alpha TT', true],
      ['tt_beta', null, true],
    ])
    expect(rows[1]).toHaveProperty('userId', null)
    expectKeySets(rows, 'tiktok_accounts')
    expectColumnTypes(rows, 'tiktok_accounts', true)
    expectWellFormedTimestamps(rows)
  })

  it('getTikTokAccount: one account by id, the same row as the listing; null when there is none', async () => {
    for (const row of await both(db, 'getTikTokAccounts')) {
      expect(await both(db, 'getTikTokAccount', row.accountId)).toStrictEqual(row)
    }
    expect(await both(db, 'getTikTokAccount', 987_654_321)).toBeNull()
    // ...where the per-account reads cannot tell: an empty list.
    expect(await both(db, 'getTikTokSessions', 987_654_321)).toEqual([])
  })

  // -------------------------------------------------------------------------- daily stats

  it('getTikTokDailyStats: exactly `days` local days ending today, zero-filled', async () => {
    const counters = dailyCounters('tiktok_daily_stats')
    const dayKeys = ['date', ...counters.map(camel)].sort()
    for (const [name, acc] of Object.entries(seed.tiktokAccounts)) {
      const rows = await both(db, 'getTikTokDailyStats', acc, 5)
      expect(rows).toHaveLength(5)
      const table = seed.tiktokDailyStats[String(acc)] ?? {}
      expect(Object.keys(table).length, name).toBeGreaterThan(0)
      rows.forEach((r, i) => {
        expect(Object.keys(r).sort()).toEqual(dayKeys)
        expect(r.date).toBe(addDays(seed.today, i - 4))
        const src = table[r.date]
        for (const c of counters) expect((r as unknown as Row)[camel(c)], `${name} ${r.date}.${c}`).toBe(src ? Number(src[c]) : 0)
      })
      expect(rows.some((r) => !table[r.date])).toBe(true)
    }
    expect((await both(db, 'getTikTokDailyStats', 999, 3)).every((r) => r.totalLikes === 0)).toBe(true)
  })

  // ----------------------------------------------------- sessions, profiles, interactions

  it('getTikTokSessions: rows with counters, naive-local end times, status filter, paging', async () => {
    for (const acc of Object.values(seed.tiktokAccounts)) {
      const rows = await both(db, 'getTikTokSessions', acc, { limit: 10000 })
      const want = seed.tiktokSessions.filter((s) => s.accountId === acc)
      expect(sortNum(ids(rows, 'sessionId'))).toEqual(sortNum(ids(want, 'sessionId')))
      expectOrdered(rows, (r) => instant(r.startTime), 'desc', (r) => `tt session ${r.sessionId}`, 'tiktok sessions newest first')
      for (const r of rows) {
        const s = must(want.find((x) => x.sessionId === r.sessionId), `tt session ${r.sessionId}`)
        expect(r).toMatchObject({
          sessionName: s.sessionName,
          workflowType: s.workflowType,
          target: s.target,
          status: s.status,
          durationSeconds: s.durationSeconds,
          errorMessage: s.errorMessage,
          startTime: expectedIso(s.startTime),
          endTime: s.endTime === null ? null : expectedIso(s.endTime),
        })
        expect(r.configUsed).toStrictEqual(s.configUsed === null ? null : JSON.parse(s.configUsed))
        for (const [k, v] of Object.entries(s.counters)) expect((r as unknown as Row)[camel(k)], `${r.sessionId}.${k}`).toBe(v)
      }
      expectKeySets(rows, 'tiktok_sessions')
      expectColumnTypes(rows, 'tiktok_sessions', true)
      expectWellFormedTimestamps(rows)
      for (const status of new Set(want.map((s) => s.status))) {
        const got = await both(db, 'getTikTokSessions', acc, { status: status.toLowerCase() })
        expect(sortNum(ids(got, 'sessionId'))).toEqual(sortNum(ids(want.filter((s) => s.status === status), 'sessionId')))
      }
    }
    expect(seed.tiktokSessions.some((s) => s.endTime !== null && !s.endTime.endsWith('Z'))).toBe(true)
    const alpha = must(seed.tiktokAccounts.tt_alpha, 'tt_alpha')
    const full = await both(db, 'getTikTokSessions', alpha)
    await expectPaging(full, (limit, offset) => both(db, 'getTikTokSessions', alpha, { limit, offset }))
    expect(await both(db, 'getTikTokSessions', 999)).toEqual([])
  })

  it('getTikTokProfiles: newest first, search with % and _ literal, paging', async () => {
    const all = await both(db, 'getTikTokProfiles', { limit: 10000 })
    expect(sortNum(ids(all, 'profileId'))).toEqual(sortNum(Object.values(seed.tiktokProfiles)))
    expect(await both(db, 'getTikTokProfiles')).toStrictEqual(all)
    expectOrdered(all, (r) => instant(r.createdAt), 'desc', (r) => r.username, 'tiktok profiles newest first')
    for (const r of all) {
      expect(r.profileId).toBe(seed.tiktokProfiles[r.username])
      expect(r.displayName).toBe(r.username.toUpperCase())
    }
    expect(all.filter((r) => r.isPrivate).length).toBe(1)
    expectKeySets(all, 'tiktok_profiles')
    expectColumnTypes(all, 'tiktok_profiles', true)
    expectWellFormedTimestamps(all)
    const search = async (q: string): Promise<string[]> => (await both(db, 'getTikTokProfiles', { search: q, limit: 10000 })).map((r) => r.username).sort()
    expect(await search('%')).toEqual(['tt.per%cent'])
    expect(await search('tt_under_score')).toEqual(['tt_under_score'])
    expect(await search('tt_mixedcase')).toEqual(['TT_MixedCase'])
    expect(await search('MIXED')).toEqual(['TT_MixedCase'])
    expect(await search('_')).toEqual(all.filter((r) => r.username.includes('_') || (r.displayName ?? '').includes('_')).map((r) => r.username).sort())
    expect(await search('_')).not.toContain('tt.per%cent')
    expect(await search('zzz')).toEqual([])
    await expectPaging(all, (limit, offset) => both(db, 'getTikTokProfiles', { limit, offset }))
  })

  it('getTikTokInteractions: per account, with username, type / session / time filters', async () => {
    const usernameOfTt = new Map(Object.entries(seed.tiktokProfiles).map(([u, id]) => [id, u]))
    for (const acc of Object.values(seed.tiktokAccounts)) {
      const rows = await both(db, 'getTikTokInteractions', acc, { limit: 10000 })
      expect(rows).toHaveLength(must(seed.tiktokInteractionsPerAccount[String(acc)], 'tt per account'))
      expect(rows.every((r) => r.accountId === acc && r.username === usernameOfTt.get(must(r.profileId, 'pid')))).toBe(true)
      expect(rows.every((r) => typeof r.videoId === 'string' && /^\d{19}$/.test(r.videoId))).toBe(true)
      expectKeySets(rows, 'tiktok_interaction_history', ['username'])
      expectColumnTypes(rows, 'tiktok_interaction_history', true)
      expectWellFormedTimestamps(rows)
      for (const [type, n] of Object.entries(must(seed.tiktokInteractionsPerAccountByType[String(acc)], 'by type'))) {
        expect(await both(db, 'getTikTokInteractions', acc, { type: type.toLowerCase(), limit: 10000 }), `${acc} ${type}`).toHaveLength(n)
      }
      const since = localMidnightMs(seed.today, 0)
      const today = await both(db, 'getTikTokInteractions', acc, { since, limit: 10000 })
      expect(sortNum(ids(today, 'id'))).toEqual(sortNum(ids(rows.filter((r) => instant(r.interactionTime) >= since), 'id')))
      const before = await both(db, 'getTikTokInteractions', acc, { until: new Date(since - 1).toISOString(), limit: 10000 })
      expect(today.length + before.length).toBe(rows.length)
      expect(before.length).toBeGreaterThan(0)
    }
    for (const [sid, s] of Object.entries(seed.tiktokSessionStats)) {
      const got = await both(db, 'getTikTokInteractions', s.accountId, { sessionId: Number(sid), limit: 10000 })
      expect(got, `tt session ${sid}`).toHaveLength(s.totalInteractions)
      expect(got.filter((r) => r.success === true)).toHaveLength(s.successfulInteractions)
    }
    const alpha = must(seed.tiktokAccounts.tt_alpha, 'tt_alpha')
    const full = await both(db, 'getTikTokInteractions', alpha, { limit: 10000 })
    expect(await both(db, 'getTikTokInteractions', alpha)).toStrictEqual(full.slice(0, 50))
    await expectPaging(full, (limit, offset) => both(db, 'getTikTokInteractions', alpha, { limit, offset }))
  })

  it('getTikTokFilteredProfiles: per account, newest first', async () => {
    for (const acc of Object.values(seed.tiktokAccounts)) {
      const rows = await both(db, 'getTikTokFilteredProfiles', acc)
      const want = seed.tiktokFilteredProfiles.filter((f) => f.accountId === acc)
      expect(sortNum(ids(rows, 'id'))).toEqual(sortNum(ids(want, 'id')))
      expectOrdered(rows, (r) => instant(r.filteredAt), 'desc', (r) => `#${r.id}`, 'tt filtered newest first')
      for (const r of rows) {
        const w = must(want.find((x) => x.id === r.id), `tt filtered ${r.id}`)
        expect(r).toMatchObject({ profileId: w.profileId, username: w.username, reason: w.reason })
      }
      expectKeySets(rows, 'tiktok_filtered_profiles')
      expectColumnTypes(rows, 'tiktok_filtered_profiles', true)
      expectWellFormedTimestamps(rows)
    }
    const alpha = must(seed.tiktokAccounts.tt_alpha, 'tt_alpha')
    const full = await both(db, 'getTikTokFilteredProfiles', alpha)
    expect(await both(db, 'getTikTokFilteredProfiles', alpha, { limit: 1, offset: 1 })).toStrictEqual(full.slice(1, 2))
    expect(await both(db, 'getTikTokFilteredProfiles', 999)).toEqual([])
  })
})

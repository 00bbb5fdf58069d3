// The read API: every function in both forms (Promise and Sync) returning identical data,
// row shapes (exact key sets from schema.json, booleans, parsed JSON, ISO-8601 UTC
// timestamps), filters / sorting / paging checked against the fixture's seed summary,
// hostile rows, argument validation and the open/close lifecycle.
//
// Runs in the machine's zone and in UTC+14 (Pacific/Kiritimati): every expected date and
// instant is derived from the fixture summary (its `today`, its raw stored values), never
// from the UTC date.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type SessionStats, type TaktikDatabase } from '../index.js'
import { SCHEMA_JSON, camel, py, tempDb } from './helpers'
import { LAYOUTS, layoutArgs } from './layouts'

// ---------------------------------------------------------------------------------------
// Fixture summaries (only the parts these tests read)
// ---------------------------------------------------------------------------------------

interface SeedSession {
  sessionId: number
  accountId: number
  sessionName: string
  targetType: string
  target: string
  status: string
  startTime: string
  endTime: string | null
  durationSeconds: number
  configUsed: string | null
  errorMessage: string | null
}
interface SeedSessionStats extends SessionStats {
  accountId: number
  byType: Record<string, { total: number; successful: number }>
}
type InteractionTuple = [number, number, number | null, number, string, number, string | null]
interface SeedSummary {
  today: string
  tzOffsetMinutes: number
  accounts: Record<string, number>
  idleAccountId: number
  profiles: Record<string, number>
  sessions: SeedSession[]
  sessionStats: Record<string, SeedSessionStats>
  interactions: {
    total: number
    failedIds: number[]
    withoutSessionIds: number[]
    unknownTypeIds: number[]
    specialTimes: { id: number; accountId: number; sessionId: number; profileId: number; type: string; raw: string; shape: string }[]
    rows: InteractionTuple[]
  }
  interactionsPerAccount: Record<string, number>
  interactionsPerAccountByType: Record<string, Record<string, number>>
  profileInteractionCounts: Record<string, Record<string, number>>
  dailyStats: Record<string, Record<string, Record<string, number | string | null>>>
  filteredProfiles: { id: number; profileId: number; accountId: number; username: string; reason: string; sourceType: string; sourceName: string }[]
  campaigns: {
    campaignId: number
    accountId: number | null
    name: string
    status: string
    nicheKeywords: unknown
    targetHashtags: unknown
    targetAccounts: unknown
    targetPostUrls: unknown
    totalDiscovered: number
    totalQualified: number
    progressIds: number[]
    discoveredProfileIds: number[]
    discoveredByStatus: Record<string, number>
  }[]
  discoveryProgress: {
    progressId: number
    campaignId: number
    sourceType: string
    sourceValue: string
    status: string
    currentPhase: string
    currentPostIndex: number
    lastScrollPosition: unknown
  }[]
  scrapingSessions: {
    scrapingId: number
    accountId: number | null
    scrapingType: string
    sourceType: string
    sourceName: string
    status: string
    totalScraped: number
    maxProfiles: number
    startTime: string
    endTime: string | null
    durationSeconds: number
    errorMessage: string | null
    configUsed: string | null
    discoveryCampaignId: number | null
    profileIds: number[]
    qualifiedProfileIds: number[]
    commentIds: number[]
  }[]
  interruptedOnStartup: { count: number; scrapingId: number }
  scrapedProfiles: { id: number; scrapingId: number; profileId: number; aiScore: number | null; aiQualified: number; aiAnalysis: unknown; scoredAt: string | null }[]
  scrapedComments: {
    total: number
    bySession: Record<string, number[]>
    withoutSessionIds: number[]
    byTargetUsername: Record<string, number>
    postUrls: string[]
  }
  processedHashtagPosts: Record<string, Record<string, number>>
  processedHashtagPostRows: { id: number; accountId: number; hashtag: string; postAuthor: string; postCaptionHash: string | null }[]
  posts: { postId: number; profileId: number; accountId: number | null; source: string; instagramPostId: string | null; mediaType: string; status: string; mediaUrls: unknown; hashtags: unknown }[]
  profileStatsHistory: Record<string, number[]>
  tiktokAccounts: Record<string, number>
  tiktokProfiles: Record<string, number>
  tiktokSessions: (Omit<SeedSession, 'targetType' | 'target'> & { workflowType: string; target: string | null; counters: Record<string, number> })[]
  tiktokSessionStats: Record<string, { accountId: number; totalInteractions: number; successfulInteractions: number; byType: Record<string, { total: number; successful: number }> }>
  tiktokInteractionsPerAccount: Record<string, number>
  tiktokInteractionsPerAccountByType: Record<string, Record<string, number>>
  tiktokDailyStats: Record<string, Record<string, Record<string, number>>>
  tiktokFilteredProfiles: { id: number; profileId: number; accountId: number; username: string; reason: string }[]
  counts: Record<string, number>
}

interface HostileSummary {
  today: string
  accountId: number
  profileId: number
  sessionId: number
  campaignId: number
  scrapingId: number
  tiktokAccountId: number
  tiktokProfileId: number
  tiktokSessionId: number
  orphanId: number
  badUtf8Hex: string
  ids: Record<string, Record<string, number>>
  allNullRows: Record<string, number>
}

// ---------------------------------------------------------------------------------------
// Schema-derived expectations
// ---------------------------------------------------------------------------------------

type ColumnSpec = [string, string, boolean, string | null, number]
const SCHEMA = (JSON.parse(readFileSync(SCHEMA_JSON, 'utf8')) as { tables: Record<string, { columns: ColumnSpec[] }> }).tables

function tableColumns(table: string): ColumnSpec[] {
  const t = SCHEMA[table]
  if (!t) throw new Error(`schema.json has no table ${table}`)
  return t.columns
}
/** The table's columns camelCased, sorted, plus extra keys. */
function keysFor(table: string, extras: readonly string[] = []): string[] {
  return [...tableColumns(table).map((c) => camel(c[0])), ...extras].sort()
}
const FLAG_COLUMNS = new Set(['success', 'synced_to_api', 'export_csv', 'save_to_db', 'ai_qualified'])
const isFlag = (column: string): boolean => column.startsWith('is_') || FLAG_COLUMNS.has(column)
const JSON_COLUMNS = new Set([
  'config_used', 'niche_keywords', 'target_hashtags', 'target_accounts', 'target_post_urls',
  'last_scroll_position', 'media_urls', 'hashtags', 'mentions', 'tagged_users', 'location_data',
  'coauthors', 'dimensions', 'ai_analysis', 'qualification_criteria',
])
const DAILY_NON_COUNTERS = new Set(['id', 'account_id', 'date', 'synced_to_api', 'synced_at', 'created_at', 'updated_at'])
const dailyCounters = (table: string): string[] =>
  tableColumns(table).map((c) => c[0]).filter((c) => !DAILY_NON_COUNTERS.has(c))

const PROFILE_EXTRAS = ['interactionCount', 'lastInteractionAt'] as const
const SCRAPED_PROFILE_EXTRAS = [
  'username', 'fullName', 'followersCount', 'followingCount', 'postsCount', 'isPrivate', 'isVerified', 'isBusiness', 'biography',
] as const

type Row = Record<string, unknown>
const asRows = (rows: readonly object[]): Row[] => rows as unknown as Row[]

function expectKeySets(rows: readonly object[], table: string, extras: readonly string[] = []): void {
  const want = keysFor(table, extras)
  for (const row of rows) expect(Object.keys(row).sort()).toEqual(want)
}

/**
 * Column value types by declared type: flags boolean|null, INTEGER/REAL number|null,
 * TEXT string|null; JSON columns anything (already parsed). `strict` (well-formed data):
 * primary keys and NOT NULL columns are never null.
 */
function expectColumnTypes(rows: readonly object[], table: string, strict: boolean): void {
  for (const row of asRows(rows)) {
    for (const [name, type, notNull, , pk] of tableColumns(table)) {
      const key = camel(name)
      expect(Object.prototype.hasOwnProperty.call(row, key), `${table}.${key} present`).toBe(true)
      const v = row[key]
      expect(v, `${table}.${key} is never undefined`).not.toBeUndefined()
      if (JSON_COLUMNS.has(name)) continue
      if (v === null) {
        if (pk || (strict && notNull)) expect.fail(`${table}.${key} is null`)
        continue
      }
      const want = isFlag(name) ? 'boolean' : /INT|REAL/i.test(type) ? 'number' : 'string'
      expect(typeof v, `${table}.${key} = ${JSON.stringify(v)}`).toBe(want)
    }
  }
}

const TS_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
const isTimestampKey = (k: string): boolean => /(At|Time)$/.test(k) || k === 'scheduledFor'
/** Every timestamp-looking field is null or a canonical ISO-8601 UTC string. */
function expectWellFormedTimestamps(rows: readonly object[]): void {
  let seen = 0
  for (const row of asRows(rows)) {
    for (const [k, v] of Object.entries(row)) {
      if (!isTimestampKey(k) || v === null) continue
      seen++
      expect(v, k).toMatch(TS_RE)
    }
  }
  if (rows.length > 0) expect(seen).toBeGreaterThan(0)
}

// ---------------------------------------------------------------------------------------
// Time helpers (all relative to the fixture's local `today`)
// ---------------------------------------------------------------------------------------

function ymd(s: string): [number, number, number] {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(s)
  if (!m) throw new Error(`not a date: ${s}`)
  return [Number(m[1]), Number(m[2]), Number(m[3])]
}
/** Calendar arithmetic on YYYY-MM-DD, zone independent. */
function addDays(date: string, n: number): string {
  const [y, m, d] = ymd(date)
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10)
}
/** Local noon `daysAgo` local days before `today`, as the UTC ISO string (JS uses the same TZ as Python). */
function localNoonIso(today: string, daysAgo: number): string {
  const [y, m, d] = ymd(today)
  return new Date(y, m - 1, d - daysAgo, 12, 0, 0, 0).toISOString()
}
function localMidnightMs(today: string, daysAgo: number): number {
  const [y, m, d] = ymd(today)
  return new Date(y, m - 1, d - daysAgo, 0, 0, 0, 0).getTime()
}
/**
 * What the addon must return for a raw stored timestamp: `YYYY-MM-DD HH:MM:SS` is UTC;
 * anything else ISO goes through JS, which reads a naive ISO string as LOCAL time and keeps
 * the instant of Z / offsets.
 */
function expectedIso(raw: string): string {
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(raw)) return `${raw.replace(' ', 'T')}.000Z`
  const t = new Date(raw)
  if (Number.isNaN(t.getTime())) throw new Error(`fixture raw time not parseable by JS: ${raw}`)
  return t.toISOString()
}
const instant = (iso: unknown): number => (typeof iso === 'string' ? Date.parse(iso) : Number.NaN)

// ---------------------------------------------------------------------------------------
// Calling helpers
// ---------------------------------------------------------------------------------------

type Db = TaktikDatabase
type AsyncName = { [K in keyof Db]: Db[K] extends (...a: never[]) => Promise<unknown> ? K : never }[keyof Db]
type ArgsOf<K extends AsyncName> = Db[K] extends (...a: infer A) => unknown ? A : never
type ResultOf<K extends AsyncName> = Db[K] extends (...a: never[]) => Promise<infer R> ? R : never

function method(db: Db, name: string): (...a: unknown[]) => unknown {
  const f = (db as unknown as Record<string, unknown>)[name]
  if (typeof f !== 'function') throw new Error(`TaktikDatabase has no method ${name}`)
  return (...a: unknown[]) => (f as (...x: unknown[]) => unknown).apply(db, a)
}

/** Calls `nameSync(...)` and `name(...)`: the async form returns a Promise of identical data. */
async function both<K extends AsyncName>(db: Db, name: K, ...args: ArgsOf<K>): Promise<ResultOf<K>> {
  const fromSync = method(db, `${name}Sync`)(...args)
  const promise = method(db, name)(...args)
  expect(promise).toBeInstanceOf(Promise)
  const fromAsync = await (promise as Promise<unknown>)
  expect(fromAsync).toStrictEqual(fromSync)
  return fromSync as ResultOf<K>
}

/** Sync form throws with `code`; async form returns a Promise (no synchronous throw) that rejects with `code`. */
async function expectFailsBoth(db: Db, name: string, args: readonly unknown[], code: string): Promise<void> {
  const label = `${name}(${args.map((a) => (typeof a === 'number' ? String(a) : JSON.stringify(a))).join(', ')})`
  expect(() => method(db, `${name}Sync`)(...args), `${label}Sync`).toThrow(expect.objectContaining({ code }))
  let p: unknown
  expect(() => {
    p = method(db, name)(...args)
  }, `${label} must not throw synchronously`).not.toThrow()
  expect(p, label).toBeInstanceOf(Promise)
  await expect(p as Promise<unknown>, label).rejects.toMatchObject({ code })
}

function thrown(fn: () => unknown): Error & { code?: unknown } {
  try {
    fn()
  } catch (e) {
    return e as Error & { code?: unknown }
  }
  return expect.fail('expected an exception')
}

function must<T>(v: T | undefined | null, what: string): T {
  if (v === undefined || v === null) throw new Error(`missing ${what}`)
  return v
}

function ids<T>(rows: readonly T[], key: keyof T): unknown[] {
  return rows.map((r) => r[key])
}
const sortNum = (xs: readonly unknown[]): number[] => [...(xs as number[])].sort((a, b) => a - b)

/** Adjacent pairs must be ordered by `value` (ties allowed); failure names the offending rows. */
function expectOrdered<T>(rows: readonly T[], value: (r: T) => number | string, dir: 'asc' | 'desc', label: (r: T) => string, what: string): void {
  for (let i = 1; i < rows.length; i++) {
    const a = value(rows[i - 1] as T)
    const b = value(rows[i] as T)
    const bad = dir === 'desc' ? a < b : a > b
    if (bad) {
      expect.fail(`${what}: ${label(rows[i - 1] as T)} (${String(a)}) is listed before ${label(rows[i] as T)} (${String(b)}) in ${dir} order`)
    }
  }
}

/** limit/offset pages are consecutive slices of the full listing. */
async function expectPaging<T>(full: readonly T[], page: (limit: number, offset: number) => Promise<T[]>): Promise<void> {
  expect(full.length).toBeGreaterThanOrEqual(3)
  const size = Math.max(1, Math.floor(full.length / 3))
  expect(await page(size, 0)).toStrictEqual(full.slice(0, size))
  expect(await page(size, size)).toStrictEqual(full.slice(size, 2 * size))
  expect(await page(10000, full.length - 1)).toStrictEqual(full.slice(full.length - 1))
  expect(await page(size, full.length)).toStrictEqual([])
  expect(await page(0, 0)).toStrictEqual([])
}

const ALL_READ_FUNCTIONS = [
  'getAccounts', 'getTikTokAccounts', 'getSessions', 'getSessionStats', 'getDailyStats', 'getProfiles',
  'countProfiles', 'getInteractions', 'getFilteredProfiles', 'getProfile', 'getProfileStatsHistory', 'getPosts',
  'getScrapingSessions', 'getScrapingSession', 'getScrapedProfiles', 'getScrapedComments',
  'getProcessedHashtagPosts', 'getDiscoveryCampaigns', 'getDiscoveryProgress', 'getDiscoveredProfiles',
  'getTikTokSessions', 'getTikTokDailyStats', 'getTikTokProfiles', 'getTikTokInteractions',
  'getTikTokFilteredProfiles',
] as const

/** One valid call of every read function (ids that exist in a seeded file). */
const VALID_CALLS: [string, unknown[]][] = [
  ['getAccounts', []], ['getTikTokAccounts', []], ['getSessions', [1]], ['getSessionStats', [1]],
  ['getDailyStats', [1, 7]], ['getProfiles', [1]], ['countProfiles', [1]], ['getInteractions', [1]],
  ['getFilteredProfiles', [1]], ['getProfile', ['MixedCase']], ['getProfile', [1]], ['getProfileStatsHistory', [1]],
  ['getPosts', []], ['getScrapingSessions', []], ['getScrapingSession', [1]], ['getScrapedProfiles', [2]],
  ['getScrapedComments', []], ['getProcessedHashtagPosts', [1]], ['getDiscoveryCampaigns', []],
  ['getDiscoveryCampaigns', [1]], ['getDiscoveryProgress', [1]], ['getDiscoveredProfiles', [1]],
  ['getTikTokSessions', [1]], ['getTikTokDailyStats', [1, 7]], ['getTikTokProfiles', []],
  ['getTikTokInteractions', [1]], ['getTikTokFilteredProfiles', [1]],
]

// =======================================================================================
// Seeded file
// =======================================================================================

describe.each(LAYOUTS)('read API over a seeded file (%s layout)', (layout) => {
  /** What only the legacy layout keeps (posts, scraped comments, discovery). */
  const legacyOnly = it.runIf(layout === 'legacy')
  let db: TaktikDatabase
  let seed: SeedSummary
  let alice: number
  let bob: number
  let carol: number
  let usernameOf: Map<number, string>

  beforeAll(() => {
    const file = tempDb()
    // The addon creates the file (in the layout under test); the Python fixture then writes
    // into it the way that layout's bot does, while this connection stays open (like the app
    // running next to the bot: the unified file is the addon's, the bot then runs on it).
    db = openDatabase({ path: file, layout })
    seed = py<SeedSummary>([...layoutArgs(layout), 'seed', file])
    alice = must(seed.accounts.alice_bot, 'alice_bot')
    bob = must(seed.accounts.bob_bot, 'bob_bot')
    carol = seed.idleAccountId
    usernameOf = new Map(Object.entries(seed.profiles).map(([u, id]) => [id, u]))
  })
  afterAll(() => db?.close())

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

  // -------------------------------------------------------------------------- interactions

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

  // --------------------------------------------------------------------------------- posts

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

  // ------------------------------------------------------------------------------ scraping

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

  // ----------------------------------------------------------------------------- discovery

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

  // -------------------------------------------------------------------------------- TikTok

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

  it('limit accepts the documented bounds 0 and 10000', async () => {
    expect(await both(db, 'getSessions', alice, { limit: 0 })).toEqual([])
    expect(await both(db, 'getInteractions', alice, { limit: 10000 })).toHaveLength(must(seed.interactionsPerAccount[String(alice)], 'n'))
    expect(await both(db, 'getProfiles', alice, { limit: 10000, offset: 0 })).toHaveLength(await both(db, 'countProfiles', alice))
  })
})

// =======================================================================================
// Hostile rows
// =======================================================================================

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
    // The unified layout does not keep linked_accounts: always null there.
    const linked = (v: string) => (layout === 'legacy' ? v : null)
    expect(await p('textCounts')).toMatchObject({
      followersCount: null, followingCount: 12, postsCount: null, isBusiness: null,
      linkedAccounts: linked('{not json'), createdAt: '', updatedAt: 'garbage',
    })
    expect(await p('realCounts')).toMatchObject({ followersCount: 1.5, followingCount: 1e308, postsCount: -1, updatedAt: '2026-13-45 99:99:99' })
    const blobs = await p('blobValues')
    expect(blobs).toMatchObject({ username: bad, fullName: bad, biography: bad, businessCategory: bad, followersCount: null, createdAt: bad, linkedAccounts: linked('[1]') })
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

// =======================================================================================
// Argument validation
// =======================================================================================

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

// =======================================================================================
// Lifecycle
// =======================================================================================

describe('lifecycle: close, readonly, bad files', () => {
  let file: string

  beforeAll(() => {
    file = tempDb()
    openDatabase({ path: file }).close()
    py(['seed', file])
  })

  it('after close() every function fails with CLOSED (sync throws, async rejects); close() is idempotent', async () => {
    const db = openDatabase({ path: file })
    for (const [name, args] of VALID_CALLS) {
      expect(() => method(db, `${name}Sync`)(...args), name).not.toThrow()
    }
    expect(new Set(VALID_CALLS.map(([n]) => n))).toEqual(new Set(ALL_READ_FUNCTIONS))
    db.close()
    expect(db.isOpen).toBe(false)
    expect(() => db.close()).not.toThrow()
    expect(db.isOpen).toBe(false)
    expect(db.path).toBe(file)
    for (const [name, args] of VALID_CALLS) await expectFailsBoth(db, name, args, 'CLOSED')
    const err = thrown(() => db.getAccountsSync())
    expect(err.message).toContain(file)
  })

  it('an async read started before close() still completes', async () => {
    const db = openDatabase({ path: file })
    const want = db.getInteractionsSync(1, { limit: 10000 })
    expect(want.length).toBeGreaterThan(50)
    const pending = db.getInteractions(1, { limit: 10000 }) // issued while open
    db.close()
    await expect(pending, 'getInteractions() called before close() must not fail with CLOSED').resolves.toStrictEqual(want)
    await expect(db.getInteractions(1)).rejects.toMatchObject({ code: 'CLOSED' })
  })

  it('readonly open of a missing file fails with SQLITE_CANTOPEN and creates nothing', () => {
    const missing = tempDb('missing.db')
    const dir = path.dirname(missing)
    const err = thrown(() => openDatabase({ path: missing, readonly: true }))
    expect(err.code).toBe('SQLITE_CANTOPEN')
    expect(err.message).toContain(missing)
    expect(existsSync(missing)).toBe(false)
    expect(readdirSync(dir)).toEqual([])
  })

  it('readonly open reads the same data as a writable one', async () => {
    const rw = openDatabase({ path: file })
    const ro = openDatabase({ path: file, readonly: true })
    try {
      expect(ro.readonly).toBe(true)
      expect(ro.isOpen).toBe(true)
      expect(rw.readonly).toBe(false)
      for (const [name, args] of [
        ...VALID_CALLS,
        ['getInteractions', [1, { limit: 10000 }]],
        ['getProfiles', [1, { limit: 10000, sortBy: 'followersCount' }]],
        ['getDailyStats', [2, 60]],
        ['getScrapedProfiles', [2, { limit: 10000 }]],
        ['getTikTokInteractions', [1, { limit: 10000 }]],
      ] as [string, unknown[]][]) {
        const want = method(rw, `${name}Sync`)(...args)
        expect(method(ro, `${name}Sync`)(...args), name).toStrictEqual(want)
        expect(await (method(ro, name)(...args) as Promise<unknown>), name).toStrictEqual(want)
      }
      expect(ro.getAccountsSync()).toHaveLength(3)
    } finally {
      ro.close()
      rw.close()
    }
  })

  it('a file that is not a database fails with SQLITE_NOTADB naming the file, and is left untouched', () => {
    const junk = tempDb('junk.db')
    const text = Array.from({ length: 300 }, (_, i) => `line ${i}: ${Math.random().toString(36)} not sqlite at all\n`).join('')
    writeFileSync(junk, text)
    for (const readonly of [false, true]) {
      const err = thrown(() => openDatabase({ path: junk, readonly }))
      expect(err.code, `readonly ${readonly}`).toBe('SQLITE_NOTADB')
      expect(err.message).toContain(junk)
      expect(readFileSync(junk, 'utf8')).toBe(text)
    }
  })
})

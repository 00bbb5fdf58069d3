// Shared by the read-API suites in this folder, one file per domain:
//
//   instagram.test.ts            the opened file (layout, both call forms, limit bounds);
//                                Instagram accounts, sessions, daily stats, profiles,
//                                filtered profiles, profile stats history, interactions
//   scraping-discovery.test.ts   posts, scraping sessions, scraped profiles and comments,
//                                processed hashtag posts, discovery
//   tiktok.test.ts               every getTikTok* function over the seeded file
//   hostile-rows.test.ts         rows the bot should never write, read anyway
//   argument-validation.test.ts  INVALID_ARGUMENT for every bad id, day count, option
//   lifecycle.test.ts            close, readonly, missing and non-database files
//
// Together they test the read API: every function in both forms (Promise and Sync)
// returning identical data, row shapes (exact key sets from schema.json, booleans, parsed
// JSON, ISO-8601 UTC timestamps), filters / sorting / paging checked against the fixture's
// seed summary, hostile rows, argument validation and the open/close lifecycle.
//
// They run in the machine's zone and in UTC+14 (Pacific/Kiritimati): every expected date
// and instant is derived from the fixture summary (its `today`, its raw stored values),
// never from the UTC date.
import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { openDatabase, type SessionStats, type TaktikDatabase } from '../../index.js'
import { SCHEMA_JSON, camel, py, tempDb } from '../helpers'
import { layoutArgs, type Layout } from '../layouts'

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
export interface SeedSummary {
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

export interface HostileSummary {
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
export const SCHEMA = (JSON.parse(readFileSync(SCHEMA_JSON, 'utf8')) as { tables: Record<string, { columns: ColumnSpec[] }> }).tables

export function tableColumns(table: string): ColumnSpec[] {
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
  'coauthors', 'dimensions', 'ai_analysis', 'qualification_criteria', 'linked_accounts',
])
const DAILY_NON_COUNTERS = new Set(['id', 'account_id', 'date', 'synced_to_api', 'synced_at', 'created_at', 'updated_at'])
export const dailyCounters = (table: string): string[] =>
  tableColumns(table).map((c) => c[0]).filter((c) => !DAILY_NON_COUNTERS.has(c))

export const PROFILE_EXTRAS = ['interactionCount', 'lastInteractionAt'] as const
export const SCRAPED_PROFILE_EXTRAS = [
  'username', 'fullName', 'followersCount', 'followingCount', 'postsCount', 'isPrivate', 'isVerified', 'isBusiness', 'biography',
] as const

export type Row = Record<string, unknown>
export const asRows = (rows: readonly object[]): Row[] => rows as unknown as Row[]

export function expectKeySets(rows: readonly object[], table: string, extras: readonly string[] = []): void {
  const want = keysFor(table, extras)
  for (const row of rows) expect(Object.keys(row).sort()).toEqual(want)
}

/**
 * Column value types by declared type: flags boolean|null, INTEGER/REAL number|null,
 * TEXT string|null; JSON columns anything (already parsed). `strict` (well-formed data):
 * primary keys and NOT NULL columns are never null.
 */
export function expectColumnTypes(rows: readonly object[], table: string, strict: boolean): void {
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

export const TS_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
export const isTimestampKey = (k: string): boolean => /(At|Time)$/.test(k) || k === 'scheduledFor'
/** Every timestamp-looking field is null or a canonical ISO-8601 UTC string. */
export function expectWellFormedTimestamps(rows: readonly object[]): void {
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
export function addDays(date: string, n: number): string {
  const [y, m, d] = ymd(date)
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10)
}
/** Local noon `daysAgo` local days before `today`, as the UTC ISO string (JS uses the same TZ as Python). */
export function localNoonIso(today: string, daysAgo: number): string {
  const [y, m, d] = ymd(today)
  return new Date(y, m - 1, d - daysAgo, 12, 0, 0, 0).toISOString()
}
export function localMidnightMs(today: string, daysAgo: number): number {
  const [y, m, d] = ymd(today)
  return new Date(y, m - 1, d - daysAgo, 0, 0, 0, 0).getTime()
}
/**
 * What the addon must return for a raw stored timestamp: `YYYY-MM-DD HH:MM:SS` is UTC;
 * anything else ISO goes through JS, which reads a naive ISO string as LOCAL time and keeps
 * the instant of Z / offsets.
 */
export function expectedIso(raw: string): string {
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(raw)) return `${raw.replace(' ', 'T')}.000Z`
  const t = new Date(raw)
  if (Number.isNaN(t.getTime())) throw new Error(`fixture raw time not parseable by JS: ${raw}`)
  return t.toISOString()
}
export const instant = (iso: unknown): number => (typeof iso === 'string' ? Date.parse(iso) : Number.NaN)

// ---------------------------------------------------------------------------------------
// Calling helpers
// ---------------------------------------------------------------------------------------

export type Db = TaktikDatabase
type AsyncName = { [K in keyof Db]: Db[K] extends (...a: never[]) => Promise<unknown> ? K : never }[keyof Db]
type ArgsOf<K extends AsyncName> = Db[K] extends (...a: infer A) => unknown ? A : never
type ResultOf<K extends AsyncName> = Db[K] extends (...a: never[]) => Promise<infer R> ? R : never

export function method(db: Db, name: string): (...a: unknown[]) => unknown {
  const f = (db as unknown as Record<string, unknown>)[name]
  if (typeof f !== 'function') throw new Error(`TaktikDatabase has no method ${name}`)
  return (...a: unknown[]) => (f as (...x: unknown[]) => unknown).apply(db, a)
}

/** Calls `nameSync(...)` and `name(...)`: the async form returns a Promise of identical data. */
export async function both<K extends AsyncName>(db: Db, name: K, ...args: ArgsOf<K>): Promise<ResultOf<K>> {
  const fromSync = method(db, `${name}Sync`)(...args)
  const promise = method(db, name)(...args)
  expect(promise).toBeInstanceOf(Promise)
  const fromAsync = await (promise as Promise<unknown>)
  expect(fromAsync).toStrictEqual(fromSync)
  return fromSync as ResultOf<K>
}

/** Sync form throws with `code`; async form returns a Promise (no synchronous throw) that rejects with `code`. */
export async function expectFailsBoth(db: Db, name: string, args: readonly unknown[], code: string): Promise<void> {
  const label = `${name}(${args.map((a) => (typeof a === 'number' ? String(a) : JSON.stringify(a))).join(', ')})`
  expect(() => method(db, `${name}Sync`)(...args), `${label}Sync`).toThrow(expect.objectContaining({ code }))
  let p: unknown
  expect(() => {
    p = method(db, name)(...args)
  }, `${label} must not throw synchronously`).not.toThrow()
  expect(p, label).toBeInstanceOf(Promise)
  await expect(p as Promise<unknown>, label).rejects.toMatchObject({ code })
}

export function thrown(fn: () => unknown): Error & { code?: unknown } {
  try {
    fn()
  } catch (e) {
    return e as Error & { code?: unknown }
  }
  return expect.fail('expected an exception')
}

export function must<T>(v: T | undefined | null, what: string): T {
  if (v === undefined || v === null) throw new Error(`missing ${what}`)
  return v
}

export function ids<T>(rows: readonly T[], key: keyof T): unknown[] {
  return rows.map((r) => r[key])
}
export const sortNum = (xs: readonly unknown[]): number[] => [...(xs as number[])].sort((a, b) => a - b)

/** Adjacent pairs must be ordered by `value` (ties allowed); failure names the offending rows. */
export function expectOrdered<T>(rows: readonly T[], value: (r: T) => number | string, dir: 'asc' | 'desc', label: (r: T) => string, what: string): void {
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
export async function expectPaging<T>(full: readonly T[], page: (limit: number, offset: number) => Promise<T[]>): Promise<void> {
  expect(full.length).toBeGreaterThanOrEqual(3)
  const size = Math.max(1, Math.floor(full.length / 3))
  expect(await page(size, 0)).toStrictEqual(full.slice(0, size))
  expect(await page(size, size)).toStrictEqual(full.slice(size, 2 * size))
  expect(await page(10000, full.length - 1)).toStrictEqual(full.slice(full.length - 1))
  expect(await page(size, full.length)).toStrictEqual([])
  expect(await page(0, 0)).toStrictEqual([])
}

export const ALL_READ_FUNCTIONS = [
  'getAccounts', 'getTikTokAccounts', 'getAccount', 'getTikTokAccount', 'getSessions', 'getSessionStats', 'getDailyStats', 'getProfiles',
  'countProfiles', 'getInteractions', 'getFilteredProfiles', 'getProfile', 'getProfileStatsHistory', 'getPosts',
  'getScrapingSessions', 'getScrapingSession', 'getScrapedProfiles', 'getScrapedComments',
  'getProcessedHashtagPosts', 'getDiscoveryCampaigns', 'getDiscoveryProgress', 'getDiscoveredProfiles',
  'getTikTokSessions', 'getTikTokDailyStats', 'getTikTokProfiles', 'getTikTokInteractions',
  'getTikTokFilteredProfiles',
] as const

/** One valid call of every read function (ids that exist in a seeded file). */
export const VALID_CALLS: [string, unknown[]][] = [
  ['getAccounts', []], ['getTikTokAccounts', []], ['getAccount', [1]], ['getTikTokAccount', [1]], ['getSessions', [1]], ['getSessionStats', [1]],
  ['getDailyStats', [1, 7]], ['getProfiles', [1]], ['countProfiles', [1]], ['getInteractions', [1]],
  ['getFilteredProfiles', [1]], ['getProfile', ['MixedCase']], ['getProfile', [1]], ['getProfileStatsHistory', [1]],
  ['getPosts', []], ['getScrapingSessions', []], ['getScrapingSession', [1]], ['getScrapedProfiles', [2]],
  ['getScrapedComments', []], ['getProcessedHashtagPosts', [1]], ['getDiscoveryCampaigns', []],
  ['getDiscoveryCampaigns', [1]], ['getDiscoveryProgress', [1]], ['getDiscoveredProfiles', [1]],
  ['getTikTokSessions', [1]], ['getTikTokDailyStats', [1, 7]], ['getTikTokProfiles', []],
  ['getTikTokInteractions', [1]], ['getTikTokFilteredProfiles', [1]],
]

// ---------------------------------------------------------------------------------------
// Seeded file
// ---------------------------------------------------------------------------------------

/** A seeded file open in `layout`, with the fixture's summary and its accounts' ids. */
export interface Seeded {
  db: TaktikDatabase
  seed: SeedSummary
  alice: number
  bob: number
  carol: number
  usernameOf: Map<number, string>
}

/** For a suite's beforeAll: a fresh file seeded in `layout` (the caller closes `db` in afterAll). */
export function openSeeded(layout: Layout): Seeded {
  const file = tempDb()
  // The addon creates the file (in the layout under test); the Python fixture then writes
  // into it the way that layout's bot does, while this connection stays open (like the app
  // running next to the bot: the unified file is the addon's, the bot then runs on it).
  const db = openDatabase({ path: file, layout })
  let seed: SeedSummary
  try {
    seed = py<SeedSummary>([...layoutArgs(layout), 'seed', file])
  } catch (e) {
    db.close()
    throw e
  }
  return {
    db,
    seed,
    alice: must(seed.accounts.alice_bot, 'alice_bot'),
    bob: must(seed.accounts.bob_bot, 'bob_bot'),
    carol: seed.idleAccountId,
    usernameOf: new Map(Object.entries(seed.profiles).map(([u, id]) => [id, u])),
  }
}

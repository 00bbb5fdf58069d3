// Issue 5.5 "Bad input". Two tests:
//
// 1. A seeded fuzzer calls every exported function and every method (async and Sync form) of
//    a real TaktikDatabase with hostile arguments mixed with valid seed ids. Every call must
//    return a value or fail with an Error whose `code` is a TaktikErrorCode (INTERNAL counts as
//    a failure: the README calls it "a bug in the addon"); an async form must return a Promise
//    and never throw synchronously. Input must never run as SQL: the read file's schema and
//    every row are unchanged afterwards, and on the write copy rows disappear only as the
//    writes reported (WriteResult.deleted), accounts only through deleteAccount.
// 2. Hostile rows: every column of every table holds each storage class in turn (NULL,
//    INTEGER, REAL, TEXT, BLOB incl. invalid UTF-8), also in rows linked to real accounts,
//    sessions, campaigns and scraping runs, so the read API really meets them. Every read
//    function (both forms) and exportCsv must succeed.
//
// TAKTIK_FUZZ_SEED picks another PRNG seed; TAKTIK_STRESS=1 makes 100k calls instead of 10k.
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as addon from '../../index.js'
import { openDatabase, TaktikDatabase, WatchHandle, type ChangeEvent } from '../../index.js'
import { parseCsv, py, PYTHON, tempDb } from '../helpers'
import { codeOf, ERROR_CODES, figures, scale } from './common'

const CALLS = scale(10_000, 100_000)
const SEED = Number(process.env.TAKTIK_FUZZ_SEED ?? 0x5eed_2026) >>> 0

// ---------------------------------------------------------------------------------------
// Seeded PRNG (mulberry32) and hostile values
// ---------------------------------------------------------------------------------------

class Rng {
  private s: number
  constructor(seed: number) {
    this.s = seed >>> 0
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  int(n: number): number {
    return Math.floor(this.next() * n)
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<T>(a: readonly T[]): T {
    if (a.length === 0) throw new Error('pick from an empty list')
    return a[this.int(a.length)]!
  }
}

const MB_STRING = 'x'.repeat(1 << 20)
const SQL_INJECTION = [
  '1; DROP TABLE sessions; --',
  "' OR 1=1 --",
  "x'); DELETE FROM instagram_accounts; --",
  '1 OR 1=1',
  '"; DROP TABLE instagram_accounts; --',
  "') UNION SELECT sql, sql FROM sqlite_master --",
  'username; DROP TABLE x',
  "'; ATTACH DATABASE 'pwn.db' AS pwn; --",
  'followers_count DESC; DELETE FROM sessions',
]
const LIKE_WILDCARDS = ['%', '_', '\\', '%_\\', '%%', 'per%cent', 'under_score', '\\%', '[a-z]*', '*']
const UNICODE = [
  '🎉',
  '👩‍👩‍👧‍👦',
  'مرحبا بالعالم',
  '\u202Eevil\u202C',
  'e\u0301\u0301\u0301',
  'ǅ',
  'İstanbul',
  'ß',
  '\uD800',
  '\uDFFF',
  'a\uD800b',
  '\uFEFFbom',
  'line\u2028sep',
]
const NUL_STRINGS = ['a\u0000b', '\u0000', '\u0000DROP TABLE sessions']
const NUMERIC_STRINGS = ['1', '0', '-1', '1.5', '1e3', ' 2 ', '0x10', 'NaN', 'Infinity', '9007199254740993', '-0']
const ODD_STRINGS = ['', ' ', 'null', 'undefined', 'true', '@', '@alice_bot', 'alice_bot', 'MixedCase', 'mixedcase',
  '2026-13-45 99:99:99', '2026-11-24T00:00:00Z', 'garbage', '\n\r\t', '"quoted"', "it's", 'a'.repeat(5000)]
const NASTY_STRINGS = [...SQL_INJECTION, ...LIKE_WILDCARDS, ...UNICODE, ...NUL_STRINGS, ...NUMERIC_STRINGS, ...ODD_STRINGS]
const REALISTIC_TEXT = ['COMPLETED', 'completed', 'ACTIVE', 'ERROR', 'FAILED', 'new', 'qualified', 'rejected', 'DRAFT',
  'IN_PROGRESS', 'INTERRUPTED', 'LIKE', 'follow', 'FOLLOWERS', 'hashtag', 'travel', '#travel', 'MixedCase', 'anna', 'alice_bot']
const BAD_NUMBERS = [-1, -0, 0, Number.NaN, Infinity, -Infinity, 2 ** 53 + 1, 2 ** 53, 1e308, -1e308, 1.5, 0.1, -1.5,
  Number.MIN_VALUE, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 31, 2 ** 32, 2 ** 63, 10_001, 3_651, 1e-300]
/** Fresh each time, so no call can keep state in a shared object. Symbols and BigInts are
 * included: no parameter accepts them, so the addon must reject them. */
const OTHER_VALUES: (() => unknown)[] = [
  () => true, () => false, () => null, () => undefined, () => [], () => [1], () => ['a', 2], () => [[null]],
  () => ({}), () => ({ a: 1 }), () => ({ valueOf: () => 1, toString: () => '1' }), () => Object.create(null),
  () => new Date(0), () => Symbol('fuzz'), () => 1n, () => -1n, () => 2n ** 64n, () => () => 1,
  () => function named() {}, () => class K {}, () => new Map([[1, 2]]), () => new Uint8Array([1, 2]),
  () => Buffer.from('buf'), () => /re/g, () => new AbortController().signal, () => new Error('not an option'),
  () => new Proxy({}, {}), () => new Number(1), () => new String('alice_bot'),
]
const UNKNOWN_KEYS = ['limt', 'LIMIT', 'Limit', 'sort_by', 'accountID', 'toString', 'constructor', '__proto__', '', '🎉', 'extra', 'where']
const NONEXISTENT_IDS = [0, 424_242, Number.MAX_SAFE_INTEGER]
const SORT_BY = ['lastInteractionAt', 'interactionCount', 'username', 'fullName', 'followersCount', 'followingCount',
  'postsCount', 'createdAt', 'updatedAt', 'profileId'] as const
const INTERACTION_TYPES = ['LIKE', 'FOLLOW', 'UNFOLLOW', 'COMMENT', 'STORY_WATCH', 'story_like', 'PROFILE_VISIT', 'DM_SENT', 'SHARE', 'FAVORITE']
const TABLE_NAMES = ['interactions', 'dailyStats', 'sessions', 'profiles', 'tiktokInteractions', 'discoveryCampaigns'] as const
/** The legacy file's table behind each API name a WriteResult reports. */
const LEGACY_TABLE: Record<string, string> = {
  accounts: 'instagram_accounts', profiles: 'instagram_profiles', sessions: 'sessions', interactions: 'interaction_history',
  dailyStats: 'daily_stats', filteredProfiles: 'filtered_profiles', profileStatsHistory: 'profile_stats_history', posts: 'instagram_posts',
  processedHashtagPosts: 'processed_hashtag_posts', scrapingSessions: 'scraping_sessions', scrapedProfiles: 'scraped_profiles',
  scrapedComments: 'scraped_comments', discoveryCampaigns: 'discovery_campaigns', discoveryProgress: 'discovery_progress',
  discoveredProfiles: 'discovered_profiles', tiktokAccounts: 'tiktok_accounts', tiktokProfiles: 'tiktok_profiles',
  tiktokSessions: 'tiktok_sessions', tiktokInteractions: 'tiktok_interaction_history', tiktokDailyStats: 'tiktok_daily_stats',
  tiktokFilteredProfiles: 'tiktok_filtered_profiles',
}
/** db.query()'s SQL: reads of the legacy file, and every kind of statement it must refuse
 * (the snapshots prove none of them changed a file). */
const QUERY_SQL = [
  'SELECT * FROM instagram_accounts',
  'SELECT * FROM sessions WHERE account_id = ?',
  'SELECT * FROM sessions WHERE account_id = :account',
  'SELECT count(*) AS n, max(interaction_time) AS last_at, sum(success) AS ok FROM interaction_history WHERE account_id = ?',
  'SELECT p.*, i.interaction_type FROM interaction_history AS i JOIN instagram_profiles AS p USING (profile_id) LIMIT 200',
  'PRAGMA table_info(sessions)',
  'DELETE FROM sessions',
  'UPDATE instagram_profiles SET notes = ?',
  'INSERT INTO instagram_accounts (username) VALUES (:account)',
  'DROP TABLE sessions',
  'CREATE TABLE pwn (a)',
  'PRAGMA user_version = 9',
  'PRAGMA journal_mode = DELETE',
  "ATTACH 'pwn.db' AS pwn",
  'BEGIN IMMEDIATE',
  'VACUUM',
  "VACUUM INTO 'pwn.db'",
  'SELECT 1; DELETE FROM sessions',
  'SELEC 1',
  '',
]
const CHECKPOINT_MODES = ['PASSIVE', 'FULL', 'RESTART', 'TRUNCATE', 'full', 'passive']
const EXPORT_KINDS = ['profiles', 'interactions', 'scrapedProfiles'] as const
/** Destination file names (a small pool, so files get reused: FILE_EXISTS / overwrite). */
const DEST_NAMES = ['backup', 'export', 'ü名前 🎉', '\uD800lone', "x'); DELETE FROM instagram_accounts; --", '%_\\', 'name with spaces', '-rf', '.hidden', 'sub/inner']

/** A printable, bounded description of any value (for violation reports). */
function describe_(v: unknown, depth = 0): string {
  switch (typeof v) {
    case 'string':
      return v.length > 60 ? `<string of ${v.length} chars ${JSON.stringify(v.slice(0, 16))}…>` : JSON.stringify(v)
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v)
    case 'bigint':
      return `${v}n`
    case 'symbol':
      return v.toString()
    case 'function':
      return `function ${v.name || '(anonymous)'}`
    case 'undefined':
      return 'undefined'
    case 'boolean':
      return String(v)
    default: {
      if (v === null) return 'null'
      if (depth > 2) return '{…}'
      if (Array.isArray(v)) return `[${v.map((x) => describe_(x, depth + 1)).join(', ')}]`
      if (v instanceof AbortSignal) return `AbortSignal(${v.aborted ? 'aborted' : 'live'})`
      const proto: unknown = Object.getPrototypeOf(v)
      const ctor = proto === null ? 'Object.create(null) ' : proto === Object.prototype ? '' : `${(proto as { constructor?: { name?: string } }).constructor?.name ?? '?'} `
      const o = v as Record<string, unknown>
      return `${ctor}{${Object.keys(o).map((k) => `${JSON.stringify(k)}: ${describe_(o[k], depth + 1)}`).join(', ')}}`
    }
  }
}
const describeArgs = (args: readonly unknown[]) => args.map((a) => describe_(a)).join(', ')

// ---------------------------------------------------------------------------------------
// The seed fixture and Python-side snapshots (independent of the addon)
// ---------------------------------------------------------------------------------------

interface Seed {
  accounts: Record<string, number>
  idleAccountId: number
  profiles: Record<string, number>
  sessions: { sessionId: number; accountId: number }[]
  campaigns: { campaignId: number; accountId: number | null; discoveredProfileIds: number[]; progressIds: number[] }[]
  scrapingSessions: { scrapingId: number; profileIds: number[]; commentIds: number[] }[]
  filteredProfiles: { profileId: number; accountId: number }[]
  tiktokAccounts: Record<string, number>
  tiktokProfiles: Record<string, number>
  tiktokSessions: { sessionId: number; accountId: number }[]
  tiktokFilteredProfiles: { profileId: number; accountId: number }[]
}

interface Snapshot {
  master: [string, string, string, string | null][]
  counts: Record<string, number>
  hashes: Record<string, string>
  accountIds: number[]
}

/** sqlite_master (without ANALYZE's sqlite_stat* tables, which optimize() creates by design),
 * row counts and a content hash of every table, read by Python's sqlite3. */
function snapshot(file: string): Snapshot {
  const code = `import hashlib, json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.text_factory = bytes
master = [[x.decode() if isinstance(x, bytes) else x for x in r] for r in c.execute(
    "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name")]
counts, hashes = {}, {}
for (t,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%'").fetchall():
    t = t.decode()
    h, n = hashlib.sha256(), 0
    for row in c.execute('SELECT * FROM "%s" ORDER BY rowid' % t):
        h.update(repr(row).encode())
        n += 1
    counts[t], hashes[t] = n, h.hexdigest()
ids = [r[0] for r in c.execute('SELECT account_id FROM instagram_accounts ORDER BY 1')]
print(json.dumps({"master": master, "counts": counts, "hashes": hashes, "accountIds": ids}))`
  return JSON.parse(execFileSync(PYTHON, ['-c', code, file], { encoding: 'utf8', maxBuffer: 64 << 20 })) as Snapshot
}

// ---------------------------------------------------------------------------------------
// Argument generators
// ---------------------------------------------------------------------------------------

type Category = 'read' | 'write' | 'maintenance' | 'watch' | 'live' | 'close'
interface Pools {
  acc: number[]
  prof: number[]
  usernames: string[]
  sess: number[]
  camp: number[]
  disc: number[]
  scr: number[]
  ttAcc: number[]
  ttProf: number[]
  ttSess: number[]
  filtered: [number, number][]
  /** Campaigns created on the write copy (deleteDiscoveryCampaign / update targets). */
  createdCampaigns: number[]
}

/** One call's generator: `h` is the chance that a part (argument, option value) is hostile. */
class Gen {
  constructor(
    readonly r: Rng,
    readonly h: number,
    readonly p: Pools,
    readonly out: string,
    readonly ownPath: string,
  ) {}

  nasty(): string {
    return this.r.chance(1 / 300) ? MB_STRING : this.r.pick(NASTY_STRINGS)
  }
  /** Any hostile value: a bad number, a nasty string or a value of another type. */
  any(): unknown {
    const k = this.r.int(10)
    if (k < 3) return this.r.pick(BAD_NUMBERS)
    if (k < 6) return this.nasty()
    return this.r.pick(OTHER_VALUES)()
  }
  anyNonString(): unknown {
    for (;;) {
      const v = this.any()
      if (typeof v !== 'string') return v
    }
  }
  /** `valid()`, or with probability h a hostile value. */
  v(valid: () => unknown): unknown {
    return this.r.chance(this.h) ? this.any() : valid()
  }
  id(pool: readonly number[]): unknown {
    return this.v(() => (this.r.chance(0.85) ? this.r.pick(pool) : this.r.pick(NONEXISTENT_IDS)))
  }
  /** Any string is a valid text filter: realistic values, and injections, wildcards, unicode, NUL. */
  text(): unknown {
    return this.v(() => (this.r.chance(0.5) ? this.r.pick(REALISTIC_TEXT) : this.nasty()))
  }
  limit = () => this.r.pick([0, 1, 5, 50, 10_000, this.r.int(100)])
  offset = () => this.r.pick([0, 1, 10, 1_000_000, this.r.int(50)])
  days(): unknown {
    return this.v(() => this.r.pick([1, 7, 30, 365, 3650, 1 + this.r.int(3650)]))
  }
  instant = (): unknown => {
    const ms = Date.now() - this.r.int(60) * 86_400_000
    return this.r.pick([ms, new Date(ms).toISOString(), new Date(ms).toISOString().slice(0, 19), '2026-11-24 12:00:00', '2026-11-24T12:00:00+02:00', 0])
  }
  /** An options object: known keys (valid or hostile values), sometimes an unknown key, sometimes not an object. */
  opts(spec: Record<string, () => unknown>, required: readonly string[] = []): unknown {
    const { r } = this
    if (r.chance(this.h * 0.3)) return this.any()
    if (required.length === 0 && r.chance(0.1)) return undefined
    const o: Record<string, unknown> = {}
    for (const [k, valid] of Object.entries(spec)) {
      if (required.includes(k) ? r.chance(0.97) : r.chance(0.35)) o[k] = r.chance(this.h) ? this.any() : valid()
    }
    if (r.chance(this.h * 0.3)) {
      // defineProperty: an own `__proto__` key, not a prototype change
      Object.defineProperty(o, r.pick(UNKNOWN_KEYS), { value: this.any(), enumerable: true, writable: true, configurable: true })
    }
    return o
  }
  page = () => ({ limit: this.limit, offset: this.offset, after: this.after })
  /** A cursor: garbage, injection, a well-formed one of another listing, or none. */
  after = (): unknown => this.r.pick([undefined, '', 'WzEsMl0', 'WzM2MzA3NjQ3NTEsMV0', ...SQL_INJECTION, this.nasty(), this.any()])
  /** A local date, real or not. */
  date = (): unknown => this.r.pick(['2026-01-01', '2025-12-31', '2026-02-30', '2026-1-1', '', this.nasty(), 20260101, this.any()])
  activityQuery = (acc: number[]): Record<string, () => unknown> => ({
    groupBy: () => this.r.pick(['day', 'hour', 'type', 'account', ['day', 'type'], ['hour', 'account', 'type'], [], 'week', this.any()]),
    accountId: () => (this.r.chance(0.5) ? this.id(acc) : [this.id(acc), this.id(acc)]),
    from: this.date,
    to: this.date,
    type: () => (this.r.chance(0.5) ? this.r.pick(INTERACTION_TYPES) : [this.r.pick(INTERACTION_TYPES), this.text()]),
  })
  profileQuery = (): Record<string, () => unknown> => ({
    search: () => this.text(),
    sortBy: () => (this.r.chance(0.9) ? this.r.pick(SORT_BY) : this.r.pick(SQL_INJECTION)),
    order: () => this.r.pick(['asc', 'desc', 'ASC', 'sideways']),
    minFollowers: () => this.r.pick([0, 100, 10_000, 1e6]),
    maxFollowers: () => this.r.pick([0, 1000, 1e9]),
    isPrivate: () => this.r.chance(0.5),
    isVerified: () => this.r.chance(0.5),
    isBusiness: () => this.r.chance(0.5),
  })
  interactionQuery = (sess: number[], prof: number[]): Record<string, () => unknown> => ({
    type: () => (this.r.chance(0.6) ? this.r.pick(INTERACTION_TYPES) : this.r.chance(0.5) ? [this.r.pick(INTERACTION_TYPES), this.text()] : this.text()),
    sessionId: () => this.id(sess),
    profileId: () => this.id(prof),
    since: this.instant,
    until: this.instant,
  })
  /** Only absolute paths inside the output directory (a relative string would land in the
   * working copy), the database's own files (which must be refused) or non-strings. */
  dest(ext: string): unknown {
    const { r } = this
    if (r.chance(this.h)) {
      switch (r.int(4)) {
        case 0:
          return this.anyNonString()
        case 1:
          return path.join(this.out, `f-${this.nasty().replace(/\//g, '∕')}${ext}`)
        case 2:
          return r.pick([this.ownPath, `${this.ownPath}-wal`, `${this.ownPath}-shm`, this.out, '', path.join(this.out, 'no-such-dir', `x${ext}`)])
        default:
          return path.join(this.out, `${'n'.repeat(300)}${ext}`)
      }
    }
    return path.join(this.out, `${r.pick(DEST_NAMES)}${ext}`)
  }
  campaignInput(create: boolean): unknown {
    const list = () => (this.r.chance(0.8) ? Array.from({ length: this.r.int(4) }, () => this.r.pick([...REALISTIC_TEXT, ...NASTY_STRINGS.slice(0, 20)])) : [this.any()])
    return this.opts(
      {
        name: () => this.r.pick(['Fitness FR', 'fuzz campaign', ...SQL_INJECTION, '🎉']),
        accountId: () => this.r.pick(this.p.acc),
        nicheKeywords: list,
        targetHashtags: list,
        targetAccounts: list,
        targetPostUrls: list,
        status: () => this.text(),
      },
      create ? ['name'] : [],
    )
  }
  callOptions(): unknown {
    return this.opts(this.callOptionsSpec())
  }
  callOptionsSpec(): Record<string, () => unknown> {
    return {
      signal: () =>
        this.r.pick([
          () => new AbortController().signal,
          () => AbortSignal.abort(),
          () => {
            const c = new AbortController()
            queueMicrotask(() => c.abort())
            return c.signal
          },
        ])(),
      timeoutMs: () => this.r.pick([1, 5, 1000, 60_000, 2 ** 31 - 1]),
    }
  }
}

/** Arguments per function, keyed by the async / plain name (the Sync form shares them). */
const METHOD_ARGS: Record<string, { cat: Category; args: (g: Gen) => unknown[] }> = {
  // reads
  getAccounts: { cat: 'read', args: () => [] },
  getTikTokAccounts: { cat: 'read', args: () => [] },
  getAccount: { cat: 'read', args: (g) => [g.id(g.p.acc)] },
  getTikTokAccount: { cat: 'read', args: (g) => [g.id(g.p.ttAcc)] },
  getSessions: { cat: 'read', args: (g) => [g.id(g.p.acc), g.opts({ ...g.page(), status: () => g.text() })] },
  getSessionStats: { cat: 'read', args: (g) => [g.id(g.p.sess)] },
  getSession: { cat: 'read', args: (g) => [g.id(g.p.sess)] },
  countSessions: { cat: 'read', args: (g) => [g.id(g.p.acc), g.opts({ ...g.page(), status: () => g.text(), since: g.instant, until: g.instant })] },
  getDailyStats: { cat: 'read', args: (g) => [g.id(g.p.acc), g.r.chance(0.7) ? g.days() : g.opts({ from: g.date, to: g.date })] },
  getActivity: { cat: 'read', args: (g) => [g.opts(g.activityQuery(g.p.acc))] },
  getTikTokActivity: { cat: 'read', args: (g) => [g.opts(g.activityQuery(g.p.ttAcc))] },
  countInteractions: {
    cat: 'read',
    args: (g) => [g.r.chance(0.2) ? null : g.id(g.p.acc), g.opts({ ...g.page(), ...g.interactionQuery(g.p.sess, g.p.prof) })],
  },
  countTikTokInteractions: {
    cat: 'read',
    args: (g) => [g.r.chance(0.2) ? null : g.id(g.p.ttAcc), g.opts({ ...g.page(), ...g.interactionQuery(g.p.ttSess, g.p.ttProf) })],
  },
  getTikTokSession: { cat: 'read', args: (g) => [g.id(g.p.ttSess)] },
  countTikTokSessions: { cat: 'read', args: (g) => [g.id(g.p.ttAcc), g.opts({ ...g.page(), status: () => g.text() })] },
  getProfiles: { cat: 'read', args: (g) => [g.id(g.p.acc), g.opts({ ...g.page(), ...g.profileQuery() })] },
  countProfiles: { cat: 'read', args: (g) => [g.id(g.p.acc), g.opts({ ...g.page(), ...g.profileQuery() })] },
  getInteractions: {
    cat: 'read',
    args: (g) => [g.r.chance(0.2) ? null : g.id(g.p.acc), g.opts({ ...g.page(), ...g.interactionQuery(g.p.sess, g.p.prof) })],
  },
  getFilteredProfiles: { cat: 'read', args: (g) => [g.id(g.p.acc), g.opts(g.page())] },
  getProfile: {
    cat: 'read',
    args: (g) => [g.v(() => (g.r.chance(0.4) ? g.r.pick(g.p.prof) : g.r.chance(0.6) ? g.r.pick(g.p.usernames) : g.nasty()))],
  },
  getProfileStatsHistory: { cat: 'read', args: (g) => [g.id(g.p.prof)] },
  getPosts: { cat: 'read', args: (g) => [g.opts({ ...g.page(), profileId: () => g.id(g.p.prof), accountId: () => g.id(g.p.acc), status: () => g.text() })] },
  getScrapingSessions: { cat: 'read', args: (g) => [g.opts({ ...g.page(), status: () => g.text(), scrapingType: () => g.text() })] },
  getScrapingSession: { cat: 'read', args: (g) => [g.id(g.p.scr)] },
  getScrapedProfiles: {
    cat: 'read',
    args: (g) => [g.id(g.p.scr), g.opts({ ...g.page(), minScore: () => g.r.pick([0, 50, 99.5, 100]), qualifiedOnly: () => g.r.chance(0.5) })],
  },
  getScrapedComments: {
    cat: 'read',
    args: (g) => [g.opts({ ...g.page(), scrapingSessionId: () => g.id(g.p.scr), username: () => g.text(), targetUsername: () => g.text() })],
  },
  getProcessedHashtagPosts: { cat: 'read', args: (g) => [g.id(g.p.acc), g.opts({ ...g.page(), hashtag: () => g.text() })] },
  getDiscoveryCampaigns: { cat: 'read', args: (g) => [g.v(() => (g.r.chance(0.3) ? g.r.pick([null, undefined]) : g.r.pick(g.p.acc)))] },
  getDiscoveryProgress: { cat: 'read', args: (g) => [g.id(g.p.camp)] },
  getDiscoveredProfiles: {
    cat: 'read',
    args: (g) => [g.id(g.p.camp), g.opts({ ...g.page(), status: () => g.text(), minScore: () => g.r.pick([0, 50, 100]) })],
  },
  getTikTokSessions: { cat: 'read', args: (g) => [g.id(g.p.ttAcc), g.opts({ ...g.page(), status: () => g.text() })] },
  getTikTokDailyStats: { cat: 'read', args: (g) => [g.id(g.p.ttAcc), g.days()] },
  getTikTokProfiles: { cat: 'read', args: (g) => [g.opts({ ...g.page(), search: () => g.text() })] },
  getTikTokInteractions: { cat: 'read', args: (g) => [g.id(g.p.ttAcc), g.opts({ ...g.page(), ...g.interactionQuery(g.p.ttSess, g.p.ttProf) })] },
  getTikTokFilteredProfiles: { cat: 'read', args: (g) => [g.id(g.p.ttAcc), g.opts(g.page())] },
  // SQL the app writes: reads run, everything else is refused
  query: {
    cat: 'read',
    args: (g) => [
      g.v(() => (g.r.chance(0.8) ? g.r.pick(QUERY_SQL) : g.r.pick(SQL_INJECTION))),
      g.v(() => g.r.pick([undefined, null, [], [g.r.pick(g.p.acc)], { account: g.r.pick(g.p.acc) }, [g.any()], { account: g.any() }])),
    ],
  },
  // writes (run on the write copy)
  // 1 MB notes now and then: later reads of that profile return a large cell
  updateProfileNotes: {
    cat: 'write',
    args: (g) => [g.id(g.p.prof), g.v(() => g.r.pick([null, 'met at the gym 🎉', MB_STRING, g.nasty(), g.nasty()]))],
  },
  removeFilteredProfile: {
    cat: 'write',
    args: (g) => {
      const [a, p] = g.r.chance(0.3) ? g.r.pick(g.p.filtered) : [g.r.pick(g.p.acc), g.r.pick(g.p.prof)]
      return [g.v(() => a), g.v(() => p)]
    },
  },
  deleteSession: { cat: 'write', args: (g) => [g.id(g.p.sess), g.opts({ withInteractions: () => g.r.chance(0.5) })] },
  // Mostly ids without an account, so the write copy keeps data for the other writes.
  deleteAccount: { cat: 'write', args: (g) => [g.v(() => (g.r.chance(0.03) ? g.r.pick(g.p.acc) : g.r.pick(NONEXISTENT_IDS)))] },
  createDiscoveryCampaign: { cat: 'write', args: (g) => [g.campaignInput(true)] },
  updateDiscoveryCampaign: { cat: 'write', args: (g) => [g.id([...g.p.camp, ...g.p.createdCampaigns]), g.campaignInput(false)] },
  deleteDiscoveryCampaign: {
    cat: 'write',
    args: (g) => [g.v(() => (g.p.createdCampaigns.length > 0 && g.r.chance(0.5) ? g.r.pick(g.p.createdCampaigns) : g.r.chance(0.05) ? g.r.pick(g.p.camp) : g.r.pick(NONEXISTENT_IDS)))],
  },
  setDiscoveredProfileStatus: { cat: 'write', args: (g) => [g.id(g.p.disc), g.text()] },
  pruneHistory: {
    cat: 'write',
    args: (g) => [g.opts({ olderThanDays: () => g.r.pick([1, 3, 30, 365, 3650]), dryRun: () => g.r.chance(0.5) }, ['olderThanDays'])],
  },
  // Always a dry run (hostile other options around it): the real move would take the write copy
  // out of the legacy layout the later checks read. upgrade.test.ts covers the move.
  upgradeToUnified: {
    cat: 'maintenance',
    args: (g) => [{ ...(g.opts({ backup: () => g.r.chance(0.5), onProgress: () => () => {} }) as object | undefined), dryRun: true }],
  },
  // maintenance
  backup: {
    cat: 'maintenance',
    args: (g) => [g.dest('.db'), g.opts({ overwrite: () => g.r.chance(0.7), onProgress: () => () => {} })],
  },
  checkpoint: { cat: 'maintenance', args: (g) => [g.v(() => (g.r.chance(0.2) ? undefined : g.r.pick(CHECKPOINT_MODES)))] },
  integrityCheck: { cat: 'maintenance', args: (g) => [g.opts({ quick: () => g.r.chance(0.5) })] },
  getDatabaseInfo: { cat: 'maintenance', args: () => [] },
  // what the file keeps: an API table or a method name, or anything else
  supports: {
    cat: 'maintenance',
    args: (g) => [g.v(() => g.r.pick(['posts', 'discoveryCampaigns', 'interactions', 'getPosts', 'getPostsSync', 'deleteAccount', 'watch', 'instagram_posts', '']))],
  },
  // the API tables a read reads: a read's name, or anything else
  tablesRead: {
    cat: 'maintenance',
    args: (g) => [g.v(() => g.r.pick(['getProfiles', 'getDailyStats', 'getSessionsSync', 'getPosts', 'deleteAccount', 'watch', 'query', 'interactions', '']))],
  },
  optimize: { cat: 'maintenance', args: () => [] },
  exportCsv: {
    cat: 'maintenance',
    args: (g) => {
      const kind = g.r.pick(EXPORT_KINDS)
      const file = { bom: () => g.r.chance(0.5), overwrite: () => g.r.chance(0.7) }
      const q = g.profileQuery()
      const filters =
        kind === 'scrapedProfiles'
          ? { scrapingId: () => g.id(g.p.scr), minScore: () => g.r.pick([0, 50]), qualifiedOnly: () => g.r.chance(0.5), ...file }
          : kind === 'profiles'
            ? { accountId: () => g.id(g.p.acc), search: q.search!, sortBy: q.sortBy!, order: q.order!, minFollowers: q.minFollowers!, isPrivate: q.isPrivate!, ...file }
            : { accountId: () => g.id(g.p.acc), ...g.interactionQuery(g.p.sess, g.p.prof), ...file }
      const call = g.opts({ ...g.callOptionsSpec(), onProgress: () => g.r.pick([() => undefined, 5, 'x']) })
      return [g.v(() => kind), g.dest('.csv'), g.opts(filters, [kind === 'scrapedProfiles' ? 'scrapingId' : 'accountId']), call]
    },
  },
  // the change feed: the handle is closed right away
  watch: {
    cat: 'watch',
    args: (g) => [
      g.v(() => (_e: ChangeEvent) => {}),
      g.opts({ intervalMs: () => g.r.pick([10, 250, 60_000]), tables: () => TABLE_NAMES.filter(() => g.r.chance(0.4)) }),
    ],
  },
  // a live query: a read's name (or anything), its args, a callback, options; closed right away
  live: {
    cat: 'live',
    args: (g) => [
      g.v(() => g.r.pick(['getAccounts', 'getSessions', 'getDailyStats', 'getProfiles', 'getPosts', 'getSessionsSync', 'deleteAccount', 'query'])),
      g.v(() => g.r.pick([[], [g.r.pick(g.p.acc)], [g.r.pick(g.p.acc), 7], [g.r.pick(g.p.acc), g.any()], [g.any()]])),
      g.v(() => () => {}),
      g.opts({ throttleMs: () => g.r.pick([0, 100, 60_000]), onError: () => () => {} }),
    ],
  },
  // on a database opened for the purpose
  close: { cat: 'close', args: () => [] },
}

/** Exported functions (module level). */
const MODULE_ARGS: Record<string, (g: Gen, env: { file: string; out: string }) => unknown[]> = {
  openDatabase: (g, env) => [
    g.opts({
      path: () =>
        g.r.pick([
          env.file,
          path.join(env.out, 'fresh.db'),
          path.join(env.out, 'backup.db'),
          path.join(env.out, 'export.csv'), // not a database
          path.join(env.out, 'deep', 'er', 'new.db'),
          path.join(env.out, 'missing.db'),
          path.join(env.out, `f-${g.nasty().replace(/\//g, '∕')}.db`),
          env.out, // a directory
        ]),
      readonly: () => g.r.chance(0.5),
      busyTimeoutMs: () => g.r.pick([0, 10, 1000, 30_000]),
      walLimitBytes: () => g.r.pick([0, 1, 1 << 20, 64 << 20]),
    }),
  ],
  // the same options, opened off the JS thread
  openDatabaseAsync: (g, env) => MODULE_ARGS.openDatabase!(g, env),
  defaultDatabasePath: () => [],
  // The classes are exported for instanceof; constructing them must fail with a code too.
  TaktikDatabase: (g) => (g.r.chance(0.5) ? [] : [g.any(), g.any()]),
  WatchHandle: (g) => (g.r.chance(0.5) ? [] : [g.any()]),
  // A guard: anything at all, never a throw.
  isTaktikError: (g) => [g.any()],
}

/** Methods of WatchHandle (on a fresh handle each time). */
const WATCH_HANDLE_ARGS: Record<string, (g: Gen) => unknown[]> = {
  close: () => [],
}

/** What a successful write returned, if it is not what index.d.ts declares. */
function writeShapeProblem(base: string, v: unknown): string | null {
  const obj = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null
  if (base === 'createDiscoveryCampaign' || base === 'updateDiscoveryCampaign') {
    if (v === null && base === 'updateDiscoveryCampaign') return null
    return obj && typeof obj['campaignId'] === 'number' ? null : `returned ${Array.isArray(v) ? `an array of ${v.length}` : describe_(v).slice(0, 80)}, not a DiscoveryCampaign`
  }
  const ok = obj && typeof obj['changes'] === 'number' && typeof obj['dryRun'] === 'boolean' && typeof obj['deleted'] === 'object' && typeof obj['updated'] === 'object'
  return ok ? null : `returned ${describe_(v).slice(0, 80)}, not a WriteResult`
}

function methodNames(o: object): string[] {
  const proto: unknown = Object.getPrototypeOf(o)
  if (proto === null || typeof proto !== 'object') throw new Error('no prototype')
  return Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor' && typeof Object.getOwnPropertyDescriptor(proto, n)?.value === 'function')
}

function callMethod(obj: object, name: string, args: readonly unknown[]): unknown {
  const f = (obj as Record<string, unknown>)[name]
  if (typeof f !== 'function') throw new Error(`no method ${name}`)
  return Reflect.apply(f, obj, args)
}

// ---------------------------------------------------------------------------------------
// 1. The fuzzer
// ---------------------------------------------------------------------------------------

describe(`fuzz: ${CALLS} calls with hostile arguments (seed ${SEED})`, () => {
  let dir: string
  let fileA: string // reads and maintenance: must stay byte-for-byte the same
  let fileB: string // the write copy
  let seed: Seed
  const savedAppData = process.env.APPDATA
  const savedCwd = process.cwd()

  beforeAll(() => {
    fileA = tempDb('read.db')
    dir = path.dirname(fileA)
    fileB = path.join(dir, 'write.db')
    seed = py<Seed>(['seed', fileA])
    // Large cells, as a user's notes or an error trace can be: 1 MB of TEXT in two profiles,
    // a scraping run and a campaign list, so single-row and listing reads return big values.
    const big = `import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
mb = 'n' * (1 << 20)
c.execute('UPDATE instagram_profiles SET notes = ? WHERE profile_id IN (?, ?)', (mb, int(sys.argv[2]), int(sys.argv[3])))
c.execute('UPDATE scraping_sessions SET error_message = ? WHERE scraping_id = ?', (mb, int(sys.argv[4])))
c.execute('UPDATE discovery_campaigns SET target_post_urls = ? WHERE campaign_id = ?', (json.dumps([mb]), int(sys.argv[5])))
c.commit()`
    const someProfiles = Object.values(seed.profiles)
    execFileSync(PYTHON, ['-c', big, fileA, String(someProfiles[0]), String(someProfiles[5]), String(seed.scrapingSessions[1]!.scrapingId), String(seed.campaigns[0]!.campaignId)])
    copyFileSync(fileA, fileB)
    // openDatabase() without a path and defaultDatabasePath() use APPDATA: keep them in the
    // temp dir. A relative path would resolve against the working directory: make it the
    // temp dir too, so no call can write into the repository.
    process.env.APPDATA = path.join(dir, 'appdata')
    process.chdir(dir)
  })
  afterAll(() => {
    process.chdir(savedCwd)
    if (savedAppData === undefined) delete process.env.APPDATA
    else process.env.APPDATA = savedAppData
  })

  it('has an argument generator for every exported function and every method', () => {
    const probe = openDatabase({ path: fileA, readonly: true })
    const handle = probe.watch(() => {})
    try {
      const names = methodNames(probe)
      expect(names.length).toBeGreaterThan(80)
      const bases = new Set(names.map((n) => (n.endsWith('Sync') && names.includes(n.slice(0, -4)) ? n.slice(0, -4) : n)))
      expect([...bases].filter((b) => !(b in METHOD_ARGS)), 'methods without a generator').toEqual([])
      expect(Object.keys(METHOD_ARGS).filter((b) => !bases.has(b)), 'generators of methods that do not exist').toEqual([])
      const fns = Object.entries(addon).filter(([k, v]) => typeof v === 'function' && k !== 'default').map(([k]) => k)
      expect(fns.filter((f) => !(f in MODULE_ARGS)), 'exported functions without a generator').toEqual([])
      expect(Object.keys(MODULE_ARGS).filter((f) => !fns.includes(f))).toEqual([])
      const handleMethods = methodNames(handle)
      expect(handleMethods.filter((m) => !(m in WATCH_HANDLE_ARGS))).toEqual([])
      expect(Object.keys(WATCH_HANDLE_ARGS).filter((m) => !handleMethods.includes(m))).toEqual([])
    } finally {
      handle.close()
      probe.close()
    }
  })

  it('every call returns or fails with a TaktikErrorCode; no input runs as SQL', async () => {
    const out = path.join(dir, 'out')
    mkdirSync(out, { recursive: true })
    const A = openDatabase({ path: fileA })
    const B = openDatabase({ path: fileB })
    const RO = openDatabase({ path: fileA, readonly: true })
    const CLOSED = openDatabase({ path: fileA, readonly: true })
    CLOSED.close()
    // After the writable opens (they add the addon's indexes), before any fuzzed call.
    const beforeA = snapshot(fileA)
    const beforeB = snapshot(fileB)

    const pools: Pools = {
      acc: Object.values(seed.accounts),
      prof: Object.values(seed.profiles),
      usernames: Object.keys(seed.profiles).flatMap((u) => [u, `@${u}`, u.toUpperCase()]),
      sess: seed.sessions.map((s) => s.sessionId),
      camp: seed.campaigns.map((c) => c.campaignId),
      disc: seed.campaigns.flatMap((c) => c.discoveredProfileIds),
      scr: seed.scrapingSessions.map((s) => s.scrapingId),
      ttAcc: Object.values(seed.tiktokAccounts),
      ttProf: Object.values(seed.tiktokProfiles),
      ttSess: seed.tiktokSessions.map((s) => s.sessionId),
      filtered: seed.filteredProfiles.map((f): [number, number] => [f.accountId, f.profileId]),
      createdCampaigns: [],
    }

    // ---- targets: every method (both forms) from the prototype, every export, WatchHandle.close
    interface Target {
      label: string
      invoke: (gen: (ownPath: string) => Gen, r: Rng) => { db: string; args: unknown[]; run: () => unknown; form: 'sync' | 'async'; after?: (ok: unknown) => string | null; mustFail?: boolean; onOk?: (v: unknown) => void }
    }
    const names = methodNames(A)
    const targets: Target[] = []
    const dbs = { A, B, RO, CLOSED }
    type DbName = keyof typeof dbs
    const pickDb = (r: Rng, cat: Category): DbName => {
      const x = r.next()
      if (x < 0.05) return 'CLOSED'
      if (x < 0.15) return 'RO'
      if (cat === 'write') return 'B'
      return x < 0.25 ? 'B' : 'A'
    }

    // accounting of the write copy
    const deletedOnB: Record<string, number> = {}
    let campaignsCreatedOnB = 0
    const accountsDeletedOnB = new Set<number>()
    const isWriteResult = (v: unknown): v is { deleted: Record<string, number>; dryRun: boolean } =>
      typeof v === 'object' && v !== null && 'deleted' in v && 'dryRun' in v && 'changes' in v

    for (const name of names) {
      const isSync = name.endsWith('Sync') && names.includes(name.slice(0, -4))
      const base = isSync ? name.slice(0, -4) : name
      const spec = METHOD_ARGS[base]
      if (!spec) throw new Error(`no generator for ${name}`) // the test above reports these
      const hasSync = names.includes(`${base}Sync`)
      const form: 'sync' | 'async' = hasSync && !isSync ? 'async' : 'sync'
      targets.push({
        label: name,
        invoke: (gen, r) => {
          const dbName = spec.cat === 'close' ? 'A' : pickDb(r, spec.cat)
          const g = gen(dbName === 'B' ? fileB : fileA)
          const args = spec.args(g)
          if (form === 'async' && spec.cat === 'read' && r.chance(0.25)) args.push(g.callOptions()) // after every declared parameter
          // trailing optional args: sometimes passed as undefined, sometimes left out
          else while (args.length > 0 && args[args.length - 1] === undefined && r.chance(0.5)) args.pop()
          if (r.chance(0.05 + g.h * 0.1)) args.push(g.any()) // extra positional argument
          // a missing one (not upgradeToUnified's dryRun: without it, it moves the file)
          if (r.chance(0.03) && args.length > 0 && base !== 'upgradeToUnified') args.pop()
          if (spec.cat === 'close') {
            const fresh = openDatabase({ path: fileA, readonly: r.chance(0.5) })
            return {
              db: 'fresh',
              args,
              form,
              run: () => callMethod(fresh, name, args),
              after: () => (fresh.isOpen ? 'still open after close()' : null),
            }
          }
          const db = dbs[dbName]
          return {
            db: dbName,
            args,
            form,
            run: () => callMethod(db, name, args),
            // after close() nothing succeeds; on a readonly open every write fails (README)
            mustFail: dbName === 'CLOSED' || (dbName === 'RO' && spec.cat === 'write'),
            after:
              spec.cat === 'watch'
                ? (h) => {
                    if (!(h instanceof WatchHandle)) return `watch returned ${describe_(h)}`
                    h.close()
                    return h.closed ? null : 'handle not closed after close()'
                  }
                : spec.cat === 'live'
                  ? (h) => {
                      const q = h as { close?: unknown; closed?: unknown } | null
                      if (typeof q?.close !== 'function') return `live returned ${describe_(h)}`
                      ;(q.close as () => void)()
                      return q.closed === true ? null : 'live query not closed after close()'
                    }
                  : spec.cat === 'write'
                    ? (v) => writeShapeProblem(base, v)
                    : undefined,
            onOk:
              dbName === 'B'
                ? (v) => {
                    if (isWriteResult(v) && !v.dryRun) {
                      for (const [t, n] of Object.entries(v.deleted)) deletedOnB[LEGACY_TABLE[t] ?? t] = (deletedOnB[LEGACY_TABLE[t] ?? t] ?? 0) + n
                      if (base === 'deleteAccount' && (v.deleted['accounts'] ?? 0) > 0) accountsDeletedOnB.add(args[0] as number)
                    }
                    if (base === 'createDiscoveryCampaign') {
                      campaignsCreatedOnB++
                      const id = typeof v === 'object' && v !== null ? (v as { campaignId?: unknown }).campaignId : undefined
                      if (typeof id === 'number') pools.createdCampaigns.push(id)
                    }
                  }
                : undefined,
          }
        },
      })
    }
    const env = { file: fileA, out }
    for (const [name, gen] of Object.entries(MODULE_ARGS)) {
      const f = (addon as Record<string, unknown>)[name]
      if (typeof f !== 'function') throw new Error(`${name} is not exported`)
      const isClass = name === 'TaktikDatabase' || name === 'WatchHandle'
      for (const how of isClass ? ['new ', 'call '] : ['']) {
        targets.push({
          label: `${how}${name}`,
          invoke: (mk, r) => {
            const g = mk(fileA)
            const args = gen(g, env)
            if (r.chance(0.05 + g.h * 0.1)) args.push(g.any())
            return {
              db: '-',
              args,
              form: name === 'openDatabaseAsync' ? 'async' : 'sync',
              run: () => (how === 'new ' ? Reflect.construct(f, args) : Reflect.apply(f, undefined, args)),
              mustFail: isClass,
              after:
                name === 'openDatabase' || name === 'openDatabaseAsync'
                  ? (db) => {
                      if (!(db instanceof TaktikDatabase)) return `openDatabase returned ${describe_(db)}`
                      db.close()
                      return null
                    }
                  : name === 'defaultDatabasePath'
                    ? (p) => (p === path.join(dir, 'appdata', 'taktik-desktop', 'taktik-data.db') ? null : `returned ${describe_(p)}`)
                    : undefined,
            }
          },
        })
      }
    }
    for (const [name, gen] of Object.entries(WATCH_HANDLE_ARGS)) {
      targets.push({
        label: `WatchHandle.${name}`,
        invoke: (mk, r) => {
          const g = mk(fileA)
          const h = A.watch(() => {})
          const args = gen(g)
          if (r.chance(0.3)) args.push(g.any())
          return { db: 'A', args, form: 'sync', run: () => callMethod(h, name, args), after: () => (h.closed ? null : 'not closed') }
        },
      })
    }

    // ---- the run
    const rng = new Rng(SEED)
    const outcomes = new Map<string, number>()
    const perTarget = new Map<string, { calls: number; ok: number }>()
    const violations = new Map<string, string>() // one example per kind of violation
    let violationCount = 0
    let calls = 0
    const started = performance.now()

    const violate = (label: string, db: string, args: readonly unknown[], what: string) => {
      violationCount++
      const key = `${label}: ${what.replace(/\d+/g, '#').slice(0, 120)}`
      if (!violations.has(key)) violations.set(key, `${label} on ${db} (${describeArgs(args)}): ${what}`)
    }
    const record = (label: string, outcome: string) => {
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
      const t = perTarget.get(label) ?? { calls: 0, ok: 0 }
      t.calls++
      if (outcome === 'ok') t.ok++
      perTarget.set(label, t)
    }
    /** A failure is fine only as an Error with a documented code (INTERNAL is an addon bug). */
    const failure = (e: unknown): { code: string } | { bad: string } => {
      const code = codeOf(e)
      if (!(e instanceof Error)) return { bad: `threw a non-Error: ${describe_(e)}` }
      if (!ERROR_CODES.has(code)) return { bad: `uncoded error: ${code} ${e.message.slice(0, 200)}` }
      if (code === 'INTERNAL') return { bad: `INTERNAL: ${e.message.slice(0, 200)}` }
      return { code }
    }

    const one = (t: Target): Promise<void> | undefined => {
      const h = rng.pick([0, 0, 0.15, 0.5, 1])
      // ownPath: the file of the database called, so "refuse the live file" meets the right file
      const c = t.invoke((ownPath) => new Gen(rng, h, pools, out, ownPath), rng)
      calls++
      const settle = (v: unknown) => {
        if (c.mustFail) {
          violate(t.label, c.db, c.args, `succeeded where it must fail (returned ${describe_(v).slice(0, 80)})`)
        }
        const bad = c.after?.(v)
        if (bad) violate(t.label, c.db, c.args, bad)
        if (!c.mustFail) c.onOk?.(v)
        record(t.label, 'ok')
      }
      const fail = (e: unknown) => {
        const f = failure(e)
        if ('bad' in f) {
          violate(t.label, c.db, c.args, f.bad)
          record(t.label, 'VIOLATION')
        } else record(t.label, f.code)
      }
      if (c.form === 'sync') {
        let v: unknown
        try {
          v = c.run()
        } catch (e) {
          fail(e)
          return undefined
        }
        if (v instanceof Promise) {
          violate(t.label, c.db, c.args, 'a Sync form returned a Promise')
          v.catch(() => {})
        }
        settle(v)
        return undefined
      }
      let p: unknown
      try {
        p = c.run()
      } catch (e) {
        violate(t.label, c.db, c.args, `threw synchronously (${codeOf(e)}) instead of rejecting`)
        record(t.label, 'VIOLATION')
        return undefined
      }
      if (!(p instanceof Promise)) {
        violate(t.label, c.db, c.args, `returned ${describe_(p)} instead of a Promise`)
        record(t.label, 'VIOLATION')
        return undefined
      }
      return p.then(settle, fail)
    }

    // Pair checks: a read's Sync and async forms, same arguments, nothing else in flight, must
    // give the same outcome (the same data, or the same code).
    const readBases = Object.entries(METHOD_ARGS).filter(([, s]) => s.cat === 'read').map(([n]) => n)
    const shape = (v: unknown): string =>
      Array.isArray(v) ? `an array of ${v.length}` : v === null ? 'null' : typeof v === 'object' ? `an object with keys ${Object.keys(v).slice(0, 4).join(',')}…` : typeof v
    type Got = { ok: unknown } | { code: string } | { bad: string }
    const pairCheck = async (base: string): Promise<void> => {
      const spec = METHOD_ARGS[base]!
      const h = rng.pick([0, 0, 0.15, 0.5])
      const dbName = pickDb(rng, 'read')
      const g = new Gen(rng, h, pools, out, dbName === 'B' ? fileB : fileA)
      const args = spec.args(g)
      const db = dbs[dbName]
      calls += 2
      let s: Got
      try {
        s = { ok: callMethod(db, `${base}Sync`, args) }
      } catch (e) {
        s = failure(e)
      }
      let a: Got
      try {
        const p = callMethod(db, base, args)
        try {
          a = { ok: await (p as Promise<unknown>) }
        } catch (e) {
          a = failure(e)
        }
      } catch (e) {
        a = { bad: `threw synchronously (${codeOf(e)}) instead of rejecting` }
      }
      for (const [label, got] of [[`${base}Sync`, s], [base, a]] as const) {
        if ('bad' in got) {
          violate(label, dbName, args, got.bad)
          record(label, 'VIOLATION')
        } else record(label, 'ok' in got ? 'ok' : got.code)
      }
      if ('ok' in s && 'ok' in a) {
        if (!isDeepStrictEqual(s.ok, a.ok)) violate(base, dbName, args, `async result differs from Sync: Sync gave ${shape(s.ok)}, async ${shape(a.ok)}`)
      } else if ('code' in s && 'code' in a) {
        if (s.code !== a.code) violate(base, dbName, args, `Sync failed with ${s.code}, async with ${a.code}`)
      } else if (!('bad' in s) && !('bad' in a)) {
        violate(base, dbName, args, `Sync ${'ok' in s ? 'succeeded' : `failed with ${'code' in s ? s.code : ''}`}, async ${'ok' in a ? 'succeeded' : `failed with ${'code' in a ? a.code : ''}`}`)
      }
    }

    while (calls < CALLS) {
      if (rng.chance(0.1)) {
        await pairCheck(rng.pick(readBases))
        continue
      }
      // up to 4 calls in flight at once (Sync ones run in between)
      const pending: Promise<void>[] = []
      const width = 1 + rng.int(4)
      for (let i = 0; i < width && calls < CALLS; i++) {
        const p = one(rng.pick(targets))
        if (p) pending.push(p)
      }
      await Promise.all(pending)
    }
    const elapsedMs = Math.round(performance.now() - started)

    A.close()
    B.close()
    RO.close()
    const afterA = snapshot(fileA)
    const afterB = snapshot(fileB)

    const counts = Object.fromEntries([...outcomes].sort(([, a], [, b]) => b - a))
    const okShare = (outcomes.get('ok') ?? 0) / calls
    figures('fuzz', {
      seed: SEED,
      calls,
      targets: targets.length,
      elapsedMs,
      outcomes: counts,
      okShare: Number(okShare.toFixed(3)),
      violations: violationCount,
      distinctViolations: [...violations.values()],
      deletedOnB,
      campaignsCreatedOnB,
      accountsDeletedOnB: [...accountsDeletedOnB],
      perTarget: Object.fromEntries(perTarget),
    })
    console.log(`fuzz seed ${SEED}: ${calls} calls over ${targets.length} targets in ${elapsedMs} ms`, counts)

    // 1. the contract of every call (soft: the checks below still run and report)
    expect.soft([...violations.values()], `${violationCount} violations (one example per kind)`).toEqual([])
    // every target was called, and (except the classes, which cannot be constructed) reached
    // its real work at least once: the generators are not only exercising validation
    expect(targets.filter((t) => !perTarget.has(t.label)).map((t) => t.label)).toEqual([])
    expect(
      targets
        .filter((t) => !/^(new|call) /.test(t.label) && (perTarget.get(t.label)?.ok ?? 0) === 0)
        .map((t) => t.label),
      'targets that never succeeded',
    ).toEqual([])
    expect(okShare, 'share of calls that reached SQL and succeeded').toBeGreaterThan(0.2)

    // 2. the read file: same schema, same rows, byte for byte
    expect(afterA.master).toEqual(beforeA.master)
    expect(afterA.counts).toEqual(beforeA.counts)
    expect(afterA.hashes).toEqual(beforeA.hashes)

    // 3. the write copy: no table created or dropped; tables no write touches are unchanged;
    // every other table lost exactly the rows the writes reported (plus created campaigns);
    // accounts went only through deleteAccount with a valid id
    expect(afterB.master).toEqual(beforeB.master)
    for (const t of ['profile_stats_history', 'scraped_profiles', 'scraped_comments', 'tiktok_accounts', 'tiktok_profiles', 'tiktok_sessions', 'tiktok_daily_stats']) {
      expect(afterB.hashes[t], t).toBe(beforeB.hashes[t])
    }
    const expectedCounts = Object.fromEntries(
      Object.entries(beforeB.counts)
        .filter(([t]) => t !== 'sqlite_sequence')
        .map(([t, n]) => [t, n - (deletedOnB[t] ?? 0) + (t === 'discovery_campaigns' ? campaignsCreatedOnB : 0)]),
    )
    const { sqlite_sequence: _seq, ...countsB } = afterB.counts
    expect(countsB).toEqual(expectedCounts)
    expect(afterB.accountIds).toEqual(beforeB.accountIds.filter((id) => !accountsDeletedOnB.has(id)))
    // and the writes did reach SQL
    expect(Object.values(deletedOnB).reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
    expect(campaignsCreatedOnB).toBeGreaterThan(0)
  })
})

// ---------------------------------------------------------------------------------------
// 2. Hostile rows: every storage class in every column
// ---------------------------------------------------------------------------------------

interface HostileBuild {
  columns: Record<string, { name: string; type: string; notnull: boolean; pk: boolean }[]>
  landed: Record<string, Record<string, string[]>>
  every: Record<string, number[]>
  linked: Record<string, number[]>
  usernames: unknown[]
  notes: string[]
}

/** Python (foreign keys OFF): for each table of the bootstrapped schema and each hostile value
 * V, one row with every column = V and one with every column = V except the linking columns,
 * which point at real rows (the idle seeded account, a seeded session, campaign, scraping run,
 * TikTok account/session, and the linked hostile profile of the same V), and `date`, which is
 * a local day in the window getDailyStats reads. Constraints force fallbacks, all listed in
 * `notes`: INTEGER PRIMARY KEY takes only integers (other V: a fresh id); NOT NULL refuses NULL
 * (0 / 0.0 / '' by declared type); UNIQUE columns get a same-class variant on a conflict. */
const BUILD_HOSTILE = String.raw`
import datetime, json, sqlite3, sys
target, boot, links = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
b = sqlite3.connect(boot)
q = lambda sql: b.execute(sql).fetchall()
tables = [r[0] for r in q("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
cols, uniq, fks = {}, {}, {}
for t in tables:
    cols[t] = [dict(name=r[1], type=(r[2] or '').upper(), notnull=bool(r[3]), pk=bool(r[5])) for r in q('PRAGMA table_info("%s")' % t)]
    uniq[t] = sorted({r[2] for i in q('PRAGMA index_list("%s")' % t) if i[2] for r in q('PRAGMA index_info("%s")' % i[1])})
    fks[t] = {r[3]: r[2] for r in q('PRAGMA foreign_key_list("%s")' % t)}
b.close()
VALUES = [('NULL', None), ('INTEGER 0', 0), ('INTEGER -1', -1), ('INTEGER max', 9223372036854775807),
          ('REAL 1.5', 1.5), ('REAL -0.0', -0.0), ('REAL 1e308', 1e308),
          ("TEXT ''", ''), ("TEXT 'abc'", 'abc'), ('TEXT bad date', '2026-13-45 99:99:99'), ('TEXT emoji', '\U0001F389\U0001F469\u200d\U0001F467'),
          ("BLOB x''", b''), ("BLOB x'fffe00c328'", bytes.fromhex('fffe00c328'))]
FIRST = ['instagram_accounts', 'instagram_profiles', 'tiktok_accounts', 'tiktok_profiles']
order = FIRST + [t for t in tables if t not in FIRST]
PARENT = {'instagram_accounts': links['account'], 'scraping_sessions': links['scraping'],
          'discovery_campaigns': links['campaign'], 'tiktok_accounts': links['ttAccount']}
today = datetime.date.today()
c = sqlite3.connect(target, isolation_level=None)
c.execute('PRAGMA foreign_keys=OFF')
c.execute('BEGIN')
state = {'id': 100000, 'u': 0}
every = {t: [] for t in tables}
linked = {t: [] for t in tables}
linked_by_value = {t: {} for t in tables}
notes = set()

def fresh_id():
    state['id'] += 1
    return state['id']

def link(t, col, i):
    parent = fks[t].get(col)
    if parent in PARENT:
        return True, PARENT[parent]
    if parent in ('instagram_profiles', 'tiktok_profiles'):
        return True, linked_by_value[parent][i]
    if parent is not None:
        raise SystemExit('no link target for %s.%s -> %s' % (t, col, parent))
    if col == 'session_id':
        return True, links['ttSession'] if t.startswith('tiktok_') else links['session']
    if col == 'date':
        return True, (today - datetime.timedelta(days=10 + i)).isoformat()
    return False, None

def fallback(col):
    ty = col['type']
    return 0 if 'INT' in ty else 0.0 if any(k in ty for k in ('REAL', 'FLOA', 'DOUB')) else ''

def variant_of(v, k):
    state['u'] += 1
    if v is None: return None
    if type(v) is int: return 7000000 + state['u']
    if type(v) is float: return -(abs(v) / (k + 2)) if abs(v) > 1e300 else v + k + 0.25
    if type(v) is bytes: return v + bytes([k])
    return '%s#%d' % (v, k)

for t in order:
    for i, (label, v) in enumerate(VALUES):
        for variant in ('all', 'linked'):
            row, links_here = {}, set()
            for col in cols[t]:
                n = col['name']
                if col['pk']:
                    if variant == 'all' and type(v) is int:
                        row[n] = v
                    else:
                        row[n] = fresh_id()
                        if variant == 'all':
                            notes.add('%s.%s is INTEGER PRIMARY KEY: non-integer values replaced by a fresh id' % (t, n))
                    continue
                if variant == 'linked':
                    is_link, lv = link(t, n, i)
                    if is_link:
                        row[n], _ = lv, links_here.add(n)
                        continue
                if v is None and col['notnull']:
                    row[n] = fallback(col)
                    notes.add('%s.%s is NOT NULL: NULL replaced by %r' % (t, n, row[n]))
                else:
                    row[n] = v
            for k in range(1, 8):
                try:
                    names = list(row)
                    c.execute('INSERT INTO "%s" (%s) VALUES (%s)' % (t, ', '.join('"%s"' % n for n in names), ', '.join('?' * len(names))),
                              [row[n] for n in names])
                    break
                except sqlite3.IntegrityError as e:
                    if 'UNIQUE' not in str(e) or k == 7:
                        raise SystemExit('%s %s %s: %s' % (t, variant, label, e))
                    for n in uniq[t]:
                        col = next(x for x in cols[t] if x['name'] == n)
                        if not col['pk'] and n not in links_here:
                            row[n] = variant_of(row[n], k)
                            notes.add('%s.%s is UNIQUE: a conflicting value got a same-class variant' % (t, n))
            pk = next(row[x['name']] for x in cols[t] if x['pk'])
            (every if variant == 'all' else linked)[t].append(pk)
            if variant == 'linked':
                linked_by_value[t][i] = pk
c.execute('COMMIT')
landed = {}
for t in tables:
    ids = every[t] + linked[t]
    marks = ', '.join('?' * len(ids))
    landed[t] = {col['name']: sorted({r[0] for r in c.execute('SELECT typeof("%s") FROM "%s" WHERE rowid IN (%s)' % (col['name'], t, marks), ids)})
                 for col in cols[t]}
c.text_factory = bytes
usernames = [r[0].decode('utf-8', 'replace') for r in c.execute(
    "SELECT username FROM instagram_profiles WHERE typeof(username) = 'text' AND rowid IN (%s)" % ', '.join('?' * len(every['instagram_profiles'] + linked['instagram_profiles'])),
    every['instagram_profiles'] + linked['instagram_profiles'])]
c.close()
print(json.dumps({'columns': cols, 'landed': landed, 'every': every, 'linked': linked, 'usernames': usernames, 'notes': sorted(notes)}))
`

type Affinity = 'INTEGER' | 'TEXT' | 'BLOB' | 'REAL' | 'NUMERIC'
function affinity(declared: string): Affinity {
  if (declared.includes('INT')) return 'INTEGER'
  if (/CHAR|CLOB|TEXT/.test(declared)) return 'TEXT'
  if (declared === '' || declared.includes('BLOB')) return 'BLOB'
  if (/REAL|FLOA|DOUB/.test(declared)) return 'REAL'
  return 'NUMERIC'
}
/** Storage classes a column of that affinity can hold (SQLite converts the rest on insert:
 * a number bound to a TEXT column is stored as text, an integer in a REAL column as real). */
const CAN_HOLD: Record<Affinity, string[]> = {
  INTEGER: ['blob', 'integer', 'null', 'real', 'text'],
  NUMERIC: ['blob', 'integer', 'null', 'real', 'text'],
  BLOB: ['blob', 'integer', 'null', 'real', 'text'],
  REAL: ['blob', 'null', 'real', 'text'],
  TEXT: ['blob', 'null', 'text'],
}

describe('hostile rows: every storage class in every column', () => {
  it('every read function (both forms) and exportCsv read them without throwing', async () => {
    const boot = tempDb('bootstrap.db')
    py(['bootstrap', boot])
    const file = tempDb('hostile.db')
    const seed = py<Seed>(['seed', file])
    const links = {
      account: seed.idleAccountId,
      session: seed.sessions[0]!.sessionId,
      campaign: seed.campaigns[0]!.campaignId,
      scraping: seed.scrapingSessions.find((s) => s.profileIds.length > 0)!.scrapingId,
      ttAccount: seed.tiktokAccounts['tt_beta']!,
      ttSession: seed.tiktokSessions[0]!.sessionId,
    }
    const built = JSON.parse(
      execFileSync(PYTHON, ['-c', BUILD_HOSTILE, file, boot, JSON.stringify(links)], { encoding: 'utf8', maxBuffer: 64 << 20 }),
    ) as HostileBuild

    // The storage classes really landed: each column holds every class its affinity allows,
    // minus NULL where NOT NULL and anything but integers in an INTEGER PRIMARY KEY.
    const missing: string[] = []
    for (const [t, cols] of Object.entries(built.columns)) {
      for (const col of cols) {
        const want = col.pk ? ['integer'] : CAN_HOLD[affinity(col.type)].filter((c) => !(col.notnull && c === 'null'))
        const got = built.landed[t]?.[col.name] ?? []
        const lacking = want.filter((c) => !got.includes(c))
        if (lacking.length > 0) missing.push(`${t}.${col.name} (${col.type}): no ${lacking.join(', ')}`)
      }
    }
    expect(missing).toEqual([])
    expect(Object.keys(built.columns).length).toBe(21)

    const db = openDatabase({ path: file })
    try {
      const safe = (ids: readonly number[]) => ids.filter((x) => Number.isSafeInteger(x) && x >= 0)
      const hostile = (t: string) => safe([...(built.every[t] ?? []), ...(built.linked[t] ?? [])])
      const uniq = (xs: number[]) => [...new Set(xs)]
      const accIds = uniq([...Object.values(seed.accounts), ...hostile('instagram_accounts')])
      const profIds = uniq([...Object.values(seed.profiles), ...hostile('instagram_profiles')])
      const sessIds = uniq([...seed.sessions.map((s) => s.sessionId), ...hostile('sessions')])
      const scrIds = uniq([...seed.scrapingSessions.map((s) => s.scrapingId), ...hostile('scraping_sessions')])
      const campIds = uniq([...seed.campaigns.map((c) => c.campaignId), ...hostile('discovery_campaigns')])
      const ttAccIds = uniq([...Object.values(seed.tiktokAccounts), ...hostile('tiktok_accounts')])
      const ttSessIds = uniq([...seed.tiktokSessions.map((s) => s.sessionId), ...hostile('tiktok_sessions')])

      const plan: [string, unknown[]][] = []
      const add = (name: string, ...argLists: unknown[][]) => {
        for (const a of argLists) plan.push([name, a])
      }
      const filterText = ['abc', '2026-13-45 99:99:99', '🎉']
      add('getAccounts', [])
      add('getTikTokAccounts', [])
      add('getDiscoveryCampaigns', [], [null])
      add('getPosts', [], [{ limit: 10000 }], ...filterText.map((s) => [{ status: s, limit: 10000 }]))
      add('getScrapingSessions', [{ limit: 10000 }], ...filterText.map((s) => [{ status: s, scrapingType: s, limit: 10000 }]))
      add('getScrapedComments', [{ limit: 10000 }], ...filterText.map((s) => [{ username: s, limit: 10000 }]), ...filterText.map((s) => [{ targetUsername: s }]))
      add('getTikTokProfiles', [{ limit: 10000 }], ...filterText.map((s) => [{ search: s, limit: 10000 }]))
      for (const a of accIds) {
        add('getAccount', [a])
        add('getSessions', [a, { limit: 10000 }])
        add('getDailyStats', [a, 3650])
        add('getProfiles', [a, { limit: 10000 }])
        add('countProfiles', [a])
        add('getInteractions', [a, { limit: 10000 }])
        add('getFilteredProfiles', [a, { limit: 10000 }])
        add('getProcessedHashtagPosts', [a, { limit: 10000 }])
        add('getDiscoveryCampaigns', [a])
        add('getPosts', [{ accountId: a, limit: 10000 }])
      }
      for (const a of [links.account, seed.accounts['alice_bot']!]) {
        for (const sortBy of SORT_BY) for (const order of ['asc', 'desc']) add('getProfiles', [a, { sortBy, order, limit: 10000 }])
        add('getProfiles', ...filterText.map((s) => [a, { search: s }]), [a, { minFollowers: 0, maxFollowers: 1e9, isPrivate: true, isVerified: false, isBusiness: true }])
        add('countProfiles', ...filterText.map((s) => [a, { search: s }]), [a, { minFollowers: 1, isPrivate: false }])
        add(
          'getInteractions',
          [a, { since: 0, until: Date.now() + 86_400_000, limit: 10000 }],
          [a, { since: '2000-01-01T00:00:00Z', until: '2100-01-01 00:00:00' }],
          [a, { type: 'abc' }],
          [a, { sessionId: links.session, limit: 10000 }],
          [a, { profileId: hostile('instagram_profiles')[0]! }],
        )
        add('getSessions', ...filterText.map((s) => [a, { status: s }]))
        add('getProcessedHashtagPosts', ...filterText.map((s) => [a, { hashtag: s }]))
      }
      for (const p of profIds) {
        add('getProfile', [p])
        add('getProfileStatsHistory', [p])
        add('getPosts', [{ profileId: p }])
      }
      for (const u of built.usernames) if (typeof u === 'string' && u !== '') add('getProfile', [u], [`@${u}`])
      for (const s of sessIds) add('getSessionStats', [s])
      for (const s of sessIds) {
        add('getSession', [s])
        add('getInteractions', [null, { sessionId: s, limit: 10000 }])
        add('countInteractions', [null, { sessionId: s }])
      }
      for (const a of accIds) {
        add('countSessions', [a], [a, { since: 0, until: '2100-01-01 00:00:00' }])
        add('countInteractions', [a], [a, { type: ['abc', 'LIKE'], since: 0 }])
        add('getActivity', [{ accountId: a, groupBy: ['day', 'hour', 'type', 'account'] }])
      }
      add('getActivity', [{ groupBy: 'type' }], [{ groupBy: 'day', from: '2000-01-01', to: '2000-01-31' }], [{ groupBy: ['hour', 'account'] }])
      add('getTikTokActivity', [{ groupBy: ['type', 'day'] }], [{ groupBy: 'hour', accountId: ttAccIds }])
      for (const s of scrIds) {
        add('getScrapingSession', [s])
        add('getScrapedProfiles', [s, { limit: 10000 }], [s, { minScore: 0, qualifiedOnly: true }])
        add('getScrapedComments', [{ scrapingSessionId: s, limit: 10000 }])
      }
      for (const c of campIds) {
        add('getDiscoveryProgress', [c])
        add('getDiscoveredProfiles', [c, { limit: 10000 }], ...filterText.map((s) => [c, { status: s, minScore: 0 }]))
      }
      for (const a of ttAccIds) {
        add('getTikTokAccount', [a])
        add('getTikTokSessions', [a, { limit: 10000 }], [a, { status: 'abc' }])
        add('getTikTokDailyStats', [a, 3650])
        add('getTikTokInteractions', [a, { limit: 10000 }], [a, { since: 0, type: 'abc' }])
        add('getTikTokFilteredProfiles', [a, { limit: 10000 }])
        add('countTikTokSessions', [a], [a, { status: 'abc' }])
        add('countTikTokInteractions', [a], [a, { type: ['abc'] }])
      }
      for (const s of ttSessIds) add('getTikTokSession', [s])
      for (const s of ttSessIds) add('getTikTokInteractions', [links.ttAccount, { sessionId: s }])
      add('getDatabaseInfo', [])
      add('integrityCheck', [], [{ quick: true }])
      // The app's own SQL over every hostile row: the same row mapper, every column of every table.
      for (const t of Object.keys(built.columns)) add('query', [`SELECT * FROM "${t}"`], [`SELECT count(*) AS n, max(rowid) AS last_id FROM "${t}" WHERE rowid > ?`, [0]])

      // every read function is in the plan (derived from the prototype, like the fuzzer)
      const names = methodNames(db)
      const reads = Object.entries(METHOD_ARGS).filter(([n, s]) => s.cat === 'read' && names.includes(`${n}Sync`)).map(([n]) => n)
      expect(reads.filter((n) => !plan.some(([p]) => p === n))).toEqual([])

      const failures: string[] = []
      const results = new Map<string, unknown>()
      for (const [name, args] of plan) {
        const label = `${name}(${describeArgs(args)})`
        let fromSync: unknown
        try {
          fromSync = callMethod(db, `${name}Sync`, args)
        } catch (e) {
          failures.push(`${label}Sync: ${codeOf(e)} ${e instanceof Error ? e.message : ''}`)
          continue
        }
        try {
          const fromAsync: unknown = await (callMethod(db, name, args) as Promise<unknown>)
          if (!isDeepStrictEqual(fromAsync, fromSync)) failures.push(`${label}: async and Sync results differ`)
        } catch (e) {
          failures.push(`${label}: ${codeOf(e)} ${e instanceof Error ? e.message : ''}`)
        }
        results.set(label, fromSync)
      }
      expect(failures).toEqual([])

      // Pages by cursor over hostile sort keys (every storage class, NULLs, ties): the
      // concatenated pages are the whole listing, for every order of getProfiles.
      const walks: string[] = []
      const walk = (name: string, args: (o: Record<string, unknown>) => unknown[]) => {
        const full = callMethod(db, `${name}Sync`, args({ limit: 10000 })) as unknown[]
        const got: unknown[] = []
        let after: unknown
        for (let i = 0; i < 10000; i++) {
          const page = callMethod(db, `${name}Sync`, args(after === undefined ? { limit: 7 } : { limit: 7, after })) as unknown[] & { nextCursor: unknown }
          got.push(...page)
          if (page.nextCursor === null) break
          after = page.nextCursor
        }
        if (!isDeepStrictEqual(got, full)) walks.push(`${name}(${describeArgs(args({}))}): ${got.length} rows by cursor, ${full.length} in one page`)
      }
      for (const a of [links.account, seed.accounts['alice_bot']!]) {
        for (const sortBy of SORT_BY) for (const order of ['asc', 'desc']) walk('getProfiles', (o) => [a, { ...o, sortBy, order }])
        walk('getProfiles', (o) => [a, { ...o, search: 'a' }])
        walk('getSessions', (o) => [a, o])
        walk('getInteractions', (o) => [a, o])
        walk('getFilteredProfiles', (o) => [a, o])
        walk('getProcessedHashtagPosts', (o) => [a, o])
      }
      walk('getScrapedProfiles', (o) => [links.scraping, o])
      walk('getDiscoveredProfiles', (o) => [links.campaign, o])
      walk('getScrapedComments', (o) => [o])
      walk('getPosts', (o) => [o])
      walk('getScrapingSessions', (o) => [o])
      walk('getTikTokProfiles', (o) => [o])
      walk('getTikTokInteractions', (o) => [links.ttAccount, o])
      expect(walks).toEqual([])

      // The linked hostile rows really were read (they are in the results, not skipped).
      const result = (name: string, ...args: unknown[]): unknown => {
        const k = `${name}(${describeArgs(args)})`
        if (!results.has(k)) throw new Error(`not in the plan: ${k}`)
        return results.get(k)
      }
      const idsOf = (v: unknown, key: string): unknown[] =>
        Array.isArray(v) ? v.map((row: unknown) => (row as Record<string, unknown>)[key]) : [(v as Record<string, unknown>)[key]]
      const unseen: string[] = []
      const sees = (table: string, which: 'linked' | 'both', key: string, name: string, ...args: unknown[]) => {
        const want = which === 'linked' ? built.linked[table]! : [...built.every[table]!, ...built.linked[table]!]
        const got = new Set(idsOf(result(name, ...args), key))
        const lost = want.filter((id) => !got.has(id))
        if (lost.length > 0) unseen.push(`${name}(${describeArgs(args)}) misses ${table} ${lost.join(', ')}`)
      }
      const all = { limit: 10000 }
      sees('instagram_accounts', 'both', 'accountId', 'getAccounts')
      sees('tiktok_accounts', 'both', 'accountId', 'getTikTokAccounts')
      sees('discovery_campaigns', 'both', 'campaignId', 'getDiscoveryCampaigns')
      sees('scraping_sessions', 'both', 'scrapingId', 'getScrapingSessions', all)
      sees('tiktok_profiles', 'both', 'profileId', 'getTikTokProfiles', all)
      sees('instagram_posts', 'both', 'postId', 'getPosts', all)
      sees('scraped_comments', 'both', 'commentId', 'getScrapedComments', all)
      sees('sessions', 'linked', 'sessionId', 'getSessions', links.account, all)
      sees('instagram_profiles', 'linked', 'profileId', 'getProfiles', links.account, all)
      sees('interaction_history', 'linked', 'id', 'getInteractions', links.account, all)
      sees('filtered_profiles', 'linked', 'id', 'getFilteredProfiles', links.account, all)
      sees('processed_hashtag_posts', 'linked', 'id', 'getProcessedHashtagPosts', links.account, all)
      sees('discovery_campaigns', 'linked', 'campaignId', 'getDiscoveryCampaigns', links.account)
      sees('scraped_profiles', 'linked', 'id', 'getScrapedProfiles', links.scraping, all)
      sees('discovery_progress', 'linked', 'progressId', 'getDiscoveryProgress', links.campaign)
      sees('discovered_profiles', 'linked', 'profileId', 'getDiscoveredProfiles', links.campaign, all)
      sees('tiktok_sessions', 'linked', 'sessionId', 'getTikTokSessions', links.ttAccount, all)
      sees('tiktok_interaction_history', 'linked', 'id', 'getTikTokInteractions', links.ttAccount, all)
      sees('tiktok_filtered_profiles', 'linked', 'id', 'getTikTokFilteredProfiles', links.ttAccount, all)
      const history = built.linked['instagram_profiles']!.flatMap((p) => idsOf(result('getProfileStatsHistory', p), 'id'))
      const lostHistory = built.linked['profile_stats_history']!.filter((id) => !history.includes(id))
      if (lostHistory.length > 0) unseen.push(`getProfileStatsHistory misses ${lostHistory.join(', ')}`)
      for (const id of hostile('instagram_profiles')) if (result('getProfile', id) === null) unseen.push(`getProfile(${id}) is null`)
      for (const id of hostile('scraping_sessions')) if (result('getScrapingSession', id) === null) unseen.push(`getScrapingSession(${id}) is null`)
      expect(unseen).toEqual([])
      const stats = result('getSessionStats', links.session) as { totalInteractions: number }
      expect(stats.totalInteractions).toBeGreaterThanOrEqual(built.linked['interaction_history']!.length)
      expect(result('integrityCheck')).toEqual({ ok: true, problems: [] })
      // the daily tables: 3650 zero-filled days including the hostile rows' dates
      expect(result('getDailyStats', links.account, 3650)).toHaveLength(3650)
      expect(result('getTikTokDailyStats', links.ttAccount, 3650)).toHaveLength(3650)

      // exportCsv of the three kinds, both forms: succeeds, and the file holds the rows
      const exportDir = path.dirname(file)
      const exports: [string, Record<string, unknown>, number][] = [
        ['profiles', { accountId: links.account }, built.linked['instagram_profiles']!.length],
        ['interactions', { accountId: links.account }, built.linked['interaction_history']!.length],
        ['scrapedProfiles', { scrapingId: links.scraping }, built.linked['scraped_profiles']!.length],
      ]
      const exportFailures: string[] = []
      for (const [kind, filters, atLeast] of exports) {
        for (const form of ['Sync', 'async'] as const) {
          const dest = path.join(exportDir, `hostile-${kind}-${form}.csv`)
          try {
            const r = (form === 'Sync'
              ? callMethod(db, 'exportCsvSync', [kind, dest, { ...filters, bom: true }])
              : await (callMethod(db, 'exportCsv', [kind, dest, filters]) as Promise<unknown>)) as { rows: number; path: string }
            expect(r.rows, `${kind} ${form}`).toBeGreaterThanOrEqual(atLeast)
            expect(existsSync(dest)).toBe(true)
            expect(parseCsv(readFileSync(dest, 'utf8').replace(/^\uFEFF/, '')), `${kind} ${form}: header + rows`).toHaveLength(r.rows + 1)
          } catch (e) {
            exportFailures.push(`exportCsv${form === 'Sync' ? 'Sync' : ''}(${kind}): ${codeOf(e)} ${e instanceof Error ? e.message : ''}`)
          }
        }
      }
      expect(exportFailures).toEqual([])

      figures('fuzz-hostile', {
        readCalls: plan.length * 2,
        exports: exports.length * 2,
        rows: Object.fromEntries(Object.keys(built.columns).map((t) => [t, (built.every[t]?.length ?? 0) + (built.linked[t]?.length ?? 0)])),
        fallbacks: built.notes,
      })
    } finally {
      db.close()
    }
  })
})

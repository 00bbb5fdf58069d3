// Verifies that benchmark/baseline.mjs returns output deep-equal to the addon's
// `...Sync` methods, for every method, with arguments discovered from the data.
//
//   node benchmark/check-baseline.mjs DB_PATH [--verbose] [--better-sqlite3 DIR]
//   node benchmark/check-baseline.mjs --edge [--unified] [--verbose] [--better-sqlite3 DIR]
//
// --better-sqlite3 DIR checks the better-sqlite3 package in DIR instead of the
// devDependency (e.g. .cache/npm/better-sqlite3-13/node_modules/better-sqlite3,
// which `npm run bench` installs, under the Node 24 in .cache/node/).
//
// The file's layout (legacy or unified, as the addon detects it) picks the
// baseline's SQL (createBaseline's `layout`) and how arguments are discovered.
//
// --edge builds a throwaway database in the OS temp dir (schema by the addon's own
// writable open) holding edge values the fixtures do not: every timestamp shape
// (offsets, lowercase t/z, comma fractions, DST gaps and overlaps, years 0000 and
// 9999 crossing into signed years, LMT-era dates, invalid dates), numeric text with
// Unicode whitespace, +-2^63 integers, flags like 'nan'/'Infinity'/0.25, JSON with
// BOM/NBSP/deep nesting/duplicate keys/1e400, and invalid UTF-8 BLOBs; then checks it
// like any file and deletes it. With --unified the same file is first converted to
// the unified layout by the fixture's `migrate` (as the bot converts a legacy file),
// then opened once writable by the addon (which adds its index, as on legacy).
//
// Both baselines are checked when their driver loads (better-sqlite3 needs the
// Node it was compiled for; node:sqlite needs Node >= 22); a driver that fails to
// load is skipped with a message. Exit 1 on any mismatch (or if no driver loads).

import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import util from 'node:util'

import { createBaseline, METHODS, NOT_IN_UNIFIED, SCHEMA, UNIFIED_TABLES, epochMs } from './baseline.mjs'

/**
 * @typedef {import('./baseline.mjs').Baseline} Baseline
 * @typedef {Error & { code?: string }} CodedError an error of either API (the addon's carry a code)
 * @typedef {{ path: string, a: unknown, b: unknown, rowA?: unknown, rowB?: unknown }} Diff
 */

const require = createRequire(import.meta.url)
const argv = process.argv.slice(2)
const verbose = argv.includes('--verbose')
const edge = argv.includes('--edge')
const bsqAt = argv.indexOf('--better-sqlite3')
const bsqModule = bsqAt >= 0 && argv[bsqAt + 1] ? resolve(String(argv[bsqAt + 1])) : undefined
let path = argv.find((a, i) => !a.startsWith('--') && (bsqAt < 0 || i !== bsqAt + 1))
if (edge && !path) {
  path = join(tmpdir(), `taktik-baseline-edge-${process.pid}.db`)
  process.on('exit', () => { for (const f of ['', '-wal', '-shm']) rmSync(path + f, { force: true }) })
  await buildEdgeDb(path)
  if (argv.includes('--unified')) {
    const fixture = fileURLToPath(new URL('../__test__/fixtures/pyside.py', import.meta.url))
    const schemas = [
      ...(process.env.TAKTIK_SCHEMA_JSON ? ['--schema', process.env.TAKTIK_SCHEMA_JSON] : []),
      ...(process.env.TAKTIK_UNIFIED_SCHEMA_JSON ? ['--unified-schema', process.env.TAKTIK_UNIFIED_SCHEMA_JSON] : []),
    ]
    execFileSync(process.env.PYTHON ?? 'python3', [fixture, ...schemas, 'migrate', path], { stdio: ['ignore', 'ignore', 'pipe'] })
    // A writable open adds the addon's index on `interactions`, as the legacy edge
    // file has the legacy ones: the baseline then groups on it (the fixtures,
    // opened readonly, check the other form of its getProfiles SQL).
    require('../index.js').openDatabase({ path }).close()
  }
}
if (!path) {
  console.error('usage: node benchmark/check-baseline.mjs DB_PATH|--edge [--unified] [--verbose]')
  process.exit(2)
}
if (!existsSync(path)) {
  console.error(`check-baseline: no file at ${path}`)
  process.exit(2)
}

let failed = 0
let passed = 0
let skipped = 0
let limited = 0
const MAX_REPORTS = 15
let reports = 0
const fail = (/** @type {string} */ msg) => {
  failed++
  if (reports++ < MAX_REPORTS) console.log(`FAIL ${msg}`)
  else if (reports === MAX_REPORTS + 1) console.log('... (further failures not shown)')
}

// ---------------------------------------------------------------------------
// 0. The baseline's copy of the schema matches shared/python-side/schema.json.
// ---------------------------------------------------------------------------

const schemaPath = fileURLToPath(new URL('../../shared/python-side/schema.json', import.meta.url))
if (existsSync(schemaPath)) {
  const json = JSON.parse(readFileSync(schemaPath, 'utf8')).tables
  const want = Object.fromEntries(Object.entries(json).map(([t, v]) => [t, v.columns.map((/** @type {string[]} */ c) => ({ name: c[0], type: c[1], zeroDefault: c[3] === '0' }))]))
  if (util.isDeepStrictEqual(want, SCHEMA)) passed++
  else fail(`baseline.mjs SCHEMA differs from ${schemaPath}`)
} else {
  console.log(`note: ${schemaPath} not found; schema copy not checked`)
}

// The unified baseline's column map names only columns the unified layout has
// (shared/python-side/unified/schema.json): every legacy column of an API table
// is found, under its own name or the one the map gives, or is mapped to none.
const unifiedSchemaPath = fileURLToPath(new URL('../../shared/python-side/unified/schema.json', import.meta.url))
if (existsSync(unifiedSchemaPath)) {
  const json = JSON.parse(readFileSync(unifiedSchemaPath, 'utf8')).tables
  const wrong = []
  for (const [api, [table, renames]] of Object.entries(UNIFIED_TABLES)) {
    const have = new Set((json[table]?.columns ?? []).map((/** @type {string[]} */ c) => c[0]))
    const cols = SCHEMA[api]
    if (!cols) {
      wrong.push(`${api} (not in SCHEMA)`)
      continue
    }
    for (const c of cols) {
      const from = c.name in renames ? renames[c.name] : c.name
      if (from !== null && !have.has(from)) wrong.push(`${api}.${c.name} -> ${table}.${from}`)
      if (from === null && have.has(c.name)) wrong.push(`${api}.${c.name} mapped to none, but ${table} has it`)
    }
  }
  if (wrong.length === 0) passed++
  else fail(`baseline.mjs UNIFIED_TABLES names columns ${unifiedSchemaPath} does not have: ${wrong.join(', ')}`)
}

// ---------------------------------------------------------------------------
// 1. Open the addon and the baselines.
// ---------------------------------------------------------------------------

const addon = require('../index.js').openDatabase({ path, readonly: true })
// The baseline is written per layout (the app knows which bot wrote its file).
const layout = addon.layout
if (layout !== 'legacy' && layout !== 'unified') {
  console.log(`0 passed, 1 failed (the file's layout is ${layout}: the baseline reads legacy and unified files)`)
  process.exit(1)
}
const unified = layout === 'unified'
/** @type {Baseline[]} */
const baselines = []
for (const driver of ['better-sqlite3', 'node:sqlite']) {
  try {
    baselines.push(await createBaseline(driver, path, { layout, module: driver === 'better-sqlite3' ? bsqModule : undefined }))
  } catch (e) {
    console.log(`skip ${driver}: it does not load under Node ${process.versions.node} (${String(e instanceof Error ? e.message : e).split('\n')[0]})`)
  }
}
if (baselines.length === 0) {
  console.log('0 passed, 1 failed (no baseline driver loads)')
  process.exit(1)
}
console.log(`checking ${baselines.map((b) => b.driver).join(' + ')} against the addon on ${path} (${layout} layout, TZ=${process.env.TZ ?? Intl.DateTimeFormat().resolvedOptions().timeZone}, Node ${process.versions.node})`)

// ---------------------------------------------------------------------------
// 2. Discover arguments from the data (a raw read through the first baseline's
//    driver, independent of both implementations under test).
// ---------------------------------------------------------------------------

/**
 * @param {string} file
 * @returns {Promise<{ all(sql: string, ...a: any[]): Record<string, unknown>[], close(): void }>}
 */
async function openRaw(file) {
  try {
    const D = (await import('better-sqlite3')).default
    const db = new D(file, { readonly: true, fileMustExist: true })
    db.defaultSafeIntegers(false)
    return { all: (sql, ...a) => /** @type {Record<string, unknown>[]} */ (db.prepare(sql).all(...a)), close: () => db.close() }
  } catch {
    const { DatabaseSync } = await import('node:sqlite')
    const db = new DatabaseSync(file, { readOnly: true })
    return {
      all: (sql, ...a) => {
        const s = db.prepare(sql)
        s.setReadBigInts(true)
        return s.all(...a).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])))
      },
      close: () => db.close(),
    }
  }
}
const raw = await openRaw(path)
// The discovery SQL names legacy tables; on a unified file each is read from its
// unified table (the platform's rows, ids as the bot uses them), and the tables
// the layout dropped give nothing.
/** @type {Record<string, string>} */
const UNIFIED_RELATIONS = {
  instagram_accounts: "(SELECT legacy_account_id AS account_id FROM accounts WHERE platform = 'instagram')",
  tiktok_accounts: "(SELECT legacy_account_id AS account_id FROM accounts WHERE platform = 'tiktok')",
  interaction_history: "(SELECT * FROM interactions WHERE platform = 'instagram')",
  tiktok_interaction_history: "(SELECT * FROM interactions WHERE platform = 'tiktok')",
  sessions: "(SELECT legacy_session_id AS session_id, status FROM sessions_unified WHERE platform = 'instagram')",
  tiktok_sessions: "(SELECT legacy_session_id AS session_id, status FROM sessions_unified WHERE platform = 'tiktok')",
  instagram_profiles: "(SELECT legacy_profile_id AS profile_id, username, display_name AS full_name FROM social_profiles WHERE platform = 'instagram')",
  tiktok_profiles: "(SELECT legacy_profile_id AS profile_id, username, display_name FROM social_profiles WHERE platform = 'tiktok')",
}
const UNIFIED_GONE = new Set(['instagram_posts', 'scraped_comments', 'discovery_campaigns', 'discovery_progress', 'discovered_profiles'])
/** @type {(sql: string, ...a: unknown[]) => unknown[]} */
const col = (sql, ...a) => {
  if (unified) {
    const table = sql.match(/ FROM (\w+)/)?.[1]
    if (table !== undefined && UNIFIED_GONE.has(table)) return []
    sql = sql.replace(/ FROM (\w+)/, (m, t) => (UNIFIED_RELATIONS[t] ? ` FROM ${UNIFIED_RELATIONS[t]}` : m))
  }
  return raw.all(sql, ...a).map((r) => Object.values(r)[0])
}
/** Unified only: more ids, of any platform (a TikTok id must not reach Instagram rows). */
const unifiedExtra = (/** @type {string} */ sql, /** @type {number} */ n) => (unified ? ids(sql, n) : [])
/**
 * Up to n items spread over the list (first, last and evenly between).
 * @template T
 * @param {T[]} list
 * @param {number} n
 * @returns {T[]}
 */
function sample(list, n) {
  const u = [...new Set(list)]
  if (u.length <= n) return u
  /** @type {T[]} */
  const out = []
  for (let i = 0; i < n; i++) out.push(/** @type {T} */ (u[Math.round((i * (u.length - 1)) / (n - 1))])) // an index of u
  return [...new Set(out)]
}
/** @type {(v: unknown) => v is number} */
const isId = (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
/** @type {(v: unknown) => v is string} */
const isText = (v) => typeof v === 'string' && v !== ''
const ids = (/** @type {string} */ sql, n = 12) => sample(col(sql).filter(isId), n)
const texts = (/** @type {string} */ sql, n = 12) => sample(col(sql).filter(isText), n)
const MISSING = 987654321
const caseVariants = (/** @type {string[]} */ list) => [...new Set(list.flatMap((s) => [s, s.toLowerCase(), s.toUpperCase()]))].filter((s) => s !== '')

const accountIds = [...new Set([
  ...ids('SELECT account_id FROM instagram_accounts ORDER BY account_id', 8),
  ...ids('SELECT DISTINCT account_id FROM interaction_history ORDER BY account_id', 8),
  ...unifiedExtra('SELECT DISTINCT legacy_account_id FROM accounts ORDER BY 1', 8),
  MISSING,
])]
const ttAccountIds = [...new Set([
  ...ids('SELECT account_id FROM tiktok_accounts ORDER BY account_id', 6),
  ...ids('SELECT DISTINCT account_id FROM tiktok_interaction_history ORDER BY account_id', 6),
  ...unifiedExtra('SELECT DISTINCT account_id FROM interactions ORDER BY 1', 6),
  MISSING,
])]
// The accounts with the most interactions get the full filter matrix.
const busyAccounts = ids('SELECT account_id FROM interaction_history GROUP BY account_id ORDER BY COUNT(*) DESC, account_id', 2)
const busyTtAccounts = ids('SELECT account_id FROM tiktok_interaction_history GROUP BY account_id ORDER BY COUNT(*) DESC, account_id', 2)

const sessionStatuses = caseVariants(texts('SELECT DISTINCT status FROM sessions ORDER BY 1', 8))
const ttSessionStatuses = caseVariants(texts('SELECT DISTINCT status FROM tiktok_sessions ORDER BY 1', 8))
const sessionIds = [...new Set([...ids('SELECT session_id FROM sessions ORDER BY 1', 25), ...ids('SELECT DISTINCT session_id FROM interaction_history ORDER BY 1', 10),
  ...unifiedExtra("SELECT legacy_session_id FROM sessions_unified WHERE platform <> 'instagram' ORDER BY 1", 6), MISSING])]
const interactionTypes = caseVariants(texts('SELECT DISTINCT interaction_type FROM interaction_history ORDER BY 1', 10))
const ttInteractionTypes = caseVariants(texts('SELECT DISTINCT interaction_type FROM tiktok_interaction_history ORDER BY 1', 10))
const interactionSessions = ids('SELECT DISTINCT session_id FROM interaction_history ORDER BY 1', 6)
const ttInteractionSessions = ids('SELECT DISTINCT session_id FROM tiktok_interaction_history ORDER BY 1', 6)
const interactionProfiles = ids('SELECT profile_id FROM interaction_history GROUP BY profile_id ORDER BY COUNT(*) DESC', 6)
const ttInteractionProfiles = ids('SELECT profile_id FROM tiktok_interaction_history GROUP BY profile_id ORDER BY COUNT(*) DESC', 6)
const profileIds = [...new Set([...ids('SELECT profile_id FROM instagram_profiles ORDER BY 1', 40),
  ...unifiedExtra("SELECT legacy_profile_id FROM social_profiles WHERE platform <> 'instagram' ORDER BY 1", 8), MISSING])]
const historyProfileIds = [...new Set([...ids('SELECT DISTINCT profile_id FROM profile_stats_history ORDER BY 1', 15), MISSING])]
const usernames = texts('SELECT username FROM instagram_profiles ORDER BY profile_id', 15)
const fullNames = texts('SELECT full_name FROM instagram_profiles ORDER BY profile_id', 15)
const ttNames = texts('SELECT username FROM tiktok_profiles ORDER BY profile_id', 8)
const ttDisplay = texts('SELECT display_name FROM tiktok_profiles ORDER BY profile_id', 8)
const nonAscii = [...new Set([...usernames, ...fullNames, ...ttNames, ...ttDisplay].join('').match(/\P{ASCII}/gu) ?? [])].slice(0, 6)
const pieces = (/** @type {string[]} */ list) => list.flatMap((s) => [s.slice(0, 3), s.slice(Math.floor(s.length / 2), Math.floor(s.length / 2) + 4), s.toUpperCase()]).filter((s) => s.trim() !== '')
const SEARCHES = [...new Set([
  'a', 'E', 'bot', 'UNDER_', 'under_s', '_', '%', 'per%', 'per_', '%cent', 'mixedcase', 'MIXEDCASE', ' ', '@',
  'é', 'É', 'ü', 'zoë', 'ß', 'SS', 'İ', 'σ', 'Σ', '日本', '😀', 'no-such-profile-xyz', '',
  ...nonAscii, ...nonAscii.map((c) => c.toUpperCase()), ...sample(pieces([...usernames, ...fullNames]), 12),
])]
const TT_SEARCHES = [...new Set(['a', 'E', '_', '%', 'é', 'Ü', 'zz-none', '', ...sample(pieces([...ttNames, ...ttDisplay]), 8), ...nonAscii])]
const rawTimes = texts('SELECT interaction_time FROM interaction_history ORDER BY id', 10)
const ttRawTimes = texts('SELECT interaction_time FROM tiktok_interaction_history ORDER BY id', 6)
const postStatuses = caseVariants(texts('SELECT DISTINCT status FROM instagram_posts ORDER BY 1', 8))
const postProfiles = [...ids('SELECT DISTINCT profile_id FROM instagram_posts ORDER BY 1', 6), MISSING]
const postAccounts = [...ids('SELECT DISTINCT account_id FROM instagram_posts ORDER BY 1', 6), MISSING]
const scrapingIds = [...new Set([...ids('SELECT scraping_id FROM scraping_sessions ORDER BY 1', 20), ...ids('SELECT DISTINCT scraping_id FROM scraped_profiles ORDER BY 1', 6), MISSING])]
const scrapingStatuses = caseVariants(texts('SELECT DISTINCT status FROM scraping_sessions ORDER BY 1', 8))
const scrapingTypes = caseVariants(texts('SELECT DISTINCT scraping_type FROM scraping_sessions ORDER BY 1', 8))
const commentSessions = [...ids('SELECT DISTINCT scraping_session_id FROM scraped_comments ORDER BY 1', 8), MISSING]
const commentUsers = caseVariants(texts('SELECT DISTINCT username FROM scraped_comments ORDER BY 1', 6))
const commentTargets = caseVariants(texts('SELECT DISTINCT target_username FROM scraped_comments ORDER BY 1', 6))
const hashtagAccounts = [...ids('SELECT DISTINCT account_id FROM processed_hashtag_posts ORDER BY 1', 6), MISSING]
const hashtags = texts('SELECT DISTINCT hashtag FROM processed_hashtag_posts ORDER BY 1', 8)
const campaignIds = [...new Set([...ids('SELECT campaign_id FROM discovery_campaigns ORDER BY 1', 12), ...ids('SELECT DISTINCT campaign_id FROM discovered_profiles ORDER BY 1', 6), MISSING])]
const campaignAccounts = [...ids('SELECT DISTINCT account_id FROM discovery_campaigns ORDER BY 1', 6), MISSING]
const discoveredStatuses = caseVariants(texts('SELECT DISTINCT status FROM discovered_profiles ORDER BY 1', 6))
raw.close()

// ---------------------------------------------------------------------------
// 3. The calls: [method, ...args].
// ---------------------------------------------------------------------------

/** @type {[method: string, args: unknown[]][]} */
const calls = []
const add = (/** @type {string} */ method, /** @type {unknown[]} */ ...args) => calls.push([method, args])
const PAGES = [undefined, {}, { limit: 500 }, { limit: 10000 }, { limit: 0 }, { limit: 3, offset: 2 }, { limit: 10000, offset: 5 }]
const SORT_BY = ['lastInteractionAt', 'interactionCount', 'username', 'fullName', 'followersCount', 'followingCount',
  'postsCount', 'createdAt', 'updatedAt', 'profileId']
const DAYS = [1, 2, 7, 30, 45, 365, 3650]
const now = Date.now()
const instants = (/** @type {string[]} */ times) => {
  /** @type {(string | number)[]} */
  const out = [now, now - 86400000, now - 3 * 86400000, 0, new Date(now - 2 * 86400000).toISOString(), '2000-01-01 00:00:00',
    new Date(now - 86400000).toISOString().replace('Z', '+02:00'), new Date(now - 86400000).toISOString().slice(0, 19)]
  for (const t of times) {
    const ms = epochMs(t)
    if (ms !== null) out.push(t, ms, ms + 0.9)
  }
  return out
}

add('getAccounts')
add('getTikTokAccounts')

for (const [P, accts, busy, statuses, types, sess, profs, times] of /** @type {[string, number[], number[], string[], string[], number[], number[], string[]][]} */ ([
  ['', accountIds, busyAccounts, sessionStatuses, interactionTypes, interactionSessions, interactionProfiles, rawTimes],
  ['TikTok', ttAccountIds, busyTtAccounts, ttSessionStatuses, ttInteractionTypes, ttInteractionSessions, ttInteractionProfiles, ttRawTimes],
])) {
  for (const id of accts) {
    for (const p of PAGES) add(`get${P}Sessions`, id, p)
    for (const p of PAGES) add(`get${P}Interactions`, id, p)
    for (const p of PAGES) add(`get${P}FilteredProfiles`, id, p)
    for (const d of DAYS) add(`get${P}DailyStats`, id, d)
  }
  for (const id of busy) {
    for (const status of statuses) add(`get${P}Sessions`, id, { status, limit: 10000 })
    add(`get${P}Sessions`, id, { status: 'NO_SUCH_STATUS' })
    for (const type of types) add(`get${P}Interactions`, id, { type, limit: 10000 })
    for (const sessionId of sess) add(`get${P}Interactions`, id, { sessionId, limit: 10000 })
    for (const profileId of profs) add(`get${P}Interactions`, id, { profileId, limit: 10000 })
    const ins = instants(times)
    for (const since of ins) add(`get${P}Interactions`, id, { since, limit: 10000 })
    for (const until of ins) add(`get${P}Interactions`, id, { until, limit: 10000 })
    for (let i = 0; i + 1 < ins.length; i += 2) add(`get${P}Interactions`, id, { since: ins[i + 1], until: ins[i], limit: 10000 })
    if (types.length && sess.length) add(`get${P}Interactions`, id, { type: types[0], sessionId: sess[0], since: 0, until: now, limit: 7, offset: 1 })
  }
}

for (const id of sessionIds) add('getSessionStats', id)

for (const id of accountIds) {
  for (const p of PAGES) add('getProfiles', id, p)
  add('countProfiles', id)
  add('countProfiles', id, {})
}
for (const id of busyAccounts) {
  for (const sortBy of SORT_BY) {
    for (const order of ['asc', 'desc', 'DESC', 'Asc']) add('getProfiles', id, { sortBy, order, limit: 10000 })
    add('getProfiles', id, { sortBy, limit: 5, offset: 3 })
  }
  const filters = [
    ...SEARCHES.map((search) => ({ search })),
    { minFollowers: 0 }, { minFollowers: 1000 }, { maxFollowers: 5000 }, { minFollowers: 100, maxFollowers: 100000 },
    { isPrivate: true }, { isPrivate: false }, { isVerified: true }, { isVerified: false }, { isBusiness: true },
    { isBusiness: false }, { isPrivate: false, isVerified: false, isBusiness: false, minFollowers: 1 },
    { search: 'a', isPrivate: false, sortBy: 'followersCount', order: 'asc' },
  ]
  for (const f of filters) {
    add('getProfiles', id, { ...f, limit: 10000 })
    add('countProfiles', id, f)
    add('countProfiles', id, { ...f, limit: 1, offset: 1, sortBy: 'username', order: 'asc' })
  }
}

for (const id of profileIds) add('getProfile', id)
for (const u of usernames) {
  add('getProfile', u)
  add('getProfile', u.toUpperCase())
  add('getProfile', u.toLowerCase())
  add('getProfile', `@${u}`)
  add('getProfile', `  ${u}\t`)
}
add('getProfile', 'no_such_user_xyz')
// Unified: one table holds both platforms' profiles; a TikTok username is not an Instagram profile.
if (unified) for (const u of ttNames) add('getProfile', u)
add('getProfile', '@@mixedcase')

for (const id of historyProfileIds) add('getProfileStatsHistory', id)

for (const p of PAGES) add('getPosts', p)
for (const status of postStatuses) add('getPosts', { status, limit: 10000 })
for (const profileId of postProfiles) add('getPosts', { profileId, limit: 10000 })
for (const accountId of postAccounts) add('getPosts', { accountId, limit: 10000 })
if (postProfiles.length > 1 && postStatuses.length) add('getPosts', { profileId: postProfiles[0], accountId: postAccounts[0], status: postStatuses[0] })

for (const p of PAGES) add('getScrapingSessions', p)
for (const status of scrapingStatuses) add('getScrapingSessions', { status, limit: 10000 })
for (const scrapingType of scrapingTypes) add('getScrapingSessions', { scrapingType, limit: 10000 })
if (scrapingStatuses.length && scrapingTypes.length) add('getScrapingSessions', { status: scrapingStatuses[0], scrapingType: scrapingTypes[0] })
for (const id of scrapingIds) {
  add('getScrapingSession', id)
  for (const p of [undefined, { limit: 10000 }, { limit: 2, offset: 1 }]) add('getScrapedProfiles', id, p)
  for (const minScore of [0, 50, 80, 99.5, -5]) add('getScrapedProfiles', id, { minScore, limit: 10000 })
  add('getScrapedProfiles', id, { qualifiedOnly: true, limit: 10000 })
  add('getScrapedProfiles', id, { qualifiedOnly: false, limit: 10000 })
  add('getScrapedProfiles', id, { qualifiedOnly: true, minScore: 50 })
}

for (const p of PAGES) add('getScrapedComments', p)
for (const scrapingSessionId of commentSessions) add('getScrapedComments', { scrapingSessionId, limit: 10000 })
for (const username of commentUsers) add('getScrapedComments', { username, limit: 10000 })
for (const targetUsername of commentTargets) add('getScrapedComments', { targetUsername, limit: 10000 })
if (commentSessions.length > 1 && commentTargets.length) add('getScrapedComments', { scrapingSessionId: commentSessions[0], targetUsername: commentTargets[0] })

for (const id of hashtagAccounts) {
  for (const p of PAGES) add('getProcessedHashtagPosts', id, p)
  for (const h of hashtags) {
    const bare = h.replace(/^#+/, '')
    for (const hashtag of [h, `#${bare}`, bare.toUpperCase(), `##${bare.toLowerCase()}`]) {
      if (hashtag.replace(/^#+/, '') !== '') add('getProcessedHashtagPosts', id, { hashtag, limit: 10000 })
    }
  }
}

add('getDiscoveryCampaigns')
add('getDiscoveryCampaigns', null)
add('getDiscoveryCampaigns', undefined)
for (const id of campaignAccounts) add('getDiscoveryCampaigns', id)
for (const id of campaignIds) {
  add('getDiscoveryProgress', id)
  for (const p of [undefined, { limit: 10000 }, { limit: 3, offset: 1 }]) add('getDiscoveredProfiles', id, p)
  for (const status of discoveredStatuses) add('getDiscoveredProfiles', id, { status, limit: 10000 })
  for (const minScore of [0, 50, 75.5, -1]) add('getDiscoveredProfiles', id, { minScore, limit: 10000 })
  if (discoveredStatuses.length) add('getDiscoveredProfiles', id, { status: discoveredStatuses[0], minScore: 10 })
}

for (const p of PAGES) add('getTikTokProfiles', p)
for (const search of TT_SEARCHES) add('getTikTokProfiles', { search, limit: 10000 })

const covered = new Set(calls.map(([m]) => m))
for (const m of METHODS) if (!covered.has(m)) fail(`no call generated for ${m}`)
// What the unified layout dropped: both sides must answer NOT_IN_THIS_FILE.
if (unified) {
  for (const m of NOT_IN_UNIFIED) {
    if (addon.supports(m)) fail(`the addon says it supports ${m} on a unified file`)
    else passed++
  }
}

// ---------------------------------------------------------------------------
// 4. Compare.
// ---------------------------------------------------------------------------

const show = (/** @type {unknown} */ v) => util.inspect(v, { depth: 4, breakLength: Infinity, maxStringLength: 200 })
const argText = (/** @type {unknown[]} */ args) => args.map((a) => (a === undefined ? 'undefined' : JSON.stringify(a))).join(', ')

/**
 * The first place where a and b differ: a path and both values.
 * @param {any} a JSON-like values, compared structurally
 * @param {any} b
 * @returns {Diff | null}
 */
function firstDiff(a, b, path = '') {
  if (util.isDeepStrictEqual(a, b)) return null
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      for (let i = 0; i < Math.min(a.length, b.length); i++) {
        const d = firstDiff(a[i], b[i], `${path}[${i}]`)
        if (d) return d
      }
      return { path: `${path}.length`, a: a.length, b: b.length, rowA: a[Math.min(a.length, b.length)], rowB: b[Math.min(a.length, b.length)] }
    }
    for (let i = 0; i < a.length; i++) {
      const d = firstDiff(a[i], b[i], `${path}[${i}]`)
      if (d) return { ...d, rowA: d.rowA ?? a[i], rowB: d.rowB ?? b[i] }
    }
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(k in a) || !(k in b)) return { path: `${path}.${k}`, a: k in a ? a[k] : '(missing)', b: k in b ? b[k] : '(missing)' }
      const d = firstDiff(a[k], b[k], `${path}.${k}`)
      if (d) return d
    }
  }
  return { path: path || '(value)', a, b }
}

/**
 * The same keys in the same order (isDeepStrictEqual ignores key order).
 * @param {unknown} a
 * @param {unknown} b
 */
function keyOrderDiff(a, b) {
  const x = Array.isArray(a) ? a[0] : a
  const y = Array.isArray(b) ? b[0] : b
  if (!x || !y || typeof x !== 'object') return null
  const kx = Object.keys(x).join(',')
  const ky = Object.keys(y).join(',')
  return kx === ky ? null : `addon keys ${kx}\n     baseline keys ${ky}`
}

/**
 * node:sqlite (Node 22) ends TEXT at the first NUL character (it reads text as a C
 * string), so it cannot return such values: a mismatch that truncating every addon
 * string at its first NUL explains exactly is that driver limitation, counted apart.
 */
/** @type {(v: unknown) => unknown} */
const truncateAtNul = (v) => typeof v === 'string' ? (v.includes('\0') ? v.slice(0, v.indexOf('\0')) : v)
  : Array.isArray(v) ? v.map(truncateAtNul)
    : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, truncateAtNul(x)])) : v

/**
 * Calls method `name` of `api` (the addon or a baseline) as `api[name](...args)`.
 * @param {object} api
 * @param {string} name
 * @param {unknown[]} args
 * @returns {unknown}
 */
function call(api, name, args) {
  const method = /** @type {Record<string, unknown>} */ (api)[name]
  if (typeof method !== 'function') throw new TypeError(`${name} is not a function`)
  return method.apply(api, args)
}

/** @typedef {{ passed: number, failed: number, limited: number }} Tally */
/** @type {Record<string, Tally>} */
const perDriver = Object.fromEntries(baselines.map((b) => [b.driver, { passed: 0, failed: 0, limited: 0 }]))
let rows = 0
for (const [method, args] of calls) {
  let expected
  /** @type {CodedError | null} */
  let addonError = null
  try {
    expected = call(addon, `${method}Sync`, args)
  } catch (e) {
    addonError = /** @type {CodedError} */ (e)
  }
  if (addonError && addonError.code === 'INVALID_ARGUMENT') {
    skipped++
    if (verbose) console.log(`skip ${method}(${argText(args)}): addon rejects the arguments: ${addonError.message}`)
    continue
  }
  if (Array.isArray(expected)) rows += expected.length
  for (const b of baselines) {
    const tally = /** @type {Tally} */ (perDriver[b.driver]) // one per baseline
    let actual
    /** @type {CodedError | null} */
    let error = null
    try {
      actual = call(b, method, args)
    } catch (e) {
      error = /** @type {CodedError} */ (e)
    }
    const where = `${b.driver} ${method}(${argText(args)})`
    if (addonError || error) {
      if (addonError && error && error.code !== undefined && error.code !== addonError.code) {
        tally.failed++
        fail(`${where}: addon threw ${addonError.code}, baseline ${error.code}`)
      } else if (addonError && error) {
        passed++
        tally.passed++
      } else {
        tally.failed++
        fail(`${where}: ${addonError ? `addon threw ${addonError.code}: ${addonError.message}` : `baseline threw: ${error?.stack}`}`)
      }
      continue
    }
    if (util.isDeepStrictEqual(expected, actual)) {
      const order = keyOrderDiff(expected, actual)
      if (order) {
        tally.failed++
        fail(`${where}: key order differs\n     ${order}`)
      } else {
        passed++
        tally.passed++
        if (verbose) console.log(`ok   ${where}: ${Array.isArray(expected) ? `${expected.length} rows` : show(expected)}`)
      }
      continue
    }
    // Not deep-equal: firstDiff finds where.
    const d = firstDiff(expected, actual) ?? { path: '(value)', a: expected, b: actual }
    if (b.driver === 'node:sqlite' && util.isDeepStrictEqual(truncateAtNul(expected), actual)) {
      limited++
      if (tally.limited++ === 0) {
        console.log(`note ${where}: node:sqlite truncates TEXT at NUL (driver limitation; such results counted apart)\n     at ${d.path}: addon ${show(d.a)} baseline ${show(d.b)}`)
      }
      continue
    }
    tally.failed++
    let msg = `${where}\n     at ${d.path}: addon ${show(d.a)} baseline ${show(d.b)}`
    if (d.rowA !== undefined || d.rowB !== undefined) msg += `\n     addon row    ${show(d.rowA)}\n     baseline row ${show(d.rowB)}`
    fail(msg)
  }
}

addon.close()
for (const b of baselines) b.close()

for (const [driver, t] of Object.entries(perDriver)) {
  console.log(`${driver}: ${t.passed} passed, ${t.failed} failed${t.limited ? `, ${t.limited} differ only by the driver's NUL truncation` : ''}`)
}
console.log(`${calls.length} calls (${calls.length - skipped} run, ${skipped} skipped: addon rejected the arguments), ${rows} addon rows per driver`)
if (limited) console.log(`${limited} results differ only because node:sqlite truncates TEXT at NUL (not counted as failures)`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)

// ---------------------------------------------------------------------------
// --edge: a database of edge values (see the header).
// ---------------------------------------------------------------------------

/** @param {string} file */
async function buildEdgeDb(file) {
  // The addon's writable open creates the file with the full schema.
  require('../index.js').openDatabase({ path: file }).close()
  /** @type {{ exec(sql: string): void, prepare(sql: string): { run(...a: unknown[]): unknown }, close(): void }} */
  let db
  try {
    const D = (await import('better-sqlite3')).default
    const h = new D(file)
    db = { exec: (sql) => h.exec(sql), prepare: (sql) => h.prepare(sql), close: () => h.close() }
  } catch {
    const { DatabaseSync } = await import('node:sqlite')
    const h = new DatabaseSync(file)
    db = { exec: (sql) => h.exec(sql), prepare: (sql) => h.prepare(sql), close: () => h.close() }
  }
  db.exec('PRAGMA foreign_keys = OFF')
  const B = (/** @type {number[]} */ ...bytes) => Uint8Array.from(bytes)
  const TS = ['2026-02-10 14:03:22', '2026-02-10 14:03', '2026-02-10 14:03:22.5', '2026-02-10 14:03:22.123456789123', '2026-02-10T14:03:22Z',
    '2026-02-10t14:03:22z', '2026-02-10T16:03:22+02:00', '2026-02-10T09:03:22-0500', '2026-02-10 16:03:22+02', '2026-01-01T00:30:00+01:00',
    '2026-02-10T15:03:22', '2026-02-10T15:03:22.123456', '2026-02-10T15:03', '2026-02-10 15:03:22,5', '  2026-02-10 14:03:22  ',
    '\u00a02026-02-10 14:03:22\u0085', '\ufeff2026-02-10 14:03:22', '', 'garbage', '2026-13-45 99:99:99', '2026-02-10', '2026-02-10 14:03:22 junk',
    '2026-02-10T14:03:22+25:00', '2026-02-30 10:00:00', '2026-02-29 10:00:00', '2024-02-29 10:00:00', '2100-02-29 10:00:00', '2000-02-29T10:00:00',
    '2026-02-10 14:03:22.', '２０２６-02-10 14:03:22', '0000-01-01T00:30:00+01:00', '9999-12-31T23:59:59-01:00', '0001-01-01 00:00:00',
    '0050-06-15T12:00:00', '0000-03-01T00:00:00', '1850-01-01T00:00:00', '1883-11-18T12:01:00', '1883-11-18T12:03:58', '1854-06-28T23:59:55',
    '1847-12-01T00:00:30', '1900-06-01T12:00:00',
    '2026-03-08T02:30:00', '2026-11-01T01:30:00', '2026-11-01T01:00:00', '2026-11-01T02:00:00', '2026-03-29T01:30:00', '2026-10-25T01:30:00',
    '2026-04-05T02:30:00', '2026-04-05T01:45:00', '2026-10-04T02:15:00', '2026-02-10T14:03:60', '2026-02-10 24:00:00', '2026-02-10T14:03:22+0530',
    '2026-02-10T14:03:22-00:00', '2026-02-10T14:03:22+00', '2026-02-10T14:03:22Z ', '2026-02-10T14:03:22ZZ', '2026-02-10T14:03:22+02:0',
    '2026-02-10 14:03:22.999999999', '2026-02-10 14:03:2', '2026-02-10T14:03+05:30', '2026-02-10 14:03Z', '2026-02-10t15:03:22.5',
    '2026-02-10T14:03:22.1234567890123+01:00', '1970-01-01T00:00:00', '1969-12-31 23:59:59.999', '2026-02-10T14:03:22\u00e9',
    '2026-02-10 14:03:22\u2028', '2038-01-19T03:14:08', '2099-07-01T12:00:00', B(0x32, 0x30, 0x32, 0x36, 0x2d, 0x30, 0x31, 0x2d, 0x30, 0x32, 0x20, 0x30, 0x33, 0x3a, 0x30, 0x34)]
  const NUMS = ['\u00a0-0', '\u0085-0.0', '\ufeff5', '1,234', '12.5k', ' 0x10', '1_000', '\u00a01e400', '\u00a0.5', '\u00a05.', 'nan', 'infinity', '-inf',
    '\u00a0+7', '\u00a099999999999999999999', '\u00a09223372036854775807', '\u00a0-9223372036854775809', '\u00a01.e3', '\u00a0e5', '\u00a0.', '\u00a0-', 'abc',
    B(0x31), 1.5, -0.0, 1e300, Infinity, -Infinity, 2 ** 53 + 2, 9007199254740993n, -9223372036854775808n, 9223372036854775807n, 0, 1, 2, -1]
  const BOOLS = ['\u00a0YES', 'No', 'TRUE ', 'nan', '-inf', 'Infinity', '0.0', '\u00a00', '2', '0e5', 'x', 'ｙes', B(0x31), 1.5, 0.0, -0.0, 0.25, '-0',
    'NaN', ' yes', 'y', 'FALSE', '\u0085no', 'on']
  const JSONS = ['  {"a":1}  ', '\u00a0[1]\u0085', '\ufeff{}', '1e400', '-0', '{"a":1,"a":2}', '{"__proto__":{"x":1}}', '['.repeat(300) + ']'.repeat(300),
    '"\\ud800"', '[1,]', 'nul', "'x'", '{"a":"\t"}', 'NaN', '12', '-0.0', '1E2', '[1e-400]', '"\u2028"', '\u000b{}', '{}\u000c',
    '\t\n{"a" : [ 1 , 2 ] }\r\n', B(0x7b, 0x22, 0x62, 0x22, 0x3a, 0x32, 0x7d), B(0x22, 0xff, 0x22), 7, 2.5, -0.0, Infinity, '01', '.5', '"\\x"', 'true',
    'null', '[]', '{"a":{"b":[true,false,null]}}', '{"é":"ü"}', '\u00a0']
  const TEXTS = [B(0xc0), B(0xe2, 0x82), B(0xf4, 0x90, 0x80, 0x80), B(0xed, 0xa0, 0x80), B(0xf0, 0x82, 0x82, 0xac), B(0xff, 0x41),
    B(0xe2, 0x82, 0x41, 0xf0, 0x9f, 0x98), B(0x70, 0x6c, 0x61, 0x69, 0x6e), 'ΣΟΦΙΑ ΟΔΟΣ', 'İstanbul', 'ǅemal', 'Straße', 'ὈΔΥΣΣΕΎΣ', 'café', 'CAFÉ',
    'e\u0301', '日本語', '😀 emoji', 'ﬁne', 'Kelvin \u212a']
  const insert = (/** @type {string} */ table, /** @type {string[]} */ cols) => db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`)
  db.exec("INSERT INTO instagram_accounts (account_id, username) VALUES (1, 'edge_bot'); INSERT INTO tiktok_accounts (account_id, username) VALUES (1, 'edge_tt')")
  const ins = {
    profile: insert('instagram_profiles', ['username', 'full_name', 'biography', 'followers_count', 'following_count', 'posts_count', 'is_private', 'is_verified', 'is_business', 'created_at', 'updated_at', 'notes']),
    ttProfile: insert('tiktok_profiles', ['username', 'display_name', 'biography', 'followers_count', 'likes_count', 'is_private', 'is_verified', 'created_at']),
    session: insert('sessions', ['account_id', 'session_name', 'target_type', 'target', 'start_time', 'end_time', 'duration_seconds', 'config_used', 'status', 'synced_to_api']),
    ttSession: insert('tiktok_sessions', ['account_id', 'session_name', 'workflow_type', 'target', 'start_time', 'end_time', 'config_used', 'likes', 'status']),
    inter: insert('interaction_history', ['session_id', 'account_id', 'profile_id', 'interaction_type', 'interaction_time', 'success', 'content']),
    ttInter: insert('tiktok_interaction_history', ['session_id', 'account_id', 'profile_id', 'interaction_type', 'interaction_time', 'success', 'video_id']),
    daily: insert('daily_stats', ['account_id', 'date', 'total_likes', 'total_follows', 'synced_to_api', 'synced_at', 'completed_sessions']),
    ttDaily: insert('tiktok_daily_stats', ['account_id', 'date', 'total_likes', 'total_shares', 'total_duration_seconds']),
    post: insert('instagram_posts', ['profile_id', 'account_id', 'media_type', 'media_urls', 'hashtags', 'location_data', 'posted_at', 'scheduled_for', 'is_video', 'likes_count', 'status', 'dimensions']),
    campaign: insert('discovery_campaigns', ['account_id', 'name', 'niche_keywords', 'target_hashtags', 'total_discovered', 'status', 'created_at']),
    discovered: insert('discovered_profiles', ['campaign_id', 'username', 'engagement_score', 'ai_score', 'is_private', 'status', 'followers_count']),
    progress: insert('discovery_progress', ['campaign_id', 'source_type', 'source_value', 'last_scroll_position', 'current_post_index']),
    scraping: insert('scraping_sessions', ['account_id', 'scraping_type', 'source_type', 'source_name', 'start_time', 'end_time', 'config_used', 'export_csv', 'save_to_db', 'max_profiles', 'status']),
    scraped: insert('scraped_profiles', ['scraping_id', 'profile_id', 'ai_score', 'ai_qualified', 'ai_analysis', 'scored_at']),
    comment: insert('scraped_comments', ['scraping_session_id', 'profile_id', 'target_username', 'username', 'content', 'likes_count', 'is_reply', 'scraped_at']),
    hashtag: insert('processed_hashtag_posts', ['account_id', 'hashtag', 'post_author', 'likes_count', 'processed_at']),
    history: insert('profile_stats_history', ['profile_id', 'followers_count', 'following_count', 'posts_count', 'engagement_rate', 'is_verified', 'recorded_at']),
    filtered: insert('filtered_profiles', ['profile_id', 'account_id', 'username', 'filtered_at', 'session_id']),
    ttFiltered: insert('tiktok_filtered_profiles', ['profile_id', 'account_id', 'username', 'filtered_at', 'reason']),
  }
  const at = (/** @type {unknown[]} */ list, /** @type {number} */ i) => list[i % list.length]
  const day = (/** @type {number} */ back) => new Date(Date.now() - back * 86400000).toISOString().slice(0, 10)
  const n = Math.max(TS.length, NUMS.length, BOOLS.length, JSONS.length, TEXTS.length)
  db.exec('BEGIN')
  for (let i = 0; i < n; i++) {
    const name = `edge_${i}`
    const text = at(TEXTS, i)
    ins.profile.run(i % 7 === 3 ? text : name, typeof text === 'string' ? text : `Full ${i}`, at(JSONS, i), at(NUMS, i), at(NUMS, i + 3), at(NUMS, i + 5),
      at(BOOLS, i), at(BOOLS, i + 1), at(BOOLS, i + 2), at(TS, i), at(TS, i + 1), text)
    ins.ttProfile.run(name, text, at(JSONS, i), at(NUMS, i), at(NUMS, i + 1), at(BOOLS, i), at(BOOLS, i + 3), at(TS, i))
    ins.session.run(1, 's', 't', 'x', at(TS, i), at(TS, i + 2), at(NUMS, i), at(JSONS, i), i % 3 ? 'COMPLETED' : 'active', at(BOOLS, i))
    ins.ttSession.run(1, 's', 'w', 'x', at(TS, i), at(TS, i + 5), at(JSONS, i + 1), at(NUMS, i), 'COMPLETED')
    for (let k = 0; k < 3; k++) {
      ins.inter.run(i % 5 ? (i % 9) + 1 : null, 1, i + 1, ['LIKE', 'follow', 'Story_Watch', 'DM_SENT', 'PROFILE_VISIT'][(i + k) % 5], at(TS, i + k * 7), at(BOOLS, i + k), at(JSONS, i))
      ins.ttInter.run((i % 9) + 1, 1, i + 1, ['LIKE', 'favorite'][k % 2], at(TS, i + k * 11), at(BOOLS, i + k), at(NUMS, i))
    }
    if (i < 40) ins.daily.run(1, i < 10 ? day(i) : `${at(TS, i)}#${i}`, at(NUMS, i), at(NUMS, i + 1), at(BOOLS, i), at(TS, i), at(NUMS, i + 2))
    if (i < 12) ins.ttDaily.run(1, day(i * 2), at(NUMS, i), at(NUMS, i + 7), at(NUMS, i + 9))
    ins.post.run(i + 1, 1, 'IMAGE', at(JSONS, i), at(JSONS, i + 1), at(JSONS, i + 2), at(TS, i), at(TS, i + 3), at(BOOLS, i), at(NUMS, i), i % 2 ? 'draft' : 'PUBLISHED', at(JSONS, i + 4))
    ins.campaign.run(1, `c${i}`, at(JSONS, i), at(JSONS, i + 9), at(NUMS, i), 'ACTIVE', at(TS, i))
    ins.discovered.run(1, name, at(NUMS, i), at(NUMS, i + 2), at(BOOLS, i), i % 2 ? 'new' : 'Qualified', at(NUMS, i + 4))
    ins.progress.run(1, 'hashtag', `v${i}`, at(JSONS, i), at(NUMS, i))
    ins.scraping.run(1, 'hashtag', 'h', 'x', at(TS, i), at(TS, i + 1), at(JSONS, i), at(BOOLS, i), at(BOOLS, i + 1), at(NUMS, i), i % 2 ? 'COMPLETED' : 'error')
    ins.scraped.run(1, i + 1, at(NUMS, i), at(BOOLS, i), at(JSONS, i), at(TS, i))
    ins.comment.run(1, 1, i % 2 ? 'Target' : text, i % 3 ? `user${i % 4}` : text, text, at(NUMS, i), at(BOOLS, i), at(TS, i))
    ins.hashtag.run(1, ['#travel', 'Travel', '##TRAVEL', 'food', text][i % 5], text, at(NUMS, i), at(TS, i))
    ins.history.run(1, at(NUMS, i), at(NUMS, i + 1), at(NUMS, i + 2), at(NUMS, i + 3), at(BOOLS, i), at(TS, i))
    ins.filtered.run(i + 1, 1, text, at(TS, i), at(NUMS, i))
    ins.ttFiltered.run(i + 1, 1, text, at(TS, i), at(JSONS, i))
  }
  db.exec('COMMIT')
  db.close()
}

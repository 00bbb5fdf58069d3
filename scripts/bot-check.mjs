#!/usr/bin/env node
// The bot check: proves, with the REAL TAKTIK bot (its own Python code, at the revisions that wrote
// taktik-data.db), that this addon never breaks it and reads exactly what it writes.
//
//   TAKTIK_BOT_GIT=<clone or bare mirror of masterFuf/taktik-bot> npm run check:bot
//
// Not part of `npm test` / CI (CI has no network and no bot source). Prints one PASS/FAIL line per
// scenario, then a JSON summary. Exit 0 = every scenario passed, 1 = one failed, 2 = cannot run
// (TAKTIK_BOT_GIT unset or not a repository with the revisions, no python3/venv, pip failed, the
// addon not built).
//
// What it proves:
//  1. A unified file created by the addon (`openDatabase({ path, layout: 'unified' })`, closed) is
//     run by the bot's HEAD unchanged: its boot succeeds and leaves sqlite_master (type, name,
//     tbl_name, sql) exactly as it was (it only writes rows: device_identity, sqlite_sequence); a
//     round of HEAD's normal writes through its own service/repository methods (IG + TikTok
//     accounts, interactions incl. a failed one, sessions created and finalized, filtered profiles,
//     IG and TikTok scraping with scraped profiles, processed hashtag posts, profile stats history)
//     all succeed; the file holds what the bot said it wrote; and the addon, readonly AND writable,
//     answers exactly what Python computes from the file's own tables (scripts/bot-check/facts.py,
//     stdlib sqlite3, its own SQL): accounts (ids, usernames), sessions and interactions per account
//     (per type and row by row), getSessionStats, today's getDailyStats / getTikTokDailyStats =
//     daily_stats_unified, filtered profiles, scraping sessions + scraped profiles, stats history.
//  2. On that file the addon's writes (updateProfileNotes, removeFilteredProfile, deleteSession with
//     interactions, pruneHistory) do what their WriteResult says and nothing else (checked by
//     Python) and leave the schema alone; the bot then boots again and writes a second round with
//     no failure; integrity_check ok (Python and addon); the addon still answers what Python reads.
//  3. Every June 2026 revision (the "Transitional" list of ../shared/python-side/unified/README.md
//     plus a0f9cb5f, 2d3cdf5b), e1e6e957^, 66b6242f and HEAD, each on its own fresh file: a WRITABLE
//     open + every read method (Sync; a new read method the check does not call is a failure) +
//     close changes sqlite_master only by `idx_taktikdb_*` indexes; `db.layout` is 'legacy' for
//     66b6242f and e1e6e957^, 'unified' from e1e6e957 on; no read throws anything but
//     NOT_IN_THIS_FILE and `db.supports()` agrees; then the same revision boots again and writes a
//     scraping session with its own create/complete methods (the write that once failed with "no
//     such table: main.discovery_campaigns") and the addon reads it back. When a re-boot fails, the
//     same two boots run on a file the addon never opened: if that fails identically, the defect is
//     the bot's (40834cf1: "views may not be indexed", fixed by 2d3cdf5b) and its scraping write is
//     made the way its standalone bridges write, without a boot; otherwise the scenario fails.
//  4. The bot's own upgrade path: a file seeded by 66b6242f's write methods over two local days
//     (the first with the clock its modules see moved back a day), booted by e1e6e957^, e1e6e957,
//     e3377b9f … e9867062 in order (as far as the bot migrates such a file by itself; REPORT (b)):
//     after each boot the addon (readonly; the file stays byte-identical) shows the dashboard it
//     showed on the seeded legacy file (accounts, sessions, interactions row by row, daily stats of
//     both days, filtered profiles, session stats, scraping), which is also what Python reads from
//     the migrated tables. The same chain on a copy, with a WRITABLE addon open (every read) after
//     each boot: each boot goes as without the addon, only idx_taktikdb_* indexes appear, same
//     dashboard, integrity_check ok at the end.
//  5. Another application's SQLite file: a writable open (sync and async) fails with
//     NOT_A_TAKTIK_DATABASE, the file stays byte-identical (sha256) and no side file appears.
//  6. A legacy file upgraded by the addon, then the bot's HEAD on it, for four shapes: empty (66b6242f's
//     boot only), one Instagram account with every legacy dataset (`bot.py seed --shape ig`: sessions,
//     interactions, filtered, scraping, processed hashtag posts, stats history, and what the unified
//     layout has no table for: posts, scraped comments, discovery, linked_accounts), both platforms
//     over two local days (scenario 4's seed), and the 500k-interaction benchmark file
//     (benchmark/generate.py, as `npm run bench` makes it, cached in .bot-check/bench/, then booted by
//     66b6242f). For each: the addon's dashboard on the legacy file (readonly), for every account and
//     row by row: accounts, getAccount, getSessions/countSessions, getSessionStats of each session,
//     getDailyStats over the days the data covers, countInteractions/getInteractions, getFilteredProfiles,
//     getProfiles/countProfiles, getProcessedHashtagPosts, getActivity by day, hour, type and all three
//     (per account, and by account), the TikTok equivalents, scraping sessions + their scraped profiles,
//     TikTok profiles, getProfileStatsHistory (at most 300 profiles; Python compares every row).
//     Then `upgradeToUnifiedSync()` on a writable open: `moves` rows = Python's count of each legacy
//     table, `keptAside` = the legacy table's or the extras file's count, every vanished legacy table
//     in `dropped` and accounted for, each destination holding what moved there, the backup at
//     `<file>.before-unified-<YYYY-MM-DD>` a legacy file with the same row counts, the extras file
//     holding every row of the legacy tables with no unified home and every non-NULL linked_accounts
//     and discovery_campaign_id (facts.py extras). Right after it the addon's dashboard is identical
//     (same keys, ids, timestamps, values; linkedAccounts and discoveryCampaignId left out, being in the
//     extras file), and processed_hashtag_posts / profile_stats_history are the same rows (ids, types,
//     values; Python). HEAD then starts (`LocalDatabaseService()`) with no error or warning and does
//     scenario 1's round of writes, all succeeding; afterwards every recorded answer of the legacy
//     accounts is unchanged (the bot's new accounts aside), the two tables still hold every legacy row
//     unchanged, integrity_check ok. A second `upgradeToUnifiedSync()` returns upgraded false,
//     layoutBefore 'unified', no backup, and changes nothing (sqlite_master, row counts, files).
//     BOT_CHECK_BIG=0 skips the benchmark shape (and says so); BOT_CHECK_UPGRADE=fixture upgrades with
//     the test fixture's emulation of the bot's unification (`pyside.py migrate`) instead of the addon,
//     without the result, backup, extras and second-upgrade checks (for work on the bot side).
//
// What it needs: git, python3 (≥ 3.9, with venv) and PyPI (pip install loguru 'sqlalchemy>=1.4,<2',
// what the bot imports; no stub module is needed, the oldest revision used being 66b6242f), the
// built addon (`npm run build`), ~200 MB of scratch in .bot-check/ (git-ignored): `trees/<sha>/`
// (the bot's `taktik/` package per revision, from `git archive`, 137 MB for 28 revisions, cached),
// `venv/` (44 MB, cached), `bench/legacy.db` (the benchmark's legacy file, 129 MB, cached by
// benchmark/generate.py; scenario 6), and `run-<time>/` (~20 MB: every database, each Python step's
// log in `logs/`, `summary.json` with every detail; the last 5 runs are kept; scenario 6's big shape
// leaves its ~600 MB of files there only when it fails). The bot is imported from those trees; none
// of its code is copied into this repository. Options: TAKTIK_BOT_HEAD=<rev> instead of the
// repository's HEAD (scenarios 1–3 and 6; the summary records the sha and whether it is 6810e804),
// PYTHON=<interpreter> for the venv, BOT_CHECK_ONLY=1,3 to run some scenarios (2 needs 1),
// BOT_CHECK_BIG=0 and BOT_CHECK_UPGRADE=fixture (scenario 6, above), BOT_CHECK_LOG_LEVEL=DEBUG for the
// bot's own log on stderr. TZ is honoured by both sides (it passes with TZ=Etc/GMT+12 and
// TZ=Pacific/Kiritimati too).
//
// How long (measured on the project's 2-core machine, bot HEAD 6810e804): ~2 min 15 s with trees,
// venv and the benchmark file cached (scenario 1: 6 s, 2: 6 s, 3: 18–29 s, 4: 7 s, 5: < 0.1 s, 6:
// 97 s: empty 7 s, one account 7 s, both platforms 7 s, benchmark 77 s, of which the addon's upgrade
// 6.5 s and the three dashboards ~60 s), ~1 min with BOT_CHECK_BIG=0; the first run adds the git
// archive of 28 trees, the venv + pip install and benchmark/generate.py (11 s).

import { spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'

/**
 * @typedef {import('../index.js').TaktikDatabase} TaktikDatabase
 * @typedef {import('../index.js').TaktikMethod} TaktikMethod
 * What bot.py and facts.py print: JSON, read field by field as they name them.
 * @typedef {any} PyResult
 * @typedef {{ ok: boolean, detail: string, [more: string]: unknown }} ScenarioResult
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PY_DIR = path.join(ROOT, 'scripts', 'bot-check')
const SCRATCH = path.join(ROOT, '.bot-check')
const PIP_SPEC = ['loguru', 'sqlalchemy>=1.4,<2']

// The revisions (short ids as the contract and botcheck REPORT name them).
const LEGACY_REF = '66b6242f' // the legacy contract's revision (February 2026)
const JUNE = [
  'e1e6e957', 'e3377b9f', '6021723e', '24febdb2', '0dd4f93c', '0ea3f49d', '7bb0e01f', 'c97687ac',
  '625beabb', 'e9867062', '99d9547a', 'adc07dc0', 'c517e131', '7b9a3f7c', 'a0f9cb5f', 'ecf9a1a3',
  'dd94a706', '69ee5bc2', '40834cf1', '2d3cdf5b', '6f3e6195', '5cd01deb', 'a8c6fac6',
]
// What the bot migrates a seeded 66b6242f file through by itself (REPORT (b)): from 99d9547a on
// its create_schema fails on such a file (`no such column: sync_id`), addon or not.
const UPGRADE_CHAIN = [
  'e1e6e957^', 'e1e6e957', 'e3377b9f', '6021723e', '24febdb2', '0dd4f93c', '0ea3f49d', '7bb0e01f',
  'c97687ac', '625beabb', 'e9867062',
]
const CONTRACT_README = path.resolve(ROOT, '..', 'shared', 'python-side', 'unified', 'README.md')

// ---------------------------------------------------------------------------------------------
// Set-up

const gitDir = process.env.TAKTIK_BOT_GIT
if (!gitDir) {
  console.error(`check:bot needs the bot's git repository (masterFuf/taktik-bot), a clone or a bare mirror:

  git clone https://github.com/masterFuf/taktik-bot ../taktik-bot
  TAKTIK_BOT_GIT=../taktik-bot npm run check:bot

It extracts the revisions it needs with git archive into .bot-check/trees/ and makes a Python venv
in .bot-check/venv (pip install ${PIP_SPEC.map((s) => `'${s}'`).join(' ')}).`)
  process.exit(2)
}

/**
 * @param {string} msg
 * @returns {never}
 */
function cannotRun(msg) {
  console.error(`check:bot cannot run: ${msg}`)
  process.exit(2)
}

/**
 * Runs a command to completion; its output as text (or bytes with `encoding: 'buffer'`).
 * @template {BufferEncoding | 'buffer'} [E='utf8']
 * @param {string} cmd
 * @param {string[]} args
 * @param {Omit<import('node:child_process').SpawnSyncOptions, 'encoding'> & { encoding?: E }} [opts]
 * @returns {import('node:child_process').SpawnSyncReturns<E extends 'buffer' ? Buffer : string>}
 */
function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20, ...opts })
  if (r.error) throw r.error
  return /** @type {import('node:child_process').SpawnSyncReturns<any>} */ (r)
}

/**
 * git in the bot's repository (`-C` works for a clone and a bare mirror); archive gives bytes.
 * @template {'utf8' | 'buffer'} E
 * @param {string[]} args
 * @param {E} encoding
 */
function gitOutput(args, encoding) {
  const r = run('git', ['-C', path.resolve(/** @type {string} */ (gitDir)), ...args], { encoding })
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${String(r.stderr).trim()}`)
  return r.stdout
}
const git = (/** @type {string[]} */ ...args) => gitOutput(args, 'utf8')

const t0 = Date.now()
try {
  git('rev-parse', '--git-dir')
} catch (e) {
  cannotRun(`TAKTIK_BOT_GIT=${gitDir} is not a git repository (${e instanceof Error ? e.message : e})`)
}

/** @type {Map<string, string>} */
const resolved = new Map()
/**
 * A revision's full sha; stops the check when the repository lacks it.
 * @param {string} rev
 * @returns {string}
 */
function resolve(rev) {
  if (!resolved.has(rev)) {
    try {
      resolved.set(rev, git('rev-parse', '--verify', `${rev}^{commit}`).trim())
    } catch {
      cannotRun(`revision ${rev} is not in ${gitDir} (a full clone of masterFuf/taktik-bot is needed)`)
    }
  }
  return /** @type {string} */ (resolved.get(rev))
}

/**
 * The bot's `taktik/` package at `rev`, from git archive (cached by full sha).
 * @param {string} rev
 */
function tree(rev) {
  const sha = resolve(rev)
  const dest = path.join(SCRATCH, 'trees', sha)
  if (!fs.existsSync(dest)) {
    const tmp = `${dest}.tmp-${process.pid}`
    fs.rmSync(tmp, { recursive: true, force: true })
    fs.mkdirSync(tmp, { recursive: true })
    const tar = gitOutput(['archive', '--format=tar', sha, 'taktik'], 'buffer')
    const x = run('tar', ['-x', '-C', tmp], { input: tar, encoding: 'utf8' })
    if (x.status !== 0) throw new Error(`tar -x for ${rev}: ${x.stderr}`)
    fs.renameSync(tmp, dest)
  }
  return dest
}

function venvPython() {
  const venv = path.join(SCRATCH, 'venv')
  const py = path.join(venv, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python')
  const marker = path.join(venv, '.bot-check-ready')
  const want = JSON.stringify(PIP_SPEC)
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === want && fs.existsSync(py)) return py
  fs.rmSync(venv, { recursive: true, force: true })
  const mk = run(process.env.PYTHON || 'python3', ['-m', 'venv', venv])
  if (mk.status !== 0) cannotRun(`python3 -m venv failed: ${mk.stderr}`)
  const pip = run(py, ['-m', 'pip', 'install', '--quiet', ...PIP_SPEC])
  if (pip.status !== 0) cannotRun(`pip install ${PIP_SPEC.join(' ')} failed: ${pip.stderr}`)
  fs.writeFileSync(marker, want)
  return py
}

/** The June revisions: ours, plus any the contract's "Transitional" list names that we do not. */
function juneRevisions() {
  const revs = [...JUNE]
  /** @type {string[]} */
  let extra = []
  if (fs.existsSync(CONTRACT_README)) {
    const text = fs.readFileSync(CONTRACT_README, 'utf8')
    const start = text.indexOf('- **Transitional**')
    if (start >= 0) {
      const end = text.indexOf('\n## ', start)
      const block = text.slice(start, end < 0 ? undefined : end)
      extra = [...new Set(block.match(/\b[0-9a-f]{8}\b/g) ?? [])].filter((r) => !revs.includes(r))
    }
  }
  return { revs: [...revs, ...extra], contract: fs.existsSync(CONTRACT_README), extra }
}

const headRev = process.env.TAKTIK_BOT_HEAD || 'HEAD'
const HEAD = resolve(headRev)
const short = (/** @type {string} */ sha) => sha.slice(0, 8)
// Every revision is resolved before anything runs: a shallow or foreign repository stops here.
for (const rev of [LEGACY_REF, ...UPGRADE_CHAIN, ...juneRevisions().revs]) resolve(rev)

fs.mkdirSync(SCRATCH, { recursive: true })
const py = venvPython()
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
const RUN = path.join(SCRATCH, `run-${stamp}`)
fs.mkdirSync(path.join(RUN, 'logs'), { recursive: true })
// Keep the last KEEP_RUNS run directories (each ~17 MB).
const KEEP_RUNS = 5
for (const old of fs.readdirSync(SCRATCH).filter((n) => /^run-\d{8}-\d{6}$/.test(n)).sort().slice(0, -KEEP_RUNS)) {
  fs.rmSync(path.join(SCRATCH, old), { recursive: true, force: true })
}

/** @type {typeof import('../index.js')} */
let addon
try {
  addon = createRequire(import.meta.url)(path.join(ROOT, 'index.js'))
} catch (e) {
  cannotRun(`the addon does not load (npm run build first): ${e instanceof Error ? e.message : e}`)
}
const { openDatabase, openDatabaseAsync } = addon

/** @type {NodeJS.ProcessEnv} */
const PY_ENV = { ...process.env, APPDATA: path.join(RUN, 'appdata'), PYTHONIOENCODING: 'utf-8' }
delete PY_ENV.TAKTIK_DB_PATH // the bot would prefer it to the path it is given

let logSeq = 0
/**
 * Runs a script of scripts/bot-check/ with the venv's python; its last stdout line is JSON.
 * @param {string} script
 * @param {string[]} args
 * @param {string} label
 * @returns {PyResult}
 */
function python(script, args, label) {
  const r = run(py, [path.join(PY_DIR, script), ...args], { env: PY_ENV })
  const log = path.join(RUN, 'logs', `${String(++logSeq).padStart(3, '0')}-${label}.log`)
  fs.writeFileSync(log, `$ ${script} ${args.join(' ')}\n--- stderr\n${r.stderr}\n--- stdout\n${r.stdout}`)
  const last = r.stdout.trim().split('\n').pop() ?? ''
  try {
    return JSON.parse(last)
  } catch {
    throw new Error(`${script} ${args[0]} printed no result (exit ${r.status}); see ${path.relative(ROOT, log)}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`)
  }
}
/** @type {(cmd: string, rev: string, db: string, ...extra: string[]) => PyResult} */
const bot = (cmd, rev, db, ...extra) =>
  python('bot.py', [cmd, '--tree', tree(rev), '--db', db, ...extra], `${cmd}-${short(resolve(rev))}`)
/** @type {(cmd: string, db: string, ...extra: string[]) => PyResult} */
const facts = (cmd, db, ...extra) => python('facts.py', [cmd, db, ...extra], `facts-${cmd}`)

const sha256 = (/** @type {string} */ f) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex')
const dir = (/** @type {string} */ name) => {
  const d = path.join(RUN, name)
  fs.mkdirSync(d, { recursive: true })
  return d
}

// ---------------------------------------------------------------------------------------------
// Comparing

/**
 * Up to `max` differences between a and b, as "path: a ≠ b".
 * @param {any} a JSON-like values, compared structurally
 * @param {any} b
 * @param {string} [at]
 * @param {string[]} [out]
 * @param {number} [max]
 * @returns {string[]}
 */
function diff(a, b, at = '', out = [], max = 8) {
  if (out.length >= max) return out
  if (isDeepStrictEqual(a, b)) return out
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a)
      ? [...Array(Math.max(a.length, b.length)).keys()]
      : [...new Set([...Object.keys(a), ...Object.keys(b)])]
    for (const k of keys) diff(a[k], b[k], `${at}.${k}`, out, max)
    return out
  }
  out.push(`${at || '.'}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`)
  return out
}

const IG_COUNTERS = ['totalLikes', 'totalFollows', 'totalUnfollows', 'totalComments', 'totalStoryViews',
  'totalStoryLikes', 'totalProfileVisits', 'totalSessions', 'completedSessions', 'failedSessions',
  'totalDurationSeconds']
const TT_COUNTERS = ['totalLikes', 'totalFollows', 'totalFavorites', 'totalComments', 'totalShares',
  'totalProfileVisits', 'totalPostsWatched', 'totalSessions', 'completedSessions', 'failedSessions',
  'totalDurationSeconds']
/** @type {(o: Record<string, any>, keys: string[]) => Record<string, any>} */
const pick = (o, keys) => Object.fromEntries(keys.map((k) => [k, o[k]]))
/** @type {(a: unknown, b: unknown) => number} */
const byJson = (a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0)
const ALL = { limit: 10000 }

/**
 * Lists compared as multisets are sorted the same way on both sides.
 * @param {Record<string, any>} d a dashboard
 */
function canon(d) {
  const c = structuredClone(d)
  for (const k of ['interactions', 'tiktokInteractions']) for (const v of Object.values(c[k] ?? {})) v.rows.sort(byJson)
  for (const k of ['filteredProfiles', 'tiktokFilteredProfiles']) for (const v of Object.values(c[k] ?? {})) v.sort(byJson)
  return c
}

/**
 * @param {string} date
 * @param {string} today
 */
function daysBack(date, today) {
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${date}T00:00:00Z`)) / 86400000) + 1
}

/**
 * The addon's answers, in the shape facts.py gives: the same fields, for the accounts, sessions,
 * days, scraping runs and profiles that `keys` (a facts.py dashboard) names.
 * @param {TaktikDatabase} db
 * @param {PyResult} keys
 */
function addonDashboard(db, keys) {
  /** @type {Record<string, any>} */
  const out = {}
  out.accounts = db.getAccountsSync().map((a) => ({ accountId: a.accountId, username: a.username }))
  out.tiktokAccounts = db.getTikTokAccountsSync().map((a) => ({ accountId: a.accountId, username: a.username }))
  const today = keys.today
  for (const [pre, tiktok] of /** @type {const} */ ([['', false], ['tiktok', true]])) {
    const k = (/** @type {string} */ s) => (pre ? pre + s.charAt(0).toUpperCase() + s.slice(1) : s)
    /** @type {number[]} */
    const accs = keys[tiktok ? 'tiktokAccounts' : 'accounts'].map((/** @type {{ accountId: number }} */ a) => a.accountId)
    /** @type {Record<number, any>} */
    const sessions = {}
    /** @type {Record<number, any>} */
    const inter = {}
    /** @type {Record<number, Record<string, any>>} */
    const daily = {}
    /** @type {Record<number, any>} */
    const filt = {}
    for (const acc of accs) {
      /** @type {Record<string, any>[]} */
      const ss = tiktok ? db.getTikTokSessionsSync(acc, ALL) : db.getSessionsSync(acc, ALL)
      sessions[acc] = ss
        .map((s) => {
          const row = pick(s, ['sessionId', 'sessionName', 'target', 'status', 'durationSeconds', 'errorMessage', 'startTime', 'endTime'])
          if (tiktok) Object.assign(row, pick(s, ['workflowType', 'likes', 'follows', 'favorites', 'comments', 'shares', 'profilesVisited', 'postsWatched', 'errors']))
          else row.targetType = s.targetType
          return row
        })
        .sort((a, b) => a.sessionId - b.sessionId)
      /** @type {Record<string, any>[]} */
      const rows = tiktok ? db.getTikTokInteractionsSync(acc, ALL) : db.getInteractionsSync(acc, ALL)
      /** @type {Record<string, number>} */
      const byType = {}
      for (const r of rows) byType[r.interactionType] = (byType[r.interactionType] ?? 0) + 1
      inter[acc] = {
        total: rows.length,
        byType: Object.fromEntries(Object.entries(byType).sort(([a], [b]) => (a < b ? -1 : 1))),
        rows: rows.map((r) => {
          const row = [r.interactionType, r.username, r.success, r.sessionId, r.content, r.interactionTime]
          if (tiktok) row.push(r.videoId)
          return row
        }),
      }
      const dates = Object.keys(keys[k('dailyStats')]?.[acc] ?? {})
      daily[acc] = {}
      if (dates.length) {
        const n = Math.max(...dates.map((d) => daysBack(d, today)))
        const days = tiktok ? db.getTikTokDailyStatsSync(acc, n) : db.getDailyStatsSync(acc, n)
        for (const d of dates) {
          const row = days.find((x) => x.date === d)
          daily[acc][d] = row ? pick(row, tiktok ? TT_COUNTERS : IG_COUNTERS) : `no row for ${d} in the last ${n} days`
        }
      }
      const fp = tiktok ? db.getTikTokFilteredProfilesSync(acc, ALL) : db.getFilteredProfilesSync(acc, ALL)
      filt[acc] = fp.map((r) => [r.profileId, r.username, r.reason, r.sourceType, r.sourceName, r.sessionId])
    }
    out[k('sessions')] = sessions
    out[k('interactions')] = inter
    out[k('dailyStats')] = daily
    out[k('filteredProfiles')] = filt
  }
  out.sessionStats = Object.fromEntries(Object.keys(keys.sessionStats).map((sid) => [sid, { ...db.getSessionStatsSync(Number(sid)) }]))
  out.scrapingSessions = db.supports('getScrapingSessionsSync')
    ? db.getScrapingSessionsSync(ALL)
        .map((s) => pick(s, ['scrapingId', 'accountId', 'scrapingType', 'sourceType', 'sourceName', 'status', 'totalScraped', 'maxProfiles', 'startTime', 'endTime']))
        .sort((a, b) => a.scrapingId - b.scrapingId)
    : []
  out.scrapedProfiles = Object.fromEntries(
    Object.keys(keys.scrapedProfiles).map((id) => [
      id,
      db.getScrapedProfilesSync(Number(id), ALL).map((r) => [r.profileId, r.username, r.followersCount, r.aiScore, r.aiQualified]),
    ]),
  )
  out.profileStatsHistory = Object.fromEntries(
    Object.keys(keys.profileStatsHistory).map((pid) => [
      pid,
      db.getProfileStatsHistorySync(Number(pid)).map((r) => [r.followersCount, r.followingCount, r.postsCount, r.isVerified, r.externalUrl, r.recordedAt]),
    ]),
  )
  return out
}

/**
 * Compares the addon's dashboard with facts.py's, on `fields` (default: all).
 * @param {TaktikDatabase} db
 * @param {PyResult} expected
 * @param {string[]} [fields]
 */
function compareDashboard(db, expected, fields) {
  const got = canon(addonDashboard(db, expected))
  const want = canon(expected)
  const ks = fields ?? Object.keys(got)
  return diff(pick(got, ks), pick(want, ks))
}

/** @param {PyResult} dash */
function summarize(dash) {
  const n = (/** @type {Record<string, any>} */ o) => Object.values(o).reduce((s, v) => s + (Array.isArray(v) ? v.length : v.total ?? 0), 0)
  return `${dash.accounts.length}+${dash.tiktokAccounts.length} accounts, ${n(dash.sessions)}+${n(dash.tiktokSessions)} sessions, ` +
    `${n(dash.interactions)}+${n(dash.tiktokInteractions)} interactions, ${n(dash.filteredProfiles)}+${n(dash.tiktokFilteredProfiles)} filtered, ` +
    `${dash.scrapingSessions.length} scraping runs`
}

/**
 * @template T
 * @param {T} cond
 * @param {string} msg
 * @param {string[]} problems where a failed check's `msg` goes
 */
function check(cond, msg, problems) {
  if (!cond) problems.push(msg)
  return cond
}

/**
 * @param {string} label
 * @param {PyResult} r
 */
function botFailure(label, r) {
  const bits = [r.error, ...(r.problems ?? []), ...(r.bootProblems ?? []),
    ...(r.failed ?? r.scrape?.ops?.filter((/** @type {PyResult} */ o) => !o.ok) ?? []).map((/** @type {PyResult} */ o) => `${o.call} → ${o.error ?? JSON.stringify(o.returned)} ${o.problems.join('; ')}`)]
  return `${label}: ${bits.filter(Boolean).join(' | ')}`
}

/**
 * What the drive says it wrote, as counts to find in the file.
 * @param {PyResult} drive
 */
function driveCounts(drive) {
  const ok = (/** @type {RegExp} */ re) => drive.ops.filter((/** @type {PyResult} */ o) => o.ok && re.test(o.call)).length
  return {
    ig: ok(/^record_interaction\(/),
    tt: ok(/^record_tiktok_interaction\(/),
    igSessions: ok(/^create_session$/),
    ttSessions: ok(/^create_tiktok_session$/),
  }
}

// ---------------------------------------------------------------------------------------------
// The scenarios

/**
 * What a scenario leaves for a later one.
 * @type {{ s1?: { db: string, drive: PyResult, exp: PyResult, schema: PyResult }, s3?: unknown[], s4?: unknown[] }}
 */
const ctx = {}

function scenario1() {
  /** @type {string[]} */
  const p = []
  const db = path.join(dir('s1'), 'taktik-data.db')
  const created = openDatabase({ path: db, layout: 'unified' })
  check(created.layout === 'unified', `new file's layout is ${created.layout}`, p)
  created.close()
  const before = facts('schema', db)
  const rows0 = facts('counts', db)
  const boot = bot('boot', HEAD, db)
  if (!check(boot.ok, botFailure('HEAD boot on the addon\'s file', boot), p)) return { ok: false, detail: p.join('; ') }
  const after = facts('schema', db)
  check(isDeepStrictEqual(before, after), `HEAD's boot changed sqlite_master: ${diff(before, after).join('; ')}`, p)
  const rows1 = facts('counts', db)
  const bootRows = Object.keys(rows1).filter((t) => rows1[t] !== rows0[t]).map((t) => `${t} ${rows0[t] ?? '-'}→${rows1[t]}`)
  const drive = bot('drive', HEAD, db, '--round', '1')
  check(drive.ok, botFailure('HEAD writes', drive), p)
  check(isDeepStrictEqual(facts('schema', db), before), 'the drive changed sqlite_master', p)
  const exp = facts('dashboard', db)
  // The file holds what the bot said it wrote (the independent reading is sane).
  const c = driveCounts(drive)
  const igAcc = drive.ids?.igAccountId
  const ttAcc = drive.ids?.ttAccountId
  check(exp.accounts.length === 1 && exp.accounts[0].accountId === igAcc, `IG accounts ${JSON.stringify(exp.accounts)}`, p)
  check(exp.tiktokAccounts.length === 1 && exp.tiktokAccounts[0].accountId === ttAcc, `TikTok accounts ${JSON.stringify(exp.tiktokAccounts)}`, p)
  check(exp.interactions[igAcc]?.total === c.ig, `IG interactions in the file ${exp.interactions[igAcc]?.total} ≠ written ${c.ig}`, p)
  check(exp.tiktokInteractions[ttAcc]?.total === c.tt, `TikTok interactions in the file ${exp.tiktokInteractions[ttAcc]?.total} ≠ written ${c.tt}`, p)
  check(exp.sessions[igAcc]?.length === c.igSessions, 'IG sessions in the file ≠ written', p)
  check(exp.dailyStats[igAcc]?.[exp.today] && exp.tiktokDailyStats[ttAcc]?.[exp.today], `no daily_stats_unified row for today (${exp.today})`, p)
  check(exp.scrapedProfiles[drive.ids?.igScrapingIds?.[0]]?.length === 1, 'IG scraped profile missing', p)
  check(exp.scrapedProfiles[drive.ids?.ttScrapingId]?.length === 1, 'TikTok scraped profile missing', p)
  check(exp.profileStatsHistory[drive.ids?.aliceProfileId]?.length === 1, 'profile stats history missing', p)
  for (const readonly of [true, false]) {
    const d = openDatabase({ path: db, readonly })
    try {
      check(d.layout === 'unified', `layout ${d.layout}`, p)
      const today = d.getDailyStatsSync(igAcc, 1)[0]
      check(today?.date === exp.today, `addon's today ${today?.date} ≠ Python's ${exp.today}`, p)
      const dd = compareDashboard(d, exp)
      check(!dd.length, `${readonly ? 'readonly' : 'writable'} addon ≠ the file's tables: ${dd.join('; ')}`, p)
    } finally {
      d.close()
    }
  }
  ctx.s1 = { db, drive, exp, schema: before }
  return {
    ok: !p.length,
    detail: p.length ? p.join('; ') : `bot ${short(HEAD)}: boot ok, sqlite_master unchanged (${before.length} entries; rows the boot wrote: ${bootRows.join(', ') || 'none'}), ` +
      `${drive.ops.length} bot writes ok; readonly + writable addon = Python on ${summarize(exp)}, today's daily stats`,
  }
}

function scenario2() {
  /** @type {string[]} */
  const p = []
  if (!ctx.s1?.drive?.ok) return { ok: false, detail: 'not run: scenario 1 did not leave a driven file' }
  const { db, drive, exp } = ctx.s1
  const ids = drive.ids
  const acc = ids.igAccountId
  const filtered = exp.filteredProfiles[acc].find((/** @type {PyResult} */ r) => r[1] === 'chk_filtered')
  const [s1, s2] = ids.igSessionIds
  const before = exp.interactions[acc].total
  const s2Interactions = exp.interactions[acc].rows.filter((/** @type {PyResult} */ r) => r[3] === s2).length
  const old = exp.interactions[acc].rows.filter((/** @type {PyResult} */ r) => r[5] < '2021').length
  const d = openDatabase({ path: db })
  /** @type {Record<string, import('../index.js').WriteResult>} */
  const res = {}
  try {
    res.notes = d.updateProfileNotesSync(ids.aliceProfileId, 'checked by bot-check')
    res.removeFiltered = d.removeFilteredProfileSync(acc, filtered[0])
    res.deleteSession = d.deleteSessionSync(s2, { withInteractions: true })
    res.prune = d.pruneHistorySync({ olderThanDays: 365 })
  } finally {
    d.close()
  }
  check(res.notes.changes === 1, `updateProfileNotes ${JSON.stringify(res.notes)}`, p)
  check(res.removeFiltered.deleted.filteredProfiles === 1, `removeFilteredProfile ${JSON.stringify(res.removeFiltered)}`, p)
  check(res.deleteSession.deleted.sessions === 1 && res.deleteSession.deleted.interactions === s2Interactions && s2Interactions > 0,
    `deleteSession ${JSON.stringify(res.deleteSession)} (session ${s2} had ${s2Interactions} interactions)`, p)
  check(res.prune.deleted.interactions === old && old === 1, `pruneHistory ${JSON.stringify(res.prune)} (${old} interaction before 2021)`, p)
  // What the file says, read by Python.
  const q = (/** @type {string} */ sql) => facts('sql', db, sql)[0]
  check(q(`SELECT notes FROM social_profiles WHERE platform = 'instagram' AND legacy_profile_id = ${ids.aliceProfileId}`)?.notes === 'checked by bot-check', 'notes not in social_profiles', p)
  check(q(`SELECT count(*) AS n FROM filtered_profiles WHERE platform = 'instagram' AND account_id = ${acc} AND profile_id = ${filtered[0]}`).n === 0, 'filtered row still there', p)
  check(q(`SELECT count(*) AS n FROM sessions_unified WHERE platform = 'instagram' AND legacy_session_id = ${s2}`).n === 0, 'session still there', p)
  check(q(`SELECT count(*) AS n FROM sessions_unified WHERE platform = 'instagram' AND legacy_session_id = ${s1}`).n === 1, 'another session went too', p)
  check(q(`SELECT count(*) AS n FROM interactions WHERE platform = 'instagram'`).n === before - s2Interactions - old, 'other interactions went too', p)
  check(isDeepStrictEqual(facts('schema', db), ctx.s1.schema), `the addon's writes changed sqlite_master: ${diff(facts('schema', db), ctx.s1.schema).join('; ')}`, p)
  // The bot again: a boot and a second round of writes.
  const drive2 = bot('drive', HEAD, db, '--round', '2')
  check(drive2.ok, botFailure('HEAD after the addon\'s writes', drive2), p)
  const integ = facts('integrity', db)
  check(integ.ok && !integ.foreignKeyViolations.length, `integrity_check ${JSON.stringify(integ)}`, p)
  const exp2 = facts('dashboard', db)
  const c = driveCounts(drive2)
  check(exp2.interactions[acc].total === before - s2Interactions - old + c.ig, 'round 2 interactions not all in the file', p)
  check(exp2.filteredProfiles[acc].some((/** @type {PyResult} */ r) => r[1] === 'chk_filtered'), 'the bot could not filter the removed profile again', p)
  const d2 = openDatabase({ path: db, readonly: true })
  try {
    const ic = d2.integrityCheckSync()
    check(ic.ok, `addon integrityCheck ${JSON.stringify(ic)}`, p)
    const dd = compareDashboard(d2, exp2)
    check(!dd.length, `addon ≠ the file's tables after round 2: ${dd.join('; ')}`, p)
  } finally {
    d2.close()
  }
  return {
    ok: !p.length,
    detail: p.length ? p.join('; ') : `notes set, 1 filtered removed, session ${s2} + ${s2Interactions} interactions deleted, ${old} old interaction pruned, ` +
      `schema unchanged; bot boot + ${drive2.ops.length} writes ok; integrity_check ok; addon = Python (${summarize(exp2)})`,
  }
}

/**
 * sqlite_master a → b: fine when the only change is indexes named idx_taktikdb_* (the addon's).
 * @param {string[][]} before facts.py's schema: [type, name, tbl_name, sql] rows
 * @param {string[][]} after
 */
function schemaChanges(before, after) {
  const key = (/** @type {string[]} */ e) => `${e[0]} ${e[1]}`
  const a = new Map(before.map((e) => [key(e), e]))
  const b = new Map(after.map((e) => [key(e), e]))
  const added = [...b.keys()].filter((k) => !a.has(k))
  const removed = [...a.keys()].filter((k) => !b.has(k))
  const changed = [...a.keys()].filter((k) => b.has(k) && !isDeepStrictEqual(a.get(k), b.get(k)))
  const addon = added.filter((k) => /^index idx_taktikdb_/.test(k))
  const other = added.filter((k) => !addon.includes(k))
  return {
    ok: !other.length && !removed.length && !changed.length,
    addonIndexes: addon.map((k) => k.slice('index '.length)),
    text: `added ${other.join(',') || '-'}, removed ${removed.join(',') || '-'}, changed ${changed.join(',') || '-'}`,
  }
}

/** @type {Record<string, unknown[]>} */
const READS = {
  getAccountsSync: [],
  getTikTokAccountsSync: [],
  getAccountSync: [1],
  getTikTokAccountSync: [1],
  getSessionsSync: [1, ALL],
  getSessionSync: [1],
  countSessionsSync: [1],
  getSessionStatsSync: [1],
  getDailyStatsSync: [1, 30],
  getActivitySync: [{ groupBy: ['day', 'hour', 'type', 'account'] }],
  countInteractionsSync: [1],
  getProfilesSync: [1, { limit: 100 }],
  countProfilesSync: [1, { search: 'a' }],
  getProfileSync: ['botcheck'],
  getInteractionsSync: [1, { type: 'LIKE' }],
  getFilteredProfilesSync: [1],
  getProfileStatsHistorySync: [1],
  getPostsSync: [{}],
  getScrapingSessionsSync: [{}],
  getScrapingSessionSync: [1],
  getScrapedProfilesSync: [1, { minScore: 0 }],
  getScrapedCommentsSync: [{}],
  getProcessedHashtagPostsSync: [1],
  getDiscoveryCampaignsSync: [],
  getDiscoveryProgressSync: [1],
  getDiscoveredProfilesSync: [1],
  getTikTokSessionsSync: [1],
  getTikTokSessionSync: [1],
  countTikTokSessionsSync: [1],
  getTikTokActivitySync: [{ groupBy: ['day', 'hour', 'type', 'account'] }],
  countTikTokInteractionsSync: [1],
  getTikTokDailyStatsSync: [1, 30],
  getTikTokProfilesSync: [{}],
  getTikTokInteractionsSync: [1],
  getTikTokFilteredProfilesSync: [1],
  getDatabaseInfoSync: [],
  integrityCheckSync: [],
}

/**
 * The error of a call that threw: the addon's errors carry a `code`.
 * @param {unknown} e
 */
const addonError = (e) => /** @type {Error & { code?: string }} */ (e)

/**
 * Every read method (Sync): what threw what, and whether db.supports() agrees.
 * @param {TaktikDatabase} d
 */
function everyRead(d) {
  const proto = Object.getOwnPropertyNames(Object.getPrototypeOf(d))
  const uncovered = proto.filter((n) => /^(get|count)\w*Sync$/.test(n) && !(n in READS))
  /** @type {{ notInFile: string[], errors: string[], supportsWrong: string[], uncovered: string[], calls: number }} */
  const res = { notInFile: [], errors: [], supportsWrong: [], uncovered, calls: 0 }
  const methods = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (d))
  for (const [name, args] of Object.entries(READS)) {
    let nif = false
    try {
      const method = methods[name]
      if (typeof method !== 'function') throw new TypeError('d[name] is not a function')
      method.apply(d, args)
    } catch (e) {
      const { code, message } = addonError(e)
      if (code === 'NOT_IN_THIS_FILE') nif = true
      else res.errors.push(`${name}: ${code} ${message}`)
    }
    res.calls++
    if (nif) res.notInFile.push(name)
    let sup
    try {
      // READS names TaktikDatabase's methods (one it lacks fails the call above).
      sup = d.supports(/** @type {TaktikMethod} */ (name))
    } catch (e) {
      sup = `${addonError(e).code}`
    }
    if (sup !== !nif) res.supportsWrong.push(`${name}: supports=${sup}, threw NOT_IN_THIS_FILE=${nif}`)
  }
  return res
}

function scenario3() {
  const { revs: june, contract, extra } = juneRevisions()
  const list = [
    { rev: LEGACY_REF, layout: 'legacy' },
    { rev: 'e1e6e957^', layout: 'legacy' },
    ...june.map((rev) => ({ rev, layout: 'unified' })),
    { rev: headRev, layout: 'unified' },
  ]
  const seen = new Set()
  const out = []
  const base = dir('s3')
  for (const { rev, layout } of list) {
    const sha = resolve(rev)
    if (seen.has(sha)) continue
    seen.add(sha)
    const label = rev === headRev ? `HEAD(${short(sha)})` : rev
    /** @type {string[]} */
  const p = []
    const db = path.join(base, `${rev.replace('^', '_parent')}.db`)
    process.stderr.write(`  s3 ${label} `)
    const b1 = bot('boot', rev, db)
    if (!check(b1.ok, botFailure('fresh boot', b1), p)) {
      out.push({ rev: label, ok: false, problems: p })
      process.stderr.write('FAIL\n')
      continue
    }
    const schemaA = b1.schemaAfter
    let reads
    let gotLayout
    const d = openDatabase({ path: db })
    try {
      gotLayout = d.layout
      reads = everyRead(d)
    } finally {
      d.close()
    }
    const ch = schemaChanges(schemaA, facts('schema', db))
    check(ch.ok, `writable open changed sqlite_master: ${ch.text}`, p)
    check(gotLayout === layout, `db.layout ${gotLayout}, want ${layout}`, p)
    check(!reads.errors.length, `reads threw: ${reads.errors.join('; ')}`, p)
    check(!reads.uncovered.length, `read methods this check does not call: ${reads.uncovered.join(', ')}`, p)
    check(!reads.supportsWrong.length, `supports() disagrees: ${reads.supportsWrong.join('; ')}`, p)
    const b2 = bot('boot', rev, db, '--scrape')
    let botOwn = null
    if (!b2.ok) {
      // The same two boots on a file the addon never opened: a failure there too is the bot's own.
      const control = path.join(base, `${rev.replace('^', '_parent')}.no-addon.db`)
      const c1 = bot('boot', rev, control)
      const c2 = c1.ok ? bot('boot', rev, control, '--scrape') : c1
      if (c1.ok && !c2.ok && c2.error && c2.error === b2.error) {
        botOwn = `its second boot fails on its own fresh file without the addon too (${b2.error})`
        // Its scraping write then goes the bridges' way (no boot), on the file the addon opened.
        check(b2.scrape?.ok, `scraping write without a boot: ${b2.scrape?.error}`, p)
      } else {
        check(false, botFailure('second boot + scraping write', b2) + ` (without the addon: ${c2.ok ? 'ok' : c2.error})`, p)
      }
    }
    const sid = b2.scrape?.scrapingId
    if (sid) {
      const r = openDatabase({ path: db, readonly: true })
      try {
        const s = r.getScrapingSessionSync(sid)
        check(s?.status === 'COMPLETED' && s?.sourceName === '@botcheck_target', `addon reads the bot's scraping session as ${JSON.stringify(s)}`, p)
      } finally {
        r.close()
      }
    }
    out.push({
      rev: label, sha, ok: !p.length, layout: gotLayout, addonIndexes: ch.addonIndexes,
      notInThisFile: reads.notInFile, reads: reads.calls, scrapingId: sid, scrapingVia: b2.scrape?.via, botOwnDefect: botOwn, problems: p,
    })
    process.stderr.write(p.length ? 'FAIL\n' : botOwn ? 'ok (bot defect, not the addon)\n' : 'ok\n')
  }
  const bad = out.filter((r) => !r.ok)
  const own = out.filter((r) => r.botOwnDefect)
  ctx.s3 = out
  return {
    ok: !bad.length,
    detail: bad.length
      ? bad.map((r) => `${r.rev}: ${r.problems.join('; ')}`).join(' || ')
      : `${out.length} revisions (${LEGACY_REF}, e1e6e957^, ${june.length} June${contract ? '' : ' [contract README not found: built-in list]'}${extra.length ? ` incl. ${extra.join(',')} from the contract` : ''}, HEAD ${short(HEAD)}): ` +
        `writable open + ${out[0]?.reads} reads left only idx_taktikdb_* indexes, layouts right, only NOT_IN_THIS_FILE thrown (supports() agrees), re-boot + scraping write ok` +
        own.map((r) => `; except ${r.rev}: ${r.botOwnDefect}, so its scraping write went through ${r.scrapingVia}: ok`).join(''),
    revisions: out,
  }
}

const CHAIN_FIELDS = ['accounts', 'tiktokAccounts', 'sessions', 'tiktokSessions', 'interactions', 'tiktokInteractions',
  'dailyStats', 'tiktokDailyStats', 'filteredProfiles', 'tiktokFilteredProfiles', 'sessionStats', 'scrapingSessions', 'scrapedProfiles']

function scenario4() {
  /** @type {string[]} */
  const p = []
  const db = path.join(dir('s4'), 'taktik-data.db')
  const seed = bot('seed', LEGACY_REF, db)
  if (!check(seed.ok, botFailure(`${LEGACY_REF} seed`, seed), p)) return { ok: false, detail: p.join('; ') }
  const wdb = path.join(dir('s4'), 'with-addon-opens.db')
  for (const ext of ['', '-wal']) if (fs.existsSync(db + ext)) fs.copyFileSync(db + ext, wdb + ext)
  const exp0 = facts('dashboard', db)
  const acc = seed.ids.igAccountId
  const tacc = seed.ids.ttAccountId
  for (const day of seed.days) {
    check(exp0.dailyStats[acc]?.[day], `no daily_stats row for seeded day ${day}`, p)
    check(exp0.tiktokDailyStats[tacc]?.[day], `no tiktok_daily_stats row for seeded day ${day}`, p)
  }
  const hash = sha256(db)
  let baseline
  const d = openDatabase({ path: db, readonly: true })
  try {
    check(d.layout === 'legacy', `seeded file's layout ${d.layout}`, p)
    baseline = canon(addonDashboard(d, exp0))
    const dd = diff(pick(baseline, CHAIN_FIELDS), pick(canon(exp0), CHAIN_FIELDS))
    check(!dd.length, `addon ≠ Python on the seeded legacy file: ${dd.join('; ')}`, p)
  } finally {
    d.close()
  }
  check(sha256(db) === hash, 'a readonly open changed the file', p)
  const steps = []
  for (const rev of UPGRADE_CHAIN) {
    /** @type {string[]} */
    const sp = []
    process.stderr.write(`  s4 ${rev} `)
    const b = bot('boot', rev, db)
    check(!b.error, botFailure(`${rev} boot`, b), sp)
    const exp = facts('dashboard', db)
    const h = sha256(db)
    const r = openDatabase({ path: db, readonly: true })
    let layout
    try {
      layout = r.layout
      const now = canon(addonDashboard(r, exp0))
      const d1 = diff(pick(now, CHAIN_FIELDS), pick(baseline, CHAIN_FIELDS))
      check(!d1.length, `addon after ${rev} ≠ addon on the seeded file: ${d1.join('; ')}`, sp)
      const d2 = compareDashboard(r, exp, CHAIN_FIELDS)
      check(!d2.length, `addon ≠ Python after ${rev}: ${d2.join('; ')}`, sp)
    } finally {
      r.close()
    }
    check(sha256(db) === h, `a readonly open changed the file after ${rev}`, sp)
    steps.push({ rev, ok: !sp.length, layout, botWarnings: b.problems, problems: sp })
    p.push(...sp)
    process.stderr.write(sp.length ? 'FAIL\n' : 'ok\n')
  }
  // The same chain on a copy of the seeded file, with the app opening it WRITABLE after every
  // boot (its indexes, every read): the bot's next boot must go exactly as without the app.
  const wsteps = []
  for (const [i, rev] of UPGRADE_CHAIN.entries()) {
    /** @type {string[]} */
    const sp = []
    process.stderr.write(`  s4 writable-opens ${rev} `)
    const b = bot('boot', rev, wdb)
    const without = steps[i]?.botWarnings ?? []
    check(!b.error && isDeepStrictEqual(b.problems, without),
      `${rev} boot after the app's writable open: ${b.error ?? b.problems.join('; ')} (without: ${without.join('; ') || 'ok'})`, sp)
    const schemaA = facts('schema', wdb)
    const d = openDatabase({ path: wdb })
    try {
      const reads = everyRead(d)
      check(!reads.errors.length, `reads threw after ${rev}: ${reads.errors.join('; ')}`, sp)
      const now = canon(addonDashboard(d, exp0))
      const d1 = diff(pick(now, CHAIN_FIELDS), pick(baseline, CHAIN_FIELDS))
      check(!d1.length, `writable addon after ${rev} ≠ the seeded dashboard: ${d1.join('; ')}`, sp)
    } finally {
      d.close()
    }
    const ch = schemaChanges(schemaA, facts('schema', wdb))
    check(ch.ok, `writable open after ${rev} changed sqlite_master: ${ch.text}`, sp)
    wsteps.push({ rev, ok: !sp.length, addonIndexes: ch.addonIndexes, problems: sp })
    p.push(...sp)
    process.stderr.write(sp.length ? 'FAIL\n' : 'ok\n')
  }
  const winteg = facts('integrity', wdb)
  check(winteg.ok, `integrity_check after the chain with writable opens: ${JSON.stringify(winteg)}`, p)
  const tables = facts('sql', db, "SELECT group_concat(name, ',') AS t FROM (SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('interaction_history', 'interactions', 'daily_stats', 'daily_stats_unified', 'sessions', 'sessions_unified') ORDER BY name)")[0].t
  ctx.s4 = steps
  return {
    ok: !p.length,
    detail: p.length ? p.join('; ') : `${LEGACY_REF} seed (${summarize(exp0)}, days ${seed.days.join(' + ')}) → ${UPGRADE_CHAIN.length} boots ${UPGRADE_CHAIN[0]} … ${UPGRADE_CHAIN.at(-1)}: ` +
      `after each, the addon (readonly, file untouched) = the seeded dashboard = Python's reading; last layout ${steps.at(-1)?.layout} (${tables}); ` +
      `the same chain with a writable addon open after each boot: every boot as without it, only idx_taktikdb_* added, same dashboard, integrity_check ok`,
    steps,
    writableOpens: wsteps,
  }
}

async function scenario5() {
  /** @type {string[]} */
  const p = []
  const db = path.join(dir('s5'), 'other-app.db')
  facts('foreign', db)
  const hash = sha256(db)
  const files = () => fs.readdirSync(path.dirname(db)).sort().join(',')
  const listing = files()
  let code
  try {
    openDatabase({ path: db }).close()
    code = 'opened'
  } catch (e) {
    code = addonError(e).code
  }
  check(code === 'NOT_A_TAKTIK_DATABASE', `writable open: ${code}`, p)
  let asyncCode
  try {
    ;(await openDatabaseAsync({ path: db })).close()
    asyncCode = 'opened'
  } catch (e) {
    asyncCode = addonError(e).code
  }
  check(asyncCode === 'NOT_A_TAKTIK_DATABASE', `openDatabaseAsync: ${asyncCode}`, p)
  check(sha256(db) === hash, 'the foreign file changed', p)
  check(files() === listing, `side files appeared: ${files()}`, p)
  return { ok: !p.length, detail: p.length ? p.join('; ') : `writable open (sync and async) → NOT_A_TAKTIK_DATABASE; sha256 ${hash.slice(0, 12)}… identical, no side file` }
}

// ---------------------------------------------------------------------------------------------
// Scenario 6: a legacy file upgraded by the addon, then the bot's HEAD on it

const UPGRADE_MODE = process.env.BOT_CHECK_UPGRADE === 'fixture' ? 'fixture' : 'addon'
const BIG = process.env.BOT_CHECK_BIG !== '0'
const FIXTURE = path.join(ROOT, '__test__', 'fixtures', 'pyside.py')
const GENERATOR = path.join(ROOT, 'benchmark', 'generate.py')
// Legacy tables whose rows the unified layout keeps in place (rebuilt, same ids): compared row by
// row by Python (facts.py same-rows) besides the addon's reads.
const KEPT_IN_PLACE = ['processed_hashtag_posts', 'profile_stats_history']
// Fields of the addon's rows whose data the unified layout has no home for (the upgrade sets them
// aside in the extras file, where facts.py extras looks for them): left out of the dashboards.
const SET_ASIDE_FIELDS = ['linkedAccounts', 'discoveryCampaignId']
// The legacy tables the unified layout has no table for (facts.py GONE): their rows go to the extras file.
const HOMELESS = ['instagram_posts', 'scraped_comments', 'discovery_campaigns', 'discovery_progress', 'discovered_profiles',
  'discovery_interactions', 'discovery_templates', 'account_profiles']
const PAGE = 10000
const HISTORY_SAMPLE = 300

/**
 * Every row of a paged listing, through its cursor.
 * @param {(q: { limit: number, after?: string }) => Record<string, any>[] & { nextCursor: string | null }} fn
 */
function allPages(fn) {
  /** @type {Record<string, any>[]} */
  const out = []
  /** @type {string | undefined} */
  let after
  for (;;) {
    const page = fn(after ? { limit: PAGE, after } : { limit: PAGE })
    for (const r of page) out.push(r)
    if (!page.nextCursor || !page.length) return out
    after = page.nextCursor
  }
}

/** @param {Record<string, any> | null} r a row, without the fields set aside */
const kept = (r) => (r && typeof r === 'object' ? Object.fromEntries(Object.entries(r).filter(([k]) => !SET_ASIDE_FIELDS.includes(k))) : r)
/** @param {Record<string, any>[]} rows one JSON text per row (what is compared) */
const rowsText = (rows) => rows.map((r) => JSON.stringify(kept(r)))

/**
 * The addon's dashboard on a file, every number for every account, as JSON texts keyed by what
 * they answer. Keys starting `all:` count every account (new accounts' rows change them: compared
 * right after the upgrade only); `rows:` keys hold [id, row] pairs of listings that are not per
 * account (after the bot's writes, the recorded ids must be there unchanged, new ones may appear).
 * @param {TaktikDatabase} d
 * @param {{ range: { from: string, to: string }, ig: number[], tt: number[], historyProfiles: number[] }} scope
 *   what the legacy file holds: the local days its data covers, its Instagram and TikTok account
 *   ids, the profile ids with profile_stats_history rows
 */
function upgradeDashboard(d, { range, ig, tt, historyProfiles }) {
  /** @type {Record<string, any>} */
  const rec = {}
  rec['rows:getAccounts'] = d.getAccountsSync().map((a) => [a.accountId, JSON.stringify(a)])
  rec['rows:getTikTokAccounts'] = d.getTikTokAccountsSync().map((a) => [a.accountId, JSON.stringify(a)])
  const groupings = /** @type {const} */ ([['day'], ['hour'], ['type'], ['day', 'hour', 'type']])
  for (const a of ig) {
    const k = `ig[${a}]`
    rec[`${k}.getAccount`] = JSON.stringify(d.getAccountSync(a))
    const sessions = allPages((q) => d.getSessionsSync(a, q))
    rec[`${k}.getSessions`] = rowsText(sessions)
    rec[`${k}.countSessions`] = d.countSessionsSync(a)
    rec[`${k}.getSessionStats`] = sessions.map((s) => JSON.stringify([s.sessionId, d.getSessionStatsSync(s.sessionId)]))
    rec[`${k}.getDailyStats`] = rowsText(d.getDailyStatsSync(a, range))
    rec[`${k}.countInteractions`] = d.countInteractionsSync(a)
    rec[`${k}.getInteractions`] = rowsText(allPages((q) => d.getInteractionsSync(a, q)))
    rec[`${k}.getFilteredProfiles`] = rowsText(allPages((q) => d.getFilteredProfilesSync(a, q)))
    rec[`${k}.countProfiles`] = d.countProfilesSync(a)
    rec[`${k}.getProfiles`] = rowsText(allPages((q) => d.getProfilesSync(a, { ...q, sortBy: 'profileId', order: 'asc' })))
    rec[`${k}.getProcessedHashtagPosts`] = rowsText(allPages((q) => d.getProcessedHashtagPostsSync(a, q)))
    for (const g of groupings) rec[`${k}.getActivity(${g})`] = rowsText(d.getActivitySync({ groupBy: [...g], accountId: a }))
  }
  for (const a of tt) {
    const k = `tiktok[${a}]`
    rec[`${k}.getTikTokAccount`] = JSON.stringify(d.getTikTokAccountSync(a))
    rec[`${k}.getTikTokSessions`] = rowsText(allPages((q) => d.getTikTokSessionsSync(a, q)))
    rec[`${k}.countTikTokSessions`] = d.countTikTokSessionsSync(a)
    rec[`${k}.getTikTokDailyStats`] = rowsText(d.getTikTokDailyStatsSync(a, range))
    rec[`${k}.countTikTokInteractions`] = d.countTikTokInteractionsSync(a)
    // Without their row ids: the unified tables give TikTok's rows new ones, as the bot's own
    // migration does (README, upgradeToUnified); every other field must be the same, in the same
    // order, and upgrade.test.ts checks each old id against interactions.legacy_id.
    rec[`${k}.getTikTokInteractions`] = rowsText(allPages((q) => d.getTikTokInteractionsSync(a, q)).map(({ id: _id, ...r }) => r))
    rec[`${k}.getTikTokFilteredProfiles`] = rowsText(allPages((q) => d.getTikTokFilteredProfilesSync(a, q)).map(({ id: _id, ...r }) => r))
    for (const g of groupings) rec[`${k}.getTikTokActivity(${g})`] = rowsText(d.getTikTokActivitySync({ groupBy: [...g], accountId: a }))
  }
  if (ig.length) rec['ig.getActivity(account)'] = rowsText(d.getActivitySync({ groupBy: 'account', accountId: ig }))
  if (tt.length) rec['tiktok.getTikTokActivity(account)'] = rowsText(d.getTikTokActivitySync({ groupBy: 'account', accountId: tt }))
  for (const g of groupings) {
    rec[`all:getActivity(${g},account)`] = rowsText(d.getActivitySync({ groupBy: [...g, 'account'] }))
    rec[`all:getTikTokActivity(${g},account)`] = rowsText(d.getTikTokActivitySync({ groupBy: [...g, 'account'] }))
  }
  rec['all:countInteractions(null)'] = d.countInteractionsSync(null)
  rec['all:countTikTokInteractions(null)'] = d.countTikTokInteractionsSync(null)
  const scraping = allPages((q) => d.getScrapingSessionsSync(q))
  rec['rows:getScrapingSessions'] = scraping.map((s) => [s.scrapingId, JSON.stringify(kept(s))])
  rec['rows:getScrapingSession'] = scraping.map((s) => [s.scrapingId, JSON.stringify(kept(d.getScrapingSessionSync(s.scrapingId)))])
  rec['rows:getScrapedProfiles'] = scraping.map((s) => [s.scrapingId, JSON.stringify(rowsText(allPages((q) => d.getScrapedProfilesSync(s.scrapingId, q))))])
  rec['rows:getTikTokProfiles'] = allPages((q) => d.getTikTokProfilesSync(q)).map((p) => [p.profileId, JSON.stringify(kept(p))])
  rec['rows:getProfileStatsHistory'] = historyProfiles.map((p) => [p, JSON.stringify(rowsText(d.getProfileStatsHistorySync(p)))])
  return rec
}

/**
 * What differs between two dashboards: every key of `before`, equal in `after`; `strict`: the
 * same keys and `rows:` lists too, else `all:` keys are skipped and `rows:` may grow.
 * @param {Record<string, any>} before
 * @param {Record<string, any>} after
 * @param {boolean} strict
 * @returns {string[]}
 */
function dashboardDiff(before, after, strict) {
  /** @type {string[]} */
  const out = []
  const show = (/** @type {unknown} */ v) => {
    const t = typeof v === 'string' ? v : JSON.stringify(v)
    return t === undefined ? 'undefined' : t.length > 400 ? `${t.slice(0, 400)}…` : t
  }
  /** Field-level differences of two JSON texts. */
  const fields = (/** @type {string} */ a, /** @type {string} */ b) => {
    try {
      return diff(JSON.parse(a), JSON.parse(b), '', [], 6).join('; ')
    } catch {
      return `${show(a)} ≠ ${show(b)}`
    }
  }
  for (const key of Object.keys(before)) {
    if (!strict && key.startsWith('all:')) continue
    const a = before[key]
    const b = after[key]
    if (isDeepStrictEqual(a, b)) continue
    if (b === undefined) {
      out.push(`${key}: missing after (was ${show(a)})`)
    } else if (key.startsWith('rows:')) {
      const bm = new Map(b)
      /** @type {string[]} */
      const bad = []
      let n = 0
      for (const [id, row] of a) {
        const other = bm.get(id)
        if (other === row) continue
        n++
        if (bad.length < 5) bad.push(other === undefined ? `id ${id} gone (was ${show(row)})` : `id ${id}: ${fields(row, other)}`)
      }
      const am = new Set(a.map((/** @type {[number, string]} */ [id]) => id))
      const added = b.filter((/** @type {[number, string]} */ [id]) => !am.has(id)).map((/** @type {[number, string]} */ [id]) => id)
      if (n) out.push(`${key}: ${n} of ${a.length} rows differ: ${bad.join(' | ')}`)
      if (strict && added.length) out.push(`${key}: ${added.length} new rows (ids ${added.slice(0, 10).join(',')})`)
    } else if (Array.isArray(a) && Array.isArray(b)) {
      /** @type {string[]} */
      const bad = []
      let n = 0
      /** @type {Record<string, number>} rows in which each top-level field differs */
      const byField = {}
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if (a[i] === b[i]) continue
        n++
        if (bad.length < 3) bad.push(a[i] === undefined ? `[${i}] new ${show(b[i])}` : b[i] === undefined ? `[${i}] gone ${show(a[i])}` : `[${i}] ${fields(a[i], b[i])}`)
        if (a[i] !== undefined && b[i] !== undefined) {
          try {
            const x = JSON.parse(a[i])
            const y = JSON.parse(b[i])
            for (const f of new Set([...Object.keys(x), ...Object.keys(y)])) if (!isDeepStrictEqual(x[f], y[f])) byField[f] = (byField[f] ?? 0) + 1
          } catch {
            byField['(not JSON)'] = (byField['(not JSON)'] ?? 0) + 1
          }
        }
      }
      const fieldsText = Object.entries(byField).map(([f, c]) => `${f} in ${c}`).join(', ')
      out.push(`${key}: ${a.length} → ${b.length} rows, ${n} differ${fieldsText ? ` (differing fields: ${fieldsText} rows; no other field differs)` : ''}: ${bad.join(' | ')}`)
    } else {
      out.push(`${key}: ${show(a)} → ${show(b)}`)
    }
  }
  if (strict) for (const key of Object.keys(after)) if (!(key in before)) out.push(`${key}: new after (${show(after[key])})`)
  return out
}

/** @param {string} from @param {string} to */
function copyDb(from, to) {
  for (const ext of ['', '-wal']) {
    fs.rmSync(to + ext, { force: true })
    if (fs.existsSync(from + ext)) fs.copyFileSync(from + ext, to + ext)
  }
}

/**
 * The local days a legacy file's data covers (interactions and the bot's daily counters), with today.
 * @param {TaktikDatabase} d
 * @param {string} legacyCopy
 */
function dataRange(d, legacyCopy) {
  const today = facts('sql', legacyCopy, "SELECT date('now', 'localtime') AS d")[0].d
  const days = [today]
  for (const r of [...d.getActivitySync({ groupBy: 'day' }), ...d.getTikTokActivitySync({ groupBy: 'day' })]) if (r.day) days.push(r.day)
  for (const t of ['daily_stats', 'tiktok_daily_stats']) {
    for (const r of facts('sql', legacyCopy, `SELECT min(date) AS lo, max(date) AS hi FROM ${t}`)) days.push(...[r.lo, r.hi].filter(Boolean))
  }
  days.sort()
  return { from: /** @type {string} */ (days[0]), to: /** @type {string} */ (days.at(-1)) }
}

/**
 * The upgrade under test: the addon's `upgradeToUnifiedSync()` on a writable open, or (with
 * BOT_CHECK_UPGRADE=fixture, while the addon lacks it) the test fixture's emulation of the bot's
 * unification (`pyside.py migrate`), which makes no backup and no extras file.
 * @param {string} db
 * @returns {{ result: PyResult, ms: number }}
 */
function upgradeFile(db) {
  const t = Date.now()
  if (UPGRADE_MODE === 'fixture') {
    const r = run(py, [FIXTURE, 'migrate', db], { env: PY_ENV })
    fs.writeFileSync(path.join(RUN, 'logs', `${String(++logSeq).padStart(3, '0')}-pyside-migrate.log`), `${r.stderr}\n--- stdout\n${r.stdout}`)
    if (r.status !== 0) throw new Error(`pyside.py migrate: ${r.stderr.trim().split('\n').pop()}`)
    return { result: JSON.parse(r.stdout.trim().split('\n').pop() ?? 'null'), ms: Date.now() - t }
  }
  const d = openDatabase({ path: db })
  try {
    return { result: d.upgradeToUnifiedSync(), ms: Date.now() - t }
  } finally {
    d.close()
  }
}

/**
 * The upgrade's result against the legacy file's row counts (Python's).
 * @param {PyResult} res
 * @param {Record<string, number>} legacy facts.py counts of the legacy file
 * @param {Record<string, number>} after facts.py counts of the upgraded file
 * @param {string} db
 * @param {string[]} p
 */
function checkUpgradeResult(res, legacy, after, db, p) {
  check(res?.upgraded === true && res?.dryRun === false && res?.layoutBefore === 'legacy',
    `result: upgraded ${res?.upgraded}, dryRun ${res?.dryRun}, layoutBefore ${res?.layoutBefore}`, p)
  const moves = /** @type {{ from: string, to: string, rows: number }[]} */ (res?.moves ?? [])
  const aside = /** @type {{ table: string, rows: number }[]} */ (res?.keptAside ?? [])
  for (const m of moves) check(legacy[m.from] === m.rows, `moves ${m.from} → ${m.to}: ${m.rows} rows, the legacy table has ${legacy[m.from]}`, p)
  // keptAside: a legacy table's rows (its count), or a table of columns (its rows in the extras
  // file; facts.py extras then finds every legacy value there)
  const extrasCounts = typeof res?.extrasPath === 'string' && fs.existsSync(res.extrasPath) ? facts('counts', res.extrasPath) : {}
  for (const k of aside) {
    const n = k.table in legacy ? legacy[k.table] : extrasCounts[k.table]
    check(n === k.rows, `keptAside ${k.table}: ${k.rows} rows, the ${k.table in legacy ? 'legacy file' : 'extras file'} has ${n}`, p)
  }
  // Every legacy table with rows that is no longer a table is accounted for, and in `dropped`.
  const dropped = /** @type {string[]} */ (res?.dropped ?? [])
  for (const [t, n] of Object.entries(legacy)) {
    if (t in after) continue
    check(dropped.includes(t), `legacy table ${t} is gone but not in dropped`, p)
    if (n) check(moves.some((m) => m.from === t) || aside.some((k) => k.table === t), `legacy table ${t} (${n} rows) is gone and neither in moves nor in keptAside`, p)
  }
  for (const t of dropped) check(!(t in after), `dropped ${t} is still a table`, p)
  // Each destination holds what moved there.
  /** @type {Record<string, number>} */
  const into = {}
  for (const m of moves) into[m.to] = (into[m.to] ?? 0) + m.rows
  for (const [t, n] of Object.entries(into)) check(after[t] === n, `moves into ${t} say ${n} rows, the upgraded file has ${after[t]}`, p)
  const backup = res?.backupPath
  check(typeof backup === 'string' && fs.existsSync(backup), `backupPath ${backup}: no such file`, p)
  if (typeof backup === 'string' && fs.existsSync(backup)) {
    const want = `${db}.before-unified-`
    check(backup.startsWith(want) && /^\d{4}-\d{2}-\d{2}$/.test(backup.slice(want.length)), `backupPath ${backup} is not ${want}<YYYY-MM-DD>`, p)
    const bc = facts('counts', backup)
    const dd = diff(bc, legacy)
    check(!dd.length, `the backup's row counts ≠ the legacy file's: ${dd.join('; ')}`, p)
    let layout
    const b = openDatabase({ path: backup, readonly: true })
    try {
      layout = b.layout
    } finally {
      b.close()
    }
    check(layout === 'legacy', `the backup's layout is ${layout}`, p)
  }
  const extras = res?.extrasPath
  const needsExtras = aside.some((k) => k.rows > 0)
  check(!needsExtras || (typeof extras === 'string' && fs.existsSync(extras)), `extrasPath ${extras}: no such file, while keptAside has rows`, p)
  return { moves, aside, backup, extras }
}

/**
 * One shape of scenario 6.
 * @param {string} name
 * @param {(db: string) => { ok: boolean, detail: string }} make writes the legacy file
 */
function upgradeShape(name, make) {
  /** @type {string[]} */
  const p = []
  const t0 = Date.now()
  /** @type {Record<string, number>} */
  const ms = {}
  const lap = (/** @type {string} */ step, /** @type {number} */ since) => {
    ms[step] = Date.now() - since
    return Date.now()
  }
  const base = dir(`s6/${name}`)
  const db = path.join(base, 'taktik-data.db')
  const legacyCopy = path.join(base, 'legacy-copy.db')
  let t = Date.now()
  const made = make(db)
  t = lap('legacy', t)
  if (!check(made.ok, `making the legacy file: ${made.detail}`, p)) return { name, ok: false, problems: p, ms, totalMs: Date.now() - t0 }
  copyDb(db, legacyCopy)
  const legacyCounts = facts('counts', legacyCopy)
  // getProfileStatsHistory of every profile that has history, at most HISTORY_SAMPLE of them (the
  // read scans the table: ~5 ms a call on the benchmark file's 6,887): evenly spread, the one with the
  // most rows included. Python compares every row of the table anyway (KEPT_IN_PLACE).
  /** @type {number[]} */
  let historyProfiles = []
  let historyOf = 0
  if (legacyCounts.profile_stats_history) {
    const all = facts('sql', legacyCopy, 'SELECT profile_id AS p, count(*) AS n FROM profile_stats_history GROUP BY 1 ORDER BY 1')
    historyOf = all.length
    const busiest = all.reduce((/** @type {PyResult} */ m, /** @type {PyResult} */ r) => (r.n > m.n ? r : m), all[0]).p
    historyProfiles = all.length <= HISTORY_SAMPLE
      ? all.map((/** @type {PyResult} */ r) => r.p)
      : [...new Set([busiest, ...Array.from({ length: HISTORY_SAMPLE - 1 }, (_, i) => all[Math.floor((i * all.length) / (HISTORY_SAMPLE - 1))].p)])].sort((a, b) => a - b)
  }
  // A: the addon on the legacy file
  let before
  const scope = { range: { from: '', to: '' }, ig: /** @type {number[]} */ ([]), tt: /** @type {number[]} */ ([]), historyProfiles }
  const r0 = openDatabase({ path: db, readonly: true })
  try {
    check(r0.layout === 'legacy', `the legacy file's layout is ${r0.layout}`, p)
    scope.range = dataRange(r0, legacyCopy)
    scope.ig = r0.getAccountsSync().map((a) => a.accountId)
    scope.tt = r0.getTikTokAccountsSync().map((a) => a.accountId)
    before = upgradeDashboard(r0, scope)
  } finally {
    r0.close()
  }
  lap('record', t)
  // The upgrade
  const listing = fs.readdirSync(base).sort()
  const up = upgradeFile(db)
  ms.upgrade = up.ms
  t = Date.now()
  const afterCounts = facts('counts', db)
  /** @type {{ moves: { from: string, to: string, rows: number }[], aside: { table: string, rows: number }[], backup?: string, extras?: string } | null} */
  let res = null
  if (UPGRADE_MODE === 'addon') {
    res = checkUpgradeResult(up.result, legacyCounts, afterCounts, db, p)
    if (typeof res.extras === 'string' && fs.existsSync(res.extras)) {
      const x = facts('extras', legacyCopy, res.extras)
      check(x.ok, `extras file ${path.basename(res.extras)}: ${x.problems.join('; ')}`, p)
    } else if (HOMELESS.some((x) => legacyCounts[x])) {
      check(false, `no extras file although the legacy file has ${HOMELESS.filter((x) => legacyCounts[x]).map((x) => `${x} ${legacyCounts[x]}`).join(', ')}`, p)
    }
  } else {
    check(up.result?.layout === 'unified', `pyside.py migrate left a ${up.result?.layout} file`, p)
  }
  // B: the addon right after the upgrade: the same dashboard, exactly
  const r1 = openDatabase({ path: db, readonly: true })
  let layoutB
  try {
    layoutB = r1.layout
    const dd = dashboardDiff(before, upgradeDashboard(r1, scope), true)
    check(!dd.length, `after the upgrade the addon's dashboard differs: ${dd.join(' || ')}`, p)
  } finally {
    r1.close()
  }
  check(layoutB === 'unified', `the upgraded file's layout is ${layoutB}`, p)
  for (const table of KEPT_IN_PLACE) {
    if (!(table in legacyCounts)) continue
    const r = facts('same-rows', legacyCopy, table, db, table)
    check(r.ok, `${table} after the upgrade (Python): ${JSON.stringify(r)}`, p)
  }
  t = lap('checkUpgrade', t)
  // The bot's HEAD: its start, then a round of its normal writes
  const boot = bot('boot', HEAD, db)
  check(boot.ok, botFailure(`HEAD ${short(HEAD)} start on the upgraded file`, boot), p)
  t = lap('headBoot', t)
  const drive = bot('drive', HEAD, db, '--round', '1')
  check(drive.ok, botFailure(`HEAD ${short(HEAD)} writes`, drive), p)
  t = lap('headWrites', t)
  // C: the addon after the bot: every recorded number of the legacy accounts, unchanged
  const r2 = openDatabase({ path: db, readonly: true })
  try {
    const dd = dashboardDiff(before, upgradeDashboard(r2, scope), false)
    check(!dd.length, `after HEAD's start and writes the addon's dashboard differs: ${dd.join(' || ')}`, p)
  } finally {
    r2.close()
  }
  for (const table of KEPT_IN_PLACE) {
    if (!(table in legacyCounts)) continue
    const r = facts('same-rows', legacyCopy, table, db, table, '--subset')
    check(r.ok, `${table} after HEAD (Python): ${JSON.stringify(r)}`, p)
  }
  const integ = facts('integrity', db)
  check(integ.ok, `integrity_check after HEAD: ${JSON.stringify(integ.integrity)}`, p)
  t = lap('checkAfterBot', t)
  // A second upgrade: a no-op
  let second = null
  if (UPGRADE_MODE === 'addon') {
    const schema0 = facts('schema', db)
    const counts0 = facts('counts', db)
    const files0 = fs.readdirSync(base).sort()
    const again = upgradeFile(db)
    second = again.result
    check(second?.upgraded === false && second?.layoutBefore === 'unified' && !second?.backupPath,
      `second upgrade: upgraded ${second?.upgraded}, layoutBefore ${second?.layoutBefore}, backupPath ${second?.backupPath}`, p)
    const s1 = facts('schema', db)
    check(isDeepStrictEqual(s1, schema0), `the second upgrade changed sqlite_master: ${diff(schema0, s1).join('; ')}`, p)
    const c1 = facts('counts', db)
    check(isDeepStrictEqual(c1, counts0), `the second upgrade changed row counts: ${diff(counts0, c1).join('; ')}`, p)
    const files1 = fs.readdirSync(base).sort().filter((f) => !/-(wal|shm)$/.test(f))
    check(isDeepStrictEqual(files1, files0.filter((f) => !/-(wal|shm)$/.test(f))), `the second upgrade left files: ${files1.filter((f) => !files0.includes(f)).join(', ')}`, p)
    lap('secondUpgrade', t)
  }
  const records = Object.keys(before).length
  const rowsOf = (/** @type {string} */ re) => Object.entries(before).filter(([k]) => new RegExp(re).test(k)).reduce((s, [, v]) => s + (Array.isArray(v) ? v.length : 0), 0)
  return {
    name, ok: !p.length, problems: p, ms, totalMs: Date.now() - t0,
    legacy: `${Object.entries(legacyCounts).filter(([k, n]) => n && k !== 'sqlite_sequence').map(([k, n]) => `${k} ${n}`).join(', ') || 'no rows'}`,
    compared: `${records} answers (${rowsOf('getInteractions$')} + ${rowsOf('getTikTokInteractions$')} interactions row by row, ${rowsOf('getSessions$')} + ${rowsOf('getTikTokSessions$')} sessions, getProfileStatsHistory of ${historyProfiles.length}${historyOf > historyProfiles.length ? ` of ${historyOf}` : ''} profiles), days ${scope.range.from} … ${scope.range.to}`,
    moves: res?.moves, keptAside: res?.aside, backup: res?.backup && path.basename(res.backup), extras: res?.extras && path.basename(res.extras),
    botWrites: drive.ops?.length, second, listing,
  }
}

/** @returns {{ ok: boolean, detail: string }} */
const seeded = (/** @type {PyResult} */ r) => ({ ok: r.ok, detail: r.ok ? 'ok' : botFailure(`${LEGACY_REF} seed`, r) })

function scenario6() {
  const shapes = [
    upgradeShape('empty', (db) => seeded(bot('boot', LEGACY_REF, db))),
    upgradeShape('one-ig-account', (db) => seeded(bot('seed', LEGACY_REF, db, '--shape', 'ig'))),
    upgradeShape('both-platforms', (db) => seeded(bot('seed', LEGACY_REF, db))),
  ]
  let bigSkipped = false
  if (BIG) {
    shapes.push(upgradeShape('benchmark-500k', (db) => {
      // benchmark/generate.py's file, as `npm run bench` makes it (cached by the generator), then
      // the legacy bot's own start on it
      const cache = path.join(SCRATCH, 'bench', 'legacy.db')
      fs.mkdirSync(path.dirname(cache), { recursive: true })
      const g = run(py, [GENERATOR, cache], { env: PY_ENV, stdio: ['ignore', 'pipe', 'pipe'] })
      if (g.status !== 0) return { ok: false, detail: `benchmark/generate.py: ${g.stderr.trim().split('\n').pop()}` }
      copyDb(cache, db)
      return seeded(bot('boot', LEGACY_REF, db))
    }))
  } else {
    bigSkipped = true
  }
  // The big shape's files (~500 MB) are kept only when it failed.
  const big = shapes.find((s) => s.name === 'benchmark-500k')
  if (big?.ok) fs.rmSync(path.join(RUN, 's6', 'benchmark-500k'), { recursive: true, force: true })
  for (const s of shapes) process.stderr.write(`  s6 ${s.name}: ${s.ok ? 'ok' : 'FAIL'} (${(s.totalMs / 1000).toFixed(1)} s: ${Object.entries(s.ms).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(', ')})\n`)
  const bad = shapes.filter((s) => !s.ok)
  const how = UPGRADE_MODE === 'fixture'
    ? 'upgrade = the test fixture\'s stand-in (BOT_CHECK_UPGRADE=fixture: pyside.py migrate; the result, backup, extras and second-upgrade checks are not run)'
    : 'upgrade = db.upgradeToUnifiedSync() on a writable open'
  const skipped = bigSkipped ? '; SKIPPED the 500k-interaction benchmark shape (BOT_CHECK_BIG=0)' : ''
  return {
    ok: !bad.length,
    detail: (bad.length
      ? bad.map((s) => `${s.name}: ${s.problems.join('; ')}`).join(' |||| ')
      : `${shapes.map((s) => `${s.name} (${(s.totalMs / 1000).toFixed(1)} s; ${s.compared})`).join(', ')}: ` +
        `the addon's dashboard after the upgrade = before it, and after HEAD ${short(HEAD)}'s start + ${shapes[0]?.botWrites} writes (ok) the same for the legacy accounts; ` +
        `${KEPT_IN_PLACE.join(', ')} identical (Python); integrity_check ok`) + `; ${how}${skipped}`,
    shapes,
  }
}

// ---------------------------------------------------------------------------------------------

/** @type {[number, string, () => ScenarioResult | Promise<ScenarioResult>][]} */
const SCENARIOS = [
  [1, 'unified file created by the addon, bot HEAD runs unchanged', scenario1],
  [2, "the addon's writes on a bot file, then the bot again", scenario2],
  [3, 'every June revision (+ 66b6242f, e1e6e957^, HEAD): no harm', scenario3],
  [4, "the bot's own upgrade path 66b6242f → e9867062", scenario4],
  [5, 'a foreign file is untouched', scenario5],
  [6, 'a legacy file upgraded by the addon, then the bot HEAD on it', scenario6],
]
const only = process.env.BOT_CHECK_ONLY?.split(',').map(Number)
const results = []
for (const [id, name, fn] of SCENARIOS) {
  if (only && !only.includes(id)) continue
  const s = Date.now()
  let r
  try {
    r = await fn()
  } catch (e) {
    const err = addonError(e)
    r = { ok: false, detail: `threw: ${err.code ? `${err.code} ` : ''}${err.stack ?? err}` }
  }
  const ms = Date.now() - s
  console.log(`${r.ok ? 'PASS' : 'FAIL'} ${id}. ${name} (${(ms / 1000).toFixed(1)} s): ${r.detail}`)
  const { ok, detail, ...more } = r
  results.push({ id, name, ok, ms, detail, ...more })
}
const summary = {
  ok: results.every((r) => r.ok),
  bot: { git: path.resolve(gitDir), head: HEAD, headRev, headIs6810e804: HEAD.startsWith('6810e804') },
  python: run(py, ['-c', 'import sys, sqlite3, loguru, sqlalchemy; print(sys.version.split()[0], sqlite3.sqlite_version, loguru.__version__, sqlalchemy.__version__)']).stdout.trim(),
  node: process.version,
  runDir: path.relative(ROOT, RUN),
  totalMs: Date.now() - t0,
  scenarios: results.map(({ id, name, ok, ms, detail }) => ({ id, name, ok, ms, detail })),
}
fs.writeFileSync(path.join(RUN, 'summary.json'), JSON.stringify({ ...summary, scenarios: results }, null, 2))
console.log(JSON.stringify(summary, null, 2))
process.exit(summary.ok ? 0 : 1)

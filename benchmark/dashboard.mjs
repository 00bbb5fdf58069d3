// The dashboard's own calls, timed on the benchmark file: totals, one session,
// day ranges, activity over a year of 500k interactions, a deep page by cursor
// against the same page by offset, and a whole-account CSV export. No peer has
// these calls (better-sqlite3 and node:sqlite would need the SQL written for
// them), so they are timed alone: the figure to hold is the time itself (the
// issue's goal: a year of per-type counts in well under 100 ms).
//
//   node --expose-gc benchmark/dashboard.mjs [DB_PATH]   (run.mjs calls timeDashboard)
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'

const require = createRequire(import.meta.url)

/** @typedef {import('../index.js').TaktikDatabase} TaktikDatabase */
/** @typedef {{ label: string, ms: number, rows: number, goalMs: number | null }} Timing */

const pad = (/** @type {number} */ n) => String(n).padStart(2, '0')
const localDate = (/** @type {Date} */ d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`

/**
 * Median ms of `samples` runs of `f` (after one warm-up run).
 * @param {() => unknown} f
 * @param {number} samples
 * @returns {{ ms: number, rows: number }}
 */
function time(f, samples) {
  const first = f()
  /** @type {number[]} */
  const ms = []
  for (let i = 0; i < samples; i++) {
    const t = performance.now()
    f()
    ms.push(performance.now() - t)
  }
  ms.sort((a, b) => a - b)
  const rows = Array.isArray(first) ? first.length : 1
  return { ms: ms[ms.length >> 1] ?? Number.NaN, rows }
}

/**
 * Times the dashboard calls (their Sync forms: the work itself, no event-loop turns).
 * @param {TaktikDatabase} db
 * @param {{ accountId: number, sessionId: number }} ids
 * @param {number} samples
 * @returns {Timing[]}
 */
export function timeDashboard(db, ids, samples = 15) {
  const acc = ids.accountId
  const today = new Date()
  const yearAgo = new Date(today)
  yearAgo.setFullYear(today.getFullYear() - 1)
  const year = { from: localDate(yearAgo), to: localDate(today) }
  /** @type {[string, () => unknown, number | null][]} */
  const cases = [
    ['getActivity: a year by type, every account (500k interactions)', () => db.getActivitySync({ groupBy: 'type', ...year }), 100],
    ['getActivity: a year by type, one account', () => db.getActivitySync({ groupBy: 'type', accountId: acc, ...year }), 100],
    ['getActivity: a year by day and type, every account', () => db.getActivitySync({ groupBy: ['day', 'type'], ...year }), null],
    ['getActivity: by hour of the day, one account', () => db.getActivitySync({ groupBy: 'hour', accountId: acc }), null],
    ['getDailyStats: { from, to } a year', () => db.getDailyStatsSync(acc, year), null],
    ['countInteractions: one account', () => db.countInteractionsSync(acc), null],
    ["countInteractions: one account, type ['LIKE', 'FOLLOW']", () => db.countInteractionsSync(acc, { type: ['LIKE', 'FOLLOW'] }), null],
    ['countInteractions: every account', () => db.countInteractionsSync(null), null],
    ['countSessions: one account', () => db.countSessionsSync(acc), null],
    ['getSession', () => db.getSessionSync(ids.sessionId), null],
    ["getInteractions(null, { sessionId }): a session's interactions", () => db.getInteractionsSync(null, { sessionId: ids.sessionId, limit: 1000 }), null],
  ]
  /** @type {Timing[]} */
  const out = cases.map(([label, f, goalMs]) => ({ label, ...time(f, samples), goalMs }))

  // 50 rows, 100,000 rows deep: by offset, and by the cursor of the page before.
  const deep = 100_000
  const before = db.getInteractionsSync(acc, { limit: 10_000, offset: deep - 10_000 })
  const after = before.nextCursor ?? undefined
  out.push({ label: 'getInteractions: 50 rows at 100,000 deep, by offset', ...time(() => db.getInteractionsSync(acc, { limit: 50, offset: deep }), samples), goalMs: null })
  out.push({ label: 'getInteractions: the same page by cursor (after)', ...time(() => db.getInteractionsSync(acc, { limit: 50, after }), samples), goalMs: null })

  // A whole account's interactions to CSV (one pass, streamed).
  const dir = mkdtempSync(path.join(tmpdir(), 'taktik-bench-csv-'))
  try {
    const dest = path.join(dir, 'i.csv')
    const r = time(() => db.exportCsvSync('interactions', dest, { accountId: acc, overwrite: true }), Math.min(samples, 3))
    const rows = db.countInteractionsSync(acc)
    out.push({ label: `exportCsv: every interaction of one account (${rows.toLocaleString('en-US')} rows)`, ms: r.ms, rows, goalMs: null })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return out
}

/**
 * The timings as a markdown table.
 * @param {Timing[]} timings
 * @returns {string}
 */
export function dashboardTable(timings) {
  const lines = ['| call | rows | median ms | goal |', '| --- | ---: | ---: | --- |']
  for (const t of timings) {
    const goal = t.goalMs === null ? '' : t.ms < t.goalMs ? `< ${t.goalMs} ms: met` : `< ${t.goalMs} ms: **missed**`
    lines.push(`| ${t.label} | ${t.rows.toLocaleString('en-US')} | ${t.ms.toFixed(2)} | ${goal} |`)
  }
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { openDatabase } = require('../index.js')
  const file = process.argv[2] ?? path.join(path.dirname(new URL(import.meta.url).pathname), '.data', 'pristine.db')
  const db = openDatabase({ path: file, readonly: true })
  try {
    const accountId = db.getAccountsSync()[0]?.accountId ?? 1
    const sessionId = db.getSessionsSync(accountId, { limit: 1 })[0]?.sessionId ?? 1
    console.log(dashboardTable(timeDashboard(db, { accountId, sessionId })))
  } finally {
    db.close()
  }
}

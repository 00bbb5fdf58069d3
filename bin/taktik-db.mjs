#!/usr/bin/env node
// taktik-db: a read-only command-line window on TAKTIK's taktik-data.db, built on
// this package's addon. Run `taktik-db --help` for usage and exit codes.
import { createRequire } from 'node:module'
import path from 'node:path'
import { parseArgs } from 'node:util'
// Terminal columns of text (emoji, CJK, combining marks, ZWJ sequences), kept current with
// Unicode by its maintainers. Version 8, not 9: 9 needs Node 22 and this package supports Node 20.
import stringWidth from 'string-width'

const require = createRequire(import.meta.url)

/**
 * @typedef {import('../index.js').TaktikDatabase} TaktikDatabase
 * @typedef {import('../index.js').Account} Account
 * @typedef {import('../index.js').DailyStatsDay} DailyStatsDay
 * @typedef {import('../index.js').ExportKind} ExportKind
 * @typedef {import('../index.js').ProfileSortBy} ProfileSortBy
 * @typedef {ReturnType<typeof parse>['values']} Values
 * @typedef {{ summary: string, args: string[], options: string[], help: string }} Command
 */

const EXIT_OK = 0
const EXIT_ERROR = 1
const EXIT_USAGE = 2
const EXIT_NOT_FOUND = 3

const EXPORT_KINDS = ['profiles', 'interactions', 'scrapedProfiles']
const SORT_KEYS = [
  'lastInteractionAt',
  'interactionCount',
  'username',
  'fullName',
  'followersCount',
  'followingCount',
  'postsCount',
  'createdAt',
  'updatedAt',
  'profileId',
]

/** Every option any command knows; each command accepts a subset (see COMMANDS). */
const OPTIONS = /** @type {const} */ ({
  db: { type: 'string' },
  account: { type: 'string' },
  days: { type: 'string' },
  limit: { type: 'string' },
  search: { type: 'string' },
  sort: { type: 'string' },
  scraping: { type: 'string' },
  bom: { type: 'boolean' },
  overwrite: { type: 'boolean' },
  seconds: { type: 'string' },
  table: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
})

/** A usage problem: exit 2. */
class UsageError extends Error {}

/** "No such account" and the like: exit 3. */
class NotFoundError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message)
    this.code = 'NOT_FOUND'
  }
}

// ---------------------------------------------------------------------------
// Help

function resolvedDefaultPath() {
  try {
    return loadAddon().defaultDatabasePath()
  } catch {
    return null
  }
}

const DB_OPTION = `  --db PATH            The database file. Default: taktik-data.db where the Python
                       bot keeps it: in %APPDATA%\\taktik-desktop when APPDATA is
                       set, else in ~/taktik-desktop`

const COMMON_OPTIONS = `Common options:
${DB_OPTION}
  --json               Print JSON on stdout instead of a table (one document;
                       watch prints one JSON object per line)
  -h, --help           Show help and exit (taktik-db <command> --help for one command)`

const ACCOUNT_OPTION = `  --account NAME|ID    The Instagram account: its username (case-insensitive) or its
                       numeric id. Default: the first account (lowest id)`

const EXIT_CODES = `Exit status:
  0  success
  1  database or runtime error; stderr says "taktik-db: <CODE>: <message>" with the
     addon's error code (SQLITE_CANTOPEN: no such file, SQLITE_NOTADB: not a SQLite
     database, SQLITE_BUSY, FILE_EXISTS: destination exists, IO_ERROR, ...)
  2  usage error: unknown command or option, missing or extra argument, bad number;
     stderr says "taktik-db: USAGE: <message>"
  3  not found: no such account (or scraping session), or the file has no account;
     stderr says "taktik-db: NOT_FOUND: <message>"`

/** @type {Record<string, Command>} */
const COMMANDS = {
  info: {
    summary: 'File facts, accounts and rows per table',
    args: [],
    options: [],
    help: `Usage: taktik-db info [--db PATH] [--json]

Prints facts about the database file: path, its layout (legacy, unified,
empty, foreign or unknown: which bot version wrote it), size of the file and of
its WAL, journal mode, page size and count, SQLite version, the Instagram
accounts, and the number of rows in every table.

--json prints the addon's DatabaseInfo object plus "accounts" (an array of
{accountId, username, isBot, userId, licenseId, createdAt}).`,
  },
  stats: {
    summary: 'Daily counters of an account, one row per local day',
    args: [],
    options: ['account', 'days'],
    help: `Usage: taktik-db stats [--account NAME|ID] [--days N] [--db PATH] [--json]

Prints the account's daily_stats for the last N local calendar days, ending
today, oldest first: likes, follows, unfollows, comments, story views and likes,
profile visits, sessions (total, completed, failed) and the time the bot ran.
Days without activity show zeros. A total line closes the table.

Options:
${ACCOUNT_OPTION}
  --days N             How many days, 1 to 3650. Default 7

--json prints {"account": {accountId, username}, "days": [{date, totalLikes,
totalFollows, totalUnfollows, totalComments, totalStoryViews, totalStoryLikes,
totalProfileVisits, totalSessions, completedSessions, failedSessions,
totalDurationSeconds}, ...]}.`,
  },
  sessions: {
    summary: 'Latest bot sessions of an account, newest first',
    args: [],
    options: ['account', 'limit'],
    help: `Usage: taktik-db sessions [--account NAME|ID] [--limit N] [--db PATH] [--json]

Prints the account's latest sessions, newest first: id, start time (local),
status, target type and target, duration, and the error message if any.

Options:
${ACCOUNT_OPTION}
  --limit N            How many sessions, 1 to 10000. Default 20

--json prints {"account": {accountId, username}, "sessions": [...]} with every
column of each session (times as ISO-8601 UTC, configUsed parsed).`,
  },
  profiles: {
    summary: 'Profiles an account interacted with, latest interaction first',
    args: [],
    options: ['account', 'limit', 'search', 'sort'],
    help: `Usage: taktik-db profiles [--account NAME|ID] [--limit N] [--search TEXT]
                         [--sort KEY] [--db PATH] [--json]

Prints the profiles the account interacted with: id, username, full name,
followers, following, posts, number of interactions and the latest one (local
time), and how many profiles match in all.

Options:
${ACCOUNT_OPTION}
  --limit N            How many profiles, 1 to 10000. Default 20
  --search TEXT        Only profiles whose username or full name contains TEXT
                       (case-insensitive; % and _ are literal)
  --sort KEY           Sort order, descending: ${SORT_KEYS.slice(0, 4).join(', ')},
                       ${SORT_KEYS.slice(4).join(', ')}.
                       Default lastInteractionAt

--json prints {"account": {accountId, username}, "total": N, "profiles": [...]}
with every column of each profile plus interactionCount and lastInteractionAt.`,
  },
  export: {
    summary: 'Write profiles, interactions or scraped profiles to a CSV file',
    args: ['kind', 'dest'],
    options: ['account', 'scraping', 'bom', 'overwrite'],
    help: `Usage: taktik-db export <kind> <dest> [--account NAME|ID] [--scraping ID]
                       [--bom] [--overwrite] [--db PATH] [--json]

Writes every matching row to the CSV file <dest> (RFC 4180, comma-separated,
CRLF line ends, a header line of column names), from one consistent snapshot.

Kinds:
  profiles             The profiles the account interacted with (as "profiles")
  interactions         The account's interactions, newest first, with usernames
  scrapedProfiles      The profiles one scraping run collected (needs --scraping)

Options:
${ACCOUNT_OPTION}
                       (profiles and interactions only)
  --scraping ID        The scraping session (scrapedProfiles only; required)
  --bom                Start the file with a UTF-8 byte order mark, for Excel
  --overwrite          Replace <dest> if it exists (otherwise: FILE_EXISTS, exit 1)

--json prints {"kind", "path" (absolute), "rows" (data rows, header not counted)}.`,
  },
  backup: {
    summary: 'Copy the database to a file, safely while the bot writes',
    args: ['dest'],
    options: ['overwrite'],
    help: `Usage: taktik-db backup <dest> [--overwrite] [--db PATH] [--json]

Copies the database to <dest> with SQLite's online backup: one consistent
snapshot, correct even while the Python bot is writing. <dest> is a complete
database on its own (no -wal file needed). Refuses to write over the database
itself.

Options:
  --overwrite          Replace <dest> if it exists (otherwise: FILE_EXISTS, exit 1)

--json prints {"source", "path" (absolute), "pages", "bytes"}.`,
  },
  watch: {
    summary: 'Print a line whenever someone commits changes, until Ctrl-C',
    args: [],
    options: ['table', 'seconds'],
    help: `Usage: taktik-db watch [--table NAME]... [--seconds N] [--db PATH] [--json]

Watches the database and prints one line per change: the local time and the
tables whose rows changed, by the API's names, the same whichever bot version
wrote the file (e.g. "interactions" when the bot records an interaction).
Prints nothing while nothing changes, and a line when the bot migrates the file
to another layout. Runs until Ctrl-C (SIGINT) or SIGTERM, then stops cleanly
with exit status 0.

Options:
  --table NAME         Only report changes to this table: accounts, profiles,
                       sessions, interactions, dailyStats, filteredProfiles,
                       tiktokInteractions, ... (the README lists them); repeat
                       for several. Default: every table the file keeps
  --seconds N          Stop by itself after N seconds (N > 0, decimals allowed)

--json prints one JSON object per line (NDJSON):
  {"time": "<ISO-8601 UTC>", "tables": ["dailyStats", ...], "dataVersion": N,
   "layout": "unified", "layoutChanged": false}`,
  },
}

function mainHelp() {
  const here = resolvedDefaultPath()
  const width = Math.max(...Object.keys(COMMANDS).map((c) => commandSynopsis(c).length))
  const lines = Object.entries(COMMANDS).map(
    ([c, { summary }]) => `  ${commandSynopsis(c).padEnd(width)}   ${summary}`,
  )
  return `taktik-db - look into TAKTIK's taktik-data.db from the command line

Usage:
  taktik-db <command> [arguments] [options]
  taktik-db <command> --help       Help on one command
  taktik-db --help | --version

Commands:
${lines.join('\n')}

${COMMON_OPTIONS}
  --version            Print the version and exit
${ACCOUNT_OPTION}
                       (stats, sessions, profiles, export)
${here ? `\nThe default database on this machine: ${here}\n` : ''}
Run "taktik-db <command> --help" for the options of each command.

The database is always opened read-only: taktik-db never changes it, never
creates it, and is safe to run while the bot is writing.

${EXIT_CODES}

Examples:
  taktik-db info
  taktik-db stats --account alice_bot --days 14
  taktik-db sessions --account 2 --limit 5 --json
  taktik-db profiles --search anna
  taktik-db export interactions alice.csv --account alice_bot --bom
  taktik-db backup ~/taktik-backup.db --overwrite
  taktik-db watch --json --seconds 60
`
}

/**
 * A command's spec; an unknown name is a usage error.
 * @param {string} name
 */
function commandSpec(name) {
  if (!Object.hasOwn(COMMANDS, name)) throw new UsageError(`unknown command "${name}"`)
  return /** @type {Command} */ (COMMANDS[name])
}

/** @param {string} name */
function commandSynopsis(name) {
  return [name, ...commandSpec(name).args.map((a) => `<${a}>`)].join(' ')
}

/** @param {string} name */
function commandHelp(name) {
  return `${commandSpec(name).help}

${COMMON_OPTIONS}

${EXIT_CODES}
`
}

// ---------------------------------------------------------------------------
// Arguments

/**
 * A field of a thrown value, if it is an object that has one.
 * @param {unknown} e
 * @param {string} key
 */
function field(e, key) {
  return e !== null && typeof e === 'object' && key in e ? /** @type {Record<string, unknown>} */ (e)[key] : undefined
}

/** @param {string[]} argv */
function parse(argv) {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true })
  } catch (e) {
    const code = field(e, 'code')
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(String(field(e, 'message')).replace(/\. To specify a positional argument.*$/s, ''))
    }
    throw e
  }
  const { values, positionals } = parsed
  let command = positionals[0]
  const args = positionals.slice(1)
  if (command === 'help') {
    // `taktik-db help [command]`
    values.help = true
    command = args.shift()
  }
  return { command, args, values }
}

/**
 * @param {string} command
 * @param {Values} values
 */
function checkCommandOptions(command, values) {
  const allowed = new Set(['db', 'json', 'help', ...commandSpec(command).options])
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && !allowed.has(name)) {
      throw new UsageError(`option --${name} does not apply to "${command}"`)
    }
  }
}

/**
 * A whole number from min to max, else a usage error naming the option.
 * @param {Values} values
 * @param {'days' | 'limit' | 'scraping'} name
 * @param {number} dflt
 * @param {number} min
 * @param {number} max
 */
function intOption(values, name, dflt, min, max) {
  const raw = values[name]
  if (raw === undefined) return dflt
  if (!/^\d+$/.test(raw.trim())) throw new UsageError(`--${name} must be a whole number, got "${raw}"`)
  const n = Number(raw.trim())
  if (n < min || n > max) throw new UsageError(`--${name} must be from ${min} to ${max}, got ${n}`)
  return n
}

/** @param {Values} values */
function secondsOption(values) {
  const raw = values.seconds
  if (raw === undefined) return undefined
  const n = Number(raw.trim())
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !(n > 0) || n > 2_000_000) {
    throw new UsageError(`--seconds must be a positive number of seconds, got "${raw}"`)
  }
  return n
}

// ---------------------------------------------------------------------------
// Database

/** @type {typeof import('../index.js') | undefined} */
let addon
function loadAddon() {
  if (addon === undefined) {
    /** @type {typeof import('../index.js')} */
    const loaded = require('../index.js')
    addon = loaded
  }
  return addon
}

/** @param {Values} values */
function openDb(values) {
  const { openDatabase, defaultDatabasePath } = loadAddon()
  const file = values.db !== undefined ? path.resolve(values.db) : defaultDatabasePath()
  return openDatabase({ path: file, readonly: true })
}

/**
 * The account --account names (id or case-insensitive username), or the first one.
 * @param {TaktikDatabase} db
 * @param {string | undefined} spec
 */
function resolveAccount(db, spec) {
  const accounts = db.getAccountsSync()
  const [first] = accounts
  if (first === undefined) throw new NotFoundError(`no Instagram account in ${db.path}`)
  if (spec === undefined) return first
  const wanted = spec.trim().replace(/^@/, '')
  if (/^\d+$/.test(wanted)) {
    const byId = accounts.find((a) => a.accountId === Number(wanted))
    if (byId) return byId
  }
  const lower = wanted.toLowerCase()
  const byName =
    accounts.find((a) => a.username === wanted) ?? accounts.find((a) => a.username.toLowerCase() === lower)
  if (byName) return byName
  const known = accounts.map((a) => `${a.username} (${a.accountId})`).join(', ')
  throw new NotFoundError(`no account "${spec}" in ${db.path}; accounts: ${known}`)
}

const accountRef = (/** @type {Account} */ a) => ({ accountId: a.accountId, username: a.username })

// ---------------------------------------------------------------------------
// Output

/** What to do when stdout's reader goes away (`taktik-db ... | head -1`); watch stops itself. */
/** @type {() => void} */
let onBrokenPipe = () => process.exit(process.exitCode ?? EXIT_OK)
process.stdout.on('error', (/** @type {NodeJS.ErrnoException} */ e) => {
  if (e.code === 'EPIPE') onBrokenPipe()
  else process.exit(report(e))
})

/** @param {string} text */
function out(text) {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
}

/** @param {unknown} value */
function printJson(value) {
  out(JSON.stringify(value, null, 2))
}

/** @param {string} s */
const width = (s) => stringWidth(s)

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' })

/**
 * One line of text for a table cell: no control characters, at most `max` columns wide
 * (cut between user-perceived characters, so an emoji or a flag is never split).
 * @param {unknown} value
 */
function cell(value, max = 40) {
  if (value === null || value === undefined || value === '') return '-'
  const s = String(value).replace(/\p{Cc}+/gu, ' ')
  if (width(s) <= max) return s
  let cut = ''
  let w = 0
  for (const { segment } of graphemes.segment(s)) {
    const cw = width(segment)
    if (w + cw > max - 1) break
    cut += segment
    w += cw
  }
  return `${cut}…`
}

/**
 * An aligned plain-text table. columns: [{ title, align: 'left' | 'right' }];
 * rows: arrays of strings. `footer` rows come after a rule.
 * @param {{ title: string, align: 'left' | 'right' }[]} columns
 * @param {string[][]} rows one string per column
 * @param {string[][]} [footer]
 */
function table(columns, rows, footer = []) {
  const widths = columns.map((c, i) => Math.max(width(c.title), ...[...rows, ...footer].map((r) => width(r[i] ?? ''))))
  const pad = (/** @type {string} */ s, /** @type {number} */ i) => {
    const gap = ' '.repeat((widths[i] ?? 0) - width(s))
    return columns[i]?.align === 'right' ? gap + s : s + gap
  }
  const line = (/** @type {string[]} */ r) => r.map(pad).join('  ').trimEnd()
  const rule = widths.map((w) => '-'.repeat(w)).join('  ')
  const body = [line(columns.map((c) => c.title)), rule, ...rows.map(line)]
  if (footer.length) body.push(rule, ...footer.map(line))
  return body.join('\n')
}

const num = (/** @type {number | null | undefined} */ n) => (n === null || n === undefined ? '-' : Number(n).toLocaleString('en-US'))

/** @param {number | null | undefined} seconds */
function duration(seconds) {
  if (seconds === null || seconds === undefined) return '-'
  const s = Math.max(0, Math.round(seconds))
  if (s === 0) return '0s'
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(sec).padStart(2, '0')}s`
}

const p2 = (/** @type {number} */ n) => String(n).padStart(2, '0')

/**
 * An ISO instant as local "YYYY-MM-DD HH:MM" (or the raw text if it does not parse).
 * @param {string | null | undefined} iso
 */
function localTime(iso, withSeconds = false) {
  if (iso === null || iso === undefined) return '-'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return cell(iso, 25)
  const base = `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}`
  return withSeconds ? `${base}:${p2(d.getSeconds())}` : base
}

/** @param {number} n */
function bytes(n) {
  if (n < 1024) return `${n} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let u = -1
  do {
    v /= 1024
    u++
  } while (v >= 1024 && u < units.length - 1)
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`
}

// ---------------------------------------------------------------------------
// Commands

/** db.layout, for people. */
const LAYOUT_NAMES = {
  legacy: 'legacy (the bot until June 2026)',
  unified: 'unified (the bot since June 2026)',
  empty: 'empty (no tables yet)',
  foreign: "foreign (another application's SQLite file)",
  unknown: 'unknown (neither of the bot\'s layouts)',
}

/**
 * @param {TaktikDatabase} db
 * @param {Values} values
 */
function cmdInfo(db, values) {
  const info = db.getDatabaseInfoSync()
  // A file without accounts (another application's, an unknown layout) is still described.
  const accounts = db.supports('getAccounts') ? db.getAccountsSync() : []
  if (values.json) return printJson({ ...info, accounts })
  /** @type {[string, string][]} */
  const facts = [
    ['Path', info.path],
    ['Layout', LAYOUT_NAMES[info.layout] ?? info.layout],
    ['File size', `${bytes(info.fileSizeBytes)} (${num(info.fileSizeBytes)} bytes)`],
    ['WAL size', `${bytes(info.walSizeBytes)} (${num(info.walSizeBytes)} bytes)`],
    ['Journal mode', info.journalMode],
    ['Pages', `${num(info.pageCount)} of ${num(info.pageSize)} bytes, ${num(info.freelistCount)} free`],
    ['SQLite', info.sqliteVersion],
    ['Opened', info.readonly ? 'read-only' : 'read-write'],
  ]
  const w = Math.max(...facts.map(([k]) => k.length))
  out(facts.map(([k, v]) => `${`${k}:`.padEnd(w + 1)}  ${v}`).join('\n'))
  out('')
  out(`Accounts (${accounts.length}):`)
  if (accounts.length === 0) out('  (none)')
  else
    out(
      table(
        [
          { title: 'ID', align: 'right' },
          { title: 'USERNAME', align: 'left' },
          { title: 'CREATED', align: 'left' },
        ],
        accounts.map((a) => [String(a.accountId), cell(a.username), localTime(a.createdAt)]),
      ),
    )
  out('')
  const tables = Object.entries(info.tables).sort(([a], [b]) => a.localeCompare(b))
  out(`Tables (${tables.length}):`)
  out(
    table(
      [
        { title: 'TABLE', align: 'left' },
        { title: 'ROWS', align: 'right' },
      ],
      tables.map(([name, rows]) => [name, num(rows)]),
    ),
  )
}

/** @typedef {Exclude<keyof DailyStatsDay, 'date'>} StatKey */
/** @type {[string, StatKey][]} */
const STAT_COLUMNS = [
  ['LIKES', 'totalLikes'],
  ['FOLLOWS', 'totalFollows'],
  ['UNFOLLOWS', 'totalUnfollows'],
  ['COMMENTS', 'totalComments'],
  ['STORY VIEWS', 'totalStoryViews'],
  ['STORY LIKES', 'totalStoryLikes'],
  ['VISITS', 'totalProfileVisits'],
  ['SESSIONS', 'totalSessions'],
  ['COMPLETED', 'completedSessions'],
  ['FAILED', 'failedSessions'],
]

/**
 * @param {TaktikDatabase} db
 * @param {Values} values
 */
function cmdStats(db, values) {
  const days = intOption(values, 'days', 7, 1, 3650)
  const account = resolveAccount(db, values.account)
  const rows = db.getDailyStatsSync(account.accountId, days)
  if (values.json) return printJson({ account: accountRef(account), days: rows })
  /** @type {StatKey[]} */
  const keys = [...STAT_COLUMNS.map(([, k]) => k), 'totalDurationSeconds']
  const total = /** @type {Record<StatKey, number>} */ (Object.fromEntries(keys.map((k) => [k, rows.reduce((s, r) => s + r[k], 0)])))
  /** @type {{ title: string, align: 'left' | 'right' }[]} */
  const columns = [
    { title: 'DATE', align: 'left' },
    ...STAT_COLUMNS.map(([title]) => ({ title, align: /** @type {const} */ ('right') })),
    { title: 'RUN TIME', align: 'right' },
  ]
  /** @type {(label: string, r: Record<StatKey, number>) => string[]} */
  const toRow = (label, r) => [label, ...STAT_COLUMNS.map(([, k]) => num(r[k])), duration(r.totalDurationSeconds)]
  out(`Daily stats of ${account.username} (id ${account.accountId}), last ${days} day${days === 1 ? '' : 's'}:`)
  out(table(columns, rows.map((r) => toRow(r.date, r)), [toRow('total', total)]))
}

/**
 * @param {TaktikDatabase} db
 * @param {Values} values
 */
function cmdSessions(db, values) {
  const limit = intOption(values, 'limit', 20, 1, 10_000)
  const account = resolveAccount(db, values.account)
  const sessions = db.getSessionsSync(account.accountId, { limit })
  if (values.json) return printJson({ account: accountRef(account), sessions })
  out(`Latest sessions of ${account.username} (id ${account.accountId}):`)
  if (sessions.length === 0) return out('  (none)')
  out(
    table(
      [
        { title: 'ID', align: 'right' },
        { title: 'STARTED', align: 'left' },
        { title: 'STATUS', align: 'left' },
        { title: 'TYPE', align: 'left' },
        { title: 'TARGET', align: 'left' },
        { title: 'DURATION', align: 'right' },
        { title: 'ERROR', align: 'left' },
      ],
      sessions.map((s) => [
        String(s.sessionId),
        localTime(s.startTime),
        cell(s.status, 12),
        cell(s.targetType, 16),
        cell(s.target, 30),
        duration(s.durationSeconds),
        s.errorMessage ? cell(s.errorMessage, 40) : '',
      ]),
    ),
  )
}

/**
 * @param {TaktikDatabase} db
 * @param {Values} values
 */
function cmdProfiles(db, values) {
  const limit = intOption(values, 'limit', 20, 1, 10_000)
  const account = resolveAccount(db, values.account)
  // precheck() has checked --sort against SORT_KEYS.
  const query = { search: values.search, sortBy: /** @type {ProfileSortBy | undefined} */ (values.sort) }
  const profiles = db.getProfilesSync(account.accountId, { ...query, limit })
  const total = db.countProfilesSync(account.accountId, query)
  if (values.json) return printJson({ account: accountRef(account), total, profiles })
  const what = values.search !== undefined ? ` matching "${values.search}"` : ''
  out(
    `Profiles ${account.username} (id ${account.accountId}) interacted with${what}: ` +
      `${profiles.length} of ${total}`,
  )
  if (profiles.length === 0) return
  out(
    table(
      [
        { title: 'ID', align: 'right' },
        { title: 'USERNAME', align: 'left' },
        { title: 'FULL NAME', align: 'left' },
        { title: 'FOLLOWERS', align: 'right' },
        { title: 'FOLLOWING', align: 'right' },
        { title: 'POSTS', align: 'right' },
        { title: 'INTERACTIONS', align: 'right' },
        { title: 'LAST INTERACTION', align: 'left' },
      ],
      profiles.map((p) => [
        String(p.profileId),
        cell(p.username, 30),
        cell(p.fullName, 30),
        num(p.followersCount),
        num(p.followingCount),
        num(p.postsCount),
        num(p.interactionCount),
        localTime(p.lastInteractionAt),
      ]),
    ),
  )
}

/**
 * @param {TaktikDatabase} db
 * @param {Values} values
 * @param {string[]} args
 */
function cmdExport(db, values, args) {
  // main() has checked the count, and precheck() the kind.
  const [kind, dest] = /** @type {[ExportKind, string]} */ (args)
  const file = path.resolve(dest)
  const fileOptions = { bom: values.bom ?? false, overwrite: values.overwrite ?? false }
  let filters
  let source
  if (kind === 'scrapedProfiles') {
    const scrapingId = intOption(values, 'scraping', 0, 1, Number.MAX_SAFE_INTEGER)
    const run = db.getScrapingSessionSync(scrapingId)
    if (run === null) throw new NotFoundError(`no scraping session ${scrapingId} in ${db.path}`)
    filters = { ...fileOptions, scrapingId }
    source = `scraping session ${scrapingId}, ${run.scrapingType} ${run.sourceName}`
  } else {
    const account = resolveAccount(db, values.account)
    filters = { ...fileOptions, accountId: account.accountId }
    source = `${account.username}, id ${account.accountId}`
  }
  const result = db.exportCsvSync(kind, file, filters)
  if (values.json) return printJson({ kind, path: result.path, rows: result.rows })
  out(`Wrote ${num(result.rows)} row${result.rows === 1 ? '' : 's'} (${kind} of ${source}) to ${result.path}`)
}

/**
 * @param {TaktikDatabase} db
 * @param {Values} values
 * @param {string[]} args
 */
function cmdBackup(db, values, args) {
  const [dest] = /** @type {[string]} */ (args) // main() has checked the count
  const result = db.backupSync(path.resolve(dest), { overwrite: values.overwrite ?? false })
  if (values.json) return printJson({ source: db.path, ...result })
  out(`Backed up ${db.path} to ${result.path} (${num(result.pages)} pages, ${bytes(result.bytes)})`)
}

/**
 * Runs until SIGINT/SIGTERM or --seconds; resolves when stopped.
 * @param {TaktikDatabase} db
 * @param {Values} values
 * @returns {Promise<void>}
 */
function cmdWatch(db, values) {
  const seconds = secondsOption(values)
  // The addon checks the names (an unknown table is its error, with the list).
  const tables = /** @type {import('../index.js').ApiTable[] | undefined} */ (values.table)
  return new Promise((resolve, reject) => {
    let stopped = false
    /** @type {import('../index.js').WatchHandle | null} */
    let handle = null
    // Set once the feed runs; cleanUp() may come first (a failed watch).
    /** @type {NodeJS.Timeout | undefined} */
    let keepAlive = undefined
    /** @type {NodeJS.Timeout | undefined} */
    let timer = undefined
    const cleanUp = () => {
      stopped = true
      handle?.close()
      clearInterval(keepAlive)
      clearTimeout(timer)
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
    }
    const stop = () => {
      if (stopped) return
      cleanUp()
      resolve()
    }
    onBrokenPipe = stop
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
    try {
      handle = db.watch(
        (event) => {
          if (stopped) return
          const now = new Date()
          if (values.json) {
            out(JSON.stringify({ time: now.toISOString(), ...event }))
          } else {
            const ms = String(now.getMilliseconds()).padStart(3, '0')
            const moved = event.layoutChanged ? `  (the file's layout changed: now ${event.layout})` : ''
            out(`${localTime(now.toISOString(), true)}.${ms}  changed: ${event.tables.join(', ')}${moved}`)
          }
        },
        tables ? { tables } : {},
      )
    } catch (e) {
      cleanUp()
      reject(e)
      return
    }
    // The feed does not keep the process alive by itself.
    keepAlive = setInterval(() => {}, 60_000)
    if (seconds !== undefined) timer = setTimeout(stop, seconds * 1000)
    if (!values.json) {
      const what = tables ? tables.join(', ') : 'every table'
      const until = seconds !== undefined ? `for ${seconds} s` : 'until Ctrl-C'
      process.stderr.write(`Watching ${db.path} (${what}) ${until}...\n`)
    }
  })
}

/** @type {Record<string, (db: TaktikDatabase, values: Values, args: string[]) => void | Promise<void>>} */
const RUN = {
  info: cmdInfo,
  stats: cmdStats,
  sessions: cmdSessions,
  profiles: cmdProfiles,
  export: cmdExport,
  backup: cmdBackup,
  watch: cmdWatch,
}

// ---------------------------------------------------------------------------
// Main

/**
 * Every check that needs no database, so usage errors win over file errors.
 * @param {string} command
 * @param {Values} values
 * @param {string[]} args
 */
function precheck(command, values, args) {
  intOption(values, 'days', 0, 1, 3650)
  intOption(values, 'limit', 0, 1, 10_000)
  secondsOption(values)
  if (values.sort !== undefined && !SORT_KEYS.includes(values.sort)) {
    throw new UsageError(`--sort must be one of ${SORT_KEYS.join(', ')}; got "${values.sort}"`)
  }
  if (command === 'export') {
    const kind = args[0]
    if (kind === undefined || !EXPORT_KINDS.includes(kind)) {
      throw new UsageError(`export: unknown kind "${kind}"; expected one of ${EXPORT_KINDS.join(', ')}`)
    }
    if (kind === 'scrapedProfiles') {
      if (values.account !== undefined) throw new UsageError('export scrapedProfiles takes --scraping ID, not --account')
      if (values.scraping === undefined) throw new UsageError('export scrapedProfiles needs --scraping ID')
      intOption(values, 'scraping', 0, 1, Number.MAX_SAFE_INTEGER)
    } else if (values.scraping !== undefined) {
      throw new UsageError(`export ${kind} takes --account, not --scraping`)
    }
  }
}

/** @param {string[]} argv */
async function main(argv) {
  const { command, args, values } = parse(argv)
  if (values.version) {
    if (command !== undefined || values.help) throw new UsageError('--version goes alone: taktik-db --version')
    out(require('../package.json').version)
    return EXIT_OK
  }
  if (command === undefined) {
    if (values.help) {
      out(mainHelp())
      return EXIT_OK
    }
    throw new UsageError('no command given')
  }
  const spec = commandSpec(command)
  helpHint = `taktik-db ${command} --help`
  if (values.help) {
    out(commandHelp(command))
    return EXIT_OK
  }
  checkCommandOptions(command, values)
  const expected = spec.args
  if (args.length !== expected.length) {
    const synopsis = commandSynopsis(command)
    if (args.length < expected.length) {
      throw new UsageError(`${command}: missing <${expected[args.length]}> (usage: taktik-db ${synopsis})`)
    }
    throw new UsageError(`${command}: unexpected argument "${args[expected.length]}" (usage: taktik-db ${synopsis})`)
  }
  precheck(command, values, args)

  const run = RUN[command]
  if (!run) throw new UsageError(`unknown command "${command}"`) // COMMANDS and RUN name the same ones
  const db = openDb(values)
  try {
    await run(db, values, args)
  } finally {
    db.close()
  }
  return EXIT_OK
}

/** Where a usage error points to: the command's help once the command is known. */
let helpHint = 'taktik-db --help'

/**
 * Says what went wrong on stderr; the exit status for it.
 * @param {unknown} e
 */
function report(e) {
  if (e instanceof UsageError) {
    process.stderr.write(`taktik-db: USAGE: ${e.message}\nRun "${helpHint}" for usage.\n`)
    return EXIT_USAGE
  }
  if (e instanceof NotFoundError) {
    process.stderr.write(`taktik-db: NOT_FOUND: ${e.message}\n`)
    return EXIT_NOT_FOUND
  }
  const rawCode = field(e, 'code')
  const rawMessage = field(e, 'message')
  const code = typeof rawCode === 'string' ? rawCode : 'ERROR'
  const message = typeof rawMessage === 'string' ? rawMessage : String(e)
  process.stderr.write(`taktik-db: ${code}: ${message}\n`)
  return EXIT_ERROR
}

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (e) {
  process.exitCode = report(e)
}

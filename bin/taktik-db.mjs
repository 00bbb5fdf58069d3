#!/usr/bin/env node
// taktik-db: a command-line window on TAKTIK's taktik-data.db, built on this package's
// addon: read-only, but for `upgrade`. Run `taktik-db --help` for usage and exit codes.
import { existsSync, statSync } from 'node:fs'
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
 * @typedef {import('../index.js').ApiTable} ApiTable
 * @typedef {import('../index.js').UpgradeResult} UpgradeResult
 * @typedef {import('../index.js').UpgradeProgress} UpgradeProgress
 * @typedef {ReturnType<typeof parse>['values']} Values
 * @typedef {{ summary: string, args: string[], optional?: string[], options: string[], help: string }} Command
 */

const EXIT_OK = 0
const EXIT_ERROR = 1
const EXIT_USAGE = 2
const EXIT_NOT_FOUND = 3

const EXPORT_KINDS = ['profiles', 'interactions', 'scrapedProfiles']
const TIKTOK_VIEWS = ['accounts', 'sessions', 'stats', 'interactions']
/** ApiTable, kept here so help and usage checks need no binary (a test compares it with index.d.ts). */
const API_TABLES = [
  'accounts',
  'profiles',
  'sessions',
  'interactions',
  'dailyStats',
  'filteredProfiles',
  'profileStatsHistory',
  'posts',
  'processedHashtagPosts',
  'scrapingSessions',
  'scrapedProfiles',
  'scrapedComments',
  'discoveryCampaigns',
  'discoveryProgress',
  'discoveredProfiles',
  'tiktokAccounts',
  'tiktokProfiles',
  'tiktokSessions',
  'tiktokInteractions',
  'tiktokDailyStats',
  'tiktokFilteredProfiles',
]
/** The busy timeout when --busy-timeout is not given: Python's own `timeout=30.0`. */
const DEFAULT_BUSY_MS = 30_000
/** How long to wait for a lock in silence before saying so on stderr. */
const QUIET_WAIT_MS = 1_000
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
  offset: { type: 'string' },
  search: { type: 'string' },
  sort: { type: 'string' },
  order: { type: 'string' },
  type: { type: 'string' },
  session: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  scraping: { type: 'string' },
  'min-score': { type: 'string' },
  qualified: { type: 'boolean' },
  quick: { type: 'boolean' },
  'busy-timeout': { type: 'string' },
  bom: { type: 'boolean' },
  overwrite: { type: 'boolean' },
  seconds: { type: 'string' },
  table: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  'no-backup': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
})

/** A usage problem: exit 2. */
class UsageError extends Error {}

/** A database-side problem the CLI finds itself, with the addon's code for it: exit 1. */
class CliError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message)
    this.code = code
  }
}

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
  --busy-timeout MS    How long to wait for the bot's lock, in milliseconds, before
                       failing with SQLITE_BUSY (0 to 3600000). Default 30000, as
                       the bot's own. After a second of waiting, stderr says so
  --json               Print JSON on stdout instead of a table (one document;
                       watch prints one JSON object per line)
  -h, --help           Show help and exit (taktik-db <command> --help for one command)`

const ACCOUNT_OPTION = `  --account NAME|ID    The account: its username (case-insensitive) or its numeric
                       id. Default: the first account (lowest id)`

const PAGE_OPTIONS = `  --limit N            How many rows, 1 to 10000. Default 20
  --offset N           Skip the first N rows (for the next page). Default 0`

const SINCE_UNTIL = `  --since TIME         Only from TIME on: a date (2026-06-01: from its local
                       midnight), a local time (2026-06-01T14:30 or with :SS) or
                       one with Z or an offset (2026-06-01T12:30:00Z, ...+02:00)
  --until TIME         Only up to TIME, inclusive; a date includes that whole day`

const EXIT_CODES = `Exit status:
  0  success
  1  database or runtime error; stderr says "taktik-db: <CODE>: <message>" with the
     addon's error code (SQLITE_CANTOPEN: no such file, or a directory;
     SQLITE_NOTADB: not a SQLite database; SQLITE_BUSY: the bot kept its lock
     longer than --busy-timeout; SQLITE_CORRUPT: a damaged file, see "taktik-db
     integrity"; FILE_EXISTS: the destination exists, see --overwrite; NOT_LEGACY:
     upgrade on a file of neither of the bot's layouts; IO_ERROR...)
  2  usage error: unknown command, option or table, missing or extra argument, bad
     number or time; stderr says "taktik-db: USAGE: <message>"
  3  not found: no such account (or scraping session), or the file has no account;
     stderr says "taktik-db: NOT_FOUND: <message>"`

/** @param {string[]} words */
const wrapList = (words, indent = 23, columns = 84) => {
  const lines = ['']
  for (const w of words) {
    const last = lines.length - 1
    const next = lines[last] === '' ? w : `${lines[last]}, ${w}`
    if (indent + next.length + 1 > columns) {
      lines[last] += ','
      lines.push(w)
    } else lines[last] = next
  }
  return lines.join(`\n${' '.repeat(indent)}`)
}

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
accounts, and the number of rows in every table of the file (SQLite's own
bookkeeping tables, such as sqlite_sequence, left out).

--json prints the addon's DatabaseInfo object (its "tables" without SQLite's
own) plus "accounts" (an array of {accountId, username, isBot, userId,
licenseId, createdAt}).`,
  },
  integrity: {
    summary: 'Check the file for damage (SQLite integrity_check)',
    args: [],
    options: ['quick'],
    help: `Usage: taktik-db integrity [--quick] [--db PATH] [--json]

Runs SQLite's integrity check on the database, read-only, and prints "ok" or
the problems it found (up to 100). A damaged file exits with status 1 and
SQLITE_CORRUPT: restore it from a backup (taktik-db backup makes one).

Options:
  --quick              SQLite's quick_check: faster, skips the index checks

--json prints {"ok": true|false, "problems": [...]}.`,
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
    options: ['account', 'limit', 'offset'],
    help: `Usage: taktik-db sessions [--account NAME|ID] [--limit N] [--offset N]
                         [--db PATH] [--json]

Prints the account's latest sessions, newest first: id, start time (local),
status, target type and target, duration, and the error message if any.

Options:
${ACCOUNT_OPTION}
${PAGE_OPTIONS}

--json prints {"account": {accountId, username}, "sessions": [...]} with every
column of each session (times as ISO-8601 UTC, configUsed parsed).`,
  },
  profiles: {
    summary: 'Profiles an account interacted with, latest interaction first',
    args: [],
    options: ['account', 'limit', 'offset', 'search', 'sort', 'order'],
    help: `Usage: taktik-db profiles [--account NAME|ID] [--search TEXT] [--sort KEY]
                         [--order asc|desc] [--limit N] [--offset N] [--db PATH] [--json]

Prints the profiles the account interacted with: id, username, full name,
followers, following, posts, number of interactions and the latest one (local
time), and how many profiles match in all.

Options:
${ACCOUNT_OPTION}
  --search TEXT        Only profiles whose username or full name contains TEXT
                       (case-insensitive; % and _ are literal)
  --sort KEY           Sort by ${wrapList(SORT_KEYS).trimStart()}.
                       Default lastInteractionAt
  --order asc|desc     Ascending (smallest, oldest, A first) or descending.
                       Default desc
${PAGE_OPTIONS}

--json prints {"account": {accountId, username}, "total": N, "profiles": [...]}
with every column of each profile plus interactionCount and lastInteractionAt.`,
  },
  interactions: {
    summary: 'Interactions of an account (likes, follows...), newest first',
    args: [],
    options: ['account', 'limit', 'offset', 'type', 'session', 'since', 'until'],
    help: `Usage: taktik-db interactions [--account NAME|ID] [--type TYPE] [--session ID]
                             [--since TIME] [--until TIME] [--limit N] [--offset N]
                             [--db PATH] [--json]

Prints the account's interactions, newest first: id, time (local), type,
whether it succeeded, the profile's username, the session and the content (a
comment's text), and how many match in all.

Options:
${ACCOUNT_OPTION}
  --type TYPE          Only this interaction type (LIKE, FOLLOW, ...; any case)
  --session ID         Only the interactions of this session
${SINCE_UNTIL}
${PAGE_OPTIONS}

--json prints {"account": {accountId, username}, "total": N, "interactions":
[...]} with every column of each interaction plus the username.`,
  },
  tiktok: {
    summary: 'TikTok: accounts, sessions, daily stats or interactions',
    args: ['view'],
    options: ['account', 'days', 'limit', 'offset'],
    help: `Usage: taktik-db tiktok <view> [--account NAME|ID] [--days N] [--limit N]
                           [--offset N] [--db PATH] [--json]

Prints what the bot did on TikTok.

Views:
  accounts             The TikTok accounts
  sessions             An account's latest sessions, newest first
  stats                An account's daily counters (as "stats"), oldest first
  interactions         An account's interactions, newest first

Options:
${ACCOUNT_OPTION}
                       (a TikTok account; sessions, stats, interactions)
  --days N             How many days, 1 to 3650 (stats only). Default 7
${PAGE_OPTIONS}
                       (sessions and interactions only)

--json prints {"accounts": [...]}, or {"account": {accountId, username}} plus
"sessions", "days" or "interactions" ("total" too for interactions).`,
  },
  scraping: {
    summary: 'Scraping runs, or the profiles one run collected',
    args: [],
    optional: ['id'],
    options: ['limit', 'offset', 'min-score', 'qualified'],
    help: `Usage: taktik-db scraping [<id>] [--min-score N] [--qualified] [--limit N]
                         [--offset N] [--db PATH] [--json]

Without <id>, prints the scraping runs, newest first: id, start time (local),
type, source, status and how many profiles each collected. With <id>, prints
the profiles that run collected, in scrape order: username, full name,
followers, the AI score and whether it qualified.

Options:
  --min-score N        Only profiles with an AI score of at least N (with <id>)
  --qualified          Only profiles the AI qualified (with <id>)
${PAGE_OPTIONS}

--json prints {"runs": [...]}, or {"run": {...}, "profiles": [...]} with <id>.`,
  },
  export: {
    summary: 'Write profiles, interactions or scraped profiles to a CSV file',
    args: ['kind', 'dest'],
    options: [
      'account',
      'scraping',
      'search',
      'sort',
      'order',
      'type',
      'session',
      'since',
      'until',
      'min-score',
      'qualified',
      'bom',
      'overwrite',
    ],
    help: `Usage: taktik-db export <kind> <dest> [--account NAME|ID] [--scraping ID]
                       [filters] [--bom] [--overwrite] [--db PATH] [--json]

Writes every matching row to the CSV file <dest> (RFC 4180, comma-separated,
CRLF line ends, a header line of column names), from one consistent snapshot.

Kinds:
  profiles             The profiles the account interacted with (as "profiles")
  interactions         The account's interactions, newest first, with usernames
  scrapedProfiles      The profiles one scraping run collected (needs --scraping)

Options:
${ACCOUNT_OPTION}
                       (profiles and interactions only)
  --scraping ID        The scraping run (scrapedProfiles only; required)
  --bom                Start the file with a UTF-8 byte order mark, for Excel
  --overwrite          Replace <dest> if it exists (otherwise: FILE_EXISTS, exit 1)

Filters of profiles (as in "profiles"):
  --search TEXT, --sort KEY, --order asc|desc, and --since TIME / --until TIME:
                       only the interactions in that time count
Filters of interactions (as in "interactions"):
  --type TYPE, --session ID, --since TIME, --until TIME
Filters of scrapedProfiles (as in "scraping"):
  --min-score N, --qualified

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
  upgrade: {
    summary: 'Move a legacy file to the unified layout (--dry-run: only show)',
    args: [],
    options: ['dry-run', 'no-backup'],
    help: `Usage: taktik-db upgrade [--dry-run] [--no-backup] [--db PATH] [--json]

Moves a legacy file (the bot until June 2026) to the unified layout the current
bot expects, in one transaction, losing no row: the current bot cannot start on
a legacy file by itself. The one command that writes to the database: stop the
bot first (the upgrade waits for the bot's lock, see --busy-timeout).

First it copies the file beside it to <file>.before-unified-<YYYY-MM-DD> with
SQLite's online backup. Then it writes what the unified layout has no home for
(Instagram posts, scraped comments, discovery campaigns...) to
<file>.legacy-extras-<YYYY-MM-DD>.db, if there is any, moves every row, drops
the legacy tables, and checks every row count before it commits: if a row
would be lost, nothing changes. Progress goes to stderr, a summary of what
moved to stdout. A file already unified is left alone ("nothing to do", exit
0); any other file is refused with NOT_LEGACY (exit 1) and left unchanged.

Options:
  --dry-run            Change nothing (the file is opened read-only): print what
                       would move, each legacy table to its unified table with
                       its rows, what would be kept aside in the extras file and
                       its path, the backup's path, and the tables dropped
  --no-backup          Skip the backup. Not recommended: the backup is the way
                       back to the file as it was

--json prints the addon's UpgradeResult: {"upgraded", "dryRun", "layoutBefore",
"backupPath", "extrasPath" (null when none), "moves": [{from, to, rows}],
"keptAside": [{table, rows}], "dropped": [...]}.`,
  },
  watch: {
    summary: 'Print what changed whenever someone commits, until Ctrl-C',
    args: [],
    options: ['table', 'seconds'],
    help: `Usage: taktik-db watch [--table NAME]... [--seconds N] [--db PATH] [--json]

Watches the database and prints one line per change: the local time and what
changed in each table, by the API's names, the same whichever bot version
wrote the file: "interactions +3 (1,204 rows)" when rows were added (- when
removed), "dailyStats changed (30 rows)" when rows changed in place. Prints
nothing while nothing changes, and a line when the bot migrates the file to
another layout. Runs until Ctrl-C (SIGINT) or SIGTERM, then stops cleanly with
exit status 0.

Options:
  --table NAME         Only report changes to this table; repeat for several.
                       Default: every table the file keeps. The tables:
                       ${wrapList(API_TABLES).trimStart()}
  --seconds N          Stop by itself after N seconds (N > 0, decimals allowed)

--json prints one JSON object per line (NDJSON):
  {"time": "<ISO-8601 UTC>", "tables": ["dailyStats", ...], "rows":
   {"interactions": 1204, ...}, "dataVersion": N, "layout": "unified",
   "layoutChanged": false}
("rows": the row count now of each changed table).`,
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
                       (stats, sessions, profiles, interactions, tiktok, export)
${here ? `\nThe default database on this machine: ${here}\n` : ''}
Run "taktik-db <command> --help" for the options of each command.

The database is opened read-only, but by "upgrade" (without --dry-run): taktik-db
never creates it, changes it only when told to upgrade it, and is safe to run
while the bot is writing.

${EXIT_CODES}

Examples:
  taktik-db info
  taktik-db stats --account alice_bot --days 14
  taktik-db sessions --account 2 --limit 5 --json
  taktik-db profiles --search anna --sort followersCount --order asc
  taktik-db interactions --type FOLLOW --since 2026-06-01 --limit 50 --offset 50
  taktik-db tiktok stats --account my_tiktok --days 30
  taktik-db scraping 12 --qualified
  taktik-db export interactions alice.csv --account alice_bot --since 2026-06-01 --bom
  taktik-db integrity
  taktik-db backup ~/taktik-backup.db --overwrite
  taktik-db watch --json --seconds 60
  taktik-db upgrade --dry-run
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
  const spec = commandSpec(name)
  return [name, ...spec.args.map((a) => `<${a}>`), ...(spec.optional ?? []).map((a) => `[<${a}>]`)].join(' ')
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
  const allowed = new Set(['db', 'busy-timeout', 'json', 'help', ...commandSpec(command).options])
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && !allowed.has(name)) {
      throw new UsageError(`option --${name} does not apply to "${command}"`)
    }
  }
}

/**
 * A whole number from min to max, else a usage error naming the option.
 * @param {Values} values
 * @param {'days' | 'limit' | 'offset' | 'scraping' | 'session' | 'busy-timeout'} name
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

/**
 * --since/--until as Unix milliseconds, read as a person means them: a bare date is
 * that local day (its start for --since, its end for --until), a time without a zone
 * is local time. (The addon would read a bare SQLite-style time as UTC, the bot's rule.)
 * @param {Values} values
 * @param {'since' | 'until'} name
 */
function timeOption(values, name) {
  const raw = values[name]
  if (raw === undefined) return undefined
  const t = raw.trim()
  let ms = Number.NaN
  const date = /^(\d{4})-(\d\d)-(\d\d)$/.exec(t)
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]) - 1, Number(date[3])]
    const start = new Date(y, m, d)
    // new Date() rolls 2026-02-30 over to March: such a date is not one.
    if (start.getFullYear() === y && start.getMonth() === m && start.getDate() === d) {
      ms = name === 'until' ? new Date(y, m, d + 1).getTime() - 1 : start.getTime()
    }
  } else if (/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:?\d\d)?$/i.test(t)) {
    ms = new Date(t.replace(' ', 'T')).getTime()
  }
  if (Number.isNaN(ms)) {
    throw new UsageError(`--${name} must be a date (2026-06-01) or a time (2026-06-01T14:30, Z or +02:00 optional), got "${raw}"`)
  }
  return ms
}

/** @param {Values} values */
function minScoreOption(values) {
  const raw = values['min-score']
  if (raw === undefined) return undefined
  const n = Number(raw.trim())
  if (!/^-?\d+(\.\d+)?$/.test(raw.trim()) || !Number.isFinite(n)) {
    throw new UsageError(`--min-score must be a number, got "${raw}"`)
  }
  return n
}

/**
 * @param {Values} values
 * @returns {'asc' | 'desc' | undefined}
 */
function orderOption(values) {
  const raw = values.order
  if (raw === undefined) return undefined
  const o = raw.trim().toLowerCase()
  if (o !== 'asc' && o !== 'desc') throw new UsageError(`--order must be asc or desc, got "${raw}"`)
  return o
}

/** @param {Values} values */
function busyTimeoutOption(values) {
  return intOption(values, 'busy-timeout', DEFAULT_BUSY_MS, 0, 3_600_000)
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

/**
 * The database file --db names (or the default one). A directory is refused here:
 * SQLite would only say "unable to open database file".
 * @param {Values} values
 */
function dbFile(values) {
  const file = values.db !== undefined ? path.resolve(values.db) : loadAddon().defaultDatabasePath()
  let isDir = false
  try {
    isDir = statSync(file).isDirectory()
  } catch {
    // Missing or unreadable: the addon's open says which, with its code.
  }
  if (isDir) {
    const inside = path.join(file, 'taktik-data.db')
    const hint = existsSync(inside) ? `; the bot's file in it is ${inside}` : ''
    const what = values.db !== undefined ? '--db ' : ''
    throw new CliError('SQLITE_CANTOPEN', `${what}${file} is a directory, not a database file${hint}`)
  }
  return file
}

/**
 * Read-only, but for the one command that writes (upgrade), which never creates a file either.
 * @param {string} file
 * @param {number} busyTimeoutMs
 */
function openDb(file, busyTimeoutMs, writable = false) {
  return writable
    ? loadAddon().openDatabase({ path: file, fileMustExist: true, busyTimeoutMs })
    : loadAddon().openDatabase({ path: file, readonly: true, busyTimeoutMs })
}

/**
 * The account --account names (id or case-insensitive username), or the first one.
 * @param {TaktikDatabase} db
 * @param {string | undefined} spec
 */
function resolveAccount(db, spec) {
  return pickAccount(db.getAccountsSync(), spec, '', db.path)
}

/**
 * The TikTok account --account names, or the first one.
 * @param {TaktikDatabase} db
 * @param {string | undefined} spec
 */
function resolveTikTokAccount(db, spec) {
  return pickAccount(db.getTikTokAccountsSync(), spec, 'TikTok ', db.path)
}

/**
 * @template {{ accountId: number, username: string }} A
 * @param {A[]} accounts
 * @param {string | undefined} spec
 * @param {'' | 'TikTok '} platform
 * @param {string} file
 * @returns {A}
 */
function pickAccount(accounts, spec, platform, file) {
  const [first] = accounts
  if (first === undefined) throw new NotFoundError(`no ${platform || 'Instagram '}account in ${file}`)
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
  throw new NotFoundError(`no ${platform}account "${spec}" in ${file}; accounts: ${known}`)
}

const accountRef = (/** @type {{ accountId: number, username: string }} */ a) => ({
  accountId: a.accountId,
  username: a.username,
})

// ---------------------------------------------------------------------------
// Output

/** What to do when stdout's reader goes away (`taktik-db ... | head -1`); watch stops itself. */
/** @type {() => void} */
let onBrokenPipe = () => process.exit(process.exitCode ?? EXIT_OK)
process.stdout.on('error', (/** @type {NodeJS.ErrnoException} */ e) => {
  if (e.code === 'EPIPE') onBrokenPipe()
  else process.exit(report(e))
})

/** Whether anything went to stdout: a command that printed is not run again. */
let printed = false

/** @param {string} text */
function out(text) {
  printed = true
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
  const all = db.getDatabaseInfoSync()
  // sqlite_sequence and sqlite_stat*: SQLite's bookkeeping, not the bot's data.
  const info = {
    ...all,
    tables: Object.fromEntries(Object.entries(all.tables).filter(([name]) => !/^sqlite_/i.test(name))),
  }
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

/**
 * @param {TaktikDatabase} db
 * @param {Values} values
 */
function cmdIntegrity(db, values) {
  let result
  try {
    result = db.integrityCheckSync({ quick: values.quick ?? false })
  } catch (e) {
    // The check itself cannot read the file: its hint ("run taktik-db integrity") would go in circles.
    if (field(e, 'code') !== 'SQLITE_CORRUPT') throw e
    const why = String(field(e, 'message')).replace(/ \(the file is damaged.*\)$/s, '')
    throw new CliError('SQLITE_CORRUPT', `${why}: the file is too damaged to check; restore it from a backup`)
  }
  if (values.json) printJson(result)
  else if (result.ok) out(`${db.path}: ok`)
  else {
    // SQLite may put several findings in one message, a line each.
    const lines = result.problems.flatMap((p) => p.split('\n')).filter((l) => l.trim() !== '')
    out(`${db.path}: damaged:`)
    for (const l of lines) out(`  ${l.replace(/\p{Cc}+/gu, ' ')}`)
  }
  if (!result.ok) {
    throw new CliError('SQLITE_CORRUPT', `${db.path} is damaged; restore it from a backup (taktik-db backup makes one)`)
  }
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
  const offset = intOption(values, 'offset', 0, 0, MAX_OFFSET)
  const account = resolveAccount(db, values.account)
  const sessions = db.getSessionsSync(account.accountId, { limit, offset })
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
  const offset = intOption(values, 'offset', 0, 0, MAX_OFFSET)
  const account = resolveAccount(db, values.account)
  const query = profileQuery(values)
  const profiles = db.getProfilesSync(account.accountId, { ...query, limit, offset })
  const total = db.countProfilesSync(account.accountId, query)
  if (values.json) return printJson({ account: accountRef(account), total, profiles })
  const what = values.search !== undefined ? ` matching "${values.search}"` : ''
  const from = offset > 0 && profiles.length > 0 ? ` (rows ${num(offset + 1)} to ${num(offset + profiles.length)})` : ''
  out(
    `Profiles ${account.username} (id ${account.accountId}) interacted with${what}: ` +
      `${profiles.length} of ${total}${from}`,
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
 * getProfiles' filters and order from the options (precheck() has checked --sort).
 * @param {Values} values
 */
function profileQuery(values) {
  return {
    search: values.search,
    sortBy: /** @type {ProfileSortBy | undefined} */ (values.sort),
    order: orderOption(values),
    since: timeOption(values, 'since'),
    until: timeOption(values, 'until'),
  }
}

/**
 * getInteractions' filters from the options.
 * @param {Values} values
 */
function interactionQuery(values) {
  const sessionId = values.session === undefined ? undefined : intOption(values, 'session', 0, 1, Number.MAX_SAFE_INTEGER)
  return {
    type: values.type,
    sessionId,
    since: timeOption(values, 'since'),
    until: timeOption(values, 'until'),
  }
}

/**
 * getScrapedProfiles' filters from the options.
 * @param {Values} values
 */
function scrapedQuery(values) {
  return { minScore: minScoreOption(values), qualifiedOnly: values.qualified }
}

/** How far --offset may skip: the addon's own bound on offset. */
const MAX_OFFSET = Number.MAX_SAFE_INTEGER

/** @type {{ title: string, align: 'left' | 'right' }[]} */
const INTERACTION_COLUMNS = [
  { title: 'ID', align: 'right' },
  { title: 'TIME', align: 'left' },
  { title: 'TYPE', align: 'left' },
  { title: 'OK', align: 'left' },
  { title: 'USERNAME', align: 'left' },
  { title: 'SESSION', align: 'right' },
  { title: 'CONTENT', align: 'left' },
]

/** @param {boolean | null} b */
const yesNo = (b) => (b === null ? '-' : b ? 'yes' : 'no')

/** @param {import('../index.js').InteractionWithUsername | import('../index.js').TikTokInteractionWithUsername} i */
const interactionRow = (i) => [
  String(i.id),
  localTime(i.interactionTime),
  cell(i.interactionType, 16),
  yesNo(i.success),
  cell(i.username, 30),
  i.sessionId === null ? '-' : String(i.sessionId),
  i.content ? cell(i.content, 40) : '',
]

/**
 * "12 of 40", "(rows 21 to 32)" for a page of a listing.
 * @param {number} shown
 * @param {number} total
 * @param {number} offset
 */
const pageOf = (shown, total, offset) =>
  `${num(shown)} of ${num(total)}${offset > 0 && shown > 0 ? ` (rows ${num(offset + 1)} to ${num(offset + shown)})` : ''}`

/**
 * @param {TaktikDatabase} db
 * @param {Values} values
 */
function cmdInteractions(db, values) {
  const limit = intOption(values, 'limit', 20, 1, 10_000)
  const offset = intOption(values, 'offset', 0, 0, MAX_OFFSET)
  const account = resolveAccount(db, values.account)
  const query = interactionQuery(values)
  const interactions = db.getInteractionsSync(account.accountId, { ...query, limit, offset })
  const total = db.countInteractionsSync(account.accountId, query)
  if (values.json) return printJson({ account: accountRef(account), total, interactions })
  out(`Interactions of ${account.username} (id ${account.accountId}): ${pageOf(interactions.length, total, offset)}`)
  if (interactions.length === 0) return
  out(table(INTERACTION_COLUMNS, interactions.map(interactionRow)))
}

/** @typedef {Exclude<keyof import('../index.js').TikTokDailyStatsDay, 'date'>} TikTokStatKey */
/** @type {[string, TikTokStatKey][]} */
const TIKTOK_STAT_COLUMNS = [
  ['LIKES', 'totalLikes'],
  ['FOLLOWS', 'totalFollows'],
  ['FAVORITES', 'totalFavorites'],
  ['COMMENTS', 'totalComments'],
  ['SHARES', 'totalShares'],
  ['VISITS', 'totalProfileVisits'],
  ['WATCHED', 'totalPostsWatched'],
  ['SESSIONS', 'totalSessions'],
  ['COMPLETED', 'completedSessions'],
  ['FAILED', 'failedSessions'],
]

/**
 * @param {TaktikDatabase} db
 * @param {Values} values
 * @param {string[]} args
 */
function cmdTikTok(db, values, args) {
  const [view] = args // precheck() has checked it
  if (view === 'accounts') {
    const accounts = db.getTikTokAccountsSync()
    if (values.json) return printJson({ accounts })
    out(`TikTok accounts (${accounts.length}):`)
    if (accounts.length === 0) return out('  (none)')
    return out(
      table(
        [
          { title: 'ID', align: 'right' },
          { title: 'USERNAME', align: 'left' },
          { title: 'NAME', align: 'left' },
          { title: 'CREATED', align: 'left' },
        ],
        accounts.map((a) => [String(a.accountId), cell(a.username, 30), cell(a.displayName, 30), localTime(a.createdAt)]),
      ),
    )
  }
  const account = resolveTikTokAccount(db, values.account)
  const who = `${account.username} (id ${account.accountId})`
  if (view === 'stats') {
    const days = intOption(values, 'days', 7, 1, 3650)
    const rows = db.getTikTokDailyStatsSync(account.accountId, days)
    if (values.json) return printJson({ account: accountRef(account), days: rows })
    /** @type {TikTokStatKey[]} */
    const keys = [...TIKTOK_STAT_COLUMNS.map(([, k]) => k), 'totalDurationSeconds']
    const total = /** @type {Record<TikTokStatKey, number>} */ (Object.fromEntries(keys.map((k) => [k, rows.reduce((s, r) => s + r[k], 0)])))
    /** @type {(label: string, r: Record<TikTokStatKey, number>) => string[]} */
    const toRow = (label, r) => [label, ...TIKTOK_STAT_COLUMNS.map(([, k]) => num(r[k])), duration(r.totalDurationSeconds)]
    out(`TikTok daily stats of ${who}, last ${days} day${days === 1 ? '' : 's'}:`)
    return out(
      table(
        [
          { title: 'DATE', align: 'left' },
          ...TIKTOK_STAT_COLUMNS.map(([title]) => ({ title, align: /** @type {const} */ ('right') })),
          { title: 'RUN TIME', align: 'right' },
        ],
        rows.map((r) => toRow(r.date, r)),
        [toRow('total', total)],
      ),
    )
  }
  const limit = intOption(values, 'limit', 20, 1, 10_000)
  const offset = intOption(values, 'offset', 0, 0, MAX_OFFSET)
  if (view === 'sessions') {
    const sessions = db.getTikTokSessionsSync(account.accountId, { limit, offset })
    if (values.json) return printJson({ account: accountRef(account), sessions })
    out(`Latest TikTok sessions of ${who}:`)
    if (sessions.length === 0) return out('  (none)')
    return out(
      table(
        [
          { title: 'ID', align: 'right' },
          { title: 'STARTED', align: 'left' },
          { title: 'STATUS', align: 'left' },
          { title: 'WORKFLOW', align: 'left' },
          { title: 'TARGET', align: 'left' },
          { title: 'LIKES', align: 'right' },
          { title: 'FOLLOWS', align: 'right' },
          { title: 'DURATION', align: 'right' },
          { title: 'ERROR', align: 'left' },
        ],
        sessions.map((s) => [
          String(s.sessionId),
          localTime(s.startTime),
          cell(s.status, 12),
          cell(s.workflowType, 16),
          cell(s.target, 30),
          num(s.likes),
          num(s.follows),
          duration(s.durationSeconds),
          s.errorMessage ? cell(s.errorMessage, 40) : '',
        ]),
      ),
    )
  }
  const interactions = db.getTikTokInteractionsSync(account.accountId, { limit, offset })
  const total = db.countTikTokInteractionsSync(account.accountId)
  if (values.json) return printJson({ account: accountRef(account), total, interactions })
  out(`TikTok interactions of ${who}: ${pageOf(interactions.length, total, offset)}`)
  if (interactions.length === 0) return
  out(table(INTERACTION_COLUMNS, interactions.map(interactionRow)))
}

/**
 * @param {TaktikDatabase} db
 * @param {Values} values
 * @param {string[]} args
 */
function cmdScraping(db, values, args) {
  const limit = intOption(values, 'limit', 20, 1, 10_000)
  const offset = intOption(values, 'offset', 0, 0, MAX_OFFSET)
  if (args[0] === undefined) {
    const runs = db.getScrapingSessionsSync({ limit, offset })
    if (values.json) return printJson({ runs })
    out('Scraping runs, newest first:')
    if (runs.length === 0) return out('  (none)')
    return out(
      table(
        [
          { title: 'ID', align: 'right' },
          { title: 'STARTED', align: 'left' },
          { title: 'TYPE', align: 'left' },
          { title: 'SOURCE', align: 'left' },
          { title: 'STATUS', align: 'left' },
          { title: 'SCRAPED', align: 'right' },
        ],
        runs.map((r) => [
          String(r.scrapingId),
          localTime(r.startTime),
          cell(r.scrapingType, 16),
          cell(`${r.sourceType} ${r.sourceName}`, 40),
          cell(r.status, 12),
          num(r.totalScraped),
        ]),
      ),
    )
  }
  const scrapingId = scrapingIdArg(args[0])
  const run = db.getScrapingSessionSync(scrapingId)
  if (run === null) throw new NotFoundError(`no scraping session ${scrapingId} in ${db.path}`)
  const profiles = db.getScrapedProfilesSync(scrapingId, { ...scrapedQuery(values), limit, offset })
  if (values.json) return printJson({ run, profiles })
  out(`Profiles scraping run ${scrapingId} (${run.scrapingType} ${run.sourceName}) collected: ${num(profiles.length)}${offset > 0 ? ` from row ${num(offset + 1)}` : ''}`)
  if (profiles.length === 0) return
  out(
    table(
      [
        { title: 'PROFILE', align: 'right' },
        { title: 'USERNAME', align: 'left' },
        { title: 'FULL NAME', align: 'left' },
        { title: 'FOLLOWERS', align: 'right' },
        { title: 'SCORE', align: 'right' },
        { title: 'QUALIFIED', align: 'left' },
        { title: 'SCRAPED', align: 'left' },
      ],
      profiles.map((p) => [
        p.profileId === null ? '-' : String(p.profileId),
        cell(p.username, 30),
        cell(p.fullName, 30),
        num(p.followersCount),
        p.aiScore === null ? '-' : String(p.aiScore),
        yesNo(p.aiQualified),
        localTime(p.scrapedAt),
      ]),
    ),
  )
}

/**
 * The <id> of `scraping <id>`.
 * @param {string} raw
 */
function scrapingIdArg(raw) {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > Number.MAX_SAFE_INTEGER) {
    throw new UsageError(`scraping: <id> must be a whole number from 1, got "${raw}"`)
  }
  return Number(raw.trim())
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
    filters = { ...fileOptions, ...scrapedQuery(values), scrapingId }
    source = `scraping session ${scrapingId}, ${run.scrapingType} ${run.sourceName}`
  } else {
    const account = resolveAccount(db, values.account)
    const query = kind === 'profiles' ? profileQuery(values) : interactionQuery(values)
    filters = { ...fileOptions, ...query, accountId: account.accountId }
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

/** What each step of an upgrade has done, for its progress lines. */
const UPGRADE_STEPS = {
  backup: 'backup written',
  extras: 'extras file written',
  tables: 'unified tables created',
  copy: 'rows copied from',
  drop: 'legacy tables dropped',
  indexes: 'indexes and views created',
  verify: 'row counts checked',
  commit: 'committing',
}

/**
 * What an upgrade did, or in a dry run would do, for people.
 * @param {UpgradeResult} r
 */
function upgradeReport(r) {
  const dry = r.dryRun
  const moved = r.moves.reduce((n, m) => n + m.rows, 0)
  const kept = r.keptAside.reduce((n, k) => n + k.rows, 0)
  /** @type {string[]} */
  const lines = [
    dry
      ? 'Dry run: nothing was changed. The upgrade would:'
      : 'Upgraded to the unified layout:',
    '',
    `${dry ? 'Move' : 'Moved'} ${num(moved)} row${moved === 1 ? '' : 's'} from ${r.moves.length} legacy table${r.moves.length === 1 ? '' : 's'}:`,
    table(
      [
        { title: 'LEGACY TABLE', align: 'left' },
        { title: 'UNIFIED TABLE', align: 'left' },
        { title: 'ROWS', align: 'right' },
      ],
      r.moves.map((m) => [m.from, m.from === m.to ? `${m.to} (rebuilt in place)` : m.to, num(m.rows)]),
    ),
    '',
  ]
  if (r.extrasPath === null || r.keptAside.length === 0) {
    lines.push(`${dry ? 'Keep' : 'Kept'} nothing aside: every row has a home in the unified layout.`)
  } else {
    lines.push(
      `${dry ? 'Keep aside' : 'Kept aside'} ${num(kept)} row${kept === 1 ? '' : 's'} the unified layout has no home for, in ${r.extrasPath}:`,
      table(
        [
          { title: 'TABLE', align: 'left' },
          { title: 'ROWS', align: 'right' },
        ],
        r.keptAside.map((k) => [k.table, num(k.rows)]),
      ),
    )
  }
  lines.push('')
  lines.push(
    r.backupPath === null
      ? `Backup: none (--no-backup)`
      : `Backup${dry ? ' (written first)' : ''}: ${r.backupPath}`,
  )
  lines.push(`${dry ? 'Drop' : 'Dropped'} ${r.dropped.length} legacy table${r.dropped.length === 1 ? '' : 's'}: ${r.dropped.length ? r.dropped.join(', ') : '-'}`)
  return lines.join('\n')
}

/**
 * A first look from the read-only open (which a dry run never leaves); then, for the
 * real run, the file is opened writable.
 * @param {TaktikDatabase} db
 * @param {Values} values
 * @param {string[]} _args
 * @param {number} busyMs
 */
async function cmdUpgrade(db, values, _args, busyMs) {
  const backup = !values['no-backup']
  const look = await db.upgradeToUnified({ dryRun: true, backup })
  /** @param {UpgradeResult} r */
  const nothingToDo = (r) =>
    values.json ? printJson(r) : out(`${db.path} is already unified: nothing to do.`)
  if (look.layoutBefore === 'unified') return nothingToDo(look)
  if (values['dry-run']) return values.json ? printJson(look) : out(upgradeReport(look))
  const writer = openDb(db.path, busyMs, true)
  let result
  try {
    if (!values.json) process.stderr.write(`Upgrading ${db.path} to the unified layout...\n`)
    result = await writer.upgradeToUnified({
      backup,
      onProgress: (/** @type {UpgradeProgress} */ p) => {
        if (values.json) return
        const what = `${UPGRADE_STEPS[p.step] ?? p.step}${p.table ? ` ${p.table}` : ''}`
        process.stderr.write(`  [${p.done}/${p.total}] ${what}\n`)
      },
    })
  } finally {
    writer.close()
  }
  // The bot may have moved the file itself meanwhile.
  if (!result.upgraded) return nothingToDo(result)
  if (values.json) return printJson(result)
  out(upgradeReport(result))
}

/**
 * Runs until SIGINT/SIGTERM or --seconds; resolves when stopped.
 * @param {TaktikDatabase} db
 * @param {Values} values
 * @returns {Promise<void>}
 */
function cmdWatch(db, values) {
  const seconds = secondsOption(values)
  // precheck() has checked the names against API_TABLES.
  const tables = /** @type {ApiTable[] | undefined} */ (values.table)
  /** The last row count seen per table, for "+3": the feed's own counts, from its start. */
  /** @type {Map<string, number>} */
  const counts = new Map()
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
          /** @type {string[]} */
          const what = []
          for (const t of event.tables) {
            const n = event.rows[t]
            const before = counts.get(t)
            if (n === undefined) {
              what.push(`${t} changed`)
              continue
            }
            counts.set(t, n)
            const delta = before === undefined ? 0 : n - before
            const change = delta > 0 ? `+${num(delta)}` : delta < 0 ? `-${num(-delta)}` : 'changed'
            what.push(`${t} ${change} (${num(n)} row${n === 1 ? '' : 's'})`)
          }
          if (values.json) {
            const { tables: changed, rows, ...rest } = event
            out(JSON.stringify({ time: now.toISOString(), tables: changed, rows, ...rest }))
          } else {
            const ms = String(now.getMilliseconds()).padStart(3, '0')
            const stamp = `${localTime(now.toISOString(), true)}.${ms}`
            // After a migration every table reads as changed: say that once, not table by table.
            out(
              event.layoutChanged
                ? `${stamp}  the file's layout changed: now ${event.layout} (every table reread)`
                : `${stamp}  ${what.join(', ')}`,
            )
          }
        },
        tables ? { tables } : {},
      )
      // Events reach the callback on later turns of the event loop, so this comes first.
      for (const [t, n] of Object.entries(handle.baseline)) if (n !== undefined) counts.set(t, n)
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

/** @type {Record<string, (db: TaktikDatabase, values: Values, args: string[], busyMs: number) => void | Promise<void>>} */
const RUN = {
  info: cmdInfo,
  integrity: cmdIntegrity,
  stats: cmdStats,
  sessions: cmdSessions,
  profiles: cmdProfiles,
  interactions: cmdInteractions,
  tiktok: cmdTikTok,
  scraping: cmdScraping,
  export: cmdExport,
  backup: cmdBackup,
  upgrade: cmdUpgrade,
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
  intOption(values, 'offset', 0, 0, MAX_OFFSET)
  intOption(values, 'session', 0, 1, Number.MAX_SAFE_INTEGER)
  busyTimeoutOption(values)
  secondsOption(values)
  timeOption(values, 'since')
  timeOption(values, 'until')
  orderOption(values)
  minScoreOption(values)
  if (values.sort !== undefined && !SORT_KEYS.includes(values.sort)) {
    throw new UsageError(`--sort must be one of ${SORT_KEYS.join(', ')}; got "${values.sort}"`)
  }
  for (const t of values.table ?? []) {
    if (!API_TABLES.includes(t)) {
      throw new UsageError(`--table: unknown table "${t}"; the tables: ${API_TABLES.join(', ')}`)
    }
  }
  /**
   * Options that apply to some forms of a command only.
   * @param {string} form e.g. "export profiles"
   * @param {string[]} allowed
   */
  const only = (form, allowed) => {
    const all = ['db', 'busy-timeout', 'json', 'help', ...allowed]
    for (const [name, value] of Object.entries(values)) {
      if (value !== undefined && !all.includes(name)) throw new UsageError(`option --${name} does not apply to "${form}"`)
    }
  }
  if (command === 'export') {
    const kind = args[0]
    if (kind === undefined || !EXPORT_KINDS.includes(kind)) {
      throw new UsageError(`export: unknown kind "${kind}"; expected one of ${EXPORT_KINDS.join(', ')}`)
    }
    const file = ['bom', 'overwrite']
    if (kind === 'scrapedProfiles') {
      if (values.account !== undefined) throw new UsageError('export scrapedProfiles takes --scraping ID, not --account')
      if (values.scraping === undefined) throw new UsageError('export scrapedProfiles needs --scraping ID')
      intOption(values, 'scraping', 0, 1, Number.MAX_SAFE_INTEGER)
      only('export scrapedProfiles', ['scraping', 'min-score', 'qualified', ...file])
    } else if (values.scraping !== undefined) {
      throw new UsageError(`export ${kind} takes --account, not --scraping`)
    } else if (kind === 'profiles') {
      only('export profiles', ['account', 'search', 'sort', 'order', 'since', 'until', ...file])
    } else {
      only('export interactions', ['account', 'type', 'session', 'since', 'until', ...file])
    }
  }
  if (command === 'tiktok') {
    const view = args[0] ?? ''
    if (!TIKTOK_VIEWS.includes(view)) {
      throw new UsageError(`tiktok: unknown view "${view}"; expected one of ${TIKTOK_VIEWS.join(', ')}`)
    }
    const forms = { accounts: [], stats: ['account', 'days'], sessions: ['account', 'limit', 'offset'] }
    only(`tiktok ${view}`, /** @type {Record<string, string[]>} */ (forms)[view] ?? ['account', 'limit', 'offset'])
  }
  if (command === 'scraping') {
    if (args[0] !== undefined) scrapingIdArg(args[0])
    else only('scraping', ['limit', 'offset'])
  }
}

/** --busy-timeout as given (the whole wait), for messages. */
let busyTotalMs = DEFAULT_BUSY_MS

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
  const most = expected.length + (spec.optional?.length ?? 0)
  if (args.length < expected.length || args.length > most) {
    const synopsis = commandSynopsis(command)
    if (args.length < expected.length) {
      throw new UsageError(`${command}: missing <${expected[args.length]}> (usage: taktik-db ${synopsis})`)
    }
    throw new UsageError(`${command}: unexpected argument "${args[most]}" (usage: taktik-db ${synopsis})`)
  }
  precheck(command, values, args)

  const run = RUN[command]
  if (!run) throw new UsageError(`unknown command "${command}"`) // COMMANDS and RUN name the same ones
  const file = dbFile(values)
  busyTotalMs = busyTimeoutOption(values)
  /** @param {number} busyMs */
  const attempt = async (busyMs) => {
    const db = openDb(file, busyMs)
    try {
      await run(db, values, args, busyMs)
    } finally {
      db.close()
    }
  }
  // The Sync calls block this thread while SQLite waits for a lock, so no timer could
  // speak meanwhile: wait a second first, and if the lock is still held, say so and
  // wait the rest. Commands read everything before they print, a failed export or
  // backup leaves no file, and an upgrade waits for the lock before it writes anything
  // (a failed one rolls back), so running one again repeats nothing. watch runs for long
  // with the whole timeout: a short first look at the file stands in for it.
  const quiet = Math.min(busyTotalMs, QUIET_WAIT_MS)
  let first = true
  try {
    if (command === 'watch') {
      const probe = openDb(file, quiet)
      try {
        probe.getDatabaseInfoSync()
      } finally {
        probe.close()
      }
      first = false
      await attempt(busyTotalMs)
    } else await attempt(quiet)
  } catch (e) {
    if (!first || field(e, 'code') !== 'SQLITE_BUSY' || busyTotalMs <= quiet || printed) throw e
    const total = busyTotalMs >= 1000 ? `${busyTotalMs / 1000} s` : `${busyTotalMs} ms`
    process.stderr.write(
      `taktik-db: waiting for the bot's lock on ${file} (up to ${total} in all; --busy-timeout sets it)...\n`,
    )
    await attempt(busyTotalMs - quiet)
  }
  return EXIT_OK
}

/** Where a usage error points to: the command's help once the command is known. */
let helpHint = 'taktik-db --help'

/**
 * The addon's hints, which speak its API (options, methods), said with the CLI's
 * options and commands instead.
 * @param {string} message
 */
function inCliWords(message) {
  return message
    .replace(/pass overwrite: true/g, 'add --overwrite')
    .replace(/run integrityCheck\(\)/g, 'run "taktik-db integrity"')
    .replace(/busyTimeoutMs = \d+ ms; retry later/g, `--busy-timeout ${busyTotalMs} ms; retry later, or allow more with --busy-timeout`)
    .replace(/busyTimeoutMs = \d+ ms/g, `--busy-timeout ${busyTotalMs} ms`)
    // taktik-db opens read-only (upgrade looks read-only first): that advice does not apply.
    .replace(/; open with readonly: true to read it/g, '')
}

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
  const message = typeof rawMessage === 'string' ? inCliWords(rawMessage) : String(e)
  process.stderr.write(`taktik-db: ${code}: ${message}\n`)
  return EXIT_ERROR
}

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (e) {
  process.exitCode = report(e)
}

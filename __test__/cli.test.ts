// The command-line tool (bin/taktik-db.mjs), run as a child process the way a person or
// a script runs it: every command against a database the Python fixture seeded, --json
// output checked against the fixture's summary, the documented exit codes (0 ok,
// 1 database error, 2 usage, 3 not found), and `watch` while the fixture writes.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import stringWidth from 'string-width'
import { beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../index.js'
import type {
  Account,
  DailyStatsDay,
  DatabaseInfo,
  ProfileWithInteractions,
  Session,
  UpgradeResult,
} from '../index.js'
import { PYTHON, ROOT, parseCsv, py, sha256, spawnPy, tempDb, waitForStderr } from './helpers'

const CLI = path.join(ROOT, 'bin', 'taktik-db.mjs')

interface SeedSummary {
  today: string
  accounts: Record<string, number>
  idleAccountId: number
  profiles: Record<string, number>
  sessions: { sessionId: number; accountId: number }[]
  interactionsPerAccount: Record<string, number>
  interactionsPerAccountByType: Record<string, Record<string, number>>
  tiktokAccounts: Record<string, number>
  tiktokInteractionsPerAccount: Record<string, number>
  tiktokSessions: { sessionId: number; accountId: number }[]
  profileInteractionCounts: Record<string, Record<string, number>>
  dailyStats: Record<string, Record<string, Record<string, number | null>>>
  scrapingSessions: { scrapingId: number; profileIds: number[] }[]
  counts: Record<string, number>
}

interface Run {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs the CLI to completion. */
function cli(args: string[]): Run {
  let r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 })
  // Under Wine (npm run test:windows) CreateProcess now and then fails before the child exists
  // (spawnSync error UNKNOWN, once in a few hundred spawns): nothing of the CLI ran, so try again.
  for (let i = 0; i < 3 && process.platform === 'win32' && (r.error as NodeJS.ErrnoException | undefined)?.code === 'UNKNOWN'; i++) {
    r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 })
  }
  if (r.error) throw r.error
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** Runs the CLI, expects exit 0 and returns stdout parsed as one JSON document. */
function cliJson<T>(args: string[]): T {
  const r = cli([...args, '--json'])
  expect(r.stderr).toBe('')
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as T
}

/** Runs the CLI asynchronously (for watch), resolving once it exited and its output is read. */
function cliAsync(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}


let file: string
let dir: string
let seed: SeedSummary
let alice: number
let bob: number

beforeAll(() => {
  file = tempDb()
  dir = path.dirname(file)
  seed = py<SeedSummary>(['seed', file])
  alice = seed.accounts.alice_bot!
  bob = seed.accounts.bob_bot!
})

describe('help and usage errors', () => {
  it('--help prints the usage, every command and the exit codes, exit 0', () => {
    const r = cli(['--help'])
    expect(r.status).toBe(0)
    expect(r.stderr).toBe('')
    for (const cmd of [
      'info',
      'integrity',
      'stats',
      'sessions',
      'profiles',
      'interactions',
      'tiktok <view>',
      'scraping [<id>]',
      'export <kind> <dest>',
      'backup <dest>',
      'upgrade',
      'watch',
    ]) {
      expect(r.stdout).toContain(`  ${cmd} `)
    }
    expect(r.stdout).toMatch(/Exit status:[\s\S]*0 {2}success[\s\S]*1 {2}database[\s\S]*2 {2}usage[\s\S]*3 {2}not found/)
    expect(cli(['-h']).stdout).toBe(r.stdout)
  })

  it('<command> --help prints that command\'s usage, exit 0', () => {
    for (const cmd of ['info', 'integrity', 'stats', 'sessions', 'profiles', 'interactions', 'tiktok', 'scraping', 'export', 'backup', 'upgrade', 'watch']) {
      const r = cli([cmd, '--help'])
      expect(r.status, cmd).toBe(0)
      expect(r.stdout).toContain(`Usage: taktik-db ${cmd}`)
      expect(r.stdout).toContain('Exit status:')
    }
    expect(cli(['help', 'stats']).stdout).toBe(cli(['stats', '--help']).stdout)
    // Help needs no database, not even a valid --db.
    expect(cli(['stats', '--help', '--db', path.join(dir, 'nothing-here.db')]).status).toBe(0)
  })

  it('unknown command, unknown flag, bad numbers and missing arguments exit 2', () => {
    const cases: string[][] = [
      [],
      ['frobnicate'],
      ['stats', '--frobnicate'],
      ['info', '-x'],
      ['stats', '--days', 'seven'],
      ['stats', '--days', '0'],
      ['stats', '--days', '3651'],
      ['sessions', '--limit', '-3'],
      ['profiles', '--limit', '1.5'],
      ['profiles', '--sort', 'shoeSize'],
      ['watch', '--seconds', 'soon'],
      ['stats', '--limit', '5'], // an option of another command
      ['info', 'extra'],
      ['export', 'profiles'],
      ['export', 'everything', path.join(dir, 'x.csv')],
      ['export', 'scrapedProfiles', path.join(dir, 'x.csv')],
      ['backup'],
      ['sessions', '--offset', '-1'],
      ['profiles', '--order', 'sideways'],
      ['interactions', '--since', 'last tuesday'],
      ['interactions', '--until', '2026-02-30'],
      ['interactions', '--session', 'x'],
      ['stats', '--busy-timeout', 'long'],
      ['tiktok'],
      ['tiktok', 'videos'],
      ['tiktok', 'accounts', '--limit', '5'],
      ['tiktok', 'stats', '--offset', '5'],
      ['scraping', 'seven'],
      ['scraping', '--qualified'], // a run's filter, without a run
      ['scraping', '1', '2'],
      ['export', 'profiles', path.join(dir, 'x.csv'), '--type', 'LIKE'],
      ['export', 'interactions', path.join(dir, 'x.csv'), '--search', 'a'],
      ['export', 'scrapedProfiles', path.join(dir, 'x.csv'), '--scraping', '1', '--since', '2026-01-01'],
      ['export', 'scrapedProfiles', path.join(dir, 'x.csv'), '--scraping', '1', '--min-score', 'high'],
      ['watch', '--table', 'no_such_table'],
      ['integrity', '--limit', '3'],
      ['upgrade', '--overwrite'],
      ['upgrade', '--dry-run', 'now'],
    ]
    for (const args of cases) {
      const r = cli([...args, '--db', file])
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2)
      expect(r.stdout, args.join(' ')).toBe('')
      expect(r.stderr, args.join(' ')).toMatch(/^taktik-db: USAGE: /)
    }
    expect(cli(['frobnicate']).stderr).toContain('unknown command "frobnicate"')
    expect(cli(['stats', '--frobnicate']).stderr).toContain('--frobnicate')
  })

  it('usage errors win over database errors', () => {
    expect(cli(['stats', '--days', 'x', '--db', path.join(dir, 'nothing-here.db')]).status).toBe(2)
  })
})

describe('database errors and not found', () => {
  it('a file that is not a database exits 1 with SQLITE_NOTADB', () => {
    const junk = path.join(dir, 'not-a-database.db')
    writeFileSync(junk, 'this is a text file, not SQLite\n'.repeat(200))
    for (const cmd of ['info', 'stats']) {
      const r = cli([cmd, '--db', junk])
      expect(r.status, r.stderr).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(/^taktik-db: SQLITE_NOTADB: .*not-a-database\.db/)
    }
  })

  it('a missing file exits 1 with SQLITE_CANTOPEN, and is not created', () => {
    const missing = path.join(dir, 'missing.db')
    const r = cli(['info', '--db', missing])
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^taktik-db: SQLITE_CANTOPEN: /)
    expect(existsSync(missing)).toBe(false)
  })

  it('an unknown account (name or id) exits 3', () => {
    for (const account of ['nobody_here', '999']) {
      const r = cli(['stats', '--db', file, '--account', account])
      expect(r.status, r.stderr).toBe(3)
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(/^taktik-db: NOT_FOUND: no account/)
      expect(r.stderr).toContain('alice_bot')
    }
    expect(cli(['export', 'scrapedProfiles', path.join(dir, 'x.csv'), '--scraping', '9999', '--db', file]).status).toBe(3)
  })
})

describe('info', () => {
  it('--json: the DatabaseInfo plus the accounts', () => {
    const info = cliJson<DatabaseInfo & { accounts: Account[] }>(['info', '--db', file])
    expect(info.path).toBe(file)
    expect(info.readonly).toBe(true)
    expect(info.journalMode).toBe('wal')
    for (const [table, n] of Object.entries(seed.counts)) expect(info.tables[table], table).toBe(n)
    expect(info.accounts.map((a) => [a.username, a.accountId])).toEqual(
      Object.entries(seed.accounts).sort((a, b) => a[1] - b[1]),
    )
  })

  it('text: facts, accounts and rows per table', () => {
    const r = cli(['info', '--db', file])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^Path: +.*taktik-data\.db$/m)
    expect(r.stdout).toMatch(/^Journal mode: +wal$/m)
    expect(r.stdout).toMatch(new RegExp(`^ *${alice} +alice_bot `, 'm'))
    expect(r.stdout).toMatch(new RegExp(`^interaction_history +${seed.counts.interaction_history}$`, 'm'))
  })
})

describe('stats', () => {
  it('--json: exactly --days local days ending today, with the seeded counters', () => {
    const out = cliJson<{ account: { accountId: number; username: string }; days: DailyStatsDay[] }>([
      'stats',
      '--db',
      file,
      '--account',
      'alice_bot',
      '--days',
      '6',
    ])
    expect(out.account).toEqual({ accountId: alice, username: 'alice_bot' })
    expect(out.days).toHaveLength(6)
    const today = out.days[5]!
    expect(today.date).toBe(seed.today)
    const row = seed.dailyStats[String(alice)]![seed.today]!
    expect(today.totalLikes).toBe(row.total_likes)
    expect(today.totalFollows).toBe(row.total_follows)
    expect(today.totalSessions).toBe(row.total_sessions)
    expect(today.totalDurationSeconds).toBe(row.total_duration_seconds)
  })

  it('defaults to 7 days of the first account', () => {
    const out = cliJson<{ account: { accountId: number }; days: DailyStatsDay[] }>(['stats', '--db', file])
    expect(out.account.accountId).toBe(Math.min(...Object.values(seed.accounts)))
    expect(out.days).toHaveLength(7)
  })

  it('--account takes an id or a username in any case', () => {
    for (const spec of [String(bob), 'BOB_BOT', 'Bob_Bot']) {
      const out = cliJson<{ account: { accountId: number } }>(['stats', '--db', file, '--account', spec])
      expect(out.account.accountId, spec).toBe(bob)
    }
  })

  it('text: an aligned table with a row per day and a total', () => {
    const r = cli(['stats', '--db', file, '--account', 'alice_bot', '--days', '3'])
    expect(r.status, r.stderr).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toContain('alice_bot')
    const rows = lines.slice(1)
    // header, rule, 3 days, rule, total
    expect(rows).toHaveLength(7)
    expect(rows[0]).toMatch(/^DATE +LIKES +FOLLOWS /)
    expect(rows[4]).toMatch(new RegExp(`^${seed.today} `))
    expect(rows[6]).toMatch(/^total /)
    // Every cell is right-aligned under its header: all lines end at the same column.
    expect(new Set(rows.map((l) => l.length)).size).toBe(1)
  })
})

describe('sessions', () => {
  it('--json: the account\'s latest sessions, newest first, --limit honoured', () => {
    const mine = seed.sessions.filter((s) => s.accountId === alice)
    const all = cliJson<{ sessions: Session[] }>(['sessions', '--db', file, '--account', 'alice_bot'])
    expect(all.sessions).toHaveLength(Math.min(20, mine.length))
    expect(all.sessions.every((s) => s.accountId === alice)).toBe(true)
    const two = cliJson<{ sessions: Session[] }>(['sessions', '--db', file, '--account', 'alice_bot', '--limit', '2'])
    expect(two.sessions.map((s) => s.sessionId)).toEqual(all.sessions.slice(0, 2).map((s) => s.sessionId))
  })

  it('text: one line per session under a header', () => {
    const r = cli(['sessions', '--db', file, '--account', String(bob), '--limit', '3'])
    expect(r.status, r.stderr).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[1]).toMatch(/^ID +STARTED +STATUS +TYPE +TARGET +DURATION +ERROR$/)
    expect(lines).toHaveLength(1 + 2 + 3)
  })
})

describe('profiles', () => {
  it('--json: profiles the account interacted with, total and --limit', () => {
    const expected = Object.keys(seed.profileInteractionCounts[String(alice)]!).length
    const out = cliJson<{ total: number; profiles: ProfileWithInteractions[] }>([
      'profiles',
      '--db',
      file,
      '--limit',
      '5',
    ])
    expect(out.total).toBe(expected)
    expect(out.profiles).toHaveLength(5)
    for (const p of out.profiles) {
      expect(p.interactionCount).toBe(seed.profileInteractionCounts[String(alice)]![String(p.profileId)])
    }
  })

  it('--search matches literally, case-insensitively', () => {
    const out = cliJson<{ total: number; profiles: ProfileWithInteractions[] }>([
      'profiles',
      '--db',
      file,
      '--search',
      'UNDER_',
    ])
    expect(out.profiles.map((p) => p.username)).toEqual(['under_score'])
    expect(out.total).toBe(1)
  })

  it('--sort knows exactly the sortBy values the addon accepts (the CLI keeps its own list for help without the binary)', () => {
    const db = openDatabase({ path: file, readonly: true })
    let addonMessage = ''
    try {
      db.getProfilesSync(1, { sortBy: 'shoeSize' as never })
    } catch (e) {
      addonMessage = (e as Error).message
    }
    db.close()
    const listed = (message: string) => message.split('one of ')[1]!.split(/[;"]/)[0]!.trim().split(', ')
    const addonKeys = listed(addonMessage)
    expect(addonKeys.length).toBeGreaterThan(5)
    expect(listed(cli(['profiles', '--db', file, '--sort', 'shoeSize']).stderr)).toEqual(addonKeys)
  })

  it('text: a table with one line per profile', () => {
    const r = cli(['profiles', '--db', file, '--limit', '4', '--sort', 'username'])
    expect(r.status, r.stderr).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/4 of \d+$/)
    expect(lines[1]).toMatch(/^ID +USERNAME +FULL NAME +FOLLOWERS /)
    expect(lines).toHaveLength(1 + 2 + 4)
  })
})

describe('export', () => {
  it('interactions: a CSV with a header and one record per interaction', () => {
    const dest = path.join(dir, 'alice-interactions.csv')
    const out = cliJson<{ kind: string; path: string; rows: number }>([
      'export',
      'interactions',
      dest,
      '--db',
      file,
      '--account',
      'alice_bot',
    ])
    const n = seed.interactionsPerAccount[String(alice)]!
    expect(out).toEqual({ kind: 'interactions', path: dest, rows: n })
    const text = readFileSync(dest, 'utf8')
    expect(text.charCodeAt(0)).not.toBe(0xfeff)
    const records = parseCsv(text)
    expect(records[0]).toEqual([
      'id',
      'sessionId',
      'accountId',
      'profileId',
      'interactionType',
      'interactionTime',
      'success',
      'content',
      'username',
    ])
    expect(records).toHaveLength(1 + n)
    expect(records.slice(1).every((r) => r[2] === String(alice))).toBe(true)
  })

  it('profiles with --bom, FILE_EXISTS without --overwrite, replaced with it', () => {
    const dest = path.join(dir, 'bob-profiles.csv')
    const first = cli(['export', 'profiles', dest, '--db', file, '--account', 'bob_bot', '--bom'])
    expect(first.status, first.stderr).toBe(0)
    const n = Object.keys(seed.profileInteractionCounts[String(bob)]!).length
    expect(first.stdout).toContain(`Wrote ${n} rows`)
    const text = readFileSync(dest, 'utf8')
    expect(text.charCodeAt(0)).toBe(0xfeff)
    const records = parseCsv(text.slice(1))
    expect(records[0]!.slice(0, 2)).toEqual(['profileId', 'username'])
    expect(records[0]).toContain('interactionCount')
    expect(records).toHaveLength(1 + n)

    const again = cli(['export', 'profiles', dest, '--db', file, '--account', 'bob_bot'])
    expect(again.status).toBe(1)
    expect(again.stderr).toMatch(/^taktik-db: FILE_EXISTS: /)
    // The hint speaks CLI, not the API's options.
    expect(again.stderr).toContain('add --overwrite')
    expect(again.stderr).not.toContain('overwrite: true')
    const forced = cli(['export', 'profiles', dest, '--db', file, '--account', 'bob_bot', '--overwrite'])
    expect(forced.status, forced.stderr).toBe(0)
    expect(readFileSync(dest, 'utf8').charCodeAt(0)).not.toBe(0xfeff)
  })

  it('scrapedProfiles of one scraping run (--scraping)', () => {
    const run = seed.scrapingSessions.find((s) => s.profileIds.length > 0)!
    const dest = path.join(dir, 'scraped.csv')
    const out = cliJson<{ rows: number }>([
      'export',
      'scrapedProfiles',
      dest,
      '--db',
      file,
      '--scraping',
      String(run.scrapingId),
    ])
    expect(out.rows).toBe(run.profileIds.length)
    expect(parseCsv(readFileSync(dest, 'utf8'))).toHaveLength(1 + run.profileIds.length)
  })
})

describe('backup', () => {
  it('copies the database; the copy opens and has the same accounts', () => {
    const dest = path.join(dir, 'backup.db')
    const out = cliJson<{ source: string; path: string; pages: number; bytes: number }>(['backup', dest, '--db', file])
    expect(out.source).toBe(file)
    expect(out.path).toBe(dest)
    expect(out.bytes).toBeGreaterThan(0)
    const original = cliJson<{ accounts: Account[] }>(['info', '--db', file])
    const copy = cliJson<{ accounts: Account[]; tables: Record<string, number> }>(['info', '--db', dest])
    expect(copy.accounts).toEqual(original.accounts)
    expect(copy.tables.interaction_history).toBe(seed.counts.interaction_history)

    const again = cli(['backup', dest, '--db', file])
    expect(again.status).toBe(1)
    expect(again.stderr).toMatch(/^taktik-db: FILE_EXISTS: /)
    expect(again.stderr).toContain('add --overwrite')
    expect(again.stderr).not.toContain('overwrite: true')
    const forced = cli(['backup', dest, '--db', file, '--overwrite'])
    expect(forced.status, forced.stderr).toBe(0)
    expect(forced.stdout).toMatch(/^Backed up .* to .*backup\.db/)
  })
})

describe('upgrade', () => {
  /** The files the upgrade writes beside `f` (not the -wal/-shm of a reader of them). */
  const besides = (f: string) =>
    readdirSync(path.dirname(f)).filter(
      (n) => (n.includes('.before-unified-') || n.includes('.legacy-extras-')) && !/-(wal|shm)$/.test(n),
    )
  /** A legacy file seeded on its own (the upgrade changes it), and the fixture's row counts. */
  const seeded = () => {
    const f = tempDb()
    const s = py<SeedSummary>(['seed', f])
    return { f, counts: s.counts }
  }
  const DAY = '\\d{4}-\\d\\d-\\d\\d'

  it('--dry-run lists every move with its rows, what is kept aside and where, and changes nothing', () => {
    const { f, counts } = seeded()
    const before = sha256(f)
    const r = cli(['upgrade', '--dry-run', '--db', f])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/^Dry run: nothing was changed/)
    const dry = cliJson<UpgradeResult>(['upgrade', '--dry-run', '--db', f])
    expect(dry).toMatchObject({ upgraded: false, dryRun: true, layoutBefore: 'legacy' })
    expect(sha256(f)).toBe(before)
    expect(besides(f)).toEqual([])

    // Every legacy table of the seed that has a unified home, with the fixture's count.
    const moved = Object.fromEntries(dry.moves.map((m) => [m.from, m]))
    for (const [from, to] of [
      ['instagram_accounts', 'accounts'],
      ['tiktok_accounts', 'accounts'],
      ['instagram_profiles', 'social_profiles'],
      ['sessions', 'sessions_unified'],
      ['interaction_history', 'interactions'],
      ['tiktok_interaction_history', 'interactions'],
      ['daily_stats', 'daily_stats_unified'],
      ['scraped_profiles', 'scraped_profiles'],
    ] as const) {
      expect(moved[from], from).toEqual({ from, to, rows: counts[from] })
      const shown = to === from ? `${to} \\(rebuilt in place\\)` : to
      expect(r.stdout).toMatch(new RegExp(`^${from} +${shown} +${counts[from]}$`, 'm'))
    }
    for (const m of dry.moves) expect(m.rows, m.from).toBe(counts[m.from])
    // The legacy-only tables go to the extras file, whole.
    const kept = Object.fromEntries(dry.keptAside.map((k) => [k.table, k.rows]))
    for (const t of ['instagram_posts', 'scraped_comments', 'discovery_campaigns']) {
      expect(kept[t], t).toBe(counts[t])
      expect(r.stdout).toMatch(new RegExp(`^${t} +${counts[t]}$`, 'm'))
      expect(dry.dropped).toContain(t)
    }
    expect(dry.dropped).toContain('interaction_history')
    expect(dry.backupPath?.slice(0, f.length)).toBe(f)
    expect(dry.backupPath?.slice(f.length)).toMatch(new RegExp(`^\\.before-unified-${DAY}$`))
    expect(dry.extrasPath?.slice(0, f.length)).toBe(f)
    expect(dry.extrasPath?.slice(f.length)).toMatch(new RegExp(`^\\.legacy-extras-${DAY}\\.db$`))
    expect(r.stdout).toContain(`Backup (written first): ${dry.backupPath}`)
    expect(r.stdout).toContain(`in ${dry.extrasPath}:`)
    expect(r.stdout).toContain(`Drop ${dry.dropped.length} legacy tables: ${dry.dropped.join(', ')}`)

    const noBackup = cliJson<UpgradeResult>(['upgrade', '--dry-run', '--no-backup', '--db', f])
    expect(noBackup.backupPath).toBeNull()
    expect(noBackup.moves).toEqual(dry.moves)
    expect(sha256(f)).toBe(before)
    expect(besides(f)).toEqual([])
  })

  it('upgrades: progress on stderr, the moves on stdout, the backup and extras beside it; a second run has nothing to do', () => {
    const { f, counts } = seeded()
    const dry = cliJson<UpgradeResult>(['upgrade', '--dry-run', '--db', f])
    const r = cli(['upgrade', '--db', f])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/^Upgrading .* to the unified layout\.\.\.\n/)
    expect(r.stderr).toMatch(/\[1\/(\d+)\] backup written\n[\s\S]*\[\1\/\1\] committing\n$/)
    expect(r.stderr).toContain('rows copied from interaction_history')
    expect(r.stdout).toMatch(/^Upgraded to the unified layout/)
    expect(r.stdout).toMatch(new RegExp(`^interaction_history +interactions +${counts.interaction_history}$`, 'm'))
    expect(r.stdout).toContain(`Backup: ${dry.backupPath}`)
    expect(r.stdout).toContain(`in ${dry.extrasPath}:`)

    const info = cliJson<DatabaseInfo & { accounts: Account[] }>(['info', '--db', f])
    expect(info.layout).toBe('unified')
    expect(info.tables.interactions).toBe(counts.interaction_history! + counts.tiktok_interaction_history!)
    expect(info.tables.interaction_history).toBeUndefined()
    expect(info.accounts).toHaveLength(counts.instagram_accounts!)
    // The backup is the legacy file; the extras hold what has no home.
    const backup = cliJson<DatabaseInfo>(['info', '--db', dry.backupPath!])
    expect(backup.layout).toBe('legacy')
    expect(backup.tables.interaction_history).toBe(counts.interaction_history)
    const extras = cliJson<DatabaseInfo>(['info', '--db', dry.extrasPath!])
    for (const k of dry.keptAside) expect(extras.tables[k.table], k.table).toBe(k.rows)
    expect(besides(f).sort()).toEqual([path.basename(dry.backupPath!), path.basename(dry.extrasPath!)].sort())

    const again = cli(['upgrade', '--db', f])
    expect(again.status, again.stderr).toBe(0)
    expect(again.stdout).toBe(`${f} is already unified: nothing to do.\n`)
    expect(again.stderr).toBe('')
    expect(cli(['upgrade', '--dry-run', '--db', f]).stdout).toContain('nothing to do')
    expect(besides(f)).toHaveLength(2)
  })

  it('--json prints the UpgradeResult: what the dry run said, now done; --no-backup writes no backup', () => {
    const { f } = seeded()
    const dry = cliJson<UpgradeResult>(['upgrade', '--dry-run', '--no-backup', '--db', f])
    const done = cliJson<UpgradeResult>(['upgrade', '--no-backup', '--db', f])
    expect(done).toEqual({ ...dry, upgraded: true, dryRun: false })
    expect(done.backupPath).toBeNull()
    expect(existsSync(done.extrasPath!)).toBe(true)
    expect(besides(f)).toEqual([path.basename(done.extrasPath!)])
    expect(cliJson<UpgradeResult>(['upgrade', '--db', f])).toEqual({
      upgraded: false,
      dryRun: false,
      layoutBefore: 'unified',
      backupPath: null,
      extrasPath: null,
      moves: [],
      keptAside: [],
      dropped: [],
    })
  })

  it('a file of neither layout: NOT_LEGACY, exit 1, the file untouched', () => {
    const empty = tempDb()
    writeFileSync(empty, '')
    const foreign = tempDb()
    pyExec("import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('CREATE TABLE notes (t TEXT)'); c.commit()", foreign)
    for (const f of [empty, foreign]) {
      const before = sha256(f)
      for (const args of [['upgrade'], ['upgrade', '--dry-run']]) {
        const r = cli([...args, '--db', f])
        expect(r.status, r.stderr).toBe(1)
        expect(r.stdout).toBe('')
        expect(r.stderr).toMatch(/^taktik-db: NOT_LEGACY: .*the file was not changed\n$/)
      }
      expect(sha256(f)).toBe(before)
      expect(besides(f)).toEqual([])
    }
    const missing = path.join(dir, 'no-such-file.db')
    expect(cli(['upgrade', '--db', missing]).status).toBe(1)
    expect(existsSync(missing)).toBe(false)
  })
})

describe('watch', () => {
  it('prints a line per change while the Python writer runs, then stops after --seconds', async () => {
    // Its own file: the writer must not disturb the counts the other tests read.
    const live = tempDb()
    const writer = spawnPy(['writer', live, '--seconds', '3', '--interval-ms', '20'])
    const writerExit = new Promise<number | null>((resolve) => writer.on('close', resolve))
    await waitForStderr(writer, 'READY')
    const started = Date.now()
    const [text, json] = await Promise.all([
      cliAsync(['watch', '--db', live, '--seconds', '2']),
      cliAsync(['watch', '--db', live, '--seconds', '2', '--json', '--table', 'interactions']),
    ])
    const elapsed = Date.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(1_900)
    expect(elapsed).toBeLessThan(10_000)

    expect(text.status, text.stderr).toBe(0)
    const lines = text.stdout.trimEnd().split('\n')
    expect(lines.length).toBeGreaterThanOrEqual(1)
    // What changed, with counts: "interactions +3 (1,204 rows)", not just the table's name.
    expect(lines.some((l) => /interactions \+\d+ \([\d,]+ rows?\)/.test(l))).toBe(true)
    for (const l of lines) {
      // Every table it names comes with its count, whichever table it is (not just the ones with a count read).
      const [, what] = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} {2}(.*)$/.exec(l) ?? []
      expect(what, l).toBeDefined()
      for (const part of what!.split(', ')) expect(part, l).toMatch(/^[a-zA-Z]+ (\+[\d,]+|-[\d,]+|changed) \([\d,]+ rows?\)$/)
    }
    expect(lines.some((l) => /dailyStats (\+[\d,]+|changed) \([\d,]+ rows?\)/.test(l)), text.stdout).toBe(true)
    expect(lines.some((l) => / changed: /.test(l))).toBe(false)

    expect(json.status, json.stderr).toBe(0)
    expect(json.stderr).toBe('')
    const events = json.stdout
      .trimEnd()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            time: string
            tables: string[]
            rows: Record<string, number>
            dataVersion: number
            layout: string
            layoutChanged: boolean
          },
      )
    expect(events.length).toBeGreaterThanOrEqual(1)
    let lastRows = 0
    for (const e of events) {
      expect(e.tables).toEqual(['interactions'])
      expect(e.rows.interactions).toBeGreaterThanOrEqual(lastRows)
      lastRows = e.rows.interactions!
      expect(e).toMatchObject({ layout: 'legacy', layoutChanged: false })
      expect(Number.isNaN(Date.parse(e.time))).toBe(false)
      expect(Number.isInteger(e.dataVersion)).toBe(true)
    }
    expect(await writerExit).toBe(0)
  })

  // Node on Windows cannot deliver SIGTERM/SIGINT to a child: kill() terminates it.
  it.skipIf(process.platform === 'win32')('stops cleanly with exit 0 on SIGTERM and SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const child = spawn(process.execPath, [CLI, 'watch', '--db', file], { stdio: ['ignore', 'pipe', 'pipe'] })
      await waitForStderr(child, 'Watching')
      const exit = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
        child.on('close', (code, sig) => resolve([code, sig])),
      )
      child.kill(signal)
      expect(await exit, signal).toEqual([0, null])
    }
  })

  it('an unknown --table is a usage error (exit 2) naming the tables, checked before the file', () => {
    const r = cli(['watch', '--db', path.join(dir, 'nothing-here.db'), '--table', 'no_such_table', '--seconds', '1'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^taktik-db: USAGE: .*no_such_table.*dailyStats/)
  })

  it('knows exactly the API tables of index.d.ts', () => {
    const dts = readFileSync(path.join(ROOT, 'index.d.ts'), 'utf8')
    const apiTables = [.../^export type ApiTable = (.*)$/m.exec(dts)![1]!.matchAll(/'(\w+)'/g)].map((m) => m[1])
    const listed = cli(['watch', '--table', 'x']).stderr.split('the tables: ')[1]!.trim().split('\n')[0]!.split(', ')
    expect(listed).toEqual(apiTables)
    for (const t of apiTables) expect(cli(['watch', '--help']).stdout).toContain(t!)
  })
})

/** Runs Python code with the database path as sys.argv[1]. */
function pyExec(code: string, target: string): void {
  execFileSync(PYTHON, ['-c', code, target], { stdio: ['ignore', 'pipe', 'pipe'] })
}

describe('the README, --help, hints and exit codes agree', () => {
  const readmeCli = () => {
    const text = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    const start = text.indexOf('### Command line')
    expect(start).toBeGreaterThan(0)
    return text.slice(start, text.indexOf('\n## ', start))
  }
  const helps = () => {
    const main = cli(['--help']).stdout
    const commands = main
      .split('Commands:\n')[1]!
      .split('\n\n')[0]!
      .split('\n')
      .map((l) => l.trim().split(' ')[0]!)
    return { main, commands, all: [main, ...commands.map((c) => cli([c, '--help']).stdout)].join('\n') }
  }
  const flags = (text: string) => new Set([...text.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]))

  it('every command of --help is in the README\'s CLI section, and every command there is in --help', () => {
    const { commands } = helps()
    const readme = readmeCli()
    const documented = [...readme.matchAll(/^\| `([a-z]+)[ `]/gm)].map((m) => m[1])
    expect(documented.sort()).toEqual([...commands].sort())
    expect(commands.length).toBeGreaterThanOrEqual(11)
  })

  it('every flag of the helps is in the README\'s CLI section, and every flag there is in a help', () => {
    const inHelp = flags(helps().all)
    const inReadme = flags(readmeCli())
    expect([...inReadme].sort()).toEqual([...inHelp].sort())
    expect(inHelp).toContain('--busy-timeout')
    expect(inHelp).toContain('--offset')
  })

  it('the exit codes, and the hints the CLI gives, are the same in both', () => {
    const { main } = helps()
    const readme = readmeCli()
    const helpCodes = [...main.split('Exit status:\n')[1]!.matchAll(/^ {2}(\d) {2}/gm)].map((m) => m[1])
    const readmeCodes = [...readme.split('Exit status:')[1]!.matchAll(/`(\d)`/g)].map((m) => m[1])
    expect(helpCodes).toEqual(['0', '1', '2', '3'])
    expect(readmeCodes).toEqual(helpCodes)
    for (const hint of ['--overwrite', 'taktik-db integrity', '--busy-timeout']) {
      expect(main, hint).toContain(hint)
      expect(readme, hint).toContain(hint)
    }
  })
})

describe('--db and --busy-timeout', () => {
  it('--db naming a directory says so (exit 1, SQLITE_CANTOPEN), and names the bot\'s file in it', () => {
    const empty = path.join(dir, 'a-directory')
    mkdirSync(empty, { recursive: true })
    const r = cli(['info', '--db', empty])
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^taktik-db: SQLITE_CANTOPEN: --db .*a-directory is a directory, not a database file\n$/)
    const withFile = cli(['stats', '--db', dir])
    expect(withFile.status).toBe(1)
    expect(withFile.stderr).toContain(`is a directory, not a database file; the bot's file in it is ${file}`)
  })

  it('says it is waiting for the bot\'s lock after about a second, then reads once the bot lets go', async () => {
    // A bot that keeps an exclusive lock on a rollback-journal file: readers wait for it.
    const locked = tempDb()
    copyFileSync(file, locked)
    pyExec("import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode=DELETE'); c.close()", locked)
    const holder = spawn(
      PYTHON,
      [
        '-c',
        `import sqlite3,sys,time
c=sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute('BEGIN EXCLUSIVE')
sys.stderr.write('LOCKED\\n'); sys.stderr.flush()
time.sleep(3.5)
c.execute('COMMIT')`,
        locked,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    await waitForStderr(holder, 'LOCKED')
    const t0 = Date.now()
    const child = spawn(process.execPath, [CLI, 'stats', '--db', locked, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let saidAt = 0
    let stderr = ''
    let stdout = ''
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString()
      if (saidAt === 0 && stderr.includes("waiting for the bot's lock")) saidAt = Date.now() - t0
    })
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve))
    const took = Date.now() - t0
    expect(status, stderr).toBe(0)
    expect(stderr).toMatch(/^taktik-db: waiting for the bot's lock on .* \(up to 30 s in all; --busy-timeout sets it\)\.\.\.\n$/)
    expect(saidAt).toBeGreaterThanOrEqual(900)
    expect(saidAt).toBeLessThan(3_000)
    expect(took).toBeGreaterThanOrEqual(3_000)
    expect((JSON.parse(stdout) as { days: unknown[] }).days).toHaveLength(7)

    // A short --busy-timeout gives up with SQLITE_BUSY, its hint in CLI words.
    const again = spawn(
      PYTHON,
      ['-c', "import sqlite3,sys,time\nc=sqlite3.connect(sys.argv[1], isolation_level=None)\nc.execute('BEGIN EXCLUSIVE')\nsys.stderr.write('LOCKED\\n'); sys.stderr.flush()\ntime.sleep(6)\nc.execute('COMMIT')", locked],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    await waitForStderr(again, 'LOCKED')
    const quick = cli(['stats', '--db', locked, '--busy-timeout', '400'])
    expect(quick.status).toBe(1)
    expect(quick.stderr).not.toContain('waiting')
    expect(quick.stderr).toMatch(/^taktik-db: SQLITE_BUSY: /)
    expect(quick.stderr).toContain('--busy-timeout 400 ms')
    expect(quick.stderr).not.toContain('busyTimeoutMs')
    const patient = cli(['stats', '--db', locked, '--busy-timeout', '1500'])
    expect(patient.status).toBe(1)
    expect(patient.stderr).toMatch(/^taktik-db: waiting for the bot's lock .*\(up to 1.5 s in all/)
    expect(patient.stderr).toContain('--busy-timeout 1500 ms')
    await new Promise((resolve) => again.on('close', resolve))
  })
})

describe('integrity', () => {
  it('a sound file: "ok", exit 0; --json {ok, problems}', () => {
    const r = cli(['integrity', '--db', file])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toBe(`${file}: ok\n`)
    expect(cliJson<{ ok: boolean; problems: string[] }>(['integrity', '--db', file, '--quick'])).toEqual({ ok: true, problems: [] })
  })

  it('a damaged file: the problems, exit 1 with SQLITE_CORRUPT; other commands point to "taktik-db integrity"', () => {
    const damaged = tempDb()
    copyFileSync(file, damaged)
    // Fold the WAL in, then scribble over an index page in the middle of the file.
    pyExec(
      `import sqlite3,sys
c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.execute('PRAGMA journal_mode=DELETE')
root=c.execute("SELECT rootpage FROM sqlite_master WHERE type='index' AND tbl_name='interaction_history' ORDER BY rootpage DESC").fetchone()[0]
ps=c.execute('PRAGMA page_size').fetchone()[0]; c.close()
f=open(sys.argv[1],'r+b'); f.seek((root-1)*ps+8); f.write(b'\\xff'*200); f.close()`,
      damaged,
    )
    const r = cli(['integrity', '--db', damaged])
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/: damaged:\n {2}\S/)
    expect(r.stderr).toMatch(/^taktik-db: SQLITE_CORRUPT: .* is damaged; restore it from a backup/)
    const json = cli(['integrity', '--db', damaged, '--json'])
    expect(json.status).toBe(1)
    const parsed = JSON.parse(json.stdout) as { ok: boolean; problems: string[] }
    expect(parsed.ok).toBe(false)
    expect(parsed.problems.length).toBeGreaterThan(0)

    // A table's root page overwritten: reading it fails, and the hint names the command.
    const broken = tempDb()
    copyFileSync(file, broken)
    pyExec(
      `import sqlite3,sys
c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.execute('PRAGMA journal_mode=DELETE')
root=c.execute("SELECT rootpage FROM sqlite_master WHERE type='table' AND name='interaction_history'").fetchone()[0]
ps=c.execute('PRAGMA page_size').fetchone()[0]; c.close()
f=open(sys.argv[1],'r+b'); f.seek((root-1)*ps); f.write(b'\\xff'*64); f.close()`,
      broken,
    )
    const read = cli(['interactions', '--db', broken])
    expect(read.status).toBe(1)
    expect(read.stderr).toMatch(/^taktik-db: SQLITE_CORRUPT: /)
    expect(read.stderr).toContain('run "taktik-db integrity"')
    expect(read.stderr).not.toContain('integrityCheck()')
    // integrity itself cannot read it: it says so, without sending the user back to itself.
    const check = cli(['integrity', '--db', broken])
    expect(check.status).toBe(1)
    expect(check.stderr).toMatch(/^taktik-db: SQLITE_CORRUPT: .*too damaged to check; restore it from a backup\n$/)
    expect(check.stderr).not.toContain('taktik-db integrity')
  })
})

describe('info leaves SQLite\'s own tables out', () => {
  it('no sqlite_sequence in the text or the JSON, and the count agrees', () => {
    const raw = openDatabase({ path: file, readonly: true })
    const fileTables = Object.keys(raw.getDatabaseInfoSync().tables)
    raw.close()
    expect(fileTables).toContain('sqlite_sequence')
    const r = cli(['info', '--db', file])
    expect(r.stdout).not.toContain('sqlite_')
    const own = fileTables.filter((t) => !t.startsWith('sqlite_'))
    expect(r.stdout).toContain(`Tables (${own.length}):`)
    const json = cliJson<DatabaseInfo>(['info', '--db', file])
    expect(Object.keys(json.tables).sort()).toEqual(own.sort())
  })
})

describe('paging and order', () => {
  it('--offset pages sessions and profiles', () => {
    const all = cliJson<{ sessions: Session[] }>(['sessions', '--db', file, '--limit', '6'])
    const page = cliJson<{ sessions: Session[] }>(['sessions', '--db', file, '--limit', '3', '--offset', '3'])
    expect(page.sessions.map((s) => s.sessionId)).toEqual(all.sessions.slice(3, 6).map((s) => s.sessionId))
    const profiles = cliJson<{ profiles: ProfileWithInteractions[] }>(['profiles', '--db', file, '--limit', '6', '--sort', 'username'])
    const second = cliJson<{ profiles: ProfileWithInteractions[] }>(['profiles', '--db', file, '--limit', '3', '--offset', '3', '--sort', 'username'])
    expect(second.profiles.map((p) => p.profileId)).toEqual(profiles.profiles.slice(3, 6).map((p) => p.profileId))
    expect(cli(['profiles', '--db', file, '--limit', '3', '--offset', '3']).stdout.split('\n')[0]).toMatch(/\(rows 4 to 6\)$/)
  })

  it('--order asc sorts ascending, desc descending', () => {
    const names = (order: string) =>
      cliJson<{ profiles: ProfileWithInteractions[] }>(['profiles', '--db', file, '--sort', 'followersCount', '--order', order, '--limit', '10000'])
        .profiles.map((p) => p.followersCount ?? -1)
    const asc = names('asc')
    expect(asc.length).toBeGreaterThan(3)
    expect(asc).toEqual([...asc].sort((a, b) => a - b))
    expect(names('DESC')).toEqual([...asc].sort((a, b) => b - a))
  })
})

describe('interactions', () => {
  it('--json: the account\'s interactions, newest first, with the total; --type, --offset', () => {
    const n = seed.interactionsPerAccount[String(alice)]!
    const all = cliJson<{ total: number; interactions: { id: number; accountId: number; interactionType: string; interactionTime: string }[] }>(
      ['interactions', '--db', file, '--account', 'alice_bot', '--limit', '10000'],
    )
    expect(all.total).toBe(n)
    expect(all.interactions).toHaveLength(n)
    expect(all.interactions.every((i) => i.accountId === alice)).toBe(true)
    const page = cliJson<{ interactions: { id: number }[] }>(['interactions', '--db', file, '--limit', '5', '--offset', '5'])
    expect(page.interactions.map((i) => i.id)).toEqual(all.interactions.slice(5, 10).map((i) => i.id))
    const [type, count] = Object.entries(seed.interactionsPerAccountByType[String(alice)]!)[0]!
    const typed = cliJson<{ total: number; interactions: { interactionType: string }[] }>(['interactions', '--db', file, '--type', type.toLowerCase(), '--limit', '10000'])
    expect(typed.total).toBe(count)
    expect(typed.interactions.every((i) => i.interactionType.toLowerCase() === type.toLowerCase())).toBe(true)
  })

  it('--since/--until: a bare date is the local day, inclusive at both ends', () => {
    const rows = cliJson<{ interactions: { interactionTime: string | null }[] }>(['interactions', '--db', file, '--limit', '10000'])
      .interactions.filter((i) => i.interactionTime !== null)
    const local = (iso: string) => {
      const d = new Date(iso)
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
    }
    const day = local(rows[0]!.interactionTime!)
    const expected = rows.filter((i) => local(i.interactionTime!) === day).length
    const out = cliJson<{ total: number }>(['interactions', '--db', file, '--since', day, '--until', day])
    expect(out.total).toBe(expected)
  })

  it('text: a table with one line per interaction', () => {
    const r = cli(['interactions', '--db', file, '--limit', '4'])
    expect(r.status, r.stderr).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^Interactions of alice_bot \(id \d+\): 4 of [\d,]+$/)
    expect(lines[1]).toMatch(/^ *ID +TIME +TYPE +OK +USERNAME +SESSION +CONTENT$/)
    expect(lines).toHaveLength(1 + 2 + 4)
  })
})

describe('tiktok', () => {
  it('accounts, stats, sessions and interactions of a TikTok account', () => {
    const accounts = cliJson<{ accounts: { accountId: number; username: string }[] }>(['tiktok', 'accounts', '--db', file])
    expect(accounts.accounts.map((a) => [a.username, a.accountId])).toEqual(
      Object.entries(seed.tiktokAccounts).sort((a, b) => a[1] - b[1]),
    )
    const [name, id] = Object.entries(seed.tiktokAccounts).find(([, i]) => (seed.tiktokInteractionsPerAccount[String(i)] ?? 0) > 0)!
    const inter = cliJson<{ account: { accountId: number }; total: number; interactions: unknown[] }>(
      ['tiktok', 'interactions', '--db', file, '--account', name.toUpperCase(), '--limit', '10000'],
    )
    expect(inter.account.accountId).toBe(id)
    expect(inter.total).toBe(seed.tiktokInteractionsPerAccount[String(id)])
    expect(inter.interactions).toHaveLength(inter.total)
    const stats = cliJson<{ days: { date: string }[] }>(['tiktok', 'stats', '--db', file, '--account', String(id), '--days', '3'])
    expect(stats.days.map((d) => d.date).at(-1)).toBe(seed.today)
    const sessions = cliJson<{ sessions: { sessionId: number }[] }>(['tiktok', 'sessions', '--db', file, '--account', name])
    expect(sessions.sessions.map((s) => s.sessionId).sort()).toEqual(
      seed.tiktokSessions.filter((s) => s.accountId === id).map((s) => s.sessionId).slice(0, 20).sort(),
    )
    const text = cli(['tiktok', 'stats', '--db', file, '--account', name])
    expect(text.status, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/^DATE +LIKES +FOLLOWS +FAVORITES /m)
    expect(cli(['tiktok', 'sessions', '--db', file, '--account', 'nobody']).status).toBe(3)
  })
})

describe('scraping', () => {
  it('lists the runs, and the profiles of one run; an unknown run exits 3', () => {
    const runs = cliJson<{ runs: { scrapingId: number }[] }>(['scraping', '--db', file, '--limit', '10000'])
    expect(runs.runs.map((r) => r.scrapingId).sort((a, b) => a - b)).toEqual(
      seed.scrapingSessions.map((s) => s.scrapingId).sort((a, b) => a - b),
    )
    const run = seed.scrapingSessions.find((s) => s.profileIds.length > 1)!
    const one = cliJson<{ run: { scrapingId: number }; profiles: { profileId: number }[] }>(['scraping', String(run.scrapingId), '--db', file])
    expect(one.run.scrapingId).toBe(run.scrapingId)
    expect(one.profiles.map((p) => p.profileId)).toEqual(run.profileIds.slice(0, 20))
    const rest = cliJson<{ profiles: { profileId: number }[] }>(['scraping', String(run.scrapingId), '--db', file, '--offset', '1'])
    expect(rest.profiles.map((p) => p.profileId)).toEqual(run.profileIds.slice(1, 21))
    const text = cli(['scraping', '--db', file])
    expect(text.stdout).toMatch(/^ID +STARTED +TYPE +SOURCE +STATUS +SCRAPED$/m)
    expect(cli(['scraping', '999999', '--db', file]).status).toBe(3)
  })
})

describe('export filters', () => {
  it('interactions --type, profiles --search and --order, scrapedProfiles --qualified', () => {
    const [type, count] = Object.entries(seed.interactionsPerAccountByType[String(alice)]!)[0]!
    const dest = path.join(dir, 'typed.csv')
    const typed = cliJson<{ rows: number }>(['export', 'interactions', dest, '--db', file, '--type', type, '--overwrite'])
    expect(typed.rows).toBe(count)
    const records = parseCsv(readFileSync(dest, 'utf8')).slice(1)
    expect(records.every((r) => r[4] === type)).toBe(true)

    const pdest = path.join(dir, 'searched.csv')
    expect(cliJson<{ rows: number }>(['export', 'profiles', pdest, '--db', file, '--search', 'UNDER_']).rows).toBe(1)
    const odest = path.join(dir, 'ordered.csv')
    cliJson(['export', 'profiles', odest, '--db', file, '--sort', 'username', '--order', 'asc'])
    const names = parseCsv(readFileSync(odest, 'utf8')).slice(1).map((r) => r[1]!).filter((n) => n !== '')
    expect(names).toEqual(
      cliJson<{ profiles: ProfileWithInteractions[] }>(['profiles', '--db', file, '--sort', 'username', '--order', 'asc', '--limit', '10000'])
        .profiles.map((p) => p.username)
        .filter((n) => n !== ''),
    )

    const run = seed.scrapingSessions.find((s) => s.profileIds.length > 0)!
    const qualified = cliJson<{ profiles: unknown[] }>(['scraping', String(run.scrapingId), '--db', file, '--qualified', '--limit', '10000'])
    const qdest = path.join(dir, 'qualified.csv')
    const q = cliJson<{ rows: number }>(['export', 'scrapedProfiles', qdest, '--db', file, '--scraping', String(run.scrapingId), '--qualified'])
    expect(q.rows).toBe(qualified.profiles.length)
    expect(q.rows).toBeLessThanOrEqual(run.profileIds.length)
  })
})

describe('wide characters', () => {
  it('columns stay aligned with emoji, CJK and combining marks (display width, not .length)', () => {
    const wide = tempDb()
    copyFileSync(file, wide)
    const names = ['東京カフェ', 'cafe\u0301 ☕', '👩🏽‍💻 dev', '🇫🇷 paris', 'ｆｕｌｌｗｉｄｔｈ', '한국어 이름', '❤️ love']
    pyExec(
      `import sqlite3,sys,json
c=sqlite3.connect(sys.argv[1])
ids=[r[0] for r in c.execute('SELECT DISTINCT profile_id FROM interaction_history WHERE account_id=${alice} ORDER BY profile_id LIMIT ${names.length}')]
for pid,name in zip(ids, json.loads(${JSON.stringify(JSON.stringify(names))})):
    c.execute('UPDATE instagram_profiles SET full_name=?, username=? WHERE profile_id=?', (name, name.replace(' ','_'), pid))
c.commit()`,
      wide,
    )
    const r = cli(['profiles', '--db', wide, '--limit', '10000', '--sort', 'profileId'])
    expect(r.status, r.stderr).toBe(0)
    const lines = r.stdout.trimEnd().split('\n').slice(1)
    for (const n of names) expect(r.stdout).toContain(n)
    // The rule under the header gives each column's span, in terminal cells.
    const rule = lines[1]!
    const spans = [...rule.matchAll(/-+/g)].map((m) => [m.index!, m.index! + m[0].length] as const)
    /** The text of a line in terminal cells [from, to). */
    const cells = (line: string, from: number, to: number) => {
      let at = 0
      let text = ''
      for (const { segment } of new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(line)) {
        const w = stringWidth(segment)
        if (at >= from && at + w <= to) text += segment
        at += w
      }
      return text
    }
    for (const line of [lines[0]!, ...lines.slice(2)]) {
      // FOLLOWERS, FOLLOWING, POSTS, INTERACTIONS are right-aligned: each ends exactly at its span's end.
      for (const k of [3, 4, 5, 6]) {
        const [from, to] = spans[k]!
        const text = cells(line, from, to)
        expect(stringWidth(text), line).toBe(to - from)
        expect(text.endsWith(' '), line).toBe(false)
        // and the two cells before the column are the gap
        expect(cells(line, from - 2, from), line).toBe('  ')
      }
    }
    expect(r.stdout).toContain('👩🏽‍💻_dev')
  })
})

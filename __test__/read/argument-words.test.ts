// Argument errors in the caller's words: every export's options, given a value of the wrong type,
// fail with INVALID_ARGUMENT naming the function and the option as it was written, what it accepts
// and what it got, never serde's wording. And since/until take what a date picker gives: a Date,
// or a date alone (a local day: since from its start, until through its end).
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type TaktikDatabase } from '../../index.js'
import { PYTHON, py, tempDb } from '../helpers'
import { method } from './common'

/** Phrases of serde and napi-rs that must never reach a caller. */
const SERDE = /invalid type|invalid value|untagged enum|did not match|expected f64|expected i64|expected u\d|expected a sequence|expected a string|expected a boolean|unknown field|missing field|expected struct|expected one of `|could not be deserialized|typeof /

/** Values of every JS type; each option refuses at least the object. */
const WRONG: unknown[] = ['5', 5, 1.5, true, {}, [1], ['x'], () => 1, new Date(0), new Date(Number.NaN)]

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

interface Export {
  fn: string
  /** The option keys and how a call carrying `{ [key]: value }` is made. */
  keys: string[]
  call: (db: TaktikDatabase, o: Record<string, unknown>) => unknown
  /** How the message names the key (default: the key itself). */
  field?: (key: string) => string
  /** Keys always present (a required one), overridden by the swept key. */
  base?: Record<string, unknown>
}

const PAGE = ['limit', 'offset', 'after']
const SESSION = [...PAGE, 'status', 'since', 'until']
const INTERACTION = [...PAGE, 'type', 'sessionId', 'profileId', 'since', 'until']
const PROFILE = [...PAGE, 'search', 'sortBy', 'order', 'since', 'until', 'minFollowers', 'maxFollowers', 'isPrivate', 'isVerified', 'isBusiness']
const ACTIVITY = ['groupBy', 'accountId', 'from', 'to', 'type']

function exportsOf(dir: string): Export[] {
  const read = (fn: string, keys: string[], id?: number): Export => ({
    fn,
    keys,
    call: (db, o) => method(db, `${fn}Sync`)(...(id === undefined ? [o] : [id, o])),
  })
  return [
    ...['getSessions', 'countSessions', 'getTikTokSessions', 'countTikTokSessions'].map((f) => read(f, SESSION, 1)),
    ...['getInteractions', 'countInteractions', 'getTikTokInteractions', 'countTikTokInteractions'].map((f) => read(f, INTERACTION, 1)),
    ...['getProfiles', 'countProfiles'].map((f) => read(f, PROFILE, 1)),
    read('getFilteredProfiles', PAGE, 1),
    read('getTikTokFilteredProfiles', PAGE, 1),
    read('getPosts', [...PAGE, 'profileId', 'accountId', 'status']),
    read('getScrapingSessions', [...PAGE, 'status', 'scrapingType']),
    read('getScrapedProfiles', [...PAGE, 'minScore', 'qualifiedOnly'], 1),
    read('getScrapedComments', [...PAGE, 'scrapingSessionId', 'username', 'targetUsername']),
    read('getProcessedHashtagPosts', [...PAGE, 'hashtag'], 1),
    read('getDiscoveredProfiles', [...PAGE, 'status', 'minScore'], 1),
    read('getTikTokProfiles', [...PAGE, 'search']),
    read('getActivity', ACTIVITY),
    read('getTikTokActivity', ACTIVITY),
    { ...read('getDailyStats', ['from', 'to'], 1), base: { from: '2026-01-01', to: '2026-01-02' } },
    { ...read('getTikTokDailyStats', ['from', 'to'], 1), base: { from: '2026-01-01', to: '2026-01-02' } },
    { fn: 'deleteSession', keys: ['withInteractions'], call: (db, o) => db.deleteSessionSync(999, o as never) },
    { fn: 'integrityCheck', keys: ['quick'], call: (db, o) => db.integrityCheckSync(o as never) },
    { fn: 'pruneHistory', keys: ['olderThanDays', 'dryRun'], base: { olderThanDays: 3650, dryRun: true }, call: (db, o) => db.pruneHistorySync(o as never) },
    {
      fn: 'createDiscoveryCampaign',
      keys: ['name', 'accountId', 'nicheKeywords', 'targetHashtags', 'targetAccounts', 'targetPostUrls', 'status'],
      base: { name: 'n' },
      call: (db, o) => db.createDiscoveryCampaignSync(o as never),
    },
    {
      fn: 'updateDiscoveryCampaign',
      keys: ['name', 'accountId', 'nicheKeywords', 'targetHashtags', 'targetAccounts', 'targetPostUrls', 'status'],
      call: (db, o) => db.updateDiscoveryCampaignSync(999, o as never),
    },
    {
      fn: 'backup',
      keys: ['overwrite', 'onProgress'],
      call: (db, o) => db.backupSync(path.join(dir, `backup-${Math.random()}.db`), o as never),
    },
    {
      fn: 'exportCsv',
      keys: ['search', 'sortBy', 'order', 'since', 'until', 'minFollowers', 'isPrivate', 'bom', 'overwrite'],
      base: { accountId: 1 },
      field: (k) => `filters.${k}`,
      call: (db, o) => db.exportCsvSync('profiles', path.join(dir, `export-${Math.random()}.csv`), o as never),
    },
    {
      fn: 'watch',
      keys: ['intervalMs', 'tables'],
      call: (db, o) => db.watch(() => {}, o as never).close(),
    },
    {
      fn: 'openDatabase',
      // (not `path`: a string is a path, opened)
      keys: ['readonly', 'busyTimeoutMs', 'walLimitBytes', 'layout', 'fileMustExist'],
      call: (db, o) => openDatabase({ path: db.path, ...o } as never).close(),
    },
  ]
}

function failure(f: () => unknown): { code?: string; message: string } | null {
  try {
    f()
    return null
  } catch (e) {
    return e as { code?: string; message: string }
  }
}

describe('argument errors in the caller\'s words', () => {
  let db: TaktikDatabase
  let file: string

  beforeAll(() => {
    file = tempDb()
    db = openDatabase({ path: file })
  })
  afterAll(() => db?.close())

  it('every option of every export, given a wrong type, names the function, the option, what it takes and what it got', () => {
    const dir = path.dirname(file)
    for (const ex of exportsOf(dir)) {
      for (const key of ex.keys) {
        const named = new RegExp(`^${escape(ex.fn)}: ${escape((ex.field ?? ((k) => k))(key))} `)
        let refused = 0
        for (const value of WRONG) {
          const label = `${ex.fn} { ${key}: ${typeof value === 'function' ? 'function' : value instanceof Date ? `Date(${value.getTime()})` : JSON.stringify(value)} }`
          const e = failure(() => ex.call(db, { ...ex.base, [key]: value }))
          if (e === null || e.code !== 'INVALID_ARGUMENT') continue // accepted (or refused by the file, not the argument)
          refused++
          expect(e.message, label).toMatch(named)
          expect(e.message, label).not.toMatch(SERDE)
        }
        expect(refused, `${ex.fn} ${key}: refused no value`).toBeGreaterThan(0)
      }
      // An unknown key is named too, with the options there are.
      const e = failure(() => ex.call(db, { ...ex.base, limt: 5 }))
      expect(e?.code, `${ex.fn} { limt }`).toBe('INVALID_ARGUMENT')
      expect(e?.message, `${ex.fn} { limt }`).toMatch(new RegExp(`^${escape(ex.fn)}: ${escape((ex.field ?? ((k) => k))('limt'))} `))
      expect(e?.message).not.toMatch(SERDE)
    }
  })

  it('says it as the issue asks', async () => {
    expect(failure(() => db.getSessionsSync(1, { limit: '5' as never }))?.message)
      .toBe('getSessions: limit must be an integer from 0 to 10000, got the string "5"')
    await expect(db.getSessions(1, { limit: '5' as never })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'getSessions: limit must be an integer from 0 to 10000, got the string "5"',
    })
    expect(failure(() => db.watch(() => {}, { tables: 'sessions' as never }))?.message)
      .toBe('watch: tables must be an array of strings, got the string "sessions"')
    expect(failure(() => db.getSessionsSync(1, { since: {} as never }))?.message)
      .toBe('getSessions: since must be an ISO-8601 timestamp, a YYYY-MM-DD date, Unix milliseconds or a Date, got an object')
    expect(failure(() => db.getSessionsSync(1, { until: new Date(Number.NaN) }))?.message)
      .toBe('getSessions: until must be an ISO-8601 timestamp, a YYYY-MM-DD date, Unix milliseconds or a Date, got an Invalid Date')
    expect(failure(() => db.getInteractionsSync(1, { type: 5 as never }))?.message)
      .toBe('getInteractions: type must be a string or an array of strings, got 5')
    expect(failure(() => db.getProfilesSync(1, { isPrivate: 'yes' as never }))?.message)
      .toBe('getProfiles: isPrivate must be true or false, got the string "yes"')
    expect(failure(() => openDatabase({ path: 5 } as never))?.message).toBe('openDatabase: path must be a string, got 5')
    expect(failure(() => db.getSessionsSync(1, { LIMIT: 5 } as never))?.message)
      .toBe('getSessions: LIMIT is not an option (the options are limit, offset, after, status, since, until)')
    // The arguments outside an options object name the function and what they got too.
    expect(failure(() => db.checkpointSync('soon' as never))?.message)
      .toBe('checkpoint: mode must be one of PASSIVE, FULL, RESTART, TRUNCATE, got "soon"')
    expect(failure(() => db.backupSync(''))?.message).toBe('backup: destPath must be a non-empty path without NUL, got ""')
    expect(failure(() => db.live('nope' as never, [], () => {}))?.message).toMatch(/^live: name: "nope" is not a read method of TaktikDatabase \(getAccounts, /)
    expect(failure(() => db.live(5 as never, [], () => {}))?.message).toBe('live: name must be the name of a read method, like "getDailyStats", got 5')
    expect(failure(() => db.live('getSessions', 1 as never, () => {}))?.message)
      .toBe("live: args must be an array of getSessions's arguments, like [accountId, 30], got 1")
    // The async call options too.
    const later = (f: () => Promise<unknown>) => Promise.resolve().then(f)
    await expect(later(() => db.getSessions(1, {}, { timeoutMs: '5' as never }))).rejects.toMatchObject({ message: /^getSessions: timeoutMs must be .*, got the string "5"$/ })
    await expect(later(() => db.getSessions(1, {}, { timout: 5 } as never))).rejects.toMatchObject({ message: /^getSessions: timout is not an option/ })
  })

  it('a Date works wherever an instant does, both forms', async () => {
    for (const [name, args] of [
      ['getSessions', [1]], ['countSessions', [1]], ['getInteractions', [1]], ['countInteractions', [null]],
      ['getProfiles', [1]], ['countProfiles', [1]], ['getTikTokSessions', [1]], ['getTikTokInteractions', [1]],
    ] as [string, unknown[]][]) {
      const o = { since: new Date(2020, 0, 1), until: new Date() }
      const sync = method(db, `${name}Sync`)(...args, o)
      await expect(method(db, name)(...args, o) as Promise<unknown>).resolves.toStrictEqual(sync)
    }
  })
})

describe('since / until: a Date, or a local day from its start through its end', () => {
  let db: TaktikDatabase
  let file: string
  let account: number
  /** Naive local times (Python's isoformat()), each a session and an interaction. */
  const TIMES = [
    '2026-03-09T23:59:59.999', // the day before: out
    '2026-03-10T00:00:00', //     the day's first instant: in
    '2026-03-10T12:00:00', //     in
    '2026-03-10T23:59:59.999', // the day's last millisecond: in
    '2026-03-11T00:00:00', //     the next day's midnight: out
  ]
  const IN_DAY = TIMES.slice(1, 4)

  beforeAll(() => {
    file = tempDb()
    py(['bootstrap', file])
    const out = execFileSync(PYTHON, ['-c', String.raw`
import json, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
times = json.loads(sys.argv[2])
account = conn.execute("INSERT INTO instagram_accounts (username) VALUES ('edges')").lastrowid
profile = conn.execute("INSERT INTO instagram_profiles (username) VALUES ('edge_profile')").lastrowid
for t in times:
    s = conn.execute("INSERT INTO sessions (account_id, session_name, target_type, target, start_time) VALUES (?, ?, 'HASHTAG', 'x', ?)", (account, t, t)).lastrowid
    conn.execute("INSERT INTO interaction_history (session_id, account_id, profile_id, interaction_type, interaction_time) VALUES (?, ?, ?, 'LIKE', ?)", (s, account, profile, t))
conn.commit()
print(account)
`, file, JSON.stringify(TIMES)], { encoding: 'utf8' })
    account = Number(out.trim())
    db = openDatabase({ path: file, readonly: true })
  })
  afterAll(() => db?.close())

  const names = (rows: readonly { sessionName: string | null }[]) => rows.map((r) => r.sessionName).sort()
  const localMs = (t: string) => new Date(t).getTime() // no zone: JS reads it as local time too

  it('a date alone: since from the local midnight, until through the last millisecond before the next', async () => {
    const day = { since: '2026-03-10', until: '2026-03-10' }
    expect(names(db.getSessionsSync(account, day))).toEqual(IN_DAY)
    expect(names(await db.getSessions(account, day))).toEqual(IN_DAY)
    expect(db.countSessionsSync(account, day)).toBe(3)
    expect(db.getInteractionsSync(account, day).map((i) => i.interactionTime)).toEqual(
      [...IN_DAY].reverse().map((t) => new Date(localMs(t)).toISOString()),
    )
    expect(db.countInteractionsSync(account, day)).toBe(3)
    expect(db.getProfilesSync(account, day)[0]?.interactionCount).toBe(3)
    expect(db.countSessionsSync(account, { since: '2026-03-11' })).toBe(1)
    expect(db.countSessionsSync(account, { until: '2026-03-09' })).toBe(1)
    expect(db.countSessionsSync(account, { since: '2026-03-10' })).toBe(4)
    expect(db.countSessionsSync(account, { until: '2026-03-10' })).toBe(4)
  })

  it('a Date is its instant: the day\'s edges by the millisecond', () => {
    const at = (t: string) => new Date(localMs(t))
    expect(db.countSessionsSync(account, { since: at(TIMES[1]!), until: at(TIMES[3]!) })).toBe(3)
    expect(db.countSessionsSync(account, { since: new Date(2026, 2, 10), until: new Date(2026, 2, 11) })).toBe(4)
    expect(db.countSessionsSync(account, { since: new Date(localMs(TIMES[3]!) + 1) })).toBe(1)
    expect(db.countInteractionsSync(account, { until: new Date(localMs(TIMES[0]!)) })).toBe(1)
  })

  it('a date that is not a date is refused, naming the option', () => {
    for (const bad of ['2026-02-30', '2026-3-10', '10/03/2026', '']) {
      expect(failure(() => db.getSessionsSync(account, { since: bad }))?.message, bad).toMatch(/^getSessions: since must be .*, got the string /)
    }
  })
})

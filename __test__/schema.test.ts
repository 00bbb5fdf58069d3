// Schema bootstrap and migration: the addon must create exactly the schema the
// Python bot creates (shared/python-side/schema.json), plus only its own declared
// indexes, migrate an older bot's file the way Python does, stay idempotent, and
// never break or race the Python side.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../index.js'
import { FIXTURE, PYTHON, ROOT, SCHEMA_JSON, py, sha256, spawnPy, tempDb, waitForStderr } from './helpers'

// ---------------------------------------------------------------------------
// schema.json and the addon's declared extra indexes
// ---------------------------------------------------------------------------

type ColumnSpec = [name: string, type: string, notNull: boolean, dflt: string | null, pk: number]
type ForeignKeySpec = [column: string, references: string, onDelete: string]
type IndexSpec = [name: string | null, unique: boolean, columns: string[]]
interface TableSpec {
  columns: ColumnSpec[]
  foreign_keys: ForeignKeySpec[]
  indexes: IndexSpec[]
}

const SCHEMA = (JSON.parse(readFileSync(SCHEMA_JSON, 'utf8')) as { tables: Record<string, TableSpec> }).tables
const TABLE_NAMES = Object.keys(SCHEMA).sort()

interface AddonIndex {
  name: string
  table: string
  columns: string[]
}

/** ADDON_INDEXES as declared in src/db/schema.rs (read, never edited). */
function addonIndexes(): AddonIndex[] {
  const src = readFileSync(path.join(ROOT, 'src', 'db', 'schema.rs'), 'utf8')
  const start = src.indexOf('pub const ADDON_INDEXES')
  expect(start, 'ADDON_INDEXES in src/db/schema.rs').toBeGreaterThanOrEqual(0)
  const block = src.slice(start, src.indexOf('];', start))
  const out: AddonIndex[] = []
  for (const m of block.matchAll(/\(\s*"([^"]+)"\s*,\s*"([^"]+)"\s*,\s*"([^"]+)"\s*,?\s*\)/g)) {
    out.push({ name: m[1]!, table: m[2]!, columns: m[3]!.split(',').map((c) => c.trim()) })
  }
  return out
}
const ADDON_INDEXES = addonIndexes()

/** Columns older bots' files lack (README "Columns that older files lack"). */
const MIGRATED_COLUMNS: Record<string, string[]> = {
  scraped_comments: ['scraping_session_id', 'profile_id', 'target_username', 'is_reply'],
  instagram_profiles: ['is_verified', 'is_business', 'business_category', 'website', 'linked_accounts'],
  scraping_sessions: ['discovery_campaign_id'],
  scraped_profiles: ['ai_score', 'ai_qualified', 'ai_analysis', 'qualification_criteria', 'scored_at'],
}
const MIGRATION_INDEXES = [
  'idx_scraped_comments_session',
  'idx_scraped_comments_username',
  'idx_scraped_comments_target',
  'idx_scraped_profiles_qualified',
  'idx_scraped_profiles_score',
]

// ---------------------------------------------------------------------------
// Reading a file's catalog with python3's stdlib sqlite3
// ---------------------------------------------------------------------------

const INSPECT = String.raw`
import json, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=30.0)
q = lambda sql: conn.execute(sql).fetchall()
out = {"journal_mode": q("PRAGMA journal_mode")[0][0], "tables": {},
       "master": [list(r) for r in q("SELECT type, name, tbl_name FROM sqlite_master ORDER BY type, name")]}
for (name,) in q("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
    qn = name.replace('"', '""')
    cols = [[r[1], r[2], bool(r[3]), r[4], r[5]] for r in q(f'PRAGMA table_info("{qn}")')]
    fks = [[r[3], "%s(%s)" % (r[2], r[4]), r[6]] for r in q(f'PRAGMA foreign_key_list("{qn}")')]
    idx = []
    for r in q(f'PRAGMA index_list("{qn}")'):
        iq = r[1].replace('"', '""')
        idx.append({"name": r[1], "unique": bool(r[2]), "origin": r[3], "partial": bool(r[4]),
                    "columns": [x[2] for x in q(f'PRAGMA index_info("{iq}")')]})
    out["tables"][name] = {"columns": cols, "foreign_keys": fks, "indexes": idx}
conn.close()
print(json.dumps(out))
`

interface IndexInfo {
  name: string
  unique: boolean
  origin: string
  partial: boolean
  columns: string[]
}
interface TableInfo {
  columns: ColumnSpec[]
  foreign_keys: ForeignKeySpec[]
  indexes: IndexInfo[]
}
interface Catalog {
  journal_mode: string
  tables: Record<string, TableInfo>
  master: [type: string, name: string, table: string][]
}

function inspect(file: string): Catalog {
  const out = execFileSync(PYTHON, ['-c', INSPECT, file], { encoding: 'utf8' })
  return JSON.parse(out) as Catalog
}

/** Indexes as comparable keys: `[name, unique, columns]`, name null for automatic UNIQUE indexes. */
function indexKeys(t: TableInfo): string[] {
  return t.indexes
    .map((i) => JSON.stringify([i.origin === 'c' ? i.name : null, i.unique, i.columns, i.partial]))
    .sort()
}
function specIndexKeys(t: TableSpec): string[] {
  return t.indexes.map(([n, u, c]) => JSON.stringify([n, u, c, false])).sort()
}
function addonIndexKeys(table: string): string[] {
  return ADDON_INDEXES.filter((a) => a.table === table)
    .map((a) => JSON.stringify([a.name, false, a.columns, false]))
    .sort()
}

interface Expect {
  /** Whether the addon's extra indexes must be there (true) or absent (false). */
  addonIndexes: boolean
  /** Columns / FKs of migrated tables compared by name (ADD COLUMN appends), not by position. */
  migrated?: boolean
}

/** Asserts that a file's catalog is schema.json (+ the addon's declared indexes). */
function expectSchema(cat: Catalog, opts: Expect): void {
  expect(cat.journal_mode).toBe('wal')
  const tables = Object.keys(cat.tables).sort()
  expect(tables.filter((t) => t !== 'sqlite_sequence')).toEqual(TABLE_NAMES)
  expect(tables).toContain('sqlite_sequence')
  // Nothing but tables and indexes (no views, no triggers).
  expect(cat.master.filter(([type]) => type !== 'table' && type !== 'index')).toEqual([])

  for (const name of TABLE_NAMES) {
    const spec = SCHEMA[name]!
    const actual = cat.tables[name]!
    const migratedCols = opts.migrated ? MIGRATED_COLUMNS[name] : undefined
    if (migratedCols) {
      // Same columns with the same definitions; ADD COLUMN puts them last.
      const byName = (cols: ColumnSpec[]) => [...cols].sort((a, b) => a[0].localeCompare(b[0]))
      expect(byName(actual.columns), `${name} columns`).toEqual(byName(spec.columns))
      expect(actual.columns.map((c) => c[0]), `${name} column order`).toEqual([
        ...spec.columns.map((c) => c[0]).filter((c) => !migratedCols.includes(c)),
        ...migratedCols,
      ])
      const sortFk = (fks: ForeignKeySpec[]) => fks.map((f) => JSON.stringify(f)).sort()
      expect(sortFk(actual.foreign_keys), `${name} foreign keys`).toEqual(sortFk(spec.foreign_keys))
    } else {
      expect(actual.columns, `${name} columns`).toEqual(spec.columns)
      expect(actual.foreign_keys, `${name} foreign keys`).toEqual(spec.foreign_keys)
    }
    const want = specIndexKeys(spec)
    const got = indexKeys(actual)
    const missing = want.filter((k) => !got.includes(k))
    expect(missing, `${name}: indexes missing`).toEqual([])
    // Multiset difference: a duplicated index shows up as an extra.
    const extra = [...got]
    for (const k of want) extra.splice(extra.indexOf(k), 1)
    expect(extra, `${name}: extra indexes`).toEqual(opts.addonIndexes ? addonIndexKeys(name) : [])
  }
}

// ---------------------------------------------------------------------------
// Small process helpers
// ---------------------------------------------------------------------------

interface ExitInfo {
  code: number | null
  stdout: string
  stderr: string
}

/** Resolves when the child has exited AND its stdio is drained ('close', not 'exit'). */
function collect(child: ChildProcess): Promise<ExitInfo> {
  return new Promise((resolve, reject) => {
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

function lastJson<T>(s: string): T {
  const lines = s.trim().split('\n')
  return JSON.parse(lines[lines.length - 1] ?? 'null') as T
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** openDatabase + close in a separate Node process (so it truly overlaps Python). */
function spawnAddonOpen(file: string): ChildProcess {
  const script = `
    const { openDatabase } = require(${JSON.stringify(path.join(ROOT, 'index.js'))});
    try {
      const db = openDatabase({ path: process.argv[1] });
      const n = db.getAccountsSync().length;
      db.close();
      process.stdout.write(JSON.stringify({ ok: true, accounts: n }) + '\\n');
    } catch (e) {
      process.stderr.write('addon: ' + (e && e.code) + ': ' + (e && e.message) + '\\n');
      process.exit(1);
    }`
  return spawn(process.execPath, ['-e', script, file], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] })
}

interface BootstrapOut {
  ok: boolean
  old: boolean
  addedColumns: string[]
  tables: string[]
}
interface OldOut {
  ok: boolean
  old: true
  accountId: number
  username: string
  profileId: number
  profileUsername: string
  commenterProfileId: number
  sessionId: number
  interactionId: number
  scrapingId: number
  scrapedProfileId: number
  commentId: number
  today: string
  missingColumns: Record<string, string[]>
  missingIndexes: string[]
}

// ---------------------------------------------------------------------------

describe('the addon declares its extra indexes', () => {
  it('ADDON_INDEXES is non-empty and every name is in the idx_taktikdb_ namespace', () => {
    expect(ADDON_INDEXES.length).toBeGreaterThan(0)
    for (const a of ADDON_INDEXES) {
      expect(a.name).toMatch(/^idx_taktikdb_/)
      expect(SCHEMA[a.table], `${a.name} is on a known table`).toBeDefined()
      const cols = SCHEMA[a.table]!.columns.map((c) => c[0])
      for (const c of a.columns) expect(cols).toContain(c)
      // Python never names them.
      expect(Object.values(SCHEMA).flatMap((t) => t.indexes.map((i) => i[0]))).not.toContain(a.name)
    }
  })
})

describe('(a) schema parity on a fresh file', () => {
  it('openDatabase creates the file with exactly the schema.json schema (+ addon indexes), in WAL', () => {
    const file = tempDb()
    expect(existsSync(file)).toBe(false)
    const db = openDatabase({ path: file })
    try {
      expect(existsSync(file)).toBe(true)
      expect(db.isOpen).toBe(true)
      expect(db.readonly).toBe(false)
      // Inspect while the addon still holds the file, and again after close.
      expectSchema(inspect(file), { addonIndexes: true })
    } finally {
      db.close()
    }
    expectSchema(inspect(file), { addonIndexes: true })
  })

  it('creates missing parent directories', () => {
    const file = path.join(path.dirname(tempDb()), 'a', 'b', 'taktik-data.db')
    openDatabase({ path: file }).close()
    expectSchema(inspect(file), { addonIndexes: true })
  })

  it('matches, table for table, what the Python fixture bootstraps (apart from the addon indexes)', () => {
    const ours = tempDb()
    const theirs = tempDb()
    openDatabase({ path: ours }).close()
    py<BootstrapOut>(['bootstrap', theirs])
    const a = inspect(ours)
    const b = inspect(theirs)
    expectSchema(b, { addonIndexes: false })
    for (const t of TABLE_NAMES) {
      expect(a.tables[t]!.columns).toEqual(b.tables[t]!.columns)
      expect(a.tables[t]!.foreign_keys).toEqual(b.tables[t]!.foreign_keys)
    }
  })
})

describe('(b) idempotent bootstrap', () => {
  it('open/close the same file 3 times: schema unchanged, nothing duplicated', () => {
    const file = tempDb()
    openDatabase({ path: file }).close()
    const first = inspect(file)
    expectSchema(first, { addonIndexes: true })
    for (let i = 0; i < 3; i++) {
      const db = openDatabase({ path: file })
      expect(db.getAccountsSync()).toEqual([])
      db.close()
      const again = inspect(file)
      expect(again).toEqual(first)
      expectSchema(again, { addonIndexes: true })
    }
    // sqlite_master has no duplicate names at all.
    const names = first.master.map(([, n]) => n)
    expect(new Set(names).size).toBe(names.length)
  })

  it('a file the Python fixture bootstrapped keeps Python\'s schema as is, plus only the addon indexes', () => {
    const file = tempDb()
    const out = py<BootstrapOut>(['bootstrap', file])
    expect(out.ok).toBe(true)
    const before = inspect(file)
    expectSchema(before, { addonIndexes: false })

    for (let i = 0; i < 2; i++) openDatabase({ path: file }).close()
    const after = inspect(file)
    expectSchema(after, { addonIndexes: true })
    for (const t of TABLE_NAMES) {
      expect(after.tables[t]!.columns).toEqual(before.tables[t]!.columns)
      expect(after.tables[t]!.foreign_keys).toEqual(before.tables[t]!.foreign_keys)
      const added = indexKeys(after.tables[t]!).filter((k) => !indexKeys(before.tables[t]!).includes(k))
      expect(added).toEqual(addonIndexKeys(t))
    }
    const addedObjects = after.master.filter(
      ([type, name]) => !before.master.some(([t2, n2]) => t2 === type && n2 === name),
    )
    expect(addedObjects.map(([type, name]) => `${type}:${name}`).sort()).toEqual(
      ADDON_INDEXES.map((a) => `index:${a.name}`).sort(),
    )

    // And Python still starts fine on it, changing nothing.
    const again = py<BootstrapOut>(['bootstrap', file])
    expect(again.ok).toBe(true)
    expect(again.addedColumns).toEqual([])
    expect(inspect(file)).toEqual(after)
  })

  it('a readonly open never creates a file and never adds the addon indexes', () => {
    const missing = tempDb()
    expect(() => openDatabase({ path: missing, readonly: true })).toThrow()
    expect(existsSync(missing)).toBe(false)

    const file = tempDb()
    py<BootstrapOut>(['bootstrap', file])
    const before = inspect(file)
    const db = openDatabase({ path: file, readonly: true })
    expect(db.readonly).toBe(true)
    expect(db.getAccountsSync()).toEqual([])
    db.close()
    expect(inspect(file)).toEqual(before)
  })
})

describe('(c) an older bot\'s file', () => {
  it('a writable open migrates it: columns with schema.json definitions, the 5 migration indexes', () => {
    const file = tempDb()
    const old = py<OldOut>(['bootstrap', file, '--old'])
    expect(old.old).toBe(true)
    const before = inspect(file)
    for (const [table, cols] of Object.entries(MIGRATED_COLUMNS)) {
      const have = before.tables[table]!.columns.map((c) => c[0])
      for (const c of cols) expect(have, `old file lacks ${table}.${c}`).not.toContain(c)
    }
    const beforeIndexNames = before.master.filter(([t]) => t === 'index').map(([, n]) => n)
    for (const i of MIGRATION_INDEXES) expect(beforeIndexNames).not.toContain(i)

    openDatabase({ path: file }).close()
    const after = inspect(file)
    expectSchema(after, { addonIndexes: true, migrated: true })

    for (const [table, cols] of Object.entries(MIGRATED_COLUMNS)) {
      for (const c of cols) {
        const got = after.tables[table]!.columns.find((x) => x[0] === c)
        const want = SCHEMA[table]!.columns.find((x) => x[0] === c)
        expect(want, `${table}.${c} in schema.json`).toBeDefined()
        expect(got, `${table}.${c} after migration`).toEqual(want)
      }
    }
    const afterIndexes = Object.entries(after.tables).flatMap(([t, info]) =>
      info.indexes.filter((i) => i.origin === 'c').map((i) => ({ table: t, ...i })),
    )
    for (const name of MIGRATION_INDEXES) {
      const found = afterIndexes.filter((i) => i.name === name)
      expect(found, name).toHaveLength(1)
      const spec = Object.entries(SCHEMA)
        .flatMap(([t, s]) => s.indexes.map((i) => ({ table: t, i })))
        .find((x) => x.i[0] === name)!
      expect(found[0]!.table).toBe(spec.table)
      expect(found[0]!.columns).toEqual(spec.i[2])
      expect(found[0]!.unique).toBe(spec.i[1])
    }
  })

  it('the addon migrates exactly like Python does (same catalog, plus the addon indexes)', () => {
    const byAddon = tempDb()
    const byPython = tempDb()
    py<OldOut>(['bootstrap', byAddon, '--old'])
    py<OldOut>(['bootstrap', byPython, '--old'])
    openDatabase({ path: byAddon }).close()
    const migrated = py<BootstrapOut>(['bootstrap', byPython])
    expect(migrated.addedColumns.length).toBe(Object.values(MIGRATED_COLUMNS).flat().length)
    const a = inspect(byAddon)
    const p = inspect(byPython)
    for (const t of TABLE_NAMES) {
      expect(a.tables[t]!.columns, t).toEqual(p.tables[t]!.columns)
      expect(a.tables[t]!.foreign_keys, t).toEqual(p.tables[t]!.foreign_keys)
      const extra = indexKeys(a.tables[t]!).filter((k) => !indexKeys(p.tables[t]!).includes(k))
      expect(extra, t).toEqual(addonIndexKeys(t))
      expect(indexKeys(p.tables[t]!).filter((k) => !indexKeys(a.tables[t]!).includes(k)), t).toEqual([])
    }
  })

  it('the old rows are still there and readable through the addon', async () => {
    const file = tempDb()
    const old = py<OldOut>(['bootstrap', file, '--old'])
    const db = openDatabase({ path: file })
    try {
      const accounts = await db.getAccounts()
      expect(accounts.map((a) => [a.accountId, a.username])).toEqual([[old.accountId, 'old_bot']])

      for (const key of [old.profileId, old.profileUsername] as const) {
        const p = await db.getProfile(key)
        expect(p).not.toBeNull()
        expect(p).toMatchObject({
          profileId: old.profileId,
          username: 'old_profile',
          fullName: 'Old Profile',
          biography: 'written by an old bot',
          followersCount: 1234,
          followingCount: 321,
          postsCount: 42,
          isPrivate: false,
          // migrated columns read their DEFAULT on old rows
          isVerified: false,
          isBusiness: false,
          businessCategory: null,
          website: null,
          linkedAccounts: null,
        })
      }
      expect(db.getProfileSync(old.commenterProfileId)?.username).toBe('old_commenter')

      const s = await db.getScrapingSession(old.scrapingId)
      expect(s).toMatchObject({
        scrapingId: old.scrapingId,
        accountId: old.accountId,
        scrapingType: 'FOLLOWERS',
        sourceType: 'ACCOUNT',
        sourceName: 'old_profile',
        totalScraped: 1,
        status: 'COMPLETED',
        durationSeconds: 60,
        configUsed: { max_profiles: 50 },
        discoveryCampaignId: null,
      })
      expect(s?.endTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)

      const comments = await db.getScrapedComments()
      expect(comments).toHaveLength(1)
      expect(comments[0]).toMatchObject({
        commentId: old.commentId,
        scrapingSessionId: null,
        profileId: null,
        targetUsername: null,
        postUrl: 'https://www.instagram.com/p/OLD123/',
        username: 'old_commenter',
        content: 'nice post (old)',
        likesCount: 3,
        isReply: false,
        parentCommentId: null,
      })
      expect(db.getScrapedCommentsSync({ username: 'OLD_COMMENTER' }).map((c) => c.commentId)).toEqual([
        old.commentId,
      ])

      const scraped = await db.getScrapedProfiles(old.scrapingId)
      expect(scraped).toHaveLength(1)
      expect(scraped[0]).toMatchObject({
        id: old.scrapedProfileId,
        scrapingId: old.scrapingId,
        profileId: old.profileId,
        username: 'old_profile',
        fullName: 'Old Profile',
        followersCount: 1234,
        aiScore: null,
        aiQualified: false,
        aiAnalysis: null,
        qualificationCriteria: null,
        scoredAt: null,
      })

      const interactions = await db.getInteractions(old.accountId)
      expect(interactions.map((i) => [i.id, i.interactionType, i.username])).toEqual([
        [old.interactionId, 'LIKE', 'old_profile'],
      ])
      const sessions = await db.getSessions(old.accountId)
      expect(sessions.map((x) => [x.sessionId, x.status, x.durationSeconds])).toEqual([
        [old.sessionId, 'COMPLETED', 120],
      ])
    } finally {
      db.close()
    }
  })

  it('Python\'s bootstrap on the migrated file succeeds and adds nothing', () => {
    const file = tempDb()
    py<OldOut>(['bootstrap', file, '--old'])
    openDatabase({ path: file }).close()
    const migrated = inspect(file)
    const out = py<BootstrapOut>(['bootstrap', file])
    expect(out.ok).toBe(true)
    expect(out.addedColumns).toEqual([])
    expect(inspect(file)).toEqual(migrated)
    // And the addon again: nothing to do, nothing changes.
    openDatabase({ path: file }).close()
    expect(inspect(file)).toEqual(migrated)
  })
})

describe('(d) Python and the addon bootstrapping the same empty file at once', () => {
  // Python's interpreter start takes tens of ms; the staggered delays make some
  // rounds land in the middle of Python's table-by-table CREATEs.
  const delays = [0, 15, 30, 45, 60]

  it.each(delays)('Python first, addon (in process) %i ms later: both succeed', async (delay) => {
    const file = tempDb()
    const child = spawnPy(['bootstrap', file])
    const done = collect(child)
    if (delay > 0) await sleep(delay)
    const db = openDatabase({ path: file })
    expect(db.getAccountsSync()).toEqual([])
    db.close()
    const res = await done
    expect(res.code, res.stderr).toBe(0)
    expect(lastJson<BootstrapOut>(res.stdout).ok).toBe(true)
    expectSchema(inspect(file), { addonIndexes: true })
  })

  it.each(delays)('addon (other process) first, Python %i ms later: both succeed', async (delay) => {
    const file = tempDb()
    const addon = spawnAddonOpen(file)
    const addonDone = collect(addon)
    if (delay > 0) await sleep(delay)
    const child = spawnPy(['bootstrap', file])
    const pyDone = collect(child)
    const [a, p] = await Promise.all([addonDone, pyDone])
    expect(a.code, a.stderr).toBe(0)
    expect(lastJson<{ ok: boolean }>(a.stdout).ok).toBe(true)
    expect(p.code, p.stderr).toBe(0)
    expect(lastJson<BootstrapOut>(p.stdout).ok).toBe(true)
    expectSchema(inspect(file), { addonIndexes: true })
  })

  it('both at the very same moment from two processes, 5 rounds', async () => {
    for (let round = 0; round < 5; round++) {
      const file = tempDb()
      const first = round % 2 === 0 ? spawnAddonOpen(file) : spawnPy(['bootstrap', file])
      const second = round % 2 === 0 ? spawnPy(['bootstrap', file]) : spawnAddonOpen(file)
      const [a, b] = await Promise.all([collect(first), collect(second)])
      expect(a.code, a.stderr).toBe(0)
      expect(b.code, b.stderr).toBe(0)
      expectSchema(inspect(file), { addonIndexes: true })
    }
  })

  it('a file caught with only its first, generic tables is waited for, not refused as another app\'s', async () => {
    // The bot's first start creates its tables one statement at a time; `daily_stats` alone is a
    // name other applications use too. The addon looks again while the schema is still moving.
    const file = tempDb()
    // The bot's first table, then (100 ms later) the rest of them, while this process is inside openDatabase.
    const bot = `import sqlite3, subprocess, sys, time
scratch = sys.argv[3] + '.scratch'
subprocess.run([sys.executable, sys.argv[1], '--schema', sys.argv[2], 'bootstrap', scratch], check=True, stdout=subprocess.DEVNULL)
ddl = sqlite3.connect(scratch).execute("SELECT sql FROM sqlite_master WHERE name = 'daily_stats'").fetchone()[0]
sqlite3.connect(sys.argv[3]).execute(ddl)
sys.stderr.write("READY\\n"); sys.stderr.flush()
time.sleep(0.1)
subprocess.run([sys.executable, sys.argv[1], '--schema', sys.argv[2], 'bootstrap', sys.argv[3]], check=True, stdout=subprocess.DEVNULL)`
    const child = spawn(PYTHON, ['-c', bot, FIXTURE, SCHEMA_JSON, file], { stdio: ['ignore', 'pipe', 'pipe'] })
    const boot = collect(child)
    await waitForStderr(child, 'READY')
    const db = openDatabase({ path: file })
    expect(db.layout).toBe('legacy')
    db.close()
    expect((await boot).code).toBe(0)

    // The same name with other columns is another application's: refused.
    const other = tempDb()
    execFileSync(PYTHON, ['-c', 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("CREATE TABLE daily_stats (id INTEGER PRIMARY KEY)")', other])
    expect(() => openDatabase({ path: other })).toThrow(expect.objectContaining({ code: 'NOT_A_TAKTIK_DATABASE' }))
  })

  it('a bot start that stopped after its first table opens as "unknown", unchanged, and becomes legacy when the bot comes back', async () => {
    const file = tempDb()
    const scratch = tempDb()
    py(['bootstrap', scratch])
    execFileSync(PYTHON, ['-c', `import sqlite3, sys
ddl = sqlite3.connect(sys.argv[1]).execute("SELECT sql FROM sqlite_master WHERE name = 'daily_stats'").fetchone()[0]
sqlite3.connect(sys.argv[2]).execute(ddl)`, scratch, file])
    const before = sha256(file)
    // Not refused: every table is the bot's. Looked at until its schema stood still, then opened as
    // it is, and not written to (no WAL, no tables).
    const db = openDatabase({ path: file })
    expect(db.layout).toBe('unknown')
    expect(sha256(file)).toBe(before)
    // The bot's next start finishes the file; the open database follows and adds its indexes.
    py(['bootstrap', file])
    expect(db.layout).toBe('legacy')
    for (let i = 0; i < 50 && !(inspect(file).tables.interaction_history?.indexes ?? []).some((x) => x.name === 'idx_taktikdb_interactions_covering'); i++) {
      await new Promise((r) => setTimeout(r, 100))
    }
    db.close()
    expectSchema(inspect(file), { addonIndexes: true })
  })

  const LOCKER = String.raw`
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], timeout=30.0, check_same_thread=False)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("PRAGMA foreign_keys=ON")
conn.isolation_level = None
conn.execute("BEGIN IMMEDIATE")
if sys.argv[2] == "insert":
    conn.execute("INSERT INTO instagram_accounts (username) VALUES ('locker')")
sys.stderr.write("LOCKED\n"); sys.stderr.flush()
time.sleep(1.0)
before_commit = int(time.time() * 1000)
conn.execute("COMMIT")
conn.close()
print(before_commit)
`

  it.each([
    { kind: 'an older bot file (needs migration)', setup: 'old', insert: true },
    { kind: 'a complete Python file (needs only the addon index)', setup: 'bootstrap', insert: true },
    { kind: 'an empty WAL file (needs everything)', setup: 'empty', insert: false },
  ] as const)(
    'addon opens $kind while Python holds a write transaction for ~1 s: it waits and succeeds',
    async ({ setup, insert }) => {
      const file = tempDb()
      if (setup === 'old') py<OldOut>(['bootstrap', file, '--old'])
      if (setup === 'bootstrap') py<BootstrapOut>(['bootstrap', file])
      const locker = spawn(PYTHON, ['-c', LOCKER, file, insert ? 'insert' : 'hold'], {
        env: process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      const lockerDone = collect(locker)
      await waitForStderr(locker, 'LOCKED')

      const db = openDatabase({ path: file }) // default busyTimeoutMs (30 s)
      const openedAt = Date.now()
      try {
        const res = await lockerDone
        expect(res.code, res.stderr).toBe(0)
        const beforeCommit = Number(res.stdout.trim())
        // The open could only finish once Python had committed (same clock, causal order).
        expect(openedAt).toBeGreaterThanOrEqual(beforeCommit)
        const names = db.getAccountsSync().map((a) => a.username)
        expect(names).toEqual(setup === 'old' ? ['old_bot', 'locker'] : insert ? ['locker'] : [])
      } finally {
        db.close()
      }
      expectSchema(inspect(file), { addonIndexes: true, migrated: setup === 'old' })
    },
  )
})

// Which file is open, and doing no harm to any of them: layout detection, the
// unified layout created exactly as the current bot creates it, another
// application's file refused untouched, fileMustExist, the async open, and
// db.supports() saying exactly what NOT_IN_THIS_FILE will say.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase, openDatabaseAsync, TaktikDatabase, type ApiTable } from '../index.js'
import { PYTHON, ROOT, UNIFIED_SCHEMA_JSON, codeOf, finished, py, rejection, sha256, spawnPy, tempDb, waitForStderr } from './helpers'

type ColumnSpec = [name: string, type: string, notNull: boolean, dflt: string | null, pk: number]
type IndexSpec = [name: string | null, unique: boolean, columns: string[]]
interface UnifiedSchema {
  tables: Record<string, { columns: ColumnSpec[]; foreign_keys: unknown[]; indexes: IndexSpec[] }>
  views: Record<string, { sql: string }>
}
const UNIFIED = JSON.parse(readFileSync(UNIFIED_SCHEMA_JSON, 'utf8')) as UnifiedSchema

/** The catalog of a file as Python's stdlib sqlite3 reads it. */
const INSPECT = String.raw`
import json, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=30.0)
q = lambda sql: conn.execute(sql).fetchall()
out = {"journal_mode": q("PRAGMA journal_mode")[0][0], "tables": {}, "views": {},
       "master": [list(r) for r in q("SELECT type, name FROM sqlite_master ORDER BY type, name")]}
for (name, sql) in q("SELECT name, sql FROM sqlite_master WHERE type = 'view'"):
    out["views"][name] = sql
for (name,) in q("SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'sqlite_sequence'"):
    qn = name.replace('"', '""')
    cols = [[r[1], r[2], bool(r[3]), r[4], r[5]] for r in q(f'PRAGMA table_info("{qn}")')]
    fks = [list(r) for r in q(f'PRAGMA foreign_key_list("{qn}")')]
    idx = []
    for r in q(f'PRAGMA index_list("{qn}")'):
        if r[3] == 'pk':
            continue
        iq = r[1].replace('"', '""')
        idx.append([r[1] if r[3] == 'c' else None, bool(r[2]), [x[2] for x in q(f'PRAGMA index_info("{iq}")')]])
    out["tables"][name] = {"columns": cols, "foreign_keys": fks, "indexes": sorted(idx, key=json.dumps)}
conn.close()
print(json.dumps(out))
`
interface Catalog {
  journal_mode: string
  tables: Record<string, { columns: ColumnSpec[]; foreign_keys: unknown[]; indexes: IndexSpec[] }>
  views: Record<string, string>
  master: [string, string][]
}
function inspect(file: string): Catalog {
  return JSON.parse(execFileSync(PYTHON, ['-c', INSPECT, file], { encoding: 'utf8' })) as Catalog
}


const rejectionCode = async (p: Promise<unknown>): Promise<string | undefined> => (await rejection(p)).code

/** A SQLite file made by Python with the given statements (another application's, say). */
function pythonFile(statements: string[], name = 'other.db'): string {
  const file = tempDb(name)
  execFileSync(PYTHON, ['-c', 'import sqlite3, sys, json\nc = sqlite3.connect(sys.argv[1])\nfor s in json.loads(sys.argv[2]): c.execute(s)\nc.commit()\nc.close()', file, JSON.stringify(statements)])
  return file
}

/** Every read method with arguments valid on any layout. */
const READS: [string, unknown[]][] = [
  ['getAccounts', []], ['getTikTokAccounts', []], ['getSessions', [1]], ['getSessionStats', [1]],
  ['getDailyStats', [1, 7]], ['getProfiles', [1]], ['countProfiles', [1]], ['getInteractions', [1]],
  ['getFilteredProfiles', [1]], ['getProfile', [1]], ['getProfileStatsHistory', [1]], ['getPosts', []],
  ['getScrapingSessions', []], ['getScrapingSession', [1]], ['getScrapedProfiles', [1]], ['getScrapedComments', []],
  ['getProcessedHashtagPosts', [1]], ['getDiscoveryCampaigns', []], ['getDiscoveryProgress', [1]],
  ['getDiscoveredProfiles', [1]], ['getTikTokSessions', [1]], ['getTikTokDailyStats', [1, 7]],
  ['getTikTokProfiles', []], ['getTikTokInteractions', [1]], ['getTikTokFilteredProfiles', [1]],
]
type Dyn = Record<string, (...a: unknown[]) => unknown>

/** Calls every read (Sync) and checks db.supports() against the outcome. Returns the unsupported ones. */
function expectSupportsMatchesReads(db: TaktikDatabase): string[] {
  const unsupported: string[] = []
  for (const [name, args] of READS) {
    const code = codeOf(() => (db as unknown as Dyn)[`${name}Sync`]!(...args))
    expect(code === 'NOT_IN_THIS_FILE', `${name}: ${code ?? 'ok'}`).toBe(!db.supports(name as never))
    expect(code === undefined || code === 'NOT_IN_THIS_FILE', `${name}: ${code}`).toBe(true)
    if (code) unsupported.push(name)
  }
  return unsupported
}

describe('a unified file, created by the addon', () => {
  it('is exactly unified/schema.json (+ the addon\'s indexes), in WAL, and says so', () => {
    const file = tempDb()
    const db = openDatabase({ path: file, layout: 'unified' })
    expect(db.layout).toBe('unified')
    // Empty, every table there: every read answers (no data), none is NOT_IN_THIS_FILE but the
    // ones the layout does not keep.
    expect(expectSupportsMatchesReads(db).sort()).toEqual(
      ['getDiscoveredProfiles', 'getDiscoveryCampaigns', 'getDiscoveryProgress', 'getPosts', 'getScrapedComments'].sort(),
    )
    expect(db.capabilities).not.toContain('posts')
    expect(db.capabilities).toContain('interactions')
    expect(db.getDatabaseInfoSync()).toMatchObject({ layout: 'unified', journalMode: 'wal' })
    db.close()

    const cat = inspect(file)
    expect(cat.journal_mode).toBe('wal')
    expect(Object.keys(cat.tables).sort()).toEqual(Object.keys(UNIFIED.tables).sort())
    for (const [name, spec] of Object.entries(UNIFIED.tables)) {
      const got = cat.tables[name]!
      expect(got.columns, `${name} columns`).toEqual(spec.columns)
      expect(got.foreign_keys, `${name} foreign keys`).toEqual([])
      const ADDON: Record<string, unknown[]> = {
        interactions: ['idx_taktikdb_unified_interactions_covering', false, ['platform', 'account_id', 'profile_id', 'interaction_time', 'interaction_type', 'success']],
        profile_stats_history: ['idx_taktikdb_profile_stats_history', false, ['profile_id', 'id']],
      }
      const addon = ADDON[name] ? [ADDON[name]] : []
      const want = [...spec.indexes, ...addon].map((i) => JSON.stringify(i)).sort()
      expect(got.indexes.map((i) => JSON.stringify(i)).sort(), `${name} indexes`).toEqual(want)
    }
    expect(Object.keys(cat.views).sort()).toEqual(Object.keys(UNIFIED.views).sort())
    for (const [name, v] of Object.entries(UNIFIED.views)) expect(cat.views[name], name).toBe(v.sql)
    expect(cat.master.filter(([type]) => type === 'trigger')).toEqual([])
  })

  it('a second open adds nothing; the layout option is ignored once the file has tables', () => {
    const file = tempDb()
    openDatabase({ path: file, layout: 'unified' }).close()
    const before = inspect(file)
    for (const layout of ['unified', 'legacy'] as const) {
      const db = openDatabase({ path: file, layout })
      expect(db.layout).toBe('unified')
      db.close()
    }
    expect(inspect(file)).toEqual(before)
    expect(codeOf(() => openDatabase({ path: tempDb(), layout: 'flat' as never }))).toBe('INVALID_ARGUMENT')
  })
})

describe('another application\'s file', () => {
  const OTHER = ['CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)', "INSERT INTO notes (body) VALUES ('keep me')", 'CREATE TABLE sessions (sid TEXT PRIMARY KEY, data TEXT)']

  it('a writable open is refused with NOT_A_TAKTIK_DATABASE and the file is byte-identical, journal mode included', async () => {
    const file = pythonFile(OTHER)
    const before = sha256(file)
    const e = (() => {
      try {
        openDatabase({ path: file })
      } catch (err) {
        return err as { code: string; message: string }
      }
      throw new Error('opened')
    })()
    expect(e.code).toBe('NOT_A_TAKTIK_DATABASE')
    expect(e.message).toContain(file)
    expect(e.message).toContain('notes')
    expect(await rejectionCode(openDatabaseAsync({ path: file }))).toBe('NOT_A_TAKTIK_DATABASE')
    expect(sha256(file)).toBe(before)
    expect(existsSync(`${file}-wal`)).toBe(false)
    expect(inspect(file).journal_mode).toBe('delete')
  })

  it('a readonly open says "foreign": every read is NOT_IN_THIS_FILE, info and supports still answer', () => {
    const file = pythonFile(OTHER)
    const before = sha256(file)
    const db = openDatabase({ path: file, readonly: true })
    expect(db.layout).toBe('foreign')
    expect(db.capabilities).toEqual([])
    expect(expectSupportsMatchesReads(db)).toHaveLength(READS.length)
    expect(db.getDatabaseInfoSync()).toMatchObject({ layout: 'foreign', capabilities: [], tables: { notes: 1, sessions: 0 } })
    expect(db.supports('watch')).toBe(true)
    expect(db.supports('deleteAccount')).toBe(false)
    db.close()
    expect(sha256(file)).toBe(before)
    // The CLI opens readonly and names the layout.
    const out = execFileSync(process.execPath, [path.join(ROOT, 'bin', 'taktik-db.mjs'), 'info', '--db', file], { encoding: 'utf8' })
    expect(out).toMatch(/^Layout: +foreign/m)
  })

  it('a file with TAKTIK tables in neither layout is "unknown": opened, never changed, nothing read', () => {
    // scraped_profiles alone: TAKTIK's name, but neither layout's core tables.
    const file = pythonFile(['CREATE TABLE scraped_profiles (id INTEGER PRIMARY KEY, scraping_id INTEGER, profile_id INTEGER)'])
    const before = sha256(file)
    const db = openDatabase({ path: file })
    expect(db.layout).toBe('unknown')
    expect(expectSupportsMatchesReads(db)).toHaveLength(READS.length)
    expect(codeOf(() => db.updateProfileNotesSync(1, 'x'))).toBe('NOT_IN_THIS_FILE')
    expect(db.pruneHistorySync({ olderThanDays: 1 }).changes).toBe(0)
    db.close()
    expect(sha256(file)).toBe(before)
    expect(inspect(file).journal_mode).toBe('delete')
  })
})

describe('opening', () => {
  it('fileMustExist: a missing file fails with SQLITE_CANTOPEN and nothing is created', async () => {
    const file = tempDb()
    expect(codeOf(() => openDatabase({ path: file, fileMustExist: true }))).toBe('SQLITE_CANTOPEN')
    expect(await rejectionCode(openDatabaseAsync({ path: file, fileMustExist: true }))).toBe('SQLITE_CANTOPEN')
    expect(existsSync(file)).toBe(false)
    openDatabase({ path: file }).close()
    const db = openDatabase({ path: file, fileMustExist: true })
    expect(db.layout).toBe('legacy')
    db.close()
  })

  it('openDatabaseAsync resolves to the same kind of database, and rejects (never throws) bad options', async () => {
    const file = tempDb()
    const db = await openDatabaseAsync({ path: file, layout: 'unified' })
    expect(db).toBeInstanceOf(TaktikDatabase)
    expect(db.layout).toBe('unified')
    expect(await db.getAccounts()).toEqual([])
    db.close()
    let threw = false
    let p: Promise<unknown> | undefined
    try {
      p = openDatabaseAsync({ path: file, bogus: 1 } as never)
    } catch {
      threw = true
    }
    expect(threw).toBe(false)
    expect(await rejectionCode(p!)).toBe('INVALID_ARGUMENT')
    expect(await rejectionCode(openDatabaseAsync(5 as never))).toBe('INVALID_ARGUMENT')
    expect(await rejectionCode(openDatabaseAsync({ path: path.join(file, 'under-a-file.db') }))).toBe('SQLITE_CANTOPEN')
  })

  it.each(['legacy', 'unified'] as const)('openDatabaseAsync waits out the bot\'s lock off the JS thread (%s file that needs the addon\'s index)', async (layout) => {
    // The fixture bootstraps the file (the bot's schema, without the addon's index), then
    // holds the write lock: the addon's first writable open must wait for it to add its index.
    const file = tempDb()
    const hold = spawnPy(['--layout', layout, 'hold', file, '--seconds', '1.5'])
    const held = finished<{ held: number }>(hold)
    await waitForStderr(hold, 'READY')
    let ticks = 0
    const timer = setInterval(() => ticks++, 10)
    const t0 = Date.now()
    const db = await openDatabaseAsync({ path: file })
    const waited = Date.now() - t0
    clearInterval(timer)
    expect((await held).held).toBeGreaterThan(1)
    expect(db.layout).toBe(layout)
    // It did wait for the lock (about a second), and the event loop ran all along: a Sync
    // open blocks it for the whole wait (no tick at all).
    expect(waited).toBeGreaterThan(500)
    expect(ticks).toBeGreaterThan(waited / 10 / 4)
    db.close()
  })

  it('an empty file is "empty"; readonly, it reads as no data; a writable open creates the layout asked for', () => {
    const file = tempDb()
    writeFileSync(file, '')
    const ro = openDatabase({ path: file, readonly: true })
    expect(ro.layout).toBe('empty')
    expect(ro.getAccountsSync()).toEqual([])
    expect(ro.getDailyStatsSync(1, 3).map((d) => d.totalLikes)).toEqual([0, 0, 0])
    expect(ro.supports('posts' satisfies ApiTable)).toBe(true)
    ro.close()
    const rw = openDatabase({ path: file })
    expect(rw.layout).toBe('legacy')
    rw.close()
  })

  it('a readonly app started before the bot sees the bot\'s tables once it creates them (nothing of its own shadows them)', async () => {
    for (const layout of ['unified', 'legacy'] as const) {
      const file = tempDb()
      writeFileSync(file, '')
      const ro = openDatabase({ path: file, readonly: true })
      expect(ro.getAccountsSync()).toEqual([])
      expect(await ro.getInteractions(1)).toEqual([])
      const seed = py<{ accounts: Record<string, number> }>(['--layout', layout, 'seed', file])
      const alice = seed.accounts.alice_bot!
      // The next call notices the new schema: the same connections now read the bot's rows.
      expect(ro.getAccountsSync().map((a) => a.username)).toEqual(['alice_bot', 'bob_bot', 'carol_idle'])
      expect((await ro.getInteractions(alice, { limit: 10_000 })).length).toBeGreaterThan(0)
      expect(ro.layout).toBe(layout)
      ro.close()
    }
  })
})

/** The bot's revisions whose fresh files the fixture reproduces (fixtures/revisions.json), oldest first. */
const REVISIONS = (JSON.parse(readFileSync(path.join(ROOT, '__test__', 'fixtures', 'revisions.json'), 'utf8')) as { revisions: { rev: string; date: string }[] }).revisions
const at = (rev: string): number => REVISIONS.findIndex((r) => r.rev === rev)
const schemaOf = (file: string): string[] =>
  JSON.parse(
    execFileSync(PYTHON, ['-c', 'import sqlite3, sys, json\nc = sqlite3.connect(sys.argv[1])\nprint(json.dumps([list(r) for r in c.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")]))', file], { encoding: 'utf8' }),
  ).map((r: unknown[]) => JSON.stringify(r))

describe('every revision of the bot, January to August 2026 (fresh files)', () => {
  it('has the revisions this suite expects', () => {
    expect(REVISIONS.map((r) => r.rev)).toEqual(expect.arrayContaining(['66b6242f', '9ad6b210', 'e1e6e957', 'e9867062', '99d9547a', '40834cf1', 'a8c6fac6', '6810e804']))
  })

  it.each(REVISIONS.map((r) => [r.rev, r.date] as const))('%s (%s): the right layout, every read answers, a writable open adds nothing but the addon\'s index', (rev) => {
    const file = tempDb()
    py(['bootstrap', file, '--revision', rev])
    const before = schemaOf(file)
    // Until e1e6e957 (2026-06-04) the bot wrote the legacy layout; its fresh files then lose the
    // discovery tables, and the unified ones arrive table by table.
    const june = at(rev) >= at('e1e6e957')
    const ro = openDatabase({ path: file, readonly: true })
    expect(ro.layout).toBe(june ? 'unified' : 'legacy')
    const gone = new Set<string>()
    if (june) gone.add('getDiscoveryCampaigns').add('getDiscoveryProgress').add('getDiscoveredProfiles')
    if (at(rev) >= at('ecf9a1a3')) gone.add('getPosts')
    if (at(rev) >= at('6f3e6195')) gone.add('getScrapedComments')
    expect(expectSupportsMatchesReads(ro).sort()).toEqual([...gone].sort())
    ro.close()

    const rw = openDatabase({ path: file })
    expect(rw.layout).toBe(ro.layout)
    expect(expectSupportsMatchesReads(rw).sort()).toEqual([...gone].sort())
    rw.close()
    const after = schemaOf(file)
    const added = after.filter((x) => !before.includes(x))
    const removed = before.filter((x) => !after.includes(x))
    const names = (rows: string[]) => rows.map((r) => JSON.parse(r)[1] as string)
    if (at(rev) < at('66b6242f')) {
      // ALTER TABLE ADD COLUMN rewrites a table's stored SQL: same tables, nothing dropped.
      expect(names(after)).toEqual(expect.arrayContaining(names(before)))
    } else {
      expect(removed).toEqual([])
    }
    if (june) {
      // Nothing of the legacy layout comes back: only the addon's own indexes.
      for (const a of added) expect(JSON.parse(a)[1] as string, a).toMatch(/^idx_taktikdb_/)
    } else if (at(rev) < at('66b6242f')) {
      // A January file is completed the way the February bot's start would have.
      expect(added.some((a) => a.includes('"scraped_profiles"'))).toBe(true)
    }
  })
})

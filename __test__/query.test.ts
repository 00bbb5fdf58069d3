// db.query(sql, params?, options?) and db.querySync(sql, params?): the escape hatch
// for SQL the app writes itself. On both layouts: parameters bound (positional and
// named), rows through the same row mapper as every read, only one read-only statement
// (SQLite's own verdict, plus an authorizer for what it counts as read-only but would
// change the shared read connection), SQLite's errors with SQLite's message, and
// cancellation like every read. The file is checked unchanged by Python's sqlite3.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Session, type TaktikDatabase } from '../index.js'
import { PYTHON, ROOT, rejection } from './helpers'
import { LAYOUTS, REL, type Layout } from './layouts'
import { expectFailsBoth, must, openSeeded, type Seeded } from './read/common'

/** Sync and async forms: the same rows. */
async function both(db: TaktikDatabase, sql: string, params?: Parameters<TaktikDatabase['querySync']>[1]): Promise<Record<string, unknown>[]> {
  const fromSync = db.querySync(sql, params)
  const promise = db.query(sql, params)
  expect(promise).toBeInstanceOf(Promise)
  expect(await promise).toStrictEqual(fromSync)
  return fromSync
}

/** Every table's row count and sqlite_master, as Python's sqlite3 sees the file. */
function fileState(file: string): unknown {
  const code = `import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
master = c.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
counts = {t: c.execute('SELECT count(*) FROM "%s"' % t).fetchone()[0] for (t,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
print(json.dumps({"master": master, "counts": counts, "userVersion": c.execute("PRAGMA user_version").fetchone()[0], "journal": c.execute("PRAGMA journal_mode").fetchone()[0]}))`
  return JSON.parse(execFileSync(PYTHON, ['-c', code, file], { encoding: 'utf8' }))
}

/** A statement that never ends unless SQLite itself is interrupted. */
const ENDLESS = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS n FROM c'

describe.each(LAYOUTS)('db.query (%s layout)', (layout: Layout) => {
  let s: Seeded
  const T = REL[layout]
  beforeAll(() => {
    s = openSeeded(layout)
  })
  afterAll(() => s.db.close())
  const db = (): TaktikDatabase => s.db

  it('binds positional parameters (? and ?NNN) and returns what the typed read returns', async () => {
    const { alice } = s
    const sessions = await db().getSessions(alice, { limit: 10_000 })
    expect(sessions.length).toBeGreaterThan(2)
    const rows = await both(db(), `SELECT session_id, status FROM ${T.sessions} WHERE account_id = ? ORDER BY session_id`, [alice])
    expect(rows).toEqual(
      [...sessions].sort((a, b) => a.sessionId - b.sessionId).map((x) => ({ sessionId: x.sessionId, status: x.status })),
    )
    const numbered = await both(db(), `SELECT ?2 AS b, ?1 AS a, ?2 + ?1 AS sum`, [40, 2])
    expect(numbered).toEqual([{ b: 2, a: 40, sum: 42 }])
  })

  it('binds named parameters (:name, @name, $name) from an object, keys without the prefix', async () => {
    const { alice } = s
    const n = await both(db(), `SELECT count(*) AS n FROM ${T.sessions} WHERE account_id = :account AND status = @status COLLATE NOCASE AND $x IS NULL`, {
      account: alice,
      status: 'completed',
      x: null,
    })
    const completed = (await db().getSessions(alice, { limit: 10_000, status: 'COMPLETED' })).length
    expect(completed).toBeGreaterThan(0)
    expect(n).toEqual([{ n: completed }])
    // One name used twice binds one value.
    expect(await both(db(), 'SELECT :v AS a, :v + 1 AS b', { v: 1 })).toEqual([{ a: 1, b: 2 }])
  })

  it('binds every value type as SQLite stores it', async () => {
    const rows = await both(db(), 'SELECT typeof(?1) AS t1, ?1 AS v1, typeof(?2) AS t2, ?2 AS v2, typeof(?3) AS t3, ?3 AS v3, typeof(?4) AS t4, ?4 AS v4, typeof(?5) AS t5, ?5 AS v5, typeof(?6) AS t6, hex(?6) AS v6, typeof(?7) AS t7, hex(?7) AS v7', [
      7,
      2.5,
      'señor 🎉',
      true,
      null,
      Buffer.from([0, 1, 255]),
      new Uint8Array([9, 10]),
    ])
    expect(rows).toEqual([
      { t1: 'integer', v1: 7, t2: 'real', v2: 2.5, t3: 'text', v3: 'señor 🎉', t4: 'integer', v4: 1, t5: 'null', v5: null, t6: 'blob', v6: '0001FF', t7: 'blob', v7: '090A' },
    ])
    // Whole numbers beyond 2^53 are not exact in JS: bound as REAL.
    expect(await both(db(), 'SELECT typeof(?) AS t', [2 ** 60])).toEqual([{ t: 'real' }])
  })

  it('maps rows like every read: camelCase keys, booleans, parsed JSON, ISO timestamps, numbers', async () => {
    const { alice } = s
    const rows = await both(db(), `SELECT session_id, config_used, synced_to_api, start_time, duration_seconds FROM ${T.sessions} WHERE account_id = ? ORDER BY session_id`, [alice])
    const typed = new Map((await db().getSessions(alice, { limit: 10_000 })).map((x: Session) => [x.sessionId, x]))
    expect(rows.length).toBe(typed.size)
    for (const row of rows) {
      const t = must(typed.get(row.sessionId as number), `session ${String(row.sessionId)}`)
      expect(row).toEqual({ sessionId: t.sessionId, configUsed: t.configUsed, syncedToApi: t.syncedToApi, startTime: t.startTime, durationSeconds: t.durationSeconds })
    }
    expect(rows.some((r) => typeof r.configUsed === 'object' && r.configUsed !== null)).toBe(true)
    expect(rows.every((r) => typeof r.syncedToApi === 'boolean' || r.syncedToApi === null)).toBe(true)
    // Expressions keep their value's type (not the text "3"), named flags are booleans.
    expect(await both(db(), "SELECT count(*) AS total, 1.5 * 2 AS product, 'x' || 1 AS label, 1 AS is_shown, NULL AS nothing_here, max(1, 2) AS biggest")).toEqual([
      { total: 1, product: 3, label: 'x1', isShown: true, nothingHere: null, biggest: 2 },
    ])
    // No row: an empty array.
    expect(await both(db(), `SELECT session_id FROM ${T.sessions} WHERE account_id = -1`)).toEqual([])
  })

  it('a column aliased __proto__ is a plain key: no prototype is set, nothing is polluted', async () => {
    const rows = await both(db(), 'SELECT 1 AS "__proto__", 2 AS "constructor", 3 AS "toString", \'{"polluted":true}\' AS "__proto__json"')
    const row = must(rows[0], 'row')
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype)
    // Keys are camelCased, which drops leading underscores: `__proto__` can never come back as a key.
    expect(Object.keys(row)).toEqual(['proto', 'constructor', 'toString', 'protoJson'])
    expect(row).toEqual({ proto: 1, constructor: 2, toString: 3, protoJson: '{"polluted":true}' })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('refuses bad parameters with INVALID_ARGUMENT, in both forms', async () => {
    const bad: [string, unknown][] = [
      ['SELECT ?', undefined], // a parameter and no params
      ['SELECT ?', []], // too few
      ['SELECT ?', [1, 2]], // too many
      ['SELECT ?', [undefined]], // undefined is not NULL
      ['SELECT ?', [{ a: 1 }]],
      ['SELECT ?', [[1]]],
      ['SELECT ?', [new Date()]],
      ['SELECT ?', [Number.NaN]],
      ['SELECT ?', [Infinity]],
      ['SELECT ?', [new Uint16Array(1)]],
      ['SELECT ?', [() => 1]],
      ['SELECT ?', [Symbol('x')]],
      ['SELECT ?', { a: 1 }], // positional SQL, named params
      ['SELECT :a', [1]], // named SQL, positional params
      ['SELECT :a', {}], // missing key
      ['SELECT :a', { a: 1, b: 2 }], // a key no parameter uses (a typo)
      ['SELECT :a', { a: undefined }],
      ['SELECT 1', 'x'],
      ['SELECT 1', 5],
      ['SELECT 1', Buffer.from('x')],
    ]
    for (const [sql, params] of bad) {
      await expectFailsBoth(db(), 'query', [sql, params], 'INVALID_ARGUMENT')
    }
    for (const sql of [undefined, null, 5, {}, '', '   ', '-- only a comment', '/* and */']) {
      await expectFailsBoth(db(), 'query', [sql], 'INVALID_ARGUMENT')
    }
    expect(await rejection(db().query('SELECT :a', { a: 1, typo: 2 }))).toMatchObject({ message: expect.stringMatching(/params\.typo/) })
    // bigint: refused, in both forms (expectFailsBoth cannot print one).
    expect(() => db().querySync('SELECT ?', [1n] as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    expect(await rejection(db().query('SELECT ?', [1n] as never))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/query: params\[0\].*bigint/) })
    // Bad call options too.
    expect(await rejection(db().query('SELECT 1', [], { timeoutMs: -1 }))).toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('refuses every statement that writes or changes the connection, and the file stays as it was', async () => {
    const file = db().path
    const before = fileState(file)
    const refused = [
      `INSERT INTO ${layout === 'legacy' ? 'sessions' : 'sessions_unified'} (account_id) VALUES (1)`,
      `UPDATE ${layout === 'legacy' ? 'instagram_profiles' : 'social_profiles'} SET notes = 'x'`,
      `DELETE FROM ${layout === 'legacy' ? 'interaction_history' : 'interactions'}`,
      `WITH doomed AS (SELECT 1) DELETE FROM ${layout === 'legacy' ? 'sessions' : 'sessions_unified'}`,
      `INSERT INTO ${layout === 'legacy' ? 'sessions' : 'sessions_unified'} (account_id) VALUES (1) RETURNING *`,
      'CREATE TABLE x (a)',
      'CREATE TEMP TABLE x (a)',
      'CREATE INDEX i ON filtered_profiles (username)',
      'DROP TABLE filtered_profiles',
      'ALTER TABLE filtered_profiles ADD COLUMN z',
      'PRAGMA user_version = 7',
      'PRAGMA journal_mode = DELETE',
      'PRAGMA foreign_keys = OFF',
      'PRAGMA query_only = 0',
      'PRAGMA busy_timeout = 0',
      'PRAGMA wal_checkpoint(TRUNCATE)',
      "ATTACH ':memory:' AS other",
      "ATTACH 'elsewhere.db' AS other",
      'DETACH main',
      'BEGIN',
      'BEGIN IMMEDIATE',
      'COMMIT',
      'ROLLBACK',
      'SAVEPOINT s',
      'RELEASE s',
      'VACUUM',
      "VACUUM INTO 'copy.db'",
      'ANALYZE',
      'REINDEX',
    ]
    for (const sql of refused) {
      await expectFailsBoth(db(), 'query', [sql], 'INVALID_ARGUMENT')
    }
    expect(await rejection(db().query('DELETE FROM filtered_profiles'))).toMatchObject({ message: expect.stringMatching(/read-only/) })
    expect(await rejection(db().query("ATTACH ':memory:' AS m"))).toMatchObject({ message: expect.stringMatching(/ATTACH is not allowed/) })
    expect(fileState(file)).toEqual(before)
    // The pooled read connections are as they were: the refused PRAGMAs changed nothing.
    expect(db().querySync('PRAGMA foreign_keys')).toEqual([{ foreignKeys: 1 }])
    expect(db().querySync('PRAGMA query_only')).toEqual([{ queryOnly: 0 }])
    // No database attached (`temp` is SQLite's own, there once a statement needed it).
    expect(db().querySync('SELECT name FROM pragma_database_list').filter((d) => d.name !== 'temp')).toEqual([{ name: 'main' }])
    // Reading PRAGMAs, with or without a table argument, is fine.
    expect((await both(db(), 'PRAGMA table_info(filtered_profiles)')).map((c) => c.name)).toContain('username')
    expect(await both(db(), 'PRAGMA user_version')).toEqual([{ userVersion: expect.any(Number) as number }])
    expect(await both(db(), 'SELECT count(*) AS n FROM pragma_table_info(?)', ['filtered_profiles'])).toEqual([{ n: expect.any(Number) as number }])
  })

  it('runs exactly one statement: a second one is refused, a trailing ; or comment is fine', async () => {
    for (const sql of ['SELECT 1; SELECT 2', 'SELECT 1; DELETE FROM filtered_profiles', "SELECT 1;ATTACH ':memory:' AS m", 'SELECT 1; -- x\nSELECT 2']) {
      await expectFailsBoth(db(), 'query', [sql], 'INVALID_ARGUMENT')
    }
    expect(await rejection(db().query('SELECT 1 AS a; SELECT 2'))).toMatchObject({ message: expect.stringMatching(/exactly one statement/) })
    expect(await both(db(), 'SELECT 1 AS a;')).toEqual([{ a: 1 }])
    expect(await both(db(), 'SELECT 1 AS a; -- done\n')).toEqual([{ a: 1 }])
    expect(await both(db(), '/* why */ SELECT 1 AS a /* end */ ;  ')).toEqual([{ a: 1 }])
  })

  it('reports SQLite errors with SQLite’s message: SQLITE_ERROR', async () => {
    await expectFailsBoth(db(), 'query', ['SELEC 1'], 'SQLITE_ERROR')
    expect(await rejection(db().query('SELEC 1'))).toMatchObject({ message: expect.stringMatching(/near "SELEC": syntax error/) })
    expect(await rejection(db().query('SELECT nope FROM filtered_profiles'))).toMatchObject({ code: 'SQLITE_ERROR', message: expect.stringMatching(/no such column: nope/) })
    // The caveat the README gives: SQL names one layout's tables.
    const other = layout === 'legacy' ? 'sessions_unified' : 'interaction_history'
    expect(await rejection(db().query(`SELECT count(*) AS n FROM ${other}`))).toMatchObject({ code: 'SQLITE_ERROR', message: expect.stringMatching(/no such table/) })
    expect(db().layout).toBe(layout)
  })

  it('is cancellable like every read: AbortSignal and timeoutMs interrupt SQLite, the connection is reusable', async () => {
    const ac = new AbortController()
    const running = db().query(ENDLESS, [], { signal: ac.signal })
    setTimeout(() => ac.abort(), 50)
    expect(await rejection(running)).toMatchObject({ code: 'ABORTED' })
    expect(await rejection(db().query(ENDLESS, undefined, { timeoutMs: 50 }))).toMatchObject({ code: 'TIMEOUT' })
    const early = new AbortController()
    early.abort()
    expect(await rejection(db().query('SELECT 1', [], { signal: early.signal }))).toMatchObject({ code: 'ABORTED' })
    expect(await both(db(), 'SELECT 41 + 1 AS n')).toEqual([{ n: 42 }])
  })

  it('works on a readonly open, and still refuses writes there', async () => {
    const ro = openDatabase({ path: db().path, readonly: true })
    try {
      expect(await both(ro, `SELECT count(*) AS n FROM ${T.sessions}`)).toEqual(await both(db(), `SELECT count(*) AS n FROM ${T.sessions}`))
      await expectFailsBoth(ro, 'query', ['DELETE FROM filtered_profiles'], 'INVALID_ARGUMENT')
    } finally {
      ro.close()
    }
    const closed = openDatabase({ path: db().path, readonly: true })
    closed.close()
    await expectFailsBoth(closed, 'query', ['SELECT 1'], 'CLOSED')
  })
})

describe('db.query memory', () => {
  it('distinct statements keep nothing: the JS shape cache stays bounded', () => {
    const { db } = openSeeded('legacy')
    const file = db.path
    db.close()
    // In a child: the addon and lib/deliver.js exactly as an app loads them.
    const script = `const { openDatabase } = require(${JSON.stringify(path.join(ROOT, 'index.js'))})
const deliver = require(${JSON.stringify(path.join(ROOT, 'lib', 'deliver.js'))})
const db = openDatabase({ path: ${JSON.stringify(file)}, readonly: true })
let sum = 0
for (let i = 0; i < 3000; i++) sum += db.querySync('SELECT ? AS c' + i, [i])[0]['c' + i]
console.log(JSON.stringify({ sum, shapes: deliver.dynamicShapes(), max: deliver.DYNAMIC_SHAPES }))`
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { sum: number; shapes: number; max: number }
    expect(out.sum).toBe((2999 * 3000) / 2)
    expect(out.shapes).toBeGreaterThan(0)
    expect(out.shapes).toBeLessThanOrEqual(out.max)
  })
})

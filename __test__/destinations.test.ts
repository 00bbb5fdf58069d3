// Issue 16.2: a path the caller gives (backup, exportCsv, openDatabase) that
// cannot be written or opened fails with the code the README promises, and a
// message naming that path first, never the live database; Sync and async
// alike. And an async error's stack shows where the call was made.
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase, openDatabaseAsync, type TaktikDatabase } from '../index.js'
import { ROOT, py, tempDb } from './helpers'

interface Failure {
  code?: string
  message: string
  stack?: string
}

function seeded(): { file: string; dir: string; db: TaktikDatabase; acc: number } {
  const file = tempDb()
  const seed = py<{ accounts: Record<string, number> }>(['seed', file])
  return { file, dir: path.dirname(file), db: openDatabase({ path: file }), acc: Object.values(seed.accounts)[0]! }
}

function thrown(f: () => unknown): Failure {
  try {
    f()
  } catch (e) {
    return e as Failure
  }
  throw new Error('expected a throw')
}

async function rejected(p: Promise<unknown>): Promise<Failure> {
  try {
    await p
  } catch (e) {
    return e as Failure
  }
  throw new Error('expected a rejection')
}

/** The four ways to write `dest`: backup and exportCsv, Sync and async; each settles to its failure. */
function writers(db: TaktikDatabase, acc: number, overwrite = false): Array<[string, (dest: string) => Promise<Failure>]> {
  return [
    ['backupSync', async (dest) => thrown(() => db.backupSync(dest, { overwrite }))],
    ['backup', (dest) => rejected(db.backup(dest, { overwrite }))],
    ['exportCsvSync', async (dest) => thrown(() => db.exportCsvSync('interactions', dest, { accountId: acc, overwrite }))],
    ['exportCsv', (dest) => rejected(db.exportCsv('interactions', dest, { accountId: acc, overwrite }))],
  ]
}

const temps = (dir: string) => readdirSync(dir).filter((n) => n.includes('.taktik-tmp-'))

describe('a destination that cannot be written: IO_ERROR naming it first', () => {
  it('its directory does not exist (was SQLITE_CANTOPEN naming the live file, for backup)', async () => {
    const { file, dir, db, acc } = seeded()
    for (const [name, write] of writers(db, acc)) {
      const dest = path.join(dir, 'no', 'such', 'dir', `out-${name}.db`)
      const e = await write(dest)
      expect(e.code, name).toBe('IO_ERROR')
      const func = name.replace(/Sync$/, '')
      expect(e.message.startsWith(`${func}: cannot write ${dest}:`), e.message).toBe(true)
      expect(e.message).toContain(`${path.join(dir, 'no', 'such', 'dir')} does not exist`)
      expect(e.message).not.toContain(file)
      expect(existsSync(path.join(dir, 'no'))).toBe(false)
    }
    db.close()
  })

  it('its "directory" is a regular file', async () => {
    const { file, dir, db, acc } = seeded()
    const plain = path.join(dir, 'plain.txt')
    writeFileSync(plain, 'not a directory')
    for (const [name, write] of writers(db, acc, true)) {
      const dest = path.join(plain, `out-${name}.db`)
      const e = await write(dest)
      expect(e.code, name).toBe('IO_ERROR')
      expect(e.message, name).toContain(`cannot write ${dest}: its directory ${plain} is not a directory`)
      expect(e.message).not.toContain(file)
    }
    db.close()
  })

  it('it is a directory (was INVALID_ARGUMENT), with or without overwrite', async () => {
    const { file, dir, db, acc } = seeded()
    const sub = path.join(dir, 'a-directory')
    mkdirSync(sub)
    for (const overwrite of [false, true]) {
      for (const [name, write] of writers(db, acc, overwrite)) {
        const e = await write(sub)
        expect(e.code, `${name} overwrite=${overwrite}`).toBe('IO_ERROR')
        expect(e.message).toContain(`cannot write ${sub}: it is a directory`)
        expect(e.message).not.toContain(file)
      }
    }
    expect(readdirSync(sub)).toEqual([])
    db.close()
  })

  it('it exists and overwrite is not set: FILE_EXISTS naming it, the file untouched', async () => {
    const { file, dir, db, acc } = seeded()
    const dest = path.join(dir, 'taken.csv')
    writeFileSync(dest, 'mine')
    for (const [name, write] of writers(db, acc)) {
      const e = await write(dest)
      expect(e.code, name).toBe('FILE_EXISTS')
      expect(e.message.startsWith(`${name.replace(/Sync$/, '')}: ${dest} exists`), e.message).toBe(true)
      expect(e.message).not.toContain(file)
    }
    expect(temps(dir)).toEqual([])
    db.close()
  })

  // Root ignores permission bits: as root the calls run in a child process as
  // nobody (65534), as in reliability/files.test.ts.
  it.skipIf(process.platform === 'win32')('no permission to write in its directory (was SQLITE_CANTOPEN naming the live file, for backup)', () => {
    const { file, dir, db, acc } = seeded()
    db.close()
    const ro = path.join(dir, 'readonly-dir')
    mkdirSync(ro)
    chmodSync(ro, 0o555)
    chmodSync(dir, 0o777)
    for (const f of readdirSync(dir)) if (f.startsWith(path.basename(file))) chmodSync(path.join(dir, f), 0o666)
    const script = path.join(dir, 'child.cjs')
    writeFileSync(
      script,
      `const { openDatabase } = require(${JSON.stringify(path.join(ROOT, 'index.js'))})
const [file, ro, acc] = [process.argv[2], process.argv[3], Number(process.argv[4])]
const db = openDatabase({ path: file, readonly: true })
const out = { uid: process.getuid() }
const settle = async (name, f) => { try { await f(); out[name] = { code: 'ok' } } catch (e) { out[name] = { code: e.code, message: e.message } } }
;(async () => {
  const dest = (n) => require('path').join(ro, n)
  await settle('backupSync', () => db.backupSync(dest('backupSync.db')))
  await settle('backup', () => db.backup(dest('backup.db')))
  await settle('exportCsvSync', () => db.exportCsvSync('interactions', dest('exportCsvSync.db'), { accountId: acc }))
  await settle('exportCsv', () => db.exportCsv('interactions', dest('exportCsv.db'), { accountId: acc }))
  db.close()
  console.log(JSON.stringify(out))
})()
`,
    )
    chmodSync(script, 0o644)
    const asRoot = process.getuid?.() === 0
    const res = spawnSync(process.execPath, [script, file, ro, String(acc)], {
      encoding: 'utf8',
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    })
    chmodSync(ro, 0o755)
    expect(res.status, res.stderr).toBe(0)
    const out = JSON.parse(res.stdout.trim().split('\n').pop()!) as Record<string, Failure> & { uid: number }
    expect(out.uid).not.toBe(0)
    for (const name of ['backupSync', 'backup', 'exportCsvSync', 'exportCsv']) {
      const e = out[name]!
      const dest = path.join(ro, `${name}.db`)
      expect(e.code, `${name}: ${e.message}`).toBe('IO_ERROR')
      expect(e.message.startsWith(`${name.replace(/Sync$/, '')}: cannot write ${dest}: creating a file in ${ro} failed:`), e.message).toBe(true)
      expect(e.message).not.toContain(file)
    }
    expect(readdirSync(ro)).toEqual([])
  })
})

describe('opening a path that cannot be opened: SQLITE_CANTOPEN naming it', () => {
  const cases: Array<[string, (dir: string) => { path: string; readonly?: boolean }]> = [
    ['a missing directory, readonly', (dir) => ({ path: path.join(dir, 'none', 'x.db'), readonly: true })],
    ['a directory as the file', (dir) => ({ path: dir })],
    ['a regular file as its directory', (dir) => {
      writeFileSync(path.join(dir, 'plain'), 'x')
      return { path: path.join(dir, 'plain', 'x.db') }
    }],
  ]
  it.each(cases)('%s: Sync and async', async (_, make) => {
    const opts = make(path.dirname(tempDb()))
    const sync = thrown(() => openDatabase(opts))
    const async = await rejected(openDatabaseAsync(opts))
    for (const e of [sync, async]) {
      expect(e.code).toBe('SQLITE_CANTOPEN')
      expect(e.message.startsWith(`openDatabase failed on ${opts.path}`), e.message).toBe(true)
    }
  })
})

describe('an async error shows where the call was made', () => {
  const here = path.basename(__filename)
  let db: TaktikDatabase | undefined
  afterAll(() => db?.close())

  it('in err.stack: this file, under the code and message', async () => {
    const s = seeded()
    db = s.db
    const failures: Array<[string, Failure]> = [
      // a bad argument, rejected without running
      ['getSessions', await rejected(db.getSessions(-1))],
      // SQLite's own error, made on the worker thread
      ['query', await rejected(db.query('SELECT * FROM no_such_table'))],
      // an operation
      ['backup', await rejected(db.backup(path.join(s.dir, 'none', 'x.db')))],
      ['openDatabaseAsync', await rejected(openDatabaseAsync({ path: path.join(s.dir, 'none', 'x.db'), readonly: true }))],
    ]
    for (const [name, e] of failures) {
      expect(e, name).toBeInstanceOf(Error)
      expect(typeof e.code, name).toBe('string')
      const lines = (e.stack ?? '').split('\n')
      expect(lines[0], name).toBe(`Error: ${e.message}`)
      expect(lines.slice(1).some((l) => l.includes(here)), `${name}: ${e.stack}`).toBe(true)
    }
  })

  it('after close(): CLOSED, with this file in its stack', async () => {
    const d = openDatabase({ path: tempDb() })
    d.close()
    const e = await rejected(d.getAccounts())
    expect(e.code).toBe('CLOSED')
    expect(e.stack).toContain(here)
  })
})

// Paths the app hands to backup/exportCsv, and the places where Windows and
// Unix file systems differ. `npm run test:windows` runs this file under
// Windows Node; each platform asserts its own rule.
import { spawnSync } from 'node:child_process'
import { chmodSync, closeSync, constants, existsSync, linkSync, openSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultDatabasePath, openDatabase, type TaktikDatabase } from '../index.js'
import { py, tempDb } from './helpers'

const WINDOWS = process.platform === 'win32'
const MAC = process.platform === 'darwin'
/** Wine 8 lacks the POSIX-semantics rename of Windows 10 on NTFS (npm run test:windows says where it runs). */
const NO_POSIX_RENAME = WINDOWS && process.env.TAKTIK_UNDER_WINE === '1'

function seededDb(): { file: string; dir: string; db: TaktikDatabase; acc: number; profile: number } {
  const file = tempDb()
  const seed = py<{ accounts: Record<string, number>; profiles: Record<string, number> }>(['seed', file])
  const [acc, profile] = [Object.values(seed.accounts)[0]!, Object.values(seed.profiles)[0]!]
  return { file, dir: path.dirname(file), db: openDatabase({ path: file }), acc, profile }
}

/** The error a call throws (code and message), or null when it returns. */
function failure(f: () => unknown): { code?: string; message: string } | null {
  try {
    f()
    return null
  } catch (e) {
    return e as { code?: string; message: string }
  }
}

const temps = (dir: string) => readdirSync(dir).filter((n) => n.includes('.taktik-tmp-'))

/** The 8.3 short name Windows gives an existing path, or null where there is none. */
function shortName(p: string): string | null {
  try {
    // Verbatim: cmd.exe parses its own command line, and Node's quoting of \" confuses it.
    const out = spawnSync('cmd.exe', ['/d', '/s', '/c', `"for %I in ("${p}") do @echo %~sI"`], { encoding: 'utf8', windowsVerbatimArguments: true }).stdout.trim()
    return out && out.toLowerCase() !== p.toLowerCase() ? out : null
  } catch {
    return null
  }
}

describe('the live database is refused as a destination, however it is spelled', () => {
  it('the same path through "..", "." and a trailing-separator directory', () => {
    const { file, dir, db, acc } = seededDb()
    const spellings = [
      path.join(dir, '..', path.basename(dir), path.basename(file)),
      `${dir}${path.sep}.${path.sep}${path.basename(file)}`,
      `${dir}${path.sep}${path.sep}${path.basename(file)}-wal`,
      path.join(dir, '..', path.basename(dir), `${path.basename(file)}-shm`),
      `${file}-journal`,
    ]
    for (const s of spellings) {
      for (const call of [() => db.backupSync(s, { overwrite: true }), () => db.exportCsvSync('interactions', s, { accountId: acc, overwrite: true })]) {
        const e = failure(call)
        expect(e?.code, s).toBe('INVALID_ARGUMENT')
        expect(e?.message).toContain('live database')
      }
    }
    expect(temps(dir)).toEqual([])
    expect(db.integrityCheckSync().ok).toBe(true)
    db.close()
  })

  it.runIf(WINDOWS)('Windows: other case, forward slashes, the \\\\?\\ prefix and the 8.3 short name', () => {
    const { file, dir, db, acc } = seededDb()
    const upper = path.join(dir, path.basename(file).toUpperCase())
    const spellings = [
      upper,
      `${upper}-WAL`,
      `${file}-Shm`,
      file.replace(/\\/g, '/'),
      `\\\\?\\${file}`,
      `\\\\?\\${file.toUpperCase()}-wal`,
    ]
    const short = shortName(file)
    if (short) spellings.push(short)
    for (const s of spellings) {
      const e = failure(() => db.backupSync(s, { overwrite: true }))
      expect(e?.code, s).toBe('INVALID_ARGUMENT')
      expect(failure(() => db.exportCsvSync('interactions', s, { accountId: acc, overwrite: true }))?.code, s).toBe('INVALID_ARGUMENT')
    }
    expect(temps(dir)).toEqual([])
    expect(db.integrityCheckSync().ok).toBe(true)
    db.close()
  })

  it.runIf(MAC)('macOS: another case of the name is the same file (case-insensitive by default)', () => {
    const { file, dir, db } = seededDb()
    expect(failure(() => db.backupSync(path.join(dir, path.basename(file).toUpperCase()), { overwrite: true }))?.code).toBe('INVALID_ARGUMENT')
    db.close()
  })

  it.runIf(!WINDOWS && !MAC)('Linux: another case of the name is another file, and is written', () => {
    const { file, dir, db } = seededDb()
    const upper = path.join(dir, path.basename(file).toUpperCase())
    expect(db.backupSync(upper).path).toBe(upper)
    expect(openDatabase({ path: upper, readonly: true }).getAccountsSync()).toEqual(db.getAccountsSync())
    db.close()
  })

  it.runIf(!WINDOWS)('Unix: a hard link or a symbolic link to the live file is the live file', () => {
    const { file, dir, db } = seededDb()
    const hard = path.join(dir, 'hard.db')
    linkSync(file, hard)
    const soft = path.join(dir, 'soft.db')
    symlinkSync(file, soft)
    const linkedDir = path.join(path.dirname(dir), `${path.basename(dir)}-link`)
    symlinkSync(dir, linkedDir)
    for (const s of [hard, soft, path.join(linkedDir, path.basename(file)), path.join(linkedDir, `${path.basename(file)}-wal`)]) {
      expect(failure(() => db.backupSync(s, { overwrite: true }))?.code, s).toBe('INVALID_ARGUMENT')
    }
    db.close()
  })
})

describe('replacing an existing destination (overwrite: true)', () => {
  it('swaps the new file in whole and leaves no temp file', async () => {
    const { dir, db, acc } = seededDb()
    const dest = path.join(dir, 'accounts.csv')
    writeFileSync(dest, 'old contents\r\n')
    // A reader holding the old file open (Node opens with delete sharing, as most programs do)
    // does not stop the replace.
    const reader = openSync(dest, 'r')
    let rows = 0
    try {
      if (NO_POSIX_RENAME) {
        // Without Windows 10's POSIX-semantics rename (FAT32 and exFAT volumes,
        // and Wine 8, where npm run test:windows runs) an open reader blocks the
        // replace: it must fail cleanly.
        expect(failure(() => db.exportCsvSync('interactions', dest, { accountId: acc, overwrite: true }))?.code).toBe('IO_ERROR')
        expect(temps(dir)).toEqual([])
        expect(readFileSync(dest, 'utf8')).toBe('old contents\r\n')
      } else {
        const r = db.exportCsvSync('interactions', dest, { accountId: acc, overwrite: true })
        expect(r.rows).toBeGreaterThan(0)
        const again = await db.exportCsv('interactions', dest, { accountId: acc, overwrite: true })
        expect(again.rows).toBe(r.rows)
      }
    } finally {
      closeSync(reader)
    }
    rows = (await db.exportCsv('interactions', dest, { accountId: acc, overwrite: true })).rows
    expect(readFileSync(dest, 'utf8').split('\r\n').filter((l) => l !== '').length).toBe(rows + 1)
    const copy = path.join(dir, 'copy.db')
    writeFileSync(copy, 'not a database')
    db.backupSync(copy, { overwrite: true })
    expect(openDatabase({ path: copy, readonly: true }).getAccountsSync()).toEqual(db.getAccountsSync())
    expect(temps(dir)).toEqual([])
    db.close()
  })

  it.runIf(WINDOWS)('Windows: a destination another program holds open without sharing (Excel on a CSV) fails with IO_ERROR naming it, keeps the old file, and leaves no temp file', async () => {
    const { dir, db, acc } = seededDb()
    const dest = path.join(dir, 'open-in-excel.csv')
    writeFileSync(dest, 'old contents\r\n')
    // Share mode 0: what Excel does to an open workbook.
    const fd = openSync(dest, constants.O_RDONLY | (constants as Record<string, number>).UV_FS_O_EXLOCK!)
    try {
      for (let i = 0; i < 3; i++) {
        const e = failure(() => db.exportCsvSync('interactions', dest, { accountId: acc, overwrite: true }))
        expect(e?.code).toBe('IO_ERROR')
        expect(e?.message).toContain(dest)
        expect(e?.message).toContain('another program has it open')
        await expect(db.backup(dest, { overwrite: true })).rejects.toMatchObject({ code: 'IO_ERROR' })
      }
      expect(temps(dir)).toEqual([])
    } finally {
      closeSync(fd)
    }
    expect(readFileSync(dest, 'utf8')).toBe('old contents\r\n')
    // Closed in the other program: the next try works.
    expect(db.exportCsvSync('interactions', dest, { accountId: acc, overwrite: true }).rows).toBeGreaterThan(0)
    expect(temps(dir)).toEqual([])
    db.close()
  })
})

describe('a read-only file', () => {
  // POSIX permission bits are covered by the reliability suite (as an
  // unprivileged user, on Unix). On Windows chmod sets the read-only
  // attribute, which binds every user, administrators included: what a file
  // copied from a CD or out of a zip archive may carry.
  it.runIf(WINDOWS)('Windows: with the read-only attribute, both opens read it and every write fails with SQLITE_READONLY', async () => {
    const { file, db, profile } = seededDb()
    const accounts = db.getAccountsSync()
    db.checkpointSync('TRUNCATE')
    db.close()
    const before = readFileSync(file)
    chmodSync(file, 0o444)
    try {
      // Wine maps the attribute to POSIX permission bits, which root (as npm run
      // test:windows runs here) ignores: there only the readonly open is checked.
      for (const readonly of process.env.TAKTIK_WINE_AS_ROOT === '1' ? [true] : [true, false]) {
        const d = openDatabase({ path: file, readonly })
        try {
          expect(d.getAccountsSync()).toEqual(accounts)
          expect((await d.getAccounts()).length).toBe(accounts.length)
          expect(failure(() => d.updateProfileNotesSync(profile, 'x'))?.code).toBe('SQLITE_READONLY')
        } finally {
          d.close()
        }
      }
      expect(readFileSync(file).equals(before)).toBe(true)
    } finally {
      chmodSync(file, 0o644)
    }
  })
})

describe('where the bot keeps its file', () => {
  it('defaultDatabasePath() is %APPDATA%\\taktik-desktop\\taktik-data.db on Windows, else under the home directory', () => {
    const saved = { APPDATA: process.env.APPDATA, HOME: process.env.HOME, USERPROFILE: process.env.USERPROFILE }
    const base = path.dirname(tempDb())
    try {
      process.env.APPDATA = path.join(base, 'Roaming')
      expect(defaultDatabasePath()).toBe(path.join(base, 'Roaming', 'taktik-desktop', 'taktik-data.db'))
      delete process.env.APPDATA
      process.env[WINDOWS ? 'USERPROFILE' : 'HOME'] = path.join(base, 'home')
      expect(defaultDatabasePath()).toBe(path.join(base, 'home', 'taktik-desktop', 'taktik-data.db'))
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    }
    expect(existsSync(path.join(base, 'home'))).toBe(false)
  })
})

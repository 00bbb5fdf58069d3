// The open / close lifecycle: CLOSED after close(), reads in flight, readonly opens,
// missing files and files that are not databases.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../index.js'
import { py, tempDb } from '../helpers'
import { ALL_READ_FUNCTIONS, VALID_CALLS, expectFailsBoth, method, thrown } from './common'

describe('lifecycle: close, readonly, bad files', () => {
  let file: string

  beforeAll(() => {
    file = tempDb()
    openDatabase({ path: file }).close()
    py(['seed', file])
  })

  it('after close() every function fails with CLOSED (sync throws, async rejects); close() is idempotent', async () => {
    const db = openDatabase({ path: file })
    for (const [name, args] of VALID_CALLS) {
      expect(() => method(db, `${name}Sync`)(...args), name).not.toThrow()
    }
    expect(new Set(VALID_CALLS.map(([n]) => n))).toEqual(new Set(ALL_READ_FUNCTIONS))
    db.close()
    expect(db.isOpen).toBe(false)
    expect(() => db.close()).not.toThrow()
    expect(db.isOpen).toBe(false)
    expect(db.path).toBe(file)
    for (const [name, args] of VALID_CALLS) await expectFailsBoth(db, name, args, 'CLOSED')
    const err = thrown(() => db.getAccountsSync())
    expect(err.message).toContain(file)
  })

  it('an async read started before close() still completes', async () => {
    const db = openDatabase({ path: file })
    const want = db.getInteractionsSync(1, { limit: 10000 })
    expect(want.length).toBeGreaterThan(50)
    const pending = db.getInteractions(1, { limit: 10000 }) // issued while open
    db.close()
    await expect(pending, 'getInteractions() called before close() must not fail with CLOSED').resolves.toStrictEqual(want)
    await expect(db.getInteractions(1)).rejects.toMatchObject({ code: 'CLOSED' })
  })

  it('readonly open of a missing file fails with SQLITE_CANTOPEN and creates nothing', () => {
    const missing = tempDb('missing.db')
    const dir = path.dirname(missing)
    const err = thrown(() => openDatabase({ path: missing, readonly: true }))
    expect(err.code).toBe('SQLITE_CANTOPEN')
    expect(err.message).toContain(missing)
    expect(existsSync(missing)).toBe(false)
    expect(readdirSync(dir)).toEqual([])
  })

  it('readonly open reads the same data as a writable one', async () => {
    const rw = openDatabase({ path: file })
    const ro = openDatabase({ path: file, readonly: true })
    try {
      expect(ro.readonly).toBe(true)
      expect(ro.isOpen).toBe(true)
      expect(rw.readonly).toBe(false)
      for (const [name, args] of [
        ...VALID_CALLS,
        ['getInteractions', [1, { limit: 10000 }]],
        ['getProfiles', [1, { limit: 10000, sortBy: 'followersCount' }]],
        ['getDailyStats', [2, 60]],
        ['getScrapedProfiles', [2, { limit: 10000 }]],
        ['getTikTokInteractions', [1, { limit: 10000 }]],
      ] as [string, unknown[]][]) {
        const want = method(rw, `${name}Sync`)(...args)
        expect(method(ro, `${name}Sync`)(...args), name).toStrictEqual(want)
        expect(await (method(ro, name)(...args) as Promise<unknown>), name).toStrictEqual(want)
      }
      expect(ro.getAccountsSync()).toHaveLength(3)
    } finally {
      ro.close()
      rw.close()
    }
  })

  it('a file that is not a database fails with SQLITE_NOTADB naming the file, and is left untouched', () => {
    const junk = tempDb('junk.db')
    const text = Array.from({ length: 300 }, (_, i) => `line ${i}: ${Math.random().toString(36)} not sqlite at all\n`).join('')
    writeFileSync(junk, text)
    for (const readonly of [false, true]) {
      const err = thrown(() => openDatabase({ path: junk, readonly }))
      expect(err.code, `readonly ${readonly}`).toBe('SQLITE_NOTADB')
      expect(err.message).toContain(junk)
      expect(readFileSync(junk, 'utf8')).toBe(text)
    }
  })
})

// lib/deliver.js on hand-made inputs (the wire format the native side writes:
// `[keys][[values], ...]`, `[keys][values]`, or a plain JSON value), and the whole
// addon under `--disallow-code-generation-from-strings`, where the row factories
// cannot be compiled and the plain loop must build the same objects.
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ROOT, py, tempDb } from './helpers'

interface Deliver {
  materialize: (text: string | string[], tag: number, keysEnd: number) => unknown
  parseInto: (rows: unknown[], text: string, tag: number, keysEnd: number) => void
  deliver: (text: string, tag: number, keysEnd: number, ends: number[] | null) => Promise<unknown>
}

const requireHere = createRequire(__filename)
/** A fresh copy of the module: its factory cache starts empty. */
function fresh(): Deliver {
  const file = requireHere.resolve(path.join(ROOT, 'lib', 'deliver.js'))
  delete requireHere.cache[file]
  return requireHere(file) as Deliver
}

/** `[keys]` then `rest`, with the tag for column set `id` and the key list's length. */
function wire(keys: string[], rest: string, id: number, one = false): [string, number, number] {
  const head = JSON.stringify(keys)
  return [head + rest, 2 * id + (one ? 1 : 0), head.length]
}

describe('lib/deliver.js', () => {
  it('materialize: a plain value is JSON.parse of the text', () => {
    const d = fresh()
    expect(d.materialize('42', 0, 0)).toBe(42)
    expect(d.materialize('{"a":[1,null]}', 0, 0)).toEqual({ a: [1, null] })
    expect(d.materialize('null', 0, 0)).toBeNull()
  })

  it('materialize: rows become objects with the keys in column order', () => {
    const d = fresh()
    const rows = d.materialize(...wire(['id', 'fullName', 'isPrivate'], '[[1,"Zoë",true],[2,null,false]]', 7))
    expect(rows).toEqual([
      { id: 1, fullName: 'Zoë', isPrivate: true },
      { id: 2, fullName: null, isPrivate: false },
    ])
    expect(Object.keys((rows as object[])[0] as object)).toEqual(['id', 'fullName', 'isPrivate'])
    expect(d.materialize(...wire(['id'], '[]', 8))).toEqual([])
  })

  it('materialize: one row (odd tag) is an object; no row is null', () => {
    const d = fresh()
    expect(d.materialize(...wire(['a', 'b'], '[1,"x"]', 3, true))).toEqual({ a: 1, b: 'x' })
    // The native side writes a missing row as plain `null` with no key list.
    expect(d.materialize('null', 2 * 3 + 1, 0)).toBeNull()
  })

  it('keys are parsed once per column set: later results of that set may carry any key text', () => {
    const d = fresh()
    expect(d.materialize(...wire(['a'], '[[1]]', 11))).toEqual([{ a: 1 }])
    // Same id: the factory made for ['a'] is reused, the key text is not read again.
    const [text, tag] = wire(['zzz'], '[[2]]', 11)
    expect(d.materialize(text, tag, JSON.stringify(['zzz']).length)).toEqual([{ a: 2 }])
  })

  it('keys that are not identifiers, and __proto__, are plain own properties', () => {
    const d = fresh()
    const keys = ['a-b', '0', 'with "quote"', '__proto__', 'constructor']
    const [row] = d.materialize(...wire(keys, '[[1,2,3,4,5]]', 12)) as Record<string, unknown>[]
    expect(row).toBeDefined()
    for (const [i, k] of keys.entries()) expect(Object.getOwnPropertyDescriptor(row, k)?.value).toBe(i + 1)
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype)
  })

  it('column set 0 (db.query): factories by key list, in a bounded cache', async () => {
    const d = fresh() as Deliver & { dynamicShapes: () => number; DYNAMIC_SHAPES: number }
    expect(d.materialize(...wire(['a'], '[[1],[2]]', 0))).toEqual([{ a: 1 }, { a: 2 }])
    // Another key list under the same id 0 is its own shape.
    expect(d.materialize(...wire(['b', 'c'], '[[1,2]]', 0))).toEqual([{ b: 1, c: 2 }])
    expect(await d.deliver(...wire(['a'], '[[3]]', 0), null)).toEqual([{ a: 3 }])
    expect(d.dynamicShapes()).toBe(2)
    for (let i = 0; i < 3 * d.DYNAMIC_SHAPES; i++) expect(d.materialize(...wire([`k${i}`], '[[1]]', 0))).toEqual([{ [`k${i}`]: 1 }])
    expect(d.dynamicShapes()).toBe(d.DYNAMIC_SHAPES)
    // An evicted key list is compiled again, correctly.
    expect(d.materialize(...wire(['a'], '[[4]]', 0))).toEqual([{ a: 4 }])
    const row = (d.materialize(...wire(['__proto__', 'x'], '[[{"polluted":true},1]]', 0)) as object[])[0] as object
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype)
    expect(Object.keys(row)).toEqual(['__proto__', 'x'])
  })

  it('materialize: a long listing in parts (keys with the first) is one array', () => {
    const d = fresh()
    const [first, tag, keysEnd] = wire(['n'], '[[1],[2]]', 13)
    expect(d.materialize([first, '[[3]]', '[[4],[5]]'], tag, keysEnd)).toEqual([1, 2, 3, 4, 5].map((n) => ({ n })))
  })

  it('parseInto appends a streamed piece, with or without the key list', () => {
    const d = fresh()
    const rows: unknown[] = []
    const [first, tag, keysEnd] = wire(['n'], '[[1]]', 14)
    d.parseInto(rows, first, tag, keysEnd)
    d.parseInto(rows, '[[2],[3]]', tag, 0)
    expect(rows).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }])
  })

  it('deliver: resolves each result, in the order given, later than the call', async () => {
    const d = fresh()
    const order: number[] = []
    const a = d.deliver('1', 0, 0, null).then((v) => order.push(v as number))
    const b = d.deliver(...wire(['x'], '[[2]]', 15), null).then((v) => order.push((v as { x: number }[])[0]!.x))
    expect(order).toEqual([])
    await Promise.all([a, b])
    expect(order).toEqual([1, 2])
  })

  it('deliver: a segmented listing is parsed over several turns and arrives whole', async () => {
    const d = fresh()
    // Arrays of ~100 KB each: more than one turn's share (256 KB) in all.
    const arrays = Array.from({ length: 6 }, (_, k) =>
      JSON.stringify(Array.from({ length: 2000 }, (_, i) => [k * 2000 + i, 'x'.repeat(40)])),
    )
    const head = JSON.stringify(['n', 's'])
    const text = head + arrays.join('')
    const ends: number[] = []
    let at = head.length
    for (const a of arrays) ends.push((at += a.length))
    let turns = 0
    const counter = setInterval(() => (turns += 1), 0)
    const rows = (await d.deliver(text, 2 * 16, head.length, ends)) as { n: number; s: string }[]
    clearInterval(counter)
    expect(rows.length).toBe(12_000)
    expect(rows.map((r) => r.n)).toEqual(Array.from({ length: 12_000 }, (_, i) => i))
    expect(turns, 'timers ran between the pieces').toBeGreaterThan(0)
  })

  it('deliver: malformed text rejects that call only; the queue goes on', async () => {
    const d = fresh()
    const bad = d.deliver('[keys', 2 * 17, 5, null)
    const good = d.deliver('"ok"', 0, 0, null)
    await expect(bad).rejects.toThrow(SyntaxError)
    await expect(good).resolves.toBe('ok')
  })

  it('without code generation from strings the same objects are built', () => {
    const script = `
      const d = require(${JSON.stringify(path.join(ROOT, 'lib', 'deliver.js'))})
      const head = JSON.stringify(['a', 'b c', '__proto__'])
      const out = [
        d.materialize(head + '[[1,"x",2],[3,null,4]]', 2, head.length),
        d.materialize(head + '[5,"y",6]', 5, head.length),
        Object.keys(d.materialize(head + '[[1,2,3]]', 2, head.length)[0]),
      ]
      let compiled = true
      try { new Function('return 1') } catch { compiled = false }
      console.log(JSON.stringify({ out, compiled }))`
    const run = (flags: string[]): { out: unknown; compiled: boolean } =>
      JSON.parse(execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' })) as {
        out: unknown
        compiled: boolean
      }
    const plain = run([])
    const strict = run(['--disallow-code-generation-from-strings'])
    expect(plain.compiled).toBe(true)
    expect(strict.compiled).toBe(false)
    expect(strict.out).toEqual(plain.out)
  })
})

describe('every environment gets its own delivery', () => {
  it('worker threads and the main thread read at once, each through its own lib/deliver.js', async () => {
    const file = tempDb()
    const seed = py<{ accounts: Record<string, number> }>(['seed', file])
    const account = Object.values(seed.accounts)[0]
    // Each worker loads the package itself (initialize runs in its environment),
    // reads both forms, and closes; one worker is terminated mid-read.
    const body = `
      const { parentPort, workerData } = require('node:worker_threads')
      const { openDatabase } = require(workerData.index)
      const db = openDatabase({ path: workerData.file, readonly: true })
      ;(async () => {
        const sync = db.getSessionsSync(workerData.account, { limit: 600 })
        const async_ = await db.getSessions(workerData.account, { limit: 600 })
        const one = await db.getAccounts()
        db.close()
        parentPort.postMessage({ sync, async_, one })
      })()`
    const { Worker } = await import('node:worker_threads')
    const run = (): Promise<{ sync: unknown; async_: unknown; one: unknown }> =>
      new Promise((resolve, reject) => {
        const w = new Worker(body, { eval: true, workerData: { index: path.join(ROOT, 'index.js'), file, account } })
        w.once('message', resolve)
        w.once('error', reject)
      })
    const doomed = new Worker(body, { eval: true, workerData: { index: path.join(ROOT, 'index.js'), file, account } })
    const { openDatabase } = requireHere(path.join(ROOT, 'index.js')) as typeof import('../index.js')
    const db = openDatabase({ path: file, readonly: true })
    const [a, b] = await Promise.all([run(), run(), doomed.terminate()])
    const main = { sync: db.getSessionsSync(account!, { limit: 600 }), async_: await db.getSessions(account!, { limit: 600 }), one: await db.getAccounts() }
    db.close()
    expect((main.sync as unknown[]).length).toBeGreaterThan(0)
    expect(main.async_).toEqual(main.sync)
    expect(a).toEqual(main)
    expect(b).toEqual(main)
  })
})

describe('the addon under --disallow-code-generation-from-strings', () => {
  let file = ''
  let seed: { accounts: Record<string, number> }
  beforeAll(() => {
    file = tempDb()
    seed = py<{ accounts: Record<string, number> }>(['seed', file])
  })

  it('every kind of result (rows, one row, null, a count, Sync and async, a long listing) is the same', () => {
    const account = Object.values(seed.accounts)[0]
    const script = `
      const { openDatabase } = require(${JSON.stringify(path.join(ROOT, 'index.js'))})
      const db = openDatabase({ path: ${JSON.stringify(file)}, readonly: true })
      const a = ${JSON.stringify(account)}
      ;(async () => {
        const out = {
          accounts: db.getAccountsSync(),
          sessions: db.getSessionsSync(a, { limit: 10000 }),
          sessionsAsync: await db.getSessions(a, { limit: 10000 }),
          interactions: await db.getInteractions(a, { limit: 10000 }),
          profiles: db.getProfilesSync(a, { limit: 600 }),
          profile: db.getProfileSync(1),
          missing: await db.getProfile('no-such-user-anywhere'),
          count: db.countProfilesSync(a),
          daily: await db.getDailyStats(a, 30),
          info: db.getDatabaseInfoSync().tables,
        }
        let compiled = true
        try { new Function('return 1') } catch { compiled = false }
        db.close()
        console.log(JSON.stringify({ out, compiled }))
      })()`
    const run = (flags: string[]): { out: Record<string, unknown>; compiled: boolean } =>
      JSON.parse(
        execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8', maxBuffer: 256 << 20 }),
      ) as { out: Record<string, unknown>; compiled: boolean }
    const plain = run([])
    const strict = run(['--disallow-code-generation-from-strings'])
    expect(strict.compiled).toBe(false)
    expect((plain.out.sessions as unknown[]).length).toBeGreaterThan(0)
    expect((plain.out.interactions as unknown[]).length).toBeGreaterThan(0)
    expect(strict.out).toEqual(plain.out)
  })
})

describe("the Sync reads' fast path (src/node/fast.rs)", () => {
  // In a process of its own: the test reads lib/deliver.js's `meta` to see
  // which way each call went, so it needs the instance index.js initialized.
  it('answers exactly as the napi-rs methods, from the first call; anything else goes to them', () => {
    const file = tempDb()
    py(['seed', file])
    const script = `
      const { isDeepStrictEqual } = require('node:util')
      const index = require(${JSON.stringify(path.join(ROOT, 'index.js'))})
      const meta = new Float64Array(require(${JSON.stringify(path.join(ROOT, 'lib', 'deliver.js'))}).meta)
      const NATIVE = Symbol.for('taktik-db.nativeSyncRead')
      const proto = index.TaktikDatabase.prototype
      const fast = Object.getOwnPropertyNames(proto).filter((n) => n.endsWith('Sync') && typeof proto[n][NATIVE] === 'function')
      const db = index.openDatabase({ path: ${JSON.stringify(file)}, readonly: true })
      const a = db.getAccountsSync()[0].accountId
      const calls = [
        ['getProfileSync', [1]], ['getProfileSync', ['no-such-user']], ['getProfileSync', ['@' + db.getProfileSync(1).username]],
        ['getAccountsSync', []], ['getTikTokAccountsSync', []], ['getSessionsSync', [a]], ['getSessionsSync', [a, null]],
        ['getSessionsSync', [a, { limit: 600 }]], ['getSessionsSync', [a, undefined]], ['countProfilesSync', [a, { isPrivate: false }]],
        ['getProfilesSync', [a, { limit: 600, sortBy: 'followersCount' }]], ['getDailyStatsSync', [a, 30]],
        ['getInteractionsSync', [a, { limit: 5 }]], ['getDiscoveryCampaignsSync', []], ['getDiscoveryCampaignsSync', [null]],
      ]
      const cursor = db.getSessionsSync(a, { limit: 2 }).nextCursor
      calls.push(['getSessionsSync', [a, { limit: 2, after: cursor }]])
      const ways = []
      const same = calls.map(([name, args]) => {
        meta[2] = NaN
        const viaFast = proto[name].apply(db, args)
        ways.push(meta[2])
        const viaNapi = proto[name][NATIVE].apply(db, args)
        // nextCursor is not enumerable: isDeepStrictEqual does not see it.
        return isDeepStrictEqual(viaFast, viaNapi) && viaFast?.nextCursor === viaNapi?.nextCursor
      })
      const error = (f) => { try { f(); return null } catch (e) { return [e.constructor.name, e.code ?? null, e.message] } }
      const bad = [error(() => db.getProfileSync()), error(() => proto.getProfileSync[NATIVE].call(db))]
      const foreign = error(() => proto.getAccountsSync.call(Object.create(proto)))
      // Opened without index.js: the first Sync read goes through napi-rs, which
      // introduces the database; the next one takes the fast path.
      const raw = require(${JSON.stringify(path.join(ROOT, 'binding.js'))}).openDatabase({ path: ${JSON.stringify(file)}, readonly: true })
      meta[2] = NaN
      const first = [raw.getAccountsSync(), meta[2]]
      const second = [raw.getAccountsSync(), meta[2]]
      db.close()
      const closed = error(() => db.getAccountsSync())
      raw.close()
      console.log(JSON.stringify({ fast, same, ways, bad, foreign, first, second, closed }))`
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as {
      fast: string[]
      same: boolean[]
      ways: number[]
      bad: unknown[][]
      foreign: unknown[]
      first: [unknown, number]
      second: [unknown, number]
      closed: unknown[]
    }
    const reads = ['getAccountsSync', 'getProfileSync', 'getSessionsSync', 'getProfilesSync', 'countProfilesSync', 'getDailyStatsSync',
      'getInteractionsSync', 'getTikTokProfilesSync', 'getScrapingSessionSync', 'getDiscoveredProfilesSync', 'getPostsSync']
    const ops = ['updateProfileNotesSync', 'deleteSessionSync', 'backupSync', 'getDatabaseInfoSync', 'exportCsvSync', 'checkpointSync']
    expect(out.fast).toEqual(expect.arrayContaining(reads))
    for (const op of ops) expect(out.fast).not.toContain(op)
    expect(out.same.every(Boolean)).toBe(true)
    // Text materialized in JS (1), or a streamed listing's rows (0): never the napi-rs method (-1).
    expect(out.ways.every((w) => w === 0 || w === 1)).toBe(true)
    expect(out.ways).toContain(0)
    expect(out.bad[0]).toEqual(out.bad[1])
    expect(out.bad[0]?.[1]).toBe('INVALID_ARGUMENT')
    expect(out.foreign).toEqual(['TypeError', null, 'Illegal invocation'])
    expect(out.first[1]).toBe(-1) // not one it knew: the napi-rs method answered
    expect(out.second[1]).toBe(1)
    expect(out.second[0]).toEqual(out.first[0])
    expect(out.closed?.[1]).toBe('CLOSED')
  })
})

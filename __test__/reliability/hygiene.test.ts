// Issue 5.6 and 5.7: no panic crosses into Node; open/close and watch cycles
// leak no file descriptors, threads or memory; close() with work in flight
// settles every promise.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase, type TaktikDatabase } from '../../index.js'
import { py, ROOT, tempDb } from '../helpers'
import { codeOf, ERROR_CODES, figures, processCounts, scale, sleep, TIME_FACTOR } from './common'

interface Seed {
  accounts: Record<string, number>
  profiles: Record<string, number>
  sessions: { sessionId: number }[]
}

const CYCLES = scale(2_000, 100_000)
const MiB = 2 ** 20

/** Runs `script` in a fresh Node with TAKTIK_DB_PANIC_PROBE set; returns its JSON output and exit status. */
function probe(
  file: string,
  spec: string,
  script: string,
  env: Record<string, string> = {},
): { status: number | null; out: Record<string, string> } {
  const code = `
    const { openDatabase } = require(${JSON.stringify(path.join(ROOT, 'index.js'))})
    const db = openDatabase({ path: process.argv[1] })
    const codeOf = (e) => (e && e.code) || 'UNCODED ' + String(e)
    const out = {}
    ;(async () => { ${script}; console.log(JSON.stringify(out)) })()
  `
  try {
    const stdout = execFileSync(process.execPath, ['-e', code, file], {
      env: { ...process.env, TAKTIK_DB_PANIC_PROBE: spec, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    return { status: 0, out: JSON.parse(stdout.trim().split('\n').pop() ?? '{}') }
  } catch (e) {
    const err = e as { status: number | null; signal: string | null; stderr: string }
    return { status: err.status, out: { signal: String(err.signal), stderr: err.stderr } }
  }
}

describe('panics', () => {
  it('a panic in an exported function becomes an INTERNAL error, Sync or async, and the process lives on', () => {
    const file = tempDb()
    py(['seed', file])
    // On the JS thread, while the arguments are read.
    const parse = probe(file, 'getAccounts:parse', `
      try { db.getAccountsSync(); out.sync = 'returned' } catch (e) { out.sync = codeOf(e); out.message = e.message }
      try { await db.getAccounts(); out.async = 'resolved' } catch (e) { out.async = codeOf(e) }
      out.after = String(db.getTikTokAccountsSync().length)`)
    expect(parse.status, JSON.stringify(parse.out)).toBe(0)
    expect(parse.out).toMatchObject({ sync: 'INTERNAL', async: 'INTERNAL', after: '2' })
    expect(parse.out.message).toContain('TAKTIK_DB_PANIC_PROBE')
    // Inside the query: on the JS thread for Sync, on a libuv worker for async.
    const exec = probe(file, 'getProfiles:execute', `
      const acc = db.getAccountsSync()[0].accountId
      try { db.getProfilesSync(acc); out.sync = 'returned' } catch (e) { out.sync = codeOf(e) }
      // limit >= 500: the Sync form runs the query on a helper thread (streamed).
      try { db.getProfilesSync(acc, { limit: 500 }); out.streamed = 'returned' } catch (e) { out.streamed = codeOf(e) }
      try { await db.getProfiles(acc); out.async = 'resolved' } catch (e) { out.async = codeOf(e) }
      out.after = String((await db.getSessions(acc)).length > 0) + ',' + String(db.getSessionsSync(acc, { limit: 500 }).length > 0)`)
    expect(exec.status, JSON.stringify(exec.out)).toBe(0)
    expect(exec.out).toMatchObject({ sync: 'INTERNAL', streamed: 'INTERNAL', async: 'INTERNAL', after: 'true,true' })
    // A write panicking inside its transaction: rolled back, the writer still works.
    const write = probe(file, 'createDiscoveryCampaign:execute', `
      try { db.createDiscoveryCampaignSync({ name: 'x' }); out.sync = 'returned' } catch (e) { out.sync = codeOf(e) }
      try { await db.createDiscoveryCampaign({ name: 'y' }); out.async = 'resolved' } catch (e) { out.async = codeOf(e) }
      out.after = String(db.deleteDiscoveryCampaignSync(1).dryRun === false)`)
    expect(write.status, JSON.stringify(write.out)).toBe(0)
    expect(write.out).toMatchObject({ sync: 'INTERNAL', async: 'INTERNAL', after: 'true' })
  })
})

describe('no thread to be had', () => {
  it('a Sync listing that would stream on a helper thread reads inline instead (no abort)', () => {
    const file = tempDb()
    py(['seed', file])
    // Every new Rust thread then asks for a 1 PiB stack, which the OS refuses:
    // spawning must fail softly (std's scope.spawn would panic on the JS thread).
    const r = probe(
      file,
      '',
      `
      const acc = db.getAccountsSync()[0].accountId
      const streamed = db.getProfilesSync(acc, { limit: 500 })
      out.rows = String(streamed.length)
      out.same = String(JSON.stringify(streamed) === JSON.stringify(await db.getProfiles(acc, { limit: 500 })))
      out.sessions = String(db.getSessionsSync(acc, { limit: 500 }).length === db.getSessionsSync(acc, { limit: 499 }).length)`,
      { RUST_MIN_STACK: String(2 ** 50) },
    )
    expect(r.status, JSON.stringify(r.out)).toBe(0)
    expect(Number(r.out.rows)).toBeGreaterThan(0)
    expect(r.out).toMatchObject({ same: 'true', sessions: 'true' })
  })
})

/** Counts now, after letting exiting threads finish and collecting garbage. */
async function settle(): Promise<{ fds: number; threads: number; rss: number }> {
  for (let i = 0; i < 3; i++) {
    await sleep(50)
    ;(globalThis as { gc?: () => void }).gc?.()
  }
  const counts = processCounts() ?? { fds: 0, threads: 0 }
  return { ...counts, rss: process.memoryUsage().rss }
}

describe('resource hygiene', () => {
  it(`${CYCLES} open/close cycles and ${CYCLES} watch cycles leak no fds, threads or memory`, async () => {
    const file = tempDb()
    const seed = py<Seed>(['seed', file])
    const acc = seed.accounts['alice_bot']!
    const cycle = (i: number) => {
      const db = openDatabase({ path: file, readonly: i % 2 === 1 })
      db.getAccountsSync()
      if (i % 10 === 0) db.getProfilesSync(acc, { limit: 5 })
      db.close()
    }
    for (let i = 0; i < 200; i++) cycle(i) // warm-up: pools, caches, lazy init
    const before = await settle()
    const t0 = performance.now()
    for (let i = 0; i < CYCLES; i++) {
      cycle(i)
      if (i % 5_000 === 4_999) await sleep(0) // let finalizers run
    }
    const openSeconds = (performance.now() - t0) / 1000
    const afterOpen = await settle()

    // Measured with no connection open: while one is, SQLite's unix VFS keeps
    // the descriptors of connections closed during a lock open (closing one
    // would drop the process's POSIX locks) and closes them with the last
    // connection. Reported as pendingFdsWhileOpen.
    const beforeWatch = await settle()
    const db = openDatabase({ path: file })
    for (let i = 0; i < 50; i++) db.watch(() => {}).close()
    const warm = await settle()
    const w0 = performance.now()
    for (let i = 0; i < CYCLES; i++) {
      const h = db.watch(() => {}, { intervalMs: 10 })
      h.close()
      if (i % 1_000 === 999) await sleep(0)
    }
    const watchSeconds = (performance.now() - w0) / 1000
    const whileOpen = await settle()
    db.close()
    const afterWatch = await settle()

    const result = {
      cycles: CYCLES,
      openClose: { seconds: Number(openSeconds.toFixed(1)), fds: [before.fds, afterOpen.fds], threads: [before.threads, afterOpen.threads], rssMiB: [before.rss / MiB, afterOpen.rss / MiB].map((x) => Number(x.toFixed(1))) },
      watch: { seconds: Number(watchSeconds.toFixed(1)), pendingFdsWhileOpen: whileOpen.fds - warm.fds, fds: [beforeWatch.fds, afterWatch.fds], threads: [beforeWatch.threads, afterWatch.threads], rssMiB: [beforeWatch.rss / MiB, afterWatch.rss / MiB].map((x) => Number(x.toFixed(1))) },
    }
    figures('hygiene', result)
    if (processCounts()) {
      expect(afterOpen.fds).toBeLessThanOrEqual(before.fds)
      expect(afterOpen.threads).toBeLessThanOrEqual(before.threads)
      expect(afterWatch.fds).toBeLessThanOrEqual(beforeWatch.fds)
      expect(afterWatch.threads).toBeLessThanOrEqual(beforeWatch.threads)
    }
    // Memory: V8 and the allocator keep some slack; a leak per cycle would be
    // well over this at either scale (a few KB x 100,000).
    expect(afterOpen.rss - before.rss).toBeLessThan(48 * MiB)
    expect(afterWatch.rss - beforeWatch.rss).toBeLessThan(48 * MiB)
  }, scale(60_000, 600_000) * TIME_FACTOR)

  it('close() with reads, writes and maintenance in flight settles every promise', async () => {
    const file = tempDb()
    const seed = py<Seed>(['seed', file])
    const acc = seed.accounts['alice_bot']!
    const dir = path.dirname(file)
    const rounds = scale(5, 30)
    const outcomes: Record<string, number> = {}
    for (let round = 0; round < rounds; round++) {
      const db: TaktikDatabase = openDatabase({ path: file })
      const calls: Promise<unknown>[] = []
      for (let i = 0; i < 16; i++) {
        calls.push(db.getProfiles(acc, { limit: 1000 }), db.getInteractions(acc, { limit: 500 }), db.getSessionStats(seed.sessions[0]!.sessionId), db.getDailyStats(acc, 365))
      }
      calls.push(
        db.createDiscoveryCampaign({ name: `in flight ${round}` }),
        db.updateProfileNotes(seed.profiles['anna.fit']!, `round ${round}`),
        db.backup(path.join(dir, `b${round}.db`)),
        db.exportCsv('profiles', path.join(dir, `p${round}.csv`), { accountId: acc }),
        db.integrityCheck({ quick: true }),
        db.checkpoint('PASSIVE'),
      )
      const watch = db.watch(() => {})
      const c0 = performance.now()
      db.close() // returns at once: never waits for the work in flight
      const closeMs = performance.now() - c0
      expect(closeMs).toBeLessThan(1000)
      expect(watch.closed).toBe(true)
      const settled = await Promise.race([Promise.allSettled(calls), sleep(30_000).then(() => null)])
      expect(settled, 'every call settles').not.toBeNull()
      for (const s of settled!) {
        const key = s.status === 'fulfilled' ? 'fulfilled' : codeOf(s.reason)
        outcomes[key] = (outcomes[key] ?? 0) + 1
        if (s.status === 'rejected') expect(ERROR_CODES.has(codeOf(s.reason)), String(s.reason)).toBe(true)
      }
      // After close: Sync throws CLOSED, async rejects with it, close() again is harmless.
      expect(() => db.getAccountsSync()).toThrow(expect.objectContaining({ code: 'CLOSED' }))
      await expect(db.getAccounts()).rejects.toMatchObject({ code: 'CLOSED' })
      await expect(db.deleteAccount(acc)).rejects.toMatchObject({ code: 'CLOSED' })
      db.close()
    }
    // The file is fine and whole afterwards.
    const check = openDatabase({ path: file })
    expect((await check.integrityCheck()).ok).toBe(true)
    check.close()
    figures('close-in-flight', { rounds, callsPerRound: 70, outcomes })
  }, scale(60_000, 300_000))
})

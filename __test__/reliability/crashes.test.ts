// Issue 5.3: kill -9 in the middle of writes, both sides. The Python bot killed
// mid-transaction (this process's handle stays open and carries on), and a Node
// process using the addon killed mid-write (a Python writer and this process
// carry on). Afterwards integrity_check is ok and every committed row is there.
import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../index.js'
import { finished, py, spawnPy, tempDb, waitForStderr } from '../helpers'
import { figures, scale, sleep } from './common'

const KILLS = scale(4, 20)
const BATCH = 20

/**
 * Collects `C id id …` lines (committed ids) and the `A id` line as they
 * arrive; `inWrite()` says whether the last line was `B` (a write had begun
 * and not been reported committed: the kill landed inside it, or between its
 * commit and the report).
 */
function committedIds(child: ChildProcess): { ids: number[]; account: () => number; inWrite: () => boolean } {
  const ids: number[] = []
  let account = 0
  let last = ''
  let partial = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) {
      const [kind, ...rest] = line.trim().split(' ')
      if (kind === 'C') ids.push(...rest.map(Number))
      if (kind === 'A') account = Number(rest[0])
      if (kind) last = kind
    }
  })
  return { ids, account: () => account, inWrite: () => last === 'B' }
}

const exited = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode)
    else child.on('exit', (_code, signal) => resolve(signal))
  })

/** Kills `child` with SIGKILL once it has committed something, after a random extra delay. */
async function killMidway(child: ChildProcess, ids: number[]): Promise<void> {
  while (ids.length === 0) await sleep(5)
  await sleep(10 + Math.random() * 120)
  child.kill('SIGKILL')
  expect(await exited(child)).toBe('SIGKILL')
}

describe(`crashes: kill -9, ${KILLS} times each side`, () => {
  it('a Python writer killed mid-transaction: committed batches all there, no partial batch, the addon carries on', async () => {
    const file = tempDb()
    const seed = py<{ accounts: Record<string, number>; profiles: Record<string, number> }>(['seed', file])
    const db = openDatabase({ path: file }) // stays open across every kill
    const printed: number[] = []
    let killedInWrite = 0
    let account = 0
    let appWrites = 0
    for (let k = 0; k < KILLS; k++) {
      const child = spawnPy(['crashwriter', file, '--batch', String(BATCH)])
      const got = committedIds(child)
      await waitForStderr(child, 'READY')
      await killMidway(child, got.ids)
      if (got.inWrite()) killedInWrite++
      printed.push(...got.ids)
      account = got.account()
      // The surviving side: reads and writes through the same handle, no reopen.
      expect((await db.getInteractions(account, { limit: 5 })).length).toBeGreaterThan(0)
      expect(db.getAccountsSync().length).toBeGreaterThan(0)
      expect((await db.updateProfileNotes(seed.profiles['anna.fit']!, `after kill ${k}`)).changes).toBe(1)
      appWrites++
    }
    const present = new Set<number>()
    for (let offset = 0; ; offset += 1000) {
      const page = await db.getInteractions(account, { limit: 1000, offset })
      for (const r of page) present.add(r.id)
      if (page.length < 1000) break
    }
    const missing = printed.filter((id) => !present.has(id))
    const integrity = await db.integrityCheck()
    // Every batch is one transaction: all of it or none (a batch committed just
    // before the kill may be unprinted, so at most one extra batch per kill).
    const extra = present.size - printed.length
    expect(missing).toEqual([])
    expect(present.size % BATCH).toBe(0)
    expect(extra).toBeGreaterThanOrEqual(0)
    // Behind the python3 bridge of npm run test:windows a kill lands later
    // (the socket closes, then the Linux side kills): more whole batches.
    if (!process.env.TAKTIK_PYTHON_BRIDGE_PORT) expect(extra).toBeLessThanOrEqual(KILLS * BATCH)
    expect(integrity.ok).toBe(true)
    expect(db.getProfileSync(seed.profiles['anna.fit']!)?.notes).toBe(`after kill ${KILLS - 1}`)
    // And the bot itself starts again on the same file.
    const again = py<{ written: number }>(['writer', file, '--count', '20', '--interval-ms', '0'])
    expect(again.written).toBe(20)
    figures('crash-python', {
      kills: KILLS,
      killsInsideATransaction: killedInWrite,
      batchSize: BATCH,
      committedPrinted: printed.length,
      rowsPresent: present.size,
      committedMissing: missing.length,
      partialBatches: present.size % BATCH === 0 ? 0 : 1,
      integrityOk: integrity.ok,
      addonWritesBetweenKills: appWrites,
    })
    db.close()
  }, scale(60_000, 240_000))

  // The bot is stopped at the end as with Ctrl-C (it finishes its session
  // cleanly): by SIGINT, or on Windows, where Node cannot send a child SIGINT
  // (kill() terminates it), by a stop file. The killed Node writers get
  // SIGKILL, which on Windows is TerminateProcess: the same abrupt end.
  it('a Node process killed in the middle of addon writes: every returned write is there, Python and this process carry on', async () => {
    const file = tempDb()
    py(['seed', file])
    const db = openDatabase({ path: file })
    const stopFile = `${file}.stop`
    const bot = spawnPy(['writer', file, '--seconds', '600', '--interval-ms', '2', '--account', 'survivor_bot', '--stop-file', stopFile])
    const botDone = finished<{ written: number; sessionId: number; interrupted: boolean }>(bot)
    await waitForStderr(bot, 'READY')
    let botAlive = true
    bot.on('exit', () => (botAlive = false))

    const printed: number[] = []
    let killedInWrite = 0
    const tags: string[] = []
    for (let k = 0; k < KILLS; k++) {
      const tag = `crash${k}`
      tags.push(tag)
      const child = spawn(process.execPath, [path.join(__dirname, 'node-writer.mjs'), file, tag], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      const got = committedIds(child)
      await waitForStderr(child, 'READY')
      await killMidway(child, got.ids)
      if (got.inWrite()) killedInWrite++
      printed.push(...got.ids)
      expect(botAlive).toBe(true) // the bot never noticed
      expect((await db.getDiscoveryCampaigns()).length).toBeGreaterThan(0) // nor did this process
    }
    if (process.platform === 'win32') writeFileSync(stopFile, '')
    else bot.kill('SIGINT') // the writer ends its session cleanly on SIGINT
    const out = await botDone
    expect(out.interrupted).toBe(true)

    const campaigns = await db.getDiscoveryCampaigns()
    const byId = new Map(campaigns.map((c) => [c.campaignId, c]))
    const missing = printed.filter((id) => !byId.has(id))
    const fromKilled = campaigns.filter((c) => tags.some((t) => c.name.startsWith(`${t}-`)))
    // A write that committed just before the kill is there but was not printed.
    const unprinted = fromKilled.length - printed.length
    const torn = fromKilled.filter((c) => (c.nicheKeywords as unknown[] | null)?.length !== 2000)
    const stats = await db.getSessionStats(out.sessionId)
    const integrity = await db.integrityCheck()
    expect(missing).toEqual([])
    expect(unprinted).toBeGreaterThanOrEqual(0)
    expect(unprinted).toBeLessThanOrEqual(KILLS)
    expect(torn).toEqual([])
    expect(stats.totalInteractions).toBe(out.written)
    expect(integrity.ok).toBe(true)
    figures('crash-node', {
      kills: KILLS,
      killsInsideAWrite: killedInWrite,
      committedPrinted: printed.length,
      campaignsPresent: fromKilled.length,
      committedMissing: missing.length,
      tornRows: torn.length,
      pythonWritesMeanwhile: out.written,
      pythonRowsMissing: out.written - stats.totalInteractions,
      integrityOk: integrity.ok,
    })
    db.close()
  }, scale(60_000, 240_000))
})

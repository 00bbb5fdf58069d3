// Issue 5.1: four Python writers (the bot's own connection settings) insert
// interactions while this process runs eight async reader loops, Sync reads on
// the main thread and the app's own writes. Nothing may fail, no committed row
// may go missing, no read may go backwards, and the main thread keeps running.
import { describe, expect, it } from 'vitest'
import { openDatabase, type TaktikDatabase } from '../../index.js'
import { finished, py, spawnPy, tempDb, waitForStderr } from '../helpers'
import { codeOf, figures, scale, sleep, stallMonitor } from './common'

const WRITERS = 4
const TOTAL = scale(2_000, 50_000)

interface WriterOut {
  written: number
  accountId: number
  sessionId: number
}

/** "Reads never go backwards": a read that starts after another finished sees at least as much. */
class Floor {
  private seen = new Map<string, number>()
  backwards: string[] = []
  start(key: string): number {
    return this.seen.get(key) ?? 0
  }
  end(key: string, floor: number, value: number): void {
    if (value < floor) this.backwards.push(`${key}: ${floor} -> ${value}`)
    this.seen.set(key, Math.max(this.seen.get(key) ?? 0, value))
  }
}

describe(`concurrency: ${WRITERS} Python writers x ${TOTAL / WRITERS} interactions, 8 async readers, Sync reads, app writes`, () => {
  it('surfaces no error, loses no committed row, never goes backwards', async () => {
    const file = tempDb()
    py(['bootstrap', file])
    const db: TaktikDatabase = openDatabase({ path: file })
    const ro: TaktikDatabase = openDatabase({ path: file, readonly: true })
    const errors: string[] = []
    const fail = (where: string) => (e: unknown) => {
      errors.push(`${where}: ${codeOf(e)} ${e instanceof Error ? e.message : ''}`)
    }

    const writers = Array.from({ length: WRITERS }, (_, i) => {
      const child = spawnPy(['writer', file, '--count', String(TOTAL / WRITERS), '--interval-ms', '0', '--account', `stress_w${i}`, '--target-prefix', `w${i}_target_`])
      let running = true
      child.on('exit', () => (running = false))
      return { child, done: finished<WriterOut>(child), ready: waitForStderr(child, 'READY', 60_000), running: () => running }
    })
    await Promise.all(writers.map((w) => w.ready))
    const all = db.getAccountsSync()
    const accounts = writers.map((_, i) => all.find((a) => a.username === `stress_w${i}`)!)
    expect(accounts.every(Boolean)).toBe(true)
    const sessions = accounts.map((a) => db.getSessionsSync(a.accountId)[0]!.sessionId)
    const anyRunning = () => writers.some((w) => w.running())

    const floor = new Floor()
    // Longest main-thread stall, not counting ticks that ran a Sync write: a
    // Sync write waits for the write lock on this thread by design (measured
    // apart, as longestSyncWriteMs).
    const stall = stallMonitor()
    let longestSyncWrite = 0
    let asyncReads = 0
    let syncReads = 0
    let appWrites = 0
    const campaigns: number[] = []

    // Eight async reader loops over the hot dashboard queries.
    const readers = Array.from({ length: 8 }, async (_, r) => {
      let n = 0
      while (anyRunning()) {
        const i = (r + n++) % WRITERS
        const acc = accounts[i]!.accountId
        const key = `w${i}`
        try {
          switch (n % 4) {
            case 0: {
              const f = floor.start(`${key}.session`)
              const s = await db.getSessionStats(sessions[i]!)
              floor.end(`${key}.session`, f, s.totalInteractions)
              break
            }
            case 1: {
              const f = floor.start(`${key}.newest`)
              const rows = await ro.getInteractions(acc, { limit: 20 })
              floor.end(`${key}.newest`, f, rows[0]?.id ?? 0)
              break
            }
            case 2: {
              const f = floor.start(`${key}.daily`)
              const days = await db.getDailyStats(acc, 7)
              floor.end(`${key}.daily`, f, days.reduce((t, d) => t + d.totalLikes + d.totalFollows + d.totalComments, 0))
              break
            }
            default:
              await db.getProfiles(acc, { limit: 100 })
          }
          asyncReads++
        } catch (e) {
          fail('async read')(e)
        }
      }
    })
    // Sync reads on the main thread, between everything else.
    const syncTimer = setInterval(() => {
      const i = syncReads % WRITERS
      try {
        const f = floor.start(`w${i}.session`)
        const s = db.getSessionStatsSync(sessions[i]!)
        floor.end(`w${i}.session`, f, s.totalInteractions)
        ro.getAccountsSync()
        syncReads += 2
      } catch (e) {
        fail('sync read')(e)
      }
    }, 5)
    // The app's own writes: they queue for the same write lock as Python's.
    const writing = (async () => {
      while (anyRunning()) {
        try {
          let c
          if ((appWrites / 2) % 5 === 4) {
            const t = performance.now()
            c = db.createDiscoveryCampaignSync({ name: `sync ${appWrites}`, accountId: accounts[0]!.accountId })
            longestSyncWrite = Math.max(longestSyncWrite, performance.now() - t)
            stall.excuse()
          } else {
            c = await db.createDiscoveryCampaign({ name: `async ${appWrites}`, nicheKeywords: ['a', 'b'] })
          }
          campaigns.push(c.campaignId)
          await db.updateDiscoveryCampaign(c.campaignId, { status: 'paused' })
          appWrites += 2
        } catch (e) {
          fail('app write')(e)
        }
        await sleep(2)
      }
    })()

    const t0 = performance.now()
    const outs = await Promise.all(writers.map((w) => w.done))
    const seconds = (performance.now() - t0) / 1000
    await Promise.all([...readers, writing])
    clearInterval(syncTimer)
    const worstStall = stall.stop()

    // Afterwards: every row Python committed, every campaign the app created.
    let missing = 0
    for (const [i, out] of outs.entries()) {
      expect(out.accountId).toBe(accounts[i]!.accountId)
      const stats = await db.getSessionStats(out.sessionId)
      missing += out.written - stats.totalInteractions
      expect(stats.totalInteractions, `writer ${i}`).toBe(TOTAL / WRITERS)
    }
    const stored = new Set((await db.getDiscoveryCampaigns()).map((c) => c.campaignId))
    const lostCampaigns = campaigns.filter((id) => !stored.has(id)).length
    const integrity = await db.integrityCheck()

    const result = {
      pythonWriters: WRITERS,
      pythonRowsCommitted: outs.reduce((t, o) => t + o.written, 0),
      seconds: Number(seconds.toFixed(1)),
      asyncReads,
      syncReads,
      appWrites,
      errorsSurfaced: errors.length,
      committedRowsMissing: missing,
      appRowsMissing: lostCampaigns,
      readsBackwards: floor.backwards.length,
      longestMainThreadStallMs: Number(worstStall.toFixed(1)),
      longestSyncWriteMs: Number(longestSyncWrite.toFixed(1)),
      integrityOk: integrity.ok,
    }
    figures('concurrency', result)
    expect(errors).toEqual([])
    expect(floor.backwards).toEqual([])
    expect(missing).toBe(0)
    expect(lostCampaigns).toBe(0)
    expect(integrity.ok).toBe(true)
    expect(asyncReads).toBeGreaterThan(0)
    expect(syncReads).toBeGreaterThan(0)
    expect(appWrites).toBeGreaterThan(0)
    db.close()
    ro.close()
  }, scale(120_000, 900_000))
})

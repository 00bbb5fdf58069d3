// Shared by the reliability suite. `npm test` runs it at a small scale (the fast
// slice); `npm run test:stress` sets TAKTIK_STRESS=1 for the full figures, which
// each test records under .stress-results/ for RELIABILITY.md.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from '../helpers'

export const STRESS = process.env.TAKTIK_STRESS === '1'
/** `fast` in npm test, `full` under test:stress. */
export const scale = <T>(fast: T, full: T): T => (STRESS ? full : fast)
/** Timeouts of the long loops stretch by this under emulation (npm run test:windows sets it). */
export const TIME_FACTOR = Number(process.env.TAKTIK_TEST_TIME_FACTOR) || 1

/** Every code the addon may throw, read from the published typings. */
export const ERROR_CODES: ReadonlySet<string> = (() => {
  const dts = readFileSync(path.join(ROOT, 'index.d.ts'), 'utf8')
  const m = /export type TaktikErrorCode = ([^\n]+)/.exec(dts)
  if (!m) throw new Error('TaktikErrorCode not found in index.d.ts')
  return new Set([...m[1]!.matchAll(/'([A-Z_]+)'/g)].map((x) => x[1]!))
})()

/** The code of an addon error, or a description of what else was thrown. */
export function codeOf(e: unknown): string {
  const code: unknown = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined
  if (typeof code === 'string') return code
  return `NOT-A-CODED-ERROR: ${String(e)}`
}

/** Records a test's figures (only under test:stress; the fast slice's are not representative). */
export function figures(name: string, data: Record<string, unknown>): void {
  if (!STRESS) return
  const dir = path.join(ROOT, '.stress-results')
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ ...data, at: new Date().toISOString() }, null, 2))
}

/**
 * Longest lateness of a 1 ms timer: how long the main thread froze.
 * `excuse()` leaves the current tick out (a Sync write that waits for the
 * lock on this thread by design is measured apart).
 */
export function stallMonitor(): { stop: () => number; worst: () => number; excuse: () => void } {
  let worst = 0
  let excused = false
  let last = performance.now()
  const timer = setInterval(() => {
    const t = performance.now()
    if (!excused) worst = Math.max(worst, t - last - 1)
    excused = false
    last = t
  }, 1)
  return {
    worst: () => worst,
    excuse: () => {
      excused = true
    },
    stop: () => {
      clearInterval(timer)
      return worst
    },
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Linux: open file descriptors and threads of this process (null elsewhere). */
export function processCounts(): { fds: number; threads: number } | null {
  try {
    const status = readFileSync('/proc/self/status', 'utf8')
    const threads = Number(/Threads:\s+(\d+)/.exec(status)?.[1])
    const fds = readdirSync('/proc/self/fd').length
    return { fds, threads }
  } catch {
    return null
  }
}

// The benchmark compares taktik-db with a best-case better-sqlite3 database-service
// (benchmark/baseline.mjs). This keeps that comparison honest as the addon
// changes: on the Python fixture, the hostile rows and the checker's own edge
// cases, every method's output must stay deep-equal to the addon's. It also
// proves that the better-sqlite3 devDependency built and loads on a clean install.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { py, tempDb } from './helpers'

const CHECK = path.resolve(__dirname, '..', 'benchmark', 'check-baseline.mjs')
// better-sqlite3 is not Node-API: its binary loads only under the Node it was
// built for (the one that ran npm install, Node 20 in CI). Under Node >= 22
// (npm run test against other hosts) the check runs through node:sqlite.
const DRIVER = Number(process.versions.node.split('.')[0]) >= 22 ? 'node:sqlite' : 'better-sqlite3'
const DRIVER_PASSED = new RegExp(`^${DRIVER}: [1-9]\\d* passed, 0 failed\\b`, 'm')

function check(args: string[]): string {
  return execFileSync(process.execPath, [CHECK, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

describe(`benchmark baseline (${DRIVER}) returns exactly what the addon returns`, () => {
  // The unified baseline (SQL written for the bot's unified tables) is checked the
  // same way, on the same data written the unified way, and on the edge file
  // converted by the fixture's `migrate`.
  it.each([
    ['seeded', 'legacy', 'seed'],
    ['hostile', 'legacy', 'hostile'],
    ['seeded', 'unified', 'seed'],
    ['hostile', 'unified', 'hostile'],
  ])('on the %s fixture (%s layout)', (_label, layout, kind) => {
    const file = tempDb()
    py(['--layout', layout, kind, file])
    const out = check([file])
    expect(out).toContain(`(${layout} layout,`)
    // The driver itself ran (one that fails to load is only skipped).
    expect(out).toMatch(DRIVER_PASSED)
    expect(out).toMatch(/^\d+ passed, 0 failed$/m)
  })

  it.each([['legacy'], ['unified']])('on the checker edge cases (%s layout)', (layout) => {
    const out = check(['--edge', ...(layout === 'unified' ? ['--unified'] : [])])
    expect(out).toContain(`(${layout} layout,`)
    expect(out).toMatch(DRIVER_PASSED)
    expect(out).toMatch(/^\d+ passed, 0 failed$/m)
  })
})

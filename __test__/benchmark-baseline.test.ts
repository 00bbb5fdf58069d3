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

function check(args: string[]): string {
  return execFileSync(process.execPath, [CHECK, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

describe('benchmark baseline (better-sqlite3) returns exactly what the addon returns', () => {
  it.each([
    ['seeded', 'seed'],
    ['hostile', 'hostile'],
  ])('on the %s fixture', (_label, kind) => {
    const file = tempDb()
    py([kind, file])
    const out = check([file])
    // better-sqlite3 itself ran (a driver that fails to load is only skipped).
    expect(out).toMatch(/^better-sqlite3: [1-9]\d* passed, 0 failed$/m)
    expect(out).toMatch(/^\d+ passed, 0 failed$/m)
  })

  it('on the checker edge cases', () => {
    const out = check(['--edge'])
    expect(out).toMatch(/^better-sqlite3: [1-9]\d* passed, 0 failed$/m)
    expect(out).toMatch(/^\d+ passed, 0 failed$/m)
  })
})

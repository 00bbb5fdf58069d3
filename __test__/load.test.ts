// Issue 6.6: when the native binary is missing or built for another platform,
// the error names the platform, the files looked for and the fix.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { PLATFORM, ROOT, tempDb } from './helpers'

const NODE_FILE = `taktik-db.${PLATFORM}.node`

/** A copy of the package's JS (no binary, nor the files in `leaveOut`) in `dir`; returns what requiring it throws, as JSON. */
function requireIn(dir: string, env: Record<string, string> = {}, leaveOut: string[] = []): { code?: string; message: string; ok?: boolean } {
  mkdirSync(dir, { recursive: true })
  mkdirSync(path.join(dir, 'lib'), { recursive: true })
  const lib = readdirSync(path.join(ROOT, 'lib')).map((f) => `lib/${f}`)
  for (const f of ['index.js', 'binding.js', 'package.json', ...lib]) {
    if (!leaveOut.includes(f)) copyFileSync(path.join(ROOT, f), path.join(dir, f))
  }
  const script = `try { const m = require(${JSON.stringify(path.join(dir, 'index.js'))}); console.log(JSON.stringify({ ok: typeof m.openDatabase === 'function', message: '' })) }
    catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })) }`
  const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ...env } })
  return JSON.parse(out.trim()) as { code?: string; message: string; ok?: boolean }
}

describe('loading the native binary', () => {
  it('isTaktikError tells the addon\'s errors from every other value', () => {
    const { openDatabase, isTaktikError } = require(path.join(ROOT, 'index.js')) as typeof import('../index.js')
    const db = openDatabase({ path: tempDb() })
    db.close()
    let closed: unknown
    try {
      db.getAccountsSync()
    } catch (e) {
      closed = e
    }
    expect(isTaktikError(closed)).toBe(true)
    expect(isTaktikError(Object.assign(new Error('no binary'), { code: 'NATIVE_BINDING_NOT_FOUND' }))).toBe(true)
    expect(isTaktikError(new Error('plain'))).toBe(false)
    expect(isTaktikError(Object.assign(new Error('fs'), { code: 'ENOENT' }))).toBe(false)
    expect(isTaktikError({ code: 'CLOSED', message: 'not an Error' })).toBe(false)
    expect(isTaktikError(null)).toBe(false)
    expect(isTaktikError('CLOSED')).toBe(false)
  })

  it('a call in an environment index.js did not initialize fails with INTERNAL, not a crash', () => {
    // binding.js loaded directly: the addon has no lib/deliver.js to hand results to.
    const script = `const b = require(${JSON.stringify(path.join(ROOT, 'binding.js'))})
      const db = b.openDatabase({ path: ${JSON.stringify(tempDb())} })
      const out = {}
      try { db.getAccountsSync() } catch (e) { out.sync = [e.code, e.message] }
      db.getAccounts().then(() => { out.async = 'resolved' }, (e) => { out.async = [e.code, e.message] })
        .finally(() => { db.close(); console.log(JSON.stringify(out)) })`
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as Record<string, [string, string]>
    for (const form of ['sync', 'async']) {
      expect(out[form]?.[0], form).toBe('INTERNAL')
      expect(out[form]?.[1], form).toMatch(/not initialized.*require\('taktik-db'\)/)
    }
  })

  it('index.js re-exports every export of the generated loader, by name', () => {
    const binding = require(path.join(ROOT, 'binding.js')) as Record<string, unknown>
    const text = readFileSync(path.join(ROOT, 'index.js'), 'utf8')
    const named = new Set([...text.matchAll(/^module\.exports\.(\w+) = /gm)].map((m) => m[1]))
    // `initialize` hands lib/deliver.js to the addon: index.js calls it, never exports it.
    const expected = Object.keys(binding).filter((k) => !k.startsWith('__napi') && k !== 'initialize')
    expect(expected.length).toBeGreaterThan(0)
    for (const k of expected) expect(named.has(k), k).toBe(true)
    expect(named.has('initialize')).toBe(false)
    expect(require(path.join(ROOT, 'index.js'))).not.toHaveProperty('initialize')
  })

  it('works as a native ES module import (named exports visible to Node)', () => {
    const url = 'file://' + path.join(ROOT, 'index.js')
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `import { openDatabase, defaultDatabasePath } from ${JSON.stringify(url)}; console.log(typeof openDatabase, typeof defaultDatabasePath)`], { encoding: 'utf8' })
    expect(out.trim()).toBe('function function')
  })

  it('a missing binary: code NATIVE_BINDING_NOT_FOUND, the platform, where it looked, the fix', () => {
    const dir = path.join(path.dirname(tempDb()), 'pkg')
    const r = requireIn(dir)
    expect(r.code).toBe('NATIVE_BINDING_NOT_FOUND')
    expect(r.message).toContain(PLATFORM)
    expect(r.message).toContain(path.join(dir, NODE_FILE))
    expect(r.message).toContain(`taktik-db-${PLATFORM}`)
    expect(r.message).toContain('npm install')
    expect(r.message).toContain('NAPI_RS_NATIVE_LIBRARY_PATH')
  })

  it('a package without binding.js (a packager files list that left it out): the same error and help, naming the loader', () => {
    const dir = path.join(path.dirname(tempDb()), 'pkg')
    // The binary is there: only its loader is missing.
    mkdirSync(dir, { recursive: true })
    copyFileSync(path.join(ROOT, NODE_FILE), path.join(dir, NODE_FILE))
    const r = requireIn(dir, {}, ['binding.js'])
    expect(r.code).toBe('NATIVE_BINDING_NOT_FOUND')
    expect(r.message).not.toMatch(/^Cannot find module/)
    expect(r.message).toContain(path.join(dir, 'binding.js'))
    expect(r.message).toContain(PLATFORM)
    expect(r.message).toContain(`taktik-db-${PLATFORM}`)
    expect(r.message).toContain('npm install')
    expect(r.message).toContain('NAPI_RS_NATIVE_LIBRARY_PATH')
  })

  it('a binary built for another platform: the same error, saying so', () => {
    const dir = path.join(path.dirname(tempDb()), 'pkg')
    mkdirSync(dir, { recursive: true })
    // What a Windows DLL looks like to the Linux loader: not an ELF file.
    writeFileSync(path.join(dir, NODE_FILE), Buffer.concat([Buffer.from('MZ\x90\x00'), Buffer.alloc(4096)]))
    const r = requireIn(dir)
    expect(r.code).toBe('NATIVE_BINDING_NOT_FOUND')
    expect(r.message).toContain('another OS, CPU or libc')
  })

  it('inside an asar archive: says how to unpack *.node', () => {
    const dir = path.join(path.dirname(tempDb()), 'app.asar', 'node_modules', 'taktik-db')
    const r = requireIn(dir)
    expect(r.code).toBe('NATIVE_BINDING_NOT_FOUND')
    expect(r.message).toContain('asar')
    expect(r.message).toContain('asarUnpack')
  })

  it('NAPI_RS_NATIVE_LIBRARY_PATH loads the binary from anywhere (e.g. app.asar.unpacked)', () => {
    const dir = path.join(path.dirname(tempDb()), 'pkg')
    const r = requireIn(dir, { NAPI_RS_NATIVE_LIBRARY_PATH: path.join(ROOT, NODE_FILE) })
    expect(r.ok).toBe(true)
  })
})

// Issue 13.4: an app installs taktik-db from the tarballs `npm run pack:tarballs`
// makes, with no Rust on PATH and no network, the way the README's "Add it to
// your app" says, then loads the addon with plain node, reads and writes a file
// the Python fixture seeded, and runs the CLI from node_modules/.bin.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Account, DatabaseInfo, Session } from '../index.js'
import { PLATFORM, ROOT, py, tempDb } from './helpers'


interface Tarball {
  name: string
  file: string
  files: string[]
}
interface Packed {
  main: Tarball & { optionalDependencies: Record<string, string> }
  platforms: (Tarball & { platform: string })[]
}
interface SeedSummary {
  accounts: Record<string, number>
  profiles: Record<string, number>
  sessions: { sessionId: number; accountId: number }[]
  counts: Record<string, number>
}

const EXE = process.platform === 'win32' ? ['.exe', '.cmd', ''] : ['']
const hasRust = (dir: string) => ['cargo', 'rustc'].some((b) => EXE.some((e) => existsSync(path.join(dir, b + e))))

/**
 * The environment of a machine without Rust, offline: PATH without any directory
 * holding cargo or rustc (node stays reachable: the .bin shims run `node`), npm
 * offline with an unreachable registry and no user .npmrc, and none of
 * the npm_* variables `npm test` hands down.
 */
function bareEnv(scratch: string): NodeJS.ProcessEnv {
  let nodeDir = path.dirname(process.execPath)
  if (hasRust(nodeDir) && process.platform !== 'win32') {
    nodeDir = path.join(scratch, 'node-bin') // e.g. distro node and rustc both in /usr/bin
    mkdirSync(nodeDir)
    symlinkSync(process.execPath, path.join(nodeDir, 'node'))
  }
  const dirs = (process.env.PATH ?? process.env.Path ?? '').split(path.delimiter).filter((d) => d && !hasRust(d))
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!/^(path|npm_.*|node_path)$/i.test(k)) env[k] = v
  writeFileSync(path.join(scratch, 'npmrc'), '')
  return {
    ...env,
    PATH: [nodeDir, ...dirs].join(path.delimiter),
    npm_config_userconfig: path.join(scratch, 'npmrc'),
    npm_config_registry: 'http://127.0.0.1:9/', // nothing listens there: a request would fail at once
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  }
}

/** npm, run by this node (npm-cli.js beside it, or the one running the tests). */
function npmCli(): string {
  // This node's own npm first (as pack.mjs): under Wine npm_execpath is the Linux npm's.
  const candidates = [
    path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    process.env.npm_execpath,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ].map((c) => c && path.resolve(c))
  const cli = candidates.find((c) => c && /npm-cli\.c?js$/.test(c) && existsSync(c))
  if (!cli) throw new Error(`npm-cli.js not found (looked at ${candidates.join(', ')})`)
  return cli
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  // .cmd shims (node_modules/.bin on Windows) only run through a shell.
  const shell = process.platform === 'win32' && cmd.endsWith('.cmd')
  const quote = (a: string) => (shell ? `"${a}"` : a)
  const r = spawnSync(quote(cmd), args.map(quote), { cwd, env, encoding: 'utf8', timeout: 120_000, shell })
  if (r.error) throw r.error
  return r
}

/** `npm install` in `app`, with a cache of its own that starts empty. */
function npmInstall(app: string): SpawnSyncReturns<string> {
  const cache = path.join(scratch, `npm-cache-${path.basename(app)}`)
  mkdirSync(cache)
  return run(process.execPath, [npmCli(), 'install'], app, { ...env, npm_config_cache: cache })
}

/** A scratch app (`npm init -y` with the dependencies set) that installs taktik-db from `vendor/`. */
function makeApp(dir: string, main: Tarball, platforms: Tarball[]): void {
  mkdirSync(path.join(dir, 'vendor'), { recursive: true })
  const spec = (t: Tarball) => {
    cpSync(t.file, path.join(dir, 'vendor', path.basename(t.file)))
    return `file:vendor/${path.basename(t.file)}`
  }
  const pkg = {
    name: 'scratch-app',
    version: '1.0.0',
    private: true,
    dependencies: { 'taktik-db': spec(main) },
    overrides: Object.fromEntries(platforms.map((t) => [t.name, spec(t)])),
  }
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2))
  // What the app does: require the package by name, open, read, write, read back.
  writeFileSync(
    path.join(dir, 'check.js'),
    `const [file, profileId] = [process.argv[2], Number(process.argv[3])]
;(async () => {
  const { openDatabase } = require('taktik-db')
  const db = openDatabase({ path: file })
  const accounts = await db.getAccounts()
  const sessions = await db.getSessions(accounts[0].accountId, { limit: 10000 })
  const info = await db.getDatabaseInfo()
  const write = await db.updateProfileNotes(profileId, 'written by the app')
  const notes = (await db.getProfile(profileId)).notes
  db.close()
  const loaded = Object.keys(require.cache).filter((f) => f.endsWith('.node'))
  console.log(JSON.stringify({ resolved: require.resolve('taktik-db'), loaded, accounts, sessions, info, changes: write.changes, notes }))
})().catch((e) => { console.log(JSON.stringify({ code: e.code, message: e.message })); process.exitCode = 1 })
`,
  )
}

/** Every file under `dir`, relative. */
function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))],
  )
}

let scratch: string
let env: NodeJS.ProcessEnv
let packed: Packed
let host: Packed['platforms'][number]

beforeAll(() => {
  scratch = path.dirname(tempDb())
  const out = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'pack.mjs'), '--out', path.join(scratch, 'tarballs'), '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  packed = JSON.parse(out) as Packed
  const h = packed.platforms.find((p) => p.platform === PLATFORM)
  if (!h) throw new Error(`no taktik-db.${PLATFORM}.node was packed: build it first (npm run build)`)
  host = h
  env = bareEnv(scratch)
})

describe('the tarballs', () => {
  it('main: the JS, types and CLI, no .node; optionalDependencies on the platform packages at its version', () => {
    expect(packed.main.files).toEqual(
      expect.arrayContaining(['package.json', 'index.js', 'binding.js', 'index.d.ts', 'bin/taktik-db.mjs', 'lib/deliver.js', 'lib/errors.js']),
    )
    expect(packed.main.files.filter((f) => f.endsWith('.node'))).toEqual([])
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
    expect(packed.main.optionalDependencies).toEqual(Object.fromEntries(packed.platforms.map((p) => [p.name, version])))
  })

  it('each platform package: its package.json and its one .node', () => {
    for (const p of packed.platforms) {
      expect(p.name).toBe(`taktik-db-${p.platform}`)
      expect(p.files.filter((f) => f.endsWith('.node'))).toEqual([`taktik-db.${p.platform}.node`])
      expect(p.files).toContain('package.json')
    }
  })
})

describe('an app installs them without Rust and without the network', () => {
  it('the environment has no cargo or rustc', () => {
    for (const bin of ['cargo', 'rustc']) {
      const r = spawnSync(bin, ['--version'], { env, encoding: 'utf8' })
      expect((r.error as NodeJS.ErrnoException | undefined)?.code, `${bin} ${r.stdout}`).toBe('ENOENT')
    }
  })

  it('npm install --offline: the main package and exactly this platform\'s package; node loads it, reads, writes; the CLI runs', () => {
    const app = path.join(scratch, 'app')
    makeApp(app, packed.main, packed.platforms)
    const install = npmInstall(app)
    expect(install.status, install.stderr).toBe(0)

    // node_modules: taktik-db with no binary, and the one platform package this machine can load.
    const modules = path.join(app, 'node_modules')
    expect(readdirSync(modules).filter((d) => !d.startsWith('.')).sort()).toEqual(['taktik-db', `taktik-db-${PLATFORM}`])
    expect(walk(path.join(modules, 'taktik-db')).filter((f) => f.endsWith('.node'))).toEqual([])
    expect(existsSync(path.join(modules, `taktik-db-${PLATFORM}`, `taktik-db.${PLATFORM}.node`))).toBe(true)
    // No install-time script: nothing may try to build (the repository's `prepare` stays out of the tarball).
    const manifest = JSON.parse(readFileSync(path.join(modules, 'taktik-db', 'package.json'), 'utf8')) as { scripts?: Record<string, string> }
    for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) expect(manifest.scripts?.[s], s).toBeUndefined()
    // The lockfile names every platform package given, so `npm ci` works on the others' machines too.
    const lock = JSON.parse(readFileSync(path.join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> }
    for (const p of packed.platforms) expect(lock.packages, p.name).toHaveProperty([`node_modules/${p.name}`])

    const db = path.join(scratch, 'taktik-data.db')
    const seed = py<SeedSummary>(['seed', db])
    const [profileName, profileId] = Object.entries(seed.profiles)[0]!
    const r = run(process.execPath, ['check.js', db, String(profileId)], app, env)
    expect(r.status, r.stdout + r.stderr).toBe(0)
    const got = JSON.parse(r.stdout) as {
      resolved: string
      loaded: string[]
      accounts: Account[]
      sessions: Session[]
      info: DatabaseInfo
      changes: number
      notes: string | null
    }
    // Resolved from the app's node_modules, not this repository (realpath: macOS's tmpdir is behind /var -> /private/var).
    expect(got.resolved.startsWith(path.join(realpathSync(modules), 'taktik-db') + path.sep), got.resolved).toBe(true)
    expect(got.loaded).toHaveLength(1)
    expect(got.loaded[0]!.endsWith(path.join('node_modules', `taktik-db-${PLATFORM}`, `taktik-db.${PLATFORM}.node`))).toBe(true)
    expect(got.accounts.map((a) => [a.username, a.accountId])).toEqual(Object.entries(seed.accounts).sort((a, b) => a[1] - b[1]))
    const first = got.accounts[0]!.accountId
    expect(got.sessions.map((s) => s.sessionId).sort((a, b) => a - b)).toEqual(
      seed.sessions.filter((s) => s.accountId === first).map((s) => s.sessionId).sort((a, b) => a - b),
    )
    expect(got.info.layout).toBe('legacy')
    for (const [table, n] of Object.entries(seed.counts)) expect(got.info.tables[table], table).toBe(n)
    expect(got.changes, profileName).toBe(1)
    expect(got.notes).toBe('written by the app')

    // The CLI, as `npx taktik-db` in the app finds it.
    const bin = path.join(modules, '.bin', process.platform === 'win32' ? 'taktik-db.cmd' : 'taktik-db')
    expect(existsSync(bin), bin).toBe(true)
    // Wine's cmd.exe stops at the .cmd shim's `goto #_undefined_# 2>NUL || …`
    // (Windows' runs the rest): under npm run test:windows, run what the shim runs.
    const wine = process.platform === 'win32' && process.env.TAKTIK_UNDER_WINE === '1'
    const args = ['info', '--db', db, '--json']
    const cli = wine ? run(process.execPath, [path.join(modules, 'taktik-db', 'bin', 'taktik-db.mjs'), ...args], app, env) : run(bin, args, app, env)
    expect(cli.status, cli.stderr).toBe(0)
    const info = JSON.parse(cli.stdout) as DatabaseInfo & { accounts: Account[] }
    expect(info.path).toBe(db)
    expect(info.accounts).toEqual(got.accounts)
    // The CLI leaves SQLite's own tables (sqlite_sequence) out.
    expect(info.tables).toEqual(Object.fromEntries(Object.entries(got.info.tables).filter(([t]) => !t.startsWith('sqlite_'))))
  })

  it('without the platform package the install still succeeds, and loading fails with NATIVE_BINDING_NOT_FOUND', () => {
    // Only the main tarball: its optionalDependencies cannot be fetched offline, so npm
    // skips them, as it does for a platform nobody built. The main package alone has no binary.
    const app = path.join(scratch, 'app-without-binary')
    makeApp(app, packed.main, [])
    const install = npmInstall(app)
    expect(install.status, install.stderr).toBe(0)
    expect(readdirSync(path.join(app, 'node_modules')).filter((d) => !d.startsWith('.'))).toEqual(['taktik-db'])
    const r = run(process.execPath, ['check.js', path.join(scratch, 'never-created.db'), '1'], app, env)
    expect(r.status).toBe(1)
    const err = JSON.parse(r.stdout) as { code: string; message: string }
    expect(err.code).toBe('NATIVE_BINDING_NOT_FOUND')
    expect(err.message).toContain(`taktik-db-${host.platform}`)
  })
})

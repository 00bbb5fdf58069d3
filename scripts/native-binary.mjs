// What a built .node is, read from the file itself: format, CPU, minimum OS,
// exported and imported symbols. Used by scripts/build-cross.mjs, and usable
// on any OS: Mach-O is parsed here (no macOS tools on Linux), ELF with
// binutils (`nm -D`, `objdump -T`).
//
// Also `limitMachOExports`: zig's Mach-O linker (cargo-zigbuild's macOS
// builds) reads rustc's `-exported_symbols_list` but does not apply it, so a
// cross-built dylib exports every global symbol (~3,600). This rewrites the
// export trie to the given names and re-hashes the ad-hoc code signature.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'

/**
 * @typedef {{ cmd: number, off: number, size: number }} LoadCommand
 * @typedef {{ off: number, size: number }} Trie
 * @typedef {{ hashOffset: number, nCodeSlots: number, codeLimit: number, hashSize: number, algorithm: string, pageSize: number }} CodeDirectory
 * @typedef {{ format: 'Mach-O', arch: string, dylib: boolean, minOs: string | null, dylibs: string[], exports: string[], flatImports: string[], signature: string }} MachOInfo
 * @typedef {{ format: 'ELF', arch: string, dylib: boolean, exports: string[], glibc: string | null }} ElfInfo
 * @typedef {(MachOInfo | ElfInfo) & { file: string, bytes: number }} BinaryInfo
 */

const MH_MAGIC_64 = 0xfeedfacf
/** @type {Record<number, string>} */
const CPU = { 0x01000007: 'x86_64', 0x0100000c: 'arm64' }
/** @type {Record<number, string>} */
const ELF_MACHINE = { 62: 'x86_64', 183: 'aarch64' }
/**
 * CodeDirectory hash types (cs_blobs.h) that createHash computes as they are.
 * @type {Record<number, string>}
 */
const CS_HASH = { 1: 'sha1', 2: 'sha256' }
const LC = {
  SYMTAB: 0x2,
  LOAD_DYLIB: 0xc,
  LOAD_WEAK_DYLIB: 0x80000018,
  REEXPORT_DYLIB: 0x8000001f,
  LOAD_UPWARD_DYLIB: 0x80000023,
  LAZY_LOAD_DYLIB: 0x20,
  CODE_SIGNATURE: 0x1d,
  DYLD_INFO: 0x22,
  DYLD_INFO_ONLY: 0x80000022,
  VERSION_MIN_MACOSX: 0x24,
  BUILD_VERSION: 0x32,
  DYLD_EXPORTS_TRIE: 0x80000033,
}
const DYLIB_COMMANDS = new Set([LC.LOAD_DYLIB, LC.LOAD_WEAK_DYLIB, LC.REEXPORT_DYLIB, LC.LOAD_UPWARD_DYLIB, LC.LAZY_LOAD_DYLIB])
const PLATFORM_MACOS = 1

const version = (/** @type {number} */ v) => `${v >>> 16}.${(v >> 8) & 0xff}` + ((v & 0xff) ? `.${v & 0xff}` : '')
const cstring = (/** @type {Buffer} */ b, /** @type {number} */ at) => b.toString('latin1', at, b.indexOf(0, at))

/**
 * @param {Buffer} b
 * @param {{ i: number }} p the read position, advanced past the number
 */
function uleb(b, p) {
  let value = 0
  let shift = 0
  let byte
  do {
    byte = b.readUInt8(p.i++)
    value += (byte & 0x7f) * 2 ** shift
    shift += 7
  } while (byte & 0x80)
  return value
}

/** @param {number} value */
function ulebBytes(value) {
  /** @type {number[]} */
  const out = []
  do {
    let byte = value % 128
    value = Math.floor(value / 128)
    if (value) byte |= 0x80
    out.push(byte)
  } while (value)
  return out
}

/** @param {Buffer} b */
function loadCommands(b) {
  if (b.readUInt32LE(0) !== MH_MAGIC_64) throw new Error('not a 64-bit little-endian Mach-O file')
  /** @type {LoadCommand[]} */
  const cmds = []
  let off = 32
  for (let i = 0; i < b.readUInt32LE(16); i++) {
    cmds.push({ cmd: b.readUInt32LE(off), off, size: b.readUInt32LE(off + 4) })
    off += b.readUInt32LE(off + 4)
  }
  return cmds
}

/**
 * [offset, size] of the export trie: what dyld (and dlsym) see as the image's exports.
 * @param {Buffer} b
 * @param {LoadCommand[]} cmds
 * @returns {Trie | null}
 */
function exportTrie(b, cmds) {
  for (const c of cmds) {
    if (c.cmd === LC.DYLD_INFO || c.cmd === LC.DYLD_INFO_ONLY) return { off: b.readUInt32LE(c.off + 40), size: b.readUInt32LE(c.off + 44) }
    if (c.cmd === LC.DYLD_EXPORTS_TRIE) return { off: b.readUInt32LE(c.off + 8), size: b.readUInt32LE(c.off + 12) }
  }
  return null
}

/**
 * @param {Buffer} b
 * @param {Trie | null} trie
 * @returns {Map<string, Buffer>} each export's name and terminal info
 */
function readTrie(b, trie) {
  /** @type {Map<string, Buffer>} */
  const out = new Map()
  if (!trie || !trie.size) return out
  /**
   * @param {number} node
   * @param {string} prefix
   */
  const walk = (node, prefix) => {
    const p = { i: trie.off + node }
    const terminal = uleb(b, p)
    if (terminal) out.set(prefix, Buffer.from(b.subarray(p.i, p.i + terminal)))
    p.i += terminal
    const children = b.readUInt8(p.i++)
    for (let k = 0; k < children; k++) {
      const edge = cstring(b, p.i)
      p.i += Buffer.byteLength(edge, 'latin1') + 1
      walk(uleb(b, p), prefix + edge)
    }
  }
  walk(0, '')
  return out
}

/**
 * A trie whose root has one edge per name: dyld's walk takes the first edge that prefixes the name, so this holds while no name prefixes another.
 * @param {Map<string, Buffer>} entries each export's name and terminal info
 */
function writeTrie(entries) {
  const names = [...entries.keys()].sort()
  for (const a of names) for (const n of names) if (a !== n && n.startsWith(a)) throw new Error(`export ${a} prefixes ${n}`)
  const info = (/** @type {string} */ n) => /** @type {Buffer} */ (entries.get(n)) // n is one of its keys
  let offsets = names.map(() => 0)
  /** @type {number[]} */
  let root = []
  for (let pass = 0; pass < 4; pass++) {
    root = [0, names.length]
    names.forEach((n, k) => root.push(...Buffer.from(n + '\0', 'latin1'), ...ulebBytes(offsets[k] ?? 0)))
    let at = root.length
    const next = names.map((n) => {
      const here = at
      at += ulebBytes(info(n).length).length + info(n).length + 1
      return here
    })
    if (next.every((v, k) => v === offsets[k])) break
    offsets = next
  }
  const nodes = names.flatMap((n) => [...ulebBytes(info(n).length), ...info(n), 0])
  return Buffer.from([...root, ...nodes])
}

/**
 * The SuperBlob's CodeDirectory (big-endian, as Apple writes it), or null when unsigned.
 * @param {Buffer} b
 * @param {LoadCommand[]} cmds
 * @returns {CodeDirectory | null}
 */
function codeDirectory(b, cmds) {
  const sig = cmds.find((c) => c.cmd === LC.CODE_SIGNATURE)
  if (!sig) return null
  const base = b.readUInt32LE(sig.off + 8)
  if (b.readUInt32BE(base) !== 0xfade0cc0) throw new Error('code signature is not a SuperBlob')
  for (let k = 0; k < b.readUInt32BE(base + 8); k++) {
    const at = base + b.readUInt32BE(base + 12 + 8 * k + 4)
    if (b.readUInt32BE(at) !== 0xfade0c02) continue
    const hashType = b.readUInt8(at + 37)
    const algorithm = CS_HASH[hashType]
    if (!algorithm) throw new Error(`code signature has hash type ${hashType}, not SHA-1 or SHA-256`)
    return {
      hashOffset: at + b.readUInt32BE(at + 16),
      nCodeSlots: b.readUInt32BE(at + 28),
      codeLimit: b.readUInt32BE(at + 32),
      hashSize: b.readUInt8(at + 36),
      algorithm,
      pageSize: 2 ** b.readUInt8(at + 39),
    }
  }
  throw new Error('code signature has no CodeDirectory')
}

/**
 * Code pages whose hash does not match the signature: [] when the signature is intact.
 * @param {Buffer} b
 * @param {CodeDirectory} cd
 */
function badPages(b, cd) {
  const bad = []
  for (let i = 0; i < cd.nCodeSlots; i++) {
    const page = b.subarray(i * cd.pageSize, Math.min((i + 1) * cd.pageSize, cd.codeLimit))
    const want = b.subarray(cd.hashOffset + i * cd.hashSize, cd.hashOffset + (i + 1) * cd.hashSize)
    if (!createHash(cd.algorithm).update(page).digest().subarray(0, cd.hashSize).equals(want)) bad.push(i)
  }
  return bad
}

/**
 * @param {Buffer} b
 * @returns {MachOInfo}
 */
function inspectMachO(b) {
  const cmds = loadCommands(b)
  const arch = CPU[b.readUInt32LE(4)] ?? `cputype 0x${b.readUInt32LE(4).toString(16)}`
  const dylib = b.readUInt32LE(12) === 6
  /** @type {string | null} */
  let minOs = null
  /** @type {string[]} */
  const dylibs = []
  let symtab
  for (const c of cmds) {
    if (c.cmd === LC.BUILD_VERSION && b.readUInt32LE(c.off + 8) === PLATFORM_MACOS) minOs = version(b.readUInt32LE(c.off + 12))
    if (c.cmd === LC.VERSION_MIN_MACOSX) minOs = version(b.readUInt32LE(c.off + 8))
    if (DYLIB_COMMANDS.has(c.cmd)) dylibs.push(cstring(b, c.off + b.readUInt32LE(c.off + 8)))
    if (c.cmd === LC.SYMTAB) symtab = c
  }
  const exported = [...readTrie(b, exportTrie(b, cmds)).keys()].sort()
  // Undefined externals whose library ordinal names none of the linked
  // libraries: with `-undefined dynamic_lookup` (napi-build's macOS setting) a
  // symbol missing at link time ends up so, looked up in the whole process
  // (ld64 marks it DYNAMIC_LOOKUP_ORDINAL, zig leaves 0). Only Node-API may.
  /** @type {string[]} */
  const flatImports = []
  if (symtab) {
    const symoff = b.readUInt32LE(symtab.off + 8)
    const nsyms = b.readUInt32LE(symtab.off + 12)
    const stroff = b.readUInt32LE(symtab.off + 16)
    for (let i = 0; i < nsyms; i++) {
      const e = symoff + 16 * i
      const type = b.readUInt8(e + 4)
      const ordinal = b.readUInt16LE(e + 6) >> 8
      if (!(type & 0xe0) && (type & 0x01) && (type & 0x0e) === 0 && (ordinal === 0 || ordinal > dylibs.length)) {
        flatImports.push(cstring(b, stroff + b.readUInt32LE(e)))
      }
    }
  }
  const cd = codeDirectory(b, cmds)
  const signature = cd ? (badPages(b, cd).length ? `${badPages(b, cd).length} of ${cd.nCodeSlots} page hashes wrong` : 'ad-hoc, hashes valid') : 'none'
  return { format: 'Mach-O', arch, dylib, minOs, dylibs, exports: exported, flatImports, signature }
}

/**
 * @param {string} file
 * @param {Buffer} b
 * @returns {ElfInfo}
 */
function inspectElf(file, b) {
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) throw new Error('not a 64-bit little-endian ELF file')
  const arch = ELF_MACHINE[b.readUInt16LE(18)] ?? `e_machine ${b.readUInt16LE(18)}`
  const dylib = b.readUInt16LE(16) === 3
  const nm = execFileSync('nm', ['-D', '--defined-only', file], { encoding: 'utf8' })
  // The last word of each line (`[address] type name`): a line is never blank here.
  const exported = nm.split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/).pop() ?? '').sort()
  const versions = [...execFileSync('objdump', ['-T', file], { encoding: 'utf8' }).matchAll(/GLIBC_(\d+(?:\.\d+)+)/g)].map((m) => m[1] ?? '')
  const glibc = versions.sort(compareVersions).pop() ?? null
  return { format: 'ELF', arch, dylib, exports: exported, glibc }
}

/**
 * Orders dotted version numbers numerically (for sort).
 * @param {string} a
 * @param {string} b
 */
export function compareVersions(a, b) {
  const x = a.split('.').map(Number)
  const y = b.split('.').map(Number)
  for (let k = 0; k < Math.max(x.length, y.length); k++) if ((x[k] ?? 0) !== (y[k] ?? 0)) return (x[k] ?? 0) - (y[k] ?? 0)
  return 0
}

/**
 * { format, arch, dylib, exports, file (the `file` command's words), and minOs, dylibs, flatImports, signature (Mach-O) or glibc (ELF) }.
 * @param {string} file
 * @returns {BinaryInfo}
 */
export function inspectBinary(file) {
  const b = readFileSync(file)
  const info = b.readUInt32LE(0) === MH_MAGIC_64 ? inspectMachO(b) : inspectElf(file, b)
  return { ...info, file: execFileSync('file', ['-b', file], { encoding: 'utf8' }).trim(), bytes: b.length }
}

/**
 * Leaves only `keep` in a Mach-O file's export trie; re-hashes an ad-hoc signature. Returns how many exports there were.
 * @param {string} file
 * @param {string[]} keep
 */
export function limitMachOExports(file, keep) {
  const b = readFileSync(file)
  const cmds = loadCommands(b)
  const trie = exportTrie(b, cmds)
  const entries = readTrie(b, trie)
  for (const name of keep) if (!entries.has(name)) throw new Error(`${file} does not export ${name}`)
  if (entries.size === keep.length) return entries.size
  if (!trie) throw new Error(`${file} has no export trie`) // unreachable: it has the names kept
  const cd = codeDirectory(b, cmds)
  // Only re-hash a signature we can reproduce: its hashes must match the file as the linker wrote it.
  if (cd && badPages(b, cd).length) throw new Error(`${file}: the linker's code signature does not verify; not touching it`)
  const smaller = writeTrie(new Map(keep.map((n) => [n, /** @type {Buffer} */ (entries.get(n))])))
  b.fill(0, trie.off, trie.off + trie.size)
  smaller.copy(b, trie.off)
  if (cd) {
    for (let i = 0; i < cd.nCodeSlots; i++) {
      const page = b.subarray(i * cd.pageSize, Math.min((i + 1) * cd.pageSize, cd.codeLimit))
      createHash(cd.algorithm).update(page).digest().subarray(0, cd.hashSize).copy(b, cd.hashOffset + i * cd.hashSize)
    }
  }
  writeFileSync(file, b)
  return entries.size
}

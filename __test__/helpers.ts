// Shared test plumbing: temp files, and the Python fixture that writes the file
// exactly as the bot does (see fixtures/README.md).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll } from 'vitest'

export const ROOT = path.resolve(__dirname, '..')
export const FIXTURE = path.join(__dirname, 'fixtures', 'pyside.py')
export const SCHEMA_JSON =
  process.env.TAKTIK_SCHEMA_JSON ?? path.resolve(ROOT, '..', 'shared', 'python-side', 'schema.json')
export const UNIFIED_SCHEMA_JSON =
  process.env.TAKTIK_UNIFIED_SCHEMA_JSON ?? path.join(path.dirname(SCHEMA_JSON), 'unified', 'schema.json')
export const PYTHON = process.env.PYTHON ?? 'python3'

/** napi-rs's name for this platform, as in taktik-db.<name>.node and the package taktik-db-<name>. */
export const PLATFORM =
  process.platform === 'linux'
    ? `linux-${process.arch}-gnu`
    : process.platform === 'win32'
      ? `win32-${process.arch}-msvc`
      : `${process.platform}-${process.arch}`

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) {
    try {
      rmSync(d, { recursive: true, force: true, maxRetries: 3 })
    } catch (e) {
      // Windows cannot delete a file that is still open (a database a failed
      // test left open): a leftover temp directory is harmless there.
      if (process.platform !== 'win32') throw e
    }
  }
})

/** A fresh directory and a database path inside it (the file does not exist yet). */
export function tempDb(name = 'taktik-data.db'): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'taktik-db-test-'))
  dirs.push(dir)
  return path.join(dir, name)
}

/** Rows of a query run by Python's stdlib sqlite3 (independent of the addon), committed. */
export function pySql<T = unknown[]>(db: string, sql: string, params: unknown[] = []): T[] {
  const code = `import sqlite3, json, sys
c = sqlite3.connect(sys.argv[1])
rows = [list(r) for r in c.execute(sys.argv[2], json.loads(sys.argv[3]))]
c.commit()
print(json.dumps(rows))`
  const out = execFileSync(PYTHON, ['-c', code, db, sql, JSON.stringify(params)], { encoding: 'utf8', maxBuffer: 1 << 28 })
  return JSON.parse(out) as T[]
}

/** The number a `SELECT count(*) …` gives, read by Python. */
export const pyCount = (db: string, sql: string, params: unknown[] = []): number => (pySql<[number]>(db, sql, params)[0] ?? [0])[0]

/** The file's sha256, hex: "byte-identical" checks. */
export const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex')

/** Runs a fixture subcommand to completion and returns the JSON it printed. */
export function py<T = Record<string, unknown>>(args: string[]): T {
  const out = execFileSync(PYTHON, [FIXTURE, '--schema', SCHEMA_JSON, ...args], {
    encoding: 'utf8',
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines = out.trim().split('\n')
  return JSON.parse(lines[lines.length - 1] ?? 'null') as T
}

/** Starts a fixture subcommand in the background. */
export function spawnPy(args: string[]): ChildProcess {
  return spawn(PYTHON, [FIXTURE, '--schema', SCHEMA_JSON, ...args], {
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** Resolves when the child writes `marker` on stderr. */
export function waitForStderr(child: ChildProcess, marker: string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = ''
    const timer = setTimeout(() => reject(new Error(`no ${marker} within ${timeoutMs} ms: ${seen}`)), timeoutMs)
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      if (seen.includes(marker)) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (!seen.includes(marker)) reject(new Error(`exited ${code} before ${marker}: ${seen}`))
    })
  })
}

/** Collects stdout and resolves with the JSON it printed when the child exits 0. */
export function finished<T = Record<string, unknown>>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()))
    // 'close', not 'exit': only then is stdout fully read.
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`fixture exited ${code}: ${err}`))
      const lines = out.trim().split('\n')
      resolve(JSON.parse(lines[lines.length - 1] ?? 'null') as T)
    })
  })
}

/** `snake_case` -> `camelCase`, as the addon names columns. */
export function camel(s: string): string {
  return s.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      record.push(field)
      field = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      i++
    } else field += c
  }
  if (field !== '' || record.length > 0) {
    record.push(field)
    records.push(record)
  }
  return records
}

/** The `code` a call throws with, or undefined when it returns. */
export function codeOf(f: () => unknown): string | undefined {
  try {
    f()
  } catch (e) {
    return (e as { code?: string }).code
  }
  return undefined
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p
  } catch (e) {
    return e as { code?: string; message: string }
  }
  throw new Error('expected a rejection')
}

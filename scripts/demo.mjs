#!/usr/bin/env node
// `npm run demo`: watch the database change live while a stand-in for the Python
// bot writes to it.
//
// 1. seeds a sample taktik-data.db in a temp directory (__test__/fixtures/pyside.py seed),
// 2. prints `taktik-db stats` for alice_bot,
// 3. runs `taktik-db watch --seconds 8` while a Python writer records interactions for
//    alice_bot the way the bot does (one commit per interaction, plus the daily_stats upsert),
// 4. prints `taktik-db stats` again, and removes the temp directory.
//
// Needs python3 (or $PYTHON) and the schema at ../shared/python-side/schema.json from the
// repository root (or $TAKTIK_SCHEMA_JSON).
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const CLI = path.join(ROOT, 'bin', 'taktik-db.mjs')
const FIXTURE = path.join(ROOT, '__test__', 'fixtures', 'pyside.py')
const SCHEMA = process.env.TAKTIK_SCHEMA_JSON
  ? path.resolve(process.env.TAKTIK_SCHEMA_JSON)
  : path.resolve(ROOT, '..', 'shared', 'python-side', 'schema.json')
const PYTHON = process.env.PYTHON ?? 'python3'
const ACCOUNT = 'alice_bot'
const WATCH_SECONDS = 8
const WRITER_SECONDS = 7
const WRITER_INTERVAL_MS = 200

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  process.stderr.write(`demo: ${message}\n`)
  process.exit(1)
}

/** @param {string} text */
function heading(text) {
  process.stdout.write(`\n=== ${text}\n\n`)
}

if (!existsSync(SCHEMA)) {
  fail(
    `the Python side's schema is missing: ${SCHEMA}\n` +
      `  It is expected at ../shared/python-side/schema.json next to this repository\n` +
      `  (${ROOT}); set TAKTIK_SCHEMA_JSON to use another file.`,
  )
}
if (!existsSync(FIXTURE)) fail(`the Python fixture is missing: ${FIXTURE}`)

const dir = mkdtempSync(path.join(tmpdir(), 'taktik-db-demo-'))
const db = path.join(dir, 'taktik-data.db')
/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set()
let cleaned = false

function cleanUp() {
  if (cleaned) return
  cleaned = true
  for (const child of children) child.kill()
  rmSync(dir, { recursive: true, force: true })
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanUp()
    process.stderr.write(`\ndemo: interrupted; removed ${dir}\n`)
    process.exit(130)
  })
}

/**
 * Starts a child, tracked so Ctrl-C can stop it.
 * @param {string} command
 * @param {string[]} args
 * @param {import('node:child_process').StdioOptions} stdio
 */
function start(command, args, stdio) {
  const child = spawn(command, args, { stdio, env: process.env })
  children.add(child)
  child.on('exit', () => children.delete(child))
  return child
}

/**
 * A stream of a child spawned with 'pipe' for it.
 * @param {import('node:stream').Readable | null} stream
 * @param {string} what
 */
function piped(stream, what) {
  if (!stream) throw new Error(`${what}: the stream is not piped`)
  return stream
}

/**
 * Resolves with the exit code once the child has exited and its output is read.
 * @param {import('node:child_process').ChildProcess} child
 * @param {string} what
 * @returns {Promise<number>}
 */
function exited(child, what) {
  return new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new Error(`${what}: ${e.message}`)))
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)))
  })
}

/**
 * Runs the CLI with its output going straight to this terminal.
 * @param {string[]} args
 */
async function cli(args) {
  const code = await exited(start(process.execPath, [CLI, ...args], 'inherit'), 'taktik-db')
  if (code !== 0) throw new Error(`taktik-db ${args.join(' ')} exited with ${code}`)
}

/**
 * Resolves once `child` wrote `marker` on stderr; passes all its stderr through.
 * @param {import('node:child_process').ChildProcess} child
 * @param {string} marker
 * @param {string} what
 * @returns {Promise<void>}
 */
function waitForStderr(child, marker, what) {
  const stderr = piped(child.stderr, what)
  return new Promise((resolve, reject) => {
    let seen = ''
    stderr.on('data', (/** @type {Buffer} */ chunk) => {
      process.stderr.write(chunk)
      seen += chunk.toString()
      if (seen.includes(marker)) resolve()
    })
    child.on('close', (code) => {
      if (!seen.includes(marker)) reject(new Error(`${what} exited with ${code} before it was ready: ${seen.trim()}`))
    })
  })
}

async function main() {
  heading(`Seeding a sample database: ${db}`)
  let seed
  try {
    const outText = execFileSync(PYTHON, [FIXTURE, 'seed', '--schema', SCHEMA, db], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    seed = JSON.parse(outText.trim().split('\n').pop() ?? '')
  } catch (e) {
    // execFileSync's error (with the child's stderr) or JSON.parse's.
    const err = /** @type {Error & { stderr?: string }} */ (e)
    throw new Error(`seeding with ${PYTHON} failed: ${(err.stderr || err.message || String(err)).toString().trim()}`, { cause: e })
  }
  const accounts = Object.entries(seed.accounts)
    .map(([name, id]) => `${name} (${id})`)
    .join(', ')
  process.stdout.write(`Accounts: ${accounts}; ${seed.counts.interaction_history} interactions.\n`)

  heading(`Daily stats of ${ACCOUNT} before (taktik-db stats --account ${ACCOUNT} --days 3)`)
  await cli(['stats', '--db', db, '--account', ACCOUNT, '--days', '3'])

  heading(
    `Live: a Python writer records interactions for ${ACCOUNT} for ${WRITER_SECONDS} s, ` +
      `while taktik-db watch --seconds ${WATCH_SECONDS} reports each commit`,
  )
  // The watcher goes first, so it sees every commit; its stdout streams to the terminal.
  const watcher = start(process.execPath, [CLI, 'watch', '--db', db, '--seconds', String(WATCH_SECONDS)], [
    'ignore',
    'inherit',
    'pipe',
  ])
  const watcherDone = exited(watcher, 'taktik-db watch')
  await waitForStderr(watcher, 'Watching', 'taktik-db watch')

  const writer = start(
    PYTHON,
    [
      FIXTURE,
      'writer',
      '--schema',
      SCHEMA,
      '--seconds',
      String(WRITER_SECONDS),
      '--account',
      ACCOUNT,
      '--interval-ms',
      String(WRITER_INTERVAL_MS),
      db,
    ],
    ['ignore', 'pipe', 'pipe'],
  )
  let writerOut = ''
  let writerErr = ''
  piped(writer.stdout, 'python writer').on('data', (c) => (writerOut += c))
  piped(writer.stderr, 'python writer').on('data', (c) => (writerErr += c))
  const [writerCode, watcherCode] = await Promise.all([exited(writer, 'python writer'), watcherDone])
  if (writerCode !== 0) throw new Error(`the Python writer exited with ${writerCode}: ${writerErr.trim()}`)
  if (watcherCode !== 0) throw new Error(`taktik-db watch exited with ${watcherCode}`)
  const written = JSON.parse(writerOut.trim().split('\n').pop() ?? '')
  const byType = Object.entries(written.byType)
    .map(([type, n]) => `${type} ${n}`)
    .join(', ')
  process.stdout.write(`\nThe writer recorded ${written.written} interactions (${byType}) in session ${written.sessionId}.\n`)

  heading(`Daily stats of ${ACCOUNT} after (today's row grew)`)
  await cli(['stats', '--db', db, '--account', ACCOUNT, '--days', '3'])
}

try {
  await main()
  cleanUp()
  process.stdout.write(`\nRemoved ${dir}. Done.\n`)
} catch (e) {
  cleanUp()
  fail(e instanceof Error ? e.message : String(e))
}

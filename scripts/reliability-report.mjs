// Writes the figures of the last `npm run test:stress` (.stress-results/*.json)
// into RELIABILITY.md, between the figures markers, and prints them.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const DIR = path.join(ROOT, '.stress-results')
const DOC = path.join(ROOT, 'RELIABILITY.md')
const START = '<!-- figures:start -->'
const END = '<!-- figures:end -->'

if (!existsSync(DIR)) {
  console.error('no .stress-results/: run `npm run test:stress` first')
  process.exit(1)
}
const fmt = (/** @type {unknown} */ v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))
const sections = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => {
    const data = JSON.parse(readFileSync(path.join(DIR, f), 'utf8'))
    // A flat map of scenario -> outcome (files.json's cases) gets its own table;
    // other long breakdowns (per-function tallies) stay in the JSON file.
    const flat = Object.entries(data).filter(
      ([, v]) => v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string'),
    )
    const tables = flat.map(
      ([k, v]) => `\n| ${k} | outcome |\n|---|---|\n${Object.entries(v).map(([a, b]) => `| ${a} | ${b.replace(/\|/g, '\\|')} |`).join('\n')}\n`,
    )
    const rows = Object.entries(data)
      .filter(([k]) => k !== 'at' && !flat.some(([f]) => f === k))
      .map(([k, v]) => /** @type {const} */ ([k, fmt(v)]))
      .map(([k, v]) => `| ${k} | ${v.length > 400 ? `(${v.length} chars: see .stress-results/${f})` : v.replace(/\|/g, '\\|')} |`)
    const head = rows.length ? `| figure | value |\n|---|---|\n${rows.join('\n')}\n` : ''
    return `### ${f.replace(/\.json$/, '')} (${data.at})\n\n${head}${tables.join('')}`
  })
const cpus = os.cpus()
const body = [
  `Command: \`npm run test:stress\`. Machine: ${os.type()} ${os.release()} ${os.arch()}, ${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}.`,
  '',
  ...sections,
].join('\n')
console.log(body)
if (existsSync(DOC)) {
  const doc = readFileSync(DOC, 'utf8')
  const i = doc.indexOf(START)
  const j = doc.indexOf(END)
  if (i >= 0 && j > i) writeFileSync(DOC, `${doc.slice(0, i + START.length)}\n${body}\n${doc.slice(j)}`)
}

// How results become JavaScript values. The native side writes each result as
// JSON text: a row list as `[keys][[values], [values], ...]`, one row as
// `[keys][values]` (or `null`), anything else as one plain JSON value. It
// calls these functions with that text; index.js hands them over once per
// environment (main thread or worker) through the addon's `initialize`, the
// way better-sqlite3's lib/database.js hands its helpers to C++.
//
// `tag` says what the text holds: 0 a plain value; otherwise 2 * columnsId for
// rows, plus 1 for a single row. `columnsId` names one statement's column set
// for the life of the process: each gets an object factory, made the first
// time it is seen, so later results skip parsing the keys (`text.slice` is a
// V8 sliced string, no copy) and every row object has one fixed shape.
// Column set 0 (rows of SQL the app wrote, db.query()) has no lasting id: its
// factories are found by key list, in a cache of bounded size, so any number
// of distinct statements cannot grow memory.
//
// The Sync reads take a shorter way (src/node/fast.rs): `installSyncReads`
// puts a function in front of each on TaktikDatabase's prototype that calls
// the addon's `syncRead` and materializes its answer here, instead of the
// addon calling `materialize` back (a native-to-JS call costs more than a JS
// one) through napi-rs's method glue.
'use strict'

const parse = JSON.parse

/** @type {(f: () => void) => void} */
const later =
  typeof setImmediate === 'function'
    ? (f) => {
        setImmediate(f)
      }
    : (f) => {
        setTimeout(f, 0)
      }

/** @typedef {(values: unknown[]) => Record<string, unknown>} RowFactory */

/** @type {RowFactory[]} */
const factories = []

/**
 * An object factory for one column set: a compiled object literal, so V8 gives
 * every row the same hidden class at once (measurably faster than adding keys
 * one by one). Where code generation from strings is disallowed
 * (`--disallow-code-generation-from-strings`, a CSP) a loop builds the same
 * objects.
 * @param {string[]} keys
 * @returns {RowFactory}
 */
function compile(keys) {
  try {
    // A quoted `__proto__` in a literal would set the prototype: computed, it is a key.
    const key = (/** @type {string} */ k) => (k === '__proto__' ? `[${JSON.stringify(k)}]` : JSON.stringify(k))
    const body = keys.map((k, i) => `${key(k)}:v[${i}]`).join(',')
    // eslint-disable-next-line no-new-func -- keys are JSON-quoted column names; see above
    return /** @type {RowFactory} */ (new Function('v', `return {${body}};`))
  } catch {
    return (v) => {
      /** @type {Record<string, unknown>} */
      const o = {}
      for (let i = 0; i < keys.length; i++) {
        const k = /** @type {string} */ (keys[i])
        if (k === '__proto__') Object.defineProperty(o, k, { value: v[i], enumerable: true, writable: true, configurable: true })
        else o[k] = v[i]
      }
      return o
    }
  }
}

/**
 * @param {number} id
 * @param {string[]} keys
 * @returns {RowFactory}
 */
function factoryFor(id, keys) {
  let make = factories[id]
  if (make === undefined) {
    make = compile(keys)
    factories[id] = make
  }
  return make
}

// Factories of column set 0, by key list text, least recently used first.
const DYNAMIC_SHAPES = 64
/** @type {Map<string, RowFactory>} */
const dynamic = new Map()

/**
 * The factory of a db.query() result's key list (JSON text).
 * @param {string} keysText
 * @returns {RowFactory}
 */
function dynamicFactory(keysText) {
  let make = dynamic.get(keysText)
  if (make !== undefined) {
    dynamic.delete(keysText)
  } else {
    make = compile(parse(keysText))
    if (dynamic.size >= DYNAMIC_SHAPES) dynamic.delete(/** @type {string} */ (dynamic.keys().next().value))
  }
  dynamic.set(keysText, make)
  return make
}

/**
 * @param {unknown[]} into
 * @param {unknown[][]} table
 * @param {RowFactory} make
 */
function rowsInto(into, table, make) {
  for (let i = 0; i < table.length; i++) into.push(make(/** @type {unknown[]} */ (table[i])))
}

/**
 * The factory of a result's column set, parsing its keys only the first time.
 * @param {number} tag
 * @param {string} text
 * @param {number} keysEnd
 * @returns {RowFactory}
 */
function factoryOf(tag, text, keysEnd) {
  const id = (tag - (tag % 2)) / 2
  if (id === 0) return dynamicFactory(text.slice(0, keysEnd))
  const make = factories[id]
  return make !== undefined ? make : factoryFor(id, parse(text.slice(0, keysEnd)))
}

/**
 * A Sync result as values. `text` is an array of strings for a long listing
 * cut into row arrays (each under V8's large-object size), the keys riding
 * with the first.
 * @param {string | string[]} text
 * @param {number} tag
 * @param {number} keysEnd
 * @returns {unknown}
 */
function materialize(text, tag, keysEnd) {
  if (typeof text !== 'string') return materializeParts(text, tag, keysEnd)
  if (keysEnd === 0) return parse(text)
  const v = parse(text.slice(keysEnd))
  const make = factoryOf(tag, text, keysEnd)
  if (tag % 2 === 1) return make(v)
  /** @type {unknown[]} */
  const rows = []
  rowsInto(rows, v, make)
  return rows
}

/**
 * @param {string[]} parts
 * @param {number} tag
 * @param {number} keysEnd
 * @returns {unknown[]}
 */
function materializeParts(parts, tag, keysEnd) {
  const first = /** @type {string} */ (parts[0])
  const make = factoryOf(tag, first, keysEnd)
  /** @type {unknown[]} */
  const rows = []
  rowsInto(rows, parse(first.slice(keysEnd)), make)
  for (let i = 1; i < parts.length; i++) rowsInto(rows, parse(/** @type {string} */ (parts[i])), make)
  return rows
}

/**
 * A streamed Sync listing: each row array is parsed into `rows` as it arrives
 * from the thread that runs the query.
 * @param {unknown[]} rows
 * @param {string} text
 * @param {number} tag
 * @param {number} keysEnd
 */
function parseInto(rows, text, tag, keysEnd) {
  rowsInto(rows, parse(keysEnd === 0 ? text : text.slice(keysEnd)), factoryOf(tag, text, keysEnd))
}

/**
 * @typedef {object} Job
 * @property {string} text
 * @property {number} tag
 * @property {number} keysEnd
 * @property {number[] | null} ends
 * @property {(value: unknown) => void} resolve
 * @property {(error: unknown) => void} reject
 * @property {unknown[]} rows
 * @property {RowFactory | null} make
 * @property {number} from
 * @property {number} i
 * @property {string | null | undefined} next
 */

/** @type {Job[]} */
const queue = []
let scheduled = false
// Bytes of row arrays parsed per event-loop turn (at least one array): libuv
// runs the completions of work that finished together in one go, and eight
// 10,000-row results materialized there froze the main thread for ~150 ms.
const TURN = 262144

function step() {
  const job = /** @type {Job} */ (queue[0])
  try {
    if (job.ends === null) {
      queue.shift()
      job.resolve(withNext(materialize(job.text, job.tag, job.keysEnd), job.next))
    } else {
      if (job.make === null) job.make = factoryOf(job.tag, job.text, job.keysEnd)
      const turn = job.from
      do {
        const end = /** @type {number} */ (job.ends[job.i])
        rowsInto(job.rows, parse(job.text.slice(job.from, end)), job.make)
        job.from = end
        job.i += 1
      } while (job.i < job.ends.length && /** @type {number} */ (job.ends[job.i]) - turn <= TURN)
      if (job.i === job.ends.length) {
        queue.shift()
        job.resolve(withNext(job.rows, job.next))
      }
    }
  } catch (e) {
    if (queue[0] === job) queue.shift()
    job.reject(e)
  }
  if (queue.length > 0) later(step)
  else scheduled = false
}

/**
 * A listing's cursor to its next page (undefined: not a listing), as the
 * native side sets it on Sync results: read-only and not enumerable, so the
 * rows still compare, clone and serialize as a plain array.
 * @param {unknown} rows
 * @param {string | null | undefined} next
 * @returns {unknown}
 */
function withNext(rows, next) {
  if (next !== undefined) Object.defineProperty(rows, 'nextCursor', { value: next })
  return rows
}

/**
 * An async result, delivered in event-loop turns of about TURN bytes of row
 * arrays each, behind `setImmediate`, so timers, I/O and painting get in
 * between. `ends` are the offsets where a long listing's row arrays end
 * (null: one piece).
 * @param {string} text
 * @param {number} tag
 * @param {number} keysEnd
 * @param {number[] | null} ends
 * @param {string | null | undefined} next a listing's cursor to its next page
 * @returns {Promise<unknown>}
 */
function deliver(text, tag, keysEnd, ends, next) {
  return new Promise((resolve, reject) => {
    queue.push({ text, tag, keysEnd, ends, resolve, reject, rows: [], make: null, from: keysEnd, i: 0, next })
    if (!scheduled) {
      scheduled = true
      later(step)
    }
  })
}

/**
 * How many db.query() key lists have a factory now (at most DYNAMIC_SHAPES):
 * for the test that holds the cache bounded.
 * @returns {number}
 */
function dynamicShapes() {
  return dynamic.size
}

// What `syncRead` returned: [tag, keysEnd, kind], kind 1 text to materialize,
// 0 a value, -1 nothing (not a database it knows: call the addon's method).
// Its ArrayBuffer is handed to the addon, which writes it in place.
const meta = new Float64Array(new ArrayBuffer(3 * Float64Array.BYTES_PER_ELEMENT))

// Where installSyncReads keeps the addon's method a function stands in front of.
const NATIVE = Symbol.for('taktik-db.nativeSyncRead')

/**
 * @typedef {(this: object, index: number, a?: unknown, b?: unknown, c?: unknown) => unknown} SyncRead
 * @typedef {{ syncRead: SyncRead, syncReads: (string | null)[] }} FastPath what the addon's `initialize` returns
 */

/**
 * Puts the fast path in front of every Sync read on `proto` (the addon's
 * TaktikDatabase.prototype), once per environment. The addon's own method
 * stays behind it, for a receiver the fast path does not know (and as the
 * first call on each database: napi-rs checks the receiver there).
 * @param {object} prototype
 * @param {FastPath} fast
 */
function installSyncReads(prototype, { syncRead, syncReads }) {
  const proto = /** @type {Record<string, unknown>} */ (prototype)
  syncReads.forEach((name, index) => {
    if (name === null) return
    const current = /** @type {{ [NATIVE]?: Function } | undefined} */ (proto[name])
    // Installed already (the addon loaded again in this environment): behind it is the addon's.
    const native = current?.[NATIVE] ?? current
    if (typeof native !== 'function') return
    const read = {
      /**
       * @this {object}
       * @param {unknown} [a]
       * @param {unknown} [b]
       * @param {unknown} [c]
       */
      [name](a, b, c) {
        const value = syncRead.call(this, index, a, b, c)
        const kind = meta[2]
        if (kind === 1) return materialize(/** @type {string | string[]} */ (value), /** @type {number} */ (meta[0]), /** @type {number} */ (meta[1]))
        if (kind === 0) return value
        return native.call(this, a, b, c)
      },
    }[name]
    Object.defineProperty(read, NATIVE, { value: native })
    proto[name] = read
  })
}

module.exports = { deliver, materialize, parseInto, dynamicShapes, DYNAMIC_SHAPES, meta: meta.buffer, installSyncReads }

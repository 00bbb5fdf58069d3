// `db.live(name, args, callback, options?)`: a read that runs again whenever a
// commit changes a table it reads, whoever made the commit (the bot in its
// own process, another app, this app's writes), and calls back only when its
// result changed. Built from what the addon already has:
// - `db.tablesRead(name)`: the API tables the read reads (the exports table's
//   `Read::READS`, the same names on every layout);
// - `db.watch(...)`: the change feed, which names the tables a commit changed.
//   The live queries of one database share one feed, watching the union of
//   their tables (one polling thread however many queries are open);
// - the read's own async form, so a run is off the JS thread and in a read slot.
// A change schedules a run `throttleMs` later; more changes in that window, or
// while a run is in flight, fold into one further run, so runs never overlap.
// The feed does not keep the process alive and the timers are unref'd.
'use strict'

/** @typedef {import('../index.d.ts').TaktikDatabase} TaktikDatabase */
/** @typedef {import('../index.d.ts').ChangeEvent} ChangeEvent */
/** @typedef {import('../index.d.ts').WatchHandle} WatchHandle */
/** @typedef {import('../index.d.ts').ApiTable} ApiTable */
/** @typedef {(result: unknown) => void} Callback */
/** @typedef {(error: unknown) => void} ErrorHandler */

const DEFAULT_THROTTLE_MS = 100
const MAX_THROTTLE_MS = 60_000

/**
 * An error like the native ones: `code` is a TaktikErrorCode.
 * @param {'INVALID_ARGUMENT' | 'CLOSED'} code
 * @param {string} message
 * @returns {Error & { code: string }}
 */
function taktikError(code, message) {
  return Object.assign(new Error(message), { code })
}

/**
 * Whether two results are the same data. Results are JSON-shaped (plain
 * objects, arrays, strings, numbers, booleans, null; a listing's array has
 * its nextCursor), so this is all it needs.
 * @param {unknown} a
 * @param {unknown} b
 * @returns {boolean}
 */
function same(a, b) {
  // eslint-disable-next-line no-self-compare -- NaN equals NaN here
  if (a === b || (a !== a && b !== b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    // A listing's page also carries its (non-enumerable) nextCursor.
    if (/** @type {{ nextCursor?: unknown }} */ (a).nextCursor !== /** @type {{ nextCursor?: unknown }} */ (b).nextCursor) return false
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  const ra = /** @type {Record<string, unknown>} */ (a)
  const rb = /** @type {Record<string, unknown>} */ (b)
  for (const k of ka) if (!Object.hasOwn(rb, k) || !same(ra[k], rb[k])) return false
  return true
}

/**
 * A value as the native argument errors describe it ("the string \"5\"", "an object").
 * @param {unknown} v
 * @returns {string}
 */
function describe(v) {
  if (v === null) return 'null'
  if (v === undefined) return 'nothing'
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v)
  if (typeof v === 'function') return 'a function'
  return 'an object'
}

/** One database's change feed, shared by its live queries. */
class Feed {
  /** @param {TaktikDatabase} db */
  constructor(db) {
    this.db = db
    /** @type {Set<Live>} */
    this.queries = new Set()
    /** @type {WatchHandle | null} */
    this.handle = null
    /** @type {Set<ApiTable>} */
    this.tables = new Set()
  }

  /**
   * Watches every table the live queries read that the file keeps (a table it
   * does not keep cannot change; its read reports NOT_IN_THIS_FILE). A feed
   * that lacks one is replaced, the new one started before the old one stops,
   * so no commit falls between them.
   */
  cover() {
    const kept = new Set(this.db.capabilities)
    /** @type {Set<ApiTable>} */
    const wanted = new Set()
    for (const q of this.queries) for (const t of q.tables) if (kept.has(t)) wanted.add(t)
    if (this.handle !== null && !this.handle.closed && [...wanted].every((t) => this.tables.has(t))) return
    if (wanted.size === 0) {
      this.stop()
      return
    }
    const next = this.db.watch((e) => this.changed(e), { tables: [...wanted] })
    this.handle?.close()
    this.handle = next
    this.tables = wanted
  }

  stop() {
    this.handle?.close()
    this.handle = null
    this.tables = new Set()
  }

  /** @param {ChangeEvent} e */
  changed(e) {
    if (e.layoutChanged) {
      // The bot migrated the file: what it keeps may have changed.
      try {
        this.cover()
      } catch (error) {
        for (const q of this.queries) q.report(error)
      }
    }
    for (const q of [...this.queries]) {
      if (e.layoutChanged || q.tables.some((t) => e.tables.includes(t))) q.schedule()
    }
  }

  /** @param {Live} q */
  add(q) {
    this.queries.add(q)
    try {
      this.cover()
    } catch (error) {
      this.queries.delete(q)
      throw error
    }
  }

  /** @param {Live} q */
  remove(q) {
    this.queries.delete(q)
    if (this.queries.size === 0) this.stop()
  }
}

/** @type {WeakMap<TaktikDatabase, Feed>} */
const feeds = new WeakMap()

/** The state of one live query; `LiveQuery` is its public face. */
class Live {
  /**
   * @param {TaktikDatabase} db
   * @param {string} name
   * @param {unknown[]} args
   * @param {ApiTable[]} tables
   * @param {Callback} callback
   * @param {number} throttleMs
   * @param {ErrorHandler | undefined} onError
   */
  constructor(db, name, args, tables, callback, throttleMs, onError) {
    // Where the app called live(): a run's error is made under a timer, so
    // its own stack would show only this file. One capture per live query.
    /** @type {{ stack?: string }} */
    this.origin = {}
    Error.captureStackTrace(this.origin, live)
    this.db = db
    this.name = name
    this.args = args
    this.tables = tables
    this.callback = callback
    this.throttleMs = throttleMs
    this.onError = onError
    this.closed = false
    /** A run is in flight. */
    this.running = false
    /** A change came since the last run started. */
    this.dirty = false
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null
    /** Whether `last` holds a delivered result. */
    this.delivered = false
    /** @type {unknown} */
    this.last = undefined
    this.runs = 0
  }

  /** A change to a table it reads: run after the throttle window, never during a run. */
  schedule() {
    if (this.closed) return
    this.dirty = true
    if (this.running || this.timer !== null) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.run()
    }, this.throttleMs)
    this.timer.unref?.()
  }

  run() {
    if (this.closed) return
    this.dirty = false
    this.running = true
    this.runs++
    /** @type {unknown} */
    let pending
    try {
      const read = /** @type {(...a: unknown[]) => unknown} */ (/** @type {Record<string, unknown>} */ (/** @type {unknown} */ (this.db))[this.name])
      pending = read.apply(this.db, this.args)
    } catch (error) {
      // Async forms reject rather than throw; anything thrown here is reported the same way.
      pending = Promise.reject(error)
    }
    Promise.resolve(pending).then(
      (result) => this.settle(true, result),
      (error) => this.settle(false, error),
    )
  }

  /**
   * @param {boolean} ok
   * @param {unknown} value the result, or the error
   */
  settle(ok, value) {
    this.running = false
    if (this.closed) return
    if (!ok) {
      // After a failure the next result is delivered even if it equals the
      // last one: the app may be showing the error.
      this.delivered = false
      this.last = undefined
      this.report(this.withOrigin(value))
    } else if (!this.delivered || !same(this.last, value)) {
      this.delivered = true
      this.last = value
      try {
        this.callback(value)
      } catch (error) {
        this.report(error)
      }
    }
    if (this.dirty) this.schedule()
  }

  /**
   * A run's error with the frames of the live() call in its stack (what the
   * callback throws keeps its own stack: it shows the app's code already).
   * @param {unknown} error
   * @returns {unknown}
   */
  withOrigin(error) {
    const frames = this.origin.stack?.split('\n').slice(1).join('\n')
    if (!(error instanceof Error) || !frames) return error
    error.stack = `${error.name}: ${error.message}\n${frames}`
    return error
  }

  /** @param {unknown} error */
  report(error) {
    if (this.closed) return
    if (this.onError !== undefined) {
      try {
        this.onError(error)
        return
      } catch (thrown) {
        error = thrown
      }
    }
    const message = error instanceof Error ? error.message : String(error)
    process.emitWarning(`live(${this.name}): ${message}`, { code: 'TAKTIK_DB_LIVE_ERROR' })
  }

  close() {
    if (this.closed) return
    this.closed = true
    if (this.timer !== null) {
      clearTimeout(this.timer)
      this.timer = null
    }
    this.last = undefined
    feeds.get(this.db)?.remove(this)
  }
}

/** A running live query, as `db.live()` returns it. */
class LiveQuery {
  /** @type {Live} */
  #live

  /** @param {Live} live */
  constructor(live) {
    this.#live = live
  }

  /** Stops it: no callback runs after this returns, not even for a run in flight. Idempotent. */
  close() {
    this.#live.close()
  }

  /** True once closed, by close() or by the database's close(). */
  get closed() {
    return this.#live.closed
  }

  /** How many times the read has run, the first run included. */
  get runs() {
    return this.#live.runs
  }
}

/**
 * The options object, checked like the native ones: unknown keys refused.
 * @param {unknown} options
 * @returns {{ throttleMs: number, onError: ErrorHandler | undefined }}
 */
function liveOptions(options) {
  if (options === undefined || options === null) return { throttleMs: DEFAULT_THROTTLE_MS, onError: undefined }
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw taktikError('INVALID_ARGUMENT', 'live: options must be an object like { throttleMs, onError }')
  }
  const o = /** @type {Record<string, unknown>} */ (options)
  for (const key of Object.keys(o)) {
    if (key !== 'throttleMs' && key !== 'onError') {
      throw taktikError('INVALID_ARGUMENT', `live: ${key} is not an option (the options are throttleMs, onError)`)
    }
  }
  let throttleMs = DEFAULT_THROTTLE_MS
  if (o.throttleMs !== undefined) {
    if (typeof o.throttleMs !== 'number' || !Number.isInteger(o.throttleMs) || o.throttleMs < 0 || o.throttleMs > MAX_THROTTLE_MS) {
      throw taktikError('INVALID_ARGUMENT', `live: throttleMs must be an integer from 0 to ${MAX_THROTTLE_MS}, got ${String(o.throttleMs)}`)
    }
    throttleMs = o.throttleMs
  }
  if (o.onError !== undefined && typeof o.onError !== 'function') {
    throw taktikError('INVALID_ARGUMENT', `live: onError must be a function, got ${typeof o.onError}`)
  }
  return { throttleMs, onError: /** @type {ErrorHandler | undefined} */ (o.onError) }
}

/**
 * `db.live()` (see the file comment and index.d.ts).
 * @this {TaktikDatabase}
 * @param {unknown} name
 * @param {unknown} args
 * @param {unknown} callback
 * @param {unknown} [options]
 * @returns {LiveQuery}
 */
function live(name, args, callback, options) {
  if (!this.isOpen) throw taktikError('CLOSED', `live: database is closed: ${this.path} (call openDatabase() again)`)
  if (typeof name !== 'string') {
    throw taktikError('INVALID_ARGUMENT', `live: name must be the name of a read method, like "getDailyStats", got ${describe(name)}`)
  }
  if (name.endsWith('Sync')) {
    throw taktikError('INVALID_ARGUMENT', `live: name is a read's async name ("${name.slice(0, -4)}", not "${name}")`)
  }
  /** @type {ApiTable[]} */
  let tables
  try {
    tables = this.tablesRead(/** @type {import('../index.d.ts').ReadMethod} */ (name))
  } catch (e) {
    // INVALID_ARGUMENT listing the reads, for any other name: said as live's.
    const error = /** @type {Error & { code?: string }} */ (e)
    if (error.code === 'INVALID_ARGUMENT') error.message = error.message.replace(/^tablesRead: /, 'live: name: ')
    throw error
  }
  if (!Array.isArray(args)) {
    throw taktikError('INVALID_ARGUMENT', `live: args must be an array of ${name}'s arguments, like [accountId, 30], got ${describe(args)}`)
  }
  if (typeof callback !== 'function') throw taktikError('INVALID_ARGUMENT', 'live: callback must be a function')
  const { throttleMs, onError } = liveOptions(options)
  let feed = feeds.get(this)
  if (feed === undefined) {
    feed = new Feed(this)
    feeds.set(this, feed)
  }
  // A copy: the caller may reuse its array.
  const state = new Live(this, name, [...args], tables, /** @type {Callback} */ (callback), throttleMs, onError)
  feed.add(state)
  state.run()
  return new LiveQuery(state)
}

/**
 * Puts `live` on the class, and makes the database's close() stop its live
 * queries (as it stops its watch feeds).
 * @param {{ prototype: TaktikDatabase }} TaktikDatabase
 */
function install(TaktikDatabase) {
  const proto = TaktikDatabase.prototype
  const nativeClose = proto.close
  /** @this {TaktikDatabase} */
  function close() {
    const feed = feeds.get(this)
    if (feed !== undefined) for (const q of [...feed.queries]) q.close()
    nativeClose.call(this)
  }
  // Like the native methods: writable, enumerable, configurable.
  const method = { writable: true, enumerable: true, configurable: true }
  Object.defineProperty(proto, 'live', { ...method, value: live })
  Object.defineProperty(proto, 'close', { ...method, value: close })
}

module.exports = { install, same }

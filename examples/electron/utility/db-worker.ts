// The database in an Electron utility process: the same requests, validation,
// change feeds and live queries as the in-process variant (main/database-host.ts), served
// over `process.parentPort`. The main process keeps the IPC channels, the
// sender check and a first round of validation (main/taktik-ipc.ts with
// `backend: connectDbWorker(child)`); this process opens the file the main
// process names, validates every message again, and runs the addon.
//
// Why: SQLite work and result materialization then never share a thread (or a
// crash) with the main process. The addon's async reads already run off the
// JS thread, so the in-process variant is fine for most apps; this is for
// very large pages or strict isolation.
//
// Entry point: `utilityProcess.fork(require.resolve('./db-worker.js'))` (built
// to JS by your bundler). When this module runs in a utility process it
// starts by itself; imported anywhere else (tests) it only exports.
import type { OpenOptions, TaktikDatabase } from '../addon.js'
import { openDatabase } from '../addon.js'
import { isRecord, type IpcFailure, type IpcResult } from '../shared/api.js'
import { validateOpenOptions } from '../shared/validate.js'
import { FeedSet, LiveSet, dispatch, failure, toFailure, type HostOptions } from '../main/database-host.js'
import { WORKER_REQUEST_KINDS, type WorkerMessage } from './protocol.js'

/** Electron's `process.parentPort` (a `ParentPort`), as far as this module uses it. */
export interface ParentPortLike {
  on(event: 'message', listener: (messageEvent: { data: unknown }) => void): unknown
  postMessage(message: unknown): void
}

export interface DbWorkerOptions extends HostOptions {
  /** Opens the database. Default: the addon's `openDatabase`. */
  open?: (options: OpenOptions) => TaktikDatabase
}

export interface DbWorkerHost {
  /** The open database, or null before `open` / after `close`. */
  readonly database: TaktikDatabase | null
  /** Stops the feeds and closes the database (as a `close` message does). */
  close(): void
}

const MAX_KEY_LENGTH = 200

/** Serves requests arriving on `port`. */
export function hostTaktikDatabase(port: ParentPortLike, options: DbWorkerOptions = {}): DbWorkerHost {
  const open = options.open ?? openDatabase
  let db: TaktikDatabase | null = null
  let feeds: FeedSet | null = null
  let lives: LiveSet | null = null
  let closed = false
  /** Why `open` failed; later requests answer with it. */
  let openFailure: IpcFailure | null = null

  const post = (message: WorkerMessage): void => port.postMessage(message)
  const reply = (id: number, result: IpcResult<unknown>): void => post({ kind: 'reply', id, result })

  const close = (): void => {
    closed = true
    feeds?.closeAll()
    lives?.closeAll()
    db?.close()
    feeds = null
    lives = null
    db = null
  }

  const notOpen = (): IpcFailure =>
    closed ? failure('CLOSED', 'the database is closed') : (openFailure ?? failure('UNAVAILABLE', 'the database is not open yet'))

  const handle = async (message: Record<string, unknown>, id: number): Promise<IpcResult<unknown>> => {
    switch (message.kind) {
      case 'open': {
        if (db || closed || openFailure) return failure('INVALID_ARGUMENT', 'the database was already opened')
        try {
          const database = open(validateOpenOptions(message.options))
          db = database
          feeds = new FeedSet(database, options)
          lives = new LiveSet(database, options)
          return { ok: true, data: null }
        } catch (error) {
          openFailure = toFailure(error, options.onError, 'open')
          return openFailure
        }
      }
      case 'call':
        if (!db) return notOpen()
        if (!Array.isArray(message.args)) return failure('INVALID_ARGUMENT', 'args must be an array')
        return dispatch(db, message.method, message.args, options)
      case 'subscribe':
      case 'unsubscribe':
      case 'live':
      case 'unlive': {
        const { key } = message
        if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
          return failure('INVALID_ARGUMENT', 'a feed key must be a short string')
        }
        if (!feeds || !lives) return notOpen()
        if (message.kind === 'unsubscribe') return feeds.unsubscribe(key)
        if (message.kind === 'unlive') return lives.unsubscribe(key)
        if (message.kind === 'live') {
          return lives.subscribe(key, message.method, message.args, message.options, (result) => post({ kind: 'live', key, result }))
        }
        return feeds.subscribe(key, message.options, (event) => post({ kind: 'event', key, event }))
      }
      case 'close':
        close()
        return { ok: true, data: null }
      default:
        return failure('INVALID_ARGUMENT', 'unknown message kind')
    }
  }

  port.on('message', ({ data }) => {
    // Without a usable id there is no one to answer: drop it.
    if (!isRecord(data) || typeof data.id !== 'number' || !Number.isSafeInteger(data.id) || data.id < 0) return
    const id = data.id
    if (typeof data.kind !== 'string' || !(WORKER_REQUEST_KINDS as readonly string[]).includes(data.kind)) {
      reply(id, failure('INVALID_ARGUMENT', 'unknown message kind'))
      return
    }
    handle(data, id).then(
      (result) => reply(id, result),
      (error: unknown) => reply(id, toFailure(error, options.onError, String(data.kind))),
    )
  })

  return {
    get database() {
      return db
    },
    close,
  }
}

// Started by Electron as a utility process: serve the parent port.
const parentPort = (process as unknown as { parentPort?: ParentPortLike | null }).parentPort
if (parentPort) hostTaktikDatabase(parentPort, { onError: (error, context) => console.error(`taktik-db worker: ${context}:`, error) })

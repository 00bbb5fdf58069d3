// The main-process side of the utility-process variant: a TaktikBackend that
// forwards requests to utility/db-worker.ts over the child's message channel.
// Pass it to registerTaktikIpc({ backend }) and the renderer-facing channels,
// the sender check and the validation stay exactly as in the in-process
// variant.
//
//   import { utilityProcess } from 'electron'
//   const child = utilityProcess.fork(path.join(__dirname, 'db-worker.js'), [], { serviceName: 'taktik-db' })
//   const backend = connectDbWorker(child, { database: { path: dbPath } })
//   registerTaktikIpc({ ipcMain, app, webContents: () => webContents.getAllWebContents(), allowedOrigins, backend })
//
// This module imports no runtime code from the addon: the database is opened
// in the utility process only.
import type { OpenOptions } from '../addon.js'
import { isChangeEvent, isIpcResult, isLiveResult, isRecord, type IpcResult, type WatchEventPayload } from '../shared/api.js'
import { failure, type HostOptions, type TaktikBackend } from './database-host.js'
import type { WorkerRequest } from '../utility/protocol.js'

/** Electron's `UtilityProcess` (from `utilityProcess.fork`), as far as this module uses it. */
export interface UtilityProcessLike {
  postMessage(message: unknown): void
  on(event: 'message', listener: (message: unknown) => void): unknown
  on(event: 'exit', listener: (code: number) => void): unknown
  kill(): boolean
}

export interface DbWorkerClientOptions {
  /**
   * How the utility process opens the database; the main process decides.
   * Without `path`, the worker uses the addon's defaultDatabasePath().
   */
  database?: OpenOptions
  /** A request without a reply after this long resolves with TIMEOUT. Default 60000. */
  requestTimeoutMs?: number
  onError?: HostOptions['onError']
}

export interface DbWorkerClient extends TaktikBackend {
  /** Resolves once the utility process has opened the database (or failed to). */
  readonly ready: Promise<IpcResult<null>>
}

type Pending = (result: IpcResult<unknown>) => void
type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never

export function connectDbWorker(child: UtilityProcessLike, options: DbWorkerClientOptions = {}): DbWorkerClient {
  const timeoutMs = options.requestTimeoutMs ?? 60_000
  const pending = new Map<number, Pending>()
  const feeds = new Map<string, (event: WatchEventPayload) => void>()
  const lives = new Map<string, (result: IpcResult<unknown>) => void>()
  let state: 'open' | 'closed' | 'exited' = 'open'
  let exitCode: number | null = null
  let nextId = 1

  child.on('message', (message) => {
    if (!isRecord(message)) return
    if (message.kind === 'reply' && typeof message.id === 'number' && isIpcResult(message.result)) {
      pending.get(message.id)?.(message.result)
    } else if (message.kind === 'event' && typeof message.key === 'string' && isChangeEvent(message.event)) {
      feeds.get(message.key)?.({ ...message.event, tables: [...message.event.tables] })
    } else if (message.kind === 'live' && isLiveResult(message)) {
      lives.get(message.key)?.(message.result)
    }
  })

  child.on('exit', (code) => {
    if (state === 'open') state = 'exited'
    exitCode = code
    const gone = failure('UNAVAILABLE', `the database process exited (code ${code})`)
    for (const resolve of [...pending.values()]) resolve(gone)
    feeds.clear()
    // A live query's window learns that its results stopped.
    for (const onResult of [...lives.values()]) onResult(gone)
    lives.clear()
  })

  const request = (body: RequestBody): Promise<IpcResult<unknown>> => {
    if (state === 'closed') return Promise.resolve(failure('CLOSED', 'the database is closed'))
    if (state === 'exited') return Promise.resolve(failure('UNAVAILABLE', `the database process exited (code ${exitCode})`))
    const id = nextId++
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(failure('TIMEOUT', `no answer from the database process in ${timeoutMs} ms`)), timeoutMs)
      timer.unref?.()
      const settle: Pending = (result) => {
        clearTimeout(timer)
        pending.delete(id)
        resolve(result)
      }
      pending.set(id, settle)
      try {
        child.postMessage({ ...body, id })
      } catch (error) {
        settle(failure('UNAVAILABLE', `could not reach the database process: ${String(error)}`))
      }
    })
  }

  const ready = request({ kind: 'open', options: options.database ?? {} }) as Promise<IpcResult<null>>

  return {
    ready,
    call: (method, args) => request({ kind: 'call', method, args: [...args] }),
    async subscribe(key, watchOptions, onEvent) {
      // Listen before asking, so no event can arrive unrouted; undo on failure.
      const previous = feeds.get(key)
      feeds.set(key, onEvent)
      const result = await request({ kind: 'subscribe', key, options: watchOptions })
      if (result.ok) return { ok: true, data: null }
      if (feeds.get(key) === onEvent) {
        if (previous) feeds.set(key, previous)
        else feeds.delete(key)
      }
      return result
    },
    async unsubscribe(key) {
      feeds.delete(key)
      const result = await request({ kind: 'unsubscribe', key })
      return result.ok ? { ok: true, data: result.data === true } : result
    },
    async live(key, method, args, liveOptions, onResult) {
      // As subscribe: listen before asking (the first result may come before the reply).
      const previous = lives.get(key)
      lives.set(key, onResult)
      const result = await request({ kind: 'live', key, method, args: [...args], options: liveOptions })
      if (result.ok) return { ok: true, data: null }
      if (lives.get(key) === onResult) {
        if (previous) lives.set(key, previous)
        else lives.delete(key)
      }
      return result
    },
    async unlive(key) {
      lives.delete(key)
      const result = await request({ kind: 'unlive', key })
      return result.ok ? { ok: true, data: result.data === true } : result
    },
    async close() {
      if (state !== 'open') return
      const closed = request({ kind: 'close' })
      state = 'closed' // later calls answer CLOSED at once
      feeds.clear()
      lives.clear()
      await closed
      child.kill()
    },
  }
}

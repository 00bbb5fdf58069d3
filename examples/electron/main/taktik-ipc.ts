// The Electron main-process side: opens taktik-data.db (the path is chosen
// here, never by a renderer), registers one typed `ipcMain.handle` channel per
// request in shared/api.ts plus the watch and live-query subscribe/unsubscribe
// channels, and closes everything on `before-quit`.
//
// Each channel, in order:
//   1. checks the sender: the URL of the frame that sent the message
//      (`event.senderFrame.url`) must be one of the app's own pages
//      (`allowedOrigins`), else FORBIDDEN;
//   2. validates every argument (shared/validate.ts), else INVALID_ARGUMENT;
//   3. hands the normalized arguments to the backend (the database in this
//      process, or a utility process, see db-worker-client.ts);
//   4. resolves with `{ ok: true, data }` or `{ ok: false, code, message }`.
//      Nothing is thrown across IPC: Electron would flatten a thrown Error to a
//      bare message and the renderer could not branch on the code.
//
// No dependency on the `electron` package: the Electron objects come in as
// parameters typed with the minimal structural interfaces below. The real
// `ipcMain`, `app` and `WebContents` satisfy them, so in the app:
//
//   import { app, ipcMain, webContents } from 'electron'
//   registerTaktikIpc({ ipcMain, app, webContents: () => webContents.getAllWebContents(), allowedOrigins })
import type { OpenOptions, TaktikDatabase } from '../addon.js'
import { defaultDatabasePath, openDatabase } from '../addon.js'
import {
  LIMITS,
  LIVE_RESULT_CHANNEL,
  LIVE_SUBSCRIBE_CHANNEL,
  LIVE_UNSUBSCRIBE_CHANNEL,
  TAKTIK_METHODS,
  WATCH_EVENT_CHANNEL,
  WATCH_SUBSCRIBE_CHANNEL,
  WATCH_UNSUBSCRIBE_CHANNEL,
  channelOf,
  type IpcFailure,
  type IpcResult,
  type LiveResultPayload,
  type TaktikMethod,
  type WatchEventPayload,
} from '../shared/api.js'
import { BoundaryError, liveKey, validateArgs, validateLiveSubscription, validateWatchOptions } from '../shared/validate.js'
import { createInProcessBackend, failure, toFailure, type HostOptions, type TaktikBackend } from './database-host.js'

// ---------------------------------------------------------------------------------------
// What this module needs from Electron (structural; Electron's own types satisfy them)
// ---------------------------------------------------------------------------------------

/** Electron's `WebFrameMain`, as far as the sender check reads it. */
export interface WebFrameLike {
  readonly url: string
}

/** Electron's `WebContents`, as far as this module uses it. */
export interface WebContentsLike {
  readonly id: number
  send(channel: string, ...args: unknown[]): void
  isDestroyed(): boolean
}

/**
 * Electron's `IpcMainInvokeEvent`. `senderFrame` is null once the frame navigated away or was
 * destroyed. `sender` is the window's WebContents, whose 'destroyed' event stops its live queries.
 */
export interface IpcMainInvokeEventLike {
  readonly sender: { readonly id: number; once?(event: 'destroyed', listener: () => void): unknown }
  readonly senderFrame: WebFrameLike | null
}

/** Electron's `ipcMain`. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
}

/** Electron's `app`. */
export interface AppLike {
  on(event: 'before-quit', listener: () => void): unknown
  removeListener(event: 'before-quit', listener: () => void): unknown
}

/**
 * The live renderers that may receive change events, looked up by id when an
 * event is sent. E.g. `() => webContents.getAllWebContents()` or
 * `() => BrowserWindow.getAllWindows().map((w) => w.webContents)`.
 */
export type WebContentsProvider = () => Iterable<WebContentsLike>

// ---------------------------------------------------------------------------------------
// Sender check
// ---------------------------------------------------------------------------------------

/**
 * Builds the sender check from the app's own page locations:
 * - an origin, e.g. `http://localhost:5173` (the dev server) or `app://taktik`
 *   (a custom protocol): the frame's scheme, host and port must be equal;
 * - a `file://` URL: ending in `/`, any page under that directory
 *   (e.g. `pathToFileURL(rendererDir).href + '/'`); otherwise exactly that page.
 *   Query and fragment of the sender are ignored; `..` segments are resolved
 *   before comparing, so they cannot climb out of the directory.
 * Everything else is refused: other origins and ports, `about:blank`, `data:`,
 * `devtools:`, frames with credentials in the URL, and a null `senderFrame`.
 */
export function createSenderPolicy(allowed: readonly string[]): (url: string) => boolean {
  const origins = new Set<string>()
  const files: { href: string; directory: boolean }[] = []
  for (const entry of allowed) {
    let u: URL
    try {
      u = new URL(entry)
    } catch {
      throw new TypeError(`allowedOrigins: not a URL: ${entry}`)
    }
    if (u.search || u.hash || u.username || u.password) {
      throw new TypeError(`allowedOrigins: no query, fragment or credentials: ${entry}`)
    }
    if (u.protocol === 'file:') {
      files.push({ href: u.href, directory: u.href.endsWith('/') })
    } else {
      if (!u.host || (u.pathname !== '' && u.pathname !== '/')) {
        throw new TypeError(`allowedOrigins: expected an origin like http://localhost:5173, got ${entry}`)
      }
      origins.add(`${u.protocol}//${u.host}`)
    }
  }
  return (url) => {
    let u: URL
    try {
      u = new URL(url)
    } catch {
      return false
    }
    if (u.username || u.password) return false
    if (u.protocol === 'file:') {
      u.search = ''
      u.hash = ''
      const href = u.href
      return files.some((f) => href === f.href || (f.directory && href.startsWith(f.href)))
    }
    // `URL.origin` is "null" for non-special schemes (app://), so compare scheme + host.
    return origins.has(`${u.protocol}//${u.host}`)
  }
}

// ---------------------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------------------

export interface TaktikIpcOptions extends HostOptions {
  ipcMain: IpcMainLike
  app: AppLike
  webContents: WebContentsProvider
  /** The app's own pages, see createSenderPolicy. */
  allowedOrigins: readonly string[]
  /**
   * How to open the database; the main process decides. Default
   * `{ path: defaultDatabasePath() }`, where the Python bot writes. Ignored
   * when `backend` is given.
   */
  database?: OpenOptions
  /** Opens the database. Default: the addon's `openDatabase`. */
  open?: (options: OpenOptions) => TaktikDatabase
  /** Run the requests elsewhere, e.g. `connectDbWorker(child)` for a utility process. */
  backend?: TaktikBackend
}

export interface TaktikIpc {
  readonly backend: TaktikBackend
  /** Every channel registered with `ipcMain.handle`. */
  readonly channels: readonly string[]
  /** Stops the change feeds and live queries and closes the database (what `before-quit` does). Later calls answer CLOSED. */
  close(): Promise<void>
  /** close(), then removes every handler and the `before-quit` listener. */
  dispose(): Promise<void>
}

/** The key of a renderer's change feed in the backend. */
function feedKey(webContentsId: number): string {
  return `webContents:${webContentsId}`
}

/** The key of a renderer's live query `key` in the backend. */
function liveBackendKey(webContentsId: number, key: string): string {
  return `webContents:${webContentsId}:live:${key}`
}

export function registerTaktikIpc(options: TaktikIpcOptions): TaktikIpc {
  const { ipcMain, app, onError } = options
  const isAllowed = createSenderPolicy(options.allowedOrigins)
  const backend =
    options.backend ??
    createInProcessBackend((options.open ?? openDatabase)(options.database ?? { path: defaultDatabasePath() }), options)

  /** FORBIDDEN unless the frame that sent the message is one of the app's pages. */
  const checkSender = (event: IpcMainInvokeEventLike): IpcFailure | null => {
    let url: unknown
    try {
      url = event.senderFrame?.url
    } catch {
      url = undefined
    }
    if (typeof url === 'string' && isAllowed(url)) return null
    return failure('FORBIDDEN', 'the sender is not one of the app’s pages')
  }

  const channels: string[] = []
  const handle = (channel: string, run: (event: IpcMainInvokeEventLike, args: unknown[]) => Promise<IpcResult<unknown>>) => {
    ipcMain.handle(channel, async (event, ...args) => {
      try {
        return checkSender(event) ?? (await run(event, args))
      } catch (error) {
        return toFailure(error, onError, channel)
      }
    })
    channels.push(channel)
  }

  for (const method of TAKTIK_METHODS) {
    handle(channelOf(method), (_event, args) => {
      // Validate here, so a bad argument never crosses to the backend (or to
      // a utility process); the backend validates again at its own boundary.
      const valid: readonly unknown[] = validateArgs<TaktikMethod>(method, args)
      return backend.call(method, valid)
    })
  }

  /** The live window `webContentsId`, or undefined once it is gone or destroyed. */
  const windowOf = (webContentsId: number): WebContentsLike | undefined => {
    for (const wc of options.webContents()) {
      if (wc.id === webContentsId) return wc.isDestroyed() ? undefined : wc
    }
    return undefined
  }

  /** Each window's live query keys (its own names for them). */
  const liveKeys = new Map<number, Set<string>>()
  /** Windows whose 'destroyed' event is already hooked. */
  const hooked = new Set<number>()

  const stopLive = (webContentsId: number, key: string): Promise<IpcResult<boolean>> => {
    const keys = liveKeys.get(webContentsId)
    keys?.delete(key)
    if (keys?.size === 0) liveKeys.delete(webContentsId)
    return backend.unlive(liveBackendKey(webContentsId, key))
  }

  /** A window is gone: stop its change feed and its live queries. */
  const dropWindow = (webContentsId: number): void => {
    void backend.unsubscribe(feedKey(webContentsId))
    for (const key of [...(liveKeys.get(webContentsId) ?? [])]) void stopLive(webContentsId, key)
  }

  /** Sends a change event to the renderer that subscribed, or drops its feed if it is gone. */
  const forward = (webContentsId: number, payload: WatchEventPayload): void => {
    const target = windowOf(webContentsId)
    if (!target) {
      void backend.unsubscribe(feedKey(webContentsId))
      return
    }
    target.send(WATCH_EVENT_CHANNEL, payload)
  }

  /** Sends a live query's result to its window, or stops the window's queries if it is gone. */
  const forwardLive = (webContentsId: number, key: string, result: IpcResult<unknown>): void => {
    const target = windowOf(webContentsId)
    if (!target) {
      dropWindow(webContentsId)
      return
    }
    target.send(LIVE_RESULT_CHANNEL, { key, result } satisfies LiveResultPayload)
  }

  handle(WATCH_SUBSCRIBE_CHANNEL, async (event, args) => {
    if (args.length > 1) throw new BoundaryError(`watch subscribe takes 0 to 1 argument(s), got ${args.length}`)
    const watchOptions = validateWatchOptions(args[0])
    const id = event.sender.id
    return backend.subscribe(feedKey(id), watchOptions, (payload) => forward(id, payload))
  })

  handle(WATCH_UNSUBSCRIBE_CHANNEL, async (event, args) => {
    if (args.length > 0) throw new BoundaryError(`watch unsubscribe takes no arguments, got ${args.length}`)
    return backend.unsubscribe(feedKey(event.sender.id))
  })

  handle(LIVE_SUBSCRIBE_CHANNEL, async (event, args) => {
    const sub = validateLiveSubscription(args)
    const id = event.sender.id
    const keys = liveKeys.get(id) ?? new Set<string>()
    if (!keys.has(sub.key) && keys.size >= LIMITS.maxLivePerWindow) {
      throw new BoundaryError(`a window may hold at most ${LIMITS.maxLivePerWindow} live queries`)
    }
    // Closing the window stops its live queries at once, not at their next result.
    if (!hooked.has(id) && typeof event.sender.once === 'function') {
      hooked.add(id)
      event.sender.once('destroyed', () => {
        hooked.delete(id)
        dropWindow(id)
      })
    }
    const result = await backend.live(liveBackendKey(id, sub.key), sub.method, sub.args, sub.options, (r) => forwardLive(id, sub.key, r))
    if (result.ok) liveKeys.set(id, keys.add(sub.key))
    return result
  })

  handle(LIVE_UNSUBSCRIBE_CHANNEL, async (event, args) => {
    if (args.length !== 1) throw new BoundaryError(`live unsubscribe takes 1 argument, got ${args.length}`)
    return stopLive(event.sender.id, liveKey(args[0]))
  })

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    liveKeys.clear()
    closing ??= backend.close().catch((error: unknown) => {
      toFailure(error, onError, 'close')
    })
    return closing
  }
  // `before-quit` cannot wait for a promise; the in-process close is synchronous
  // anyway (db.close() returns at once), and a utility process is told to close.
  const onBeforeQuit = (): void => {
    void close()
  }
  app.on('before-quit', onBeforeQuit)

  return {
    backend,
    channels,
    close,
    async dispose() {
      await close()
      app.removeListener('before-quit', onBeforeQuit)
      for (const channel of channels) ipcMain.removeHandler(channel)
    },
  }
}

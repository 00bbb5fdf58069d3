// The preload: exposes `window.taktik` (type TaktikApi, shared/api.ts) through
// contextBridge. The renderer gets one function per request, a `watch` and a
// `live` object, never `ipcRenderer` itself, never the IPC event object (whose
// `sender` is the ipcRenderer), and no way to name a channel, a file or SQL.
//
// No dependency on the `electron` package: contextBridge and ipcRenderer come
// in as parameters typed with the structural interfaces below, which
// Electron's own objects satisfy. The real preload entry is two lines:
//
//   import { contextBridge, ipcRenderer } from 'electron'
//   exposeTaktikApi(contextBridge, ipcRenderer)
//
// Sandboxed preloads (the default since Electron 20) can only `require` a few
// built-in modules, so bundle this file and shared/api.ts into one preload
// script (electron-vite, webpack, esbuild). It imports no runtime code from
// the addon.
import {
  LIVE_RESULT_CHANNEL,
  LIVE_SUBSCRIBE_CHANNEL,
  LIVE_UNSUBSCRIBE_CHANNEL,
  TAKTIK_METHODS,
  WATCH_EVENT_CHANNEL,
  WATCH_SUBSCRIBE_CHANNEL,
  WATCH_UNSUBSCRIBE_CHANNEL,
  channelOf,
  isChangeEvent,
  isIpcResult,
  isLiveResult,
  type IpcResult,
  type LiveSubscribeOptions,
  type TaktikApi,
  type WatchEventPayload,
  type WatchSubscribeOptions,
} from '../shared/api.js'

/** Electron's `ipcRenderer`, as far as this module uses it. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
}

/** Electron's `contextBridge`. */
export interface ContextBridgeLike {
  exposeInMainWorld(apiKey: string, api: unknown): void
}

/** The main process always answers with an IpcResult; anything else is reported, not passed on. */
function asResult(v: unknown): IpcResult<unknown> {
  if (isIpcResult(v)) return v
  return { ok: false, code: 'INTERNAL', message: 'malformed reply from the main process' }
}

/** Builds the API object over `ipcRenderer`. Every function resolves; none rejects. */
export function createTaktikApi(ipc: IpcRendererLike): TaktikApi {
  const call = async (channel: string, args: unknown[]): Promise<IpcResult<unknown>> => {
    try {
      return asResult(await ipc.invoke(channel, ...args))
    } catch (error) {
      // e.g. "No handler registered for ...": the main process did not set up the channels.
      return { ok: false, code: 'UNAVAILABLE', message: error instanceof Error ? error.message : String(error) }
    }
  }

  const api: Record<string, unknown> = {}
  for (const method of TAKTIK_METHODS) {
    const channel = channelOf(method)
    api[method] = (...args: unknown[]) => call(channel, args)
  }
  api.watch = Object.freeze({
    subscribe: (options?: WatchSubscribeOptions) => call(WATCH_SUBSCRIBE_CHANNEL, options === undefined ? [] : [options]),
    unsubscribe: () => call(WATCH_UNSUBSCRIBE_CHANNEL, []),
    onChange(listener: (event: WatchEventPayload) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('watch.onChange needs a function')
      const forward = (_event: unknown, payload: unknown): void => {
        if (isChangeEvent(payload)) listener({ tables: [...payload.tables], rows: { ...payload.rows }, dataVersion: payload.dataVersion, layout: payload.layout, layoutChanged: payload.layoutChanged })
      }
      ipc.on(WATCH_EVENT_CHANNEL, forward)
      return () => {
        ipc.removeListener(WATCH_EVENT_CHANNEL, forward)
      }
    },
  })
  // One IPC listener for every live query of the page, dispatching by key; added with the first.
  const liveListeners = new Map<string, (result: IpcResult<unknown>) => void>()
  const onLive = (_event: unknown, payload: unknown): void => {
    if (isLiveResult(payload)) liveListeners.get(payload.key)?.(payload.result)
  }
  api.live = Object.freeze({
    async subscribe(key: string, method: string, args: unknown[], listener: (result: IpcResult<unknown>) => void, options?: LiveSubscribeOptions) {
      if (typeof listener !== 'function') throw new TypeError('live.subscribe needs a listener function')
      if (liveListeners.size === 0) ipc.on(LIVE_RESULT_CHANNEL, onLive)
      // Listen before asking: the first result may arrive before the reply.
      const previous = liveListeners.get(key)
      liveListeners.set(key, listener)
      const res = await call(LIVE_SUBSCRIBE_CHANNEL, options === undefined ? [key, method, args] : [key, method, args, options])
      if (!res.ok && liveListeners.get(key) === listener) {
        if (previous) liveListeners.set(key, previous)
        else liveListeners.delete(key)
        if (liveListeners.size === 0) ipc.removeListener(LIVE_RESULT_CHANNEL, onLive)
      }
      return res
    },
    async unsubscribe(key: string) {
      if (liveListeners.delete(key) && liveListeners.size === 0) ipc.removeListener(LIVE_RESULT_CHANNEL, onLive)
      return call(LIVE_UNSUBSCRIBE_CHANNEL, [key])
    },
  })
  // The object is built from TAKTIK_METHODS, whose completeness shared/api.ts checks at compile time.
  return Object.freeze(api) as TaktikApi
}

/** `contextBridge.exposeInMainWorld(key, createTaktikApi(ipcRenderer))`; returns the API. */
export function exposeTaktikApi(bridge: ContextBridgeLike, ipc: IpcRendererLike, key = 'taktik'): TaktikApi {
  const api = createTaktikApi(ipc)
  bridge.exposeInMainWorld(key, api)
  return api
}

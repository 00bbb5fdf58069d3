// Messages between the main process (main/db-worker-client.ts) and the utility
// process (utility/db-worker.ts). Plain data only: they cross a MessagePort
// (structured clone).
import type { OpenOptions } from '../addon.js'
import type { IpcResult, LiveMethod, LiveSubscribeOptions, TaktikMethod, WatchEventPayload, WatchSubscribeOptions } from '../shared/api.js'

/** main -> utility. Every request carries an `id`; the reply echoes it. */
export type WorkerRequest =
  | { kind: 'open'; id: number; options: OpenOptions }
  | { kind: 'call'; id: number; method: TaktikMethod; args: unknown[] }
  | { kind: 'subscribe'; id: number; key: string; options: WatchSubscribeOptions }
  | { kind: 'unsubscribe'; id: number; key: string }
  | { kind: 'live'; id: number; key: string; method: LiveMethod; args: unknown[]; options: LiveSubscribeOptions }
  | { kind: 'unlive'; id: number; key: string }
  | { kind: 'close'; id: number }

/** utility -> main. */
export type WorkerMessage =
  | { kind: 'reply'; id: number; result: IpcResult<unknown> }
  | { kind: 'event'; key: string; event: WatchEventPayload }
  | { kind: 'live'; key: string; result: IpcResult<unknown> }

export const WORKER_REQUEST_KINDS: readonly WorkerRequest['kind'][] = ['open', 'call', 'subscribe', 'unsubscribe', 'live', 'unlive', 'close']

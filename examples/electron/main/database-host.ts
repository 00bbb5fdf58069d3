// Runs validated requests against an open TaktikDatabase and turns every
// outcome into an IpcResult. Transport-agnostic: the main process uses it
// directly (createInProcessBackend), the utility process uses it behind
// process.parentPort (utility/db-worker.ts). From the addon it imports types
// and the error guard; the database it works on is handed in.
import {
  isTaktikError,
  type CallOptions,
  type ChangeEvent,
  type LiveOptions,
  type LiveQuery,
  type Paged,
  type TaktikDatabase,
  type WatchHandle,
} from '../addon.js'
import {
  type IpcFailure,
  type IpcResult,
  type LiveMethod,
  type LiveSubscribeOptions,
  type RowsPage,
  type TaktikArgs,
  type TaktikMethod,
  type TaktikResult,
  type WatchEventPayload,
  type WatchSubscribeOptions,
} from '../shared/api.js'
import { BoundaryError, isLiveMethod, isTaktikMethod, validateArgs, validateLiveOptions, validateWatchOptions } from '../shared/validate.js'

/**
 * Where requests go once the IPC layer has accepted them: the database in this
 * process (createInProcessBackend) or a utility process (connectDbWorker).
 * Every method resolves; none rejects.
 */
export interface TaktikBackend {
  call(method: TaktikMethod, args: readonly unknown[]): Promise<IpcResult<unknown>>
  /** Starts (or replaces) the change feed named `key`. */
  subscribe(key: string, options: WatchSubscribeOptions, onEvent: (event: WatchEventPayload) => void): Promise<IpcResult<null>>
  /** Stops the feed named `key`; `data` says whether it was running. */
  unsubscribe(key: string): Promise<IpcResult<boolean>>
  /**
   * Starts (or replaces) the live query named `key`: `onResult` gets the read's result, then each
   * changed result, or a failure, until `unlive(key)`.
   */
  live(
    key: string,
    method: LiveMethod,
    args: readonly unknown[],
    options: LiveSubscribeOptions,
    onResult: (result: IpcResult<unknown>) => void,
  ): Promise<IpcResult<null>>
  /** Stops the live query named `key`; `data` says whether it was running. */
  unlive(key: string): Promise<IpcResult<boolean>>
  /** Stops every feed and live query and closes the database. Idempotent. */
  close(): Promise<void>
}

export interface HostOptions {
  /**
   * Passed to every async read as `{ timeoutMs }`: the addon interrupts the
   * SQLite work and the call fails with TIMEOUT. Default 15000; 0 = none.
   */
  readTimeoutMs?: number
  /** Told about failures that are bugs rather than database outcomes (code INTERNAL). */
  onError?: (error: unknown, context: string) => void
}

// ---------------------------------------------------------------------------------------
// Errors -> IpcFailure
// ---------------------------------------------------------------------------------------

const MAX_MESSAGE = 2000

export function failure(code: IpcFailure['code'], message: string): IpcFailure {
  return { ok: false, code, message: message.slice(0, MAX_MESSAGE) }
}

/**
 * A boundary rejection or an addon error becomes `{ ok: false, code, message }`
 * with the addon's code and message (which names the function and the file).
 * Anything else is a bug: reported to `onError`, and the renderer gets
 * INTERNAL with a generic message (no stack, no internals).
 */
export function toFailure(error: unknown, onError?: HostOptions['onError'], context = 'request'): IpcFailure {
  if (error instanceof BoundaryError) return failure('INVALID_ARGUMENT', error.message)
  if (isTaktikError(error)) return failure(error.code, error.message)
  try {
    onError?.(error, context)
  } catch {
    // a failing logger must not turn into a thrown IPC reply
  }
  return failure('INTERNAL', `${context} failed unexpectedly`)
}

// ---------------------------------------------------------------------------------------
// Requests -> addon calls
// ---------------------------------------------------------------------------------------

type Invoker<K extends TaktikMethod> = (
  db: TaktikDatabase,
  args: TaktikArgs<K>,
  call: CallOptions | undefined,
) => Promise<TaktikResult<K>>

/** A listing's rows with their cursor, as plain data for IPC (see RowsPage). */
async function page<T>(rows: Promise<Paged<T>>): Promise<RowsPage<T>> {
  const r = await rows
  return { rows: r, nextCursor: r.nextCursor }
}

/** One line per request: which addon method it calls, with which arguments. */
const invokers: { readonly [K in TaktikMethod]: Invoker<K> } = {
  getAccounts: (db, [], call) => db.getAccounts(call),
  getSessions: (db, [accountId, options], call) => page(db.getSessions(accountId, options, call)),
  countSessions: (db, [accountId, options], call) => db.countSessions(accountId, options, call),
  getSession: (db, [sessionId], call) => db.getSession(sessionId, call),
  getSessionStats: (db, [sessionId], call) => db.getSessionStats(sessionId, call),
  getDailyStats: (db, [accountId, days], call) => db.getDailyStats(accountId, days, call),
  getActivity: (db, [options], call) => db.getActivity(options, call),
  getProfiles: (db, [accountId, options], call) => page(db.getProfiles(accountId, options, call)),
  countProfiles: (db, [accountId, options], call) => db.countProfiles(accountId, options, call),
  getProfile: (db, [usernameOrId], call) => db.getProfile(usernameOrId, call),
  getInteractions: (db, [accountId, options], call) => page(db.getInteractions(accountId, options, call)),
  countInteractions: (db, [accountId, options], call) => db.countInteractions(accountId, options, call),
  getFilteredProfiles: (db, [accountId, options], call) => page(db.getFilteredProfiles(accountId, options, call)),
  getScrapingSessions: (db, [options], call) => page(db.getScrapingSessions(options, call)),
  getScrapingSession: (db, [scrapingId], call) => db.getScrapingSession(scrapingId, call),
  getScrapedProfiles: (db, [scrapingId, options], call) => page(db.getScrapedProfiles(scrapingId, options, call)),
  getDiscoveryCampaigns: (db, [accountId], call) => db.getDiscoveryCampaigns(accountId, call),
  getDiscoveryProgress: (db, [campaignId], call) => db.getDiscoveryProgress(campaignId, call),
  getDiscoveredProfiles: (db, [campaignId, options], call) => page(db.getDiscoveredProfiles(campaignId, options, call)),
  getTikTokAccounts: (db, [], call) => db.getTikTokAccounts(call),
  getTikTokSessions: (db, [accountId, options], call) => page(db.getTikTokSessions(accountId, options, call)),
  getTikTokDailyStats: (db, [accountId, days], call) => db.getTikTokDailyStats(accountId, days, call),
  getTikTokActivity: (db, [options], call) => db.getTikTokActivity(options, call),
  getDatabaseInfo: (db) => db.getDatabaseInfo(),
  updateProfileNotes: (db, [profileId, notes]) => db.updateProfileNotes(profileId, notes),
  removeFilteredProfile: (db, [accountId, profileId]) => db.removeFilteredProfile(accountId, profileId),
  setDiscoveredProfileStatus: (db, [profileId, status]) => db.setDiscoveredProfileStatus(profileId, status),
  createDiscoveryCampaign: (db, [input]) => db.createDiscoveryCampaign(input),
  updateDiscoveryCampaign: (db, [campaignId, patch]) => db.updateDiscoveryCampaign(campaignId, patch),
}

function run<K extends TaktikMethod>(
  db: TaktikDatabase,
  method: K,
  rawArgs: unknown,
  call: CallOptions | undefined,
): Promise<TaktikResult<K>> {
  const invoke: Invoker<K> = invokers[method]
  return invoke(db, validateArgs(method, rawArgs), call)
}

/**
 * Validates `method` and `args` (again: this is also the entry point of the
 * utility process), calls the addon, and wraps the outcome. Never rejects.
 */
export async function dispatch(
  db: TaktikDatabase,
  method: unknown,
  args: unknown,
  options: HostOptions = {},
): Promise<IpcResult<unknown>> {
  if (!isTaktikMethod(method)) return failure('INVALID_ARGUMENT', 'unknown method')
  const timeoutMs = options.readTimeoutMs ?? 15_000
  try {
    const data: unknown = await run(db, method, args, timeoutMs > 0 ? { timeoutMs } : undefined)
    return { ok: true, data }
  } catch (error) {
    return toFailure(error, options.onError, method)
  }
}

// ---------------------------------------------------------------------------------------
// Change feeds
// ---------------------------------------------------------------------------------------

/**
 * Named `db.watch` feeds: one per key, replaced on re-subscribe. No event is
 * delivered after `handle.close()` returns (the addon guarantees it), so
 * unsubscribe is final.
 */
export class FeedSet {
  private readonly feeds = new Map<string, WatchHandle>()

  constructor(
    private readonly db: TaktikDatabase,
    private readonly options: HostOptions = {},
  ) {}

  subscribe(key: string, rawOptions: unknown, onEvent: (event: WatchEventPayload) => void): IpcResult<null> {
    try {
      const { tables, intervalMs } = validateWatchOptions(rawOptions)
      const watchOptions = { ...(tables ? { tables } : {}), ...(intervalMs ? { intervalMs } : {}) }
      const handle = this.db.watch((event: ChangeEvent) => {
        try {
          onEvent({ tables: [...event.tables], rows: { ...event.rows }, dataVersion: event.dataVersion, layout: event.layout, layoutChanged: event.layoutChanged })
        } catch (error) {
          toFailure(error, this.options.onError, 'watch event')
        }
      }, watchOptions)
      this.feeds.get(key)?.close()
      this.feeds.set(key, handle)
      return { ok: true, data: null }
    } catch (error) {
      return toFailure(error, this.options.onError, 'watch')
    }
  }

  unsubscribe(key: string): IpcResult<boolean> {
    const feed = this.feeds.get(key)
    if (!feed) return { ok: true, data: false }
    feed.close()
    this.feeds.delete(key)
    return { ok: true, data: true }
  }

  closeAll(): void {
    for (const feed of this.feeds.values()) feed.close()
    this.feeds.clear()
  }

  get size(): number {
    return this.feeds.size
  }
}

// ---------------------------------------------------------------------------------------
// Live queries
// ---------------------------------------------------------------------------------------

/** A live result as the request's own channel returns it: a listing's page as a RowsPage (see page()). */
function asIpcData(data: unknown): unknown {
  if (Array.isArray(data) && Object.hasOwn(data, 'nextCursor')) {
    return { rows: data, nextCursor: (data as Paged<unknown>).nextCursor }
  }
  return data
}

/**
 * Named `db.live` queries: one per key, replaced on re-subscribe. The addon calls back with a
 * read's first result and then only with changed ones, never after `close()` returns, and
 * reports a failed run (a read's error, e.g. NOT_IN_THIS_FILE or SQLITE_BUSY) to `onError`:
 * both become IpcResults for `onResult`.
 */
export class LiveSet {
  private readonly queries = new Map<string, LiveQuery>()

  constructor(
    private readonly db: TaktikDatabase,
    private readonly options: HostOptions = {},
  ) {}

  subscribe(key: string, method: unknown, rawArgs: unknown, rawOptions: unknown, onResult: (result: IpcResult<unknown>) => void): IpcResult<null> {
    try {
      if (!isLiveMethod(method)) return failure('INVALID_ARGUMENT', 'unknown live method')
      const args = validateArgs(method, rawArgs)
      const { throttleMs } = validateLiveOptions(rawOptions)
      const send = (result: IpcResult<unknown>): void => {
        try {
          onResult(result)
        } catch (error) {
          toFailure(error, this.options.onError, 'live result')
        }
      }
      // validateArgs checked `args` for `method`: they are that read's arguments, which
      // TypeScript cannot relate to a method chosen at run time.
      const live = this.db.live.bind(this.db) as unknown as (
        name: LiveMethod,
        args: readonly unknown[],
        callback: (result: unknown) => void,
        options: LiveOptions,
      ) => LiveQuery
      const query = live(method, args, (data) => send({ ok: true, data: asIpcData(data) }), {
        ...(throttleMs ? { throttleMs } : {}),
        onError: (error) => send(toFailure(error, this.options.onError, method)),
      })
      this.queries.get(key)?.close()
      this.queries.set(key, query)
      return { ok: true, data: null }
    } catch (error) {
      return toFailure(error, this.options.onError, 'live')
    }
  }

  unsubscribe(key: string): IpcResult<boolean> {
    const query = this.queries.get(key)
    if (!query) return { ok: true, data: false }
    query.close()
    this.queries.delete(key)
    return { ok: true, data: true }
  }

  closeAll(): void {
    for (const query of this.queries.values()) query.close()
    this.queries.clear()
  }

  get size(): number {
    return this.queries.size
  }
}

/** The database in this process, as a TaktikBackend. `close()` closes it. */
export function createInProcessBackend(db: TaktikDatabase, options: HostOptions = {}): TaktikBackend {
  const feeds = new FeedSet(db, options)
  const lives = new LiveSet(db, options)
  return {
    call: (method, args) => dispatch(db, method, args, options),
    subscribe: async (key, watchOptions, onEvent) => feeds.subscribe(key, watchOptions, onEvent),
    unsubscribe: async (key) => feeds.unsubscribe(key),
    live: async (key, method, args, liveOptions, onResult) => lives.subscribe(key, method, args, liveOptions, onResult),
    unlive: async (key) => lives.unsubscribe(key),
    close: async () => {
      feeds.closeAll()
      lives.closeAll()
      db.close()
    },
  }
}

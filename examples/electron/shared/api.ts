// The contract between the renderer (through the preload) and the main process:
// channel names, the arguments and results of every channel, and the error
// shape. Types only come from the addon (`import type`), so this file is safe
// to bundle into the preload and the renderer.
import type {
  Account,
  ActivityQuery,
  ActivityRow,
  ApiTable,
  ChangeEvent,
  DailyStatsDay,
  DatabaseInfo,
  DayRange,
  DiscoveredProfile,
  DiscoveredProfileQuery,
  DiscoveryCampaign,
  DiscoveryCampaignInput,
  DiscoveryCampaignPatch,
  DiscoveryProgress,
  FilteredProfile,
  InteractionQuery,
  InteractionWithUsername,
  PageQuery,
  Profile,
  ProfileQuery,
  ProfileSortBy,
  ProfileWithInteractions,
  ReadMethod,
  ScrapedProfileQuery,
  ScrapedProfileWithProfile,
  ScrapingSession,
  ScrapingSessionQuery,
  Session,
  SessionQuery,
  SessionStats,
  TaktikErrorCode,
  TikTokAccount,
  TikTokDailyStatsDay,
  TikTokSession,
  WriteResult,
} from '../addon.js'

/**
 * A listing's page as it crosses IPC: the addon's `nextCursor` rides on the
 * rows array as a non-enumerable property, which structured clone drops, so
 * the main process sends it beside the rows. Pass it back as `after`.
 */
export interface RowsPage<T> {
  rows: T[]
  nextCursor: string | null
}

/**
 * Every request the renderer may make: its arguments (as the renderer passes
 * them to `window.taktik.<name>(...)`) and what a successful call returns.
 * The argument shapes are the addon's own option types, so a typo in the
 * renderer is a compile error and an unknown key at run time is rejected by
 * the main process before it reaches the addon.
 *
 * Deliberately absent: anything that takes a file path (backup, exportCsv),
 * raw SQL (the addon's `query` stays in the main process), and the
 * destructive account/history deletes.
 * Offer those from the main process (e.g. behind a save dialog) if needed.
 */
export interface TaktikRequests {
  // Reads
  getAccounts: { args: []; result: Account[] }
  getSessions: { args: [accountId: number, options?: SessionQuery]; result: RowsPage<Session> }
  countSessions: { args: [accountId: number, options?: SessionQuery]; result: number }
  getSession: { args: [sessionId: number]; result: Session | null }
  getSessionStats: { args: [sessionId: number]; result: SessionStats }
  getDailyStats: { args: [accountId: number, days: number | DayRange]; result: DailyStatsDay[] }
  getActivity: { args: [options?: ActivityQuery]; result: ActivityRow[] }
  getProfiles: { args: [accountId: number, options?: ProfileQuery]; result: RowsPage<ProfileWithInteractions> }
  countProfiles: { args: [accountId: number, options?: ProfileQuery]; result: number }
  getProfile: { args: [usernameOrId: string | number]; result: Profile | null }
  getInteractions: { args: [accountId: number | null, options?: InteractionQuery]; result: RowsPage<InteractionWithUsername> }
  countInteractions: { args: [accountId: number | null, options?: InteractionQuery]; result: number }
  getFilteredProfiles: { args: [accountId: number, options?: PageQuery]; result: RowsPage<FilteredProfile> }
  getScrapingSessions: { args: [options?: ScrapingSessionQuery]; result: RowsPage<ScrapingSession> }
  getScrapingSession: { args: [scrapingId: number]; result: ScrapingSession | null }
  getScrapedProfiles: { args: [scrapingId: number, options?: ScrapedProfileQuery]; result: RowsPage<ScrapedProfileWithProfile> }
  getDiscoveryCampaigns: { args: [accountId?: number | null]; result: DiscoveryCampaign[] }
  getDiscoveryProgress: { args: [campaignId: number]; result: DiscoveryProgress[] }
  getDiscoveredProfiles: { args: [campaignId: number, options?: DiscoveredProfileQuery]; result: RowsPage<DiscoveredProfile> }
  getTikTokAccounts: { args: []; result: TikTokAccount[] }
  getTikTokSessions: { args: [accountId: number, options?: SessionQuery]; result: RowsPage<TikTokSession> }
  getTikTokDailyStats: { args: [accountId: number, days: number | DayRange]; result: TikTokDailyStatsDay[] }
  getTikTokActivity: { args: [options?: ActivityQuery]; result: ActivityRow[] }
  getDatabaseInfo: { args: []; result: DatabaseInfo }
  // The app's own writes
  updateProfileNotes: { args: [profileId: number, notes: string | null]; result: WriteResult }
  removeFilteredProfile: { args: [accountId: number, profileId: number]; result: WriteResult }
  setDiscoveredProfileStatus: { args: [profileId: number, status: string]; result: WriteResult }
  createDiscoveryCampaign: { args: [input: DiscoveryCampaignInput]; result: DiscoveryCampaign }
  updateDiscoveryCampaign: { args: [campaignId: number, patch: DiscoveryCampaignPatch]; result: DiscoveryCampaign | null }
}

export type TaktikMethod = keyof TaktikRequests
export type TaktikArgs<K extends TaktikMethod> = TaktikRequests[K]['args']
export type TaktikResult<K extends TaktikMethod> = TaktikRequests[K]['result']

/** The methods at run time (the preload builds its API from this list). */
export const TAKTIK_METHODS = [
  'getAccounts',
  'getSessions',
  'countSessions',
  'getSession',
  'getSessionStats',
  'getDailyStats',
  'getActivity',
  'getProfiles',
  'countProfiles',
  'getProfile',
  'getInteractions',
  'countInteractions',
  'getFilteredProfiles',
  'getScrapingSessions',
  'getScrapingSession',
  'getScrapedProfiles',
  'getDiscoveryCampaigns',
  'getDiscoveryProgress',
  'getDiscoveredProfiles',
  'getTikTokAccounts',
  'getTikTokSessions',
  'getTikTokDailyStats',
  'getTikTokActivity',
  'getDatabaseInfo',
  'updateProfileNotes',
  'removeFilteredProfile',
  'setDiscoveredProfileStatus',
  'createDiscoveryCampaign',
  'updateDiscoveryCampaign',
] as const satisfies readonly TaktikMethod[]

// Compile-time proof that the list above names every request and nothing else.
assertComplete<Exclude<TaktikMethod, (typeof TAKTIK_METHODS)[number]>>()

export const CHANNEL_PREFIX = 'taktik:'
export type TaktikChannel<K extends TaktikMethod = TaktikMethod> = `taktik:${K}`

/** The `ipcMain.handle` channel of a request. */
export function channelOf<K extends TaktikMethod>(method: K): TaktikChannel<K> {
  return `${CHANNEL_PREFIX}${method}` as TaktikChannel<K>
}

/** Renderer -> main: start (or replace) this window's change feed. */
export const WATCH_SUBSCRIBE_CHANNEL = 'taktik:watch:subscribe'
/** Renderer -> main: stop this window's change feed. */
export const WATCH_UNSUBSCRIBE_CHANNEL = 'taktik:watch:unsubscribe'
/** Main -> renderer (`webContents.send`): a `WatchEventPayload`. */
export const WATCH_EVENT_CHANNEL = 'taktik:watch:event'

/** The API tables a window may watch: the same names on every layout of the file (`ApiTable`). */
export const TAKTIK_TABLES = [
  'accounts',
  'profiles',
  'sessions',
  'interactions',
  'dailyStats',
  'filteredProfiles',
  'profileStatsHistory',
  'posts',
  'processedHashtagPosts',
  'scrapingSessions',
  'scrapedProfiles',
  'scrapedComments',
  'discoveryCampaigns',
  'discoveryProgress',
  'discoveredProfiles',
  'tiktokAccounts',
  'tiktokProfiles',
  'tiktokSessions',
  'tiktokInteractions',
  'tiktokDailyStats',
  'tiktokFilteredProfiles',
] as const satisfies readonly ApiTable[]
assertComplete<Exclude<ApiTable, (typeof TAKTIK_TABLES)[number]>>()
export type TaktikTable = (typeof TAKTIK_TABLES)[number]

export interface WatchSubscribeOptions {
  /** Only these API tables. Default: every one the file keeps. */
  tables?: TaktikTable[]
  /** Poll interval in ms, WATCH_MIN_INTERVAL_MS..60000. Default 250 (the addon's). */
  intervalMs?: number
}
/** What the renderer receives on WATCH_EVENT_CHANNEL (the addon's ChangeEvent). */
export type WatchEventPayload = ChangeEvent

/**
 * The requests a window may also subscribe to as live queries (`db.live` in the main process):
 * the reads among TaktikRequests. The main process runs the read, sends its result on
 * LIVE_RESULT_CHANNEL (a listing as its RowsPage, like the request's own channel), and sends it
 * again each time a commit (the bot's, in its own process) changes it, until the window
 * unsubscribes or closes.
 */
export type LiveMethod = Extract<TaktikMethod, ReadMethod>

/** The live methods at run time (checked against LiveMethod below). */
export const LIVE_METHODS = [
  'getAccounts',
  'getSessions',
  'countSessions',
  'getSession',
  'getSessionStats',
  'getDailyStats',
  'getActivity',
  'getProfiles',
  'countProfiles',
  'getProfile',
  'getInteractions',
  'countInteractions',
  'getFilteredProfiles',
  'getScrapingSessions',
  'getScrapingSession',
  'getScrapedProfiles',
  'getDiscoveryCampaigns',
  'getDiscoveryProgress',
  'getDiscoveredProfiles',
  'getTikTokAccounts',
  'getTikTokSessions',
  'getTikTokDailyStats',
  'getTikTokActivity',
] as const satisfies readonly LiveMethod[]
assertComplete<Exclude<LiveMethod, (typeof LIVE_METHODS)[number]>>()

/** Renderer -> main: start (or replace) one of this window's live queries, by the window's own key. */
export const LIVE_SUBSCRIBE_CHANNEL = 'taktik:live:subscribe'
/** Renderer -> main: stop one of them. */
export const LIVE_UNSUBSCRIBE_CHANNEL = 'taktik:live:unsubscribe'
/** Main -> renderer (`webContents.send`): a `LiveResultPayload`. */
export const LIVE_RESULT_CHANNEL = 'taktik:live:result'

export interface LiveSubscribeOptions {
  /** Commits within this many ms make one re-run, LIMITS.minLiveThrottleMs..60000. Default 100 (the addon's). */
  throttleMs?: number
}

/** What the renderer receives on LIVE_RESULT_CHANNEL: the key it subscribed with, and a result or a failure. */
export interface LiveResultPayload {
  key: string
  result: IpcResult<unknown>
}

/** The `sortBy` values, at run time (checked against the addon's union below). */
export const PROFILE_SORT_KEYS = [
  'lastInteractionAt',
  'interactionCount',
  'username',
  'fullName',
  'followersCount',
  'followingCount',
  'postsCount',
  'createdAt',
  'updatedAt',
  'profileId',
] as const satisfies readonly ProfileSortBy[]
assertComplete<Exclude<ProfileSortBy, (typeof PROFILE_SORT_KEYS)[number]>>()

/** Limits enforced at the IPC boundary (tighter than, or equal to, the addon's). */
export const LIMITS = {
  /** Rows per page (the addon's maximum). */
  maxLimit: 10_000,
  /** Days of daily stats (the addon's range is 1..3650). */
  maxDays: 3650,
  /** `search`. */
  maxSearchLength: 100,
  /** status / type / scrapingType filters and discovered-profile statuses. */
  maxLabelLength: 64,
  /** A username passed to getProfile. */
  maxUsernameLength: 64,
  /** updateProfileNotes. */
  maxNotesLength: 10_000,
  /** A campaign name. */
  maxNameLength: 200,
  /** Items in a campaign list (keywords, hashtags, accounts, post URLs). */
  maxListItems: 500,
  /** One item of a campaign list. */
  maxListItemLength: 500,
  /** since / until as text. */
  maxInstantLength: 40,
  /** A nextCursor passed back as `after`. */
  maxCursorLength: 2048,
  /** Ids in an activity query's accountId list, types in a type list. */
  maxFilterItems: 100,
  /** The shortest watch poll interval a renderer may ask for. */
  minWatchIntervalMs: 50,
  maxWatchIntervalMs: 60_000,
  /** The shortest throttle a renderer may ask of a live query. */
  minLiveThrottleMs: 50,
  maxLiveThrottleMs: 60_000,
  /** A live query's key (the window's own name for it). */
  maxLiveKeyLength: 100,
  /** Live queries per window. */
  maxLivePerWindow: 32,
} as const

/**
 * Codes of a failed call: the addon's own (`TaktikErrorCode`, e.g. SQLITE_BUSY,
 * CLOSED, INVALID_ARGUMENT for arguments the boundary rejected), plus
 * FORBIDDEN (the sender's frame is not one of the app's pages) and UNAVAILABLE
 * (the database host is gone: utility process exited, or no handler).
 */
export type IpcErrorCode = TaktikErrorCode | 'FORBIDDEN' | 'UNAVAILABLE'

/** A failed call. Plain data: survives structured clone (Electron IPC, MessagePort). */
export interface IpcFailure {
  ok: false
  code: IpcErrorCode
  message: string
}
export interface IpcSuccess<T> {
  ok: true
  data: T
}
/** Every channel resolves to this; nothing is thrown across the IPC boundary. */
export type IpcResult<T> = IpcSuccess<T> | IpcFailure

/** What the preload exposes as `window.taktik`. */
export type TaktikApi = {
  readonly [K in TaktikMethod]: (...args: TaktikArgs<K>) => Promise<IpcResult<TaktikResult<K>>>
} & {
  readonly watch: {
    /** Starts (or replaces) this window's change feed. */
    subscribe(options?: WatchSubscribeOptions): Promise<IpcResult<null>>
    /** Stops it; `data` says whether one was running. */
    unsubscribe(): Promise<IpcResult<boolean>>
    /** Adds a listener for change events; returns the function that removes it. */
    onChange(listener: (event: WatchEventPayload) => void): () => void
  }
  readonly live: {
    /**
     * Starts (or replaces) the live query `key` of this window: `listener` gets the read's result at
     * once, then each time it changes (or a failure, `{ ok: false, code, message }`), until
     * `unsubscribe(key)` or the window closes.
     */
    subscribe<K extends LiveMethod>(
      key: string,
      method: K,
      args: TaktikArgs<K>,
      listener: (result: IpcResult<TaktikResult<K>>) => void,
      options?: LiveSubscribeOptions,
    ): Promise<IpcResult<null>>
    /** Stops it (and its listener); `data` says whether it was running. */
    unsubscribe(key: string): Promise<IpcResult<boolean>>
  }
}

/**
 * Compile-time proof that a run-time list names every member of a union:
 * `assertComplete<Exclude<Union, (typeof LIST)[number]>>()` fails to compile,
 * naming what is missing, until the list is complete. Does nothing at run time.
 */
export function assertComplete<Missing extends never>(): void {
  void (null as unknown as Missing)
}

/** A non-null, non-array object (shape checks on messages crossing a process boundary). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Whether `v` is an IpcResult as the main process / worker sends it. */
export function isIpcResult(v: unknown): v is IpcResult<unknown> {
  return isRecord(v) && (v.ok === true || (v.ok === false && typeof v.code === 'string' && typeof v.message === 'string'))
}

/** Whether `v` is a live result as the main process / worker sends it. */
export function isLiveResult(v: unknown): v is LiveResultPayload {
  return isRecord(v) && typeof v.key === 'string' && isIpcResult(v.result)
}

/** Whether `v` is a change event as the main process / worker sends it. */
export function isChangeEvent(v: unknown): v is WatchEventPayload {
  return (
    isRecord(v) &&
    Array.isArray(v.tables) &&
    v.tables.every((t) => typeof t === 'string') &&
    typeof v.dataVersion === 'number' &&
    typeof v.layout === 'string' &&
    typeof v.layoutChanged === 'boolean' &&
    isRecord(v.rows) &&
    Object.values(v.rows).every((n) => typeof n === 'number')
  )
}

declare global {
  interface Window {
    /** Exposed by examples/electron/preload/preload.ts. */
    readonly taktik: TaktikApi
  }
}

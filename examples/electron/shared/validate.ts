// Argument validation at the IPC boundary. Every value a renderer sends is
// `unknown` until one of these functions has checked it and built a fresh,
// normalized copy: ids are positive safe integers, `days` is 1..3650, option
// objects are plain objects with only known keys of the right types, strings
// are length-capped and, where the value is a label (status, type), limited to
// [A-Za-z0-9_-]. Anything else throws a BoundaryError (code INVALID_ARGUMENT)
// before the addon is called. The functions are pure and idempotent (their
// output is valid input), so the main process and the utility process can both
// run them.
//
// The addon validates again (it rejects wrong types, unknown keys and ranges
// itself), and binds every value as an SQL parameter. This layer exists so a
// compromised or buggy renderer is stopped at the process boundary, with
// tighter limits than the addon's (string lengths, label characters, list
// sizes), and so the option types stay in step with the addon's: each `Spec`
// below must name every key of the addon's option type, or it fails to compile.
import type {
  ActivityGroup,
  ActivityQuery,
  DayRange,
  DiscoveredProfileQuery,
  DiscoveryCampaignInput,
  InteractionQuery,
  OpenOptions,
  PageQuery,
  ProfileQuery,
  ScrapedProfileQuery,
  ScrapingSessionQuery,
  SessionQuery,
} from '../addon.js'
import {
  LIMITS,
  LIVE_METHODS,
  PROFILE_SORT_KEYS,
  TAKTIK_METHODS,
  TAKTIK_TABLES,
  type LiveMethod,
  type LiveSubscribeOptions,
  type TaktikArgs,
  type TaktikMethod,
  type TaktikTable,
  type WatchSubscribeOptions,
} from './api.js'

/** A value the boundary refused. `code` matches the addon's own argument errors. */
export class BoundaryError extends Error {
  readonly code = 'INVALID_ARGUMENT' as const
  constructor(message: string) {
    super(message)
    this.name = 'BoundaryError'
  }
}

function fail(message: string): never {
  throw new BoundaryError(message)
}

/** Names a rejected value without echoing it (it may be huge or hostile). */
function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return `an array of ${v.length}`
  switch (typeof v) {
    case 'string':
      return `a string of ${v.length} characters`
    case 'number':
      return Number.isFinite(v) ? `the number ${v}` : String(v)
    case 'object':
      return 'an object'
    default:
      return typeof v
  }
}

// ---------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------

/** A row id: a positive safe integer. */
export function id(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    fail(`${name} must be a positive integer, got ${describe(v)}`)
  }
  return v
}

function intIn(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    fail(`${name} must be an integer from ${min} to ${max}, got ${describe(v)}`)
  }
  return v
}

function count(v: unknown, name: string): number {
  return intIn(v, name, 0, Number.MAX_SAFE_INTEGER)
}

function limit(v: unknown, name: string): number {
  return intIn(v, name, 0, LIMITS.maxLimit)
}

function days(v: unknown, name: string): number {
  return intIn(v, name, 1, LIMITS.maxDays)
}

function numberIn(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    fail(`${name} must be a number from ${min} to ${max}, got ${describe(v)}`)
  }
  return v
}

function bool(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') fail(`${name} must be true or false, got ${describe(v)}`)
  return v
}

function oneOf<T extends string>(values: readonly T[], what = `one of ${values.join(', ')}`): (v: unknown, name: string) => T {
  return (v, name) => {
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) fail(`${name} must be ${what}, got ${describe(v)}`)
    return v as T
  }
}

// C0 controls and DEL; `multiline` text may keep tab, LF and CR.
const CONTROL = /[\u0000-\u001f\u007f]/
const CONTROL_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

function text(max: number, opts: { multiline?: boolean; nonEmpty?: boolean } = {}): (v: unknown, name: string) => string {
  return (v, name) => {
    if (typeof v !== 'string') fail(`${name} must be a string, got ${describe(v)}`)
    if (v.length > max) fail(`${name} must be at most ${max} characters, got ${v.length}`)
    if (opts.nonEmpty && v.trim() === '') fail(`${name} must not be empty`)
    if ((opts.multiline ? CONTROL_EXCEPT_WHITESPACE : CONTROL).test(v)) fail(`${name} must not contain control characters`)
    return v
  }
}

const LABEL = /^[A-Za-z0-9_-]+$/
/** A status / interaction type / scraping type: short, [A-Za-z0-9_-] only. */
function label(v: unknown, name: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > LIMITS.maxLabelLength || !LABEL.test(v)) {
    fail(`${name} must be 1 to ${LIMITS.maxLabelLength} letters, digits, '_' or '-', got ${describe(v)}`)
  }
  return v
}

// Instagram / TikTok usernames: letters, digits, '.' and '_' ('@' optional).
const USERNAME = /^@?[\p{L}\p{N}._]+$/u
function username(v: unknown, name: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > LIMITS.maxUsernameLength || !USERNAME.test(v)) {
    fail(`${name} must be a username (letters, digits, '.', '_'; '@' optional), got ${describe(v)}`)
  }
  return v
}

// An ISO-8601 date-time in the shapes the addon reads (a bare date is not an
// instant; the addon refuses it too), or Unix milliseconds.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/
const MAX_EPOCH_MS = 8.64e15
function instant(v: unknown, name: string): string | number {
  if (typeof v === 'number') return intIn(v, name, -MAX_EPOCH_MS, MAX_EPOCH_MS)
  if (typeof v === 'string' && v.length <= LIMITS.maxInstantLength && ISO_INSTANT.test(v)) return v
  fail(`${name} must be ISO-8601 text or Unix milliseconds, got ${describe(v)}`)
}

function stringList(v: unknown, name: string): string[] {
  if (!Array.isArray(v)) fail(`${name} must be an array of strings, got ${describe(v)}`)
  if (v.length > LIMITS.maxListItems) fail(`${name} must have at most ${LIMITS.maxListItems} items, got ${v.length}`)
  const item = text(LIMITS.maxListItemLength, { nonEmpty: true })
  return v.map((x, i) => item(x, `${name}[${i}]`))
}

// ---------------------------------------------------------------------------------------
// Option objects
// ---------------------------------------------------------------------------------------

/** One checker per key of T: a Spec<T> that misses a key of T does not compile. */
type Spec<T> = { readonly [K in keyof T]-?: (v: unknown, name: string) => Exclude<T[K], undefined> }

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const proto: unknown = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/**
 * `undefined` (absent) or a plain object whose own keys are all in `spec`.
 * Keys whose value is `undefined` are dropped. Returns a fresh object.
 */
function options<T extends object>(v: unknown, name: string, spec: Spec<T>): T | undefined {
  if (v === undefined) return undefined
  if (!isPlainObject(v)) fail(`${name} must be a plain object, got ${describe(v)}`)
  const out: Record<string, unknown> = {}
  for (const key of Reflect.ownKeys(v)) {
    if (typeof key !== 'string' || !Object.hasOwn(spec, key)) {
      fail(`${name} has an unknown key ${JSON.stringify(String(key).slice(0, 40))}`)
    }
    const value = v[key]
    if (value === undefined) continue
    const check = spec[key as keyof T] as (v: unknown, name: string) => unknown
    out[key] = check(value, `${name}.${key}`)
  }
  return out as T
}

function required<T>(v: T | undefined, name: string): T {
  if (v === undefined) fail(`${name} is required`)
  return v
}

const CURSOR = /^[A-Za-z0-9_-]+$/
/** A nextCursor handed back as `after`: base64url text (the addon checks what it says). */
function cursor(v: unknown, name: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > LIMITS.maxCursorLength || !CURSOR.test(v)) {
    fail(`${name} must be a nextCursor as returned, got ${describe(v)}`)
  }
  return v
}

const DATE = /^\d{4}-\d{2}-\d{2}$/
/** A local calendar date, YYYY-MM-DD (the addon checks that it exists). */
function date(v: unknown, name: string): string {
  if (typeof v !== 'string' || !DATE.test(v)) fail(`${name} must be a date written YYYY-MM-DD, got ${describe(v)}`)
  return v
}

/** One value, or a short non-empty list of them. */
function oneOrMany<T>(check: (v: unknown, name: string) => T): (v: unknown, name: string) => T | T[] {
  return (v, name) => {
    if (!Array.isArray(v)) return check(v, name)
    if (v.length === 0 || v.length > LIMITS.maxFilterItems) {
      fail(`${name} must have 1 to ${LIMITS.maxFilterItems} items, got ${v.length}`)
    }
    return v.map((x, i) => check(x, `${name}[${i}]`))
  }
}

const DAY_RANGE: Spec<DayRange> = { from: date, to: date }
/** getDailyStats' second argument: a number of days, or `{ from, to }`. */
function daysOrRange(v: unknown, name: string): number | DayRange {
  if (typeof v === 'number') return days(v, name)
  const range = required(options(v, name, DAY_RANGE), name)
  return { from: required(range.from, `${name}.from`), to: required(range.to, `${name}.to`) }
}

const ACTIVITY_GROUPS = ['day', 'hour', 'type', 'account'] as const satisfies readonly ActivityGroup[]
const ACTIVITY_QUERY: Spec<ActivityQuery> = {
  groupBy: oneOrMany(oneOf(ACTIVITY_GROUPS)),
  accountId: oneOrMany(id),
  from: date,
  to: date,
  type: oneOrMany(label),
}

const PAGE: Spec<PageQuery> = { limit, offset: count, after: cursor }
const SESSION_QUERY: Spec<SessionQuery> = { ...PAGE, status: label, since: instant, until: instant }
const PROFILE_QUERY: Spec<ProfileQuery> = {
  ...PAGE,
  since: instant,
  until: instant,
  search: text(LIMITS.maxSearchLength),
  sortBy: oneOf(PROFILE_SORT_KEYS),
  order: oneOf(['asc', 'desc'] as const),
  minFollowers: count,
  maxFollowers: count,
  isPrivate: bool,
  isVerified: bool,
  isBusiness: bool,
}
const INTERACTION_QUERY: Spec<InteractionQuery> = {
  ...PAGE,
  type: oneOrMany(label),
  sessionId: id,
  profileId: id,
  since: instant,
  until: instant,
}
const SCRAPING_SESSION_QUERY: Spec<ScrapingSessionQuery> = { ...PAGE, status: label, scrapingType: label }
const SCRAPED_PROFILE_QUERY: Spec<ScrapedProfileQuery> = {
  ...PAGE,
  minScore: (v, n) => numberIn(v, n, 0, 100),
  qualifiedOnly: bool,
}
const DISCOVERED_PROFILE_QUERY: Spec<DiscoveredProfileQuery> = {
  ...PAGE,
  status: label,
  minScore: (v, n) => numberIn(v, n, -1e9, 1e9),
}
const CAMPAIGN_INPUT: Spec<DiscoveryCampaignInput> = {
  name: text(LIMITS.maxNameLength, { nonEmpty: true }),
  // null: no account (on update, detaches the campaign from its account).
  accountId: (v, n) => (v === null ? null : id(v, n)),
  nicheKeywords: stringList,
  targetHashtags: stringList,
  targetAccounts: stringList,
  targetPostUrls: stringList,
  status: label,
}
const WATCH_OPTIONS: Spec<WatchSubscribeOptions> = {
  tables: (v, name) => {
    if (!Array.isArray(v) || v.length === 0 || v.length > TAKTIK_TABLES.length) {
      fail(`${name} must be a non-empty array of table names, got ${describe(v)}`)
    }
    const table = oneOf(TAKTIK_TABLES, 'an API table (see TAKTIK_TABLES)')
    return [...new Set(v.map((t, i) => table(t, `${name}[${i}]`)))] satisfies TaktikTable[]
  },
  intervalMs: (v, n) => intIn(v, n, LIMITS.minWatchIntervalMs, LIMITS.maxWatchIntervalMs),
}
const LIVE_OPTIONS: Spec<LiveSubscribeOptions> = {
  throttleMs: (v, n) => intIn(v, n, LIMITS.minLiveThrottleMs, LIMITS.maxLiveThrottleMs),
}
const OPEN_OPTIONS: Spec<OpenOptions> = {
  path: text(4096, { nonEmpty: true }),
  readonly: bool,
  busyTimeoutMs: (v, n) => intIn(v, n, 0, 10 * 60_000),
  walLimitBytes: count,
  layout: oneOf(['legacy', 'unified'] as const),
  fileMustExist: bool,
}

// ---------------------------------------------------------------------------------------
// Argument lists
// ---------------------------------------------------------------------------------------

const MAX_ARGS = 8

/** Checks how many arguments came; trailing `undefined`s (omitted optionals) do not count. */
function arity(args: readonly unknown[], method: string, min: number, max: number): void {
  let n = Math.min(args.length, MAX_ARGS + 1)
  while (n > min && args[n - 1] === undefined) n--
  if (args.length > MAX_ARGS || n < min || n > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`
    fail(`${method} takes ${want} argument(s), got ${args.length}`)
  }
}

type Validators = { readonly [K in TaktikMethod]: (args: readonly unknown[]) => TaktikArgs<K> }

/** Per request: checks the raw argument list and returns a normalized copy. */
export const validators: Validators = {
  getAccounts: (a) => (arity(a, 'getAccounts', 0, 0), []),
  getSessions: (a) => (arity(a, 'getSessions', 1, 2), [id(a[0], 'accountId'), options(a[1], 'options', SESSION_QUERY)]),
  countSessions: (a) => (arity(a, 'countSessions', 1, 2), [id(a[0], 'accountId'), options(a[1], 'options', SESSION_QUERY)]),
  getSession: (a) => (arity(a, 'getSession', 1, 1), [id(a[0], 'sessionId')]),
  getSessionStats: (a) => (arity(a, 'getSessionStats', 1, 1), [id(a[0], 'sessionId')]),
  getDailyStats: (a) => (arity(a, 'getDailyStats', 2, 2), [id(a[0], 'accountId'), daysOrRange(a[1], 'days')]),
  getActivity: (a) => (arity(a, 'getActivity', 0, 1), [options(a[0], 'options', ACTIVITY_QUERY)]),
  getProfiles: (a) => (arity(a, 'getProfiles', 1, 2), [id(a[0], 'accountId'), options(a[1], 'options', PROFILE_QUERY)]),
  countProfiles: (a) => (arity(a, 'countProfiles', 1, 2), [id(a[0], 'accountId'), options(a[1], 'options', PROFILE_QUERY)]),
  getProfile: (a) => {
    arity(a, 'getProfile', 1, 1)
    return [typeof a[0] === 'number' ? id(a[0], 'profileId') : username(a[0], 'username')]
  },
  getInteractions: (a) => (
    arity(a, 'getInteractions', 1, 2),
    [a[0] === null ? null : id(a[0], 'accountId'), options(a[1], 'options', INTERACTION_QUERY)]
  ),
  countInteractions: (a) => (
    arity(a, 'countInteractions', 1, 2),
    [a[0] === null ? null : id(a[0], 'accountId'), options(a[1], 'options', INTERACTION_QUERY)]
  ),
  getFilteredProfiles: (a) => (arity(a, 'getFilteredProfiles', 1, 2), [id(a[0], 'accountId'), options(a[1], 'options', PAGE)]),
  getScrapingSessions: (a) => (arity(a, 'getScrapingSessions', 0, 1), [options(a[0], 'options', SCRAPING_SESSION_QUERY)]),
  getScrapingSession: (a) => (arity(a, 'getScrapingSession', 1, 1), [id(a[0], 'scrapingId')]),
  getScrapedProfiles: (a) => (
    arity(a, 'getScrapedProfiles', 1, 2), [id(a[0], 'scrapingId'), options(a[1], 'options', SCRAPED_PROFILE_QUERY)]
  ),
  getDiscoveryCampaigns: (a) => {
    arity(a, 'getDiscoveryCampaigns', 0, 1)
    if (a[0] === undefined) return []
    return [a[0] === null ? null : id(a[0], 'accountId')]
  },
  getDiscoveryProgress: (a) => (arity(a, 'getDiscoveryProgress', 1, 1), [id(a[0], 'campaignId')]),
  getDiscoveredProfiles: (a) => (
    arity(a, 'getDiscoveredProfiles', 1, 2), [id(a[0], 'campaignId'), options(a[1], 'options', DISCOVERED_PROFILE_QUERY)]
  ),
  getTikTokAccounts: (a) => (arity(a, 'getTikTokAccounts', 0, 0), []),
  getTikTokSessions: (a) => (arity(a, 'getTikTokSessions', 1, 2), [id(a[0], 'accountId'), options(a[1], 'options', SESSION_QUERY)]),
  getTikTokDailyStats: (a) => (arity(a, 'getTikTokDailyStats', 2, 2), [id(a[0], 'accountId'), daysOrRange(a[1], 'days')]),
  getTikTokActivity: (a) => (arity(a, 'getTikTokActivity', 0, 1), [options(a[0], 'options', ACTIVITY_QUERY)]),
  getDatabaseInfo: (a) => (arity(a, 'getDatabaseInfo', 0, 0), []),
  updateProfileNotes: (a) => {
    // `notes` is required: null clears, an omitted or undefined value is an error.
    arity(a, 'updateProfileNotes', 2, 2)
    const notes = a[1] === null ? null : text(LIMITS.maxNotesLength, { multiline: true })(a[1], 'notes')
    return [id(a[0], 'profileId'), notes]
  },
  removeFilteredProfile: (a) => (arity(a, 'removeFilteredProfile', 2, 2), [id(a[0], 'accountId'), id(a[1], 'profileId')]),
  setDiscoveredProfileStatus: (a) => (arity(a, 'setDiscoveredProfileStatus', 2, 2), [id(a[0], 'profileId'), label(a[1], 'status')]),
  createDiscoveryCampaign: (a) => {
    arity(a, 'createDiscoveryCampaign', 1, 1)
    const input = required(options(a[0], 'input', CAMPAIGN_INPUT), 'input')
    if (input.name === undefined) fail('input.name is required')
    return [input]
  },
  updateDiscoveryCampaign: (a) => (
    arity(a, 'updateDiscoveryCampaign', 2, 2),
    [id(a[0], 'campaignId'), required(options(a[1], 'patch', CAMPAIGN_INPUT), 'patch')]
  ),
}

const METHODS: ReadonlySet<string> = new Set(TAKTIK_METHODS)

/** True for the names of TaktikRequests (and nothing inherited, like `toString`). */
export function isTaktikMethod(v: unknown): v is TaktikMethod {
  return typeof v === 'string' && METHODS.has(v)
}

/** Checks `args` for `method`; throws BoundaryError. */
export function validateArgs<K extends TaktikMethod>(method: K, args: unknown): TaktikArgs<K> {
  if (!Array.isArray(args)) fail(`arguments of ${method} must be an array`)
  const validate: (args: readonly unknown[]) => TaktikArgs<K> = validators[method]
  return validate(args)
}

/** The argument of the watch subscribe channel. */
export function validateWatchOptions(v: unknown): WatchSubscribeOptions {
  return options(v, 'options', WATCH_OPTIONS) ?? {}
}

const LIVE: ReadonlySet<string> = new Set(LIVE_METHODS)

/** True for the reads a window may subscribe to (LIVE_METHODS). */
export function isLiveMethod(v: unknown): v is LiveMethod {
  return typeof v === 'string' && LIVE.has(v)
}

/** The name a window gives one of its live queries: short, [A-Za-z0-9_.:-]. */
const LIVE_KEY = /^[A-Za-z0-9_.:-]+$/
export function liveKey(v: unknown): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > LIMITS.maxLiveKeyLength || !LIVE_KEY.test(v)) {
    fail(`a live query key must be 1 to ${LIMITS.maxLiveKeyLength} letters, digits or '_.:-', got ${describe(v)}`)
  }
  return v
}

/** The arguments of the live subscribe channel: key, method, the method's arguments, options. */
export function validateLiveSubscription(args: readonly unknown[]): {
  key: string
  method: LiveMethod
  args: readonly unknown[]
  options: LiveSubscribeOptions
} {
  arity(args, 'live subscribe', 3, 4)
  const key = liveKey(args[0])
  const method = args[1]
  if (!isLiveMethod(method)) fail(`live subscribe: method must be one of LIVE_METHODS, got ${describe(method)}`)
  return { key, method, args: validateArgs(method, args[2]), options: validateLiveOptions(args[3]) }
}

/** The options of a live query. */
export function validateLiveOptions(v: unknown): LiveSubscribeOptions {
  return options(v, 'options', LIVE_OPTIONS) ?? {}
}

/** What the main process sends the utility process to open the database (trusted, still checked). */
export function validateOpenOptions(v: unknown): OpenOptions {
  return options(v, 'openOptions', OPEN_OPTIONS) ?? {}
}

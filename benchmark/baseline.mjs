// Baseline for the taktik-db benchmark: what an Electron app's hand-written
// `database-service.ts` would do with better-sqlite3 (or Node 22's node:sqlite) to
// produce output DEEP-EQUAL to the addon's `...Sync` methods, in its best case:
// the file opened once (readonly, must exist), every statement prepared once and
// cached, rows read as arrays, and one mapper per statement built once from the
// statement's columns (an object literal with precomputed camelCase keys and
// inlined fast paths; conversions only fall back to a helper for unusual storage
// classes).
//
// It replicates the addon's semantics exactly (see src/rows/, src/base/time.rs,
// src/query/args.rs, src/db/ and src/domain/*.rs):
// - a column's kind comes from its name and declared type (classify());
// - lenient conversions: numeric TEXT in INTEGER/REAL columns, 0/1/'yes'/... flags,
//   JSON text parsed (invalid -> null), BLOBs decoded as lossy UTF-8;
// - timestamps: `YYYY-MM-DD HH:MM[:SS[.f]]` is UTC, the same with `T` and no zone is
//   LOCAL time (in a DST fall-back overlap the LATER instant, as the addon does),
//   `Z`/`±HH[:MM]` keep their instant, fraction truncated to ms, output
//   `YYYY-MM-DDTHH:MM:SS.mmmZ`; anything else unchanged; numbers are Unix seconds;
// - node:sqlite throws on integers beyond 2^53: such a result is re-read by a
//   BigInt twin of the statement (better-sqlite3 rounds them, as JSON.parse does).
// - the SQL is the addon's, with `taktik_icontains` / `taktik_epoch_ms` registered
//   as deterministic JS functions.
// - on a file of the bot's UNIFIED layout (`{ layout: 'unified' }`), the SQL is
//   written for that layout's own tables (`accounts`, `social_profiles`,
//   `sessions_unified`, `interactions`, ... with `platform = ?` and the bot's
//   `legacy_*` ids), as an app written for that file would have it, not the
//   addon's per-file subqueries; rows come out under the same legacy names.
// Known driver limit: node:sqlite (Node 22) cuts TEXT at the first NUL character.
//
// Usage:
//   import { createBaseline } from './baseline.mjs'
//   const db = await createBaseline('better-sqlite3' | 'node:sqlite', path[, { layout: 'legacy' | 'unified', module }])
//   (`module`: the directory of a better-sqlite3 package to load instead of the
//   devDependency, e.g. better-sqlite3 13 installed by benchmark/peers.mjs)
//   db.getSessions(accountId, { limit: 500 }); ...; db.close()
//
// Arguments are assumed valid (the addon's argument validation is not replicated).

import { Buffer } from 'node:buffer'
import { createRequire } from 'node:module'

/**
 * @typedef {import('../index.js').TaktikDatabase} TaktikDatabase
 * @typedef {{ name: string, type: string | null }} Col a result column and its declared type
 * @typedef {string | number | bigint | Uint8Array} SqlCell a non-null SQLite value as the drivers give it
 * @typedef {[sql: string, staticCols: Col[]]} Statement
 * @typedef {typeof IG} Platform
 * A prepared statement with its row mapper; rows are what the generated mapper builds.
 * @typedef {{ all(...a: unknown[]): any[], get(...a: unknown[]): any, scalar(...a: unknown[]): any }} Prepared
 * @typedef {{ prepare(sql: string, staticCols: Col[]): Prepared, close(): void }} Connection
 * @typedef {(key: string, build: (...a: any[]) => Statement, ...a: unknown[]) => Prepared} StatementCache
 * The addon's Sync read methods, without the suffix, with the addon's arguments.
 * @typedef {{ [M in typeof METHODS[number]]: (...args: Parameters<TaktikDatabase[`${M}Sync`]>) => any }} ReadMethods
 * @typedef {ReadMethods & { driver: string, layout?: 'unified', close(): void }} Baseline
 */

// ---------------------------------------------------------------------------
// Schema: every table's columns in order, with declared type (`=0`: DEFAULT 0),
// as listed by shared/python-side/schema.json (check-baseline.mjs verifies this
// copy against that file). Queries select exactly these columns, in this order.
// ---------------------------------------------------------------------------

/**
 * The peer implements the calls the benchmark times, in the forms it times
 * them: an argument of another form (a day range, all accounts) is refused.
 * @template T
 * @param {T | null | import('../index.js').DayRange} v
 * @returns {T}
 */
function benchmarked(v) {
  if (v === null || typeof v === 'object') throw new Error('baseline: this form of the argument is not benchmarked')
  return v
}

/** @type {Record<string, string>} */
const SCHEMA_TEXT = {
  daily_stats: 'id:INTEGER account_id:INTEGER date:TEXT total_likes:INTEGER=0 total_follows:INTEGER=0 total_unfollows:INTEGER=0 total_comments:INTEGER=0 total_story_views:INTEGER=0 total_story_likes:INTEGER=0 total_profile_visits:INTEGER=0 total_sessions:INTEGER=0 completed_sessions:INTEGER=0 failed_sessions:INTEGER=0 total_duration_seconds:INTEGER=0 synced_to_api:INTEGER=0 synced_at:TEXT created_at:TEXT updated_at:TEXT',
  discovered_profiles: 'profile_id:INTEGER campaign_id:INTEGER username:TEXT source_type:TEXT source_name:TEXT biography:TEXT followers_count:INTEGER=0 following_count:INTEGER=0 posts_count:INTEGER=0 is_private:INTEGER=0 is_verified:INTEGER=0 is_business:INTEGER=0 category:TEXT engagement_score:REAL ai_score:REAL status:TEXT created_at:TEXT',
  discovery_campaigns: 'campaign_id:INTEGER account_id:INTEGER name:TEXT niche_keywords:TEXT target_hashtags:TEXT target_accounts:TEXT target_post_urls:TEXT total_discovered:INTEGER=0 total_qualified:INTEGER=0 status:TEXT created_at:TEXT updated_at:TEXT',
  discovery_progress: 'progress_id:INTEGER campaign_id:INTEGER source_type:TEXT source_value:TEXT current_post_index:INTEGER=0 total_posts:INTEGER=0 current_phase:TEXT likers_scraped:INTEGER=0 likers_total:INTEGER=0 comments_scraped:INTEGER=0 comments_total:INTEGER=0 last_scroll_position:TEXT status:TEXT created_at:TEXT updated_at:TEXT',
  filtered_profiles: 'id:INTEGER profile_id:INTEGER account_id:INTEGER username:TEXT filtered_at:TEXT reason:TEXT source_type:TEXT source_name:TEXT session_id:INTEGER',
  instagram_accounts: 'account_id:INTEGER username:TEXT is_bot:INTEGER user_id:INTEGER license_id:INTEGER created_at:TEXT',
  instagram_posts: 'post_id:INTEGER profile_id:INTEGER account_id:INTEGER source:TEXT instagram_post_id:TEXT instagram_id:TEXT media_type:TEXT is_video:INTEGER=0 caption:TEXT media_urls:TEXT thumbnail_url:TEXT video_url:TEXT likes_count:INTEGER=0 comments_count:INTEGER=0 views_count:INTEGER=0 posted_at:TEXT scraped_at:TEXT hashtags:TEXT mentions:TEXT tagged_users:TEXT location:TEXT location_data:TEXT coauthors:TEXT status:TEXT scheduled_for:TEXT published_at:TEXT error_message:TEXT retry_count:INTEGER=0 dimensions:TEXT product_type:TEXT accessibility_caption:TEXT created_at:TEXT updated_at:TEXT',
  instagram_profiles: 'profile_id:INTEGER username:TEXT full_name:TEXT biography:TEXT followers_count:INTEGER=0 following_count:INTEGER=0 posts_count:INTEGER=0 is_private:INTEGER=0 is_verified:INTEGER=0 is_business:INTEGER=0 business_category:TEXT website:TEXT linked_accounts:TEXT profile_pic_path:TEXT notes:TEXT created_at:TEXT updated_at:TEXT',
  interaction_history: 'id:INTEGER session_id:INTEGER account_id:INTEGER profile_id:INTEGER interaction_type:TEXT interaction_time:TEXT success:INTEGER content:TEXT',
  processed_hashtag_posts: 'id:INTEGER account_id:INTEGER hashtag:TEXT post_author:TEXT post_caption_hash:TEXT post_caption_preview:TEXT likes_count:INTEGER comments_count:INTEGER likers_processed:INTEGER=0 interactions_made:INTEGER=0 processed_at:TEXT',
  profile_stats_history: 'id:INTEGER profile_id:INTEGER followers_count:INTEGER following_count:INTEGER posts_count:INTEGER engagement_rate:REAL is_verified:INTEGER biography:TEXT external_url:TEXT profile_pic_url:TEXT recorded_at:TEXT',
  scraped_comments: 'comment_id:INTEGER scraping_session_id:INTEGER profile_id:INTEGER target_username:TEXT post_url:TEXT username:TEXT content:TEXT likes_count:INTEGER=0 is_reply:INTEGER=0 parent_comment_id:INTEGER scraped_at:TEXT',
  scraped_profiles: 'id:INTEGER scraping_id:INTEGER profile_id:INTEGER scraped_at:TEXT ai_score:INTEGER ai_qualified:INTEGER=0 ai_analysis:TEXT qualification_criteria:TEXT scored_at:TEXT',
  scraping_sessions: 'scraping_id:INTEGER account_id:INTEGER scraping_type:TEXT source_type:TEXT source_name:TEXT total_scraped:INTEGER=0 max_profiles:INTEGER export_csv:INTEGER=0 csv_path:TEXT save_to_db:INTEGER start_time:TEXT end_time:TEXT duration_seconds:INTEGER=0 status:TEXT error_message:TEXT config_used:TEXT discovery_campaign_id:INTEGER created_at:TEXT',
  sessions: 'session_id:INTEGER account_id:INTEGER session_name:TEXT target_type:TEXT target:TEXT start_time:TEXT end_time:TEXT duration_seconds:INTEGER=0 config_used:TEXT status:TEXT error_message:TEXT synced_to_api:INTEGER=0 created_at:TEXT updated_at:TEXT',
  tiktok_accounts: 'account_id:INTEGER username:TEXT display_name:TEXT is_bot:INTEGER user_id:INTEGER license_id:INTEGER created_at:TEXT',
  tiktok_daily_stats: 'id:INTEGER account_id:INTEGER date:TEXT total_likes:INTEGER=0 total_follows:INTEGER=0 total_favorites:INTEGER=0 total_comments:INTEGER=0 total_shares:INTEGER=0 total_profile_visits:INTEGER=0 total_posts_watched:INTEGER=0 total_sessions:INTEGER=0 completed_sessions:INTEGER=0 failed_sessions:INTEGER=0 total_duration_seconds:INTEGER=0 created_at:TEXT updated_at:TEXT',
  tiktok_filtered_profiles: 'id:INTEGER profile_id:INTEGER account_id:INTEGER username:TEXT filtered_at:TEXT reason:TEXT source_type:TEXT source_name:TEXT session_id:INTEGER',
  tiktok_interaction_history: 'id:INTEGER session_id:INTEGER account_id:INTEGER profile_id:INTEGER interaction_type:TEXT interaction_time:TEXT success:INTEGER content:TEXT video_id:TEXT',
  tiktok_profiles: 'profile_id:INTEGER username:TEXT display_name:TEXT followers_count:INTEGER=0 following_count:INTEGER=0 likes_count:INTEGER=0 videos_count:INTEGER=0 is_private:INTEGER=0 is_verified:INTEGER=0 biography:TEXT created_at:TEXT updated_at:TEXT',
  tiktok_sessions: 'session_id:INTEGER account_id:INTEGER session_name:TEXT workflow_type:TEXT target:TEXT start_time:TEXT end_time:TEXT duration_seconds:INTEGER=0 config_used:TEXT status:TEXT profiles_visited:INTEGER=0 posts_watched:INTEGER=0 likes:INTEGER=0 follows:INTEGER=0 favorites:INTEGER=0 comments:INTEGER=0 shares:INTEGER=0 errors:INTEGER=0 error_message:TEXT created_at:TEXT updated_at:TEXT',
}

/**
 * table -> [{ name, type, zeroDefault }]
 * @type {Record<string, { name: string, type: string, zeroDefault: boolean }[]>}
 */
export const SCHEMA = Object.fromEntries(
  Object.entries(SCHEMA_TEXT).map(([table, text]) => [
    table,
    text.split(' ').map((spec) => {
      const [name = '', rest = ''] = spec.split(':') // every spec is name:TYPE
      return { name, type: rest.replace('=0', ''), zeroDefault: rest.endsWith('=0') }
    }),
  ]),
)

/**
 * A table's columns (a name not in SCHEMA is a bug here).
 * @param {string} table
 */
function schemaOf(table) {
  const cols = SCHEMA[table]
  if (!cols) throw new Error(`no table ${table} in SCHEMA`)
  return cols
}

/**
 * `a.col1, a.col2, ...` (src/domain/mod.rs columns()).
 * @param {string} table
 * @param {string} alias
 */
function columns(table, alias) {
  return schemaOf(table).map((c) => `${alias}.${c.name}`).join(', ')
}

/**
 * Static column info of `table` as selected through `alias` (fallback when a driver has no columns()).
 * @param {string} table
 * @returns {Col[]}
 */
function tableCols(table) {
  return schemaOf(table).map((c) => ({ name: c.name, type: c.type }))
}

// ---------------------------------------------------------------------------
// Column kinds (src/rows/kind.rs classify()).
// ---------------------------------------------------------------------------

const INT = 0
const COUNT = 1
const REAL = 2
const BOOL = 3
const TEXT = 4
const DATE = 5
const JSON_ = 6
const TIMESTAMP = 7

const FLAG_COLUMNS = new Set(['success', 'synced_to_api', 'export_csv', 'save_to_db', 'ai_qualified'])
const JSON_COLUMNS = new Set([
  'config_used', 'niche_keywords', 'target_hashtags', 'target_accounts', 'target_post_urls',
  'last_scroll_position', 'media_urls', 'hashtags', 'mentions', 'tagged_users', 'location_data',
  'coauthors', 'dimensions', 'ai_analysis', 'qualification_criteria', 'linked_accounts',
])

/** @param {string} s */
function asciiUpper(s) {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase())
}

/**
 * @param {string} name
 * @param {string | null | undefined} declType
 */
export function classify(name, declType) {
  const decl = declType == null ? null : asciiUpper(declType)
  if (name === 'date') return DATE
  if (name.startsWith('is_') || FLAG_COLUMNS.has(name)) return BOOL
  if (JSON_COLUMNS.has(name)) return JSON_
  const textLike = decl === null || decl === 'TEXT'
  if (textLike && (name.endsWith('_at') || name.endsWith('_time') || name === 'scheduled_for')) return TIMESTAMP
  if (decl === 'INTEGER') return INT
  if (decl === 'REAL') return REAL
  if (decl !== null) return TEXT
  if (name.endsWith('_count') || name.endsWith('_seconds') || name.endsWith('_sessions') ||
      name.startsWith('total_') || name.startsWith('successful_')) return COUNT
  if (name.endsWith('_id')) return INT
  return TEXT
}

/** @param {string} snake */
export function camelCase(snake) {
  let out = ''
  let upper = false
  for (const c of snake) {
    if (c === '_') upper = out.length > 0
    else if (upper) { out += c.toUpperCase(); upper = false }
    else out += c
  }
  return out
}

// ---------------------------------------------------------------------------
// Value conversions (src/rows/json.rs write_value and friends). The generated mappers
// inline the common storage class of each kind and call these only otherwise.
// ---------------------------------------------------------------------------

// Rust's str::trim: Unicode White_Space (not JS trim(), which also strips U+FEFF
// and keeps U+0085).
const RUST_WS = /^[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g
/** @param {string} s */
function rustTrim(s) {
  const n = s.length
  if (n === 0) return s
  const a = s.charCodeAt(0)
  const b = s.charCodeAt(n - 1)
  if (a > 32 && a < 127 && b > 32 && b < 127) return s
  return s.replace(RUST_WS, '')
}

// Rust's i64 / f64 FromStr grammars.
const INT_RE = /^[+-]?\d+$/
const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const FLOAT_SPECIAL_RE = /^[+-]?(?:inf|infinity|nan)$/i

/**
 * Lossy UTF-8 of a BLOB (Buffer from better-sqlite3, Uint8Array from node:sqlite).
 * @param {Uint8Array} bytes
 */
function utf8(bytes) {
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('utf8')
}

/**
 * write_number(v, false) for a non-null value that is not a finite JS number.
 * @param {SqlCell} v
 */
function toInt(v) {
  switch (typeof v) {
    case 'number': return null // non-finite REAL
    case 'bigint': return Number(v)
    case 'string': {
      const t = rustTrim(v)
      if (INT_RE.test(t)) {
        // i64 text is written as an integer (so "-0" is 0); out of i64 range it
        // goes through f64, which Number() gives as well.
        const n = Number(t)
        return n - n === 0 ? (n === 0 ? 0 : n) : null
      }
      if (FLOAT_RE.test(t)) {
        const n = Number(t)
        return n - n === 0 ? n : null
      }
      return null
    }
    default: return null // BLOB
  }
}

/** @param {SqlCell} v */
function toCount(v) {
  const n = toInt(v)
  return n === null ? 0 : n
}

/**
 * number() of rows.rs for a non-null value that is not a finite JS number.
 * @param {SqlCell} v
 */
function toReal(v) {
  switch (typeof v) {
    case 'bigint': return Number(v)
    case 'string': {
      const t = rustTrim(v)
      if (FLOAT_RE.test(t)) {
        const n = Number(t)
        return n - n === 0 ? n : null
      }
      return null
    }
    default: return null
  }
}

/**
 * The addon's taktik_bool: a flag cell as 1, 0 or null, like toBool.
 * @param {SqlCell | null} v
 */
function taktikBool(v) {
  const b = toBool(v)
  return b === null ? null : b ? 1 : 0
}

/** @param {SqlCell | null} v */
function toBool(v) {
  switch (typeof v) {
    case 'number': return v !== 0
    case 'bigint': return v !== 0n
    case 'string': {
      const t = rustTrim(v)
      const l = t.length <= 5 ? t.toLowerCase() : ''
      if (l === 'true' || l === 'yes') return true
      if (l === 'false' || l === 'no') return false
      if (FLOAT_RE.test(t)) return Number(t) !== 0
      if (FLOAT_SPECIAL_RE.test(t)) return true // inf / nan != 0.0
      return null
    }
    default: return null
  }
}

/**
 * Rust's `f64::to_string()` (Display): shortest round-trip digits, never an exponent.
 * @param {number} v
 */
function rustF64(v) {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return 'inf'
  if (v === -Infinity) return '-inf'
  if (v === 0) return Object.is(v, -0) ? '-0' : '0'
  const s = String(Math.abs(v))
  const sign = v < 0 ? '-' : ''
  const e = s.indexOf('e')
  if (e < 0) return sign + s
  const mant = s.slice(0, e).replace('.', '')
  const intDigits = (s.indexOf('.') < 0 || s.indexOf('.') > e ? e : s.indexOf('.')) + Number(s.slice(e + 1))
  if (intDigits <= 0) return `${sign}0.${'0'.repeat(-intDigits)}${mant}`
  if (intDigits >= mant.length) return sign + mant + '0'.repeat(intDigits - mant.length)
  return `${sign}${mant.slice(0, intDigits)}.${mant.slice(intDigits)}`
}

/**
 * Text / Date kind of a non-null value that is not a string.
 * @param {Exclude<SqlCell, string>} v
 */
function toText(v) {
  switch (typeof v) {
    case 'number': return rustF64(v)
    case 'bigint': return v.toString()
    default: return utf8(v)
  }
}

/** @param {string} s */
function parseJson(s) {
  try {
    return JSON.parse(rustTrim(s))
  } catch {
    return null
  }
}

/**
 * JSON kind of a non-null value.
 * @param {SqlCell} v
 */
function toJson(v) {
  switch (typeof v) {
    case 'string': return parseJson(v)
    case 'number': return v - v === 0 ? v : null
    case 'bigint': return Number(v)
    default: return parseJson(utf8(v))
  }
}

/**
 * Timestamp kind of a non-null value that is not a string.
 * @param {Exclude<SqlCell, string>} v
 */
function toTimestampOther(v) {
  switch (typeof v) {
    case 'number': return fromUnixSeconds(v)
    case 'bigint': return fromUnixSeconds(Number(v))
    default: return normalizeTimestamp(utf8(v))
  }
}

// ---------------------------------------------------------------------------
// Timestamps (src/base/time.rs).
// ---------------------------------------------------------------------------

// Scratch registers of the last successful parse().
let pY = 0
let pMo = 0
let pD = 0
let pH = 0
let pMi = 0
let pS = 0
let pMs = 0
let pZone = 0 // 0: SQLite UTC, 1: naive local, 2: explicit offset
let pOff = 0 // offset seconds east of UTC
let pSecEnd = 0 // index after the seconds (or minutes) in the trimmed text

/**
 * @param {string} t
 * @param {number} i
 */
function d2(t, i) {
  const a = t.charCodeAt(i) - 48
  const b = t.charCodeAt(i + 1) - 48
  // (NaN past the end fails these tests too)
  if (!(a >= 0 && a <= 9 && b >= 0 && b <= 9)) return -1
  return a * 10 + b
}

/**
 * @param {number} y
 * @param {number} m
 */
function daysInMonth(y, m) {
  if (m === 2) return (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 29 : 28
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31
}

/**
 * time.rs parse() on an already trimmed text; fills the scratch registers.
 * @param {string} t
 */
function parse(t) {
  const n = t.length
  if (n < 16) return false
  const y1 = d2(t, 0)
  const y2 = d2(t, 2)
  const mo = d2(t, 5)
  const d = d2(t, 8)
  if (y1 < 0 || y2 < 0 || mo < 0 || d < 0) return false
  if (t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45) return false
  const sep = t.charCodeAt(10)
  if (sep !== 32 && sep !== 84 && sep !== 116) return false
  const h = d2(t, 11)
  const mi = d2(t, 14)
  if (h < 0 || mi < 0 || t.charCodeAt(13) !== 58) return false
  let i = 16
  let sec = 0
  let ms = 0
  if (t.charCodeAt(i) === 58) {
    sec = d2(t, i + 1)
    if (sec < 0) return false
    i += 3
    const c = t.charCodeAt(i)
    if (c === 46 || c === 44) {
      i += 1
      const start = i
      let scale = 100
      for (let x = t.charCodeAt(i) - 48; x >= 0 && x <= 9; x = t.charCodeAt(++i) - 48) {
        ms += x * scale
        scale = (scale / 10) | 0
      }
      if (i === start) return false
    }
  }
  pSecEnd = i
  if (i === n) {
    pZone = sep === 32 ? 0 : 1
    pOff = 0
  } else {
    const c = t.charCodeAt(i)
    if ((c === 90 || c === 122) && i + 1 === n) {
      pZone = 2
      pOff = 0
    } else if (c === 43 || c === 45) {
      const rl = n - i - 1
      let oh
      let om
      if (rl === 2) { oh = d2(t, i + 1); om = 0 } else if (rl === 4) { oh = d2(t, i + 1); om = d2(t, i + 3) } else if (rl === 5 && t.charCodeAt(i + 3) === 58) { oh = d2(t, i + 1); om = d2(t, i + 4) } else return false
      if (oh < 0 || om < 0 || oh > 23 || om > 59) return false
      pZone = 2
      pOff = c === 45 ? -(oh * 3600 + om * 60) : oh * 3600 + om * 60
    } else {
      return false
    }
  }
  const y = y1 * 100 + y2
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) return false
  pY = y; pMo = mo; pD = d; pH = h; pMi = mi; pS = sec; pMs = ms
  return true
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
 * @param {number} y
 * @param {number} m
 * @param {number} d
 */
function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/**
 * The instant of a naive LOCAL wall time (`wall`: the wall clock read as if UTC).
 * The Date constructor applies the zone rules to the second (LMT offsets included)
 * and resolves a spring-forward gap with the offset before the gap, like time.rs.
 * In a fall-back overlap it picks the earlier instant, but the addon gets the
 * later one, with the smaller offset (chrono 0.4.45's Local orders its Ambiguous
 * pair by offset, not by instant): reproduced here.
 * @param {number} wall
 * @param {number} y
 * @param {number} mo
 * @param {number} d
 * @param {number} h
 * @param {number} mi
 * @param {number} s
 * @param {number} ms
 */
function localWallToMs(wall, y, mo, d, h, mi, s, ms) {
  // Windows keeps no zone history before 1970 (LMT included): there the addon,
  // like Python on Windows, applies the zone's present rules, where Date would
  // apply ICU's history. The same wall time this year gives those rules.
  if (process.platform === 'win32' && y < 1970) {
    return wall + new Date(new Date().getFullYear(), mo - 1, d, h, mi, s, ms).getTimezoneOffset() * 60000
  }
  let dt
  if (y >= 100) {
    dt = new Date(y, mo - 1, d, h, mi, s, ms)
  } else {
    dt = new Date(2000, mo - 1, d, h, mi, s, ms)
    dt.setFullYear(y, mo - 1, d)
  }
  // In a DST overlap Date picks the earlier instant, as the addon does.
  return dt.getTime()
}

/** The instant of the parsed registers, Unix ms. */
function parsedMs() {
  const wall = daysFromCivil(pY, pMo, pD) * 86400000 + ((pH * 60 + pMi) * 60 + pS) * 1000 + pMs
  if (pZone === 1) return localWallToMs(wall, pY, pMo, pD, pH, pMi, pS, pMs)
  return wall - pOff * 1000
}

const pad2 = (/** @type {number} */ n) => (n < 10 ? '0' + n : '' + n)
const pad3 = (/** @type {number} */ n) => (n < 10 ? '00' + n : n < 100 ? '0' + n : '' + n)

/**
 * chrono's `%Y-%m-%dT%H:%M:%S%.3fZ` of Unix ms, formatted by hand (Date's
 * toISOString() costs several times more). Years outside 0..=9999 are signed and
 * padded to 4 digits (`{:+05}`), as chrono writes them.
 * @param {number} ms
 */
export function formatUtc(ms) {
  const days = Math.floor(ms / 86400000)
  let rem = ms - days * 86400000
  // H. Hinnant's civil_from_days.
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0)
  const h = Math.floor(rem / 3600000)
  rem -= h * 3600000
  const mi = Math.floor(rem / 60000)
  rem -= mi * 60000
  const sec = Math.floor(rem / 1000)
  let year
  if (y >= 1000 && y <= 9999) year = '' + y
  else {
    const abs = '' + Math.abs(y)
    year = (y < 0 ? '-' : y > 9999 ? '+' : '') + (abs.length < 4 ? '0000'.slice(abs.length) + abs : abs)
  }
  return `${year}-${pad2(m)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(sec)}.${pad3(rem - sec * 1000)}Z`
}

/**
 * time.rs normalize(): ISO UTC text, or the text unchanged.
 * @param {string} s
 */
export function normalizeTimestamp(s) {
  const t = rustTrim(s)
  if (!parse(t)) return s
  if (pZone === 0 || (pZone === 2 && pOff === 0)) {
    // Already UTC: the output is the input's own digits (4-digit years print as is).
    const secs = pSecEnd >= 19 ? t.slice(17, 19) : '00'
    return `${t.slice(0, 10)}T${t.slice(11, 16)}:${secs}.${pad3(pMs)}Z`
  }
  return formatUtc(parsedMs())
}

/**
 * time.rs epoch_ms(): Unix ms of a timestamp text, or null.
 * @param {string} s
 */
export function epochMs(s) {
  return parse(rustTrim(s)) ? parsedMs() : null
}

/**
 * time.rs from_unix_seconds().
 * @param {number} secs
 */
function fromUnixSeconds(secs) {
  if (!(secs >= 0 && secs < 253402300800)) return null
  const whole = Math.trunc(secs)
  const nanos = Math.min(Math.round((secs - whole) * 1e9), 999999999)
  return formatUtc(whole * 1000 + Math.floor(nanos / 1e6))
}

/**
 * The `days` local dates ending today: only the first is needed (SQLite steps the calendar).
 * @param {number} days
 */
function firstLocalDay(days) {
  // Python's date.today() is the LOCAL date; step back on the calendar (no DST issue).
  const now = new Date()
  const day = new Date((daysFromCivil(now.getFullYear(), now.getMonth() + 1, now.getDate()) - (days - 1)) * 86400000)
  const y = day.getUTCFullYear()
  return `${y < 1000 ? String(y).padStart(4, '0') : y}-${pad2(day.getUTCMonth() + 1)}-${pad2(day.getUTCDate())}`
}

// ---------------------------------------------------------------------------
// SQL functions (src/db/functions.rs register_functions()).
// ---------------------------------------------------------------------------

/**
 * @param {unknown} hay
 * @param {unknown} needle
 */
function taktikIcontains(hay, needle) {
  if (typeof hay !== 'string' || typeof needle !== 'string') return 0
  return hay.toLowerCase().includes(needle) ? 1 : 0
}

// i64::MAX (2^63 - 1) is not a double: the nearest one is 2^63, which is what the
// literal 9223372036854775807 always evaluated to.
const I64_MAX = 2 ** 63
/** @param {SqlCell | null} v */
function taktikEpochMs(v) {
  switch (typeof v) {
    case 'string': return epochMs(v)
    case 'number': {
      // INTEGER i -> i * 1000 (saturating); REAL f -> (f * 1000) as i64 (truncating,
      // saturating). Both are whole numbers here.
      if (v - v !== 0) return null
      const ms = Math.trunc(v * 1000)
      return ms > I64_MAX ? I64_MAX : ms < -I64_MAX ? -I64_MAX : ms
    }
    case 'bigint': {
      const ms = v * 1000n
      return ms > 9223372036854775807n ? 9223372036854775807n : ms < -9223372036854775808n ? -9223372036854775808n : ms
    }
    default: return null
  }
}

// ---------------------------------------------------------------------------
// Row mappers: one generated function per statement, from its columns.
// ---------------------------------------------------------------------------

const HELPERS = { toInt, toCount, toReal, toBool, toText, toJson, normalizeTimestamp, toTimestampOther }

/**
 * @param {number} kind
 * @param {string} acc the expression that reads the cell
 */
function valueExpr(kind, acc) {
  switch (kind) {
    case INT: return `(v=${acc},typeof v==='number'?(v-v===0?v:null):v===null?null:toInt(v))`
    case COUNT: return `(v=${acc},typeof v==='number'?(v-v===0?v:0):v===null?0:toCount(v))`
    case REAL: return `(v=${acc},typeof v==='number'?(v-v===0?v:null):v===null?null:toReal(v))`
    case BOOL: return `(v=${acc},v===1?true:v===0?false:v===null?null:toBool(v))`
    case TEXT:
    case DATE: return `(v=${acc},typeof v==='string'?v:v===null?null:toText(v))`
    case JSON_: return `(v=${acc},v===null?null:toJson(v))`
    case TIMESTAMP: return `(v=${acc},typeof v==='string'?normalizeTimestamp(v):v===null?null:toTimestampOther(v))`
    default: throw new Error(`unknown kind ${kind}`)
  }
}

/**
 * `cols`: [{ name, type }] (type = declared type or null). `arrays`: rows are arrays
 * (else objects keyed by column name).
 * @param {Col[]} cols
 * @param {boolean} arrays
 * @returns {(row: any) => any} generated code: a row (array or object) to the API's object
 */
function buildMapper(cols, arrays) {
  const fields = cols.map((c, i) => {
    const acc = arrays ? `r[${i}]` : `r[${JSON.stringify(c.name)}]`
    return `${JSON.stringify(camelCase(c.name))}:${valueExpr(classify(c.name, c.type), acc)}`
  })
  const src = `const {${Object.keys(HELPERS).join(',')}}=H;return function map(r){let v;return{${fields.join(',')}}}`
  // eslint-disable-next-line no-new-func
  return new Function('H', src)(HELPERS)
}

// ---------------------------------------------------------------------------
// Drivers: a prepared statement with its mapper. SQL uses ?1..?N; callers pass
// exactly N arguments in that order.
// ---------------------------------------------------------------------------

/**
 * `?N` -> `?` with the argument order to pass (better-sqlite3 treats `?N` as named).
 * @param {string} sql
 */
function anonymize(sql) {
  /** @type {number[]} */
  const order = []
  const text = sql.replace(/\?(\d+)/g, (_, n) => {
    order.push(Number(n) - 1)
    return '?'
  })
  return { text, order }
}

/** @param {string} sql */
function paramCount(sql) {
  let max = 0
  for (const m of sql.matchAll(/\?(\d+)/g)) max = Math.max(max, Number(m[1]))
  return max
}

/**
 * A function (a0..aN-1) => stmt[method](args in `order`), generated once.
 * @param {object} stmt
 * @param {'all' | 'get'} method
 * @param {number} n
 * @param {number[]} order
 * @returns {(...a: unknown[]) => any} generated code: the driver's answer
 */
function invoker(stmt, method, n, order) {
  const params = Array.from({ length: n }, (_, i) => `a${i}`)
  const args = order.map((i) => `a${i}`)
  // eslint-disable-next-line no-new-func
  return new Function('s', `return function(${params.join(',')}){return s.${method}(${args.join(',')})}`)(stmt)
}

/**
 * @param {typeof import('better-sqlite3')} BetterSqlite3
 * @param {string} path
 * @returns {Connection}
 */
function openBetterSqlite3(BetterSqlite3, path) {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true, timeout: 30000 })
  db.function('taktik_icontains', { deterministic: true }, taktikIcontains)
  db.function('taktik_epoch_ms', { deterministic: true }, taktikEpochMs)
  db.function('taktik_bool', { deterministic: true }, taktikBool)
  return {
    prepare(sql, _staticCols) {
      const { text, order } = anonymize(sql)
      const n = paramCount(sql)
      const stmt = db.prepare(text)
      stmt.raw(true)
      const map = buildMapper(stmt.columns().map((c) => ({ name: c.name, type: c.type })), true)
      const all = invoker(stmt, 'all', n, order)
      const get = invoker(stmt, 'get', n, order)
      return {
        all(...a) {
          const rows = all(...a)
          for (let i = 0; i < rows.length; i++) rows[i] = map(rows[i])
          return rows
        },
        get(...a) {
          const row = get(...a)
          return row === undefined ? null : map(row)
        },
        scalar(...a) {
          return get(...a)[0]
        },
      }
    },
    close() {
      db.close()
    },
  }
}

/**
 * @param {typeof import('node:sqlite')} sqlite
 * @param {string} path
 * @returns {Connection}
 */
function openNodeSqlite(sqlite, path) {
  const db = new sqlite.DatabaseSync(path, { readOnly: true, timeout: 30000 })
  db.function('taktik_icontains', { deterministic: true }, taktikIcontains)
  db.function('taktik_epoch_ms', { deterministic: true }, taktikEpochMs)
  db.function('taktik_bool', { deterministic: true }, taktikBool)
  const tooBig = (/** @type {unknown} */ e) => {
    if (!e) return false
    const { code, message } = /** @type {{ code?: unknown, message?: unknown }} */ (e)
    return code === 'ERR_OUT_OF_RANGE' || /too large to be represented/.test(String(message))
  }
  return {
    prepare(sql, staticCols) {
      const n = paramCount(sql)
      const order = Array.from({ length: n }, (_, i) => i)
      const make = (/** @type {boolean} */ bigInts) => {
        const stmt = db.prepare(sql)
        const arrays = typeof stmt.setReturnArrays === 'function'
        if (arrays) stmt.setReturnArrays?.(true)
        if (bigInts) stmt.setReadBigInts(true)
        const cols = typeof stmt.columns === 'function'
          ? stmt.columns().map((c) => ({ name: c.name, type: c.type }))
          : staticCols
        return { map: buildMapper(cols, arrays), all: invoker(stmt, 'all', n, order), get: invoker(stmt, 'get', n, order), arrays, cols }
      }
      const main = make(false)
      // node:sqlite throws on an INTEGER beyond 2^53 unless BigInts are read: such
      // a (hostile) result is re-read by a BigInt twin of the statement.
      /** @type {typeof main | null} */
      let big = null
      const twin = () => (big ??= make(true))
      return {
        all(...a) {
          let s = main
          let rows
          try {
            rows = s.all(...a)
          } catch (e) {
            if (!tooBig(e)) throw e
            s = twin()
            rows = s.all(...a)
          }
          const map = s.map
          for (let i = 0; i < rows.length; i++) rows[i] = map(rows[i])
          return rows
        },
        get(...a) {
          let s = main
          let row
          try {
            row = s.get(...a)
          } catch (e) {
            if (!tooBig(e)) throw e
            s = twin()
            row = s.get(...a)
          }
          return row === undefined ? null : s.map(row)
        },
        scalar(...a) {
          const row = main.get(...a)
          // A scalar statement has one column.
          return main.arrays ? row[0] : row[/** @type {Col} */ (main.cols[0]).name]
        },
      }
    },
    close() {
      db.close()
    },
  }
}

// ---------------------------------------------------------------------------
// Queries (src/domain/*.rs), per platform.
// ---------------------------------------------------------------------------

const IG = {
  platform: 'instagram',
  ACCOUNTS: 'instagram_accounts',
  PROFILES: 'instagram_profiles',
  SESSIONS: 'sessions',
  INTERACTIONS: 'interaction_history',
  DAILY_STATS: 'daily_stats',
  FILTERED: 'filtered_profiles',
}
const TT = {
  platform: 'tiktok',
  ACCOUNTS: 'tiktok_accounts',
  PROFILES: 'tiktok_profiles',
  SESSIONS: 'tiktok_sessions',
  INTERACTIONS: 'tiktok_interaction_history',
  DAILY_STATS: 'tiktok_daily_stats',
  FILTERED: 'tiktok_filtered_profiles',
}

/**
 * src/domain/stats.rs counters(): INTEGER columns with DEFAULT 0 that are not flags.
 * @param {string} table
 */
function counters(table) {
  return schemaOf(table).filter((c) => c.zeroDefault && classify(c.name, c.type) === INT).map((c) => c.name)
}

const SORTS = {
  lastInteractionAt: 'agg.last_ms',
  interactionCount: 'agg.interaction_count',
  username: 'p.username COLLATE NOCASE',
  fullName: 'p.full_name COLLATE NOCASE',
  followersCount: 'p.followers_count',
  followingCount: 'p.following_count',
  postsCount: 'p.posts_count',
  createdAt: 'p.profile_id',
  updatedAt: 'p.updated_at',
  profileId: 'p.profile_id',
}

const FROM_INTERACTED = `FROM (SELECT profile_id, COUNT(*) AS interaction_count,
            MAX(taktik_epoch_ms(interaction_time)) AS last_ms, interaction_time AS last_interaction_at
        FROM interaction_history WHERE account_id = ?1 GROUP BY profile_id) AS agg
    JOIN instagram_profiles AS p ON p.profile_id = agg.profile_id
    WHERE (?2 IS NULL OR taktik_icontains(p.username, ?2) OR taktik_icontains(p.full_name, ?2))
      AND (?3 IS NULL OR (typeof(p.followers_count) IN ('integer', 'real') AND p.followers_count >= ?3))
      AND (?4 IS NULL OR (typeof(p.followers_count) IN ('integer', 'real') AND p.followers_count <= ?4))
      AND (?5 IS NULL OR COALESCE(taktik_bool(p.is_private), 0) = ?5)
      AND (?6 IS NULL OR COALESCE(taktik_bool(p.is_verified), 0) = ?6)
      AND (?7 IS NULL OR COALESCE(taktik_bool(p.is_business), 0) = ?7)`

const PROFILE_SUMMARY = ['username', 'full_name', 'followers_count', 'following_count', 'posts_count',
  'is_private', 'is_verified', 'is_business', 'biography']

/** @param {string} name a column of instagram_profiles */
const profileCol = (name) => {
  const col = schemaOf('instagram_profiles').find((c) => c.name === name)
  if (!col) throw new Error(`no column ${name} in instagram_profiles`)
  return col
}

/**
 * Every statement: key -> [sql, static columns (fallback for drivers without columns())].
 * @satisfies {Record<string, (...a: any[]) => Statement>}
 */
const SQL = {
  accounts: (/** @type {Platform} */ P) => [`SELECT ${columns(P.ACCOUNTS, 'a')} FROM ${P.ACCOUNTS} AS a ORDER BY a.account_id`, tableCols(P.ACCOUNTS)],
  sessions: (/** @type {Platform} */ P) => [`SELECT ${columns(P.SESSIONS, 's')} FROM ${P.SESSIONS} AS s
             WHERE s.account_id = ?1 AND (?2 IS NULL OR s.status = ?2 COLLATE NOCASE)
             ORDER BY taktik_epoch_ms(s.start_time) DESC, s.session_id DESC LIMIT ?3 OFFSET ?4`, tableCols(P.SESSIONS)],
  sessionStats: (/** @type {Platform | undefined} */ _P, from = 'interaction_history WHERE session_id = ?1') => [`SELECT COUNT(*) AS total_interactions,
                SUM(t = 'LIKE') AS total_likes,
                SUM(t = 'FOLLOW') AS total_follows,
                SUM(t = 'UNFOLLOW') AS total_unfollows,
                SUM(t = 'COMMENT') AS total_comments,
                SUM(t = 'STORY_WATCH') AS total_story_views,
                SUM(t = 'STORY_LIKE') AS total_story_likes,
                SUM(t = 'PROFILE_VISIT') AS total_profile_visits,
                SUM(COALESCE(taktik_bool(success), 0)) AS successful_interactions
            FROM (SELECT upper(interaction_type) AS t, success FROM ${from})`,
  ['total_interactions', 'total_likes', 'total_follows', 'total_unfollows', 'total_comments', 'total_story_views',
    'total_story_likes', 'total_profile_visits', 'successful_interactions'].map((name) => ({ name, type: null }))],
  dailyStats: (/** @type {Platform} */ P) => {
    const cs = counters(P.DAILY_STATS)
    return [`WITH RECURSIVE d(n, date) AS (
                 SELECT 1, ?2 UNION ALL SELECT n + 1, date(date, '+1 day') FROM d WHERE n < ?3)
             SELECT d.date AS date, ${cs.map((c) => `COALESCE(s.${c}, 0) AS ${c}`).join(', ')}
             FROM d LEFT JOIN ${P.DAILY_STATS} AS s ON s.account_id = ?1 AND s.date = d.date
             ORDER BY d.n`, [{ name: 'date', type: null }, ...cs.map((name) => ({ name, type: null }))]]
  },
  interactions: (/** @type {Platform} */ P) => [`SELECT ${columns(P.INTERACTIONS, 'i')}, p.username AS username
             FROM ${P.INTERACTIONS} AS i LEFT JOIN ${P.PROFILES} AS p ON p.profile_id = i.profile_id
             WHERE i.account_id = ?1
               AND (?2 IS NULL OR i.interaction_type = ?2 COLLATE NOCASE)
               AND (?3 IS NULL OR i.session_id = ?3)
               AND (?4 IS NULL OR i.profile_id = ?4)
               AND (?5 IS NULL OR taktik_epoch_ms(i.interaction_time) >= ?5)
               AND (?6 IS NULL OR taktik_epoch_ms(i.interaction_time) <= ?6)
             ORDER BY taktik_epoch_ms(i.interaction_time) DESC, i.id DESC LIMIT ?7 OFFSET ?8`,
  [...tableCols(P.INTERACTIONS), { name: 'username', type: 'TEXT' }]],
  filtered: (/** @type {Platform} */ P) => [`SELECT ${columns(P.FILTERED, 'f')} FROM ${P.FILTERED} AS f WHERE f.account_id = ?1 ORDER BY f.id DESC LIMIT ?2 OFFSET ?3`, tableCols(P.FILTERED)],
  profiles: (/** @type {string} */ orderBy, /** @type {string} */ dir) => [`SELECT ${columns('instagram_profiles', 'p')}, agg.interaction_count AS interaction_count,
                    agg.last_interaction_at AS last_interaction_at
             ${FROM_INTERACTED}
             ORDER BY ${orderBy} ${dir}, p.profile_id ${dir} LIMIT ?8 OFFSET ?9`,
  [...tableCols('instagram_profiles'), { name: 'interaction_count', type: null }, { name: 'last_interaction_at', type: 'TEXT' }]],
  countProfiles: () => [`SELECT COUNT(*) ${FROM_INTERACTED}`, [{ name: 'n', type: null }]],
  profileById: () => [`SELECT ${columns('instagram_profiles', 'p')} FROM instagram_profiles AS p WHERE p.profile_id = ?1`, tableCols('instagram_profiles')],
  profileByName: () => [`SELECT ${columns('instagram_profiles', 'p')} FROM instagram_profiles AS p WHERE p.username = ?1`, tableCols('instagram_profiles')],
  profileByNameNocase: () => [`SELECT ${columns('instagram_profiles', 'p')} FROM instagram_profiles AS p WHERE p.username = ?1 COLLATE NOCASE
                     ORDER BY p.profile_id LIMIT 1`, tableCols('instagram_profiles')],
  statsHistory: () => [`SELECT ${columns('profile_stats_history', 'h')} FROM profile_stats_history AS h WHERE h.profile_id = ?1 ORDER BY h.id`, tableCols('profile_stats_history')],
  posts: () => [`SELECT ${columns('instagram_posts', 'po')} FROM instagram_posts AS po
             WHERE (?1 IS NULL OR po.profile_id = ?1) AND (?2 IS NULL OR po.account_id = ?2)
               AND (?3 IS NULL OR po.status = ?3 COLLATE NOCASE)
             ORDER BY po.post_id DESC LIMIT ?4 OFFSET ?5`, tableCols('instagram_posts')],
  scrapingSessions: () => [`SELECT ${columns('scraping_sessions', 's')} FROM scraping_sessions AS s
             WHERE (?1 IS NULL OR s.status = ?1 COLLATE NOCASE)
               AND (?2 IS NULL OR s.scraping_type = ?2 COLLATE NOCASE)
             ORDER BY s.scraping_id DESC LIMIT ?3 OFFSET ?4`, tableCols('scraping_sessions')],
  scrapingSession: () => [`SELECT ${columns('scraping_sessions', 's')} FROM scraping_sessions AS s WHERE s.scraping_id = ?1`, tableCols('scraping_sessions')],
  scrapedProfiles: () => [`SELECT ${columns('scraped_profiles', 'sp')}, ${PROFILE_SUMMARY.map((c) => `p.${c} AS ${c}`).join(', ')}
             FROM scraped_profiles AS sp LEFT JOIN instagram_profiles AS p ON p.profile_id = sp.profile_id
             WHERE sp.scraping_id = ?1
               AND (?2 IS NULL OR (typeof(sp.ai_score) IN ('integer', 'real') AND sp.ai_score >= ?2))
               AND (?3 = 0 OR taktik_bool(sp.ai_qualified) = 1)
             ORDER BY sp.id LIMIT ?4 OFFSET ?5`,
  [...tableCols('scraped_profiles'), ...PROFILE_SUMMARY.map((name) => ({ name, type: profileCol(name).type }))]],
  scrapedComments: () => [`SELECT ${columns('scraped_comments', 'c')} FROM scraped_comments AS c
             WHERE (?1 IS NULL OR c.scraping_session_id = ?1)
               AND (?2 IS NULL OR c.username = ?2 COLLATE NOCASE)
               AND (?3 IS NULL OR c.target_username = ?3 COLLATE NOCASE)
             ORDER BY c.comment_id DESC LIMIT ?4 OFFSET ?5`, tableCols('scraped_comments')],
  hashtagPosts: () => [`SELECT ${columns('processed_hashtag_posts', 'h')} FROM processed_hashtag_posts AS h
             WHERE h.account_id = ?1 AND (?2 IS NULL OR ltrim(h.hashtag, '#') = ?2 COLLATE NOCASE)
             ORDER BY h.id DESC LIMIT ?3 OFFSET ?4`, tableCols('processed_hashtag_posts')],
  campaigns: () => [`SELECT ${columns('discovery_campaigns', 'c')} FROM discovery_campaigns AS c WHERE (?1 IS NULL OR c.account_id = ?1)
             ORDER BY c.campaign_id DESC`, tableCols('discovery_campaigns')],
  progress: () => [`SELECT ${columns('discovery_progress', 'g')} FROM discovery_progress AS g WHERE g.campaign_id = ?1 ORDER BY g.progress_id`, tableCols('discovery_progress')],
  discovered: () => [`SELECT ${columns('discovered_profiles', 'd')} FROM discovered_profiles AS d
             WHERE d.campaign_id = ?1 AND (?2 IS NULL OR d.status = ?2 COLLATE NOCASE)
               AND (?3 IS NULL OR (typeof(d.ai_score) IN ('integer', 'real') AND d.ai_score >= ?3))
             ORDER BY d.profile_id LIMIT ?4 OFFSET ?5`, tableCols('discovered_profiles')],
  tiktokProfiles: () => [`SELECT ${columns('tiktok_profiles', 'p')} FROM tiktok_profiles AS p
             WHERE ?1 IS NULL OR taktik_icontains(p.username, ?1) OR taktik_icontains(p.display_name, ?1)
             ORDER BY p.profile_id DESC LIMIT ?2 OFFSET ?3`, tableCols('tiktok_profiles')],
}

// ---------------------------------------------------------------------------
// Queries on the UNIFIED layout (the bot since June 2026; README "Which bot
// versions", src/db/layout.rs): what a developer writes for that file directly,
// against its own tables, with `platform = ?` and the bot's `legacy_*` ids:
// `accounts`, `social_profiles`, `sessions_unified`, `interactions`,
// `daily_stats_unified`, `filtered_profiles` (+ platform), `scraping_sessions`
// (+ platform, no discovery_campaign_id), `scraped_profiles` (+ platform: whose
// profile id it is), `processed_hashtag_posts`, `profile_stats_history`. Rows
// come out under the legacy names (the API's row types). Posts, scraped
// comments and discovery are not in the file (the addon answers
// NOT_IN_THIS_FILE). Rows of accounts / social_profiles / sessions_unified
// without their legacy id are skipped, as the addon does (no call can name them).
// ---------------------------------------------------------------------------

/**
 * API (legacy) table -> [unified table, { legacy column: unified column, or
 * null when the layout has none }]. Other columns keep their name.
 */
/** @type {Record<string, [string, Record<string, string | null>]>} */
export const UNIFIED_TABLES = {
  instagram_accounts: ['accounts', { account_id: 'legacy_account_id' }],
  tiktok_accounts: ['accounts', { account_id: 'legacy_account_id' }],
  instagram_profiles: ['social_profiles', { profile_id: 'legacy_profile_id', full_name: 'display_name', linked_accounts: null }],
  tiktok_profiles: ['social_profiles', { profile_id: 'legacy_profile_id', videos_count: 'posts_count' }],
  sessions: ['sessions_unified', { session_id: 'legacy_session_id' }],
  tiktok_sessions: ['sessions_unified', { session_id: 'legacy_session_id' }],
  interaction_history: ['interactions', {}],
  tiktok_interaction_history: ['interactions', {}],
  daily_stats: ['daily_stats_unified', {}],
  tiktok_daily_stats: ['daily_stats_unified', {}],
  filtered_profiles: ['filtered_profiles', {}],
  tiktok_filtered_profiles: ['filtered_profiles', {}],
  scraping_sessions: ['scraping_sessions', { discovery_campaign_id: null }],
  scraped_profiles: ['scraped_profiles', {}],
  processed_hashtag_posts: ['processed_hashtag_posts', {}],
  profile_stats_history: ['profile_stats_history', {}],
}

/**
 * The unified column of legacy column `name` of `table` (null: none).
 * @param {string} table
 * @param {string} name
 * @returns {string | null}
 */
function ucol(table, name) {
  const unified = UNIFIED_TABLES[table]
  if (!unified) throw new Error(`no table ${table} in UNIFIED_TABLES`)
  const renames = unified[1]
  return name in renames ? /** @type {string | null} */ (renames[name]) : name
}

/**
 * `a.legacy_account_id AS account_id, a.username, ..., NULL AS linked_accounts`.
 * @param {string} table
 * @param {string} alias
 */
function ucolumns(table, alias) {
  return schemaOf(table).map((c) => {
    const from = ucol(table, c.name)
    if (from === null) return `NULL AS ${c.name}`
    return from === c.name ? `${alias}.${c.name}` : `${alias}.${from} AS ${c.name}`
  }).join(', ')
}

const SORTS_UNIFIED = {
  lastInteractionAt: 'agg.last_ms',
  interactionCount: 'agg.interaction_count',
  username: 'p.username COLLATE NOCASE',
  fullName: 'p.display_name COLLATE NOCASE',
  followersCount: 'p.followers_count',
  followingCount: 'p.following_count',
  postsCount: 'p.posts_count',
  createdAt: 'p.legacy_profile_id',
  updatedAt: 'p.updated_at',
  profileId: 'p.legacy_profile_id',
}

// ?1 is the platform ('instagram'), ?2 the account. `group` is `profile_id`, or
// `+profile_id` on a file without an index that leads with (platform, account_id,
// profile_id): there SQLite would otherwise walk ALL of the platform's
// interactions in idx_interactions_profile order (to skip the GROUP BY sort),
// reading each row to test its account: 418 ms instead of 345 ms for the busiest
// account's 10,000 rows (EXPLAIN QUERY PLAN; a developer who looks at it writes
// the `+`). On the addon's copy its covering index gives the group order.
// `times`: the latest interaction per profile (a count does not need it, and
// computing it is 250,000 taktik_epoch_ms calls for the busiest account).
const FROM_INTERACTED_UNIFIED = (/** @type {string} */ group, times = true) => `FROM (SELECT profile_id${times ? `, COUNT(*) AS interaction_count,
            MAX(taktik_epoch_ms(interaction_time)) AS last_ms, interaction_time AS last_interaction_at` : ''}
        FROM interactions WHERE platform = ?1 AND account_id = ?2 GROUP BY ${group}) AS agg
    JOIN social_profiles AS p ON p.platform = ?1 AND p.legacy_profile_id = agg.profile_id
    WHERE (?3 IS NULL OR taktik_icontains(p.username, ?3) OR taktik_icontains(p.display_name, ?3))
      AND (?4 IS NULL OR (typeof(p.followers_count) IN ('integer', 'real') AND p.followers_count >= ?4))
      AND (?5 IS NULL OR (typeof(p.followers_count) IN ('integer', 'real') AND p.followers_count <= ?5))
      AND (?6 IS NULL OR COALESCE(taktik_bool(p.is_private), 0) = ?6)
      AND (?7 IS NULL OR COALESCE(taktik_bool(p.is_verified), 0) = ?7)
      AND (?8 IS NULL OR COALESCE(taktik_bool(p.is_business), 0) = ?8)`

const profileColsUnified = () => [...schemaOf('instagram_profiles').map((c) => ({ name: c.name, type: c.name === 'linked_accounts' ? null : c.type }))]

/**
 * Every unified statement: key -> [sql, static columns]; P is IG or TT (P.platform).
 * @satisfies {Record<string, (...a: any[]) => Statement>}
 */
const SQL_UNIFIED = {
  accounts: (/** @type {Platform} */ P) => [`SELECT ${ucolumns(P.ACCOUNTS, 'a')} FROM accounts AS a
             WHERE a.platform = ?1 AND a.legacy_account_id IS NOT NULL ORDER BY a.legacy_account_id`, tableCols(P.ACCOUNTS)],
  sessions: (/** @type {Platform} */ P) => [`SELECT ${ucolumns(P.SESSIONS, 's')} FROM sessions_unified AS s
             WHERE s.platform = ?1 AND s.account_id = ?2 AND s.legacy_session_id IS NOT NULL
               AND (?3 IS NULL OR s.status = ?3 COLLATE NOCASE)
             ORDER BY taktik_epoch_ms(s.start_time) DESC, s.legacy_session_id DESC LIMIT ?4 OFFSET ?5`, tableCols(P.SESSIONS)],
  sessionStats: (/** @type {Platform} */ P) => SQL.sessionStats(P, 'interactions WHERE platform = ?1 AND session_id = ?2'),
  dailyStats: (/** @type {Platform} */ P) => {
    const cs = counters(P.DAILY_STATS)
    return [`WITH RECURSIVE d(n, date) AS (
                 SELECT 1, ?3 UNION ALL SELECT n + 1, date(date, '+1 day') FROM d WHERE n < ?4)
             SELECT d.date AS date, ${cs.map((c) => `COALESCE(s.${c}, 0) AS ${c}`).join(', ')}
             FROM d LEFT JOIN daily_stats_unified AS s ON s.platform = ?1 AND s.account_id = ?2 AND s.date = d.date
             ORDER BY d.n`, [{ name: 'date', type: null }, ...cs.map((name) => ({ name, type: null }))]]
  },
  interactions: (/** @type {Platform} */ P) => [`SELECT ${ucolumns(P.INTERACTIONS, 'i')}, p.username AS username
             FROM interactions AS i LEFT JOIN social_profiles AS p ON p.platform = ?1 AND p.legacy_profile_id = i.profile_id
             WHERE i.platform = ?1 AND i.account_id = ?2
               AND (?3 IS NULL OR i.interaction_type = ?3 COLLATE NOCASE)
               AND (?4 IS NULL OR i.session_id = ?4)
               AND (?5 IS NULL OR i.profile_id = ?5)
               AND (?6 IS NULL OR taktik_epoch_ms(i.interaction_time) >= ?6)
               AND (?7 IS NULL OR taktik_epoch_ms(i.interaction_time) <= ?7)
             ORDER BY taktik_epoch_ms(i.interaction_time) DESC, i.id DESC LIMIT ?8 OFFSET ?9`,
  [...tableCols(P.INTERACTIONS), { name: 'username', type: 'TEXT' }]],
  filtered: (/** @type {Platform} */ P) => [`SELECT ${ucolumns(P.FILTERED, 'f')} FROM filtered_profiles AS f
             WHERE f.platform = ?1 AND f.account_id = ?2 ORDER BY f.id DESC LIMIT ?3 OFFSET ?4`, tableCols(P.FILTERED)],
  profiles: (/** @type {string} */ orderBy, /** @type {string} */ dir, /** @type {string} */ group) => [`SELECT ${ucolumns('instagram_profiles', 'p')}, agg.interaction_count AS interaction_count,
                    agg.last_interaction_at AS last_interaction_at
             ${FROM_INTERACTED_UNIFIED(group)}
             ORDER BY ${orderBy} ${dir}, p.legacy_profile_id ${dir} LIMIT ?9 OFFSET ?10`,
  [...profileColsUnified(), { name: 'interaction_count', type: null }, { name: 'last_interaction_at', type: 'TEXT' }]],
  countProfiles: (/** @type {string} */ group) => [`SELECT COUNT(*) ${FROM_INTERACTED_UNIFIED(group, false)}`, [{ name: 'n', type: null }]],
  // Whether an index on interactions leads with (platform, account_id, profile_id).
  groupIndex: () => [`SELECT l.name AS name FROM pragma_index_list('interactions') AS l
             WHERE (SELECT group_concat(i.name, ',') FROM (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno) AS i)
                   LIKE 'platform,account_id,profile_id%'`, [{ name: 'name', type: 'TEXT' }]],
  profileById: () => [`SELECT ${ucolumns('instagram_profiles', 'p')} FROM social_profiles AS p
             WHERE p.platform = ?1 AND p.legacy_profile_id = ?2`, profileColsUnified()],
  profileByName: () => [`SELECT ${ucolumns('instagram_profiles', 'p')} FROM social_profiles AS p
             WHERE p.platform = ?1 AND p.username = ?2 AND p.legacy_profile_id IS NOT NULL`, profileColsUnified()],
  profileByNameNocase: () => [`SELECT ${ucolumns('instagram_profiles', 'p')} FROM social_profiles AS p
             WHERE p.platform = ?1 AND p.legacy_profile_id IS NOT NULL AND p.username = ?2 COLLATE NOCASE
             ORDER BY p.legacy_profile_id LIMIT 1`, profileColsUnified()],
  // The same tables as on the legacy layout.
  statsHistory: SQL.statsHistory,
  hashtagPosts: SQL.hashtagPosts,
  scrapingSessions: () => [`SELECT ${ucolumns('scraping_sessions', 's')} FROM scraping_sessions AS s
             WHERE (?1 IS NULL OR s.status = ?1 COLLATE NOCASE)
               AND (?2 IS NULL OR s.scraping_type = ?2 COLLATE NOCASE)
             ORDER BY s.scraping_id DESC LIMIT ?3 OFFSET ?4`, tableCols('scraping_sessions')],
  scrapingSession: () => [`SELECT ${ucolumns('scraping_sessions', 's')} FROM scraping_sessions AS s WHERE s.scraping_id = ?1`,
    tableCols('scraping_sessions')],
  // A scraped row names a profile of its own platform.
  scrapedProfiles: () => [`SELECT ${columns('scraped_profiles', 'sp')}, ${PROFILE_SUMMARY.map((c) => `p.${ucol('instagram_profiles', c)} AS ${c}`).join(', ')}
             FROM scraped_profiles AS sp
             LEFT JOIN social_profiles AS p ON p.platform = sp.platform AND p.legacy_profile_id = sp.profile_id
             WHERE sp.scraping_id = ?1
               AND (?2 IS NULL OR (typeof(sp.ai_score) IN ('integer', 'real') AND sp.ai_score >= ?2))
               AND (?3 = 0 OR taktik_bool(sp.ai_qualified) = 1)
             ORDER BY sp.id LIMIT ?4 OFFSET ?5`,
  [...tableCols('scraped_profiles'), ...PROFILE_SUMMARY.map((name) => ({ name, type: profileCol(name).type }))]],
  tiktokProfiles: () => [`SELECT ${ucolumns('tiktok_profiles', 'p')} FROM social_profiles AS p
             WHERE p.platform = ?1 AND p.legacy_profile_id IS NOT NULL
               AND (?2 IS NULL OR taktik_icontains(p.username, ?2) OR taktik_icontains(p.display_name, ?2))
             ORDER BY p.legacy_profile_id DESC LIMIT ?3 OFFSET ?4`, tableCols('tiktok_profiles')],
}

// ---------------------------------------------------------------------------
// Arguments (src/query/args.rs): defaults only; arguments are assumed valid.
// ---------------------------------------------------------------------------

const DEFAULT_LIMIT = 50
/** @typedef {{ limit?: number | null, offset?: number | null }} Page */
const lim = (/** @type {Page} */ o) => (o.limit ?? DEFAULT_LIMIT)
const off = (/** @type {Page} */ o) => (o.offset ?? 0)
/** @type {<T>(v: T | undefined) => T | null} */
const opt = (v) => (v === undefined ? null : v)
const flag = (/** @type {boolean | null | undefined} */ v) => (v === undefined || v === null ? null : v ? 1 : 0)
/** args::search(): lowercased, empty means no filter. */
const needle = (/** @type {string | null | undefined} */ s) => {
  if (s === undefined || s === null) return null
  const l = s.toLowerCase()
  return l === '' ? null : l
}
/** args::instant(): Unix ms (numbers truncated) or an ISO text's instant. */
const instant = (/** @type {string | number | Date | null | undefined} */ v) => (v === undefined || v === null ? null : v instanceof Date ? v.getTime() : typeof v === 'number' ? Math.trunc(v) : epochMs(v))

// ---------------------------------------------------------------------------
// The service.
// ---------------------------------------------------------------------------

const DRIVERS = ['better-sqlite3', 'node:sqlite']

const LAYOUTS = ['legacy', 'unified']

/**
 * Opens `path` (readonly, must exist) with `driver` ('better-sqlite3' or
 * 'node:sqlite') and returns an object with the addon's Sync read methods (same
 * names and arguments, without the `Sync` suffix) plus close(). `layout` is the
 * file's layout ('legacy', the default, or 'unified': the SQL is written for
 * that layout's tables; see "Queries on the UNIFIED layout" above). `module`
 * is the directory of the better-sqlite3 package to load (default: the
 * devDependency).
 * @param {string} driver
 * @param {string} path
 * @param {{ layout?: string, module?: string }} [options]
 * @returns {Promise<Baseline>}
 */
export async function createBaseline(driver, path, { layout = 'legacy', module } = {}) {
  if (!LAYOUTS.includes(layout)) {
    throw new Error(`createBaseline: layout must be one of ${LAYOUTS.join(', ')}, got ${layout}`)
  }
  let conn
  if (driver === 'better-sqlite3') {
    /** @type {typeof import('better-sqlite3')} */
    const mod = module === undefined ? (await import('better-sqlite3')).default : createRequire(import.meta.url)(module)
    conn = openBetterSqlite3(mod, path)
  } else if (driver === 'node:sqlite') {
    const mod = await import('node:sqlite')
    conn = openNodeSqlite(mod, path)
  } else {
    throw new Error(`createBaseline: driver must be one of ${DRIVERS.join(', ')}, got ${driver}`)
  }

  // Statements, prepared once on first use.
  /** @type {Map<string, Prepared>} */
  const cache = new Map()
  /** @type {StatementCache} */
  const stmt = (key, build, ...a) => {
    let s = cache.get(key)
    if (s === undefined) {
      const [sql, cols] = build(...a)
      s = conn.prepare(sql, cols)
      cache.set(key, s)
    }
    return s
  }
  if (layout === 'unified') return unifiedService(driver, conn, cache, stmt)

  const igAccounts = () => stmt('ig.accounts', SQL.accounts, IG)
  const ttAccounts = () => stmt('tt.accounts', SQL.accounts, TT)
  const igSessions = () => stmt('ig.sessions', SQL.sessions, IG)
  const ttSessions = () => stmt('tt.sessions', SQL.sessions, TT)
  const igDaily = () => stmt('ig.daily', SQL.dailyStats, IG)
  const ttDaily = () => stmt('tt.daily', SQL.dailyStats, TT)
  const igInteractions = () => stmt('ig.interactions', SQL.interactions, IG)
  const ttInteractions = () => stmt('tt.interactions', SQL.interactions, TT)
  const igFiltered = () => stmt('ig.filtered', SQL.filtered, IG)
  const ttFiltered = () => stmt('tt.filtered', SQL.filtered, TT)

  /** @type {(s: Prepared, accountId: number, o: import('../index.js').SessionQuery) => any[]} */
  const sessions = (s, accountId, o) => s.all(accountId, opt(o.status), lim(o), off(o))
  /** @type {(s: Prepared, accountId: number | null, o: import('../index.js').InteractionQuery) => any[]} */
  const interactions = (s, accountId, o) => s.all(benchmarked(accountId), opt(o.type), opt(o.sessionId), opt(o.profileId),
    instant(o.since), instant(o.until), lim(o), off(o))
  /** @type {(s: Prepared, accountId: number, days: number | import('../index.js').DayRange) => any[]} */
  const daily = (s, accountId, days) => s.all(accountId, firstLocalDay(benchmarked(days)), days)

  let closed = false
  return {
    driver,
    getAccounts: () => igAccounts().all(),
    getTikTokAccounts: () => ttAccounts().all(),
    getSessions: (accountId, o = {}) => sessions(igSessions(), accountId, o ?? {}),
    getTikTokSessions: (accountId, o = {}) => sessions(ttSessions(), accountId, o ?? {}),
    getSessionStats: (sessionId) => stmt('sessionStats', SQL.sessionStats).get(sessionId),
    getDailyStats: (accountId, days) => daily(igDaily(), accountId, days),
    getTikTokDailyStats: (accountId, days) => daily(ttDaily(), accountId, days),
    getProfiles(accountId, o = {}) {
      o ??= {}
      const sortBy = o.sortBy ?? 'lastInteractionAt'
      const orderBy = SORTS[sortBy]
      if (orderBy === undefined) throw new Error(`getProfiles: unknown sortBy ${JSON.stringify(sortBy)}`)
      const dir = o.order !== undefined && o.order !== null && o.order.toLowerCase() === 'asc' ? 'ASC' : 'DESC'
      return stmt(`profiles.${sortBy}.${dir}`, SQL.profiles, orderBy, dir).all(accountId, needle(o.search),
        opt(o.minFollowers), opt(o.maxFollowers), flag(o.isPrivate), flag(o.isVerified), flag(o.isBusiness), lim(o), off(o))
    },
    countProfiles(accountId, o = {}) {
      o ??= {}
      return stmt('countProfiles', SQL.countProfiles).scalar(accountId, needle(o.search),
        opt(o.minFollowers), opt(o.maxFollowers), flag(o.isPrivate), flag(o.isVerified), flag(o.isBusiness))
    },
    getInteractions: (accountId, o = {}) => interactions(igInteractions(), accountId, o ?? {}),
    getTikTokInteractions: (accountId, o = {}) => interactions(ttInteractions(), accountId, o ?? {}),
    getFilteredProfiles: (accountId, o = {}) => igFiltered().all(accountId, lim(o ?? {}), off(o ?? {})),
    getTikTokFilteredProfiles: (accountId, o = {}) => ttFiltered().all(accountId, lim(o ?? {}), off(o ?? {})),
    getProfile(usernameOrId) {
      if (typeof usernameOrId === 'number') return stmt('profileById', SQL.profileById).get(usernameOrId)
      const name = rustTrim(usernameOrId).replace(/^@+/, '')
      // Exact match first (unique index), then a case-insensitive retry.
      return stmt('profileByName', SQL.profileByName).get(name) ??
        stmt('profileByNameNocase', SQL.profileByNameNocase).get(name)
    },
    getProfileStatsHistory: (profileId) => stmt('statsHistory', SQL.statsHistory).all(profileId),
    getPosts(o = {}) {
      o ??= {}
      return stmt('posts', SQL.posts).all(opt(o.profileId), opt(o.accountId), opt(o.status), lim(o), off(o))
    },
    getScrapingSessions(o = {}) {
      o ??= {}
      return stmt('scrapingSessions', SQL.scrapingSessions).all(opt(o.status), opt(o.scrapingType), lim(o), off(o))
    },
    getScrapingSession: (id) => stmt('scrapingSession', SQL.scrapingSession).get(id),
    getScrapedProfiles(scrapingId, o = {}) {
      o ??= {}
      return stmt('scrapedProfiles', SQL.scrapedProfiles).all(scrapingId, opt(o.minScore), o.qualifiedOnly ? 1 : 0, lim(o), off(o))
    },
    getScrapedComments(o = {}) {
      o ??= {}
      return stmt('scrapedComments', SQL.scrapedComments).all(opt(o.scrapingSessionId), opt(o.username),
        opt(o.targetUsername), lim(o), off(o))
    },
    getProcessedHashtagPosts(accountId, o = {}) {
      o ??= {}
      const hashtag = o.hashtag === undefined || o.hashtag === null ? null : o.hashtag.replace(/^#+/, '')
      return stmt('hashtagPosts', SQL.hashtagPosts).all(accountId, hashtag, lim(o), off(o))
    },
    getDiscoveryCampaigns: (accountId) => stmt('campaigns', SQL.campaigns).all(accountId ?? null),
    getDiscoveryProgress: (campaignId) => stmt('progress', SQL.progress).all(campaignId),
    getDiscoveredProfiles(campaignId, o = {}) {
      o ??= {}
      return stmt('discovered', SQL.discovered).all(campaignId, opt(o.status), opt(o.minScore), lim(o), off(o))
    },
    getTikTokProfiles(o = {}) {
      o ??= {}
      return stmt('tiktokProfiles', SQL.tiktokProfiles).all(needle(o.search), lim(o), off(o))
    },
    close() {
      if (closed) return
      closed = true
      cache.clear()
      conn.close()
    },
  }
}

/**
 * What the unified file does not keep: the addon answers NOT_IN_THIS_FILE.
 * @param {string} method
 * @returns {() => never}
 */
function notInThisFile(method) {
  return () => {
    throw Object.assign(new Error(`${method}: this file (unified layout) does not keep this table`), { code: 'NOT_IN_THIS_FILE' })
  }
}

/**
 * createBaseline() on a unified file: the same methods, SQL_UNIFIED's statements.
 * @param {string} driver
 * @param {Connection} conn
 * @param {Map<string, Prepared>} cache
 * @param {StatementCache} stmt
 * @returns {Baseline}
 */
function unifiedService(driver, conn, cache, stmt) {
  const IGP = IG.platform
  const TTP = TT.platform
  const igAccounts = () => stmt('ig.accounts', SQL_UNIFIED.accounts, IG)
  const ttAccounts = () => stmt('tt.accounts', SQL_UNIFIED.accounts, TT)
  const igSessions = () => stmt('ig.sessions', SQL_UNIFIED.sessions, IG)
  const ttSessions = () => stmt('tt.sessions', SQL_UNIFIED.sessions, TT)
  const igDaily = () => stmt('ig.daily', SQL_UNIFIED.dailyStats, IG)
  const ttDaily = () => stmt('tt.daily', SQL_UNIFIED.dailyStats, TT)
  const igInteractions = () => stmt('ig.interactions', SQL_UNIFIED.interactions, IG)
  const ttInteractions = () => stmt('tt.interactions', SQL_UNIFIED.interactions, TT)
  const igFiltered = () => stmt('ig.filtered', SQL_UNIFIED.filtered, IG)
  const ttFiltered = () => stmt('tt.filtered', SQL_UNIFIED.filtered, TT)

  /** @type {(s: Prepared, platform: string, accountId: number, o: import('../index.js').SessionQuery) => any[]} */
  const sessions = (s, platform, accountId, o) => s.all(platform, accountId, opt(o.status), lim(o), off(o))
  /** @type {(s: Prepared, platform: string, accountId: number | null, o: import('../index.js').InteractionQuery) => any[]} */
  const interactions = (s, platform, accountId, o) => s.all(platform, benchmarked(accountId), opt(o.type), opt(o.sessionId),
    opt(o.profileId), instant(o.since), instant(o.until), lim(o), off(o))
  /** @type {(s: Prepared, platform: string, accountId: number, days: number | import('../index.js').DayRange) => any[]} */
  const daily = (s, platform, accountId, days) => s.all(platform, accountId, firstLocalDay(benchmarked(days)), days)
  const group = stmt('groupIndex', SQL_UNIFIED.groupIndex).all().length > 0 ? 'profile_id' : '+profile_id'

  let closed = false
  return {
    driver,
    layout: 'unified',
    getAccounts: () => igAccounts().all(IGP),
    getTikTokAccounts: () => ttAccounts().all(TTP),
    getSessions: (accountId, o = {}) => sessions(igSessions(), IGP, accountId, o ?? {}),
    getTikTokSessions: (accountId, o = {}) => sessions(ttSessions(), TTP, accountId, o ?? {}),
    getSessionStats: (sessionId) => stmt('sessionStats', SQL_UNIFIED.sessionStats).get(IGP, sessionId),
    getDailyStats: (accountId, days) => daily(igDaily(), IGP, accountId, days),
    getTikTokDailyStats: (accountId, days) => daily(ttDaily(), TTP, accountId, days),
    getProfiles(accountId, o = {}) {
      o ??= {}
      const sortBy = o.sortBy ?? 'lastInteractionAt'
      const orderBy = SORTS_UNIFIED[sortBy]
      if (orderBy === undefined) throw new Error(`getProfiles: unknown sortBy ${JSON.stringify(sortBy)}`)
      const dir = o.order !== undefined && o.order !== null && o.order.toLowerCase() === 'asc' ? 'ASC' : 'DESC'
      return stmt(`profiles.${sortBy}.${dir}`, SQL_UNIFIED.profiles, orderBy, dir, group).all(IGP, accountId, needle(o.search),
        opt(o.minFollowers), opt(o.maxFollowers), flag(o.isPrivate), flag(o.isVerified), flag(o.isBusiness), lim(o), off(o))
    },
    countProfiles(accountId, o = {}) {
      o ??= {}
      return stmt('countProfiles', SQL_UNIFIED.countProfiles, group).scalar(IGP, accountId, needle(o.search),
        opt(o.minFollowers), opt(o.maxFollowers), flag(o.isPrivate), flag(o.isVerified), flag(o.isBusiness))
    },
    getInteractions: (accountId, o = {}) => interactions(igInteractions(), IGP, accountId, o ?? {}),
    getTikTokInteractions: (accountId, o = {}) => interactions(ttInteractions(), TTP, accountId, o ?? {}),
    getFilteredProfiles: (accountId, o = {}) => igFiltered().all(IGP, accountId, lim(o ?? {}), off(o ?? {})),
    getTikTokFilteredProfiles: (accountId, o = {}) => ttFiltered().all(TTP, accountId, lim(o ?? {}), off(o ?? {})),
    getProfile(usernameOrId) {
      if (typeof usernameOrId === 'number') return stmt('profileById', SQL_UNIFIED.profileById).get(IGP, usernameOrId)
      const name = rustTrim(usernameOrId).replace(/^@+/, '')
      return stmt('profileByName', SQL_UNIFIED.profileByName).get(IGP, name) ??
        stmt('profileByNameNocase', SQL_UNIFIED.profileByNameNocase).get(IGP, name)
    },
    getProfileStatsHistory: (profileId) => stmt('statsHistory', SQL_UNIFIED.statsHistory).all(profileId),
    getPosts: notInThisFile('getPosts'),
    getScrapingSessions(o = {}) {
      o ??= {}
      return stmt('scrapingSessions', SQL_UNIFIED.scrapingSessions).all(opt(o.status), opt(o.scrapingType), lim(o), off(o))
    },
    getScrapingSession: (id) => stmt('scrapingSession', SQL_UNIFIED.scrapingSession).get(id),
    getScrapedProfiles(scrapingId, o = {}) {
      o ??= {}
      return stmt('scrapedProfiles', SQL_UNIFIED.scrapedProfiles).all(scrapingId, opt(o.minScore), o.qualifiedOnly ? 1 : 0, lim(o), off(o))
    },
    getScrapedComments: notInThisFile('getScrapedComments'),
    getProcessedHashtagPosts(accountId, o = {}) {
      o ??= {}
      const hashtag = o.hashtag === undefined || o.hashtag === null ? null : o.hashtag.replace(/^#+/, '')
      return stmt('hashtagPosts', SQL_UNIFIED.hashtagPosts).all(accountId, hashtag, lim(o), off(o))
    },
    getDiscoveryCampaigns: notInThisFile('getDiscoveryCampaigns'),
    getDiscoveryProgress: notInThisFile('getDiscoveryProgress'),
    getDiscoveredProfiles: notInThisFile('getDiscoveredProfiles'),
    getTikTokProfiles(o = {}) {
      o ??= {}
      return stmt('tiktokProfiles', SQL_UNIFIED.tiktokProfiles).all(TTP, needle(o.search), lim(o), off(o))
    },
    close() {
      if (closed) return
      closed = true
      cache.clear()
      conn.close()
    },
  }
}

/** The read methods a unified file does not have (NOT_IN_THIS_FILE on both sides). */
export const NOT_IN_UNIFIED = ['getPosts', 'getScrapedComments', 'getDiscoveryCampaigns', 'getDiscoveryProgress',
  'getDiscoveredProfiles']

export const METHODS = /** @type {const} */ ([
  'getAccounts', 'getTikTokAccounts', 'getSessions', 'getSessionStats', 'getDailyStats', 'getProfiles',
  'countProfiles', 'getInteractions', 'getFilteredProfiles', 'getProfile', 'getProfileStatsHistory', 'getPosts',
  'getScrapingSessions', 'getScrapingSession', 'getScrapedProfiles', 'getScrapedComments',
  'getProcessedHashtagPosts', 'getDiscoveryCampaigns', 'getDiscoveryProgress', 'getDiscoveredProfiles',
  'getTikTokSessions', 'getTikTokDailyStats', 'getTikTokProfiles', 'getTikTokInteractions',
  'getTikTokFilteredProfiles',
])

// The day and timestamp rules, in the machine's zone and in UTC+14
// (Pacific/Kiritimati, see vitest.config.ts):
// - daily_stats / tiktok_daily_stats `date` is Python's LOCAL date (date.today());
// - `YYYY-MM-DD HH:MM:SS` (SQLite datetime('now')) is UTC;
// - `YYYY-MM-DDTHH:MM:SS[.ffffff]` (Python naive isoformat()) is LOCAL time;
// - `Z` / `±HH:MM` keep their instant.
// Rows are written by python3 (stdlib sqlite3, connected like the bot), which
// inherits this process's TZ, exactly as the bot shares the machine's zone.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../index.js'
import { PYTHON, py, tempDb } from './helpers'

const KIRITIMATI = 'Pacific/Kiritimati'

// Writes the rows below as python3 would, into the legacy tables or (argv[2] == 'unified') the
// unified ones, where each platform's rows carry the bot's own per-platform ids.
const WRITE = String.raw`
import json, sqlite3, sys
from datetime import date, datetime, timedelta, timezone

conn = sqlite3.connect(sys.argv[1], timeout=30.0, check_same_thread=False)
conn.row_factory = sqlite3.Row
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("PRAGMA foreign_keys=ON")
UNIFIED = sys.argv[2] == "unified"

def insert(sql, params=()):
    cur = conn.execute(sql, params)
    conn.commit()
    return cur.lastrowid

def scalar(sql, params=()):
    return conn.execute(sql, params).fetchone()[0]

def utc_ms(aware):
    u = aware.astimezone(timezone.utc)
    return u.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (u.microsecond // 1000)

# The two layouts' tables (legacy, unified) and how a row of each gets its id.
ACCOUNTS = {"instagram": "instagram_accounts", "tiktok": "tiktok_accounts"}
DAILY = {"instagram": "daily_stats", "tiktok": "tiktok_daily_stats"}
SESSIONS = {"instagram": "sessions", "tiktok": "tiktok_sessions"}

def add(legacy_table, unified_table, platform, id_col, values):
    """INSERT a row; returns its id as the bot uses it (unified: MAX(legacy_*) + 1 per platform)."""
    if not UNIFIED:
        cols = ", ".join(values)
        return insert(f"INSERT INTO {legacy_table} ({cols}) VALUES ({', '.join('?' * len(values))})", tuple(values.values()))
    values = {"platform": platform, **values}
    if id_col:
        values[id_col] = scalar(f"SELECT COALESCE(MAX({id_col}), 0) + 1 FROM {unified_table} WHERE platform = ?", (platform,))
    cols = ", ".join(values)
    rowid = insert(f"INSERT INTO {unified_table} ({cols}) VALUES ({', '.join('?' * len(values))})", tuple(values.values()))
    return values[id_col] if id_col else rowid

def session_where(platform):
    return ("sessions_unified", f"platform = '{platform}' AND legacy_session_id = ?") if UNIFIED else (SESSIONS[platform], "session_id = ?")

today = date.today()
yesterday = today - timedelta(days=1)
day_before = today - timedelta(days=2)
utc_now = datetime.now(timezone.utc)

acc = add("instagram_accounts", "accounts", "instagram", "legacy_account_id", {"username": "tz_bot"})
prof = add("instagram_profiles", "social_profiles", "instagram", "legacy_profile_id", {"username": "tz_target"})

# daily stats keyed by the LOCAL date, like the bot
def daily(platform, account, day, **counters):
    add(DAILY[platform], "daily_stats_unified", platform, None, {"account_id": account, "date": day.isoformat(), **counters})
daily("instagram", acc, today, total_likes=7, total_follows=3, total_sessions=1, completed_sessions=1, total_duration_seconds=90)
daily("instagram", acc, yesterday, total_likes=11, total_comments=2, total_sessions=1, failed_sessions=1, total_duration_seconds=30)
daily("instagram", acc, day_before, total_likes=99)

# a session: start_time from SQLite's datetime('now') (UTC text), end_time naive local isoformat()
def session(platform, account, **values):
    start = {"start_time": scalar("SELECT datetime('now')")} if UNIFIED else {}
    return add(SESSIONS[platform], "sessions_unified", platform, "legacy_session_id",
               {"account_id": account, "status": "ACTIVE", **start, **values})

def end_session(platform, session_id, duration):
    table, where = session_where(platform)
    now = datetime.now()
    conn.execute(f"UPDATE {table} SET status = 'COMPLETED', end_time = ?, duration_seconds = ? WHERE {where}",
                 (now.isoformat(), duration, session_id))
    conn.commit()
    return now.isoformat(), utc_ms(now.astimezone()), scalar(f"SELECT start_time FROM {table} WHERE {where}", (session_id,))

sid = session("instagram", acc, session_name="tz session", target_type="HASHTAG", target="tz")
session_end_raw, session_end_utc, session_start_raw = end_session("instagram", sid, 90)

# a scraping session ended the bot's way: naive local isoformat() (the same table on both layouts)
scr = insert("INSERT INTO scraping_sessions (account_id, scraping_type, source_type, source_name) "
             "VALUES (?, 'FOLLOWERS', 'ACCOUNT', 'tz_target')", (acc,))
now = datetime.now()
scraping_end_raw = now.isoformat()
scraping_end_utc = utc_ms(now.astimezone())
conn.execute("UPDATE scraping_sessions SET status = 'COMPLETED', end_time = ?, duration_seconds = 5 "
             "WHERE scraping_id = ?", (scraping_end_raw, scr))
conn.commit()
scraping_start_raw = scalar("SELECT start_time FROM scraping_sessions WHERE scraping_id = ?", (scr,))

# interactions in every shape around one instant (2026-02-10T13:03:22Z)
times = {
    "offset": "2026-02-10T15:03:22+02:00",
    "zulu": "2026-02-10T13:03:22Z",
    "sqliteBefore": "2026-02-10 13:03:21",
    "sqliteAfter": "2026-02-10 13:03:23",
    "naiveLocal": "2026-02-10T13:03:22",
}
interactions = {}
for label, raw in times.items():
    interactions[label] = add("interaction_history", "interactions", "instagram", None, {
        "session_id": sid, "account_id": acc, "profile_id": prof, "interaction_type": "LIKE",
        "interaction_time": raw, "success": 1})

# TikTok: daily rows on the local dates, a session ended with naive isoformat()
tacc = add("tiktok_accounts", "accounts", "tiktok", "legacy_account_id", {"username": "tz_tt"})
daily("tiktok", tacc, today, total_likes=5, total_favorites=2, total_posts_watched=40, total_sessions=1, completed_sessions=1, total_duration_seconds=60)
daily("tiktok", tacc, yesterday, total_likes=8, total_shares=1, total_sessions=1, failed_sessions=1)
daily("tiktok", tacc, day_before, total_likes=77)
tsid = session("tiktok", tacc, session_name="tz tt session", workflow_type="FOR_YOU", target="fyp")
tt_end_raw, tt_end_utc, tt_start_raw = end_session("tiktok", tsid, 60)
conn.close()

print(json.dumps({
    "today": today.isoformat(), "yesterday": yesterday.isoformat(), "dayBefore": day_before.isoformat(),
    "utcToday": utc_now.date().isoformat(), "utcHour": utc_now.hour,
    "offsetMinutes": int(datetime.now().astimezone().utcoffset().total_seconds() // 60),
    "accountId": acc, "profileId": prof, "sessionId": sid,
    "sessionStartRaw": session_start_raw, "sessionEndRaw": session_end_raw, "sessionEndUtc": session_end_utc,
    "scrapingId": scr, "scrapingStartRaw": scraping_start_raw,
    "scrapingEndRaw": scraping_end_raw, "scrapingEndUtc": scraping_end_utc,
    "interactions": interactions, "times": times,
    "tiktokAccountId": tacc, "tiktokSessionId": tsid, "tiktokStartRaw": tt_start_raw,
    "tiktokEndRaw": tt_end_raw, "tiktokEndUtc": tt_end_utc,
}))
`

type Label = 'offset' | 'zulu' | 'sqliteBefore' | 'sqliteAfter' | 'naiveLocal'
interface Written {
  today: string
  yesterday: string
  dayBefore: string
  utcToday: string
  utcHour: number
  offsetMinutes: number
  accountId: number
  profileId: number
  sessionId: number
  sessionStartRaw: string
  sessionEndRaw: string
  sessionEndUtc: string
  scrapingId: number
  scrapingStartRaw: string
  scrapingEndRaw: string
  scrapingEndUtc: string
  interactions: Record<Label, number>
  times: Record<Label, string>
  tiktokAccountId: number
  tiktokSessionId: number
  tiktokStartRaw: string
  tiktokEndRaw: string
  tiktokEndUtc: string
}

type Layout = 'legacy' | 'unified'
/**
 * A bootstrapped file with the rows above, written by python3 in this process's TZ: into the
 * legacy tables (the fixture's bootstrap), or into the unified ones (the schema the addon
 * creates with layout: 'unified', which is the current bot's own).
 */
function writeRows(layout: Layout = 'legacy'): { file: string; w: Written } {
  const file = tempDb()
  if (layout === 'legacy') py(['bootstrap', file])
  else openDatabase({ path: file, layout: 'unified' }).close()
  const out = execFileSync(PYTHON, ['-c', WRITE, file, layout], { encoding: 'utf8', env: process.env })
  const probe = openDatabase({ path: file, readonly: true })
  expect(probe.layout).toBe(layout)
  probe.close()
  return { file, w: JSON.parse(out) as Written }
}

function localDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

/**
 * Runs `fn` (which must only collect, not assert) and runs it once more if the
 * local date changed meanwhile, so a test started at 23:59:59 cannot flake.
 */
async function onStableDay<T>(fn: () => Promise<T>): Promise<T> {
  const before = localDate(new Date())
  const first = await fn()
  if (localDate(new Date()) === before) return first
  return fn()
}

const sqliteUtcToIso = (raw: string) => raw.replace(' ', 'T') + '.000Z'
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const INSTANT = '2026-02-10T13:03:22.000Z'
const INSTANT_MS = Date.UTC(2026, 1, 10, 13, 3, 22)

describe('the zone this project runs in', () => {
  it('is really the zone the project says (utc+14 cannot silently run in UTC)', ({ task }) => {
    const project = task.file.projectName
    expect(['machine-tz', 'utc+14']).toContain(project)
    const { w } = writeRows()
    // python3 sees the same zone as this process, hence as the addon
    expect(w.offsetMinutes).toBe(0 - new Date().getTimezoneOffset() || 0)
    // npm run test:windows sets the system zone and says which.
    const pinned = process.env.TAKTIK_TEST_ZONE
    if (pinned) expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(pinned)
    if (pinned === KIRITIMATI) expect(w.offsetMinutes).toBe(840)
    if (project === 'utc+14') {
      expect(process.env.TZ).toBe(KIRITIMATI)
      expect(new Date().getTimezoneOffset()).toBe(-840)
      expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(KIRITIMATI)
      expect(w.offsetMinutes).toBe(840)
    }
  })
})

describe.each(['legacy', 'unified'] as const)('daily stats follow the LOCAL date, as Python writes it (%s layout)', (layout) => {
  it('getDailyStats(accountId, 2) is [local yesterday, local today] with the right counters', async () => {
    const r = await onStableDay(async () => {
      const { file, w } = writeRows(layout)
      const db = openDatabase({ path: file })
      try {
        return {
          w,
          jsToday: localDate(new Date()),
          two: await db.getDailyStats(w.accountId, 2),
          twoSync: db.getDailyStatsSync(w.accountId, 2),
          three: await db.getDailyStats(w.accountId, 3),
          one: db.getDailyStatsSync(w.accountId, 1),
          utcNow: new Date(),
        }
      } finally {
        db.close()
      }
    })
    const { w } = r
    expect(r.jsToday).toBe(w.today)
    expect(r.two.map((d) => d.date)).toEqual([w.yesterday, w.today])
    expect(r.twoSync).toEqual(r.two)
    expect(r.two[1]).toEqual({
      date: w.today,
      totalLikes: 7,
      totalFollows: 3,
      totalUnfollows: 0,
      totalComments: 0,
      totalStoryViews: 0,
      totalStoryLikes: 0,
      totalProfileVisits: 0,
      totalSessions: 1,
      completedSessions: 1,
      failedSessions: 0,
      totalDurationSeconds: 90,
    })
    expect(r.two[0]).toEqual({
      date: w.yesterday,
      totalLikes: 11,
      totalFollows: 0,
      totalUnfollows: 0,
      totalComments: 2,
      totalStoryViews: 0,
      totalStoryLikes: 0,
      totalProfileVisits: 0,
      totalSessions: 1,
      completedSessions: 0,
      failedSessions: 1,
      totalDurationSeconds: 30,
    })
    expect(r.three.map((d) => [d.date, d.totalLikes])).toEqual([
      [w.dayBefore, 99],
      [w.yesterday, 11],
      [w.today, 7],
    ])
    expect(r.one.map((d) => [d.date, d.totalLikes])).toEqual([[w.today, 7]])
  })

  it('in UTC+14 the addon follows the local date, not the UTC date', async ({ task }) => {
    const r = await onStableDay(async () => {
      const { file, w } = writeRows(layout)
      const db = openDatabase({ path: file })
      try {
        return { w, days: await db.getDailyStats(w.accountId, 2), tt: await db.getTikTokDailyStats(w.tiktokAccountId, 2) }
      } finally {
        db.close()
      }
    })
    const { w } = r
    const utcDate = w.utcToday
    if (task.file.projectName === 'utc+14') {
      // UTC+14: from 10:00 UTC on, the local date is already tomorrow's UTC date.
      if (w.utcHour >= 10) {
        expect(w.today).not.toBe(utcDate)
        expect(w.yesterday).toBe(utcDate)
      } else {
        expect(w.today).toBe(utcDate)
      }
    }
    // Whatever the hour: today's slot is the local date and carries today's counters.
    expect(r.days[1]!.date).toBe(w.today)
    expect(r.days[1]!.totalLikes).toBe(7)
    expect(r.tt[1]!.date).toBe(w.today)
    expect(r.tt[1]!.totalLikes).toBe(5)
    if (w.today !== utcDate) {
      // A UTC-date reading would have ended the window on the UTC date (local yesterday).
      expect(r.days[1]!.date).not.toBe(utcDate)
      expect(r.tt[1]!.date).not.toBe(utcDate)
      expect(r.days.map((d) => [d.date, d.totalLikes])).toEqual([
        [w.yesterday, 11],
        [w.today, 7],
      ])
    }
  })

  it('getTikTokDailyStats follows the same local-day rule', async () => {
    const r = await onStableDay(async () => {
      const { file, w } = writeRows(layout)
      const db = openDatabase({ path: file })
      try {
        return {
          w,
          two: await db.getTikTokDailyStats(w.tiktokAccountId, 2),
          twoSync: db.getTikTokDailyStatsSync(w.tiktokAccountId, 2),
          three: await db.getTikTokDailyStats(w.tiktokAccountId, 3),
        }
      } finally {
        db.close()
      }
    })
    const { w } = r
    expect(r.two.map((d) => d.date)).toEqual([w.yesterday, w.today])
    expect(r.twoSync).toEqual(r.two)
    expect(r.two[1]).toEqual({
      date: w.today,
      totalLikes: 5,
      totalFollows: 0,
      totalFavorites: 2,
      totalComments: 0,
      totalShares: 0,
      totalProfileVisits: 0,
      totalPostsWatched: 40,
      totalSessions: 1,
      completedSessions: 1,
      failedSessions: 0,
      totalDurationSeconds: 60,
    })
    expect(r.two[0]).toEqual({
      date: w.yesterday,
      totalLikes: 8,
      totalFollows: 0,
      totalFavorites: 0,
      totalComments: 0,
      totalShares: 1,
      totalProfileVisits: 0,
      totalPostsWatched: 0,
      totalSessions: 1,
      completedSessions: 0,
      failedSessions: 1,
      totalDurationSeconds: 0,
    })
    expect(r.three.map((d) => [d.date, d.totalLikes])).toEqual([
      [w.dayBefore, 77],
      [w.yesterday, 8],
      [w.today, 5],
    ])
  })
})

describe.each(['legacy', 'unified'] as const)('timestamps come back as UTC instants (%s layout)', (layout) => {
  it('naive local isoformat() end times are local time; SQLite datetime(\'now\') start times are UTC', async () => {
    const { file, w } = writeRows(layout)
    const db = openDatabase({ path: file })
    try {
      const sessions = await db.getSessions(w.accountId)
      expect(sessions).toHaveLength(1)
      const s = sessions[0]!
      expect(w.sessionStartRaw).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
      expect(s.startTime).toBe(sqliteUtcToIso(w.sessionStartRaw))
      expect(w.sessionEndRaw).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/)
      expect(s.endTime).toMatch(ISO_MS)
      expect(s.endTime).toBe(w.sessionEndUtc)
      // JS reads a zone-less ISO date-time as local time too
      expect(s.endTime).toBe(new Date(w.sessionEndRaw).toISOString())
      // and the two are close (the session lasted no time at all)
      expect(Math.abs(Date.parse(s.endTime!) - Date.parse(s.startTime!))).toBeLessThan(60_000)

      const scr = await db.getScrapingSession(w.scrapingId)
      expect(scr).not.toBeNull()
      expect(scr!.startTime).toBe(sqliteUtcToIso(w.scrapingStartRaw))
      expect(scr!.endTime).toBe(w.scrapingEndUtc)
      expect(scr!.endTime).toBe(new Date(w.scrapingEndRaw).toISOString())
      expect(db.getScrapingSessionsSync().find((x) => x.scrapingId === w.scrapingId)?.endTime).toBe(w.scrapingEndUtc)

      const tt = await db.getTikTokSessions(w.tiktokAccountId)
      expect(tt).toHaveLength(1)
      expect(tt[0]!.startTime).toBe(sqliteUtcToIso(w.tiktokStartRaw))
      expect(tt[0]!.endTime).toBe(w.tiktokEndUtc)
      expect(tt[0]!.endTime).toBe(new Date(w.tiktokEndRaw).toISOString())
    } finally {
      db.close()
    }
  })

  it('interaction times with an offset or Z keep their instant; SQLite text is UTC; naive is local', async () => {
    const { file, w } = writeRows(layout)
    const db = openDatabase({ path: file })
    try {
      const rows = await db.getInteractions(w.accountId, { limit: 100 })
      expect(rows).toHaveLength(5)
      const byId = new Map(rows.map((r) => [r.id, r.interactionTime]))
      expect(byId.get(w.interactions.offset)).toBe(INSTANT)
      expect(byId.get(w.interactions.zulu)).toBe(INSTANT)
      expect(byId.get(w.interactions.sqliteBefore)).toBe('2026-02-10T13:03:21.000Z')
      expect(byId.get(w.interactions.sqliteAfter)).toBe('2026-02-10T13:03:23.000Z')
      expect(byId.get(w.interactions.naiveLocal)).toBe(new Date(w.times.naiveLocal).toISOString())
      expect(db.getInteractionsSync(w.accountId, { limit: 100 })).toEqual(rows)
    } finally {
      db.close()
    }
  })

  it('since/until (ISO with Z, with an offset, Unix ms) select by instant, whatever the zone', async () => {
    const { file, w } = writeRows(layout)
    const db = openDatabase({ path: file })
    try {
      const instants: [number, number][] = [
        [w.interactions.offset, INSTANT_MS],
        [w.interactions.zulu, INSTANT_MS],
        [w.interactions.sqliteBefore, INSTANT_MS - 1000],
        [w.interactions.sqliteAfter, INSTANT_MS + 1000],
        [w.interactions.naiveLocal, new Date(w.times.naiveLocal).getTime()],
      ]
      const expected = (since: number, until: number) =>
        instants
          .filter(([, ms]) => ms >= since && ms <= until)
          .map(([id]) => id)
          .sort((a, b) => a - b)
      const ids = async (since?: string | number, until?: string | number) => {
        const opts: { limit: number; since?: string | number; until?: string | number } = { limit: 100 }
        if (since !== undefined) opts.since = since
        if (until !== undefined) opts.until = until
        const a = (await db.getInteractions(w.accountId, opts)).map((r) => r.id).sort((x, y) => x - y)
        const s = db.getInteractionsSync(w.accountId, opts).map((r) => r.id).sort((x, y) => x - y)
        expect(s).toEqual(a)
        return a
      }
      const FAR_PAST = -8.64e15
      const FAR_FUTURE = 8.64e15

      // exactly the instant: both the +02:00 and the Z row (and the naive one only if local == UTC there)
      const exact = expected(INSTANT_MS, INSTANT_MS)
      expect(exact).toEqual(expect.arrayContaining([w.interactions.offset, w.interactions.zulu]))
      expect(await ids('2026-02-10T13:03:22Z', '2026-02-10T13:03:22Z')).toEqual(exact)
      expect(await ids('2026-02-10T13:03:22.000Z', '2026-02-10T13:03:22.000Z')).toEqual(exact)
      expect(await ids(INSTANT_MS, INSTANT_MS)).toEqual(exact)
      expect(await ids('2026-02-10T15:03:22+02:00', '2026-02-10T08:03:22-05:00')).toEqual(exact)

      // one millisecond either side excludes them
      expect(await ids('2026-02-10T13:03:22.001Z')).toEqual(expected(INSTANT_MS + 1, FAR_FUTURE))
      expect(await ids(INSTANT_MS + 1)).toEqual(expected(INSTANT_MS + 1, FAR_FUTURE))
      expect(await ids(undefined, '2026-02-10T13:03:21.999Z')).toEqual(expected(FAR_PAST, INSTANT_MS - 1))
      expect(await ids(undefined, INSTANT_MS - 1)).toEqual(expected(FAR_PAST, INSTANT_MS - 1))
      expect(await ids(INSTANT_MS + 1)).toContain(w.interactions.sqliteAfter)
      expect(await ids(undefined, INSTANT_MS - 1)).toContain(w.interactions.sqliteBefore)

      // open-ended on one side
      expect(await ids('2026-02-10T13:03:22Z')).toEqual(expected(INSTANT_MS, FAR_FUTURE))
      expect(await ids(undefined, INSTANT_MS)).toEqual(expected(FAR_PAST, INSTANT_MS))

      // a window around the naive-local row, wherever the zone puts it
      const naiveMs = new Date(w.times.naiveLocal).getTime()
      expect(await ids(naiveMs, naiveMs)).toEqual(expected(naiveMs, naiveMs))
      expect(await ids(new Date(naiveMs).toISOString(), new Date(naiveMs).toISOString())).toContain(
        w.interactions.naiveLocal,
      )

      // zone-less filter text follows the stored-value rules (and JS Date): 'T' = local, ' ' = UTC
      expect(await ids(w.times.naiveLocal, w.times.naiveLocal)).toEqual(expected(naiveMs, naiveMs))
      expect(await ids('2026-02-10 13:03:22', '2026-02-10 13:03:22')).toEqual(exact)
    } finally {
      db.close()
    }
  })
})

describe('DST fall-back overlap (America/New_York)', () => {
  // 01:30 happens twice on 2026-11-01 in New York (EDT 05:30Z, then EST 06:30Z).
  // A naive isoformat() value there is read as the earlier instant. Run in a
  // child process with TZ so the zone is certain whatever TZ this project uses;
  // on Windows TZ does not set a process's zone, so there it runs in this
  // process when the system zone is New York (npm run test:windows sets it).
  const NEW_YORK = 'America/New_York'
  const here = Intl.DateTimeFormat().resolvedOptions().timeZone === NEW_YORK
  it.runIf(process.platform !== 'win32' || here)('a naive local time in the repeated hour maps to the earlier instant', () => {
    const db = tempDb()
    py(['bootstrap', db])
    execFileSync(PYTHON, [
      '-c',
      [
        'import sqlite3, sys',
        'c = sqlite3.connect(sys.argv[1], timeout=30.0)',
        "c.execute(\"INSERT INTO instagram_accounts (username) VALUES ('dst_bot')\")",
        "c.execute(\"INSERT INTO instagram_profiles (username) VALUES ('dst_profile')\")",
        "c.execute(\"INSERT INTO interaction_history (account_id, profile_id, interaction_type, interaction_time) VALUES (1, 1, 'LIKE', '2026-11-01T01:30:00')\")",
        'c.commit()',
      ].join('\n'),
      db,
    ])
    if (process.platform === 'win32') {
      const t = openDatabase({ path: db, readonly: true })
      expect(t.getInteractionsSync(1)[0]!.interactionTime).toBe('2026-11-01T05:30:00.000Z')
      t.close()
      return
    }
    const script = `const t = require(${JSON.stringify(path.resolve(__dirname, '..', 'index.js'))});
      const db = t.openDatabase({ path: ${JSON.stringify(db)}, readonly: true });
      process.stdout.write(db.getInteractionsSync(1)[0].interactionTime)`
    const out = execFileSync(process.execPath, ['-e', script], {
      env: { ...process.env, TZ: NEW_YORK },
      encoding: 'utf8',
    })
    expect(out).toBe('2026-11-01T05:30:00.000Z')
  })
})

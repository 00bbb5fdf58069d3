#!/usr/bin/env python3
"""What a taktik-data.db holds, read with Python's stdlib sqlite3 only (for scripts/bot-check.mjs).

This is the independent side of the bot check: it reads the file's own tables with its own SQL
(not the addon's), so the addon's answers can be compared with it.

  facts.py schema    DB          sqlite_master (type, name, tbl_name, sql), sorted
  facts.py dashboard DB          the dashboard numbers, in the addon's field names (see below)
  facts.py integrity DB          PRAGMA integrity_check + foreign_key_check
  facts.py counts    DB          rows per table
  facts.py sql       DB SQL      rows of one read-only statement
  facts.py foreign   DB          creates another application's SQLite file (no TAKTIK table)
  facts.py same-rows A TA B TB [--subset]
                                 the rows of table TA of file A, found identical in table TB of file B:
                                 keyed by TA's integer primary key (else rowid), on TA's columns (type
                                 and value); --subset lets B hold more rows
  facts.py extras LEGACY EXTRAS  what an upgrade set aside: every row of LEGACY's tables the unified
                                 layout has no table for, in EXTRAS' table of the same name, and every
                                 non-NULL instagram_profiles.linked_accounts and
                                 scraping_sessions.discovery_campaign_id in an EXTRAS table with that
                                 column and the row's key

Every read opens the file with mode=ro. One JSON document on stdout.

Where each dataset is read (the contract's rule, shared/python-side/unified/README.md): the legacy
table while it is still a table, else the unified table (rows of one platform, `legacy_*` ids).
Timestamps are given as the addon documents them: ISO-8601 UTC with milliseconds; `YYYY-MM-DD
HH:MM:SS` is UTC, a naive `YYYY-MM-DDTHH:MM:SS[.ffffff]` is local time.
"""
import datetime as _dt
import json
import os
import re
import sqlite3
import sys

IG_COUNTERS = [("totalLikes", "total_likes"), ("totalFollows", "total_follows"),
               ("totalUnfollows", "total_unfollows"), ("totalComments", "total_comments"),
               ("totalStoryViews", "total_story_views"), ("totalStoryLikes", "total_story_likes"),
               ("totalProfileVisits", "total_profile_visits"), ("totalSessions", "total_sessions"),
               ("completedSessions", "completed_sessions"), ("failedSessions", "failed_sessions"),
               ("totalDurationSeconds", "total_duration_seconds")]
TT_COUNTERS = [("totalLikes", "total_likes"), ("totalFollows", "total_follows"),
               ("totalFavorites", "total_favorites"), ("totalComments", "total_comments"),
               ("totalShares", "total_shares"), ("totalProfileVisits", "total_profile_visits"),
               ("totalPostsWatched", "total_posts_watched"), ("totalSessions", "total_sessions"),
               ("completedSessions", "completed_sessions"), ("failedSessions", "failed_sessions"),
               ("totalDurationSeconds", "total_duration_seconds")]

_TS = re.compile(r"(\d{4}-\d{2}-\d{2})([ T])(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")


def iso(v):
    """A stored timestamp as the addon returns it (ISO-8601 UTC, milliseconds)."""
    if not isinstance(v, str):
        return v
    m = _TS.fullmatch(v.strip())
    if not m:
        return v
    t = _dt.datetime.strptime(m.group(1) + " " + m.group(3), "%Y-%m-%d %H:%M:%S")
    frac = m.group(4)
    if frac:
        t = t.replace(microsecond=int((frac[1:] + "000000")[:6]))
    zone = m.group(5)
    if zone == "Z":
        t = t.replace(tzinfo=_dt.timezone.utc)
    elif zone:
        sign = -1 if zone[0] == "-" else 1
        hh, mm = int(zone[1:3]), int(zone[-2:])
        t = t.replace(tzinfo=_dt.timezone(sign * _dt.timedelta(hours=hh, minutes=mm)))
    elif m.group(2) == "T":
        t = t.astimezone()  # naive ISO: local time
    else:
        t = t.replace(tzinfo=_dt.timezone.utc)
    u = t.astimezone(_dt.timezone.utc)
    return u.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (u.microsecond // 1000)


def flag(v):
    if v is None:
        return None
    if isinstance(v, (int, float)):
        return v != 0
    return str(v).strip().lower() in ("1", "true", "yes")


def connect(db):
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    c.row_factory = sqlite3.Row
    return c


class File:
    def __init__(self, db):
        self.c = connect(db)
        self.objects = {r["name"]: r["type"] for r in self.c.execute("SELECT type, name FROM sqlite_master")}

    def q(self, sql, *params):
        return [dict(r) for r in self.c.execute(sql, params)]

    def table(self, name):
        return self.objects.get(name) == "table"

    def cols(self, name):
        return {r["name"] for r in self.c.execute("SELECT name FROM pragma_table_info(?)", (name,))}

    # --- where each dataset lives -------------------------------------------------------------
    def accounts(self, platform):
        legacy = "instagram_accounts" if platform == "instagram" else "tiktok_accounts"
        unified = self.table("accounts") and "legacy_account_id" in self.cols("accounts")
        if self.table(legacy) and (not unified or self.q("SELECT 1 FROM %s LIMIT 1" % legacy)):
            return self.q("SELECT account_id, username FROM %s ORDER BY account_id" % legacy)
        if unified:
            return self.q("SELECT legacy_account_id AS account_id, username FROM accounts "
                          "WHERE platform = ? AND legacy_account_id IS NOT NULL ORDER BY legacy_account_id",
                          platform)
        return []

    def profiles_rel(self, platform):
        """(profile_id, username, followers_count) of one platform's profiles."""
        legacy = "instagram_profiles" if platform == "instagram" else "tiktok_profiles"
        if self.table(legacy):
            return "(SELECT profile_id, username, followers_count FROM %s)" % legacy
        return ("(SELECT legacy_profile_id AS profile_id, username, followers_count FROM social_profiles "
                "WHERE platform = '%s')" % platform)

    def sessions_rel(self, platform):
        legacy = "sessions" if platform == "instagram" else "tiktok_sessions"
        if self.table(legacy):
            return "(SELECT * FROM %s)" % legacy
        return ("(SELECT *, legacy_session_id AS session_id FROM sessions_unified WHERE platform = '%s' "
                "AND legacy_session_id IS NOT NULL)" % platform)

    def interactions_rel(self, platform):
        legacy = "interaction_history" if platform == "instagram" else "tiktok_interaction_history"
        if self.table(legacy):
            return "(SELECT * FROM %s)" % legacy
        return "(SELECT * FROM interactions WHERE platform = '%s')" % platform

    def daily_rel(self, platform):
        legacy = "daily_stats" if platform == "instagram" else "tiktok_daily_stats"
        if self.table(legacy):
            return "(SELECT * FROM %s)" % legacy
        return "(SELECT * FROM daily_stats_unified WHERE platform = '%s')" % platform

    def filtered_rel(self, platform):
        if platform == "tiktok" and self.table("tiktok_filtered_profiles"):
            return "(SELECT * FROM tiktok_filtered_profiles)"
        if "platform" in self.cols("filtered_profiles"):
            return "(SELECT * FROM filtered_profiles WHERE platform = '%s')" % platform
        return "(SELECT * FROM filtered_profiles)" if platform == "instagram" else None


def dashboard(db):
    f = File(db)
    out = {"today": _dt.date.today().isoformat()}
    out["accounts"] = [{"accountId": r["account_id"], "username": r["username"]} for r in f.accounts("instagram")]
    out["tiktokAccounts"] = [{"accountId": r["account_id"], "username": r["username"]}
                             for r in f.accounts("tiktok")]
    for key, platform, accs in (("", "instagram", out["accounts"]), ("tiktok", "tiktok", out["tiktokAccounts"])):
        k = (lambda s: key + s[0].upper() + s[1:]) if key else (lambda s: s)
        sessions, inter, daily, filt = {}, {}, {}, {}
        counters = IG_COUNTERS if platform == "instagram" else TT_COUNTERS
        prof = f.profiles_rel(platform)
        for a in accs:
            acc = a["accountId"]
            rows = f.q("SELECT * FROM %s WHERE account_id = ? ORDER BY session_id" % f.sessions_rel(platform), acc)
            sessions[str(acc)] = [session_row(r, platform) for r in rows]
            rows = f.q("SELECT i.*, p.username AS username FROM %s AS i LEFT JOIN %s AS p "
                       "ON p.profile_id = i.profile_id WHERE i.account_id = ?"
                       % (f.interactions_rel(platform), prof), acc)
            by_type = {}
            for r in rows:
                by_type[r["interaction_type"]] = by_type.get(r["interaction_type"], 0) + 1
            inter[str(acc)] = {"total": len(rows), "byType": dict(sorted(by_type.items())),
                               "rows": sorted([interaction_row(r, platform) for r in rows], key=json.dumps)}
            rows = f.q("SELECT * FROM %s WHERE account_id = ? ORDER BY date" % f.daily_rel(platform), acc)
            daily[str(acc)] = {r["date"]: {ak: (r[col] or 0) for ak, col in counters} for r in rows}
            rel = f.filtered_rel(platform)
            rows = f.q("SELECT * FROM %s WHERE account_id = ?" % rel, acc) if rel else []
            filt[str(acc)] = sorted([[r["profile_id"], r["username"], r["reason"], r["source_type"],
                                      r["source_name"], r["session_id"]] for r in rows], key=json.dumps)
        out[k("sessions")] = sessions
        out[k("interactions")] = inter
        out[k("dailyStats")] = daily
        out[k("filteredProfiles")] = filt
    # getSessionStats: totals of an Instagram session, counted from its interactions
    stats = {}
    rel = f.interactions_rel("instagram")
    for acc, rows in out["sessions"].items():
        for s in rows:
            sid = s["sessionId"]
            it = f.q("SELECT upper(interaction_type) AS t, success FROM %s WHERE session_id = ?" % rel, sid)
            n = lambda t: sum(1 for r in it if r["t"] == t)  # noqa: E731
            stats[str(sid)] = {"totalInteractions": len(it), "totalLikes": n("LIKE"), "totalFollows": n("FOLLOW"),
                               "totalUnfollows": n("UNFOLLOW"), "totalComments": n("COMMENT"),
                               "totalStoryViews": n("STORY_WATCH"), "totalStoryLikes": n("STORY_LIKE"),
                               "totalProfileVisits": n("PROFILE_VISIT"),
                               "successfulInteractions": sum(1 for r in it if flag(r["success"]))}
    out["sessionStats"] = stats
    # scraping
    out["scrapingSessions"] = [{
        "scrapingId": r["scraping_id"], "accountId": r["account_id"], "scrapingType": r["scraping_type"],
        "sourceType": r["source_type"], "sourceName": r["source_name"], "status": r["status"],
        "totalScraped": r["total_scraped"], "maxProfiles": r["max_profiles"], "startTime": iso(r["start_time"]),
        "endTime": iso(r["end_time"])} for r in f.q("SELECT * FROM scraping_sessions ORDER BY scraping_id")] \
        if f.table("scraping_sessions") else []
    scraped = {}
    if f.table("scraped_profiles"):
        has_platform = "platform" in f.cols("scraped_profiles")
        for s in out["scrapingSessions"]:
            rows = f.q("SELECT * FROM scraped_profiles WHERE scraping_id = ? ORDER BY id", s["scrapingId"])
            lst = []
            for r in rows:
                platform = r["platform"] if has_platform else "instagram"
                p = f.q("SELECT username, followers_count FROM %s WHERE profile_id = ?" % f.profiles_rel(platform),
                        r["profile_id"])
                p = p[0] if p else {"username": None, "followers_count": None}
                lst.append([r["profile_id"], p["username"], p["followers_count"], r["ai_score"],
                            flag(r["ai_qualified"])])
            scraped[str(s["scrapingId"])] = lst
    out["scrapedProfiles"] = scraped
    history = {}
    if f.table("profile_stats_history"):
        for r in f.q("SELECT * FROM profile_stats_history ORDER BY recorded_at, id"):
            history.setdefault(str(r["profile_id"]), []).append(
                [r["followers_count"], r["following_count"], r["posts_count"], flag(r["is_verified"]),
                 r["external_url"], iso(r["recorded_at"])])
    out["profileStatsHistory"] = history
    return out


def session_row(r, platform):
    row = {"sessionId": r["session_id"], "sessionName": r["session_name"], "target": r["target"],
           "status": r["status"], "durationSeconds": r["duration_seconds"], "errorMessage": r["error_message"],
           "startTime": iso(r["start_time"]), "endTime": iso(r["end_time"])}
    if platform == "tiktok":
        row["workflowType"] = r["workflow_type"]
        for k, col in (("likes", "likes"), ("follows", "follows"), ("favorites", "favorites"),
                       ("comments", "comments"), ("shares", "shares"), ("profilesVisited", "profiles_visited"),
                       ("postsWatched", "posts_watched"), ("errors", "errors")):
            row[k] = r[col]
    else:
        row["targetType"] = r["target_type"]
    return row


def interaction_row(r, platform):
    row = [r["interaction_type"], r["username"], flag(r["success"]), r["session_id"], r["content"],
           iso(r["interaction_time"])]
    if platform == "tiktok":
        row.append(r["video_id"])
    return row


def integrity(db):
    c = connect(db)
    try:
        ic = [r[0] for r in c.execute("PRAGMA integrity_check")]
        try:
            fk = [list(r) for r in c.execute("PRAGMA foreign_key_check")]
            fk_error = None
        except sqlite3.Error as e:  # a foreign key naming a dropped table (REPORT (f) 4)
            fk, fk_error = [], str(e)
        return {"ok": ic == ["ok"], "integrity": ic, "foreignKeyViolations": fk, "foreignKeyCheckError": fk_error}
    finally:
        c.close()


def foreign(db):
    c = sqlite3.connect(db)
    c.executescript("""
        CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT, created_at TEXT);
        CREATE TABLE tags (note_id INTEGER REFERENCES notes(id), tag TEXT);
        CREATE INDEX idx_tags_note ON tags(note_id);
        INSERT INTO notes (title, body, created_at) VALUES ('groceries', 'milk', '2026-01-01 10:00:00'),
                                                           ('todo', 'call mum', '2026-01-02 11:00:00');
        INSERT INTO tags VALUES (1, 'home'), (2, 'family');
    """)
    c.commit()
    c.close()
    return {"created": db}


def _key_column(c, table):
    pk = [r["name"] for r in c.execute("SELECT name, pk, type FROM pragma_table_info(?)", (table,))
          if r["pk"] == 1 and r["type"].upper() == "INTEGER"]
    return pk[0] if pk else "rowid"


def _typed(v):
    return [type(v).__name__, v.hex() if isinstance(v, bytes) else v]


def same_rows(a_db, a_table, b_db, b_table, subset=False, max_shown=10):
    """TA's rows (its columns) in TB, with the same key, type and value."""
    a, b = connect(a_db), connect(b_db)
    try:
        cols = [r["name"] for r in a.execute("SELECT name FROM pragma_table_info(?)", (a_table,))]
        b_cols = {r["name"] for r in b.execute("SELECT name FROM pragma_table_info(?)", (b_table,))}
        out = {"ok": False, "table": a_table, "in": b_table, "columns": len(cols), "missingColumns": [],
               "leftRows": 0, "rightRows": 0, "missing": [], "extra": [], "differing": [], "differingRows": 0}
        if not cols or not b_cols:
            out["error"] = "no table %s in %s" % (a_table if not cols else b_table, a_db if not cols else b_db)
            return out
        out["missingColumns"] = [c for c in cols if c not in b_cols]
        key = _key_column(a, a_table)
        shared = [c for c in cols if c in b_cols]
        sel = ", ".join('"%s"' % c for c in shared)
        left = {r[0]: r[1:] for r in a.execute('SELECT %s, %s FROM "%s"' % (key, sel, a_table))}
        right = {r[0]: r[1:] for r in b.execute('SELECT %s, %s FROM "%s"' % (key, sel, b_table))}
        out["leftRows"], out["rightRows"] = len(left), len(right)
        out["key"] = key
        for k, row in left.items():
            other = right.get(k)
            if other is None:
                if len(out["missing"]) < max_shown:
                    out["missing"].append(k)
                continue
            bad = [{"column": c, "left": _typed(x), "right": _typed(y)}
                   for c, x, y in zip(shared, row, other) if _typed(x) != _typed(y)]
            if bad:
                out["differingRows"] += 1
                if len(out["differing"]) < max_shown:
                    out["differing"].append({"key": k, "columns": bad})
        missing = sum(1 for k in left if k not in right)
        extra = [k for k in right if k not in left]
        out["missingRows"] = missing
        out["extraRows"] = len(extra)
        out["extra"] = extra[:max_shown]
        out["ok"] = (not out["missingColumns"] and not missing and not out["differingRows"]
                     and (subset or not extra))
        return out
    finally:
        a.close()
        b.close()


# The legacy tables the unified layout has no table for (the bot drops them; an upgrade sets them aside).
GONE = ["instagram_posts", "scraped_comments", "discovery_campaigns", "discovery_progress", "discovered_profiles",
        "discovery_interactions", "discovery_templates", "account_profiles"]
GONE_COLUMNS = [("instagram_profiles", "profile_id", "linked_accounts"),
                ("scraping_sessions", "scraping_id", "discovery_campaign_id")]


def extras(legacy_db, extras_db):
    """Whether EXTRAS holds what LEGACY has and the unified layout does not."""
    lf, ef = File(legacy_db), File(extras_db)
    problems, checked = [], []
    for t in GONE:
        n = lf.q('SELECT count(*) AS n FROM "%s"' % t)[0]["n"] if lf.table(t) else 0
        if not n:
            continue
        if not ef.table(t):
            problems.append("%s: %d legacy rows, no table %s in the extras file" % (t, n, t))
            continue
        r = same_rows(legacy_db, t, extras_db, t)
        checked.append({"what": t, "rows": n, "extrasRows": r["rightRows"]})
        if not r["ok"]:
            problems.append("%s: %s" % (t, json.dumps({k: r[k] for k in ("missingColumns", "leftRows", "rightRows",
                                                                       "missing", "extra", "differing")})))
    for table, key, col in GONE_COLUMNS:
        if not lf.table(table) or col not in lf.cols(table):
            continue
        want = {r[key]: r[col] for r in lf.q('SELECT %s, %s FROM "%s" WHERE %s IS NOT NULL' % (key, col, table, col))}
        if not want:
            continue
        homes = [t for t, kind in ef.objects.items() if kind == "table" and {key, col} <= ef.cols(t)]
        found = {}
        for h in homes:
            for r in ef.q('SELECT %s, %s FROM "%s"' % (key, col, h)):
                if r[key] in want and _typed(r[col]) == _typed(want[r[key]]):
                    found[r[key]] = h
        missing = [k for k in want if k not in found]
        checked.append({"what": "%s.%s" % (table, col), "rows": len(want), "in": sorted(set(found.values()))})
        if missing:
            problems.append("%s.%s: %d non-NULL legacy values, %d not in the extras file (%s %s; tables with "
                            "both columns: %s)" % (table, col, len(want), len(missing), key, missing[:10],
                                                   homes or "none"))
    return {"ok": not problems, "problems": problems, "checked": checked,
            "extrasTables": sorted(t for t, k in ef.objects.items() if k == "table")}


def main():
    cmd, db = sys.argv[1], os.path.abspath(sys.argv[2])
    if cmd == "schema":
        c = connect(db)
        out = [list(r) for r in c.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")]
    elif cmd == "dashboard":
        out = dashboard(db)
    elif cmd == "counts":
        c = connect(db)
        names = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {n: c.execute('SELECT count(*) FROM "%s"' % n.replace('"', '""')).fetchone()[0] for n in names}
    elif cmd == "integrity":
        out = integrity(db)
    elif cmd == "sql":
        out = [dict(r) for r in connect(db).execute(sys.argv[3])]
    elif cmd == "foreign":
        out = foreign(db)
    elif cmd == "same-rows":
        out = same_rows(db, sys.argv[3], os.path.abspath(sys.argv[4]), sys.argv[5], "--subset" in sys.argv[6:])
    elif cmd == "extras":
        out = extras(db, os.path.abspath(sys.argv[3]))
    else:
        raise SystemExit("unknown command " + cmd)
    print(json.dumps(out, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()

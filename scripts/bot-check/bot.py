#!/usr/bin/env python3
"""Runs the REAL TAKTIK bot, one revision, against one database file (for scripts/bot-check.mjs).

The bot's code is imported from a `git archive` tree of its repository (--tree); nothing of the bot
is copied into this repository. A "boot" is what every bot start does: constructing that revision's
`LocalDatabaseService(db_path)` (create_schema + migrations, ORM and repositories at later revisions).

  bot.py boot  --tree T --db F [--scrape]   one boot; with --scrape, then one scraping session
                                            (create + complete) through that revision's own methods
                                            (its service; when the boot fails, its standalone-bridge
                                            repository path, which writes without a boot)
  bot.py drive --tree T --db F --round N    one boot, then a round of the bot's normal writes through
                                            its own service/repository methods (a HEAD-era API)
  bot.py seed  --tree T --db F [--shape S]  a legacy file (66b6242f): one boot + that revision's write
                                            methods. --shape both (default): IG + TikTok accounts over two
                                            local days (the first with the clock the bot's modules see
                                            moved back one day); --shape ig: one Instagram account and
                                            every Instagram dataset of the legacy layout, including those
                                            the unified layout has no table for (posts, scraped comments,
                                            discovery, linked_accounts, discovery_campaign_id)

The last line on stdout is one JSON object: {ok, error, problems, ...}. `problems` lists every bot log
record at WARNING or above, and every DEBUG record that reports an error, logged while the step ran (the bot's repositories catch SQL errors and only log them). A write "succeeds" when it
raised nothing, returned what that method returns on success, and logged no problem.
Exit status: 0 when the JSON says ok, 1 otherwise.
"""
import argparse
import datetime as _dt
import importlib
import json
import logging
import os
import re
import sqlite3
import sys
import time
import traceback

RECORDS = []  # every log record of the bot since start: {level, no, name, message}
_ERRORISH = re.compile(r"\b(error|erreur|exception|failed|failure|échec|echec)\b", re.I)


def _problem(rec):
    # WARNING and above; below INFO (DEBUG, TRACE), a message about an error (the bot logs some
    # swallowed SQL errors at DEBUG). INFO messages are progress ("Session 2 FAILED" is data).
    return rec["no"] >= 30 or (rec["no"] < 20 and bool(_ERRORISH.search(rec["message"])))


def problems_since(mark):
    return ["%s %s: %s" % (r["level"], r["name"], r["message"]) for r in RECORDS[mark:] if _problem(r)]


class _StdlibCapture(logging.Handler):
    def emit(self, record):
        try:
            msg = record.getMessage()
        except Exception:  # noqa: BLE001
            msg = str(record.msg)
        RECORDS.append({"level": record.levelname, "no": record.levelno, "name": record.name,
                        "message": msg})


def load_service(tree):
    """Imports that revision's LocalDatabaseService the ordinary way (package __init__ files run)."""
    sys.path.insert(0, tree)
    for mod in ("taktik.core.database.local.service", "taktik.core.database.local_database"):
        rel = mod.replace(".", "/") + ".py"
        if os.path.exists(os.path.join(tree, rel)):
            m = importlib.import_module(mod)
            break
    else:
        raise RuntimeError("no LocalDatabaseService module in %s" % tree)
    # Capture the bot's logs: loguru (its main logger) and stdlib logging (taktik/__init__).
    from loguru import logger
    logger.remove()
    logger.add(lambda m: RECORDS.append({"level": m.record["level"].name, "no": m.record["level"].no,
                                         "name": m.record["name"] or "",
                                         "message": str(m.record["message"])}), level="DEBUG")
    logger.add(sys.stderr, level=os.environ.get("BOT_CHECK_LOG_LEVEL", "WARNING"))
    logging.getLogger().addHandler(_StdlibCapture(level=logging.WARNING))
    return m.LocalDatabaseService


def finished(out, op):
    """A round of writes' result: every op, the failed ones, and whether all went well."""
    out["ops"] = op.ops
    out["failed"] = op.failed()
    out["ok"] = out["error"] is None and not out["failed"] and not out.get("bootProblems")
    return out


def write_round(args, extra, writes):
    """Boot the bot's service on the file, run writes(args, svc, op, out) through it, close it."""
    out = {"ok": False, "error": None, "problems": [], **extra}
    svc = None
    op = Ops()
    try:
        LDS = load_service(args.tree)
        mark = len(RECORDS)
        svc = LDS(args.db)  # a boot
        out["bootProblems"] = problems_since(mark)
        writes(args, svc, op, out)
    except Exception as e:  # noqa: BLE001
        traceback.print_exc()
        out["error"] = "%s: %s" % (type(e).__name__, e)
    finally:
        close_service(svc)
    return finished(out, op)


def close_service(svc):
    """The bot's own close() where it has one, else its connection (and ORM engine)."""
    if svc is None:
        return
    if hasattr(svc, "close"):
        try:
            svc.close()
            return
        except Exception:  # noqa: BLE001
            pass
    for attr in ("_connection", "connection", "conn"):
        c = getattr(svc, attr, None)
        if c is not None and hasattr(c, "close"):
            try:
                c.close()
            except Exception:  # noqa: BLE001
                pass
    eng = getattr(svc, "_orm_engine", None)
    if eng is not None:
        try:
            eng.dispose()
        except Exception:  # noqa: BLE001
            pass


def schema(db):
    """sqlite_master (type, name, tbl_name, sql), sorted; read-only."""
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return [list(r) for r in c.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")]
    finally:
        c.close()


class Ops:
    """Runs the bot's write methods one by one and judges each."""

    def __init__(self):
        self.ops = []

    def __call__(self, name, expect, fn, *a, **k):
        mark = len(RECORDS)
        err = None
        ret = None
        try:
            ret = fn(*a, **k)
        except Exception as e:  # noqa: BLE001
            err = "%s: %s" % (type(e).__name__, e)
        probs = problems_since(mark)
        ok = err is None and not probs and _expected(expect, ret)
        self.ops.append({"call": name, "returned": _jsonable(ret), "ok": ok, "error": err,
                         "problems": probs})
        return ret

    def failed(self):
        return [o for o in self.ops if not o["ok"]]


def _expected(expect, ret):
    if expect == "id":       # a new row's id
        return isinstance(ret, int) and not isinstance(ret, bool) and ret > 0
    if expect == "pair":     # (id, created)
        return isinstance(ret, (tuple, list)) and len(ret) == 2 and isinstance(ret[0], int) and ret[0] > 0
    if expect == "true":
        return ret is True
    if expect == "truthy":
        return bool(ret)
    if expect == "none":     # methods that return None on success
        return ret is None
    raise ValueError(expect)


def _jsonable(v):
    try:
        json.dumps(v)
        return v
    except TypeError:
        return repr(v)


def boot(args):
    out = {"ok": False, "error": None, "problems": [], "schemaBefore": schema(args.db)
           if os.path.exists(args.db) else []}
    svc = None
    try:
        LDS = load_service(args.tree)
        mark = len(RECORDS)
        t0 = time.time()
        svc = LDS(args.db)
        out["bootMs"] = round((time.time() - t0) * 1000)
        out["problems"] = problems_since(mark)
        out["ok"] = not out["problems"]
        if args.scrape:
            op = Ops()
            sid = op("create_scraping_session", "id", svc.create_scraping_session, "followers", "TARGET",
                     "@botcheck_target", max_profiles=5, config={"limit": 5})
            if sid:
                op("complete_scraping_session", "true", svc.complete_scraping_session, sid, 0)
            out["scrape"] = scrape_result(op, sid, "LocalDatabaseService")
            out["ok"] = out["ok"] and out["scrape"]["ok"]
    except Exception as e:  # noqa: BLE001
        traceback.print_exc()
        out["error"] = "%s: %s" % (type(e).__name__, e)
        out["ok"] = False
    finally:
        close_service(svc)
    if args.scrape and "scrape" not in out and "taktik" in sys.modules:
        # The revision cannot boot on this file: write the scraping session the way its standalone
        # bridges do, without a boot (repositories/_factory.py: a plain sqlite3 connection).
        out["scrape"] = bridge_scrape(args.db)
    out["schemaAfter"] = schema(args.db) if os.path.exists(args.db) else []
    return out


def scrape_result(op, sid, via):
    bad = op.failed()
    return {"scrapingId": sid, "via": via, "ok": not bad, "error": (bad[0]["error"] or "; ".join(bad[0]["problems"])
                                                                    or "returned %r" % bad[0]["returned"]) if bad else None,
            "ops": op.ops}


def bridge_scrape(db):
    op = Ops()
    sid = None
    try:
        from taktik.core.database.repositories._factory import get_repository
        from taktik.core.database.repositories.instagram.session.session_repository import SessionRepository
    except ImportError as e:
        return {"scrapingId": None, "via": "bridge", "ok": False, "error": "ImportError: %s" % e, "ops": []}
    repo = get_repository(SessionRepository, db)
    try:
        sid = op("SessionRepository.create_scraping", "id", repo.create_scraping, scraping_type="followers",
                 source_type="TARGET", source_name="@botcheck_target", max_profiles=5)
        if sid:
            op("SessionRepository.update_scraping", "true", repo.update_scraping, scraping_id=sid, total_scraped=0,
               status="COMPLETED", duration_seconds=0,
               end_time=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"))
    finally:
        repo.conn.close()
    return scrape_result(op, sid, "bridge repository (no boot)")


def drive(args):
    """One round of HEAD's normal writes (drive_head.py's set), through its own methods."""
    return write_round(args, {"round": args.round}, _drive_writes)


def _drive_writes(args, svc, op, out):
    rnd = args.round
    p = "r%d_" % rnd
    ids = {}
    # accounts (the same two every round)
    ig = op("get_or_create_account", "pair", svc.get_or_create_account, "ig_check_bot")
    acc = ig[0] if ig else None
    op("get_or_create_account(again)", "pair", svc.get_or_create_account, "ig_check_bot")
    tt = op("get_or_create_tiktok_account", "pair", svc.get_or_create_tiktok_account, "tt_check_bot",
            display_name="TT Check")
    tacc = tt[0] if tt else None
    ids.update(igAccountId=acc, ttAccountId=tacc)

    # Instagram session 1 with interactions (one failed, one lower-case type, types without a counter)
    s1 = op("create_session", "id", svc.create_session, acc, p + "ig session 1", "TARGET", p + "target",
            config_used={"session_settings": {"workflow_type": "target_followers"}, "apiKey": "sk-x"})
    for target, itype, kw in [
        ("alice", "LIKE", {}),
        ("alice", "follow", {}),
        ("bob", "COMMENT", {"content": "nice post"}),
        ("bob", "STORY_WATCH", {}),
        ("bob", "STORY_LIKE", {}),
        ("carl", "PROFILE_VISIT", {}),
        ("carl", "COMMENT_LIKE", {}),
        ("carl", "STORY_REACTION", {}),
        ("dan", "LIKE", {"success": False}),
    ]:
        op("record_interaction(%s)" % itype, "true", svc.record_interaction, acc, p + target, itype,
           session_id=s1, **kw)
    # outside any session; in round 1 also one old interaction (for pruneHistory)
    op("record_interaction(no session)", "true", svc.record_interaction, acc, p + "erin", "LIKE")
    if rnd == 1:
        op("record_interaction(2020)", "true", svc.record_interaction, acc, p + "frank", "UNFOLLOW",
           interaction_time="2020-01-02 03:04:05")
    saved = op("save_profile", "truthy", svc.save_profile, {
        "username": p + "alice", "full_name": "Alice %d" % rnd, "followers_count": 300 + rnd,
        "following_count": 12, "posts_count": 7, "biography": "bio", "is_verified": True,
        "external_url": "https://example.invalid/%d" % rnd})
    ids["aliceProfileId"] = saved.get("profile_id") if isinstance(saved, dict) else None
    time.sleep(1.1)
    op("finalize_session(COMPLETED)", "true", svc.finalize_session, s1, "COMPLETED", duration_seconds=61,
       posts_engaged=4)
    # session 2 (two interactions, ends in ERROR) and 3 (FAILED through update_session)
    s2 = op("create_session", "id", svc.create_session, acc, p + "ig session 2", "HASHTAG", "#check")
    op("record_interaction(LIKE)", "true", svc.record_interaction, acc, p + "gina", "LIKE", session_id=s2)
    op("record_interaction(FOLLOW)", "true", svc.record_interaction, acc, p + "gina", "FOLLOW", session_id=s2)
    op("finalize_session(ERROR)", "true", svc.finalize_session, s2, "ERROR", duration_seconds=5,
       error_message="boom")
    s3 = op("create_session", "id", svc.create_session, acc, p + "ig session 3", "TARGET", "x")
    op("update_session(FAILED)", "true", svc.update_session, s3, status="FAILED", duration_seconds=3,
       end_time="2026-01-01 00:00:00")
    ids["igSessionIds"] = [s1, s2, s3]

    # TikTok session with interactions (one failed, one type without a counter)
    ts = op("create_tiktok_session", "id", svc.create_tiktok_session, tacc, p + "tt session", "FOR_YOU",
            target=None, config_used={"max_likes": 3, "token": "t0k"})
    for target, itype, kw in [
        ("zoe", "LIKE", {"video_id": "7300000000000000001"}),
        ("zoe", "follow", {}),
        ("yan", "FAVORITE", {"video_id": "7300000000000000002"}),
        ("yan", "COMMENT", {"content": "wow"}),
        ("yan", "SHARE", {}),
        ("xia", "PROFILE_VISIT", {}),
        ("xia", "POST_WATCH", {}),
        ("xia", "STORY_WATCH", {}),
        ("wu", "LIKE", {"success": False}),
    ]:
        op("record_tiktok_interaction(%s)" % itype, "true", svc.record_tiktok_interaction, tacc,
           "tt_" + p + target, itype, session_id=ts, **kw)
    time.sleep(1.1)
    op("end_tiktok_session", "true", svc.end_tiktok_session, ts, status="COMPLETED",
       stats={"likes": 1, "follows": 1, "favorites": 1, "comments": 1, "shares": 1,
              "profiles_visited": 1, "posts_watched": 1, "errors": 1})
    ids["ttSessionId"] = ts

    # filtered profiles: the same two names every round (re-filter = upsert), one TikTok
    op("record_filtered_profile", "true", svc.record_filtered_profile, acc, "chk_filtered",
       "private_account", "TARGET", p + "target", session_id=s1)
    time.sleep(1.1)
    op("record_filtered_profile(again)", "true", svc.record_filtered_profile, acc, "chk_filtered",
       "too_many_followers", "HASHTAG", "#check", session_id=s2)
    op("record_filtered_profile(2)", "true", svc.record_filtered_profile, acc, "chk_filtered2",
       "low_followers", "TARGET", p + "target", session_id=s1)
    op("record_tiktok_filtered_profile", "true", svc.record_tiktok_filtered_profile, tacc,
       "tt_chk_filtered", "low_followers", "FOR_YOU", "feed", session_id=ts)

    # Instagram scraping: a session, a scraped profile with an AI score, completed; one cancelled
    scr = op("create_scraping_session", "id", svc.create_scraping_session, "followers", "TARGET",
             "@" + p + "target", max_profiles=10, account_id=acc, config={"limit": 10, "api_key": "k"})
    pid = op("get_or_create_profile", "pair", svc.get_or_create_profile,
             {"username": p + "scraped", "followers_count": 42})
    pid = pid[0] if pid else None
    op("link_profile_to_session", "true", svc.link_profile_to_session, scr, pid,
       source_post_url="https://www.instagram.com/p/CHECK%d/" % rnd)
    op("update_scraped_profile_ai", "true", svc.update_scraped_profile_ai, scr, pid, 81, True,
       "fits the niche")
    op("update_scraping_session_count", "true", svc.update_scraping_session_count, scr, 1)
    time.sleep(1.1)
    op("complete_scraping_session", "true", svc.complete_scraping_session, scr, 1)
    scr2 = op("create_scraping_session", "id", svc.create_scraping_session, "likers", "POST_URL",
              "https://x/p/%d" % rnd)
    op("cancel_scraping_session", "true", svc.cancel_scraping_session, scr2, 0)
    ids.update(igScrapingIds=[scr, scr2], scrapedProfileId=pid)

    # TikTok scraping, the bridge's path (bridges/tiktok/scraping/runtime/persistence.py)
    from taktik.core.database.repositories.instagram.session.session_repository import SessionRepository
    from taktik.core.database.repositories.tiktok.tiktok_repository import TikTokRepository
    conn = svc._get_connection()
    srepo, trepo = SessionRepository(conn), TikTokRepository(conn)
    tscr = op("SessionRepository.create_scraping", "id", srepo.create_scraping, scraping_type="FOLLOWERS",
              source_type="FOLLOWERS", source_name="tt_" + p + "zoe", platform="tiktok")
    op("TikTokRepository.save_scraped_profile", "none", trepo.save_scraped_profile, tscr,
       {"username": "tt_" + p + "scraped", "followers_count": 9, "posts_count": 2, "bio": "hi",
        "is_enriched": True})
    op("SessionRepository.update_scraping", "true", srepo.update_scraping, scraping_id=tscr,
       total_scraped=1, status="COMPLETED", duration_seconds=2, end_time=_dt.datetime.now().isoformat())
    ids["ttScrapingId"] = tscr

    # processed hashtag posts
    op("record_processed_hashtag_post", "true", svc.record_processed_hashtag_post, acc, "#CheckTag",
       p + "author", post_caption_hash="abc%d" % rnd, post_caption_preview="caption " * 20,
       likes_count=100, comments_count=5, likers_processed=10, interactions_made=3)
    op("record_processed_hashtag_post(again)", "true", svc.record_processed_hashtag_post, acc, "checktag",
       p + "author", post_caption_hash="abc%d" % rnd, likers_processed=11)
    out["ids"] = ids


class _ShiftedClock:
    """Moves `datetime.now()` back one day in the bot's modules (the local date its daily stats use)."""

    def __enter__(self):
        real = _dt.datetime

        class Yesterday(real):
            @classmethod
            def now(cls, tz=None):
                return real.now(tz) - _dt.timedelta(days=1)

        self.patched = []
        for m in list(sys.modules.values()):
            if m is not None and getattr(m, "__name__", "").startswith("taktik") \
                    and getattr(m, "datetime", None) is real:
                setattr(m, "datetime", Yesterday)
                self.patched.append(m)
        return self

    def __exit__(self, *exc):
        for m in self.patched:
            m.datetime = _dt.datetime


def seed(args):
    """A legacy file written by 66b6242f's own write methods (--shape both: two local days)."""
    return write_round(args, {"shape": args.shape}, _seed_ig_writes if args.shape == "ig" else _seed_writes)


def _seed_writes(args, svc, op, out):
    today = _dt.date.today()
    out["days"] = [(today - _dt.timedelta(days=1)).isoformat(), today.isoformat()]
    acc = op("get_or_create_account", "pair", svc.get_or_create_account, "ig_seed_bot")[0]
    tacc = op("get_or_create_tiktok_account", "pair", svc.get_or_create_tiktok_account, "tt_seed_bot",
              display_name="TT Seed")[0]
    op("save_profile(bob)", "truthy", svc.save_profile, {"username": "seed_bob"})
    with _ShiftedClock() as clock:  # day 1 = yesterday
        out["clockPatchedModules"] = len(clock.patched)
        s1 = op("create_session", "id", svc.create_session, acc, "seed session 1", "TARGET", "seed_target",
                config_used={"max_likes": 3})
        for target, itype, kw in [("seed_alice", "LIKE", {}), ("seed_bob", "FOLLOW", {}),
                                  ("seed_alice", "STORY_WATCH", {}), ("seed_dan", "LIKE", {"success": False})]:
            op("record_interaction(%s)" % itype, "true", svc.record_interaction, acc, target, itype,
               session_id=s1, **kw)
        op("update_session(COMPLETED)", "true", svc.update_session, s1, status="COMPLETED",
           end_time="2026-02-10 21:00:00", duration_seconds=95)
        op("record_filtered_profile", "true", svc.record_filtered_profile, acc, "seed_carol",
           "private_account", "TARGET", "seed_target", session_id=s1)
        ts1 = op("create_tiktok_session", "id", svc.create_tiktok_session, tacc, "tt seed session 1", "FOR_YOU",
                 target=None, config_used={"max_likes": 1})
        op("record_tiktok_interaction(LIKE)", "true", svc.record_tiktok_interaction, tacc, "tt_seed_erin",
           "LIKE", video_id="v123", session_id=ts1)
        op("record_tiktok_interaction(FOLLOW)", "true", svc.record_tiktok_interaction, tacc, "tt_seed_erin",
           "FOLLOW", session_id=ts1)
        op("end_tiktok_session", "true", svc.end_tiktok_session, ts1, stats={"likes": 1, "follows": 1})
    # day 2 = today
    s2 = op("create_session", "id", svc.create_session, acc, "seed session 2", "HASHTAG", "#seed")
    for target, itype, kw in [("seed_bob", "COMMENT", {"content": "great"}), ("seed_alice", "PROFILE_VISIT", {}),
                              ("seed_bob", "UNFOLLOW", {}), ("seed_alice", "STORY_LIKE", {})]:
        op("record_interaction(%s)" % itype, "true", svc.record_interaction, acc, target, itype,
           session_id=s2, **kw)
    op("record_interaction(no session)", "true", svc.record_interaction, acc, "seed_erin", "LIKE")
    op("update_session(FAILED)", "true", svc.update_session, s2, status="FAILED",
       end_time="2026-02-11 09:00:00", duration_seconds=12, error_message="seed failure")
    op("record_filtered_profile", "true", svc.record_filtered_profile, acc, "seed_gus", "low_followers",
       "HASHTAG", "#seed", session_id=s2)
    scr = op("create_scraping_session", "id", svc.create_scraping_session, "followers", "TARGET",
             "@seed_target", max_profiles=10, account_id=acc, config={"limit": 10})
    pid = op("get_or_create_profile", "pair", svc.get_or_create_profile,
             {"username": "seed_dave", "followers_count": 5})[0]
    op("link_profile_to_session", "true", svc.link_profile_to_session, scr, pid)
    op("discovery.update_ai_scores", "truthy", svc.discovery.update_ai_scores, scr,
       [{"profile_id": pid, "ai_score": 77, "ai_qualified": True, "ai_analysis": "fits"}], "seed criteria")
    op("complete_scraping_session", "true", svc.complete_scraping_session, scr, 1)
    op("record_processed_hashtag_post", "true", svc.record_processed_hashtag_post, acc, "#seedtag",
       "seed_alice", "hash1", "caption", 10, 2, 3, 1)
    op("get_or_create_tiktok_profile", "pair", svc.get_or_create_tiktok_profile,
       {"username": "tt_seed_erin", "followers_count": 50, "display_name": "Erin"})
    ts2 = op("create_tiktok_session", "id", svc.create_tiktok_session, tacc, "tt seed session 2", "FOR_YOU",
             target=None)
    op("record_tiktok_interaction(FAVORITE)", "true", svc.record_tiktok_interaction, tacc, "tt_seed_fay",
       "FAVORITE", video_id="v456", session_id=ts2)
    op("record_tiktok_interaction(COMMENT)", "true", svc.record_tiktok_interaction, tacc, "tt_seed_fay",
       "COMMENT", content="lol", session_id=ts2)
    op("record_tiktok_filtered_profile", "true", svc.record_tiktok_filtered_profile, tacc, "tt_seed_frank",
       "low_followers", "FOR_YOU", "feed", session_id=ts2)
    op("end_tiktok_session", "true", svc.end_tiktok_session, ts2, status="COMPLETED",
       stats={"favorites": 1, "comments": 1, "posts_watched": 3})
    out["ids"] = {"igAccountId": acc, "ttAccountId": tacc, "igSessionIds": [s1, s2],
                  "ttSessionIds": [ts1, ts2], "scrapingId": scr, "scrapedProfileId": pid}


def _seed_ig_writes(args, svc, op, out):
    """One Instagram account and every Instagram dataset of the legacy layout, through 66b6242f's own
    methods where it has a working one. The other rows go in with SQL on the bot's own connection:
    discovered_profiles (its discovery workflow's INSERT), instagram_posts and
    instagram_profiles.linked_accounts (no bot writer: the desktop's), profile_stats_history and
    discovery_campaigns (its writers name columns its own schema lacks)."""
    acc = op("get_or_create_account", "pair", svc.get_or_create_account, "ig_solo_bot")[0]
    s1 = op("create_session", "id", svc.create_session, acc, "solo session 1", "TARGET", "solo_target",
            config_used={"max_likes": 5, "filters": {"min_followers": 10}})
    for target, itype, kw in [("solo_alice", "LIKE", {}), ("solo_alice", "FOLLOW", {}),
                              ("solo_bob", "COMMENT", {"content": "très bien 👍"}),
                              ("solo_bob", "STORY_WATCH", {}), ("solo_bob", "STORY_LIKE", {}),
                              ("solo_carl", "PROFILE_VISIT", {}), ("solo_carl", "unfollow", {}),
                              ("solo_dan", "LIKE", {"success": False})]:
        op("record_interaction(%s)" % itype, "true", svc.record_interaction, acc, target, itype,
           session_id=s1, **kw)
    op("update_session(COMPLETED)", "true", svc.update_session, s1, status="COMPLETED",
       end_time="2026-02-10 21:00:00", duration_seconds=95)
    s2 = op("create_session", "id", svc.create_session, acc, "solo session 2", "HASHTAG", "#solo")
    op("record_interaction(LIKE)", "true", svc.record_interaction, acc, "solo_erin", "LIKE", session_id=s2)
    op("update_session(ERROR)", "true", svc.update_session, s2, status="ERROR",
       end_time="2026-02-11 09:00:00", duration_seconds=12, error_message="solo failure")
    s3 = op("create_session", "id", svc.create_session, acc, "solo session 3 (still active)", "FEED", "feed")
    op("record_interaction(no session)", "true", svc.record_interaction, acc, "solo_fay", "LIKE")
    op("record_filtered_profile", "true", svc.record_filtered_profile, acc, "solo_gus", "private_account",
       "TARGET", "solo_target", session_id=s1)
    op("record_filtered_profile(2)", "true", svc.record_filtered_profile, acc, "solo_hal", "low_followers",
       "HASHTAG", "#solo", session_id=s2)
    alice = op("get_or_create_profile(alice)", "pair", svc.get_or_create_profile, {
        "username": "solo_alice", "full_name": "Alice Solo", "followers_count": 300, "following_count": 12,
        "posts_count": 7, "biography": "bio", "is_verified": True, "website": "https://example.invalid/a"})
    alice_id = alice[0] if alice else None
    # scraping: completed with an AI-scored profile; one cancelled
    scr = op("create_scraping_session", "id", svc.create_scraping_session, "followers", "TARGET",
             "@solo_target", max_profiles=10, account_id=acc, config={"limit": 10})
    pid = op("get_or_create_profile", "pair", svc.get_or_create_profile,
             {"username": "solo_scraped", "followers_count": 42})[0]
    op("link_profile_to_session", "true", svc.link_profile_to_session, scr, pid)
    op("discovery.update_ai_scores", "truthy", svc.discovery.update_ai_scores, scr,
       [{"profile_id": pid, "ai_score": 77, "ai_qualified": True, "ai_analysis": "fits"}], "solo criteria")
    op("complete_scraping_session", "true", svc.complete_scraping_session, scr, 1)
    scr2 = op("create_scraping_session", "id", svc.create_scraping_session, "likers", "POST_URL",
              "https://www.instagram.com/p/SOLO/", account_id=acc)
    op("cancel_scraping_session", "true", svc.cancel_scraping_session, scr2, 0)
    # scraped comments (one reply)
    c1 = op("save_scraped_comment", "id", svc.save_scraped_comment, "solo_ivy", "love it", "solo_target",
            post_url="https://www.instagram.com/p/SOLO/", scraping_session_id=scr2, likes_count=3)
    op("save_scraped_comment(reply)", "id", svc.save_scraped_comment, "solo_jon", "me too", "solo_target",
       post_url="https://www.instagram.com/p/SOLO/", scraping_session_id=scr2, is_reply=True,
       parent_comment_id=c1)
    # processed hashtag posts
    op("record_processed_hashtag_post", "true", svc.record_processed_hashtag_post, acc, "#solotag",
       "solo_alice", "hash1", "caption one", 10, 2, 3, 1)
    op("record_processed_hashtag_post(2)", "true", svc.record_processed_hashtag_post, acc, "#solotag",
       "solo_bob", "hash2", "caption two", 20, 4, 5, 2)
    conn = svc._get_connection()

    def sql(name, statement, params):
        def run():
            cur = conn.execute(statement, params)
            conn.commit()
            return cur.lastrowid
        return op(name, "id", run)

    # profile_stats_history and discovery_campaigns: 66b6242f's own writers (save_profile's snapshot,
    # DiscoveryRepository.create_campaign) name columns its schema lacks (is_business, description),
    # so these rows are inserted with the table's own columns, as earlier writers did
    for followers, following, posts, when in ((300, 12, 7, "2026-02-01 10:00:00"), (310, 13, 8, None)):
        sql("INSERT profile_stats_history", """
            INSERT INTO profile_stats_history (profile_id, followers_count, following_count, posts_count,
                engagement_rate, is_verified, biography, external_url, profile_pic_url, recorded_at)
            VALUES (?, ?, ?, ?, 0.042, 1, 'bio', 'https://example.invalid/a', NULL,
                    COALESCE(?, datetime('now')))""", (alice_id, followers, following, posts, when))
    cid = sql("INSERT discovery_campaigns", """
        INSERT INTO discovery_campaigns (account_id, name, niche_keywords, target_hashtags, target_accounts,
            target_post_urls) VALUES (?, 'solo campaign', '["yoga"]', '["#solo"]', '["@solo_target"]', '[]')""",
              (acc,))
    prog = op("discovery.get_or_create_progress", "pair", svc.discovery.get_or_create_progress, cid,
              "hashtag", "#solo")
    if prog:
        op("discovery.update_progress", "true", svc.discovery.update_progress, prog[0], current_post_index=3,
           total_posts=10, current_phase="likers", likers_scraped=12, status="in_progress")
    dscr = op("sessions.create_scraping(discovery)", "id", svc.sessions.create_scraping, "likers", "HASHTAG",
              "#solo", account_id=acc, max_profiles=20, discovery_campaign_id=cid)
    # the discovery workflow's own INSERT (discovery_workflow_v2.py)
    sql("discovery workflow: INSERT discovered_profiles", """
        INSERT INTO discovered_profiles (
            campaign_id, username, source_type, source_name,
            biography, followers_count, following_count, posts_count,
            is_private, is_verified, is_business, category
        ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (cid, "solo_kim", "hashtag", "#solo", "yoga teacher", 1200, 300, 45, 0, 0, 1, "Health"))
    # the desktop's rows (no bot writer at this revision)
    sql("desktop: INSERT instagram_posts", """
        INSERT INTO instagram_posts (profile_id, account_id, source, instagram_post_id, media_type, caption,
            media_urls, likes_count, comments_count, posted_at, hashtags, status)
        VALUES (?, ?, 'SCRAPED', 'SOLO123', 'IMAGE', 'a caption #solo', '["https://x/1.jpg"]', 10, 2,
            '2026-02-09T10:00:00', '["solo"]', 'PUBLISHED')""", (alice_id, acc))
    sql("desktop: INSERT instagram_posts(draft)", """
        INSERT INTO instagram_posts (profile_id, account_id, source, media_type, caption, status, scheduled_for)
        VALUES (?, ?, 'CREATED', 'CAROUSEL', 'draft', 'SCHEDULED', '2026-03-01 12:00:00')""", (alice_id, acc))

    def linked():
        cur = conn.execute("UPDATE instagram_profiles SET linked_accounts = ? WHERE profile_id = ?",
                           (json.dumps([{"platform": "tiktok", "name": "alice.solo",
                                         "url": "https://tiktok.com/@alice.solo"}]), alice_id))
        conn.commit()
        return cur.rowcount == 1
    op("desktop: UPDATE instagram_profiles.linked_accounts", "true", linked)
    out["ids"] = {"igAccountId": acc, "igSessionIds": [s1, s2, s3], "scrapingIds": [scr, scr2, dscr],
                  "campaignId": cid, "aliceProfileId": alice_id}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cmd", choices=["boot", "drive", "seed"])
    ap.add_argument("--tree", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--scrape", action="store_true")
    ap.add_argument("--round", type=int, default=1)
    ap.add_argument("--shape", choices=["both", "ig"], default="both")
    args = ap.parse_args()
    args.db = os.path.abspath(args.db)
    out = {"boot": boot, "drive": drive, "seed": seed}[args.cmd](args)
    sys.stdout.flush()
    print(json.dumps(out, ensure_ascii=False, default=str))
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""generate.py - builds the taktik-db benchmark database (a year of a busy bot).

    python3 benchmark/generate.py OUT_PATH [--seed N] [--force] [--anchor YYYY-MM-DD]

Creates OUT_PATH with the exact schema the Python bot creates (reused from
__test__/fixtures/pyside.py, which builds it from shared/python-side/schema.json),
then fills it with realistic, deterministic data: 3 Instagram accounts, 100k
profiles, 2k sessions, 500k interactions, a year of daily_stats, scraping,
discovery, posts, profile history, and the TikTok tables (see README.md).

Deterministic: the content is a function of (seed, anchor date, local time zone).
The anchor is the local date "today" by default; every timestamp lies in the
365 local days before the anchor date's midnight (none in the future).

Cached: when OUT_PATH already holds a completed file of this generator version
and seed, nothing is rebuilt (the summary is read back from it). --force rebuilds.
A file at OUT_PATH that this generator did not write is never overwritten
without --force. The file is built next to OUT_PATH under a temporary name
and renamed into place at the very end, so a half-written file is never seen.

Prints ONE JSON line on stdout:
  {"path", "seconds", "cached", "seed", "counts": {table: n},
   "accounts": {"instagram": [ids], "tiktok": [ids]},
   "busiest": {"accountId", "tiktokAccountId", "sessionId", "tiktokSessionId",
               "profileId", "scrapingId", "campaignId", "username"}}
Progress goes to stderr. Exit 0 on success, 1 on failure, 2 on usage errors or
when refusing to overwrite a foreign file.

Python 3.11, standard library only.
"""

import argparse
import bisect
import hashlib
import importlib.util
import json
import os
import random
import sqlite3
import sys
import time
import zlib
from datetime import date, datetime, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
PYSIDE_PATH = os.path.normpath(os.path.join(HERE, "..", "__test__", "fixtures", "pyside.py"))

GENERATOR_VERSION = 1
# PRAGMA application_id of files written by this generator ("TakB").
APPLICATION_ID = 0x54616B42
DEFAULT_SEED = 42

# ---------------------------------------------------------------------------
# Sizes (the spec)
# ---------------------------------------------------------------------------
N_PROFILES = 100_000
N_SESSIONS = 2_000
N_INTERACTIONS = 500_000
IG_SHARES = (0.50, 0.30, 0.20)            # interactions (and sessions) per account
IG_SUBSET = (0.72, 0.60, 0.50)            # share of all profiles each account ever touches
IG_ACTIVE_DAY_P = (0.93, 0.86, 0.78)      # share of days an account runs at least one session
N_FILTERED = 20_000
N_STATS_HISTORY = 50_000
N_POSTS = 5_000
N_CREATED_POSTS = 200
N_SCRAPING = 200
N_SCRAPED_PROFILES = 40_000
N_SCRAPED_COMMENTS = 30_000
N_HASHTAG_POSTS = 10_000
N_CAMPAIGNS = 10
N_DISCOVERED = 20_000
N_TT_PROFILES = 20_000
N_TT_SESSIONS = 500
N_TT_INTERACTIONS = 100_000
TT_SHARES = (0.60, 0.40)
TT_SUBSET = (0.75, 0.65)
TT_ACTIVE_DAY_P = (0.70, 0.55)
N_TT_FILTERED = 5_000
DAYS = 365

IG_COUNTER = {
    "LIKE": 0, "FOLLOW": 1, "UNFOLLOW": 2, "COMMENT": 3, "STORY_WATCH": 4, "STORY_LIKE": 5,
    "PROFILE_VISIT": 6,
}
# daily_stats counter columns, in IG_COUNTER index order, then the session columns
IG_DAILY_COLS = ["total_likes", "total_follows", "total_unfollows", "total_comments",
                 "total_story_views", "total_story_likes", "total_profile_visits",
                 "total_sessions", "completed_sessions", "failed_sessions", "total_duration_seconds"]
TT_COUNTER = {
    "LIKE": 0, "FOLLOW": 1, "FAVORITE": 2, "COMMENT": 3, "SHARE": 4, "PROFILE_VISIT": 5,
    "POST_WATCH": 6,
}
TT_DAILY_COLS = ["total_likes", "total_follows", "total_favorites", "total_comments",
                 "total_shares", "total_profile_visits", "total_posts_watched",
                 "total_sessions", "completed_sessions", "failed_sessions", "total_duration_seconds"]
TT_SESSION_COUNTER = {"LIKE": "likes", "FOLLOW": "follows", "FAVORITE": "favorites",
                      "COMMENT": "comments", "SHARE": "shares",
                      "PROFILE_VISIT": "profiles_visited", "POST_WATCH": "posts_watched"}
TT_SESSION_COUNTER_ORDER = ["profiles_visited", "posts_watched", "likes", "follows", "favorites",
                            "comments", "shares", "errors"]

# ---------------------------------------------------------------------------
# Text material
# ---------------------------------------------------------------------------
FIRST = [
    ("jose", "José"), ("zoe", "Zoë"), ("chloe", "Chloé"), ("francois", "François"),
    ("noemie", "Noémie"), ("ines", "Inès"), ("helene", "Hélène"), ("andre", "André"),
    ("bjorn", "Björn"), ("soren", "Søren"), ("lukasz", "Łukasz"), ("jurgen", "Jürgen"),
    ("joao", "João"), ("ozge", "Özge"), ("cagla", "Çağla"), ("anais", "Anaïs"),
    ("maelle", "Maëlle"), ("raphael", "Raphaël"), ("emma", "Emma"), ("lucas", "Lucas"),
    ("lea", "Léa"), ("hugo", "Hugo"), ("camille", "Camille"), ("louis", "Louis"),
    ("manon", "Manon"), ("jules", "Jules"), ("sarah", "Sarah"), ("adam", "Adam"),
    ("lina", "Lina"), ("gabriel", "Gabriel"), ("mia", "Mia"), ("noah", "Noah"),
    ("olivia", "Olivia"), ("liam", "Liam"), ("sofia", "Sofía"), ("mateo", "Mateo"),
    ("valentina", "Valentina"), ("diego", "Diego"), ("lucia", "Lucía"), ("martin", "Martín"),
    ("giulia", "Giulia"), ("marco", "Marco"), ("chiara", "Chiara"), ("luca", "Luca"),
    ("hannah", "Hannah"), ("felix", "Félix"), ("lena", "Lena"), ("paul", "Paul"),
    ("anna", "Anna"), ("max", "Max"), ("yuki", "Yuki"), ("haruto", "Haruto"), ("mei", "Mei"),
    ("wei", "Wei"), ("aarav", "Aarav"), ("priya", "Priya"), ("fatima", "Fátima"),
    ("omar", "Omar"), ("amira", "Amira"), ("youssef", "Youssef"), ("aicha", "Aïcha"),
    ("kwame", "Kwame"), ("amara", "Amara"), ("olga", "Olga"), ("ivan", "Iván"),
    ("katarzyna", "Katarzyna"), ("tomas", "Tomáš"), ("eva", "Eva"), ("nils", "Nils"),
    ("ingrid", "Ingrid"), ("sean", "Seán"), ("siobhan", "Siobhán"), ("renee", "Renée"),
    ("cecile", "Cécile"), ("benoit", "Benoît"), ("gaelle", "Gaëlle"), ("jerome", "Jérôme"),
    ("oceane", "Océane"), ("ana", "Ana"), ("pedro", "Pedro"), ("beatriz", "Beatriz"),
    ("rafael", "Rafael"), ("carla", "Carla"), ("nina", "Nina"), ("theo", "Théo"),
    ("clara", "Clara"), ("elise", "Élise"), ("emile", "Émile"), ("agnes", "Agnès"),
    ("zoltan", "Zoltán"), ("dorota", "Dorota"), ("mikael", "Mikaël"), ("sven", "Sven"),
    ("asa", "Åsa"), ("malik", "Malik"), ("yasmine", "Yasmine"), ("kenji", "Kenji"),
    ("sakura", "Sakura"), ("minh", "Minh"), ("linh", "Linh"), ("arjun", "Arjun"),
    ("leila", "Leïla"), ("nour", "Nour"), ("alex", "Alex"), ("sam", "Sam"), ("charlie", "Charlie"),
    ("jade", "Jade"), ("louise", "Louise"), ("arthur", "Arthur"), ("alice", "Alice"),
    ("victor", "Victor"), ("rose", "Rose"), ("nathan", "Nathan"), ("eloise", "Éloïse"),
]
LAST = [
    ("garcia", "García"), ("muller", "Müller"), ("martin", "Martin"), ("bernard", "Bernard"),
    ("dubois", "Dubois"), ("lefevre", "Lefèvre"), ("nunez", "Núñez"), ("dvorak", "Dvořák"),
    ("oconnor", "O'Connor"), ("yilmaz", "Yılmaz"), ("schroder", "Schröder"),
    ("kowalski", "Kowalski"), ("rossi", "Rossi"), ("ferrari", "Ferrari"), ("silva", "Silva"),
    ("santos", "Santos"), ("goncalves", "Gonçalves"), ("lopez", "López"), ("perez", "Pérez"),
    ("fernandez", "Fernández"), ("smith", "Smith"), ("johnson", "Johnson"), ("brown", "Brown"),
    ("nguyen", "Nguyen"), ("tran", "Trần"), ("kim", "Kim"), ("park", "Park"),
    ("tanaka", "Tanaka"), ("sato", "Satō"), ("chen", "Chen"), ("wang", "Wang"),
    ("patel", "Patel"), ("sharma", "Sharma"), ("haddad", "Haddad"), ("benali", "Benali"),
    ("mensah", "Mensah"), ("ivanova", "Ivanova"), ("novak", "Novák"), ("horvath", "Horváth"),
    ("larsen", "Larsen"), ("andersson", "Andersson"), ("jensen", "Jensen"),
    ("moreau", "Moreau"), ("laurent", "Laurent"), ("girard", "Girard"), ("roux", "Roux"),
    ("fournier", "Fournier"), ("mercier", "Mercier"), ("blanc", "Blanc"),
    ("chevalier", "Chevalier"), ("weber", "Weber"), ("fischer", "Fischer"),
    ("becker", "Becker"), ("hoffmann", "Hoffmann"), ("costa", "Costa"), ("ricci", "Ricci"),
    ("romano", "Romano"), ("esposito", "Esposito"), ("jimenez", "Jiménez"),
    ("alvarez", "Álvarez"), ("sanchez", "Sánchez"), ("gomez", "Gómez"), ("diaz", "Díaz"),
    ("moller", "Møller"), ("aberg", "Åberg"), ("petit", "Petit"), ("durand", "Durand"),
    ("leroy", "Leroy"), ("bonnet", "Bonnet"), ("francois", "François"), ("gauthier", "Gauthier"),
    ("morel", "Morel"), ("nakamura", "Nakamura"), ("suzuki", "Suzuki"), ("ali", "Ali"),
    ("khan", "Khan"), ("cohen", "Cohen"), ("levy", "Lévy"), ("dupont", "Dupont"),
]
NON_LATIN_NAMES = [
    "山田 太郎", "佐藤 花子", "鈴木 一郎", "김민준", "이서연", "박지훈", "Алексей Иванов",
    "Мария Смирнова", "Дмитрий Козлов", "محمد علي", "فاطمة الزهراء", "يوسف", "Σοφία Παπαδοπούλου",
    "Γιώργος Νικολάου", "王芳", "李娜", "张伟", "אורי כהן", "נועה לוי", "नेहा शर्मा", "राहुल",
    "สมชาย", "Nguyễn Văn An", "Trần Thị Mai",
]
WORDS = [
    "travel", "food", "foodie", "fit", "fitness", "yoga", "run", "photo", "photography", "art",
    "design", "style", "fashion", "beauty", "makeup", "vegan", "coffee", "wine", "chef", "cook",
    "bake", "plant", "garden", "home", "deco", "interior", "surf", "ski", "bike", "hike", "moto",
    "cat", "dog", "pet", "mama", "papa", "daily", "life", "vibes", "studio", "shop", "store",
    "boutique", "official", "paris", "lyon", "nyc", "london", "berlin", "madrid", "lisbon",
    "tokyo", "blog", "diary", "journal", "world", "moments", "shots", "lens", "film", "music",
    "dj", "dance", "books", "reads", "gamer", "tech", "dev", "nature", "sun", "sea", "ocean",
    "mountain", "wild", "green", "zen", "happy", "little", "real", "wanderlust", "crafts",
    "nails", "tattoo", "ink", "barber", "skin", "glow", "bakery", "pastry", "sushi", "pizza",
]
CITIES = ["paris", "lyon", "marseille", "bordeaux", "nantes", "lille", "nice", "montreal",
          "bruxelles", "geneve", "london", "berlin", "madrid", "barcelona", "lisboa", "roma",
          "milano", "nyc", "la", "miami", "tokyo", "seoul", "dubai", "casablanca", "dakar"]
EMOJI = ["🌸", "✨", "🌿", "📸", "💪", "☕", "🇫🇷", "🇧🇷", "🇯🇵", "🔥", "❤️", "🌊", "🐶", "🎨",
         "🧘‍♀️", "👩‍🍳", "🏳️‍🌈", "🌍", "🎧", "💄"]
BIO_FRAGMENTS = [
    "📍 Paris, France", "📍 Lyon", "📍 Montréal 🇨🇦", "📍 São Paulo", "📍 Zürich", "📍 Genève",
    "Based in Lisbon 🇵🇹", "Photographer 📸", "Travel addict ✈️", "Coffee first ☕",
    "Plant mom 🌿", "Vegan 🌱", "Fitness coach 💪", "Personal trainer", "Chef @ Le Petit Bistrot",
    "Founder @studio.lumiere", "DM for collabs 📩", "Collabs: hello@example.com", "Link in bio 👇",
    "New video every Friday 🎬", "she/her", "he/him", "Dog dad 🐶", "Mum of 3 👶👶👶", "Est. 2016",
    "Handmade in France 🇫🇷", "Livraison offerte dès 50€", "Shop ⬇️", "Bienvenue ! ✨",
    "Amo viajar 🌎", "Ich liebe die Berge 🏔️", "Dream big ✨", "🎓 Sorbonne '21",
    "Ambassador @brand", "Not a bot 🤖", "Content creator", "UGC creator",
    "Wedding photographer 💍", "Tattoo artist 🖤", "Barista ☕ & latte art",
    "Runner 🏃‍♀️ 42km", "Yoga teacher 🧘", "Pâtissière 🍰", "Architecte d'intérieur",
    "Books 📚 & tea 🍵", "Gamer 🎮", "Music producer 🎧", "#vanlife 🚐",
    "Sustainable fashion ♻️", "🌈 Be kind", "Entrepreneur", "Marketing @ Paris",
    "Ex-Google", "Ceramics & slow living", "Mode éthique 🌱", "Cuisine maison 🍲",
    "Recettes faciles 👇", "Coach en nutrition", "Maquilleuse pro 💄", "Illustratrice ✏️",
    "Photographe de mariage", "Bordeaux ↔ Paris", "日本語OK", "Hablo español",
    "Pas de DM svp", "Official account", "Compte officiel", "Since 1998",
    "Open Mon–Sat 9h–19h", "Réservations ☎️ 01 23 45 67 89", "Free shipping worldwide 🌍",
]
BUSINESS_CATEGORIES = [
    "Personal blog", "Artist", "Photographer", "Restaurant", "Health/beauty", "Clothing (Brand)",
    "Fitness trainer", "Digital creator", "Shopping & retail", "Musician/band", "Product/service",
    "Education", "Travel company", "Coach", "Interior design studio", "Bakery",
    "Jewelry/watches", "Entrepreneur", "Public figure", "Beauty, cosmetic & personal care",
    "Café", "Hair salon", "Tattoo & piercing shop", "Video creator",
]
HASHTAGS = [
    "travel", "food", "foodie", "fitness", "gym", "yoga", "photography", "art", "fashion",
    "style", "beauty", "makeup", "vegan", "coffee", "paris", "lyon", "nature", "sunset", "love",
    "instagood", "photooftheday", "reels", "plants", "interiordesign", "handmade", "wedding",
    "dogsofinstagram", "catsofinstagram", "running", "crossfit", "musculation", "pâtisserie",
    "café", "cuisinefrançaise", "voyage", "summer", "vanlife", "sustainablefashion", "skincare",
    "nailart", "tattoo", "streetphotography", "architecture", "music", "dance", "bookstagram",
    "frenchfood", "montagne", "plage", "décoration",
]
CAPTION_SENTENCES = [
    "Golden hour never disappoints", "Sunday brunch with the best people", "New drop is live!",
    "Throwback to this magical place", "Petit déjeuner au soleil ☀️", "Nouvelle collection dispo",
    "Behind the scenes of today's shoot", "Leg day done 💪", "Recette en description 👇",
    "Can't believe it's already", "Merci pour les 10k !", "Swipe for the before/after ➡️",
    "Quelle vue incroyable", "Mi lugar favorito del mundo", "Rainy days and good books",
    "Homemade pasta night 🍝", "Weekend vibes", "Nouveau projet en cours…",
    "Le printemps est là 🌸", "Back in Tokyo 🇯🇵", "This is your sign to book the trip",
    "Small business, big dreams", "Atelier ouvert ce samedi", "Plant update 🌿",
]
COMMENTS = [
    "Love this! 😍", "Magnifique 🔥", "Trop beau !", "Great shot 📸", "Que linda foto ❤️",
    "Wow 👏👏", "素敵ですね", "Amazing work!", "So inspiring ✨", "Belle journée ☀️",
    "Incroyable 😮", "Nice feed!", "Top 👌", "Schönes Bild!", "Bellissimo 🇮🇹", "😍😍😍",
    "Where is this?", "Recette svp 🙏", "Je valide 💯", "Need this in my life",
    "C'est où ?", "Félicitations 🎉", "Goals 🙌", "Superbe travail", "🔥🔥",
]
IG_ERRORS_FAILED = ["Device disconnected", "ADB connection lost", "Instagram app crashed",
                    "Screen locked during session", "Timeout waiting for the feed"]
IG_ERRORS_ERROR = [
    "UiObjectNotFoundException: com.instagram.android:id/row_feed_button_like",
    "Action blocked: try again later", "Challenge required (checkpoint)",
    "Login required: session expired", "RuntimeError: unexpected screen 'SaveLoginInfo'",
]
FILTER_REASONS = ["private_account", "too_many_followers", "too_few_followers",
                  "blacklisted_keyword", "business_account", "no_posts", "already_interacted",
                  "low_engagement", "language_mismatch", "no_profile_picture",
                  "too_many_following", "verified_account"]
AI_REASONS_POS = ["niche match", "engaged audience", "posts regularly", "language matches",
                  "real person", "location matches", "good follower ratio"]
AI_REASONS_NEG = ["off niche", "looks like a bot", "inactive since months", "brand account",
                  "language mismatch", "follower/following ratio too low", "giveaway spam"]
NICHES = ["fitness", "food", "travel", "beauty", "fashion", "home decor", "photography",
          "pets", "wellness", "parenting"]

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def log(msg):
    sys.stderr.write(f"[generate] {msg}\n")
    sys.stderr.flush()


def load_pyside():
    """Import __test__/fixtures/pyside.py by path, without writing a __pycache__ there."""
    if not os.path.exists(PYSIDE_PATH):
        raise RuntimeError(f"cannot find the Python-side fixture at {PYSIDE_PATH}")
    old = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        spec = importlib.util.spec_from_file_location("taktik_pyside", PYSIDE_PATH)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = old
    return module


def marker_for(seed):
    v = zlib.crc32(f"taktik-bench:v{GENERATOR_VERSION}:seed={seed}".encode()) & 0x7FFFFFFF
    return v or 1


def utc_text(sec):
    """SQLite datetime('now') shape (UTC)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(sec))


def local_iso(sec, micro):
    """Python datetime.now().isoformat() shape: naive LOCAL time with microseconds."""
    return datetime.fromtimestamp(sec).replace(microsecond=micro).isoformat()


def utc_iso_z(sec):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(sec))


def utc_iso_offset(sec):
    """Python datetime.fromtimestamp(ts, timezone.utc).isoformat()."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(sec))


def wall_to_epoch(d, seconds_into_day):
    """Epoch seconds of a LOCAL wall-clock time on local date d."""
    h, rem = divmod(int(seconds_into_day), 3600)
    m, s = divmod(rem, 60)
    return int(datetime(d.year, d.month, d.day, h, m, s).astimezone().timestamp())


def allocate(total, weights):
    """Split `total` into integers proportional to weights (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    rest = total - sum(out)
    order = sorted(range(len(weights)), key=lambda i: (raw[i] - out[i], -i), reverse=True)
    for i in order[:rest]:
        out[i] += 1
    return out


def shortcode(r):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    return "".join(alphabet[int(r() * 64)] for _ in range(11))


class Clock:
    """The time frame: the 365 local days before the anchor date's local midnight."""

    def __init__(self, anchor):
        self.anchor = anchor
        self.days = [anchor - timedelta(days=DAYS - k) for k in range(DAYS)]
        self.day_starts = [wall_to_epoch(d, 0) for d in self.days]
        self.end = wall_to_epoch(anchor, 0)          # exclusive: nothing at or after this
        self.start = self.day_starts[0]
        self.day_text = [d.isoformat() for d in self.days]

    def day_index(self, sec):
        return bisect.bisect_right(self.day_starts, sec) - 1

    def local_date(self, sec):
        i = self.day_index(sec)
        if 0 <= i < DAYS:
            return self.day_text[i]
        return time.strftime("%Y-%m-%d", time.localtime(sec))


class Creation:
    """Profiles are created (get-or-create) in id order, linearly over [c0, end).

    Profile index i (0-based, id = i + 1) exists from created(i) on, so picking
    ids below available(t) keeps created_at <= every row that references it."""

    def __init__(self, n, c0, end, r):
        self.n = n
        self.c0 = c0
        self.span = end - c0
        self.jitter = [0.05 + 0.85 * r.random() for _ in range(n)]

    def created(self, i):
        return self.c0 + int((i + self.jitter[i]) * self.span / self.n)

    def available(self, t, lo=0):
        k = int((t - self.c0) * self.n / self.span)
        return max(lo + 1, min(self.n, k))


# ---------------------------------------------------------------------------
# Usernames / names / bios
# ---------------------------------------------------------------------------


def make_username(r, taken, tiktok=False):
    ch = r.choice
    f, fd = ch(FIRST)
    l, ld = ch(LAST)
    w, w2 = ch(WORDS), ch(WORDS)
    x = r.random()
    person = True
    if x < 0.16:
        u = f"{f}.{l}"
    elif x < 0.28:
        u = f"{f}_{l}"
    elif x < 0.38:
        u = f"{f}{l}"
    elif x < 0.47:
        u = f"{f}.{w}"
    elif x < 0.53:
        u = f"{w}_by_{f}"
    elif x < 0.60:
        u = f"{f}_{w}_{w2}"
    elif x < 0.67:
        u, person = (f"the{w}{w2}" if r.random() < 0.5 else f"{w}{w2}"), False
    elif x < 0.71:
        u = f"_{f}.{l}_"
    elif x < 0.78:
        u = f"{f}{l[0]}{r.randint(80, 99) if r.random() < 0.5 else r.randint(0, 12):02d}"
    elif x < 0.82:
        u = f"{f}__{l}"
    elif x < 0.88:
        u, person = f"{w}.{ch(CITIES)}", False
    elif x < 0.93:
        u = f"{f}.{l}.{w}"
    elif x < 0.97:
        u, person = f"{w}_{w2}_{ch(CITIES)}", False
    else:
        u = f"{f}x{l}" if not tiktok else f"{f}.tok"
    if r.random() < 0.30:
        u += r.choice(["", "_", "."]) + r.choice(
            [str(r.randint(1, 99)), str(r.randint(1970, 2010)), str(r.randint(100, 9999))])
    if tiktok and r.random() < 0.15:
        u = r.choice(["its", "real", "im", "x"]) + u
    u = u[:30].strip(".")
    while u in taken or len(u) < 3:
        u = (u[:24] + r.choice(["_", ".", ""]) + str(r.randint(1, 99999))).strip(".")
    taken.add(u)
    return u, person, fd, ld, w


def make_full_name(r, person, fd, ld, w):
    x = r.random()
    if x < 0.05:
        return None
    if x < 0.08:
        return ""
    if x < 0.11:
        name = r.choice(NON_LATIN_NAMES)
    elif person:
        y = r.random()
        name = f"{fd} {ld}" if y < 0.7 else (fd if y < 0.9 else f"{fd} {ld[0]}.")
    else:
        name = r.choice([f"{w.title()} Studio", f"{w.title()} & Co", f"Maison {fd}",
                         f"{fd}'s {w}", f"{w.upper()}", f"{fd} | {w.title()}"])
    if r.random() < 0.02:
        name = name + " " + r.choice(EMOJI) if r.random() < 0.7 else r.choice(EMOJI) + " " + name
    return name


def make_bio(r):
    x = r.random()
    if x < 0.05:
        return None
    if x < 0.14:
        return ""
    k = r.choice((1, 1, 2, 2, 3, 3, 4))
    sep = r.choice((" | ", "\n", " • ", " ", "\n"))
    bio = sep.join(r.sample(BIO_FRAGMENTS, k))
    if r.random() < 0.15:
        bio += sep + "#" + r.choice(HASHTAGS)
    return bio[:150].rstrip(" •|\n")


def maybe_null(r, value, p=0.05):
    return None if r.random() < p else value


def long_tail_followers(r):
    v = int(r.lognormvariate(6.3, 1.9))
    if r.random() < 0.001:
        v = int(r.uniform(1e6, 4e7))
    return min(v, 600_000_000)


# ---------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------


class Generator:
    def __init__(self, conn, seed, anchor):
        self.conn = conn
        self.seed = seed
        self.rng = random.Random(seed)
        self.r = self.rng.random
        self.clock = Clock(anchor)
        self.t_phase = time.monotonic()

    def phase(self, name):
        now = time.monotonic()
        log(f"{name} ({now - self.t_phase:.1f}s)")
        self.t_phase = now

    def insert(self, table, columns, rows):
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        self.conn.executemany(sql, rows)

    # -- accounts -------------------------------------------------------------------------
    def accounts(self):
        c = self.clock
        created = c.start - 20 * 86400
        self.ig_accounts = [
            (1, "lumiere.studio.paris", 104523, 9001, utc_text(created)),
            (2, "kaito_runs", 104523, 9001, utc_text(created + 3 * 86400 + 3600)),
            (3, "casa.verde.plantes", 220871, 9017, utc_text(created + 9 * 86400 + 7200)),
        ]
        self.insert("instagram_accounts", ["account_id", "username", "is_bot", "user_id",
                                           "license_id", "created_at"],
                    [(a, u, 1, uid, lic, t) for a, u, uid, lic, t in self.ig_accounts])
        self.tt_accounts = [
            (1, "lumiere.studio", "Lumière Studio ✨", 104523, 9001, utc_text(created + 86400)),
            (2, "plantmom.tok", None, 220871, 9017, utc_text(created + 12 * 86400)),
        ]
        self.insert("tiktok_accounts", ["account_id", "username", "display_name", "is_bot",
                                        "user_id", "license_id", "created_at"],
                    [(a, u, dn, 1, uid, lic, t) for a, u, dn, uid, lic, t in self.tt_accounts])

    # -- Instagram profiles ----------------------------------------------------------------
    def profiles(self):
        r, rng, c = self.r, self.rng, self.clock
        n = N_PROFILES
        self.creation = Creation(n, c.start - 30 * 86400, c.end - 3600, rng)
        taken = set(a[1] for a in self.ig_accounts)
        self.usernames = [None] * n
        self.followers = [0] * n
        rows = []
        for i in range(n):
            created = self.creation.created(i)
            if i < 3:  # the bot accounts' own profiles
                acc = self.ig_accounts[i]
                u, full, bio = acc[1], ["Lumière Studio", "Kaito 🏃", "Casa Verde — plantes"][i], \
                    "Account managed by TAKTIK"
                followers, following, posts = [18250, 2310, 5120][i], [812, 455, 1290][i], \
                    [412, 138, 260][i]
                priv, ver, bus = 0, 0, 1
                cat, web, linked = "Digital creator", f"https://{u.replace('.', '')}.example.com", None
            else:
                u, person, fd, ld, w = make_username(rng, taken)
                full = make_full_name(rng, person, fd, ld, w)
                bio = make_bio(rng)
                followers = long_tail_followers(rng)
                following = min(7500, int(rng.lognormvariate(6.2, 0.9)))
                posts = int(rng.lognormvariate(4.1, 1.3))
                priv = 1 if r() < (0.30 if followers < 10_000 else 0.04) else 0
                ver_p = 0.7 if followers > 1_000_000 else 0.3 if followers > 100_000 else 0.002
                ver = 1 if r() < ver_p else 0
                bus = 1 if r() < (0.15 if followers < 5_000 else 0.45) else 0
                cat = rng.choice(BUSINESS_CATEGORIES) if bus and r() < 0.85 else None
                web = None
                if r() < (0.40 if bus else 0.08):
                    web = rng.choice([f"https://linktr.ee/{u}", f"https://www.{u.replace('.', '').replace('_', '')}.com",
                                      f"https://{u.replace('.', '-').replace('_', '-')}.fr",
                                      f"http://bit.ly/{shortcode(r)[:7]}", f"https://beacons.ai/{u}"])
                linked = None
                if r() < 0.04:
                    linked = rng.choice([json.dumps([f"@{u}.backup"]),
                                         json.dumps([{"platform": "tiktok", "username": u}]), "[]"])
                followers = maybe_null(rng, followers)
                following = maybe_null(rng, following)
                posts = maybe_null(rng, posts)
                priv = maybe_null(rng, priv)
                ver = maybe_null(rng, ver)
                bus = maybe_null(rng, bus)
            pic = None
            x = r()
            if x < 0.30:
                pic = f"profile_pics/{u}.jpg"
            elif x < 0.38:
                pic = f"C:\\Users\\marie\\AppData\\Roaming\\taktik-desktop\\profile_pics\\{u}.jpg"
            notes = None
            if r() < 0.005:
                notes = rng.choice(["VIP", "Already contacted by DM", "Potential partner 🤝",
                                    "Ne pas recontacter", "Client since 2024"])
            updated = min(c.end - 60, created + int(r() * 60 * 86400))
            self.usernames[i] = u
            self.followers[i] = followers if followers is not None else 0
            rows.append((u, full, bio, followers, following, posts, priv, ver, bus, cat, web, linked,
                         pic, notes, utc_text(created), utc_text(updated)))
        self.insert("instagram_profiles",
                    ["username", "full_name", "biography", "followers_count", "following_count",
                     "posts_count", "is_private", "is_verified", "is_business", "business_category",
                     "website", "linked_accounts", "profile_pic_path", "notes", "created_at",
                     "updated_at"], rows)
        self.profile_rows = rows
        # which profiles each account ever touches (not its own profiles)
        self.member = []
        for a in range(3):
            p = IG_SUBSET[a]
            m = bytearray(1 if r() < p else 0 for _ in range(n))
            m[0] = m[1] = m[2] = 0
            self.member.append(m)

    def pick_profile(self, acc_idx, t, fresh_window=3000, fresh_p=0.5):
        """A profile (0-based index) for account acc_idx at time t: recently created or any."""
        r = self.r
        n = self.creation.available(t, lo=3)
        m = self.member[acc_idx]
        i = 3
        for _ in range(12):
            if r() < fresh_p:
                i = n - 1 - int(r() * min(n - 3, fresh_window))
            else:
                i = 3 + int(r() * (n - 3))
            if m[i]:
                return i
        return i

    # -- sessions (both platforms share the planning) --------------------------------------
    def plan_sessions(self, n_sessions, shares, active_p, failed_w):
        """[(account_idx, start_epoch, slot_seconds, status, day_index)] sorted by start."""
        r, rng, c = self.r, self.rng, self.clock
        counts = allocate(n_sessions, shares)
        plans = []
        for a, k in enumerate(counts):
            regular = k - 1  # the last one is the ACTIVE session
            active_days = [d for d in range(DAYS) if r() < active_p[a]]
            if len(active_days) > regular:
                active_days = sorted(rng.sample(active_days, regular))
            per_day = {d: 1 for d in active_days}
            weights = [0.75 if c.days[d].weekday() >= 5 else 1.0 for d in active_days]
            for d in rng.choices(active_days, weights=weights, k=regular - len(active_days)):
                per_day[d] += 1
            for d in active_days:
                kk = per_day[d]
                win_lo, win_hi = 7 * 3600, 23 * 3600
                slot = (win_hi - win_lo) / kk
                for j in range(kk):
                    offset = win_lo + j * slot + r() * 0.3 * slot
                    start = wall_to_epoch(c.days[d], offset)
                    x = r()
                    if x < failed_w[0]:
                        status = "FAILED"
                    elif x < failed_w[0] + failed_w[1]:
                        status = "ERROR"
                    else:
                        status = "COMPLETED"
                    plans.append([a, start, int(0.65 * slot), status, d])
            start = c.end - 900 - int(r() * 4500)
            plans.append([a, start, c.end - start - 1, "ACTIVE", c.day_index(start)])
        plans.sort(key=lambda p: (p[1], p[0]))
        return plans

    # -- Instagram sessions + interactions + daily_stats ----------------------------------
    def instagram_activity(self):
        r, rng, c = self.r, self.rng, self.clock
        plans = self.plan_sessions(N_SESSIONS, IG_SHARES, IG_ACTIVE_DAY_P, (0.08, 0.05))
        target_types = ["HASHTAG", "FOLLOWERS", "POST_LIKERS", "FEED", "UNFOLLOW"]
        tt_weights = [0.40, 0.30, 0.14, 0.10, 0.06]
        per_acc_budget = allocate(N_INTERACTIONS, IG_SHARES)
        no_session = [int(b * 0.015) for b in per_acc_budget]
        sessions = []
        for sid, (a, start, slot, status, d) in enumerate(plans, 1):
            ttype = rng.choices(target_types, tt_weights)[0]
            if ttype == "HASHTAG":
                target = rng.choice(HASHTAGS)
            elif ttype in ("FOLLOWERS",):
                target = self.usernames[3 + int(r() * 20000)]
            elif ttype == "POST_LIKERS":
                target = f"https://www.instagram.com/p/{shortcode(r)}/"
            elif ttype == "FEED":
                target = "feed"
            else:
                target = "following"
            w = rng.lognormvariate(0, 0.55)
            if status in ("FAILED", "ERROR"):
                w *= 0.35
            elif status == "ACTIVE":
                w *= 0.4
            sessions.append({"id": sid, "a": a, "start": start, "slot": slot, "status": status,
                             "day": d, "type": ttype, "target": target, "w": w})
        for a in range(3):
            mine = [s for s in sessions if s["a"] == a]
            for s, k in zip(mine, allocate(per_acc_budget[a] - no_session[a], [s["w"] for s in mine])):
                s["n"] = k

        daily = {}  # (account_idx, day_index) -> [11 counters, first_sec, last_sec]

        def bump(a, sec, col, amount=1):
            key = (a, c.day_index(sec))
            row = daily.get(key)
            if row is None:
                row = daily[key] = [0] * 11 + [sec, sec]
            row[col] += amount
            if sec < row[11]:
                row[11] = sec
            if sec > row[12]:
                row[12] = sec

        rows = []
        session_rows = []
        pv, sw = "PROFILE_VISIT", "STORY_WATCH"

        def visit(mode):
            if mode == "UNFOLLOW":
                return (["PROFILE_VISIT", "UNFOLLOW"] if r() < 0.3 else ["UNFOLLOW"])
            out = []
            if r() < (0.25 if mode == "FEED" else 0.85):
                out.append(pv)
            if r() < 0.35:
                out.append(sw)
                if r() < 0.4:
                    out.append("STORY_LIKE")
            x = r()
            out.extend(["LIKE"] * (0 if x < 0.2 else 1 if x < 0.55 else 2 if x < 0.85 else 3))
            if r() < (0.05 if mode == "FEED" else 0.30):
                out.append("FOLLOW")
            if r() < 0.07:
                out.append("COMMENT")
            return out or ["LIKE"]

        def emit(a, sid, start, dur, n, mode, success_p):
            events = []
            while len(events) < n:
                t_mid = start + int(dur * len(events) / max(n, 1))
                p = self.pick_profile(a, t_mid)
                for typ in visit(mode):
                    events.append((p, typ))
            del events[n:]
            offsets = sorted(r() for _ in range(n))
            for (p, typ), off in zip(events, offsets):
                sec = start + int(off * dur)
                micro = 1 + int(r() * 999_998)
                text = local_iso(sec, micro) if r() < 0.15 else utc_text(sec)
                ok = 1 if r() < success_p else 0
                content = rng.choice(COMMENTS) if typ == "COMMENT" else None
                rows.append((sec * 1_000_000 + micro, sid, a + 1, p + 1, typ, text, ok, content))
                bump(a, sec, IG_COUNTER[typ])

        for s in sessions:
            a, start, n = s["a"], s["start"], s["n"]
            status = s["status"]
            if status == "ACTIVE":
                dur = s["slot"]
                n = s["n"] = min(n, max(20, dur // 6))
            else:
                dur = int(n * rng.uniform(7.0, 13.0)) + 60
                if status != "COMPLETED":
                    dur = int(dur * rng.uniform(0.8, 1.2))
                dur = max(120, min(dur, s["slot"]))
            emit(a, s["id"], start, dur, n, s["type"], 0.80 if status in ("FAILED", "ERROR") else 0.965)
            bump(a, start, 7)  # total_sessions, on the start's local date
            if status == "ACTIVE":
                end_text, duration, err = None, 0, None
                updated = utc_text(start)
            else:
                end = start + dur
                duration = dur
                end_text = utc_text(end)
                updated = end_text
                bump(a, end, 8 if status == "COMPLETED" else 9)
                bump(a, end, 10, duration)
                err = None
                if status == "FAILED":
                    err = rng.choice(IG_ERRORS_FAILED)
                elif status == "ERROR":
                    err = rng.choice(IG_ERRORS_ERROR)
            s["end"] = start + dur
            config = None if r() < 0.02 else self.ig_config(s)
            synced = 1 if status == "COMPLETED" and start < c.end - 2 * 86400 else 0
            name = {"HASHTAG": f"Hashtag #{s['target']}", "FOLLOWERS": f"Followers of @{s['target']}",
                    "POST_LIKERS": "Post likers", "FEED": "Home feed",
                    "UNFOLLOW": "Unfollow cleanup"}[s["type"]]
            session_rows.append((a + 1, name, s["type"], s["target"], utc_text(start), end_text,
                                 duration, config, status, err, synced, utc_text(start), updated))
        self.insert("sessions", ["account_id", "session_name", "target_type", "target",
                                 "start_time", "end_time", "duration_seconds", "config_used",
                                 "status", "error_message", "synced_to_api", "created_at",
                                 "updated_at"], session_rows)
        self.ig_sessions = sessions

        # interactions outside any session (manual actions), on active days
        for a in range(3):
            days = sorted(set(s["day"] for s in sessions if s["a"] == a and s["status"] != "ACTIVE"))
            left = no_session[a]
            while left > 0:
                d = rng.choice(days)
                start = wall_to_epoch(c.days[d], 8 * 3600 + r() * 14 * 3600)
                k = min(left, rng.randint(1, 6))
                emit(a, None, start, 240, k, "HASHTAG", 0.97)
                left -= k
        self.phase("instagram sessions + interactions generated")
        rows.sort(key=lambda x: x[0])
        self.insert("interaction_history", ["session_id", "account_id", "profile_id",
                                            "interaction_type", "interaction_time", "success",
                                            "content"], (x[1:] for x in rows))
        self.phase(f"interaction_history inserted ({len(rows)})")
        del rows

        drows = []
        for (a, d), v in sorted(daily.items()):
            if not (0 <= d < DAYS):
                continue
            synced = 1 if d < DAYS - 2 and r() < 0.95 else 0
            synced_at = utc_text(c.day_starts[d] + 86400 + 6 * 3600 + int(r() * 3600)) if synced else None
            drows.append((a + 1, c.day_text[d], *v[:11], synced, synced_at,
                          utc_text(v[11]), utc_text(v[12])))
        self.insert("daily_stats", ["account_id", "date", *IG_DAILY_COLS, "synced_to_api",
                                    "synced_at", "created_at", "updated_at"], drows)

    def ig_config(self, s):
        r, rng = self.r, self.rng
        mx = rng.choice([100, 150, 200, 300, 400, 500])
        actions = {"HASHTAG": ["like", "follow", "story_watch", "comment"],
                   "FOLLOWERS": ["profile_visit", "like", "follow", "story_watch", "story_like"],
                   "POST_LIKERS": ["profile_visit", "like", "follow"],
                   "FEED": ["like", "story_watch"], "UNFOLLOW": ["unfollow"]}[s["type"]]
        return json.dumps({
            "target": {"type": s["type"], "value": s["target"]},
            "limits": {"max_interactions": mx, "max_likes": mx // 2, "max_follows": mx // 8,
                       "max_comments": rng.choice([0, 5, 10]),
                       "max_unfollows": 100 if s["type"] == "UNFOLLOW" else 0,
                       "session_duration_minutes": rng.choice([30, 45, 60, 90]),
                       "likes_per_profile": [1, rng.choice([2, 3])]},
            "actions": actions,
            "probabilities": {"like": round(0.6 + r() * 0.3, 2), "follow": round(0.1 + r() * 0.2, 2),
                              "story_watch": 0.35, "comment": 0.05},
            "filters": {"min_followers": rng.choice([0, 50, 100, 200]),
                        "max_followers": rng.choice([5000, 10000, 50000, 100000]),
                        "min_posts": rng.choice([0, 3, 5]), "skip_private": r() < 0.6,
                        "skip_business": r() < 0.3, "skip_verified": True,
                        "blacklist_words": rng.sample(["promo", "giveaway", "crypto", "onlyfans",
                                                       "bot", "f4f", "concours"], 3),
                        "languages": rng.sample(["fr", "en", "es", "pt", "de", "it"], 2)},
            "delays": {"min_seconds": 4, "max_seconds": rng.choice([12, 15, 20])},
            "comments": rng.sample(COMMENTS, 3) if "comment" in actions else [],
            "bot_version": rng.choice(["2.3.1", "2.4.0", "2.4.2", "2.5.0"]),
        })

    # -- filtered_profiles ------------------------------------------------------------------
    def filtered_profiles(self):
        r, rng = self.r, self.rng
        rows = []
        for a, k in enumerate(allocate(N_FILTERED, IG_SHARES)):
            mine = [s for s in self.ig_sessions if s["a"] == a]
            seen = set()
            while len(seen) < k:
                s = rng.choice(mine)
                t = s["start"] + int(r() * max(1, s["end"] - s["start"]))
                p = self.pick_profile(a, t, fresh_p=0.7)
                if p in seen:
                    continue
                seen.add(p)
                src = {"HASHTAG": "HASHTAG", "FOLLOWERS": "FOLLOWERS",
                       "POST_LIKERS": "POST_LIKERS"}.get(s["type"], "GENERAL")
                src_name = s["target"] if src != "GENERAL" else "unknown"
                sid = s["id"] if r() < 0.9 else None
                rows.append((t, p + 1, a + 1, self.usernames[p], utc_text(t),
                             rng.choice(FILTER_REASONS), src, src_name, sid))
        rows.sort(key=lambda x: x[0])
        self.insert("filtered_profiles", ["profile_id", "account_id", "username", "filtered_at",
                                          "reason", "source_type", "source_name", "session_id"],
                    (x[1:] for x in rows))

    # -- profile_stats_history --------------------------------------------------------------
    def stats_history(self):
        r, rng, c = self.r, self.rng, self.clock
        # the "star": an early, popular profile snapshotted weekly all year
        star = max(range(3, 3000), key=lambda i: self.followers[i])
        plan = [(star, 52)]
        left = N_STATS_HISTORY - 52
        chosen = set([star])
        while left > 0:
            i = 3 + int(r() * (N_PROFILES - 3))
            if i in chosen:
                continue
            chosen.add(i)
            k = min(left, rng.choice([1, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20]))
            plan.append((i, k))
            left -= k
        rows = []
        for i, k in plan:
            created = max(self.creation.created(i), c.start)
            span = c.end - 3600 - created
            if i == star:
                times = [c.start + 3600 * 10 + w * 7 * 86400 for w in range(52)]
            else:
                times = sorted(created + int(r() * span) for _ in range(k))
            prof = self.profile_rows[i]
            final_f = self.followers[i] or int(rng.lognormvariate(6, 1.5))
            f0 = int(final_f * rng.uniform(0.55, 1.0))
            following = prof[4] if prof[4] is not None else int(rng.lognormvariate(6, 0.8))
            posts = prof[5] if prof[5] is not None else int(rng.lognormvariate(4, 1.2))
            posts0 = max(0, posts - rng.randint(0, 40))
            url = f"https://scontent-cdg4-{rng.randint(1, 3)}.cdninstagram.com/v/t51.2885-19/" \
                  f"{rng.randint(10**8, 10**9)}_{rng.randint(10**14, 10**15)}_n.jpg?stp=dst-jpg_s150x150"
            for j, t in enumerate(times):
                frac = (j + 1) / len(times)
                followers = int(f0 + (final_f - f0) * frac * rng.uniform(0.9, 1.1))
                rows.append((t, i + 1, max(0, followers),
                             max(0, following + rng.randint(-20, 20)),
                             int(posts0 + (posts - posts0) * frac),
                             None if r() < 0.05 else round(rng.lognormvariate(0.9, 0.7), 2),
                             prof[7], prof[2], prof[10], None if r() < 0.1 else url, utc_text(t)))
        rows.sort(key=lambda x: x[0])
        self.insert("profile_stats_history", ["profile_id", "followers_count", "following_count",
                                              "posts_count", "engagement_rate", "is_verified",
                                              "biography", "external_url", "profile_pic_url",
                                              "recorded_at"], (x[1:] for x in rows))

    # -- instagram_posts -----------------------------------------------------------------------
    def caption(self, r, rng):
        if r() < 0.08:
            return None
        parts = [rng.choice(CAPTION_SENTENCES)]
        if r() < 0.6:
            parts.append(rng.choice(EMOJI))
        if r() < 0.3:
            parts.append("\n\n")
        parts.extend("#" + h for h in rng.sample(HASHTAGS, rng.randint(0, 8)))
        if r() < 0.25:
            parts.append("@" + self.usernames[3 + int(r() * 5000)])
        return " ".join(parts)

    def posts(self):
        r, rng, c = self.r, self.rng, self.clock
        rows = []
        used_ids = set()
        for _ in range(N_POSTS - N_CREATED_POSTS):
            owner = 3 + int(r() * 6000)  # scraped posts concentrate on a few thousand profiles
            scraped = c.start + int(r() * (c.end - c.start - 3600))
            posted = scraped - int(rng.expovariate(1 / (20 * 86400)))
            mt = rng.choices(["IMAGE", "CAROUSEL", "VIDEO"], [0.55, 0.25, 0.20])[0]
            is_video = 1 if mt == "VIDEO" else 0
            pid = str(rng.randint(3 * 10**18, 36 * 10**17))
            while pid in used_ids:
                pid = str(int(pid) + 1)
            used_ids.add(pid)
            n_media = 1 if mt != "CAROUSEL" else rng.randint(2, 10)
            cdn = f"https://scontent-{rng.choice(['cdg4-1', 'cdg4-2', 'lhr8-1', 'fra5-1'])}.cdninstagram.com/v/t51.29350-15/"
            media = [f"{cdn}{rng.randint(10**8, 10**9)}_{rng.randint(10**14, 10**15)}_n.jpg" for _ in range(n_media)]
            cap = self.caption(r, rng)
            tags = [w[1:] for w in (cap or "").split() if w.startswith("#")]
            mentions = [w[1:] for w in (cap or "").split() if w.startswith("@")]
            x = r()
            posted_text = utc_text(posted) if x < 0.6 else utc_iso_offset(posted) if x < 0.85 \
                else local_iso(posted, 1 + int(r() * 999_998))
            loc = None
            loc_data = None
            if r() < 0.3:
                city = rng.choice(["Paris, France", "Lyon, France", "Lisboa, Portugal",
                                   "Montréal, Québec", "Tokyo, Japan", "Marseille", "Bali, Indonesia"])
                loc = city
                loc_data = json.dumps({"name": city, "lat": round(rng.uniform(-40, 60), 5),
                                       "lng": round(rng.uniform(-120, 140), 5),
                                       "pk": rng.randint(10**6, 10**9)})
            likes = int(rng.lognormvariate(4.5, 1.6))
            dims = {"width": 1080, "height": rng.choice([1080, 1350, 1920 if is_video else 1350])}
            rows.append((
                scraped, owner + 1, None if r() < 0.1 else rng.choices([1, 2, 3], IG_SHARES)[0],
                "SCRAPED", pid, f"{pid}_{rng.randint(10**9, 10**11)}", mt, is_video, cap,
                json.dumps(media), media[0].replace("_n.jpg", "_t.jpg"),
                media[0].replace(".jpg", ".mp4") if is_video else None,
                likes, int(likes * rng.uniform(0.005, 0.08)),
                int(likes * rng.uniform(5, 40)) if is_video else 0,
                posted_text, local_iso(scraped, 1 + int(r() * 999_998)),
                json.dumps(tags), json.dumps(mentions),
                json.dumps(rng.sample(self.usernames[3:3000], rng.choice([0, 0, 0, 1, 2]))),
                loc, loc_data, json.dumps([] if r() < 0.95 else [self.usernames[3 + int(r() * 9000)]]),
                "DRAFT", None, None, None, 0, json.dumps(dims),
                {"IMAGE": "feed", "CAROUSEL": "carousel_container", "VIDEO": "clips"}[mt],
                None if r() < 0.6 else f"Photo by {self.usernames[owner]}. May be an image of "
                + rng.choice(["1 person", "food", "the sea", "a plant", "text", "2 people and a dog"]),
                utc_text(scraped), utc_text(scraped)))
        for k in range(N_CREATED_POSTS):
            a = rng.choices([0, 1, 2], IG_SHARES)[0]
            created = c.start + int(r() * (c.end - c.start - 3600))
            status = rng.choices(["DRAFT", "SCHEDULED", "PUBLISHED", "FAILED"], [0.3, 0.2, 0.4, 0.1])[0]
            sched = pub = err = pid = None
            retry = 0
            if status == "SCHEDULED":
                sched = utc_text(c.end + int(r() * 14 * 86400))
            elif status == "PUBLISHED":
                sched = utc_text(created + 86400)
                pub = utc_text(created + 86400 + rng.randint(1, 90))
                pid = str(rng.randint(3 * 10**18, 36 * 10**17))
                while pid in used_ids:
                    pid = str(int(pid) + 1)
                used_ids.add(pid)
            elif status == "FAILED":
                err = rng.choice(["Upload timed out", "Media too large (max 8 MB)",
                                  "Instagram rejected the caption (too many hashtags)"])
                retry = rng.randint(1, 3)
            mt = rng.choice(["IMAGE", "IMAGE", "CAROUSEL", "VIDEO"])
            media = [f"C:\\Users\\marie\\Pictures\\taktik\\post_{k}_{j}.jpg"
                     for j in range(1 if mt != "CAROUSEL" else rng.randint(2, 6))]
            cap = self.caption(r, rng)
            tags = [w[1:] for w in (cap or "").split() if w.startswith("#")]
            rows.append((created, a + 1, a + 1, "CREATED", pid, None, mt, 1 if mt == "VIDEO" else 0,
                         cap, json.dumps(media), None, None, 0, 0, 0, pub, None, json.dumps(tags),
                         json.dumps([]), None, None, None, None, status, sched, pub, err, retry,
                         json.dumps({"width": 1080, "height": 1350}), None, None,
                         utc_text(created), utc_text(created + (86400 if pub else 0))))
        rows.sort(key=lambda x: x[0])
        self.insert("instagram_posts", [
            "profile_id", "account_id", "source", "instagram_post_id", "instagram_id", "media_type",
            "is_video", "caption", "media_urls", "thumbnail_url", "video_url", "likes_count",
            "comments_count", "views_count", "posted_at", "scraped_at", "hashtags", "mentions",
            "tagged_users", "location", "location_data", "coauthors", "status", "scheduled_for",
            "published_at", "error_message", "retry_count", "dimensions", "product_type",
            "accessibility_caption", "created_at", "updated_at"], (x[1:] for x in rows))

    # -- discovery -----------------------------------------------------------------------------
    def discovery(self):
        r, rng, c = self.r, self.rng, self.clock
        accounts = [1, 1, 1, 2, 2, 3, 3, 1, 2, None]
        statuses = ["ACTIVE", "ACTIVE", "COMPLETED", "ACTIVE", "PAUSED", "ACTIVE", "COMPLETED",
                    "COMPLETED", "PAUSED", "ACTIVE"]
        sizes = allocate(N_DISCOVERED, [26, 15.5, 13, 11, 9.5, 7.5, 6, 5, 4, 2.5])
        rng.shuffle(sizes)
        camp_rows, self.campaigns, prog_rows = [], [], []
        disc_rows = []
        for k in range(N_CAMPAIGNS):
            niche = NICHES[k % len(NICHES)]
            created = c.start + int((k + r() * 0.5) * (c.end - c.start) / (N_CAMPAIGNS + 1))
            tags = rng.sample(HASHTAGS, rng.randint(3, 6))
            accs = rng.sample(self.usernames[3:2000], rng.randint(2, 4))
            urls = [f"https://www.instagram.com/p/{shortcode(r)}/" for _ in range(rng.randint(0, 3))]
            keywords = rng.sample([niche, niche + " fr", "coach", "créateur", "local", "bio",
                                   "fait main", "paris", "débutant", "premium"], 3)
            sources = [("hashtag", t) for t in tags] + [("account", u) for u in accs] + \
                [("post_url", u) for u in urls]
            # discovered profiles of this campaign
            n = sizes[k]
            span = c.end - 3600 - created
            times = sorted(created + int(r() * span * (0.6 if statuses[k] != "ACTIVE" else 1.0))
                           for _ in range(n))
            idxs = rng.sample(range(3, N_PROFILES), n)
            qualified = 0
            for t, i in zip(times, idxs):
                st, sname = rng.choice(sources)
                if r() < 0.3:  # a username the bot never stored as a profile
                    uname = self.usernames[i] + rng.choice(["_", ".", ""]) + str(rng.randint(1, 999))
                else:
                    uname = self.usernames[i]
                prof = self.profile_rows[i]
                ai = None if r() < 0.3 else round(r() * 100 * 2) / 2
                x = r()
                status = "new" if x < 0.55 else "qualified" if x < 0.75 else "rejected" if x < 0.95 \
                    else "contacted"
                if status in ("qualified", "contacted"):
                    qualified += status == "qualified"
                    ai = ai if ai is not None and ai >= 60 else round(60 + r() * 40, 1)
                disc_rows.append((t, k + 1, uname, st, sname, prof[2], prof[3] or 0, prof[4] or 0,
                                  prof[5] or 0, prof[6] or 0, prof[7] or 0, prof[8] or 0,
                                  prof[9] or niche.title(), round(rng.lognormvariate(0.8, 0.8), 2),
                                  ai, status, utc_text(t)))
            updated = times[-1] if times else created
            camp_rows.append((accounts[k], f"{niche.title()} — {rng.choice(['FR', 'Paris', 'Europe', 'Q' + str(k % 4 + 1)])}",
                              json.dumps(keywords), json.dumps(tags), json.dumps(accs),
                              json.dumps(urls), n, qualified, statuses[k], utc_text(created),
                              utc_text(updated)))
            self.campaigns.append((k + 1, accounts[k], created, niche))
            for st, sv in sources:
                total = rng.randint(20, 120)
                x = r()
                pstatus = "completed" if x < 0.45 else "in_progress" if x < 0.75 else "pending"
                idx = total if pstatus == "completed" else rng.randint(0, total) if pstatus == "in_progress" else 0
                phase = "done" if pstatus == "completed" else rng.choice(["profile", "likers", "comments"]) \
                    if pstatus == "in_progress" else "profile"
                lt = rng.randint(50, 5000)
                ct = rng.randint(0, 400)
                scroll = {} if pstatus == "pending" else {
                    "index": idx, "offset": round(r() * 2400, 1),
                    "post_url": f"https://www.instagram.com/p/{shortcode(r)}/"}
                pt = created + int(r() * span)
                prog_rows.append((k + 1, st, sv, idx, total, phase,
                                  lt if pstatus == "completed" else int(lt * r()), lt,
                                  ct if pstatus == "completed" else int(ct * r()), ct,
                                  json.dumps(scroll), pstatus, utc_text(created), utc_text(pt)))
        self.insert("discovery_campaigns", ["account_id", "name", "niche_keywords", "target_hashtags",
                                            "target_accounts", "target_post_urls", "total_discovered",
                                            "total_qualified", "status", "created_at", "updated_at"],
                    camp_rows)
        self.insert("discovery_progress", ["campaign_id", "source_type", "source_value",
                                           "current_post_index", "total_posts", "current_phase",
                                           "likers_scraped", "likers_total", "comments_scraped",
                                           "comments_total", "last_scroll_position", "status",
                                           "created_at", "updated_at"], prog_rows)
        disc_rows.sort(key=lambda x: x[0])
        self.insert("discovered_profiles", [
            "campaign_id", "username", "source_type", "source_name", "biography", "followers_count",
            "following_count", "posts_count", "is_private", "is_verified", "is_business", "category",
            "engagement_score", "ai_score", "status", "created_at"], (x[1:] for x in disc_rows))

    # -- scraping ------------------------------------------------------------------------------
    def scraping(self):
        r, rng, c = self.r, self.rng, self.clock
        types = [("FOLLOWERS", "ACCOUNT"), ("FOLLOWING", "ACCOUNT"), ("HASHTAG", "HASHTAG"),
                 ("POST_LIKERS", "POST"), ("POST_COMMENTS", "POST")]
        tw = [0.35, 0.10, 0.22, 0.15, 0.18]
        starts = sorted(c.start + int(r() * (c.end - c.start - 6 * 3600)) for _ in range(N_SCRAPING - 1))
        starts.append(c.end - 1800 - int(r() * 3600))  # the one still IN_PROGRESS
        weights = [rng.lognormvariate(0, 0.8) for _ in starts]
        counts = allocate(N_SCRAPED_PROFILES, weights)
        sess_rows, sp_rows = [], []
        comment_sessions = []
        for j, (start, n) in enumerate(zip(starts, counts)):
            sid = j + 1
            stype, src = rng.choices(types, tw)[0]
            if src == "ACCOUNT":
                name = self.usernames[3 + int(r() * 20000)]
            elif src == "HASHTAG":
                name = rng.choice(HASHTAGS)
            else:
                name = f"https://www.instagram.com/p/{shortcode(r)}/"
            acc = None if r() < 0.05 else rng.choices([1, 2, 3], IG_SHARES)[0]
            camp = None
            eligible = [cp for cp in self.campaigns if cp[2] < start and (acc is None or cp[1] == acc)]
            if eligible and r() < 0.15:
                camp = rng.choice(eligible)[0]
            if j == len(starts) - 1:
                status = "IN_PROGRESS"
            else:
                x = r()
                status = "COMPLETED" if x < 0.75 else "ERROR" if x < 0.83 else "CANCELLED" \
                    if x < 0.90 else "INTERRUPTED"
            maxp = next(m for m in (100, 200, 300, 500, 1000, 2000, 5000, 10000) if m >= n)
            per = rng.uniform(1.5, 4.0)
            duration = int(n * per) + rng.randint(20, 120)
            if status == "IN_PROGRESS":
                duration = 0
                n = counts[j] = min(n, max(1, (c.end - start) // 4))
            end_sec = start + duration
            err = {"ERROR": rng.choice(["Rate limited by Instagram (429)", "Login required",
                                        "Device disconnected", "Could not open the followers list"]),
                   "INTERRUPTED": "Interrupted (app restart)"}.get(status)
            end_text = None if status == "IN_PROGRESS" else local_iso(end_sec, 1 + int(r() * 999_998))
            export = 1 if r() < 0.2 else 0
            csv_path = f"C:\\Users\\marie\\Documents\\TAKTIK\\exports\\{stype.lower()}_{sid}.csv" if export else None
            ai = r() < 0.8
            crit = {"min_score": rng.choice([60, 65, 70, 75, 80]),
                    "niche": rng.choice(NICHES), "languages": rng.sample(["fr", "en", "es", "de"], 2),
                    "min_followers": rng.choice([100, 500, 1000])}
            config = {"scraping_type": stype, "source": {"type": src, "name": name},
                      "max_profiles": maxp, "save_to_db": True,
                      "export": {"csv": bool(export), "path": csv_path},
                      "ai_scoring": {"enabled": ai, "model": "gpt-4o-mini", "criteria": crit},
                      "delays": {"scroll_ms": [800, 2200], "profile_ms": [1500, 4000]}}
            sess_rows.append((acc, stype, src, name, n, maxp, export, csv_path, 1, utc_text(start),
                              end_text, duration, status, err,
                              None if r() < 0.03 else json.dumps(config), camp, utc_text(start)))
            t_end = start + (duration if status != "IN_PROGRESS" else (c.end - 1 - start))
            avail = self.creation.available(t_end, lo=3)
            idxs = rng.sample(range(3, avail), min(n, avail - 3))
            times = sorted(start + int(r() * max(1, t_end - start)) for _ in idxs)
            for i, t in zip(idxs, times):
                score = q = analysis = crit_text = scored = None
                if ai and r() < 0.92:
                    score = max(0, min(100, int(rng.gauss(52, 24))))
                    q = 1 if score >= crit["min_score"] else 0
                    reasons = rng.sample(AI_REASONS_POS if q else AI_REASONS_NEG, rng.randint(1, 3))
                    analysis = json.dumps({"score": score, "qualified": bool(q), "reasons": reasons,
                                           "niche": crit["niche"],
                                           "language": rng.choice(["fr", "en", "es", "pt"]),
                                           "red_flags": [] if q else rng.sample(AI_REASONS_NEG, 1),
                                           "summary": f"{'Good' if q else 'Poor'} fit for {crit['niche']}",
                                           "model": "gpt-4o-mini"})
                    crit_text = json.dumps(crit)
                    scored = utc_text(t + rng.randint(2, 30))
                else:
                    q = 0
                sp_rows.append((sid, i + 1, utc_text(t), score, q, analysis, crit_text, scored))
            if stype == "POST_COMMENTS" or (stype == "HASHTAG" and r() < 0.3):
                comment_sessions.append((sid, start, max(600, t_end - start)))
        self.insert("scraping_sessions", ["account_id", "scraping_type", "source_type", "source_name",
                                          "total_scraped", "max_profiles", "export_csv", "csv_path",
                                          "save_to_db", "start_time", "end_time", "duration_seconds",
                                          "status", "error_message", "config_used",
                                          "discovery_campaign_id", "created_at"], sess_rows)
        self.insert("scraped_profiles", ["scraping_id", "profile_id", "scraped_at", "ai_score",
                                         "ai_qualified", "ai_analysis", "qualification_criteria",
                                         "scored_at"], sp_rows)
        # comments, in scrape order (comment_id = position + 1)
        rows = []
        legacy = int(N_SCRAPED_COMMENTS * 0.03)
        for _ in range(legacy):
            t = c.start + int(r() * 20 * 86400)
            rows.append((None, None, None, f"https://www.instagram.com/p/{shortcode(r)}/",
                         self.usernames[3 + int(r() * 5000)], rng.choice(COMMENTS),
                         int(rng.expovariate(0.3)), 0, None, utc_text(t)))
        per_session = allocate(N_SCRAPED_COMMENTS - legacy, [rng.lognormvariate(0, 0.6) for _ in comment_sessions])
        for (sid, start, span), n in zip(comment_sessions, per_session):
            done = 0
            while done < n:
                owner = 3 + int(r() * 8000)
                url = f"https://www.instagram.com/p/{shortcode(r)}/"
                k = min(n - done, rng.randint(5, 80))
                parents = []
                for q in range(k):
                    t = start + int(span * (done + q) / n)
                    commenter = self.usernames[3 + int(r() * (N_PROFILES - 3))] if r() < 0.9 else \
                        make_username(rng, set())[0]
                    is_reply = 1 if parents and r() < 0.2 else 0
                    parent = rng.choice(parents) if is_reply else None
                    text = rng.choice(COMMENTS)
                    if is_reply:
                        text = "@" + self.usernames[owner] + " " + text if r() < 0.5 else text
                    rows.append((sid, owner + 1, self.usernames[owner], url, commenter, text,
                                 int(rng.expovariate(0.2)), is_reply, parent, utc_text(t)))
                    if not is_reply:
                        parents.append(len(rows))  # this row's comment_id
                done += k
        self.insert("scraped_comments", ["scraping_session_id", "profile_id", "target_username",
                                         "post_url", "username", "content", "likes_count",
                                         "is_reply", "parent_comment_id", "scraped_at"], rows)

    # -- processed_hashtag_posts ---------------------------------------------------------------
    def hashtag_posts(self):
        r, rng = self.r, self.rng
        rows = []
        for a, k in enumerate(allocate(N_HASHTAG_POSTS, IG_SHARES)):
            mine = [s for s in self.ig_sessions if s["a"] == a and s["type"] == "HASHTAG"]
            keys = set()
            while len(keys) < k:
                s = rng.choice(mine)
                t = s["start"] + int(r() * max(1, s["end"] - s["start"]))
                author = self.usernames[self.pick_profile(a, t)]
                cap = self.caption(r, rng)
                if cap is not None:
                    cap = f"{cap} {rng.randint(1, 10**6)}" if r() < 0.5 else cap
                h = hashlib.md5(cap.encode("utf-8")).hexdigest() if cap else None
                key = (s["target"], author, h)
                if key in keys:
                    continue
                keys.add(key)
                likes = int(rng.lognormvariate(4.5, 1.5))
                rows.append((t, a + 1, s["target"], author, h, cap[:100] if cap else None, likes,
                             int(likes * rng.uniform(0, 0.1)), rng.randint(0, 50), rng.randint(0, 15),
                             utc_text(t)))
        rows.sort(key=lambda x: x[0])
        self.insert("processed_hashtag_posts", ["account_id", "hashtag", "post_author",
                                                "post_caption_hash", "post_caption_preview",
                                                "likes_count", "comments_count", "likers_processed",
                                                "interactions_made", "processed_at"],
                    (x[1:] for x in rows))

    # -- TikTok ----------------------------------------------------------------------------------
    def tiktok(self):
        r, rng, c = self.r, self.rng, self.clock
        n = N_TT_PROFILES
        self.tt_creation = Creation(n, c.start - 20 * 86400, c.end - 3600, rng)
        taken = set()
        rows = []
        tt_names = []
        for i in range(n):
            u, person, fd, ld, w = make_username(rng, taken, tiktok=True)
            tt_names.append(u)
            x = r()
            if x < 0.05:
                dn = None
            elif x < 0.09:
                dn = ""
            else:
                dn = make_full_name(rng, person, fd, ld, w) or fd
                if r() < 0.06:
                    dn += " " + rng.choice(EMOJI)
            followers = long_tail_followers(rng)
            created = self.tt_creation.created(i)
            rows.append((u, dn, maybe_null(rng, followers), maybe_null(rng, int(rng.lognormvariate(5.5, 1.1))),
                         maybe_null(rng, int(followers * rng.lognormvariate(2.5, 1.0))),
                         maybe_null(rng, int(rng.lognormvariate(3.5, 1.3))),
                         1 if r() < 0.1 else 0,
                         1 if r() < (0.4 if followers > 500_000 else 0.003) else 0,
                         make_bio(rng), utc_text(created),
                         utc_text(min(c.end - 60, created + int(r() * 30 * 86400)))))
        self.insert("tiktok_profiles", ["username", "display_name", "followers_count",
                                        "following_count", "likes_count", "videos_count",
                                        "is_private", "is_verified", "biography", "created_at",
                                        "updated_at"], rows)
        members = []
        for a in range(2):
            members.append(bytearray(1 if r() < TT_SUBSET[a] else 0 for _ in range(n)))

        def pick(a, t):
            avail = self.tt_creation.available(t)
            m = members[a]
            i = 0
            for _ in range(12):
                i = avail - 1 - int(r() * min(avail, 1500)) if r() < 0.55 else int(r() * avail)
                if m[i]:
                    return i
            return i

        plans = self.plan_sessions(N_TT_SESSIONS, TT_SHARES, TT_ACTIVE_DAY_P, (0.07, 0.05))
        budget = allocate(N_TT_INTERACTIONS, TT_SHARES)
        no_session = [int(b * 0.01) for b in budget]
        workflows = ["FOR_YOU", "HASHTAG", "FOLLOWERS", "SEARCH"]
        sessions = []
        for sid, (a, start, slot, status, d) in enumerate(plans, 1):
            wf = rng.choices(workflows, [0.5, 0.25, 0.15, 0.10])[0]
            target = None if wf == "FOR_YOU" else rng.choice(HASHTAGS) if wf in ("HASHTAG", "SEARCH") \
                else tt_names[int(r() * 3000)]
            w = rng.lognormvariate(0, 0.5) * (0.35 if status in ("FAILED", "ERROR") else 0.4
                                              if status == "ACTIVE" else 1)
            sessions.append({"id": sid, "a": a, "start": start, "slot": slot, "status": status,
                             "day": d, "wf": wf, "target": target, "w": w})
        for a in range(2):
            mine = [s for s in sessions if s["a"] == a]
            for s, k in zip(mine, allocate(budget[a] - no_session[a], [s["w"] for s in mine])):
                s["n"] = k

        daily = {}

        def bump(a, sec, col, amount=1):
            key = (a, c.day_index(sec))
            row = daily.get(key)
            if row is None:
                row = daily[key] = [0] * 11 + [sec, sec]
            row[col] += amount
            row[11] = min(row[11], sec)
            row[12] = max(row[12], sec)

        irows = []

        def emit(a, sid, start, dur, k, success_p, counters):
            events = []
            while len(events) < k:
                t_mid = start + int(dur * len(events) / max(k, 1))
                p = pick(a, t_mid)
                vid = str(rng.randint(71 * 10**17, 745 * 10**16))
                seq = ["POST_WATCH"]
                if r() < 0.45:
                    seq.append("LIKE")
                if r() < 0.10:
                    seq.append("FAVORITE")
                if r() < 0.05:
                    seq.append("SHARE")
                if r() < 0.04:
                    seq.append("COMMENT")
                if r() < 0.08:
                    seq.append("PROFILE_VISIT")
                    if r() < 0.5:
                        seq.append("FOLLOW")
                for typ in seq:
                    events.append((p, typ, None if typ in ("PROFILE_VISIT", "FOLLOW") else vid))
            del events[k:]
            offsets = sorted(r() for _ in range(k))
            for (p, typ, vid), off in zip(events, offsets):
                sec = start + int(off * dur)
                micro = 1 + int(r() * 999_998)
                text = local_iso(sec, micro) if r() < 0.15 else utc_text(sec)
                ok = 1 if r() < success_p else 0
                if counters is not None:
                    if ok:
                        counters[TT_SESSION_COUNTER[typ]] += 1
                    else:
                        counters["errors"] += 1
                content = rng.choice(COMMENTS) if typ == "COMMENT" else None
                irows.append((sec * 1_000_000 + micro, sid, a + 1, p + 1, typ, text, ok, content, vid))
                bump(a, sec, TT_COUNTER[typ])

        srows = []
        for s in sessions:
            a, start, k, status = s["a"], s["start"], s["n"], s["status"]
            if status == "ACTIVE":
                dur = s["slot"]
                k = s["n"] = min(k, max(20, dur // 5))
            else:
                dur = max(120, min(s["slot"], int(k * rng.uniform(6.0, 11.0)) + 60))
            counters = {x: 0 for x in TT_SESSION_COUNTER_ORDER}
            emit(a, s["id"], start, dur, k, 0.8 if status in ("FAILED", "ERROR") else 0.97, counters)
            s["end"] = start + dur
            bump(a, start, 7)
            if status == "ACTIVE":
                counters = {x: 0 for x in TT_SESSION_COUNTER_ORDER}  # written only when it ends
                end_text, duration, err, updated = None, 0, None, utc_text(start)
            else:
                duration = dur
                end_text = local_iso(start + dur, 1 + int(r() * 999_998))
                updated = utc_text(start + dur)
                bump(a, start + dur, 8 if status == "COMPLETED" else 9)
                bump(a, start + dur, 10, duration)
                err = None if status == "COMPLETED" else rng.choice(
                    ["App crashed", "Device disconnected", "Captcha detected",
                     "UiObjectNotFoundException: com.zhiliaoapp.musically:id/like_button"])
            mx = rng.choice([50, 80, 100, 150])
            config = None if r() < 0.03 else json.dumps({
                "workflow": s["wf"], "target": s["target"],
                "limits": {"max_videos": mx, "max_likes": mx // 2, "max_follows": mx // 10,
                           "max_comments": rng.choice([0, 3, 5]), "session_minutes": rng.choice([20, 30, 45])},
                "actions": ["watch", "like", "favorite", "follow", "share", "comment"][:rng.randint(2, 6)],
                "probabilities": {"like": 0.45, "favorite": 0.1, "share": 0.05, "follow": 0.04},
                "watch_time": {"min_seconds": 3, "max_seconds": rng.choice([12, 15, 25])},
                "filters": {"min_followers": rng.choice([0, 100, 1000]), "skip_private": True},
                "comments": rng.sample(COMMENTS, 2)})
            name = {"FOR_YOU": "For You feed", "HASHTAG": f"#{s['target']}",
                    "FOLLOWERS": f"Followers of @{s['target']}", "SEARCH": f"Search: {s['target']}"}[s["wf"]]
            srows.append((a + 1, name, s["wf"], s["target"], utc_text(start), end_text, duration,
                          config, status, *[counters[x] for x in TT_SESSION_COUNTER_ORDER], err,
                          utc_text(start), updated))
        self.insert("tiktok_sessions", ["account_id", "session_name", "workflow_type", "target",
                                        "start_time", "end_time", "duration_seconds", "config_used",
                                        "status", *TT_SESSION_COUNTER_ORDER, "error_message",
                                        "created_at", "updated_at"], srows)
        for a in range(2):
            days = sorted(set(s["day"] for s in sessions if s["a"] == a and s["status"] != "ACTIVE"))
            left = no_session[a]
            while left > 0:
                d = rng.choice(days)
                start = wall_to_epoch(c.days[d], 9 * 3600 + r() * 13 * 3600)
                k = min(left, rng.randint(1, 4))
                emit(a, None, start, 180, k, 0.97, None)
                left -= k
        irows.sort(key=lambda x: x[0])
        self.insert("tiktok_interaction_history", ["session_id", "account_id", "profile_id",
                                                   "interaction_type", "interaction_time", "success",
                                                   "content", "video_id"], (x[1:] for x in irows))
        drows = []
        for (a, d), v in sorted(daily.items()):
            if 0 <= d < DAYS:
                drows.append((a + 1, c.day_text[d], *v[:11], utc_text(v[11]), utc_text(v[12])))
        self.insert("tiktok_daily_stats", ["account_id", "date", *TT_DAILY_COLS, "created_at",
                                           "updated_at"], drows)
        frows = []
        for a, k in enumerate(allocate(N_TT_FILTERED, TT_SHARES)):
            mine = [s for s in sessions if s["a"] == a]
            seen = set()
            while len(seen) < k:
                s = rng.choice(mine)
                t = s["start"] + int(r() * max(1, s["end"] - s["start"]))
                p = pick(a, t)
                if p in seen:
                    continue
                seen.add(p)
                src = {"HASHTAG": "HASHTAG", "FOLLOWERS": "FOLLOWERS", "SEARCH": "SEARCH"}.get(s["wf"], "GENERAL")
                frows.append((t, p + 1, a + 1, tt_names[p], utc_text(t), rng.choice(FILTER_REASONS),
                              src, s["target"] or "unknown", s["id"] if r() < 0.9 else None))
        frows.sort(key=lambda x: x[0])
        self.insert("tiktok_filtered_profiles", ["profile_id", "account_id", "username",
                                                 "filtered_at", "reason", "source_type",
                                                 "source_name", "session_id"],
                    (x[1:] for x in frows))

    def run(self):
        conn = self.conn
        self.accounts()
        self.profiles()
        conn.commit()
        self.phase(f"instagram_profiles ({N_PROFILES})")
        self.instagram_activity()
        conn.commit()
        self.phase("sessions + daily_stats")
        self.filtered_profiles()
        self.stats_history()
        self.posts()
        conn.commit()
        self.phase("filtered_profiles + profile_stats_history + instagram_posts")
        self.discovery()
        self.scraping()
        self.hashtag_posts()
        conn.commit()
        self.phase("discovery + scraping + processed_hashtag_posts")
        self.tiktok()
        conn.commit()
        self.phase("tiktok")


# ---------------------------------------------------------------------------
# Summary (also read back from a cached file)
# ---------------------------------------------------------------------------


def one(conn, sql, params=()):
    row = conn.execute(sql, params).fetchone()
    return None if row is None else row[0]


def summarize(conn, tables):
    counts = {t: one(conn, f"SELECT COUNT(*) FROM {t}") for t in tables}
    top = "GROUP BY {g} ORDER BY COUNT(*) DESC, {g} LIMIT 1"
    account = one(conn, f"SELECT account_id FROM interaction_history {top.format(g='account_id')}")
    busiest = {
        "accountId": account,
        "tiktokAccountId": one(conn, "SELECT account_id FROM tiktok_interaction_history "
                               + top.format(g="account_id")),
        "sessionId": one(conn, "SELECT session_id FROM interaction_history WHERE session_id IS NOT NULL "
                         + top.format(g="session_id")),
        "tiktokSessionId": one(conn, "SELECT session_id FROM tiktok_interaction_history "
                               "WHERE session_id IS NOT NULL " + top.format(g="session_id")),
        "profileId": one(conn, "SELECT profile_id FROM profile_stats_history " + top.format(g="profile_id")),
        "scrapingId": one(conn, "SELECT scraping_id FROM scraped_profiles " + top.format(g="scraping_id")),
        "campaignId": one(conn, "SELECT campaign_id FROM discovered_profiles " + top.format(g="campaign_id")),
        "username": one(conn, "SELECT p.username FROM instagram_profiles p JOIN (SELECT profile_id "
                        "FROM interaction_history WHERE account_id = ? "
                        + top.format(g="profile_id") + ") t ON t.profile_id = p.profile_id",
                        (account,)),
    }
    accounts = {
        "instagram": [r[0] for r in conn.execute("SELECT account_id FROM instagram_accounts ORDER BY account_id")],
        "tiktok": [r[0] for r in conn.execute("SELECT account_id FROM tiktok_accounts ORDER BY account_id")],
    }
    return counts, accounts, busiest


# ---------------------------------------------------------------------------
# File handling
# ---------------------------------------------------------------------------

class Refuse(Exception):
    pass


def inspect_existing(path):
    """'absent' | 'ours' (complete, same version+seed) | 'stale' (ours, other seed/version)
    | 'empty' | 'foreign'."""
    if not os.path.exists(path):
        return "absent", None
    if os.path.getsize(path) == 0:
        return "empty", None
    try:
        conn = sqlite3.connect(path, timeout=30.0)
        try:
            app_id = one(conn, "PRAGMA application_id")
            version = one(conn, "PRAGMA user_version")
            n_tables = one(conn, "SELECT COUNT(*) FROM sqlite_master")
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return "foreign", None
    if app_id == APPLICATION_ID:
        return "ours", version
    if n_tables == 0 and version == 0:
        return "empty", None
    return "foreign", None


def remove_quietly(*paths):
    for p in paths:
        try:
            os.remove(p)
        except FileNotFoundError:
            pass


def build(out, seed, anchor, pyside, schema):
    directory = os.path.dirname(out)
    os.makedirs(directory, exist_ok=True)
    tmp = os.path.join(directory, f".{os.path.basename(out)}.{os.getpid()}.tmp.db")
    sidecars = [tmp + "-wal", tmp + "-shm", tmp + "-journal"]
    remove_quietly(tmp, *sidecars)
    try:
        conn = pyside.connect(tmp)  # timeout=30.0, journal_mode=WAL, foreign_keys=ON, like the bot
        conn.row_factory = None
        pyside.bootstrap(conn, schema)  # CREATE TABLE/INDEX IF NOT EXISTS + migrations, as Python does
        conn.execute("PRAGMA synchronous=OFF")  # generation only; not stored in the file
        conn.execute("PRAGMA cache_size=-262144")
        conn.execute("PRAGMA temp_store=MEMORY")
        Generator(conn, seed, anchor).run()
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version={marker_for(seed)}")  # the completion marker, last
        conn.commit()
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            raise RuntimeError(f"foreign key violations: {fk[:5]}")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        remove_quietly(*sidecars)
        # a stale -wal/-shm of the file we replace must never be applied to the new one
        remove_quietly(out + "-wal", out + "-shm", out + "-journal")
        os.replace(tmp, out)
    except BaseException:
        remove_quietly(tmp, *sidecars)
        raise


def main(argv=None):
    p = argparse.ArgumentParser(prog="generate.py",
                                description="Build (or reuse) the taktik-db benchmark database.")
    p.add_argument("out", metavar="OUT_PATH", help="the SQLite file to create")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    p.add_argument("--force", action="store_true", help="rebuild even if OUT_PATH is complete; "
                   "overwrite a file this generator did not write")
    p.add_argument("--anchor", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                   help="local date treated as 'today' (default: today); data covers the 365 days before it")
    p.add_argument("--schema", default=None, help="schema.json (default: the one pyside.py uses)")
    args = p.parse_args(argv)
    t0 = time.monotonic()
    out = os.path.abspath(args.out)
    try:
        pyside = load_pyside()
        schema = pyside.load_schema(args.schema or pyside.DEFAULT_SCHEMA)
        state, version = inspect_existing(out)
        cached = state == "ours" and version == marker_for(args.seed) and not args.force
        if not cached:
            if state == "foreign" and not args.force:
                raise Refuse(f"{out} exists and was not written by this generator; "
                             "pass --force to overwrite it")
            anchor = args.anchor or date.today()
            log(f"building {out} (seed {args.seed}, anchor {anchor}, was: {state})")
            build(out, args.seed, anchor, pyside, schema)
        else:
            log(f"{out} is complete (seed {args.seed}); skipping generation")
        conn = sqlite3.connect(out, timeout=30.0)
        try:
            counts, accounts, busiest = summarize(conn, list(schema))
        finally:
            conn.close()
    except Refuse as exc:
        sys.stderr.write(f"generate.py: error: {exc}\n")
        return 2
    except Exception as exc:  # noqa: BLE001
        sys.stderr.write(f"generate.py: error: {type(exc).__name__}: {exc}\n")
        return 1
    result = {"path": out, "seconds": round(time.monotonic() - t0, 2), "cached": cached,
              "seed": args.seed, "counts": counts, "accounts": accounts, "busiest": busiest}
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

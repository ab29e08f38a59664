"""A synthetic archive for the benchmark: articles, readers, subscribers, gifts, reading lists.

The schema comes from the real migrations (`flask db upgrade`); rows go in with Core bulk
inserts inside one transaction, so 100,000 articles take seconds rather than minutes.
"""

import random
import secrets
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from newsroom.articles.rendering import render_body
from newsroom.core import clock
from newsroom.models import (
    Article,
    ArticleRead,
    Author,
    DailyArticleViews,
    Gift,
    Job,
    ReadingListItem,
    Subscription,
    User,
)
from newsroom.search import indexing

ROOT = Path(__file__).resolve().parent.parent
FLASK = ROOT / ".venv" / "bin" / "flask"

# Appears only deep in the locked part of locked articles: a page that shows it has sent
# the body; a teaser that shows it has leaked it.
SENTINEL = "bench-locked-sentinel-7f3a"
PASSWORD = "Bench-password-1"
# Cheap on purpose: logging in hundreds of benchmark users must not dominate set-up time.
# The server runs with the same method, so no hash is upgraded during the run.
PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
TIMEZONE = "Europe/Copenhagen"
SECTIONS = ("Debate", "Economy", "Climate", "Cities", "Education", "Health", "World", "Tech")
KINDS = ("commentary", "commentary", "analysis", "editorial")
LANGUAGES = ("da", "en", "sv")
BODY_VARIANTS = 24
CHUNK = 5_000


@dataclass(frozen=True)
class Size:
    articles: int = 10_000
    readers: int = 2_000  # registered accounts, subscribers included
    subscribers: int = 500  # readers with an active Digital+ period
    gifts_this_month: int = 2  # per subscriber: leaves room to give more during the run
    gifts_earlier: int = 5  # per subscriber, in past months (links long expired)
    reading_list: int = 20  # saved articles per subscriber


@dataclass
class Dataset:
    """What the scenarios need to know about the rows that were written."""

    url: str
    size: Size
    locked_slugs: list[str] = field(default_factory=list)
    free_slugs: list[str] = field(default_factory=list)
    subscriber_emails: list[str] = field(default_factory=list)
    reader_emails: list[str] = field(default_factory=list)
    # (slug, public_id, created_at) of gifts whose links are still valid
    open_gifts: list[tuple[str, str, datetime]] = field(default_factory=list)
    # Words each found in about ARTICLES_PER_TOPIC leads, whatever the archive's size
    topics: list[str] = field(default_factory=list)
    build_seconds: float = 0.0


def migrate(url: str) -> None:
    """Create the schema through Alembic, exactly as an operator would."""
    env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [str(FLASK), "--app", "app", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


VOCABULARY = (
    "the council budget housing port energy grid school reform tariff market rent voters "
    "transport water farmers policy evidence labour prices growth region climate debate "
    "hospital waiting list exporters supply chain interest rates first-time buyers"
)


# Made-up topic words: each article's lead names one, so a search for one matches a few
# dozen articles at every archive size, as a specific search on a news site does.
ARTICLES_PER_TOPIC = 20
_ONSETS = ("b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "sk", "tr")
_VOWELS = ("a", "e", "i", "o", "u", "y", "å", "ø")
_CODAS = ("l", "n", "r", "s", "t", "nd", "rk", "st", "ld", "mp")


def topic_words(count: int) -> list[str]:
    syllables = [o + v + c for o in _ONSETS for v in _VOWELS for c in _CODAS]
    rng = random.Random(count)
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < count:
        word = rng.choice(syllables) + rng.choice(syllables) + "ing"
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _words(rng: random.Random, n: int) -> str:
    vocabulary = VOCABULARY.split(" ")
    return " ".join(rng.choice(vocabulary) for _ in range(n))


def _bodies(rng: random.Random) -> list[tuple[str, str, str, str, int]]:
    """A few distinct bodies, rendered once with the site's own renderer.

    Returns (teaser, rest, locked rest, word count); the locked rest carries the sentinel in
    its last paragraph.
    """
    bodies = []
    for i in range(BODY_VARIANTS):
        paragraphs = [_words(rng, rng.randint(50, 80)) + "." for _ in range(9)]
        paragraphs.insert(4, f"## Part {i}")
        plain = render_body("\n\n".join(paragraphs))
        locked = render_body("\n\n".join([*paragraphs, f"Closing note {SENTINEL}."]))
        bodies.append((plain.teaser_html, plain.rest_html, locked.rest_html, plain.word_count))
    return bodies


def _insert(conn, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        conn.execute(insert(model), rows[start : start + CHUNK])


def _month_start(now: datetime) -> datetime:
    local = now.astimezone(clock.zone(TIMEZONE)).date()
    return clock.start_of_local_day(date(local.year, local.month, 1), TIMEZONE)


def build(url: str, size: Size, seed: int = 5) -> Dataset:
    """Migrate an empty database at `url` and fill it."""
    started = time.monotonic()
    migrate(url)
    rng = random.Random(seed)
    now = datetime.now(UTC)
    data = Dataset(url=url, size=size)
    bodies = _bodies(rng)
    password_hash = generate_password_hash(PASSWORD, method=PASSWORD_HASH_METHOD)

    authors = [
        {"id": i + 1, "name": f"Author {i + 1:03d} Writer", "title": "specialist commentator"}
        for i in range(min(200, max(10, size.articles // 50)))
    ]
    data.topics = topic_words(max(1, size.articles // ARTICLES_PER_TOPIC))
    articles = []
    for i in range(size.articles):
        locked = i % 2 == 0
        teaser, rest, locked_rest, words = bodies[i % BODY_VARIANTS]
        slug = f"bench-article-{i + 1:06d}"
        published = now - timedelta(minutes=30 + i * 7)
        articles.append(
            {
                "id": i + 1,
                "slug": slug,
                "section": SECTIONS[i % len(SECTIONS)],
                "kind": KINDS[i % len(KINDS)],
                "headline": f"Headline {i + 1}: {_words(rng, 6)}",
                "lead": _words(rng, 25) + f" {data.topics[i % len(data.topics)]}.",
                "author_id": authors[i % len(authors)]["id"],
                "language": LANGUAGES[i % len(LANGUAGES)],
                "published_at": published,
                "locked": locked,
                "is_published": True,
                "image": None,
                "teaser_html": teaser,
                "rest_html": locked_rest if locked else rest,
                "word_count": words,
                "created_at": published,
                "updated_at": published,
            }
        )
        (data.locked_slugs if locked else data.free_slugs).append(slug)

    users, subscriptions = [], []
    for i in range(size.readers):
        email = f"reader{i + 1:05d}@bench.example"
        users.append(
            {
                "id": i + 1,
                "email": email,
                "name": f"Reader{i + 1} Bench",
                "password_hash": password_hash,
                "session_version": 1,
                "created_at": now - timedelta(days=400),
            }
        )
        if i < size.subscribers:
            data.subscriber_emails.append(email)
            subscriptions.append(
                {
                    "user_id": i + 1,
                    "plan": "digital_plus",
                    "starts_at": now - timedelta(days=200),
                    "ends_at": now + timedelta(days=165),
                    "cancelled_at": None,
                    "created_at": now - timedelta(days=200),
                }
            )
        else:
            data.reader_emails.append(email)
            if i % 10 == 0:  # a lapsed subscriber: rows that must not grant access
                subscriptions.append(
                    {
                        "user_id": i + 1,
                        "plan": "digital_plus",
                        "starts_at": now - timedelta(days=400),
                        "ends_at": now - timedelta(days=35),
                        "cancelled_at": None,
                        "created_at": now - timedelta(days=400),
                    }
                )

    locked_ids = list(range(1, size.articles + 1, 2))
    month_start = _month_start(now)
    gifts, saved = [], []
    for user_id in range(1, size.subscribers + 1):
        picks = rng.sample(locked_ids, min(len(locked_ids), size.gifts_this_month))
        for article_id in picks:
            created = max(
                month_start + timedelta(minutes=1), now - timedelta(hours=rng.randint(1, 240))
            )
            public_id = secrets.token_hex(16)
            gifts.append(_gift(public_id, user_id, article_id, created, revoked=False))
            data.open_gifts.append((articles[article_id - 1]["slug"], public_id, created))
        for months_back in range(1, size.gifts_earlier + 1):
            created = month_start - timedelta(days=30 * months_back - 3)
            article_id = rng.choice(locked_ids)
            gifts.append(_gift(secrets.token_hex(16), user_id, article_id, created, revoked=False))
        for n, article_id in enumerate(
            rng.sample(range(1, size.articles + 1), min(size.articles, size.reading_list))
        ):
            saved.append(
                {
                    "user_id": user_id,
                    "article_id": article_id,
                    "saved_at": now - timedelta(hours=n * 5 + 1),
                }
            )

    today = clock.local_date(now, TIMEZONE)
    views = [
        {"article_id": a, "day": today - timedelta(days=d), "views": rng.randint(1, 900)}
        for d in range(7)
        for a in rng.sample(range(1, size.articles + 1), min(size.articles, 300))
    ]
    jobs = [
        {
            "title": f"Job {i + 1}",
            "employer": f"Employer {i % 17}",
            "location": "Copenhagen",
            "url": f"https://jobs.bench.example/{i + 1}",
            "posted_at": now - timedelta(hours=i * 3),
        }
        for i in range(60)
    ]

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            _insert(conn, Author, authors)
            _insert(conn, Article, articles)
            _insert(conn, User, users)
            _insert(conn, Subscription, subscriptions)
            _insert(conn, Gift, gifts)
            _insert(conn, ReadingListItem, saved)
            _insert(conn, DailyArticleViews, views)
            _insert(conn, Job, jobs)
            if engine.dialect.name == "postgresql":
                # Explicit ids were inserted: move the sequences past them.
                for table in ("authors", "articles", "users"):
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))"
                        )
                    )
        with Session(engine) as session:  # as `newsroom reindex` fills it
            indexing.reindex_all(session, batch=2_000)
            session.commit()
        # Planner statistics, as a live database would have them (autovacuum on PostgreSQL).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    finally:
        engine.dispose()
    data.build_seconds = time.monotonic() - started
    return data


def _gift(public_id: str, giver_id: int, article_id: int, created: datetime, revoked: bool) -> dict:
    return {
        "public_id": public_id,
        "giver_id": giver_id,
        "article_id": article_id,
        "month": clock.month_key(created, TIMEZONE),
        "created_at": created,
        "expires_at": created + timedelta(days=30),
        "revoked_at": created + timedelta(days=1) if revoked else None,
        "open_count": 0,
    }


def user_id_of(email: str) -> int:
    """Benchmark accounts are numbered: reader00042@bench.example is user 42."""
    return int(email.removeprefix("reader").split("@", 1)[0])


def set_reads_today(url: str, pairs: list[tuple[int, int]], read: bool) -> None:
    """Make each (user id, article id) read earlier today (read=True: opening it again writes
    nothing) or not read at all (read=False: the next open is the day's first and writes)."""
    now = datetime.now(UTC)
    today = clock.local_date(now, TIMEZONE)
    table = ArticleRead.__table__
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            users = sorted({u for u, _ in pairs})
            for start in range(0, len(users), 500):
                chunk = users[start : start + 500]
                conn.execute(table.delete().where(table.c.user_id.in_(chunk)))
            if read:
                rows = [
                    {
                        "user_id": u,
                        "article_id": a,
                        "first_read_at": now,
                        "last_read_at": now,  # after any save, so no second write is due
                        "last_read_on": today,
                    }
                    for u, a in sorted(set(pairs))
                ]
                _insert(conn, ArticleRead, rows)
    finally:
        engine.dispose()


def forget_writes(url: str, since: datetime) -> None:
    """Delete gifts and saved articles made during the run, so every write round starts alike."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(Gift.__table__.delete().where(Gift.created_at >= since))
            table = ReadingListItem.__table__
            conn.execute(table.delete().where(table.c.saved_at >= since))
    finally:
        engine.dispose()

"""What each scenario asks the server for, as lists of requests wrk picks from at random."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from urllib.parse import quote

from bench.dataset import SECTIONS, Dataset, set_reads_today, user_id_of
from bench.sessions import USER_AGENT, Login
from bench.wrk import Request
from newsroom.core import signing
from newsroom.core.slugs import slugify

PICKS = 2_000  # distinct requests per scenario: many readers, many articles
# First reads: so many distinct (reader, article) pairs that a run of a few thousand random
# picks rarely opens one twice.
FIRST_READ_PICKS = 20_000
COMMON_WORDS = ("housing", "energy", "policy", "voters", "climate")


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    server: str  # "bare" or "site"
    expected: frozenset[int]  # statuses that are outcomes, not errors
    requests: list[Request]
    target_ratio: float | None = None
    target_p99_ms: float | None = None
    resets_writes: bool = False  # forget the rows earlier rounds wrote before running
    prepare: Callable[[str], None] | None = None  # called with the database URL before each run
    article_page: bool = False  # repeated by --scale


READ = frozenset({200})
GIFT_OUTCOMES = frozenset({200, 201, 409})
SAVE_OUTCOMES = frozenset({200, 201})


def _get(path: str, cookie: str | None = None) -> Request:
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html"}
    if cookie:
        headers["Cookie"] = cookie
    return Request("GET", path, headers)


def _json_post(path: str, login: Login) -> Request:
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/json",
        "X-CSRFToken": login.csrf,
        "Cookie": login.cookie,
    }
    return Request("POST", path, headers, "")


def _reads_today(pairs: list[tuple[int, int]], read: bool, url: str) -> None:
    set_reads_today(url, pairs, read)


def bare() -> Scenario:
    return Scenario("bare", "bare Flask route", "bare", READ, [_get("/")])


def build(
    data: Dataset, logins: list[Login], secret_key: str, reading_list: bool, seed: int = 11
) -> list[Scenario]:
    """The site scenarios, in the order they run in every round."""
    rng = random.Random(seed)
    locked = data.locked_slugs

    def slugs() -> list[str]:
        return [rng.choice(locked) for _ in range(PICKS)]

    def reader_pairs(count: int) -> list[tuple[Login, str]]:
        picked, seen = [], set()
        while len(picked) < count:
            login, slug = rng.choice(logins), rng.choice(locked)
            if (login.email, slug) not in seen:
                seen.add((login.email, slug))
                picked.append((login, slug))
        return picked

    def article_id(slug: str) -> int:
        return int(slug.rsplit("-", 1)[1])  # bench-article-000042 is article 42

    rereads = reader_pairs(PICKS)
    first_reads = reader_pairs(min(FIRST_READ_PICKS, len(logins) * len(locked) // 2))
    gift_links = [
        _get(f"/articles/{slug}?gift={quote(signing.sign_gift(public_id, created, [secret_key]))}")
        for slug, public_id, created in data.open_gifts[:PICKS]
    ]
    scenarios = [
        Scenario(
            "front", "front page", "site", READ, [_get("/")], target_ratio=0.50, article_page=True
        ),
        Scenario(
            "article_anonymous",
            "locked article, anonymous (teaser)",
            "site",
            READ,
            [_get(f"/articles/{s}") for s in slugs()],
            target_ratio=0.60,
            article_page=True,
        ),
        Scenario(
            "article_subscriber",
            "locked article, subscriber (full)",
            "site",
            READ,
            [_get(f"/articles/{s}", rng.choice(logins).cookie) for s in slugs()],
            target_ratio=0.45,
            article_page=True,
        ),
        Scenario(
            "article_subscriber_reread",
            "locked article, subscriber re-reading (read earlier today: no write)",
            "site",
            READ,
            [_get(f"/articles/{slug}", login.cookie) for login, slug in rereads],
            target_ratio=0.45,
            article_page=True,
            prepare=partial(
                _reads_today,
                [(user_id_of(login.email), article_id(slug)) for login, slug in rereads],
                True,
            ),
        ),
        Scenario(
            "article_subscriber_first_read",
            "locked article, subscriber's first read of the day (writes history)",
            "site",
            READ,
            [_get(f"/articles/{slug}", login.cookie) for login, slug in first_reads],
            target_ratio=0.25,
            article_page=True,
            prepare=partial(
                _reads_today,
                [(user_id_of(login.email), article_id(slug)) for login, slug in first_reads],
                False,
            ),
        ),
        Scenario(
            "gift_open",
            "gift link opened by a recipient",
            "site",
            READ,
            gift_links,
            target_ratio=0.25,
            article_page=True,
        ),
        Scenario(
            "gift_create",
            "gift creation (POST JSON)",
            "site",
            GIFT_OUTCOMES,
            [_json_post(f"/articles/{s}/gift", rng.choice(logins)) for s in slugs()],
            target_p99_ms=50,
            resets_writes=True,
        ),
    ]
    scenarios += [
        Scenario(
            "search",
            "search, anonymous (a topic word: about 20 matches)",
            "site",
            READ,
            [_get(f"/search?q={quote(rng.choice(data.topics))}") for _ in range(PICKS)],
            target_ratio=0.20,
            article_page=True,
        ),
        Scenario(
            "search_common",
            "search, anonymous (a word in nearly every article)",
            "site",
            READ,
            [_get(f"/search?q={quote(rng.choice(COMMON_WORDS))}") for _ in range(PICKS)],
        ),
        Scenario(
            "section",
            "section page, anonymous (pages 1-3)",
            "site",
            READ,
            [
                _get(f"/sections/{slugify(rng.choice(SECTIONS))}?page={rng.randint(1, 3)}")
                for _ in range(PICKS)
            ],
            target_ratio=0.20,
            article_page=True,
        ),
    ]
    if reading_list:
        scenarios.append(
            Scenario(
                "reading_list_add",
                "reading-list add (POST JSON)",
                "site",
                SAVE_OUTCOMES,
                [_json_post(f"/reading-list/{s}", rng.choice(logins)) for s in slugs()],
                target_p99_ms=50,
                resets_writes=True,
            )
        )
    return scenarios

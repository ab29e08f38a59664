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
# The popularity mix: the n-th most read item is asked for in proportion to 1 / n^ZIPF, so a
# few articles take most requests and a long tail the rest, as readers do on a news site.
ZIPF = 1.1
# First reads: so many distinct (reader, article) pairs that a run of a few thousand random
# picks rarely opens one twice.
FIRST_READ_PICKS = 20_000
COMMON_WORDS = ("housing", "energy", "policy", "voters", "climate")


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    server: str  # "bare", "site", or "varnish" (the shipped cache in front of the site)
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


def popular(rng: random.Random, items: list, count: int) -> list:
    """`count` picks from `items`, the first most often (a Zipf distribution)."""
    weights = [1 / (rank**ZIPF) for rank in range(1, len(items) + 1)]
    return rng.choices(items, weights=weights, k=count)


def _reads_today(pairs: list[tuple[int, int]], read: bool, url: str) -> None:
    set_reads_today(url, pairs, read)


def section_pages() -> list[tuple[str, int]]:
    """Every section's first pages, front pages first: readers seldom page far."""
    return [(slugify(name), page) for page in (1, 2, 3) for name in SECTIONS]


def section_page(pick: tuple[str, int]) -> str:
    slug, page = pick
    return f"/sections/{slug}" if page == 1 else f"/sections/{slug}?page={page}"


def bare() -> Scenario:
    return Scenario("bare", "bare Flask route", "bare", READ, [_get("/")])


def build(
    data: Dataset,
    logins: list[Login],
    secret_key: str,
    reading_list: bool,
    varnish: bool = False,
    seed: int = 11,
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
    popular_slugs = popular(rng, locked, PICKS)
    scenarios += [
        Scenario(
            "article_anonymous_popular",
            "locked article, anonymous, popularity mix",
            "site",
            READ,
            [_get(f"/articles/{s}") for s in popular_slugs],
            target_ratio=0.60,
            article_page=True,
        ),
        Scenario(
            "article_subscriber_popular",
            "locked article, subscriber re-reading, popularity mix",
            "site",
            READ,
            [_get(f"/articles/{s}", rng.choice(logins).cookie) for s in popular_slugs],
            target_ratio=0.45,
            article_page=True,
        ),
        Scenario(
            "search",
            "search, anonymous (a topic word: about 20 matches)",
            "site",
            READ,
            [_get(f"/search?q={quote(rng.choice(data.topics))}") for _ in range(PICKS)],
            article_page=True,
        ),
        Scenario(
            "search_popular",
            "search, anonymous, popularity mix of topic words",
            "site",
            READ,
            [_get(f"/search?q={quote(t)}") for t in popular(rng, data.topics, PICKS)],
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
            article_page=True,
        ),
        Scenario(
            "section_popular",
            "section page, anonymous, popularity mix of sections and pages",
            "site",
            READ,
            [_get(section_page(p)) for p in popular(rng, section_pages(), PICKS)],
            target_ratio=0.20,
            article_page=True,
        ),
    ]
    if varnish:
        scenarios += [
            Scenario(
                "front_varnish",
                "front page, anonymous, through Varnish",
                "varnish",
                READ,
                [_get("/")],
                article_page=True,
            ),
            Scenario(
                "article_anonymous_varnish",
                "locked article, anonymous, popularity mix, through Varnish",
                "varnish",
                READ,
                [_get(f"/articles/{s}") for s in popular_slugs],
                target_ratio=3.0,
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

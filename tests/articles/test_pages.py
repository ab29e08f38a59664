"""The reading site over HTTP: front page, article page and paywall, feed, sitemap, 404."""

import html
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from newsroom.billing import subscriptions
from newsroom.extensions import db
from newsroom.models import Job, Subscription, User
from tests.helpers import SENTINEL

COMMENTARY_LABEL = (
    "This is a commentary: the site publishes commentary by specialists and opinion makers; "
    "every commentary expresses the writer's own view"
)
TEASER = "The opening paragraph anyone may read."
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
META = re.compile(r'<meta (?:property|name)="((?:og|twitter):[a-z_:]+)" content="([^"]*)">')
CARD = re.compile(r'<article class="card".*?</article>', re.DOTALL)
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def app_config() -> dict:
    return {"ARTICLES_PER_PAGE": 2}


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def ago(**kwargs) -> datetime:
    return datetime.now(UTC) - timedelta(**kwargs)


# Front page


def main_listing(page: str) -> str:
    """The "Front page now" column, without the sidebar boxes."""
    return page[page.index('id="front-heading"') : page.index('class="layout__side"')]


def test_front_page_has_the_heading(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Front page now" in text_of(response)


def test_front_page_lists_newest_first(client, make_article):
    make_article(headline="Older piece", published_at=ago(hours=5))
    make_article(headline="Newer piece", published_at=ago(hours=1))
    page = text_of(client.get("/"))
    assert page.index("Newer piece") < page.index("Older piece")


def test_front_page_second_page_holds_the_older_articles(client, make_article):
    for hours in range(1, 4):
        make_article(headline=f"Piece {hours}h old", published_at=ago(hours=hours))
    first, second = text_of(client.get("/")), text_of(client.get("/?page=2"))
    assert "Piece 3h old" not in main_listing(first)
    assert "Piece 3h old" in main_listing(second)
    assert 'rel="next" href="/?page=2"' in first


def test_front_page_beyond_the_end_is_not_found(client, make_article):
    make_article()
    assert client.get("/?page=2").status_code == 404


@pytest.mark.parametrize("raw", ["abc", "0", "-1", "1.5", "", "99999999999999999999"])
def test_front_page_bad_page_number_is_not_found(client, raw):
    assert client.get(f"/?page={raw}").status_code == 404


def test_front_page_shows_section_and_commentary_tag(client, make_article):
    make_article(section="Erhverv", kind="commentary")
    card = CARD.search(text_of(client.get("/")))[0]
    assert "Erhverv" in card
    assert "Commentary" in card


def test_front_page_news_has_no_commentary_tag(client, make_article):
    make_article(kind="news")
    card = CARD.search(text_of(client.get("/")))[0]
    assert "Commentary" not in card


def test_front_page_lock_mark_only_on_locked_articles(client, make_article):
    make_article(headline="Locked one", locked=True, published_at=ago(hours=1))
    make_article(headline="Free one", locked=False, published_at=ago(hours=2))
    cards = CARD.findall(client.get("/").get_data(as_text=True))
    locked = [c for c in cards if "Locked one" in c]
    free = [c for c in cards if "Free one" in c]
    assert 'class="lock"' in locked[0]
    assert 'class="lock"' not in free[0]


def test_front_page_never_shows_body_text(client, make_article):
    make_article()
    assert SENTINEL not in text_of(client.get("/"))


# Article page


def test_article_page_shows_commentary_label_exactly(client, make_article):
    article = make_article(kind="commentary")
    assert COMMENTARY_LABEL in text_of(client.get(f"/articles/{article.slug}"))


def test_article_page_analysis_has_no_commentary_label(client, make_article):
    article = make_article(kind="analysis")
    assert COMMENTARY_LABEL not in text_of(client.get(f"/articles/{article.slug}"))


def test_article_page_shows_section_headline_lead_and_byline(client, make_article):
    article = make_article(
        section="Debat",
        headline="Vandet bliver landbrugets næste regnskab",
        lead="Landmænd skal snart måle vand – ikke kun kvælstof.",
        author="Mette Skov",
        author_title="international business adviser",
        locked=False,
    )
    page = text_of(client.get(f"/articles/{article.slug}"))
    for part in (
        '<a class="section-name" href="/sections/debat">Debat</a>',
        '<h1 class="article__headline">Vandet bliver landbrugets næste regnskab</h1>',
        '<p class="article__lead">Landmænd skal snart måle vand – ikke kun kvælstof.</p>',
        '<a class="byline__name" href="/authors/mette-skov">Mette Skov</a>',
        '<span class="byline__title">international business adviser</span>',
    ):
        assert part in page


def test_article_page_shows_the_publication_date(client, make_article):
    published = datetime(2026, 3, 4, 11, 30, tzinfo=UTC)
    article = make_article(published_at=published)
    page = text_of(client.get(f"/articles/{article.slug}"))
    assert f'<time datetime="{published.isoformat()}" lang="en">4 Mar 2026, 12:30</time>' in page


@pytest.mark.parametrize("language", ["da", "sv", "en"])
def test_article_page_lang_attribute_follows_the_article(client, make_article, language):
    article = make_article(language=language)
    page = text_of(client.get(f"/articles/{article.slug}"))
    assert f'<article class="layout__main article" lang="{language}">' in page


def test_article_page_anonymous_gets_teaser_and_paywall(client, make_article):
    article = make_article()
    page = text_of(client.get(f"/articles/{article.slug}"))
    assert TEASER in page
    assert "Middle paragraph" not in page
    assert SENTINEL not in page
    assert "This article requires Digital+" in page


def test_article_page_paywall_links_to_subscribe_and_login(client, make_article):
    article = make_article()
    page = text_of(client.get(f"/articles/{article.slug}"))
    assert f'href="/digital-plus?next=/articles/{article.slug}"' in page
    assert "Already a subscriber?" in page
    assert f'href="/login?next=/articles/{article.slug}">Log in</a>' in page


def test_article_page_registered_without_digital_plus_gets_paywall(
    client, auth, make_user, make_article
):
    user = make_user()
    article = make_article()
    auth.login(user.email)
    page = text_of(client.get(f"/articles/{article.slug}"))
    assert SENTINEL not in page
    assert "This article requires Digital+" in page
    assert f'href="/digital-plus?next=/articles/{article.slug}"' in page


def test_article_page_digital_plus_gets_the_whole_body(client, auth, make_user, make_article):
    user = make_user(digital_plus=True)
    article = make_article()
    auth.login(user.email)
    page = text_of(client.get(f"/articles/{article.slug}"))
    assert TEASER in page
    assert SENTINEL in page
    assert "This article requires Digital+" not in page


def test_article_page_lapsed_subscriber_gets_paywall(client, auth, make_user, make_article):
    user = make_user(period=(ago(days=60), ago(days=1)))
    article = make_article()
    auth.login(user.email)
    page = text_of(client.get(f"/articles/{article.slug}"))
    assert SENTINEL not in page
    assert "This article requires Digital+" in page


def test_article_page_cancelled_subscriber_gets_paywall(app, client, auth, make_user, make_article):
    user = make_user(digital_plus=True)
    with app.app_context():
        db.session.scalar(select(Subscription)).cancelled_at = ago(minutes=1)
        db.session.commit()
    article = make_article()
    auth.login(user.email)
    assert SENTINEL not in text_of(client.get(f"/articles/{article.slug}"))


def test_article_page_free_article_is_whole_for_anonymous(client, make_article):
    article = make_article(locked=False)
    page = text_of(client.get(f"/articles/{article.slug}"))
    assert SENTINEL in page
    assert "This article requires Digital+" not in page


def test_article_json_for_anonymous_holds_no_locked_body(client, make_article):
    article = make_article()
    response = client.get(f"/articles/{article.slug}", headers={"Accept": "application/json"})
    assert response.get_json()["access"] == "denied"
    assert "body_html" not in response.get_json()
    assert SENTINEL not in response.get_data(as_text=True)


def test_article_page_for_anonymous_is_public_and_varies_on_cookie(client, make_article):
    article = make_article()
    response = client.get(f"/articles/{article.slug}")
    assert response.headers["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    assert "Cookie" in response.headers["Vary"]


def test_article_page_for_subscriber_is_not_stored(client, auth, make_user, make_article):
    user = make_user(digital_plus=True)
    article = make_article()
    auth.login(user.email)
    response = client.get(f"/articles/{article.slug}")
    assert response.headers["Cache-Control"] == "private, no-store"


def test_article_page_unknown_slug_is_not_found(client):
    assert client.get("/articles/no-such-article").status_code == 404


def test_article_page_not_found_is_in_the_site_look(client):
    page = text_of(client.get("/articles/no-such-article"))
    assert '<header class="site-header">' in page
    assert "Page not found" in page
    assert 'href="/"' in page


# Hidden articles: unpublished and future-dated


@pytest.fixture
def hidden(make_article) -> list:
    return [
        make_article(slug="unpublished-piece", is_published=False, locked=False),
        make_article(slug="future-piece", published_at=datetime.now(UTC) + timedelta(hours=2)),
    ]


@pytest.mark.parametrize("slug", ["unpublished-piece", "future-piece"])
def test_hidden_article_page_is_not_found(client, hidden, slug):
    assert client.get(f"/articles/{slug}").status_code == 404


@pytest.mark.parametrize("path", ["/", "/feed.xml", "/sitemap.xml", "/?format=json"])
def test_hidden_articles_are_absent_from_lists(client, hidden, make_article, path):
    make_article(slug="visible-piece")
    body = client.get(path).get_data(as_text=True)
    assert "visible-piece" in body
    assert "unpublished-piece" not in body
    assert "future-piece" not in body


# Structured data and sharing


def json_ld(page: str) -> dict:
    return json.loads(JSON_LD.search(page)[1])


def test_article_page_locked_json_ld_marks_the_paywalled_part(client, make_article):
    article = make_article(locked=True)
    data = json_ld(client.get(f"/articles/{article.slug}").get_data(as_text=True))
    assert data["@type"] == "NewsArticle"
    assert data["isAccessibleForFree"] is False
    assert data["hasPart"]["isAccessibleForFree"] is False
    assert data["hasPart"]["cssSelector"] == ".paywalled-content"


def test_article_page_subscriber_body_sits_in_the_paywalled_part(
    client, auth, make_user, make_article
):
    user = make_user(digital_plus=True)
    article = make_article()
    auth.login(user.email)
    page = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    locked_part = page.split('<div class="paywalled-content">', 1)[1]
    assert SENTINEL in locked_part


def test_article_page_free_json_ld_is_accessible_for_free(client, make_article):
    article = make_article(locked=False)
    data = json_ld(client.get(f"/articles/{article.slug}").get_data(as_text=True))
    assert data["isAccessibleForFree"] is True
    assert "hasPart" not in data


def test_article_page_json_ld_holds_no_body_text(client, make_article):
    article = make_article()
    ld = JSON_LD.search(client.get(f"/articles/{article.slug}").get_data(as_text=True))[1]
    assert SENTINEL not in ld
    assert "opening paragraph" not in ld


def test_article_page_social_tags_hold_only_headline_and_lead(client, make_article):
    article = make_article(headline="A public headline", lead="A public lead.")
    page = text_of(client.get(f"/articles/{article.slug}"))
    tags = dict(META.findall(page))
    assert tags["og:title"] == tags["twitter:title"] == "A public headline"
    assert tags["og:description"] == tags["twitter:description"] == "A public lead."
    assert tags["og:url"] == f"http://newsroom.test/articles/{article.slug}"
    assert set(tags.values()) <= {
        "A public headline",
        "A public lead.",
        "article",
        "summary",
        "Newsroom",
        f"http://newsroom.test/articles/{article.slug}",
    }


def test_article_page_share_links_use_the_site_url(client, make_article):
    article = make_article(headline="Share me")
    page = text_of(client.get(f"/articles/{article.slug}", headers={"Host": "evil.example"}))
    encoded = f"http%3A%2F%2Fnewsroom.test%2Farticles%2F{article.slug}"
    assert "Share the article – relevant for others?" in page
    assert f'href="mailto:?subject=Share%20me&body={encoded}"' in page
    assert f'href="https://www.facebook.com/sharer/sharer.php?u={encoded}"' in page
    assert f"https://www.linkedin.com/sharing/share-offsite/?url={encoded}" in page
    assert "evil.example" not in page


# Top jobs


def test_top_jobs_box_shows_the_newest_jobs(app, client, make_article):
    with app.app_context():
        for day in range(1, 8):
            db.session.add(
                Job(
                    title=f"Job {day}",
                    employer="Fjordbyens Dagblad",
                    url=f"https://jobs.example.com/{day}",
                    posted_at=ago(days=day),
                )
            )
        db.session.commit()
    article = make_article()
    for path in ("/", f"/articles/{article.slug}"):
        page = text_of(client.get(path))
        assert "Top jobs" in page
        assert "Job 1" in page
        assert "Job 7" not in page


def test_top_jobs_box_absent_without_jobs(client):
    assert "Top jobs" not in text_of(client.get("/"))


# Feed and sitemap


def test_feed_is_valid_atom_with_public_text_only(client, make_article):
    article = make_article(headline="Fjorden & “havet”", lead="Lead <with> markup")
    response = client.get("/feed.xml")
    root = ET.fromstring(response.data)
    entry = root.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "Fjorden & “havet”"
    assert entry.find(f"{ATOM}summary").text == "Lead <with> markup"
    assert entry.find(f"{ATOM}link").get("href") == (
        f"http://newsroom.test/articles/{article.slug}"
    )
    assert SENTINEL not in response.get_data(as_text=True)
    assert "opening paragraph" not in response.get_data(as_text=True)


def test_sitemap_is_valid_xml_listing_articles(client, make_article):
    article = make_article()
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.data)
    locations = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert f"http://newsroom.test/articles/{article.slug}" in locations
    assert SENTINEL not in response.get_data(as_text=True)


# Digital+ periods (services, with an injected now)

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
END = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def period_user(app, make_user) -> int:
    return make_user(period=(START, END)).id


def active_at(app, user_id: int, now: datetime) -> bool:
    with app.app_context():
        return subscriptions.has_digital_plus(db.session, user_id, now)


def test_active_clause_start_is_inclusive(app, period_user):
    assert active_at(app, period_user, START) is True
    assert active_at(app, period_user, START - timedelta(microseconds=1)) is False


def test_active_clause_end_is_exclusive(app, period_user):
    assert active_at(app, period_user, END - timedelta(microseconds=1)) is True
    assert active_at(app, period_user, END) is False


def test_active_clause_cancelled_is_not_active(app, period_user):
    with app.app_context():
        db.session.scalar(select(Subscription)).cancelled_at = START
        db.session.commit()
    assert active_at(app, period_user, START + timedelta(days=1)) is False


def test_active_clause_inside_a_larger_query(app, period_user):
    inside = START + timedelta(days=1)
    with app.app_context():
        row = db.session.execute(
            select(User.id, subscriptions.active_clause(User.id, inside)).where(
                User.id == period_user
            )
        ).one()
    assert row[1] is True


def test_status_active_reports_the_end(app, period_user):
    with app.app_context():
        status = subscriptions.status(db.session, period_user, START + timedelta(days=1))
    assert status == subscriptions.Status(active=True, ends_at=END)


def test_status_lapsed_keeps_the_last_end(app, period_user):
    with app.app_context():
        status = subscriptions.status(db.session, period_user, END)
    assert status == subscriptions.Status(active=False, ends_at=END)


def test_status_without_subscription_is_inactive(app, make_user):
    user = make_user()
    with app.app_context():
        status = subscriptions.status(db.session, user.id, START)
    assert status == subscriptions.Status(active=False, ends_at=None)

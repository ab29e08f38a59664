"""The paywall never leaks (F1-F5): a sentinel deep in every locked body is never sent
to a reader without access, in any format, header, listing, error page or log, by any path
that can serve a page: the app rendering it, or the embedded store serving a kept copy."""

import json
import logging
import re
from datetime import timedelta

import pytest
from flask import request_started
from jinja2 import ChoiceLoader, DictLoader

from newsroom.delivery.page_cache import shared_seconds
from newsroom.extensions import db
from newsroom.gifting import giving
from newsroom.gifting.policy import gift_policy
from newsroom.models import User
from tests.conftest import ClosingClient
from tests.helpers import SENTINEL, Auth, csrf_token, now_utc

MIDDLE = "Middle paragraph number 1 for subscribers."  # also beyond the public teaser
META_CONTENT = re.compile(r'<meta [^>]*content="([^"]*)"')
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


@pytest.fixture(params=["rendered", "kept"])
def app_config(request) -> dict:
    """Every check runs twice with production's headers: with the embedded store keeping
    nothing (the app renders every answer), and with every answer that may be kept asked
    for a second time and served by the store (ThroughTheStore)."""
    return {"PAGE_CACHE_BYTES": 0} if request.param == "rendered" else {}


class ThroughTheStore(ClosingClient):
    """Asks for every GET or HEAD once to fill the store, then again: whenever the first
    answer was one the store keeps, the second must come from the store without reaching
    Flask, and that second answer is what the test reads."""

    def open(self, *args, **kwargs):
        if kwargs.get("method", "GET") not in ("GET", "HEAD") or kwargs.get("data"):
            return super().open(*args, **kwargs)
        warm = super().open(*args, **{**kwargs, "method": "GET"})
        reached: list = []
        with request_started.connected_to(lambda *_a, **_k: reached.append(1), self.application):
            answer = super().open(*args, **kwargs)
        own_cookie = self.get_cookie("session") or self.get_cookie("remember_token")
        accept = dict(kwargs.get("headers") or {}).get("Accept", "")
        keepable = warm.status_code == 200 and shared_seconds(warm.headers.items()) > 0
        if keepable and not own_cookie and "json" not in accept:
            assert reached == [], "a public page was not served from the store"
        return answer


@pytest.fixture(autouse=True)
def serving(app) -> None:
    if app.config["PAGE_CACHE_BYTES"]:
        app.test_client_class = ThroughTheStore


def leaks(text: str) -> bool:
    return SENTINEL in text or MIDDLE in text


@pytest.fixture(params=["anonymous", "registered", "lapsed"])
def reader(request, app, make_user):
    """A client for someone without Digital+ (never subscribed, or subscribed in the past)."""
    client = app.test_client()
    if request.param == "anonymous":
        return client
    period = None
    if request.param == "lapsed":
        period = (now_utc() - timedelta(days=60), now_utc() - timedelta(days=1))
    user = make_user(period=period)
    Auth(client).login(user.email)
    assert client.get("/account").status_code == 200
    return client


@pytest.fixture
def subscriber(app, make_user):
    client = app.test_client()
    user = make_user(digital_plus=True)
    Auth(client).login(user.email)
    return client


def test_subscriber_receives_the_sentinel(subscriber, make_article):
    """The control: the sentinel is really in the body, so its absence elsewhere means something."""
    article = make_article()
    assert SENTINEL in subscriber.get(f"/articles/{article.slug}").get_data(as_text=True)
    data = subscriber.get(f"/articles/{article.slug}?format=json").get_json()
    assert SENTINEL in data["body_html"]


def test_article_html_without_access_holds_no_locked_text(reader, make_article):
    article = make_article()
    response = reader.get(f"/articles/{article.slug}")
    html = response.get_data(as_text=True)
    assert "The opening paragraph anyone may read." in html
    assert not leaks(html)


def test_a_frame_subscribers_share_never_reaches_a_reader_without_access(
    app, subscriber, reader, make_article
):
    """Subscribers have the Digital+ page served before the app (pages/subscriber_page.py);
    the same cookie-carrying path answers a reader without Digital+ only through the app."""
    article = make_article()
    path = f"/articles/{article.slug}"
    subscriber.get(path)
    reached: list = []
    with request_started.connected_to(lambda *_a, **_k: reached.append(1), app):
        assert SENTINEL in subscriber.get(path).get_data(as_text=True)
    if app.config["PAGE_CACHE_BYTES"]:
        assert reached == [], "the subscriber's second read was not served before the app"
    for _ in range(2):
        assert not leaks(reader.get(path).get_data(as_text=True))


def test_article_head_request_without_access_holds_no_locked_text(reader, make_article):
    article = make_article()
    assert not leaks(reader.head(f"/articles/{article.slug}").get_data(as_text=True))


@pytest.mark.parametrize(
    "query, headers",
    [("", {"Accept": "application/json"}), ("?format=json", {}), ("?format=json&gift=x.y.z", {})],
)
def test_article_json_without_access_holds_no_locked_text(reader, make_article, query, headers):
    article = make_article()
    response = reader.get(f"/articles/{article.slug}{query}", headers=headers)
    data = response.get_json()
    assert data["access"] == "denied"
    assert "body_html" not in data
    assert not leaks(response.get_data(as_text=True))


@pytest.mark.parametrize(
    "path, headers",
    [
        ("/", {}),
        ("/", {"Accept": "application/json"}),
        ("/?format=json", {}),
        ("/feed.xml", {}),
        ("/sitemap.xml", {}),
    ],
)
def test_listings_and_feeds_hold_no_locked_text(reader, make_article, path, headers):
    make_article()
    make_article(locked=False, body="A free piece.\n\nStill free.")
    assert not leaks(reader.get(path, headers=headers).get_data(as_text=True))


def test_listings_and_feeds_hold_no_locked_text_for_subscribers(subscriber, make_article):
    """Feeds and listings are shared and cached, so they never carry bodies for anyone."""
    make_article()
    for path in ("/", "/?format=json", "/feed.xml", "/sitemap.xml"):
        assert not leaks(subscriber.get(path).get_data(as_text=True)), path


def test_listing_json_reveals_no_body_size(reader, make_article):
    make_article()
    item = reader.get("/?format=json").get_json()["articles"][0]
    assert not {"body_html", "rest_html", "word_count"} & item.keys()


def test_meta_tags_and_json_ld_hold_no_locked_text_even_for_subscribers(subscriber, make_article):
    article = make_article()
    html = subscriber.get(f"/articles/{article.slug}").get_data(as_text=True)
    contents = META_CONTENT.findall(html)
    assert any(content == article.lead for content in contents)
    assert not any(leaks(content) for content in contents)
    (json_ld,) = JSON_LD.findall(html)
    data = json.loads(json_ld)
    assert data["isAccessibleForFree"] is False
    assert data["hasPart"]["cssSelector"] == ".paywalled-content"
    assert not leaks(json_ld)


def test_gift_refusals_hold_no_locked_text(reader, make_article):
    article = make_article()
    response = reader.post(
        f"/articles/{article.slug}/gift", data={"csrf_token": csrf_token(reader)}
    )
    assert response.status_code in (401, 403)
    assert not leaks(response.get_data(as_text=True))


def test_unpublished_locked_article_404_holds_no_locked_text(reader, make_article):
    article = make_article(published_at=now_utc() + timedelta(days=1))
    for query in ("", "?format=json"):
        response = reader.get(f"/articles/{article.slug}{query}")
        assert response.status_code == 404
        assert not leaks(response.get_data(as_text=True))


def test_lapsed_gifts_page_holds_no_locked_text(app, make_user, make_article):
    article = make_article()
    user = make_user(period=(now_utc() - timedelta(days=20), now_utc() - timedelta(days=1)))
    with app.app_context():
        giver = db.session.get(User, user.id)
        giving.give(db.session, giver, article, now_utc() - timedelta(days=5), gift_policy())
        db.session.commit()
    client = app.test_client()
    Auth(client).login(user.email)
    page = client.get("/gifts")
    assert page.status_code == 200
    assert article.headline in page.get_data(as_text=True)
    assert not leaks(page.get_data(as_text=True))


def test_subscriber_article_is_private_no_store(subscriber, make_article):
    article = make_article()
    for query in ("", "?format=json"):
        response = subscriber.get(f"/articles/{article.slug}{query}")
        assert response.headers["Cache-Control"] == "private, no-store"


def test_article_without_access_is_public_only_for_anonymous_and_varies_on_cookie(
    request, reader, make_article
):
    article = make_article()
    anonymous = "anonymous" in request.node.callspec.id
    response = reader.get(f"/articles/{article.slug}")
    if anonymous:  # the teaser every anonymous reader gets: any cache may keep it
        assert response.headers["Cache-Control"].startswith("public, max-age=0, s-maxage=")
        assert "Set-Cookie" not in response.headers
    else:
        assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Vary"] == "Accept-Language, Cookie"
    assert not leaks(response.get_data(as_text=True))
    response = reader.get(f"/articles/{article.slug}?format=json")
    assert response.headers["Cache-Control"] == "private, no-store"


def test_no_subscriber_page_is_ever_public(subscriber, make_article):
    """Whatever the grant, a shared cache never gets to keep a logged-in reader's page."""
    locked, free = make_article(), make_article(locked=False)
    for client_response in (
        subscriber.get(f"/articles/{locked.slug}"),
        subscriber.get(f"/articles/{free.slug}"),
        subscriber.get("/"),
    ):
        assert "public" not in client_response.headers["Cache-Control"]
        assert "Cookie" in client_response.headers["Vary"]


BROKEN_ARTICLE_TEMPLATE = """{% extends "base.html" %}{% block content %}
{{ article.teaser_html|safe }}{% if access.full %}{{ article.rest_html|safe }}{% endif %}
{{ article.rest_html|length // 0 }}
{% endblock %}"""


@pytest.mark.parametrize("app_config", [{"PROPAGATE_EXCEPTIONS": False}])
@pytest.mark.parametrize("who", ["subscriber", "anonymous"])
def test_failing_locked_render_leaks_nothing_to_page_or_logs(
    app, request, make_article, caplog, who
):
    """The render fails after the body was written into it: none of it reaches anyone."""
    article = make_article()
    client = request.getfixturevalue("subscriber") if who == "subscriber" else app.test_client()
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"articles/show.html": BROKEN_ARTICLE_TEMPLATE}), app.jinja_env.loader]
    )
    app.jinja_env.cache.clear()
    caplog.set_level(logging.DEBUG)
    response = client.get(f"/articles/{article.slug}")
    assert response.status_code == 500
    assert "Technical error" in response.get_data(as_text=True)
    assert not leaks(response.get_data(as_text=True))
    formatter = logging.Formatter("%(message)s")
    logged = "\n".join(formatter.format(record) for record in caplog.records)
    assert "ZeroDivisionError" in logged  # the failure is logged, for the operator
    assert not leaks(logged)

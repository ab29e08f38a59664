"""Security headers on every HTML response (E4), and no inline script the policy would block."""

import re

import pytest

from tests.conftest import PRODUCTION
from tests.helpers import csrf_token

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def directives(policy: str) -> dict[str, str]:
    parsed = {}
    for part in policy.split(";"):
        name, _, value = part.strip().partition(" ")
        parsed[name] = value
    return parsed


@pytest.fixture
def html_responses(app, client, auth, make_user, make_article):
    """One of each kind of HTML page, anonymous and logged in, including error pages."""
    locked = make_article()
    free = make_article(locked=False)
    anonymous = app.test_client()
    responses = {
        "front": anonymous.get("/"),
        "locked article": anonymous.get(f"/articles/{locked.slug}"),
        "free article": anonymous.get(f"/articles/{free.slug}"),
        "bad gift link": anonymous.get(f"/articles/{locked.slug}?gift=nonsense"),
        "login": anonymous.get("/login"),
        "register": anonymous.get("/register"),
        "digital plus": anonymous.get("/digital-plus"),
        "not found": anonymous.get("/articles/no-such-article"),
        "method not allowed": anonymous.get("/logout"),
        "csrf failure": anonymous.post("/language", data={"lang": "da"}),
        "gift needs login": anonymous.post(
            f"/articles/{locked.slug}/gift", data={"csrf_token": csrf_token(anonymous)}
        ),
    }
    auth.login(make_user(digital_plus=True).email)
    responses["subscriber article"] = client.get(f"/articles/{locked.slug}")
    responses["gift result"] = auth.post(f"/articles/{locked.slug}/gift")
    responses["my gifts"] = client.get("/gifts")
    responses["account"] = client.get("/account")
    for name, response in responses.items():
        assert response.mimetype == "text/html", name
    return responses


def test_html_responses_carry_csp_without_inline_script(html_responses):
    for name, response in html_responses.items():
        policy = directives(response.headers["Content-Security-Policy"])
        assert policy["script-src"] == "'self'", name
        assert policy["object-src"] == "'none'", name
        assert policy["frame-ancestors"] == "'self'", name
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"], name


def test_html_responses_carry_nosniff_and_referrer_policy(html_responses):
    for name, response in html_responses.items():
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
        assert response.headers["Referrer-Policy"] in (
            "same-origin",
            "strict-origin-when-cross-origin",
        ), name


def test_html_responses_carry_no_hsts_outside_production(html_responses):
    for name, response in html_responses.items():
        assert "Strict-Transport-Security" not in response.headers, name


def test_html_pages_hold_no_script_the_policy_would_block(html_responses):
    for name, response in html_responses.items():
        html = response.get_data(as_text=True)
        for attributes in SCRIPT_TAG.findall(html):
            # External files, or JSON-LD data blocks (never executed).
            assert "src=" in attributes or 'type="application/ld+json"' in attributes, name
        assert not EVENT_ATTRIBUTE.search(html), name
        assert not STYLE_ATTRIBUTE.search(html), name


@pytest.mark.parametrize("app_config", [PRODUCTION])
def test_html_responses_carry_hsts_in_production(client, make_article):
    article = make_article()
    for path in ("/", f"/articles/{article.slug}", "/login", "/articles/missing"):
        response = client.get("https://localhost" + path)
        assert response.headers["Strict-Transport-Security"].startswith("max-age="), path


def test_json_responses_carry_nosniff(client, make_article):
    article = make_article()
    response = client.get(f"/articles/{article.slug}", headers={"Accept": "application/json"})
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"

"""The interface language: browser preference, the switcher, the configured default, catalogs."""

import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from newsroom import create_app
from newsroom.extensions import db
from tests.conftest import make_test_app

CATALOGS = Path(__file__).resolve().parents[2] / "newsroom" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def page(client, **headers) -> str:
    return client.get("/", headers=headers).get_data(as_text=True)


def choose(client, lang: str, next_url: str = "/"):
    """The switcher's link, as every page writes it."""
    return client.get(f"/language/{lang}", query_string={"next": next_url})


def test_locale_danish_browser_gets_danish(client):
    html = page(client, **{"Accept-Language": "da-DK,da;q=0.9,en;q=0.5"})
    assert "Forsiden nu" in html
    assert "Log ind" in html
    assert '<html lang="da">' in html


def test_locale_english_browser_gets_english(client):
    html = page(client, **{"Accept-Language": "en-GB,en;q=0.9"})
    assert "Front page now" in html
    assert '<html lang="en">' in html


def test_locale_browser_preference_order_wins(client):
    assert "Forsiden nu" in page(client, **{"Accept-Language": "de, da;q=0.8, en;q=0.5"})


def test_locale_danish_paywall_box(client, make_article):
    article = make_article()
    html = client.get(f"/articles/{article.slug}", headers={"Accept-Language": "da"}).get_data(
        as_text=True
    )
    assert "Denne artikel kræver Digital+" in html
    assert "Allerede abonnent?" in html


def test_locale_switcher_sets_a_cookie_and_returns(client):
    response = choose(client, "da", next_url="/?page=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/?page=1"
    assert "lang=da" in response.headers["Set-Cookie"]


def test_locale_switcher_cookie_wins_over_the_browser(client):
    choose(client, "da")
    assert "Forsiden nu" in page(client, **{"Accept-Language": "en"})


def test_locale_switcher_back_to_english(client):
    choose(client, "da")
    choose(client, "en")
    assert "Front page now" in page(client, **{"Accept-Language": "da"})


def test_locale_switcher_ignores_unknown_languages(client):
    response = choose(client, "xx")
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers or "lang=" not in response.headers["Set-Cookie"]


def test_locale_switcher_is_a_link_on_every_page_and_no_form(client):
    html = page(client)
    assert 'href="/language/da?next=/"' in html
    assert 'action="/language' not in html
    assert client.post("/language/da").status_code == 405
    assert client.get_cookie("lang") is None


@pytest.fixture
def danish_default_app(database_url):
    app = make_test_app(database_url, BABEL_DEFAULT_LOCALE="da")
    yield app
    with app.app_context():
        db.engine.dispose()


def test_locale_default_is_configurable(app, danish_default_app):
    client = danish_default_app.test_client()
    assert "Forsiden nu" in page(client, **{"Accept-Language": "fr"})


def test_locale_default_is_english(client):
    assert "Front page now" in page(client, **{"Accept-Language": "fr"})


def test_locale_default_from_the_environment(monkeypatch, database_url):
    monkeypatch.setenv("NEWSROOM_BABEL_DEFAULT_LOCALE", "da")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    assert app.config["BABEL_DEFAULT_LOCALE"] == "da"


def danish_catalog():
    with open(CATALOGS / "da" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


def test_catalog_danish_has_no_fuzzy_entries():
    fuzzy = [message.id for message in danish_catalog() if message.id and message.fuzzy]
    assert fuzzy == []


def test_catalog_danish_keeps_every_placeholder():
    broken = []
    for message in danish_catalog():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = {name for msgid in ids for name in PLACEHOLDER.findall(msgid)}
        for string in strings:
            if string and not wanted <= set(PLACEHOLDER.findall(string)):
                broken.append(message.id)
    assert broken == []


def singular(message) -> bool:
    return bool(message.id) and isinstance(message.id, str) and not message.fuzzy


def test_catalog_danish_compiled_matches_the_source():
    with open(CATALOGS / "da" / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if singular(m) and m.string}
    source = {m.id: m.string for m in danish_catalog() if singular(m) and m.string}
    assert compiled == source

"""Dates and times as readers of a European site write them: no seconds, the site's zone,
British English unless the browser asks for American English."""

import re
from datetime import UTC, datetime

import pytest

from newsroom.web.i18n import local_date, local_datetime

MOMENT = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)  # 08:00 in Copenhagen
SECONDS = re.compile(r"\d{1,2}[:.]\d{2}[:.]\d{2}")
TAG = re.compile(r"<[^>]*>")


def shown(html: str) -> str:
    """The body's text, without markup (machine-readable times keep their seconds)."""
    return TAG.sub(" ", html.split("<body", 1)[1])


@pytest.mark.parametrize(
    ("accept", "moment", "day", "long_day"),
    [
        ("da-DK,da;q=0.9", "22. nov. 2026 kl. 08.00", "22. nov. 2026", "22. november 2026"),
        ("en-GB,en;q=0.8", "22 Nov 2026, 08:00", "22 Nov 2026", "22 November 2026"),
        ("en", "22 Nov 2026, 08:00", "22 Nov 2026", "22 November 2026"),
        ("fr-FR", "22 Nov 2026, 08:00", "22 Nov 2026", "22 November 2026"),
        ("en-US,en;q=0.9", "Nov 22, 2026, 8:00\u202fAM", "Nov 22, 2026", "November 22, 2026"),
    ],
)
def test_dates_follow_the_readers_locale(app, accept, moment, day, long_day):
    with app.test_request_context(headers={"Accept-Language": accept}):
        assert local_datetime(MOMENT) == moment
        assert local_date(MOMENT) == day
        assert local_date(MOMENT, "long") == long_day
        assert local_date(MOMENT.date(), "long") == long_day


def test_dates_are_in_the_site_zone_not_utc(app):
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 1 December, 00:30 in Copenhagen
    with app.test_request_context(headers={"Accept-Language": "en-GB"}):
        assert local_datetime(late) == "1 Dec 2026, 00:30"


def test_dates_naive_values_are_read_as_utc(app):
    with app.test_request_context(headers={"Accept-Language": "en-GB"}):
        assert local_datetime(MOMENT.replace(tzinfo=None)) == "22 Nov 2026, 08:00"


def test_dates_language_cookie_decides_the_language(client, make_article):
    article = make_article(published_at=MOMENT)
    client.set_cookie("lang", "da")
    html = client.get(f"/articles/{article.slug}", headers={"Accept-Language": "en-GB"}).text
    assert "22. nov. 2026 kl. 08.00" in html


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("da", "22. nov. 2026 kl. 08.00"), ("en-GB", "22 Nov 2026, 08:00")],
)
def test_dates_on_article_and_cards(client, make_article, accept, expected):
    article = make_article(published_at=MOMENT)
    for path in ("/", f"/articles/{article.slug}"):
        html = client.get(path, headers={"Accept-Language": accept}).text
        lang = accept[:2]
        assert f'<time datetime="{MOMENT.isoformat()}" lang="{lang}">{expected}</time>' in html
        assert not SECONDS.search(shown(html))


def test_dates_reading_list_saved_has_no_seconds(client, auth, make_user, make_article):
    article = make_article()
    user = make_user(digital_plus=True)
    auth.login(user.email)
    auth.post(f"/reading-list/{article.slug}")
    html = client.get("/reading-list", headers={"Accept-Language": "da"}).text
    saved = re.search(r"Gemt ([^<·]+)", html)
    assert saved, html
    assert re.fullmatch(r"\d{1,2}\. \w+\. \d{4} kl\. \d{2}\.\d{2} ", saved[1])
    assert not SECONDS.search(shown(html))


def test_dates_account_page_spells_the_day_the_british_way(client, auth, make_user):
    user = make_user(digital_plus=True)
    auth.login(user.email)
    html = client.get("/account", headers={"Accept-Language": "en-GB"}).text
    assert re.search(r"Digital\+ ends on \d{1,2} [A-Z][a-z]+ \d{4}\.", html), html


@pytest.mark.parametrize(
    ("accept", "day"),
    [
        ("en-GB", r"\d{1,2} [A-Z][a-z]+ \d{4}"),
        ("da", r"\d{1,2}\. [a-zæøå]+ \d{4}"),
        ("en-US", r"[A-Z][a-z]+ \d{1,2}, \d{4}"),
    ],
)
def test_dates_gift_dialog_spells_renewal_and_link_end_for_the_reader(
    client, auth, make_user, make_article, accept, day
):
    auth.login(make_user(digital_plus=True).email)
    headers = {"Accept-Language": accept}
    given = auth.post(f"/articles/{make_article().slug}/gift", json=True, headers=headers)
    assert re.search(rf"\s{day}\.$", given.json["expires_text"]), given.json
    for _ in range(4):
        auth.post(f"/articles/{make_article().slug}/gift", json=True)
    refused = auth.post(f"/articles/{make_article().slug}/gift", json=True, headers=headers)
    assert refused.status_code == 409
    assert re.search(rf"\s{day}\)\.$", refused.json["renewal_text"]), refused.json

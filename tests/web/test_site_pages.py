"""The footer's contact, privacy and terms pages; the privacy page names every cookie the site
sets; the front page sidebar never repeats the main list."""

import re
from datetime import UTC, datetime

import pytest

from newsroom.extensions import db
from newsroom.models import DailyArticleViews

PAGES = {"/contact": "Contact", "/privacy": "Privacy and cookies", "/terms": "Terms of use"}
DANISH = {"/contact": "Kontakt", "/privacy": "Privatliv og cookies", "/terms": "Vilkår for brug"}


def test_footer_links_every_page(client):
    html = client.get("/").text
    footer = html.split('<footer class="site-footer">', 1)[1]
    for path in PAGES:
        assert f'href="{path}"' in footer


@pytest.mark.parametrize("path", sorted(PAGES))
def test_footer_pages_in_english_and_danish(client, path):
    english = client.get(path, headers={"Accept-Language": "en"})
    assert english.status_code == 200
    assert f'<h1 id="page-heading">{PAGES[path]}</h1>' in english.text
    danish = client.get(path, headers={"Accept-Language": "da"})
    assert f'<h1 id="page-heading">{DANISH[path]}</h1>' in danish.text


def cookie_names(response) -> set[str]:
    return {h.split("=", 1)[0] for h in response.headers.getlist("Set-Cookie")}


def test_privacy_lists_every_cookie_the_site_sets(client, auth, make_user):
    user = make_user()
    seen: set[str] = set()
    seen |= cookie_names(auth.login(user.email))  # session and remember-me
    seen |= cookie_names(client.get("/language/da"))
    assert {"session", "remember_token", "lang"} <= seen
    listed = set(re.findall(r"<td><code>([^<]+)</code></td>", client.get("/privacy").text))
    assert seen <= listed
    assert "gift_reader" in listed  # the gift recipient's browser, counted on My gifts
    assert "gift_shown" in listed  # without JavaScript, the click that counts an open


def test_contact_page_names_customer_service_when_the_site_has_it(app, client):
    assert "Customer service" not in client.get("/contact").text
    app.config["CUSTOMER_SERVICE_EMAIL"] = "service@newsroom.example"
    danish = client.get("/contact", headers={"Accept-Language": "da"}).text
    assert "Kundeservice" in danish
    assert 'href="mailto:service@newsroom.example"' in danish


def test_privacy_says_why_and_how_long_in_danish(client):
    html = client.get("/privacy", headers={"Accept-Language": "da"}).text
    assert "Husker det sprog, du har valgt med sprogvælgeren." in html
    assert "365 dage" in html
    assert "Til du lukker browseren" in html


def test_account_page_says_how_to_manage_digital_plus(client, auth, make_user):
    user = make_user(digital_plus=True)
    auth.login(user.email)
    html = client.get("/account").text
    assert "To change or stop Digital+, write to customer service" in html
    assert 'href="/contact"' in html


def test_front_sidebar_without_reads_does_not_repeat_the_list(client, make_article):
    articles = [make_article(headline=f"Fresh piece {n}") for n in range(3)]
    html = client.get("/").text
    side = html.split('<aside class="layout__side">', 1)[1]
    assert "Nothing has been read enough this week" in side
    for article in articles:
        assert article.headline not in side


def test_front_sidebar_with_reads_shows_most_read(client, app, make_article):
    popular = make_article(headline="Everyone reads this")
    with app.app_context():
        db.session.add(
            DailyArticleViews(article_id=popular.id, day=datetime.now(UTC).date(), views=3)
        )
        db.session.commit()
    side = client.get("/").text.split('<aside class="layout__side">', 1)[1]
    assert "Everyone reads this" in side
    assert "Nothing has been read enough" not in side


def test_article_sidebar_without_reads_still_offers_the_newest(client, make_article):
    other = make_article(headline="Another fresh piece")
    current = make_article()
    side = client.get(f"/articles/{current.slug}").text.split('<aside class="layout__side">')[1]
    assert other.headline in side

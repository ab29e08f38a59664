"""The header every page shares, and the smaller things around the article (issue 24, items
8, 9, 12 and 13): the Subscribe link, the reader's own pages only for readers who have them,
the section bar, the gift button only where the reader can read, the favicon."""

import re
from datetime import timedelta

import pytest

from newsroom.extensions import db
from newsroom.models import Gift, ReadingListItem, Section
from tests.helpers import now_utc

DA = {"Accept-Language": "da"}


def header_of(html: str) -> str:
    return html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]


def nav_of(html: str) -> str:
    return html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize(
    ("headers", "label"), [({}, ">Subscribe</a>"), (DA, ">Abonnér</a>")], ids=["en", "da"]
)
def test_header_offers_subscribe_to_a_visitor_on_a_public_page(
    client, make_article, headers, label
):
    make_article()
    response = client.get("/", headers=headers)
    nav = nav_of(response.get_data(as_text=True))
    assert label in nav
    assert 'href="/digital-plus?next=/"' in nav
    # Still the same page for everyone: no token, no cookie, kept by shared caches.
    assert "csrf" not in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"].startswith("public")


def test_header_offers_subscribe_to_a_reader_without_digital_plus_only(client, auth, make_user):
    auth.login(make_user().email)
    assert "data-header-subscribe" in nav_of(client.get("/").get_data(as_text=True))
    auth.logout()
    auth.login(make_user(digital_plus=True).email)
    assert "data-header-subscribe" not in nav_of(client.get("/").get_data(as_text=True))


def own_links(client) -> tuple[bool, bool]:
    nav = nav_of(client.get("/").get_data(as_text=True))
    return 'href="/reading-list"' in nav, 'href="/gifts"' in nav


def test_header_shows_reading_list_and_gifts_only_to_readers_who_have_them(
    app, client, auth, make_user, make_article
):
    assert own_links(client) == (False, False)
    auth.login(make_user().email)
    assert own_links(client) == (False, False)
    auth.logout()
    auth.login(make_user(digital_plus=True).email)
    assert own_links(client) == (True, True)


@pytest.mark.parametrize(("saved", "gave"), [(True, False), (False, True), (True, True)])
def test_header_lets_a_lapsed_subscriber_reach_the_list_and_gifts_they_kept(
    app, client, auth, make_user, make_article, saved, gave
):
    now = now_utc()
    lapsed = make_user(period=(now - timedelta(days=60), now - timedelta(days=30)))
    article = make_article()
    with app.app_context():
        if saved:
            db.session.add(ReadingListItem(user_id=lapsed.id, article_id=article.id))
        if gave:
            db.session.add(
                Gift(
                    public_id="a" * 32,
                    giver_id=lapsed.id,
                    article_id=article.id,
                    month=(now - timedelta(days=40)).strftime("%Y-%m"),
                    expires_at=now - timedelta(days=10),
                )
            )
        db.session.commit()
    auth.login(lapsed.email)
    assert own_links(client) == (saved, gave)
    assert client.get("/reading-list").status_code == 200
    assert client.get("/gifts").status_code == 200


def section_bar(html: str) -> list[str]:
    bar = header_of(html).split('<nav class="section-bar"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="/sections/([^"]+)"', bar)


@pytest.mark.parametrize(
    ("headers", "label"), [({}, "Sections and search"), (DA, "Sektioner og søgning")]
)
def test_section_bar_lists_the_sections_with_articles_by_name(client, make_article, headers, label):
    make_article(section="Økonomi")
    make_article(section="Debat")
    make_article(section="analyse")
    make_article(section="Debat")
    make_article(section="Fremtid", published_at=now_utc() + timedelta(days=1))  # not yet
    html = client.get("/", headers=headers).get_data(as_text=True)
    assert section_bar(html) == ["analyse", "debat", "okonomi"]
    assert f"<span>{label}</span>" in html
    assert '<details class="site-finder"' in html  # folds without JavaScript on phones
    page = client.get("/sections/debat", headers=headers).get_data(as_text=True)
    assert '<a href="/sections/debat" aria-current="page">Debat</a>' in page


def test_section_bar_follows_the_desks_order(app, client, make_article):
    """The desk orders sections (/desk/sections); sections it has not placed come after, by
    name."""
    for name in ("Økonomi", "Debat", "Analyse", "Kultur"):
        make_article(section=name)
    with app.app_context():
        db.session.add_all(
            [
                Section(name="Kultur", slug="kultur", position=1),
                Section(name="Debat", slug="debat", position=2),
            ]
        )
        db.session.commit()
    html = client.get("/contact").get_data(as_text=True)
    assert section_bar(html) == ["kultur", "debat", "analyse", "okonomi"]


def test_section_bar_is_kept_like_the_other_boxes(app, client, make_article):
    # Site pages, which no page cache keeps: what is kept here is the list itself.
    make_article(section="Debat")
    assert section_bar(client.get("/contact").get_data(as_text=True)) == ["debat"]
    make_article(section="Analyse")
    assert section_bar(client.get("/privacy").get_data(as_text=True)) == ["debat"]
    app.config["SIDEBAR_CACHE_SECONDS"] = 0
    assert section_bar(client.get("/terms").get_data(as_text=True)) == ["analyse", "debat"]


def test_paywall_has_no_gift_button_for_readers_who_cannot_read_the_article(
    client, auth, make_user, make_article
):
    article = make_article(locked=True)
    path = f"/articles/{article.slug}"
    anonymous = client.get(path).get_data(as_text=True)
    assert 'class="paywall"' in anonymous and "data-gift-open" not in anonymous
    auth.login(make_user().email)
    registered = client.get(path).get_data(as_text=True)
    assert 'class="paywall"' in registered and "data-gift-open" not in registered
    auth.logout()
    auth.login(make_user(digital_plus=True).email)
    assert "data-gift-open" in client.get(path).get_data(as_text=True)


def test_paywall_links_terms_and_privacy_under_the_button(client, make_article):
    article = make_article(locked=True)
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    paywall = html.split('<section class="paywall"', 1)[1].split("</section>", 1)[0]
    assert paywall.index("Subscribe to Digital+") < paywall.index('href="/terms"')
    assert 'href="/privacy"' in paywall
    assert "data-offer-price" not in paywall  # not sold on the site here: no price


def test_cards_carry_a_small_bookmark_not_a_wide_button(client, auth, make_user, make_article):
    make_article()
    anonymous = client.get("/").get_data(as_text=True)
    assert 'class="bookmark" href="/reading-list/offer?next=/"' in anonymous
    assert "button--save" not in anonymous
    auth.login(make_user(digital_plus=True).email)
    html = client.get("/").get_data(as_text=True)
    assert '<button type="submit" class="bookmark" aria-pressed="false"' in html
    assert '<span class="visually-hidden" data-reading-list-label>Save to reading list' in html


@pytest.mark.parametrize("headers", [{}, DA], ids=["en", "da"])
def test_empty_most_read_box_does_not_point_left(client, make_article, headers):
    make_article()
    html = client.get("/", headers=headers).get_data(as_text=True)
    box = html.split('data-recommended="none"', 1)[1].split("</section>", 1)[0]
    assert "left" not in box and "venstre" not in box
    assert "Front page now" in box or "Forsiden nu" in box


@pytest.mark.parametrize(
    ("headers", "heading"),
    [({}, "Share the article – relevant for others?"), (DA, "Del artiklen – relevant for andre?")],
)
def test_share_heading_uses_a_dash(client, make_article, headers, heading):
    article = make_article(locked=False)
    html = client.get(f"/articles/{article.slug}", headers=headers).get_data(as_text=True)
    assert f">{heading}</h2>" in html


def test_favicon_is_linked_and_served(client):
    html = client.get("/contact").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.mimetype == "image/svg+xml"

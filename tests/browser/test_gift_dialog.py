"""The gift dialog in a real browser: every state a reader can meet, in English and Danish, at
desktop and mobile width, with the keyboard, and without JavaScript where that means something."""

import re
from collections import Counter
from datetime import UTC, datetime

import pytest
from babel.dates import format_date
from sqlalchemy import func, select

from newsroom.core import clock
from newsroom.extensions import db
from newsroom.gifting import giving, links
from newsroom.gifting.policy import gift_policy
from newsroom.models import Gift
from tests.browser.conftest import log_in
from tests.helpers import PASSWORD, SENTINEL

SITE = "http://newsroom.test"
DIALOG = "dialog[data-gift-dialog]"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}

TEXT = {
    "en": {
        "locale": "en-GB",
        "given": "You have given {used} of 5.",
        "used_heading": "You cannot give more articles",
        "technical": "Technical error",
        "offline": "No internet connection",
        "offline_text": "The article could not be given because there is no internet connection.",
        "digital_plus": "This feature requires Digital+",
        "via": "Give the article via:",
        "social": "Share the article on social media.",
        "works_until": "The link works until",
        "create": "Create gift link",
        "close": "Close",
        "open": "Give access to a friend",
        "copy": "Copy link",
        "revoke": "Revoke link",
        "confirm": "The slot stays used this month.",
        "yes": "Yes, revoke the link",
        "banner": "{name} gave you this article",
        "offer": "Read everything with Digital+",
        "label_opened": "People who opened",
    },
    "da": {
        "locale": "da-DK",
        "given": "Du har givet {used} af 5.",
        "used_heading": "Du kan ikke give flere artikler",
        "technical": "Teknisk fejl",
        "offline": "Ingen internetforbindelse",
        "offline_text": "Artiklen kunne ikke gives videre grundet manglende internetforbindelse.",
        "digital_plus": "Denne funktion kræver Digital+",
        "via": "Giv artiklen via:",
        "social": "Del artiklen på sociale medier.",
        "works_until": "Linket virker indtil",
        "create": "Opret gavelink",
        "close": "Luk",
        "open": "Giv adgang til en ven",
        "copy": "Kopiér link",
        "revoke": "Tilbagekald linket",
        "confirm": "Pladsen forbliver brugt denne måned.",
        "yes": "Ja, tilbagekald linket",
        "banner": "{name} har givet dig denne artikel",
        "offer": "Læs det hele med Digital+",
        "label_opened": "Personer, der åbnede",
    },
}
LANGS = ["en", "da"]
WIDTHS = [pytest.param(DESKTOP, id="desktop"), pytest.param(MOBILE, id="mobile")]


def script_errors(page) -> list[str]:
    # The browser's own favicon request may 404; script errors may not happen.
    return [e for e in page.console_errors if not e.startswith("Failed to load resource")]


def gift_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Gift.id)))


def give_now(app, user, article) -> None:
    with app.app_context():
        giving.give(db.session, user, article, datetime.now(UTC), gift_policy())
        db.session.commit()


def reader(page_factory, lang: str, viewport=DESKTOP, **options):
    return page_factory(locale=TEXT[lang]["locale"], viewport=viewport, **options)


def open_dialog(page, slug: str):
    page.goto(f"/articles/{slug}")
    page.locator("[data-gift-open]").click()
    dialog = page.locator(DIALOG)
    dialog.wait_for(state="visible")
    return dialog


def duplicate_ids(page) -> list[str]:
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map((e) => e.id)")
    return [i for i, n in Counter(ids).items() if n > 1]


def focused_text(page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


# ---- items 1, 2, 4, 6: opening straight into the right state ----------------------------------


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_gift_dialog_opens_straight_into_allowance_used_with_the_renewal(
    app, page_factory, make_user, make_article, lang, viewport
):
    t = TEXT[lang]
    user = make_user(digital_plus=True)
    for _ in range(5):
        give_now(app, user, make_article())
    page = reader(page_factory, lang, viewport)
    log_in(page, user.email, PASSWORD)
    dialog = open_dialog(page, make_article().slug)
    used = dialog.locator("[data-state=allowance_used]")
    assert used.is_visible()
    assert dialog.locator("[data-state=intro]").is_hidden()
    renews_on = clock.next_month_start(clock.now(), app.config["TIMEZONE"])
    text = used.inner_text()
    assert t["used_heading"] in text
    assert format_date(renews_on, "long", locale=TEXT[lang]["locale"].replace("-", "_")) in text
    assert focused_text(page) == t["used_heading"]  # focus is in the state, not on <body>
    assert dialog.get_by_role("button", name=t["create"]).count() == 0 or not (
        dialog.get_by_role("button", name=t["create"]).is_visible()
    )
    close = dialog.get_by_role("button", name=t["close"])
    assert t["close"] in close.inner_text()  # the accessible name is what it shows
    assert duplicate_ids(page) == []
    assert gift_rows(app) == 5
    assert script_errors(page) == []


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_gift_dialog_opens_straight_into_the_link_of_an_article_given_this_month(
    app, page_factory, make_user, make_article, lang, viewport
):
    t = TEXT[lang]
    user = make_user(digital_plus=True)
    article = make_article()
    give_now(app, user, article)
    page = reader(page_factory, lang, viewport)
    log_in(page, user.email, PASSWORD)
    dialog = open_dialog(page, article.slug)
    given = dialog.locator("[data-state=given]")
    assert given.is_visible()
    url = given.locator("[data-gift-url]").input_value()
    assert url.startswith(f"{SITE}/g/")
    text = given.inner_text()
    assert t["given"].format(used=1) in text
    assert t["works_until"] in text
    assert t["via"] in text and t["social"] in text
    assert duplicate_ids(page) == []
    assert gift_rows(app) == 1
    assert script_errors(page) == []


# ---- items 2, 4, 5: giving, focus, and how long the link works -------------------------------


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_gift_dialog_gives_moves_focus_and_says_how_long_the_link_works(
    app, page_factory, make_user, make_article, lang, viewport
):
    t = TEXT[lang]
    article = make_article()
    user = make_user(name="Karen Holm", digital_plus=True)
    page = reader(page_factory, lang, viewport, permissions=["clipboard-read", "clipboard-write"])
    log_in(page, user.email, PASSWORD)
    dialog = open_dialog(page, article.slug)
    assert t["given"].format(used=0) in dialog.locator("[data-state=intro]").inner_text()
    dialog.get_by_role("button", name=t["create"]).click()

    given = dialog.locator("[data-state=given]")
    given.wait_for(state="visible")
    assert page.evaluate("document.activeElement.matches('[data-state=given] [data-gift-heading]')")
    assert t["given"].format(used=1) in given.inner_text()
    with app.app_context():
        gift = db.session.scalars(select(Gift)).one()
        last_day = format_date(gift.expires_at, "long", locale=t["locale"].replace("-", "_"))
    assert f"{t['works_until']} {last_day}." in given.inner_text()
    field = given.locator("[data-gift-url]")
    url = field.input_value()
    assert url.startswith(f"{SITE}/g/")
    # The field shows the start of the link (site and article), not the tail of the token.
    assert field.evaluate("(el) => el.scrollLeft") == 0
    assert field.evaluate("(el) => el.selectionStart") == 0
    assert t["via"] in given.inner_text() and t["social"] in given.inner_text()
    given.get_by_role("button", name=t["copy"]).click()
    given.locator("[data-gift-copied]").wait_for(state="visible")
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert duplicate_ids(page) == []

    # Opening the dialog again shows the same link, not the button to make one.
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.matches('[data-gift-open]')")
    page.locator("[data-gift-open]").click()
    assert given.is_visible()
    assert script_errors(page) == []


# ---- item 3: offline is the browser's word; a silent server is a technical error -------------


@pytest.mark.parametrize("lang", LANGS)
def test_gift_dialog_server_not_answering_is_a_technical_error_not_offline(
    app, page_factory, make_user, make_article, lang
):
    t = TEXT[lang]
    article = make_article()
    user = make_user(digital_plus=True)
    page = reader(page_factory, lang)
    log_in(page, user.email, PASSWORD)
    dialog = open_dialog(page, article.slug)
    page.route(f"**/articles/{article.slug}/gift", lambda route: route.abort("connectionrefused"))
    dialog.get_by_role("button", name=t["create"]).click()
    failed = dialog.locator("[data-state=technical_error]")
    failed.wait_for(state="visible")
    assert t["technical"] in failed.inner_text()
    assert focused_text(page) == t["technical"]
    assert dialog.locator("[data-state=offline]").is_hidden()

    # A 5xx is the same technical error; trying again once the server answers succeeds.
    page.unroute(f"**/articles/{article.slug}/gift")
    answer = '{"error": "technical_error", "message": "Try again."}'
    page.route(
        f"**/articles/{article.slug}/gift",
        lambda route: route.fulfill(status=503, content_type="application/json", body=answer),
    )
    failed.locator("[data-gift-retry]").click()
    failed.wait_for(state="visible")
    page.unroute(f"**/articles/{article.slug}/gift")
    failed.locator("[data-gift-retry]").click()
    dialog.locator("[data-state=given]").wait_for(state="visible")
    assert gift_rows(app) == 1
    assert script_errors(page) == []


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_gift_dialog_offline_says_so_charges_nothing_and_leaves_by_itself(
    app, page_factory, make_user, make_article, lang, viewport
):
    t = TEXT[lang]
    article = make_article()
    user = make_user(digital_plus=True)
    page = reader(page_factory, lang, viewport)
    log_in(page, user.email, PASSWORD)
    dialog = open_dialog(page, article.slug)
    page.context.set_offline(True)
    offline = dialog.locator("[data-state=offline]")
    offline.wait_for(state="visible")  # the browser's offline event switches the dialog
    assert t["offline"] in offline.inner_text()
    assert t["offline_text"] in offline.inner_text()
    offline.locator("[data-gift-retry]").click()  # trying anyway changes nothing
    assert offline.is_visible()
    page.context.set_offline(False)
    intro = dialog.locator("[data-state=intro]")
    intro.wait_for(state="visible")  # back online, the dialog leaves the offline state
    assert gift_rows(app) == 0
    intro.get_by_role("button", name=t["create"]).click()
    dialog.locator("[data-state=given]").wait_for(state="visible")
    assert gift_rows(app) == 1
    assert script_errors(page) == []


# ---- item 2: the upsell for readers without Digital+ ----------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_gift_offer_for_a_visitor_is_the_paywall_and_the_gift_page(
    page_factory, make_article, lang
):
    """Under the paywall of an article the reader cannot read there is no gift button (issue
    24, item 8); the gift page, where a link may still lead, offers Digital+ and login."""
    article = make_article()
    page = reader(page_factory, lang)
    page.goto(f"/articles/{article.slug}")
    assert page.locator(".paywall").is_visible()
    assert page.locator("[data-gift-open]").count() == 0
    page.goto(f"/articles/{article.slug}/gift")
    upsell = page.locator("[data-state=login_required]")
    assert TEXT[lang]["digital_plus"] in upsell.inner_text()
    login = upsell.locator(f"a[href='/login?next=/articles/{article.slug}']")
    assert login.is_visible()
    assert duplicate_ids(page) == []
    assert script_errors(page) == []


@pytest.mark.parametrize("lang", LANGS)
def test_gift_offer_for_a_reader_without_digital_plus_is_the_paywall_and_the_gift_page(
    page_factory, make_user, make_article, lang
):
    article = make_article()
    user = make_user()
    page = reader(page_factory, lang)
    log_in(page, user.email, PASSWORD)
    page.goto(f"/articles/{article.slug}")
    assert page.locator(".paywall").is_visible()
    assert page.locator("[data-gift-open]").count() == 0
    page.goto(f"/articles/{article.slug}/gift")
    upsell = page.locator("[data-state=digital_plus_required]")
    assert TEXT[lang]["digital_plus"] in upsell.inner_text()
    assert upsell.locator("a[href^='/digital-plus']").is_visible()
    assert script_errors(page) == []


# ---- item 14: a gift recipient is offered Digital+, not giving -------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_gift_recipient_gets_the_digital_plus_offer_not_the_gift_button(
    app, page_factory, make_user, make_article, lang
):
    t = TEXT[lang]
    article = make_article()
    giver = make_user(name="Karen Holm", digital_plus=True)
    give_now(app, giver, article)
    with app.app_context():
        gift = db.session.scalars(select(Gift)).one()
        token = links.token_for(gift, gift_policy())
    stranger = reader(page_factory, lang)
    stranger.goto(f"/articles/{article.slug}?gift={token}")
    assert SENTINEL in stranger.locator("article").inner_text()
    assert t["banner"].format(name="Karen") in stranger.locator(".gift-banner").inner_text()
    assert stranger.locator("[data-gift-open]").count() == 0
    assert t["offer"] in stranger.locator(".gift-offer").inner_text()
    assert script_errors(stranger) == []


# ---- without JavaScript: the gift page, Post/Redirect/Get -----------------------------------


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_gift_without_javascript_posts_once_and_the_result_page_reloads_safely(
    app, page_factory, make_user, make_article, lang, viewport
):
    t = TEXT[lang]
    article = make_article()
    user = make_user(digital_plus=True)
    page = reader(page_factory, lang, viewport, java_script_enabled=False)
    log_in(page, user.email, PASSWORD)
    page.goto(f"/articles/{article.slug}")
    page.get_by_role("button", name=t["open"]).click()
    page.wait_for_url(re.compile(rf"/articles/{article.slug}/gift\??$"))
    page.get_by_role("button", name=t["create"]).click()
    page.wait_for_url(re.compile(rf"/articles/{article.slug}/gift$"))
    field = page.locator("[data-state=given] [data-gift-url]")
    assert field.input_value().startswith(f"{SITE}/g/")
    assert t["works_until"] in page.locator("[data-state=given]").inner_text()
    assert page.get_by_role("button", name=t["copy"]).count() == 0 or not (
        page.get_by_role("button", name=t["copy"]).is_visible()
    )  # copying needs JavaScript: no dead button
    page.reload()
    assert field.input_value().startswith(f"{SITE}/g/")
    assert gift_rows(app) == 1
    assert duplicate_ids(page) == []


@pytest.mark.parametrize("lang", LANGS)
def test_gift_without_javascript_opens_in_allowance_used(
    app, page_factory, make_user, make_article, lang
):
    user = make_user(digital_plus=True)
    for _ in range(5):
        give_now(app, user, make_article())
    page = reader(page_factory, lang, java_script_enabled=False)
    log_in(page, user.email, PASSWORD)
    page.goto(f"/articles/{make_article().slug}")
    page.get_by_role("button", name=TEXT[lang]["open"]).click()
    assert TEXT[lang]["used_heading"] in page.locator("[data-state=allowance_used]").inner_text()
    assert page.get_by_role("button", name=TEXT[lang]["create"]).count() == 0


# ---- item 12: My gifts ------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_my_gifts_copies_each_link_confirms_before_revoking_and_labels_on_mobile(
    app, page_factory, make_user, make_article, lang, viewport
):
    t = TEXT[lang]
    user = make_user(digital_plus=True)
    first, second = make_article(), make_article()
    give_now(app, user, first)
    give_now(app, user, second)
    page = reader(page_factory, lang, viewport, permissions=["clipboard-read", "clipboard-write"])
    log_in(page, user.email, PASSWORD)
    page.goto("/gifts")
    rows = page.locator("[data-gift-row]")
    assert rows.count() == 2
    row = rows.first
    row.get_by_role("button", name=t["copy"]).click()
    row.locator("[data-copied]").wait_for(state="visible")
    assert (
        page.evaluate("navigator.clipboard.readText()")
        == row.locator("[data-copy-source]").input_value()
    )
    # The column's name is shown beside each value when the table stacks on a phone.
    label = (
        row.locator("td[data-label]")
        .nth(2)
        .evaluate("(el) => getComputedStyle(el, '::before').content")
    )
    if viewport is MOBILE:
        assert label == f'"{t["label_opened"]}"'
    row.locator("summary", has_text=t["revoke"]).click()
    assert t["confirm"] in row.locator(".revoke-confirm__body").inner_text()
    row.get_by_role("button", name=t["yes"]).click()
    page.wait_for_url("**/gifts")
    with app.app_context():
        assert db.session.scalar(select(func.count(Gift.id)).where(Gift.revoked_at.is_not(None)))
    assert duplicate_ids(page) == []
    assert script_errors(page) == []


def test_my_gifts_revokes_without_javascript_after_confirming(
    app, page_factory, make_user, make_article
):
    user = make_user(digital_plus=True)
    give_now(app, user, make_article())
    page = reader(page_factory, "en", java_script_enabled=False)
    log_in(page, user.email, PASSWORD)
    page.goto("/gifts")
    assert not page.get_by_role("button", name="Copy link").is_visible()
    assert not page.get_by_role("button", name="Yes, revoke the link").is_visible()
    page.locator("main summary").click()
    page.get_by_role("button", name="Yes, revoke the link").click()
    page.wait_for_url("**/gifts")
    with app.app_context():
        assert db.session.scalars(select(Gift)).one().revoked_at is not None

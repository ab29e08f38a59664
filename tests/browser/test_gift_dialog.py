"""The gift dialog in a real browser: every state a reader can meet, keyboard included."""

from datetime import UTC, datetime

from babel.dates import format_date
from sqlalchemy import func, select

from newsroom.extensions import db
from newsroom.models import Gift
from newsroom.services import clock, gifting
from newsroom.web.policy import gift_policy
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, SENTINEL

SITE = "http://newsroom.test"
DIALOG = "dialog[data-gift-dialog]"


def script_errors(page) -> list[str]:
    # The browser's own favicon request may 404; script errors may not happen.
    return [e for e in page.console_errors if not e.startswith("Failed to load resource")]


def gift_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Gift.id)))


def open_dialog(page, slug: str):
    page.goto(f"/articles/{slug}")
    page.locator("[data-gift-open]").click()
    dialog = page.locator(DIALOG)
    dialog.wait_for(state="visible")
    return dialog


def test_gift_dialog_opens_shows_allowance_and_escape_returns_focus(
    page_factory, make_user, make_article
):
    article = make_article()
    user = make_user(digital_plus=True)
    page = page_factory()
    log_in(page, user.email, PASSWORD)
    dialog = open_dialog(page, article.slug)
    assert "You have given 0 of 5." in dialog.locator("[data-state=intro]").inner_text()
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.matches('[data-gift-open]')")
    assert script_errors(page) == []


def test_gift_dialog_gives_copies_and_the_link_opens_for_a_stranger(
    page_factory, make_user, make_article
):
    article = make_article()
    user = make_user(name="Karen Holm", digital_plus=True)
    page = page_factory(permissions=["clipboard-read", "clipboard-write"])
    log_in(page, user.email, PASSWORD)
    dialog = open_dialog(page, article.slug)
    dialog.locator("[data-state=intro] [data-gift-create]").click()

    given = dialog.locator("[data-state=given]")
    given.wait_for(state="visible")
    assert "You have given 1 of 5." in given.inner_text()
    url = given.locator("[data-gift-url]").input_value()
    assert url.startswith(f"{SITE}/articles/{article.slug}?gift=")
    given.locator("[data-gift-copy]").click()
    given.locator("[data-gift-copied]").wait_for(state="visible")
    assert page.evaluate("navigator.clipboard.readText()") == url

    stranger = page_factory()
    stranger.goto(url.removeprefix(SITE))
    assert SENTINEL in stranger.locator("article").inner_text()
    assert "Karen gave you this article" in stranger.locator(".gift-banner").inner_text()
    assert script_errors(page) == []
    assert script_errors(stranger) == []


def test_gift_dialog_offline_says_so_and_charges_nothing(
    app, page_factory, make_user, make_article
):
    article = make_article()
    user = make_user(digital_plus=True)
    page = page_factory()
    log_in(page, user.email, PASSWORD)
    dialog = open_dialog(page, article.slug)
    page.context.set_offline(True)
    offline = dialog.locator("[data-state=offline]")
    offline.wait_for(state="visible")  # the browser's offline event switches the dialog
    offline.locator("[data-gift-create]").click()  # trying anyway changes nothing
    assert offline.is_visible()
    assert "no internet connection" in offline.inner_text()
    page.context.set_offline(False)
    assert gift_rows(app) == 0
    assert script_errors(page) == []


def test_gift_dialog_allowance_used_shows_the_renewal(app, page_factory, make_user, make_article):
    user = make_user(digital_plus=True)
    given = [make_article() for _ in range(5)]
    with app.app_context():
        for article in given:
            gifting.give(db.session, user, True, article, datetime.now(UTC), gift_policy())
            db.session.commit()
    page = page_factory()
    log_in(page, user.email, PASSWORD)
    dialog = open_dialog(page, make_article().slug)
    assert "You have given 5 of 5." in dialog.inner_text()
    dialog.locator("[data-state=intro] [data-gift-create]").click()
    used = dialog.locator("[data-state=allowance_used]")
    used.wait_for(state="visible")
    text = used.inner_text()
    assert "You cannot give more articles" in text
    renews_on = clock.next_month_start(clock.now(), app.config["TIMEZONE"])
    assert format_date(renews_on, "long", locale="en") in text
    assert gift_rows(app) == 5
    assert script_errors(page) == []


def test_gift_dialog_for_a_visitor_offers_digital_plus_and_login(page_factory, make_article):
    article = make_article()
    page = page_factory()
    dialog = open_dialog(page, article.slug)
    upsell = dialog.locator("[data-state=login_required]")
    assert "This feature requires Digital+" in upsell.inner_text()
    login = upsell.get_by_role("link", name="Log in")
    assert login.get_attribute("href") == f"/login?next=/articles/{article.slug}"
    assert script_errors(page) == []


def test_gift_dialog_for_a_reader_without_digital_plus_offers_it(
    page_factory, make_user, make_article
):
    article = make_article()
    user = make_user()
    page = page_factory()
    log_in(page, user.email, PASSWORD)
    dialog = open_dialog(page, article.slug)
    upsell = dialog.locator("[data-state=digital_plus_required]")
    assert "This feature requires Digital+" in upsell.inner_text()
    assert upsell.get_by_role("link", name="Get Digital+").is_visible()
    assert script_errors(page) == []


def test_gift_dialog_technical_error_says_so(app, page_factory, make_user, make_article):
    article = make_article()
    user = make_user(digital_plus=True)
    page = page_factory()
    log_in(page, user.email, PASSWORD)
    dialog = open_dialog(page, article.slug)
    answer = '{"error": "technical_error", "message": "Try again."}'
    page.route(
        f"**/articles/{article.slug}/gift",
        lambda route: route.fulfill(status=503, content_type="application/json", body=answer),
    )
    dialog.locator("[data-state=intro] [data-gift-create]").click()
    failed = dialog.locator("[data-state=technical_error]")
    failed.wait_for(state="visible")
    assert "could not be gifted because of a technical error" in failed.inner_text()
    assert gift_rows(app) == 0

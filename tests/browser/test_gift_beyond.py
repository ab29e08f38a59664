"""Gifting beyond the link, in the browser, in English and Danish: the note, asking for a new
link, distinct opens with bots left out, and what a gift led to."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from newsroom.extensions import db
from newsroom.gifting import giving
from newsroom.gifting.policy import gift_policy
from newsroom.models import Gift, GiftRequest
from tests.browser.conftest import log_in, month_old_gift
from tests.helpers import BOTS, BROWSER, PASSWORD, SENTINEL
from tests.mailbox import link_in

DIALOG = "dialog[data-gift-dialog]"
TEXT = {
    "en": {
        "locale": "en-GB",
        "create": "Create gift link",
        "note_label": "A note for the recipient (optional)",
        "banner": "Karen gave you this article",
        "expired": "This gift link has expired.",
        "ask": "Ask Karen for a new link",
        "asked": "We have told Karen that you would like a new link.",
        "request": "Someone asked you for a new link.",
        "renew": "Send a new link",
        "renewed": "Here is a new link.",
        "browsers": "Opened by {n} person",
        "accounts": "{n} new account",
        "plus": "{n} took Digital+",
        "register": "Create a free account",
        "asked_subject": "Someone asks for a new link to",
    },
    "da": {
        "locale": "da-DK",
        "create": "Opret gavelink",
        "note_label": "En hilsen til modtageren (valgfri)",
        "banner": "Karen har givet dig denne artikel",
        "expired": "Gavelinket er udløbet.",
        "ask": "Bed Karen om et nyt link",
        "asked": "Vi har fortalt Karen, at du gerne vil have et nyt link.",
        "request": "Nogen har bedt dig om et nyt link.",
        "renew": "Send et nyt link",
        "renewed": "Her er et nyt link.",
        "browsers": "Åbnet af {n} person",
        "accounts": "{n} ny konto",
        "plus": "{n} tog Digital+",
        "register": "Opret en gratis konto",
        "asked_subject": "Nogen beder om et nyt link til",
    },
}
LANGS = ["en", "da"]


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config


def script_errors(page) -> list[str]:
    return [e for e in page.console_errors if not e.startswith("Failed to load resource")]


def reader(page_factory, lang, **options):
    # Headless Chromium names itself "HeadlessChrome", which the bot list rightly catches;
    # a person's browser says "Chrome".
    return page_factory(locale=TEXT[lang]["locale"], user_agent=BROWSER, **options)


@pytest.mark.parametrize("lang", LANGS)
def test_note_typed_in_the_dialog_reaches_the_recipient_as_text(
    app, page_factory, make_user, make_article, lang
):
    t = TEXT[lang]
    article = make_article()
    giver = make_user(name="Karen Holm", digital_plus=True)
    page = reader(page_factory, lang)
    log_in(page, giver.email, PASSWORD)
    page.goto(f"/articles/{article.slug}")
    page.locator("[data-gift-open]").click()
    dialog = page.locator(DIALOG)
    note = '<b>Læs</b> afsnittet om "havnen" & ring'
    dialog.get_by_label(t["note_label"]).fill(note)
    dialog.get_by_role("button", name=t["create"]).click()
    given = dialog.locator("[data-state=given]")
    given.wait_for(state="visible")
    assert note in given.locator("[data-gift-sent-note]").inner_text()
    url = given.locator("[data-gift-url]").input_value()
    assert "L%C3%A6s" not in url and "havnen" not in url

    stranger = reader(page_factory, lang)
    stranger.goto(url.removeprefix("http://newsroom.test"))
    banner = stranger.locator(".gift-banner")
    assert t["banner"] in banner.inner_text()
    assert banner.locator("[data-gift-note]").inner_text() == note  # shown as text, not markup
    assert banner.locator("b").count() == 0
    assert note not in stranger.locator("head").inner_html()
    assert script_errors(page) == [] and script_errors(stranger) == []


@pytest.mark.parametrize("lang", LANGS)
def test_note_too_long_is_refused_in_place(app, page_factory, make_user, make_article, lang):
    article = make_article()
    giver = make_user(digital_plus=True)
    page = reader(page_factory, lang)
    log_in(page, giver.email, PASSWORD)
    page.goto(f"/articles/{article.slug}")
    page.locator("[data-gift-open]").click()
    field = page.locator("[data-gift-note]")
    field.evaluate("(el) => { el.removeAttribute('maxlength'); el.value = 'x'.repeat(281); }")
    page.locator(DIALOG).get_by_role("button", name=TEXT[lang]["create"]).click()
    page.locator("[data-gift-note-error]").wait_for(state="visible")
    assert field.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.matches('[data-gift-note]')")
    with app.app_context():
        assert db.session.scalars(select(Gift)).first() is None


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_expired_link_asks_the_giver_who_sends_a_new_one(
    app, page_factory, make_user, make_article, smtp_server, lang, javascript
):
    t = TEXT[lang]
    giver, article, link = month_old_gift(app, make_user, make_article, lang)
    stranger = reader(page_factory, lang, java_script_enabled=javascript)
    stranger.goto(link)
    assert t["expired"] in stranger.locator(".gift-note").inner_text()
    assert SENTINEL not in stranger.content()
    stranger.get_by_role("button", name=t["ask"]).click()
    stranger.wait_for_url(f"**{link}")  # back to the old link
    assert t["asked"] in stranger.locator(".flashes").inner_text()
    with app.app_context():
        assert len(db.session.scalars(select(GiftRequest)).all()) == 1

    mail = smtp_server.wait_for(giver.email)  # the giver hears of it by mail too
    assert mail["Subject"].strip().startswith(t["asked_subject"])
    page = reader(page_factory, lang, java_script_enabled=javascript)
    log_in(page, giver.email, PASSWORD)
    page.goto(link_in(mail))
    assert t["request"] in page.locator("[data-gift-request]").inner_text()
    page.get_by_role("button", name=t["renew"]).click()
    page.wait_for_url(f"**/articles/{article.slug}/gift")
    assert t["renewed"] in page.locator(".flashes").inner_text()
    new_url = page.locator("[data-state=given] [data-gift-url]").input_value()
    fresh = reader(page_factory, lang)
    fresh.goto(new_url.removeprefix("http://newsroom.test"))
    assert SENTINEL in fresh.locator("article").inner_text()


@pytest.mark.parametrize("lang", LANGS)
def test_opens_count_each_browser_once_bots_left_out_and_the_account_it_led_to(
    app, browser, live_server, page_factory, make_user, make_article, runner, lang
):
    t = TEXT[lang]
    article = make_article()
    giver = make_user(name="Karen Holm", digital_plus=True)
    with app.app_context():
        token = giving.give(db.session, giver, article, datetime.now(UTC), gift_policy()).token
        db.session.commit()
    link = f"/articles/{article.slug}?gift={token}"
    for user_agent in BOTS[:3]:  # link scanners and chat previews fetch it first
        bot = page_factory(user_agent=user_agent)
        bot.goto(link)
    friend = reader(page_factory, lang)
    friend.goto(link)
    friend.reload()  # the same browser again
    assert t["banner"] in friend.locator(".gift-banner").inner_text()
    friend.get_by_role("link", name=t["register"]).click()
    friend.fill("input[name=email]", "ida@example.com")
    friend.fill("input[name=name]", "Ida Berg")
    friend.fill("input[name=password]", PASSWORD)
    friend.locator("form[action^='/register'] button[type=submit]").click()
    friend.wait_for_url(f"**/articles/{article.slug}")
    assert SENTINEL in friend.locator("article").inner_text()  # readable without the link
    result = runner.invoke(
        args=["newsroom", "subscribe", "ida@example.com", "--until", "2099-01-01"]
    )
    assert result.exit_code == 0

    page = reader(page_factory, lang)
    log_in(page, giver.email, PASSWORD)
    page.goto("/gifts")
    row = page.locator("[data-gift-row]").first
    assert row.locator("[data-gift-opens]").get_attribute("data-gift-opens") == "1"
    assert t["browsers"].format(n=1) in row.inner_text()
    assert t["accounts"].format(n=1) in row.inner_text()
    assert t["plus"].format(n=1) in row.inner_text()

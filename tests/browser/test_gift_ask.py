"""Closing the ask loop in a real browser, in English and Danish, at desktop and phone width,
with and without JavaScript: the recipient of an old link leaves an address, the page then
says when they asked instead of offering the button again, the giver sees who asked, and
"Send a new link" reaches the asker by mail in the asker's language."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, month_old_gift
from tests.browser.test_accessibility import serious
from tests.helpers import BROWSER, PASSWORD, SENTINEL
from tests.mailbox import link_in, text_of

ANNA = "anna@example.org"
TEXT = {
    "en": {
        "locale": "en-GB",
        "ask": "Ask Karen for a new link",
        "address": "Your e-mail address (optional)",
        "asked": "the new link will come by mail.",
        "from_karen": "the new link will come from Karen.",
        "who": f"{ANNA} asked for a new link.",
        "renew": "Send a new link",
        "on_its_way": f"The new link is on its way to {ANNA}.",
        "subject": "Karen sent you a new link",
    },
    "da": {
        "locale": "da-DK",
        "ask": "Bed Karen om et nyt link",
        "address": "Din e-mailadresse (valgfri)",
        "asked": "det nye link kommer med e-mail.",
        "from_karen": "det nye link kommer fra Karen.",
        "who": f"{ANNA} har bedt om et nyt link.",
        "renew": "Send et nyt link",
        "on_its_way": f"Det nye link er på vej til {ANNA}.",
        "subject": "Karen har sendt dig et nyt link",
    },
}
LANGS = ["en", "da"]
WIDTHS = [
    pytest.param({"width": 1280, "height": 900}, id="desktop"),
    pytest.param({"width": 390, "height": 844}, id="mobile"),
]


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config


@pytest.fixture
def expired(app, make_user, make_article):
    """Karen's gift from a month ago, given in English: (giver, old link)."""
    giver, _article, link = month_old_gift(app, make_user, make_article)
    return giver, link


def script_errors(page) -> list[str]:
    return [e for e in page.console_errors if not e.startswith("Failed to load resource")]


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("lang", LANGS)
def test_asker_leaves_an_address_and_gets_the_new_link_in_their_language(
    app, page_factory, expired, smtp_server, lang, javascript, viewport
):
    t = TEXT[lang]
    giver, link = expired
    options = {"java_script_enabled": javascript, "viewport": viewport, "user_agent": BROWSER}
    asker = page_factory(locale=t["locale"], **options)
    asker.goto(link)
    asker.get_by_label(t["address"]).fill(ANNA)
    asker.get_by_role("button", name=t["ask"]).click()
    asked = asker.locator("[data-gift-asked]")
    expect(asked).to_contain_text(t["asked"])
    expect(asked).to_be_in_viewport()
    expect(asker.get_by_role("button", name=t["ask"])).to_have_count(0)  # not offered again
    asker.reload()
    expect(asked).to_contain_text(t["asked"])  # remembered in this browser

    smtp_server.wait_for(giver.email)
    karen = page_factory(locale="en-GB", **options)  # the giver reads in English
    log_in(karen, giver.email, PASSWORD)
    karen.goto("/gifts")
    request = karen.locator("[data-gift-request]")
    expect(request).to_contain_text(f"{ANNA} asked for a new link.")
    request.get_by_role("button", name="Send a new link").click()
    expect(karen.locator(".flashes")).to_contain_text(f"The new link is on its way to {ANNA}.")

    mail = smtp_server.wait_for(ANNA)
    assert mail["Subject"].startswith(t["subject"])  # the asker's language, not Karen's
    assert "Karen" in text_of(mail)
    asker.goto(link_in(mail))
    assert SENTINEL in asker.locator("article").inner_text()
    if javascript:
        assert script_errors(asker) == [] and script_errors(karen) == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("lang", LANGS)
def test_asking_without_an_address_says_the_link_will_come_from_the_giver(
    app, page_factory, expired, smtp_server, lang, javascript
):
    t = TEXT[lang]
    _giver, link = expired
    asker = page_factory(locale=t["locale"], java_script_enabled=javascript, user_agent=BROWSER)
    asker.goto(link)
    asker.get_by_role("button", name=t["ask"]).click()
    expect(asker.locator("[data-gift-asked]")).to_contain_text(t["from_karen"])


@pytest.mark.parametrize("lang", LANGS)
def test_my_gifts_in_the_givers_language_says_who_asked(
    app, page_factory, make_user, make_article, smtp_server, lang
):
    t = TEXT[lang]
    giver, _article, link = month_old_gift(app, make_user, make_article, lang)
    asker = page_factory(locale="en-GB", user_agent=BROWSER)
    asker.goto(link)
    asker.get_by_label(TEXT["en"]["address"]).fill(ANNA)
    asker.get_by_role("button", name=TEXT["en"]["ask"]).click()
    expect(asker.locator("[data-gift-asked]")).to_be_visible()
    karen = page_factory(locale=t["locale"], user_agent=BROWSER)
    log_in(karen, giver.email, PASSWORD)
    karen.goto("/gifts")
    expect(karen.locator("[data-gift-asker]")).to_have_text(t["who"])
    karen.get_by_role("button", name=t["renew"]).click()
    expect(karen.locator(".flashes")).to_contain_text(t["on_its_way"])
    assert smtp_server.wait_for(ANNA)["Subject"].startswith(TEXT["en"]["subject"])


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_ask_form_and_the_asked_line_have_no_serious_violation(
    app, page_factory, expired, smtp_server, lang, viewport
):
    _giver, link = expired
    asker = page_factory(locale=TEXT[lang]["locale"], viewport=viewport, user_agent=BROWSER)
    asker.goto(link)
    assert serious(asker) == []
    asker.get_by_label(TEXT[lang]["address"]).fill(ANNA)
    asker.get_by_role("button", name=TEXT[lang]["ask"]).click()
    expect(asker.locator("[data-gift-asked]")).to_be_visible()
    assert serious(asker) == []

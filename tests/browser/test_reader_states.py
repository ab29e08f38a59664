"""Items a reader meets in a real browser, in English and Danish, at desktop and phone width,
with and without JavaScript: the reading-list offer, form errors, hidden controls."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.helpers import PASSWORD

WIDTHS = {"desktop": 1280, "mobile": 390}
UPSELL = {
    "en": "This feature requires Digital+",
    "da": "Denne funktion kræver Digital+",
}
REQUIRED = {"en": "This field is required.", "da": "Feltet skal udfyldes."}


def reader_page(page_factory, lang: str, width: str, js: bool = True):
    page = page_factory(
        java_script_enabled=js,
        locale={"en": "en-GB", "da": "da-DK"}[lang],
        viewport={"width": WIDTHS[width], "height": 900},
    )
    return page


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("lang", ["en", "da"])
def test_reading_list_offer_opens_in_place_and_keeps_focus(
    page_factory, make_user, make_article, lang, width
):
    article = make_article()
    user = make_user()  # registered, no Digital+
    page = reader_page(page_factory, lang, width)
    log_in(page, user.email, PASSWORD)
    page.goto(f"/articles/{article.slug}")
    button = page.locator(".article__footer form[data-reading-list] button")
    button.focus()
    page.keyboard.press("Enter")
    status = page.locator(".article__footer [data-reading-list-status]")
    status.filter(has_text=UPSELL[lang]).wait_for()
    assert page.url.endswith(f"/articles/{article.slug}")
    assert status.locator("a[href^='/digital-plus']").is_visible()
    focused = page.evaluate("document.activeElement.hasAttribute('data-reading-list-button')")
    assert focused
    assert button.get_attribute("aria-pressed") == "false"


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("lang", ["en", "da"])
def test_reading_list_offer_without_javascript_is_a_page_that_leads_back(
    page_factory, make_article, lang, width
):
    article = make_article()
    page = reader_page(page_factory, lang, width, js=False)
    page.goto(f"/articles/{article.slug}")
    page.locator(".article__footer a.button--save").click()  # a link: the page is public
    page.wait_for_url(lambda url: "/reading-list/offer?next=" in url)
    assert UPSELL[lang] in page.locator("main").inner_text()
    page.reload()  # a GET: reloading re-posts nothing
    page.locator(f"main a[href='/articles/{article.slug}']").click()
    page.wait_for_url(f"**/articles/{article.slug}")


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("lang", ["en", "da"])
def test_form_errors_all_at_once_tied_and_focused(page_factory, lang, width, js):
    page = reader_page(page_factory, lang, width, js=js)
    page.goto("/register")
    page.fill("input[name=email]", "not-an-address")
    page.fill("input[name=password]", "short")
    page.click("main form button[type=submit]")
    page.wait_for_selector("input[name=email][aria-invalid=true]")
    for name in ("email", "name", "password"):
        field = page.locator(f"input[name={name}]")
        assert field.get_attribute("aria-invalid") == "true"
        for error_id in field.get_attribute("aria-describedby").split():
            assert page.locator(f"#{error_id}").is_visible()
    assert REQUIRED[lang] in page.locator("#name-error-1").inner_text()
    # the first field with an error asks for the focus, so it works without JavaScript too
    autofocused = page.locator("[autofocus]")
    assert autofocused.count() == 1
    assert autofocused.get_attribute("name") == "email"
    if js:  # with JavaScript the focus is certain; without, it is the browser's autofocus
        # A locator assertion, not wait_for_function: its polling compiles a string in the page,
        # which the site's CSP (no 'unsafe-eval') refuses.
        expect(page.locator("input[name=email]")).to_be_focused()


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("lang", ["en", "da"])
def test_hidden_controls_stay_hidden_without_javascript(
    page_factory, make_user, make_article, lang, width
):
    article = make_article()
    user = make_user(digital_plus=True)
    page = reader_page(page_factory, lang, width, js=False)
    log_in(page, user.email, PASSWORD)
    page.goto(f"/articles/{article.slug}")
    page.locator("[data-gift-open]").click()  # without JavaScript: the gift page (GET)
    page.wait_for_url(lambda url: f"/articles/{article.slug}/gift" in url)
    page.locator("[data-state=intro] [data-gift-create]").click()
    page.wait_for_selector("[data-state=given] [data-gift-url]")
    assert page.locator("[data-gift-copy]").count() >= 1
    assert not page.locator("[data-gift-copy]").first.is_visible()  # dead without JS
    hidden = page.locator("[hidden]")
    assert all(not hidden.nth(i).is_visible() for i in range(hidden.count()))

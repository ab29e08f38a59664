"""The funnel in a real browser, against localstripe, the stand-in for Stripe's payment page
and a real SMTP server: a stranger goes from a locked article through sign-up, Checkout and
the purchase mail back to the article, unlocked, without confirming the address first; the
confirmation link returns them to where they were; logging in from the paywall without
Digital+ says so. English and Danish, 1280 and 390 px, with and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from newsroom.extensions import db
from newsroom.models import User
from tests.browser.test_accessibility import serious
from tests.conftest import stripe_config
from tests.helpers import PASSWORD, SENTINEL
from tests.mailbox import text_of

LOCALES = {"en": "en-GB", "da": "da-DK"}
WIDTHS = {"desktop": 1280, "mobile": 390}
TEXT = {
    "en": {
        "welcome_subject": "Welcome to Digital+",
        "active": "Your Digital+ is active",
        "confirmed": "your e-mail address is confirmed",
        "already": "Already confirmed",
        "log_in": "Log in",
        "not_included": "You are logged in, but your account does not include Digital+.",
        "offer": "See what Digital+ gives",
    },
    "da": {
        "welcome_subject": "Velkommen til Digital+",
        "active": "Dit Digital+ er aktivt",
        "confirmed": "din e-mailadresse er bekræftet",
        "already": "Allerede bekræftet",
        "log_in": "Log ind",
        "not_included": "Du er logget ind, men din konto har ikke Digital+.",
        "offer": "Se hvad Digital+ giver",
    },
}
# Each language, each width and JavaScript on and off, in four runs.
RUNS = [
    pytest.param("en", "desktop", True, id="en-desktop-js"),
    pytest.param("da", "mobile", True, id="da-mobile-js"),
    pytest.param("en", "mobile", False, id="en-mobile-nojs"),
    pytest.param("da", "desktop", False, id="da-desktop-nojs"),
]


@pytest.fixture
def app_config(stripe_stand_in, smtp_server):
    stripe = stripe_config(stripe_stand_in, STRIPE_FORM_ACTION_ORIGINS=[stripe_stand_in.state.url])
    return {**stripe, **smtp_server.app_config}


@pytest.fixture
def shop(app, live_server, stripe_stand_in):
    """Links in mail lead to the live server; the payment page posts its event there."""
    app.config["SITE_URL"] = live_server
    stripe_stand_in.state.webhook_url = f"{live_server}/stripe/webhook"
    stripe_stand_in.state.delivery_delay = 1.0  # the reader is on the welcome page by then
    yield stripe_stand_in
    stripe_stand_in.state.webhook_url = None
    stripe_stand_in.state.delivery_delay = 0.0


def reader_page(page_factory, lang: str, width: str, js: bool):
    return page_factory(
        java_script_enabled=js,
        locale=LOCALES[lang],
        viewport={"width": WIDTHS[width], "height": 900},
    )


def site_links(message, base: str) -> list[str]:
    """The paths of the site's links in a mail's plain text, in order."""
    return re.findall(re.escape(base) + r"(/[^\s<>\"']*)", text_of(message))


def sign_up_from_the_paywall(page, slug: str, email: str) -> None:
    page.goto(f"/articles/{slug}")
    assert SENTINEL not in page.content()
    page.locator(".paywall a[href^='/digital-plus']").first.click()
    page.wait_for_url(lambda url: "/digital-plus?next=" in url)
    page.locator("main a.button[href^='/register']").click()
    page.wait_for_url(lambda url: "/register?next=" in url)
    page.fill("input[name=email]", email)
    page.fill("input[name=name]", "Ida Holm")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/digital-plus?next=" in url)


@pytest.mark.parametrize("lang, width, js", RUNS)
def test_stranger_buys_from_a_locked_article_and_reads_it_without_confirming_first(
    app, page_factory, make_article, shop, smtp_server, live_server, lang, width, js
):
    text = TEXT[lang]
    article = make_article(locked=True)
    email = f"stranger-{lang}-{width}@example.com"
    page = reader_page(page_factory, lang, width, js)

    sign_up_from_the_paywall(page, article.slug, email)
    # One banner asks to confirm the address, and Subscribe stands right under it.
    expect(page.locator(".verify-banner")).to_have_count(1)
    page.locator("form[data-checkout] button").click()
    page.wait_for_url(lambda url: url.startswith(f"{shop.state.url}/pay/"))
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(lambda url: "/digital-plus/welcome" in url)
    if js:  # the page asks the server and shows Digital+ when the event has come
        expect(page.get_by_role("heading", name=text["active"])).to_be_visible(timeout=15000)

    welcome = next(
        mail
        for mail in [smtp_server.wait_for(email, count=2)] + smtp_server.to(email)
        if mail["Subject"] == text["welcome_subject"]
    )
    assert len(smtp_server.to(email)) == 2  # the confirmation went too
    back = site_links(welcome, live_server)[0]
    assert back == f"/articles/{article.slug}"
    page.goto(back)
    assert SENTINEL in page.content()
    expect(page.locator(".paywall")).to_have_count(0)
    with app.app_context():
        assert not db.session.scalar(db.select(User).where(User.email == email)).is_verified
    assert [e for e in page.console_errors if not e.startswith("Failed to load resource")] == []


@pytest.mark.parametrize("lang, width, js", RUNS)
def test_confirmation_link_returns_to_the_page_in_this_and_another_browser(
    page_factory, make_article, smtp_server, live_server, app, lang, width, js
):
    app.config["SITE_URL"] = live_server
    text = TEXT[lang]
    article = make_article(locked=True)
    email = f"confirm-{lang}-{width}@example.com"
    page = reader_page(page_factory, lang, width, js)
    sign_up_from_the_paywall(page, article.slug, email)
    offer = page.url.removeprefix(live_server)
    [link] = site_links(smtp_server.wait_for(email), live_server)

    phone = reader_page(page_factory, lang, width, js)  # a phone's mail app
    phone.goto(link)
    phone.wait_for_url(lambda url: "/login?next=" in url)
    expect(phone.locator("main")).to_contain_text(text["confirmed"])
    phone.fill("input[name=email]", email)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("form[action='/login'] button[type=submit]")
    phone.wait_for_url(f"**{offer}")

    page.goto(link)  # the same link again, in the browser that signed up
    expect(page.get_by_role("heading", name=text["already"])).to_be_visible()
    stranger = reader_page(page_factory, lang, width, js)
    stranger.goto(link)
    expect(stranger.get_by_role("heading", name=text["already"])).to_be_visible()
    stranger.locator("[data-link-next-step] a", has_text=text["log_in"]).click()
    stranger.wait_for_url(lambda url: "/login?next=" in url)


@pytest.mark.parametrize("lang, width, js", RUNS)
def test_login_from_the_paywall_without_digital_plus_says_so_with_the_offer(
    page_factory, make_user, make_article, lang, width, js
):
    text = TEXT[lang]
    article = make_article(locked=True)
    reader = make_user(verified=True)
    page = reader_page(page_factory, lang, width, js)
    page.goto(f"/articles/{article.slug}")
    page.locator(".paywall a[href^='/login']").click()
    page.fill("input[name=email]", reader.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"**/articles/{article.slug}")
    expect(page.locator(".flashes")).to_contain_text(text["not_included"])
    expect(page.locator(".paywall")).to_be_visible()
    page.locator(".flashes a", has_text=text["offer"]).click()
    page.wait_for_url(lambda url: "/digital-plus?next=" in url)
    expect(page.locator("form[data-checkout] button")).to_be_visible()


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("lang", ["en", "da"])
def test_funnel_states_have_no_serious_violation(
    page_factory, make_article, shop, smtp_server, live_server, lang, width
):
    found: dict = {}
    article = make_article(locked=True)
    email = f"axe-{lang}-{width}@example.com"
    page = reader_page(page_factory, lang, width, True)

    def check(name: str) -> None:
        page.wait_for_load_state()
        if problems := serious(page):
            found[name] = problems

    sign_up_from_the_paywall(page, article.slug, email)
    check("Digital+ page, address not confirmed")
    page.locator("form[data-checkout] button").click()
    page.wait_for_url(lambda url: url.startswith(f"{shop.state.url}/pay/"))
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(lambda url: "/digital-plus/welcome" in url)
    expect(page.get_by_role("heading", name=TEXT[lang]["active"])).to_be_visible(timeout=15000)
    check("welcome, Digital+ active")
    page.goto("/account")
    expect(page.locator("[data-renews]")).to_have_count(1)
    check("account, renewing")
    smtp_server.wait_for(email)
    confirmation = next(
        mail for mail in smtp_server.to(email) if mail["Subject"] != TEXT[lang]["welcome_subject"]
    )
    [link] = site_links(confirmation, live_server)
    page.goto(link)
    page.goto(link)
    expect(page.get_by_role("heading", name=TEXT[lang]["already"])).to_be_visible()
    check("confirmation opened twice")
    assert found == {}

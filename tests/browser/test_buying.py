"""A reader goes from a locked article to reading it as a paying subscriber, in a real
browser, against localstripe and the stand-in for Stripe's hosted payment page: nobody at
a shell. Access comes from the signed webhook the payment page sends, never from the
page the reader lands on."""

import pytest

from tests.conftest import stripe_config
from tests.helpers import PASSWORD, SENTINEL

TEXT = {
    "en": {
        "subscribe_cta": "Subscribe to Digital+",
        "log_in": "Log in to subscribe",
        "subscribe": "Subscribe",
        "waiting": "Your Digital+ is on its way",
        "active": "Your Digital+ is active",
        "continue": "Continue reading",
        "gift": "Give access to a friend",
    },
    "da": {
        "subscribe_cta": "Abonnér på Digital+",
        "log_in": "Log ind for at abonnere",
        "subscribe": "Abonnér",
        "waiting": "Dit Digital+ er på vej",
        "active": "Dit Digital+ er aktivt",
        "continue": "Læs videre",
        "gift": "Giv adgang til en ven",
    },
}


@pytest.fixture
def app_config(stripe_stand_in):
    return stripe_config(stripe_stand_in, STRIPE_FORM_ACTION_ORIGINS=[stripe_stand_in.state.url])


@pytest.fixture
def shop(app, live_server, stripe_stand_in):
    """The site's own address is the live server's, and the payment page posts its event
    to the live server's webhook."""
    app.config["SITE_URL"] = live_server
    stripe_stand_in.state.webhook_url = f"{live_server}/stripe/webhook"
    stripe_stand_in.state.delivery_delay = 2.0  # the reader is on the welcome page by then
    yield stripe_stand_in
    stripe_stand_in.state.webhook_url = None
    stripe_stand_in.state.delivery_delay = 0.0


@pytest.mark.parametrize("lang", ["en", "da"])
def test_reader_buys_digital_plus_from_a_locked_article_and_reads_it(
    page_factory, make_user, make_article, shop, lang
):
    text = TEXT[lang]
    article = make_article(locked=True)
    reader = make_user(verified=True)
    page = page_factory(locale={"en": "en-GB", "da": "da-DK"}[lang])
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append((r.status, r.url)))

    page.goto(f"/articles/{article.slug}")
    assert page.locator(".paywall").is_visible()
    assert SENTINEL not in page.content()
    page.locator(".paywall a", has_text=text["subscribe_cta"]).click()
    page.wait_for_url(lambda url: "/digital-plus?next=" in url)
    assert page.locator("[data-price]").is_visible()

    page.get_by_role("link", name=text["log_in"]).click()
    page.fill("input[name=email]", reader.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(lambda url: "/digital-plus?next=" in url)

    page.locator("form[data-checkout] button", has_text=text["subscribe"]).click()
    page.wait_for_url(lambda url: url.startswith(f"{shop.state.url}/pay/"))
    page.get_by_role("button", name="Pay").click()

    page.wait_for_url(lambda url: "/digital-plus/welcome" in url)
    # The page came before the event: it waits, asks the server, and shows it when granted.
    assert page.get_by_role("heading", name=text["waiting"]).is_visible()
    page.get_by_role("heading", name=text["active"]).wait_for(timeout=15000)
    assert shop.state.delivered and shop.state.delivered[-1][1] == 200
    page.get_by_role("link", name=text["continue"]).click()
    page.wait_for_url(lambda url: url.endswith(f"/articles/{article.slug}"))
    assert SENTINEL in page.content()
    assert page.locator(".paywall").count() == 0

    page.get_by_role("button", name=text["gift"]).first.click()
    page.locator("dialog[data-gift-dialog][open]").wait_for()
    # The site has no favicon; every other response succeeded, and no script failed.
    assert [f for f in failed if not f[1].endswith("/favicon.ico")] == []
    assert [e for e in page.console_errors if not e.startswith("Failed to load resource")] == []

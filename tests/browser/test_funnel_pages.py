"""The funnel's pages and states in a real browser, in English and Danish, at 1280 and 390 px:
customer service on the Digital+ page without Stripe, the next step on a dead account link,
the message after logging in from the paywall, the account page's one sentence; and axe
finds no serious or critical violation on any of them."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from newsroom.accounts import account_links
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import serious
from tests.helpers import PASSWORD, now_utc

LOCALES = {"en": "en-GB", "da": "da-DK"}
WIDTHS = {"desktop": 1280, "mobile": 390}
SERVICE = "kundeservice@news.example"
KEYS = ["test-secret-key-that-is-long-enough-000"]
TEXT = {
    "en": {"new_link": "Request a new link", "resend": "Send the confirmation again"},
    "da": {"new_link": "Bed om et nyt link", "resend": "Send bekræftelsen igen"},
}


@pytest.fixture
def app_config():
    return {
        "CUSTOMER_SERVICE_EMAIL": SERVICE,
        "CUSTOMER_SERVICE_PHONE": "+45 70 20 30 40",
        "CUSTOMER_SERVICE_HOURS": "9-16",
    }


def reader(page_factory, lang: str, width: str, js: bool = True):
    return page_factory(
        java_script_enabled=js,
        locale=LOCALES[lang],
        viewport={"width": WIDTHS[width], "height": 900},
    )


def check(page, found: dict, name: str) -> None:
    page.wait_for_load_state()
    problems = serious(page)
    if problems:
        found[name] = problems


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("lang", ["en", "da"])
def test_funnel_pages_lead_on_and_have_no_serious_violation(
    page_factory, make_user, make_article, lang, width
):
    text, found = TEXT[lang], {}
    locked = make_article(locked=True)

    stranger = reader(page_factory, lang, width)
    stranger.goto(f"/digital-plus?next=/articles/{locked.slug}")
    mail_link = stranger.locator(f"[data-customer-service] a[href='mailto:{SERVICE}']")
    expect(mail_link).to_be_visible()
    expect(stranger.locator("[data-customer-service] a[href^='tel:']")).to_be_visible()
    check(stranger, found, "Digital+ page with customer service")

    stale = account_links.reset_token(make_user(), KEYS, now_utc() - timedelta(hours=2))
    stranger.goto(f"/password/reset/{stale}")
    check(stranger, found, "dead reset link")
    stranger.get_by_role("link", name=text["new_link"]).click()
    stranger.wait_for_url("**/password/forgot")

    unconfirmed = make_user()
    member = reader(page_factory, lang, width)
    log_in(member, unconfirmed.email, PASSWORD)
    late = account_links.verification_token(unconfirmed, KEYS, now_utc() - timedelta(days=2))
    member.goto(f"/account/verify/{late}")
    expect(member.locator(".verify-banner")).to_have_count(0)  # the page's button says it
    check(member, found, "expired confirmation, logged in")
    member.get_by_role("button", name=text["resend"]).click()
    member.wait_for_url("**/account")

    plain = reader(page_factory, lang, width)
    plain.goto(f"/login?next=/articles/{locked.slug}")
    plain.fill("input[name=email]", make_user(verified=True).email)
    plain.fill("input[name=password]", PASSWORD)
    plain.click("form[action='/login'] button[type=submit]")
    plain.wait_for_url(f"**/articles/{locked.slug}")
    expect(plain.locator(".flashes a[href^='/digital-plus']")).to_be_visible()
    check(plain, found, "logged in from the paywall without Digital+")

    customer = reader(page_factory, lang, width)
    log_in(customer, make_user(digital_plus=True, verified=True).email, PASSWORD)
    customer.goto("/account")
    expect(customer.locator("[data-ends]")).to_have_count(1)
    expect(customer.locator(f"main a[href='mailto:{SERVICE}']")).to_be_visible()
    check(customer, found, "account of a period customer service set")

    assert found == {}


@pytest.mark.parametrize("lang", ["en", "da"])
def test_customer_service_page_works_without_javascript(page_factory, lang):
    page = reader(page_factory, lang, "mobile", js=False)
    page.goto("/digital-plus")
    expect(page.locator(f"[data-customer-service] a[href='mailto:{SERVICE}']")).to_be_visible()

"""Accounts by e-mail in a real browser, in English and Danish: each flow follows the link in
the mail a real SMTP server (aiosmtpd on loopback) received."""

import json

import pytest

from newsroom.extensions import db
from newsroom.models import User
from tests.browser.conftest import log_in
from tests.helpers import PASSWORD
from tests.mailbox import link_in

LOCALES = {"en": "en-GB", "da": "da-DK"}
NEW_PASSWORD = "Another-passw0rd"
TEXT = {
    "en": {
        "confirm_banner": "Confirm your e-mail address",
        "confirmed": "your e-mail address is confirmed",
        "forgot": "Forgot your password?",
        "sent": "If an account exists for",
        "new_password_set": "Your new password is set",
        "change_email": "Change e-mail address",
        "link_sent": "We have sent a link to",
        "email_changed": "Your account now uses",
        "delete": "Delete account",
        "deleted": "Your account is deleted",
        "download": "Download your data (JSON)",
    },
    "da": {
        "confirm_banner": "Bekræft din e-mailadresse",
        "confirmed": "din e-mailadresse er bekræftet",
        "forgot": "Glemt din adgangskode?",
        "sent": "Hvis der findes en konto for",
        "new_password_set": "Din nye adgangskode er sat",
        "change_email": "Skift e-mailadresse",
        "link_sent": "Vi har sendt et link til",
        "email_changed": "Din konto bruger nu",
        "delete": "Slet konto",
        "deleted": "Din konto er slettet",
        "download": "Hent dine data (JSON)",
    },
}


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config


def reader_page(page_factory, lang: str):
    return page_factory(locale=LOCALES[lang], viewport={"width": 1280, "height": 900})


def main_text(page) -> str:
    return page.locator("main").inner_text()


@pytest.mark.parametrize("lang", ["en", "da"])
def test_browser_register_and_confirm_by_the_mailed_link(page_factory, smtp_server, app, lang):
    words = TEXT[lang]
    page = reader_page(page_factory, lang)
    page.goto("/register")
    page.fill("input[name=email]", f"new-{lang}@example.com")
    page.fill("input[name=name]", "Ida Holm")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/register" not in url)
    assert words["confirm_banner"] in main_text(page)
    page.goto(link_in(smtp_server.wait_for(f"new-{lang}@example.com")))
    page.wait_for_url("**/account")
    assert words["confirmed"] in main_text(page)
    assert words["confirm_banner"] not in main_text(page)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == f"new-{lang}@example.com"))
        assert user.is_verified


@pytest.mark.parametrize("lang", ["en", "da"])
def test_browser_forgot_password_and_reset_by_the_mailed_link(
    page_factory, smtp_server, make_user, lang
):
    words = TEXT[lang]
    user = make_user()
    page = reader_page(page_factory, lang)
    page.goto("/login")
    page.click(f"main a:has-text('{words['forgot']}')")
    page.wait_for_url("**/password/forgot")
    page.fill("input[name=email]", user.email)
    page.click("main form button[type=submit]")
    page.locator("[data-forgot-sent]").wait_for()
    assert words["sent"] in main_text(page)
    page.goto(link_in(smtp_server.wait_for(user.email)))
    page.fill("input[name=password]", NEW_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/login")
    assert words["new_password_set"] in main_text(page)
    log_in(page, user.email, NEW_PASSWORD)
    page.goto("/account")
    assert user.email in main_text(page)


@pytest.mark.parametrize("lang", ["en", "da"])
def test_browser_change_email_by_the_mailed_link(page_factory, smtp_server, make_user, lang):
    words = TEXT[lang]
    user = make_user()
    new_address = f"moved-{lang}@example.com"
    page = reader_page(page_factory, lang)
    log_in(page, user.email, PASSWORD)
    page.goto("/account")
    page.click(f"main a:has-text('{words['change_email']}')")
    page.wait_for_url("**/account/email")
    page.fill("input[name=email]", new_address)
    page.fill("input[name=current_password]", PASSWORD)
    page.click("form[action='/account/email'] button[type=submit]")
    page.wait_for_url("**/account")
    assert words["link_sent"] in main_text(page)
    assert smtp_server.wait_for(user.email)  # the old address is told
    page.goto(link_in(smtp_server.wait_for(new_address)))
    page.wait_for_url("**/account")
    assert words["email_changed"] in main_text(page)
    assert new_address in main_text(page)


@pytest.mark.parametrize("lang", ["en", "da"])
def test_browser_export_then_delete_account(page_factory, make_user, app, lang):
    words = TEXT[lang]
    user = make_user(email=f"leaving-{lang}@example.com")
    page = reader_page(page_factory, lang)
    log_in(page, user.email, PASSWORD)
    page.goto("/account")
    page.click(f"main a:has-text('{words['delete']}')")
    page.wait_for_url("**/account/delete")
    with page.expect_download() as download:
        page.click(f"main a:has-text('{words['download']}')")
    exported = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert exported["profile"]["email"] == user.email
    page.fill("input[name=current_password]", PASSWORD)
    page.click("form[action='/account/delete'] button[type=submit]")
    page.wait_for_url(lambda url: "/account" not in url)
    assert words["deleted"] in main_text(page)
    page.goto("/account")
    page.wait_for_url("**/login**")
    with app.app_context():
        assert db.session.get(User, user.id).deleted_at is not None

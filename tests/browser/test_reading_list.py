"""The reading-list button in a real browser: toggles in place, and says when offline."""

from tests.browser.conftest import log_in
from tests.helpers import PASSWORD

OFFLINE = "You have no internet connection. The reading list was not changed."


def test_reading_list_button_toggles_and_list_follows(page_factory, make_user, make_article):
    article = make_article(headline="Make the bus faster before cheaper")
    user = make_user(digital_plus=True)
    page = page_factory()
    log_in(page, user.email, PASSWORD)

    page.goto(f"/articles/{article.slug}")
    button = page.locator("form[data-reading-list] button")
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    page.wait_for_selector("form[data-reading-list] button[aria-pressed=true]")
    assert page.url.endswith(f"/articles/{article.slug}")  # changed in place, no reload

    page.goto("/reading-list")
    assert page.locator(".reading-list__item h2").inner_text() == article.headline

    page.locator(".reading-list__item form[data-reading-list] button").click()
    page.wait_for_selector(".reading-list__item.is-removed button[aria-pressed=false]")
    page.reload()
    assert page.locator(".reading-list__item").count() == 0
    # The browser's own favicon request may 404; script errors may not happen.
    assert [e for e in page.console_errors if not e.startswith("Failed to load resource")] == []


def test_reading_list_button_offline_says_so(page_factory, make_user, make_article, app):
    article = make_article()
    user = make_user(digital_plus=True)
    page = page_factory()
    log_in(page, user.email, PASSWORD)
    page.goto(f"/articles/{article.slug}")

    page.context.set_offline(True)
    page.locator("form[data-reading-list] button").click()
    status = page.locator("form[data-reading-list] [data-reading-list-status]")
    status.filter(has_text=OFFLINE).wait_for()
    assert page.locator("form[data-reading-list] button").get_attribute("aria-pressed") == "false"
    page.context.set_offline(False)

    page.goto("/reading-list")
    assert page.locator(".reading-list__item").count() == 0


def test_reading_list_button_without_javascript_posts_the_form(
    page_factory, make_user, make_article
):
    article = make_article()
    user = make_user(digital_plus=True)
    page = page_factory(java_script_enabled=False)
    log_in(page, user.email, PASSWORD)
    page.goto(f"/articles/{article.slug}")
    page.locator("form[data-reading-list] button").click()
    page.wait_for_selector("form[data-reading-list] button[aria-pressed=true]")
    assert "is on your reading list" in page.locator(".flashes").inner_text()

from tests.browser.conftest import log_in
from tests.helpers import PASSWORD, SENTINEL


def test_article_page_paywall_and_subscriber_view(page_factory, make_user, make_article):
    article = make_article(headline="Grid storage is a people problem")
    user = make_user(digital_plus=True)

    anonymous = page_factory(java_script_enabled=False)
    anonymous.goto(f"/articles/{article.slug}")
    assert anonymous.locator("h1").inner_text() == "Grid storage is a people problem"
    assert anonymous.locator(".paywall").is_visible()
    assert SENTINEL not in anonymous.content()

    subscriber = page_factory()
    log_in(subscriber, user.email, PASSWORD)
    subscriber.goto(f"/articles/{article.slug}")
    assert SENTINEL in subscriber.locator(".paywalled-content").inner_text()
    assert subscriber.console_errors == []

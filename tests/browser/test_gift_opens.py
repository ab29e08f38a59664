"""An open is a person, in a real Chromium, in English and Danish: with JavaScript the gift
page counts itself once it is shown (and the read once its end is on screen); without it,
the reader's next click counts; a headless scanner running the page counts nothing. The
giver shapes a link in the dialog (people, days) and sees it on My gifts."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from newsroom.extensions import db
from newsroom.gifting import giving
from newsroom.gifting.policy import gift_policy
from newsroom.models import Gift, GiftOpen
from tests.browser.conftest import log_in
from tests.helpers import BROWSER, PASSWORD, SENTINEL, locked_body

LOCALES = {"en": "en-GB", "da": "da-DK"}
TEXT = {
    "en": {
        "opened": "Opened by 1 person, read to the end by 1",
        "create": "Create gift link",
        "people": "2 people",
        "days": "7 days",
        "limit": "for at most 2 people",
        "left": "7 days left",
    },
    "da": {
        "opened": "Åbnet af 1 person, læst til ende af 1",
        "create": "Opret gavelink",
        "people": "2 personer",
        "days": "7 dage",
        "limit": "til højst 2 personer",
        "left": "7 dage tilbage",
    },
}


def gift_link(app, make_user, make_article) -> str:
    article = make_article(body=locked_body(40))  # longer than a screen: the end is below
    giver = make_user(name="Karen Holm", digital_plus=True)
    with app.app_context():
        token = giving.give(db.session, giver, article, datetime.now(UTC), gift_policy()).token
        db.session.commit()
    return f"/g/{token}"


def people(app) -> tuple[int, int]:
    with app.app_context():
        opened = db.session.scalar(select(func.count(GiftOpen.id)))
        read = db.session.scalar(select(func.count(GiftOpen.read_at)))
        db.session.remove()
    return opened, read


@pytest.mark.parametrize("lang", ["en", "da"])
def test_with_javascript_the_shown_page_counts_once_and_the_end_counts_the_read(
    app, page_factory, make_user, make_article, lang
):
    link = gift_link(app, make_user, make_article)
    scanner = page_factory(locale=LOCALES[lang])  # Playwright's own HeadlessChrome agent
    scanner.goto(link)
    assert SENTINEL in scanner.locator("article").inner_text()  # it still sees the article
    reader = page_factory(locale=LOCALES[lang], user_agent=BROWSER)
    with reader.expect_response("**/g/shown"):
        reader.goto(link)
    reader.wait_for_load_state("networkidle")
    assert people(app) == (1, 0)
    reader.reload()
    reader.wait_for_load_state("networkidle")
    assert people(app) == (1, 0)  # the same browser again
    with reader.expect_response("**/g/shown"):
        reader.keyboard.press("End")
    reader.wait_for_load_state("networkidle")
    assert people(app) == (1, 1)
    assert reader.console_errors == []


@pytest.mark.parametrize("lang", ["en", "da"])
def test_without_javascript_one_click_on_the_page_counts(
    app, page_factory, make_user, make_article, lang
):
    link = gift_link(app, make_user, make_article)
    reader = page_factory(locale=LOCALES[lang], user_agent=BROWSER, java_script_enabled=False)
    reader.goto(link)
    reader.reload()
    assert SENTINEL in reader.locator("article").inner_text()
    assert people(app) == (0, 0)
    reader.locator(".site-name").click()
    reader.wait_for_url("**/")
    assert people(app) == (1, 0)  # no script, no claim that it was read to the end


@pytest.mark.parametrize("lang", ["en", "da"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_the_giver_limits_people_and_days_and_sees_them_on_my_gifts(
    app, page_factory, make_user, make_article, lang, javascript
):
    t = TEXT[lang]
    article = make_article()
    giver = make_user(name="Karen Holm", digital_plus=True)
    page = page_factory(locale=LOCALES[lang], user_agent=BROWSER, java_script_enabled=javascript)
    log_in(page, giver.email, PASSWORD)
    page.goto(f"/articles/{article.slug}")
    page.locator("[data-gift-open]").click()
    page.locator("[data-gift-people]").first.select_option(label=t["people"])
    page.locator("[data-gift-days]").first.select_option(label=t["days"])
    page.get_by_role("button", name=t["create"]).click()
    page.locator("[data-state=given] [data-gift-url]").first.wait_for()
    with app.app_context():
        gift = db.session.scalars(select(Gift)).one()
        assert (gift.people_limit, gift.link_days) == (2, 7)
        db.session.remove()
    page.goto("/gifts")
    row = page.locator("[data-gift-row]").first.inner_text()
    assert t["limit"] in row
    assert t["left"] in row

"""The desk with the keyboard alone, in English and Danish: an editor reaches every field and
button by Tab, sees where the focus is, writes a piece, saves it and publishes it."""

import re

import pytest
from playwright.sync_api import expect

from newsroom.extensions import db
from newsroom.models import Article, User
from tests.browser.conftest import log_in
from tests.helpers import PASSWORD

LOCALES = {"en": "en-GB", "da": "da-DK"}
PUBLISH = {"en": "Publish now", "da": "Udgiv nu"}
TABS_AT_MOST = 150  # the longest page, the article form, has far fewer stops


def tab_to(page, selector: str) -> None:
    """Press Tab until the focus is on `selector`; every stop on the way must show its focus."""
    for _ in range(TABS_AT_MOST):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """selector => {
                const el = document.activeElement;
                const style = getComputedStyle(el);
                return {
                    match: el.matches(selector),
                    shown: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
                    name: el.outerHTML.slice(0, 80),
                };
            }""",
            selector,
        )
        assert focused["shown"], f"no visible focus on {focused['name']}"
        if focused["match"]:
            return
    raise AssertionError(f"{selector} not reached by Tab")


@pytest.mark.parametrize("lang", ["en", "da"])
def test_an_editor_writes_and_publishes_with_the_keyboard_alone(app, page_factory, make_user, lang):
    chief = make_user(name="Eva Editor", verified=True)
    with app.app_context():
        db.session.get(User, chief.id).role = "editor"
        db.session.commit()
    page = page_factory(locale=LOCALES[lang])
    log_in(page, chief.email, PASSWORD)
    page.goto("/desk")
    tab_to(page, "a[href='/desk/articles/new']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/desk/articles/new")

    for selector, text in (
        ("input[name=headline]", "Keys only"),
        ("textarea[name=lead]", "Written without a mouse."),
        ("textarea[name=body]", "The opening paragraph.\n\nThe part for subscribers."),
        ("input[name=section]", "Debate"),
        ("input[name=author_name]", "Ada Berg"),
    ):
        tab_to(page, selector)
        page.keyboard.type(text)
    tab_to(page, "form[action='/desk/articles/new'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/desk/articles/\d+$"))

    tab_to(page, "form[action$='/publish'] button")
    expect(page.locator(":focus")).to_have_text(PUBLISH[lang])
    page.keyboard.press("Space")
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "published")
    with app.app_context():
        article = db.session.scalar(db.select(Article))
        assert (article.headline, article.section, article.is_published) == (
            "Keys only",
            "Debate",
            True,
        )

"""Leaving a desk form with changes not yet saved asks first (with JavaScript); saving, or
leaving a form nobody changed, goes without a question. Without JavaScript nothing asks."""

import re

import pytest
from playwright.sync_api import expect

from newsroom.extensions import db
from newsroom.models import User
from tests.browser.conftest import log_in
from tests.helpers import PASSWORD

LOCALES = {"en": "en-GB", "da": "da-DK"}
NEW = "form[action='/desk/articles/new']"


def editor_page(app, page_factory, make_user, lang, js=True):
    chief = make_user(name="Eva Editor", verified=True)
    with app.app_context():
        db.session.get(User, chief.id).role = "editor"
        db.session.commit()
    page = page_factory(locale=LOCALES[lang], java_script_enabled=js)
    log_in(page, chief.email, PASSWORD)
    questions: list[str] = []

    def answer(dialog) -> None:
        questions.append(dialog.type)
        dialog.dismiss()  # "stay on the page"

    page.on("dialog", answer)
    return page, questions


def start_writing(page, headline: str) -> None:
    """A new article with its headline typed: keys pressed, as the browser asks only then."""
    page.goto("/desk/articles/new")
    page.locator("input[name=headline]").click()
    page.keyboard.type(headline)


def leave(page) -> None:
    page.locator("a[href='/desk']").first.click()


@pytest.mark.parametrize("lang", ["en", "da"])
def test_leaving_a_changed_form_asks_and_staying_keeps_the_text(app, page_factory, make_user, lang):
    page, questions = editor_page(app, page_factory, make_user, lang)
    start_writing(page, "Half written")
    leave(page)
    expect(page.locator("input[name=headline]")).to_have_value("Half written")
    assert questions == ["beforeunload"]
    assert page.url.endswith("/desk/articles/new")

    # Saving leaves without a question; the saved form, unchanged, can be left freely.
    page.locator("textarea[name=lead]").fill("A lead.")
    page.locator("textarea[name=body]").fill("The opening.\n\nThe rest.")
    page.locator("input[name=section]").fill("Debate")
    page.locator("input[name=author_name]").fill("Ada Berg")
    page.locator(f"{NEW} button[type=submit]").click()
    page.wait_for_url(re.compile(r"/desk/articles/\d+$"))
    leave(page)
    page.wait_for_url(re.compile(r"/desk$"))
    assert questions == ["beforeunload"]


@pytest.mark.parametrize("lang", ["en", "da"])
def test_a_form_back_with_errors_is_unsaved_from_the_start(app, page_factory, make_user, lang):
    page, questions = editor_page(app, page_factory, make_user, lang)
    start_writing(page, "No body yet")
    page.locator(f"{NEW} button[type=submit]").click()
    page.locator("[aria-invalid=true]").first.wait_for()
    page.locator("h1").click()  # a click on the page: the browser asks only after one
    leave(page)
    expect(page.locator("input[name=headline]")).to_have_value("No body yet")
    assert questions == ["beforeunload"]


def test_without_javascript_leaving_does_not_ask(app, page_factory, make_user):
    page, questions = editor_page(app, page_factory, make_user, "en", js=False)
    start_writing(page, "Half written")
    leave(page)
    page.wait_for_url(re.compile(r"/desk$"))
    assert questions == []

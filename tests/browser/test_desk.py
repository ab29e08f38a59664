"""The desk in a real browser, in English and Danish, with and without JavaScript: a contributor
writes a draft and submits it; an editor previews it, makes a preview link a logged-out reader
opens, schedules it, sees it appear when due, corrects it and finds the revision."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from newsroom.extensions import db
from newsroom.models import Article, User
from tests.browser.conftest import log_in
from tests.helpers import PASSWORD, local_path

LOCALES = {"en": "en-GB", "da": "da-DK"}
DRAFT = "The harbour ledger balances at last, and only the desk knows it"
CORRECTED = "The harbour ledger balances at last, corrected after publication"
LINK = re.compile(r"https?://\S+/preview/[A-Za-z0-9._-]+")


def staff(app, make_user, role: str, name: str) -> User:
    user = make_user(name=name, verified=True)
    with app.app_context():
        db.session.get(User, user.id).role = role
        db.session.commit()
    return user


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["en", "da"])
def test_a_piece_goes_from_draft_to_a_correction_after_publication(
    app, app_clock, page_factory, make_user, lang, js
):
    options = {"locale": LOCALES[lang], "java_script_enabled": js}
    writer = staff(app, make_user, "contributor", "Carl Contributor")
    chief = staff(app, make_user, "editor", "Eva Editor")

    contributor = page_factory(**options)
    log_in(contributor, writer.email, PASSWORD)
    contributor.goto("/desk/articles/new")
    expect(contributor.locator("html")).to_have_attribute("lang", lang)
    contributor.fill("input[name=headline]", "Harbour ledger")
    contributor.fill("textarea[name=lead]", "The port's books, read closely.")
    contributor.fill("textarea[name=body]", f"The opening paragraph.\n\n{DRAFT}.")
    contributor.fill("input[name=section]", "Debate")
    contributor.locator("form[action='/desk/articles/new'] button[type=submit]").click()
    contributor.wait_for_url(re.compile(r"/desk/articles/\d+$"))
    path = urlsplit(contributor.url).path
    contributor.locator("form[action$='/submit'] button").click()
    expect(contributor.locator("[data-state]")).to_have_attribute("data-state", "review")

    editor = page_factory(**options)
    log_in(editor, chief.email, PASSWORD)
    editor.goto(path)
    editor.locator(f"a[href='{path}/preview']").click()
    expect(editor.locator("article.article")).to_contain_text(DRAFT)
    editor.goto(path)
    editor.locator("form[action$='/preview-links'] button").click()
    link = LINK.search(editor.locator(".flash, [role=status]").first.inner_text())
    assert link, "no preview link shown"

    reader = page_factory(**options)
    reader.goto(local_path(link[0]))
    expect(reader.locator("article.article")).to_contain_text(DRAFT)
    reader.goto("/account")
    assert "/login" in reader.url  # the link logged nobody in

    editor.fill("input[name=publish_at]", "2026-03-12T08:00")
    editor.locator("form[action$='/schedule'] button").click()
    expect(editor.locator("[data-state]")).to_have_attribute("data-state", "scheduled")
    with app.app_context():
        article = db.session.scalar(db.select(Article))
        slug, at = article.slug, article.published_at
    assert reader.goto(f"/articles/{slug}").status == 404

    app_clock.now = at + timedelta(seconds=1)
    assert reader.goto(f"/articles/{slug}").status == 200
    expect(reader.locator("main")).to_contain_text(DRAFT)

    editor.goto(path)
    expect(editor.locator("[data-state]")).to_have_attribute("data-state", "published")
    editor.fill("textarea[name=body]", f"The opening paragraph.\n\n{CORRECTED}.")
    editor.locator(f"form[action='{path}'] button[type=submit]").click()
    editor.wait_for_url(re.compile(re.escape(path) + "$"))
    editor.locator(f"a[href='{path}/revisions']").click()
    newest = editor.locator("tr[data-revision]").first
    expect(newest).to_contain_text("Eva Editor")
    editor.locator("main form[method=get] > button[type=submit]").click()
    expect(editor.locator("[data-compare] ins").first).to_be_visible()
    expect(editor.locator("[data-compare]")).to_contain_text("corrected after publication")
    assert reader.goto(f"/articles/{slug}").status == 200
    expect(reader.locator("main")).to_contain_text(CORRECTED)


RENAME = {
    "en": {"shown": "changes the section of 1 article", "rename": "Rename in 1 article"},
    "da": {"shown": "ændrer sektionen i 1 artikel", "rename": "Omdøb i 1 artikel"},
}


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["en", "da"])
def test_a_section_rename_is_confirmed_and_its_old_address_leads_on(
    app, page_factory, make_user, make_article, lang, js
):
    article = make_article(section="Debate")
    chief = staff(app, make_user, "editor", "Eva Editor")
    editor = page_factory(locale=LOCALES[lang], java_script_enabled=js)
    log_in(editor, chief.email, PASSWORD)
    editor.goto("/desk/sections")
    editor.locator("li[data-unlisted] a").click()  # "add" next to the section articles carry
    editor.locator("#section-form + form button[type=submit]").click()
    editor.locator("tr[data-section] a", has_text="Debate").click()

    editor.fill("input[name=name]", "Opinion")
    editor.locator("#section-form ~ form button[type=submit]").click()
    expect(editor.locator("[data-rename-confirm]")).to_contain_text(RENAME[lang]["shown"])
    editor.get_by_role(
        "link", name={"en": "Keep the old name", "da": "Behold det gamle navn"}[lang]
    ).click()
    expect(editor.locator("tr[data-section]")).to_contain_text("Debate")

    editor.locator("tr[data-section] a", has_text="Debate").click()
    editor.fill("input[name=name]", "Opinion")
    editor.locator("#section-form ~ form button[type=submit]").click()
    editor.get_by_role("button", name=RENAME[lang]["rename"]).click()
    expect(editor.locator("tr[data-section]")).to_contain_text("Opinion")

    reader = page_factory(locale=LOCALES[lang], java_script_enabled=js)
    reader.goto("/sections/debate")
    assert urlsplit(reader.url).path == "/sections/opinion"
    expect(reader.locator("main")).to_contain_text(article.headline)


REMOVED = {"en": "The section Econmy is removed.", "da": "Sektionen Econmy er fjernet."}


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["en", "da"])
def test_a_section_made_by_mistake_is_removed(app, page_factory, make_user, lang, js):
    chief = staff(app, make_user, "editor", "Eva Editor")
    editor = page_factory(locale=LOCALES[lang], java_script_enabled=js)
    log_in(editor, chief.email, PASSWORD)
    editor.goto("/desk/sections")
    editor.fill("input[name=name]", "Econmy")
    editor.locator("#section-form + form button[type=submit]").click()
    editor.locator("tr[data-section] a", has_text="Econmy").click()
    editor.locator("form[data-remove] button").click()
    expect(editor.locator(".flash--success")).to_have_text(REMOVED[lang])
    expect(editor.locator("tr[data-section]")).to_have_count(0)

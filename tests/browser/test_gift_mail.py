"""Sending a gift by e-mail from the dialog, in English and Danish: the friend gets the link
and the note in the giver's language and reads the whole article from the mail; a bad
address is reported at its field with nothing given; from the given state the same link
can be mailed again; without JavaScript the gift page does the same."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from newsroom.extensions import db
from newsroom.models import Gift
from tests.browser.conftest import log_in
from tests.helpers import BROWSER, PASSWORD, SENTINEL
from tests.mailbox import link_in, text_of

DIALOG = "dialog[data-gift-dialog]"
FRIEND = "friend@example.org"
TEXT = {
    "en": {
        "locale": "en-GB",
        "create": "Create gift link",
        "note_label": "A note for the recipient (optional)",
        "email_label": "Send it by e-mail to (optional)",
        "again_label": "Your friend's e-mail address",
        "send": "Send",
        "sent": f"Sent to {FRIEND}.",
        "another": "Send to another address",
        "count": "{n} of 280 characters",
        "too_long": "The note can be at most 280 characters.",
        "unconfirmed": "Sending by e-mail needs a confirmed address.",
        "copy": "Copy link",
        "copied": "The link is copied.",
        "bad": "Enter your friend's e-mail address, such as name@example.com.",
        "subject": "Karen gave you an article",
    },
    "da": {
        "locale": "da-DK",
        "create": "Opret gavelink",
        "note_label": "En hilsen til modtageren (valgfri)",
        "email_label": "Send den med e-mail til (valgfri)",
        "again_label": "Din vens e-mailadresse",
        "send": "Send",
        "sent": f"Sendt til {FRIEND}.",
        "another": "Send til en anden adresse",
        "count": "{n} af 280 tegn",
        "too_long": "Hilsenen må højst være på 280 tegn.",
        "unconfirmed": "Du skal bekræfte din e-mailadresse for at sende med e-mail.",
        "copy": "Kopiér link",
        "copied": "Linket er kopieret.",
        "bad": "Skriv din vens e-mailadresse, fx navn@example.com.",
        "subject": "Karen har givet dig en artikel",
    },
}
LANGS = ["en", "da"]


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config


def gift_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Gift.id)))


def giver_page(page_factory, make_user, lang, verified=True, **options):
    giver = make_user(name="Karen Holm", digital_plus=True, verified=verified)
    page = page_factory(locale=TEXT[lang]["locale"], user_agent=BROWSER, **options)
    log_in(page, giver.email, PASSWORD)
    return page


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", [1280, 390])
def test_dialog_mails_the_gift_and_the_friend_reads_it_from_the_mail(
    app, page_factory, make_user, make_article, smtp_server, lang, width
):
    t = TEXT[lang]
    article = make_article()
    page = giver_page(page_factory, make_user, lang, viewport={"width": width, "height": 900})
    page.goto(f"/articles/{article.slug}")
    page.locator("[data-gift-open]").click()
    dialog = page.locator(DIALOG)
    dialog.get_by_label(t["note_label"]).fill("Read the part about the port")
    dialog.get_by_label(t["email_label"]).fill(FRIEND)
    dialog.get_by_role("button", name=t["send"], exact=True).click()  # an address: "Send"

    given = dialog.locator("[data-state=given]")
    given.wait_for(state="visible")
    assert given.locator("[data-gift-mailed]").inner_text() == t["sent"]
    mail = smtp_server.wait_for(FRIEND)
    assert mail["Subject"].startswith(t["subject"])
    assert "Read the part about the port" in text_of(mail)
    assert gift_count(app) == 1

    friend = page_factory(locale="en-GB", user_agent=BROWSER)
    friend.goto(link_in(mail))
    assert "Karen gave you this article" in friend.content()  # in the friend's own language
    assert SENTINEL in friend.content()  # the whole locked body, without logging in


@pytest.mark.parametrize("lang", LANGS)
def test_bad_address_is_reported_at_its_field_and_nothing_is_given(
    app, page_factory, make_user, make_article, smtp_server, lang
):
    t = TEXT[lang]
    article = make_article()
    page = giver_page(page_factory, make_user, lang)
    page.goto(f"/articles/{article.slug}")
    page.locator("[data-gift-open]").click()
    dialog = page.locator(DIALOG)
    field = dialog.get_by_label(t["email_label"])
    field.fill("friend-at-example")
    dialog.get_by_role("button", name=t["send"], exact=True).click()

    error = dialog.locator("[data-state=intro] [data-gift-email-error]")
    error.wait_for(state="visible")
    assert error.inner_text() == t["bad"]
    assert field.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.name") == "email"
    assert gift_count(app) == 0
    assert smtp_server.messages == []

    field.fill(FRIEND)  # corrected, it goes through
    dialog.get_by_role("button", name=t["send"], exact=True).click()
    dialog.locator("[data-state=given]").wait_for(state="visible")
    assert smtp_server.wait_for(FRIEND)


@pytest.mark.parametrize("lang", LANGS)
def test_given_state_mails_the_same_link_again(
    app, page_factory, make_user, make_article, smtp_server, lang
):
    t = TEXT[lang]
    article = make_article()
    page = giver_page(page_factory, make_user, lang)
    page.goto(f"/articles/{article.slug}")
    page.locator("[data-gift-open]").click()
    dialog = page.locator(DIALOG)
    dialog.get_by_role("button", name=t["create"]).click()
    given = dialog.locator("[data-state=given]")
    given.wait_for(state="visible")
    link = given.locator("[data-gift-url]").input_value()

    given.get_by_label(t["again_label"]).fill(FRIEND)
    given.get_by_role("button", name=t["send"]).click()
    status = given.locator("[data-gift-mailed]")
    status.filter(has_text=t["sent"]).wait_for()
    assert link.endswith(link_in(smtp_server.wait_for(FRIEND)))
    assert gift_count(app) == 1  # nothing more counted


@pytest.mark.parametrize("lang", LANGS)
def test_gift_page_without_javascript_mails_the_gift(
    app, page_factory, make_user, make_article, smtp_server, lang
):
    t = TEXT[lang]
    article = make_article()
    page = giver_page(page_factory, make_user, lang, java_script_enabled=False)
    page.goto(f"/articles/{article.slug}/gift")
    page.get_by_label(t["email_label"]).fill(FRIEND)
    page.get_by_role("button", name=t["create"]).click()
    page.get_by_text(t["sent"]).first.wait_for()
    assert smtp_server.wait_for(FRIEND)
    page.reload()  # Post/Redirect/Get: a reload sends nothing again
    assert len(smtp_server.to(FRIEND)) == 1


# ---- sending visibly: "Sent to" where the reader looks, the form folded, "Send" ----------

WIDTHS = [
    pytest.param({"width": 1280, "height": 900}, id="desktop"),
    pytest.param({"width": 390, "height": 844}, id="mobile"),
]


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_after_sending_the_dialog_says_so_in_view_and_folds_the_form_away(
    app, page_factory, make_user, make_article, smtp_server, lang, viewport
):
    t = TEXT[lang]
    article = make_article()
    page = giver_page(page_factory, make_user, lang, viewport=viewport)
    page.goto(f"/articles/{article.slug}")
    page.locator("[data-gift-open]").click()
    dialog = page.locator(DIALOG)
    dialog.get_by_role("button", name=t["create"]).click()
    given = dialog.locator("[data-state=given]")
    given.wait_for(state="visible")
    field = given.get_by_label(t["again_label"])
    field.fill(FRIEND)
    given.get_by_role("button", name=t["send"], exact=True).click()

    sent = given.locator("[data-gift-mailed]")
    expect(sent).to_have_text(t["sent"])
    expect(sent).to_be_in_viewport()  # at the top, not below the fold of a phone
    expect(sent).to_be_focused()
    assert sent.bounding_box()["y"] < given.locator("[data-gift-url]").bounding_box()["y"]
    expect(field).to_be_hidden()  # no empty field inviting the same address again
    assert smtp_server.wait_for(FRIEND)

    given.get_by_text(t["another"]).click()  # a second address is one click away
    expect(field).to_be_visible()
    expect(field).to_have_value("")
    field.fill("second@example.org")
    given.get_by_role("button", name=t["send"], exact=True).click()
    expect(sent).to_have_text(t["sent"].replace(FRIEND, "second@example.org"))
    assert smtp_server.wait_for("second@example.org")
    assert gift_count(app) == 1
    assert [e for e in page.console_errors if not e.startswith("Failed to load")] == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_create_button_says_send_while_an_address_is_typed(
    app, page_factory, make_user, make_article, smtp_server, lang
):
    t = TEXT[lang]
    page = giver_page(page_factory, make_user, lang)
    page.goto(f"/articles/{make_article().slug}")
    page.locator("[data-gift-open]").click()
    dialog = page.locator(DIALOG)
    button = dialog.locator("[data-state=intro] [data-gift-create]")
    expect(button).to_have_text(t["create"])
    dialog.get_by_label(t["email_label"]).fill(FRIEND)
    expect(button).to_have_text(t["send"])
    dialog.get_by_label(t["email_label"]).fill("")
    expect(button).to_have_text(t["create"])


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_note_counts_live_and_a_note_past_the_limit_is_refused_not_cut(
    app, page_factory, make_user, make_article, smtp_server, lang, viewport
):
    t = TEXT[lang]
    page = giver_page(page_factory, make_user, lang, viewport=viewport)
    page.goto(f"/articles/{make_article().slug}")
    page.locator("[data-gift-open]").click()
    dialog = page.locator(DIALOG)
    note = dialog.get_by_label(t["note_label"])
    count = dialog.locator("[data-gift-note-count]")
    expect(count).to_have_text(t["count"].format(n=0))
    note.fill("Læs den")
    expect(count).to_have_text(t["count"].format(n=7))
    # The note spans the dialog's width, as the address field does.
    width = note.bounding_box()["width"]
    assert abs(width - dialog.get_by_label(t["email_label"]).bounding_box()["width"]) < 2

    note.fill("x" * 281)
    expect(note).to_have_value("x" * 281)  # never cut silently
    expect(count).to_have_text(t["count"].format(n=281))
    problem = dialog.locator("[data-gift-note-error]")
    expect(problem).to_have_text(t["too_long"])
    expect(note).to_have_attribute("aria-invalid", "true")
    dialog.get_by_role("button", name=t["create"]).click()
    expect(note).to_be_focused()  # the server refused it too; nothing was given
    assert gift_count(app) == 0
    note.fill("x" * 280)
    expect(problem).to_be_hidden()
    dialog.get_by_role("button", name=t["create"]).click()
    dialog.locator("[data-state=given]").wait_for(state="visible")
    assert gift_count(app) == 1


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("lang", LANGS)
def test_an_unconfirmed_giver_is_told_they_can_still_copy_the_link(
    app, page_factory, make_user, make_article, smtp_server, lang, javascript
):
    t = TEXT[lang]
    page = giver_page(page_factory, make_user, lang, verified=False, java_script_enabled=javascript)
    slug = make_article().slug
    if javascript:
        page.goto(f"/articles/{slug}")
        page.locator("[data-gift-open]").click()
        scope = page.locator(DIALOG)
    else:
        page.goto(f"/articles/{slug}/gift")
        scope = page.locator(".gift-page")
    expect(scope.locator("[data-state=intro] [data-gift-mail-blocked]")).to_contain_text(
        t["unconfirmed"]
    )
    scope.get_by_role("button", name=t["create"]).click()
    given = scope.locator("[data-state=given]")
    expect(given.locator("[data-gift-mail-blocked]")).to_contain_text(t["unconfirmed"])
    expect(given.locator("[data-gift-url]")).to_have_value(re.compile("/g/"))


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_gift_page_without_javascript_folds_the_form_after_sending(
    app, page_factory, make_user, make_article, smtp_server, lang, viewport
):
    t = TEXT[lang]
    article = make_article()
    page = giver_page(page_factory, make_user, lang, viewport=viewport, java_script_enabled=False)
    page.goto(f"/articles/{article.slug}/gift")
    page.get_by_role("button", name=t["create"]).click()
    given = page.locator("[data-state=given]")
    field = given.get_by_label(t["again_label"])
    field.fill(FRIEND)
    given.get_by_role("button", name=t["send"], exact=True).click()
    flash = page.locator(".flashes").get_by_text(t["sent"])
    expect(flash).to_be_in_viewport()
    expect(field).to_be_hidden()
    assert smtp_server.wait_for(FRIEND)
    given.get_by_text(t["another"]).click()  # <details>: no script needed
    expect(field).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("lang", LANGS)
def test_gift_page_has_the_copy_button_or_selectable_link_text(
    app, page_factory, make_user, make_article, smtp_server, lang, javascript
):
    t = TEXT[lang]
    permissions = ["clipboard-read", "clipboard-write"] if javascript else []
    page = giver_page(
        page_factory, make_user, lang, java_script_enabled=javascript, permissions=permissions
    )
    page.goto(f"/articles/{make_article().slug}/gift")
    page.get_by_role("button", name=t["create"]).click()
    given = page.locator("[data-state=given]")
    link = given.locator("[data-gift-url]")
    expect(link).to_have_value(re.compile("/g/"))
    expect(link).to_have_attribute("readonly", "")
    copy = given.get_by_role("button", name=t["copy"])
    if not javascript:
        expect(copy).to_be_hidden()  # it could do nothing; the link is text to select
        return
    copy.click()
    expect(given.locator("[data-gift-copied]")).to_have_text(t["copied"])
    assert page.evaluate("navigator.clipboard.readText()") == link.input_value()

"""Sending a gift by e-mail from the dialog, in English and Danish: the friend gets the link
and the note in the giver's language and reads the whole article from the mail; a bad
address is reported at its field with nothing given; from the given state the same link
can be mailed again; without JavaScript the gift page does the same."""

import pytest
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
        "send": "Send by e-mail",
        "sent": f"The link is on its way to {FRIEND}.",
        "bad": "Enter your friend's e-mail address, such as name@example.com.",
        "subject": "Karen gave you an article",
    },
    "da": {
        "locale": "da-DK",
        "create": "Opret gavelink",
        "note_label": "En hilsen til modtageren (valgfri)",
        "email_label": "Send den med e-mail til (valgfri)",
        "again_label": "Din vens e-mailadresse",
        "send": "Send med e-mail",
        "sent": f"Linket er på vej til {FRIEND}.",
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


def giver_page(page_factory, make_user, lang, **options):
    giver = make_user(name="Karen Holm", digital_plus=True, verified=True)
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
    dialog.get_by_role("button", name=t["create"]).click()

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
    dialog.get_by_role("button", name=t["create"]).click()

    error = dialog.locator("[data-state=intro] [data-gift-email-error]")
    error.wait_for(state="visible")
    assert error.inner_text() == t["bad"]
    assert field.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.name") == "email"
    assert gift_count(app) == 0
    assert smtp_server.messages == []

    field.fill(FRIEND)  # corrected, it goes through
    dialog.get_by_role("button", name=t["create"]).click()
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

"""Closing the ask loop: a recipient of an old link may leave an address for the new one; the
giver sees who asked, and "Send a new link" mails it back in the asker's language; the old
link's page then says when the reader asked instead of offering the button again."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from newsroom.extensions import db
from newsroom.gifting import giving
from newsroom.gifting.policy import gift_policy
from newsroom.models import Gift, GiftRequest, OutboxMail
from tests.helpers import JSON, csrf_token, open_as
from tests.mailbox import text_of

ANNA = "anna@example.org"


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config


def expired_link(app, subscriber, article, locale: str | None = None) -> str:
    with app.app_context():
        then = datetime.now(UTC) - timedelta(days=31)
        result = giving.give(db.session, subscriber, article, then, gift_policy(), locale=locale)
        db.session.commit()
        return f"/articles/{article.slug}?gift={result.token}"


def ask(client, link: str, email: str = "", lang: str = "en", json: bool = False):
    slug = link.split("?")[0].removeprefix("/articles/")
    headers = {"Accept-Language": lang, "X-CSRFToken": csrf_token(client, link)}
    token = link.split("gift=", 1)[1]
    if json:
        return client.post(
            f"/articles/{slug}/gift/ask",
            json={"gift": token, "email": email or None},
            headers={**headers, **JSON},
        )
    return client.post(
        f"/articles/{slug}/gift/ask", data={"gift": token, "email": email}, headers=headers
    )


def waiting(app) -> list[GiftRequest]:
    with app.app_context():
        return list(db.session.scalars(select(GiftRequest).order_by(GiftRequest.id)))


@pytest.fixture
def link(app, subscriber, subscriber_client, make_article):
    return expired_link(app, subscriber, make_article(headline="Ports"))


@pytest.mark.parametrize(
    ("lang", "button", "asked"),
    [
        ("en", "Ask Karen for a new link", "the new link will come by mail."),
        ("da", "Bed Karen om et nyt link", "det nye link kommer med e-mail."),
    ],
)
def test_ask_with_an_address_keeps_it_and_the_page_says_the_link_will_come_by_mail(
    app, link, lang, button, asked
):
    reader = app.test_client()
    page = open_as(reader, link).text
    assert 'name="email"' in page and "data-gift-ask-form" in page
    response = ask(reader, link, ANNA, lang)
    assert response.status_code == 303
    assert response.headers["Location"] == link
    [request] = waiting(app)
    assert (request.email, request.locale) == (ANNA, lang)
    page = reader.get(link, headers={"Accept-Language": lang}).text
    assert asked in page
    assert str(datetime.now(UTC).day) in page.split(asked)[0][-80:]  # "on 6 December"
    assert button not in page  # not the same button again
    assert "data-gift-ask-form" not in page


def test_ask_without_an_address_says_the_link_will_come_from_the_giver(app, link):
    reader = app.test_client()
    ask(reader, link)
    assert waiting(app)[0].email is None
    page = reader.get(link).text
    assert "the new link will come from Karen." in page


def test_another_browser_is_still_offered_the_button(app, link):
    ask(app.test_client(), link, ANNA)
    assert "data-gift-ask-form" in open_as(app.test_client(), link).text


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "Enter your own e-mail address"),
        ("da", "Skriv din egen e-mailadresse"),
    ],
)
def test_ask_with_a_bad_address_records_nothing_and_says_why(app, link, lang, message):
    reader = app.test_client()
    response = ask(reader, link, "not an address", lang)
    assert response.status_code == 303
    assert (
        message in reader.get(response.headers["Location"], headers={"Accept-Language": lang}).text
    )
    refused = ask(reader, link, "anna@", lang, json=True)
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "invalid_email"
    assert message in refused.get_json()["message"]
    assert waiting(app) == []


def test_ask_as_json_says_when_and_how(app, link):
    body = ask(app.test_client(), link, ANNA, json=True).get_json()
    assert body["asked"] is True and body["by_mail"] is True
    assert body["asked_on"].startswith(str(datetime.now(UTC).year))


def test_two_askers_with_their_own_addresses_are_both_kept_and_the_giver_mailed_once(
    app, subscriber, link, smtp_server
):
    ask(app.test_client(), link, ANNA)
    ask(app.test_client(), link, "ben@example.org")
    ask(app.test_client(), link, ANNA)  # the same address again: nothing new
    assert [r.email for r in waiting(app)] == [ANNA, "ben@example.org"]
    assert len(smtp_server.to(subscriber.email)) == 1


def test_request_mail_tells_the_giver_the_link_goes_straight_to_the_asker(
    app, subscriber, link, smtp_server
):
    ask(app.test_client(), link, ANNA)
    text = text_of(smtp_server.last(subscriber.email))
    assert "the new link goes straight to them" in text
    assert ANNA not in text  # the address stays on My gifts, not in a mail


@pytest.mark.parametrize(
    ("locale", "subject", "opening"),
    [
        ("en", "Someone asks for a new link to Ports", "Someone you gave “Ports”"),
        ("da", "Nogen beder om et nyt link til Ports", "Nogen, du har givet “Ports”"),
    ],
)
def test_request_mail_reads_naturally_in_the_givers_language(
    app, subscriber, subscriber_client, make_article, smtp_server, locale, subject, opening
):
    link = expired_link(app, subscriber, make_article(headline="Ports"), locale)
    ask(app.test_client(), link)
    mail = smtp_server.last(subscriber.email)
    assert mail["Subject"] == subject
    assert opening in text_of(mail)


def test_my_gifts_says_who_asked(app, link, client, make_user, auth):
    ask(app.test_client(), link, ANNA)
    ask(app.test_client(), link)
    asker = make_user(name="Bo Berg", email="bo@example.org")
    logged_in = app.test_client()
    logged_in.post(
        "/login",
        data={
            "email": asker.email,
            "password": "Correct-horse-42",
            "csrf_token": csrf_token(logged_in, "/login"),
        },
    )
    ask(logged_in, link, "bo@example.org")
    html = client.get("/gifts").text
    assert f"{ANNA} asked for a new link." in html
    assert "Someone asked you for a new link." in html
    assert "Bo (bo@example.org) asked for a new link." in html
    assert "The new link goes by mail to every address left here." in html
    [gift] = client.get("/gifts", headers=JSON).get_json()["gifts"]
    assert gift["asked_by"] == [
        {"name": None, "email": ANNA},
        {"name": None, "email": None},
        {"name": "Bo", "email": "bo@example.org"},
    ]


def test_my_gifts_in_danish_says_who_asked(app, link, client):
    ask(app.test_client(), link, ANNA)
    html = client.get("/gifts", headers={"Accept-Language": "da"}).text
    assert f"{ANNA} har bedt om et nyt link." in html


@pytest.mark.parametrize(
    ("lang", "subject", "intro"),
    [
        ("en", "Karen sent you a new link: Ports", "You asked Karen for a new link"),
        ("da", "Karen har sendt dig et nyt link: Ports", "Du bad Karen om et nyt link"),
    ],
)
def test_send_a_new_link_mails_it_to_the_asker_in_their_language_and_forgets_the_address(
    app, link, client, auth, smtp_server, lang, subject, intro
):
    reader = app.test_client()
    ask(reader, link, ANNA, lang)
    with app.app_context():
        old_id = db.session.scalar(select(Gift.id))
    response = auth.post(f"/gifts/{old_id}/renew")  # the giver's page is in English
    assert response.status_code == 303
    assert f"The new link is on its way to {ANNA}." in client.get(response.headers["Location"]).text
    mail = smtp_server.last(ANNA)
    assert mail["Subject"] == subject
    text = text_of(mail)
    assert intro in text
    new_link = next(line for line in text.splitlines() if "/g/" in line).strip()
    assert "Karen gave you this article" in open_as(app.test_client(), new_link).text
    [request] = waiting(app)
    assert request.email is None and request.answered_at is not None
    with app.app_context():  # the outbox forgot the mail, address and all, once it went
        assert db.session.scalar(select(OutboxMail).where(OutboxMail.recipient == ANNA)) is None


def test_send_a_new_link_without_an_address_mails_nobody(app, link, client, auth, smtp_server):
    ask(app.test_client(), link)
    with app.app_context():
        old_id = db.session.scalar(select(Gift.id))
    body = auth.post(f"/gifts/{old_id}/renew", json=True).get_json()
    assert body["mailed_to"] == []
    assert "/g/" in body["url"]
    assert smtp_server.to(ANNA) == []


def test_ask_refuses_a_field_it_does_not_take(app, link):
    reader = app.test_client()
    token = link.split("gift=", 1)[1]
    response = reader.post(
        link.split("?")[0] + "/gift/ask",
        json={"gift": token, "mail": ANNA},
        headers={**JSON, "X-CSRFToken": csrf_token(reader, link)},
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_body"
    assert waiting(app) == []

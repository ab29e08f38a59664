"""Sending a gift by e-mail: the site mails the link and the note to a friend in the giver's
language, from a verified address, within a per-giver limit, counting nothing extra, and
keeps the friend's address nowhere once the mail has gone."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from newsroom.extensions import db
from newsroom.gifting import giving
from newsroom.gifting.policy import gift_policy
from newsroom.mail import outbox
from newsroom.models import Gift, GiftRequest, OutboxMail
from tests.helpers import JSON, SENTINEL, Auth, csrf_token, gift_path, give, local_path, open_as
from tests.mailbox import html_of, link_in, text_of

FRIEND = "friend@example.org"


@pytest.fixture
def app_config(smtp_server):
    return {**smtp_server.app_config, "GIFT_MAIL_LIMIT": "3 per hour"}


def gift_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Gift.id)))


def outbox_rows(app) -> list[OutboxMail]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMail)))


def test_gift_mail_reaches_the_friend_with_link_and_note(
    app, subscriber, subscriber_client, auth, make_article, smtp_server
):
    article = make_article(headline="Ports are rarely the bottleneck")
    response = give(auth, article, note="Read this before Friday!", email=FRIEND)

    assert response.status_code == 201
    body = response.get_json()
    assert body["mailed_text"] == f"Sent to {FRIEND}."
    mail = smtp_server.last(FRIEND)
    assert mail["Subject"] == "Karen gave you an article: Ports are rarely the bottleneck"
    assert link_in(mail) == local_path(body["url"])
    assert "Read this before Friday!" in text_of(mail)
    assert "Read this before Friday!" in html_of(mail)
    assert "The link works until" in text_of(mail)
    page = open_as(app.test_client(), link_in(mail)).get_data(as_text=True)
    assert "Karen gave you this article" in page
    assert SENTINEL in page  # the whole locked body, without logging in


def test_gift_mail_is_in_the_givers_language(
    app, subscriber, subscriber_client, auth, make_article, smtp_server
):
    article = make_article(headline="Havnen er sjældent flaskehalsen")
    path = gift_path(article)
    auth.post(path, json=True, data={"email": FRIEND}, headers={"Accept-Language": "da"})
    mail = smtp_server.last(FRIEND)
    # Python's e-mail folding puts a space before a subject with encoded words; mail
    # programs drop it.
    subject = mail["Subject"].strip()
    assert subject == "Karen har givet dig en artikel: Havnen er sjældent flaskehalsen"
    assert "Læs hele artiklen her, uden at logge ind:" in text_of(mail)
    assert 'lang="da"' in html_of(mail)


def test_gift_mail_note_is_escaped_in_the_html_part(
    app, subscriber, subscriber_client, auth, make_article, smtp_server
):
    give(auth, make_article(), note="<b>bold</b> & <script>x()</script>", email=FRIEND)
    html = html_of(smtp_server.last(FRIEND))
    assert "<script>" not in html and "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;" in html


def test_gift_mail_text_part_is_plain_text(
    app, subscriber, subscriber_client, auth, make_article, smtp_server
):
    article = make_article(headline="Ports & <rails>", lead="Slow & steady")
    give(auth, article, note="Read this & tell me", email=FRIEND)
    text = text_of(smtp_server.last(FRIEND))
    assert "Ports & <rails>\r\nSlow & steady" in text
    assert '"Read this & tell me"' in text
    assert "&amp;" not in text and "&lt;" not in text


def test_gift_mail_forgets_the_friends_address_once_sent(
    app, subscriber, subscriber_client, auth, make_article, smtp_server
):
    give(auth, make_article(), email=FRIEND)
    assert smtp_server.last(FRIEND)
    assert [mail for mail in outbox_rows(app) if FRIEND in mail.recipient] == []
    with app.app_context():
        gift = db.session.scalars(select(Gift)).one()
        assert FRIEND not in repr([getattr(gift, c.key) for c in Gift.__table__.columns])


def test_gift_mail_waits_in_the_outbox_while_the_server_is_down(
    app, subscriber, subscriber_client, auth, make_article, smtp_server
):
    smtp_server.stop()
    response = give(auth, make_article(), email=FRIEND)
    assert response.status_code == 201  # the gift is made; the mail is queued
    assert [mail.recipient for mail in outbox_rows(app)] == [FRIEND]
    smtp_server.start()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["newsroom", "mail-worker", "--once"]).exit_code == 0
    assert smtp_server.last(FRIEND)
    assert outbox_rows(app) == []


def test_gift_mail_of_an_article_given_already_counts_nothing_more(
    app, subscriber, subscriber_client, auth, make_article, smtp_server
):
    article = make_article()
    first = give(auth, article).get_json()
    again = give(auth, article, email=FRIEND)
    assert again.status_code == 200
    assert again.get_json()["used"] == first["used"] == 1
    assert gift_rows(app) == 1
    assert link_in(smtp_server.last(FRIEND)) == local_path(first["url"])


def test_gift_mail_with_a_bad_address_charges_nothing(
    app, subscriber, subscriber_client, auth, make_article, smtp_server
):
    for address in (
        "not-an-address",
        "a@b",
        "x" * 250 + "@example.org",
        "two@example.org, three@x.dk",
    ):
        response = give(auth, make_article(), email=address)
        assert response.status_code == 400
        assert response.get_json()["error"] == "invalid_email"
    assert gift_rows(app) == 0
    assert outbox_rows(app) == []
    assert smtp_server.messages == []


def test_gift_mail_needs_a_verified_giver(app, make_user, auth, make_article, smtp_server):
    user = make_user(digital_plus=True, verified=False)
    auth.login(user.email)
    response = give(auth, make_article(), email=FRIEND)
    assert response.status_code == 403
    assert response.get_json()["error"] == "email_not_verified"
    assert "confirm your own address" in response.get_json()["message"]
    assert gift_rows(app) == 0
    assert smtp_server.to(FRIEND) == []
    assert give(auth, make_article()).status_code == 201  # a link alone needs no verified address


def test_gift_mail_limit_is_per_giver_and_counts_only_mails_sent(
    app, subscriber, subscriber_client, auth, make_user, make_article, smtp_server
):
    give(auth, make_article(), email="bad")  # refused: not counted
    for _ in range(3):
        assert give(auth, make_article(), email=FRIEND).status_code == 201
    over = give(auth, make_article(), email=FRIEND)
    assert over.status_code == 429
    assert over.get_json()["error"] == "rate_limited"
    assert gift_rows(app) == 3  # the refused request gave nothing
    assert give(auth, make_article()).status_code == 201  # links without mail still work

    other_user = make_user(digital_plus=True, verified=True)
    other_auth = Auth(app.test_client())
    other_auth.login(other_user.email)
    assert give(other_auth, make_article(), email=FRIEND).status_code == 201


def test_gift_mail_without_javascript_follows_post_redirect_get(
    app, subscriber, subscriber_client, client, make_article, smtp_server
):
    article = make_article()
    data = {"csrf_token": csrf_token(client, f"/articles/{article.slug}"), "email": FRIEND}
    response = client.post(gift_path(article), data=data)
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert f"Sent to {FRIEND}." in page
    assert smtp_server.last(FRIEND)


def test_gift_mail_form_error_keeps_what_was_typed(
    app, subscriber, subscriber_client, client, make_article
):
    article = make_article()
    data = {
        "csrf_token": csrf_token(client, f"/articles/{article.slug}"),
        "email": "friend-at-example",
        "note": "Worth your time",
    }
    response = client.post(gift_path(article), data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="friend-at-example"' in html
    assert 'aria-invalid="true"' in html
    assert "Enter your friend&#39;s e-mail address" in html
    assert "Worth your time" in html
    assert gift_rows(app) == 0


def test_gift_mail_address_never_in_the_access_log(
    app, subscriber, subscriber_client, auth, make_article, caplog
):
    caplog.set_level("DEBUG")
    give(auth, make_article(), email=FRIEND)
    ours = [r.getMessage() for r in caplog.records if r.name.startswith(("newsroom", "werkzeug"))]
    assert ours  # the access log did write its line
    assert not [line for line in ours if FRIEND in line]


# ---- the giver hears of a request by mail ----------------------------------------------


def expired_link(app, subscriber, article, locale: str | None = None) -> str:
    with app.app_context():
        then = datetime.now(UTC) - timedelta(days=31)
        result = giving.give(db.session, subscriber, article, then, gift_policy(), locale=locale)
        db.session.commit()
        return f"/articles/{article.slug}?gift={result.token}"


def ask(client, link: str):
    slug = link.split("?")[0].removeprefix("/articles/")
    csrf = csrf_token(client, link)
    token = link.split("gift=", 1)[1]
    return client.post(f"/articles/{slug}/gift/ask", data={"csrf_token": csrf, "gift": token})


@pytest.mark.parametrize(
    ("locale", "subject"),
    [
        ("en", "Someone asks for a new link to Ports"),
        ("da", "Nogen beder om et nyt link til Ports"),
    ],
)
def test_request_for_a_new_link_mails_the_giver_in_their_language(
    app, subscriber, subscriber_client, make_article, smtp_server, locale, subject
):
    link = expired_link(app, subscriber, make_article(headline="Ports"), locale)
    recipient = app.test_client()
    assert ask(recipient, link).status_code == 303
    mail = smtp_server.last(subscriber.email)
    assert mail["Subject"] == subject
    assert link_in(mail) == "/gifts"
    ask(recipient, link)  # asking again before the giver answers mails nobody twice
    assert len(smtp_server.to(subscriber.email)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(GiftRequest.id))) == 1


def test_request_mail_never_holds_the_recipients_details(
    app, subscriber, subscriber_client, make_article, smtp_server
):
    link = expired_link(app, subscriber, make_article())
    ask(app.test_client(), link)
    text = text_of(smtp_server.last(subscriber.email))
    assert "gift=" not in text  # the old link stays with whoever had it


def test_gift_json_reports_nothing_mailed_without_an_address(
    app, subscriber, subscriber_client, auth, make_article
):
    body = auth.post(gift_path(make_article()), headers=JSON).get_json()
    assert "mailed_text" not in body


@pytest.mark.parametrize(("kind", "kept"), [("gift_link", False), ("verify_email", True)])
def test_outbox_forgets_a_friends_address_when_it_gives_up(app, kind, kept):
    now = datetime.now(UTC)
    with app.app_context():
        mail = outbox.queue(
            db.session,
            recipient=FRIEND,
            subject="s",
            text="t",
            html="h",
            kind=kind,
            now=now,
            message_domain="newsroom.test",
        )
        mail.attempts = 3
        outbox.mark_failed(
            db.session, mail, now, "refused", first_retry=timedelta(0), max_attempts=3
        )
        db.session.commit()
    assert [m.recipient for m in outbox_rows(app)] == ([FRIEND] if kept else [])

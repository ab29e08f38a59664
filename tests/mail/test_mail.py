"""The mail outbox: queued with the change, delivered after commit over real SMTP on
loopback, retried while the server is down, never sent twice (J1)."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from newsroom.config import ConfigError
from newsroom.extensions import db
from newsroom.mail import delivery, outbox, worker
from newsroom.models import OutboxMail, User
from tests.conftest import make_test_app
from tests.helpers import PASSWORD, csrf_token
from tests.mailbox import html_of, link_in, text_of

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config


def register(client, email="new@example.com", name="Ida Holm", language="en"):
    data = {"email": email, "name": name, "password": PASSWORD}
    data["csrf_token"] = csrf_token(client, "/register")
    return client.post("/register", data=data, headers={"Accept-Language": language})


def outbox_rows(app) -> list[OutboxMail]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def deliver(runner) -> str:
    result = runner.invoke(args=["newsroom", "mail-worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def test_mail_delivered_after_commit_has_text_and_html_and_a_site_link(client, smtp_server):
    assert register(client).status_code == 302
    message = smtp_server.last("new@example.com")
    assert message["Subject"] == "Confirm your e-mail address"
    assert message["From"] == "Newsroom <newsroom@localhost>"
    assert message["Message-ID"]
    assert "Hello Ida," in text_of(message)
    assert "<p>Hello Ida,</p>" in html_of(message)
    assert link_in(message).startswith("/account/verify/")


def test_mail_in_danish_for_a_reader_using_danish(client, smtp_server):
    register(client, language="da")
    message = smtp_server.last("new@example.com")
    assert message["Subject"] == "Bekræft din e-mailadresse"
    assert "Hej Ida," in text_of(message)
    assert "Hej Ida," in html_of(message)
    assert 'lang="da"' in html_of(message)


def test_mail_html_part_escapes_what_the_reader_typed(client, smtp_server):
    register(client, name="<b>Bo</b> Lund")
    message = smtp_server.last("new@example.com")
    assert "&lt;b&gt;Bo&lt;/b&gt;" in html_of(message)
    assert "<b>Bo</b>" in text_of(message)  # plain text is shown as typed, never as markup


def test_mail_marked_sent_once_delivered(app, client, smtp_server):
    register(client)
    [row] = outbox_rows(app)
    assert row.sent_at is not None
    assert row.attempts == 1
    assert row.claim is None


def test_mail_worker_sends_nothing_twice(app, client, runner, smtp_server):
    register(client)
    assert "0 sent" in deliver(runner)
    assert "0 sent" in deliver(runner)
    assert len(smtp_server.to("new@example.com")) == 1


def test_mail_queued_in_a_transaction_that_rolls_back_never_leaves(app, smtp_server):
    with app.test_request_context():
        user = User(email="gone@example.com", name="Gone", password_hash="x")
        db.session.add(user)
        db.session.flush()
        delivery.queue_mail(
            db.session,
            to=user.email,
            template="verify_email",
            subject="Subject",
            user=user,
            link="http://newsroom.test/x",
            hours=24,
        )
        db.session.rollback()
        assert worker.deliver_due() == worker.DeliveryReport(sent=0, failed=0)
    assert smtp_server.to("gone@example.com") == []
    assert outbox_rows(app) == []


def test_mail_server_down_fails_no_request_and_delivers_when_back(app, client, runner, smtp_server):
    smtp_server.stop()
    response = register(client)
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # the account exists and is logged in
    [row] = outbox_rows(app)
    assert row.sent_at is None
    assert row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error

    assert "0 sent, 1 to retry" in deliver(runner)  # still down: the mail waits
    smtp_server.start()
    assert "1 sent" in deliver(runner)
    assert "0 sent" in deliver(runner)
    [message] = smtp_server.to("new@example.com")
    assert link_in(message).startswith("/account/verify/")
    assert client.get(link_in(message)).status_code == 302


def test_mail_worker_running_keeps_mail_through_an_smtp_outage(app, client, smtp_server):
    """The worker loop runs the whole time; the SMTP server stops mid-run and comes back."""
    app.config["MAIL_WORKER_POLL_SECONDS"] = 0.05
    app.config["MAIL_DELIVER_AFTER_REQUEST"] = False  # only the worker delivers here
    stop = threading.Event()

    def work() -> None:
        with app.app_context():
            worker.run_worker(stop)

    thread = threading.Thread(target=work)
    thread.start()
    try:
        register(client, email="first@example.com")
        wait_for(lambda: smtp_server.to("first@example.com"))
        smtp_server.stop()
        register(client, email="second@example.com")
        wait_for(lambda: any(r.attempts >= 2 for r in outbox_rows(app) if r.sent_at is None))
        smtp_server.start()
        wait_for(lambda: smtp_server.to("second@example.com"))
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert len(smtp_server.to("first@example.com")) == 1
    assert len(smtp_server.to("second@example.com")) == 1
    assert all(row.sent_at is not None for row in outbox_rows(app))


def wait_for(condition, seconds: float = 20.0) -> None:
    """Poll a condition another thread makes true; the bound only stops a broken test."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def queued(app, now=T0) -> int:
    with app.app_context():
        mail = outbox.queue(
            db.session,
            recipient="reader@example.com",
            subject="Hello",
            text="Text",
            html="<p>Text</p>",
            kind="test",
            now=now,
            message_domain="newsroom.test",
        )
        db.session.commit()
        return mail.id


def test_outbox_claim_only_one_sender_wins(app):
    mail_id = queued(app)
    with app.app_context():
        first = outbox.claim(db.session, mail_id, T0, timedelta(minutes=15))
        db.session.commit()
        second = outbox.claim(db.session, mail_id, T0, timedelta(minutes=15))
        assert first is not None
        assert second is None


def test_outbox_claim_of_a_sender_that_died_frees_after_its_lease(app):
    mail_id = queued(app)
    lease = timedelta(minutes=15)
    with app.app_context():
        assert outbox.claim(db.session, mail_id, T0, lease) is not None
        db.session.commit()
        assert outbox.claim(db.session, mail_id, T0 + lease - timedelta(seconds=1), lease) is None
        assert outbox.claim(db.session, mail_id, T0 + lease, lease) is not None


def test_outbox_sent_mail_is_never_claimed_again(app):
    mail_id = queued(app)
    with app.app_context():
        mail = outbox.claim(db.session, mail_id, T0, timedelta(minutes=15))
        outbox.mark_sent(db.session, mail, T0)
        db.session.commit()
        assert outbox.due_ids(db.session, T0 + timedelta(days=1), 10) == []
        assert outbox.claim(db.session, mail_id, T0 + timedelta(days=1), timedelta(1)) is None


def test_outbox_failed_mail_waits_its_backoff(app):
    mail_id = queued(app)
    first = timedelta(seconds=30)
    with app.app_context():
        mail = outbox.claim(db.session, mail_id, T0, timedelta(minutes=15))
        outbox.mark_failed(db.session, mail, T0, "down", first_retry=first, max_attempts=5)
        db.session.commit()
        assert outbox.due_ids(db.session, T0 + first - timedelta(seconds=1), 10) == []
        assert outbox.due_ids(db.session, T0 + first, 10) == [mail_id]


def test_outbox_retry_delay_doubles_up_to_an_hour():
    first = timedelta(seconds=30)
    delays = [outbox.retry_delay(n, first) for n in range(1, 12)]
    assert delays[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert delays[-1] == timedelta(hours=1)
    assert delays == sorted(delays)


def test_outbox_gives_up_after_max_attempts(app):
    mail_id = queued(app)
    now = T0
    with app.app_context():
        for _ in range(3):
            mail = outbox.claim(db.session, mail_id, now, timedelta(minutes=15))
            outbox.mark_failed(
                db.session, mail, now, "down", first_retry=timedelta(0), max_attempts=3
            )
        db.session.commit()
        assert mail.gave_up_at == now
        assert outbox.due_ids(db.session, now + timedelta(days=1), 10) == []


def test_outbox_prunes_sent_mail_after_its_keeping_time(app):
    mail_id = queued(app)
    with app.app_context():
        mail = outbox.claim(db.session, mail_id, T0, timedelta(minutes=15))
        outbox.mark_sent(db.session, mail, T0)
        assert outbox.prune_sent(db.session, T0) == 0
        assert outbox.prune_sent(db.session, T0 + timedelta(seconds=1)) == 1
        assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 0


@pytest.mark.parametrize("app_config", [{}])
def test_mail_without_a_server_is_printed_on_the_console(client, capfd):
    register(client)
    printed = capfd.readouterr().out
    assert "----- mail to new@example.com" in printed
    assert "Subject: Confirm your e-mail address" in printed
    assert "http://newsroom.test/account/verify/" in printed


def test_mail_settings_choose_smtp_with_a_server_and_the_console_without(database_url):
    with_server = make_test_app(database_url, MAIL_SERVER="mail.example", MAIL_PASSWORD=1234)
    assert with_server.config["MAIL_BACKEND"] == "smtp"
    assert with_server.config["MAIL_PASSWORD"] == "1234"
    assert make_test_app(database_url).config["MAIL_BACKEND"].endswith("ConsoleEmailBackend")


def test_create_app_in_production_refuses_to_start_without_a_mail_server(database_url):
    with pytest.raises(ConfigError, match="without a mail server"):
        make_test_app(database_url, ENV="production", MAIL_SERVER=None)

"""One mail never stops the others (N2): whatever goes wrong with one row is recorded on it,
counted as an attempt and given up after the limit, and the worker goes on to the next."""

import pytest
from sqlalchemy import select

from newsroom.core import clock
from newsroom.extensions import db
from newsroom.mail import outbox, worker
from newsroom.models import OutboxMail

POISONED = ["a@example.com, b@example.com", "a@example.com\r\nBcc: b@example.com"]


@pytest.fixture
def app_config(smtp_server):
    return {**smtp_server.app_config, "MAIL_MAX_ATTEMPTS": 2}


def queue(app, recipient: str) -> int:
    with app.app_context():
        row = outbox.queue(
            db.session,
            recipient=recipient,
            subject="Hello",
            text="Text",
            html="<p>Text</p>",
            kind="test",
            now=clock.now(),
            message_domain="newsroom.test",
        )
        db.session.commit()
        return row.id


def row(app, mail_id: int) -> OutboxMail:
    with app.app_context():
        return db.session.scalar(select(OutboxMail).where(OutboxMail.id == mail_id))


@pytest.mark.parametrize("poison", POISONED)
def test_mail_worker_delivers_the_good_mail_around_a_poisoned_row(app, runner, smtp_server, poison):
    first = queue(app, "first@example.com")
    bad = queue(app, poison)
    last = queue(app, "last@example.com")

    result = runner.invoke(args=["newsroom", "mail-worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "2 sent, 1 to retry" in result.output
    assert len(smtp_server.to("first@example.com")) == 1
    assert len(smtp_server.to("last@example.com")) == 1
    assert smtp_server.to("b@example.com") == []
    assert row(app, first).sent_at is not None and row(app, last).sent_at is not None

    failed = row(app, bad)
    assert failed.attempts == 1
    assert failed.claim is None and failed.claimed_until is None
    assert failed.last_error.startswith("ValueError")
    assert failed.gave_up_at is None

    # The second attempt is the last one allowed: the row is given up, not retried forever.
    assert runner.invoke(args=["newsroom", "mail-worker", "--once"]).exit_code == 0
    given_up = row(app, bad)
    assert given_up.attempts == 2
    assert given_up.gave_up_at is not None
    assert len(smtp_server.to("first@example.com")) == 1


def test_mail_after_the_response_goes_on_past_a_poisoned_row(app, smtp_server):
    ids = [queue(app, "first@example.com"), queue(app, POISONED[0]), queue(app, "last@example.com")]
    with app.app_context():
        report = worker.deliver_due(ids)
    assert report == worker.DeliveryReport(sent=2, failed=1)
    assert len(smtp_server.to("last@example.com")) == 1

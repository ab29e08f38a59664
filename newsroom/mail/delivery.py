"""Mail at the edge: render a mail in the reader's language and queue it in the request's
transaction; deliver it after commit and from the worker, through Flask-Mailman.

Other features queue mail with `queue_mail`; nothing here commits the caller's transaction.
"""

import logging
import smtplib
import sys
import threading
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, render_template
from flask_babel import force_locale, get_locale
from flask_mailman import EmailMultiAlternatives
from flask_mailman.backends.base import BaseEmailBackend
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from newsroom.core import clock
from newsroom.extensions import db, mail
from newsroom.mail import outbox
from newsroom.models import OutboxMail

log = logging.getLogger("newsroom.mail")

# How long a sender may hold a mail before another may take it (it died while sending).
CLAIM_LEASE = timedelta(minutes=15)
BATCH_SIZE = 100
# Refusals of one message; the connection is still good for the next one.
_MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def render_mail(
    template: str, subject: object, locale: str | None = None, **context
) -> RenderedMail:
    """templates/mail/<template>.txt and .html and the subject, in `locale` (default: the
    request's)."""
    with force_locale(locale or str(get_locale())):
        return RenderedMail(
            subject=str(subject),
            text=render_template(f"mail/{template}.txt", **context),
            html=render_template(f"mail/{template}.html", **context),
        )


def queue_mail(
    session: Session,
    *,
    to: str,
    template: str,
    subject: object,
    kind: str | None = None,
    locale: str | None = None,
    **context,
) -> OutboxMail:
    """Render templates/mail/<template>.txt and .html in `locale` (default: the request's)
    and add the mail to the session's transaction. It is sent only if that commits.

    `subject` should be a lazy string (`lazy_gettext`) so it, too, is in `locale`.
    """
    rendered = render_mail(template, subject, locale, **context)
    queued = outbox.queue(
        session,
        recipient=to,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        kind=kind or template.replace("/", "_"),
        now=clock.now(),
        message_domain=urlsplit(current_app.config["SITE_URL"]).hostname or "localhost",
    )
    g.setdefault("queued_mail_ids", []).append(queued.id)
    return queued


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0


def _message(queued: OutboxMail, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=queued.subject,
        body=queued.text_body,
        from_email=current_app.config["MAIL_FROM"],
        to=[queued.recipient],
        connection=connection,
        headers={"Message-ID": queued.message_id},
    )
    message.attach_alternative(queued.html_body, "text/html")
    return message


def deliver_due(ids: list[int] | None = None, limit: int = BATCH_SIZE) -> DeliveryReport:
    """Send what is due (only `ids` when given): claim, commit, send, mark sent, commit.

    A server that is down leaves each mail queued for a later attempt; the rest of the batch
    waits for the next round instead of hammering it.
    """
    config = current_app.config
    session = db.session
    report = DeliveryReport()
    pending = outbox.due_ids(session, clock.now(), limit, ids)
    session.commit()
    connection = None
    try:
        for mail_id in pending:
            claimed = outbox.claim(session, mail_id, clock.now(), CLAIM_LEASE)
            session.commit()
            if claimed is None:
                continue  # another sender has it, or it went out meanwhile
            try:
                if connection is None:
                    connection = mail.get_connection()
                _message(claimed, connection).send()
            except (OSError, smtplib.SMTPException) as error:
                attempts = claimed.attempts  # the row may be gone after mark_failed
                outbox.mark_failed(
                    session,
                    claimed,
                    clock.now(),
                    f"{type(error).__name__}: {error}",
                    first_retry=timedelta(seconds=config["MAIL_RETRY_SECONDS"]),
                    max_attempts=config["MAIL_MAX_ATTEMPTS"],
                )
                session.commit()
                report.failed += 1
                log.warning(
                    "mail %s not delivered (attempt %s): %s",
                    mail_id,
                    attempts,
                    type(error).__name__,
                )
                if not isinstance(error, _MESSAGE_REFUSED):
                    break
            else:
                outbox.mark_sent(session, claimed, clock.now())
                session.commit()
                report.sent += 1
    finally:
        if connection is not None:
            connection.close()
    return report


def deliver_all_due() -> DeliveryReport:
    """Batches until nothing is due or the server stops answering."""
    total = DeliveryReport()
    while True:
        report = deliver_due()
        total.sent += report.sent
        total.failed += report.failed
        if report.failed or report.sent < BATCH_SIZE:
            return total


def _deliver_after_response(app: Flask, ids: list[int]) -> None:
    """Runs once the response has gone out: a failure here only leaves the mail queued."""
    with app.app_context():
        try:
            deliver_due(ids)
        except (SQLAlchemyError, OSError, smtplib.SMTPException):
            db.session.rollback()
            log.warning("mail delivery after the request failed; the worker will retry")


def run_worker(stop: threading.Event) -> None:
    """Deliver until `stop` is set: what is due now, then wait a poll interval."""
    config = current_app.config
    while not stop.is_set():
        try:
            deliver_all_due()
            outbox.prune_sent(
                db.session, clock.now() - timedelta(days=config["MAIL_KEEP_SENT_DAYS"])
            )
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            log.warning("mail worker could not reach the database; trying again")
        stop.wait(config["MAIL_WORKER_POLL_SECONDS"])


class ConsoleEmailBackend(BaseEmailBackend):
    """Development without a mail server: each mail's address, subject and plain text on
    standard output, where the server's log is."""

    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            sys.stdout.write(
                f"----- mail to {', '.join(message.to)}\n"
                f"Subject: {message.subject}\n\n{message.body}\n"
                f"----- end of mail\n"
            )
        sys.stdout.flush()
        return len(email_messages)


def init_app(app: Flask) -> None:
    @app.after_request
    def deliver_after_commit(response: Response) -> Response:
        ids = g.pop("queued_mail_ids", None)
        if ids and app.config["MAIL_DELIVER_AFTER_REQUEST"]:
            response.call_on_close(partial(_deliver_after_response, app, ids))
        return response

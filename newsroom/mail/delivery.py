"""The mailer: render a mail in the reader's language and queue it in the caller's
transaction; send claimed mail through Flask-Mailman and record how it went.

Other features queue mail with `queue_mail`. Nothing here commits: the mail worker
(newsroom.mail.worker) claims, sends and commits around each mail.
"""

import logging
import smtplib
import sys
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from urllib.parse import urlsplit

from flask import current_app, g, render_template
from flask_babel import force_locale, get_locale
from flask_mailman import EmailMultiAlternatives
from flask_mailman.backends.base import BaseEmailBackend
from sqlalchemy.orm import Session

from newsroom.core import clock
from newsroom.database import begin_write
from newsroom.extensions import mail
from newsroom.mail import outbox
from newsroom.models import OutboxMail

log = logging.getLogger("newsroom.mail")

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


class Outcome(Enum):
    SENT = "sent"
    REFUSED = "refused"  # this mail was refused; the connection still serves the next one
    FAILED = "failed"  # the server failed: the rest of the batch waits for the next round


class Batch:
    """One round of sending: a connection to the mail server, opened at the first mail and
    closed when the round ends."""

    def __init__(self) -> None:
        self.connection = None

    def __enter__(self) -> "Batch":
        return self

    def __exit__(self, *exc) -> None:
        if self.connection is not None:
            self.connection.close()

    def send(self, session: Session, claimed: OutboxMail) -> Outcome:
        """Send a claimed mail and record it as sent, or as waiting for another attempt.

        Whatever goes wrong with one mail (a refusal, an address the mail library will not
        take, a fault in building it) is recorded on that mail, which is tried again later
        and given up after MAIL_MAX_ATTEMPTS; it never stops the mails behind it.
        """
        try:
            if self.connection is None:
                self.connection = mail.get_connection()
            _message(claimed, self.connection).send()
        except Exception as error:
            server_failed = isinstance(error, OSError | smtplib.SMTPException) and not isinstance(
                error, _MESSAGE_REFUSED
            )
            if not isinstance(error, OSError | smtplib.SMTPException):
                log.exception("mail %s could not be sent", claimed.id)
                self._drop_connection()  # its state after a fault is unknown
            self._record_failure(session, claimed, error)
            return Outcome.FAILED if server_failed else Outcome.REFUSED
        # Reading the row for the send opened a read snapshot; on SQLite a write from it
        # fails once anyone else has written meanwhile, so the lock is taken first.
        begin_write(session)
        outbox.mark_sent(session, claimed, clock.now())
        return Outcome.SENT

    def _drop_connection(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            connection.close()

    @staticmethod
    def _record_failure(session: Session, claimed: OutboxMail, error: Exception) -> None:
        config = current_app.config
        begin_write(session)
        mail_id, attempts = claimed.id, claimed.attempts  # the row may go in mark_failed
        outbox.mark_failed(
            session,
            claimed,
            clock.now(),
            f"{type(error).__name__}: {error}",
            first_retry=timedelta(seconds=config["MAIL_RETRY_SECONDS"]),
            max_attempts=config["MAIL_MAX_ATTEMPTS"],
        )
        log.warning(
            "mail %s not delivered (attempt %s): %s", mail_id, attempts, type(error).__name__
        )


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

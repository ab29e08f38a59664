"""The mail outbox: mail is recorded with the change that causes it and delivered after
commit, with retries. Sending (SMTP) is the mailer's, newsroom.mail.delivery, driven by the
mail worker, newsroom.mail.worker."""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session

from newsroom.models import OutboxMail

MAX_RETRY_DELAY = timedelta(hours=1)


# Mails to people who are not readers here (a gift sent to a friend): the address goes
# with the mail once it is sent or given up, and is kept nowhere else.
FORGOTTEN_ONCE_SENT = frozenset({"gift_link"})


def queue(
    session: Session,
    *,
    recipient: str,
    subject: str,
    text: str,
    html: str,
    kind: str,
    now: datetime,
    message_domain: str,
) -> OutboxMail:
    """Record a mail in the current transaction; it leaves only if the transaction commits."""
    mail = OutboxMail(
        message_id=f"<{secrets.token_hex(16)}@{message_domain}>",
        kind=kind,
        recipient=recipient,
        subject=subject,
        text_body=text,
        html_body=html,
        created_at=now,
        due_at=now,
    )
    session.add(mail)
    session.flush()
    return mail


def _pending(now: datetime):
    return (
        OutboxMail.sent_at.is_(None),
        OutboxMail.gave_up_at.is_(None),
        OutboxMail.due_at <= now,
        or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until <= now),
    )


def due_ids(session: Session, now: datetime, limit: int, ids: list[int] | None = None) -> list[int]:
    """Mails waiting to be sent now, oldest first (only among `ids` when given)."""
    query = select(OutboxMail.id).where(*_pending(now)).order_by(OutboxMail.due_at, OutboxMail.id)
    if ids is not None:
        query = query.where(OutboxMail.id.in_(ids))
    return list(session.scalars(query.limit(limit)))


def claim(session: Session, mail_id: int, now: datetime, lease: timedelta) -> OutboxMail | None:
    """Take a due mail for sending; None when another sender has it or it is not due.

    One conditional UPDATE decides, so of two senders racing for a row exactly one wins.
    A sender that dies holding a claim frees the row when its lease runs out.
    """
    token = secrets.token_hex(16)
    result = session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, *_pending(now))
        .values(claim=token, claimed_until=now + lease, attempts=OutboxMail.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    mail = session.get(OutboxMail, mail_id, populate_existing=True)
    return mail if mail is not None and mail.claim == token else None


def mark_sent(session: Session, mail: OutboxMail, now: datetime) -> None:
    if mail.kind in FORGOTTEN_ONCE_SENT:
        session.delete(mail)
        session.flush()
        return
    mail.sent_at = now
    mail.claim = None
    mail.claimed_until = None
    mail.last_error = None
    session.flush()


def retry_delay(attempts: int, first: timedelta) -> timedelta:
    """Doubles with every failed attempt, at most an hour."""
    return min(first * (2 ** max(attempts - 1, 0)), MAX_RETRY_DELAY)


def mark_failed(
    session: Session,
    mail: OutboxMail,
    now: datetime,
    error: str,
    *,
    first_retry: timedelta,
    max_attempts: int,
) -> None:
    """Put a mail back in the queue for later, or give up after max_attempts."""
    mail.claim = None
    mail.claimed_until = None
    mail.last_error = error[:500]
    if mail.attempts >= max_attempts:
        if mail.kind in FORGOTTEN_ONCE_SENT:
            session.delete(mail)
            session.flush()
            return
        mail.gave_up_at = now
    else:
        mail.due_at = now + retry_delay(mail.attempts, first_retry)
    session.flush()


def forget_recipient(session: Session, address: str) -> int:
    """Remove every mail to or about an address (account deletion): sent, waiting or not."""
    result = session.execute(
        delete(OutboxMail)
        .where(OutboxMail.recipient == address)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def prune_sent(session: Session, before: datetime) -> int:
    """Drop mails sent (or given up) before a moment: the outbox is not an archive."""
    old = or_(OutboxMail.sent_at < before, OutboxMail.gave_up_at < before)
    # Look before deleting: even a DELETE that matches nothing takes SQLite's write lock, and
    # the worker polls, so an empty one would make other writers' transactions fail.
    if not session.scalar(select(exists().where(old))):
        return 0
    result = session.execute(
        delete(OutboxMail).where(old).execution_options(synchronize_session=False)
    )
    return result.rowcount

"""Links mailed to readers: e-mail verification, password reset, change of e-mail.

Each link is signed with its own salt and lives a fixed time. A link carries only who it is
for and what it is bound to (the address, a fingerprint of the password hash); whether it
still works is read from the account, so a link dies when what it is bound to changes.
"""

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from newsroom.accounts.operations import (
    EmailTaken,
    WrongPassword,
    check_password_strength,
    find_by_email,
    mailbox,
    password_matches,
)
from newsroom.core import signing
from newsroom.core.errors import DomainError
from newsroom.database import begin_write
from newsroom.models import User

VERIFY_LINK_SECONDS = 24 * 60 * 60
RESET_LINK_SECONDS = 60 * 60
CHANGE_EMAIL_LINK_SECONDS = 2 * 60 * 60


class InvalidLink(DomainError):
    """Not a link we made for this purpose, or no longer valid (used, superseded)."""

    code = "invalid_link"


class ExpiredLink(InvalidLink):
    code = "expired_link"
    status = 410


class LinkForAnotherAccount(InvalidLink):
    """Opened while logged in as someone else: nothing is changed for either account."""

    code = "link_for_another_account"
    status = 403


class AlreadyVerified(InvalidLink):
    code = "already_verified"
    status = 409


class EmailNotVerified(DomainError):
    code = "email_not_verified"
    status = 403


def require_verified(user: User) -> None:
    """Sending gifts by the site's mail needs an address the reader has confirmed (buying
    Digital+ does not: the payment provider takes and checks the payer's address itself)."""
    if not user.is_verified:
        raise EmailNotVerified()


def password_fingerprint(user: User) -> str:
    """Changes whenever the password hash does (a new hash has a new salt), so a link bound
    to it dies on any password change, including the one it was made for."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def _load(
    session: Session,
    token: str,
    salt: str,
    keys: list[str],
    now: datetime,
    max_age: int,
    viewer_id: int | None,
) -> tuple[User, dict]:
    check = signing.read_account(token, salt, keys, now, max_age)
    if check.expired:
        raise ExpiredLink()
    payload = check.payload
    if payload is None or not isinstance(payload.get("u"), int):
        raise InvalidLink()
    user = session.scalar(select(User).where(User.id == payload["u"], User.deleted_at.is_(None)))
    if user is None:
        raise InvalidLink()
    if viewer_id is not None and viewer_id != user.id:
        raise LinkForAnotherAccount()
    return user, payload


# Verification


def verification_token(user: User, keys: list[str], now: datetime) -> str:
    return signing.sign_account(
        {"u": user.id, "e": user.email}, signing.VERIFY_EMAIL_SALT, keys, now
    )


def verify_email(
    session: Session, token: str, keys: list[str], now: datetime, viewer_id: int | None = None
) -> User:
    """Mark the address in the link confirmed; refused once the account's address changed."""
    begin_write(session)
    user, payload = _load(
        session, token, signing.VERIFY_EMAIL_SALT, keys, now, VERIFY_LINK_SECONDS, viewer_id
    )
    if payload.get("e") != user.email:
        raise InvalidLink()
    if user.is_verified:
        raise AlreadyVerified()
    user.email_verified_at = now
    session.flush()
    return user


# Password reset


def reset_token(user: User, keys: list[str], now: datetime) -> str:
    payload = {"u": user.id, "e": user.email, "p": password_fingerprint(user)}
    return signing.sign_account(payload, signing.RESET_PASSWORD_SALT, keys, now)


def check_reset(
    session: Session, token: str, keys: list[str], now: datetime, viewer_id: int | None = None
) -> User:
    """The account a reset link may still set a password for; changes nothing. The link is
    bound to the address it was mailed to: whoever reads a former mailbox cannot use it."""
    user, payload = _load(
        session, token, signing.RESET_PASSWORD_SALT, keys, now, RESET_LINK_SECONDS, viewer_id
    )
    if payload.get("p") != password_fingerprint(user) or payload.get("e") != user.email:
        raise InvalidLink()  # used already, or the password or address changed since
    return user


def reset_password(
    session: Session,
    token: str,
    new_password: str,
    keys: list[str],
    now: datetime,
    *,
    hash_method: str,
    min_length: int,
    viewer_id: int | None = None,
) -> User:
    """Set the password a reset link was sent for and end every session of the account,
    this one too: the link never logs anyone in. The new hash kills the link."""
    begin_write(session)  # two uses of one link at once: the second sees the new hash
    user = check_reset(session, token, keys, now, viewer_id)
    check_password_strength(new_password, min_length)
    user.password_hash = generate_password_hash(new_password, method=hash_method)
    user.session_version += 1
    # The link reached the reader's mailbox: that confirms the address as well.
    user.email_verified_at = user.email_verified_at or now
    session.flush()
    return user


# Change of e-mail address


class SameEmail(DomainError):
    code = "same_email"


def request_email_change(
    session: Session, user: User, new_email: str, password: str, *, hash_method: str
) -> str:
    """Check the password and that the new address is free; the normalised new address."""
    if not password_matches(user, password, hash_method=hash_method):
        raise WrongPassword()
    new_email = mailbox(new_email)
    if new_email == user.email:
        raise SameEmail()
    if find_by_email(session, new_email) is not None:
        raise EmailTaken(new_email)
    return new_email


def email_change_token(user: User, new_email: str, keys: list[str], now: datetime) -> str:
    return signing.sign_account(
        {"u": user.id, "e": new_email, "o": user.email}, signing.CHANGE_EMAIL_SALT, keys, now
    )


def change_email(
    session: Session, token: str, keys: list[str], now: datetime, viewer_id: int | None = None
) -> tuple[User, str]:
    """Move the account to the address in the link, checking again that it is free.
    Returns the account and its former address."""
    begin_write(session)
    user, payload = _load(
        session, token, signing.CHANGE_EMAIL_SALT, keys, now, CHANGE_EMAIL_LINK_SECONDS, viewer_id
    )
    new_email, old_email = payload.get("e"), payload.get("o")
    if not isinstance(new_email, str) or old_email != user.email:
        raise InvalidLink()  # used already, or the address changed another way since
    if find_by_email(session, new_email) is not None:
        raise EmailTaken(new_email)
    try:
        with session.begin_nested():
            user.email = new_email
            user.email_verified_at = now
    except IntegrityError as exc:  # taken by a registration at this very moment
        raise EmailTaken(new_email) from exc
    return user, old_email

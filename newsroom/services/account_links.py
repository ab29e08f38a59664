"""Links mailed to readers: e-mail verification, password reset, change of e-mail.

Each link is signed with its own salt and lives a fixed time. A link carries only who it is
for and what it is bound to (the address, a fingerprint of the password hash); whether it
still works is read from the account, so a link dies when what it is bound to changes.
"""

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsroom.models import User
from newsroom.services import tokens
from newsroom.services.errors import DomainError

VERIFY_LINK_SECONDS = 24 * 60 * 60
RESET_LINK_SECONDS = 60 * 60
CHANGE_EMAIL_LINK_SECONDS = 2 * 60 * 60


class InvalidLink(DomainError):
    """Not a link we made for this purpose, or no longer valid (used, superseded)."""

    code = "invalid_link"


class ExpiredLink(InvalidLink):
    code = "expired_link"


class LinkForAnotherAccount(InvalidLink):
    """Opened while logged in as someone else: nothing is changed for either account."""

    code = "link_for_another_account"


class AlreadyVerified(InvalidLink):
    code = "already_verified"


class EmailNotVerified(DomainError):
    code = "email_not_verified"


def require_verified(user: User) -> None:
    """Buying Digital+ and sending gifts by e-mail need an address the reader has confirmed."""
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
    check = tokens.read_account(token, salt, keys, now, max_age)
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
    return tokens.sign_account({"u": user.id, "e": user.email}, tokens.VERIFY_EMAIL_SALT, keys, now)


def verify_email(
    session: Session, token: str, keys: list[str], now: datetime, viewer_id: int | None = None
) -> User:
    """Mark the address in the link confirmed; refused once the account's address changed."""
    user, payload = _load(
        session, token, tokens.VERIFY_EMAIL_SALT, keys, now, VERIFY_LINK_SECONDS, viewer_id
    )
    if payload.get("e") != user.email:
        raise InvalidLink()
    if user.is_verified:
        raise AlreadyVerified()
    user.email_verified_at = now
    session.flush()
    return user

"""Accounts: registration, authentication, password changes, session loading."""

import hmac
import re
import secrets
import unicodedata
from datetime import datetime
from functools import cache

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from newsroom.accounts.models import normalise_email
from newsroom.billing import subscriptions
from newsroom.core.errors import DomainError
from newsroom.database import begin_write
from newsroom.models import User


class EmailTaken(DomainError):
    code = "email_taken"


class WeakPassword(DomainError):
    code = "weak_password"


class WrongPassword(DomainError):
    code = "wrong_password"


class InvalidName(DomainError):
    code = "invalid_name"


class InvalidAddress(DomainError):
    code = "invalid_address"


MAX_ADDRESS_LENGTH = 254


def mailbox(text: str) -> str:
    """The one rule for an address the site takes in: a bare address (no display name, no
    list, no line break), checked by email-validator and normalised (NFC, lower case), so one
    mailbox has one spelling everywhere, its limits included; InvalidAddress otherwise."""
    if not isinstance(text, str) or len(text) > MAX_ADDRESS_LENGTH:
        raise InvalidAddress()
    try:
        checked = validate_email(
            text.strip(),
            check_deliverability=False,
            allow_display_name=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
        )
    except EmailNotValidError as refused:
        raise InvalidAddress() from refused
    return normalise_email(checked.normalized)


# Control, format (bidirectional overrides, zero-width), private-use, surrogate and unassigned
# characters, and line or paragraph separators: none belongs in a name shown to others.
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}
# Letters and symbols that render as blank space.
_BLANK_GLYPHS = set("\u115f\u1160\u3164\uffa0\u2800")


def clean_display_name(name: str, max_length: int = 120) -> str:
    """The name as others will see it (NFC, trimmed), or InvalidName when it hides
    characters, is empty to the eye, or is too long."""
    name = unicodedata.normalize("NFC", name).strip()
    if not name or len(name) > max_length:
        raise InvalidName(name)
    if any(unicodedata.category(ch) in _HIDDEN_CATEGORIES for ch in name):
        raise InvalidName(name)
    if not any(unicodedata.category(ch)[0] in "LNPS" and ch not in _BLANK_GLYPHS for ch in name):
        raise InvalidName(name)
    return name


def check_password_strength(password: str, min_length: int) -> None:
    if len(password) < min_length:
        raise WeakPassword(f"at least {min_length} characters")
    if password.lower() == password and password.isalpha():
        raise WeakPassword("mix in a digit, capital or symbol")


def register(
    session: Session, email: str, name: str, password: str, *, hash_method: str, min_length: int
) -> User:
    email = mailbox(email)
    name = clean_display_name(name)
    check_password_strength(password, min_length)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise EmailTaken(email)
    user = User(
        email=email,
        name=name,
        password_hash=generate_password_hash(password, method=hash_method),
    )
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError as exc:  # two registrations racing for one address
        raise EmailTaken(email) from exc
    return user


@cache
def _dummy_hash(hash_method: str) -> str:
    """A stored-hash look-alike for unknown accounts, made once per method without hashing:
    checking a password against it costs one run of `hash_method`, and it matches nothing."""
    return f"{hash_method}${secrets.token_urlsafe(12)}${secrets.token_hex(64)}"


def password_matches(user: User | None, password: str, *, hash_method: str) -> bool:
    """Exactly one hash check whether or not the account exists, so the time taken does not
    tell which addresses have accounts."""
    if user is None:
        check_password_hash(_dummy_hash(hash_method), password)
        return False
    return check_password_hash(user.password_hash, password)


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.has_email(email), User.deleted_at.is_(None)))


def authenticate(session: Session, email: str, password: str, *, hash_method: str) -> User:
    """The user with these credentials; upgrades an outdated hash in place."""
    user = find_by_email(session, email)
    matches = password_matches(user, password, hash_method=hash_method)
    if user is None or not matches:
        raise WrongPassword()
    if not user.password_hash.startswith(hash_method + "$"):
        begin_write(session)  # the check above only read: write under SQLite's write lock
        user.password_hash = generate_password_hash(password, method=hash_method)
        session.flush()
    return user


def change_password(
    session: Session, user: User, current: str, new: str, *, hash_method: str, min_length: int
) -> None:
    """Set a new password and end every other session of this user."""
    if not check_password_hash(user.password_hash, current):
        raise WrongPassword()
    check_password_strength(new, min_length)
    user.password_hash = generate_password_hash(new, method=hash_method)
    user.session_version += 1
    session.flush()


def end_all_sessions(session: Session, user: User) -> None:
    user.session_version += 1
    session.flush()


def parse_session_id(raw: object) -> tuple[int, int] | None:
    """ "<id>:<version>" with small positive numbers; anything else is no user at all."""
    if not isinstance(raw, str):
        return None
    match = re.fullmatch(r"(\d{1,9}):(\d{1,9})", raw)
    if match is None:
        return None
    return int(match[1]), int(match[2])


def load_session_user(session: Session, raw_id: object, now: datetime) -> User | None:
    """The user behind a session id "<id>:<version>", with Digital+ status, in one query."""
    parsed = parse_session_id(raw_id)
    if parsed is None:
        return None
    user_id, version = parsed
    row = session.execute(
        select(User, subscriptions.active_clause(User.id, now)).where(User.id == user_id)
    ).first()
    if row is None or row[0].deleted_at is not None:
        return None
    user, active = row
    if not hmac.compare_digest(str(user.session_version), str(version)):
        return None
    user.has_digital_plus = bool(active)
    return user

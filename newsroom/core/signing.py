"""Signed gift-link tokens. A token carries only a gift's random id; its state lives in the
database. Signing and checking both use the caller's clock."""

import hashlib
import re
import time
from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

GIFT_SALT = "gift-link"
MAX_TOKEN_LENGTH = 256
PUBLIC_ID = re.compile(r"[0-9a-f]{32}")


class _ClockSigner(TimestampSigner):
    """A timestamp signer that reads the time it is given instead of the system clock."""

    def __init__(self, *args, at: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._at = at

    def get_timestamp(self) -> int:
        return self._at if self._at is not None else int(time.time())


def signing_keys(secret_key: str, fallbacks: list[str]) -> list[str]:
    """itsdangerous signs with the last key and accepts any: old links survive a rotation."""
    return [*fallbacks, secret_key]


def _serializer(keys: list[str], at: datetime) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        keys, salt=GIFT_SALT, signer=_ClockSigner, signer_kwargs={"at": int(at.timestamp())}
    )


def sign_gift(public_id: str, issued_at: datetime, keys: list[str]) -> str:
    """The same gift always yields the same token under the same key."""
    return _serializer(keys, issued_at).dumps(public_id)


@dataclass(frozen=True)
class TokenCheck:
    public_id: str | None
    expired: bool = False


def _payload_id(serializer: URLSafeTimedSerializer, payload) -> str | None:
    try:
        public_id = serializer.load_payload(payload)
    except (BadData, ValueError, TypeError, UnicodeError):
        return None
    if isinstance(public_id, str) and PUBLIC_ID.fullmatch(public_id):
        return public_id
    return None


def read_gift(token: str, keys: list[str], now: datetime, max_age_seconds: int) -> TokenCheck:
    """The gift id inside a token; expired when older than max_age or dated in the future."""
    if not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        return TokenCheck(None)
    serializer = _serializer(keys, now)
    try:
        public_id = serializer.loads(token, max_age=max_age_seconds)
    except SignatureExpired as exc:
        # The signature was good, only old: its gift can still be named (to ask for a new one).
        return TokenCheck(_payload_id(serializer, exc.payload), expired=True)
    except (BadData, ValueError, TypeError, UnicodeError, OverflowError, OSError):
        # A garbled timestamp can surface as OverflowError/OSError from datetime conversion.
        return TokenCheck(None)
    if not isinstance(public_id, str) or not PUBLIC_ID.fullmatch(public_id):
        return TokenCheck(None)
    return TokenCheck(public_id)


# Account links: each purpose has its own salt, so a token made for one is refused by the rest.
VERIFY_EMAIL_SALT = "verify-email"
RESET_PASSWORD_SALT = "reset-password"
CHANGE_EMAIL_SALT = "change-email"


@dataclass(frozen=True)
class AccountToken:
    payload: dict | None
    expired: bool = False


def sign_account(payload: dict, salt: str, keys: list[str], issued_at: datetime) -> str:
    return URLSafeTimedSerializer(
        keys, salt=salt, signer=_ClockSigner, signer_kwargs={"at": int(issued_at.timestamp())}
    ).dumps(payload)


def read_account(
    token: str, salt: str, keys: list[str], now: datetime, max_age_seconds: int
) -> AccountToken:
    """The payload of an account link; expired when older than max_age or dated ahead."""
    if not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        return AccountToken(None)
    serializer = URLSafeTimedSerializer(
        keys, salt=salt, signer=_ClockSigner, signer_kwargs={"at": int(now.timestamp())}
    )
    try:
        payload = serializer.loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        return AccountToken(None, expired=True)
    except (BadData, ValueError, TypeError, UnicodeError, OverflowError, OSError):
        return AccountToken(None)
    if not isinstance(payload, dict):
        return AccountToken(None)
    return AccountToken(payload)


def account_of(token: str, salt: str, keys: list[str]) -> str:
    """The account id a genuine link names (expired or not), for counting its checks. A link
    we did not sign is counted as itself, so forged links cannot spend a real account's
    attempts (the per-client limit catches a client trying many)."""
    try:
        payload = URLSafeTimedSerializer(keys, salt=salt).loads(token[:MAX_TOKEN_LENGTH])
    except (BadData, ValueError, TypeError, UnicodeError, OverflowError, OSError):
        payload = None
    user_id = payload.get("u") if isinstance(payload, dict) else None
    if isinstance(user_id, int):
        return str(user_id)
    return "unsigned:" + hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()[:32]

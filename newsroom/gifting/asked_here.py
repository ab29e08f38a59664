"""What this browser asked for: once a recipient has asked for a new link, the page of the
old link says when, and how the new one will come, instead of offering the same button again.

Kept in the site's session cookie (signed by Flask, already set by the ask's form and its
message), under a digest of the link's token: the cookie names no gift and holds no address."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import session

SESSION_KEY = "gift_asks"
KEPT = 10  # the most recent asks; the cookie stays small


@dataclass(frozen=True)
class AskedHere:
    on: datetime
    by_mail: bool  # the asker left an address: the new link comes by mail


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:24]


def remember(token: str, asked_at: datetime, by_mail: bool) -> None:
    asks = {k: v for k, v in session.get(SESSION_KEY, {}).items() if k != _key(token)}
    asks[_key(token)] = [asked_at.isoformat(), by_mail]
    session[SESSION_KEY] = dict(list(asks.items())[-KEPT:])


def asked_here(token: str) -> AskedHere | None:
    """The ask this browser made for the link `token`, if it made one."""
    if not token:
        return None
    entry = session.get(SESSION_KEY, {}).get(_key(token))
    try:
        return AskedHere(datetime.fromisoformat(entry[0]), bool(entry[1]))
    except (TypeError, ValueError, IndexError):
        return None

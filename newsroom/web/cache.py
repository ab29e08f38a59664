"""A small per-app, in-process cache: article rows, sidebar lists, a reader's picks."""

import time
from collections.abc import Callable
from typing import TypeVar

from flask import current_app

T = TypeVar("T")
MAX_ENTRIES = 10_000


def cached(key: str, compute: Callable[[], T], setting: str = "SIDEBAR_CACHE_SECONDS") -> T:
    """Reuse a value for the seconds the `setting` names; 0 turns caching off. None is never
    kept, so unknown keys (any address a client makes up) cannot fill the store."""
    seconds = current_app.config[setting]
    if seconds <= 0:
        return compute()
    store: dict = current_app.extensions.setdefault("newsroom.cache", {})
    now = time.monotonic()
    entry = store.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    value = compute()
    if value is None:
        return value
    if len(store) >= MAX_ENTRIES:
        prune(store, now)
    store[key] = (now + seconds, value)
    return value


def prune(store: dict, now: float) -> None:
    """Per-reader entries come and go: drop the expired ones, and everything if that is
    not enough, so the store stays bounded however many readers pass through."""
    for key, (expires, _value) in list(store.items()):
        if expires <= now:
            store.pop(key, None)
    if len(store) >= MAX_ENTRIES:
        store.clear()

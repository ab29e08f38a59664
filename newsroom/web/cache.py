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
    if current_app.config[setting] <= 0:
        return compute()
    found = recall(key)
    if found is not None:
        return found
    value = compute()
    if value is not None:
        remember(key, value, setting)
    return value


def recall(key: str):
    """The value kept under `key`, or None when there is none (or it has expired)."""
    entry = current_app.extensions.get("newsroom.cache", {}).get(key)
    if entry is not None and entry[0] > time.monotonic():
        return entry[1]
    return None


def remember(key: str, value, setting: str) -> None:
    """Keep `value` under `key` for the seconds the `setting` names (0: not at all)."""
    seconds = current_app.config[setting]
    if seconds <= 0:
        return
    store: dict = current_app.extensions.setdefault("newsroom.cache", {})
    now = time.monotonic()
    if len(store) >= MAX_ENTRIES:
        prune(store, now)
    store[key] = (now + seconds, value)


def prune(store: dict, now: float) -> None:
    """Per-reader entries come and go: drop the expired ones, and everything if that is
    not enough, so the store stays bounded however many readers pass through."""
    for key, (expires, _value) in list(store.items()):
        if expires <= now:
            store.pop(key, None)
    if len(store) >= MAX_ENTRIES:
        store.clear()

"""A small per-app, in-process cache for lists every page shows (jobs, most read)."""

import time
from collections.abc import Callable
from typing import TypeVar

from flask import current_app

T = TypeVar("T")


def cached(key: str, compute: Callable[[], T]) -> T:
    """Reuse a value for SIDEBAR_CACHE_SECONDS; 0 turns caching off."""
    seconds = current_app.config["SIDEBAR_CACHE_SECONDS"]
    if seconds <= 0:
        return compute()
    store: dict = current_app.extensions.setdefault("newsroom.cache", {})
    now = time.monotonic()
    entry = store.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    value = compute()
    store[key] = (now + seconds, value)
    return value

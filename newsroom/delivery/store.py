"""A store with a hard bound in bytes: the least recently used entries go first."""

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

ENTRY_OVERHEAD = 512  # the key tuple, the entry object and the dict slot, rounded up


class ByteBoundStore:
    """Entries with a size each; the sizes never add up to more than `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self.entries: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                return None
            self.entries.move_to_end(key)
            return found[1]

    def put(self, key: Hashable, value: Any, size: int) -> bool:
        """Keep `value`, dropping the least recently used; False when it alone is too big."""
        size += ENTRY_OVERHEAD
        if size > self.limit:
            return False
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.used -= old[0]
            self.entries[key] = (size, value)
            self.used += size
            while self.used > self.limit:
                _key, (dropped, _value) = self.entries.popitem(last=False)
                self.used -= dropped
        return True

    def discard(self, key: Hashable) -> None:
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.used -= old[0]

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.used = 0

    def __len__(self) -> int:
        return len(self.entries)

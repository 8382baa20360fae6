"""Answers of repeated queries, kept in memory per dataset version, and their validators.

The data only changes when it is rebuilt, so an answer is a pure function of the dataset version,
the query, the dataset (graphs), the format and the row cap: that tuple is both the cache key and
what the ``ETag`` is computed from.

>>> cache = ResultCache(max_entries=2, max_bytes=100)
>>> cache.put(("v1", "ASK {}"), "answer", size=10)
>>> cache.get(("v1", "ASK {}"))
'answer'
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from werkzeug.http import http_date


class ResultCache:
    """A thread-safe LRU bounded by entry count and total size; big answers are not kept."""

    def __init__(self, max_entries: int = 512, max_bytes: int = 64 << 20, max_item: int = 8 << 20):
        self.max_entries, self.max_bytes, self.max_item = max_entries, max_bytes, max_item
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        if size > self.max_item:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (value, size)
            self._bytes += size
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped

    def __len__(self) -> int:
        return len(self._items)


def etag_for(key: tuple[Any, ...]) -> str:
    """A strong ETag for an answer key: ``"<32 hex digits>"``."""
    digest = hashlib.sha256(repr(key).encode("utf-8")).hexdigest()
    return f'"{digest[:32]}"'


@functools.lru_cache(maxsize=64)  # one value per dataset version: asked on every request
def last_modified(modified: str) -> str | None:
    """``2026-11-30T04:15:00Z`` -> an HTTP date (None when unreadable)."""
    try:
        when = dt.datetime.fromisoformat(modified.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return http_date(when)

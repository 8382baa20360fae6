"""The store seam: where the graph lives.

``open_store(None)`` is an in-memory pyoxigraph store; ``open_store(PATH)`` the on-disk store
written atomically by ``rallynov build``. Backends implement :class:`~endpoint.store.base.Store`.
"""

from __future__ import annotations

from pathlib import Path

from endpoint.store.base import Store, StoreMeta
from endpoint.store.embedded import EmbeddedStore, OnDiskStore


def open_store(location: str | Path | None, *, writable: bool = False) -> Store:
    """The store at ``location``: None -> memory; a folder -> the on-disk store."""
    if location is None:
        return EmbeddedStore()
    return OnDiskStore(Path(location), writable=writable)


__all__ = ["EmbeddedStore", "OnDiskStore", "Store", "StoreMeta", "open_store"]

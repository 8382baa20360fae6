"""The store seam: where the graph lives.

``open_store(None)`` is an in-memory pyoxigraph store; ``open_store(PATH)`` the on-disk store
written atomically by ``rallynov build``; ``open_store(URL)`` a SPARQL 1.1 server's query endpoint
(:class:`~endpoint.store.remote.RemoteStore`, written by ``rallynov publish --to URL``).
Backends implement :class:`~endpoint.store.base.Store`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from endpoint.store.base import Store, StoreMeta
from endpoint.store.embedded import EmbeddedStore, OnDiskStore


def open_store(
    location: str | Path | None,
    *,
    writable: bool = False,
    settings: Mapping[str, Any] | None = None,
) -> Store:
    """The store at ``location``: None -> memory; a folder -> the on-disk store; an http(s) URL
    -> the remote store (configured by the REMOTE_* ``settings`` and RALLYNOV_REMOTE_* secrets).

    A URL is best given as a string; one that went through ``Path`` (which turns ``http://`` into
    ``http:/``) is repaired.
    """
    if location is None:
        return EmbeddedStore()
    from endpoint.store.remote import RemoteStore, is_remote

    if is_remote(location):
        return RemoteStore.from_settings(str(location), settings)
    return OnDiskStore(Path(location), writable=writable)


__all__ = ["EmbeddedStore", "OnDiskStore", "Store", "StoreMeta", "open_store"]

"""The open-data publication of the Rally'nov knowledge graph.

Builders shared by the web server (``/catalog``, ``/.well-known/void``, ``/download/``) and the
static release (``rallynov export``):

- :mod:`.files`: every download (RDF dumps, CSV tables, GeoJSON, GEXF) and its bytes;
- :mod:`.dcat`: the DCAT-AP 3.0 catalog describing those bytes (size, SHA-256);
- :mod:`.void`: the VoID description with statistics counted in the store;
- :mod:`.schemaorg`: the schema.org ``Dataset`` for search engines;
- :mod:`.releases`: the version history of the static releases;
- :mod:`.tables` (the CSV tables), :mod:`.terms` (namespaces and shared identifiers),
  :mod:`.texts` (titles and descriptions in French and English), :mod:`.nodes` (typed nodes),
  :mod:`.publication` (the URLs and dates of one publication).

Downloads are built once per dataset version (``store.meta().version``) by :func:`files_for`.
"""

from __future__ import annotations

import threading
import weakref

from endpoint.opendata.files import DownloadFile, build_files
from endpoint.store.base import Store

_cache: weakref.WeakKeyDictionary[Store, tuple[str, dict[str, DownloadFile]]] = (
    weakref.WeakKeyDictionary()
)
_locks: weakref.WeakKeyDictionary[Store, threading.Lock] = weakref.WeakKeyDictionary()
_guard = threading.Lock()


def files_for(store: Store) -> dict[str, DownloadFile]:
    """The downloads of the store's current version, built at most once per version."""
    meta = store.meta()
    version = meta.version if meta is not None else ""
    with _guard:
        lock = _locks.setdefault(store, threading.Lock())
    with lock:
        cached = _cache.get(store)
        if cached is not None and cached[0] == version:
            return cached[1]
        files = build_files(store)
        _cache[store] = (version, files)
        return files


__all__ = ["DownloadFile", "build_files", "files_for"]

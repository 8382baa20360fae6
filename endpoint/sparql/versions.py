"""The published dataset's version, read on every SPARQL request.

Every answer of ``/sparql`` is keyed by the dataset version, so the version is read once or more
per request; each store answers ``meta()`` cheaply (on disk: the version file is read again only
when a publish swapped the ``current`` link; remote: from a manifest kept for a second).

>>> from endpoint.store import EmbeddedStore
>>> current_meta(EmbeddedStore()) is None
True
"""

from __future__ import annotations

from endpoint.store.base import Store, StoreMeta


def current_meta(store: Store) -> StoreMeta | None:
    return store.meta()


def current_version(store: Store) -> str:
    """The version of the published dataset ("" when nothing is published)."""
    meta = current_meta(store)
    return meta.version if meta is not None else ""

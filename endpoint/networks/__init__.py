"""Collaboration networks of the Rally'nov partners, built with SPARQL and analysed with networkx.

Four kinds, named the same everywhere (CLI, URLs): ``co-organisation`` (organisations that
organised an event together), ``partnership`` (partners of the same edition), ``partner-innovation``
(organisations and the innovations they carried, supported, presented or awarded) and
``actor-need`` (carrier organisations and the needs their innovations address). Each exists as a
bipartite organisation–item graph and as its projection on organisations, for one edition or all.

>>> from endpoint.app import load_store
>>> analysis = get_analysis(load_store(None), "co-organisation", edition="2013")  # doctest: +SKIP
>>> analysis.stats["density"]  # doctest: +SKIP

Results are cached per dataset version (``store.meta().version``), kind, edition and mode.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from endpoint.networks.build import DEFAULT_MODE, MODES, build_network
from endpoint.networks.metrics import Analysis, analyse
from endpoint.networks.source import KINDS, Catalog, fetch_catalog, fetch_incidences
from endpoint.store import Store

__all__ = [
    "KINDS",
    "MODES",
    "Analysis",
    "NetworkError",
    "UnknownKindError",
    "analyse",
    "build_network",
    "cached",
    "catalog",
    "fetch_catalog",
    "fetch_incidences",
    "get_analysis",
    "normalise",
]

T = TypeVar("T")


class NetworkError(ValueError):
    """A request for a network that cannot be answered: ``what`` (kind, edition or mode) had the
    unknown ``value``; ``choices`` lists the valid ones; ``status`` is the HTTP status to use."""

    status = 400

    def __init__(self, what: str, value: object, choices: tuple[str, ...] | list[str]):
        self.what, self.value, self.choices = what, value, list(choices)
        super().__init__(f"unknown {what} {value!r}; choose one of: {', '.join(self.choices)}")


class UnknownKindError(NetworkError):
    status = 404


class _Cache:
    """A small bounded memo shared by the threads of one process.

    Single flight: while one thread computes a key, the others asking for it wait for that
    result instead of computing it again (the start-up warm-up and a first request, say).
    """

    def __init__(self, size: int = 1024):
        self.size = size
        self.values: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()
        self.pending: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self.lock:
            if key in self.values:
                self.values.move_to_end(key)
                return self.values[key]  # type: ignore[no-any-return]
            flight = self.pending.setdefault(key, threading.Lock())
        with flight:
            with self.lock:
                if key in self.values:  # computed by the thread we waited for
                    return self.values[key]  # type: ignore[no-any-return]
            try:
                value = compute()
            finally:
                with self.lock:
                    self.pending.pop(key, None)
            with self.lock:
                self.values[key] = value
                while len(self.values) > self.size:
                    self.values.popitem(last=False)
        return value

    def __contains__(self, key: Hashable) -> bool:
        with self.lock:
            return key in self.values

    def clear(self) -> None:
        with self.lock:
            self.values.clear()


# per dataset version: at 100k innovations the warm-up alone stores about 200 entries (4 kinds x
# 21 editions x analysis and page JSON, map layers), which must outlive the first visitors' extras
CACHE = _Cache()


def version(store: Store) -> str:
    meta = store.meta()
    return meta.version if meta is not None else "empty"


def cached(store: Store, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """``compute()`` once per dataset version and ``key``."""
    return CACHE.get((version(store), *key), compute)


def catalog(store: Store) -> Catalog:
    return cached(store, ("catalog",), lambda: fetch_catalog(store))


def normalise(
    store: Store, kind: str, edition: str | None, mode: str | None
) -> tuple[str, str | None, str]:
    """Check the request; ``edition`` "all" or empty means every edition."""
    if kind not in KINDS:
        raise UnknownKindError("network kind", kind, KINDS)
    if mode not in (None, "", *MODES):
        raise NetworkError("mode", mode, MODES)
    chosen = None if edition in (None, "", "all") else str(edition)
    editions = catalog(store).editions
    if chosen is not None and chosen not in editions:
        raise NetworkError("edition", chosen, ["all", *editions])
    return kind, chosen, mode or DEFAULT_MODE[kind]


def get_analysis(
    store: Store, kind: str, edition: str | None = None, mode: str | None = None
) -> Analysis:
    """The analysed network ``kind`` for ``edition`` (None: all) in ``mode`` (None: the kind's
    default: projection for co-organisation and partnership, bipartite otherwise)."""
    kind, edition, mode = normalise(store, kind, edition, mode)

    def compute() -> Analysis:
        rows = cached(store, ("rows", kind), lambda: fetch_incidences(store, kind))
        graph = build_network(kind, rows, catalog(store), edition=edition, mode=mode)
        return analyse(graph)

    return cached(store, ("analysis", kind, edition, mode), compute)

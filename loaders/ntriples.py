"""Triples as N-Triples text, the form a store bulk-loads fastest.

:func:`serialise` writes rdflib triples as distinct N-Triples lines (about twice as fast as
rdflib's serializer: IRIs are written once per distinct IRI, literals escaped with one
``str.translate``). :func:`map_in_parallel` maps checked records straight to N-Triples in forked
worker processes, one share of the records each, so a large build uses every core and never
holds millions of rdflib terms in the parent.

>>> from rdflib import Literal, URIRef
>>> s, p = URIRef("https://example.org/a"), URIRef("https://example.org/p")
>>> serialise([(s, p, Literal('say "hi"', lang="en")), (s, p, Literal('say "hi"', lang="en"))])
NTriples(count=1, size=66)
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from loaders.errors import StoreError

Triple = tuple[URIRef, URIRef, URIRef | Literal]
ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
# characters N-Triples does not allow in an IRI (RDF 1.1 N-Triples, IRIREF)
IRI_FORBIDDEN = frozenset('<>"{}|^`\\' + "".join(chr(c) for c in range(0x21)))
STRING = str(XSD.string)


@dataclass(frozen=True, repr=False)
class NTriples:
    """Distinct N-Triples lines (UTF-8) and how many there are."""

    data: bytes
    count: int

    def __repr__(self) -> str:
        return f"NTriples(count={self.count}, size={len(self.data)})"

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Triple]:
        """The triples as rdflib terms (slow on large data: for small graphs and tests)."""
        from rdflib import Graph

        graph = Graph()
        graph.parse(data=self.data, format="nt")
        return iter(graph)  # type: ignore[arg-type]


def _iri(term: str) -> str:
    if IRI_FORBIDDEN.isdisjoint(term):
        return f"<{term}>"
    raise StoreError(f"{term!r} is not an IRI that N-Triples can write (it contains a space or <>)")


def lines(triples: Iterable[Triple]) -> Iterator[str]:
    """One N-Triples line per triple (with its newline)."""
    written: dict[str, str] = {}  # IRI -> <IRI>; keyed by plain str (C-level hashing)
    for s, p, o in triples:
        key = str.__str__(s)
        subject = written.get(key)
        if subject is None:
            subject = written[key] = _iri(key) if type(s) is URIRef else _other(s)
        key = str.__str__(p)
        predicate = written.get(key)
        if predicate is None:
            predicate = written[key] = _iri(key)
        if type(o) is Literal or isinstance(o, Literal):
            obj = _literal(o)
        else:
            key = str.__str__(o)
            obj = written.get(key)
            if obj is None:
                obj = written[key] = _iri(key) if type(o) is URIRef else _other(o)
        yield f"{subject} {predicate} {obj} .\n"


def _other(term: object) -> str:
    if isinstance(term, URIRef):
        return _iri(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    raise StoreError(f"{term!r} cannot be the subject or object of an N-Triples line")


def _literal(literal: Literal) -> str:
    lexical = str.translate(literal, ESCAPES)
    language = literal.language
    if language:
        return f'"{lexical}"@{language}'
    datatype = literal.datatype
    if datatype is not None and datatype != STRING:
        return f'"{lexical}"^^{_iri(datatype)}'
    return f'"{lexical}"'


def serialise(triples: Iterable[Triple]) -> NTriples:
    """The distinct triples as N-Triples."""
    distinct = dict.fromkeys(lines(triples))
    return NTriples("".join(distinct).encode("utf-8"), len(distinct))


def merge(parts: Sequence[bytes]) -> NTriples:
    """Distinct lines of several N-Triples texts (each already distinct)."""
    if len(parts) == 1:
        return NTriples(parts[0], parts[0].count(b"\n"))
    distinct = dict.fromkeys(line for part in parts for line in part.splitlines(keepends=True))
    return NTriples(b"".join(distinct), len(distinct))


# -- mapping records in worker processes -------------------------------------------------------
# The work is set before the fork and inherited by the workers (nothing large is pickled).
_WORK: tuple[Sequence[object], Callable[[object], Iterable[tuple[str, Triple]]]] | None = None


def _map_share(bounds: tuple[int, int]) -> dict[str, bytes]:
    assert _WORK is not None
    items, mapper = _WORK
    per_graph: dict[str, list[Triple]] = {}
    for item in items[bounds[0] : bounds[1]]:
        for graph, triple in mapper(item):
            per_graph.setdefault(graph, []).append(triple)
    return {graph: serialise(triples).data for graph, triples in per_graph.items()}


def workers_for(size: int, minimum: int = 20_000) -> int:
    """How many processes to map ``size`` records with: 1 for small inputs, when ``fork`` is
    unavailable, or when other threads run (forking a threaded process can deadlock)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if (
        size < minimum
        or "fork" not in multiprocessing.get_all_start_methods()
        or threading.active_count() > 1
    ):
        return 1
    return max(1, min(cores or 1, 8))


def map_in_parallel(
    items: Sequence[object],
    mapper: Callable[[object], Iterable[tuple[str, Triple]]],
    workers: int,
) -> dict[str, NTriples]:
    """``mapper(item)`` yields (graph name, triple); returns each graph's distinct N-Triples,
    mapped by ``workers`` forked processes (in this process when ``workers`` is 1)."""
    global _WORK
    _WORK = (items, mapper)
    try:
        step = -(-len(items) // max(workers, 1)) or 1
        shares = [(start, min(start + step, len(items))) for start in range(0, len(items), step)]
        if workers <= 1 or len(shares) <= 1:
            results = [_map_share((0, len(items)))]
        else:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=len(shares), mp_context=context) as pool:
                results = list(pool.map(_map_share, shares))
    finally:
        _WORK = None
    graphs = sorted({graph for result in results for graph in result})
    return {graph: merge([r[graph] for r in results if graph in r]) for graph in graphs}

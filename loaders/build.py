"""The one way through: sources -> records -> checked records -> named graphs.

>>> result = build_graphs()            # the bundled dataset
>>> len(result.public) > 1000
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from loaders.errors import InputError
from loaders.iris import (
    GEO,
    ORG,
    PROV,
    PUBLIC_GRAPH,
    RALLY,
    RESTRICTED_GRAPH,
    SCHEMA,
    VOCABULARY_GRAPH,
    WGS,
)
from loaders.mapping import Triple, map_record, subject_of
from loaders.ntriples import NTriples, map_in_parallel, merge, serialise, workers_for
from loaders.paths import default_sources
from loaders.readers import read_sources
from loaders.records import Checked, check_records
from loaders.tables import TABLE_ORDER
from loaders.vocab import schemes, vocabulary_graph

RESTRICTED_TABLES = {"contacts"}
PREFIXES = {"rally": RALLY, "schema": SCHEMA, "org": ORG, "prov": PROV, "wgs": WGS, "geo": GEO}


def new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


class BuildResult:
    """The named graphs of one build, and where each record came from.

    Made from checked records, it maps them only when asked: ``public_triples`` and
    ``restricted_triples`` (lists of distinct rdflib triples, mapped in this process, for
    validation, tests and serialisation), ``public`` and ``restricted`` (the same as rdflib
    graphs), or ``named_triples()`` (what a store publishes: each graph as N-Triples, mapped in
    parallel worker processes on large inputs). It can also be made from triples directly.
    """

    def __init__(
        self,
        public_triples: list[Triple] | None = None,
        restricted_triples: list[Triple] | None = None,
        vocabulary: Graph | None = None,
        records: list[Checked] | None = None,
        files: list[str] | None = None,
        *,
        names: Mapping[URIRef, str] | None = None,
        extra: Iterable[Triple] = (),
    ):
        # (public, restricted) once mapped; given directly when the result is made from triples
        self._mapped: tuple[list[Triple], list[Triple]] | None = (
            None
            if public_triples is None and restricted_triples is None
            else (public_triples or [], restricted_triples or [])
        )
        self.vocabulary = vocabulary if vocabulary is not None else vocabulary_graph()
        self.records = records or []
        self.files = files or []
        self._names = names or {}
        self._extra = list(extra)  # triples of RDF source files (public)

    def _triples(self) -> tuple[list[Triple], list[Triple]]:
        """The distinct (public, restricted) triples, mapped in this process on first use."""
        if self._mapped is None:
            public: list[Triple] = []
            restricted: list[Triple] = []
            for record in self.records:
                target = restricted if record.table in RESTRICTED_TABLES else public
                target.extend(map_record(record, self._names))
            public.extend(self._extra)
            self._mapped = (list(dict.fromkeys(public)), list(dict.fromkeys(restricted)))
        return self._mapped

    @property
    def public_triples(self) -> list[Triple]:
        return self._triples()[0]

    @property
    def restricted_triples(self) -> list[Triple]:
        return self._triples()[1]

    @cached_property
    def public(self) -> Graph:
        return _graph_of(self.public_triples)

    @cached_property
    def restricted(self) -> Graph:
        return _graph_of(self.restricted_triples)

    def named_graphs(self) -> dict[URIRef, Graph]:
        return {
            PUBLIC_GRAPH: self.public,
            RESTRICTED_GRAPH: self.restricted,
            VOCABULARY_GRAPH: self.vocabulary,
        }

    def named_triples(self, workers: int | None = None) -> dict[URIRef, NTriples]:
        """What a store publishes: each named graph as distinct N-Triples.

        Records not mapped yet are mapped straight to N-Triples by ``workers`` processes
        (default: one per core on large inputs, see :func:`loaders.ntriples.workers_for`).
        """
        graphs = {str(PUBLIC_GRAPH): NTriples(b"", 0), str(RESTRICTED_GRAPH): NTriples(b"", 0)}
        if self._mapped is not None:
            graphs[str(PUBLIC_GRAPH)] = serialise(self._mapped[0])
            graphs[str(RESTRICTED_GRAPH)] = serialise(self._mapped[1])
        else:
            chosen = workers if workers is not None else workers_for(len(self.records))
            names = self._names

            def mapper(record: object) -> Iterator[tuple[str, Triple]]:
                return _mapped(record, names)  # type: ignore[arg-type]

            graphs.update(map_in_parallel(self.records, mapper, chosen))  # type: ignore[arg-type]
            if self._extra:
                public = graphs[str(PUBLIC_GRAPH)]
                graphs[str(PUBLIC_GRAPH)] = merge([public.data, serialise(self._extra).data])
        graphs[str(VOCABULARY_GRAPH)] = serialise(self.vocabulary)  # type: ignore[arg-type]
        return {URIRef(name): graph for name, graph in graphs.items()}

    def dataset(self) -> Dataset:
        dataset = Dataset()
        for name, graph in self.named_graphs().items():
            target = dataset.graph(name)
            for triple in graph:
                target.add(triple)
        return dataset

    @cached_property
    def _origins(self) -> dict[URIRef, Checked]:
        return {subject_of(r): r for r in self.records}

    def origin(self, iri: URIRef) -> Checked | None:
        """The record a resource was built from (file and line), for readable reports."""
        return self._origins.get(iri)


def _mapped(record: Checked, names: Mapping[URIRef, str]) -> Iterator[tuple[str, Triple]]:
    graph = str(RESTRICTED_GRAPH if record.table in RESTRICTED_TABLES else PUBLIC_GRAPH)
    for triple in map_record(record, names):
        yield graph, triple


def build_graphs(
    sources: Iterable[Path] = (),
    *,
    include_default: bool = True,
    progress: Callable[[int], None] | None = None,
) -> BuildResult:
    """Read and check the sources; raise :class:`InputError` listing every problem.

    The records are mapped to triples when the result is first used (see :class:`BuildResult`).
    """
    files = [*default_sources(), *sources] if include_default else list(sources)
    read = read_sources(files)
    if progress:
        progress(len(read.records) // 2)
    checked, problems = check_records(read.records, schemes())
    problems = read.problems + problems
    if problems:
        raise InputError(problems)
    order = {name: i for i, name in enumerate(TABLE_ORDER)}
    checked.sort(key=lambda r: order[r.table])
    names = {
        r.iri: str(r.values.get("name") or r.values.get("title"))
        for r in checked
        if r.iri is not None and (r.values.get("name") or r.values.get("title"))
    }
    if progress:
        progress(len(read.records) - len(read.records) // 2)
    extra = [triple for _name, graph in read.rdf for triple in graph]
    return BuildResult(
        None,
        None,
        vocabulary_graph(),
        checked,
        [str(f) for f in files],
        names=names,
        extra=extra,  # type: ignore[arg-type]
    )


def _graph_of(triples: Iterable[Triple]) -> Graph:
    graph = new_graph()
    for triple in triples:
        graph.add(triple)
    return graph

"""The one way through: sources -> records -> checked records -> named graphs.

>>> result = build_graphs()            # the bundled dataset
>>> len(result.public) > 1000
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
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
from loaders.mapping import Triple, map_record
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


@dataclass
class BuildResult:
    """The named graphs of one build, and where each record came from.

    The triples are kept as plain lists (fast to publish); ``public`` and ``restricted`` give
    them as rdflib graphs, made on first use (for validation, tests and serialisation).
    """

    public_triples: list[Triple]
    restricted_triples: list[Triple]
    vocabulary: Graph
    records: list[Checked] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

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

    def named_triples(self) -> dict[URIRef, Iterable[Triple]]:
        """What a store publishes: the same graphs, without building rdflib graphs."""
        return {
            PUBLIC_GRAPH: self.public_triples,
            RESTRICTED_GRAPH: self.restricted_triples,
            VOCABULARY_GRAPH: self.vocabulary,
        }

    def dataset(self) -> Dataset:
        dataset = Dataset()
        for name, graph in self.named_graphs().items():
            target = dataset.graph(name)
            for triple in graph:
                target.add(triple)
        return dataset

    @cached_property
    def _origins(self) -> dict[URIRef, Checked]:
        return {r.iri: r for r in self.records if r.iri is not None}

    def origin(self, iri: URIRef) -> Checked | None:
        """The record a resource was built from (file and line), for readable reports."""
        return self._origins.get(iri)


def build_graphs(
    sources: Iterable[Path] = (),
    *,
    include_default: bool = True,
    progress: Callable[[int], None] | None = None,
) -> BuildResult:
    """Read, check and map the sources; raise :class:`InputError` listing every problem."""
    files = [*default_sources(), *sources] if include_default else list(sources)
    read = read_sources(files)
    checked, problems = check_records(read.records, schemes())
    problems = read.problems + problems
    if problems:
        raise InputError(problems)
    order = {name: i for i, name in enumerate(TABLE_ORDER)}
    checked.sort(key=lambda r: order[r.table])
    public: list[Triple] = []
    restricted: list[Triple] = []
    names = {
        r.iri: str(r.values.get("name") or r.values.get("title"))
        for r in checked
        if r.iri is not None and (r.values.get("name") or r.values.get("title"))
    }
    for number, record in enumerate(checked, start=1):
        target = restricted if record.table in RESTRICTED_TABLES else public
        target.extend(map_record(record, names))
        if progress and number % 1000 == 0:
            progress(1000)
    for _name, graph in read.rdf:
        public.extend(graph)  # type: ignore[arg-type]
    return BuildResult(
        list(dict.fromkeys(public)),
        list(dict.fromkeys(restricted)),
        vocabulary_graph(),
        checked,
        [str(f) for f in files],
    )


def _graph_of(triples: Iterable[Triple]) -> Graph:
    graph = new_graph()
    for triple in triples:
        graph.add(triple)
    return graph

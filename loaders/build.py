"""The one way through: sources -> records -> checked records -> named graphs.

>>> result = build_graphs()            # the bundled dataset
>>> len(result.public) > 1000
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
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
from loaders.mapping import map_record
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
    """The named graphs of one build, and where each record came from."""

    public: Graph
    restricted: Graph
    vocabulary: Graph
    records: list[Checked] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def named_graphs(self) -> dict[URIRef, Graph]:
        return {
            PUBLIC_GRAPH: self.public,
            RESTRICTED_GRAPH: self.restricted,
            VOCABULARY_GRAPH: self.vocabulary,
        }

    def dataset(self) -> Dataset:
        dataset = Dataset()
        for name, graph in self.named_graphs().items():
            target = dataset.graph(name)
            for triple in graph:
                target.add(triple)
        return dataset

    def origin(self, iri: URIRef) -> Checked | None:
        """The record a resource was built from (file and line), for readable reports."""
        return next((r for r in self.records if r.iri == iri), None)


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
    public, restricted = new_graph(), new_graph()
    names = {r.iri: str(r.values.get("name") or r.values.get("title")) for r in checked
             if r.iri is not None and (r.values.get("name") or r.values.get("title"))}
    for number, record in enumerate(checked, start=1):
        target = restricted if record.table in RESTRICTED_TABLES else public
        for triple in map_record(record, names):
            target.add(triple)
        if progress and number % 1000 == 0:
            progress(1000)
    for _name, graph in read.rdf:
        for triple in graph:
            public.add(triple)  # type: ignore[arg-type]
    return BuildResult(public, restricted, vocabulary_graph(), checked, [str(f) for f in files])

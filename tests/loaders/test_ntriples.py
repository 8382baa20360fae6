"""The publish path: triples -> N-Triples (fast serializer) and records mapped in parallel."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from loaders import BuildResult, build_graphs
from loaders.errors import StoreError
from loaders.iris import PUBLIC_GRAPH, RESTRICTED_GRAPH, VOCABULARY_GRAPH
from loaders.ntriples import merge, serialise

ROOT = Path(__file__).resolve().parents[2]
S, P = URIRef("https://example.org/s"), URIRef("https://example.org/p")


def parsed(data: bytes) -> Graph:
    graph = Graph()
    graph.parse(data=data, format="nt")
    return graph


def test_serialise_writes_every_kind_of_term_as_rdflib_reads_it() -> None:
    triples = [
        (S, P, Literal('quote " backslash \\ newline \n return \r tab \t', lang="fr")),
        (S, P, Literal("42", datatype=XSD.integer)),
        (S, P, Literal("plain")),
        (S, P, Literal("typed string", datatype=XSD.string)),
        (S, P, Literal("é ü 中文 😀")),
        (BNode("b1"), P, URIRef("https://example.org/o#frag")),
        (S, P, BNode("b2")),
    ]
    text = serialise(triples)
    assert text.count == len(triples)
    assert isomorphic(parsed(text.data), Graph().__iadd__(triples))  # type: ignore[arg-type]


def test_serialise_keeps_distinct_triples_only() -> None:
    same = (S, P, Literal("x", lang="en"))
    other = (S, P, Literal("x", lang="fr"))
    text = serialise([same, other, same])
    assert text.count == 2
    assert text.data.count(b"\n") == 2


def test_an_iri_that_n_triples_cannot_write_is_refused_by_name() -> None:
    with pytest.raises(StoreError, match="https://example.org/a b"):
        serialise([(URIRef("https://example.org/a b"), P, Literal("x"))])


def test_merge_removes_lines_repeated_across_parts() -> None:
    a = serialise([(S, P, Literal("1")), (S, P, Literal("2"))])
    b = serialise([(S, P, Literal("2")), (S, P, Literal("3"))])
    merged = merge([a.data, b.data])
    assert merged.count == 3
    assert len(set(merged.data.splitlines())) == 3


def test_named_triples_publish_the_same_graphs_as_the_rdflib_triples(
    bundled: BuildResult,
) -> None:
    fresh = build_graphs()  # records not mapped yet: the N-Triples path
    graphs = fresh.named_triples(workers=1)
    assert set(graphs) == {PUBLIC_GRAPH, RESTRICTED_GRAPH, VOCABULARY_GRAPH}
    assert graphs[PUBLIC_GRAPH].count == len(bundled.public_triples)
    assert isomorphic(parsed(graphs[PUBLIC_GRAPH].data), bundled.public)
    assert isomorphic(parsed(graphs[RESTRICTED_GRAPH].data), bundled.restricted)
    assert graphs[VOCABULARY_GRAPH].count == len(bundled.vocabulary)


PARALLEL = r"""
import sys
from loaders import build_graphs
from loaders.iris import PUBLIC_GRAPH, RESTRICTED_GRAPH
one = build_graphs().named_triples(workers=1)
two = build_graphs().named_triples(workers=2)
for graph in (PUBLIC_GRAPH, RESTRICTED_GRAPH):
    a, b = set(one[graph].data.splitlines()), set(two[graph].data.splitlines())
    assert a == b and one[graph].count == two[graph].count == len(a), graph
print("same", one[PUBLIC_GRAPH].count)
"""


def test_records_mapped_by_two_worker_processes_give_the_same_graphs() -> None:
    # in a fresh single-threaded process: forking pytest (with server threads) is not safe
    done = subprocess.run(
        [sys.executable, "-c", PARALLEL],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("same ")
    assert int(done.stdout.split()[1]) > 4000  # the bundled public graph

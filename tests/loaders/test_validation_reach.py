"""What the shapes can reach from a record, and the neighbourhood cut from it."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, RDFS, SKOS

import loaders.record_validation as record_validation
from loaders.build import BuildResult
from loaders.iris import RALLY
from loaders.neighbourhood import TripleIndex, UnboundedReachError, reach_of, shape_reach
from loaders.validation import validate_build

EX = Namespace("https://example.org/")
PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
"""


def shapes(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def test_the_project_shapes_read_one_hop_beyond_a_record() -> None:
    reach = shape_reach()
    assert reach.depth == 2
    assert reach.forward[0] is None  # the record's own triples, all of them
    assert {RDF.type, RALLY.location, RALLY.status, SKOS.inScheme, SKOS.broader} == reach.forward[1]
    assert reach.inverse_predicates == frozenset()


def test_paths_classes_and_closed_shapes_set_the_reach() -> None:
    reach = reach_of(
        shapes("""
        ex:A sh:targetClass ex:C ;
            sh:property [ sh:path ( ex:p [ sh:inversePath ex:q ] ex:r ) ; sh:class ex:D ] ;
            sh:property [ sh:path ex:s ; sh:node ex:Closed ] .
        ex:Closed sh:closed true .
        ex:Unused sh:path ex:never ; sh:class ex:E .
    """)
    )
    assert reach.depth == 4
    assert reach.forward[1] is None  # the values of ex:s are closed: all their triples count
    assert reach.forward[2] == {EX.r}
    assert reach.forward[3] == {RDF.type}
    assert reach.inverse[1] == {EX.q}
    assert EX.never not in set().union(*(f or set() for f in reach.forward))


@pytest.mark.parametrize(
    "text",
    [
        "ex:A sh:targetNode ex:n ; sh:path [ sh:zeroOrMorePath ex:p ] ; sh:minCount 1 .",
        "ex:A sh:targetNode ex:n ; sh:sparql [ sh:select 'SELECT $this WHERE {}' ] .",
    ],
)
def test_shapes_without_a_bounded_reach_are_refused(text: str) -> None:
    with pytest.raises(UnboundedReachError):
        reach_of(shapes(text))


def test_the_neighbourhood_follows_the_reach_only() -> None:
    reach = reach_of(shapes("ex:A sh:targetClass ex:C ; sh:path ( ex:p ex:r ) ; sh:minCount 1 ."))
    triples = [
        (EX.a, RDF.type, EX.C),
        (EX.a, EX.p, EX.b),
        (EX.a, RDFS.label, Literal("a")),
        (EX.b, EX.r, EX.c),
        (EX.b, RDFS.label, Literal("b")),  # not read from ex:a
        (EX.c, EX.r, EX.d),  # two hops away: not read either
        (EX.z, EX.p, EX.a),  # inbound: not read
    ]
    index = TripleIndex(triples, reach)
    assert index.neighbourhood([EX.a]) == triples[:4]


def test_validation_falls_back_to_the_whole_graph_when_the_reach_is_unbounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unbounded() -> None:
        raise UnboundedReachError("for the test")

    monkeypatch.setattr(record_validation, "shape_reach", unbounded)
    result = BuildResult([(EX.a, RDF.type, RALLY.SocialInnovation)], [], Graph())
    report = validate_build(result)
    assert report.method == "pyshacl over the whole public graph"
    assert report.violations >= 3  # no name, no need, no source...
    with pytest.raises(UnboundedReachError):
        validate_build(result, method="records")

"""The shapes themselves: well-formed SHACL, each tied to a criterion of the grid and documented."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SH, SKOS

from loaders.paths import resource_dir
from loaders.validation import GRID, grid_codes, shape_catalogue, shapes_graph
from loaders.vocab import vocabulary_graph

SHACL_SHACL = Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl"
FAMILIES = {
    "innovation",
    "stage",
    "organisation",
    "award",
    "edition",
    "place",
    "key-figure",
    "personal-data",
}


def test_one_file_per_family() -> None:
    files = {p.name.removesuffix(".shacl.ttl") for p in resource_dir("shapes").glob("*.ttl")}
    assert files == FAMILIES


def test_the_shapes_graph_validates_against_shacl_for_shacl() -> None:
    """The W3C shapes-for-shapes graph (SHACL recommendation, appendix C), shipped by pyshacl."""
    shsh = Graph().parse(SHACL_SHACL, format="turtle")
    conforms, _report, text = pyshacl.validate(shapes_graph(), shacl_graph=shsh, inference="none")
    assert conforms, text


def test_pyshacl_meta_validation_accepts_the_shapes() -> None:
    conforms, _report, text = pyshacl.validate(
        Graph(), shacl_graph=shapes_graph(), meta_shacl=True, inference="none"
    )
    assert conforms, text


def _langs(graph: Graph, node: URIRef, predicate: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(node, predicate) if isinstance(o, Literal)}


@pytest.mark.parametrize(
    "shape", sorted(shape_catalogue(), key=str), ids=lambda s: str(s).rsplit("#")[-1]
)
def test_each_shape_is_documented_in_french_and_english(shape: URIRef) -> None:
    graph = shapes_graph()
    for predicate in (SH.name, SH.description, SH.message):
        assert _langs(graph, shape, predicate) == {"fr", "en"}, predicate
    assert len(set(graph.objects(shape, SH.severity))) == 1
    [criterion] = graph.objects(shape, DCTERMS.subject)
    assert criterion in grid_codes(), criterion
    assert any(graph.objects(shape, p) for p in (SH.targetClass, SH.targetSubjectsOf))


def test_every_criterion_of_the_grid_is_checked_by_a_shape() -> None:
    vocabulary = vocabulary_graph()
    checked = set(shapes_graph().objects(None, DCTERMS.subject))
    groups = set(vocabulary.objects(GRID, SKOS.hasTopConcept))
    criteria = set(grid_codes()) - groups
    assert criteria - checked == set()
    assert len(criteria) > 40


def test_the_grid_scheme_is_complete_skos() -> None:
    vocabulary = vocabulary_graph()
    assert _langs(vocabulary, GRID, SKOS.prefLabel) == {"fr", "en"}
    assert _langs(vocabulary, GRID, DCTERMS.title) == {"fr", "en"}
    for concept, code in grid_codes().items():
        assert str(concept) == f"{GRID}/{code.lower()}"
        for predicate in (SKOS.prefLabel, SKOS.definition):
            assert _langs(vocabulary, concept, predicate) == {"fr", "en"}, (code, predicate)
        tops = set(vocabulary.objects(concept, SKOS.topConceptOf))
        broader = set(vocabulary.objects(concept, SKOS.broader))
        assert (tops == {GRID}) != bool(broader), code

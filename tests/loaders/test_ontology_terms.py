"""The ontology documents every term the loader emits: French and English label and comment,
``rdfs:isDefinedBy``, and an alignment or a domain and range for the qualified organiser link."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS

from loaders.build import BuildResult
from loaders.iris import RALLY, SCHEMA
from loaders.paths import resource_dir

DEF = URIRef(str(RALLY).rstrip("#"))


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(resource_dir("ontology") / "rallynov.ttl", format="turtle")


def _own_terms(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(str(RALLY))}


def _langs(graph: Graph, term: URIRef, predicate: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(term, predicate) if isinstance(o, Literal)}


def test_every_term_is_documented_in_french_and_english(ontology: Graph) -> None:
    for term in _own_terms(ontology):
        assert _langs(ontology, term, RDFS.label) == {"fr", "en"}, term
        assert _langs(ontology, term, RDFS.comment) == {"fr", "en"}, term
        assert (term, RDFS.isDefinedBy, DEF) in ontology, term


def test_every_term_the_bundled_graph_uses_is_declared(
    ontology: Graph, bundled: BuildResult
) -> None:
    graph = bundled.public
    used = {p for p in graph.predicates() if p.startswith(str(RALLY))}
    used |= {c for c in graph.objects(None, RDF.type) if c.startswith(str(RALLY))}
    declared = {
        t for t in _own_terms(ontology) if (t, OWL.deprecated, Literal(True)) not in ontology
    }
    assert used - declared == set()


def test_the_organiser_link_is_a_prov_association_and_a_schema_role(ontology: Graph) -> None:
    organising = RALLY.Organising
    assert set(ontology.objects(organising, RDFS.subClassOf)) == {PROV.Association, SCHEMA.Role}
    expected = {
        RALLY.organisedEvent: (RALLY.Event, None),
        RALLY.organisedBy: (RALLY.Organisation, PROV.agent),
        RALLY.organiserRole: (SKOS.Concept, PROV.hadRole),
    }
    for prop, (range_, parent) in expected.items():
        assert (prop, RDF.type, OWL.ObjectProperty) in ontology
        assert ontology.value(prop, RDFS.domain) == organising, prop
        assert ontology.value(prop, RDFS.range) == range_, prop
        assert ontology.value(prop, RDFS.subPropertyOf) == parent, prop
    assert (RALLY.organiser, RDFS.subPropertyOf, SCHEMA.organizer) in ontology
    assert (RALLY.organiser, RDFS.subPropertyOf, PROV.wasAssociatedWith) in ontology
    # the free-text note it replaces stays defined (a published IRI) but deprecated
    assert (RALLY.organiserRoleNote, OWL.deprecated, Literal(True)) in ontology

"""Small builders of typed nodes: every object the catalog points to carries the class and the
labels DCAT-AP's range shapes check (``dct:MediaType``, ``skos:Concept``, ``foaf:Document``...)."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from endpoint.opendata import terms
from endpoint.opendata.terms import DCTERMS, FOAF, Concept, Labels


def add_labels(graph: Graph, node: URIRef | BNode, prop: URIRef, labels: Labels) -> None:
    """Add ``prop`` twice: the French text tagged @fr, the English one @en."""
    fr, en = labels
    graph.add((node, prop, Literal(fr, lang="fr")))
    graph.add((node, prop, Literal(en, lang="en")))


def typed_concept(graph: Graph, concept: Concept, *types: URIRef) -> URIRef:
    """Add a shared concept with its type(s), labels and scheme; return its IRI."""
    node = URIRef(concept.iri)
    for kind in (SKOS.Concept, *types):
        graph.add((node, RDF.type, kind))
    add_labels(graph, node, SKOS.prefLabel, concept.labels)
    graph.add((node, SKOS.inScheme, URIRef(concept.scheme)))
    if concept.notation:
        graph.add((node, SKOS.notation, Literal(concept.notation)))
    return node


def typed_document(graph: Graph, url: str) -> URIRef:
    node = URIRef(url)
    graph.add((node, RDF.type, FOAF.Document))
    return node


def typed_standard(graph: Graph, iri: str, title: str) -> URIRef:
    node = URIRef(iri)
    graph.add((node, RDF.type, DCTERMS.Standard))
    graph.add((node, DCTERMS.title, Literal(title, lang="en")))
    return node


def date_literal(value: str) -> Literal:
    if "T" in value:
        return Literal(value, datatype=XSD.dateTime)
    return Literal(value, datatype=XSD.date)


def typed_media_type(graph: Graph, media: str) -> URIRef:
    node = URIRef(terms.IANA + media)
    graph.add((node, RDF.type, DCTERMS.MediaType))
    graph.add((node, RDFS.label, Literal(media)))
    return node


def typed_file_type(graph: Graph, code: str) -> URIRef:
    node = URIRef(f"{terms.EU}file-type/{code}")
    graph.add((node, RDF.type, DCTERMS.MediaTypeOrExtent))
    graph.add((node, RDF.type, SKOS.Concept))
    graph.add((node, SKOS.prefLabel, Literal(code.replace("_", " "), lang="en")))
    graph.add((node, SKOS.inScheme, URIRef(f"{terms.EU}file-type")))
    graph.add((node, SKOS.notation, Literal(code)))
    return node

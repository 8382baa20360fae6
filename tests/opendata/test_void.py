"""The VoID description: access points, URI space, vocabularies, and counts that equal the
SPARQL counts over the public graphs (asked through the live SPARQL endpoint)."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from endpoint.opendata.terms import DCAT, VOID
from tests.opendata.conftest import http_get

DATASET = URIRef("https://w3id.org/rallynov/dataset")
SPACE = "https://w3id.org/rallynov/id/"
DISTINCT = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def void(live_server: str) -> Graph:
    reply = http_get(f"{live_server}/.well-known/void")
    assert reply.status == 200 and reply.media_type == "text/turtle"
    return Graph().parse(data=reply.body, format="turtle")


def sparql(live_server: str, query: str) -> list[dict[str, str]]:
    url = f"{live_server}/sparql?{urllib.parse.urlencode({'query': query})}"
    reply = http_get(url, {"Accept": "application/sparql-results+json"})
    assert reply.status == 200, reply.body[:300]
    bindings = json.loads(reply.body)["results"]["bindings"]
    return [{name: cell["value"] for name, cell in row.items()} for row in bindings]


def count(live_server: str, query: str) -> int:
    return int(sparql(live_server, query)[0]["n"])


def value(void: Graph, node: URIRef, prop: URIRef) -> int:
    found = void.value(node, prop)
    assert isinstance(found, Literal), (node, prop)
    return int(found)


def test_access_points(void: Graph, live_server: str) -> None:
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(f"{live_server}/sparql")
    assert void.value(DATASET, VOID.uriSpace) == Literal(SPACE)
    dumps = {str(url) for url in void.objects(DATASET, VOID.dataDump)}
    assert f"{live_server}/download/rallynov.nt" in dumps and len(dumps) == 10
    for url in dumps:
        assert http_get(url).status == 200
    vocabularies = {str(v) for v in void.objects(DATASET, VOID.vocabulary)}
    assert {
        "https://schema.org/",
        "http://www.w3.org/2004/02/skos/core#",
        "https://w3id.org/rallynov/def#",
    } <= vocabularies
    assert list(void.objects(DATASET, VOID.exampleResource))


def test_counts_equal_sparql_counts(void: Graph, live_server: str) -> None:
    assert value(void, DATASET, VOID.triples) == count(
        live_server, f"SELECT (COUNT(*) AS ?n) WHERE {{ {DISTINCT} }}"
    )
    assert value(void, DATASET, VOID.entities) == count(
        live_server,
        f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{SPACE}")) }}',
    )
    assert value(void, DATASET, VOID.classes) == count(
        live_server, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) }"
    )
    assert value(void, DATASET, VOID.properties) == count(
        live_server, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"
    )
    assert value(void, DATASET, VOID.distinctSubjects) == count(
        live_server, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"
    )
    assert value(void, DATASET, VOID.distinctObjects) == count(
        live_server, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"
    )


def test_the_triple_count_is_the_size_of_the_dump(void: Graph, live_server: str) -> None:
    dump = http_get(f"{live_server}/download/rallynov.nt")
    lines = [line for line in dump.body.decode().splitlines() if line.strip()]
    assert value(void, DATASET, VOID.triples) == len(lines)


def test_partitions_equal_sparql_counts(void: Graph, live_server: str) -> None:
    classes = {
        row["c"]: int(row["n"])
        for row in sparql(
            live_server, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"
        )
    }
    partitions = {
        str(void.value(p, VOID["class"])): value(void, p, VOID.entities)
        for p in void.objects(DATASET, VOID.classPartition)
    }
    assert partitions == classes
    properties = {
        row["p"]: int(row["n"])
        for row in sparql(
            live_server, f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {DISTINCT} }} GROUP BY ?p"
        )
    }
    partitions = {
        str(void.value(p, VOID.property)): value(void, p, VOID.triples)
        for p in void.objects(DATASET, VOID.propertyPartition)
    }
    assert partitions == properties


@pytest.mark.parametrize(
    ("predicate", "prefix", "target"),
    [
        (OWL.sameAs, "http://www.wikidata.org/entity/", "http://www.wikidata.org/"),
        (OWL.sameAs, "http://id.insee.fr/geo/", "http://id.insee.fr/geo/"),
        (RDFS.seeAlso, "http://id.insee.fr/geo/", "http://id.insee.fr/geo/"),
        (
            SKOS.closeMatch,
            "http://publications.europa.eu/resource/authority/data-theme/",
            "http://publications.europa.eu/resource/authority/data-theme",
        ),
        (
            SKOS.relatedMatch,
            "http://publications.europa.eu/resource/authority/data-theme/",
            "http://publications.europa.eu/resource/authority/data-theme",
        ),
    ],
)
def test_a_linkset_per_set_of_outgoing_links(
    void: Graph, live_server: str, predicate, prefix, target
) -> None:  # type: ignore[no-untyped-def]
    linksets = [
        ls
        for ls in void.subjects(RDF.type, VOID.Linkset)
        if void.value(ls, VOID.linkPredicate) == predicate
        and void.value(ls, VOID.objectsTarget) == URIRef(target)
    ]
    assert len(linksets) == 1
    linkset = linksets[0]
    assert void.value(linkset, VOID.subjectsTarget) == DATASET
    assert (DATASET, VOID.subset, linkset) in void
    expected = count(
        live_server,
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ ?s <{predicate}> ?o "
        f'FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{prefix}")) }} }}',
    )
    assert expected > 0 and value(void, linkset, VOID.triples) == expected


def test_void_is_linked_from_the_catalog_and_negotiated(client) -> None:  # type: ignore[no-untyped-def]
    catalog = Graph().parse(data=client.get("/catalog").get_data(), format="turtle")
    void_url = catalog.value(DATASET, RDFS.seeAlso)
    assert str(void_url).endswith("/.well-known/void")
    assert (DATASET, RDF.type, VOID.Dataset) in catalog and (
        DATASET,
        RDF.type,
        DCAT.Dataset,
    ) in catalog
    reply = client.get("/void", headers={"Accept": "application/ld+json"})
    assert reply.status_code == 200 and reply.mimetype == "application/ld+json"
    assert client.get("/void.rdf").mimetype == "application/rdf+xml"

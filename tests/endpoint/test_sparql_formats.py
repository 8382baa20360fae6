"""Content negotiation on ``/sparql``: every result format parses with an independent reader
(json, ElementTree, csv, rdflib), ``Accept`` q-values and ``format=`` choose, 406 when nothing
fits, and the row cap says when it cut the results."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree

import pytest
from rdflib import Graph
from rdflib.query import Result

SELECT = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s ?label LIMIT 20"""
CONSTRUCT = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?s rdfs:label ?label } WHERE { ?s rdfs:label ?label } ORDER BY ?s ?label LIMIT 20"""
SRX = "{http://www.w3.org/2005/sparql-results#}"


def rows_of(media: str, body: bytes) -> int:
    """How many solutions a SELECT answer holds, read without pyoxigraph."""
    if media == "application/sparql-results+json":
        return len(json.loads(body)["results"]["bindings"])
    if media == "application/sparql-results+xml":
        return len(ElementTree.fromstring(body).findall(f"{SRX}results/{SRX}result"))
    if media == "text/csv":
        return len(list(csv.reader(io.StringIO(body.decode())))) - 1
    assert media == "text/tab-separated-values"
    return len(body.decode().splitlines()) - 1


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv;q=0.4, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("application/sparql-results+json;q=0.1, text/*;q=0.5", "text/csv"),
    ],
)
def test_select_in_each_format(client, accept: str, media: str) -> None:
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media
    assert rows_of(media, response.data) == 20
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_format_parameter_wins_over_accept(client, fmt: str, media: str) -> None:
    response = client.get(
        "/sparql", query_string={"query": SELECT, "format": fmt}, headers={"Accept": "text/turtle"}
    )
    assert response.status_code == 200 and response.mimetype == media
    assert rows_of(media, response.data) == 20


def test_ask_as_json_and_xml(client) -> None:
    query = {"query": "ASK { ?s ?p ?o }"}
    as_json = client.get("/sparql", query_string=query)
    assert json.loads(as_json.data) == {"head": {}, "boolean": True}
    as_xml = client.get("/sparql", query_string=query, headers={"Accept": "application/xml"})
    node = ElementTree.fromstring(as_xml.data).find(f"{SRX}boolean")
    assert node is not None and node.text == "true"


@pytest.mark.parametrize(
    ("accept", "fmt", "media", "rdflib_format"),
    [
        ("text/turtle", None, "text/turtle", "turtle"),
        ("application/n-triples", None, "application/n-triples", "nt"),
        ("application/ld+json", None, "application/ld+json", "json-ld"),
        ("application/rdf+xml", None, "application/rdf+xml", "xml"),
        ("*/*", None, "text/turtle", "turtle"),
        (
            "application/rdf+xml;q=0.2, application/n-triples;q=0.8",
            None,
            "application/n-triples",
            "nt",
        ),
        (None, "ttl", "text/turtle", "turtle"),
        (None, "nt", "application/n-triples", "nt"),
        (None, "jsonld", "application/ld+json", "json-ld"),
        (None, "rdf", "application/rdf+xml", "xml"),
    ],
)
def test_construct_in_each_format(
    client, bundled, accept: str | None, fmt: str | None, media: str, rdflib_format: str
) -> None:
    params = {"query": CONSTRUCT} | ({"format": fmt} if fmt else {})
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string=params, headers=headers)
    assert response.status_code == 200 and response.mimetype == media
    graph = Graph().parse(data=response.data, format=rdflib_format)
    assert len(graph) == 20
    assert all(triple in bundled.public or triple in bundled.vocabulary for triple in graph)


def test_describe_is_a_graph(client) -> None:
    response = client.get(
        "/sparql",
        query_string={"query": "DESCRIBE ?s WHERE { ?s a ?type } LIMIT 1"},
        headers={"Accept": "text/turtle"},
    )
    assert response.status_code == 200
    assert len(Graph().parse(data=response.data, format="turtle")) > 0


def test_not_acceptable(client) -> None:
    nothing = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": "image/png"})
    assert nothing.status_code == 406
    assert "text/csv" in json.loads(nothing.data)["error"]["message"]
    # Acceptable for graphs only: a SELECT cannot be given as Turtle.
    wrong_kind = client.get(
        "/sparql", query_string={"query": SELECT}, headers={"Accept": "text/turtle"}
    )
    assert wrong_kind.status_code == 406
    graph_as_csv = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "csv"})
    assert graph_as_csv.status_code == 406


def test_row_cap_cuts_and_says_so(app, client) -> None:
    app.config["MAX_ROWS"] = 7
    query = {"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"}
    for fmt in ("json", "xml", "csv", "tsv"):
        response = client.get("/sparql", query_string=query | {"format": fmt})
        assert response.status_code == 200
        assert response.headers["X-Rallynov-Truncated"] == "true"
        assert rows_of(response.mimetype, response.data) == 7
    body = client.get("/sparql", query_string=query).data
    data = json.loads(body)
    assert data["truncated"] is True and len(data["results"]["bindings"]) == 7
    assert len(Result.parse(io.BytesIO(body), format="json")) == 7  # rdflib still reads it
    graph = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert graph.headers["X-Rallynov-Truncated"] == "true"
    assert len(Graph().parse(data=graph.data, format="turtle")) == 7
    small = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 7"})
    assert "X-Rallynov-Truncated" not in small.headers
    assert "truncated" not in json.loads(small.data)


def test_literals_round_trip_through_every_format(client) -> None:
    query = """SELECT ?text ?lang ?typed ?blank WHERE {
      BIND("tab\\there, \\"quoted\\"\\nnew line; <b>&amp;</b>" AS ?text)
      BIND("Besançon"@fr AS ?lang) BIND("12.50"^^<http://www.w3.org/2001/XMLSchema#decimal> AS ?typed)
      BIND(BNODE() AS ?blank) }"""
    reference = json.loads(client.get("/sparql", query_string={"query": query}).data)
    text = reference["results"]["bindings"][0]["text"]["value"]
    assert text == 'tab\there, "quoted"\nnew line; <b>&amp;</b>'
    xml = client.get("/sparql", query_string={"query": query, "format": "xml"}).data
    literals = [node.text for node in ElementTree.fromstring(xml).iter(f"{SRX}literal")]
    assert text in literals and "Besançon" in literals
    rows = list(csv.reader(io.StringIO(client.get(
        "/sparql", query_string={"query": query, "format": "csv"}).data.decode())))  # fmt: skip
    assert rows[1][0] == text and rows[1][1] == "Besançon"

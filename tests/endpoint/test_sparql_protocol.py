"""``/sparql`` as the SPARQL 1.1 Protocol says: the three ways to send a query, the dataset
parameters, the errors (400 with the parser's position, 403 for writes, 415), the service
description and the query editor for browsers."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from rdflib import Graph, Namespace, URIRef

from loaders.iris import PUBLIC_GRAPH, VOCABULARY_GRAPH

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def count_of(response) -> int:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.data
    return int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"])


def error_message(response) -> str:  # type: ignore[no-untyped-def]
    body = json.loads(response.data)
    assert set(body) == {"error"} and body["error"]["status"] == response.status_code
    return str(body["error"]["message"])


def test_get_form_post_and_direct_post_give_the_same_answer(client, bundled_store) -> None:
    expected = int(str(next(iter(bundled_store.query(COUNT)))["n"].value))
    by_get = client.get("/sparql", query_string={"query": COUNT})
    by_form = client.post("/sparql", data={"query": COUNT})
    by_body = client.post(
        "/sparql", data=COUNT.encode(), content_type="application/sparql-query; charset=utf-8"
    )
    assert count_of(by_get) == count_of(by_form) == count_of(by_body) == expected > 1000
    assert by_get.content_type == "application/sparql-results+json"


def test_dataset_parameters_select_among_the_public_graphs(client, bundled) -> None:
    public = client.get(
        "/sparql", query_string={"query": COUNT, "default-graph-uri": str(PUBLIC_GRAPH)}
    )
    vocabulary = client.get(
        "/sparql", query_string={"query": COUNT, "default-graph-uri": str(VOCABULARY_GRAPH)}
    )
    both = client.post(
        f"/sparql?default-graph-uri={quote(str(PUBLIC_GRAPH))}",
        data={"query": COUNT, "default-graph-uri": str(VOCABULARY_GRAPH)},
    )
    assert count_of(public) == len(bundled.public)
    assert count_of(vocabulary) == len(bundled.vocabulary)
    assert count_of(both) == len(bundled.public | bundled.vocabulary)
    named = client.get(
        "/sparql",
        query_string={
            "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": str(VOCABULARY_GRAPH),
        },
    )
    graphs = [b["g"]["value"] for b in json.loads(named.data)["results"]["bindings"]]
    assert graphs == [str(VOCABULARY_GRAPH)]
    # With a protocol dataset that has no named graph, GRAPH ?g finds nothing.
    empty = client.get(
        "/sparql",
        query_string={
            "query": "ASK { GRAPH ?g { ?s ?p ?o } }",
            "default-graph-uri": str(PUBLIC_GRAPH),
        },
    )
    assert json.loads(empty.data)["boolean"] is False


def test_from_clauses_are_honoured_and_overridden_by_the_protocol(client, bundled) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{VOCABULARY_GRAPH}> WHERE {{ ?s ?p ?o }}"
    assert count_of(client.get("/sparql", query_string={"query": query})) == len(bundled.vocabulary)
    overridden = client.get(
        "/sparql", query_string={"query": query, "default-graph-uri": str(PUBLIC_GRAPH)}
    )
    assert count_of(overridden) == len(bundled.public)


def test_a_malformed_query_is_a_400_with_the_parser_position(client) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE {\n  ?s ?p \n}"})
    assert response.status_code == 400
    message = error_message(response)
    # The position is pyoxigraph's, as it reports it (just after the unexpected '}').
    assert "not valid SPARQL" in message and "line 3, column 2: expected" in message
    one_line = client.post("/sparql", data={"query": "SELECT * WHERE { ?s ?p }"})
    assert "line 1, column 25" in error_message(one_line)  # despite the BASE put in front


@pytest.mark.parametrize(
    ("how", "text"),
    [
        ("query", "INSERT DATA { <http://ex/a> <http://ex/b> <http://ex/c> }"),
        ("query", "PREFIX ex: <http://ex/>\n# a comment\nDELETE WHERE { ?s ?p ?o }"),
        ("query", "LOAD <http://example.org/data.ttl>"),
        ("query", "CLEAR ALL"),
        ("update", "DROP ALL"),
        ("update", "LOAD <http://example.org/data.ttl> INTO GRAPH <http://ex/g>"),
        ("direct-update", "INSERT DATA { <http://ex/a> <http://ex/b> <http://ex/c> }"),
    ],
)
def test_writes_are_refused(client, bundled_store, how: str, text: str) -> None:
    before = bundled_store.meta()
    if how == "direct-update":
        responses = [
            client.post("/sparql", data=text.encode(), content_type="application/sparql-update")
        ]
    else:
        responses = [
            client.get("/sparql", query_string={how: text}),
            client.post("/sparql", data={how: text}),
        ]
    for response in responses:
        assert response.status_code == 403
        assert "read-only" in error_message(response)
    assert bundled_store.meta() == before
    ask = client.get("/sparql", query_string={"query": "ASK { <http://ex/a> ?p ?o }"})
    assert json.loads(ask.data)["boolean"] is False


def test_protocol_errors(client) -> None:
    two = client.get("/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D")
    assert two.status_code == 400 and "exactly one" in error_message(two)
    plain = client.post("/sparql", data=b"ASK {}", content_type="text/plain")
    assert plain.status_code == 415 and "application/sparql-query" in error_message(plain)
    utf16 = client.post(
        "/sparql",
        data="ASK {}".encode("utf-16"),
        content_type="application/sparql-query; charset=UTF-16",
    )
    assert utf16.status_code == 400 and "UTF-8" in error_message(utf16)
    bad_bytes = client.post(
        "/sparql", data=b"ASK { \xff }", content_type="application/sparql-query"
    )
    assert bad_bytes.status_code == 400
    no_query = client.post("/sparql", data={"default-graph-uri": str(PUBLIC_GRAPH)})
    assert no_query.status_code == 400
    assert client.put("/sparql", data=b"ASK {}").status_code == 405
    unknown = client.get("/sparql", query_string={"query": "ASK {}", "format": "yaml"})
    assert unknown.status_code == 400 and "json, xml, csv" in error_message(unknown)


def test_relative_iris_resolve_against_the_base_uri(client) -> None:
    response = client.get(
        "/sparql", query_string={"query": "SELECT ?x WHERE { BIND(<id/innovation/x> AS ?x) }"}
    )
    value = json.loads(response.data)["results"]["bindings"][0]["x"]["value"]
    assert value == "https://w3id.org/rallynov/id/innovation/x"


def test_service_description_in_each_rdf_format(client, bundled) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data, format="turtle")
    service = URIRef("http://localhost/sparql")
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    names = set(graph.objects(None, SD.name))
    assert names == {PUBLIC_GRAPH, VOCABULARY_GRAPH}  # the restricted graph is not named
    for accept, fmt in [
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("text/turtle;q=0.5, application/rdf+xml", "xml"),
    ]:
        other = client.get("/sparql", headers={"Accept": accept})
        assert other.status_code == 200
        assert len(Graph().parse(data=other.data, format=fmt)) == len(graph)
    assert client.get("/sparql", headers={"Accept": "image/png"}).status_code == 406


def test_browsers_get_the_query_editor(client) -> None:
    page = client.get("/sparql", headers={"Accept": BROWSER, "Accept-Language": "en"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "vendor/yasgui/yasgui.min.js" in html and "vendor/yasgui/yasgui.min.css" in html
    assert 'id="sparql-examples"' in html and "http" not in html.split("yasgui.min.js")[0][-80:]
    prefilled = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": BROWSER})
    assert prefilled.mimetype == "text/html"  # YASGUI reads the query from the address
    as_json = client.get(
        "/sparql", query_string={"query": "ASK {}", "format": "json"}, headers={"Accept": BROWSER}
    )
    assert json.loads(as_json.data)["boolean"] is True


def test_examples_escape_what_they_show(client, tmp_path, monkeypatch) -> None:
    from endpoint.sparql import examples

    (tmp_path / "evil.rq").write_text(
        "#+ title: {en: '<script>alert(1)</script>', fr: x}\nASK { }\n", encoding="utf-8"
    )
    monkeypatch.setattr(examples, "resource_dir", lambda name: tmp_path)
    html = client.get("/sparql", headers={"Accept": BROWSER, "Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the button label
    assert "\\u003cscript\\u003e" in html  # the JSON data block

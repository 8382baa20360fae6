"""Real clients of the live server: SPARQLWrapper, and the query editor (YASGUI) in headless
Chromium, with no console error and no request leaving our own server."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from rdflib import Graph
from SPARQLWrapper import CSV, JSON, N3, TURTLE, XML, SPARQLWrapper

LABELS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s LIMIT 5"""


def wrapper(live_server: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(f"{live_server}/sparql")
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


def test_sparqlwrapper_select_in_json_xml_csv(live_server: str) -> None:
    for method in ("GET", "POST"):
        client = wrapper(live_server, JSON, method)
        client.setQuery(LABELS)
        bindings = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
        assert len(bindings) == 5 and all("label" in b for b in bindings)
    client = wrapper(live_server, XML)
    client.setQuery(LABELS)
    document = client.queryAndConvert()
    assert len(document.getElementsByTagName("result")) == 5  # type: ignore[union-attr]
    client = wrapper(live_server, CSV)
    client.setQuery(LABELS)
    assert len(client.queryAndConvert().decode().splitlines()) == 6  # type: ignore[union-attr]


def test_sparqlwrapper_ask_and_construct(live_server: str) -> None:
    client = wrapper(live_server, JSON)
    client.setQuery("ASK { ?s ?p ?o }")
    assert client.queryAndConvert()["boolean"] is True  # type: ignore[index]
    construct = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l } LIMIT 10"""
    for fmt in (TURTLE, N3, XML):
        client = wrapper(live_server, fmt)
        client.setQuery(construct)
        result = client.queryAndConvert()
        graph = result if isinstance(result, Graph) else Graph().parse(data=result, format="turtle")
        assert len(graph) == 10


def test_sparqlwrapper_sees_errors(live_server: str) -> None:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    client = wrapper(live_server, JSON)
    client.setQuery("SELECT * WHERE { ?s ?p }")
    try:
        client.queryAndConvert()
    except QueryBadFormed as error:
        assert "line 1" in str(error)
    else:
        raise AssertionError("a malformed query should fail")


def _own_requests_only(page, live_server: str) -> list[str]:  # type: ignore[no-untyped-def]
    own = urlsplit(live_server).netloc
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if urlsplit(r.url).netloc not in (own, "") else None,
    )
    return outside


def test_editor_runs_a_named_query(page, live_server: str) -> None:
    outside = _own_requests_only(page, live_server)
    page.goto(f"{live_server}/sparql?lang=en")
    page.wait_for_selector(".yasqe .CodeMirror")
    examples = page.locator("#sparql-example-list button[data-name]")
    assert examples.count() >= 5
    examples.first.click()
    page.wait_for_selector(".yasr_response_chip:not(.empty)", timeout=30000)
    chip = page.locator(".yasr_response_chip:not(.empty)").first.inner_text()
    assert re.match(r"\d+ results? in", chip), chip
    assert page.locator(".yasr table.dataTable tbody tr:visible").count() > 0
    assert "PREFIX" in page.evaluate("window.rallynovYasgui.getTab().getQuery()")
    assert page.problems == []  # type: ignore[attr-defined]
    assert outside == []


def test_editor_runs_a_typed_query_with_the_run_button(page, live_server: str) -> None:
    outside = _own_requests_only(page, live_server)
    page.goto(f"{live_server}/sparql?lang=fr")
    page.wait_for_selector(".yasqe .CodeMirror")
    assert page.locator("h1").inner_text() == "Point d'accès SPARQL"
    page.evaluate(
        "query => { window.rallynovYasgui.getTab().setQuery(query); }",
        "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n) LIMIT 4",
    )
    page.locator(".yasqe_queryButton").click()
    page.wait_for_selector(".yasr_response_chip:not(.empty)", timeout=30000)
    assert page.locator(".yasr table.dataTable tbody tr:visible").count() == 4
    assert page.problems == []  # type: ignore[attr-defined]
    assert outside == []


def test_editor_shows_a_query_error(page, live_server: str) -> None:
    page.goto(f"{live_server}/sparql?query={quote('SELECT * WHERE { ?s ?p }')}")
    page.wait_for_selector(".yasr .errorResult, .yasr_response_chip:not(.empty)", timeout=30000)
    assert "not valid SPARQL" in page.locator(".yasr:visible").first.inner_text()
    # Chromium logs the 400 itself as a failed resource: the one expected problem.
    assert page.problems == [  # type: ignore[attr-defined]
        "console error: Failed to load resource: the server responded with a status of 400 "
        "(BAD REQUEST)"
    ]


def test_editor_from_an_address_with_a_query(page, live_server: str) -> None:
    query = "SELECT ?s WHERE { ?s a ?t } LIMIT 3"
    page.goto(f"{live_server}/sparql?query={quote(query)}")
    page.wait_for_selector(".yasr_response_chip:not(.empty)", timeout=30000)
    assert page.locator(".yasr table.dataTable tbody tr:visible").count() == 3
    assert page.evaluate("window.rallynovYasgui.getTab().getQuery()") == query
    assert page.problems == []  # type: ignore[attr-defined]


def test_editor_keeps_the_query_files_when_the_api_fails(page, live_server: str) -> None:
    """The named-query API answering garbage leaves the examples read from queries/ working."""
    page.route(
        "**/api/queries",
        lambda route: route.fulfill(status=200, body="not json", content_type="application/json"),
    )
    page.goto(f"{live_server}/sparql?lang=en")
    page.wait_for_selector(".yasqe .CodeMirror")
    button = page.locator("#sparql-example-list button[data-name]").first
    name = button.get_attribute("data-name")
    button.click()
    page.wait_for_selector(".yasr_response_chip:not(.empty)", timeout=30000)
    query = page.evaluate("window.rallynovYasgui.getTab().getQuery()")
    assert "#+ title" in query and name  # the .rq file itself, header included
    assert page.problems == []  # type: ignore[attr-defined]

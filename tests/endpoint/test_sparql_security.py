"""What ``/sparql`` never does: call a URL chosen by a query (SERVICE), or show the restricted
graph, whatever the query or the protocol parameters name."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest
from rdflib import Literal

from endpoint.store import EmbeddedStore
from loaders.iris import RESTRICTED_GRAPH

LISTENER_ANSWER = {
    "head": {"vars": ["x"]},
    "results": {"bindings": [{"x": {"type": "literal", "value": "from-listener"}}]},
}


class Listener:
    """A local HTTP server that records every request and answers as a SPARQL endpoint."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                self._answer()

            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._answer()

            def _answer(self) -> None:
                listener.requests.append(f"{self.command} {self.path}")
                body = json.dumps(LISTENER_ANSWER).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture()
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


# pyoxigraph 0.5 evaluates ``SERVICE ?e`` before ?e is bound (an error, no request), but a later
# version might not: the guard refuses variable endpoints all the same.
VARIABLE_ENDPOINT = ("SERVICE ?e",)


def service_queries(url: str) -> list[str]:
    """SERVICE in every place and spelling we could think of, all valid SPARQL for pyoxigraph."""
    return [
        f"SELECT ?x WHERE {{ SERVICE <{url}> {{ ?x ?p ?o }} }}",
        f"SELECT ?x WHERE {{ SERVICE SILENT <{url}> {{ ?x ?p ?o }} }}",
        f"select ?x where {{ service <{url}> {{ ?x ?p ?o }} }}",
        f"PREFIX remote: <{url}>\nSELECT ?x WHERE {{ SERVICE remote: {{ ?x ?p ?o }} }}",
        f"SELECT ?x WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?x ?p ?o }} }}",
        f"SELECT ?x WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?x ?p ?o }} }}",
        f"SELECT ?x WHERE {{ BIND(1 AS ?one) FILTER EXISTS {{ SERVICE <{url}> {{ ?x ?p ?o }} }} }}",
        f"SELECT ?x WHERE {{ {{ SELECT ?x WHERE {{ SERVICE <{url}> {{ ?x ?p ?o }} }} }} }}",
        f"ASK {{ OPTIONAL {{ SERVICE <{url}> {{ ?x ?p ?o }} }} }}",
        f"CONSTRUCT {{ ?x ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?x ?p ?o }} }}",
        # Tokenizer traps: '<' as an operator, then text that looks like an IRI or a string.
        f"PREFIX : <{url}>\nSELECT * WHERE {{ FILTER(?a<?b)SERVICE:#>\n{{ ?x ?p ?o }} }}",
        f"SELECT * WHERE {{ FILTER(?a<'x>')SERVICE<{url}>{{ ?x ?p ?o }} FILTER(?b = 'y') }}",
        f"SELECT * WHERE {{ # SERVICE in a comment, then a real one\n SERVICE <{url}> {{ ?x ?p ?o }} }}",
    ]


def test_pyoxigraph_would_call_the_listener(listener: Listener) -> None:
    """The trap queries are real: run directly by pyoxigraph, each one reaches the listener."""
    store = ox.Store()
    for query in service_queries(listener.url):
        before = len(listener.requests)
        try:
            results = store.query(query)
            if not isinstance(results, ox.QueryBoolean):
                list(results)
        except (OSError, RuntimeError):
            pass
        if not any(marker in query for marker in VARIABLE_ENDPOINT):
            assert len(listener.requests) > before, query


def test_service_is_refused_and_no_request_is_made(client, listener: Listener) -> None:
    for query in service_queries(listener.url):
        for response in (
            client.get("/sparql", query_string={"query": query}),
            client.post("/sparql", data=query.encode(), content_type="application/sparql-query"),
        ):
            assert response.status_code == 403, (query, response.data)
            assert "SERVICE" in json.loads(response.data)["error"]["message"]
    assert listener.requests == []


def test_service_in_a_string_or_an_iri_is_not_a_service_call(client, listener: Listener) -> None:
    query = """SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:9/x> { }" AS ?x)
      FILTER(?x != <http://example.org/service>) }"""
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200
    assert listener.requests == []


def test_allow_listed_service_is_called(bundled_store: EmbeddedStore, listener: Listener) -> None:
    """The positive control: with the listener allowed, the same query does reach it."""
    from endpoint.app import create_app

    app = create_app({"STORE_OBJECT": bundled_store, "SERVICE_ALLOWLIST": f"{listener.url} x:y"})
    client = app.test_client()
    query = f"SELECT ?x WHERE {{ SERVICE <{listener.url}> {{ ?x ?p ?o }} }}"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200, response.data
    assert json.loads(response.data)["results"]["bindings"][0]["x"]["value"] == "from-listener"
    assert len(listener.requests) == 1
    other = client.get(
        "/sparql", query_string={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> {} }"}
    )
    assert other.status_code == 403
    variable = client.get(
        "/sparql",
        query_string={
            "query": f"SELECT * WHERE {{ BIND(<{listener.url}> AS ?e) SERVICE ?e {{}} }}"
        },
    )
    assert variable.status_code == 403 and len(listener.requests) == 1


# -- the restricted graph -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def secrets(bundled) -> list[str]:  # type: ignore[no-untyped-def]
    """Literals that exist only in the restricted graph (contacts)."""
    elsewhere = {str(o) for o in bundled.public.objects()} | {
        str(o) for o in bundled.vocabulary.objects()
    }
    found = sorted(
        {str(o) for o in bundled.restricted.objects() if isinstance(o, Literal)} - elsewhere
    )
    found = [value for value in found if len(value) >= 6]
    assert len(found) >= 3, "the bundled dataset should have restricted-only contact details"
    return found


RESTRICTED = str(RESTRICTED_GRAPH)
ALL_TRIPLES = "SELECT * WHERE { ?s ?p ?o }"
LEAK_ATTEMPTS = [
    ({"query": f"SELECT * FROM <{RESTRICTED}> WHERE {{ ?s ?p ?o }}"}, None),
    ({"query": f"SELECT * FROM NAMED <{RESTRICTED}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"}, None),
    ({"query": f"SELECT * WHERE {{ GRAPH <{RESTRICTED}> {{ ?s ?p ?o }} }}"}, None),
    ({"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"}, None),
    ({"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{RESTRICTED}> {{ ?s ?p ?o }} }}"}, "nt"),
    ({"query": ALL_TRIPLES, "default-graph-uri": RESTRICTED}, None),
    ({"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": RESTRICTED}, None),
    (
        {
            "query": f"SELECT * WHERE {{ GRAPH <{RESTRICTED}> {{ ?s ?p ?o }} }}",
            "named-graph-uri": RESTRICTED,
            "default-graph-uri": RESTRICTED,
        },
        None,
    ),
]


def test_the_restricted_data_is_in_the_store(bundled_store: EmbeddedStore, secrets) -> None:
    """The control: the literals are there, in the restricted graph, for curators."""
    rows = bundled_store.query_all(f"SELECT ?o WHERE {{ GRAPH <{RESTRICTED}> {{ ?s ?p ?o }} }}")
    values = {row["o"].value for row in rows}  # type: ignore[union-attr]
    assert set(secrets) <= values


@pytest.mark.parametrize(("params", "fmt"), LEAK_ATTEMPTS)
def test_restricted_graph_is_unreachable(live_server: str, secrets, params, fmt) -> None:
    from urllib.parse import urlencode
    from urllib.request import Request, urlopen

    body = urlencode(params | ({"format": fmt} if fmt else {})).encode()
    request = Request(
        f"{live_server}/sparql",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"},
    )
    with urlopen(request, timeout=30) as response:  # noqa: S310 (our own server)
        text = response.read().decode()
    for secret in secrets:
        assert secret not in text
    assert RESTRICTED not in text
    ask = urlopen(  # noqa: S310
        f"{live_server}/sparql?"
        + urlencode(
            {"query": f"ASK {{ GRAPH <{RESTRICTED}> {{ ?s ?p ?o }} }}"} | params_graphs(params)
        ),
        timeout=30,
    )
    assert json.loads(ask.read())["boolean"] is False


def params_graphs(params: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in params.items() if k.endswith("graph-uri")}

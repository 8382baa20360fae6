"""The wire side of the remote store against a scripted HTTP server on 127.0.0.1: credentials,
the protocol dataset, error statuses, endpoint guesses, and the graph-name translation."""

from __future__ import annotations

import doctest
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

import endpoint.store.remote as remote
import endpoint.store.remote_http as remote_http
import endpoint.store.remote_names as remote_names
import endpoint.store.remote_terms as remote_terms
from endpoint.store.remote_http import Auth, SparqlHttp, StoreUnavailable, guess_endpoints
from endpoint.store.remote_names import rewrite_graph_names
from loaders.errors import StoreError

ASK_TRUE = b'{"head":{},"boolean":true}'


class Scripted(BaseHTTPRequestHandler):
    """Answers every request with ``server.reply`` (status, headers, body); records requests."""

    def do_POST(self) -> None:  # noqa: N802 (the http.server naming)
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        self.server.seen.append((self.command, self.path, dict(self.headers), body))  # type: ignore[attr-defined]
        status, headers, payload = self.server.reply  # type: ignore[attr-defined]
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_PUT = do_POST  # noqa: N815

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def scripted() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    server.seen = []  # type: ignore[attr-defined]
    server.reply = (200, {"Content-Type": "application/sparql-results+json"}, ASK_TRUE)  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def client(server: ThreadingHTTPServer, auth: Auth | None = None) -> SparqlHttp:
    base = f"http://127.0.0.1:{server.server_address[1]}"
    return SparqlHttp(f"{base}/query", f"{base}/update", f"{base}/store", auth, timeout=5)


@pytest.mark.parametrize(
    "auth, header",
    [
        (Auth(token="s3cret"), "Bearer s3cret"),
        (Auth(user="curator", password="pw"), "Basic Y3VyYXRvcjpwdw=="),
    ],
)
def test_credentials_go_with_queries_updates_and_uploads(
    scripted: ThreadingHTTPServer, auth: Auth, header: str
) -> None:
    http = client(scripted, auth)
    body, media_type = http.query("ASK {}", ["http://g/a"], ["http://g/b"])
    assert body == ASK_TRUE and media_type == "application/sparql-results+json"
    http.update("INSERT DATA { <http://s> <http://p> <http://o> }")
    assert http.put_graph("http://g/a", b"<http://s> <http://p> <http://o> .\n")
    seen = scripted.seen  # type: ignore[attr-defined]
    assert [h["Authorization"] for _, _, h, _ in seen] == [header] * 3
    method, path, headers, form = seen[0]
    assert (method, path) == ("POST", "/query")
    assert parse_qs(form.decode()) == {
        "query": ["ASK {}"],
        "default-graph-uri": ["http://g/a"],
        "named-graph-uri": ["http://g/b"],
    }  # no format=/output= parameters, only content negotiation
    assert "application/sparql-results+json" in headers["Accept"]
    assert seen[1][1] == "/update" and seen[1][2]["Content-Type"] == "application/sparql-update"
    assert seen[2][:2] == ("PUT", "/store?graph=http%3A%2F%2Fg%2Fa")
    assert "s3cret" not in repr(auth) and "pw" not in repr(auth)


def test_credentials_come_from_the_environment_only() -> None:
    assert Auth.from_env({}) is None
    assert Auth.from_env({"RALLYNOV_REMOTE_TOKEN": "t"}).header() == "Bearer t"  # type: ignore[union-attr]
    basic = Auth.from_env({"RALLYNOV_REMOTE_USER": "u", "RALLYNOV_REMOTE_PASSWORD": "p"})
    assert basic is not None and basic.header() == "Basic dTpw"


@pytest.mark.parametrize(
    "status, raised, message",
    [
        (400, SyntaxError, "error at 1:8: expected WHERE"),
        (401, StoreError, "RALLYNOV_REMOTE_TOKEN"),
        (403, StoreError, "RALLYNOV_REMOTE_TOKEN"),
        (404, StoreError, "no SPARQL endpoint"),
        (500, StoreError, "failed on the query"),
        (503, StoreUnavailable, "HTTP 503"),
    ],
)
def test_error_statuses_become_the_project_errors(
    scripted: ThreadingHTTPServer, status: int, raised: type[Exception], message: str
) -> None:
    headers = {"Content-Type": "text/plain", "Retry-After": "7"}
    scripted.reply = (status, headers, b"error at 1:8: expected WHERE")  # type: ignore[attr-defined]
    with pytest.raises(raised, match=message) as error:
        client(scripted).query("SELECT", [], [])
    if raised is StoreUnavailable:
        assert error.value.retry_after == 7  # type: ignore[attr-defined]
    else:
        assert not isinstance(error.value, StoreUnavailable)


def test_a_graph_store_that_is_missing_falls_back_to_updates(
    scripted: ThreadingHTTPServer,
) -> None:
    scripted.reply = (405, {}, b"")  # type: ignore[attr-defined]
    http = client(scripted)
    assert http.put_graph("http://g/a", b"") is False
    assert http.gsp_url is None  # remembered: no second try
    scripted.reply = (400, {}, b"bad data")  # type: ignore[attr-defined]
    with pytest.raises(StoreError, match="bad data"):
        http.update("INSERT DATA {}")


@pytest.mark.parametrize(
    "query, update, gsp",
    [
        ("http://h:7878/query", "http://h:7878/update", "http://h:7878/store"),
        ("http://h:3030/ds/sparql", "http://h:3030/ds/update", "http://h:3030/ds/data"),
        ("http://h:3030/ds/query", "http://h:3030/ds/update", "http://h:3030/ds/data"),
        ("http://h:8890/sparql", "http://h:8890/sparql", "http://h:8890/sparql-graph-crud"),
        (
            "http://h:7200/repositories/rally",
            "http://h:7200/repositories/rally/statements",
            "http://h:7200/repositories/rally/rdf-graphs/service",
        ),
        ("https://h/api/endpoint", "https://h/api/endpoint", None),
    ],
)
def test_endpoint_urls_are_guessed_for_known_servers(
    query: str, update: str, gsp: str | None
) -> None:
    assert guess_endpoints(query) == (update, gsp)


def test_graph_names_are_translated_only_in_graph_clauses() -> None:
    names = {"https://w3id.org/rallynov/graph/public": "https://w3id.org/rallynov/graph/public/v-1"}
    text = (
        "# GRAPH <https://w3id.org/rallynov/graph/public> in a comment\n"
        'SELECT * { ?s ?p "GRAPH <https://w3id.org/rallynov/graph/public>" .\n'
        "  ?x ?y <https://w3id.org/rallynov/graph/public> .\n"
        "  graph <https://w3id.org/rallynov/graph/public> { ?s ?p ?o } }"
    )
    rewritten = rewrite_graph_names(text, names)
    assert rewritten.count("/public/v-1") == 1
    assert rewritten.endswith("graph <https://w3id.org/rallynov/graph/public/v-1> { ?s ?p ?o } }")


def test_the_docstring_examples_run() -> None:
    for module in (remote, remote_http, remote_names, remote_terms):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_json_results_are_given_back_their_logical_graph_names() -> None:
    names = {"http://g/p": "http://g/p/v-1"}
    body = b'{"v":"http://g/p/v-1","w":"http:\\/\\/g\\/p\\/v-1","x":"<http://g/p/v-1>"}'
    assert remote_names.to_logical(body, names) == (
        b'{"v":"http://g/p","w":"http:\\/\\/g\\/p","x":"<http://g/p>"}'
    )

"""The W3C SPARQL 1.1 Protocol test cases (``standards/sparql11-tests/protocol/manifest.ttl``),
run against a real waitress server on 127.0.0.1.

The manifest is parsed with rdflib; every request it describes is sent as written (method, path,
headers, body and its character encoding), with ``/sparql/`` mapped to our ``/sparql``. The
graphs a case needs (``ut:graphData``) are loaded into a dedicated store whose public graphs are
those test graphs, so that ``default-graph-uri``/``named-graph-uri`` can select them.

Which cases apply to a read-only endpoint:

- ``query_*`` and ``bad_query_*`` (22 cases): run as written; status, format and boolean checked.
- ``bad_update_*`` (7 cases): they expect a 4xx and get one, because every update is refused;
  run as written, and the refusal is asserted to be the read-only one (403) where the request is
  otherwise well-formed.
- ``update_*`` (7 cases): NOT applicable. They expect an update to succeed (2xx), then check its
  effect with a query. This endpoint is read-only by design (the data changes only when it is
  rebuilt), so instead of their expectation the first request's refusal (403, read-only message)
  is asserted, and the follow-up query (which checks the update's effect) is not sent.
"""

from __future__ import annotations

import http.client
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection

from endpoint.store import EmbeddedStore
from loaders.iris import PUBLIC_GRAPHS
from tests.conftest import serving

PROTOCOL = Path("/work/shared/standards/sparql11-tests/protocol")
if not PROTOCOL.exists():  # the checkout's sibling folder, wherever it lives
    PROTOCOL = Path(__file__).resolve().parents[3] / "shared/standards/sparql11-tests/protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
TABULAR = {
    "application/sparql-results+xml",
    "application/sparql-results+json",
    "text/csv",
    "text/tab-separated-values",
}
RDF_TYPES = {"application/rdf+xml", "text/turtle", "application/n-triples"}


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]  # expected classes: 2, 3, 4
    result_format: str | None = None
    boolean: bool | None = None


@dataclass
class Case:
    name: str
    title: str
    requests: list[Request]
    graphs: dict[str, Path] = field(default_factory=dict)


def load_manifest() -> list[Case]:
    manifest = Graph().parse(
        PROTOCOL / "manifest.ttl", format="turtle", publicID=str(PROTOCOL) + "/"
    )
    root = next(manifest.subjects(RDF.type, MF.Manifest))
    cases = []
    for entry in Collection(manifest, manifest.value(root, MF.entries)):
        action = manifest.value(entry, MF.action)
        requests = []
        for node in Collection(manifest, manifest.value(action, HT.requests)):
            body_node = manifest.value(node, HT.body)
            body = None
            if body_node is not None:
                encoding = str(manifest.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(manifest.value(body_node, CNT.chars)).encode(encoding.lower())
            headers = {}
            header_list = manifest.value(node, HT.headers)
            if header_list is not None:
                for header in Collection(manifest, header_list):
                    headers[str(manifest.value(header, HT.fieldName))] = str(
                        manifest.value(header, HT.fieldValue)
                    )
            response = manifest.value(node, HT.resp)
            statuses = {int(str(s)[-3]) for s in manifest.objects(response, MF.expectedStatus)}
            fmt = manifest.value(response, MF.expectedFormat)
            boolean = manifest.value(response, MF.expectedBoolean)
            requests.append(
                Request(
                    str(manifest.value(node, HT.methodName)),
                    str(manifest.value(node, HT.absolutePath)),
                    headers,
                    body,
                    statuses,
                    str(fmt) if fmt is not None else None,
                    boolean.toPython() if boolean is not None else None,
                )
            )
        graphs = {
            str(manifest.value(data, RDFS.label)): Path(str(manifest.value(data, UT.graph))[7:])
            for data in manifest.objects(entry, UT.graphData)
        }
        cases.append(
            Case(
                str(entry).rsplit("#", 1)[-1], str(manifest.value(entry, MF.name)), requests, graphs
            )
        )
    return cases


CASES = load_manifest()


class ProtocolTestStore(EmbeddedStore):
    """The test graphs count as public here, so the protocol's dataset can select them."""

    def __init__(self, graph_names: list[str]):
        super().__init__()
        self.graph_names = graph_names

    def public_graphs(self) -> list[str]:  # type: ignore[override]
        return [str(g) for g in PUBLIC_GRAPHS] + self.graph_names


@pytest.fixture(scope="module")
def protocol_server() -> Iterator[str]:
    from endpoint.app import create_app
    from endpoint.query_runner import pool_for

    data: dict[str, Path] = {}
    for case in CASES:
        data.update(case.graphs)
    graphs = {}
    for name, path in data.items():
        graph = Graph(identifier=URIRef(name))
        graph.parse(PROTOCOL / path.name, format="nt")
        graphs[URIRef(name)] = graph
    store = ProtocolTestStore(sorted(data))
    store.publish(graphs)
    with serving(create_app({"STORE_OBJECT": store})) as base:
        yield base
    pool_for(store, 1).close()


def send(base: str, request: Request) -> http.client.HTTPResponse:
    """Send exactly what the manifest says: no header is added but Host and Content-Length."""
    target = urlsplit(base)
    path = request.path.replace("/sparql/", "/sparql", 1)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
    connection.putrequest(request.method, path, skip_accept_encoding=True)
    for name, value in request.headers.items():
        connection.putheader(name, value)
    if request.body is not None:
        connection.putheader("Content-Length", str(len(request.body)))
    connection.endheaders(request.body)
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


def parse_boolean(media: str, body: bytes) -> bool:
    if media == "application/sparql-results+json":
        return bool(json.loads(body)["boolean"])
    assert media == "application/sparql-results+xml", media
    root = ElementTree.fromstring(body)
    node = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert node is not None
    return node.text == "true"


def check_format(request: Request, media: str, body: bytes) -> None:
    if request.result_format == "boolean":
        assert media in {"application/sparql-results+json", "application/sparql-results+xml"}
        if request.boolean is not None:
            assert parse_boolean(media, body) is request.boolean
    elif request.result_format == "tabular":
        assert media in TABULAR
    elif request.result_format == "RDF":
        assert media in RDF_TYPES
        fmt = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml"}
        Graph().parse(io.BytesIO(body), format=fmt[media])


APPLICABLE = [c for c in CASES if not c.name.startswith("update_")]
UPDATES = [c for c in CASES if c.name.startswith("update_")]


def test_the_manifest_is_read_whole() -> None:
    assert len(CASES) == 34
    assert len(APPLICABLE) == 27 and len(UPDATES) == 7
    assert all(case.requests and case.requests[0].statuses for case in CASES)


@pytest.mark.parametrize("case", APPLICABLE, ids=lambda c: c.name)
def test_protocol_case(protocol_server: str, case: Case) -> None:
    for request in case.requests:
        response = send(protocol_server, request)
        assert response.status // 100 in request.statuses, (
            case.title,
            response.status,
            response.body,
        )  # type: ignore[attr-defined]
        media = (response.getheader("Content-Type") or "").split(";")[0].strip()
        if response.status < 300:
            check_format(request, media, response.body)  # type: ignore[attr-defined]
        else:
            message = json.loads(response.body)["error"]["message"]  # type: ignore[attr-defined]
            assert message and "Traceback" not in message
        if case.name.startswith("bad_update") and request.headers.get(
            "content-type", ""
        ).startswith(("application/sparql-update", "application/x-www-form-urlencoded")):
            assert response.status == 403, case.name
            assert "read-only" in message


@pytest.mark.parametrize("case", UPDATES, ids=lambda c: c.name)
def test_update_case_is_refused(protocol_server: str, case: Case) -> None:
    update = case.requests[0]
    assert update.method == "POST" and 2 in update.statuses  # what the W3C case expects
    response = send(protocol_server, update)
    assert response.status == 403
    assert "read-only" in json.loads(response.body)["error"]["message"]  # type: ignore[attr-defined]

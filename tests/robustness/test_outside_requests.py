"""Nothing a client or a data file says makes us connect anywhere: SERVICE, LOAD, FROM, the
protocol's graph parameters, JSON-LD remote contexts and XML external entities all point at a
listener on 127.0.0.1, which must receive zero connections."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders import InputError, build_graphs
from loaders.readers import read_sources
from tests.robustness.conftest import Listener, assert_sane, fetch, quote

RESULTS_JSON = "application/sparql-results+json"

SERVICE_QUERIES = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "PREFIX r: <{url}> SELECT * WHERE {{ SERVICE r:sparql {{ ?s ?p ?o }} }}",
    "BASE <{url}> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE <{url}> {{ ?x ?q ?w }} }} }} LIMIT 1",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "ASK {{ SERVICE <{url}> {{ }} }}",
    "SELECT * WHERE {{ seRVicE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ S\\u0045RVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} FILTER EXISTS {{ SERVICE <{url}> {{ }} }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "DESCRIBE <{url}>",
    "SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }} LIMIT 1",
    "SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT 1",
    "SELECT * WHERE {{ GRAPH <{url}> {{ ?s ?p ?o }} }} LIMIT 1",
    "LOAD <{url}>",
    "LOAD SILENT <{url}> INTO GRAPH <urn:x>",
    "INSERT {{ <urn:a> <urn:b> ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
]
WRITES = [
    "INSERT DATA {{ <urn:a> <urn:b> <urn:c> }}",
    "DELETE WHERE {{ ?s ?p ?o }}",
    "CLEAR ALL",
    "DROP ALL",
    "CREATE GRAPH <urn:g>",
    "COPY DEFAULT TO <urn:g>",
    "LOAD <{url}>",
    "WITH <urn:g> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _requests(base_path: str, text: str, how: str) -> tuple[str, str, bytes | None, dict[str, str]]:
    if how == "get":
        return "GET", f"{base_path}?query={quote(text)}", None, {"Accept": RESULTS_JSON}
    if how == "form":
        body = f"query={quote(text)}".encode()
        return (
            "POST",
            base_path,
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": RESULTS_JSON},
        )
    if how == "update-form":
        body = f"update={quote(text)}".encode()
        return "POST", base_path, body, {"Content-Type": "application/x-www-form-urlencoded"}
    if how == "update-body":
        return "POST", base_path, text.encode(), {"Content-Type": "application/sparql-update"}
    return (
        "POST",
        base_path,
        text.encode(),
        {"Content-Type": "application/sparql-query", "Accept": RESULTS_JSON},
    )


def _count(base: str) -> bytes:
    return fetch(base, f"/sparql?query={quote(COUNT)}", headers={"Accept": RESULTS_JSON}).body


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    template=st.sampled_from(SERVICE_QUERIES),
    host=st.sampled_from(["127.0.0.1", "localhost"]),
    path=st.sampled_from(["", "sparql", "query?x=1"]),
    how=st.sampled_from(["get", "form", "body"]),
)
def test_sparql_never_calls_a_url_from_the_query(
    live_server: str, listener: Listener, template: str, host: str, path: str, how: str
) -> None:
    url = f"http://{host}:{listener.port}/{path}"
    text = template.format(url=url)
    before = listener.count
    method, target, body, headers = _requests("/sparql", text, how)
    answer = fetch(live_server, target, method=method, body=body, headers=headers)
    assert_sane(answer, text)
    assert listener.count == before, f"{text!r} made the server connect to {url}"


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
def test_graph_parameters_are_never_fetched(
    live_server: str, listener: Listener, param: str
) -> None:
    before = listener.count
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    answer = fetch(
        live_server,
        f"/sparql?query={quote(query)}&{param}={quote(listener.url)}",
        headers={"Accept": RESULTS_JSON},
    )
    assert_sane(answer, param)
    assert listener.count == before


@pytest.mark.parametrize("how", ["get", "form", "update-form", "update-body"])
@pytest.mark.parametrize("template", WRITES)
def test_writes_are_refused_and_change_nothing(
    live_server: str, listener: Listener, template: str, how: str
) -> None:
    before_data, before = _count(live_server), listener.count
    text = template.format(url=listener.url)
    method, target, body, headers = _requests("/sparql", text, how)
    answer = fetch(live_server, target, method=method, body=body, headers=headers)
    assert_sane(answer, text)
    assert 400 <= answer.status < 500, f"{text!r} ({how}) answered {answer.status}"
    assert listener.count == before
    assert _count(live_server) == before_data


# -- the loaders --------------------------------------------------------------------------


def _jsonld_documents(url: str) -> list[object]:
    node = {"@id": "https://w3id.org/rallynov/id/organisation/x", "name": "X"}
    return [
        {"@context": url + "ctx.jsonld", **node},
        {"@context": [url + "a.jsonld", {"name": "https://schema.org/name"}], **node},
        {
            "@context": {"@import": url + "imported.jsonld", "name": "https://schema.org/name"},
            **node,
        },
        {"@graph": [{"@context": url + "nested.jsonld", **node}]},
        [{"@context": url + "list.jsonld", **node}],
        {"@context": "ctx-relative.jsonld", **node},  # resolved against the file: a local read
    ]


@pytest.mark.parametrize(
    "index", range(6), ids=["url", "list", "import", "nested", "top-list", "relative-file"]
)
def test_jsonld_remote_contexts_are_never_fetched(
    tmp_path: Path, listener: Listener, index: int
) -> None:
    document = _jsonld_documents(listener.url)[index]
    (tmp_path / "partner.jsonld").write_text(json.dumps(document), encoding="utf-8")
    (tmp_path / "ctx-relative.jsonld").write_text("{}", encoding="utf-8")  # must not be read either
    before = listener.count
    result = read_sources([tmp_path / "partner.jsonld"])
    assert listener.count == before, f"the loader fetched a JSON-LD context: {document}"
    assert result.problems, "a remote or external @context must be reported, not silently skipped"
    assert "@context" in str(result.problems[0])


def _xxe(url: str) -> str:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE r [ <!ENTITY ext SYSTEM "{url}xxe"> <!ENTITY % p SYSTEM "{url}dtd"> %p; ]>\n'
    )


def test_rdfxml_with_external_entity_is_never_fetched(tmp_path: Path, listener: Listener) -> None:
    rdf = _xxe(listener.url) + (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:s="https://schema.org/">'
        '<rdf:Description rdf:about="urn:x"><s:name>&ext;</s:name></rdf:Description></rdf:RDF>\n'
    )
    for name in ("partner.rdf", "partner.owl", "partner.xml"):
        (tmp_path / name).write_text(rdf, encoding="utf-8")
    before = listener.count
    for name in ("partner.rdf", "partner.owl", "partner.xml"):
        with pytest.raises(InputError):
            build_graphs([tmp_path / name], include_default=False)
    assert listener.count == before


def test_xlsx_with_external_entity_is_never_fetched(tmp_path: Path, listener: Listener) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "organisations"
    sheet.append(["id", "name", "source"])
    sheet.append(["x", "X", "s"])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    hostile = tmp_path / "partner.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(hostile, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/") or item.filename == "xl/workbook.xml":
                text = data.decode("utf-8")
                body = text.split("?>", 1)[1] if text.startswith("<?xml") else text
                data = (_xxe(listener.url) + body).encode("utf-8")
            dst.writestr(item, data)
    before = listener.count
    try:
        build_graphs([hostile], include_default=False)
    except InputError:
        pass
    assert listener.count == before

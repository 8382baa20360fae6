"""Personal data stays in the restricted graph: no telephone number of the brochures can be
reached through a public route (SPARQL with GRAPH ?g, FROM, FROM NAMED and the protocol's
graph parameters, dumps, tables, pages), while a curator with the token reads them all."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re

import pytest
from rdflib import Graph

from endpoint.app import create_app
from loaders.iris import PUBLIC_GRAPH, RESTRICTED_GRAPH
from loaders.paths import resource_dir
from tests.opendata.conftest import leaked

RESTRICTED = str(RESTRICTED_GRAPH)
RALLY = "https://w3id.org/rallynov/def#"
TOKEN = "test-curator-token"  # tests/conftest.py's app fixture
QUERIES = [
    "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o }",
    f"SELECT * FROM NAMED <{RESTRICTED}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    f"SELECT * FROM <{RESTRICTED}> WHERE {{ ?s ?p ?o }}",
    f"SELECT * FROM <{RESTRICTED}> FROM NAMED <{RESTRICTED}> WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} }}",
    f"SELECT * WHERE {{ GRAPH <{RESTRICTED}> {{ ?s ?p ?o }} }}",
    f"SELECT ?t WHERE {{ {{ ?c <{RALLY}telephone> ?t }} UNION {{ GRAPH ?g {{ ?c <{RALLY}telephone> ?t }} }} }}",
    "SELECT ?t WHERE { ?c <https://schema.org/telephone> ?t }",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
    f"CONSTRUCT {{ ?s ?p ?o }} FROM <{RESTRICTED}> WHERE {{ ?s ?p ?o }}",
    f"ASK {{ GRAPH ?g {{ ?c <{RALLY}telephone> ?t }} }}",
    f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{RESTRICTED}> {{ ?s ?p ?o }} }}",
]


def contact_rows() -> list[dict[str, str]]:
    with (resource_dir("data") / "restricted" / "contacts.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def body_text(response) -> str:  # type: ignore[no-untyped-def]
    data = response.get_data()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("fmt", ["application/sparql-results+json", "text/csv", "text/turtle"])
def test_sparql_never_answers_a_phone_number(
    client, phones: list[str], query: str, fmt: str
) -> None:  # type: ignore[no-untyped-def]
    for response in (
        client.get("/sparql", query_string={"query": query}, headers={"Accept": fmt}),
        client.post("/sparql", data={"query": query}, headers={"Accept": fmt}),
        client.get(
            "/sparql",
            query_string={
                "query": query,
                "named-graph-uri": RESTRICTED,
                "default-graph-uri": RESTRICTED,
            },
            headers={"Accept": fmt},
        ),
        client.get(
            "/sparql",
            query_string=[
                ("query", query),
                ("named-graph-uri", RESTRICTED),
                ("named-graph-uri", str(PUBLIC_GRAPH)),
            ],
            headers={"Accept": fmt},
        ),
    ):
        assert response.status_code in (200, 406), body_text(response)[:300]
        assert leaked(body_text(response), phones) == []
        assert RESTRICTED not in body_text(response)


def test_the_restricted_graph_is_really_there(bundled_store, phones: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Guard against a vacuous test: the store does hold the numbers, in the restricted graph."""
    results = bundled_store.query(
        f"SELECT ?t WHERE {{ ?c <{RALLY}telephone> ?t }}", default_graph=[RESTRICTED]
    )
    assert sorted({row["t"].value for row in results}) == phones


def test_no_download_holds_a_phone_number(client, phones: list[str]) -> None:  # type: ignore[no-untyped-def]
    index = client.get("/download/").get_data(as_text=True)
    names = sorted(set(re.findall(r'href="/download/([^"/]+)"', index)))
    assert len(names) >= 20
    for name in [*names, "SHA256SUMS"]:
        response = client.get(f"/download/{name}")
        assert response.status_code == 200, name
        assert leaked(body_text(response), phones) == [], name


PAGES = [
    "/",
    "/?lang=en",
    "/catalog",
    "/catalog.jsonld",
    "/catalog.rdf",
    "/catalog.html",
    "/.well-known/void",
    "/download/",
    "/map/innovations.geojson",
    "/map/stages.geojson",
    "/network/co-organisation.json",
    "/sparql",
    "/shapes",
    "/def.ttl",
]


def test_no_page_holds_a_phone_number(client, phones: list[str]) -> None:  # type: ignore[no-untyped-def]
    for path in PAGES:
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        assert leaked(body_text(response), phones) == [], path


def test_the_pages_of_the_people_concerned_show_no_phone(client, phones: list[str]) -> None:  # type: ignore[no-untyped-def]
    rows = contact_rows()
    paths = set()
    for row in rows:
        paths |= {f"/id/person/{row['person']}", f"/id/event/{row['event']}"}
        contact = f"{row['person']}-{row['event']}"
        paths |= {f"/id/contact/{contact}", f"/doc/contact/{contact}.ttl"}
    for path in sorted(paths):
        for accept in ("text/html", "text/turtle", "application/ld+json"):
            response = client.get(path, headers={"Accept": accept}, follow_redirects=True)
            assert leaked(body_text(response), phones) == [], (path, accept)
            if path.startswith("/id/person/"):
                assert response.status_code == 200, path  # the person's public page exists


def test_curator_reads_the_contacts_with_the_token(client, phones: list[str]) -> None:  # type: ignore[no-untyped-def]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = client.get("/curator/contacts", headers=auth)
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    contacts = json.loads(response.get_data())["contacts"]
    assert sorted({c["telephone"] for c in contacts}) == phones
    assert len(contacts) == len(contact_rows())
    assert all(
        c["name"] and c["person"].startswith("https://w3id.org/rallynov/id/person/")
        for c in contacts
    )
    as_csv = client.get("/curator/contacts.csv", headers=auth)
    assert as_csv.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True))))
    assert sorted({r["telephone"] for r in rows}) == phones
    negotiated = client.get("/curator/contacts", headers={**auth, "Accept": "text/csv"})
    assert negotiated.mimetype == "text/csv"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": "Bearer "},
    ],
)
def test_curator_route_refuses_without_the_right_token(client, phones: list[str], headers) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/curator/contacts.csv", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    assert leaked(body_text(response), phones) == []


def test_curator_route_is_off_without_a_configured_token(bundled_store) -> None:  # type: ignore[no-untyped-def]
    app = create_app({"TESTING": True, "STORE_OBJECT": bundled_store, "CURATOR_TOKEN": ""})
    client = app.test_client()
    assert client.get("/curator/contacts").status_code == 404
    assert client.get("/curator/contacts", headers={"Authorization": "Bearer "}).status_code == 404


def test_catalog_contact_point_is_no_personal_phone(client, phones: list[str]) -> None:  # type: ignore[no-untyped-def]
    catalog = Graph().parse(data=client.get("/catalog").get_data(), format="turtle")
    assert not [o for o in catalog.objects() if str(o).startswith("tel:")]
    assert leaked(catalog.serialize(format="nt"), phones) == []

"""The named queries as an API (JSON, CSV, OpenAPI, ETag/304) and as pages (/queries)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import quote

import pytest
from openapi_spec_validator import validate

import endpoint.named_queries as named_queries
from endpoint.named_queries import load_named_queries

NAMES = sorted(load_named_queries())
INJECTION = '"} ; DROP ALL ; SELECT * WHERE { ?s ?p ?o } #'


def test_the_list_describes_every_query(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/queries")
    assert response.status_code == 200
    listed = {q["name"]: q for q in response.get_json()["queries"]}
    assert sorted(listed) == NAMES
    laureates = listed["laureates-per-edition"]
    assert laureates["title"]["fr"] and laureates["title"]["en"]
    assert laureates["description"]["fr"] and laureates["description"]["en"]
    edition = next(p for p in laureates["params"] if p["name"] == "edition")
    assert (edition["type"], edition["default"], edition["required"]) == ("year", "2013", False)
    assert laureates["links"]["self"] == "/api/queries/laureates-per-edition"
    assert laureates["links"]["csv"].endswith("format=csv")
    assert laureates["links"]["sparql"].startswith("/sparql?query=")
    assert 'VALUES ?edition { "2013"^^' in laureates["sparql"]


def test_json_answer(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/queries/laureates-per-edition?edition=2013&lang=en")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["query"] == "laureates-per-edition"
    assert body["params"] == {"edition": "2013", "lang": "en"}
    assert body["truncated"] is False
    assert "innovation" in body["columns"] and "carrierName" in body["columns"]
    assert body["rows"] and all(set(row) == set(body["columns"]) for row in body["rows"])
    assert all(isinstance(row["amount"], int | float) for row in body["rows"] if row["amount"])
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "how", [{"query_string": {"format": "csv"}}, {"headers": {"Accept": "text/csv"}}]
)
def test_csv_answer(client, how) -> None:  # type: ignore[no-untyped-def]
    url = "/api/queries/innovations-per-need"
    response = client.get(url, **how)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    body = client.get(url).get_json()
    assert table[0] == body["columns"]
    assert len(table) - 1 == len(body["rows"])
    assert table[1][body["columns"].index("code")] == body["rows"][0]["code"]


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/queries/laureates-per-edition?edition=abc", 400, ["'edition'", "a year YYYY"]),
        ("/api/queries/laureates-per-edition?lang=de", 400, ["'lang'", "one of fr, en"]),
        ("/api/queries/laureates-per-edition?colour=red", 400, ["'colour'", "edition (year)"]),
        ("/api/queries/innovations-for-need?need=X-NOPE", 400, ["'need'", "scheme 'need'"]),
        ("/api/queries/innovations-at-stage?stage=a%20b", 400, ["'stage'", "id of an event"]),
        ("/api/queries/laureates-per-edition?format=xml", 400, ["'format'", "json or csv"]),
        ("/api/queries/laureates-per-edition?edition=2013&edition=2014", 400, ["'edition'"]),
        ("/api/queries/no-such-query", 404, ["no-such-query", "laureates-per-edition"]),
    ],
)
def test_bad_requests_name_the_parameter(client, url, status, words) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == status
    message = response.get_json()["error"]["message"]
    for word in words:
        assert word in message


def test_missing_required_parameter(tmp_path: Path, monkeypatch, bundled_store) -> None:  # type: ignore[no-untyped-def]
    from endpoint.app import create_app

    (tmp_path / "needs-edition.rq").write_text(
        "#+ title: {fr: Titre, en: Title}\n#+ description: {fr: D, en: D}\n"
        "#+ params:\n#+   - {name: edition, type: year, description: {fr: É, en: E}}\n"
        "PREFIX rally: <https://w3id.org/rallynov/def#>\n"
        "SELECT ?e WHERE { ?e rally:year ?edition }\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(named_queries, "queries_dir", lambda: tmp_path)
    client = create_app({"TESTING": True, "STORE_OBJECT": bundled_store}).test_client()
    response = client.get("/api/queries/needs-edition")
    assert response.status_code == 400
    assert (
        "parameter 'edition' is required; expected a year"
        in response.get_json()["error"]["message"]
    )
    assert client.get("/api/queries/needs-edition?edition=2014").get_json()["rows"]


def test_injection_is_a_harmless_string(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/queries/find-innovations?text=" + quote(INJECTION))
    assert response.status_code == 200
    body = response.get_json()
    assert body["params"] == {"text": INJECTION}
    assert body["rows"] == []


def test_etag_and_304(client) -> None:  # type: ignore[no-untyped-def]
    url = "/api/queries/events-timeline?edition=2014"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert etag and first.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/api/queries/events-timeline?edition=2013")
    assert other.headers["ETag"] != etag
    as_csv = client.get(url + "&format=csv", headers={"If-None-Match": etag})
    assert as_csv.status_code == 200  # another representation, another ETag


def test_results_are_cached_per_dataset_version(bundled_store) -> None:  # type: ignore[no-untyped-def]
    from endpoint.named_queries import run_named_query
    from endpoint.store import EmbeddedStore

    first = run_named_query(bundled_store, "innovations-by-status", {"lang": "en"})
    assert run_named_query(bundled_store, "innovations-by-status", {"lang": "en"}) is first
    other = EmbeddedStore()
    other.publish({})
    assert run_named_query(other, "innovations-by-status", {"lang": "en"}).cells == []


def test_rows_are_capped(bundled_store) -> None:  # type: ignore[no-untyped-def]
    from endpoint.app import create_app

    client = create_app(
        {"TESTING": True, "STORE_OBJECT": bundled_store, "MAX_ROWS": 2}
    ).test_client()
    body = client.get("/api/queries/people-and-roles").get_json()
    assert len(body["rows"]) == 2 and body["truncated"] is True
    exact = client.get("/api/queries/innovations-per-sphere").get_json()  # two spheres
    assert len(exact["rows"]) == 2 and exact["truncated"] is False


def test_openapi_describes_every_query(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    for name in NAMES:
        operation = spec["paths"][f"/api/queries/{name}"]["get"]
        assert operation["summary"] and operation["description"]
    laureates = spec["paths"]["/api/queries/laureates-per-edition"]["get"]["parameters"]
    edition = next(p for p in laureates if p.get("name") == "edition")
    assert edition["schema"] == {"type": "string", "pattern": "^[0-9]{4}$", "default": "2013"}
    need = spec["paths"]["/api/queries/innovations-for-need"]["get"]["parameters"][0]
    assert need["name"] == "need" and "D-EMP" in need["schema"]["default"]
    revalidated = client.get(
        "/api/openapi.json", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert revalidated.status_code == 304


def test_queries_page_in_both_languages(client) -> None:  # type: ignore[no-untyped-def]
    queries = load_named_queries()
    for lang in ("fr", "en"):
        page = client.get(f"/queries?lang={lang}").get_data(as_text=True)
        for query in queries.values():
            assert query.title[lang].replace("'", "&#39;") in page
        assert 'action="/queries/laureates-per-edition"' in page


def test_query_page_shows_rows_and_escapes_what_it_echoes(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/queries/laureates-per-edition?edition=2014&lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<tr>") > 2 and "/id/innovation/" in html
    attack = client.get("/queries/find-innovations?text=" + quote("<script>alert(1)</script>"))
    assert attack.status_code == 200
    assert "<script>alert(1)" not in attack.get_data(as_text=True)
    bad = client.get("/queries/laureates-per-edition?edition=abc", headers={"Accept": "text/html"})
    assert bad.status_code == 400 and "a year YYYY" in bad.get_data(as_text=True)


def test_queries_page_in_chromium(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/queries?lang=en")
    assert page.locator("h1").inner_text() == "Named queries"
    form = page.locator("#laureates-per-edition form")
    form.locator("input[name=edition]").fill("2014")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/queries/laureates-per-edition?**")
    assert page.locator("table.nq-results tbody tr").count() >= 1
    assert "2014" in page.url
    page.goto(f"{live_server}/queries/stages-per-partner?organisation=cress&lang=fr")
    assert page.locator("table.nq-results tbody tr").count() >= 1
    assert page.problems == []  # type: ignore[attr-defined]

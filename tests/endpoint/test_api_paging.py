"""Paging of the named-query API: ``limit`` and ``offset`` on /api/queries/{name} (JSON and CSV),
the ``next``/``prev`` links (in the JSON and as an RFC 8288 ``Link`` header), the errors, the
ETag of each page, the OpenAPI description, and the next-page link of /queries/{name}."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from openapi_spec_validator import validate
from requests.utils import parse_header_links

from endpoint.named_queries import PAGE_SIZE, QueryFileError, load_named_queries, parse_query_file

URL = "/api/queries/network-nodes"  # 178 rows on the bundled dataset
ALL = f"{URL}?limit=10000"


def _links(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    header = response.headers.get("Link")
    return {link["rel"]: link["url"] for link in parse_header_links(header)} if header else {}


def _local(url: str) -> str:
    """The path and query of an absolute link (the test client takes those)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_pages_concatenate_to_the_whole_result(client) -> None:  # type: ignore[no-untyped-def]
    whole = client.get(ALL).get_json()
    assert whole["total"] == len(whole["rows"]) > 100
    assert whole["next"] is None and whole["prev"] is None
    rows, url, pages = [], f"{URL}?limit=50", []
    while url and len(pages) < 20:
        response = client.get(url)
        assert response.status_code == 200
        body = response.get_json()
        pages.append(body)
        rows += body["rows"]
        assert (body["total"], body["limit"]) == (whole["total"], 50)
        assert response.headers["X-Total-Count"] == str(whole["total"])
        assert _links(response).get("next") == body["next"]
        assert _links(response).get("prev") == body["prev"]
        url = _local(body["next"]) if body["next"] else None
    assert rows == whole["rows"]
    assert [p["offset"] for p in pages] == [0, 50, 100, 150]
    assert pages[0]["prev"] is None and "prev" not in _links(client.get(f"{URL}?limit=50"))
    assert pages[-1]["next"] is None and len(pages[-1]["rows"]) == whole["total"] - 150
    assert parse_qs(urlsplit(pages[-1]["prev"]).query)["offset"] == ["100"]


def test_links_keep_the_query_parameters_and_are_absolute(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/queries/people-and-roles?lang=en&limit=10&offset=10")
    body = response.get_json()
    assert body["params"]["lang"] == "en"
    for rel in ("next", "prev"):
        parts = urlsplit(body[rel])
        assert parts.scheme == "http" and parts.path == "/api/queries/people-and-roles"
        args = parse_qs(parts.query)
        assert args["lang"] == ["en"] and args["limit"] == ["10"]
    assert parse_qs(urlsplit(body["next"]).query)["offset"] == ["20"]
    assert parse_qs(urlsplit(body["prev"]).query)["offset"] == ["0"]
    assert 'rel="next"' in response.headers["Link"] and 'rel="prev"' in response.headers["Link"]
    assert "Link" in response.headers["Access-Control-Expose-Headers"]


def test_json_comes_in_pages_by_default(client, bundled_store) -> None:  # type: ignore[no-untyped-def]
    from endpoint.app import create_app

    body = client.get(URL).get_json()
    assert body["limit"] == PAGE_SIZE and body["offset"] == 0 and body["next"] is None
    small = create_app({"TESTING": True, "STORE_OBJECT": bundled_store, "MAX_ROWS": 5})
    capped = small.test_client().get(URL).get_json()  # the default page never exceeds MAX_ROWS
    assert capped["limit"] == 5 and len(capped["rows"]) == 5 and capped["truncated"] is True
    assert capped["total"] == 5 and capped["next"] is None


def test_csv_is_whole_unless_a_limit_is_given(client) -> None:  # type: ignore[no-untyped-def]
    whole = client.get(f"{URL}?format=csv")
    table = list(csv.reader(io.StringIO(whole.get_data(as_text=True))))
    total = client.get(ALL).get_json()["total"]
    assert len(table) - 1 == total and "Link" not in whole.headers
    assert whole.headers["X-Total-Count"] == str(total)
    parts, url, pages = [], f"{URL}?format=csv&limit=60", 0
    while url and pages < 10:
        page, pages = client.get(url), pages + 1
        rows = list(csv.reader(io.StringIO(page.get_data(as_text=True))))
        assert rows[0] == table[0]  # every page has the header row
        parts += rows[1:]
        url = _local(_links(page)["next"]) if "next" in _links(page) else None
    assert parts == table[1:] and len(parts) == total
    tail = client.get(f"{URL}?format=csv&offset=170")
    assert len(list(csv.reader(io.StringIO(tail.get_data(as_text=True))))) - 1 == total - 170


def test_past_the_end_is_empty_and_leads_back(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get(f"{URL}?limit=50&offset=5000").get_json()
    assert body["rows"] == [] and body["next"] is None
    assert parse_qs(urlsplit(body["prev"]).query)["offset"] == [str(body["total"] - 50)]
    counted = client.get(f"{URL}?limit=0").get_json()  # only the count
    assert counted["rows"] == [] and counted["total"] > 0
    assert counted["next"] is None and counted["prev"] is None


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ("limit=-1", "limit"),
        ("limit=abc", "limit"),
        ("limit=2.5", "limit"),
        ("limit=10001", "limit"),  # above MAX_ROWS (10,000 by default)
        ("offset=-5", "offset"),
        ("offset=1e3", "offset"),
        ("offset=99999999999999999999999", "offset"),
        ("format=csv&limit=x", "limit"),
        ("limit=1&limit=2", "limit"),
    ],
)
def test_bad_paging_values_name_the_parameter(client, args, name) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"{URL}?{args}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["status"] == 400 and f"'{name}'" in error["message"]
    if "&limit=2" not in args:
        assert "an integer from 0 to 10000" in error["message"]


def test_each_page_has_its_etag_and_its_304(client) -> None:  # type: ignore[no-untyped-def]
    first, second = client.get(f"{URL}?limit=50"), client.get(f"{URL}?limit=50&offset=50")
    assert first.headers["ETag"] != second.headers["ETag"]
    assert client.get(f"{URL}?limit=20").headers["ETag"] != first.headers["ETag"]
    again = client.get(
        f"{URL}?limit=50&offset=50", headers={"If-None-Match": second.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b""
    other = client.get(f"{URL}?limit=50", headers={"If-None-Match": second.headers["ETag"]})
    assert other.status_code == 200


def test_openapi_declares_limit_and_offset(client) -> None:  # type: ignore[no-untyped-def]
    spec = client.get("/api/openapi.json").get_json()
    validate(spec)
    for name in ("limit", "offset"):
        schema = spec["components"]["parameters"][name]["schema"]
        assert (schema["type"], schema["minimum"], schema["maximum"]) == ("integer", 0, 10000)
    for name in load_named_queries():
        refs = [p.get("$ref") for p in spec["paths"][f"/api/queries/{name}"]["get"]["parameters"]]
        assert "#/components/parameters/limit" in refs and "#/components/parameters/offset" in refs
    result = spec["components"]["schemas"]["Result"]["properties"]
    assert {"total", "limit", "offset", "next", "prev"} <= set(result)


def test_no_query_file_may_declare_a_paging_parameter(tmp_path: Path) -> None:
    for query in load_named_queries().values():
        assert not {"limit", "offset"} & {p.name for p in query.params}
    path = tmp_path / "with-limit.rq"
    path.write_text(
        "#+ title: {fr: T, en: T}\n#+ description: {fr: D, en: D}\n"
        "#+ params:\n#+   - {name: limit, type: integer, default: 5}\n"
        "SELECT ?limit WHERE { ?s ?p ?limit }\n",
        encoding="utf-8",
    )
    with pytest.raises(QueryFileError, match="limit"):
        parse_query_file(path)


def test_the_query_page_links_to_the_next_page(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/queries/network-nodes?limit=40&offset=40&lang=en").get_data(as_text=True)
    table = html[
        html.index('class="nq-results"') : html.index("</table>", html.index("nq-results"))
    ]
    assert table.count("<tr>") == 41  # the header row and 40 rows
    assert "rows shown: 41–80" in html
    assert 'rel="next" href="/queries/network-nodes?lang=en&amp;limit=40&amp;offset=80"' in html
    assert 'rel="prev" href="/queries/network-nodes?lang=en&amp;limit=40&amp;offset=0"' in html
    last = client.get("/queries/network-nodes?limit=40&offset=160").get_data(as_text=True)
    assert 'rel="next"' not in last and 'rel="prev"' in last
    whole = client.get("/queries/network-nodes").get_data(as_text=True)
    assert 'rel="next"' not in whole and 'rel="prev"' not in whole  # 178 rows: one page
    bad = client.get("/queries/network-nodes?offset=-1", headers={"Accept": "text/html"})
    assert bad.status_code == 400 and "&#39;offset&#39;" in bad.get_data(as_text=True)

"""gzip on the data answers (flask-compress, installed by ``endpoint.app``), over real HTTP: the
API, /sparql (whose repeated answers the replay middleware sends before Flask), the map layers
and the networks. Raw ``http.client`` so that nothing decompresses behind the test's back."""

from __future__ import annotations

import gzip
import http.client
from urllib.parse import quote, urlsplit

import pytest

from endpoint.app import GZIP_ETAG_SUFFIX

GZIP = {"Accept-Encoding": "gzip"}
PLAIN = {"Accept-Encoding": "identity"}
SPARQL = "/sparql?query=" + quote(
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    " ORDER BY ?s LIMIT 300"
)


def fetch(
    base: str, path: str, headers: dict[str, str]
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One GET with exactly these headers: status, headers, body as sent (not decompressed)."""
    connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=60)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def vary(headers: http.client.HTTPMessage) -> set[str]:
    return {v.strip().lower() for line in headers.get_all("Vary") or [] for v in line.split(",")}


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/api/queries/network-nodes", "application/json"),
        ("/api/queries/network-nodes?format=csv", "*/*"),
        ("/api/queries/people-and-roles?limit=20&offset=20", "application/json"),
        ("/api/openapi.json", "application/json"),
        (SPARQL, "application/sparql-results+json"),
        (SPARQL + "&format=csv", "*/*"),
        ("/map/innovations.geojson", "application/geo+json"),
        ("/network/co-organisation.json", "application/json"),
    ],
)
def test_a_gzip_answer_is_the_same_bytes_compressed(live_server, path, accept) -> None:  # type: ignore[no-untyped-def]
    status, plain_headers, plain = fetch(live_server, path, {"Accept": accept, **PLAIN})
    assert status == 200 and plain_headers.get("Content-Encoding") is None
    status, headers, body = fetch(live_server, path, {"Accept": accept, **GZIP})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert "accept-encoding" in vary(headers) and "accept-encoding" in vary(plain_headers)
    assert int(headers["Content-Length"]) == len(body) < len(plain)
    assert gzip.decompress(body) == plain
    assert headers["Content-Type"] == plain_headers["Content-Type"]
    assert headers["ETag"] == plain_headers["ETag"][:-1] + GZIP_ETAG_SUFFIX + '"'


@pytest.mark.parametrize(
    "path",
    ["/api/queries/network-nodes?limit=100", SPARQL, "/map/innovations.geojson"],
)
def test_304_with_the_gzip_etag(live_server, path) -> None:  # type: ignore[no-untyped-def]
    _, headers, _ = fetch(live_server, path, GZIP)
    etag = headers["ETag"]
    assert etag.endswith(GZIP_ETAG_SUFFIX + '"')
    for _ in range(2):  # the second one is answered by the replay, for /sparql
        status, again, body = fetch(live_server, path, {"If-None-Match": etag, **GZIP})
        assert status == 304 and body == b""
        assert again["ETag"] == etag and "accept-encoding" in vary(again)
    status, plain_headers, _ = fetch(live_server, path, {"If-None-Match": etag, **PLAIN})
    assert plain_headers.get("Content-Encoding") is None
    status, _, _ = fetch(live_server, path, {"If-None-Match": plain_headers["ETag"], **PLAIN})
    assert status == 304


def test_the_replay_keeps_gzip_and_identity_apart(live_server) -> None:  # type: ignore[no-untyped-def]
    path = SPARQL.replace("LIMIT+300", "LIMIT+299").replace("LIMIT%20300", "LIMIT%20299")
    answers = []
    for headers in (GZIP, PLAIN, GZIP, PLAIN, {}):  # gzip kept first: identity must not get it
        status, sent, body = fetch(live_server, path, headers)
        assert status == 200
        answers.append((sent.get("Content-Encoding"), sent.get("X-Rallynov-Cache"), body))
    assert [a[0] for a in answers] == ["gzip", None, "gzip", None, None]
    assert [a[1] for a in answers][2:] == ["hit", "hit", "hit"]  # replayed
    assert gzip.decompress(answers[0][2]) == answers[1][2] == answers[3][2] == answers[4][2]
    assert answers[2][2] == answers[0][2]


def test_small_errors_and_other_routes_are_left_alone(live_server) -> None:  # type: ignore[no-untyped-def]
    status, headers, body = fetch(live_server, "/api/queries/network-nodes?limit=-1", GZIP)
    assert status == 400 and headers.get("Content-Encoding") is None and b"'limit'" in body
    status, headers, _ = fetch(live_server, "/static/site.css?v=0", {"Range": "bytes=0-9", **GZIP})
    assert status == 206 and headers.get("Content-Encoding") is None  # a range stays as it is


@pytest.mark.parametrize(
    "path",
    ["/queries", "/doc/organisation/cress.html", "/static/network.js", "/static/site.css"],
)
def test_pages_and_static_files_are_gzipped(live_server, path) -> None:  # type: ignore[no-untyped-def]
    status, plain_headers, plain = fetch(live_server, path, PLAIN)
    assert status == 200 and plain_headers.get("Content-Encoding") is None
    status, headers, body = fetch(live_server, path, GZIP)
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == plain and len(body) < len(plain)
    assert "accept-encoding" in vary(headers)
    if not path.startswith("/static/"):  # pages: one Vary header naming all three
        assert len(headers.get_all("Vary") or []) == 1
        assert {"accept-encoding", "accept-language", "cookie"} <= vary(headers)
    if path.startswith("/static/"):  # send_file's strong ETag, with the gzip suffix
        assert headers["ETag"] == plain_headers["ETag"][:-1] + GZIP_ETAG_SUFFIX + '"'
        status, again, body = fetch(live_server, path, {"If-None-Match": headers["ETag"], **GZIP})
        assert status == 304 and body == b""


def test_gzip_downloads_are_not_compressed_twice(live_server) -> None:  # type: ignore[no-untyped-def]
    status, headers, body = fetch(live_server, "/download/rallynov.ttl.gz", GZIP)
    assert status == 200 and headers.get("Content-Encoding") is None
    assert headers["Content-Type"] == "application/gzip"
    turtle = gzip.decompress(body)  # one layer of gzip: the file itself
    assert not turtle.startswith(b"\x1f\x8b") and b"<https://w3id.org/rallynov/" in turtle


def test_a_gzip_answer_served_again_is_compressed_once(bundled_store) -> None:  # type: ignore[no-untyped-def]
    from endpoint.app import create_app

    app = create_app({"TESTING": True, "STORE_OBJECT": bundled_store})
    client, cache = app.test_client(), app.config["COMPRESS_CACHE_BACKEND"]()
    url = "/api/queries/network-nodes?limit=50"
    first = client.get(url, headers=GZIP)
    kept = len(cache)
    assert first.headers["Content-Encoding"] == "gzip" and kept >= 1
    hits = cache.hits
    again = client.get(url, headers=GZIP)
    assert again.data == first.data and cache.hits == hits + 1 and len(cache) == kept
    # another host: other absolute links in the body, so another entry (by URL and ETag)
    other = client.get(url, headers=GZIP, base_url="http://example.org")
    assert b"http://example.org/api/queries/network-nodes?" in gzip.decompress(other.data)
    assert len(cache) == kept + 1
    # an answer without a strong ETag (the query editor's page) is compressed but not kept
    editor = client.get("/sparql", headers={"Accept": "text/html", **GZIP})
    assert editor.headers["Content-Encoding"] == "gzip" and len(cache) == kept + 1

"""``/sparql`` at run time, over real HTTP: a query that runs too long is stopped while other
clients are served, repeated queries come from the cache, ``ETag``/``304`` and CORS."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from email.message import Message
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest

from endpoint.store import EmbeddedStore
from loaders.build import BuildResult
from tests.conftest import serving

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def fetch(
    url: str,
    *,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
) -> tuple[int, Message, bytes]:
    """Status, headers (case-insensitive) and body, for error statuses too."""
    request = Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urlopen(request, timeout=60) as response:  # noqa: S310 (our own server)
            return response.status, response.headers, response.read()
    except HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def query_url(base: str, query: str, **params: str) -> str:
    return f"{base}/sparql?" + urlencode({"query": query} | params)


@pytest.fixture(scope="module")
def slow_store(bundled: BuildResult) -> Iterator[EmbeddedStore]:
    """A store of its own, so that killing its workers disturbs no other test."""
    from endpoint.query_runner import pool_for

    store = EmbeddedStore()
    store.publish(bundled.named_graphs())
    yield store
    pool_for(store, 1).close()


def test_a_long_query_is_stopped_and_others_are_served(slow_store: EmbeddedStore) -> None:
    from endpoint.app import create_app
    from endpoint.query_runner import pool_for

    app = create_app({"STORE_OBJECT": slow_store, "QUERY_TIMEOUT": 2, "QUERY_WORKERS": 2})
    with serving(app) as base:
        assert fetch(query_url(base, "ASK {}"))[0] == 200  # workers are up
        before = set(pool_for(slow_store, 2).pids())
        outcome: dict[str, object] = {}

        def expensive() -> None:
            started = time.monotonic()
            outcome["answer"] = fetch(query_url(base, CROSS_JOIN))
            outcome["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=expensive)
        thread.start()
        time.sleep(0.3)
        served_meanwhile = []
        for limit in range(1, 6):  # distinct queries: no cache help
            started = time.monotonic()
            status, _, body = fetch(query_url(base, f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {limit}"))
            served_meanwhile.append(time.monotonic() - started)
            assert status == 200 and len(json.loads(body)["results"]["bindings"]) == limit
        assert thread.is_alive(), "the expensive query should still be running"
        thread.join(10)
        status, headers, body = outcome["answer"]  # type: ignore[misc]
        assert status == 503
        assert headers["Content-Type"] == "application/json"
        assert "longer than 2 s" in json.loads(body)["error"]["message"]
        assert 2.0 <= outcome["seconds"] < 3.0  # type: ignore[operator]
        assert max(served_meanwhile) < 1.5  # while a worker is busy with the expensive query
        print(f"\ntimeout answered after {outcome['seconds']:.2f} s; meanwhile "
              f"{len(served_meanwhile)} queries in at most {max(served_meanwhile) * 1000:.0f} ms")  # fmt: skip
        # The stopped worker is gone (killed and reaped), and a new one answers.
        after_kill = set(pool_for(slow_store, 2).pids())
        killed = before - after_kill
        assert len(killed) == 1
        with pytest.raises(ProcessLookupError):
            os.kill(killed.pop(), 0)
        assert fetch(query_url(base, "SELECT * WHERE { ?s ?p ?o } LIMIT 9"))[0] == 200
        status, _, body = fetch(query_url(base, "ASK { ?s ?p ?o }"))
        assert json.loads(body)["boolean"] is True


def test_workers_do_not_hold_the_servers_pipes(slow_store: EmbeddedStore) -> None:
    """A child of the server (a browser driver, say) that waits for EOF on its stdin gets it when
    the server closes the pipe: the query processes forked meanwhile hold no copy of it."""
    from endpoint.query_runner import QueryPool
    from endpoint.sparql.execution import Job

    reader = subprocess.Popen(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    pool = QueryPool(slow_store, size=1)  # forked while the pipe is open
    try:
        assert pool.run(Job("ASK {}"), timeout=10).body == b'{"head":{},"boolean":true}'
        assert reader.stdin is not None
        reader.stdin.close()
        assert reader.wait(timeout=10) == 0
    finally:
        pool.close()
        if reader.poll() is None:
            reader.kill()
            reader.wait()


def test_repeated_queries_come_from_the_cache(live_server: str) -> None:
    query = """SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?s ?q ?x }
               GROUP BY ?p ORDER BY DESC(?n) # cache test"""
    first = time.perf_counter()
    status, headers, body = fetch(query_url(live_server, query))
    uncached = time.perf_counter() - first
    assert status == 200 and headers["X-Rallynov-Cache"] == "miss"
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        again = fetch(query_url(live_server, query))
        timings.append(time.perf_counter() - started)
        assert again[1]["X-Rallynov-Cache"] == "hit" and again[2] == body
    cached = statistics.median(timings)
    print(f"\nuncached {uncached * 1000:.1f} ms, cached median {cached * 1000:.1f} ms")
    assert cached < uncached
    # The same query by POST hits the same entry; another format does not.
    posted = fetch(
        f"{live_server}/sparql",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert posted[1]["X-Rallynov-Cache"] == "hit"
    as_csv = fetch(query_url(live_server, query), headers={"Accept": "text/csv"})
    assert as_csv[1]["X-Rallynov-Cache"] == "miss"


def test_etag_last_modified_and_304(live_server: str, bundled_store: EmbeddedStore) -> None:
    url = query_url(live_server, "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?t } # etag test")
    status, headers, body = fetch(url)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and etag.startswith('"') and modified.endswith("GMT")
    assert "must-revalidate" in headers["Cache-Control"]
    not_modified = fetch(url, headers={"If-None-Match": etag})
    assert not_modified[0] == 304 and not_modified[2] == b""
    assert not_modified[1]["ETag"] == etag
    assert fetch(url, headers={"If-None-Match": '"something-else"'})[0] == 200
    assert fetch(url, headers={"If-Modified-Since": modified})[0] == 304
    # The ETag depends on the format and on the query.
    assert fetch(url, headers={"Accept": "text/csv"})[1]["ETag"] != etag
    other = query_url(live_server, "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?t } # other")
    assert fetch(other)[1]["ETag"] != etag
    # ... and on the dataset version: the same query on another version is another answer.
    from endpoint.sparql.cache import etag_for

    meta = bundled_store.meta()
    assert meta is not None
    key = (meta.version, "ASK {}", None, None, "JSON/TURTLE", 10000)
    assert etag_for(key) != etag_for(("another-version", *key[1:]))


def test_cors_for_reads(live_server: str) -> None:
    url = query_url(live_server, "ASK {}")
    status, headers, _ = fetch(url, headers={"Origin": "https://example.org"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in headers["Access-Control-Expose-Headers"]
    status, headers, body = fetch(
        f"{live_server}/sparql",
        method="OPTIONS",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert status == 204 and body == b""
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "content-type" in headers["Access-Control-Allow-Headers"].lower()
    error = fetch(query_url(live_server, "SELECT * WHERE {"), headers={"Origin": "https://x.org"})
    assert error[0] == 400 and error[1]["Access-Control-Allow-Origin"] == "*"
    description = fetch(f"{live_server}/sparql", headers={"Accept": "text/turtle"})
    assert description[1]["Access-Control-Allow-Origin"] == "*"


def test_head_request(live_server: str) -> None:
    status, headers, body = fetch(query_url(live_server, "ASK {}"), method="HEAD")
    assert status == 200 and body == b""
    assert headers["Content-Type"] == "application/sparql-results+json"

"""32 concurrent clients for about 3 s on a mixed workload (SPARQL queries, pages, API calls,
downloads) against the live server: zero 5xx and zero dropped connections. The 60 s run with
its p99 is ``python bench/run.py --load-only`` (bench/RESULTS.md)."""

from __future__ import annotations

import http.client
import itertools
import threading
import time
import urllib.parse
from collections import Counter

from endpoint.named_queries import load_named_queries
from tests.robustness.conftest import fetch, quote

CLIENTS, SECONDS, TIMEOUT = 32, 3.0, 30.0
QUERIES = [
    "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class",
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label "
    'FILTER(CONTAINS(LCASE(STR(?label)), "emploi")) } LIMIT 50',
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/rallynov/def#SocialInnovation> ; ?p ?o } "
    "LIMIT 200",
    "ASK { ?s ?p ?o }",
]


def _workload(base: str) -> list[tuple[str, str]]:
    """(path, Accept) pairs: distinct SPARQL queries are made per request from these."""
    pages = [
        "/",
        "/sparql",
        "/queries",
        "/map",
        "/network",
        "/catalog",
        "/download/",
        "/map/innovations.geojson",
        "/network/co-organisation.json",
        "/def",
        "/vocab/",
    ]
    work = [(p, "text/html") for p in pages]
    work += [(f"/api/queries/{name}", "application/json") for name in sorted(load_named_queries())]
    sums = fetch(base, "/download/SHA256SUMS", timeout=TIMEOUT)
    assert sums.status == 200
    names = [line.split()[-1] for line in sums.body.decode().splitlines() if line.strip()]
    work += [(f"/download/{name}", "*/*") for name in names]
    work += [("sparql:" + q, "application/sparql-results+json") for q in QUERIES]
    return work


def test_32_clients_mixed_workload(live_server: str) -> None:
    work = _workload(live_server)
    for path, accept in work:  # build what is built once per dataset version, outside the clock
        if not path.startswith("sparql:"):
            assert (
                fetch(live_server, path, headers={"Accept": accept}, timeout=TIMEOUT).status < 500
            )
    parts = urllib.parse.urlsplit(live_server)
    statuses: Counter[int] = Counter()
    dropped: list[str] = []
    lock = threading.Lock()
    nonce = itertools.count()
    gate = threading.Barrier(CLIENTS)
    stop = [0.0]

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
        mine: Counter[int] = Counter()
        gate.wait()
        for i in itertools.count(offset):
            if time.perf_counter() > stop[0]:
                break
            path, accept = work[i % len(work)]
            if path.startswith("sparql:"):  # distinct text: no cache can help
                text = path[len("sparql:") :] + f" # client {offset} request {next(nonce)}"
                path = f"/sparql?query={quote(text)}"
            try:
                conn.request("GET", path, headers={"Accept": accept})
                response = conn.getresponse()
                response.read()
                mine[response.status] += 1
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    dropped.append(f"{path[:80]}: {type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
        conn.close()
        with lock:
            statuses.update(mine)

    stop[0] = time.perf_counter() + SECONDS
    threads = [threading.Thread(target=client, args=(n * 5,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT + SECONDS + 10)
    assert not any(t.is_alive() for t in threads), "a client is still waiting: a hung worker"
    assert not dropped, f"{len(dropped)} dropped connections, e.g. {dropped[:3]}"
    server_errors = {s: n for s, n in statuses.items() if s >= 500}
    assert not server_errors, f"5xx answers: {server_errors} of {sum(statuses.values())}"
    assert sum(statuses.values()) >= CLIENTS, statuses

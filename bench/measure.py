"""HTTP measurements: per-query latency (sequential, bounded repetitions) and throughput with
concurrent clients for a bounded time, over persistent HTTP/1.1 connections (``http.client``).

Three request modes:

- ``distinct``: every request differs (a ``VALUES ?bench_nonce { N }`` row is bound at the top of
  the WHERE group: same answer, new text), so no cache can help;
- ``repeated``: the same requests again and again (a result cache helps);
- ``revalidate``: the same, but each client remembers the ``ETag`` of every URL and sends
  ``If-None-Match`` (a browser or a proxy cache revalidating); ``304`` answers count as served.
"""

from __future__ import annotations

import http.client
import itertools
import json
import statistics
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox

from endpoint.named_queries import bind_parameters

SELECT_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples"
MODES = ("distinct", "repeated", "revalidate")


@dataclass(frozen=True)
class Item:
    """One request of a mix: a SPARQL query (``text``) or a page of our site (``path``)."""

    name: str
    text: str | None = None
    path: str | None = None
    accept: str = SELECT_ACCEPT


def is_graph_query(text: str) -> bool:
    body = "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith(("#", "PREFIX"))
    )
    return body.lstrip().upper().startswith(("CONSTRUCT", "DESCRIBE"))


def sparql_item(name: str, text: str) -> Item:
    return Item(name, text=text, accept=GRAPH_ACCEPT if is_graph_query(text) else SELECT_ACCEPT)


def with_nonce(text: str, nonce: int) -> str:
    """The same query with a one-row ``VALUES`` of an unused variable: a new text, same answer."""
    return bind_parameters(
        text,
        {
            "bench_nonce": ox.Literal(
                str(nonce), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
            )
        },
    )


def target(base_url: str, item: Item, nonce: int | None) -> str:
    """The URL (path and query string) to GET for ``item`` on a server whose SPARQL endpoint or
    site is ``base_url``."""
    if item.path is not None:
        return item.path
    text = item.text if nonce is None else with_nonce(item.text or "", nonce)
    parts = urllib.parse.urlsplit(base_url)
    sep = "&" if parts.query else "?"
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"{path}{sep}query={urllib.parse.quote(text or '', safe='')}"


class Connection:
    """One persistent connection to one server; reconnects after an error."""

    def __init__(self, base_url: str, timeout: float):
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def get(self, url: str, headers: dict[str, str]) -> tuple[int, bytes, str | None]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.conn.request("GET", url, headers=headers)
            response = self.conn.getresponse()
            body = response.read()
            etag = response.getheader("ETag")
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, body, etag
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def count_results(body: bytes, accept: str) -> int | None:
    """Rows of a SPARQL JSON answer, or triples of an N-Triples answer."""
    try:
        if accept == GRAPH_ACCEPT:
            return sum(
                1 for line in body.splitlines() if line.strip() and not line.startswith(b"#")
            )
        data = json.loads(body)
        return len(data["results"]["bindings"]) if "results" in data else 1
    except (ValueError, KeyError, TypeError):
        return None


@dataclass
class Latency:
    name: str
    samples_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    error: str | None = None
    results: int | None = None

    def summary(self) -> dict[str, object]:
        return {
            "name": self.name,
            "n": len(self.samples_ms),
            "median_ms": statistics.median(self.samples_ms) if self.samples_ms else None,
            "p95_ms": percentile(self.samples_ms, 0.95),
            "statuses": dict(self.statuses),
            "error": self.error,
            "results": self.results,
        }


def latency(
    base_url: str,
    item: Item,
    *,
    mode: str,
    repetitions: int,
    budget_s: float,
    timeout: float,
    nonce_start: int = 1,
) -> Latency:
    """Sequential requests: one warm-up, then up to ``repetitions`` timed ones, stopping early
    when ``budget_s`` is spent (after 3 timed ones, or fewer when each takes about the budget). Non-2xx/304 answers are recorded, not timed."""
    result = Latency(item.name)
    conn = Connection(base_url, timeout)
    nonces = itertools.count(nonce_start)
    etag: str | None = None
    spent = 0.0
    try:
        for i in range(repetitions + 1):
            headers = {"Accept": item.accept}
            if mode == "revalidate" and etag:
                headers["If-None-Match"] = etag
            url = target(base_url, item, next(nonces) if mode == "distinct" else None)
            started = time.perf_counter()
            try:
                status, body, tag = conn.get(url, headers)
            except Exception as exc:  # timeouts and resets end this query's measurement
                result.error = f"{type(exc).__name__}: {exc}"[:200]
                break
            elapsed = time.perf_counter() - started
            spent += elapsed
            etag = tag or etag
            result.statuses[status] += 1
            if status >= 400:
                result.error = f"HTTP {status}: {body[:160].decode('utf-8', 'replace')}"
                break
            if i == 0:
                result.results = count_results(body, item.accept) if item.text else None
                continue  # warm-up
            result.samples_ms.append(elapsed * 1000)
            if spent > budget_s and (i >= 3 or spent > 3 * budget_s):
                break  # slow queries: the warm-up and one or two timed runs
    finally:
        conn.close()
    return result


@dataclass
class Throughput:
    mode: str
    clients: int
    duration_s: float
    completed: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    samples_ms: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        return {
            "mode": self.mode,
            "clients": self.clients,
            "duration_s": round(self.duration_s, 2),
            "completed": self.completed,
            "per_s": self.completed / self.duration_s if self.duration_s else 0.0,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "server_errors": sum(v for k, v in self.statuses.items() if k >= 500),
            "dropped": sum(self.errors.values()),
            "errors": dict(self.errors.most_common(5)),
            "p50_ms": percentile(self.samples_ms, 0.50),
            "p95_ms": percentile(self.samples_ms, 0.95),
            "p99_ms": percentile(self.samples_ms, 0.99),
            "max_ms": max(self.samples_ms) if self.samples_ms else None,
        }


def throughput(
    bases: dict[str, str],
    items: list[Item],
    *,
    mode: str,
    clients: int,
    seconds: float,
    timeout: float,
) -> Throughput:
    """``clients`` threads, each cycling through ``items`` (from its own offset) for ``seconds``.

    ``bases`` maps each kind of item to its server URL: ``"sparql"`` (the query endpoint) and
    ``"site"`` (our pages). Only requests completed before the deadline count; a request that
    fails (connection refused, reset, timeout) counts as dropped.
    """
    result = Throughput(mode, clients, seconds)
    lock = threading.Lock()
    nonces = itertools.count(1_000_000)
    start_gate = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(offset: int) -> None:
        conns = {k: Connection(v, timeout) for k, v in bases.items()}
        etags: dict[str, str] = {}
        local_ok: list[float] = []
        local_status: Counter[int] = Counter()
        local_errors: Counter[str] = Counter()
        start_gate.wait()
        for i in itertools.count(offset):
            if time.perf_counter() >= deadline[0]:
                break
            item = items[i % len(items)]
            kind = "site" if item.path is not None else "sparql"
            url = target(bases[kind], item, next(nonces) if mode == "distinct" else None)
            headers = {"Accept": item.accept}
            if mode == "revalidate" and url in etags:
                headers["If-None-Match"] = etags[url]
            started = time.perf_counter()
            try:
                status, _body, etag = conns[kind].get(url, headers)
            except Exception as exc:
                local_errors[type(exc).__name__] += 1
                continue
            finished = time.perf_counter()
            if finished > deadline[0]:
                break
            if etag and mode == "revalidate":
                etags[url] = etag
            local_status[status] += 1
            local_ok.append((finished - started) * 1000)
        for conn in conns.values():
            conn.close()
        with lock:
            result.completed += len(local_ok)
            result.samples_ms.extend(local_ok)
            result.statuses.update(local_status)
            result.errors.update(local_errors)

    threads = [threading.Thread(target=client, args=(n * 7,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    start_gate.wait()
    for thread in threads:
        thread.join(timeout + seconds + 5)
    return result

"""Helpers of the robustness tests: a plain HTTP client with a timeout (a hung worker shows as a
timeout), the checks every answer must pass, and a listener on 127.0.0.1 that records every
connection made to it (nothing we serve or load may ever connect to a URL a client chose).
"""

from __future__ import annotations

import http.client
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

TIMEOUT = 20.0
# what a leaked stack trace or exception looks like in a body
TRACE_MARKERS = (
    b"Traceback (most recent call last)",
    b'File "/',
    b"site-packages",
    b"werkzeug.exceptions",
    b"Internal Server Error",
)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(
    base: str,
    path: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> Answer:
    """One request on a fresh connection; raises on a timeout or a dropped connection."""
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    finally:
        conn.close()


def assert_sane(answer: Answer, what: str, sent: str = "") -> None:
    """No 5xx, no stack trace or exception name in the body (unless the client sent that text,
    which an error message may quote back)."""
    assert answer.status < 500, f"{what}: HTTP {answer.status}: {answer.body[:300]!r}"
    for marker in TRACE_MARKERS:
        if marker.decode() in sent:
            continue
        assert marker not in answer.body, (
            f"{what}: the body shows {marker!r}: {answer.body[:300]!r}"
        )


def quote(text: str) -> str:
    return urllib.parse.quote(text, safe="")


class Listener:
    """A TCP listener on 127.0.0.1 that accepts, records and answers every connection with a
    small HTTP 200 (a JSON-LD context, an entity, SPARQL results: whatever would be fetched)."""

    BODY = b'{"@context": {"name": "http://schema.org/name"}, "head": {"vars": []}, "results": {"bindings": []}}'

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections: list[bytes] = []
        self.lock = threading.Lock()
        self.closed = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(1)
                try:
                    first = conn.recv(4096)
                except OSError:
                    first = b""
                with self.lock:
                    self.connections.append(first)
                head = (
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/ld+json\r\n"
                    b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(self.BODY)
                )
                try:
                    conn.sendall(head + self.BODY)
                except OSError:
                    pass

    @property
    def count(self) -> int:
        with self.lock:
            return len(self.connections)

    def close(self) -> None:
        self.closed = True
        self.sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    """A module-wide listener; tests compare ``listener.count`` before and after."""
    spy = Listener()
    yield spy
    spy.close()


@pytest.fixture(scope="module")
def strict_server(bundled_store) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A live server like ``live_server`` but with a 2 s query timeout, so that tests of
    expensive queries stay short."""
    from waitress.server import create_server

    from endpoint.app import create_app

    app = create_app({"STORE_OBJECT": bundled_store, "QUERY_TIMEOUT": 2.0})
    server = create_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"  # type: ignore[union-attr]
    server.close()


def is_timeout_answer(answer: Answer) -> bool:
    """The documented answer to a query stopped at the timeout: 503 with Retry-After."""
    return answer.status == 503 and "retry-after" in answer.headers

"""Oversized requests are refused early: ``rallynov serve`` answers 413 as soon as it reads a
Content-Length above MAX_BODY, without waiting for (or buffering) the body."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

MAX_BODY = 100_000


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, int]]:
    """``rallynov serve --port 0`` with RALLYNOV_MAX_BODY=100000 (the bundled data, in memory)."""
    env = {**os.environ, "RALLYNOV_MAX_BODY": str(MAX_BODY)}
    process = subprocess.Popen(  # noqa: S603 (our own command)
        [
            sys.executable,
            "-c",
            "from endpoint.cli import main; main()",
            "serve",
            "--port",
            "0",
            "--threads",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "answering at http://127.0.0.1:" in line, line
        port = int(line.split("answering at http://127.0.0.1:", 1)[1].split("/", 1)[0])
        yield "127.0.0.1", port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _status_after_headers(
    address: tuple[str, int], length: int, content_type: str
) -> tuple[str, float]:
    """Send only the headers and a few bytes of a ``length``-byte body; return the status line
    and how long it took to come."""
    with socket.create_connection(address, timeout=5) as sock:
        head = (
            f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"Accept: application/sparql-results+json\r\nContent-Length: {length}\r\n\r\n"
        )
        started = time.perf_counter()
        sock.sendall(head.encode() + b"ASK {}")
        try:
            data = sock.recv(200)
        except TimeoutError:
            return "no answer within 5 s", time.perf_counter() - started
        return data.split(b"\r\n", 1)[0].decode("latin-1"), time.perf_counter() - started


@pytest.mark.parametrize(
    "content_type", ["application/sparql-query", "application/x-www-form-urlencoded"]
)
def test_an_announced_oversized_body_is_refused_before_it_is_sent(
    served: tuple[str, int], content_type: str
) -> None:
    status, elapsed = _status_after_headers(served, 50_000_000, content_type)
    assert status.startswith("HTTP/1.1 413"), f"{status!r} after {elapsed:.1f} s"
    assert elapsed < 2


def test_a_body_within_the_limit_is_served(served: tuple[str, int]) -> None:
    text = b"ASK { }" + b" " * (MAX_BODY - 100)
    with socket.create_connection(served, timeout=10) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/sparql-query\r\n"
            b"Accept: application/sparql-results+json\r\nConnection: close\r\n"
            + f"Content-Length: {len(text)}\r\n\r\n".encode()
            + text
        )
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    assert b"true" in answer

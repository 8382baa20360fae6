"""``rallynov serve`` as a user runs it: a subprocess on a free 127.0.0.1 port (``--port 0``; the
URL it prints says which), one log line per request, a clean stop on SIGTERM and on Ctrl-C
(SIGINT), its query workers gone with it. Every process is stopped by its PID."""

from __future__ import annotations

import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote
from urllib.request import urlopen

import pytest

from endpoint.cli_serve import RequestLog

ROOT = Path(__file__).resolve().parents[2]
# The ``rallynov`` entry point, run by this interpreter (``python -m endpoint.cli`` would load the
# module twice, as __main__ and as endpoint.cli).
RALLYNOV = [sys.executable, "-c", "from endpoint.cli import main; main()"]


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    stderr: list[str] = field(default_factory=list)

    def get(self, path: str) -> tuple[int, bytes]:
        with urlopen(self.url + path.lstrip("/"), timeout=30) as response:  # noqa: S310
            return response.status, response.read()

    def descendants(self) -> list[int]:
        """PIDs of the server's child processes and theirs (the query zygote and workers)."""
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            children = []
            for task in Path(f"/proc/{pid}/task").glob("*/children"):  # one file per thread
                try:
                    children += task.read_text().split()
                except OSError:
                    continue
            found += [int(c) for c in children]
            todo += [int(c) for c in children]
        return found

    def stop(self, signum: int) -> int:
        self.process.send_signal(signum)
        return self.process.wait(timeout=15)


def _pump(stream, lines: queue.Queue[str | None], keep: list[str] | None) -> None:  # type: ignore[no-untyped-def]
    for line in stream:
        if keep is not None:
            keep.append(line)
        lines.put(line)
    lines.put(None)


@contextmanager
def serving(*args: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    command = [*RALLYNOV, "serve", "--port", "0", *args]
    process = subprocess.Popen(  # noqa: S603 (our own command)
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out: queue.Queue[str | None] = queue.Queue()
    err_lines: list[str] = []
    err: queue.Queue[str | None] = queue.Queue()
    threads = [
        threading.Thread(target=_pump, args=(process.stdout, out, None), daemon=True),
        threading.Thread(target=_pump, args=(process.stderr, err, err_lines), daemon=True),
    ]
    for thread in threads:
        thread.start()
    try:
        line = out.get(timeout=60)
        assert line and "answering at http://127.0.0.1:" in line, (line, err_lines)
        url = line.split("answering at ", 1)[1].split()[0]
        yield Server(process, url, err_lines)
    finally:
        if process.poll() is None:
            process.kill()  # only if a test failed before stopping it
            process.wait(timeout=10)
        for thread in threads:
            thread.join(5)
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        process.stderr.close()


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" in status.read_text()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serve_the_bundled_dataset_and_stop(tmp_path: Path, signum: int) -> None:
    with serving(env={"RALLYNOV_STORE": str(tmp_path / "none")}) as server:
        status, body = server.get("/sparql?query=" + quote("ASK { ?s ?p ?o }"))
        assert status == 200 and json.loads(body)["boolean"] is True
        status, _ = server.get("/sparql")
        assert status == 200
        workers = server.descendants()
        assert workers, "the query ran in worker processes"
        assert server.stop(signum) == 0
        time.sleep(0.5)
        assert all(_gone(pid) for pid in workers)
        text = "".join(server.stderr)
        assert "bundled dataset, built in memory" in text
        assert '"GET /sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D HTTP/1.1" 200' in text
        assert '"GET /sparql HTTP/1.1" 200' in text
        assert "Traceback" not in text and "Stopped." in text


def test_serve_a_published_store(tmp_path: Path) -> None:
    from endpoint.store import open_store

    store = tmp_path / "store"
    build = subprocess.run(  # noqa: S603
        [*RALLYNOV, "build", "--store", str(store), "--no-default",
         str(ROOT / "tests/data/mini")],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    meta = open_store(store).meta()
    assert meta is not None
    with serving("--store", str(store), "--threads", "2") as server:
        query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        _, body = server.get("/sparql?query=" + quote(query))
        count = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
        public = sum(n for g, n in meta.graphs.items() if not g.endswith("/restricted"))
        assert count == public
        assert server.stop(signal.SIGTERM) == 0
        assert f"the store {store}" in "".join(server.stderr)


def test_serve_refuses_an_empty_store(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603
        [*RALLYNOV, "serve", "--store", str(tmp_path), "--port", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "no dataset is published" in result.stderr and "Traceback" not in result.stderr


def test_serve_says_when_the_port_is_taken(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(  # noqa: S603
            [*RALLYNOV, "serve", "--port", str(port)],
            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
            env={**os.environ, "RALLYNOV_STORE": str(tmp_path / "none")},
        )  # fmt: skip
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_request_log_writes_one_line_per_request(caplog: pytest.LogCaptureFixture) -> None:
    def app(environ, start_response):  # type: ignore[no-untyped-def]
        start_response("201 Created", [("Content-Type", "text/plain")])
        return [b"hello", b" world"]

    logged = RequestLog(app, logging.getLogger("test.access"))
    environ = {
        "REMOTE_ADDR": "10.0.0.1",
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/sparql",
        "QUERY_STRING": "format=json",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    with caplog.at_level(logging.INFO, logger="test.access"):
        body = b"".join(logged(environ, lambda *args: None))
    assert body == b"hello world"
    assert len(caplog.records) == 1
    line = caplog.records[0].getMessage()
    assert line.startswith('10.0.0.1 - - "POST /sparql?format=json HTTP/1.1" 201 11 ')
    assert line.endswith("ms")

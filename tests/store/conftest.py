"""Store backends for the parametrised suite, and real ``oxigraph serve`` servers on 127.0.0.1.

``oxigraph`` (session): one server for the read and publish tests; each remote store gets its
own manifest graph on it, so tests do not see each other's data. ``fresh_oxigraph``: a server of
its own, for the tests that kill and restart it (same port, same location). Every server is a
subprocess, waited for until it answers, and stopped by its PID (Popen.terminate / kill).
Helpers reach the tests as fixtures (``remote``, ``server_graphs``, ``unused_url``).
"""

from __future__ import annotations

import itertools
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from endpoint.store import EmbeddedStore, OnDiskStore, Store
from endpoint.store.remote import RemoteStore
from loaders import build_graphs
from loaders.build import BuildResult

MINI = Path(__file__).parent.parent / "data" / "mini"
BACKENDS = ["embedded", "disk", "remote"]
START_TIMEOUT = 20.0
StoreFactory = Callable[[], Store]
_manifests = itertools.count(1)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class OxigraphServer:
    """``oxigraph serve --location DIR --bind 127.0.0.1:PORT``, started and stopped on demand."""

    def __init__(self, location: Path, port: int | None = None):
        self.location = location
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = location.parent / f"{location.name}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def start(self) -> None:
        """Start on the same port and location as before; return once it answers a query."""
        binary = shutil.which("oxigraph")
        if binary is None:
            pytest.fail("the 'oxigraph' command is missing: pip install 'oxigraph>=0.5,<0.6'")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    binary,
                    "serve",
                    "--location",
                    str(self.location),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                ],  # fmt: skip
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"oxigraph serve stopped at start: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}?query=ASK%7B%7D", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        self.kill()
        pytest.fail(f"oxigraph serve did not answer within {START_TIMEOUT:g} s")

    def kill(self) -> None:
        """SIGKILL by PID, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None


def remote_store(url: str, **options: Any) -> RemoteStore:
    """A remote store with a manifest graph of its own, read afresh on every call."""
    options.setdefault("graph", f"https://w3id.org/rallynov/graph/manifest/test-{next(_manifests)}")
    options.setdefault("manifest_ttl", 0.0)
    options.setdefault("retry_after", 1.0)
    options.setdefault("timeout", 10.0)
    return RemoteStore(url, **options)


def make_factory(kind: str, oxigraph: OxigraphServer, folder: Path) -> StoreFactory:
    """Each call of the factory: a new, empty store of backend ``kind``."""
    counter = itertools.count()
    if kind == "embedded":
        return EmbeddedStore
    if kind == "disk":
        return lambda: OnDiskStore(folder / f"store-{next(counter)}", writable=True)
    return lambda: remote_store(oxigraph.url)


def count(
    store: Store, sparql: str = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **kw: Any
) -> int:
    """The ``?n`` of a one-row counting query."""
    return int(next(iter(store.query(sparql, **kw)))["n"].value)  # type: ignore[call-overload]


def server_graphs(url: str) -> set[str]:
    """Every named graph the server holds (asked without a protocol dataset, bypassing the store)."""
    query = urllib.parse.urlencode({"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }"})
    request = urllib.request.Request(
        f"{url}?{query}", headers={"Accept": "text/tab-separated-values"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        lines = answer.read().decode().splitlines()[1:]
    return {line.strip().strip("<>") for line in lines if line.strip()}


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "db")
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def fresh_oxigraph(tmp_path: Path) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path / "db")
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def new_store(
    request: pytest.FixtureRequest, oxigraph: OxigraphServer, tmp_path: Path
) -> StoreFactory:
    """A factory of empty stores of one backend."""
    return make_factory(request.param, oxigraph, tmp_path)


@pytest.fixture(scope="session")
def mini() -> BuildResult:
    return build_graphs([MINI], include_default=False)


@pytest.fixture(scope="session", params=BACKENDS)
def published(
    request: pytest.FixtureRequest,
    oxigraph: OxigraphServer,
    bundled: BuildResult,
    tmp_path_factory: pytest.TempPathFactory,
) -> Store:
    """The bundled dataset published once per backend (for the read-only tests)."""
    folder = tmp_path_factory.mktemp(f"published-{request.param}")
    store = make_factory(request.param, oxigraph, folder)()
    store.publish(bundled.named_triples())
    return store


@pytest.fixture()
def remote() -> Callable[..., RemoteStore]:
    """``remote(url, **options)``: a remote store with a manifest graph of its own."""
    return remote_store


@pytest.fixture()
def unused_url() -> str:
    """The query URL of a port where nothing listens."""
    return f"http://127.0.0.1:{free_port()}/query"


@pytest.fixture()
def graphs_on_server() -> Callable[[str], set[str]]:
    return server_graphs

"""Start and stop the servers the benchmark compares, all bound to 127.0.0.1.

Each peer is a :class:`Server`: its SPARQL query URL, the processes whose peak memory counts
(``VmHWM`` of ``/proc/PID/status``) and a ``stop()``. The peers:

- ``ours`` -- ``rallynov serve --store DIR`` (the on-disk store, loaded into pyoxigraph's
  in-memory store at start-up: the embedded fast path);
- ``ours-remote`` -- ``rallynov serve --store URL`` on a dedicated ``oxigraph serve`` the data was
  published to (:func:`publish_remote`); its memory is both processes';
- ``oxigraph`` -- ``oxigraph serve`` (PyPI ``oxigraph``), loaded with ``oxigraph load``;
- ``rdflib-endpoint`` -- PyPI ``rdflib-endpoint`` (rdflib's engine), installed by
  :func:`rdflib_endpoint_command` in its own virtual environment, never in the project's;
- ``virtuoso`` -- only when ``virtuoso-t`` is installed (:func:`virtuoso_available`).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS_VENV = Path(
    os.environ.get("RALLYNOV_BENCH_VENV", Path.home() / ".cache/rallynov-bench/peers")
)
RDFLIB_ENDPOINT = "rdflib-endpoint[cli]==0.6.3"


class PeerError(RuntimeError):
    """A peer could not be started or loaded; the message says why."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak_rss_mb(pid: int) -> float | None:
    """Peak resident memory (VmHWM) of a live process, in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@dataclass
class Server:
    """A running peer: ``query_url`` answers SPARQL 1.1 Protocol GETs."""

    name: str
    query_url: str
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    site_url: str | None = None  # our endpoint only: the base of the pages and the API
    logs: list[Path] = field(default_factory=list)
    startup_s: float = 0.0
    restarter: Callable[[], Server] | None = None  # a fresh instance, for servers that stay busy
    restarts: int = 0
    past_peak_mb: float = 0.0
    warmup_s: float | None = None  # our endpoint: the start-up warm-up's time

    def peak_rss_mb(self) -> float | None:
        values = [peak_rss_mb(p.pid) for p in self.processes]
        known = [v for v in values if v is not None]
        current = sum(known) if known else None
        return max(current or 0.0, self.past_peak_mb) or None

    def restart(self) -> None:
        """Stop and start again (rdflib-endpoint keeps evaluating a query its client gave up)."""
        assert self.restarter is not None
        self.past_peak_mb = max(self.past_peak_mb, self.peak_rss_mb() or 0.0)
        self.stop()
        fresh = self.restarter()
        self.query_url, self.processes = fresh.query_url, fresh.processes
        self.logs += fresh.logs
        self.restarts += 1

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _spawn(
    command: list[str], log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    handle = log.open("wb")
    return subprocess.Popen(  # noqa: S603 (our own fixed commands)
        command,
        stdout=handle,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def _tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def wait_until_answering(
    url: str, process: subprocess.Popen[bytes], log: Path, timeout: float
) -> None:
    """Poll ``url`` until any HTTP answer; fail early when the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PeerError(
                f"{' '.join(map(str, process.args))} exited with {process.returncode}:\n{_tail(log)}"
            )
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (127.0.0.1)
                return
        except urllib.error.HTTPError:
            return  # answering, even if with an error status
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    process.kill()
    raise PeerError(f"{url} did not answer within {timeout:.0f} s:\n{_tail(log)}")


def _rallynov() -> str:
    beside = Path(sys.executable).parent / "rallynov"
    return str(beside) if beside.exists() else shutil.which("rallynov") or "rallynov"


def our_env(max_rows: int) -> dict[str, str]:
    env = dict(os.environ)
    env["RALLYNOV_MAX_ROWS"] = str(max_rows)
    return env


def start_ours(
    name: str,
    store: str,
    work: Path,
    *,
    max_rows: int,
    threads: int = 8,
    timeout: float = 900,
    extra: list[Server] | None = None,
    warmup: bool = True,
) -> Server:
    """``rallynov serve --store STORE`` on a free port of 127.0.0.1 (``warmup=False``: with
    ``--no-warmup``, for runs whose measures never use what the warm-up precomputes)."""
    port, log = free_port(), work / f"{name}.log"
    started = time.perf_counter()
    process = _spawn(
        [
            _rallynov(),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--store",
            store,
            "--threads",
            str(threads),
            "--warmup" if warmup else "--no-warmup",
        ],
        log,
        our_env(max_rows),
    )
    site = f"http://127.0.0.1:{port}"
    wait_until_answering(site + "/sparql?query=ASK%7B%7D", process, log, timeout)
    answering = time.perf_counter() - started
    warm_s = wait_until_warm(process, log, timeout) if warmup else None
    processes = [process] + [p for s in extra or [] for p in s.processes]
    server = Server(name, site + "/sparql", processes, site, [log], answering)
    server.warmup_s = warm_s
    return server


def wait_until_warm(process: subprocess.Popen[bytes], log: Path, timeout: float) -> float | None:
    """Wait for the start-up warm-up (networks, map layers, downloads: endpoint/warmup.py) to
    finish, so that measures are of a warm server and never share the CPU with it; returns the
    warm-up's own time from its log line, or None when the server has no warm-up."""
    from endpoint.warmup import FINISHED

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        for line in log.read_text(errors="replace").splitlines():
            if FINISHED in line:
                return float(line.split(FINISHED, 1)[1].split()[0])
        time.sleep(0.5)
    return None


def oxigraph_load(location: Path, source: Path) -> tuple[float, float]:
    """``oxigraph load`` of ``source`` into ``location``; returns its wall seconds and peak RSS
    (MB, sampled while it runs: VmHWM is gone once it exits)."""
    started = time.perf_counter()
    load = subprocess.Popen(
        ["oxigraph", "load", "--location", str(location), "--file", str(source)],  # noqa: S603,S607
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    peak = 0.0
    while load.poll() is None:
        peak = max(peak, peak_rss_mb(load.pid) or 0.0)
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    if load.returncode:
        detail = load.stderr.read().decode()[-2000:] if load.stderr else ""
        raise PeerError(f"oxigraph load of {source} failed:\n{detail}")
    return elapsed, peak


def start_oxigraph(
    name: str,
    location: Path,
    work: Path,
    timeout: float = 300,
    query_timeout_s: int | None = None,
) -> Server:
    """``oxigraph serve --location DIR --bind 127.0.0.1:PORT`` (``--timeout-s N`` when given)."""
    if not shutil.which("oxigraph"):
        raise PeerError("the 'oxigraph' command is missing: pip install oxigraph")
    port, log = free_port(), work / f"{name}.log"
    started = time.perf_counter()
    command = ["oxigraph", "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    if query_timeout_s is not None:
        command += ["--timeout-s", str(query_timeout_s)]
    process = _spawn(command, log)
    url = f"http://127.0.0.1:{port}/query"
    wait_until_answering(url + "?query=ASK%7B%7D", process, log, timeout)
    return Server(name, url, [process], None, [log], time.perf_counter() - started)


def publish_remote(query_url: str, source: str) -> dict[str, float]:
    """Build ``source`` and publish it to a SPARQL server with :class:`RemoteStore` (the code
    ``rallynov publish --to`` runs once validation passed); times in a fresh subprocess."""
    child = (
        "import json, sys, time\nfrom pathlib import Path\n"
        "from loaders import build_graphs\nfrom endpoint.store.remote import RemoteStore\n"
        "src = sys.argv[2]\nt0 = time.perf_counter()\n"
        "result = build_graphs([] if src == 'bundled' else [Path(src)], include_default=src == 'bundled')\n"
        "t1 = time.perf_counter()\nmeta = RemoteStore(sys.argv[1]).publish(result.named_triples())\n"
        "t2 = time.perf_counter()\n"
        "print(json.dumps({'map_s': t1 - t0, 'publish_s': t2 - t1, 'triples': meta.triples}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", child, query_url, source],  # noqa: S603
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if out.returncode:
        raise PeerError(f"publishing to {query_url} failed:\n{out.stderr[-2000:]}")
    import json

    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def rdflib_endpoint_command() -> list[str]:
    """The ``rdflib-endpoint`` command, installed on first use into its own virtual environment
    (``~/.cache/rallynov-bench/peers``; RALLYNOV_BENCH_VENV moves it)."""
    exe = PEERS_VENV / "bin" / "rdflib-endpoint"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)  # noqa: S603
        subprocess.run(
            [str(PEERS_VENV / "bin" / "pip"), "install", "-q", RDFLIB_ENDPOINT],  # noqa: S603
            check=True,
        )
    return [str(exe)]


def rdflib_endpoint_version() -> str:
    out = subprocess.run(
        [
            str(PEERS_VENV / "bin" / "python"),
            "-c",  # noqa: S603
            "import importlib.metadata as m; print(m.version('rdflib-endpoint'), "
            "m.version('rdflib'), m.version('uvicorn'))",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    parts = out.stdout.split()
    return (
        f"rdflib-endpoint {parts[0]} (rdflib {parts[1]}, uvicorn {parts[2]})"
        if len(parts) == 3
        else "?"
    )


def start_rdflib_endpoint(name: str, nt_file: Path, work: Path, timeout: float) -> Server:
    """``rdflib-endpoint serve FILE`` (rdflib's in-memory store and SPARQL engine, uvicorn); it
    evaluates one query at a time and cannot stop one, so it can be restarted after a timeout."""
    server = _start_rdflib_endpoint(name, nt_file, work, timeout)
    server.restarter = lambda: _start_rdflib_endpoint(name, nt_file, work, timeout)
    return server


def _start_rdflib_endpoint(name: str, nt_file: Path, work: Path, timeout: float) -> Server:
    port = free_port()
    log = work / f"{name}-{port}.log"
    started = time.perf_counter()
    process = _spawn(
        [
            *rdflib_endpoint_command(),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            str(nt_file),
        ],
        log,
    )
    url = f"http://127.0.0.1:{port}/"
    wait_until_answering(url + "?query=ASK%7B%7D", process, log, timeout)
    return Server(name, url, [process], None, [log], time.perf_counter() - started)


def virtuoso_available() -> bool:
    return shutil.which("virtuoso-t") is not None


def start_virtuoso(name: str, nt_file: Path, work: Path, timeout: float = 300) -> Server:
    """Virtuoso 7 on 127.0.0.1 only (``ServerPort = 127.0.0.1:PORT`` in both sections), loaded
    with ``ld_dir`` + ``rdf_loader_run`` into the default graph of its /sparql endpoint."""
    folder = work / name
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    shutil.copy(nt_file, folder / "data.nt")
    (folder / "virtuoso.ini").write_text(
        f"[Database]\nDatabaseFile = {folder}/v.db\nTransactionFile = {folder}/v.trx\n"
        f"ErrorLogFile = {folder}/v.log\nxa_persistent_file = {folder}/v.pxa\n"
        f"[TempDatabase]\nDatabaseFile = {folder}/v-temp.db\nTransactionFile = {folder}/v-temp.trx\n"
        f"[Parameters]\nServerPort = 127.0.0.1:{sql_port}\nDirsAllowed = ., {folder}\n"
        "NumberOfBuffers = 170000\nMaxDirtyBuffers = 130000\n"
        f"[HTTPServer]\nServerPort = 127.0.0.1:{http_port}\nServerThreads = 8\n"
        "[SPARQL]\nResultSetMaxRows = 10000000\nMaxQueryExecutionTime = 60\n",
        encoding="utf-8",
    )
    log = work / f"{name}.log"
    started = time.perf_counter()
    process = _spawn(["virtuoso-t", "-f", "-c", str(folder / "virtuoso.ini")], log)
    url = f"http://127.0.0.1:{http_port}/sparql"
    wait_until_answering(url + "?query=ASK%7B%7D", process, log, timeout)
    graph = "urn:rallynov:bench"
    script = (
        f"ld_dir('{folder}', 'data.nt', '{graph}');\nrdf_loader_run();\ncheckpoint;\n"
        f"DB.DBA.RDF_DEFAULT_GRAPH_IRI_SET('{graph}');\n"
    )
    isql = shutil.which("isql-vt") or shutil.which("isql") or "isql-vt"
    subprocess.run(
        [isql, f"127.0.0.1:{sql_port}", "dba", "dba"],
        input=script.encode(),  # noqa: S603
        check=True,
        capture_output=True,
    )
    return Server(
        name,
        url + f"?default-graph-uri={graph}",
        [process],
        None,
        [log],
        time.perf_counter() - started,
    )

"""Faults of the remote store on real ``oxigraph serve`` processes: rollback, a publisher killed
with SIGKILL, the server killed during a publish, the server down and back.

Every loop is bounded in count and time; every process is started here and stopped by its PID.
"""

from __future__ import annotations

import io
import os
import select
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from endpoint.store.remote import RemoteStore, StoreUnavailable, SwitchUncertainError
from loaders.build import BuildResult
from loaders.errors import StoreError
from loaders.iris import PUBLIC_GRAPH

Remote = Callable[..., RemoteStore]
ROOT = Path(__file__).resolve().parents[2]
EVERYTHING = "SELECT * WHERE { ?s ?p ?o }"
# A publisher in its own process: it says LOADED after its first graph is on the server, then
# waits for a line on standard input (or for its death) before loading the others.
PUBLISHER = textwrap.dedent(
    """
    import sys
    from endpoint.store.remote import RemoteStore, StoreUnavailable, SwitchUncertainError
    from loaders import build_graphs
    from loaders.iris import PUBLIC_GRAPH

    url, graph, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = RemoteStore(url, graph=graph, manifest_ttl=0, retry_after=1, timeout=10)
    graphs = build_graphs().named_triples()
    if size:  # a bigger public graph, so that a kill lands in the middle of its upload
        from rdflib import Literal, URIRef
        extra = [(URIRef(f"https://example.org/s{i}"), URIRef("https://example.org/p"),
                  Literal(f"value {i}")) for i in range(size)]
        graphs[PUBLIC_GRAPH] = [*graphs[PUBLIC_GRAPH], *extra]
    real = store.http.put_graph
    calls = [0]
    def put_graph(name, body):
        done = real(name, body)
        calls[0] += 1
        if calls[0] == 1 and not size:
            print("LOADED", flush=True)
            sys.stdin.readline()
        return done
    store.http.put_graph = put_graph
    print("STARTED", flush=True)
    try:
        store.publish(graphs)
    except StoreUnavailable as exc:
        print("UNAVAILABLE", exc, flush=True)
        sys.exit(3)
    print("PUBLISHED", flush=True)
    """
)


def start_publisher(store: RemoteStore, size: int = 0) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, store.url, store.manifest_iri, str(size)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )


def wait_for_line(process: subprocess.Popen[str], expected: str, timeout: float = 60) -> None:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            line = process.stdout.readline()
            if line.strip() == expected:
                return
            if not line and process.poll() is not None:
                break
    process.kill()
    _, errors = process.communicate(timeout=10)
    pytest.fail(f"the publisher never said {expected}: {errors[-2000:]}")


def count(store: RemoteStore, sparql: str = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") -> int:
    return int(next(iter(store.query(sparql)))["n"].value)  # type: ignore[call-overload]


@pytest.fixture()
def versions_on_server(
    graphs_on_server: Callable[[str], set[str]],
) -> Callable[[str, str], set[str]]:
    """The graphs of one version that the server holds."""

    def find(url: str, version: str) -> set[str]:
        return {g for g in graphs_on_server(url) if g.endswith("/" + version)}

    return find


def published_rows(store: RemoteStore) -> list[str]:
    return sorted(
        str(sorted(str(row[v]) for v in ("s", "p", "o"))) for row in store.query(EVERYTHING)
    )  # type: ignore[union-attr]


# -- rollback --------------------------------------------------------------------------------------
def test_rollback_switches_back_and_forth_and_older_versions_are_dropped(
    oxigraph: Any, mini: BuildResult, bundled: BuildResult, remote: Remote, versions_on_server: Any
) -> None:
    store = remote(oxigraph.url)
    with pytest.raises(StoreError, match="no previous version"):
        store.rollback()
    first = store.publish(mini.named_triples())
    mini_count = count(store)
    second = store.publish(bundled.named_triples())
    assert store.rollback() == first
    assert store.meta() == first and count(store) == mini_count
    assert store.rollback() == second
    assert store.meta() == second and count(store) > mini_count
    first_name = store.manifest().previous.name  # type: ignore[union-attr]
    assert versions_on_server(oxigraph.url, first_name)  # the previous version is kept ...
    third = store.publish(mini.named_triples())
    assert versions_on_server(oxigraph.url, first_name) == set()  # ... older ones are dropped
    manifest = store.manifest()
    assert manifest.current.meta == third and manifest.previous.meta == second  # type: ignore[union-attr]
    assert manifest.pending == ()


# -- interrupted publishes -------------------------------------------------------------------------
def test_a_failed_publish_is_cleaned_up_by_the_next_one(
    oxigraph: Any,
    mini: BuildResult,
    bundled: BuildResult,
    monkeypatch: pytest.MonkeyPatch,
    remote: Remote,
    versions_on_server: Any,
) -> None:
    store = remote(oxigraph.url)
    store.publish(mini.named_triples())
    monkeypatch.setattr(store, "_forget", lambda version: None)  # as if the drop failed too
    monkeypatch.setattr(store, "_check_loaded", lambda *a: (_ for _ in ()).throw(StoreError("x")))
    with pytest.raises(StoreError):
        store.publish(bundled.named_triples())
    (left,) = store.manifest().pending
    assert versions_on_server(oxigraph.url, left.name)
    monkeypatch.undo()
    store.publish(mini.named_triples())
    assert versions_on_server(oxigraph.url, left.name) == set()
    assert store.manifest().pending == ()


def test_a_lost_switch_says_so_and_a_failed_cleanup_does_not_fail_the_publish(
    oxigraph: Any, mini: BuildResult, monkeypatch: pytest.MonkeyPatch, remote: Remote
) -> None:
    store = remote(oxigraph.url)
    before = store.publish(mini.named_triples())

    def lost(manifest: Any) -> None:
        raise StoreUnavailable("connection lost (test)")

    monkeypatch.setattr(store, "_switch", lost)
    with pytest.raises(SwitchUncertainError, match="either the previous version or the new one"):
        store.publish(mini.named_triples())
    assert store.meta() == before
    monkeypatch.undo()
    monkeypatch.setattr(store, "_drop_pending", lost)
    after = store.publish(mini.named_triples())  # the cleanup failed, the publish did not
    assert store.meta() == after != before
    monkeypatch.undo()
    store.publish(mini.named_triples())
    assert store.manifest().pending == ()


def test_a_publisher_killed_midway_leaves_the_published_data_complete(
    oxigraph: Any, mini: BuildResult, remote: Remote, versions_on_server: Any
) -> None:
    store = remote(oxigraph.url)
    before = store.publish(mini.named_triples())
    answers = published_rows(store)
    publisher = start_publisher(store)
    wait_for_line(publisher, "LOADED")
    publisher.kill()  # SIGKILL, by PID, with one graph of the new version on the server
    publisher.communicate(timeout=10)
    assert store.meta() == before
    assert published_rows(store) == answers
    (half,) = store.manifest().pending
    assert versions_on_server(oxigraph.url, half.name)
    store.publish(mini.named_triples())  # the next publish drops the half-loaded version
    assert versions_on_server(oxigraph.url, half.name) == set()


def test_the_server_killed_during_a_publish_restarts_with_the_previous_data(
    fresh_oxigraph: Any, mini: BuildResult, remote: Remote
) -> None:
    store = remote(fresh_oxigraph.url)
    before = store.publish(mini.named_triples())
    answers = published_rows(store)
    publisher = start_publisher(store)
    wait_for_line(publisher, "LOADED")
    fresh_oxigraph.kill()  # SIGKILL the server between two graphs of the new version
    publisher.communicate("go\n", timeout=60)
    assert publisher.returncode == 3  # the publisher reports the server unreachable
    fresh_oxigraph.start()  # same port, same location
    assert store.meta() == before
    assert published_rows(store) == answers


@pytest.mark.parametrize("delay", [0.2, 1.0])
def test_the_server_killed_at_any_moment_serves_one_complete_version(
    fresh_oxigraph: Any, mini: BuildResult, delay: float, remote: Remote
) -> None:
    """Whenever the kill lands (loading, counting, switching), the data served after a restart
    is one whole version: the one before, or the new one if the switch was done."""
    store = remote(fresh_oxigraph.url)
    before = store.publish(mini.named_triples())
    answers = published_rows(store)
    publisher = start_publisher(store, size=60_000)
    wait_for_line(publisher, "STARTED")
    time.sleep(delay)
    fresh_oxigraph.kill()
    publisher.communicate(timeout=60)
    fresh_oxigraph.start()
    meta = store.meta()
    assert meta is not None
    if meta == before:
        assert published_rows(store) == answers
    else:
        assert publisher.returncode == 0
    graphs = {str(PUBLIC_GRAPH): meta.graphs[str(PUBLIC_GRAPH)]}
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{PUBLIC_GRAPH}> {{ ?s ?p ?o }} }}"
    assert count(store, query) == graphs[str(PUBLIC_GRAPH)]
    assert store.publish(mini.named_triples()).triples == before.triples  # and publishing works
    assert store.manifest().pending == ()


# -- the server down and back ----------------------------------------------------------------------
def test_a_down_server_fails_fast_then_recovers_by_itself(
    fresh_oxigraph: Any, mini: BuildResult, remote: Remote
) -> None:
    store = remote(fresh_oxigraph.url, retry_after=1.0, timeout=5.0)
    before = store.publish(mini.named_triples())
    expected = count(store)
    fresh_oxigraph.kill()
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="cannot reach the SPARQL server") as first:
        store.query("ASK {}")
    assert time.monotonic() - started < 2.0
    assert first.value.retry_after >= 1
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="trying again in"):  # the negative cache
        store.meta()
    assert time.monotonic() - started < 0.05
    fresh_oxigraph.start()
    deadline, answered = time.monotonic() + 15, None
    while time.monotonic() < deadline:
        try:
            answered = count(store)
            break
        except StoreUnavailable:
            time.sleep(0.2)
    assert answered == expected
    assert store.meta() == before


def test_an_unreachable_server_is_store_unavailable(remote: Remote, unused_url: str) -> None:
    store = remote(unused_url, timeout=2.0)
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as raised:
        store.meta()
    assert time.monotonic() - started < 2.0
    assert isinstance(raised.value, StoreError)


# -- writing without the Graph Store Protocol ------------------------------------------------------
@pytest.mark.parametrize("gsp", ["none", "missing"])
def test_without_a_graph_store_the_data_goes_in_by_sparql_update(
    oxigraph: Any, bundled: BuildResult, gsp: str, remote: Remote
) -> None:
    """``none``: SPARQL Update only; ``missing``: a Graph Store URL that answers 404."""
    url = "none" if gsp == "none" else oxigraph.url.replace("/query", "/no-graph-store")
    store = remote(oxigraph.url, gsp_url=url)
    meta = store.publish(bundled.named_triples())
    assert store.http.gsp_url is None
    assert count(store) == meta.graphs[str(PUBLIC_GRAPH)] + len(bundled.vocabulary)
    out = io.BytesIO()
    store.dump(out, ox.RdfFormat.N_TRIPLES)  # blank nodes kept together: isomorphic
    union = Graph()
    for triple in [*bundled.public_triples, *bundled.vocabulary]:
        union.add(triple)
    assert isomorphic(Graph().parse(data=out.getvalue(), format="nt"), union)

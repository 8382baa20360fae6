"""The store seam: dump/load round trip, atomic publication, the restricted graph kept apart."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from endpoint.store import EmbeddedStore, OnDiskStore
from loaders import build_graphs
from loaders.errors import StoreError
from loaders.iris import PUBLIC_GRAPH, RESTRICTED_GRAPH, VOCABULARY_GRAPH

MINI = Path(__file__).parent.parent / "data" / "mini"
RDFLIB_FORMAT = {"nt": "nt", "ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}


def _public_union(graphs: dict) -> Graph:  # type: ignore[type-arg]
    union = Graph()
    for name in (PUBLIC_GRAPH, VOCABULARY_GRAPH):
        for triple in graphs[name]:
            union.add(triple)
    return union


@pytest.mark.parametrize(
    "fmt, ox_format",
    [
        ("nt", ox.RdfFormat.N_TRIPLES),
        ("ttl", ox.RdfFormat.TURTLE),
        ("jsonld", ox.RdfFormat.JSON_LD),
        ("rdf", ox.RdfFormat.RDF_XML),
    ],
)
def test_dump_round_trip_is_isomorphic(fmt: str, ox_format: ox.RdfFormat) -> None:
    graphs = build_graphs([MINI], include_default=False).named_graphs()
    store = EmbeddedStore()
    store.publish(graphs)
    out = io.BytesIO()
    store.dump(out, ox_format)
    parsed = Graph().parse(data=out.getvalue(), format=RDFLIB_FORMAT[fmt])
    assert isomorphic(parsed, _public_union(graphs))


def test_nquads_dump_keeps_the_named_graphs_and_never_the_restricted_one() -> None:
    graphs = build_graphs([MINI], include_default=False).named_graphs()
    store = EmbeddedStore()
    store.publish(graphs)
    out = io.BytesIO()
    store.dump(out, ox.RdfFormat.N_QUADS)
    dataset = Dataset()
    dataset.parse(data=out.getvalue(), format="nquads")
    assert isomorphic(dataset.graph(PUBLIC_GRAPH), graphs[PUBLIC_GRAPH])
    assert len(dataset.graph(RESTRICTED_GRAPH)) == 0


def test_on_disk_publish_swaps_and_keeps_previous(tmp_path: Path) -> None:
    graphs = build_graphs([MINI], include_default=False).named_graphs()
    store = OnDiskStore(tmp_path / "store")
    assert store.meta() is None
    first = store.publish(graphs)
    second = store.publish(graphs)
    assert first.version != second.version
    assert OnDiskStore(tmp_path / "store").meta() == second
    versions = sorted(
        p.name for p in (tmp_path / "store").iterdir() if p.name.startswith("v-") and p.is_dir()
    )
    assert len(versions) == 2  # current and previous, for rollback
    rows = list(OnDiskStore(tmp_path / "store").query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert (
        int(rows[0]["n"].value)
        == second.graphs[str(PUBLIC_GRAPH)] + second.graphs[str(VOCABULARY_GRAPH)]
    )


def test_killed_publish_leaves_the_previous_store_complete(tmp_path: Path) -> None:
    """kill -9 in the middle of writing a new version: 'current' still points at a complete store."""
    path = tmp_path / "store"
    graphs = build_graphs([MINI], include_default=False).named_graphs()
    before = OnDiskStore(path).publish(graphs)
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        import endpoint.store.embedded as embedded
        from endpoint.store import OnDiskStore
        from loaders import build_graphs
        real_write = embedded._write_version
        def write_then_die(folder, graphs):
            real_write(folder, graphs)
            os.kill(os.getpid(), signal.SIGKILL)  # after writing, before the swap
        embedded._write_version = write_then_die
        OnDiskStore(Path({str(path)!r})).publish(build_graphs([Path({str(MINI)!r})], include_default=False).named_graphs())
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=Path(__file__).parents[2], check=False
    )
    assert proc.returncode == -9
    reopened = OnDiskStore(path)
    assert reopened.meta() == before
    assert bool(reopened.query("ASK { ?s a <https://w3id.org/rallynov/def#SocialInnovation> }"))


def test_not_a_store_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(StoreError, match="not a Rally'nov store"):
        OnDiskStore(tmp_path / "other")


def test_unwritable_location_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot write the store"):
        OnDiskStore(blocker / "store").publish(
            build_graphs([MINI], include_default=False).named_graphs()
        )


def test_restricted_graph_is_invisible_to_queries() -> None:
    graphs = build_graphs([MINI], include_default=False).named_graphs()
    graphs[RESTRICTED_GRAPH].add(
        (PUBLIC_GRAPH, PUBLIC_GRAPH, PUBLIC_GRAPH)  # any triple will do: it must stay hidden
    )
    store = EmbeddedStore()
    store.publish(graphs)
    assert not bool(store.query(f"ASK {{ GRAPH <{RESTRICTED_GRAPH}> {{ ?s ?p ?o }} }}"))
    assert not bool(store.query(f"ASK {{ <{PUBLIC_GRAPH}> ?p ?o }}"))
    names = {
        r["g"].value for r in store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    }
    assert str(RESTRICTED_GRAPH) not in names


def test_a_new_process_reads_back_exactly_what_was_published(tmp_path: Path) -> None:
    """The version's graph files, read by another process, give every graph back."""
    graphs = build_graphs([MINI], include_default=False).named_graphs()
    OnDiskStore(tmp_path / "store").publish(graphs)
    script = textwrap.dedent(
        f"""
        import sys
        import pyoxigraph as ox
        from pathlib import Path
        from endpoint.store import OnDiskStore
        store = OnDiskStore(Path({str(tmp_path / "store")!r})).memory().oxigraph
        ox.serialize(store, sys.stdout.buffer, ox.RdfFormat.N_QUADS)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        check=True,
    ).stdout
    dataset = Dataset()
    dataset.parse(data=out, format="nquads")
    for name in (PUBLIC_GRAPH, RESTRICTED_GRAPH, VOCABULARY_GRAPH):
        assert isomorphic(dataset.graph(name), graphs[name]), name


def test_a_store_written_as_a_rocksdb_folder_is_still_read(tmp_path: Path) -> None:
    """Stores published before the graph files (a RocksDB store per version) keep working."""
    from endpoint.store.base import StoreMeta

    graphs = build_graphs([MINI], include_default=False).named_graphs()
    path = tmp_path / "store"
    path.mkdir()
    old = ox.Store(str(path / "v-20260101T000000Z-00000000"))
    counts = {}
    for name, graph in graphs.items():
        text = graph.serialize(format="nt").encode()
        old.bulk_load(text, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))
        counts[str(name)] = len(graph)
    old.flush()
    del old
    meta = StoreMeta.for_graphs(counts, "2026-01-01T00:00:00Z", "v-20260101T000000Z-00000000")
    (path / "v-20260101T000000Z-00000000.json").write_text(meta.to_json(), encoding="utf-8")
    (path / "current").symlink_to("v-20260101T000000Z-00000000")
    store = OnDiskStore(path)
    assert store.meta() == meta
    assert bool(store.query("ASK { ?s a <https://w3id.org/rallynov/def#SocialInnovation> }"))


def test_a_damaged_graph_file_is_a_clear_error(tmp_path: Path) -> None:
    graphs = build_graphs([MINI], include_default=False).named_graphs()
    OnDiskStore(tmp_path / "store").publish(graphs)
    folder = (tmp_path / "store" / "current").resolve()
    manifest = (folder / "graphs.json").read_text(encoding="utf-8")
    (folder / "graphs.json").write_text(manifest[: len(manifest) // 2], encoding="utf-8")
    with pytest.raises(StoreError, match=f"cannot read the store .*{folder.name}"):
        OnDiskStore(tmp_path / "store").query("ASK { ?s ?p ?o }")


def test_a_graph_that_is_not_rdf_is_refused_and_nothing_is_published(tmp_path: Path) -> None:
    from loaders.ntriples import NTriples

    graphs = build_graphs([MINI], include_default=False).named_graphs()
    store = OnDiskStore(tmp_path / "store")
    before = store.publish(graphs)
    broken = {PUBLIC_GRAPH: NTriples(b"<https://example.org/a b> <https://example.org/p> 1 .\n", 1)}
    with pytest.raises(StoreError, match="is not valid RDF, nothing was published"):
        store.publish(broken)
    reopened = OnDiskStore(tmp_path / "store")
    assert reopened.meta() == before
    assert bool(reopened.query("ASK { ?s a <https://w3id.org/rallynov/def#SocialInnovation> }"))

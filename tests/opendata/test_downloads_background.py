"""The download files are built in the background, once per dataset version, and kept on disk.

The catalog, the home page and the download index never wait for them: until a file is built
they describe it without its size and checksum, and its URL answers 503 with Retry-After. Once
built, sizes and checksums are those of the bytes served. An on-disk store keeps its files
beside it: a restart reuses those of its version and never serves those of another.
"""

from __future__ import annotations

import gc
import hashlib
import json
import shutil
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from endpoint import warmup
from endpoint.app import create_app
from endpoint.opendata import downloads_for, files, storage
from endpoint.opendata.terms import DCAT, DCTERMS, SPDX
from endpoint.store import EmbeddedStore, OnDiskStore
from endpoint.views import download as download_view
from loaders import build_graphs
from loaders.build import BuildResult
from loaders.iris import PUBLIC_GRAPH
from tests.opendata.conftest import shacl_results

MINI = Path(__file__).parent.parent / "data" / "mini"
IANA = "http://www.iana.org/assignments/media-types/"


@pytest.fixture(scope="module")
def mini() -> BuildResult:
    return build_graphs([MINI], include_default=False)


def graphs_with(mini: BuildResult, extra: str = "") -> dict[URIRef, Graph]:
    """The mini dataset's graphs; with ``extra``, one more labelled resource (a new version)."""
    graphs = dict(mini.named_graphs())
    if extra:
        public = Graph()
        public += graphs[PUBLIC_GRAPH]
        public.add(
            (URIRef(f"https://w3id.org/rallynov/id/place/{extra}"), RDFS.label, Literal(extra))
        )
        graphs[PUBLIC_GRAPH] = public
    return graphs


class Gate(threading.Event):
    """Set: the RDF dumps go ahead. :meth:`reached` tells when a store's dump is held."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[object] = []
        self.changed = threading.Condition()

    def hold(self, store: object) -> None:
        with self.changed:
            self.held.append(store)
            self.changed.notify_all()
        self.wait(60)

    def reached(self, store: object, timeout: float = 30) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: store in self.held, timeout)


@pytest.fixture()
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    """RDF dumps wait until the gate is set: the downloads stay 'being built'."""
    release = Gate()
    original = files.write_dump

    def held(store, fmt, path):  # type: ignore[no-untyped-def]
        release.hold(store)
        original(store, fmt, path)

    monkeypatch.setattr(files, "write_dump", held)
    monkeypatch.setattr(download_view, "WAIT_SECONDS", 0.2)
    yield release
    release.set()


def app_for(store):  # type: ignore[no-untyped-def]
    return create_app({"TESTING": True, "STORE_OBJECT": store})


def catalog_of(client) -> Graph:  # type: ignore[no-untyped-def]
    reply = client.get("/catalog")
    assert reply.status_code == 200
    return Graph().parse(data=reply.data, format="turtle")


def test_catalog_and_pages_answer_before_the_files_are_built(
    mini: BuildResult, gate: Gate, dcat_ap_300: Graph
) -> None:
    store = EmbeddedStore()
    store.publish(graphs_with(mini))
    client = app_for(store).test_client()
    catalog = catalog_of(client)
    distributions = list(catalog.subjects(RDF.type, DCAT.Distribution))
    downloadable = [d for d in distributions if catalog.value(d, DCAT.downloadURL) is not None]
    assert len(downloadable) >= 20
    for node in downloadable:  # described: where, what, under which licence; not its size yet
        assert str(catalog.value(node, DCAT.mediaType)).startswith(IANA)
        assert catalog.value(node, DCTERMS["format"]) is not None
        assert catalog.value(node, DCTERMS.license) is not None
        assert catalog.value(node, DCAT.byteSize) is None
        assert catalog.value(node, SPDX.checksum) is None
    assert [r for r in shacl_results(catalog, dcat_ap_300) if r[0] == "Violation"] == []

    home = client.get("/").get_data(as_text=True)
    block = home.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    dataset = json.loads(block)
    assert len(dataset["distribution"]) == len(downloadable)
    assert all("contentSize" not in d and d["contentUrl"] for d in dataset["distribution"])
    assert "Being prepared" in client.get("/catalog.html?lang=en").get_data(as_text=True)
    assert "Being prepared" in client.get("/download/?lang=en").get_data(as_text=True)

    for path in ("/download/rallynov.ttl", "/download/rallynov.nt.gz", "/download/SHA256SUMS"):
        reply = client.get(path)
        assert reply.status_code == 503, path
        assert int(reply.headers["Retry-After"]) >= 5
        assert reply.get_json()["error"]["status"] == 503
    assert client.head("/download/rallynov.ttl").status_code == 503
    assert client.get("/download/nothing.ttl").status_code == 404


def test_a_file_expected_in_minutes_is_answered_503_at_once(
    mini: BuildResult, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EmbeddedStore()
    store.publish(graphs_with(mini))
    client = app_for(store).test_client()
    monkeypatch.setattr(download_view, "WAIT_SECONDS", 30.0)
    downloads_for(store).guess_per_file = 120.0  # as at 100k innovations, before any file
    downloads_for(store).start()
    assert gate.reached(store)  # rallynov.ttl is being built
    started = time.perf_counter()
    reply = client.get("/download/rallynov.nt")
    assert reply.status_code == 503 and time.perf_counter() - started < 10
    assert int(reply.headers["Retry-After"]) >= 240  # after the one being built: two files


def test_once_built_sizes_and_checksums_are_those_of_the_files_served(
    mini: BuildResult, gate: Gate
) -> None:
    store = EmbeddedStore()
    store.publish(graphs_with(mini))
    client = app_for(store).test_client()
    assert catalog_of(client).value(None, DCAT.byteSize) is None
    gate.set()
    downloads_for(store).build_all(timeout=120)
    catalog = catalog_of(client)
    checked = 0
    for node in catalog.subjects(DCAT.downloadURL, None):
        name = str(catalog.value(node, DCAT.downloadURL)).rsplit("/", 1)[-1]
        reply = client.get(f"/download/{name}")
        assert reply.status_code == 200, name
        size = catalog.value(node, DCAT.byteSize).toPython()
        assert Decimal(len(reply.data)) == size == Decimal(reply.headers["Content-Length"]), name
        digest = str(catalog.value(catalog.value(node, SPDX.checksum), SPDX.checksumValue))
        assert hashlib.sha256(reply.data).hexdigest() == digest == reply.headers["ETag"].strip('"')
        checked += 1
    assert checked >= 20
    sums = client.get("/download/SHA256SUMS").get_data(as_text=True)
    assert len(sums.splitlines()) == checked


def test_the_warm_up_builds_them(mini: BuildResult) -> None:
    store = EmbeddedStore()
    store.publish(graphs_with(mini))
    app = app_for(store)
    assert not downloads_for(store).complete
    timings = warmup.run(app)
    assert isinstance(timings["downloads"], float), timings
    assert downloads_for(store).complete


def built_files(folder: Path) -> dict[str, tuple[int, str]]:
    """name -> (mtime in ns, SHA-256) of every file of a version folder."""
    return {
        path.name: (path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
        for path in sorted(folder.iterdir())
        if path.is_file() and not path.name.startswith(".")
    }


def test_a_restart_reuses_the_files_of_its_version(
    mini: BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    location = tmp_path / "store"
    first = OnDiskStore(location, writable=True)
    meta = first.publish(graphs_with(mini))
    downloads_for(first).build_all(timeout=120)
    folder = location / "downloads" / meta.version
    before = built_files(folder)
    assert "rallynov.nt" in before and len(before) >= 20

    def no_rebuild(*args):  # type: ignore[no-untyped-def]
        raise AssertionError("a file of this version was built again")

    monkeypatch.setattr(files, "write_dump", no_rebuild)
    monkeypatch.setattr(files, "table_csv", no_rebuild)
    restarted = OnDiskStore(location)  # a new process would open the store again
    assert downloads_for(restarted).complete  # at once: nothing to build
    client = app_for(restarted).test_client()
    catalog = catalog_of(client)
    for node in catalog.subjects(DCAT.downloadURL, None):
        name = str(catalog.value(node, DCAT.downloadURL)).rsplit("/", 1)[-1]
        digest = str(catalog.value(catalog.value(node, SPDX.checksum), SPDX.checksumValue))
        assert digest == before[name][1], name
        assert hashlib.sha256(client.get(f"/download/{name}").data).hexdigest() == digest
    assert built_files(folder) == before


def test_a_new_version_never_serves_the_files_of_another(
    mini: BuildResult, tmp_path: Path, gate: Gate
) -> None:
    location = tmp_path / "store"
    store = OnDiskStore(location, writable=True)
    old = store.publish(graphs_with(mini))
    gate.set()
    downloads_for(store).build_all(timeout=120)
    old_folder = location / "downloads" / old.version
    old_nt = (old_folder / "rallynov.nt").read_bytes()

    gate.clear()
    new = store.publish(graphs_with(mini, "new-place"))
    new_folder = location / "downloads" / new.version
    shutil.copytree(old_folder, new_folder)  # the old version's files, misplaced
    client = app_for(store).test_client()
    assert not any(file.ready for file in downloads_for(store).files().values())
    assert catalog_of(client).value(None, DCAT.byteSize) is None
    assert client.get("/download/rallynov.nt").status_code == 503

    gate.set()
    downloads_for(store).build_all(timeout=120)
    served = client.get("/download/rallynov.nt").data
    assert served != old_nt and b"new-place" in served and b"new-place" not in old_nt
    assert old_folder.is_dir()  # the store keeps its previous version: so do the downloads

    third = store.publish(graphs_with(mini, "third-place"))
    downloads_for(store).build_all(timeout=120)
    assert not old_folder.exists()  # a version the store no longer holds
    assert new_folder.is_dir() and (location / "downloads" / third.version).is_dir()


def test_a_read_only_store_keeps_its_files_in_the_cache_folder(
    mini: BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    location = tmp_path / "store"
    meta = OnDiskStore(location, writable=True).publish(graphs_with(mini))
    writable = storage._writable
    monkeypatch.setattr(
        storage,
        "_writable",
        lambda folder: not folder.is_relative_to(location) and writable(folder),
    )
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    store = OnDiskStore(location)
    downloads_for(store).build_all(timeout=120)
    assert not (location / "downloads").exists()
    cached = list((tmp_path / "cache" / "rallynov" / "downloads").glob(f"*/{meta.version}"))
    assert len(cached) == 1 and (cached[0] / "rallynov.ttl").is_file()
    assert downloads_for(OnDiskStore(location)).complete  # found again after a restart


def test_an_in_memory_store_keeps_its_files_in_a_private_folder_removed_after_it(
    mini: BuildResult,
) -> None:
    store = EmbeddedStore()
    store.publish(graphs_with(mini))
    folder = downloads_for(store).build_all(timeout=120)["rallynov.ttl"].path
    assert folder is not None and folder.is_file()
    del store
    gc.collect()
    assert not folder.exists() and not folder.parent.parent.exists()

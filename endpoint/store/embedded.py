"""pyoxigraph stores: in memory, or on disk with atomic publication.

On disk, ``PATH`` is a folder::

    PATH/current -> v-20261130T041500Z-1a2b   (symlink, swapped atomically with os.replace)
    PATH/v-20261130T041500Z-1a2b/             (one version: graphs.json and graph-N.nt files)
    PATH/v-20261130T041500Z-1a2b.json         (its StoreMeta)

A version holds each named graph as an N-Triples file, which the publish first parsed strictly
(into the in-memory store it then serves); ``graphs.json`` names the graph of each file. Queries
always run on pyoxigraph's in-memory store, so a persistent index would only be copied into memory
at start-up: reading these files (leniently: they were checked when published) is about twenty
times faster than that copy, and writing them five times faster than building a RocksDB store
(``bench/RESULTS.md``). Folders written by earlier versions (a RocksDB store) are still read.

A publish writes a new version folder (files synced to disk), then swaps the link; a crash before
the swap leaves ``current`` pointing at the complete previous version. The previous version is
kept for rollback.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import URIRef

from endpoint.store.base import QueryResults, Store, StoreMeta
from loaders.errors import StoreError
from loaders.mapping import Triple
from loaders.ntriples import NTriples, serialise


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ntriples(triples: Iterable[Triple] | NTriples) -> NTriples:
    """A graph as N-Triples: as given when it already is (``BuildResult.named_triples()``)."""
    return triples if isinstance(triples, NTriples) else serialise(triples)


def fill(store: ox.Store, graphs: Mapping[URIRef, Iterable[Triple] | NTriples]) -> dict[str, int]:
    """Bulk-load graphs into a pyoxigraph store (strictly: a graph that is not valid RDF is
    refused with StoreError); returns the distinct triples per graph."""
    counts: dict[str, int] = {}
    for name, triples in graphs.items():
        text = ntriples(triples)
        try:
            store.bulk_load(text.data, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))
        except SyntaxError as exc:
            raise StoreError(
                f"graph <{name}> is not valid RDF, nothing was published: {exc}"
            ) from exc
        counts[str(name)] = text.count
    return counts


MANIFEST = "graphs.json"


def _write_version(
    folder: Path, graphs: Mapping[URIRef, Iterable[Triple] | NTriples]
) -> tuple[ox.Store, dict[str, int]]:
    """Each graph parsed strictly into a new in-memory store, then written to ``folder`` as
    N-Triples and synced; the store and the distinct triples per graph."""
    texts = {name: ntriples(triples) for name, triples in graphs.items()}
    memory = ox.Store()
    counts = fill(memory, texts)  # before anything is written: invalid RDF publishes nothing
    folder.mkdir(parents=True)
    manifest = []
    for number, (name, text) in enumerate(texts.items()):
        file = f"graph-{number}.nt"
        _write_synced(folder / file, text.data)
        manifest.append({"graph": str(name), "file": file, "triples": text.count})
    _write_synced(folder / MANIFEST, json.dumps(manifest, indent=1).encode())
    return memory, counts


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _load_version(folder: Path) -> ox.Store:
    """A published version into a new in-memory store."""
    memory = ox.Store()
    manifest = folder / MANIFEST
    try:
        if not manifest.exists():  # a RocksDB store, written before graph files were used
            disk = ox.Store.read_only(str(folder))
            memory.bulk_extend(disk.quads_for_pattern(None, None, None, None))
            return memory
        for entry in json.loads(manifest.read_text(encoding="utf-8")):
            memory.bulk_load(
                path=folder / entry["file"],
                format=ox.RdfFormat.N_TRIPLES,
                to_graph=ox.NamedNode(entry["graph"]),
                lenient=True,  # parsed strictly when published
            )
    except (OSError, SyntaxError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"cannot read the store {folder}: {exc}") from exc
    return memory


class EmbeddedStore(Store):
    """An in-memory pyoxigraph store (the fast path for serving; NOTES.md: 5-8x faster than disk)."""

    def __init__(self, store: ox.Store | None = None, meta: StoreMeta | None = None):
        self._store = store if store is not None else ox.Store()
        self._meta = meta

    @property
    def oxigraph(self) -> ox.Store:
        return self._store

    def publish(self, graphs: Mapping[URIRef, Iterable[Triple]]) -> StoreMeta:
        fresh = ox.Store()
        counts = fill(fresh, graphs)
        modified = _now()
        self._store, self._meta = fresh, StoreMeta.for_graphs(counts, modified, modified)
        return self._meta

    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> QueryResults:
        public = self.public_graphs()
        default = [
            ox.NamedNode(g) for g in (default_graph if default_graph is not None else public)
        ]
        named = [ox.NamedNode(g) for g in (named_graphs if named_graphs is not None else public)]
        return self._store.query(sparql, default_graph=default, named_graphs=named)

    def query_all(self, sparql: str) -> QueryResults:
        """Query every graph, the restricted one included (curator use only)."""
        return self._store.query(sparql, use_default_graph_as_union=True)

    def dump(self, output: BinaryIO, fmt: ox.RdfFormat, graphs: list[str] | None = None) -> None:
        names = graphs if graphs is not None else self.public_graphs()
        if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):  # keep graph names; others merge
            quads = [
                q
                for g in names
                for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(g))
            ]
            ox.serialize(quads, output, fmt)
        else:
            triples = {
                q.triple
                for g in names
                for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(g))
            }
            ox.serialize(sorted(triples, key=str), output, fmt)

    def meta(self) -> StoreMeta | None:
        return self._meta


class OnDiskStore(Store):
    """The on-disk store; queries run on an in-memory copy loaded at first use."""

    def __init__(self, path: Path, *, writable: bool = False):
        self.path = path
        self._memory: EmbeddedStore | None = None
        self._meta_of: tuple[str, StoreMeta] | None = None  # (link target, its metadata)
        if path.exists() and not path.is_dir():
            raise StoreError(f"{path} is not a folder; give --store a folder path")
        if path.is_dir() and any(path.iterdir()) and not (path / "current").exists():
            if not any(p.name.startswith("v-") for p in path.iterdir()):
                raise StoreError(
                    f"{path} is not a Rally'nov store (no 'current' link); choose an empty folder"
                )

    # -- reading ---------------------------------------------------------
    def _current(self) -> Path | None:
        link = self.path / "current"
        if not link.is_symlink():
            return None
        target = self.path / os.readlink(link)
        return target if target.is_dir() else None

    def meta(self) -> StoreMeta | None:
        """The published version's metadata; its file is read again only after a publish
        (a publish swaps ``current`` to a new, uniquely named folder), not on every request."""
        link = self.path / "current"
        try:
            target = os.readlink(link)
        except OSError:
            return None
        known = self._meta_of
        if known is not None and known[0] == target:
            return known[1]
        current = self._current()
        if current is None:
            return None
        meta = StoreMeta.from_json(current.with_suffix(".json").read_text(encoding="utf-8"))
        self._meta_of = (current.name, meta)
        return meta

    def memory(self) -> EmbeddedStore:
        """The published data, loaded into memory once (reload after a new publish)."""
        meta = self.meta()
        if self._memory is None or self._memory.meta() != meta:
            current = self._current()
            if current is None or meta is None:
                raise StoreError(
                    f"no dataset is published in {self.path}; run 'rallynov build --store {self.path}'"
                )
            memory = _load_version(current)
            self._memory = EmbeddedStore(memory, meta)
        return self._memory

    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> QueryResults:
        return self.memory().query(sparql, default_graph=default_graph, named_graphs=named_graphs)

    def dump(self, output: BinaryIO, fmt: ox.RdfFormat, graphs: list[str] | None = None) -> None:
        self.memory().dump(output, fmt, graphs)

    # -- writing ---------------------------------------------------------
    def publish(self, graphs: Mapping[URIRef, Iterable[Triple]]) -> StoreMeta:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            modified = _now()
            stamp = modified.replace("-", "").replace(":", "")
            version_dir = self.path / f"v-{stamp}-{uuid.uuid4().hex[:8]}"
            memory, counts = _write_version(version_dir, graphs)
            meta = StoreMeta.for_graphs(counts, modified, version_dir.name)
            meta_file = version_dir.with_suffix(".json")
            meta_file.write_text(meta.to_json(), encoding="utf-8")
            previous = self._current()
            link_tmp = self.path / f".current-{os.getpid()}"
            if link_tmp.is_symlink():
                link_tmp.unlink()
            os.symlink(version_dir.name, link_tmp)
            os.replace(link_tmp, self.path / "current")  # the atomic switch
        except OSError as exc:
            raise StoreError(
                f"cannot write the store in {self.path}: {exc.strerror or exc}"
            ) from exc
        self._prune(keep={version_dir.name, previous.name if previous else ""})
        self._memory = EmbeddedStore(memory, meta)  # what this process parsed, served as is
        return meta

    def _prune(self, keep: set[str]) -> None:
        """Remove versions other than the current and the previous one (and half-written ones)."""
        for entry in self.path.iterdir():
            stem = entry.name.removesuffix(".json")
            if entry.name.startswith("v-") and stem not in keep:
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)

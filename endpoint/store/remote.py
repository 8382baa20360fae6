"""A store on any SPARQL 1.1 server (Oxigraph server, Fuseki, Virtuoso, GraphDB, QLever, ...).

Each publish loads every graph into a fresh *versioned* named graph, then switches to it by
rewriting one small pointer graph, the manifest::

    <.../graph/manifest>  store:current  <.../graph/manifest/v-20261130T041500Z-1a2b3c4d> ;
                          store:previous <.../graph/manifest/v-20261129T101010Z-9f8e7d6c> .
    <.../graph/manifest/v-20261130T041500Z-1a2b3c4d>  store:name "v-20261130T041500Z-1a2b3c4d" ;
        store:meta "{...StoreMeta as JSON...}" ;
        store:graph <.../graph/public/v-20261130T041500Z-1a2b3c4d>, <.../graph/vocabulary/v-...> .

Reads resolve the current versions from the manifest, so a publish that fails or is killed before
the switch leaves the published data as it was. Its half-loaded graphs are first announced as
``store:pending`` and dropped by the next publish; the previous version is kept for
:meth:`RemoteStore.rollback`, older ones are dropped. The switch is one SPARQL Update request
(atomic on transactional servers: Oxigraph, Fuseki/TDB2, GraphDB).

Callers keep using the logical graph names (``.../graph/public``): the protocol dataset
(``default-graph-uri``/``named-graph-uri``, always sent, so only the chosen published graphs are
ever visible) and ``GRAPH <...>`` clauses are translated to the versioned names, and versioned
names in results are translated back.

>>> store = RemoteStore("http://127.0.0.1:7878/query")          # doctest: +SKIP
>>> store.publish(build_graphs().named_triples()).version       # doctest: +SKIP
'4f1c...'
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import URIRef

from endpoint.store.base import QueryResults, Store, StoreMeta
from endpoint.store.remote_http import Auth, SparqlHttp, StoreUnavailable, guess_endpoints
from endpoint.store.remote_names import rewrite_graph_names, to_logical
from endpoint.store.remote_terms import (
    has_blank,
    parse_results,
    serialize,
    sparql_string,
    to_oxigraph,
)
from loaders.errors import StoreError
from loaders.iris import BASE
from loaders.mapping import Triple

__all__ = [
    "DEFAULT_MANIFEST",
    "RemoteStore",
    "StoreUnavailable",
    "SwitchUncertainError",
    "is_remote",
]

DEFAULT_MANIFEST = BASE + "graph/manifest"
NO_GRAPH = BASE + "graph/none"  # named in the protocol dataset when a caller asks for no graph
ST = BASE + "def/store#"
CHUNK = 5000  # triples per INSERT DATA request when there is no Graph Store endpoint
# triples per Graph Store request (about 20 MB of N-Triples): a whole graph of millions of
# triples in one request outlasts any timeout (one PUT of the 7.3M-triple public graph at 100k
# to `oxigraph serve` took more than 600 s), while each of these takes seconds
GSP_CHUNK = 100_000


class SwitchUncertainError(StoreUnavailable):
    """The server went away while switching versions: the old or the new one is current."""


def is_remote(location: object) -> bool:
    """True for an http(s) URL (also one that went through ``Path``, which eats a slash)."""
    text = str(location)
    return text.startswith(("http://", "https://", "http:/", "https:/"))


def repair_url(location: object) -> str:
    """``Path("http://h/q")`` prints as ``http:/h/q``: give the URL back its two slashes."""
    text = str(location)
    for scheme in ("http:", "https:"):
        if text.startswith(scheme + "/") and not text.startswith(scheme + "//"):
            return scheme + "/" + text[len(scheme) :]
    return text


@dataclass(frozen=True)
class Version:
    """One published (or half-published) version: logical graph -> versioned graph."""

    name: str
    graphs: Mapping[str, str]
    meta: StoreMeta | None = None


@dataclass(frozen=True)
class Manifest:
    current: Version | None = None
    previous: Version | None = None
    pending: tuple[Version, ...] = ()


def _setting(settings: Mapping[str, Any] | None, name: str, default: Any) -> Any:
    """A REMOTE_* setting: from ``settings`` when declared there, else RALLYNOV_*, else default."""
    if settings is not None and settings.get(name) not in (None, ""):
        return settings[name]
    env = os.environ.get(f"RALLYNOV_{name}")
    return type(default)(env) if env not in (None, "") and default is not None else default


class RemoteStore(Store):
    """The graphs on a SPARQL 1.1 server, named by its query endpoint URL."""

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        gsp_url: str | None = None,
        auth: Auth | None = None,
        *,
        graph: str = DEFAULT_MANIFEST,
        timeout: float = 30.0,
        retry_after: float = 5.0,
        manifest_ttl: float = 1.0,
    ):
        """``update_url``/``gsp_url``: None guesses them from ``query_url``; ``gsp_url="none"``
        loads with SPARQL Update only. ``graph``: the manifest naming this dataset on the server.
        ``manifest_ttl``: seconds a read manifest is reused (a publish from elsewhere shows after
        at most that long)."""
        guessed_update, guessed_gsp = guess_endpoints(query_url)
        update = update_url or guessed_update
        gsp = None if gsp_url == "none" else (gsp_url or guessed_gsp)
        self.url = query_url
        self.manifest_iri = graph
        self.manifest_ttl = manifest_ttl
        self.http = SparqlHttp(
            query_url, update, gsp, auth, timeout=timeout, retry_after=retry_after
        )
        self._cached: tuple[float, Manifest] | None = None

    @classmethod
    def from_settings(
        cls, location: str, settings: Mapping[str, Any] | None = None, **overrides: Any
    ) -> RemoteStore:
        """Configured by the REMOTE_* settings and the RALLYNOV_REMOTE_* secrets."""
        options: dict[str, Any] = {
            "update_url": _setting(settings, "REMOTE_UPDATE_URL", "") or None,
            "gsp_url": _setting(settings, "REMOTE_GSP_URL", "") or None,
            "auth": Auth.from_env(),
            "graph": _setting(settings, "REMOTE_GRAPH", DEFAULT_MANIFEST),
            "timeout": float(_setting(settings, "REMOTE_TIMEOUT", 30.0)),
            "retry_after": float(_setting(settings, "REMOTE_RETRY_AFTER", 5.0)),
            "manifest_ttl": float(_setting(settings, "REMOTE_MANIFEST_TTL", 1.0)),
        }
        options.update({k: v for k, v in overrides.items() if v is not None})
        return cls(repair_url(location), **options)

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r}, graph={self.manifest_iri!r})"

    # -- the manifest ----------------------------------------------------------------------------
    def manifest(self, *, fresh: bool = False) -> Manifest:
        """The pointer graph as read now (or at most ``manifest_ttl`` seconds ago)."""
        cached = self._cached
        if not fresh and cached is not None and time.monotonic() - cached[0] < self.manifest_ttl:
            return cached[1]
        query = f"""SELECT ?role ?v ?name ?meta ?g WHERE {{
            <{self.manifest_iri}> ?role ?v . ?v <{ST}name> ?name .
            FILTER(?role IN (<{ST}current>, <{ST}previous>, <{ST}pending>))
            OPTIONAL {{ ?v <{ST}meta> ?meta }} OPTIONAL {{ ?v <{ST}graph> ?g }} }}"""
        rows = self._raw_query(query, [self.manifest_iri], [NO_GRAPH])
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for row in rows:  # type: ignore[union-attr]
            role = row["role"].value.removeprefix(ST)
            name = row["name"].value
            entry = found.setdefault((role, name), {"graphs": {}, "meta": None})
            if row["meta"] is not None:
                entry["meta"] = StoreMeta.from_json(row["meta"].value)
            if row["g"] is not None:
                physical = row["g"].value
                entry["graphs"][physical.removesuffix("/" + name)] = physical
        versions = {
            key: Version(key[1], dict(entry["graphs"]), entry["meta"])
            for key, entry in found.items()
        }
        manifest = Manifest(
            current=next((v for (r, _), v in versions.items() if r == "current"), None),
            previous=next((v for (r, _), v in versions.items() if r == "previous"), None),
            pending=tuple(v for (r, _), v in sorted(versions.items()) if r == "pending"),
        )
        self._cached = (time.monotonic(), manifest)
        return manifest

    def _manifest_triples(self, manifest: Manifest) -> str:
        lines = []
        for role, version in [("current", manifest.current), ("previous", manifest.previous)] + [
            ("pending", v) for v in manifest.pending
        ]:
            if version is not None:
                lines.append(self._version_triples(role, version))
        return "\n".join(lines)

    def _version_triples(self, role: str, version: Version) -> str:
        node = f"<{self.manifest_iri}/{version.name}>"
        lines = [
            f"<{self.manifest_iri}> <{ST}{role}> {node} .",
            f"{node} <{ST}name> {sparql_string(version.name)} .",
        ]
        lines += [f"{node} <{ST}graph> <{g}> ." for g in version.graphs.values()]
        if version.meta is not None:
            lines.append(f"{node} <{ST}meta> {sparql_string(version.meta.to_json())} .")
        return "\n".join(lines)

    def _switch(self, manifest: Manifest) -> None:
        """Rewrite the whole manifest in one update request: the atomic switch."""
        self.http.update(
            f"DROP SILENT GRAPH <{self.manifest_iri}> ;\n"
            f"INSERT DATA {{ GRAPH <{self.manifest_iri}> {{\n"
            f"{self._manifest_triples(manifest)}\n}} }}"
        )
        self._cached = None

    def _drop_pending(self, manifest: Manifest) -> None:
        """Drop the graphs of pending versions, then forget them (each in one request)."""
        keep = {v.name for v in (manifest.current, manifest.previous) if v is not None}
        for version in manifest.pending:
            if version.name in keep:
                continue
            drops = "".join(f"DROP SILENT GRAPH <{g}> ;\n" for g in version.graphs.values())
            node = f"<{self.manifest_iri}/{version.name}>"
            self.http.update(
                f"{drops}DELETE WHERE {{ GRAPH <{self.manifest_iri}> {{ "
                f"<{self.manifest_iri}> <{ST}pending> {node} . {node} ?p ?o }} }}"
            )
        self._cached = None

    # -- writing ---------------------------------------------------------------------------------
    def publish(self, graphs: Mapping[URIRef, Iterable[Triple]]) -> StoreMeta:
        before = self.manifest(fresh=True)
        modified = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        name = f"v-{modified.replace('-', '').replace(':', '')}-{uuid.uuid4().hex[:8]}"
        prepared = {str(g): to_oxigraph(triples) for g, triples in graphs.items()}
        version = Version(name, {g: f"{g}/{name}" for g in prepared})
        # Announce the graphs before loading them, so that a crash leaves nothing untracked.
        self.http.update(
            f"INSERT DATA {{ GRAPH <{self.manifest_iri}> {{\n"
            f"{self._version_triples('pending', version)}\n}} }}"
        )
        try:
            for logical, triples in prepared.items():
                self._load(version.graphs[logical], triples)
            counts = {g: len(t) for g, t in prepared.items()}
            self._check_loaded(version, counts)
        except BaseException:
            self._forget(version)
            raise
        meta = StoreMeta.for_graphs(counts, modified, name)
        leftovers = before.pending + ((before.previous,) if before.previous else ())
        after = Manifest(Version(name, version.graphs, meta), before.current, leftovers)
        try:
            self._switch(after)
        except StoreUnavailable as exc:
            raise SwitchUncertainError(
                f"{exc}; the connection was lost during the switch, so the server serves either "
                "the previous version or the new one (both complete)",
                exc.retry_after,
            ) from exc
        try:
            self._drop_pending(after)
        except StoreError:  # published all the same; the next publish drops the leftovers
            pass
        return meta

    def rollback(self) -> StoreMeta:
        """Switch back to the previous version (the current one becomes the previous)."""
        before = self.manifest(fresh=True)
        if before.previous is None or before.previous.meta is None:
            raise StoreError(
                f"there is no previous version to roll back to at {self.url} "
                f"(graph {self.manifest_iri})"
            )
        self._switch(Manifest(before.previous, before.current, before.pending))
        return before.previous.meta

    def _load(self, graph: str, triples: list[ox.Triple]) -> None:
        """The graph over the Graph Store Protocol (a PUT, then POSTs adding to it, GSP_CHUNK
        triples each), else SPARQL Update (INSERT DATA, CHUNK triples each)."""
        first, *rest = _chunks(triples, GSP_CHUNK)
        if self.http.put_graph(graph, serialize(first)):
            for chunk in rest:
                self.http.add_to_graph(graph, serialize(chunk))
            return
        for chunk in _chunks(triples, CHUNK):
            self.http.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{serialize(chunk).decode()}}} }}")

    def _check_loaded(self, version: Version, counts: Mapping[str, int]) -> None:
        """Count what the server holds: a publish only switches to complete graphs."""
        rows = self._raw_query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
            [NO_GRAPH],
            list(version.graphs.values()),
        )
        held = {row["g"].value: int(row["n"].value) for row in rows}  # type: ignore[union-attr]
        for logical, physical in version.graphs.items():
            if held.get(physical, 0) != counts[logical]:
                raise StoreError(
                    f"the server holds {held.get(physical, 0)} triples of {logical} where "
                    f"{counts[logical]} were sent; the published data was left unchanged"
                )

    def _forget(self, version: Version) -> None:
        """Best effort after a failed load; whatever is left is dropped by the next publish."""
        try:
            self._drop_pending(Manifest(pending=(version,)))
        except StoreError:
            pass

    # -- reading ---------------------------------------------------------------------------------
    def _current(self) -> Version:
        current = self.manifest().current
        if current is None:
            raise StoreError(
                f"no dataset is published at {self.url}; run 'rallynov publish --to {self.url}'"
            )
        return current

    def meta(self) -> StoreMeta | None:
        current = self.manifest().current
        return current.meta if current is not None else None

    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> QueryResults:
        names = self._current().graphs
        public = self.public_graphs()
        default = _physical(default_graph if default_graph is not None else public, names)
        named = _physical(named_graphs if named_graphs is not None else public, names)
        return self._raw_query(rewrite_graph_names(sparql, names), default, named, names)

    def _raw_query(
        self,
        sparql: str,
        default: Sequence[str],
        named: Sequence[str],
        names: Mapping[str, str] | None = None,
    ) -> QueryResults:
        body, media_type = self.http.query(sparql, default, named)
        if names:
            body = to_logical(body, names)
        return parse_results(body, media_type)

    def dump(self, output: BinaryIO, fmt: ox.RdfFormat, graphs: list[str] | None = None) -> None:
        names = self._current().graphs
        quads: list[ox.Quad] = []
        for logical in graphs if graphs is not None else self.public_graphs():
            if logical not in names:
                continue
            body, media_type = self.http.query(
                "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", [names[logical]], [NO_GRAPH]
            )
            rdf = ox.RdfFormat.from_media_type(media_type.split(";")[0].strip())
            if rdf is None:
                raise StoreError(f"the server answered a CONSTRUCT with {media_type!r}")
            graph = ox.NamedNode(logical)
            quads += [ox.Quad(q.subject, q.predicate, q.object, graph) for q in ox.parse(body, rdf)]
        if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):  # keep graph names; others merge
            ox.serialize(quads, output, fmt)
        else:
            ox.serialize(sorted({q.triple for q in quads}, key=str), output, fmt)


def _physical(logical: Iterable[str], names: Mapping[str, str]) -> list[str]:
    """Versioned names of the asked graphs; unknown graphs are left out (they read as empty)."""
    found = [names[g] for g in dict.fromkeys(logical) if g in names]
    return found or [NO_GRAPH]


def _chunks(triples: list[ox.Triple], size: int) -> list[list[ox.Triple]]:
    """``triples`` in requests of ``size``; the triples with a blank node all in the last one
    (a blank node's label is scoped to its request). Always at least one (maybe empty) chunk.

    >>> a, b = ox.NamedNode("http://a"), ox.BlankNode("b")
    >>> [len(c) for c in _chunks([ox.Triple(a, a, a)] * 5 + [ox.Triple(b, a, a)], 2)]
    [2, 2, 1, 1]
    """
    plain = [t for t in triples if not has_blank(t)]
    blank = [t for t in triples if has_blank(t)]
    chunks = [plain[i : i + size] for i in range(0, len(plain), size)]
    return [*chunks, blank] if blank or not chunks else chunks

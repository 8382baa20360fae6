"""Fetch what the networks are built from: the ``queries/network-*.rq`` named queries.

Each edge query answers one row per *incidence* between an organisation and an item (an event, an
edition, an innovation or a need concept), with the edition's year and the relation behind it;
the networks are these bipartite graphs and their projections on organisations. The edition
filter is applied in Python on the fetched rows (one fetch per dataset version serves every slice).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from endpoint.store import Store
from loaders.paths import resource_dir

BASE = "https://w3id.org/rallynov/"
KINDS = ("co-organisation", "partnership", "partner-innovation", "actor-need")


@dataclass(frozen=True)
class Incidence:
    """One organisation–item link, as the query returned it."""

    organisation: str
    item: str
    year: str | None = None
    relation: str | None = None
    via: str | None = None
    item_label: str | None = None


@dataclass
class NodeInfo:
    """What a node shows: type, labels, organisation kind and sphere (concept URIs and codes)."""

    uri: str
    type: str
    labels: dict[str, str] = field(default_factory=dict)
    kind: str | None = None
    sphere: str | None = None
    code: str | None = None
    group: str | None = None

    def label(self, lang: str) -> str:
        other = "en" if lang == "fr" else "fr"
        return (
            self.labels.get(lang)
            or self.labels.get("")
            or self.labels.get(other)
            or local_name(self.uri)
        )


@dataclass
class Catalog:
    """Every node the networks may show, keyed by URI, and the editions' years."""

    nodes: dict[str, NodeInfo]

    @property
    def editions(self) -> list[str]:
        return sorted(n.code for n in self.nodes.values() if n.type == "edition" and n.code)

    def code(self, uri: str | None) -> str | None:
        node = self.nodes.get(uri) if uri else None
        return node.code if node and node.code else None


def local_name(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def local_path(uri: str) -> str:
    """The page of a URI on this server: ``https://w3id.org/rallynov/id/x/y`` -> ``/id/x/y``."""
    return "/" + uri[len(BASE) :] if uri.startswith(BASE) else uri


@cache
def query_text(name: str) -> str:
    """The SPARQL of ``queries/{name}.rq`` (its ``#+`` header is a comment: it runs as is)."""
    return (resource_dir("queries") / f"{name}.rq").read_text(encoding="utf-8")


def _value(term: Any) -> str | None:
    return None if term is None else str(term.value)


def fetch_incidences(store: Store, kind: str) -> list[Incidence]:
    """The rows of ``queries/network-{kind}.rq`` (every edition)."""
    results = store.query(query_text(f"network-{kind}"))
    variables = {v.value for v in results.variables}  # type: ignore[union-attr]
    rows = []
    for row in results:  # type: ignore[union-attr]
        rows.append(
            Incidence(
                organisation=str(row["organisation"].value),
                item=str(row["item"].value),
                year=_value(row["year"]),
                relation=_value(row["relation"]),
                via=_value(row["via"]) if "via" in variables else None,
                item_label=_value(row["itemLabel"]),
            )
        )
    return rows


def fetch_catalog(store: Store) -> Catalog:
    """Labels, kinds and spheres of every possible node (``queries/network-nodes.rq``)."""
    nodes: dict[str, NodeInfo] = {}
    for row in store.query(query_text("network-nodes")):  # type: ignore[union-attr]
        uri = str(row["node"].value)
        info = nodes.setdefault(uri, NodeInfo(uri, str(row["type"].value)))
        label = row["label"]
        if label is not None:
            info.labels.setdefault(getattr(label, "language", None) or "", str(label.value))
        info.kind = info.kind or _value(row["kind"])
        info.sphere = info.sphere or _value(row["sphere"])
        info.code = info.code or _value(row["code"])
        info.group = info.group or _value(row["group"])
    return Catalog(nodes)

"""Where and what is published: the live server or a static release, with its version history.

A :class:`Publication` gathers every URL and date the catalog, the VoID description and the
schema.org summary need, so the same builders serve ``/catalog`` and ``rallynov export``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from endpoint.store.base import Store

ORGANISATIONS = ("fact", "rifc", "cress")  # publisher first, then the co-pilots


def solutions(store: Store, query: str, **graphs: list[str]) -> list[ox.QuerySolution]:
    """The rows of a SELECT query (over the public graphs unless ``default_graph`` is given)."""
    results = store.query(query, **graphs)  # type: ignore[arg-type]
    if not isinstance(results, ox.QuerySolutions):
        raise TypeError(f"expected a SELECT query, got {type(results).__name__}")
    return list(results)


@dataclass(frozen=True)
class Agent:
    iri: str
    name: str
    kind: str  # notation of the org-kind concept (e.g. "OK-ASSOC"), "" when unknown


@dataclass(frozen=True)
class Changes:
    """What changed since the previous release, comparing the public graphs subject by subject."""

    previous: str
    added: int
    removed: int
    changed: int

    def summary(self, lang: str) -> str:
        if lang == "fr":
            return (
                f"Changements depuis la version {self.previous} : {self.added} entité(s) "
                f"ajoutée(s), {self.removed} retirée(s), {self.changed} modifiée(s)."
            )
        return (
            f"Changes since version {self.previous}: {self.added} entities added, "
            f"{self.removed} removed, {self.changed} changed."
        )


@dataclass(frozen=True)
class Release:
    """One entry of the version history (``releases.json``)."""

    version: str
    issued: str  # ISO 8601 date
    base_url: str
    triples: int
    entities: int
    sha256: str  # of the release's N-Triples dump
    changes: Changes | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "version": self.version,
            "issued": self.issued,
            "base_url": self.base_url,
            "triples": self.triples,
            "entities": self.entities,
            "sha256": self.sha256,
        }
        if self.changes is not None:
            data["changes"] = {
                "previous": self.changes.previous,
                "added": self.changes.added,
                "removed": self.changes.removed,
                "changed": self.changes.changed,
            }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Release:
        changes = data.get("changes")
        return cls(
            str(data["version"]),
            str(data["issued"]),
            str(data.get("base_url", "")),
            int(data.get("triples", 0)),
            int(data.get("entities", 0)),
            str(data.get("sha256", "")),
            Changes(**changes) if changes else None,
        )


@dataclass(frozen=True)
class Publication:
    """The URLs, dates and version of one publication of the dataset.

    ``base_url`` has no trailing slash; ``namespace`` is the base of the stable IRIs
    (``https://w3id.org/rallynov/``): the dataset IRI is ``{namespace}dataset`` everywhere.
    """

    base_url: str
    namespace: str
    license: str
    version: str
    issued: str
    modified: str
    catalog_url: str
    void_url: str
    landing_page: str
    access_page: str
    download_prefix: str
    sparql_endpoint: str = ""
    api_endpoint: str = ""
    api_description: str = ""
    documentation: tuple[str, ...] = ()
    contact_email: str = ""
    contact_url: str = ""
    releases: tuple[Release, ...] = field(default=())
    agents: tuple[Agent, ...] = field(default=())

    @property
    def dataset(self) -> str:
        return f"{self.namespace}dataset"

    def version_iri(self, version: str) -> str:
        return f"{self.namespace}dataset/{version}"

    def download_url(self, name: str) -> str:
        return f"{self.download_prefix}{name}"

    @property
    def ontology(self) -> str:
        return f"{self.namespace}def"

    @property
    def shapes(self) -> str:
        return f"{self.namespace}shapes"

    @property
    def uri_space(self) -> str:
        return f"{self.namespace}id/"


def server_publication(
    base_url: str, namespace: str, license_iri: str, meta: Any, **extra: Any
) -> Publication:
    """The live server's publication: ``/catalog``, ``/download/``, ``/sparql``, ``/.well-known/void``."""
    base = base_url.rstrip("/")
    return Publication(
        base_url=base,
        namespace=namespace,
        license=license_iri,
        version=meta.version if meta else "",
        issued=meta.modified if meta else "",
        modified=meta.modified if meta else "",
        catalog_url=f"{base}/catalog",
        void_url=f"{base}/.well-known/void",
        landing_page=f"{base}/",
        access_page=f"{base}/download/",
        download_prefix=f"{base}/download/",
        sparql_endpoint=f"{base}/sparql",
        documentation=(f"{base}/def",),
        **extra,
    )


def load_agents(store: Store, namespace: str) -> tuple[Agent, ...]:
    """Fact, RIFC and the Cress as the data names them (their organisation IRIs)."""
    iris = [f"{namespace}id/organisation/{slug}" for slug in ORGANISATIONS]
    values = " ".join(f"<{iri}>" for iri in iris if ">" not in iri and " " not in iri)
    query = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rally: <https://w3id.org/rallynov/def#>
SELECT ?o ?name ?kind WHERE {{
  VALUES ?o {{ {values} }}
  OPTIONAL {{ ?o rdfs:label ?name }}
  OPTIONAL {{ ?o rally:orgKind/skos:notation ?kind }}
}}"""
    found: dict[str, tuple[str, str]] = {}
    for row in solutions(store, query):
        name = row["name"].value if row["name"] is not None else ""
        kind = row["kind"].value if row["kind"] is not None else ""
        found.setdefault(row["o"].value, (name, kind))
    defaults = {"fact": "Fact", "rifc": "RIFC", "cress": "Cress"}
    return tuple(
        Agent(iri, found.get(iri, ("", ""))[0] or defaults[slug], found.get(iri, ("", ""))[1])
        for slug, iri in zip(ORGANISATIONS, iris, strict=True)
    )

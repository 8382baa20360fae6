"""What every store backend offers: publish graphs atomically, query, dump, and say its version."""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import URIRef

from loaders.iris import PUBLIC_GRAPHS
from loaders.mapping import Triple

QueryResults = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


@dataclass(frozen=True)
class StoreMeta:
    """The published dataset's identity: ``version`` changes with every publish."""

    version: str
    modified: str  # ISO 8601 UTC
    triples: int
    graphs: dict[str, int]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> StoreMeta:
        return cls(**json.loads(text))

    @classmethod
    def for_graphs(cls, counts: dict[str, int], modified: str, content_key: str) -> StoreMeta:
        digest = hashlib.sha256(f"{content_key}|{sorted(counts.items())}".encode()).hexdigest()
        return cls(digest[:16], modified, sum(counts.values()), counts)


class Store(ABC):
    """A place where the graphs live (embedded pyoxigraph or a remote SPARQL server)."""

    @abstractmethod
    def publish(self, graphs: Mapping[URIRef, Iterable[Triple]]) -> StoreMeta:
        """Replace every graph at once: readers see the old data or the new, never a mix."""

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> QueryResults:
        """Run a query. By default only the public graphs are visible (their union as default graph)."""

    @abstractmethod
    def dump(self, output: BinaryIO, fmt: ox.RdfFormat, graphs: list[str] | None = None) -> None:
        """Write the given graphs (default: the public ones) in ``fmt``."""

    @abstractmethod
    def meta(self) -> StoreMeta | None:
        """The published dataset's version, or None when nothing is published yet."""

    def is_empty(self) -> bool:
        return self.meta() is None

    @staticmethod
    def public_graphs() -> list[str]:
        return [str(g) for g in PUBLIC_GRAPHS]

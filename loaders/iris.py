"""Namespaces and the minting of stable URIs (same input, same URI, always)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rdflib import Namespace, URIRef

BASE = "https://w3id.org/rallynov/"
RALLY = Namespace(BASE + "def#")
ID = Namespace(BASE + "id/")
VOCAB = Namespace(BASE + "vocab/")
GRAPH = Namespace(BASE + "graph/")

SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
WGS = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
WD = Namespace("http://www.wikidata.org/entity/")
INSEE_GEO = Namespace("http://id.insee.fr/geo/")

PUBLIC_GRAPH = GRAPH["public"]
RESTRICTED_GRAPH = GRAPH["restricted"]
VOCABULARY_GRAPH = GRAPH["vocabulary"]
PUBLIC_GRAPHS = (PUBLIC_GRAPH, VOCABULARY_GRAPH)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str) -> str:
    """A readable slug: ``slugify("Taco 39 – coopérative")`` is ``"taco-39-cooperative"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@lru_cache(maxsize=1_000_000)
def mint_iri(kind: str, slug: str) -> URIRef:
    """``mint_iri("innovation", "afsame")`` -> ``https://w3id.org/rallynov/id/innovation/afsame``.

    Cached: a record's references repeat the same IRIs many times (editions, places, carriers).
    """
    return ID[f"{kind}/{slug}"]


def concept_iri(scheme: str, code: str) -> URIRef:
    return VOCAB[f"{scheme}/{code.lower()}"]


def normalise_name(text: str) -> str:
    """Key for explicit alias matching: no case, no accents, single spaces, straight quotes."""
    text = text.replace("’", "'").replace("œ", "oe").replace("Œ", "oe")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(ascii_text.casefold().split())

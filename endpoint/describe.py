"""What a resource document holds: the resource's triples out and in, and the labels around them.

A description is read from the public graphs only (the store's default), with the resource's IRI
given to SPARQL as an escaped RDF term in a ``VALUES`` block, never pasted as text.

>>> desc = describe(store, "https://w3id.org/rallynov/id/place/besancon")   # doctest: +SKIP
>>> desc.label_of(desc.iri, "en")                                             # doctest: +SKIP
'Besançon'
>>> serialize(desc.triples(), "ttl")[:7]                                      # doctest: +SKIP
b'@prefix'

RDF documents keep the canonical IRIs (``https://w3id.org/rallynov/...``); only HTML pages turn
them into local links (:func:`local_href`) so the site can be browsed on any host.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from flask import Flask
from werkzeug.datastructures import MIMEAccept

from endpoint.store.base import Store

PREFIXES = {
    "rally": "https://w3id.org/rallynov/def#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "wgs": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "qb": "http://purl.org/linked-data/cube#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "sh": "http://www.w3.org/ns/shacl#",
    "vann": "http://purl.org/vocab/vann/",
    "igeo": "http://rdf.insee.fr/def/geo#",
    "wd": "http://www.wikidata.org/entity/",
}
RDF_TYPE = PREFIXES["rdf"] + "type"
# Label properties, most preferred first.
LABEL_PROPERTIES = (
    PREFIXES["rdfs"] + "label",
    PREFIXES["skos"] + "prefLabel",
    PREFIXES["schema"] + "name",
    PREFIXES["dct"] + "title",
    PREFIXES["sh"] + "name",
)
# Labels of common terms of other vocabularies, for the pages (the store has only ours).
COMMON_LABELS: dict[str, tuple[str, str]] = {
    "rdf:type": ("type", "type"),
    "rdfs:label": ("libellé", "label"),
    "rdfs:comment": ("commentaire", "comment"),
    "rdfs:seeAlso": ("voir aussi", "see also"),
    "dct:title": ("titre", "title"),
    "dct:description": ("description", "description"),
    "dct:source": ("source", "source"),
    "dct:date": ("date", "date"),
    "dct:publisher": ("éditeur", "publisher"),
    "dct:identifier": ("identifiant", "identifier"),
    "dct:license": ("licence", "licence"),
    "dct:subject": ("sujet", "subject"),
    "prov:wasDerivedFrom": ("tiré de", "derived from"),
    "prov:qualifiedAssociation": ("rôle d'une organisation", "organisation's role"),
    "prov:agent": ("organisation", "organisation"),
    "prov:hadRole": ("rôle", "role"),
    "schema:name": ("nom (schema.org)", "name (schema.org)"),
    "schema:description": ("description (schema.org)", "description (schema.org)"),
    "schema:location": ("lieu (schema.org)", "location (schema.org)"),
    "schema:url": ("site web", "website"),
    "schema:startDate": ("début", "start date"),
    "schema:endDate": ("fin", "end date"),
    "schema:organizer": ("organisateur (schema.org)", "organiser (schema.org)"),
    "schema:superEvent": ("fait partie de", "part of"),
    "schema:containedInPlace": ("situé dans (schema.org)", "contained in (schema.org)"),
    "schema:numberOfEmployees": ("salariés (schema.org)", "employees (schema.org)"),
    "schema:currency": ("devise", "currency"),
    "schema:award": ("prix reçu", "award"),
    "skos:prefLabel": ("libellé préféré", "preferred label"),
    "skos:altLabel": ("autre libellé", "alternative label"),
    "skos:definition": ("définition", "definition"),
    "skos:notation": ("code", "code"),
    "skos:inScheme": ("dans le schéma", "in scheme"),
    "skos:broader": ("concept plus large", "broader concept"),
    "skos:narrower": ("concept plus précis", "narrower concept"),
    "skos:topConceptOf": ("concept de tête de", "top concept of"),
    "skos:hasTopConcept": ("concept de tête", "top concept"),
    "skos:editorialNote": ("note éditoriale", "editorial note"),
    "skos:scopeNote": ("note d'application", "scope note"),
    "skos:historyNote": ("note historique", "history note"),
    "owl:sameAs": ("identique à", "same as"),
    "wgs:lat": ("latitude", "latitude"),
    "wgs:long": ("longitude", "longitude"),
    "geo:hasGeometry": ("géométrie", "geometry"),
    "geo:asWKT": ("géométrie (WKT)", "geometry (WKT)"),
}
# Incoming links beyond this many are left out (a concept can be the object of every record).
INCOMING_LIMIT = 500
LOCAL_SECTIONS = ("id/", "vocab/", "def#", "shapes")


@dataclass(frozen=True)
class RdfFormat:
    """One RDF serialisation offered by the documents: extension, media type, pyoxigraph format."""

    ext: str
    mimetype: str
    name: str
    ox_format: ox.RdfFormat


RDF_FORMATS: dict[str, RdfFormat] = {
    f.ext: f
    for f in (
        RdfFormat("ttl", "text/turtle", "Turtle", ox.RdfFormat.TURTLE),
        RdfFormat("nt", "application/n-triples", "N-Triples", ox.RdfFormat.N_TRIPLES),
        RdfFormat("jsonld", "application/ld+json", "JSON-LD", ox.RdfFormat.JSON_LD),
        RdfFormat("rdf", "application/rdf+xml", "RDF/XML", ox.RdfFormat.RDF_XML),
    )
}
# Media types a client may ask for, and the extension that answers them.
ACCEPTED: dict[str, str] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
    "application/rdf+xml": "rdf",
}
EXTENSIONS = ("html", *RDF_FORMATS)


def negotiate(accept: MIMEAccept, default: str = "html") -> str | None:
    """The extension that best answers an ``Accept`` header (``default`` first on ties), or None.

    >>> from werkzeug.http import parse_accept_header
    >>> negotiate(parse_accept_header("text/turtle;q=0.9, application/rdf+xml", MIMEAccept))
    'rdf'
    """
    if not accept:
        return default
    order = sorted(ACCEPTED, key=lambda mime: ACCEPTED[mime] != default)
    best = accept.best_match(order)
    return ACCEPTED[best] if best else None


def curie(iri: str) -> str:
    """``https://schema.org/name`` -> ``schema:name``; the IRI itself when no prefix fits."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def local_href(iri: str, base: str) -> str | None:
    """The local path of one of our IRIs (``/id/...``, ``/vocab/...``, ``/def#...``), else None."""
    if not iri.startswith(base):
        return None
    rest = iri[len(base) :]
    return "/" + rest if rest == "def" or rest.startswith(LOCAL_SECTIONS) else None


def safe_href(iri: str, base: str) -> str | None:
    """Where a link to ``iri`` may point in a page: local path, or an http(s) IRI, never ``javascript:``."""
    local = local_href(iri, base)
    if local is not None:
        return local
    return iri if iri.startswith(("http://", "https://")) else None


def values_block(variable: str, iris: Iterable[str]) -> str:
    """A ``VALUES`` block of escaped IRIs (``ox.NamedNode`` refuses anything that is not an IRI)."""
    return f"VALUES ?{variable} {{ {' '.join(str(ox.NamedNode(i)) for i in iris)} }}"


@dataclass
class Description:
    """The triples of one resource, with the labels of everything it links to."""

    iri: str
    outgoing: list[tuple[ox.NamedNode, Any]] = field(default_factory=list)
    incoming: list[tuple[Any, ox.NamedNode]] = field(default_factory=list)
    incoming_total: int = 0
    children: list[ox.Triple] = field(default_factory=list)  # e.g. <place#geometry> triples
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # iri -> lang -> text
    label_triples: list[ox.Triple] = field(default_factory=list)
    places: list[tuple[str, float, float]] = field(default_factory=list)  # iri, lat, long

    @property
    def exists(self) -> bool:
        return bool(self.outgoing or self.incoming)

    def triples(self) -> list[ox.Triple]:
        """Everything the RDF documents carry, sorted so each subject's triples stay together."""
        node = ox.NamedNode(self.iri)
        found = {ox.Triple(node, p, o) for p, o in self.outgoing}
        found.update(ox.Triple(s, p, node) for s, p in self.incoming)
        found.update(self.children)
        found.update(self.label_triples)
        return sorted(found, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))

    def label_of(self, iri: str, lang: str) -> str | None:
        return pick_label(self.labels.get(iri, {}), lang)

    def types(self) -> list[str]:
        return sorted(o.value for p, o in self.outgoing if p.value == RDF_TYPE)


def pick_label(by_lang: dict[str, str], lang: str) -> str | None:
    """The label in ``lang``, else one without language, else French, English, any."""
    for key in (lang, "", "fr", "en"):
        if key in by_lang:
            return by_lang[key]
    return next(iter(sorted(by_lang.items())), (None, None))[1]


def solutions(store: Store, sparql: str) -> list[Any]:
    """The rows of a SELECT query on the public graphs."""
    results = store.query(sparql)
    if not isinstance(results, ox.QuerySolutions):
        raise TypeError(f"expected a SELECT query, got {type(results).__name__}")
    return list(results)


def describe(store: Store, iri: str, incoming_limit: int = INCOMING_LIMIT) -> Description:
    """Read the description of ``iri`` from the public graphs (``desc.exists`` is False if unknown)."""
    desc = Description(iri)
    me = values_block("r", [iri])
    for row in solutions(store, f"SELECT DISTINCT ?p ?o WHERE {{ {me} ?r ?p ?o }}"):
        desc.outgoing.append((row["p"], row["o"]))
    incoming = solutions(
        store,
        f"SELECT DISTINCT ?s ?p WHERE {{ {me} ?s ?p ?r }} ORDER BY ?p ?s LIMIT {incoming_limit + 1}",
    )
    desc.incoming = [(row["s"], row["p"]) for row in incoming[:incoming_limit]]
    desc.incoming_total = len(desc.incoming)
    if len(incoming) > incoming_limit:
        count = solutions(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {me} ?s ?p ?r }}")
        desc.incoming_total = int(count[0]["n"].value)
    if not desc.exists:
        return desc
    children = {o.value for _, o in desc.outgoing if isinstance(o, ox.NamedNode)}
    children = {c for c in children if c.startswith(iri + "#")}
    if children:
        query = (
            f"SELECT DISTINCT ?c ?p ?o WHERE {{ {values_block('c', sorted(children))} ?c ?p ?o }}"
        )
        for row in solutions(store, query):
            desc.children.append(ox.Triple(row["c"], row["p"], row["o"]))
    _read_labels(store, desc)
    _read_places(store, desc)
    return desc


def _linked(desc: Description) -> set[str]:
    linked = {o.value for _, o in desc.outgoing if isinstance(o, ox.NamedNode)}
    linked.update(s.value for s, _ in desc.incoming if isinstance(s, ox.NamedNode))
    return linked - {desc.iri}


def _read_labels(store: Store, desc: Description) -> None:
    """Labels of the resource, its properties and every resource it links to (best property first)."""
    linked = _linked(desc)
    properties = {p.value for p, _ in desc.outgoing} | {p.value for _, p in desc.incoming}
    wanted = sorted(linked | properties | {desc.iri})
    rank = {p: i for i, p in enumerate(LABEL_PROPERTIES)}
    query = (
        f"SELECT DISTINCT ?x ?lp ?l WHERE {{ {values_block('x', wanted)} "
        f"{values_block('lp', LABEL_PROPERTIES)} ?x ?lp ?l FILTER(isLiteral(?l)) }}"
    )
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for row in solutions(store, query):
        x, prop, literal = row["x"].value, row["lp"].value, row["l"]
        key = (x, literal.language or "")
        candidate = (rank[prop], literal.value)
        if key not in best or candidate < best[key]:
            best[key] = candidate
        if x in linked:
            desc.label_triples.append(ox.Triple(row["x"], row["lp"], literal))
    for (x, lang), (_, text) in best.items():
        desc.labels.setdefault(x, {})[lang] = text
    for prop in properties:
        common = COMMON_LABELS.get(curie(prop))
        if common and prop not in desc.labels:
            desc.labels[prop] = {"fr": common[0], "en": common[1]}


def _read_places(store: Store, desc: Description) -> None:
    """Points to draw: the resource's own ``wgs:lat``/``wgs:long``, else those of its places."""
    query = f"""
    PREFIX wgs: <{PREFIXES["wgs"]}>
    PREFIX rally: <{PREFIXES["rally"]}>
    PREFIX schema: <{PREFIXES["schema"]}>
    SELECT DISTINCT ?place ?lat ?long WHERE {{
      {{ {values_block("place", [desc.iri])} }}
      UNION {{ {values_block("r", [desc.iri])} ?r rally:location|schema:location ?place }}
      ?place wgs:lat ?lat ; wgs:long ?long .
    }} ORDER BY ?place"""
    seen: set[str] = set()
    for row in solutions(store, query):
        place = row["place"].value
        try:
            lat, long = float(row["lat"].value), float(row["long"].value)
        except ValueError:
            continue
        if place not in seen and -90 <= lat <= 90 and -180 <= long <= 180:
            seen.add(place)
            desc.places.append((place, lat, long))
    own = [p for p in desc.places if p[0] == desc.iri]
    if own:
        desc.places = own


def serialize(triples: list[ox.Triple], ext: str) -> bytes:
    """The triples in the RDF format of extension ``ext`` (``ttl``, ``nt``, ``jsonld``, ``rdf``)."""
    fmt = RDF_FORMATS[ext].ox_format
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return bytes(ox.serialize(triples, format=fmt, prefixes=prefixes) or b"")


class VersionCache:
    """Values computed once per dataset version: the data only changes when a build is published.

    >>> cache = VersionCache()
    >>> cache.get(store, "counts", lambda: count_things(store))   # doctest: +SKIP
    """

    def __init__(self, maxsize: int = 2048):
        self.maxsize = maxsize
        self.version: str | None = None
        self.values: dict[Any, Any] = {}
        self.lock = threading.Lock()

    def get(self, store: Store, key: Any, compute: Callable[[], Any]) -> Any:
        meta = store.meta()
        version = meta.version if meta is not None else ""
        with self.lock:
            if version != self.version:
                self.values.clear()
                self.version = version
            if key in self.values:
                return self.values[key]
        value = compute()
        with self.lock:
            if self.version == version:
                if len(self.values) >= self.maxsize:
                    self.values.clear()
                self.values[key] = value
        return value


def version_cache(app: Flask, name: str) -> VersionCache:
    """The application's cache called ``name`` (one per app, so test apps never share entries)."""
    caches: dict[str, VersionCache] = app.extensions.setdefault("rallynov_version_caches", {})
    return caches.setdefault(name, VersionCache())


@dataclass(frozen=True)
class Member:
    """One concept of a scheme, for the scheme's page (``depth`` 0 for top concepts)."""

    iri: str
    notation: str
    labels: dict[str, str]
    depth: int


def scheme_members(store: Store, scheme: str) -> list[Member]:
    """The concepts of ``scheme`` as an indented tree: each one after its broader concept."""
    query = f"""
    PREFIX skos: <{PREFIXES["skos"]}>
    SELECT ?c ?notation ?label ?broader WHERE {{
      {values_block("scheme", [scheme])}
      ?c skos:inScheme ?scheme .
      OPTIONAL {{ ?c skos:notation ?notation }}
      OPTIONAL {{ ?c skos:prefLabel ?label }}
      OPTIONAL {{ ?c skos:broader ?broader . ?broader skos:inScheme ?scheme }}
    }}"""
    notations: dict[str, str] = {}
    labels: dict[str, dict[str, str]] = {}
    children: dict[str | None, set[str]] = {}
    for row in solutions(store, query):
        concept = row["c"].value
        notations.setdefault(concept, row["notation"].value if row["notation"] else "")
        if row["label"] is not None:
            labels.setdefault(concept, {})[row["label"].language or ""] = row["label"].value
        labels.setdefault(concept, {})
        broader = row["broader"].value if row["broader"] is not None else None
        children.setdefault(broader, set()).add(concept)
    has_parent = {c for parent, kids in children.items() if parent is not None for c in kids}
    roots = (children.get(None, set()) - has_parent) or set(notations) - has_parent
    members: list[Member] = []
    seen: set[str] = set()

    def visit(concept: str, depth: int) -> None:
        if concept in seen:
            return
        seen.add(concept)
        members.append(Member(concept, notations[concept], labels[concept], depth))
        for kid in sorted(children.get(concept, ()), key=lambda c: (notations[c], c)):
            visit(kid, depth + 1)

    for root in sorted(roots, key=lambda c: (notations[c], c)):
        visit(root, 0)
    for rest in sorted(set(notations) - seen, key=lambda c: (notations[c], c)):
        visit(rest, 0)  # concepts caught in a broader cycle still get listed
    return members

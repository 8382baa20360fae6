"""Result formats and their choice: ``format=`` first, else ``Accept`` with its q-values.

SELECT and ASK answer in a *tabular* format, CONSTRUCT and DESCRIBE in a *graph* format; the
query form is known only once the query is parsed, so both choices are made up front and the
worker uses the one that fits (406 when the fitting one is missing).

>>> from werkzeug.datastructures import MIMEAccept
>>> negotiate(MIMEAccept([("text/csv", 1), ("text/turtle", 0.5)]), None)
Formats(tabular='CSV', graph='TURTLE')
>>> negotiate(MIMEAccept(), "nt")
Formats(tabular=None, graph='N_TRIPLES')
"""

from __future__ import annotations

from typing import NamedTuple

from werkzeug.datastructures import MIMEAccept

from endpoint.errors import ApiError

# Media types we answer, in order of preference when a client accepts several equally.
TABULAR_TYPES: tuple[tuple[str, str], ...] = (
    ("application/sparql-results+json", "JSON"),
    ("application/sparql-results+xml", "XML"),
    ("text/csv", "CSV"),
    ("text/tab-separated-values", "TSV"),
    ("application/json", "JSON"),
    ("application/xml", "XML"),
    ("text/xml", "XML"),
)
GRAPH_TYPES: tuple[tuple[str, str], ...] = (
    ("text/turtle", "TURTLE"),
    ("application/n-triples", "N_TRIPLES"),
    ("application/ld+json", "JSON_LD"),
    ("application/rdf+xml", "RDF_XML"),
    ("application/x-turtle", "TURTLE"),
    ("application/turtle", "TURTLE"),
    ("application/json", "JSON_LD"),
    ("application/xml", "RDF_XML"),
)
# format=NAME (and the names SPARQLWrapper sends) -> (tabular, graph)
FORMAT_NAMES: dict[str, tuple[str | None, str | None]] = {
    "json": ("JSON", "JSON_LD"),
    "xml": ("XML", "RDF_XML"),
    "csv": ("CSV", None),
    "tsv": ("TSV", None),
    "ttl": (None, "TURTLE"),
    "turtle": (None, "TURTLE"),
    "n3": (None, "TURTLE"),
    "nt": (None, "N_TRIPLES"),
    "ntriples": (None, "N_TRIPLES"),
    "n-triples": (None, "N_TRIPLES"),
    "jsonld": (None, "JSON_LD"),
    "json-ld": (None, "JSON_LD"),
    "rdf": (None, "RDF_XML"),
    "rdfxml": (None, "RDF_XML"),
    "rdf+xml": (None, "RDF_XML"),
}
PUBLIC_FORMAT_NAMES = "json, xml, csv, tsv, ttl, nt, jsonld, rdf"


class Formats(NamedTuple):
    tabular: str | None  # a pyoxigraph QueryResultsFormat member name
    graph: str | None  # a pyoxigraph RdfFormat member name

    @property
    def key(self) -> str:
        return f"{self.tabular}/{self.graph}"


DEFAULT = Formats("JSON", "TURTLE")


def negotiate(accept: MIMEAccept, format_name: str | None) -> Formats:
    """The formats for this request; 400 for an unknown ``format``, 406 when nothing fits."""
    if format_name:
        chosen = FORMAT_NAMES.get(format_name.strip().lower())
        if chosen is None:
            raise ApiError(400, f"Unknown format {format_name!r}; use one of {PUBLIC_FORMAT_NAMES}")
        return Formats(*chosen)
    if not accept:  # no Accept header at all: anything goes
        return DEFAULT
    formats = Formats(_best(accept, TABULAR_TYPES), _best(accept, GRAPH_TYPES))
    if formats == (None, None):
        raise ApiError(
            406,
            "None of the media types in Accept can be served; results come as "
            + ", ".join(media for media, _ in TABULAR_TYPES[:4] + GRAPH_TYPES[:4])
            + f" (or use format={PUBLIC_FORMAT_NAMES.replace(', ', '|')})",
        )
    return formats


def _best(accept: MIMEAccept, offers: tuple[tuple[str, str], ...]) -> str | None:
    media = accept.best_match([media for media, _ in offers])
    if media is None:
        return None
    return dict(offers)[media]


RDF_DESCRIPTION_TYPES: tuple[tuple[str, str], ...] = GRAPH_TYPES[:6]


def negotiate_description(accept: MIMEAccept) -> str:
    """The RDF format of the service description (Turtle unless another is preferred)."""
    if not accept:
        return "TURTLE"
    best = _best(accept, RDF_DESCRIPTION_TYPES)
    if best is None:
        raise ApiError(
            406,
            "The service description is given as "
            + ", ".join(media for media, _ in RDF_DESCRIPTION_TYPES[:4])
            + " or as an HTML page",
        )
    return best

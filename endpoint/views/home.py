"""The home page: what the dataset is, its licence and sources, live counts, where to go next.

The counts and the list of sources are computed once per dataset version (the data only changes
when a build is published), not on every request: at start-up by the warm-up (COUNT queries over
7 million triples at 100k innovations take seconds), else by the first visitor. The schema.org
``Dataset`` the page embeds describes the download files as they are now, built or not: it never
waits for a dump.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template

from endpoint.app import get_store
from endpoint.describe import PREFIXES, pick_label, safe_href, solutions
from endpoint.i18n import current_lang
from endpoint.networks import cached
from endpoint.store.base import Store
from endpoint.warmup import warmer

bp = Blueprint("home", __name__)

# What the home page counts: key -> class (instances of its subclasses count too).
COUNTED = {
    "innovations": "SocialInnovation",
    "organisations": "Organisation",
    "stages": "Stage",
    "events": "Event",
    "awards": "Award",
    "editions": "Edition",
}
COUNTS_QUERY = f"""
PREFIX rally: <{PREFIXES["rally"]}>
PREFIX rdfs: <{PREFIXES["rdfs"]}>
SELECT ?key (COUNT(DISTINCT ?x) AS ?n) WHERE {{
  VALUES (?key ?class) {{ {" ".join(f'("{k}" rally:{c})' for k, c in COUNTED.items())} }}
  ?type rdfs:subClassOf* ?class .
  ?x a ?type .
}} GROUP BY ?key"""
SOURCES_QUERY = f"""
PREFIX rally: <{PREFIXES["rally"]}>
PREFIX dct: <{PREFIXES["dct"]}>
PREFIX rdfs: <{PREFIXES["rdfs"]}>
SELECT ?source ?title ?date ?publisher WHERE {{
  ?source a rally:SourceDocument .
  OPTIONAL {{ ?source dct:title|rdfs:label ?title }}
  OPTIONAL {{ ?source dct:date ?date }}
  OPTIONAL {{ ?source dct:publisher ?p . OPTIONAL {{ ?p rdfs:label ?pl }} }}
  BIND(COALESCE(?pl, IF(isLiteral(?p), ?p, "")) AS ?publisher)
}} ORDER BY ?date ?source"""

# What each kind of minted URI identifies (message keys of endpoint/i18n.py).
URI_PATTERNS = (
    ("/id/innovation/{slug}", "home_uri_innovation"),
    ("/id/organisation/{slug}", "home_uri_organisation"),
    ("/id/person/{slug}", "home_uri_person"),
    ("/id/edition/{year}", "home_uri_edition"),
    ("/id/event/{slug}", "home_uri_event"),
    ("/id/award/{slug}", "home_uri_award"),
    ("/id/application/{slug}", "home_uri_application"),
    ("/id/testimony/{slug}", "home_uri_testimony"),
    ("/id/key-figure/{slug}", "home_uri_key_figure"),
    ("/id/partnership/{slug}", "home_uri_partnership"),
    ("/id/place/{slug}", "home_uri_place"),
    ("/id/source/{slug}", "home_uri_source"),
    ("/vocab/{scheme}/{code}", "home_uri_concept"),
    ("/vocab/{scheme}", "home_uri_scheme"),
    ("/def#{Term}", "home_uri_term"),
)
LINKS = (
    ("/sparql", "sparql", "home_link_sparql"),
    ("/queries", "queries", "home_link_queries"),
    ("/map", "map", "home_link_map"),
    ("/network", "network", "home_link_network"),
    ("/catalog", "catalog", "home_link_catalog"),
    ("/download/", "downloads", "home_link_downloads"),
    ("/def", "ontology", "home_link_def"),
    ("/vocab/", "home_vocabularies", "home_link_vocab"),
    ("/shapes", "home_shapes", "home_link_shapes"),
)


def dataset_summary(store: Store) -> dict[str, Any]:
    """Counts per kind of record, public triples, and the source documents (one store pass)."""
    counts = {key: 0 for key in COUNTED}
    for row in solutions(store, COUNTS_QUERY):
        counts[row["key"].value] = int(row["n"].value)
    meta = store.meta()
    public = set(store.public_graphs())
    triples = sum(n for g, n in meta.graphs.items() if g in public) if meta else 0
    sources: dict[str, dict[str, Any]] = {}
    for row in solutions(store, SOURCES_QUERY):
        entry = sources.setdefault(
            row["source"].value,
            {"iri": row["source"].value, "titles": {}, "date": "", "publisher": ""},
        )
        if row["title"] is not None:
            entry["titles"].setdefault(row["title"].language or "", row["title"].value)
        if row["date"] is not None:
            entry["date"] = row["date"].value
        if row["publisher"] is not None:
            entry["publisher"] = row["publisher"].value
    return {
        "counts": counts,
        "triples": triples,
        "version": meta.version if meta else "",
        "modified": meta.modified if meta else "",
        "sources": list(sources.values()),
    }


def summary_for(store: Store) -> dict[str, Any]:
    """:func:`dataset_summary`, once per dataset version."""
    return cached(store, ("home-summary",), lambda: dataset_summary(store))


@warmer("home", order=10)
def warm_home(app: Flask) -> None:
    summary_for(get_store(app))


FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="6" fill="#123b5a"/>'
    '<path d="M10 25V7h7a5.5 5.5 0 0 1 0 11h-7m7 0 6 7" fill="none" stroke="#fff" stroke-width="3"/>'
    "</svg>"
)


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for it on every page; answering keeps their consoles free of 404s."""
    response = Response(FAVICON, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/")
def home() -> Response:
    store = get_store(current_app)
    summary = summary_for(store)
    lang = current_lang()
    base = str(current_app.config["BASE_URI"])
    sources = [
        {
            "title": pick_label(s["titles"], lang) or s["iri"],
            "href": safe_href(s["iri"], base),
            "date": s["date"],
            "publisher": s["publisher"],
        }
        for s in summary["sources"]
    ]
    body = render_template(
        "home.html",
        summary=summary,
        sources=sources,
        license=current_app.config["LICENSE"],
        base=base,
        uri_patterns=URI_PATTERNS,
        links=LINKS,
    )
    return Response(body, mimetype="text/html")

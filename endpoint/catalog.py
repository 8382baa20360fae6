"""The catalog, VoID and schema.org descriptions of the dataset as this server publishes them.

The builders live in :mod:`endpoint.opendata`; this module binds them to a Flask application
(its store, ``BASE_URI``, ``LICENSE``, ``PUBLIC_URL``). What costs a pass over the data (VoID
statistics, the publishing organisations) is computed once per dataset version
(:func:`endpoint.networks.cached`, precomputed at start-up by :func:`warm`); the download files
are described as they are now, built or not (:func:`endpoint.opendata.files_for`), so nothing
here waits for a dump.

>>> graph = catalog_graph(app, "https://rallynov.example.org")          # doctest: +SKIP
>>> schema_org_dataset(app, "https://rallynov.example.org")["@type"]    # doctest: +SKIP
'Dataset'
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from rdflib import Graph

from endpoint.networks import cached
from endpoint.opendata import files_for, terms
from endpoint.opendata.dcat import build_catalog
from endpoint.opendata.publication import Agent, Publication, load_agents, server_publication
from endpoint.opendata.schemaorg import schema_org
from endpoint.opendata.void import Statistics, build_void, statistics
from endpoint.settings import load_settings
from endpoint.store.base import Store

# Extension -> (media type, rdflib format name); Turtle first (the default).
GRAPH_FORMATS: dict[str, tuple[str, str]] = {
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "rdf": ("application/rdf+xml", "xml"),
    "nt": ("application/n-triples", "nt"),
}
ACCEPTED = {
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
    "application/rdf+xml": "rdf",
    "application/xml": "rdf",
    "text/xml": "rdf",
    "application/n-triples": "nt",
}


def _store_and_config(app_or_store: Flask | Store) -> tuple[Store, dict[str, Any], Flask | None]:
    if isinstance(app_or_store, Store):
        return app_or_store, load_settings(), None
    from endpoint.app import get_store

    return get_store(app_or_store), dict(app_or_store.config), app_or_store


def agents(store: Store, namespace: str) -> tuple[Agent, ...]:
    """The publisher and creators as the data names them (once per dataset version)."""
    return cached(store, ("opendata-agents", namespace), lambda: load_agents(store, namespace))


def void_statistics(store: Store, uri_space: str) -> Statistics:
    """VoID's counts (a dozen passes over the data: minutes at 100k innovations), once per
    dataset version."""
    return cached(store, ("void-statistics", uri_space), lambda: statistics(store, uri_space))


def warm(app: Flask) -> None:
    """Compute what the catalog and VoID need from the data, before a client asks for it."""
    from endpoint.app import get_store

    store, namespace = get_store(app), str(app.config["BASE_URI"])
    agents(store, namespace)
    void_statistics(store, f"{namespace}id/")


def publication(app_or_store: Flask | Store, base_url: str) -> Publication:
    """How the server at ``base_url`` publishes the store's current version."""
    store, config, app = _store_and_config(app_or_store)
    base = base_url.rstrip("/")
    extra: dict[str, Any] = {
        "contact_email": str(config.get("CONTACT_EMAIL") or ""),
        "contact_url": str(config.get("CONTACT_URL") or ""),
    }
    if app is not None:
        rules = {rule.rule for rule in app.url_map.iter_rules()}
        if {"/api/queries", "/api/openapi.json"} <= rules:
            extra["api_endpoint"] = f"{base}/api/queries"
            extra["api_description"] = f"{base}/api/openapi.json"
    namespace = str(config["BASE_URI"])
    return server_publication(
        base,
        namespace,
        str(config["LICENSE"]),
        store.meta(),
        agents=agents(store, namespace),
        **extra,
    )


def catalog_graph(app_or_store: Flask | Store, base_url: str) -> Graph:
    """The DCAT-AP 3.0 catalog of the server at ``base_url``."""
    store, _, _ = _store_and_config(app_or_store)
    return build_catalog(publication(app_or_store, base_url), files_for(store))


def void_graph(app_or_store: Flask | Store, base_url: str) -> Graph:
    """The VoID description of the dataset as served at ``base_url``."""
    store, _, _ = _store_and_config(app_or_store)
    pub = publication(app_or_store, base_url)
    return build_void(pub, void_statistics(store, pub.uri_space), files_for(store))


def schema_org_dataset(
    app_or_store: Flask | Store, base_url: str, lang: str = "fr"
) -> dict[str, Any]:
    """The schema.org ``Dataset`` (a JSON-LD dict) for pages served at ``base_url``.

    Embed it in a page head with Flask's ``tojson`` filter, which escapes ``<``, ``>`` and ``&``::

        <script type="application/ld+json">{{ schema_org_dataset_jsonld() | tojson }}</script>
    """
    store, _, _ = _store_and_config(app_or_store)
    return schema_org(publication(app_or_store, base_url), files_for(store), lang)


def serialize_graph(graph: Graph, ext: str) -> bytes:
    """``graph`` in the format of extension ``ext`` (JSON-LD compacted with our prefixes)."""
    fmt = GRAPH_FORMATS[ext][1]
    if fmt == "json-ld":
        context = {prefix: str(namespace) for prefix, namespace in terms.PREFIXES.items()}
        return graph.serialize(format=fmt, context=context, auto_compact=True, encoding="utf-8")
    return graph.serialize(format=fmt, encoding="utf-8")


__all__ = [
    "GRAPH_FORMATS",
    "agents",
    "catalog_graph",
    "publication",
    "schema_org_dataset",
    "serialize_graph",
    "void_graph",
    "void_statistics",
    "warm",
]

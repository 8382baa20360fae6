"""The application factory: the one place that wires settings, store, errors and views.

>>> app = create_app({"TESTING": True})          # the bundled dataset, in memory
>>> app.test_client().get("/").status_code
200
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Request, Response, g, request
from flask_compress import Compress

from endpoint import errors, i18n, ratelimit
from endpoint.settings import load_settings
from endpoint.sparql.cache import ResultCache
from endpoint.store import EmbeddedStore, Store, open_store
from endpoint.store.remote import RemoteStore
from loaders import build_graphs


def load_store(location: str | None, settings: Mapping[str, Any] | None = None) -> Store:
    """The store to serve: the published one at ``location`` (a folder, or the query URL of a
    SPARQL server), else the bundled dataset in memory."""
    if location:
        store = open_store(str(location), settings=settings)
        if isinstance(store, RemoteStore):
            return store  # served even while its server is down: 503 + Retry-After until it is back
        if store.meta() is not None:
            return store
    memory = EmbeddedStore()
    memory.publish(build_graphs().named_triples())
    return memory


# gzip (flask-compress) for every answer worth it, when the client sends Accept-Encoding: gzip:
# data, HTML pages and the static files (CSS, scripts, vendored libraries). Files sent from disk
# that are not static (downloads, some already .gz) are streams and stay as they are. A strong
# ETag gets GZIP_ETAG_SUFFIX on a gzip answer, so that it differs from the identity answer's.
STATIC_PATH = "/static/"
GZIP_ETAG_SUFFIX = ":gzip"


def _gzip_key(request: Request) -> str:
    """The key of a compressed body: host, path and raw query string, and the strong ETag; ""
    (never kept) without one. Only asked for when an answer is compressed (``request.url``
    would decode a long query string on every request)."""
    etag = g.get("rallynov_gzip_etag", "")
    return f"{request.host}{request.full_path} {etag}" if etag else ""


COMPRESS = {
    "COMPRESS_REGISTER": False,  # by the hook of install_compression
    "COMPRESS_ALGORITHM": ["gzip"],
    "COMPRESS_STREAMS": False,
    "COMPRESS_MIMETYPES": [
        *("application/json", "application/geo+json", "application/ld+json", "text/csv"),
        *("application/sparql-results+json", "application/sparql-results+xml", "text/turtle"),
        *("text/tab-separated-values", "application/n-triples", "application/rdf+xml"),
        *("application/xml", "text/xml", "application/gexf+xml", "application/graphml+xml"),
        *("text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml"),
    ],
    # the gzip of an answer served again is kept (by URL and strong ETag): see GzipCache
    "COMPRESS_CACHE_KEY": _gzip_key,
}


class GzipCache(ResultCache):
    """Compressed bodies for flask-compress, by URL and strong ETag (a strong ETag names the
    exact bytes, so they compress to the same gzip): a large answer is compressed once per
    dataset version, not on every request. flask-compress asks for ``"gzip;" + key``; an answer
    without a strong ETag has an empty key and is never kept."""

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";"):
            self.put(key, value, len(key) + len(value))


def install_compression(app: Flask) -> None:
    """gzip the answers (registered last, so it runs first of the app hooks)."""
    for key, value in COMPRESS.items():
        app.config.setdefault(key, value)
    cache = GzipCache(max_entries=1024, max_bytes=128 << 20, max_item=32 << 20)
    app.config.setdefault("COMPRESS_CACHE_BACKEND", lambda: cache)
    compress = Compress(app)

    @app.after_request
    def _gzip(response: Response) -> Response:
        if request.path.startswith(STATIC_PATH) and response.status_code == 200:
            # a static file is a small stream (send_file): read it so that it can be compressed
            # (once per file version: send_file's ETag is strong)
            response.direct_passthrough = False
            response.make_sequence()
        etag, weak = response.get_etag()
        g.rallynov_gzip_etag = etag if etag and not weak else ""
        return compress.after_request(response)


def create_app(
    test_config: dict[str, Any] | None = None, *, config_file: Path | None = None
) -> Flask:
    app = Flask(__name__)
    overrides = dict(test_config or {})
    store = overrides.pop("STORE_OBJECT", None)
    app.config.update(load_settings(config_file, overrides))
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_BODY"])
    app.extensions["rallynov_store"] = (
        store if store is not None else load_store(app.config.get("STORE"), app.config)
    )
    errors.init_app(app)
    i18n.init_app(app)
    ratelimit.init_app(app)
    from endpoint import views

    views.init_app(app)
    install_compression(app)
    return app


def get_store(app: Flask) -> Store:
    return app.extensions["rallynov_store"]  # type: ignore[no-any-return]

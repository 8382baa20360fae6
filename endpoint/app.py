"""The application factory: the one place that wires settings, store, errors and views.

>>> app = create_app({"TESTING": True})          # the bundled dataset, in memory
>>> app.test_client().get("/").status_code
200
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from endpoint import errors, i18n, ratelimit
from endpoint.settings import load_settings
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
    return app


def get_store(app: Flask) -> Store:
    return app.extensions["rallynov_store"]  # type: ignore[no-any-return]

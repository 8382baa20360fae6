"""The application factory: the one place that wires settings, store, errors and views.

>>> app = create_app({"TESTING": True})          # the bundled dataset, in memory
>>> app.test_client().get("/").status_code
200
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from endpoint import errors, i18n
from endpoint.settings import load_settings
from endpoint.store import EmbeddedStore, Store, open_store
from loaders import build_graphs


def load_store(location: str | None) -> Store:
    """The store to serve: the published one at ``location``, else the bundled dataset in memory."""
    if location:
        store = open_store(Path(location))
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
        store if store is not None else load_store(app.config.get("STORE"))
    )
    errors.init_app(app)
    i18n.init_app(app)
    from endpoint import views

    views.init_app(app)
    return app


def get_store(app: Flask) -> Store:
    return app.extensions["rallynov_store"]  # type: ignore[no-any-return]

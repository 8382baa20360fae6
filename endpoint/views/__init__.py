"""One blueprint per file: every module of this package that defines ``bp`` is registered."""

from __future__ import annotations

import importlib
import pkgutil

from flask import Blueprint, Flask


def init_app(app: Flask) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        blueprint = getattr(module, "bp", None)
        if isinstance(blueprint, Blueprint):
            app.register_blueprint(blueprint)

"""Where the project's files are, from a checkout or from an installed package.

From a checkout the folders sit beside ``loaders/``; ``pip install .`` copies them to
``<prefix>/share/rallynov/`` (see ``[tool.setuptools.data-files]`` in pyproject.toml).
"""

from __future__ import annotations

import site
import sys
from functools import cache
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


@cache
def resource_dir(name: str) -> Path:
    """The folder ``ontology``, ``shapes``, ``queries`` or ``data``."""
    candidates = [_CHECKOUT / name, Path(sys.prefix) / "share" / "rallynov" / name]
    candidates.append(Path(site.getuserbase()) / "share" / "rallynov" / name)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find the {name!r} folder; looked in {candidates}")


def ontology_files() -> list[Path]:
    return sorted(resource_dir("ontology").glob("*.ttl"))


def default_sources() -> list[Path]:
    """The bundled dataset: every table of ``data/`` plus the restricted contacts."""
    data = resource_dir("data")
    return sorted(data.glob("*.csv")) + sorted((data / "restricted").glob("*.csv"))

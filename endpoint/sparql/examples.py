"""The named queries offered as examples in the query editor, read from ``queries/*.rq``.

Each file's ``#+`` header (YAML in SPARQL comments) gives its title; the whole file, header
included, is the example (the header is made of comments, so it runs as is).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from loaders.paths import resource_dir


def _title(header: dict[str, Any], lang: str, fallback: str) -> str:
    title = header.get("title")
    if isinstance(title, dict):
        return str(title.get(lang) or title.get("en") or title.get("fr") or fallback)
    return str(title) if title else fallback


def read_example(path: Path, lang: str) -> dict[str, str]:
    """``{"name", "title", "sparql"}`` for one ``.rq`` file (the title falls back to the name)."""
    text = path.read_text(encoding="utf-8")
    header_lines = [line[2:] for line in text.splitlines() if line.startswith("#+")]
    try:
        header = yaml.safe_load("\n".join(header_lines)) if header_lines else {}
    except yaml.YAMLError:
        header = {}
    if not isinstance(header, dict):
        header = {}
    return {"name": path.stem, "title": _title(header, lang, path.stem), "sparql": text}


def example_queries(lang: str) -> list[dict[str, str]]:
    """Every named query as an example, sorted by name; empty when ``queries/`` is missing."""
    try:
        folder = resource_dir("queries")
    except FileNotFoundError:
        return []
    return list(_examples(folder, lang))


@cache
def _examples(folder: Path, lang: str) -> tuple[dict[str, str], ...]:
    """Read once per process, as the named queries are (``load_named_queries``): parsing the
    YAML headers of every file took most of the editor page's 80 ms."""
    examples = []
    for path in sorted(folder.glob("*.rq")):
        try:
            examples.append(read_example(path, lang))
        except (OSError, UnicodeDecodeError):
            continue
    return tuple(examples)

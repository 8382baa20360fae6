"""Every named query file parses, documents itself in French and English, and answers rows on
the bundled dataset (with its defaults, and with English labels where it takes ``lang``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from endpoint.named_queries import (
    load_named_queries,
    parse_query_file,
    run_named_query,
)
from endpoint.store import EmbeddedStore
from loaders.paths import resource_dir

QUERY_FILES = sorted(resource_dir("queries").glob("*.rq"))
IDS = [path.stem for path in QUERY_FILES]
# the queries that show translated labels take a ``lang`` parameter
WITH_LANG = [p for p in QUERY_FILES if "#+   - name: lang" in p.read_text(encoding="utf-8")]


def test_at_least_fifteen_named_queries_besides_the_network_ones() -> None:
    own = [p for p in QUERY_FILES if not p.stem.startswith("network-")]
    assert len(own) >= 15, [p.stem for p in own]


def test_the_loader_reads_every_file() -> None:
    assert sorted(load_named_queries()) == sorted(IDS)


@pytest.mark.parametrize("path", QUERY_FILES, ids=IDS)
def test_header_has_titles_descriptions_and_typed_parameters(path: Path) -> None:
    query = parse_query_file(path)
    assert query.name == path.stem
    for lang in ("fr", "en"):
        assert query.title[lang].strip(), f"{path.name}: no {lang} title"
        assert query.description[lang].strip(), f"{path.name}: no {lang} description"
        for param in query.params:
            assert param.description[lang].strip(), f"{path.name}: {param.name} has no {lang} text"


@pytest.mark.parametrize("path", QUERY_FILES, ids=IDS)
def test_query_returns_rows_on_the_bundled_data(bundled_store: EmbeddedStore, path: Path) -> None:
    query = parse_query_file(path)
    result = run_named_query(bundled_store, query.name, {}, queries={query.name: query})
    assert result.cells, f"{path.name} answers no row on the bundled data"
    assert result.columns and not result.truncated


@pytest.mark.parametrize("path", WITH_LANG, ids=[p.stem for p in WITH_LANG])
def test_query_answers_in_english_too(bundled_store: EmbeddedStore, path: Path) -> None:
    query = parse_query_file(path)
    result = run_named_query(bundled_store, query.name, {"lang": "en"}, queries={query.name: query})
    assert result.cells, f"{path.name} answers no row with lang=en"
    assert result.params["lang"] == "en"

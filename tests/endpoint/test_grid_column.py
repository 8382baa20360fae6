"""One innovation's grid column comes from its neighbourhood in the store, not from the matrix.

The neighbourhood read from the store holds every triple the in-memory index cuts for the same
innovation (plus vocabulary triples, which validation adds anyway), and the column computed from
it is the innovation's row of ``loaders.validation.grid_matrix``.
"""

from __future__ import annotations

import pytest
from flask import Flask
from rdflib import URIRef
from rdflib.namespace import RDF

import endpoint.views.grid as grid_view
from endpoint import warmup
from endpoint.app import get_store
from endpoint.networks import CACHE, version
from loaders.build import BuildResult
from loaders.iris import RALLY
from loaders.neighbourhood import TripleIndex, shape_reach
from loaders.validation import grid_matrix

SKIP = {"id", "name", "status"}


def innovations(bundled: BuildResult) -> list[URIRef]:
    return sorted(
        s for s, p, o in bundled.public_triples if p == RDF.type and o == RALLY.SocialInnovation
    )


def test_the_store_neighbourhood_holds_what_the_shapes_read(
    app: Flask, bundled: BuildResult
) -> None:
    index = TripleIndex(bundled.public_triples, shape_reach())
    vocabulary = set(bundled.vocabulary)
    store = get_store(app)
    for innovation in innovations(bundled):
        from_store = set(grid_view.neighbourhood(store, [str(innovation)]))
        from_build = set(index.neighbourhood([innovation]))
        assert from_build <= from_store
        assert from_store - from_build <= vocabulary


def test_each_innovation_column_is_its_matrix_row(app: Flask, bundled: BuildResult) -> None:
    matrix = {row["id"]: row for row in grid_matrix(bundled)}
    with app.app_context():
        store = get_store(app)
        for innovation in innovations(bundled)[::4]:
            column = grid_view.innovation_column(store, str(innovation))
            row = matrix[str(innovation).rsplit("/", 1)[-1]]
            assert column == {k: v for k, v in row.items() if k not in SKIP}
        assert grid_view.innovation_column(store, str(RALLY.Nothing)) is None


def test_the_page_does_not_compute_the_whole_matrix(
    client, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    def whole_matrix(store: object) -> None:
        raise AssertionError("the innovation page computed the whole matrix")

    monkeypatch.setattr(grid_view, "grid_columns", whole_matrix)
    html = client.get("/doc/innovation/drive-fermier-39?lang=en").get_data(as_text=True)
    assert 'class="grid-met' in html or 'class="grid-unmet' in html
    assert "IS-A1" in html


def _forget_the_matrix(app: Flask) -> tuple[str, str]:
    key = (version(get_store(app)), "grid-matrix")
    with CACHE.lock:  # other tests may have computed it already
        CACHE.values.pop(key, None)
    return key


def test_the_warm_up_computes_the_matrix_once_per_version(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = _forget_the_matrix(app)
    computed = []
    real = grid_view.grid_columns
    monkeypatch.setattr(grid_view, "grid_columns", lambda store: computed.append(1) or real(store))
    assert ("grid", grid_view.warm_grid) in warmup.WARMERS  # `rallynov serve` runs it
    with app.app_context():
        grid_view.warm_grid(app)
    assert key in CACHE and computed == [1]
    with app.test_client() as client:
        assert client.get("/grid.csv").status_code == 200
    assert computed == [1]


def test_no_warm_up_of_the_matrix_above_its_size_limit(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = _forget_the_matrix(app)
    monkeypatch.setattr(grid_view, "WARMUP_MAX", 5)  # the bundled data has 22 innovations
    with app.app_context():
        grid_view.warm_grid(app)
    assert key not in CACHE

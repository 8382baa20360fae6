"""The grid matrix page and its CSV agree with loaders.validation.grid_matrix."""

from __future__ import annotations

import csv
import io

from loaders.build import BuildResult
from loaders.validation import grid_matrix


def test_grid_csv_matches_the_matrix(client, bundled: BuildResult) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/grid.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(answer.get_data(as_text=True)))}
    expected = {r["id"]: r for r in grid_matrix(bundled)}
    assert set(rows) == set(expected)
    for slug, row in expected.items():
        for code, state in row.items():
            if code not in {"id", "name", "status"}:
                assert rows[slug][code] == state, (slug, code)


def test_grid_page_in_both_languages(client) -> None:  # type: ignore[no-untyped-def]
    french = client.get("/grid?lang=fr", headers={"Accept": "text/html"}).get_data(as_text=True)
    english = client.get("/grid?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Grille de caractérisation" in french and "Characterisation grid" in english
    assert 'href="/id/innovation/drive-fermier-39"' in french
    assert "IS-A1" in french


def test_grid_page_in_the_browser(live_server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server + "/grid?lang=en")
    assert page.locator("table.grid-matrix tbody tr").count() == 22
    assert page.locator("td.grid-no").count() > 0
    page.locator("table.grid-matrix a[href='/id/innovation/drive-fermier-39']").click()
    page.wait_for_load_state()
    assert "/doc/innovation/drive-fermier-39" in page.url
    assert page.problems == []

"""The grid matrix: for each innovation, which criteria of the characterisation grid it meets.

``/grid`` (HTML, FR/EN) and ``/grid.csv`` — what a curator uses to bring a spotted initiative
to "caractérisée". The matrix is computed by ``loaders.validation.grid_matrix`` once per version.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, current_app, render_template

from endpoint.app import get_store
from endpoint.i18n import current_lang
from endpoint.views.linked_data import cached_grid_columns
from loaders.validation import grid_labels

bp = Blueprint("grid", __name__)

NAMES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?label WHERE {
  ?s a <https://w3id.org/rallynov/def#SocialInnovation> ; rdfs:label ?label }"""


def _matrix() -> tuple[list[str], list[dict[str, str]]]:
    store = get_store(current_app)
    columns = cached_grid_columns(store)
    names: dict[str, str] = {}
    for row in store.query(NAMES):
        slug = row["s"].value.rsplit("/", 1)[-1]
        names.setdefault(slug, row["label"].value)
    codes = sorted({code for column in columns.values() for code in column})
    rows = [
        {"id": slug, "name": names.get(slug, slug), **column}
        for slug, column in sorted(columns.items(), key=lambda item: names.get(item[0], item[0]))
    ]
    return codes, rows


@bp.get("/grid")
def grid_page() -> str:
    codes, rows = _matrix()
    labels = grid_labels()
    lang = current_lang()
    headers = [
        {
            "code": code,
            "label": labels.get(code, {}).get(lang) or labels.get(code, {}).get("fr") or code,
        }
        for code in codes
    ]
    return render_template("grid.html", headers=headers, rows=rows)


@bp.get("/grid.csv")
def grid_csv() -> Response:
    codes, rows = _matrix()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["id", "name", *codes], extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="rallynov-grid.csv"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response

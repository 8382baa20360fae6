"""Restricted data for curators: the contact details of the people quoted in the brochures.

    GET /curator/contacts[.json|.csv]     Authorization: Bearer <CURATOR_TOKEN>

Phone numbers are personal data: they live only in the restricted named graph, which no public
route reads. This route reads it for a curator holding the token set in ``CURATOR_TOKEN``
(environment only). With no token configured the route does not exist (404); a missing or
wrong token gets 401 with a ``WWW-Authenticate: Bearer`` challenge. Tokens are compared in
constant time, and the answers are never cached.
"""

from __future__ import annotations

import csv
import hmac
import io
import json

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from endpoint.app import get_store
from endpoint.errors import ApiError
from endpoint.i18n import t
from loaders.iris import RESTRICTED_GRAPH

bp = Blueprint("curator", __name__)

REALM = 'Bearer realm="rallynov-curator"'
COLUMNS = ("person", "name", "event", "event_title", "telephone", "sources")
CONTACTS_QUERY = """PREFIX rally: <https://w3id.org/rallynov/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?person ?name ?event ?event_title ?telephone ?source WHERE {
  ?contact a rally:ContactPoint ; rally:contactOf ?person ; rally:telephone ?telephone .
  OPTIONAL { ?person rdfs:label ?name }
  OPTIONAL { ?contact rally:atEvent ?event OPTIONAL { ?event rdfs:label ?event_title } }
  OPTIONAL { ?contact dct:source ?source }
} ORDER BY ?name ?event ?telephone ?source"""


def _authorise() -> None:
    token = str(current_app.config.get("CURATOR_TOKEN") or "")
    if not token:
        raise ApiError(404, t("cur_disabled"))
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise ApiError(401, t("cur_token_missing"), {"WWW-Authenticate": REALM})
    if not hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8")):
        raise ApiError(
            401, t("cur_token_wrong"), {"WWW-Authenticate": f'{REALM}, error="invalid_token"'}
        )


def contacts() -> list[dict[str, str]]:
    """Every contact point of the restricted graph, with the person's and event's labels."""
    store = get_store(current_app)
    graphs = [*store.public_graphs(), str(RESTRICTED_GRAPH)]
    results = store.query(CONTACTS_QUERY, default_graph=graphs, named_graphs=[])
    if not isinstance(results, ox.QuerySolutions):  # pragma: no cover (a SELECT query)
        raise TypeError("the contacts query must be a SELECT query")
    rows: dict[tuple[str, str, str], dict[str, str]] = {}
    for solution in results:
        values = {
            name: (solution[name].value if solution[name] is not None else "")
            for name in ("person", "name", "event", "event_title", "telephone", "source")
        }
        key = (values["person"], values["event"], values["telephone"])
        row = rows.setdefault(key, {column: values.get(column, "") for column in COLUMNS})
        if values["source"]:
            sources = [s for s in row["sources"].split(" ") if s]
            row["sources"] = " ".join(sorted({*sources, values["source"]}))
    return list(rows.values())


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Authorization")
    return response


@bp.get("/curator/contacts")
@bp.get("/curator/contacts.<ext>")
def curator_contacts(ext: str | None = None) -> Response:
    _authorise()
    if ext not in (None, "json", "csv"):
        raise ApiError(404, t("ld_unknown_format").format(ext=ext, known=".json, .csv"))
    if ext is None:
        best = request.accept_mimetypes.best_match(["application/json", "text/csv"])
        ext = "csv" if best == "text/csv" else "json"
    rows = contacts()
    if ext == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        response = Response(out.getvalue(), mimetype="text/csv")
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    else:
        body = json.dumps({"contacts": rows}, ensure_ascii=False, indent=1)
        response = Response(body, mimetype="application/json")
    response.vary.add("Accept")
    return _private(response)

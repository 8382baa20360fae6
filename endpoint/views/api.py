"""Named queries as an API and as pages.

``GET /api/queries``            the list: name, title, description, parameters, links
``GET /api/queries/{name}``     run one: JSON (default) or CSV (``?format=csv`` or ``Accept: text/csv``)
``GET /api/openapi.json``       OpenAPI 3.1, one operation per named query (from the ``#+`` headers)
``GET /queries``, ``/queries/{name}``   the same for browsers (French and English), with forms

Results are cached per dataset version (see :func:`endpoint.named_queries.run_named_query`);
answers carry an ``ETag`` from that version and a matching ``If-None-Match`` gets ``304``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from flask.blueprints import BlueprintSetupState

from endpoint.app import get_store
from endpoint.describe import safe_href, version_cache
from endpoint.errors import ApiError
from endpoint.i18n import current_lang
from endpoint.named_queries import (
    NamedQuery,
    NamedResult,
    Param,
    ParameterError,
    Term,
    UnknownQueryError,
    bind_parameters,
    load_named_queries,
    run_named_query,
)
from endpoint.openapi import openapi_spec
from endpoint.warmup import warmer
from loaders.iris import BASE, ID, VOCAB

bp = Blueprint("api", __name__)
FORMATS = {"json": "application/json", "csv": "text/csv"}
PAGE_ROWS = 1000  # rows shown in a page; the JSON and CSV give them all (up to MAX_ROWS)


@bp.record
def _load_queries(state: BlueprintSetupState) -> None:
    """Read every query file when the app is made: a bad header stops start-up (file and line)."""
    state.app.extensions["rallynov_named_queries"] = load_named_queries()


def named_queries(app: Flask | None = None) -> dict[str, NamedQuery]:
    app = app or current_app
    return app.extensions["rallynov_named_queries"]  # type: ignore[no-any-return]


def _query_or_404(name: str) -> NamedQuery:
    queries = named_queries()
    if name not in queries:
        raise ApiError(404, str(UnknownQueryError(name, sorted(queries))))
    return queries[name]


def _values() -> dict[str, str]:
    """The query-string parameters, each given once (a repeated parameter is ambiguous)."""
    values = {}
    for key in request.args:
        given = request.args.getlist(key)
        if len(given) > 1:
            raise ApiError(400, f"parameter {key!r} is given {len(given)} times; give it once")
        values[key] = given[0]
    return values


def _cached(key: tuple[str, ...], compute: Callable[[], Any]) -> Any:
    """Computed once per dataset version (the query files only change with a restart)."""
    return version_cache(current_app, "named-queries").get(get_store(current_app), key, compute)


def _version() -> str:
    meta = get_store(current_app).meta()
    return meta.version if meta is not None else ""


# -- JSON and CSV ---------------------------------------------------------------------------


def _links(query: NamedQuery, values: dict[str, str] | None = None) -> dict[str, str]:
    args = urlencode(values or {})
    suffix = f"?{args}" if args else ""
    csv_args = urlencode({**(values or {}), "format": "csv"})
    return {
        "self": url_for("api.run_query", name=query.name) + suffix,
        "csv": url_for("api.run_query", name=query.name) + "?" + csv_args,
        "html": url_for("api.query_page", name=query.name) + suffix,
        "sparql": sparql_editor_link(query, values or {}),
    }


def runnable_sparql(query: NamedQuery, values: dict[str, str]) -> str:
    """The query with these values (or the defaults) bound; unbound when they are not valid."""
    try:
        return query.bound(values, header=False)
    except ParameterError:
        return query.sparql


def sparql_editor_link(query: NamedQuery, values: dict[str, str]) -> str:
    """The query, with these values (or the defaults) bound, opened in the /sparql editor."""
    text = runnable_sparql(query, values)
    return "/sparql?query=" + quote(text, safe="")  # the editor opens and runs ?query=


def describe_query(query: NamedQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "title": dict(query.title),
        "description": dict(query.description),
        "params": [
            {
                "name": p.name,
                "type": p.type,
                "required": p.required,
                "default": p.default,
                "enum": list(p.enum) or None,
                "expected": p.expected,
                "description": dict(p.description),
            }
            for p in query.params
        ],
        "sparql": runnable_sparql(query, {}),  # with the defaults bound: runs as it is
        "links": _links(query),
    }


@bp.get("/api/queries")
def list_queries() -> Response:
    def compute() -> str:
        queries = [describe_query(q) for q in named_queries().values()]
        return json.dumps(
            {"queries": queries, "openapi": url_for("api.openapi")}, ensure_ascii=False
        )

    body = _cached(("list",), compute)
    return _conditional(Response(body, mimetype="application/json"), f"list-{_version()}")


@bp.get("/api/queries/<name>")
def run_query(name: str) -> Response:
    query = _query_or_404(name)
    values = _values()
    fmt = _format(values.pop("format", None))
    try:
        used = query.terms(values)[0]
    except ParameterError as exc:
        raise ApiError(400, str(exc)) from exc
    key = hashlib.sha256(json.dumps([name, sorted(used.items()), fmt]).encode()).hexdigest()
    etag = f"{_version()}-{key[:20]}"
    if request.if_none_match.contains(etag):
        return _conditional(Response(status=304), etag)
    result = _run(query.name, values)
    if fmt == "csv":
        response = Response(result.csv_text, mimetype="text/csv")
        response.headers["Content-Disposition"] = f'inline; filename="{name}.csv"'
    else:
        response = Response(result.json_text, mimetype="application/json")
    if result.truncated:
        response.headers["X-Rallynov-Truncated"] = "true"
    return _conditional(response, etag)


def _format(asked: str | None) -> str:
    if asked is not None:
        if asked not in FORMATS:
            raise ApiError(400, f"parameter 'format': {asked!r} is not valid; expected json or csv")
        return asked
    best = request.accept_mimetypes.best_match(list(FORMATS.values()), default="application/json")
    return "csv" if best == "text/csv" else "json"


def _run(name: str, values: dict[str, str]) -> NamedResult:
    try:
        return run_named_query(
            get_store(current_app),
            name,
            values,
            max_rows=int(current_app.config["MAX_ROWS"]),
            queries=named_queries(),
        )
    except ParameterError as exc:
        raise ApiError(400, str(exc)) from exc


def _conditional(response: Response, etag: str) -> Response:
    """ETag and Last-Modified from the dataset version; 304 when the client already has it."""
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=60"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, X-Rallynov-Truncated"
    response.vary.add("Accept")
    meta = get_store(current_app).meta()
    if meta is not None:
        with contextlib.suppress(ValueError):  # a remote store may date its data otherwise
            response.last_modified = dt.datetime.fromisoformat(meta.modified)
    response.make_conditional(request)  # turns it into a 304 when the client has it
    return response


# -- OpenAPI --------------------------------------------------------------------------------


@bp.get("/api/openapi.json")
def openapi() -> Response:
    lang = current_lang()
    server = str(current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")
    body = _cached(
        ("openapi", lang, server),
        lambda: json.dumps(openapi_spec(named_queries(), lang, server), ensure_ascii=False),
    )
    etag = hashlib.sha256(body.encode()).hexdigest()[:24]
    response = Response(body, mimetype="application/json")
    response.vary.update(["Accept-Language", "Cookie"])  # summaries in the asker's language
    return _conditional(response, etag)


# -- pages ----------------------------------------------------------------------------------


@bp.get("/queries")
def queries_page() -> str:
    lang, queries = current_lang(), named_queries()
    return _cached(  # type: ignore[no-any-return]
        ("page", lang),
        lambda: render_template(
            "queries.html",
            queries=queries,
            forms={q.name: _form(q, {}, lang) for q in queries.values()},
            sparql_links={q.name: sparql_editor_link(q, {}) for q in queries.values()},
            lang=lang,
        ),
    )


@bp.get("/queries/<name>")
def query_page(name: str) -> tuple[str, int]:
    query = _query_or_404(name)
    lang = current_lang()
    values = {k: v for k, v in _values().items() if k != "format"}
    if "lang" in {p.name for p in query.params}:
        values.setdefault("lang", lang)  # labels in the page's language unless asked otherwise
    result, problem = None, None
    try:
        result = _run(name, values)
    except ApiError as exc:
        problem = exc.description
    return render_template(
        "queries.html",
        query=query,
        form=_form(query, values, lang),
        result=result,
        rows=cells(result, PAGE_ROWS) if result else [],
        problem=problem,
        links=_links(query, {k: v for k, v in values.items() if v}),
        lang=lang,
    ), (400 if problem else 200)


def _form(query: NamedQuery, values: dict[str, str], lang: str) -> list[dict[str, Any]]:
    """One field per parameter: its label, input kind, current value and choices (if any)."""
    fields = []
    for param in query.params:
        value = values.get(param.name, param.default or "")
        if param.name == "lang" and param.name not in values:
            value = lang
        fields.append(
            {
                "param": param,
                "value": value,
                "choices": _choices(param, lang),
                "input": {"integer": "number", "decimal": "text", "date": "date"}.get(
                    param.type, "text"
                ),
                "optional": not param.required,
            }
        )
    return fields


def _choices(param: Param, lang: str) -> list[tuple[str, str]] | None:
    """Values to pick from: the enum, a scheme's codes, or the resources of a kind."""
    if param.enum:
        return [(v, v) for v in param.enum]
    kind, _, target = param.type.partition(":")
    if kind not in {"code", "id"}:
        return None
    cache = version_cache(current_app, "named-query-choices")
    store = get_store(current_app)
    return cache.get(store, (param.type, lang), lambda: _read_choices(kind, target, lang))  # type: ignore[no-any-return]


CHOICES = {
    "code": """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?value ?label WHERE {
  ?concept skos:inScheme ?scheme ; skos:notation ?value .
  OPTIONAL { ?concept skos:prefLabel ?label FILTER(LANG(?label) = ?lang) }
} ORDER BY ?value""",
    "id": """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?value (SAMPLE(?name) AS ?label) WHERE {
  ?resource rdfs:label ?name .
  FILTER(STRSTARTS(STR(?resource), ?prefix) && (LANG(?name) = ?lang || LANG(?name) IN ("fr", "")))
  BIND(STRAFTER(STR(?resource), ?prefix) AS ?value)
} GROUP BY ?value ORDER BY ?value LIMIT 500""",
}


def _read_choices(kind: str, target: str, lang: str) -> list[tuple[str, str]]:
    """(value, label) pairs from the store: concepts of scheme ``target`` or ``/id/target/`` IRIs."""
    terms: dict[str, Term | None] = {"lang": ox.Literal(lang)}
    if kind == "code":
        terms["scheme"] = ox.NamedNode(f"{VOCAB}{target}")
    else:
        terms["prefix"] = ox.Literal(f"{ID}{target}/")
    choices = []
    for row in get_store(current_app).query(bind_parameters(CHOICES[kind], terms)):  # type: ignore[union-attr]
        value = row["value"].value
        label = row["label"].value if row["label"] is not None else ""
        choices.append(
            (value, f"{value} — {label}" if label and kind == "code" else label or value)
        )
    return choices


def cells(result: NamedResult, limit: int) -> list[list[tuple[str, str | None]]]:
    """The first ``limit`` rows as (text, link) pairs; only IRIs get a link, and only safe ones."""
    rows = []
    for row in result.cells[:limit]:
        shown: list[tuple[str, str | None]] = []
        for term in row:
            if term is None:
                shown.append(("", None))
            elif isinstance(term, ox.NamedNode):  # ours shown short: id/award/award-2014-...
                shown.append((term.value.removeprefix(BASE), safe_href(term.value, BASE)))
            else:
                shown.append((str(getattr(term, "value", term)), None))
        rows.append(shown)
    return rows


# -- warm-up ------------------------------------------------------------------------------------


@warmer("named queries", order=20)
def warm_named_queries(app: Flask) -> None:
    """Run every named query with its default parameters once, so that its API call and page
    answer from the per-version cache (at 100k innovations some take tens of seconds)."""
    store, queries = get_store(app), named_queries()
    for name, query in queries.items():
        if any(p.required and p.default is None for p in query.params):
            continue  # needs a value from the asker: nothing to precompute
        with contextlib.suppress(ParameterError):
            result = run_named_query(
                store, name, {}, max_rows=int(app.config["MAX_ROWS"]), queries=queries
            )
            result.json_text  # noqa: B018  (serialised once, here rather than on a first request)

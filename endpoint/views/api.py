"""Named queries as an API and as pages.

``GET /api/queries``            the list: name, title, description, parameters, links
``GET /api/queries/{name}``     run one: JSON (default) or CSV (``?format=csv`` or ``Accept: text/csv``)
``GET /api/openapi.json``       OpenAPI 3.1, one operation per named query (from the ``#+`` headers)
``GET /queries``, ``/queries/{name}``   the same for browsers (French and English), with forms

Results are cached per dataset version (see :func:`endpoint.named_queries.run_named_query`);
answers carry an ``ETag`` from that version and a matching ``If-None-Match`` gets ``304``.

Paging: ``limit`` and ``offset`` slice the cached result (no query file may declare them). JSON
comes in pages of :data:`PAGE_SIZE` rows unless ``limit`` says otherwise (at most ``MAX_ROWS``):
1,000 rows are about 0.3 MB of JSON, serialised in milliseconds, the rows a page of
``/queries/{name}`` shows, and enough for every default call on the bundled dataset. CSV stays
whole unless ``limit`` or ``offset`` is given: it is what a spreadsheet user downloads. The JSON
gives ``total``, ``limit``, ``offset``, ``next`` and ``prev`` (absolute URLs or null); a page with
neighbours also has an RFC 8288 ``Link`` header (``rel="next"``, ``rel="prev"``), every answer an
``X-Total-Count``. Each page has its own ``ETag``.
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

from endpoint.app import GZIP_ETAG_SUFFIX, get_store
from endpoint.describe import safe_href, version_cache
from endpoint.errors import ApiError
from endpoint.i18n import current_lang
from endpoint.named_queries import (
    PAGE_SIZE,
    PAGING,
    NamedQuery,
    NamedResult,
    Page,
    Param,
    ParameterError,
    UnknownQueryError,
    load_named_queries,
    parse_paging,
    run_named_query,
)
from endpoint.named_queries.choices import read_choices
from endpoint.openapi import openapi_spec
from endpoint.warmup import warmer
from loaders.iris import BASE

bp = Blueprint("api", __name__)
FORMATS = {"json": "application/json", "csv": "text/csv"}
PAGE_ROWS = 1000  # rows shown in a page of /queries/{name} (it links to the next one)
EXPOSED = "ETag, Link, X-Total-Count, X-Rallynov-Truncated"


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
    default = PAGE_SIZE if fmt == "json" else None  # CSV: whole unless asked
    try:
        offset, limit = parse_paging(values, default=default, most=_max_rows())
        used = query.terms(values)[0]
    except ParameterError as exc:
        raise ApiError(400, str(exc)) from exc
    key = [name, sorted(used.items()), fmt, offset, limit]
    etag = f"{_version()}-{hashlib.sha256(json.dumps(key).encode()).hexdigest()[:20]}"
    # a gzip answer's ETag has a suffix (endpoint.app); either one revalidates without a query
    held = next(
        (tag for tag in (etag, etag + GZIP_ETAG_SUFFIX) if request.if_none_match.contains(tag)),
        None,
    )
    if held is not None:
        return _conditional(Response(status=304), held)
    result = _run(query.name, values)
    page = Page(offset, limit, len(result.cells))
    links = _page_links(page, absolute=True)
    if fmt == "csv":
        response = Response(result.page_csv(page), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'inline; filename="{name}.csv"'
    else:
        extra = {"total": page.total, "limit": limit, "offset": offset}
        body = result.page_json(
            page, {**extra, "next": links.get("next"), "prev": links.get("prev")}
        )
        response = Response(body, mimetype="application/json")
    response.headers["X-Total-Count"] = str(page.total)
    if links:
        response.headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
    if result.truncated:
        response.headers["X-Rallynov-Truncated"] = "true"
    return _conditional(response, etag)


def _page_links(page: Page, *, absolute: bool) -> dict[str, str]:
    """URLs of the next and previous pages: this request's, with ``limit`` and ``offset`` set."""
    found = {"next": page.next_offset, "prev": page.prev_offset}
    if page.limit is None or not any(o is not None for o in found.values()):
        return {}
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in PAGING]
    base = str(current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")
    return {
        rel: f"{base if absolute else ''}{request.path}?"
        + urlencode([*args, ("limit", page.limit), ("offset", offset)])
        for rel, offset in found.items()
        if offset is not None
    }


def _format(asked: str | None) -> str:
    if asked is not None:
        if asked not in FORMATS:
            raise ApiError(400, f"parameter 'format': {asked!r} is not valid; expected json or csv")
        return asked
    best = request.accept_mimetypes.best_match(list(FORMATS.values()), default="application/json")
    return "csv" if best == "text/csv" else "json"


def _max_rows() -> int:
    return int(current_app.config["MAX_ROWS"])


def _run(name: str, values: dict[str, str]) -> NamedResult:
    try:
        return run_named_query(
            get_store(current_app), name, values, max_rows=_max_rows(), queries=named_queries()
        )
    except ParameterError as exc:
        raise ApiError(400, str(exc)) from exc


def _paging_of_page(values: dict[str, str]) -> tuple[int, int | None]:
    try:
        return parse_paging(values, default=PAGE_ROWS, most=_max_rows())
    except ParameterError as exc:
        raise ApiError(400, str(exc)) from exc


def _conditional(response: Response, etag: str) -> Response:
    """ETag and Last-Modified from the dataset version; 304 when the client already has it."""
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=60"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
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
    result, problem, page = None, None, Page(0, PAGE_ROWS, 0)
    try:
        offset, limit = _paging_of_page(values)
        result = _run(name, values)
        page = Page(offset, min(limit or 0, PAGE_ROWS), len(result.cells))
    except ApiError as exc:
        problem = exc.description
    return render_template(
        "queries.html",
        query=query,
        form=_form(query, values, lang),
        result=result,
        rows=cells(result, page) if result else [],
        page=page,
        pager=_page_links(page, absolute=False) if result else {},
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
    return cache.get(store, (param.type, lang), lambda: read_choices(store, kind, target, lang))  # type: ignore[no-any-return]


def cells(result: NamedResult, page: Page) -> list[list[tuple[str, str | None]]]:
    """The rows of ``page`` as (text, link) pairs; only IRIs get a link, and only safe ones."""
    rows = []
    for row in result.cells[page.slice]:
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
    answer from the per-version cache (at 100k innovations some take tens of seconds). Pages
    are sliced from it when asked: a page of 1,000 rows serialises in milliseconds."""
    store, queries = get_store(app), named_queries()
    for name, query in queries.items():
        if any(p.required and p.default is None for p in query.params):
            continue  # needs a value from the asker: nothing to precompute
        with contextlib.suppress(ParameterError):
            run_named_query(store, name, {}, max_rows=int(app.config["MAX_ROWS"]), queries=queries)

"""``/sparql``: the SPARQL 1.1 Protocol endpoint (read-only), its service description, and the
query editor (YASGUI) for browsers.

A repeated GET is answered before Flask by :mod:`endpoint.sparql.replay` (the response this view
gave, kept per dataset version). Otherwise a query is answered from the in-memory result cache
when the same one was answered on the same dataset version, else by a worker process
(:mod:`endpoint.query_runner`) that is stopped at the timeout. Content negotiation is done once
per distinct ``Accept`` header.
Every answer is open to other origins (CORS) and carries an ``ETag`` derived from the dataset
version, the query, its dataset and the format; a matching ``If-None-Match`` gets a ``304``.
"""

from __future__ import annotations

from typing import cast

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, render_template, request
from flask.blueprints import BlueprintSetupState
from werkzeug.http import parse_date

from endpoint.app import get_store
from endpoint.errors import ApiError
from endpoint.i18n import current_lang
from endpoint.query_runner import pool_for
from endpoint.sparql import replay
from endpoint.sparql.cache import ResultCache, etag_for, last_modified
from endpoint.sparql.description import service_description
from endpoint.sparql.examples import example_queries
from endpoint.sparql.execution import Answer, Job, QueryError
from endpoint.sparql.formats import (
    GRAPH_TYPES,
    TABULAR_TYPES,
    Formats,
    negotiate,
    negotiate_description,
)
from endpoint.sparql.protocol import FORM, effective_dataset, parse_request
from endpoint.sparql.versions import current_meta

bp = Blueprint("sparql", __name__)

ALLOW_METHODS = "GET, HEAD, POST, OPTIONS"
EXPOSED = "ETag, X-Rallynov-Truncated, X-Rallynov-Cache"
TRUNCATED = "X-Rallynov-Truncated"


def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    response.vary.add("Accept")
    return response


@bp.record_once
def _install_replay(state: BlueprintSetupState) -> None:
    replay.install(cast(Flask, state.app))


@bp.route("/sparql", methods=["GET", "HEAD", "POST", "OPTIONS"])
def sparql() -> Response:
    if request.method == "OPTIONS":
        return _preflight()
    asked = parse_request(request)
    format_name = request.args.get("format") or (
        request.form.get("format") if request.mimetype == FORM else None
    )
    if asked.query is None:
        return _editor() if _prefers_html() else _description()
    if request.method in ("GET", "HEAD") and not format_name and _prefers_html():
        return _editor()  # YASGUI reads ?query= from the address and runs it
    formats = _negotiate(format_name)
    store = get_store(current_app)
    meta = current_meta(store)
    version = meta.version if meta else ""
    default, named = effective_dataset(asked, store.public_graphs())
    max_rows = int(current_app.config["MAX_ROWS"])
    key = (version, asked.query, default, named, formats.key, max_rows)
    validators = {"ETag": etag_for(key), "Cache-Control": "public, max-age=0, must-revalidate"}
    modified = last_modified(meta.modified) if meta else None
    if modified:
        validators["Last-Modified"] = modified
    if request.method in ("GET", "HEAD") and _not_modified(validators["ETag"], modified):
        return _cors(Response(status=304, headers=validators))
    cache: ResultCache = current_app.extensions.setdefault("rallynov_sparql_cache", ResultCache())
    answer: Answer | None = cache.get(key)
    hit = answer is not None
    if answer is None:
        job = Job(
            asked.query,
            default,
            named,
            formats.tabular,
            formats.graph,
            max_rows,
            frozenset(str(current_app.config.get("SERVICE_ALLOWLIST") or "").split()),
            base_iri=str(current_app.config.get("BASE_URI") or "") or None,
        )
        pool = pool_for(store, int(current_app.config.get("QUERY_WORKERS", 2)))
        try:
            answer = pool.run(job, timeout=float(current_app.config["QUERY_TIMEOUT"]))
        except QueryError as failure:
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            headers["Access-Control-Expose-Headers"] = EXPOSED
            raise ApiError(failure.status, failure.message, headers) from None
        cache.put(key, answer, len(answer.body) + len(asked.query))  # the key counts too
    response = Response(answer.body, headers=validators, content_type=_content_type(answer))
    response.headers["X-Rallynov-Cache"] = "hit" if hit else "miss"
    if answer.truncated:
        response.headers[TRUNCATED] = "true"
    request.environ[replay.MARK] = version  # a GET answered 200: kept for the next identical GET
    return _cors(response)


# Content negotiation, once per distinct Accept header (a client sends the same one each time).
_PREFERS_HTML: dict[str, bool] = {}
_FORMATS: dict[tuple[str, str | None], Formats] = {}
_MEMO_SIZE = 512


def _negotiate(format_name: str | None) -> Formats:
    key = (request.headers.get("Accept", ""), format_name)
    formats = _FORMATS.get(key)
    if formats is None:
        formats = negotiate(request.accept_mimetypes, format_name)  # raises 400/406
        if len(_FORMATS) >= _MEMO_SIZE:
            _FORMATS.clear()
        _FORMATS[key] = formats
    return formats


def _prefers_html() -> bool:
    """A browser: HTML is preferred to every data format (a tie goes to the data)."""
    accept = request.headers.get("Accept", "")
    html = _PREFERS_HTML.get(accept)
    if html is None:
        offers = [media for media, _ in TABULAR_TYPES + GRAPH_TYPES] + ["text/html"]
        html = request.accept_mimetypes.best_match(offers) == "text/html"
        if len(_PREFERS_HTML) >= _MEMO_SIZE:
            _PREFERS_HTML.clear()
        _PREFERS_HTML[accept] = html
    return html


def _content_type(answer: Answer) -> str:
    media = answer.media_type
    if media.startswith("text/") and "charset" not in media:
        media += "; charset=utf-8"
    return media


def _not_modified(etag: str, modified: str | None) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains(etag.strip('"')) or request.if_none_match.star_tag
    since = request.if_modified_since
    if since is None or modified is None:
        return False
    stamp = parse_date(modified)
    return stamp is not None and stamp <= since


def _preflight() -> Response:
    response = Response(status=204)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
    asked = request.headers.get("Access-Control-Request-Headers")
    response.headers["Access-Control-Allow-Headers"] = (
        asked or "Accept, Content-Type, If-None-Match, If-Modified-Since"
    )
    response.headers["Access-Control-Max-Age"] = "86400"
    response.headers["Allow"] = ALLOW_METHODS
    response.vary.add("Access-Control-Request-Headers")
    return response


def endpoint_url() -> str:
    """This endpoint's absolute URL (from PUBLIC_URL when set, else from the request)."""
    public = str(current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    return f"{public}/sparql" if public else request.url_root + "sparql"


def _description() -> Response:
    fmt = negotiate_description(request.accept_mimetypes)
    store = get_store(current_app)
    meta = current_meta(store)
    allowlist = str(current_app.config.get("SERVICE_ALLOWLIST") or "").split()
    body = service_description(
        endpoint_url(),
        meta,
        store.public_graphs(),
        fmt,
        license_iri=str(current_app.config.get("LICENSE") or ""),
        federated=bool(allowlist),
    )
    media = getattr(ox.RdfFormat, fmt).media_type
    response = Response(body, content_type=_content_type(Answer(b"", media, "graph")))
    if meta:
        response.headers["ETag"] = etag_for(("description", meta.version, fmt, endpoint_url()))
    return _cors(response)


def _editor() -> Response:
    """The YASGUI page; named queries from /api/queries when that route exists, else queries/."""
    api = next(
        (rule.rule for rule in current_app.url_map.iter_rules() if rule.rule == "/api/queries"),
        None,
    )
    body = render_template(
        "sparql.html",
        examples=example_queries(current_lang()),
        api_queries=api,
        timeout=current_app.config["QUERY_TIMEOUT"],
        max_rows=current_app.config["MAX_ROWS"],
        endpoint=endpoint_url(),
    )
    response = Response(body, mimetype="text/html")
    return _cors(response)

"""The collaboration networks: the interactive page and its machine twins.

    GET /network                                  the Cytoscape.js page
    GET /network/co-organisation.json?edition=2013&mode=projection
    GET /network/partner-innovation.gexf           GEXF (Gephi), .graphml (Cytoscape), .png
    GET /network/actor-need.csv?table=edges        CSV node (default) or edge table

Unknown kind or format: 404; unknown edition, mode or table: 400 (the JSON error envelope).
Every answer is computed once per dataset version and revalidated with its ETag; the warm-up
(``endpoint.warmup``) analyses every kind and edition at start-up and renders what the page asks
for (the ``top`` nodes) and the whole JSON of all editions.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial

from flask import Blueprint, Flask, Response, current_app, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from endpoint import networks
from endpoint.app import get_store
from endpoint.errors import ApiError
from endpoint.i18n import current_lang, t
from endpoint.networks import export
from endpoint.networks.build import DEFAULT_MODE, MODES
from endpoint.store import Store
from endpoint.warmup import warmer

bp = Blueprint("network", __name__)

PAGE_TOP = 600  # nodes a browser draws with a force layout; the downloads have them all
CENTRALITIES = ("degree", "weighted_degree", "betweenness", "closeness", "eigenvector")


def _render(kind: str, fmt: str, edition: str | None, mode: str | None) -> tuple[bytes, str]:
    """The body and the key naming it (for the ETag); raises ApiError on a bad request."""
    store = get_store(current_app)
    if fmt not in export.FORMATS:
        raise ApiError(404, f"{t('net_unknown_format')} .{fmt} ({', '.join(export.FORMATS)})")
    table = request.args.get("table", "nodes")
    if fmt == "csv" and table not in export.TABLES:
        raise ApiError(400, f"{t('net_unknown_table')} {table!r} ({', '.join(export.TABLES)})")
    top = _top(request.args.get("top"))
    try:
        kind, edition, mode = networks.normalise(store, kind, edition, mode)
    except networks.NetworkError as exc:
        message = (
            f"{t('net_unknown_' + exc.what.split()[-1])} {exc.value!r} ({', '.join(exc.choices)})"
        )
        raise ApiError(exc.status, message) from exc
    return body(store, kind, edition, mode, fmt, table=table, lang=current_lang(), top=top)


def body(
    store: Store,
    kind: str,
    edition: str | None,
    mode: str,
    fmt: str,
    *,
    table: str = "nodes",
    lang: str = "fr",
    top: int | None = None,
) -> tuple[bytes, str]:
    """One file of a checked request (see :func:`networks.normalise`), built once per dataset
    version, and the key naming it (for the ETag)."""

    def analysis() -> networks.Analysis:
        return networks.get_analysis(store, kind, edition, mode)

    renderers: dict[str, Callable[[], bytes]] = {
        "json": lambda: json.dumps(
            _json(store, kind, edition, mode, top), ensure_ascii=False
        ).encode(),
        "gexf": lambda: export.to_gexf(analysis()),
        "graphml": lambda: export.to_graphml(analysis()),
        "csv": lambda: export.to_csv(analysis(), table).encode(),
        "png": lambda: export.to_png(analysis(), lang=lang),
    }
    key = (
        "render",
        kind,
        edition,
        mode,
        fmt,
        table if fmt == "csv" else "",
        lang if fmt == "png" else "",
        top if fmt == "json" else "",
    )
    data = networks.cached(store, key, renderers[fmt])
    return data, "-".join(str(k) for k in (networks.version(store), *key[1:]))


def _top(raw: str | None) -> int | None:
    """``?top=N`` (JSON only): the N best-connected nodes, for the page to draw."""
    if raw in (None, ""):
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:  # '¹'.isdigit() is True
        raise ApiError(400, f"{t('net_bad_top')} {raw!r}")
    return int(raw)


def _json(store: Store, kind: str, edition: str | None, mode: str, top: int | None = None) -> dict:
    analysis = networks.get_analysis(store, kind, edition, mode)
    catalog = networks.catalog(store)
    concepts = {
        info.code: {"fr": info.label("fr"), "en": info.label("en"), "type": info.type}
        for info in catalog.nodes.values()
        if info.type in ("org-kind", "sphere") and info.code
    }
    return export.to_json(
        analysis,
        top,
        kind=kind,
        edition=edition or "all",
        mode=mode,
        version=networks.version(store),
        editions=catalog.editions,
        legend=concepts,
    )


def warm_network(app: Flask, kind: str) -> None:
    """What the page draws of ``kind`` (default mode, ``top`` nodes) for all editions and for
    each (computing it analyses each slice), and the whole network's JSON for all editions."""
    store = get_store(app)
    mode = DEFAULT_MODE[kind]
    body(store, kind, None, mode, "json", top=PAGE_TOP)
    body(store, kind, None, mode, "json")
    for edition in networks.catalog(store).editions:
        body(store, kind, edition, mode, "json", top=PAGE_TOP)


# the page's default kind first, the largest network last
for _kind in sorted(
    networks.KINDS, key=lambda k: (k != networks.KINDS[0], k == "partner-innovation")
):
    warmer(f"network:{_kind}", order=40)(partial(warm_network, kind=_kind))


@bp.get("/network/<kind>.<fmt>")
def network_file(kind: str, fmt: str) -> BaseResponse:
    body, key = _render(kind, fmt, request.args.get("edition"), request.args.get("mode"))
    response = Response(body, mimetype=export.MEDIA_TYPES[fmt].split(";")[0])
    if fmt == "csv":
        response.headers["Content-Type"] = export.MEDIA_TYPES["csv"]
    if fmt in ("gexf", "graphml", "csv", "png") and request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="{kind}.{fmt}"'
    response.set_etag(key)
    response.headers["Cache-Control"] = "public, max-age=60"
    response.headers["Access-Control-Allow-Origin"] = "*"
    if fmt == "png":
        response.vary.add("Accept-Language")
    return response.make_conditional(request)


@bp.get("/network")
def network_page() -> str:
    store = get_store(current_app)
    kind = request.args.get("kind", networks.KINDS[0])
    if kind not in networks.KINDS:
        kind = networks.KINDS[0]
    config = {
        "kinds": [{"id": k, "label": t(f"net_kind_{k}")} for k in networks.KINDS],
        "kind": kind,
        "modes": [{"id": m, "label": t(f"net_mode_{m}")} for m in MODES],
        "defaultModes": DEFAULT_MODE,
        "editions": networks.catalog(store).editions,
        "centralities": [{"id": c, "label": t(f"net_{c}")} for c in CENTRALITIES],
        "lang": current_lang(),
        "top": PAGE_TOP,
        "messages": {key[4:]: t(key) for key in _JS_MESSAGES},
    }
    return render_template("network.html", config=config)


_JS_MESSAGES = (
    "net_nodes",
    "net_edges",
    "net_density",
    "net_components",
    "net_whole_metrics",
    "net_modularity",
    "net_communities",
    "net_community",
    "net_broker",
    "net_yes",
    "net_no",
    "net_neighbours",
    "net_suggestions",
    "net_shared",
    "net_open_page",
    "net_no_suggestion",
    "net_pick_node",
    "net_loading",
    "net_load_failed",
    "net_all_kinds",
    "net_no_match",
    "net_degree",
    "net_weighted_degree",
    "net_betweenness",
    "net_closeness",
    "net_eigenvector",
    "net_kind",
    "net_sphere",
    "net_weight",
    "net_innovation",
    "net_need",
    "net_event",
    "net_edition_node",
    "net_organisation",
    "net_shown_of",
    "net_sample_of",
    "net_edges_shown_of",
    "net_capped",
)

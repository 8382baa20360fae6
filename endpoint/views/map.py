"""The map of Franche-Comté: the Leaflet page and its GeoJSON layers (RFC 7946).

    GET /map                          the interactive map (outlines; tiles only with TILE_URL)
    GET /map/innovations.geojson      every located innovation (properties: see endpoint.geojson)
    GET /map/stages.geojson           every located stage

Labels follow the page language (``?lang=fr|en``, cookie, Accept-Language); each layer is built
once per dataset version and language and revalidated with its ETag.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from endpoint import networks
from endpoint.app import get_store
from endpoint.errors import ApiError
from endpoint.geojson import innovations_layer, stages_layer
from endpoint.i18n import current_lang, t

bp = Blueprint("map", __name__)

LAYERS = {"innovations": innovations_layer, "stages": stages_layer}
MEDIA_TYPE = "application/geo+json"


@bp.get("/map/<name>.geojson")
def layer(name: str) -> BaseResponse:
    if name not in LAYERS:
        raise ApiError(404, f"{t('map_unknown_layer')} {name!r} ({', '.join(LAYERS)})")
    store = get_store(current_app)
    lang = current_lang()
    body = networks.cached(
        store,
        ("geojson-body", name, lang),
        lambda: json.dumps(LAYERS[name](store, lang), ensure_ascii=False).encode(),
    )
    response = Response(body, mimetype=MEDIA_TYPE)
    response.set_etag(f"{networks.version(store)}-{name}-{lang}")
    response.headers["Cache-Control"] = "public, max-age=60"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response.make_conditional(request)


@bp.get("/map")
def map_page() -> str:
    lang = current_lang()
    config = {
        "lang": lang,
        "tileUrl": current_app.config.get("TILE_URL") or "",
        "layers": {name: f"/map/{name}.geojson?lang={lang}" for name in LAYERS},
        "departments": "/static/geo/franche-comte-departements.geojson",
        "region": "/static/geo/franche-comte-region.geojson",
        "messages": {key[4:]: t(key) for key in _JS_MESSAGES},
    }
    return render_template("map.html", config=config)


_JS_MESSAGES = (
    "map_innovations",
    "map_stages",
    "map_shown",
    "map_carrier",
    "map_need",
    "map_status",
    "map_sphere",
    "map_edition",
    "map_place",
    "map_open_page",
    "map_organisers",
    "map_presented",
    "map_located_by",
    "map_loading",
    "map_load_failed",
    "map_unlocated",
    "map_none",
    "map_stage",
    "map_date",
    "map_departments",
    "map_located_own",
    "map_located_place",
    "map_located_carrier-place",
    "map_located_department",
    "map_located_carrier-department",
    "map_located_region",
    "map_located_carrier-region",
    "map_located_stage",
)

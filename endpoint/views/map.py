"""The map of Franche-Comté: the Leaflet page and its GeoJSON layers (RFC 7946).

    GET /map                          the interactive map (outlines; tiles only with TILE_URL)
    GET /map/innovations.geojson      every located innovation (properties: see endpoint.geojson)
    GET /map/stages.geojson           every located stage
    GET /map/innovations.geojson?zoom=9&bbox=5.9,46.9,6.4,47.4&edition=2014&need=...
                                      what one viewport shows (below)

Parameters, all optional: ``edition``, ``status``, ``need``, ``sphere`` keep the features with
that value (stages have an edition only); ``bbox=west,south,east,north`` keeps those inside;
``zoom`` asks for a viewport: when more than ``POINT_LIMIT`` features remain, they come as
clusters, one per cell of ``CELL`` screen pixels at that zoom, cells closer than that merged (a
Point at the members' mean position, the members' ``bbox``, ``properties.cluster`` true and
``properties.count``; a group of one feature gives the feature itself); ``limit`` caps the number of features returned. Any
answer is a FeatureCollection with, besides its features, ``matched`` (features that pass the
filters, whatever the bbox), ``in_view`` (those also inside the bbox) and ``clustered``.

The page draws a layer itself (Leaflet.markercluster) up to ``CLIENT_LIMIT`` features; above, it
asks the server for each viewport (``?clusters=1`` on the page forces that mode). Labels follow
the page language (``?lang=fr|en``, cookie, Accept-Language); each layer and its index are built
once per dataset version and language (at start-up by the warm-up) and revalidated with ETags.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from flask import Blueprint, Flask, Response, current_app, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from endpoint import networks
from endpoint.app import get_store
from endpoint.errors import ApiError
from endpoint.geojson import innovations_layer, stages_layer
from endpoint.i18n import current_lang, t
from endpoint.store import Store
from endpoint.warmup import warmer

bp = Blueprint("map", __name__)

LAYERS = {"innovations": innovations_layer, "stages": stages_layer}
MEDIA_TYPE = "application/geo+json"
FILTERS = ("edition", "status", "need", "sphere")
CLIENT_LIMIT = 2000  # features a browser clusters itself; above, the server clusters per viewport
POINT_LIMIT = 400  # features a viewport gets one by one; above, clusters
CELL = 60  # cluster cell, in screen pixels at the requested zoom
MAX_ZOOM = 22


@dataclass
class LayerIndex:
    """A layer ready for viewport requests: each feature serialised once, coordinates and Web
    Mercator positions as arrays, one boolean mask per filter value, and the filters' values."""

    features: list[bytes]
    lon: np.ndarray
    lat: np.ndarray
    x: np.ndarray  # Web Mercator, 0..1 from west to east
    y: np.ndarray  # 0..1 from north to south
    masks: dict[str, dict[str, np.ndarray]]
    facets: dict[str, dict[str, str]]  # filter -> value -> label
    unlocated: list[str]


def build_index(layer: dict[str, Any]) -> LayerIndex:
    features = layer["features"]
    lon = np.array([f["geometry"]["coordinates"][0] for f in features], dtype=float)
    lat = np.array([f["geometry"]["coordinates"][1] for f in features], dtype=float)
    sine = np.sin(np.radians(np.clip(lat, -85.0511, 85.0511)))  # Web Mercator's limits
    values: dict[str, dict[str, list[int]]] = {name: {} for name in FILTERS}
    facets: dict[str, dict[str, str]] = {name: {} for name in FILTERS}
    for i, feature in enumerate(features):
        for name, value, label in _filter_values(feature["properties"]):
            values[name].setdefault(value, []).append(i)
            facets[name].setdefault(value, label)
    masks: dict[str, dict[str, np.ndarray]] = {}
    for name, found in values.items():
        masks[name] = {}
        for value, rows in found.items():
            mask = np.zeros(len(features), dtype=bool)
            mask[rows] = True
            masks[name][value] = mask
    return LayerIndex(
        features=[json.dumps(f, ensure_ascii=False).encode() for f in features],
        lon=lon,
        lat=lat,
        x=(lon + 180.0) / 360.0,
        y=0.5 - np.log((1 + sine) / (1 - sine)) / (4 * math.pi),
        masks=masks,
        facets={name: dict(sorted(found.items())) for name, found in facets.items() if found},
        unlocated=list(layer.get("unlocated", [])),
    )


def _filter_values(props: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(filter, value, label) of one feature's properties."""
    found = []
    if props.get("edition") is not None:
        found.append(("edition", str(props["edition"]), str(props["edition"])))
    for name in ("status", "sphere"):
        if props.get(name):
            found.append((name, props[name], props.get(f"{name}_label") or props[name]))
    labels = (props.get("need") or "").split("; ")
    for i, code in enumerate(props.get("needs") or []):
        found.append(("need", code, labels[i] if i < len(labels) and labels[i] else code))
    return found


def layer_index(store: Store, name: str, lang: str) -> LayerIndex:
    return networks.cached(
        store, ("map-index", name, lang), lambda: build_index(LAYERS[name](store, lang))
    )


def _bad(what: str, raw: str) -> ApiError:
    return ApiError(400, f"{t('map_bad_parameter')} {what}={raw!r}")


def _viewport_args() -> tuple[dict[str, str], tuple[float, ...] | None, int | None, int | None]:
    """The filters, bbox, zoom and limit of the request (400 when malformed)."""
    filters = {name: request.args[name] for name in FILTERS if request.args.get(name)}
    bbox = None
    raw = request.args.get("bbox")
    if raw:
        try:
            bbox = tuple(float(v) for v in raw.split(","))
        except ValueError:
            raise _bad("bbox", raw) from None
        if len(bbox) != 4 or not all(map(math.isfinite, bbox)):
            raise _bad("bbox", raw)
        if bbox[0] > bbox[2] or bbox[1] > bbox[3]:
            raise _bad("bbox", raw)
    numbers: list[int | None] = []
    for name, top in (("zoom", MAX_ZOOM), ("limit", None)):
        raw = request.args.get(name)
        if raw in (None, ""):
            numbers.append(None)
        elif (
            raw.isascii()
            and raw.isdigit()
            and (top is None or int(raw) <= top)
            and (name == "zoom" or int(raw))
        ):
            numbers.append(int(raw))
        else:
            raise _bad(name, raw)
    return filters, bbox, numbers[0], numbers[1]


def viewport(
    index: LayerIndex,
    filters: dict[str, str],
    bbox: tuple[float, ...] | None = None,
    zoom: int | None = None,
    limit: int | None = None,
) -> bytes:
    """The FeatureCollection one request asks for (see the module docstring)."""
    mask = np.ones(len(index.features), dtype=bool)
    for name, value in filters.items():
        if index.masks.get(name):  # a filter the layer has (stages: the edition only)
            mask &= index.masks[name].get(value, np.zeros_like(mask))
    matched = int(mask.sum())
    if bbox is not None:
        west, south, east, north = bbox
        mask &= (index.lon >= west) & (index.lon <= east)
        mask &= (index.lat >= south) & (index.lat <= north)
    chosen = np.flatnonzero(mask)
    clustered = zoom is not None and len(chosen) > POINT_LIMIT
    parts = _clusters(index, chosen, zoom) if clustered else [index.features[i] for i in chosen]
    if limit is not None:
        parts = parts[:limit]
    tail = {"matched": matched, "in_view": len(chosen), "clustered": clustered}
    return (
        b'{"type":"FeatureCollection","features":['
        + b",".join(parts)
        + b"],"
        + json.dumps(tail)[1:].encode()
    )


def _clusters(index: LayerIndex, chosen: np.ndarray, zoom: int | None) -> list[bytes]:
    """One feature per group: the features are grouped per grid cell of ``CELL`` pixels at
    ``zoom``, then groups closer than ``CELL`` pixels are merged (largest first) so that no two
    markers overlap; a group of one gives the feature itself, a larger one a cluster (count,
    members' bbox, Point at their mean position). Largest first."""
    scale = 2.0 ** (zoom or 0) * 256
    px, py = index.x[chosen] * scale, index.y[chosen] * scale
    keys = np.floor(px / CELL).astype(np.int64) * (1 << 32) + np.floor(py / CELL).astype(np.int64)
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    inverse = _merge_close(inverse, counts, px, py)
    _, inverse, counts = np.unique(inverse, return_inverse=True, return_counts=True)
    lon, lat = index.lon[chosen], index.lat[chosen]
    mean_lon = np.bincount(inverse, lon) / counts
    mean_lat = np.bincount(inverse, lat) / counts
    bounds = [np.full(len(counts), np.inf), np.full(len(counts), np.inf)]
    bounds += [np.full(len(counts), -np.inf), np.full(len(counts), -np.inf)]
    np.minimum.at(bounds[0], inverse, lon)
    np.minimum.at(bounds[1], inverse, lat)
    np.maximum.at(bounds[2], inverse, lon)
    np.maximum.at(bounds[3], inverse, lat)
    first = np.zeros(len(counts), dtype=np.int64)
    first[inverse[::-1]] = chosen[::-1]  # the first member of each group
    parts = []
    for group in np.argsort(-counts, kind="stable"):
        if counts[group] == 1:
            parts.append(index.features[first[group]])
            continue
        feature = {
            "type": "Feature",
            "bbox": [round(float(b[group]), 6) for b in bounds],
            "geometry": {
                "type": "Point",
                "coordinates": [round(float(mean_lon[group]), 6), round(float(mean_lat[group]), 6)],
            },
            "properties": {"cluster": True, "count": int(counts[group])},
        }
        parts.append(json.dumps(feature).encode())
    return parts


def _merge_close(
    cell: np.ndarray, counts: np.ndarray, px: np.ndarray, py: np.ndarray
) -> np.ndarray:
    """Each feature's group once the cells whose centres (in pixels) are closer than ``CELL``
    are merged into the largest of them."""
    cx = np.bincount(cell, px) / counts
    cy = np.bincount(cell, py) / counts
    target = np.full(len(counts), -1, dtype=np.int64)
    for group in np.argsort(-counts, kind="stable"):
        if target[group] >= 0:
            continue
        near = (target < 0) & ((cx - cx[group]) ** 2 + (cy - cy[group]) ** 2 < CELL**2)
        target[near] = group
    return target[cell]


def _respond(body: bytes, tag: str) -> BaseResponse:
    response = Response(body, mimetype=MEDIA_TYPE)
    response.set_etag(tag)
    response.headers["Cache-Control"] = "public, max-age=60"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response.make_conditional(request)


@bp.get("/map/<name>.geojson")
def layer(name: str) -> BaseResponse:
    if name not in LAYERS:
        raise ApiError(404, f"{t('map_unknown_layer')} {name!r} ({', '.join(LAYERS)})")
    store = get_store(current_app)
    lang = current_lang()
    tag = f"{networks.version(store)}-{name}-{lang}"
    filters, bbox, zoom, limit = _viewport_args()
    if filters or bbox or zoom is not None or limit is not None:
        asked = json.dumps([sorted(filters.items()), bbox, zoom, limit]).encode()
        body = viewport(layer_index(store, name, lang), filters, bbox, zoom, limit)
        return _respond(body, f"{tag}-{hashlib.sha256(asked).hexdigest()[:16]}")
    return _respond(layer_body(store, name, lang), tag)


def layer_body(store: Store, name: str, lang: str) -> bytes:
    """The whole layer, serialised once per dataset version and language."""

    def serialise() -> bytes:
        index = layer_index(store, name, lang)
        unlocated = json.dumps(index.unlocated, ensure_ascii=False).encode()
        features = b",".join(index.features)
        return (
            b'{"type":"FeatureCollection","features":['
            + features
            + b'],"unlocated":'
            + unlocated
            + b"}"
        )

    return networks.cached(store, ("geojson-body", name, lang), serialise)


@bp.get("/map")
def map_page() -> str:
    store = get_store(current_app)
    lang = current_lang()
    forced = request.args.get("clusters") == "1"
    modes, facets, totals = {}, {}, {}
    for name in LAYERS:
        index = layer_index(store, name, lang)
        server = forced or len(index.features) > CLIENT_LIMIT
        modes[name] = "server" if server else "client"
        if server:
            facets[name] = index.facets
            totals[name] = {"located": len(index.features), "unlocated": len(index.unlocated)}
    config = {
        "lang": lang,
        "tileUrl": current_app.config.get("TILE_URL") or "",
        "layers": {name: f"/map/{name}.geojson?lang={lang}" for name in LAYERS},
        "modes": modes,
        "facets": facets,
        "totals": totals,
        "departments": "/static/geo/franche-comte-departements.geojson",
        "region": "/static/geo/franche-comte-region.geojson",
        "messages": {key[4:]: t(key) for key in _JS_MESSAGES},
    }
    return render_template("map.html", config=config)


@warmer("map", order=30)
def warm_map(app: Flask) -> None:
    """Both layers in both languages: the whole GeoJSON and the viewport index."""
    store = get_store(app)
    for lang in ("fr", "en"):
        for name in LAYERS:
            layer_body(store, name, lang)
            layer_index(store, name, lang)


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
    "map_cluster_here",
    "map_cluster_more",
    "map_stages_here",
)

"""The map layers as GeoJSON (RFC 7946): every located innovation and every located stage.

Coordinates are ``[longitude, latitude]`` in WGS84. An innovation rarely has coordinates of its
own, so each feature says in ``located_by`` how it was placed, the first that applies:

- ``own``: the innovation's own ``wgs:lat``/``wgs:long``;
- ``place``: the coordinates of its place (``rally:location``);
- ``carrier-place``: the coordinates of its carrier's place;
- ``department``: the centroid of the outline of the department its place lies in;
- ``carrier-department``: the same for its carrier's place;
- ``region``, ``carrier-region``: the centroid of the former region's outline, when the place
  (or the carrier's) is only known as "Franche-Comté";
- ``stage``: the place of the stage where it was presented (``rally:presentedAt``), for an
  innovation whose own and carrier's places are unknown (the popup says so).

Innovations that none of these locate are listed by URI in the foreign member ``unlocated``.
Stages are placed by their place (``place``) or their department (``department``).

>>> layer = innovations_layer(store, "fr")  # doctest: +SKIP
>>> layer["type"], layer["features"][0]["geometry"]["type"]  # doctest: +SKIP
('FeatureCollection', 'Point')
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from endpoint.networks import cached
from endpoint.networks.source import local_path
from endpoint.store import Store

GEO = Path(__file__).parent / "static" / "geo"
OUTLINES = {
    "department": GEO / "franche-comte-departements.geojson",
    "region": GEO / "franche-comte-region.geojson",
}
# how an innovation was placed, most precise first
PRECISION = (
    "own",
    "place",
    "carrier-place",
    "department",
    "carrier-department",
    "region",
    "carrier-region",
    "stage",
)
PREFIXES = """PREFIX rally: <https://w3id.org/rallynov/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#>
"""
QUERIES = {
    "innovations": """SELECT ?s ?name ?year ?status ?sphere ?place ?lat ?lon WHERE {
        ?s a rally:SocialInnovation .
        OPTIONAL { ?s rdfs:label ?name }
        OPTIONAL { ?s rally:edition/rally:year ?year }
        OPTIONAL { ?s rally:status ?status }
        OPTIONAL { ?s rally:sphere ?sphere }
        OPTIONAL { ?s rally:location ?place }
        OPTIONAL { ?s wgs:lat ?lat ; wgs:long ?lon }
    } ORDER BY ?s ?place""",
    "carriers": """SELECT ?s ?organisation ?name ?place WHERE {
        ?s rally:carrier ?organisation .
        OPTIONAL { ?organisation rdfs:label ?name }
        OPTIONAL { ?organisation rally:location ?place }
    } ORDER BY ?s ?organisation ?place""",
    "needs": "SELECT ?s ?need WHERE { ?s rally:addressesNeed ?need } ORDER BY ?s ?need",
    "shown_at": """SELECT ?s ?place WHERE {
        ?s rally:presentedAt ?event . ?event rally:location ?place
        OPTIONAL { ?event <https://schema.org/startDate> ?start }
    } ORDER BY ?s ?start ?place""",
    "places": """SELECT ?place ?name ?lat ?lon ?within ?code ?level WHERE {
        ?place a rally:Place .
        OPTIONAL { ?place rdfs:label ?name }
        OPTIONAL { ?place wgs:lat ?lat ; wgs:long ?lon }
        OPTIONAL { ?place rally:within ?within }
        OPTIONAL { ?place rally:inseeCode ?code }
        OPTIONAL { ?place a rally:Department BIND("department" AS ?level) }
        OPTIONAL { ?place a rally:Region BIND("region" AS ?level) }
    }""",
    "concepts": """SELECT ?concept ?code ?label WHERE {
        VALUES ?scheme { <https://w3id.org/rallynov/vocab/need>
                         <https://w3id.org/rallynov/vocab/status>
                         <https://w3id.org/rallynov/vocab/sphere> }
        ?concept skos:inScheme ?scheme ; skos:notation ?code .
        OPTIONAL { ?concept skos:prefLabel ?label }
    }""",
    "stages": """SELECT ?s ?name ?year ?number ?start ?place WHERE {
        ?s a rally:Stage .
        OPTIONAL { ?s rdfs:label ?name }
        OPTIONAL { ?s rally:edition/rally:year ?year }
        OPTIONAL { ?s rally:stageNumber ?number }
        OPTIONAL { ?s <https://schema.org/startDate> ?start }
        OPTIONAL { ?s rally:location ?place }
    } ORDER BY ?s ?place""",
    "organisers": """SELECT ?s ?organisation ?name WHERE {
        ?s a rally:Stage ; rally:organiser ?organisation .
        OPTIONAL { ?organisation rdfs:label ?name }
    } ORDER BY ?s ?organisation""",
    "presented": """SELECT ?s (COUNT(DISTINCT ?innovation) AS ?n) WHERE {
        ?innovation rally:presentedAt ?s . ?s a rally:Stage
    } GROUP BY ?s""",
}


@dataclass
class Place:
    uri: str
    names: dict[str, str] = field(default_factory=dict)
    point: tuple[float, float] | None = None  # (lon, lat)
    within: str | None = None
    code: str | None = None
    level: str | None = None  # "department" or "region" when the place is one


def _rows(store: Store, name: str) -> list[dict[str, Any]]:
    results = store.query(PREFIXES + QUERIES[name])
    names = [v.value for v in results.variables]  # type: ignore[union-attr]
    return [{n: row[n] for n in names} for row in results]  # type: ignore[union-attr]


def _text(term: Any) -> str | None:
    return None if term is None else str(term.value)


def _lang(term: Any) -> str:
    return getattr(term, "language", None) or ""


def _pick(labels: dict[str, str], lang: str) -> str | None:
    other = "en" if lang == "fr" else "fr"
    return labels.get(lang) or labels.get("") or labels.get(other)


@cache
def centroids(level: str) -> dict[str, tuple[float, float]]:
    """INSEE code -> (lon, lat) centroid of the outline of a department or of the former region
    (area-weighted, outer rings)."""
    data = json.loads(OUTLINES[level].read_text(encoding="utf-8"))
    found = {}
    for feature in data["features"]:
        geometry = feature["geometry"]
        rings = (
            [geometry["coordinates"][0]]
            if geometry["type"] == "Polygon"
            else [poly[0] for poly in geometry["coordinates"]]
        )
        area = cx = cy = 0.0
        for ring in rings:
            for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
                cross = x0 * y1 - x1 * y0
                area += cross
                cx += (x0 + x1) * cross
                cy += (y0 + y1) * cross
        found[str(feature["properties"]["code"])] = (cx / (3 * area), cy / (3 * area))
    return found


def _places(store: Store) -> dict[str, Place]:
    places: dict[str, Place] = {}
    for row in _rows(store, "places"):
        uri = str(row["place"].value)
        place = places.setdefault(uri, Place(uri))
        if row["name"] is not None:
            place.names.setdefault(_lang(row["name"]), str(row["name"].value))
        if row["lat"] is not None and row["lon"] is not None and place.point is None:
            place.point = (float(row["lon"].value), float(row["lat"].value))
        place.within = place.within or _text(row["within"])
        place.code = place.code or _text(row["code"])
        place.level = place.level or _text(row["level"])
    return places


def locate(uri: str | None, places: dict[str, Place]) -> tuple[tuple[float, float] | None, str]:
    """(lon, lat) of a place and how: its own point (``place``), else the centroid of the
    department or region it is or lies in (``department``, ``region``)."""
    place = places.get(uri) if uri else None
    if place is not None and place.point is not None:
        return place.point, "place"
    seen: set[str] = set()
    while place is not None and place.uri not in seen:
        seen.add(place.uri)
        if place.level and place.code in centroids(place.level):
            return centroids(place.level)[place.code], place.level
        place = places.get(place.within) if place.within else None
    return None, ""


def _concepts(store: Store, lang: str) -> dict[str, tuple[str, str]]:
    """concept URI -> (code, label in ``lang``)."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    codes = {}
    for row in _rows(store, "concepts"):
        uri = str(row["concept"].value)
        codes[uri] = str(row["code"].value)
        if row["label"] is not None:
            labels[uri].setdefault(_lang(row["label"]), str(row["label"].value))
    return {uri: (code, _pick(labels[uri], lang) or code) for uri, code in codes.items()}


def _point(lon_lat: tuple[float, float]) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(lon_lat[0], 6), round(lon_lat[1], 6)]}


def _year(term: Any) -> int | None:
    text = _text(term)
    return int(text[:4]) if text and text[:4].isdigit() else None


def innovations_layer(store: Store, lang: str = "fr") -> dict[str, Any]:
    """Every located innovation as a Point feature (cached per dataset version and language)."""
    return cached(store, ("geojson", "innovations", lang), lambda: _innovations(store, lang))


def stages_layer(store: Store, lang: str = "fr") -> dict[str, Any]:
    """Every located stage as a Point feature (cached per dataset version and language)."""
    return cached(store, ("geojson", "stages", lang), lambda: _stages(store, lang))


def _innovations(store: Store, lang: str) -> dict[str, Any]:
    places, concepts = _places(store), _concepts(store, lang)
    carriers: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    seen_carriers: set[tuple[str, str]] = set()
    for row in _rows(store, "carriers"):
        key = (str(row["s"].value), str(row["organisation"].value))
        if key not in seen_carriers:
            seen_carriers.add(key)
            carriers[key[0]].append((key[1], _text(row["name"]) or key[1], _text(row["place"])))
    shown_at: dict[str, list[str]] = defaultdict(list)
    for row in _rows(store, "shown_at"):
        shown_at[str(row["s"].value)].append(str(row["place"].value))
    needs: dict[str, list[str]] = defaultdict(list)
    for row in _rows(store, "needs"):
        needs[str(row["s"].value)].append(str(row["need"].value))
    records: dict[str, dict[str, Any]] = {}
    for row in _rows(store, "innovations"):
        uri = str(row["s"].value)
        record = records.setdefault(uri, {"names": {}, "row": row})
        if row["name"] is not None:
            record["names"].setdefault(_lang(row["name"]), str(row["name"].value))
    features, unlocated = [], []
    for uri, record in records.items():
        row = record["row"]
        point, how = _locate_innovation(row, carriers[uri], shown_at[uri], places)
        if point is None:
            unlocated.append(uri)
            continue
        need_codes = [concepts.get(n, (n, n)) for n in needs[uri]]
        status = concepts.get(_text(row["status"]) or "")
        sphere = concepts.get(_text(row["sphere"]) or "")
        place = places.get(_text(row["place"]) or "")
        properties = {
            "uri": uri,
            "url": local_path(uri),
            "name": _pick(record["names"], lang) or uri,
            "carrier": "; ".join(name for _, name, _ in carriers[uri]) or None,
            "carriers": [c for c, _, _ in carriers[uri]],
            "needs": [code for code, _ in need_codes],
            "need": "; ".join(label for _, label in need_codes) or None,
            "status": status[0] if status else None,
            "status_label": status[1] if status else None,
            "sphere": sphere[0] if sphere else None,
            "sphere_label": sphere[1] if sphere else None,
            "edition": _year(row["year"]),
            "place": _pick(place.names, lang) if place else None,
            "place_uri": place.uri if place else None,
            "located_by": how,
        }
        features.append({"type": "Feature", "geometry": _point(point), "properties": properties})
    return {"type": "FeatureCollection", "features": features, "unlocated": sorted(unlocated)}


def _locate_innovation(
    row: dict[str, Any],
    carriers: list[tuple[str, str, str | None]],
    shown_at: list[str],
    places: dict[str, Place],
) -> tuple[tuple[float, float] | None, str]:
    """The most precise of the ways listed in the module docstring."""
    if row["lat"] is not None and row["lon"] is not None:
        return (float(row["lon"].value), float(row["lat"].value)), "own"
    found = [locate(_text(row["place"]), places)]
    found += [
        (point, f"carrier-{how}") for point, how in (locate(p, places) for _, _, p in carriers)
    ]
    found += [(point, "stage") for point, _ in (locate(p, places) for p in shown_at[:1])]
    located = [(PRECISION.index(how), point, how) for point, how in found if point is not None]
    if not located:
        return None, ""
    _, point, how = min(located, key=lambda item: item[0])
    return point, how


def _stages(store: Store, lang: str) -> dict[str, Any]:
    places = _places(store)
    organisers: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in _rows(store, "organisers"):
        organisers[str(row["s"].value)].append(
            (str(row["organisation"].value), _text(row["name"]) or str(row["organisation"].value))
        )
    presented = {str(r["s"].value): int(r["n"].value) for r in _rows(store, "presented")}
    records: dict[str, dict[str, Any]] = {}
    for row in _rows(store, "stages"):
        uri = str(row["s"].value)
        record = records.setdefault(uri, {"names": {}, "row": row})
        if row["name"] is not None:
            record["names"].setdefault(_lang(row["name"]), str(row["name"].value))
    features, unlocated = [], []
    for uri, record in records.items():
        row = record["row"]
        point, how = locate(_text(row["place"]), places)
        if point is None:
            unlocated.append(uri)
            continue
        place = places.get(_text(row["place"]) or "")
        number = _text(row["number"])
        properties = {
            "uri": uri,
            "url": local_path(uri),
            "name": _pick(record["names"], lang) or uri,
            "number": int(number) if number and number.isdigit() else None,
            "edition": _year(row["year"]),
            "date": _text(row["start"]),
            "organisers": "; ".join(name for _, name in organisers[uri]) or None,
            "organiser_uris": [o for o, _ in organisers[uri]],
            "innovations": presented.get(uri, 0),
            "place": _pick(place.names, lang) if place else None,
            "place_uri": place.uri if place else None,
            "located_by": how,
        }
        features.append({"type": "Feature", "geometry": _point(point), "properties": properties})
    return {"type": "FeatureCollection", "features": features, "unlocated": sorted(unlocated)}

"""The map layers: valid RFC 7946 GeoJSON inside Franche-Comté, the ``located_by`` rules, and
their routes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from rdflib import Graph

from endpoint import geojson
from endpoint.store import EmbeddedStore
from loaders.iris import PUBLIC_GRAPH

GEO = Path(geojson.__file__).parent / "static" / "geo"
REGION = json.loads((GEO / "franche-comte-region.geojson").read_text(encoding="utf-8"))
DEPARTMENTS = json.loads((GEO / "franche-comte-departements.geojson").read_text(encoding="utf-8"))
INNOVATION_KEYS = {
    "uri",
    "url",
    "name",
    "carrier",
    "needs",
    "need",
    "status",
    "sphere",
    "edition",
    "place",
    "located_by",
}
STAGE_KEYS = {
    "uri",
    "url",
    "name",
    "number",
    "edition",
    "date",
    "organisers",
    "place",
    "located_by",
}


def _inside(point: list[float], polygon: list[list[list[float]]]) -> bool:
    """Ray casting on the outer ring (holes do not occur in these outlines)."""
    x, y = point
    ring, inside = polygon[0], False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _in_region(point: list[float]) -> bool:
    return any(_inside(point, poly) for poly in REGION["features"][0]["geometry"]["coordinates"])


def check_rfc7946(collection: dict[str, Any], keys: set[str]) -> None:
    """A FeatureCollection of Features with Point geometries in [longitude, latitude] order,
    inside the former region, and a properties object (RFC 7946 sections 3.1.2, 3.2, 3.3, 4)."""
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection  # removed by RFC 7946: WGS84 is implied
    assert isinstance(collection["features"], list)
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["properties"], dict)
        assert keys <= set(feature["properties"])
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert all(isinstance(v, float | int) and not isinstance(v, bool) for v in (lon, lat))
        assert 5.2 < lon < 7.2 and 46.2 < lat < 48.1, (lon, lat)  # lon first: lat > lon here
        assert _in_region([lon, lat]), feature["properties"]["uri"]
    json.dumps(collection, allow_nan=False)


def test_innovations_layer_is_valid_and_complete(bundled_store: EmbeddedStore) -> None:
    layer = geojson.innovations_layer(bundled_store, "fr")
    check_rfc7946(layer, INNOVATION_KEYS)
    rows = bundled_store.query(
        "SELECT (COUNT(?i) AS ?n) WHERE { ?i a <https://w3id.org/rallynov/def#SocialInnovation> }"
    )
    total = int(next(iter(rows))["n"].value)
    assert len(layer["features"]) + len(layer["unlocated"]) == total
    assert len(layer["features"]) > total / 2
    assert {f["properties"]["located_by"] for f in layer["features"]} <= set(geojson.PRECISION)


def _feature(layer: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(f for f in layer["features"] if f["properties"]["uri"].endswith("/" + slug))


def test_innovations_are_placed_where_the_data_says(bundled_store: EmbeddedStore) -> None:
    layer = geojson.innovations_layer(bundled_store, "fr")
    # Juralternance: place Dole (data/places.csv) -> the commune's point
    dole = _feature(layer, "juralternance-ecole-production")
    assert dole["properties"]["located_by"] == "place"
    assert dole["properties"]["place"] == "Dole"
    assert dole["geometry"]["coordinates"] == pytest.approx([5.4964, 47.0917], abs=1e-3)
    assert dole["properties"]["url"] == "/id/innovation/juralternance-ecole-production"
    # Taco 39: only known as "Jura" -> the centroid of the Jura outline
    taco = _feature(layer, "taco-39-cooperative-taxis")
    assert taco["properties"]["located_by"] == "department"
    jura = next(f for f in DEPARTMENTS["features"] if f["properties"]["code"] == "39")
    assert _inside(taco["geometry"]["coordinates"], jura["geometry"]["coordinates"])
    assert taco["properties"]["carrier"] and taco["properties"]["needs"]
    assert taco["properties"]["status"].startswith("ST-") and taco["properties"]["edition"] == 2013


def test_labels_follow_the_language(bundled_store: EmbeddedStore) -> None:
    french = _feature(geojson.innovations_layer(bundled_store, "fr"), "taco-39-cooperative-taxis")
    english = _feature(geojson.innovations_layer(bundled_store, "en"), "taco-39-cooperative-taxis")
    assert french["properties"]["sphere"] == english["properties"]["sphere"]
    assert french["properties"]["sphere_label"] != english["properties"]["sphere_label"]


def test_stages_layer(bundled_store: EmbeddedStore) -> None:
    layer = geojson.stages_layer(bundled_store, "fr")
    check_rfc7946(layer, STAGE_KEYS)
    assert layer["unlocated"] == []
    montbeliard = next(f for f in layer["features"] if "montbeliard" in f["properties"]["uri"])
    assert montbeliard["properties"]["place"] == "Montbéliard"
    assert "Cress" in montbeliard["properties"]["organisers"]
    assert montbeliard["properties"]["edition"] == 2013
    numbers = sorted(f["properties"]["number"] for f in layer["features"])
    assert numbers == list(range(1, len(numbers) + 1))


LOCATED = """
@prefix rally: <https://w3id.org/rallynov/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix id: <https://w3id.org/rallynov/id/> .

id:place\\/town a rally:Place, rally:Commune ; rdfs:label "Town" ; wgs:lat 47.5 ; wgs:long 6.8 ;
    rally:within id:place\\/doubs .
id:place\\/doubs a rally:Place, rally:Department ; rdfs:label "Doubs" ; rally:inseeCode "25" .
id:place\\/jura a rally:Place, rally:Department ; rdfs:label "Jura" ; rally:inseeCode "39" .
id:place\\/fc a rally:Place, rally:Region ; rdfs:label "Franche-Comté" ; rally:inseeCode "43" .
id:place\\/stage a rally:Place ; rdfs:label "Stage town" ; wgs:lat 47.2 ; wgs:long 6.0 .
id:organisation\\/in-town a rally:Organisation ; rdfs:label "Town org" ; rally:location id:place\\/town .
id:organisation\\/in-jura a rally:Organisation ; rdfs:label "Jura org" ; rally:location id:place\\/jura .
id:organisation\\/nowhere a rally:Organisation ; rdfs:label "Nowhere org" .
id:event\\/s a rally:Event, rally:Stage ; rdfs:label "Stage" ; rally:location id:place\\/stage .

id:innovation\\/own a rally:SocialInnovation ; rdfs:label "Own" ; wgs:lat 47.0 ; wgs:long 6.5 ;
    rally:location id:place\\/town .
id:innovation\\/place a rally:SocialInnovation ; rdfs:label "Place" ; rally:location id:place\\/town .
id:innovation\\/carrier a rally:SocialInnovation ; rdfs:label "Carrier" ;
    rally:location id:place\\/jura ; rally:carrier id:organisation\\/in-town .
id:innovation\\/dept a rally:SocialInnovation ; rdfs:label "Dept" ; rally:location id:place\\/jura .
id:innovation\\/carrier-dept a rally:SocialInnovation ; rdfs:label "CD" ;
    rally:carrier id:organisation\\/in-jura .
id:innovation\\/region a rally:SocialInnovation ; rdfs:label "Region" ; rally:location id:place\\/fc ;
    rally:presentedAt id:event\\/s .
id:innovation\\/stage a rally:SocialInnovation ; rdfs:label "Stage" ;
    rally:carrier id:organisation\\/nowhere ; rally:presentedAt id:event\\/s .
id:innovation\\/lost a rally:SocialInnovation ; rdfs:label "Lost" ; rally:carrier id:organisation\\/nowhere .
"""


def test_located_by_rules() -> None:
    store = EmbeddedStore()
    store.publish({PUBLIC_GRAPH: Graph().parse(data=LOCATED, format="turtle")})
    layer = geojson.innovations_layer(store, "en")
    check_rfc7946(layer, {"uri", "located_by"})
    how = {f["properties"]["uri"].rsplit("/", 1)[1]: f for f in layer["features"]}
    assert {k: f["properties"]["located_by"] for k, f in how.items()} == {
        "own": "own",
        "place": "place",
        "carrier": "carrier-place",
        "dept": "department",
        "carrier-dept": "carrier-department",
        "region": "region",
        "stage": "stage",
    }
    assert how["own"]["geometry"]["coordinates"] == [6.5, 47.0]
    assert how["place"]["geometry"]["coordinates"] == [6.8, 47.5]
    assert how["carrier"]["geometry"]["coordinates"] == [6.8, 47.5]
    assert how["stage"]["geometry"]["coordinates"] == [6.0, 47.2]
    assert how["dept"]["geometry"] == how["carrier-dept"]["geometry"]
    assert layer["unlocated"] == ["https://w3id.org/rallynov/id/innovation/lost"]


def test_geojson_routes(client: FlaskClient) -> None:
    for name in ("innovations", "stages"):
        response = client.get(f"/map/{name}.geojson?lang=en")
        assert response.status_code == 200
        assert response.mimetype == "application/geo+json"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        check_rfc7946(response.get_json(), INNOVATION_KEYS if name == "innovations" else STAGE_KEYS)
        again = client.get(
            f"/map/{name}.geojson?lang=en", headers={"If-None-Match": response.headers["ETag"]}
        )
        assert again.status_code == 304
    missing = client.get("/map/rivers.geojson", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and "rivers" in missing.get_json()["error"]["message"]


def test_map_page(client: FlaskClient, app) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/map?lang=fr").get_data(as_text=True)
    assert "Carte des innovations sociales" in html
    for path in (
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet.markercluster/leaflet.markercluster.js",
    ):
        assert f"/static/{path}" in html
    assert '"tileUrl": ""' in html
    with client.get("/static/geo/franche-comte-departements.geojson") as outlines:
        assert outlines.status_code == 200 and len(outlines.get_json()["features"]) == 4
    app.config["TILE_URL"] = "https://tiles.example.org/{z}/{x}/{y}.png"
    assert "tiles.example.org" in app.test_client().get("/map").get_data(as_text=True)

"""Viewport requests of the map layers (what the page asks for on large datasets): server-side
clusters per grid cell, bbox and filters, their validation; the warm-up that builds the layers."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from endpoint import networks, warmup
from endpoint.app import get_store
from endpoint.views import map as map_view
from tests.endpoint.test_map import INNOVATION_KEYS, STAGE_KEYS, check_rfc7946

WHOLE_REGION = "bbox=4.5,45.5,8,48.5"
DOLE = (5.3, 46.9, 5.7, 47.3)  # Juralternance is placed at Dole (5.4964, 47.0917)


def _whole(client: FlaskClient, name: str = "innovations") -> list[dict[str, Any]]:
    return client.get(f"/map/{name}.geojson?lang=fr").get_json()["features"]  # type: ignore[no-any-return]


def _count(feature: dict[str, Any]) -> int:
    return int(feature["properties"]["count"]) if feature["properties"].get("cluster") else 1


def check_clusters(collection: dict[str, Any]) -> None:
    """Clusters are RFC 7946 Features too: a Point inside the cluster's bbox (west, south, east,
    north: RFC 7946 section 5), a count of at least 2."""
    assert collection["type"] == "FeatureCollection"
    for feature in collection["features"]:
        if not feature["properties"].get("cluster"):
            continue
        west, south, east, north = feature["bbox"]
        lon, lat = feature["geometry"]["coordinates"]
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        assert west <= lon <= east and south <= lat <= north
        assert feature["properties"]["count"] >= 2


@pytest.mark.parametrize("zoom", [0, 6, 8, 10, 14])
def test_clusters_sum_to_the_located_innovations(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, zoom: int
) -> None:
    monkeypatch.setattr(map_view, "POINT_LIMIT", 0)  # always clusters, as at 100k innovations
    located = _whole(client)
    data = client.get(f"/map/innovations.geojson?lang=fr&zoom={zoom}&{WHOLE_REGION}").get_json()
    assert data["clustered"] is True
    assert data["matched"] == data["in_view"] == len(located)
    assert sum(_count(f) for f in data["features"]) == len(located)
    check_clusters(data)
    alone = [f for f in data["features"] if not f["properties"].get("cluster")]
    check_rfc7946({"type": "FeatureCollection", "features": alone}, INNOVATION_KEYS)
    if zoom == 0:  # the whole region is a few pixels wide: one cluster
        assert [f["properties"]["count"] for f in data["features"]] == [len(located)]


def test_low_zoom_groups_the_besancon_innovations(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(map_view, "POINT_LIMIT", 3)
    data = client.get(f"/map/innovations.geojson?zoom=7&{WHOLE_REGION}").get_json()
    biggest = data["features"][0]  # largest first
    assert biggest["properties"]["cluster"] is True
    besancon = [f for f in _whole(client) if f["geometry"]["coordinates"] == [6.0241, 47.2378]]
    assert biggest["properties"]["count"] >= len(besancon) > 2


def test_bbox_returns_only_the_points_inside(client: FlaskClient) -> None:
    west, south, east, north = DOLE
    inside = {
        f["properties"]["uri"]
        for f in _whole(client)
        if west <= f["geometry"]["coordinates"][0] <= east
        and south <= f["geometry"]["coordinates"][1] <= north
    }
    assert inside  # Juralternance at least
    data = client.get(f"/map/innovations.geojson?bbox={west},{south},{east},{north}").get_json()
    assert {f["properties"]["uri"] for f in data["features"]} == inside
    assert data["in_view"] == len(inside) and data["clustered"] is False
    assert data["matched"] == len(_whole(client))  # the bbox does not change what matches
    check_rfc7946(data, INNOVATION_KEYS)
    # a zoom with few points in view still gives the points themselves
    zoomed = client.get(f"/map/innovations.geojson?bbox={west},{south},{east},{north}&zoom=12")
    assert {f["properties"]["uri"] for f in zoomed.get_json()["features"]} == inside


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("edition=2014", lambda p: p["edition"] == 2014),
        ("status=ST-LAU", lambda p: p["status"] == "ST-LAU"),
        ("sphere=S-ESS", lambda p: p["sphere"] == "S-ESS"),
        ("edition=2013&sphere=S-ESS", lambda p: p["edition"] == 2013 and p["sphere"] == "S-ESS"),
        ("edition=1999", lambda p: False),
    ],
)
def test_filters_are_applied_on_the_server(client: FlaskClient, query: str, keep: Any) -> None:
    expected = {f["properties"]["uri"] for f in _whole(client) if keep(f["properties"])}
    data = client.get(f"/map/innovations.geojson?{query}").get_json()
    assert {f["properties"]["uri"] for f in data["features"]} == expected
    assert data["matched"] == len(expected)


def test_need_filter_and_limit(client: FlaskClient) -> None:
    located = _whole(client)
    need = located[0]["properties"]["needs"][0]
    expected = [f for f in located if need in f["properties"]["needs"]]
    data = client.get(f"/map/innovations.geojson?need={need}&limit=1").get_json()
    assert data["matched"] == len(expected) and len(data["features"]) == 1


def test_stages_take_the_edition_filter_and_ignore_the_others(client: FlaskClient) -> None:
    stages = _whole(client, "stages")
    data = client.get("/map/stages.geojson?edition=2013&status=ST-LAU&zoom=8").get_json()
    assert data["matched"] == sum(1 for f in stages if f["properties"]["edition"] == 2013) > 0
    check_rfc7946(data, STAGE_KEYS)


@pytest.mark.parametrize(
    "query",
    ["bbox=1,2,3", "bbox=a,b,c,d", "bbox=7,46,5,48", "bbox=nan,46,7,48", "zoom=-1", "zoom=99",
     "zoom=x", "zoom=²", "limit=0"],
)  # fmt: skip
def test_malformed_viewports_are_refused(client: FlaskClient, query: str) -> None:
    response = client.get(
        f"/map/innovations.geojson?{query}", headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    assert query.split("=")[0] in response.get_json()["error"]["message"]


def test_viewport_answers_revalidate(client: FlaskClient) -> None:
    url = f"/map/innovations.geojson?zoom=8&{WHOLE_REGION}"
    first = client.get(url)
    assert first.mimetype == "application/geo+json" and first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    other = client.get(f"/map/innovations.geojson?zoom=9&{WHOLE_REGION}")
    assert other.headers["ETag"] != first.headers["ETag"]
    # the whole layer keeps its own, unchanged answer
    assert "matched" not in client.get("/map/innovations.geojson").get_json()


def test_page_switches_to_server_mode_above_the_client_limit(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = client.get("/map?lang=en").get_data(as_text=True)
    assert '"innovations": "client"' in small and '"stages": "client"' in small
    monkeypatch.setattr(map_view, "CLIENT_LIMIT", 10)  # 22 located innovations, 9 stages
    large = client.get("/map?lang=en").get_data(as_text=True)
    assert '"innovations": "server"' in large and '"stages": "client"' in large
    assert '"located": 22' in large and "S-ESS" in large  # totals and filter values
    forced = client.get("/map?lang=en&clusters=1").get_data(as_text=True)
    assert '"stages": "server"' in forced


def test_warmer_builds_the_layers_before_the_first_request(app: Flask) -> None:
    assert "map" in [name for name, _ in warmup.WARMERS]
    store = get_store(app)
    networks.CACHE.clear()
    with app.app_context():
        map_view.warm_map(app)
    version = networks.version(store)
    for lang in ("fr", "en"):
        for name in ("innovations", "stages"):
            assert (version, "geojson-body", name, lang) in networks.CACHE
            assert (version, "map-index", name, lang) in networks.CACHE

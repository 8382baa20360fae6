"""The /map page in its server mode (what it uses above CLIENT_LIMIT innovations, forced here with
``?clusters=1``) in headless Chromium: the server's clusters add up to every located innovation,
filters go to the server, a cluster click zooms in, a stack at one place lists its innovations,
and points still open their popup and lead to their page. Screenshots go to /tmp/screens/."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from endpoint.views import map as map_view

SCREENS = Path("/tmp/screens")
BESANCON = (47.2378, 6.0241)  # 13 bundled innovations share these coordinates
DOLE = (47.0917, 5.4964)  # Juralternance alone

DRAWN = """() => {
    const m = window.rallynovMap;
    const clusters = m.serverClusters.innovations.getLayers();
    return { clusters: clusters.length, points: m.cluster.getLayers().length,
             total: clusters.reduce((s, c) => s + c.feature.properties.count, 0)
                    + m.cluster.getLayers().length };
}"""


def _settled(page, **expected: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until no viewport request is pending (and the counts say what is expected)."""
    checks = ["c.dataset.pending === '0'"]
    checks += [f"c.dataset.{key} === {value!r}" for key, value in expected.items()]
    page.wait_for_function(
        f"(() => {{ const c = document.getElementById('map-count'); return {' && '.join(checks)}; }})()"
    )


def _go(page, where: tuple[float, float], zoom: int) -> None:  # type: ignore[no-untyped-def]
    """Close any popup (Leaflet keeps a closing one in the page for its 200 ms fade), move the map
    and wait until the innovations of the new view are drawn."""
    page.evaluate("window.rallynovMap.map.closePopup()")
    page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 0")
    drawn = page.evaluate("window.rallynovMap.state.drawn")
    page.evaluate(
        "([lat, lon, zoom]) => window.rallynovMap.map.setView([lat, lon], zoom, {animate: false})",
        [where[0], where[1], zoom],
    )
    page.wait_for_function(f"window.rallynovMap.state.drawn > {drawn}")
    _settled(page)


@pytest.fixture
def few_points(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clusters as soon as more than 3 innovations are in view (the live server runs in this
    process, so it sees the change)."""
    monkeypatch.setattr(map_view, "POINT_LIMIT", 3)


def test_server_mode_clusters_filters_and_popups(live_server: str, page, few_points: None) -> None:  # type: ignore[no-untyped-def]
    SCREENS.mkdir(parents=True, exist_ok=True)
    located = requests.get(f"{live_server}/map/innovations.geojson", timeout=30).json()["features"]
    in_2014 = sum(1 for f in located if f["properties"]["edition"] == 2014)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{live_server}/map?lang=fr&clusters=1")
    page.wait_for_function("document.body.dataset.mapReady === '1'")
    _settled(page, innovations=str(len(located)))
    drawn = page.evaluate(DRAWN)
    assert drawn["clusters"] > 0 and drawn["total"] == len(located)  # the whole region is in view
    assert page.locator(".marker-cluster.map-server-cluster").count() == drawn["clusters"]
    assert page.locator(".map-stage").count() > 0 and page.locator(".leaflet-tile").count() == 0
    page.screenshot(path=str(SCREENS / "map-clusters.png"))

    # filters are applied by the server
    page.select_option("#map-edition", "2014")
    _settled(page, innovations=str(in_2014))
    assert page.evaluate(DRAWN)["total"] == in_2014
    page.select_option("#map-edition", "")
    _settled(page, innovations=str(len(located)))

    # without the stages (whose labels sit over the Besançon cluster), a click on the largest
    # cluster zooms in on its members
    page.uncheck("#map-show-stages")
    _settled(page, stages="0")
    assert page.locator(".map-stage").count() == 0
    before, drawn = page.evaluate(
        "[window.rallynovMap.map.getZoom(), window.rallynovMap.state.drawn]"
    )
    largest = page.evaluate_handle(
        """() => window.rallynovMap.serverClusters.innovations.getLayers()
            .sort((a, b) => b.feature.properties.count - a.feature.properties.count)[0]._icon"""
    )
    largest.as_element().click()
    page.wait_for_function(f"window.rallynovMap.map.getZoom() > {before}")
    page.wait_for_function(f"window.rallynovMap.state.drawn > {drawn}")
    _settled(page)

    # thirteen innovations at one place: no zoom splits them, the popup lists them
    _go(page, BESANCON, 16)
    stack = page.evaluate_handle(
        """() => window.rallynovMap.serverClusters.innovations.getLayers()
            .find((c) => c.feature.properties.count >= 13)._icon"""
    )
    stack.as_element().click()
    page.wait_for_selector(".leaflet-popup .map-cluster-list li a")
    listed = page.locator(".leaflet-popup .map-cluster-list li a")
    assert listed.count() >= 13
    assert "innovations à cet endroit" in page.text_content(".leaflet-popup h3")
    page.screenshot(path=str(SCREENS / "map-clusters-list.png"))

    # one innovation in view: the point itself, with its popup and its link
    _go(page, DOLE, 13)
    assert page.evaluate(DRAWN)["clusters"] == 0
    marker = page.evaluate_handle(
        """() => window.rallynovMap.cluster.getLayers()
            .find((m) => m.feature.properties.name.includes('Juralternance'))._path"""
    )
    marker.as_element().click()
    page.wait_for_selector(".leaflet-popup .map-popup dl")
    assert "Dole" in page.text_content(".leaflet-popup .map-popup")
    page.click(".leaflet-popup a.map-open")
    page.wait_for_url("**/doc/innovation/juralternance-ecole-production**")
    assert page.problems == []


def test_server_mode_list_link_leads_to_the_page(live_server: str, page, few_points: None) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/map?lang=en&clusters=1")
    page.wait_for_function("document.body.dataset.mapReady === '1'")
    page.uncheck("#map-show-stages")
    _go(page, BESANCON, 16)
    page.evaluate_handle(
        """() => window.rallynovMap.serverClusters.innovations.getLayers()
            .find((c) => c.feature.properties.count >= 13)._icon"""
    ).as_element().click()
    link = page.locator(".leaflet-popup .map-cluster-list li a").first
    href = link.get_attribute("href")
    assert "innovations at this place" in page.text_content(".leaflet-popup h3")
    link.click()
    # the navigation is what this test is about: wait for it to commit, not for the new page's
    # every resource (on a loaded machine that can take longer than the default 30 s)
    page.wait_for_url("**/doc/innovation/**", wait_until="commit")
    assert href.rsplit("/", 1)[-1] in page.url
    page.wait_for_selector("h1", timeout=90_000)
    assert page.problems == []

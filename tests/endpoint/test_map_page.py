"""The /map page in headless Chromium: outlines and markers drawn offline, filters change the
markers shown, a marker's popup leads to the innovation's page. Screenshots go to /tmp/screens/."""

from __future__ import annotations

from pathlib import Path

SCREENS = Path("/tmp/screens")
INNOVATION = "https://w3id.org/rallynov/id/innovation/"

SHOWN = """() => {
    const m = window.rallynovMap;
    return { layers: m.cluster.getLayers().length,
             dom: document.querySelectorAll('path.map-innovation, .marker-cluster').length };
}"""


def _count(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.get_attribute("#map-count", "data-innovations"))


def test_map_page_draws_filters_and_leads_to_pages(live_server: str, page) -> None:  # type: ignore[no-untyped-def]
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{live_server}/map?lang=fr")
    page.wait_for_function("document.body.dataset.mapReady === '1'")
    # the four department outlines, the innovations (clustered) and the stages
    assert page.locator(".leaflet-overlay-pane path").count() >= 4
    assert page.locator(".leaflet-tile").count() == 0  # no tile layer unless TILE_URL is set
    everything = _count(page)
    shown = page.evaluate(SHOWN)
    assert everything == shown["layers"] > 0 and shown["dom"] > 0
    assert int(page.get_attribute("#map-count", "data-stages")) > 0
    assert page.locator(".map-stage").count() > 0
    page.screenshot(path=str(SCREENS / "map.png"))

    # edition filter, then need and status filters
    page.select_option("#map-edition", "2014")
    in_2014 = _count(page)
    assert 0 < in_2014 < everything
    assert page.evaluate(SHOWN)["layers"] == in_2014
    page.select_option("#map-edition", "")
    need = page.eval_on_selector("#map-need", "s => s.options[1].value")
    page.select_option("#map-need", need)
    assert 0 < _count(page) < everything
    page.select_option("#map-need", "")
    page.select_option("#map-status", "ST-LAU")
    laureates = _count(page)
    assert 0 < laureates < everything
    page.uncheck("#map-show-stages")
    assert page.get_attribute("#map-count", "data-stages") == "0"
    assert page.locator(".map-stage").count() == 0
    page.select_option("#map-colour", "sphere")
    assert "Économie sociale et solidaire" in page.text_content("#map-legend")
    page.screenshot(path=str(SCREENS / "map-laureates.png"))

    # a real click on Juralternance's marker opens its popup; its link leads to the page
    page.select_option("#map-status", "")
    page.evaluate(
        """(uri) => new Promise((done) => {
            const m = window.rallynovMap;
            const item = m.state.innovations.find((i) => i.feature.properties.uri === uri);
            m.cluster.zoomToShowLayer(item.marker, () => setTimeout(done, 300));
        })""",
        INNOVATION + "juralternance-ecole-production",
    )
    marker = page.evaluate_handle(
        """(uri) => window.rallynovMap.state.innovations
            .find((i) => i.feature.properties.uri === uri).marker._path""",
        INNOVATION + "juralternance-ecole-production",
    )
    marker.as_element().click()
    page.wait_for_selector(".leaflet-popup .map-popup h3")
    popup = page.text_content(".leaflet-popup .map-popup")
    assert "Juralternance" in popup and "Dole" in popup
    page.screenshot(path=str(SCREENS / "map-popup.png"))
    page.click(".leaflet-popup a.map-open")
    page.wait_for_url("**/doc/innovation/juralternance-ecole-production**")
    assert page.problems == []


def test_map_page_in_english(live_server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/map?lang=en")
    page.wait_for_function("document.body.dataset.mapReady === '1'")
    assert page.text_content("h1") == "Map of the social innovations"
    assert "innovations" in page.text_content("#map-count")
    assert "Social and solidarity economy" in page.inner_text("#map-sphere")
    assert page.problems == []

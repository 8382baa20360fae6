"""The home page, resource pages, /def, /shapes and /vocab/ in headless Chromium, on the live server.

Each page must load with no console error and no failed request (everything from our server).
Screenshots go to /tmp/screens/ for a look when something changes visually.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, XSD, Literal

from endpoint.store import EmbeddedStore
from loaders import build_graphs
from loaders.iris import ID, PUBLIC_GRAPH
from loaders.iris import RALLY as RALLY_NS
from loaders.iris import WGS as WGS_NS

SCREENS = Path("/tmp/screens")
WGS = "http://www.w3.org/2003/01/geo/wgs84_pos#"
RALLY = "https://w3id.org/rallynov/def#"


def first(store, sparql: str) -> str:  # type: ignore[no-untyped-def]
    rows = list(store.query(sparql))
    assert rows, sparql
    return str(rows[0]["x"].value).split("/rallynov/", 1)[1]


@pytest.fixture(scope="module")
def mapped_innovation(bundled_store) -> str:  # type: ignore[no-untyped-def]
    """``id/innovation/...`` of an innovation whose place has coordinates."""
    return first(
        bundled_store,
        f"""SELECT ?x WHERE {{ ?x a <{RALLY}SocialInnovation> ; <{RALLY}location> ?place .
        ?place <{WGS}lat> ?lat ; <{WGS}long> ?long }} ORDER BY ?x LIMIT 1""",
    )


@pytest.fixture(scope="module")
def resource_paths(bundled_store, mapped_innovation: str) -> list[str]:  # type: ignore[no-untyped-def]
    organisation = first(
        bundled_store, f"SELECT ?x WHERE {{ ?x a <{RALLY}Organisation> }} ORDER BY ?x LIMIT 1"
    )
    stage = first(bundled_store, f"SELECT ?x WHERE {{ ?x a <{RALLY}Stage> }} ORDER BY ?x LIMIT 1")
    return ["/" + mapped_innovation, "/" + organisation, "/" + stage]


MINI = Path(__file__).parent.parent / "data" / "mini"
SCRIPT_LABEL = "<img src=x onerror=alert(1)><script>alert(2)</script>"


@pytest.fixture(scope="module")
def hostile_server() -> Iterator[str]:
    """A live server on the mini dataset plus an innovation and a place labelled with markup."""
    from waitress.server import create_server

    from endpoint.app import create_app

    graphs = build_graphs([MINI], include_default=False).named_graphs()
    public = graphs[PUBLIC_GRAPH]
    innovation, place = ID["innovation/hostile"], ID["place/hostile"]
    public.add((innovation, RDF.type, RALLY_NS.SocialInnovation))
    public.add((innovation, RDFS.label, Literal(SCRIPT_LABEL, lang="fr")))
    public.add((innovation, RALLY_NS.location, place))
    public.add((place, RDFS.label, Literal(SCRIPT_LABEL)))
    public.add((place, WGS_NS.lat, Literal("47.3", datatype=XSD.decimal)))
    public.add((place, WGS_NS.long, Literal("6.1", datatype=XSD.decimal)))
    store = EmbeddedStore()
    store.publish(graphs)
    server = create_server(create_app({"STORE_OBJECT": store}), host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"  # type: ignore[union-attr]
    server.close()


def visit(page, url: str) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.ok, url
    assert page.problems == [], f"{url}: {page.problems}"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?lang=en",
        "/def",
        "/def?lang=en",
        "/shapes",
        "/shapes?lang=en",
        "/vocab/",
        "/vocab/need",
        "/vocab/grid?lang=en",
        "/vocab/need/d1-ins",
    ],
)
def test_site_pages_load_cleanly(live_server: str, page, path: str) -> None:  # type: ignore[no-untyped-def]
    visit(page, live_server + path)
    assert page.locator("h1").first.inner_text().strip()


def test_resource_pages_load_cleanly(live_server: str, page, resource_paths: list[str]) -> None:  # type: ignore[no-untyped-def]
    for path in resource_paths:
        visit(page, live_server + path)  # /id/... -> 303 -> /doc/...
        assert "/doc/" in page.url
        assert page.locator("h1.resource-label").inner_text().strip()
        assert page.locator("section.resource-outgoing tr").count() > 0


def test_resource_map_shows_the_place(live_server: str, page, mapped_innovation: str) -> None:  # type: ignore[no-untyped-def]
    visit(page, f"{live_server}/{mapped_innovation}?lang=en")
    page.wait_for_selector('#resource-map[data-ready="true"]', timeout=10_000)
    assert page.locator("#resource-map .leaflet-marker-icon").count() >= 1
    assert page.locator("#resource-map .leaflet-overlay-pane path").count() == 4  # departments
    assert page.problems == []
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1200, "height": 1400})
    page.screenshot(path=str(SCREENS / "resource-innovation.png"), full_page=False)


def test_home_screenshot(live_server: str, page) -> None:  # type: ignore[no-untyped-def]
    visit(page, live_server + "/?lang=en")
    assert page.locator('[data-count="innovations"] .n').inner_text().strip().isdigit()
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1200, "height": 1400})
    page.screenshot(path=str(SCREENS / "home.png"), full_page=False)


def test_def_fragment_lands_on_the_term(live_server: str, page) -> None:  # type: ignore[no-untyped-def]
    visit(page, live_server + "/def?lang=en#carrier")
    assert page.locator("#carrier").is_visible()
    assert page.evaluate("window.scrollY") > 0


def test_markup_in_data_stays_text_in_the_browser(hostile_server: str, page) -> None:  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    visit(page, hostile_server + "/id/innovation/hostile")
    assert page.locator("h1.resource-label").inner_text() == SCRIPT_LABEL
    page.wait_for_selector('#resource-map[data-ready="true"]', timeout=10_000)
    page.locator("#resource-map .leaflet-marker-icon").first.click()
    assert page.locator(".leaflet-popup-content").inner_text() == SCRIPT_LABEL
    assert page.locator('main img[src="x"], main script:not([src])').count() == 0
    assert dialogs == []
    assert page.problems == []

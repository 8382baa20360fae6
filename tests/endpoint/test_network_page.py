"""The /network page in headless Chromium: it draws, filters change what is shown, the side
panel shows a node, and a click leads to the node's page. Screenshots go to /tmp/screens/."""

from __future__ import annotations

from pathlib import Path

SCREENS = Path("/tmp/screens")
ORG = "https://w3id.org/rallynov/id/organisation/"


def _ready(page, state: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(f"document.body.dataset.networkReady === {state!r}")


def _visible(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.get_attribute("#net-stats", "data-visible-nodes"))


def test_network_page_draws_filters_and_leads_to_pages(live_server: str, page) -> None:  # type: ignore[no-untyped-def]
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{live_server}/network?lang=en")
    _ready(page, "co-organisation|all|projection")
    assert page.locator("#net-graph canvas").count() > 0
    everything = _visible(page)
    assert everything == page.evaluate("window.rallynovNetwork.cy.nodes().length") > 0
    assert page.evaluate("window.rallynovNetwork.cy.edges().length") > 0
    stats = page.text_content("#net-stats") or ""
    # the whole graph is drawn: its metrics need no "whole network" label
    assert f"{everything} nodes · " in stats and "density " in stats
    assert "whole network" not in stats
    page.screenshot(path=str(SCREENS / "network-co-organisation.png"))

    # edition filter: the 2014 slice has fewer organisers
    page.select_option("#net-edition", "2014")
    _ready(page, "co-organisation|2014|projection")
    assert 0 < _visible(page) < everything
    assert "edition=2014" in page.url

    # network kind, then node kind: hiding the innovations of the bipartite network
    page.select_option("#net-edition", "all")
    _ready(page, "co-organisation|all|projection")
    page.select_option("#net-kind", "partner-innovation")
    _ready(page, "partner-innovation|all|bipartite")
    both = _visible(page)
    page.select_option("#net-node-kind", "innovation")
    only_innovations = _visible(page)
    assert 0 < only_innovations < both
    hidden = page.evaluate("window.rallynovNetwork.cy.nodes('.hidden').length")
    assert hidden == both - only_innovations
    page.select_option("#net-node-kind", "")
    page.select_option("#net-colour", "sphere")
    page.select_option("#net-size", "betweenness")
    page.screenshot(path=str(SCREENS / "network-partner-innovation.png"))

    # search, then a real click on the node, then through to its page
    page.select_option("#net-kind", "co-organisation")
    _ready(page, "co-organisation|all|projection")
    page.fill("#net-search", "Cetim")
    page.press("#net-search", "Enter")
    page.wait_for_selector("#net-panel h2")
    assert page.text_content("#net-panel h2") == "Cetim"
    page.evaluate("() => { window.rallynovNetwork.cy.nodes().unselect(); }")
    x, y = page.evaluate(
        """(id) => {
            const cy = window.rallynovNetwork.cy, node = cy.getElementById(id);
            cy.stop(); cy.zoom(2); cy.center(node);
            const p = node.renderedPosition(), box = cy.container().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        ORG + "uimm",
    )
    page.mouse.click(x, y)
    page.wait_for_function("document.querySelector('#net-panel h2').textContent === 'UIMM'")
    neighbours = page.locator("#net-panel li button").all_text_contents()
    assert "Cetim" in neighbours
    page.screenshot(path=str(SCREENS / "network-panel.png"))
    page.click("#net-open-page")
    page.wait_for_url("**/doc/organisation/uimm**")
    assert page.locator("h1").first.text_content()
    assert page.problems == []


def test_network_page_in_french_shows_suggestions(live_server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/network?lang=fr&kind=actor-need&mode=projection")
    _ready(page, "actor-need|all|projection")
    assert page.text_content("h1") == "Réseaux de collaboration"
    suggestion = page.evaluate("window.rallynovNetwork.state.data.suggestions[0]")
    assert suggestion["shared"]
    page.evaluate(
        "(id) => { window.rallynovNetwork.cy.getElementById(id).emit('tap'); }",
        suggestion["source"],
    )
    page.wait_for_selector("#net-suggestions li")
    assert page.locator("#net-suggestions li").count() >= 1
    assert "Adamic" in page.text_content("#net-suggestions")
    assert page.problems == []

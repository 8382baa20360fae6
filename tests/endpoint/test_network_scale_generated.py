"""The networks on a generated dataset (``bench/generate.py``) with crowded items: an edition
with more partners than the old pair budget allowed keeps real edges with their weights and
editions (the projection says what it capped), and the page's sample of a bipartite network
keeps both sides. Screenshots go to /tmp/screens/."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import pytest
from flask import Flask

from endpoint.app import create_app
from endpoint.networks import build
from endpoint.networks.source import fetch_catalog, fetch_incidences
from endpoint.store import EmbeddedStore
from endpoint.views import network as network_view
from loaders.build import build_graphs

ROOT = Path(__file__).resolve().parents[2]
ORG = "https://w3id.org/rallynov/id/organisation/"
EDITION = "https://w3id.org/rallynov/id/edition/"
INNOVATIONS = 800  # 480 organisations, all partners of 2013
BOTH = 40  # organisations that are partners of 2013 and 2014
OLD_LIMIT = 448  # the old projection dropped an item of more partners (448 * 447 / 2 > 100,000)
SCREENS = Path("/tmp/screens")


@pytest.fixture(scope="module")
def partners(tmp_path_factory: pytest.TempPathFactory) -> tuple[EmbeddedStore, dict[str, set]]:
    """A generated dataset whose 2013 edition has every organisation as partner, and the
    editions of each partner (from the CSV, the truth the network is checked against)."""
    folder = tmp_path_factory.mktemp("crowded")
    command = [sys.executable, str(ROOT / "bench" / "generate.py"), str(INNOVATIONS), str(folder)]
    subprocess.run(command, check=True, capture_output=True)
    with (folder / "organisations.csv").open(encoding="utf-8") as handle:
        orgs = [row["id"] for row in csv.DictReader(handle)]
    assert len(orgs) > OLD_LIMIT
    editions = {org: {"2013"} | ({"2014"} if i < BOTH else set()) for i, org in enumerate(orgs)}
    with (folder / "partnerships.csv").open(encoding="utf-8") as handle:
        columns = next(csv.reader(handle))
    with (folder / "partnerships.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        for org, years in editions.items():
            for year in sorted(years):
                writer.writerow(
                    {
                        "organisation": org,
                        "edition": year,
                        "role": "PR-PARTNER",
                        "source": "synthetic",
                    }
                )
    store = EmbeddedStore()
    store.publish(build_graphs([folder], include_default=False).named_triples())
    return store, {ORG + org: years for org, years in editions.items()}


@pytest.fixture(scope="module")
def generated_app(partners: tuple[EmbeddedStore, dict[str, set]]) -> Flask:
    return create_app({"TESTING": True, "STORE_OBJECT": partners[0]})


def _pairs(size: int) -> int:
    return size * (size - 1) // 2


def test_crowded_edition_keeps_real_edges_with_their_weights(
    partners: tuple[EmbeddedStore, dict[str, set]], generated_app: Flask
) -> None:
    _, editions = partners
    total = len(editions)
    data = generated_app.test_client().get("/network/partnership.json").get_json()
    graph = data["graph"]
    # the old projection left the 2013 edition out whole: 0 edges but the 2014 ones
    assert _pairs(total) > build.PAIR_BUDGET
    kept = graph["members_kept"]
    assert graph["capped"] is True
    assert graph["pairs_implied"] == _pairs(total) + _pairs(BOTH)
    assert _pairs(kept) + _pairs(BOTH) <= build.PAIR_BUDGET < _pairs(kept + 1) + _pairs(BOTH)
    assert graph["capped_items"] == [EDITION + "2013"]
    assert graph["organisations_capped"] == total - kept
    assert f"budget of {build.PAIR_BUDGET}" in graph["capped_reason"]
    assert len(data["edges"]) == _pairs(kept) == data["metrics"]["edges"]
    for edge in data["edges"]:
        shared = editions[edge["source"]] & editions[edge["target"]]
        assert edge["weight"] == len(shared)
        assert edge["editions"] == edge["items"] == sorted(EDITION + y for y in shared)
    # the most active partners (two editions) are among those the crowded edition links
    both = [org for org, years in editions.items() if len(years) == 2]
    linked = {(e["source"], e["target"]): e["weight"] for e in data["edges"]}
    assert all(linked[(u, v)] == 2 for u, v in combinations(sorted(both), 2))
    degrees = {n["id"]: n["degree"] for n in data["nodes"]}
    capped = [n["id"] for n in data["nodes"] if n.get("ties_capped")]
    assert len(capped) == total - kept and all(degrees[n] == 0 for n in capped)
    assert all(degrees[n] == kept - 1 for n in degrees if n not in capped)


def test_an_edition_within_the_budget_keeps_every_pair(
    partners: tuple[EmbeddedStore, dict[str, set]],
    generated_app: Flask,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store, editions = partners
    data = generated_app.test_client().get("/network/partnership.json?edition=2014").get_json()
    assert data["graph"]["capped"] is False and "capped_reason" not in data["graph"]
    assert len(data["edges"]) == _pairs(BOTH)
    assert {e["weight"] for e in data["edges"]} == {1}
    monkeypatch.setattr(build, "PAIR_BUDGET", _pairs(len(editions)) + _pairs(BOTH))
    rows = fetch_incidences(store, "partnership")
    whole = build.build_network("partnership", rows, fetch_catalog(store))
    assert whole.graph == {
        "kind": "partnership",
        "mode": "projection",
        "edition": "all",
        "capped": False,
    }
    assert whole.number_of_edges() == _pairs(len(editions))
    assert all(w == len(editions[u] & editions[v]) for u, v, w in whole.edges(data="weight"))


def test_page_view_of_a_crowded_projection_draws_a_bounded_number_of_edges(
    generated_app: Flask,
) -> None:
    top = network_view.PAGE_TOP
    data = generated_app.test_client().get(f"/network/partnership.json?top={top}").get_json()
    shown = data["shown"]
    assert shown["edges_capped"] is True
    assert shown["edges"] == len(data["edges"]) == 8 * top < shown["edges_of"]
    with_edges = {e["source"] for e in data["edges"]} | {e["target"] for e in data["edges"]}
    assert with_edges == {n["id"] for n in data["nodes"] if n["degree"] > 0}


def _sides(nodes: list[dict]) -> tuple[int, int]:
    return sum(1 for n in nodes if n["bipartite"] == 0), sum(
        1 for n in nodes if n["bipartite"] == 1
    )


@pytest.mark.parametrize("kind", ["partner-innovation", "actor-need"])
def test_bipartite_page_sample_keeps_both_sides(generated_app: Flask, kind: str) -> None:
    client = generated_app.test_client()
    whole = client.get(f"/network/{kind}.json").get_json()
    top = 40
    ranked = sorted(whole["nodes"], key=lambda n: (-n["weighted_degree"], -n["degree"], n["id"]))
    assert _sides(ranked[:top])[1] < top // 4  # the best connected: nearly all organisations
    data = client.get(f"/network/{kind}.json?top={top}").get_json()
    orgs, items = _sides(data["nodes"])
    shown = data["shown"]
    assert (shown["organisations"], shown["items"]) == (orgs, items)
    assert orgs + items == top == shown["nodes"] and shown["of"] == len(whole["nodes"])
    assert items == min(top // 2, shown["items_of"]) and orgs == top - items
    assert shown["organisations_of"] + shown["items_of"] == shown["of"]
    best = [n["id"] for n in ranked if n["bipartite"] == 0][:orgs]
    assert {n["id"] for n in data["nodes"] if n["bipartite"] == 0} == set(best)
    # the items drawn are those most linked to the organisations drawn: each has a link drawn
    linked = {e["source"] for e in data["edges"]} | {e["target"] for e in data["edges"]}
    assert all(n["id"] in linked for n in data["nodes"] if n["bipartite"] == 1)


@pytest.fixture(scope="module")
def generated_server(generated_app: Flask) -> Iterator[str]:
    """The generated dataset behind a real waitress server on 127.0.0.1 (as ``live_server``)."""
    from tests.conftest import serving

    with serving(generated_app, threads=4) as base:
        yield base


def test_page_draws_both_sides_and_says_it_is_a_sample(  # type: ignore[no-untyped-def]
    generated_server: str, page, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(network_view, "PAGE_TOP", 40)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{generated_server}/network?lang=en&kind=partner-innovation")
    page.wait_for_function(
        "document.body.dataset.networkReady === 'partner-innovation|all|bipartite'"
    )
    sides = page.evaluate(
        "[0, 1].map(s => window.rallynovNetwork.cy.nodes('[side = ' + s + ']').length)"
    )
    assert sides == [20, 20]
    assert page.evaluate("window.rallynovNetwork.cy.edges().length") >= 20
    stats = page.text_content("#net-stats") or ""
    assert "a sample of 40 of" in stats
    assert "the 20 best-connected organisations and the 20 items most linked to them" in stats
    # the drawn counts are the sample's; the graph metrics are said to be the whole network's
    assert stats.startswith(f"{sum(sides)} nodes · ")
    assert "whole network: density " in stats
    assert page.get_attribute("#net-stats", "data-sample") == "yes"
    page.screenshot(path=str(SCREENS / "network-partner-innovation-sample.png"))

    page.select_option("#net-kind", "partnership")
    page.wait_for_function("document.body.dataset.networkReady === 'partnership|all|projection'")
    stats = page.text_content("#net-stats") or ""
    assert "capped network: an item shared by more than" in stats
    assert "strongest links drawn of" in stats
    assert page.evaluate("window.rallynovNetwork.cy.edges().length") == 8 * 40
    page.screenshot(path=str(SCREENS / "network-partnership-capped.png"))
    assert page.problems == []

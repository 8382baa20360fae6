"""The networks at scale: the vectorised sampled betweenness is networkx's estimator, estimated
metrics are flagged with how they were obtained, suggestions stay on bounded pairs at distance 2,
the page's JSON stays small, and the warm-up computes every kind and edition before a request."""

from __future__ import annotations

import math
from itertools import combinations

import networkx as nx
import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient

from endpoint import networks, warmup
from endpoint.app import get_store
from endpoint.networks import export, metrics, sampled, suggest
from endpoint.networks.build import DEFAULT_MODE
from endpoint.views import network as network_view

GRAPHS = {
    "path": nx.path_graph(6),
    "karate": nx.karate_club_graph(),
    "grid": nx.grid_2d_graph(9, 7),
    "random": nx.gnm_random_graph(120, 260, seed=3),
    "disconnected": nx.disjoint_union(nx.karate_club_graph(), nx.path_graph(12)),
    "star and isolates": nx.disjoint_union(nx.star_graph(8), nx.empty_graph(3)),
}


@pytest.mark.parametrize("name", GRAPHS)
@pytest.mark.parametrize("k", [None, 1, 5, 40])
def test_vectorised_betweenness_is_networkx_estimator(name: str, k: int | None) -> None:
    graph = GRAPHS[name]
    expected = nx.betweenness_centrality(
        graph, k=k if k is None or k < len(graph) else None, seed=7
    )
    found = sampled.betweenness(graph, k=k, seed=7)
    assert set(found) == set(graph)
    for node in graph:
        if math.isnan(expected[node]):  # k = 1: networkx leaves the source undefined
            assert math.isnan(found[node])
        else:
            assert found[node] == pytest.approx(expected[node], abs=1e-12)


@pytest.mark.parametrize("limit", ["SMALL", "SMALL_EDGES"])
def test_medium_graphs_keep_exact_values(monkeypatch: pytest.MonkeyPatch, limit: str) -> None:
    graph = nx.disjoint_union(nx.karate_club_graph(), nx.path_graph(9))
    monkeypatch.setattr(metrics, limit, 5)  # sparse products instead of networkx's loops
    result = metrics.analyse(graph)
    assert result.stats["approximate"] == []
    expected = {
        "betweenness": nx.betweenness_centrality(graph),
        "closeness": nx.closeness_centrality(graph),
        "eigenvector": nx.eigenvector_centrality(graph, max_iter=1000, tol=1e-8, weight="weight"),
    }
    for metric, values in expected.items():
        assert all(result.graph.nodes[n][metric] == round(values[n], 4) for n in graph), metric


def test_closeness_estimate_and_components_without_a_pivot(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = nx.disjoint_union(nx.grid_2d_graph(10, 10), nx.path_graph(40))
    exact = nx.closeness_centrality(graph)
    adjacency = sampled.Adjacency.of(graph)
    # pivots only in the grid: the path is computed exactly, or (above EXACT_MAX) from its own
    total, hits = sampled.distances(adjacency.matrix, np.arange(0, 100, 3))
    for limit in (2000, 10):
        monkeypatch.setattr(sampled, "EXACT_MAX", limit)
        found = sampled.closeness_from(adjacency, total.copy(), hits.copy(), 34, seed=1)
        path = [n for n in graph if n >= 100]
        tolerance = 1e-9 if limit == 2000 else 0.15
        assert all(found[n] == pytest.approx(exact[n], rel=tolerance) for n in path)
        assert all(found[n] == pytest.approx(exact[n], rel=0.15) for n in range(100))


def test_large_graphs_say_what_is_estimated_and_how(monkeypatch: pytest.MonkeyPatch) -> None:
    small = metrics.analyse(nx.karate_club_graph())
    assert small.stats["approximate"] == []
    assert small.stats["methods"]["betweenness"].startswith("exact")
    assert small.stats["methods"]["communities"].startswith("Louvain")
    monkeypatch.setattr(metrics, "LARGE", 20)
    monkeypatch.setattr(metrics, "SOURCE_BUDGET", 20 * 34)  # 20 sources for 34 nodes
    monkeypatch.setattr(metrics, "COMMUNITY_LARGE", 20)
    large = metrics.analyse(nx.karate_club_graph())
    stats = large.stats
    assert stats["approximate"] == ["betweenness", "closeness", "suggestions"]
    assert stats["pivots"] == 20
    assert "20 sampled sources" in stats["methods"]["betweenness"]
    assert "20 sampled nodes" in stats["methods"]["closeness"]
    assert "label propagation" in stats["methods"]["communities"]
    assert str(metrics.PAIR_BUDGET) in stats["methods"]["suggestions"]
    members = sorted(n for group in large.communities for n in group)
    assert members == sorted(nx.karate_club_graph())  # a partition of the nodes


def test_pivots_shrink_on_the_largest_graphs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics, "LARGE", 10)
    monkeypatch.setattr(metrics, "SOURCE_BUDGET", 1000)
    assert metrics.pivots_for(nx.path_graph(10)) is None
    assert metrics.pivots_for(nx.path_graph(12)) == min(metrics.PIVOTS, 12)
    assert metrics.pivots_for(nx.path_graph(500)) == metrics.MIN_PIVOTS


def _adamic_adar(graph: nx.Graph) -> dict[tuple, float]:
    """Brute force: every unlinked pair with a shared neighbour (networkx's own index)."""
    pairs = [(u, v) for u, v in combinations(sorted(graph, key=str), 2) if not graph.has_edge(u, v)]
    return {(u, v): s for u, v, s in nx.adamic_adar_index(graph, pairs) if s > 0}


def test_suggestions_are_every_pair_at_distance_two_on_small_graphs() -> None:
    graph = nx.gnm_random_graph(60, 120, seed=5)
    expected = _adamic_adar(graph)
    found = suggest.suggestions(graph, limit=None)
    assert {(s["source"], s["target"]): s["score"] for s in found} == {
        pair: round(score, 4) for pair, score in expected.items()
    }
    scores = [s["score"] for s in found]
    assert scores == sorted(scores, reverse=True)


def test_bounded_suggestions_keep_exact_scores_on_pairs_at_distance_two() -> None:
    graph = nx.gnm_random_graph(300, 900, seed=11)
    expected = _adamic_adar(graph)
    found = suggest.suggestions(graph, limit=50, hub_cap=8, budget=200)
    assert 0 < len(found) <= 50
    for s in found:
        u, v = s["source"], s["target"]
        assert not graph.has_edge(u, v) and nx.shortest_path_length(graph, u, v) == 2
        assert s["score"] == round(expected[(u, v)], 4)  # exact, over every shared neighbour
        assert s["shared"] == sorted(nx.common_neighbors(graph, u, v), key=str)


def test_bipartite_suggestions_use_the_organisation_projection() -> None:
    graph = nx.Graph(mode="bipartite", kind="partner-innovation")
    links = [("a", 1), ("b", 1), ("b", 2), ("c", 2), ("c", 3), ("d", 3), ("e", 4)]
    graph.add_nodes_from("abcde", bipartite=0)
    graph.add_nodes_from([1, 2, 3, 4], bipartite=1)
    graph.add_edges_from(links)
    projection = nx.bipartite.projected_graph(graph, "abcde")
    found = suggest.suggestions(graph, limit=None)
    assert {(s["source"], s["target"]) for s in found} == set(_adamic_adar(projection))


def test_page_json_lists_only_what_it_draws(client: FlaskClient) -> None:
    whole = client.get("/network/partner-innovation.json").get_json()
    top = client.get("/network/partner-innovation.json?top=5").get_json()
    kept = {n["id"] for n in top["nodes"]}
    assert all(set(c["members"]) <= kept and c["members"] for c in top["communities"])
    sizes = {c["id"]: c["size"] for c in whole["communities"]}
    assert all(c["size"] == sizes[c["id"]] for c in top["communities"])
    assert all(s["source"] in kept or s["target"] in kept for s in top["suggestions"])
    assert whole["metrics"]["methods"]["betweenness"].startswith("exact")


def test_json_flags_approximate_metrics(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(metrics, "LARGE", 10)
    networks.CACHE.clear()
    data = client.get("/network/partner-innovation.json?edition=2013").get_json()
    networks.CACHE.clear()
    assert data["metrics"]["approximate"] == ["betweenness", "closeness", "suggestions"]
    assert "sampled" in data["metrics"]["methods"]["betweenness"]
    assert data["metrics"]["pivots"] == min(metrics.PIVOTS, data["metrics"]["nodes"])


def test_warmers_compute_every_kind_and_edition_before_a_request(app: Flask) -> None:
    names = [name for name, _ in warmup.WARMERS]
    assert [f"network:{kind}" for kind in networks.KINDS if f"network:{kind}" not in names] == []
    assert names.index("network:co-organisation") < names.index("network:partner-innovation")
    store = get_store(app)
    networks.CACHE.clear()
    with app.app_context():
        for kind in networks.KINDS:
            network_view.warm_network(app, kind)
    version = networks.version(store)
    for kind in networks.KINDS:
        mode = DEFAULT_MODE[kind]
        for edition in [None, *networks.catalog(store).editions]:
            assert (version, "analysis", kind, edition, mode) in networks.CACHE
            page = (version, "render", kind, edition, mode, "json", "", "", network_view.PAGE_TOP)
            assert page in networks.CACHE
        assert (version, "render", kind, None, mode, "json", "", "", None) in networks.CACHE


def test_export_to_json_without_top_keeps_everything() -> None:
    analysis = metrics.analyse(nx.karate_club_graph())
    data = export.to_json(analysis)
    assert sum(c["size"] for c in data["communities"]) == 34 == len(data["nodes"])
    assert len(data["suggestions"]) == len(analysis.suggestions)

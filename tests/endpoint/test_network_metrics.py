"""Network metrics on small graphs whose answers are known by hand, and the graph building rules."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from endpoint.networks import build, metrics
from endpoint.networks.build import build_network, project, select_edition
from endpoint.networks.metrics import analyse
from endpoint.networks.source import Catalog, Incidence, NodeInfo


def test_path_graph_metrics() -> None:
    result = analyse(nx.path_graph(["a", "b", "c"]))
    nodes = result.graph.nodes
    assert nodes["b"]["betweenness"] == 1.0  # the only shortest path a-c goes through b
    assert nodes["a"]["betweenness"] == 0.0
    assert nodes["b"]["closeness"] == 1.0
    assert nodes["a"]["closeness"] == pytest.approx(2 / 3, abs=1e-4)
    assert [nodes[n]["degree"] for n in "abc"] == [1, 2, 1]
    # principal eigenvector of the 3-path: (1/2, 1/sqrt 2, 1/2)
    assert nodes["b"]["eigenvector"] == pytest.approx(1 / math.sqrt(2), abs=1e-3)
    assert nodes["a"]["eigenvector"] == pytest.approx(0.5, abs=1e-3)
    assert result.stats["density"] == pytest.approx(2 / 3, abs=1e-4)
    assert result.stats["components"] == 1
    assert result.stats["eigenvector"] == "power"


def test_path_graph_suggests_a_c_through_b() -> None:
    result = analyse(nx.path_graph(["a", "b", "c"]))
    assert len(result.suggestions) == 1
    suggestion = result.suggestions[0]
    assert (suggestion["source"], suggestion["target"]) == ("a", "c")
    assert suggestion["shared"] == ["b"]
    assert suggestion["score"] == pytest.approx(1 / math.log(2), abs=1e-4)  # Adamic–Adar
    assert suggestion["jaccard"] == 1.0


def test_suggestions_are_ranked_by_adamic_adar() -> None:
    # m-n share x and y (degree 2 each): 2/ln 2; x-y share m (degree 3) and n: 1/ln 3 + 1/ln 2;
    # x-z and y-z share only m: 1/ln 3
    graph = nx.Graph([("x", "m"), ("x", "n"), ("y", "m"), ("y", "n"), ("z", "m")])
    found = analyse(graph).suggestions
    pairs = [(s["source"], s["target"]) for s in found]
    assert pairs == [("m", "n"), ("x", "y"), ("x", "z"), ("y", "z")]
    assert found[1]["score"] == pytest.approx(1 / math.log(3) + 1 / math.log(2), abs=1e-4)
    assert found[1]["shared"] == ["m", "n"]
    assert all(not graph.has_edge(u, v) for u, v in pairs)


def test_weighted_degree_sums_edge_weights() -> None:
    graph = nx.Graph()
    graph.add_edge("a", "b", weight=3)
    graph.add_edge("a", "c", weight=2)
    result = analyse(graph)
    assert result.graph.nodes["a"]["weighted_degree"] == 5
    assert result.graph.nodes["a"]["degree"] == 2


def test_two_triangles_modularity_and_communities() -> None:
    graph = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6)])
    result = analyse(graph)
    # each triangle is a community: Q = 2 * (3/6 - (6/12)^2) = 0.5
    assert result.stats["modularity"] == pytest.approx(0.5)
    assert sorted(map(sorted, result.communities)) == [[1, 2, 3], [4, 5, 6]]
    assert result.stats["components"] == 2
    assert result.stats["density"] == pytest.approx(6 / 15, abs=1e-4)
    assert {result.graph.nodes[n]["community"] for n in (1, 2, 3)} != {
        result.graph.nodes[n]["community"] for n in (4, 5, 6)
    }
    assert result.suggestions == []  # no unlinked pair has a shared neighbour


def test_broker_between_three_communities() -> None:
    triangles = [("a1", "a2"), ("a2", "a3"), ("a1", "a3")]
    triangles += [("b1", "b2"), ("b2", "b3"), ("b1", "b3")]
    triangles += [("c1", "c2"), ("c2", "c3"), ("c1", "c3")]
    graph = nx.Graph([*triangles, ("hub", "a1"), ("hub", "b1"), ("hub", "c1")])
    result = analyse(graph)
    nodes = result.graph.nodes
    assert result.stats["communities"] == 3
    assert nodes["hub"]["broker"] is True
    assert nodes["hub"]["other_communities"] >= 2
    assert nodes["hub"]["betweenness"] == max(n["betweenness"] for _, n in graph.nodes(data=True))
    assert not any(nodes[n]["broker"] for n in ("a2", "a3", "b2", "b3", "c2", "c3"))


def test_graphs_without_edges_or_nodes() -> None:
    empty = analyse(nx.Graph())
    assert empty.stats["nodes"] == 0 and empty.stats["modularity"] is None
    assert empty.stats["eigenvector"] == "empty"
    lonely = analyse(nx.empty_graph(["p", "q"]))
    assert lonely.stats["modularity"] is None
    assert lonely.stats["components"] == 2 and lonely.stats["isolates"] == 2
    assert lonely.suggestions == []
    assert lonely.graph.nodes["p"]["closeness"] == 0.0


def test_eigenvector_falls_back_when_power_iteration_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_convergence(*args: object, **kwargs: object) -> None:
        raise nx.PowerIterationFailedConvergence(1000)

    monkeypatch.setattr(nx, "eigenvector_centrality", no_convergence)
    result = analyse(nx.path_graph(["a", "b", "c"]))
    assert result.stats["eigenvector"] == "numpy"
    assert result.graph.nodes["b"]["eigenvector"] == pytest.approx(1 / math.sqrt(2), abs=1e-3)

    def broken(*args: object, **kwargs: object) -> None:
        raise nx.NetworkXException("no eigenvector")

    monkeypatch.setattr(nx, "eigenvector_centrality_numpy", broken)
    result = analyse(nx.path_graph(["a", "b", "c"]))
    assert result.stats["eigenvector"] == "failed"
    assert {n["eigenvector"] for _, n in result.graph.nodes(data=True)} == {0.0}


def test_eigenvector_on_a_disconnected_graph() -> None:
    graph = nx.Graph([("a", "b"), ("b", "c"), ("x", "y")])
    values, method = metrics.eigenvector(graph)
    assert method in ("power", "numpy")
    assert set(values) == set(graph)


def _rows() -> list[Incidence]:
    return [
        Incidence("o:a", "e:1", "2013"),
        Incidence("o:b", "e:1", "2013"),
        Incidence("o:a", "e:2", "2014"),
        Incidence("o:b", "e:2", "2014"),
        Incidence("o:c", "e:2", "2014"),
        Incidence("o:d", "e:3", "2014"),
    ]


def test_projection_weights_and_lists_the_shared_items() -> None:
    catalog = Catalog({"o:a": NodeInfo("o:a", "organisation", {"": "Alpha"})})
    graph = build_network("co-organisation", _rows(), catalog, mode="projection")
    assert graph["o:a"]["o:b"]["weight"] == 2
    assert graph["o:a"]["o:b"]["events"] == ["e:1", "e:2"]
    assert graph["o:a"]["o:c"]["weight"] == 1
    assert graph.nodes["o:a"]["label_fr"] == "Alpha"
    assert "o:d" in graph and graph.degree("o:d") == 0  # organised alone: kept, isolated
    assert graph.graph == {
        "kind": "co-organisation",
        "mode": "projection",
        "edition": "all",
        "capped": False,
    }


def test_edition_slices() -> None:
    assert len(select_edition(_rows(), "2013")) == 2
    graph = build_network("co-organisation", _rows(), Catalog({}), edition="2013")
    assert sorted(graph.nodes) == ["o:a", "o:b"]
    assert graph["o:a"]["o:b"]["weight"] == 1
    assert graph.graph["edition"] == "2013"


def test_bipartite_graph_keeps_both_sides_and_reasons() -> None:
    rows = [
        Incidence("o:a", "i:1", "2013", "carried"),
        Incidence("o:a", "i:1", "2013", "presented"),
        Incidence("o:b", "i:1", "2013", "supported"),
    ]
    graph = build_network("partner-innovation", rows, Catalog({}))
    assert graph.graph["mode"] == "bipartite"
    assert graph.nodes["o:a"]["bipartite"] == 0 and graph.nodes["i:1"]["bipartite"] == 1
    assert graph["o:a"]["i:1"]["relations"] == ["carried", "presented"]
    assert graph["o:a"]["i:1"]["weight"] == 2
    assert graph.nodes["i:1"]["kind"] == "innovation"
    projected = project(graph, "partner-innovation")
    assert projected["o:a"]["o:b"]["innovations"] == ["i:1"]


def test_projection_caps_crowded_items_and_keeps_real_weights(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(build, "PAIR_BUDGET", 3)  # e:1 adds one pair, e:2 three: 4 > 3
    graph = build_network("co-organisation", _rows(), Catalog({}), mode="projection")
    assert graph.graph["capped"] is True
    assert graph.graph["members_kept"] == 2 and graph.graph["capped_items"] == ["e:2"]
    assert graph.graph["pairs_implied"] == 4 and graph.graph["pair_budget"] == 3
    assert "exceed the budget of 3" in graph.graph["capped_reason"]
    # e:2 links its two most active organisers (a and b: two events each), with both events
    assert graph["o:a"]["o:b"]["events"] == ["e:1", "e:2"]
    assert graph["o:a"]["o:b"]["weight"] == 2
    assert not graph.has_edge("o:a", "o:c") and not graph.has_edge("o:b", "o:c")
    assert graph.nodes["o:c"]["ties_capped"] is True
    assert "ties_capped" not in graph.nodes["o:a"]


def test_large_graphs_are_estimated_close_to_the_exact_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    grid = nx.convert_node_labels_to_integers(nx.grid_2d_graph(12, 12))
    grid.add_edge(1000, 1001)  # a second, small component without pivots
    exact = nx.closeness_centrality(grid)
    estimated = metrics.closeness(grid, pivots=60)
    assert estimated[1000] == pytest.approx(exact[1000])
    assert all(estimated[n] == pytest.approx(exact[n], rel=0.1) for n in grid)
    monkeypatch.setattr(metrics, "LARGE", 100)
    monkeypatch.setattr(metrics, "PIVOTS", 60)
    result = analyse(grid)
    assert result.stats["approximate"] == ["betweenness", "closeness", "suggestions"]
    assert result.stats["pivots"] == 60
    centre = 6 * 12 + 6
    assert result.graph.nodes[centre]["betweenness"] > result.graph.nodes[0]["betweenness"]
    assert analyse(nx.path_graph(3)).stats["approximate"] == []

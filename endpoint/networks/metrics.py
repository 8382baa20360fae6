"""Centralities, communities, brokers and suggested collaborations of one network.

Rules, so that a partner can check a number by hand:

- betweenness and closeness ignore weights (a link is a link); closeness uses networkx's
  Wasserman–Faust correction, so it stays comparable on disconnected graphs;
- eigenvector centrality is weighted; power iteration first, then the numpy solver when it does
  not converge; when both fail every value is 0 and ``eigenvector`` in the graph metrics says so;
- communities: Louvain (``louvain_communities``, weight-aware, fixed seed), numbered by size;
- **broker**: a node whose neighbours belong to at least two communities other than its own, or to
  one other community when its betweenness is in the top decile of the positive betweenness values;
- suggestions: pairs of organisations not yet linked in the organisation projection, ranked by
  Adamic–Adar, each with the shared neighbours that justify it (``endpoint.networks.suggest``);
- above ``SMALL`` nodes or ``SMALL_EDGES`` edges the same exact values come from
  ``endpoint.networks.sampled`` (sparse matrix products instead of Python loops: a test compares
  both);
- large graphs (more than ``LARGE`` nodes): betweenness is estimated from sampled sources
  (Brandes–Pich: the estimator of networkx's ``betweenness_centrality(k=..., seed=SEED)``):
  ``PIVOTS`` sources, fewer on the largest graphs (``SOURCE_BUDGET`` sources x nodes, at least
  ``MIN_PIVOTS``); closeness from the distances to as many sampled nodes (Eppstein–Wang);
  suggestions skip neighbours with more than ``HUB_CAP`` ties and visit at most
  ``PAIR_BUDGET`` candidate pairs; above ``COMMUNITY_LARGE`` nodes communities come from
  networkx's fast label propagation instead of Louvain. The graph metrics say what was
  estimated (``approximate``) and how every metric was obtained (``methods``).

>>> import networkx as nx
>>> result = analyse(nx.path_graph(["a", "b", "c"]))
>>> result.graph.nodes["b"]["betweenness"], result.stats["density"]
(1.0, 0.6667)
>>> [(s["source"], s["target"], s["shared"]) for s in result.suggestions]
[('a', 'c', ['b'])]
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx  # type: ignore[import-untyped]

from endpoint.networks import sampled
from endpoint.networks.suggest import suggestions

SEED = 42
DIGITS = 4
SMALL = 500  # above, endpoint.networks.sampled computes betweenness and closeness
SMALL_EDGES = 5_000  # and above (a capped clique of 445 partners: 35 s in loops, 2 s as products)
LARGE = 2000
PIVOTS = 64
MIN_PIVOTS = 16
SOURCE_BUDGET = 4_000_000
HUB_CAP = 200
PAIR_BUDGET = 1_000_000
COMMUNITY_LARGE = 20_000


@dataclass
class Analysis:
    """A network with its metrics on every node, plus graph metrics and suggestions."""

    graph: nx.Graph
    stats: dict[str, Any]
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    communities: list[list[Any]] = field(default_factory=list)


def _round(values: dict[Any, float]) -> dict[Any, float]:
    return {k: round(float(v), DIGITS) for k, v in values.items()}


def eigenvector(graph: nx.Graph, large: bool = False) -> tuple[dict[Any, float], str]:
    """Weighted eigenvector centrality, and how it was obtained (power, numpy, or failed)."""
    if graph.number_of_nodes() == 0:
        return {}, "empty"
    solvers = [_power, _sparse] if not large else [_vectorised_power, _sparse]
    for solver in solvers:
        try:
            return solver(graph)
        except (nx.PowerIterationFailedConvergence, nx.NetworkXException):
            continue
        except (ImportError, ValueError, ArithmeticError):  # no scipy, or a degenerate matrix
            continue
    return dict.fromkeys(graph, 0.0), "failed"


def _power(graph: nx.Graph) -> tuple[dict[Any, float], str]:
    return nx.eigenvector_centrality(graph, max_iter=1000, tol=1e-8, weight="weight"), "power"


def _sparse(graph: nx.Graph) -> tuple[dict[Any, float], str]:
    return nx.eigenvector_centrality_numpy(graph, weight="weight"), "numpy"


def _vectorised_power(graph: nx.Graph) -> tuple[dict[Any, float], str]:
    """The same as :func:`_power`, as sparse products (large graphs)."""
    return sampled.power_iteration(sampled.Adjacency.of(graph, "weight"), 1000, 1e-8), "power"


def modularity(graph: nx.Graph, community_of: dict[Any, int]) -> float:
    """Weighted modularity (resolution 1): what ``networkx.community.modularity`` gives, in one
    pass over the edges."""
    total = graph.size(weight="weight")
    inside: dict[int, float] = defaultdict(float)
    degrees: dict[int, float] = defaultdict(float)
    for u, v, weight in graph.edges(data="weight", default=1):
        if community_of[u] == community_of[v]:
            inside[community_of[u]] += weight
    for node, degree in graph.degree(weight="weight"):
        degrees[community_of[node]] += degree
    return sum(inside[c] / total - (degrees[c] / (2 * total)) ** 2 for c in degrees)


def closeness(graph: nx.Graph, pivots: int | None = None, seed: int = SEED) -> dict[Any, float]:
    """Closeness (Wasserman–Faust); with ``pivots``, estimated from that many sampled sources
    (Eppstein–Wang, see :func:`endpoint.networks.sampled.closeness_from`)."""
    if pivots is None or pivots >= len(graph):
        return nx.closeness_centrality(graph)  # type: ignore[no-any-return]
    return sampled.closeness(graph, pivots, seed)


def pivots_for(graph: nx.Graph) -> int | None:
    """How many sampled sources a graph gets (None: small enough for exact values)."""
    size = graph.number_of_nodes()
    if size <= LARGE:
        return None
    return min(PIVOTS, size, max(MIN_PIVOTS, SOURCE_BUDGET // size))


def communities(graph: nx.Graph, seed: int = SEED) -> list[list[Any]]:
    """Louvain communities (fast label propagation above ``COMMUNITY_LARGE`` nodes), largest
    first (ties: by first member), members sorted."""
    if graph.number_of_edges() == 0:
        found = [{n} for n in graph]
    elif graph.number_of_nodes() > COMMUNITY_LARGE:
        found = nx.community.fast_label_propagation_communities(graph, weight="weight", seed=seed)
    else:
        found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    groups = [sorted(c, key=str) for c in found]
    return sorted(groups, key=lambda c: (-len(c), str(c[0])))


def brokers(graph: nx.Graph, community_of: dict[Any, int], betweenness: dict[Any, float]) -> dict:
    """``node -> (is broker, number of other communities among its neighbours)`` (rule above)."""
    positive = sorted(v for v in betweenness.values() if v > 0)
    threshold = positive[int(0.9 * (len(positive) - 1))] if positive else math.inf
    result = {}
    for node in graph:
        others = {community_of[n] for n in graph.neighbors(node)} - {community_of[node]}
        high = betweenness.get(node, 0.0) >= threshold and betweenness.get(node, 0.0) > 0
        result[node] = (len(others) >= 2 or (len(others) == 1 and high), len(others))
    return result


def analyse(graph: nx.Graph, *, seed: int = SEED, limit: int | None = 1000) -> Analysis:
    """Set every node's metrics as attributes of ``graph`` and compute the graph's own metrics."""
    pivots = pivots_for(graph)
    size = graph.number_of_nodes()
    small = size <= SMALL and graph.number_of_edges() <= SMALL_EDGES
    if small:
        betweenness = _round(nx.betweenness_centrality(graph, normalized=True))
        near = _round(nx.closeness_centrality(graph))
    else:  # the same values (exact when pivots is None) as sparse products
        adjacency = sampled.Adjacency.of(graph)
        betweenness = _round(sampled.betweenness(graph, pivots, seed, adjacency))
        near = _round(sampled.closeness(graph, pivots or size, seed, adjacency))
    eigen, method = eigenvector(graph, not small)
    eigen = _round(eigen)
    groups = communities(graph, seed)
    community_of = {node: i for i, group in enumerate(groups) for node in group}
    broker = brokers(graph, community_of, betweenness)
    weighted = dict(graph.degree(weight="weight"))
    degree = dict(graph.degree())
    for node, attrs in graph.nodes(data=True):
        attrs.update(
            degree=degree[node],
            weighted_degree=round(float(weighted[node]), DIGITS),
            betweenness=betweenness.get(node, 0.0),
            closeness=near.get(node, 0.0),
            eigenvector=eigen.get(node, 0.0),
            community=community_of[node],
            broker=broker[node][0],
            other_communities=broker[node][1],
        )
    stats = graph_stats(graph, groups)
    stats["eigenvector"] = method
    stats["approximate"] = ["betweenness", "closeness", "suggestions"] if pivots else []
    stats["methods"] = methods(graph, pivots, method, seed)
    if pivots:
        stats["pivots"], stats["hub_cap"], stats["pair_budget"] = pivots, HUB_CAP, PAIR_BUDGET
    found = suggestions(graph, limit, HUB_CAP, PAIR_BUDGET) if pivots else suggestions(graph, limit)
    return Analysis(graph, stats, found, groups)


def methods(graph: nx.Graph, pivots: int | None, eigen: str, seed: int) -> dict[str, str]:
    """How each metric was obtained, in words (the JSON output carries it)."""
    large = pivots is not None
    labelled = graph.number_of_nodes() > COMMUNITY_LARGE and graph.number_of_edges() > 0
    return {
        "betweenness": (
            f"estimated from {pivots} sampled sources (Brandes-Pich, networkx "
            f"betweenness_centrality(k={pivots}, seed={seed}), unweighted, normalised)"
            if large
            else "exact (Brandes), unweighted, normalised"
        ),
        "closeness": (
            f"estimated from the distances to {pivots} sampled nodes (Eppstein-Wang, "
            "Wasserman-Faust correction); exact in components of at most "
            f"{pivots} nodes and in those without a sampled node up to {sampled.EXACT_MAX} nodes"
            if large
            else "exact, unweighted, Wasserman-Faust correction"
        ),
        "eigenvector": {
            "power": "power iteration, weighted",
            "numpy": "sparse eigensolver (scipy), weighted",
            "failed": "no solver converged: 0 everywhere",
        }.get(eigen, eigen),
        "communities": (
            f"fast label propagation (networkx, seed {seed})"
            if labelled
            else f"Louvain (networkx, weighted, seed {seed})"
        ),
        "suggestions": (
            f"Adamic-Adar on pairs at distance 2, through neighbours with at most {HUB_CAP} "
            f"ties, at most {PAIR_BUDGET} candidate pairs (fewest ties first); listed scores "
            "exact"
            if large
            else "Adamic-Adar (exact) on every unlinked pair at distance 2"
        ),
    }


def graph_stats(graph: nx.Graph, groups: list[list[str]]) -> dict[str, Any]:
    """Size, density, components and modularity (None when there is no edge to measure)."""
    nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
    components = list(nx.connected_components(graph)) if nodes else []
    stats: dict[str, Any] = {
        "nodes": nodes,
        "edges": edges,
        "density": round(nx.density(graph), DIGITS) if nodes > 1 else 0.0,
        "components": len(components),
        "largest_component": max((len(c) for c in components), default=0),
        "isolates": nx.number_of_isolates(graph),
        "communities": len(groups),
        "modularity": (
            round(modularity(graph, {n: i for i, g in enumerate(groups) for n in g}), DIGITS)
            if edges
            else None
        ),
        "brokers": sum(1 for _, b in graph.nodes(data="broker") if b),
    }
    if graph.graph.get("mode") == "bipartite":
        sides = [sum(1 for _, s in graph.nodes(data="bipartite") if s == k) for k in (0, 1)]
        stats["organisations"], stats["items"] = sides
        stats["bipartite_density"] = (
            round(edges / (sides[0] * sides[1]), DIGITS) if all(sides) else 0.0
        )
    return stats

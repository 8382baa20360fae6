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
- large graphs (more than ``LARGE`` nodes): betweenness and closeness are estimated from
  ``PIVOTS`` sampled sources (fixed seed), eigenvector centrality uses the sparse solver first,
  and suggestions leave out neighbours with more than ``HUB_CAP`` ties; ``approximate`` in the
  graph metrics lists what was estimated.

>>> import networkx as nx
>>> result = analyse(nx.path_graph(["a", "b", "c"]))
>>> result.graph.nodes["b"]["betweenness"], result.stats["density"]
(1.0, 0.6667)
>>> [(s["source"], s["target"], s["shared"]) for s in result.suggestions]
[('a', 'c', ['b'])]
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx  # type: ignore[import-untyped]

from endpoint.networks.suggest import suggestions

SEED = 42
DIGITS = 4
LARGE = 2000
PIVOTS = 64
HUB_CAP = 200


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
    solvers = [_power, _sparse] if not large else [_sparse, _power]
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


def closeness(graph: nx.Graph, pivots: int | None = None, seed: int = SEED) -> dict[Any, float]:
    """Closeness (Wasserman–Faust); with ``pivots``, estimated from that many sampled sources
    (Eppstein–Wang): a node's mean distance is the mean of its distances to the pivots of its
    component; components no larger than ``pivots``, or without a pivot, are computed exactly."""
    if pivots is None or pivots >= len(graph):
        return nx.closeness_centrality(graph)  # type: ignore[no-any-return]
    rng = random.Random(seed)  # noqa: S311 -- a reproducible sample, not a secret
    chosen = rng.sample(sorted(graph, key=str), pivots)
    total: dict[Any, int] = defaultdict(int)
    hits: dict[Any, int] = defaultdict(int)
    for pivot in chosen:
        for node, distance in nx.single_source_shortest_path_length(graph, pivot).items():
            total[node] += distance
            hits[node] += 1
    n = len(graph)
    result: dict[Any, float] = {}
    for component in nx.connected_components(graph):
        size = len(component)
        if size == 1:
            result.update(dict.fromkeys(component, 0.0))
        elif size <= pivots or not hits[next(iter(component))]:
            exact = nx.closeness_centrality(graph.subgraph(component))
            result.update({v: c * (size - 1) / (n - 1) for v, c in exact.items()})
        else:
            for node in component:
                mean = total[node] * size / (hits[node] * (size - 1))
                result[node] = ((size - 1) / (n - 1)) / mean if mean > 0 else 0.0
    return result


def communities(graph: nx.Graph, seed: int = SEED) -> list[list[Any]]:
    """Louvain communities, largest first (ties: by first member), members sorted."""
    if graph.number_of_edges() == 0:
        found = [{n} for n in graph]
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
    large = graph.number_of_nodes() > LARGE
    pivots = min(PIVOTS, graph.number_of_nodes()) if large else None
    betweenness = _round(nx.betweenness_centrality(graph, k=pivots, normalized=True, seed=seed))
    near = _round(closeness(graph, pivots, seed))
    eigen, method = eigenvector(graph, large)
    eigen = _round(eigen)
    groups = communities(graph, seed)
    community_of = {node: i for i, group in enumerate(groups) for node in group}
    broker = brokers(graph, community_of, betweenness)
    weighted = dict(graph.degree(weight="weight"))
    for node, attrs in graph.nodes(data=True):
        attrs.update(
            degree=graph.degree(node),
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
    stats["approximate"] = ["betweenness", "closeness", "suggestions"] if large else []
    if large:
        stats["pivots"], stats["hub_cap"] = pivots, HUB_CAP
    found = suggestions(graph, limit, HUB_CAP if large else None)
    return Analysis(graph, stats, found, groups)


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
            round(nx.community.modularity(graph, groups, weight="weight"), DIGITS)
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

"""Suggested collaborations: organisations not yet linked that share neighbours.

The score is Adamic–Adar, ``sum(1 / log(degree(w)))`` over the shared neighbours ``w``, so a
shared partner who works with everybody counts less than a shared partner with few ties. Only
pairs at distance 2 are candidates (pairs with no shared neighbour score 0): scores are
accumulated neighbour by neighbour, one pass over each node's pairs of neighbours, which gives
exactly ``networkx.adamic_adar_index`` on those pairs, never a pass over all non-edges.

On large graphs (see ``metrics.LARGE``) the candidates are bounded: neighbours with more than
``hub_cap`` ties are skipped (their pairs are many and weigh little), and the pass stops after
``budget`` pairs, visiting the neighbours with the fewest ties first (the heaviest weights). The
pairs kept are then scored exactly, over *all* their shared neighbours, so a listed score and its
shared neighbours are always exact; only the choice of candidates is approximate.

>>> import networkx as nx
>>> [(s["source"], s["target"], s["shared"]) for s in suggestions(nx.path_graph("abc"))]
[('a', 'c', ['b'])]
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable
from typing import Any

import networkx as nx  # type: ignore[import-untyped]
import numpy as np

DIGITS = 4


def organisation_ties(graph: nx.Graph, hub_cap: int | None = None) -> dict[Hashable, set]:
    """Each organisation's partners: its neighbours, or in a bipartite network the organisations
    that share an item with it (the organisation projection; items with more than ``hub_cap``
    organisations left out)."""
    if graph.graph.get("mode") != "bipartite":
        return {node: set(graph[node]) - {node} for node in graph}
    ties: dict[Hashable, set] = {
        node: set() for node, side in graph.nodes(data="bipartite") if side == 0
    }
    for item, side in graph.nodes(data="bipartite"):
        if side != 1:
            continue
        members = [m for m in graph[item] if m in ties]
        if hub_cap is not None and len(members) > hub_cap:
            continue
        for member in members:
            ties[member].update(members)
    for node, partners in ties.items():
        partners.discard(node)
    return ties


def suggestions(
    graph: nx.Graph,
    limit: int | None = 1000,
    hub_cap: int | None = None,
    budget: int | None = None,
) -> list[dict[str, Any]]:
    """Unlinked organisation pairs with shared neighbours, best Adamic–Adar first (ties: more
    shared neighbours, then names). In a bipartite network they are computed on its organisation
    projection, so the shared neighbours are organisations both already work with."""
    ties = organisation_ties(graph, hub_cap)
    nodes = sorted(ties, key=str)
    number = {node: i for i, node in enumerate(nodes)}
    size = len(nodes)
    tied = [{number[m] for m in ties[node]} for node in nodes]
    scores: dict[int, float] = defaultdict(float)
    counts: dict[int, int] = defaultdict(int)
    visited = 0
    # fewest ties first: with a budget, the pass keeps the pairs whose shared neighbours weigh most
    order = sorted(nodes, key=lambda n: (len(ties[n]), str(n))) if budget is not None else nodes
    for middle in order:
        around = sorted(number[n] for n in ties[middle])
        if len(around) < 2 or (hub_cap is not None and len(around) > hub_cap):
            continue
        if budget is not None and visited >= budget:
            break
        visited += len(around) * (len(around) - 1) // 2
        weight = 1 / math.log(len(around))
        later = set(around)
        for u in around:
            # the unlinked among the later neighbours, as one set difference: a neighbour in a
            # clique of hundreds (a crowded edition's partners) has none
            later.discard(u)
            for v in sorted(later - tied[u]):
                scores[u * size + v] += weight
                counts[u * size + v] += 1
    chosen = _best(scores, counts, limit)
    labels = {node: str(graph.nodes[node].get("label", node)) for node in nodes}
    found = [_exact(nodes[key // size], nodes[key % size], ties, labels) for key in chosen]
    found.sort(key=lambda s: (-round(s["score"], 9), -len(s["shared"]), s["labels"]))
    for suggestion in found:
        del suggestion["labels"]
        suggestion["score"] = round(suggestion["score"], DIGITS)
    return found[:limit] if limit is not None else found


def _best(scores: dict[int, float], counts: dict[int, int], limit: int | None) -> list[int]:
    """The keys of the ``limit`` best (score, count) pairs, with every pair tied with the last."""
    keys = np.fromiter(scores.keys(), dtype=np.int64, count=len(scores))
    if limit is None or len(keys) <= limit:
        return keys.tolist()
    score = np.round(np.fromiter(scores.values(), dtype=float, count=len(keys)), 9)
    count = np.fromiter((counts[k] for k in scores), dtype=np.int64, count=len(keys))
    order = np.lexsort((-count, -score))
    last = order[limit - 1]
    keep = (score > score[last]) | ((score == score[last]) & (count >= count[last]))
    return keys[keep].tolist()


def _exact(u: Hashable, v: Hashable, ties: dict[Hashable, set], labels: dict) -> dict[str, Any]:
    """Adamic–Adar and Jaccard of one pair over all its shared neighbours."""
    shared = sorted(ties[u] & ties[v], key=str)
    union = ties[u] | ties[v]
    return {
        "source": u,
        "target": v,
        "score": sum(1 / math.log(len(ties[w])) for w in shared),
        "jaccard": round(len(shared) / len(union), DIGITS) if union else 0.0,
        "shared": shared,
        "shared_labels": [labels[w] for w in shared],
        "labels": (labels[u], labels[v]),
    }

"""Suggested collaborations: organisations not yet linked that share neighbours.

The score is Adamic–Adar, ``sum(1 / log(degree(w)))`` over the shared neighbours ``w``, so a
shared partner who works with everybody counts less than a shared partner with few ties. Scores
are accumulated neighbour by neighbour (one pass over each node's pairs of neighbours), which
gives exactly ``networkx.adamic_adar_index``; on large graphs (see ``metrics.LARGE``) neighbours
with more than ``hub_cap`` ties are left out, because their pairs are many and weigh little.

>>> import networkx as nx
>>> [(s["source"], s["target"], s["shared"]) for s in suggestions(nx.path_graph("abc"))]
[('a', 'c', ['b'])]
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from typing import Any

import networkx as nx  # type: ignore[import-untyped]

from endpoint.networks.build import organisation_projection

DIGITS = 4


def suggestions(
    graph: nx.Graph, limit: int | None = 1000, hub_cap: int | None = None
) -> list[dict[str, Any]]:
    """Unlinked organisation pairs with shared neighbours, best Adamic–Adar first (ties: more
    shared neighbours, then names). In a bipartite network they are computed on its organisation
    projection, so the shared neighbours are organisations both already work with."""
    projection = organisation_projection(graph)
    scores: dict[tuple[Any, Any], float] = defaultdict(float)
    shared: dict[tuple[Any, Any], list[Any]] = defaultdict(list)
    for middle in sorted(projection, key=str):
        around = sorted(projection.neighbors(middle), key=str)
        if len(around) < 2 or (hub_cap is not None and len(around) > hub_cap):
            continue
        weight = 1 / math.log(len(around))
        for i, u in enumerate(around):
            for v in around[i + 1 :]:
                if not projection.has_edge(u, v):
                    scores[(u, v)] += weight
                    shared[(u, v)].append(middle)

    def label(node: Any) -> str:
        return str(projection.nodes[node].get("label", node))

    def rank(pair: tuple[Any, Any]) -> tuple[float, int, str, str]:
        return (-round(scores[pair], 9), -len(shared[pair]), label(pair[0]), label(pair[1]))

    chosen = sorted(scores, key=rank) if limit is None else heapq.nsmallest(limit, scores, key=rank)
    found = []
    for u, v in chosen:
        union = set(projection.neighbors(u)) | set(projection.neighbors(v))
        found.append(
            {
                "source": u,
                "target": v,
                "score": round(scores[(u, v)], DIGITS),
                "jaccard": round(len(shared[(u, v)]) / len(union), DIGITS),
                "shared": shared[(u, v)],
                "shared_labels": [label(s) for s in shared[(u, v)]],
            }
        )
    return found

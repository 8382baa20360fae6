"""Incidence rows -> networkx graphs: the bipartite organisation–item graph and its projection.

>>> rows = [Incidence("o:a", "e:1"), Incidence("o:b", "e:1"), Incidence("o:b", "e:2")]
>>> g = build_network("co-organisation", rows, Catalog({}), mode="projection")
>>> sorted(g.edges(data="weight"))
[('o:a', 'o:b', 1)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import networkx as nx  # type: ignore[import-untyped]

from endpoint.networks.source import Catalog, Incidence, NodeInfo, local_name, local_path

MODES = ("bipartite", "projection")
DEFAULT_MODE = {
    "co-organisation": "projection",
    "partnership": "projection",
    "partner-innovation": "bipartite",
    "actor-need": "bipartite",
}
# what the items of each kind are, for the edge attribute that lists them
ITEM_NAME = {
    "co-organisation": "events",
    "partnership": "editions",
    "partner-innovation": "innovations",
    "actor-need": "needs",
}
# most organisation pairs a projection holds (see ``project``): an edition with thousands of
# partners in a synthetic dataset would otherwise add millions of pairs
PAIR_BUDGET = 100_000
ITEM_TYPE = {
    "co-organisation": "event",
    "partnership": "edition",
    "partner-innovation": "innovation",
    "actor-need": "need",
}


def select_edition(rows: Iterable[Incidence], edition: str | None) -> list[Incidence]:
    """The rows of one edition (all rows when ``edition`` is None)."""
    return [r for r in rows if edition is None or r.year == edition]


def node_attributes(uri: str, info: NodeInfo | None, catalog: Catalog, fallback_type: str) -> dict:
    """Scalar attributes of a node (labels fr/en, type, kind, sphere, local page)."""
    info = info or NodeInfo(uri, fallback_type)
    attrs: dict[str, object] = {
        "label": info.label("fr"),
        "label_fr": info.label("fr"),
        "label_en": info.label("en"),
        "type": info.type,
        "url": local_path(uri),
    }
    if info.type == "organisation":
        attrs["kind"] = catalog.code(info.kind) or "organisation"
    elif info.type == "need":
        attrs["kind"] = "need"
        attrs["code"] = info.code or local_name(uri).upper()
        if info.group:
            attrs["need_group"] = info.group
    else:
        attrs["kind"] = info.type
    sphere = catalog.code(info.sphere)
    if sphere:
        attrs["sphere"] = sphere
    return attrs


def bipartite_graph(kind: str, rows: list[Incidence], catalog: Catalog) -> nx.Graph:
    """Organisations (``bipartite=0``) linked to the items they are involved with (``bipartite=1``).

    An edge's ``relations`` are the distinct reasons (relation, and the innovation ``via`` which
    an actor reaches a need); its ``weight`` is their number.
    """
    graph = nx.Graph(kind=kind, mode="bipartite")
    reasons: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for row in rows:
        reasons[(row.organisation, row.item)].add((row.relation or "", row.via or ""))
        for uri, side, fallback in (
            (row.organisation, 0, "organisation"),
            (row.item, 1, ITEM_TYPE[kind]),
        ):
            if uri not in graph:
                attrs = node_attributes(uri, catalog.nodes.get(uri), catalog, fallback)
                if uri == row.item and row.item_label and uri not in catalog.nodes:
                    attrs["label"] = attrs["label_fr"] = attrs["label_en"] = row.item_label
                graph.add_node(uri, bipartite=side, **attrs)
    for (org, item), found in reasons.items():
        graph.add_edge(
            org,
            item,
            weight=len(found),
            relations=sorted({r for r, _ in found if r}),
            via=sorted({v for _, v in found if v}),
        )
    return graph


def project(bipartite: nx.Graph, kind: str) -> nx.Graph:
    """Organisations linked when they share items; ``weight`` = number of shared items, listed
    in ``items`` and under the kind's own name (``events``, ``editions``, ``innovations``,
    ``needs``).

    An item shared by ``m`` organisations adds ``m (m - 1) / 2`` pairs; when all items together
    would add more than ``PAIR_BUDGET`` pairs, the most crowded items are left out until the rest
    fits (their number is the graph attribute ``items_left_out``). The bundled data is far below.
    """
    orgs = [n for n, side in bipartite.nodes(data="bipartite") if side == 0]
    graph = nx.Graph(kind=kind, mode="projection")
    graph.add_nodes_from((n, bipartite.nodes[n]) for n in orgs)
    members = {
        item: sorted(bipartite.neighbors(item))
        for item, side in bipartite.nodes(data="bipartite")
        if side == 1
    }
    items = sorted(members, key=lambda i: (len(members[i]), i))
    pairs = sum(len(m) * (len(m) - 1) // 2 for m in members.values())
    left_out = 0
    while pairs > PAIR_BUDGET and items:
        crowded = items.pop()
        pairs -= len(members[crowded]) * (len(members[crowded]) - 1) // 2
        left_out += 1
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item in sorted(items):
        around = members[item]
        for i, u in enumerate(around):
            for v in around[i + 1 :]:
                shared[(u, v)].append(item)
    labels = {item: str(bipartite.nodes[item]["label"]) for item in items}
    name = ITEM_NAME[kind]
    graph.add_edges_from(
        (
            u,
            v,
            {
                "weight": len(common),
                "items": common,
                "item_labels": [labels[i] for i in common],
                name: common,
            },
        )
        for (u, v), common in shared.items()
    )
    graph.graph["items_left_out"] = left_out
    return graph


def build_network(
    kind: str,
    rows: Iterable[Incidence],
    catalog: Catalog,
    *,
    edition: str | None = None,
    mode: str | None = None,
) -> nx.Graph:
    """The network ``kind`` for one edition (or all) as a bipartite graph or its projection."""
    mode = mode or DEFAULT_MODE[kind]
    bipartite = bipartite_graph(kind, select_edition(rows, edition), catalog)
    graph = bipartite if mode == "bipartite" else project(bipartite, kind)
    graph.graph.update(kind=kind, mode=mode, edition=edition or "all")
    return graph


def organisation_projection(graph: nx.Graph) -> nx.Graph:
    """The organisations-only view used for suggestions (the graph itself if already projected)."""
    if graph.graph.get("mode") != "bipartite":
        return graph
    return project(graph, str(graph.graph.get("kind", "co-organisation")))

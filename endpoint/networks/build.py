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
# most organisation pairs a projection takes from crowded items (see ``project``): an edition
# with 2,000 partners alone is a clique of 2 million pairs (the synthetic 10k dataset has two,
# the 100k one twenty), which networkx builds in 20 s and analyses in 70 s at 1.6 GB
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

    An item shared by ``m`` organisations adds ``m (m - 1) / 2`` pairs, which grows without bound
    with crowded items. When all items together imply more than ``PAIR_BUDGET`` pairs, an item
    with more than ``k`` organisations only links its ``k`` most active ones (most items, then
    URI), ``k`` being the largest number that fits the budget; smaller items keep every pair. An
    edge kept always has its real weight and every item behind it. The graph attribute ``capped``
    says whether this happened; when it did, ``capped_reason`` says why in words, with
    ``pair_budget``, ``pairs_implied`` (pairs counted once per shared item), ``members_kept``
    (``k``) and ``capped_items``; the organisations that lost ties have ``ties_capped`` set.
    The bundled data is far below the budget.
    """
    orgs = [n for n, side in bipartite.nodes(data="bipartite") if side == 0]
    graph = nx.Graph(kind=kind, mode="projection")
    graph.add_nodes_from((n, bipartite.nodes[n]) for n in orgs)
    members = {
        item: sorted(bipartite.neighbors(item))
        for item, side in bipartite.nodes(data="bipartite")
        if side == 1
    }
    implied = sum(_pairs(len(m)) for m in members.values())
    keep = members_kept([len(m) for m in members.values()], PAIR_BUDGET)
    chosen = members
    capped: list[str] = []
    if keep is not None:
        activity = {org: bipartite.degree(org) for org in orgs}
        chosen = dict(members)
        for item, around in members.items():
            if len(around) > keep:
                ranked = sorted(around, key=lambda o: (-activity[o], o))
                chosen[item] = sorted(ranked[:keep])
                capped.append(item)
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item in sorted(chosen):
        around = chosen[item]
        for i, u in enumerate(around):
            for v in around[i + 1 :]:
                shared[(u, v)].append(item)
    if capped:  # a pair kept may share crowded items in which it was not chosen: count them too
        items_of = {org: set(bipartite.neighbors(org)) for org in orgs}
        for (u, v), common in shared.items():
            common[:] = sorted(items_of[u] & items_of[v])
    labels = {item: str(bipartite.nodes[item]["label"]) for item in members}
    # the edges of one crowded item share one list of items and one of labels (a clique of
    # 100,000 pairs would otherwise hold 200,000 equal lists)
    lists: dict[tuple[str, ...], tuple[list[str], list[str]]] = {}
    for pair, common in shared.items():
        key = tuple(common)
        if key not in lists:
            lists[key] = (common, [labels[i] for i in common])
        shared[pair] = lists[key][0]
    name = ITEM_NAME[kind]
    graph.add_edges_from(
        (
            u,
            v,
            {
                "weight": len(common),
                "items": common,
                "item_labels": lists[tuple(common)][1],
                name: common,
            },
        )
        for (u, v), common in shared.items()
    )
    graph.graph["capped"] = bool(capped)
    if capped and keep is not None:
        _mark_capped(graph, members, chosen, capped, implied, keep)
    return graph


def _pairs(size: int) -> int:
    return size * (size - 1) // 2


def members_kept(sizes: list[int], budget: int) -> int | None:
    """The largest ``k`` (at least 2) such that items cut to ``k`` members imply at most
    ``budget`` pairs; None when every item fits whole. Only the quadratic growth of crowded
    items is bounded: items of two members, however many, keep their pair.

    >>> members_kept([3, 3], 10), members_kept([5, 2], 7), members_kept([4, 100], 8)
    (None, 4, 3)
    """
    if sum(_pairs(s) for s in sizes) <= budget:
        return None
    low, high = 2, max(sizes) - 1  # cutting to the largest size changes nothing: it does not fit
    while low < high:
        middle = (low + high + 1) // 2
        if sum(_pairs(min(s, middle)) for s in sizes) <= budget:
            low = middle
        else:
            high = middle - 1
    return low


def _mark_capped(
    graph: nx.Graph,
    members: dict[str, list[str]],
    chosen: dict[str, list[str]],
    capped: list[str],
    implied: int,
    keep: int,
) -> None:
    """Say on the graph what the pair budget left out, and on the organisations that lost ties."""
    losing = set()
    for item in capped:
        losing.update(set(members[item]) - set(chosen[item]))
    for org in losing:
        graph.nodes[org]["ties_capped"] = True
    graph.graph.update(
        capped_reason=(
            f"{implied} organisation pairs implied by shared items exceed the budget of "
            f"{PAIR_BUDGET}: the {len(capped)} items with more than {keep} organisations only "
            f"link their {keep} most active organisations (most items, then URI); every edge "
            f"kept has its full weight and items; {len(losing)} organisations lost ties"
        ),
        pair_budget=PAIR_BUDGET,
        pairs_implied=implied,
        members_kept=keep,
        capped_items=sorted(capped),
        organisations_capped=len(losing),
    )


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

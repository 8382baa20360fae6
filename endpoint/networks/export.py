"""An analysed network in the formats partners use: node-link JSON, GEXF (Gephi), GraphML
(Cytoscape, yEd), CSV node and edge tables, and a PNG picture for reports.

GEXF and GraphML only hold scalar attributes: lists become ``"; "``-joined text and missing
values are left out.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import networkx as nx  # type: ignore[import-untyped]

from endpoint.networks.metrics import Analysis

FORMATS = ("json", "gexf", "graphml", "csv", "png")
MEDIA_TYPES = {
    "json": "application/json",
    "gexf": "application/gexf+xml",
    "graphml": "application/graphml+xml",
    "csv": "text/csv; charset=utf-8",
    "png": "image/png",
}
TABLES = ("nodes", "edges")
NODE_COLUMNS = (
    "id",
    "label_fr",
    "label_en",
    "type",
    "kind",
    "sphere",
    "url",
    "degree",
    "weighted_degree",
    "betweenness",
    "closeness",
    "eigenvector",
    "community",
    "broker",
    "other_communities",
)
EDGE_COLUMNS = ("source", "target", "weight", "items", "item_labels", "relations", "via")


# most edges a page view (``top``) lists per node drawn: a capped clique of 600 partners is
# 180,000 edges, more than a browser lays out
EDGES_PER_NODE = 8


def to_json(analysis: Analysis, top: int | None = None, **meta: Any) -> dict[str, Any]:
    """networkx node-link data (``edges`` key), plus ``metrics``, ``communities`` and
    ``suggestions``; ``meta`` (dataset version, available editions...) is added as is.

    With ``top``, a sample for a browser to draw (see :func:`sample`): ``top`` nodes and at most
    ``EDGES_PER_NODE * top`` of the edges between them, every node drawn keeping its heaviest
    edge, then the heaviest others. ``shown`` says how many nodes and edges of how many (and,
    for a bipartite network, how many of each side) and whether edges between the nodes drawn
    were left out (``edges_capped``); only the communities with a member shown are listed, with
    those members (``size`` stays the community's size), and only the suggestions that involve a
    node shown. The metrics are always those of the whole network."""
    graph = analysis.graph
    shown: set[Any] | None = None
    if top is not None and top < graph.number_of_nodes():
        shown = sample(graph, top)
        graph = graph.subgraph(shown)
    budget = None if top is None else EDGES_PER_NODE * top
    edges_capped = budget is not None and graph.number_of_edges() > budget
    if budget is not None and edges_capped:
        graph = nx.restricted_view(graph, [], _edges_left_out(graph, budget))
    data = nx.node_link_data(graph, edges="edges")
    whole = analysis.graph
    data["shown"] = {
        "nodes": graph.number_of_nodes(),
        "of": whole.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "edges_of": whole.number_of_edges(),
        "edges_capped": edges_capped,
    }
    if whole.graph.get("mode") == "bipartite":
        for side, name in ((0, "organisations"), (1, "items")):
            data["shown"][name] = sum(1 for _, s in graph.nodes(data="bipartite") if s == side)
            data["shown"][f"{name}_of"] = sum(
                1 for _, s in whole.nodes(data="bipartite") if s == side
            )
    data["metrics"] = analysis.stats
    data["communities"] = []
    for i, members in enumerate(analysis.communities):
        kept = members if shown is None else [m for m in members if m in shown]
        if kept or shown is None:
            data["communities"].append({"id": i, "size": len(members), "members": kept})
    data["suggestions"] = [
        s
        for s in analysis.suggestions
        if shown is None or s["source"] in shown or s["target"] in shown
    ]
    data.update(meta)
    return data


def _rank(attrs: dict[str, Any], node: Any) -> tuple[float, float, str]:
    return (-attrs.get("weighted_degree", 0), -attrs.get("degree", 0), str(node))


def sample(graph: nx.Graph, top: int) -> set[Any]:
    """The ``top`` nodes a page draws: the best connected (highest weighted degree, then degree,
    then identifier). In a bipartite network the best connected are nearly all on one side
    (organisations with many innovations, say), with no edge between them: each side gets half
    (the other side's unused share when it is smaller), the organisations best connected, then
    the items most linked to those organisations (then best connected), so the sample shows the
    links between the two sides."""
    if graph.graph.get("mode") != "bipartite":
        ranked = sorted(graph.nodes(data=True), key=lambda n: _rank(n[1], n[0]))
        return {n for n, _ in ranked[:top]}
    sides: dict[int, list[Any]] = {0: [], 1: []}
    for node, attrs in graph.nodes(data=True):
        sides[1 if attrs.get("bipartite") == 1 else 0].append(node)
    share = min(len(sides[0]), max(top // 2, top - len(sides[1])))
    orgs = sorted(sides[0], key=lambda n: _rank(graph.nodes[n], n))[:share]
    chosen = set(orgs)
    items = sorted(
        sides[1],
        key=lambda n: (-sum(1 for m in graph[n] if m in chosen), *_rank(graph.nodes[n], n)),
    )
    return chosen | set(items[: top - share])


def _edges_left_out(graph: nx.Graph, budget: int) -> list[tuple[Any, Any]]:
    """The edges beyond ``budget``: each node first keeps its heaviest edge, then the heaviest
    others are kept (ties: by the nodes' identifiers)."""
    ranked = sorted(
        graph.edges(data="weight", default=1),
        key=lambda e: (-e[2], *sorted((str(e[0]), str(e[1])))),
    )
    kept: set[frozenset[Any]] = set()
    covered: set[Any] = set()
    for u, v, _ in ranked:
        if len(kept) >= budget:
            break
        if u not in covered or v not in covered:
            kept.add(frozenset((u, v)))
            covered.update((u, v))
    for u, v, _ in ranked:
        if len(kept) >= budget:
            break
        kept.add(frozenset((u, v)))
    return [(u, v) for u, v, _ in ranked if frozenset((u, v)) not in kept]


def _scalar(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return "; ".join(str(v) for v in value)
    return value


def flat_copy(graph: nx.Graph) -> nx.Graph:
    """A copy whose attributes are all str/int/float/bool (what GEXF and GraphML can hold)."""
    flat = nx.Graph()
    flat.graph.update({k: _scalar(v) for k, v in graph.graph.items() if v is not None})
    for node, attrs in graph.nodes(data=True):
        flat.add_node(node, **{k: _scalar(v) for k, v in attrs.items() if v is not None})
    for u, v, attrs in graph.edges(data=True):
        flat.add_edge(u, v, **{k: _scalar(a) for k, a in attrs.items() if a is not None})
    return flat


def to_gexf(analysis: Analysis) -> bytes:
    buffer = io.BytesIO()
    nx.write_gexf(flat_copy(analysis.graph), buffer)
    return buffer.getvalue()


def to_graphml(analysis: Analysis) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(flat_copy(analysis.graph), buffer)
    return buffer.getvalue()


def to_csv(analysis: Analysis, table: str = "nodes") -> str:
    """The node table (one row per node, with its metrics) or the edge table."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    graph = analysis.graph
    if table == "nodes":
        writer.writerow(NODE_COLUMNS)
        for node, attrs in sorted(graph.nodes(data=True), key=lambda n: str(n[0])):
            row = {**attrs, "id": node}
            writer.writerow([_scalar(row.get(c, "")) for c in NODE_COLUMNS])
    else:
        writer.writerow(EDGE_COLUMNS)
        for u, v, attrs in sorted(_oriented(graph), key=lambda e: (str(e[0]), str(e[1]))):
            row = {**attrs, "source": u, "target": v}
            writer.writerow([_scalar(row.get(c, "")) for c in EDGE_COLUMNS])
    return out.getvalue()


def _oriented(graph: nx.Graph) -> list[tuple[Any, Any, dict[str, Any]]]:
    """Edges with the organisation first when the graph is bipartite."""
    return [
        (v, u, a) if graph.nodes[u].get("bipartite") == 1 else (u, v, a)
        for u, v, a in graph.edges(data=True)
    ]


def to_png(analysis: Analysis, *, lang: str = "fr", size: tuple[float, float] = (11, 8)) -> bytes:
    """A spring-layout picture: colour = community, size = degree, width = weight, the most
    central nodes named. Drawn with matplotlib's Agg canvas (no display, safe in a server)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    graph = analysis.graph
    figure = Figure(figsize=size, dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    axes.set_axis_off()
    stats = analysis.stats
    title = f"{graph.graph.get('kind')} · {graph.graph.get('edition')} · {graph.graph.get('mode')}"
    axes.set_title(
        f"Rally'nov — {title}\n{stats['nodes']} nodes, {stats['edges']} edges, "
        f"density {stats['density']}, modularity {stats['modularity']}",
        fontsize=11,
    )
    if graph.number_of_nodes():
        palette = matplotlib.colormaps["tab20"]
        positions = nx.spring_layout(graph, seed=42, weight="weight")
        widths = [0.5 + float(w) for _, _, w in graph.edges(data="weight", default=1)]
        nx.draw_networkx_edges(graph, positions, ax=axes, width=widths, alpha=0.35)
        for side, marker in ((0, "o"), (1, "s")):  # organisations round, items square
            chosen = [n for n in graph if graph.nodes[n].get("bipartite", 0) == side]
            if not chosen:
                continue
            nx.draw_networkx_nodes(
                graph,
                positions,
                nodelist=chosen,
                ax=axes,
                node_shape=marker,
                node_color=[palette(graph.nodes[n].get("community", 0) % 20) for n in chosen],
                node_size=[60 + 40 * graph.nodes[n].get("degree", 0) for n in chosen],
                edgecolors="#333333",
                linewidths=0.5,
            )
        top = sorted(graph, key=lambda n: -graph.nodes[n].get("degree", 0))[:20]
        labels = {n: _short(str(graph.nodes[n].get(f"label_{lang}", n))) for n in top}
        below = {n: (x, y - 0.045) for n, (x, y) in positions.items()}
        nx.draw_networkx_labels(graph, below, labels=labels, ax=axes, font_size=7)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def _short(text: str, width: int = 28) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"

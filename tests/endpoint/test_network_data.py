"""The collaboration networks of the bundled dataset: the brochures' edges, the edition slices,
the named queries behind them, and the exports read back by networkx."""

from __future__ import annotations

import csv
import io

import networkx as nx
import pytest

from endpoint import networks
from endpoint.named_queries import load_named_queries, run_named_query
from endpoint.networks import export
from endpoint.networks.source import fetch_incidences
from endpoint.store import EmbeddedStore

ORG = "https://w3id.org/rallynov/id/organisation/"
EDITION = "https://w3id.org/rallynov/id/edition/"
RALLY = "PREFIX rally: <https://w3id.org/rallynov/def#>\n"


def _count(store: EmbeddedStore, where: str) -> int:
    rows = list(store.query(RALLY + f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"))
    return int(rows[0]["n"].value)


@pytest.mark.parametrize(
    "first, second, town",
    [("cress", "pma", "montbeliard"), ("cetim", "uimm", "champagnole")],
)
def test_brochure_stages_link_their_co_organisers(
    bundled_store: EmbeddedStore, first: str, second: str, town: str
) -> None:
    graph = networks.get_analysis(bundled_store, "co-organisation").graph
    assert graph.has_edge(ORG + first, ORG + second)
    edge = graph[ORG + first][ORG + second]
    assert any(town in event for event in edge["events"])
    assert edge["weight"] == len(edge["events"]) >= 1
    assert graph.nodes[ORG + first]["url"] == f"/id/organisation/{first}"
    # the 2013 slice has the 2013 stage; the 2014 slice does not
    in_2013 = networks.get_analysis(bundled_store, "co-organisation", "2013").graph
    in_2014 = networks.get_analysis(bundled_store, "co-organisation", "2014").graph
    assert in_2013.has_edge(ORG + first, ORG + second)
    assert not in_2014.has_edge(ORG + first, ORG + second)


def test_co_organisation_nodes_carry_labels_kind_sphere_and_metrics(
    bundled_store: EmbeddedStore,
) -> None:
    graph = networks.get_analysis(bundled_store, "co-organisation").graph
    cress = graph.nodes[ORG + "cress"]
    assert cress["label_fr"] and cress["label_en"]
    assert cress["kind"] == "OK-CONSULAR" and cress["sphere"] == "S-ESS"
    for key in ("degree", "weighted_degree", "betweenness", "closeness", "eigenvector"):
        assert isinstance(cress[key], int | float)
    assert isinstance(cress["community"], int) and isinstance(cress["broker"], bool)


def test_every_organiser_is_a_node(bundled_store: EmbeddedStore) -> None:
    graph = networks.get_analysis(bundled_store, "co-organisation").graph
    rows = list(bundled_store.query(RALLY + "SELECT DISTINCT ?o WHERE { ?e rally:organiser ?o }"))
    assert {str(r["o"].value) for r in rows} == set(graph.nodes)


def test_partnership_links_partners_of_the_same_edition(bundled_store: EmbeddedStore) -> None:
    # data/partnerships.csv: Fact (lead) and RIFC (co-pilot) are both partners of 2013
    graph = networks.get_analysis(bundled_store, "partnership").graph
    assert graph.has_edge(ORG + "fact", ORG + "rifc")
    assert EDITION + "2013" in graph[ORG + "fact"][ORG + "rifc"]["editions"]
    bipartite = networks.get_analysis(bundled_store, "partnership", mode="bipartite").graph
    assert bipartite.has_edge(ORG + "fact", EDITION + "2013")


def test_partner_innovation_has_every_carrier_with_its_reason(bundled_store: EmbeddedStore) -> None:
    graph = networks.get_analysis(bundled_store, "partner-innovation").graph
    carried = list(bundled_store.query(RALLY + "SELECT ?i ?o WHERE { ?i rally:carrier ?o }"))
    assert carried
    for row in carried:
        organisation, innovation = str(row["o"].value), str(row["i"].value)
        assert "carried" in graph[organisation][innovation]["relations"]
        assert graph.nodes[innovation]["kind"] == "innovation"
    presented = [
        d for _, _, d in graph.edges(data=True) if "presented" in d["relations"]
    ]  # organisers of the stage where the innovation was shown
    assert presented
    projection = networks.get_analysis(bundled_store, "partner-innovation", mode="projection")
    assert all(d["type"] == "organisation" for _, d in projection.graph.nodes(data=True))


def test_actor_need_links_carriers_to_the_needs_of_their_innovations(
    bundled_store: EmbeddedStore,
) -> None:
    graph = networks.get_analysis(bundled_store, "actor-need").graph
    needs = [n for n, d in graph.nodes(data=True) if d["type"] == "need"]
    assert needs and all(n.startswith("https://w3id.org/rallynov/vocab/need/") for n in needs)
    assert all(graph.nodes[n]["bipartite"] == 1 and graph.nodes[n]["code"] for n in needs)
    expected = _count(
        bundled_store,
        "SELECT DISTINCT ?o ?n WHERE { ?i rally:carrier ?o ; rally:addressesNeed ?n }",
    )
    assert graph.number_of_edges() == expected


@pytest.mark.parametrize("kind", networks.KINDS)
@pytest.mark.parametrize("edition", ["2013", "2014"])
def test_named_query_edition_parameter_gives_the_same_slice(
    bundled_store: EmbeddedStore, kind: str, edition: str
) -> None:
    """The ``edition`` parameter of the .rq header (bound by the API) selects the same rows as
    the Python slice the networks use."""
    assert f"network-{kind}" in load_named_queries()
    everything = fetch_incidences(bundled_store, kind)
    result = run_named_query(bundled_store, f"network-{kind}", {"edition": edition})
    by_api = {(r["organisation"], r["item"], r["relation"]) for r in result.rows}
    by_python = {(r.organisation, r.item, r.relation) for r in everything if r.year == edition}
    assert by_api == by_python


@pytest.mark.parametrize("kind", networks.KINDS)
def test_every_kind_and_slice_is_analysed(bundled_store: EmbeddedStore, kind: str) -> None:
    for edition in (None, "2013", "2014"):
        for mode in networks.MODES:
            analysis = networks.get_analysis(bundled_store, kind, edition, mode)
            stats = analysis.stats
            assert stats["nodes"] == analysis.graph.number_of_nodes()
            assert 0.0 <= stats["density"] <= 1.0
            assert stats["eigenvector"] in ("power", "numpy", "empty")
    everything = networks.get_analysis(bundled_store, kind).graph
    assert everything.number_of_nodes() > 0


def test_unknown_requests_are_refused(bundled_store: EmbeddedStore) -> None:
    with pytest.raises(networks.UnknownKindError):
        networks.get_analysis(bundled_store, "friendship")
    with pytest.raises(networks.NetworkError, match="2013"):
        networks.get_analysis(bundled_store, "co-organisation", "1999")
    with pytest.raises(networks.NetworkError):
        networks.get_analysis(bundled_store, "co-organisation", mode="tripartite")


def test_results_are_cached_per_dataset_version(bundled_store: EmbeddedStore) -> None:
    first = networks.get_analysis(bundled_store, "actor-need", "2013")
    assert networks.get_analysis(bundled_store, "actor-need", "2013") is first
    other = EmbeddedStore()
    other.publish({})
    assert networks.catalog(other).nodes == {}


def _same_graph(read: nx.Graph, original: nx.Graph) -> None:
    assert set(read.nodes) == set(original.nodes)
    assert {frozenset(e) for e in read.edges} == {frozenset(e) for e in original.edges}
    for node, attrs in original.nodes(data=True):
        assert read.nodes[node]["label_fr"] == attrs["label_fr"]
    for u, v, attrs in original.edges(data=True):
        assert float(read[u][v]["weight"]) == float(attrs["weight"])


@pytest.mark.parametrize("kind", ["co-organisation", "partner-innovation"])
def test_gexf_and_graphml_read_back(bundled_store: EmbeddedStore, kind: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    analysis = networks.get_analysis(bundled_store, kind)
    (tmp_path / "g.gexf").write_bytes(export.to_gexf(analysis))
    (tmp_path / "g.graphml").write_bytes(export.to_graphml(analysis))
    gexf = nx.read_gexf(tmp_path / "g.gexf")
    graphml = nx.read_graphml(tmp_path / "g.graphml")
    _same_graph(gexf, analysis.graph)
    _same_graph(graphml, analysis.graph)
    some = next(iter(analysis.graph.nodes))
    assert graphml.nodes[some]["betweenness"] == analysis.graph.nodes[some]["betweenness"]
    assert gexf.nodes[some]["label"] == analysis.graph.nodes[some]["label"]


def test_json_is_node_link_data_with_metrics(bundled_store: EmbeddedStore) -> None:
    analysis = networks.get_analysis(bundled_store, "partner-innovation")
    data = export.to_json(analysis, version="v")
    assert {"nodes", "edges", "metrics", "suggestions", "communities"} <= set(data)
    back = nx.node_link_graph(data, edges="edges")
    assert set(back.nodes) == set(analysis.graph.nodes)
    assert back.number_of_edges() == analysis.graph.number_of_edges()
    for suggestion in data["suggestions"]:
        assert not analysis.graph.has_edge(suggestion["source"], suggestion["target"])
        assert suggestion["shared"]


def test_csv_tables(bundled_store: EmbeddedStore) -> None:
    analysis = networks.get_analysis(bundled_store, "actor-need")
    nodes = list(csv.DictReader(io.StringIO(export.to_csv(analysis, "nodes"))))
    edges = list(csv.DictReader(io.StringIO(export.to_csv(analysis, "edges"))))
    assert len(nodes) == analysis.graph.number_of_nodes()
    assert len(edges) == analysis.graph.number_of_edges()
    assert {"id", "label_fr", "degree", "betweenness", "community", "broker"} <= set(nodes[0])
    # bipartite edges list the organisation first
    assert all(e["source"].startswith(ORG) for e in edges)
    assert all(e["via"] for e in edges)


def test_png_picture(bundled_store: EmbeddedStore) -> None:
    body = export.to_png(networks.get_analysis(bundled_store, "co-organisation"))
    assert body.startswith(b"\x89PNG\r\n\x1a\n") and len(body) > 10_000

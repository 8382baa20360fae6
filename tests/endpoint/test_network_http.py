"""``/network/{kind}.{format}`` and ``rallynov network``: formats, slices, errors, revalidation."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from endpoint.cli import main
from endpoint.store import OnDiskStore
from loaders.build import BuildResult

ORG = "https://w3id.org/rallynov/id/organisation/"


def test_json_of_a_slice(client: FlaskClient) -> None:
    response = client.get("/network/co-organisation.json?edition=2013")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    data = response.get_json()
    assert data["kind"] == "co-organisation" and data["edition"] == "2013"
    assert data["mode"] == "projection" and "2014" in data["editions"]
    assert data["metrics"]["nodes"] == len(data["nodes"])
    pairs = {frozenset((e["source"], e["target"])) for e in data["edges"]}
    assert frozenset((ORG + "cress", ORG + "pma")) in pairs
    assert data["legend"]["OK-CONSULAR"]["fr"]
    graph = nx.node_link_graph(data, edges="edges")
    assert graph.number_of_nodes() == data["metrics"]["nodes"]


def test_slices_differ(client: FlaskClient) -> None:
    counts = {
        edition: client.get(f"/network/partner-innovation.json?edition={edition}").get_json()[
            "metrics"
        ]["nodes"]
        for edition in ("all", "2013", "2014")
    }
    assert counts["all"] >= counts["2013"] > counts["2014"] > 0


@pytest.mark.parametrize(
    "fmt, mimetype",
    [
        ("gexf", "application/gexf+xml"),
        ("graphml", "application/graphml+xml"),
        ("png", "image/png"),
    ],
)
def test_files(client: FlaskClient, fmt: str, mimetype: str, tmp_path: Path) -> None:
    response = client.get(f"/network/actor-need.{fmt}?download=1")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert "attachment" in response.headers["Content-Disposition"]
    if fmt != "png":
        path = tmp_path / f"g.{fmt}"
        path.write_bytes(response.data)
        graph = nx.read_gexf(path) if fmt == "gexf" else nx.read_graphml(path)
        nodes = client.get("/network/actor-need.json").get_json()["nodes"]
        assert set(graph.nodes) == {n["id"] for n in nodes}
    else:
        assert response.data.startswith(b"\x89PNG")


def test_csv_tables(client: FlaskClient) -> None:
    nodes = client.get("/network/co-organisation.csv")
    edges = client.get("/network/co-organisation.csv?table=edges")
    assert nodes.headers["Content-Type"] == "text/csv; charset=utf-8"
    node_rows = list(csv.DictReader(io.StringIO(nodes.get_data(as_text=True))))
    edge_rows = list(csv.DictReader(io.StringIO(edges.get_data(as_text=True))))
    metrics = client.get("/network/co-organisation.json").get_json()["metrics"]
    assert len(node_rows) == metrics["nodes"] and len(edge_rows) == metrics["edges"]
    assert "betweenness" in node_rows[0] and "events" not in edge_rows[0]
    assert any("montbeliard" in row["items"] for row in edge_rows)


@pytest.mark.parametrize(
    "url, status, words",
    [
        ("/network/friendship.json", 404, "friendship"),
        ("/network/co-organisation.svg", 404, ".svg"),
        ("/network/co-organisation.json?edition=1999", 400, "1999"),
        ("/network/co-organisation.json?edition=abc", 400, "abc"),
        ("/network/co-organisation.json?mode=tripartite", 400, "tripartite"),
        ("/network/co-organisation.csv?table=stages", 400, "stages"),
        ("/network/co-organisation.json?top=-3", 400, "-3"),
    ],
)
def test_errors_use_the_envelope(client: FlaskClient, url: str, status: int, words: str) -> None:
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["status"] == status and words in error["message"]


def test_etag_revalidation(client: FlaskClient) -> None:
    first = client.get("/network/partnership.json?edition=2014")
    etag = first.headers["ETag"]
    again = client.get("/network/partnership.json?edition=2014", headers={"If-None-Match": etag})
    assert again.status_code == 304
    other = client.get("/network/partnership.json?edition=2013")
    assert other.headers["ETag"] != etag


def test_page_is_served_in_both_languages(client: FlaskClient) -> None:
    french = client.get("/network?lang=fr").get_data(as_text=True)
    english = client.get("/network?lang=en").get_data(as_text=True)
    assert "Réseaux de collaboration" in french and "Collaboration networks" in english
    assert "/static/vendor/cytoscape/cytoscape.min.js" in french
    config = english.split('id="net-config">', 1)[1].split("</script>", 1)[0]
    assert json.loads(config)["editions"] == ["2013", "2014"]


@pytest.fixture(scope="module")
def published(bundled: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store")
    OnDiskStore(path, writable=True).publish(bundled.named_graphs())
    return path


@pytest.mark.parametrize("fmt", ["json", "gexf", "graphml", "csv", "png"])
def test_cli_writes_each_format(
    runner: CliRunner, published: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"net.{fmt}"
    result = runner.invoke(
        main,
        [
            "network",
            "--kind",
            "co-organisation",
            "--edition",
            "2013",
            "--format",
            fmt,
            "-o",
            str(out),
            "--store",
            str(published),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "nodes" in result.output
    body = out.read_bytes()
    if fmt == "json":
        data = json.loads(body)
        assert data["edition"] == "2013" and data["metrics"]["edges"] >= 2
    elif fmt == "gexf":
        assert nx.read_gexf(out).has_edge(ORG + "cetim", ORG + "uimm")
    elif fmt == "graphml":
        assert nx.read_graphml(out).has_edge(ORG + "cress", ORG + "pma")
    elif fmt == "csv":
        assert body.startswith(b"id,label_fr,label_en")
    else:
        assert body.startswith(b"\x89PNG")


def test_cli_to_standard_output_and_errors(runner: CliRunner, published: Path) -> None:
    result = runner.invoke(
        main,
        [
            "network",
            "--kind",
            "actor-need",
            "--format",
            "csv",
            "--table",
            "edges",
            "--store",
            str(published),
        ],
    )
    assert result.exit_code == 0
    assert result.output.startswith("source,target,weight")
    bad = runner.invoke(main, ["network", "--edition", "1999", "--store", str(published)])
    assert bad.exit_code == 2 and "1999" in bad.output and "Traceback" not in bad.output
    unknown = runner.invoke(main, ["network", "--kind", "friendship", "--store", str(published)])
    assert unknown.exit_code == 2


def test_top_keeps_the_best_connected_nodes(client: FlaskClient) -> None:
    whole = client.get("/network/co-organisation.json").get_json()
    top = client.get("/network/co-organisation.json?top=5").get_json()
    assert top["shown"] == {
        "nodes": 5,
        "of": len(whole["nodes"]),
        "edges": len(top["edges"]),
        "edges_of": len(whole["edges"]),
        "edges_capped": False,
    }
    assert top["metrics"] == whole["metrics"]
    best = sorted(whole["nodes"], key=lambda n: (-n["weighted_degree"], -n["degree"], n["id"]))
    assert {n["id"] for n in top["nodes"]} == {n["id"] for n in best[:5]}
    kept = {n["id"] for n in top["nodes"]}
    assert all(e["source"] in kept and e["target"] in kept for e in top["edges"])


def test_top_of_a_bipartite_network_keeps_both_sides(client: FlaskClient) -> None:
    whole = client.get("/network/partner-innovation.json").get_json()
    top = client.get("/network/partner-innovation.json?top=6").get_json()
    best = sorted(whole["nodes"], key=lambda n: (-n["weighted_degree"], -n["degree"], n["id"]))
    assert {n["bipartite"] for n in best[:3]} == {0}  # the best connected: organisations only
    orgs = [n["id"] for n in top["nodes"] if n["bipartite"] == 0]
    items = [n["id"] for n in top["nodes"] if n["bipartite"] == 1]
    assert set(orgs) == {n["id"] for n in [m for m in best if m["bipartite"] == 0][:3]}
    assert len(items) == 3 and top["edges"]
    assert top["shown"]["organisations"] == 3 == top["shown"]["items"]
    assert top["shown"]["organisations_of"] + top["shown"]["items_of"] == len(whole["nodes"])

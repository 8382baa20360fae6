"""The command line through its real entry point (click's main, and the installed script)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from endpoint.cli import main
from endpoint.store import OnDiskStore
from loaders.build import BuildResult
from loaders.tables import TABLES

MINI = Path(__file__).parent.parent / "data" / "mini"


@pytest.fixture(scope="module")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "store"
    result = CliRunner().invoke(main, ["build", "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert "Published" in result.output
    return path


def test_stats_counts_classes_editions_needs(built_store: Path, bundled: BuildResult) -> None:
    result = CliRunner().invoke(main, ["stats", "--store", str(built_store)])
    assert result.exit_code == 0, result.output
    innovations = len({r.iri for r in bundled.records if r.table == "innovations"})
    assert f"SocialInnovation         {innovations}" in result.output
    assert "Named graphs:" in result.output and "graph/public" in result.output
    assert "Per edition:" in result.output and "2014" in result.output
    assert "Innovations per need:" in result.output and "C1-SEC" in result.output


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_query_formats(built_store: Path, fmt: str) -> None:
    query = "SELECT ?n WHERE { ?s <https://w3id.org/rallynov/def#stageNumber> ?n } ORDER BY ?n"
    result = CliRunner().invoke(
        main, ["query", query, "--format", fmt, "--store", str(built_store)]
    )
    assert result.exit_code == 0, result.output
    if fmt == "json":
        rows = json.loads(result.output)["results"]["bindings"]
        assert [r["n"]["value"] for r in rows] == [str(i) for i in range(1, 10)]
    elif fmt == "csv":
        assert result.output.splitlines()[:3] == ["n", "1", "2"]
    else:
        assert "(9 rows)" in result.output


def test_malformed_query_is_a_clear_error(built_store: Path) -> None:
    result = CliRunner().invoke(main, ["query", "SELECT ?x WHERE {", "--store", str(built_store)])
    assert result.exit_code == 2
    assert "not valid SPARQL" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    "fmt, rdflib_format", [("nt", "nt"), ("ttl", "turtle"), ("jsonld", "json-ld")]
)
def test_dump_is_the_public_graph(
    built_store: Path, tmp_path: Path, fmt: str, rdflib_format: str, bundled: BuildResult
) -> None:
    out = tmp_path / f"dump.{fmt}"
    result = CliRunner().invoke(
        main, ["dump", "--format", fmt, "-o", str(out), "--store", str(built_store)]
    )
    assert result.exit_code == 0, result.output
    expected = Graph()
    for triple in [*bundled.public_triples, *bundled.vocabulary]:
        expected.add(triple)
    assert isomorphic(Graph().parse(out, format=rdflib_format), expected)


def test_bad_partner_file_exits_2_and_leaves_the_store(built_store: Path, tmp_path: Path) -> None:
    before = OnDiskStore(built_store).meta()
    bad = tmp_path / "partner.innovations.csv"
    header = (MINI / "innovations.csv").read_text(encoding="utf-8").splitlines()[0]
    bad.write_text(header.replace("needs", "need_codes") + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(bad), "--store", str(built_store)])
    assert result.exit_code == 2
    assert "partner.innovations.csv, line 1" in result.output
    assert OnDiskStore(built_store).meta() == before


def test_partner_records_merge_with_the_bundled_data(built_store: Path, tmp_path: Path) -> None:
    partner = tmp_path / "partner"
    partner.mkdir()
    record = {
        "id": "nouvelle-initiative",
        "name": "Nouvelle initiative",
        "carriers": "la Cress",
        "description_fr": "Une épicerie",
        "description_en": "A grocery",
        "need_fr": "Accès",
        "need_en": "Access",
        "needs": "D1-ALI",
        "types": "T-PROD",
        "domains": "D-ALI",
        "sphere": "S-ESS",
        "place": "besancon",
        "edition": "2014",
        "status": "ST-REP",
        "source": "edition-2014",
    }
    with (partner / "innovations.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=TABLES["innovations"].column_names)
        writer.writeheader()
        writer.writerow(record)
    store = tmp_path / "merged"
    result = CliRunner().invoke(main, ["build", str(partner), "--store", str(store)])
    assert result.exit_code == 0, result.output
    ask = "ASK { <https://w3id.org/rallynov/id/innovation/nouvelle-initiative> ?p ?o }"
    out = CliRunner().invoke(main, ["query", ask, "--format", "json", "--store", str(store)])
    assert json.loads(out.output)["boolean"] is True


def test_installed_entry_point_runs() -> None:
    script = shutil.which("rallynov")
    assert script, "the rallynov command is not installed: pip install ."
    proc = subprocess.run(
        [script, "--help"], capture_output=True, text=True, check=False, timeout=60
    )
    assert proc.returncode == 0
    for command in ("build", "stats", "query", "dump"):
        assert command in proc.stdout

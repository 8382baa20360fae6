"""Small records in, expected triples out, compared as isomorphic graphs (never as text)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import yaml
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from loaders import build_graphs
from loaders.iris import RALLY
from loaders.readers import read_sources
from loaders.tables import TABLES

MINI = Path(__file__).parent.parent / "data" / "mini"
GOLDEN = Path(__file__).parent.parent / "data" / "mini.golden.ttl"


def _assert_same(actual: Graph, expected: Graph) -> None:
    if not isomorphic(actual, expected):
        _, only_actual, only_expected = graph_diff(to_isomorphic(actual), to_isomorphic(expected))
        raise AssertionError(
            "graphs differ\nonly in output:\n"
            + only_actual.serialize(format="nt")
            + "\nonly in golden:\n"
            + only_expected.serialize(format="nt")
        )


def test_mini_records_give_the_golden_graph(update_golden: bool) -> None:
    result = build_graphs([MINI], include_default=False)
    if update_golden:
        GOLDEN.write_text(result.public.serialize(format="turtle"), encoding="utf-8")
    _assert_same(result.public, Graph().parse(GOLDEN))


def test_same_input_same_graph() -> None:
    first = build_graphs([MINI], include_default=False).public
    second = build_graphs([MINI], include_default=False).public
    assert isomorphic(first, second)
    # no blank nodes: the very same triples, so URIs are stable across runs
    assert set(first) == set(second)


def _mini_tables() -> dict[str, list[dict[str, str]]]:
    read = read_sources([MINI])
    assert not read.problems
    tables: dict[str, list[dict[str, str]]] = {}
    for record in read.records:
        tables.setdefault(record.table.name, []).append(record.values)
    return tables


def test_xlsx_yaml_and_json_give_the_same_graph_as_csv(tmp_path: Path) -> None:
    tables = _mini_tables()
    expected = build_graphs([MINI], include_default=False).public

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in tables.items():
        sheet = workbook.create_sheet(name)
        columns = TABLES[name].column_names
        sheet.append(columns)
        for row in rows:
            sheet.append([_typed(row[c]) for c in columns])
    xlsx = tmp_path / "partner.xlsx"
    workbook.save(xlsx)
    _assert_same(build_graphs([xlsx], include_default=False).public, expected)

    yaml_file = tmp_path / "partner.yaml"
    yaml_file.write_text(yaml.safe_dump(tables, allow_unicode=True), encoding="utf-8")
    _assert_same(build_graphs([yaml_file], include_default=False).public, expected)

    json_file = tmp_path / "partner.json"
    json_file.write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
    _assert_same(build_graphs([json_file], include_default=False).public, expected)


def _typed(cell: str) -> object:
    """Spreadsheets store numbers as numbers: the loader must read them back as the same text."""
    return int(cell) if cell.isdigit() and len(cell) < 5 else cell


def test_rdf_files_are_merged(tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "<https://w3id.org/rallynov/id/organisation/cress> "
        "<https://schema.org/url> <https://www.cress-bfc.org/> .\n",
        encoding="utf-8",
    )
    result = build_graphs([MINI, extra], include_default=False)
    assert len(result.public) == len(build_graphs([MINI], include_default=False).public) + 1


def test_aliases_make_one_organisation() -> None:
    result = build_graphs([MINI], include_default=False)
    organisers = set(result.public.objects(predicate=RALLY.organiser))
    # "BGE" and "chambre régionale de l’économie sociale et solidaire" (other case, other apostrophe)
    assert {str(o).rsplit("/", 1)[-1] for o in organisers} == {"bge", "cress"}

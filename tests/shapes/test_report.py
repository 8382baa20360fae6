"""The report for programs: JSON rows and the SHACL report graph."""

from __future__ import annotations

import json
from collections.abc import Callable

from rdflib import Graph
from rdflib.namespace import RDF, SH

from loaders.iris import RALLY


def test_json_and_turtle_carry_the_same_results(complete_graph: Graph, report_of: Callable) -> None:
    spotted = next(complete_graph.subjects(RALLY.presentedAt, None))
    changed = Graph()
    for triple in complete_graph:
        changed.add(triple)
    changed.remove((spotted, RALLY.presentedAt, None))
    changed.remove((spotted, RALLY.status, None))
    report = report_of(changed)
    payload = json.loads(report.json())
    assert payload["summary"] == {
        "records_checked": 17,  # 16 records and the organiser link of stage-1
        "conforming": 16,
        "violations": 1,
        "warnings": 1,
        "infos": 0,
    }
    assert {(r["criterion"], r["severity"]) for r in payload["results"]} == {
        ("IS-R2", "Violation"),
        ("IS-R5", "Warning"),
    }
    graph = Graph().parse(data=report.turtle(), format="turtle")
    [validation] = graph.subjects(RDF.type, SH.ValidationReport)
    assert len(list(graph.objects(validation, SH.result))) == 2


def test_a_clean_report_says_so(complete_graph: Graph, report_of: Callable) -> None:
    report = report_of(complete_graph)
    assert report.conforms and report.violations == report.warnings == report.infos == 0
    assert "every record meets the grid" in report.text("en")
    assert "toutes les fiches respectent la grille" in report.text("fr")

"""Record-by-record validation gives exactly the results of whole-graph validation.

Compared on the bundled data and on a generated dataset (``bench/generate.py``) into which
violations of every family were put, several of them visible only through a linked resource
(the place of the stage an innovation was presented at, the type of its carrier, the status of an
award's laureate). Forked workers and small batches are forced, so that records and their
neighbours fall into different batches.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Namespace, URIRef

from loaders.build import BuildResult
from loaders.report import ValidationReport
from loaders.validation import grid_matrix, validate_build

ROOT = Path(__file__).resolve().parents[2]
ID = Namespace("https://w3id.org/rallynov/id/")
V = Namespace("https://w3id.org/rallynov/vocab/")


def keys(report: ValidationReport) -> set[tuple[str, str | None, str, str, str]]:
    return {(r.focus, r.path, r.component, r.severity, r.shape) for r in report.results}


def test_the_generated_faults_are_found(generated_whole: ValidationReport) -> None:
    shapes = {r.shape for r in generated_whole.results}
    assert generated_whole.violations >= 15
    assert {
        "rsh:InnovationName",
        "rsh:InnovationCarrierOrPlace",
        "rsh:InnovationCarrierValue",
        "rsh:AwardLaureateStatus",
        "rsh:StagePlace",
        "rsh:NoPersonalContact",
        "rsh:PersonPublicOnly",
        "rsh:CommuneInRegion",
        "rsh:NoContactPoint",
    } <= shapes


def test_record_by_record_equals_whole_graph_on_generated_faults(
    generated: BuildResult, generated_whole: ValidationReport
) -> None:
    by_record = validate_build(generated, method="records", workers=2)  # eight batches
    assert by_record.method == "record by record (8 batches)" and by_record.workers == 2
    assert keys(by_record) == keys(generated_whole)
    assert by_record.results == generated_whole.results
    assert by_record.summary() == generated_whole.summary()


def test_reports_still_name_the_file_and_row_of_each_record(
    generated: BuildResult,
) -> None:
    report = validate_build(generated, method="records", workers=1)
    [row] = [r for r in report.results if r.shape == "rsh:InnovationName"]
    assert row.file is not None and row.file.endswith("innovations.csv")
    assert row.where and row.where.split()[-1].isdigit()
    assert "innovations.csv" in report.text()


def test_record_by_record_equals_whole_graph_on_the_bundled_data(bundled: BuildResult) -> None:
    whole = validate_build(bundled, method="whole")
    by_default = validate_build(bundled)  # what `rallynov build` and `validate` run
    assert by_default.method.startswith("record by record")
    assert keys(by_default) == keys(whole)
    assert by_default.results == whole.results
    assert by_default.summary() == whole.summary()
    assert whole.violations == 0


def test_the_grid_matrix_is_the_same_record_by_record(generated: BuildResult) -> None:
    whole = grid_matrix(generated, method="whole")
    assert grid_matrix(generated, method="records", workers=2) == whole
    assert any(v == "no" for row in whole for v in row.values())
    one = URIRef(f"https://w3id.org/rallynov/id/innovation/{whole[5]['id']}")
    assert grid_matrix(generated, only=[one]) == [whole[5]]

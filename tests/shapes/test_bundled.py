"""The bundled dataset (data/*.csv) validates with no violation; what remains are real gaps."""

from __future__ import annotations

from loaders.build import BuildResult
from loaders.validation import (
    data_graph,
    grid_matrix,
    innovation_criteria,
    report_rows,
    run_shapes,
    validate_build,
)


def test_the_bundled_dataset_has_no_violation(bundled: BuildResult) -> None:
    report = validate_build(bundled)
    assert report.violations == 0, report.text("en")
    assert report.records_checked > 150
    assert 0 < report.conforming < report.records_checked


def test_every_result_names_its_criterion_and_source_row(bundled: BuildResult) -> None:
    for row in validate_build(bundled).results:
        assert row.criterion, row
        assert (
            row.file and row.file.endswith(".csv") and row.where and row.where.startswith("line ")
        )
        assert row.message_fr and row.message_en and row.message_fr != row.message_en


def test_copying_only_the_vocabulary_the_shapes_read_changes_no_result(
    bundled: BuildResult,
) -> None:
    full = data_graph(bundled)
    for triple in bundled.vocabulary:
        full.add(triple)
    assert report_rows(run_shapes(full), full, bundled) == validate_build(bundled).results


def test_the_grid_matrix_has_a_row_per_innovation_and_a_column_per_criterion(
    bundled: BuildResult,
) -> None:
    matrix = grid_matrix(bundled)
    innovations = [r for r in bundled.records if r.table == "innovations"]
    assert len(matrix) == len(innovations)
    codes = innovation_criteria()
    assert {"IS-A1", "IS-A2", "IS-B1", "IS-B4", "IS-C2", "IS-R2", "IS-R4"} <= set(codes)
    for row in matrix:
        assert list(row) == ["id", "name", "status", *codes]
        assert {row[c] for c in codes} <= {"yes", "no"}
        assert row["IS-R4"] == "yes"  # every curated record cites its brochure


def test_the_matrix_shows_what_a_spotted_initiative_lacks(bundled: BuildResult) -> None:
    report = validate_build(bundled)
    matrix = {row["id"]: row for row in grid_matrix(bundled)}
    unnamed_carrier = matrix["mamhique"]  # the brochure does not name the firms behind it
    assert unnamed_carrier["status"] == "ST-REP" and unnamed_carrier["IS-R2"] == "no"
    laureates = [row for row in matrix.values() if row["status"] == "ST-LAU"]
    gaps = {(r.focus.rsplit("/", 1)[-1], r.criterion) for r in report.results}
    for row in laureates:  # for a laureate the matrix and the report agree
        for code in innovation_criteria():
            assert (row[code] == "no") == ((row["id"], code) in gaps), (row["id"], code)

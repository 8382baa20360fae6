"""The two levels of the rally: a spotted initiative needs the minimal record; a laureate the grid."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from loaders import build_graphs
from loaders.build import BuildResult
from loaders.validation import validate_build

INNOVATION = "https://w3id.org/rallynov/id/innovation/velo-electrique"
# what the minimal record lacks for the whole grid: (criterion, severity)
WHOLE_GRID_GAPS = {
    ("IS-B1", "Violation"),  # innovation type
    ("IS-B4", "Violation"),  # economic sphere
    ("IS-A1-DESC", "Warning"),
    ("IS-A1-NEW", "Warning"),
    ("IS-A1-WHAT", "Warning"),
    ("IS-A1-WHERE", "Warning"),
    ("IS-A2", "Warning"),
    ("IS-A3", "Warning"),
    ("IS-A4", "Warning"),
    ("IS-A5", "Warning"),
    ("IS-B2", "Warning"),
    ("IS-B3", "Warning"),
    ("IS-A5-FIG", "Info"),
}


def with_status(levels: Path, tmp_path: Path, status: str) -> BuildResult:
    folder = tmp_path / "levels"
    shutil.copytree(levels, folder)
    table = folder / "innovations.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("ST-REP", status), encoding="utf-8")
    return build_graphs([folder], include_default=False)


def test_a_spotted_initiative_with_the_minimal_record_passes(shapes_data: Path) -> None:
    report = validate_build(build_graphs([shapes_data / "levels"], include_default=False))
    assert report.results == []
    assert (
        report.records_checked == report.conforming == 4
    )  # place, organisation, person, innovation


@pytest.mark.parametrize("status", ["ST-CAR", "ST-CAN", "ST-LAU"])
def test_the_same_record_characterised_or_beyond_fails_with_the_missing_criteria(
    shapes_data: Path, tmp_path: Path, status: str
) -> None:
    report = validate_build(with_status(shapes_data / "levels", tmp_path, status))
    assert {(r.criterion, r.severity) for r in report.results} == WHOLE_GRID_GAPS
    assert {r.focus for r in report.results} == {INNOVATION}
    assert report.violations == 2
    for row in report.results:
        assert row.file is not None and row.file.endswith("innovations.csv")
        assert row.where == "line 2"


def test_the_report_names_the_missing_criteria_by_record_and_file(
    shapes_data: Path, tmp_path: Path
) -> None:
    report = validate_build(with_status(shapes_data / "levels", tmp_path, "ST-LAU"))
    english, french = report.text("en"), report.text("fr")
    assert "innovations.csv, line 2" in english
    assert "innovations.csv, ligne 2" in french
    assert english.index("IS-A1-DESC") < english.index("IS-B4")  # grouped by criterion, in order
    assert "Innovation type" in english and "Type d'innovation" in french
    assert english.splitlines()[-1].startswith(
        "Summary: 4 records checked, 3 conforming, 2 violation(s)"
    )
    assert french.splitlines()[-1].startswith(
        "Bilan : 4 fiches vérifiées, 3 conformes, 2 violation(s)"
    )


def test_without_status_an_initiative_is_only_spotted_but_warned(
    shapes_data: Path, tmp_path: Path
) -> None:
    report = validate_build(with_status(shapes_data / "levels", tmp_path, ""))
    assert {(r.criterion, r.component, r.severity) for r in report.results} == {
        ("IS-R5", "sh:MinCountConstraintComponent", "Warning")
    }

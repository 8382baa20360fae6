"""``rallynov validate`` and ``rallynov grid``: exit statuses, formats, and the build gate."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from rdflib import Graph

from endpoint.cli import main


def laureate_without_grid(levels: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "laureate"
    shutil.copytree(levels, folder)
    table = folder / "innovations.csv"
    table.write_text(
        table.read_text(encoding="utf-8").replace("ST-REP", "ST-LAU"), encoding="utf-8"
    )
    return folder


def test_the_bundled_dataset_validates_with_exit_0(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().splitlines()[-1].startswith("Summary:")
    assert ", 0 violation(s)," in result.output


def test_violations_exit_1_with_the_report_in_french(
    runner: CliRunner, shapes_data: Path, tmp_path: Path
) -> None:
    folder = laureate_without_grid(shapes_data / "levels", tmp_path)
    result = runner.invoke(main, ["validate", "--no-default", str(folder), "--lang", "fr"])
    assert result.exit_code == 1
    assert "innovations.csv, ligne 2" in result.output
    assert "Bilan : 4 fiches vérifiées, 3 conformes, 2 violation(s)" in result.output


def test_a_spotted_initiative_alone_exits_0(runner: CliRunner, shapes_data: Path) -> None:
    result = runner.invoke(main, ["validate", "--no-default", str(shapes_data / "levels")])
    assert result.exit_code == 0, result.output


def test_unreadable_input_exits_2_with_the_problems(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nothing-here.csv"
    result = runner.invoke(main, ["validate", "--no-default", str(missing)])
    assert result.exit_code == 2
    assert "nothing-here.csv" in result.output and "does not exist" in result.output
    assert "Traceback" not in result.output


def test_json_and_turtle_formats(runner: CliRunner, shapes_data: Path, tmp_path: Path) -> None:
    folder = laureate_without_grid(shapes_data / "levels", tmp_path)
    as_json = runner.invoke(main, ["validate", "--no-default", str(folder), "--format", "json"])
    assert as_json.exit_code == 1
    payload = json.loads(as_json.stdout)
    assert payload["summary"]["violations"] == 2
    as_turtle = runner.invoke(main, ["validate", "--no-default", str(folder), "--format", "turtle"])
    assert as_turtle.exit_code == 1
    assert len(Graph().parse(data=as_turtle.stdout, format="turtle")) > 20


def test_grid_writes_the_matrix_as_csv(
    runner: CliRunner, shapes_data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "grid.csv"
    result = runner.invoke(
        main, ["grid", "--no-default", str(shapes_data / "levels"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert (row["id"], row["status"], row["IS-A1"], row["IS-B1"]) == (
        "velo-electrique",
        "ST-REP",
        "yes",
        "no",
    )
    stdout = runner.invoke(main, ["grid"])
    assert stdout.exit_code == 0 and stdout.output.startswith("id,name,status,IS-A1,")


def test_a_build_with_a_violation_leaves_the_published_store_untouched(
    runner: CliRunner, shapes_data: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    first = runner.invoke(
        main, ["build", "--no-default", str(shapes_data / "levels"), "--store", str(store)]
    )
    assert first.exit_code == 0, first.output
    before = {p.relative_to(store): p.read_bytes() for p in sorted(store.rglob("*")) if p.is_file()}
    folder = laureate_without_grid(shapes_data / "levels", tmp_path)
    second = runner.invoke(main, ["build", "--no-default", str(folder), "--store", str(store)])
    assert second.exit_code == 1
    assert "IS-B1" in second.output and "nothing was published" in second.output
    after = {p.relative_to(store): p.read_bytes() for p in sorted(store.rglob("*")) if p.is_file()}
    assert after == before


def test_validating_again_in_a_new_process_reuses_the_unchanged_records(tmp_path: Path) -> None:
    """The cache is keyed by content, not by anything one process made up (blank node labels)."""
    import os
    import re
    import subprocess
    import sys

    env = {**os.environ, "RALLYNOV_VALIDATION_CACHE": str(tmp_path / "cache.sqlite")}
    command = [sys.executable, "-m", "endpoint.cli", "validate"]
    runs = [
        subprocess.run(command, env=env, capture_output=True, text=True, check=False) for _ in "12"
    ]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    first, second = (re.search(r"Validated (\d+) records, (\d+) unchanged", r.stderr) for r in runs)
    assert first and second, runs[1].stderr
    assert first.group(2) == "0"
    assert second.group(1) == second.group(2) == first.group(1)
    assert runs[0].stdout == runs[1].stdout  # the same report, word for word
    uncached = subprocess.run([*command, "--no-cache"], env=env, capture_output=True, text=True)
    assert uncached.stdout == runs[0].stdout and "unchanged" not in uncached.stderr

"""Generated bad input to the loaders: a cell of any table replaced by generated text, a file of
random bytes, a truncated file. The build either succeeds or raises InputError with the file and
place of each problem; never another exception, and the CLI never prints a traceback."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from endpoint.cli import main
from loaders import InputError, build_graphs

MINI = Path(__file__).resolve().parents[1] / "data" / "mini"
TABLES = {
    path.name: list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    for path in MINI.glob("*.csv")
}
CELLS = [
    (name, r, c)
    for name, rows in sorted(TABLES.items())
    for r in range(1, len(rows))
    for c in range(len(rows[0]))
]

cell_text = st.one_of(
    st.text(max_size=120),
    st.sampled_from(
        [
            "",
            " ",
            "\n",
            '"',
            "a;;b",
            ";",
            "31/02/2013",
            "2013-02-31",
            "-1",
            "1e400",
            "NaN",
            "99999999999999999999999999",
            "C9-XXX",
            "d-emp",
            "D-EMP ;D-EMP",
            "<script>",
            "=cmd|' /C calc'!A0",
            "\x00",
            "\ufeff",
            "é" * 500,
            "https://w3id.org/rallynov/id/organisation/x",
            "../x",
            "a b",
        ]
    ),
)


def _build(folder: Path) -> None:
    try:
        build_graphs([folder], include_default=False)
    except InputError as exc:
        assert exc.problems, "an InputError names its problems"
        for problem in exc.problems:
            assert problem.file, f"a problem without its file: {problem}"


def _copy_with(cell: tuple[str, int, int], value: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="rallynov-fuzz-"))
    for path in MINI.glob("*.csv"):
        shutil.copy(path, folder / path.name)
    name, row, column = cell
    rows = [list(r) for r in TABLES[name]]
    rows[row][column] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (folder / name).write_text(out.getvalue(), encoding="utf-8")
    return folder


@settings(max_examples=150, deadline=None)
@given(cell=st.sampled_from(CELLS), value=cell_text)
def test_a_generated_cell_gives_success_or_input_error(
    cell: tuple[str, int, int], value: str
) -> None:
    folder = _copy_with(cell, value)
    try:
        _build(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(
        sorted(TABLES)
        + [
            "partner.ttl",
            "partner.jsonld",
            "partner.nt",
            "partner.yaml",
            "partner.json",
            "partner.xlsx",
        ]
    ),
    data=st.binary(max_size=400),
    cut=st.integers(min_value=0, max_value=4000),
)
def test_random_or_truncated_files(name: str, data: bytes, cut: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="rallynov-fuzz-"))
    try:
        for path in MINI.glob("*.csv"):
            shutil.copy(path, folder / path.name)
        original = (MINI / name).read_bytes() if (MINI / name).exists() else b""
        (folder / name).write_bytes(original[:cut] + data if original else data)
        _build(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@settings(max_examples=10, deadline=None)
@given(cell=st.sampled_from(CELLS), value=cell_text)
def test_the_cli_never_prints_a_traceback(cell: tuple[str, int, int], value: str) -> None:
    folder = _copy_with(cell, value)
    try:
        result = CliRunner().invoke(main, ["validate", "--no-default", str(folder)])
        assert result.exit_code in (0, 1, 2), (result.exit_code, result.output[-500:])
        assert "Traceback" not in result.output
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit
        ), repr(result.exception)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

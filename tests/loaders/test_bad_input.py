"""Every kind of bad input stops the build with a message naming file, place, field, value and
what was expected; all problems of a run are reported together."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from loaders import InputError, build_graphs

MINI = Path(__file__).parent.parent / "data" / "mini"


@pytest.fixture()
def mini(tmp_path: Path) -> Path:
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(*sources: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        build_graphs(sources, include_default=False)
    return [str(p) for p in info.value.problems]


def test_missing_column(mini: Path) -> None:
    _edit(mini / "innovations.csv", "id,name,carriers,", "id,name,")
    problems = _problems(mini)
    assert any("innovations.csv" in p and "line 1" in p and "'carriers'" in p for p in problems)


def test_unknown_need_code_suggests_the_nearest(mini: Path) -> None:
    _edit(mini / "innovations.csv", ",C1-REC,", ",C1-RECC,")
    [problem] = _problems(mini)
    assert "innovations.csv, line 2, field 'needs'" in problem
    assert (
        "'C1-RECC'" in problem and "scheme 'need'" in problem and "did you mean 'C1-REC'" in problem
    )


@pytest.mark.parametrize("bad", ["31/02/2013", "2013-02-31", "2013-13", "08 avril 2013"])
def test_bad_dates(mini: Path, bad: str) -> None:
    _edit(mini / "events.csv", "2013-04-08T09:00", bad)
    [problem] = _problems(mini)
    assert "events.csv, line 2, field 'start'" in problem and repr(bad) in problem
    assert "ISO 8601" in problem


def test_broken_turtle(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e \n", encoding="utf-8"
    )
    [problem] = _problems(broken)
    assert "broken.ttl" in problem and "valid turtle" in problem


def test_duplicate_identifier(mini: Path, tmp_path: Path) -> None:
    partner = tmp_path / "partner"
    partner.mkdir()
    shutil.copy(mini / "organisations.csv", partner / "organisations.csv")
    problems = _problems(mini, partner)
    assert any("'cress'" in p and "unique id" in p and "already used at" in p for p in problems)


def test_encoding_error_names_the_line(mini: Path) -> None:
    path = mini / "places.csv"
    path.write_bytes(path.read_bytes().replace("Besançon".encode(), "Besançon".encode("latin-1")))
    problems = _problems(mini)
    assert any("places.csv, line 4" in p and "not UTF-8" in p for p in problems)


def test_unknown_reference_and_many_errors_at_once(mini: Path) -> None:
    _edit(mini / "innovations.csv", ",cress,", ",cres,")
    _edit(mini / "events.csv", ",besancon,", ",besanson,")
    _edit(mini / "places.csv", "47.2378", "147.2")
    problems = _problems(mini)
    assert len(problems) == 3
    assert any("field 'carriers'" in p and "did you mean 'cress'" in p for p in problems)
    assert any("field 'place'" in p and "did you mean 'besancon'" in p for p in problems)
    assert any("field 'lat'" in p and "latitude" in p for p in problems)


def test_unknown_column_and_table(mini: Path, tmp_path: Path) -> None:
    _edit(mini / "places.csv", "insee_code", "insee")
    stray = tmp_path / "innovatoins.csv"
    stray.write_text("id\nx\n", encoding="utf-8")
    problems = _problems(mini, stray)
    assert any("field 'insee'" in p and "did you mean 'insee_code'" in p for p in problems)
    assert any("innovatoins.csv" in p and "did you mean 'innovations'" in p for p in problems)


def test_empty_required_cell(mini: Path) -> None:
    _edit(mini / "organisations.csv", "bge,BGE Franche-Comté,", "bge,,")
    [problem] = _problems(mini)
    assert "organisations.csv, line 3, field 'name'" in problem and "empty" in problem

"""Read source files into raw records (strings), reporting every problem with its place.

A source is a file or a folder (read recursively). Tables come from:
- ``NAME.csv`` (UTF-8, header row), ``NAME`` being a table name, optionally prefixed (``partner.innovations.csv``);
- ``.xlsx`` workbooks, one sheet per table, named after the table;
- ``.yaml``/``.yml``/``.json`` files holding a mapping ``table name -> list of records``.
RDF files (``.ttl``, ``.nt``, ``.nq``, ``.jsonld``, ``.trig``) are parsed and merged as they are.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import Dataset, Graph

from loaders.errors import Problem
from loaders.tables import TABLES, Table, table_for_name

TABLE_SUFFIXES = {".csv", ".xlsx", ".yaml", ".yml", ".json"}
RDF_FORMATS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".trig": "trig",
}


@dataclass
class Record:
    table: Table
    file: str
    where: str
    values: dict[str, str]


@dataclass
class ReadResult:
    records: list[Record] = field(default_factory=list)
    rdf: list[tuple[str, Graph]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def expand_sources(sources: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            files.extend(
                p
                for p in sorted(source.rglob("*"))
                if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES | set(RDF_FORMATS)
            )
        else:
            files.append(source)
    return files


def read_sources(sources: Iterable[Path]) -> ReadResult:
    result = ReadResult()
    for path in expand_sources(sources):
        name = str(path)
        suffix = path.suffix.lower()
        if not path.is_file():
            result.problems.append(Problem(name, "", None, None, "the file does not exist"))
        elif suffix == ".csv":
            _read_csv(path, result)
        elif suffix == ".xlsx":
            _read_xlsx(path, result)
        elif suffix in {".yaml", ".yml", ".json"}:
            _read_mapping(path, result)
        elif suffix in RDF_FORMATS:
            _read_rdf(path, result)
        else:
            expected = "a .csv, .xlsx, .yaml, .json, .ttl, .nt, .nq, .trig or .jsonld file"
            result.problems.append(Problem(name, "", None, None, f"unknown file type; {expected}"))
    return result


def _decode(path: Path, result: ReadResult) -> str | None:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.end]
        result.problems.append(
            Problem(
                str(path),
                f"line {line}",
                None,
                None,
                f"byte {bad!r} is not UTF-8; save the file as UTF-8",
            )
        )
        return None


def _table_of(path: Path, stem: str, result: ReadResult) -> Table | None:
    table = table_for_name(stem)
    if table is None:
        near = difflib.get_close_matches(stem, list(TABLES), n=1)
        result.problems.append(
            Problem(
                str(path),
                "",
                None,
                stem,
                f"a table name, one of {', '.join(TABLES)}",
                near[0] if near else None,
            )
        )
    return table


def _check_header(
    path: Path, where: str, table: Table, header: list[str], result: ReadResult
) -> bool:
    ok = True
    for missing in [c for c in table.column_names if c not in header]:
        result.problems.append(
            Problem(
                str(path),
                where,
                missing,
                None,
                f"column {missing!r} is missing from table {table.name!r}",
            )
        )
        ok = False
    for extra in [h for h in header if h not in table.column_names]:
        near = difflib.get_close_matches(extra, table.column_names, n=1)
        result.problems.append(
            Problem(
                str(path),
                where,
                extra,
                extra,
                f"a column of table {table.name!r}",
                near[0] if near else None,
            )
        )
        ok = False
    return ok


def _read_csv(path: Path, result: ReadResult) -> None:
    table = _table_of(path, path.stem, result)
    text = _decode(path, result)
    if table is None or text is None:
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        result.problems.append(
            Problem(str(path), "line 1", None, None, "a header row; the file is empty")
        )
        return
    if not _check_header(path, "line 1", table, header, result):
        return
    line = reader.line_num + 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                if len(row) != len(header):
                    result.problems.append(
                        Problem(
                            str(path),
                            f"line {line}",
                            None,
                            None,
                            f"{len(header)} cells as in the header, found {len(row)}",
                        )
                    )
                else:
                    values = {h: c.strip() for h, c in zip(header, row, strict=True)}
                    result.records.append(Record(table, str(path), f"line {line}", values))
            line = reader.line_num + 1
    except csv.Error as exc:
        result.problems.append(Problem(str(path), f"line {line}", None, None, f"valid CSV ({exc})"))


def _read_xlsx(path: Path, result: ReadResult) -> None:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        result.problems.append(
            Problem(str(path), "", None, None, f"a readable .xlsx workbook ({exc})")
        )
        return
    for sheet in workbook.worksheets:
        table = _table_of(path, sheet.title, result)
        if table is None:
            continue
        rows = sheet.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        where = f"sheet {sheet.title!r}"
        if not _check_header(path, f"{where} row 1", table, header, result):
            continue
        for number, row in enumerate(rows, start=2):
            cells = ["" if v is None else _cell_text(v) for v in row]
            if any(cells):
                values = dict(zip(header, cells, strict=False))
                result.records.append(Record(table, str(path), f"{where} row {number}", values))
    workbook.close()


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        text = value.isoformat()  # type: ignore[attr-defined]
        return text[:10] if text.endswith("T00:00:00") else text[:16]
    return str(value).strip()


def _read_mapping(path: Path, result: ReadResult) -> None:
    text = _decode(path, result)
    if text is None:
        return
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        result.problems.append(
            Problem(str(path), f"line {exc.lineno}", None, None, f"valid JSON ({exc.msg})")
        )
        return
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        result.problems.append(Problem(str(path), where, None, None, f"valid YAML ({exc})"))
        return
    if not isinstance(data, dict):
        result.problems.append(
            Problem(str(path), "", None, None, "a mapping of table name -> list of records")
        )
        return
    for key, records in data.items():
        table = _table_of(path, str(key), result)
        if table is None:
            continue
        if not isinstance(records, list):
            result.problems.append(
                Problem(str(path), f"table {key!r}", None, None, "a list of records")
            )
            continue
        for number, item in enumerate(records, start=1):
            where = f"table {key!r} record {number}"
            if not isinstance(item, dict):
                result.problems.append(
                    Problem(str(path), where, None, None, "a record (a mapping of column -> value)")
                )
                continue
            if not _check_header(
                path,
                where,
                table,
                [*item, *[c for c in table.column_names if c not in item]],
                result,
            ):
                continue
            values = {c: _yaml_value(item.get(c)) for c in table.column_names}
            result.records.append(Record(table, str(path), where, values))


def _yaml_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(_yaml_value(v) for v in value)
    return _cell_text(value)


def _read_rdf(path: Path, result: ReadResult) -> None:
    fmt = RDF_FORMATS[path.suffix.lower()]
    text = _decode(path, result)
    if text is None:
        return
    if fmt == "json-ld":
        external = _external_context(text)
        if external:
            result.problems.append(
                Problem(
                    str(path),
                    "",
                    "@context",
                    external,
                    "an inline JSON-LD @context (a context given by URL or file is never fetched)",
                )
            )
            return
    graph: Graph = Dataset() if fmt in {"nquads", "trig"} else Graph()
    try:
        graph.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib parsers raise assorted exception types
        result.problems.append(
            Problem(str(path), _rdf_error_place(exc), None, None, f"valid {fmt} ({exc})")
        )
        return
    result.rdf.append((str(path), graph))


def _external_context(text: str) -> str | None:
    """The first @context (or @import) given by reference in a JSON-LD document, if any.

    rdflib would fetch it over the network (or read a local file): we refuse instead.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return None  # rdflib reports the syntax error with its place
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                if key in {"@context", "@import"}:
                    for ref in value if isinstance(value, list) else [value]:
                        if isinstance(ref, str):
                            return ref
                stack.append(value)
    return None


def _rdf_error_place(exc: Exception) -> str:
    lines = getattr(exc, "lines", None) or getattr(exc, "line", None)
    return f"line {lines}" if isinstance(lines, int) else ""

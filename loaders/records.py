"""Check raw records and turn their cells into RDF-ready values.

Every cell is checked against its column (``loaders.tables``); references are resolved to the
URI of the record they name (organisations also by an explicit alias, never by guessing);
every problem of every file is collected, then reported together.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from loaders.errors import Problem
from loaders.iris import SLUG, mint_iri, normalise_name
from loaders.readers import Record
from loaders.tables import TABLES, Column
from loaders.vocab import Schemes

Value = URIRef | Literal | int | str | list[URIRef] | list[str]

DATE_PATTERNS = (
    (re.compile(r"^\d{4}$"), XSD.gYear, None),
    (re.compile(r"^\d{4}-\d{2}$"), XSD.gYearMonth, "%Y-%m"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), XSD.date, "%Y-%m-%d"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"), XSD.dateTime, "%Y-%m-%dT%H:%M"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"), XSD.dateTime, "%Y-%m-%dT%H:%M:%S"),
)
DATE_EXPECTED = "an ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM) that exists"
PHONE = re.compile(r"^\+?[0-9 .()-]{6,}$")
QID = re.compile(r"^Q[1-9][0-9]*$")
INSEE = re.compile(r"^(?:\d{2}|2[AB]|\d{5}|2[AB]\d{3})$")


@dataclass
class Checked:
    """A record whose cells are typed and resolved; ``iri`` is None for link tables."""

    table: str
    file: str
    where: str
    iri: URIRef | None
    values: dict[str, Value]


def parse_date(text: str) -> Literal | None:
    for pattern, datatype, fmt in DATE_PATTERNS:
        if pattern.match(text):
            if fmt:
                try:
                    dt.datetime.strptime(text, fmt)
                except ValueError:
                    return None
            if datatype == XSD.dateTime and len(text) == 16:
                text += ":00"
            return Literal(text, datatype=datatype)
    return None


class _Index:
    """Ids per table, and the explicit aliases of organisations."""

    def __init__(self, records: list[Record], problems: list[Problem]):
        self.ids: dict[str, dict[str, Record]] = defaultdict(dict)
        self.aliases: dict[str, str] = {}
        for record in records:
            table = record.table
            if not table.keyed:
                continue
            slug = record.values.get("id", "")
            if not SLUG.match(slug):
                continue  # reported by the cell check
            first = self.ids[table.name].get(slug)
            if first is not None:
                problems.append(
                    Problem(
                        record.file,
                        record.where,
                        "id",
                        slug,
                        f"a unique id in table {table.name!r}; already used at {first.file}, {first.where}",
                    )
                )
                continue
            self.ids[table.name][slug] = record
        alias_owner: dict[str, tuple[str, Record]] = {}
        for slug, record in self.ids["organisations"].items():
            names = [slug, record.values.get("name", "")]
            names += [a for a in record.values.get("aliases", "").split(";")]
            for name in {normalise_name(n) for n in names if n.strip()}:
                owner = alias_owner.get(name)
                if owner and owner[0] != slug:
                    problems.append(
                        Problem(
                            record.file,
                            record.where,
                            "aliases",
                            name,
                            f"an alias of one organisation only; it also names {owner[0]!r} "
                            f"({owner[1].file}, {owner[1].where})",
                        )
                    )
                    continue
                alias_owner[name] = (slug, record)
                self.aliases[name] = slug

    def resolve(self, table: str, ref: str) -> str | None:
        if ref in self.ids[table]:
            return ref
        if table == "organisations":
            return self.aliases.get(normalise_name(ref))
        return None


def check_records(records: list[Record], schemes: Schemes) -> tuple[list[Checked], list[Problem]]:
    problems: list[Problem] = []
    index = _Index(records, problems)
    checked: list[Checked] = []
    for record in records:
        values: dict[str, Value] = {}
        ok = True
        for column in record.table.columns:
            raw = record.values.get(column.name, "") or ""
            if not raw:
                if column.required:
                    problems.append(
                        Problem(
                            record.file,
                            record.where,
                            column.name,
                            None,
                            f"a value in column {column.name!r}; the cell is empty",
                        )
                    )
                    ok = False
                continue
            value = _check_cell(record, column, raw, schemes, index, problems)
            if value is None:
                ok = False
            else:
                values[column.name] = value
        if ok:
            iri = None
            if record.table.keyed and record.table.iri_kind:
                iri = mint_iri(record.table.iri_kind, str(values["id"]))
            checked.append(Checked(record.table.name, record.file, record.where, iri, values))
    return checked, problems


def _check_cell(
    record: Record,
    column: Column,
    raw: str,
    schemes: Schemes,
    index: _Index,
    problems: list[Problem],
) -> Value | None:
    def fail(expected: str, value: str = raw, suggestion: str | None = None) -> None:
        problems.append(
            Problem(record.file, record.where, column.name, value, expected, suggestion)
        )

    kind = column.kind
    if kind in {"text", "phone", "url", "list"}:
        if kind == "phone" and not PHONE.match(raw):
            return fail("a telephone number (digits, spaces, dots)")
        if kind == "url" and not re.match(r"^https?://\S+$", raw):
            return fail("an http(s) URL")
        if kind == "list":
            return [part.strip() for part in raw.split(";") if part.strip()]
        return raw
    if kind == "id":
        return (
            raw
            if SLUG.match(raw)
            else fail("a slug of lower-case letters, digits and single hyphens")
        )
    if kind == "int":
        return int(raw) if raw.isdigit() else fail("a whole number such as 13")
    if kind == "decimal":
        return (
            Literal(raw, datatype=XSD.decimal)
            if re.match(r"^-?\d+(\.\d+)?$", raw)
            else fail("a number such as 2000")
        )
    if kind == "year":
        return (
            Literal(raw, datatype=XSD.gYear) if re.match(r"^\d{4}$", raw) else fail("a year YYYY")
        )
    if kind == "date":
        return parse_date(raw) or fail(DATE_EXPECTED)
    if kind in {"lat", "lon"}:
        limit = 90 if kind == "lat" else 180
        try:
            number = float(raw)
        except ValueError:
            number = limit + 1
        if abs(number) > limit:
            return fail(f"a {'latitude' if kind == 'lat' else 'longitude'} in decimal degrees")
        return Literal(raw, datatype=XSD.decimal)
    if kind == "qid":
        return raw if QID.match(raw) else fail("a Wikidata item id such as Q37776")
    if kind == "insee":
        return (
            raw
            if INSEE.match(raw)
            else fail("an INSEE code (2-digit department or 5-digit commune)")
        )
    if kind.startswith("choice:"):
        options = kind.removeprefix("choice:").split(",")
        near = difflib.get_close_matches(raw, options, n=1)
        return (
            raw
            if raw in options
            else fail(f"one of {', '.join(options)}", suggestion=near[0] if near else None)
        )
    if kind in {"code", "codes"}:
        scheme = column.target or ""
        iris: list[URIRef] = []
        for code in _split(raw, kind == "codes"):
            iri = schemes.lookup(scheme, code)
            if iri is None:
                fail(f"a code of scheme {scheme!r}", code, schemes.suggest(scheme, code))
                return None
            iris.append(iri)
        return iris if kind == "codes" else iris[0]
    if kind in {"ref", "refs"}:
        target = TABLES[column.target or ""]
        slugs: list[str] = []
        for ref in _split(raw, kind == "refs"):
            slug = index.resolve(target.name, ref)
            if slug is None:
                near = difflib.get_close_matches(ref, list(index.ids[target.name]), n=1)
                fail(f"the id of a record of table {target.name!r}", ref, near[0] if near else None)
                return None
            slugs.append(slug)
        iris = [mint_iri(target.iri_kind or "", s) for s in slugs]
        return iris if kind == "refs" else iris[0]
    raise ValueError(f"unknown column kind {kind!r}")  # a bug in tables.py, not bad input


def _split(raw: str, many: bool) -> list[str]:
    return [p.strip() for p in raw.split(";") if p.strip()] if many else [raw]

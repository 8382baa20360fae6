"""Parameter types and the one place parameters reach SPARQL, :func:`bind_parameters`.

A raw value becomes an RDF term (:meth:`Param.to_term`) or a :class:`ParameterError`; terms are
bound in a ``VALUES`` block at the top of the outermost ``WHERE`` group, never pasted as text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from endpoint.named_queries.errors import ParameterError
from loaders.iris import ID, SLUG
from loaders.vocab import schemes

XSD = "http://www.w3.org/2001/XMLSchema#"
SCALAR_TYPES = ("iri", "string", "integer", "decimal", "date", "year")
ID_KINDS = (
    "innovation organisation person event edition award application testimony key-figure "
    "place source partnership"
).split()
RESERVED = {"format", "limit", "offset"}  # taken by the API: output format and paging
VARIABLE = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_TEXT = 2000
Term = ox.NamedNode | ox.Literal


@dataclass(frozen=True)
class Param:
    """One declared parameter; ``to_term`` turns a raw value into an RDF term or fails."""

    name: str
    type: str
    default: str | None = None
    required: bool = True  # False when it has a default or is declared ``required: false``
    enum: tuple[str, ...] = ()
    description: Mapping[str, str] = field(default_factory=dict)

    @property
    def expected(self) -> str:
        """What a valid value looks like, in words (for error messages and documentation)."""
        if self.enum:
            return "one of " + ", ".join(self.enum)
        kind, _, target = self.type.partition(":")
        return {
            "iri": "an absolute IRI such as https://w3id.org/rallynov/id/organisation/cress",
            "string": f"a text (at most {MAX_TEXT} characters)",
            "integer": "an integer such as 12",
            "decimal": "a decimal number such as 2.5",
            "date": "a date YYYY-MM-DD",
            "year": "a year YYYY such as 2013",
            "code": f"a code of the scheme '{target}' such as {_example_code(target)}, or its IRI",
            "id": f"the id of {'an' if target.startswith(tuple('aeiou')) else 'a'} {target} (a slug such as"
            f" 'cress'), or its IRI {ID}{target}/...",
        }[kind]

    def to_term(self, raw: str) -> Term:
        """``Param("n", "integer").to_term("12")`` is ``"12"^^xsd:integer``; bad values raise."""
        if not isinstance(raw, str):
            raw = str(raw)
        value = raw if self.type == "string" else raw.strip()
        if self.enum and value not in self.enum:
            raise self._bad(raw)
        kind, _, target = self.type.partition(":")
        try:
            term = _CONVERTERS[kind](value, target) if len(value) <= MAX_TEXT else None
        except (ValueError, UnicodeError):
            term = None
        if term is None:
            raise self._bad(raw)
        return term

    def _bad(self, raw: str) -> ParameterError:
        shown = raw if len(raw) <= 80 else raw[:77] + "..."
        return ParameterError(
            self.name, f"parameter {self.name!r}: {shown!r} is not valid; expected {self.expected}"
        )


def _example_code(scheme: str) -> str:
    codes = sorted(schemes().codes.get(scheme, {}))
    return codes[-1] if codes else "CODE"


def _typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def _iri(value: str, _target: str) -> Term | None:
    return ox.NamedNode(value) if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", value) else None


def _integer(value: str, _target: str) -> Term | None:
    return _typed(str(int(value)), "integer") if re.fullmatch(r"[+-]?\d{1,18}", value) else None


def _decimal(value: str, _target: str) -> Term | None:
    return _typed(value, "decimal") if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value) else None


def _date(value: str, _target: str) -> Term | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return _typed(dt.date.fromisoformat(value).isoformat(), "date")
    except ValueError:
        return None


def _year(value: str, _target: str) -> Term | None:
    return _typed(value, "gYear") if re.fullmatch(r"\d{4}", value) else None


def _code(value: str, scheme: str) -> Term | None:
    codes = schemes().codes.get(scheme, {})
    by_upper = {code.upper(): str(iri) for code, iri in codes.items()}
    iri = by_upper.get(value.upper())
    if iri is None and value in by_upper.values():
        iri = value
    return ox.NamedNode(iri) if iri is not None else None


def _instance(value: str, kind: str) -> Term | None:
    prefix = f"{ID}{kind}/"
    slug = value[len(prefix) :] if value.startswith(prefix) else value
    return ox.NamedNode(prefix + slug) if SLUG.match(slug) else None


_CONVERTERS = {
    "iri": _iri,
    "string": lambda value, _target: ox.Literal(value),
    "integer": _integer,
    "decimal": _decimal,
    "date": _date,
    "year": _year,
    "code": _code,
    "id": _instance,
}


def bind_parameters(query_text: str, values: Mapping[str, Term | None]) -> str:
    """Insert ``VALUES ?name { term }`` right after the opening brace of the outermost WHERE.

    Only RDF terms are accepted (their N-Triples form is escaped by pyoxigraph); ``None`` binds
    nothing (``UNDEF``). Being inside the WHERE group, the binding is seen by aggregates.

    >>> bind_parameters("SELECT ?n WHERE { ?s ?p ?n }", {"n": ox.Literal("a\\"}")})
    'SELECT ?n WHERE {\\n  VALUES ?n { "a\\\\"}" }\\n ?s ?p ?n }'
    """
    if not values:
        return query_text
    lines = []
    for name, term in values.items():
        if not VARIABLE.match(name):
            raise ValueError(f"{name!r} is not a parameter name")
        if term is not None and not isinstance(term, ox.NamedNode | ox.Literal):
            raise TypeError(f"parameter {name!r} must be an RDF term, not {type(term).__name__}")
        lines.append(f"  VALUES ?{name} {{ {'UNDEF' if term is None else str(term)} }}\n")
    brace = where_brace(query_text)
    return query_text[: brace + 1] + "\n" + "".join(lines) + query_text[brace + 1 :]


_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def where_brace(text: str) -> int:
    """Offset of the ``{`` that opens the outermost WHERE group (comments, strings and IRIs skipped)."""
    depth, i, first_brace, seen_where, construct = 0, 0, -1, False, False
    while i < len(text):
        char = text[i]
        if char == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
        elif char in "\"'":
            i = _skip_string(text, i)
            continue
        elif char == "<" and (match := _IRIREF.match(text, i)):
            i = match.end()
            continue
        elif char in "?$":
            match = _WORD.match(text, i + 1)
            i = match.end() if match else i + 1
            continue
        elif char == "{":
            if depth == 0 and seen_where:
                return i
            if depth == 0 and first_brace < 0:
                first_brace = i
            depth += 1
        elif char == "}":
            depth -= 1
        elif (word := _WORD.match(text, i)) and (i == 0 or not _in_name(text[i - 1])):
            after = text[word.end() : word.end() + 1]
            keyword = word.group().upper() if after != ":" else ""
            seen_where = seen_where or (keyword == "WHERE" and depth == 0)
            construct = construct or keyword in {"CONSTRUCT", "DESCRIBE"}
            i = word.end()
            continue
        i += 1
    if first_brace >= 0 and not construct:
        return first_brace  # SELECT/ASK with the WHERE keyword left out
    raise ValueError("the query has no WHERE clause to bind parameters in")


def _in_name(char: str) -> bool:
    return char.isalnum() or char in ":_-"


def _skip_string(text: str, start: int) -> int:
    quote = text[start]
    if text.startswith(quote * 3, start):
        end = start + 3
        while end < len(text) and not text.startswith(quote * 3, end):
            end += 2 if text[end] == "\\" else 1
        return end + 3
    end = start + 1
    while end < len(text) and text[end] not in (quote, "\n"):
        end += 2 if text[end] == "\\" else 1
    return end + 1

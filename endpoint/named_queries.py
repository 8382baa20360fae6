"""Named SPARQL queries: ``queries/*.rq`` files whose ``#+`` YAML header (grlc style, in SPARQL
comments, so the file still runs in any editor) gives a title, a description and typed parameters::

    #+ title: {fr: Innovations par besoin social, en: Innovations per social need}
    #+ description: {fr: ..., en: ...}
    #+ params:
    #+   - name: edition
    #+     type: year            # iri string integer decimal date year code:<scheme> id:<kind>
    #+     default: 2013         # optional; without a default the parameter is required
    #+     required: false       # optional; a missing value then matches anything (VALUES UNDEF)
    #+     enum: [fr, en]        # optional; the allowed values
    #+     description: {fr: ..., en: ...}
    SELECT ... WHERE { ... ?edition ... }

Parameters reach SPARQL in one place, :func:`bind_parameters`, as RDF terms in a ``VALUES`` block
at the top of the outermost ``WHERE`` group; a raw string is never pasted into a query.

Errors (all :class:`loaders.errors.RallynovError`)::

    RallynovError
     ├── QueryFileError     a query file is wrong (file and line): start-up stops
     ├── UnknownQueryError  no named query has that name (HTTP 404)
     └── ParameterError     a parameter is unknown, missing or not of its type (HTTP 400)

>>> query = load_named_queries()["innovations-per-need"]
>>> query.param("lang").default
'fr'
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import pyoxigraph as ox
import yaml  # type: ignore[import-untyped]  # no stubs installed here

from endpoint.store.base import Store
from loaders.errors import RallynovError
from loaders.iris import ID, SLUG
from loaders.paths import resource_dir
from loaders.vocab import schemes

XSD = "http://www.w3.org/2001/XMLSchema#"
SCALAR_TYPES = ("iri", "string", "integer", "decimal", "date", "year")
ID_KINDS = (
    "innovation organisation person event edition award application testimony key-figure "
    "place source partnership"
).split()
RESERVED = {"format"}  # taken by the API for the output format
HEADER_KEYS = {"title", "description", "params"}
PARAM_KEYS = {"name", "type", "default", "required", "enum", "description"}
VARIABLE = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_TEXT = 2000
Term = ox.NamedNode | ox.Literal


class QueryFileError(RallynovError):
    """A named query file cannot be used; says which file and line."""

    def __init__(self, path: Path, line: int, message: str):
        self.path, self.line = path, line
        super().__init__(f"{path}, line {line}: {message}")


class UnknownQueryError(RallynovError):
    """No named query has the asked name."""

    def __init__(self, name: str, known: list[str]):
        self.name = name
        super().__init__(f"no named query {name!r}; known: {', '.join(known)}")


class ParameterError(RallynovError):
    """A parameter value is unknown, missing or not of the declared type."""

    def __init__(self, name: str, message: str):
        self.name = name
        super().__init__(message)


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


@dataclass(frozen=True)
class NamedQuery:
    """A query file: its name (the file stem), texts in French and English, parameters, SPARQL."""

    name: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    params: tuple[Param, ...]
    text: str  # the whole file, header included (it is a comment)
    path: Path

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def terms(
        self, values: Mapping[str, object]
    ) -> tuple[dict[str, str | None], dict[str, Term | None]]:
        """Check the values against the declared parameters (defaults filled in).

        Returns the values used, as text, and their RDF terms (``None``: unbound, for an optional
        parameter left out). ``format`` is the output format and ``lang`` the site language:
        both are accepted even when the query does not declare them.
        """
        declared = {p.name for p in self.params}
        for name in values:
            if name not in declared and name not in RESERVED | {"lang"}:
                takes = ", ".join(f"{p.name} ({p.type})" for p in self.params) or "none"
                raise ParameterError(
                    name, f"unknown parameter {name!r} for query {self.name!r}; it takes: {takes}"
                )
        used: dict[str, str | None] = {}
        terms: dict[str, Term | None] = {}
        for param in self.params:
            raw = values.get(param.name)
            if raw is None or raw == "":
                raw = param.default
            if raw is None and param.required:
                raise ParameterError(
                    param.name,
                    f"parameter {param.name!r} is required; expected {param.expected}",
                )
            used[param.name] = None if raw is None else str(raw)
            terms[param.name] = None if raw is None else param.to_term(str(raw))
        return used, terms

    @property
    def sparql(self) -> str:
        """The query without its ``#+`` header, under a comment giving its title."""
        lines = self.text.splitlines(keepends=True)
        body = "".join(
            lines[next(i for i, line in enumerate(lines) if not line.startswith("#+")) :]
        )
        return f"# {self.title['en']} (queries/{self.name}.rq)\n{body}"

    def bound(self, values: Mapping[str, object] | None = None, *, header: bool = True) -> str:
        """The SPARQL text with the values (or the defaults) bound; ready to run anywhere."""
        return bind_parameters(self.text if header else self.sparql, self.terms(values or {})[1])


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


# -- running -------------------------------------------------------------------------------


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


NUMBERS = {XSD + t: int for t in ("integer", "int", "long", "short", "nonNegativeInteger")} | {
    XSD + t: _number for t in ("decimal", "double", "float")
}


def plain(term: object) -> str | int | float | bool | None:
    """A JSON value for an RDF term: numbers for numeric literals, text for the rest."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype == XSD + "boolean":
            return term.value in {"true", "1"}
        try:
            return NUMBERS[datatype](term.value) if datatype in NUMBERS else term.value
        except ValueError:
            return term.value
    return str(getattr(term, "value", term))


@dataclass(frozen=True)
class NamedResult:
    """The answer of a named query: the values used, the columns and rows (RDF terms)."""

    query: str
    params: dict[str, str | None]
    columns: list[str]
    cells: list[tuple[object, ...]]
    truncated: bool
    version: str

    @cached_property
    def rows(self) -> list[dict[str, object]]:
        """Rows as ``{column: JSON value}``."""
        return [{c: plain(v) for c, v in zip(self.columns, row, strict=True)} for row in self.cells]

    def to_json(self) -> dict[str, object]:
        return {
            "query": self.query,
            "params": self.params,
            "columns": self.columns,
            "rows": self.rows,
            "truncated": self.truncated,
        }

    @cached_property
    def json_text(self) -> str:
        """:meth:`to_json` serialised once (results are cached, so are their serialisations)."""
        return json.dumps(self.to_json(), ensure_ascii=False)

    @cached_property
    def csv_text(self) -> str:
        return self.to_csv()

    def to_csv(self) -> str:
        """RFC 4180 CSV: a header row, then the lexical values (empty when unbound)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.columns)
        for row in self.cells:
            writer.writerow(["" if v is None else getattr(v, "value", v) for v in row])
        return out.getvalue()


_CACHE: OrderedDict[tuple[object, ...], NamedResult] = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_SIZE = 512


def run_named_query(
    store: Store,
    name: str,
    params: Mapping[str, object] | None = None,
    *,
    max_rows: int | None = None,
    queries: Mapping[str, NamedQuery] | None = None,
) -> NamedResult:
    """Run the named query ``name`` with ``params`` (raw values, checked and typed here).

    Results are cached per dataset version (``store.meta().version``): the data only changes
    when a new version is published. Raises :class:`UnknownQueryError` or :class:`ParameterError`.
    """
    queries = queries if queries is not None else load_named_queries()
    if name not in queries:
        raise UnknownQueryError(name, sorted(queries))
    query = queries[name]
    used, terms = query.terms(params or {})
    meta = store.meta()
    version = meta.version if meta is not None else ""
    key = (id(store), version, name, tuple(sorted(used.items(), key=str)), max_rows)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    solutions = store.query(bind_parameters(query.text, terms))
    if not isinstance(solutions, ox.QuerySolutions):  # checked at load time; never here
        raise QueryFileError(query.path, 1, "a named query must be a SELECT query")
    columns = [v.value for v in solutions.variables]
    cells: list[tuple[object, ...]] = []
    truncated = False
    for solution in solutions:
        if max_rows is not None and len(cells) >= max_rows:
            truncated = True  # one row more than the cap exists
            break
        cells.append(tuple(solution[c] for c in columns))
    result = NamedResult(name, used, columns, cells, truncated, version)
    with _CACHE_LOCK:
        _CACHE[key] = result
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


# -- loading --------------------------------------------------------------------------------


def queries_dir() -> Path:
    return resource_dir("queries")


def load_named_queries(folder: Path | None = None) -> dict[str, NamedQuery]:
    """Every ``*.rq`` file of ``folder`` (default: the bundled ``queries/``), by name.

    Raises :class:`QueryFileError` on the first bad file: a wrong header stops start-up.
    """
    return _load(folder or queries_dir())


@cache
def _load(folder: Path) -> dict[str, NamedQuery]:
    queries = {}
    for path in sorted(folder.glob("*.rq")):
        query = parse_query_file(path)
        queries[query.name] = query
    return queries


def parse_query_file(path: Path) -> NamedQuery:
    """Read and check one query file (see the module docstring for the format)."""
    if not SLUG.match(path.stem):
        raise QueryFileError(path, 1, f"the file name {path.stem!r} must be a lower-case slug")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryFileError(path, 1, f"cannot read the file: {exc}") from exc
    header, numbers = _header_lines(text)
    if not header:
        raise QueryFileError(path, 1, "no '#+' header: start the file with '#+ title:' lines")
    source = "\n".join(header)
    try:
        data = yaml.safe_load(source)
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = numbers[min(mark.line, len(numbers) - 1)] if mark is not None else numbers[0]
        raise QueryFileError(path, line, f"the '#+' header is not valid YAML: {exc}") from exc

    def fail(message: str, *where: str | int) -> QueryFileError:
        return QueryFileError(path, numbers[_node_line(root, where)], message)

    if not isinstance(data, dict):
        raise fail("the '#+' header must be a mapping with title, description and params")
    for key in data:
        if key not in HEADER_KEYS:
            raise fail(f"unknown header key {key!r}; known: {', '.join(sorted(HEADER_KEYS))}", key)
    texts = {key: _bilingual(data.get(key), key, fail) for key in ("title", "description")}
    raw_params = data.get("params") or []
    if not isinstance(raw_params, list):
        raise fail("'params' must be a list of parameters", "params")
    params = tuple(_param(item, n, fail) for n, item in enumerate(raw_params))
    names = [p.name for p in params]
    body = "\n".join(text.splitlines()[numbers[-1] :])
    for n, name in enumerate(names):
        if name in names[:n]:
            raise fail(f"parameter {name!r} is declared twice", "params", n)
        if not re.search(rf"[?$]{name}\b", body):
            raise fail(f"parameter {name!r} is not used in the query as ?{name}", "params", n)
        if bound := re.search(rf"\bAS\s+[?$]{name}\s*\)", body, re.IGNORECASE):
            line = numbers[-1] + body.count("\n", 0, bound.start()) + 1
            raise QueryFileError(
                path,
                line,
                f"parameter {name!r} is bound by VALUES at the top of the WHERE group, so the"
                f" query cannot assign ?{name} itself (BIND or AS); compare it instead",
            )
    query = NamedQuery(path.stem, texts["title"], texts["description"], params, text, path)
    _check_runs(query)
    return query


def _header_lines(text: str) -> tuple[list[str], list[int]]:
    """The ``#+`` lines at the top of the file (prefix removed) and their 1-based line numbers."""
    header, numbers = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#+"):
            content = line[2:]
            header.append(content[1:] if content.startswith(" ") else content)
            numbers.append(number)
        elif header or line.strip():
            break
    return header, numbers


def _node_line(node: yaml.Node | None, where: tuple[str | int, ...]) -> int:
    """0-based header line of the YAML node at path ``where`` (as deep as it exists)."""
    line = 0
    for step in where:
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if k.value == step), None)
            if found is None:
                break
            line, node = found[0].start_mark.line, found[1]
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value)
        ):
            node = node.value[step]
            line = node.start_mark.line
        else:
            break
    return line


def _bilingual(value: object, key: str, fail) -> dict[str, str]:  # type: ignore[no-untyped-def]
    if not isinstance(value, dict):
        raise fail(f"{key!r} must be a mapping with 'fr' and 'en' texts", key)
    for lang in ("fr", "en"):
        if not isinstance(value.get(lang), str) or not value[lang].strip():
            raise fail(f"{key!r} needs a non-empty {lang!r} text", key)
    return {"fr": value["fr"].strip(), "en": value["en"].strip()}


def _param(item: object, n: int, fail) -> Param:  # type: ignore[no-untyped-def]
    if not isinstance(item, dict):
        raise fail("each parameter is a mapping with at least 'name' and 'type'", "params", n)
    for key in item:
        if key not in PARAM_KEYS:
            raise fail(
                f"unknown parameter key {key!r}; known: {', '.join(sorted(PARAM_KEYS))}",
                "params",
                n,
                key,
            )
    name, kind = item.get("name"), item.get("type")
    if not isinstance(name, str) or not VARIABLE.match(name) or name in RESERVED:
        raise fail(
            f"parameter name {name!r} must match [a-z][a-z0-9_]* and not be 'format'", "params", n
        )
    if not isinstance(kind, str) or not _known_type(kind):
        kinds = ", ".join([*SCALAR_TYPES, "code:<scheme>", "id:<kind>"])
        raise fail(
            f"parameter {name!r}: unknown type {kind!r}; known: {kinds}", "params", n, "type"
        )
    enum = item.get("enum") or []
    if not isinstance(enum, list) or not all(isinstance(v, str | int) for v in enum):
        raise fail(f"parameter {name!r}: 'enum' must be a list of values", "params", n, "enum")
    description = item.get("description") or {"fr": name, "en": name}
    default = item.get("default")
    param = Param(
        name,
        kind,
        None if default is None else str(default),
        default is None and bool(item.get("required", True)),  # a default makes it optional
        tuple(str(v) for v in enum),
        _bilingual(description, "description", lambda m, *_: fail(m, "params", n, "description")),
    )
    for value in [*param.enum, *([param.default] if param.default is not None else [])]:
        try:
            Param(name, kind).to_term(value)
        except ParameterError as exc:
            raise fail(f"default or enum value: {exc}", "params", n) from exc
    if param.default is not None and param.enum and param.default not in param.enum:
        raise fail(f"parameter {name!r}: the default is not one of its 'enum' values", "params", n)
    return param


def _known_type(kind: str) -> bool:
    prefix, _, target = kind.partition(":")
    if not target:
        return kind in SCALAR_TYPES
    return (prefix == "code" and target in schemes().codes) or (
        prefix == "id" and target in ID_KINDS
    )


def _check_runs(query: NamedQuery) -> None:
    """The query is a SELECT that parses once its parameters are bound (run on an empty store)."""
    unbound = {p.name: None for p in query.params}
    try:
        sparql = bind_parameters(query.text, unbound)
        results = ox.Store().query(sparql)
    except (ValueError, SyntaxError, OSError) as exc:
        raise QueryFileError(query.path, _error_line(query, str(exc)), _explain(exc)) from exc
    if not isinstance(results, ox.QuerySolutions):
        raise QueryFileError(query.path, 1, "a named query must be a SELECT query")


def _error_line(query: NamedQuery, message: str) -> int:
    """The file line of a parser error ``error at LINE:COLUMN`` in the bound query."""
    found = re.search(r"at (\d+):\d+", message)
    if not found:
        return 1
    line = int(found.group(1))
    brace_line = query.text.count("\n", 0, where_brace(query.text)) + 1
    return line - (len(query.params) + 1) if line > brace_line + len(query.params) else line


def _explain(exc: Exception) -> str:
    hint = ""
    if isinstance(exc, SyntaxError):
        hint = (
            " (parameters are bound by a VALUES block at the top of the WHERE group: a parameter"
            " cannot also be the target of BIND or of (... AS ?name))"
        )
    return f"the query cannot run: {exc}{hint}"

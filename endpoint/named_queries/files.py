"""Query files: :class:`NamedQuery`, and reading and checking one ``.rq`` file and its ``#+``
YAML header (the format is described in :mod:`endpoint.named_queries`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import yaml  # type: ignore[import-untyped]  # no stubs installed here

from endpoint.named_queries.errors import ParameterError, QueryFileError
from endpoint.named_queries.params import (
    ID_KINDS,
    RESERVED,
    SCALAR_TYPES,
    VARIABLE,
    Param,
    Term,
    bind_parameters,
    where_brace,
)
from loaders.iris import SLUG
from loaders.vocab import schemes

HEADER_KEYS = {"title", "description", "params"}
PARAM_KEYS = {"name", "type", "default", "required", "enum", "description"}


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
        parameter left out). ``format`` (the output format), ``limit`` and ``offset`` (paging)
        and ``lang`` (the site language) are accepted even when the query does not declare them.
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
            f"parameter name {name!r} must match [a-z][a-z0-9_]* and not be one the API takes"
            f" ({', '.join(sorted(RESERVED))})",
            "params",
            n,
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

"""Running a named query: results cached per dataset version, and their JSON and CSV forms,
whole or one page at a time (:class:`Page`: a slice of the cached result, never a new query)."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox

from endpoint.named_queries.errors import QueryFileError, UnknownQueryError
from endpoint.named_queries.files import NamedQuery
from endpoint.named_queries.paging import Page
from endpoint.named_queries.params import XSD, bind_parameters
from endpoint.store.base import Store


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
        return self._plain_rows(self.cells)

    def _plain_rows(self, cells: list[tuple[object, ...]]) -> list[dict[str, object]]:
        return [{c: plain(v) for c, v in zip(self.columns, row, strict=True)} for row in cells]

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

    def to_csv(self, page: Page | None = None) -> str:
        """RFC 4180 CSV: a header row, then the lexical values (empty when unbound); the rows of
        ``page`` only when one is given."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.columns)
        for row in self.cells if page is None else self.cells[page.slice]:
            writer.writerow(["" if v is None else getattr(v, "value", v) for v in row])
        return out.getvalue()

    def page_csv(self, page: Page) -> str:
        """The CSV of ``page`` (the whole table, serialised once, when the page covers it)."""
        return self.csv_text if page.whole else self.to_csv(page)

    @cached_property
    def _rows_text(self) -> str:
        return json.dumps(self._plain_rows(self.cells), ensure_ascii=False)

    def page_json(self, page: Page, extra: Mapping[str, object]) -> str:
        """The JSON of ``page``: query, params, columns, truncated, then ``extra`` (counts and
        links), then the page's rows (the whole result's rows are serialised once)."""
        head = {
            "query": self.query,
            "params": self.params,
            "columns": self.columns,
            "truncated": self.truncated,
            **extra,
        }
        rows = (
            self._rows_text
            if page.whole
            else json.dumps(self._plain_rows(self.cells[page.slice]), ensure_ascii=False)
        )
        return json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": ' + rows + "}"


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
    if queries is None:
        # from the package, where it is defined (and where tests patch ``queries_dir``)
        from endpoint.named_queries import load_named_queries

        queries = load_named_queries()
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

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

from functools import cache
from pathlib import Path

from endpoint.named_queries.errors import ParameterError, QueryFileError, UnknownQueryError
from endpoint.named_queries.files import HEADER_KEYS, PARAM_KEYS, NamedQuery, parse_query_file
from endpoint.named_queries.paging import PAGE_SIZE, PAGING, Page, parse_paging
from endpoint.named_queries.params import (
    ID_KINDS,
    MAX_TEXT,
    RESERVED,
    SCALAR_TYPES,
    VARIABLE,
    XSD,
    Param,
    Term,
    bind_parameters,
    where_brace,
)
from endpoint.named_queries.results import (
    CACHE_SIZE,
    NUMBERS,
    NamedResult,
    plain,
    run_named_query,
)
from loaders.paths import resource_dir

__all__ = [
    "CACHE_SIZE",
    "HEADER_KEYS",
    "ID_KINDS",
    "MAX_TEXT",
    "NUMBERS",
    "PAGE_SIZE",
    "PAGING",
    "PARAM_KEYS",
    "RESERVED",
    "SCALAR_TYPES",
    "VARIABLE",
    "XSD",
    "NamedQuery",
    "NamedResult",
    "Page",
    "Param",
    "ParameterError",
    "QueryFileError",
    "Term",
    "UnknownQueryError",
    "bind_parameters",
    "load_named_queries",
    "parse_paging",
    "parse_query_file",
    "plain",
    "queries_dir",
    "run_named_query",
    "where_brace",
]

# -- loading --------------------------------------------------------------------------------
# Here rather than in ``files``: ``load_named_queries`` looks ``queries_dir`` up in this module,
# so ``monkeypatch.setattr(endpoint.named_queries, "queries_dir", ...)`` still takes effect.


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

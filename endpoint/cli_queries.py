"""``rallynov query --name NAME --param k=v``: the named queries from the command line.

The ``query`` command of :mod:`endpoint.cli` calls :func:`run_named_cli` and prints the results
with its own ``render_results`` (table, CSV or SPARQL JSON), as for a query given as text.
Mistakes (unknown query, unknown or badly typed parameter, ``k=v`` without ``=``) are usage
errors: a sentence and exit status 2, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import click

from endpoint.named_queries import (
    NamedQuery,
    Page,
    ParameterError,
    UnknownQueryError,
    load_named_queries,
    parse_paging,
)
from endpoint.store.base import QueryResults, Store


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """``("edition=2014", "lang=en")`` -> ``{"edition": "2014", "lang": "en"}``.

    >>> parse_params(["text=a=b"])
    {'text': 'a=b'}
    """
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise click.UsageError(f"--param {pair!r}: write it as NAME=VALUE, e.g. edition=2013")
        if key in values:
            raise click.UsageError(f"--param {key!r} is given twice; give it once")
        values[key] = value
    return values


def named_query(name: str, queries: Mapping[str, NamedQuery] | None = None) -> NamedQuery:
    """The named query ``name``, or a usage error listing the known names."""
    queries = queries if queries is not None else load_named_queries()
    if name not in queries:
        raise click.UsageError(str(UnknownQueryError(name, sorted(queries))))
    return queries[name]


def run_named_cli(
    store: Store, name: str, params: Iterable[str] | Mapping[str, str] = ()
) -> tuple[QueryResults, slice]:
    """Run the named query on ``store``; ``params`` as ``k=v`` strings or a mapping, with
    ``limit`` and ``offset`` paging as in the API (the whole result when they are not given).

    Returns the pyoxigraph results and the rows to print, for ``endpoint.cli.render_results``.
    """
    query = named_query(name)
    values = dict(params) if isinstance(params, Mapping) else parse_params(params)
    try:
        offset, limit = parse_paging(values, default=None, most=10**18)
        sparql = query.bound(values)
    except ParameterError as exc:
        raise click.UsageError(f"{exc} (see 'rallynov query --list')") from exc
    return store.query(sparql), Page(offset, limit, 0).slice


def describe_named_queries(lang: str = "en") -> str:
    """The named queries and their parameters, for ``rallynov query --list``."""
    lines = []
    for query in load_named_queries().values():
        lines.append(f"{query.name}: {query.title[lang]}")
        for param in query.params:
            if param.default is not None:
                status = f"default {param.default}"
            else:
                status = "required" if param.required else "optional"
            lines.append(f"    --param {param.name}=...  {param.type}, {status}: {param.expected}")
    lines.append("Every named query also takes --param limit=N and --param offset=N (paging).")
    return "\n".join(lines)

"""One query, executed in a worker process: the SERVICE guard, the row cap, the serialisation.

Everything crossing the process boundary is a small picklable value: a :class:`Job` in, an
:class:`Answer` or a :class:`QueryError` out. Formats travel as pyoxigraph enum member names.

>>> from endpoint.store import EmbeddedStore
>>> execute(EmbeddedStore(), Job("ASK {}", tabular="JSON")).body
b'{"head":{},"boolean":true}'
"""

from __future__ import annotations

import io
import itertools
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import pyoxigraph as ox
from pyparsing import ParseResults
from rdflib import URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

from endpoint.store.base import Store
from endpoint.store.remote_http import StoreUnavailable
from loaders.iris import BASE

PREFIXES = {
    "rally": BASE + "def#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
}
_SERVICE_WORD = re.compile(r"(?<![A-Za-z0-9_?$])service(?![A-Za-z0-9_])", re.IGNORECASE)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)


@dataclass(frozen=True)
class Job:
    """A query and how to answer it. ``tabular``/``graph``: format names, None if unacceptable."""

    sparql: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    tabular: str | None = "JSON"  # a QueryResultsFormat member, for SELECT and ASK
    graph: str | None = "TURTLE"  # an RdfFormat member, for CONSTRUCT and DESCRIBE
    max_rows: int = 10_000
    service_allowlist: frozenset[str] = frozenset()
    timeout: float = 10.0
    base_iri: str | None = None  # relative IRIs in the query resolve against it

    def with_timeout(self, timeout: float) -> Job:
        return replace(self, timeout=timeout)


@dataclass(frozen=True)
class Answer:
    """Serialised results; ``truncated`` when the row cap cut them."""

    body: bytes
    media_type: str
    kind: str  # "boolean", "solutions" or "graph"
    truncated: bool = False


class QueryError(Exception):
    """An answer that is an HTTP error: status and a sentence for the user."""

    def __init__(self, status: int, message: str, retry_after: int | None = None):
        super().__init__(status, message, retry_after)
        self.status, self.message, self.retry_after = status, message, retry_after

    def __str__(self) -> str:
        return self.message


def execute(store: Store, job: Job) -> Answer:
    """Run ``job`` on ``store`` and serialise its results completely."""
    guard_service(job.sparql, job.service_allowlist)
    # The Store API takes no base IRI: a BASE declaration is put in front, on the same line, and
    # syntax error columns on line 1 are shifted back.
    prologue = f"BASE <{job.base_iri}> " if job.base_iri else ""
    try:
        results = store.query(
            prologue + job.sparql,
            default_graph=list(job.default_graphs) if job.default_graphs is not None else None,
            named_graphs=list(job.named_graphs) if job.named_graphs is not None else None,
        )
        if isinstance(results, ox.QueryBoolean):
            fmt = _tabular(job, "ASK")
            return Answer(results.serialize(format=fmt) or b"", fmt.media_type, "boolean")
        if isinstance(results, ox.QuerySolutions):
            fmt = _tabular(job, "SELECT")
            body, truncated = serialize_solutions(results, fmt, job.max_rows)
            return Answer(body, fmt.media_type, "solutions", truncated)
        rdf = _graph(job)
        body, truncated = serialize_triples(results, rdf, job.max_rows)
        return Answer(body, rdf.media_type, "graph", truncated)
    except StoreUnavailable as exc:
        raise QueryError(
            503,
            f"The data server is not answering at the moment; try again in {exc.retry_after} s.",
            retry_after=exc.retry_after,
        ) from None
    except SyntaxError as exc:
        raise QueryError(400, syntax_message(exc, shift=len(prologue))) from None
    except (RuntimeError, ValueError, TypeError) as exc:
        raise QueryError(400, f"The query could not be evaluated: {exc}") from None
    except OSError as exc:
        raise QueryError(500, f"The query failed while reading the data: {exc}") from None


def syntax_message(exc: SyntaxError, shift: int = 0) -> str:
    """``error at 1:25: expected X`` -> ``... line 1, column 25: expected X``.

    ``shift``: characters put in front of the query's first line (their columns are removed).
    """
    text = str(exc.msg if exc.msg else exc)
    match = _POSITION.match(text)
    if match:
        line, column, rest = int(match[1]), int(match[2]), match[3]
        if line == 1:
            column = max(1, column - shift)
        return f"The query is not valid SPARQL: line {line}, column {column}: {rest}"
    return f"The query is not valid SPARQL: {text}"


def _tabular(job: Job, form: str) -> ox.QueryResultsFormat:
    if job.tabular is None:
        raise QueryError(406, f"{form} results are given as SPARQL JSON, XML, CSV or TSV; "
                      "accept one of them (or use format=json, xml, csv or tsv)")  # fmt: skip
    return getattr(ox.QueryResultsFormat, job.tabular)  # type: ignore[no-any-return]


def _graph(job: Job) -> ox.RdfFormat:
    if job.graph is None:
        raise QueryError(406, "CONSTRUCT and DESCRIBE results are given as Turtle, N-Triples, "
                      "JSON-LD or RDF/XML; accept one of them (or use format=ttl, nt, jsonld "
                      "or rdf)")  # fmt: skip
    return getattr(ox.RdfFormat, job.graph)  # type: ignore[no-any-return]


class _SinkFullError(Exception):
    """Raised from a write to stop the serialiser once enough rows are written."""


class _LineCap(io.RawIOBase):
    """A binary sink that stops the writer after ``lines`` complete lines (plus one)."""

    def __init__(self, lines: int):
        super().__init__()
        self.limit, self.lines, self.buffer = lines, 0, bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.buffer += chunk
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit:
            raise _SinkFullError
        return len(chunk)

    def capped(self) -> tuple[bytes, bool]:
        if self.lines <= self.limit:
            return bytes(self.buffer), False
        end = -1
        for _ in range(self.limit):
            end = self.buffer.index(b"\n", end + 1)
        return bytes(self.buffer[: end + 1]), True


def serialize_solutions(
    results: ox.QuerySolutions, fmt: ox.QueryResultsFormat, max_rows: int
) -> tuple[bytes, bool]:
    """At most ``max_rows`` solutions in ``fmt``.

    TSV writes one solution per line and round-trips every term, so the rows are cut there
    (stopping the evaluation early) and converted to the asked format by pyoxigraph.
    """
    sink = _LineCap(max_rows + 1)  # the header line, then the rows
    try:
        results.serialize(sink, ox.QueryResultsFormat.TSV)  # type: ignore[arg-type]
    except _SinkFullError:
        pass
    tsv, truncated = sink.capped()
    if fmt == ox.QueryResultsFormat.TSV:
        return tsv, truncated
    body = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=fmt) or b""
    if truncated and fmt == ox.QueryResultsFormat.JSON and body.startswith(b"{"):
        # A hint for clients reading JSON; parsers tolerate an unknown member before "head".
        body = b'{"truncated":true,' + body[1:]
    return body, truncated


def serialize_triples(
    results: Iterable[ox.Triple], fmt: ox.RdfFormat, max_rows: int
) -> tuple[bytes, bool]:
    """At most ``max_rows`` triples in ``fmt``."""
    triples = iter(results)
    out = io.BytesIO()
    ox.serialize(itertools.islice(triples, max_rows), out, fmt, prefixes=PREFIXES)
    truncated = next(triples, None) is not None
    return out.getvalue(), truncated


# -- SERVICE ---------------------------------------------------------------------------------------
def guard_service(sparql: str, allowlist: frozenset[str]) -> None:
    """Refuse a query with a SERVICE clause whose endpoint is not in ``allowlist``.

    A quick scan lets through queries that cannot contain the keyword; the others are parsed
    (rdflib's SPARQL parser, safe here: a worker runs one query at a time) and every SERVICE
    endpoint in the algebra is checked. A query that cannot be checked is refused.
    """
    unescaped = (
        _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), sparql)
        if "\\u" in sparql or "\\U" in sparql
        else sparql
    )
    if not _SERVICE_WORD.search(unescaped):
        return
    if not _SERVICE_WORD.search(sparql):
        raise QueryError(403, "SERVICE written with escape sequences is refused")
    for endpoint in service_endpoints(sparql):
        if not isinstance(endpoint, URIRef):
            raise QueryError(
                403, "SERVICE with a variable endpoint is refused: this endpoint never calls "
                "a URL chosen by a query"
            )  # fmt: skip
        if str(endpoint) not in allowlist:
            allowed = ", ".join(sorted(allowlist)) or "none"
            raise QueryError(
                403, f"SERVICE <{endpoint}> is refused: federated queries may only call the "
                f"endpoints this server allows ({allowed})"
            )  # fmt: skip


def service_endpoints(sparql: str) -> list[Any]:
    """Every SERVICE endpoint (IRI or variable) of the query, found in rdflib's algebra."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            algebra = translateQuery(parseQuery(sparql)).algebra
    except Exception as exc:
        raise QueryError(
            400, f"The query mentions SERVICE and could not be checked: {exc}"
        ) from None
    found: list[Any] = []
    stack: list[Any] = [algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if getattr(node, "name", None) == "ServiceGraphPattern":
                found.append(node.get("term"))
            stack.extend(node.values())
        elif isinstance(node, list | tuple | ParseResults):
            stack.extend(node)
    return found

"""The SPARQL 1.1 Protocol side of a request: where the query is, which dataset, what is refused.

- GET ``?query=``; POST ``application/x-www-form-urlencoded`` (``query=`` in the body); POST
  ``application/sparql-query`` (the body is the query, UTF-8). Exactly one query.
- ``default-graph-uri`` / ``named-graph-uri`` (in the URL, or in a form body) override the
  query's ``FROM`` / ``FROM NAMED``; both only ever select among the public graphs, so naming the
  restricted graph (or any other) selects an empty graph.
- Updates are refused: the ``update`` parameter, ``application/sparql-update`` bodies, the
  ``using-graph-uri`` parameters and a query text that is an update operation.

>>> first_keyword("PREFIX ex: <http://ex/> # comment\\nINSERT DATA { ex:a ex:b ex:c }")
'INSERT'
>>> dataset_clause("SELECT * FROM <http://g/a> FROM NAMED <http://g/b> WHERE { ?s ?p ?o }")
(['http://g/a'], ['http://g/b'])
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from flask import Request

from endpoint.errors import ApiError

READ_ONLY = (
    "This endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, "
    "ADD, MOVE, COPY) is not accepted; the data changes only when it is rebuilt from its sources"
)
UPDATE_KEYWORDS = {
    "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH",
}  # fmt: skip
UPDATE_PARAMETERS = ("update", "using-graph-uri", "using-named-graph-uri")
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"

_TOKEN = re.compile(
    r"""(?P<space>\s+)
    |(?P<comment>\#[^\n]*)
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
        |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<var>[?$][\w\u00b7\u00c0-\uffff]+)
    |(?P<pname>(?:[A-Za-z\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*)?:[^\s{}()<>,;"'#]*)
    |(?P<word>[A-Za-z_][\w]*)
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class ProtocolRequest:
    """What a request asks: the query text (None: no query) and the protocol dataset."""

    query: str | None
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def parse_request(request: Request) -> ProtocolRequest:
    """Read the query and dataset from a GET or POST; raise ApiError on a protocol error."""
    params = request.args
    queries = params.getlist("query")
    if any(name in params for name in UPDATE_PARAMETERS):
        raise ApiError(403, READ_ONLY)
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == FORM:
            form = request.form
            if any(name in form for name in UPDATE_PARAMETERS):
                raise ApiError(403, READ_ONLY)
            queries = queries + form.getlist("query")
            default = params.getlist("default-graph-uri") + form.getlist("default-graph-uri")
            named = params.getlist("named-graph-uri") + form.getlist("named-graph-uri")
        elif mimetype == DIRECT:
            charset = request.mimetype_params.get("charset", "utf-8").lower()
            if charset not in ("utf-8", "utf8"):
                raise ApiError(400, f"The query must be encoded in UTF-8, not {charset}")
            try:
                body = request.get_data(cache=True).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ApiError(400, f"The query is not valid UTF-8 ({exc.reason})") from None
            queries = queries + [body]
            default, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
        elif mimetype == "application/sparql-update":
            raise ApiError(403, READ_ONLY)
        else:
            raise ApiError(
                415,
                f"POST the query as {FORM} (query=...) or as {DIRECT} (the body is the query)"
                + (f", not as {mimetype}" if mimetype else "; the Content-Type header is missing"),
            )
        if not queries:
            raise ApiError(400, "The request has no query: give the 'query' parameter")
    else:
        default, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
    if len(queries) > 1:
        raise ApiError(400, f"Give exactly one query, not {len(queries)}")
    query = queries[0] if queries else None
    if query is not None:
        if not query.strip():
            raise ApiError(400, "The query is empty")
        if first_keyword(query) in UPDATE_KEYWORDS:
            raise ApiError(403, READ_ONLY)
        depth = nesting_depth(query) if _openings(query) > MAX_NESTING else 0
        if depth > MAX_NESTING:
            raise ApiError(
                400,
                f"The query nests brackets {depth} deep; the limit is {MAX_NESTING} "
                "(a deeper query would exhaust the parser's stack)",
            )
    return ProtocolRequest(query, tuple(default), tuple(named))


MAX_NESTING = 200


def _openings(sparql: str) -> int:
    """Every ``{ ( [`` of the text: a bound of the nesting depth, counted without tokenising."""
    return sparql.count("{") + sparql.count("(") + sparql.count("[")


def nesting_depth(sparql: str) -> int:
    """The deepest nesting of ``{ ( [`` outside strings, IRIs and comments."""
    depth = deepest = 0
    for kind, text in _tokens(sparql):
        if kind != "other":
            continue
        if text in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif text in "})]":
            depth = max(0, depth - 1)
    return deepest


def _tokens(text: str) -> list[tuple[str, str]]:
    return list(_token_stream(text))


def _token_stream(text: str) -> Iterator[tuple[str, str]]:
    for match in _TOKEN.finditer(text):
        if match.lastgroup not in ("space", "comment"):
            yield match.lastgroup or "other", match.group()


def first_keyword(sparql: str) -> str | None:
    """The first keyword after the prologue (``SELECT``, ``ASK``, ``INSERT``...), upper-cased."""
    skip = 0  # tokens still to pass: a PREFIX declaration is 3 tokens, a BASE one 2
    for kind, text in _token_stream(sparql[:20_000]):  # read only as far as the keyword
        if skip:
            skip -= 1
        elif kind == "word" and text.upper() == "PREFIX":
            skip = 2
        elif kind == "word" and text.upper() == "BASE":
            skip = 1
        elif kind == "word":
            return text.upper()
        else:
            return None
    return None


def dataset_clause(sparql: str) -> tuple[list[str], list[str]] | None:
    """The IRIs of the query's ``FROM`` and ``FROM NAMED`` clauses; None when it has none.

    Only used to honour those clauses among the public graphs: a misreading can never widen
    what the query sees.
    """
    if not re.search(r"(?i)\bfrom\b", sparql):
        return None
    prefixes: dict[str, str] = {}
    base = ""
    default: list[str] = []
    named: list[str] = []
    tokens = _tokens(sparql)
    depth = 0
    for index, (kind, text) in enumerate(tokens):
        if text == "{":
            depth += 1
        elif text == "}":
            depth -= 1
        elif kind != "word" or depth != 0:
            continue
        upper = text.upper()
        after = tokens[index + 1 : index + 4]
        if upper == "PREFIX" and len(after) >= 2 and after[1][0] == "iri":
            prefixes[after[0][1].rstrip(":")] = urljoin(base, after[1][1][1:-1])
        elif upper == "BASE" and after and after[0][0] == "iri":
            base = urljoin(base, after[0][1][1:-1])
        elif upper == "FROM" and after:
            into = default
            if after[0][0] == "word" and after[0][1].upper() == "NAMED":
                into, after = named, after[1:]
            if after:
                iri = _resolve(after[0], prefixes, base)
                if iri:
                    into.append(iri)
    if not default and not named:
        return None
    return default, named


def _resolve(token: tuple[str, str], prefixes: dict[str, str], base: str) -> str | None:
    kind, text = token
    if kind == "iri":
        return urljoin(base, text[1:-1])
    if kind == "pname":
        prefix, _, local = text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local
    return None


def effective_dataset(
    request: ProtocolRequest, visible: list[str]
) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """The default and named graphs to query: the protocol's, else the query's, else the store's
    (None: the public graphs). Graphs that are not public are dropped (they read as empty)."""
    allowed = set(visible)
    if request.has_dataset:
        default, named = list(request.default_graphs), list(request.named_graphs)
    else:
        clause = dataset_clause(request.query or "")
        if clause is None:
            return None, None
        default, named = clause
    return (
        tuple(dict.fromkeys(g for g in default if g in allowed)),
        tuple(dict.fromkeys(g for g in named if g in allowed)),
    )

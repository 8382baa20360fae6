"""Graph names on a remote server: callers say ``.../graph/public``, the server holds
``.../graph/public/v-20261130T041500Z-1a2b3c4d``; these functions translate in both directions.

Into the server, only the graph of a ``GRAPH`` clause is renamed (the protocol dataset already
replaces ``FROM`` and ``FROM NAMED``; other IRIs in a query are data and stay as written)::

>>> names = {"http://g/public": "http://g/public/v-1"}
>>> rewrite_graph_names("SELECT * { GRAPH <http://g/public> { ?s ?p ?o } }", names)
'SELECT * { GRAPH <http://g/public/v-1> { ?s ?p ?o } }'
>>> rewrite_graph_names("PREFIX g: <http://g/> ASK { GRAPH g:public {} }", names)
'PREFIX g: <http://g/> ASK { GRAPH <http://g/public/v-1> {} }'

Out of the server, every full occurrence of a versioned name in a result body is put back::

>>> to_logical(b'{"g":{"type":"uri","value":"http://g/public/v-1"}}', names)
b'{"g":{"type":"uri","value":"http://g/public"}}'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urljoin

_TOKEN = re.compile(
    r"""(?P<space>\s+)
    |(?P<comment>\#[^\n]*)
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
        |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<var>[?$][\w\u00b7\u00c0-\uffff]+)
    |(?P<pname>(?:[A-Za-z\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*)?:[^\s{}()<>,;"'#]*)
    |(?P<word>[A-Za-z_]\w*)
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


def rewrite_graph_names(sparql: str, names: Mapping[str, str]) -> str:
    """``sparql`` with each ``GRAPH <logical>`` (full, relative or prefixed IRI) made physical."""
    if "graph" not in sparql.lower():
        return sparql
    out: list[str] = []
    prefixes: dict[str, str] = {}
    base: str | None = None
    expecting: str | None = None  # "prefix-name", "prefix-iri", "base" or "graph"
    pending_prefix = ""
    for match in _TOKEN.finditer(sparql):
        kind, text = match.lastgroup, match.group()
        if kind in ("space", "comment"):
            out.append(text)
            continue
        if kind == "word":
            keyword = text.upper()
            expecting = {"PREFIX": "prefix-name", "BASE": "base", "GRAPH": "graph"}.get(keyword)
            out.append(text)
            continue
        if expecting == "prefix-name" and kind == "pname" and text.endswith(":"):
            pending_prefix, expecting = text[:-1], "prefix-iri"
        elif expecting == "prefix-iri" and kind == "iri":
            prefixes[pending_prefix] = _resolve(text[1:-1], base)
            expecting = None
        elif expecting == "base" and kind == "iri":
            base = _resolve(text[1:-1], base)
            expecting = None
        elif expecting == "graph" and kind in ("iri", "pname"):
            expecting = None
            iri = _iri_of(kind, text, prefixes, base)
            if iri is not None and iri in names:
                out.append(f"<{names[iri]}>")
                continue
        else:
            expecting = None
        out.append(text)
    return "".join(out)


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri


def _iri_of(
    kind: str | None, text: str, prefixes: Mapping[str, str], base: str | None
) -> str | None:
    if kind == "iri":
        return _resolve(text[1:-1], base)
    prefix, _, local = text.partition(":")
    if prefix not in prefixes:
        return None
    return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)


def to_logical(body: bytes, names: Mapping[str, str]) -> bytes:
    """Replace versioned graph names by their logical names in a serialised result."""
    for logical, physical in names.items():
        raw = physical.encode()
        if raw not in body:
            continue
        name = logical.encode()
        escaped, escaped_name = raw.replace(b"/", b"\\/"), name.replace(b"/", b"\\/")
        for before, after in (
            (b'"' + raw + b'"', b'"' + name + b'"'),  # SPARQL JSON, RDF/XML attributes
            (b'"' + escaped + b'"', b'"' + escaped_name + b'"'),  # JSON with escaped slashes
            (b"<" + raw + b">", b"<" + name + b">"),  # N-Triples, Turtle
            (b">" + raw + b"<", b">" + name + b"<"),  # SPARQL XML <uri>...</uri>
        ):
            body = body.replace(before, after)
    return body

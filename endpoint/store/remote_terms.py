r"""Terms and payloads for the remote store: rdflib triples as N-Triples written by pyoxigraph
(so every literal is escaped right), and server answers as the pyoxigraph result types.

>>> from rdflib import Literal, URIRef
>>> serialize(to_oxigraph([(URIRef("http://s"), URIRef("http://p"), Literal("two\nlines"))]))
b'<http://s> <http://p> "two\\nlines" .\n'
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from endpoint.store.base import QueryResults
from loaders.errors import StoreError
from loaders.mapping import Triple
from loaders.ntriples import NTriples


def parse_results(body: bytes, media_type: str) -> QueryResults:
    """A server's answer as QuerySolutions, QueryBoolean or QueryTriples, by its media type."""
    media = media_type.split(";")[0].strip().lower()
    tabular = ox.QueryResultsFormat.from_media_type(media) if media else None
    if tabular is not None:
        return ox.parse_query_results(body, tabular)
    rdf = ox.RdfFormat.from_media_type(media) if media else None
    if rdf is None:
        raise StoreError(f"the SPARQL server answered in an unexpected format ({media_type!r})")
    # A real QueryTriples, as the embedded store gives: the triples go through a scratch store.
    scratch = ox.Store()
    scratch.bulk_extend(ox.parse(body, rdf))
    return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")


def to_oxigraph(triples: Iterable[Triple]) -> list[ox.Triple]:
    """rdflib triples as distinct pyoxigraph triples (so N-Triples is written correctly)."""
    if isinstance(triples, NTriples):  # already distinct N-Triples: parse them natively
        return [quad.triple for quad in ox.parse(triples.data, ox.RdfFormat.N_TRIPLES)]
    try:
        return list(dict.fromkeys(ox.Triple(_term(s), _term(p), _term(o)) for s, p, o in triples))
    except (TypeError, ValueError) as exc:
        raise StoreError(f"a triple cannot be written as N-Triples: {exc}") from exc


def _term(term: Any) -> Any:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unexpected term {term!r}")


def has_blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def serialize(triples: Sequence[ox.Triple]) -> bytes:
    out = io.BytesIO()
    ox.serialize(triples, out, ox.RdfFormat.N_TRIPLES)
    return out.getvalue()


def sparql_string(text: str) -> str:
    """A SPARQL string literal (JSON's escaping is valid SPARQL escaping for these texts)."""
    return json.dumps(text, ensure_ascii=False)

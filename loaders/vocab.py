"""The ontology and the SKOS concept schemes, and the lookup of codes in them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from loaders.iris import VOCAB
from loaders.paths import ontology_files


@cache
def vocabulary_graph() -> Graph:
    """The ontology and every concept scheme, parsed once (read-only by convention)."""
    graph = Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    return graph


@dataclass(frozen=True)
class Schemes:
    """Codes (``skos:notation``) per scheme slug, mapped to their concept IRIs."""

    codes: dict[str, dict[str, URIRef]]

    def lookup(self, scheme: str, code: str) -> URIRef | None:
        return self.codes.get(scheme, {}).get(code)

    def suggest(self, scheme: str, code: str) -> str | None:
        known = self.codes.get(scheme, {})
        upper = {k.upper(): k for k in known}
        if code.upper() in upper:
            return upper[code.upper()]
        near = difflib.get_close_matches(code.upper(), list(upper), n=1, cutoff=0.5)
        return upper[near[0]] if near else None


@cache
def schemes() -> Schemes:
    graph = vocabulary_graph()
    codes: dict[str, dict[str, URIRef]] = {}
    for concept, scheme in graph.subject_objects(SKOS.inScheme):
        scheme_iri = str(scheme)
        if not scheme_iri.startswith(str(VOCAB)):
            continue
        slug = scheme_iri[len(str(VOCAB)) :]
        for notation in graph.objects(concept, SKOS.notation):
            codes.setdefault(slug, {})[str(notation)] = URIRef(concept)
    return Schemes(codes)

"""Values a form offers for a parameter of type ``code:<scheme>`` or ``id:<kind>``, read from the
store (the pages of :mod:`endpoint.views.api` cache them per dataset version)."""

from __future__ import annotations

import pyoxigraph as ox

from endpoint.named_queries.params import Term, bind_parameters
from endpoint.store.base import Store
from loaders.iris import ID, VOCAB

CHOICES = {
    "code": """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?value ?label WHERE {
  ?concept skos:inScheme ?scheme ; skos:notation ?value .
  OPTIONAL { ?concept skos:prefLabel ?label FILTER(LANG(?label) = ?lang) }
} ORDER BY ?value""",
    "id": """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?value (SAMPLE(?name) AS ?label) WHERE {
  ?resource rdfs:label ?name .
  FILTER(STRSTARTS(STR(?resource), ?prefix) && (LANG(?name) = ?lang || LANG(?name) IN ("fr", "")))
  BIND(STRAFTER(STR(?resource), ?prefix) AS ?value)
} GROUP BY ?value ORDER BY ?value LIMIT 500""",
}


def read_choices(store: Store, kind: str, target: str, lang: str) -> list[tuple[str, str]]:
    """(value, label) pairs from the store: concepts of scheme ``target`` or ``/id/target/`` IRIs."""
    terms: dict[str, Term | None] = {"lang": ox.Literal(lang)}
    if kind == "code":
        terms["scheme"] = ox.NamedNode(f"{VOCAB}{target}")
    else:
        terms["prefix"] = ox.Literal(f"{ID}{target}/")
    choices = []
    for row in store.query(bind_parameters(CHOICES[kind], terms)):  # type: ignore[union-attr]
        value = row["value"].value
        label = row["label"].value if row["label"] is not None else ""
        choices.append(
            (value, f"{value} — {label}" if label and kind == "code" else label or value)
        )
    return choices

"""The grid matrix: for each innovation, which criteria of the characterisation grid it meets.

``/grid`` (HTML, FR/EN) and ``/grid.csv`` — what a curator uses to bring a spotted initiative
to "caractérisée". Each innovation is validated record by record (``loaders.record_validation``)
with the triples its shapes can reach, read from the store: its own, and those the shapes follow
one hop further (the type of its carrier, the place of its stage...; ``loaders.neighbourhood``).
One innovation's column (its linked-data page) costs two small queries and one small validation
whatever the size of the dataset; the whole matrix is computed batch by batch, in worker
processes when it is large, once per dataset version (at start-up by the warm-up).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, render_template
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from endpoint.app import get_store
from endpoint.describe import values_block, version_cache
from endpoint.i18n import current_lang
from endpoint.networks import cached
from endpoint.store.base import Store
from endpoint.warmup import warmer
from loaders.iris import RALLY
from loaders.neighbourhood import Triple, shape_reach
from loaders.record_validation import PARALLEL_MIN, default_workers
from loaders.validation import grid_columns_of, grid_labels

bp = Blueprint("grid", __name__)

NAMES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?label WHERE {
  ?s a <https://w3id.org/rallynov/def#SocialInnovation> ; rdfs:label ?label }"""
INNOVATIONS = f"SELECT DISTINCT ?s WHERE {{ ?s a <{RALLY.SocialInnovation}> }} ORDER BY ?s"
COUNT = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{RALLY.SocialInnovation}> }}"
BATCH = 400  # innovations per validation batch
WARMUP_MAX = 20_000  # innovations: above, the matrix is computed on the first visit only
VALUES_MAX = 2000  # IRIs per VALUES block
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """A pyoxigraph term as the rdflib term the loaders make (plain strings untyped)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))


def neighbourhood(store: Store, iris: list[str]) -> list[Triple]:
    """The public triples the shapes can read from ``iris``, read level by level (the resources
    one hop away, only the predicates the shapes follow there). Blank nodes are not followed."""
    reach = shape_reach()
    found: dict[Triple, None] = {}
    level = list(dict.fromkeys(iris))
    for depth in range(reach.depth):
        forward, backward = reach.forward[depth], reach.inverse[depth]
        following: dict[str, None] = {}
        for start in range(0, len(level), VALUES_MAX):
            chunk = level[start : start + VALUES_MAX]
            for query, onward in _level_queries(chunk, forward, backward):
                for row in store.query(query):  # type: ignore[union-attr]
                    found[(_term(row["s"]), _term(row["p"]), _term(row["o"]))] = None
                    if isinstance(row[onward], ox.NamedNode):
                        following[row[onward].value] = None
        level = list(following)
    return list(found)


def _level_queries(
    chunk: list[str], forward: frozenset[URIRef] | None, backward: frozenset[URIRef]
) -> list[tuple[str, str]]:
    """The queries for the triples of ``chunk`` (forward, ``None`` meaning every predicate, and
    backward), each with the variable that leads to the next level. The predicates are a FILTER,
    not a second VALUES block: with both, oxigraph may scan every triple of a predicate such as
    ``rdf:type`` (16 s at 100k innovations instead of 0.1 s)."""
    queries = []
    if forward is None or forward:
        only = "" if forward is None else _only(forward)
        queries.append(
            (f"SELECT ?s ?p ?o WHERE {{ {values_block('s', chunk)} ?s ?p ?o {only} }}", "o")
        )
    if backward:
        only = _only(backward)
        queries.append(
            (f"SELECT ?s ?p ?o WHERE {{ {values_block('o', chunk)} ?s ?p ?o {only} }}", "s")
        )
    return queries


def _only(predicates: frozenset[URIRef]) -> str:
    listed = ", ".join(str(ox.NamedNode(p)) for p in sorted(predicates))
    return f"FILTER(?p IN ({listed}))"


def innovation_column(store: Store, iri: str) -> dict[str, str] | None:
    """One innovation's column: criterion code -> ``"yes"``/``"no"`` (None: not an innovation),
    from its neighbourhood alone; kept per dataset version."""

    def compute() -> dict[str, str] | None:
        columns = grid_columns_of([([URIRef(iri)], neighbourhood(store, [iri]))])
        return columns.get(iri)

    return version_cache(current_app, "grid-column").get(store, iri, compute)  # type: ignore[no-any-return]


def grid_columns(store: Store) -> dict[str, dict[str, str]]:
    """Innovation slug -> ``"yes"``/``"no"`` per grid criterion, for every innovation: batches of
    innovations and their neighbourhoods, validated in worker processes for large datasets."""
    innovations = [row["s"].value for row in store.query(INNOVATIONS)]  # type: ignore[union-attr]

    def batches() -> Iterator[tuple[list[URIRef], list[Triple]]]:
        for start in range(0, len(innovations), BATCH):
            chunk = innovations[start : start + BATCH]
            yield [URIRef(i) for i in chunk], neighbourhood(store, chunk)

    workers = default_workers() if len(innovations) >= PARALLEL_MIN else 1
    columns = grid_columns_of(batches(), workers=workers)
    return {iri.rsplit("/", 1)[-1]: column for iri, column in columns.items()}


def cached_grid_columns(store: Store) -> dict[str, dict[str, str]]:
    """:func:`grid_columns` once per dataset version (a request during the warm-up waits for it)."""
    return cached(store, ("grid-matrix",), lambda: grid_columns(store))


@warmer("grid", order=60)
def warm_grid(app: Flask) -> None:
    """The matrix, up to ``WARMUP_MAX`` innovations (at 100,000 it takes a quarter of an hour on
    two cores: longer than benchmarks wait for the warm-up; ``/grid`` then computes it once)."""
    store = get_store(app)
    [count] = list(store.query(COUNT))  # type: ignore[arg-type]
    if int(count["n"].value) <= WARMUP_MAX:
        cached_grid_columns(store)


def _matrix() -> tuple[list[str], list[dict[str, str]]]:
    store = get_store(current_app)
    columns = cached_grid_columns(store)
    names: dict[str, str] = {}
    for row in store.query(NAMES):  # type: ignore[union-attr]
        slug = row["s"].value.rsplit("/", 1)[-1]
        names.setdefault(slug, row["label"].value)
    codes = sorted({code for column in columns.values() for code in column})
    rows = [
        {"id": slug, "name": names.get(slug, slug), **column}
        for slug, column in sorted(columns.items(), key=lambda item: names.get(item[0], item[0]))
    ]
    return codes, rows


@bp.get("/grid")
def grid_page() -> str:
    codes, rows = _matrix()
    labels = grid_labels()
    lang = current_lang()
    headers = [
        {
            "code": code,
            "label": labels.get(code, {}).get(lang) or labels.get(code, {}).get("fr") or code,
        }
        for code in codes
    ]
    return render_template("grid.html", headers=headers, rows=rows)


@bp.get("/grid.csv")
def grid_csv() -> Response:
    codes, rows = _matrix()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["id", "name", *codes], extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="rallynov-grid.csv"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response

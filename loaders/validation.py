"""Validate a build against the characterisation grid: the SHACL shapes of ``shapes/``.

The data graph is the public graph plus the vocabulary graph (ontology, SKOS schemes and the
grid), so that ``sh:targetClass`` sees the class hierarchy and value checks see the schemes;
the restricted graph is never validated with the public shapes (personal data must not be
*in* the public graph, which is what ``personal-data.shacl.ttl`` checks). No inference.
Records are checked one batch at a time, each with its neighbourhood, in parallel on large
builds (:mod:`loaders.record_validation`); the results are those of one pyshacl run over the
whole graph, which ``method="whole"`` still gives.

>>> from loaders import build_graphs
>>> report = validate_build(build_graphs())
>>> report.violations
0
>>> matrix = grid_matrix(build_graphs())
>>> matrix[0]["IS-A1"] in {"yes", "no"}
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from loaders.build import BuildResult
from loaders.iris import RALLY, VOCAB
from loaders.neighbourhood import Triple, UnboundedReachError
from loaders.paths import resource_dir
from loaders.report import ResultRow, ValidationReport, path_text, row_order, short
from loaders.vocab import vocabulary_graph

if TYPE_CHECKING:
    from loaders.validation_cache import ValidationCache

GRID = URIRef(str(VOCAB) + "grid")
LAUREATE = URIRef(str(VOCAB) + "status/st-lau")
# status is the matrix's own column: forcing it to "laureate" makes IS-R5 meaningless there
MATRIX_SKIP = {"IS-R5"}
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


@dataclass(frozen=True)
class ShapeInfo:
    """What the report needs to know about one shape: its criterion and its words."""

    iri: URIRef | BNode
    criterion: str | None
    name: dict[str, str]
    message: dict[str, str]
    paths: str | None


@cache
def shapes_graph() -> Graph:
    """Every ``shapes/*.ttl`` file, parsed once (read-only by convention).

    pyshacl adds two RDFS axioms (``owl:Class rdfs:subClassOf rdfs:Class``...) to it on first
    use; that is idempotent, so sharing the parsed graph between runs is safe.
    """
    graph = Graph()
    for path in sorted(resource_dir("shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _by_lang(graph: Graph, node: URIRef | BNode, predicate: URIRef) -> dict[str, str]:
    texts: dict[str, str] = {}
    for value in graph.objects(node, predicate):
        if isinstance(value, Literal):
            texts.setdefault(value.language or "", str(value))
    return texts


def _criterion_paths(graph: Graph, shape: URIRef | BNode) -> str | None:
    """The path a shape checks; for ``sh:or``/``sh:and`` shapes, the paths of its inline members."""
    path = graph.value(shape, SH.path)
    if path is not None:
        return path_text(graph, path)
    paths: list[str] = []
    for logical in (SH["or"], SH["and"]):
        for members in graph.objects(shape, logical):
            for member in graph.items(members):
                inner = graph.value(member, SH.path)
                if isinstance(member, BNode) and inner is not None:
                    paths.append(path_text(graph, inner))
    return " | ".join(dict.fromkeys(paths)) or None


@cache
def shape_catalogue() -> dict[URIRef | BNode, ShapeInfo]:
    """Every shape that names its criterion, keyed by shape node."""
    graph = shapes_graph()
    codes = grid_codes()
    catalogue: dict[URIRef | BNode, ShapeInfo] = {}
    for shape, concept in graph.subject_objects(DCTERMS.subject):
        if isinstance(shape, URIRef | BNode) and isinstance(concept, URIRef):
            catalogue[shape] = ShapeInfo(
                shape,
                codes.get(concept),
                _by_lang(graph, shape, SH.name),
                _by_lang(graph, shape, SH.message),
                _criterion_paths(graph, shape),
            )
    return catalogue


@cache
def grid_codes() -> dict[URIRef, str]:
    """Criterion concept -> its code (``skos:notation``), from ``ontology/grid.ttl``."""
    graph = vocabulary_graph()
    return {
        concept: str(graph.value(concept, SKOS.notation))
        for concept in graph.subjects(SKOS.inScheme, GRID)
        if isinstance(concept, URIRef)
    }


@cache
def grid_labels() -> dict[str, dict[str, str]]:
    """Criterion code -> its label by language."""
    graph = vocabulary_graph()
    return {
        code: _by_lang(graph, concept, SKOS.prefLabel) for concept, code in grid_codes().items()
    }


@cache
def _shape_predicates() -> frozenset[URIRef]:
    """Every predicate a shape can read: those in its paths, plus types and the class hierarchy."""
    graph = shapes_graph()
    predicates = {RDF.type, RDFS.subClassOf}
    for path in graph.objects(None, SH.path):
        predicates.update(_path_iris(graph, path))
    return frozenset(predicates)


def _path_iris(graph: Graph, path: Node) -> set[URIRef]:
    if isinstance(path, URIRef):
        return {path}
    found: set[URIRef] = set()
    for node in [*graph.objects(path, None), *graph.items(path)]:
        if node != RDF.nil:
            found |= _path_iris(graph, node)
    return found


@cache
def _vocabulary_support(vocabulary: Graph) -> tuple[tuple[Node, Node, Node], ...]:
    """The vocabulary triples the shapes can see (classes, schemes, broader concepts...).

    Copying only these, rather than every label and definition, halves the cost of building
    the data graph; the results are the same since no shape reads the other predicates.
    """
    predicates = _shape_predicates()
    return tuple(t for t in vocabulary if t[1] in predicates)


def data_graph(
    result: BuildResult, public: Iterable[tuple[Node, Node, Node]] | None = None
) -> Graph:
    """The graph the shapes see: public triples (or ``public``) plus the vocabulary graph."""
    graph = Graph()
    triples = result.public_triples if public is None else public
    graph.addN((s, p, o, graph) for s, p, o in triples)
    graph.addN((s, p, o, graph) for s, p, o in _vocabulary_support(result.vocabulary))
    return graph


def run_shapes(data: Graph) -> Graph:
    """pyshacl over ``data`` with the cached shapes; returns the SHACL report graph."""
    _conforms, report, _text = pyshacl.validate(
        data,
        shacl_graph=shapes_graph(),
        inference="none",
        advanced=False,
        inplace=True,
    )
    assert isinstance(report, Graph)
    return report


def focus_nodes(data: Graph, shapes: Iterable[Node] | None = None) -> set[URIRef]:
    """The resources that the shapes (or only ``shapes``) target: the records checked."""
    graph = shapes_graph()
    nodes: set[URIRef] = set()
    for shape, kind, target in graph.triples((None, None, None)):
        if kind not in _TARGETS or (shapes is not None and shape not in shapes):
            continue
        if kind == SH.targetNode:
            found: Iterable[Node] = [target]
        elif kind == SH.targetSubjectsOf and isinstance(target, URIRef):
            found = data.subjects(target, None)
        elif kind == SH.targetObjectsOf and isinstance(target, URIRef):
            found = data.objects(None, target)
        else:
            classes = set(data.transitive_subjects(RDFS.subClassOf, target))
            found = (s for cls in classes for s in data.subjects(RDF.type, cls))
        nodes.update(n for n in found if isinstance(n, URIRef))
    return nodes


def report_rows(report: Graph, data: Graph, result: BuildResult) -> list[ResultRow]:
    """One row per top-level SHACL result, with its criterion, messages and source row."""
    catalogue = shape_catalogue()
    rows: list[ResultRow] = []
    # top-level results only: pyshacl also nests the results of sh:node under sh:detail
    for node in report.objects(None, SH.result):
        if not isinstance(node, URIRef | BNode):
            continue
        focus = report.value(node, SH.focusNode)
        shape = report.value(node, SH.sourceShape)
        info = catalogue.get(shape) if isinstance(shape, URIRef | BNode) else None
        path = report.value(node, SH.resultPath)
        messages = _by_lang(report, node, SH.resultMessage)
        if info is not None:
            messages = {**messages, **info.message}
        origin = result.origin(focus) if isinstance(focus, URIRef) else None
        value = report.value(node, SH.value)
        if path is not None:
            path_shown: str | None = path_text(report, path)
        else:
            path_shown = info.paths if info else None
        rows.append(
            ResultRow(
                focus=str(focus),
                label=str(data.value(focus, RDFS.label) or "") if focus is not None else "",
                path=path_shown,
                component=short(report.value(node, SH.sourceConstraintComponent)),
                severity=short(report.value(node, SH.resultSeverity)).removeprefix("sh:"),
                shape=short(shape) if isinstance(shape, URIRef) else "",
                criterion=info.criterion if info else None,
                message_fr=messages.get("fr") or messages.get("", ""),
                message_en=messages.get("en") or messages.get("", ""),
                file=origin.file if origin else None,
                where=origin.where if origin else None,
                value=str(value) if value is not None and value != focus else None,
            )
        )
    rows.sort(key=row_order)
    return rows


def validate_build(
    result: BuildResult,
    lang: str = "en",
    *,
    method: str = "auto",
    workers: int | None = None,
    cache: ValidationCache | None = None,
) -> ValidationReport:
    """Validate the public graph of a build; the report reads in ``lang`` by default.

    ``method``: ``"records"`` checks each record with its neighbourhood, in batches spread over
    ``workers`` processes (:mod:`loaders.record_validation`; one process for small builds);
    ``"whole"`` runs pyshacl once over the whole graph. Both give the same results; ``"auto"``
    takes the first unless the shapes read further than a record's neighbourhood. With a
    ``cache`` (record by record only), records whose neighbourhood is unchanged since the cache
    last saw them keep their results (:mod:`loaders.validation_cache`).
    """
    if method != "whole":
        try:
            return _validate_by_record(result, lang, workers, cache)
        except UnboundedReachError:
            if method == "records":
                raise
    data = data_graph(result)
    report = run_shapes(data)
    rows = report_rows(report, data, result)
    return _report(rows, list(focus_nodes(data)), report, lang, METHODS["whole"], 1)


METHODS = {"whole": "pyshacl over the whole public graph", "records": "record by record"}


def _validate_by_record(
    result: BuildResult, lang: str, workers: int | None, cache: ValidationCache | None
) -> ValidationReport:
    from loaders.record_validation import validate_records

    outcome = validate_records(result, workers=workers, cache=cache)
    checked = [n for n in outcome.focus if isinstance(n, URIRef)]
    method = f"{METHODS['records']} ({outcome.batches} batches)"
    report = _report(
        outcome.report_rows, checked, outcome.report_graph, lang, method, outcome.workers
    )
    report.reused = outcome.reused
    return report


def _report(
    rows: list[ResultRow], checked: list[URIRef], graph: Graph, lang: str, method: str, workers: int
) -> ValidationReport:
    flagged = {r.focus for r in rows if r.severity in {"Violation", "Warning"}}
    names = {str(n) for n in checked}
    return ValidationReport(
        results=rows,
        records_checked=len(names),
        conforming=len(names - flagged),
        report_graph=graph,
        lang=lang,
        labels=grid_labels(),
        method=method,
        workers=workers,
    )


def grid_matrix(
    result: BuildResult,
    *,
    only: Iterable[URIRef] | None = None,
    method: str = "auto",
    workers: int | None = None,
) -> list[dict[str, str]]:
    """One row per innovation (or per innovation of ``only``): id, name, status, then
    ``"yes"``/``"no"`` per grid criterion.

    Each innovation is checked against the *whole* grid, whatever its status (its status is
    read as "laureate" for the check), so the row shows what a curator must still fill in to
    bring a spotted initiative to "caractérisée". ``method`` and ``workers`` as for
    :func:`validate_build`; record by record, only the innovations are checked.
    """
    typed = {
        s for s, p, o in result.public_triples if p == RDF.type and o == RALLY.SocialInnovation
    }
    innovations = sorted(typed if only is None else typed & set(only))
    statuses = {s: o for s, p, o in result.public_triples if p == RALLY.status and s in typed}
    labels = reversed(result.public_triples)  # the first label of each, as Graph.value gives
    names = {s: str(o) for s, p, o in labels if p == RDFS.label and s in typed}
    public = as_laureates(result.public_triples)
    failed = _unmet(result, public, innovations, method, workers)
    codes = innovation_criteria()
    matrix = []
    for innovation in innovations:
        status = statuses.get(innovation)
        notation = result.vocabulary.value(status, SKOS.notation) if status is not None else None
        row = {
            "id": str(innovation).rsplit("/", 1)[-1],
            "name": names.get(innovation, ""),
            "status": str(notation or ""),
        }
        row.update({code: "no" if (str(innovation), code) in failed else "yes" for code in codes})
        matrix.append(row)
    return matrix


def as_laureates(triples: Sequence[Triple]) -> list[Triple]:
    """``triples`` with every innovation's status read as "laureate": the matrix's view."""
    typed = {s for s, p, o in triples if p == RDF.type and o == RALLY.SocialInnovation}
    kept = [t for t in triples if t[1] != RALLY.status or t[0] not in typed]
    return kept + [(i, RALLY.status, LAUREATE) for i in sorted(typed, key=str)]


def grid_columns_of(
    batches: Iterable[tuple[list[URIRef], Sequence[Triple]]], *, workers: int = 1
) -> dict[str, dict[str, str]]:
    """Innovation IRI -> ``"yes"``/``"no"`` per criterion, for batches of innovations given with
    every triple their shapes can reach (see :func:`loaders.record_validation.validate_batches`):
    the matrix's columns without a whole build in memory (a server reads them from its store)."""
    from loaders.record_validation import validate_batches

    def tasks() -> Iterator[tuple[list[URIRef], list[Triple]]]:
        for focus, triples in batches:
            typed = {s for s, p, o in triples if p == RDF.type and o == RALLY.SocialInnovation}
            yield [i for i in focus if i in typed], as_laureates(triples)

    outcome = validate_batches(tasks(), vocabulary_graph(), workers=workers)  # type: ignore[arg-type]
    failed = {(r.focus, r.criterion) for r in outcome.report_rows}
    codes = innovation_criteria()
    return {
        str(i): {code: "no" if (str(i), code) in failed else "yes" for code in codes}
        for i in outcome.focus
    }


def _unmet(
    result: BuildResult,
    public: Sequence[Triple],
    innovations: list[URIRef],
    method: str,
    workers: int | None,
) -> set[tuple[str, str | None]]:
    """(innovation, criterion) for every result about the innovations in ``public``."""
    if method != "whole":
        from loaders.record_validation import validate_records

        try:
            outcome = validate_records(result, public, innovations, workers=workers)
            return {(r.focus, r.criterion) for r in outcome.report_rows}
        except UnboundedReachError:
            if method == "records":
                raise
    data = data_graph(result, public)
    return {(r.focus, r.criterion) for r in report_rows(run_shapes(data), data, result)}


@cache
def innovation_criteria() -> list[str]:
    """The grid codes checked on innovations, in code order: the columns of the matrix."""
    graph = shapes_graph()
    catalogue = shape_catalogue()
    codes = {
        info.criterion
        for shape, info in catalogue.items()
        if info.criterion and (shape, SH.targetClass, RALLY.SocialInnovation) in graph
    }
    return sorted(code for code in codes if code and code not in MATRIX_SKIP)

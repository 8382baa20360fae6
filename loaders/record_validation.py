"""Record-by-record validation: each record checked with its neighbourhood, batches in parallel.

pyshacl over a whole large graph is slow (155 s at 10,000 innovations) and its memory grows with
the graph. SHACL Core is local, so the results for a record only depend on the triples its shapes
can reach (:mod:`loaders.neighbourhood`). Here the records (focus nodes) are cut into batches;
each batch is validated on the union of its records' neighbourhoods plus the vocabulary, and only
the results about its own records are kept (a neighbour is validated in its own batch, with its
own neighbourhood). The tests check that the results are exactly those of whole-graph validation.

Two ways to feed the workers:

- :func:`validate_records` (a build in memory): worker processes forked from this one share the
  index of the triples and the harvested shapes with it (nothing is copied or parsed again); they
  cut their batches' neighbourhoods themselves and send back report rows and report triples;
- :func:`validate_batches` (batches given with their triples, e.g. read from a store by a
  server): each batch's triples are sent to the workers as they ask for work.

>>> from loaders import build_graphs
>>> outcome = validate_records(build_graphs(), workers=1)
>>> len(outcome.focus) > 100 and outcome.report_rows == sorted(outcome.report_rows, key=row_order)
True
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from loaders.build import BuildResult
from loaders.neighbourhood import Triple, TripleIndex, focus_of, shape_reach
from loaders.report import ResultRow, row_order
from loaders.shacl_engine import run_shapes_on, shapes_engine, tune_pyshacl

if TYPE_CHECKING:
    from loaders.validation_cache import ValidationCache

BATCH_SIZE = 400
PARALLEL_MIN = 2000  # fewer records: one process, forking would cost more than it saves
Task = tuple[list[Node], Sequence[Triple] | None]  # focus nodes, and their triples if given
# conforms, report rows, report triples, the focus nodes checked
BatchOutcome = tuple[bool, list[ResultRow], list[Triple], list[Node]]


@dataclass(frozen=True)
class _Context:
    """What every batch needs besides its own triples."""

    index: TripleIndex | None  # to cut the batches' neighbourhoods (None: given with the batch)
    support: list[Triple]
    result: BuildResult


_FORKED: list[_Context] = []  # the context forked workers inherit (one parallel run at a time)
_PARALLEL = threading.Lock()


@dataclass
class Outcome:
    """The merged result of every batch."""

    report_graph: Graph
    report_rows: list[ResultRow]
    focus: list[Node]
    workers: int
    batches: int
    conforms: bool = True
    reused: int = 0  # records whose results came from the validation cache


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def support_triples(vocabulary: Graph, public: Iterable[Triple] = ()) -> list[Triple]:
    """Triples every batch needs: the vocabulary the shapes read, and any class hierarchy."""
    from loaders.validation import _vocabulary_support

    subclass = {RDFS.subClassOf}  # a set: membership tries identity before rdflib's slow __eq__
    hierarchy = (t for t in public if t[1] in subclass)
    return [*_vocabulary_support(vocabulary), *hierarchy]


def _validate_batch(task: Task, context: _Context) -> BatchOutcome:
    """One batch, in a worker (or in this process): its rows and its report's results."""
    from loaders.validation import report_rows

    focus, triples = task
    if triples is None:
        assert context.index is not None
        triples = context.index.neighbourhood(focus)
    data = Graph()
    data.addN((s, p, o, data) for s, p, o in triples)
    data.addN((s, p, o, data) for s, p, o in context.support)
    conforms, report = run_shapes_on(data, focus)
    rows = report_rows(report, data, context.result)
    results = [t for t in report if t[1] != SH.conforms and (t[1], t[2]) != (RDF.type, _REPORT)]
    return conforms, rows, results, focus


_REPORT = SH.ValidationReport


def _validate_forked(task: Task) -> BatchOutcome:
    return _validate_batch(task, _FORKED[0])


def _worker_started() -> None:
    tune_pyshacl(text_report=False)


def _run(tasks: Iterable[Task], context: _Context, workers: int) -> Iterator[BatchOutcome]:
    """The batches' outcomes, from ``workers`` forked processes (or from this one)."""
    shapes_engine()  # harvested here once: the workers inherit it
    tune_pyshacl()
    # Frozen, the objects of the build are left alone by the garbage collector: no full
    # collection walks millions of triples again, and forked workers do not copy their pages.
    gc.freeze()
    try:
        if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            yield from (_validate_batch(task, context) for task in tasks)
            return
        with _PARALLEL:
            _FORKED[:] = [context]
            try:
                # fork, not spawn: nothing to parse again, and no main module to import again
                start = multiprocessing.get_context("fork")
                with start.Pool(workers, initializer=_worker_started) as pool:
                    # tasks are read lazily: a few batches at most wait in the pipe
                    yield from pool.imap_unordered(_validate_forked, tasks)
            finally:
                _FORKED.clear()
    finally:
        gc.unfreeze()


def _merge(outcomes: Iterable[BatchOutcome]) -> tuple[Graph, list[ResultRow], bool]:
    """One report graph (one sh:ValidationReport) and the sorted rows of every batch."""
    report = Graph(bind_namespaces="core")
    for prefix, namespace in shapes_engine().graph.namespace_manager.namespaces():
        report.bind(prefix, namespace)
    root = BNode()
    conforms, rows = True, []
    for ok, found, results, _focus in outcomes:
        conforms = conforms and ok
        rows.extend(found)
        for s, p, o in results:
            report.add((root, p, o) if p == SH.result else (s, p, o))
    report.add((root, RDF.type, _REPORT))
    report.add((root, SH.conforms, Literal(conforms)))
    rows.sort(key=row_order)
    return report, rows, conforms


def validate_records(
    result: BuildResult,
    public: Sequence[Triple] | None = None,
    focus: Iterable[Node] | None = None,
    *,
    workers: int | None = None,
    batch_size: int | None = None,
    cache: ValidationCache | None = None,
) -> Outcome:
    """Validate the public triples (or ``public``) record by record; ``focus`` limits the records
    checked (default: every node a shape targets). ``workers`` processes (default: every core,
    or this process alone below ``PARALLEL_MIN`` records); batches of ``batch_size`` records
    (default: at most ``BATCH_SIZE``, and four batches per worker at least). With a ``cache``,
    only the records whose neighbourhood changed since it last saw them are validated again."""
    from loaders.validation import shapes_graph

    triples = result.public_triples if public is None else public
    index = TripleIndex(triples, shape_reach())
    support = support_triples(result.vocabulary, triples)
    nodes = focus_of(shapes_graph(), index, support) if focus is None else list(focus)
    result.origin(RDF.nil)  # the index of sources, made once here rather than in each worker
    parallel = default_workers() if workers is None else workers
    if cache is not None:
        gc.freeze()  # forked workers share the index without the collector touching its pages
        try:
            keys = cache.keys(nodes, index, support, parallel if len(nodes) >= PARALLEL_MIN else 1)
        finally:
            gc.unfreeze()
        reused = cache.lookup(keys, result.origin)
    else:
        keys, reused = {}, {}
    todo = [n for n in nodes if n not in reused]
    if workers is None:
        workers = parallel if len(todo) >= PARALLEL_MIN else 1
    workers = max(1, workers)
    spread = -(-len(todo) // (4 * workers))  # four batches per worker at least, for balance
    size = batch_size or (BATCH_SIZE if workers == 1 else max(1, min(BATCH_SIZE, spread)))
    tasks: list[Task] = [(todo[i : i + size], None) for i in range(0, len(todo), size)]
    workers = max(1, min(workers, len(tasks)))
    context = _Context(index, support, result)
    checked = list(_run(tasks, context, workers)) if tasks else []
    if cache is not None:
        cache.store(keys, checked)
    report, rows, conforms = _merge(chain(reused.values(), checked))
    return Outcome(report, rows, nodes, workers, len(tasks), conforms, len(reused))


def validate_batches(
    tasks: Iterable[tuple[list[Node], Sequence[Triple]]],
    vocabulary: Graph,
    *,
    workers: int = 1,
) -> Outcome:
    """Validate batches given with their triples (each batch's focus nodes and every triple
    their shapes can reach, e.g. from :meth:`TripleIndex.neighbourhood` or from a store).

    With ``workers`` > 1 the batches are read as the workers need them (a server can fetch each
    batch's triples from its store) and their triples sent to the workers. Results carry no source
    rows; a class hierarchy the shapes need must come with the triples (the vocabulary's is added).
    """
    checked: list[Node] = []
    batches = [0]

    def counted() -> Iterator[Task]:
        for focus, triples in tasks:
            checked.extend(focus)
            batches[0] += 1
            yield focus, triples

    context = _Context(None, support_triples(vocabulary), BuildResult([], [], vocabulary))
    report, rows, conforms = _merge(_run(counted(), context, workers))
    return Outcome(report, rows, checked, workers, batches[0], conforms)

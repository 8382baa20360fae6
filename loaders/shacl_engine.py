"""pyshacl restricted to some focus nodes, with its shapes harvested once per process.

``pyshacl.validate`` parses and harvests the shapes at every call and validates every node its
shapes target. :func:`run_shapes_on` keeps one harvested :class:`ShapesGraph` per process and
checks only the given focus nodes: each targeted shape validates the nodes it targets among them,
exactly as ``pyshacl.validate`` would (same constraint components, same report graph), while the
shapes reached from there (``sh:node``, ``sh:or``...) see every value node. (pyshacl's own
``focus_nodes`` option does not do this: it also filters the value nodes of nested shapes.)
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from pyshacl import Validator
from pyshacl.graph_abstraction import DataGraph
from pyshacl.pytypes import SHACLExecutor
from pyshacl.shapes_graph import ShapesGraph
from rdflib import Graph
from rdflib.term import Node


@cache
def shapes_engine() -> ShapesGraph:
    """pyshacl's view of ``shapes/``, harvested once per process (forked workers inherit it)."""
    from loaders.validation import shapes_graph

    engine = ShapesGraph(shapes_graph())
    _ = engine.shapes  # harvest now (before any fork)
    return engine


def run_shapes_on(data: Graph, focus: Iterable[Node]) -> tuple[bool, Graph]:
    """Validate the ``focus`` nodes of ``data`` (no inference, SHACL Core); the SHACL report."""
    engine = shapes_engine()
    wanted = set(focus)
    graph = DataGraph.from_rdflib(data)
    executor = SHACLExecutor()
    conforms, reports = True, []
    for shape in engine.shapes:
        nodes = [n for n in shape.focus_nodes(graph) if n in wanted]
        if nodes:
            ok, found = shape.validate(executor, graph, focus=nodes)
            conforms = conforms and ok
            reports.extend(found)
    report, _text = Validator.create_validation_report(engine, conforms, reports)
    return conforms, report


class _ParameterList(list):  # type: ignore[type-arg]
    """pyshacl's list of constraint parameters, with membership by hash instead of by scan."""

    def __init__(self, items: Iterable[Node]):
        super().__init__(items)
        self.members = frozenset(self)

    def __contains__(self, item: object) -> bool:
        return item in self.members


def tune_pyshacl(text_report: bool = True) -> None:
    """Two costs of pyshacl that do not change its results, removed.

    Each time a shape is checked (for each value node of each ``sh:or`` member...), pyshacl finds
    its constraint parameters by scanning a list of 40 IRIs for each predicate of the shape: a set
    answers the same. And each result, even one an ``sh:or`` discards at once, gets a description
    for the text report; ``text_report=False`` skips it (in worker processes, whose text report
    nobody reads). Together about a third of the time spent on an innovation (measured with
    ``bench/build_speed.py``). Skipped if pyshacl's internals are not the expected ones.
    """
    import pyshacl.shape as shape_module
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
    from pyshacl.constraints.constraint_component import ConstraintComponent

    current = getattr(shape_module, "CONSTRAINT_PARAMS", (None, None))[0]
    if not isinstance(current, _ParameterList) and isinstance(ALL_CONSTRAINT_PARAMETERS, list):
        parameters = _ParameterList(ALL_CONSTRAINT_PARAMETERS)
        shape_module.CONSTRAINT_PARAMS = (parameters, CONSTRAINT_PARAMETERS_MAP)  # type: ignore[attr-defined]
    if not text_report and hasattr(ConstraintComponent, "make_v_result_description"):
        ConstraintComponent.make_v_result_description = _no_description  # type: ignore[method-assign]


def _no_description(*_args: object, **_kwargs: object) -> str:
    return ""

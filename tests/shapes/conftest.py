"""Fixtures for the shape tests.

``data/complete.ttl`` is a small hand-written graph in which every record meets every shape;
``data/levels/`` holds CSV tables (one spotted initiative and its context) read by the loader.
Results are compared on (focus node, path, constraint component, severity), never on text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph

from loaders.build import BuildResult
from loaders.report import ValidationReport
from loaders.validation import validate_build
from loaders.vocab import vocabulary_graph

DATA = Path(__file__).parent / "data"

Key = tuple[str, str | None, str, str]


@pytest.fixture(scope="session")
def shapes_data() -> Path:
    return DATA


@pytest.fixture(scope="session")
def complete_graph() -> Graph:
    return Graph().parse(DATA / "complete.ttl", format="turtle")


@pytest.fixture(scope="session")
def report_of() -> Callable[[Graph], ValidationReport]:
    """Validate a graph as the public graph of a build (rows then have no source file)."""

    def run(graph: Graph) -> ValidationReport:
        return validate_build(BuildResult(list(graph), [], vocabulary_graph()))

    return run


@pytest.fixture(scope="session")
def results_of(report_of: Callable[[Graph], ValidationReport]) -> Callable[[Graph], set[Key]]:
    """The results of a graph as (focus node, path, constraint component, severity)."""

    def run(graph: Graph) -> set[Key]:
        return {(r.focus, r.path, r.component, r.severity) for r in report_of(graph).results}

    return run

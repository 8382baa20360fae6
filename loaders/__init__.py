"""Source records -> RDF graph, one clear path.

    read (CSV, XLSX, YAML/JSON tables; Turtle, N-Triples, JSON-LD files)
      -> check each record's shape (``tables``)
      -> resolve identities and references (``records``)
      -> map to triples with stable URIs (``mapping``)
      -> a :class:`~loaders.build.BuildResult` holding the named graphs.

This package never imports Flask or ``endpoint``: the endpoint imports us.
"""

from loaders.build import BuildResult, build_graphs
from loaders.errors import InputError, Problem, RallynovError

__all__ = ["BuildResult", "InputError", "Problem", "RallynovError", "build_graphs"]

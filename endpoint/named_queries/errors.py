"""The errors of the named queries (all :class:`loaders.errors.RallynovError`)::

    RallynovError
     ├── QueryFileError     a query file is wrong (file and line): start-up stops
     ├── UnknownQueryError  no named query has that name (HTTP 404)
     └── ParameterError     a parameter is unknown, missing or not of its type (HTTP 400)

The API answers the last two with their status; a bad file stops start-up.
"""

from __future__ import annotations

from pathlib import Path

from loaders.errors import RallynovError


class QueryFileError(RallynovError):
    """A named query file cannot be used; says which file and line."""

    def __init__(self, path: Path, line: int, message: str):
        self.path, self.line = path, line
        super().__init__(f"{path}, line {line}: {message}")


class UnknownQueryError(RallynovError):
    """No named query has the asked name."""

    def __init__(self, name: str, known: list[str]):
        self.name = name
        super().__init__(f"no named query {name!r}; known: {', '.join(known)}")


class ParameterError(RallynovError):
    """A parameter value is unknown, missing or not of the declared type."""

    def __init__(self, name: str, message: str):
        self.name = name
        super().__init__(message)

"""The errors of the project, one rooted hierarchy::

RallynovError
 ├── InputError          bad source records: a list of Problems, all reported at once (exit 2)
 ├── GridViolationError    records read fine but violate the grid (SHACL Violation, exit 1)
 └── StoreError          the store cannot be read or written (exit 2)
"""

from __future__ import annotations

from dataclasses import dataclass


class RallynovError(Exception):
    """Root of every expected failure; the CLI turns it into a sentence, never a traceback."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one place of one input file.

    >>> str(Problem("data/x.csv", "line 3", "needs", "C9-XXX", "a code of scheme 'need'", "C1-SEC"))
    "data/x.csv, line 3, field 'needs': 'C9-XXX' is not valid; expected a code of scheme 'need' (did you mean 'C1-SEC'?)"
    """

    file: str
    where: str
    field: str | None
    value: str | None
    expected: str
    suggestion: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.where:
            parts.append(self.where)
        if self.field:
            parts.append(f"field {self.field!r}")
        head = ", ".join(parts)
        if self.value is None:
            text = f"{head}: {self.expected}"
        else:
            text = f"{head}: {self.value!r} is not valid; expected {self.expected}"
        if self.suggestion:
            text += f" (did you mean {self.suggestion!r}?)"
        return text


class InputError(RallynovError):
    """Source records that cannot be loaded; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the input:\n{lines}")


class GridViolationError(RallynovError):
    """The records violate the characterisation grid; ``report`` is the readable report."""

    def __init__(self, report: str):
        self.report = report
        super().__init__(report)


class StoreError(RallynovError):
    """The store cannot be opened, read or written."""

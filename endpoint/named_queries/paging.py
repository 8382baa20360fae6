"""Pages of a named query's result: ``limit`` and ``offset`` slice the cached result (a page is
never a new query). :func:`parse_paging` reads them; :class:`Page` says which rows and where the
neighbouring pages start.

>>> parse_paging({"limit": "50", "edition": "2014"}, default=1000, most=10000)
(0, 50)
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from dataclasses import dataclass

from endpoint.named_queries.errors import ParameterError

PAGING = ("limit", "offset")  # query-string names; no query file may declare them (RESERVED)
PAGE_SIZE = 1000  # rows of a JSON page when the asker gives no ``limit`` (see Page)


@dataclass(frozen=True)
class Page:
    """Rows ``offset`` to ``offset + limit`` of a result of ``total`` rows (``limit`` None: to
    the end). ``next_offset`` and ``prev_offset`` are where the neighbouring pages start.

    >>> Page(0, 1000, 2500).next_offset, Page(2000, 1000, 2500).next_offset
    (1000, None)
    >>> Page(1000, 1000, 2500).prev_offset, Page(5000, 1000, 2500).prev_offset
    (0, 1500)
    """

    offset: int
    limit: int | None
    total: int

    @property
    def slice(self) -> slice:
        return slice(self.offset, None if self.limit is None else self.offset + self.limit)

    @property
    def whole(self) -> bool:
        """The page holds every row of the result."""
        return self.offset == 0 and (self.limit is None or self.limit >= self.total)

    @property
    def next_offset(self) -> int | None:
        if not self.limit or self.offset + self.limit >= self.total:
            return None
        return self.offset + self.limit

    @property
    def prev_offset(self) -> int | None:
        """The page before; past the end, the last page (a page of ``limit`` rows)."""
        if not self.limit or self.offset == 0:
            return None
        return max(0, min(self.offset, self.total) - self.limit)


def parse_paging(
    values: MutableMapping[str, str], *, default: int | None, most: int
) -> tuple[int, int | None]:
    """``(offset, limit)`` taken out of ``values``; ``limit`` is ``default`` when not given (an
    empty value is not given). Raises :class:`ParameterError` naming the parameter when a value
    is not an integer from 0 to ``most``.
    """
    counts: dict[str, int | None] = {}
    for name in PAGING:
        raw = str(values.pop(name, "")).strip()
        if raw and not (re.fullmatch(r"[0-9]{1,18}", raw) and int(raw) <= most):
            shown = raw if len(raw) <= 40 else raw[:37] + "..."
            raise ParameterError(
                name,
                f"parameter {name!r}: {shown!r} is not valid; expected an integer from 0 to {most}",
            )
        counts[name] = int(raw) if raw else None
    limit = counts["limit"]
    if limit is None and default is not None:
        limit = min(default, most)
    return counts["offset"] or 0, limit

"""Validate only the records a change touched: results kept by what the shapes read.

Record-by-record validation (:mod:`loaders.record_validation`) gives each record results that
depend on nothing but its neighbourhood (the triples its shapes can reach), the vocabulary the
shapes see, the shapes themselves and the code that runs them. This cache keys a record's results
by a digest of all of that, so that validating again after an edit re-runs pyshacl only on the
records whose neighbourhood changed; every other record gets the results it had, byte for byte
(the source rows, which a change elsewhere in the file can shift, are filled in afresh).

The cache is one SQLite file (``RALLYNOV_VALIDATION_CACHE``, by default
``~/.cache/rallynov/validation.sqlite``); it holds digests, report rows and the SHACL result
triples, never the data. A record with a blank node in its neighbourhood is always validated
again (blank node labels change from one build to the next). A cache that cannot be read or
written is skipped, with a warning: validation then runs in full, never wrongly.

>>> from loaders import build_graphs
>>> from loaders.record_validation import validate_records
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as folder:
...     cache = ValidationCache(pathlib.Path(folder) / "v.sqlite")
...     first = validate_records(build_graphs(), workers=1, cache=cache)
...     again = validate_records(build_graphs(), workers=1, cache=cache)
>>> (first.reused, again.reused == len(again.focus), again.report_rows == first.report_rows)
(0, True, True)
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import os
import sqlite3
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from importlib import metadata
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from loaders.neighbourhood import Triple, TripleIndex
from loaders.record_validation import BatchOutcome
from loaders.report import ResultRow

MAX_ENTRIES = 2_000_000  # the oldest entries go beyond this (about 200 bytes each)
# the code whose behaviour the results depend on, besides the shapes and the vocabulary
_CODE = (
    "record_validation.py",
    "shacl_engine.py",
    "validation.py",
    "report.py",
    "neighbourhood.py",
    "validation_cache.py",  # how entries are stored
)
_ROOT = URIRef("urn:x-rallynov:validation-report")  # stands for the report node in stored triples


def default_path() -> Path:
    """``RALLYNOV_VALIDATION_CACHE``, or ``rallynov/validation.sqlite`` in the user's cache."""
    given = os.environ.get("RALLYNOV_VALIDATION_CACHE")
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rallynov" / "validation.sqlite"


@cache
def _code_digest() -> bytes:
    """The shapes files, our validation code and the libraries' versions: any change to them,
    and no entry made before it matches any more."""
    from loaders.paths import resource_dir

    digest = hashlib.blake2b(digest_size=16)
    for name in ("pyshacl", "rdflib"):
        digest.update(f"{name}={metadata.version(name)}\n".encode())
    here = Path(__file__).parent
    shapes = sorted(resource_dir("shapes").glob("*.ttl"))
    for path in [*(here / name for name in _CODE), *shapes]:
        digest.update(path.name.encode() + b"\x00" + path.read_bytes())
    return digest.digest()


class _Keys:
    """Digests of a run's records; each triple (a tuple shared by the index) is encoded once."""

    def __init__(self) -> None:
        self.lines: dict[int, bytes | None] = {}
        self.keep: list[Triple] = []  # the triples whose id() is a key above stay alive

    @staticmethod
    def term(term: Node) -> bytes | None:
        kind = type(term)
        if kind is URIRef:
            return b"<" + term.encode()  # type: ignore[union-attr]
        if kind is Literal or isinstance(term, Literal):
            return f'"{term}"@{term.language or ""}^^{term.datatype or ""}'.encode()  # type: ignore[union-attr]
        if isinstance(term, URIRef):
            return b"<" + str(term).encode()
        return None  # a blank node: its label changes from one build to the next

    def line(self, triple: Triple) -> bytes | None:
        known = self.lines.get(id(triple), b"")
        if known != b"":
            return known
        texts = [self.term(term) for term in triple]
        text = None if None in texts else b"\x00".join(texts) + b"\x01"  # type: ignore[arg-type]
        self.lines[id(triple)] = text
        self.keep.append(triple)
        return text

    def record(self, node: Node, triples: list[Triple], seed: bytes) -> bytes | None:
        """The digest of one record's neighbourhood: its own triples in their order (a record's
        first label is the one its report rows show), the others as a set (their order comes
        from hashing, which differs from one process to the next)."""
        own, others = [], []
        for triple in triples:
            text = self.line(triple)
            if text is None:
                return None
            (own if triple[0] is node or triple[0] == node else others).append(text)
        others.sort()
        digest = hashlib.blake2b(seed, digest_size=20)
        digest.update(self.term(node) or b"_:")
        digest.update(b"".join(own))
        digest.update(b"\x02")
        digest.update(b"".join(others))
        return digest.digest()


_CHUNK = 2000  # records per task when forked workers compute the digests
_SHARED: list[tuple[TripleIndex, bytes]] = []  # what the forked workers inherit


def _digests(nodes: Sequence[Node], index: TripleIndex, seed: bytes) -> list[bytes | None]:
    terms = _Keys()
    return [terms.record(node, index.neighbourhood([node]), seed) for node in nodes]


def _digests_forked(nodes: Sequence[Node]) -> list[bytes | None]:
    return _digests(nodes, *_SHARED[0])


class ValidationCache:
    """Results of record-by-record validation, by the digest of what a record's shapes read."""

    def __init__(self, path: Path):
        self.path = path
        self._db: sqlite3.Connection | None = None
        self.failed = False

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and not self.failed:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=30)
                db.execute(
                    "CREATE TABLE IF NOT EXISTS results "
                    "(key BLOB PRIMARY KEY, rows TEXT, report TEXT, used INTEGER)"
                )
                self._db = db
            except (OSError, sqlite3.Error) as exc:
                self._give_up(exc)
        return self._db

    def _give_up(self, exc: Exception) -> None:
        self.failed = True
        self._db = None
        warnings.warn(
            f"validation cache {self.path} unusable ({exc}); validating every record",
            RuntimeWarning,
            stacklevel=3,
        )

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def keys(
        self,
        nodes: Sequence[Node],
        index: TripleIndex,
        support: Sequence[Triple],
        workers: int = 1,
    ) -> dict[Node, bytes]:
        """Each node's digest (nodes with a blank node in their neighbourhood have none), in
        ``workers`` forked processes that share the index with this one."""
        # the vocabulary, in an order and with blank nodes that do not depend on the parse
        lines = sorted(b"\x00".join(_Keys.term(t) or b"_:" for t in triple) for triple in support)
        seed = hashlib.blake2b(b"\x01".join([_code_digest(), *lines]), digest_size=20).digest()
        chunks = [nodes[i : i + _CHUNK] for i in range(0, len(nodes), _CHUNK)]
        if workers <= 1 or len(chunks) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            digests = [_digests(chunk, index, seed) for chunk in chunks]
        else:
            _SHARED[:] = [(index, seed)]
            try:
                with multiprocessing.get_context("fork").Pool(workers) as pool:
                    digests = pool.map(_digests_forked, chunks)
            finally:
                _SHARED.clear()
        return {
            node: key
            for chunk, keys in zip(chunks, digests, strict=True)
            for node, key in zip(chunk, keys, strict=True)
            if key is not None
        }

    def lookup(self, keys: dict[Node, bytes], origin_of: Origin) -> dict[Node, BatchOutcome]:
        """The stored outcome of every node whose digest is known, its rows' sources filled in."""
        db = self._connect()
        if db is None or not keys:
            return {}
        by_key = {key: node for node, key in keys.items()}
        stored: dict[Node, tuple[str, str]] = {}
        try:
            wanted = list(by_key)
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, rows, report in db.execute(
                    f"SELECT key, rows, report FROM results WHERE key IN ({marks})", chunk
                ):
                    stored[by_key[key]] = (rows, report)
        except sqlite3.Error as exc:
            self._give_up(exc)
            return {}
        return _outcomes(stored, origin_of)

    def store(self, keys: dict[Node, bytes], outcomes: Iterable[BatchOutcome]) -> None:
        """Keep each checked node's rows and report triples under its digest; mark every
        digest of this run as just used; forget the oldest entries beyond ``MAX_ENTRIES``."""
        db = self._connect()
        if db is None:
            return
        entries = [
            (keys[node], rows, report)
            for node, (rows, report) in _split(outcomes).items()
            if node in keys
        ]
        try:
            with db:
                (run,) = db.execute("SELECT COALESCE(MAX(used), 0) + 1 FROM results").fetchone()
                db.executemany(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)",
                    [(key, rows, report, run) for key, rows, report in entries],
                )
                db.executemany(
                    "UPDATE results SET used = ? WHERE key = ?", [(run, k) for k in keys.values()]
                )
                (count,) = db.execute("SELECT COUNT(*) FROM results").fetchone()
                if count > MAX_ENTRIES:
                    db.execute(
                        "DELETE FROM results WHERE key IN "
                        "(SELECT key FROM results ORDER BY used LIMIT ?)",
                        (count - MAX_ENTRIES,),
                    )
        except sqlite3.Error as exc:
            self._give_up(exc)


Origin = Callable[[URIRef], object]  # BuildResult.origin: where a record came from


def _results_by_focus(triples: Iterable[Triple]) -> dict[Node, list[Triple]]:
    """A report's result triples (``report sh:result r`` and what hangs from each ``r``),
    grouped by the focus node of their result, each under the stand-in report node."""
    by_subject: dict[Node, list[Triple]] = defaultdict(list)
    tops = []
    for triple in triples:
        if triple[1] == SH.result:
            tops.append(triple[2])
        else:
            by_subject[triple[0]].append(triple)
    grouped: dict[Node, list[Triple]] = defaultdict(list)
    for top in tops:
        focus = next((o for _s, p, o in by_subject.get(top, ()) if p == SH.focusNode), None)
        if focus is not None:
            grouped[focus].append((_ROOT, SH.result, top))
            grouped[focus].extend(walk_results(by_subject, top))
    return grouped


def _split(outcomes: Iterable[BatchOutcome]) -> dict[Node, tuple[str, str]]:
    """Per focus node checked: its rows (JSON, without source) and its result triples
    (N-Triples); empty ones when it conforms."""
    entries: dict[Node, tuple[list[dict[str, object]], list[Triple]]] = {}
    for _ok, rows, triples, focus in outcomes:
        for node in focus:
            entries[node] = ([], [])
        for row in rows:
            fields = dataclasses.asdict(row)
            fields.update(file=None, where=None)
            entries.setdefault(URIRef(row.focus), ([], []))[0].append(fields)
        for node, found in _results_by_focus(triples).items():
            entries.setdefault(node, ([], []))[1].extend(found)
    return {node: (json.dumps(rows), _nt(found)) for node, (rows, found) in entries.items()}


def _nt(triples: list[Triple]) -> str:
    if not triples:
        return ""
    graph = Graph()
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph.serialize(format="nt")


def _outcomes(stored: dict[Node, tuple[str, str]], origin_of: Origin) -> dict[Node, BatchOutcome]:
    """Stored entries back to outcomes: one parse of every report text, sources filled in."""
    text = "".join(report for _rows, report in stored.values())
    by_focus = _results_by_focus(Graph().parse(data=text, format="nt")) if text else {}
    outcomes: dict[Node, BatchOutcome] = {}
    for node, (rows_text, _report) in stored.items():
        rows = []
        for fields in json.loads(rows_text):
            origin = origin_of(URIRef(fields["focus"]))
            fields["file"] = getattr(origin, "file", None)
            fields["where"] = getattr(origin, "where", None)
            rows.append(ResultRow(**fields))
        found = by_focus.get(node, [])
        outcomes[node] = (not found, rows, found, [node])
    return outcomes


def walk_results(by_subject: dict[Node, list[Triple]], top: Node) -> Iterator[Triple]:
    """Every triple of one result: from its node through its blank nodes (details, paths)."""
    todo, seen = [top], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in by_subject.get(node, ()):
            yield triple
            if isinstance(triple[2], BNode):
                todo.append(triple[2])

"""The validation report, readable by people (French or English) and by programs.

A :class:`ValidationReport` holds one :class:`ResultRow` per SHACL result, with the record's
source file and row, and renders as text grouped by record then criterion, as JSON, or as
the SHACL report graph in Turtle.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

PREFIXES = {
    "rally": "https://w3id.org/rallynov/def#",
    "rsh": "https://w3id.org/rallynov/shapes#",
    "sh": str(SH),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "dct": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "wgs": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "id": "https://w3id.org/rallynov/id/",
}
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
WORDS = {
    "en": {
        "title": "Validation of the Rally'nov records against the characterisation grid",
        "no_source": "no source row (read from an RDF file)",
        "clean": "No result: every record meets the grid.",
        "Violation": "VIOLATION",
        "Warning": "warning",
        "Info": "advice",
        "summary": "Summary: {checked} records checked, {conforming} conforming, "
        "{violations} violation(s), {warnings} warning(s), {infos} advice.",
        "line": "line",
        "row": "row",
        "record": "record",
        "sheet": "sheet",
    },
    "fr": {
        "title": "Validation des fiches Rally'nov selon la grille de caractérisation",
        "no_source": "pas de ligne source (lu dans un fichier RDF)",
        "clean": "Aucun résultat : toutes les fiches respectent la grille.",
        "Violation": "VIOLATION",
        "Warning": "avertissement",
        "Info": "conseil",
        "summary": "Bilan : {checked} fiches vérifiées, {conforming} conformes, "
        "{violations} violation(s), {warnings} avertissement(s), {infos} conseil(s).",
        "line": "ligne",
        "row": "ligne",
        "record": "fiche",
        "sheet": "feuille",
    },
}


def short(term: Node | None) -> str:
    """``rally:carrier`` for a known namespace, the full IRI otherwise."""
    if term is None:
        return ""
    text = str(term)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace) and len(text) > len(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return text


def path_text(graph: Graph, path: Node) -> str:
    """A SHACL property path in SPARQL-like syntax: ``rally:carrier/rally:location``, ``a|b``, ``^p``."""
    if isinstance(path, URIRef):
        return short(path)
    if isinstance(path, BNode):
        alternatives = graph.value(path, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(path_text(graph, p) for p in graph.items(alternatives)) + ")"
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + path_text(graph, inverse)
        for key, mark in (
            (SH.zeroOrMorePath, "*"),
            (SH.oneOrMorePath, "+"),
            (SH.zeroOrOnePath, "?"),
        ):
            inner = graph.value(path, key)
            if inner is not None:
                return path_text(graph, inner) + mark
        sequence = list(graph.items(path))
        if sequence:
            return "/".join(path_text(graph, p) for p in sequence)
    return str(path)


@dataclass(frozen=True)
class ResultRow:
    """One SHACL result, with the record it is about and where that record came from.

    ``path`` is the result path or, for a node-level check (``sh:or``, ``sh:and``), the
    path(s) the criterion looks at; ``component`` and ``shape`` are compact IRIs
    (``sh:MinCountConstraintComponent``, ``rsh:InnovationName``).
    """

    focus: str
    label: str
    path: str | None
    component: str
    severity: str
    shape: str
    criterion: str | None
    message_fr: str
    message_en: str
    file: str | None
    where: str | None
    value: str | None = None

    def message(self, lang: str) -> str:
        return self.message_fr if lang == "fr" else self.message_en


def row_order(row: ResultRow) -> tuple[str | int, ...]:
    """How reports list their rows: by source file and row, then record, criterion and severity,
    then the rest (a total order: every validation method lists the same rows the same way)."""
    digits = "".join(c if c.isdigit() else " " for c in row.where or "").split()
    return (
        row.file or "~",
        int(digits[-1]) if digits else 0,
        row.focus,
        row.criterion or "",
        row.severity,
        row.shape,
        row.path or "",
        row.component,
        row.value or "",
        row.message_en,
        row.message_fr,
    )


@dataclass
class ValidationReport:
    """Counts, rows and renderings of one validation run."""

    results: list[ResultRow]
    records_checked: int
    conforming: int
    report_graph: Graph = field(repr=False)
    lang: str = "en"
    labels: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    method: str = ""  # how the records were validated (see loaders.validation.METHODS)
    workers: int = 1  # processes that validated them
    reused: int = 0  # records whose results came unchanged from the validation cache

    def _count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def violations(self) -> int:
        return self._count("Violation")

    @property
    def warnings(self) -> int:
        return self._count("Warning")

    @property
    def infos(self) -> int:
        return self._count("Info")

    @property
    def conforms(self) -> bool:
        """True when nothing blocks publication (warnings and advice allowed)."""
        return self.violations == 0

    def summary(self) -> dict[str, int]:
        return {
            "records_checked": self.records_checked,
            "conforming": self.conforming,
            "violations": self.violations,
            "warnings": self.warnings,
            "infos": self.infos,
        }

    def text(self, lang: str | None = None) -> str:
        """Grouped by record (with its file and row), then by criterion; summary last."""
        lang = lang if lang in WORDS else self.lang if self.lang in WORDS else "en"
        words = WORDS[lang]
        lines = [words["title"], ""]
        by_record: dict[str, list[ResultRow]] = defaultdict(list)
        for row in self.results:
            by_record[row.focus].append(row)
        if not by_record:
            lines += [words["clean"], ""]
        for focus, rows in by_record.items():
            first = rows[0]
            lines.append(f"{first.label} <{focus}>" if first.label else f"<{focus}>")
            where = _where(first.where, words) if first.where else ""
            lines.append(
                f"  {_display(first.file)}, {where}" if first.file else f"  {words['no_source']}"
            )
            by_criterion: dict[str, list[ResultRow]] = defaultdict(list)
            for row in rows:
                by_criterion[row.criterion or "?"].append(row)
            for code in sorted(by_criterion):
                label = self.labels.get(code, {}).get(lang, "")
                lines.append(f"  {code} {label}".rstrip())
                for row in sorted(
                    by_criterion[code], key=lambda r: SEVERITY_ORDER.get(r.severity, 3)
                ):
                    detail = f" [{row.path}]" if row.path else ""
                    value = f" ({row.value})" if row.value else ""
                    lines.append(f"    {words[row.severity]}: {row.message(lang)}{detail}{value}")
            lines.append("")
        lines.append(words["summary"].format(checked=self.records_checked, **self.summary()))
        return "\n".join(lines)

    def json(self) -> str:
        """``{"summary": {...}, "results": [...]}``, rows as flat objects."""
        payload = {"summary": self.summary(), "results": [asdict(r) for r in self.results]}
        return json.dumps(payload, ensure_ascii=False, indent=2)

    def turtle(self) -> str:
        """The SHACL validation report graph (sh:ValidationReport) in Turtle."""
        return self.report_graph.serialize(format="turtle")


def _where(where: str, words: dict[str, str]) -> str:
    """Translate the loader's ``line 3`` / ``sheet 'x' row 3`` / ``table 'x' record 3``."""
    for key in ("line", "row", "record", "sheet"):
        where = re.sub(rf"\b{key}\b", words[key], where)
    return where


def _display(file: str) -> str:
    """A source file relative to the working directory when it lies below it."""
    try:
        return str(Path(file).resolve().relative_to(Path.cwd()))
    except ValueError:
        return file

"""The CSV tables of the download area: innovations, organisations, events (stages included) and
awards, with labels, never URIs, except the ``uri`` column that names each row.

Each column is one small SPARQL pattern binding ``?v`` for the row ``?s``; several values in a
cell are joined with ``"; "`` (as in the curated tables of ``data/``). Only the public graphs are
read (the store's default), so contact details never reach a table.

>>> text = table_csv(store, TABLES["awards"])   # doctest: +SKIP
>>> text.splitlines()[0]                          # doctest: +SKIP
'uri,name_fr,name_en,edition,laureate,...'
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from endpoint.opendata.publication import solutions
from endpoint.store.base import Store

PREFIXES = """PREFIX rally: <https://w3id.org/rallynov/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
SEPARATOR = "; "


def text(path: str, lang: str | None = None) -> str:
    """Values of ``path`` (literals, or the labels of the resources it leads to)."""
    if lang is None:
        return f"?s {path} ?v"
    return f'?s {path} ?v FILTER(LANG(?v) = "{lang}" || LANG(?v) = "")'


def label(path: str, lang: str | None = None) -> str:
    """The rdfs:label (in ``lang`` when given) of the resources at the end of ``path``."""
    return text(f"{path}/rdfs:label", lang)


def concept(path: str, lang: str) -> str:
    return f'?s {path}/skos:prefLabel ?v FILTER(LANG(?v) = "{lang}")'


def both(name: str, pattern: str, path: str) -> list[tuple[str, str]]:
    """Two columns ``name_fr`` and ``name_en`` from the same pattern builder."""
    builder = {"concept": concept, "text": text, "label": label}[pattern]
    return [(f"{name}_{lang}", builder(path, lang)) for lang in ("fr", "en")]


@dataclass(frozen=True)
class Table:
    """A CSV table: the class of its rows and its columns (name, SPARQL pattern)."""

    name: str
    row_class: str
    columns: tuple[tuple[str, str], ...]
    order_by: str

    @property
    def header(self) -> list[str]:
        return ["uri", *(name for name, _ in self.columns)]


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "innovations",
            "rally:SocialInnovation",
            (
                ("name", "?s rdfs:label ?v"),
                ("carriers", label("rally:carrier")),
                ("supporters", label("rally:supportedBy")),
                ("place", label("rally:location")),
                ("edition", text("rally:edition/rally:year")),
                *both("status", "concept", "rally:status"),
                *both("needs", "concept", "rally:addressesNeed"),
                *both("themes", "concept", "rally:theme"),
                *both("innovation_types", "concept", "rally:innovationType"),
                *both("sphere", "concept", "rally:sphere"),
                *both("phase", "concept", "rally:processPhase"),
                ("presented_at", label("rally:presentedAt", "fr")),
                ("founded", text("rally:foundingYear")),
                ("employees", text("rally:employeeCount")),
                ("members", text("rally:memberCount")),
                ("beneficiaries", text("rally:beneficiaryCount")),
                *both("need", "text", "rally:needStatement"),
                *both("description", "text", "dct:description"),
                ("sources", label("dct:source", "fr")),
            ),
            "name",
        ),
        Table(
            "organisations",
            "rally:Organisation",
            (
                ("name", "?s rdfs:label ?v"),
                ("aliases", text("skos:altLabel")),
                *both("kind", "concept", "rally:orgKind"),
                *both("sphere", "concept", "rally:sphere"),
                ("place", label("rally:location")),
                ("parent", label("rally:parentOrganisation")),
                ("website", "?s schema:url ?u BIND(STR(?u) AS ?v)"),
                (
                    "wikidata",
                    '?s owl:sameAs ?w FILTER(STRSTARTS(STR(?w), "http://www.wikidata.org/entity/")) '
                    "BIND(STR(?w) AS ?v)",
                ),
                ("carrier_of", "?i rally:carrier ?s . ?i rdfs:label ?v"),
                ("supporter_of", "?i rally:supportedBy ?s . ?i rdfs:label ?v"),
                ("organised", '?e rally:organiser ?s . ?e rdfs:label ?v FILTER(LANG(?v) = "fr")'),
                ("partner_editions", "?s rally:hasPartnership/rally:edition/rally:year ?v"),
                *both("description", "text", "dct:description"),
            ),
            "name",
        ),
        Table(
            "events",
            "rally:Event",
            (
                ("title", text("rdfs:label", "fr")),
                *both("kind", "concept", "rally:eventKind"),
                ("edition", text("rally:edition/rally:year")),
                ("stage_number", text("rally:stageNumber")),
                ("start", text("schema:startDate")),
                ("end", text("schema:endDate")),
                ("place", label("rally:location")),
                ("venue", text("rally:venue")),
                ("organisers", label("rally:organiser")),
                ("attendance", text("rally:attendance")),
                *both("themes", "concept", "rally:theme"),
                ("innovations_presented", "?i rally:presentedAt ?s . ?i rdfs:label ?v"),
                *both("description", "text", "dct:description"),
            ),
            "start",
        ),
        Table(
            "awards",
            "rally:Award",
            (
                *both("name", "text", "rdfs:label"),
                ("edition", text("rally:edition/rally:year")),
                ("laureate", label("rally:laureate")),
                ("laureate_carriers", label("rally:laureate/rally:carrier")),
                *both("category", "concept", "rally:awardCategory"),
                ("amount", text("rally:prizeAmount")),
                ("currency", text("schema:currency")),
                ("awarded_at", label("rally:awardedAt", "fr")),
            ),
            "edition",
        ),
    )
}


def _values(store: Store, table: Table, pattern: str) -> dict[str, list[str]]:
    query = f"{PREFIXES}SELECT DISTINCT ?s ?v WHERE {{ ?s a {table.row_class} . {pattern} }}"
    found: dict[str, list[str]] = defaultdict(list)
    for row in solutions(store, query):
        subject, value = row["s"], row["v"]
        if isinstance(subject, ox.NamedNode) and value is not None:
            found[subject.value].append(value.value)
    return found


def table_rows(store: Store, table: Table) -> list[dict[str, str]]:
    """The table's rows, one per resource of its class, sorted by ``order_by`` then URI."""
    columns = {name: _values(store, table, pattern) for name, pattern in table.columns}
    query = f"{PREFIXES}SELECT DISTINCT ?s WHERE {{ ?s a {table.row_class} }}"
    subjects = [
        row["s"].value for row in solutions(store, query) if isinstance(row["s"], ox.NamedNode)
    ]
    rows = []
    for subject in subjects:
        row = {"uri": subject}
        for name, found in columns.items():
            row[name] = SEPARATOR.join(sorted(set(found.get(subject, []))))
        rows.append(row)
    return sorted(rows, key=lambda r: (r[table.order_by].casefold(), r["uri"]))


def table_csv(store: Store, table: Table) -> bytes:
    """The table as RFC 4180 CSV in UTF-8 (comma-separated, a header row, CRLF line ends)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=table.header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(table_rows(store, table))
    return out.getvalue().encode("utf-8")

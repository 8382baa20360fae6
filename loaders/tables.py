"""The shape of every table of curated records, declared as data.

A column has a kind that says how its cells are checked and typed:

``id``      the record's slug, ``[a-z0-9-]+``, unique in its table
``text``    free text (``_fr``/``_en`` suffix gives the language)
``int``     a non-negative integer          ``decimal``  a number
``date``    ISO 8601: YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM
``year``    YYYY                            ``lat``/``lon``  WGS84 degrees
``ref``     the id (or, for organisations, an alias) of a record of table ``target``
``refs``    several refs separated by ``;``
``code``    a ``skos:notation`` of concept scheme ``target``; ``codes`` several
``qid``     a Wikidata item id (Q123)       ``url``  an http(s) URL
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    target: str | None = None
    required: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    iri_kind: str | None
    columns: tuple[Column, ...]
    keyed: bool = True  # has an ``id`` column

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name: str, kind: str = "text", target: str | None = None, required: bool = False) -> Column:
    return Column(name, kind, target, required)


ID = _c("id", "id", required=True)
SOURCE = _c("source", "refs", "sources", required=True)
NOTE = _c("note")


def _bilingual(stem: str) -> tuple[Column, Column]:
    return _c(f"{stem}_fr"), _c(f"{stem}_en")


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "sources",
            "source",
            (
                ID,
                _c("title", required=True),
                _c("date", "date", required=True),
                _c("publisher", required=True),
                _c("file"),
                *_bilingual("description"),
            ),
        ),
        Table(
            "places",
            "place",
            (
                ID,
                _c("kind", "choice:commune,department,region,foreign", required=True),
                _c("name", required=True),
                _c("insee_code", "insee"),
                _c("within", "ref", "places"),
                _c("lat", "lat"),
                _c("lon", "lon"),
                _c("wikidata", "qid"),
                SOURCE,
                NOTE,
            ),
        ),
        Table(
            "organisations",
            "organisation",
            (
                ID,
                _c("name", required=True),
                _c("aliases", "list"),
                _c("kind", "code", "org-kind"),
                _c("sphere", "code", "sphere"),
                *_bilingual("description"),
                _c("place", "ref", "places"),
                _c("website", "url"),
                _c("wikidata", "qid"),
                _c("parent", "ref", "organisations"),
                SOURCE,
                NOTE,
            ),
        ),
        Table(
            "people",
            "person",
            (
                ID,
                _c("name", required=True),
                *_bilingual("role"),
                _c("affiliation", "ref", "organisations"),
                SOURCE,
                NOTE,
            ),
        ),
        Table(
            "editions",
            "edition",
            (
                ID,
                _c("year", "year", required=True),
                _c("label_fr", required=True),
                _c("label_en"),
                _c("start", "date"),
                _c("end", "date"),
                *_bilingual("description"),
                SOURCE,
                NOTE,
            ),
        ),
        Table(
            "events",
            "event",
            (
                ID,
                _c("kind", "code", "event-kind", required=True),
                _c("edition", "ref", "editions"),
                _c("number", "int"),
                _c("title", required=True),
                _c("start", "date"),
                _c("end", "date"),
                _c("place", "ref", "places"),
                _c("venue"),
                _c("attendance", "int"),
                *_bilingual("description"),
                _c("themes", "codes", "theme"),
                _c("ingredients", "codes", "ingredient"),
                _c("conditions", "codes", "condition"),
                SOURCE,
                NOTE,
            ),
        ),
        Table(
            "event_organisers",
            None,
            (
                _c("event", "ref", "events", required=True),
                _c("organisation", "ref", "organisations", required=True),
                _c("role", "code", "organiser-role", required=True),
                SOURCE,
                NOTE,
            ),
            keyed=False,
        ),
        Table(
            "partnerships",
            "partnership",
            (
                _c("organisation", "ref", "organisations", required=True),
                _c("edition", "ref", "editions", required=True),
                _c("role", "code", "partner-role", required=True),
                SOURCE,
                NOTE,
            ),
            keyed=False,
        ),
        Table(
            "innovations",
            "innovation",
            (
                ID,
                _c("name", required=True),
                _c("carriers", "refs", "organisations"),
                _c("supporters", "refs", "organisations"),
                *_bilingual("description"),
                *_bilingual("need"),
                _c("needs", "codes", "need"),
                _c("need_novelty", "code", "need-novelty"),
                *_bilingual("novelty"),
                _c("novelty_scope", "codes", "novelty-scope"),
                *_bilingual("risk"),
                *_bilingual("approach"),
                _c("stakeholders", "codes", "stakeholder"),
                _c("types", "codes", "innovation-type"),
                _c("domains", "codes", "need"),
                _c("sphere", "code", "sphere"),
                _c("situations", "codes", "situation"),
                _c("levers", "codes", "lever"),
                _c("phase", "code", "phase"),
                *_bilingual("effects"),
                _c("employees", "int"),
                _c("members", "int"),
                _c("beneficiaries", "int"),
                _c("founded", "year"),
                _c("place", "ref", "places"),
                _c("edition", "ref", "editions"),
                _c("presented_at", "refs", "events"),
                _c("status", "code", "status"),
                _c("themes", "codes", "theme"),
                SOURCE,
                NOTE,
            ),
        ),
        Table(
            "awards",
            "award",
            (
                ID,
                _c("edition", "ref", "editions", required=True),
                _c("laureate", "ref", "innovations", required=True),
                _c("category", "code", "award-category", required=True),
                _c("amount", "decimal"),
                _c("currency", "choice:EUR"),
                _c("event", "ref", "events"),
                SOURCE,
                NOTE,
            ),
        ),
        Table(
            "applications",
            "application",
            (
                ID,
                _c("innovation", "ref", "innovations", required=True),
                _c("edition", "ref", "editions", required=True),
                SOURCE,
                NOTE,
            ),
        ),
        Table(
            "testimonies",
            "testimony",
            (
                ID,
                _c("person", "refs", "people"),
                _c("event", "ref", "events"),
                _c("innovation", "ref", "innovations"),
                *_bilingual("quote"),
                _c("themes", "codes", "theme"),
                SOURCE,
                NOTE,
            ),
        ),
        Table(
            "key_figures",
            "key-figure",
            (
                ID,
                _c("edition", "ref", "editions", required=True),
                _c("measure", "code", "measure", required=True),
                _c("value", "decimal", required=True),
                _c("label_fr", required=True),
                _c("label_en"),
                SOURCE,
                NOTE,
            ),
        ),
        Table(
            "contacts",
            "contact",
            (
                _c("person", "ref", "people", required=True),
                _c("event", "ref", "events"),
                _c("telephone", "phone", required=True),
                SOURCE,
            ),
            keyed=False,
        ),
    )
}

# Load order: a table only refers to tables before it (sources and places first).
TABLE_ORDER = list(TABLES)


def table_for_name(stem: str) -> Table | None:
    """The table a file is for, from its name: ``innovations.csv`` or ``partner-x.innovations.csv``."""
    key = stem.lower().replace("-", "_")
    for name in sorted(TABLES, key=len, reverse=True):
        if key == name or key.endswith("." + name) or key.endswith("_" + name):
            return TABLES[name]
    return None

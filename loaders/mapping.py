"""Checked records -> triples. One function per table; the vocabulary is ``ontology/rallynov.ttl``.

Every resource gets its Rally'nov class and the schema.org class and name that fit, so that
harvesters knowing only schema.org read it; every record points to its source brochure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from loaders.iris import GEO, INSEE_GEO, ORG, PROV, RALLY, SCHEMA, WD, WGS, mint_iri
from loaders.records import Checked

Triple = tuple[URIRef, URIRef, URIRef | Literal]

CLASSES: dict[str, tuple[URIRef, ...]] = {
    "sources": (
        RALLY.SourceDocument,
        SCHEMA.CreativeWork,
        PROV.Entity,
        DCTERMS.BibliographicResource,
    ),
    "organisations": (RALLY.Organisation, ORG.Organization, SCHEMA.Organization, FOAF.Organization),
    "people": (RALLY.Person, SCHEMA.Person, FOAF.Person, PROV.Person),
    "editions": (RALLY.Edition, SCHEMA.EventSeries),
    "innovations": (RALLY.SocialInnovation, SCHEMA.Project, PROV.Entity),
    "awards": (RALLY.Award, SCHEMA.MonetaryGrant),
    "applications": (RALLY.Application, SCHEMA.CreativeWork),
    "testimonies": (RALLY.Testimony, SCHEMA.Quotation),
    "key_figures": (RALLY.KeyFigure, SCHEMA.Observation),
    "partnerships": (RALLY.Partnership, ORG.Membership),
    "contacts": (RALLY.ContactPoint, SCHEMA.ContactPoint),
    "event_organisers": (RALLY.Organising, PROV.Association, SCHEMA.Role),
}
PLACE_CLASSES = {
    "commune": RALLY.Commune,
    "department": RALLY.Department,
    "region": RALLY.Region,
    "foreign": RALLY.Place,
}
INSEE_KIND = {"commune": "commune", "department": "departement", "region": "region"}
STAGE_KIND = "EV-STAGE"

# column -> predicate, for the columns that map one to one
DIRECT: dict[str, dict[str, URIRef]] = {
    "innovations": {
        "carriers": RALLY.carrier,
        "supporters": RALLY.supportedBy,
        "needs": RALLY.addressesNeed,
        "need_novelty": RALLY.needNovelty,
        "novelty_scope": RALLY.noveltyScope,
        "stakeholders": RALLY.involvesStakeholder,
        "types": RALLY.innovationType,
        "domains": RALLY.domain,
        "sphere": RALLY.sphere,
        "situations": RALLY.triggeringSituation,
        "levers": RALLY.lever,
        "phase": RALLY.processPhase,
        "place": RALLY.location,
        "edition": RALLY.edition,
        "presented_at": RALLY.presentedAt,
        "status": RALLY.status,
        "themes": RALLY.theme,
        "employees": RALLY.employeeCount,
        "members": RALLY.memberCount,
        "beneficiaries": RALLY.beneficiaryCount,
        "founded": RALLY.foundingYear,
    },
    "organisations": {
        "kind": RALLY.orgKind,
        "sphere": RALLY.sphere,
        "place": RALLY.location,
        "parent": RALLY.parentOrganisation,
        "website": SCHEMA.url,
    },
    "people": {"affiliation": RALLY.affiliation},
    "editions": {"year": RALLY.year, "start": SCHEMA.startDate, "end": SCHEMA.endDate},
    "events": {
        "edition": RALLY.edition,
        "number": RALLY.stageNumber,
        "start": SCHEMA.startDate,
        "end": SCHEMA.endDate,
        "place": RALLY.location,
        "venue": RALLY.venue,
        "attendance": RALLY.attendance,
        "themes": RALLY.theme,
        "ingredients": RALLY.ingredient,
        "conditions": RALLY.favourableCondition,
    },
    "awards": {
        "edition": RALLY.edition,
        "laureate": RALLY.laureate,
        "category": RALLY.awardCategory,
        "amount": RALLY.prizeAmount,
        "currency": SCHEMA.currency,
        "event": RALLY.awardedAt,
    },
    "applications": {"innovation": RALLY.applicant, "edition": RALLY.edition},
    "testimonies": {
        "person": RALLY.speaker,
        "event": RALLY.atEvent,
        "innovation": RALLY.about,
        "themes": RALLY.theme,
    },
    "key_figures": {
        "edition": RALLY.figureOf,
        "measure": RALLY.measure,
        "value": RALLY.figureValue,
    },
    "places": {
        "insee_code": RALLY.inseeCode,
        "within": RALLY.within,
        "lat": WGS.lat,
        "lon": WGS.long,
    },
    "sources": {"date": DCTERMS.date, "file": RALLY.sourceFile},
    "partnerships": {"edition": RALLY.edition},
    "contacts": {"person": RALLY.contactOf, "event": RALLY.atEvent, "telephone": RALLY.telephone},
}
# bilingual text columns -> predicate
TEXTS: dict[str, URIRef] = {
    "description": DCTERMS.description,
    "need": RALLY.needStatement,
    "novelty": RALLY.novelty,
    "risk": RALLY.riskTaking,
    "approach": RALLY.openApproach,
    "effects": RALLY.effects,
    "role": RALLY.role,
    "quote": RALLY.quote,
}
# rally: properties that also get their schema.org twin, for schema.org-only harvesters
SCHEMA_TWINS = {
    RALLY.location: SCHEMA.location,
    RALLY.employeeCount: SCHEMA.numberOfEmployees,
    RALLY.affiliation: SCHEMA.affiliation,
    DCTERMS.description: SCHEMA.description,
    RALLY.quote: SCHEMA.text,
    RALLY.role: SCHEMA.jobTitle,
    RALLY.laureate: SCHEMA.fundedItem,
    RALLY.prizeAmount: SCHEMA.amount,
}


def _literal(value: object) -> URIRef | Literal:
    kind = type(value)
    if kind is URIRef or kind is Literal or isinstance(value, URIRef | Literal):
        return value  # type: ignore[return-value]
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    return Literal(str(value))


def map_record(record: Checked, names: Mapping[URIRef, str] | None = None) -> Iterator[Triple]:
    """All triples of one record; ``names`` gives the display names of the records it refers to."""
    names = names or {}
    table, values = record.table, record.values
    subject = subject_of(record)
    for cls in CLASSES.get(table, ()):
        yield subject, RDF.type, cls
    for column, predicate in DIRECT.get(table, {}).items():
        value = values.get(column)
        if value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            obj = _literal(item)
            yield subject, predicate, obj
            twin = SCHEMA_TWINS.get(predicate)
            if twin is not None:
                yield subject, twin, obj
    for stem, predicate in TEXTS.items():
        for lang in ("fr", "en"):
            text = values.get(f"{stem}_{lang}")
            if text:
                literal = Literal(str(text), lang=lang)
                yield subject, predicate, literal
                twin = SCHEMA_TWINS.get(predicate)
                if twin is not None:
                    yield subject, twin, literal
    for source in values.get("source", []) or []:  # type: ignore[union-attr]
        yield subject, DCTERMS.source, source  # type: ignore[misc]
        yield subject, PROV.wasDerivedFrom, source  # type: ignore[misc]
    if values.get("note"):
        yield subject, SKOS.editorialNote, Literal(str(values["note"]), lang="en")
    yield from EXTRA.get(table, _nothing)(record, subject, names)


def subject_of(record: Checked) -> URIRef:
    """The resource a record describes: its own IRI, or the link node minted from its values."""
    return record.iri or _link_iri(record)


def _link_iri(record: Checked) -> URIRef:
    values = record.values
    if record.table == "partnerships":
        org = str(values["organisation"]).rsplit("/", 1)[-1]
        edition = str(values["edition"]).rsplit("/", 1)[-1]
        role = str(values["role"]).rsplit("/", 1)[-1]
        return mint_iri("partnership", f"{org}-{edition}-{role}")
    if record.table == "contacts":
        person = str(values["person"]).rsplit("/", 1)[-1]
        event = str(values.get("event", "")).rsplit("/", 1)[-1]
        return mint_iri("contact", f"{person}-{event}" if event else person)
    if record.table == "event_organisers":
        event = str(values["event"]).rsplit("/", 1)[-1]
        organisation = str(values["organisation"]).rsplit("/", 1)[-1]
        return mint_iri("organising", f"{event}-{organisation}")
    return mint_iri("link", record.table)


def _names(subject: URIRef, name: str, lang: str | None = None) -> Iterator[Triple]:
    literal = Literal(name, lang=lang) if lang else Literal(name)
    yield subject, RDFS.label, literal
    yield subject, SCHEMA.name, literal


def _name_of(iri: object, names: Mapping[URIRef, str]) -> str:
    return names.get(iri, str(iri).rsplit("/", 1)[-1])  # type: ignore[call-overload]


def _nothing(record: Checked, subject: URIRef, names: Mapping[URIRef, str]) -> Iterator[Triple]:
    return iter(())


def _source(record: Checked, subject: URIRef, names: Mapping[URIRef, str]) -> Iterator[Triple]:
    yield from _names(subject, str(record.values["title"]), "fr")
    yield subject, DCTERMS.title, Literal(str(record.values["title"]), lang="fr")
    yield subject, DCTERMS.publisher, Literal(str(record.values["publisher"]))


def _place(record: Checked, subject: URIRef, names: Mapping[URIRef, str]) -> Iterator[Triple]:
    values = record.values
    kind = str(values["kind"])
    yield subject, RDF.type, PLACE_CLASSES[kind]
    yield subject, RDF.type, RALLY.Place
    yield subject, RDF.type, SCHEMA.Place
    yield subject, RDF.type, GEO.Feature
    yield from _names(subject, str(values["name"]))
    if "within" in values:
        yield subject, SCHEMA.containedInPlace, values["within"]  # type: ignore[misc]
    if "insee_code" in values and kind in INSEE_KIND:
        insee = INSEE_GEO[f"{INSEE_KIND[kind]}/{values['insee_code']}"]
        yield subject, RDFS.seeAlso, insee
        # A commune or department is the one INSEE's code-based IRI names (codes and territories
        # unchanged since before 2012). Not the region: code 43 names a region that ceased to
        # exist in 2016, and INSEE versions territories, so that identity is not certain.
        if kind in ("commune", "department"):
            yield subject, OWL.sameAs, insee
    if "wikidata" in values:
        yield subject, OWL.sameAs, WD[str(values["wikidata"])]
    if "lat" in values and "lon" in values:
        geometry = URIRef(f"{subject}#geometry")
        wkt = f"POINT({values['lon']} {values['lat']})"
        yield subject, GEO.hasGeometry, geometry
        yield geometry, RDF.type, GEO.Geometry
        yield geometry, GEO.asWKT, Literal(wkt, datatype=GEO.wktLiteral)


def _organisation(
    record: Checked, subject: URIRef, names: Mapping[URIRef, str]
) -> Iterator[Triple]:
    yield from _names(subject, str(record.values["name"]))
    for alias in record.values.get("aliases", []) or []:  # type: ignore[union-attr]
        yield subject, SKOS.altLabel, Literal(str(alias))
    if "wikidata" in record.values:
        yield subject, OWL.sameAs, WD[str(record.values["wikidata"])]


def _person(record: Checked, subject: URIRef, names: Mapping[URIRef, str]) -> Iterator[Triple]:
    yield from _names(subject, str(record.values["name"]))


def _edition(record: Checked, subject: URIRef, names: Mapping[URIRef, str]) -> Iterator[Triple]:
    yield from _names(subject, str(record.values["label_fr"]), "fr")
    if record.values.get("label_en"):
        yield from _names(subject, str(record.values["label_en"]), "en")


def _event(record: Checked, subject: URIRef, names: Mapping[URIRef, str]) -> Iterator[Triple]:
    values = record.values
    yield subject, RDF.type, RALLY.Event
    yield subject, RDF.type, SCHEMA.Event
    yield subject, RDF.type, PROV.Activity
    yield subject, RALLY.eventKind, values["kind"]  # type: ignore[misc]
    if str(values["kind"]).endswith("/" + STAGE_KIND.lower()):
        yield subject, RDF.type, RALLY.Stage
    yield from _names(subject, str(values["title"]), "fr")
    if "edition" in values:
        yield subject, SCHEMA.superEvent, values["edition"]  # type: ignore[misc]


def _innovation(record: Checked, subject: URIRef, names: Mapping[URIRef, str]) -> Iterator[Triple]:
    yield from _names(subject, str(record.values["name"]), "fr")
    for carrier in record.values.get("carriers", []) or []:  # type: ignore[union-attr]
        yield carrier, RDF.type, RALLY.ActorOrganisation  # type: ignore[misc]


def _award(record: Checked, subject: URIRef, names: Mapping[URIRef, str]) -> Iterator[Triple]:
    values = record.values
    yield subject, SCHEMA.fundedItem, values["laureate"]  # type: ignore[misc]
    yield values["laureate"], SCHEMA.award, subject  # type: ignore[misc]
    year = str(values["edition"]).rsplit("/", 1)[-1]
    name = _name_of(values["laureate"], names)
    yield from _names(subject, f"Prix Rally'nov {year} : {name}", "fr")
    yield from _names(subject, f"Rally'nov prize {year}: {name}", "en")


def _application(record: Checked, subject: URIRef, names: Mapping[URIRef, str]) -> Iterator[Triple]:
    year = str(record.values["edition"]).rsplit("/", 1)[-1]
    name = _name_of(record.values["innovation"], names)
    yield from _names(subject, f"Candidature {year} : {name}", "fr")
    yield from _names(subject, f"Application {year}: {name}", "en")


def _testimony(record: Checked, subject: URIRef, names: Mapping[URIRef, str]) -> Iterator[Triple]:
    people = record.values.get("person") or []
    who = ", ".join(_name_of(p, names) for p in people)  # type: ignore[union-attr]
    yield from _names(subject, f"Témoignage : {who or 'anonyme'}", "fr")
    yield from _names(subject, f"Testimony: {who or 'anonymous'}", "en")


def _key_figure(record: Checked, subject: URIRef, names: Mapping[URIRef, str]) -> Iterator[Triple]:
    yield from _names(subject, str(record.values["label_fr"]), "fr")
    if record.values.get("label_en"):
        yield from _names(subject, str(record.values["label_en"]), "en")


def _event_organiser(
    record: Checked, subject: URIRef, names: Mapping[URIRef, str]
) -> Iterator[Triple]:
    """The qualified link (a ``rally:Organising`` node: event, organisation, role; its source and
    note come from ``map_record``), the PROV-O qualified association, and the direct shortcuts
    ``rally:organiser`` / ``schema:organizer`` that simple queries and the networks read."""
    values = record.values
    event, organisation, role = values["event"], values["organisation"], values["role"]
    yield subject, RALLY.organisedEvent, event  # type: ignore[misc]
    yield event, PROV.qualifiedAssociation, subject  # type: ignore[misc]
    yield subject, RALLY.organisedBy, organisation  # type: ignore[misc]
    yield subject, PROV.agent, organisation  # type: ignore[misc]
    yield subject, RALLY.organiserRole, role  # type: ignore[misc]
    yield subject, PROV.hadRole, role  # type: ignore[misc]
    yield event, RALLY.organiser, organisation  # type: ignore[misc]
    yield event, SCHEMA.organizer, organisation  # type: ignore[misc]
    who, what = _name_of(organisation, names), _name_of(event, names)
    yield from _names(subject, f"Rôle de {who} dans « {what} »", "fr")
    yield from _names(subject, f"Role of {who} in “{what}”", "en")


def _partnership(record: Checked, subject: URIRef, names: Mapping[URIRef, str]) -> Iterator[Triple]:
    values = record.values
    yield subject, RALLY.partner, values["organisation"]  # type: ignore[misc]
    yield subject, ORG.member, values["organisation"]  # type: ignore[misc]
    yield subject, RALLY.partnerRole, values["role"]  # type: ignore[misc]
    yield subject, ORG.role, values["role"]  # type: ignore[misc]
    yield values["organisation"], RALLY.hasPartnership, subject  # type: ignore[misc]
    yield values["organisation"], RDF.type, RALLY.PartnerOrganisation  # type: ignore[misc]


EXTRA: dict[str, Callable[[Checked, URIRef, Mapping[URIRef, str]], Iterator[Triple]]] = {
    "sources": _source,
    "places": _place,
    "organisations": _organisation,
    "people": _person,
    "editions": _edition,
    "events": _event,
    "innovations": _innovation,
    "awards": _award,
    "applications": _application,
    "testimonies": _testimony,
    "key_figures": _key_figure,
    "partnerships": _partnership,
    "event_organisers": _event_organiser,
}

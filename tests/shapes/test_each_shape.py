"""Every shape: a record that passes, and one that fails for exactly that reason.

The complete graph (``data/complete.ttl``) passes every shape; each case removes or adds a fact
and expects exactly one result, compared on (focus node, path, constraint component, severity).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, XSD

from loaders.build import BuildResult
from loaders.iris import RALLY, SCHEMA, WGS
from loaders.validation import data_graph, focus_nodes, shape_catalogue
from loaders.vocab import vocabulary_graph

ID = Namespace("https://w3id.org/rallynov/id/")
V = Namespace("https://w3id.org/rallynov/vocab/")
VIO, WARN, INFO = "Violation", "Warning", "Info"

L, C, S = (ID[f"innovation/{n}"] for n in ("laureate", "characterised", "spotted"))  # fixture
STAGE, EDITION, AWARD = ID["event/stage-1"], ID["edition/2013"], ID["award/2013-laureate"]
FACT, ISA, PERSON = (
    ID["organisation/fact"],
    ID["organisation/isa-france"],
    ID["person/didier-thomas"],
)
BESANCON, PARIS, SOFIA = ID["place/besancon"], ID["place/paris"], ID["place/sofia"]
DOUBS, REGION, FIGURE = ID["place/doubs"], ID["place/franche-comte"], ID["key-figure/spotted-2013"]
CONTACT = ID["contact/pauline-davot-stage-1"]
ORGANISING = ID["organising/stage-1-fact"]
ROLES = Namespace("https://w3id.org/rallynov/vocab/organiser-role/")
WRONG = V["phase/p-eme"]  # a real concept, of the wrong scheme for most properties
FIGURES = "(rally:employeeCount|rally:memberCount|rally:beneficiaryCount)"
CONTACT_PATH = (
    "(rally:telephone|schema:telephone|schema:email|vcard:hasTelephone|vcard:hasEmail"
    "|foaf:phone|foaf:mbox)"
)


@dataclass(frozen=True)
class Case:
    shape: str
    focus: URIRef
    path: str | None
    component: str
    severity: str
    rm: list[tuple[URIRef, URIRef]] = field(default_factory=list)
    add: list[tuple[URIRef, URIRef, URIRef | Literal]] = field(default_factory=list)

    def apply(self, graph: Graph) -> Graph:
        changed = Graph()
        for triple in graph:
            changed.add(triple)
        for subject, predicate in self.rm:
            assert (subject, predicate, None) in changed, f"fixture lacks {subject} {predicate}"
            changed.remove((subject, predicate, None))
        for triple in self.add:
            changed.add(triple)
        return changed

    @property
    def expected(self) -> set[tuple[str, str | None, str, str]]:
        return {
            (str(self.focus), self.path, f"sh:{self.component}ConstraintComponent", self.severity)
        }


def dec(text: str) -> Literal:
    return Literal(text, datatype=XSD.decimal)


# fmt: off
CASES = [
    # innovations, level 1: the minimal record (any status) and well-formed values
    Case("InnovationName", L, "rdfs:label", "MinCount", VIO, rm=[(L, RDFS.label)]),
    Case("InnovationCarrierOrPlace", S, "rally:carrier | rally:location | rally:presentedAt/rally:location", "Or", VIO, rm=[(S, RALLY.presentedAt)]),
    Case("InnovationNeed", S, "rally:addressesNeed", "MinCount", VIO, rm=[(S, RALLY.addressesNeed)]),
    Case("InnovationSource", S, "dct:source", "MinCount", VIO, rm=[(S, DCTERMS.source)]),
    Case("InnovationStatus", S, "rally:status", "MinCount", WARN, rm=[(S, RALLY.status)]),
    Case("InnovationStatusValue", L, "rally:status", "MaxCount", VIO, add=[(L, RALLY.status, V["status/st-car"])]),
    Case("InnovationStatusValue", C, "rally:status", "Node", VIO, rm=[(C, RALLY.status)], add=[(C, RALLY.status, WRONG)]),
    Case("InnovationCarrierValue", L, "rally:carrier", "Class", VIO, add=[(L, RALLY.carrier, ID["organisation/unknown"])]),
    Case("InnovationPlaceValue", L, "rally:location", "Class", VIO, add=[(L, RALLY.location, ID["place/nowhere"])]),
    Case("InnovationNeedNoveltyValue", L, "rally:needNovelty", "MaxCount", VIO, add=[(L, RALLY.needNovelty, V["need-novelty/n-new"])]),
    Case("InnovationNoveltyScopeValue", L, "rally:noveltyScope", "Node", VIO, add=[(L, RALLY.noveltyScope, WRONG)]),
    Case("InnovationStakeholderValue", L, "rally:involvesStakeholder", "Node", VIO, add=[(L, RALLY.involvesStakeholder, WRONG)]),
    Case("InnovationFiguresValue", L, FIGURES, "MinInclusive", VIO, rm=[(L, RALLY.employeeCount)], add=[(L, RALLY.employeeCount, Literal(-1))]),
    Case("InnovationTypeValue", L, "rally:innovationType", "Node", VIO, add=[(L, RALLY.innovationType, WRONG)]),
    Case("InnovationDomainValue", L, "rally:domain", "Node", VIO, add=[(L, RALLY.domain, V["need/c1-sec"])]),
    Case("InnovationPhaseValue", L, "rally:processPhase", "MaxCount", VIO, add=[(L, RALLY.processPhase, WRONG)]),
    Case("InnovationSphereValue", L, "rally:sphere", "In", VIO, rm=[(L, RALLY.sphere)], add=[(L, RALLY.sphere, V["sphere/s-pub"])]),
    Case("InnovationSituationValue", L, "rally:triggeringSituation", "Node", VIO, add=[(L, RALLY.triggeringSituation, V["lever/c3-man"])]),
    Case("InnovationLeverValue", L, "rally:lever", "Node", VIO, add=[(L, RALLY.lever, V["situation/c2-bai"])]),
    # innovations, level 2: the whole grid (the laureate L and the characterised C)
    Case("InnovationNeedStatement", L, "rally:needStatement", "Or", WARN, rm=[(L, RALLY.needStatement)]),
    Case("InnovationNeedNovelty", L, "rally:needNovelty", "Or", WARN, rm=[(L, RALLY.needNovelty)]),
    Case("InnovationNovelty", L, "rally:novelty", "Or", WARN, rm=[(L, RALLY.novelty)]),
    Case("InnovationNoveltyScope", L, "rally:noveltyScope", "Or", WARN, rm=[(L, RALLY.noveltyScope)]),
    Case("InnovationRiskTaking", L, "rally:riskTaking", "Or", WARN, rm=[(L, RALLY.riskTaking)]),
    Case("InnovationOpenApproach", L, "rally:openApproach", "Or", WARN, rm=[(L, RALLY.openApproach)]),
    Case("InnovationStakeholders", L, "rally:involvesStakeholder", "Or", WARN, rm=[(L, RALLY.involvesStakeholder)]),
    Case("InnovationEffects", L, "rally:effects", "Or", WARN, rm=[(L, RALLY.effects)]),
    Case("InnovationEffectFigures", L, "rally:employeeCount | rally:memberCount | rally:beneficiaryCount", "Or", INFO, rm=[(L, RALLY.employeeCount)]),
    Case("InnovationType", L, "rally:innovationType", "Or", VIO, rm=[(L, RALLY.innovationType)]),
    Case("InnovationDomain", L, "rally:domain", "Or", WARN, rm=[(L, RALLY.domain)]),
    Case("InnovationPhase", L, "rally:processPhase", "Or", WARN, rm=[(L, RALLY.processPhase)]),
    Case("InnovationSphere", L, "rally:sphere", "Or", VIO, rm=[(L, RALLY.sphere)]),
    Case("InnovationClassicNeed", L, "rally:addressesNeed", "Or", INFO, rm=[(L, RALLY.addressesNeed)], add=[(L, RALLY.addressesNeed, V["need/d-emp"])]),  # a domain is no sphere need
    Case("InnovationSituation", L, "rally:triggeringSituation", "Or", WARN, rm=[(L, RALLY.triggeringSituation)]),
    Case("InnovationLever", L, "rally:lever", "Or", INFO, rm=[(L, RALLY.lever)]),
    Case("InnovationSocialEconomyNeed", C, "rally:addressesNeed", "Or", INFO, rm=[(C, RALLY.addressesNeed)], add=[(C, RALLY.addressesNeed, V["need/d-exc"])]),  # a domain is no sphere need
    Case("InnovationCarrier", L, "rally:carrier", "Or", VIO, rm=[(L, RALLY.carrier)]),
    Case("InnovationPlace", L, "rally:location | rally:carrier/rally:location", "Or", WARN, rm=[(L, RALLY.location)]),
    # stages and events
    Case("StageDate", STAGE, "schema:startDate", "MinCount", VIO, rm=[(STAGE, SCHEMA.startDate)]),
    Case("StageDate", STAGE, "schema:startDate", "Or", VIO, rm=[(STAGE, SCHEMA.startDate)], add=[(STAGE, SCHEMA.startDate, Literal("printemps 2013"))]),
    Case("StagePlace", STAGE, "rally:location", "MinCount", VIO, rm=[(STAGE, RALLY.location)], add=[(S, RALLY.location, SOFIA)]),  # S was placed by this stage only
    Case("StagePlace", STAGE, "rally:location", "Class", VIO, rm=[(STAGE, RALLY.location)], add=[(STAGE, RALLY.location, ID["place/nowhere"])]),
    Case("StageOrganiser", STAGE, "rally:organiser", "MinCount", VIO, rm=[(STAGE, RALLY.organiser)]),
    Case("StageEdition", STAGE, "rally:edition", "MinCount", VIO, rm=[(STAGE, RALLY.edition)]),
    Case("EventSource", STAGE, "dct:source", "MinCount", VIO, rm=[(STAGE, DCTERMS.source)]),
    # organiser links (rally:Organising)
    Case("OrganisingEvent", ORGANISING, "rally:organisedEvent", "MinCount", VIO, rm=[(ORGANISING, RALLY.organisedEvent)]),
    Case("OrganisingEvent", ORGANISING, "rally:organisedEvent", "Class", VIO, rm=[(ORGANISING, RALLY.organisedEvent)], add=[(ORGANISING, RALLY.organisedEvent, ID["event/nowhere"])]),
    Case("OrganisingOrganisation", ORGANISING, "rally:organisedBy", "MaxCount", VIO, add=[(ORGANISING, RALLY.organisedBy, ISA)]),
    Case("OrganisingOrganisation", ORGANISING, "rally:organisedBy", "Class", VIO, rm=[(ORGANISING, RALLY.organisedBy)], add=[(ORGANISING, RALLY.organisedBy, PERSON)]),
    Case("OrganisingRole", ORGANISING, "rally:organiserRole", "MinCount", VIO, rm=[(ORGANISING, RALLY.organiserRole)]),
    Case("OrganisingRole", ORGANISING, "rally:organiserRole", "MaxCount", VIO, add=[(ORGANISING, RALLY.organiserRole, ROLES["or-host"])]),  # the same pair twice with two roles
    Case("OrganisingRole", ORGANISING, "rally:organiserRole", "Node", VIO, rm=[(ORGANISING, RALLY.organiserRole)], add=[(ORGANISING, RALLY.organiserRole, V["partner-role/pr-lead"])]),
    Case("OrganisingSource", ORGANISING, "dct:source", "MinCount", VIO, rm=[(ORGANISING, DCTERMS.source)]),
    # organisations
    Case("OrganisationName", FACT, "rdfs:label", "MinCount", VIO, rm=[(FACT, RDFS.label)]),
    Case("OrganisationPlaceOrIdentifier", ISA, "rally:location | owl:sameAs | schema:url", "Or", WARN, rm=[(ISA, OWL.sameAs)]),
    Case("OrganisationPlaceValue", FACT, "rally:location", "MaxCount", VIO, add=[(FACT, RALLY.location, DOUBS)]),
    Case("OrganisationSource", FACT, "dct:source", "MinCount", VIO, rm=[(FACT, DCTERMS.source)]),
    # awards
    Case("AwardEdition", AWARD, "rally:edition", "MinCount", VIO, rm=[(AWARD, RALLY.edition)]),
    Case("AwardLaureate", AWARD, "rally:laureate", "MaxCount", VIO, add=[(AWARD, RALLY.laureate, C)]),
    Case("AwardLaureateStatus", AWARD, "rally:laureate/rally:status", "HasValue", VIO, rm=[(L, RALLY.status)], add=[(L, RALLY.status, V["status/st-can"])]),
    Case("AwardPrize", AWARD, "rally:awardCategory", "MinCount", VIO, rm=[(AWARD, RALLY.awardCategory)]),
    Case("AwardAmountValue", AWARD, "rally:prizeAmount", "MinExclusive", VIO, rm=[(AWARD, RALLY.prizeAmount)], add=[(AWARD, RALLY.prizeAmount, dec("-5"))]),
    Case("AwardAmount", AWARD, "rally:prizeAmount", "MinCount", INFO, rm=[(AWARD, RALLY.prizeAmount)]),
    Case("AwardSource", AWARD, "dct:source", "MinCount", VIO, rm=[(AWARD, DCTERMS.source)]),
    # editions
    Case("EditionYear", EDITION, "rally:year", "Datatype", VIO, rm=[(EDITION, RALLY.year)], add=[(EDITION, RALLY.year, Literal("2013"))]),
    Case("EditionLabel", EDITION, "rdfs:label", "QualifiedMinCount", VIO, rm=[(EDITION, RDFS.label)], add=[(EDITION, RDFS.label, Literal("Rally'nov 2013", lang="en"))]),
    Case("EditionStart", EDITION, "schema:startDate", "MinCount", WARN, rm=[(EDITION, SCHEMA.startDate)]),
    Case("EditionEnd", EDITION, "schema:endDate", "MinCount", WARN, rm=[(EDITION, SCHEMA.endDate)]),
    Case("EditionSource", EDITION, "dct:source", "MinCount", VIO, rm=[(EDITION, DCTERMS.source)]),
    # places
    Case("PlaceName", SOFIA, "rdfs:label", "MinCount", VIO, rm=[(SOFIA, RDFS.label)]),
    Case("CommuneInsee", BESANCON, "rally:inseeCode", "Pattern", VIO, rm=[(BESANCON, RALLY.inseeCode)], add=[(BESANCON, RALLY.inseeCode, Literal("2505"))]),
    Case("DepartmentInsee", DOUBS, "rally:inseeCode", "Pattern", VIO, rm=[(DOUBS, RALLY.inseeCode)], add=[(DOUBS, RALLY.inseeCode, Literal("251"))]),
    Case("RegionInsee", REGION, "rally:inseeCode", "MinCount", VIO, rm=[(REGION, RALLY.inseeCode)]),
    Case("PlaceLatitude", PARIS, "wgs:lat", "MaxInclusive", VIO, rm=[(PARIS, WGS.lat)], add=[(PARIS, WGS.lat, dec("95.0"))]),
    Case("PlaceLongitude", PARIS, "wgs:long", "MaxInclusive", VIO, rm=[(PARIS, WGS.long)], add=[(PARIS, WGS.long, dec("200.0"))]),
    Case("CommuneCoordinates", PARIS, "wgs:lat | wgs:long", "And", WARN, rm=[(PARIS, WGS.long)]),
    Case("CommuneInRegion", BESANCON, None, "Or", VIO, rm=[(BESANCON, WGS.lat), (BESANCON, WGS.long)], add=[(BESANCON, WGS.lat, dec("6.0241")), (BESANCON, WGS.long, dec("47.2378"))]),  # lat/long swapped
    Case("PlaceSource", SOFIA, "dct:source", "MinCount", VIO, rm=[(SOFIA, DCTERMS.source)]),
    # key figures
    Case("KeyFigureEdition", FIGURE, "rally:figureOf", "MinCount", VIO, rm=[(FIGURE, RALLY.figureOf)]),
    Case("KeyFigureMeasure", FIGURE, "rally:measure", "Node", VIO, rm=[(FIGURE, RALLY.measure)], add=[(FIGURE, RALLY.measure, WRONG)]),
    Case("KeyFigureValue", FIGURE, "rally:figureValue", "MinInclusive", VIO, rm=[(FIGURE, RALLY.figureValue)], add=[(FIGURE, RALLY.figureValue, Literal(-3))]),
    Case("KeyFigureSource", FIGURE, "dct:source", "MinCount", VIO, rm=[(FIGURE, DCTERMS.source)]),
    # personal data in the public graph
    Case("NoPersonalContact", FACT, CONTACT_PATH, "MaxCount", VIO, add=[(FACT, SCHEMA.telephone, Literal("03 81 00 00 00"))]),
    Case("NoPersonalContact", FACT, CONTACT_PATH, "MaxCount", VIO, add=[(FACT, FOAF.mbox, URIRef("mailto:contact@example.org"))]),
    Case("NoContactPoint", CONTACT, None, "Not", VIO, add=[(CONTACT, RDF.type, RALLY.ContactPoint)]),
    Case("NoContactPoint", CONTACT, None, "Not", VIO, add=[(CONTACT, RALLY.contactOf, PERSON)]),
    Case("PersonPublicOnly", PERSON, "schema:birthDate", "Closed", WARN, add=[(PERSON, SCHEMA.birthDate, Literal("1960"))]),
]
# fmt: on


def test_the_complete_graph_meets_every_shape(results_of: Callable, complete_graph: Graph) -> None:
    assert results_of(complete_graph) == set()


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.shape}-{c.component}")
def test_one_fact_less_fails_for_exactly_that_reason(
    case: Case, complete_graph: Graph, report_of: Callable
) -> None:
    report = report_of(case.apply(complete_graph))
    assert {(r.focus, r.path, r.component, r.severity) for r in report.results} == case.expected
    [row] = report.results
    assert row.shape == f"rsh:{case.shape}"
    assert row.criterion and row.message_fr and row.message_en


def test_every_shape_has_a_failing_case() -> None:
    tested = {f"rsh:{c.shape}" for c in CASES}
    shapes = {f"rsh:{str(s).rsplit('#', 1)[-1]}" for s in shape_catalogue()}
    assert shapes == tested


UNTARGETED_IN_COMPLETE = {"NoPersonalContact", "NoContactPoint"}  # see test_personal_data.py


def test_every_shape_has_a_passing_record_in_the_complete_graph(complete_graph: Graph) -> None:
    """Each shape targets at least one record of the complete graph (which passes it)."""
    data = data_graph(BuildResult(list(complete_graph), [], vocabulary_graph()))
    idle = {str(s).rsplit("#", 1)[-1] for s in shape_catalogue() if not focus_nodes(data, [s])}
    assert idle == UNTARGETED_IN_COMPLETE

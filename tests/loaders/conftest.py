"""Shared by the validation tests: a generated dataset with faults of every shape family."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from loaders.build import BuildResult, build_graphs
from loaders.iris import RALLY, SCHEMA, WGS
from loaders.report import ValidationReport
from loaders.validation import validate_build

ROOT = Path(__file__).resolve().parents[2]
ID = Namespace("https://w3id.org/rallynov/id/")
V = Namespace("https://w3id.org/rallynov/vocab/")


def _mutated(triples: list, label: str) -> list:
    """The generated triples with deliberate faults, one or more per shape family."""
    inn = [ID[f"innovation/innovation-{k}"] for k in range(12)]
    first = {(s, p): o for s, p, o in reversed(triples)}
    stage = first[(inn[2], RALLY.presentedAt)]
    carrier = first[(inn[3], RALLY.carrier)]
    award = next(s for s, p, o in triples if o == RALLY.Award)
    laureate = first[(award, RALLY.laureate)]
    person = next(s for s, p, o in triples if o == RALLY.Person)
    place = next(s for s, p, o in triples if o == RALLY.Commune)
    event = next(s for s, p, o in triples if o == RALLY.Stage and s != stage)
    figure = next(s for s, p, o in triples if o == RALLY.KeyFigure)
    removed = {
        (inn[0], RDFS.label),
        (inn[1], RALLY.carrier),
        (inn[1], RALLY.location),
        (inn[2], RALLY.carrier),
        (inn[2], RALLY.location),
        (stage, RALLY.location),  # inn[2] now has neither carrier nor place, through its stage
        (inn[5], RALLY.addressesNeed),
        (laureate, RALLY.status),
        (event, RALLY.organiser),
        (place, WGS.lat),
        (place, WGS.long),
        (figure, RALLY.figureValue),
        (event, SCHEMA.startDate),
    }
    kept = [t for t in triples if (t[0], t[1]) not in removed]
    kept = [t for t in kept if not (t[0] == carrier and t[1] == RDF.type)]  # unknown carrier
    added = [
        (inn[4], RALLY.status, V["status/st-lau"]),
        (inn[5], RALLY.addressesNeed, V["need/d-emp"]),  # a domain, not a need
        (inn[6], RALLY.location, ID["place/nowhere"]),
        (inn[7], RALLY.employeeCount, Literal(-3)),
        (laureate, RALLY.status, V["status/st-can"]),
        (carrier, SCHEMA.telephone, Literal("03 81 00 00 00")),
        (person, SCHEMA.birthDate, Literal("1960")),
        (place, WGS.lat, Literal("6.0241", datatype=XSD.decimal)),  # swapped
        (place, WGS.long, Literal("47.2378", datatype=XSD.decimal)),
        (ID["contact/someone"], RDF.type, RALLY.ContactPoint),
        (figure, RALLY.figureValue, Literal(-1)),
        (event, SCHEMA.startDate, Literal("printemps 2013")),
        (URIRef(f"https://example.org/{label}"), RDFS.label, Literal(label)),
    ]
    return kept + added


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    folder = tmp_path_factory.mktemp("generated") / "records"
    subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "bench" / "generate.py"), "30", str(folder)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    built = build_graphs([folder], include_default=False)
    faulty = _mutated(built.public_triples, "faults")
    return BuildResult(faulty, [], built.vocabulary, built.records, built.files)


@pytest.fixture(scope="session")
def generated_whole(generated: BuildResult) -> ValidationReport:
    return validate_build(generated, method="whole")

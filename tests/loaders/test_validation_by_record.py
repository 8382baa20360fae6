"""Record-by-record validation gives exactly the results of whole-graph validation.

Compared on the bundled data and on a generated dataset (``bench/generate.py``) into which
violations of every family were put, several of them visible only through a linked resource
(the place of the stage an innovation was presented at, the type of its carrier, the status of an
award's laureate). Forked workers and small batches are forced, so that records and their
neighbours fall into different batches.
"""

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
from loaders.validation import grid_matrix, validate_build

ROOT = Path(__file__).resolve().parents[2]
ID = Namespace("https://w3id.org/rallynov/id/")
V = Namespace("https://w3id.org/rallynov/vocab/")


def keys(report: ValidationReport) -> set[tuple[str, str | None, str, str, str]]:
    return {(r.focus, r.path, r.component, r.severity, r.shape) for r in report.results}


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


@pytest.fixture(scope="module")
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


@pytest.fixture(scope="module")
def generated_whole(generated: BuildResult) -> ValidationReport:
    return validate_build(generated, method="whole")


def test_the_generated_faults_are_found(generated_whole: ValidationReport) -> None:
    shapes = {r.shape for r in generated_whole.results}
    assert generated_whole.violations >= 15
    assert {
        "rsh:InnovationName",
        "rsh:InnovationCarrierOrPlace",
        "rsh:InnovationCarrierValue",
        "rsh:AwardLaureateStatus",
        "rsh:StagePlace",
        "rsh:NoPersonalContact",
        "rsh:PersonPublicOnly",
        "rsh:CommuneInRegion",
        "rsh:NoContactPoint",
    } <= shapes


def test_record_by_record_equals_whole_graph_on_generated_faults(
    generated: BuildResult, generated_whole: ValidationReport
) -> None:
    by_record = validate_build(generated, method="records", workers=2)  # eight batches
    assert by_record.method == "record by record (8 batches)" and by_record.workers == 2
    assert keys(by_record) == keys(generated_whole)
    assert by_record.results == generated_whole.results
    assert by_record.summary() == generated_whole.summary()


def test_reports_still_name_the_file_and_row_of_each_record(
    generated: BuildResult,
) -> None:
    report = validate_build(generated, method="records", workers=1)
    [row] = [r for r in report.results if r.shape == "rsh:InnovationName"]
    assert row.file is not None and row.file.endswith("innovations.csv")
    assert row.where and row.where.split()[-1].isdigit()
    assert "innovations.csv" in report.text()


def test_record_by_record_equals_whole_graph_on_the_bundled_data(bundled: BuildResult) -> None:
    whole = validate_build(bundled, method="whole")
    by_default = validate_build(bundled)  # what `rallynov build` and `validate` run
    assert by_default.method.startswith("record by record")
    assert keys(by_default) == keys(whole)
    assert by_default.results == whole.results
    assert by_default.summary() == whole.summary()
    assert whole.violations == 0


def test_the_grid_matrix_is_the_same_record_by_record(generated: BuildResult) -> None:
    whole = grid_matrix(generated, method="whole")
    assert grid_matrix(generated, method="records", workers=2) == whole
    assert any(v == "no" for row in whole for v in row.values())
    one = URIRef(f"https://w3id.org/rallynov/id/innovation/{whole[5]['id']}")
    assert grid_matrix(generated, only=[one]) == [whole[5]]

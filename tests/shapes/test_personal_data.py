"""Personal data: contacts reach the restricted graph only; any in the public graph is a violation."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal

from loaders import build_graphs
from loaders.iris import RALLY
from loaders.validation import validate_build

PERSON = "https://w3id.org/rallynov/id/person/yoann-martin"


def test_a_contact_in_the_restricted_table_stays_out_of_the_public_graph(shapes_data: Path) -> None:
    result = build_graphs([shapes_data / "levels"], include_default=False)
    assert (None, RALLY.telephone, Literal("03 81 00 00 00")) in result.restricted
    assert (None, RALLY.telephone, None) not in result.public
    assert validate_build(result).results == []


def test_a_telephone_in_a_public_source_blocks_publication(
    shapes_data: Path, tmp_path: Path
) -> None:
    leak = tmp_path / "leak.ttl"
    leak.write_text(
        f'<{PERSON}> <https://schema.org/telephone> "03 81 00 00 00" .\n', encoding="utf-8"
    )
    report = validate_build(build_graphs([shapes_data / "levels", leak], include_default=False))
    assert {(r.focus, r.criterion, r.component, r.severity) for r in report.results} == {
        (PERSON, "Q-PRIVACY", "sh:MaxCountConstraintComponent", "Violation"),
        (PERSON, "Q-PERSON-PUBLIC", "sh:ClosedConstraintComponent", "Warning"),
    }


def test_a_contact_point_in_a_public_source_blocks_publication(
    shapes_data: Path, tmp_path: Path
) -> None:
    leak = tmp_path / "leak.ttl"
    contact = "https://w3id.org/rallynov/id/contact/yoann-martin"
    leak.write_text(f"<{contact}> <{RALLY.contactOf}> <{PERSON}> .\n", encoding="utf-8")
    report = validate_build(build_graphs([shapes_data / "levels", leak], include_default=False))
    assert {(r.focus, r.component, r.severity) for r in report.results} == {
        (contact, "sh:NotConstraintComponent", "Violation")
    }

"""Who organised an event, in which role, says which brochure: one ``rally:Organising`` node per
row of ``event_organisers``, next to the direct ``rally:organiser`` shortcut."""

from __future__ import annotations

import csv

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS

from loaders.build import BuildResult
from loaders.iris import RALLY, SCHEMA, VOCAB, mint_iri
from loaders.paths import resource_dir

ROLE = URIRef(f"{VOCAB}organiser-role")
HOST, CO, ORGANISER = (URIRef(f"{ROLE}/{code}") for code in ("or-host", "or-co", "or-org"))
LIGNE_ARRIVEE = mint_iri("source", "ligne-arrivee")


def _rows() -> list[dict[str, str]]:
    with (resource_dir("data") / "event_organisers.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_2014_montbeliard_meeting_is_hosted_by_pma(bundled: BuildResult) -> None:
    graph = bundled.public
    event, pma = mint_iri("event", "meeting-2014-montbeliard-pma"), mint_iri("organisation", "pma")
    [node] = graph.subjects(RALLY.organisedEvent, event)
    assert node == mint_iri("organising", "meeting-2014-montbeliard-pma-pma")
    assert set(graph.objects(node, RDF.type)) == {RALLY.Organising, PROV.Association, SCHEMA.Role}
    assert set(graph.objects(node, RALLY.organisedBy)) == {pma}
    assert set(graph.objects(node, RALLY.organiserRole)) == {HOST}
    assert set(graph.objects(node, DCTERMS.source)) == {mint_iri("source", "edition-2014")}
    # the PROV-O reading of the same link, and the shortcuts simple queries use
    assert (event, PROV.qualifiedAssociation, node) in graph
    assert (node, PROV.agent, pma) in graph and (node, PROV.hadRole, HOST) in graph
    assert (event, RALLY.organiser, pma) in graph and (event, SCHEMA.organizer, pma) in graph


def test_the_co_organisers_of_ligne_arrivee_carry_their_note(bundled: BuildResult) -> None:
    graph = bundled.public
    rows = [r for r in _rows() if r["role"] == "OR-CO" and "ligne-arrivee" in r["source"]]
    assert len(rows) >= 4  # Mouves (Dole), CCI du Jura (Champagnole), the State and the Region
    for row in rows:
        node = mint_iri("organising", f"{row['event']}-{row['organisation']}")
        assert set(graph.objects(node, RALLY.organiserRole)) == {CO}, node
        assert LIGNE_ARRIVEE in set(graph.objects(node, DCTERMS.source)), node
        assert set(graph.objects(node, SKOS.editorialNote)) == {Literal(row["note"], lang="en")}
    mouves = mint_iri("organising", "stage-2013-07-dole-fc-active-mouves")
    assert graph.value(mouves, SKOS.editorialNote) == Literal(
        "Only ligne-arrivee associates the Mouves with this stage.", lang="en"
    )


def test_each_row_is_one_node_and_one_shortcut(bundled: BuildResult) -> None:
    graph = bundled.public
    rows = _rows()
    nodes = set(graph.subjects(RDF.type, RALLY.Organising))
    assert len(nodes) == len(rows)
    qualified = {
        (graph.value(n, RALLY.organisedEvent), graph.value(n, RALLY.organisedBy)) for n in nodes
    }
    assert qualified == set(graph.subject_objects(RALLY.organiser))
    for row in rows:
        node = mint_iri("organising", f"{row['event']}-{row['organisation']}")
        role = URIRef(f"{ROLE}/{row['role'].lower()}")
        assert set(graph.objects(node, RALLY.organiserRole)) == {role}
        sources = {mint_iri("source", s) for s in row["source"].split(";")}
        assert set(graph.objects(node, DCTERMS.source)) == sources
        assert set(graph.objects(node, PROV.wasDerivedFrom)) == sources
        notes = set(graph.objects(node, SKOS.editorialNote))
        assert notes == ({Literal(row["note"], lang="en")} if row["note"] else set())
    roles = {r["role"] for r in rows}
    assert roles == {"OR-ORG", "OR-CO", "OR-HOST"} and ORGANISER in set(graph.objects())


def test_an_organising_node_is_named_in_french_and_english(bundled: BuildResult) -> None:
    graph = bundled.public
    node = mint_iri("organising", "stage-2013-06-montbeliard-cress-pma-pma")
    labels = {label.language: str(label) for label in graph.objects(node, SCHEMA.name)}
    assert set(labels) == {"fr", "en"}
    assert all("Pays de Montbéliard Agglomération" in text for text in labels.values())


def test_a_link_node_knows_the_csv_row_it_came_from(bundled: BuildResult) -> None:

    node = mint_iri("organising", "meeting-2014-montbeliard-pma-pma")
    origin = bundled.origin(node)
    assert origin is not None, "no record for the PMA hosting link"
    assert origin.file.endswith("event_organisers.csv")
    assert origin.table == "event_organisers"

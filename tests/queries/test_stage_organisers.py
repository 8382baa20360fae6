"""The named query ``stage-organisers``: each organiser of an event with its role, sources and note."""

from __future__ import annotations

import csv

from endpoint.named_queries import run_named_query
from endpoint.store import EmbeddedStore
from loaders.iris import mint_iri
from loaders.paths import resource_dir


def test_a_stage_lists_its_organisers_with_role_source_and_note(
    bundled_store: EmbeddedStore,
) -> None:
    result = run_named_query(
        bundled_store, "stage-organisers", {"stage": "stage-2013-07-dole-fc-active", "lang": "en"}
    )
    rows = {row["organisation"]: row for row in result.rows}
    assert set(rows) == {
        str(mint_iri("organisation", "fc-active")),
        str(mint_iri("organisation", "mouves")),
    }
    mouves = rows[str(mint_iri("organisation", "mouves"))]
    assert (mouves["roleCode"], mouves["roleLabel"]) == ("OR-CO", "Co-organiser")
    assert mouves["note"] == "Only ligne-arrivee associates the Mouves with this stage."
    assert "ligne d'arrivée" in str(mouves["sources"])
    active = rows[str(mint_iri("organisation", "fc-active"))]
    assert (active["roleCode"], active["note"]) == ("OR-ORG", None)
    assert str(active["sources"]).count(" ; ") == 1  # carnet-1 and ligne-arrivee


def test_without_a_stage_every_link_is_listed_and_hosts_show(
    bundled_store: EmbeddedStore,
) -> None:
    rows = run_named_query(bundled_store, "stage-organisers", {}).rows
    with (resource_dir("data") / "event_organisers.csv").open(encoding="utf-8") as handle:
        assert len(rows) == len(list(csv.DictReader(handle)))  # one row per link
    hosted = {
        (row["stage"], row["organisationName"], row["roleLabel"])
        for row in rows
        if row["roleCode"] == "OR-HOST"
    }
    meeting = str(mint_iri("event", "meeting-2014-montbeliard-pma"))
    assert (meeting, "Pays de Montbéliard Agglomération", "Hôte") in hosted

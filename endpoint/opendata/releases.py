"""The version history of the static releases, and what changed between two of them.

A release folder keeps ``releases.json`` (every release so far: version, date, size, and the
change summary); a new release compares its public graph with the previous release's dump,
subject by subject: an entity is *added* or *removed* when its IRI appears or disappears as a
subject, *changed* when the set of its triples differs.

>>> diff_subjects({"a": "1", "b": "2"}, {"b": "3", "c": "4"})
(1, 1, 1)
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from endpoint.opendata.nodes import add_labels, date_literal
from endpoint.opendata.publication import Changes, Publication, Release
from endpoint.opendata.terms import ADMS, DCAT, DCTERMS
from endpoint.opendata.texts import TITLE

HISTORY_FILE = "releases.json"


def subject_digests(ntriples: bytes) -> dict[str, str]:
    """A digest of each IRI subject's triples (blank-node objects count as one anonymous node)."""
    lines: dict[str, list[str]] = defaultdict(list)
    for triple in ox.parse(ntriples, ox.RdfFormat.N_TRIPLES):
        if not isinstance(triple.subject, ox.NamedNode):
            continue
        obj = "_:b" if isinstance(triple.object, ox.BlankNode) else str(triple.object)
        lines[triple.subject.value].append(f"{triple.predicate} {obj}")
    return {
        subject: hashlib.sha256("\n".join(sorted(set(found))).encode("utf-8")).hexdigest()
        for subject, found in lines.items()
    }


def diff_subjects(old: dict[str, str], new: dict[str, str]) -> tuple[int, int, int]:
    """(added, removed, changed) between two :func:`subject_digests`."""
    added = len(new.keys() - old.keys())
    removed = len(old.keys() - new.keys())
    changed = sum(1 for subject in old.keys() & new.keys() if old[subject] != new[subject])
    return added, removed, changed


def count_entities(digests: dict[str, str], uri_space: str) -> int:
    return sum(1 for subject in digests if subject.startswith(uri_space))


def read_history(folder: Path, dataset_iri: str) -> list[Release]:
    """The releases recorded in ``folder``: its ``releases.json``, else what its previous
    catalog says (a release made before the history file existed), else none."""
    history_file = folder / HISTORY_FILE
    if history_file.is_file():
        data = json.loads(history_file.read_text(encoding="utf-8"))
        return [Release.from_json(entry) for entry in data.get("releases", [])]
    catalog = folder / "catalog.ttl"
    if catalog.is_file():
        graph = Graph().parse(catalog, format="turtle")
        dataset = URIRef(dataset_iri)
        version = graph.value(dataset, DCAT.version) or graph.value(dataset, OWL.versionInfo)
        issued = graph.value(dataset, DCTERMS.modified) or graph.value(dataset, DCTERMS.issued)
        if version is not None:
            return [Release(str(version), str(issued or "")[:10], "", 0, 0, "")]
    return []


def previous_dump(folder: Path) -> bytes | None:
    """The N-Triples dump of the release already in ``folder``, if any."""
    plain = folder / "download" / "rallynov.nt"
    if plain.is_file():
        return plain.read_bytes()
    return None


def next_version(history: list[Release], date: str) -> str:
    """``2026.11.30``, or ``2026.11.30.2`` when a release of that day already exists."""
    base = date.replace("-", ".")
    taken = {release.version for release in history}
    if base not in taken:
        return base
    number = 2
    while f"{base}.{number}" in taken:
        number += 1
    return f"{base}.{number}"


def new_release(
    history: list[Release],
    version: str,
    date: str,
    base_url: str,
    ntriples: bytes,
    previous: bytes | None,
    uri_space: str,
) -> Release:
    """The history entry for a release whose public graph is ``ntriples``."""
    digests = subject_digests(ntriples)
    changes = None
    if previous is not None and history:
        added, removed, changed = diff_subjects(subject_digests(previous), digests)
        changes = Changes(history[-1].version, added, removed, changed)
    return Release(
        version,
        date,
        base_url,
        sum(1 for line in ntriples.splitlines() if line.strip()),
        count_entities(digests, uri_space),
        hashlib.sha256(ntriples).hexdigest(),
        changes,
    )


def history_json(dataset_iri: str, releases: list[Release]) -> bytes:
    data: dict[str, Any] = {
        "dataset": dataset_iri,
        "releases": [release.to_json() for release in releases],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def add_version_history(graph: Graph, pub: Publication) -> None:
    """The releases in the catalog: each one a dataset version (``{namespace}dataset/{version}``)
    of the dataset, linked to the one before (``dcat:previousVersion``), with its change notes."""
    dataset = URIRef(pub.dataset)
    previous: URIRef | None = None
    for release in pub.releases:
        node = URIRef(pub.version_iri(release.version))
        graph.add((node, RDF.type, DCAT.Dataset))
        graph.add((node, DCTERMS.identifier, Literal(str(node))))
        titles = (
            f"{TITLE[0]} — version {release.version}",
            f"{TITLE[1]} — version {release.version}",
        )
        add_labels(graph, node, DCTERMS.title, titles)
        notes = (
            (release.changes.summary("fr"), release.changes.summary("en"))
            if release.changes
            else ("Première version publiée.", "First published version.")
        )
        add_labels(graph, node, DCTERMS.description, notes)
        add_labels(graph, node, ADMS.versionNotes, notes)
        graph.add((node, DCAT.version, Literal(release.version)))
        graph.add((node, OWL.versionInfo, Literal(release.version)))
        graph.add((node, DCTERMS.issued, date_literal(release.issued)))
        graph.add((node, DCAT.isVersionOf, dataset))
        graph.add((dataset, DCAT.hasVersion, node))
        graph.add((dataset, DCTERMS.hasVersion, node))
        if previous is not None:
            graph.add((node, DCAT.previousVersion, previous))
        previous = node
    if previous is None:
        return
    graph.add((dataset, DCAT.hasCurrentVersion, previous))
    changes = pub.releases[-1].changes
    if changes is not None:  # the dataset describes the current release: say what changed
        add_labels(
            graph, dataset, ADMS.versionNotes, (changes.summary("fr"), changes.summary("en"))
        )
        graph.add((dataset, DCAT.previousVersion, URIRef(pub.version_iri(changes.previous))))

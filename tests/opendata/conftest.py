"""Helpers for the open-data tests: plain HTTP (as a harvester does it), the DCAT-AP shapes,
and the telephone numbers that must never leave the restricted graph."""

from __future__ import annotations

import csv
import gzip
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph
from rdflib.namespace import SH

from endpoint.opendata import downloads_for
from loaders.paths import resource_dir

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()

    def text(self) -> str:
        data = gzip.decompress(self.body) if self.body[:2] == b"\x1f\x8b" else self.body
        return data.decode("utf-8", errors="replace")


def http_get(url: str, headers: dict[str, str] | None = None) -> Reply:
    """GET ``url`` with the standard library (no redirects hidden: 3xx are followed by urllib)."""
    request = urllib.request.Request(
        url, headers={"User-Agent": "uData/0.1 dcat", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (local URLs)
            return Reply(
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
            )
    except urllib.error.HTTPError as error:
        return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


def shapes(*names: str) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(HERE / name, format="turtle")
    return graph


@pytest.fixture(scope="session", autouse=True)
def built_downloads(bundled_store) -> None:  # type: ignore[no-untyped-def]
    """The bundled dataset's download files, built as the start-up warm-up of ``rallynov serve``
    builds them: these tests read the catalog and the files as a harvester finds them then.
    (``test_downloads_background.py`` covers the time before.)"""
    downloads_for(bundled_store).build_all()


@pytest.fixture(scope="session")
def dcat_ap_300() -> Graph:
    return shapes("dcat-ap-3.0.0/shapes.ttl", "dcat-ap-3.0.0/range.ttl")


@pytest.fixture(scope="session")
def dcat_ap_301() -> Graph:
    return shapes("dcat-ap-3.0.1/shapes.ttl", "dcat-ap-3.0.1/range.ttl")


@pytest.fixture(scope="session")
def dcat_ap_recommended() -> Graph:
    return shapes("dcat-ap-3.0.0/shapes_recommended.ttl")


def shacl_results(data: Graph, shacl: Graph) -> list[tuple[str, str, str, str]]:
    """Every result as (severity, focus node, path, constraint component), no inference."""
    _, report, _ = pyshacl.validate(data, shacl_graph=shacl, inference="none", allow_warnings=True)
    results = []
    for result in report.objects(None, SH.result):
        results.append(
            (
                str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
                str(report.value(result, SH.focusNode)),
                str(report.value(result, SH.resultPath)),
                str(report.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
            )
        )
    return sorted(results)


@pytest.fixture(scope="session")
def phones() -> list[str]:
    """Every telephone number of data/restricted/contacts.csv."""
    with (resource_dir("data") / "restricted" / "contacts.csv").open(encoding="utf-8") as handle:
        found = sorted(
            {row["telephone"].strip() for row in csv.DictReader(handle) if row["telephone"].strip()}
        )
    assert len(found) >= 10
    return found


def phone_forms(phone: str) -> set[str]:
    """The ways a number could be written: as in the source, digits only, dotted, +33."""
    digits = "".join(c for c in phone if c.isdigit())
    pairs = [digits[i : i + 2] for i in range(0, len(digits), 2)]
    return {phone, digits, ".".join(pairs), "-".join(pairs), "+33" + digits[1:], " ".join(pairs)}


def leaked(text: str, phones: list[str]) -> list[str]:
    """The phone numbers (in any written form) found in ``text``."""
    return [phone for phone in phones if any(form in text for form in phone_forms(phone))]

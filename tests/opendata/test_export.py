"""``rallynov export``: a static release served by a plain static server is a complete
publication (every catalog URL resolves, checksums match), with its version history."""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from endpoint.cli import main
from endpoint.export import export_release
from endpoint.opendata.terms import ADMS, DCAT, DCTERMS, SPDX
from endpoint.store import EmbeddedStore
from loaders import build_graphs
from tests.conftest import TESTS
from tests.opendata.conftest import http_get, shacl_results

DATASET = URIRef("https://w3id.org/rallynov/dataset")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A folder served by ``python -m http.server`` on 127.0.0.1 (stopped by its PID)."""
    folder = tmp_path_factory.mktemp("static") / "site"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    parent = folder.parent
    process = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
        [
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(parent),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.05)
        yield folder, f"{base}/site"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def released(site: tuple[Path, str], bundled_store: EmbeddedStore) -> tuple[Path, str]:  # type: ignore[misc]
    """Two releases in the same folder: first the tiny test dataset, then the bundled one."""
    folder, base = site
    mini = EmbeddedStore()
    mini.publish(build_graphs([TESTS / "data" / "mini"], include_default=False).named_triples())
    export_release(mini, folder, base, version="1.0.0", date="2026-01-15")
    export_release(bundled_store, folder, base, version="1.1.0", date="2026-02-01")
    return folder, base


def test_cli_writes_a_release(runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RALLYNOV_STORE", str(tmp_path / "no-store-yet"))
    target = tmp_path / "release"
    result = runner.invoke(
        main,
        [
            "export",
            str(target),
            "--base-url",
            "https://data.example.org/rallynov",
            "--date",
            "2026-03-01",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Wrote release 2026.03.01 (2026-03-01)" in result.output
    for name in (
        "index.html",
        "catalog.ttl",
        "catalog.jsonld",
        "catalog.rdf",
        "void.ttl",
        "SHA256SUMS",
        "releases.json",
    ):
        assert (target / name).is_file(), name
    catalog = Graph().parse(target / "catalog.ttl", format="turtle")
    urls = {str(u) for u in catalog.objects(None, DCAT.downloadURL)}
    assert urls and all(u.startswith("https://data.example.org/rallynov/download/") for u in urls)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".release.")]  # no staging left
    bad = runner.invoke(main, ["export", str(target), "--base-url", "ftp:/x"])
    assert bad.exit_code == 2 and "absolute URL" in bad.output
    again = runner.invoke(
        main, ["export", str(target), "--date", "2026-03-01", "--release", "2026.03.01"]
    )
    assert again.exit_code == 2 and "already" in again.output


def test_every_catalog_url_resolves_on_a_static_server(released: tuple[Path, str]) -> None:
    _, base = released
    reply = http_get(f"{base}/catalog.ttl")
    assert reply.status == 200
    catalog = Graph().parse(data=reply.body, format="turtle")
    ours = {
        str(term).split("#", 1)[0]
        for triple in catalog
        for term in triple
        if str(term).startswith(base)
    }
    assert {f"{base}/catalog.ttl", f"{base}/void.ttl", f"{base}/index.html"} <= ours
    assert len([url for url in ours if "/download/" in url]) >= 20
    for url in sorted(ours):
        assert http_get(url).status == 200, url
    for distribution in catalog.subjects(DCAT.downloadURL, None):
        body = http_get(str(catalog.value(distribution, DCAT.downloadURL))).body
        assert len(body) == catalog.value(distribution, DCAT.byteSize).toPython()
        checksum = catalog.value(distribution, SPDX.checksum)
        assert hashlib.sha256(body).hexdigest() == str(catalog.value(checksum, SPDX.checksumValue))
    for name in ("catalog.jsonld", "catalog.rdf", "void.ttl", "index.html", "releases.json"):
        assert http_get(f"{base}/{name}").status == 200


def test_sha256sums_matches_what_the_server_sends(released: tuple[Path, str]) -> None:
    folder, base = released
    lines = http_get(f"{base}/SHA256SUMS").body.decode().splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    on_disk = {
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and path.name != "SHA256SUMS"
    }
    assert set(listed) == on_disk
    for name, digest in listed.items():
        assert hashlib.sha256(http_get(f"{base}/{name}").body).hexdigest() == digest, name


def test_release_catalog_conforms_to_dcat_ap(
    released: tuple[Path, str], dcat_ap_300: Graph
) -> None:
    folder, _ = released
    assert shacl_results(Graph().parse(folder / "catalog.ttl", format="turtle"), dcat_ap_300) == []


def test_version_history_and_change_summary(released: tuple[Path, str], bundled) -> None:  # type: ignore[no-untyped-def]
    folder, base = released
    history = json.loads((folder / "releases.json").read_text(encoding="utf-8"))
    assert [r["version"] for r in history["releases"]] == ["1.0.0", "1.1.0"]
    changes = history["releases"][1]["changes"]
    mini = build_graphs([TESTS / "data" / "mini"], include_default=False)

    def subjects(build) -> set[URIRef]:  # type: ignore[no-untyped-def]
        triples = [*build.public_triples, *build.vocabulary]
        return {s for s, _, _ in triples if isinstance(s, URIRef)}

    old, new = subjects(mini), subjects(bundled)
    assert changes["previous"] == "1.0.0"
    assert changes["added"] == len(new - old) > 0
    assert changes["removed"] == len(old - new)
    assert changes["changed"] > 0
    catalog = Graph().parse(folder / "catalog.ttl", format="turtle")
    versions = {str(v) for v in catalog.objects(DATASET, DCAT.hasVersion)}
    assert versions == {
        "https://w3id.org/rallynov/dataset/1.0.0",
        "https://w3id.org/rallynov/dataset/1.1.0",
    }
    current = URIRef("https://w3id.org/rallynov/dataset/1.1.0")
    assert catalog.value(DATASET, DCAT.hasCurrentVersion) == current
    assert catalog.value(current, DCAT.previousVersion) == URIRef(
        "https://w3id.org/rallynov/dataset/1.0.0"
    )
    assert (current, RDF.type, DCAT.Dataset) in catalog
    notes = {str(n) for n in catalog.objects(DATASET, ADMS.versionNotes)}
    assert any(f"{changes['added']} entities added" in note for note in notes)
    assert str(catalog.value(DATASET, DCAT.version)) == "1.1.0"
    assert str(catalog.value(DATASET, DCTERMS.issued)) == "2026-01-15"
    assert str(catalog.value(DATASET, DCTERMS.modified)) == "2026-02-01"
    index = http_get(f"{base}/index.html").body.decode()
    assert "1.1.0" in index and "1.0.0" in index and "entities added" in index


def test_a_failed_export_leaves_the_previous_release(
    released: tuple[Path, str], bundled_store, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    folder, base = released
    before = (folder / "SHA256SUMS").read_bytes()

    def broken(root: Path, contents: dict[str, bytes]) -> None:
        (root / "download").mkdir(parents=True)
        (root / "download" / "half.ttl").write_bytes(b"")
        raise OSError("disk full")

    monkeypatch.setattr("endpoint.export._write_tree", broken)
    with pytest.raises(OSError, match="disk full"):
        export_release(bundled_store, folder, base, version="9.9.9", date="2026-02-02")
    assert (folder / "SHA256SUMS").read_bytes() == before
    assert sorted(p.name for p in folder.parent.iterdir()) == ["site"]

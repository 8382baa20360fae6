"""A static release: everything a static web host (or a portal) needs to publish the dataset.

    DIR/index.html                  a small bilingual page: version, date, files, history
    DIR/catalog.ttl .jsonld .rdf    the DCAT-AP 3.0 catalog, with the release's own URLs
    DIR/void.ttl                    the VoID description
    DIR/download/...                every download of the server (RDF dumps, CSV, GeoJSON, GEXF)
    DIR/releases.json               the version history (kept from release to release)
    DIR/SHA256SUMS                  ``sha256sum -c SHA256SUMS`` checks every other file

The release is written to a temporary folder beside ``DIR``, then moved into place: readers
see the previous release or the new one, never half of one. When ``DIR`` already holds a
release, the new one records it as its previous version, with a summary of what changed.

>>> report = export_release(store, Path("site"), "https://data.example.org/rallynov")  # doctest: +SKIP
>>> report.release.version                                                          # doctest: +SKIP
'2026.11.30'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from endpoint.catalog import serialize_graph, void_statistics
from endpoint.opendata import DownloadFile, downloads_for
from endpoint.opendata.dcat import build_catalog
from endpoint.opendata.files import checksum_file
from endpoint.opendata.publication import Publication, Release, load_agents
from endpoint.opendata.releases import (
    HISTORY_FILE,
    history_json,
    new_release,
    next_version,
    previous_dump,
    read_history,
)
from endpoint.opendata.texts import DESCRIPTION, TITLE
from endpoint.opendata.void import build_void
from endpoint.store.base import Store

TEMPLATES = Path(__file__).parent / "templates"
CATALOG_FILES = {"catalog.ttl": "ttl", "catalog.jsonld": "jsonld", "catalog.rdf": "rdf"}


@dataclass(frozen=True)
class ExportReport:
    folder: Path
    release: Release
    files: dict[str, int]  # relative path -> size


def release_publication(
    store: Store,
    base_url: str,
    namespace: str,
    license_iri: str,
    releases: tuple[Release, ...],
    sparql_endpoint: str = "",
) -> Publication:
    """The publication of a static release at ``base_url`` (its own catalog, VoID and files)."""
    base = base_url.rstrip("/")
    current = releases[-1]
    return Publication(
        base_url=base,
        namespace=namespace,
        license=license_iri,
        version=current.version,
        issued=releases[0].issued,
        modified=current.issued,
        catalog_url=f"{base}/catalog.ttl",
        void_url=f"{base}/void.ttl",
        landing_page=f"{base}/index.html",
        access_page=f"{base}/index.html",
        download_prefix=f"{base}/download/",
        sparql_endpoint=sparql_endpoint,
        releases=releases,
        agents=load_agents(store, namespace),
    )


def _index_html(pub: Publication, sizes: dict[str, tuple[int, str]]) -> bytes:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True
    )
    template = env.get_template("export_index.html")
    return template.render(pub=pub, files=sizes, title=TITLE, description=DESCRIPTION).encode(
        "utf-8"
    )


def _write_tree(root: Path, contents: dict[str, bytes | Path]) -> None:
    """Write each file: bytes as they are, a path (a download built on disk) copied."""
    for relative, data in contents.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, Path):
            shutil.copyfile(data, path)
        else:
            path.write_bytes(data)


def _swap_into_place(staging: Path, folder: Path) -> None:
    """Move the finished ``staging`` folder to ``folder``, replacing an older release."""
    if not folder.exists():
        os.replace(staging, folder)
        return
    retired = folder.with_name(f".{folder.name}.old-{uuid.uuid4().hex[:8]}")
    os.replace(folder, retired)
    os.replace(staging, folder)
    shutil.rmtree(retired, ignore_errors=True)


def export_release(
    store: Store,
    folder: Path,
    base_url: str | None = None,
    *,
    namespace: str = "https://w3id.org/rallynov/",
    license_iri: str = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    version: str | None = None,
    date: str | None = None,
    sparql_endpoint: str = "",
) -> ExportReport:
    """Write a complete static release of the store's public data to ``folder``."""
    folder = folder.resolve()
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"{folder} is a file; give a folder for the release")
    base = (base_url or folder.as_uri()).rstrip("/")
    day = date or dt.datetime.now(dt.UTC).date().isoformat()
    dt.date.fromisoformat(day)  # a clear ValueError on a malformed date
    files: dict[str, DownloadFile] = downloads_for(store).build_all()
    history = read_history(folder, f"{namespace}dataset")
    label = version or next_version(history, day)
    if any(release.version == label for release in history):
        raise ValueError(f"version {label} is already in {folder / HISTORY_FILE}; choose another")
    release = new_release(
        history,
        label,
        day,
        base,
        files["rallynov.nt"].data,
        previous_dump(folder),
        f"{namespace}id/",
    )
    releases = (*history, release)
    pub = release_publication(store, base, namespace, license_iri, releases, sparql_endpoint)
    contents: dict[str, bytes] = {}
    catalog = build_catalog(pub, files)
    for name, ext in CATALOG_FILES.items():
        contents[name] = serialize_graph(catalog, ext)
    contents["void.ttl"] = serialize_graph(
        build_void(pub, void_statistics(store, pub.uri_space), files), "ttl"
    )
    contents[HISTORY_FILE] = history_json(pub.dataset, list(releases))
    sizes = {name: (len(data), hashlib.sha256(data).hexdigest()) for name, data in contents.items()}
    copies: dict[str, Path] = {}
    for name, file in files.items():
        assert file.path is not None and file.size is not None and file.sha256 is not None
        copies[f"download/{name}"] = file.path
        sizes[f"download/{name}"] = (file.size, file.sha256)
    contents["index.html"] = _index_html(pub, sizes)
    digests = {name: digest for name, (_, digest) in sizes.items()}
    digests["index.html"] = hashlib.sha256(contents["index.html"]).hexdigest()
    contents["SHA256SUMS"] = checksum_file(digests)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.with_name(f".{folder.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        _write_tree(staging, {**contents, **copies})
        _swap_into_place(staging, folder)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    written = {name: len(data) for name, data in contents.items()}
    written.update({name: sizes[name][0] for name in copies})
    return ExportReport(folder, release, written)

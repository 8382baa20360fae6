"""``rallynov export DIR``: a static release of the dataset, complete without the server.

    rallynov export site/ --base-url https://data.example.org/rallynov
    rallynov export site/ --base-url https://data.example.org/rallynov --release 1.1.0

Every download, the DCAT-AP catalog and the VoID description (with the release's own URLs), a
``SHA256SUMS`` file, a small HTML index and ``releases.json``, the version history: exporting
again into the same folder records the previous release and what changed since.
"""

from __future__ import annotations

from pathlib import Path

import click

from endpoint.settings import load_settings


@click.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--base-url",
    default=None,
    help="URL where the folder will be published (default: the folder's own file: URL).",
)
@click.option(
    "--release", "version", default=None, help="Version label (default: the date, 2026.11.30)."
)
@click.option("--date", default=None, help="Release date, YYYY-MM-DD (default: today, UTC).")
@click.option(
    "--sparql-endpoint",
    default="",
    help="A SPARQL endpoint serving the same data, to list in the catalog (default: none).",
)
@click.option(
    "--store",
    "store_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Store folder (default: RALLYNOV_STORE or ~/.local/share/rallynov/store).",
)
def export(
    directory: Path,
    base_url: str | None,
    version: str | None,
    date: str | None,
    sparql_endpoint: str,
    store_path: Path | None,
) -> None:
    """Write a static release (downloads, catalog, VoID, SHA256SUMS, index.html) to DIRECTORY."""
    from endpoint.cli import InputFailed, reading_store, user_errors  # (cli imports this module)
    from endpoint.export import export_release

    if base_url is not None and not base_url.startswith(("http://", "https://", "file:")):
        raise click.BadParameter("give an absolute URL (https://...)", param_hint="--base-url")
    settings = load_settings()
    with user_errors():
        store = reading_store(store_path)
        try:
            report = export_release(
                store,
                directory,
                base_url,
                namespace=str(settings["BASE_URI"]),
                license_iri=str(settings["LICENSE"]),
                version=version,
                date=date,
                sparql_endpoint=sparql_endpoint,
            )
        except ValueError as exc:
            raise InputFailed(str(exc)) from exc
    release = report.release
    changes = f" {release.changes.summary('en')}" if release.changes else ""
    click.echo(
        f"Wrote release {release.version} ({release.issued}) to {report.folder}: "
        f"{len(report.files)} files, {release.triples} triples.{changes}"
    )

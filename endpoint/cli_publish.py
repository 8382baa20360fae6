"""``rallynov publish``: build, validate and publish the records to a SPARQL 1.1 server.

    rallynov publish --to http://127.0.0.1:7878/query                 # Oxigraph server
    rallynov publish --to http://fuseki:3030/rallynov/sparql partner/  # Fuseki, with more records
    rallynov publish --to http://127.0.0.1:7878/query --rollback       # previous version

The data goes into fresh versioned graphs and the server switches to them only when they are
complete (see :mod:`endpoint.store.remote`). Exit status: 0 published, 1 the records violate the
grid (nothing sent), 2 unreadable input or an unreachable or refusing server.
"""

from __future__ import annotations

from pathlib import Path

import click

from endpoint.cli_validation import cache_option, checked
from endpoint.store.remote import (
    DEFAULT_MANIFEST,
    RemoteStore,
    StoreUnavailable,
    SwitchUncertainError,
    is_remote,
)


@click.command()
@click.option(
    "--to",
    "url",
    required=True,
    metavar="URL",
    help="Query endpoint of the SPARQL server (Oxigraph: http://HOST:7878/query; "
    "Fuseki: http://HOST:3030/DATASET/sparql).",
)
@click.option(
    "--update-url",
    default=None,
    metavar="URL",
    help="SPARQL Update endpoint (default: guessed from --to).",
)
@click.option(
    "--gsp-url",
    default=None,
    metavar="URL",
    help="Graph Store Protocol endpoint (default: guessed from --to; 'none': SPARQL Update only).",
)
@click.option(
    "--graph",
    "graph",
    default=None,
    metavar="IRI",
    help=f"Pointer graph that names this dataset on the server (default: {DEFAULT_MANIFEST}); "
    "serve with the setting REMOTE_GRAPH set to the same IRI.",
)
@click.option(
    "--rollback",
    is_flag=True,
    help="Switch back to the previously published version instead of publishing.",
)
@click.option(
    "--no-default", is_flag=True, help="Use only the given sources, not the bundled dataset."
)
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@cache_option
def publish(
    url: str,
    update_url: str | None,
    gsp_url: str | None,
    graph: str | None,
    rollback: bool,
    no_default: bool,
    sources: tuple[Path, ...],
    no_cache: bool,
) -> None:
    """Validate, then publish the records to a SPARQL server, switching atomically."""
    from endpoint.cli import InputFailed, ValidationBlocked, _progress_build, user_errors
    from endpoint.settings import load_settings

    if not is_remote(url):
        raise click.UsageError(
            f"--to takes the http(s) URL of a SPARQL query endpoint, not {url!r}"
        )
    if rollback and (sources or no_default):
        raise click.UsageError("--rollback publishes nothing new: give no sources with it")
    store = RemoteStore.from_settings(
        url, load_settings(), update_url=update_url, gsp_url=gsp_url, graph=graph
    )
    try:
        with user_errors():
            before = store.meta()  # fails fast when the server cannot be reached
            if rollback:
                meta = store.rollback()
                click.echo(
                    f"Rolled {url} back to version {meta.version} (published {meta.modified}, "
                    f"{meta.triples} triples); run --rollback again to return to the version "
                    "it replaced."
                )
                return
            result = _progress_build(sources, no_default)
            report = checked(result, no_cache)
            if report.violations:
                click.echo(report.text("en"), err=True)
                raise ValidationBlocked(
                    f"the records violate the grid; nothing was published to {url}"
                )
            meta = store.publish(result.named_triples())
    except InputFailed as exc:
        if isinstance(exc.__cause__, SwitchUncertainError):
            raise InputFailed(
                f"{exc.message}. Once the server answers again, run the same 'rallynov publish' "
                "to be sure the new version is the one served."
            ) from exc.__cause__
        if isinstance(exc.__cause__, StoreUnavailable):
            raise InputFailed(
                f"{exc.message}. Nothing was changed on the server: the published data, if any, "
                "is as it was."
            ) from exc.__cause__
        raise
    kept = f"; version {before.version} kept for --rollback" if before else ""
    click.echo(
        f"Published {meta.triples} triples in {len(meta.graphs)} graphs to {url} "
        f"(version {meta.version}{kept}; {report.warnings} warning(s), see 'rallynov validate')."
    )

"""``rallynov network``: a collaboration network as JSON, GEXF, GraphML, CSV or PNG.

rallynov network --kind co-organisation --edition 2013 --format gexf -o coorg-2013.gexf
rallynov network --kind actor-need --mode projection --format csv --table edges
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from endpoint.networks.build import MODES
from endpoint.networks.export import FORMATS, TABLES
from endpoint.networks.source import KINDS


@click.command("network")
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default="co-organisation",
    show_default=True,
    help="Which network.",
)
@click.option("--edition", default="all", show_default=True, help="Edition year, or 'all'.")
@click.option(
    "--mode",
    type=click.Choice(MODES),
    default=None,
    help="Bipartite graph or its projection on organisations (default: projection for "
    "co-organisation and partnership, bipartite otherwise).",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True)
@click.option(
    "--table",
    type=click.Choice(TABLES),
    default="nodes",
    show_default=True,
    help="For --format csv: the node table or the edge table.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output).",
)
@click.option(
    "--store",
    "store_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Store folder (default: RALLYNOV_STORE or ~/.local/share/rallynov/store).",
)
def network(
    kind: str,
    edition: str,
    mode: str | None,
    fmt: str,
    table: str,
    output: Path | None,
    store_path: Path | None,
) -> None:
    """Build and analyse a collaboration network (metrics, communities, suggestions)."""
    # imported here: endpoint.cli imports this module at its end
    from endpoint import networks
    from endpoint.cli import InputFailed, reading_store, user_errors
    from endpoint.networks import export

    with user_errors():
        store = reading_store(store_path)
        try:
            analysis = networks.get_analysis(store, kind, edition, mode)
        except networks.NetworkError as exc:
            raise InputFailed(str(exc)) from exc
        meta = store.meta()
        if fmt == "json":
            data = export.to_json(
                analysis,
                kind=kind,
                edition=edition,
                mode=analysis.graph.graph["mode"],
                version=meta.version if meta else None,
                editions=networks.catalog(store).editions,
            )
            body = (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode()
        elif fmt == "csv":
            body = export.to_csv(analysis, table).encode()
        else:
            body = {"gexf": export.to_gexf, "graphml": export.to_graphml, "png": export.to_png}[
                fmt
            ](analysis)
        if output is None:
            if fmt == "png" and sys.stdout.isatty():
                raise click.UsageError("a PNG goes to a file: add -o FILE.png")
            click.get_binary_stream("stdout").write(body)
            return
        tmp = output.with_name(output.name + ".part")
        tmp.write_bytes(body)
        tmp.replace(output)
    stats = analysis.stats
    click.echo(
        f"Wrote {output}: {kind} ({analysis.graph.graph['mode']}, edition {edition}), "
        f"{stats['nodes']} nodes, {stats['edges']} edges, density {stats['density']}, "
        f"modularity {stats['modularity']}, {len(analysis.suggestions)} suggestion(s).",
        err=True,
    )

"""The ``rallynov`` command line: build, stats, query, dump (and the commands of later features).

Expected failures become a sentence and an exit status (2: input or store unreadable,
1: the data violates the grid), never a traceback.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import pyoxigraph as ox

from endpoint.cli_validation import cache_option, checked
from endpoint.settings import load_settings
from endpoint.store import EmbeddedStore, Store, open_store
from loaders import InputError, RallynovError, build_graphs
from loaders.build import BuildResult
from loaders.errors import StoreError

RDF_FORMATS = {
    "nt": ox.RdfFormat.N_TRIPLES,
    "ttl": ox.RdfFormat.TURTLE,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "trig": ox.RdfFormat.TRIG,
    "rdf": ox.RdfFormat.RDF_XML,
}


class InputFailed(click.ClickException):
    exit_code = 2


class ValidationBlocked(click.ClickException):
    exit_code = 1


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the project's expected failures into exit statuses with a readable message."""
    try:
        yield
    except InputError as exc:
        raise InputFailed(str(exc)) from exc
    except (StoreError, RallynovError, OSError) as exc:
        raise InputFailed(str(exc)) from exc


def store_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--store",
        "store_path",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Store folder (default: RALLYNOV_STORE or ~/.local/share/rallynov/store).",
    )(func)


def sources_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.argument("sources", nargs=-1, type=click.Path(path_type=Path))(func)
    return click.option(
        "--no-default", is_flag=True, help="Use only the given sources, not the bundled dataset."
    )(func)


def _progress_build(sources: tuple[Path, ...], no_default: bool) -> BuildResult:
    if not sys.stderr.isatty():
        return build_graphs(sources, include_default=not no_default)
    with click.progressbar(length=0, label="Mapping records", file=sys.stderr) as bar:
        return build_graphs(sources, include_default=not no_default, progress=bar.update)


def reading_store(store_path: Path | None) -> Store:
    """The published store; with none yet, the bundled dataset built in memory."""
    path = store_path or Path(load_settings()["STORE"])
    store = open_store(path)
    if store.meta() is None:
        if store_path is not None:
            raise StoreError(
                f"no dataset is published in {path}; run 'rallynov build --store {path}' first"
            )
        click.echo(f"No store at {path} yet: building the bundled dataset in memory.", err=True)
        memory = EmbeddedStore()
        memory.publish(build_graphs().named_triples())
        return memory
    return store


class LazyGroup(click.Group):
    """Subcommands whose module is imported only when they run (click's documented pattern):
    ``network`` needs networkx, SciPy and NumPy, a second of imports no other command pays."""

    lazy = {"network": "endpoint.cli_network"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            command = getattr(importlib.import_module(self.lazy[cmd_name]), cmd_name)
            return command if isinstance(command, click.Command) else None
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup)
@click.version_option(package_name="rallynov")
def main() -> None:
    """Rally'nov open knowledge graph: social innovations of Franche-Comté as linked open data."""


@main.command()
@sources_options
@store_option
@cache_option
def build(
    sources: tuple[Path, ...], no_default: bool, store_path: Path | None, no_cache: bool
) -> None:
    """Load, validate and publish the records into the store (atomically)."""
    with user_errors():
        result = _progress_build(sources, no_default)
        report = checked(result, no_cache)
        if report.violations:
            click.echo(report.text("en"), err=True)
            raise ValidationBlocked(
                "the records violate the grid; nothing was published (store unchanged)"
            )
        path = store_path or Path(load_settings()["STORE"])
        meta = open_store(path, writable=True).publish(result.named_triples())
    click.echo(
        f"Published {meta.triples} triples in {len(meta.graphs)} graphs to {path} "
        f"(version {meta.version}; {report.warnings} warning(s), see 'rallynov validate')."
    )


STATS_QUERIES = {
    "class": """SELECT ?key (COUNT(DISTINCT ?s) AS ?n) WHERE {
        ?s a ?key FILTER(STRSTARTS(STR(?key), "https://w3id.org/rallynov/def#")) } GROUP BY ?key ORDER BY ?key""",
    "edition": """PREFIX rally: <https://w3id.org/rallynov/def#>
        SELECT ?key ?kind (COUNT(DISTINCT ?s) AS ?n) WHERE {
          ?s rally:edition ?e . ?e rally:year ?key . ?s a ?kind
          VALUES ?kind { rally:SocialInnovation rally:Stage rally:Event rally:Award rally:Partnership }
        } GROUP BY ?key ?kind ORDER BY ?key ?kind""",
    "need": """PREFIX rally: <https://w3id.org/rallynov/def#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?key (COUNT(DISTINCT ?s) AS ?n) WHERE {
          ?s rally:addressesNeed ?need . ?need skos:notation ?code ; skos:prefLabel ?label
          FILTER(LANG(?label) = "en") BIND(CONCAT(?code, " ", ?label) AS ?key)
        } GROUP BY ?key ORDER BY ?key""",
}


def _short(term: Any) -> str:
    value = term.value if hasattr(term, "value") else str(term)
    return value.rsplit("#", 1)[-1] if "#" in value else value


@main.command()
@store_option
def stats(store_path: Path | None) -> None:
    """Counts per class, per edition, per need; triples; named graphs."""
    with user_errors():
        store = reading_store(store_path)
        meta = store.meta()
        assert meta is not None
        click.echo(f"Dataset version {meta.version}, published {meta.modified}")
        click.echo(f"Triples: {meta.triples}")
        click.echo("Named graphs:")
        for name, count in sorted(meta.graphs.items()):
            click.echo(f"  {name}  {count}")
        click.echo("Resources per class:")
        for row in store.query(STATS_QUERIES["class"]):
            click.echo(f"  {_short(row['key']):24} {row['n'].value}")
        click.echo("Per edition:")
        for row in store.query(STATS_QUERIES["edition"]):
            click.echo(f"  {row['key'].value}  {_short(row['kind']):18} {row['n'].value}")
        click.echo("Innovations per need:")
        for row in store.query(STATS_QUERIES["need"]):
            click.echo(f"  {row['key'].value:48} {row['n'].value}")


def render_results(results: Any, fmt: str, rows: slice = slice(None)) -> str:
    """SELECT/ASK as a table, CSV or SPARQL JSON; CONSTRUCT/DESCRIBE as Turtle (or N-Triples for
    csv). ``rows``: the solutions of a SELECT to print (a page; all by default)."""
    if isinstance(results, ox.QueryTriples):
        out = io.BytesIO()
        ox.serialize(results, out, ox.RdfFormat.N_TRIPLES if fmt == "csv" else ox.RdfFormat.TURTLE)
        return out.getvalue().decode()
    if isinstance(results, ox.QueryBoolean):
        return {"json": f'{{"head": {{}}, "boolean": {str(bool(results)).lower()}}}'}.get(
            fmt, str(bool(results)).lower()
        )
    if fmt in {"csv", "json"}:
        out = io.BytesIO()
        results.serialize(
            out, ox.QueryResultsFormat.CSV if fmt == "csv" else ox.QueryResultsFormat.JSON
        )
        text = out.getvalue().decode()
        return text if rows == slice(None) else _page_of(text, fmt, rows)
    variables = [v.value for v in results.variables]
    table = [[_cell(solution[v]) for v in variables] for solution in results]
    return _table(variables, table[rows])


def _page_of(text: str, fmt: str, rows: slice) -> str:
    """The ``rows`` of serialised SELECT results (SPARQL JSON or CSV, read back with the json
    and csv modules: a CSV value may hold a line break)."""
    if fmt == "json":
        data = json.loads(text)
        data["results"]["bindings"] = data["results"]["bindings"][rows]
        return json.dumps(data, ensure_ascii=False)
    header, *body = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *body[rows]])
    return out.getvalue()


def _table(variables: list[str], rows: list[list[str]]) -> str:
    widths = [max([len(v), *(len(r[i]) for r in rows)]) for i, v in enumerate(variables)]
    lines = [" | ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _cell(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    return term.value if hasattr(term, "value") else str(term)


@main.command()
@click.argument("sparql", required=False)
@click.option("--name", default=None, help="Run the named query NAME (a file of queries/).")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter of the named query (repeat for several).",
)
@click.option(
    "--list", "list_names", is_flag=True, help="List the named queries and their parameters."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@store_option
def query(
    sparql: str | None,
    name: str | None,
    params: tuple[str, ...],
    list_names: bool,
    fmt: str,
    store_path: Path | None,
) -> None:
    """Run a SPARQL query on the public graph ('-' reads it from standard input), or a named
    query with --name NAME --param KEY=VALUE (see --list)."""
    from endpoint.cli_queries import describe_named_queries, run_named_cli

    if list_names:
        with user_errors():
            click.echo(describe_named_queries())
        return
    if name and sparql:
        raise click.UsageError("give either a SPARQL query or --name, not both")
    if params and not name:
        raise click.UsageError("--param goes with --name NAME")
    if not sparql and not name:
        raise click.UsageError(
            "give a SPARQL query (or '-' to read it from standard input), or --name NAME"
        )
    if sparql == "-":
        sparql = sys.stdin.read()
    with user_errors():
        store = reading_store(store_path)
        try:
            results, rows = (
                run_named_cli(store, name, params)
                if name
                else (store.query(sparql or ""), slice(None))
            )
            text = render_results(results, fmt, rows)
        except SyntaxError as exc:
            raise InputFailed(f"the query is not valid SPARQL: {exc}") from exc
    click.echo(text)


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(sorted(RDF_FORMATS)), default="nq", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output).",
)
@store_option
def dump(fmt: str, output: Path | None, store_path: Path | None) -> None:
    """Write the whole public graph (data and vocabularies; never the restricted graph)."""
    with user_errors():
        store = reading_store(store_path)
        buffer = io.BytesIO()
        store.dump(buffer, RDF_FORMATS[fmt])
        if output is None:
            sys.stdout.buffer.write(buffer.getvalue())
        else:
            tmp = output.with_name(output.name + ".part")
            tmp.write_bytes(buffer.getvalue())
            tmp.replace(output)
            click.echo(f"Wrote {output} ({len(buffer.getvalue())} bytes).", err=True)


from endpoint.cli_serve import serve  # noqa: E402

main.add_command(serve)

from endpoint.cli_validation import grid, validate  # noqa: E402

main.add_command(validate)
main.add_command(grid)

from endpoint.cli_publish import publish  # noqa: E402

main.add_command(publish)

from endpoint.cli_export import export  # noqa: E402

main.add_command(export)

if __name__ == "__main__":
    main()

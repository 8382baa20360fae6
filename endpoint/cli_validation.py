"""``rallynov validate`` and ``rallynov grid``: the characterisation grid on the command line.

rallynov validate                                 # the bundled dataset, report in English
rallynov validate partner.innovations.csv --lang fr
rallynov validate --no-default new/ --format json
rallynov grid -o grid.csv                         # which criteria each innovation meets

``validate`` writes nothing but the report; it exits 0 when no result is a violation
(warnings and advice allowed), 1 when some are, 2 when the input cannot be read.
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from loaders import InputError, build_graphs
from loaders.build import BuildResult
from loaders.report import ValidationReport

if TYPE_CHECKING:
    from collections.abc import Callable


class InputUnreadable(click.ClickException):
    """The sources cannot be read or checked (exit status 2)."""

    exit_code = 2


def _build(sources: tuple[Path, ...], no_default: bool) -> BuildResult:
    try:
        return build_graphs(sources, include_default=not no_default)
    except InputError as exc:
        raise InputUnreadable(str(exc)) from exc
    except OSError as exc:
        raise InputUnreadable(f"cannot read the input: {exc}") from exc


def cache_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--no-cache",
        is_flag=True,
        help="Validate every record again, not only those changed since the last validation "
        "(the cache is RALLYNOV_VALIDATION_CACHE, by default ~/.cache/rallynov/validation.sqlite).",
    )(func)


def checked(result: BuildResult, no_cache: bool, lang: str = "en") -> ValidationReport:
    """The build validated (with the validation cache unless ``no_cache``); one line on stderr
    says how many records were checked and how many came unchanged from the cache."""
    from loaders.validation import validate_build
    from loaders.validation_cache import ValidationCache, default_path

    cache = None if no_cache else ValidationCache(default_path())
    start = time.perf_counter()
    try:
        report = validate_build(result, lang=lang, cache=cache)
    finally:
        if cache is not None:
            cache.close()
    spent = time.perf_counter() - start
    reused = f", {report.reused} unchanged since the last validation" if cache is not None else ""
    click.echo(f"Validated {report.records_checked} records{reused} in {spent:.1f} s.", err=True)
    return report


@click.command("validate")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--no-default", is_flag=True, help="Validate only the given sources, not the bundled dataset."
)
@click.option(
    "--lang",
    type=click.Choice(["en", "fr"]),
    default="en",
    show_default=True,
    help="Language of the report.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle", "json"]),
    default="text",
    show_default=True,
    help="A report for people, the SHACL report graph, or JSON rows.",
)
@cache_option
@click.pass_context
def validate(
    ctx: click.Context,
    sources: tuple[Path, ...],
    no_default: bool,
    lang: str,
    fmt: str,
    no_cache: bool,
) -> None:
    """Check the records against the characterisation grid, without publishing anything."""
    report = checked(_build(sources, no_default), no_cache, lang)
    if fmt == "turtle":
        click.echo(report.turtle())
    elif fmt == "json":
        click.echo(report.json())
    else:
        click.echo(report.text(lang))
    if report.violations:
        ctx.exit(1)


@click.command("grid")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--no-default", is_flag=True, help="Use only the given sources, not the bundled dataset."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="CSV file to write (default: standard output).",
)
def grid(sources: tuple[Path, ...], no_default: bool, output: Path | None) -> None:
    """The grid matrix as CSV: one row per innovation, "yes"/"no" per criterion."""
    from loaders.validation import grid_matrix, innovation_criteria

    rows = grid_matrix(_build(sources, no_default))
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=["id", "name", "status", *innovation_criteria()], lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    if output is None:
        click.echo(buffer.getvalue(), nl=False)
    else:
        tmp = output.with_name(output.name + ".part")
        tmp.write_text(buffer.getvalue(), encoding="utf-8")
        tmp.replace(output)
        click.echo(f"Wrote {output} ({len(rows)} innovations).", err=True)

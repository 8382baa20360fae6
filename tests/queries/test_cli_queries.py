"""``rallynov query --name NAME --param k=v``: the named queries from the command line."""

from __future__ import annotations

import csv
import io
import json

import click
import pytest

from endpoint.cli import render_results
from endpoint.cli_queries import describe_named_queries, parse_params, run_named_cli
from endpoint.store import EmbeddedStore
from loaders.iris import ID


def test_params_are_name_value_pairs() -> None:
    assert parse_params(["edition=2014", "text=a=b"]) == {"edition": "2014", "text": "a=b"}
    with pytest.raises(click.UsageError, match="NAME=VALUE"):
        parse_params(["edition"])
    with pytest.raises(click.UsageError, match="given twice"):
        parse_params(["lang=fr", "lang=en"])


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_a_named_query_renders_in_every_format(bundled_store: EmbeddedStore, fmt: str) -> None:
    results, rows = run_named_cli(
        bundled_store, "laureates-per-edition", ["edition=2014", "lang=en"]
    )
    assert _rows(render_results(results, fmt, rows), fmt)


def _rows(text: str, fmt: str) -> list:  # type: ignore[type-arg]
    if fmt == "json":
        return json.loads(text)["results"]["bindings"]  # type: ignore[no-any-return]
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(text, newline="")))
    rows = text.splitlines()[2:-1]
    assert text.splitlines()[-1] == f"({len(rows)} row{'s' if len(rows) != 1 else ''})"
    return [[cell.strip() for cell in row.split(" | ")] for row in rows]  # widths vary by page


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_limit_and_offset_page_the_rows_as_in_the_api(
    bundled_store: EmbeddedStore, fmt: str
) -> None:
    def printed(*params: str) -> list:  # type: ignore[type-arg]
        results, rows = run_named_cli(bundled_store, "network-nodes", params)
        return _rows(render_results(results, fmt, rows), fmt)

    whole = printed()
    assert len(whole) > 3
    assert printed("limit=2", "offset=1") == whole[1:3]
    assert printed(f"offset={len(whole)}") == []
    with pytest.raises(click.UsageError, match="parameter 'limit': '-1' is not valid"):
        printed("limit=-1")


def test_params_may_be_a_mapping(bundled_store: EmbeddedStore) -> None:
    results, _ = run_named_cli(bundled_store, "stages-per-partner", {"organisation": "cress"})
    assert {row["organisation"].value for row in results} == {f"{ID}organisation/cress"}


@pytest.mark.parametrize(
    ("name", "params", "words"),
    [
        ("no-such-query", [], "no named query 'no-such-query'"),
        ("laureates-per-edition", ["edition=abc"], "parameter 'edition': 'abc' is not valid"),
        ("laureates-per-edition", ["colour=red"], "unknown parameter 'colour'"),
    ],
)
def test_mistakes_are_usage_errors(
    bundled_store: EmbeddedStore, name: str, params: list[str], words: str
) -> None:
    with pytest.raises(click.UsageError) as error:
        run_named_cli(bundled_store, name, params)
    assert words in error.value.format_message()
    assert error.value.exit_code == 2


def test_the_list_shows_every_query_and_its_parameters() -> None:
    text = describe_named_queries("en")
    assert "laureates-per-edition: Laureates of an edition, with carrier and place" in text
    assert "--param edition=...  year, default 2013" in text


def test_rallynov_query_name_on_the_command_line(runner, bundled_store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``rallynov query --name NAME --param k=v``, with paging as in the API."""
    import endpoint.cli as cli

    monkeypatch.setattr(cli, "reading_store", lambda _path: bundled_store)
    args = [
        "query",
        "--name",
        "laureates-per-edition",
        "--param",
        "edition=2014",
        "--format",
        "csv",
    ]
    result = runner.invoke(cli.main, args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("award,category,amount")
    paged = runner.invoke(cli.main, [*args, "--param", "limit=1", "--param", "offset=1"])
    assert paged.exit_code == 0, paged.output
    whole, page = (
        [row for row in csv.reader(io.StringIO(out.stdout, newline="")) if row]
        for out in (result, paged)
    )
    assert len(whole) > 2 and page == [whole[0], whole[2]]
    bad = runner.invoke(
        cli.main, ["query", "--name", "laureates-per-edition", "--param", "edition=x"]
    )
    assert bad.exit_code == 2 and "parameter 'edition'" in bad.output

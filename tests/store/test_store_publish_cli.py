"""``rallynov publish --to URL`` end to end on a real Oxigraph server, then the site served from it
(``create_app`` with the remote store), also while the server is down and after it is back."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from endpoint.app import create_app
from endpoint.cli import main
from endpoint.store import open_store
from endpoint.store.remote import RemoteStore

MINI = Path(__file__).parent.parent / "data" / "mini"
LEVELS = Path(__file__).parent.parent / "shapes" / "data" / "levels"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
JSON = {"Accept": "application/sparql-results+json"}


def sparql_count(client: Any) -> int:
    response = client.get("/sparql", query_string={"query": COUNT}, headers=JSON)
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"])


def test_publish_to_a_server_then_the_site_answers_from_it(
    fresh_oxigraph: Any, runner: CliRunner, mini: Any
) -> None:
    url = fresh_oxigraph.url
    triples = len(mini.public_triples) + len(mini.restricted_triples) + len(mini.vocabulary)
    result = runner.invoke(main, ["publish", "--to", url, "--no-default", str(MINI)])
    assert result.exit_code == 0, result.output
    assert f"Published {triples} triples in 3 graphs to {url}" in result.output
    meta = open_store(url).meta()
    assert meta is not None and meta.triples == triples
    app = create_app({"TESTING": True, "STORE": url})
    client = app.test_client()
    public = meta.graphs["https://w3id.org/rallynov/graph/public"]
    vocabulary = meta.graphs["https://w3id.org/rallynov/graph/vocabulary"]
    assert sparql_count(client) == public + vocabulary
    assert client.get("/").status_code == 200


def test_publish_again_keeps_the_previous_version_and_rollback_returns_to_it(
    fresh_oxigraph: Any, runner: CliRunner
) -> None:
    url = fresh_oxigraph.url
    first = runner.invoke(main, ["publish", "--to", url, "--no-default", str(MINI)])
    assert first.exit_code == 0, first.output
    mini_version = open_store(url).meta().version  # type: ignore[union-attr]
    second = runner.invoke(main, ["publish", "--to", url])  # the bundled dataset
    assert second.exit_code == 0, second.output
    assert f"version {mini_version} kept for --rollback" in second.output
    back = runner.invoke(main, ["publish", "--to", url, "--rollback"])
    assert back.exit_code == 0, back.output
    assert f"back to version {mini_version}" in back.output
    assert open_store(url).meta().version == mini_version  # type: ignore[union-attr]


def test_records_violating_the_grid_are_not_published(
    fresh_oxigraph: Any, runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "levels"
    shutil.copytree(LEVELS, folder)
    table = folder / "innovations.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("ST-REP", "ST-LAU"), "utf-8")
    result = runner.invoke(
        main, ["publish", "--to", fresh_oxigraph.url, "--no-default", str(folder)]
    )
    assert result.exit_code == 1, result.output
    assert "nothing was published" in result.output
    assert open_store(fresh_oxigraph.url).meta() is None


def test_an_unreachable_server_is_a_clear_message_and_exit_status_2(
    runner: CliRunner, unused_url: str
) -> None:
    result = runner.invoke(main, ["publish", "--to", unused_url, "--no-default", str(MINI)])
    assert result.exit_code == 2
    assert "cannot reach the SPARQL server" in result.output
    assert "Nothing was changed on the server" in result.output
    assert "Traceback" not in result.output


def test_rollback_without_a_previous_version_and_usage_errors(
    fresh_oxigraph: Any, runner: CliRunner
) -> None:
    url = fresh_oxigraph.url
    nothing = runner.invoke(main, ["publish", "--to", url, "--rollback"])
    assert nothing.exit_code == 2 and "no previous version" in nothing.output
    not_a_url = runner.invoke(main, ["publish", "--to", "/tmp/store"])
    assert not_a_url.exit_code == 2 and "http(s) URL" in not_a_url.output
    both = runner.invoke(main, ["publish", "--to", url, "--rollback", str(MINI)])
    assert both.exit_code == 2 and "give no sources" in both.output


def test_the_site_answers_503_while_the_server_is_down_and_recovers(
    fresh_oxigraph: Any, mini: Any, remote: Callable[..., RemoteStore]
) -> None:
    store = remote(fresh_oxigraph.url, retry_after=1.0, timeout=5.0)
    store.publish(mini.named_triples())
    app = create_app({"TESTING": True, "STORE_OBJECT": store})
    client = app.test_client()
    expected = sparql_count(client)
    fresh_oxigraph.kill()
    down = client.get("/sparql", query_string={"query": COUNT + " # 2"}, headers=JSON)
    assert down.status_code == 503, down.get_data(as_text=True)
    assert int(down.headers["Retry-After"]) >= 1
    assert down.json["error"]["status"] == 503  # type: ignore[index]
    with client.get("/static/map.css") as static:  # the static parts keep working
        assert static.status_code == 200
    fresh_oxigraph.start()
    deadline, status = time.monotonic() + 15, 503
    while time.monotonic() < deadline and status == 503:
        status = client.get("/sparql", query_string={"query": COUNT}, headers=JSON).status_code
        time.sleep(0.2)
    assert status == 200
    assert sparql_count(client) == expected

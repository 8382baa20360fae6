"""Repeated ``GET /sparql`` requests answered by the replay in front of Flask
(:mod:`endpoint.sparql.replay`): the same bytes and headers as the view's answer, ``304`` on
revalidation, never across a publish, never for errors, cookies, the editor or a limited client."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient

from endpoint.app import create_app
from endpoint.sparql.replay import ReplayCache
from endpoint.sparql.versions import current_meta
from endpoint.store import EmbeddedStore, OnDiskStore
from endpoint.store.base import StoreMeta
from loaders.build import BuildResult

QUERY = "SELECT ?type (COUNT(*) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY ?type"
JSON = {"Accept": "application/sparql-results+json"}


def url(query: str = QUERY, **params: str) -> str:
    return "/sparql?" + urlencode({"query": query} | params)


def replay_of(app: Flask) -> ReplayCache:
    return app.extensions["rallynov_replay"]  # type: ignore[no-any-return]


@pytest.fixture()
def own_store(bundled: BuildResult) -> EmbeddedStore:
    """A store of its own: these tests publish to it."""
    store = EmbeddedStore()
    store.publish(bundled.named_triples())
    return store


@pytest.fixture()
def own_client(own_store: EmbeddedStore) -> FlaskClient:
    return create_app({"TESTING": True, "STORE_OBJECT": own_store}).test_client()


def test_a_repeated_get_is_replayed_with_the_same_answer(own_client: FlaskClient) -> None:
    seen_by_flask: list[str] = []
    own_client.application.before_request(lambda: seen_by_flask.append("request") and None)
    first = own_client.get(url(), headers=JSON)
    assert first.status_code == 200 and first.headers["X-Rallynov-Cache"] == "miss"
    assert len(replay_of(own_client.application).cache) == 1
    again = own_client.get(url(), headers=JSON)
    assert again.status_code == 200 and again.headers["X-Rallynov-Cache"] == "hit"
    assert seen_by_flask == ["request"]  # the second never reached Flask
    assert again.data == first.data
    for name in (
        "Content-Type", "Content-Length", "ETag", "Last-Modified", "Cache-Control", "Vary",
        "Access-Control-Allow-Origin", "Access-Control-Expose-Headers",
    ):  # fmt: skip
        assert again.headers[name] == first.headers[name], name
    head = own_client.head(url(), headers=JSON)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == first.headers["ETag"]


def test_revalidation_is_answered_304_by_the_replay(own_client: FlaskClient) -> None:
    first = own_client.get(url(), headers=JSON)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert len(replay_of(own_client.application).cache) == 1
    for headers in ({"If-None-Match": etag}, {"If-None-Match": "*"},
                    {"If-None-Match": f'"other", {etag}'}, {"If-Modified-Since": modified}):  # fmt: skip
        answer = own_client.get(url(), headers=JSON | headers)
        assert answer.status_code == 304 and answer.data == b"", headers
        assert answer.headers["ETag"] == etag
        assert answer.headers["Access-Control-Allow-Origin"] == "*"
        assert "Content-Type" not in answer.headers
    changed = own_client.get(url(), headers=JSON | {"If-None-Match": '"something-else"'})
    assert changed.status_code == 200 and changed.data == first.data
    earlier = own_client.get(
        url(), headers=JSON | {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
    )
    assert earlier.status_code == 200


def test_a_publish_ends_the_replay(own_client: FlaskClient, own_store: EmbeddedStore) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    first = own_client.get(url(count), headers=JSON)
    assert own_client.get(url(count), headers=JSON).headers["X-Rallynov-Cache"] == "hit"
    own_store.publish({})  # a new version, with no triples at all
    after = own_client.get(url(count), headers=JSON)
    assert after.headers["X-Rallynov-Cache"] == "miss"
    assert after.headers["ETag"] != first.headers["ETag"]
    assert json.loads(after.data)["results"]["bindings"][0]["n"]["value"] == "0"
    stale = own_client.get(url(count), headers=JSON | {"If-None-Match": first.headers["ETag"]})
    assert stale.status_code == 200


def test_each_format_is_its_own_entry(own_client: FlaskClient) -> None:
    as_json = own_client.get(url(), headers=JSON)
    as_csv = own_client.get(url(), headers={"Accept": "text/csv"})
    assert as_csv.headers["X-Rallynov-Cache"] == "miss"
    assert as_csv.mimetype == "text/csv" and as_csv.data != as_json.data
    assert own_client.get(url(), headers={"Accept": "text/csv"}).data == as_csv.data
    by_parameter = own_client.get(url(format="csv"), headers=JSON)
    assert by_parameter.mimetype == "text/csv"


def test_what_is_never_kept(own_client: FlaskClient) -> None:
    replay = replay_of(own_client.application)
    broken = url("SELECT * WHERE {")
    assert own_client.get(broken, headers=JSON).status_code == 400
    assert own_client.get(broken, headers=JSON).status_code == 400
    unacceptable = own_client.get(url(), headers={"Accept": "image/png"})
    assert unacceptable.status_code == 406
    editor = own_client.get(url(), headers={"Accept": "text/html"})
    assert editor.status_code == 200 and editor.mimetype == "text/html"
    assert own_client.get(url(), headers={"Accept": "text/html"}).mimetype == "text/html"
    with_cookie = own_client.get(url(lang="en"), headers=JSON)
    assert "lang=en" in with_cookie.headers["Set-Cookie"]
    assert own_client.get(url(lang="en"), headers=JSON).headers["Set-Cookie"]
    posted = own_client.post("/sparql", data={"query": QUERY}, headers=JSON)
    assert posted.status_code == 200
    assert len(replay.cache) == 0


def test_a_limited_client_is_not_replayed_past_its_limit(own_store: EmbeddedStore) -> None:
    client = create_app({"TESTING": True, "STORE_OBJECT": own_store, "RATE_LIMIT": 3}).test_client()
    statuses = [client.get(url(), headers=JSON).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_the_version_of_an_on_disk_store_is_read_again_after_a_publish(
    tmp_path: Path, bundled: BuildResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = OnDiskStore(tmp_path / "store", writable=True)
    assert current_meta(store) is None
    first = store.publish(bundled.named_triples())
    assert current_meta(store) == first
    reads = []
    original = StoreMeta.from_json
    monkeypatch.setattr(
        StoreMeta, "from_json", staticmethod(lambda text: reads.append(1) or original(text))
    )
    assert current_meta(store) == first and current_meta(store) == first
    assert reads == []  # unchanged link: the metadata file is not read again
    second = store.publish({})
    assert second.version != first.version
    assert current_meta(store) == second and current_meta(store) == second
    assert reads == [1]  # read once, after the publish swapped the link


def test_a_changed_setting_is_not_answered_from_the_replay(own_store: EmbeddedStore) -> None:
    app = create_app({"TESTING": True, "STORE_OBJECT": own_store})
    client = app.test_client()
    assert "X-Rallynov-Truncated" not in client.get(url(), headers=JSON).headers
    app.config["MAX_ROWS"] = 1
    capped = client.get(url(), headers=JSON)
    assert capped.headers["X-Rallynov-Truncated"] == "true"
    assert len(json.loads(capped.data)["results"]["bindings"]) == 1


def test_an_on_disk_store_is_served_from_its_new_version_after_a_publish(
    tmp_path: Path, bundled: BuildResult
) -> None:
    from endpoint.query_runner import pool_for

    store = OnDiskStore(tmp_path / "store", writable=True)
    store.publish(bundled.named_triples())
    app = create_app({"TESTING": True, "STORE": str(tmp_path / "store")})
    client = app.test_client()
    count = url("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    try:
        before = client.get(count, headers=JSON)
        assert json.loads(before.data)["results"]["bindings"][0]["n"]["value"] != "0"
        assert client.get(count, headers=JSON).headers["X-Rallynov-Cache"] == "hit"
        store.publish({})
        after = client.get(count, headers=JSON)
        assert after.headers["X-Rallynov-Cache"] == "miss"
        assert json.loads(after.data)["results"]["bindings"][0]["n"]["value"] == "0"
    finally:
        pool_for(app.extensions["rallynov_store"], 1).close()

"""The home page: what the dataset is, live counts, sources and licence, links, URI policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from endpoint.app import create_app
from endpoint.store import EmbeddedStore
from loaders import build_graphs

RALLY = "https://w3id.org/rallynov/def#"
COUNTED = {
    "innovations": "SocialInnovation",
    "organisations": "Organisation",
    "stages": "Stage",
    "events": "Event",
    "awards": "Award",
    "editions": "Edition",
}


def shown_counts(html: str) -> dict[str, int]:
    found = re.findall(r'data-count="([a-z]+)"><span class="n">(\d+)</span>', html)
    return {key: int(value) for key, value in found}


def test_home_counts_equal_sparql_counts(client, bundled_store) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/").data.decode()
    shown = shown_counts(html)
    for key, cls in COUNTED.items():
        rows = list(
            bundled_store.query(
                f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <{RALLY}{cls}> }}"
            )
        )
        assert shown[key] == int(rows[0]["n"].value), key
    assert shown["innovations"] > 0 and shown["stages"] > 0
    public = list(bundled_store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
    assert shown["triples"] == int(public[0]["n"].value)


def test_home_says_what_the_dataset_is(client) -> None:  # type: ignore[no-untyped-def]
    french = client.get("/", headers={"Accept-Language": "fr"}).data.decode()
    english = client.get("/?lang=en").data.decode()
    assert "2012" in french and "2015" in french and "Franche-Comté" in french
    assert "innovations sociales" in french
    assert "social innovations" in english and "Sources and licence" in english
    assert 'rel="license"' in english


def test_home_links_the_sources_and_every_part_of_the_site(client, bundled_store) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/").data.decode()
    sources = [
        row["s"].value
        for row in bundled_store.query(f"SELECT ?s WHERE {{ ?s a <{RALLY}SourceDocument> }}")
    ]
    assert sources
    for iri in sources:
        assert f'href="/id/source/{iri.rsplit("/", 1)[1]}"' in html
    for href in (
        "/sparql",
        "/queries",
        "/map",
        "/network",
        "/catalog",
        "/download/",
        "/def",
        "/vocab/",
        "/shapes",
    ):
        assert f'href="{href}"' in html


def test_home_explains_the_uri_policy(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/?lang=en").data.decode()
    assert 'id="uri-policy"' in html
    assert "https://w3id.org/rallynov/id/innovation/{slug}" in html
    assert "303 See Other" in html
    assert "never change" in html


def test_home_counts_are_computed_once_per_dataset_version(summary_calls: list[int]) -> None:
    graphs = build_graphs([Path(__file__).parent.parent / "data" / "mini"], include_default=False)
    store = EmbeddedStore()
    store.publish(graphs.named_graphs())
    calls = summary_calls
    client = create_app({"TESTING": True, "STORE_OBJECT": store}).test_client()
    first = client.get("/").data.decode()
    client.get("/?lang=en")
    client.get("/")
    assert len(calls) == 1
    assert shown_counts(first)["innovations"] == 1
    store.publish(build_graphs().named_graphs())  # a new version
    assert shown_counts(client.get("/").data.decode())["innovations"] > 1
    assert len(calls) == 2


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_home_has_no_missing_message(client, lang: str) -> None:  # type: ignore[no-untyped-def]
    html = client.get(f"/?lang={lang}").data.decode()
    assert not re.findall(r">\s*(?:home|ld|docs)_[a-z_]+\s*<", html)

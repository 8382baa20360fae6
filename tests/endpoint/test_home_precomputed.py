"""The home page's live counts are precomputed by the start-up warm-up, once per dataset version,
and the page never waits for the download files its schema.org description lists."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from endpoint import warmup
from endpoint.app import create_app
from endpoint.opendata import downloads_for, files
from endpoint.store import EmbeddedStore
from endpoint.views import home
from loaders import build_graphs
from loaders.iris import PUBLIC_GRAPH

MINI = Path(__file__).parent.parent / "data" / "mini"


def mini_store(extra: str) -> EmbeddedStore:
    """The mini dataset plus one labelled place: a version of its own (versions are per
    second and triple counts, and the per-version caches are shared by the process)."""
    graphs = dict(build_graphs([MINI], include_default=False).named_graphs())
    public = Graph()
    public += graphs[PUBLIC_GRAPH]
    public.add((URIRef(f"https://w3id.org/rallynov/id/place/{extra}"), RDFS.label, Literal(extra)))
    graphs[PUBLIC_GRAPH] = public
    store = EmbeddedStore()
    store.publish(graphs)
    return store


def schema_org_of(html: str) -> dict[str, object]:
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    return json.loads(block)  # type: ignore[no-any-return]


def test_the_warm_up_computes_the_counts_before_the_first_visit(
    summary_calls: list[int],
) -> None:
    store = mini_store("home-warm-up-test")
    app = create_app({"TESTING": True, "STORE_OBJECT": store})
    calls = summary_calls
    with app.app_context():
        home.warm_home(app)
    assert calls == [1]
    html = app.test_client().get("/").get_data(as_text=True)
    assert calls == [1]  # the visit read what the warm-up computed
    assert 'data-count="innovations"><span class="n">1</span>' in html
    assert "home" in [name for name, _ in warmup.WARMERS]


def test_the_home_page_never_waits_for_the_download_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = mini_store("home-schema-org-test")
    release = threading.Event()
    original = files.write_dump

    def held(s, fmt, path):  # type: ignore[no-untyped-def]
        release.wait(60)
        original(s, fmt, path)

    monkeypatch.setattr(files, "write_dump", held)
    client = create_app({"TESTING": True, "STORE_OBJECT": store}).test_client()
    try:
        downloads_for(store).start()  # being built, held on the first dump
        first = schema_org_of(client.get("/").get_data(as_text=True))
        assert first["distribution"] and all(
            "contentSize" not in d
            for d in first["distribution"]  # type: ignore[union-attr]
        )
    finally:
        release.set()
    downloads_for(store).build_all(timeout=120)
    sizes = {
        d["contentUrl"].rsplit("/", 1)[-1]: d["contentSize"]  # type: ignore[index]
        for d in schema_org_of(client.get("/").get_data(as_text=True))["distribution"]  # type: ignore[union-attr]
    }
    built = downloads_for(store).files()
    assert sizes == {name: f"{file.size} B" for name, file in built.items()}

"""A harvest simulation: read /catalog as data.gouv.fr does (rdflib over HTTP), download every
distribution, check its media type, size and checksum; every dump is the public graph."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import xml.etree.ElementTree as ET
from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from endpoint.opendata.terms import DCAT, SPDX
from tests.opendata.conftest import Reply, http_get

RDF_PARSERS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-quads": "nquads",
}
IANA = "http://www.iana.org/assignments/media-types/"


@pytest.fixture(scope="module")
def harvested(live_server: str) -> tuple[Graph, dict[str, Reply]]:
    """The catalog as a harvester reads it, and every download it lists."""
    reply = http_get(f"{live_server}/catalog")
    assert reply.status == 200 and reply.media_type == "text/turtle"
    catalog = Graph().parse(data=reply.body, format="turtle")
    downloads = {str(url): http_get(str(url)) for url in catalog.objects(None, DCAT.downloadURL)}
    return catalog, downloads


@pytest.fixture(scope="module")
def public_graph(bundled_store) -> Graph:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    bundled_store.dump(buffer, ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=buffer.getvalue(), format="nt")


def _distributions(catalog: Graph) -> list[URIRef]:
    return [d for d in catalog.subjects(DCAT.downloadURL, None)]  # type: ignore[misc]


def test_catalog_lists_every_download_of_the_server(harvested, live_server: str) -> None:  # type: ignore[no-untyped-def]
    catalog, downloads = harvested
    names = {url.rsplit("/", 1)[-1] for url in downloads}
    expected = {
        f"rallynov.{ext}{gz}" for ext in ("ttl", "nt", "jsonld", "rdf", "nq") for gz in ("", ".gz")
    }
    expected |= {f"{table}.csv" for table in ("innovations", "organisations", "events", "awards")}
    expected |= {"map-innovations.geojson", "map-stages.geojson", "network-co-organisation.gexf"}
    assert expected <= names
    assert all(url.startswith(f"{live_server}/download/") for url in downloads)


def test_every_download_matches_media_type_size_and_checksum(harvested) -> None:  # type: ignore[no-untyped-def]
    catalog, downloads = harvested
    assert len(downloads) >= 20
    for distribution in _distributions(catalog):
        url = str(catalog.value(distribution, DCAT.downloadURL))
        reply = downloads[url]
        assert reply.status == 200, url
        compressed = catalog.value(distribution, DCAT.compressFormat)
        announced = str(compressed or catalog.value(distribution, DCAT.mediaType))
        assert announced == IANA + reply.media_type, url
        size = catalog.value(distribution, DCAT.byteSize).toPython()
        assert Decimal(len(reply.body)) == size == Decimal(reply.headers["content-length"]), url
        checksum = catalog.value(distribution, SPDX.checksum)
        assert catalog.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        expected = str(catalog.value(checksum, SPDX.checksumValue))
        assert hashlib.sha256(reply.body).hexdigest() == expected, url
        assert reply.headers["etag"].strip('"') == expected
        assert (
            reply.headers["content-disposition"]
            == f'attachment; filename="{url.rsplit("/", 1)[-1]}"'
        )


def test_every_dump_parses_and_is_the_public_graph(harvested, public_graph: Graph) -> None:  # type: ignore[no-untyped-def]
    catalog, downloads = harvested
    checked = 0
    for distribution in _distributions(catalog):
        media = str(catalog.value(distribution, DCAT.mediaType)).removeprefix(IANA)
        if media not in RDF_PARSERS:
            continue
        body = downloads[str(catalog.value(distribution, DCAT.downloadURL))].body
        if catalog.value(distribution, DCAT.compressFormat) is not None:
            body = gzip.decompress(body)
        if media == "application/n-quads":
            dataset = Dataset()
            dataset.parse(data=body, format="nquads")
            names = {str(g.identifier) for g in dataset.graphs() if len(g)}
            assert names == {
                "https://w3id.org/rallynov/graph/public",
                "https://w3id.org/rallynov/graph/vocabulary",
            }
            graph = Graph()
            for s, p, o, _ in dataset.quads((None, None, None, None)):
                graph.add((s, p, o))
        else:
            graph = Graph().parse(data=body, format=RDF_PARSERS[media])
        assert len(graph) == len(public_graph)
        assert isomorphic(graph, public_graph), media
        checked += 1
    assert checked == 10


def test_csv_tables_carry_labels_not_uris(harvested, bundled_store) -> None:  # type: ignore[no-untyped-def]
    _, downloads = harvested
    classes = {
        "innovations": "SocialInnovation",
        "organisations": "Organisation",
        "events": "Event",
        "awards": "Award",
    }
    for table, cls in classes.items():
        reply = next(r for url, r in downloads.items() if url.endswith(f"/{table}.csv"))
        assert reply.media_type == "text/csv"
        rows = list(csv.DictReader(io.StringIO(reply.body.decode("utf-8"))))
        count = bundled_store.query(
            f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <https://w3id.org/rallynov/def#{cls}> }}"
        )
        assert len(rows) == int(next(iter(count))["n"].value), table
        for row in rows:
            assert row["uri"].startswith("https://w3id.org/rallynov/id/")
            for column, value in row.items():
                if column not in ("uri", "website", "wikidata"):
                    assert "https://w3id.org/" not in value and "http://" not in value, (
                        table,
                        column,
                    )
    innovations = next(r for u, r in downloads.items() if u.endswith("/innovations.csv"))
    rows = list(csv.DictReader(io.StringIO(innovations.body.decode("utf-8"))))
    assert {
        "name",
        "carriers",
        "place",
        "edition",
        "status_fr",
        "status_en",
        "needs_fr",
        "needs_en",
    } <= set(rows[0])
    assert any(row["status_en"] == "Laureate" for row in rows)
    assert all(row["edition"] in ("2013", "2014", "") for row in rows)
    awards = next(r for u, r in downloads.items() if u.endswith("/awards.csv"))
    award_rows = list(csv.DictReader(io.StringIO(awards.body.decode("utf-8"))))
    assert all(row["laureate"] and row["edition"] for row in award_rows)


def test_map_and_network_files_parse(harvested) -> None:  # type: ignore[no-untyped-def]
    _, downloads = harvested
    for url, reply in downloads.items():
        if url.endswith(".geojson"):
            layer = json.loads(reply.body)
            assert layer["type"] == "FeatureCollection" and layer["features"]
        elif url.endswith(".gexf"):
            root = ET.fromstring(reply.body)
            assert root.tag.endswith("gexf")


def test_conditional_and_partial_requests(live_server: str) -> None:
    url = f"{live_server}/download/rallynov.ttl"
    first = http_get(url)
    again = http_get(url, {"If-None-Match": first.headers["etag"]})
    assert again.status == 304 and again.body == b""
    part = http_get(url, {"Range": "bytes=0-99"})
    assert part.status == 206 and part.body == first.body[:100]
    assert http_get(f"{live_server}/download/nothing.ttl").status == 404


def test_checksum_file_and_index_page(live_server: str, harvested) -> None:  # type: ignore[no-untyped-def]
    _, downloads = harvested
    sums = http_get(f"{live_server}/download/SHA256SUMS")
    assert sums.status == 200 and sums.media_type == "text/plain"
    listed = dict(reversed(line.split("  ", 1)) for line in sums.body.decode().splitlines())
    for url, reply in downloads.items():
        assert listed[url.rsplit("/", 1)[-1]] == hashlib.sha256(reply.body).hexdigest()
    page = http_get(f"{live_server}/download/?lang=en")
    assert page.status == 200 and page.media_type == "text/html"
    for url in downloads:
        assert f'href="/download/{url.rsplit("/", 1)[-1]}"' in page.body.decode()


def test_every_url_of_the_catalog_on_this_server_resolves(live_server: str) -> None:
    catalog = Graph().parse(data=http_get(f"{live_server}/catalog").body, format="turtle")
    ours = {
        str(term).split("#", 1)[0]
        for triple in catalog
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(live_server)
    }
    assert {f"{live_server}/sparql", f"{live_server}/.well-known/void", f"{live_server}/"} <= ours
    for url in sorted(ours):
        assert http_get(url).status == 200, url

"""The /download/ and /catalog.html pages in headless Chromium, and the schema.org Dataset
embedded for dataset search engines (catalog page and home page)."""

from __future__ import annotations

import json
import re

import pytest

from endpoint.catalog import schema_org_dataset


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_download_page_in_a_browser(page, live_server: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/download/?lang={lang}")
    heading = page.locator("h1").inner_text()
    assert heading == {"fr": "Téléchargements", "en": "Downloads"}[lang]
    links = page.locator("a[href^='/download/']")
    assert links.count() >= 21  # every file, and SHA256SUMS
    assert page.locator("#group-rdf tbody tr").count() == 10
    assert page.locator("#group-csv tbody tr").count() == 4
    assert page.problems == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_catalog_page_in_a_browser(page, live_server: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/catalog.html?lang={lang}")
    assert (
        page.locator("h1").inner_text()
        == {"fr": "Catalogue des données", "en": "Data catalog"}[lang]
    )
    assert page.locator("#distributions tbody tr").count() >= 20
    text = page.locator("script[type='application/ld+json']").first.text_content()
    data = json.loads(text or "")
    assert data["@type"] == "Dataset" and data["@id"] == "https://w3id.org/rallynov/dataset"
    assert page.locator("link[rel='alternate'][type='text/turtle']").count() >= 1
    assert page.problems == []  # type: ignore[attr-defined]


def test_schema_org_dataset(app, bundled_store) -> None:  # type: ignore[no-untyped-def]
    data = schema_org_dataset(app, "https://data.example.org")
    assert data["@context"] == "https://schema.org/" and data["@type"] == "Dataset"
    assert 50 <= len(data["description"]) <= 5000  # what Google Dataset Search requires
    assert data["license"] == app.config["LICENSE"]
    assert data["isAccessibleForFree"] is True
    assert data["temporalCoverage"] == "2012-01-01/2015-12-31"
    assert data["publisher"]["name"] == "Fact" and len(data["creator"]) == 3
    assert data["version"] == bundled_store.meta().version
    urls = [d["contentUrl"] for d in data["distribution"]]
    assert "https://data.example.org/download/rallynov.ttl" in urls
    assert {d["encodingFormat"] for d in data["distribution"]} >= {"text/turtle", "text/csv"}
    assert schema_org_dataset(bundled_store, "https://x.org", "en")["name"].startswith(
        "Rally'nov — knowledge"
    )


def test_home_page_embeds_the_dataset(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/?lang=en").get_data(as_text=True)
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1
    data = json.loads(found[0])
    assert data["@type"] == "Dataset" and data["url"] == "http://localhost/"
    assert "<" not in found[0]  # escaped by tojson

"""A schema.org ``Dataset`` in JSON-LD, for dataset search engines (Google Dataset Search).

It mirrors the DCAT catalog (same IRI, title, licence, coverage, downloads), as ckanext-dcat's
``schemaorg`` profile does; the page embeds it in a ``<script type="application/ld+json">``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from endpoint.opendata import terms
from endpoint.opendata.files import DownloadFile
from endpoint.opendata.publication import Publication
from endpoint.opendata.texts import DESCRIPTION, KEYWORDS, TITLE


def _organisation(agent: Any) -> dict[str, Any]:
    return {"@type": "Organization", "@id": agent.iri, "name": agent.name, "url": agent.iri}


def _download(pub: Publication, file: DownloadFile, index: int) -> dict[str, Any]:
    data = {
        "@type": "DataDownload",
        "name": file.spec.titles[index],
        "contentUrl": pub.download_url(file.spec.name),
        "encodingFormat": file.spec.served_type.split(";")[0],
    }
    if file.size is not None:  # known once the file is built
        data["contentSize"] = f"{file.size} B"
    return data


def schema_org(
    pub: Publication, files: Mapping[str, DownloadFile], lang: str = "fr"
) -> dict[str, Any]:
    """The schema.org description of the dataset published by ``pub`` (text in ``lang``)."""
    index = 0 if lang == "fr" else 1
    west, south, east, north = terms.REGION.bbox
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": pub.dataset,
        "name": TITLE[index],
        "alternateName": TITLE[1 - index],
        "description": DESCRIPTION[index],
        "url": pub.landing_page,
        "identifier": pub.dataset,
        "license": pub.license,
        "isAccessibleForFree": True,
        "inLanguage": ["fr", "en"],
        "keywords": sorted({keyword[index] for keyword in KEYWORDS}),
        "temporalCoverage": "/".join(terms.TEMPORAL),
        "spatialCoverage": {
            "@type": "Place",
            "name": terms.REGION.name,
            "geo": {"@type": "GeoShape", "box": f"{south} {west} {north} {east}"},
            "sameAs": f"{terms.INSEE_GEO}{terms.REGION.insee}",
        },
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "name": "Rally'nov",
            "url": pub.catalog_url,
        },
        "distribution": [_download(pub, file, index) for file in files.values()],
    }
    if pub.agents:
        data["publisher"] = _organisation(pub.agents[0])
        data["creator"] = [_organisation(agent) for agent in pub.agents]
    if pub.version:
        data["version"] = pub.version
    if pub.issued:
        data["datePublished"] = pub.issued
    if pub.modified:
        data["dateModified"] = pub.modified
    return data

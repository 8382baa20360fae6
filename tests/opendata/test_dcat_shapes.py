"""The catalog conforms to DCAT-AP 3.0 (official SHACL shapes, no inference) and says what
portals need: publisher, creators, contact, licence, access rights, coverage, themes..."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, SKOS, XSD

from endpoint.opendata.terms import DCAT, DCTERMS, FOAF, SPDX, VCARD
from tests.opendata.conftest import shacl_results

ID = "https://w3id.org/rallynov/"
DATASET = URIRef(ID + "dataset")
EU = "http://publications.europa.eu/resource/authority/"


@pytest.fixture()
def catalog(client) -> Graph:  # type: ignore[no-untyped-def]
    reply = client.get("/catalog")
    assert reply.status_code == 200
    assert reply.mimetype == "text/turtle"
    return Graph().parse(data=reply.get_data(), format="turtle")


def test_catalog_has_no_violation_of_dcat_ap_3_0_0(catalog: Graph, dcat_ap_300: Graph) -> None:
    assert shacl_results(catalog, dcat_ap_300) == []


def test_only_difference_with_the_3_0_1_corrigendum_is_byte_size_datatype(
    catalog: Graph, dcat_ap_301: Graph
) -> None:
    results = shacl_results(catalog, dcat_ap_301)
    assert results, "3.0.1 wants xsd:nonNegativeInteger sizes; we follow 3.0.0 (xsd:decimal)"
    assert {(severity, path, component) for severity, _, path, component in results} == {
        ("Violation", str(DCAT.byteSize), "DatatypeConstraintComponent")
    }


def test_recommended_properties_are_there(catalog: Graph, dcat_ap_recommended: Graph) -> None:
    """Warnings left: no geometry for the whole of France, no ADMS publisher type for RIFC and
    the Cress (their legal form is unknown), no file type for the SPARQL endpoint."""
    allowed = {
        (EU + "country/FRA", str(DCAT.bbox)),
        (EU + "country/FRA", str(DCAT.centroid)),
        (ID + "id/organisation/rifc", str(DCTERMS.type)),
        (ID + "id/organisation/cress", str(DCTERMS.type)),
    }
    for severity, focus, path, _ in shacl_results(catalog, dcat_ap_recommended):
        assert severity == "Warning"
        assert (focus, path) in allowed or (
            focus.endswith("#distribution-sparql") and path == str(DCTERMS["format"])
        ), (focus, path)


@pytest.mark.parametrize(
    ("path", "accept", "fmt"),
    [
        ("/catalog", "application/ld+json", "json-ld"),
        ("/catalog", "application/rdf+xml", "xml"),
        ("/catalog.jsonld", None, "json-ld"),
        ("/catalog.rdf", None, "xml"),
        ("/catalog.xml", None, "xml"),
        ("/catalog.nt", None, "nt"),
    ],
)
def test_every_serialisation_is_the_same_graph(client, catalog: Graph, path, accept, fmt) -> None:  # type: ignore[no-untyped-def]
    reply = client.get(path, headers={"Accept": accept} if accept else {})
    assert reply.status_code == 200
    assert isomorphic(Graph().parse(data=reply.get_data(), format=fmt), catalog)


def test_browsers_are_sent_to_the_page_and_unknown_formats_refused(client) -> None:  # type: ignore[no-untyped-def]
    reply = client.get("/catalog", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert reply.status_code == 303 and reply.headers["Location"].endswith("/catalog.html")
    assert client.get("/catalog", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/catalog.docx").status_code == 404
    assert client.get("/dataset").status_code == 303


def test_publisher_creators_and_contact(catalog: Graph) -> None:
    fact, rifc, cress = (
        URIRef(f"{ID}id/organisation/{slug}") for slug in ("fact", "rifc", "cress")
    )
    assert catalog.value(DATASET, DCTERMS.publisher) == fact
    assert set(catalog.objects(DATASET, DCTERMS.creator)) == {fact, rifc, cress}
    for agent in (fact, rifc, cress):
        assert (agent, RDF.type, FOAF.Agent) in catalog
        assert catalog.value(agent, FOAF.name) is not None
    contact = catalog.value(DATASET, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in catalog
    assert catalog.value(contact, VCARD.hasEmail) or catalog.value(contact, VCARD.hasURL)
    assert not list(catalog.triples((None, VCARD.hasTelephone, None)))


def test_licence_rights_coverage_themes_keywords(catalog: Graph, app) -> None:  # type: ignore[no-untyped-def]
    licence = URIRef(app.config["LICENSE"])
    assert catalog.value(DATASET, DCTERMS.license) == licence
    assert (licence, RDF.type, DCTERMS.LicenseDocument) in catalog
    assert catalog.value(DATASET, DCTERMS.accessRights) == URIRef(EU + "access-right/PUBLIC")
    spatial = {str(place) for place in catalog.objects(DATASET, DCTERMS.spatial)}
    assert {
        "http://data.europa.eu/nuts/code/FRC2",
        "http://data.europa.eu/nuts/code/FR43",
        "http://id.insee.fr/geo/region/43",
        *(f"http://id.insee.fr/geo/departement/{code}" for code in ("25", "39", "70", "90")),
        *(f"http://data.europa.eu/nuts/code/FRC2{n}" for n in "1234"),
    } <= spatial
    period = catalog.value(DATASET, DCTERMS.temporal)
    assert catalog.value(period, DCAT.startDate) == Literal("2012-01-01", datatype=XSD.date)
    assert catalog.value(period, DCAT.endDate) == Literal("2015-12-31", datatype=XSD.date)
    themes = set(catalog.objects(DATASET, DCAT.theme))
    assert themes == {URIRef(EU + "data-theme/SOCI"), URIRef(EU + "data-theme/ECON")}
    for theme in themes:
        assert catalog.value(theme, SKOS.prefLabel) is not None
    languages = {keyword.language for keyword in catalog.objects(DATASET, DCAT.keyword)}
    assert languages == {"fr", "en"}


def test_versions_dates_and_standards(catalog: Graph, bundled_store) -> None:  # type: ignore[no-untyped-def]
    meta = bundled_store.meta()
    assert str(catalog.value(DATASET, DCAT.version)) == meta.version
    assert str(catalog.value(DATASET, OWL.versionInfo)) == meta.version
    modified = catalog.value(DATASET, DCTERMS.modified).toPython()
    assert modified <= dt.datetime.now(dt.UTC)  # data.gouv.fr refuses future dates
    assert catalog.value(DATASET, DCTERMS.issued) is not None
    standards = set(catalog.objects(DATASET, DCTERMS.conformsTo))
    assert {URIRef(ID + "def"), URIRef(ID + "shapes")} <= standards


def test_what_data_gouv_fr_reads(catalog: Graph) -> None:
    """udata skips datasets and services without dct:identifier or dct:title."""
    for kind in (DCAT.Dataset, DCAT.DataService):
        for node in catalog.subjects(RDF.type, kind):
            assert isinstance(catalog.value(node, DCTERMS.identifier), Literal), node
            assert catalog.value(node, DCTERMS.title) is not None, node
    assert catalog.value(DATASET, DCAT.landingPage) is not None
    assert catalog.value(DATASET, DCTERMS.accrualPeriodicity) is not None
    for distribution in catalog.objects(DATASET, DCAT.distribution):
        if catalog.value(distribution, DCAT.downloadURL) is None:
            assert catalog.value(distribution, DCAT.accessService) is not None
            continue
        media = str(catalog.value(distribution, DCAT.mediaType))
        assert media.startswith("http://www.iana.org/assignments/media-types/")
        assert str(catalog.value(distribution, DCTERMS["format"])).startswith(EU + "file-type/")
        checksum = catalog.value(distribution, SPDX.checksum)
        assert catalog.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert catalog.value(distribution, DCAT.byteSize).toPython() > 0


def test_sparql_service(catalog: Graph) -> None:
    services = list(catalog.subjects(RDF.type, DCAT.DataService))
    sparql = [s for s in services if str(catalog.value(s, DCAT.endpointURL)).endswith("/sparql")]
    assert len(sparql) == 1
    service = sparql[0]
    assert catalog.value(service, DCAT.servesDataset) == DATASET
    assert URIRef("https://www.w3.org/TR/sparql11-protocol/") in set(
        catalog.objects(service, DCTERMS.conformsTo)
    )


def test_urls_use_the_public_url(bundled_store) -> None:  # type: ignore[no-untyped-def]
    from endpoint.app import create_app

    app = create_app(
        {
            "TESTING": True,
            "STORE_OBJECT": bundled_store,
            "PUBLIC_URL": "https://data.example.org/rallynov/",
        }
    )
    graph = Graph().parse(data=app.test_client().get("/catalog").get_data(), format="turtle")
    urls = {str(url) for url in graph.objects(None, DCAT.downloadURL)}
    assert urls and all(
        url.startswith("https://data.example.org/rallynov/download/") for url in urls
    )
    endpoints = {str(url) for url in graph.objects(None, DCAT.endpointURL)}
    assert "https://data.example.org/rallynov/sparql" in endpoints

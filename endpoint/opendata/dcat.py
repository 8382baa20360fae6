"""The DCAT-AP 3.0 catalog of the dataset, built with rdflib.

One ``dcat:Catalog`` (publisher Fact) with one ``dcat:Dataset`` (``{namespace}dataset``, also a
``void:Dataset``), a ``dcat:Distribution`` per download, a ``dcat:DataService`` for the SPARQL
endpoint (and the named-query API when the server has one), and the version history of the
releases. Every object is typed and labelled, as the DCAT-AP range shapes require; the fields
data.gouv.fr's harvester reads (``dct:identifier``, ``dcat:landingPage``, licence, contact point,
keywords, temporal and spatial coverage...) are all there.

>>> graph = build_catalog(publication, files)   # doctest: +SKIP
>>> graph.serialize(format="turtle")             # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from endpoint.opendata import terms
from endpoint.opendata.files import DownloadFile
from endpoint.opendata.nodes import (
    add_labels,
    date_literal,
    typed_concept,
    typed_document,
    typed_file_type,
    typed_media_type,
    typed_standard,
)
from endpoint.opendata.publication import Publication
from endpoint.opendata.releases import add_version_history
from endpoint.opendata.terms import (
    DCAT,
    DCATAP,
    DCTERMS,
    FOAF,
    GSP,
    LOCN,
    SPDX,
    VCARD,
    VOID,
    Labels,
)
from endpoint.opendata.texts import (
    CATALOG_DESCRIPTION,
    CATALOG_TITLE,
    DESCRIPTION,
    KEYWORDS,
    PROVENANCE,
    TITLE,
)

PUBLISHER_KINDS = {"OK-ASSOC": terms.NON_PROFIT}
# DCAT-AP 3.0.0's SHACL (and 2.1.1's) check dcat:byteSize as xsd:decimal; the 3.0.1 corrigendum
# and DCAT 3 say xsd:nonNegativeInteger. We follow 3.0.0, the version this catalog is tested
# against (tests/opendata/test_dcat_shapes.py shows the one 3.0.1 difference). Sizes are written
# in the canonical decimal form ("1234.0"), which every RDF syntax keeps as is.
BYTE_SIZE_DATATYPE = XSD.decimal
# GeoDCAT-AP's datatype for GeoJSON geometries: the one data.gouv.fr reads a coverage from.
GEOJSON_LITERAL = "https://www.iana.org/assignments/media-types/application/vnd.geo+json"


class CatalogBuilder:
    """Builds the catalog graph of one :class:`Publication`; each method adds one part."""

    def __init__(self, pub: Publication):
        self.pub = pub
        self.graph = Graph()
        for prefix, namespace in terms.PREFIXES.items():
            self.graph.bind(prefix, namespace)
        self.catalog = URIRef(pub.catalog_url)
        self.dataset = URIRef(pub.dataset)
        self.licence = self._licence()
        self.contact = self._contact_point()

    # -- shared nodes ------------------------------------------------------------
    def _licence(self) -> URIRef:
        graph, iri = self.graph, self.pub.license
        node = URIRef(iri)
        graph.add((node, RDF.type, DCTERMS.LicenseDocument))
        known = terms.licence_for(iri)
        if known is not None:
            graph.add((node, RDFS.label, Literal(known.title)))
            graph.add((node, DCTERMS.title, Literal(known.title)))
            graph.add((node, DCTERMS.identifier, Literal(known.identifier)))
            graph.add((node, DCTERMS.type, typed_concept(graph, terms.ATTRIBUTION)))
        return node

    def _contact_point(self) -> BNode:
        graph, node = self.graph, BNode("contact")
        graph.add((node, RDF.type, VCARD.Kind))
        graph.add((node, RDF.type, VCARD.Organization))
        publisher = self.pub.agents[0].name if self.pub.agents else "Fact"
        graph.add((node, VCARD.fn, Literal(f"{publisher} — Rally'nov")))
        graph.add((node, VCARD["organization-name"], Literal(publisher)))
        if self.pub.contact_email:
            graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{self.pub.contact_email}")))
        graph.add((node, VCARD.hasURL, URIRef(self.pub.contact_url or self.pub.landing_page)))
        return node

    def _agents(self) -> list[URIRef]:
        nodes = []
        for agent in self.pub.agents:
            node = URIRef(agent.iri)
            self.graph.add((node, RDF.type, FOAF.Agent))
            self.graph.add((node, RDF.type, FOAF.Organization))
            self.graph.add((node, FOAF.name, Literal(agent.name)))
            if agent.kind in PUBLISHER_KINDS:
                self.graph.add(
                    (node, DCTERMS.type, typed_concept(self.graph, PUBLISHER_KINDS[agent.kind]))
                )
            nodes.append(node)
        return nodes

    def _common(self, node: URIRef, *, themes: bool = True) -> None:
        """Publisher, contact, licence, access rights, keywords, themes: shared by dataset and services."""
        graph = self.graph
        agents = self._agents()
        if agents:
            graph.add((node, DCTERMS.publisher, agents[0]))
        graph.add((node, DCAT.contactPoint, self.contact))
        graph.add((node, DCTERMS.license, self.licence))
        rights = typed_concept(graph, terms.PUBLIC_ACCESS, DCTERMS.RightsStatement)
        graph.add((node, DCTERMS.accessRights, rights))
        for keyword in KEYWORDS:
            add_labels(graph, node, DCAT.keyword, keyword)
        if themes:
            for theme in terms.THEMES:
                graph.add((node, DCAT.theme, typed_concept(graph, theme)))

    def _location(self, iri: str, labels: Labels, area: terms.Area | None) -> URIRef:
        graph, place = self.graph, URIRef(iri)
        graph.add((place, RDF.type, DCTERMS.Location))
        add_labels(graph, place, SKOS.prefLabel, labels)
        if area is not None:
            west, south, east, north = area.bbox
            ring = f"{west} {south}, {east} {south}, {east} {north}, {west} {north}, {west} {south}"
            graph.add((place, DCAT.bbox, Literal(f"POLYGON(({ring}))", datatype=GSP.wktLiteral)))
            lon, lat = area.centroid
            graph.add(
                (place, DCAT.centroid, Literal(f"POINT({lon} {lat})", datatype=GSP.wktLiteral))
            )
        return place

    def _spatial(self, node: URIRef) -> None:
        """France, then the region and each department under INSEE, NUTS 2013 and NUTS 2016."""
        graph = self.graph
        graph.add(
            (node, DCTERMS.spatial, self._location(terms.FRANCE.iri, terms.FRANCE.labels, None))
        )
        # Our own IRI for the region first: it is the one place udata reads a geometry from.
        ours = self._location(
            f"{self.pub.namespace}id/place/franche-comte",
            ("Franche-Comté", "Franche-Comté"),
            terms.REGION,
        )
        graph.add((ours, RDFS.seeAlso, URIRef(terms.INSEE_GEO + terms.REGION.insee)))
        west, south, east, north = terms.REGION.bbox
        box = [[[west, south], [east, south], [east, north], [west, north], [west, south]]]
        geojson = json.dumps({"type": "Polygon", "coordinates": box})
        graph.add((ours, LOCN.geometry, Literal(geojson, datatype=URIRef(GEOJSON_LITERAL))))
        graph.add((node, DCTERMS.spatial, ours))
        for area in (terms.REGION, *terms.DEPARTMENTS):
            for iri, suffix in (
                (terms.INSEE_GEO + area.insee, ""),
                (f"{terms.NUTS}code/{area.nuts_2013}", " (NUTS 2013)"),
                (f"{terms.NUTS}code/{area.nuts_2016}", " (NUTS 2016)"),
            ):
                place = self._location(iri, (area.name + suffix, area.name + suffix), area)
                graph.add((node, DCTERMS.spatial, place))

    def _temporal(self, node: URIRef) -> None:
        period = BNode("coverage")
        self.graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        start, end = terms.TEMPORAL
        self.graph.add((period, DCAT.startDate, Literal(start, datatype=XSD.date)))
        self.graph.add((period, DCAT.endDate, Literal(end, datatype=XSD.date)))
        self.graph.add((node, DCTERMS.temporal, period))

    # -- the parts ---------------------------------------------------------------
    def add_catalog(self) -> None:
        graph, pub, node = self.graph, self.pub, self.catalog
        graph.add((node, RDF.type, DCAT.Catalog))
        add_labels(graph, node, DCTERMS.title, CATALOG_TITLE)
        add_labels(graph, node, DCTERMS.description, CATALOG_DESCRIPTION)
        agents = self._agents()
        if agents:
            graph.add((node, DCTERMS.publisher, agents[0]))
            graph.add((node, DCTERMS.creator, agents[0]))
        graph.add((node, FOAF.homepage, typed_document(graph, pub.landing_page)))
        graph.add((node, DCTERMS.license, self.licence))
        for language in terms.LANGUAGES:
            graph.add(
                (node, DCTERMS.language, typed_concept(graph, language, DCTERMS.LinguisticSystem))
            )
        if pub.issued:
            graph.add((node, DCTERMS.issued, date_literal(pub.issued)))
        if pub.modified:
            graph.add((node, DCTERMS.modified, date_literal(pub.modified)))
        france = URIRef(terms.FRANCE.iri)
        graph.add((france, RDF.type, DCTERMS.Location))
        graph.add((node, DCTERMS.spatial, france))
        scheme = URIRef(f"{terms.EU}data-theme")
        graph.add((scheme, RDF.type, SKOS.ConceptScheme))
        add_labels(graph, scheme, DCTERMS.title, terms.THEME_SCHEME_TITLE)
        graph.add((node, DCAT.themeTaxonomy, scheme))
        graph.add((node, DCAT.dataset, self.dataset))

    def add_dataset(self, files: Mapping[str, DownloadFile]) -> None:
        graph, pub, node = self.graph, self.pub, self.dataset
        graph.add((node, RDF.type, DCAT.Dataset))
        graph.add((node, RDF.type, VOID.Dataset))
        graph.add((node, DCTERMS.identifier, Literal(pub.dataset)))
        add_labels(graph, node, DCTERMS.title, TITLE)
        add_labels(graph, node, DCTERMS.description, DESCRIPTION)
        self._common(node)
        for agent in self._agents():
            graph.add((node, DCTERMS.creator, agent))
        self._spatial(node)
        self._temporal(node)
        if pub.issued:
            graph.add((node, DCTERMS.issued, date_literal(pub.issued)))
        if pub.modified:
            graph.add((node, DCTERMS.modified, date_literal(pub.modified)))
        if pub.version:
            graph.add((node, DCAT.version, Literal(pub.version)))
            graph.add((node, OWL.versionInfo, Literal(pub.version)))
        graph.add((node, DCAT.landingPage, typed_document(graph, pub.landing_page)))
        for page in pub.documentation:
            graph.add((node, FOAF.page, typed_document(graph, page)))
        for language in terms.LANGUAGES:
            graph.add(
                (node, DCTERMS.language, typed_concept(graph, language, DCTERMS.LinguisticSystem))
            )
        frequency = typed_concept(graph, terms.FREQUENCY, DCTERMS.Frequency)
        graph.add((node, DCTERMS.accrualPeriodicity, frequency))
        graph.add(
            (node, DCTERMS.conformsTo, typed_standard(graph, pub.ontology, "Rally'nov ontology"))
        )
        graph.add(
            (node, DCTERMS.conformsTo, typed_standard(graph, pub.shapes, "Rally'nov SHACL shapes"))
        )
        provenance = BNode("provenance")
        graph.add((provenance, RDF.type, DCTERMS.ProvenanceStatement))
        add_labels(graph, provenance, RDFS.label, PROVENANCE)
        graph.add((node, DCTERMS.provenance, provenance))
        graph.add((node, RDFS.seeAlso, URIRef(pub.void_url)))
        graph.add((URIRef(pub.void_url), RDF.type, VOID.DatasetDescription))
        graph.add((URIRef(pub.void_url), FOAF.primaryTopic, node))
        for file in files.values():
            graph.add((node, DCAT.distribution, self.add_distribution(file)))

    def add_distribution(self, file: DownloadFile) -> URIRef:
        graph, pub, spec = self.graph, self.pub, file.spec
        node = URIRef(f"{pub.catalog_url}#distribution-{spec.name}")
        graph.add((node, RDF.type, DCAT.Distribution))
        graph.add((node, DCTERMS.identifier, Literal(spec.name)))
        add_labels(graph, node, DCTERMS.title, spec.titles)
        add_labels(graph, node, DCTERMS.description, spec.descriptions)
        graph.add((node, DCAT.accessURL, URIRef(pub.access_page)))
        graph.add((node, DCAT.downloadURL, URIRef(pub.download_url(spec.name))))
        graph.add((node, DCAT.mediaType, typed_media_type(graph, spec.media_type)))
        graph.add((node, DCTERMS["format"], typed_file_type(graph, spec.file_type)))
        if spec.compressed:
            graph.add((node, DCAT.compressFormat, typed_media_type(graph, "application/gzip")))
        # Size and checksum once the file is built (in the background): a harvester reading the
        # catalog before then records the distribution without them, never wrong ones.
        if file.size is not None and file.sha256 is not None:
            size = Literal(f"{file.size}.0", datatype=BYTE_SIZE_DATATYPE)
            graph.add((node, DCAT.byteSize, size))
            checksum = BNode(f"checksum-{spec.name}")
            graph.add((checksum, RDF.type, SPDX.Checksum))
            graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            graph.add((checksum, SPDX.checksumValue, Literal(file.sha256, datatype=XSD.hexBinary)))
            graph.add((node, SPDX.checksum, checksum))
        graph.add((node, DCTERMS.license, self.licence))
        if pub.modified:
            graph.add((node, DCTERMS.issued, date_literal(pub.modified)))
            graph.add((node, DCTERMS.modified, date_literal(pub.modified)))
        availability = typed_concept(graph, terms.AVAILABILITY)
        graph.add((node, DCATAP.availability, availability))
        if spec.group == "rdf":
            graph.add((node, DCTERMS.conformsTo, URIRef(pub.ontology)))
        return node

    def add_services(self) -> None:
        graph, pub = self.graph, self.pub
        if pub.sparql_endpoint:
            service = URIRef(f"{pub.catalog_url}#sparql-service")
            self._service(
                service,
                pub.sparql_endpoint,
                pub.sparql_endpoint,
                ("Point d'accès SPARQL de Rally'nov", "Rally'nov SPARQL endpoint"),
                (
                    "Point d'accès SPARQL 1.1 en lecture seule sur le graphe public ; sa description "
                    "(SPARQL Service Description) répond à l'adresse du point d'accès sans requête.",
                    "Read-only SPARQL 1.1 endpoint over the public graph; its SPARQL Service "
                    "Description answers at the endpoint URL without a query.",
                ),
                typed_standard(graph, terms.SPARQL_PROTOCOL, "SPARQL 1.1 Protocol"),
            )
            distribution = URIRef(f"{pub.catalog_url}#distribution-sparql")
            graph.add((distribution, RDF.type, DCAT.Distribution))
            add_labels(
                graph, distribution, DCTERMS.title, ("Point d'accès SPARQL", "SPARQL endpoint")
            )
            add_labels(
                graph,
                distribution,
                DCTERMS.description,
                (
                    "Le graphe public interrogé en SPARQL 1.1 (résultats JSON, XML, CSV, TSV ; "
                    "graphes en Turtle, N-Triples, JSON-LD, RDF/XML).",
                    "The public graph queried with SPARQL 1.1 (results as JSON, XML, CSV, TSV; "
                    "graphs as Turtle, N-Triples, JSON-LD, RDF/XML).",
                ),
            )
            graph.add((distribution, DCATAP.availability, typed_concept(graph, terms.AVAILABILITY)))
            graph.add((distribution, DCAT.accessURL, URIRef(pub.sparql_endpoint)))
            graph.add((distribution, DCAT.accessService, service))
            graph.add((distribution, DCTERMS.license, self.licence))
            graph.add((distribution, DCTERMS.conformsTo, URIRef(terms.SPARQL_PROTOCOL)))
            graph.add((self.dataset, DCAT.distribution, distribution))
        if pub.api_endpoint:
            self._service(
                URIRef(f"{pub.catalog_url}#api-service"),
                pub.api_endpoint,
                pub.api_description,
                ("API des requêtes nommées de Rally'nov", "Rally'nov named-query API"),
                (
                    "Requêtes SPARQL nommées avec paramètres, servies en JSON et CSV ; décrites en "
                    "OpenAPI.",
                    "Named SPARQL queries with parameters, answered as JSON and CSV; described with "
                    "OpenAPI.",
                ),
                typed_standard(graph, terms.OPENAPI, "OpenAPI Specification 3.1"),
            )

    def _service(
        self,
        node: URIRef,
        endpoint: str,
        description: str,
        titles: Labels,
        descriptions: Labels,
        standard: URIRef,
    ) -> None:
        graph = self.graph
        graph.add((node, RDF.type, DCAT.DataService))
        graph.add((node, DCTERMS.identifier, Literal(str(node))))
        add_labels(graph, node, DCTERMS.title, titles)
        add_labels(graph, node, DCTERMS.description, descriptions)
        graph.add((node, DCAT.endpointURL, URIRef(endpoint)))
        if description:
            graph.add((node, DCAT.endpointDescription, URIRef(description)))
        graph.add((node, DCAT.servesDataset, self.dataset))
        graph.add((node, DCTERMS.conformsTo, standard))
        graph.add((node, DCAT.landingPage, typed_document(graph, endpoint)))
        self._common(node)
        graph.add((self.catalog, DCAT.service, node))


def build_catalog(pub: Publication, files: Mapping[str, DownloadFile]) -> Graph:
    """The DCAT-AP 3.0 catalog of ``pub`` describing ``files`` (sizes and checksums of those
    built)."""
    builder = CatalogBuilder(pub)
    builder.add_catalog()
    builder.add_dataset(files)
    builder.add_services()
    add_version_history(builder.graph, pub)
    return builder.graph


def distribution_urls(graph: Graph) -> Iterable[str]:
    """Every ``dcat:downloadURL`` of a catalog graph."""
    return sorted(str(url) for url in graph.objects(None, DCAT.downloadURL))

"""The SPARQL 1.1 Service Description answered by ``GET /sparql`` without a query.

Only the public graphs are described (the restricted graph is not named).

>>> from endpoint.store.base import StoreMeta
>>> meta = StoreMeta("v1", "2026-01-01T00:00:00Z", 3, {"http://g/public": 3})
>>> b"sd:Service" in service_description("http://h/sparql", meta, ["http://g/public"], "TURTLE")
True
"""

from __future__ import annotations

import pyoxigraph as ox

from endpoint.store.base import StoreMeta

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
PREFIXES = {"sd": SD, "void": VOID, "dcterms": DCTERMS, "formats": "http://www.w3.org/ns/formats/"}
RESULT_FORMATS = (
    ox.QueryResultsFormat.JSON,
    ox.QueryResultsFormat.XML,
    ox.QueryResultsFormat.CSV,
    ox.QueryResultsFormat.TSV,
    ox.RdfFormat.TURTLE,
    ox.RdfFormat.N_TRIPLES,
    ox.RdfFormat.JSON_LD,
    ox.RdfFormat.RDF_XML,
)


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def service_description(
    endpoint: str,
    meta: StoreMeta | None,
    public_graphs: list[str],
    fmt: str,
    *,
    license_iri: str = "",
    federated: bool = False,
) -> bytes:
    """The description of the endpoint at ``endpoint`` in the RdfFormat named ``fmt``."""
    service = ox.NamedNode(endpoint)
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), service),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(
            service,
            ox.NamedNode(DCTERMS + "title"),
            ox.Literal(
                "Rally'nov open knowledge graph: SPARQL endpoint (read-only)", language="en"
            ),
        ),
        ox.Triple(
            service,
            ox.NamedNode(DCTERMS + "title"),
            ox.Literal(
                "Graphe de connaissances ouvert Rally'nov : point d'accès SPARQL (lecture seule)",
                language="fr",
            ),
        ),
    ]
    triples += [
        ox.Triple(service, _sd("resultFormat"), ox.NamedNode(fmt_.iri)) for fmt_ in RESULT_FORMATS
    ]
    if federated:
        triples.append(ox.Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    if license_iri:
        triples.append(
            ox.Triple(service, ox.NamedNode(DCTERMS + "license"), ox.NamedNode(license_iri))
        )
    dataset = ox.BlankNode()
    triples.append(ox.Triple(service, _sd("defaultDataset"), dataset))
    triples.append(ox.Triple(dataset, RDF_TYPE, _sd("Dataset")))
    counts = meta.graphs if meta else {}
    if meta:
        triples.append(
            ox.Triple(
                dataset,
                ox.NamedNode(DCTERMS + "modified"),
                ox.Literal(meta.modified, datatype=XSD_DATETIME),
            )
        )
    default_graph = ox.BlankNode()
    triples += [
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
        ox.Triple(
            default_graph,
            ox.NamedNode(VOID + "triples"),
            ox.Literal(str(sum(counts.get(g, 0) for g in public_graphs)), datatype=_XSD_INTEGER),
        ),
    ]
    for name in public_graphs:
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(name)),
            ox.Triple(named, _sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("Graph")),
            ox.Triple(
                graph,
                ox.NamedNode(VOID + "triples"),
                ox.Literal(str(counts.get(name, 0)), datatype=_XSD_INTEGER),
            ),
        ]
    return ox.serialize(triples, format=getattr(ox.RdfFormat, fmt), prefixes=PREFIXES) or b""

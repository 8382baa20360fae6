"""The VoID description of the dataset, with statistics computed from the store.

Every count is a SPARQL count over the public graphs (their union, as the SPARQL endpoint sees
them): ``void:triples`` (distinct triples), ``void:entities`` (distinct subjects in the URI
space ``{namespace}id/``), ``void:classes``, ``void:properties``, ``void:distinctSubjects``,
``void:distinctObjects``, a class partition per class (instances) and a property partition per
property (triples). Each set of links out (a predicate towards one target dataset: Wikidata,
INSEE geography, EU data themes) is a ``void:Linkset`` with its triple count.

>>> stats = statistics(store, "https://w3id.org/rallynov/id/")   # doctest: +SKIP
>>> stats.triples == len(store_dump_as_set)                        # doctest: +SKIP
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from endpoint.opendata import terms
from endpoint.opendata.files import DownloadFile
from endpoint.opendata.nodes import add_labels
from endpoint.opendata.publication import Publication, solutions
from endpoint.opendata.terms import DCTERMS, FOAF, FORMATS, VOID
from endpoint.opendata.texts import TITLE
from endpoint.store.base import Store


@dataclass(frozen=True)
class Target:
    """A dataset our links point into, recognised by the prefix of the linked IRIs."""

    slug: str
    iri: str
    title: str
    homepage: str
    sparql_endpoint: str = ""


TARGETS: dict[str, Target] = {
    "http://www.wikidata.org/entity/": Target(
        "wikidata",
        "http://www.wikidata.org/",
        "Wikidata",
        "https://www.wikidata.org/",
        "https://query.wikidata.org/sparql",
    ),
    terms.INSEE_GEO: Target(
        "insee",
        "http://id.insee.fr/geo/",
        "INSEE — Code officiel géographique",
        "https://rdf.insee.fr/",
        "https://rdf.insee.fr/sparql",
    ),
    f"{terms.EU}data-theme/": Target(
        "eu-data-theme",
        f"{terms.EU}data-theme",
        "EU Vocabularies — Data theme",
        "https://op.europa.eu/en/web/eu-vocabularies",
    ),
}
LINK_PREDICATES = (
    OWL.sameAs,
    terms.SCHEMA.sameAs,
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.relatedMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    RDFS.seeAlso,
)


@dataclass(frozen=True)
class Statistics:
    triples: int
    entities: int
    classes: int
    properties: int
    distinct_subjects: int
    distinct_objects: int
    class_partitions: dict[str, int]  # class IRI -> instances
    property_partitions: dict[str, int]  # property IRI -> triples
    linksets: dict[tuple[str, str], int]  # (predicate, target prefix) -> triples
    graph_triples: dict[str, int]  # named graph -> triples
    examples: tuple[str, ...]


def _count(store: Store, query: str) -> int:
    return int(solutions(store, query)[0]["n"].value)


DISTINCT = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }"


def statistics(store: Store, uri_space: str) -> Statistics:
    """The counts VoID publishes, each one a SPARQL query over the public graphs."""
    space = Literal(uri_space).n3()
    classes = {
        row["c"].value: int(row["n"].value)
        for row in solutions(
            store,
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c",
        )
    }
    properties = {
        row["p"].value: int(row["n"].value)
        for row in solutions(
            store, f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {DISTINCT} }} GROUP BY ?p"
        )
    }
    linksets: dict[tuple[str, str], int] = {}
    for predicate in LINK_PREDICATES:
        for prefix in TARGETS:
            query = (
                f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ ?s <{predicate}> ?o "
                f"FILTER(isIRI(?o) && STRSTARTS(STR(?o), {Literal(prefix).n3()})) }} }}"
            )
            count = _count(store, query)
            if count:
                linksets[(str(predicate), prefix)] = count
    examples = tuple(
        row["s"].value
        for row in solutions(
            store,
            "PREFIX rally: <https://w3id.org/rallynov/def#> SELECT ?s WHERE { "
            "VALUES ?c { rally:SocialInnovation rally:Organisation rally:Stage } "
            "{ SELECT ?c (MIN(STR(?x)) AS ?first) WHERE { ?x a ?c } GROUP BY ?c } "
            "BIND(IRI(?first) AS ?s) } ORDER BY ?s",
        )
        if row["s"] is not None
    )
    graph_triples = {
        name: int(
            solutions(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=[name])[0][
                "n"
            ].value
        )
        for name in store.public_graphs()
    }
    return Statistics(
        triples=_count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {DISTINCT} }}"),
        entities=_count(
            store,
            "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o "
            f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {space})) }}",
        ),
        classes=len(classes),
        properties=len(properties),
        distinct_subjects=_count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        distinct_objects=_count(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
        class_partitions=classes,
        property_partitions=properties,
        linksets=linksets,
        graph_triples=graph_triples,
        examples=examples,
    )


def _int(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def _namespace(iri: str) -> str:
    """``https://schema.org/name`` -> ``https://schema.org/``; ``...def#Stage`` -> ``...def#``."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def build_void(pub: Publication, stats: Statistics, files: Mapping[str, DownloadFile]) -> Graph:
    """The VoID description of the dataset ``{namespace}dataset`` as published by ``pub``."""
    graph = Graph()
    for prefix, namespace in terms.PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.bind("formats", FORMATS)
    dataset, document = URIRef(pub.dataset), URIRef(pub.void_url)
    graph.add((document, RDF.type, VOID.DatasetDescription))
    add_labels(
        graph,
        document,
        DCTERMS.title,
        ("Description VoID de Rally'nov", "VoID description of Rally'nov"),
    )
    graph.add((document, FOAF.primaryTopic, dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    add_labels(graph, dataset, DCTERMS.title, TITLE)
    graph.add((dataset, DCTERMS.license, URIRef(pub.license)))
    if pub.agents:
        graph.add((dataset, DCTERMS.publisher, URIRef(pub.agents[0].iri)))
    if pub.modified:
        graph.add(
            (
                dataset,
                DCTERMS.modified,
                Literal(pub.modified, datatype=XSD.dateTime if "T" in pub.modified else XSD.date),
            )
        )
    graph.add((dataset, FOAF.homepage, URIRef(pub.landing_page)))
    graph.add((dataset, RDFS.seeAlso, URIRef(pub.catalog_url)))
    if pub.sparql_endpoint:
        graph.add((dataset, VOID.sparqlEndpoint, URIRef(pub.sparql_endpoint)))
    for file in files.values():
        if file.spec.group == "rdf":
            graph.add((dataset, VOID.dataDump, URIRef(pub.download_url(file.spec.name))))
            graph.add((dataset, VOID.feature, FORMATS[file.spec.w3c_format]))
    graph.add((dataset, VOID.uriSpace, Literal(pub.uri_space)))
    for example in stats.examples:
        graph.add((dataset, VOID.exampleResource, URIRef(example)))
    for name, value in (
        ("triples", stats.triples),
        ("entities", stats.entities),
        ("classes", stats.classes),
        ("properties", stats.properties),
        ("distinctSubjects", stats.distinct_subjects),
        ("distinctObjects", stats.distinct_objects),
    ):
        graph.add((dataset, VOID[name], _int(value)))
    vocabularies = {
        _namespace(iri) for iri in (*stats.class_partitions, *stats.property_partitions)
    }
    for vocabulary in sorted(vocabularies):
        graph.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    for index, (cls, count) in enumerate(sorted(stats.class_partitions.items())):
        partition = BNode(f"class{index}")
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(cls)))
        graph.add((partition, VOID.entities, _int(count)))
    for index, (prop, count) in enumerate(sorted(stats.property_partitions.items())):
        partition = BNode(f"property{index}")
        graph.add((dataset, VOID.propertyPartition, partition))
        graph.add((partition, VOID.property, URIRef(prop)))
        graph.add((partition, VOID.triples, _int(count)))
    for name, count in sorted(stats.graph_triples.items()):
        subset = URIRef(f"{pub.dataset}#graph-{name.rstrip('/').rsplit('/', 1)[-1]}")
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, terms.SD.name, URIRef(name)))
        graph.add((subset, VOID.triples, _int(count)))
    _linksets(graph, pub, dataset, stats)
    return graph


def _linksets(graph: Graph, pub: Publication, dataset: URIRef, stats: Statistics) -> None:
    for (predicate, prefix), count in sorted(stats.linksets.items()):
        spec = TARGETS[prefix]
        target = URIRef(spec.iri)
        graph.add((target, RDF.type, VOID.Dataset))
        graph.add((target, DCTERMS.title, Literal(spec.title)))
        graph.add((target, FOAF.homepage, URIRef(spec.homepage)))
        graph.add((target, VOID.uriSpace, Literal(prefix)))
        if spec.sparql_endpoint:
            graph.add((target, VOID.sparqlEndpoint, URIRef(spec.sparql_endpoint)))
        local = predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        linkset = URIRef(f"{pub.dataset}#linkset-{spec.slug}-{local}")
        graph.add((linkset, RDF.type, VOID.Linkset))
        graph.add((dataset, VOID.subset, linkset))
        graph.add((linkset, VOID.subjectsTarget, dataset))
        graph.add((linkset, VOID.objectsTarget, target))
        graph.add((linkset, VOID.linkPredicate, URIRef(predicate)))
        graph.add((linkset, VOID.triples, _int(count)))
        graph.add((linkset, DCTERMS.title, Literal(f"{local} → {spec.title}", lang="en")))

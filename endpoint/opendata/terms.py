"""Namespaces and the shared identifiers the catalog points to (EU authority tables, IANA, INSEE,
NUTS), each with the labels and types DCAT-AP's range shapes expect of it.

Every object of the catalog is typed (``dct:MediaType``, ``dct:LicenseDocument``...): the
DCAT-AP 3.0 range shapes check the class of each value, without inference.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Namespace
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD

# Open namespaces: rdflib's closed DCAT/VOID objects warn on DCAT 3 terms such as dcat:version.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VOID = Namespace("http://rdfs.org/ns/void#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
SCHEMA = Namespace("https://schema.org/")

EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
NUTS = "http://data.europa.eu/nuts/"
INSEE_GEO = "http://id.insee.fr/geo/"
ADMS_LICENCE_TYPE = "http://purl.org/adms/licencetype/"
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"

PREFIXES = {
    "dcat": DCAT,
    "dct": DCTERMS,
    "foaf": FOAF,
    "owl": OWL,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "void": VOID,
    "xsd": XSD,
    "vcard": VCARD,
    "spdx": SPDX,
    "adms": ADMS,
    "dcatap": DCATAP,
    "locn": LOCN,
    "gsp": GSP,
    "sd": SD,
    "schema": SCHEMA,
}

Labels = tuple[str, str]  # (French, English)


@dataclass(frozen=True)
class Concept:
    """A concept of a shared vocabulary: IRI, scheme, French and English labels."""

    iri: str
    scheme: str
    labels: Labels
    notation: str = ""


def eu(table: str, code: str, fr: str, en: str) -> Concept:
    """A concept of an EU Publications Office authority table."""
    return Concept(f"{EU}{table}/{code}", f"{EU}{table}", (fr, en), code)


THEMES = (
    eu("data-theme", "SOCI", "Population et société", "Population and society"),
    eu("data-theme", "ECON", "Économie et finances", "Economy and finance"),
)
THEME_SCHEME_TITLE: Labels = ("Thèmes des données (UE)", "Data themes (EU)")
LANGUAGES = (
    eu("language", "FRA", "français", "French"),
    eu("language", "ENG", "anglais", "English"),
)
PUBLIC_ACCESS = eu("access-right", "PUBLIC", "public", "public")
FREQUENCY = eu("frequency", "IRREG", "irrégulière", "irregular")
AVAILABILITY = eu("planned-availability", "STABLE", "stable", "stable")
FRANCE = eu("country", "FRA", "France", "France")
NON_PROFIT = Concept(
    f"{ADMS_PUBLISHER_TYPE}NonProfitOrganisation",
    f"{ADMS_PUBLISHER_TYPE}1.0",
    ("Organisation à but non lucratif", "Non-profit organisation"),
)
ATTRIBUTION = Concept(
    f"{ADMS_LICENCE_TYPE}Attribution", f"{ADMS_LICENCE_TYPE}1.0", ("Attribution", "Attribution")
)


@dataclass(frozen=True)
class Licence:
    """What the catalog says of a licence it knows (udata matches on the URI and the label)."""

    title: str
    identifier: str


LICENCES = {
    "https://www.etalab.gouv.fr/licence-ouverte-open-licence": Licence(
        "Licence Ouverte / Open Licence version 2.0", "etalab-2.0"
    ),
    "https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf": Licence(
        "Licence Ouverte / Open Licence version 2.0", "etalab-2.0"
    ),
    "https://creativecommons.org/licenses/by/4.0": Licence(
        "Creative Commons Attribution 4.0 International", "CC-BY-4.0"
    ),
    "https://opendatacommons.org/licenses/odbl": Licence(
        "Open Database License (ODbL) 1.0", "ODbL-1.0"
    ),
}


def licence_for(iri: str) -> Licence | None:
    return LICENCES.get(iri.rstrip("/").removesuffix("/1-0").removesuffix("/1.0"))


# Spatial coverage: the former region (INSEE 43, NUTS 2013 FR43, NUTS 2016+ FRC2) and its four
# departments, with bounding box (west, south, east, north) and area centroid (longitude,
# latitude) in WGS84, computed from the outlines of endpoint/static/geo (IGN Admin Express COG
# 2018). Code-based INSEE IRIs are the ones data.gouv.fr's zones use.
BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Area:
    insee: str  # "region/43", "departement/25"
    name: str
    nuts_2013: str
    nuts_2016: str
    bbox: BBox
    centroid: tuple[float, float]


REGION = Area(
    "region/43",
    "Franche-Comté",
    "FR43",
    "FRC2",
    (5.2513, 46.2607, 7.1422, 48.0241),
    (6.0879, 47.2078),
)
DEPARTMENTS = (
    Area(
        "departement/25",
        "Doubs",
        "FR431",
        "FRC21",
        (5.6987, 46.5537, 7.0622, 47.5628),
        (6.3628, 47.1656),
    ),
    Area(
        "departement/39",
        "Jura",
        "FR432",
        "FRC22",
        (5.2552, 46.2607, 6.2067, 47.3042),
        (5.6976, 46.7298),
    ),
    Area(
        "departement/70",
        "Haute-Saône",
        "FR433",
        "FRC23",
        (5.3732, 47.2541, 6.8235, 48.0241),
        (6.0874, 47.6414),
    ),
    Area(
        "departement/90",
        "Territoire de Belfort",
        "FR434",
        "FRC24",
        (6.7566, 47.4334, 7.1358, 47.8229),
        (6.9272, 47.6321),
    ),
)
TEMPORAL = ("2012-01-01", "2015-12-31")

SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
OPENAPI = "https://spec.openapis.org/oas/v3.1.0"

"""The words of the catalog, in French and English: titles, descriptions, keywords.

Shared by the DCAT catalog, the VoID description, the schema.org summary and the pages.
"""

from __future__ import annotations

from endpoint.opendata.terms import Labels

TITLE: Labels = (
    "Rally'nov — graphe de connaissances des innovations sociales en Franche-Comté (2012-2015)",
    "Rally'nov — knowledge graph of the social innovations of Franche-Comté (2012-2015)",
)
DESCRIPTION: Labels = (
    "Graphe de connaissances ouvert de Rally'nov, le rallye des innovations sociales en "
    "Franche-Comté (2012-2015), mené par Fact avec ses copilotes RIFC et la Cress : les innovations "
    "sociales repérées, caractérisées et primées, les organisations qui les portent ou les "
    "soutiennent, les étapes et autres événements, les prix, les témoignages, les chiffres clés et "
    "les lieux, chaque fait étant relié à la brochure qui l'énonce. Données ouvertes liées (RDF) "
    "alignées sur schema.org, W3C ORG, SKOS, PROV-O et les référentiels géographiques de l'INSEE, "
    "interrogeables en SPARQL et téléchargeables en RDF, CSV, GeoJSON et GEXF.",
    "Open knowledge graph of Rally'nov, the social innovation rally of Franche-Comté (France, "
    "2012-2015), led by Fact with its co-pilots RIFC and the Cress: the social innovations spotted, "
    "characterised and awarded, the organisations that carry or support them, the stages and other "
    "events, the awards, testimonies, key figures and places, each fact linked to the brochure that "
    "states it. Linked open data (RDF) aligned with schema.org, W3C ORG, SKOS, PROV-O and INSEE's "
    "geographic identifiers, queryable with SPARQL and downloadable as RDF, CSV, GeoJSON and GEXF.",
)
CATALOG_TITLE: Labels = ("Catalogue des données Rally'nov", "Rally'nov data catalog")
CATALOG_DESCRIPTION: Labels = (
    "Les jeux de données et services publiés par le projet de données ouvertes liées Rally'nov.",
    "The datasets and services published by the Rally'nov linked open data project.",
)
KEYWORDS: tuple[Labels, ...] = (
    ("innovation sociale", "social innovation"),
    ("économie sociale et solidaire", "social and solidarity economy"),
    ("innovation sur le lieu de travail", "workplace innovation"),
    ("conditions de travail", "working conditions"),
    ("Franche-Comté", "Franche-Comté"),
    ("Rally'nov", "Rally'nov"),
    ("données ouvertes liées", "linked open data"),
    ("graphe de connaissances", "knowledge graph"),
)
PROVENANCE: Labels = (
    "Relevé à la main dans les cinq brochures publiées par Fact et la Région Franche-Comté "
    "(2013-2014), chaque fait portant la brochure qui l'énonce (dct:source) ; contrôlé par les "
    "formes SHACL à chaque construction. Les coordonnées des personnes sont exclues.",
    "Curated by hand from the five brochures published by Fact and the Région Franche-Comté "
    "(2013-2014), each fact carrying the brochure that states it (dct:source); checked against "
    "the SHACL shapes at every build. People's contact details are left out.",
)

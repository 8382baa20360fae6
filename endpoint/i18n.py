"""French and English for the pages: the language comes from ``?lang=``, a cookie, or Accept-Language."""

from __future__ import annotations

from flask import Flask, Response, g, request

LANGS = ("fr", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "site_title": {
        "fr": "Rally'nov — graphe de connaissances ouvert",
        "en": "Rally'nov — open knowledge graph",
    },
    "home": {"fr": "Accueil", "en": "Home"},
    "sparql": {"fr": "Requêtes SPARQL", "en": "SPARQL queries"},
    "queries": {"fr": "Requêtes nommées", "en": "Named queries"},
    "map": {"fr": "Carte", "en": "Map"},
    "network": {"fr": "Réseaux", "en": "Networks"},
    "grid": {"fr": "Grille", "en": "Grid"},
    "catalog": {"fr": "Catalogue", "en": "Catalog"},
    "downloads": {"fr": "Téléchargements", "en": "Downloads"},
    "ontology": {"fr": "Ontologie", "en": "Ontology"},
    "error": {"fr": "Erreur", "en": "Error"},
    "back_home": {"fr": "Retour à l'accueil", "en": "Back to the home page"},
    "switch_lang": {"fr": "English", "en": "Français"},
    "grid_title": {"fr": "Grille de caractérisation", "en": "Characterisation grid"},
    "grid_intro": {
        "fr": "Pour chaque innovation, les critères de la grille qu'elle remplit (✓) ou non (✗), "
        "comme si elle était lauréate : ce qu'il reste à documenter.",
        "en": "For each innovation, the grid criteria it meets (✓) or not (✗), checked as if it "
        "were a laureate: what remains to be documented.",
    },
    "grid_innovation": {"fr": "Innovation", "en": "Innovation"},
    # linked-data pages, home, /def, /shapes, /vocab/ (endpoint/views/linked_data.py, home.py, docs.py)
    "ld_not_found": {
        "fr": "Aucune ressource publiée à cette adresse.",
        "en": "No published resource at this address.",
    },
    "ld_unknown_format": {
        "fr": "Format inconnu : .{ext} ; formats connus : {known}.",
        "en": "Unknown format: .{ext}; known formats: {known}.",
    },
    "ld_not_acceptable": {
        "fr": "Aucun des formats demandés par l'en-tête Accept n'est disponible ; formats proposés :",
        "en": "None of the formats asked for in the Accept header is available; formats offered:",
    },
    "ld_uri": {"fr": "URI", "en": "URI"},
    "ld_types": {"fr": "Types :", "en": "Types:"},
    "ld_properties": {"fr": "Propriétés", "en": "Properties"},
    "ld_incoming": {"fr": "Liens entrants", "en": "Incoming links"},
    "ld_incoming_cut": {"fr": "Liens entrants affichés :", "en": "Incoming links shown:"},
    "ld_and_more": {"fr": "… et encore", "en": "… and more:"},
    "ld_none": {"fr": "Aucun.", "en": "None."},
    "ld_formats": {"fr": "Mêmes données en", "en": "Same data as"},
    "ld_cite": {
        "fr": "Pour citer cette ressource, utilisez son URI :",
        "en": "To cite this resource, use its URI:",
    },
    "ld_concepts": {"fr": "Concepts", "en": "Concepts"},
    "ld_grid": {"fr": "Grille de caractérisation", "en": "Characterisation grid"},
    "ld_grid_criterion": {"fr": "Critère", "en": "Criterion"},
    "ld_grid_state": {"fr": "Évaluation", "en": "Assessment"},
    "ld_grid_met": {"fr": "rempli", "en": "met"},
    "ld_grid_unmet": {"fr": "non rempli", "en": "not met"},
    "ld_grid_note": {
        "fr": "Les formes SHACL de la grille appliquées à cette initiative comme si elle était lauréate : ce qui reste à renseigner pour la caractériser.",
        "en": "The grid's SHACL shapes applied to this initiative as if it were a laureate: what remains to be filled in to characterise it.",
    },
    "ld_grid_unavailable": {
        "fr": "La grille n'a pas pu être évaluée (voir le journal du serveur).",
        "en": "The grid could not be assessed (see the server log).",
    },
    "home_title": {
        "fr": "Rally'nov : les innovations sociales de Franche-Comté en données ouvertes liées",
        "en": "Rally'nov: the social innovations of Franche-Comté as linked open data",
    },
    "home_intro": {
        "fr": "Rally'nov, le rallye des innovations sociales, a repéré, caractérisé et primé de 2012 à 2015 des innovations sociales en Franche-Comté, portées par des associations, des coopératives et des entreprises, et présentées au public lors des étapes du rallye.",
        "en": "Rally'nov, the social innovation rally, spotted, characterised and awarded social innovations in Franche-Comté (France) from 2012 to 2015, carried by associations, cooperatives and firms, and presented to the public at the rally's stages.",
    },
    "home_intro_graph": {
        "fr": "Ce graphe de connaissances décrit les innovations, les organisations qui les portent ou les soutiennent, les étapes et événements, les prix, les témoignages, les chiffres clés et les lieux, chaque fait étant relié à la brochure qui l'énonce.",
        "en": "This knowledge graph describes the innovations, the organisations that carry or support them, the stages and events, the awards, testimonies, key figures and places, each fact linked to the brochure that states it.",
    },
    "home_counts": {"fr": "Le jeu de données en chiffres", "en": "The dataset in figures"},
    "home_count_innovations": {"fr": "innovations sociales", "en": "social innovations"},
    "home_count_organisations": {"fr": "organisations", "en": "organisations"},
    "home_count_stages": {"fr": "étapes du rallye", "en": "rally stages"},
    "home_count_events": {"fr": "événements (étapes comprises)", "en": "events (stages included)"},
    "home_count_awards": {"fr": "prix", "en": "awards"},
    "home_count_editions": {"fr": "éditions", "en": "editions"},
    "home_count_triples": {"fr": "triplets publics", "en": "public triples"},
    "home_version": {"fr": "Version du jeu de données", "en": "Dataset version"},
    "home_explore": {"fr": "Explorer", "en": "Explore"},
    "home_vocabularies": {"fr": "Vocabulaires", "en": "Vocabularies"},
    "home_shapes": {"fr": "Formes SHACL", "en": "SHACL shapes"},
    "home_link_sparql": {
        "fr": "Éditeur de requêtes SPARQL et point d'accès SPARQL 1.1.",
        "en": "SPARQL query editor and SPARQL 1.1 endpoint.",
    },
    "home_link_queries": {
        "fr": "Requêtes prêtes à l'emploi, aussi disponibles comme API.",
        "en": "Ready-made queries, also served as an API.",
    },
    "home_link_map": {
        "fr": "Les innovations et les étapes sur la carte de la région.",
        "en": "Innovations and stages on the map of the region.",
    },
    "home_link_network": {
        "fr": "Réseaux des organisations, des partenaires et des innovations.",
        "en": "Networks of organisations, partners and innovations.",
    },
    "home_link_catalog": {
        "fr": "Description DCAT du jeu de données et de ses distributions.",
        "en": "DCAT description of the dataset and its distributions.",
    },
    "home_link_downloads": {
        "fr": "Le graphe complet en Turtle, N-Triples, JSON-LD, RDF/XML.",
        "en": "The whole graph as Turtle, N-Triples, JSON-LD, RDF/XML.",
    },
    "home_link_def": {
        "fr": "L'ontologie Rally'nov : classes et propriétés.",
        "en": "The Rally'nov ontology: classes and properties.",
    },
    "home_link_vocab": {
        "fr": "Les schémas de concepts SKOS (besoins, thèmes, grille…).",
        "en": "The SKOS concept schemes (needs, themes, grid…).",
    },
    "home_link_shapes": {
        "fr": "Les contraintes SHACL qui valident les données.",
        "en": "The SHACL constraints that validate the data.",
    },
    "home_sources": {"fr": "Sources et licence", "en": "Sources and licence"},
    "home_sources_intro": {
        "fr": "Toutes les données sont tirées des brochures publiées par Fact et la Région Franche-Comté :",
        "en": "All the data come from the brochures published by Fact and the Région Franche-Comté:",
    },
    "home_license": {"fr": "Licence", "en": "Licence"},
    "home_license_text": {
        "fr": "Les données sont publiées sous la Licence Ouverte / Open Licence d'Etalab :",
        "en": "The data are published under Etalab's Licence Ouverte / Open Licence:",
    },
    "home_uri_policy": {"fr": "Politique des URI", "en": "URI policy"},
    "home_uri_intro": {
        "fr": "Chaque chose décrite a un URI sous",
        "en": "Everything described has a URI under",
    },
    "home_uri_pattern": {"fr": "Modèle d'URI", "en": "URI pattern"},
    "home_uri_identifies": {"fr": "Identifie", "en": "Identifies"},
    "home_uri_innovation": {"fr": "une innovation sociale", "en": "a social innovation"},
    "home_uri_organisation": {
        "fr": "une organisation (porteuse, partenaire, organisatrice…)",
        "en": "an organisation (carrier, partner, organiser…)",
    },
    "home_uri_person": {
        "fr": "une personne citée dans une brochure (nom public et rôle)",
        "en": "a person named in a brochure (public name and role)",
    },
    "home_uri_edition": {"fr": "une édition du rallye", "en": "an edition of the rally"},
    "home_uri_event": {"fr": "une étape ou un autre événement", "en": "a stage or another event"},
    "home_uri_award": {"fr": "un prix attribué", "en": "an award"},
    "home_uri_application": {"fr": "une candidature", "en": "an application"},
    "home_uri_testimony": {"fr": "un témoignage", "en": "a testimony"},
    "home_uri_key_figure": {"fr": "un chiffre clé publié", "en": "a published key figure"},
    "home_uri_partnership": {
        "fr": "le rôle d'un partenaire dans une édition",
        "en": "a partner's role in an edition",
    },
    "home_uri_place": {
        "fr": "un lieu (commune, département, région)",
        "en": "a place (commune, department, region)",
    },
    "home_uri_source": {"fr": "une brochure source", "en": "a source brochure"},
    "home_uri_concept": {
        "fr": "un concept d'un vocabulaire contrôlé",
        "en": "a concept of a controlled vocabulary",
    },
    "home_uri_scheme": {
        "fr": "un vocabulaire (schéma de concepts)",
        "en": "a vocabulary (concept scheme)",
    },
    "home_uri_term": {
        "fr": "une classe ou une propriété de l'ontologie",
        "en": "a class or property of the ontology",
    },
    "home_uri_303": {
        "fr": "Un URI /id/… désigne la chose elle-même : il répond 303 See Other vers le document /doc/… qui la décrit, en HTML, Turtle, N-Triples, JSON-LD ou RDF/XML selon l'en-tête Accept (ou l'extension .html .ttl .nt .jsonld .rdf).",
        "en": "An /id/… URI names the thing itself: it answers 303 See Other to the document /doc/… that describes it, as HTML, Turtle, N-Triples, JSON-LD or RDF/XML according to the Accept header (or the extension .html .ttl .nt .jsonld .rdf).",
    },
    "home_uri_stable": {
        "fr": "Les URI ne changent jamais : un identifiant publié reste le même, même si le nom de la chose change.",
        "en": "URIs never change: a published identifier stays the same, even when the thing's name changes.",
    },
    "home_uri_cite": {
        "fr": "Pour citer : l'URI de la ressource et la version du jeu de données, par exemple",
        "en": "To cite: the resource's URI and the dataset version, for example",
    },
    "docs_shapes_intro": {
        "fr": "Les formes SHACL qui valident les données à chaque construction (tous les fichiers shapes/*.ttl réunis). Turtle par défaut ; N-Triples, JSON-LD et RDF/XML selon l'en-tête Accept.",
        "en": "The SHACL shapes that validate the data at every build (all the shapes/*.ttl files merged). Turtle by default; N-Triples, JSON-LD and RDF/XML by the Accept header.",
    },
    "docs_vocab_intro": {
        "fr": "Les vocabulaires contrôlés (schémas de concepts SKOS) des valeurs codées du graphe. Chaque concept a son URI.",
        "en": "The controlled vocabularies (SKOS concept schemes) of the coded values of the graph. Each concept has its own URI.",
    },
    # network page and exports (endpoint/views/network.py)
    "net_title": {"fr": "Réseaux de collaboration", "en": "Collaboration networks"},
    "net_intro": {
        "fr": "Qui travaille avec qui : les organisations qui ont co-organisé une étape, les partenaires d'une même édition, les organisations et les innovations qu'elles ont portées, soutenues, présentées ou primées, et les acteurs reliés aux besoins sociaux. Cliquez sur un nœud pour voir ses mesures, ses voisins et les collaborations suggérées ; double-cliquez pour ouvrir sa page.",
        "en": "Who works with whom: organisations that co-organised a stage, partners of the same edition, organisations and the innovations they carried, supported, presented or awarded, and actors linked to social needs. Click a node to see its metrics, neighbours and suggested collaborations; double-click to open its page.",
    },
    "net_kind_label": {"fr": "Réseau", "en": "Network"},
    "net_kind_co-organisation": {"fr": "Co-organisation d'étapes", "en": "Stage co-organisation"},
    "net_kind_partnership": {"fr": "Partenariat par édition", "en": "Partnership in an edition"},
    "net_kind_partner-innovation": {
        "fr": "Partenaires et innovations",
        "en": "Partners and innovations",
    },
    "net_kind_actor-need": {"fr": "Acteurs et besoins", "en": "Actors and needs"},
    "net_mode": {"fr": "Vue", "en": "View"},
    "net_mode_bipartite": {
        "fr": "Bipartie (organisations et objets)",
        "en": "Bipartite (organisations and items)",
    },
    "net_mode_projection": {"fr": "Projection (organisations)", "en": "Projection (organisations)"},
    "net_edition": {"fr": "Édition", "en": "Edition"},
    "net_all_editions": {"fr": "Toutes", "en": "All"},
    "net_size_by": {"fr": "Taille selon", "en": "Size by"},
    "net_colour_by": {"fr": "Couleur selon", "en": "Colour by"},
    "net_node_kind": {"fr": "Type de nœud", "en": "Node kind"},
    "net_all_kinds": {"fr": "Tous", "en": "All"},
    "net_search": {"fr": "Chercher", "en": "Search"},
    "net_search_hint": {"fr": "Nom d'une organisation…", "en": "Name of an organisation…"},
    "net_downloads": {"fr": "Télécharger ce réseau :", "en": "Download this network:"},
    "net_rules": {
        "fr": "Intermédiation et modularité à partir des communautés de Louvain (graine fixe). Un nœud est « passeur » quand ses voisins appartiennent à au moins deux autres communautés que la sienne, ou à une autre quand son intermédiation est dans le décile supérieur. Les collaborations suggérées sont des paires d'organisations non encore liées, classées par l'indice d'Adamic–Adar, avec les voisins communs qui les justifient.",
        "en": "Betweenness and modularity from Louvain communities (fixed seed). A node is a broker when its neighbours belong to at least two communities other than its own, or to one other when its betweenness is in the top decile. Suggested collaborations are pairs of organisations not yet linked, ranked by the Adamic–Adar index, with the shared neighbours that justify them.",
    },
    "net_unknown_format": {"fr": "Format de réseau inconnu", "en": "Unknown network format"},
    "net_unknown_table": {"fr": "Table inconnue", "en": "Unknown table"},
    "net_nodes": {"fr": "nœuds", "en": "nodes"},
    "net_edges": {"fr": "liens", "en": "edges"},
    "net_density": {"fr": "densité", "en": "density"},
    "net_components": {"fr": "composantes", "en": "components"},
    "net_modularity": {"fr": "modularité", "en": "modularity"},
    "net_communities": {"fr": "communautés", "en": "communities"},
    "net_community": {"fr": "Communauté", "en": "Community"},
    "net_broker": {"fr": "Passeur entre communautés", "en": "Broker between communities"},
    "net_yes": {"fr": "oui", "en": "yes"},
    "net_no": {"fr": "non", "en": "no"},
    "net_neighbours": {"fr": "Voisins", "en": "Neighbours"},
    "net_suggestions": {"fr": "Collaborations suggérées", "en": "Suggested collaborations"},
    "net_shared": {"fr": "en commun :", "en": "shared:"},
    "net_open_page": {"fr": "Ouvrir la page", "en": "Open the page"},
    "net_no_suggestion": {"fr": "Aucune suggestion.", "en": "No suggestion."},
    "net_pick_node": {
        "fr": "Cliquez sur un nœud pour voir ses mesures, ses voisins et les collaborations suggérées.",
        "en": "Click a node to see its metrics, neighbours and suggested collaborations.",
    },
    "net_loading": {"fr": "Chargement du réseau…", "en": "Loading the network…"},
    "net_load_failed": {
        "fr": "Le réseau n'a pas pu être chargé",
        "en": "The network could not be loaded",
    },
    "net_no_match": {"fr": "Aucun nœud ne correspond.", "en": "No node matches."},
    "net_degree": {"fr": "Degré", "en": "Degree"},
    "net_weighted_degree": {"fr": "Degré pondéré", "en": "Weighted degree"},
    "net_betweenness": {"fr": "Intermédiation", "en": "Betweenness"},
    "net_closeness": {"fr": "Proximité", "en": "Closeness"},
    "net_eigenvector": {"fr": "Centralité de vecteur propre", "en": "Eigenvector centrality"},
    "net_kind": {"fr": "Type d'organisation", "en": "Organisation kind"},
    "net_sphere": {"fr": "Sphère", "en": "Sphere"},
    "net_weight": {"fr": "poids", "en": "weight"},
    "net_innovation": {"fr": "Innovation sociale", "en": "Social innovation"},
    "net_need": {"fr": "Besoin social", "en": "Social need"},
    "net_event": {"fr": "Étape ou événement", "en": "Stage or event"},
    "net_edition_node": {"fr": "Édition", "en": "Edition"},
    "net_organisation": {"fr": "Organisation", "en": "Organisation"},
    # map page and layers (endpoint/views/map.py)
    "map_title": {"fr": "Carte des innovations sociales", "en": "Map of the social innovations"},
    "map_intro": {
        "fr": "Les innovations sociales et les étapes du rallye en Franche-Comté. Les points proches sont regroupés ; zoomez ou cliquez sur un groupe pour les séparer, puis sur un point pour ouvrir sa fiche.",
        "en": "The social innovations and the rally's stages in Franche-Comté. Nearby points are grouped; zoom in or click a group to split it, then click a point to open its card.",
    },
    "map_colour_by": {"fr": "Couleur selon", "en": "Colour by"},
    "map_need": {"fr": "Besoin", "en": "Need"},
    "map_sphere": {"fr": "Sphère", "en": "Sphere"},
    "map_edition": {"fr": "Édition", "en": "Edition"},
    "map_status": {"fr": "Statut", "en": "Status"},
    "map_all": {"fr": "Tous", "en": "All"},
    "map_innovations": {"fr": "innovations", "en": "innovations"},
    "map_stages": {"fr": "étapes", "en": "stages"},
    "map_stage": {"fr": "Étape n°", "en": "Stage no."},
    "map_date": {"fr": "Date", "en": "Date"},
    "map_shown": {"fr": "affichées", "en": "shown"},
    "map_carrier": {"fr": "Porteur", "en": "Carrier"},
    "map_place": {"fr": "Lieu", "en": "Place"},
    "map_open_page": {"fr": "Ouvrir la fiche", "en": "Open the page"},
    "map_organisers": {"fr": "Organisateurs", "en": "Organisers"},
    "map_presented": {"fr": "Innovations présentées", "en": "Innovations presented"},
    "map_located_by": {"fr": "Placée d'après", "en": "Placed from"},
    "map_located_own": {"fr": "ses coordonnées", "en": "its coordinates"},
    "map_located_place": {"fr": "son lieu", "en": "its place"},
    "map_located_carrier-place": {"fr": "le lieu de son porteur", "en": "its carrier's place"},
    "map_located_department": {
        "fr": "le centre de son département",
        "en": "the centre of its department",
    },
    "map_located_carrier-department": {
        "fr": "le centre du département de son porteur",
        "en": "the centre of its carrier's department",
    },
    "map_loading": {"fr": "Chargement de la carte…", "en": "Loading the map…"},
    "map_load_failed": {
        "fr": "La carte n'a pas pu être chargée",
        "en": "The map could not be loaded",
    },
    "map_unlocated": {"fr": "sans lieu connu", "en": "without a known place"},
    "map_none": {"fr": "non renseigné", "en": "not given"},
    "map_departments": {"fr": "Départements", "en": "Departments"},
    "map_unknown_layer": {"fr": "Couche de carte inconnue", "en": "Unknown map layer"},
    "map_located_region": {"fr": "le centre de la région", "en": "the centre of the region"},
    "map_located_carrier-region": {
        "fr": "le centre de la région de son porteur",
        "en": "the centre of its carrier's region",
    },
    "map_located_stage": {
        "fr": "le lieu de l'étape où elle a été présentée",
        "en": "the place of the stage where it was presented",
    },
    "net_unknown_kind": {"fr": "Type de réseau inconnu", "en": "Unknown network kind"},
    "net_unknown_edition": {
        "fr": "Édition absente des données",
        "en": "No such edition in the data",
    },
    "net_unknown_mode": {"fr": "Vue inconnue", "en": "Unknown view"},
    "net_bad_top": {
        "fr": "top doit être un entier positif, pas",
        "en": "top must be a positive integer, not",
    },
    "net_shown_of": {
        "fr": "{n} nœuds les plus liés dessinés sur {total} (téléchargez le réseau complet)",
        "en": "the {n} best-connected nodes drawn of {total} (download the whole network)",
    },
    "map_notes": {
        "fr": "Les données de la carte en GeoJSON (RFC 7946), pour tout SIG :",
        "en": "The map's data as GeoJSON (RFC 7946), for any GIS:",
    },
    "map_attribution": {
        "fr": "Contours : IGN – Admin Express COG 2018 ; INSEE COG 2018 ; via gregoiredavid/france-geojson (Licence Ouverte).",
        "en": "Outlines: IGN – Admin Express COG 2018; INSEE COG 2018; via gregoiredavid/france-geojson (Licence Ouverte).",
    },
    # named queries (endpoint/views/api.py, templates/queries.html)
    "nq_intro": {
        "fr": "Des requêtes SPARQL prêtes à l'emploi, avec des paramètres. Chacune est aussi un appel d'API qui répond en JSON ou en CSV, et un fichier queries/*.rq que l'on peut ouvrir dans l'éditeur SPARQL.",
        "en": "Ready-made SPARQL queries with parameters. Each one is also an API call answering JSON or CSV, and a queries/*.rq file you can open in the SPARQL editor.",
    },
    "nq_api": {"fr": "Liste en JSON", "en": "List as JSON"},
    "nq_openapi": {"fr": "Description OpenAPI", "en": "OpenAPI description"},
    "nq_params": {"fr": "Paramètres", "en": "Parameters"},
    "nq_no_params": {"fr": "Aucun paramètre.", "en": "No parameters."},
    "nq_optional": {"fr": "facultatif", "en": "optional"},
    "nq_required": {"fr": "obligatoire", "en": "required"},
    "nq_default": {"fr": "défaut", "en": "default"},
    "nq_about": {"fr": "Description", "en": "Description"},
    "nq_all": {"fr": "(tous)", "en": "(all)"},
    "nq_run": {"fr": "Exécuter", "en": "Run"},
    "nq_results": {"fr": "Résultats", "en": "Results"},
    "nq_rows": {"fr": "ligne(s)", "en": "row(s)"},
    "nq_shown": {"fr": "lignes affichées :", "en": "rows shown:"},
    "nq_truncated": {
        "fr": "Résultat tronqué à la limite du serveur.",
        "en": "Result cut at the server's limit.",
    },
    "nq_no_rows": {"fr": "Aucune ligne.", "en": "No rows."},
    "nq_editor": {"fr": "Ouvrir dans l'éditeur SPARQL", "en": "Open in the SPARQL editor"},
    "nq_all_queries": {"fr": "Toutes les requêtes nommées", "en": "All named queries"},
    "sparql_title": {"fr": "Point d'accès SPARQL", "en": "SPARQL endpoint"},
    "sparql_intro": {
        "fr": "Écrivez une requête SPARQL, ou partez d'une requête nommée ci-dessous. Le point d'accès est en lecture seule et sert les graphes publics ; les programmes l'interrogent selon le protocole SPARQL 1.1 (JSON, XML, CSV, TSV ; Turtle, N-Triples, JSON-LD, RDF/XML).",
        "en": "Write a SPARQL query, or start from a named query below. The endpoint is read-only and serves the public graphs; programs query it with the SPARQL 1.1 Protocol (JSON, XML, CSV, TSV; Turtle, N-Triples, JSON-LD, RDF/XML).",
    },
    "sparql_address": {"fr": "Adresse :", "en": "Address:"},
    "sparql_limits": {
        "fr": "une requête est arrêtée après %(timeout)s s et renvoie au plus %(rows)s lignes.",
        "en": "a query is stopped after %(timeout)s s and returns at most %(rows)s rows.",
    },
    "sparql_no_examples": {"fr": "Aucune requête nommée.", "en": "No named query."},
    # catalog, downloads, curator (endpoint/views/catalog.py, download.py, curator.py)
    "cat_title": {"fr": "Catalogue des données", "en": "Data catalog"},
    "cat_intro": {
        "fr": "La description DCAT-AP 3.0 du jeu de données Rally'nov, de ses distributions et de son point d'accès SPARQL, telle que la moissonnent data.gouv.fr, data.europa.eu et les portails CKAN. Les mêmes informations existent en Turtle, JSON-LD et RDF/XML, et la description VoID donne les statistiques et les liens vers d'autres jeux de données.",
        "en": "The DCAT-AP 3.0 description of the Rally'nov dataset, its distributions and its SPARQL endpoint, as data.gouv.fr, data.europa.eu and CKAN portals harvest it. The same information exists as Turtle, JSON-LD and RDF/XML, and the VoID description gives the statistics and the links to other datasets.",
    },
    "cat_identifier": {"fr": "Identifiant", "en": "Identifier"},
    "cat_publisher": {"fr": "Éditeur", "en": "Publisher"},
    "cat_creators": {"fr": "Auteurs", "en": "Creators"},
    "cat_access": {"fr": "Accès", "en": "Access"},
    "cat_public": {"fr": "public", "en": "public"},
    "cat_temporal": {"fr": "Période couverte", "en": "Temporal coverage"},
    "cat_spatial": {"fr": "Territoire couvert", "en": "Spatial coverage"},
    "cat_themes": {"fr": "Thèmes", "en": "Themes"},
    "cat_keywords": {"fr": "Mots-clés", "en": "Keywords"},
    "cat_conforms": {"fr": "Conforme à", "en": "Conforms to"},
    "cat_contact": {"fr": "Contact", "en": "Contact"},
    "cat_services": {"fr": "Services", "en": "Services"},
    "cat_distributions": {"fr": "Distributions", "en": "Distributions"},
    "cat_file": {"fr": "Fichier", "en": "File"},
    "cat_description": {"fr": "Contenu", "en": "Content"},
    "cat_format": {"fr": "Format", "en": "Format"},
    "cat_size": {"fr": "Taille (octets)", "en": "Size (bytes)"},
    "cat_void": {
        "fr": "Statistiques (triplets, entités, classes, propriétés), vocabulaires utilisés et ensembles de liens vers Wikidata, l'INSEE et les thèmes de l'UE :",
        "en": "Statistics (triples, entities, classes, properties), vocabularies used and linksets to Wikidata, INSEE and the EU data themes:",
    },
    "dl_title": {"fr": "Téléchargements", "en": "Downloads"},
    "dl_intro": {
        "fr": "Le graphe public complet (données et vocabulaires) dans les formats RDF usuels, compressés ou non, et les tables qu'un tableur ouvre directement. Les coordonnées des personnes n'en font jamais partie.",
        "en": "The whole public graph (data and vocabularies) in the usual RDF formats, compressed or not, and the tables a spreadsheet opens directly. People's contact details are never part of them.",
    },
    "dl_catalog": {
        "fr": "Chaque fichier est décrit dans le",
        "en": "Each file is described in the",
    },
    "dl_group_rdf": {"fr": "Graphe RDF complet", "en": "Whole RDF graph"},
    "dl_group_csv": {"fr": "Tables CSV", "en": "CSV tables"},
    "dl_group_geojson": {"fr": "Carte (GeoJSON)", "en": "Map (GeoJSON)"},
    "dl_group_gexf": {"fr": "Réseaux (GEXF)", "en": "Networks (GEXF)"},
    "dl_licence": {
        "fr": "Licence, provenance et couverture : voir le",
        "en": "Licence, provenance and coverage: see the",
    },
    "dl_size": {"fr": "Taille", "en": "Size"},
    "dl_unknown": {"fr": "Fichier inconnu", "en": "Unknown file"},
    "dl_see_index": {"fr": "la liste est sur", "en": "the list is at"},
    "cur_disabled": {
        "fr": "Aucune ressource publiée à cette adresse.",
        "en": "No published resource at this address.",
    },
    "cur_token_missing": {
        "fr": "Accès réservé aux curateurs : envoyez l'en-tête Authorization: Bearer <jeton>.",
        "en": "Curators only: send the header Authorization: Bearer <token>.",
    },
    "cur_token_wrong": {
        "fr": "Jeton de curateur refusé.",
        "en": "Curator token refused.",
    },
    "nq_prev": {"fr": "Page précédente", "en": "Previous page"},
    "nq_next": {"fr": "Page suivante", "en": "Next page"},
    "net_sample_of": {
        "fr": "échantillon de {n} nœuds sur {total} : les {orgs} organisations les plus liées et les {items} éléments les plus liés à elles (téléchargez le réseau complet)",
        "en": "a sample of {n} of {total} nodes: the {orgs} best-connected organisations and the {items} items most linked to them (download the whole network)",
    },
    "net_edges_shown_of": {
        "fr": "les {n} liens les plus forts dessinés sur {total}",
        "en": "the {n} strongest links drawn of {total}",
    },
    "net_capped": {
        "fr": "réseau plafonné : un élément partagé par plus de {k} organisations ne relie que ses {k} organisations les plus actives ({n} organisations ont perdu des liens)",
        "en": "capped network: an item shared by more than {k} organisations only links its {k} most active organisations ({n} organisations lost ties)",
    },
    "map_cluster_here": {"fr": "innovations à cet endroit", "en": "innovations at this place"},
    "map_cluster_more": {
        "fr": "et {n} autres : filtrez pour les voir",
        "en": "and {n} more: filter to see them",
    },
    "map_stages_here": {"fr": "étapes à cet endroit", "en": "stages at this place"},
    "map_bad_parameter": {"fr": "Paramètre de carte invalide", "en": "Invalid map parameter"},
}


def current_lang() -> str:
    lang = getattr(g, "lang", None)
    if lang:
        return str(lang)
    asked = request.args.get("lang") or request.cookies.get("lang")
    if asked not in LANGS:
        asked = request.accept_languages.best_match(LANGS) or "fr"
    g.lang = asked
    return asked


def t(key: str) -> str:
    """The message ``key`` in the current language (the key itself if unknown)."""
    return MESSAGES.get(key, {}).get(current_lang(), key)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        t=t, current_lang=current_lang, other_lang=lambda: "en" if current_lang() == "fr" else "fr"
    )

    @app.after_request
    def _remember(response: Response) -> Response:
        asked = request.args.get("lang")
        if asked in LANGS:
            response.set_cookie("lang", asked, samesite="Lax")
        if response.mimetype == "text/html":
            response.headers.add("Vary", "Accept-Language, Cookie")
        return response

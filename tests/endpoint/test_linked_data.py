"""Dereferenceable URIs and resource documents, on the tiny dataset of tests/data/mini.

To the mini dataset the fixture adds an innovation whose label is a script and whose URL is a
``javascript:`` IRI (both must reach the page as inert text), and a restricted graph that the
public routes must never show.
"""

from __future__ import annotations

import json
import re
import warnings
from html import unescape as html_unescape
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from endpoint.app import create_app
from endpoint.store import EmbeddedStore
from loaders import build_graphs
from loaders.iris import RALLY, RESTRICTED_GRAPH, SCHEMA, WGS
from loaders.validation import grid_matrix

MINI = Path(__file__).parent.parent / "data" / "mini"
ID = Namespace("https://w3id.org/rallynov/id/")
LEGENI = ID["innovation/legeni"]
BESANCON = ID["place/besancon"]
XSS = ID["innovation/xss-test"]
SECRET = ID["contact/secret-person"]
SCRIPT = "<script>alert(1)</script>"
PLACE_SCRIPT = '</script><script>alert(3)</script>\' "quoted"'
FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}


@pytest.fixture(scope="module")
def mini_graphs() -> dict[URIRef, Graph]:
    graphs = build_graphs([MINI], include_default=False).named_graphs()
    public = next(g for name, g in graphs.items() if name.endswith("/public"))
    public.add((XSS, RDF.type, RALLY.SocialInnovation))
    public.add((XSS, RDFS.label, Literal(SCRIPT, lang="fr")))
    public.add((XSS, SCHEMA.url, URIRef("javascript:alert(2)")))
    public.add((XSS, RALLY.carrier, ID["organisation/cress"]))
    elsewhere = ID["place/elsewhere"]  # a place with coordinates that legeni does not link to
    public.add((elsewhere, RDFS.label, Literal("Elsewhere")))
    public.add((elsewhere, WGS.lat, Literal("47.5", datatype=XSD.decimal)))
    public.add((elsewhere, WGS.long, Literal("6.5", datatype=XSD.decimal)))
    xss_place = ID["place/xss-place"]  # its label travels in the map's JSON attribute
    public.add((xss_place, RDFS.label, Literal(PLACE_SCRIPT)))
    public.add((xss_place, WGS.lat, Literal("47.0", datatype=XSD.decimal)))
    public.add((xss_place, WGS.long, Literal("6.0", datatype=XSD.decimal)))
    public.add((XSS, RALLY.location, xss_place))
    graphs[RESTRICTED_GRAPH].add((SECRET, SCHEMA.telephone, Literal("+33 0 00 00 00 00")))
    graphs[RESTRICTED_GRAPH].add((SECRET, RALLY.contactOf, ID["organisation/cress"]))
    return graphs


@pytest.fixture(scope="module")
def public_graph(mini_graphs: dict[URIRef, Graph]) -> Graph:
    merged = Graph()
    for name, graph in mini_graphs.items():
        if name != RESTRICTED_GRAPH:
            merged += graph
    return merged


@pytest.fixture(scope="module")
def mini_app(mini_graphs: dict[URIRef, Graph]):  # type: ignore[no-untyped-def]
    store = EmbeddedStore()
    store.publish(mini_graphs)
    return create_app({"TESTING": True, "STORE_OBJECT": store})


@pytest.fixture()
def mini_client(mini_app):  # type: ignore[no-untyped-def]
    """A fresh client per test: the language cookie of one test must not leak into the next."""
    return mini_app.test_client()


def parse(data: bytes, ext: str) -> Graph:
    with warnings.catch_warnings():
        # rdflib 7's JSON-LD parser uses its own deprecated ConjunctiveGraph internally.
        warnings.simplefilter("ignore", DeprecationWarning)
        return Graph().parse(data=data, format=FORMATS[ext])


def about(graph: Graph, iri: URIRef) -> Graph:
    """The triples with ``iri`` as subject or object."""
    found = Graph()
    for triple in graph.triples((iri, None, None)):
        found.add(triple)
    for triple in graph.triples((None, None, iri)):
        found.add(triple)
    return found


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "location"),
    [
        (None, "/doc/innovation/legeni"),
        ("*/*", "/doc/innovation/legeni"),
        (BROWSER, "/doc/innovation/legeni"),
        ("text/html", "/doc/innovation/legeni"),
        ("text/turtle", "/doc/innovation/legeni.ttl"),
        ("application/n-triples", "/doc/innovation/legeni.nt"),
        ("application/ld+json", "/doc/innovation/legeni.jsonld"),
        ("application/rdf+xml", "/doc/innovation/legeni.rdf"),
        ("text/turtle;q=0.5, application/rdf+xml", "/doc/innovation/legeni.rdf"),
        ("text/html;q=0.1, application/ld+json;q=0.9", "/doc/innovation/legeni.jsonld"),
    ],
)
def test_id_answers_303_to_the_document_in_the_format_asked(mini_client, accept, location):  # type: ignore[no-untyped-def]
    headers = {"Accept": accept} if accept else {}
    response = mini_client.get("/id/innovation/legeni", headers=headers)
    assert response.status_code == 303
    assert response.headers["Location"] == location
    assert "Accept" in response.headers["Vary"]


def test_id_keeps_the_language_asked(mini_client) -> None:  # type: ignore[no-untyped-def]
    response = mini_client.get("/id/place/besancon?lang=en", headers={"Accept": "text/html"})
    assert response.headers["Location"] == "/doc/place/besancon?lang=en"


def test_id_refuses_a_format_it_cannot_give(mini_client) -> None:  # type: ignore[no-untyped-def]
    response = mini_client.get("/id/innovation/legeni", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("ext", sorted(FORMATS))
@pytest.mark.parametrize("iri", [LEGENI, BESANCON, ID["organisation/cress"]])
def test_doc_serves_the_resource_triples_in_every_format(
    mini_client, public_graph: Graph, ext: str, iri: URIRef
) -> None:  # type: ignore[no-untyped-def]
    path = "/doc/" + str(iri).split("/id/", 1)[1]
    response = mini_client.get(f"{path}.{ext}")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    graph = parse(response.data, ext)
    assert isomorphic(about(graph, iri), about(public_graph, iri))


def test_doc_carries_the_labels_of_linked_resources(mini_client) -> None:  # type: ignore[no-untyped-def]
    graph = parse(mini_client.get("/doc/innovation/legeni.ttl").data, "ttl")
    cress = ID["organisation/cress"]
    assert (cress, RDFS.label, None) in graph
    place_label = graph.value(BESANCON, RDFS.label)
    assert str(place_label) == "Besançon"
    assert (
        URIRef(RALLY.SocialInnovation),
        RDFS.label,
        Literal("social innovation", lang="en"),
    ) in graph


def test_doc_keeps_canonical_iris_in_rdf(mini_client) -> None:  # type: ignore[no-untyped-def]
    text = mini_client.get("/doc/innovation/legeni.nt").data.decode()
    assert "<https://w3id.org/rallynov/id/innovation/legeni>" in text
    assert "localhost" not in text


def test_html_page_shows_label_types_properties_and_incoming_links(mini_client) -> None:  # type: ignore[no-untyped-def]
    html = mini_client.get("/doc/place/besancon?lang=en").data.decode()
    assert '<h1 class="resource-label">Besançon</h1>' in html
    assert ">commune</a>" in html  # rally:Commune, labelled from the ontology
    assert 'href="/def#Commune"' in html
    # incoming: the innovation located here, with its label, linked locally
    assert 'href="/id/innovation/legeni"' in html
    assert "Gouvernance sans chef de production" in html
    assert 'href="https://w3id.org/rallynov/id/' not in html
    for ext in FORMATS:
        assert f'href="/doc/place/besancon.{ext}"' in html


def test_html_page_of_an_innovation(mini_client) -> None:  # type: ignore[no-untyped-def]
    html = mini_client.get(
        "/doc/innovation/legeni", headers={"Accept-Language": "en"}
    ).data.decode()
    assert "social innovation" in html
    assert ">carrier</a>" in html
    assert 'href="/id/organisation/cress"' in html
    assert 'href="/vocab/need/c1-rec"' in html
    assert 'id="resource-map"' in html  # its place has wgs:lat / wgs:long
    points = json.loads(html_unescape(re.search(r"data-points='([^']*)'", html)[1]))
    assert points == [
        {"href": "/id/place/besancon", "label": "Besançon", "lat": 47.2378, "long": 6.0241}
    ]
    assert ">description</a>" in html or ">description<" in html  # dct:description, labelled


def test_pages_without_coordinates_have_no_map(mini_client) -> None:  # type: ignore[no-untyped-def]
    html = mini_client.get("/doc/edition/2013").data.decode()
    assert 'id="resource-map"' not in html
    assert "leaflet" not in html


def test_data_strings_are_escaped(mini_client) -> None:  # type: ignore[no-untyped-def]
    html = mini_client.get("/doc/innovation/xss-test").data.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html
    assert "javascript:alert(2)" in html  # shown, as text
    assert "<script>alert(3)" not in html
    points = json.loads(html_unescape(re.search(r"data-points='([^']*)'", html)[1]))
    assert points[0]["label"] == PLACE_SCRIPT
    # and where the label appears as an incoming link's text
    cress = mini_client.get("/doc/organisation/cress").data.decode()
    assert SCRIPT not in cress
    assert "&lt;script&gt;" in cress


@pytest.mark.parametrize(
    "path",
    [
        "/id/innovation/nope",
        "/id/nope/legeni",
        "/id/innovation/Not_A_Slug",
        "/doc/innovation/nope",
        "/doc/innovation/nope.ttl",
        "/doc/innovation/legeni.xyz",
        "/vocab/need/nope",
        "/vocab/need/nope.ttl",
        "/vocab/nope",
        "/vocab/nope.html",
        "/id/contact/secret-person",
    ],
)
def test_unknown_resources_are_404(mini_client, path: str) -> None:  # type: ignore[no-untyped-def]
    response = mini_client.get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404
    page = mini_client.get(path, headers={"Accept": BROWSER})
    assert page.status_code == 404
    assert page.mimetype == "text/html"


def test_restricted_graph_never_shows(mini_client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/doc/organisation/cress.nt", "/doc/organisation/cress"):
        text = mini_client.get(path).data.decode()
        assert "secret-person" not in text
        assert "+33" not in text


def test_pages_in_french_and_english(mini_client) -> None:  # type: ignore[no-untyped-def]
    french = mini_client.get("/doc/innovation/legeni", headers={"Accept-Language": "fr"})
    english = mini_client.get("/doc/innovation/legeni", headers={"Accept-Language": "en-GB,en"})
    assert '<html lang="fr">' in french.data.decode()
    assert "Propriétés" in french.data.decode() and "innovation sociale" in french.data.decode()
    assert '<html lang="en">' in english.data.decode()
    assert "Properties" in english.data.decode() and "social innovation" in english.data.decode()
    switched = mini_client.get("/doc/innovation/legeni?lang=en", headers={"Accept-Language": "fr"})
    assert "Properties" in switched.data.decode()
    assert "Accept-Language" in switched.headers["Vary"]


def test_concepts_dereference(mini_client) -> None:  # type: ignore[no-untyped-def]
    response = mini_client.get("/vocab/need/c1-rec", headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/vocab/need/c1-rec.ttl"
    assert mini_client.get("/vocab/need/c1-rec").headers["Location"] == "/vocab/need/c1-rec.html"
    graph = parse(mini_client.get("/vocab/need/c1-rec.ttl").data, "ttl")
    concept = URIRef("https://w3id.org/rallynov/vocab/need/c1-rec")
    skos = Namespace("http://www.w3.org/2004/02/skos/core#")
    assert (concept, skos.prefLabel, Literal("Recognition at work", lang="en")) in graph
    assert (LEGENI, RALLY.addressesNeed, concept) in graph  # incoming
    html = mini_client.get("/vocab/need/c1-rec.html?lang=en").data.decode()
    assert "Recognition at work" in html
    assert 'href="/id/innovation/legeni"' in html


def test_scheme_page_lists_its_concepts(mini_client) -> None:  # type: ignore[no-untyped-def]
    assert mini_client.get("/vocab/need").headers["Location"] == "/vocab/need.html"
    html = mini_client.get("/vocab/need.html?lang=en").data.decode()
    assert 'href="/vocab/need/need-cla"' in html
    assert 'href="/vocab/need/c1-rec"' in html
    assert html.index('href="/vocab/need/need-cla"') < html.index('href="/vocab/need/c1-rec"')
    graph = parse(mini_client.get("/vocab/need.rdf").data, "rdf")
    assert (URIRef("https://w3id.org/rallynov/vocab/need"), RDF.type, None) in graph


def test_innovation_page_shows_its_grid_column(mini_client) -> None:  # type: ignore[no-untyped-def]
    matrix = grid_matrix(build_graphs([MINI], include_default=False))
    expected = next(row for row in matrix if row["id"] == "legeni")
    html = mini_client.get("/doc/innovation/legeni?lang=en").data.decode()
    rows = re.findall(
        r'<tr class="grid-(met|unmet) depth-\d+">.*?<span class="muted">([A-Z0-9-]+)</span>',
        html,
        re.S,
    )
    shown = {code: state for state, code in rows}
    assert shown == {
        code: "met" if value == "yes" else "unmet"
        for code, value in expected.items()
        if code not in {"id", "name", "status"}
    }
    assert "unmet" in shown.values()  # the mini innovation is only spotted: gaps remain
    assert 'href="/vocab/grid/is-a1"' in html
    assert "Social need addressed" in html
    assert "resource-grid" not in mini_client.get("/doc/place/besancon").data.decode()

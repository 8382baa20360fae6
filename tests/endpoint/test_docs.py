"""The ontology at /def (pyLODE documentation and RDF), the shapes at /shapes, the /vocab/ index."""

from __future__ import annotations

import re
import warnings
from collections import Counter

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SH

from loaders.paths import resource_dir

FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}
MEDIA = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
RALLY = "https://w3id.org/rallynov/def#"


def parse(data: bytes, ext: str) -> Graph:
    with warnings.catch_warnings():
        # rdflib 7's JSON-LD parser uses its own deprecated ConjunctiveGraph internally.
        warnings.simplefilter("ignore", DeprecationWarning)
        return Graph().parse(data=data, format=FORMATS[ext])


def canonical(graph: Graph) -> set[str]:
    """The graph after RDFC-1.0 canonicalisation (pyoxigraph): equal sets = isomorphic graphs.

    rdflib's ``isomorphic`` needs over a second on the shapes (hundreds of blank nodes).
    """
    data = graph.serialize(format="nt", encoding="utf-8")
    dataset = ox.Dataset(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(resource_dir("ontology") / "rallynov.ttl", format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    graph = Graph()
    for path in sorted(resource_dir("shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def test_def_html_is_generated_by_pylode(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/def", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.data.decode()
    assert '<div id="pylode">' in html and ">3.3.4</a>" in html  # pyLODE's signature
    assert "https://w3id.org/rallynov/def#SocialInnovation" in html


def test_def_html_has_an_anchor_for_every_term(client, ontology: Graph) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/def?lang=en").data.decode()
    ids = Counter(re.findall(r'\bid="([^"]+)"', html))
    assert not [name for name, n in ids.items() if n > 1], "anchors must be unique"
    terms = {str(s)[len(RALLY) :] for s in ontology.subjects() if str(s).startswith(RALLY)}
    assert terms and not sorted(t for t in terms if ids[t] == 0)
    # links inside the page land on anchors of the page
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert targets and not targets - set(ids)


def test_def_html_loads_nothing_from_the_internet(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/def").data.decode()
    for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html):
        for url in re.findall(r'(?:src|href)="([^"]*)"', tag):
            assert url.startswith(("data:", "/")), tag[:120]
    assert "@import" not in html
    assert 'href="https://w3id.org/rallynov/def#' not in html  # our terms link inside the page


def test_def_in_french_and_english(client) -> None:  # type: ignore[no-untyped-def]
    french = client.get("/def", headers={"Accept": "text/html", "Accept-Language": "fr"})
    english = client.get("/def?lang=en", headers={"Accept": "text/html"})
    assert "<title>Ontologie Rally'nov" in french.data.decode()
    assert "<title>Rally'nov ontology" in english.data.decode()
    assert "innovation sociale" in french.data.decode()
    assert "Ontologie Rally'nov" not in english.data.decode()


def test_def_turtle_is_the_ontology(client, ontology: Graph) -> None:  # type: ignore[no-untyped-def]
    for response in (client.get("/def.ttl"), client.get("/def", headers={"Accept": "text/turtle"})):
        assert response.status_code == 200
        assert response.mimetype == "text/turtle"
        assert isomorphic(parse(response.data, "ttl"), ontology)


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_def_in_every_rdf_format(client, ontology: Graph, ext: str) -> None:  # type: ignore[no-untyped-def]
    by_ext = client.get(f"/def.{ext}")
    by_accept = client.get("/def", headers={"Accept": MEDIA[ext]})
    for response in (by_ext, by_accept):
        assert response.mimetype == MEDIA[ext]
        assert isomorphic(parse(response.data, ext), ontology)
    assert "Accept" in by_accept.headers["Vary"]


def test_def_unknown_format_is_404(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/def.xyz").status_code == 404
    assert client.get("/def", headers={"Accept": "image/png"}).status_code == 406


def test_shapes_turtle_by_default(client, shapes: Graph) -> None:  # type: ignore[no-untyped-def]
    for response in (client.get("/shapes"), client.get("/shapes", headers={"Accept": "*/*"})):
        assert response.status_code == 200
        assert response.mimetype == "text/turtle"
        graph = parse(response.data, "ttl")
        assert canonical(graph) == canonical(shapes)
        assert any(graph.subjects(RDF.type, SH.NodeShape))


@pytest.mark.parametrize("ext", ["nt", "jsonld", "rdf"])
def test_shapes_in_other_formats(client, shapes: Graph, ext: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/shapes", headers={"Accept": MEDIA[ext]})
    assert response.mimetype == MEDIA[ext]
    expected = canonical(shapes)
    assert canonical(parse(response.data, ext)) == expected
    assert canonical(parse(client.get(f"/shapes.{ext}").data, ext)) == expected


def test_shapes_html_for_browsers(client, shapes: Graph) -> None:  # type: ignore[no-untyped-def]
    browser = "text/html,application/xhtml+xml,*/*;q=0.8"
    french = client.get("/shapes", headers={"Accept": browser, "Accept-Language": "fr"})
    english = client.get("/shapes?lang=en", headers={"Accept": browser})
    assert french.mimetype == "text/html"
    name = URIRef("https://w3id.org/rallynov/shapes#InnovationName")
    labels = {o.language: str(o) for o in shapes.objects(name, SH.name)}
    assert f">{labels['fr']}<" in french.data.decode()
    assert f">{labels['en']}<" in english.data.decode()
    assert 'href="/def#SocialInnovation"' in english.data.decode()
    assert 'href="/shapes.ttl"' in english.data.decode()


def test_vocabularies_index(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/vocab/?lang=en").data.decode()
    for scheme in ("need", "theme", "grid", "sphere", "status"):
        assert f'href="/vocab/{scheme}"' in html
    assert "Social needs and domains" in html
    assert client.get("/vocab").status_code in (301, 308)

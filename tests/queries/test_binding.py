"""Parameters reach SPARQL only as escaped RDF terms in a VALUES block: typed, checked, and
unable to change the structure of the query whatever text they carry."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from endpoint.named_queries import (
    XSD,
    NamedQuery,
    Param,
    ParameterError,
    bind_parameters,
    where_brace,
)
from loaders.iris import ID

INJECTIONS = [
    '"} ; DROP ALL',
    '"} UNION { ?s ?p ?o } #',
    "> } UNION { ?s ?p ?o",
    "'} } SELECT * WHERE { ?s ?p ?o }",
    '"""\n} ; DELETE WHERE { ?s ?p ?o }',
    '\\" } #',
    "</script><script>alert(1)</script>",
]


def echo(text: str) -> list[str]:
    """Run ``SELECT ?x WHERE {}`` with ?x bound to ``text``; the values it answers."""
    store = ox.Store()
    sparql = bind_parameters("SELECT ?x WHERE { }", {"x": Param("x", "string").to_term(text)})
    return [row["x"].value for row in store.query(sparql)]  # type: ignore[union-attr]


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_attempts_stay_one_string_literal(text: str) -> None:
    assert echo(text) == [text]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=60))
def test_any_text_round_trips_as_a_literal(text: str) -> None:
    assert echo(text) == [text]


def test_injection_cannot_reach_other_triples() -> None:
    store = ox.Store()
    secret = ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal("secret"))
    store.add(secret)
    template = "SELECT ?o WHERE { ?s <http://x/p> ?o FILTER(?o = ?text) }"
    for text in INJECTIONS:
        sparql = bind_parameters(template, {"text": Param("text", "string").to_term(text)})
        assert list(store.query(sparql)) == []


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("iri", "http://x/a> } UNION { ?s ?p ?o"),
        ("iri", "not an iri"),
        ("iri", "javascript alert(1)"),
        ("id:organisation", "cress> } UNION { ?s ?p ?o"),
        ("id:organisation", "https://w3id.org/rallynov/id/person/someone"),
        ("code:need", 'D-EMP" } #'),
        ("integer", "1 } UNION {"),
        ("year", "2013 }"),
        ("date", "2013-02-30"),
        ("decimal", "1e5; DROP"),
    ],
)
def test_values_that_are_not_of_the_type_are_refused(kind: str, raw: str) -> None:
    with pytest.raises(ParameterError) as error:
        Param("p", kind).to_term(raw)
    assert "parameter 'p'" in str(error.value)
    assert "expected" in str(error.value)


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("integer", "012", f'"12"^^<{XSD}integer>'),
        ("decimal", "2.5", f'"2.5"^^<{XSD}decimal>'),
        ("date", "2013-04-08", f'"2013-04-08"^^<{XSD}date>'),
        ("year", "2013", f'"2013"^^<{XSD}gYear>'),
        ("string", 'a "b"', '"a \\"b\\""'),
        ("iri", "https://example.org/x", "<https://example.org/x>"),
        ("code:need", "d-emp", "<https://w3id.org/rallynov/vocab/need/d-emp>"),
        (
            "code:need",
            "https://w3id.org/rallynov/vocab/need/d-emp",
            "<https://w3id.org/rallynov/vocab/need/d-emp>",
        ),
        ("id:organisation", "cress", f"<{ID}organisation/cress>"),
        ("id:organisation", f"{ID}organisation/cress", f"<{ID}organisation/cress>"),
    ],
)
def test_values_become_typed_rdf_terms(kind: str, raw: str, expected: str) -> None:
    assert str(Param("p", kind).to_term(raw)) == expected


def test_enum_limits_the_values() -> None:
    lang = Param("lang", "string", "fr", enum=("fr", "en"))
    assert str(lang.to_term("en")) == '"en"'
    with pytest.raises(ParameterError, match="one of fr, en"):
        lang.to_term("de")


def test_bind_parameters_accepts_only_rdf_terms() -> None:
    with pytest.raises(TypeError):
        bind_parameters("SELECT * WHERE { }", {"x": "raw text"})  # type: ignore[dict-item]
    with pytest.raises(ValueError):
        bind_parameters("SELECT * WHERE { }", {"x } ?y": ox.Literal("a")})


@pytest.mark.parametrize(
    "query",
    [
        "PREFIX ex: <http://x/where#> SELECT ?x WHERE { ?x ex:where ?o }",
        '# a comment { WHERE }\nSELECT ?x WHERE { ?x ?p "WHERE {" }',
        "SELECT ?x { ?x ?p ?o }",
        "SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p ?o } } }",
        "SELECT ?where WHERE { ?where ?p ?o }",
        "PREFIX where: <http://x/> SELECT ?x where { ?x where:p ?o }",
        "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }",
        "SELECT (COUNT(?x) AS ?n) WHERE { ?x ?p ?o FILTER(?o < 3) }",
    ],
)
def test_values_go_to_the_top_of_the_outermost_where(query: str) -> None:
    bound = bind_parameters(query, {"x": ox.NamedNode("http://x/a")})
    brace = where_brace(query)
    assert query[brace] == "{"
    assert bound[: brace + 1] == query[: brace + 1]
    assert bound[brace + 1 :].lstrip().startswith("VALUES ?x { <http://x/a> }")
    ox.Store().query(bound)  # still valid SPARQL


def test_binding_is_seen_by_aggregates() -> None:
    store = ox.Store()
    for n in range(3):
        store.add(ox.Quad(ox.NamedNode(f"http://x/{n}"), ox.NamedNode("http://x/p"), ox.Literal(n)))
    query = "SELECT (COUNT(?s) AS ?n) WHERE { ?s <http://x/p> ?v FILTER(?v >= ?min) }"
    sparql = bind_parameters(query, {"min": Param("min", "integer").to_term("1")})
    assert [row["n"].value for row in store.query(sparql)] == ["2"]  # type: ignore[union-attr]


def test_an_optional_parameter_left_out_matches_anything() -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal("v")))
    sparql = bind_parameters("SELECT ?s WHERE { ?s <http://x/p> ?v }", {"v": None})
    assert "UNDEF" in sparql
    assert len(list(store.query(sparql))) == 1  # type: ignore[arg-type]


def make_query(*params: Param) -> NamedQuery:
    text = "SELECT * WHERE { " + " ".join(f"?s ?p ?{p.name} ." for p in params) + " }"
    return NamedQuery("q", {"fr": "q", "en": "q"}, {"fr": "q", "en": "q"}, params, text, None)  # type: ignore[arg-type]


def test_unknown_missing_and_badly_typed_parameters_are_named() -> None:
    query = make_query(Param("edition", "year"), Param("lang", "string", "fr"))
    with pytest.raises(ParameterError, match="unknown parameter 'foo'.*edition \\(year\\)"):
        query.terms({"edition": "2013", "foo": "1"})
    with pytest.raises(ParameterError, match="parameter 'edition' is required; expected a year"):
        query.terms({})
    with pytest.raises(ParameterError, match="'edition': 'abc' is not valid; expected a year"):
        query.terms({"edition": "abc"})
    used, terms = query.terms({"edition": "2014"})
    assert used == {"edition": "2014", "lang": "fr"}
    assert str(terms["lang"]) == '"fr"'

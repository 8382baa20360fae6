"""Facts of the brochures, asked of the built graph with SPARQL (the brochures are the authority)."""

from __future__ import annotations

from endpoint.store import EmbeddedStore

PREFIXES = """PREFIX rally: <https://w3id.org/rallynov/def#>
PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
"""


def _rows(store: EmbeddedStore, query: str) -> list[tuple[str, ...]]:
    results = store.query(PREFIXES + query)
    names = [v.value for v in results.variables]  # type: ignore[union-attr]
    return [tuple(row[n].value if row[n] is not None else "" for n in names) for row in results]


def test_the_nine_2013_stages_with_dates_and_cities(bundled_store: EmbeddedStore) -> None:
    rows = _rows(
        bundled_store,
        """SELECT ?n ?day ?city WHERE {
             ?stage a rally:Stage ; rally:stageNumber ?n ; schema:startDate ?start ;
                    rally:edition/rally:year "2013"^^<http://www.w3.org/2001/XMLSchema#gYear> ;
                    rally:location/rdfs:label ?city .
             BIND(SUBSTR(STR(?start), 1, 10) AS ?day) } ORDER BY ?n""",
    )
    assert rows == [
        ("1", "2013-04-08", "Besançon"),
        ("2", "2013-04-11", "Besançon"),
        ("3", "2013-04-23", "Besançon"),
        ("4", "2013-05-29", "Besançon"),
        ("5", "2013-06-11", "Vesoul"),
        ("6", "2013-06-25", "Montbéliard"),
        ("7", "2013-09-05", "Dole"),
        ("8", "2013-09-11", "Champagnole"),
        ("9", "2013-09-26", "Belfort"),
    ]


def _laureates(store: EmbeddedStore, year: str) -> set[str]:
    rows = _rows(
        store,
        f"""SELECT ?carrier WHERE {{
              ?award a rally:Award ; rally:laureate ?innovation ; rally:edition/rally:year ?year .
              ?innovation rally:carrier/schema:name ?carrier .
              FILTER(STR(?year) = "{year}") }}""",
    )
    return {r[0] for r in rows}


def test_five_laureates_in_2013_and_four_in_2014(bundled_store: EmbeddedStore) -> None:
    assert _laureates(bundled_store, "2013") == {
        "Isa France",
        "CBM 25",
        "Afsame",
        "Taco 39",
        "Juralternance",
    }
    laureates_2014 = _laureates(bundled_store, "2014")
    assert len(laureates_2014) == 4
    assert {"Vadapad", "Schrader"} <= laureates_2014


def test_juralternance_won_the_coup_de_coeur_and_prizes_are_2000_euros(
    bundled_store: EmbeddedStore,
) -> None:
    rows = _rows(
        bundled_store,
        """SELECT ?carrier ?amount WHERE {
             ?award rally:awardCategory <https://w3id.org/rallynov/vocab/award-category/aw-coeur> ;
                    rally:prizeAmount ?amount ; rally:laureate/rally:carrier/schema:name ?carrier }""",
    )
    assert rows == [("Juralternance", "2000")]


def test_montbeliard_stage_was_organised_by_the_cress_and_pma(bundled_store: EmbeddedStore) -> None:
    rows = _rows(
        bundled_store,
        """SELECT ?org WHERE {
             ?stage a rally:Stage ; rally:location/rdfs:label "Montbéliard" ; rally:organiser ?o .
             ?o skos:altLabel|schema:name ?org }""".replace(
            "SELECT", "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT"
        ),
    )
    names = {r[0] for r in rows}
    assert "Cress" in names
    assert "Pays de Montbéliard Agglomération" in names


def test_key_figures_of_the_first_edition(bundled_store: EmbeddedStore) -> None:
    rows = _rows(
        bundled_store,
        """SELECT ?code ?value WHERE {
             ?kf a rally:KeyFigure ; rally:measure/<http://www.w3.org/2004/02/skos/core#notation> ?code ;
                 rally:figureValue ?value ; rally:figureOf/rally:year ?year FILTER(STR(?year) = "2013") }""",
    )
    figures = dict(rows)
    assert figures["M-SPOTTED"] == "135"
    assert figures["M-CHARACTERISED"] == "59"
    assert figures["M-APPLICATIONS"] == "45"
    assert figures["M-LAUREATES"] == "5"


def test_every_entity_names_its_source_brochure(bundled_store: EmbeddedStore) -> None:
    rows = _rows(
        bundled_store,
        """SELECT ?s WHERE {
             ?s a ?class FILTER(?class IN (rally:SocialInnovation, rally:Organisation, rally:Event,
                                           rally:Person, rally:Award, rally:Testimony, rally:KeyFigure))
             FILTER NOT EXISTS { ?s dct:source/dct:title ?title } }""",
    )
    assert rows == []


def test_phone_numbers_stay_out_of_the_public_graph(bundled, bundled_store: EmbeddedStore) -> None:  # type: ignore[no-untyped-def]
    phones = {
        str(o)
        for o in bundled.restricted.objects(predicate=None)
        if any(c.isdigit() for c in str(o))
    }
    assert len(bundled.restricted) > 0
    public_text = {str(o) for _, _, o in bundled.public}
    for phone in phones:
        if phone.replace(" ", "").isdigit():
            assert phone not in public_text
    assert _rows(bundled_store, "SELECT ?s WHERE { ?s rally:telephone ?t }") == []

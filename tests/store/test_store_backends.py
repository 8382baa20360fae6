"""One behavioural suite for every store backend: in memory, on disk, and a real Oxigraph server.

The reference is the in-memory store of the bundled dataset (``bundled_store``); every backend
must give the same rows (compared sorted, blank nodes made anonymous), the same result types,
the same isolation of the restricted graph, and isomorphic dumps.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from endpoint.named_queries import load_named_queries
from endpoint.store import EmbeddedStore, Store
from endpoint.store.remote import RemoteStore, StoreUnavailable
from loaders.build import BuildResult
from loaders.errors import StoreError
from loaders.iris import PUBLIC_GRAPH, RESTRICTED_GRAPH, VOCABULARY_GRAPH

StoreFactory = Callable[[], Store]
PUBLIC, RESTRICTED, VOCABULARY = str(PUBLIC_GRAPH), str(RESTRICTED_GRAPH), str(VOCABULARY_GRAPH)
RALLY = "PREFIX rally: <https://w3id.org/rallynov/def#>\n"
QUERIES = {
    "classes": "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c",
    "graphs": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "optional": RALLY
    + """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?i ?label ?need WHERE { ?i a rally:SocialInnovation
          OPTIONAL { ?i rally:addressesNeed ?n . ?n skos:prefLabel ?need FILTER(LANG(?need) = "fr") }
          OPTIONAL { ?i ?p ?label FILTER(ISLITERAL(?label)) } }""",
    "path": "SELECT ?a ?b WHERE { ?a <http://www.w3.org/2004/02/skos/core#broader>+ ?b }",
    "text": 'SELECT ?s ?o WHERE { ?s ?p ?o FILTER(ISLITERAL(?o) && CONTAINS(LCASE(STR(?o)), "vé")) }',
    "langs": "SELECT DISTINCT (LANG(?o) AS ?l) (DATATYPE(?o) AS ?d) WHERE { ?s ?p ?o FILTER ISLITERAL(?o) }",
    "everything": "SELECT * WHERE { ?s ?p ?o }",
}


def rows(results: Any, *, concat: str | None = None) -> list[tuple[str, ...]]:
    """Solutions as sorted tuples of N-Triples terms; blank nodes all read ``_:b``.

    ``concat``: the GROUP_CONCAT separator of the query, whose parts come in no defined order
    (they are sorted before comparing).
    """
    assert isinstance(results, ox.QuerySolutions)
    names = [v.value for v in results.variables]
    return sorted(tuple(_term(solution[n], concat) for n in names) for solution in results)


def _term(term: Any, concat: str | None = None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:b"
    if concat and isinstance(term, ox.Literal) and concat in term.value:
        return concat.join(sorted(term.value.split(concat)))
    return str(term)


def count(
    store: Store, sparql: str = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **kw: Any
) -> int:
    """The ``?n`` of a one-row counting query."""
    return int(next(iter(store.query(sparql, **kw)))["n"].value)  # type: ignore[call-overload]


def graph_counts(store: Store) -> dict[str, int]:
    return {r[0].strip("<>"): int(r[1].split('"')[1]) for r in rows(store.query(QUERIES["graphs"]))}


# -- publishing and meta ---------------------------------------------------------------------------
def test_nothing_is_published_at_first_then_meta_says_what_was(
    new_store: StoreFactory, mini: BuildResult
) -> None:
    store = new_store()
    assert store.meta() is None and store.is_empty()
    meta = store.publish(mini.named_triples())
    assert store.meta() == meta
    assert meta.graphs == {
        PUBLIC: len(mini.public_triples),
        RESTRICTED: len(mini.restricted_triples),
        VOCABULARY: len(mini.vocabulary),
    }
    assert meta.triples == sum(meta.graphs.values())
    assert dt.datetime.strptime(meta.modified, "%Y-%m-%dT%H:%M:%SZ")
    assert count(store) == len(mini.public_triples) + len(mini.vocabulary)


def test_each_publish_changes_the_version_and_replaces_the_data(
    new_store: StoreFactory, mini: BuildResult, bundled: BuildResult
) -> None:
    store = new_store()
    first = store.publish(mini.named_triples())
    second = store.publish(bundled.named_triples())
    assert second.version != first.version
    assert store.meta() == second
    assert graph_counts(store) == {
        PUBLIC: len(bundled.public_triples),
        VOCABULARY: len(bundled.vocabulary),
    }


def test_every_kind_of_term_survives_a_publish(new_store: StoreFactory) -> None:
    """Line breaks, quotes, backslashes, language tags, datatypes, blank nodes, non-ASCII IRIs."""
    ex = "https://example.org/"
    node, inner = BNode(), BNode()
    graph = Graph()
    for triple in [
        (URIRef(ex + "a"), URIRef(ex + "text"), RdfLiteral('two\nlines, "quoted" \\ tab\t, é ✓')),
        (
            URIRef(ex + "a"),
            URIRef(ex + "label"),
            RdfLiteral("Besançon", lang="fr-fr"),
        ),  # tags read back lowercased
        (URIRef(ex + "a"), URIRef(ex + "date"), RdfLiteral("2013-06-25", datatype=XSD.date)),
        (URIRef(ex + "a"), URIRef(ex + "odd"), RdfLiteral("x", datatype=URIRef(ex + "type"))),
        (URIRef(ex + "café/é%20x"), URIRef(ex + "has"), node),
        (node, URIRef(ex + "has"), inner),
        (inner, URIRef(ex + "value"), RdfLiteral(42)),
    ]:
        graph.add(triple)
    store = new_store()
    store.publish({PUBLIC_GRAPH: graph, VOCABULARY_GRAPH: Graph(), RESTRICTED_GRAPH: Graph()})
    out = io.BytesIO()
    store.dump(out, ox.RdfFormat.N_TRIPLES)
    assert isomorphic(Graph().parse(data=out.getvalue(), format="nt"), graph)


def test_a_large_graph_goes_to_the_server_in_several_requests_and_arrives_whole(
    oxigraph: Any,
    remote: Callable[..., RemoteStore],
    bundled: BuildResult,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Graph Store uploads of GSP_CHUNK triples: a PUT, then POSTs that add to it (one request
    of a whole 100k graph outlasted the write timeout); blank nodes stay in one request."""
    import endpoint.store.remote as module

    monkeypatch.setattr(module, "GSP_CHUNK", 500)
    store = remote(oxigraph.url)
    sent: list[tuple[str, int]] = []
    for method in ("put_graph", "add_to_graph"):
        real = getattr(store.http, method)

        def spy(graph: str, body: bytes, real: Any = real, method: str = method) -> Any:
            sent.append((method, body.count(b"\n")))
            return real(graph, body)

        monkeypatch.setattr(store.http, method, spy)
    graph = Graph()
    for triple in bundled.public_triples:
        graph.add(triple)
    node = BNode()
    graph.add((URIRef("https://example.org/a"), URIRef("https://example.org/has"), node))
    graph.add((node, URIRef("https://example.org/value"), RdfLiteral(1)))
    store.publish({PUBLIC_GRAPH: graph, VOCABULARY_GRAPH: Graph(), RESTRICTED_GRAPH: Graph()})
    public = [n for m, n in sent if m == "add_to_graph"]
    assert len(public) >= len(graph) // 500 and max(public) <= 500
    assert sum(n for _, n in sent) == len(graph)
    out = io.BytesIO()
    store.dump(out, ox.RdfFormat.N_TRIPLES)
    assert isomorphic(Graph().parse(data=out.getvalue(), format="nt"), graph)


# -- the same answers on every backend -------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_queries_give_the_same_rows_as_the_reference(
    published: Store, bundled_store: EmbeddedStore, name: str
) -> None:
    expected = rows(bundled_store.query(QUERIES[name]))
    assert expected, "the reference query must find something"
    assert rows(published.query(QUERIES[name])) == expected


def test_every_named_query_gives_the_same_rows_as_the_reference(
    published: Store, bundled_store: EmbeddedStore
) -> None:
    queries = load_named_queries()
    assert len(queries) >= 15
    for name, named in sorted(queries.items()):
        text = named.bound()
        expected = rows(bundled_store.query(text), concat=" ; ")
        assert rows(published.query(text), concat=" ; ") == expected, name


def test_ask_and_construct_give_the_embedded_result_types(
    published: Store, bundled_store: EmbeddedStore
) -> None:
    yes = published.query(RALLY + "ASK { ?s a rally:SocialInnovation }")
    no = published.query("ASK { <http://example.org/nothing> ?p ?o }")
    assert isinstance(yes, ox.QueryBoolean) and bool(yes) is True
    assert isinstance(no, ox.QueryBoolean) and bool(no) is False
    construct = (
        RALLY + "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c FILTER(?c = rally:SocialInnovation) }"
    )
    got = published.query(construct)
    assert isinstance(got, ox.QueryTriples)
    assert set(got) == set(bundled_store.query(construct))  # type: ignore[arg-type]
    describe = published.query(f"DESCRIBE <{next(iter(_subjects(bundled_store)))}>")
    assert isinstance(describe, ox.QueryTriples) and len(list(describe)) > 0


def _subjects(store: EmbeddedStore) -> Iterator[str]:
    for row in store.query(RALLY + "SELECT ?s WHERE { ?s a rally:SocialInnovation } LIMIT 1"):
        yield row["s"].value  # type: ignore[index]


def test_a_malformed_query_is_a_syntax_error_with_its_position(
    published: Store, bundled_store: EmbeddedStore
) -> None:
    bad = "SELECT ?s WHERE { ?s ?p ?o "
    with pytest.raises(SyntaxError) as reference:
        bundled_store.query(bad)
    with pytest.raises(SyntaxError, match=r"^error at 1:\d+: ") as raised:
        published.query(bad)
    assert str(raised.value) == str(reference.value)


def test_graph_clauses_use_the_logical_graph_names(published: Store, bundled: BuildResult) -> None:
    public = len(bundled.public_triples)
    full = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{PUBLIC}> {{ ?s ?p ?o }} }}"
    prefixed = "PREFIX g: <https://w3id.org/rallynov/graph/>\n" + full.replace(
        f"<{PUBLIC}>", "g:public"
    )
    relative = "BASE <https://w3id.org/rallynov/> " + full.replace(f"<{PUBLIC}>", "<graph/public>")
    assert (
        count(published, full) == count(published, prefixed) == count(published, relative) == public
    )
    assert {r[0] for r in rows(published.query(QUERIES["graphs"]))} == {
        f"<{PUBLIC}>",
        f"<{VOCABULARY}>",
    }


# -- the restricted graph --------------------------------------------------------------------------
def test_the_restricted_graph_is_never_visible_to_public_queries(
    published: Store, bundled: BuildResult
) -> None:
    secret = next(str(s) for s, _, _ in bundled.restricted_triples)
    assert secret not in {str(s) for s, _, _ in bundled.public_triples}
    asks = [
        f"ASK {{ <{secret}> ?p ?o }}",
        f"ASK {{ GRAPH ?g {{ <{secret}> ?p ?o }} }}",
        f"ASK FROM <{RESTRICTED}> {{ <{secret}> ?p ?o }}",
        f"ASK FROM NAMED <{RESTRICTED}> {{ GRAPH ?g {{ <{secret}> ?p ?o }} }}",
        f"ASK {{ GRAPH <{RESTRICTED}> {{ ?s ?p ?o }} }}",
    ]
    for ask in asks:
        assert bool(published.query(ask)) is False, ask
    named = rows(
        published.query(f"SELECT DISTINCT ?g FROM NAMED <{RESTRICTED}> WHERE {{ GRAPH ?g {{}} }}")
    )
    assert f"<{RESTRICTED}>" not in {r[0] for r in named}
    # Asking for no graph, or for a graph that is not published, reads as empty.
    assert count(published, default_graph=[], named_graphs=[]) == 0
    assert count(published, default_graph=["http://example.org/other"]) == 0


def test_the_restricted_graph_is_there_when_asked_for_by_name(
    published: Store, bundled: BuildResult
) -> None:
    """The curator path: an explicit dataset naming the restricted graph."""
    assert count(published, default_graph=[RESTRICTED]) == len(bundled.restricted_triples)
    assert graph_counts_named(published, [RESTRICTED]) == {
        RESTRICTED: len(bundled.restricted_triples)
    }


def graph_counts_named(store: Store, named: list[str]) -> dict[str, int]:
    results = store.query(QUERIES["graphs"], default_graph=[], named_graphs=named)
    return {r[0].strip("<>"): int(r[1].split('"')[1]) for r in rows(results)}


# -- dumps -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "fmt, rdflib_format", [(ox.RdfFormat.N_TRIPLES, "nt"), (ox.RdfFormat.RDF_XML, "xml")]
)
def test_a_dump_reads_back_as_the_public_graphs(
    published: Store, bundled: BuildResult, fmt: ox.RdfFormat, rdflib_format: str
) -> None:
    out = io.BytesIO()
    published.dump(out, fmt)
    union = Graph()
    for triple in [*bundled.public_triples, *bundled.vocabulary]:
        union.add(triple)
    assert isomorphic(Graph().parse(data=out.getvalue(), format=rdflib_format), union)


def test_an_nquads_dump_keeps_the_graph_names_and_never_the_restricted_graph(
    published: Store, bundled: BuildResult
) -> None:
    out = io.BytesIO()
    published.dump(out, ox.RdfFormat.N_QUADS)
    dataset = Dataset()
    dataset.parse(data=out.getvalue(), format="nquads")
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} == {PUBLIC, VOCABULARY}
    assert isomorphic(dataset.graph(PUBLIC_GRAPH), bundled.public)
    assert isomorphic(dataset.graph(VOCABULARY_GRAPH), bundled.vocabulary)
    assert RESTRICTED.encode() not in out.getvalue()


# -- a publish that fails midway -------------------------------------------------------------------
class SabotageError(Exception):
    """Raised by the sabotaged loader."""


def break_after_first_graph(store: Store, monkeypatch: pytest.MonkeyPatch) -> type[Exception]:
    """Make the next publish fail after one graph was written; returns what it raises."""
    calls = {"n": 0}
    if isinstance(store, RemoteStore):
        real = store.http.put_graph

        def put_graph(graph: str, body: bytes) -> bool:
            calls["n"] += 1
            if calls["n"] > 1:
                raise StoreUnavailable("the server went away (test)")
            return real(graph, body)

        monkeypatch.setattr(store.http, "put_graph", put_graph)
        return StoreUnavailable
    import endpoint.store.embedded as embedded

    real_ntriples = embedded.ntriples

    def ntriples(triples: Any) -> bytes:
        calls["n"] += 1
        if calls["n"] > 1:
            raise SabotageError("interrupted after the first graph (test)")
        return real_ntriples(triples)

    monkeypatch.setattr(embedded, "ntriples", ntriples)
    return SabotageError


def test_a_publish_failing_midway_leaves_the_published_data_as_it_was(
    new_store: StoreFactory,
    mini: BuildResult,
    bundled: BuildResult,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = new_store()
    before = store.publish(mini.named_triples())
    answers = rows(store.query(QUERIES["everything"]))
    raised = break_after_first_graph(store, monkeypatch)
    with pytest.raises(raised):
        store.publish(bundled.named_triples())
    assert store.meta() == before
    assert rows(store.query(QUERIES["everything"])) == answers
    monkeypatch.undo()
    after = store.publish(bundled.named_triples())  # and the next publish works
    assert after.version != before.version
    assert count(store) == len(bundled.public_triples) + len(bundled.vocabulary)


def test_before_any_publish_a_persistent_store_says_how_to_publish(
    new_store: StoreFactory,
) -> None:
    store = new_store()
    if isinstance(store, EmbeddedStore):  # memory: simply empty
        assert count(store) == 0
    else:
        with pytest.raises(StoreError, match=r"rallynov (build|publish)"):
            store.query("ASK {}")

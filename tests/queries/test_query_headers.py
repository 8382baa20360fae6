"""A bad ``#+`` header stops start-up with an error naming the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

import endpoint.named_queries as named_queries
from endpoint.named_queries import QueryFileError, load_named_queries, parse_query_file
from loaders.errors import RallynovError

GOOD = """#+ title:
#+   fr: Titre
#+   en: Title
#+ description: {fr: Description, en: Description}
#+ params:
#+   - name: edition
#+     type: year
#+     default: 2013
#+     description: {fr: Édition, en: Edition}
PREFIX rally: <https://w3id.org/rallynov/def#>
SELECT ?s WHERE { ?s rally:edition/rally:year ?edition }
"""


def write(folder: Path, text: str, name: str = "sample.rq") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_parses(tmp_path: Path) -> None:
    query = parse_query_file(write(tmp_path, GOOD))
    assert query.name == "sample"
    assert query.title == {"fr": "Titre", "en": "Title"}
    [param] = query.params
    assert (param.name, param.type, param.default, param.required) == (
        "edition",
        "year",
        "2013",
        False,
    )
    assert "VALUES ?edition" in query.bound()
    assert query.sparql.startswith("# Title (queries/sample.rq)\nPREFIX rally:")


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (("#+   en: Title\n", "#+   en: Title: more\n"), 3, "not valid YAML"),
        (("#+   en: Title\n", ""), 1, "'title' needs a non-empty 'en' text"),
        (("#+     type: year\n", "#+     type: colour\n"), 7, "unknown type 'colour'"),
        (("#+     type: year\n", "#+     type: code:nothing\n"), 7, "unknown type 'code:nothing'"),
        (("#+ params:\n", "#+ tags: [a]\n#+ params:\n"), 5, "unknown header key 'tags'"),
        (("#+     default: 2013\n", "#+     default: twenty\n"), 6, "'twenty' is not valid"),
        (
            ("#+     type: year\n", "#+     type: year\n#+     colour: red\n"),
            8,
            "unknown parameter key",
        ),
        (("?edition }", "?year }"), 6, "not used in the query"),
        (("- name: edition", "- name: format"), 6, "must match"),
        (
            ("rally:year ?edition }", "rally:year ?y BIND(?y AS ?edition) }"),
            11,
            "cannot assign ?edition",
        ),
        (("SELECT ?s WHERE", "CONSTRUCT { ?s ?p ?o } WHERE"), 1, "must be a SELECT"),
        (("WHERE { ?s", "WHERE { ?s ?s"), 11, "cannot run"),
    ],
)
def test_a_bad_header_names_file_and_line(
    tmp_path: Path, change: tuple[str, str], line: int, words: str
) -> None:
    text = GOOD.replace(*change, 1)
    assert text != GOOD
    path = write(tmp_path, text)
    with pytest.raises(QueryFileError) as error:
        parse_query_file(path)
    assert isinstance(error.value, RallynovError)
    assert str(error.value).startswith(f"{path}, line {line}: "), str(error.value)
    assert words in str(error.value)


def test_a_file_without_header_or_with_a_bad_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(QueryFileError, match="no '#\\+' header"):
        parse_query_file(write(tmp_path, "SELECT * WHERE { ?s ?p ?o }"))
    with pytest.raises(QueryFileError, match="lower-case slug"):
        parse_query_file(write(tmp_path, GOOD, "Bad_Name.rq"))


def test_a_bad_file_stops_the_application_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bundled_store: object
) -> None:
    from endpoint.app import create_app

    write(tmp_path, GOOD)
    write(tmp_path, GOOD.replace("type: year", "type: colour"), "broken.rq")
    monkeypatch.setattr(named_queries, "queries_dir", lambda: tmp_path)
    with pytest.raises(QueryFileError, match="broken.rq, line 7"):
        create_app({"TESTING": True, "STORE_OBJECT": bundled_store})


def test_load_named_queries_reads_a_folder(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "one.rq")
    write(tmp_path, GOOD, "two.rq")
    assert sorted(load_named_queries(tmp_path)) == ["one", "two"]

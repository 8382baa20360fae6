"""Generated hostile input to the named-query API and the HTML pages on a live server: never a
5xx, never a stack trace, never a hung worker, and what a client sent is never echoed unescaped."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from endpoint.named_queries import load_named_queries
from tests.robustness.conftest import assert_sane, fetch, quote

QUERIES = load_named_queries()
PARAMS = sorted({(name, p.name) for name, q in QUERIES.items() for p in q.params})
hostile = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "' OR 1=1 --",
            "} } DROP ALL #",
            '" } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } #',
            "%00",
            "\\u0000",
            "../../etc/passwd",
            "x" * 5000,
            "2013-02-31",
            "99999999999999999999999",
            "-0",
            "1e309",
            "https://w3id.org/rallynov/id/innovation/../../x",
            "javascript:alert(1)",
            "D-EMP\n",
        ]
    ),
)
slugs = st.one_of(
    st.text(min_size=1, max_size=80).filter(lambda s: s not in {".", ".."}),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "a%2F..%2F..",
            "%",
            "é",
            "x.ttl.ttl",
            "x.",
            ".jsonld",
            "x" * 3000,
            "innovation",
            "%00",
            "a;b",
            "a?b=c",
        ]
    ),
)


def _json_error(body: bytes) -> bool:
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return isinstance(data, dict) and "error" in data and "message" in data["error"]


@settings(max_examples=120, deadline=None)
@given(pair=st.sampled_from(PARAMS), value=hostile, fmt=st.sampled_from([None, "json", "csv", "x"]))
def test_api_parameters(
    live_server: str, pair: tuple[str, str], value: str, fmt: str | None
) -> None:
    name, param = pair
    path = f"/api/queries/{name}?{param}={quote(value)}"
    if fmt is not None:
        path += f"&format={fmt}"
    answer = fetch(live_server, path, headers={"Accept": "application/json"})
    assert_sane(answer, path, value)
    assert answer.status in (200, 304, 400), (path, answer.status, answer.body[:200])
    if answer.status == 400:
        assert _json_error(answer.body), answer.body[:200]


@settings(max_examples=40, deadline=None)
@given(
    name=slugs,
    params=st.dictionaries(st.text(min_size=1, max_size=20), hostile, max_size=3),
)
def test_api_unknown_names_and_parameters(
    live_server: str, name: str, params: dict[str, str]
) -> None:
    query = "&".join(f"{quote(k)}={quote(v)}" for k, v in params.items())
    path = f"/api/queries/{quote(name)}" + (f"?{query}" if query else "")
    answer = fetch(live_server, path, headers={"Accept": "application/json"})
    assert_sane(answer, path, name + " ".join(params) + " ".join(params.values()))
    # 308: werkzeug redirects a doubled slash to the single-slash path
    assert answer.status in (200, 308, 400, 404), (path, answer.status)


PAGES = [
    "/doc/innovation/{}",
    "/doc/organisation/{}",
    "/doc/{}/x",
    "/id/innovation/{}",
    "/id/{}/{}",
    "/vocab/need/{}",
    "/vocab/{}",
    "/queries/{}",
    "/network/{}.json",
    "/network/co-organisation.{}",
    "/map/{}.geojson",
    "/download/{}",
    "/dataset/{}",
    "/doc/innovation/{}.ttl",
    "/def.{}",
    "/shapes.{}",
    "/catalog.{}",
    "/{}",
]


@settings(max_examples=150, deadline=None)
@given(
    template=st.sampled_from(PAGES),
    slug=slugs,
    accept=st.sampled_from(["text/html", "*/*", "text/turtle", "application/ld+json", "x/y"]),
    lang=st.sampled_from([None, "fr", "en", "<b>", "xx"]),
)
def test_pages_with_generated_slugs(
    live_server: str, template: str, slug: str, accept: str, lang: str | None
) -> None:
    path = template.replace("{}", quote(slug))
    if lang is not None:
        path += f"?lang={quote(lang)}"
    answer = fetch(live_server, path, headers={"Accept": accept, "Accept-Language": "fr"})
    assert_sane(answer, path, slug)
    assert answer.status < 500
    if answer.headers.get("content-type", "").startswith("text/html"):
        for raw in (slug, lang or ""):
            if "<" in raw:
                assert raw.encode() not in answer.body, f"{path}: {raw!r} echoed unescaped"


@settings(max_examples=40, deadline=None)
@given(
    kind=slugs,
    edition=st.one_of(st.none(), hostile),
    mode=st.one_of(st.none(), hostile),
    top=st.one_of(st.none(), st.text(max_size=12)),
)
def test_network_parameters(
    live_server: str, kind: str, edition: str | None, mode: str | None, top: str | None
) -> None:
    params = {
        k: v for k, v in {"edition": edition, "mode": mode, "top": top}.items() if v is not None
    }
    query = "&".join(f"{k}={quote(v)}" for k, v in params.items())
    for path in (f"/network/co-organisation.json?{query}", f"/network?kind={quote(kind)}&{query}"):
        answer = fetch(live_server, path, headers={"Accept": "application/json"})
        assert_sane(answer, path, " ".join([kind, *params.values()]))

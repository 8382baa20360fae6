"""The dataset's machine-readable descriptions: the DCAT-AP catalog and the VoID description.

    GET /catalog                 DCAT-AP 3.0 catalog: Turtle by default; JSON-LD, RDF/XML,
                                 N-Triples by Accept; a browser asking for HTML goes to
                                 /catalog.html (303)
    GET /catalog.ttl .jsonld .rdf .xml .nt     the same by extension
    GET /catalog.html            a readable page (French or English)
    GET /.well-known/void, /void, /void.ttl ...   the VoID description (same negotiation)
    GET /dataset, /dataset/<version>           the dataset IRIs: 303 to the catalog

URLs inside use ``PUBLIC_URL`` when set, else the request's host. Each answer is built once per
dataset version, public URL and set of download files built so far (the files are built in the
background: until one is, the catalog describes it without its size and checksum, and its
ETag changes when they arrive), and revalidated with its ETag. What needs a pass over the data
(VoID's counts) is precomputed at start-up (warmer ``opendata-descriptions``).
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, current_app, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from endpoint.app import get_store
from endpoint.catalog import (
    ACCEPTED,
    GRAPH_FORMATS,
    catalog_graph,
    publication,
    schema_org_dataset,
    serialize_graph,
    void_graph,
    warm,
)
from endpoint.describe import version_cache
from endpoint.errors import ApiError
from endpoint.i18n import current_lang, t
from endpoint.opendata import downloads_for, terms
from endpoint.opendata.texts import DESCRIPTION, KEYWORDS, TITLE

# The home page's warmer (seconds) is registered before ours (VoID's counts: minutes at 100k).
from endpoint.views import home  # noqa: F401
from endpoint.warmup import warmer

bp = Blueprint("catalog", __name__)
warmer("opendata-descriptions", order=15)(warm)

EXTENSIONS = {**{ext: ext for ext in GRAPH_FORMATS}, "xml": "rdf"}
BUILDERS = {"catalog": catalog_graph, "void": void_graph}


def base_url() -> str:
    """The public URL of this server (``PUBLIC_URL``, else the request's scheme and host)."""
    configured = str(current_app.config.get("PUBLIC_URL") or "")
    return (configured or request.host_url).rstrip("/")


def _negotiate() -> str | None:
    """The extension answering the Accept header; "html" for browsers; None if nothing fits."""
    accept = request.accept_mimetypes
    if not accept:
        return "ttl"
    offered = [*ACCEPTED, "text/html", "application/xhtml+xml"]
    best = accept.best_match(offered)
    if best is None:
        return None
    return "html" if best in ("text/html", "application/xhtml+xml") else ACCEPTED[best]


def downloads_state() -> tuple[str, ...]:
    """The download files built so far: what the catalog's sizes and checksums depend on."""
    return downloads_for(get_store(current_app)).state()


def _graph_response(kind: str, ext: str) -> BaseResponse:
    store, base = get_store(current_app), base_url()
    # VoID names every dump whether built or not: only the catalog depends on the files' state
    key = (kind, base, downloads_state() if kind == "catalog" else ())

    def compute() -> bytes:
        graph = version_cache(current_app, "opendata-graphs").get(
            store, key, lambda: BUILDERS[kind](current_app, base)
        )
        return serialize_graph(graph, ext)

    body = version_cache(current_app, "opendata-bodies").get(store, (*key, ext), compute)
    mimetype = GRAPH_FORMATS[ext][0]
    response = Response(body, mimetype=mimetype)
    if mimetype == "text/turtle":
        response.headers["Content-Type"] = "text/turtle; charset=utf-8"
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Accept")
    return response.make_conditional(request)


def _negotiated(kind: str, html_path: str) -> BaseResponse:
    ext = _negotiate()
    if ext is None:
        known = ", ".join(sorted({GRAPH_FORMATS[e][0] for e in GRAPH_FORMATS}))
        raise ApiError(406, f"{t('ld_not_acceptable')} {known}")
    if ext == "html":
        response = redirect(html_path, code=303)
        response.vary.add("Accept")
        return response
    return _graph_response(kind, ext)


@bp.get("/catalog")
def catalog() -> BaseResponse:
    return _negotiated("catalog", "/catalog.html")


@bp.get("/catalog.<ext>")
def catalog_file(ext: str) -> BaseResponse:
    if ext == "html":
        return catalog_page()
    if ext not in EXTENSIONS:
        known = ", ".join(f".{e}" for e in ("html", *EXTENSIONS))
        raise ApiError(404, t("ld_unknown_format").format(ext=ext, known=known))
    return _graph_response("catalog", EXTENSIONS[ext])


@bp.get("/.well-known/void")
@bp.get("/void")
def void() -> BaseResponse:
    return _negotiated("void", "/catalog.html#void")


@bp.get("/void.<ext>")
def void_file(ext: str) -> BaseResponse:
    if ext not in EXTENSIONS:
        known = ", ".join(f".{e}" for e in EXTENSIONS)
        raise ApiError(404, t("ld_unknown_format").format(ext=ext, known=known))
    return _graph_response("void", EXTENSIONS[ext])


@bp.get("/dataset")
@bp.get("/dataset/<version>")
def dataset(version: str | None = None) -> BaseResponse:
    """The dataset's IRI (and its versions') name the dataset: see its description (303)."""
    response = redirect("/catalog.html" if _negotiate() == "html" else "/catalog", code=303)
    response.vary.add("Accept")
    return response


def catalog_page() -> Response:
    store, base = get_store(current_app), base_url()
    pub = publication(current_app, base)
    files = downloads_for(store).files()
    lang = current_lang()
    index = 0 if lang == "fr" else 1
    known = terms.licence_for(pub.license)
    areas = (terms.REGION, *terms.DEPARTMENTS)
    body = render_template(
        "catalog.html",
        pub=pub,
        title=TITLE[index],
        description=DESCRIPTION[index],
        keywords=[keyword[index] for keyword in KEYWORDS],
        themes=[(theme.iri, theme.labels[index]) for theme in terms.THEMES],
        licence_title=known.title if known else pub.license,
        areas=[
            (area.name, terms.INSEE_GEO + area.insee, area.nuts_2013, area.nuts_2016)
            for area in areas
        ],
        temporal=terms.TEMPORAL,
        files=list(files.values()),
        index=index,
        formats=[("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("rdf", "RDF/XML"), ("nt", "N-Triples")],
        jsonld=schema_org_dataset_jsonld(),
    )
    return Response(body, mimetype="text/html")


@bp.app_template_global()
def schema_org_dataset_jsonld() -> dict[str, object]:
    """The schema.org ``Dataset`` for any page: ``{{ schema_org_dataset_jsonld() | tojson }}``
    (built once per dataset version, public URL, language and set of files built so far)."""
    store, base, lang = get_store(current_app), base_url(), current_lang()
    return version_cache(current_app, "schema-org").get(  # type: ignore[no-any-return]
        store, (base, lang, downloads_state()), lambda: schema_org_dataset(current_app, base, lang)
    )

"""Dereferenceable URIs: ``/id/...`` answers 303 to its document ``/doc/...[.ext]``; concepts too.

    GET /id/innovation/afsame                 303 -> /doc/innovation/afsame      (HTML)
    GET /id/innovation/afsame  Accept: text/turtle   303 -> /doc/innovation/afsame.ttl
    GET /doc/innovation/afsame.jsonld         the description as JSON-LD
    GET /vocab/need/c1-rec                    303 -> /vocab/need/c1-rec.html (or .ttl, ...)
    GET /vocab/need.ttl                       the scheme's description

RDF documents keep the canonical IRIs (``BASE_URI``); HTML pages link to local paths.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from endpoint.app import get_store
from endpoint.describe import (
    EXTENSIONS,
    RDF_FORMATS,
    Description,
    curie,
    describe,
    negotiate,
    pick_label,
    safe_href,
    scheme_members,
    serialize,
    version_cache,
)
from endpoint.errors import ApiError
from endpoint.i18n import current_lang, t
from endpoint.views.grid import innovation_column
from loaders.iris import concept_iri
from loaders.validation import grid_labels

bp = Blueprint("linked_data", __name__)
log = logging.getLogger("rallynov")

KIND = re.compile(r"^[a-z]+(?:-[a-z]+)*$")
NAME = re.compile(r"^(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)(?:\.(?P<ext>[a-z]+))?$")


PLAIN = {
    "http://www.w3.org/2001/XMLSchema#string",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
}
SUMMARY = (
    "http://purl.org/dc/terms/description",
    "https://schema.org/description",
    "http://www.w3.org/2004/02/skos/core#definition",
    "http://www.w3.org/2000/01/rdf-schema#comment",
)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
INNOVATION = "https://w3id.org/rallynov/def#SocialInnovation"
PER_GROUP = 50  # values shown per incoming property; the rest is counted


@dataclass(frozen=True)
class Link:
    """A resource as a page shows it: its label (or CURIE) and where it links (None: no link)."""

    text: str
    iri: str
    href: str | None


@dataclass(frozen=True)
class Value:
    text: str
    link: Link | None = None
    lang: str = ""
    datatype: str = ""


@dataclass
class Group:
    """The values of one property, and how many more were left out."""

    prop: Link
    values: list[Value] = field(default_factory=list)
    more: int = 0


def _link(desc: Description, iri: str, lang: str, base: str) -> Link:
    return Link(desc.label_of(iri, lang) or curie(iri), iri, safe_href(iri, base))


def _value(desc: Description, term: Any, lang: str, base: str) -> Value:
    if isinstance(term, ox.NamedNode):
        link = _link(desc, term.value, lang, base)
        return Value(link.text, link=link)
    if isinstance(term, ox.Literal):
        datatype = "" if term.datatype.value in PLAIN else curie(term.datatype.value)
        return Value(term.value, lang=term.language or "", datatype=datatype)
    if isinstance(term, ox.BlankNode):
        return Value(f"_:{term.value}")
    return Value(str(term))


def _groups(
    desc: Description, pairs: list[tuple[str, Any]], lang: str, base: str, limit: int | None
) -> list[Group]:
    """Values grouped by property, properties by label, values in ``lang`` first."""
    groups: dict[str, Group] = {}
    for prop, term in pairs:
        group = groups.setdefault(prop, Group(_link(desc, prop, lang, base)))
        group.values.append(_value(desc, term, lang, base))
    for group in groups.values():
        group.values.sort(key=lambda v: (v.lang not in ("", lang), v.text.casefold()))
        if limit is not None and len(group.values) > limit:
            group.more = len(group.values) - limit
            del group.values[limit:]
    return sorted(groups.values(), key=lambda g: (g.prop.text.casefold(), g.prop.iri))


def page_model(desc: Description, lang: str, base: str) -> dict[str, Any]:
    """What ``resource.html`` shows about ``desc``, in ``lang``."""
    outgoing = [(p.value, o) for p, o in desc.outgoing if p.value != RDF_TYPE]
    summary = ""
    for prop in SUMMARY:
        found = {
            o.language or "": o.value
            for p, o in desc.outgoing
            if p.value == prop and isinstance(o, ox.Literal)
        }
        summary = pick_label(found, lang) or ""
        if summary:
            break
    places = [
        {
            "lat": lat,
            "long": long,
            "label": desc.label_of(iri, lang) or iri,
            "href": safe_href(iri, base),
        }
        for iri, lat, long in desc.places
    ]
    types = desc.types()
    return {
        "iri": desc.iri,
        "label": desc.label_of(desc.iri, lang) or curie(desc.iri),
        "summary": summary,
        "types": [_link(desc, iri, lang, base) for iri in types],
        "outgoing": _groups(desc, outgoing, lang, base, None),
        "incoming": _groups(desc, [(p.value, s) for s, p in desc.incoming], lang, base, PER_GROUP),
        "incoming_total": desc.incoming_total,
        "incoming_shown": len(desc.incoming),
        "places": places,
        "is_innovation": INNOVATION in types,
    }


def grid_model(iri: str, lang: str, base: str) -> dict[str, Any] | None:
    """The innovation's column of the grid matrix, as rows for ``resource.html``: validated
    from the innovation's neighbourhood alone (``endpoint.views.grid.innovation_column``)."""
    store = get_store(current_app)
    try:
        column = innovation_column(store, iri)
    except Exception:  # the page still shows the data if the shapes cannot run
        log.exception("cannot compute the grid column of %s", iri)
        return {"rows": [], "note": t("ld_grid_unavailable")}
    if column is None:
        return None
    labels = grid_labels()
    rows = [
        {
            "text": pick_label(labels.get(code, {}), lang) or code,
            "notation": code,
            "href": safe_href(str(concept_iri("grid", code)), base),
            "state": "met" if state == "yes" else "unmet",
            "state_text": t("ld_grid_met") if state == "yes" else t("ld_grid_unmet"),
            "depth": code.count("-") - 1,
        }
        for code, state in column.items()
    ]
    return {"rows": rows, "note": t("ld_grid_note")}


def _base() -> str:
    return str(current_app.config["BASE_URI"])


def _split(name: str) -> tuple[str, str | None]:
    """``"afsame.ttl"`` -> ``("afsame", "ttl")``; 404 for a malformed name or an unknown extension."""
    match = NAME.match(name)
    if match is None:
        raise ApiError(404, t("ld_not_found"))
    ext = match["ext"]
    if ext is not None and ext not in EXTENSIONS:
        known = ", ".join("." + e for e in EXTENSIONS)
        raise ApiError(404, t("ld_unknown_format").format(ext=ext, known=known))
    return match["slug"], ext


def _description(iri: str) -> Description:
    store = get_store(current_app)
    desc: Description = version_cache(current_app, "describe").get(
        store, iri, lambda: describe(store, iri)
    )
    if not desc.exists:
        raise ApiError(404, f"{t('ld_not_found')} <{iri}>")
    return desc


def _see_other(path: str) -> Response:
    """303 to the document in the format ``Accept`` asks for (406 when none fits)."""
    ext = negotiate(request.accept_mimetypes)
    if ext is None:
        wanted = ", ".join(["text/html", *(f.mimetype for f in RDF_FORMATS.values())])
        raise ApiError(406, f"{t('ld_not_acceptable')} {wanted}")
    location = path if ext == "html" and path.startswith("/doc/") else f"{path}.{ext}"
    lang = request.args.get("lang")
    if ext == "html" and lang in ("fr", "en"):
        location += "?" + urlencode({"lang": lang})
    response = Response(status=303)
    response.headers["Location"] = location
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _document(desc: Description, ext: str, doc_path: str, **extra: Any) -> Response:
    """The description in ``ext``: an HTML page, or one of the RDF formats."""
    if ext == "html":
        model = page_model(desc, current_lang(), _base())
        if model["is_innovation"]:
            extra.setdefault("grid", grid_model(desc.iri, current_lang(), _base()))
        formats = [
            {"name": f.name, "href": f"{doc_path}.{f.ext}", "mimetype": f.mimetype}
            for f in RDF_FORMATS.values()
        ]
        sparql = "/sparql?" + urlencode(
            {"query": f"SELECT ?s ?p WHERE {{ ?s ?p <{desc.iri}> }} LIMIT 1000"}
        )
        body = render_template(
            "resource.html",
            formats=formats,
            sparql_incoming=sparql,
            tile_url=current_app.config.get("TILE_URL") or "",
            **model,
            **extra,
        )
        return Response(body, mimetype="text/html")
    fmt = RDF_FORMATS[ext]
    response = Response(serialize(desc.triples(), ext), mimetype=fmt.mimetype)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Link"] = f'<{quote(desc.iri, safe=":/#")}>; rel="describes"'
    return response


def _iri(*parts: str) -> str:
    return _base() + "/".join(parts)


@bp.get("/id/<kind>/<slug>")
def identifier(kind: str, slug: str) -> Response:
    """A minted URI: the thing itself is not a document, so 303 to the one that describes it."""
    if not KIND.match(kind) or not NAME.match(slug) or "." in slug:
        raise ApiError(404, t("ld_not_found"))
    _description(_iri("id", kind, slug))
    return _see_other(f"/doc/{kind}/{slug}")


@bp.get("/doc/<kind>/<name>")
def document(kind: str, name: str) -> Response:
    """The document about ``/id/{kind}/{slug}``: HTML without extension, else the format asked."""
    slug, ext = _split(name)
    if not KIND.match(kind):
        raise ApiError(404, t("ld_not_found"))
    desc = _description(_iri("id", kind, slug))
    return _document(desc, ext or "html", f"/doc/{kind}/{slug}")


@bp.get("/vocab/<scheme>/<name>")
def concept(scheme: str, name: str) -> Response:
    """A SKOS concept: 303 to ``.html``/``.ttl``/... by ``Accept``, or that document itself."""
    code, ext = _split(name)
    if not NAME.match(scheme) or "." in scheme:
        raise ApiError(404, t("ld_not_found"))
    desc = _description(_iri("vocab", scheme, code))
    path = f"/vocab/{scheme}/{code}"
    return _see_other(path) if ext is None else _document(desc, ext, path)


@bp.get("/vocab/<name>")
def scheme(name: str) -> Response:
    """A concept scheme: its description and the list of its concepts."""
    slug, ext = _split(name)
    iri = _iri("vocab", slug)
    desc = _description(iri)
    path = f"/vocab/{slug}"
    if ext is None:
        return _see_other(path)
    extra: dict[str, Any] = {}
    if ext == "html":
        store = get_store(current_app)
        members = version_cache(current_app, "scheme_members").get(
            store, iri, lambda: scheme_members(store, iri)
        )
        lang = current_lang()
        extra["members"] = [
            {
                "text": pick_label(m.labels, lang) or m.notation or m.iri,
                "href": safe_href(m.iri, _base()),
                "notation": m.notation,
                "depth": m.depth,
            }
            for m in members
        ]
    return _document(desc, ext, path, **extra)

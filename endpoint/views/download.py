"""The download area: the whole public graph and the tables a spreadsheet user wants.

    GET /download/                 the index page (French or English)
    GET /download/<file>           one file (names in endpoint.opendata.files), as an attachment
    GET /download/SHA256SUMS       the SHA-256 of every file (``sha256sum -c SHA256SUMS``)

Files are built once per dataset version; each answer carries its exact Content-Length, a
strong ETag (the file's SHA-256), the media type the catalog announces, and honours
If-None-Match and Range.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from endpoint.app import get_store
from endpoint.errors import ApiError
from endpoint.i18n import current_lang, t
from endpoint.opendata import files_for
from endpoint.opendata.files import sha256sums
from endpoint.views.catalog import base_url

bp = Blueprint("download", __name__)

GROUPS = ("rdf", "csv", "geojson", "gexf")


def human_size(size: int, lang: str = "en") -> str:
    """``1536`` -> ``1.5 KB`` (``1,5 Ko`` in French); powers of 1024."""
    units = ("o", "Ko", "Mo") if lang == "fr" else ("B", "KB", "MB")
    value, unit = float(size), units[0]
    for unit in units:
        if value < 1024 or unit == units[-1]:
            break
        value /= 1024
    text = f"{value:.0f}" if unit == units[0] else f"{value:.1f}"
    return f"{text.replace('.', ',') if lang == 'fr' else text} {unit}"


def _file_response(body: bytes, mimetype: str, name: str, etag: str) -> BaseResponse:
    response = Response(body, mimetype=mimetype.split(";")[0])
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request, accept_ranges=True, complete_length=len(body))


@bp.get("/download/")
def index() -> Response:
    files = files_for(get_store(current_app))
    lang = current_lang()
    groups = {group: [f for f in files.values() if f.spec.group == group] for group in GROUPS}
    meta = get_store(current_app).meta()
    body = render_template(
        "download.html",
        groups={group: items for group, items in groups.items() if items},
        index=0 if lang == "fr" else 1,
        human_size=lambda size: human_size(size, lang),
        base=base_url(),
        version=meta.version if meta else "",
        modified=meta.modified if meta else "",
    )
    return Response(body, mimetype="text/html")


@bp.get("/download/SHA256SUMS")
def checksums() -> BaseResponse:
    files = files_for(get_store(current_app))
    body = sha256sums({name: file.data for name, file in files.items()})
    return _file_response(
        body, "text/plain; charset=utf-8", "SHA256SUMS", hashlib.sha256(body).hexdigest()
    )


@bp.get("/download/<name>")
def download(name: str) -> BaseResponse:
    files = files_for(get_store(current_app))
    file = files.get(name)
    if file is None:
        raise ApiError(404, f"{t('dl_unknown')} {name!r} — {t('dl_see_index')} /download/")
    return _file_response(file.data, file.spec.served_type, name, file.sha256)

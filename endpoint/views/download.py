"""The download area: the whole public graph and the tables a spreadsheet user wants.

    GET /download/                 the index page (French or English)
    GET /download/<file>           one file (names in endpoint.opendata.files), as an attachment
    GET /download/SHA256SUMS       the SHA-256 of every file (``sha256sum -c SHA256SUMS``)

Files are built once per dataset version, in the background (the start-up warm-up, or the first
request for one), and kept on disk (:mod:`endpoint.opendata.downloads`). A file that is ready
is sent from disk with its exact Content-Length, a strong ETag (its SHA-256) and the media type
the catalog announces, honouring If-None-Match and Range. The index page never waits: it shows
the files not built yet as being prepared.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from pathlib import Path
from typing import BinaryIO

from flask import Blueprint, Flask, Response, current_app, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from endpoint.app import get_store
from endpoint.errors import ApiError
from endpoint.i18n import current_lang, t
from endpoint.opendata import DownloadFile, Downloads, downloads_for
from endpoint.opendata.files import checksum_file

# The downloads reuse the map layers and the network analyses (their GeoJSON and GEXF files):
# importing those views first registers their warmers before ours, so the warm-up makes every
# page fast first and builds the files (minutes at 100k innovations) last.
from endpoint.views import home, network  # noqa: F401
from endpoint.views import map as map_view  # noqa: F401
from endpoint.views.catalog import base_url
from endpoint.warmup import warmer

bp = Blueprint("download", __name__)

GROUPS = ("rdf", "csv", "geojson", "gexf")
# How long a request for a file still being built waits for it before answering 503 (enough
# for the whole bundled dataset), when it is expected within that time; at most WAITERS
# requests wait at once, the others answer 503 at once, so slow builds never hold every
# server thread.
WAIT_SECONDS = 10.0
WAITERS = threading.BoundedSemaphore(2)


@warmer("downloads", order=90)
def build_downloads(app: Flask) -> None:
    """Build every download of the dataset version being served (kept on disk for restarts)."""
    downloads_for(get_store(app)).build_all()


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


def _headers(response: BaseResponse, mimetype: str, name: str, etag: str) -> BaseResponse:
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


class FileChunks:
    """A file's bytes in chunks for a WSGI response: opened on the first read (a 304 or a HEAD
    never opens it), closed at the end or by ``close()``; seekable, so a Range request reads
    only its part of a large dump."""

    CHUNK = 1 << 20

    def __init__(self, path: Path):
        self.path = path
        self.handle: BinaryIO | None = None

    def _file(self) -> BinaryIO:
        if self.handle is None:
            self.handle = self.path.open("rb")
        return self.handle

    def __iter__(self) -> FileChunks:
        return self

    def __next__(self) -> bytes:
        chunk = self._file().read(self.CHUNK)
        if not chunk:
            self.close()
            raise StopIteration
        return chunk

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int) -> None:
        self._file().seek(offset)

    def tell(self) -> int:
        return self._file().tell()

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None

    def __del__(self) -> None:
        self.close()


def _wait_for(downloads: Downloads, names: list[str]) -> bool:
    """Ask for ``names`` (one file first; several: in their order) and wait a little for them;
    True when they are all built."""
    first = names[0] if len(names) == 1 else None
    downloads.request(first)
    if downloads.expected_seconds(first) > WAIT_SECONDS or not WAITERS.acquire(blocking=False):
        return downloads.wait(names, 0)
    try:
        return downloads.wait(names, WAIT_SECONDS)
    finally:
        WAITERS.release()


def _not_ready(downloads: Downloads, name: str | None) -> ApiError:
    """503 Service Unavailable + Retry-After for a file being prepared.

    Why not stream a dump made for this request instead: harvesters (ckanext-dcat,
    data.europa.eu's, data.gouv.fr's) read the catalog, not the files, and the catalog
    announces no size or checksum for a file not built yet, so they record nothing wrong; the
    link checkers that do fetch files (data.europa.eu's metadata quality checks, data.gouv.fr's
    udata-hydra crawler) record a 5xx as the URL being unavailable at that check and check
    again on their next round, and ``curl --retry`` waits for Retry-After. A stream would have no Content-Length or
    checksum to check, would take minutes to start at 100k innovations (past their timeouts),
    and would cost a whole dump in CPU and memory per client, while the file is being built
    anyway.
    """
    failure = downloads.failure(name) if name else None
    if failure is not None:
        return ApiError(500, f"{name}: could not be prepared ({failure})")
    seconds = downloads.retry_after(name)
    message = (
        f"{name or 'SHA256SUMS'}: being prepared for this version of the dataset; "
        f"retry in about {seconds} s"
    )
    return ApiError(503, message, {"Retry-After": str(seconds)})


@bp.get("/download/")
def index() -> Response:
    store = get_store(current_app)
    downloads = downloads_for(store)
    downloads.start()  # no-op when built or being built
    files = downloads.files()
    lang = current_lang()
    groups = {group: [f for f in files.values() if f.spec.group == group] for group in GROUPS}
    meta = store.meta()
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
    downloads = downloads_for(get_store(current_app))
    if not _wait_for(downloads, list(downloads.specs)) and downloads.pending():
        raise _not_ready(downloads, None)  # (files that failed are left out, not waited for)
    body = checksum_file(
        {name: file.sha256 for name, file in downloads.files().items() if file.sha256}
    )
    response = Response(body, mimetype="text/plain")
    _headers(response, "text/plain; charset=utf-8", "SHA256SUMS", hashlib.sha256(body).hexdigest())
    return response.make_conditional(request, accept_ranges=True, complete_length=len(body))


@bp.get("/download/<name>")
def download(name: str) -> BaseResponse:
    downloads = downloads_for(get_store(current_app))
    if name not in downloads.specs:
        raise ApiError(404, f"{t('dl_unknown')} {name!r} — {t('dl_see_index')} /download/")
    file: DownloadFile = downloads.files()[name]
    if not file.ready and _wait_for(downloads, [name]):
        file = downloads.files()[name]
    if file.path is None or file.sha256 is None:
        raise _not_ready(downloads, name)
    assert file.size is not None
    response = Response(FileChunks(file.path), direct_passthrough=True)
    response.content_length = file.size
    response.last_modified = dt.datetime.fromtimestamp(file.path.stat().st_mtime, dt.UTC)
    _headers(response, file.spec.served_type, name, file.sha256)
    return response.make_conditional(request, accept_ranges=True, complete_length=file.size)

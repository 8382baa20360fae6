"""One error shape for the whole site: a JSON envelope for machines, an HTML page for browsers.

    {"error": {"status": 400, "title": "Bad Request", "message": "..."}}

Never a traceback: an unexpected exception is logged and answered with a plain 500 message.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from endpoint.store.remote_http import StoreUnavailable

log = logging.getLogger("rallynov")


class ApiError(HTTPException):
    """An HTTP error with a sentence for the user; ``headers`` are added to the response."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(description=message)
        self.code = status
        self.extra_headers = headers or {}


def wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "text/html"
        and request.accept_mimetypes[best] > request.accept_mimetypes["application/json"]
    )


def error_response(
    status: int, title: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    if wants_html():
        body = render_template("error.html", status=status, title=title, message=message)
        response = Response(body, status=status, mimetype="text/html")
    else:
        response = jsonify({"error": {"status": status, "title": title, "message": message}})
        response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    response.headers.setdefault("Access-Control-Allow-Origin", "*")
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        headers = getattr(exc, "extra_headers", None)
        return error_response(status, exc.name, exc.description or exc.name, headers)

    @app.errorhandler(StoreUnavailable)
    def _store_unavailable(exc: StoreUnavailable) -> Response:
        # The remote SPARQL server is down: say when to retry; the next request tries again.
        log.warning("store unavailable on %s %s: %s", request.method, request.path, exc)
        return error_response(
            503,
            "Service Unavailable",
            "The data server is not answering at the moment; try again in "
            f"{exc.retry_after} s (pages that need no data keep working).",
            {"Retry-After": str(exc.retry_after)},
        )

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(
            500, "Internal Server Error", "The server met an unexpected error; it was logged."
        )

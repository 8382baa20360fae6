"""Repeated ``GET /sparql`` requests answered before Flask: the stored response, replayed.

An answer is a pure function of the store's dataset version, the query string (query, dataset,
``format``), the ``Accept`` and ``Accept-Encoding`` headers (the answer may be gzip, compressed
in Flask: see ``endpoint.app.install_compression``) and the settings that shape answers (row
cap, base IRI, SERVICE allow-list). So the complete response the view gave once -- status line,
headers after every hook, body -- is kept under that key with the version it belongs to, and
sent again while that version is the published one: a dictionary look-up instead of Flask's
request context, protocol parsing, content negotiation and the result cache (microseconds
instead of most of a millisecond). Revalidations (``If-None-Match``, ``If-Modified-Since``) get
their ``304`` here too.

Only what the view marks is kept: a ``200`` answer to a query (never the editor, the service
description or an error), without ``Set-Cookie``. When the rate limit is on, a replay takes the
client's token like any request; a refused client goes on to Flask, which answers the ``429``.

Installed by the SPARQL blueprint when it is registered: :func:`install`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.http import parse_date, parse_etags

from endpoint.sparql.cache import ResultCache
from endpoint.sparql.versions import current_version
from endpoint.store.base import Store
from loaders.errors import RallynovError

MARK = "rallynov.replay_version"  # environ key: set by the view on a response that may be kept
PATH = "/sparql"
HIT_HEADER = "X-Rallynov-Cache"
# headers a 304 carries (RFC 9110 15.4.5: the validators, caching and, for clients, CORS)
NOT_MODIFIED_HEADERS = {
    "etag", "last-modified", "cache-control", "vary", "access-control-allow-origin",
    "access-control-expose-headers",
}  # fmt: skip

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class Replay:
    """A response kept for one dataset version of one store."""

    store: object
    version: str
    headers: list[tuple[str, str]]  # as sent, but X-Rallynov-Cache: hit
    body: bytes
    etag: str  # without quotes
    not_modified: list[tuple[str, str]]  # the headers of its 304
    modified: Any  # the Last-Modified instant (datetime), None when absent

    def matches(self, environ: dict[str, Any]) -> bool:
        """A conditional request this response's validators satisfy (304)."""
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            tags = parse_etags(if_none_match)
            return tags.contains(self.etag) or tags.star_tag
        since = environ.get("HTTP_IF_MODIFIED_SINCE")
        if since is None or self.modified is None:
            return False
        when = parse_date(since)
        return when is not None and self.modified <= when


class ReplayCache:
    """WSGI middleware in front of the Flask application (``app.wsgi_app``)."""

    def __init__(self, app: Flask, wsgi_app: WsgiApp, cache: ResultCache | None = None):
        self.app, self.wsgi_app = app, wsgi_app
        self.cache = cache if cache is not None else ResultCache(max_entries=2048)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if (
            method not in ("GET", "HEAD")
            or environ.get("PATH_INFO") != PATH
            or not environ.get("QUERY_STRING")
        ):
            return self.wsgi_app(environ, start_response)
        config = self.app.config
        key = (
            environ["QUERY_STRING"],
            environ.get("HTTP_ACCEPT", ""),
            environ.get("HTTP_ACCEPT_ENCODING", ""),  # gzip or not; the ETag differs too
            config["MAX_ROWS"],
            config.get("BASE_URI"),
            config.get("SERVICE_ALLOWLIST"),
        )
        replay: Replay | None = self.cache.get(key)
        store: Store = self.app.extensions["rallynov_store"]
        if (
            replay is not None
            and replay.store is store
            and replay.version == _version_or_none(store)
            and self._allowed(environ)
        ):
            if replay.matches(environ):
                start_response("304 Not Modified", replay.not_modified)
                return []
            start_response("200 OK", replay.headers)
            return [] if method == "HEAD" else [replay.body]
        if method != "GET":
            return self.wsgi_app(environ, start_response)
        return self._answer_and_keep(key, environ, start_response)

    def _allowed(self, environ: dict[str, Any]) -> bool:
        limiter = self.app.extensions.get("rallynov_ratelimit")
        return limiter is None or limiter.take(environ.get("REMOTE_ADDR") or "-") == 0.0

    def _answer_and_keep(
        self, key: tuple[Any, ...], environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        sent: list[Any] = []

        def recording_start(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            sent[:] = [status, headers]
            return start_response(status, headers, *exc)

        body = self.wsgi_app(environ, recording_start)
        version = environ.get(MARK)
        if version is None or not sent or not sent[0].startswith("200 "):
            return body
        try:
            data = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        replay = _replay(self.app.extensions["rallynov_store"], version, sent[1], data)
        if replay is not None:
            self.cache.put(key, replay, len(data) + len(key[0]) + len(key[1]))
        return [data]


def _replay(
    store: object, version: str, headers: list[tuple[str, str]], body: bytes
) -> Replay | None:
    names = {name.lower(): value for name, value in headers}
    etag = names.get("etag", "")
    if "set-cookie" in names or not etag:
        return None
    modified = parse_date(names["last-modified"]) if "last-modified" in names else None
    return Replay(
        store,
        version,
        [(n, "hit" if n.lower() == HIT_HEADER.lower() else v) for n, v in headers],
        body,
        etag.strip('"'),
        [(n, v) for n, v in headers if n.lower() in NOT_MODIFIED_HEADERS],
        modified,
    )


def install(app: Flask) -> None:
    """Put the replay in front of ``app`` (once)."""
    if "rallynov_replay" not in app.extensions:
        middleware = ReplayCache(app, app.wsgi_app)
        app.extensions["rallynov_replay"] = middleware
        app.wsgi_app = middleware  # type: ignore[method-assign]


def _version_or_none(store: Store) -> str | None:
    """The served version; None when the store cannot say (a remote server down): then the
    request goes through the application, which answers 503 with Retry-After."""
    try:
        return current_version(store)
    except RallynovError:
        return None

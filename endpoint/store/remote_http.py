"""HTTP to a SPARQL 1.1 server: queries over the Protocol (SPARQLWrapper), writes over the Graph
Store HTTP Protocol or SPARQL Update, authentication, and a short negative cache.

Failures are mapped to the project's errors::

    StoreError                 the server answered but refused (401, 403, 404, 5xx, bad update)
     └── StoreUnavailable      the server cannot be reached, timed out, or says 502/503/504
    SyntaxError                the server rejected a query with 400 (the parser's message)

After a connection failure the client does not try again for ``retry_after`` seconds (every call
raises :class:`StoreUnavailable` at once), so a down server is not hammered; the first call after
that window tries again, which is how the site recovers by itself.

>>> guess_endpoints("http://127.0.0.1:7878/query")
('http://127.0.0.1:7878/update', 'http://127.0.0.1:7878/store')
>>> guess_endpoints("http://fuseki:3030/rallynov/sparql")
('http://fuseki:3030/rallynov/update', 'http://fuseki:3030/rallynov/data')
"""

from __future__ import annotations

import ast
import base64
import http.client
import math
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from SPARQLWrapper import POST, SELECT, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from loaders.errors import StoreError

# One Accept header for every query form: the server picks a results format for SELECT/ASK and
# an RDF format for CONSTRUCT/DESCRIBE (so the query text never has to be classified here).
ACCEPT = (
    "application/sparql-results+json, application/n-triples, "
    "application/sparql-results+xml;q=0.8, text/turtle;q=0.8, application/rdf+xml;q=0.5"
)
UNAVAILABLE_STATUSES = {502, 503, 504}
GSP_UNSUPPORTED = {404, 405, 415, 501}


class StoreUnavailable(StoreError):  # noqa: N818 (the name the project uses)
    """The remote SPARQL server cannot be reached now; try again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int = 5):
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


def guess_endpoints(query_url: str) -> tuple[str, str | None]:
    """The update and Graph Store URLs of known servers, from the query URL's shape.

    Oxigraph ``/query`` -> ``/update``, ``/store``; Fuseki ``/{dataset}/sparql`` (or ``/query``)
    -> ``/{dataset}/update``, ``/{dataset}/data``; Virtuoso ``/sparql`` -> ``/sparql``,
    ``/sparql-graph-crud``; RDF4J/GraphDB ``/repositories/{id}`` -> ``.../statements``,
    ``.../rdf-graphs/service``. Otherwise updates go to the query URL and there is no Graph Store.
    """
    parts = urlsplit(query_url)
    path = parts.path.rstrip("/")

    def at(new_path: str) -> str:
        return urlunsplit((parts.scheme, parts.netloc, new_path, "", ""))

    segments = path.split("/")
    if path == "/query":
        return at("/update"), at("/store")
    if len(segments) >= 3 and segments[-1] in {"sparql", "query"}:
        base = "/".join(segments[:-1])
        return at(base + "/update"), at(base + "/data")
    if path == "/sparql":
        return at("/sparql"), at("/sparql-graph-crud")
    if len(segments) >= 3 and segments[-2] == "repositories":
        return at(path + "/statements"), at(path + "/rdf-graphs/service")
    return query_url, None


@dataclass(frozen=True)
class Auth:
    """HTTP basic (``user``/``password``) or bearer (``token``) credentials; never printed."""

    user: str = ""
    password: str = ""
    token: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Auth | None:
        """From RALLYNOV_REMOTE_TOKEN (bearer) or RALLYNOV_REMOTE_USER/_PASSWORD (basic)."""
        env = os.environ if environ is None else environ
        token = env.get("RALLYNOV_REMOTE_TOKEN", "")
        user = env.get("RALLYNOV_REMOTE_USER", "")
        if not token and not user:
            return None
        return cls(user, env.get("RALLYNOV_REMOTE_PASSWORD", ""), token)

    def header(self) -> str:
        if self.token:
            return f"Bearer {self.token}"
        pair = f"{self.user}:{self.password}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")

    def __repr__(self) -> str:  # keep secrets out of logs and tracebacks
        kind = "bearer" if self.token else "basic"
        return f"Auth({kind})"


class SparqlHttp:
    """The wire side of :class:`~endpoint.store.remote.RemoteStore`."""

    def __init__(
        self,
        query_url: str,
        update_url: str | None,
        gsp_url: str | None,
        auth: Auth | None = None,
        *,
        timeout: float = 30.0,
        write_timeout: float = 600.0,
        retry_after: float = 5.0,
    ):
        for url in (query_url, update_url, gsp_url):
            if url and urlsplit(url).scheme not in ("http", "https"):
                raise StoreError(f"{url} is not an http(s) URL of a SPARQL endpoint")
        self.query_url, self.update_url, self.gsp_url = query_url, update_url, gsp_url
        self.auth = auth
        self.timeout, self.write_timeout, self.retry_after = timeout, write_timeout, retry_after
        self._down_until = 0.0
        self._down_reason = ""

    # -- the negative cache ----------------------------------------------------------------------
    def _check_up(self) -> None:
        remaining = self._down_until - time.monotonic()
        if remaining > 0:
            raise StoreUnavailable(
                f"the SPARQL server at {self.query_url} is not answering "
                f"({self._down_reason}); trying again in {math.ceil(remaining)} s",
                math.ceil(remaining),
            )

    def _unavailable(self, reason: str, *, remember: bool = True) -> StoreUnavailable:
        if remember:
            self._down_until = time.monotonic() + self.retry_after
            self._down_reason = reason
        return StoreUnavailable(
            f"cannot reach the SPARQL server at {self.query_url} ({reason}); check that it is "
            "running and that the URL is right",
            math.ceil(self.retry_after),
        )

    def _transport_error(self, exc: BaseException) -> StoreUnavailable | None:
        """A StoreUnavailable for network failures (None for anything else)."""
        if isinstance(exc, urllib.error.HTTPError):
            return None
        if isinstance(exc, urllib.error.URLError):  # connect/send failed: the server is down
            reason = exc.reason
            text = getattr(reason, "strerror", None) or str(reason)
            return self._unavailable(str(text).lower())
        if isinstance(exc, TimeoutError):  # a live but slow server: answer 503, keep trying
            return self._unavailable(f"no answer within {self.timeout:g} s", remember=False)
        if isinstance(exc, ConnectionError | http.client.HTTPException):
            return self._unavailable(f"connection lost: {type(exc).__name__}")
        return None

    def _http_error(self, exc: urllib.error.HTTPError, body: bytes, what: str) -> StoreError:
        text = body.decode("utf-8", "replace").strip()[:500]
        if exc.code in UNAVAILABLE_STATUSES:
            retry = exc.headers.get("Retry-After", "") if exc.headers else ""
            error = self._unavailable(f"HTTP {exc.code}")
            if retry.isdigit():
                error.retry_after = max(1, int(retry))
            return error
        if exc.code in (401, 403):
            return StoreError(
                f"the SPARQL server refused the {what} (HTTP {exc.code}); set "
                "RALLYNOV_REMOTE_USER and RALLYNOV_REMOTE_PASSWORD, or RALLYNOV_REMOTE_TOKEN"
            )
        return StoreError(f"the SPARQL server refused the {what} (HTTP {exc.code}): {text}")

    # -- queries (SPARQL 1.1 Protocol) -----------------------------------------------------------
    def query(
        self, sparql: str, default_graphs: Sequence[str], named_graphs: Sequence[str]
    ) -> tuple[bytes, str]:
        """POST the query with its protocol dataset; returns the body and its media type."""
        self._check_up()
        wrapper = SPARQLWrapper(self.query_url)
        wrapper.setOnlyConneg(True)  # no format=/output= parameters: content negotiation only
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setTimeout(self.timeout)  # type: ignore[arg-type]
        # Set directly rather than with setQuery(): SPARQLWrapper's guess of the query form would
        # warn on unusual texts and would send an update to the update endpoint.
        wrapper.queryString = sparql
        wrapper.queryType = SELECT
        for graph in default_graphs:
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs:
            wrapper.addNamedGraph(graph)
        wrapper.addCustomHttpHeader("Accept", ACCEPT)
        if self.auth is not None:
            wrapper.addCustomHttpHeader("Authorization", self.auth.header())
        try:
            response = wrapper.query().response
            try:
                body = response.read()
                media_type = response.headers.get("Content-Type", "")
            finally:
                response.close()
        except QueryBadFormed as exc:
            raise SyntaxError(_response_text(exc) or "the server rejected the query") from None
        except Unauthorized as exc:
            raise StoreError(
                f"the SPARQL server at {self.query_url} refused the credentials (HTTP 401); set "
                "RALLYNOV_REMOTE_USER and RALLYNOV_REMOTE_PASSWORD, or RALLYNOV_REMOTE_TOKEN"
            ) from exc
        except EndPointNotFound as exc:
            raise StoreError(
                f"no SPARQL endpoint at {self.query_url} (HTTP 404); give the query URL "
                "(Oxigraph: .../query, Fuseki: .../DATASET/sparql)"
            ) from exc
        except (EndPointInternalError, URITooLong) as exc:
            raise StoreError(
                f"the SPARQL server failed on the query: {_response_text(exc)[:500]}"
            ) from exc
        except urllib.error.HTTPError as exc:
            raise self._http_error(exc, _read(exc), "query") from exc
        except (OSError, http.client.HTTPException) as exc:
            error = self._transport_error(exc)
            if error is None:
                raise
            raise error from exc
        return body, media_type

    # -- writes (SPARQL Update, Graph Store HTTP Protocol) ---------------------------------------
    def _send(
        self, method: str, url: str, body: bytes | None, content_type: str | None, what: str
    ) -> int:
        self._check_up()
        headers = {"User-Agent": "rallynov"}
        if content_type:
            headers["Content-Type"] = content_type
        if self.auth is not None:
            headers["Authorization"] = self.auth.header()
        # S310: the URLs are the configured endpoints, checked to be http(s) in __init__.
        request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.write_timeout) as response:  # noqa: S310
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as exc:
            raise self._http_error(exc, _read(exc), what) from exc
        except (OSError, http.client.HTTPException) as exc:
            error = self._transport_error(exc)
            if error is None:
                raise
            raise error from exc

    def update(self, text: str) -> None:
        """Run one SPARQL Update request (several operations run together, atomically on
        transactional servers such as Oxigraph and Fuseki/TDB2)."""
        if not self.update_url:
            raise StoreError(
                f"no SPARQL Update endpoint for {self.query_url}; give one with --update-url"
            )
        self._send(
            "POST", self.update_url, text.encode("utf-8"), "application/sparql-update", "update"
        )

    def put_graph(self, graph: str, ntriples: bytes) -> bool:
        """Replace ``graph`` with N-Triples over the Graph Store Protocol.

        False when there is no Graph Store endpoint or the server does not support it (the
        caller falls back to SPARQL Update); a server that has none is remembered.
        """
        if not self.gsp_url:
            return False
        try:
            self._send(
                "PUT", self._gsp(graph), ntriples, "application/n-triples", "Graph Store upload"
            )
        except StoreError as exc:
            if isinstance(exc, StoreUnavailable) or not _gsp_missing(exc):
                raise
            self.gsp_url = None
            return False
        return True

    def add_to_graph(self, graph: str, ntriples: bytes) -> None:
        """Add N-Triples to ``graph`` (a Graph Store Protocol POST, which merges), after a
        :meth:`put_graph` that returned True."""
        self._send(
            "POST", self._gsp(graph), ntriples, "application/n-triples", "Graph Store upload"
        )

    def _gsp(self, graph: str) -> str:
        assert self.gsp_url is not None
        separator = "&" if "?" in self.gsp_url else "?"
        return f"{self.gsp_url}{separator}graph={urllib.parse.quote(graph, safe='')}"


def _gsp_missing(exc: StoreError) -> bool:
    cause = exc.__cause__
    return isinstance(cause, urllib.error.HTTPError) and cause.code in GSP_UNSUPPORTED


def _read(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read()
    except Exception:  # the body is only used in the message
        return b""


def _response_text(exc: SPARQLWrapperException) -> str:
    """The server's message kept by SPARQLWrapper (it only keeps it inside the text)."""
    _, found, raw = str(exc).partition("\n\nResponse:\n")
    if not found:
        return ""
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return raw
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)

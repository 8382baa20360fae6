"""``rallynov serve``: the application behind waitress (a production WSGI server), one log line
per request, a clean stop on Ctrl-C or SIGTERM.

    rallynov serve                          # the bundled dataset, built in memory
    rallynov serve --store ~/rallynov-store --port 8080
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from types import FrameType
from typing import Any

import click

log = logging.getLogger("rallynov.access")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class RequestLog:
    """WSGI middleware: one Common-Log-like line per request, with its duration.

    ``127.0.0.1 - - "GET /sparql?query=... HTTP/1.1" 200 182 4.1ms``
    """

    def __init__(self, app: WsgiApp, logger: logging.Logger = log):
        self.app, self.logger = app, logger

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterator[bytes]:
        started = time.perf_counter()
        status = ["-"]

        def recording_start(status_line: str, headers: list[Any], *exc: Any) -> Any:
            status[0] = status_line.split(" ", 1)[0]
            return start_response(status_line, headers, *exc)

        size = 0
        body = self.app(environ, recording_start)
        try:
            for chunk in body:
                size += len(chunk)
                yield chunk
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            path = environ.get("PATH_INFO", "")
            if environ.get("QUERY_STRING"):
                path += "?" + environ["QUERY_STRING"]
            self.logger.info(
                '%s - - "%s %s %s" %s %d %.1fms',
                environ.get("REMOTE_ADDR", "-"),
                environ.get("REQUEST_METHOD", "-"),
                path[:500],
                environ.get("SERVER_PROTOCOL", "-"),
                status[0],
                size,
                (time.perf_counter() - started) * 1000,
            )


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port (0: any free one).")
@click.option(
    "--store",
    "store_path",
    default=None,
    help="Store folder written by 'rallynov build', or the query URL of a SPARQL server "
    "written by 'rallynov publish --to URL' (default: the bundled dataset, in memory).",
)
@click.option("--base-uri", default=None, help="Base of the minted URIs (setting BASE_URI).")
@click.option("--threads", default=8, show_default=True, type=int, help="Request threads.")
@click.option(
    "--warmup/--no-warmup",
    default=True,
    show_default=True,
    help="Precompute the expensive views (networks, map layers, downloads) in the background "
    "once the server listens.",
)
def serve(
    host: str, port: int, store_path: str | None, base_uri: str | None, threads: int, warmup: bool
) -> None:
    """Serve the site and the SPARQL endpoint with waitress until Ctrl-C."""
    from waitress.server import create_server

    from endpoint.app import create_app, get_store
    from endpoint.query_runner import close_pools
    from endpoint.store import OnDiskStore, open_store
    from endpoint.store.remote import RemoteStore, StoreUnavailable, is_remote
    from loaders.errors import RallynovError

    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    # The log lines show none of these; looking them up is half the cost of a line.
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    overrides: dict[str, Any] = {}
    if store_path is not None:
        remote = is_remote(store_path)
        try:
            published = open_store(store_path).meta() is not None
        except StoreUnavailable as exc:  # served anyway: 503 + Retry-After until it answers
            click.echo(f"Warning: {exc}; requests get 503 until it answers.", err=True)
            published = True
        except RallynovError as exc:
            raise click.ClickException(str(exc)) from exc
        if not published:
            how = (
                f"rallynov publish --to {store_path}"
                if remote
                else f"rallynov build --store {store_path}"
            )
            raise click.ClickException(
                f"no dataset is published in {store_path}; run '{how}' first, or omit --store"
            )
        overrides["STORE"] = store_path
    if base_uri:
        overrides["BASE_URI"] = base_uri
    try:
        app = create_app(overrides)  # without a published store: the bundled dataset, in memory
    except RallynovError as exc:
        raise click.ClickException(str(exc)) from exc
    store = get_store(app)
    try:
        meta = store.meta()
    except StoreUnavailable:
        meta = None
    try:
        server = create_server(
            RequestLog(app),
            host=host,
            port=port,
            threads=threads,
            # refuse an announced oversized body before reading it (413), not after
            max_request_body_size=int(app.config["MAX_BODY"]),
        )
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}"
        ) from exc
    where = (
        f"the store {app.config['STORE']}"
        if isinstance(store, OnDiskStore | RemoteStore)
        else "the bundled dataset, built in memory"
    )
    if meta is not None:
        click.echo(f"Serving {where}: version {meta.version}, {meta.triples} triples.", err=True)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{server.effective_port}/"  # type: ignore[union-attr]
    click.echo(f"Rally'nov is answering at {url} (SPARQL: {url}sparql). Ctrl-C stops it.")
    sys.stdout.flush()
    if warmup and meta is not None:
        from endpoint.warmup import start

        start(app)
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        server.run()  # returns on Ctrl-C or SIGTERM (waitress catches KeyboardInterrupt)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close()
        close_pools()
    click.echo("Stopped.", err=True)

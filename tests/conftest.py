"""Shared fixtures, chained as in the Flask tutorial: app -> client -> runner, plus a live server
on 127.0.0.1 and headless Chromium for the pages.

Options: ``--update-golden`` rewrites golden files on purpose (they are compared as graphs).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from endpoint.store import EmbeddedStore
from loaders import build_graphs
from loaders.build import BuildResult

TESTS = Path(__file__).parent
CHROMIUM = os.environ.get("RALLYNOV_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite golden files from current output"
    )


@pytest.fixture(scope="session", autouse=True)
def _validation_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The CLI's validation cache in a folder of this test session, not the user's cache."""
    path = tmp_path_factory.mktemp("validation-cache") / "validation.sqlite"
    patch = pytest.MonkeyPatch()
    patch.setenv("RALLYNOV_VALIDATION_CACHE", str(path))
    yield path
    patch.undo()


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def bundled() -> BuildResult:
    """The bundled dataset, built once per test session."""
    return build_graphs()


@pytest.fixture(scope="session")
def bundled_store(bundled: BuildResult) -> EmbeddedStore:
    store = EmbeddedStore()
    store.publish(bundled.named_triples())
    return store


@pytest.fixture()
def app(bundled_store: EmbeddedStore):  # type: ignore[no-untyped-def]
    from endpoint.app import create_app

    return create_app(
        {"TESTING": True, "STORE_OBJECT": bundled_store, "CURATOR_TOKEN": "test-curator-token"}
    )


@pytest.fixture()
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def live_server(bundled_store: EmbeddedStore) -> Iterator[str]:
    """The real WSGI server (waitress) on 127.0.0.1, on a free port; stopped at the end."""

    from endpoint.app import create_app

    app = create_app({"STORE_OBJECT": bundled_store, "CURATOR_TOKEN": "test-curator-token"})
    with serving(app) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install the Debian package 'chromium'")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def page(browser):  # type: ignore[no-untyped-def]
    """A fresh page that records console errors and failed requests in ``page.problems``."""
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.problems = problems  # type: ignore[attr-defined]
    yield page
    context.close()


@contextlib.contextmanager
def serving(app: Flask, threads: int = 8) -> Iterator[str]:
    """``app`` behind a real waitress server on a free port of 127.0.0.1, in a thread of the
    test process; yields its base URL and stops the server on exit."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"  # type: ignore[union-attr]
    finally:
        _stop(server, thread)


def _stop(server: object, thread: threading.Thread) -> None:
    channels = server._map  # type: ignore[attr-defined]

    def close_all() -> None:
        for channel in list(channels.values()):
            with contextlib.suppress(OSError):
                channel.close()

    # close from the server's own loop: closing from this thread can break waitress's select()
    try:
        server.trigger.pull_trigger(close_all)  # type: ignore[attr-defined]
    except OSError:  # the loop has already closed its trigger: nothing runs there any more
        close_all()
    thread.join(10)
    server.task_dispatcher.shutdown()  # type: ignore[attr-defined]

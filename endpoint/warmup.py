"""Precompute at start-up what is expensive to compute on a first request.

At 100k innovations some views cost minutes on first use (a network's centralities, the map
layers, the download files behind the catalog). ``rallynov serve`` calls :func:`start` once the
server listens: a background thread runs every registered warmer, in order, for the dataset
version being served; their results land in the per-version caches the views read
(``endpoint.networks.cached``), so the first visitor does not pay for them. The caches are single
flight: a request arriving while a warmer computes the same thing waits for it instead of
computing it twice.

A module registers a warmer with :func:`warmer`; a failing warmer is logged and skipped (the view
then computes on demand, as without a warm-up).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from flask import Flask

log = logging.getLogger("rallynov.warmup")

FINISHED = "warm-up finished in"  # the log line that says every warmer ran (bench/ waits for it)
Warmer = Callable[[Flask], None]
WARMERS: list[tuple[str, Warmer]] = []
_ORDER: dict[str, int] = {}


def warmer(name: str, order: int = 50) -> Callable[[Warmer], Warmer]:
    """Register ``function(app)`` to run at start-up: by ``order`` (cheap and most visited
    first: the home page's counts before the download files), then in registration order."""

    def register(function: Warmer) -> Warmer:
        _ORDER[name] = order
        kept = [(n, f) for n, f in WARMERS if n != name] + [(name, function)]
        WARMERS[:] = sorted(kept, key=lambda item: _ORDER.get(item[0], 50))  # stable sort
        return function

    return register


def run(app: Flask) -> dict[str, float | str]:
    """Run every warmer now, in this thread; returns seconds per warmer (or the error)."""
    import endpoint.views  # noqa: F401  (the view modules register their warmers on import)

    timings: dict[str, float | str] = {}
    begun = time.perf_counter()
    for name, function in list(WARMERS):
        started = time.perf_counter()
        try:
            with app.app_context():
                function(app)
        except Exception as exc:  # noqa: BLE001  (a warm-up never stops the server)
            log.warning("warm-up %s failed: %s", name, exc)
            timings[name] = f"failed: {exc}"
            continue
        timings[name] = round(time.perf_counter() - started, 3)
        log.info("warm-up %s: %.2f s", name, timings[name])
    log.info("%s %.2f s", FINISHED, time.perf_counter() - begun)
    return timings


def start(app: Flask) -> threading.Thread:
    """Run the warmers in a daemon thread (the server answers meanwhile)."""
    thread = threading.Thread(target=run, args=(app,), name="rallynov-warmup", daemon=True)
    thread.start()
    return thread

"""The start-up warm-up: registered warmers run in order, a failing one is skipped."""

from __future__ import annotations

import logging

import pytest
from flask import Flask

from endpoint import warmup


@pytest.fixture
def only_test_warmers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import endpoint.views  # noqa: F401  (registers the real warmers first)

    monkeypatch.setattr(warmup, "WARMERS", [])
    return []


def test_warmers_run_in_order_and_a_failure_does_not_stop_the_others(
    app: Flask, only_test_warmers: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    ran = only_test_warmers

    @warmup.warmer("first")
    def first(app: Flask) -> None:
        ran.append("first")

    @warmup.warmer("broken")
    def broken(app: Flask) -> None:
        raise RuntimeError("no such graph")

    @warmup.warmer("last")
    def last(app: Flask) -> None:
        ran.append("last")

    with caplog.at_level(logging.INFO, logger="rallynov.warmup"):
        timings = warmup.run(app)
    assert ran == ["first", "last"]
    assert timings["broken"] == "failed: no such graph"
    assert isinstance(timings["first"], float)
    assert any(warmup.FINISHED in r.getMessage() for r in caplog.records)


def test_registering_a_name_again_replaces_the_warmer(only_test_warmers: list[str]) -> None:
    warmup.warmer("same")(lambda app: None)
    warmup.warmer("other")(lambda app: None)
    warmup.warmer("same")(lambda app: None)
    assert [name for name, _ in warmup.WARMERS] == ["other", "same"]


def test_start_runs_the_warmers_in_a_background_thread(
    app: Flask, only_test_warmers: list[str]
) -> None:
    import threading

    seen: list[str] = []
    warmup.warmer("where")(lambda app: seen.append(threading.current_thread().name))
    thread = warmup.start(app)
    thread.join(timeout=30)
    assert seen == ["rallynov-warmup"]
    assert thread.daemon


def test_the_named_queries_warmer_fills_the_result_cache_of_every_default_call(
    app: Flask,
) -> None:
    from endpoint.named_queries import load_named_queries, results
    from endpoint.views.api import warm_named_queries

    results._CACHE.clear()
    with app.app_context():
        warm_named_queries(app)
    cached = {key[2] for key in results._CACHE}
    defaults = {
        name
        for name, query in load_named_queries().items()
        if not any(p.required and p.default is None for p in query.params)
    }
    assert len(defaults) > 20
    assert cached == defaults


def test_warmers_run_by_order_then_by_registration(only_test_warmers: list[str]) -> None:
    warmup.warmer("downloads", order=90)(lambda app: None)
    warmup.warmer("counts", order=10)(lambda app: None)
    warmup.warmer("plain")(lambda app: None)
    warmup.warmer("also plain")(lambda app: None)
    assert [n for n, _ in warmup.WARMERS] == ["counts", "plain", "also plain", "downloads"]


def test_the_real_warmers_put_the_home_page_first_and_the_downloads_last(app: Flask) -> None:
    names = [name for name, _ in warmup.WARMERS]
    assert names[0] == "home" and names[-1] == "downloads"

"""Fixtures shared by the endpoint tests."""

from __future__ import annotations

import pytest

from endpoint.views import home


@pytest.fixture
def summary_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per computation of the home page's counts (each still computed for real)."""
    calls: list[int] = []
    original = home.dataset_summary

    def counting(store):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(store)

    monkeypatch.setattr(home, "dataset_summary", counting)
    return calls

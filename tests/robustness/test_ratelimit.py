"""Optional rate limiting per client address (setting RATE_LIMIT, requests per minute; 0 = off)."""

from __future__ import annotations

import json

from flask import Flask

from endpoint import ratelimit
from endpoint.app import create_app
from endpoint.store import EmbeddedStore


def _app(store: EmbeddedStore, limit: int | None) -> Flask:
    config: dict[str, object] = {"TESTING": True, "STORE_OBJECT": store}
    if limit is not None:
        config["RATE_LIMIT"] = limit
    app = create_app(config)
    ratelimit.init_app(app)  # idempotent: a no-op once create_app wires it
    return app


def test_off_by_default(bundled_store: EmbeddedStore) -> None:
    client = _app(bundled_store, None).test_client()
    statuses = {client.get("/api/queries").status_code for _ in range(40)}
    assert statuses == {200}


def test_limits_each_address_and_says_when_to_come_back(bundled_store: EmbeddedStore) -> None:
    client = _app(bundled_store, 5).test_client()
    one = {"REMOTE_ADDR": "192.0.2.1"}
    assert [client.get("/api/queries", environ_base=one).status_code for _ in range(5)] == [200] * 5
    refused = client.get("/api/queries", environ_base=one, headers={"Accept": "application/json"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    error = json.loads(refused.data)["error"]
    assert error["status"] == 429 and "5" in error["message"]
    other = client.get("/api/queries", environ_base={"REMOTE_ADDR": "192.0.2.2"})
    assert other.status_code == 200
    with client.get("/static/site.css", environ_base=one) as static:
        assert static.status_code == 200


def test_refills_over_time() -> None:
    buckets = ratelimit.TokenBuckets(per_minute=60)
    assert all(buckets.take("a", now=0.0) == 0.0 for _ in range(60))
    assert buckets.take("a", now=0.0) > 0
    assert buckets.take("a", now=1.5) == 0.0


def test_memory_stays_bounded() -> None:
    buckets = ratelimit.TokenBuckets(per_minute=1000)
    for i in range(ratelimit.MAX_CLIENTS + 50):
        buckets.take(f"10.{i // 65536}.{i // 256 % 256}.{i % 256}", now=float(i))
    assert len(buckets.buckets) <= ratelimit.MAX_CLIENTS

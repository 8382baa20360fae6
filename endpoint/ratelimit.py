"""Optional rate limiting per client address, off by default.

Setting ``RATE_LIMIT``: requests per minute and per client address (0, the default: no limit).
Each address has a token bucket that holds at most a minute's worth of requests and refills
continuously, so a client may burst up to ``RATE_LIMIT`` requests, then gets one more every
``60 / RATE_LIMIT`` seconds. Beyond that: ``429 Too Many Requests`` with ``Retry-After``, in the
site's one error shape. Static files are not counted. The address is the connection's
(``REMOTE_ADDR``): behind a reverse proxy, limit there instead, or this counts the proxy.

>>> limiter = TokenBuckets(per_minute=2)
>>> limiter.take("10.0.0.1", now=0.0), limiter.take("10.0.0.1", now=0.0), limiter.take("10.0.0.1", now=0.0)
(0.0, 0.0, 30.0)
>>> limiter.take("10.0.0.1", now=30.0)
0.0
"""

from __future__ import annotations

import math
import threading
import time

from flask import Flask, current_app, request

from endpoint.errors import ApiError
from endpoint.i18n import current_lang

MAX_CLIENTS = 10_000  # addresses remembered at once; full buckets are forgotten first
MESSAGES = {
    "en": "Too many requests from your address: at most {limit} per minute; try again in {wait} s",
    "fr": "Trop de requêtes depuis votre adresse : au plus {limit} par minute ; réessayez dans {wait} s",
}


class TokenBuckets:
    """One token bucket per key, thread-safe, bounded in memory."""

    def __init__(self, per_minute: int):
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens per second
        self.buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, time)
        self.lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """Take one token for ``key``: 0.0 when allowed, else the seconds until one is free."""
        now = time.monotonic() if now is None else now
        with self.lock:
            tokens, last = self.buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self.buckets[key] = (tokens - 1.0, now)
                if len(self.buckets) > MAX_CLIENTS:
                    self._forget(now)
                return 0.0
            self.buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _forget(self, now: float) -> None:
        """Drop the buckets that are full again (their clients are not limited any more)."""
        full = [
            k
            for k, (tokens, last) in self.buckets.items()
            if tokens + (now - last) * self.rate >= self.capacity
        ]
        for key in full:
            del self.buckets[key]
        if len(self.buckets) > MAX_CLIENTS:  # still too many: forget the oldest half
            for key, _ in sorted(self.buckets.items(), key=lambda kv: kv[1][1])[: MAX_CLIENTS // 2]:
                del self.buckets[key]


def _check() -> None:
    if request.path.startswith("/static/"):
        return
    limiter: TokenBuckets = current_app.extensions["rallynov_ratelimit"]
    wait = limiter.take(request.remote_addr or "-")
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        lang = current_lang() if current_lang() in MESSAGES else "en"
        message = MESSAGES[lang].format(limit=int(limiter.capacity), wait=seconds)
        raise ApiError(429, message, {"Retry-After": str(seconds)})


def init_app(app: Flask) -> None:
    """Limit requests per client address when the setting ``RATE_LIMIT`` is above 0."""
    per_minute = int(app.config.get("RATE_LIMIT", 0) or 0)
    if per_minute <= 0 or "rallynov_ratelimit" in app.extensions:
        return
    app.extensions["rallynov_ratelimit"] = TokenBuckets(per_minute)
    app.before_request(_check)

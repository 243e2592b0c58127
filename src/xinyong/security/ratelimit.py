"""Fixed-window rate limits kept in the Django cache.

Why: department systems call the API with tokens, and a runaway import loop or a leaked
token must not starve everyone else; the staff log-in must not let anyone try passwords or
authenticator codes without end (等保 2.0 "登录失败处理"; docs/decisions/0009-rate-limits.md).

How: each (limit name, identity) pair has a counter per window of ``period`` seconds, named
after the window's number, so it expires by itself. ``hit`` counts a request and refuses
the one past the limit; ``check`` and ``note_failure`` count only failures (a log-in that
succeeds costs nothing). A refusal is ``RateLimited`` with the seconds to the window's end,
which the HTTP layer sends as ``Retry-After``.

Counters live in the ``default`` cache. ``add`` + ``incr`` is atomic in memcached, redis and
the local-memory cache (per process!); the database cache's ``incr`` is read-then-write,
so under concurrency it may let a few extra requests through — acceptable for a limit.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache

from xinyong.security.errors import RateLimited

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    def __str__(self) -> str:
        return f"{self.limit}/{self.period}s"


@lru_cache(maxsize=64)
def parse_rate(text: str) -> Rate:
    """``"600/m"`` → 600 per 60 s; ``"5/15m"`` → 5 per 900 s."""
    match = _RATE.match(text)
    if not match:
        raise ValueError(f"rate {text!r} is not N/period (period s, m, h or d, e.g. 5/15m)")
    count, multiplier, unit = match.groups()
    period = (int(multiplier) if multiplier else 1) * _PERIODS[unit]
    if period <= 0:
        raise ValueError(f"rate {text!r} has an empty period")
    return Rate(int(count), period)


def rate_for(name: str) -> Rate:
    return parse_rate(settings.XINYONG_RATE_LIMITS[name])


def _key(name: str, ident: str, window: int) -> str:
    # Hash the identity: user names and addresses are not cache-key safe, and the cache
    # (possibly shared) need not hold them in clear.
    digest = hashlib.sha256(f"{name}\x00{ident}".encode()).hexdigest()[:32]
    return f"xy:rl:{name}:{digest}:{window}"


def _window(rate: Rate, now: float) -> tuple[int, float]:
    window = int(now // rate.period)
    return window, (window + 1) * rate.period - now


def hit(name: str, ident: str, *, now: float | None = None) -> int:
    """Count one request of ``ident`` under the limit ``name``; refuse past the limit.

    Returns the count in the current window (for tests and headers).
    """
    rate = rate_for(name)
    now = time.time() if now is None else now
    window, remaining = _window(rate, now)
    key = _key(name, ident, window)
    try:
        count = cache.incr(key)  # one cache operation on every request but a window's first
    except ValueError:  # the window's first request (or the counter expired)
        # (If another process started the window meanwhile, count on its counter.)
        count = 1 if cache.add(key, 1, timeout=rate.period + 1) else cache.incr(key)
    if count > rate.limit:
        raise RateLimited(remaining, limit=str(rate))
    return count


def check(name: str, ident: str, *, now: float | None = None) -> None:
    """Refuse if ``ident`` has used up the failures ``name`` allows in this window."""
    rate = rate_for(name)
    now = time.time() if now is None else now
    window, remaining = _window(rate, now)
    if (cache.get(_key(name, ident, window)) or 0) >= rate.limit:
        raise RateLimited(remaining, limit=str(rate))


def note_failure(name: str, ident: str, *, now: float | None = None) -> None:
    """Count one failure of ``ident`` (a wrong password or code)."""
    rate = rate_for(name)
    now = time.time() if now is None else now
    window, _remaining = _window(rate, now)
    key = _key(name, ident, window)
    cache.add(key, 0, timeout=rate.period + 1)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=rate.period + 1)


def clear(name: str, ident: str, *, now: float | None = None) -> None:
    """Forget ``ident``'s failures in this window (after a successful log-in)."""
    rate = rate_for(name)
    now = time.time() if now is None else now
    window, _remaining = _window(rate, now)
    cache.delete(_key(name, ident, window))

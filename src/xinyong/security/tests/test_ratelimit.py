"""Rate limits: the limiter itself (time injected), 429 problems on the API per address and
per token, with Retry-After and the RATE_LIMITED code in both languages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from xinyong.security import ratelimit
from xinyong.security.actions.tokens import IssuedToken
from xinyong.security.errors import RateLimited
from xinyong.security.web import client_ip

WHOAMI = "/api/v1/security/whoami"


@pytest.mark.parametrize(
    ("text", "limit", "period"),
    [("600/m", 600, 60), ("5/15m", 5, 900), ("1/s", 1, 1), ("10/2h", 10, 7200), ("3/d", 3, 86400)],
)
def test_rates_parse(text: str, limit: int, period: int) -> None:
    assert ratelimit.parse_rate(text) == ratelimit.Rate(limit, period)


@pytest.mark.parametrize("text", ["", "10", "10/x", "a/m", "10/0m", "-1/m"])
def test_bad_rates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="rate"):
        ratelimit.parse_rate(text)


def test_hits_past_the_limit_are_refused_until_the_window_ends(
    settings: Any,
) -> None:
    settings.XINYONG_RATE_LIMITS = {**settings.XINYONG_RATE_LIMITS, "api_ip": "3/m"}
    start = 1_800_000_000.0  # a multiple of 60: a window starts here
    for n in range(1, 4):
        assert ratelimit.hit("api_ip", "10.0.0.1", now=start + n) == n
    with pytest.raises(RateLimited) as exc:
        ratelimit.hit("api_ip", "10.0.0.1", now=start + 20)
    assert exc.value.retry_after == 40
    assert exc.value.headers == {"Retry-After": "40"}
    assert exc.value.code == "RATE_LIMITED" and exc.value.status == 429
    # another identity has its own counter; the next window starts afresh
    assert ratelimit.hit("api_ip", "10.0.0.2", now=start + 20) == 1
    assert ratelimit.hit("api_ip", "10.0.0.1", now=start + 60) == 1


def test_failures_count_only_when_noted(settings: Any) -> None:
    settings.XINYONG_RATE_LIMITS = {**settings.XINYONG_RATE_LIMITS, "login_user": "2/15m"}
    now = 1_800_000_000.0
    ratelimit.check("login_user", "liwei", now=now)
    ratelimit.note_failure("login_user", "liwei", now=now)
    ratelimit.check("login_user", "liwei", now=now)
    ratelimit.note_failure("login_user", "liwei", now=now + 1)
    with pytest.raises(RateLimited) as exc:
        ratelimit.check("login_user", "liwei", now=now + 100)
    assert exc.value.retry_after == 800
    assert "请于 14 分钟后重试" in exc.value.message_zh and "14 min" in exc.value.message_en
    ratelimit.clear("login_user", "liwei", now=now + 100)
    ratelimit.check("login_user", "liwei", now=now + 100)


def test_the_api_answers_429_per_address_with_retry_after(client: Client, settings: Any) -> None:
    settings.XINYONG_RATE_LIMITS = {**settings.XINYONG_RATE_LIMITS, "api_ip": "3/m"}
    for _ in range(3):
        assert client.get(WHOAMI).status_code == 401  # counted even without credentials
    response = client.get(WHOAMI)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/problem+json")
    assert 1 <= int(response["Retry-After"]) <= 60
    body = response.json()
    assert body["code"] == "RATE_LIMITED" and body["status"] == 429
    assert "请求过于频繁" in body["detail_zh"] and "Too many requests" in body["detail_en"]
    assert response["X-Request-ID"]
    # another address is not affected; pages outside the API are not limited here
    assert client.get(WHOAMI, REMOTE_ADDR="192.0.2.7").status_code == 401
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_the_api_answers_429_per_token(
    client: Client, settings: Any, issue_token: Callable[..., IssuedToken]
) -> None:
    settings.XINYONG_RATE_LIMITS = {**settings.XINYONG_RATE_LIMITS, "api_token": "2/m"}
    first, second = issue_token(), issue_token()

    def get(value: str, addr: str) -> int:
        return client.get(
            WHOAMI, HTTP_AUTHORIZATION=f"Bearer {value}", REMOTE_ADDR=addr
        ).status_code

    # the same token from two addresses shares one limit
    assert get(first.value, "192.0.2.1") == 200
    assert get(first.value, "192.0.2.2") == 200
    response = client.get(
        WHOAMI, HTTP_AUTHORIZATION=f"Bearer {first.value}", REMOTE_ADDR="192.0.2.3"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "RATE_LIMITED"
    assert int(response["Retry-After"]) >= 1
    assert get(second.value, "192.0.2.1") == 200


def test_the_client_address_comes_from_trusted_proxies_only(settings: Any) -> None:
    from django.test import RequestFactory

    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    settings.XINYONG_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.9"  # a client cannot choose its address
    settings.XINYONG_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.5"  # what our one proxy saw
    settings.XINYONG_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"

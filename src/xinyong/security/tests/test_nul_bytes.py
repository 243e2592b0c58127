"""A NUL character in the URL or the query string is refused before any view (found by
schemathesis on PostgreSQL: ``GET /api/v1/lists/types?side=…%00…`` reached the database)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/lists/types?side=a%00b",
        "/api/v1/lists/entries?type=%00",
        "/search/?q=%E6%9F%90%00",
        "/api/v1/catalog/items?x%00=1",
    ],
)
def test_a_nul_byte_is_a_clear_400(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "REQUEST_NUL_BYTE"
    assert "U+0000" in body["detail_zh"] and "U+0000" in body["detail_en"]


def test_the_same_requests_without_it_are_served(client: Client) -> None:
    assert client.get("/api/v1/lists/types?side=serious").status_code == 200
    assert client.get("/search/?q=%E6%9F%90").status_code == 200

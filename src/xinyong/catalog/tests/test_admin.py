"""The read-only admin pages of catalog items and code lists."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from xinyong.catalog.models import CatalogCodeList, CatalogItem
from xinyong.core.models import User
from xinyong.policy.loader import FileOutcome


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_staff_can_read_items_but_not_change_them(
    loaded_policy: list[FileOutcome], make_user: Callable[..., User]
) -> None:
    client = _client(make_user())
    response = client.get(reverse("admin:catalog_catalogitem_changelist"))
    assert response.status_code == 200
    assert "行政处罚信息" in response.content.decode()
    item = CatalogItem.objects.get(code="CF", edition__edition="2024")
    response = client.get(reverse("admin:catalog_catalogitem_change", args=[item.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "CF_CFLB" in page and "penalty_category" in page
    assert client.get(reverse("admin:catalog_catalogitem_add")).status_code == 403
    response = client.post(
        reverse("admin:catalog_catalogitem_delete", args=[item.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert CatalogItem.objects.filter(pk=item.pk).exists()
    code_list = CatalogCodeList.objects.get(code="penalty_category", edition__edition="2024")
    response = client.get(reverse("admin:catalog_catalogcodelist_change", args=[code_list.pk]))
    assert response.status_code == 200 and "吊销执照" in response.content.decode()


def test_anonymous_is_sent_to_the_login_page(loaded_policy: list[FileOutcome]) -> None:
    response = _client(None).get(reverse("admin:catalog_catalogitem_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_supplement_pasted_in_the_admin_is_loaded_and_audited(db: None) -> None:
    from datetime import date

    from xinyong.audit.events import EventType
    from xinyong.audit.models import AuditEvent
    from xinyong.catalog.queries import catalog_item
    from xinyong.catalog.tests.samples import SUPPLEMENT
    from xinyong.core.actions import do_create_user

    root = do_create_user(username="root", password="correct-horse-9", is_superuser=True,
                          acting_user=None, actor_label="test")  # fmt: skip
    response = _client(root).post(
        reverse("admin:policy_policyedition_add"), {"toml_text": SUPPLEMENT}
    )
    assert response.status_code == 302
    assert catalog_item("T_ONE", on=date(2024, 6, 1)).edition == "catalog/test-supplement@1"
    event = AuditEvent.objects.get(event_type=EventType.CATALOG_EDITION_LOADED)
    assert event.actor_id == root.pk
    assert event.after is not None and event.after["origin"] == "admin"
    broken = SUPPLEMENT.replace('category = "test"', 'category = "nope"')
    response = _client(root).post(reverse("admin:policy_policyedition_add"), {"toml_text": broken})
    assert response.status_code == 200
    assert "CATALOG_REFERENCE_UNKNOWN" in response.content.decode()

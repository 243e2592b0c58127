"""The repair pages in Chinese: every message of the app is translated, and what a page shows
is the app's own translation — not another app's translation of the same English words
(Django merges the catalogs; apps listed earlier in INSTALLED_APPS and the project's
``locale/`` win). Ambiguous words use a context (``pgettext``: "repair")."""

from __future__ import annotations

import gettext
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

import xinyong.repair

MO = Path(xinyong.repair.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
PO = MO.with_suffix(".po")


def catalog() -> dict[str, str]:
    with MO.open("rb") as handle:
        found: dict[Any, str] = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return {k: v for k, v in found.items() if isinstance(k, str) and k}


def test_the_compiled_catalog_is_current_and_complete() -> None:
    entries = catalog()
    po = PO.read_text(encoding="utf-8")
    in_po = po.count("\nmsgid ") - 1  # without the header
    assert len(entries) == in_po, "compile the .po: msgfmt -o django.mo django.po"
    assert len(entries) > 150
    assert all(v.strip() for v in entries.values())
    assert 'msgstr ""\n\n' not in po.split("\n\n", 1)[1]  # no untranslated entry
    assert "#, fuzzy" not in po


def test_no_other_catalog_shadows_a_repair_translation() -> None:
    shadowed = []
    with translation.override("zh-hans"):
        for key, mine in catalog().items():
            if "\x04" in key:
                context, message = key.split("\x04", 1)
                shown = translation.pgettext(context, message)
            else:
                shown = translation.gettext(key)
            if shown != mine:
                shadowed.append((key, mine, shown))
    assert shadowed == []


@pytest.mark.django_db
def test_the_portal_pages_speak_chinese() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = client.get("/repair/apply/").content.decode()
    for text in ("申请信用修复", "信用承诺书", "履行义务的证明材料", "不收取任何费用", "提交申请"):
        assert text in html
    for english in ("Apply for credit repair", "Signed credit commitment", "Your name"):
        assert english not in html
    html = client.get("/repair/object/").content.decode()
    assert "异议事由" in html and "信息有误" in html and "Ground" not in html
    html = client.get("/repair/progress/").content.decode()
    assert "查询码" in html and "Query code" not in html

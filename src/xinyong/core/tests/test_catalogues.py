"""Every translation catalogue compiles cleanly and its compiled form is current.

Why: a catalogue with a wrong plural form or a stale ``.mo`` shows English (or nothing) in a
Chinese page without any error; ``msgfmt --check`` (gettext, installed by
``scripts/system-deps``) catches the first, comparing with a fresh compilation the second.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(SRC.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_there_are_catalogues() -> None:
    assert len(CATALOGUES) >= 5


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext not installed")
@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_the_catalogue_compiles_and_its_mo_is_current(po: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "django.mo"
    msgfmt = shutil.which("msgfmt")
    assert msgfmt
    result = subprocess.run(
        [msgfmt, "--check", "-o", str(fresh), str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    shipped = po.with_suffix(".mo")
    assert shipped.exists(), f"{shipped} missing: run msgfmt -o {shipped} {po}"
    assert shipped.read_bytes() == fresh.read_bytes(), f"{shipped} is stale: recompile it"

"""Settings from the environment and the ``xinyong`` console script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[4]


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xinyong.cli", *args],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_secrets(tmp_path: Path) -> None:
    env = {"XINYONG_ENV": "production", "XINYONG_VAR_DIR": str(tmp_path)}
    for name in ("XINYONG_SECRET_KEY", "XINYONG_FIELD_KEYS", "XINYONG_HASH_KEY"):
        env[name] = ""
    result = _run("check", env=env)
    assert result.returncode != 0
    assert "XINYONG_SECRET_KEY must be set in production" in result.stderr
    assert not (tmp_path / "secrets").exists()


def test_demo_secrets_are_made_once_and_kept(tmp_path: Path) -> None:
    env = {
        "XINYONG_ENV": "demo",
        "XINYONG_VAR_DIR": str(tmp_path),
        "XINYONG_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    for name in ("XINYONG_SECRET_KEY", "XINYONG_FIELD_KEYS", "XINYONG_HASH_KEY"):
        env[name] = ""
    assert _run("check", env=env).returncode == 0
    key_file = tmp_path / "secrets" / "xinyong_secret_key"
    first = key_file.read_text()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert _run("check", env=env).returncode == 0
    assert key_file.read_text() == first


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode() -> None:
    if connection.vendor != "sqlite":
        assert connection.vendor == "postgresql"
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"

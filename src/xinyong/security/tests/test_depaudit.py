"""The dependency audit wrapper tells "audited, clean" from "not audited" and "vulnerable"."""

from __future__ import annotations

import json

from xinyong.security.depaudit import NOT_AUDITED, interpret


def _report(*deps: dict[str, object]) -> str:
    return json.dumps({"dependencies": list(deps), "fixes": []})


def test_every_package_skipped_is_not_a_pass() -> None:
    out = _report(
        {"name": "django", "version": "6.1.3", "skip_reason": "Dependency not found on PyPI"},
        {"name": "ninja", "version": "1.7", "skip_reason": "Dependency not found on PyPI"},
    )
    code, message = interpret(0, out, "", "pypi")
    assert code == NOT_AUDITED and "NOT AUDITED" in message and "2 packages" in message


def test_a_vulnerability_fails_with_its_advisory_and_fix() -> None:
    out = _report(
        {"name": "django", "version": "6.1.0", "vulns": [
            {"id": "PYSEC-2026-1", "fix_versions": ["6.1.1"]}]},
        {"name": "segno", "version": "1.6", "vulns": []},
    )  # fmt: skip
    code, message = interpret(1, out, "", "pypi")
    assert code == 1 and "django 6.1.0: PYSEC-2026-1 (fix: 6.1.1)" in message


def test_clean_audit_passes_and_names_partial_skips() -> None:
    out = _report(
        {"name": "django", "version": "6.1.3", "vulns": []},
        {"name": "local-pkg", "version": "1", "skip_reason": "not on PyPI"},
    )
    code, message = interpret(0, out, "", "pypi")
    assert code == 0 and "audited 1 packages" in message and "local-pkg" in message


def test_connection_failure_is_not_audited() -> None:
    code, message = interpret(1, "", "ConnectionError: api.osv.dev unreachable", "osv")
    assert code == NOT_AUDITED and "unreachable" in message

"""Small policy texts the tests start from (valid; tests break them on purpose)."""

from __future__ import annotations

SETTINGS_LOCAL = """
kind = "settings"
code = "local-demo"
edition = "2026.1"
effective_from = 2026-01-01
jurisdiction = "local"
legal_source = "示范市社会信用条例实施细则（测试）"

[[settings]]
key = "listing.objection_answer_working_days"
value = 3
legal_source = "seed 000（喀什）"
"""

REGIMES_MINIMAL = """
kind = "regimes"
code = "test-regimes"
edition = "1"
effective_from = 2019-07-01
jurisdiction = "national"
legal_source = "测试"

[[regimes]]
code = "first"
name_zh = "第一制度"
name_en = "First regime"
legal_source = "测试一号"
decisions_from = 2019-07-01
decisions_to = 2023-04-30

[regimes.severities.general]
published = "required"
min_months = 3
max_months = 12
repairable = true
"""


def settings_text(
    *,
    code: str = "test-settings",
    edition: str = "1",
    jurisdiction: str = "national",
    effective_from: str = "2020-01-01",
    effective_to: str | None = None,
    supersedes: str | None = None,
    key: str = "objection.answer_working_days",
    value: int = 10,
) -> str:
    """A one-setting edition; every header value can be varied."""
    lines = [
        'kind = "settings"',
        f'code = "{code}"',
        f'edition = "{edition}"',
        f"effective_from = {effective_from}",
        f'jurisdiction = "{jurisdiction}"',
        'legal_source = "测试依据"',
    ]
    if effective_to:
        lines.append(f"effective_to = {effective_to}")
    if supersedes:
        lines.append(f'supersedes = "{supersedes}"')
    lines += ["", "[[settings]]", f'key = "{key}"', f"value = {value}", 'legal_source = "测试"']
    return "\n".join(lines) + "\n"

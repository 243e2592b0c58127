"""Row issues: the field-level errors and warnings stored on a batch row.

Why this exists: a rejected row must tell the clerk which field is wrong and why, in Chinese
and English, with a stable code a department system can act on; an accepted row may carry
warnings (reported late, name differs from the register …). The catalog's validation gives
``RowIssue`` objects; collection adds its own (duplicates in a batch, withdrawn records,
subject conflicts). All are stored as plain dicts in ``BatchRow.issues``.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

Level = Literal["error", "warning"]


class IssueLike(Protocol):
    @property
    def field(self) -> str | None: ...

    @property
    def code(self) -> str: ...

    @property
    def message_zh(self) -> str: ...

    @property
    def message_en(self) -> str: ...


def issue(
    field: str, code: str, message_zh: str, message_en: str, *, level: Level = "error"
) -> dict[str, Any]:
    """One issue as stored: ``{field, code, level, message_zh, message_en}``."""
    return {
        "field": field,
        "code": code,
        "level": level,
        "message_zh": message_zh,
        "message_en": message_en,
    }


def from_row_issue(found: IssueLike, *, level: Level) -> dict[str, Any]:
    return issue(found.field or "", found.code, found.message_zh, found.message_en, level=level)


def describe(issues: list[dict[str, Any]] | None) -> str:
    """The issues as one cell of text, Chinese then English, e.g. for the error column."""
    parts = []
    for found in issues or ():
        where = f"[{found['field']}] " if found.get("field") else ""
        tag = "" if found.get("level", "error") == "error" else "（警告 warning）"
        parts.append(f"{where}{found['code']}{tag}: {found['message_zh']} / {found['message_en']}")
    return "\n".join(parts)

"""Strict, typed reading of policy TOML tables, shared by the kind handlers (no database).

Why this exists: every policy file is reviewed by people but typed by people too. A misspelt
key, a number written as text or an impossible date must stop the load with a stable code
and a message, in Chinese and English, that names the file and the full key path
(``regimes[1].severities.serious.max_months``), instead of loading a silently wrong rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from xinyong.policy.errors import PolicyFileError, file_error

#: Keys every policy file has at the top level (RULES: each file states its effective dates
#: and its legal source).
HEADER_REQUIRED: Final = (
    "kind",
    "code",
    "edition",
    "effective_from",
    "jurisdiction",
    "legal_source",
)
HEADER_OPTIONAL: Final = ("effective_to", "note", "supersedes")

CODE_RE: Final = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
EDITION_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
ITEM_CODE_RE: Final = re.compile(r"[a-z0-9][a-z0-9_.-]{0,99}")
_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class EditionHeader:
    """The validated top-level keys of a policy file."""

    kind: str
    code: str
    edition: str
    jurisdiction: str
    effective_from: date
    effective_to: date | None
    legal_source: str
    note: str
    supersedes: str | None

    def covers(self, start: date, end: date | None) -> bool:
        """Whether ``[start, end]`` (``end`` None = open) lies inside the edition's range."""
        if start < self.effective_from:
            return False
        if self.effective_to is None:
            return True
        return end is not None and end <= self.effective_to


class Fields:
    """One TOML table of a policy file, read with typed getters that refuse bad values.

    ``path`` is the key path of the table inside the file (``""`` at the top level), used in
    messages: a clerk can find ``regimes[2].severities.light.max_months`` in the file.
    """

    def __init__(self, table: Mapping[str, Any], *, source: str, path: str = "") -> None:
        self.table = table
        self.source = source
        self.path = path

    # -- messages ----------------------------------------------------------------------------

    def key_path(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error(self, code: str, key: str, zh: str, en: str) -> PolicyFileError:
        label = self.key_path(key)
        return file_error(code, self.source, f"{label} {zh}", f"{label} {en}", key=label)

    def bad(self, key: str, zh: str, en: str) -> PolicyFileError:
        return self.error("POLICY_BAD_VALUE", key, zh, en)

    # -- keys --------------------------------------------------------------------------------

    def __contains__(self, key: str) -> bool:
        return key in self.table

    def require(self, keys: Iterable[str]) -> None:
        """Every key in ``keys`` is present (``POLICY_MISSING_KEY`` names the first absent)."""
        for key in keys:
            if key not in self.table:
                label = self.key_path(key)
                raise file_error(
                    "POLICY_MISSING_KEY",
                    self.source,
                    f"缺少必填项 {label}。",
                    f"required key {label} is missing.",
                    key=label,
                )

    def check_keys(self, required: Iterable[str], optional: Iterable[str] = ()) -> None:
        """Every required key present, no key outside ``required`` and ``optional``."""
        required = tuple(required)
        optional = tuple(optional)
        self.require(required)
        for key in self.table:
            if key not in required and key not in optional:
                label = self.key_path(key)
                allowed = ", ".join((*required, *optional))
                raise file_error(
                    "POLICY_UNKNOWN_KEY",
                    self.source,
                    f"未定义的项 {label}（可用：{allowed}），是否拼写有误？",
                    f"unknown key {label} (allowed: {allowed}); a typo?",
                    key=label,
                )

    # -- scalar getters ----------------------------------------------------------------------

    def text(self, key: str, *, default: str | None = None, allow_empty: bool = False) -> str:
        if key not in self.table and default is not None:
            return default
        value = self.table[key]
        if not isinstance(value, str):
            raise self.bad(
                key, f"应为字符串，实为 {value!r}。", f"must be a string, got {value!r}."
            )
        if not allow_empty and not value.strip():
            raise self.bad(key, "不能为空。", "must not be empty.")
        return value.strip()

    def code(self, key: str, pattern: re.Pattern[str] = ITEM_CODE_RE) -> str:
        value = self.text(key)
        if not pattern.fullmatch(value):
            raise self.bad(
                key,
                f"的值 {value!r} 不合规范（小写字母、数字、连字符）。",
                f"= {value!r} is not a valid code (lowercase letters, digits, hyphens).",
            )
        return value

    def integer(self, key: str, *, minimum: int = 0, maximum: int = 10_000) -> int:
        value = self.table[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.bad(
                key, f"应为整数，实为 {value!r}。", f"must be an integer, got {value!r}."
            )
        if not minimum <= value <= maximum:
            raise self.bad(
                key,
                f"应在 {minimum} 至 {maximum} 之间，实为 {value}。",
                f"must be between {minimum} and {maximum}, got {value}.",
            )
        return value

    def boolean(self, key: str, *, default: bool | None = None) -> bool:
        if key not in self.table and default is not None:
            return default
        value = self.table[key]
        if not isinstance(value, bool):
            raise self.bad(
                key,
                f"应为 true 或 false，实为 {value!r}。",
                f"must be true or false, got {value!r}.",
            )
        return value

    def choice(self, key: str, choices: Iterable[str]) -> str:
        allowed = tuple(choices)
        value = self.text(key)
        if value not in allowed:
            raise self.bad(
                key,
                f"的值 {value!r} 不在可选值 {', '.join(allowed)} 之中。",
                f"= {value!r} is not one of {', '.join(allowed)}.",
            )
        return value

    def date_value(self, key: str) -> date:
        """A TOML local date (``2026-04-01``) or the same as a string (``"2026-04-01"``)."""
        value = self.table[key]
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.error(
            "POLICY_BAD_DATE",
            key,
            f"的值 {value!r} 不是有效日期（应为 YYYY-MM-DD）。",
            f"= {value!r} is not a valid date (expected YYYY-MM-DD).",
        )

    def optional_date(self, key: str) -> date | None:
        return self.date_value(key) if key in self.table else None

    def date_range(self, start_key: str, end_key: str) -> tuple[date, date | None]:
        """A start date and an optional end date that is not before it."""
        start = self.date_value(start_key)
        end = self.optional_date(end_key)
        if end is not None and end < start:
            raise self.error(
                "POLICY_DATE_ORDER",
                end_key,
                f"（{end.isoformat()}）早于 {self.key_path(start_key)}（{start.isoformat()}）。",
                f"({end.isoformat()}) is before {self.key_path(start_key)} ({start.isoformat()}).",
            )
        return start, end

    def range_in_edition(
        self,
        header: EditionHeader,
        start_key: str = "effective_from",
        end_key: str = "effective_to",
        *,
        inherit: bool = True,
    ) -> tuple[date, date | None]:
        """The dates of an entry inside an edition, which must lie inside the edition's range.

        With ``inherit`` a missing start or end is the edition's own; otherwise the start is
        required and a missing end means open-ended.
        """
        if not inherit:
            start, end = self.date_range(start_key, end_key)
        else:
            start = self.date_value(start_key) if start_key in self.table else header.effective_from
            end = self.optional_date(end_key) if end_key in self.table else header.effective_to
            if end is not None and end < start:
                raise self.error(
                    "POLICY_DATE_ORDER",
                    end_key,
                    f"（{end}）早于 {start_key}（{start}）。",
                    f"({end}) is before {start_key} ({start}).",
                )
        if not header.covers(start, end):
            raise self.error(
                "POLICY_RANGE_OUTSIDE_EDITION",
                start_key,
                f"{start}–{end or ''} 超出本版本的有效期（{header.effective_from}–"
                f"{header.effective_to or ''}）。",
                f"{start}–{end or ''} lies outside the edition's effective range "
                f"({header.effective_from}–{header.effective_to or ''}).",
            )
        return start, end

    # -- nested tables -----------------------------------------------------------------------

    def table_at(self, key: str) -> Fields:
        value = self.table[key]
        if not isinstance(value, dict):
            raise self.bad(key, "应为表（[table]）。", "must be a table ([table]).")
        return Fields(value, source=self.source, path=self.key_path(key))

    def tables(self, key: str, *, non_empty: bool = False) -> list[Fields]:
        """An array of tables (``[[key]]``); absent means empty."""
        if key not in self.table:
            if non_empty:
                raise self.bad(key, "不能为空。", "must not be empty.")
            return []
        value = self.table[key]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.bad(
                key, f"应为表数组（[[{key}]]）。", f"must be an array of tables ([[{key}]])."
            )
        if non_empty and not value:
            raise self.bad(key, "不能为空。", "must not be empty.")
        return [
            Fields(v, source=self.source, path=f"{self.key_path(key)}[{i}]")
            for i, v in enumerate(value)
        ]


def read_header(doc: Mapping[str, Any], *, source: str) -> EditionHeader:
    """Validate the top-level keys common to every kind (kind already known to exist)."""
    from xinyong.policy.choices import Jurisdiction

    top = Fields(doc, source=source)
    top.require(HEADER_REQUIRED)
    code = top.code("code", CODE_RE)
    edition = top.text("edition")
    if not EDITION_RE.fullmatch(edition):
        raise top.bad(
            "edition",
            f"的值 {edition!r} 不合规范（字母、数字、点、连字符，至多32个字符）。",
            f"= {edition!r} is not a valid edition name (letters, digits, '.', '-', '_'; "
            "at most 32 characters).",
        )
    jurisdiction = top.text("jurisdiction")
    if jurisdiction not in Jurisdiction.values:
        raise top.error(
            "POLICY_JURISDICTION_UNKNOWN",
            "jurisdiction",
            f"的值 {jurisdiction!r} 不是 national、provincial 或 local。",
            f"= {jurisdiction!r} is not national, provincial or local.",
        )
    effective_from, effective_to = top.date_range("effective_from", "effective_to")
    supersedes = top.text("supersedes") if "supersedes" in doc else None
    if supersedes == edition:
        raise top.bad("supersedes", "不能指向本版本自身。", "cannot name the edition itself.")
    return EditionHeader(
        kind=top.text("kind"),
        code=code,
        edition=edition,
        jurisdiction=jurisdiction,
        effective_from=effective_from,
        effective_to=effective_to,
        legal_source=top.text("legal_source"),
        note=top.text("note", default="", allow_empty=True),
        supersedes=supersedes,
    )


def item_list(fields: Fields, key: str, *, extra: Iterable[str] = ()) -> list[dict[str, Any]]:
    """An array of described items ``{code, zh, en, legal_source?, note?, unconfirmed?}``
    (conditions, materials, effects, listed acts), as JSON."""
    extra = tuple(extra)
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in fields.tables(key):
        item.check_keys(("code", "zh", "en"), ("legal_source", "note", "unconfirmed", *extra))
        code = item.code("code")
        if code in seen:
            raise item.bad("code", f"重复：{code}。", f"is a duplicate: {code}.")
        seen.add(code)
        entry: dict[str, Any] = {
            "code": code,
            "zh": item.text("zh"),
            "en": item.text("en"),
            "legal_source": item.text("legal_source", default="", allow_empty=True),
            "note": item.text("note", default="", allow_empty=True),
            "unconfirmed": item.boolean("unconfirmed", default=False),
        }
        for key_extra in extra:
            if key_extra in item:
                entry[key_extra] = item.text(key_extra)
        items.append(entry)
    return items

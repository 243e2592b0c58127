"""Coded errors of the policy data: refused files, refused editions, failed look-ups.

Codes are stable (never renamed or reused) and listed in :data:`POLICY_FILE_ERROR_CODES`
and ``docs/policy-data.md``. Every message names the file (or the admin source) and the key.
"""

from __future__ import annotations

from typing import Any, Final

from xinyong.errors import CodedError, Conflict, NotFound

#: Codes a policy file can be refused with before it touches the database.
POLICY_FILE_ERROR_CODES: Final = frozenset(
    {
        "POLICY_FILE_UNREADABLE",  # cannot be read or is not UTF-8
        "POLICY_TOML_SYNTAX",  # not valid TOML
        "POLICY_MISSING_KEY",  # a required key is absent
        "POLICY_UNKNOWN_KEY",  # a key the format does not define (typo guard)
        "POLICY_BAD_VALUE",  # wrong type, empty text, bad code or edition name
        "POLICY_BAD_DATE",  # not a valid YYYY-MM-DD date
        "POLICY_DATE_ORDER",  # an end date before its start date
        "POLICY_KIND_UNKNOWN",  # kind not in policy/kinds.py
        "POLICY_KIND_UNEXPECTED",  # e.g. a regimes file given to `workdays import`
        "POLICY_JURISDICTION_UNKNOWN",  # not national / provincial / local
        "POLICY_RANGE_OUTSIDE_EDITION",  # an item dated outside its edition's range
        "REGIMES_OVERLAP",  # two regimes claim the same decision date
        "SETTING_UNKNOWN",  # a settings key not in SETTING_DEFINITIONS
        "SETTING_DUPLICATE",  # the same settings key twice with overlapping dates
    }
)


class PolicyFileError(CodedError):
    """A policy file (or pasted text) was refused before loading. ``details['key']`` names
    the offending key where there is one, ``details['source']`` the file."""

    status = 422
    code = "POLICY_FILE_INVALID"


class PolicyEditionConflict(Conflict):
    """The same (kind, code, edition) was loaded before with a different content."""

    code = "POLICY_EDITION_CONFLICT"


class PolicyEditionOverlap(Conflict):
    """The effective range overlaps an edition in force of the same kind, code and
    jurisdiction, and the new edition does not declare that it supersedes it."""

    code = "POLICY_EDITION_OVERLAP"


class PolicySupersedeInvalid(Conflict):
    """``supersedes`` names an edition that does not exist, is retired or already
    superseded."""

    code = "POLICY_SUPERSEDE_INVALID"


class PolicyEditionRetired(Conflict):
    code = "POLICY_EDITION_RETIRED"


class RegimeNotFound(NotFound):
    """No publication and repair regime governs decisions of that date."""

    code = "REGIME_NOT_FOUND"


class RegimeRuleNotDefined(NotFound):
    """The governing regime defines no rule for that severity (e.g. 'light' before
    2026-04-01)."""

    code = "REGIME_RULE_NOT_DEFINED"


class SeverityUnknown(CodedError):
    status = 422
    code = "SEVERITY_UNKNOWN"


class SettingNotFound(NotFound):
    code = "SETTING_NOT_FOUND"


class SettingUnknown(CodedError):
    status = 422
    code = "SETTING_UNKNOWN"


class SettingAmbiguous(Conflict):
    """Two editions of the same jurisdiction level set the same key for the same dates."""

    code = "SETTING_AMBIGUOUS"


def file_error(code: str, source: str, zh: str, en: str, **details: Any) -> PolicyFileError:
    """A :class:`PolicyFileError` whose messages start with the source's name."""
    if code not in POLICY_FILE_ERROR_CODES and not code.startswith("CALENDAR_"):
        raise ValueError(f"unknown policy file error code {code!r}")
    return PolicyFileError(code, f"{source}：{zh}", f"{source}: {en}", source=source, **details)

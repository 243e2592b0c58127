"""Coded errors of objections and credit repair (stable codes, never reused; listed in
docs/repair.md). A refusal changes nothing: every check runs before the first write."""

from __future__ import annotations

from typing import Any

from xinyong.errors import CodedError, Conflict, NotFound


class RepairNotFound(NotFound):
    """An objection, application or record the caller may not see or that does not exist
    (404: the platform does not confirm that it exists)."""

    code = "REPAIR_NOT_FOUND"


class RepairRefused(CodedError):
    """A rule refuses the request; ``code`` names the rule (docs/repair.md, "Refusals")."""

    status = 422


class RepairConflict(Conflict):
    """The request does not fit the current state (decided twice, duplicate application)."""

    code = "REPAIR_CONFLICT"


def refused(code: str, zh: str, en: str, **details: Any) -> RepairRefused:
    return RepairRefused(code, zh, en, **details)


def conflict(code: str, zh: str, en: str, **details: Any) -> RepairConflict:
    return RepairConflict(code, zh, en, **details)

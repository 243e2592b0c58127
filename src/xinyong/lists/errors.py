"""Coded errors of the lists domain (stable codes, never reused; listed in docs/lists.md).

Refusals of a list-types file at load time are :class:`~xinyong.policy.errors.PolicyFileError`
with a code of their own (``LIST_TYPE_DOMAIN_INVALID`` …); refusals of the procedure are the
classes below.
"""

from __future__ import annotations

from typing import Any, Final

from xinyong.errors import CodedError, Conflict, NotFound
from xinyong.policy.errors import PolicyFileError

#: Codes a list-types file can be refused with, besides the common POLICY_* codes.
LIST_TYPE_FILE_ERROR_CODES: Final = frozenset(
    {
        "LIST_TYPE_DOMAIN_INVALID",  # a serious list type outside the four domains of 49号
        "LIST_TYPE_DUPLICATE",  # the same list type code twice in a file
        "LIST_TYPE_TERM_INVALID",  # extension rule or term bounds that do not fit together
    }
)


def list_file_error(code: str, source: str, key: str, zh: str, en: str) -> PolicyFileError:
    """A load-time refusal naming the file and the key path."""
    if code not in LIST_TYPE_FILE_ERROR_CODES:
        raise ValueError(f"unknown list-type file error code {code!r}")
    return PolicyFileError(
        code, f"{source}：{key} {zh}", f"{source}: {key} {en}", source=source, key=key
    )


class ListTypeNotFound(NotFound):
    """No list type with that code is in force on the date."""

    code = "LIST_TYPE_NOT_FOUND"


class ListingCaseNotFound(NotFound):
    code = "LISTING_CASE_NOT_FOUND"


class ListingTransitionInvalid(Conflict):
    """The action is not allowed in the case's current state (``details``: state, action)."""

    code = "LISTING_TRANSITION_INVALID"


class ListingStale(Conflict):
    """The case changed since the form was shown (``details``: expected and current version)."""

    code = "LISTING_STALE"


class ListingRefused(CodedError):
    """A procedural rule refuses the action; ``code`` names the rule (see docs/lists.md)."""

    status = 422


class ListingConflict(Conflict):
    """The action conflicts with the case's dates or history; ``code`` names the rule."""


def refused(code: str, zh: str, en: str, **details: Any) -> ListingRefused:
    return ListingRefused(code, zh, en, **details)


def conflict(code: str, zh: str, en: str, **details: Any) -> ListingConflict:
    return ListingConflict(code, zh, en, **details)

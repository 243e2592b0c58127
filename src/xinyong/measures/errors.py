"""Coded errors of the measure list and memoranda (stable codes; docs/measures.md)."""

from __future__ import annotations

from typing import Final

from xinyong.errors import CodedError, Conflict
from xinyong.policy.errors import PolicyFileError

#: Codes a measures or memoranda file can be refused with, besides the POLICY_* codes.
MEASURE_FILE_ERROR_CODES: Final = frozenset(
    {
        "MEASURE_DUPLICATE",  # the same measure code twice in a file
        "MEASURE_CLASS_UNKNOWN",  # a measure's class is not a class of the base list
        "MEASURE_SUPPLEMENT_SCOPE",  # a supplement outside its scope (national, or new classes)
    }
)


def measure_file_error(code: str, source: str, key: str, zh: str, en: str) -> PolicyFileError:
    if code not in MEASURE_FILE_ERROR_CODES:
        raise ValueError(f"unknown measure file error code {code!r}")
    return PolicyFileError(
        code, f"{source}：{key} {zh}", f"{source}: {key} {en}", source=source, key=key
    )


class MeasureNotInList(CodedError):
    """The measure is on no measure list in force on the date (RULES §5: no measure outside
    the list)."""

    status = 422
    code = "MEASURE_NOT_IN_LIST"


class MeasureNotConnected(CodedError):
    """No memorandum in force binds the list type to the measure: applying it would not be
    proportionate to the listing (seed 003: 遵循合法、关联、比例原则; seed 000: 轻重适度)."""

    status = 422
    code = "MEASURE_NOT_CONNECTED"


class MeasureTargetMismatch(CodedError):
    """The measure does not target this kind of subject."""

    status = 422
    code = "MEASURE_TARGET_MISMATCH"


class MeasureCodeClash(Conflict):
    """A supplement redefines a code of the base list."""

    code = "MEASURE_CODE_CLASH"


class MemorandumReferenceUnknown(CodedError):
    """A memorandum names a list type or a measure that no loaded edition defines."""

    status = 422
    code = "MEMORANDUM_REFERENCE_UNKNOWN"

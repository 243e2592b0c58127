"""Coded errors of the core domain."""

from __future__ import annotations

from xinyong.errors import CodedError, Conflict


class IdentifierInvalid(CodedError):
    """An identifier failed validation; ``code`` is the identifier rule's own code."""

    status = 422


class SubjectExists(Conflict):
    code = "SUBJECT_EXISTS"


class SubjectIdentityConflict(Conflict):
    code = "SUBJECT_IDENTITY_CONFLICT"


class DepartmentExists(Conflict):
    code = "DEPARTMENT_EXISTS"


class DivisionInvalid(CodedError):
    status = 422
    code = "DIVISION_INVALID"


class UserExists(Conflict):
    code = "USER_EXISTS"

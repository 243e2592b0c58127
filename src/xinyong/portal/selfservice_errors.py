"""Coded errors of subject self-service (docs/portal.md, "Self-service")."""

from __future__ import annotations

from xinyong.errors import CodedError, Conflict, NotFound


class SubjectAccountExists(Conflict):
    code = "SUBJECT_ACCOUNT_EXISTS"

    def __init__(self) -> None:
        super().__init__(
            message_zh="该主体已有自助服务账户。",
            message_en="This subject already has a self-service account.",
        )


class SubjectUnknown(NotFound):
    code = "SUBJECT_UNKNOWN"

    def __init__(self) -> None:
        super().__init__(
            message_zh="未找到该代码对应的主体：请核对统一社会信用代码或身份证号码。",
            message_en="No subject has this code: check the unified social credit code or the "
            "ID number.",
        )


class SubjectPasswordTooShort(CodedError):
    status = 422
    code = "SUBJECT_PASSWORD_TOO_SHORT"

    def __init__(self, minimum: int) -> None:
        super().__init__(
            message_zh=f"密码至少需要 {minimum} 个字符。",
            message_en=f"The password needs at least {minimum} characters.",
            minimum=minimum,
        )

"""The staff second factor: enrolling an authenticator, checking its codes, resetting it,
and the audit event of a completed staff log-in.

Time is a parameter (``at``) so that tests compute real codes for a chosen instant instead
of mocking the clock or our own functions.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core import crypto
from xinyong.core.models import User
from xinyong.core.permissions import is_platform_admin
from xinyong.errors import PermissionDenied
from xinyong.security import totp
from xinyong.security.errors import (
    ReasonRequired,
    TotpAlreadyEnrolled,
    TotpCodeInvalid,
    TotpNotEnrolled,
)
from xinyong.security.models import TotpDevice

_WRONG_CODE_ZH = "验证码不正确或已使用，请输入身份验证器当前显示的 6 位数字"
_WRONG_CODE_EN = "the code is wrong or was already used; enter the 6 digits your app shows now"


def device_secret(device: TotpDevice) -> str:
    return crypto.decrypt(device.secret_encrypted)


@transaction.atomic
def do_start_totp_enrolment(user: User, *, acting_user: User | None) -> tuple[TotpDevice, str]:
    """The user's pending authenticator and its secret, made on first call.

    Calling again before confirmation returns the same secret (the page can be reloaded, the
    QR code scanned later); after confirmation it refuses (reset first).
    """
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is not None:
        if device.confirmed:
            raise TotpAlreadyEnrolled(
                message_zh="已绑定身份验证器；如需更换，请平台管理员重置",
                message_en="an authenticator is already enrolled; ask an administrator to reset it",
            )
        return device, device_secret(device)
    secret = totp.new_secret()
    device = TotpDevice.objects.create(user=user, secret_encrypted=crypto.encrypt(secret))
    record_event(EventType.TOTP_ENROLMENT_STARTED, acting_user=acting_user, obj=user)
    return device, secret


def _accept(device: TotpDevice, code: str, at: datetime) -> int:
    step = totp.matching_step(device_secret(device), code, at.timestamp())
    if step is None:
        raise TotpCodeInvalid(message_zh=_WRONG_CODE_ZH, message_en=_WRONG_CODE_EN)
    if step <= device.last_used_step:
        # RFC 6238 §5.2: a code accepted once is never accepted again.
        raise TotpCodeInvalid(
            code="TOTP_CODE_REUSED", message_zh=_WRONG_CODE_ZH, message_en=_WRONG_CODE_EN
        )
    return step


@transaction.atomic
def do_confirm_totp_device(
    user: User, code: str, *, acting_user: User | None, at: datetime | None = None
) -> TotpDevice:
    """Confirm a pending authenticator with one of its codes; from now on log-in asks for it."""
    at = at or timezone.now()
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        raise TotpNotEnrolled(
            message_zh="尚未开始绑定身份验证器", message_en="no authenticator enrolment started"
        )
    if device.confirmed:
        raise TotpAlreadyEnrolled(
            message_zh="身份验证器已绑定", message_en="the authenticator is already confirmed"
        )
    device.last_used_step = _accept(device, code, at)
    device.confirmed_at = at
    device.last_used_at = at
    device.save(update_fields=["last_used_step", "confirmed_at", "last_used_at"])
    record_event(EventType.TOTP_DEVICE_CONFIRMED, acting_user=acting_user, obj=user)
    return device


@transaction.atomic
def do_verify_totp_code(user: User, code: str, *, at: datetime | None = None) -> TotpDevice:
    """Accept a code of the user's confirmed authenticator once, or raise TOTP_CODE_INVALID.

    The accepted step is written (replay protection) but not audited by itself: the log-in
    it completes is, by ``do_record_staff_login`` in the caller's transaction.
    """
    at = at or timezone.now()
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None or not device.confirmed:
        raise TotpNotEnrolled(
            message_zh="尚未绑定身份验证器", message_en="no authenticator is enrolled"
        )
    device.last_used_step = _accept(device, code, at)
    device.last_used_at = at
    device.save(update_fields=["last_used_step", "last_used_at"])
    return device


@transaction.atomic
def do_reset_totp_device(
    user: User, *, reason: str, acting_user: User | None, actor_label: str = ""
) -> bool:
    """Remove a user's authenticator (lost phone); the next log-in enrols a new one.

    Platform administrators only (or the platform, from a command), with a reason. Returns
    whether there was a device.
    """
    if acting_user is not None and not is_platform_admin(acting_user):
        raise PermissionDenied(
            message_zh="只有平台管理员可以重置身份验证器",
            message_en="only a platform administrator may reset an authenticator",
        )
    if not reason.strip():
        raise ReasonRequired(
            message_zh="重置身份验证器须说明原因", message_en="say why the authenticator is reset"
        )
    deleted, _ = TotpDevice.objects.filter(user=user).delete()
    if deleted:
        record_event(
            EventType.TOTP_DEVICE_RESET,
            acting_user=acting_user,
            obj=user,
            actor_label=actor_label,
            after={"reason": reason.strip()[:500]},
        )
    return bool(deleted)


@transaction.atomic
def do_record_staff_login(user: User, *, second_factor: bool) -> None:
    """Audit a completed staff log-in (等保 2.0: 登录审计), naming the factors used."""
    record_event(
        EventType.STAFF_LOGGED_IN,
        acting_user=user,
        obj=user,
        after={"factors": ["password", "totp"] if second_factor else ["password"]},
    )

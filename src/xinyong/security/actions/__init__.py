"""Every state change of the security domain (STYLE.md §1): atomic, audited."""

from xinyong.security.actions.consent import (
    check_basis,
    do_record_consent,
    do_revoke_consent,
)
from xinyong.security.actions.keys import do_rotate_field_keys
from xinyong.security.actions.register import do_unmask_subject_id, record_access
from xinyong.security.actions.tokens import (
    authenticate_token,
    do_create_api_token,
    do_revoke_api_token,
    do_rotate_api_token,
)
from xinyong.security.actions.twofactor import (
    do_confirm_totp_device,
    do_record_staff_login,
    do_reset_totp_device,
    do_start_totp_enrolment,
    do_verify_totp_code,
)

__all__ = [
    "authenticate_token",
    "check_basis",
    "do_confirm_totp_device",
    "do_create_api_token",
    "do_record_consent",
    "do_record_staff_login",
    "do_reset_totp_device",
    "do_revoke_api_token",
    "do_revoke_consent",
    "do_rotate_api_token",
    "do_rotate_field_keys",
    "do_start_totp_enrolment",
    "do_unmask_subject_id",
    "do_verify_totp_code",
    "record_access",
]

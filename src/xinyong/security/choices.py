"""Enumerations of the security domain, labelled for people (zh-Hans through translations)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.core.choices import Role


class TokenScope(models.TextChoices):
    """What a department system may do with an API token (least privilege: one token per
    system and purpose, each with only the scopes it needs)."""

    REPORT = "report", _("Report credit information")
    CHECK = "check", _("Check subjects before a decision")
    READ_SHARED = "read_shared", _("Read shared (non-public) information")


#: The roles that give a logged-in staff member the same right as a token scope, in the
#: department where the role is held (the session side of ``auth.require_scope``).
SCOPE_ROLES: dict[str, tuple[Role, ...]] = {
    TokenScope.REPORT: (Role.DEPARTMENT_REPORTER,),
    TokenScope.CHECK: (Role.DEPARTMENT_CHECKER,),
    TokenScope.READ_SHARED: (Role.DEPARTMENT_CHECKER, Role.CREDIT_OFFICE_REVIEWER),
}


class LegalBasis(models.TextChoices):
    """Why a read of non-public data is lawful (个人信息保护法 art. 13; seeds 000 §2(1), 003:
    "必须有明确的法律、法规或者国务院决定、命令作为依据或经本人同意")."""

    STATUTORY_DUTY = "statutory_duty", _("Statutory duty (law, regulation or State Council act)")
    CONSENT = "consent", _("Consent of the person concerned")
    SUBJECT_REQUEST = "subject_request", _("Request of the subject about itself")
    AUDIT = "audit", _("Audit and supervision of the platform")


class ActorKind(models.TextChoices):
    """Who read: a staff member, a department system through its token, the platform."""

    USER = "user", _("Staff member")
    TOKEN = "token", _("Department system (API token)")
    SYSTEM = "system", _("Platform")

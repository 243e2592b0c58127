"""The self-service scenario of the demo (``xinyong.core.demo.scenarios``): the listed company
of the lists scenario gets a subject account, so that a new user can log in at ``/me/``.

It runs after the lists scenario (which lists one company after notice and objection) and
the repair scenario. The trading centre's checker checks the company once for government
procurement (``xinyong.checks``), so that "who checked me" shows an entry; the password is
published in docs/portal.md, like the staff passwords in docs/demo.md.
"""

from __future__ import annotations

from xinyong.core.demo.scenarios import DemoContext
from xinyong.errors import CodedError
from xinyong.lists.choices import CaseState
from xinyong.lists.models import ListingCase
from xinyong.portal.selfservice_actions import do_create_subject_account
from xinyong.portal.selfservice_models import SubjectAccount

PASSWORD = "xinyong-demo-subject"  # noqa: S105 - published demo password (docs/portal.md)


def load(context: DemoContext) -> list[str]:
    case = (
        ListingCase.objects.filter(state=CaseState.LISTED)
        .select_related("subject")
        .order_by("pk")
        .first()
    )
    if case is None:
        return ["Subject self-service skipped: no listed company (the lists scenario did not run)."]
    subject = case.subject
    code = subject.uscc or str(subject.pk)
    if not SubjectAccount.objects.filter(subject=subject).exists():
        do_create_subject_account(
            subject, password=PASSWORD, acting_user=None, actor_label="system:demo"
        )
    lines = [
        f"Subject self-service: log in at /me/login/ as {subject.name} with code {code} "
        f"and password {PASSWORD}."
    ]
    checker, trading = context.users.get("checker"), context.departments.get("trading")
    if checker is not None and trading is not None and subject.uscc:
        from xinyong.checks.actions import do_check_subject

        try:
            do_check_subject(
                subject.uscc,
                matter="government_procurement",
                purpose="政府采购供应商资格审查（演示）",
                department=trading,
                acting_user=checker,
                today=context.today,
            )
            lines.append('  Checked once by the trading centre: see "who checked me".')
        except CodedError as exc:
            lines.append(f"  No demo check ({exc.code}).")
    return lines

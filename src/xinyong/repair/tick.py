"""The periodic job of objections and repair: ``xinyong repair tick [--today DATE]`` (and
the ``repair_tick`` background task) call :func:`run_repair_tick`. Run it daily.

Why this exists (STYLE §5): the dates are stored on the rows; one idempotent job selects
what is due in bulk and calls the same actions a person would. What one run does with
``today`` (default: today in Asia/Shanghai):

1. listing objections answered in the listing procedure are mirrored on the portal's
   objection (``do_sync_listing_objection``);
2. subjects whose records become eligible for repair within N working days
   (``repair.eligibility_notice_working_days``; seed 000: 3) are told, once per record;
3. objections and applications past their due date → the department is told, once per due
   date; provisional due dates (calendar year not loaded) are only reported;
4. records whose publication period ended → publication stops (RULES §3: automatically at
   the maximum), through ``xinyong.records.actions.do_expire_records`` — the same action as
   ``xinyong records expire``. Listing terms end through ``xinyong lists tick``;
5. stored material files no material row refers to (an application that failed or rolled
   back after its files were written) and older than a day are deleted.

Running it twice on the same day changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef
from django.utils import timezone

from xinyong.errors import CodedError
from xinyong.lists.choices import ObjectionOutcome as ListOutcome
from xinyong.policy.jurisdiction_settings import policy_setting
from xinyong.records.actions import do_expire_records
from xinyong.records.choices import PublicationRule, RecordStatus
from xinyong.records.models import Record
from xinyong.repair.actions import (
    do_notify_overdue,
    do_notify_repair_eligibility,
    do_sync_listing_objection,
)
from xinyong.repair.choices import OPEN_APPLICATION_STATES, NotificationKind, ObjectionStatus
from xinyong.repair.eligibility import eligibility, notice_day
from xinyong.repair.materials import remove_unreferenced
from xinyong.repair.models import Notification, Objection, RepairApplication, RepairMaterial
from xinyong.workdays.queries import add_working_days_result

ACTOR = "system:repair-tick"


@dataclass
class RepairTickReport:
    today: date
    synced: list[int] = field(default_factory=list)
    reminded: list[int] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)
    provisional: list[str] = field(default_factory=list)
    expired: int = 0
    files_removed: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"today\t{self.today.isoformat()}"]
        out += [f"objection_synced\tOB-{pk:06d}" for pk in self.synced]
        out += [f"reminded\trecord {pk}" for pk in self.reminded]
        out += [f"overdue\t{ref}" for ref in self.overdue]
        out += [f"provisional\t{ref}" for ref in self.provisional]
        out += [f"refused\t{ref}\t{code}" for ref, code in self.refused]
        out.append(f"records_expired\t{self.expired}")
        out.append(f"material_files_removed\t{self.files_removed}")
        return out

    def as_dict(self) -> dict[str, object]:
        return {
            "today": self.today.isoformat(),
            "synced": self.synced,
            "reminded": self.reminded,
            "overdue": self.overdue,
            "provisional": self.provisional,
            "expired": self.expired,
            "files_removed": self.files_removed,
            "refused": [list(r) for r in self.refused],
        }


def reminder_candidates(today: date) -> list[Record]:
    """Active regime records whose eligibility day falls within the notice period (or has
    passed) while still published, with no reminder and no application yet."""
    days = int(policy_setting("repair.eligibility_notice_working_days", on=today).value)
    horizon = add_working_days_result(today, days).value
    assert isinstance(horizon, date)
    reminded = Notification.objects.filter(
        kind=NotificationKind.ELIGIBLE_SOON, record_id=OuterRef("pk")
    )
    applied = RepairApplication.objects.filter(record_id=OuterRef("pk"))
    return list(
        Record.objects.filter(
            status=RecordStatus.ACTIVE,
            publication_rule=PublicationRule.REGIME,
            publication_min_end__lt=horizon,
            publication_max_end__gte=today,
        )
        .exclude(Exists(reminded))
        .exclude(Exists(applied))
        .select_related("subject")
        .order_by("pk")
    )


def run_repair_tick(*, today: date | None = None) -> RepairTickReport:
    """One run of the job (see the module docstring)."""
    today = today or timezone.localdate()
    report = RepairTickReport(today=today)

    linked = Objection.objects.filter(status=ObjectionStatus.IN_LISTING_PROCEDURE).exclude(
        listing_objection__outcome=ListOutcome.PENDING
    )
    for pk in linked.order_by("pk").values_list("pk", flat=True):
        if do_sync_listing_objection(pk, actor_label=ACTOR) is not None:
            report.synced.append(pk)

    for record in reminder_candidates(today):
        found = eligibility(record)
        if not found.repairable or found.eligible_from is None:
            continue
        if notice_day(found.eligible_from, on=today).day > today:
            continue
        if do_notify_repair_eligibility(
            record, eligible_from=found.eligible_from, today=today, actor_label=ACTOR
        ):
            report.reminded.append(record.pk)

    objections = Objection.objects.filter(
        status=ObjectionStatus.PENDING, answer_due_on__lt=today
    ).select_related("department")
    applications = RepairApplication.objects.filter(
        status__in=sorted(OPEN_APPLICATION_STATES), due_on__lt=today
    ).select_related("department")
    items: list[Objection | RepairApplication] = [
        *objections.order_by("pk"),
        *applications.order_by("pk"),
    ]
    for item in items:
        if item.due_provisional:
            report.provisional.append(item.reference)
            continue
        try:
            if do_notify_overdue(item, today=today, actor_label=ACTOR):
                report.overdue.append(item.reference)
        except CodedError as exc:
            report.refused.append((item.reference, exc.code))

    report.expired = do_expire_records(today=today, actor_label=ACTOR)
    referenced = set(RepairMaterial.objects.values_list("stored_path", flat=True).distinct())
    report.files_removed = len(remove_unreferenced(referenced))
    return report

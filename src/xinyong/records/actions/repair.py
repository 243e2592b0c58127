"""Ending publication of a record by credit repair (信用修复).

Why this exists: the repair app (``xinyong.repair``) decides repair applications and applies
repair events from other platforms; the effect on the record itself — publication stops,
the status becomes ``repaired`` — is a change of a record, so it is an action of the records
app, called by the repair app (RULES §3: repair effect under 国家发展改革委令第36号 第三条
"终止公示"; the older modes of 国办发〔2020〕49号 "停止公示" come to the same on the portal).

The repair reference (application or remote event) and the date the repair took effect are
kept in the audit event; the repair app keeps the rest of the story in its own rows.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core.models import User
from xinyong.errors import Conflict
from xinyong.records.choices import RecordStatus
from xinyong.records.models import Record


class RecordNotRepairable(Conflict):
    """The record is not in a state repair can end (already withdrawn, expired, repaired)."""

    code = "RECORD_NOT_ACTIVE_FOR_REPAIR"


@transaction.atomic
def do_mark_record_repaired(
    record: Record | int,
    *,
    reference: str,
    repaired_on: date,
    acting_user: User | None,
    actor_label: str = "",
    source: str = "application",
) -> Record:
    """Stop publishing ``record`` because it was repaired (``RECORD_REPAIRED``).

    ``reference`` names the repair (an application's query code or a remote event id);
    ``source`` is ``application`` or ``remote``. Only an active record can be repaired:
    ``RECORD_NOT_ACTIVE_FOR_REPAIR`` (409) otherwise, with its current status.
    """
    pk = record.pk if isinstance(record, Record) else record
    locked = Record.objects.select_for_update().select_related("department").get(pk=pk)
    if locked.status != RecordStatus.ACTIVE:
        raise RecordNotRepairable(
            message_zh=f"该记录状态为“{locked.get_status_display()}”，不能再办理信用修复。",
            message_en=f"The record is {locked.status}; it cannot be repaired.",
            record=locked.pk,
            record_status=locked.status,
        )
    before = {"status": locked.status}
    locked.status = RecordStatus.REPAIRED
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_changed_at"])
    record_event(
        EventType.RECORD_REPAIRED,
        acting_user=acting_user,
        obj=locked,
        department=locked.department,
        subject_id=locked.subject_id,
        actor_label=actor_label,
        before=before,
        after={
            "status": locked.status,
            "reference": reference,
            "repaired_on": repaired_on,
            "source": source,
        },
    )
    return locked

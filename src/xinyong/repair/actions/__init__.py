"""Every state change of objections and credit repair (STYLE §1), split by topic: atomic,
audited, ``do_<verb>_<noun>``. Views, the API, the ``repair`` command and the tick call
these; none of them saves a row itself."""

from xinyong.repair.actions.applications import (
    do_decide_repair_application,
    do_record_higher_review,
    do_record_repair_bar,
    do_review_repair_application,
    do_submit_repair_application,
)
from xinyong.repair.actions.objections import (
    do_decide_objection,
    do_file_objection,
    do_forward_objection_to_listing,
    do_sync_listing_objection,
)
from xinyong.repair.actions.reminders import do_notify_overdue, do_notify_repair_eligibility
from xinyong.repair.actions.sync import do_apply_remote_repair_event

__all__ = [
    "do_apply_remote_repair_event",
    "do_decide_objection",
    "do_decide_repair_application",
    "do_file_objection",
    "do_forward_objection_to_listing",
    "do_notify_overdue",
    "do_notify_repair_eligibility",
    "do_record_higher_review",
    "do_record_repair_bar",
    "do_review_repair_application",
    "do_submit_repair_application",
    "do_sync_listing_objection",
]

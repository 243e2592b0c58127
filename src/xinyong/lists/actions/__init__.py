"""Every state change of the listing procedure (STYLE §1), split by topic.

Each ``do_*`` action runs in one transaction, locks the case row first, checks the declared
transition (``xinyong.lists.procedure``) and the actor (``xinyong.lists.permissions``), and
writes its audit event in the same transaction. Views, the API, the ``lists`` command and the
tick call these; none of them saves a case itself.
"""

from xinyong.lists.actions.cases import (
    do_close_listing_case,
    do_close_objection_window,
    do_create_listing_case,
    do_issue_prior_notice,
)
from xinyong.lists.actions.deadlines import do_raise_listing_alarm, do_recompute_listing_deadline
from xinyong.lists.actions.decisions import (
    do_decide_listing,
    do_publish_listing,
    do_record_leniency_assessment,
)
from xinyong.lists.actions.objections import do_answer_objection, do_file_objection
from xinyong.lists.actions.removal import (
    do_expire_listing,
    do_remove_listing_by_repair,
    do_remove_listing_early,
    do_request_early_removal,
    do_revoke_listing,
)

__all__ = [
    "do_answer_objection",
    "do_close_listing_case",
    "do_close_objection_window",
    "do_create_listing_case",
    "do_decide_listing",
    "do_expire_listing",
    "do_file_objection",
    "do_issue_prior_notice",
    "do_publish_listing",
    "do_raise_listing_alarm",
    "do_recompute_listing_deadline",
    "do_record_leniency_assessment",
    "do_remove_listing_by_repair",
    "do_remove_listing_early",
    "do_request_early_removal",
    "do_revoke_listing",
]

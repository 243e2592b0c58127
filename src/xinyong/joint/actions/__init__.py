"""Every state change of joint action (STYLE §1), split by topic: announcements (called by
the listing actions), feedback, webhook endpoints and deliveries, watches."""

from xinyong.joint.actions.announcements import do_announce_listing_change
from xinyong.joint.actions.feedback import do_record_feedback
from xinyong.joint.actions.watches import do_end_watch, do_register_watch, find_subject_by_code
from xinyong.joint.actions.webhooks import (
    do_disable_webhook_endpoint,
    do_finish_webhook_attempt,
    do_redeliver_webhook,
    do_register_webhook_endpoint,
    do_rotate_webhook_secret,
    do_start_webhook_attempt,
)

__all__ = [
    "do_announce_listing_change",
    "do_disable_webhook_endpoint",
    "do_end_watch",
    "do_finish_webhook_attempt",
    "do_record_feedback",
    "do_redeliver_webhook",
    "do_register_watch",
    "do_register_webhook_endpoint",
    "do_rotate_webhook_secret",
    "do_start_webhook_attempt",
    "find_subject_by_code",
]

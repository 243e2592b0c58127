"""Models of joint action, split by topic: announcements and inbox items with their
feedback, watches (re-screening), webhook endpoints and deliveries."""

from xinyong.joint.models.announcements import Announcement, Feedback, InboxItem
from xinyong.joint.models.watches import Watch
from xinyong.joint.models.webhooks import WebhookDelivery, WebhookEndpoint

__all__ = ["Announcement", "Feedback", "InboxItem", "Watch", "WebhookDelivery", "WebhookEndpoint"]

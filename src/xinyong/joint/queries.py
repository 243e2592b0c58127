"""Reads of joint action used by the console and the API: the inbox, one item, feedback
rates by department and overdue feedback."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet

from xinyong.core.models import Department, User
from xinyong.joint.choices import DeliveryStatus, FeedbackOutcome
from xinyong.joint.errors import InboxItemNotFound
from xinyong.joint.models import InboxItem, WebhookDelivery
from xinyong.joint.permissions import inbox_department_ids
from xinyong.security.principals import Principal

#: Inbox filters: open (no feedback yet), overdue (no feedback, due day passed), answered, all.
INBOX_FILTERS = ("open", "overdue", "answered", "all")


def inbox(
    actor: User | Principal,
    *,
    show: str = "open",
    today: date,
    department: Department | None = None,
) -> QuerySet[InboxItem]:
    """The items of the actor's departments (one department when given), oldest due first."""
    allowed = inbox_department_ids(actor)
    if department is not None:
        allowed &= {department.pk}
    items = InboxItem.objects.filter(department_id__in=allowed).select_related(
        "announcement", "announcement__subject", "department", "watch"
    )
    if show == "open":
        items = items.filter(feedback_outcome="")
    elif show == "overdue":
        items = items.filter(feedback_outcome="", due_on__lt=today)
    elif show == "answered":
        items = items.exclude(feedback_outcome="")
    return items.order_by("due_on", "pk")


def access_item(actor: User | Principal, pk: int) -> InboxItem:
    """The item if it belongs to one of the actor's departments; 404 otherwise."""
    item = (
        InboxItem.objects.filter(pk=pk, department_id__in=inbox_department_ids(actor))
        .select_related("announcement", "announcement__case", "department", "watch")
        .first()
    )
    if item is None:
        raise InboxItemNotFound(
            message_zh=f"联合奖惩事项 {pk} 不存在或不属于您的部门。",
            message_en=f"inbox item {pk} does not exist or is not for your department.",
        )
    return item


@dataclass(frozen=True)
class DepartmentRate:
    """Feedback figures of one department over the items it received."""

    department_id: int
    code: str
    name: str
    total: int
    answered: int
    on_time: int
    late: int
    overdue: int
    pending: int
    applied: int
    not_applicable: int
    failed: int

    @property
    def rate(self) -> float:
        """Share of items with feedback (0–1; 0 when there is none)."""
        return self.answered / self.total if self.total else 0.0

    @property
    def on_time_rate(self) -> float:
        return self.on_time / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "department": {"code": self.code, "name": self.name},
            "items": self.total,
            "answered": self.answered,
            "on_time": self.on_time,
            "late": self.late,
            "overdue": self.overdue,
            "pending": self.pending,
            "outcomes": {
                "applied": self.applied,
                "not_applicable": self.not_applicable,
                "failed": self.failed,
            },
            "feedback_rate": round(self.rate, 4),
            "on_time_rate": round(self.on_time_rate, 4),
        }


def feedback_rates(
    *, today: date, since: date | None = None, until: date | None = None
) -> list[DepartmentRate]:
    """Per department: items received (in ``since``–``until`` by their due day when given),
    answered (on time: feedback on or before the due day; late), overdue (unanswered after
    the due day), pending (unanswered, not yet due), and the latest outcomes. One query."""
    items = InboxItem.objects.all()
    if since is not None:
        items = items.filter(due_on__gte=since)
    if until is not None:
        items = items.filter(due_on__lte=until)
    answered = ~Q(feedback_outcome="")
    rows = (
        items.values("department_id", "department__code", "department__name")
        .annotate(
            total=Count("pk"),
            answered=Count("pk", filter=answered),
            on_time=Count("pk", filter=answered & Q(feedback_on__lte=F("due_on"))),
            late=Count("pk", filter=answered & Q(feedback_on__gt=F("due_on"))),
            overdue=Count("pk", filter=Q(feedback_outcome="", due_on__lt=today)),
            pending=Count("pk", filter=Q(feedback_outcome="", due_on__gte=today)),
            applied=Count("pk", filter=Q(feedback_outcome=FeedbackOutcome.APPLIED)),
            not_applicable=Count("pk", filter=Q(feedback_outcome=FeedbackOutcome.NOT_APPLICABLE)),
            failed=Count("pk", filter=Q(feedback_outcome=FeedbackOutcome.FAILED)),
        )
        .order_by("department__name", "department_id")
    )
    return [
        DepartmentRate(
            department_id=r["department_id"],
            code=r["department__code"],
            name=r["department__name"],
            total=r["total"],
            answered=r["answered"],
            on_time=r["on_time"],
            late=r["late"],
            overdue=r["overdue"],
            pending=r["pending"],
            applied=r["applied"],
            not_applicable=r["not_applicable"],
            failed=r["failed"],
        )
        for r in rows
    ]


def overdue_items(*, today: date, department: Department | None = None) -> QuerySet[InboxItem]:
    """Items without feedback whose due day has passed, oldest first."""
    items = InboxItem.objects.filter(feedback_outcome="", due_on__lt=today)
    if department is not None:
        items = items.filter(department=department)
    return items.select_related("department", "announcement", "announcement__subject").order_by(
        "due_on", "pk"
    )


def deliveries_for(
    department_ids: set[int], *, status: str | None = None
) -> QuerySet[WebhookDelivery]:
    rows = WebhookDelivery.objects.filter(endpoint__department_id__in=department_ids)
    if status in DeliveryStatus.values:
        rows = rows.filter(status=status)
    return rows.select_related("endpoint", "item").order_by("-pk")

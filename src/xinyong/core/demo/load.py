"""Writing a demo plan to the database, through the core actions, exactly once.

The whole load is one transaction: departments and users through ``do_create_department``
and ``do_create_user`` (one audit event each, as for any department or account), the
subjects through ``do_bulk_create_subjects`` (one ``DEMO_DATA_LOADED`` event for all of
them, with the counts and digests of the plan), then the renames through
``do_rename_subject`` so that the name history is the one a real rename leaves.

The ``DEMO_DATA_LOADED`` event is also the marker that demo data is present: a second load
is refused (the command reports it and exits successfully), whatever the seed.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xinyong.audit.context import new_request_id, request_context
from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.core.actions import do_create_department, do_create_user, do_rename_subject
from xinyong.core.actions.bulk import do_bulk_create_subjects
from xinyong.core.demo.plan import DemoPlan
from xinyong.core.demo.scenarios import DemoContext, run_scenarios
from xinyong.core.models import Department, User
from xinyong.errors import CodedError, Conflict

#: Actor label of every audit event the demo load writes.
ACTOR_LABEL = "system:demo"


class DemoAlreadyLoaded(Conflict):
    code = "DEMO_ALREADY_LOADED"

    def __init__(self, previous: AuditEvent) -> None:
        after = previous.after if isinstance(previous.after, dict) else {}
        self.seed = after.get("seed")
        self.subjects = (after.get("subjects") or {}).get("count")
        self.loaded_at: datetime = previous.occurred_at
        when = timezone.localtime(previous.occurred_at).isoformat(timespec="seconds")
        super().__init__(
            message_zh=(
                f"演示数据已于 {when} 载入（种子 {self.seed}，主体 {self.subjects} 个，"
                f"审计事件 #{previous.seq}），不再重复载入"
            ),
            message_en=(
                f"demo data was already loaded at {when} (seed {self.seed}, "
                f"{self.subjects} subjects, audit event #{previous.seq}); nothing loaded again"
            ),
            seed=self.seed,
            event_seq=previous.seq,
        )


class DemoRefusedInProduction(CodedError):
    code = "DEMO_REFUSED_IN_PRODUCTION"
    status = 409

    def __init__(self) -> None:
        super().__init__(
            message_zh="生产环境（XINYONG_ENV=production）不得载入演示数据",
            message_en="demo data is never loaded into a production platform "
            "(XINYONG_ENV=production)",
        )


@dataclass
class LoadResult:
    plan: DemoPlan
    departments: dict[str, Department]
    users_created: list[str] = field(default_factory=list)
    users_skipped: list[str] = field(default_factory=list)
    subjects: int = 0
    renames: int = 0
    seconds: float = 0.0
    event: AuditEvent | None = None
    scenario_lines: list[str] = field(default_factory=list)


def previous_load() -> AuditEvent | None:
    """The audit event of an earlier demo load, if there was one."""
    return AuditEvent.objects.filter(event_type=EventType.DEMO_DATA_LOADED).order_by("seq").first()


def plan_usernames(plan: DemoPlan) -> list[str]:
    return [user.username for user in plan.users]


def load_demo(plan: DemoPlan, *, today: date | None = None) -> LoadResult:
    """Write ``plan`` and its scenarios (``scenarios.py``) in one transaction, legal dates
    counted back from ``today``; refuse in production and when already loaded."""
    if settings.PRODUCTION:
        raise DemoRefusedInProduction
    started = time.perf_counter()
    with request_context(new_request_id("demo-")), transaction.atomic():
        previous = previous_load()
        if previous is not None:
            raise DemoAlreadyLoaded(previous)
        result = LoadResult(plan=plan, departments={})
        for spec in plan.departments:
            result.departments[spec.key] = do_create_department(
                name=spec.name,
                short_name=spec.short_name,
                code=spec.code,
                division=spec.division,
                kind=spec.kind,
                parent=result.departments[spec.parent] if spec.parent else None,
                acting_user=None,
                actor_label=ACTOR_LABEL,
            )
        for user in plan.users:
            # An account made before the demo (say with createsuperuser) is left alone.
            if User.objects.filter(username=user.username).exists():
                result.users_skipped.append(user.username)
                continue
            do_create_user(
                username=user.username,
                password=user.password,
                display_name=user.display_name,
                department=result.departments[user.department],
                roles=[user.role],
                is_staff=True,
                is_superuser=user.is_superuser,
                acting_user=None,
                actor_label=ACTOR_LABEL,
            )
            result.users_created.append(user.username)
        bulk = do_bulk_create_subjects(
            plan.subjects,
            acting_user=None,
            actor_label=ACTOR_LABEL,
            department=result.departments.get("credit_office"),
            event_type=EventType.DEMO_DATA_LOADED,
            summary=plan.summary()
            | {"users_created": result.users_created, "users_skipped": result.users_skipped},
        )
        result.subjects = len(bulk.subjects)
        result.event = bulk.event
        by_uscc = bulk.by_uscc
        for rename in plan.renames:
            do_rename_subject(
                by_uscc[rename.uscc], rename.new_name, effective=rename.effective, acting_user=None
            )
            result.renames += 1
        context = DemoContext(
            today=today or timezone.localdate(),
            departments=result.departments,
            users={u.username: u for u in User.objects.filter(username__in=plan_usernames(plan))},
            subjects=bulk.subjects,
            rng=random.Random(plan.seed),
        )
        result.scenario_lines = run_scenarios(context)
    result.seconds = time.perf_counter() - started
    return result

"""The "calendar" kind of policy data: yearly holiday arrangements, loaded into the database.

Why this exists: the reviewed files ``policy/calendar/cn-YYYY.toml`` are policy editions like
any other (versioned, audited, loadable from the admin), but they are validated by the
calendar's own strict rules (``xinyong.workdays.calendar``: weekend-only adjusted working days,
no duplicates, dates near their year …) and stored as :class:`CalendarYear` /
:class:`CalendarDay` rows. Loading or retiring a year also invalidates the cached calendar and
runs the recompute hooks (``xinyong.workdays.recompute``) so provisional deadlines that
crossed that year are recomputed in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.db import transaction

from xinyong.audit.events import EventType
from xinyong.policy.errors import PolicyFileError
from xinyong.policy.models import PolicyEdition
from xinyong.workdays import calendar as pure
from xinyong.workdays.errors import CalendarYearAlreadyCovered
from xinyong.workdays.models import CalendarDay, CalendarYear, active_years_q
from xinyong.workdays.queries import invalidate_calendar_cache
from xinyong.workdays.recompute import RecomputeRequest, run_recompute_hooks

if TYPE_CHECKING:
    from xinyong.core.models import User
    from xinyong.policy.validation import EditionHeader


def _validate_calendar(data: Mapping[str, Any], *, name: str) -> pure.CalendarFile:
    """The checks of :func:`xinyong.workdays.calendar.parse_calendar_file`, on a parsed
    document (the policy loader has already read and decoded the file)."""
    # The digest argument is only copied into the result; the loader keeps its own.
    return pure.validate_calendar_document(dict(data), name, "")


class CalendarHandler:
    """Kind handler of ``kind = "calendar"`` (see ``xinyong.policy.handlers.KindHandler``)."""

    kind = "calendar"
    file_event = EventType.CALENDAR_YEAR_LOADED
    admin_event = EventType.CALENDAR_YEAR_LOADED

    def parse(
        self, data: Mapping[str, Any], *, source: str, header: EditionHeader
    ) -> dict[str, Any]:
        name = PurePosixPath(source.removeprefix("admin:")).name
        try:
            parsed = _validate_calendar(data, name=name)
        except pure.CalendarFileError as exc:
            details: dict[str, Any] = {**exc.details, "source": source}
            raise PolicyFileError(exc.code, exc.message_zh, exc.message_en, **details) from exc
        return {
            "year": parsed.year,
            "days": [
                {"date": o.date.isoformat(), "working": o.working, "name": o.name}
                for o in parsed.overrides
            ],
        }

    def apply(
        self, edition: PolicyEdition, content: dict[str, Any], *, acting_user: User | None
    ) -> dict[str, Any]:
        year = int(content["year"])
        other = (
            CalendarYear.objects.filter(active_years_q(), year=year)
            .exclude(edition=edition)
            .select_related("edition")
            .first()
        )
        if other is not None:
            raise CalendarYearAlreadyCovered(
                message_zh=(
                    f"{year} 年的节假日安排已由 {other.edition.label} 载入；如需更正，"
                    f'请在新版本中声明 supersedes = "{other.edition.edition}"，或先停用旧版本。'
                ),
                message_en=(
                    f"the holiday arrangement for {year} is already loaded from "
                    f"{other.edition.label}; to correct it declare supersedes = "
                    f'"{other.edition.edition}" in the new edition or retire the old one first.'
                ),
                year=year,
                other=other.edition.label,
            )
        calendar_year = CalendarYear.objects.create(edition=edition, year=year)
        CalendarDay.objects.bulk_create(
            CalendarDay(
                calendar_year=calendar_year,
                date=date.fromisoformat(d["date"]),
                working=bool(d["working"]),
                name=d["name"],
            )
            for d in content["days"]
        )
        return self._changed(edition, year, "loaded", acting_user) | {
            "days_off": sum(1 for d in content["days"] if not d["working"]),
            "working_weekend_days": sum(1 for d in content["days"] if d["working"]),
        }

    def retire(self, edition: PolicyEdition, *, acting_user: User | None) -> dict[str, Any]:
        year = int(edition.content["year"])
        return self._changed(edition, year, "retired", acting_user)

    @staticmethod
    def _changed(
        edition: PolicyEdition, year: int, reason: str, acting_user: User | None
    ) -> dict[str, Any]:
        invalidate_calendar_cache()
        transaction.on_commit(invalidate_calendar_cache)
        recomputed = run_recompute_hooks(
            RecomputeRequest(
                years=frozenset({year}),
                reason=reason,
                edition=edition.label,
                acting_user=acting_user,
                actor_label=edition.loaded_by,
            )
        )
        return {"year": year, "recomputed": recomputed}


HANDLER = CalendarHandler()

"""The Django layer of the working-day calendar: loaded years, the cached calendar, the
module-level functions, the calendar kind handler and the recompute hooks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.db import transaction
from pytest_django import DjangoAssertNumQueries

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.policy.actions import LoadOutcome, do_retire_policy_edition
from xinyong.policy.errors import PolicyFileError
from xinyong.policy.files import parse_policy_text
from xinyong.policy.loader import FileOutcome
from xinyong.policy.tests.fixtures import after
from xinyong.workdays import queries, recompute
from xinyong.workdays.errors import CalendarYearAlreadyCovered, CalendarYearNotCovered
from xinyong.workdays.models import CalendarDay, CalendarYear
from xinyong.workdays.recompute import RecomputeRequest

D = date

CN_2027 = """
kind = "calendar"
code = "cn-holiday-arrangement"
edition = "2027"
year = 2027
effective_from = 2027-01-01
effective_to = 2027-12-31
jurisdiction = "national"
legal_source = "国务院办公厅关于2027年部分节假日安排的通知（测试数据）"

[[holidays]]
name = "元旦"
dates = ["2027-01-01", "2027-01-02", "2027-01-03"]

[[holidays]]
name = "测试假日"
dates = ["2027-01-05"]

[[workdays]]
date = 2027-01-09
reason = "测试调休"
"""


def load_2027(loader: Callable[..., LoadOutcome], text: str = CN_2027) -> LoadOutcome:
    return loader(text, source="policy/calendar/cn-2027.toml")


def test_loaded_years_are_rows_with_their_edition(loaded_policy: list[FileOutcome]) -> None:
    year = CalendarYear.objects.select_related("edition").get(year=2026)
    assert year.edition.label == "calendar/cn-holiday-arrangement@2026"
    assert "国办发明电〔2025〕7号" in year.edition.legal_source
    days = {d.date: (d.working, d.name) for d in CalendarDay.objects.filter(calendar_year=year)}
    assert days[D(2026, 2, 14)] == (True, "春节调休")
    assert days[D(2026, 10, 1)] == (False, "国庆节")
    assert queries.covered_years() == tuple(range(2019, 2027))


def test_module_functions_on_the_official_calendar(loaded_policy: list[FileOutcome]) -> None:
    assert queries.is_working_day(D(2026, 2, 14))  # Saturday, adjusted working day
    assert not queries.is_working_day(D(2026, 2, 16))  # Spring Festival
    # decision on Friday 2026-02-13: 7 working days = 14 Feb, 24–27 Feb, 28 Feb, 2 Mar
    assert queries.add_working_days(D(2026, 2, 13), 7) == D(2026, 3, 2)
    assert queries.working_days_between(D(2026, 2, 13), D(2026, 3, 2)) == 7
    assert queries.working_days_between(D(2026, 3, 2), D(2026, 2, 13)) == -7
    # 2019 arrangement reaches into 2018, but 2018 is not covered
    with pytest.raises(CalendarYearNotCovered):
        queries.is_working_day(D(2018, 12, 29))


def test_uncovered_years_raise_a_coded_error(loaded_policy: list[FileOutcome]) -> None:
    with pytest.raises(CalendarYearNotCovered) as info:
        queries.add_working_days(D(2026, 12, 25), 7)
    err = info.value
    assert err.code == "CALENDAR_YEAR_NOT_COVERED" and err.status == 422
    assert err.details == {"years": [2027]}
    assert "2027" in err.message_zh and "cn-2027.toml" in err.message_en
    with pytest.raises(CalendarYearNotCovered):
        queries.working_days_between(D(2026, 12, 1), D(2027, 1, 10))


def test_result_variants_are_provisional_across_uncovered_years(
    loaded_policy: list[FileOutcome],
) -> None:
    final = queries.add_working_days_result(D(2026, 12, 1), 5)
    assert (final.value, final.provisional, final.uncovered_years) == (D(2026, 12, 8), False, ())
    provisional = queries.add_working_days_result(D(2026, 12, 25), 7)
    assert provisional.provisional and provisional.uncovered_years == (2027,)
    assert provisional.value == D(2027, 1, 5)  # weekends-only rule: 1 Jan 2027 counts
    count = queries.working_days_between_result(D(2026, 12, 31), D(2027, 1, 8))
    assert (count.value, count.provisional) == (6, True)


def test_loading_a_year_makes_results_final(
    loaded_policy: list[FileOutcome], load_policy_text: Callable[..., LoadOutcome]
) -> None:
    assert queries.add_working_days_result(D(2026, 12, 31), 3).value == D(2027, 1, 5)
    outcome = load_2027(load_policy_text)
    assert outcome.status == "loaded" and outcome.summary["year"] == 2027
    result = queries.add_working_days_result(D(2026, 12, 31), 3)
    # 1–3 Jan off, 4 Jan (Mon), 5 Jan off, 6, 7 Jan
    assert (result.value, result.provisional) == (D(2027, 1, 7), False)
    assert queries.is_working_day(D(2027, 1, 9))  # adjusted working Saturday
    event = AuditEvent.objects.get(event_type=EventType.CALENDAR_YEAR_LOADED,
                                   object_id=str(outcome.edition.pk))  # fmt: skip
    assert after(event)["summary"] == {
        "year": 2027, "days_off": 4, "working_weekend_days": 1,
        # Every registered hook ran; none had a provisional deadline to change.
        "recomputed": {path: 0 for path in recompute.RECOMPUTE_HOOKS},
    }  # fmt: skip


def test_the_calendar_is_cached_until_the_loaded_editions_change(
    loaded_policy: list[FileOutcome],
    load_policy_text: Callable[..., LoadOutcome],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    first = queries.get_calendar()
    with django_assert_num_queries(1):  # only the freshness check
        assert queries.get_calendar() is first
    outcome = load_2027(load_policy_text)
    second = queries.get_calendar()
    assert second is not first and second.is_covered(2027)
    do_retire_policy_edition(outcome.edition, reason="test", acting_user=None)
    assert not queries.get_calendar().is_covered(2027)


def test_a_rolled_back_load_does_not_stay_in_the_cache(
    loaded_policy: list[FileOutcome], load_policy_text: Callable[..., LoadOutcome]
) -> None:
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        load_2027(load_policy_text)
        assert queries.get_calendar().is_covered(2027)
        raise Abort
    assert not queries.get_calendar().is_covered(2027)


def test_a_year_cannot_be_loaded_twice_under_another_code(
    loaded_policy: list[FileOutcome], load_policy_text: Callable[..., LoadOutcome]
) -> None:
    load_2027(load_policy_text)
    other = CN_2027.replace('code = "cn-holiday-arrangement"', 'code = "cn-corrected"')
    with pytest.raises(CalendarYearAlreadyCovered) as info:
        load_policy_text(other, source="admin:cn-2027.toml")
    assert info.value.code == "CALENDAR_YEAR_ALREADY_COVERED"
    assert 'supersedes = "2027"' in info.value.message_en
    assert CalendarYear.objects.filter(year=2027).count() == 1


def test_a_corrected_arrangement_supersedes_the_year(
    loaded_policy: list[FileOutcome], load_policy_text: Callable[..., LoadOutcome]
) -> None:
    """An amended notice (as in 2019 and 2020) is loaded as edition "YYYY.1"."""
    load_2027(load_policy_text)
    assert not queries.is_working_day(D(2027, 1, 5))
    corrected = CN_2027.replace('edition = "2027"', 'edition = "2027.1"\nsupersedes = "2027"')
    corrected = corrected.replace('dates = ["2027-01-05"]', 'dates = ["2027-01-06"]')
    outcome = load_policy_text(corrected, source="admin:cn-2027.1.toml")
    assert outcome.status == "loaded"
    assert queries.is_working_day(D(2027, 1, 5))
    assert not queries.is_working_day(D(2027, 1, 6))
    bad = CN_2027.replace('edition = "2027"', 'edition = "2026.1"')
    with pytest.raises(PolicyFileError) as info:
        parse_policy_text(bad, source="admin:x.toml")
    assert info.value.code == "CALENDAR_YEAR_MISMATCH"


def test_calendar_files_are_checked_by_the_calendar_rules(db: None) -> None:
    bad = CN_2027.replace("date = 2027-01-09", "date = 2027-01-08")  # a Friday
    with pytest.raises(PolicyFileError) as info:
        parse_policy_text(bad, source="policy/calendar/cn-2027.toml")
    assert info.value.code == "CALENDAR_WORKDAY_NOT_WEEKEND"
    assert info.value.details["source"] == "policy/calendar/cn-2027.toml"
    with pytest.raises(PolicyFileError) as info:
        parse_policy_text(CN_2027, source="policy/calendar/cn-2028.toml")
    assert info.value.code == "CALENDAR_YEAR_MISMATCH"


# -- recompute hooks ---------------------------------------------------------------------------

CALLS: list[RecomputeRequest] = []


def record_hook(request: RecomputeRequest) -> int:
    """A hook as a later app would write it: recompute what is provisional for the years."""
    CALLS.append(request)
    return 2


def failing_hook(request: RecomputeRequest) -> int:
    raise RuntimeError("cannot recompute")


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> list[RecomputeRequest]:
    CALLS.clear()
    monkeypatch.setattr(recompute, "RECOMPUTE_HOOKS", [f"{__name__}.record_hook"])
    return CALLS


def test_recompute_hooks_run_when_a_year_is_loaded_and_retired(
    loaded_policy: list[FileOutcome],
    load_policy_text: Callable[..., LoadOutcome],
    hooks: list[RecomputeRequest],
) -> None:
    outcome = load_2027(load_policy_text)
    assert [(r.years, r.reason, r.edition) for r in hooks] == [
        (frozenset({2027}), "loaded", "calendar/cn-holiday-arrangement@2027"),
    ]
    assert outcome.summary["recomputed"] == {f"{__name__}.record_hook": 2}
    do_retire_policy_edition(outcome.edition, reason="withdrawn", acting_user=None)
    assert [(r.years, r.reason) for r in hooks][1:] == [(frozenset({2027}), "retired")]
    event = AuditEvent.objects.get(event_type=EventType.POLICY_EDITION_RETIRED)
    assert after(event)["summary"]["recomputed"] == {f"{__name__}.record_hook": 2}


def test_a_failing_hook_refuses_the_load(
    loaded_policy: list[FileOutcome],
    load_policy_text: Callable[..., LoadOutcome],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(recompute, "RECOMPUTE_HOOKS", [f"{__name__}.failing_hook"])
    with pytest.raises(RuntimeError):
        load_2027(load_policy_text)
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not queries.get_calendar().is_covered(2027)


def test_registered_hooks_are_importable() -> None:
    # Apps add their dotted paths there; each must exist and be importable.
    from django.utils.module_loading import import_string

    for path in recompute.RECOMPUTE_HOOKS:
        assert callable(import_string(path))
    assert "xinyong.lists.deadlines.recompute_provisional_deadlines" in recompute.RECOMPUTE_HOOKS

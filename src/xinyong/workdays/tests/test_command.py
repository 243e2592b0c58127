"""``xinyong workdays add | between | import | years``."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.policy.loader import FileOutcome
from xinyong.policy.tests.samples import settings_text
from xinyong.workdays.models import CalendarYear
from xinyong.workdays.tests.test_queries import CN_2027


def run(*args: str) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    try:
        call_command("workdays", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return out.getvalue(), err.getvalue(), int(exc.code or 0)
    return out.getvalue(), err.getvalue(), 0


def test_add_prints_the_date(loaded_policy: list[FileOutcome]) -> None:
    assert run("add", "2026-02-13", "7") == ("2026-03-02\n", "", 0)
    assert run("add", "2026-10-01", "0") == ("2026-10-08\n", "", 0)
    assert run("add", "2026-03-02", "-7") == ("2026-02-13\n", "", 0)


def test_between_prints_the_count(loaded_policy: list[FileOutcome]) -> None:
    assert run("between", "2026-02-13", "2026-03-02") == ("7\n", "", 0)
    assert run("between", "2026-03-02", "2026-02-13") == ("-7\n", "", 0)


def test_provisional_results_are_flagged_on_stderr(loaded_policy: list[FileOutcome]) -> None:
    out, err, status = run("add", "2026-12-25", "7")
    assert (out, status) == ("2027-01-05\n", 0)
    assert err == "2027-01-05 (provisional: 2027 not covered)\n"
    out, err, status = run("between", "2026-12-31", "2028-01-03")
    assert status == 0 and err.endswith("(provisional: 2027, 2028 not covered)\n")


def test_strict_refuses_provisional_results(loaded_policy: list[FileOutcome]) -> None:
    out, err, status = run("add", "2026-12-25", "7", "--strict")
    assert (out, status) == ("", 1)
    assert err.startswith("CALENDAR_YEAR_NOT_COVERED: ") and "2027" in err
    assert run("add", "2026-02-13", "7", "--strict") == ("2026-03-02\n", "", 0)


def test_bad_dates_are_refused(db: None) -> None:
    out, err, status = run("add", "2026-02-30", "1")
    assert (out, status) == ("", 1) and err.startswith("DATE_INVALID: ")
    _out, err, status = run("between", "2026-01-01", "26-01-09")
    assert status == 1 and "B = '26-01-09'" in err


def test_import_loads_a_year_through_the_action(
    loaded_policy: list[FileOutcome], write_toml: Callable[[str, str], Path]
) -> None:
    path = write_toml("cn-2027.toml", CN_2027)
    out, _err, status = run("import", str(path))
    assert status == 0 and out.startswith("loaded\t")
    assert CalendarYear.objects.filter(year=2027).exists()
    event = AuditEvent.objects.filter(event_type=EventType.CALENDAR_YEAR_LOADED).last()
    assert event is not None and event.actor_label == "system:workdays-import"
    assert event.request_id.startswith("cli-workdays-")
    assert run("add", "2026-12-31", "3") == ("2027-01-07\n", "", 0)
    out, _err, status = run("import", str(path))
    assert status == 0 and out.startswith("unchanged\t")


def test_import_refuses_other_kinds_and_bad_files(
    db: None, write_toml: Callable[[str, str], Path]
) -> None:
    out, _err, status = run("import", str(write_toml("settings.toml", settings_text())))
    assert status == 1 and "\tPOLICY_KIND_UNEXPECTED\t" in out
    bad = CN_2027.replace("date = 2027-01-09", "date = 2027-01-08")
    out, _err, status = run("import", str(write_toml("cn-2027.toml", bad)))
    assert status == 1 and "\tCALENDAR_WORKDAY_NOT_WEEKEND\t" in out
    assert not CalendarYear.objects.exists()


def test_years_shows_coverage(loaded_policy: list[FileOutcome]) -> None:
    out, _err, _status = run("years")
    lines = out.splitlines()
    assert len(lines) == 9
    assert lines[0].startswith("2019\tcalendar/cn-holiday-arrangement@2019\tnational\t")
    assert lines[-1] == "covered: 2019–2026; not covered: before 2019, after 2026"


def test_years_names_gaps(loaded_policy: list[FileOutcome]) -> None:
    from xinyong.policy.actions import do_retire_policy_edition

    year = CalendarYear.objects.select_related("edition").get(year=2022)
    do_retire_policy_edition(year.edition, reason="test", acting_user=None)
    out, _err, _status = run("years")
    assert "not covered in between: 2022;" in out
    _out, err, status = run("add", "2022-06-01", "1", "--strict")
    assert status == 1 and "2022" in err


@pytest.mark.django_db
def test_years_without_data() -> None:
    out, _err, _status = run("years")
    assert out.startswith("no year covered")

"""Loading editions: idempotence, conflicts, overlaps, supersession, retirement, audit events
and the ``xinyong policy`` command."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.audit.record import verify_chain
from xinyong.policy.actions import LoadOutcome, do_retire_policy_edition
from xinyong.policy.errors import (
    PolicyEditionConflict,
    PolicyEditionOverlap,
    PolicyEditionRetired,
    PolicySupersedeInvalid,
)
from xinyong.policy.jurisdiction_settings import policy_setting
from xinyong.policy.kinds import KINDS, get_handler
from xinyong.policy.loader import FileOutcome, load_policy_paths
from xinyong.policy.models import PolicyEdition
from xinyong.policy.tests.fixtures import SHIPPED_FILES, after
from xinyong.policy.tests.samples import settings_text
from xinyong.workdays.models import CalendarYear

Loader = Callable[..., LoadOutcome]
KEY = "objection.answer_working_days"


def _value(on: str) -> int:
    return int(policy_setting(KEY, on=date.fromisoformat(on)).value)


def test_kinds_registry_is_explicit() -> None:
    assert set(KINDS) >= {"calendar", "regimes", "settings", "list_types", "measures", "memoranda"}
    for kind, handler in KINDS.items():
        assert handler.kind == kind
    with pytest.raises(Exception) as info:
        get_handler("no-such-kind")
    assert getattr(info.value, "code", None) == "POLICY_KIND_UNKNOWN"


def test_loaded_policy_loads_every_shipped_file(loaded_policy: list[FileOutcome]) -> None:
    assert [o.status for o in loaded_policy] == ["loaded"] * SHIPPED_FILES
    assert PolicyEdition.objects.count() == SHIPPED_FILES
    assert sorted(CalendarYear.objects.values_list("year", flat=True)) == list(range(2019, 2027))
    events = AuditEvent.objects.filter(object_type="policy.policyedition")
    assert events.filter(event_type=EventType.CALENDAR_YEAR_LOADED).count() == 8
    loaded = events.filter(event_type=EventType.POLICY_EDITION_LOADED)
    assert sorted(after(e)["edition"] for e in loaded) == [
        "regimes/publication-repair@2026.1",
        "settings/national-defaults@2026.1",
    ]
    regimes = PolicyEdition.objects.get(kind="regimes")
    event = loaded.get(object_id=str(regimes.pk))
    assert after(event)["digest"] == regimes.digest
    assert after(event)["source"] == "policy/regimes/publication-repair.toml"
    assert after(event)["origin"] == "file"
    assert event.actor_label == "test:loaded_policy"
    assert verify_chain().ok


def test_loading_the_same_files_again_changes_nothing(loaded_policy: list[FileOutcome]) -> None:
    events = AuditEvent.objects.count()
    again = load_policy_paths()
    assert [o.status for o in again] == ["unchanged"] * SHIPPED_FILES
    assert PolicyEdition.objects.count() == SHIPPED_FILES
    assert AuditEvent.objects.count() == events


def test_same_edition_with_different_content_is_refused(load_policy_text: Loader) -> None:
    first = load_policy_text(settings_text(value=10)).edition
    events = AuditEvent.objects.count()
    with pytest.raises(PolicyEditionConflict) as info:
        load_policy_text(settings_text(value=11))
    err = info.value
    assert err.code == "POLICY_EDITION_CONFLICT"
    assert err.status == 409
    assert "新版本" in err.message_zh and "new edition" in err.message_en
    assert "settings/test-settings@1" in err.message_en
    assert PolicyEdition.objects.count() == 1
    assert AuditEvent.objects.count() == events
    assert PolicyEdition.objects.get().digest == first.digest
    assert _value("2024-01-01") == 10


def test_overlapping_edition_is_refused_unless_it_supersedes(load_policy_text: Loader) -> None:
    load_policy_text(settings_text(edition="1", effective_from="2020-01-01", value=10))
    with pytest.raises(PolicyEditionOverlap) as info:
        load_policy_text(settings_text(edition="2", effective_from="2024-01-01", value=5))
    err = info.value
    assert err.code == "POLICY_EDITION_OVERLAP"
    assert 'supersedes = "1"' in err.message_zh and 'supersedes = "1"' in err.message_en
    assert err.details["other"] == "settings/test-settings@1"
    assert PolicyEdition.objects.count() == 1


def test_editions_with_separate_dates_coexist(load_policy_text: Loader) -> None:
    load_policy_text(settings_text(edition="1", effective_to="2023-12-31", value=10))
    load_policy_text(settings_text(edition="2", effective_from="2024-01-01", value=5))
    assert (_value("2023-12-31"), _value("2024-01-01")) == (10, 5)
    with pytest.raises(Exception) as info:
        _value("2019-12-31")
    assert getattr(info.value, "code", None) == "SETTING_NOT_FOUND"


def test_overlap_is_checked_per_jurisdiction(load_policy_text: Loader) -> None:
    load_policy_text(settings_text(edition="n1", jurisdiction="national", value=10))
    load_policy_text(settings_text(edition="l1", jurisdiction="local", value=3))
    assert _value("2024-01-01") == 3


def test_supersede_cuts_the_old_edition_where_the_new_one_starts(load_policy_text: Loader) -> None:
    old = load_policy_text(settings_text(edition="1", value=10)).edition
    new = load_policy_text(
        settings_text(edition="2", effective_from="2024-01-01", supersedes="1", value=5)
    ).edition
    old.refresh_from_db()
    assert old.superseded_by == new
    assert (old.status, new.status) == ("superseded", "active")
    assert old.effective_range() == (date(2020, 1, 1), date(2023, 12, 31))
    assert (_value("2023-12-31"), _value("2024-01-01")) == (10, 5)
    event = AuditEvent.objects.get(object_id=str(new.pk))
    assert after(event)["supersedes"] == "settings/test-settings@1"
    # A third edition overlapping the old one's remaining dates is refused, naming it.
    with pytest.raises(PolicyEditionOverlap) as info:
        load_policy_text(settings_text(edition="3", effective_from="2021-01-01",
                                       effective_to="2021-12-31"))  # fmt: skip
    assert info.value.details["other"] == "settings/test-settings@1"


def test_a_full_replacement_takes_every_date(load_policy_text: Loader) -> None:
    old = load_policy_text(settings_text(edition="1", value=10)).edition
    load_policy_text(settings_text(edition="1.1", supersedes="1", value=9))
    old.refresh_from_db()
    assert old.effective_range() is None
    assert _value("2020-01-01") == 9


def test_invalid_supersedes_are_refused(load_policy_text: Loader) -> None:
    with pytest.raises(PolicySupersedeInvalid) as info:
        load_policy_text(settings_text(edition="2", supersedes="1"))
    assert info.value.code == "POLICY_SUPERSEDE_INVALID"
    assert "'1'" in info.value.message_en
    load_policy_text(settings_text(edition="1"))
    load_policy_text(settings_text(edition="2", effective_from="2022-01-01", supersedes="1"))
    with pytest.raises(PolicySupersedeInvalid) as info:
        load_policy_text(settings_text(edition="3", effective_from="2023-01-01", supersedes="1"))
    assert 'supersedes = "2"' in info.value.message_en
    # another jurisdiction's edition cannot be superseded
    with pytest.raises(PolicySupersedeInvalid):
        load_policy_text(settings_text(edition="l1", jurisdiction="local", supersedes="2"))


def test_retire_brings_the_superseded_edition_back(load_policy_text: Loader) -> None:
    load_policy_text(settings_text(edition="1", value=10))
    new = load_policy_text(
        settings_text(edition="2", effective_from="2024-01-01", supersedes="1", value=5)
    ).edition
    do_retire_policy_edition(new, reason="published by mistake", acting_user=None,
                             actor_label="test")  # fmt: skip
    new.refresh_from_db()
    assert new.status == "retired" and new.retired_reason == "published by mistake"
    assert _value("2024-06-01") == 10
    event = AuditEvent.objects.filter(event_type=EventType.POLICY_EDITION_RETIRED).get()
    assert event.object_id == str(new.pk)
    assert event.before == {"status": "active"}
    assert after(event)["reason"] == "published by mistake"
    # a retired edition cannot be superseded, retired again, or loaded back to life
    with pytest.raises(PolicyEditionRetired) as info:
        do_retire_policy_edition(new, reason="again", acting_user=None)
    assert info.value.code == "POLICY_EDITION_RETIRED"
    with pytest.raises(PolicySupersedeInvalid):
        load_policy_text(settings_text(edition="3", effective_from="2025-01-01", supersedes="2"))
    again = load_policy_text(
        settings_text(edition="2", effective_from="2024-01-01", supersedes="1", value=5)
    )
    assert again.status == "unchanged" and again.edition.status == "retired"


def test_retiring_needs_a_reason(load_policy_text: Loader) -> None:
    edition = load_policy_text(settings_text()).edition
    with pytest.raises(PolicyEditionRetired) as info:
        do_retire_policy_edition(edition, reason="  ", acting_user=None)
    assert info.value.code == "POLICY_RETIRE_REASON_REQUIRED"
    edition.refresh_from_db()
    assert edition.retired_at is None


# -- the command -------------------------------------------------------------------------------


def _run(*args: str) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    try:
        call_command("policy", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return out.getvalue(), err.getvalue(), int(exc.code or 0)
    return out.getvalue(), err.getvalue(), 0


@pytest.mark.django_db
def test_policy_load_prints_one_line_per_file() -> None:
    out, _err, status = _run("load")
    lines = out.splitlines()
    assert status == 0
    assert len(lines) == SHIPPED_FILES + 1
    assert lines[0].split("\t")[:3] == [
        "loaded", "policy/calendar/cn-2019.toml", "calendar/cn-holiday-arrangement@2019",
    ]  # fmt: skip
    assert lines[-1] == f"{SHIPPED_FILES} loaded, 0 unchanged, 0 refused"
    out, _err, status = _run("load")
    assert status == 0 and out.splitlines()[0].startswith("unchanged\t")
    out, _err, _status = _run("list")
    assert len(out.splitlines()) == SHIPPED_FILES
    assert "regimes/publication-repair@2026.1\tnational\t2019-07-01–\tactive\tfile" in out
    out, _err, _status = _run("list", "--kind", "settings")
    assert out.startswith("settings/national-defaults@2026.1\t")


@pytest.mark.django_db
def test_policy_load_refuses_bad_files_but_loads_the_others(
    write_toml: Callable[[str, str], Path], tmp_path: Path
) -> None:
    write_toml("a-good.toml", settings_text(edition="1", value=10))
    write_toml("b-bad.toml", settings_text(edition="2", jurisdiction="city"))
    write_toml("c-conflict.toml", settings_text(edition="1", value=12))
    out, _err, status = _run("load", str(tmp_path))
    assert status == 1
    lines = out.splitlines()
    assert (
        lines[0].startswith("refused\t") and "b-bad.toml\tPOLICY_JURISDICTION_UNKNOWN\t" in lines[0]
    )
    assert lines[1].startswith("loaded\t") and "a-good.toml" in lines[1]
    assert lines[2].startswith("refused\t") and "\tPOLICY_EDITION_CONFLICT\t" in lines[2]
    assert lines[-1] == "1 loaded, 0 unchanged, 2 refused"
    assert _value("2024-01-01") == 10


@pytest.mark.django_db
def test_policy_load_orders_an_edition_after_the_one_it_supersedes(
    write_toml: Callable[[str, str], Path], tmp_path: Path
) -> None:
    write_toml("a.toml", settings_text(edition="2", effective_from="2024-01-01", supersedes="1",
                                       value=5))  # fmt: skip
    write_toml("b.toml", settings_text(edition="1", value=10))
    out, _err, status = _run("load", str(tmp_path / "a.toml"), str(tmp_path / "b.toml"))
    assert status == 0, out
    assert [line.split("\t")[1].rsplit("/", 1)[-1] for line in out.splitlines()[:2]] == [
        "b.toml", "a.toml",
    ]  # fmt: skip
    assert (_value("2023-01-01"), _value("2024-01-01")) == (10, 5)


def test_policy_lookup_commands(loaded_policy: list[FileOutcome]) -> None:
    out, _err, status = _run("lookup", "regime", "2023-06-01")
    assert status == 0 and out.startswith("ndrc-order-58\t")
    out, _err, _ = _run("lookup", "window", "2023-06-01", "serious")
    assert "min_end=2024-06-01\tmax_end=2026-06-01" in out
    out, _err, _ = _run("lookup", "window", "2023-06-01", "serious", "--specific-serious")
    assert "min_end=2026-06-01\tmax_end=2026-06-01\trepairable=no" in out
    out, _err, _ = _run("lookup", "setting", KEY, "--on", "2026-05-01")
    assert out.startswith(f"{KEY} = 10 working_days\tnational\t")
    out, err, status = _run("lookup", "regime", "2019-06-30")
    assert status == 1 and err.startswith("REGIME_NOT_FOUND: ")
    out, err, status = _run("lookup", "setting", KEY, "--on", "2026-02-30")
    assert status == 1 and err.startswith("DATE_INVALID: ")

"""Jurisdiction settings: national defaults, local > provincial > national, dated."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from xinyong.policy.actions import LoadOutcome
from xinyong.policy.errors import SettingAmbiguous, SettingNotFound, SettingUnknown
from xinyong.policy.jurisdiction_settings import (
    SETTING_DEFINITIONS,
    policy_setting,
    settings_in_force,
)
from xinyong.policy.loader import FileOutcome
from xinyong.policy.models import JurisdictionSetting, PolicyEdition
from xinyong.policy.tests.samples import SETTINGS_LOCAL, settings_text

Loader = Callable[..., LoadOutcome]
D = date
LISTING = "listing.objection_answer_working_days"

NATIONAL_DEFAULTS = {
    "double_publicity.report_working_days": 7,
    "catalog.other_item_report_working_days": 2,
    "penalty.withdrawal_days": 3,
    "repair.decision_working_days": 3,
    "repair.eligibility_notice_working_days": 3,
    "repair.initial_review_working_days": 2,
    # Read by repair (xinyong.repair; docs/repair.md): 0 = no higher platform's review.
    "repair.higher_review_working_days": 0,
    "objection.answer_working_days": 10,
    LISTING: 10,
    # Read by the listing procedure (xinyong.lists; docs/decisions/0023-listing-periods.md).
    "listing.objection_window_working_days": 5,
    "listing.publication_working_days": 2,
    # Read by joint action (xinyong.joint; docs/decisions/0037-feedback-deadline.md).
    "joint.feedback_working_days": 5,
    # Read by the consent registry (xinyong.security; docs/decisions/0044).
    "security.consent_max_days": 365,
}


def test_national_defaults_with_their_sources(loaded_policy: list[FileOutcome]) -> None:
    on = D(2026, 6, 1)
    values = {k: s.value if s else None for k, s in settings_in_force(on=on).items()}
    assert values == NATIONAL_DEFAULTS
    assert set(NATIONAL_DEFAULTS) == set(SETTING_DEFINITIONS)
    report = policy_setting("double_publicity.report_working_days", on=on)
    assert report.legal_source == "国发〔2016〕33号；发改办财金〔2018〕424号"
    assert (report.unit, report.jurisdiction, report.unconfirmed) == ("working_days", "national",
                                                                      False)  # fmt: skip
    withdrawal = policy_setting("penalty.withdrawal_days", on=on)
    assert withdrawal.unit == "days" and "第四十八条" in withdrawal.legal_source
    listing = policy_setting(LISTING, on=on)
    assert listing.unconfirmed and "seed 000" in listing.note and "seed 003" in listing.note


def test_settings_with_their_own_start_dates(loaded_policy: list[FileOutcome]) -> None:
    assert policy_setting("penalty.withdrawal_days", on=D(2021, 7, 15)).value == 3
    with pytest.raises(SettingNotFound) as info:
        policy_setting("penalty.withdrawal_days", on=D(2021, 7, 14))
    assert info.value.code == "SETTING_NOT_FOUND" and "2021-07-14" in info.value.message_en
    with pytest.raises(SettingNotFound):
        policy_setting("repair.decision_working_days", on=D(2026, 3, 31))
    assert policy_setting("repair.decision_working_days", on=D(2026, 4, 1)).value == 3


def test_repair_decision_setting_matches_the_22_regime(loaded_policy: list[FileOutcome]) -> None:
    from xinyong.policy.regimes import regime_for

    deadline = regime_for(D(2026, 4, 1)).deadline("repair-decision")
    assert deadline is not None
    assert (
        policy_setting("repair.decision_working_days", on=D(2026, 4, 1)).value
        == (deadline["working_days"])
    )


def test_local_overrides_provincial_overrides_national(
    loaded_policy: list[FileOutcome], load_policy_text: Loader
) -> None:
    on = D(2026, 6, 1)
    assert policy_setting(LISTING, on=on).value == 10
    load_policy_text(settings_text(code="province", jurisdiction="provincial", key=LISTING,
                                   value=5))  # fmt: skip
    assert policy_setting(LISTING, on=on).value == 5
    load_policy_text(SETTINGS_LOCAL)  # local, from 2026-01-01: 3 working days
    resolved = policy_setting(LISTING, on=on)
    assert (resolved.value, resolved.jurisdiction, resolved.edition) == (
        3, "local", "settings/local-demo@2026.1",
    )  # fmt: skip
    # before the local edition starts, the provincial value applies
    assert policy_setting(LISTING, on=D(2025, 12, 31)).value == 5
    # keys the supplements do not set keep their national default
    assert policy_setting("objection.answer_working_days", on=on).value == 10


def test_two_editions_of_one_level_may_not_set_a_key_for_the_same_dates(
    load_policy_text: Loader,
) -> None:
    load_policy_text(settings_text(code="local-a", jurisdiction="local", value=3))
    before = PolicyEdition.objects.count()
    with pytest.raises(SettingAmbiguous) as info:
        load_policy_text(settings_text(code="local-b", jurisdiction="local",
                                       effective_from="2025-01-01", value=4))  # fmt: skip
    assert info.value.code == "SETTING_AMBIGUOUS"
    assert "settings/local-a@1" in info.value.message_en
    assert PolicyEdition.objects.count() == before  # the refused edition was rolled back
    assert JurisdictionSetting.objects.count() == 1
    # for dates the first does not cover, a second local edition is fine
    local_c = settings_text(
        code="local-c",
        jurisdiction="local",
        effective_from="2016-01-01",
        effective_to="2019-12-31",
        value=5,
    )
    load_policy_text(local_c)
    assert policy_setting("objection.answer_working_days", on=D(2018, 1, 1)).value == 5


def test_unknown_and_missing_settings() -> None:
    with pytest.raises(SettingUnknown) as info:
        policy_setting("objection.answer_days", on=D(2026, 1, 1))
    assert info.value.code == "SETTING_UNKNOWN" and info.value.status == 422


@pytest.mark.django_db
def test_nothing_loaded_means_setting_not_found() -> None:
    with pytest.raises(SettingNotFound) as info:
        policy_setting(LISTING)
    assert "xinyong policy load" in info.value.message_en

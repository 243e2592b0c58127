"""Publication and repair regimes by decision date (RULES §3), loaded from the shipped file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from pytest_django import DjangoAssertNumQueries

from xinyong.policy.actions import LoadOutcome, do_retire_policy_edition
from xinyong.policy.dates import add_months, parse_iso_date
from xinyong.policy.errors import RegimeNotFound, RegimeRuleNotDefined, SeverityUnknown
from xinyong.policy.loader import FileOutcome
from xinyong.policy.models import PolicyEdition
from xinyong.policy.regimes import publication_window, regime_for
from xinyong.policy.tests.samples import REGIMES_MINIMAL

D = date
O527, O58, O22 = "ndrc-527-2019", "ndrc-order-58", "gbf-22-2025-order-36"
pytestmark = pytest.mark.usefixtures("loaded_policy")


@pytest.mark.parametrize(
    ("decided", "code"),
    [
        (D(2019, 7, 1), O527),
        (D(2023, 4, 30), O527),
        (D(2023, 5, 1), O58),
        (D(2023, 6, 1), O58),
        (D(2026, 3, 31), O58),
        (D(2026, 4, 1), O22),
        (D(2040, 1, 1), O22),
    ],
)
def test_regime_for_decision_date_across_boundaries(decided: date, code: str) -> None:
    assert regime_for(decided).code == code


def test_regimes_cite_their_sources() -> None:
    assert regime_for(D(2020, 1, 1)).legal_source == "发改办财金〔2019〕527号"
    assert regime_for(D(2023, 6, 1)).legal_source == "国家发展改革委令第58号"
    r22 = regime_for(D(2026, 4, 1))
    assert "国办发〔2025〕22号" in r22.legal_source and "第36号" in r22.legal_source
    assert (r22.decisions_from, r22.decisions_to) == (D(2026, 4, 1), None)


def test_a_decision_before_the_first_regime_is_refused() -> None:
    with pytest.raises(RegimeNotFound) as info:
        regime_for(D(2019, 6, 30))
    assert info.value.code == "REGIME_NOT_FOUND" and info.value.status == 404
    assert "2019-06-30" in info.value.message_zh and "2019-06-30" in info.value.message_en
    with pytest.raises(RegimeNotFound):
        publication_window(D(2019, 6, 30), "general")


# RULES §3 table: (decision date, severity) -> (published, min months, max months, repairable)
TABLE = [
    (D(2020, 3, 15), "general", "required", 3, 12, True),
    (D(2020, 3, 15), "serious", "required", 6, 36, True),
    (D(2023, 5, 1), "general", "required", 3, 12, True),
    (D(2023, 5, 1), "serious", "required", 12, 36, True),
    (D(2026, 4, 1), "light", "optional", 0, 3, True),
    (D(2026, 4, 1), "general", "required", 3, 12, True),
    (D(2026, 4, 1), "serious", "required", 12, 36, True),
]


@pytest.mark.parametrize(("decided", "severity", "published", "lo", "hi", "repairable"), TABLE)
def test_publication_window_per_severity(
    decided: date, severity: str, published: str, lo: int, hi: int, repairable: bool
) -> None:
    w = publication_window(decided, severity)
    assert (w.published, w.min_months, w.max_months, w.repairable) == (
        published, lo, hi, repairable,
    )  # fmt: skip
    assert w.min_end == add_months(decided, lo)
    assert w.max_end == add_months(decided, hi)


def test_serious_minimum_changes_at_the_order_58_boundary() -> None:
    before = publication_window(D(2023, 4, 30), "serious")
    after = publication_window(D(2023, 5, 1), "serious")
    assert (before.regime_code, before.min_end, before.max_end) == (
        O527, D(2023, 10, 30), D(2026, 4, 30),
    )  # fmt: skip
    assert (after.regime_code, after.min_end, after.max_end) == (O58, D(2024, 5, 1), D(2026, 5, 1))
    assert after.repair_from == D(2024, 5, 2)


def test_light_exists_only_from_2026_04_01() -> None:
    with pytest.raises(RegimeRuleNotDefined) as info:
        publication_window(D(2026, 3, 31), "light")
    assert info.value.code == "REGIME_RULE_NOT_DEFINED"
    assert "light" in info.value.message_en
    light = publication_window(D(2026, 4, 1), "light")
    assert light.regime_code == O22
    assert (light.min_end, light.max_end, light.repair_from) == (
        D(2026, 4, 1), D(2026, 7, 1), D(2026, 4, 2),
    )  # fmt: skip


def test_periods_end_on_the_corresponding_day_or_month_end() -> None:
    w = publication_window(D(2023, 11, 30), "general")
    assert (w.min_end, w.max_end) == (D(2024, 2, 29), D(2024, 11, 30))
    w = publication_window(D(2024, 2, 29), "serious")
    assert (w.min_end, w.max_end) == (D(2025, 2, 28), D(2027, 2, 28))


def test_specific_serious_is_three_years_without_repair() -> None:
    w = publication_window(D(2020, 1, 10), "serious", specific_serious=True)
    assert (w.min_end, w.max_end, w.repairable, w.repair_from) == (
        D(2023, 1, 10), D(2023, 1, 10), False, None,
    )  # fmt: skip
    assert w.legal_source == "发改办财金〔2019〕527号" and not w.unconfirmed
    later = publication_window(D(2026, 5, 1), "serious", specific_serious=True)
    assert later.unconfirmed  # RULES does not tie the 527 list to the later regimes
    with pytest.raises(SeverityUnknown):
        publication_window(D(2020, 1, 10), "general", specific_serious=True)
    with pytest.raises(SeverityUnknown) as info:
        publication_window(D(2020, 1, 10), "grave")
    assert info.value.code == "SEVERITY_UNKNOWN" and info.value.status == 422


def test_the_527_list_and_other_rules_are_data() -> None:
    r527 = regime_for(D(2020, 1, 1))
    assert r527.specific_serious is not None
    cases = {c["code"] for c in r527.specific_serious["cases"]}
    assert {"food-drugs", "environment", "construction-quality", "work-safety", "fire-safety",
            "compulsory-certification", "bribery", "tax-evasion", "malicious-debt-evasion",
            "wage-arrears", "illegal-fund-raising", "pyramid-selling", "counterfeiting",
            "bid-rigging", "false-advertising"} == cases  # fmt: skip
    assert {i["code"] for i in r527.never_repairable} == {
        "online-fraud", "illegal-fund-raising", "faulty-vaccines",
    }  # fmt: skip
    assert r527.multiple_categories is not None
    assert r527.multiple_categories["rule"] == "longest"
    assert r527.multiple_categories["unconfirmed"] is True
    r22 = regime_for(D(2026, 4, 1))
    assert [m["code"] for m in r22.repair_materials] == ["proof-of-performance",
                                                         "credit-commitment"]  # fmt: skip
    assert [e["code"] for e in r22.repair_effects] == [
        "stop-publication", "stop-sharing-and-use", "lift-measures", "update-evaluations",
    ]  # fmt: skip
    days = {d["code"]: d["working_days"] for d in r22.deadlines}
    assert days == {"repair-decision": 3, "national-review": 10, "local-sync": 3}
    decision = r22.deadline("repair-decision")
    assert decision is not None and decision["legal_source"] == "国办发〔2025〕22号"
    assert r22.deadline("no-such-deadline") is None
    assert regime_for(D(2023, 6, 1)).deadlines == []


def test_a_local_regime_edition_wins_over_the_national_one(
    load_policy_text: Callable[..., LoadOutcome],
) -> None:
    local = REGIMES_MINIMAL.replace('jurisdiction = "national"', 'jurisdiction = "local"')
    load_policy_text(local.replace("max_months = 12", "max_months = 6"))
    assert regime_for(D(2020, 1, 1)).code == "first"
    assert publication_window(D(2020, 1, 1), "general").max_end == D(2020, 7, 1)
    assert regime_for(D(2023, 6, 1)).code == O58  # not claimed by the local edition


def test_retired_regimes_count_for_nothing(loaded_policy: list[FileOutcome]) -> None:
    edition = PolicyEdition.objects.get(kind="regimes")
    do_retire_policy_edition(edition, reason="test", acting_user=None)
    with pytest.raises(RegimeNotFound):
        regime_for(D(2023, 6, 1))


def test_regime_lookup_query_count(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    with django_assert_num_queries(2):
        publication_window(D(2023, 6, 1), "general")


@pytest.mark.parametrize(
    ("d", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2023, 8, 31), 3, D(2023, 11, 30)),
        (D(2023, 12, 15), 1, D(2024, 1, 15)),
        (D(2023, 3, 31), -1, D(2023, 2, 28)),
        (D(2023, 6, 1), 0, D(2023, 6, 1)),
        (D(2020, 2, 29), 12, D(2021, 2, 28)),
    ],
)
def test_add_months(d: date, months: int, expected: date) -> None:
    assert add_months(d, months) == expected


def test_parse_iso_date_is_strict() -> None:
    assert parse_iso_date("2026-04-01") == D(2026, 4, 1)
    for bad in ("2026-02-30", "20260401", "2026-4-1", "", "2026-04-01T00:00"):
        assert parse_iso_date(bad) is None

"""List types as dated policy data: the shipped file, the domain rule of 国办发〔2020〕49号,
validation, look-ups by date and jurisdiction, and the procedure's periods."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from xinyong.errors import CodedError
from xinyong.lists.choices import Domain, ListSide
from xinyong.lists.models import ListType
from xinyong.lists.queries import (
    list_type_for,
    list_types_in_force,
    objection_answer_period,
    objection_window,
    publication_period,
)
from xinyong.policy.actions import LoadOutcome
from xinyong.policy.loader import FileOutcome
from xinyong.policy.models import PolicyEdition

pytestmark = pytest.mark.django_db

HEADER = """
kind = "list_types"
code = "test-lists"
edition = "1"
effective_from = 2026-01-01
jurisdiction = "local"
legal_source = "test"
"""

SERIOUS = """
[[list_types]]
code = "local-serious"
side = "serious"
name_zh = "测试名单"
name_en = "Test list"
legal_basis = "《测试条例》第一条"
{domains}
initiating_department_kinds = ["sector_authority"]
subject_kinds = ["legal_person"]
term_months = 12
prior_notice_required = true

[list_types.removal_procedure]
zh = "期满移出。"
en = "Removed at the end."

[[list_types.remedies]]
code = "review"
zh = "行政复议"
en = "Review"
"""


def test_shipped_list_types(loaded_policy: list[FileOutcome]) -> None:
    on = date(2026, 6, 1)
    types = {t.code: t for t in list_types_in_force(on=on)}
    assert set(types) == {
        "dishonest-judgment-debtor",
        "major-tax-violation",
        "wage-arrears",
        "market-regulation-serious-violation",
        "government-procurement-serious-dishonesty",
        "tax-credit-grade-a",
        "contract-abiding-enterprise",
    }
    # 法释〔2017〕7号: 2 years, extendable by 1–3 years, deleted within 3 working days of
    # performance; the court's own procedure (no separate 49号 prior notice).
    debtor = types["dishonest-judgment-debtor"]
    assert debtor.side == ListSide.SERIOUS
    assert debtor.domains == [Domain.CREDIBILITY]
    assert debtor.initiating_department_kinds == ["court"]
    assert (debtor.term_months, debtor.prior_notice_required) == (24, False)
    assert debtor.extension is not None
    assert (debtor.extension["min_months"], debtor.extension["max_months"]) == (12, 36)
    performance = debtor.early_removal_condition("performance")
    assert performance is not None and performance["removal_working_days"] == 3
    # 人社部令第45号: 3 years; early removal 6 months after correction with a commitment.
    wages = types["wage-arrears"]
    assert wages.term_months == 36 and wages.prior_notice_required
    correction = wages.early_removal_condition("wages-paid-commitment")
    assert correction is not None
    assert (correction["after_months"], correction["counted_from"]) == (6, "correction")
    assert correction["requires_commitment"] is True
    # 总局令第44号: early removal after 1 year — unconfirmed (RULES ⚠).
    market = types["market-regulation-serious-violation"]
    one_year = market.early_removal_condition("corrected-after-one-year")
    assert one_year is not None and one_year["after_months"] == 12 and one_year["unconfirmed"]
    # Periods RULES marks ⚠ are flagged.
    assert types["major-tax-violation"].unconfirmed
    assert types["government-procurement-serious-dishonesty"].unconfirmed
    procurement = types["government-procurement-serious-dishonesty"]
    assert (procurement.term_months_min, procurement.term_months_max) == (12, 36)
    # Red lists: no domain, no prior notice.
    assert types["tax-credit-grade-a"].side == ListSide.RED
    assert types["tax-credit-grade-a"].domains == []
    assert not types["tax-credit-grade-a"].leniency_required
    # Every serious list lies in the four domains; leniency grounds come with each row.
    for t in types.values():
        assert set(t.domains) <= set(Domain.values)
        assert (t.side == ListSide.SERIOUS) == bool(t.domains)
        assert {g["code"] for g in t.leniency_grounds} == {
            "minor",
            "force-majeure",
            "minor-unintentional",
        }


def test_list_type_dates(loaded_policy: list[FileOutcome]) -> None:
    # 人社部令第45号 took effect on 2022-01-01.
    with pytest.raises(CodedError) as exc:
        list_type_for("wage-arrears", on=date(2021, 12, 31))
    assert exc.value.code == "LIST_TYPE_NOT_FOUND"
    assert list_type_for("wage-arrears", on=date(2022, 1, 1)).code == "wage-arrears"
    with pytest.raises(CodedError) as exc:
        list_type_for("no-such-list", on=date(2026, 1, 1))
    assert exc.value.code == "LIST_TYPE_NOT_FOUND"


@pytest.mark.parametrize(
    ("domains", "code"),
    [
        ("", "LIST_TYPE_DOMAIN_INVALID"),  # no domain at all
        ("domains = []", "LIST_TYPE_DOMAIN_INVALID"),
        ('domains = ["environment"]', "LIST_TYPE_DOMAIN_INVALID"),  # outside the four
        ('domains = ["health_safety", "consumer_disputes"]', "LIST_TYPE_DOMAIN_INVALID"),
        ('domains = "health_safety"', "POLICY_BAD_VALUE"),
    ],
)
def test_a_serious_list_outside_the_four_domains_cannot_be_created(
    loaded_policy: list[FileOutcome],
    load_policy_text: Callable[..., LoadOutcome],
    domains: str,
    code: str,
) -> None:
    before = PolicyEdition.objects.count()
    with pytest.raises(CodedError) as exc:
        load_policy_text(HEADER + SERIOUS.format(domains=domains))
    assert exc.value.code == code
    assert "domains" in exc.value.details["key"]
    assert "国办发〔2020〕49号" in exc.value.message_zh or code == "POLICY_BAD_VALUE"
    assert PolicyEdition.objects.count() == before
    assert not ListType.objects.filter(code="local-serious").exists()


def test_a_serious_list_in_the_four_domains_loads_and_a_local_edition_wins(
    loaded_policy: list[FileOutcome], load_policy_text: Callable[..., LoadOutcome]
) -> None:
    load_policy_text(HEADER + SERIOUS.format(domains='domains = ["national_defence"]'))
    assert list_type_for("local-serious", on=date(2026, 2, 1)).domains == ["national_defence"]
    # A local edition of a national code wins on its dates (most local first).
    local = HEADER.replace('code = "test-lists"', 'code = "local-wages"') + SERIOUS.format(
        domains='domains = ["fair_competition_social_order"]'
    ).replace('code = "local-serious"', 'code = "wage-arrears"').replace(
        "term_months = 12", "term_months = 24"
    )
    load_policy_text(local)
    assert list_type_for("wage-arrears", on=date(2026, 2, 1)).term_months == 24
    assert list_type_for("wage-arrears", on=date(2025, 12, 31)).term_months == 36


def test_red_lists_have_no_domain(
    loaded_policy: list[FileOutcome], load_policy_text: Callable[..., LoadOutcome]
) -> None:
    text = HEADER + SERIOUS.format(domains='domains = ["health_safety"]').replace(
        'side = "serious"', 'side = "red"'
    )
    with pytest.raises(CodedError) as exc:
        load_policy_text(text)
    assert exc.value.code == "POLICY_BAD_VALUE"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (("term_months = 12", "term_months = 12\nterm_months_max = 6"), "LIST_TYPE_TERM_INVALID"),
        (
            ("prior_notice_required = true", "prior_notice_required = true\n"
             "[list_types.extension]\nmin_months = 12\nmax_months = 30\nstep_months = 12\n"
             'zh = "x"\nen = "x"'),
            "LIST_TYPE_TERM_INVALID",
        ),
        (('subject_kinds = ["legal_person"]', 'subject_kinds = ["company"]'), "POLICY_BAD_VALUE"),
        (("prior_notice_required = true", "prior_notice_required = true\nextra = 1"),
         "POLICY_UNKNOWN_KEY"),
        (('domains = ["health_safety"]', 'domains = ["health_safety", "health_safety"]'),
         "POLICY_BAD_VALUE"),
        (('domains = ["health_safety"]', "domains = [1]"), "POLICY_BAD_VALUE"),
        (("prior_notice_required = true", "prior_notice_required = true\n"
          "effective_from = 2025-01-01"), "POLICY_RANGE_OUTSIDE_EDITION"),
        (("prior_notice_required = true", "prior_notice_required = true\n"
          "effective_from = 2026-05-01\neffective_to = 2026-04-01"), "POLICY_DATE_ORDER"),
        (('subject_kinds = ["legal_person"]', "subject_kinds = 3"), "POLICY_BAD_VALUE"),
        (('subject_kinds = ["legal_person"]', "subject_kinds = []"), "POLICY_BAD_VALUE"),
        (('subject_kinds = ["legal_person"]', 'subject_kinds = ["legal_person", "legal_person"]'),
         "POLICY_BAD_VALUE"),
        (('[[list_types.remedies]]', '[[list_types.early_removal]]\ncode = "a"\nzh = "a"\n'
          'en = "a"\n[[list_types.early_removal]]\ncode = "a"\nzh = "a"\nen = "a"\n\n'
          "[[list_types.remedies]]"), "POLICY_BAD_VALUE"),
        (('[[list_types.remedies]]', '[[list_types.early_removal]]\ncode = "a"\nzh = "a"\n'
          'en = "a"\nafter_months = 6\n\n[[list_types.remedies]]'), "POLICY_BAD_VALUE"),
    ],
)  # fmt: skip
def test_list_type_validation(
    loaded_policy: list[FileOutcome],
    load_policy_text: Callable[..., LoadOutcome],
    change: tuple[str, str],
    code: str,
) -> None:
    text = HEADER + SERIOUS.format(domains='domains = ["health_safety"]').replace(*change)
    with pytest.raises(CodedError) as exc:
        load_policy_text(text)
    assert exc.value.code == code


def test_duplicate_list_type_codes_are_refused(
    loaded_policy: list[FileOutcome], load_policy_text: Callable[..., LoadOutcome]
) -> None:
    one = SERIOUS.format(domains='domains = ["health_safety"]')
    with pytest.raises(CodedError) as exc:
        load_policy_text(HEADER + one + one)
    assert exc.value.code == "LIST_TYPE_DUPLICATE"


def test_periods_come_from_settings_unless_the_list_type_sets_its_own(
    loaded_policy: list[FileOutcome], load_policy_text: Callable[..., LoadOutcome]
) -> None:
    on = date(2026, 6, 1)
    wages = list_type_for("wage-arrears", on=on)
    window = objection_window(wages, on=on)
    assert window.working_days == 5 and window.unconfirmed
    assert window.source.startswith("setting:listing.objection_window_working_days@")
    # National default 10 working days (seed 003); seed 000's jurisdiction sets 3.
    assert objection_answer_period(wages, on=on, listed=False).working_days == 10
    assert objection_answer_period(wages, on=on, listed=True).working_days == 10
    assert publication_period(on=on).working_days == 2
    load_policy_text(
        """
kind = "settings"
code = "local-kashgar"
edition = "2026.1"
effective_from = 2026-01-01
jurisdiction = "local"
legal_source = "喀署办发〔2021〕70号"

[[settings]]
key = "listing.objection_answer_working_days"
value = 3
legal_source = "喀署办发〔2021〕70号 二(二)2(3)"
"""
    )
    assert objection_answer_period(wages, on=on, listed=False).working_days == 3
    # A list type's own period wins (seed 000: 有关部门对核实时间另有规定的，从其规定).
    own = HEADER + SERIOUS.format(domains='domains = ["health_safety"]').replace(
        "prior_notice_required = true",
        "prior_notice_required = true\nobjection_window_working_days = 7\n"
        "objection_answer_working_days = 15",
    )
    load_policy_text(own)
    local = list_type_for("local-serious", on=on)
    assert objection_window(local, on=on).working_days == 7
    assert objection_answer_period(local, on=on, listed=False).working_days == 15
    assert objection_answer_period(local, on=on, listed=True).working_days == 10

"""The measure list and the memoranda: the shipped data, proportionality
(``check_measure_applicable``), the procurement rule of 财库〔2016〕125号 as data, supplements
within the base list's scope, and refused references."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from xinyong.errors import CodedError
from xinyong.measures.choices import ListScope, MeasureSide
from xinyong.measures.models import Measure, Memorandum
from xinyong.measures.queries import check_measure_applicable, measure_list, measures_for
from xinyong.policy.actions import LoadOutcome
from xinyong.policy.loader import FileOutcome

pytestmark = pytest.mark.django_db

ON = date(2026, 6, 1)
EXAMPLE = Path(settings.BASE_DIR) / "docs" / "examples" / "measures-local-supplement.toml"

LOCAL_MEMORANDUM = """
kind = "memoranda"
code = "local-example-memoranda"
edition = "2026.1"
effective_from = 2026-01-01
jurisdiction = "local"
legal_source = "《示例市社会信用条例》（示例）"

[[memoranda]]
code = "local-talent-housing"
name_zh = "示例市失信联合惩戒备忘录"
name_en = "Example city memorandum"
legal_source = "《示例市社会信用条例》第二十条（示例）"

[[memoranda.links]]
list_types = ["wage-arrears"]
measures = ["local-restrict-talent-housing"]
implementing_department_kinds = ["government"]
implementing_departments = ["11330100000000001x"]
"""


def test_national_base_list_has_three_classes_and_fourteen_unconfirmed_measures(
    loaded_policy: list[FileOutcome],
) -> None:
    base = Measure.objects.filter(edition__code="national-base-list")
    assert base.count() == 14
    assert set(base.values_list("measure_class", flat=True)) == {
        "a-rights",
        "b-management",
        "c-market",
    }
    assert all(m.unconfirmed for m in base)  # RULES §5 ⚠: names unconfirmed
    assert all(m.side == MeasureSide.PUNISHMENT and m.list_scope == ListScope.BASE for m in base)
    procurement = base.get(code="restrict-government-procurement")
    # Every measure states matter, target, means, implementing body and legal basis.
    assert procurement.matters == ["government_procurement"]
    assert "legal_person" in procurement.targets
    assert procurement.implementing_department_kinds and procurement.means
    assert "财库〔2016〕125号" in procurement.legal_basis
    # The base list is in force from 2022 (⚠ date); the incentives since 国发〔2016〕33号.
    assert "restrict-bidding" not in measure_list(on=date(2021, 6, 1))
    assert "green-channel" in measure_list(on=date(2021, 6, 1))


@pytest.mark.parametrize(
    "list_type",
    [
        "dishonest-judgment-debtor",
        "major-tax-violation",
        "government-procurement-serious-dishonesty",
    ],
)
def test_procurement_refusal_of_cai_ku_2016_125_is_memoranda_data(
    loaded_policy: list[FileOutcome], list_type: str
) -> None:
    found = check_measure_applicable("restrict-government-procurement", list_type, on=ON)
    assert "caiku-2016-125" in [m["code"] for m in found.memoranda]
    assert "government_procurement" in found.matters
    assert set(found.implementing_department_kinds) >= {"sector_authority", "public_service"}


def test_measures_for_a_list_type(loaded_policy: list[FileOutcome]) -> None:
    debtor = {m.code: m for m in measures_for("dishonest-judgment-debtor", on=ON)}
    assert {
        "restrict-high-consumption",
        "restrict-transport",
        "restrict-government-procurement",
    } <= set(debtor)
    assert debtor["restrict-high-consumption"].implementing_department_kinds == [
        "court",
        "public_service",
    ]
    # For judgment debtors the procurement refusal comes from 财库〔2016〕125号.
    assert {m["code"] for m in debtor["restrict-government-procurement"].memoranda} == {
        "caiku-2016-125"
    }
    red = measures_for("tax-credit-grade-a", on=ON)
    assert {m.code for m in red} == {
        "green-channel",
        "accept-with-missing-documents",
        "priority-fiscal-funds",
        "fewer-inspections",
        "bidding-credit-bonus",
    }
    assert all(m.side == MeasureSide.INCENTIVE for m in red)
    # Before the base list was in force, only links to measures on a list then count.
    assert measures_for("dishonest-judgment-debtor", on=date(2021, 6, 1)) == []


def test_proportionality_refusals(loaded_policy: list[FileOutcome]) -> None:
    # Not on any list: no measure outside the list (RULES §5).
    with pytest.raises(CodedError) as exc:
        check_measure_applicable("public-shaming", "wage-arrears", on=ON)
    assert exc.value.code == "MEASURE_NOT_IN_LIST"
    with pytest.raises(CodedError) as exc:
        check_measure_applicable("restrict-bidding", "wage-arrears", on=date(2021, 6, 1))
    assert exc.value.code == "MEASURE_NOT_IN_LIST"
    # On the list but not bound to this list type: not proportionate to the listing.
    with pytest.raises(CodedError) as exc:
        check_measure_applicable("restrict-high-consumption", "wage-arrears", on=ON)
    assert exc.value.code == "MEASURE_NOT_CONNECTED"
    assert exc.value.details == {
        "measure": "restrict-high-consumption",
        "list_type": "wage-arrears",
        "on": "2026-06-01",
    }
    with pytest.raises(CodedError) as exc:
        check_measure_applicable("restrict-government-procurement", "tax-credit-grade-a", on=ON)
    assert exc.value.code == "MEASURE_NOT_CONNECTED"
    # Bound, but not for this kind of subject.
    with pytest.raises(CodedError) as exc:
        check_measure_applicable(
            "restrict-transport", "wage-arrears", on=ON, subject_kind="legal_person"
        )
    assert exc.value.code == "MEASURE_TARGET_MISMATCH"
    ok = check_measure_applicable(
        Measure.objects.get(code="restrict-transport"),
        "wage-arrears",
        on=ON,
        subject_kind="natural_person",
    )
    assert ok.code == "restrict-transport"


def test_local_supplement_example_within_scope(
    loaded_policy: list[FileOutcome], load_policy_text: Callable[..., LoadOutcome]
) -> None:
    load_policy_text(EXAMPLE.read_text(encoding="utf-8"), source="docs/examples/x.toml")
    measure = Measure.objects.get(code="local-restrict-talent-housing")
    assert measure.list_scope == ListScope.SUPPLEMENT
    assert measure.class_zh.startswith("由公共管理机构依法依规实施")
    assert "local-restrict-talent-housing" in measure_list(on=ON)
    assert "local-restrict-talent-housing" not in measure_list(on=date(2025, 12, 31))
    # On the list, but no memorandum binds it yet.
    with pytest.raises(CodedError) as exc:
        check_measure_applicable("local-restrict-talent-housing", "wage-arrears", on=ON)
    assert exc.value.code == "MEASURE_NOT_CONNECTED"
    load_policy_text(LOCAL_MEMORANDUM)
    found = check_measure_applicable("local-restrict-talent-housing", "wage-arrears", on=ON)
    assert found.implementing_department_codes == ["11330100000000001X"]
    assert found.implementing_department_kinds == ["government"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (('jurisdiction = "local"', 'jurisdiction = "national"'), "MEASURE_SUPPLEMENT_SCOPE"),
        (("[[measures]]", '[[classes]]\ncode = "d-new"\nzh = "新"\nen = "new"\n\n[[measures]]'),
         "MEASURE_SUPPLEMENT_SCOPE"),
        (('class = "a-rights"', 'class = "z-unknown"'), "MEASURE_CLASS_UNKNOWN"),
        (('code = "local-restrict-talent-housing"', 'code = "restrict-bidding"'),
         "MEASURE_CODE_CLASH"),
        (('matters = ["talent_policy", "fiscal_funds"]', 'matters = ["parking"]'),
         "POLICY_BAD_VALUE"),
    ],
)  # fmt: skip
def test_supplements_only_within_the_base_list_scope(
    loaded_policy: list[FileOutcome],
    load_policy_text: Callable[..., LoadOutcome],
    change: tuple[str, str],
    code: str,
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(*change)
    before = Measure.objects.count()
    with pytest.raises(CodedError) as exc:
        load_policy_text(text)
    assert exc.value.code == code
    assert Measure.objects.count() == before


def test_base_list_validation(
    loaded_policy: list[FileOutcome], load_policy_text: Callable[..., LoadOutcome]
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace('scope = "supplement"', 'scope = "base"')
    with pytest.raises(CodedError) as exc:
        load_policy_text(text)
    assert exc.value.code == "POLICY_BAD_VALUE"  # a base list declares its classes


@pytest.mark.parametrize(
    ("change", "reference"),
    [
        (('list_types = ["wage-arrears"]', 'list_types = ["no-such-list"]'), "no-such-list"),
        (('measures = ["local-restrict-talent-housing"]', 'measures = ["no-such-measure"]'),
         "no-such-measure"),
    ],
)  # fmt: skip
def test_memoranda_naming_unknown_codes_are_refused(
    loaded_policy: list[FileOutcome],
    load_policy_text: Callable[..., LoadOutcome],
    change: tuple[str, str],
    reference: str,
) -> None:
    load_policy_text(EXAMPLE.read_text(encoding="utf-8"))
    with pytest.raises(CodedError) as exc:
        load_policy_text(LOCAL_MEMORANDUM.replace(*change))
    assert exc.value.code == "MEMORANDUM_REFERENCE_UNKNOWN"
    assert exc.value.details["reference"] == reference
    assert not Memorandum.objects.filter(code="local-talent-housing").exists()


@pytest.mark.parametrize(
    ("text_change", "code"),
    [
        # the same measure twice
        (("[[measures]]", '[[measures]]\ncode = "local-restrict-talent-housing"\nname_zh = "x"\n'
          'name_en = "x"\nclass = "a-rights"\nside = "punishment"\nmatters = ["honours"]\n'
          'targets = ["legal_person"]\nimplementing_department_kinds = ["government"]\n'
          'means = "x"\nlegal_basis = "x"\n\n[[measures]]'), "MEASURE_DUPLICATE"),
        (('class = "a-rights"', 'class = "a-rights"'), "MEASURE_CLASS_UNKNOWN"),
    ],
)  # fmt: skip
def test_measure_file_validation(
    loaded_policy: list[FileOutcome],
    load_policy_text: Callable[..., LoadOutcome],
    text_change: tuple[str, str],
    code: str,
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(*text_change)
    if code == "MEASURE_CLASS_UNKNOWN":  # a base list whose measure names a class it lacks
        text = (
            text.replace('scope = "supplement"', 'scope = "base"')
            .replace(
                "[[measures]]",
                '[[classes]]\ncode = "b-other"\nzh = "x"\nen = "x"\n\n[[measures]]',
                1,
            )
            .replace('jurisdiction = "local"', 'jurisdiction = "national"')
        )
    with pytest.raises(CodedError) as exc:
        load_policy_text(text)
    assert exc.value.code == code


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (('list_types = ["wage-arrears"]', "list_types = []"), "POLICY_BAD_VALUE"),
        (('list_types = ["wage-arrears"]', 'list_types = [" "]'), "POLICY_BAD_VALUE"),
        (("[[memoranda]]", '[[memoranda]]\ncode = "local-talent-housing"\nname_zh = "x"\n'
          'name_en = "x"\nlegal_source = "x"\n[[memoranda.links]]\n'
          'list_types = ["wage-arrears"]\nmeasures = ["restrict-bidding"]\n\n[[memoranda]]'),
         "POLICY_BAD_VALUE"),
    ],
)  # fmt: skip
def test_memoranda_file_validation(
    loaded_policy: list[FileOutcome],
    load_policy_text: Callable[..., LoadOutcome],
    change: tuple[str, str],
    code: str,
) -> None:
    load_policy_text(EXAMPLE.read_text(encoding="utf-8"))
    with pytest.raises(CodedError) as exc:
        load_policy_text(LOCAL_MEMORANDUM.replace(*change))
    assert exc.value.code == code


def test_repeated_links_are_kept_once(
    loaded_policy: list[FileOutcome], load_policy_text: Callable[..., LoadOutcome]
) -> None:
    load_policy_text(EXAMPLE.read_text(encoding="utf-8"))
    doubled = (
        LOCAL_MEMORANDUM
        + """
[[memoranda.links]]
list_types = ["wage-arrears"]
measures = ["local-restrict-talent-housing"]
"""
    )
    outcome = load_policy_text(doubled)
    assert outcome.summary["links"] == 1

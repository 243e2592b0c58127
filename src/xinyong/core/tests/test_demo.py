"""The demo data: deterministic plan, valid codes, loaded once, and the bulk action under it."""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.conf import global_settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from stdnum.iso7064 import mod_11_10

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.audit.record import digest, verify_chain
from xinyong.core import crypto, identifiers
from xinyong.core.actions import do_create_user
from xinyong.core.actions.bulk import SubjectSpec, do_bulk_create_subjects
from xinyong.core.choices import LegacyScheme, Role, SubjectKind
from xinyong.core.demo import plan as plan_module
from xinyong.core.demo.load import ACTOR_LABEL, DemoRefusedInProduction, load_demo
from xinyong.core.demo.plan import (
    CATEGORIES,
    CODE_MARKER,
    DEFAULT_SUBJECTS,
    LATEST_DATE,
    MIN_SUBJECTS,
    DemoPlan,
    build_plan,
    category_counts,
    territory,
)
from xinyong.core.errors import IdentifierInvalid, SubjectExists, SubjectIdentityConflict
from xinyong.core.management.commands.demo import Command, base_url
from xinyong.core.models import Department, Subject, SubjectIdentifier, SubjectName, User
from xinyong.core.tests.fixtures import resident_id_for, uscc_for

SMALL = 120  # subjects in the database tests: every category, several renames
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Six demo accounts cost about 3 s of PBKDF2 per load; only the timing test pays it."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


def _demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------
# The plan (no database)
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_plan() -> DemoPlan:
    return build_plan()


def test_same_seed_gives_the_same_plan_and_another_seed_another() -> None:
    first = build_plan(seed=7, subjects=300)
    again = build_plan(seed=7, subjects=300)
    other = build_plan(seed=8, subjects=300)
    assert first == again
    assert first.digest() == again.digest()
    assert other.digest() != first.digest()
    codes = {s.uscc for s in first.subjects if s.uscc} - {identifiers.USCC_PLACEHOLDER}
    other_codes = {s.uscc for s in other.subjects if s.uscc}
    assert not codes & other_codes


def test_default_size_is_at_least_5000(default_plan: DemoPlan) -> None:
    options = Command().create_parser("xinyong", "demo").parse_args([])
    assert options.subjects == DEFAULT_SUBJECTS >= 5000
    assert len(default_plan.subjects) == DEFAULT_SUBJECTS
    counts = default_plan.category_counts()
    assert counts["enterprise"] > len(default_plan.subjects) / 2
    assert all(counts[name] >= 50 for name in CATEGORIES)
    assert len(default_plan.renames) >= 100


def _check_plan(plan: DemoPlan) -> None:
    """Every code of the plan validates without a warning (the placeholder's own aside)."""
    organisations = [s.name for s in plan.subjects if s.kind != SubjectKind.NATURAL_PERSON]
    assert len(set(organisations)) == len(organisations)  # people may share a name
    for spec, category in zip(plan.subjects, plan.categories, strict=True):
        _share, authority, org_type, kind = CATEGORIES[category]
        assert spec.kind == kind
        if kind == SubjectKind.NATURAL_PERSON:
            assert spec.id_type == "01" and spec.id_number and not spec.uscc
            result = identifiers.validate(spec.id_number, "01")
            assert result.valid and not result.warnings, result.as_dict()
            birth = result.parts["birth_date"]
            assert isinstance(birth, date) and date(1950, 1, 1) <= birth <= date(2004, 12, 31)
            assert 2 <= len(spec.name) <= 3
            continue
        assert spec.uscc
        result = identifiers.validate(spec.uscc, subject_kind=kind)
        assert result.valid, result.as_dict()
        if spec.uscc == identifiers.USCC_PLACEHOLDER:
            assert kind == SubjectKind.INDIVIDUAL_BUSINESS
            assert result.warning_codes == ("USCC_PLACEHOLDER_REG_NO_REQUIRED",)
            assert LegacyScheme.BUSINESS_REG_NO in spec.legacy
        else:
            assert not result.warnings, result.as_dict()
            assert spec.uscc[:2] == authority + org_type
            assert spec.uscc[8:10] == CODE_MARKER
        assert spec.name_since and spec.name_since <= LATEST_DATE
        for scheme, value in spec.legacy.items():
            legacy = identifiers.validate(value, scheme)
            assert legacy.valid and not legacy.warnings, legacy.as_dict()
    for department in plan.departments:
        result = identifiers.validate(department.code)
        assert result.valid and not result.warnings
        assert department.code[:2] == "11"
        assert department.code[2:8] == department.division
        assert identifiers.division_info(department.division)["current"]
    for rename in plan.renames:
        assert rename.new_name != rename.old_name
        assert rename.effective <= LATEST_DATE


def test_every_code_of_the_default_plan_is_valid(default_plan: DemoPlan) -> None:
    _check_plan(default_plan)
    codes = [
        s.uscc for s in default_plan.subjects if s.uscc and s.uscc != identifiers.USCC_PLACEHOLDER
    ]
    codes += [d.code for d in default_plan.departments]
    assert len(set(codes)) == len(codes)
    ids = [s.id_number for s in default_plan.subjects if s.id_number]
    assert len(set(ids)) == len(ids) == default_plan.category_counts()["natural_person"]


def test_the_default_city_is_hangzhou_with_its_districts(default_plan: DemoPlan) -> None:
    assert default_plan.division == "330100" and default_plan.place_name == "杭州市"
    codes = {d.code for d in default_plan.districts}
    assert {"330102", "330106", "330108", "330127", "330182"} <= codes
    assert "330103" not in codes  # 下城区, merged in 2021
    kinds = Counter(d.kind for d in default_plan.departments)
    assert kinds["credit_office"] == 2 and kinds["court"] == 3
    assert kinds["sector_authority"] >= 15
    branches = [d for d in default_plan.departments if d.parent]
    assert branches and all(d.division in codes for d in branches)
    names = {d.name for d in default_plan.departments}
    assert {"杭州市发展和改革委员会", "杭州市中级人民法院", "国家税务总局杭州市税务局"} <= names
    enterprise = default_plan.subjects[default_plan.categories.index("enterprise")]
    assert enterprise.name.endswith(("有限公司", "有限责任公司"))


@pytest.mark.parametrize(
    ("division", "court"),
    [("110000", "北京市高级人民法院"), ("440300", "深圳市中级人民法院"),
     ("330122", "桐庐县人民法院")],
)  # fmt: skip
def test_other_platform_divisions(division: str, court: str) -> None:
    plan = build_plan(seed=3, subjects=MIN_SUBJECTS, division=division)
    _check_plan(plan)
    assert court in {d.name for d in plan.departments}
    keys = {d.key for d in plan.departments}
    assert all(u.department in keys for u in plan.users)


def test_sizes_and_divisions_out_of_range() -> None:
    counts = category_counts(MIN_SUBJECTS)
    assert sum(counts.values()) == MIN_SUBJECTS and min(counts.values()) >= 1
    with pytest.raises(ValueError, match="subjects"):
        category_counts(MIN_SUBJECTS - 1)
    with pytest.raises(ValueError, match="not a current"):
        territory("330103")


def test_place_names_and_name_clashes() -> None:
    places = ("杭州市", "浙江省", "新疆维吾尔自治区", "东区")
    assert [plan_module._short_place(n) for n in places] == ["杭州", "浙江", "新疆", "东区"]
    level, name, districts = territory("330127")
    maker = plan_module._SubjectMaker(1, plan_module._Codes(), level, name, districts, "330127")
    names = [maker.unique_name(lambda: "淳安县王记面馆") for _ in range(3)]
    assert names == ["淳安县王记面馆", "淳安县王记面馆（2）", "淳安县王记面馆（3）"]


def test_base_url_follows_the_bind_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XINYONG_BIND", raising=False)
    assert base_url() == "http://127.0.0.1:8000/"
    monkeypatch.setenv("XINYONG_BIND", "0.0.0.0:9000")
    assert base_url() == "http://127.0.0.1:9000/"
    monkeypatch.setenv("XINYONG_BIND", "10.1.2.3:8080")
    assert base_url() == "http://10.1.2.3:8080/"


# ---------------------------------------------------------------------------------------
# Loading (database)
# ---------------------------------------------------------------------------------------


def _after(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.after, dict)
    return event.after


def _first_name(subject: Subject) -> str:
    return subject.names.order_by("pk").values_list("name", flat=True)[0]


@pytest.mark.django_db
def test_demo_command_loads_departments_users_and_subjects() -> None:
    output = _demo("--seed", "5", "--subjects", str(SMALL))
    plan = build_plan(seed=5, subjects=SMALL)

    assert Subject.objects.count() == SMALL
    assert Department.objects.count() == len(plan.departments)
    assert Department.objects.filter(parent__isnull=False).count() >= 5
    for subject in Subject.objects.exclude(uscc=None):
        assert subject.uscc and identifiers.validate(subject.uscc).valid
        assert subject.division == subject.uscc[2:8]
    kinds = Counter(Subject.objects.values_list("kind", flat=True))
    assert kinds[SubjectKind.NATURAL_PERSON] == plan.category_counts()["natural_person"]

    # Individual businesses reported with the placeholder: no code, a registration number.
    placeholders = Subject.objects.filter(kind=SubjectKind.INDIVIDUAL_BUSINESS, uscc=None)
    assert placeholders.exists()
    for subject in placeholders:
        assert subject.identifiers.filter(scheme=LegacyScheme.BUSINESS_REG_NO).exists()

    # Natural persons: encrypted, hashed, masked; the number decrypts to a valid ID.
    person = Subject.objects.filter(kind=SubjectKind.NATURAL_PERSON).first()
    assert person is not None
    number = crypto.decrypt(person.id_number_encrypted)
    assert number not in person.id_number_encrypted
    assert identifiers.validate(number, "01").valid
    assert person.id_number_masked == identifiers.mask_identifier(number, "01")
    assert person.id_number_hash

    # Renamed companies keep their old name in the history, through do_rename_subject.
    assert plan.renames
    for rename in plan.renames:
        subject = Subject.objects.get(uscc=rename.uscc)
        assert subject.name == rename.new_name
        history = list(subject.names.order_by("pk").values_list("name", "valid_to"))
        assert history == [(rename.old_name, rename.effective), (rename.new_name, None)]
    renamed = AuditEvent.objects.filter(event_type=EventType.SUBJECT_RENAMED)
    assert renamed.count() == len(plan.renames)

    # Users: one per role, in sensible departments; the demo passwords work.
    for role in Role:
        assert User.objects.filter(memberships__role=role).exists(), role
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.primary_department and admin.primary_department.kind == "credit_office"
    reporter = User.objects.get(username="district-reporter")
    assert reporter.primary_department and reporter.primary_department.parent is not None
    for user in plan.users:
        assert authenticate(username=user.username, password=user.password) is not None

    # One DEMO_DATA_LOADED event for the subjects, and an intact chain.
    (event,) = AuditEvent.objects.filter(event_type=EventType.DEMO_DATA_LOADED)
    assert event.actor_label == ACTOR_LABEL and event.request_id.startswith("demo-")
    assert _after(event)["seed"] == 5
    assert _after(event)["plan_digest"] == plan.digest()
    assert _after(event)["subjects"]["count"] == SMALL
    assert not AuditEvent.objects.filter(event_type=EventType.SUBJECT_CREATED).exists()
    assert verify_chain().ok

    for url in ("http://127.0.0.1:8000/", "/console/", "/admin/", "/api/v1/openapi.json"):
        assert url in output
    assert "xinyong-demo-admin" in output and "auditor" in output


@pytest.mark.django_db
def test_the_event_digest_matches_the_stored_subjects() -> None:
    _demo("--subjects", str(MIN_SUBJECTS))
    event = AuditEvent.objects.get(event_type=EventType.DEMO_DATA_LOADED)
    info = _after(event)["subjects"]
    subjects = Subject.objects.filter(pk__range=(info["first_id"], info["last_id"])).order_by("pk")
    snapshots = [
        {
            "kind": s.kind,
            "name": _first_name(s),
            "uscc": s.uscc,
            "id_type": s.id_type,
            "id_number": s.id_number_masked,
            "legacy": dict(s.identifiers.order_by("pk").values_list("scheme", "value")),
        }
        for s in subjects
    ]
    assert len(snapshots) == info["count"] == MIN_SUBJECTS
    assert digest(snapshots) == info["digest"]


@pytest.mark.django_db
def test_running_it_again_loads_nothing() -> None:
    _demo("--subjects", str(MIN_SUBJECTS))
    counts = (Subject.objects.count(), Department.objects.count(), User.objects.count())
    events = AuditEvent.objects.count()
    for args in ((), ("--seed", "99", "--subjects", "40")):
        output = _demo(*args)
        assert "DEMO_ALREADY_LOADED" in output and "nothing loaded again" in output
        assert "xinyong-demo-admin" in output  # the log-ins are shown again
    assert (Subject.objects.count(), Department.objects.count(), User.objects.count()) == counts
    assert AuditEvent.objects.count() == events


class _Rollback(Exception):
    pass


def _load_in_a_fresh_database(seed: int) -> tuple[list[Any], ...]:
    """Load, read everything that identifies the data, and roll the load back."""
    try:
        with transaction.atomic():
            assert not Subject.objects.exists()
            _demo("--seed", str(seed), "--subjects", "60")
            result = tuple(
                sorted(rows, key=str)
                for rows in (
                    Subject.objects.values_list("uscc", "name", "kind", "id_number_hash"),
                    Department.objects.values_list("code", "name", "parent__code"),
                    SubjectName.objects.values_list("name", "valid_from", "valid_to"),
                    SubjectIdentifier.objects.values_list("scheme", "value"),
                    User.objects.values_list("username", "memberships__department__code"),
                )
            )
            raise _Rollback
    except _Rollback:
        pass
    return result


@pytest.mark.django_db
def test_same_seed_gives_the_same_data_in_fresh_databases() -> None:
    first = _load_in_a_fresh_database(11)
    second = _load_in_a_fresh_database(11)
    third = _load_in_a_fresh_database(12)
    assert first == second
    assert first[0] != third[0]


@pytest.mark.django_db
def test_refused_in_production() -> None:
    with override_settings(PRODUCTION=True), pytest.raises(CommandError, match="production"):
        _demo("--subjects", str(MIN_SUBJECTS))
    with override_settings(PRODUCTION=True), pytest.raises(DemoRefusedInProduction):
        load_demo(build_plan(subjects=MIN_SUBJECTS))
    assert not Subject.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_an_existing_account_is_left_alone() -> None:
    do_create_user(username="admin", password="own-password-1", acting_user=None)
    output = _demo("--subjects", str(MIN_SUBJECTS))
    assert "(existing account, unchanged)" in output
    admin = User.objects.get(username="admin")
    assert authenticate(username="admin", password="own-password-1") == admin
    assert not admin.is_superuser and not admin.memberships.exists()
    assert User.objects.filter(username="reviewer").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "division", "message"),
    [
        (("--subjects", "5"), "330100", "between"),
        (("--subjects", str(MIN_SUBJECTS)), "330103", "XINYONG_PLATFORM_DIVISION"),
    ],
)
def test_bad_arguments_and_divisions(args: tuple[str, ...], division: str, message: str) -> None:
    with (
        override_settings(XINYONG={"PLATFORM_DIVISION": division, "PLATFORM_NAME": "x"}),
        pytest.raises(CommandError, match=message),
    ):
        _demo(*args)
    assert not Subject.objects.exists()


@pytest.mark.django_db
def test_the_default_5000_subjects_load_with_real_password_hashing() -> None:
    # How long it takes is measured by the demo command itself (it prints the seconds), not
    # asserted here: timings belong in benchmarks, not in tests (README, "Performance").
    with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):
        output = _demo()
    assert Subject.objects.count() == DEFAULT_SUBJECTS
    assert re.search(r"subjects and \d+ renames in [\d.]+ s", output)


# ---------------------------------------------------------------------------------------
# do_bulk_create_subjects
# ---------------------------------------------------------------------------------------


def _reg_no(first14: str) -> str:
    return first14 + mod_11_10.calc_check_digit(first14)


def _specs() -> list[SubjectSpec]:
    return [
        SubjectSpec(SubjectKind.LEGAL_PERSON, "甲科技有限公司", uscc=uscc_for(),
                    legacy={"business_reg_no": _reg_no("33010600001234")},
                    name_since=date(2012, 3, 4)),
        SubjectSpec(SubjectKind.INDIVIDUAL_BUSINESS, "西湖区乙记面馆",
                    uscc=identifiers.USCC_PLACEHOLDER,
                    legacy={"business_reg_no": _reg_no("33010660000001")}),
        SubjectSpec(SubjectKind.NATURAL_PERSON, "丙某", id_type="01",
                    id_number=resident_id_for(date(1970, 1, 2))),
    ]  # fmt: skip


@pytest.mark.django_db
def test_bulk_create_writes_subjects_names_identifiers_and_one_event() -> None:
    specs = _specs()
    for spec in specs:
        for scheme, value in spec.legacy.items():
            assert not identifiers.validate(value, scheme).warnings
    result = do_bulk_create_subjects(
        specs, acting_user=None, actor_label="test", summary={"source": "test"}
    )
    assert [s.name for s in result.subjects] == [s.name for s in specs]
    assert Subject.objects.count() == 3 and SubjectName.objects.count() == 3
    assert SubjectIdentifier.objects.count() == 2
    company, shop, person = (Subject.objects.get(pk=s.pk) for s in result.subjects)
    assert company.names.get().valid_from == date(2012, 3, 4)
    assert shop.uscc is None
    assert crypto.decrypt(person.id_number_encrypted) == specs[2].id_number
    assert result.by_uscc == {company.uscc: result.subjects[0]}
    (event,) = AuditEvent.objects.all()
    assert event.event_type == EventType.DEMO_DATA_LOADED and event.actor_label == "test"
    assert _after(event)["source"] == "test"
    assert _after(event)["subjects"]["by_kind"] == {
        "individual_business": 1, "legal_person": 1, "natural_person": 1,
    }  # fmt: skip
    assert _after(event)["subjects"]["legacy_identifiers"] == 2
    assert specs[2].id_number not in str(event.after)


def _assert_refused(
    specs: list[SubjectSpec], error: type[Exception], item: int, code: str | None = None
) -> None:
    before = (Subject.objects.count(), AuditEvent.objects.count())
    with pytest.raises(error) as exc:
        do_bulk_create_subjects(specs, acting_user=None)
    assert getattr(exc.value, "details", {}).get("item") == item
    if code:
        assert getattr(exc.value, "code", None) == code
    assert (Subject.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_bulk_create_refuses_invalid_specs_and_writes_nothing() -> None:
    specs = _specs()
    bad = specs[0].uscc[:-1] + ("0" if specs[0].uscc[-1] != "0" else "1")  # type: ignore[index]
    _assert_refused(
        [specs[1], SubjectSpec(SubjectKind.LEGAL_PERSON, "错码公司", uscc=bad)],
        IdentifierInvalid,
        1,
        "USCC_BAD_CHECK",
    )
    _assert_refused(
        [SubjectSpec(SubjectKind.LEGAL_PERSON, "无码公司")], Exception, 0, "SUBJECT_USCC_REQUIRED"
    )
    _assert_refused(
        [SubjectSpec(SubjectKind.LEGAL_PERSON, "公司", uscc=uscc_for(), legacy={"nope": "1"})],
        Exception,
        0,
        "IDENTIFIER_SCHEME_UNKNOWN",
    )


@pytest.mark.django_db
def test_bulk_create_refuses_duplicates_within_the_batch() -> None:
    company, shop, person = _specs()
    _assert_refused([company, company], SubjectExists, 1)
    _assert_refused([person, person], SubjectExists, 1)
    twin = SubjectSpec(SubjectKind.LEGAL_PERSON, "丁公司", uscc=uscc_for(), legacy=shop.legacy)
    _assert_refused([shop, twin], SubjectIdentityConflict, 1)


@pytest.mark.django_db
def test_bulk_create_refuses_what_the_database_already_holds(
    make_subject: Callable[..., Subject],
) -> None:
    company, shop, person = _specs()
    do_bulk_create_subjects([company, shop, person], acting_user=None)
    other = SubjectSpec(SubjectKind.LEGAL_PERSON, "戊公司", uscc=uscc_for())
    _assert_refused([other, company], SubjectExists, 1)
    _assert_refused([other, person], SubjectExists, 1)
    twin = SubjectSpec(SubjectKind.LEGAL_PERSON, "己公司", uscc=uscc_for(), legacy=company.legacy)
    _assert_refused([other, twin], SubjectIdentityConflict, 1)
    # A subject made one at a time is seen too.
    existing = make_subject()
    _assert_refused(
        [SubjectSpec(SubjectKind.LEGAL_PERSON, "庚公司", uscc=existing.uscc)], SubjectExists, 0
    )


@pytest.mark.django_db
def test_bulk_create_of_nothing_still_records_the_event() -> None:
    result = do_bulk_create_subjects([], acting_user=None)
    assert result.subjects == []
    assert _after(result.event)["subjects"]["count"] == 0
    assert _after(result.event)["subjects"]["first_id"] is None

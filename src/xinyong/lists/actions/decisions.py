"""The leniency assessment, the listing decision and the entry on the list."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.utils import translation

from xinyong.audit.events import EventType
from xinyong.core.choices import DepartmentKind
from xinyong.core.models import User
from xinyong.joint.actions import do_announce_listing_change
from xinyong.lists.actions._base import (
    check_legal_date,
    finish,
    lock_case,
    require_text,
    set_listed_deadline,
    set_working_deadline,
    today_local,
)
from xinyong.lists.actions.cases import _targets, check_subject_covered, domain_labels_zh
from xinyong.lists.choices import (
    CaseState,
    DocumentKind,
    DueKind,
    LeniencyOutcome,
    ListSide,
    ObjectionOutcome,
)
from xinyong.lists.documents import issue_document
from xinyong.lists.errors import conflict, refused
from xinyong.lists.models import LeniencyAssessment, ListingCase, ListType
from xinyong.lists.queries import list_type_for, publication_period
from xinyong.measures.queries import measures_for
from xinyong.policy.dates import add_months


@transaction.atomic
def do_record_leniency_assessment(
    case: ListingCase | int,
    *,
    grounds_found: Iterable[str],
    outcome: str,
    conclusion: str,
    assessed_on: date | None = None,
    acting_user: User,
    expected_version: int | None = None,
    today: date | None = None,
) -> LeniencyAssessment:
    """Record that the leniency grounds were considered (seed 001 (十六); seed 003 四(二):
    对未成年人失信行为、受自然灾害或疫情等不可抗力影响导致的失信行为以及非主观故意、轻微失信行为，
    宽容审慎进行认定). ``grounds_found`` are codes of the list type's leniency grounds;
    ``outcome`` says what follows. The state does not change."""
    today = today or today_local()
    case, t = lock_case(
        case, "record_leniency", acting_user=acting_user, expected_version=expected_version
    )
    before = case.state
    grounds = list(dict.fromkeys(grounds_found))
    known = {g["code"] for g in case.list_type.leniency_grounds}
    unknown = [g for g in grounds if g not in known]
    if unknown:
        raise refused(
            "LISTING_LENIENCY_GROUND_UNKNOWN",
            f"未知的宽容审慎情形：{', '.join(unknown)}（可选：{', '.join(sorted(known))}）。",
            f"unknown leniency ground(s): {', '.join(unknown)} "
            f"(known: {', '.join(sorted(known))}).",
            unknown=unknown,
        )
    if outcome not in LeniencyOutcome.values:
        raise refused(
            "LISTING_LENIENCY_INCONSISTENT",
            f"结论类型 {outcome!r} 不在可选值中。",
            f"outcome {outcome!r} is not one of {', '.join(LeniencyOutcome.values)}.",
        )
    if (outcome == LeniencyOutcome.NO_GROUNDS) != (not grounds):
        raise refused(
            "LISTING_LENIENCY_INCONSISTENT",
            "结论与查明的情形不一致：未查明情形时结论应为“无宽容情形”，查明情形时应说明从轻或不予列入。",
            "the outcome does not match the grounds found: no grounds → no_grounds; grounds "
            "found → mitigated or do_not_list.",
        )
    conclusion = require_text(conclusion, name="conclusion", code="LISTING_LENIENCY_INCONSISTENT")
    assessed_on = assessed_on or today
    check_legal_date(assessed_on, name="assessed_on", today=today)
    assessment = LeniencyAssessment.objects.create(
        case=case,
        considered=True,
        grounds_found=grounds,
        outcome=outcome,
        conclusion=conclusion,
        assessed_on=assessed_on,
        assessed_by=acting_user,
    )
    finish(
        case,
        t,
        EventType.LISTING_LENIENCY_ASSESSED,
        acting_user=acting_user,
        before_state=before,
        after={
            "assessment": assessment.pk,
            "considered": True,
            "grounds_found": grounds,
            "outcome": outcome,
            "assessed_on": assessed_on,
        },
    )
    return assessment


def check_term(
    list_type: ListType, *, term_months: int, extension_months: int, extension_grounds: str
) -> None:
    """The term lies in the list type's range, and an extension follows its extension rule
    (法释〔2017〕7号第二条: 2 years, extendable by 1–3 years for serious circumstances)."""
    if not list_type.term_months_min <= term_months <= list_type.term_months_max:
        raise refused(
            "LISTING_TERM_INVALID",
            f"列入期限应在 {list_type.term_months_min}–{list_type.term_months_max} 个月之间，"
            f"实为 {term_months} 个月。",
            f"the term must be {list_type.term_months_min}–{list_type.term_months_max} months, "
            f"got {term_months}.",
        )
    if not extension_months:
        return
    rule = list_type.extension
    if not rule:
        raise refused(
            "LISTING_EXTENSION_INVALID",
            f"“{list_type.name_zh}”的依据未规定延长期限。",
            f"{list_type.code} has no extension rule.",
        )
    low, high, step = int(rule["min_months"]), int(rule["max_months"]), int(rule["step_months"])
    if not (low <= extension_months <= high and extension_months % step == 0):
        raise refused(
            "LISTING_EXTENSION_INVALID",
            f"延长期限应为 {low}–{high} 个月（以 {step} 个月为单位），"
            f"实为 {extension_months} 个月。",
            f"an extension is {low}–{high} months in steps of {step}, got {extension_months}.",
        )
    if not extension_grounds.strip():
        raise refused(
            "LISTING_EXTENSION_INVALID",
            "延长期限须说明理由（如以暴力、威胁方法妨碍、抗拒执行情节严重，或具有多项失信行为）。",
            "an extension needs its grounds stated.",
        )


def _implementing_zh(kinds: list[str], codes: list[str]) -> str:
    with translation.override("zh-hans"):
        labels = [str(DepartmentKind(k).label) for k in kinds]
    return "、".join(labels + codes) or "—"


@transaction.atomic
def do_decide_listing(
    case: ListingCase | int,
    *,
    decision_date: date | None = None,
    term_months: int | None = None,
    extension_months: int = 0,
    extension_grounds: str = "",
    acting_user: User,
    expected_version: int | None = None,
    today: date | None = None,
) -> ListingCase:
    """Take the listing decision and issue the decision document (认定决定书) stating the
    reasons, the basis, the measures that follow (from the memoranda in force on the decision
    date), the removal conditions and procedure, and the remedies (RULES §4; seed 000
    二(二)2(3); seed 001 (八)).

    Refuses: a serious list without a recorded leniency assessment
    (``LISTING_LENIENCY_NOT_ASSESSED``) or whose assessment concluded not to list
    (``LISTING_LENIENCY_BARS_LISTING``); deciding from ``draft`` when the list type requires a
    prior notice (``LISTING_NOTICE_REQUIRED``); a term or extension outside the rule.
    """
    today = today or today_local()
    case, t = lock_case(case, "decide", acting_user=acting_user, expected_version=expected_version)
    before = case.state
    decision_date = decision_date or today
    list_type = list_type_for(case.list_type_code, on=decision_date)
    if case.state == CaseState.DRAFT and list_type.prior_notice_required:
        raise conflict(
            "LISTING_NOTICE_REQUIRED",
            f"“{list_type.name_zh}”在作出决定前应当告知当事人：请先送达事前告知书。",
            f"{list_type.code} requires a prior notice before the decision: issue it first.",
        )
    objections = list(case.objections.order_by("received_on", "pk"))
    floor = case.basis_document_date
    floor_name = "basis_document_date"
    answered = [o.answered_on for o in objections if o.answered_on is not None]
    if answered:
        floor, floor_name = max(answered), "answered_on"
    elif case.objection_window_ends_on is not None:
        # The last day of the window is still the party's: decide on the day after at the
        # earliest.
        floor = case.objection_window_ends_on + timedelta(days=1)
        floor_name = "the day after objection_window_ends_on"
    check_legal_date(
        decision_date,
        name="decision_date",
        today=today,
        not_before=floor,
        not_before_name=floor_name,
    )
    check_subject_covered(list_type, case.subject)
    leniency = case.leniency.order_by("-pk").first()
    if list_type.leniency_required:
        if leniency is None:
            raise conflict(
                "LISTING_LENIENCY_NOT_ASSESSED",
                "作出严重失信主体名单认定前，应记录对未成年人、不可抗力、非主观故意或轻微失信等"
                "宽容审慎情形的考虑（seed 001、003）。",
                "before a serious listing is decided, record that the leniency grounds (minors, "
                "force majeure, minor unintentional acts) were considered.",
            )
        if leniency.outcome == LeniencyOutcome.DO_NOT_LIST:
            raise conflict(
                "LISTING_LENIENCY_BARS_LISTING",
                "宽容审慎评估的结论为不予列入：请终止程序（close）。",
                "the leniency assessment concluded not to list: close the case instead.",
            )
    base_term = term_months if term_months is not None else list_type.term_months
    check_term(
        list_type,
        term_months=base_term,
        extension_months=extension_months,
        extension_grounds=extension_grounds,
    )
    measures = [m for m in measures_for(list_type.code, on=decision_date) if _targets(m, case)]
    snapshot = [m.as_dict() for m in measures]
    case.list_type = list_type
    case.decision_date = decision_date
    case.term_months = base_term + extension_months
    case.extension_months = extension_months
    case.extension_grounds = extension_grounds.strip()
    case.measures_snapshot = snapshot
    period = publication_period(on=decision_date)
    set_working_deadline(
        case, DueKind.PUBLICATION, start=decision_date, working_days=period.working_days
    )
    with translation.override("zh-hans"):
        grounds_zh = [
            g["zh"]
            for g in list_type.leniency_grounds
            if leniency is not None and g["code"] in leniency.grounds_found
        ]
    title = (
        f"列入{list_type.name_zh}决定书"
        if list_type.side == ListSide.SERIOUS
        else f"认定{list_type.name_zh}决定书"
    )
    document = issue_document(
        case,
        DocumentKind.DECISION,
        issued_on=decision_date,
        title=title,
        context={
            "list_type": list_type,
            "domains": domain_labels_zh(list_type),
            "notice": case.documents.filter(kind=DocumentKind.PRIOR_NOTICE).order_by("-pk").first(),
            "objections": [o for o in objections if o.outcome != ObjectionOutcome.PENDING],
            "leniency": leniency if list_type.leniency_required else None,
            "leniency_grounds": grounds_zh,
            "measures": [
                {
                    **m,
                    "implementing_zh": _implementing_zh(
                        m["implementing_department_kinds"], m["implementing_department_codes"]
                    ),
                }
                for m in snapshot
            ],
        },
        acting_user=acting_user,
    )
    return finish(
        case,
        t,
        EventType.LISTING_DECIDED,
        acting_user=acting_user,
        before_state=before,
        after={
            "decision_date": decision_date,
            "list_type_edition": list_type.edition.label,
            "term_months": case.term_months,
            "extension_months": extension_months,
            "measures": [m["code"] for m in snapshot],
            "leniency_assessment": leniency.pk if leniency else None,
            "document": {"number": document.number, "sha256": document.sha256},
        },
    )


@transaction.atomic
def do_publish_listing(
    case: ListingCase | int,
    *,
    listed_on: date | None = None,
    acting_user: User,
    expected_version: int | None = None,
    today: date | None = None,
) -> ListingCase:
    """Enter the decided case on the list: the term starts on ``listed_on`` and ends
    ``term_months`` later (民法典第二百零一条、第二百零二条: the start day is not counted; the
    last day is the corresponding day of the last month). Removal at expiry is on the day
    after the last day (docs/decisions/0020-listing-term-expiry.md)."""
    today = today or today_local()
    case, t = lock_case(case, "publish", acting_user=acting_user, expected_version=expected_version)
    before = case.state
    listed_on = listed_on or today
    assert case.decision_date is not None and case.term_months is not None
    check_legal_date(
        listed_on,
        name="listed_on",
        today=today,
        not_before=case.decision_date,
        not_before_name="decision_date",
    )
    late = case.due_on is not None and listed_on > case.due_on
    case.listed_on = listed_on
    case.term_end = add_months(listed_on, case.term_months)
    set_listed_deadline(case)
    do_announce_listing_change(case, change="took_effect", acting_user=acting_user)
    return finish(
        case,
        t,
        EventType.LISTING_PUBLISHED,
        acting_user=acting_user,
        before_state=before,
        after={
            "listed_on": listed_on,
            "term_months": case.term_months,
            "term_end": case.term_end,
            "late": late,
        },
    )

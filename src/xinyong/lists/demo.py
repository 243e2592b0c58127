"""The lists scenario of the demo (``xinyong.core.demo.scenarios``): a case in each state.

The market regulation bureau (the demo's ``reporter``) initiates cases for the 市场监督管理严重
违法失信名单 (总局令第44号, prior notice required, 36-month term); the credit office's
``reviewer`` publishes decisions. Legal dates are counted back from the day the demo is
loaded, in working days, so that the console home shows work due today and overdue:

- one subject went through the whole procedure: notice, objection, objection rejected,
  leniency considered, decision, listed — a government-procurement check on it answers
  "restricted" (memorandum fgcj-2015-2045 links the list to the procurement measure);
- one case with the objection window open (notice issued two working days ago);
- one objection waiting for its answer;
- one decision waiting to be published;
- one listing whose 36-month term ended last month, removed by the periodic job — the same
  check on that subject answers "clear".
"""

from __future__ import annotations

from datetime import date

from xinyong.core.demo.scenarios import DemoContext
from xinyong.core.models import Subject, User
from xinyong.errors import CodedError
from xinyong.lists import actions
from xinyong.lists.choices import LeniencyOutcome
from xinyong.lists.models import ListingCase
from xinyong.lists.queries import list_type_for
from xinyong.lists.tick import run_listing_tick
from xinyong.workdays.queries import add_working_days

LIST_TYPE = "market-regulation-serious-violation"


def _open(context: DemoContext, subject: Subject, *, number: int, on: date) -> ListingCase:
    market = context.departments["market"]
    return actions.do_create_listing_case(
        list_type_code=LIST_TYPE,
        subject=subject,
        department=market,
        basis_document_type="penalty_decision",
        basis_document_number=f"{market.short_name}处罚〔{on.year}〕{number}号",
        basis_document_date=add_working_days(on, -10),
        basis_document_issuer=market.name,
        facts=(
            "生产销售不符合食品安全标准的食品，货值金额 56 万元，被处以罚款 280 万元并吊销"
            "食品生产许可证，属情节严重的违法行为（总局令第44号第六条）。"
        ),
        acting_user=context.users["reporter"],
        today=on,
    )


def _to_ready(
    case: ListingCase, reporter: User, reviewer: User, *, notice: date, objection: bool
) -> ListingCase:
    case = actions.do_issue_prior_notice(
        case, notice_date=notice, acting_user=reporter, today=notice
    )
    if objection:
        received = add_working_days(notice, 2)
        actions.do_file_objection(
            case,
            received_on=received,
            grounds="当事人称涉案食品已全部召回，请求不予列入。",
            acting_user=reviewer,
            today=received,
        )
        answered = add_working_days(received, 3)
        return actions.do_answer_objection(
            case,
            upheld=False,
            answer="经核实，召回不影响违法行为情节严重的认定，异议不成立。",
            answered_on=answered,
            acting_user=reporter,
            today=answered,
        )
    closed = add_working_days(case.objection_window_ends_on or notice, 1)
    return actions.do_close_objection_window(case, acting_user=None, today=closed)


def _decide(case: ListingCase, reporter: User, *, on: date) -> ListingCase:
    actions.do_record_leniency_assessment(
        case,
        grounds_found=[],
        outcome=LeniencyOutcome.NO_GROUNDS,
        conclusion="当事人为企业法人，违法行为系故意且后果严重，不存在宽容审慎情形。",
        assessed_on=on,
        acting_user=reporter,
        today=on,
    )
    return actions.do_decide_listing(case, decision_date=on, acting_user=reporter, today=on)


def load(context: DemoContext) -> list[str]:
    reporter, reviewer = context.users["reporter"], context.users["reviewer"]
    today = context.today
    try:
        list_type_for(LIST_TYPE, on=today)
    except CodedError as exc:
        return [f"Listing cases skipped ({exc.code}): run `xinyong policy load` first."]
    lines: list[str] = []

    listed_subject = context.pick()
    case = _open(context, listed_subject, number=101, on=add_working_days(today, -25))
    notice = add_working_days(today, -24)
    case = _to_ready(case, reporter, reviewer, notice=notice, objection=True)
    case = _decide(case, reporter, on=add_working_days(notice, 7))
    case = actions.do_publish_listing(
        case,
        listed_on=add_working_days(notice, 9),
        acting_user=reviewer,
        today=add_working_days(notice, 9),
    )
    lines.append(
        f"Listed after notice, objection and answer: {listed_subject.name} "
        f"({listed_subject.uscc}), case #{case.pk}, term to {case.term_end}."
    )

    window = context.pick()
    case = _open(context, window, number=102, on=add_working_days(today, -3))
    notice = add_working_days(today, -2)
    actions.do_issue_prior_notice(case, notice_date=notice, acting_user=reporter, today=notice)
    lines.append(f"Objection window open: {window.name}, case #{case.pk}.")

    objecting = context.pick()
    case = _open(context, objecting, number=103, on=add_working_days(today, -6))
    notice = add_working_days(today, -5)
    case = actions.do_issue_prior_notice(
        case, notice_date=notice, acting_user=reporter, today=notice
    )
    received = add_working_days(today, -1)
    actions.do_file_objection(
        case,
        received_on=received,
        grounds="当事人提交了检验报告，称涉案批次食品合格。",
        acting_user=reviewer,
        today=received,
    )
    lines.append(f"Objection waiting for its answer: {objecting.name}, case #{case.pk}.")

    deciding = context.pick()
    case = _open(context, deciding, number=104, on=add_working_days(today, -15))
    notice = add_working_days(today, -14)
    case = _to_ready(case, reporter, reviewer, notice=notice, objection=False)
    case = _decide(case, reporter, on=add_working_days(today, -2))
    lines.append(f"Decision waiting to be published: {deciding.name}, case #{case.pk}.")

    expired = context.pick()
    started = date(today.year - 3, today.month, 1)
    case = _open(context, expired, number=105, on=add_working_days(started, -12))
    notice = add_working_days(started, -11)
    case = _to_ready(case, reporter, reviewer, notice=notice, objection=False)
    case = _decide(case, reporter, on=add_working_days(started, -2))
    listed_on = add_working_days(started, 0)
    case = actions.do_publish_listing(
        case, listed_on=listed_on, acting_user=reviewer, today=listed_on
    )
    run_listing_tick(today=today)
    case.refresh_from_db()
    lines.append(
        f"Term ended and removed by the periodic job: {expired.name} ({expired.uscc}), "
        f"case #{case.pk}, {case.get_state_display()}."
    )
    return lines

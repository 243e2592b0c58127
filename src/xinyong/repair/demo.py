"""The repair scenario of the demo (``xinyong.core.demo.scenarios``): objections and repair
applications at every step a new user should be able to open.

The market regulation bureau (the demo's ``reporter``) reports five general penalties through
collection — one JSON batch through the same ingestion engine as the batch API — decided six
months before the day the demo is loaded, so that under the regime of their decision date
(国办发〔2025〕22号 for decisions from 2026-04-01: general acts repairable after 3 months) they
may be repaired now. Procedural dates are counted back from that day in working days, so that
the console home shows work due today:

- an objection of a subject to its record, waiting for the bureau's answer (due today);
- a repair application waiting for the credit office's initial review (``reviewer``; due
  today), with its two materials (small PDFs);
- a record eligible for repair with no application yet — the one a new user applies for on
  the portal (the ``demo`` command prints its subject, code and record number);
- an application approved two months ago (the record is no longer published) and one refused
  last month, for the dashboard.

The records are reported today for decisions taken months ago: the collection statistics
count them as late (they are).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from xinyong.core.demo.scenarios import DemoContext
from xinyong.core.models import Department, Subject, User
from xinyong.errors import CodedError
from xinyong.policy.dates import add_months
from xinyong.policy.jurisdiction_settings import policy_setting
from xinyong.records.actions import check_item_for_department, do_receive_batch
from xinyong.records.choices import Channel
from xinyong.records.engine import run_batch
from xinyong.records.models import Record
from xinyong.records.sources import JsonRows
from xinyong.repair import actions
from xinyong.repair.choices import ObjectionGround
from xinyong.repair.materials import MaterialFile
from xinyong.repair.models import RepairApplication
from xinyong.workdays.queries import add_working_days


def minimal_pdf(text: str) -> bytes:
    """A valid one-page PDF showing ``text`` (ASCII) in Helvetica: a material a reviewer can
    open in the browser, without a PDF library."""
    safe = text.encode("ascii", "replace").decode().replace("\\", "\\\\")
    safe = safe.replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 14 Tf 60 780 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _row(n: int, subject: Subject, market: Department, decided: date) -> dict[str, Any]:
    return {
        "CF_XDR_MC": subject.name,
        "CF_XDR_LB": "法人及非法人组织",
        "CF_XDR_SHXYM": subject.uscc,
        "CF_FRDB": "王示例",
        "CF_WSH": f"{market.short_name}罚决〔{decided.year}〕{n}号",
        "CF_WFXW": "销售不符合保障人体健康和人身、财产安全的国家标准、行业标准的产品",
        "CF_SY": "经查，当事人在其经营场所销售的电热水壶经抽样检验不合格。",
        "CF_YJ": "《中华人民共和国产品质量法》第四十九条",
        "CF_CFLB": "警告；罚款",
        "CF_NR": "警告，并处罚款2万元",
        "CF_NR_FK": "2",
        "CF_JDRQ": decided.isoformat(),
        "CF_YXQ": add_months(decided, 12).isoformat(),
        "CF_CFJG": market.name,
        "CF_CFJGDM": market.code,
        "CF_SJLY": market.name,
        "CF_SJLYDM": market.code,
        "XY_QZCD": "一般",
    }


def _report(context: DemoContext, subjects: list[Subject], decided: date) -> list[Record]:
    """One penalty per subject, reported by the bureau's reporter in one batch."""
    market, reporter = context.departments["market"], context.users["reporter"]
    rows = [_row(201 + i, s, market, decided) for i, s in enumerate(subjects)]
    item = check_item_for_department("CF", market, on=context.today)
    received = do_receive_batch(
        department=market,
        item=item,
        channel=Channel.API,
        acting_user=reporter,
        source_name="repair-demo.json",
        rows_total=len(rows),
    )
    run_batch(received.batch, JsonRows(rows, item), item=item, acting_user=reporter, workers=0)
    by_number = {
        r.decision_number: r
        for r in Record.objects.filter(
            department=market, decision_number__in=[row["CF_WSH"] for row in rows]
        )
    }
    missing = [row["CF_WSH"] for row in rows if row["CF_WSH"] not in by_number]
    if missing:
        raise RuntimeError(f"the demo penalties were not accepted: {missing}")
    return [by_number[row["CF_WSH"]] for row in rows]


def _materials(subject: Subject) -> list[MaterialFile]:
    return [
        MaterialFile(
            "proof-of-performance",
            "罚款缴纳凭证及整改报告.pdf",
            minimal_pdf(f"Proof of performance - fine paid, goods recalled - {subject.uscc}"),
        ),
        MaterialFile(
            "credit-commitment",
            "信用承诺书.pdf",
            minimal_pdf(f"Credit commitment signed by the legal representative - {subject.uscc}"),
        ),
    ]


def _apply(record: Record, subject: Subject, *, on: date) -> RepairApplication:
    return actions.do_submit_repair_application(
        record,
        subject_identifier=subject.uscc or "",
        applicant_name="王示例",
        applicant_contact="0571-8700 0000",
        statement="罚款已于决定作出后 15 日内缴清；不合格电热水壶已全部下架召回，"
        "并建立进货查验制度。",
        materials=_materials(subject),
        today=on,
    )


def _working_day_from(day: date) -> date:
    """``day`` if it is a working day, else the next one."""
    return add_working_days(add_working_days(day, -1), 1)


def _days(key: str, on: date) -> int:
    return int(policy_setting(key, on=on).value)


def load(context: DemoContext) -> list[str]:
    today = context.today
    reporter: User = context.users["reporter"]
    reviewer: User = context.users["reviewer"]
    try:
        answer_days = _days("objection.answer_working_days", today)
        review_days = _days("repair.initial_review_working_days", today)
    except CodedError as exc:
        return [f"Objections and repair skipped ({exc.code}): run `xinyong policy load` first."]
    # Subjects as they are now (the demo renamed some after creating them).
    picked = [context.pick() for _ in range(5)]
    fresh = {s.pk: s for s in Subject.objects.filter(pk__in=[s.pk for s in picked])}
    objecting, applying, eligible, approved, refused = (fresh[s.pk] for s in picked)
    decided = add_months(today, -6)
    records = _report(context, [objecting, applying, eligible, approved, refused], decided)
    lines: list[str] = []

    received = add_working_days(today, -answer_days)
    objection = actions.do_file_objection(
        records[0],
        ground=ObjectionGround.WRONG,
        statement="处罚决定书载明的罚款金额为 2 万元，已于当月缴清；公示内容中的违法行为类型"
        "与决定书不一致，请核实更正。",
        filer_name="王示例",
        filer_contact="0571-8700 0001",
        subject_identifier=objecting.uscc or "",
        acting_user=None,
        received_on=received,
        today=today,
    )
    lines.append(
        f"Objection waiting for the bureau's answer (due {objection.answer_due_on}): "
        f"{objecting.name} ({objecting.uscc}), {objection.reference}, query code "
        f"{objection.query_code}."
    )

    submitted = add_working_days(today, -review_days)
    application = _apply(records[1], applying, on=submitted)
    lines.append(
        f"Repair application waiting for the initial review (due {application.due_on}): "
        f"{applying.name} ({applying.uscc}), {application.reference}, query code "
        f"{application.query_code}."
    )

    lines.append(
        f"Eligible for repair, no application yet: {eligible.name} ({eligible.uscc}), "
        f"record #{records[2].pk} {records[2].decision_number} — apply on the portal at "
        f"/repair/apply/?record={records[2].pk} with the code {eligible.uscc}."
    )

    earlier = _working_day_from(add_months(today, -2))
    done = _apply(records[3], approved, on=earlier)
    actions.do_review_repair_application(
        done, passed=True, note="材料齐全。", acting_user=reviewer, today=earlier
    )
    decided_on = add_working_days(earlier, 2)
    actions.do_decide_repair_application(
        done,
        approve=True,
        reasons="已履行行政处罚决定并完成整改，同意修复。",
        acting_user=reporter,
        decided_on=decided_on,
        today=decided_on,
    )
    lines.append(
        f"Repaired (no longer published): {approved.name}, {done.reference}, "
        f"query code {done.query_code}."
    )

    last_month = _working_day_from(add_months(today, -1))
    refusal = _apply(records[4], refused, on=last_month)
    actions.do_review_repair_application(
        refusal, passed=True, note="材料齐全。", acting_user=reviewer, today=last_month
    )
    actions.do_decide_repair_application(
        refusal,
        approve=False,
        reasons="整改报告未附不合格产品召回记录，不能证明已消除违法行为的不良影响。",
        acting_user=reporter,
        decided_on=add_working_days(last_month, 1),
        today=add_working_days(last_month, 1),
    )
    lines.append(
        f"Refused by the bureau: {refused.name}, {refusal.reference}, "
        f"query code {refusal.query_code}."
    )
    return lines

"""The listing procedure as ONE declared state machine: states, transitions, who may fire
them and the deadline each state sets.

Why this exists: the procedure is law (国办发〔2020〕49号; RULES §4; seeds 000, 003, 004) and
must be reviewable as a whole. Every action in ``xinyong.lists.actions`` names its transition
here and calls :func:`check_transition` on the locked case row, so an action cannot move a
case along an edge this table does not declare. The diagram in ``docs/lists.md`` is generated
from this table (``xinyong lists diagram --write``) and a test fails when they differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.lists.choices import CaseState, DueKind
from xinyong.lists.errors import ListingTransitionInvalid

S = CaseState


class Actor(models.TextChoices):
    """Who may fire a transition (``xinyong.lists.permissions`` maps users to these)."""

    INITIATOR = "initiator", _("Initiating department (department reporter)")
    CREDIT_OFFICE = "credit_office", _("Credit office reviewer")
    SYSTEM = "system", _("The platform (xinyong lists tick)")


INITIATOR, CREDIT_OFFICE, SYSTEM = Actor.INITIATOR, Actor.CREDIT_OFFICE, Actor.SYSTEM


@dataclass(frozen=True)
class Transition:
    """One edge (or, with ``target is None``, an action that keeps the state)."""

    action: str
    sources: tuple[CaseState, ...]
    target: CaseState | None
    actors: frozenset[Actor]
    zh: str
    en: str
    basis: str

    def target_from(self, state: CaseState) -> CaseState:
        return self.target if self.target is not None else state


def _t(
    action: str,
    sources: tuple[CaseState, ...],
    target: CaseState | None,
    actors: tuple[Actor, ...],
    zh: str,
    en: str,
    basis: str,
) -> Transition:
    return Transition(action, sources, target, frozenset(actors), zh, en, basis)


#: Pseudo-state of a case that does not exist yet (the "create" transition starts there).
START: Final = "[*]"

TRANSITIONS: Final[tuple[Transition, ...]] = (
    _t(
        "create",
        (),
        S.DRAFT,
        (INITIATOR,),
        "立案（依据生效文书）",
        "open a case on an effective document",
        "seed 000 二(二)1; seed 001 (二)",
    ),
    _t(
        "issue_notice",
        (S.DRAFT,),
        S.NOTICE_ISSUED,
        (INITIATOR,),
        "送达事前告知书",
        "issue the prior notice",
        "国办发〔2020〕49号; seed 000 二(二)2(3); seed 003 四(一)",
    ),
    _t(
        "file_objection",
        (S.NOTICE_ISSUED,),
        S.OBJECTION_REVIEW,
        (INITIATOR, CREDIT_OFFICE),
        "登记异议",
        "record the party's objection",
        "国办发〔2020〕49号; seeds 000, 003",
    ),
    _t(
        "close_objection_window",
        (S.NOTICE_ISSUED,),
        S.READY_FOR_DECISION,
        (SYSTEM, INITIATOR),
        "异议期满未提出异议",
        "objection window ended without objection",
        "seeds 000, 003",
    ),
    _t(
        "reject_objection",
        (S.OBJECTION_REVIEW,),
        S.READY_FOR_DECISION,
        (INITIATOR,),
        "异议不成立（驳回）",
        "reject the objection",
        "seeds 000, 003",
    ),
    _t(
        "uphold_objection",
        (S.OBJECTION_REVIEW,),
        S.CLOSED,
        (INITIATOR,),
        "异议成立，不予列入",
        "uphold the objection: no listing",
        "seeds 000, 003",
    ),
    _t(
        "uphold_objection_redraft",
        (S.OBJECTION_REVIEW,),
        S.DRAFT,
        (INITIATOR,),
        "异议部分成立，更正后重新告知",
        "uphold in part: correct and notify again",
        "seeds 000, 003",
    ),
    _t(
        "record_leniency",
        (S.DRAFT, S.NOTICE_ISSUED, S.OBJECTION_REVIEW, S.READY_FOR_DECISION),
        None,
        (INITIATOR,),
        "记录宽容审慎情形的考虑",
        "record the leniency assessment",
        "seed 001 (十六); seed 003 四(二)",
    ),
    _t(
        "decide",
        (S.READY_FOR_DECISION, S.DRAFT),
        S.DECIDED,
        (INITIATOR,),
        "作出认定决定（送达决定书）",
        "take the listing decision",
        "国办发〔2020〕49号; seed 000 二(二)2(3); seed 003 四(一)",
    ),
    _t(
        "publish",
        (S.DECIDED,),
        S.LISTED,
        (CREDIT_OFFICE, INITIATOR),
        "列入名单并公示",
        "enter on the list and publish",
        "seed 000 二(二)2(3)（2个工作日内共享）",
    ),
    _t(
        "file_listed_objection",
        (S.LISTED,),
        S.SUSPENDED,
        (INITIATOR, CREDIT_OFFICE),
        "登记异议，暂停惩戒措施",
        "record an objection: measures suspended",
        "seed 004 二(三)2",
    ),
    _t(
        "reject_listed_objection",
        (S.SUSPENDED,),
        S.LISTED,
        (INITIATOR,),
        "异议被驳回，期限继续计算",
        "reject the objection: the term resumes",
        "seed 004 二(三)2",
    ),
    _t(
        "uphold_listed_objection",
        (S.SUSPENDED,),
        S.REMOVED,
        (INITIATOR,),
        "异议成立，撤销列入",
        "uphold the objection: listing revoked",
        "seed 002 (二十); seed 004 二(三)2",
    ),
    _t(
        "request_early_removal",
        (S.LISTED,),
        None,
        (INITIATOR, CREDIT_OFFICE),
        "登记提前移出申请或履行情况",
        "record an early-removal ground",
        "法释〔2017〕7号第十条; 人社部令第45号",
    ),
    _t(
        "remove_early",
        (S.LISTED,),
        S.REMOVED,
        (INITIATOR,),
        "提前移出",
        "remove early",
        "法释〔2017〕7号第十条; 人社部令第45号; 总局令第44号",
    ),
    _t(
        "remove_by_repair",
        (S.LISTED,),
        S.REMOVED,
        (INITIATOR, CREDIT_OFFICE),
        "信用修复后移出",
        "remove after credit repair",
        "seed 000 二(三); 国办发〔2025〕22号",
    ),
    _t(
        "revoke",
        (S.LISTED,),
        S.REMOVED,
        (INITIATOR,),
        "撤销列入（依据被撤销或认定错误）",
        "revoke the listing",
        "seed 002 (二十)",
    ),
    _t(
        "expire",
        (S.LISTED,),
        S.REMOVED,
        (SYSTEM,),
        "期满移出",
        "remove at the end of the term",
        "seed 004 二(三)1; 民法典第二百零一条至第二百零三条",
    ),
    _t(
        "close",
        (S.DRAFT, S.NOTICE_ISSUED, S.READY_FOR_DECISION, S.DECIDED),
        S.CLOSED,
        (INITIATOR,),
        "终止程序，不予列入",
        "close without listing",
        "—",
    ),
)

_BY_ACTION: Final = {t.action: t for t in TRANSITIONS}

#: The deadline each state sets on entry (what ``ListingCase.due_*`` holds in that state).
STATE_DEADLINES: Final[dict[CaseState, tuple[DueKind | None, str]]] = {
    S.DRAFT: (None, "—"),
    S.NOTICE_ISSUED: (
        DueKind.OBJECTION_WINDOW,
        "notice date + N working days (listing.objection_window_working_days, or the list "
        "type's own period)",
    ),
    S.OBJECTION_REVIEW: (
        DueKind.OBJECTION_ANSWER,
        "objection received + N working days (listing.objection_answer_working_days, or the "
        "list type's own period)",
    ),
    S.READY_FOR_DECISION: (None, "—"),
    S.DECIDED: (
        DueKind.PUBLICATION,
        "decision date + N working days (listing.publication_working_days)",
    ),
    S.LISTED: (
        DueKind.TERM_END,
        "term end (start + term in months, 民法典第二百零二条; moved by suspensions); removal "
        "on the next day. After an early-removal ground with a removal period: ground date + "
        "N working days (kind removal)",
    ),
    S.SUSPENDED: (
        DueKind.OBJECTION_ANSWER,
        "objection received + N working days (objection.answer_working_days)",
    ),
    S.REMOVED: (None, "—"),
    S.CLOSED: (None, "—"),
}

#: States with no way out.
FINAL_STATES: Final = frozenset({S.REMOVED, S.CLOSED})


def transition(action: str) -> Transition:
    """The declared transition named ``action`` (``KeyError`` for a typo in code)."""
    return _BY_ACTION[action]


def allowed_actions(state: CaseState | str) -> list[Transition]:
    """Transitions that may fire in ``state``, in table order."""
    return [t for t in TRANSITIONS if state in t.sources]


def check_transition(state: CaseState | str, action: str) -> Transition:
    """The transition ``action`` if it may fire in ``state``; else
    ``LISTING_TRANSITION_INVALID`` naming the state and the action."""
    t = transition(action)
    if state not in t.sources:
        current = CaseState(state)
        allowed = ", ".join(a.action for a in allowed_actions(current)) or "—"
        raise ListingTransitionInvalid(
            message_zh=(
                f"案件处于“{_zh_state(current)}”（{current.value}）状态，不能执行 {action}"
                f"（{t.zh}）；此状态下可执行：{allowed}。"
            ),
            message_en=(
                f"a case in state {current.value} cannot {action} ({t.en}); allowed in this "
                f"state: {allowed}."
            ),
            state=current.value,
            action=action,
            allowed=[a.action for a in allowed_actions(current)],
        )
    return t


def _zh_state(state: CaseState) -> str:
    return STATE_ZH[state]


STATE_ZH: Final[dict[CaseState, str]] = {
    S.DRAFT: "草稿",
    S.NOTICE_ISSUED: "已告知",
    S.OBJECTION_REVIEW: "异议核查中",
    S.READY_FOR_DECISION: "待决定",
    S.DECIDED: "已决定",
    S.LISTED: "已列入",
    S.SUSPENDED: "已列入（异议期间惩戒措施暂停）",
    S.REMOVED: "已移出",
    S.CLOSED: "已终止",
}


# --------------------------------------------------------------------------------------------
# Documentation generated from the table
# --------------------------------------------------------------------------------------------

DOC_BEGIN: Final = "<!-- procedure:begin (generated by `xinyong lists diagram --write`) -->"
DOC_END: Final = "<!-- procedure:end -->"


def mermaid() -> str:
    """The state diagram (Mermaid ``stateDiagram-v2``) of :data:`TRANSITIONS`."""
    lines = ["stateDiagram-v2"]
    for state in CaseState:
        lines.append(f'    state "{state.value}<br/>{STATE_ZH[state]}" as {state.value}')
    for t in TRANSITIONS:
        actors = "/".join(sorted(a.value for a in t.actors))
        if not t.sources:
            assert t.target is not None
            lines.append(f"    {START} --> {t.target.value} : {t.action} ({actors})")
        for source in t.sources:
            target = t.target_from(source)
            lines.append(f"    {source.value} --> {target.value} : {t.action} ({actors})")
    for state in sorted(FINAL_STATES):
        lines.append(f"    {state.value} --> {START}")
    return "\n".join(lines)


def markdown_tables() -> str:
    """The transitions and the state deadlines as Markdown tables."""
    rows = [
        "| action | from | to | who may fire it | basis |",
        "|---|---|---|---|---|",
    ]
    for t in TRANSITIONS:
        sources = ", ".join(s.value for s in t.sources) or START
        target = t.target.value if t.target is not None else "(unchanged)"
        actors = ", ".join(sorted(a.value for a in t.actors))
        rows.append(f"| `{t.action}` — {t.zh} | {sources} | {target} | {actors} | {t.basis} |")
    rows += ["", "| state | deadline set on entry | counted as |", "|---|---|---|"]
    for state in CaseState:
        kind, how = STATE_DEADLINES[state]
        rows.append(
            f"| `{state.value}` {STATE_ZH[state]} | {kind.value if kind else '—'} | {how} |"
        )
    return "\n".join(rows)


def documentation_block() -> str:
    """What ``docs/lists.md`` holds between :data:`DOC_BEGIN` and :data:`DOC_END`."""
    return f"{DOC_BEGIN}\n\n```mermaid\n{mermaid()}\n```\n\n{markdown_tables()}\n\n{DOC_END}"

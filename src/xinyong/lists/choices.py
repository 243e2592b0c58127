"""Enumerations of the lists domain, labelled for people (zh-Hans through translations)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListSide(models.TextChoices):
    """Which side of joint action a list type is on (国发〔2016〕33号: joint incentives for the
    honest, joint punishment for the seriously dishonest)."""

    SERIOUS = "serious", _("Serious dishonesty list")
    RED = "red", _("Red list (honesty incentive)")


class Domain(models.TextChoices):
    """The four domains a serious dishonesty list may be set in (国办发〔2020〕49号, 二(四);
    seeds 000, 001, 003: 各级各部门不得擅自增加或扩展严重失信名单的领域和范围). A serious list
    type outside them is refused when its file is loaded (``LIST_TYPE_DOMAIN_INVALID``)."""

    HEALTH_SAFETY = "health_safety", _("Serious harm to people's health and life safety")
    FAIR_COMPETITION = (
        "fair_competition_social_order",
        _("Serious damage to fair market competition or normal social order"),
    )
    CREDIBILITY = (
        "judicial_administrative_credibility",
        _("Refusing legal obligations so as to seriously damage judicial or administrative "
          "credibility"),
    )  # fmt: skip
    NATIONAL_DEFENCE = "national_defence", _("Refusing national-defence obligations")


class CaseState(models.TextChoices):
    """States of the listing procedure; transitions are declared in ``lists/procedure.py``."""

    DRAFT = "draft", _("Draft")
    NOTICE_ISSUED = "notice_issued", _("Prior notice issued")
    OBJECTION_REVIEW = "objection_review", _("Objection under review")
    READY_FOR_DECISION = "ready_for_decision", _("Ready for decision")
    DECIDED = "decided", _("Decided")
    LISTED = "listed", _("Listed")
    SUSPENDED = "suspended", _("Listed, measures suspended (objection pending)")
    REMOVED = "removed", _("Removed")
    CLOSED = "closed", _("Closed without listing")


class BasisDocumentType(models.TextChoices):
    """The legally effective document a dishonesty finding rests on (seed 000 二(二)1; seed 001:
    生效的司法裁判文书和仲裁文书、行政处罚和行政裁决等行政行为决定文书 …)."""

    JUDGMENT = "judgment", _("Effective judicial judgment or ruling")
    ARBITRAL_AWARD = "arbitral_award", _("Arbitral award")
    ENFORCEMENT_RULING = "enforcement_ruling", _("Court enforcement decision")
    PENALTY_DECISION = "penalty_decision", _("Administrative penalty decision")
    ADMINISTRATIVE_RULING = "administrative_ruling", _("Administrative ruling")
    ORDER_TO_PAY = "order_to_pay", _("Administrative order to pay within a time limit")
    EVALUATION_RESULT = "evaluation_result", _("Credit evaluation result (red lists)")
    OTHER = "other", _("Other document the law allows as a basis")


class DueKind(models.TextChoices):
    """What the case's next deadline is for (one per state; see ``lists/procedure.py``)."""

    OBJECTION_WINDOW = "objection_window", _("Objection window ends")
    OBJECTION_ANSWER = "objection_answer", _("Objection to be answered")
    PUBLICATION = "publication", _("Decision to be published on the list")
    REMOVAL = "removal", _("Removal to be carried out")
    TERM_END = "term_end", _("Listing term ends")


class ObjectionStage(models.TextChoices):
    BEFORE_LISTING = "before_listing", _("Before listing (after the prior notice)")
    AFTER_LISTING = "after_listing", _("After listing (measures suspended)")


class ObjectionOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")


class LeniencyOutcome(models.TextChoices):
    """Conclusion of the leniency assessment (宽容审慎; seed 001 (十六), seed 003 四(二))."""

    NO_GROUNDS = "no_grounds", _("No ground for leniency found; proceed")
    MITIGATED = "mitigated", _("Grounds found; proceed with a lighter term or fewer measures")
    DO_NOT_LIST = "do_not_list", _("Grounds found; do not list")


class RemovalReason(models.TextChoices):
    EXPIRY = "expiry", _("Term expired")
    EARLY_REMOVAL = "early_removal", _("Early removal")
    REPAIR = "repair", _("Credit repair")
    REVOCATION = "revocation", _("Listing revoked")


class DocumentKind(models.TextChoices):
    PRIOR_NOTICE = "prior_notice", _("Prior notice")
    DECISION = "decision", _("Listing decision")


class AlarmKind(models.TextChoices):
    """Overdue alarms the tick raises (one per case, kind and due date)."""

    OBJECTION_ANSWER_OVERDUE = "objection_answer_overdue", _("Objection answer overdue")
    PUBLICATION_OVERDUE = "publication_overdue", _("Publication overdue")
    REMOVAL_OVERDUE = "removal_overdue", _("Removal overdue")
    READY_FOR_DECISION = "ready_for_decision", _("Objection window ended: ready for decision")


#: Chinese names used in the documents, whatever the language of the page that issued them
#: (a 告知书 or 决定书 is always in Chinese).
DOMAIN_ZH: dict[str, str] = {
    Domain.HEALTH_SAFETY: "严重危害人民群众身体健康和生命安全",
    Domain.FAIR_COMPETITION: "严重破坏市场公平竞争秩序和社会正常秩序",
    Domain.CREDIBILITY: "拒不履行法定义务，严重影响司法机关、行政机关公信力",
    Domain.NATIONAL_DEFENCE: "拒不履行国防义务",
}

BASIS_DOCUMENT_ZH: dict[str, str] = {
    BasisDocumentType.JUDGMENT: "生效司法裁判文书",
    BasisDocumentType.ARBITRAL_AWARD: "仲裁文书",
    BasisDocumentType.ENFORCEMENT_RULING: "人民法院执行文书",
    BasisDocumentType.PENALTY_DECISION: "行政处罚决定书",
    BasisDocumentType.ADMINISTRATIVE_RULING: "行政裁决书",
    BasisDocumentType.ORDER_TO_PAY: "限期改正（支付）指令书",
    BasisDocumentType.EVALUATION_RESULT: "信用评价结果",
    BasisDocumentType.OTHER: "法律、法规规定可作为认定依据的文书",
}

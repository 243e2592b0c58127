"""Which measures follow from a list type on a date, and whether one measure may be applied.

Why this exists: the listing decision must state the measures that follow (RULES §4), the
check a department makes before granting something must know which restrictions apply, and
no measure may be applied that is outside the measure list or not bound to the list type by a
memorandum (RULES §5; seed 003: 遵循合法、关联、比例原则). Those answers come from here:
:func:`measures_for` and :func:`check_measure_applicable`.

Date rule: a measure counts on ``on`` when its measure-list edition is in force then; a link
counts when its memorandum's edition is in force then. Where several jurisdictions define the
same measure code (a supplement cannot redefine a base code, so this only happens between
editions of the same level), the most local edition wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from xinyong.lists.models import ListType
from xinyong.measures.errors import MeasureNotConnected, MeasureNotInList, MeasureTargetMismatch
from xinyong.measures.models import Measure, MemorandumLink
from xinyong.policy.choices import JURISDICTION_LEVEL
from xinyong.policy.models import in_force_q


def measure_list(*, on: date) -> dict[str, Measure]:
    """Every measure on a list in force on ``on``: code → measure."""
    rows = list(Measure.objects.filter(in_force_q(on, "edition__")).select_related("edition"))
    rows.sort(key=lambda m: (JURISDICTION_LEVEL[m.jurisdiction], m.edition.effective_from, m.pk))
    return {m.code: m for m in rows}  # later (more local, newer) rows win


def _links(list_type_code: str, on: date) -> list[MemorandumLink]:
    return list(
        MemorandumLink.objects.filter(
            in_force_q(on, "memorandum__edition__"), list_type_code=list_type_code
        )
        .select_related("memorandum")
        .order_by("memorandum__code", "pk")
    )


@dataclass
class ApplicableMeasure:
    """A measure that follows from a list type on a date, with the memoranda that bind it and
    who implements it (the memoranda's department kinds and codes; the measure's own
    implementing body when no memorandum names one)."""

    code: str
    name_zh: str
    name_en: str
    measure_class: str
    class_zh: str
    side: str
    matters: list[str]
    targets: list[str]
    means: str
    legal_basis: str
    unconfirmed: bool
    implementing_department_kinds: list[str] = field(default_factory=list)
    implementing_department_codes: list[str] = field(default_factory=list)
    memoranda: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "class": self.measure_class,
            "class_zh": self.class_zh,
            "side": self.side,
            "matters": list(self.matters),
            "targets": list(self.targets),
            "means": self.means,
            "legal_basis": self.legal_basis,
            "unconfirmed": self.unconfirmed,
            "implementing_department_kinds": list(self.implementing_department_kinds),
            "implementing_department_codes": list(self.implementing_department_codes),
            "memoranda": [dict(m) for m in self.memoranda],
        }


def measures_for(list_type_code: str, *, on: date) -> list[ApplicableMeasure]:
    """The measures that follow from ``list_type_code`` on ``on``: those on the measure list
    that a memorandum in force binds to it. A link to a measure that is not on the list on
    that date is left out (it cannot be applied: ``check_measure_applicable`` says why)."""
    catalogue = measure_list(on=on)
    result: dict[str, ApplicableMeasure] = {}
    for link in _links(list_type_code, on):
        measure = catalogue.get(link.measure_code)
        if measure is None:
            continue
        item = result.get(measure.code)
        if item is None:
            item = result[measure.code] = ApplicableMeasure(
                code=measure.code,
                name_zh=measure.name_zh,
                name_en=measure.name_en,
                measure_class=measure.measure_class,
                class_zh=measure.class_zh,
                side=measure.side,
                matters=list(measure.matters),
                targets=list(measure.targets),
                means=measure.means,
                legal_basis=measure.legal_basis,
                unconfirmed=measure.unconfirmed,
            )
        for kind in link.implementing_department_kinds or measure.implementing_department_kinds:
            if kind not in item.implementing_department_kinds:
                item.implementing_department_kinds.append(kind)
        for code in link.implementing_department_codes:
            if code not in item.implementing_department_codes:
                item.implementing_department_codes.append(code)
        memo = {
            "code": link.memorandum.code,
            "name_zh": link.memorandum.name_zh,
            "legal_source": link.memorandum.legal_source,
        }
        if memo not in item.memoranda:
            item.memoranda.append(memo)
    return sorted(result.values(), key=lambda m: (m.side, m.measure_class, m.code))


def check_measure_applicable(
    measure: Measure | str,
    list_type: ListType | str,
    *,
    on: date,
    subject_kind: str | None = None,
) -> ApplicableMeasure:
    """Refuse applying ``measure`` because of a listing on ``list_type`` on ``on``:

    - ``MEASURE_NOT_IN_LIST`` when no measure list in force has it (RULES §5: no measure
      outside the list; seeds 000, 003: no new measures for want of a harsher rule);
    - ``MEASURE_NOT_CONNECTED`` when no memorandum in force binds it to the list type — a
      measure is applied only for the lists it belongs to (proportionality: seed 003
      合法、关联、比例原则; seed 000 轻重适度);
    - ``MEASURE_TARGET_MISMATCH`` when ``subject_kind`` is given and the measure does not
      target that kind of subject.

    Returns the applicable measure (with its memoranda and implementing bodies).
    """
    code = measure.code if isinstance(measure, Measure) else measure
    type_code = list_type.code if isinstance(list_type, ListType) else list_type
    if code not in measure_list(on=on):
        raise MeasureNotInList(
            message_zh=(
                f"措施 {code!r} 不在 {on.isoformat()} 有效的失信惩戒（守信激励）措施清单中，"
                "不得实施清单以外的措施。"
            ),
            message_en=(
                f"measure {code!r} is on no measure list in force on {on.isoformat()}; no "
                "measure outside the list may be applied."
            ),
            measure=code,
            on=on.isoformat(),
        )
    found = next((m for m in measures_for(type_code, on=on) if m.code == code), None)
    if found is None:
        raise MeasureNotConnected(
            message_zh=(
                f"{on.isoformat()} 没有有效的合作备忘录将措施 {code!r} 与名单 {type_code!r} 关联；"
                "惩戒措施应与失信行为相关联、相适应（合法、关联、比例原则）。"
            ),
            message_en=(
                f"no memorandum in force on {on.isoformat()} binds measure {code!r} to list "
                f"{type_code!r}; a measure must be connected and proportionate to the listing."
            ),
            measure=code,
            list_type=type_code,
            on=on.isoformat(),
        )
    if subject_kind is not None and subject_kind not in found.targets:
        raise MeasureTargetMismatch(
            message_zh=f"措施 {code!r} 不适用于此类主体（{subject_kind}）。",
            message_en=f"measure {code!r} does not apply to subjects of kind {subject_kind}.",
            measure=code,
            subject_kind=subject_kind,
        )
    return found

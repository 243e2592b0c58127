"""The "measures" and "memoranda" kinds of policy data (RULES §5).

Why this exists: the measure list says what may be done to (or for) a listed subject and the
memoranda say for which list, by whom. Both are reviewed files (``policy/measures/*.toml``):

- ``kind = "measures"``: ``scope = "base"`` (the national base list, with its classes) or
  ``scope = "supplement"`` (a provincial or local supplement, which may only add measures in
  the base list's classes — RULES §5 "local supplementary lists only within its scope" — and
  may not redefine a base code);
- ``kind = "memoranda"``: each memorandum binds list types to measures and names the
  implementing department kinds (and, optionally, departments by code). A memorandum that
  names a list type or measure no loaded edition defines is refused at load
  (``MEMORANDUM_REFERENCE_UNKNOWN``) — files load in path order, so measure lists are named
  ``measures-*.toml`` and come before ``memoranda-*.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from xinyong.audit.events import EventType
from xinyong.core.choices import DepartmentKind
from xinyong.lists.models import ListType
from xinyong.lists.policy import string_list
from xinyong.measures.choices import ListScope, Matter, MeasureSide, Target
from xinyong.measures.errors import (
    MeasureCodeClash,
    MemorandumReferenceUnknown,
    measure_file_error,
)
from xinyong.measures.models import Measure, Memorandum, MemorandumLink
from xinyong.policy.choices import Jurisdiction
from xinyong.policy.models import PolicyEdition
from xinyong.policy.validation import (
    HEADER_OPTIONAL,
    HEADER_REQUIRED,
    EditionHeader,
    Fields,
    item_list,
)

if TYPE_CHECKING:
    from xinyong.core.models import User

_MEASURE_REQUIRED = (
    "code",
    "name_zh",
    "name_en",
    "class",
    "side",
    "matters",
    "targets",
    "implementing_department_kinds",
    "means",
    "legal_basis",
)
_MEASURE_OPTIONAL = ("unconfirmed", "note")


class MeasuresHandler:
    """Kind handler of ``kind = "measures"``."""

    kind = "measures"
    file_event = EventType.MEASURE_LIST_EDITION_LOADED
    admin_event = EventType.POLICY_SUPPLEMENT_SAVED

    def parse(
        self, data: Mapping[str, Any], *, source: str, header: EditionHeader
    ) -> dict[str, Any]:
        top = Fields(data, source=source)
        top.check_keys((*HEADER_REQUIRED, "scope", "measures"), (*HEADER_OPTIONAL, "classes"))
        scope = top.choice("scope", ListScope.values)
        classes = item_list(top, "classes")
        if scope == ListScope.BASE and not classes:
            raise top.bad(
                "classes", "基础清单必须列出措施类别。", "a base list must declare its classes."
            )
        if scope == ListScope.SUPPLEMENT:
            if classes:
                raise measure_file_error(
                    "MEASURE_SUPPLEMENT_SCOPE",
                    source,
                    "classes",
                    "补充清单不能新增措施类别，只能在基础清单的类别内补充措施。",
                    "a supplement cannot add classes; it adds measures within the base "
                    "list's classes.",
                )
            if header.jurisdiction == Jurisdiction.NATIONAL:
                raise measure_file_error(
                    "MEASURE_SUPPLEMENT_SCOPE",
                    source,
                    "jurisdiction",
                    "补充清单应由省级或地方发布（jurisdiction = provincial 或 local）。",
                    "a supplement is provincial or local (jurisdiction = provincial or local).",
                )
        class_codes = [c["code"] for c in classes]
        measures: list[dict[str, Any]] = []
        for m in top.tables("measures", non_empty=True):
            m.check_keys(_MEASURE_REQUIRED, _MEASURE_OPTIONAL)
            code = m.code("code")
            if any(other["code"] == code for other in measures):
                raise measure_file_error(
                    "MEASURE_DUPLICATE", source, m.key_path("code"), f"重复：{code}。",
                    f"is a duplicate: {code}.",
                )  # fmt: skip
            klass = m.code("class")
            if scope == ListScope.BASE and klass not in class_codes:
                raise measure_file_error(
                    "MEASURE_CLASS_UNKNOWN",
                    source,
                    m.key_path("class"),
                    f"= {klass!r} 不是本清单的类别（{', '.join(class_codes)}）。",
                    f"= {klass!r} is not a class of this list ({', '.join(class_codes)}).",
                )
            measures.append(
                {
                    "code": code,
                    "name_zh": m.text("name_zh"),
                    "name_en": m.text("name_en"),
                    "class": klass,
                    "side": m.choice("side", MeasureSide.values),
                    "matters": string_list(m, "matters", Matter.values),
                    "targets": string_list(m, "targets", Target.values),
                    "implementing_department_kinds": string_list(
                        m, "implementing_department_kinds", DepartmentKind.values
                    ),
                    "means": m.text("means"),
                    "legal_basis": m.text("legal_basis"),
                    "unconfirmed": m.boolean("unconfirmed", default=False),
                    "note": m.text("note", default="", allow_empty=True),
                }
            )
        return {"scope": scope, "classes": classes, "measures": measures}

    def apply(
        self, edition: PolicyEdition, content: dict[str, Any], *, acting_user: User | None
    ) -> dict[str, Any]:
        classes = {c["code"]: c["zh"] for c in content["classes"]}
        if content["scope"] == ListScope.SUPPLEMENT:
            base = _base_classes()
            for m in content["measures"]:
                if m["class"] not in base:
                    raise measure_file_error(
                        "MEASURE_CLASS_UNKNOWN",
                        edition.source_path,
                        f"measures.{m['code']}.class",
                        f"= {m['class']!r} 不是已载入的基础清单的类别"
                        f"（{', '.join(base) or '—'}）。",
                        f"= {m['class']!r} is not a class of a loaded base list "
                        f"({', '.join(base) or '—'}).",
                    )
            clash = (
                Measure.objects.filter(
                    list_scope=ListScope.BASE,
                    edition__retired_at__isnull=True,
                    code__in=[m["code"] for m in content["measures"]],
                )
                .values_list("code", flat=True)
                .first()
            )
            if clash:
                raise MeasureCodeClash(
                    message_zh=f"补充清单不能重新定义基础清单的措施 {clash}；请使用新的代码。",
                    message_en=f"a supplement cannot redefine the base measure {clash}; use a "
                    "new code.",
                    measure=clash,
                )
            classes = base
        Measure.objects.bulk_create(
            Measure(
                edition=edition,
                jurisdiction=edition.jurisdiction,
                list_scope=content["scope"],
                code=m["code"],
                name_zh=m["name_zh"],
                name_en=m["name_en"],
                measure_class=m["class"],
                class_zh=classes.get(m["class"], m["class"]),
                side=m["side"],
                matters=m["matters"],
                targets=m["targets"],
                implementing_department_kinds=m["implementing_department_kinds"],
                means=m["means"],
                legal_basis=m["legal_basis"],
                unconfirmed=m["unconfirmed"],
                note=m["note"],
            )
            for m in content["measures"]
        )
        return {"scope": content["scope"], "measures": [m["code"] for m in content["measures"]]}

    def retire(self, edition: PolicyEdition, *, acting_user: User | None) -> dict[str, Any]:
        return {"measures": list(edition.measures.values_list("code", flat=True))}


def _base_classes() -> dict[str, str]:
    """Classes of the loaded, not retired base lists: code → Chinese label."""
    classes: dict[str, str] = {}
    editions = PolicyEdition.objects.filter(kind="measures", retired_at__isnull=True)
    for edition in editions:
        if edition.content.get("scope") == ListScope.BASE:
            for c in edition.content.get("classes", []):
                classes.setdefault(c["code"], c["zh"])
    return classes


class MemorandaHandler:
    """Kind handler of ``kind = "memoranda"``."""

    kind = "memoranda"
    file_event = EventType.MEMORANDA_EDITION_LOADED
    admin_event = EventType.POLICY_SUPPLEMENT_SAVED

    def parse(
        self, data: Mapping[str, Any], *, source: str, header: EditionHeader
    ) -> dict[str, Any]:
        top = Fields(data, source=source)
        top.check_keys((*HEADER_REQUIRED, "memoranda"), HEADER_OPTIONAL)
        memoranda: list[dict[str, Any]] = []
        for m in top.tables("memoranda", non_empty=True):
            m.check_keys(
                ("code", "name_zh", "name_en", "legal_source", "links"), ("unconfirmed", "note")
            )
            code = m.code("code")
            if any(other["code"] == code for other in memoranda):
                raise m.bad("code", f"重复：{code}。", f"is a duplicate: {code}.")
            links: list[dict[str, Any]] = []
            for link in m.tables("links", non_empty=True):
                link.check_keys(
                    ("list_types", "measures"),
                    ("implementing_department_kinds", "implementing_departments", "note"),
                )
                links.append(
                    {
                        "list_types": _codes(link, "list_types"),
                        "measures": _codes(link, "measures"),
                        "implementing_department_kinds": string_list(
                            link,
                            "implementing_department_kinds",
                            DepartmentKind.values,
                            non_empty=False,
                        ),
                        "implementing_departments": _codes(
                            link, "implementing_departments", non_empty=False, upper=True
                        ),
                        "note": link.text("note", default="", allow_empty=True),
                    }
                )
            memoranda.append(
                {
                    "code": code,
                    "name_zh": m.text("name_zh"),
                    "name_en": m.text("name_en"),
                    "legal_source": m.text("legal_source"),
                    "unconfirmed": m.boolean("unconfirmed", default=False),
                    "note": m.text("note", default="", allow_empty=True),
                    "links": links,
                }
            )
        return {"memoranda": memoranda}

    def apply(
        self, edition: PolicyEdition, content: dict[str, Any], *, acting_user: User | None
    ) -> dict[str, Any]:
        known_types = set(
            ListType.objects.filter(edition__retired_at__isnull=True).values_list("code", flat=True)
        )
        known_measures = set(
            Measure.objects.filter(edition__retired_at__isnull=True).values_list("code", flat=True)
        )
        links: list[MemorandumLink] = []
        for m in content["memoranda"]:
            memorandum = Memorandum.objects.create(
                edition=edition,
                jurisdiction=edition.jurisdiction,
                code=m["code"],
                name_zh=m["name_zh"],
                name_en=m["name_en"],
                legal_source=m["legal_source"],
                unconfirmed=m["unconfirmed"],
                note=m["note"],
            )
            seen: set[tuple[str, str]] = set()
            for link in m["links"]:
                for list_type in link["list_types"]:
                    if list_type not in known_types:
                        raise _unknown(edition, m["code"], "list type", "名单类型", list_type)
                    for measure in link["measures"]:
                        if measure not in known_measures:
                            raise _unknown(edition, m["code"], "measure", "惩戒/激励措施", measure)
                        if (list_type, measure) in seen:
                            continue
                        seen.add((list_type, measure))
                        links.append(
                            MemorandumLink(
                                memorandum=memorandum,
                                list_type_code=list_type,
                                measure_code=measure,
                                implementing_department_kinds=link["implementing_department_kinds"],
                                implementing_department_codes=link["implementing_departments"],
                                note=link["note"],
                            )
                        )
        MemorandumLink.objects.bulk_create(links)
        return {"memoranda": [m["code"] for m in content["memoranda"]], "links": len(links)}

    def retire(self, edition: PolicyEdition, *, acting_user: User | None) -> dict[str, Any]:
        return {"memoranda": list(edition.memoranda.values_list("code", flat=True))}


def _codes(f: Fields, key: str, *, non_empty: bool = True, upper: bool = False) -> list[str]:
    value = f.table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise f.bad(key, "应为非空字符串数组。", "must be an array of non-empty strings.")
    if non_empty and not value:
        raise f.bad(key, "不能为空。", "must not be empty.")
    return [v.strip().upper() if upper else v.strip() for v in value]


def _unknown(
    edition: PolicyEdition, memorandum: str, what_en: str, what_zh: str, code: str
) -> MemorandumReferenceUnknown:
    return MemorandumReferenceUnknown(
        message_zh=(
            f"{edition.source_path}：备忘录 {memorandum} 引用的{what_zh} {code!r} 未在任何已载入的"
            "政策数据中定义（请先载入名单类型和措施清单，或更正代码）。"
        ),
        message_en=(
            f"{edition.source_path}: memorandum {memorandum} names the {what_en} {code!r}, "
            "which no loaded edition defines (load the list types and measure lists first, "
            "or correct the code)."
        ),
        memorandum=memorandum,
        reference=code,
    )


MEASURES_HANDLER = MeasuresHandler()
MEMORANDA_HANDLER = MemorandaHandler()

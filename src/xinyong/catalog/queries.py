"""Reading the catalog: which items may be recorded on a date, their typed fields, and who
may report them. The interface the collection (ingestion) code calls.

Why this exists: RULES §5 — nothing outside the catalog enters a credit record, and a
department reports only the items it is responsible for. The catalog in force on a date is
the national base edition in force then plus the provincial and local supplements in force
then (:func:`items_in_force`, :func:`catalog_item`); each item is a
:class:`CatalogItemDef` with its :class:`~xinyong.catalog.fields.FieldDef` s, built from the
loaded rows. The built definitions are cached per process and rebuilt when a catalog (or
regimes) edition is loaded or retired: one small query checks freshness, as
``xinyong.workdays.queries`` does for the calendar.

``on`` is the date the catalog is asked about — for collection, the day the record is
reported. Code lists inside an item are dated by the record's *decision date* instead
(penalty categories before and after 2021-07-15), see :mod:`xinyong.catalog.validation`.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch
from django.utils import translation

from xinyong.catalog.errors import CatalogItemNotAllowed, CatalogItemUnknown
from xinyong.catalog.fields import CodeList, FieldDef, normalise_header
from xinyong.catalog.models import CatalogCodeList, CatalogItem
from xinyong.core.choices import DepartmentKind
from xinyong.errors import CodedError
from xinyong.policy.choices import JURISDICTION_LEVEL
from xinyong.policy.models import PolicyEdition
from xinyong.policy.regimes import PublicationWindow, publication_window

if TYPE_CHECKING:
    from xinyong.core.models import Department


class _WindowMemo:
    """Publication windows already computed for one snapshot of the catalog and regimes, so
    that validating a batch does not query the regimes once per row."""

    def __init__(self) -> None:
        self._windows: dict[tuple[date, str, bool], PublicationWindow | CodedError] = {}

    def window(self, decision_date: date, severity: str, specific: bool) -> PublicationWindow:
        key = (decision_date, severity, specific)
        found = self._windows.get(key)
        if found is None:
            try:
                found = publication_window(decision_date, severity, specific_serious=specific)
            except CodedError as exc:
                found = exc
            self._windows[key] = found
        if isinstance(found, CodedError):
            raise found
        return found


@dataclass(frozen=True)
class CatalogItemDef:
    """One item of the catalog in force, with everything collection needs to know.

    ``disclosure``: ``public`` | ``shared`` | ``not_disclosed``. ``sharing_scope``:
    ``("all_departments",)`` or department kinds. ``publication_rule``: ``{"type": "regime"}``
    (by the dated regimes and the record's severity), ``{"type": "fixed", "months": N}``,
    ``{"type": "while_valid"}`` or ``{"type": "none"}``. ``reporter_kinds`` /
    ``reporter_codes``: the department kinds and department codes (USCC) that may report it.
    ``edition``: the label of the edition it comes from (``catalog/national-base@2024``).
    ``key_field`` is the field holding the decision (document) number, ``date_field`` the
    field holding the decision date.
    """

    code: str
    name_zh: str
    name_en: str
    category: str
    record_kind: str
    legal_basis: str
    disclosure: str
    sharing_scope: tuple[str, ...]
    publication_rule: Mapping[str, object] = dataclasses.field(hash=False)
    reporting_deadline_working_days: int = 0
    subject_kinds: tuple[str, ...] = ()
    reporter_kinds: tuple[str, ...] = ()
    reporter_codes: tuple[str, ...] = ()
    requires_legal_document: bool = False
    fields: tuple[FieldDef, ...] = ()
    edition: str = ""
    jurisdiction: str = ""
    category_zh: str = ""
    category_en: str = ""
    key_field: str = ""
    date_field: str = ""
    edition_title_zh: str = ""
    note: str = ""
    unconfirmed: bool = False
    _windows: _WindowMemo = dataclasses.field(
        default_factory=_WindowMemo, compare=False, hash=False, repr=False
    )

    def field(self, code: str) -> FieldDef:
        """The field with this code (``KeyError`` if the item has none)."""
        for f in self.fields:
            if f.code == code:
                return f
        raise KeyError(f"{self.code} has no field {code!r}")

    def field_for_role(self, role: str) -> FieldDef | None:
        """The field with this role (:class:`~xinyong.catalog.choices.FieldRole`), if any."""
        return next((f for f in self.fields if f.role == role), None)

    def header_map(self) -> dict[str, str]:
        """Accepted column headers → field code.

        For each field: the code and the Chinese name exactly, the Chinese name with a
        trailing ``*``, and the normalised forms (:func:`normalise_header`: case-insensitive,
        whitespace and full-width characters normalised, no trailing ``*``). A reader looks
        a header up as typed, or — better — through :meth:`field_for_header`.
        """
        mapping: dict[str, str] = {}
        for f in self.fields:
            for header in (f.code, f.name_zh, f"{f.name_zh}*", f"{f.name_zh}＊"):
                mapping.setdefault(header, f.code)
            for header in (f.code, f.name_zh):
                mapping.setdefault(normalise_header(header), f.code)
        return mapping

    def field_for_header(self, header: str) -> str | None:
        """The field code a column header stands for, or None."""
        mapping = self.header_map()
        return mapping.get(header) or mapping.get(normalise_header(header))

    def window(self, decision_date: date, severity: str, specific: bool) -> PublicationWindow:
        """The publication window of a decision (memoised per catalog snapshot); raises
        ``REGIME_NOT_FOUND`` / ``REGIME_RULE_NOT_DEFINED`` like ``publication_window``."""
        return self._windows.window(decision_date, severity, specific)

    def as_dict(self) -> dict[str, Any]:
        """Public metadata of the item (API, docs)."""
        return {
            "code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "category": self.category,
            "category_zh": self.category_zh,
            "category_en": self.category_en,
            "record_kind": self.record_kind,
            "legal_basis": self.legal_basis,
            "disclosure": self.disclosure,
            "sharing_scope": list(self.sharing_scope),
            "publication_rule": dict(self.publication_rule),
            "reporting_deadline_working_days": self.reporting_deadline_working_days,
            "subject_kinds": list(self.subject_kinds),
            "reporter_kinds": list(self.reporter_kinds),
            "reporter_codes": list(self.reporter_codes),
            "requires_legal_document": self.requires_legal_document,
            "key_field": self.key_field,
            "date_field": self.date_field,
            "edition": self.edition,
            "jurisdiction": self.jurisdiction,
            "note": self.note,
            "unconfirmed": self.unconfirmed,
            "fields": [f.as_dict() for f in self.fields],
        }


@dataclass(frozen=True)
class CatalogEdition:
    """A loaded, not retired catalog edition with its built items.

    ``in_force`` is the range of dates it actually governs (its own range, cut where an
    active successor starts), or None when it is entirely replaced.
    """

    pk: int
    label: str
    code: str
    edition: str
    jurisdiction: str
    title_zh: str
    title_en: str
    legal_source: str
    note: str
    unconfirmed: bool
    effective_from: date
    effective_to: date | None
    in_force: tuple[date, date | None] | None
    status: str
    superseded_by: str | None
    source_path: str
    digest: str
    categories: tuple[Mapping[str, Any], ...]
    code_lists: tuple[CodeList, ...]
    items: tuple[CatalogItemDef, ...]

    def in_force_on(self, on: date) -> bool:
        if self.in_force is None:
            return False
        start, end = self.in_force
        return start <= on and (end is None or on <= end)

    def item(self, code: str) -> CatalogItemDef | None:
        return next((i for i in self.items if i.code == code), None)

    @property
    def level(self) -> int:
        return JURISDICTION_LEVEL[self.jurisdiction]


# --------------------------------------------------------------------------------------------
# The cache
# --------------------------------------------------------------------------------------------

_Stamp = tuple[tuple[object, ...], ...]


@dataclass(frozen=True)
class _Snapshot:
    stamp: _Stamp
    editions: tuple[CatalogEdition, ...]


_cache: _Snapshot | None = None
_lock = threading.Lock()


def _stamp() -> _Stamp:
    # Catalog editions and the regimes (publication windows are memoised per snapshot).
    rows = (
        PolicyEdition.objects.filter(kind__in=("catalog", "regimes"))
        .order_by("pk")
        .values_list(
            "pk",
            "digest",
            "retired_at",
            "superseded_by_id",
            "superseded_by__retired_at",
            "superseded_by__effective_from",
        )
    )
    return tuple(tuple(r) for r in rows)


def invalidate_catalog_cache() -> None:
    """Forget the built catalog (the catalog handler calls this on load and retire)."""
    global _cache
    with _lock:
        _cache = None


def _build() -> tuple[CatalogEdition, ...]:
    editions = (
        PolicyEdition.objects.filter(kind="catalog", retired_at__isnull=True)
        .select_related("superseded_by")
        .prefetch_related(
            Prefetch("catalog_items", queryset=CatalogItem.objects.order_by("position")),
            Prefetch("catalog_code_lists", queryset=CatalogCodeList.objects.order_by("pk")),
        )
    )
    memo = _WindowMemo()
    built: list[CatalogEdition] = []
    for e in editions:
        code_lists = {
            cl.code: CodeList.from_dict(
                {
                    "code": cl.code,
                    "name_zh": cl.name_zh,
                    "name_en": cl.name_en,
                    "legal_source": cl.legal_source,
                    "term_zh": cl.term_zh,
                    "term_en": cl.term_en,
                    "note": cl.note,
                    "unconfirmed": cl.unconfirmed,
                    "entries": cl.entries,
                }
            )
            for cl in e.catalog_code_lists.all()
        }
        title_zh = str(e.content.get("title_zh", e.label))
        items = tuple(
            _item_def(row, e, code_lists, title_zh, memo) for row in e.catalog_items.all()
        )
        built.append(
            CatalogEdition(
                pk=e.pk,
                label=e.label,
                code=e.code,
                edition=e.edition,
                jurisdiction=e.jurisdiction,
                title_zh=title_zh,
                title_en=str(e.content.get("title_en", e.label)),
                legal_source=e.legal_source,
                note=e.note,
                unconfirmed=bool(e.content.get("unconfirmed")),
                effective_from=e.effective_from,
                effective_to=e.effective_to,
                in_force=e.effective_range(),
                status=e.status,
                superseded_by=successor.label if (successor := e.active_successor) else None,
                source_path=e.source_path,
                digest=e.digest,
                categories=tuple(e.content.get("categories", ())),
                code_lists=tuple(code_lists.values()),
                items=items,
            )
        )
    built.sort(key=lambda c: (c.level, c.effective_from, c.pk))
    return tuple(built)


def _item_def(
    row: CatalogItem,
    edition: PolicyEdition,
    code_lists: Mapping[str, CodeList],
    title_zh: str,
    memo: _WindowMemo,
) -> CatalogItemDef:
    return CatalogItemDef(
        code=row.code,
        name_zh=row.name_zh,
        name_en=row.name_en,
        category=row.category,
        record_kind=row.record_kind,
        legal_basis=row.legal_basis,
        disclosure=row.disclosure,
        sharing_scope=tuple(row.sharing_scope),
        publication_rule=dict(row.publication_rule),
        reporting_deadline_working_days=row.reporting_deadline_working_days,
        subject_kinds=tuple(row.subject_kinds),
        reporter_kinds=tuple(row.reporter_kinds),
        reporter_codes=tuple(row.reporter_codes),
        requires_legal_document=row.requires_legal_document,
        fields=tuple(FieldDef.from_dict(f, code_lists) for f in row.fields),
        edition=edition.label,
        jurisdiction=edition.jurisdiction,
        category_zh=row.category_zh,
        category_en=row.category_en,
        key_field=row.key_field,
        date_field=row.date_field,
        edition_title_zh=title_zh,
        note=row.note,
        unconfirmed=row.unconfirmed,
        _windows=memo,
    )


def catalog_editions() -> tuple[CatalogEdition, ...]:
    """Every loaded catalog edition that is not retired (superseded ones included), national
    first, then by effective date. One small query when nothing changed."""
    global _cache
    stamp = _stamp()
    cached = _cache
    if cached is not None and cached.stamp == stamp:
        return cached.editions
    editions = _build()
    with _lock:
        _cache = _Snapshot(stamp, editions)
    return editions


# --------------------------------------------------------------------------------------------
# Look-ups
# --------------------------------------------------------------------------------------------


def editions_in_force(*, on: date) -> list[CatalogEdition]:
    """The catalog editions in force on ``on``: the national one, then the supplements."""
    return [e for e in catalog_editions() if e.in_force_on(on)]


def items_in_force(*, on: date) -> list[CatalogItemDef]:
    """Every item that may be recorded on ``on``: the national edition's items in file order,
    then those of provincial and local supplements."""
    return [item for e in editions_in_force(on=on) for item in e.items]


def catalog_item(code: str, *, on: date) -> CatalogItemDef:
    """The item ``code`` of the catalog in force on ``on`` (national edition plus the
    supplements in force). Raises :class:`CatalogItemUnknown` (``CATALOG_ITEM_UNKNOWN``),
    naming the date, the editions in force and — when the code exists on other dates — where
    it can be found."""
    wanted = code.strip().upper()
    in_force = editions_in_force(on=on)
    for edition in sorted(in_force, key=lambda e: -e.level):
        item = edition.item(wanted)
        if item is not None:
            return item
    raise _unknown(wanted, on, in_force)


def _unknown(code: str, on: date, in_force: list[CatalogEdition]) -> CatalogItemUnknown:
    day = on.isoformat()
    if not in_force:
        loaded = catalog_editions()
        first = min((e.in_force[0] for e in loaded if e.in_force), default=None)
        zh_hint = (
            f"已载入的目录最早自 {first.isoformat()} 起施行"
            if first
            else "尚未载入任何目录，请运行 xinyong policy load"
        )
        en_hint = (
            f"the loaded catalog starts on {first.isoformat()}"
            if first
            else "no catalog is loaded; run `xinyong policy load`"
        )
        return CatalogItemUnknown(
            message_zh=f"{day} 没有施行的公共信用信息目录，不能记录目录项 {code}（{zh_hint}）。",
            message_en=f"No catalog of public credit information is in force on {day}, so item "
            f"{code} cannot be recorded ({en_hint}).",
            item=code,
            on=day,
        )
    titles_zh = "、".join(f"{e.title_zh}（{e.label}）" for e in in_force)
    titles_en = "; ".join(f"{e.title_en} ({e.label})" for e in in_force)
    elsewhere = [e for e in catalog_editions() if e.item(code) is not None and e.in_force]
    hint_zh = hint_en = ""
    if elsewhere:
        e = elsewhere[-1]
        assert e.in_force is not None
        start, end = e.in_force
        period = f"{start.isoformat()}–{end.isoformat() if end else ''}"
        hint_zh = f"该目录项见于{e.title_zh}（{e.label}，施行期间 {period}）。"
        hint_en = f" The item is in {e.title_en} ({e.label}, in force {period})."
    return CatalogItemUnknown(
        message_zh=(
            f"目录项 {code} 不在 {day} 施行的公共信用信息目录中（施行的目录：{titles_zh}），"
            f"目录以外的信息不能记录。{hint_zh}"
        ),
        message_en=(
            f"Item {code} is not in the catalog of public credit information in force on "
            f"{day} ({titles_en}); nothing outside the catalog can be recorded.{hint_en}"
        ),
        item=code,
        on=day,
        editions=[e.label for e in in_force],
    )


def department_kind_label(kind: str, lang: str = "zh") -> str:
    """The label of a department kind in ``lang`` (``zh`` or ``en``)."""
    try:
        label = DepartmentKind(kind).label
    except ValueError:
        return kind
    with translation.override("en" if lang.startswith("en") else "zh-hans"):
        return str(label)


def check_department_may_report(item: CatalogItemDef, department: Department) -> None:
    """Refuse (``CATALOG_ITEM_NOT_ALLOWED``) a department that is neither of a kind nor one
    of the departments the item names as its reporters (RULES §5; e.g. penalties by sector
    authorities, dishonest judgment debtors by courts)."""
    if department.kind in item.reporter_kinds or department.code in item.reporter_codes:
        return
    kinds_zh = "、".join(department_kind_label(k) for k in item.reporter_kinds)
    kinds_en = ", ".join(department_kind_label(k, "en") for k in item.reporter_kinds)
    codes = ", ".join(item.reporter_codes)
    allowed_zh = "、".join(x for x in (kinds_zh, f"指定部门 {codes}" if codes else "") if x)
    allowed_en = "; ".join(x for x in (kinds_en, f"the departments {codes}" if codes else "") if x)
    raise CatalogItemNotAllowed(
        message_zh=(
            f"部门“{department.name}”（{department_kind_label(department.kind)}）不能报送目录项"
            f"“{item.name_zh}”（{item.code}）：该目录项只能由{allowed_zh}报送"
            f"（{item.edition_title_zh or item.edition}）。"
        ),
        message_en=(
            f"Department {department.name} ({department_kind_label(department.kind, 'en')}) may "
            f"not report the item {item.name_en} ({item.code}): it is reported only by "
            f"{allowed_en} ({item.edition})."
        ),
        item=item.code,
        department=department.code,
    )


def in_force_label(edition: CatalogEdition) -> str:
    """``2021-12-30–2022-12-31`` (open end: ``2024-01-01–``), or ``—`` when replaced."""
    if edition.in_force is None:
        return "—"
    start, end = edition.in_force
    return f"{start.isoformat()}–{end.isoformat() if end else ''}"

"""The "catalog" kind of policy data: catalog editions and supplements, validated and loaded.

Why this exists: the national base catalog of public credit information comes in dated
editions (2021: 发改财金规〔2021〕1827号; 2022: 发改财金规〔2022〕1917号; 2024), and provinces
and cities add supplementary items (RULES §5). Each edition is a reviewed TOML file under
``policy/catalog/`` (or a supplement pasted in the admin), loaded like every other policy
edition (versioned, audited, superseded by date — ``docs/policy-data.md``). This handler checks
a file completely before anything is stored — every item's category, disclosure, sharing
scope, publication rule, reporting deadline, subject kinds, reporters and typed fields (types,
code lists, roles) — and writes :class:`~xinyong.catalog.models.CatalogItem` and
:class:`~xinyong.catalog.models.CatalogCodeList` rows. The file format is described in
``docs/catalog.md`` (generated) and ``docs/decisions/0008-catalog-as-data.md``.

Each file is self-contained: its items may only use the code lists and field sets it defines,
so an edition can be read, reviewed and loaded on its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from django.db import transaction

from xinyong.audit.events import EventType
from xinyong.catalog.choices import (
    ALL_DEPARTMENTS,
    ROLE_TYPES,
    Disclosure,
    FieldRole,
    FieldType,
    PublicationRuleType,
    RecordKind,
)
from xinyong.catalog.errors import CatalogItemConflict, catalog_file_error
from xinyong.catalog.fields import (
    CODE_LIST_TYPES,
    LENGTH_TYPES,
    CodeEntry,
    CodeList,
    FieldDef,
    field_types,
    normalise_header,
)
from xinyong.catalog.models import CatalogCodeList, CatalogItem
from xinyong.core import identifiers
from xinyong.core.choices import DepartmentKind, SubjectKind
from xinyong.policy.choices import Severity
from xinyong.policy.models import PolicyEdition
from xinyong.policy.validation import (
    HEADER_OPTIONAL,
    HEADER_REQUIRED,
    ITEM_CODE_RE,
    EditionHeader,
    Fields,
)

if TYPE_CHECKING:
    from xinyong.core.models import User

#: Item codes: upper-case letters, digits, underscores (``XK``, ``CF``, ``ZJ_ZYFW``).
ITEM_RE: Final = re.compile(r"[A-Z][A-Z0-9_]{0,31}")
#: Field codes of the national data standard and ours (``CF_NR_FK``, ``XY_QZCD``, ``BZ``).
FIELD_RE: Final = re.compile(r"[A-Z][A-Z0-9_]{0,63}")
#: Codes of code-list entries (``01``, ``light``, ``L05``).
ENTRY_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
#: Field-set prefixes substituted for ``{p}`` (``XK``, ``CF``, ``QZ``).
PREFIX_RE: Final = re.compile(r"[A-Z][A-Z0-9]{0,15}")

_TOP_REQUIRED: Final = (*HEADER_REQUIRED, "title_zh", "title_en", "categories", "code_lists",
                        "items")  # fmt: skip
_TOP_OPTIONAL: Final = (*HEADER_OPTIONAL, "unconfirmed", "field_sets")
_ITEM_REQUIRED: Final = (
    "code",
    "name_zh",
    "name_en",
    "category",
    "record_kind",
    "legal_basis",
    "disclosure",
    "sharing_scope",
    "publication_rule",
    "reporting_deadline_working_days",
    "subject_kinds",
    "key_field",
    "date_field",
    "fields",
)
_ITEM_OPTIONAL: Final = (
    "reporter_kinds",
    "reporter_codes",
    "requires_legal_document",
    "note",
    "unconfirmed",
)
_FIELD_REQUIRED: Final = ("code", "name_zh", "name_en", "type")
_FIELD_OPTIONAL: Final = (
    "required",
    "required_for_kinds",
    "max_length",
    "code_list",
    "public",
    "description",
    "role",
)
_ENTRY_OPTIONAL: Final = (
    "aliases",
    "decisions_from",
    "decisions_to",
    "counterparts",
    "alias_counterparts",
    "subject_kind",
    "severity",
    "note",
    "unconfirmed",
)
_MAX_TEXT_LENGTH: Final = 100_000
# Enumeration values, computed once (``TextChoices.values`` builds a new list per call).
_SUBJECT_KINDS: Final = tuple(SubjectKind.values)
_SEVERITIES: Final = tuple(Severity.values)
_RECORD_KINDS: Final = tuple(RecordKind.values)
_DISCLOSURES: Final = tuple(Disclosure.values)
_DEPARTMENT_KINDS: Final = tuple(DepartmentKind.values)
_RULE_TYPES: Final = tuple(PublicationRuleType.values)
_ROLES: Final = tuple(FieldRole.values)
_TYPES: Final = tuple(field_types())
_ID_TYPE_LIST: Final = "id_type"


class CatalogHandler:
    """Kind handler of ``kind = "catalog"`` (see :class:`xinyong.policy.handlers.KindHandler`)."""

    kind = "catalog"
    file_event = EventType.CATALOG_EDITION_LOADED
    admin_event = EventType.CATALOG_EDITION_LOADED

    # -- parse -------------------------------------------------------------------------------

    def parse(
        self, data: Mapping[str, Any], *, source: str, header: EditionHeader
    ) -> dict[str, Any]:
        top = Fields(data, source=source)
        top.check_keys(_TOP_REQUIRED, _TOP_OPTIONAL)
        categories = self._categories(top)
        code_lists = self._code_lists(top)
        field_sets = self._field_sets(top)
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        for item in top.tables("items", non_empty=True):
            parsed = self._item(item, categories, code_lists, field_sets)
            if parsed["code"] in seen:
                raise _duplicate(item, "code", parsed["code"])
            seen.add(parsed["code"])
            items.append(parsed)
        return {
            "title_zh": top.text("title_zh"),
            "title_en": top.text("title_en"),
            "unconfirmed": top.boolean("unconfirmed", default=False),
            "categories": list(categories.values()),
            "code_lists": [c.as_dict() for c in code_lists.values()],
            "items": items,
        }

    @staticmethod
    def _categories(top: Fields) -> dict[str, dict[str, Any]]:
        categories: dict[str, dict[str, Any]] = {}
        for c in top.tables("categories", non_empty=True):
            c.check_keys(("code", "name_zh", "name_en"), ("legal_source", "note"))
            code = c.code("code", ITEM_CODE_RE)
            if code in categories:
                raise _duplicate(c, "code", code)
            categories[code] = {
                "code": code,
                "name_zh": c.text("name_zh"),
                "name_en": c.text("name_en"),
                "legal_source": c.text("legal_source", default="", allow_empty=True),
                "note": c.text("note", default="", allow_empty=True),
            }
        return categories

    def _code_lists(self, top: Fields) -> dict[str, CodeList]:
        lists: dict[str, CodeList] = {}
        for cl in top.tables("code_lists", non_empty=True):
            cl.check_keys(
                ("code", "name_zh", "name_en", "entries"),
                ("legal_source", "term_zh", "term_en", "note", "unconfirmed"),
            )
            code = cl.code("code", ITEM_CODE_RE)
            if code in lists:
                raise _duplicate(cl, "code", code)
            entries = [self._entry(e) for e in cl.tables("entries", non_empty=True)]
            codes = [e.code for e in entries]
            for i, e in enumerate(entries):
                if e.code in codes[:i]:
                    raise catalog_file_error(
                        "CATALOG_DUPLICATE_CODE",
                        cl.source,
                        cl.key_path(f"entries[{i}].code"),
                        f"重复：{e.code}。",
                        f"is a duplicate: {e.code}.",
                    )
                for other in (
                    *e.counterparts,
                    *(c for v in e.alias_counterparts.values() for c in v),
                ):
                    if other not in codes:
                        raise catalog_file_error(
                            "CATALOG_REFERENCE_UNKNOWN",
                            cl.source,
                            cl.key_path(f"entries[{i}].counterparts"),
                            f"引用了本代码表中不存在的代码 {other!r}。",
                            f"names {other!r}, which is not a code of this list.",
                        )
                for alias in e.alias_counterparts:
                    if alias not in e.aliases:
                        raise catalog_file_error(
                            "CATALOG_REFERENCE_UNKNOWN",
                            cl.source,
                            cl.key_path(f"entries[{i}].alias_counterparts"),
                            f"中的 {alias!r} 不是该条目的别名（aliases）。",
                            f"names {alias!r}, which is not one of the entry's aliases.",
                        )
            lists[code] = CodeList(
                code=code,
                name_zh=cl.text("name_zh"),
                name_en=cl.text("name_en"),
                entries=tuple(entries),
                legal_source=cl.text("legal_source", default="", allow_empty=True),
                term_zh=cl.text("term_zh", default="代码"),
                term_en=cl.text("term_en", default="code"),
                note=cl.text("note", default="", allow_empty=True),
                unconfirmed=cl.boolean("unconfirmed", default=False),
            )
        if _ID_TYPE_LIST in lists:
            for e in lists[_ID_TYPE_LIST].entries:
                if e.code not in identifiers.ID_TYPE_CODES:
                    raise catalog_file_error(
                        "CATALOG_FIELD_INVALID",
                        top.source,
                        f"code_lists.{_ID_TYPE_LIST}",
                        f"的代码 {e.code!r} 不是已知的证件类型"
                        f"（{', '.join(identifiers.ID_TYPE_CODES)}）。",
                        f"code {e.code!r} is not a known ID type "
                        f"({', '.join(identifiers.ID_TYPE_CODES)}).",
                    )
        return lists

    @staticmethod
    def _entry(e: Fields) -> CodeEntry:
        e.check_keys(("code", "name_zh", "name_en"), _ENTRY_OPTIONAL)
        code = e.code("code", ENTRY_RE)
        start, end = (
            e.date_range("decisions_from", "decisions_to")
            if "decisions_from" in e
            else (None, e.optional_date("decisions_to"))
        )
        subject_kind = None
        if "subject_kind" in e:
            subject_kind = e.choice("subject_kind", _SUBJECT_KINDS)
        severity = e.choice("severity", _SEVERITIES) if "severity" in e else None
        alias_counterparts: dict[str, tuple[str, ...]] = {}
        if "alias_counterparts" in e:
            table = e.table_at("alias_counterparts")
            for alias in table.table:
                alias_counterparts[alias] = tuple(_text_list(table, alias))
        return CodeEntry(
            code=code,
            name_zh=e.text("name_zh"),
            name_en=e.text("name_en"),
            aliases=tuple(_text_list(e, "aliases")),
            decisions_from=start,
            decisions_to=end,
            counterparts=tuple(_text_list(e, "counterparts")),
            alias_counterparts=alias_counterparts,
            subject_kind=subject_kind,
            severity=severity,
            note=e.text("note", default="", allow_empty=True),
            unconfirmed=e.boolean("unconfirmed", default=False),
        )

    @staticmethod
    def _field_sets(top: Fields) -> dict[str, list[Fields]]:
        sets: dict[str, list[Fields]] = {}
        for fs in top.tables("field_sets"):
            fs.check_keys(("code", "fields"), ("note",))
            code = fs.code("code", ITEM_CODE_RE)
            if code in sets:
                raise _duplicate(fs, "code", code)
            sets[code] = fs.tables("fields", non_empty=True)
        return sets

    def _item(
        self,
        item: Fields,
        categories: Mapping[str, dict[str, Any]],
        code_lists: Mapping[str, CodeList],
        field_sets: Mapping[str, list[Fields]],
    ) -> dict[str, Any]:
        item.check_keys(_ITEM_REQUIRED, _ITEM_OPTIONAL)
        code = item.text("code")
        if not ITEM_RE.fullmatch(code):
            raise item.bad(
                "code",
                f"的值 {code!r} 不合规范（大写字母、数字、下划线，以字母开头，至多32个字符）。",
                f"= {code!r} is not a valid item code (upper-case letters, digits, underscores, "
                "starting with a letter, at most 32 characters).",
            )
        category = item.text("category")
        if category not in categories:
            raise catalog_file_error(
                "CATALOG_REFERENCE_UNKNOWN",
                item.source,
                item.key_path("category"),
                f"= {category!r} 不是本文件 categories 中定义的类别。",
                f"= {category!r} is not a category defined in this file's categories.",
            )
        record_kind = item.choice("record_kind", _RECORD_KINDS)
        disclosure = item.choice("disclosure", _DISCLOSURES)
        sharing_scope = _text_list(item, "sharing_scope", non_empty=True)
        allowed_scope = (ALL_DEPARTMENTS, *_DEPARTMENT_KINDS)
        for value in sharing_scope:
            if value not in allowed_scope:
                raise item.bad(
                    "sharing_scope",
                    f"中的 {value!r} 不是 {', '.join(allowed_scope)} 之一。",
                    f"contains {value!r}, which is not one of {', '.join(allowed_scope)}.",
                )
        if ALL_DEPARTMENTS in sharing_scope and len(sharing_scope) > 1:
            raise item.bad(
                "sharing_scope",
                f"含 {ALL_DEPARTMENTS} 时不能再列出部门类型。",
                f"lists department kinds besides {ALL_DEPARTMENTS}.",
            )
        rule = self._publication_rule(item)
        # RULES §5: public / shared / not disclosed. Only public items are published; a
        # not-disclosed item is not shared with every department either.
        if (disclosure == Disclosure.PUBLIC) == (rule["type"] == PublicationRuleType.NONE):
            raise catalog_file_error(
                "CATALOG_ITEM_INVALID",
                item.source,
                item.key_path("publication_rule"),
                f"与 disclosure = {disclosure!r} 矛盾：公开的目录项须有公示期限规则，"
                '不公开的目录项应为 {type = "none"}。',
                f"contradicts disclosure = {disclosure!r}: a public item needs a publication "
                'rule, a shared or not-disclosed item has {type = "none"}.',
            )
        if disclosure == Disclosure.NOT_DISCLOSED and ALL_DEPARTMENTS in sharing_scope:
            raise catalog_file_error(
                "CATALOG_ITEM_INVALID",
                item.source,
                item.key_path("sharing_scope"),
                "不能为 all_departments：不予公开的目录项只在列出的部门类型之间共享。",
                "cannot be all_departments: a not-disclosed item is shared only with the "
                "department kinds listed.",
            )
        subject_kinds = _text_list(item, "subject_kinds", non_empty=True)
        for kind in subject_kinds:
            if kind not in _SUBJECT_KINDS:
                raise item.bad(
                    "subject_kinds",
                    f"中的 {kind!r} 不是 {', '.join(_SUBJECT_KINDS)} 之一。",
                    f"contains {kind!r}, which is not one of {', '.join(_SUBJECT_KINDS)}.",
                )
        reporter_kinds = _text_list(item, "reporter_kinds")
        for kind in reporter_kinds:
            if kind not in _DEPARTMENT_KINDS:
                raise item.bad(
                    "reporter_kinds",
                    f"中的 {kind!r} 不是 {', '.join(_DEPARTMENT_KINDS)} 之一。",
                    f"contains {kind!r}, which is not one of {', '.join(_DEPARTMENT_KINDS)}.",
                )
        reporter_codes: list[str] = []
        for value in _text_list(item, "reporter_codes"):
            result = identifiers.validate_uscc(value)
            if not result.valid:
                raise item.bad(
                    "reporter_codes",
                    f"中的 {value!r} 不是有效的统一社会信用代码：{result.errors[0].message_zh}。",
                    f"contains {value!r}, which is not a valid unified social credit code: "
                    f"{result.errors[0].message_en}.",
                )
            reporter_codes.append(result.normalized)
        if not reporter_kinds and not reporter_codes:
            raise catalog_file_error(
                "CATALOG_ITEM_INVALID",
                item.source,
                item.key_path("reporter_kinds"),
                "与 reporter_codes 至少填写一项：每个目录项须写明可报送的部门。",
                "or reporter_codes must be given: every item names who may report it.",
            )
        fields = self._fields(item, code_lists, field_sets)
        by_code = {f.code: f for f in fields}
        key_field = item.text("key_field")
        date_field = item.text("date_field")
        for key, value, types in (
            ("key_field", key_field, None),
            ("date_field", date_field, {FieldType.DATE}),
        ):
            target = by_code.get(value)
            if target is None or (types is not None and target.type not in types):
                raise catalog_file_error(
                    "CATALOG_REFERENCE_UNKNOWN",
                    item.source,
                    item.key_path(key),
                    f"= {value!r} 不是本目录项的字段" + ("（应为 date 类型）。" if types else "。"),
                    f"= {value!r} is not a field of this item"
                    + (" (of type date)." if types else "."),
                )
        roles = {f.role for f in fields if f.role}
        requires_document = item.boolean("requires_legal_document", default=False)
        # RULES (issue 3, item 4); 甘信用办发〔2021〕5号 (seed 001): a finding of dishonesty
        # rests on a legally effective document, named by its type and number.
        if requires_document and not {FieldRole.DOCUMENT_TYPE, FieldRole.DOCUMENT_NUMBER} <= roles:
            raise catalog_file_error(
                "CATALOG_ITEM_INVALID",
                item.source,
                item.key_path("requires_legal_document"),
                "为 true 时须有 role 为 document_type 和 document_number 的字段"
                "（生效法律文书的类型和文号）。",
                "is true, so the item needs fields with role document_type and "
                "document_number (the legally effective document's type and number).",
            )
        return {
            "code": code,
            "name_zh": item.text("name_zh"),
            "name_en": item.text("name_en"),
            "category": category,
            "record_kind": record_kind,
            "legal_basis": item.text("legal_basis"),
            "disclosure": disclosure,
            "sharing_scope": sharing_scope,
            "publication_rule": rule,
            "reporting_deadline_working_days": item.integer(
                "reporting_deadline_working_days", minimum=1, maximum=365
            ),
            "subject_kinds": subject_kinds,
            "reporter_kinds": reporter_kinds,
            "reporter_codes": reporter_codes,
            "requires_legal_document": requires_document,
            "key_field": key_field,
            "date_field": date_field,
            "note": item.text("note", default="", allow_empty=True),
            "unconfirmed": item.boolean("unconfirmed", default=False),
            "fields": [f.as_dict() for f in fields],
        }

    @staticmethod
    def _publication_rule(item: Fields) -> dict[str, Any]:
        r = item.table_at("publication_rule")
        r.check_keys(("type",), ("months", "legal_source", "note", "unconfirmed"))
        rule_type = r.choice("type", _RULE_TYPES)
        rule: dict[str, Any] = {"type": rule_type}
        if rule_type == PublicationRuleType.FIXED:
            r.require(("months",))
            rule["months"] = r.integer("months", minimum=1, maximum=120)
        elif "months" in r:
            raise r.bad("months", '只用于 type = "fixed"。', 'is only used with type = "fixed".')
        for key in ("legal_source", "note"):
            if key in r:
                rule[key] = r.text(key)
        if "unconfirmed" in r:
            rule["unconfirmed"] = r.boolean("unconfirmed")
        return rule

    def _fields(
        self,
        item: Fields,
        code_lists: Mapping[str, CodeList],
        field_sets: Mapping[str, list[Fields]],
    ) -> list[FieldDef]:
        expanded: list[tuple[Fields, str | None]] = []
        for entry in item.tables("fields", non_empty=True):
            if "use" in entry:
                entry.check_keys(("use", "prefix"))
                name = entry.text("use")
                given = entry.text("prefix")
                if not PREFIX_RE.fullmatch(given):
                    raise entry.bad(
                        "prefix",
                        f"的值 {given!r} 不合规范（大写字母、数字，至多16个字符）。",
                        f"= {given!r} is not a valid prefix (upper-case letters, digits).",
                    )
                if name not in field_sets:
                    raise catalog_file_error(
                        "CATALOG_REFERENCE_UNKNOWN",
                        entry.source,
                        entry.key_path("use"),
                        f"= {name!r} 不是本文件 field_sets 中定义的字段组。",
                        f"= {name!r} is not a field set defined in this file's field_sets.",
                    )
                expanded.extend((f, given) for f in field_sets[name])
            else:
                expanded.append((entry, None))
        fields: list[FieldDef] = []
        headers: dict[str, str] = {}
        for f, prefix in expanded:
            definition = self._field(f, prefix, code_lists)
            if any(other.code == definition.code for other in fields):
                raise _duplicate(f, "code", definition.code)
            # A column header (code or Chinese name, normalised) names one field only.
            for header in {normalise_header(definition.code), normalise_header(definition.name_zh)}:
                if headers.setdefault(header, definition.code) != definition.code:
                    raise catalog_file_error(
                        "CATALOG_DUPLICATE_CODE",
                        f.source,
                        f.key_path("name_zh"),
                        f"：表头“{header}”同时对应字段 {headers[header]} 和 {definition.code}。",
                        f": the column header {header!r} would stand for both "
                        f"{headers[header]} and {definition.code}.",
                    )
            if definition.role and any(other.role == definition.role for other in fields):
                raise catalog_file_error(
                    "CATALOG_DUPLICATE_CODE",
                    f.source,
                    f.key_path("role"),
                    f"= {definition.role!r} 在本目录项中出现两次（{definition.code}）。",
                    f"= {definition.role!r} is used twice in this item ({definition.code}).",
                )
            fields.append(definition)
        return fields

    @staticmethod
    def _field(f: Fields, prefix: str | None, code_lists: Mapping[str, CodeList]) -> FieldDef:
        f.check_keys(_FIELD_REQUIRED, _FIELD_OPTIONAL)

        def sub(text: str) -> str:
            return text.replace("{p}", prefix) if prefix is not None else text

        code = sub(f.text("code"))
        if not FIELD_RE.fullmatch(code):
            raise f.bad(
                "code",
                f"的值 {code!r} 不合规范（大写字母、数字、下划线，以字母开头）。",
                f"= {code!r} is not a valid field code (upper-case letters, digits, "
                "underscores, starting with a letter).",
            )
        field_type = f.choice("type", _TYPES)
        list_code = f.text("code_list") if "code_list" in f else None
        if field_type == FieldType.ID_TYPE and list_code is None:
            list_code = _ID_TYPE_LIST
        if (field_type in CODE_LIST_TYPES) != (list_code is not None):
            raise catalog_file_error(
                "CATALOG_FIELD_INVALID",
                f.source,
                f.key_path("code_list"),
                f"：类型 {field_type} "
                + ("须指定代码表。" if field_type in CODE_LIST_TYPES else "不使用代码表。"),
                f": type {field_type} "
                + (
                    "needs a code list." if field_type in CODE_LIST_TYPES else "takes no code list."
                ),
            )
        code_list = None
        if list_code is not None:
            code_list = code_lists.get(list_code)
            if code_list is None:
                raise catalog_file_error(
                    "CATALOG_REFERENCE_UNKNOWN",
                    f.source,
                    f.key_path("code_list"),
                    f"= {list_code!r} 不是本文件 code_lists 中定义的代码表。",
                    f"= {list_code!r} is not a code list defined in this file's code_lists.",
                )
            if field_type == FieldType.ID_TYPE and list_code != _ID_TYPE_LIST:
                raise catalog_file_error(
                    "CATALOG_FIELD_INVALID",
                    f.source,
                    f.key_path("code_list"),
                    f"：id_type 类型的字段使用代码表 {_ID_TYPE_LIST}。",
                    f": a field of type id_type uses the code list {_ID_TYPE_LIST}.",
                )
        max_length = None
        if "max_length" in f:
            if field_type not in LENGTH_TYPES:
                raise catalog_file_error(
                    "CATALOG_FIELD_INVALID",
                    f.source,
                    f.key_path("max_length"),
                    f"：类型 {field_type} 不使用 max_length。",
                    f": type {field_type} takes no max_length.",
                )
            max_length = f.integer("max_length", minimum=1, maximum=_MAX_TEXT_LENGTH)
        required_for = _text_list(f, "required_for_kinds")
        for kind in required_for:
            if kind not in _SUBJECT_KINDS:
                raise f.bad(
                    "required_for_kinds",
                    f"中的 {kind!r} 不是 {', '.join(_SUBJECT_KINDS)} 之一。",
                    f"contains {kind!r}, which is not one of {', '.join(_SUBJECT_KINDS)}.",
                )
        role = f.choice("role", _ROLES) if "role" in f else None
        if role is not None:
            if field_type not in ROLE_TYPES[role]:
                raise catalog_file_error(
                    "CATALOG_FIELD_INVALID",
                    f.source,
                    f.key_path("role"),
                    f"= {role!r} 要求类型为 {', '.join(sorted(ROLE_TYPES[role]))}，"
                    f"实为 {field_type}。",
                    f"= {role!r} needs a field of type {', '.join(sorted(ROLE_TYPES[role]))}, "
                    f"not {field_type}.",
                )
            _check_role_code_list(f, role, code_list)
        return FieldDef(
            code=code,
            name_zh=sub(f.text("name_zh")),
            name_en=sub(f.text("name_en")),
            type=field_type,
            required=f.boolean("required", default=False),
            required_for_kinds=tuple(required_for),
            max_length=max_length,
            code_list=code_list,
            public=f.boolean("public", default=True),
            description=f.text("description", default="", allow_empty=True),
            role=role,
        )

    # -- apply / retire ----------------------------------------------------------------------

    def apply(
        self, edition: PolicyEdition, content: dict[str, Any], *, acting_user: User | None
    ) -> dict[str, Any]:
        self._check_no_conflict(edition, content)
        categories = {c["code"]: c for c in content["categories"]}
        CatalogCodeList.objects.bulk_create(
            CatalogCodeList(
                edition=edition,
                code=cl["code"],
                name_zh=cl["name_zh"],
                name_en=cl["name_en"],
                legal_source=cl["legal_source"],
                term_zh=cl["term_zh"],
                term_en=cl["term_en"],
                entries=cl["entries"],
                note=cl["note"],
                unconfirmed=cl["unconfirmed"],
            )
            for cl in content["code_lists"]
        )
        CatalogItem.objects.bulk_create(
            CatalogItem(
                edition=edition,
                code=item["code"],
                position=position,
                name_zh=item["name_zh"],
                name_en=item["name_en"],
                category=item["category"],
                category_zh=categories[item["category"]]["name_zh"],
                category_en=categories[item["category"]]["name_en"],
                record_kind=item["record_kind"],
                legal_basis=item["legal_basis"],
                disclosure=item["disclosure"],
                sharing_scope=item["sharing_scope"],
                publication_rule=item["publication_rule"],
                reporting_deadline_working_days=item["reporting_deadline_working_days"],
                subject_kinds=item["subject_kinds"],
                reporter_kinds=item["reporter_kinds"],
                reporter_codes=item["reporter_codes"],
                requires_legal_document=item["requires_legal_document"],
                key_field=item["key_field"],
                date_field=item["date_field"],
                fields=item["fields"],
                jurisdiction=edition.jurisdiction,
                note=item["note"],
                unconfirmed=item["unconfirmed"],
            )
            for position, item in enumerate(content["items"])
        )
        _changed()
        return {
            "title": content["title_zh"],
            "items": [i["code"] for i in content["items"]],
            "code_lists": [c["code"] for c in content["code_lists"]],
        }

    @staticmethod
    def _check_no_conflict(edition: PolicyEdition, content: dict[str, Any]) -> None:
        """An item code means one thing on a date: a supplement may not redefine an item of
        the national catalog (or of another supplement) in force on overlapping dates."""
        codes = [i["code"] for i in content["items"]]
        others = (
            CatalogItem.objects.filter(code__in=codes, edition__retired_at__isnull=True)
            .exclude(edition__code=edition.code, edition__jurisdiction=edition.jurisdiction)
            .select_related("edition", "edition__superseded_by")
            .order_by("edition__effective_from", "pk")
        )
        new_range = (edition.effective_from, edition.effective_to)
        for other in others:
            in_force = other.edition.effective_range()
            if in_force is not None and _overlaps(in_force, new_range):
                raise CatalogItemConflict(
                    message_zh=(
                        f"{edition.source_path}：目录项 {other.code} 已由 {other.edition.label}"
                        f"（{other.edition.get_jurisdiction_display()}）在重叠的日期内定义；"
                        "补充目录只能增加新的目录项，请换用新的代码（如加地区前缀）。"
                    ),
                    message_en=(
                        f"{edition.source_path}: item {other.code} is already defined by "
                        f"{other.edition.label} ({other.edition.jurisdiction}) for overlapping "
                        "dates; a supplement only adds items: use a new code (e.g. with a "
                        "regional prefix)."
                    ),
                    item=other.code,
                    other=other.edition.label,
                )

    def retire(self, edition: PolicyEdition, *, acting_user: User | None) -> dict[str, Any]:
        # Look-ups only read editions in force; the cache must forget the retired one.
        _changed()
        return {"items": list(edition.catalog_items.values_list("code", flat=True))}


HANDLER = CatalogHandler()


def _changed() -> None:
    from xinyong.catalog.queries import invalidate_catalog_cache

    invalidate_catalog_cache()
    transaction.on_commit(invalidate_catalog_cache)


def _overlaps(a: tuple[date, date | None], b: tuple[date, date | None]) -> bool:
    return (a[1] is None or b[0] <= a[1]) and (b[1] is None or a[0] <= b[1])


def _duplicate(table: Fields, key: str, value: str) -> Exception:
    return catalog_file_error(
        "CATALOG_DUPLICATE_CODE",
        table.source,
        table.key_path(key),
        f"重复：{value}。",
        f"is a duplicate: {value}.",
    )


def _text_list(table: Fields, key: str, *, non_empty: bool = False) -> list[str]:
    """An array of non-empty strings; absent = empty."""
    value = table.table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise table.bad(key, "应为非空字符串的数组。", "must be an array of non-empty strings.")
    if non_empty and not value:
        raise table.bad(key, "不能为空。", "must not be empty.")
    if len(set(value)) != len(value):
        raise table.bad(key, "含有重复的值。", "contains a duplicate value.")
    return [v.strip() for v in value]


def _check_role_code_list(f: Fields, role: str, code_list: CodeList | None) -> None:
    """The subject category list maps every entry to a subject kind; the severity list uses
    the regimes' severities (RULES §3)."""
    if code_list is None:
        return
    if role == FieldRole.SUBJECT_CATEGORY:
        missing = [e.code for e in code_list.entries if e.subject_kind is None]
        if missing:
            raise catalog_file_error(
                "CATALOG_FIELD_INVALID",
                f.source,
                f.key_path("code_list"),
                f"：代码表 {code_list.code} 的条目 {', '.join(missing)} 未指定 subject_kind。",
                f": entries {', '.join(missing)} of code list {code_list.code} have no "
                "subject_kind.",
            )
    if role == FieldRole.SEVERITY:
        bad = [e.code for e in code_list.entries if e.code not in _SEVERITIES]
        if bad:
            raise catalog_file_error(
                "CATALOG_FIELD_INVALID",
                f.source,
                f.key_path("code_list"),
                f"：代码表 {code_list.code} 的代码 {', '.join(bad)} 不是"
                f" {', '.join(_SEVERITIES)} 之一。",
                f": codes {', '.join(bad)} of code list {code_list.code} are not one of "
                f"{', '.join(_SEVERITIES)}.",
            )

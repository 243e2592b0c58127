"""The catalog's documentation page, generated from the loaded editions (STYLE.md §8).

Why this exists: departments, reviewers and the other apps need one readable description of
what may be recorded — every item with its fields, types, required rules, disclosure,
publication period, deadline and reporters. Written by hand it would drift from the data;
``xinyong catalog docs`` writes ``docs/catalog.md`` from the editions loaded in the database,
and a test fails when the committed page differs from what the command generates.

The output is deterministic (no timestamps, no database ids) so that it only changes when the
catalog does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

from xinyong.catalog.choices import DISCLOSURE_ZH, FieldType
from xinyong.catalog.fields import FIELD_ISSUES, FieldDef
from xinyong.catalog.queries import CatalogEdition, CatalogItemDef, in_force_label
from xinyong.catalog.validation import ROW_ERRORS, ROW_WARNINGS, SUBJECT_KIND_ZH

_TYPES: Final[dict[str, tuple[str, str]]] = {
    # type: (accepts, stored as)
    FieldType.TEXT: ("text, trimmed; spreadsheet numbers as text (`12.0` → `12`)", "string"),
    FieldType.DATE: (
        "`YYYY-MM-DD`, `YYYYMMDD`, `YYYY/MM/DD`, spreadsheet date cells; not before 1949",
        "`YYYY-MM-DD`",
    ),
    FieldType.AMOUNT_WANYUAN: (
        "a number in 万元: `1.5`, `1.5万元`, `1,500.5`; ≥ 0, ≤ 6 decimals; `15000元` is "
        "refused with the converted value",
        "decimal string",
    ),
    FieldType.CODE: ("a code, name or alias of the code list, dated by decision date", "code"),
    FieldType.CODES: (
        "several codes or names separated by `；` `;` `,` `，` `、`; dated by decision date",
        "list of codes",
    ),
    FieldType.USCC: (
        "18-character code, GB 32100-2015 check; the placeholder 00000000000000000X only in "
        "the subject's own field",
        "normalised code",
    ),
    FieldType.ID_TYPE: ("01–05 or the name", "code"),
    FieldType.ID_NUMBER: ("letters and digits; checked against the ID type", "normalised"),
    FieldType.ORG_CODE: ("GB 11714 organisation code", "normalised"),
    FieldType.BUSINESS_REG_NO: ("business registration number", "normalised"),
    FieldType.TAX_REG_NO: ("tax registration number", "normalised"),
    FieldType.PUBLIC_INSTITUTION_CERT: ("public institution certificate number", "normalised"),
    FieldType.SOCIAL_ORG_CERT: ("social organisation certificate number", "normalised"),
    FieldType.INTEGER: ("a whole number", "integer"),
    FieldType.BOOLEAN: ("是/否, true/false, 1/0, yes/no", "true / false"),
    FieldType.URL: ("an http:// or https:// address", "string"),
}


def _cell(text: object) -> str:
    """A Markdown table cell: no line breaks, pipes escaped."""
    return str(text).replace("\n", " ").replace("|", "\\|")


def _row(cells: Iterable[object]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    return [_row(header), _row("---" for _ in header), *(_row(r) for r in rows)]


def _publication(rule: dict[str, Any]) -> str:
    kind = rule.get("type")
    text = {
        "regime": "by the regime of the decision date and the severity (RULES §3)",
        "fixed": f"{rule.get('months')} months from the decision date",
        "while_valid": "while valid",
        "none": "not published",
    }.get(str(kind), str(kind))
    if rule.get("unconfirmed"):
        text += " ⚠"
    return text


def _required(f: FieldDef) -> str:
    if f.required:
        return "yes"
    if f.required_for_kinds:
        return "for " + ", ".join(f.required_for_kinds)
    return ""


def _field_notes(f: FieldDef) -> str:
    notes = []
    if f.code_list is not None:
        notes.append(f"code list `{f.code_list.code}`")
    if f.max_length:
        notes.append(f"≤ {f.max_length} characters")
    if f.role:
        notes.append(f"role `{f.role}`")
    if f.description:
        notes.append(f.description)
    return "; ".join(notes)


def _reporters(item: CatalogItemDef) -> str:
    parts = [f"`{k}`" for k in item.reporter_kinds]
    parts += [f"department `{c}`" for c in item.reporter_codes]
    return ", ".join(parts)


def _item_section(edition: CatalogEdition, item: CatalogItemDef) -> list[str]:
    rule = dict(item.publication_rule)
    lines = [
        f"#### {item.code} {item.name_zh} — {item.name_en}" + (" ⚠" if item.unconfirmed else ""),
        "",
        f"- Category: {item.category_zh} (`{item.category}`)",
        f"- Record kind: `{item.record_kind}`",
        f"- Legal basis: {item.legal_basis}",
        f"- Disclosure: `{item.disclosure}` ({DISCLOSURE_ZH.get(item.disclosure, '')}); "
        f"sharing scope: {', '.join(f'`{s}`' for s in item.sharing_scope)}",
        f"- Publication: {_publication(rule)}"
        + (f" — {rule['legal_source']}" if rule.get("legal_source") else "")
        + (f" ({rule['note']})" if rule.get("note") else ""),
        f"- Reporting deadline: {item.reporting_deadline_working_days} working days",
        "- Subjects: "
        + ", ".join(f"`{k}` ({SUBJECT_KIND_ZH.get(k, k)})" for k in item.subject_kinds),
        f"- Reported by: {_reporters(item)}",
        f"- Decision number: `{item.key_field}`; decision date: `{item.date_field}`",
    ]
    if item.requires_legal_document:
        lines.append(
            "- A finding of dishonesty: the legally effective document's type and number are "
            "required"
        )
    if item.note:
        lines.append(f"- Note: {item.note}")
    lines += [
        "",
        *_table(
            ("code", "名称", "name", "type", "required", "public", "notes"),
            (
                (
                    f"`{f.code}`",
                    f.name_zh,
                    f.name_en,
                    f"`{f.type}`",
                    _required(f),
                    "" if f.public else "no",
                    _field_notes(f),
                )
                for f in item.fields
            ),
        ),
        "",
    ]
    return lines


def _code_list_section(edition: CatalogEdition) -> list[str]:
    lines: list[str] = []
    for cl in edition.code_lists:
        lines += [
            f"#### `{cl.code}` {cl.name_zh} — {cl.name_en}" + (" ⚠" if cl.unconfirmed else ""),
            "",
        ]
        if cl.legal_source:
            lines.append(f"Source: {cl.legal_source}.")
        if cl.note:
            lines.append(f"Note: {cl.note}")
        if cl.legal_source or cl.note:
            lines.append("")

        def dates(e: Any) -> str:
            if e.decisions_from is None and e.decisions_to is None:
                return ""
            start = e.decisions_from.isoformat() if e.decisions_from else ""
            end = e.decisions_to.isoformat() if e.decisions_to else ""
            return f"{start}–{end}"

        lines += _table(
            ("code", "名称", "name", "decisions", "also accepted", "use instead"),
            (
                (
                    f"`{e.code}`",
                    e.name_zh,
                    e.name_en,
                    dates(e),
                    "、".join(e.aliases),
                    ", ".join(e.counterparts),
                )
                for e in cl.entries
            ),
        )
        lines.append("")
    return lines


def render_catalog_markdown(editions: Sequence[CatalogEdition]) -> str:
    """The whole ``docs/catalog.md`` for these editions."""
    lines = [
        "<!-- Generated by `xinyong catalog docs` from the loaded catalog editions "
        "(policy/catalog/*.toml). Do not edit by hand: change the files, load them and "
        "regenerate. A test fails when this page is out of date. -->",
        "",
        "# The catalog of public credit information (公共信用信息目录)",
        "",
        "What may be recorded on the platform: nothing outside the catalog enters a credit "
        "record (RULES §5). The catalog in force on a date is the national base edition in "
        "force then plus the provincial and local supplements in force then. Each item states "
        "its category, legal basis, disclosure (`public` 公开 / `shared` 仅共享 / "
        "`not_disclosed` 不予公开), sharing scope, publication rule, reporting deadline in "
        "working days, the subject kinds it applies to, who may report it, and its typed "
        "fields. Items and code lists marked ⚠ could not be confirmed from a primary source "
        "(see their notes).",
        "",
        "- Files: `policy/catalog/*.toml` (kind `catalog`), loaded by `xinyong policy load`; "
        "a supplement can also be pasted in the admin. Format and choices: "
        "[decisions/0008-catalog-as-data.md](decisions/0008-catalog-as-data.md).",
        "- Look-ups: `xinyong catalog list [--on DATE]`, `xinyong catalog show CODE`, "
        "`GET /api/v1/catalog/items?on=DATE`, `GET /api/v1/catalog/items/{code}?on=DATE`.",
        "- Code: `xinyong.catalog.queries` (`catalog_item`, `items_in_force`, "
        "`check_department_may_report`), `xinyong.catalog.validation.validate_row`, "
        "`xinyong.catalog.fields` (the field types).",
        "- Regenerate this page: `xinyong catalog docs`.",
        "",
        "## Editions",
        "",
        *_table(
            ("edition", "title", "jurisdiction", "in force", "status", "legal source"),
            (
                (
                    f"`{e.label}`" + (" ⚠" if e.unconfirmed else ""),
                    e.title_zh,
                    e.jurisdiction,
                    in_force_label(e),
                    e.status,
                    e.legal_source,
                )
                for e in editions
            ),
        ),
        "",
    ]
    for e in editions:
        if e.note:
            lines.append(f"- `{e.label}`: {e.note}")
    lines += [
        "",
        "## Field types",
        "",
        "Every value parses, validates and displays itself (`FieldDef.parse`, "
        "`FieldDef.display`). Empty cells (None, blank text) are empty.",
        "",
        *_table(
            ("type", "accepts", "stored as"),
            ((f"`{t}`", a, s) for t, (a, s) in _TYPES.items()),
        ),
        "",
        "## Refusal and warning codes",
        "",
        "Every problem names its field and has a message in Chinese and English. Identifier "
        "fields also use the codes of [identifiers.md](identifiers.md) (`USCC_BAD_CHECK` …), "
        "and identifier warnings become row warnings.",
        "",
        *_table(
            ("code", "level", "when"),
            [
                *((f"`{c}`", "field error", m) for c, m in FIELD_ISSUES.items()),
                *((f"`{c}`", "row error", m) for c, m in ROW_ERRORS.items()),
                *((f"`{c}`", "row warning", m) for c, m in ROW_WARNINGS.items()),
                (
                    "`CATALOG_ITEM_UNKNOWN`",
                    "404",
                    "the item is not in the catalog in force on the date",
                ),
                (
                    "`CATALOG_ITEM_NOT_ALLOWED`",
                    "403",
                    "the department is not among the item's reporters",
                ),
                (
                    "`CATALOG_ITEM_CODE_CONFLICT`",
                    "409 (load)",
                    "a supplement redefines an item code in force on overlapping dates",
                ),
                (
                    "`CATALOG_DUPLICATE_CODE`, `CATALOG_REFERENCE_UNKNOWN`, "
                    "`CATALOG_FIELD_INVALID`, `CATALOG_ITEM_INVALID`",
                    "422 (load)",
                    "a catalog file refused (besides the common `POLICY_*` codes of "
                    "[policy-data.md](policy-data.md))",
                ),
            ],
        ),
        "",
    ]
    for e in editions:
        lines += [
            f"## {e.title_zh} — `{e.label}`" + (" ⚠" if e.unconfirmed else ""),
            "",
            f"{e.title_en}. Jurisdiction `{e.jurisdiction}`; effective from "
            f"{e.effective_from.isoformat()}"
            + (f" to {e.effective_to.isoformat()}" if e.effective_to else "")
            + f"; in force {in_force_label(e)} ({e.status}"
            + (f", superseded by `{e.superseded_by}`" if e.superseded_by else "")
            + f"). Source: `{e.source_path}`; legal source: {e.legal_source}.",
            "",
            "### Items",
            "",
            *_table(
                (
                    "code",
                    "名称",
                    "category",
                    "kind",
                    "disclosure",
                    "publication",
                    "deadline",
                    "reported by",
                ),
                (
                    (
                        f"[`{i.code}`](#{_anchor(e, i)})",
                        i.name_zh,
                        i.category_zh,
                        i.record_kind,
                        i.disclosure,
                        _publication(dict(i.publication_rule)),
                        f"{i.reporting_deadline_working_days} wd",
                        _reporters(i),
                    )
                    for i in e.items
                ),
            ),
            "",
        ]
        for item in e.items:
            lines += [f'<a id="{_anchor(e, item)}"></a>', "", *_item_section(e, item)]
        lines += ["### Code lists", "", *_code_list_section(e)]
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def _anchor(edition: CatalogEdition, item: CatalogItemDef) -> str:
    return f"{edition.code}-{edition.edition}-{item.code}".lower().replace("_", "-")

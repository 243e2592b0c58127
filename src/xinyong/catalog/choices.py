"""Enumerations of the catalog, labelled for people (zh-Hans through translations).

The values are the strings the catalog files (``policy/catalog/*.toml``) use; the Chinese
terms are given in the comments and in :data:`DISCLOSURE_ZH` etc. for bilingual messages that
do not depend on the active language.
"""

from __future__ import annotations

from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    """What kind of record an item produces: the two dual-publicity kinds (RULES §1) have
    their own rules (7 working days, the national field codes); everything else is "other"."""

    LICENCE = "licence", _("Administrative licence")  # 行政许可
    PENALTY = "penalty", _("Administrative penalty")  # 行政处罚
    OTHER = "other", _("Other catalogued information")  # 其他目录信息


class Disclosure(models.TextChoices):
    """Whether an item's records are published, only shared between public bodies, or
    neither (RULES §5: "Each item states … whether public / shared / not disclosed")."""

    PUBLIC = "public", _("Public")  # 公开
    SHARED = "shared", _("Shared only")  # 仅共享（不公开）
    NOT_DISCLOSED = "not_disclosed", _("Not disclosed")  # 不予公开


DISCLOSURE_ZH: Final[dict[str, str]] = {
    Disclosure.PUBLIC: "公开",
    Disclosure.SHARED: "仅共享，不公开",
    Disclosure.NOT_DISCLOSED: "不予公开",
}


class PublicationRuleType(models.TextChoices):
    """How long an item's records are published (RULES §3, §5)."""

    # The dated regimes by decision date and severity (policy/regimes; RULES §3).
    REGIME = "regime", _("By the publication regime of the decision date")
    # A fixed number of months from the decision date.
    FIXED = "fixed", _("Fixed number of months")
    # As long as the record is valid (listing term, certificate validity …).
    WHILE_VALID = "while_valid", _("While valid")
    # Not published (shared-only and not-disclosed items).
    NONE = "none", _("Not published")


class FieldType(models.TextChoices):
    """The types of catalog fields; each parses, validates and displays itself
    (``xinyong.catalog.fields``)."""

    TEXT = "text", _("Text")
    DATE = "date", _("Date")
    AMOUNT_WANYUAN = "amount_wanyuan", _("Amount in 10,000 yuan (万元)")
    CODE = "code", _("Code (one value of a code list)")
    CODES = "codes", _("Codes (several values of a code list)")
    USCC = "uscc", _("Unified social credit code")
    ID_TYPE = "id_type", _("ID document type")
    ID_NUMBER = "id_number", _("ID document number")
    ORG_CODE = "org_code", _("Organisation code")
    BUSINESS_REG_NO = "business_reg_no", _("Business registration number")
    TAX_REG_NO = "tax_reg_no", _("Tax registration number")
    PUBLIC_INSTITUTION_CERT = "public_institution_cert", _("Public institution certificate no.")
    SOCIAL_ORG_CERT = "social_org_cert", _("Social organisation certificate no.")
    INTEGER = "integer", _("Integer")
    BOOLEAN = "boolean", _("Yes / no")
    URL = "url", _("Web address")


class FieldRole(models.TextChoices):
    """What a field means to the row rules (``xinyong.catalog.validation``), declared in the
    catalog file so that rules do not depend on field codes. At most one field per role."""

    SUBJECT_NAME = "subject_name", _("Subject name")
    SUBJECT_CATEGORY = "subject_category", _("Subject category")
    USCC = "uscc", _("Subject's unified social credit code")
    BUSINESS_REG_NO = "business_reg_no", _("Subject's business registration number")
    ORG_CODE = "org_code", _("Subject's organisation code")
    TAX_REG_NO = "tax_reg_no", _("Subject's tax registration number")
    PUBLIC_INSTITUTION_CERT = "public_institution_cert", _("Subject's public institution cert.")
    SOCIAL_ORG_CERT = "social_org_cert", _("Subject's social organisation certificate")
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    REPRESENTATIVE_ID_TYPE = "representative_id_type", _("Representative's ID type")
    REPRESENTATIVE_ID_NUMBER = "representative_id_number", _("Representative's ID number")
    PERSON_ID_TYPE = "person_id_type", _("Natural person's ID type")
    PERSON_ID_NUMBER = "person_id_number", _("Natural person's ID number")
    VALID_FROM = "valid_from", _("Valid from")
    VALID_UNTIL = "valid_until", _("Valid until")
    PUBLICATION_END = "publication_end", _("Publication end date")
    CATEGORIES = "categories", _("Penalty categories")
    SEVERITY = "severity", _("Severity")
    SPECIFIC_SERIOUS = "specific_serious", _("Specific serious")
    DOCUMENT_TYPE = "document_type", _("Type of the legally effective document")
    DOCUMENT_NUMBER = "document_number", _("Number of the legally effective document")


#: The roles of the subject's organisation identifiers, with the legacy scheme each stands for
#: (``core.choices.LegacyScheme`` values).
LEGACY_ROLES: Final[dict[str, str]] = {
    FieldRole.BUSINESS_REG_NO: "business_reg_no",
    FieldRole.ORG_CODE: "org_code",
    FieldRole.TAX_REG_NO: "tax_reg_no",
    FieldRole.PUBLIC_INSTITUTION_CERT: "public_institution_cert",
    FieldRole.SOCIAL_ORG_CERT: "social_org_cert",
}

#: The field types a role may have (checked when a catalog file is loaded).
ROLE_TYPES: Final[dict[str, frozenset[str]]] = {
    FieldRole.SUBJECT_NAME: frozenset({FieldType.TEXT}),
    FieldRole.SUBJECT_CATEGORY: frozenset({FieldType.CODE}),
    FieldRole.USCC: frozenset({FieldType.USCC}),
    FieldRole.BUSINESS_REG_NO: frozenset({FieldType.BUSINESS_REG_NO}),
    FieldRole.ORG_CODE: frozenset({FieldType.ORG_CODE}),
    FieldRole.TAX_REG_NO: frozenset({FieldType.TAX_REG_NO}),
    FieldRole.PUBLIC_INSTITUTION_CERT: frozenset({FieldType.PUBLIC_INSTITUTION_CERT}),
    FieldRole.SOCIAL_ORG_CERT: frozenset({FieldType.SOCIAL_ORG_CERT}),
    FieldRole.LEGAL_REPRESENTATIVE: frozenset({FieldType.TEXT}),
    FieldRole.REPRESENTATIVE_ID_TYPE: frozenset({FieldType.ID_TYPE}),
    FieldRole.REPRESENTATIVE_ID_NUMBER: frozenset({FieldType.ID_NUMBER}),
    FieldRole.PERSON_ID_TYPE: frozenset({FieldType.ID_TYPE}),
    FieldRole.PERSON_ID_NUMBER: frozenset({FieldType.ID_NUMBER}),
    FieldRole.VALID_FROM: frozenset({FieldType.DATE}),
    FieldRole.VALID_UNTIL: frozenset({FieldType.DATE}),
    FieldRole.PUBLICATION_END: frozenset({FieldType.DATE}),
    FieldRole.CATEGORIES: frozenset({FieldType.CODES}),
    FieldRole.SEVERITY: frozenset({FieldType.CODE}),
    FieldRole.SPECIFIC_SERIOUS: frozenset({FieldType.BOOLEAN}),
    FieldRole.DOCUMENT_TYPE: frozenset({FieldType.CODE, FieldType.TEXT}),
    FieldRole.DOCUMENT_NUMBER: frozenset({FieldType.TEXT}),
}

#: Sharing scope meaning "every public body on the platform"; otherwise a list of department
#: kinds (``core.choices.DepartmentKind``).
ALL_DEPARTMENTS: Final = "all_departments"

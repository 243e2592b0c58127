"""Enumerations of the core domain, labelled for people (zh-Hans through translations)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectKind(models.TextChoices):
    """Kinds of credit subject (信用主体). The strings are the ones identifiers.py expects."""

    LEGAL_PERSON = "legal_person", _("Legal person or unincorporated organisation")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business")
    NATURAL_PERSON = "natural_person", _("Natural person")
    PUBLIC_BODY = "public_body", _("Public body")


class PersonIdType(models.TextChoices):
    """ID document types of the dual-publicity standard (XK_XDR_ZJLX / CF_XDR_ZJLX)."""

    RESIDENT_ID = "01", _("Resident identity card")
    PASSPORT = "02", _("Passport")
    HK_MACAO_PERMIT = "03", _("Mainland travel permit for Hong Kong and Macao residents")
    TAIWAN_PERMIT = "04", _("Mainland travel permit for Taiwan residents")
    FOREIGN_PERMANENT_ID = "05", _("Foreign permanent resident ID card")


class LegacyScheme(models.TextChoices):
    """Identifiers issued before the unified social credit code (kept for look-up)."""

    BUSINESS_REG_NO = "business_reg_no", _("Business registration number")
    ORG_CODE = "org_code", _("Organisation code")
    TAX_REG_NO = "tax_reg_no", _("Tax registration number")
    PUBLIC_INSTITUTION_CERT = "public_institution_cert", _("Public institution certificate number")
    SOCIAL_ORG_CERT = "social_org_cert", _("Social organisation certificate number")


class DepartmentKind(models.TextChoices):
    CREDIT_OFFICE = "credit_office", _("Credit office")
    SECTOR_AUTHORITY = "sector_authority", _("Sector authority")
    COURT = "court", _("Court")
    PROCURATORATE = "procuratorate", _("Procuratorate")
    GOVERNMENT = "government", _("People's government")
    PUBLIC_SERVICE = "public_service", _("Public service organisation")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")
    CREDIT_OFFICE_REVIEWER = "credit_office_reviewer", _("Credit office reviewer")
    DEPARTMENT_REPORTER = "department_reporter", _("Department reporter")
    DEPARTMENT_CHECKER = "department_checker", _("Department checker")
    AUDITOR = "auditor", _("Auditor")

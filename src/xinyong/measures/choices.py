"""Code lists of the measure list: what a measure restricts or eases (matters), whom it
targets, which side of joint action it is on."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Matter(models.TextChoices):
    """The matter (事项) a measure restricts or eases — what a department is about to grant
    when it checks a subject (应查必查). Seed 002 (十二) and the national base list name them."""

    GOVERNMENT_PROCUREMENT = "government_procurement", _("Government procurement")
    BIDDING = "bidding", _("Bidding and tendering")
    PUBLIC_RESOURCES_TRADING = "public_resources_trading", _("Public resources trading")
    FRANCHISE = "franchise", _("Public infrastructure and utility franchises")
    FISCAL_FUNDS = "fiscal_funds", _("Fiscal funds and subsidies")
    TAX_INCENTIVES = "tax_incentives", _("Tax incentives")
    LICENCE_APPROVAL = "licence_approval", _("Administrative licences and approvals")
    MARKET_ENTRY = "market_entry", _("Market and industry entry")
    FINANCING = "financing", _("Financing, loans and insurance")
    HONOURS = "honours", _("Honours and awards")
    PUBLIC_OFFICE = "public_office", _("Public office, civil-service recruitment, senior posts")
    HIGH_CONSUMPTION = "high_consumption", _("High consumption")
    TRANSPORT = "transport", _("Flights and high-speed trains")
    OUTBOUND_TRAVEL = "outbound_travel", _("Leaving the country")
    SUPERVISION = "supervision", _("Inspection frequency and supervision")
    COMMITMENT_APPROVAL = "commitment_approval", _("Approval on a credit commitment")
    TALENT_POLICY = "talent_policy", _("Talent and preferential policies")
    PUBLICITY = "publicity", _("Publication of the listing")
    INDUSTRY_DISCIPLINE = "industry_discipline", _("Industry self-discipline")


class Target(models.TextChoices):
    """Whom a measure is applied to: the listed subject by kind, or its responsible persons
    (法定代表人、主要负责人和直接责任人员, seed 002 (十六))."""

    LEGAL_PERSON = "legal_person", _("Legal person or unincorporated organisation")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business")
    NATURAL_PERSON = "natural_person", _("Natural person")
    PUBLIC_BODY = "public_body", _("Public body")
    RESPONSIBLE_PERSONS = "responsible_persons", _("Responsible persons of the subject")


class MeasureSide(models.TextChoices):
    PUNISHMENT = "punishment", _("Dishonesty measure")
    INCENTIVE = "incentive", _("Honesty incentive")


class ListScope(models.TextChoices):
    """A base list (national: the 2021 national base list) or a supplement that may only add
    measures within the base list's classes (RULES §5: local supplementary lists only within
    its scope)."""

    BASE = "base", _("Base list")
    SUPPLEMENT = "supplement", _("Supplementary list")

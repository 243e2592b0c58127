"""The public credit report (公共信用信息报告) as PDF, and its verification.

Why this exists: a subject hands its report to a bank or a tender board. The report follows
the sections of the national report standard (2022; RULES §6): administrative management
(licences, penalties), honesty (honours, red lists), serious dishonesty lists, abnormal
operations, commitments, evaluations, judicial information, other information, improvement
advice, local supplement — an empty section says so. It states the query time, a
verification code and a QR code of ``/reports/verify/<code>/``, where anyone can confirm the
report was issued here and, by uploading it, that it is unchanged (SHA-256 of the bytes).

Rendered like the listing documents (``xinyong.lists.documents``): WeasyPrint, Noto CJK fonts
by family name (embedded as subsets), no network.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from weasyprint import CSS, HTML

from xinyong.core.models import Subject, User
from xinyong.lists.documents import NoNetworkFetcher
from xinyong.portal.actions import do_issue_credit_report
from xinyong.portal.context_processors import platform_name
from xinyong.portal.models import CreditReport
from xinyong.portal.queries import SECTIONS, SubjectProfile, subject_profile

#: Verification code alphabet: no 0/O, 1/I/L, U (Crockford's base 32 without confusables).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 30^16 ≈ 2^78: not guessable

SECTION_TITLES = {
    "administrative": _("Administrative management (licences and penalties)"),
    "honesty": _("Honesty (grades and honours)"),
    "serious": _("Serious dishonesty lists"),
    "abnormal": _("Abnormal operations"),
    "commitments": _("Credit commitments"),
    "evaluations": _("Credit evaluations"),
    "judicial": _("Judicial information"),
    "other": _("Other information"),
    "advice": _("Advice on improving credit"),
    "local": _("Local supplement"),
}


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """``7K3MQX9P…`` → ``7K3M-QX9P-…`` (how it is printed)."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalize_code(text: str) -> str:
    """What a person typed (spaces, dashes, lower case) → the stored code."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def find_report(text: str) -> CreditReport | None:
    code = normalize_code(text)
    if len(code) != CODE_LENGTH:
        return None
    return CreditReport.objects.filter(code=code).first()


def qr_svg(url: str) -> str:
    """An inline SVG QR code of ``url`` (no image file, nothing fetched)."""
    return str(segno.make(url, error="m").svg_inline(scale=3, dark="#000", light="#fff"))


def summary_of(profile: SubjectProfile) -> dict[str, Any]:
    """What a report contained: counts per section and the numbers of what it listed (no
    personal data, no field values)."""
    return {
        "counts": {key: profile.section_count(key) for key, _cats in SECTIONS},
        "records": sorted(r.id for r in profile.records),
        "listings": sorted(e.id for e in profile.listings),
    }


def advice(profile: SubjectProfile) -> list[str]:
    """Improvement advice (section 9): what the subject can do, from what is published."""
    items: list[str] = []
    if profile.penalties:
        items.append(
            str(
                _(
                    "Administrative penalties are published. Once the minimum publication "
                    "period has passed and the penalty has been fulfilled, the subject may "
                    "apply for credit repair to end their publication early."
                )
            )
        )
    if profile.serious_listings:
        items.append(
            str(
                _(
                    "The subject is on a serious dishonesty list. Correcting the conduct and "
                    "meeting the removal conditions of the list allows an application for "
                    "early removal or credit repair."
                )
            )
        )
    if any(r.under_objection for r in profile.records) or any(
        e.under_objection for e in profile.listings
    ):
        items.append(str(_("Some information is under objection; the result will be published.")))
    if not items:
        items.append(str(_("No adverse public credit information: keep honouring commitments.")))
    return items


@dataclass(frozen=True)
class RenderedReport:
    code: str
    pdf: bytes
    generated_at: datetime
    profile: SubjectProfile

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


def _stylesheet() -> CSS:
    return CSS(string=render_to_string("portal/report/report.css"), url_fetcher=NoNetworkFetcher())


def render_report(
    subject: Subject, *, verify_url_for: Any, language: str, now: datetime | None = None
) -> RenderedReport:
    """Render the report of ``subject`` as of now. ``verify_url_for(code)`` gives the
    absolute verification address printed and encoded in the QR code."""
    now = now or timezone.now()
    code = new_code()
    with override(language):
        profile = subject_profile(subject, language=language, today=timezone.localdate(now))
        url = verify_url_for(code)
        sections = [
            {
                "key": key,
                "number": n,
                "title": SECTION_TITLES[key],
                "records": profile.sections.get(key, []),
                "listings": (
                    profile.serious_listings
                    if key == "serious"
                    else profile.red_listings
                    if key == "honesty"
                    else []
                ),
            }
            for n, (key, _cats) in enumerate(SECTIONS, start=1)
        ]
        html = render_to_string(
            "portal/report/report.html",
            {
                "subject": subject,
                "profile": profile,
                "sections": sections,
                "advice": advice(profile),
                "code": format_code(code),
                "verify_url": url,
                "qr": mark_safe(qr_svg(url)),  # noqa: S308 - generated by segno, no input
                "generated_at": timezone.localtime(now),
                "language": language,
                "platform_name": platform_name(language),
            },
        )
    document = HTML(string=html, base_url="file:///nonexistent/", url_fetcher=NoNetworkFetcher())
    pdf = document.write_pdf(stylesheets=[_stylesheet()])
    assert pdf is not None
    return RenderedReport(code=code, pdf=bytes(pdf), generated_at=now, profile=profile)


def issue_report(
    subject: Subject, *, verify_url_for: Any, language: str, acting_user: User | None
) -> tuple[CreditReport, bytes]:
    """Render (outside any transaction) and record a report; returns it and the PDF bytes."""
    rendered = render_report(subject, verify_url_for=verify_url_for, language=language)
    report = do_issue_credit_report(
        subject,
        code=rendered.code,
        language=language,
        generated_at=rendered.generated_at,
        as_of=rendered.profile.today,
        sha256=rendered.sha256,
        size=len(rendered.pdf),
        summary=summary_of(rendered.profile),
        acting_user=acting_user,
    )
    return report, rendered.pdf


def matches(report: CreditReport, content: bytes) -> bool:
    """Whether ``content`` is exactly the PDF this report was issued as."""
    return secrets.compare_digest(hashlib.sha256(content).hexdigest(), report.sha256)

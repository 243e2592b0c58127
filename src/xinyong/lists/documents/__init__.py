"""Rendering the documents of the listing procedure to PDF (WeasyPrint) and keeping them.

Why this exists: the prior notice (告知书) and the listing decision (认定决定书) are legal acts
served on the party (RULES §4; seeds 000, 001, 003). They are rendered from Django templates
(``lists/documents/*.html``) with the Noto CJK fonts installed on the machine (referred to by
family name, so the glyphs are embedded as subsets and any reader shows them), numbered per
department, kind and year, and stored with their SHA-256 (:class:`ListingDocument`).

No network: the HTML references nothing; the style sheet is passed as a string; the URL
fetcher refuses every URL (a template that tries to load something fails loudly in the tests
instead of reaching out at run time).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date
from typing import Any

from django.db.models import F
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from xinyong.core.models import Department, User
from xinyong.lists.choices import BASIS_DOCUMENT_ZH, DocumentKind
from xinyong.lists.models import DocumentCounter, ListingCase, ListingDocument

# WeasyPrint reports every rendering step at INFO; keep its warnings only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

#: Words between the department's short name and the year in a document number
#: (e.g. 市场监管局信告字〔2026〕3号).
NUMBER_WORDS = {DocumentKind.PRIOR_NOTICE: "信告字", DocumentKind.DECISION: "信决字"}

TEMPLATES = {
    DocumentKind.PRIOR_NOTICE: "lists/documents/prior_notice.html",
    DocumentKind.DECISION: "lists/documents/decision.html",
}


class NoNetworkFetcher(URLFetcher):
    """Refuses every URL: documents are self-contained."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        raise FatalURLFetchingError(f"documents load no external resources (asked for {url})")


def _stylesheet() -> CSS:
    # Kept beside the templates (lists/documents/document.css) so that it ships with them.
    text = render_to_string("lists/documents/document.css")
    return CSS(string=text, url_fetcher=NoNetworkFetcher())


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render ``template`` with ``context`` to PDF bytes (no network, local fonts)."""
    html = render_to_string(template, context)
    document = HTML(string=html, base_url="file:///nonexistent/", url_fetcher=NoNetworkFetcher())
    pdf = document.write_pdf(stylesheets=[_stylesheet()])
    assert pdf is not None
    return bytes(pdf)


def next_number(department: Department, kind: str, year: int) -> tuple[int, str]:
    """The next sequence number of ``kind`` for ``department`` in ``year`` and the formatted
    document number. Locks the counter row (callers already hold the case row: lock order
    case → counter)."""
    counter, _ = DocumentCounter.objects.select_for_update().get_or_create(
        department=department, kind=kind, year=year
    )
    DocumentCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    prefix = department.short_name or department.name
    return counter.last, f"{prefix}{NUMBER_WORDS[DocumentKind(kind)]}〔{year}〕{counter.last}号"


def issue_document(
    case: ListingCase,
    kind: DocumentKind,
    *,
    issued_on: date,
    title: str,
    context: dict[str, Any],
    acting_user: User | None,
) -> ListingDocument:
    """Number, render and store one document of ``case`` (inside the action's transaction)."""
    department = case.initiating_department
    seq, number = next_number(department, kind, issued_on.year)
    pdf = render_pdf(
        TEMPLATES[kind],
        {
            **context,
            "case": case,
            "number": number,
            "issued_on": issued_on,
            "title": title,
            "basis_document_zh": BASIS_DOCUMENT_ZH.get(case.basis_document_type, ""),
        },
    )
    return ListingDocument.objects.create(
        case=case,
        kind=kind,
        department=department,
        year=issued_on.year,
        seq=seq,
        number=number,
        issued_on=issued_on,
        title=title,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        content=pdf,
        created_by=acting_user,
    )

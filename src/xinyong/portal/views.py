"""Portal pages: landing page, subject search, subject page, credit report and its
verification, list publicity.

Views stay thin: what is public is decided in ``xinyong.portal.queries``, the search in
``xinyong.portal.search``, the report in ``xinyong.portal.reports``. Every page works
without JavaScript (GET forms, plain links, one POST form for the upload).
"""

from __future__ import annotations

from django.core.paginator import Page
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from xinyong.core import identifiers
from xinyong.core.models import Subject, User
from xinyong.lists.choices import ListSide
from xinyong.lists.models import ListingCase
from xinyong.lists.queries import list_types_in_force
from xinyong.portal.forms import (
    ListFilterForm,
    ReportUploadForm,
    SubjectSearchForm,
    VerificationCodeForm,
)
from xinyong.portal.queries import (
    EntryFilter,
    list_entries,
    listing_divisions,
    subject_by_ref,
    subject_profile,
)
from xinyong.portal.reports import SECTION_TITLES, find_report, format_code, issue_report, matches
from xinyong.portal.search import SEARCH_LIMIT, search_subjects


def _language() -> str:
    return get_language() or "zh-hans"


def _optional_url(name: str) -> str:
    """The address of a page of another app, or "" while that app does not provide it."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _subject_or_404(ref: str) -> Subject:
    subject = subject_by_ref(ref)
    if subject is None:
        raise Http404
    return subject


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: the search box and what the platform does."""
    return render(request, "portal/home.html", {"form": SubjectSearchForm()})


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Search results for ``?q=`` (any part of a name, or a code), best first, at most 20,
    each with its status at a glance."""
    form = SubjectSearchForm(request.GET or None)
    result = None
    if form.is_valid():
        result = search_subjects(form.cleaned_data["q"])
    return render(
        request,
        "portal/search.html",
        {"form": form, "result": result, "limit": SEARCH_LIMIT},
    )


@require_safe
def subject(request: HttpRequest, ref: str) -> HttpResponse:
    """A subject's public page: published records within their window, current lists."""
    found = _subject_or_404(ref)
    profile = subject_profile(found, language=_language())
    sections = [
        {
            "key": key,
            "title": title,
            "records": profile.sections.get(key, []),
            "count": profile.section_count(key),
        }
        for key, title in SECTION_TITLES.items()
        if key != "advice"
    ]
    return render(
        request,
        "portal/subject.html",
        {
            "subject": found,
            "profile": profile,
            "sections": sections,
            # Online objection and repair (xinyong.repair), when that app provides them.
            "object_url": _optional_url("portal:repair-object"),
            "apply_url": _optional_url("portal:repair-apply"),
            "progress_url": _optional_url("portal:repair-progress"),
        },
    )


@never_cache
@require_safe
def subject_report(request: HttpRequest, ref: str) -> HttpResponse:
    """The subject's credit report as a PDF, issued now (code, hash and summary kept)."""
    found = _subject_or_404(ref)
    user = request.user if isinstance(request.user, User) else None

    def verify_url_for(code: str) -> str:
        return request.build_absolute_uri(reverse("portal:report-verify", args=[code]))

    report, pdf = issue_report(
        found, verify_url_for=verify_url_for, language=_language(), acting_user=user
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    day = timezone.localdate(report.generated_at).strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="credit-report-{day}-{report.code}.pdf"'
    )
    response["X-Content-SHA256"] = report.sha256
    response["X-Verification-Code"] = format_code(report.code)
    return response


@require_safe
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """``/reports/verify/?code=…``: the form to type a code; redirects to the report."""
    form = VerificationCodeForm(request.GET or None)
    not_found = False
    if form.is_valid():
        report = find_report(form.cleaned_data["code"])
        if report is not None:
            return HttpResponseRedirect(reverse("portal:report-verify", args=[report.code]))
        not_found = True
    return render(
        request,
        "portal/verify_lookup.html",
        {"form": form, "not_found": not_found},
        status=404 if not_found else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def report_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Whether a report with this code was issued here; what it contained (sections and
    counts); and, with the PDF uploaded, whether the file is unchanged."""
    report = find_report(code)
    if report is None:
        return render(
            request,
            "portal/verify_lookup.html",
            {"form": VerificationCodeForm(initial={"code": code}), "not_found": True},
            status=404,
        )
    compared: bool | None = None
    form = ReportUploadForm()
    if request.method == "POST":
        form = ReportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["pdf"]
            compared = matches(report, upload.read())
    counts = report.summary.get("counts", {})
    sections = [
        {"title": title, "count": counts.get(key, 0)}
        for key, title in SECTION_TITLES.items()
        if key != "advice"
    ]
    return render(
        request,
        "portal/verify.html",
        {
            "report": report,
            "code": format_code(report.code),
            "sections": sections,
            "form": form,
            "compared": compared,
        },
    )


def _division_choices(codes: list[str]) -> list[tuple[str, str]]:
    choices = []
    for code in codes:
        try:
            name = identifiers.division_info(code).get("name") or code
        except ValueError:
            continue
        choices.append((code, f"{name}（{code}）"))
    return choices


@require_safe
def lists(request: HttpRequest, side: str) -> HttpResponse:
    """The public entries of the serious dishonesty lists or of the red lists, 20 a page,
    filtered by list, division of the listing department, listing date and name."""
    if side not in ListSide.values:
        raise Http404
    language = _language()
    en = language.startswith("en")
    types = list_types_in_force(on=timezone.localdate(), side=side)
    form = ListFilterForm(
        request.GET or None,
        list_types=[(t.code, t.name_en if en and t.name_en else t.name_zh) for t in types],
        divisions=_division_choices(listing_divisions()),
    )
    flt = EntryFilter(side=side)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        flt = EntryFilter(
            side=side,
            list_type=data["list_type"],
            division=data["division"],
            listed_from=data["listed_from"],
            listed_to=data["listed_to"],
            q=data["q"],
        )
    try:
        page_number = int(request.GET.get("page", "1"))
    except ValueError:
        page_number = 1
    page: Page[ListingCase] | None
    page, entries = list_entries(flt, page=page_number, language=language)
    if form.is_bound and not form.is_valid():
        page, entries = None, []  # the errors are shown; no unfiltered list instead
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/lists.html",
        {
            "side": side,
            "serious": side == ListSide.SERIOUS,
            "form": form,
            "page": page,
            "entries": entries,
            "query": query.urlencode(),
        },
    )


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for on pages without an icon link (the admin)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))

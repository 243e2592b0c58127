"""Portal pages: the landing page and the public subject search.

Views stay thin: the search itself is ``xinyong.portal.queries.search_subjects``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from xinyong.portal.forms import SubjectSearchForm
from xinyong.portal.queries import SEARCH_LIMIT, search_subjects


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: the search box and what the platform does."""
    return render(request, "portal/home.html", {"form": SubjectSearchForm()})


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Search results for ``?q=`` (a name substring or an exact USCC), at most 20."""
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
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for on pages without an icon link (the admin)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))

"""Console pages of joint action (mounted under ``/console/joint/``): the inbox of the user's
departments, an item with its measures and the feedback form, the credit office's feedback
rates with overdue feedback, webhook endpoints with their deliveries and dead letters, and
watched grants.

Thin (STYLE §3): who sees what comes from ``xinyong.joint.permissions`` and
``xinyong.joint.queries``; every change is an action of ``xinyong.joint.actions``; coded
errors become messages. Server-rendered, no script (CSP).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xinyong.console.views import staff_required
from xinyong.core.models import Department, User
from xinyong.errors import CodedError
from xinyong.joint import actions
from xinyong.joint.chart import rate_chart
from xinyong.joint.choices import DeliveryStatus, FeedbackChannel
from xinyong.joint.forms import EndpointForm, FeedbackForm, WatchForm
from xinyong.joint.models import Watch, WebhookEndpoint
from xinyong.joint.permissions import (
    FEEDBACK_SCOPE,
    WATCH_SCOPE,
    WEBHOOK_SCOPE,
    may_see_rates,
    scoped_departments,
)
from xinyong.joint.queries import (
    INBOX_FILTERS,
    access_item,
    deliveries_for,
    feedback_rates,
    inbox,
    overdue_items,
)

PAGE_SIZE = 50
#: The console home's link to the inbox (declared here so the translation is this app's).
CONSOLE_LINK_LABEL = gettext_noop("Joint action: inbox, feedback, webhooks, watched grants")


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _department_in(departments: list[Department], code: str) -> Department | None:
    return next((d for d in departments if d.code == code), None)


@require_safe
@staff_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    """Items of the user's departments: open by default; overdue highlighted."""
    user = _user(request)
    today = timezone.localdate()
    show = request.GET.get("show", "open")
    show = show if show in INBOX_FILTERS else "open"
    items = inbox(user, show=show, today=today)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "joint/inbox.html",
        {
            "page": page,
            "rows": [{"item": i, "overdue": i.is_overdue(today)} for i in page.object_list],
            "show": show,
            "filters": [
                ("open", _("Open")),
                ("overdue", _("Overdue")),
                ("answered", _("Answered")),
                ("all", _("All")),
            ],
            "can_rates": may_see_rates(user),
            "today": today,
        },
    )


def _item_context(
    request: HttpRequest, pk: int, form: FeedbackForm | None = None
) -> dict[str, Any]:
    user = _user(request)
    try:
        item = access_item(user, pk)
    except CodedError:
        raise Http404 from None
    may_report = item.department in scoped_departments(user, FEEDBACK_SCOPE)
    return {
        "item": item,
        "listing": item.payload.get("listing", {}),
        "watch": item.payload.get("watch"),
        "overdue": item.is_overdue(timezone.localdate()),
        "history": list(item.feedback.order_by("pk")),
        "may_report": may_report,
        "form": form or (FeedbackForm() if may_report else None),
    }


@require_safe
@staff_required
def item_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "joint/item.html", _item_context(request, pk))


@require_POST
@staff_required
def feedback_submit(request: HttpRequest, pk: int) -> HttpResponse:
    context = _item_context(request, pk, FeedbackForm(request.POST))
    form = context["form"]
    if not context["may_report"]:
        # Seeing an item is not reporting for its department (a checker reads, a reporter
        # reports): refused as every other forbidden action is, with nothing changed.
        raise PermissionDenied(_("You may not report feedback for this department."))
    if form.is_valid():
        try:
            actions.do_record_feedback(
                context["item"],
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                given_on=form.cleaned_data["given_on"],
                channel=FeedbackChannel.CONSOLE,
                acting_user=_user(request),
            )
        except CodedError as exc:
            form.add_error(None, f"{exc.message} ({exc.code})")
        else:
            messages.success(request, _("Feedback recorded."))
            return HttpResponseRedirect(reverse("console:joint-item", args=[pk]))
    return render(request, "joint/item.html", context, status=422)


@require_safe
@staff_required
def rates_page(request: HttpRequest) -> HttpResponse:
    """The credit office's view: feedback rates by department (chart and table) and the
    overdue items."""
    user = _user(request)
    if not may_see_rates(user):
        raise Http404
    today = timezone.localdate()
    rates = feedback_rates(today=today)
    overdue = list(overdue_items(today=today)[:200])
    return render(
        request,
        "joint/rates.html",
        {
            "rates": rates,
            "chart": rate_chart([(r.name, r.rate) for r in rates]),
            "overdue": [{"item": i, "days": (today - i.due_on).days} for i in overdue],
            "today": today,
        },
    )


def _webhooks_context(user: User, form: EndpointForm | None = None) -> dict[str, Any]:
    departments = scoped_departments(user, WEBHOOK_SCOPE)
    ids = {d.pk for d in departments}
    return {
        "departments": departments,
        "endpoints": WebhookEndpoint.objects.filter(department_id__in=ids).select_related(
            "department"
        ),
        "form": form or EndpointForm(departments=departments),
        "dead": list(deliveries_for(ids, status=DeliveryStatus.DEAD)[:100]),
        "recent": list(deliveries_for(ids)[:50]),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def webhooks_page(request: HttpRequest) -> HttpResponse:
    """Endpoints of the user's departments (register one; the secret is shown once),
    recent deliveries and dead letters."""
    user = _user(request)
    if request.method != "POST":
        return render(request, "joint/webhooks.html", _webhooks_context(user))
    departments = scoped_departments(user, WEBHOOK_SCOPE)
    form = EndpointForm(request.POST, departments=departments)
    if form.is_valid():
        department = _department_in(departments, form.cleaned_data["department"])
        assert department is not None
        try:
            endpoint, secret = actions.do_register_webhook_endpoint(
                department,
                url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
                acting_user=user,
            )
        except CodedError as exc:
            form.add_error("url", f"{exc.message} ({exc.code})")
        else:
            context = _webhooks_context(user)
            context["new_secret"] = {"endpoint": endpoint, "secret": secret}
            return render(request, "joint/webhooks.html", context, status=201)
    return render(request, "joint/webhooks.html", _webhooks_context(user, form), status=422)


def _own_endpoint(user: User, pk: int) -> WebhookEndpoint:
    ids = {d.pk for d in scoped_departments(user, WEBHOOK_SCOPE)}
    endpoint = WebhookEndpoint.objects.filter(pk=pk, department_id__in=ids).first()
    if endpoint is None:
        raise Http404
    return endpoint


@require_POST
@staff_required
def webhook_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    endpoint, secret = actions.do_rotate_webhook_secret(_own_endpoint(user, pk), acting_user=user)
    context = _webhooks_context(user)
    context["new_secret"] = {"endpoint": endpoint, "secret": secret}
    return render(request, "joint/webhooks.html", context)


@require_POST
@staff_required
def webhook_disable(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    actions.do_disable_webhook_endpoint(_own_endpoint(user, pk), acting_user=user)
    messages.success(request, _("Endpoint disabled."))
    return HttpResponseRedirect(reverse("console:joint-webhooks"))


@require_POST
@staff_required
def redeliver(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    ids = {d.pk for d in scoped_departments(user, WEBHOOK_SCOPE)}
    delivery = deliveries_for(ids).filter(pk=pk).first()
    if delivery is None:
        raise Http404
    try:
        actions.do_redeliver_webhook(delivery, acting_user=user)
    except CodedError as exc:
        messages.error(request, f"{exc.message} ({exc.code})")
    else:
        messages.success(request, _("The event will be sent again."))
    return HttpResponseRedirect(reverse("console:joint-webhooks"))


def _watches_context(user: User, form: WatchForm | None = None) -> dict[str, Any]:
    departments = scoped_departments(user, WATCH_SCOPE)
    return {
        "departments": departments,
        "watches": Watch.objects.filter(
            department_id__in={d.pk for d in departments}, active=True
        ).select_related("department", "subject")[:500],
        "form": form or WatchForm(departments=departments),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def watches_page(request: HttpRequest) -> HttpResponse:
    """Grants the user's departments watch (re-screening), and a form to add one."""
    user = _user(request)
    if request.method != "POST":
        return render(request, "joint/watches.html", _watches_context(user))
    departments = scoped_departments(user, WATCH_SCOPE)
    form = WatchForm(request.POST, departments=departments)
    if form.is_valid():
        department = _department_in(departments, form.cleaned_data["department"])
        assert department is not None
        try:
            subject = actions.find_subject_by_code(form.cleaned_data["subject"])
            actions.do_register_watch(
                department,
                subject=subject,
                matter=form.cleaned_data["matter"],
                grant_reference=form.cleaned_data["grant_reference"],
                granted_on=form.cleaned_data["granted_on"],
                note=form.cleaned_data["note"],
                acting_user=user,
            )
        except CodedError as exc:
            form.add_error(exc.details.get("field"), f"{exc.message} ({exc.code})")
        else:
            messages.success(request, _("The grant is watched."))
            return HttpResponseRedirect(reverse("console:joint-watches"))
    return render(request, "joint/watches.html", _watches_context(user, form), status=422)


@require_POST
@staff_required
def watch_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    ids = {d.pk for d in scoped_departments(user, WATCH_SCOPE)}
    watch = Watch.objects.filter(pk=pk, department_id__in=ids).first()
    if watch is None:
        raise Http404
    actions.do_end_watch(watch, acting_user=user)
    messages.success(request, _("The watch was ended."))
    return HttpResponseRedirect(reverse("console:joint-watches"))

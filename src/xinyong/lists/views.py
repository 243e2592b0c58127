"""Console pages of the listing procedure (mounted under ``/console/lists/``).

Server-rendered, no script: the case list with each case's state and next deadline (overdue
ones marked), a page to open a case, the case page with its documents and one POST form per
action the user may take now. Views translate forms into the actions of
``xinyong.lists.actions`` and coded errors into messages; they never change a case themselves.
Who sees what: ``ListingCase.objects.restrict(user, "view")``; who may do what: the procedure
table and ``xinyong.lists.permissions``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.console.views import staff_required
from xinyong.core.models import User
from xinyong.errors import CodedError
from xinyong.lists import actions
from xinyong.lists import forms as lf
from xinyong.lists.choices import CaseState
from xinyong.lists.due import ACTIONABLE_STATES
from xinyong.lists.models import ListingCase, ListingDocument
from xinyong.lists.permissions import actors_for, initiable_list_types
from xinyong.lists.procedure import STATE_ZH, Transition, transition
from xinyong.lists.queries import list_types_in_force

PAGE_SIZE = 50
#: The console home's link to these pages (console/home.html); declared here so that its
#: translation lives in this app's catalogue.
CONSOLE_LINK_LABEL = gettext_noop("Listing cases: serious dishonesty and red lists")


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _visible(request: HttpRequest, pk: int) -> ListingCase:
    """The case if the user may see it; 404 otherwise (not 403: do not confirm it exists)."""
    case = (
        ListingCase.objects.restrict(_user(request), "view")
        .select_related("list_type", "list_type__edition", "subject", "initiating_department")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    return case


# --------------------------------------------------------------------------------------------
# Operations: the console's forms, each firing one or more declared transitions
# --------------------------------------------------------------------------------------------


def _d(form: forms.Form, name: str) -> Any:
    return form.cleaned_data.get(name) or None


@dataclass(frozen=True)
class Operation:
    """One form on the case page. ``transitions``: the declared transitions it may fire;
    ``run`` calls the action with the cleaned form."""

    name: str
    title: str
    form: type[lf.VersionedForm]
    transitions: tuple[str, ...]
    run: Callable[[ListingCase, forms.Form, User, int], Any]
    needs_case: bool = False

    def make_form(self, case: ListingCase, data: Any = None) -> forms.Form:
        kwargs: dict[str, Any] = {"case": case} if self.needs_case else {}
        if data is None:
            return self.form(initial={"version": case.version}, prefix=self.name, **kwargs)
        return self.form(data, prefix=self.name, **kwargs)


# One function per operation: cleaned form → action (``v`` is the version the form carried).


def _notice(c: ListingCase, f: forms.Form, u: User, v: int) -> Any:
    return actions.do_issue_prior_notice(
        c, notice_date=_d(f, "notice_date"), acting_user=u, expected_version=v
    )


def _close_window(c: ListingCase, f: forms.Form, u: User, v: int) -> Any:
    return actions.do_close_objection_window(c, acting_user=u, expected_version=v)


def _objection(c: ListingCase, f: forms.Form, u: User, v: int) -> Any:
    return actions.do_file_objection(
        c,
        received_on=_d(f, "received_on"),
        grounds=f.cleaned_data["grounds"],
        acting_user=u,
        expected_version=v,
    )


def _answer(c: ListingCase, f: forms.Form, u: User, v: int) -> Any:
    outcome = f.cleaned_data["outcome"]
    return actions.do_answer_objection(
        c,
        upheld=outcome != "rejected",
        redraft=outcome == "upheld_redraft",
        answer=f.cleaned_data["answer"],
        answered_on=_d(f, "answered_on"),
        acting_user=u,
        expected_version=v,
    )


def _leniency(c: ListingCase, f: forms.Form, u: User, v: int) -> Any:
    return actions.do_record_leniency_assessment(
        c,
        grounds_found=f.cleaned_data["grounds_found"],
        outcome=f.cleaned_data["outcome"],
        conclusion=f.cleaned_data["conclusion"],
        acting_user=u,
        expected_version=v,
    )


def _decide(c: ListingCase, f: forms.Form, u: User, v: int) -> Any:
    return actions.do_decide_listing(
        c,
        decision_date=_d(f, "decision_date"),
        term_months=f.cleaned_data["term_months"],
        extension_months=f.cleaned_data["extension_months"] or 0,
        extension_grounds=f.cleaned_data["extension_grounds"] or "",
        acting_user=u,
        expected_version=v,
    )


def _publish(c: ListingCase, f: forms.Form, u: User, v: int) -> Any:
    return actions.do_publish_listing(
        c, listed_on=_d(f, "listed_on"), acting_user=u, expected_version=v
    )


def _request_removal(c: ListingCase, f: forms.Form, u: User, v: int) -> Any:
    return actions.do_request_early_removal(
        c,
        ground=f.cleaned_data["ground"],
        occurred_on=f.cleaned_data["occurred_on"],
        commitment_signed=f.cleaned_data["commitment_signed"],
        acting_user=u,
        expected_version=v,
    )


def _remove_early(c: ListingCase, f: forms.Form, u: User, v: int) -> Any:
    return actions.do_remove_listing_early(
        c,
        removed_on=_d(f, "removed_on"),
        note=f.cleaned_data["note"],
        acting_user=u,
        expected_version=v,
    )


def _repair(c: ListingCase, f: forms.Form, u: User, v: int) -> Any:
    return actions.do_remove_listing_by_repair(
        c,
        repair_reference=f.cleaned_data["repair_reference"],
        removed_on=_d(f, "removed_on"),
        acting_user=u,
        expected_version=v,
    )


def _revoke(c: ListingCase, f: forms.Form, u: User, v: int) -> Any:
    return actions.do_revoke_listing(
        c,
        reason=f.cleaned_data["reason"],
        removed_on=_d(f, "removed_on"),
        acting_user=u,
        expected_version=v,
    )


def _close(c: ListingCase, f: forms.Form, u: User, v: int) -> Any:
    return actions.do_close_listing_case(
        c, reason=f.cleaned_data["reason"], acting_user=u, expected_version=v
    )


_ANSWERS = (
    "reject_objection",
    "uphold_objection",
    "uphold_objection_redraft",
    "reject_listed_objection",
    "uphold_listed_objection",
)

OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        Operation(
            "issue_notice", gettext_noop("Issue the prior notice"), lf.NoticeForm,
            ("issue_notice",), _notice,
        ),
        Operation(
            "close_objection_window", gettext_noop("Close the objection window"),
            lf.CloseWindowForm, ("close_objection_window",), _close_window,
        ),
        Operation(
            "file_objection", gettext_noop("Record an objection"), lf.ObjectionForm,
            ("file_objection", "file_listed_objection"), _objection,
        ),
        Operation(
            "answer_objection", gettext_noop("Answer the objection"), lf.AnswerForm, _ANSWERS,
            _answer,
        ),
        Operation(
            "record_leniency", gettext_noop("Record the leniency assessment"), lf.LeniencyForm,
            ("record_leniency",), _leniency, needs_case=True,
        ),
        Operation(
            "decide", gettext_noop("Take the listing decision"), lf.DecideForm, ("decide",),
            _decide,
        ),
        Operation(
            "publish", gettext_noop("Enter on the list"), lf.PublishForm, ("publish",), _publish,
        ),
        Operation(
            "request_early_removal", gettext_noop("Record an early-removal ground"),
            lf.EarlyRemovalRequestForm, ("request_early_removal",), _request_removal,
            needs_case=True,
        ),
        Operation(
            "remove_early", gettext_noop("Remove early"), lf.RemoveEarlyForm,
            ("remove_early",), _remove_early,
        ),
        Operation(
            "remove_by_repair", gettext_noop("Remove after credit repair"), lf.RepairForm,
            ("remove_by_repair",), _repair,
        ),
        Operation(
            "revoke", gettext_noop("Revoke the listing"), lf.RevokeForm, ("revoke",), _revoke,
        ),
        Operation(
            "close", gettext_noop("Close without listing"), lf.CloseForm, ("close",), _close,
        ),
    )
}  # fmt: skip


def available_operations(user: User, case: ListingCase) -> list[Operation]:
    """The operations whose transitions may fire in the case's state and that ``user`` may
    fire (one query for the user's roles, whatever the number of operations)."""
    actors = actors_for(user, case)
    result = []
    for op in OPERATIONS.values():
        ts: list[Transition] = [transition(a) for a in op.transitions]
        if any(case.state in t.sources and t.actors & actors for t in ts):
            result.append(op)
    return result


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


@require_safe
@staff_required
def case_list(request: HttpRequest) -> HttpResponse:
    """Cases the user may see, newest first, with state and next deadline (overdue marked)."""
    user = _user(request)
    qs = ListingCase.objects.restrict(user, "view").select_related(
        "list_type", "subject", "initiating_department"
    )
    state = request.GET.get("state", "")
    if state in CaseState.values:
        qs = qs.filter(state=state)
    if request.GET.get("overdue") == "1":
        qs = qs.filter(due_on__lt=timezone.localdate())
    if request.GET.get("due") == "1":  # due today or overdue, as the console home counts them
        qs = qs.filter(due_on__lte=timezone.localdate(), state__in=ACTIONABLE_STATES)
    page = Paginator(qs.order_by("-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [{"case": c, "overdue": c.is_overdue(today), "state_zh": STATE_ZH[CaseState(c.state)]}
            for c in page.object_list]  # fmt: skip
    can_create = bool(initiable_list_types(user, list_types_in_force(on=today)))
    return render(
        request,
        "lists/console/case_list.html",
        {
            "rows": rows,
            "page": page,
            "states": CaseState.choices,
            "state": state,
            "today": today,
            "can_create": can_create,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def case_new(request: HttpRequest) -> HttpResponse:
    """Open a case: list types the user may initiate, in the departments where they may."""
    user = _user(request)
    today = timezone.localdate()
    in_force = list_types_in_force(on=today)
    allowed = initiable_list_types(user, in_force)
    types = [t for t in in_force if t.code in allowed]
    departments = {d.pk: d for ds in allowed.values() for d in ds}
    if not types:
        return render(request, "403.html", status=403)
    form = lf.CreateCaseForm(
        request.POST or None, list_types=types, departments=list(departments.values())
    )
    if request.method == "POST" and form.is_valid():
        assert form.subject is not None
        try:
            case = actions.do_create_listing_case(
                list_type_code=form.cleaned_data["list_type"],
                subject=form.subject,
                department=form.departments[form.cleaned_data["department"]],
                basis_document_type=form.cleaned_data["basis_document_type"],
                basis_document_number=form.cleaned_data["basis_document_number"],
                basis_document_date=form.cleaned_data["basis_document_date"],
                basis_document_issuer=form.cleaned_data["basis_document_issuer"],
                facts=form.cleaned_data["facts"],
                acting_user=user,
            )
        except CodedError as exc:
            form.add_error(None, f"{exc.code}: {exc.message}")
        else:
            messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
            return HttpResponseRedirect(reverse("console:lists-case", args=[case.pk]), status=303)
    return render(
        request, "lists/console/case_new.html", {"form": form}, status=422 if form.errors else 200
    )


def _detail(
    request: HttpRequest, case: ListingCase, bound: tuple[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    user = _user(request)
    today = timezone.localdate()
    ops = []
    for op in available_operations(user, case):
        form = bound[1] if bound is not None and bound[0] == op.name else op.make_form(case)
        ops.append({"op": op, "form": form, "title": _(op.title)})
    return render(
        request,
        "lists/console/case_detail.html",
        {
            "case": case,
            "state_zh": STATE_ZH[CaseState(case.state)],
            "overdue": case.is_overdue(today),
            "today": today,
            "documents": case.documents.defer("content").order_by("issued_on", "pk"),
            "objections": case.objections.order_by("received_on", "pk"),
            "suspensions": case.suspensions.order_by("since", "pk"),
            "leniency": case.leniency.order_by("pk"),
            "alarms": case.alarms.order_by("-raised_on", "pk"),
            "operations": ops,
        },
        status=status,
    )


@require_safe
@staff_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible(request, pk))


@require_POST
@staff_required
def case_action(request: HttpRequest, pk: int, operation: str) -> HttpResponse:
    """Run one operation on the case through its action; coded refusals become messages."""
    case = _visible(request, pk)
    op = OPERATIONS.get(operation)
    if op is None:
        raise Http404
    user = _user(request)
    # No pre-check of state or role here: the action checks both under the case lock and
    # says which one refused (PERMISSION_DENIED, LISTING_TRANSITION_INVALID, LISTING_STALE).
    form = op.make_form(case, request.POST)
    if not form.is_valid():
        return _detail(request, case, (op.name, form), status=422)
    try:
        op.run(case, form, user, int(form.cleaned_data["version"]))
    except CodedError as exc:
        if exc.status == 403:
            return render(request, "403.html", {"error": exc}, status=403)
        messages.error(request, f"{exc.code}: {exc.message}")
    else:
        messages.success(request, _("Done: %(title)s.") % {"title": _(op.title)})
    return HttpResponseRedirect(reverse("console:lists-case", args=[case.pk]), status=303)


@require_safe
@staff_required
def document_download(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    """The issued PDF, exactly as stored; the download is recorded in the audit trail (the
    notice and the decision name the party and may carry personal data)."""
    case = _visible(request, pk)
    document = ListingDocument.objects.filter(case=case, pk=document_id).first()
    if document is None:
        raise Http404
    with transaction.atomic():
        record_event(
            EventType.LISTING_DOCUMENT_DOWNLOADED,
            acting_user=_user(request),
            obj=document,
            subject_id=case.subject_id,
            after={"case": case.pk, "number": document.number, "sha256": document.sha256},
        )
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["X-Content-SHA256"] = document.sha256
    return response

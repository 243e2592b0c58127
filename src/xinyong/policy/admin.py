"""Admin pages for policy editions: read-only versions, local supplements pasted or
uploaded as TOML, retirement as an audited action.

Why this exists: a jurisdiction must be able to add its own rules (a local deadline, an
unconfirmed rule corrected) without a code change. The add page takes TOML text or a ``.toml``
file and calls the same ``do_load_policy_edition`` as ``xinyong policy load`` — so the
supplement is validated, versioned and audited, and every refusal shows as a form error with
its code. Editions are immutable: there is no change or delete; a wrong edition is retired
with ``do_retire_policy_edition`` (audited, with a reason).

Who may do this: platform administrators (the ``platform_admin`` role) and superusers.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from xinyong.core.adminbase import PolicyDataAdmin, ReadOnlyInline, is_platform_admin
from xinyong.errors import CodedError
from xinyong.policy.actions import do_load_policy_edition, do_retire_policy_edition
from xinyong.policy.choices import Origin
from xinyong.policy.files import ParsedEdition, parse_policy_text
from xinyong.policy.models import (
    JurisdictionSetting,
    PolicyEdition,
    PublicationRegime,
    RegimeSeverityRule,
)

MAX_UPLOAD_BYTES = 1_000_000


class PolicyUploadForm(forms.Form):
    """TOML text pasted, or a ``.toml`` file uploaded (the file wins when both are given)."""

    toml_text = forms.CharField(
        label=_("TOML text"),
        required=False,
        strip=False,  # keep the text exactly, so that its digest equals the file's
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "spellcheck": "false"}),
        help_text=_("Paste the edition, e.g. a local settings supplement (docs/policy-data.md)."),
    )
    toml_file = forms.FileField(label=_("or a .toml file"), required=False)

    def __init__(self, *args: Any, expected_kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected_kind = expected_kind
        self.parsed: ParsedEdition | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("toml_file")
        if upload is not None:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    _("The file is larger than 1 MB."), code="POLICY_FILE_TOO_LARGE"
                )
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(
                    f"POLICY_FILE_UNREADABLE: {exc}", code="POLICY_FILE_UNREADABLE"
                ) from exc
            source = f"admin:{upload.name}"
        else:
            text = data.get("toml_text") or ""
            source = "admin:pasted.toml"
        if not text.strip():
            raise forms.ValidationError(
                _("Paste the TOML text or choose a .toml file."), code="required"
            )
        try:
            parsed = parse_policy_text(text, source=source)
        except CodedError as exc:
            raise forms.ValidationError(f"{exc.code}: {exc.message}", code=exc.code) from exc
        if self.expected_kind is not None and parsed.kind != self.expected_kind:
            raise forms.ValidationError(
                f"POLICY_KIND_UNEXPECTED: kind = {parsed.kind!r}; "
                f"{self.expected_kind!r} expected here.",
                code="POLICY_KIND_UNEXPECTED",
            )
        self.parsed = parsed
        return data


def policy_upload_view(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    *,
    expected_kind: str | None,
    title: str,
    success_url: str,
) -> HttpResponse:
    """The admin page that loads one edition through ``do_load_policy_edition``."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = PolicyUploadForm(
        request.POST or None, request.FILES or None, expected_kind=expected_kind
    )
    if request.method == "POST" and form.is_valid():
        assert form.parsed is not None
        try:
            outcome = do_load_policy_edition(
                form.parsed,
                origin=Origin.ADMIN,
                acting_user=request.user,  # type: ignore[arg-type]
            )
        except CodedError as exc:
            form.add_error(None, forms.ValidationError(f"{exc.code}: {exc.message}", code=exc.code))
        else:
            edition = outcome.edition
            if outcome.status == "unchanged":
                model_admin.message_user(
                    request,
                    _("%(edition)s was already loaded with this content; nothing changed.")
                    % {"edition": edition.label},
                    messages.WARNING,
                )
            else:
                model_admin.message_user(
                    request,
                    _("%(edition)s loaded.") % {"edition": edition.label},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(success_url)
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "opts": opts,
        "app_label": opts.app_label,
        "expected_kind": expected_kind,
        "has_view_permission": model_admin.has_view_permission(request),
    }
    return TemplateResponse(request, "admin/policy/upload.html", context)


class RetireForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3, "cols": 80}), max_length=2000
    )


class SettingInline(ReadOnlyInline):
    model = JurisdictionSetting
    fields = ["key", "value", "unit", "effective_from", "effective_to", "legal_source",
              "unconfirmed"]  # fmt: skip


class RegimeInline(ReadOnlyInline):
    model = PublicationRegime
    fields = ["code", "name_zh", "legal_source", "decisions_from", "decisions_to"]


@admin.register(PolicyEdition)
class PolicyEditionAdmin(PolicyDataAdmin):
    list_display = ["label", "jurisdiction", "effective_from", "effective_to", "status_display",
                    "origin", "loaded_at", "loaded_by"]  # fmt: skip
    list_filter = ["kind", "jurisdiction", "origin"]
    search_fields = ["code", "edition", "legal_source", "note"]
    actions = ["retire_editions"]
    inlines = [RegimeInline, SettingInline]
    readonly_fields = ["kind", "code", "edition", "jurisdiction", "effective_from",
                       "effective_to", "legal_source", "note", "origin", "source_path", "digest",
                       "loaded_at", "loaded_by", "superseded_by", "retired_at", "retired_by",
                       "retired_reason", "source_text_display", "content_display"]  # fmt: skip
    fields = list(readonly_fields)

    # -- permissions: platform admins; versions never change or disappear ---------------------

    allow_add = True  # through do_load_policy_edition (the upload view)

    def has_retire_permission(self, request: HttpRequest) -> bool:
        return is_platform_admin(request)

    # -- display -----------------------------------------------------------------------------

    @admin.display(description=_("edition"), ordering="code")
    def label(self, obj: PolicyEdition) -> str:
        return obj.label

    @admin.display(description=_("status"))
    def status_display(self, obj: PolicyEdition) -> str:
        return {"active": "在用 active", "superseded": "已取代 superseded",
                "retired": "已停用 retired"}[obj.status]  # fmt: skip

    @admin.display(description=_("source text"))
    def source_text_display(self, obj: PolicyEdition) -> str:
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', obj.source_text)

    @admin.display(description=_("content"))
    def content_display(self, obj: PolicyEdition) -> str:
        text = json.dumps(obj.content, ensure_ascii=False, indent=1)
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)

    def get_queryset(self, request: HttpRequest) -> QuerySet[PolicyEdition]:
        return super().get_queryset(request).select_related("superseded_by")

    # -- adding: the load action -------------------------------------------------------------

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return policy_upload_view(
            self,
            request,
            expected_kind=None,
            title=str(_("Add a policy edition (local supplement)")),
            success_url=reverse("admin:policy_policyedition_changelist"),
        )

    # -- retiring ----------------------------------------------------------------------------

    @admin.action(description=_("Retire selected editions"), permissions=["retire"])
    def retire_editions(
        self, request: HttpRequest, queryset: QuerySet[PolicyEdition]
    ) -> HttpResponse | None:
        form = RetireForm(request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and form.is_valid():
            done = 0
            for edition in queryset:
                try:
                    do_retire_policy_edition(
                        edition,
                        reason=form.cleaned_data["reason"],
                        acting_user=request.user,  # type: ignore[arg-type]
                    )
                except CodedError as exc:
                    self.message_user(request, f"{exc.code}: {exc.message}", messages.ERROR)
                else:
                    done += 1
            if done:
                self.message_user(
                    request, _("%(n)d edition(s) retired.") % {"n": done}, messages.SUCCESS
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Retire policy editions"),
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/policy/retire_confirmation.html", context)


class SeverityRuleInline(ReadOnlyInline):
    model = RegimeSeverityRule
    fields = ["severity", "published", "min_months", "max_months", "repairable", "unconfirmed",
              "note"]  # fmt: skip


@admin.register(PublicationRegime)
class PublicationRegimeAdmin(PolicyDataAdmin):
    """Read-only: regimes change only by loading a new edition."""

    list_display = ["code", "name_zh", "decisions_from", "decisions_to", "edition"]
    inlines = [SeverityRuleInline]

"""Every state change of the policy data (STYLE.md §1): loading and retiring editions.

Why this exists: an edition changes what the platform considers the law on a date, so each
load or retirement is one atomic, audited action, whichever door it comes through (the
``policy`` and ``workdays`` commands, the admin). Refusals are coded errors:
``POLICY_EDITION_CONFLICT`` (same edition, different text — publish a new edition),
``POLICY_EDITION_OVERLAP`` (dates overlap an edition in force without ``supersedes``),
``POLICY_SUPERSEDE_INVALID``, plus whatever the kind handler refuses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from django.db import connection, transaction
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core.models import User
from xinyong.policy.choices import Origin
from xinyong.policy.errors import (
    PolicyEditionConflict,
    PolicyEditionOverlap,
    PolicyEditionRetired,
    PolicySupersedeInvalid,
)
from xinyong.policy.files import ParsedEdition
from xinyong.policy.kinds import get_handler
from xinyong.policy.models import PolicyEdition


@dataclass(frozen=True)
class LoadOutcome:
    """What loading did: ``loaded`` a new edition, or found it ``unchanged``."""

    status: Literal["loaded", "unchanged"]
    edition: PolicyEdition
    summary: dict[str, Any] = field(default_factory=dict)


def _fmt_range(start: date, end: date | None) -> str:
    return f"{start.isoformat()}–{end.isoformat() if end else ''}"


def _lock_series(kind: str, code: str) -> None:
    """Serialise loads of the same kind and code (overlap checks read, then insert).

    SQLite transactions here take the write lock at BEGIN (settings: IMMEDIATE); PostgreSQL
    takes a transaction-scoped advisory lock on the series.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"policy:{kind}:{code}"]
            )


def _overlaps(a: tuple[date, date | None], b: tuple[date, date | None]) -> bool:
    return (a[1] is None or b[0] <= a[1]) and (b[1] is None or a[0] <= b[1])


def check_load_policy_edition(parsed: ParsedEdition) -> PolicyEdition | None:
    """Refuse an edition whose dates overlap an edition in force of the same kind, code and
    jurisdiction (other than the one it supersedes); return the edition it supersedes."""
    header = parsed.header
    series = (
        PolicyEdition.objects.filter(
            kind=header.kind, code=header.code, jurisdiction=header.jurisdiction
        )
        .select_related("superseded_by")
        .order_by("effective_from", "pk")
    )
    target: PolicyEdition | None = None
    if header.supersedes is not None:
        target = next((e for e in series if e.edition == header.supersedes), None)
        if target is None:
            known = ", ".join(e.edition for e in series) or "—"
            raise PolicySupersedeInvalid(
                message_zh=(
                    f"{parsed.source_path}：supersedes = {header.supersedes!r} 不存在"
                    f"（{header.kind}/{header.code}，{header.jurisdiction} 已有版本：{known}）。"
                ),
                message_en=(
                    f"{parsed.source_path}: supersedes = {header.supersedes!r} does not exist "
                    f"({header.kind}/{header.code}, {header.jurisdiction} has: {known})."
                ),
                key="supersedes",
            )
        if target.is_retired:
            raise PolicySupersedeInvalid(
                message_zh=f"{parsed.source_path}：被取代的版本 {target.label} 已停用。",
                message_en=f"{parsed.source_path}: superseded edition {target.label} is retired.",
                key="supersedes",
            )
        successor = target.active_successor
        if successor is not None:
            raise PolicySupersedeInvalid(
                message_zh=(
                    f"{parsed.source_path}：{target.label} 已被 {successor.label} 取代；"
                    f'请改为 supersedes = "{successor.edition}"。'
                ),
                message_en=(
                    f"{parsed.source_path}: {target.label} is already superseded by "
                    f'{successor.label}; declare supersedes = "{successor.edition}" instead.'
                ),
                key="supersedes",
            )
    new_range = (header.effective_from, header.effective_to)
    for other in series:
        if other == target:
            continue
        in_force = other.effective_range()
        if in_force is not None and _overlaps(in_force, new_range):
            raise PolicyEditionOverlap(
                message_zh=(
                    f"{parsed.source_path}：{parsed.label} 的有效期 {_fmt_range(*new_range)} 与"
                    f"现行版本 {other.label}（{_fmt_range(*in_force)}）重叠；如为替代，请在文件中"
                    f'声明 supersedes = "{other.edition}"，否则请调整有效期。'
                ),
                message_en=(
                    f"{parsed.source_path}: {parsed.label} ({_fmt_range(*new_range)}) overlaps "
                    f"{other.label} in force ({_fmt_range(*in_force)}); if it replaces it, "
                    f'declare supersedes = "{other.edition}", otherwise change the dates.'
                ),
                other=other.label,
            )
    return target


@transaction.atomic
def do_load_policy_edition(
    parsed: ParsedEdition,
    *,
    origin: Origin | str,
    acting_user: User | None,
    actor_label: str = "",
) -> LoadOutcome:
    """Load one validated edition: record it, let its kind handler write the typed rows,
    mark the edition it supersedes, and write the audit event — all in one transaction.

    The same (kind, code, edition) with the same digest is a no-op (``unchanged``, no event);
    with a different digest it is refused (``POLICY_EDITION_CONFLICT``): a published edition
    never changes, a change is a new edition.
    """
    origin = Origin(origin)
    header = parsed.header
    handler = get_handler(header.kind)
    _lock_series(header.kind, header.code)
    existing = PolicyEdition.objects.filter(
        kind=header.kind, code=header.code, edition=header.edition
    ).first()
    if existing is not None:
        if existing.digest == parsed.digest:
            return LoadOutcome("unchanged", existing)
        raise PolicyEditionConflict(
            message_zh=(
                f"{parsed.source_path}：{parsed.label} 已于 "
                f"{timezone.localtime(existing.loaded_at):%Y-%m-%d %H:%M} 载入，内容不同"
                f"（已载入 SHA-256 {existing.digest[:12]}…，本文件 {parsed.digest[:12]}…）。"
                "已发布的版本不可修改：请将修改作为新版本发布（新的 edition，"
                f'并声明 supersedes = "{header.edition}"）。'
            ),
            message_en=(
                f"{parsed.source_path}: {parsed.label} was loaded on "
                f"{timezone.localtime(existing.loaded_at):%Y-%m-%d %H:%M} with a different "
                f"content (loaded SHA-256 {existing.digest[:12]}…, this file "
                f"{parsed.digest[:12]}…). A published edition never changes: publish the change "
                f'as a new edition (a new edition name, with supersedes = "{header.edition}").'
            ),
            edition=parsed.label,
            loaded_digest=existing.digest,
            digest=parsed.digest,
        )
    target = check_load_policy_edition(parsed)
    label = acting_user.get_username() if acting_user is not None else actor_label or "system"
    edition = PolicyEdition.objects.create(
        kind=header.kind,
        code=header.code,
        edition=header.edition,
        jurisdiction=header.jurisdiction,
        effective_from=header.effective_from,
        effective_to=header.effective_to,
        legal_source=header.legal_source,
        note=header.note,
        origin=origin,
        source_path=parsed.source_path[:500],
        source_text=parsed.source_text,
        digest=parsed.digest,
        content=parsed.content,
        loaded_by=label[:150],
    )
    if target is not None:
        PolicyEdition.objects.filter(pk=target.pk).update(superseded_by=edition)
    summary = handler.apply(edition, parsed.content, acting_user=acting_user)
    record_event(
        handler.file_event if origin == Origin.FILE else handler.admin_event,
        acting_user=acting_user,
        obj=edition,
        actor_label=actor_label,
        after={
            "edition": edition.label,
            "jurisdiction": edition.jurisdiction,
            "effective_from": edition.effective_from,
            "effective_to": edition.effective_to,
            "legal_source": edition.legal_source,
            "origin": origin.value,
            "source": edition.source_path,
            "digest": edition.digest,
            "supersedes": target.label if target is not None else None,
            "summary": summary,
        },
    )
    return LoadOutcome("loaded", edition, summary)


@transaction.atomic
def do_retire_policy_edition(
    edition: PolicyEdition,
    *,
    reason: str,
    acting_user: User | None,
    actor_label: str = "",
) -> PolicyEdition:
    """Withdraw an edition (published by mistake, or annulled): from now on it counts for
    nothing in look-ups. Its text and rows stay for the record. An edition it had superseded
    is back in force for its own dates (the supersession was made by the retired edition).
    """
    edition = PolicyEdition.objects.select_for_update().get(pk=edition.pk)
    if edition.retired_at is not None:
        when = f"{timezone.localtime(edition.retired_at):%Y-%m-%d}"
        raise PolicyEditionRetired(
            message_zh=f"{edition.label} 已于 {when} 停用。",
            message_en=f"{edition.label} was already retired on {when}.",
        )
    before_status = edition.status
    reason = reason.strip()
    if not reason:
        raise PolicyEditionRetired(
            "POLICY_RETIRE_REASON_REQUIRED",
            "停用政策版本必须说明理由。",
            "a reason is required to retire a policy edition.",
            status=422,
        )
    label = acting_user.get_username() if acting_user is not None else actor_label or "system"
    edition.retired_at = timezone.now()
    edition.retired_by = label[:150]
    edition.retired_reason = reason
    edition.save(update_fields=["retired_at", "retired_by", "retired_reason"])
    summary = get_handler(edition.kind).retire(edition, acting_user=acting_user)
    record_event(
        EventType.POLICY_EDITION_RETIRED,
        acting_user=acting_user,
        obj=edition,
        actor_label=actor_label,
        before={"status": before_status},
        after={"edition": edition.label, "reason": reason, "summary": summary},
    )
    return edition

"""Creating, rotating and revoking API tokens, and authenticating a presented token.

Rotation (docs/security.md#api-tokens): the successor gets the same name, department and
scopes and a fresh lifetime; the old token keeps working for a grace period of
``XINYONG_API_TOKEN_ROTATION_GRACE_HOURS`` (24 hours by default: one working day for the
department to deploy the new secret without an outage) and then expires. A leaked token is
revoked, not rotated: revocation takes effect at once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connections, models, transaction
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core.db import hot_cursor
from xinyong.core.models import Department, User
from xinyong.core.permissions import is_platform_admin
from xinyong.errors import PermissionDenied
from xinyong.security import credentials
from xinyong.security.choices import TokenScope
from xinyong.security.errors import (
    ReasonRequired,
    TokenExpired,
    TokenInvalid,
    TokenLifetimeInvalid,
    TokenNotActive,
    TokenRevoked,
    TokenScopeUnknown,
)
from xinyong.security.models import ApiToken

#: ``last_used_at`` is written at most this often per token (not on every request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """A new token row and its value, which is shown once and never stored."""

    token: ApiToken
    value: str


def check_may_manage_tokens(acting_user: User | None) -> None:
    """Platform administrators manage tokens; ``None`` is the platform (a command)."""
    if acting_user is not None and not is_platform_admin(acting_user):
        raise PermissionDenied(
            message_zh="只有平台管理员可以管理接口令牌",
            message_en="only a platform administrator may manage API tokens",
        )


def check_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = sorted({str(s).strip() for s in scopes if str(s).strip()})
    unknown = [s for s in chosen if s not in TokenScope.values]
    if unknown or not chosen:
        raise TokenScopeUnknown(
            message_zh=f"令牌权限范围须为 {', '.join(TokenScope.values)} 中的一项或多项",
            message_en=f"scopes must be one or more of {', '.join(TokenScope.values)}",
            unknown=unknown,
        )
    return chosen


def check_lifetime(days: int) -> timedelta:
    maximum = settings.XINYONG_API_TOKEN_MAX_DAYS
    if not 1 <= days <= maximum:
        raise TokenLifetimeInvalid(
            message_zh=f"令牌有效期须在 1 至 {maximum} 天之间",
            message_en=f"a token lives between 1 and {maximum} days",
            maximum=maximum,
        )
    return timedelta(days=days)


def _snapshot(token: ApiToken) -> dict[str, Any]:
    return {
        "name": token.name,
        "department": token.department.code,
        "scopes": list(token.scopes),
        "prefix": token.prefix,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
    }


def _issue(
    *,
    name: str,
    department: Department,
    scopes: list[str],
    lifetime: timedelta,
    acting_user: User | None,
    now: datetime,
    rotated_from: ApiToken | None = None,
) -> IssuedToken:
    for _attempt in range(3):  # a prefix collision (2^-48 per pair) is retried
        new = credentials.make_token()
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    name=name,
                    department=department,
                    scopes=scopes,
                    prefix=new.prefix,
                    digest=new.digest,
                    created_by=acting_user,
                    created_at=now,
                    expires_at=now + lifetime,
                    rotated_from=rotated_from,
                )
        except IntegrityError:
            if ApiToken.objects.filter(prefix=new.prefix).exists():
                continue
            raise
        return IssuedToken(token=token, value=new.value)
    raise RuntimeError("could not find a free token prefix")  # pragma: no cover


@transaction.atomic
def do_create_api_token(
    *,
    name: str,
    department: Department,
    scopes: Iterable[str],
    days: int,
    acting_user: User | None,
    actor_label: str = "",
    now: datetime | None = None,
) -> IssuedToken:
    """Issue a token for ``department``'s system; the returned value is shown once."""
    check_may_manage_tokens(acting_user)
    name = name.strip()
    if not name:
        raise ReasonRequired(
            code="TOKEN_NAME_REQUIRED",
            message_zh="请为令牌命名（使用它的系统）",
            message_en="name the token (after the system that uses it)",
        )
    issued = _issue(
        name=name[:100],
        department=department,
        scopes=check_scopes(scopes),
        lifetime=check_lifetime(days),
        acting_user=acting_user,
        now=now or timezone.now(),
    )
    record_event(
        EventType.API_TOKEN_CREATED,
        acting_user=acting_user,
        obj=issued.token,
        department=department,
        actor_label=actor_label,
        after=_snapshot(issued.token),
    )
    return issued


def _lock_active(token: ApiToken, now: datetime) -> ApiToken:
    locked = ApiToken.objects.select_for_update().select_related("department").get(pk=token.pk)
    if not locked.is_active(now):
        raise TokenNotActive(
            message_zh="该令牌已吊销或已过期",
            message_en="this token is revoked or expired",
            status_now=locked.status(now),
        )
    return locked


@transaction.atomic
def do_rotate_api_token(
    token: ApiToken,
    *,
    acting_user: User | None,
    actor_label: str = "",
    days: int | None = None,
    now: datetime | None = None,
) -> IssuedToken:
    """Issue a successor of ``token``; ``token`` expires after the grace period.

    ``days`` is the successor's lifetime; by default the old token's own lifetime (capped at
    the maximum). A token is rotated once: rotate its successor next time.
    """
    check_may_manage_tokens(acting_user)
    now = now or timezone.now()
    old = _lock_active(token, now)
    if ApiToken.objects.filter(rotated_from=old).exists():
        raise TokenNotActive(
            code="TOKEN_ALREADY_ROTATED",
            message_zh="该令牌已轮换，请轮换其后继令牌",
            message_en="this token was already rotated; rotate its successor",
        )
    before = _snapshot(old)
    if days is None:
        lifetime_days = max(1, (old.expires_at - old.created_at).days)
        days = min(lifetime_days, settings.XINYONG_API_TOKEN_MAX_DAYS)
    issued = _issue(
        name=old.name,
        department=old.department,
        scopes=list(old.scopes),
        lifetime=check_lifetime(days),
        acting_user=acting_user,
        now=now,
        rotated_from=old,
    )
    grace = timedelta(hours=settings.XINYONG_API_TOKEN_ROTATION_GRACE_HOURS)
    old.expires_at = min(old.expires_at, now + grace)
    old.save(update_fields=["expires_at"])
    record_event(
        EventType.API_TOKEN_ROTATED,
        acting_user=acting_user,
        obj=old,
        department=old.department,
        actor_label=actor_label,
        before=before,
        after={**_snapshot(old), "successor": _snapshot(issued.token)},
    )
    return issued


@transaction.atomic
def do_revoke_api_token(
    token: ApiToken,
    *,
    reason: str,
    acting_user: User | None,
    actor_label: str = "",
    now: datetime | None = None,
) -> ApiToken:
    """Stop ``token`` at once (a leak, a decommissioned system). Needs a reason."""
    check_may_manage_tokens(acting_user)
    reason = reason.strip()
    if not reason:
        raise ReasonRequired(
            message_zh="吊销令牌须说明原因", message_en="say why the token is revoked"
        )
    now = now or timezone.now()
    locked = ApiToken.objects.select_for_update().select_related("department").get(pk=token.pk)
    if locked.revoked_at is not None:
        raise TokenNotActive(
            message_zh="该令牌已被吊销", message_en="this token is already revoked"
        )
    before = _snapshot(locked)
    locked.revoked_at = now
    locked.revoked_by = acting_user
    locked.revoke_reason = reason[:500]
    locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    record_event(
        EventType.API_TOKEN_REVOKED,
        acting_user=acting_user,
        obj=locked,
        department=locked.department,
        actor_label=actor_label,
        before=before,
        after={**_snapshot(locked), "reason": locked.revoke_reason},
    )
    return locked


_DUMMY_DIGEST = "0" * 64


# Raw SQL, because this runs before every API call a department system makes: the ORM
# compiled the ``select_related`` query anew on each request (~0.7 ms of CPU, as much as a
# trivial endpoint's whole request; docs/decisions/0073-token-lookup.md). Table and column
# names come from the models' metadata; the prefix is a parameter; values go through the
# same converters the ORM applies, and a test compares the result with the ORM's.
@lru_cache(maxsize=1)
def _lookup_sql() -> str:
    token, department = ApiToken._meta, Department._meta
    columns = [f't."{f.column}"' for f in token.concrete_fields] + [
        f'd."{f.column}"' for f in department.concrete_fields
    ]
    department_fk = token.get_field("department").column
    return (
        f"SELECT {', '.join(columns)} FROM {token.db_table} t "  # noqa: S608
        f'JOIN {department.db_table} d ON d."{department.pk.column}" = t."{department_fk}" '
        f'WHERE t."{token.get_field("prefix").column}" = %s'
    )


@lru_cache(maxsize=8)
def _loader(model: type[models.Model], alias: str) -> tuple[list[str], list[tuple[Any, list]]]:
    """The attribute names of ``model``'s concrete fields, and each one's column with the
    converters the ORM applies to its values on ``alias`` (the same for every connection of
    an alias: they read its settings)."""
    connection = connections[alias]
    fields = model._meta.concrete_fields
    steps = []
    for field in fields:
        column = field.get_col(model._meta.db_table)
        steps.append(
            (
                column,
                connection.ops.get_db_converters(column) + field.get_db_converters(connection),
            )
        )
    return [f.attname for f in fields], steps


def _from_row[M: models.Model](model: type[M], values: Sequence[Any], alias: str) -> M:
    """A model instance from its concrete columns' raw values, converted as the ORM does."""
    connection = connections[alias]
    names, steps = _loader(model, alias)
    converted = []
    for (column, converters), value in zip(steps, values, strict=True):
        for convert in converters:
            value = convert(value, column, connection)
        converted.append(value)
    return model.from_db(alias, names, converted)


def find_token(prefix: str) -> ApiToken | None:
    """The token with ``prefix`` and its department (loaded with it), in one query."""
    alias = ApiToken.objects.db
    with hot_cursor(connections[alias]) as cursor:
        cursor.execute(_lookup_sql(), [prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(ApiToken._meta.concrete_fields)
    token = _from_row(ApiToken, row[:split], alias)
    token.department = _from_row(Department, row[split:], alias)
    return token


def authenticate_token(value: str, *, at: datetime | None = None) -> ApiToken:
    """The active token whose value is ``value``, or a ``TokenRejected`` saying why not.

    Why a token is refused (revoked, expired) is said only after its secret matched. The
    ``last_used_at`` bookkeeping is not an audited state change (it would put one event per
    API call in the chain); it is written at most once a minute per token.
    """
    at = at or timezone.now()
    prefix = credentials.parse_prefix(value)
    token = find_token(prefix) if prefix else None
    # Compare even without a row, so that timing does not tell a known prefix apart.
    matches = credentials.digest_matches(value, token.digest if token else _DUMMY_DIGEST)
    if token is None or not matches:
        raise TokenInvalid(message_zh="接口令牌无效", message_en="the API token is not valid")
    _check_usable(token, at)
    _note_use(token, at)
    return token


def _check_usable(token: ApiToken, at: datetime) -> None:
    """Refuse a token that is revoked, expired, or of a department no longer active."""
    if token.revoked_at is not None:
        raise TokenRevoked(
            message_zh="接口令牌已被吊销，请联系平台管理员",
            message_en="the API token was revoked; ask the platform administrator",
        )
    if token.expires_at <= at:
        raise TokenExpired(
            message_zh="接口令牌已过期，请联系平台管理员更换",
            message_en="the API token has expired; ask the platform administrator for a new one",
        )
    if not token.department.active:
        raise TokenInvalid(
            code="TOKEN_DEPARTMENT_INACTIVE",
            message_zh="令牌所属部门已停用",
            message_en="the token's department is no longer active",
        )


def _note_use(token: ApiToken, at: datetime) -> None:
    if token.last_used_at is None or at - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
        token.last_used_at = at


# Kept tokens (docs/decisions/0074-check-one-statement.md): the check, made hundreds of times
# a second by the same department systems, does not look its token up on every request. A
# process keeps a token it found (keyed by the digest of the whole value, so only the exact
# secret finds it) and the check's own read confirms it is still usable, in the same
# statement: revocation, expiry and a department's deactivation still take effect at once.

#: Kept tokens by digest: (monotonic time found, token).
_KEPT: dict[str, tuple[float, ApiToken]] = {}
_KEPT_MOST = 1024


def _keep_seconds() -> float:
    """How long a process keeps a token it found (``XINYONG_TOKEN_KEEP_SECONDS``, default
    60; 0 keeps none). After that it is looked up again."""
    return float(os.environ.get("XINYONG_TOKEN_KEEP_SECONDS", "60"))


def authenticate_kept_token(value: str, *, at: datetime | None = None) -> tuple[ApiToken, bool]:
    """``authenticate_token`` for a caller that confirms the token in its next statement
    (``token_usable_sql``, then ``confirm_kept_token``): a token this process found less than
    ``XINYONG_TOKEN_KEEP_SECONDS`` ago comes from memory, without a query, refused as
    ``authenticate_token`` would refuse it by what was known then; else it is found, and
    kept. Returns the token and whether it was read from the database just now."""
    at = at or timezone.now()
    seconds = _keep_seconds()
    digest = credentials.token_digest(value.strip())
    kept = _KEPT.get(digest) if seconds > 0 else None
    if kept is not None and time.monotonic() - kept[0] < seconds:
        token = kept[1]
        _check_usable(token, at)
        _note_use(token, at)
        return token, False
    token = authenticate_token(value, at=at)
    if seconds > 0:
        if len(_KEPT) >= _KEPT_MOST:
            _KEPT.clear()
        _KEPT[digest] = (time.monotonic(), token)
    return token, True


@lru_cache(maxsize=1)
def token_usable_sql() -> str:
    """A boolean SQL expression: the token is still usable (not revoked, not expired at the
    first parameter's time, its department active). Parameters: the time, the token's id.
    NULL when the token is gone."""
    token, department = ApiToken._meta, Department._meta
    return (
        f'(SELECT t."{token.get_field("revoked_at").column}" IS NULL '  # noqa: S608
        f'AND t."{token.get_field("expires_at").column}" > %s '
        f'AND d."{department.get_field("active").column}" '
        f"FROM {token.db_table} t JOIN {department.db_table} d "
        f'ON d."{department.pk.column}" = t."{token.get_field("department").column}" '
        f'WHERE t."{token.pk.column}" = %s)'
    )


def confirm_kept_token(token: ApiToken, usable: bool | None, *, at: datetime) -> None:
    """After a statement evaluated ``token_usable_sql`` for a kept ``token``: if the token is
    no longer usable, forget it and refuse as ``authenticate_token`` would (revoked,
    expired, department inactive)."""
    if usable:
        return
    for digest, (_found, kept) in list(_KEPT.items()):
        if kept.pk == token.pk:
            _KEPT.pop(digest, None)
    fresh = find_token(token.prefix)
    if fresh is None or fresh.pk != token.pk:
        raise TokenInvalid(message_zh="接口令牌无效", message_en="the API token is not valid")
    _check_usable(fresh, at)


def confirm_token(token: ApiToken, *, at: datetime | None = None) -> None:
    """``confirm_kept_token`` by a query of its own (a caller whose statement could not carry
    ``token_usable_sql``)."""
    at = at or timezone.now()
    with hot_cursor() as cursor:
        cursor.execute(f"SELECT {token_usable_sql()}", [at, token.pk])
        row = cursor.fetchone()
    confirm_kept_token(token, row[0] if row else None, at=at)

"""Audit events of backups and restores (``xinyong backup`` / ``xinyong restore``).

A backup copies every personal and non-public record of the platform: who took one, where
to, and its digest belong in the trail (个人信息保护法 art. 51, 54). The event is written in
the live database after the copy is complete (so it names the file's SHA-256 and the chain
head inside it — later, a file can be checked against it). A restore appends its event to
the restored database's chain once that chain and the query register verified.
"""

from __future__ import annotations

from django.db import transaction

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core.models import User
from xinyong.security.backup import BackupResult, RestoreResult


@transaction.atomic
def do_record_database_backup(
    result: BackupResult, *, acting_user: User | None, actor_label: str = ""
) -> None:
    record_event(
        EventType.DATABASE_BACKED_UP,
        acting_user=acting_user,
        actor_label=actor_label,
        object_type="database",
        after={
            "file": result.path.name,
            "engine": result.engine,
            "size": result.size,
            "sha256": result.sha256,
            "head": f"{result.head[0]}:{result.head[1]}",
        },
    )


@transaction.atomic
def do_record_database_restore(
    result: RestoreResult, *, acting_user: User | None, actor_label: str = ""
) -> None:
    record_event(
        EventType.DATABASE_RESTORED,
        acting_user=acting_user,
        actor_label=actor_label,
        object_type="database",
        after={
            "file": result.source.name,
            "engine": result.engine,
            "sha256": result.sha256,
            "verified_events": result.chain.checked,
            "verified_head": f"{result.chain.head_seq}:{result.chain.head_hash}",
        },
    )

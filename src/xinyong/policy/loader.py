"""Loading policy files from disk, one file per transaction: the body of ``xinyong policy
load`` and ``xinyong workdays import`` and of the ``loaded_policy`` test fixture.

Why this exists: a directory of reviewed files is loaded file by file — a refused file must not
stop or roll back the others, and each file's outcome (loaded, unchanged, refused with its
code) is reported. Files are loaded in path order, except that an edition declaring
``supersedes`` is loaded after the edition it names when both are in the batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from xinyong.core.models import User
from xinyong.errors import CodedError
from xinyong.policy.actions import do_load_policy_edition
from xinyong.policy.choices import Origin
from xinyong.policy.errors import PolicyFileError
from xinyong.policy.files import ParsedEdition, display_path, policy_files, read_policy_file
from xinyong.policy.models import PolicyEdition


@dataclass(frozen=True)
class FileOutcome:
    """One file's result. ``error`` is set when ``status == "refused"``."""

    path: str
    status: Literal["loaded", "unchanged", "refused"]
    edition: PolicyEdition | None = None
    error: CodedError | None = None

    def line(self) -> str:
        """The command's one-line report of this file."""
        if self.error is not None:
            return (
                f"refused\t{self.path}\t{self.error.code}\t"
                f"{self.error.message_zh} / {self.error.message_en}"
            )
        assert self.edition is not None
        e = self.edition
        dates = f"{e.effective_from}–{e.effective_to or ''}"
        return f"{self.status}\t{self.path}\t{e.label}\t{e.jurisdiction}\t{dates}"


def _ordered(parsed: list[ParsedEdition]) -> list[ParsedEdition]:
    """Path order, but each edition after the one it supersedes (when both are here)."""
    by_key = {(p.kind, p.code, p.header.jurisdiction, p.edition): p for p in parsed}
    done: set[int] = set()
    result: list[ParsedEdition] = []

    def visit(p: ParsedEdition, depth: int = 0) -> None:
        if id(p) in done or depth > len(parsed):
            return
        if p.header.supersedes is not None:
            before = by_key.get((p.kind, p.code, p.header.jurisdiction, p.header.supersedes))
            if before is not None:
                visit(before, depth + 1)
        done.add(id(p))
        result.append(p)

    for p in parsed:
        visit(p)
    return result


def load_policy_paths(
    paths: Iterable[Path] | None = None,
    *,
    acting_user: User | None = None,
    actor_label: str = "system:policy-load",
    kinds: Iterable[str] | None = None,
) -> list[FileOutcome]:
    """Load every file under ``paths`` (default ``settings.POLICY_DIR``), each in its own
    transaction. ``kinds`` restricts what may be loaded (others are refused with
    ``POLICY_KIND_UNEXPECTED``)."""
    allowed = set(kinds) if kinds is not None else None
    outcomes: list[FileOutcome] = []
    parsed: list[ParsedEdition] = []
    for path in policy_files(list(paths) if paths is not None else None):
        try:
            item = read_policy_file(path)
        except CodedError as exc:
            outcomes.append(FileOutcome(display_path(path), "refused", error=exc))
            continue
        if allowed is not None and item.kind not in allowed:
            error = PolicyFileError(
                "POLICY_KIND_UNEXPECTED",
                f"{item.source_path}：此处只能载入 {', '.join(sorted(allowed))} 类数据，"
                f"该文件为 {item.kind}。",
                f"{item.source_path}: only {', '.join(sorted(allowed))} data can be loaded "
                f"here; this file is {item.kind}.",
                key="kind",
            )
            outcomes.append(FileOutcome(item.source_path, "refused", error=error))
            continue
        parsed.append(item)
    for item in _ordered(parsed):
        try:
            outcome = do_load_policy_edition(
                item, origin=Origin.FILE, acting_user=acting_user, actor_label=actor_label
            )
        except CodedError as exc:
            outcomes.append(FileOutcome(item.source_path, "refused", error=exc))
        else:
            outcomes.append(FileOutcome(item.source_path, outcome.status, outcome.edition))
    return outcomes

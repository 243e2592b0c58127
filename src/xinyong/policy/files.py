"""Reading policy files and pasted supplements into validated, not yet loaded editions.

Why this exists: a file is checked completely — TOML syntax, the common header (kind, code,
edition, dates, jurisdiction, legal source), then the kind's own content — before anything
touches the database, so that ``xinyong policy load``, ``xinyong workdays import`` and the
admin refuse the same mistakes with the same codes. The result, :class:`ParsedEdition`, is
what ``do_load_policy_edition`` takes.

The digest is the SHA-256 of the text as UTF-8 with line endings normalised to LF (and a
byte-order mark dropped): for the repository's files it equals ``sha256sum``; a file pasted
into the admin from a Windows editor gets the same digest as the file.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings

from xinyong.policy.errors import PolicyFileError, file_error
from xinyong.policy.kinds import KINDS
from xinyong.policy.validation import EditionHeader, read_header


@dataclass(frozen=True)
class ParsedEdition:
    """A validated policy file, ready for ``do_load_policy_edition``."""

    header: EditionHeader
    source_path: str
    source_text: str
    digest: str
    content: dict[str, Any]

    @property
    def kind(self) -> str:
        return self.header.kind

    @property
    def code(self) -> str:
        return self.header.code

    @property
    def edition(self) -> str:
        return self.header.edition

    @property
    def effective_from(self) -> date:
        return self.header.effective_from

    @property
    def effective_to(self) -> date | None:
        return self.header.effective_to

    @property
    def label(self) -> str:
        return f"{self.kind}/{self.code}@{self.edition}"


def display_path(path: Path) -> str:
    """``path`` relative to the repository when it lies inside it, else absolute."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path(settings.BASE_DIR).resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def normalise_text(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_policy_file(path: Path) -> ParsedEdition:
    """Read and validate one policy file (refusals: :class:`PolicyFileError`)."""
    source = display_path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise file_error(
            "POLICY_FILE_UNREADABLE",
            source,
            f"无法读取（需为 UTF-8 编码的 TOML 文件）：{exc}",
            f"cannot be read (must be a UTF-8 TOML file): {exc}",
        ) from exc
    return parse_policy_text(text, source=source)


def parse_policy_text(text: str, *, source: str) -> ParsedEdition:
    """Validate policy TOML given as text; ``source`` names it in messages and is stored as
    the edition's source (a repository path, or ``admin:<file name>`` for a supplement)."""
    text = normalise_text(text)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise file_error(
            "POLICY_TOML_SYNTAX",
            source,
            f"不是有效的 TOML：{exc}",
            f"is not valid TOML: {exc}",
        ) from exc
    if "kind" not in doc:
        raise file_error(
            "POLICY_MISSING_KEY", source, "缺少必填项 kind。", "required key kind is missing.",
            key="kind",
        )  # fmt: skip
    kind = doc["kind"]
    if not isinstance(kind, str) or kind not in KINDS:
        raise file_error(
            "POLICY_KIND_UNKNOWN",
            source,
            f"kind 的值 {kind!r} 不是已知的政策数据类型（可用：{', '.join(KINDS)}）。",
            f"kind = {kind!r} is not a known kind of policy data (known: {', '.join(KINDS)}).",
            key="kind",
        )
    header = read_header(doc, source=source)
    body = {k: v for k, v in doc.items() if k != "supersedes"}
    content = KINDS[kind].parse(body, source=source, header=header)
    return ParsedEdition(
        header=header,
        source_path=source,
        source_text=text,
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        content=content,
    )


def policy_files(paths: list[Path] | None = None) -> list[Path]:
    """The ``*.toml`` files named by ``paths`` (directories searched recursively), sorted;
    by default every file under ``settings.POLICY_DIR``."""
    roots = paths or [Path(settings.POLICY_DIR)]
    found: list[Path] = []
    for root in roots:
        if root.is_dir():
            found.extend(sorted(root.rglob("*.toml")))
        else:
            found.append(root)
    return found


__all__ = [
    "ParsedEdition",
    "PolicyFileError",
    "display_path",
    "parse_policy_text",
    "policy_files",
    "read_policy_file",
]

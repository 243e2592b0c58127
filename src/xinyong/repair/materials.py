"""Storing the materials of a repair application.

Why this exists: materials are personal and commercial documents, uploaded by the public. We
accept PDF, PNG and JPEG only — recognised by their first bytes, not by the name given —
at most :data:`MAX_FILE_BYTES` each and :data:`MAX_TOTAL_BYTES` per application, and store
them outside the web root under ``VAR_DIR/uploads/repair/`` named by the SHA-256 of their
content (the name given is kept in the row only), encrypted at rest with the platform's field
keys (``XINYONG_FIELD_KEYS``, Fernet, as the personal fields of the database: newest key
first, older keys still read). docs/decisions/0053-repair-materials.md.

Files of an application that is refused or rolled back after they were written are removed
(:func:`discard`), and :func:`remove_unreferenced` — run by the daily tick — removes any
file no material row refers to (a crash between writing and committing).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

from xinyong.repair.errors import refused

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 30 * 1024 * 1024
MAX_FILES = 10

_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


@dataclass(frozen=True)
class MaterialFile:
    """One uploaded file as the action receives it (views and the API read the upload)."""

    code: str
    name: str
    content: bytes


def content_type_of(content: bytes) -> str | None:
    for signature, kind in _SIGNATURES:
        if content.startswith(signature):
            return kind
    return None


def check_materials(files: list[MaterialFile], required: list[dict[str, object]]) -> None:
    """Refuse missing materials, unknown kinds, wrong types and sizes — before any write."""
    codes = {str(m["code"]) for m in required}
    given = {f.code for f in files if f.content}
    missing = [m for m in required if m["code"] not in given]
    if missing:
        raise refused(
            "REPAIR_MATERIALS_MISSING",
            "缺少申请材料：" + "；".join(str(m["zh"]) for m in missing) + "。",
            "Materials missing: " + "; ".join(str(m["en"]) for m in missing) + ".",
            missing=[m["code"] for m in missing],
        )
    unknown = sorted({f.code for f in files} - codes)
    if unknown:
        raise refused(
            "REPAIR_MATERIAL_UNKNOWN",
            f"不需要的材料类别：{', '.join(unknown)}。",
            f"material kinds not asked for: {', '.join(unknown)}.",
        )
    if len(files) > MAX_FILES:
        raise refused(
            "REPAIR_MATERIAL_TOO_MANY",
            f"最多上传 {MAX_FILES} 个文件。",
            f"at most {MAX_FILES} files may be uploaded.",
        )
    total = 0
    for f in files:
        if len(f.content) > MAX_FILE_BYTES:
            raise refused(
                "REPAIR_MATERIAL_TOO_LARGE",
                f"文件 {f.name} 超过 {MAX_FILE_BYTES // (1024 * 1024)} MB。",
                f"file {f.name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.",
                file=f.name,
            )
        if content_type_of(f.content) is None:
            raise refused(
                "REPAIR_MATERIAL_TYPE",
                f"文件 {f.name} 不是 PDF、PNG 或 JPEG 文件。",
                f"file {f.name} is not a PDF, PNG or JPEG file.",
                file=f.name,
            )
        total += len(f.content)
    if total > MAX_TOTAL_BYTES:
        raise refused(
            "REPAIR_MATERIAL_TOO_LARGE",
            f"材料合计超过 {MAX_TOTAL_BYTES // (1024 * 1024)} MB。",
            f"the materials together exceed {MAX_TOTAL_BYTES // (1024 * 1024)} MB.",
        )


def materials_dir() -> Path:
    return Path(settings.VAR_DIR) / "uploads" / "repair"


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def _keys() -> MultiFernet:
    """The platform's field keys (``xinyong.core.crypto`` uses the same ones for text)."""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


#: Every Fernet token starts with its version byte 0x80, base64-encoded as "gAAAAA".
_TOKEN_PREFIX = b"gAAAAA"


def store(content: bytes) -> tuple[str, str, bool]:
    """Write ``content`` encrypted (once per distinct content) and return (sha256, relative
    path, whether this call created the file)."""
    sha = hashlib.sha256(content).hexdigest()
    relative = f"{sha[:2]}/{sha}"
    path = materials_dir() / relative
    if path.exists():
        return sha, relative, False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{sha}.{time.monotonic_ns()}.part")
    tmp.write_bytes(_keys().encrypt(content))
    tmp.replace(path)
    return sha, relative, True


def open_material(relative: str) -> bytes:
    """The plain content of a stored material (files stored before encryption are read as
    they are: a PDF, PNG or JPEG never starts like a Fernet token)."""
    data = (materials_dir() / relative).read_bytes()
    if data.startswith(_TOKEN_PREFIX):
        return _keys().decrypt(data)
    return data


def rotate_stored_materials() -> int:
    """Re-encrypt every stored material under the newest key (after a key rotation, before
    the old key is removed from ``XINYONG_FIELD_KEYS``). Returns the number of files."""
    count = 0
    root = materials_dir()
    if not root.exists():
        return 0
    for path in sorted(root.glob("??/*")):
        if path.suffix == ".part":
            continue
        data = path.read_bytes()
        token = _keys().rotate(data) if data.startswith(_TOKEN_PREFIX) else _keys().encrypt(data)
        tmp = path.with_name(f"{path.name}.{time.monotonic_ns()}.part")
        tmp.write_bytes(token)
        tmp.replace(path)
        count += 1
    return count


def discard(relatives: Iterable[str], *, keep: Iterable[str] = ()) -> list[str]:
    """Delete the stored files ``relatives`` except those named in ``keep`` (files another
    material row refers to). Returns what was deleted."""
    kept = set(keep)
    deleted = []
    for relative in relatives:
        if relative in kept:
            continue
        (materials_dir() / relative).unlink(missing_ok=True)
        deleted.append(relative)
    return deleted


def remove_unreferenced(referenced: set[str], *, older_than_seconds: float = 86400) -> list[str]:
    """Delete stored files (and left-over ``.part`` files) that no material row refers to
    and that are older than ``older_than_seconds`` — so that a file of an application still
    being submitted is never taken. Returns the relative paths deleted."""
    root = materials_dir()
    if not root.exists():
        return []
    limit = time.time() - older_than_seconds
    deleted = []
    for path in sorted(root.glob("??/*")):
        relative = f"{path.parent.name}/{path.name}"
        if relative in referenced or path.stat().st_mtime > limit:
            continue
        path.unlink(missing_ok=True)
        deleted.append(relative)
    return deleted

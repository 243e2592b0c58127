"""Coded errors of the catalog: unknown items, departments not allowed to report an item,
catalog files refused for catalog-specific reasons.

Codes are stable (never renamed or reused) and listed in ``docs/catalog.md``. Field and row
issues have their own codes (:data:`xinyong.catalog.fields.FIELD_ERROR_CODES`,
:data:`xinyong.catalog.validation.ROW_ERROR_CODES`).
"""

from __future__ import annotations

from typing import Any, Final

from xinyong.errors import CodedError, Conflict, NotFound, PermissionDenied
from xinyong.policy.errors import PolicyFileError

#: Codes a catalog file can be refused with besides the common POLICY_* codes.
CATALOG_FILE_ERROR_CODES: Final = frozenset(
    {
        "CATALOG_DUPLICATE_CODE",  # an item, field, category, code list or entry code twice
        "CATALOG_REFERENCE_UNKNOWN",  # a category, code list or field set that is not defined
        "CATALOG_FIELD_INVALID",  # a field definition that does not make sense (role/type …)
        "CATALOG_ITEM_INVALID",  # an item that breaks a catalog rule (legal document …)
    }
)


class CatalogItemUnknown(NotFound):
    """The item is not in the catalog in force on the date asked about (RULES §5: nothing
    outside the catalog enters a credit record)."""

    code = "CATALOG_ITEM_UNKNOWN"


class CatalogItemNotAllowed(PermissionDenied):
    """The department may not report this item (its kind and code are not among the item's
    reporters)."""

    code = "CATALOG_ITEM_NOT_ALLOWED"


class CatalogItemConflict(Conflict):
    """Two catalog series (a national edition and a supplement) define the same item code
    for overlapping dates."""

    code = "CATALOG_ITEM_CODE_CONFLICT"


class CatalogNotLoaded(CodedError):
    """``xinyong catalog docs`` with no catalog edition loaded."""

    status = 404
    code = "CATALOG_NOT_LOADED"


def catalog_file_error(code: str, source: str, key: str, zh: str, en: str) -> PolicyFileError:
    """A refusal of a catalog file naming the file and the key path."""
    if code not in CATALOG_FILE_ERROR_CODES:
        raise ValueError(f"unknown catalog file error code {code!r}")
    details: dict[str, Any] = {"source": source, "key": key}
    return PolicyFileError(code, f"{source}：{key} {zh}", f"{source}: {key} {en}", **details)

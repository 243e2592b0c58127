"""Models of the lists domain, split by topic: list types (policy rows), cases and their
history, issued documents."""

from xinyong.lists.models.cases import (
    LeniencyAssessment,
    ListingAlarm,
    ListingCase,
    ListingObjection,
    SuspensionInterval,
)
from xinyong.lists.models.documents import DocumentCounter, ListingDocument
from xinyong.lists.models.list_types import ListType

__all__ = [
    "DocumentCounter",
    "LeniencyAssessment",
    "ListType",
    "ListingAlarm",
    "ListingCase",
    "ListingDocument",
    "ListingObjection",
    "SuspensionInterval",
]

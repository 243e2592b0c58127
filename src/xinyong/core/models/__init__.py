"""Core models, split by topic."""

from xinyong.core.models.accounts import Membership, User
from xinyong.core.models.departments import Department
from xinyong.core.models.subjects import Subject, SubjectIdentifier, SubjectName

__all__ = ["Department", "Membership", "Subject", "SubjectIdentifier", "SubjectName", "User"]

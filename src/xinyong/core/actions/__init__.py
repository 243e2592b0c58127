"""Every state change of the core domain (STYLE.md §1): atomic, audited, ``do_<verb>_<noun>``."""

from xinyong.core.actions.bulk import SubjectSpec, do_bulk_create_subjects
from xinyong.core.actions.departments import do_create_department, do_update_department
from xinyong.core.actions.subjects import (
    do_add_subject_identifier,
    do_create_subject,
    do_rename_subject,
)
from xinyong.core.actions.users import do_create_user, do_grant_role, do_revoke_role

__all__ = [
    "SubjectSpec",
    "do_add_subject_identifier",
    "do_bulk_create_subjects",
    "do_create_department",
    "do_create_subject",
    "do_create_user",
    "do_grant_role",
    "do_rename_subject",
    "do_revoke_role",
    "do_update_department",
]

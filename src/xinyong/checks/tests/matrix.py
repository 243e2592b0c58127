"""Objects of the checks app for the permission matrix (``xinyong.security.matrix``).

A factory takes the matrix test's world (``tests/security/conftest.py``) and returns what the
URL needs: here the receipt id (a check's ``public_id``), not its primary key."""

from __future__ import annotations

import uuid
from typing import Any

from xinyong.checks.actions import do_check_subject
from xinyong.core.choices import Role

World = Any  # tests/security/conftest.py: World


def make_check(world: World) -> uuid.UUID:
    """A check of the world company for government procurement by department A."""
    checker = world.make_user(world.department_a, (Role.DEPARTMENT_CHECKER,))
    result = do_check_subject(
        world.company.uscc,
        matter="government_procurement",
        purpose="矩阵测试：政府采购供应商资格审查",
        department=world.department_a,
        acting_user=checker,
    )
    return result.check.public_id

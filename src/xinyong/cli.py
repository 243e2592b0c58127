"""The ``xinyong`` console script: Django's management commands with our settings.

``xinyong migrate``, ``xinyong serve``, ``xinyong worker``, ``xinyong demo``,
``xinyong policy load``, ``xinyong identifiers validate CODE…``, ``xinyong workdays add DATE N``,
``xinyong audit verify`` … are all management commands; this wrapper only picks the settings.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["xinyong", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()

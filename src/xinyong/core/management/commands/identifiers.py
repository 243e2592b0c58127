"""``xinyong identifiers validate CODE…``: one line per code; exit status 1 if any is invalid."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinyong.core import identifiers


class Command(BaseCommand):
    help = "Validate unified social credit codes, legacy codes and ID numbers (RULES §2)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        validate = sub.add_parser("validate", help="validate one or more codes")
        validate.add_argument("codes", nargs="+", metavar="CODE")
        validate.add_argument(
            "--scheme",
            choices=[s.value for s in identifiers.IdentifierScheme],
            help="identifier scheme (default: guessed per code)",
        )
        validate.add_argument(
            "--kind",
            dest="subject_kind",
            help="subject kind, e.g. individual_business to allow the placeholder",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        any_invalid = False
        for code in options["codes"]:
            scheme = options["scheme"] or identifiers.guess_scheme(code)
            result = identifiers.validate(code, scheme, subject_kind=options["subject_kind"])
            shown = result.normalized or result.input
            if scheme in identifiers.PERSONAL_SCHEMES:
                shown = identifiers.mask_identifier(shown, scheme)
            if result.valid:
                line = f"{shown}\tVALID\t{result.scheme}"
            else:
                any_invalid = True
                issue = result.errors[0]
                line = (
                    f"{shown}\tINVALID\t{result.scheme}\t{issue.code}\t"
                    f"{issue.message_zh} / {issue.message_en}"
                )
            for warning in result.warnings:
                line += f"\tWARNING {warning.code}: {warning.message_zh} / {warning.message_en}"
            self.stdout.write(line)
        if any_invalid:
            sys.exit(1)

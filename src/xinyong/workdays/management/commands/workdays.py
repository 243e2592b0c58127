"""``xinyong workdays add DATE N`` / ``between A B`` compute on the loaded official calendar;
``xinyong workdays import FILE`` loads a year's holiday arrangement (the policy load action);
``xinyong workdays years`` shows which years are covered.

A result that crosses a year not covered is provisional: the value is printed on stdout as
usual and, on stderr, again with ``(provisional: 2027 not covered)``; the exit status stays 0.
``--strict`` refuses instead (``CALENDAR_YEAR_NOT_COVERED``, exit status 1).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinyong.audit.context import new_request_id, request_context
from xinyong.errors import CodedError
from xinyong.policy.loader import load_policy_paths
from xinyong.workdays.calendar import WorkdayResult, YearNotCovered
from xinyong.workdays.errors import CalendarYearNotCovered, parse_date_param
from xinyong.workdays.models import CalendarYear, active_years_q
from xinyong.workdays.queries import add_working_days_result, working_days_between_result


class Command(BaseCommand):
    help = "Working days on the official calendar (工作日计算)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="the N-th working day after DATE")
        add.add_argument("date", metavar="DATE")
        add.add_argument("n", metavar="N", type=int)
        add.add_argument("--strict", action="store_true", help="refuse provisional results")
        between = sub.add_parser("between", help="working days in (A, B]")
        between.add_argument("start", metavar="A")
        between.add_argument("end", metavar="B")
        between.add_argument("--strict", action="store_true", help="refuse provisional results")
        imp = sub.add_parser("import", help="load a year's holiday arrangement from a file")
        imp.add_argument("file", metavar="FILE", type=Path)
        sub.add_parser("years", help="list the covered years")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "add":
                start = parse_date_param(options["date"], name="DATE")
                self._print(add_working_days_result(start, options["n"]), options["strict"])
            elif action == "between":
                a = parse_date_param(options["start"], name="A")
                b = parse_date_param(options["end"], name="B")
                self._print(working_days_between_result(a, b), options["strict"])
            elif action == "import":
                self._import(options["file"])
            else:
                self._years()
        except CodedError as exc:
            self.stderr.write(f"{exc.code}: {exc.message_zh} / {exc.message_en}")
            sys.exit(1)

    def _print(self, result: WorkdayResult, strict: bool) -> None:
        value = result.value
        text = value.isoformat() if isinstance(value, date) else str(value)
        if result.provisional:
            if strict:
                raise CalendarYearNotCovered.from_pure(YearNotCovered(result.uncovered_years))
            years = ", ".join(str(y) for y in result.uncovered_years)
            self.stdout.write(text)
            self.stderr.write(f"{text} (provisional: {years} not covered)")
            return
        self.stdout.write(text)

    def _import(self, path: Path) -> None:
        with request_context(new_request_id("cli-workdays-")):
            outcomes = load_policy_paths(
                [path], actor_label="system:workdays-import", kinds=["calendar"]
            )
        for outcome in outcomes:
            self.stdout.write(outcome.line())
        if any(o.status == "refused" for o in outcomes):
            sys.exit(1)

    def _years(self) -> None:
        rows = (
            CalendarYear.objects.filter(active_years_q()).select_related("edition").order_by("year")
        )
        years = []
        for row in rows:
            e = row.edition
            years.append(row.year)
            self.stdout.write(
                f"{row.year}\t{e.label}\t{e.jurisdiction}\t{e.digest[:12]}\t{e.legal_source}"
            )
        if not years:
            self.stdout.write("no year covered: load policy/calendar/*.toml (xinyong policy load)")
            return
        gaps = sorted(set(range(years[0], years[-1] + 1)) - set(years))
        summary = f"covered: {years[0]}–{years[-1]}"
        if gaps:
            summary += f"; not covered in between: {', '.join(map(str, gaps))}"
        self.stdout.write(summary + f"; not covered: before {years[0]}, after {years[-1]}")

"""``xinyong demo``: load deterministic synthetic demo data (演示数据), once.

Same ``--seed`` and ``--subjects`` (and platform division) → same data. Running it again
changes nothing: it says the demo data is already there and exits successfully, so that
``make demo`` can be run any number of times. Refused in production. See docs/demo.md.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from xinyong.core.choices import Role
from xinyong.core.demo.load import DemoAlreadyLoaded, DemoRefusedInProduction, load_demo
from xinyong.core.demo.plan import (
    DEFAULT_SEED,
    DEFAULT_SUBJECTS,
    MAX_SUBJECTS,
    MIN_SUBJECTS,
    DemoPlan,
    build_plan,
)


def base_url() -> str:
    """Where ``xinyong serve`` listens by default (``XINYONG_BIND``), as a browser URL."""
    bind = os.environ.get("XINYONG_BIND", "127.0.0.1:8000")
    host, _sep, port = bind.rpartition(":")
    if host in {"", "0.0.0.0", "[::]"} or not port.isdigit():  # noqa: S104 (a display URL)
        host, port = "127.0.0.1", port if port.isdigit() else "8000"
    return f"http://{host}:{port}/"


class Command(BaseCommand):
    help = "Load deterministic synthetic demo data (departments, users, subjects), once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
        )
        parser.add_argument(
            "--subjects",
            type=int,
            default=DEFAULT_SUBJECTS,
            metavar="N",
            help=f"number of credit subjects, {MIN_SUBJECTS}–{MAX_SUBJECTS} "
            f"(default {DEFAULT_SUBJECTS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seed: int = options["seed"]
        count: int = options["subjects"]
        if settings.PRODUCTION:
            error = DemoRefusedInProduction()
            raise CommandError(f"{error.code}: {error.message_en}")
        if not MIN_SUBJECTS <= count <= MAX_SUBJECTS:
            raise CommandError(f"--subjects must be between {MIN_SUBJECTS} and {MAX_SUBJECTS}")
        division = settings.XINYONG["PLATFORM_DIVISION"]
        try:
            plan = build_plan(seed=seed, subjects=count, division=division)
        except ValueError as exc:
            raise CommandError(f"XINYONG_PLATFORM_DIVISION={division}: {exc}") from exc
        self.stdout.write(
            f"Loading demo data: seed {seed}, {count} subjects, platform division {division} "
            f"{plan.place_name} …"
        )
        skipped: list[str] = []
        try:
            result = load_demo(plan)
        except DemoAlreadyLoaded as exc:
            self.stdout.write(self.style.WARNING(f"{exc.code}: {exc.message_en}."))
            self.stdout.write(
                "To start again from an empty platform, remove the database "
                "(var/xinyong.sqlite3 by default, or drop the PostgreSQL database), "
                "then run `xinyong migrate`, `xinyong policy load` and `xinyong demo`."
            )
        else:
            skipped = result.users_skipped
            counts = plan.category_counts()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {len(result.departments)} departments, {len(result.users_created)} "
                    f"users, {result.subjects} subjects and {result.renames} renames "
                    f"in {result.seconds:.1f} s."
                )
            )
            placeholders = counts.pop("placeholder_individual_business")
            self.stdout.write(
                "Subjects: "
                + ", ".join(f"{name.replace('_', ' ')} {n}" for name, n in counts.items())
                + f" (of the individual businesses, {placeholders} reported without a code)"
            )
            for line in result.scenario_lines:
                self.stdout.write(f"  {line}")
            assert result.event is not None
            self.stdout.write(
                f"Audit event #{result.event.seq} DEMO_DATA_LOADED, plan digest "
                f"{plan.digest()[:16]}…"
            )
        self._print_access(plan, skipped)
        self._write_sample()

    def _write_sample(self) -> None:
        """A penalty file to try collection with, reported by the demo reporter's department."""
        from xinyong.core.models import Subject, User
        from xinyong.records.samples import write_sample_penalties

        reporter = User.objects.filter(username="reporter").first()
        department = reporter.primary_department if reporter else None
        subjects = list(
            Subject.objects.filter(kind="legal_person", uscc__isnull=False).order_by("pk")[:40]
        )
        if department is None or len(subjects) < 4:
            return
        sample = write_sample_penalties(
            settings.VAR_DIR / "demo" / "penalties-sample-gbk.csv",
            department=department,
            subjects=subjects,
            today=timezone.localdate(),
        )
        self.stdout.write("")
        self.stdout.write(
            f"Collection sample (GBK, Chinese column names): {sample.path} — {sample.rows} "
            f"rows, {sample.bad_rows} with mistakes to be reported back."
        )
        self.stdout.write(
            f"  Log in as reporter and upload it at {base_url()}console/records/upload/, or run"
        )
        self.stdout.write(
            f"  xinyong import {sample.path} --department {department.code} --user reporter"
        )

    def _print_access(self, plan: DemoPlan, skipped: list[str]) -> None:
        url = base_url()
        self.stdout.write("")
        self.stdout.write("Start the server with `xinyong serve`, then open:")
        for label, path, zh in (
            ("Portal", "", "门户"),
            ("Console", "console/", "工作台"),
            ("Admin", "admin/", "管理后台"),
            ("API", "api/v1/openapi.json", "接口说明"),
        ):
            self.stdout.write(f"  {label:<8} {url}{path}  ({zh})")
        self.stdout.write("")
        self.stdout.write(
            "Demo log-ins (synthetic data; these accounts must never exist in production):"
        )
        departments = {d.key: d.name for d in plan.departments}
        rows = [("username", "password", "role", "department")]
        for user in plan.users:
            password = (
                "(existing account, unchanged)" if user.username in skipped else user.password
            )
            rows.append(
                (user.username, password, Role(user.role).value, departments[user.department])
            )
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            self.stdout.write(
                "  "
                + "  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True))
                + "  "
                + row[3]
            )

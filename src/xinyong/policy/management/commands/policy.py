"""``xinyong policy load [PATH…]`` loads reviewed policy files (one line per file; exit status
1 if any was refused); ``xinyong policy list`` shows the loaded editions; ``xinyong policy
lookup`` answers the dated questions (regime, publication window, setting)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinyong.audit.context import new_request_id, request_context
from xinyong.errors import CodedError
from xinyong.policy.choices import Severity
from xinyong.policy.jurisdiction_settings import SETTING_DEFINITIONS, policy_setting
from xinyong.policy.kinds import KINDS
from xinyong.policy.loader import load_policy_paths
from xinyong.policy.models import PolicyEdition
from xinyong.policy.regimes import publication_window, regime_for
from xinyong.workdays.errors import parse_date_param


class Command(BaseCommand):
    help = "Load, list and look up dated policy data (政策数据)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load policy files (default: every file in policy/)")
        load.add_argument("paths", nargs="*", metavar="PATH", type=Path)
        listing = sub.add_parser("list", help="list the loaded editions")
        listing.add_argument("--kind", choices=sorted(KINDS))
        lookup = sub.add_parser("lookup", help="dated look-ups")
        what = lookup.add_subparsers(dest="what", required=True)
        regime = what.add_parser("regime", help="the regime governing a decision date")
        regime.add_argument("date", metavar="DECISION_DATE")
        window = what.add_parser("window", help="publication window of a decision")
        window.add_argument("date", metavar="DECISION_DATE")
        window.add_argument("severity", choices=Severity.values)
        window.add_argument("--specific-serious", action="store_true")
        setting = what.add_parser("setting", help="a jurisdiction setting's value on a date")
        setting.add_argument("key", choices=sorted(SETTING_DEFINITIONS))
        setting.add_argument("--on", metavar="DATE", help="default: today")

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context(new_request_id("cli-policy-")):
            if options["action"] == "load":
                self._load(options["paths"])
            elif options["action"] == "list":
                self._list(options["kind"])
            else:
                try:
                    self._lookup(options)
                except CodedError as exc:
                    self.stderr.write(f"{exc.code}: {exc.message_zh} / {exc.message_en}")
                    sys.exit(1)

    def _load(self, paths: list[Path]) -> None:
        outcomes = load_policy_paths(paths or None)
        for outcome in outcomes:
            self.stdout.write(outcome.line())
        refused = sum(1 for o in outcomes if o.status == "refused")
        counts = {s: sum(1 for o in outcomes if o.status == s) for s in ("loaded", "unchanged")}
        self.stdout.write(
            f"{counts['loaded']} loaded, {counts['unchanged']} unchanged, {refused} refused"
        )
        if refused:
            sys.exit(1)

    def _list(self, kind: str | None) -> None:
        editions = PolicyEdition.objects.select_related("superseded_by").order_by(
            "kind", "code", "jurisdiction", "effective_from", "pk"
        )
        if kind:
            editions = editions.filter(kind=kind)
        for e in editions:
            self.stdout.write(
                f"{e.label}\t{e.jurisdiction}\t{e.effective_from}–{e.effective_to or ''}\t"
                f"{e.status}\t{e.origin}\t{e.digest[:12]}\t{e.source_path}"
            )

    def _lookup(self, options: dict[str, Any]) -> None:
        what = options["what"]
        if what == "setting":
            on = parse_date_param(options["on"], name="--on") if options["on"] else None
            s = policy_setting(options["key"], on=on)
            flag = "\tunconfirmed" if s.unconfirmed else ""
            self.stdout.write(
                f"{s.key} = {s.value} {s.unit}\t{s.jurisdiction}\t{s.edition}\t"
                f"{s.legal_source}{flag}"
            )
            return
        day = parse_date_param(options["date"], name="DECISION_DATE")
        if what == "regime":
            r = regime_for(day)
            self.stdout.write(
                f"{r.code}\t{r.name_zh}\t{r.legal_source}\t"
                f"{r.decisions_from}–{r.decisions_to or ''}"
            )
            return
        w = publication_window(
            day, options["severity"], specific_serious=options["specific_serious"]
        )
        self.stdout.write(
            f"{w.regime_code}\t{w.severity}{' (specific serious)' if w.specific_serious else ''}"
            f"\tpublished={w.published}\tmin_end={w.min_end}\tmax_end={w.max_end}"
            f"\trepairable={'yes' if w.repairable else 'no'}"
            f"\trepair_from={w.repair_from or '-'}\t{w.legal_source}"
        )

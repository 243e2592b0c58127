"""The check (应查必查) under load: single checks over HTTP against a trivial endpoint, and a
100,000-subject batch.

Why this exists: issue 4 asks that on PostgreSQL with 1,000,000 subjects and 50,000 active
listings, single checks driven from a second process at 300 requests/s have p99 ≤ 10 ms,
reach at least 0.5 of the throughput of a trivial django-ninja endpoint served the same way
in the same run, and that a 100,000-subject batch check takes ≤ 5 s. This benchmark

1. creates a scratch PostgreSQL database (``<name>_checkbench``, dropped afterwards),
   migrates it and loads the policy files;
2. seeds departments, a checker's API token and the list rules through the actions, then
   ``BENCH_CHECK_SUBJECTS`` subjects (default 1,000,000) and ``BENCH_CHECK_LISTINGS``
   listed wage-arrears cases (default 50,000) **by COPY straight into the tables** — the
   listing procedure renders two PDFs per case, which would take hours for 50,000 cases;
   the rows are what ``do_publish_listing`` leaves behind (state ``listed``, term, the
   decision's measure snapshot from ``measures_for``), 1 % of them suspended with their
   objection and suspension interval;
3. starts ``xinyong serve`` with its defaults (gunicorn, WSGI, sync workers: one per core
   plus one) in a subprocess;
4. drives it from a second process (threads, ``http.client``, a new connection per request
   as gunicorn's sync workers close them): open-loop at a fixed rate (300/s) for the
   trivial ``GET /api/v1/checks/ping`` and for ``GET /api/v1/checks`` on random subjects
   (latency counted from the scheduled send time, so queueing is not hidden), then
   closed-loop at full speed for both to compare throughputs;
5. times a 100,000-subject batch: in process (``do_check_batch``, what a platform job
   would run) and over HTTP as ten 10,000-subject ``POST /api/v1/checks/batch``.

Run: ``XINYONG_DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinyong python -m bench
check``; smaller: ``--subjects 100000 --listings 5000 --seconds 5``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

RATE = 300
#: Concurrent connections of the closed-loop (throughput) phase.
CONCURRENCY = 4
TODAY = date.today()


def _bench_url(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "xinyong"
    bench = f"{name}_checkbench"
    admin = urlunsplit(parts._replace(path="/postgres"))
    return urlunsplit(parts._replace(path=f"/{bench}")), admin, bench


def _admin(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)


def uscc(n: int) -> str:
    from xinyong.core.identifiers import make_uscc

    return make_uscc("9", "1", "330102", f"{n + 1:08d}")


# --------------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------------


def seed(subjects: int, listings: int) -> tuple[str, list[int]]:
    """Policy, departments, a check token; subjects and listings by COPY. Returns the token
    value and the indexes of the listed subjects."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from xinyong.core.actions import do_create_department
    from xinyong.core.choices import DepartmentKind
    from xinyong.core.identifiers import make_uscc
    from xinyong.lists.choices import CaseState, DueKind, ObjectionOutcome, ObjectionStage
    from xinyong.lists.models import ListingCase, ListingObjection, SuspensionInterval
    from xinyong.lists.queries import list_type_for
    from xinyong.measures.queries import measures_for
    from xinyong.policy.loader import load_policy_paths
    from xinyong.security.actions.tokens import do_create_api_token

    call_command("migrate", verbosity=0)
    refused = [o.line() for o in load_policy_paths(actor_label="bench") if o.status != "loaded"]
    assert not refused, refused
    bureau = do_create_department(
        name="示范市人力资源和社会保障局",
        code=make_uscc("1", "1", "330100", "99000001"),
        division="330100",
        kind=DepartmentKind.SECTOR_AUTHORITY,
        acting_user=None,
        actor_label="bench",
    )
    centre = do_create_department(
        name="示范市公共资源交易中心",
        code=make_uscc("1", "2", "330100", "99000002"),
        division="330100",
        kind=DepartmentKind.PUBLIC_SERVICE,
        acting_user=None,
        actor_label="bench",
    )
    token = do_create_api_token(
        name="交易系统",
        department=centre,
        scopes=["check"],
        days=30,
        acting_user=None,
        actor_label="bench",
    ).value

    now = timezone.now()
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        # Indexes are dropped during the COPY and built again after (scratch database only).
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = 'core_subject'"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        raw: Any = cursor.cursor
        columns = (
            "kind, name, uscc, division, id_type, id_number_encrypted, id_number_hash, "
            "id_number_masked, created_at, updated_at"
        )
        with raw.copy(f"COPY core_subject ({columns}) FROM STDIN") as copy:
            for n in range(subjects):
                copy.write_row(
                    ("legal_person", f"示范{n}号商贸有限公司", uscc(n), "330102", "", "", "", "",
                     now, now)
                )  # fmt: skip
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("ANALYZE core_subject")
    print(f"seed: {subjects:,} subjects by COPY in {time.perf_counter() - t0:.1f} s")

    decided = TODAY - timedelta(days=200)
    listed_on = decided + timedelta(days=2)
    rule = list_type_for("wage-arrears", on=decided)
    snapshot = [
        m.as_dict()
        for m in measures_for("wage-arrears", on=decided)
        if "legal_person" in m.targets or "responsible_persons" in m.targets
    ]
    rng = random.Random(4)
    chosen = sorted(rng.sample(range(subjects), listings))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pk FROM (SELECT id AS pk, uscc FROM core_subject) s WHERE uscc = ANY(%s)",
            [[uscc(n) for n in chosen]],
        )
        ids = [row[0] for row in cursor.fetchall()]
    template = ListingCase(
        list_type_code="wage-arrears",
        list_type=rule,
        initiating_department=bureau,
        state=CaseState.LISTED,
        basis_document_type="order_to_pay",
        basis_document_number="示人社监令〔2026〕12号",
        basis_document_date=decided - timedelta(days=30),
        basis_document_issuer=bureau.name,
        facts="拖欠农民工工资。",
        notice_date=decided - timedelta(days=20),
        objection_window_ends_on=decided - timedelta(days=12),
        decision_date=decided,
        term_months=36,
        measures_snapshot=snapshot,
        listed_on=listed_on,
        term_end=listed_on.replace(year=listed_on.year + 3),
        due_kind=DueKind.TERM_END,
        due_on=listed_on.replace(year=listed_on.year + 3),
        created_at=now,
        updated_at=now,
    )
    fields = [f for f in ListingCase._meta.concrete_fields if f.column != "id"]
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        names = ", ".join(f.column for f in fields)
        with raw.copy(f"COPY lists_listingcase ({names}) FROM STDIN") as copy:
            for sid in ids:
                template.subject_id = sid
                row = []
                for f in fields:
                    value = getattr(template, f.attname)
                    if f.get_internal_type() == "JSONField":
                        value = json.dumps(value, ensure_ascii=False, default=str)
                    row.append(value)
                copy.write_row(row)
        cursor.execute("ANALYZE lists_listingcase")
    # 1 % suspended: an objection against the listing is pending.
    suspended = list(ListingCase.objects.order_by("pk").values_list("pk", flat=True)[::100])
    since = TODAY - timedelta(days=3)
    ListingCase.objects.filter(pk__in=suspended).update(
        state=CaseState.SUSPENDED, suspended_since=since
    )
    objections = ListingObjection.objects.bulk_create(
        ListingObjection(
            case_id=pk, stage=ObjectionStage.AFTER_LISTING, received_on=since, grounds="已支付。",
            answer_due_on=TODAY + timedelta(days=10), outcome=ObjectionOutcome.PENDING,
        )
        for pk in suspended
    )  # fmt: skip
    SuspensionInterval.objects.bulk_create(
        SuspensionInterval(
            case_id=o.case_id, objection=o, since=since, term_end_before=template.term_end
        )
        for o in objections
    )
    print(
        f"seed: {len(ids):,} listings by COPY ({len(suspended):,} suspended) in "
        f"{time.perf_counter() - t0:.1f} s"
    )
    return token, chosen


# --------------------------------------------------------------------------------------------
# Load generation (runs in a second process)
# --------------------------------------------------------------------------------------------


def _request(port: int, path: str, headers: dict[str, str]) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def open_loop(
    port: int, paths: list[str], headers: dict[str, str], rate: int, seconds: float
) -> dict[str, float]:
    """Requests scheduled at a fixed rate; latency from the scheduled time."""
    total = int(rate * seconds)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(total))
    start = time.perf_counter() + 0.2

    def worker() -> None:
        nonlocal errors
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            status = _request(port, paths[i % len(paths)], headers)
            done = time.perf_counter()
            with lock:
                latencies.append(done - due)
                if status != 200:
                    errors += 1

    threads = [threading.Thread(target=worker) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def closed_loop(
    port: int, paths: list[str], headers: dict[str, str], seconds: float
) -> dict[str, float]:
    """``CONCURRENCY`` connections back to back: the throughput the server reaches."""
    stop = time.perf_counter() + seconds
    done = [0] * CONCURRENCY
    errors = [0] * CONCURRENCY

    def worker(k: int) -> None:
        i = k
        while time.perf_counter() < stop:
            if _request(port, paths[i % len(paths)], headers) != 200:
                errors[k] += 1
            done[k] += 1
            i += CONCURRENCY

    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(CONCURRENCY)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"rps": sum(done) / (time.perf_counter() - start), "errors": sum(errors)}


def drive(port: int, check_paths: list[str], token: str, seconds: float, out: Any) -> None:
    """The second process: every phase, results sent back through ``out``."""
    auth = {"Authorization": f"Bearer {token}"}
    ping = ["/api/v1/checks/ping"]
    open_loop(port, ping, {}, RATE, 1.0)  # warm-up
    open_loop(port, check_paths, auth, RATE, 1.0)
    out.send(
        {
            "ping_fixed": open_loop(port, ping, {}, RATE, seconds),
            "check_fixed": open_loop(port, check_paths, auth, RATE, seconds),
            "ping_max": closed_loop(port, ping, {}, seconds),
            "check_max": closed_loop(port, check_paths, auth, seconds),
        }
    )


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(port: int, timeout: float = 60) -> None:
    until = time.time() + timeout
    while time.time() < until:
        try:
            if _request(port, "/api/v1/checks/ping", {}) == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("xinyong serve did not come up")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench check")
    parser.add_argument(
        "--subjects", type=int, default=int(os.environ.get("BENCH_CHECK_SUBJECTS", 1_000_000))
    )
    parser.add_argument(
        "--listings", type=int, default=int(os.environ.get("BENCH_CHECK_LISTINGS", 50_000))
    )
    parser.add_argument("--batch", type=int, default=100_000, help="subjects in the batch")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv if argv is not None else [])
    url = os.environ.get("XINYONG_DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("bench/check needs PostgreSQL: set XINYONG_DATABASE_URL=postgres://…")
        return
    bench_url, admin_url, bench_name = _bench_url(url)
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)')
    _admin(admin_url, f'CREATE DATABASE "{bench_name}"')
    os.environ["XINYONG_DATABASE_URL"] = bench_url
    os.environ.setdefault("XINYONG_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
    try:
        _run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _admin(admin_url, f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)')
        os.environ["XINYONG_DATABASE_URL"] = url


def _run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection

    subjects = max(args.subjects, args.listings, args.batch)
    token, listed = seed(subjects, args.listings)
    connection.close()

    rng = random.Random(7)
    # Half the checks hit listed subjects, half random ones (mostly clear).
    picks = [rng.choice(listed) if i % 2 else rng.randrange(subjects) for i in range(20_000)]
    paths = [
        "/api/v1/checks?matter=government_procurement&purpose="
        + quote("政府采购资格审查")
        + f"&subject={uscc(n)}"
        for n in picks
    ]
    port = _free_port()
    env = {
        **os.environ,
        "XINYONG_RATE_API_IP": "1000000/m",
        "XINYONG_RATE_API_TOKEN": "1000000/m",
        "XINYONG_CHECK_CATALOGUE_TTL": "5",  # the production default (tests run without)
    }
    from xinyong.core.management.commands.serve import default_workers

    # Exactly as `xinyong serve` runs by default (or as XINYONG_WORKERS tells it).
    workers = int(os.environ.get("XINYONG_WORKERS") or 0) or default_workers()
    server = subprocess.Popen(
        [sys.executable, "-m", "xinyong.cli", "serve", "--bind", f"127.0.0.1:{port}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_up(port)
        receiver, sender = multiprocessing.Pipe(duplex=False)
        ctx = multiprocessing.get_context("spawn")
        loader = ctx.Process(target=drive, args=(port, paths, token, args.seconds, sender))
        loader.start()
        figures = receiver.recv()
        loader.join()

        codes = [uscc(n) for n in rng.sample(range(subjects), args.batch)]
        t0 = time.perf_counter()
        for start in range(0, len(codes), 10_000):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            body = json.dumps(
                {"subjects": codes[start : start + 10_000], "matter": "government_procurement",
                 "purpose": "批量资格审查"}
            )  # fmt: skip
            conn.request(
                "POST",
                "/api/v1/checks/batch",
                body=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            response.read()
            assert response.status == 200, response.status
            conn.close()
        t_http = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(timeout=30)

    from xinyong.checks.actions import do_check_batch
    from xinyong.core.models import Department
    from xinyong.security.models import ApiToken
    from xinyong.security.principals import Principal

    api_token = ApiToken.objects.select_related("department").get(name="交易系统")
    centre = Department.objects.get(pk=api_token.department_id)
    t0 = time.perf_counter()
    result = do_check_batch(
        codes,
        matter="government_procurement",
        purpose="批量资格审查",
        department=centre,
        acting_user=Principal.for_token(api_token),
        limit=None,
    )
    t_batch = time.perf_counter() - t0
    check = result.check

    pf, cf = figures["ping_fixed"], figures["check_fixed"]
    pm, cm = figures["ping_max"], figures["check_max"]
    print(
        f"server: xinyong serve (gunicorn WSGI, {workers} sync workers); load from a second "
        f"process; {subjects:,} subjects, {args.listings:,} listings; CPUs {os.cpu_count()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for name, f in (("trivial ping", pf), ("single check", cf)):
        print(
            f"{name:>12} @ {RATE}/s: {f['requests']:,} requests, {f['rps']:.0f} rps, "
            f"p50 {f['p50_ms']:.1f} ms, p99 {f['p99_ms']:.1f} ms, errors {f['errors']}"
        )
    print(
        f"max throughput ({CONCURRENCY} connections): ping {pm['rps']:.0f} rps, "
        f"check {cm['rps']:.0f} rps (errors {pm['errors']}/{cm['errors']}); "
        f"ratio check/ping {cm['rps'] / pm['rps']:.2f} (target ≥ 0.50)"
    )
    print(f"single-check p99 at {RATE}/s: {cf['p99_ms']:.1f} ms (target ≤ 10 ms)")
    print(
        f"batch {len(codes):,} subjects in process: {t_batch:.2f} s (target ≤ 5 s); "
        f"restricted {check.restricted_count:,}, clear {check.clear_count:,}; "
        f"receipt {len(check.receipt_payload) / 1024 / 1024:.1f} MiB"
    )
    print(f"batch {len(codes):,} subjects over HTTP (10 × 10,000): {t_http:.2f} s")


if __name__ == "__main__":
    main(sys.argv[1:])

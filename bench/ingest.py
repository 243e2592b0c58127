"""Ingestion: 1,000,000 penalty rows through the real path against a raw COPY.

Why this exists: issue 3 asks that ``xinyong import`` of a large file of penalties reach at
least 0.3 of the speed of a raw ``COPY`` into a bare table with the same indexes, with memory
flat (the file is streamed, never loaded whole). This benchmark

1. creates a scratch PostgreSQL database (``<name>_bench``, dropped afterwards), migrates it
   and loads the policy files (calendars, regimes, catalog);
2. writes a CSV of ``BENCH_INGEST_ROWS`` (default 1,000,000) valid penalty rows of 250,000
   distinct companies, in UTF-8, streamed to a temporary file;
3. imports it through :func:`xinyong.records.engine.process_stored_batch` — exactly what
   ``xinyong import`` runs: streaming reader, validation against the catalog, subjects
   created in bulk, publication windows, reporting lag, records, batch rows, one audit
   event per chunk — and samples the process's resident memory as it goes;
4. baseline, in the same run: ``COPY`` of the very rows the import wrote into
   ``bench_raw``, a table made ``LIKE records_record INCLUDING ALL`` (same columns, same
   indexes, no foreign keys, no triggers);
5. prints both speeds and their ratio.

Run: ``XINYONG_DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinyong python -m bench
ingest [--rows N] [--workers K]`` (``make bench``; ``--rows`` defaults to
``BENCH_INGEST_ROWS`` or 1,000,000, ``--workers`` to ``XINYONG_IMPORT_WORKERS`` or one less
than the CPUs). Needs PostgreSQL; prints a note and returns on SQLite.

Memory is the importing process's resident set, sampled as it goes, and the peak of the
validating worker processes.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROWS = int(os.environ.get("BENCH_INGEST_ROWS", "1000000"))
#: Where ``--profile`` writes the importing process's cProfile statistics.
PROFILE: str | None = None
SUBJECTS = max(1, ROWS // 4)
#: The day the import runs ("today" of validation and of the reporting lag).
TODAY = date(2025, 6, 16)


def _rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a local process (0 if it cannot be read)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _bench_url(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "xinyong"
    bench = f"{name}_bench"
    admin = urlunsplit(parts._replace(path="/postgres"))
    return urlunsplit(parts._replace(path=f"/{bench}")), admin, bench


def _recreate(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def write_rows(path: Path, rows: int, authority: str) -> None:
    """A CSV of ``rows`` valid penalty rows, streamed (the generator holds one row)."""
    from xinyong.core import identifiers

    rng = random.Random(20250616)
    codes = [identifiers.make_uscc("9", "1", "330102", f"{n + 1:08d}") for n in range(SUBJECTS)]
    header = [
        "CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM", "CF_FRDB", "CF_WSH", "CF_WFXW", "CF_SY",
        "CF_YJ", "CF_CFLB", "CF_NR", "CF_NR_FK", "CF_JDRQ", "CF_YXQ", "CF_CFJG", "CF_CFJGDM",
        "CF_SJLY", "CF_SJLYDM", "XY_QZCD",
    ]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for n in range(rows):
            subject = rng.randrange(SUBJECTS)
            decided = TODAY - timedelta(days=rng.randrange(1, 40))
            fine = rng.randrange(1, 500) / 10
            writer.writerow(
                [
                    f"杭州示例{subject}号商贸有限公司",
                    "法人及非法人组织",
                    codes[subject],
                    "王五",
                    f"杭市监罚〔2025〕{n + 1}号",
                    "销售不符合保障人体健康和人身、财产安全的国家标准、行业标准的产品",
                    "经查，当事人于2025年在其经营场所销售的产品经抽样检验不合格。",
                    "《中华人民共和国产品质量法》第四十九条",
                    "警告；罚款" if n % 3 else "罚款",
                    f"警告，并处罚款{fine}万元",
                    f"{fine}",
                    decided.isoformat(),
                    (decided + timedelta(days=365)).isoformat(),
                    "杭州市市场监督管理局",
                    authority,
                    "杭州市市场监督管理局",
                    authority,
                    "一般" if n % 10 else "严重",
                ]
            )


def main(argv: list[str] | None = None) -> None:
    global ROWS, SUBJECTS
    parser = argparse.ArgumentParser(prog="python -m bench ingest", description=__doc__)
    parser.add_argument("--rows", type=int, default=ROWS, help="penalty rows (default %(default)s)")
    parser.add_argument(
        "--workers", type=int, default=None, help="validating worker processes (0: in-process)"
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        default=None,
        help="write cProfile statistics of the importing process to FILE",
    )
    args = parser.parse_args(argv or [])
    global PROFILE
    PROFILE = args.profile
    ROWS, SUBJECTS = args.rows, max(1, args.rows // 4)
    if args.workers is not None:
        os.environ["XINYONG_IMPORT_WORKERS"] = str(args.workers)
    url = os.environ.get("XINYONG_DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("bench/ingest needs PostgreSQL: set XINYONG_DATABASE_URL=postgres://…")
        return
    bench_url, admin_url, bench_name = _bench_url(url)
    _recreate(admin_url, bench_name)
    os.environ["XINYONG_DATABASE_URL"] = bench_url
    os.environ.setdefault("XINYONG_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
    try:
        _run(bench_name)
    finally:
        from django.db import connections

        connections.close_all()
        _drop(admin_url, bench_name)
        os.environ["XINYONG_DATABASE_URL"] = url


def _run(bench_name: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from xinyong.core.actions import do_create_department
    from xinyong.core.choices import DepartmentKind
    from xinyong.core.identifiers import make_uscc
    from xinyong.policy.loader import load_policy_paths
    from xinyong.records.actions import check_item_for_department, do_receive_batch
    from xinyong.records.choices import Channel
    from xinyong.records.engine import file_digest, process_stored_batch
    from xinyong.records.models import Batch
    from xinyong.records.parallel import default_workers

    call_command("migrate", verbosity=0)
    refused = [o.line() for o in load_policy_paths(actor_label="bench") if o.status != "loaded"]
    assert not refused, refused
    department = do_create_department(
        name="杭州市市场监督管理局",
        code=make_uscc("1", "1", "330100", "99000001"),
        division="330100",
        kind=DepartmentKind.SECTOR_AUTHORITY,
        acting_user=None,
        actor_label="bench",
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "penalties.csv"
        t0 = time.perf_counter()
        write_rows(path, ROWS, department.code)
        size = path.stat().st_size
        print(
            f"file: {ROWS:,} rows, {size / 1024 / 1024:,.0f} MiB ({time.perf_counter() - t0:.1f} s)"
        )

        # The real path, as `xinyong import` runs it, with "today" fixed.
        real_now = timezone.now
        fixed = datetime(*TODAY.timetuple()[:3], 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
        timezone.now = lambda: fixed  # type: ignore[assignment]
        samples: list[tuple[int, float]] = []
        try:
            item = check_item_for_department("CF", department, on=TODAY)
            batch = do_receive_batch(
                department=department,
                item=item,
                channel=Channel.CLI,
                acting_user=None,
                actor_label="bench",
                content_digest=file_digest(path),
                source_name=path.name,
                source_path=str(path),
                source_size=size,
            ).batch

            backend: dict[int, list[float]] = {}  # pid: [first reading, last reading]

            def progress(b: Batch) -> None:
                # Called by the thread that committed the chunk: its connection's server
                # process (read as it goes: the connection is closed at the end).
                pid = connection.connection.info.backend_pid
                backend.setdefault(pid, [_cpu_seconds(pid), 0.0])[1] = _cpu_seconds(pid)
                if b.chunks_committed % 50 == 1:
                    samples.append((b.rows_processed, _rss_mib()))

            rss_before = _rss_mib()
            cpu0 = resource.getrusage(resource.RUSAGE_SELF)
            profiler = None
            if PROFILE:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            t0 = time.perf_counter()
            batch = process_stored_batch(
                batch, acting_user=None, actor_label="bench", on_progress=progress
            )
            t_real = time.perf_counter() - t0
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(PROFILE)
            cpu1 = resource.getrusage(resource.RUSAGE_SELF)
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            server = sum(last - first for first, last in backend.values())
        finally:
            timezone.now = real_now  # type: ignore[assignment]
        assert batch.status == "done", (batch.status, batch.error_code, batch.error_message_en)
        accepted = batch.accepted_total
        print(
            f"import: {batch.rows_processed:,} rows in {t_real:.1f} s = "
            f"{batch.rows_processed / t_real:,.0f} rows/s (accepted {accepted:,}, "
            f"rejected {batch.rejected:,})"
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        shown = samples[:: max(1, len(samples) // 6)]
        print(
            f"memory (RSS MiB): before {rss_before:.0f}; "
            + ", ".join(f"{rows:,} rows {mib:.0f}" for rows, mib in shown)
            + f"; end {_rss_mib():.0f}; peak {peak:.0f}; validating workers' peak "
            f"{workers_peak:.0f}"
        )
        per_row = 1e6 / max(1, batch.rows_processed)
        print(
            "CPU per row (µs): importing process "
            f"{(cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime) * per_row:.0f}, "
            f"validating workers {(children.ru_utime + children.ru_stime) * per_row:.0f}, "
            f"PostgreSQL backend {server * per_row:.0f} (from the end of the first chunk)"
        )
        print(
            f"workers: {default_workers()} validating process(es); "
            f"CPUs: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}"
        )

        # Baseline: COPY of the same rows into a bare table with the same indexes.
        dump = Path(tmp) / "records.copy"
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_raw")
            cursor.execute("CREATE TABLE bench_raw (LIKE records_record INCLUDING ALL)")
            raw = cursor.connection
            with dump.open("wb") as out, raw.cursor().copy("COPY records_record TO STDOUT") as copy:
                for block in copy:
                    out.write(block)
        connection.close()
        import psycopg

        settings_db = connection.settings_dict
        dsn = (
            f"dbname={bench_name} user={settings_db['USER'] or ''} "
            f"host={settings_db['HOST'] or ''} port={settings_db['PORT'] or ''}"
        )
        with psycopg.connect(dsn, autocommit=False) as conn:
            raw_pid = conn.info.backend_pid
            raw_cpu = _cpu_seconds(raw_pid)
            t0 = time.perf_counter()
            with (
                conn.cursor() as cursor,
                cursor.copy("COPY bench_raw FROM STDIN") as copy,
                dump.open("rb") as source,
            ):
                while block := source.read(1024 * 1024):
                    copy.write(block)
            conn.commit()
            t_raw = time.perf_counter() - t0
            raw_cpu = _cpu_seconds(raw_pid) - raw_cpu
        print(
            f"raw COPY: {accepted:,} rows in {t_raw:.1f} s = {accepted / t_raw:,.0f} rows/s "
            f"(PostgreSQL backend {raw_cpu * 1e6 / max(1, accepted):.0f} µs CPU per row)"
        )
        ratio = (batch.rows_processed / t_real) / (accepted / t_raw)
        print(f"ratio import/raw COPY: {ratio:.2f} (target ≥ 0.30)")

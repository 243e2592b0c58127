"""``xinyong serve``: the web server, gunicorn running the WSGI application.

Measured on these machines, a trivial Django view serves about 2,500 requests/s per core
under WSGI and only a few hundred under ASGI (a thread start costs 2.5 ms), so the platform
serves WSGI with synchronous worker processes (docs/decisions/0003-wsgi.md): one per core
by default (docs/decisions/0072-serve-workers.md); ``--worker-class gthread
--threads N`` (or ``XINYONG_WORKER_CLASS``/``XINYONG_THREADS``) for comparison.
"""

from __future__ import annotations

import gc
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def default_workers() -> int:
    """One synchronous worker per core, at least two. A check once spent half its time
    waiting for PostgreSQL and a worker more than the cores used the core meanwhile; since
    it makes two round trips instead of five, the extra worker only competes for the cores
    (measured with ``python -m bench check``: docs/decisions/0072-serve-workers.md)."""
    return max(2, os.cpu_count() or 1)


class Command(BaseCommand):
    help = "Serve the platform over HTTP with gunicorn (WSGI)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("XINYONG_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("XINYONG_WORKERS", "0")) or None
        )
        parser.add_argument("--timeout", type=int, default=60)
        parser.add_argument(
            "--worker-class",
            choices=["sync", "gthread"],
            default=os.environ.get("XINYONG_WORKER_CLASS", "sync"),
            help="gunicorn worker class (sync: one request at a time per process)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("XINYONG_THREADS", "0")) or None,
            help="threads per worker (gthread only)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.base import BaseApplication

        from xinyong.wsgi import application

        workers = options["workers"] or default_workers()
        config = {
            "bind": options["bind"],
            "workers": workers,
            "worker_class": options["worker_class"],
            "timeout": options["timeout"],
            **({"threads": options["threads"]} if options["threads"] else {}),
            "accesslog": "-",
            "forwarded_allow_ips": os.environ.get("XINYONG_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        }

        class _App(BaseApplication):
            def load_config(self) -> None:
                for key, value in config.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                return application

        self.stdout.write(f"xinyong serving on http://{options['bind']}/ ({workers} workers)")
        # Everything loaded so far (Django, the apps, the URL and policy tables) lives as long
        # as the workers: out of the garbage collector's full scans, which would walk it again
        # and again (the collections' pauses showed in the check's p99), and pages the forked
        # workers share stay shared (docs/decisions/0074-check-one-statement.md).
        gc.collect()
        gc.freeze()
        _App().run()

"""``xinyong serve``: the web server, gunicorn running the WSGI application.

Measured on these machines, a trivial Django view serves about 2,500 requests/s per core
under WSGI and only a few hundred under ASGI (a thread start costs 2.5 ms), so the platform
serves WSGI with one synchronous worker process per core (docs/decisions/0003-wsgi.md).
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the platform over HTTP with gunicorn (WSGI)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("XINYONG_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("XINYONG_WORKERS", "0")) or None
        )
        parser.add_argument("--timeout", type=int, default=60)

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.base import BaseApplication

        from xinyong.wsgi import application

        workers = options["workers"] or max(2, os.cpu_count() or 1)
        config = {
            "bind": options["bind"],
            "workers": workers,
            "worker_class": "sync",
            "timeout": options["timeout"],
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
        _App().run()

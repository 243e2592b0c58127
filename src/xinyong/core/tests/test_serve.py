"""``xinyong serve`` starts gunicorn with the WSGI application and answers over HTTP."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time

from xinyong.core.management.commands.serve import default_workers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_over_http() -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "xinyong.cli", "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", "2"],
        env={**os.environ, "XINYONG_ENV": "test"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and status is None:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/v1/checks/ping")
                response = conn.getresponse()
                status, body = response.status, response.read()
                conn.close()
            except OSError:
                assert server.poll() is None, server.communicate()[0]
                time.sleep(0.2)
        assert status == 200 and body == b'{"ok": true}', (status, body)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert f"xinyong serving on http://127.0.0.1:{port}/ (2 workers)" in output
    assert '"GET /api/v1/checks/ping HTTP/1.1" 200' in output  # the access log


def test_one_worker_per_core_by_default() -> None:
    assert default_workers() == max(2, os.cpu_count() or 1)

"""A real HTTP receiver for the webhook tests: ``http.server`` in a thread on 127.0.0.1.

It does what a department's system should do (docs/joint-action.md): verify the signature on
the raw body with :func:`xinyong.joint.signing.verify_signature`, refuse a bad one with 401,
and process each event id once (a repeated id is acknowledged, not processed again).
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from xinyong.joint.signing import EVENT_ID_HEADER, verify_signature


def free_port() -> int:
    """A port nothing listens on (yet): connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    port: int
    secret: str = ""
    status: int = 204
    requests: list[Received] = field(default_factory=list)
    processed: list[str] = field(default_factory=list)  # event ids, once each
    server: HTTPServer | None = None
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/xinyong/events"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                headers = {k: v for k, v in self.headers.items()}
                receiver.requests.append(Received(headers, body))
                if receiver.secret and not verify_signature(receiver.secret, headers, body):
                    self.send_response(401)
                    self.end_headers()
                    return
                event_id = headers.get(EVENT_ID_HEADER, "")
                if event_id not in receiver.processed:
                    receiver.processed.append(event_id)
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

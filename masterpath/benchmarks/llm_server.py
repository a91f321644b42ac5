"""A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions streaming protocol.

It stands in for Ollama, vLLM or llama.cpp server in tests and in `bench mentor`. It records
every request body and answers by `behaviour`: "ok" streams a reply, "error" answers HTTP 500,
"garbage" streams something that is not the protocol, "hang" waits longer than any test timeout.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REPLY = ["Let's think it through. ", "What happens to the port ", "inside a container? [1]"]


class FakeServer:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.behaviour = "ok"
        self.reply = list(REPLY)
        self.calls = 0


def _handler(fake: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            fake.calls += 1
            length = int(self.headers.get("Content-Length", "0"))
            fake.requests.append(json.loads(self.rfile.read(length)))
            if fake.behaviour == "error":
                self.send_response(500)
                self.end_headers()
                return
            if fake.behaviour == "hang":
                time.sleep(3)
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            if fake.behaviour == "garbage":
                self.wfile.write(b"data: this is not json\n\n")
                return
            for text in fake.reply:
                chunk = {"choices": [{"index": 0, "delta": {"content": text}}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")

    return Handler


@contextmanager
def running() -> Iterator[tuple[FakeServer, str]]:
    fake = FakeServer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()

"""Real servers on 127.0.0.1 for the integration tests: a ralph LRS (its own venv: its pinned
FastAPI would clash with ours), a misbehaving HTTP server, and aiosmtpd."""

from __future__ import annotations

import email
import email.policy
import os
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # aiosmtpd is imported when a test starts it: `make test` runs without it
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import Envelope

ROOT = Path(__file__).parents[2]
LRS_USER, LRS_PASSWORD = "masterpath", "lrs-test-password"
AGENT = ("-A", LRS_USER, "http://lrs.test")  # the account ralph records as the authority


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ralph_binary() -> str:
    found = os.environ.get("MASTERPATH_RALPH") or str(ROOT / ".venv-ralph" / "bin" / "ralph")
    if not Path(found).exists():
        pytest.skip(f"no ralph at {found}: `make test-integrations` installs it")
    return found


@dataclass
class Ralph:
    """A ralph LRS (file-system backend) that can be stopped and started again on one port."""

    binary: str
    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_APP_DIR": str(self.folder / "app"),
            "RALPH_AUTH_FILE": str(self.folder / "auth.json"),
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.folder / "data"),
        }

    def credentials(self) -> None:
        subprocess.run(
            [self.binary, "auth", "-u", LRS_USER, "-p", LRS_PASSWORD, "-s", "all", "-w", *AGENT],
            env=self.env,
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        python = str(Path(self.binary).parent / "python")  # ralph's venv
        log = (self.folder / "ralph.log").open("ab")
        self.process = subprocess.Popen(
            [python, str(Path(__file__).parent / "ralph_lrs.py"), str(self.port)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1
                ):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"ralph did not start: {(self.folder / 'ralph.log').read_text()}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    def statements(self) -> list[dict[str, object]]:
        """Every statement the LRS holds (GET /xAPI/statements, following `more`)."""
        import base64
        import json

        auth = base64.b64encode(f"{LRS_USER}:{LRS_PASSWORD}".encode()).decode()
        found: list[dict[str, object]] = []
        url = f"http://127.0.0.1:{self.port}/xAPI/statements?limit=100"
        while url:
            request = urllib.request.Request(
                url,
                headers={"Authorization": f"Basic {auth}", "X-Experience-API-Version": "1.0.3"},
            )
            with urllib.request.urlopen(request, timeout=10) as reply:
                page = json.load(reply)
            found += page["statements"]
            more = page.get("more") or ""
            url = f"http://127.0.0.1:{self.port}{more}" if more else ""
        return found


@pytest.fixture
def ralph(tmp_path: Path) -> Iterator[Ralph]:
    server = Ralph(ralph_binary(), tmp_path / "lrs")
    server.folder.mkdir()
    server.credentials()
    server.start()
    yield server
    server.stop()


class Misbehaving(BaseHTTPRequestHandler):
    """Answers 500, or holds the request without answering (`hang`)."""

    mode = "500"
    requests: list[str] = []

    def do_POST(self) -> None:
        self.requests.append(self.path)
        if self.mode == "hang":
            time.sleep(5)
            return
        self.send_response(500)
        self.end_headers()
        self.wfile.write(b"the LRS is having a bad day")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def broken_lrs() -> Iterator[tuple[ThreadingHTTPServer, type[Misbehaving]]]:
    handler = type("Handler", (Misbehaving,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, handler
    server.shutdown()
    server.server_close()


class Mailbox:
    """An aiosmtpd handler that keeps what it accepts; it answers `refusals` DATA commands
    with 451 first, as a server that is busy for a while."""

    def __init__(self, refusals: int = 0) -> None:
        self.refusals = refusals
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:
        if self.refusals > 0:
            self.refusals -= 1
            return "451 4.3.0 busy, try again later"
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        self.messages.append(email.message_from_bytes(content, policy=email.policy.default))
        return "250 OK"


def body(message: EmailMessage) -> str:
    return str(message.get_content())


@dataclass
class Smtp:
    mailbox: Mailbox
    port: int
    controller: Controller | None = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    server = Smtp(Mailbox(), free_port())
    server.start()
    yield server
    server.stop()

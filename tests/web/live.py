"""A real server process on a test's own database, and a small HTTP client for it.

`python -m tests.web.live PORT` serves `create_app` with the settings in the environment, on
whatever the test put in the database (no built-in packs are loaded, so it starts in about a
second). The client speaks plain HTTP/1.1 over loopback, one connection per request, so
threads can race each other for real.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from masterpath.settings import Settings, load_settings
from masterpath.web import create_app
from tests.e2e.conftest import free_port


def main() -> None:
    import uvicorn

    settings = load_settings()
    uvicorn.run(
        create_app(settings),
        host="127.0.0.1",
        port=int(sys.argv[1]),
        log_level="warning",
        **settings.proxy_options(),
    )


@contextmanager
def serving(settings: Settings, **env: str) -> Iterator[int]:
    """The test's database served by a real process; yields its port."""
    port = free_port()
    full = {
        **os.environ,
        "MASTERPATH_DATA_DIR": str(settings.data_dir),
        "MASTERPATH_DATABASE_URL": settings.url,
        "MASTERPATH_SECRET_KEY": settings.secret_key,
        "MASTERPATH_ENV": "development",
        "MASTERPATH_EMBEDDING_MODEL": "off",
        **env,
    }
    log = Path(settings.data_dir) / "live-server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.web.live", str(port)],
            env=full,
            stdout=out,
            stderr=out,
        )
        try:
            deadline = time.monotonic() + 60
            while not _up(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the test server did not start:\n{log.read_text()}")
                time.sleep(0.05)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=20)


def _up(port: int) -> bool:
    try:
        return Client(port).get("/healthz").status == 200
    except OSError:
        return False


@dataclass(frozen=True)
class Reply:
    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Client:
    port: int
    cookie: str = ""
    csrf: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes | None = None, kind: str = "") -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Accept": "application/json", **self.headers}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        if kind:
            headers["Content-Type"] = kind
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            text = response.read().decode()
            headers = {k.lower(): v for k, v in response.getheaders()}
            headers["set-cookie"] = ", ".join(response.msg.get_all("set-cookie") or [])
            return Reply(response.status, text, headers)
        finally:
            connection.close()

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, payload: Any) -> Reply:
        return self.request("POST", path, json.dumps(payload).encode(), "application/json")

    def form(self, path: str, fields: dict[str, str]) -> Reply:
        body = urllib.parse.urlencode(fields).encode()
        return self.request("POST", path, body, "application/x-www-form-urlencoded")


def log_in(port: int, email: str, password: str) -> Client:
    """A client holding the learner's session cookie and CSRF token."""
    client = Client(port)
    anon = client.request("GET", "/login")
    client.cookie = _cookies(anon)
    token = _token(client.request("GET", "/login").body)
    client.headers["Accept"] = "text/html"
    done = client.form("/login", {"email": email, "password": password, "csrf_token": token})
    assert done.status == 303, done.body
    client.cookie = "; ".join(c for c in (client.cookie, _cookies(done)) if c)
    client.csrf = _token(client.request("GET", "/account").body)
    return client


def _cookies(reply: Reply) -> str:
    found = re.findall(r"(mp_\w+)=([^;]+)", reply.headers.get("set-cookie", ""))
    return "; ".join(f"{name}={value}" for name, value in found)


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


if __name__ == "__main__":
    main()

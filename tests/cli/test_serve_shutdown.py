"""SIGTERM to `masterpath serve` under a steady load of acknowledged writes: requests in flight
finish, and every write answered 2xx is in the database."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from masterpath.benchmarks.mentor import login
from tests.conftest import PG_URL

THREADS = 4  # each sends one write after another, a new connection each
SLOW = 2  # writes whose body is sent only after the SIGTERM: surely in flight at the signal
WARM_UP = 40  # acknowledged writes before the signal
BODY_DELAY = 0.3  # seconds after the SIGTERM before a slow write sends its body


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"server exited:\n{log.read_text()}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"server did not answer within 60 s:\n{log.read_text()}")


@dataclass
class Load:
    """POST /api/v1/me/time, each write with its own `seconds` value and its own connection,
    sorted by what happened to it."""

    port: int
    headers: dict[str, str]
    signalled: threading.Event = field(default_factory=threading.Event)
    acknowledged: set[float] = field(default_factory=set)
    after_signal: int = 0  # acknowledged once the SIGTERM was sent
    refused: int = 0  # the listening socket was closed: nothing was sent
    closed: list[float] = field(default_factory=list)  # sent, then the connection closed
    other: list[int] = field(default_factory=list)  # any status that is not 2xx
    slow_sent: list[float] = field(default_factory=list)  # slow writes whose headers went out
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: int = 0

    def next_value(self) -> float:
        with self.lock:
            self.counter += 1
            return round(1 + self.counter / 1000, 3)

    def send(self, *, slow: bool = False) -> bool:
        """One write; False once the server refuses connections."""
        value = self.next_value()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            status = self._exchange(connection, value, slow=slow)
        except ConnectionRefusedError:
            with self.lock:
                self.refused += 1
            return False
        except (OSError, http.client.HTTPException):
            with self.lock:
                self.closed.append(value)
            return True
        finally:
            connection.close()
        with self.lock:
            if 200 <= status < 300:
                self.acknowledged.add(value)
                self.after_signal += self.signalled.is_set()
            else:
                self.other.append(status)
        return True

    def _exchange(self, connection: http.client.HTTPConnection, value: float, slow: bool) -> int:
        body = json.dumps({"seconds": value}).encode()
        connection.putrequest("POST", "/api/v1/me/time")
        for name, text in {**self.headers, "Content-Length": str(len(body))}.items():
            connection.putheader(name, text)
        connection.endheaders()
        if slow:
            with self.lock:
                self.slow_sent.append(value)
            self.signalled.wait(timeout=20)
            time.sleep(BODY_DELAY)
        connection.send(body)
        response = connection.getresponse()
        response.read()
        return response.status

    def run(self, deadline: float) -> None:
        while time.monotonic() < deadline and self.send():
            pass


def serve(data: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MASTERPATH_DATA_DIR": str(data),
        "MASTERPATH_ENV": "development",
        "MASTERPATH_EMBEDDING_MODEL": "off",
    }
    env.pop("MASTERPATH_DATABASE_URL", None)
    with (data / "server.log").open("w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "masterpath", "serve", f"--workers={workers}", f"--port={port}"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def stored_values(path: Path) -> set[float]:
    with closing(sqlite3.connect(path)) as connection:
        found = connection.execute("SELECT seconds FROM study_time WHERE kind = 'lesson'")
        return {round(float(seconds), 3) for (seconds,) in found}


def drive(load: Load, process: subprocess.Popen[bytes]) -> int:
    """Steady writes, slow writes with their headers sent, SIGTERM; returns the exit code."""
    deadline = time.monotonic() + 20
    threads = [threading.Thread(target=load.run, args=(deadline,)) for _ in range(THREADS)]
    threads += [threading.Thread(target=load.send, kwargs={"slow": True}) for _ in range(SLOW)]
    for thread in threads:
        thread.start()
    while (len(load.acknowledged) < WARM_UP or len(load.slow_sent) < SLOW) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.01)
    time.sleep(0.1)  # the server has read the slow writes' headers: they are in flight
    process.send_signal(signal.SIGTERM)
    load.signalled.set()
    code = process.wait(timeout=20)
    for thread in threads:
        thread.join()
    return code


@pytest.mark.skipif(bool(PG_URL), reason="a server on SQLite, run in the SQLite pass")
@pytest.mark.parametrize("workers", [1, 2])  # 2: each worker on a socket of its own
def test_sigterm_lets_requests_in_flight_finish(tmp_path: Path, workers: int) -> None:
    port = free_port()
    process = serve(tmp_path, port, workers)
    try:
        wait_until_up(port, process, tmp_path / "server.log")
        cookies, token = login(port)
        headers = {"Cookie": cookies, "X-CSRF-Token": token, "Content-Type": "application/json"}
        load = Load(port, headers)
        code = drive(load, process)
    finally:
        if process.poll() is None:
            process.kill()
    stored = stored_values(tmp_path / "masterpath.db")
    cut = sorted(set(load.closed) & stored)
    slow_done = sorted(set(load.slow_sent) & load.acknowledged)
    counts = (
        f"{len(load.acknowledged)} acknowledged ({load.after_signal} answered after the "
        f"SIGTERM, {len(slow_done)} of {SLOW} slow writes among them), {load.refused} refused "
        f"after the socket closed, {len(load.closed) - len(cut)} closed unanswered and not "
        f"stored, {len(cut)} cut in flight (stored, unanswered), {len(stored)} rows stored, "
        f"statuses other than 2xx: {load.other}, exit code {code}"
    )
    log = (tmp_path / "server.log").read_text()
    assert code in (0, -signal.SIGTERM), f"{counts}\n{log}"
    missing = load.acknowledged - stored
    assert not missing, f"acknowledged but not in the database: {sorted(missing)}; {counts}"
    assert cut == [], f"answered by the server but the connection was cut: {cut}; {counts}"
    assert slow_done == sorted(load.slow_sent), f"in flight at the SIGTERM, not finished; {counts}"
    assert stored <= load.acknowledged | set(load.closed), counts
    assert load.other == [] and load.refused >= THREADS, counts
    print(counts)

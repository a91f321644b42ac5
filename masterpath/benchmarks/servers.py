"""Real server processes for the benchmarks: started on a free port, stopped afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from masterpath.benchmarks.startup import _answers, _free_port


@dataclass(frozen=True)
class Server:
    port: int
    pid: int  # the first process; uvicorn's workers are its children


@contextmanager
def running(
    args: list[str], env: dict[str, str], *, workers: int = 1, timeout: float = 600.0
) -> Iterator[Server]:
    """`python -m <args> --port <free port>` with `env` over this environment, once
    `/healthz` answers 200 and, on Linux, `workers` sockets listen on the port (each worker
    listens on its own once started: a client that connected when the first answered would
    find only that one, and keep-alive connections stay where they land); terminated when the
    block ends. The caller's `MASTERPATH_DATABASE_URL` is dropped unless `env` sets one."""
    port = _free_port()
    full = {**os.environ}
    full.pop("MASTERPATH_DATABASE_URL", None)
    full.update(env)
    process = subprocess.Popen(
        [sys.executable, "-m", *args, "--port", str(port)],
        env=full,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + timeout  # a first start embeds the content
        while not _answers(f"http://127.0.0.1:{port}/healthz") or _listening(port) < workers:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{' '.join(args)} did not start")
            time.sleep(0.05)
        yield Server(port, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _listening(port: int) -> float:
    """How many sockets listen on `port`, from Linux's /proc/net/tcp and tcp6 (infinity where
    there is no /proc to read)."""
    tables = [path for path in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")) if path.exists()]
    if not tables:
        return float("inf")
    found = 0
    for table in tables:
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            found += int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A"
    return found

"""Real server processes for the benchmarks: started on a free port, stopped afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from masterpath.benchmarks.startup import _answers, _free_port


@dataclass(frozen=True)
class Server:
    port: int
    pid: int  # the first process; uvicorn's workers are its children


@contextmanager
def running(args: list[str], env: dict[str, str], *, timeout: float = 600.0) -> Iterator[Server]:
    """`python -m <args> --port <free port>` with `env` over this environment, once
    `/healthz` answers 200; terminated when the block ends. The caller's
    `MASTERPATH_DATABASE_URL` is dropped unless `env` sets one."""
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
        while not _answers(f"http://127.0.0.1:{port}/healthz"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{' '.join(args)} did not start")
            time.sleep(0.05)
        yield Server(port, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)

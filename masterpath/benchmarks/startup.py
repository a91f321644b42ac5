"""Cold start: a fresh data folder, `masterpath serve`, time until /healthz answers 200."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def one_start(*, timeout: float = 120.0) -> float:
    """Seconds from launching `masterpath serve` on an empty data folder to the first 200."""
    with tempfile.TemporaryDirectory() as data:
        port = _free_port()
        env = {**os.environ, "MASTERPATH_DATA_DIR": data}
        env.pop("MASTERPATH_DATABASE_URL", None)
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "masterpath", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while time.perf_counter() - start < timeout:
                if _answers(f"http://127.0.0.1:{port}/healthz"):
                    return time.perf_counter() - start
                if process.poll() is not None:
                    raise RuntimeError("masterpath serve exited before answering")
                time.sleep(0.02)
            raise RuntimeError(f"no answer within {timeout} s")
        finally:
            process.terminate()
            process.wait(timeout=30)


def run(*, runs: int, progress: Callable[[int], None] = lambda _: None) -> dict[str, float]:
    times = []
    for index in range(runs):
        times.append(one_start())
        progress(index + 1)
    times.sort()
    return {
        "runs": runs,
        "median_s": round(statistics.median(times), 3),
        "p90_s": round(times[min(len(times) - 1, int(0.9 * len(times)))], 3),
        "min_s": round(times[0], 3),
        "max_s": round(times[-1], 3),
    }


def table(result: dict[str, float]) -> list[str]:
    """The result as text."""
    return [
        f"cold start to first 200 over {result['runs']} runs: median {result['median_s']} s, "
        f"p90 {result['p90_s']} s (min {result['min_s']}, max {result['max_s']})"
    ]

"""`masterpath bench mentor`: mentor turns through the real HTTP streaming route.

A `masterpath serve` process on an empty data folder answers 500 turns on
`POST /api/v1/me/skills/<id>/mentor/stream` from a registered learner: time to the first byte
of the reply and to its last byte. A second run points the `openai` provider at a local
OpenAI-protocol server and compares time to the first token through MasterPath with a direct
request to that same server: the difference is what MasterPath adds.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from masterpath.benchmarks import llm_server, servers

SKILL = "docker-containers"
QUESTIONS = (
    "why does docker stop take ten seconds?",
    "what is the difference between a tag and a digest?",
    "how do I keep secrets out of my image?",
    "why is my image so big?",
    "are containers virtual machines?",
)


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2), "p95_ms": round(p95 * 1000, 2)}


@contextmanager
def serving(env: dict[str, str], seed: str = "", *, workers: int = 1) -> Iterator[int]:
    """`masterpath serve` on an empty data folder, or on a copy of `seed`'s database."""
    with tempfile.TemporaryDirectory() as data:
        for found in Path(seed).glob("masterpath.db*") if seed else ():
            shutil.copy(found, Path(data) / found.name)
        full = {"MASTERPATH_DATA_DIR": data, "MASTERPATH_ENV": "development", **env}
        command = ["masterpath", "serve", "--workers", str(workers)]
        with servers.running(command, full) as server:
            yield server.port


def login(port: int) -> tuple[str, str]:
    """Register a learner through the form; returns (cookie header, CSRF token)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    page = opener.open(f"{base}/register").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if token is None:
        raise RuntimeError("no CSRF token on /register")
    form = {
        "email": "bench@example.invalid",
        "password": "a long enough password",
        "display_name": "Bench",
        "timezone": "UTC",
        "csrf_token": token.group(1),
    }
    opener.open(f"{base}/register", urllib.parse.urlencode(form).encode()).read()
    account = opener.open(f"{base}/account").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', account)
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookies, token.group(1) if token else ""


def _turn(
    port: int, path: str, body: dict[str, Any], headers: dict[str, str]
) -> tuple[float, float]:
    """(seconds to the first byte of the body, seconds to the last) for one streamed POST."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    connection.request(
        "POST", path, json.dumps(body), {"Content-Type": "application/json", **headers}
    )
    response = connection.getresponse()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}: {response.read()[:200]!r}")
    first = response.read1(65536)
    ttfb = time.perf_counter() - started
    while first:
        first = response.read1(65536)
    total = time.perf_counter() - started
    connection.close()
    return ttfb, total


def _mentor_turns(
    port: int, turns: int, progress: Callable[[str], None]
) -> tuple[list[float], list[float]]:
    cookies, token = login(port)
    headers = {"Cookie": cookies, "X-CSRF-Token": token}
    first, last = [], []
    for n in range(turns):
        body = {"message": QUESTIONS[n % len(QUESTIONS)], "mode": "explain"}
        ttfb, total = _turn(port, f"/api/v1/me/skills/{SKILL}/mentor/stream", body, headers)
        first.append(ttfb)
        last.append(total)
        if (n + 1) % 100 == 0:
            progress(f"{n + 1}/{turns}")
    return first, last


def _loaded(folder: str, env: dict[str, str]) -> None:
    """Load the built-in packs and their vectors once; both servers start from a copy."""
    full = {**os.environ, "MASTERPATH_DATA_DIR": folder, "MASTERPATH_ENV": "development", **env}
    full.pop("MASTERPATH_DATABASE_URL", None)
    core = Path(__file__).parents[1] / "content" / "packs" / "core"
    command = [sys.executable, "-m", "masterpath", "content", "load", str(core)]
    subprocess.run(command, env=full, check=True, capture_output=True)


def run(
    *,
    turns: int = 500,
    progress: Callable[[str], None] = lambda _: None,
    embedding_model: str | None = None,
) -> dict[str, Any]:
    """`embedding_model` "off" measures BM25 alone (the tests); None: as configured."""
    model = {} if embedding_model is None else {"MASTERPATH_EMBEDDING_MODEL": embedding_model}
    with tempfile.TemporaryDirectory() as seed:
        progress("loading the content and embedding it once")
        _loaded(seed, model)
        return _run(turns, progress, model, seed)


def _run(
    turns: int, progress: Callable[[str], None], model: dict[str, str], seed: str
) -> dict[str, Any]:
    progress("builtin provider")
    with serving(model, seed) as port:
        first, last = _mentor_turns(port, turns, progress)
    result: dict[str, Any] = {
        "turns": turns,
        "first_byte": _percentiles(first),
        "last_byte": _percentiles(last),
    }
    progress("openai provider against a local OpenAI-protocol server")
    with llm_server.running() as (_, url):
        llm_port = int(urllib.parse.urlsplit(url).port or 0)
        direct = []
        for n in range(turns):
            body = {
                "model": "bench",
                "stream": True,
                "messages": [{"role": "user", "content": QUESTIONS[n % len(QUESTIONS)]}],
            }
            direct.append(_turn(llm_port, "/v1/chat/completions", body, {})[0])
        env = {
            "MASTERPATH_MENTOR_PROVIDER": "openai",
            "MASTERPATH_MENTOR_BASE_URL": url,
            "MASTERPATH_MENTOR_MODEL": "bench",
            "MASTERPATH_MENTOR_DAILY_TOKENS": "100000000",
            **model,
        }
        with serving(env, seed) as port:
            through, _ = _mentor_turns(port, turns, progress)
    overhead = statistics.median(through) - statistics.median(direct)
    result["openai"] = {
        "direct_first_token": _percentiles(direct),
        "through_masterpath_first_token": _percentiles(through),
        "overhead_ms": round(overhead * 1000, 2),
    }
    return result


def table(result: dict[str, Any]) -> list[str]:
    """The result as text: the built-in provider's bytes, then the LLM overhead."""
    first, last, llm = result["first_byte"], result["last_byte"], result["openai"]
    return [
        f"builtin  first byte p50 {first['p50_ms']} ms p95 {first['p95_ms']} ms; "
        f"last byte p50 {last['p50_ms']} ms p95 {last['p95_ms']} ms",
        f"openai   MasterPath adds {llm['overhead_ms']} ms to the first token (median)",
    ]

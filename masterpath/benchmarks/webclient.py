"""The load client of `masterpath bench web`, run in a process of its own.

`python -m masterpath.benchmarks.webclient` reads one plan (JSON) on stdin, drives a server
over keep-alive HTTP/1.1 connections, one per learner, from one asyncio loop, and prints one
JSON result: per route the successful responses, the errors by kind, p50/p99/max; the CPU the
client, the server's processes and the whole machine spent meanwhile; and for PostgreSQL, the
database's own counters (sessions opened, time spent running statements, commits).

Two shapes of load. `closed`: each learner sends its next request when the last one is answered
(no think time), so the server sets the pace. `open`: requests fall due at a fixed rate whatever
the server does; a request's latency counts from when it fell due, so a server (or client) that
falls behind is not excused by its own slowness.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from masterpath.benchmarks import usage
from masterpath.domain.content import ItemType

TIMEOUT = 30.0  # seconds a request may take before it counts as an error
IDLE = 4.0  # seconds after which a kept-alive connection is not trusted any more
# One learner's round of study: the card queue, then ten answered items (each served first)
# with a card reviewed after every other one, then a look at the dashboard.
CYCLE = (
    "cards_due",
    *("next_item", "answer", "review") * 5,
    *("next_item", "answer") * 5,
    "dashboard",
)
RATINGS = ([1, 2, 3, 4], [0.1, 0.15, 0.6, 0.15])
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FAILURES = (OSError, EOFError, TimeoutError, ValueError, asyncio.IncompleteReadError)


class Connection:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1, reopened after a failure and, as
    browsers do, after an idle spell that uvicorn may have ended (its keep-alive is 5 s)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self.used = 0.0

    async def send(self, method: str, path: str, headers: str, body: bytes) -> tuple[int, bytes]:
        if time.perf_counter() - self.used > IDLE:
            self.close()
        if self.streams is None:
            self.streams = await asyncio.open_connection("127.0.0.1", self.port)
        reader, writer = self.streams
        length = f"Content-Length: {len(body)}\r\n" if method != "GET" else ""
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}{length}\r\n"
        writer.write(head.encode() + body)
        lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        fields = dict(_field(line) for line in lines[1:] if line)
        if fields.get("transfer-encoding") == "chunked":
            data = await _chunked(reader)
        else:
            data = await reader.readexactly(int(fields["content-length"]))
        if fields.get("connection") == "close":
            self.close()
        self.used = time.perf_counter()
        return int(lines[0].split(" ")[1]), data

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
        self.streams = None


def _field(line: str) -> tuple[str, str]:
    name, _, value = line.partition(":")
    return name.strip().lower(), value.strip()


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    data = b""
    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
        data += await reader.readexactly(size)
        await reader.readexactly(2)
    await reader.readuntil(b"\r\n")  # the empty trailer
    return data


@dataclass
class Learner:
    token: str
    skill: str
    deck: str
    conn: Connection
    rng: random.Random
    csrf: str = ""
    item: dict[str, Any] | None = None
    served: list[dict[str, Any]] = field(default_factory=list)
    cards: list[str] = field(default_factory=list)
    reviews: int = 0


def quantile_ms(ordered: list[float], q: float) -> float | None:
    """The q-quantile (nearest rank) of sorted seconds, in ms; None without samples."""
    if not ordered:
        return None
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)


@dataclass
class Route:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    sample: dict[str, str] = field(default_factory=dict)  # the first body of each error kind

    def summary(self, seconds: float) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        return {
            "count": len(self.latencies),
            "req_per_s": round(len(self.latencies) / seconds, 1),
            "p50_ms": quantile_ms(ordered, 0.5),
            "p99_ms": quantile_ms(ordered, 0.99),
            "max_ms": quantile_ms(ordered, 1.0),
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "error_samples": self.sample,
        }


@dataclass
class Run:
    """One phase's bounds and what it measured."""

    started: float = 0.0
    deadline: float = float("inf")
    max_requests: int = 0
    measuring: bool = False
    sent: int = 0
    routes: dict[str, Route] = field(default_factory=dict)
    behind: list[float] = field(default_factory=list)  # open loop: how late requests left
    skipped: Counter[str] = field(default_factory=Counter)
    unsent: int = 0  # open loop: requests that fell due but could not leave before the end

    def going(self) -> bool:
        return time.perf_counter() < self.deadline and self.sent < self.max_requests

    async def request(
        self,
        learner: Learner,
        route: str,
        method: str,
        path: str,
        *,
        body: Any = None,
        due: float | None = None,
    ) -> Any:
        """One request; its latency and outcome are recorded while measuring."""
        headers, data = f"Cookie: mp_session={learner.token}\r\n", b""
        if body is not None:
            data = json.dumps(body).encode()
            headers += f"Content-Type: application/json\r\nX-CSRF-Token: {learner.csrf}\r\n"
        started = time.perf_counter()
        self.sent += self.measuring
        if due is not None and self.measuring:
            self.behind.append(max(0.0, started - due))
        try:
            send = learner.conn.send(method, path, headers, data)
            status, raw = await asyncio.wait_for(send, TIMEOUT)
        except FAILURES as exc:
            learner.conn.close()
            return self._failed(route, type(exc).__name__, str(exc))
        if not 200 <= status < 300:
            return self._failed(route, str(status), raw[:300].decode(errors="replace"))
        if self.measuring:
            stats = self.routes.setdefault(route, Route())
            stats.latencies.append(time.perf_counter() - (started if due is None else due))
        return json.loads(raw) if raw.startswith((b"{", b"[")) else raw.decode(errors="replace")

    def _failed(self, route: str, kind: str, text: str) -> None:
        if not self.measuring:
            raise RuntimeError(f"{route} failed while preparing: {kind} {text}")
        stats = self.routes.setdefault(route, Route())
        stats.errors[kind] += 1
        stats.sample.setdefault(kind, text)


def response(item: dict[str, Any], rng: random.Random) -> Any:
    """A plausible response to a served item (`_response` in benchmarks/study.py)."""
    options = [o["id"] for o in item["options"]]
    kind = item["type"]
    if kind == ItemType.SINGLE_CHOICE:
        return rng.choice(options)
    if kind == ItemType.MULTIPLE_CHOICE:
        return options[: rng.randint(1, len(options))]
    if kind == ItemType.TRUE_FALSE:
        return rng.random() < 0.7
    if kind == ItemType.NUMERIC:
        return float(rng.randint(0, 99))
    if kind == ItemType.ORDERING:
        return rng.sample(options, len(options))
    return "a short answer that names a few ideas, such as caching, latency and cost"


# Steps: each sends one request as a learner would -----------------------------------------------

Step = Callable[[Run, Learner, "float | None"], Awaitable[None]]


async def next_item(run: Run, learner: Learner, due: float | None) -> None:
    path = f"/api/v1/me/skills/{learner.skill}/next-item"
    found = await run.request(learner, "next_item", "GET", path, due=due)
    if found and found.get("item"):
        learner.item = found["item"]


async def answer(run: Run, learner: Learner, due: float | None) -> None:
    if learner.item is None:
        run.skipped["answer"] += 1
        return
    body = {
        "item_id": learner.item["id"],
        "response": response(learner.item, learner.rng),
        "seconds": 20.0,
    }
    await run.request(learner, "answer", "POST", "/api/v1/me/answers", body=body, due=due)


async def answer_served(run: Run, learner: Learner, due: float | None) -> None:
    """Answer alone: the items served while preparing, in turn."""
    if learner.served:
        learner.item = learner.served.pop(0)
        learner.served.append(learner.item)
    await answer(run, learner, due)


async def cards_due(run: Run, learner: Learner, due: float | None) -> None:
    path = f"/api/v1/me/cards/due?skill={learner.deck}&limit=10"
    found = await run.request(learner, "cards_due", "GET", path, due=due)
    if found and found["cards"]:
        learner.cards, learner.reviews = [c["id"] for c in found["cards"]], 0


async def review(run: Run, learner: Learner, due: float | None) -> None:
    if not learner.cards:
        run.skipped["review"] += 1
        return
    card = learner.cards[learner.reviews % len(learner.cards)]
    learner.reviews += 1
    body = {"rating": learner.rng.choices(*RATINGS)[0], "seconds": 8.0}
    await run.request(
        learner, "review", "POST", f"/api/v1/me/cards/{card}/reviews", body=body, due=due
    )


async def dashboard(run: Run, learner: Learner, due: float | None) -> None:
    await run.request(learner, "dashboard", "GET", "/api/v1/me/dashboard", due=due)


async def hello(run: Run, learner: Learner, due: float | None) -> None:
    await run.request(learner, "hello", "GET", "/", due=due)


STEPS: dict[str, Step] = {
    "next_item": next_item,
    "answer": answer,
    "cards_due": cards_due,
    "review": review,
    "dashboard": dashboard,
    "hello": hello,
}
ALONE: dict[str, Step] = {**STEPS, "answer": answer_served}


async def prepare(run: Run, learner: Learner) -> None:
    """The CSRF token from the account page, three served (and answered) items, the cards."""
    page = await run.request(learner, "account", "GET", "/account")
    found = CSRF.search(page)
    learner.csrf = found.group(1) if found else ""
    for _ in range(3):
        await next_item(run, learner, None)
        if learner.item is not None:
            learner.served.append(learner.item)
            await answer(run, learner, None)
    await cards_due(run, learner, None)


# Loops ---------------------------------------------------------------------------------------


async def closed(run: Run, learner: Learner, steps: list[Step], offset: int) -> None:
    """No think time: the next request leaves when the last one is answered. Each learner
    makes at least one full round of its steps, so a short phase on a busy machine still
    measures every route of the mix."""
    turn = offset
    while run.going() or (turn < offset + len(steps) and run.sent < run.max_requests):
        await steps[turn % len(steps)](run, learner, None)
        turn += 1


async def opened(
    run: Run, learner: Learner, steps: list[Step], slot: tuple[int, int, float]
) -> None:
    """Learner `index` of `count` takes every count-th of the requests falling due at `rate`
    a second; latency counts from when each fell due. At the deadline a learner that fell
    behind stops, and what it still owed is counted as unsent."""
    index, count, rate = slot
    turn = 0
    while True:
        due = run.started + (index + turn * count) / rate
        if due >= run.deadline or run.sent >= run.max_requests:
            return
        if time.perf_counter() >= run.deadline:
            owed = math.ceil(((run.deadline - run.started) * rate - index) / count)
            run.unsent += owed - turn
            return
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        await steps[(index + turn) % len(steps)](run, learner, due)
        turn += 1


# One measurement ------------------------------------------------------------------------------


def _learners(plan: dict[str, Any]) -> list[Learner]:
    return [
        Learner(one["token"], one["skill"], one["deck"], Connection(plan["port"]), random.Random(n))
        for n, one in enumerate(plan["learners"])
    ]


async def measure(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Prepare every learner once, then drive each of `plan["phases"]` in turn."""
    learners = _learners(plan)
    if any(phase["load"] != "hello" for phase in plan["phases"]):
        setup = Run()
        await asyncio.gather(*(prepare(setup, one) for one in learners))
    found = [await _phase(plan, phase, learners) for phase in plan["phases"]]
    for one in learners:
        one.conn.close()
    return found


async def _phase(
    plan: dict[str, Any], phase: dict[str, Any], learners: list[Learner]
) -> dict[str, Any]:
    """Drive `phase["load"]` (a route, or `mixed`) `phase["shape"]` for `phase["seconds"]` or
    `plan["max_requests"]`, whichever ends first."""
    load = phase["load"]
    steps = [ALONE[load]] if load in ALONE else [STEPS[s] for s in CYCLE]
    rate = plan["rate"] * len(steps) / max(1, steps.count(answer))  # all requests a second
    run = Run(max_requests=plan["max_requests"], measuring=True)
    before = usage.counters(plan)
    run.started, run.deadline = before["wall"], before["wall"] + phase["seconds"]
    if phase["shape"] == "open":
        count = len(learners)
        loops = [opened(run, one, steps, (n, count, rate)) for n, one in enumerate(learners)]
    else:
        spread = len(steps) // len(learners) or 1  # learners start at different steps
        loops = [closed(run, one, steps, n * spread) for n, one in enumerate(learners)]
    await asyncio.gather(*loops)
    return _result(phase, len(learners), run, before, usage.counters(plan))


def _result(
    phase: dict[str, Any],
    learners: int,
    run: Run,
    before: dict[str, float],
    after: dict[str, float],
) -> dict[str, Any]:
    spent = {key: after[key] - before[key] for key in before}
    wall = spent.pop("wall")
    routes = {name: stats.summary(wall) for name, stats in sorted(run.routes.items())}
    done = sum(r["count"] for r in routes.values())
    cpu = ("client", "server", "machine", "machine_capacity")
    database = {
        key: round(spent[key], 2) for key in ("sessions", "active_s", "commits") if key in spent
    }
    return {
        "load": phase["load"],
        "shape": phase["shape"],
        "learners": learners,
        "seconds": round(wall, 2),
        "req_per_s": round(done / wall, 1),
        "errors": sum(r["errors"] for r in routes.values()),
        "routes": routes,
        "skipped": dict(run.skipped),
        "unsent": run.unsent,
        "behind_p99_ms": quantile_ms(sorted(run.behind), 0.99),
        "cpu_s": {key: round(spent[key], 2) for key in cpu},
        "client_cores": round(spent["client"] / wall, 2),
        "database": database or None,
    }


def main() -> None:
    plan = json.load(sys.stdin)
    try:
        import uvloop

        factory: Callable[[], asyncio.AbstractEventLoop] | None = uvloop.new_event_loop
    except ImportError:  # uvicorn[standard] brings it; plain asyncio otherwise
        factory = None
    with asyncio.Runner(loop_factory=factory) as runner:
        result = runner.run(measure(plan))
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()

"""What a phase of `masterpath bench web` cost: CPU seconds of the load client, of the
server's processes and of the whole machine (from /proc), and PostgreSQL's own counters for the
bench's database. Read before and after a phase; the differences are reported."""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path
from typing import Any


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu_tree(root: int) -> float:
    """CPU seconds of `root` and every process under it (uvicorn's workers)."""
    parents, spent = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        pid = int(stat.parent.name)
        parents[pid], spent[pid] = int(fields[1]), int(fields[11]) + int(fields[12])
    tree, grew = {root}, True
    while grew:
        found = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree, grew = tree | found, bool(found)
    return sum(spent.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


def _cpu_machine() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:8]]
    clock = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - ticks[3] - ticks[4]) / clock, sum(ticks) / clock


def _database(conninfo: str, name: str) -> dict[str, float]:
    """PostgreSQL's own counters for database `name`: sessions opened, seconds its backends
    spent running statements, commits (pg_stat_database, asked through another database)."""
    import psycopg

    query = "SELECT sessions, active_time, xact_commit FROM pg_stat_database WHERE datname = %s"
    with psycopg.connect(conninfo, autocommit=True) as connection:
        row = connection.execute(query, (name,)).fetchone()
    sessions, active_ms, commits = row if row else (0, 0.0, 0)
    return {"sessions": sessions, "active_s": active_ms / 1000, "commits": commits}


def counters(plan: dict[str, Any]) -> dict[str, float]:
    """Wall clock; CPU seconds of this client, of the server's processes and of the machine
    (busy, and all there was); the database's own counters when it is PostgreSQL."""
    busy, total = _cpu_machine()
    server = _cpu_tree(plan["server_pid"]) if plan["server_pid"] else 0.0
    found = {
        "wall": time.perf_counter(),
        "client": _cpu_self(),
        "server": server,
        "machine": busy,
        "machine_capacity": total,
    }
    if plan["database"]:
        found |= _database(plan["postgres"], plan["database"])
    return found

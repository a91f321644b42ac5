"""Which process holds which TCP socket, read from Linux's /proc: a process's descriptors link to
`socket:[inode]`, and /proc/net/tcp and tcp6 give each socket's inode, ports and state."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

LISTEN, ESTABLISHED = "0A", "01"  # the kernel's TCP states, as /proc/net/tcp writes them


@dataclass(frozen=True)
class Tcp:
    inode: int
    local_port: int
    remote_port: int
    state: str


def children(pid: int) -> list[int]:
    """The processes `pid` started (every thread's children)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def socket_inodes(pid: int) -> set[int]:
    """The inodes of the sockets process `pid` holds open."""
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except FileNotFoundError:  # the process has ended
        return set()
    found = set()
    for fd in fds:
        try:
            target = os.readlink(fd)
        except FileNotFoundError:  # closed while listed
            continue
        if target.startswith("socket:["):
            found.add(int(target[len("socket:[") : -1]))
    return found


def tcp(port: int) -> list[Tcp]:
    """The machine's TCP sockets whose local port is `port` (IPv4 and IPv6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote = (int(f.rsplit(":", 1)[1], 16) for f in fields[1:3])
            if local == port:
                found.append(Tcp(int(fields[9]), local, remote, fields[3]))
    return found

"""uvicorn's worker processes, each listening on a socket of its own.

uvicorn's supervisor binds one socket in the parent and hands that same socket to every worker,
so whichever worker wakes first may accept a whole burst of new connections (an event loop
accepts many a wake-up), and two workers serving keep-alive clients can serve like one while a
core idles (`tests/web/test_worker_sockets.py` shows it with both workers held back while the
burst queues). Here each worker gets a socket of its own, bound with `SO_REUSEPORT` to the same
address, and the Linux kernel hands each new connection to one of the listening sockets by a hash
of its addresses. The parent keeps none open: a listening socket nobody accepts on would still
get its share of the connections, and they would hang.

`python -m masterpath.workers APP --workers N --port P` serves any ASGI app (an import string)
this way with the options `masterpath serve` uses; `masterpath bench web` serves its hello-world
ceiling through it.
"""

from __future__ import annotations

import argparse
import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

from masterpath.settings import Settings, load_settings


def options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for `masterpath serve`, besides the app, address and workers."""
    return {
        "log_level": "info",
        "timeout_graceful_shutdown": settings.shutdown_seconds,  # SIGTERM: requests finish
        **settings.proxy_options(),
    }


def run(app: str, *, workers: int, host: str, port: int, **more: Any) -> None:
    """Serve `app` (an import string) with `workers` processes; `more` is uvicorn's options.
    One worker, or a platform without `SO_REUSEPORT`, is plain `uvicorn.run`."""
    if workers == 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(app, workers=workers, host=host, port=port, **more)
        return
    config = uvicorn.Config(app, workers=workers, host=host, port=port, **more)
    # uvicorn's own bind, closed at once: it refuses an address in use (even by SO_REUSEPORT
    # sockets, which would otherwise share it silently) and logs "Uvicorn running on ...".
    config.bind_socket().close()
    supervisor = Supervisor(config)
    try:
        supervisor.run()
    except KeyboardInterrupt:  # as uvicorn.run: Ctrl+C in a terminal is a normal stop
        pass
    finally:  # a worker's socket that failed to bind ends the parent: not its workers alone
        supervisor.terminate_all()


def bind(config: uvicorn.Config) -> socket.socket:
    """A socket on the configured address that the other workers' sockets may share."""
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((config.host, config.port))
    except OSError:
        sock.close()
        raise
    return sock


class Supervisor(Multiprocess):
    """uvicorn's supervisor (health pings, restarts, SIGHUP, graceful SIGTERM), except that every
    worker it starts gets a freshly bound socket, whose copy in the parent is closed once the
    worker has started.

    uvicorn starts each worker as `Process(self.config, self.sockets)` (at start, after a crash,
    on SIGHUP and on SIGTTIN), so `sockets` binds a new socket on every read. The spawn start
    method passes the socket's descriptor to the child as it forks (multiprocessing's
    `spawnv_passfds`, no resource sharer on POSIX) and forgets the process's arguments once
    started, so after `start()` the parent's copy is the only other one, and the methods that
    start workers close it when they return."""

    def __init__(self, config: uvicorn.Config) -> None:
        self._handed: list[socket.socket] = []
        super().__init__(config, sockets=[])

    @property
    def sockets(self) -> list[socket.socket]:
        sock = bind(self.config)
        self._handed.append(sock)
        return [sock]

    @sockets.setter
    def sockets(self, _: list[socket.socket]) -> None:
        """uvicorn's `__init__` stores the shared sockets it was given: there are none."""

    def init_processes(self) -> None:
        super().init_processes()
        self._close_handed()

    def keep_subprocess_alive(self) -> None:
        super().keep_subprocess_alive()
        self._close_handed()

    def restart_all(self) -> None:
        super().restart_all()
        self._close_handed()

    def handle_ttin(self) -> None:
        super().handle_ttin()
        self._close_handed()

    def _close_handed(self) -> None:
        for sock in self._handed:
            sock.close()
        self._handed.clear()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m masterpath.workers", description=__doc__)
    parser.add_argument("app", help="an ASGI app as an import string, e.g. package.module:app")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--host", default=None, help="default: MASTERPATH_HOST")
    parser.add_argument("--port", type=int, default=None, help="default: MASTERPATH_PORT")
    parser.add_argument("--factory", action="store_true", help="APP is a function making one")
    args = parser.parse_args()
    settings = load_settings()
    run(
        args.app,
        workers=args.workers,
        host=args.host or settings.host,
        port=args.port or settings.port,
        factory=args.factory,
        **options(settings),
    )


if __name__ == "__main__":
    main()

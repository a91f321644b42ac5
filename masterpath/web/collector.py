"""The garbage collector in a server: long-lived objects kept out of its full passes.

A server builds most of what it keeps after start-up, on its first requests: content caches,
the mentor's index, the dashboard's drawings. Left in the oldest generation, they are walked by
every full collection, which then stops a worker for tens of milliseconds every few seconds
under load: the long tail of every request that worker holds. So what survives a full
collection is frozen (`gc.freeze`): it was alive when the collector looked, and the next full
pass walks only what was kept since. Every `RETHAW` full passes everything frozen goes back to
the collector, whose next full pass walks it all once (one longer pause), so a reference cycle
that died after it was frozen is still reclaimed.
"""

from __future__ import annotations

import gc
from typing import Any

RETHAW = 200  # full collections between two passes over everything kept since start-up


class _Policy:
    def __init__(self) -> None:
        self.full = 0  # full collections seen

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase != "stop" or info["generation"] != 2:
            return
        self.full += 1
        if self.full % RETHAW == 0:
            gc.unfreeze()  # the next full pass walks everything once
        else:
            gc.freeze()


_policy = _Policy()


def start() -> None:
    """Freeze what start-up built, then what each full collection finds alive."""
    gc.collect()
    gc.freeze()
    if _policy not in gc.callbacks:
        gc.callbacks.append(_policy)


def stop() -> None:
    if _policy in gc.callbacks:
        gc.callbacks.remove(_policy)

"""What survives a full collection is frozen; a dead cycle is still reclaimed."""

import gc
from collections.abc import Iterator

import pytest

from masterpath.web import collector


@pytest.fixture
def policy() -> Iterator[None]:
    collector.start()
    yield
    collector.stop()
    gc.unfreeze()


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


@pytest.mark.usefixtures("policy")
def test_what_survives_a_full_collection_is_frozen() -> None:
    before = gc.get_freeze_count()
    kept = [Node() for _ in range(500)]  # what a request builds and a cache keeps
    gc.collect()
    assert gc.get_freeze_count() >= before + len(kept)
    # frozen, yet a cycle that dies before the next full pass is collected as ever
    Node()
    assert gc.collect() >= 1


@pytest.mark.usefixtures("policy")
def test_everything_goes_back_to_the_collector_now_and_then(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(collector, "RETHAW", 3)
    kept = [Node() for _ in range(100)]
    collector._policy.full = 0
    gc.collect()
    gc.collect()
    assert gc.get_freeze_count() >= len(kept)
    gc.collect()  # the third full pass: everything frozen is the collector's again
    assert gc.get_freeze_count() == 0
    kept.clear()  # these cycles died while frozen: the next full pass frees them
    assert gc.collect() >= 100
    assert gc.get_freeze_count() > 0


def test_stop_leaves_the_collector_as_it_was() -> None:
    collector.start()
    collector.stop()
    gc.unfreeze()
    gc.collect()
    assert gc.get_freeze_count() == 0

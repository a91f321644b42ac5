from __future__ import annotations

from collections import Counter

from masterpath.domain import options


def test_the_same_attempt_always_gets_the_same_order() -> None:
    ids = ["a", "b", "c", "d"]
    seed = options.attempt_seed(7, "docker-containers:image-vs-container", 3)
    assert options.shuffled(ids, seed=seed) == options.shuffled(list(reversed(ids)), seed=seed)
    assert sorted(options.shuffled(ids, seed=seed)) == ids


def test_the_key_lands_in_every_position_about_equally_often() -> None:
    ids = ["a", "b", "c", "d"]  # "a" authored first, as keys used to be
    where = Counter(
        options.shuffled(ids, seed=options.attempt_seed(user, "s:item", attempt)).index("a")
        for user in range(100)
        for attempt in range(10)
    )
    assert set(where) == {0, 1, 2, 3}
    assert all(200 <= count <= 300 for count in where.values()), where


def test_a_new_attempt_usually_changes_the_order() -> None:
    ids = ["a", "b", "c", "d"]
    orders = {
        tuple(options.shuffled(ids, seed=options.attempt_seed(1, "s:i", n))) for n in range(8)
    }
    assert len(orders) >= 4

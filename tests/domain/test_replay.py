from __future__ import annotations

from dataclasses import fields

import numpy as np

from masterpath.domain import fitting, kt, replay

NO = np.array([False])


def updates(seed: int = 4, learners: int = 30) -> replay.Updates:
    """Answers of several lengths over 4 skills; one answer in five also counts for another."""
    rng = np.random.default_rng(seed)
    learner, skill, credit, debit, same = [], [], [], [], []
    for person in range(learners):
        for _ in range(int(rng.integers(0, 40))):
            good, bad = kt.credit(float(rng.random() < 0.6), hints=int(rng.random() < 0.2))
            asked = [int(rng.integers(4))]
            if rng.random() < 0.2:
                asked.append((asked[0] + 1) % 4)
            for n, s in enumerate(asked):
                learner.append(person)
                skill.append(s)
                credit.append(good)
                debit.append(bad)
                same.append(n > 0)
    return replay.Updates(
        np.array(learner), np.array(skill), np.array(credit), np.array(debit), np.array(same)
    )


def one_by_one(
    u: replay.Updates, person: int
) -> tuple[kt.Learner, dict[int, kt.SkillRecord], list[int], list[np.ndarray]]:
    """The engine's way (`services/mastery_state.apply`): B = 1, an answer at a time."""
    records: dict[int, kt.SkillRecord] = {}
    learner, seen, rows = kt.Learner.new(), [], []
    for n in np.nonzero(u.learner == person)[0]:
        s = int(u.skill[n])
        if s not in seen:
            seen.append(s)
        record = records.get(s, kt.SkillRecord.new())
        index, same = np.array([seen.index(s)]), np.array([bool(u.same[n])])
        if not same[0]:
            rows.append(kt.features(learner, record, skill=index, q=np.array([0.5]), same=NO)[0])
        learner, records[s] = kt.observe(
            learner,
            record,
            skill=index,
            credit=np.array([u.credit[n]]),
            debit=np.array([u.debit[n]]),
            same=same,
        )
    return learner, records, seen, rows


def test_replaying_in_step_gives_the_counters_of_one_answer_at_a_time() -> None:
    u = updates()
    done = replay.replay(u, learners=30, skills=4, features=True)
    rows = []
    for person in range(30):
        learner, records, seen, mine = one_by_one(u, person)
        assert kt.dump(replay.take(done.learner, [person])) == kt.dump(learner)
        for s, record in records.items():
            assert kt.dump(replay.take(done.records, ([person], [s]))) == kt.dump(record)
            assert done.attempts[person, s] == np.sum((u.learner == person) & (u.skill == s))
        assert [int(done.seen[person, s]) for s in seen] == list(range(len(seen)))
        assert (done.seen[person] >= 0).sum() == len(seen)
        rows += mine
    assert np.array_equal(done.features, np.array(rows))


def test_a_learner_without_answers_keeps_new_counters() -> None:
    u = replay.Updates(
        np.array([1, 1]),
        np.array([0, 2]),
        np.array([1.0, 0.0]),
        np.array([0.0, 1.0]),
        np.array([False, False]),
    )
    done = replay.replay(u, learners=3, skills=3)
    for person in (0, 2):
        assert kt.dump(replay.take(done.learner, [person])) == kt.dump(kt.Learner.new())
        assert not done.attempts[person].any()
        assert (done.seen[person] == -1).all()
    assert list(done.seen[1]) == [0, -1, 1]
    assert done.features.shape == (0, len(kt.NAMES))


def test_fitting_in_chunks_matches_fitting_in_memory() -> None:
    u = updates(seed=9, learners=200)
    done = replay.replay(u, learners=200, skills=4, features=True)
    fresh = ~u.same
    x, k = done.features, u.skill[fresh]
    y = (u.credit[fresh] > 0.5).astype(float)
    skills = {str(s): s for s in range(4)}
    whole = fitting.fit(x, k, y, skills=skills, same=np.zeros(len(y), bool), last=np.zeros(len(y)))
    chunks = [(x[n : n + 97], k[n : n + 97], y[n : n + 97]) for n in range(0, len(y), 97)]
    passes = []

    def read() -> list[fitting.Chunk]:
        passes.append(1)
        return chunks

    parts = fitting.fit_passes(read, skills=skills)
    for f in fields(whole):
        if f.name != "skills":
            got, expected = getattr(parts, f.name), getattr(whole, f.name)
            assert np.allclose(got, expected, rtol=1e-9, atol=1e-12)
    assert len(passes) >= 3  # two for the standardisation, then one per Newton step

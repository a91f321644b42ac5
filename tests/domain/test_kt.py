from __future__ import annotations

import numpy as np
import pytest

from masterpath.domain import fitting, kt

NO = np.array([False])


def answer(
    learner: kt.Learner, record: kt.SkillRecord, value: float | tuple[float, float], skill: int = 0
) -> tuple[kt.Learner, kt.SkillRecord]:
    good, bad = value if isinstance(value, tuple) else (value, 1 - value)
    return kt.observe(
        learner,
        record,
        skill=np.array([skill]),
        credit=np.array([good]),
        debit=np.array([bad]),
        same=NO,
    )


def estimate(params: kt.Params, learner: kt.Learner, record: kt.SkillRecord) -> float:
    x = kt.features(learner, record, skill=np.array([0]), q=np.array([0.5]), same=NO)
    return float(kt.predict(params, x, np.array([-1]), same=NO, last=learner.last)[0])


def test_credit_for_hints_and_difficulty() -> None:
    assert kt.credit(1.0) == (1.0, 0.0)
    assert kt.credit(1.0, hints=1) == pytest.approx((0.8, 0.0))
    assert kt.credit(1.0, hints=2) == pytest.approx((0.64, 0.0))
    assert kt.credit(1.0, difficulty="easy") == pytest.approx((0.85, 0.0))
    assert kt.credit(0.0, difficulty="hard") == pytest.approx((0.0, 0.85))
    assert kt.credit(0.5) == (0.5, 0.5)


def test_correct_answer_after_a_hint_raises_the_estimate_less() -> None:
    params = kt.defaults()
    learner, record = kt.Learner.new(), kt.SkillRecord.new()
    before = estimate(params, learner, record)
    plain = estimate(params, *answer(learner, record, kt.credit(1.0)))
    hinted = estimate(params, *answer(learner, record, kt.credit(1.0, hints=1)))
    wrong = estimate(params, *answer(learner, record, kt.credit(0.0)))
    assert wrong < before < hinted < plain


def test_observe_returns_new_counters_and_leaves_its_inputs_alone() -> None:
    learner, record = kt.Learner.new(), kt.SkillRecord.new()
    after_learner, after_record = answer(learner, record, 1.0, skill=3)
    assert learner.answers[0] == 0 and record.correct[0] == 0
    assert after_learner.answers[0] == 1 and after_learner.last_skill[0] == 3
    assert after_record.correct[0] == 1 and after_record.streak[0] == 1
    assert after_record.recent_count[0] == pytest.approx(np.ones(4))
    _, again = answer(after_learner, after_record, 0.0, skill=3)
    assert again.streak[0] == -1 and again.wrong[0] == 1
    assert again.recent_correct[0] == pytest.approx(kt.DECAY)


def test_same_question_row_counts_for_the_skill_but_not_again_for_the_learner() -> None:
    learner, _ = answer(kt.Learner.new(), kt.SkillRecord.new(), 1.0, skill=1)
    other, other_record = kt.observe(
        learner,
        kt.SkillRecord.new(),
        skill=np.array([2]),
        credit=np.array([1.0]),
        debit=np.array([0.0]),
        same=np.array([True]),
    )
    assert other.answers[0] == 1 and other_record.correct[0] == 1


def synthetic(seed: int = 7) -> tuple[list[list[int]], list[list[int]]]:
    """Learners who know skill 0 and not skill 1, answering both, with noise."""
    rng = np.random.default_rng(seed)
    skills, answers = [], []
    for _ in range(300):
        knows = rng.random() < 0.5
        seq = rng.integers(0, 2, size=30).tolist()
        skills.append(seq)
        answers.append([int(rng.random() < (0.9 if (s == 0 or knows) else 0.25)) for s in seq])
    return skills, answers


def test_fit_learns_that_past_success_predicts_success() -> None:
    skill_lists, answer_lists = synthetic()
    rows_x, rows_k, rows_y = [], [], []
    for seq, ys in zip(skill_lists, answer_lists, strict=True):
        learner = kt.Learner.new()
        records = {0: kt.SkillRecord.new(), 1: kt.SkillRecord.new()}
        for s, correct in zip(seq, ys, strict=True):
            x = kt.features(learner, records[s], skill=np.array([s]), q=np.array([0.5]), same=NO)
            rows_x.append(x[0])
            rows_k.append(s)
            rows_y.append(correct)
            learner, records[s] = answer(learner, records[s], float(correct), skill=s)
    x, k, y = np.array(rows_x), np.array(rows_k), np.array(rows_y, dtype=float)
    params = fitting.fit(
        x,
        k,
        y,
        skills={"0": 0, "1": 1},
        same=np.zeros(len(y), dtype=np.bool_),
        last=np.zeros(len(y)),
    )
    p = kt.predict(params, x, k, same=np.zeros(len(y), dtype=np.bool_), last=np.zeros(len(y)))
    assert abs(p.mean() - y.mean()) < 0.01  # calibrated in the large
    skill1 = k == 1
    assert p[skill1 & (y == 1)].mean() > p[skill1 & (y == 0)].mean() + 0.2


def test_params_survive_json_and_refuse_another_feature_set() -> None:
    params = kt.defaults()
    again = kt.Params.from_json(params.to_json())
    assert np.array_equal(again.weights, params.weights)
    broken = {**params.to_json(), "features": ["other"]}
    with pytest.raises(ValueError, match="another feature set"):
        kt.Params.from_json(broken)


def test_contributions_add_up_to_the_logit() -> None:
    params = kt.defaults()
    learner, record = answer(kt.Learner.new(), kt.SkillRecord.new(), 1.0)
    x = kt.features(learner, record, skill=np.array([0]), q=np.array([0.5]), same=NO)
    parts = kt.contributions(params, x, np.array([-1]))
    assert set(parts) == {"this skill", "overall record", "recent answers", "same question"}
    total = sum(parts.values()) + params.weights[0]
    assert total == pytest.approx(float(kt.logit(params, x, np.array([-1]))[0]))

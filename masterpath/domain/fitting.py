"""Fitting the knowledge-tracing model (`kt.py`): L2-regularised logistic regression with
per-skill shifts, by Newton's method, over answers held in memory or read in chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from masterpath.domain import kt
from masterpath.domain.kt import NAMES, SLOPES, Floats, Ints

Chunk = tuple[Floats, Ints, Floats]  # features, skill index (-1: global weights alone), outcome


def fit(
    x: Floats,
    skill_index: Ints,
    y: Floats,
    *,
    skills: dict[str, int],
    same: NDArray[np.bool_],
    last: Floats,
    l2: float = 1.0,
    l2_slopes: float = 30.0,
    iterations: int = 25,
) -> kt.Params:
    """L2-regularised logistic regression with per-skill shifts, fitted by Newton's method."""
    repeat_ok = same & (last >= 0.5)
    repeat_bad = same & (last < 0.5)
    same_correct = (y[repeat_ok].sum() + 1) / (repeat_ok.sum() + 2)
    same_wrong = (y[repeat_bad].sum() + 1) / (repeat_bad.sum() + 2)
    chunk = (x[~same], skill_index[~same], y[~same])
    return fit_passes(
        lambda: iter([chunk]),
        skills=skills,
        repeats=(float(same_correct), float(same_wrong)),
        l2=l2,
        l2_slopes=l2_slopes,
        iterations=iterations,
    )


def fit_passes(
    chunks: Callable[[], Iterable[Chunk]],
    *,
    skills: dict[str, int],
    repeats: tuple[float, float] = (0.5, 0.5),
    l2: float = 1.0,
    l2_slopes: float = 30.0,
    iterations: int = 25,
) -> kt.Params:
    """`fit` on answers read in chunks: `chunks()` starts one pass over them, made twice for
    the standardisation and once per Newton step, so memory holds a chunk, never all answers.
    Same-question rows are left out of the chunks; `repeats` are P(correct) repeating a
    correct and a wrong answer (`fit` measures them; 0.5 each when there are none)."""
    mean, scale = _moments(chunks)
    shell = kt.Params(
        mean,
        scale,
        np.zeros(1 + len(NAMES)),
        np.zeros((len(skills), len(SLOPES))),
        skills,
        repeats[0],
        repeats[1],
    )
    theta = _newton(chunks, shell, l2=l2, l2_slopes=l2_slopes, iterations=iterations)
    n_global = 1 + len(NAMES)
    per_skill = theta[n_global:].reshape(len(skills), len(SLOPES))
    return replace(shell, weights=theta[:n_global], per_skill=per_skill)


def _moments(chunks: Callable[[], Iterable[Chunk]]) -> tuple[Floats, Floats]:
    """Mean and standard deviation of each feature, in two passes (as `numpy.std` computes)."""
    total, count = np.zeros(len(NAMES)), 0
    for x, _, _ in chunks():
        total += x.sum(axis=0)
        count += len(x)
    if not count:
        raise ValueError("no answers to fit on")
    mean = total / count
    squares = np.zeros(len(NAMES))
    for x, _, _ in chunks():
        centred = x - mean
        squares += (centred * centred).sum(axis=0)
    return mean, np.sqrt(squares / count) + 1e-9


def _newton(
    chunks: Callable[[], Iterable[Chunk]],
    shell: kt.Params,
    *,
    l2: float,
    l2_slopes: float,
    iterations: int,
) -> Floats:
    n_global, n_slopes, n_skills = 1 + len(NAMES), len(SLOPES), len(shell.skills)
    size = n_global + n_skills * n_slopes
    block = np.r_[l2, np.full(n_slopes - 1, l2_slopes)]
    reg = np.concatenate([[0.0], np.full(n_global - 1, l2), np.tile(block, n_skills)])
    theta = np.zeros(size)
    for _ in range(iterations):
        hessian, gradient = np.zeros((size, size)), np.zeros(size)
        for chunk in chunks():
            _add_chunk(shell, theta, chunk, (hessian, gradient))
        gradient += reg * theta
        hessian[np.diag_indices_from(hessian)] += reg
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-6:
            break
    return theta


def _add_chunk(
    shell: kt.Params, theta: Floats, chunk: Chunk, totals: tuple[Floats, Floats]
) -> None:
    """Add one chunk's share of the Hessian and gradient at `theta`."""
    x, skill_index, y = chunk
    n_global, n_skills = 1 + len(NAMES), len(shell.skills)
    order = np.argsort(skill_index, kind="stable")
    design, skill_index, y = kt.design(shell, x)[order], skill_index[order], y[order]
    bounds = np.searchsorted(skill_index, np.arange(n_skills + 1))
    weights, shifts = theta[:n_global], theta[n_global:].reshape(n_skills, len(SLOPES))
    z = design @ weights
    known = skill_index >= 0
    z[known] += np.einsum("ij,ij->i", design[known][:, SLOPES], shifts[skill_index[known]])
    p = 1 / (1 + np.exp(-z))
    sums = (p - y, p * (1 - p), *totals)
    _accumulate(design, sums, rows=slice(0, bounds[0]), offset=None)
    for skill in range(n_skills):
        rows = slice(bounds[skill], bounds[skill + 1])
        _accumulate(design, sums, rows=rows, offset=n_global + skill * len(SLOPES))


def _accumulate(
    design: Floats,
    sums: tuple[Floats, Floats, Floats, Floats],
    *,
    rows: slice,
    offset: int | None,
) -> None:
    """Add these rows' share to the Hessian and gradient (global block and one skill block)."""
    residual, weight, hessian, gradient = sums
    if rows.start == rows.stop:
        return
    z = design[rows]
    a = z.T @ (z * weight[rows, None])
    g = z.T @ residual[rows]
    n = design.shape[1]
    hessian[:n, :n] += a
    gradient[:n] += g
    if offset is None:
        return
    end = offset + len(SLOPES)
    hessian[:n, offset:end] += a[:, SLOPES]
    hessian[offset:end, :n] += a[SLOPES, :]
    hessian[offset:end, offset:end] += a[np.ix_(SLOPES, SLOPES)]
    gradient[offset:end] += g[SLOPES]

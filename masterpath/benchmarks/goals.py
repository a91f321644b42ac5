"""Goal → career accuracy on labelled goals, per class with Wilson intervals, and the sweep that
chooses `matching.Tuning` on the five tuning sets (tests/fixtures/goals*.yaml), with
leave-one-set-out folds: tuned on four authors, scored on the fifth.

Two file shapes are read: the tuning set's (`career`, a slug or null, and `also`, other
acceptable slugs; a null `career` with `also` is a goal in another language, expected to get
"no match") and the independent set's (`acceptable`, a list of slugs, empty when no career
fits). The independent set is for measurement only: nothing here tunes on it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from masterpath.benchmarks.gate import wilson
from masterpath.clock import Clock
from masterpath.domain import matching
from masterpath.services import Context, goals, meaning, packs
from masterpath.settings import Settings
from masterpath.store import make_database, migrate

ROOT = Path(__file__).parents[2]
TUNING_SET = ROOT / "tests" / "fixtures" / "goals.yaml"
# A second author's goals, tuned on too (issue 13): one author's wording fitted alone
# gave 88% on the tuning set and 69% on the independent one.
SECOND_TUNING_SET = ROOT / "tests" / "fixtures" / "goals_second_author.yaml"
# A third author's 260 goals, written from the careers' summaries alone (tuned on too): before
# it was tuned on, the matcher's figure on it was a fresh-author figure (README).
THIRD_TUNING_SET = ROOT / "tests" / "fixtures" / "goals_third_author.yaml"
# A fourth author's 161 goals (issue 13), written before the matcher was run on them: its
# figure before the changes it led to was a fresh-author figure (README).
FOURTH_TUNING_SET = ROOT / "tests" / "fixtures" / "goals_fourth_author.yaml"
# A fifth author's 162 goals (issue 13) in styles the others use little (very short, rambling,
# daily work, typos, neighbouring jobs), written before the matcher was run on them: its figure
# before the changes it led to was a fresh-author figure (README).
FIFTH_TUNING_SET = ROOT / "tests" / "fixtures" / "goals_fifth_author.yaml"
TUNING_SETS = (
    TUNING_SET,
    SECOND_TUNING_SET,
    THIRD_TUNING_SET,
    FOURTH_TUNING_SET,
    FIFTH_TUNING_SET,
)
INDEPENDENT_SET = ROOT / "tests" / "fixtures" / "independent" / "goals.yaml"
# A second independent set (2026-12-07), written after the matcher's last change by an author
# who saw only the labelling rules and the career files: measurement only.
FRESH_SET = ROOT / "tests" / "fixtures" / "independent4" / "goals.yaml"
# A third (2026-12-07, late), written after the matcher's last change but the goal-fit
# classifier, and committed before that was trained: measurement only.
NEWEST_SET = ROOT / "tests" / "fixtures" / "independent6" / "goals.yaml"
# Two more authors' goals: training data for scripts/train_goal_fit.py (with the five above);
# `bench tracks` scores them as training figures. The sweep does not read them.
SIXTH_TUNING_SET = ROOT / "tests" / "fixtures" / "goals_sixth_author.yaml"
SEVENTH_TUNING_SET = ROOT / "tests" / "fixtures" / "goals_seventh_author.yaml"
# The grid `--sweep` walks; every combination is scored on the tuning set.
GRID: dict[str, tuple[Any, ...]] = {  # narrowed (issue 13) around the first sweep's choice
    "fusion": ("score",),
    "meaning_weight": (1.0, 2.0),  # 0.5 never chosen
    "rrf_k": (60.0,),
    "top_k": (1, 3),
    "skill_share": (0.25,),  # 0.0 never chosen
    "similarity_weight": (0.25, 0.5, 0.75, 1.0),
    "similarity_floor": (0.2, 0.3),
    "similarity_ceiling": (0.5, 0.6),
    "threshold": (0.45, 0.5, 0.55, 0.6),
    "outside_margin": (0.1, 0.05, 0.0),  # every fold chose 0.05 on the grid with 1.0 (none)
}


@dataclass(frozen=True)
class Labelled:
    goal: str
    acceptable: frozenset[str]  # empty: "no match" is the right answer


def labelled(path: Path) -> list[Labelled]:
    """The goals of a labelled file, in either shape."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    found = []
    for row in rows:
        if "acceptable" in row:
            acceptable = frozenset(row.get("acceptable") or [])
        elif row.get("career") is None:
            acceptable = frozenset()  # non-English goals too: "no match" is what is expected
        else:
            acceptable = frozenset([row["career"], *(row.get("also") or [])])
        found.append(Labelled(str(row["goal"]), acceptable))
    return found


def _share(hits: int, total: int) -> dict[str, Any]:
    return {
        "right": hits,
        "of": total,
        "share": round(hits / total, 4) if total else 0.0,
        "wilson95": wilson(hits, total),
    }


def builtin(folder: Path) -> Context:
    settings = Settings(env="development", data_dir=folder, secret_key="bench")
    db = make_database(settings.url)
    migrate.upgrade(db)
    ctx = Context(settings, db, Clock())
    packs.install_builtin(ctx)
    return ctx


def meaning_status(ctx: Context) -> str:
    """Empty when sentence embeddings are on."""
    return meaning.status(ctx)


def _right(career: str | None, goal: Labelled) -> bool:
    return career in goal.acceptable if goal.acceptable else career is None


def score(results: Iterable[tuple[Labelled, str | None]]) -> dict[str, Any]:
    """Per class: an acceptable career where one fits, "no match" where none fits."""
    fits = none = fits_right = none_right = 0
    for goal, career in results:
        if goal.acceptable:
            fits, fits_right = fits + 1, fits_right + _right(career, goal)
        else:
            none, none_right = none + 1, none_right + _right(career, goal)
    return {
        "career_where_one_fits": _share(fits_right, fits),
        "no_match_where_none_fits": _share(none_right, none),
        "all": _share(fits_right + none_right, fits + none),
    }


def evaluate(ctx: Context, path: Path, *, tuning: matching.Tuning | None = None) -> dict[str, Any]:
    """Run every goal of a labelled file through the service's matcher."""
    found = labelled(path)
    results = []
    for goal in found:
        match, _ = goals.match(goals.understand(ctx, goal.goal), goal.goal, tuning=tuning)
        results.append((goal, match.career))
    return score(results)


def _combinations() -> Iterable[matching.Tuning]:
    names = list(GRID)
    for values in itertools.product(*(GRID[n] for n in names)):
        tuning = matching.Tuning(**dict(zip(names, values, strict=True)))
        redundant = tuning.fusion == "score" and tuning.rrf_k != GRID["rrf_k"][0]
        if tuning.similarity_ceiling > tuning.similarity_floor and not redundant:
            yield tuning


def preference(row: dict[str, Any]) -> tuple[float, ...]:
    tuning = row["tuning"]
    return (
        -row["balanced"],
        -row["all"],
        -min(row["fits"], row["none"]),
        tuning["meaning_weight"],
        tuning["similarity_weight"],
    )


Counts = tuple[int, int, int, int]  # careers right, goals with a career, no-match right, without


def _read(ctx: Context, path: Path) -> list[tuple[Labelled, goals.Understood, matching.Evidence]]:
    """Each goal of a labelled file with what the matcher reads from it, computed once."""
    found = []
    for goal in labelled(path):
        understood = goals.understand(ctx, goal.goal)
        found.append(
            (
                goal,
                understood,
                matching.evidence(
                    understood.index,
                    goal.goal,
                    vector=understood.vector,
                    aim=understood.aim,
                    unfit=understood.unfit,
                ),
            )
        )
    return found


def _counts(
    read: list[tuple[Labelled, goals.Understood, matching.Evidence]], tuning: matching.Tuning
) -> Counts:
    fits = fits_right = none = none_right = 0
    for goal, u, e in read:
        career = matching.decide(u.index, e, tuning=tuning).career if u.covered else None
        if goal.acceptable:
            fits, fits_right = fits + 1, fits_right + _right(career, goal)
        else:
            none, none_right = none + 1, none_right + _right(career, goal)
    return fits_right, fits, none_right, none


def pooled(tuning: dict[str, Any], counts: Iterable[Counts]) -> dict[str, Any]:
    """Pooled figures of some sets' counts, as a sweep row."""
    a, b, c, d = (sum(column) for column in zip(*counts, strict=True))
    fits, none = (round(a / b, 4) if b else 0.0), (round(c / d, 4) if d else 0.0)
    return {
        "tuning": tuning,
        "fits": fits,
        "none": none,
        "balanced": round((fits + none) / 2, 4),
        "all": round((a + c) / (b + d), 4) if b + d else 0.0,
    }


def sweep_counts(
    ctx: Context,
    sets: tuple[Path, ...] = TUNING_SETS,
    *,
    progress: Callable[[str], None] = lambda _: None,
) -> list[tuple[dict[str, Any], list[Counts]]]:
    """Every grid combination's counts on each of `sets`, in grid order."""
    read = [_read(ctx, path) for path in sets]
    rows = []
    for n, tuning in enumerate(_combinations()):
        rows.append((tuning.__dict__, [_counts(found, tuning) for found in read]))
        if (n + 1) % 500 == 0:
            progress(f"sweep: {n + 1} settings")
    return rows


def sweep(
    ctx: Context,
    *,
    sets: tuple[Path, ...] = TUNING_SETS,
    progress: Callable[[str], None] = lambda _: None,
) -> list[dict[str, Any]]:
    """Every grid combination scored on the tuning sets pooled, best first: the balanced
    accuracy (mean of the two classes), then all goals, then the simpler setting (less
    meaning)."""
    rows = [pooled(tuning, counts) for tuning, counts in sweep_counts(ctx, sets, progress=progress)]
    rows.sort(key=preference)
    return rows


def folds(
    counted: list[tuple[dict[str, Any], list[Counts]]], sets: tuple[Path, ...] = TUNING_SETS
) -> list[dict[str, Any]]:
    """Leave one set out: the sweep's best setting on the other sets, scored on the one left
    out (what the method does on an author it was not tuned on), and the current setting's."""
    current = matching.TUNING.__dict__
    found = []
    for held, path in enumerate(sets):
        rest = [i for i in range(len(sets)) if i != held]
        best = min(counted, key=lambda row: preference(pooled(row[0], [row[1][i] for i in rest])))
        now = next((row for row in counted if row[0] == current), None)
        found.append(
            {
                "held_out": path.name,
                "tuned": pooled(best[0], [best[1][i] for i in rest]),
                "scored": best[1][held],
                "current_setting_scored": now[1][held] if now else None,
            }
        )
    return found


def sweep_table(result: dict[str, Any]) -> list[str]:
    """A sweep's best settings as text, best first, then the leave-one-set-out folds."""
    names = ", ".join(path.name for path in TUNING_SETS)
    lines = [
        f"{result['settings']} settings scored on {names} (pooled); best first",
        "balanced  fits   none   setting",
    ]
    for row in result["best"]:
        setting = " ".join(f"{k}={v}" for k, v in row["tuning"].items())
        lines.append(f"{row['balanced']:.4f}  {row['fits']:.3f}  {row['none']:.3f}  {setting}")
    for fold in result.get("folds", []):
        a, b, c, d = fold["scored"]
        setting = " ".join(f"{k}={v}" for k, v in fold["tuned"]["tuning"].items())
        lines.append(
            f"left out {fold['held_out']}: careers {a}/{b}, no match {c}/{d} "
            f"(tuned on the others: balanced {fold['tuned']['balanced']:.4f}; {setting})"
        )
    return lines

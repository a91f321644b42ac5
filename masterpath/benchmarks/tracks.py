"""`masterpath bench tracks`: goal intake → career match → plan, per track, as content grows.

Runs 1,000 goals through the same service the web app and the CLI call, on the built-in content
and on a generated catalogue of 50 careers over 2,000 skills (a random prerequisite graph), each
on a fresh SQLite file. Goals are written from templates around the careers' titles and other
names, with a share that should match nothing.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from masterpath.benchmarks import goals as labelled_goals
from masterpath.clock import Clock
from masterpath.services import Context, packs, tracks
from masterpath.services import goals as goal_service
from masterpath.settings import Settings
from masterpath.store import content as content_store
from masterpath.store import make_database, migrate

TEMPLATES = (
    "I want to become a {name}",
    "{name}",
    "I'm a backend developer and want to move into a {name} role",
    "how do I get a job as a {name} within a year",
    "become a senior {name} and lead projects",
)
NOWHERE = ("become a pastry chef", "landscape architect", "asdf qwerty", "make money fast")
TOPICS = (
    "data",
    "model",
    "cloud",
    "stream",
    "graph",
    "vision",
    "speech",
    "search",
    "ranking",
    "privacy",
    "edge",
    "robot",
    "finance",
    "health",
    "energy",
    "retail",
    "security",
    "quantum",
    "audio",
    "mobile",
)
ROLES = ("engineer", "architect", "lead", "scientist", "specialist")


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2), "p95_ms": round(p95 * 1000, 2)}


def generated_pack(folder: Path, *, careers: int = 50, skills: int = 2000, seed: int = 5) -> Path:
    """Write a synthetic pack: `skills` skills in a random prerequisite graph, `careers` careers
    of 4 stages each drawing 40 of them."""
    rng = np.random.default_rng(seed)
    root = folder / "generated"
    (root / "careers").mkdir(parents=True)
    info = {"id": "generated", "version": "1", "title": "Generated catalogue"}
    (root / "pack.yaml").write_text(yaml.safe_dump(info))
    ids = [f"skill-{n:04d}" for n in range(skills)]
    for n, skill_id in enumerate(ids):
        size = min(n, int(rng.integers(0, 3)))
        earlier = [int(e) for e in rng.choice(n, size=size, replace=False)] if n else []
        topic = TOPICS[n % len(TOPICS)]
        data = {
            "id": skill_id,
            "title": f"{topic.title()} technique {n}",
            "summary": f"Working with {topic} systems, part {n}.",
            "hours": float(rng.integers(2, 20)),
            "prerequisites": [ids[e] for e in earlier],
            "objectives": [{"id": "one", "text": f"Apply {topic} technique {n}"}],
        }
        (root / "skills" / skill_id).mkdir(parents=True)
        (root / "skills" / skill_id / "skill.yaml").write_text(yaml.safe_dump(data))
    for c in range(careers):
        topic, role = TOPICS[c % len(TOPICS)], ROLES[c % len(ROLES)]
        chosen = sorted(int(s) for s in rng.choice(skills, size=40, replace=False))
        stages = [
            {
                "id": f"s{k}",
                "title": f"Stage {k + 1}",
                "duration": {"min": 1, "max": 2, "unit": "years"},
                "summary": "Grow.",
                "key_actions": ["Practise"],
                "skills": [ids[i] for i in chosen[k::4]],
            }
            for k in range(4)
        ]
        data = {
            "slug": f"career-{c:02d}",
            "title": f"{topic.title()} {role.title()} {c}",
            "aliases": [f"{topic} {role}"],
            "field": topic.title(),
            "tagline": f"Build {topic} systems as a {role}.",
            "summary": f"A {topic} {role} designs and runs {topic} systems.",
            "salary": {"min": 50000, "max": 90000},
            "demand": "high",
            "time_to_career": {"min": 1, "max": 2, "unit": "years"},
            "difficulty": "intermediate",
            "learn": f"{topic} skills.",
            "highlights": ["Growth"],
            "audience": ["Engineers"],
            "stages": stages,
        }
        (root / "careers" / f"career-{c:02d}.yaml").write_text(yaml.safe_dump(data))
    return root


def _goals(ctx: Context, count: int, rng: np.random.Generator) -> list[str]:
    with ctx.db.begin() as tx:
        names = [
            name
            for row in content_store.careers(tx)
            for name in [row.data["title"], *row.data.get("aliases", [])]
        ]
    goals = []
    for n in range(count):
        if n % 10 == 9:
            goals.append(NOWHERE[n % len(NOWHERE)])
        else:
            name = names[int(rng.integers(len(names)))]
            goals.append(TEMPLATES[n % len(TEMPLATES)].format(name=name))
    return goals


def _measure(
    folder: Path, pack: Path | None, goals: int, progress: Callable[[str], None]
) -> dict[str, Any]:
    settings = Settings(env="development", data_dir=folder, secret_key="bench")
    db = make_database(settings.url)
    migrate.upgrade(db)
    ctx = Context(settings, db, Clock())
    if pack is None:
        packs.install_builtin(ctx)
    else:
        packs.install(ctx, [pack])
    rng = np.random.default_rng(11)
    timings, matched = [], 0
    tracks.suggest(ctx, tracks.Intake(goal="warm up the index", hours_per_week=5))
    written = _goals(ctx, goals, rng)
    matching_ms = _match_latency(ctx, written)
    for n, goal in enumerate(written):
        intake = tracks.Intake(goal=goal, hours_per_week=float(rng.integers(3, 15)))
        started = time.perf_counter()
        result = tracks.suggest(ctx, intake)
        timings.append(time.perf_counter() - started)
        matched += result.career is not None
        if (n + 1) % 250 == 0:
            progress(f"{n + 1}/{goals}")
    db.dispose()
    return {**_percentiles(timings), "goals": goals, "matched": matched, "match": matching_ms}


def _match_latency(ctx: Context, written: list[str]) -> dict[str, float]:
    """Goal → career alone (language, goal vector, fusion), each goal made unique so no goal
    vector comes from memory."""
    timings = []
    for n, goal in enumerate(written):
        text = f"{goal} ({n})"
        started = time.perf_counter()
        goal_service.match(goal_service.understand(ctx, text), text)
        timings.append(time.perf_counter() - started)
    return _percentiles(timings)


def run(
    *,
    goals: int = 1000,
    progress: Callable[[str], None] = lambda _: None,
    independent: Path | None = labelled_goals.INDEPENDENT_SET,
) -> dict[str, Any]:
    """Latency on both catalogues, accuracy on the tuning set (training figures) and, once the
    work is done, on the independent set (measurement only)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        progress("labelled goals on the built-in content")
        (root / "labelled").mkdir()
        ctx = labelled_goals.builtin(root / "labelled")
        accuracy = {
            "training_tuning_set": labelled_goals.evaluate(ctx, labelled_goals.TUNING_SET),
            "training_second_author": labelled_goals.evaluate(
                ctx, labelled_goals.SECOND_TUNING_SET
            ),
            "training_third_author": labelled_goals.evaluate(ctx, labelled_goals.THIRD_TUNING_SET),
            "training_fourth_author": labelled_goals.evaluate(
                ctx, labelled_goals.FOURTH_TUNING_SET
            ),
            "training_fifth_author": labelled_goals.evaluate(ctx, labelled_goals.FIFTH_TUNING_SET),
            "training_sixth_author": labelled_goals.evaluate(ctx, labelled_goals.SIXTH_TUNING_SET),
            "training_seventh_author": labelled_goals.evaluate(
                ctx, labelled_goals.SEVENTH_TUNING_SET
            ),
        }
        if independent is not None:
            accuracy["independent"] = labelled_goals.evaluate(ctx, independent)
            accuracy["independent4"] = labelled_goals.evaluate(ctx, labelled_goals.FRESH_SET)
            accuracy["independent6"] = labelled_goals.evaluate(ctx, labelled_goals.NEWEST_SET)
        meaning_on = not labelled_goals.meaning_status(ctx)
        ctx.db.dispose()
        progress("built-in content")
        (root / "builtin").mkdir()
        builtin = _measure(root / "builtin", None, goals, progress)
        progress("generating 50 careers over 2,000 skills")
        pack = generated_pack(root)
        (root / "large").mkdir()
        large = _measure(root / "large", pack, goals, progress)
    catalogue = {"careers": 50, "skills": 2000}
    return {
        **large,
        "catalogue": catalogue,
        "builtin": builtin,
        "meaning": meaning_on,
        "match_p95_ms": large["match"]["p95_ms"],
        **accuracy,
    }


def table(result: dict[str, Any]) -> list[str]:
    """The result as text: timings per catalogue, then goal -> career accuracy per class."""
    lines = [
        f"{name:8} p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms  "
        f"matched {row['matched']} of {row['goals']}  "
        f"goal match alone p95 {row['match']['p95_ms']} ms"
        for name, row in (("large", result), ("builtin", result["builtin"]))
    ]
    names = (
        "training_tuning_set",
        "training_second_author",
        "training_third_author",
        "training_fourth_author",
        "training_fifth_author",
        "training_sixth_author",
        "training_seventh_author",
    )
    for name in (*names, "independent", "independent4", "independent6"):
        for label, row in result.get(name, {}).items():
            if label == "all":
                continue  # a share over both classes hides one behind the other: each alone
            low, high = row["wilson95"]
            lines.append(
                f"{name:22} {label:25} {row['right']}/{row['of']} = {row['share']:.3f} "
                f"(Wilson 95% {low:.3f}-{high:.3f})"
            )
    return lines

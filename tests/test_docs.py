"""The README and docs/ say what the code does and what its own numbers imply."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from masterpath.benchmarks import goals
from masterpath.content.schema import Criteria
from masterpath.domain import mastery

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_content_pack_docs_give_the_engines_defaults() -> None:
    docs = (ROOT / "docs" / "content-packs.md").read_text(encoding="utf-8")
    assert f"`threshold` {mastery.THRESHOLD:.2f}" in docs
    assert f"`retention_days` {Criteria.model_fields['retention_days'].default}" in docs


def test_goal_matching_figures_count_each_class_of_the_labelled_goals_apart() -> None:
    start = README.index("Measured here", README.index("## From a goal to a track"))
    figures = README[start : README.index("Matching a goal", start)]
    pairs = [(int(a), int(b)) for a, b in re.findall(r"(\d+)\s+of\s+(\d+)", figures)]
    sizes = {}
    for path in (*goals.TUNING_SETS, goals.INDEPENDENT_SET):
        rows = goals.labelled(path)
        with_career = sum(1 for row in rows if row.acceptable)
        sizes[path] = (with_career, len(rows) - with_career)
    first, second, third, fourth, fifth, independent = sizes.values()
    # "an acceptable career for A of B, ... goals that have one, and "no match" for ...", then
    # the third, fourth and fifth authors' fresh-author figures and the folds (now and before),
    # each set's classes
    sets = (first, second, third, fourth, fifth)
    training = [s[0] for s in sets] + [s[1] for s in sets]
    folds = [n for s in sets for n in s]
    fresh = [*third, *fourth, *fifth]
    assert [b for _, b in pairs] == [*training, *fresh, *folds, *folds, *independent]
    assert all(a <= b for a, b in pairs)
    for right, total in pairs[-2:]:  # the independent set's shares, as printed
        assert f"{right} of {total} ({round(100 * right / total)}%" in " ".join(figures.split())


def test_production_commands_need_only_what_make_install_installs() -> None:
    production = README[README.index("## Running in production") : README.index("## Development")]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    extras = re.search(r"pip install .*-e '\.\[([a-z,]+)\]'", makefile)
    assert extras is not None
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    installed = " ".join(
        project["dependencies"]
        + [d for name in extras.group(1).split(",") for d in project["optional-dependencies"][name]]
    )
    assert "masterpath serve --workers" in production
    for tool in ("gunicorn", "uvicorn-worker"):
        assert tool not in production or tool in installed, f"{tool} is not installed"
    assert "uvicorn.workers" not in production  # deprecated in the installed uvicorn

"""The mentor's citations on labelled questions: the developers' tuning set and the independent
set (its figures are measured here, never tuned on)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from masterpath.benchmarks import citations
from masterpath.cli import main
from masterpath.errors import ContentError
from masterpath.services import Context

FIXTURES = Path(__file__).parents[1] / "fixtures"
QUESTIONS = FIXTURES / "mentor_questions.yaml"
INDEPENDENT = FIXTURES / "independent"

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("MASTERPATH_TEST_DATABASE_URL")),
    reason="uses its own SQLite file with the built-in packs; run once, in the SQLite pass",
)


def test_the_first_citation_is_right_on_the_tuning_set(builtin: Context) -> None:
    """Training figures: the fusion weights were chosen on this file (bench citations --sweep)."""
    result = citations.score(builtin, citations.tuning(QUESTIONS))
    assert result["answerable"] >= 100 and result["outside"] >= 25
    assert result["accuracy"] >= 0.85, result["misses"]
    assert result["outside_recognised_share"] >= 0.8


def test_the_independent_set_is_complete_and_its_labels_name_real_units(builtin: Context) -> None:
    from masterpath.services import knowledge

    rows = citations.independent(INDEPENDENT)
    assert len(rows) >= 400 and sum(r["scope"] == "out" for r in rows) >= 40
    assert min(sum(r["skill"] == s for r in rows) for s in {r["skill"] for r in rows}) >= 8
    units = {u.id for u in knowledge.get(builtin).index.units}
    assert {a for r in rows for a in r["answers"]} <= units


def test_the_command_prints_the_figures_as_json(builtin: Context, tmp_path: Path) -> None:
    # Two labelled questions in each set: the command's shape, not the figures (the tests above
    # hold the tuning set's figures; `bench citations` scores every set).
    questions = tmp_path / "questions.yaml"
    questions.write_text(
        '- {skill: docker-containers, question: "why does docker stop wait so long?",\n'
        '   section: "Runtime behaviour worth knowing"}\n'
        '- {skill: docker-containers, question: "best sourdough hydration?", section: null}\n'
    )
    small = tmp_path / "small"
    small.mkdir()
    (small / "questions.yaml").write_text(
        '- {skill: docker-containers, question: "why does docker stop wait so long?"}\n'
        '- {skill: docker-containers, question: "best sourdough hydration?", scope: out}\n'
    )
    (small / "labels.yaml").write_text(
        "- {n: 0, answers: [docker-containers/lesson#runtime-behaviour-worth-knowing]}\n"
        "- {n: 1, answers: []}\n"
    )
    data_dir = str(builtin.settings.data_dir)
    result = CliRunner().invoke(
        main,
        [
            "bench",
            "citations",
            "--questions",
            str(questions),
            "--independent",
            str(small),
            "--dev",
            str(tmp_path / "none"),
            "--data-dir",
            data_dir,
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout.splitlines()[-1])
    tuning = figures["tuning (training figures)"]
    assert tuning["questions"] == 2
    assert tuning["answerable"] == 1 and tuning["outside"] == 1
    assert figures["independent"]["questions"] == 2
    assert figures["independent_by_author_scope"]["out"]["outside_recognised"] == 1


def test_a_labels_file_out_of_step_with_the_questions_is_refused(tmp_path: Path) -> None:
    (tmp_path / "questions.yaml").write_text('- {skill: docker-containers, question: "why?"}\n')
    (tmp_path / "labels.yaml").write_text("[]\n")
    with pytest.raises(ContentError, match="1 questions but 0 labels"):
        citations.independent(tmp_path)


@pytest.mark.parametrize("name", ["independent6", "independent7"])
def test_the_newest_held_out_sets_are_complete_and_name_real_units(
    builtin: Context, name: str
) -> None:
    """Each fresh set: every question labelled, every skill asked about, every label a unit
    (a unit renamed in the content would otherwise silently count as a miss)."""
    from masterpath.services import knowledge

    rows = citations.independent(FIXTURES / name)
    assert {r["skill"] for r in rows} == set(knowledge.get(builtin).titles)
    assert sum(not r["answers"] for r in rows) >= 100 <= sum(bool(r["answers"]) for r in rows)
    units = {u.id for u in knowledge.get(builtin).index.units}
    assert {a for r in rows for a in r["answers"]} <= units

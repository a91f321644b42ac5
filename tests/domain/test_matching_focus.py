"""Goal → career: which part of a goal says what the learner wants, and whose name it says."""

from __future__ import annotations

import pytest

from masterpath.domain import aims, matching

CAREERS = {
    "engineer": (["Pipeline Engineer"], "Pipeline engineer. Ship pipelines.", "Pipelines."),
    "lead": (["Pipeline Lead"], "Pipeline lead. Mentor and decide.", "Reviews."),
}


def test_focus_starts_at_what_the_learner_wants() -> None:
    goal = "I'm a mid-level pipeline engineer and want design reviews and mentoring"
    assert aims.focus(goal) == "want design reviews and mentoring"


def test_focus_keeps_a_goal_that_says_no_background() -> None:
    assert aims.focus("pipeline engineer") == "pipeline engineer"


def test_focus_leaves_out_role_nouns_in_the_plural() -> None:
    assert aims.focus("mentor junior pipeline engineers") == "mentor junior pipeline  "


def test_a_name_said_as_background_does_not_pick_the_career() -> None:
    index = matching.build(CAREERS)
    goal = "I'm a pipeline engineer and want to become a pipeline lead"
    assert matching.evidence(index, goal).named == frozenset([1])


def test_a_name_said_of_other_people_does_not_pick_the_career() -> None:
    index = matching.build(CAREERS)
    assert matching.evidence(index, "mentor pipeline engineers").named == frozenset()
    assert matching.evidence(index, "become a pipeline engineer").named == frozenset([0])


def test_a_job_no_career_or_skill_names_is_elsewhere() -> None:
    index = matching.build(CAREERS)
    assert matching.unlisted_role(index, "pipeline policy advisor for the government") == "advisor"
    assert matching.match(index, "hardware technician for pipelines").career is None


def test_a_job_the_learner_comes_from_is_not_their_aim() -> None:
    index = matching.build(CAREERS)
    assert matching.unlisted_role(index, "I was a librarian and want to ship pipelines") is None
    assert matching.unlisted_role(index, "I'm currently a high school maths teacher") is None


def test_typos_generic_roles_and_title_words_are_not_unlisted_jobs() -> None:
    index = matching.build(CAREERS)
    assert matching.unlisted_role(index, "pipeline enginer") is None
    assert matching.unlisted_role(index, "director of pipelines") is None
    assert matching.unlisted_role(index, "pipeline leader") is None  # "lead" is a title word


def test_a_title_word_counts_only_with_the_role_it_qualifies() -> None:
    careers = {
        "architect": (
            ["Data Architect", "LLM Architect"],
            "Design LLM platforms.",
            "An architect sets standards.",
        ),
        "engineer": (["Data Engineer"], "Serve LLM models.", "Pipelines."),
    }
    index = matching.build(careers)
    assert max(matching.evidence(index, "serve LLM models").lexical) <= 1.0  # BM25 alone
    assert matching.evidence(index, "LLM architect").lexical[0] > 1.0  # and the title


def test_a_role_noun_from_the_background_boosts_no_title() -> None:
    careers = {
        "lead": (["Pipeline Lead", "Staff Pipeline Engineer"], "Lead.", "Lead pipelines."),
        "architect": (["Platform Architect"], "Design.", "Design pipeline platforms."),
    }
    index = matching.build(careers)
    found = matching.evidence(index, "I'm a pipeline engineer and want to design platforms")
    assert found.lexical[0] == pytest.approx(1.0)  # the architect: BM25's best
    assert found.lexical[1] < 1.0  # "engineer" is where they come from: no title boost


def test_what_follows_wants_or_an_arrow_is_the_aim() -> None:
    assert aims.background("electrical engineer who wants to ship pipelines", "engineer")
    assert aims.background("physics teacher -> pipeline engineer", "teacher")
    assert aims.other_profession("Lawyer considering a career change into pipelines") is None
    goal = "Accountant originally, now an ERP solution architect. Next goal: AI architecture."
    assert aims.other_profession(goal) is None


def test_a_profession_is_its_written_name_not_its_stem() -> None:
    assert aims.other_profession("chemist doing lab data analysis, want pipelines") is None
    assert aims.other_profession("become a data analyst") == "data analyst"
    assert aims.other_profession("help me study for my nursing exams") == "nurse"


def test_a_neighbouring_software_job_is_another_profession_only_as_the_aim() -> None:
    assert aims.other_profession("now want to become a data engineer for analytics") == (
        "data engineer"
    )
    assert aims.other_profession("UX designer for AI products") == "ux designer"
    assert aims.other_profession("AI engineer planning to switch into game development") == (
        "game development"
    )
    assert aims.other_profession("game developer who wants to move into pipelines") is None
    assert aims.other_profession("data engineer who wants to serve the models") is None


def test_background_after_the_aim_and_people_to_hire_are_not_the_aim() -> None:
    goal = "become a pipeline lead in 2 years, currently a pipeline engineer"
    assert "engineer" not in aims.focus(goal)
    assert "engineer" not in aims.focus("hire a good pipeline engineer for my startup")
    assert aims.focus("Pipeline Engineer. That's the job I want.").startswith("Pipeline")


def test_an_er_word_inside_a_clause_is_no_job() -> None:
    index = matching.build(CAREERS)
    assert (
        matching.unlisted_role(index, "SQL user, I want to go further and ship pipelines") is None
    )
    assert matching.unlisted_role(index, "own the design of our recommender") is None
    assert matching.unlisted_role(index, "become a professional photographer") == "photographer"


def test_the_longest_name_said_picks_the_career() -> None:
    careers = {
        "engineer": (["Pipeline Engineer"], "Ship pipelines.", "Pipelines."),
        "lead": (["Senior Pipeline Engineer"], "Mentor and decide.", "Reviews."),
    }
    index = matching.build(careers)
    assert matching.evidence(index, "sr pipeline eng").named == frozenset([1])
    assert matching.evidence(index, "pipeline engineer").named == frozenset([0])


def test_skills_another_career_lists_are_not_a_careers_own() -> None:
    career = {"stages": [{"skills": ["shared", "mine"]}]}
    assert matching.own_skills(career, frozenset({"shared"})) == ["mine"]
    assert matching.own_skills(career, frozenset({"shared", "mine"})) == ["shared", "mine"]


@pytest.mark.parametrize(
    ("goal", "senior"),
    [
        ("head of machine learning at a small company", True),
        ("manage an AI engineering team but keep coding", True),
        ("senior AI/ML engineer, next step up", True),
        ("managing ML pipelines", False),
        ("I was a senior nurse, want to become an ML engineer", False),
    ],
)
def test_senior_reads_the_rank_the_goal_aims_at(goal: str, senior: bool) -> None:
    assert aims.senior(goal) is senior


def test_a_senior_aim_matches_only_a_career_for_seniors() -> None:
    index = matching.build(CAREERS, advanced=["lead"])
    assert matching.match(index, "director of pipeline engineering").career == "lead"
    assert matching.match(index, "pipeline engineering").career == "engineer"


def test_a_goals_typos_are_spelled_as_the_careers_spell_them() -> None:
    index = matching.build(CAREERS, lexicon=frozenset({"become", "want"}))
    assert matching.respelled(index, "become a pipline enginer") == "become a pipeline engineer"
    assert matching.evidence(index, "become a pipline enginer").named == frozenset({0})


def test_without_a_lexicon_a_goal_is_read_as_written() -> None:
    index = matching.build(CAREERS)
    assert matching.respelled(index, "become a pipline enginer") == "become a pipline enginer"

"""The built-in curriculum meets every authoring rule (docs/authoring.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from masterpath.content import quality
from masterpath.content.loader import builtin_pack_dirs, read_packs
from masterpath.content.schema import Certification, InterviewQuestion, Pack

LINKS = Path(__file__).parents[2] / "content" / "LINKS.md"


@pytest.fixture(scope="module")
def packs() -> list[Pack]:
    report = read_packs(builtin_pack_dirs())
    assert report.ok and report.warnings == [], report.problems + report.warnings
    return report.packs


def test_every_authoring_rule_holds(packs: list[Pack]) -> None:
    links = quality.listed_links(LINKS.read_text())
    problems = quality.check(packs, links=links, depth=False)  # depth: the test below
    assert [str(p) for p in problems] == []


def test_every_builtin_skill_has_a_lab_and_a_deep_enough_lesson(packs: list[Pack]) -> None:
    """Issue 16 (depth): a lab, a lesson of 1,000/1,500 prose words with two worked examples,
    and stated hours that their parts account for. Fails until the labs and deeper lessons
    written on the content branches are merged."""
    assert [str(p) for p in quality.check_depth(packs)] == []


def test_architect_career_has_at_least_thirty_skills(packs: list[Pack]) -> None:
    counts = {c["slug"]: c["skills"] for c in quality.stats(packs)["careers"]}
    assert counts["ai-engineering-architect"] >= 30
    assert {"machine-learning-engineer", "ai-technical-lead"} <= counts.keys()


def test_the_three_careers_share_skills(packs: list[Pack]) -> None:
    careers = {c.slug: set(c.skill_ids) for p in packs for c in p.careers}
    architect = careers["ai-engineering-architect"]
    assert careers["machine-learning-engineer"] <= architect
    assert careers["ai-technical-lead"] <= architect
    shared_by_all = architect & careers["machine-learning-engineer"] & careers["ai-technical-lead"]
    assert "cross-functional-collaboration" in shared_by_all


def test_every_certification_and_interview_question_names_known_skills(packs: list[Pack]) -> None:
    skills = {s.id for p in packs for s in p.skills}
    for career in (c for p in packs for c in p.careers):
        assert career.certifications and career.faq and career.interview, career.slug
        entries: list[Certification | InterviewQuestion] = [*career.certifications]
        for entry in [*entries, *career.interview]:
            assert entry.skills and set(entry.skills) <= skills, (career.slug, entry)


def test_every_certification_is_dated_and_an_ending_one_names_its_successor(
    packs: list[Pack],
) -> None:
    for career in (c for p in packs for c in p.careers):
        for cert in career.certifications:
            assert cert.as_of is not None, (career.slug, cert.name)
            if cert.status in ("retiring", "retired"):
                assert cert.successor and cert.retires_on, (career.slug, cert.name)

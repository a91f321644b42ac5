from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from masterpath.cli import main
from masterpath.content import quality
from masterpath.content.loader import builtin_pack_dirs, read_packs
from masterpath.content.schema import Item, Option, Pack, PackInfo, Skill, Task

FIXTURE = Path(__file__).parents[1] / "fixtures" / "pack"


def choice(item_id: str, correct: int, texts: tuple[str, ...] = ("aa", "bb", "cc")) -> Item:
    options = [Option(id=f"o{n}", text=t, correct=n == correct) for n, t in enumerate(texts)]
    return Item(
        id=item_id,
        type="single_choice",
        stem=f"Question {item_id} about topic {item_id}?",
        objectives=["o"],
        options=options,
        explanation="Because.",
        hints=["Think."],
    )


def short(item_id: str, model_answer: str) -> Item:
    return Item(
        id=item_id,
        type="short_text",
        stem="What does the hand-off contract fix?",
        objectives=["o"],
        model_answer=model_answer,
        concepts=[
            {"id": "artefact", "phrasings": ["versioned artefact", "packaged model"]},
            {"id": "schema", "phrasings": ["input schema", "output schema"]},
        ],
        explanation="Because.",
        hints=["Think."],
    )


def skill(items: list[Item], task: Task | None = None) -> Skill:
    return Skill(
        id="s",
        title="S",
        summary="S",
        hours=1,
        objectives=[{"id": "o", "text": "O"}],
        items=items,
        task=task,
    )


def one_pack(skills: list[Skill]) -> Pack:
    return Pack(info=PackInfo(id="p", version="1", title="P"), careers=[], skills=skills)


def test_stats_count_per_career_and_skill() -> None:
    (pack,) = read_packs([FIXTURE]).packs
    counts = quality.stats([pack])
    assert counts["careers"] == [
        {"slug": "data-wrangler", "skills": 3},
        {"slug": "pipeline-builder", "skills": 2},
    ]
    python = next(s for s in counts["skills"] if s["id"] == "python-basics")
    assert python == {
        "id": "python-basics",
        "careers": ["data-wrangler"],
        "objectives": 2,
        "items": 4,
        "items_by_type": {"numeric": 1, "short_text": 1, "single_choice": 1, "true_false": 1},
        "assessment_only": 1,
        "cards": 2,
        "resources": 1,
        "lesson_words": 30,
        "lesson_prose_words": 19,
        "lesson_code_lines": 2,
        "worked_examples": 0,
        "has_task": True,
        "lab_minutes": 30,
        "hours": {
            "stated": 4.0,
            # 19 words at 150 a minute and 2 code lines at 10; items 4 x 3; cards 2 x 6 x 0.5
            "parts": {
                "lesson": 0.3,
                "lab": 30.0,
                "resources": 60.0,
                "practice": 12.0,
                "flashcards": 6.0,
                "applied task": 60.0,
            },
            "computed": 2.81,
            "honest_range": [2.1, 3.51],
            "honest": False,
        },
    }
    cleaning = next(s for s in counts["skills"] if s["id"] == "data-cleaning")
    assert cleaning["careers"] == ["data-wrangler", "pipeline-builder"]


def test_skill_minima_name_the_skill_and_what_is_missing() -> None:
    (pack,) = read_packs([FIXTURE]).packs
    python = next(s for s in pack.skills if s.id == "python-basics")
    found = [str(p) for p in quality.check_skill(python)]
    assert "skill python-basics: has 4 items; write at least 12" in found
    assert "skill python-basics: has 2 flashcards; write at least 8" in found
    assert any("objective 'types' has 2 items (0 assessment-only, 0 hard)" in f for f in found)


def test_key_position_skew_is_caught() -> None:
    items = [choice(f"q{n}", 0) for n in range(6)] + [choice("r", 1), choice("t", 2)]
    found = [str(p) for p in quality.check_choices([skill(items)])]
    assert found[0] == (
        "single-choice items: the correct option is option 1 in 6 of 8 "
        "single-choice items; no position above 35%"
    )


def test_key_that_is_always_longest_is_caught() -> None:
    items = [
        choice(f"q{n}", n % 3, tuple("x" * (9 if i == n % 3 else 2) for i in range(3)))
        for n in range(6)
    ]
    found = [str(p) for p in quality.check_choices([skill(items)])]
    assert found == [
        "single-choice items: the correct option is the longest in 6 of 6 "
        "single-choice items; keep it between 20% and 35%"
    ]


def test_key_that_is_never_longest_is_caught() -> None:
    items = [
        choice(f"q{n}", n % 3, tuple("x" * (2 if i == n % 3 else 9) for i in range(3)))
        for n in range(6)
    ]
    found = [str(p) for p in quality.check_choices([skill(items)])]
    assert found == [
        "single-choice items: the correct option is the longest in 0 of 6 "
        "single-choice items; keep it between 20% and 35%"
    ]


def multi(item_id: str, keys: int, options: int = 4) -> Item:
    texts = [f"option {n} of {item_id}" for n in range(options)]
    return Item(
        id=item_id,
        type="multiple_choice",
        stem=f"Which apply to {item_id}?",
        objectives=["o"],
        options=[Option(id=f"o{n}", text=t, correct=n < keys) for n, t in enumerate(texts)],
        explanation="Because.",
        hints=["Think."],
    )


def true_false(item_id: str, answer: bool) -> Item:
    return Item(
        id=item_id,
        type="true_false",
        stem=f"Statement {item_id}.",
        objectives=["o"],
        answer=answer,
        explanation="Because.",
        hints=["Think."],
    )


def test_multiple_choice_with_always_three_keys_is_caught() -> None:
    items = [multi(f"m{n}", 3) for n in range(8)] + [multi("two", 2), multi("other", 2)]
    found = [str(p) for p in quality.check_cues([skill(items)])]
    assert len(found) == 2
    assert found[0].startswith("multiple-choice items: 0% have exactly one correct option")
    assert "80% have the same number of correct options ({'2': 2, '3': 8})" in found[1]


def test_varied_multiple_choice_and_balanced_true_false_pass() -> None:
    items = [multi("one", 1), multi("two", 2), multi("three", 3), multi("two-b", 2)]
    items += [true_false(f"t{n}", n % 2 == 0) for n in range(4)]
    assert quality.check_cues([skill(items)]) == []
    figures = quality.cues([skill(items)])
    assert figures["multiple_choice"]["correct_options"] == {"1": 1, "2": 2, "3": 1}
    assert figures["true_false"]["false_share"] == 0.5


def test_true_false_mostly_false_is_caught() -> None:
    items = [true_false(f"t{n}", n == 0) for n in range(4)]
    found = [str(p) for p in quality.check_cues([skill(items)])]
    assert found == [
        "true/false items: 75% of true/false statements are false; keep it between 40% and 60%"
    ]


def test_near_duplicate_items_are_caught() -> None:
    a = choice("a", 0)
    b = Item(**{**a.model_dump(), "id": "b", "stem": a.stem + " "})
    found = [str(p) for p in quality.check_duplicates([skill([a, b, choice("c", 1)])])]
    assert found == ["s:a: item s:a nearly repeats s:b"]


def carded(skill_id: str, cards: list[tuple[str, str, str]], items: tuple[Item, ...] = ()) -> Skill:
    return Skill(
        id=skill_id,
        title=skill_id,
        summary=skill_id,
        hours=1,
        lesson=f"The lesson of {skill_id}.",
        objectives=[{"id": "o", "text": "O"}],
        items=list(items),
        flashcards=[{"id": i, "front": front, "back": back} for i, front, back in cards],
    )


def test_a_card_repeated_in_another_skill_is_caught_naming_both() -> None:
    card = ("nist", "The four functions of the NIST AI RMF", "Govern, Map, Measure, Manage.")
    found = [
        str(p)
        for p in quality.check_duplicates(
            [carded("standards", [card]), carded("governance", [("rmf", *card[1:])])]
        )
    ]
    assert len(found) == 1
    assert "card standards:nist nearly repeats card governance:rmf" in found[0]


def test_a_question_card_and_its_bare_topic_card_are_caught() -> None:
    back = "Instructions hidden in content the model reads rather than typed by the user."
    asked = carded("security", [("indirect", "What is indirect prompt injection?", back)])
    bare = carded("guardrails", [("injection", "Indirect prompt injection", back)])
    assert quality.content_words("What is indirect prompt injection?") == quality.content_words(
        "Indirect prompt injection"
    )
    found = [str(p) for p in quality.check_duplicates([asked, bare])]
    assert len(found) == 1
    assert "security:indirect" in found[0] and "guardrails:injection" in found[0]


def test_distinct_cards_pass() -> None:
    cards = [
        ("skew", "Training-serving skew", "Features computed differently online and offline."),
        ("parity", "Which test catches skew before release?", "A parity test in staging."),
        ("psi", "What does PSI measure?", "How far a distribution moved from its baseline."),
    ]
    spread = [carded(f"s{n}", [card]) for n, card in enumerate(cards)]
    assert quality.check_duplicates(spread) == []
    assert quality.check_duplicates([carded("one", cards)]) == []


def test_the_same_stem_in_two_skills_is_caught_but_not_within_one() -> None:
    def numeric(item_id: str, stem: str) -> Item:
        return Item(
            id=item_id,
            type="numeric",
            stem=stem,
            objectives=["o"],
            answer=6,
            explanation="Because.",
            hints=["Think."],
        )

    first = numeric("hpa", "An HPA targets 60% CPU; 4 replicas average 90%. How many replicas?")
    second = numeric("hpa2", "What will an HPA targeting 50% CPU do with 3 replicas at 100%?")
    found = [
        str(p)
        for p in quality.check_duplicates([carded("a", [], (first,)), carded("b", [], (second,))])
    ]
    assert len(found) == 1
    assert "item stem a:hpa nearly repeats item stem b:hpa2" in found[0]
    assert quality.check_duplicates([carded("a", [], (first, second))]) == []


def test_unlisted_and_malformed_urls_are_caught() -> None:
    (pack,) = read_packs([FIXTURE]).packs
    found = [str(p) for p in quality.check_links([pack], set())]
    assert (
        "skill python-basics: https://docs.python.org/3/tutorial/ is not listed in "
        "content/LINKS.md" in found
    )
    listed = quality.listed_links("| https://docs.python.org/3/tutorial/ | x | y |\n")
    assert quality.check_links([pack], listed) == []


def test_stats_command_fails_on_the_fixture_and_prints_json_last() -> None:
    result = CliRunner().invoke(
        main, ["content", "stats", "--json", str(FIXTURE), "--links", "/nonexistent"]
    )
    assert result.exit_code == 1
    document = json.loads(result.stdout.strip().splitlines()[-1])
    assert {c["slug"] for c in document["careers"]} == {"data-wrangler", "pipeline-builder"}
    assert "skill sql-basics: has 3 items; write at least 12" in result.stderr


def test_model_answer_that_misses_its_own_concept_is_caught() -> None:
    good = short("good", "A versioned artefact with an input schema.")
    bad = short("bad", "A versioned artefact with an input/output schema.")  # one token
    expected = (
        "skills/s/skill.yaml item bad: the model answer scores 0.50 against its own concepts: "
        "no phrasing of 'schema' matches it; add the wording the model answer uses"
    )
    assert [str(p) for p in quality.check_model_answers(skill([good, bad]))] == [expected]
    assert expected in [str(p) for p in quality.check([one_pack([skill([good, bad])])])]


def test_task_criterion_without_concepts_is_a_warning_not_a_problem() -> None:
    task = Task(
        prompt="Containerise the model server.",
        rubric=[
            {
                "id": "layers",
                "criterion": "Dependencies are installed before the code is copied.",
                "points": 2,
                "concepts": [{"id": "req", "phrasings": ["requirements.txt", "pip install"]}],
            },
            {"id": "style", "criterion": "The Dockerfile is easy to read.", "points": 1},
        ],
    )
    docker = one_pack([skill([], task)])
    assert [str(p) for p in quality.warnings([docker])] == [
        "skills/s/skill.yaml task criterion style: has no concepts, so it cannot be graded "
        "automatically; an instructor must score it"
    ]
    assert not any("cannot be graded" in str(p) for p in quality.check([docker]))


def test_every_builtin_task_criterion_can_be_graded_automatically() -> None:
    packs = read_packs(builtin_pack_dirs()).packs
    assert packs
    assert [str(p) for p in quality.warnings(packs)] == []


def deep_skill(*, hours: float, prose: int, examples: int, lab_minutes: int | None = 120) -> Skill:
    headings = "".join(f"\n## Worked example {n}\n\nText.\n" for n in range(examples))
    lesson = " ".join(["word"] * prose) + "\n\n```sh\n" + "echo code\n" * 50 + "```\n" + headings
    lab = {"title": "Do it", "minutes": lab_minutes, "markdown": "## Steps"}
    return Skill(
        id="deep",
        title="Deep",
        summary="Deep",
        hours=hours,
        objectives=[{"id": "o", "text": "O"}],
        lesson=lesson,
        resources=[{"title": "Docs", "url": "https://example.org/", "kind": "docs", "minutes": 60}],
        lab=lab if lab_minutes else None,
    )


def test_a_skill_without_a_lab_is_caught_naming_the_file() -> None:
    found = [
        str(p)
        for p in quality.check_lab(deep_skill(hours=5, prose=1000, examples=2, lab_minutes=None))
    ]
    assert found == [
        "skills/deep/lab.md skill deep: has no lab; write skills/<id>/lab.md "
        "(docs/content-packs.md, Labs)"
    ]
    assert quality.check_lab(deep_skill(hours=5, prose=1000, examples=2)) == []


def test_a_shallow_lesson_is_caught_and_code_does_not_count_as_words() -> None:
    # 1,400 prose words and 50 code lines (100 code "words") for a 20-hour skill: too shallow
    shallow = deep_skill(hours=20, prose=1400 - 2 * 4, examples=2)
    found = [str(p) for p in quality.check_lesson_depth(shallow)]
    assert found == [
        "skills/deep/lesson.md skill deep: lesson has 1,400 words of prose (code blocks not "
        "counted); a 20-hour skill needs at least 1,500"
    ]
    assert quality.check_lesson_depth(deep_skill(hours=19.5, prose=1000, examples=2)) == []
    assert quality.check_lesson_depth(deep_skill(hours=20, prose=1500, examples=2)) == []


def test_a_lesson_with_one_worked_example_is_caught() -> None:
    found = [
        str(p) for p in quality.check_lesson_depth(deep_skill(hours=5, prose=2000, examples=1))
    ]
    assert found == [
        "skills/deep/lesson.md skill deep: lesson has 1 worked example(s); write at least 2, "
        "each under a `##` or `###` heading starting 'Worked example'"
    ]


def test_stated_hours_the_parts_do_not_account_for_are_caught() -> None:
    # parts: lesson ~ 1,006/150 + 50/10 = 11.7 min, lab 120, resources 60: 3.2 h in all
    honest = deep_skill(hours=3.5, prose=1000, examples=2)
    assert quality.check_hours(honest) == []
    (inflated,) = quality.check_hours(deep_skill(hours=20, prose=1000, examples=2))
    assert str(inflated) == (
        "skills/deep/skill.yaml skill deep hours: states 20 hours but its parts add up to 3.2 "
        "hours (lesson 0.2, lab 2.0, resources 1.0, practice 0.0, flashcards 0.0, applied task "
        "0.0); state 2.4 to 4.0 hours, or add the work that fills the difference"
    )
    assert quality.check_hours(deep_skill(hours=2, prose=1000, examples=2))  # understated too


def test_check_depth_runs_every_depth_rule_and_check_can_leave_them_out() -> None:
    bad = deep_skill(hours=20, prose=100, examples=0, lab_minutes=None)
    found = quality.check_depth([one_pack([bad])])
    assert [(p.file, p.message.split(";")[0].split(" ")[-1]) for p in found] == [
        ("skills/deep/lab.md", "lab"),
        ("skills/deep/lesson.md", "counted)"),
        ("skills/deep/lesson.md", "example(s)"),
        ("skills/deep/skill.yaml", "0.0)"),
    ]
    depth = [str(p) for p in found]
    everything = [str(p) for p in quality.check([one_pack([bad])])]
    assert set(depth) <= set(everything)
    assert not set(depth) & {str(p) for p in quality.check([one_pack([bad])], depth=False)}

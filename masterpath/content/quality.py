"""Content statistics, the authoring checks every built-in skill must pass, and warnings."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from masterpath.content.schema import Career, Item, Pack, Skill, words
from masterpath.domain import content as model
from masterpath.domain import grading, hours, reading
from masterpath.domain.content import ItemType
from masterpath.errors import Problem

MIN_ITEMS, MIN_CARDS, MIN_RESOURCES, MIN_TYPES = 12, 8, 3, 4
LESSON_WORDS = (300, 5000)
# Depth (issue 16): a lesson's prose (words outside fenced code) is at least 1,500 words for a
# skill of 20 hours or more and 1,000 otherwise, with at least two worked examples (`##` or
# `###` headings that start with "Worked example"); every built-in skill has a lab.
DEEP_HOURS = 20
DEPTH_WORDS = (1000, 1500)  # below DEEP_HOURS, at or above it
MIN_WORKED_EXAMPLES = 2
OBJECTIVES = (2, 5)
MAX_TRUE_FALSE = 0.25
MAX_POSITION_SHARE = 0.35
# Test-wise cues across the bank: a learner who always picks (or avoids) the longest option, or
# answers "false" to every true/false statement, must not beat chance by much.
LONGEST_SHARE = (0.20, 0.35)  # single choice: the key is the longest option
FALSE_SHARE = (0.40, 0.60)  # true/false: the statement is false
MIN_MULTI_EXTREME = 0.10  # multiple choice: exactly one correct, and all but one correct, each
MAX_MULTI_SAME_COUNT = 0.50  # multiple choice: no one number of correct options dominates
MIN_INTERVIEW, MIN_CAREER_RESOURCES = 5, 3
NEAR_DUPLICATE = 0.9
# Cards anywhere in the bank, and item stems in different skills, whose content words (see
# `content_words`) overlap by more than this share (Jaccard) repeat one another. At 0.32 every
# duplicate a review found scored above it (stems 0.33 to 0.63, cards 0.36 to 1.0) and every
# pair left after the rewrite below it (at most 0.32); paraphrases with few shared words
# ("validate, encode" versus "validate, escape") still need a reviewer.
CARD_DUPLICATE = 0.32
STEM_DUPLICATE = 0.32
_FRAMING_WORDS = (
    "a about an and approximately are as at be belong belongs by can correct could did do "
    "does each every false following for from how if in into is it its many much of on or "
    "order put roughly should stage stages statement statements step steps that the these "
    "this to true was were what when where which who whom whose why will with would you your"
)
_FRAMING = frozenset(_FRAMING_WORDS.split())
_URL = re.compile(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:/[^\s]*)?$")


def stats(packs: Sequence[Pack]) -> dict[str, Any]:
    """The document `masterpath content stats --json` prints."""
    careers = [c for p in packs for c in p.careers]
    member: dict[str, list[str]] = {}
    for career in careers:
        for skill_id in career.skill_ids:
            member.setdefault(skill_id, []).append(career.slug)
    skills = [s for p in packs for s in p.skills]
    return {
        "careers": [{"slug": c.slug, "skills": len(c.skill_ids)} for c in careers],
        "skills": [_skill_stats(s, member.get(s.id, [])) for s in skills],
        "cues": cues(skills),
    }


def cues(skills: Sequence[Skill]) -> dict[str, Any]:
    """The test-wise cue figures across the bank, each with the bounds the checks hold it to."""
    items = [i for s in skills for i in s.items]
    single = [i for i in items if i.type == "single_choice"]
    multi = [i for i in items if i.type == "multiple_choice"]
    true_false = [i for i in items if i.type == "true_false"]
    correct = Counter(sum(o.correct for o in i.options) for i in multi)
    return {
        "single_choice": {
            "items": len(single),
            "key_longest": sum(_key_is_longest(i) for i in single),
            "key_longest_share": _share(sum(_key_is_longest(i) for i in single), len(single)),
            "bounds": list(LONGEST_SHARE),
        },
        "multiple_choice": {
            "items": len(multi),
            "correct_options": {str(n): correct[n] for n in sorted(correct)},
            "one_correct_share": _share(correct[1], len(multi)),
            "all_but_one_share": _share(sum(_all_but_one(i) for i in multi), len(multi)),
            "most_common_count_share": _share(max(correct.values(), default=0), len(multi)),
            "first_option_correct_share": _share(
                sum(i.options[0].correct for i in multi), len(multi)
            ),
        },
        "true_false": {
            "items": len(true_false),
            "false_share": _share(sum(i.answer is False for i in true_false), len(true_false)),
            "bounds": list(FALSE_SHARE),
        },
    }


def _share(count: int, total: int) -> float:
    return round(count / total, 3) if total else 0.0


def _all_but_one(item: Item) -> bool:
    return sum(o.correct for o in item.options) == len(item.options) - 1


def _skill_stats(skill: Skill, careers: list[str]) -> dict[str, Any]:
    measured, found = reading.measure(skill.lesson), where_hours(skill)
    return {
        "id": skill.id,
        "careers": careers,
        "objectives": len(skill.objectives),
        "items": len(skill.items),
        "items_by_type": dict(sorted(Counter(i.type for i in skill.items).items())),
        "assessment_only": sum(i.assessment_only for i in skill.items),
        "cards": len(skill.flashcards),
        "resources": len(skill.resources),
        "lesson_words": words(skill.lesson),
        "lesson_prose_words": measured.prose_words,
        "lesson_code_lines": measured.code_lines,
        "worked_examples": measured.worked_examples,
        "has_task": skill.task is not None,
        "lab_minutes": skill.lab.minutes if skill.lab else None,
        "hours": {
            "stated": skill.hours,
            "parts": {part.name: round(part.minutes, 1) for part in found.parts},
            "computed": round(found.hours, 2),
            "honest_range": [round(bound, 2) for bound in found.bounds],
            "honest": found.honest,
        },
    }


def check(
    packs: Sequence[Pack], *, links: set[str] | None = None, depth: bool = True
) -> list[Problem]:
    """Every authoring rule of docs/authoring.md, each problem naming its skill or career.

    `depth=False` leaves out the depth rules (`check_depth`: labs, lesson depth, honest hours).
    """
    skills = [s for p in packs for s in p.skills]
    problems = [problem for skill in skills for problem in check_skill(skill)]
    if depth:
        problems += check_depth(packs)
    problems += [problem for skill in skills for problem in check_model_answers(skill)]
    problems += [p for pack in packs for c in pack.careers for p in check_career(c)]
    problems += check_choices(skills) + check_cues(skills) + check_duplicates(skills)
    if links is not None:
        problems += check_links(packs, links)
    return problems


def check_skill(skill: Skill) -> list[Problem]:
    found: list[str] = []
    n_items = len(skill.items)
    lesson = words(skill.lesson)
    if not OBJECTIVES[0] <= len(skill.objectives) <= OBJECTIVES[1]:
        found.append(f"has {len(skill.objectives)} objectives; write 2 to 5")
    if not LESSON_WORDS[0] <= lesson <= LESSON_WORDS[1]:
        found.append(f"lesson has {lesson} words; write {LESSON_WORDS[0]} to {LESSON_WORDS[1]}")
    if len(skill.resources) < MIN_RESOURCES:
        found.append(f"has {len(skill.resources)} resources; list at least {MIN_RESOURCES}")
    elif skill.resources[0].kind != "docs":
        found.append("the first resource should be official documentation (kind: docs)")
    if n_items < MIN_ITEMS:
        found.append(f"has {n_items} items; write at least {MIN_ITEMS}")
    if len({i.type for i in skill.items}) < MIN_TYPES:
        found.append(f"uses fewer than {MIN_TYPES} item types")
    true_false = sum(i.type is ItemType.TRUE_FALSE for i in skill.items)
    if n_items and true_false / n_items > MAX_TRUE_FALSE:
        found.append(f"{true_false} of {n_items} items are true/false; at most a quarter")
    if len(skill.flashcards) < MIN_CARDS:
        found.append(f"has {len(skill.flashcards)} flashcards; write at least {MIN_CARDS}")
    if skill.task is None:
        found.append("has no applied task")
    found += _objective_coverage(skill) + _hints(skill.items)
    return [Problem(message, field=f"skill {skill.id}") for message in found]


def check_depth(packs: Sequence[Pack]) -> list[Problem]:
    """The depth rules for every skill: a lab, a deep enough lesson, hours its parts account for."""
    return [
        problem
        for pack in packs
        for skill in pack.skills
        for problem in check_lab(skill) + check_lesson_depth(skill) + check_hours(skill)
    ]


def check_lab(skill: Skill) -> list[Problem]:
    """A built-in skill has a lab (its format is checked when the pack is read)."""
    if skill.lab is not None:
        return []
    message = "has no lab; write skills/<id>/lab.md (docs/content-packs.md, Labs)"
    return [Problem(message, file=f"skills/{skill.id}/lab.md", field=f"skill {skill.id}")]


def check_lesson_depth(skill: Skill) -> list[Problem]:
    """Prose words by the skill's hours, and worked examples (code is not counted as words)."""
    measured = reading.measure(skill.lesson)
    least = DEPTH_WORDS[1] if skill.hours >= DEEP_HOURS else DEPTH_WORDS[0]
    found = []
    if measured.prose_words < least:
        found.append(
            f"lesson has {measured.prose_words:,} words of prose (code blocks not counted); a "
            f"{skill.hours:g}-hour skill needs at least {least:,}"
        )
    if measured.worked_examples < MIN_WORKED_EXAMPLES:
        found.append(
            f"lesson has {measured.worked_examples} worked example(s); write at least "
            f"{MIN_WORKED_EXAMPLES}, each under a `##` or `###` heading starting 'Worked example'"
        )
    where = f"skills/{skill.id}/lesson.md"
    return [Problem(message, file=where, field=f"skill {skill.id}") for message in found]


def where_hours(skill: Skill) -> hours.Breakdown:
    """Where the skill's stated hours come from (domain/hours.py)."""
    return hours.for_skill(model.Skill.from_data(skill.model_dump(mode="json")))


def check_hours(skill: Skill) -> list[Problem]:
    """The stated hours lie within `hours.HONEST_BAND` of the sum of their parts."""
    found = where_hours(skill)
    if found.honest:
        return []
    low, high = found.bounds
    parts = ", ".join(f"{p.name} {p.minutes / 60:.1f}" for p in found.parts)
    message = (
        f"states {skill.hours:g} hours but its parts add up to {found.hours:.1f} hours ({parts}); "
        f"state {low:.1f} to {high:.1f} hours, or add the work that fills the difference"
    )
    return [Problem(message, file=_file(skill), field=f"skill {skill.id} hours")]


def warnings(packs: Sequence[Pack]) -> list[Problem]:
    """What passes every rule yet needs a person: task criteria the rubric grader cannot score."""
    return [
        Problem(
            "has no concepts, so it cannot be graded automatically; an instructor must score it",
            file=_file(skill),
            field=f"task criterion {criterion.id}",
        )
        for pack in packs
        for skill in pack.skills
        if skill.task
        for criterion in skill.task.rubric
        if not criterion.concepts
    ]


def check_model_answers(skill: Skill) -> list[Problem]:
    """Every short-text item's model answer earns full marks against its own concepts."""
    found = []
    for item in skill.items:
        if item.type is not ItemType.SHORT_TEXT:
            continue
        concepts = model.concepts(concept.model_dump() for concept in item.concepts)
        grade = grading.short_text(concepts, item.model_answer)
        if grade.missed:
            missed = ", ".join(repr(concept) for concept in grade.missed)
            message = (
                f"the model answer scores {grade.score:.2f} against its own concepts: no phrasing "
                f"of {missed} matches it; add the wording the model answer uses"
            )
            found.append(Problem(message, file=_file(skill), field=f"item {item.id}"))
    return found


def _file(skill: Skill) -> str:
    """Where a skill lives, relative to its pack folder (skill ids are unique across packs)."""
    return f"skills/{skill.id}/skill.yaml"


def _objective_coverage(skill: Skill) -> list[str]:
    found = []
    for objective in skill.objectives:
        items = [i for i in skill.items if objective.id in i.objectives]
        held = sum(i.assessment_only for i in items)
        hard = sum(i.difficulty == "hard" for i in items)
        if len(items) < 3 or held < 2 or hard < 1:
            found.append(
                f"objective {objective.id!r} has {len(items)} items ({held} assessment-only, "
                f"{hard} hard); needs 3 items, 2 assessment-only, 1 hard"
            )
    return found


def _hints(items: list[Item]) -> list[str]:
    return [
        f"item {i.id!r} has {len(i.hints)} hints; give 1 to 3"
        for i in items
        if not 1 <= len(i.hints) <= 3
    ]


def check_career(career: Career) -> list[Problem]:
    found = []
    if len(career.interview) < MIN_INTERVIEW:
        found.append(f"has {len(career.interview)} interview questions; write {MIN_INTERVIEW}")
    if len(career.resources) < MIN_CAREER_RESOURCES:
        found.append(f"has {len(career.resources)} related resources; list {MIN_CAREER_RESOURCES}")
    found += [
        f"certification {c.name!r} names no skills" for c in career.certifications if not c.skills
    ]
    return [Problem(message, field=f"career {career.slug}") for message in found]


def check_choices(skills: Sequence[Skill]) -> list[Problem]:
    """Across all single-choice items: where the key sits, and whether it is the longest."""
    choice = [i for s in skills for i in s.items if i.type is ItemType.SINGLE_CHOICE]
    if not choice:
        return []
    positions = Counter(next(n for n, o in enumerate(i.options) if o.correct) for i in choice)
    found = [
        f"the correct option is option {pos + 1} in {count} of {len(choice)} single-choice items; "
        f"no position above {MAX_POSITION_SHARE:.0%}"
        for pos, count in sorted(positions.items())
        if count / len(choice) > MAX_POSITION_SHARE
    ]
    longest = sum(_key_is_longest(i) for i in choice)
    if not LONGEST_SHARE[0] <= longest / len(choice) <= LONGEST_SHARE[1]:
        found.append(
            f"the correct option is the longest in {longest} of {len(choice)} "
            f"single-choice items; keep it between {LONGEST_SHARE[0]:.0%} and "
            f"{LONGEST_SHARE[1]:.0%}"
        )
    return [Problem(message, field="single-choice items") for message in found]


def check_cues(skills: Sequence[Skill]) -> list[Problem]:
    """Multiple choice with a varied number of keys, true/false neither mostly true nor false."""
    figures = cues(skills)
    found: list[str] = []
    multi = figures["multiple_choice"]
    if multi["items"]:
        if multi["one_correct_share"] < MIN_MULTI_EXTREME:
            found.append(f"{multi['one_correct_share']:.0%} have exactly one correct option")
        if multi["all_but_one_share"] < MIN_MULTI_EXTREME:
            found.append(f"{multi['all_but_one_share']:.0%} have all but one option correct")
        if multi["most_common_count_share"] > MAX_MULTI_SAME_COUNT:
            found.append(
                f"{multi['most_common_count_share']:.0%} have the same number of correct "
                f"options ({multi['correct_options']})"
            )
    problems = [
        Problem(
            f"{message}; at least {MIN_MULTI_EXTREME:.0%} each, and no one number of "
            f"correct options in more than {MAX_MULTI_SAME_COUNT:.0%}",
            field="multiple-choice items",
        )
        for message in found
    ]
    tf = figures["true_false"]
    if tf["items"] and not FALSE_SHARE[0] <= tf["false_share"] <= FALSE_SHARE[1]:
        problems.append(
            Problem(
                f"{tf['false_share']:.0%} of true/false statements are false; keep it between "
                f"{FALSE_SHARE[0]:.0%} and {FALSE_SHARE[1]:.0%}",
                field="true/false items",
            )
        )
    return problems


def _key_is_longest(item: Item) -> bool:
    key = next(len(o.text) for o in item.options if o.correct)
    return all(key > len(o.text) for o in item.options if not o.correct)


def _shingles(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", text.lower()))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def content_words(text: str) -> frozenset[str]:
    """The words that carry a card's or stem's subject: "What is X?" and "X" give the same set.

    Lower case, letters only (punctuation and numbers go, so the same sum with other figures
    still matches), question and statement framing dropped, a plural -s trimmed.
    """
    found = set()
    for word in re.findall(r"[a-z]+", text.lower()):
        if len(word) < 2 or word in _FRAMING:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.add(word)
    return frozenset(found)


def similar_pairs(
    entries: Sequence[tuple[str, frozenset[str]]], *, across_skills: bool = False
) -> list[tuple[float, str, str]]:
    """Every pair of `skill:id` entries with its similarity, most similar first.

    `across_skills` leaves out pairs from the same skill. Empty word sets match nothing.
    """
    pairs = []
    for n, (left, a) in enumerate(entries):
        for right, b in entries[n + 1 :]:
            if across_skills and left.split(":")[0] == right.split(":")[0]:
                continue
            if a and b:
                pairs.append((similarity(a, b), left, right))
    return sorted(pairs, key=lambda pair: -pair[0])


def card_words(skills: Sequence[Skill]) -> list[tuple[str, frozenset[str]]]:
    return [
        (f"{s.id}:{c.id}", content_words(c.front + " " + c.back))
        for s in skills
        for c in s.flashcards
    ]


def stem_words(skills: Sequence[Skill]) -> list[tuple[str, frozenset[str]]]:
    return [(f"{s.id}:{i.id}", content_words(i.stem)) for s in skills for i in s.items]


def check_duplicates(skills: Sequence[Skill]) -> list[Problem]:
    """Near-duplicate items and lessons anywhere, cards across the pack, stems across skills."""
    items = [
        (str(model.ItemId(s.id, i.id)), _shingles(" ".join([i.stem, *(o.text for o in i.options)])))
        for s in skills
        for i in s.items
    ]
    lessons = [(s.id, _shingles(s.lesson)) for s in skills]
    found = []
    for kind, entries in (("item", items), ("lesson of", lessons)):
        for n, (left, a) in enumerate(entries):
            for right, b in entries[n + 1 :]:
                if similarity(a, b) >= NEAR_DUPLICATE:
                    found.append(Problem(f"{kind} {left} nearly repeats {right}", field=left))
    checks = (
        ("card", similar_pairs(card_words(skills)), CARD_DUPLICATE),
        ("item stem", similar_pairs(stem_words(skills), across_skills=True), STEM_DUPLICATE),
    )
    for kind, pairs, threshold in checks:
        found += [
            Problem(
                f"{kind} {left} nearly repeats {kind} {right} ({score:.2f} of their content "
                f"words shared, at most {threshold:.2f}); test what each skill adds",
                field=left,
            )
            for score, left, right in pairs
            if score > threshold
        ]
    return found


def check_links(packs: Sequence[Pack], links: set[str]) -> list[Problem]:
    found = []
    for pack in packs:
        urls = [(f"career {c.slug}", r.url) for c in pack.careers for r in c.resources]
        urls += [
            (f"career {c.slug}", cert.url)
            for c in pack.careers
            for cert in c.certifications
            if cert.url
        ]
        urls += [(f"skill {s.id}", r.url) for s in pack.skills for r in s.resources]
        for where, url in urls:
            if not _URL.match(url):
                found.append(Problem(f"malformed URL {url}", field=where))
            elif url not in links:
                found.append(Problem(f"{url} is not listed in content/LINKS.md", field=where))
    return found


def listed_links(markdown: str) -> set[str]:
    """Every https URL in a LINKS.md file."""
    return set(re.findall(r"https://[^\s|)>\]]+", markdown))

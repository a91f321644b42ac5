"""Test-wise cues across the bank: where single-choice keys sit and whether they are the longest
option, how many options of a multiple-choice item are correct, and how many true/false
statements are false."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from masterpath.content.schema import Item, Skill
from masterpath.domain.content import ItemType
from masterpath.errors import Problem

MAX_POSITION_SHARE = 0.35
# Test-wise cues across the bank: a learner who always picks (or avoids) the longest option, or
# answers "false" to every true/false statement, must not beat chance by much.
LONGEST_SHARE = (0.20, 0.35)  # single choice: the key is the longest option
FALSE_SHARE = (0.40, 0.60)  # true/false: the statement is false
MIN_MULTI_EXTREME = 0.10  # multiple choice: exactly one correct, and all but one correct, each
MAX_MULTI_SAME_COUNT = 0.50  # multiple choice: no one number of correct options dominates


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

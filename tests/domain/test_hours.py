from __future__ import annotations

import pytest

from masterpath.domain import hours
from masterpath.domain.reading import measure

LESSON = """# Title

One two three four five six.

## Worked example: a pod

```yaml
## not a heading, and not prose
kind: Pod

metadata: {}
```

### Worked example 2

~~~
```
still code
~~~
Seven eight.
"""


def test_prose_and_code_are_counted_apart_and_fences_hide_headings() -> None:
    found = measure(LESSON)
    # Title, six words, "Worked example a pod", "Worked example 2", "Seven eight"
    assert found.prose_words == 1 + 6 + 4 + 3 + 2
    assert found.code_lines == 3 + 2  # blank lines in code are not lines read
    assert found.worked_examples == 2
    assert found.minutes == pytest.approx(16 / 150 + 5 / 10)


def test_a_heading_that_only_mentions_an_example_is_not_a_worked_example() -> None:
    text = "## An example\n\n#### Worked example deep\n\n# Worked example top\n"
    assert measure(text).worked_examples == 0


def test_breakdown_names_each_part_with_its_rule() -> None:
    found = hours.breakdown(
        stated_hours=6,
        lesson=" ".join(["word"] * 1500),
        lab_minutes=120,
        resource_minutes=[30, None, 45],
        items=15,
        cards=10,
        has_task=True,
    )
    minutes = {part.name: part.minutes for part in found.parts}
    assert minutes == {
        "lesson": 10.0,
        "lab": 120.0,
        "resources": 75.0,
        "practice": 45.0,
        "flashcards": 30.0,
        "applied task": 60.0,
    }
    assert found.hours == pytest.approx(340 / 60)
    assert found.bounds == pytest.approx((340 / 60 * 0.75, 340 / 60 * 1.25))
    assert found.honest  # 6 h against 5.67 h of parts
    assert found.parts[0].basis == "1,500 words at 150 a minute and 0 lines of code at 10 a minute"
    assert (
        found.parts[2].basis == "the minutes listed on 2 resources; 1 without minutes, counted as 0"
    )


def test_hours_far_above_the_parts_are_not_honest() -> None:
    found = hours.breakdown(
        stated_hours=20,
        lesson="",
        lab_minutes=None,
        resource_minutes=[120],
        items=12,
        cards=8,
        has_task=False,
    )
    assert found.hours == pytest.approx((120 + 36 + 24) / 60)
    assert not found.honest
    assert [p.basis for p in found.parts if p.minutes == 0][-2:] == ["no lab", "no applied task"]

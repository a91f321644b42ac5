"""GIFT import and export. The sample bank (samples/containers.gift) is written from Moodle's
own description of the format: https://docs.moodle.org/en/GIFT_format"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from masterpath.content import loader
from masterpath.errors import InvalidInput
from masterpath.interop import bank, gift

SAMPLES = Path(__file__).parent / "samples"


def _by_id(found: bank.Bank) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in found.items}


def builtin_bank() -> list[tuple[str, list[dict[str, Any]]]]:
    """Every item of the built-in packs, as the pack format writes it, by skill."""
    report = loader.read_packs(loader.builtin_pack_dirs())
    assert report.ok
    return [
        (skill.id, [item.model_dump(mode="json", exclude_defaults=True) for item in skill.items])
        for pack in report.packs
        for skill in pack.skills
    ]


def test_the_sample_bank_maps_every_gift_question_type() -> None:
    found = gift.read((SAMPLES / "containers.gift").read_text(), file="containers.gift")
    items = _by_id(found)
    assert set(found.categories) == {"containers"}
    single = items["image-vs-container"]
    assert single["type"] == "single_choice"
    assert [o.get("correct", False) for o in single["options"]] == [True, False, False]
    assert single["options"][1]["misconception"] == "Swaps the two terms."
    assert single["explanation"].startswith("Images are immutable build artefacts")
    several = items["layers"]
    assert several["type"] == "multiple_choice"
    assert [o["text"] for o in several["options"] if o.get("correct")] == ["RUN", "COPY"]
    assert several["options"][2]["misconception"] == "EXPOSE only records metadata."
    assert (items["root-default"]["type"], items["root-default"]["answer"]) == ("true_false", True)
    assert items["cache-off"]["answer"] is False
    assert (items["http-port"]["answer"], items["http-port"]["tolerance"]) == (80.0, 0.0)
    assert (items["pi-ish"]["answer"], items["pi-ish"]["tolerance"]) == (3.14, 0.01)
    assert items["pi-ish"]["explanation"] == "The answer is 3.14."  # none given: made up
    short = items["build-command"]
    assert short["type"] == "short_text" and short["model_answer"] == "docker build"
    assert short["concepts"][0]["phrasings"] == ["docker build", "docker image build"]
    escaped = items["escaped-colons"]
    assert escaped["stem"] == "What does the tag = sign mean in `a=b`\n(second line)?"
    assert items["missing-word"]["stem"] == "The _____ CLI talks to the Docker daemon."


def test_unmapped_questions_are_reported_with_their_lines() -> None:
    found = gift.read((SAMPLES / "containers.gift").read_text(), file="containers.gift")
    assert [(p.line, p.message.split(":")[0]) for p in found.skipped] == [
        (34, "question 'pairs'"),
        (40, "question 'essay'"),
        (42, "a description (no answer block) is not a question"),
    ]
    assert "matching question" in found.skipped[0].message
    assert str(found.skipped[1]).startswith("containers.gift:40: ")


def test_syntax_errors_name_their_lines_and_import_nothing() -> None:
    text = (
        "::fine::A good question.{T}\n"
        "\n"
        "// a comment\n"
        "::open::Where does this brace close?{=nowhere ~here\n"
        "\n"
        "::stray::A stray brace } here\n"
        "\n"
        "::unnamed An unclosed name{T}\n"
    )
    with pytest.raises(InvalidInput) as caught:
        gift.read(text, file="broken.gift")
    assert "broken.gift: GIFT syntax errors" in caught.value.message
    assert [str(p) for p in caught.value.problems] == [
        "broken.gift:4: the answer block opened with { is not closed with }",
        "broken.gift:6: a } closes no answer block",
        "broken.gift:8: the question name opened with :: is not closed with ::",
    ]


def test_html_text_loses_its_tags() -> None:
    found = gift.read("[html]<p>Is <b>this</b> &amp; that true?</p>{T}", file="h.gift")
    assert found.items[0]["stem"] == "Is this & that true?"


def test_the_whole_builtin_bank_survives_export_and_import() -> None:
    skills = builtin_bank()
    text, left_out = gift.write(skills)
    found = gift.read(text, file="bank.gift")
    assert found.skipped == []
    ordering = [f"{s}/{i['id']}" for s, items in skills for i in items if i["type"] == "ordering"]
    assert [entry.split(" ")[0] for entry in left_out] == ordering  # GIFT has no ordering
    original = {
        (skill, item["id"]): bank.carried(item)
        for skill, items in skills
        for item in items
        if item["type"] != "ordering"
    }
    back = {
        (category, item["id"]): bank.carried(item)
        for category, item in zip(found.categories, found.items, strict=True)
    }
    assert len(original) > 400
    assert back == original

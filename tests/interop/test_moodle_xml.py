"""Moodle XML import and export. The sample bank (samples/containers.xml) is written from
Moodle's description of the format: https://docs.moodle.org/en/Moodle_XML_format (and, for
ordering questions, https://docs.moodle.org/en/Ordering_question_type)."""

from __future__ import annotations

from pathlib import Path

import pytest

from masterpath.errors import InvalidInput
from masterpath.interop import bank, moodle_xml
from tests.interop.test_gift import builtin_bank

SAMPLES = Path(__file__).parent / "samples"


def test_the_sample_bank_maps_every_supported_question_type() -> None:
    found = moodle_xml.read((SAMPLES / "containers.xml").read_text(), file="containers.xml")
    items = {item["id"]: item for item in found.items}
    assert set(found.categories) == {"containers"}
    single = items["image-vs-container"]
    assert single["type"] == "single_choice"
    assert single["stem"] == "Which statement about images and containers holds?"  # no HTML
    assert single["options"][1]["misconception"] == "Swaps the two terms."
    assert single["explanation"] == "Images are immutable; containers run from them."
    several = items["layers"]
    assert several["type"] == "multiple_choice"
    assert [o.get("correct", False) for o in several["options"]] == [True, True, False]
    assert several["options"][2]["misconception"] == "EXPOSE only records metadata."
    assert items["root-default"]["answer"] is True
    timeout = items["timeout"]
    assert (timeout["answer"], timeout["tolerance"], timeout["unit"]) == (10.0, 0.5, "s")
    assert items["build-command"]["concepts"][0]["phrasings"] == [
        "docker build",
        "docker image build",
    ]
    assert [o["text"] for o in items["lifecycle"]["options"]] == [
        "Write the Dockerfile",
        "Build the image",
        "Push it to a registry",
    ]


def test_unmapped_questions_are_reported_with_their_lines() -> None:
    found = moodle_xml.read((SAMPLES / "containers.xml").read_text(), file="containers.xml")
    assert [str(p) for p in found.skipped] == [
        "containers.xml:58: a matching question has no MasterPath item type",
        "containers.xml:62: a essay question has no MasterPath item type",
    ]


def test_malformed_xml_names_the_line() -> None:
    text = "<quiz>\n<question type='truefalse'>\n<name><text>x</name>\n</quiz>\n"
    with pytest.raises(InvalidInput) as caught:
        moodle_xml.read(text, file="bad.xml")
    assert caught.value.message == "bad.xml:3: not well-formed XML"


def test_entity_declarations_are_refused() -> None:
    text = '<!DOCTYPE quiz [<!ENTITY a "aaaa">]><quiz>&a;</quiz>'
    with pytest.raises(InvalidInput, match="document type declaration"):
        moodle_xml.read(text, file="bomb.xml")


def test_the_whole_builtin_bank_survives_export_and_import() -> None:
    skills = builtin_bank()
    found = moodle_xml.read(moodle_xml.write(skills), file="bank.xml")
    assert found.skipped == []
    original = {(s, item["id"]): bank.carried(item) for s, items in skills for item in items}
    back = {
        (category, item["id"]): bank.carried(item)
        for category, item in zip(found.categories, found.items, strict=True)
    }
    assert len(original) > 400
    assert back == original
    kinds = {item["type"] for item in found.items}
    assert kinds == {
        "single_choice",
        "multiple_choice",
        "true_false",
        "numeric",
        "short_text",
        "ordering",
    }

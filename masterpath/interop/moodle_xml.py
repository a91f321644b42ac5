"""Moodle XML question banks (https://docs.moodle.org/en/Moodle_XML_format).

`<quiz>` holds `<question type="...">` elements: `category` (the category of the questions
after it), `multichoice` (`<single>` true or false; `<answer fraction="…">` with `<text>` and
`<feedback>`), `truefalse`, `numerical` (`<tolerance>`, `<units>`), `shortanswer` and
`ordering` (Moodle's ordering type, https://docs.moodle.org/en/Ordering_question_type: the
answers in their correct order). `<name>` is the item id, `<questiontext>` the stem and
`<generalfeedback>` the explanation; per-answer feedback on a wrong answer is its
misconception. Text is written with format="markdown"; HTML text loses its tags on import.
Other question types (matching, essay, cloze, description…) are reported with their line.
A document type declaration is refused (no entity tricks).
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from typing import Any
from xml.parsers import expat

import nh3

from masterpath.errors import InvalidInput, Problem
from masterpath.interop import bank as banks

TYPES = {
    "multichoice": "choice",
    "truefalse": "true_false",
    "numerical": "numeric",
    "shortanswer": "short_text",
    "ordering": "ordering",
}


# Reading ---------------------------------------------------------------------------------------


def _parse(text: str, file: str) -> tuple[ET.Element, dict[int, int]]:
    """The document's tree, and the line each element starts on (expat reports them)."""
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise InvalidInput(f"{file}: a document type declaration is not accepted")
    parser = expat.ParserCreate()
    builder = ET.TreeBuilder()
    lines: dict[int, int] = {}

    def start(tag: str, attrs: dict[str, str]) -> None:
        lines[id(builder.start(tag, attrs))] = parser.CurrentLineNumber

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(text.encode("utf-8"), True)
    except expat.ExpatError as exc:
        problem = Problem(f"not well-formed XML: {expat.ErrorString(exc.code)}", file, exc.lineno)
        raise InvalidInput(
            f"{file}:{exc.lineno}: not well-formed XML", problems=[problem]
        ) from None
    root = builder.close()
    if root.tag != "quiz":
        raise InvalidInput(f"{file}: a Moodle XML question bank has <quiz> at its root")
    return root, lines


def _text(element: ET.Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    node = element.find(path) if path else element
    raw = (node.text if node is not None else "") or ""
    if element.get("format", "") == "html":
        return html.unescape(nh3.clean(raw, tags=set())).strip()
    return raw.strip()


def read(text: str, *, file: str = "<moodle-xml>") -> banks.Bank:
    """Every question of a Moodle XML file mapped to an item, or reported with its line."""
    root, lines = _parse(text, file)
    bank = banks.Bank()
    category = ""
    taken: dict[str, set[str]] = {}
    for question in root.iter("question"):
        kind, line = question.get("type", ""), lines.get(id(question), 0)
        if kind == "category":
            category = _text(question.find("category")).removeprefix("$course$/top/")
            continue
        if kind not in TYPES:
            banks.skip(
                bank,
                f"a {kind or 'untyped'} question has no MasterPath item type",
                file=file,
                line=line,
            )
            continue
        name = _text(question.find("name"))
        stem = _text(question.find("questiontext"))
        item: dict[str, Any] = {
            "id": banks.local_id(name or stem[:40], taken.setdefault(category, set()), line),
            "stem": stem,
            "explanation": _text(question.find("generalfeedback")),
        }
        reason = _fill(item, question, TYPES[kind])
        if reason:
            banks.skip(bank, f"question {item['id']!r}: {reason}", file=file, line=line)
            continue
        banks.finish(bank, item, file=file, line=line, category=category)
    return bank


def _fraction(answer: ET.Element) -> float:
    try:
        return float(answer.get("fraction", "0"))
    except ValueError:
        return 0.0


def _fill(item: dict[str, Any], question: ET.Element, kind: str) -> str:
    answers = question.findall("answer")
    if not answers:
        return "no <answer> elements"
    if kind == "true_false":
        right = max(answers, key=_fraction)
        item.update(type="true_false", answer=_text(right).lower() == "true")
    elif kind == "numeric":
        right = max(answers, key=_fraction)
        try:
            value = float(_text(right))
            tolerance = float(_text(right, "tolerance") or 0)
        except ValueError:
            return f"{_text(right)!r} is not a number"
        item.update(type="numeric", answer=value, tolerance=abs(tolerance))
        unit = _text(question.find("units/unit"), "unit_name")
        if unit:
            item["unit"] = unit
    elif kind == "short_text":
        accepted = [_text(a) for a in sorted(answers, key=_fraction, reverse=True)]
        accepted = [a for a in accepted if a]
        item.update(type="short_text", model_answer=accepted[0] if accepted else "")
        item["concepts"] = [{"id": "answer", "phrasings": accepted}]
    elif kind == "ordering":
        ordered = sorted(enumerate(answers), key=lambda pair: (_fraction(pair[1]), pair[0]))
        item["type"] = "ordering"
        item["options"] = [
            {"id": option_id, "text": _text(a)}
            for option_id, (_, a) in zip(banks.option_ids(len(ordered)), ordered, strict=True)
        ]
    else:
        _choices(item, question, answers)
    return ""


def _choices(item: dict[str, Any], question: ET.Element, answers: list[ET.Element]) -> None:
    single = _text(question, "single").lower() in ("true", "1")
    item["type"] = "single_choice" if single else "multiple_choice"
    item["options"] = []
    for option_id, answer in zip(banks.option_ids(len(answers)), answers, strict=True):
        option: dict[str, Any] = {"id": option_id, "text": _text(answer)}
        if _fraction(answer) > 0:
            option["correct"] = True
        else:
            feedback = _text(answer.find("feedback"))
            if feedback:
                option["misconception"] = feedback[:300]
        item["options"].append(option)


# Writing ---------------------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text:
        element.text = text
    return element


def _rich(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = _sub(parent, tag, format="markdown", **attrs)
    _sub(element, "text", text)
    return element


def _answer(parent: ET.Element, fraction: float, text: str, feedback: str = "") -> ET.Element:
    answer = _rich(parent, "answer", text, fraction=f"{fraction:g}")
    if feedback:
        _rich(answer, "feedback", feedback)
    return answer


def _question(item: dict[str, Any]) -> ET.Element:
    kind = item["type"]
    moodle = {v: k for k, v in TYPES.items() if v != "choice"}.get(kind, "multichoice")
    question = ET.Element("question", type=moodle)
    name = _sub(question, "name")
    _sub(name, "text", item["id"])
    _rich(question, "questiontext", item["stem"])
    _rich(question, "generalfeedback", item["explanation"])
    _sub(question, "defaultgrade", "1")
    _ANSWERS[kind](question, item)
    return question


def _choice_answers(question: ET.Element, item: dict[str, Any]) -> None:
    options = item["options"]
    right = sum(1 for o in options if o.get("correct")) or 1
    wrong = max(1, len(options) - right)
    single = item["type"] == "single_choice"
    _sub(question, "single", "true" if single else "false")
    _sub(question, "shuffleanswers", "true")
    for option in options:
        if option.get("correct"):
            fraction = 100.0 if single else round(100 / right, 5)
        else:
            fraction = 0.0 if single else -round(100 / wrong, 5)
        _answer(question, fraction, option["text"], option.get("misconception", ""))


def _true_false(question: ET.Element, item: dict[str, Any]) -> None:
    _answer(question, 100 if item["answer"] else 0, "true")
    _answer(question, 0 if item["answer"] else 100, "false")


def _numerical(question: ET.Element, item: dict[str, Any]) -> None:
    answer = _answer(question, 100, repr(float(item["answer"])))
    _sub(answer, "tolerance", repr(float(item.get("tolerance", 0.0))))
    if item.get("unit"):
        unit = _sub(_sub(question, "units"), "unit")
        _sub(unit, "multiplier", "1")
        _sub(unit, "unit_name", item["unit"])


def _short(question: ET.Element, item: dict[str, Any]) -> None:
    _sub(question, "usecase", "0")
    phrasings = [p for c in item.get("concepts", []) for p in c["phrasings"]]
    for text in dict.fromkeys([item["model_answer"], *phrasings]):
        _answer(question, 100, text)


def _ordering(question: ET.Element, item: dict[str, Any]) -> None:
    for position, option in enumerate(item["options"], start=1):
        _answer(question, position, option["text"])


_ANSWERS = {
    "single_choice": _choice_answers,
    "multiple_choice": _choice_answers,
    "true_false": _true_false,
    "numeric": _numerical,
    "short_text": _short,
    "ordering": _ordering,
}


def write(skills: list[tuple[str, list[dict[str, Any]]]]) -> str:
    """Moodle XML for the items of each (category, items)."""
    quiz = ET.Element("quiz")
    for category, items in skills:
        marker = _sub(quiz, "question", type="category")
        _sub(_sub(marker, "category"), "text", f"$course$/top/{category}")
        for item in items:
            quiz.append(_question(item))
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"

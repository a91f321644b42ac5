"""GIFT, Moodle's plain-text question format (https://docs.moodle.org/en/GIFT_format).

Questions are separated by blank lines; `//` starts a comment line; `$CATEGORY:` names the
category of the questions after it; `::name::` titles a question and `[markdown]` names its
text format; the answer block `{...}` holds `=right` and `~wrong` answers (`~%50%` weights,
`#feedback` per answer), `T`/`F`, `#number:tolerance` or `#low..high`, and `####` general
feedback. `\\~ \\= \\# \\{ \\} \\:` escape the special characters and `\\n` is a new line.

Mapping: `{=a ~b}` single choice, weighted `~%n%` answers multiple choice, `{T}` true/false,
`{#…}` numeric, `{=a =b}` short answer (the first answer is the model answer, all of them the
accepted phrasings). GIFT has no ordering questions: exporting skips them and says so.
Matching, essay and description questions have no MasterPath type: importing reports each
with its line. Syntax errors (an unclosed brace, no answer block) stop the import and name the
line.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import nh3

from masterpath.errors import InvalidInput, Problem
from masterpath.interop import bank as banks

# Each escaped character hides behind a private-use code point while a question is split.
_ESCAPES = {"\\" + char: chr(0xE000 + n) for n, char in enumerate("\\~=#{}:")}
_RESTORE = {code: text[1] for text, code in _ESCAPES.items()}
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_FORMAT = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.I)
_TRUE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


@dataclass(frozen=True)
class Block:
    text: str  # with escapes replaced by placeholders
    line: int
    category: str


# Reading ---------------------------------------------------------------------------------------


def _hide(text: str) -> str:
    for escaped, code in _ESCAPES.items():
        text = text.replace(escaped, code)
    return text


def _show(text: str) -> str:
    text = text.replace("\\n", "\n")
    for code, char in _RESTORE.items():
        text = text.replace(code, char)
    return text.strip()


def blocks(text: str) -> list[Block]:
    """The questions of a GIFT file, each with the line it starts on and its category."""
    found: list[Block] = []
    lines: list[str] = []
    start, category = 0, ""
    for number, raw in enumerate([*text.splitlines(), ""], start=1):
        stripped = raw.strip()
        if stripped.startswith("//"):
            continue
        if stripped.startswith("$CATEGORY:") and not lines:
            category = stripped.removeprefix("$CATEGORY:").strip().removeprefix("$course$/top/")
            continue
        if stripped:
            start = start or number
            lines.append(raw)
        elif lines:
            found.append(Block(_hide("\n".join(lines)), start, category))
            lines, start = [], 0
    return found


def _plain(text: str, fmt: str) -> str:
    """Question text as the pack's Markdown: HTML loses its tags, the others stay."""
    if fmt != "html":
        return text
    return html.unescape(nh3.clean(text, tags=set())).strip()


def _answers(body: str) -> list[tuple[str, float, str, str]]:
    """(marker, weight, text, feedback) of each `=`/`~` answer."""
    found = []
    for part in re.split(r"(?=[=~])", body):
        part = part.strip()
        if not part:
            continue
        marker, rest = part[0], part[1:].strip()
        weight = 100.0 if marker == "=" else 0.0
        matched = _WEIGHT.match(rest)
        if matched:
            weight, rest = float(matched.group(1)), rest[matched.end() :]
        text, _, feedback = rest.partition("#")
        found.append((marker, weight, text, feedback))
    return found


def read(text: str, *, file: str = "<gift>") -> banks.Bank:
    """Every question of a GIFT file mapped to an item, or reported with its line."""
    bank = banks.Bank()
    errors: list[Problem] = []
    taken: dict[str, set[str]] = {}
    for block in blocks(text):
        try:
            item = _question(block, taken.setdefault(block.category, set()), file, bank)
        except _Syntax as exc:
            errors.append(Problem(str(exc), file, block.line))
            continue
        if item is not None:
            banks.finish(bank, item, file=file, line=block.line, category=block.category)
    if errors:
        raise InvalidInput(f"{file}: GIFT syntax errors; nothing was imported", problems=errors)
    return bank


class _Syntax(Exception):
    pass


def _question(block: Block, taken: set[str], file: str, bank: banks.Bank) -> dict[str, Any] | None:
    text, name = block.text.strip(), ""
    if text.startswith("::"):
        name, sep, text = text[2:].partition("::")
        if not sep:
            raise _Syntax("the question name opened with :: is not closed with ::")
    fmt = ""
    matched = _FORMAT.match(text.strip())
    if matched:
        fmt, text = matched.group(1).lower(), text.strip()[matched.end() :]
    opened = text.find("{")
    if opened < 0:
        if "}" in text:
            raise _Syntax("a } closes no answer block")
        banks.skip(
            bank, "a description (no answer block) is not a question", file=file, line=block.line
        )
        return None
    closed = text.find("}", opened)
    if closed < 0:
        raise _Syntax("the answer block opened with { is not closed with }")
    before, body, after = text[:opened], text[opened + 1 : closed], text[closed + 1 :]
    if "{" in body or "{" in after or "}" in after:
        raise _Syntax("a question has one answer block: unescaped { or } after it")
    stem = _show(before) + (f" _____ {_show(after)}" if after.strip() else "")
    item: dict[str, Any] = {
        "id": banks.local_id(_show(name) or stem[:40], taken, block.line),
        "stem": _plain(stem, fmt),
    }
    body, _, general = body.partition("####")
    item["explanation"] = _plain(_show(general), fmt)
    reason = _answer(item, body.strip(), fmt)
    if reason:
        banks.skip(bank, f"question {item['id']!r}: {reason}", file=file, line=block.line)
        return None
    return item


def _answer(item: dict[str, Any], body: str, fmt: str) -> str:
    """Fill the item's type and answer from the answer block; a reason when it cannot."""
    if not body:
        return "an essay question has no MasterPath item type"
    head = body.split("#", 1)[0].strip().upper()
    if head in _TRUE:
        item.update(type="true_false", answer=_TRUE[head])
        return ""
    if body.startswith("#"):
        return _numeric(item, body[1:].strip())
    if "->" in body:
        return "a matching question has no MasterPath item type"
    return _listed(item, _answers(body), fmt)


def _listed(item: dict[str, Any], answers: list[tuple[str, float, str, str]], fmt: str) -> str:
    if not answers:
        return "the answer block holds no answers"
    if all(marker == "=" for marker, *_ in answers):
        accepted = [_plain(_show(text), fmt) for _, _, text, _ in answers]
        item.update(type="short_text", model_answer=accepted[0])
        item["concepts"] = [{"id": "answer", "phrasings": accepted}]
        return ""
    return _choice(item, answers, fmt)


def _choice(item: dict[str, Any], answers: list[tuple[str, float, str, str]], fmt: str) -> str:
    # `=` marks the one right answer of a single choice; weighted `~%n%` answers share credit.
    equals = [marker for marker, *_ in answers if marker == "="]
    weighted = [weight for marker, weight, _, _ in answers if marker == "~" and weight > 0]
    single = len(equals) == 1 and not weighted
    item["type"] = "single_choice" if single else "multiple_choice"
    item["options"] = []
    for option_id, (_, weight, text, feedback) in zip(
        banks.option_ids(len(answers)), answers, strict=True
    ):
        option: dict[str, Any] = {"id": option_id, "text": _plain(_show(text), fmt)}
        if weight > 0:
            option["correct"] = True
        elif feedback.strip():
            option["misconception"] = _plain(_show(feedback), fmt)[:300]
        item["options"].append(option)
    return ""


def _numeric(item: dict[str, Any], body: str) -> str:
    if body.startswith("="):  # several answers: the one with full credit
        full = [text for _, weight, text, _ in _answers(body) if weight == 100]
        if not full:
            return "a numerical question without a full-credit answer"
        body = full[0]
    body = _show(body.split("#", 1)[0])
    try:
        if ".." in body:
            low, high = (float(v) for v in body.split("..", 1))
            answer, tolerance = round((low + high) / 2, 9), round((high - low) / 2, 9)
        else:
            value, _, spread = body.partition(":")
            answer, tolerance = float(value), float(spread or 0)
    except ValueError:
        return f"{body!r} is not a number, number:tolerance or low..high"
    item.update(type="numeric", answer=answer, tolerance=abs(tolerance))
    return ""


# Writing ---------------------------------------------------------------------------------------


def escape(text: str) -> str:
    text = text.strip().replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _number(value: float) -> str:
    return repr(float(value)).removesuffix(".0") if float(value).is_integer() else repr(value)


def _weight(count: int) -> str:
    return f"{100 / count:.5f}".rstrip("0").rstrip(".")


def _body(item: dict[str, Any]) -> list[str] | None:
    kind = item["type"]
    if kind == "true_false":
        return ["TRUE" if item["answer"] else "FALSE"]
    if kind == "numeric":
        return [f"#{_number(item['answer'])}:{_number(item.get('tolerance', 0))}"]
    if kind == "short_text":
        phrasings = [p for c in item.get("concepts", []) for p in c["phrasings"]]
        accepted = dict.fromkeys([item["model_answer"], *phrasings])
        return [f"={escape(text)}" for text in accepted]
    if kind not in ("single_choice", "multiple_choice"):
        return None
    options = item["options"]
    right = sum(1 for o in options if o.get("correct"))
    wrong = len(options) - right
    lines = []
    for option in options:
        text = escape(option["text"])
        if kind == "single_choice":
            mark = "=" if option.get("correct") else "~"
        else:
            mark = f"~%{_weight(right)}%" if option.get("correct") else f"~%-{_weight(wrong)}%"
        feedback = option.get("misconception", "")
        lines.append(mark + text + (f"#{escape(feedback)}" if feedback else ""))
    return lines


def write(skills: list[tuple[str, list[dict[str, Any]]]]) -> tuple[str, list[str]]:
    """GIFT for the items of each (category, items); and the ids it had to leave out."""
    out = ["// MasterPath question bank in GIFT (https://docs.moodle.org/en/GIFT_format)", ""]
    left_out = []
    for category, items in skills:
        out += [f"$CATEGORY: {category}", ""]
        for item in items:
            body = _body(item)
            if body is None:
                left_out.append(f"{category}/{item['id']} ({item['type']}: no GIFT form)")
                continue
            out.append(f"::{escape(item['id'])}::[markdown]{escape(item['stem'])}{{")
            out += [f"\t{line}" for line in body]
            out += [f"\t####{escape(item['explanation'])}", "}", ""]
    return "\n".join(out), left_out

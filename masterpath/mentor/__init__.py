"""The mentor's provider protocol: what a provider is given, and how it replies.

Services build a `Prompt` with answer isolation already applied (no key, no model answer, no
explanation of an open item; passages containing them withheld) and hand it to a provider,
which streams its reply in chunks. The builtin provider is offline and deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

MODES = ("explain", "practice", "feedback", "hint", "gatekeeper")

_ASKS = {  # intent phrases only: "best practice", "type hints" or "unlock a mutex" are questions
    "gatekeeper": r"\b(can|may) i (now )?(move|go) on\b|\bam i ready\b"
    r"|\bready (to|for) (move|go) on|\bunlock the next\b|\bhave i (mastered|passed) (this|it)\b"
    r"|\bam i done\b",
    "hint": r"\b(a|another|next|one more|any) hint\b|\bhint,? please\b|\bi'?m stuck\b"
    r"|\bstuck on this|\bgive me a (nudge|clue)\b|\bwhere do i start\b",
    "feedback": r"\bfeedback\b|why (was|is) (my|it|that|this)\b.*\bwrong"
    r"|what did i (miss|get wrong)|\bmy (last )?answer\b|\bmy task\b",
    "practice": r"\bquiz me\b|\btest me\b|\b(let me|i want to) practi[cs]e\b"
    r"|\bgive me (a|another) (practice )?(question|item|exercise)",
}


# Asking for the open item's answer, however put: it gets the next hint and a question back.
_ANSWER = re.compile(
    r"\b(tell|give|show|say|print|reveal|spell|confirm|share|type|write)\b.{0,40}"
    r"\b(answer|key|solution|option|letter|correct|right one)"
    r"|\bwhat('?s| is| was)\b.{0,20}\b(answer|solution|key)\b"
    r"|\bwhich (option|choice|one|answer|letter|of the|of these|is (it|correct|right))\b"
    r"|\b(is it|it'?s|answer is|i pick|i choose|i'?ll (go|pick|choose)|going with)\s*"
    r"(option\s*)?\(?[a-h1-8]\)?\s*[?.!,]*\s*(right|correct|yes)?\s*[?.!]*$"
    r"|^\W*(option\s*)?\(?[a-h1-8]\)?\W*$"
    r"|\b(correct|right|true|best) (option|answer|choice|one|pick)\b"
    r"|\b(first|second|third|fourth|fifth|last|top|bottom) (one|option|choice|answer)\b"
    r"|\b(ignore|forget|disregard|override|bypass)\b.{0,30}\b(rules?|instructions?|guard|policy)"
    r"|\bwhat would (you|an expert|a pro|the grader)\b.{0,10}\b(pick|choose|answer|select|say)"
    r"|\b(answer key|model answer|the key)\b"
    r"|\bwhich (are|ones?|is|of them)\b.{0,15}\b(wrong|incorrect|right|correct|true|false)\b"
    r"|\b(eliminate|rule out|cross out)\b|\btrue or false\b|\bjust (the|tell|say|give)\b",
    re.I,
)


def asks_for_answer(message: str) -> bool:
    """Whether the learner asks for the answer itself (only meaningful beside an open item)."""
    return bool(_ANSWER.search(message[:2_000]))


def choose_mode(message: str, *, item: bool = False, task: bool = False) -> str:
    """The mode a message asks for, when the learner leaves the choice to the mentor."""
    text = message.lower()
    for mode, pattern in _ASKS.items():
        if not re.search(pattern, text):
            continue
        if mode == "hint" and not item:
            continue  # hint ladders belong to items; elsewhere, explain
        if mode == "feedback" and not (item or task):
            continue
        return mode
    return "hint" if item and not text.strip() else "explain"


@dataclass(frozen=True)
class Source:
    """A unit the mentor may cite: an explanation, a lesson section or a resource."""

    id: str  # "<skill>/q#anchor", "<skill>/lesson#anchor" or a resource URL
    title: str
    text: str  # what may be used (already isolated)
    excerpt: str = ""  # the sentences that answer the question best
    kind: str = "lesson"  # answer, lesson or resource
    url: str = ""  # where the learner reads it
    skill_title: str = ""  # set when it belongs to another skill than the page's


@dataclass(frozen=True)
class Prompt:
    mode: str
    skill_title: str
    message: str  # the learner's words: data, never instructions
    objectives: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    item_stem: str = ""  # the open item, without its key
    hints: list[str] = field(default_factory=list)  # the rungs the learner may see next
    verdict: dict[str, object] = field(default_factory=dict)  # grader output: no key
    checklist: list[str] = field(default_factory=list)  # the engine's explanation lines
    declined: str = ""  # why the mentor must not discuss the item (an assessment in progress)
    nearest: list[str] = field(default_factory=list)  # skills closest to an outside question
    unknown: list[str] = field(default_factory=list)  # names in it the content never mentions
    unstated: list[str] = field(default_factory=list)  # kinds of fact it asks the content lacks
    look: list[str] = field(default_factory=list)  # where those kinds of fact are found instead
    asked_for_answer: bool = False  # the learner asked for the open item's answer


@dataclass(frozen=True)
class Reply:
    text: str
    citations: list[Source]
    provider: str


class ProviderError(Exception):
    """The provider could not answer (unreachable, an HTTP error, a malformed stream)."""


class Provider(Protocol):
    name: str

    def stream(self, prompt: Prompt) -> Iterator[str]:
        """The reply in chunks, as they are ready."""
        ...

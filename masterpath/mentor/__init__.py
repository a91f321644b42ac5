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
    """A passage the mentor may cite."""

    id: str  # "lesson#anchor" or a resource URL
    title: str
    text: str


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

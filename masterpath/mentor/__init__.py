"""The mentor's provider protocol: what a provider is given, and how it replies.

Services build a `Prompt` with answer isolation already applied (no key, no model answer, no
explanation of an open item; passages containing them withheld) and hand it to a provider,
which streams its reply in chunks. The builtin provider is offline and deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

MODES = ("explain", "practice", "feedback", "hint", "gatekeeper")


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

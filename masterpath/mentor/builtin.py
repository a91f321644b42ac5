"""The builtin mentor: offline, deterministic and fast. Templated Socratic replies built only
from what the prompt carries: cited passages, authored hints, grader verdicts and the engine's
checklist. It never invents content and has no key to give away."""

from __future__ import annotations

import re
from collections.abc import Iterator

from masterpath.mentor import Prompt, Source

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")


def _idea(concept: object) -> str:
    """A rubric concept's id made readable ("exec-form" becomes "exec form"); a criterion's
    own words are left as they are."""
    text = str(concept)
    return text.replace("-", " ").replace("_", " ") if _ID.fullmatch(text) else text


QUESTION_BACK = (
    " I won't pick the option for you while the item is open. What do you think the answer is, "
    "and why?"
)


def _resource(source: Source, n: int) -> str:
    """A resource named with what the learner will find there, never by its title alone."""
    return f"“{source.title}” [{n}] is where you will find {_lower_first(source.text)}"


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def _lower_first(text: str) -> str:
    text = text.strip()
    if text[:2].isupper():  # an acronym stays as it is
        return text
    return text[:1].lower() + text[1:]


def _first_sentence(text: str) -> str:
    return _SENTENCE.split(text.strip(), maxsplit=1)[0]


VENDOR = "the project's or the vendor's own site"  # where a price or a date is found


def _outside(prompt: Prompt) -> Iterator[str]:
    if prompt.unknown:
        yield (
            f"The installed content never mentions {_listed(prompt.unknown)}, so I won't guess "
            "about it. "
        )
    elif prompt.unstated:
        yield (
            f"The installed content does not cover {_listed(prompt.unstated)}, so I won't guess: "
            f"check {_listed(prompt.look or [VENDOR])}. "
        )
    else:
        yield (
            "I can't find anything close to that in the installed content, so I won't guess: it "
            f"seems to be outside what {prompt.skill_title} and the other skills here cover. "
        )
    if prompt.nearest:
        yield "The skills closest to it are " + ", ".join(prompt.nearest) + ". "
    objectives = "; ".join(o.rstrip(". ") for o in prompt.objectives)
    yield f"Or ask about one of this skill's objectives: {objectives}."


class Builtin:
    name = "builtin"

    def stream(self, prompt: Prompt) -> Iterator[str]:
        if prompt.declined:
            yield prompt.declined
            return
        handler = {
            "explain": self._explain,
            "hint": self._hint,
            "feedback": self._feedback,
            "gatekeeper": self._gatekeeper,
            "practice": self._practice,
        }.get(prompt.mode, self._explain)
        yield from handler(prompt)

    def _explain(self, prompt: Prompt) -> Iterator[str]:
        if not prompt.sources:
            yield from _outside(prompt)
            return
        first = prompt.sources[0]
        if first.skill_title:
            yield f"That is covered under *{first.skill_title}*. "
        if first.kind == "answer":
            yield (first.excerpt or first.text) + " [1] "
        elif first.kind == "lesson":
            yield f"From “{first.title}” [1]: {first.excerpt} "
        else:
            yield f"{_resource(first, 1)} "
        for n, more in enumerate(prompt.sources[1:2], start=2):
            if more.kind == "resource":
                yield f"{_resource(more, n)} "
            elif first.kind == "answer":
                yield f"The lesson goes further in “{more.title}” [{n}]. "
            else:
                yield f"See also “{more.title}” [{n}]: {_first_sentence(more.excerpt)} "
        yield "Before moving on: how would you explain this in your own words, with an example?"

    def _hint(self, prompt: Prompt) -> Iterator[str]:
        back = QUESTION_BACK if prompt.asked_for_answer else ""
        if prompt.hints:
            yield f"Hint: {prompt.hints[0]}" + back
            return
        if prompt.item_stem:
            yield "That was the last rung of the ladder. Give it your best attempt: the "
            yield "explanation comes with the feedback on your answer." + back
            return
        if prompt.sources:
            yield f"Hint: re-read “{prompt.sources[0].title}” [1] and look for what decides it."
            return
        yield "Hints belong to practice items: open one, then ask me for a hint beside it."

    def _feedback(self, prompt: Prompt) -> Iterator[str]:
        verdict = prompt.verdict
        if verdict.get("correct"):
            yield "That's right. Can you say why the alternatives don't hold?"
            return
        found = [_idea(f) for f in verdict.get("found", []) or []]  # type: ignore[attr-defined]
        missed = [_idea(m) for m in verdict.get("missed", []) or []]  # type: ignore[attr-defined]
        if found:
            yield f"You have these ideas: {', '.join(found)}. "
        if missed:
            yield f"Not yet there: {', '.join(missed)}. "
        if verdict.get("chosen"):
            yield f"You picked “{verdict['chosen']}”. "
            misconceptions = [str(m) for m in verdict.get("misconceptions", []) or []]  # type: ignore[attr-defined]
            if misconceptions:
                yield f"A likely mix-up: {' '.join(misconceptions)} "
            yield "Ask yourself what would have to be true for that to work, and whether it is. "
        where = f"“{prompt.sources[0].title}” [1]" if prompt.sources else "the lesson"
        if missed:
            yield (
                f"Next step: read {where}, then write the answer again in your own words so that "
                "it covers each missing idea, and say how they connect."
            )
        else:
            yield f"The idea you need is in {where}."

    def _gatekeeper(self, prompt: Prompt) -> Iterator[str]:
        if not prompt.checklist:
            yield "Yes: every criterion of this skill is met. The next skills are open to you."
            return
        yield "Not yet. What the mastery engine still needs: "
        yield " ".join(prompt.checklist)

    def _practice(self, prompt: Prompt) -> Iterator[str]:
        if prompt.item_stem:
            yield "Here is a practice item chosen for you: " + prompt.item_stem
        else:
            yield "There is no practice item for this skill right now."

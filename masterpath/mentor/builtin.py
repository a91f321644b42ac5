"""The builtin mentor: offline, deterministic and fast. Templated Socratic replies built only
from what the prompt carries: cited passages, authored hints, grader verdicts and the engine's
checklist. It never invents content and has no key to give away."""

from __future__ import annotations

import re
from collections.abc import Iterator

from masterpath.domain.grading import terms
from masterpath.mentor import Prompt, Source

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")


def _best_sentences(source: Source, question: str, count: int = 2) -> str:
    """The passage's sentences that share the most words with the question, in order."""
    wanted = set(terms(question, drop_stop=True))
    body = " ".join(
        line.strip()
        for line in source.text.splitlines()
        if line.strip()
        and line.strip() != source.title
        and not line.lstrip().startswith(("```", "#", "|"))
    )
    sentences = [s for s in _SENTENCE.split(body) if len(s) > 20][:40]
    if not sentences:
        return ""
    scored = sorted(
        range(len(sentences)),
        key=lambda n: (-len(wanted & set(terms(sentences[n], drop_stop=True))), n),
    )
    chosen = sorted(scored[:count])
    return " ".join(sentences[n] for n in chosen)


def _idea(concept: object) -> str:
    """A rubric concept's id made readable ("exec-form" becomes "exec form"); a criterion's
    own words are left as they are."""
    text = str(concept)
    return text.replace("-", " ").replace("_", " ") if _ID.fullmatch(text) else text


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
            yield (
                f"I can't find that in the {prompt.skill_title} material, so I won't guess. "
                "It may be outside what this skill covers. "
            )
            yield "Try asking about one of its objectives: " + "; ".join(prompt.objectives) + "."
            return
        first = prompt.sources[0]
        yield f"The lesson covers this in “{first.title}” [1]. "
        excerpt = _best_sentences(first, prompt.message)
        if excerpt:
            yield excerpt + " "
        if len(prompt.sources) > 1:
            yield f"See also “{prompt.sources[1].title}” [2]. "
        yield "Before moving on: how would you explain this in your own words, with an example?"

    def _hint(self, prompt: Prompt) -> Iterator[str]:
        if prompt.hints:
            yield f"Hint: {prompt.hints[0]}"
            return
        if prompt.item_stem:
            yield "That was the last rung of the ladder. Give it your best attempt: the "
            yield "explanation comes with the feedback on your answer."
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

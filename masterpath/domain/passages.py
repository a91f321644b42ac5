"""The passages the mentor can cite (*units*) and the words retrieval matches them on. Pure.

A skill's units are its explanations (questions learners ask, answered in the pack), its lesson
sections (split at `## ` headings, each with an anchor) and its resources (title and a one-line
summary). `words` turns a text into the terms BM25 matches: stop words and filler dropped,
abbreviations learners use spelled out as the content spells them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from masterpath.domain.content import Skill
from masterpath.domain.goal_vocabulary import EXPAND
from masterpath.domain.grading import terms

FILLER = frozenset(
    terms(
        """what why how when where which who does do is are can could should would will
        explain mean means meaning difference between vs versus example examples tell me please
        help understand get got thing things stuff ok okay hi hello thanks thank question
        someone anyone work works working worked like just really right make makes made
        have has had keep need needs want wants way ways use using used one ones new now get
        getting go going still also actually basically pretty yeah yes no not good bad better
        worse best t s d m ll re ve isn aren wasn don doesn didn doesnt dont cant
        him till until gonna wanna lol pls plz"""
    )
)
# Abbreviations learners use that the content spells out (besides the goal matcher's).
ABBREVIATIONS = {
    **EXPAND,
    "adr": "architecture decision record adr",
    "adrs": "architecture decision record adr",
    "rag": "retrieval augmented generation rag",
    "vram": "gpu memory vram",  # what gamers and spec sheets call GPU memory
    "db": "database db",
    "dbs": "database db",
    "e2e": "end to end",
    "repo": "repository repo",
    "repos": "repository repo",
    "prod": "production prod",
    "perf": "performance perf",
    "creds": "credentials",
    "gpt": "gpt large language model llm",  # OpenAI's models, often named for any LLM
}
_FENCE = re.compile(r"^```")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`*“\"(])")


@dataclass(frozen=True)
class Unit:
    id: str  # "<skill>/q#<anchor>", "<skill>/lesson#<anchor>" or a resource URL
    skill: str
    kind: str  # answer, lesson or resource
    title: str  # the question, the section heading or the resource title
    body: str  # what may be quoted: the answer, the section text or the resource summary
    sources: tuple[str, ...] = ()  # an answer's own citations (lesson#anchor or URL)
    asked: tuple[str, ...] = ()  # other ways learners ask what it answers (never quoted)

    @property
    def key_text(self) -> str:
        """The short text its meaning is compared on, besides each of its sentences."""
        return f"{self.title}. {self.body}" if self.kind == "resource" else self.title

    @property
    def meaning_texts(self) -> list[str]:
        """Its key text, then its sentences: a unit is as close to a question as the closest."""
        return [self.key_text, *sentences(self.body)]

    @property
    def opening_texts(self) -> tuple[str, str]:
        """What the ranker also compares: the title with the body's first sentence (an
        explanation's question with the start of its answer, a heading with its first line),
        and the body's first three sentences alone."""
        said = sentences(self.body)
        if not said:
            return (self.title, self.body)
        return (f"{self.title} {said[0]}", " ".join(said[:3]))


def anchor(heading: str) -> str:
    """The id a rendered heading gets: lower case, words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")


def sections(lesson: str) -> list[tuple[str, str]]:
    """(heading, text) for each `## ` section; text before the first one is the introduction."""
    found: list[tuple[str, list[str]]] = [("Introduction", [])]
    fenced = False
    for line in lesson.splitlines():
        if _FENCE.match(line.strip()):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            found.append((line[3:].strip(), []))
        elif not (not fenced and line.startswith("# ")):
            found[-1][1].append(line)
    return [
        (heading, "\n".join(body).strip()) for heading, body in found if "\n".join(body).strip()
    ]


def units(skill: Skill) -> list[Unit]:
    """A skill's citable units: its explanations, lesson sections and resources, each with the
    other ways learners ask what it answers (`asked.yaml`)."""
    sid, asked = skill.id, dict(skill.asked)
    found = [
        Unit(
            f"{sid}/q#{anchor(e.question)}",
            sid,
            "answer",
            e.question,
            e.answer,
            e.sources,
            asked.get(f"q#{anchor(e.question)}", ()),
        )
        for e in skill.explanations
    ]
    for heading, text in sections(skill.lesson):
        key = f"lesson#{anchor(heading)}"
        found.append(Unit(f"{sid}/{key}", sid, "lesson", heading, text, (), asked.get(key, ())))
    for r in skill.resources:
        summary = r.summary or f"the {r.kind} page on {skill.title}"
        found.append(Unit(r.url, sid, "resource", r.title, summary, (), asked.get(r.url, ())))
    return found


def sentences(text: str) -> list[str]:
    """Readable sentences of Markdown prose: code blocks, headings and tables left out."""
    kept, fenced = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if _FENCE.match(stripped):
            fenced = not fenced
            continue
        if fenced or not stripped or stripped.startswith(("#", "|")):
            kept.append("\n")
            continue
        kept.append(re.sub(r"^([-*]|\d+\.)\s+", "", stripped))
    prose = " ".join(kept)
    found = []
    for block in re.split(r"\s*\n\s*", prose):
        found += [s.strip() for s in _SENTENCE.split(block) if len(s.strip()) > 25]
    return found


def words(text: str) -> list[str]:
    found = []
    for word in terms(text[:20_000], drop_stop=True):
        if word in FILLER:
            continue
        found += terms(ABBREVIATIONS[word], drop_stop=True) if word in ABBREVIATIONS else [word]
    return found


def relatives(found: Sequence[Unit]) -> list[tuple[int, ...]]:
    """For each unit, the units of its skill an explanation and its first source make."""
    where = {(u.skill, u.id): n for n, u in enumerate(found)}
    family: list[list[int]] = [[] for _ in found]
    for n, unit in enumerate(found):
        if unit.kind != "answer" or not unit.sources:
            continue
        target = unit.sources[0]
        cited = where.get(
            (unit.skill, f"{unit.skill}/{target}" if target.startswith("lesson#") else target)
        )
        if cited is not None:
            family[n].append(cited)
            family[cited].append(n)
    return [tuple(each) for each in family]


def rows(found: Sequence[Unit]) -> list[str]:
    """The texts whose vectors `build` expects, in order: every unit's meaning texts, then
    every unit's two opening texts, then every unit's other phrasings (`Unit.asked`)."""
    meant = [text for unit in found for text in unit.meaning_texts]
    opening = [text for unit in found for text in unit.opening_texts]
    return meant + opening + [text for unit in found for text in unit.asked]

"""Goal → career: the language gate, the career index (with meaning when a model is installed)
and the match itself, for tracks, the CLI and the benchmark.

The index is built once per content change and model. Its vectors come through
`services.meaning.vectors`, which opens its own transactions, so `understand` runs before the
caller's transaction rather than inside it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from masterpath.domain import aims, language, matching
from masterpath.services import Context, meaning
from masterpath.store import Tx
from masterpath.store import content as content_store


@dataclass(frozen=True)
class Understood:
    """A goal read against the installed careers: its language, and its vector when meaning
    is on and the language is covered."""

    index: matching.Index
    languages: list[str]  # the installed careers' languages
    language: str  # the goal's, "" when too short to tell
    vector: matching.Vectors | None
    # the vector of what it aims at (`aims.focus`) when it also says where the learner comes
    # from: compared with work outside the catalogue, so "former journalist, want to deploy
    # models" is not taken for journalism
    aim: matching.Vectors | None = None
    # the goal-fit classifier's probability that no career fits, None without it
    unfit: float | None = None

    @property
    def covered(self) -> bool:
        return not self.language or self.language in self.languages or not self.languages


def documents(
    tx: Tx,
) -> tuple[
    dict[str, tuple[list[str], str, str]], list[str], dict[str, tuple[list[str], list[str]]]
]:
    """Each career's (names, core text, full text), the skill passages, and its meaning units;
    skills another career lists too are left out of a career's units."""
    skills = content_store.skill_models(tx)
    rows = content_store.careers(tx)
    counted = Counter(s for row in rows for s in set(matching.listed(row.data)))
    shared = frozenset(s for s, n in counted.items() if n > 1)
    found = {
        row.slug: (
            [row.data["title"], *row.data.get("aliases", [])],
            *matching.texts(row.data, skills),
        )
        for row in rows
    }
    passages = [f"{s.title}. {s.summary}" for s in skills.values()]
    units = {row.slug: matching.units(row.data, skills, shared) for row in rows}
    return found, passages, units


def index(ctx: Context) -> tuple[matching.Index, list[str]]:
    """The career index for the installed content (with career vectors when a model is
    installed) and the languages the careers are written in."""
    model = meaning.embedder(ctx)
    with ctx.db.begin() as tx:
        key = (content_store.content_key(tx), model.name if model else "")
        languages = content_store.career_languages(tx)
        known: matching.Index | None = ctx.cache.get("career_index", key)
        if known is not None:
            return known, languages
        found, passages, units = documents(tx)
        advanced = [row.slug for row in content_store.careers(tx) if _advanced(row.data)]
    vectors = _vectors(ctx, units) if model is not None else None
    outside = meaning.vectors(ctx, matching.OUTSIDE) if vectors is not None else None
    built = matching.build(
        found,
        passages,
        vectors=vectors,
        outside=outside,
        advanced=advanced,
        lexicon=meaning.lexicon(ctx),
    )
    return ctx.cache.put("career_index", key, built), languages


def _advanced(career: dict[str, Any]) -> bool:
    """A career for seniors: a senior aim ("staff", "head of ML") never matches the others."""
    return career.get("difficulty") in ("advanced", "expert")


def _vectors(
    ctx: Context, units: dict[str, tuple[list[str], list[str]]]
) -> dict[str, tuple[matching.Vectors, matching.Vectors]] | None:
    """Each career's (own, skills) text vectors, through the cache of `services.meaning`."""
    flat = [text for slug in sorted(units) for part in units[slug] for text in part]
    rows = meaning.vectors(ctx, flat)
    if rows is None:
        return None
    found, at = {}, 0
    for slug in sorted(units):
        own, theirs = (len(part) for part in units[slug])
        found[slug] = (rows[at : at + own], rows[at + own : at + own + theirs])
        at += own + theirs
    return found


def understand(ctx: Context, goal: str) -> Understood:
    """Read a goal before matching it: outside any transaction of the caller's. Its vectors
    are of the goal with typos respelled (`matching.respelled`), as `matching.evidence` reads
    it."""
    built, languages = index(ctx)
    said = language.detect(goal)
    found = Understood(built, languages, said, None)
    if not found.covered or built.vectors is None:
        return found
    goal = matching.respelled(built, goal)
    vector = meaning.one(ctx, goal)
    aim = " ".join(aims.focus(goal).split())
    if vector is None or aim == " ".join(goal.split()) or len(aim.split()) < 2:
        aimed = vector
    else:
        aimed = meaning.one(ctx, aim)
    judge = meaning.goal_fit(ctx, built.slugs)
    unfit = judge.unfit(vector, aimed) if judge is not None and vector is not None else None
    return Understood(built, languages, said, vector, aimed, unfit)


def languages_message(found: Understood) -> str:
    """What to tell a learner whose goal is in a language the careers are not written in."""
    names = ", ".join(language.name(code) for code in found.languages)
    return (
        f"This goal looks written in {language.name(found.language)}, and the installed careers "
        f"are written in {names} only, so none could be matched. Write the goal in {names}."
    )


def match(
    found: Understood, goal: str, *, tuning: matching.Tuning | None = None
) -> tuple[matching.Match, str]:
    """The best career for the goal, and the message to show when there is none for a reason
    other than fit (the goal's language)."""
    if not found.covered:
        return matching.Match(None, 0.0, [], []), languages_message(found)
    found_match = matching.match(
        found.index, goal, vector=found.vector, aim=found.aim, unfit=found.unfit, tuning=tuning
    )
    return found_match, ""

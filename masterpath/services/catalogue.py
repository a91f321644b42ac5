"""The career catalogue and the career guides, as installed."""

from __future__ import annotations

from dataclasses import dataclass

from masterpath.content.schema import Career
from masterpath.errors import NotFound
from masterpath.services import Context
from masterpath.store import content as store


@dataclass(frozen=True)
class SkillCard:
    id: str
    title: str
    summary: str
    hours: float


@dataclass(frozen=True)
class Guide:
    career: Career
    stage_skills: dict[str, list[SkillCard]]
    skill_titles: dict[str, str]

    @property
    def study_hours(self) -> float:
        return sum(card.hours for cards in self.stage_skills.values() for card in cards)


def careers(ctx: Context) -> list[Career]:
    with ctx.db.begin() as tx:
        return [Career.model_validate(row.data) for row in store.careers(tx)]


def guide(ctx: Context, slug: str) -> Guide:
    with ctx.db.begin() as tx:
        row = store.career(tx, slug)
        if row is None:
            raise NotFound(f"no career called {slug!r}")
        career = Career.model_validate(row.data)
        wanted = set(career.skill_ids)
        for group in (career.certifications, career.interview):
            wanted.update(skill for entry in group for skill in entry.skills)
        skills = store.skill_models(tx, sorted(wanted))
    cards = {key: SkillCard(key, s.title, s.summary, s.hours) for key, s in skills.items()}
    stage_skills = {
        stage.id: [cards[key] for key in stage.skills if key in cards] for stage in career.stages
    }
    return Guide(career, stage_skills, {key: card.title for key, card in cards.items()})

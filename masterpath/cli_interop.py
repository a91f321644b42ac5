"""`masterpath cards export|import` (Anki) and the question-bank commands of `masterpath
content` (GIFT, Moodle XML). Registered from masterpath/cli.py; each a thin call into services."""

from __future__ import annotations

from pathlib import Path

import click

from masterpath.errors import InvalidInput
from masterpath.services import Context, anki, database, make_context
from masterpath.settings import load_settings


def _migrated() -> Context:
    ctx = make_context(load_settings())
    database.upgrade(ctx)
    return ctx


@click.group()
def cards() -> None:
    """Flashcards in and out of Anki (.apkg), with schedules and review history."""


@cards.command("export")
@click.option("--out", required=True, type=click.Path(path_type=Path), help="The .apkg to write.")
@click.option("--learner", "email", required=True, help="The learner's email.")
@click.option("--skill", "skill_id", default=None, help="Only this skill's cards.")
@click.option("--track", "track_id", default=None, type=int, help="Only this track's cards.")
def cards_export(out: Path, email: str, skill_id: str | None, track_id: int | None) -> None:
    """Write the learner's started cards, with scheduling and review log, to an .apkg."""
    if out.is_dir() or not out.parent.is_dir():
        problem = f"{out} is a folder" if out.is_dir() else f"{out.parent} does not exist"
        raise InvalidInput(f"--out: {problem}; nothing was written")
    ctx = _migrated()
    user_id = anki.learner_id(ctx, email=email)
    written = anki.export(ctx, user_id=user_id, out=out, skill_id=skill_id, track_id=track_id)
    click.echo(f"wrote {written} card{'' if written == 1 else 's'} to {out}")


@cards.command("import")
@click.argument("package", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--learner", "email", required=True, help="The learner's email.")
def cards_import(package: Path, email: str) -> None:
    """Add an .apkg's cards to the learner's personal deck (never evidence of mastery)."""
    ctx = _migrated()
    user_id = anki.learner_id(ctx, email=email)

    def progress(done: int, total: int) -> None:
        if done == total or done % 500 == 0:
            click.echo(f"imported {done}/{total} cards", err=True)

    found = anki.import_package(ctx, user_id=user_id, path=package, progress=progress)
    click.echo(
        f"imported {found.cards} cards from {found.notes} notes with {found.reviews} reviews; "
        f"{found.media_skipped} media files skipped"
        + (
            f"; {found.notes_without_cards} notes without cards"
            if found.notes_without_cards
            else ""
        )
    )

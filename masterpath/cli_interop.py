"""`masterpath cards export|import` (Anki) and the question-bank commands of `masterpath
content` (GIFT, Moodle XML). Registered from masterpath/cli.py; each a thin call into services."""

from __future__ import annotations

from pathlib import Path

import click

from masterpath.errors import InvalidInput
from masterpath.services import Context, anki, database, make_context, packs, question_banks
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
    if skill_id is not None and track_id is not None:
        raise InvalidInput("give --skill or --track, not both")
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


# Question banks (added to `masterpath content`) -------------------------------------------------


def _import_bank(fmt: str, source: Path, skill_id: str, out: Path, title: str) -> None:
    today = make_context(load_settings()).clock.now().date()
    done = question_banks.import_bank(
        source, fmt=fmt, skill_id=skill_id, out=out, title=title, today=today
    )
    for problem in done.skipped:
        click.echo(f"skipped {problem}", err=True)
    click.echo(
        f"wrote {done.items} item{'' if done.items == 1 else 's'} as skill {done.skill_id} "
        f"to the pack {done.out} ({len(done.skipped)} skipped); check it with "
        f"`masterpath content validate {done.out}`, load it with `masterpath content load`"
    )


def _bank_command(fmt: str, name: str, suffix: str) -> click.Command:
    @click.command(name)
    @click.argument("source", type=click.Path(path_type=Path, exists=True, dir_okay=False))
    @click.option("--skill", "skill_id", required=True, help="The id of the skill to create.")
    @click.option("--out", required=True, type=click.Path(path_type=Path), help="Pack folder.")
    @click.option("--title", default="", help="The skill's title.")
    def command(source: Path, skill_id: str, out: Path, title: str) -> None:
        _import_bank(fmt, source, skill_id, out, title)

    command.help = (
        f"Import a {suffix} question bank as a content pack folder (one skill); every "
        "question that cannot be mapped is reported with its line."
    )
    return command


CONTENT_COMMANDS = [
    _bank_command("gift", "import-gift", "GIFT"),
    _bank_command("moodle-xml", "import-moodle-xml", "Moodle XML"),
]


def export_bank(fmt: str, out: Path | None) -> None:
    """`masterpath content export --format gift|moodle-xml`: every installed item."""
    ctx = make_context(load_settings())
    packs.prepare(ctx)
    done = question_banks.export(ctx, fmt=fmt)
    for left in done.left_out:
        click.echo(f"left out {left}", err=True)
    if out is None:
        click.echo(done.text, nl=False)
    else:
        out.write_text(done.text, encoding="utf-8")
    click.echo(f"exported {done.items} items as {fmt}", err=True)

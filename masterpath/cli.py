"""The `masterpath` command. Each subcommand is a thin call into services. Command groups with
modules of their own (masterpath/commands/, masterpath/benchmarks/cli.py) are registered at the
end of this file, one `main.add_command` line each."""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import datetime
from typing import Any

import click

from masterpath.benchmarks.cli import bench
from masterpath.cli_interop import CONTENT_COMMANDS, cards
from masterpath.commands import open_context, prepared_context, warm
from masterpath.commands.badges import badge
from masterpath.commands.content import content as content
from masterpath.commands.db import db as db
from masterpath.commands.user import user as user
from masterpath.errors import InvalidInput, MasterPathError
from masterpath.outbox_cli import mail, xapi
from masterpath.services import packs
from masterpath.settings import describe


class Commands(click.Group):
    """The `masterpath` group. Whatever command runs beneath it, a MasterPathError, or a file or
    folder the machine refuses, is printed as a message and the exit status is 1: one place,
    so no command can forget it. Anything else is a bug and keeps its traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MasterPathError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            click.echo(f"error: {exc.message}", err=True)
        except BrokenPipeError:
            raise  # the reader went away (`| head`): click leaves quietly
        except OSError as exc:  # the machine's refusal, not a bug: say which file and why
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
        ctx.exit(1)


@click.group(cls=Commands, invoke_without_command=True)
@click.version_option(package_name="masterpath")
@click.pass_context
def main(click_ctx: click.Context) -> None:
    """MasterPath: mastery-based career learning. Without a command, serve."""
    if click_ctx.invoked_subcommand is None:
        click_ctx.invoke(serve)


@main.command()
@click.option("--host", default=None, help="Address to listen on (MASTERPATH_HOST).")
@click.option(
    "--port", type=click.IntRange(1, 65_535), default=None, help="Port (MASTERPATH_PORT)."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (MASTERPATH_WORKERS).",
)
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Migrate, load the content packs and serve the web app."""
    from masterpath.workers import options, run

    ctx = open_context()
    for done in packs.prepare(ctx):
        state = "loaded" if done.changed else "unchanged"
        click.echo(f"pack {done.pack_id} {done.version}: {state}", err=True)
    warm(ctx)
    settings = ctx.settings
    settings.signing_key()  # a data folder that cannot keep the key is refused here, not per worker
    run(
        "masterpath.web:create_app_from_env",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        **options(settings),
    )


@main.group()
def kt() -> None:
    """Knowledge tracing."""


@kt.command("fit")
def kt_fit() -> None:
    """Fit the knowledge-tracing model on the stored evidence and use it from now on."""
    from masterpath.services import tracing

    ctx = prepared_context()
    total = tracing.count_answers(ctx)
    with click.progressbar(length=max(total, 1), label="replaying answers", file=sys.stderr) as bar:
        done = tracing.fit(ctx, progress=bar.update, note=lambda line: click.echo(line, err=True))
    click.echo(
        f"fitted on {done.answers} answers of {done.learners} learners over "
        f"{done.skills} skills; parameters #{done.params_id} are now in use"
    )


@main.command("track")
@click.option("--goal", required=True, help="Where you want to go, in your own words.")
@click.option("--background", default="", help="Where you come from.")
@click.option("--known", default="", help="Skill ids you believe you know, comma-separated.")
@click.option("--hours-per-week", default=5.0, show_default=True, type=float)
@click.option("--target-date", default=None, type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def track(  # noqa: PLR0917 - one parameter per option
    goal: str,
    background: str,
    known: str,
    hours_per_week: float,
    target_date: datetime | None,
    as_json: bool,
) -> None:
    """Match a goal to an installed career and plan the track (nothing is stored)."""
    from masterpath.services import tracks

    ctx = prepared_context()
    intake = tracks.Intake(
        goal=goal,
        background=background,
        known=[s.strip() for s in known.split(",") if s.strip()],
        hours_per_week=hours_per_week,
        target_date=target_date.date() if target_date else None,
    )
    result = tracks.suggest(ctx, intake)
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(result), default=str))
        return
    if result.track is None:
        click.echo(result.message)
        return
    view = result.track
    click.echo(f"{view.career_title} (confidence {result.confidence:.2f})")
    for stage in view.stages:
        click.echo(f"  {stage['title']}")
        for skill in stage["skills"]:
            click.echo(f"    {skill['title']} — about {skill['hours']:g} h")
    click.echo(
        f"{view.total_hours:g} h of study at {view.hours_per_week:g} h a week: "
        f"finishes {view.finish:%d %b %Y}"
    )
    for line in view.advice:
        click.echo(line)


@main.command("demo")
@click.option(
    "--weeks",
    default=8,
    show_default=True,
    type=click.IntRange(1, 52),
    help="Weeks of study history to make.",
)
def demo(weeks: int) -> None:
    """Create a demo learner with weeks of study made through the real services."""
    from masterpath.services import demo as demo_service

    ctx = prepared_context()

    def step(message: str) -> None:
        click.echo(f"[demo] {message}", err=True)

    made = demo_service.create(ctx, weeks=weeks, progress=step)
    click.echo(
        f"Demo learner: {made.learner} / {made.password} — {made.days_studied} days of study, "
        f"{made.answers} answers, {made.reviews} card reviews, {made.checks} checks."
    )
    click.echo(
        f"Instructor: {made.instructor} / {made.password} — cohort invite code {made.cohort_code}"
    )
    click.echo(f"Mastered: {', '.join(made.mastered) or 'none'}")
    click.echo(f"Decaying: {', '.join(made.decaying) or 'none'}")
    click.echo("Run `masterpath serve`, log in, and open /dashboard.")


@main.group()
def mentor() -> None:
    """The AI mentor, from the command line."""


@mentor.command("ask")
@click.option("--skill", "skill_id", default=None, help="Ask as on this skill's page.")
@click.option("--item", "item_id", default=None, help="Ask beside this item, still unanswered.")
@click.option("--message", required=True, help="What the learner writes.")
@click.option(
    "--mode",
    type=click.Choice(["auto", "explain", "hint", "feedback", "gatekeeper", "practice"]),
    default="auto",
    show_default=True,
    help="What the learner asks for; auto chooses from the message, as the page does.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the reply as one JSON line last.")
def mentor_ask(
    skill_id: str | None, item_id: str | None, message: str, mode: str, as_json: bool
) -> None:
    """Answer as the mentor would a new learner (a throwaway one, deleted afterwards), with the
    configured provider. Beside an item, the item counts as open: its answer stays hidden."""
    from masterpath.services.mentor import newcomer

    if not skill_id and not item_id:
        raise click.UsageError("give --skill or --item")
    ctx = prepared_context()
    turn = newcomer.ask_as_newcomer(
        ctx, skill_id=skill_id, item_id=item_id, message=message, mode=mode
    )
    if as_json:
        click.echo(
            json.dumps({"reply": turn.text, "provider": turn.provider, "citations": turn.citations})
        )
        return
    click.echo(turn.text)
    for number, cited in enumerate(turn.citations, start=1):
        click.echo(f"[{number}] {cited['title']} ({cited['id']})")


@main.group()
def fsrs() -> None:
    """Flashcard scheduling."""


@fsrs.command("optimize")
@click.option("--learner", "learner", type=int, default=None, help="Learner id (default: all).")
def fsrs_optimize(learner: int | None) -> None:
    """Fit a learner's FSRS parameters from their review log (needs the optimizer extra)."""
    from masterpath.services import cards

    ctx = prepared_context()
    ids = [learner] if learner is not None else cards.learners_with_reviews(ctx)
    if not ids:
        raise InvalidInput("no learner has reviewed a card yet: there is nothing to fit")
    for learner_id in ids:
        click.echo(f"learner {learner_id}: fitting", err=True)
        found = cards.optimize(ctx, user_id=learner_id, verbose=True)
        click.echo(f"learner {learner_id}: fitted on {found['reviews']} reviews; in use from now")


@main.command("settings")
def show_settings() -> None:
    """List every setting with its default and meaning."""
    for name, default, description in describe():
        click.echo(f"{name}={default}\n    {description}")


# Command groups defined in their own modules: one line each.
main.add_command(bench)
main.add_command(content)
main.add_command(db)
main.add_command(user)
main.add_command(cards)
for command in CONTENT_COMMANDS:
    content.add_command(command)
main.add_command(xapi)
main.add_command(mail)
main.add_command(badge)

"""The `masterpath` command. Each subcommand is a thin call into services; `masterpath bench`
is added from masterpath/benchmarks/cli.py."""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from masterpath.benchmarks import datasets
from masterpath.benchmarks.cli import bench
from masterpath.cli_interop import CONTENT_COMMANDS, cards, export_bank
from masterpath.commands.badges import badge
from masterpath.errors import InvalidInput, MasterPathError
from masterpath.outbox_cli import mail, xapi
from masterpath.services import (
    Context,
    accounts,
    backup,
    database,
    item_reports,
    item_stats,
    make_context,
    packs,
)
from masterpath.settings import describe, load_settings


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


def _context() -> Context:
    return make_context(load_settings())


def _prepared() -> Context:
    """The context of a command that reads the database: migrated and with the content packs
    installed, as `serve` leaves it, so a fresh data folder works."""
    ctx = _context()
    packs.prepare(ctx)
    return ctx


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
    import uvicorn

    ctx = _context()
    for done in packs.prepare(ctx):
        state = "loaded" if done.changed else "unchanged"
        click.echo(f"pack {done.pack_id} {done.version}: {state}", err=True)
    _warm(ctx)
    settings = ctx.settings
    settings.signing_key()  # a data folder that cannot keep the key is refused here, not per worker
    uvicorn.run(
        "masterpath.web:create_app_from_env",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        log_level="info",
        timeout_graceful_shutdown=settings.shutdown_seconds,  # SIGTERM: requests in flight finish
        **settings.proxy_options(),
    )


@main.group()
def db() -> None:
    """The database: its schema, backups and restores."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the newest schema."""
    click.echo(f"database at revision {database.upgrade(_context())}")


@db.command("backup")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The archive to write (a .tar.gz); written as OUT.tmp, then renamed.",
)
def db_backup(out: Path) -> None:
    """Copy the database and the data folder's key files into one archive (safe while serving)."""
    done = backup.create(_context(), out=out)
    size = out.stat().st_size
    click.echo(
        f"backup of the {backup.NAMES[done.backend]} database (revision {done.revision}) and "
        f"{len(done.keys)} key file(s) written to {out} ({size:,} bytes)"
    )


@db.command("restore")
@click.argument("archive", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def db_restore(archive: Path, force: bool) -> None:
    """Replace the database and the key files with a backup's (stop the server first)."""
    done = backup.restore(_context(), archive=archive, force=force)
    click.echo(
        f"restored the {backup.NAMES[done.backend]} database (revision {done.revision}) and "
        f"{len(done.keys)} key file(s) from {archive}, made {done.created_at}"
    )
    if done.revision != database.head():
        click.echo("the schema is older than this version's: `masterpath db upgrade` migrates it")


@main.group()
def content() -> None:
    """Content packs: validate and load."""


@content.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def content_validate(paths: tuple[Path, ...]) -> None:
    """Check content packs and report every problem with file and line."""
    report = packs.validate(list(paths))
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    if not report.ok:
        click.echo(f"error: {len(report.problems)} problem(s) found", err=True)
        sys.exit(1)
    counts = packs.summary(report)
    click.echo(
        f"ok: {len(report.packs)} pack(s), {counts['careers']} careers, {counts['skills']} "
        f"skills, {counts['items']} items, {counts['cards']} cards"
    )


@content.command("stats")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--links",
    type=click.Path(path_type=Path),
    default=datasets.ROOT / "content" / "LINKS.md",
    show_default=True,
    help="The list of confirmed URLs every resource must be in.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON line.")
def content_stats(paths: tuple[Path, ...], links: Path, as_json: bool) -> None:
    """Counts per career and skill, and every authoring rule checked (exit 1 on a failure)."""
    counts, problems, notice = packs.quality(list(paths), links=links)
    if notice:
        click.echo(f"notice: {notice}", err=True)
    for problem in problems:
        click.echo(str(problem), err=True)
    if as_json:
        click.echo(json.dumps(counts))
    else:
        _print_stats(counts)
    if problems:
        click.echo(f"error: {len(problems)} authoring problem(s)", err=True)
        sys.exit(1)


def _print_stats(counts: dict[str, Any]) -> None:
    for career in counts["careers"]:
        click.echo(f"career {career['slug']}: {career['skills']} skills")
    click.echo(f"{'skill':38} obj items held cards res words prose  lab  hours parts task careers")
    for s in counts["skills"]:
        lab = s["lab_minutes"] or "-"
        hours = s["hours"]
        click.echo(
            f"{s['id']:38} {s['objectives']:>3} {s['items']:>5} {s['assessment_only']:>4} "
            f"{s['cards']:>5} {s['resources']:>3} {s['lesson_words']:>5} "
            f"{s['lesson_prose_words']:>5} {lab:>4} {hours['stated']:>6g} "
            f"{hours['computed']:>5.1f}{' ' if hours['honest'] else '!'} "
            f"{'yes' if s['has_task'] else 'no':>4} {','.join(s['careers'])}"
        )
    total = sum(s["items"] for s in counts["skills"])
    click.echo(f"{len(counts['skills'])} skills, {total} items")


@content.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "gift", "moodle-xml"]),
    default="json",
    show_default=True,
    help="json: every pack, loads back; gift, moodle-xml: the items as a question bank.",
)
@click.option("--out", type=click.Path(path_type=Path), help="Write to FILE instead of stdout.")
def content_export(fmt: str, out: Path | None) -> None:
    """Write every installed pack, with answer keys, as one document that loads back."""
    if out is not None and (out.is_dir() or not out.parent.is_dir()):
        missing = f"the folder {out.parent} does not exist"
        problem = f"{out} is a folder" if out.is_dir() else missing
        raise InvalidInput(f"--out: {problem}; nothing was written")
    if fmt != "json":
        return export_bank(fmt, out)
    document = json.dumps(packs.export(_prepared()), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        click.echo(document, nl=False)
        return
    tmp = out.with_name(out.name + ".tmp")
    try:
        tmp.write_text(document, encoding="utf-8")
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    click.echo(f"wrote {out}", err=True)


@content.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def content_load(paths: tuple[Path, ...]) -> None:
    """Install or update content packs in the database (all or nothing)."""
    ctx = _context()
    database.upgrade(ctx)
    for done in packs.install(ctx, list(paths)):
        state = "loaded" if done.changed else "unchanged"
        counts = ", ".join(f"{n} {k}" for k, n in done.counts.items())
        click.echo(f"pack {done.pack_id} {done.version}: {state} ({counts})")
    _warm(ctx)


def _warm(ctx: Context) -> None:
    """Embed what changed in the content (the mentor, goals and grading match on meaning)."""
    from masterpath.services import knowledge

    click.echo("meaning: embedding the content (only what changed)…", err=True)
    done = knowledge.warm(ctx)
    if done["notice"]:
        click.echo(f"NOTICE: {done['notice']}", err=True)
    else:
        click.echo(f"meaning: {done['texts']} texts ready in {done['seconds']} s", err=True)


@content.command("item-stats")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON line per item.")
@click.option(
    "--min-answers",
    type=int,
    default=item_stats.MIN_ANSWERS,
    show_default=True,
    help="Raise flags only on items with at least this many answers.",
)
def content_item_stats(as_json: bool, min_answers: int) -> None:
    """Per item, from the graded evidence that counts: answers, share correct, discrimination
    (point-biserial against the learner's mean on the skill's other items), option shares and
    flags. Flagged items first."""
    found = item_stats.item_stats(_prepared(), min_answers=min_answers)
    if as_json:
        for row in found:
            click.echo(json.dumps(item_stats.as_json(row)))
        return
    click.echo(f"{'item':44} {'answers':>7} {'correct':>7} {'discr':>6}  options / flags")
    for row in found:
        r = "-" if row.discrimination is None else f"{row.discrimination:+.2f}"
        options = " ".join(f"{o.option_id}={o.share:.0%}" for o in row.options)
        flags = ",".join(row.flags)
        click.echo(
            f"{row.item_id:44} {row.answers:>7} {row.share_correct:>7.0%} {r:>6}  {options} {flags}"
        )
    click.echo(f"{len(found)} items, {sum(1 for r in found if r.flags)} flagged", err=True)


@content.command("void")
@click.argument("item_id")
@click.option("--before", help="Only answers given before this ISO date-time (with a zone).")
@click.option("--reason", required=True, help="Why (learners whose mastery reopens see it).")
def content_void(item_id: str, before: str | None, reason: str) -> None:
    """Void the graded answers to ITEM_ID (a wrong key): new ledger records, never a change to
    evidence; affected learners are replayed and masteries that no longer hold reopen."""
    when = None
    if before is not None:
        try:
            when = datetime.fromisoformat(before)
        except ValueError:
            raise InvalidInput(f"--before: {before!r} is not an ISO date-time") from None
    done = item_reports.void(
        _prepared(), admin_id=None, item_id=item_id, reason=reason, before=when
    )
    click.echo(
        f"voided {done.voided} answers to {done.item_id} from {done.learners} learners; "
        f"{len(done.reopened)} masteries reopened"
    )


@main.group()
def user() -> None:
    """Accounts."""


def _new_password() -> str:
    """Ask for a new account's password, twice; with no one to ask, say what to pass instead."""
    try:
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    except click.Abort:
        click.echo(err=True)  # end the prompt's line
        raise InvalidInput("a new account needs a password: give it with --password") from None


@user.command("create-admin")
@click.argument("email")
@click.option(
    "--password", help="The new account's password (asked for when it is created and not given)."
)
def create_admin(email: str, password: str | None) -> None:
    """Create an admin account, or make an existing account an admin (its password unchanged)."""
    ctx = _context()
    database.upgrade(ctx)
    if password is None and not accounts.exists(ctx, email=email):
        password = _new_password()
    account, created = accounts.make_admin(ctx, email=email, password=password)
    verb = "created" if created else "promoted to admin (password unchanged)"
    click.echo(f"{account.email}: {verb}")


@user.command("create-instructor")
@click.argument("email")
@click.option("--password", help="The new account's password (asked for when it is created).")
def create_instructor(email: str, password: str | None) -> None:
    """Create an instructor account, or make an existing account an instructor."""
    ctx = _context()
    database.upgrade(ctx)
    if password is None and not accounts.exists(ctx, email=email):
        password = _new_password()
    account, created = accounts.make_instructor(ctx, email=email, password=password)
    verb = "created" if created else f"is now {account.role} (password unchanged)"
    click.echo(f"{account.email}: {verb}")


@user.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(accounts.ROLES))
def set_role(email: str, role: str) -> None:
    """Give an existing account a role: learner, instructor or admin."""
    account = accounts.set_role(_prepared(), email=email, role=role)
    click.echo(f"{account.email}: {account.role}")


@user.command("reset-password")
@click.argument("email")
@click.option("--print", "show", is_flag=True, help="Print the link even when mail is set up.")
def reset_password(email: str, show: bool) -> None:
    """A one-time link (valid one hour) that lets the user choose a new password: mailed to
    them when MASTERPATH_SMTP_HOST is set, printed otherwise."""
    ctx = _prepared()
    settings = ctx.settings
    if settings.mail_configured and not show:
        to = accounts.mail_reset_link(ctx, email=email)
        click.echo(f"a reset link is queued for {to}; `masterpath mail send` delivers it")
        return
    click.echo(accounts.reset_link(ctx, email=email, base_url=settings.public_url))


@main.group()
def kt() -> None:
    """Knowledge tracing."""


@kt.command("fit")
def kt_fit() -> None:
    """Fit the knowledge-tracing model on the stored evidence and use it from now on."""
    from masterpath.services import tracing

    ctx = _prepared()
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

    ctx = _prepared()
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

    ctx = _prepared()

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
    ctx = _prepared()
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

    ctx = _prepared()
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


main.add_command(bench)
main.add_command(cards)
for command in CONTENT_COMMANDS:
    content.add_command(command)
main.add_command(xapi)
main.add_command(mail)
main.add_command(badge)

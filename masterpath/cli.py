"""The `masterpath` command. Each subcommand is a thin call into services."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from masterpath.benchmarks import datasets
from masterpath.errors import InvalidInput, MasterPathError
from masterpath.services import Context, accounts, backup, database, make_context, packs
from masterpath.settings import describe, load_settings

F = TypeVar("F", bound=Callable[..., Any])


def friendly(func: F) -> F:
    """Print MasterPath errors, and files or folders that cannot be used, as messages and exit 1,
    without a traceback."""

    @wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MasterPathError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(1)
        except OSError as exc:  # the machine's refusal, not a bug: say which file and why
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            sys.exit(1)

    return run  # type: ignore[return-value]


def _context() -> Context:
    return make_context(load_settings())


def _prepared() -> Context:
    """The context of a command that reads the database: migrated and with the content packs
    installed, as `serve` leaves it, so a fresh data folder works."""
    ctx = _context()
    packs.prepare(ctx)
    return ctx


@click.group(invoke_without_command=True)
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
@friendly
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
@friendly
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
@friendly
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
@friendly
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
@friendly
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
@friendly
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
    click.echo(f"{'skill':38} obj items held cards res words task careers")
    for s in counts["skills"]:
        click.echo(
            f"{s['id']:38} {s['objectives']:>3} {s['items']:>5} {s['assessment_only']:>4} "
            f"{s['cards']:>5} {s['resources']:>3} {s['lesson_words']:>5} "
            f"{'yes' if s['has_task'] else 'no':>4} {','.join(s['careers'])}"
        )
    total = sum(s["items"] for s in counts["skills"])
    click.echo(f"{len(counts['skills'])} skills, {total} items")


@content.command("export")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="Write to FILE instead of stdout.")
@friendly
def content_export(fmt: str, out: Path | None) -> None:
    """Write every installed pack, with answer keys, as one document that loads back."""
    if out is not None and (out.is_dir() or not out.parent.is_dir()):
        missing = f"the folder {out.parent} does not exist"
        problem = f"{out} is a folder" if out.is_dir() else missing
        raise InvalidInput(f"--out: {problem}; nothing was written")
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
@friendly
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
@friendly
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
@friendly
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
@friendly
def set_role(email: str, role: str) -> None:
    """Give an existing account a role: learner, instructor or admin."""
    account = accounts.set_role(_prepared(), email=email, role=role)
    click.echo(f"{account.email}: {account.role}")


@user.command("reset-password")
@click.argument("email")
@friendly
def reset_password(email: str) -> None:
    """Print a one-time link (valid one hour) that lets the user choose a new password."""
    ctx = _prepared()
    settings = ctx.settings
    base = settings.base_url or f"http://{settings.host}:{settings.port}"
    click.echo(accounts.reset_link(ctx, email=email, base_url=base))


@main.group()
def kt() -> None:
    """Knowledge tracing."""


@kt.command("fit")
@friendly
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
@friendly
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

    ctx = _context()
    packs.prepare(ctx)
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
@friendly
def demo(weeks: int) -> None:
    """Create a demo learner with weeks of study made through the real services."""
    from masterpath.services import demo as demo_service

    ctx = _context()
    packs.prepare(ctx)

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
@friendly
def mentor_ask(
    skill_id: str | None, item_id: str | None, message: str, mode: str, as_json: bool
) -> None:
    """Answer as the mentor would a new learner (a throwaway one, deleted afterwards), with the
    configured provider. Beside an item, the item counts as open: its answer stays hidden."""
    from masterpath.services.mentor import newcomer

    if not skill_id and not item_id:
        raise click.UsageError("give --skill or --item")
    ctx = _context()
    packs.prepare(ctx)
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
def bench() -> None:
    """Benchmarks that print their numbers (JSON with --json)."""


@bench.command("startup")
@click.option("--runs", default=5, show_default=True, help="Cold starts to measure.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def bench_startup(runs: int, as_json: bool) -> None:
    """Cold start: `masterpath serve` on an empty data folder until the first 200."""
    from masterpath.benchmarks import startup

    with click.progressbar(length=runs, label="cold starts", file=sys.stderr) as bar:
        result = startup.run(runs=runs, progress=lambda done: bar.update(done - bar.pos))
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(
        f"cold start to first 200 over {runs} runs: median {result['median_s']} s, "
        f"p90 {result['p90_s']} s (min {result['min_s']}, max {result['max_s']})"
    )


@bench.command("kt")
@click.option(
    "--train",
    type=click.Path(dir_okay=False, path_type=Path),
    default=datasets.KT_TRAIN,
    show_default=True,
    help="DKVMN-format file to fit on (ASSISTments 2009: data/assist2009_updated of "
    "github.com/jennyzhang0215/DKVMN).",
)
@click.option(
    "--test",
    type=click.Path(dir_okay=False, path_type=Path),
    default=datasets.KT_TEST,
    show_default=True,
    help="DKVMN-format file to predict.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object last.")
@friendly
def bench_kt(train: Path, test: Path, as_json: bool) -> None:
    """Knowledge tracing on real data: AUC, RMSE, log loss, ECE, fit time, predictions/s."""
    from masterpath.benchmarks import kt, ktdata, pybkt_baseline

    def step(message: str) -> None:
        click.echo(f"[bench kt] {message}", err=True)

    for path in (train, test):
        datasets.require(path, what="answer sequences", source=datasets.KT_SOURCE)
    step(f"reading {train} and {test}")
    train_rows, test_rows = ktdata.read(train), ktdata.read(test)
    step("MasterPath model: fitting and predicting")
    result = kt.run(train_rows, test_rows)
    step("MasterPath model with untrained defaults")
    baselines = {"masterpath_defaults": kt.run(train_rows, test_rows, fitted=False)}
    if pybkt_baseline.available():
        for name, forgets in (("pybkt_bkt", False), ("pybkt_bkt_forgets", True)):
            step(f"{name}: fitting (5 restarts) and predicting")
            baselines[name] = pybkt_baseline.run(train_rows, test_rows, forgets=forgets)
    else:
        step("pyBKT is not installed here: `make bench-deps && make bench` runs the baselines")
    result["baselines"] = baselines
    if not as_json:
        for name, row in {"masterpath": result, **baselines}.items():
            click.echo(
                f"{name:20} auc {row['auc']:.4f}  rmse {row['rmse']:.4f}  logloss "
                f"{row['logloss']:.4f}  ece {row['ece']:.4f}  fit {row['fit_s']} s  "
                f"{row['pred_per_s']:,} predictions/s"
            )
        return
    click.echo(json.dumps(result))


@bench.command("gate")
@click.option("--learners", default=10_000, show_default=True, help="Simulated learners per rule.")
@click.option("--seed", default=7, show_default=True, help="Seed of the simulated population.")
@click.option("--workers", default=2, show_default=True, help="Processes to run in parallel.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object last.")
def bench_gate(learners: int, seed: int, workers: int, as_json: bool) -> None:
    """Simulated learners through the real services: false and missed mastery, items needed."""
    from masterpath.benchmarks import gate

    with click.progressbar(
        length=learners * len(gate.RULES), label="simulated learners", file=sys.stderr
    ) as bar:
        done = [0]

        def advance(size: int) -> None:
            bar.update(size)
            done[0] += size
            if not sys.stderr.isatty():
                click.echo(f"[bench gate] {done[0]}/{learners * len(gate.RULES)}", err=True)

        result = gate.run(learners=learners, seed=seed, workers=workers, progress=advance)
    if as_json:
        click.echo(json.dumps(result))
        return
    for name, row in {"masterpath": result, **result["baselines"]}.items():
        click.echo(
            f"{name:12} false mastery {row['false_mastery']:.2%} "
            f"{row['false_mastery_ci95']}  missed {row['missed_mastery']:.2%}  "
            f"items to decision {row['items_to_decision']}"
        )


@bench.command("grading")
@click.option(
    "--data",
    type=click.Path(dir_okay=False, path_type=Path),
    default=datasets.GRADING,
    show_default=True,
    help="Short-answer CSV: id, question, desired_answer, student_answer, score_me/other/avg "
    "(Mohler et al. 2011, assignments 1-6).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object last.")
@friendly
def bench_grading(data: Path, as_json: bool) -> None:
    """Short-answer grading vs human scores, leave-one-assignment-out: r, RMSE, answers/s."""
    from masterpath.benchmarks import grading

    def step(message: str) -> None:
        click.echo(f"[bench grading] {message}", err=True)

    datasets.require(data, what="human-scored short answers", source=datasets.GRADING_SOURCE)
    step(f"reading {data}")
    model = grading.model(load_settings().embedding_model, progress=step)
    result = grading.run(grading.read(data), model=model, progress=step)
    if as_json:
        click.echo(json.dumps(result))
        return
    rubric, humans = result["baselines"]["rubric_score_x5"], result["baselines"]["human_graders"]
    words, ms = result["baselines"]["lexical"], result["ms_per_answer"]
    click.echo(
        f"masterpath        pearson {result['pearson']:.4f}  rmse {result['rmse']:.4f}  "
        f"{result['per_s']:,} answers/s over {result['answers']:,} answers ({result['model']})"
    )
    click.echo(
        f"  ms per answer   p50 {ms['p50']}  p95 {ms['p95']}  p99 {ms['p99']}  max {ms['max']}"
    )
    click.echo(f"words alone       pearson {words['pearson']:.4f}  rmse {words['rmse']:.4f}")
    click.echo(f"rubric score x 5  pearson {rubric['pearson']:.4f}  rmse {rubric['rmse']:.4f}")
    click.echo(f"human graders     pearson {humans['pearson']:.4f} (one grader against the other)")
    for name, row in result["assignments"].items():
        click.echo(f"  assignment {name:4} pearson {row['pearson']:.4f} ({row['answers']} answers)")


@bench.command("tracks")
@click.option("--goals", default=1000, show_default=True, help="Goals per catalogue.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object last.")
@click.option(
    "--sweep",
    is_flag=True,
    help="Only score every fusion and threshold setting on the tuning set, best first.",
)
@click.option("--top", default=20, show_default=True, help="Settings the sweep prints.")
@friendly
def bench_tracks(goals: int, as_json: bool, sweep: bool, top: int) -> None:
    """Goal intake → match → plan per track, on the built-in and a 2,000-skill catalogue, and
    goal → career accuracy on the labelled goals (tuning set and independent set)."""
    from masterpath.benchmarks import goals as labelled
    from masterpath.benchmarks import tracks

    def step(message: str) -> None:
        click.echo(f"[bench tracks] {message}", err=True)

    for path in (labelled.TUNING_SET, labelled.SECOND_TUNING_SET, labelled.INDEPENDENT_SET):
        datasets.require(path, what="labelled goals")
    if sweep:
        _sweep(as_json=as_json, top=top, progress=step)
        return
    result = tracks.run(goals=goals, progress=step)
    if as_json:
        click.echo(json.dumps(result))
        return
    for name, row in (("large", result), ("builtin", result["builtin"])):
        click.echo(
            f"{name:8} p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms  "
            f"matched {row['matched']} of {row['goals']}  "
            f"goal match alone p95 {row['match']['p95_ms']} ms"
        )
    for name in ("training_tuning_set", "training_second_author", "independent"):
        for label, row in result.get(name, {}).items():
            if label == "all":
                continue  # a share over both classes hides one behind the other: each alone
            low, high = row["wilson95"]
            click.echo(
                f"{name:22} {label:25} {row['right']}/{row['of']} = {row['share']:.3f} "
                f"(Wilson 95% {low:.3f}-{high:.3f})"
            )


def _sweep(*, as_json: bool, top: int, progress: Callable[[str], None]) -> None:
    import tempfile

    from masterpath.benchmarks import goals as labelled

    with tempfile.TemporaryDirectory() as folder:
        ctx = labelled.builtin(Path(folder))
        rows = labelled.sweep(ctx, progress=progress)
        ctx.db.dispose()
    if as_json:
        click.echo(json.dumps({"settings": len(rows), "best": rows[:top]}))
        return
    click.echo(f"{len(rows)} settings scored on {labelled.TUNING_SET.name}; best first")
    click.echo("balanced  fits   none   setting")
    for row in rows[:top]:
        setting = " ".join(f"{k}={v}" for k, v in row["tuning"].items())
        click.echo(f"{row['balanced']:.4f}  {row['fits']:.3f}  {row['none']:.3f}  {setting}")


@bench.command("placement")
@click.option("--learners", default=1000, show_default=True, help="Simulated learners per pass.")
@click.option("--seed", default=7, show_default=True, help="Seed of the simulated population.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object last.")
def bench_placement(learners: int, seed: int, as_json: bool) -> None:
    """Simulated learners take the real diagnostic: false and missed placements, questions."""
    from masterpath.benchmarks import placement

    total = learners * len(placement.PASSES)
    with click.progressbar(length=total, label="simulated learners", file=sys.stderr) as bar:
        done = [0]

        def advance(size: int) -> None:
            bar.update(size)
            done[0] += size
            if not sys.stderr.isatty() and done[0] % 100 == 0:
                click.echo(f"[bench placement] {done[0]}/{total}", err=True)

        result = placement.run(learners=learners, seed=seed, progress=advance)
    if as_json:
        click.echo(json.dumps(result))
        return
    rows = {"as modelled": result, **result["sensitivity"]}
    for name, row in rows.items():
        click.echo(
            f"{name:16} false placement {row['false_placement']:.2%} "
            f"{row['false_placement_ci95']}  missed {row['missed_placement']:.2%}  "
            f"questions {row['questions']}"
        )
    click.echo(f"bar P(known) >= {result['bar']}, at most {result['budget']} questions")


@bench.command("mentor")
@click.option("--turns", default=500, show_default=True, help="Mentor turns per run.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object last.")
def bench_mentor(turns: int, as_json: bool) -> None:
    """Mentor turns through the HTTP streaming route: first and last byte; LLM overhead."""
    from masterpath.benchmarks import mentor

    def step(message: str) -> None:
        click.echo(f"[bench mentor] {message}", err=True)

    result = mentor.run(turns=turns, progress=step)
    if as_json:
        click.echo(json.dumps(result))
        return
    first, last, llm = result["first_byte"], result["last_byte"], result["openai"]
    click.echo(
        f"builtin  first byte p50 {first['p50_ms']} ms p95 {first['p95_ms']} ms; "
        f"last byte p50 {last['p50_ms']} ms p95 {last['p95_ms']} ms"
    )
    click.echo(f"openai   MasterPath adds {llm['overhead_ms']} ms to the first token (median)")


@bench.command("citations")
@click.option(
    "--questions",
    type=click.Path(dir_okay=False, path_type=Path),
    default=datasets.FIXTURES / "mentor_questions.yaml",
    show_default=True,
    help="The tuning set: labelled learner questions (YAML).",
)
@click.option(
    "--independent",
    type=click.Path(file_okay=False, path_type=Path),
    default=datasets.FIXTURES / "independent",
    show_default=True,
    help="The independent set: questions.yaml and labels.yaml, used only to measure.",
)
@click.option(
    "--dev",
    type=click.Path(file_okay=False, path_type=Path),
    default=datasets.FIXTURES / "mentor_dev",
    show_default=True,
    help="A labelled development set (questions.yaml, labels.yaml) tuned on with the tuning set.",
)
@click.option("--sweep", is_flag=True, help="Try fusion weights on the tuning and dev sets.")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Reuse a data folder with the content loaded (default: a throwaway one).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object last.")
@friendly
def bench_citations(  # noqa: PLR0917 - click passes options by position
    questions: Path,
    independent: Path,
    dev: Path,
    sweep: bool,
    data_dir: Path | None,
    as_json: bool,
) -> None:
    """How often the mentor's first citation is the right one, and outside questions said so."""
    from masterpath.benchmarks import citations
    from masterpath.benchmarks.installed import installed

    source = f"{datasets.FIXTURE_SOURCE}; or pass --questions FILE"
    datasets.require(questions, what="labelled learner questions", source=source)
    with installed(load_settings(), data_dir) as ctx:
        tuning = citations.tuning(questions)
        developed = citations.independent(dev) if (dev / "labels.yaml").is_file() else []
        if sweep:
            rows = tuning + developed
            for row in citations.sweep(ctx, rows, lambda line: click.echo(line, err=True))[:10]:
                click.echo(json.dumps(row))
            return
        result = {"tuning (training figures)": citations.score(ctx, tuning)}
        if developed:
            result["dev (training figures)"] = citations.score(ctx, developed)
        if (independent / "labels.yaml").is_file():
            rows = citations.independent(independent)
            result["independent"] = citations.score(ctx, rows)
            result["independent_by_author_scope"] = {
                scope: citations.score(ctx, [r for r in rows if r["scope"] == scope])
                for scope in ("in", "out")
            }
    if as_json:
        click.echo(json.dumps(result))
        return
    for name, got in result.items():
        if "accuracy" not in got:
            continue
        for miss in got["misses"]:
            click.echo(
                f"miss  {miss['skill']}: {miss['question']!r} -> {miss['cited'] or 'outside'}"
            )
        right, total = got["first_citation_right"], got["answerable"]
        click.echo(
            f"{name}: first citation right for {right}/{total} ({got['accuracy']:.1%}); "
            f"outside recognised {got['outside_recognised']}/{got['outside']}"
        )


@bench.command("isolation")
@click.option(
    "--attempts",
    "attempts_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=datasets.FIXTURES / "independent" / "extraction.yaml",
    show_default=True,
    help="Extraction attempts (a YAML list), written independently of the mentor.",
)
@click.option("--every", default=1, show_default=True, help="Take every N-th choice item.")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Reuse a data folder with the content loaded (default: a throwaway one).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object last.")
@friendly
def bench_isolation(attempts_file: Path, every: int, data_dir: Path | None, as_json: bool) -> None:
    """Extraction attempts on every built-in choice item: verbatim leaks and the two readers."""
    from masterpath.benchmarks import citations, isolation
    from masterpath.benchmarks.installed import installed

    source = f"{datasets.FIXTURE_SOURCE}; or pass --attempts FILE"
    datasets.require(attempts_file, what="extraction attempts", source=source)
    with installed(load_settings(), data_dir) as ctx:
        with click.progressbar(length=1, label="choice items", file=sys.stderr) as bar:

            def advance(done: int, total: int) -> None:
                bar.length = total
                bar.update(1)

            tries = isolation.attempts(attempts_file)
            result = isolation.attack(ctx, tries, advance, every=every)
        labelled = attempts_file.parent / "labels.yaml"
        if labelled.is_file():
            rows = citations.independent(attempts_file.parent)
            result["beside_an_open_item"] = isolation.silence(ctx, rows)
    if as_json:
        click.echo(json.dumps(result))
        return
    for leak in result["leaked"]:
        click.echo(f"leak  {leak['item']}: {leak['attempt']!r} -> {leak['reply']!r}")
    click.echo(
        f"{result['replies']:,} replies ({result['items']} items × {result['attempts']} attempts, "
        f"provider {result['provider']}): {result['verbatim_leaks']} verbatim leaks, "
        f"{result['either_reader_to_key']} pointing a reader to the key "
        f"({result['either_share']:.2%}); OpenAI context: "
        f"{result['openai_context']['either_reader_to_key']}"
    )


@bench.command("meaning")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object last.")
@friendly
def bench_meaning(as_json: bool) -> None:
    """What sentence embeddings cost: install size, throughput, memory, content load times."""
    from masterpath.benchmarks import meaning

    result = meaning.run(load_settings())
    click.echo(json.dumps(result) if as_json else json.dumps(result, indent=2))


@bench.command("study")
@click.option("--answers", default=10_000, show_default=True, help="Answer submissions to time.")
@click.option("--reviews", default=10_000, show_default=True, help="Card reviews to time.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object last.")
def bench_study(answers: int, reviews: int, as_json: bool) -> None:
    """Latency of answer submissions and card reviews through the services, on SQLite."""
    from masterpath.benchmarks import study

    def step(message: str) -> None:
        click.echo(f"[bench study] {message}", err=True)

    result = study.run(answers=answers, reviews=reviews, progress=step)
    if as_json:
        click.echo(json.dumps(result))
        return
    for name in ("submit", "review"):
        row = result[name]
        click.echo(
            f"{name:7} p50 {row['p50_ms']} ms  p99 {row['p99_ms']} ms  max {row['max_ms']} ms "
            f"over {row['count']:,}"
        )


@bench.command("dashboard")
@click.option("--evidence", default=20_000, show_default=True, help="Evidence records to generate.")
@click.option("--cards", default=2_000, show_default=True, help="Flashcards the learner has.")
@click.option("--runs", default=200, show_default=True, help="Requests of /dashboard to time.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object last.")
def bench_dashboard(evidence: int, cards: int, runs: int, as_json: bool) -> None:
    """Server time of /dashboard for a learner with a long history, on SQLite."""
    from masterpath.benchmarks import dashboard

    def step(message: str) -> None:
        click.echo(f"[bench dashboard] {message}", err=True)

    result = dashboard.run(evidence=evidence, cards=cards, runs=runs, progress=step)
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(
        f"/dashboard server time p50 {result['p50_ms']} ms  p95 {result['p95_ms']} ms over "
        f"{result['requests']} requests ({result['evidence']:,} evidence, "
        f"{result['cards']:,} cards)"
    )
    for name, value in result["sections_ms"].items():
        click.echo(f"  {name:14} {value} ms (median, in process)")


@bench.command("web")
@click.option("--learners", default=32, show_default=True, help="Logged-in learners (connections).")
@click.option("--seconds", default=8.0, show_default=True, help="Each saturation phase.")
@click.option("--rate", default=100.0, show_default=True, help="Answers a second, fixed rate.")
@click.option("--rate-seconds", default=60.0, show_default=True, help="The fixed-rate phase.")
@click.option("--max-requests", default=200_000, show_default=True, help="Cap on any phase.")
@click.option("--workers", default="1,2,4", show_default=True, help="PostgreSQL worker counts.")
@click.option(
    "--postgres",
    default="postgresql+psycopg://127.0.0.1:5432/postgres",
    show_default=True,
    help="A server where the bench may create and drop its own databases; empty: SQLite only.",
)
@click.option("--embedding-model", default=None, help="`off` for BM25 alone (default: as set).")
@click.option("--quick", is_flag=True, help="Tiny bounds: 4 learners, 1 s phases, 1 worker.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object last.")
def bench_web(  # noqa: PLR0917 - click passes options by position
    learners: int, seconds: float, rate: float, rate_seconds: float, max_requests: int,
    workers: str, postgres: str, embedding_model: str | None, quick: bool, as_json: bool,
) -> None:  # fmt: skip
    """Answer, next item, card review and dashboard through real servers, against a
    hello-world: saturation and a fixed arrival rate (SQLite; PostgreSQL with each --workers)."""
    from masterpath.benchmarks import web

    bounds = web.Bounds(
        learners=learners, seconds=seconds, rate=rate, rate_seconds=rate_seconds,
        max_requests=max_requests, workers=tuple(int(n) for n in workers.split(",") if n),
        postgres=postgres, embedding_model=embedding_model,
    )  # fmt: skip
    if quick:
        bounds = dataclasses.replace(bounds, learners=4, seconds=1.0, rate=10.0,
                                     rate_seconds=2.0, workers=(1,))  # fmt: skip

    def step(message: str) -> None:
        click.echo(f"[bench web] {message}", err=True)

    result = web.run(bounds=bounds, progress=step)
    if as_json:
        click.echo(json.dumps(result))
        return
    for line in web.table(result):
        click.echo(line)


@bench.command("scale")
@click.option("--learners", default=100_000, show_default=True, help="Generated learners.")
@click.option(
    "--small",
    default=1_000,
    show_default=True,
    help="Generated learners of the database compared against (0: none).",
)
@click.option(
    "--evidence", "each", default=100, show_default=True, help="Evidence records per learner."
)
@click.option(
    "--history",
    "history_evidence",
    default=5_000,
    show_default=True,
    help="Evidence records of the long-history learner whose dashboard is timed.",
)
@click.option("--runs", default=200, show_default=True, help="Dashboards and explanations timed.")
@click.option("--submissions", default=2_000, show_default=True, help="Answers timed.")
@click.option(
    "--server",
    default="postgresql+psycopg://127.0.0.1:5432/postgres",
    show_default=True,
    help="A database on the PostgreSQL server; scratch databases are made beside it.",
)
@click.option(
    "--prefix",
    default="bench_scale",
    show_default=True,
    help="Scratch database names: PREFIX_small and PREFIX_large (dropped at the end).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object last.")
def bench_scale(  # noqa: PLR0917 - click passes options by position
    learners: int,
    small: int,
    each: int,
    history_evidence: int,
    runs: int,
    submissions: int,
    server: str,
    prefix: str,
    as_json: bool,
) -> None:
    """PostgreSQL with many learners against a small database: dashboard and explanation p95,
    answer p99, kt fit time and memory, database size."""
    from masterpath.benchmarks import scale

    def step(message: str) -> None:
        click.echo(f"[bench scale] {message}", err=True)

    try:
        result = scale.run(
            learners=learners, small=small, each=each, history_evidence=history_evidence,
            runs=runs, submissions=submissions, server=server, prefix=prefix, progress=step,
        )  # fmt: skip
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result))
        return
    _print_scale(result)


def _print_scale(result: dict[str, Any]) -> None:
    for label, size in result["sizes"].items():
        click.echo(
            f"{label}: {size['learners']:,} learners, {size['rows']['evidence']:,} evidence rows "
            f"generated in {size['generate_s']} s; database {size['size_mb']['database']:,} MB"
        )
        for name in ("dashboard", "explanation", "submit"):
            row = size[name]
            click.echo(
                f"  {name:12} p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms  "
                f"p99 {row['p99_ms']} ms  over {row['count']:,}"
            )
        fit = size["kt_fit"]
        click.echo(f"  kt fit       {fit['wall_s']} s, peak RSS {fit['peak_rss_mb']} MB")
    for name, row in result.get("ratios", {}).items():
        click.echo(f"ratio {name:12} p50 {row['p50_ms']}  p95 {row['p95_ms']}  p99 {row['p99_ms']}")


@main.group()
def fsrs() -> None:
    """Flashcard scheduling."""


@fsrs.command("optimize")
@click.option("--learner", "learner", type=int, default=None, help="Learner id (default: all).")
@friendly
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

"""`masterpath content`: validate, count, export and load content packs."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from masterpath.benchmarks import datasets
from masterpath.cli_interop import export_bank
from masterpath.commands import open_context, prepared_context, warm
from masterpath.errors import InvalidInput
from masterpath.services import database, item_reports, item_stats, packs


@click.group()
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
    document = json.dumps(packs.export(prepared_context()), indent=2, ensure_ascii=False) + "\n"
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
    ctx = open_context()
    database.upgrade(ctx)
    for done in packs.install(ctx, list(paths)):
        state = "loaded" if done.changed else "unchanged"
        counts = ", ".join(f"{n} {k}" for k, n in done.counts.items())
        click.echo(f"pack {done.pack_id} {done.version}: {state} ({counts})")
    warm(ctx)


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
    found = item_stats.item_stats(prepared_context(), min_answers=min_answers)
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
        prepared_context(), admin_id=None, item_id=item_id, reason=reason, before=when
    )
    click.echo(
        f"voided {done.voided} answers to {done.item_id} from {done.learners} learners; "
        f"{len(done.reopened)} masteries reopened"
    )

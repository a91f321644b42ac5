"""Evidence as xAPI statements: an export, and a push to a Learning Record Store through an
outbox. Answers never wait on the LRS: evidence is committed first; a drainer queues and sends
its statements later, with exponential backoff while the LRS is down or failing."""

from __future__ import annotations

import base64
import json
import os
import socket
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from masterpath.content.schema import Career
from masterpath.domain import backoff, xapi
from masterpath.errors import ConfigurationError
from masterpath.services import Context
from masterpath.store import Tx
from masterpath.store import content as content_store
from masterpath.store import outbox as store
from masterpath.store.models import Evidence

NAMESPACE_KEY = "xapi_namespace"
BATCH = 100
CONFLICT = "the LRS answered 409"


@dataclass(frozen=True)
class PushReport:
    queued: int = 0
    sent: int = 0
    voided: int = 0  # evidence records whose statements were voided (a deleted learner's)
    failed: int = 0
    busy: bool = False  # another drainer held the lease: this one did nothing
    error: str = ""


def namespace(ctx: Context, tx: Tx) -> uuid.UUID:
    configured = ctx.settings.xapi_namespace
    return uuid.UUID(configured) if configured else store.install_uuid(tx, NAMESPACE_KEY)


def _careers_of(tx: Tx) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for row in content_store.careers(tx):
        for skill_id in Career.model_validate(row.data).skill_ids:
            found.setdefault(skill_id, []).append(row.slug)
    return {skill: tuple(slugs) for skill, slugs in found.items()}


def _facts(tx: Tx, rows: list[Evidence]) -> list[xapi.Facts]:
    skills = content_store.skill_models(tx, sorted({row.skill_id for row in rows}))
    careers = tx.memo.get("xapi_careers") or tx.memo.setdefault("xapi_careers", _careers_of(tx))
    mastered = store.mastered_at(tx, {(row.user_id, row.skill_id) for row in rows})
    facts = []
    for row in rows:
        skill = skills.get(row.skill_id)
        task = skill.task if skill is not None else None
        facts.append(
            xapi.Facts(
                evidence_id=row.id,
                user_id=row.user_id,
                skill_id=row.skill_id,
                skill_title=skill.title if skill is not None else row.skill_id,
                source_kind=row.source_kind,
                source_id=row.source_id,
                mode=row.mode,
                score=row.score,
                grader=row.grader,
                hints_used=row.hints_used,
                seconds=row.seconds,
                answered_at=row.answered_at,
                pack_version=row.pack_version,
                check_id=row.check_id,
                career_slugs=careers.get(row.skill_id, ()),
                pass_mark=task.pass_mark if task is not None else None,
                mastered=row.grader != "self"
                and mastered.get((row.user_id, row.skill_id)) == row.recorded_at,
            )
        )
    return facts


def statements_of(ctx: Context, tx: Tx, rows: list[Evidence]) -> list[dict[str, Any]]:
    home, space = ctx.settings.public_url, namespace(ctx, tx)
    found: list[dict[str, Any]] = []
    for facts in _facts(tx, rows):
        found += xapi.statements(facts, home_page=home, namespace=space)
    return found


def export(ctx: Context, out: IO[str]) -> int:
    """Every evidence record's statements (a deleted learner's left out), one JSON object a
    line; the number written."""
    written, after = 0, 0
    while True:
        with ctx.db.begin() as tx:
            rows = store.evidence_after(tx, after=after, limit=1000, kept_only=True)
            found = statements_of(ctx, tx, rows)
        for statement in found:
            out.write(json.dumps(statement, sort_keys=True) + "\n")
        written += len(found)
        if len(rows) < 1000:
            return written
        after = rows[-1].id


def push(ctx: Context, *, batch: int = BATCH) -> PushReport:
    """One drain pass: queue new evidence (and the voiding of a deleted learner's statements),
    send what is due, stop at the first failure. Only one drainer runs at a time across every
    worker and host (the outbox lease)."""
    if not ctx.settings.lrs_endpoint:
        raise ConfigurationError("no LRS configured: set MASTERPATH_LRS_ENDPOINT to push")
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    with store.lease(ctx.db, name="xapi", holder=holder, now=ctx.clock.now()) as lease:
        if lease is None:
            return PushReport(busy=True)
        with ctx.db.begin() as tx:
            queued = store.enqueue_evidence(tx, now=ctx.clock.now(), limit=100_000)
            store.enqueue_voids(tx, now=ctx.clock.now())
        sent, failed, error = _drain(ctx, lease, _batches(ctx, batch), STATEMENTS)
        if error:
            return PushReport(queued=queued, sent=sent, failed=failed, error=error)
        voided, failed, error = _drain(ctx, lease, _void_batches(ctx, batch), VOIDS)
        return PushReport(queued=queued, sent=sent, voided=voided, failed=failed, error=error)


Marks = tuple[Callable[..., None], Callable[[Tx, list[int]], int]]
Groups = Iterator[dict[int, list[dict[str, Any]]]]
STATEMENTS: Marks = (store.mark_statements, store.statement_attempts)
VOIDS: Marks = (store.mark_voids, store.void_attempts)


def _drain(ctx: Context, lease: store.Lease, groups: Groups, marks: Marks) -> tuple[int, int, str]:
    """Deliver each group; (records delivered, records left to retry, what went wrong)."""
    mark, attempts_of = marks
    sent = 0
    for group in groups:
        if not lease.renew(ctx.clock.now()):  # held too long: another drainer may have it
            return sent, 0, "the outbox lease expired"
        stored, error = _deliver(ctx, group)
        now = ctx.clock.now()
        left = [i for i in group if i not in stored]
        with ctx.db.begin() as tx:
            mark(tx, stored, sent_at=now, retry_at=None, error="")
            sent += len(stored)
            if not error:
                continue
            attempts = attempts_of(tx, left)
            retry = backoff.retry_at(attempts=attempts + 1, now=now)
            mark(tx, left, sent_at=None, retry_at=retry, error=error)
        return sent, len(left), error
    return sent, 0, ""


def _void_batches(ctx: Context, size: int) -> Iterator[dict[int, list[dict[str, Any]]]]:
    """Due voids: per evidence id, the statements voiding each statement it sent."""
    seen: set[int] = set()
    while True:
        with ctx.db.begin() as tx:
            due = store.due_voids(tx, now=ctx.clock.now(), limit=size)
            due = [(i, at) for i, at in due if i not in seen]
            if not due:
                return
            when = dict(due)
            rows = store.evidence_rows(tx, list(when))
            home, space = ctx.settings.public_url, namespace(ctx, tx)
            group = {
                facts.evidence_id: [
                    xapi.voiding(
                        s["id"], home_page=home, namespace=space, at=when[facts.evidence_id]
                    )
                    for s in xapi.statements(facts, home_page=home, namespace=space)
                ]
                for facts in _facts(tx, rows)
            }
        seen.update(when)
        yield group


def _batches(ctx: Context, size: int) -> Iterator[dict[int, list[dict[str, Any]]]]:
    """Due evidence ids with their statements, `size` records at a time, oldest first."""
    seen: set[int] = set()
    while True:
        with ctx.db.begin() as tx:
            due = store.due_statements(tx, now=ctx.clock.now(), limit=size)
            ids = [i for i in due if i not in seen]
            if not ids:
                return
            rows = store.evidence_rows(tx, ids)
            home, space = ctx.settings.public_url, namespace(ctx, tx)
            group = {
                facts.evidence_id: xapi.statements(facts, home_page=home, namespace=space)
                for facts in _facts(tx, rows)
            }
        seen.update(ids)
        yield group


def _deliver(ctx: Context, group: dict[int, list[dict[str, Any]]]) -> tuple[list[int], str]:
    """Send a batch: the evidence ids the LRS now holds, and what went wrong with the rest.

    An LRS answers 409 to a batch when it already holds a statement with one of its ids but
    different content (a skill renamed since it was sent, say) and stores none of the batch:
    then each record goes alone, and a 409 for one record means the LRS has it already."""
    error = _post(ctx, [s for found in group.values() for s in found])
    if not error:
        return list(group), ""
    if not error.startswith(CONFLICT):
        return [], error
    stored: list[int] = []
    for evidence_id, found in group.items():
        alone = _post(ctx, found)
        if alone and not alone.startswith(CONFLICT):
            return stored, alone
        stored.append(evidence_id)
    return stored, ""


def _post(ctx: Context, statements: list[dict[str, Any]]) -> str:
    """POST a batch to the LRS; an empty string when it stored them, else what went wrong.
    Statement ids are fixed, so a batch the LRS stored before a lost reply is stored once."""
    settings = ctx.settings
    url = settings.lrs_endpoint.rstrip("/") + "/statements"
    request = urllib.request.Request(
        url,
        data=json.dumps(statements).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "X-Experience-API-Version": "1.0.3"},
    )
    if settings.lrs_key:
        pair = f"{settings.lrs_key}:{settings.lrs_secret}".encode()
        request.add_header("Authorization", "Basic " + base64.b64encode(pair).decode())
    try:
        with urllib.request.urlopen(request, timeout=settings.lrs_timeout_seconds) as reply:
            reply.read()
            return ""
    except urllib.error.HTTPError as exc:
        body = exc.read(300).decode(errors="replace")
        return f"the LRS answered {exc.code}: {body}"
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"the LRS at {url} did not answer: {reason}"


def counts(ctx: Context) -> dict[str, int]:
    with ctx.db.begin() as tx:
        return store.statement_counts(tx)

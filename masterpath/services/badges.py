"""Open Badges: a learner's badges, the signed credential, its public page, offline verification.

Awards are recorded when mastery is reached (`services/awards.py`); the credential is built and
signed by this install's issuer key the first time it is asked for, then kept, so every
download is the same bytes. The issuer key is an Ed25519 seed generated once in the data folder
(mode 0600); the issuer is its `did:key`, so anyone can verify a badge from the file alone.
Signing needs the `badges` extra (pyld, cryptography, base58).
"""

from __future__ import annotations

import json
import os
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from masterpath.domain import mastery as rules
from masterpath.domain import status_list
from masterpath.errors import ConfigurationError, InvalidInput, NotFound, Unavailable
from masterpath.services import Context, awards
from masterpath.services.mastery_state import standing
from masterpath.settings import BADGE_KEY_FILE, PREFIX, Settings
from masterpath.store import Tx
from masterpath.store import badges as store
from masterpath.store import content as content_store
from masterpath.store import mastery as mastery_store
from masterpath.store.models import Badge, User

STATUS_PATH = "/badges/status/revocation"  # the install's one revocation list


def status_url(base: str) -> str:
    return base.rstrip("/") + STATUS_PATH


@dataclass(frozen=True)
class BadgeView:
    id: int
    public_id: str
    kind: str
    subject_id: str
    title: str
    awarded_at: datetime


@dataclass(frozen=True)
class PublicBadge:
    """What the public page shows: the credential's own statements, nothing else."""

    title: str
    kind: str
    issuer: str
    awarded_at: str
    criteria: str
    evidence: list[dict[str, Any]]
    credential: str  # the signed JSON
    verified: bool
    reason: str


def _modules() -> tuple[ModuleType, ModuleType, ModuleType]:
    try:
        from masterpath.domain import badges, signing  # the optional extra
        from masterpath.services import contexts
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise Unavailable(
            f"Open Badges need the `badges` extra: pip install 'masterpath[badges]' ({exc.name})"
        ) from exc
    return badges, signing, contexts


def issuer_seed(settings: Settings) -> bytes:
    """This install's Ed25519 seed: made once in the data folder, readable by its owner only."""
    path = settings.data_dir / BADGE_KEY_FILE
    try:
        if not path.exists():
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_bytes(32).hex() + "\n")
        seed = bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError) as exc:
        raise ConfigurationError(
            f"invalid configuration: {PREFIX}DATA_DIR: cannot keep the badge issuer key in "
            f"{path}: {getattr(exc, 'strerror', None) or exc}"
        ) from exc
    if len(seed) != 32:
        raise ConfigurationError(f"the badge issuer key in {path} is not a 32-byte Ed25519 seed")
    return seed


def issuer_did(settings: Settings) -> str:
    _, signing, _ = _modules()
    did: str = signing.did_key(signing.public_key(issuer_seed(settings)))
    return did


def _title(tx: Tx, row: Badge) -> str:
    if row.kind == "career":
        career = content_store.career(tx, row.subject_id)
        return career.title if career else row.subject_id
    skills = content_store.skills(tx, [row.subject_id])
    return skills[0].title if skills else row.subject_id


def mine(ctx: Context, *, user_id: int) -> list[BadgeView]:
    """The learner's badges, oldest first (migration 0017 awarded earlier mastery)."""
    with ctx.db.begin() as tx:
        return [
            BadgeView(r.id, r.public_id, r.kind, r.subject_id, _title(tx, r), r.awarded_at)
            for r in store.of_user(tx, user_id)
        ]


def download(ctx: Context, *, user_id: int, badge_id: int, base_url: str) -> tuple[str, str]:
    """(file name, signed credential JSON) of one of the learner's own badges."""
    with ctx.db.begin() as tx:
        row = store.own(tx, user_id=user_id, badge_id=badge_id)
        if row is None or row.revoked_at is not None:
            raise NotFound(f"no badge {badge_id}")
        text = _signed(ctx, tx, row, base_url)
        return f"{row.kind}-{row.subject_id}-badge.json", text


def public(ctx: Context, *, public_id: str, base_url: str) -> PublicBadge:
    _, signing, contexts = _modules()
    with ctx.db.begin() as tx:
        row = store.by_public_id(tx, public_id)
        if row is None or row.revoked_at is not None:  # a revoked badge's page is gone
            raise NotFound("no such badge")
        text = _signed(ctx, tx, row, base_url)
    document = json.loads(text)
    result = signing.verify(document, contexts.shipped())
    achievement = document["credentialSubject"]["achievement"]
    return PublicBadge(
        title=achievement["name"],
        kind=row.kind,
        issuer=document["issuer"]["name"],
        awarded_at=document["validFrom"],
        criteria=achievement["criteria"]["narrative"],
        evidence=document.get("evidence", []),
        credential=text,
        verified=result.ok,
        reason=result.reason,
    )


def _signed(ctx: Context, tx: Tx, row: Badge, base_url: str) -> str:
    if row.credential is not None:
        return row.credential
    badges, _, contexts = _modules()
    seed = issuer_seed(ctx.settings)
    base = (ctx.settings.base_url or base_url).rstrip("/")
    award = _award(tx, row, badges, public_url=f"{base}/badges/{row.public_id}", base=base)
    issuer = _issuer(ctx.settings, badges, seed, base)
    document = badges.issue(
        award, issuer, seed=seed, contexts=contexts.shipped(), created=ctx.clock.now()
    )
    row.credential = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return row.credential


def _issuer(settings: Settings, badges: ModuleType, seed: bytes, base: str) -> Any:
    _, signing, _ = _modules()
    did = signing.did_key(signing.public_key(seed))
    return badges.Issuer(did=did, name=settings.badge_issuer_name, url=base)


def _award(tx: Tx, row: Badge, badges: ModuleType, *, public_url: str, base: str) -> Any:
    user = tx.session.get(User, row.user_id)
    email = user.email if user is not None else ""
    if row.kind == "career":
        title, summary, criteria, evidence = _career_terms(tx, row, badges)
    else:
        title, summary, criteria, evidence = _skill_terms(tx, row, badges)
    return badges.Award(
        kind=row.kind,
        key=row.subject_id,
        title=title,
        summary=summary,
        criteria=criteria,
        evidence=tuple(evidence),
        credential_id=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, public_url)}",
        public_url=public_url,
        email=email,
        salt=secrets.token_hex(8),
        awarded_at=row.awarded_at,
        status=status_list.entry(status_url(base), row.id),
    )


def _skill_terms(tx: Tx, row: Badge, badges: ModuleType) -> tuple[str, str, str, list[Any]]:
    skill = content_store.skill_models(tx, [row.subject_id]).get(row.subject_id)
    if skill is None:
        raise NotFound(f"the skill {row.subject_id!r} of this badge is no longer installed")
    state = mastery_store.skill_states(tx, row.user_id).get(skill.id)
    criteria, progress = standing(tx, row.user_id, skill, state, now=row.awarded_at)
    narrative = badges.criteria_narrative(criteria, [o.text for o in skill.objectives])
    return skill.title, skill.summary, narrative, _skill_evidence(badges, progress, row)


def _skill_evidence(badges: ModuleType, progress: rules.Progress, row: Badge) -> list[Any]:
    found = []
    checks = [c for c in progress.checks if c.finished_at <= row.awarded_at]
    if checks:
        best = max(checks, key=lambda c: (len(c.correct_items), c.finished_at))
        found.append(
            badges.Proof(
                "Mastery check",
                f"{len(best.correct_items)} distinct questions answered correctly in one "
                f"mastery check finished {best.finished_at:%Y-%m-%d}, covering "
                f"{len(best.objectives_covered)} objectives.",
            )
        )
    if progress.task_score is not None:
        found.append(
            badges.Proof(
                "Applied task",
                f"Scored {progress.task_score:.0%} by the rubric grader or an instructor.",
            )
        )
    if progress.retention_passed_at is not None:
        found.append(
            badges.Proof("Retention check", f"Passed on {progress.retention_passed_at:%Y-%m-%d}.")
        )
    found.append(badges.Proof("Mastery", f"All criteria met on {row.awarded_at:%Y-%m-%d}."))
    return found


def _career_terms(tx: Tx, row: Badge, badges: ModuleType) -> tuple[str, str, str, list[Any]]:
    career = content_store.career(tx, row.subject_id)
    if career is None:
        raise NotFound(f"the career {row.subject_id!r} of this badge is no longer installed")
    ids = awards.career_skills(career.data)
    titles = {s.id: s.title for s in content_store.skills(tx, ids)}
    states = mastery_store.skill_states(tx, row.user_id)
    evidence = [
        badges.Proof(titles.get(s, s), f"Mastered on {states[s].mastered_at:%Y-%m-%d}.")
        for s in ids
        if s in states and states[s].mastered_at is not None
    ]
    summary = str(career.data.get("summary", ""))
    return career.title, summary, badges.career_narrative([titles.get(s, s) for s in ids]), evidence


@dataclass(frozen=True)
class FileVerdict:
    ok: bool
    line: str


def verify_file(
    path: Path, *, trusted_issuer: str = "", require_issuer: bool = True
) -> FileVerdict:
    """Offline verification of a badge file: the proof, and that the signing key is the
    issuer's did:key (unless not `require_issuer`); with `trusted_issuer`, also that this
    issuer signed it (e.g. this install's did:key)."""
    _, signing, contexts = _modules()
    try:
        document = json.loads(path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{path}: not a JSON file: {exc}") from exc
    if not isinstance(document, dict):
        raise InvalidInput(f"{path}: not a credential (a JSON object)")
    result = signing.verify(document, contexts.shipped(), require_issuer=require_issuer)
    if not result.ok:
        return FileVerdict(False, f"INVALID: {path}: {result.reason}")
    if trusted_issuer and result.issuer != trusted_issuer:
        return FileVerdict(
            False, f"INVALID: {path}: issued by {result.issuer}, not by this install"
        )
    name = document.get("name", "")
    return FileVerdict(True, f"VALID: {path}: {name} — {result.reason}")

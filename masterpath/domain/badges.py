"""Open Badges 3.0 credentials: what a badge for a mastered skill or career path says.

A badge is a W3C Verifiable Credential 2.0 of type OpenBadgeCredential. Its achievement's
criteria are written from the skill's mastery criteria (the same rules that granted mastery);
its evidence is the record that met them. The learner is named by a salted SHA-256 of their
email (an OB 3.0 IdentityObject), never by name or address, so the public page of a badge shows
nothing else about them. Signing is `domain/signing.py`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from masterpath.domain import signing
from masterpath.domain.mastery import Criteria

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
Kind = Literal["skill", "career"]


@dataclass(frozen=True)
class Issuer:
    did: str  # did:key of the install's issuer key
    name: str
    url: str = ""  # the install's public URL, when configured


@dataclass(frozen=True)
class Proof:
    """One piece of evidence that met a criterion, as the badge states it."""

    name: str
    narrative: str


@dataclass(frozen=True)
class Award:
    kind: Kind
    key: str  # skill id or career slug
    title: str
    summary: str
    criteria: str  # Markdown narrative (criteria_narrative / career_narrative)
    evidence: tuple[Proof, ...]
    credential_id: str  # urn:uuid:…
    public_url: str  # where the badge's public page is (its evidence anchors there)
    email: str
    salt: str
    awarded_at: datetime
    status: dict[str, Any] | None = None  # credentialStatus: its entry in the revocation list


def criteria_narrative(criteria: Criteria, objectives: Sequence[str]) -> str:
    """The skill's mastery criteria in words, as `domain/mastery.checklist` applies them."""
    lines = [
        f"- The knowledge-tracing model puts the chance of answering an unseen question of this "
        f"skill correctly at {criteria.threshold:.0%} or more.",
        f"- In one mastery check (no hints, no mentor), at least {criteria.required_correct} "
        "distinct questions answered correctly, covering every objective:",
        *(f"  - {text}" for text in objectives),
    ]
    if criteria.task_pass_mark is not None:
        lines.append(
            f"- The applied task scored at least {criteria.task_pass_mark:.0%} by the rubric "
            "grader or an instructor."
        )
    lines.append(
        f"- A retention check passed at least {criteria.retention_days} days after first "
        "meeting the criteria above."
    )
    lines.append("- Only graded evidence counts: self-ratings never satisfy a criterion.")
    return "\n".join(lines)


def career_narrative(skills: Sequence[str]) -> str:
    return "\n".join(
        [
            "Every skill of this career path mastered, each against its own written criteria:",
            *(f"- {title}" for title in skills),
        ]
    )


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 `identityHash`: `sha256$` + hex SHA-256 of the normalised email and the salt."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()
    return f"sha256${digest}"


def achievement_id(issuer: Issuer, kind: Kind, key: str) -> str:
    return f"urn:masterpath:{issuer.did.removeprefix('did:key:')}:{kind}:{key}"


def _achievement(award: Award, issuer: Issuer) -> dict[str, Any]:
    return {
        "id": achievement_id(issuer, award.kind, award.key),
        "type": ["Achievement"],
        "achievementType": "Competency" if award.kind == "skill" else "Certificate",
        "name": award.title,
        "description": award.summary or award.title,
        "criteria": {"narrative": award.criteria},
        "creator": _profile(issuer),
    }


def _profile(issuer: Issuer) -> dict[str, Any]:
    profile: dict[str, Any] = {"id": issuer.did, "type": ["Profile"], "name": issuer.name}
    if issuer.url:
        profile["url"] = issuer.url
    return profile


def credential(award: Award, issuer: Issuer) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential."""
    noun = "skill" if award.kind == "skill" else "career path"
    status = {"credentialStatus": award.status} if award.status is not None else {}
    return {
        "@context": [VC_V2, OB_V3],
        "id": award.credential_id,
        "type": TYPES,
        "name": f"{award.title} — mastered",
        "description": f"Mastery of the {noun} “{award.title}” on {issuer.name}.",
        "issuer": _profile(issuer),
        "validFrom": signing.timestamp(award.awarded_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash(award.email, award.salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": award.salt,
                }
            ],
            "achievement": _achievement(award, issuer),
        },
        "evidence": [
            {
                "id": f"{award.public_url}#evidence-{n}",
                "type": ["Evidence"],
                "name": proof.name,
                "narrative": proof.narrative,
            }
            for n, proof in enumerate(award.evidence, start=1)
        ],
        **status,
    }


def issue(
    award: Award,
    issuer: Issuer,
    *,
    seed: bytes,
    contexts: signing.Contexts,
    created: datetime | None = None,
) -> dict[str, Any]:
    """The signed credential. The proof's `created` is when it is signed (default: the award's
    moment); the credential's `validFrom` is always the award's."""
    return signing.sign(
        credential(award, issuer),
        seed=seed,
        created=created or award.awarded_at,
        contexts=contexts,
    )


def recipient_matches(document: dict[str, Any], email: str) -> bool:
    """Whether the badge names this email (what a verifier told the address can check)."""
    subject = document.get("credentialSubject", {})
    return any(
        isinstance(item, dict)
        and item.get("identityHash") == identity_hash(email, str(item.get("salt", "")))
        for item in subject.get("identifier", [])
    )

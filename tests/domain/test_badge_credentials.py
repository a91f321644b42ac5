"""Open Badges 3.0 credentials: their shape, their signature, and that any change breaks it."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from masterpath.domain import badges, signing
from masterpath.domain.mastery import Criteria
from masterpath.errors import InvalidInput
from masterpath.services.contexts import shipped

CONTEXTS = shipped()
SEED = bytes(range(32))
ISSUER = badges.Issuer(
    did=signing.did_key(signing.public_key(SEED)), name="MasterPath", url="https://mp.example"
)
CRITERIA = Criteria(
    threshold=0.95,
    required_correct=4,
    objectives=("o1", "o2"),
    task_pass_mark=0.7,
    retention_days=2,
)


def award(**changes: Any) -> badges.Award:
    values: dict[str, Any] = {
        "kind": "skill",
        "key": "docker-containers",
        "title": "Docker containers",
        "summary": "Build images and run containers.",
        "criteria": badges.criteria_narrative(CRITERIA, ["Explain layers", "Run a container"]),
        "evidence": (badges.Proof("Mastery check", "5 of 5 correct"),),
        "credential_id": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "public_url": "https://mp.example/badges/abc",
        "email": "Ada@Example.org",
        "salt": "pepper",
        "awarded_at": datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
    }
    return badges.Award(**{**values, **changes})


def signed() -> dict[str, Any]:
    return badges.issue(award(), ISSUER, seed=SEED, contexts=CONTEXTS)


def test_credential_is_an_open_badge_vc_2() -> None:
    found = badges.credential(award(), ISSUER)
    assert found["@context"] == [badges.VC_V2, badges.OB_V3]
    assert found["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert found["issuer"]["id"] == ISSUER.did
    assert found["validFrom"] == "2026-03-01T09:30:00Z"
    achievement = found["credentialSubject"]["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert "at least 4 distinct questions" in achievement["criteria"]["narrative"]
    assert "at least 70%" in achievement["criteria"]["narrative"]
    assert "- Run a container" in achievement["criteria"]["narrative"]
    assert found["evidence"][0]["id"] == "https://mp.example/badges/abc#evidence-1"


def test_criteria_without_a_task_do_not_mention_one() -> None:
    text = badges.criteria_narrative(Criteria(0.95, 4, ("o1",), None, 3), ["Explain layers"])
    assert "applied task" not in text
    assert "at least 3 days" in text


def test_recipient_is_a_salted_hash_of_the_email_only() -> None:
    found = signed()
    identity = found["credentialSubject"]["identifier"][0]
    assert identity["identityHash"] == badges.identity_hash("ada@example.org", "pepper")
    assert "Ada" not in str(found["credentialSubject"])
    assert badges.recipient_matches(found, " ada@EXAMPLE.org")
    assert not badges.recipient_matches(found, "eve@example.org")


def test_issued_badge_verifies_and_is_signed_by_the_issuer_did_key() -> None:
    found = signed()
    assert found["proof"]["verificationMethod"].startswith(ISSUER.did + "#")
    assert found["proof"]["created"] == "2026-03-01T09:30:00Z"
    result = signing.verify(found, CONTEXTS)
    assert result.ok and result.issuer == ISSUER.did


def test_issuing_twice_gives_the_same_bytes() -> None:
    assert signed() == signed()


def test_the_proof_is_dated_when_signed_and_the_badge_when_awarded() -> None:
    later = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
    found = badges.issue(award(), ISSUER, seed=SEED, contexts=CONTEXTS, created=later)
    assert found["proof"]["created"] == "2026-04-02T08:00:00Z"
    assert found["validFrom"] == "2026-03-01T09:30:00Z"
    assert signing.verify(found, CONTEXTS).ok


def leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from leaves(item, (*path, n))
    else:
        yield path


def tampered(document: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    target: Any = changed
    for step in path[:-1]:
        target = target[step]
    old = target[path[-1]]
    if isinstance(old, bool):
        target[path[-1]] = not old
    elif path[-1] == "proofValue":
        target[path[-1]] = signing.multibase(bytes(64))
    elif isinstance(old, str) and old.startswith("z6Mk"):
        target[path[-1]] = signing.public_multikey(bytes(32))
    else:
        target[path[-1]] = f"{old}x" if not str(old).endswith("Z") else "2027-01-01T00:00:00Z"
    return changed


@pytest.mark.parametrize("path", list(leaves(signed())), ids=lambda p: ".".join(map(str, p)))
def test_changing_any_field_fails_verification(path: tuple[Any, ...]) -> None:
    result = signing.verify(tampered(signed(), path), CONTEXTS)
    assert not result.ok, path


def test_an_added_field_fails_verification() -> None:
    found = signed()
    found["credentialSubject"]["grade"] = "A+"
    assert not signing.verify(found, CONTEXTS).ok


def test_a_badge_signed_by_another_key_than_the_issuers_is_refused() -> None:
    other = bytes(range(1, 33))
    forged = badges.issue(award(), ISSUER, seed=other, contexts=CONTEXTS)
    result = signing.verify(forged, CONTEXTS)
    assert not result.ok and "not by the issuer" in result.reason


def test_a_badge_without_proof_is_refused_with_a_reason() -> None:
    result = signing.verify(badges.credential(award(), ISSUER), CONTEXTS)
    assert not result.ok and result.reason == "no proof, or more than one proof"


def test_undefined_terms_are_named() -> None:
    found = signed()
    found["credentialSubject"]["grade"] = "A+"
    result = signing.verify(found, CONTEXTS)
    assert result.reason == "terms no context defines: grade"
    with pytest.raises(InvalidInput, match="terms no context defines: grade"):
        signing.sign(
            {k: v for k, v in found.items() if k != "proof"},
            seed=SEED,
            created="2026-01-01T00:00:00Z",
            contexts=CONTEXTS,
        )

"""eddsa-rdfc-2022 against the W3C vc-di-eddsa test vectors (tests/fixtures/vc-di-eddsa/README.md
names the commit they were copied from)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from masterpath.domain import signing
from masterpath.errors import InvalidInput
from masterpath.services.contexts import shipped

VECTORS = Path(__file__).parents[1] / "fixtures" / "vc-di-eddsa"
CONTEXTS = shipped()


def vector(name: str) -> Any:
    text = (VECTORS / name).read_text()
    return json.loads(text) if name.endswith(".json") else text


def seed() -> bytes:
    return signing.seed_from_multikey(vector("keyPair.json")["privateKeyMultibase"])


def test_the_published_key_pair_is_read_from_multikey() -> None:
    public = signing.public_key(seed())
    assert signing.public_multikey(public) == vector("keyPair.json")["publicKeyMultibase"]


def test_canonical_document_and_proof_config_match_the_published_nquads() -> None:
    assert signing.canonical(vector("unsigned.json"), CONTEXTS) == vector("canonDocDataInt.txt")
    config = vector("proofConfigDataInt.json")
    assert signing.canonical(config, CONTEXTS) == vector("proofCanonDataInt.txt")


def test_hash_data_matches_the_published_combined_hash() -> None:
    found = signing.hash_data(vector("unsigned.json"), vector("proofConfigDataInt.json"), CONTEXTS)
    assert found.hex() == vector("combinedHashDataInt.txt").strip()


def test_signer_reproduces_the_published_proof_value() -> None:
    signed = signing.sign(
        vector("unsigned.json"), seed=seed(), created="2023-02-24T23:36:38Z", contexts=CONTEXTS
    )
    assert signed["proof"]["proofValue"] == vector("sigBTC58DataInt.txt").strip()
    assert signed == vector("signedDataInt.json")


def test_verifier_accepts_the_published_signed_credential() -> None:
    # The vector's issuer is an https URL while its key is a did:key, so only the signature
    # is checked here; MasterPath's own badges also require the key to be the issuer's.
    found = signing.verify(vector("signedDataInt.json"), CONTEXTS, require_issuer=False)
    assert found.ok, found.reason
    refused = signing.verify(vector("signedDataInt.json"), CONTEXTS)
    assert not refused.ok and "not by the issuer" in refused.reason


def test_a_changed_name_fails_verification() -> None:
    signed = vector("signedDataInt.json")
    signed["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    found = signing.verify(signed, CONTEXTS, require_issuer=False)
    assert not found.ok and found.reason == "the signature does not match the credential"


def test_the_loader_refuses_urls_it_does_not_ship() -> None:
    document = {**vector("unsigned.json"), "@context": ["https://example.org/remote-context"]}
    refused = re.escape("refused to load https://example.org/remote-context")
    with pytest.raises(InvalidInput, match=refused):
        signing.canonical(document, CONTEXTS)


def test_shipped_vc_context_is_the_one_the_recommendation_hashes() -> None:
    from masterpath.services import contexts

    name, digest = contexts.FILES[contexts.VC_V2]
    data = (Path(contexts.__file__).parent / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == digest

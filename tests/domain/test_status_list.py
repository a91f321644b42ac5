"""Bitstring Status List: the bits set are the ones read back, in the spec's order; the list
credential signs and verifies; a voiding statement points at the statement it voids."""

from __future__ import annotations

import base64
import gzip
import uuid
from datetime import UTC, datetime

import pytest

from masterpath.domain import status_list, xapi

AT = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)


def test_set_bits_read_back_and_index_0_is_the_first_bytes_top_bit() -> None:
    encoded = status_list.encode([0, 9, 131_071], size=status_list.MIN_BITS)
    assert encoded.startswith("u") and "=" not in encoded
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) == 16_384 and bits[0] == 0x80 and bits[1] == 0x40 and bits[-1] == 0x01
    assert [status_list.is_set(encoded, i) for i in (0, 1, 9, 10, 131_071)] == [
        True,
        False,
        True,
        False,
        True,
    ]
    with pytest.raises(ValueError, match="outside the list"):
        status_list.is_set(encoded, 131_072)
    with pytest.raises(ValueError, match="multibase"):
        status_list.is_set(encoded[1:], 0)


def test_lists_grow_by_the_minimum_size() -> None:
    assert status_list.size_for(0) == 131_072
    assert status_list.size_for(131_071) == 131_072
    assert status_list.size_for(131_072) == 262_144


def test_an_entry_is_found_in_a_credential() -> None:
    entry = status_list.entry("https://learn.example.org/badges/status/revocation", 7)
    assert entry["statusListIndex"] == "7" and entry["statusPurpose"] == "revocation"
    assert status_list.entry_of({"credentialStatus": entry}) == (entry["statusListCredential"], 7)
    assert status_list.entry_of({"credentialStatus": [entry]}) == (entry["statusListCredential"], 7)
    assert status_list.entry_of({}) is None
    assert status_list.entry_of({"credentialStatus": {**entry, "statusPurpose": "x"}}) is None


def test_the_list_credential_signs_and_verifies() -> None:
    pytest.importorskip("pyld")
    from masterpath.domain import signing
    from masterpath.services.contexts import shipped

    seed = bytes(range(32))
    did = signing.did_key(signing.public_key(seed))
    unsigned = status_list.credential(
        "https://learn.example.org/badges/status/revocation",
        issuer=did,
        encoded=status_list.encode([3], size=status_list.MIN_BITS),
        valid_from=AT,
    )
    signed = signing.sign(unsigned, seed=seed, created=AT, contexts=shipped())
    result = signing.verify(signed, shipped())
    assert result.ok and result.issuer == did


def test_a_voiding_statement_refers_to_the_voided_one() -> None:
    space = uuid.UUID("0b9a8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d")
    target = xapi.statement_id(space, 12)
    found = xapi.voiding(target, home_page="https://learn.example.org", namespace=space, at=AT)
    assert found["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided"
    assert found["object"] == {"objectType": "StatementRef", "id": target}
    assert found["timestamp"] == "2026-12-06T09:30:00.000Z"
    again = xapi.voiding(target, home_page="https://learn.example.org", namespace=space, at=AT)
    assert again == found and found["id"] != target

"""W3C Bitstring Status List v1.0: which badges are revoked, published as one credential.

A badge's `credentialStatus` names the list and its index in it (the badge's row id); the list is
a bitstring, GZIP-compressed and multibase base64url-encoded, whose bit at that index is 1 once
the badge is revoked. Index 0 is the most significant bit of the first byte (the spec's order).
Lists are at least 131,072 bits (16 KiB), the spec's minimum, so one bit says little about whom.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

MIN_BITS = 131_072
PURPOSE = "revocation"
ENTRY = "BitstringStatusListEntry"


def size_for(highest: int) -> int:
    """The smallest multiple of MIN_BITS that holds index `highest`."""
    return (highest // MIN_BITS + 1) * MIN_BITS


def encode(indexes: Iterable[int], *, size: int) -> str:
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def is_set(encoded: str, index: int) -> bool:
    """The bit at `index`. Raises ValueError for a list that cannot be read or is too short."""
    if not encoded.startswith("u"):
        raise ValueError("the encoded list is not multibase base64url (it must start with 'u')")
    body = encoded[1:]
    try:
        bits = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"the encoded list cannot be read: {exc}") from exc
    if not 0 <= index < len(bits) * 8:
        raise ValueError(f"index {index} is outside the list ({len(bits) * 8} bits)")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def entry(list_url: str, index: int) -> dict[str, Any]:
    """A credential's `credentialStatus`: bit `index` of the list at `list_url`."""
    return {
        "id": f"{list_url}#{index}",
        "type": ENTRY,
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def credential(list_url: str, *, issuer: str, encoded: str, valid_from: datetime) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encoded,
        },
    }


def entry_of(document: dict[str, Any]) -> tuple[str, int] | None:
    """(list URL, index) of a credential's revocation entry; None when it has none."""
    found = document.get("credentialStatus")
    for item in found if isinstance(found, list) else [found]:
        if isinstance(item, dict) and item.get("type") == ENTRY:
            if item.get("statusPurpose") != PURPOSE:
                continue
            try:
                return str(item["statusListCredential"]), int(item["statusListIndex"])
            except (KeyError, TypeError, ValueError):
                return None
    return None

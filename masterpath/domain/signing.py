"""W3C Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (vc-di-eddsa §3.3).

The document and the proof configuration are canonicalised with RDF Dataset Canonicalization
(URDNA2015, the algorithm RDFC-1.0 standardised) by `pyld`; the signing input is
SHA-256(canonical proof configuration) followed by SHA-256(canonical document); the Ed25519
signature over it is the proof's `proofValue`, multibase base58btc (a leading `z`).

JSON-LD contexts are passed in as data and served by a loader that refuses any other URL, so
canonicalising never reaches the network. Keys are 32-byte Ed25519 seeds and public keys; the
verification method is a `did:key`, so a verifier needs nothing but the credential.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pyld import jsonld

from masterpath.errors import InvalidInput

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
ED25519_PUBLIC = b"\xed\x01"  # multicodec ed25519-pub, varint-encoded
ED25519_PRIVATE = b"\x80\x26"  # multicodec ed25519-priv
Contexts = Mapping[str, Any]
Loader = Callable[[str, Any], dict[str, Any]]


@dataclass(frozen=True)
class Verification:
    ok: bool
    reason: str  # why it failed, or what was verified
    issuer: str = ""


def multibase(data: bytes) -> str:
    return "z" + base58.b58encode(data).decode("ascii")


def unmultibase(text: str) -> bytes:
    if not text.startswith("z"):
        raise InvalidInput(f"not a multibase base58btc value (no leading 'z'): {text[:20]!r}")
    try:
        return base58.b58decode(text[1:])
    except ValueError as exc:
        raise InvalidInput(f"not base58btc: {text[:20]!r}") from exc


def public_key(seed: bytes) -> bytes:
    """The 32-byte Ed25519 public key of a 32-byte seed."""
    key = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_multikey(public: bytes) -> str:
    return multibase(ED25519_PUBLIC + public)


def _multikey(text: str, prefix: bytes, what: str) -> bytes:
    raw = unmultibase(text)
    if not raw.startswith(prefix) or len(raw) != 34:
        raise InvalidInput(f"not an Ed25519 {what} key in Multikey form: {text[:20]!r}")
    return raw[2:]


def public_from_multikey(text: str) -> bytes:
    return _multikey(text, ED25519_PUBLIC, "public")


def seed_from_multikey(text: str) -> bytes:
    return _multikey(text, ED25519_PRIVATE, "private")


def did_key(public: bytes) -> str:
    return "did:key:" + public_multikey(public)


def verification_method(public: bytes) -> str:
    """`did:key:z6Mk…#z6Mk…`: the key is its own identifier (the did:key method)."""
    return f"{did_key(public)}#{public_multikey(public)}"


def loader(contexts: Contexts) -> Loader:
    """A pyld document loader serving only these contexts; any other URL is an error."""

    def load(url: str, _options: Any = None) -> dict[str, Any]:
        if url not in contexts:
            raise jsonld.JsonLdError(
                f"refused to load {url}: only the shipped contexts are used",
                "jsonld.LoadDocumentError",
                {"url": url},
                code="loading document failed",
            )
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": copy.deepcopy(contexts[url]),
        }

    return load


def canonical(document: Mapping[str, Any], contexts: Contexts) -> str:
    """The N-Quads of the RDFC-1.0 (URDNA2015) canonical form of a JSON-LD document."""
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": loader(contexts),
    }
    try:
        result: str = jsonld.normalize(copy.deepcopy(dict(document)), options)
    except jsonld.JsonLdError as exc:
        raise InvalidInput(f"cannot canonicalise the JSON-LD: {_root(exc)}") from exc
    return result


UNDEFINED = "urn:masterpath:undefined-term#"


def undefined_terms(document: Mapping[str, Any], contexts: Contexts) -> list[str]:
    """Properties and types no context defines: JSON-LD would drop them silently, so a proof
    would not cover them. Found by expanding with a catch-all `@vocab` put before the
    document's contexts, so a context's own `@vocab` still wins (the "safe mode" Data
    Integrity asks for)."""
    contexts_of = document.get("@context", [])
    listed = contexts_of if isinstance(contexts_of, list) else [contexts_of]
    probe = {**dict(document), "@context": [{"@vocab": UNDEFINED}, *listed]}
    options = {"documentLoader": loader(contexts)}
    try:
        expanded = jsonld.expand(copy.deepcopy(probe), options)
    except jsonld.JsonLdError as exc:
        raise InvalidInput(f"cannot expand the JSON-LD: {_root(exc)}") from exc
    return sorted(set(_undefined(expanded)))


def _undefined(value: Any) -> list[str]:
    found: list[str] = []
    if isinstance(value, list):
        for item in value:
            found += _undefined(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key.startswith(UNDEFINED):
                found.append(key.removeprefix(UNDEFINED))
            if key == "@type":
                types = item if isinstance(item, list) else [item]
                found += [
                    str(t).removeprefix(UNDEFINED) for t in types if str(t).startswith(UNDEFINED)
                ]
            found += _undefined(item)
    return found


def _refuse_undefined(document: Mapping[str, Any], contexts: Contexts) -> None:
    terms = undefined_terms(document, contexts)
    if terms:
        raise InvalidInput(f"terms no context defines: {', '.join(terms)}")


def _root(exc: BaseException) -> str:
    """pyld wraps the error that stopped it; the innermost one says what was wrong."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    message = exc.args[0] if exc.args else ""
    return str(message).strip().splitlines()[0] if str(message).strip() else type(exc).__name__


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def proof_config(
    document: Mapping[str, Any], *, method: str, created: datetime | str
) -> dict[str, Any]:
    return {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created if isinstance(created, str) else timestamp(created),
        "verificationMethod": method,
        "proofPurpose": "assertionMethod",
        "@context": document["@context"],
    }


def hash_data(document: Mapping[str, Any], config: Mapping[str, Any], contexts: Contexts) -> bytes:
    """SHA-256 of the canonical proof configuration, then of the canonical document."""
    config_hash = hashlib.sha256(canonical(config, contexts).encode()).digest()
    document_hash = hashlib.sha256(canonical(document, contexts).encode()).digest()
    return config_hash + document_hash


def sign(
    document: Mapping[str, Any], *, seed: bytes, created: datetime | str, contexts: Contexts
) -> dict[str, Any]:
    """The document with a `proof` added; the input is not changed."""
    if "proof" in document:
        raise InvalidInput("the document already has a proof")
    _refuse_undefined(document, contexts)
    config = proof_config(document, method=verification_method(public_key(seed)), created=created)
    signature = Ed25519PrivateKey.from_private_bytes(seed).sign(
        hash_data(document, config, contexts)
    )
    proof = {k: v for k, v in config.items() if k != "@context"}
    return {**copy.deepcopy(dict(document)), "proof": {**proof, "proofValue": multibase(signature)}}


def issuer_of(document: Mapping[str, Any]) -> str:
    issuer = document.get("issuer")
    found = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return found if isinstance(found, str) else ""


def _method_key(method: str) -> bytes:
    """The public key a did:key verification method names (its fragment must repeat it)."""
    did, _, fragment = method.partition("#")
    if not did.startswith("did:key:") or fragment != did.removeprefix("did:key:"):
        raise InvalidInput(f"verification method is not a did:key Ed25519 key: {method}")
    return public_from_multikey(fragment)


def _checked_proof(secured: Mapping[str, Any]) -> dict[str, Any]:
    proof = secured.get("proof")
    if not isinstance(proof, dict):
        raise InvalidInput("no proof, or more than one proof")
    wanted = {"type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE, "proofPurpose": "assertionMethod"}
    for key, value in wanted.items():
        if proof.get(key) != value:
            raise InvalidInput(f"proof {key} is {proof.get(key)!r}, not {value!r}")
    for key in ("verificationMethod", "proofValue", "created"):
        if not isinstance(proof.get(key), str):
            raise InvalidInput(f"proof has no {key}")
    return proof


def verify(
    secured: Mapping[str, Any], contexts: Contexts, *, require_issuer: bool = True
) -> Verification:
    """Checks the proof; with `require_issuer`, the signing key must be the issuer's did:key."""
    try:
        proof = _checked_proof(secured)
        method = str(proof["verificationMethod"])
        key = _method_key(method)
        issuer = issuer_of(secured)
        if require_issuer and method.partition("#")[0] != issuer:
            return Verification(False, f"signed by {method}, not by the issuer {issuer!r}")
        document = {k: v for k, v in secured.items() if k != "proof"}
        config = {k: v for k, v in proof.items() if k != "proofValue"}
        config["@context"] = document.get("@context")
        _refuse_undefined(document, contexts)
        _refuse_undefined(config, contexts)
        data = hash_data(document, config, contexts)
        Ed25519PublicKey.from_public_bytes(key).verify(unmultibase(proof["proofValue"]), data)
    except InvalidSignature:
        return Verification(False, "the signature does not match the credential")
    except InvalidInput as exc:
        return Verification(False, exc.message)
    except (ValueError, TypeError, KeyError) as exc:
        return Verification(False, f"cannot read the credential: {_first_line(exc)}")
    if require_issuer:
        return Verification(True, f"signature valid, signed by the issuer {issuer}", issuer)
    signer = method.partition("#")[0]
    return Verification(True, f"signature valid by {signer} (not bound to issuer {issuer})", issuer)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__

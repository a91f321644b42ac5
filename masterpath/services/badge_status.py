"""Badge revocation: the install's W3C Bitstring Status List, and the verifier's check of it.

Every credential signed since migration 0020 carries a `credentialStatus` entry: bit <badge id>
of the list at `/badges/status/revocation`. Deleting an account revokes its badges, which sets
their bits. `masterpath badge verify` reads the entry: for a badge of this install it builds the
same list from this install's database; for another issuer's badge it fetches the list, checks
that list's own signature by the same issuer, and reads the bit.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from masterpath.domain import status_list
from masterpath.errors import Unavailable
from masterpath.services import Context, badges, make_context
from masterpath.settings import BADGE_KEY_FILE, Settings
from masterpath.store import Tx
from masterpath.store import own_data as store

MAX_LIST_BYTES = 4_000_000
FETCH_SECONDS = 10.0


def _encoded(tx: Tx) -> str:
    revoked = store.revoked_indexes(tx)
    highest = max([store.last_badge_id(tx), *revoked])
    return status_list.encode(revoked, size=status_list.size_for(highest))


def document(ctx: Context, *, base_url: str) -> str:
    """The signed BitstringStatusListCredential, as JSON."""
    from masterpath.domain import signing  # the `badges` extra
    from masterpath.services import contexts

    seed = badges.issuer_seed(ctx.settings)
    base = (ctx.settings.base_url or base_url).rstrip("/")
    with ctx.db.begin() as tx:
        encoded = _encoded(tx)
    now = ctx.clock.now()
    unsigned = status_list.credential(
        badges.status_url(base),
        issuer=signing.did_key(signing.public_key(seed)),
        encoded=encoded,
        valid_from=now,
    )
    signed = signing.sign(unsigned, seed=seed, created=now, contexts=contexts.shipped())
    return json.dumps(signed, indent=2) + "\n"


def verify(
    settings: Settings, path: Path, *, trusted_issuer: str = "", require_issuer: bool = True
) -> badges.FileVerdict:
    """`badges.verify_file`, then the credential's revocation entry, when it has one: REVOKED
    (not ok) when its bit is set; still VALID, saying so, when the list cannot be read."""
    found = badges.verify_file(path, trusted_issuer=trusted_issuer, require_issuer=require_issuer)
    if not found.ok:
        return found
    document = json.loads(path.read_text())
    entry = status_list.entry_of(document)
    if entry is None:
        return badges.FileVerdict(True, f"{found.line}; it has no revocation status to check")
    url, index = entry
    try:
        revoked = _revoked(settings, document, url, index)
    except (Unavailable, ValueError) as exc:
        return badges.FileVerdict(True, f"{found.line}; revocation status unknown: {exc}")
    if revoked:
        name = document.get("name", "")
        line = f"REVOKED: {path}: {name} — revoked by its issuer (status list {url}, bit {index})"
        return badges.FileVerdict(False, line)
    return badges.FileVerdict(True, f"{found.line}; not revoked (status list {url})")


def _revoked(settings: Settings, document: dict[str, Any], url: str, index: int) -> bool:
    from masterpath.domain import signing

    issuer = signing.issuer_of(document)
    if url.endswith(badges.STATUS_PATH) and _ours(settings, issuer):
        ctx = make_context(settings)
        try:
            with ctx.db.begin() as tx:
                return status_list.is_set(_encoded(tx), index)
        finally:
            ctx.db.dispose()
    return _listed(url, issuer, index)


def _ours(settings: Settings, issuer: str) -> bool:
    """Whether this install issued it (without making a key when there is none)."""
    key = settings.data_dir / BADGE_KEY_FILE
    return key.exists() and badges.issuer_did(settings) == issuer


def _listed(url: str, issuer: str, index: int) -> bool:
    from masterpath.domain import signing
    from masterpath.services import contexts

    if not url.startswith(("https://", "http://")):
        raise ValueError(f"the status list {url!r} is not an http(s) URL")
    try:
        with urllib.request.urlopen(url, timeout=FETCH_SECONDS) as reply:
            listed = json.loads(reply.read(MAX_LIST_BYTES))
    except (urllib.error.URLError, OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"the status list at {url} cannot be read: {exc}") from exc
    result = signing.verify(listed, contexts.shipped())
    if not result.ok:
        raise ValueError(f"the status list does not verify: {result.reason}")
    if result.issuer != issuer:
        raise ValueError(f"the status list is signed by {result.issuer}, not the badge's issuer")
    subject = listed.get("credentialSubject", {})
    return status_list.is_set(str(subject.get("encodedList", "")), index)

"""`masterpath badge …`: verify a badge file offline, show this install's issuer."""

from __future__ import annotations

from pathlib import Path

import click

from masterpath.services import badge_status, badges
from masterpath.settings import load_settings


@click.group("badge")
def badge() -> None:
    """Open Badges 3.0 credentials."""


@badge.command("verify")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--issuer",
    default="",
    help="Also require this issuer (a did:key); `this` means this install's issuer key.",
)
@click.option(
    "--signature-only",
    is_flag=True,
    help="Check the signature without requiring the key to be the issuer's did:key "
    "(for credentials whose issuer is an https URL, which offline cannot be resolved).",
)
def verify(path: Path, issuer: str, signature_only: bool) -> None:
    """Verify FILE's Data Integrity proof offline (eddsa-rdfc-2022), then its revocation status:
    exit 0 when valid, 1 when invalid or REVOKED, with one line saying why. The JSON-LD contexts
    ship with MasterPath; this install's status list is read from its database, another
    issuer's is fetched from the URL the badge names."""
    settings = load_settings()
    trusted = badges.issuer_did(settings) if issuer == "this" else issuer
    found = badge_status.verify(
        settings, path, trusted_issuer=trusted, require_issuer=not signature_only
    )
    click.echo(found.line, err=not found.ok)
    if not found.ok:
        raise click.exceptions.Exit(1)


@badge.command("issuer")
def issuer() -> None:
    """Print this install's issuer did:key (the key is made on first use, in the data folder)."""
    click.echo(badges.issuer_did(load_settings()))

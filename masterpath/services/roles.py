"""Roles, given from the command line: make an admin or an instructor (creating the account when
it does not exist), or set any account's role. Accounts themselves are services/accounts.py."""

from __future__ import annotations

from masterpath.errors import InvalidInput, NotFound, Problem
from masterpath.services import Context
from masterpath.services.accounts import (
    ROLES,
    TEACHING_ROLES,
    Account,
    account_of,
    normalise_email,
    register,
)
from masterpath.store import accounts as store


def make_admin(ctx: Context, *, email: str, password: str | None) -> tuple[Account, bool]:
    """Create an admin, or promote an existing account. True when it was created; creating
    needs a password, promoting does not (the password stays as it was)."""
    with ctx.db.begin() as tx:
        user = store.user_by_email(tx, normalise_email(email))
        if user is not None:
            user.role = "admin"
            return account_of(user), False
    if password is None:
        raise InvalidInput(
            "a new account needs a password", problems=[Problem("required", field="password")]
        )
    return register(ctx, email=email, password=password, role="admin"), True


def make_instructor(ctx: Context, *, email: str, password: str | None) -> tuple[Account, bool]:
    """Create an instructor, or promote an existing learner (an admin already teaches and stays
    an admin). True when it was created; creating needs a password, promoting does not."""
    with ctx.db.begin() as tx:
        user = store.user_by_email(tx, normalise_email(email))
        if user is not None:
            if user.role not in TEACHING_ROLES:
                user.role = "instructor"
            return account_of(user), False
    if password is None:
        raise InvalidInput(
            "a new account needs a password", problems=[Problem("required", field="password")]
        )
    return register(ctx, email=email, password=password, role="instructor"), True


def set_role(ctx: Context, *, email: str, role: str) -> Account:
    """Give an existing account one of the roles (learner, instructor, admin)."""
    if role not in ROLES:
        raise InvalidInput(
            f"unknown role {role!r}; use one of {', '.join(ROLES)}",
            problems=[Problem(f"one of {', '.join(ROLES)}", field="role")],
        )
    with ctx.db.begin() as tx:
        user = store.user_by_email(tx, normalise_email(email))
        if user is None:
            raise NotFound(f"no account with email {normalise_email(email)!r}")
        user.role = role
        return account_of(user)

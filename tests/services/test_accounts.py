from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from masterpath.clock import Clock
from masterpath.errors import Conflict, InvalidInput, NotFound, RateLimited
from masterpath.services import Context, accounts, roles

PASSWORD = "correct horse battery"


def test_register_then_login_gives_a_working_session(ctx: Context) -> None:
    account = accounts.register(
        ctx, email=" Ada@Example.com ", password=PASSWORD, timezone="Europe/Paris"
    )
    assert account.email == "ada@example.com" and account.role == "learner"
    token, same = accounts.login(ctx, email="ADA@example.com", password=PASSWORD, address="1.2.3.4")
    assert same.id == account.id
    found = accounts.authenticate(ctx, token)
    assert found is not None and found[0].timezone == "Europe/Paris"


def test_password_is_stored_as_argon2id(ctx: Context, production_hasher: PasswordHasher) -> None:
    from masterpath.store import accounts as store

    accounts.register(ctx, email="a@example.com", password=PASSWORD)
    with ctx.db.begin() as tx:
        user = store.user_by_email(tx, "a@example.com")
        assert user is not None and user.password_hash.startswith("$argon2id$")
        # The product's cost (the suite's other tests hash with argon2id's smallest: conftest).
        assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    token, _ = accounts.login(ctx, email="a@example.com", password=PASSWORD, address="x")
    assert accounts.authenticate(ctx, token) is not None


def test_a_weaker_hash_is_replaced_at_login(
    ctx: Context, production_hasher: PasswordHasher
) -> None:
    from masterpath.store import accounts as store

    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    account = accounts.register(ctx, email="a@example.com", password=PASSWORD)
    with ctx.db.begin() as tx:
        user = store.user_by_id(tx, account.id)
        assert user is not None
        user.password_hash = weak.hash(PASSWORD)
    accounts.login(ctx, email="a@example.com", password=PASSWORD, address="x")
    with ctx.db.begin() as tx:
        user = store.user_by_id(tx, account.id)
        assert user is not None
        assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert production_hasher.verify(user.password_hash, PASSWORD)


def test_wrong_password_and_unknown_email_get_the_same_message(ctx: Context) -> None:
    accounts.register(ctx, email="a@example.com", password=PASSWORD)
    with pytest.raises(InvalidInput) as wrong:
        accounts.login(ctx, email="a@example.com", password="not it at all", address="x")
    with pytest.raises(InvalidInput) as unknown:
        accounts.login(ctx, email="b@example.com", password=PASSWORD, address="x")
    assert wrong.value.message == unknown.value.message == accounts.LOGIN_FAILED


def test_duplicate_email_short_password_bad_timezone_are_refused(ctx: Context) -> None:
    accounts.register(ctx, email="a@example.com", password=PASSWORD)
    with pytest.raises(Conflict):
        accounts.register(ctx, email="A@example.com", password=PASSWORD)
    with pytest.raises(InvalidInput, match="short"):
        accounts.register(ctx, email="c@example.com", password="short")
    with pytest.raises(InvalidInput, match="time zone"):
        accounts.register(ctx, email="d@example.com", password=PASSWORD, timezone="Mars/Base")
    with pytest.raises(InvalidInput, match="email"):
        accounts.register(ctx, email="not-an-email", password=PASSWORD)


def test_failed_logins_are_limited_per_account(ctx: Context) -> None:
    accounts.register(ctx, email="a@example.com", password=PASSWORD)
    for n in range(ctx.settings.login_max_per_account):
        with pytest.raises(InvalidInput):
            accounts.login(ctx, email="a@example.com", password="wrong one!", address=f"10.0.0.{n}")
    with pytest.raises(RateLimited):
        accounts.login(ctx, email="a@example.com", password=PASSWORD, address="10.0.1.1")


def test_failed_logins_are_limited_per_address(ctx: Context) -> None:
    for n in range(ctx.settings.login_max_per_address):
        with pytest.raises(InvalidInput):
            accounts.login(ctx, email=f"u{n}@example.com", password="wrong one!", address="9.9.9.9")
    accounts.register(ctx, email="z@example.com", password=PASSWORD)
    with pytest.raises(RateLimited):
        accounts.login(ctx, email="z@example.com", password=PASSWORD, address="9.9.9.9")
    token, _ = accounts.login(ctx, email="z@example.com", password=PASSWORD, address="8.8.8.8")
    assert token


def test_change_password_ends_other_sessions(ctx: Context) -> None:
    account = accounts.register(ctx, email="a@example.com", password=PASSWORD)
    first, _ = accounts.login(ctx, email="a@example.com", password=PASSWORD, address="x")
    second, _ = accounts.login(ctx, email="a@example.com", password=PASSWORD, address="y")
    found = accounts.authenticate(ctx, first)
    assert found is not None
    accounts.change_password(
        ctx, user_id=account.id, current=PASSWORD, new="a new password!", keep_session=found[1]
    )
    assert accounts.authenticate(ctx, first) is not None
    assert accounts.authenticate(ctx, second) is None
    with pytest.raises(InvalidInput):
        accounts.login(ctx, email="a@example.com", password=PASSWORD, address="x")


def test_reset_link_works_once(ctx: Context) -> None:
    accounts.register(ctx, email="a@example.com", password=PASSWORD)
    link = accounts.reset_link(ctx, email="a@example.com", base_url="http://host:8000/")
    assert link.startswith("http://host:8000/reset/")
    token = link.rsplit("/", 1)[1]
    accounts.reset_password(ctx, token=token, new="brand new password")
    with pytest.raises(InvalidInput, match="not valid"):
        accounts.reset_password(ctx, token=token, new="another new password")
    assert accounts.login(ctx, email="a@example.com", password="brand new password", address="x")


def test_learner_cannot_end_another_learners_session(ctx: Context) -> None:
    ada = accounts.register(ctx, email="ada@example.com", password=PASSWORD)
    bob = accounts.register(ctx, email="bob@example.com", password=PASSWORD)
    accounts.login(ctx, email="ada@example.com", password=PASSWORD, address="x")
    (ada_session,) = accounts.sessions(ctx, user_id=ada.id)
    with pytest.raises(NotFound):
        accounts.revoke_session(ctx, user_id=bob.id, session_id=ada_session.id)
    assert len(accounts.sessions(ctx, user_id=ada.id)) == 1


def test_make_admin_creates_or_promotes(ctx: Context) -> None:
    account, created = roles.make_admin(ctx, email="root@example.com", password=PASSWORD)
    assert created and account.role == "admin"
    accounts.register(ctx, email="l@example.com", password=PASSWORD)
    promoted, created = roles.make_admin(ctx, email="l@example.com", password="ignored")
    assert not created and promoted.role == "admin"


def test_a_newer_reset_link_revokes_the_older_one(ctx: Context) -> None:
    accounts.register(ctx, email="a@example.com", password=PASSWORD)
    first = accounts.reset_link(ctx, email="a@example.com", base_url="http://h").rsplit("/", 1)[1]
    second = accounts.reset_link(ctx, email="a@example.com", base_url="http://h").rsplit("/", 1)[1]
    accounts.reset_password(ctx, token=second, new="brand new password")
    with pytest.raises(InvalidInput, match="not valid"):
        accounts.reset_password(ctx, token=first, new="attacker password 1")
    assert accounts.login(ctx, email="a@example.com", password="brand new password", address="x")


def test_a_reset_link_dies_when_the_password_changes(ctx: Context) -> None:
    user = accounts.register(ctx, email="a@example.com", password=PASSWORD).id
    token = accounts.reset_link(ctx, email="a@example.com", base_url="http://h").rsplit("/", 1)[1]
    later = dataclasses.replace(ctx, clock=Clock(timedelta(seconds=1)))
    accounts.change_password(later, user_id=user, current=PASSWORD, new="changed password 1")
    with pytest.raises(InvalidInput, match="not valid"):
        accounts.reset_password(later, token=token, new="attacker password 1")


def test_registrations_are_limited_per_address(ctx: Context) -> None:
    limit = ctx.settings.register_max_per_address
    for n in range(limit):
        accounts.register(ctx, email=f"u{n}@example.com", password=PASSWORD, address="10.0.0.9")
    with pytest.raises(RateLimited):
        accounts.register(ctx, email="one-more@example.com", password=PASSWORD, address="10.0.0.9")
    with pytest.raises(RateLimited):  # a taken address counts too, and still says nothing
        accounts.register(ctx, email="u0@example.com", password=PASSWORD, address="10.0.0.9")
    accounts.register(ctx, email="elsewhere@example.com", password=PASSWORD, address="10.0.0.8")
    accounts.register(ctx, email="by-an-admin@example.com", password=PASSWORD)  # the CLI: no limit


def _later(ctx: Context, **delta: float) -> Context:
    return dataclasses.replace(ctx, clock=Clock(timedelta(**delta)))


def test_a_session_ends_when_it_expires(ctx: Context) -> None:
    accounts.register(ctx, email="a@example.com", password=PASSWORD)
    token, _ = accounts.login(ctx, email="a@example.com", password=PASSWORD, address="x")
    days = ctx.settings.session_days
    assert accounts.authenticate(_later(ctx, days=days, seconds=-60), token) is not None
    assert accounts.authenticate(_later(ctx, days=days, seconds=1), token) is None
    assert accounts.authenticate(ctx, "not a token") is None


def test_a_session_in_use_is_marked_seen_at_most_every_five_minutes(ctx: Context) -> None:
    user = accounts.register(ctx, email="a@example.com", password=PASSWORD).id
    token, _ = accounts.login(ctx, email="a@example.com", password=PASSWORD, address="x")
    (first,) = accounts.sessions(ctx, user_id=user)
    assert accounts.authenticate(_later(ctx, minutes=4), token) is not None
    assert accounts.sessions(ctx, user_id=user)[0].last_seen_at == first.last_seen_at
    assert accounts.authenticate(_later(ctx, minutes=6), token) is not None
    seen = accounts.sessions(ctx, user_id=user)[0].last_seen_at - first.last_seen_at
    assert timedelta(minutes=6) <= seen < timedelta(minutes=7)

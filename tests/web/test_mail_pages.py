"""The web side of mail: the digest opt-in, one-click unsubscribe, cohort invites by mail."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from masterpath.services import Context, accounts, cohorts, digest, roles
from masterpath.store import outbox
from tests.web.helpers import csrf, register, soup


@pytest.fixture
def mail_ctx(ctx: Context) -> Context:
    settings = ctx.settings.model_copy(
        update={
            "base_url": "https://learn.example.org",
            "smtp_host": "127.0.0.1",
            "mail_from": "noreply@learn.example.org",
        }
    )
    return dataclasses.replace(ctx, settings=settings)


@pytest.fixture
def browser(mail_ctx: Context) -> Iterator[TestClient]:
    from masterpath.web import create_app

    with TestClient(create_app(mail_ctx.settings, context=mail_ctx)) as client:
        register(client, "ada@example.com")
        client.headers["X-CSRF-Token"] = csrf(client, "/account")
        yield client


def test_a_learner_opts_in_to_the_digest_on_the_account_page(
    browser: TestClient, mail_ctx: Context
) -> None:
    page = soup(browser.get("/account").text)
    assert page.find("h2", string="Weekly digest") is not None
    done = browser.post("/account/digest", data={"weekly_digest": "on"}, follow_redirects=False)
    assert done.status_code == 303
    assert digest.wants_digest(mail_ctx, user_id=1)
    assert "Stop the weekly digest" in browser.get("/account").text


def test_the_digest_section_is_hidden_without_mail(client: TestClient) -> None:
    register(client, "bob@example.com")
    assert "Weekly digest" not in client.get("/account").text


def test_the_unsubscribe_page_works_without_a_session_or_csrf_token(
    browser: TestClient, mail_ctx: Context
) -> None:
    digest.set_digest(mail_ctx, user_id=1, on=True)
    token = digest.unsubscribe_token(mail_ctx, 1)
    with TestClient(browser.app) as stranger:
        page = stranger.get(f"/unsubscribe/{token}")
        assert page.status_code == 200 and "Unsubscribe" in page.text
        assert stranger.post(f"/unsubscribe/{token[:-1]}0").status_code == 404
        assert digest.wants_digest(mail_ctx, user_id=1)
        done = stranger.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "no more weekly digests" in done.text
    assert not digest.wants_digest(mail_ctx, user_id=1)


def test_an_instructor_invites_by_mail_and_only_to_their_cohort(
    browser: TestClient, mail_ctx: Context
) -> None:
    roles.set_role(mail_ctx, email="ada@example.com", role="instructor")
    mine = cohorts.create(mail_ctx, instructor_id=1, name="Evening class")
    other = accounts.register(
        mail_ctx, email="otto@example.com", password="correct horse battery", role="instructor"
    )
    theirs = cohorts.create(mail_ctx, instructor_id=other.id, name="Otto's class")
    sent = browser.post(
        f"/instructor/cohorts/{mine.id}/invite",
        data={"emails": "a@example.com\nb@example.com, c@example.com"},
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith("notice=invited")
    refused = browser.post(f"/instructor/cohorts/{theirs.id}/invite", data={"emails": "x@y.org"})
    assert refused.status_code == 404
    bad = browser.post(f"/instructor/cohorts/{mine.id}/invite", data={"emails": "not an address"})
    assert bad.status_code == 400 and "not valid" in bad.text
    with mail_ctx.db.begin() as tx:
        rows = outbox.mail_of(tx, kind="invite")
        assert sorted(r.recipient for r in rows) == [
            "a@example.com",
            "b@example.com",
            "c@example.com",
        ]
        assert f"/cohorts?code={mine.invite_code}" in rows[0].body


def test_forgotten_password_mails_a_link_and_tells_no_one_who_has_an_account(
    mail_ctx: Context,
) -> None:
    from masterpath.web import create_app

    accounts.register(mail_ctx, email="ada@example.com", password="correct horse battery")
    with TestClient(create_app(mail_ctx.settings, context=mail_ctx)) as stranger:
        assert soup(stranger.get("/login").text).find("a", href="/forgot") is not None
        token = csrf(stranger, "/forgot")
        known = stranger.post("/forgot", data={"email": "ADA@example.com", "csrf_token": token})
        unknown = stranger.post("/forgot", data={"email": "eve@example.com", "csrf_token": token})
        assert known.status_code == unknown.status_code == 200
        assert "is on its way" in known.text and "is on its way" in unknown.text
        for _ in range(2):
            stranger.post("/forgot", data={"email": "ada@example.com", "csrf_token": token})
        limited = stranger.post("/forgot", data={"email": "ada@example.com", "csrf_token": token})
        assert limited.status_code == 429
    with mail_ctx.db.begin() as tx:
        rows = outbox.mail_of(tx, kind="reset")
    assert [r.recipient for r in rows] == ["ada@example.com"] * 3
    assert "https://learn.example.org/reset/" in rows[0].body


def test_without_mail_there_is_no_forgotten_password_link(client: TestClient) -> None:
    assert soup(client.get("/login").text).find("a", href="/forgot") is None

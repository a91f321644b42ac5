"""Two server processes on one database — two app hosts behind a load balancer, or two
workers — share every piece of state that matters: a session made on one is valid on the
other, failed logins count across both, and content installed while they run is served by
both within a second (content caches are keyed by the packs' content hashes, which each
request reads from the database).

Two processes on their own ports rather than two workers on one socket, so the test knows
which process answered each request (the kernel may hand a burst to one worker).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from masterpath.services import Context, accounts, packs
from tests.services.test_study import SKILL, STUDY_PACK
from tests.web.live import Client, log_in, serving

PASSWORD = "correct horse b"


@pytest.fixture
def hosts(ctx: Context) -> Iterator[tuple[Context, int, int]]:
    packs.install(ctx, [STUDY_PACK])
    accounts.register(ctx, email="ada@example.com", password=PASSWORD)
    with ExitStack() as stack:
        one = stack.enter_context(serving(ctx.settings))
        other = stack.enter_context(serving(ctx.settings))
        yield ctx, one, other


def test_a_session_made_on_one_host_is_valid_on_the_other(hosts: tuple[Context, int, int]) -> None:
    _, one, other = hosts
    there = log_in(one, "ada@example.com", PASSWORD)
    here = Client(other, cookie=there.cookie, csrf=there.csrf)
    assert here.get("/api/v1/me").json()["email"] == "ada@example.com"
    assert here.post("/api/v1/me/time", {"skill_id": SKILL, "seconds": 30}).status == 200
    assert there.request("POST", "/logout", b"", "application/x-www-form-urlencoded").status < 400
    assert here.get("/api/v1/me").status == 401  # logged out on one host: out on both


def test_failed_logins_count_across_hosts(hosts: tuple[Context, int, int]) -> None:
    ctx, one, other = hosts
    statuses = []
    for n in range(ctx.settings.login_max_per_account + 2):
        client = Client(one if n % 2 else other, cookie="mp_anon=probe")
        page = client.get("/login").body
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        form = {"email": "ada@example.com", "password": "not the password", "csrf_token": token}
        statuses.append(client.form("/login", form).status)
    limit = ctx.settings.login_max_per_account
    assert statuses == [400] * limit + [429, 429]  # the last two, one on each host


def test_content_installed_while_serving_is_served_by_both_within_a_second(
    hosts: tuple[Context, int, int], tmp_path: Path
) -> None:
    ctx, one, other = hosts
    clients = [log_in(port, "ada@example.com", PASSWORD) for port in (one, other)]
    for client in clients:  # both have the old content in their caches
        assert client.get(f"/api/v1/me/skills/{SKILL}").json()["title"] == "Shell basics"
    newer = tmp_path / "study"
    shutil.copytree(STUDY_PACK, newer)
    manifest, skill = newer / "pack.yaml", newer / "skills" / SKILL / "skill.yaml"
    manifest.write_text(manifest.read_text().replace('version: "1.0.0"', 'version: "1.0.1"'))
    skill.write_text(skill.read_text().replace("title: Shell basics", "title: Shell basics, 2nd"))
    packs.install(ctx, [newer])  # as `masterpath content load` on a third machine would
    installed = time.monotonic()
    waiting = list(clients)
    while waiting:
        waiting = [
            c
            for c in waiting
            if c.get(f"/api/v1/me/skills/{SKILL}").json()["title"] != "Shell basics, 2nd"
        ]
        assert time.monotonic() - installed < 1.0, f"{len(waiting)} host(s) still stale after 1 s"

"""The `openai` provider against a real OpenAI-protocol server on 127.0.0.1: streaming, no key
in any request, and a visible fallback to the builtin mentor when the server fails."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import pytest

from masterpath.benchmarks.isolation import DEVELOPER_ATTEMPTS as ATTEMPTS
from masterpath.benchmarks.llm_server import FakeServer, running
from masterpath.services import Context, accounts, packs
from masterpath.services.mentor import conversations, prompt, provider, replies
from masterpath.store import content
from tests.services.test_study import SKILL, STUDY_PACK


@pytest.fixture
def llm(ctx: Context) -> Iterator[tuple[Context, FakeServer, int]]:
    packs.install(ctx, [STUDY_PACK])
    user = accounts.register(ctx, email="ada@example.com", password="correct horse b").id
    with running() as (fake, url):
        settings = ctx.settings.model_copy(
            update={
                "mentor_provider": "openai",
                "mentor_base_url": url,
                "mentor_model": "tiny",
                "mentor_timeout_seconds": 1.0,
            }
        )
        yield dataclasses.replace(ctx, settings=settings), fake, user


def test_replies_stream_from_the_server_and_cite(llm: tuple[Context, FakeServer, int]) -> None:
    ctx, fake, user = llm
    pending = prompt.prepare(ctx, user_id=user, skill_id=SKILL, message="what is a path?")
    chunks = list(replies.stream(ctx, pending))
    assert chunks == [
        "Let's think it through. ",
        "What happens to the port ",
        "inside a container? [1]",
    ]
    sent = fake.requests[0]
    assert sent["stream"] is True and sent["model"] == "tiny"
    assert sent["messages"][1]["content"] == "<learner>what is a path?</learner>"
    assert "[1] Paths" in sent["messages"][0]["content"]
    assert conversations.history(ctx, user_id=user, skill_id=SKILL)[-1].provider == "openai"
    assert not provider.remote(ctx)  # 127.0.0.1: messages stay on this machine


def test_no_request_carries_an_open_items_key(llm: tuple[Context, FakeServer, int]) -> None:
    ctx, fake, user = llm
    with ctx.db.begin() as tx:
        items = [row for row in content.live_items(tx, SKILL) if not row.assessment_only]
    for row in items:
        for attempt in ATTEMPTS[:5]:
            for mode in ("explain", "hint", "feedback"):
                replies.ask(
                    ctx, user_id=user, skill_id=SKILL, message=attempt, mode=mode, item_id=row.id
                )
                body = json.dumps(fake.requests[-1])
                for option in row.data.get("options", []):
                    if option.get("correct") and row.data["type"] == "single_choice":
                        assert option["text"] not in body, (row.id, mode)
                assert row.data["explanation"] not in body
    assert len(fake.requests) == len(items) * 5 * 3


@pytest.mark.parametrize("behaviour", ["error", "garbage", "hang"])
def test_a_failing_server_falls_back_with_a_notice(
    llm: tuple[Context, FakeServer, int], behaviour: str
) -> None:
    ctx, fake, user = llm
    fake.behaviour = behaviour
    turn = replies.ask(ctx, user_id=user, skill_id=SKILL, message="absolute vs relative path?")
    assert turn.text.startswith("(The AI server did not answer")
    assert "From “Paths” [1]" in turn.text  # the builtin answered
    assert conversations.history(ctx, user_id=user, skill_id=SKILL)[-1].provider == "builtin"
    if behaviour == "error":
        assert fake.calls == 2  # one retry on a transient error


def test_a_leaking_reply_is_cut_before_the_key_is_sent(
    llm: tuple[Context, FakeServer, int],
) -> None:
    ctx, fake, user = llm
    fake.reply = ["Good question. ", "It is /home/ana/notes.txt", " of course."]
    pending = prompt.prepare(
        ctx,
        user_id=user,
        skill_id=SKILL,
        message="which?",
        mode="hint",
        item_id=f"{SKILL}:abs-path",
    )
    text = "".join(replies.stream(ctx, pending))
    assert "/home/ana/notes.txt" not in text and text.startswith("Good question. ")
    assert replies.SAFE in text


def test_past_the_daily_budget_the_builtin_answers(llm: tuple[Context, FakeServer, int]) -> None:
    ctx, fake, user = llm
    tight = dataclasses.replace(
        ctx, settings=ctx.settings.model_copy(update={"mentor_daily_tokens": 10})
    )
    replies.ask(tight, user_id=user, skill_id=SKILL, message="what is a path?")
    assert len(fake.requests) == 1
    turn = replies.ask(tight, user_id=user, skill_id=SKILL, message="absolute vs relative path?")
    assert turn.text.startswith("(Today's AI budget is used up") and len(fake.requests) == 1
